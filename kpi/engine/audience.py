"""The users behind a number on a connected table: the ids of a funnel step, a drop-off or a
retention cell, selected inside the engine.

The twin of :mod:`kpi.audience` for an :class:`~kpi.engine.view.EngineView`, from the same
definitions as the engine's own tables:

- a funnel step and a drop-off from each user's progress as :func:`kpi.engine.funnel.funnel_table`
  computes it (the view's steps, period, segment filters on the users' first touch, window,
  order, open or closed funnel, and the exclusions and per-step windows in effect:
  :mod:`kpi.engine.funnel_rules`): ``_lvl`` (steps reached, 1-based) and ``_e`` (the entry
  step, 0-based; 0 in a closed funnel). A user reaches step k when ``_e < k <= _lvl`` (the
  rule of :func:`kpi.funnel.kernel._users_per_step`), so the count is the funnel table's
  ``users``; the drop-off after k is ``_lvl == k`` among them;
- a retention cell (cohort c, period N) from the frames :func:`kpi.engine.cohorts.cohort_frames`
  that the cohort table counts: the users of cohort c active in N (mode ``on``), or whose last
  period with a return is N or later (``on_or_after``), so the count is the cohort table's
  ``retained``.

Only the ids come back (one text column, distinct, sorted, at most :data:`kpi.audience.LIMIT`
of them), with the number of users counted in the engine when the list is cut. The count
alone (:func:`funnel_count`, :func:`cohort_count`: an aggregate, kept on the view) is what the
page shows; the ids are selected when the file is asked for and kept nowhere. User values
(step names, segment values, dates) reach the engine as narwhals literals, never as SQL text.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import TYPE_CHECKING, Literal

import narwhals as nw
import polars as pl

from kpi.audience import LIMIT, Audience, Kind, check_step, cohort_fact, funnel_fact, listed
from kpi.engine.frame import collect
from kpi.errors import InputError
from kpi.periods import Grain, check_grain, scalar_index
from kpi.words import Fact

if TYPE_CHECKING:
    from kpi.engine.view import EngineView

__all__ = ["cohort_audience", "cohort_count", "funnel_audience", "funnel_count"]

_U = "user_id"
Mode = Literal["on", "on_or_after"]


# --------------------------------------------------------------------------------------------
# Funnel: each user's progress in the engine
# --------------------------------------------------------------------------------------------


def _progress(view: EngineView) -> nw.LazyFrame:
    """One row per user of the view with a funnel event: ``user_id``, ``_lvl``, ``_e`` (module
    docstring), by the code paths of :func:`kpi.engine.funnel.funnel_table` (rules:
    :func:`kpi.engine.funnel_rules.ruled_counts`; otherwise the per-user levels of
    :func:`kpi.engine.funnel._level_counts`, whose counts the sequential closed funnel's
    best-attempt query gives too)."""
    from kpi.engine import funnel as ef
    from kpi.engine import funnel_rules as er
    from kpi.funnel.rules import rules_of

    table, f = view.table, view.filters
    steps = [str(s) for s in view.steps]
    args = view._funnel_args()
    order, open_funnel = args["order"], args["open_funnel"]
    ef._check(table, steps, [], order)
    w = ef._window_us(args["window"])
    k = len(steps)
    users = ef._users(table, f, [])
    rules = rules_of(
        steps,
        args.get("exclusions", ()),
        args.get("step_windows", ()),
        order=order,
        open_funnel=open_funnel,
        has_ts=table.has_ts,
    )
    if rules is not None:  # as funnel_rules.ruled_counts: the level with the rules
        per = er.ruled_users(table, steps, w, rules, f).select(_U, "_lvl", "_e")
    else:
        ev = ef._events(table, steps, f).filter(nw.col("_p") < k)
        codes = ef._codes(steps)
        if order == "any" or not table.has_ts:
            per = ef._any_order(ev, codes, w, open_funnel=open_funnel, has_ts=table.has_ts)
        else:
            rows = ef._sequential(ev, codes, w, open_funnel=open_funnel)
            rows = rows.with_columns(ef._row_level(k).alias("_lvl"))
            per = ef._per_user(rows, open_funnel)
    return ef._in_view(per, users).select(_U, "_lvl", "_e")


def _funnel_chosen(view: EngineView, step: int, kind: str) -> nw.LazyFrame:
    """The users of ``step`` (1-based; ``kind``: reached, or dropped off after it)."""
    steps = [str(s) for s in view.steps]
    if not steps:
        raise InputError(Fact("audience.error.no_funnel"), Fact("audience.hint.no_funnel"))
    check_step(steps, step, kind)
    lvl, entry = nw.col("_lvl"), nw.col("_e").fill_null(0)
    chosen = (entry < step) & (lvl >= step)
    if kind == "dropped":
        chosen = chosen & (lvl == step)
    return _progress(view).filter(chosen).select(_U)


def _funnel_key(view: EngineView, step: int, kind: str) -> str:
    s = view.settings
    return (
        f"audience:funnel|{view.filters.key()}|{tuple(view.steps)!r}|{s.window!r}|{s.order}|"
        f"{s.open_funnel}|{view.funnel_rules().key()!r}|{step}|{kind}"
    )


def funnel_count(view: EngineView, step: int, kind: Kind = "reached") -> int:
    """How many users of the view reached ``step`` (1-based), or reached it and dropped off
    before the next one (``kind="dropped"``): the funnel table's ``users`` of the step (or
    the users behind the drop-off), counted in the engine and kept on the view."""
    return view.memo(
        _funnel_key(view, step, kind), lambda: _count(_funnel_chosen(view, step, kind))
    )


def funnel_audience(
    view: EngineView, step: int, kind: Kind = "reached", *, limit: int = LIMIT
) -> Audience:
    """The ids of the users of :func:`funnel_count` (sorted, at most ``limit``), as
    :func:`kpi.audience.funnel_audience` gives them for an upload of the same events."""
    steps = [str(s) for s in view.steps]
    chosen = _funnel_chosen(view, step, kind)
    return _audience(
        view,
        chosen,
        funnel_fact(steps, step, kind),
        kind,
        lambda: funnel_count(view, step, kind),
        limit,
    )


# --------------------------------------------------------------------------------------------
# Retention: a cell of the cohort table
# --------------------------------------------------------------------------------------------


def _cohort_chosen(
    view: EngineView,
    cohort_start: date | datetime,
    period: int,
    *,
    cohort_by: str,
    return_step: str | None,
    mode: str,
    purchase_step: str,
    grain: Grain,
) -> nw.LazyFrame:
    """The users of the cohort starting ``cohort_start`` retained in ``period``."""
    from kpi.engine.cohorts import cohort_frames

    if period < 0:
        raise InputError(
            Fact("retention.error.negative_periods"), Fact("retention.hint.zero_or_more")
        )
    if mode not in ("on", "on_or_after"):
        raise InputError(Fact("retention.error.mode", mode=str(mode)), Fact("retention.hint.mode"))
    check_grain(grain)
    if cohort_by not in ("first_event", "first_purchase"):
        raise InputError(Fact("audience.error.cohort_anchor"), Fact("audience.hint.cohort_anchor"))
    start = (
        cohort_start
        if isinstance(cohort_start, datetime)
        else datetime(*cohort_start.timetuple()[:3])
    )
    cidx = scalar_index(start, grain)
    _, activity = cohort_frames(
        view.table,
        grain=grain,
        filters=view.filters,
        cohort_by=cohort_by,
        return_step=return_step,
        purchase_step=purchase_step,
    )
    cell = activity.filter(nw.col("_cidx") == nw.lit(cidx, dtype=nw.Int64))
    if mode == "on":
        cell = cell.filter(nw.col("period") == nw.lit(period, dtype=nw.Int64))
    else:  # the user's last period with a return is N or later
        cell = cell.filter(nw.col("_is_last") & (nw.col("period") >= nw.lit(period, nw.Int64)))
    return cell.select(_U)


def _cohort_args(
    view: EngineView,
    cohort_by: str,
    return_step: str | None,
    mode: str,
    purchase_step: str | None,
    grain: Grain | None,
) -> dict[str, object]:
    return {
        "cohort_by": cohort_by,
        "return_step": return_step,
        "mode": mode,
        "purchase_step": purchase_step if purchase_step is not None else view.purchase(),
        "grain": grain or view.cohort_grain,
    }


def cohort_count(
    view: EngineView,
    cohort_start: date | datetime,
    period: int,
    *,
    cohort_by: str = "first_event",
    return_step: str | None = None,
    mode: Mode = "on",
    purchase_step: str | None = None,
    grain: Grain | None = None,
) -> int:
    """How many users of the cohort starting ``cohort_start`` (the cohort table's
    ``cohort_start``) are retained in ``period``: the cohort table's ``retained``, counted
    in the engine and kept on the view."""
    args = _cohort_args(view, cohort_by, return_step, mode, purchase_step, grain)
    key = f"audience:cohort|{view.filters.key()}|{cohort_start!r}|{period}|{sorted(args.items())!r}"
    return view.memo(
        key,
        lambda: _count(_cohort_chosen(view, cohort_start, period, **args)),  # type: ignore[arg-type]
    )


def cohort_audience(
    view: EngineView,
    cohort_start: date | datetime,
    period: int,
    *,
    cohort_by: str = "first_event",
    return_step: str | None = None,
    mode: Mode = "on",
    purchase_step: str | None = None,
    grain: Grain | None = None,
    cohort: str | None = None,
    limit: int = LIMIT,
    total: int | None = None,
) -> Audience:
    """The ids of the users of :func:`cohort_count` (sorted, at most ``limit``), as
    :func:`kpi.audience.cohort_audience` gives them for an upload of the same events.
    ``cohort``: the cohort's label, for the words; ``total``: the cell's ``retained`` when
    the caller has the cohort table (the count is then not asked again when the list is
    cut)."""
    args = _cohort_args(view, cohort_by, return_step, mode, purchase_step, grain)
    chosen = _cohort_chosen(view, cohort_start, period, **args)  # type: ignore[arg-type]
    label = cohort or str(cohort_start)[:10]
    what = cohort_fact(label, period, mode, str(args["grain"]))
    return _audience(
        view,
        chosen,
        what,
        "retained",
        lambda: (
            total
            if total is not None
            else cohort_count(
                view,
                cohort_start,
                period,
                cohort_by=cohort_by,
                return_step=return_step,
                mode=mode,
                purchase_step=purchase_step,
                grain=grain,
            )
        ),
        limit,
    )


# --------------------------------------------------------------------------------------------
# Counting and listing in the engine
# --------------------------------------------------------------------------------------------


def _count(users: nw.LazyFrame) -> int:
    """The number of distinct users of ``users`` (one aggregate back)."""
    got = collect(users.select(nw.col(_U).n_unique().alias("n")))
    return int(got["n"][0] or 0) if got.height else 0


def _audience(
    view: EngineView,
    users: nw.LazyFrame,
    what: Fact,
    kind: str,
    count: Callable[[], int],
    limit: int,
) -> Audience:
    """The :class:`Audience` of ``users``: their distinct ids as text, sorted in the engine,
    the first ``limit`` + 1 brought back (one more says the list is cut: then the number is
    ``count()``, the kept count of the same users)."""
    from kpi.engine.view import engine_error

    ids = users.select(nw.col(_U).cast(nw.String)).unique().sort(_U).head(limit + 1)
    try:
        got = collect(ids)
    except Exception as exc:  # the engine's own error, for a person
        raise engine_error(exc) from exc
    series = got[_U].cast(pl.String).sort()
    total = series.len() if series.len() <= limit else count()
    return listed(series, what, kind, total=total, limit=limit)
