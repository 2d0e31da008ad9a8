"""Tracking gaps: a funnel step at zero on days when the next step is not.

People cannot check out without a cart, so days when ``add_to_cart`` counts 0 while
``checkout`` counts hundreds mean that the step was not tracked then (the GA4 merchandise
store's export has no add-to-cart before mid-November 2020). Conversions from or to that step
are unreliable on those days.

Definitions (for each pair of consecutive funnel steps s, t):

- a **gap day** is a day of the data where s counts 0 and t counts more than 0 (daily counts:
  users who did the step that day for an event log, the summed ``users`` of an aggregated
  table); days of the data are the days on which any funnel step has a row;
- a **gap** is a run of gap days not interrupted by a day where s counts more than 0 (days
  where both are 0 neither break nor extend it), reported when it has at least ``min_days``
  gap days;
- ``reliable_from`` is the first day of the data after the step's last gap where s counts more
  than 0 (None when there is none).

Facts only: the pages word them.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import polars as pl

from kpi.words import Fact

__all__ = [
    "GapRun",
    "TrackingGap",
    "daily_counts_from_counts",
    "daily_counts_from_events",
    "gap_fact",
    "gaps_in_counts",
    "gaps_in_events",
    "tracking_gaps",
]

MIN_DAYS = 2


@dataclass(frozen=True)
class GapRun:
    """Consecutive gap days: ``first_day``..``last_day``, ``days`` gap days in it, and how many
    the next step counted on them (``next_step_count``)."""

    first_day: dt.date
    last_day: dt.date
    days: int
    next_step_count: int


@dataclass(frozen=True)
class TrackingGap:
    """Every gap of one step: ``step`` at 0 while ``next_step`` was not.

    ``first_day``/``last_day`` span all its gaps, ``days`` and ``next_step_count`` add them
    up, ``runs`` lists them; ``reliable_from`` is the first day after the last gap on which
    the step counts again; ``data_first_day``/``data_last_day`` bound the data;
    ``from_start`` is True when the first gap begins near the start of the data (within a
    week, or the first tenth of its days): the step is then unreliable *before*
    ``reliable_from`` rather than between two dates."""

    step: str
    next_step: str
    runs: tuple[GapRun, ...]
    first_day: dt.date
    last_day: dt.date
    days: int
    next_step_count: int
    reliable_from: dt.date | None
    data_first_day: dt.date
    data_last_day: dt.date
    from_start: bool


def _day(ts: pl.Expr, dtype: pl.DataType) -> pl.Expr:
    return ts if dtype == pl.Date else ts.dt.date()


def _has_dates(frame: pl.DataFrame) -> bool:
    if "ts" not in frame.columns:
        return False
    dtype = frame.schema["ts"]
    return dtype == pl.Date or isinstance(dtype, pl.Datetime)


def daily_counts_from_events(events: pl.DataFrame, steps: Sequence[str]) -> pl.DataFrame:
    """``day``, ``step``, ``count`` (distinct users who did the step that day) of an event log
    with ``user_id``, ``step`` and a date/time ``ts``; empty without dates."""
    names = [str(s) for s in dict.fromkeys(steps)]
    if not _has_dates(events) or not names:
        return pl.DataFrame(schema={"day": pl.Date, "step": pl.String, "count": pl.Int64})
    return (
        events.lazy()
        .select(
            _day(pl.col("ts"), events.schema["ts"]).alias("day"),
            pl.col("step").cast(pl.String),
            "user_id",
        )
        .filter(pl.col("step").is_in(names), pl.col("day").is_not_null())
        .group_by("day", "step")
        .agg(pl.col("user_id").n_unique().cast(pl.Int64).alias("count"))
        .collect()
    )


def daily_counts_from_counts(counts: pl.DataFrame, steps: Sequence[str]) -> pl.DataFrame:
    """``day``, ``step``, ``count`` (sum of ``users``) of an aggregated table with ``step``,
    ``users`` and a date ``ts`` (e.g. GA4's ``event_date``); empty without dates."""
    names = [str(s) for s in dict.fromkeys(steps)]
    if not _has_dates(counts) or "users" not in counts.columns or not names:
        return pl.DataFrame(schema={"day": pl.Date, "step": pl.String, "count": pl.Int64})
    return (
        counts.lazy()
        .select(
            _day(pl.col("ts"), counts.schema["ts"]).alias("day"),
            pl.col("step").cast(pl.String),
            pl.col("users").fill_null(0),
        )
        .filter(pl.col("step").is_in(names), pl.col("day").is_not_null())
        .group_by("day", "step")
        .agg(pl.col("users").sum().round().cast(pl.Int64).alias("count"))
        .collect()
    )


def tracking_gaps(
    daily: pl.DataFrame, steps: Sequence[str], *, min_days: int = MIN_DAYS
) -> list[TrackingGap]:
    """The tracking gaps (module docstring) of daily counts (``day``, ``step``, ``count``)
    for the funnel ``steps`` in order: at most one :class:`TrackingGap` per step, in step
    order."""
    names = [str(s) for s in steps]
    if daily.height == 0 or len(names) < 2:
        return []
    wide = (
        daily.group_by("day")
        .agg(
            pl.col("count").filter(pl.col("step") == name).sum().alias(f"_{i}")
            for i, name in enumerate(dict.fromkeys(names))
        )
        .sort("day")
    )
    index = {name: i for i, name in enumerate(dict.fromkeys(names))}
    first_day, last_day = wide["day"].min(), wide["day"].max()
    out: list[TrackingGap] = []
    seen: set[tuple[str, str]] = set()
    for s, t in itertools.pairwise(names):
        if s == t or (s, t) in seen:
            continue
        seen.add((s, t))
        here, nxt = pl.col(f"_{index[s]}"), pl.col(f"_{index[t]}")
        marked = wide.select(
            "day",
            nxt.alias("next"),
            ((here == 0) & (nxt > 0)).alias("gap"),
            (here > 0).alias("counts"),
            (here > 0).cast(pl.Int32).cum_sum().alias("run"),
        )
        runs = (
            marked.filter("gap")
            .group_by("run")
            .agg(
                pl.col("day").min().alias("first"),
                pl.col("day").max().alias("last"),
                pl.len().alias("days"),
                pl.col("next").sum().alias("next"),
            )
            .filter(pl.col("days") >= min_days)
            .sort("first")
        )
        if runs.height == 0:
            continue
        items = tuple(
            GapRun(r["first"], r["last"], int(r["days"]), int(r["next"]))
            for r in runs.iter_rows(named=True)
        )
        end = items[-1].last_day
        after = marked.filter(pl.col("day") > end, pl.col("counts"))
        out.append(
            TrackingGap(
                step=s,
                next_step=t,
                runs=items,
                first_day=items[0].first_day,
                last_day=end,
                days=sum(r.days for r in items),
                next_step_count=sum(r.next_step_count for r in items),
                reliable_from=after["day"].min() if after.height else None,
                data_first_day=first_day,
                data_last_day=last_day,
                from_start=(items[0].first_day - first_day).days
                <= max(7, ((last_day - first_day).days + 1) // 10),
            )
        )
    return out


def gaps_in_events(
    events: pl.DataFrame, steps: Sequence[str], *, min_days: int = MIN_DAYS
) -> list[TrackingGap]:
    """:func:`tracking_gaps` of an event log's daily users per step."""
    return tracking_gaps(daily_counts_from_events(events, steps), steps, min_days=min_days)


def gaps_in_counts(
    counts: pl.DataFrame, steps: Sequence[str], *, min_days: int = MIN_DAYS
) -> list[TrackingGap]:
    """:func:`tracking_gaps` of an aggregated table's daily sums per step."""
    return tracking_gaps(daily_counts_from_counts(counts, steps), steps, min_days=min_days)


def gap_fact(g: TrackingGap, *, aggregated: bool = False) -> Fact:
    """What a tracking gap means, as a fact (``ingest_gaps.*``): which step, which dates, how
    many days, what the next step counted, and from or until when the step is unreliable."""
    if len(g.runs) == 1:
        span = Fact("ingest_gaps.span.one", first=g.first_day, last=g.last_day)
    else:
        runs = [
            Fact("ingest_gaps.run", first=r.first_day, last=r.last_day, days=r.days) for r in g.runs
        ]
        span = Fact("ingest_gaps.span.many", first=g.first_day, last=g.last_day, runs=runs)
    if g.reliable_from is None:
        meaning = Fact("ingest_gaps.unreliable.to_end", first=g.first_day)
    elif g.from_start:
        meaning = Fact("ingest_gaps.unreliable.before", day=g.reliable_from)
    else:
        meaning = Fact("ingest_gaps.unreliable.between", first=g.first_day, last=g.last_day)
    counted = Fact(
        "ingest_gaps.counted.aggregated" if aggregated else "ingest_gaps.counted.users",
        next_step=g.next_step,
        n=g.next_step_count,
    )
    return Fact(
        "ingest_gaps.gap",
        step=g.step,
        days=g.days,
        span=span,
        counted=counted,
        meaning=meaning,
    )
