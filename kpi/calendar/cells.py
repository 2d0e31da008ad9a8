"""Calendar days of the cells of a cohort table, and the events they overlap.

A cohort table counts, for the cohort that started in the period ``cohort_start`` (a day, an
ISO week from Monday, a calendar month), the users who came back in its period ``N`` (0: the
cohort's own period). Which calendar days period ``N`` covers depends on the cohort: period 3
of the June cohort is September, period 3 of the July cohort is October. :func:`cell_span`
gives them (both days included); :func:`cell_events` finds, for every cell of a table, the
events of the calendar it overlaps (the overlap rules of :mod:`kpi.calendar.event`).

- month: period N of a cohort starting in month m is month m + N (a 31 January cohort start
  is the January cohort: its period 1 is February, 1 to 28 or 29);
- week: the ISO week N weeks after the cohort's (Monday to Sunday, across year ends: week 52
  of 2025 + 1 is week 1 of 2026);
- day: the day N days after.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import polars as pl

from kpi.calendar.event import Event, overlaps, period_last_day
from kpi.periods import Grain, as_datetime, check_grain, scalar_index

__all__ = ["cell_events", "cell_span", "index_start"]

_EPOCH = dt.date(1970, 1, 1)


def index_start(index: int, grain: Grain) -> dt.date:
    """First day of the period with :func:`kpi.periods.scalar_index` ``index`` (the scalar
    twin of :func:`kpi.periods.period_start`)."""
    if grain == "month":
        return dt.date(index // 12, index % 12 + 1, 1)
    if grain == "week":
        return _EPOCH + dt.timedelta(days=index * 7 - 3)
    return _EPOCH + dt.timedelta(days=index)


def cell_span(cohort_start: dt.date, period: int, grain: Grain) -> tuple[dt.date, dt.date]:
    """``(first, last)`` day (both included) of period ``period`` of the cohort whose period
    holds ``cohort_start`` (any day of it: the period is found first)."""
    check_grain(grain)
    first = index_start(scalar_index(as_datetime(cohort_start), grain) + int(period), grain)
    return first, period_last_day(first, grain)


def cell_events(
    cells: pl.DataFrame,
    events: Sequence[Event],
    grain: Grain,
    *,
    start: str = "cohort_start",
    period: str = "period",
) -> pl.DataFrame:
    """The cells of ``cells`` (a column of cohort starts ``start`` (Date) and one of period
    numbers ``period``) that overlap at least one of ``events``, with their calendar days and
    the events: ``cells``' columns, then ``span_first``, ``span_last`` (Date) and ``events``
    (the positions in ``events`` of those overlapping the cell, in their order). Cells without
    a start (an average row) are left out; no row when nothing overlaps."""
    check_grain(grain)
    schema = {**cells.schema, "span_first": pl.Date(), "span_last": pl.Date(), "events": pl.List(pl.Int64)}  # fmt: skip
    if not events or cells.height == 0:
        return pl.DataFrame(schema=schema)
    # one span per distinct (start, period): a table has tens of cohorts × periods
    pairs = cells.select(pl.col(start).cast(pl.Date), pl.col(period).cast(pl.Int64)).drop_nulls().unique()  # fmt: skip
    firsts, lasts, hits = [], [], []
    for begin, n in pairs.iter_rows():
        first, last = cell_span(begin, n, grain)
        firsts.append(first)
        lasts.append(last)
        hits.append([i for i, e in enumerate(events) if overlaps(e, first, last)])
    spans = pairs.with_columns(
        pl.Series("span_first", firsts, dtype=pl.Date),
        pl.Series("span_last", lasts, dtype=pl.Date),
        pl.Series("events", hits, dtype=pl.List(pl.Int64)),
    ).filter(pl.col("events").list.len() > 0)
    keyed = cells.with_columns(
        pl.col(start).cast(pl.Date).alias("_start"), pl.col(period).cast(pl.Int64).alias("_n")
    )
    return (
        keyed.join(spans.rename({start: "_start", period: "_n"}), on=["_start", "_n"], how="inner")
        .drop("_start", "_n")
        .select(list(schema))
    )
