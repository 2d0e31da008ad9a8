"""The Stage KPIs page's tables of a connected table: the stage KPIs per segment value and per
period, from sums grouped in the engine (:func:`kpi.engine.stages.grouped_stage_kpis`).

The twins of :func:`kpi.stages.stage_kpis_by` (one row per value of a segment: the top values
by users, the others as "Other", users without a value as "(none)"; one column per KPI
available for the whole view, so additive KPIs add up to the view's) and of the view's KPIs
computed for each calendar period of the view (:func:`kpis_over_time`). A user's segment value
is their first touch over the whole table, as the engine's filters and funnel breakdowns read
it. Results are kept in the view (:meth:`kpi.engine.view.EngineView.memo`).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from typing import TYPE_CHECKING, Literal

import polars as pl

from kpi.engine.stages import grouped_stage_kpis, segment_groups, stage_kpis
from kpi.errors import InputError
from kpi.journey.kpi import Kpi
from kpi.segments import OTHER
from kpi.words import Fact

if TYPE_CHECKING:
    from kpi.engine.view import EngineView

__all__ = ["kpis_by", "kpis_over_time", "period_starts"]

Grain = Literal["week", "month"]


def kpis_by(view: EngineView, segment: str, n: int = 8) -> pl.DataFrame:
    """The stage KPIs of ``view`` per value of ``segment``: ``segment`` (text), then one Float64
    column per KPI available for the whole view (None where a group has no value), one row per
    kept value then "Other" (when it has users), as :func:`kpi.stages.stage_kpis_by`.

    Raises :class:`~kpi.errors.InputError` for a segment the table does not have."""
    if segment not in view.segments:
        raise InputError(
            Fact("stages.error.no_segment", segment=segment), Fact("stages.hint.pick_segment")
        )

    def compute() -> pl.DataFrame:
        codes = [k.code for k in view.kpis(strict=True) if k.available]
        keep = segment_groups(view.table, view.filters, segment, n)
        groups = grouped_stage_kpis(view.table, filters=view.filters, by=segment, keep=keep)
        rows = []
        for value in [*keep, OTHER]:
            if value not in groups:
                continue
            got = {k.code: k.value for k in groups[value]}
            rows.append({segment: value, **{c: got.get(c) for c in codes}})
        schema = {segment: pl.String, **dict.fromkeys(codes, pl.Float64)}
        return pl.DataFrame(rows, schema=schema, orient="row")

    return view.memo(f"view_stages.kpis_by|{segment}|{n}", compute)


def period_starts(
    first: date, last: date, grain: Grain = "month", limit: int = 24
) -> list[tuple[date, date]]:
    """The calendar periods (first day, last day) that meet ``first``..``last``, the last
    ``limit`` of them, each cut to the range (a view from the 10th starts its first month on
    the 10th)."""
    monday = first - timedelta(days=first.weekday())
    start = first.replace(day=1) if grain == "month" else monday
    out: list[tuple[date, date]] = []
    while start <= last:
        if grain == "month":
            nxt = (start.replace(day=28) + timedelta(days=4)).replace(day=1)
        else:
            nxt = start + timedelta(days=7)
        out.append((max(start, first), min(nxt - timedelta(days=1), last)))
        start = nxt
    return out[-limit:]


def kpis_over_time(
    view: EngineView, grain: Grain = "month", limit: int = 24
) -> list[tuple[date, date, list[Kpi]]]:
    """The stage KPIs of each period of the view (:func:`period_starts` of the view's dates
    within the table's): for each period its first and last day and the KPIs of the view's
    segment filters on those days, equal to ``View(ds, filters).kpis()`` of an upload for each
    period's filters. [] for a table without dates."""

    def compute() -> list[tuple[date, date, list[Kpi]]]:
        bounds = view.bounds()
        if bounds is None:
            return []
        f = view.filters
        lo = max(bounds[0], f.start) if f.start is not None else bounds[0]
        hi = min(bounds[1], f.end) if f.end is not None else bounds[1]
        out = []
        for start, end in period_starts(lo, hi, grain, limit):
            period = replace(f, start=start, end=end)
            key = f"view_stages.kpis|{period.key()}"
            got = view.memo(key, lambda p=period: stage_kpis(view.table, filters=p))
            out.append((start, end, got))
        return out

    return view.memo(f"view_stages.over_time|{grain}|{limit}", compute)
