"""When a change over time coincides with an event: facts for the insight sentences.

- :func:`change_overlaps`: in a series of values per chart period (conversion by entry week,
  a stage KPI by month, NPS by month), the largest change from one period to the next; when
  the period where it happens overlaps events of the calendar, a fact names them ("the drop in
  week 46 overlaps 'Black Friday'"). No fact when it overlaps none.
- :func:`period_overlaps`: the events overlapping a compared period (the view's period, the
  previous one), for the "vs previous period" comparisons.
- :func:`retention_trend_overlaps`: in the period-N retention of successive cohorts, the
  largest change from one cohort to the next; a fact names the events overlapping the calendar
  days where that cohort's period N was measured (its N-th month: September for the June
  cohort's month 3), or else those of the period the cohort arrived in.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Sequence

import polars as pl

from kpi.calendar.cells import cell_span
from kpi.calendar.event import Event, covering, in_range
from kpi.words import Fact

__all__ = [
    "biggest_change",
    "change_overlaps",
    "funnel_trend_overlaps",
    "period_overlaps",
    "retention_trend_overlaps",
]


def biggest_change(
    points: Sequence[tuple[dt.date, float | None]],
) -> tuple[dt.date, float, float] | None:
    """``(period, before, after)`` of the largest absolute change between two consecutive
    periods with a value (the earliest on a tie), None with fewer than two values."""
    values = sorted((d, float(v)) for d, v in points if v is not None)
    best: tuple[dt.date, float, float] | None = None
    for (_, before), (day, after) in itertools.pairwise(values):
        if best is None or abs(after - before) > abs(best[2] - best[1]):
            best = (day, before, after)
    return best


def _labels(events: Sequence[Event]) -> list:
    return [Fact("calendar.quoted", label=e.label) for e in events]


def change_overlaps(
    points: Sequence[tuple[dt.date, float | None]],
    grain: str,
    events: Sequence[Event],
    *,
    measure: Fact | str,
    unit: str = "rate",
) -> Fact | None:
    """``calendar.insight.drop_overlaps`` / ``…rise_overlaps`` (``period``: the period's first
    day, ``grain``, ``week``/``year`` (ISO week), ``change`` = after − before, ``before``,
    ``after``, ``events``: their labels, ``kinds``, ``measure``, ``unit``: "rate" (change in
    points) or "number") when the largest change happens in a period overlapping events."""
    found = biggest_change(points)
    if found is None or not events:
        return None
    day, before, after = found
    if after == before:
        return None
    hits = covering(events, day, grain)
    if not hits:
        return None
    direction = "drop" if after < before else "rise"
    iso = day.isocalendar()
    return Fact(
        f"calendar.insight.{direction}_overlaps.{grain}.{unit}",
        period=day,
        week=iso.week,
        year=str(iso.year),
        change=after - before,
        before=before,
        after=after,
        events=_labels(hits),
        kinds=[e.kind for e in hits],
        measure=measure,
    )


def period_overlaps(
    first: dt.date, last: dt.date, events: Sequence[Event], *, which: str = "current"
) -> Fact | None:
    """``calendar.insight.period_overlaps.<which>`` (``first``, ``last``, ``events``) when
    events overlap ``first``..``last``; ``which`` is "current" or "previous"."""
    hits = in_range(events, first, last)
    if not hits:
        return None
    return Fact(
        f"calendar.insight.period_overlaps.{which}",
        first=first,
        last=last,
        events=_labels(hits),
        n=len(hits),
    )


def funnel_trend_overlaps(trend: pl.DataFrame, grain: str, events: Sequence[Event]) -> Fact | None:
    """:func:`change_overlaps` of a :func:`kpi.funnel.conversion_over_time` result: the
    conversion from the first step to the last one per entry period."""
    if trend.height == 0 or not events:
        return None
    steps = list(dict.fromkeys(trend.get_column("step").to_list()))
    if len(steps) < 2:
        return None
    last = trend.filter(pl.col("step") == steps[-1]).sort("period")
    points = list(zip(last.get_column("period").to_list(), last.get_column("conversion").to_list(), strict=True))  # fmt: skip
    measure = Fact("calendar.measure.conversion", first=str(steps[0]), last=str(steps[-1]))
    return change_overlaps(points, grain, events, measure=measure)


def retention_trend_overlaps(
    trend: pl.DataFrame, n: int, grain: str, events: Sequence[Event]
) -> Fact | None:
    """``calendar.insight.retention_<drop|rise>.<grain>.<where>`` for a
    :func:`kpi.retention.period_n_trend` result (one row per cohort: ``cohort_start``,
    ``retention``, ``complete``): the largest change of period-``n`` retention from one cohort
    to the next (complete periods only, the earliest on a tie), when events overlap the days
    where that cohort's period ``n`` was measured (``where`` = "period": ``first``..``last``,
    :func:`kpi.calendar.cells.cell_span`) or, failing that, the cohort's own period
    (``where`` = "start": the users arrived during the events). Values: ``n``, ``cohort`` (its
    first day), ``first``, ``last``, ``week``/``year`` (ISO week of ``first``), ``before``,
    ``after``, ``change`` (points), ``events``, ``kinds``. None when nothing overlaps."""
    if trend.height < 2 or not events or grain not in ("day", "week", "month"):
        return None
    done = trend.filter(pl.col("complete")) if "complete" in trend.columns else trend
    points = list(zip(done.get_column("cohort_start").to_list(), done.get_column("retention").to_list(), strict=True))  # fmt: skip
    found = biggest_change(points)
    if found is None or found[1] == found[2]:
        return None
    cohort, before, after = found
    first, last = cell_span(cohort, n, grain)  # type: ignore[arg-type]
    where, hits = "period", in_range(events, first, last)
    if not hits:
        first, last = cell_span(cohort, 0, grain)  # type: ignore[arg-type]
        where, hits = "start", in_range(events, first, last)
    if not hits:
        return None
    iso = first.isocalendar()
    direction = "drop" if after < before else "rise"
    return Fact(
        f"calendar.insight.retention_{direction}.{grain}.{where}",
        n=n,
        cohort=cohort,
        first=first,
        last=last,
        week=iso.week,
        year=str(iso.year),
        before=before,
        after=after,
        change=after - before,
        events=_labels(hits),
        kinds=[e.kind for e in hits],
    )
