"""The users behind a number: the ids of a funnel step, a drop-off or a retention cell.

Read from what the view already computed (no recomputation):

- a funnel step (reached step k) and a drop-off (reached k, not k+1) from the view's funnel
  progress (:meth:`kpi.view.View.funnel_progress`: one row per user, ``steps_reached`` and,
  in an open funnel, ``entry_step``), for the users of the view's segment filters. The user
  reaches step k (1-based) when ``entry_step <= k <= steps_reached`` (closed funnel:
  ``entry_step`` is 1), so the counts are the funnel table's ``users``;
- a retention cell (cohort c, period N) from every user's cohort anchor and returns
  (:meth:`kpi.view.View.cohort_activity`): the users of cohort c active in period N (mode
  "on"), or in N or later ("on or after"), so the count is the cohort table's ``retained``.

A connected table (:mod:`kpi.engine.audience`) lists the same users from the engine's own
per-user progress and cohort activity, into the same :class:`Audience`. Both routes list at
most :data:`LIMIT` ids (the first ones in sorted order) and say how many the number counts.

The ids are the user's own data: nothing here keeps them (the page builds the file when asked
and never caches it across sessions). What the number is comes back as a
:class:`~kpi.words.Fact` (codes ``audience.…``); :mod:`kpi.export.audience_csv` writes the file.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Literal

import polars as pl

from kpi.errors import InputError
from kpi.periods import Grain, scalar_index
from kpi.words import Fact

if TYPE_CHECKING:
    from kpi.funnel.progress import FunnelProgress
    from kpi.view import View

__all__ = [
    "LIMIT",
    "Audience",
    "Kind",
    "check_step",
    "cohort_audience",
    "cohort_fact",
    "funnel_audience",
    "funnel_fact",
    "listed",
    "progress_audience",
    "view_users",
]

Kind = Literal["reached", "dropped"]
KINDS: tuple[str, ...] = ("reached", "dropped")
#: the most ids a file lists (both routes): a CRM import or an ad audience takes a few
#: hundred thousand at most, and a list of millions would not leave the browser well; the
#: file says how many the number counts and that the list is cut (``audience.csv.listed_cut``)
LIMIT = 1_000_000


@dataclass(frozen=True)
class Audience:
    """The users behind one number: ``ids`` (sorted, unique), ``what`` (the number in words,
    a fact: "reached step 2 of 4, cart"), ``kind`` (``reached``, ``dropped``, ``retained``),
    ``total`` (how many users the number counts); ``limit`` is the maximum of ids listed when
    the list was cut (None: every id is listed)."""

    ids: pl.Series
    what: Fact
    kind: str
    total: int
    limit: int | None = None

    @property
    def cut(self) -> bool:
        """True when fewer ids are listed than the number counts."""
        return self.total > self.ids.len()


def check_step(steps: tuple[str, ...] | list[str], step: int, kind: str) -> None:
    """An :class:`InputError` for a list that does not exist: an unknown ``kind``, a step
    outside the funnel, a drop-off after the last step."""
    if kind not in KINDS:
        raise InputError(Fact("audience.error.kind", kind=str(kind)), Fact("audience.hint.kind"))
    if not 1 <= step <= len(steps):
        raise InputError(
            Fact("audience.error.step", step=step, n=len(steps)), Fact("audience.hint.step")
        )
    if kind == "dropped" and step == len(steps):
        raise InputError(
            Fact("audience.error.last_step", step=str(steps[-1])),
            Fact("audience.hint.last_step"),
        )


def progress_audience(
    progress: FunnelProgress, users: pl.DataFrame | None, step: int, kind: Kind = "reached"
) -> Audience:
    """The users of ``progress`` (only those of ``users`` when given: a ``user_id`` column)
    who reached ``step`` (1-based), or reached it and not the next one (``kind="dropped"``)."""
    steps = progress.steps
    check_step(steps, step, kind)
    rows = progress.per_user
    if users is not None:
        keep = users.select("user_id")
        if keep.schema["user_id"] != rows.schema["user_id"]:
            keep = keep.with_columns(pl.col("user_id").cast(rows.schema["user_id"]))
        rows = rows.join(keep, on="user_id", how="semi")
    lvl = pl.col("steps_reached")
    entry = pl.col("entry_step") if progress.open_funnel else pl.lit(1)
    reached = (entry <= step) & (lvl >= step)
    chosen = reached & (lvl == step) if kind == "dropped" else reached
    ids = rows.filter(chosen.fill_null(False))["user_id"].unique().sort()
    return listed(ids, funnel_fact(steps, step, kind), kind)


def funnel_fact(steps: tuple[str, ...] | list[str], step: int, kind: str) -> Fact:
    """What the users of a funnel step (or of the drop-off after it) are, in words."""
    return Fact(
        f"audience.what.{kind}",
        step=step,
        n=len(steps),
        name=str(steps[step - 1]),
        next=str(steps[step]) if step < len(steps) else "",
    )


def cohort_fact(cohort: str, period: int, mode: str, grain: str) -> Fact:
    """What the users of a retention cell are, in words (``cohort``: its label)."""
    return Fact(
        f"audience.what.retained_{mode}",
        cohort=cohort,
        period=period,
        grain=Fact(f"audience.grain.{grain}"),
    )


def listed(
    ids: pl.Series, what: Fact, kind: str, total: int | None = None, limit: int = LIMIT
) -> Audience:
    """The :class:`Audience` of ``ids`` (sorted, unique) cut to the first ``limit`` of them;
    ``total``: how many the number counts (default: every id given)."""
    n = ids.len() if total is None else int(total)
    cut = n > limit or ids.len() > limit
    return Audience(
        ids=ids.head(limit), what=what, kind=kind, total=n, limit=limit if cut else None
    )


def view_users(view: View) -> pl.DataFrame | None:
    """The ``user_id`` of the view's segment filters in its period (None: no segment filter,
    every user of the period)."""
    f = view.filters
    if not f.active_segments:
        return None
    users = view.period_dataset().users
    return users.filter(f.user_mask(users)).select("user_id")


def funnel_audience(view: View, step: int, kind: Kind = "reached") -> Audience:
    """:func:`progress_audience` of the view's funnel progress (its funnel settings and
    period) and the users of its segment filters: the users behind the funnel table's
    ``users`` of ``step`` (or behind the drop-off after it)."""
    timed = view.view.has_timestamps
    progress = view.funnel_progress(timed=timed)
    if progress is None:
        raise InputError(Fact("audience.error.no_funnel"), Fact("audience.hint.no_funnel"))
    return progress_audience(progress, view_users(view), step, kind)


def cohort_audience(
    view: View,
    cohort_start: date | datetime,
    period: int,
    *,
    cohort_by: str = "first_event",
    return_step: str | None = None,
    mode: Literal["on", "on_or_after"] = "on",
    purchase_step: str = "purchase",
    grain: Grain | None = None,
    cohort: str | None = None,
) -> Audience:
    """The users of the cohort starting ``cohort_start`` (the cohort table's
    ``cohort_start``) retained in ``period``: active in that period (``mode="on"``), or in it
    or a later one (``"on_or_after"``), as the view's cohort table counts them. ``cohort``:
    the cohort's label, for the words. Raises why it is not offered (a cohort anchored on a
    date column: its anchors are not kept per user)."""
    if period < 0:
        raise InputError(
            Fact("retention.error.negative_periods"), Fact("retention.hint.zero_or_more")
        )
    grain_ = grain or view.cohort_grain
    got = view.cohort_activity(cohort_by, return_step, purchase_step, grain_)
    if got is None:
        raise InputError(Fact("audience.error.cohort_anchor"), Fact("audience.hint.cohort_anchor"))
    activity, selected, _ = got
    start = (
        cohort_start
        if isinstance(cohort_start, datetime)
        else datetime(*cohort_start.timetuple()[:3])
    )
    cidx = scalar_index(start, grain_)
    users_rows = pl.Series("_row", range(selected.len()), dtype=pl.UInt32).filter(selected)
    members = activity.anchors.filter(
        (pl.col("_cidx") == cidx) & pl.col("_row").is_in(users_rows.implode())
    ).select("_row")
    act = activity.activity.join(members, on="_row", how="semi")
    if mode == "on":
        rows = act.filter(pl.col("period") == period)["_row"]
    else:
        rows = (
            act.group_by("_row")
            .agg(pl.col("period").max())
            .filter(pl.col("period") >= period)["_row"]
        )
    user_ids = view.full.users["user_id"]
    ids = user_ids.gather(rows.unique().sort()).unique().sort()
    what = cohort_fact(cohort or str(start.date()), period, mode, grain_)
    return listed(ids, what, "retained")
