"""What the Funnel page shows of an :class:`~kpi.engine.view.EngineView` beyond the funnel table
and its breakdowns: aggregates computed in the engine, with the rules of the upload route.

- :func:`conversion_over_time`: :func:`kpi.funnel.conversion_over_time` (entry-period
  cohorts: users reaching each step by the period of their first step-1 event), with the
  view's exclusions and per-step windows (:mod:`kpi.engine.funnel_rules`);
- :func:`did_last`: :func:`pages._ui.funnel_counts.did_last` (users who did the last step at
  all, and those of them who also did the step before it);
- :func:`time_to_convert`: :func:`kpi.funnel.time_to_convert` (the histogram of the seconds
  from step 1 to the last step of each converting user's best attempt, sequential; with the
  view's exclusions and per-step windows, the path they accept: :mod:`kpi.engine.ruled_times`);
- :func:`daily_step_users`: :func:`kpi.ingest.gaps.daily_counts_from_events` of the view's
  events (the tracking gaps are found locally from these daily counts; events as recorded,
  not funnel progress, so the funnel's exclusions and windows do not enter);
- :func:`step_options`: the step choices of the table (whatever the filters).

Each result is kept on the view (``view.memo``), keyed by what it depends on. Only aggregates
come back from the engine (a few rows per period, bin or day); user values (step names,
dates) reach it as narwhals literals. Times are the integers of :mod:`kpi.engine.funnel`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import TYPE_CHECKING

import narwhals as nw
import numpy as np
import polars as pl

from kpi.engine.cohorts import period_index
from kpi.engine.frame import collect, first_touch, in_view, period_events, usable
from kpi.errors import InputError, SchemaError
from kpi.filters import Filters
from kpi.funnel.prepare import US
from kpi.funnel.rules import Rules
from kpi.words import Fact

if TYPE_CHECKING:
    from kpi.engine.view import EngineView

__all__ = [
    "conversion_over_time",
    "daily_step_users",
    "did_last",
    "step_options",
    "time_to_convert",
]

_EPOCH = date(1970, 1, 1)
_GRAINS = ("day", "week", "month")


# --------------------------------------------------------------------------------------------
# The view's events
# --------------------------------------------------------------------------------------------


def _segment_users(view: EngineView, filters: Filters | None) -> nw.LazyFrame | None:
    """The users kept by the segment filters (their first touch), None when every user is."""
    if filters is None or not filters.active_segments:
        return None
    need = [c for c in filters.active_segments if c in view.table.user_segments]
    if not need:
        return None
    return in_view(first_touch(view.table, need), filters).select("user_id")


def _view_events(view: EngineView, filters: Filters | None = None) -> nw.LazyFrame:
    """The events an upload's filtered Dataset holds: the period's usable events of the users
    in the segment filters (``filters``: the view's when None)."""
    f = view.filters if filters is None else filters
    ev = period_events(view.table, f).filter(usable(view.table))
    users = _segment_users(view, f)
    return ev if users is None else ev.join(users, on="user_id", how="semi")


def _period_start(index: int, grain: str) -> date:
    """The first day of period ``index`` of :func:`kpi.engine.cohorts.period_index`."""
    if grain == "month":
        return date(index // 12, index % 12 + 1, 1)
    if grain == "week":
        return _EPOCH + timedelta(days=index * 7 - 3)  # weeks from Monday 1969-12-29
    return _EPOCH + timedelta(days=index)


def _key(view: EngineView, name: str, *parts: object) -> str:
    return f"view_funnel:{name}|{view.filters.key()}|{parts!r}"


# --------------------------------------------------------------------------------------------
# Conversion over time
# --------------------------------------------------------------------------------------------


def conversion_over_time(
    view: EngineView, steps: Sequence[str] | None = None, *, grain: str = "week"
) -> pl.DataFrame:
    """Entry-period cohorts of the view: ``period`` (Date: the first day of the day, ISO week
    or month of the user's first step-1 event in the view), ``step``, ``users`` (reaching the
    step by the view's order and window; the funnel is closed here) and ``conversion`` =
    users ÷ users entering that period: :func:`kpi.funnel.conversion_over_time` of an upload
    of the same events."""
    from kpi.engine.funnel import _check, _codes, _events, _level_counts
    from kpi.funnel.prepare import _window_us

    if grain not in _GRAINS:
        raise InputError(
            Fact("funnel.error.unknown_grain", grain=str(grain)), Fact("funnel.hint.grains")
        )
    if not view.has_timestamps:
        raise SchemaError(Fact("funnel.error.trend_needs_ts"), Fact("funnel.hint.load_ts"))
    names = [str(s) for s in (view.steps if steps is None else steps)]
    order = view.settings.order
    window = view.window
    rules = _rules(view, names)

    def compute() -> pl.DataFrame:
        _check(view.table, names, [], order)
        f = view.filters
        step1 = period_events(view.table, f).filter(
            usable(view.table) & (nw.col("step") == nw.lit(names[0], dtype=nw.String))
        )
        entry = step1.group_by("user_id").agg(nw.col("ts").min().alias("_first"))
        entry = entry.select("user_id", period_index(nw.col("_first"), grain).alias("_period"))
        users = _segment_users(view, f)
        if users is not None:
            entry = entry.join(users, on="user_id", how="semi")
        if rules is not None:  # the funnel's exclusions and per-step windows
            from kpi.engine.funnel_rules import ruled_counts

            counts = ruled_counts(
                view.table, names, _window_us(window), rules, f, entry, ["_period"]
            )
            return _cohort_rows(counts, names, grain)
        ev = _events(view.table, names, f).filter(nw.col("_p") < len(names))
        counts = _level_counts(
            ev, entry, _codes(names), _window_us(window), ["_period"], order, False, True
        )
        return _cohort_rows(counts, names, grain)

    return view.memo(_key(view, "trend", tuple(names), order, window, grain, rules), compute)


def _rules(view: EngineView, steps: list[str]) -> Rules | None:
    """The view's exclusions and per-step windows that apply to ``steps``, resolved
    (:func:`kpi.funnel.rules.rules_of`); None when none apply (an open or any-order funnel
    takes none: the page and the sheet say so)."""
    from kpi.funnel.rules import rules_of
    from kpi.funnel.view_rules import rules_in_view

    got = rules_in_view(steps, view.settings, has_ts=view.has_timestamps)
    if not got.active:
        return None
    return rules_of(steps, got.exclusions, got.step_windows, has_ts=view.has_timestamps)


def _cohort_rows(counts: pl.DataFrame, steps: list[str], grain: str) -> pl.DataFrame:
    """``period``, ``step``, ``users``, ``conversion`` from the users per (period, level)."""
    k = len(steps)
    schema = {"period": pl.Date, "step": pl.String, "users": pl.Int64, "conversion": pl.Float64}
    if counts.height == 0:
        return pl.DataFrame(schema=schema)
    per = counts.group_by("_period").agg(
        pl.col("_n").filter(pl.col("_lvl") > j).sum().cast(pl.Int64).alias(str(j)) for j in range(k)
    )
    long = per.unpivot(index="_period", variable_name="_j", value_name="users").with_columns(
        pl.col("_j").cast(pl.Int32)
    )
    names = pl.DataFrame(
        {"_j": list(range(k)), "step": steps}, schema={"_j": pl.Int32, "step": pl.String}
    )
    starts = {int(i): _period_start(int(i), grain) for i in per["_period"].to_list()}
    long = long.join(names, on="_j").with_columns(
        pl.col("_period")
        .cast(pl.Int64)
        .replace_strict(starts, return_dtype=pl.Date)
        .alias("period")
    )
    long = long.sort(["period", "_j"])
    first = pl.col("users").first().over("period")
    return long.with_columns(
        pl.col("users").cast(pl.Int64),
        conversion=pl.when(first > 0).then(pl.col("users") / first).otherwise(None),
    ).select(list(schema))


# --------------------------------------------------------------------------------------------
# The last step with and without the step before it
# --------------------------------------------------------------------------------------------


def did_last(view: EngineView, last: str, before: str) -> tuple[int, int]:
    """(users of the view with a ``last`` event, those of them with a ``before`` event too):
    :func:`pages._ui.funnel_counts.did_last` of an upload of the same events. The same step
    twice: users with one event of it, and with two (the funnel's own rule)."""
    last, before = str(last), str(before)

    def compute() -> tuple[int, int]:
        ev = _view_events(view).filter(nw.col("step").is_in([last, before]))
        is_last = (nw.col("step") == nw.lit(last, dtype=nw.String)).cast(nw.Int64)
        is_before = (nw.col("step") == nw.lit(before, dtype=nw.String)).cast(nw.Int64)
        per = ev.group_by("user_id").agg(is_last.sum().alias("_l"), is_before.sum().alias("_b"))
        if last == before:
            both = (nw.col("_l") >= 2).cast(nw.Int64)
        else:
            both = ((nw.col("_l") > 0) & (nw.col("_b") > 0)).cast(nw.Int64)
        got = collect(
            per.select(
                (nw.col("_l") > 0).cast(nw.Int64).sum().alias("did"),
                both.sum().alias("both"),
            )
        )
        return int(got["did"][0] or 0), int(got["both"][0] or 0)

    return view.memo(_key(view, "did_last", last, before), compute)


# --------------------------------------------------------------------------------------------
# Time to convert
# --------------------------------------------------------------------------------------------


def _seconds_to_convert(view: EngineView, steps: list[str]) -> nw.LazyFrame:
    """One row per user of the view who reached the last step (sequential, the view's window):
    ``_x``, the seconds from step 1 to the last step of the best attempt (the latest start
    among the attempts reaching the last step, the earliest event of each step in it), as
    :func:`kpi.funnel.timing._durations` and the step times of
    :func:`kpi.engine.funnel.funnel_table`."""
    from kpi.engine.funnel import _codes, _events, _row_level, _sequential
    from kpi.funnel.prepare import _window_us

    k = len(steps)
    users = _segment_users(view, view.filters)
    rules = _rules(view, steps)
    if rules is not None:  # the users the rules keep, on the path they accept
        from kpi.engine.ruled_times import ruled_attempts

        got = ruled_attempts(view.table, steps, _window_us(view.window), rules, view.filters)
        got = got.filter(nw.col("_lvl") == k)
        if users is not None:
            got = got.join(users, on="user_id", how="semi")
        return got.select(
            ((nw.col(f"_ts{k - 1}") - nw.col("_ts0")).cast(nw.Float64) / US).alias("_x")
        )
    ev = _events(view.table, steps, view.filters).filter(nw.col("_p") < k)
    f = _sequential(ev, _codes(steps), _window_us(view.window), open_funnel=False)
    f = f.with_columns(_row_level(k).alias("_r"))
    f = f.with_columns(_L=nw.col("_r").max().over("user_id"))
    f = f.filter(nw.col("_L") == k)
    f = f.with_columns(_star=nw.col(f"_s{k - 1}").max().over("user_id"))

    def earliest(j: int) -> nw.Expr:
        s = nw.col(f"_s{j}")
        return nw.when((s >= 0) & (s >= nw.col("_star"))).then(nw.col("_t")).min()

    per = f.group_by("user_id").agg(earliest(0).alias("_a"), earliest(k - 1).alias("_z"))
    if users is not None:
        per = per.join(users, on="user_id", how="semi")
    return per.select(((nw.col("_z") - nw.col("_a")).cast(nw.Float64) / US).alias("_x"))


def time_to_convert(
    view: EngineView, steps: Sequence[str] | None = None, *, bins: int = 12
) -> pl.DataFrame:
    """The histogram of :func:`kpi.funnel.time_to_convert` for the view (``bins`` equal-width
    bins from 0 to the longest time): ``bin_start``, ``bin_end`` (seconds), ``users``,
    ``share`` of the converted users. The longest time comes back first, then the number of
    times at or above each edge (the edges are numpy's, so a time on an edge falls in the bin
    numpy puts it in)."""
    if not view.has_timestamps:
        raise SchemaError(Fact("funnel.error.times_need_ts"), Fact("funnel.hint.load_ts"))
    if bins < 1:
        raise InputError(Fact("funnel.error.bins"))
    names = [str(s) for s in (view.steps if steps is None else steps)]
    window = view.window
    rules = _rules(view, names)

    def compute() -> pl.DataFrame:
        from kpi.engine.funnel import _check

        _check(view.table, names, [], "sequential")
        secs = _seconds_to_convert(view, names)
        top = collect(secs.select(nw.col("_x").max().alias("hi"), nw.len().alias("n")))
        hi = top["hi"][0]
        hi = float(hi) if hi is not None else 0.0
        edges = np.linspace(0.0, hi if hi > 0 else 1.0, bins + 1)
        at_least = [0] * (bins + 1)
        if int(top["n"][0] or 0):
            got = collect(
                secs.select(
                    *(
                        (nw.col("_x") >= nw.lit(float(e))).cast(nw.Int64).sum().alias(f"e{i}")
                        for i, e in enumerate(edges[:-1])
                    )
                )
            )
            at_least = [int(got[f"e{i}"][0] or 0) for i in range(bins)] + [0]
        counts = np.array(
            [at_least[i] - (at_least[i + 1] if i < bins - 1 else 0) for i in range(bins)],
            dtype=np.int64,
        )
        total = int(counts.sum())
        return pl.DataFrame(
            {
                "bin_start": edges[:-1],
                "bin_end": edges[1:],
                "users": counts,
                "share": counts / total if total else np.full(counts.size, np.nan),
            }
        ).with_columns(pl.col("share").fill_nan(None))

    return view.memo(_key(view, "ttc", tuple(names), window, bins, rules), compute)


# --------------------------------------------------------------------------------------------
# Tracking gaps: daily users per step
# --------------------------------------------------------------------------------------------


def daily_step_users(view: EngineView, steps: Sequence[str] | None = None) -> pl.DataFrame:
    """``day``, ``step``, ``count`` (distinct users who did the step that day) of the view's
    events for ``steps``: :func:`kpi.ingest.gaps.daily_counts_from_events` of an upload's
    filtered Dataset (its tracking gaps: :func:`kpi.ingest.gaps.tracking_gaps`)."""
    names = sorted({str(s) for s in (view.steps if steps is None else steps)})
    schema = {"day": pl.Date, "step": pl.String, "count": pl.Int64}

    def compute() -> pl.DataFrame:
        if not view.has_timestamps or not names:
            return pl.DataFrame(schema=schema)
        ev = _view_events(view).filter(nw.col("step").is_in(names))
        got = collect(
            ev.select("user_id", "step", period_index(nw.col("ts"), "day").alias("_d"))
            .group_by("_d", "step")
            .agg(nw.col("user_id").n_unique().cast(nw.Int64).alias("count"))
        )
        if got.height == 0:
            return pl.DataFrame(schema=schema)
        return got.select(
            (pl.lit(_EPOCH) + pl.duration(days=pl.col("_d").cast(pl.Int64))).alias("day"),
            pl.col("step").cast(pl.String),
            pl.col("count").cast(pl.Int64),
        ).sort("day", "step")

    return view.memo(_key(view, "daily", tuple(names)), compute)


# --------------------------------------------------------------------------------------------
# Step choices
# --------------------------------------------------------------------------------------------


def step_options(view: EngineView) -> list[str]:
    """Every step of the table (whatever the filters), in the suggested funnel order
    (:attr:`EngineView.event_steps`: known journey names first, then by users): the Funnel
    page's step choices, as an upload offers every step name of its unfiltered data."""
    return [s for s in view.event_steps if s is not None and str(s) != ""]
