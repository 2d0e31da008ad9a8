"""Events of the calendar on the charts over time, and the sentences that say when a change
coincides with one.

:func:`marked` decorates a chart builder whose first argument is the chart's frame: the events
of the view's calendar (``pages/_ui/calendar_editor.py``) that fall in the chart's range are
drawn behind the data, a dashed rule for a one-day event, a shaded rect for a range, coloured
by kind, each labelled at the top and with a tooltip (label, kind, dates).

- A time axis (``x`` is a date field: the Funnel page's conversion by entry period): at the
  event's days.
- A band axis (``x`` names periods, ``start`` their first days: Stage KPIs over time, NPS by
  month, the cohorts of Retention): on every period the event overlaps (for cohorts: the
  cohorts whose start period overlaps the event).

The chart's own x encoding (title, axis, sort) is reused, so the axis does not change.

Cohort charts whose x is a period *number* (the retention heatmap, the retention and observed
CLV curves) have no calendar axis: the calendar days of period N depend on the cohort.
:func:`cells` gives the cells (or curve points) whose days overlap events
(:func:`kpi.calendar.cells.cell_events`), with the events' words, for the chart to outline them.
"""

from __future__ import annotations

import datetime as dt
import functools
import inspect
import itertools
from collections.abc import Callable, Sequence
from typing import Any

import altair as alt
import polars as pl
import streamlit as st

from kpi import calendar
from kpi.calendar import coincide
from kpi.calendar.cells import cell_events, cell_span
from kpi.calendar.event import Event, period_last_day
from kpi.calendar.write import label_text
from kpi.errors import ParcoursError
from kpi.words import Fact
from kpi.words import format as wf
from pages._ui import calendar_editor
from pages._ui.lang import current, t, tx

__all__ = [
    "KIND_COLOURS",
    "add",
    "cells",
    "colours_fact",
    "events_between",
    "key",
    "marked",
    "note",
    "period_note",
    "retention_note",
]

#: one colour per kind (colour-blind safe hues of the charts' palette)
KIND_COLOURS = {
    "promotion": "#D55E00",
    "holiday": "#009E73",
    "release": "#0072B2",
    "incident": "#C0392B",
    "other": "#7F7F7F",
}
_LABEL_ROWS = 4  # labels are staggered over this many lines so that close events stay readable
_LABEL_LIMIT = 150  # px: a longer label is cut with an ellipsis (the tooltip has it whole)
_MOVED = ("title", "height", "width", "config", "autosize", "padding", "background")


def key() -> str:
    """What the marks depend on (for the charts' kept specs)."""
    return repr(calendar_editor.settings())


def events_between(first: dt.date, last: dt.date) -> list[Event]:
    """The view's events overlapping ``first``..``last``."""
    try:
        return calendar.events_for(calendar_editor.settings(), first, last, current())
    except ParcoursError:  # an unknown country (an edited link): no marks, never a traceback
        return []


def _detect_grain(starts: Sequence[dt.date]) -> str:
    if len(starts) < 2:
        return "month" if starts and starts[0].day == 1 else "day"
    gap = min((b - a).days for a, b in itertools.pairwise(starts))
    if gap >= 89:
        return "quarter"
    if gap >= 28:
        return "month"
    return "week" if gap >= 7 else "day"


def _days(values: Sequence[Any]) -> list[dt.date]:
    out = {v.date() if isinstance(v, dt.datetime) else v for v in values if v is not None}
    return sorted(d for d in out if isinstance(d, dt.date))


def _when(e: Event) -> str:
    lang = current()
    if e.one_day:
        return wf.date(e.start, lang)
    return tx("calendar.chart.from_to", first=e.start, last=e.end)


def _rows(events: Sequence[Event]) -> dict[str, list]:
    lang = current()
    return {
        "ev_label": [label_text(e, lang) for e in events],
        "ev_kind": [tx(f"calendar.kind.{e.kind}") for e in events],
        "ev_when": [_when(e) for e in events],
        "ev_colour": [KIND_COLOURS.get(e.kind, KIND_COLOURS["other"]) for e in events],
        "ev_line": [i % _LABEL_ROWS for i in range(len(events))],
    }


def _tooltip() -> list[alt.Tooltip]:
    return [
        alt.Tooltip("ev_label:N", title=tx("calendar.chart.event")),
        alt.Tooltip("ev_kind:N", title=tx("calendar.chart.kind")),
        alt.Tooltip("ev_when:N", title=tx("calendar.chart.when")),
    ]


def _main_x(chart: alt.TopLevelMixin) -> Any:
    layers = chart.layer if isinstance(chart, alt.LayerChart) else [chart]
    for layer in layers:
        enc = getattr(layer, "encoding", alt.Undefined)
        if enc is not alt.Undefined and getattr(enc, "x", alt.Undefined) is not alt.Undefined:
            return enc.x
    return None


def _x(main: Any, **changes: Any) -> Any:
    x = main.copy() if hasattr(main, "copy") else main
    for name, value in changes.items():
        setattr(x, name, value)
    return x


def _label_layers(data: pl.DataFrame, x: Any) -> list[alt.Chart]:
    """Labels at the top, left-aligned on their event; those in the right third of the chart
    right-aligned, so that they stay inside it (``ev_right``)."""
    out = []
    for right, frame in ((False, data.filter(~pl.col("ev_right"))), (True, data.filter(pl.col("ev_right")))):  # fmt: skip
        if frame.height == 0:
            continue
        out.append(
            alt.Chart(frame)
            .mark_text(
                align="right" if right else "left",
                baseline="top",
                dx=-4 if right else 4,
                fontSize=13,
                fontWeight="bold",
                limit=_LABEL_LIMIT,
            )
            .encode(
                x=x,
                y=alt.Y("ev_y:Q", scale=None, axis=None),
                text="ev_label:N",
                fill=alt.Fill("ev_colour:N", scale=None),
                tooltip=_tooltip(),
            )
        )
    return out


def _time_layers(
    events: Sequence[Event], field: str, main: Any, first: dt.date, last: dt.date
) -> tuple[list, list]:
    rows = _rows(events)
    frame = pl.DataFrame(
        {
            **rows,
            field: [max(e.start, first) for e in events],
            f"{field}_ev_end": [min(e.end, last) + dt.timedelta(days=1) for e in events],
            "ev_one_day": [e.one_day for e in events],
            "ev_right": [
                (e.start - first).days > 0.66 * max(1, (last - first).days) for e in events
            ],
        }
    ).with_columns(ev_y=4 + 16 * pl.col("ev_line"))
    ranges, days = frame.filter(~pl.col("ev_one_day")), frame.filter(pl.col("ev_one_day"))
    behind: list = []
    if ranges.height:
        behind.append(
            alt.Chart(ranges)
            .mark_rect(opacity=0.14)
            .encode(
                x=main,
                x2=alt.X2(f"{field}_ev_end:T"),
                fill=alt.Fill("ev_colour:N", scale=None),
                tooltip=_tooltip(),
            )
        )
    if days.height:
        behind.append(
            alt.Chart(days)
            .mark_rule(strokeWidth=2.5, strokeDash=[6, 3], opacity=0.9)
            .encode(x=main, stroke=alt.Stroke("ev_colour:N", scale=None), tooltip=_tooltip())
        )
    return behind, _label_layers(frame, main)


def _band_layers(
    events: Sequence[Event], field: str, start: str, periods: pl.DataFrame, grain: str, main: Any
) -> tuple[list, list]:
    hits: list[tuple[Event, str, dt.date, bool, bool]] = []
    n = periods.height
    for e in events:
        first_hit = True
        for i, (name, begin) in enumerate(periods.iter_rows()):
            if calendar.overlaps(e, begin, period_last_day(begin, grain)):
                hits.append((e, name, begin, first_hit, i > 0.66 * max(1, n - 1)))
                first_hit = False
    if not hits:
        return [], []
    order = {id(e): i for i, e in enumerate(dict.fromkeys(h[0] for h in hits))}
    rows = _rows([h[0] for h in hits])
    frame = pl.DataFrame(
        {
            **rows,
            "ev_line": [order[id(h[0])] % _LABEL_ROWS for h in hits],
            field: [h[1] for h in hits],
            start: [h[2] for h in hits],
            "ev_one_day": [h[0].one_day for h in hits],
            "ev_first": [h[3] for h in hits],
            "ev_right": [h[4] for h in hits],
        }
    ).with_columns(ev_y=4 + 16 * pl.col("ev_line"))
    ranges, days = frame.filter(~pl.col("ev_one_day")), frame.filter(pl.col("ev_one_day"))
    behind: list = []
    if ranges.height:
        behind.append(
            alt.Chart(ranges)
            .mark_rect(opacity=0.14)
            .encode(x=main, fill=alt.Fill("ev_colour:N", scale=None), tooltip=_tooltip())
        )
    if days.height:
        behind.append(
            alt.Chart(days)
            .mark_rule(strokeWidth=2.5, strokeDash=[6, 3], opacity=0.9)
            .encode(
                x=_x(main, bandPosition=0.5),
                stroke=alt.Stroke("ev_colour:N", scale=None),
                tooltip=_tooltip(),
            )
        )
    return behind, _label_layers(frame.filter(pl.col("ev_first")), main)


def _attach(chart: alt.TopLevelMixin, behind: list, front: list) -> alt.TopLevelMixin:
    if isinstance(chart, alt.LayerChart):
        chart = chart.copy(deep=False)  # type: ignore[attr-defined]
        chart.layer = [*behind, *chart.layer, *front]
        return chart
    if not isinstance(chart, alt.Chart):
        return chart  # facets and concatenations: not drawn on
    inner = chart.copy(deep=False)  # type: ignore[attr-defined]
    moved = {}
    for name in _MOVED:
        value = getattr(chart, name, alt.Undefined)
        if value is not alt.Undefined:
            moved[name] = value
            setattr(inner, name, alt.Undefined)
    return alt.LayerChart(layer=[*behind, inner, *front], **moved)


def add(
    chart: alt.TopLevelMixin,
    frame: pl.DataFrame,
    *,
    x: str,
    start: str | None = None,
    grain: str | None = None,
) -> alt.TopLevelMixin:
    """``chart`` with the events of its range drawn (unchanged without events in range)."""
    start = start or x
    if calendar_editor.settings().empty or frame.height == 0 or start not in frame.columns:
        return chart
    main = _main_x(chart)
    if main is None:
        return chart
    days = _days(frame.get_column(start).to_list())
    if not days:
        return chart
    grain = grain if grain in ("day", "week", "month", "quarter") else _detect_grain(days)
    first, last = days[0], period_last_day(days[-1], grain)
    events = events_between(first, last)
    if not events:
        return chart
    if start == x:
        behind, front = _time_layers(events, x, main, first, last)
    else:
        periods = (
            frame.select(pl.col(x).cast(pl.String), pl.col(start).cast(pl.Date))
            .unique(maintain_order=True)
            .sort(start)
        )
        # the layers' data differ: Vega-Lite drops a sort by another field on a shared band
        # scale (the periods would come in the alphabet's order: août, juil., juin…), so the
        # periods' order is pinned as the scale's domain, on the chart and on the marks
        order = list(dict.fromkeys(periods.get_column(x).to_list()))
        main = _pinned(main, order)
        behind, front = _band_layers(events, x, start, periods, grain, main)
        if behind or front:
            chart = _pin_chart(chart, x, order)
    return _attach(chart, behind, front) if behind or front else chart


def _pinned(x: Any, order: list[str]) -> Any:
    """The x encoding ``x`` with its band scale's domain set to ``order``."""
    kwds = getattr(x, "_kwds", {})  # altair's attribute of the name is a setter method
    scale = kwds.get("scale", alt.Undefined)
    scale = _x(scale, domain=order) if isinstance(scale, alt.Scale) else alt.Scale(domain=order)
    return _x(x, scale=scale)


def _pin_chart(chart: alt.TopLevelMixin, field: str, order: list[str]) -> alt.TopLevelMixin:
    """``chart`` (a copy) whose x encodings of ``field`` have the domain ``order``."""
    chart = chart.copy(deep=True)  # type: ignore[attr-defined]
    layers = chart.layer if isinstance(chart, alt.LayerChart) else [chart]
    for layer in layers:
        enc = getattr(layer, "encoding", alt.Undefined)
        x = getattr(enc, "x", alt.Undefined) if enc is not alt.Undefined else alt.Undefined
        kwds = getattr(x, "_kwds", {})
        named = (
            kwds.get("shorthand") if isinstance(kwds.get("shorthand"), str) else kwds.get("field")
        )
        if isinstance(named, str) and named.split(":")[0] == field:
            enc.x = _pinned(x, order)
    return chart


def marked(x: str, start: str | None = None) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Decorate a chart builder ``build(frame, …)`` so that its chart shows the events of its
    range: ``x`` the chart's x field, ``start`` the frame's column of period starts (None: ``x``
    is a date field). A ``grain`` argument of the builder gives the periods' length."""

    def decorate(build: Callable[..., Any]) -> Callable[..., Any]:
        signature = inspect.signature(build)

        @functools.wraps(build)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            chart = build(*args, **kwargs)
            bound = signature.bind_partial(*args, **kwargs).arguments
            frame = next(iter(bound.values()), None)
            if not isinstance(frame, pl.DataFrame):
                return chart
            return add(chart, frame, x=x, start=start, grain=bound.get("grain"))

        return wrapper

    return decorate


def note(fact: Fact | None) -> None:
    """Say a coincidence with events under a chart (nothing when there is none)."""
    if fact is not None:
        st.info(t(fact), icon=":material/event:")


def trend_note(trend: pl.DataFrame, grain: str) -> None:
    """Under the Funnel page's conversion over time: its largest change, when it overlaps
    events."""
    if calendar_editor.settings().empty or trend.height == 0:
        return
    days = _days(trend.get_column("period").to_list())
    events = events_between(days[0], period_last_day(days[-1], grain))
    note(coincide.funnel_trend_overlaps(trend, grain, events))


def series_note(
    starts: Sequence[dt.date],
    values: Sequence[float | None],
    grain: str,
    measure: Fact | str,
    unit: str = "rate",
) -> None:
    """Under a chart of one value per period: its largest change, when it overlaps events."""
    if calendar_editor.settings().empty or not starts:
        return
    days = _days(starts)
    events = events_between(days[0], period_last_day(days[-1], grain))
    points = list(zip(starts, values, strict=True))
    note(coincide.change_overlaps(points, grain, events, measure=measure, unit=unit))


def _span_words(first: dt.date, last: dt.date, grain: str) -> str:
    lang = current()
    if grain == "month":
        return wf.month(first, lang)
    if first == last:
        return wf.date(first, lang)
    return tx("calendar.chart.from_to", first=first, last=last)


def _kind(events: Sequence[Event]) -> str:
    """The kind whose colour outlines a cell: its first event that is not a public holiday (a
    typed promotion says more than the holidays that fall in most months), else a holiday."""
    chosen = next((e for e in events if e.kind != "holiday"), events[0])
    return chosen.kind if chosen.kind in KIND_COLOURS else "other"


def colours_fact(marks: pl.DataFrame) -> list[Fact]:
    """What the outline colours of ``marks`` (:func:`cells`) mean, in the kinds' order."""
    used = set(marks.get_column("ev_colour_kind").to_list()) if marks.height else set()
    return [Fact(f"calendar.colour.{k}") for k in KIND_COLOURS if k in used]


def cells(
    frame: pl.DataFrame, grain: str, *, start: str = "cohort_start", period: str = "period"
) -> pl.DataFrame:
    """The rows of ``frame`` (cohort cells or curve points: a column of cohort starts
    ``start`` and one of period numbers ``period``) whose calendar days overlap events of the
    view's calendar, with ``ev_label`` (the events' names), ``ev_kind``, ``ev_when`` (the cell's
    days in words), ``ev_colour`` and ``ev_colour_kind`` (the kind it is the colour of); no row
    without a calendar or an overlap."""
    empty = frame.clear().with_columns(
        *(
            pl.lit(None, pl.String).alias(c)
            for c in ("ev_label", "ev_kind", "ev_when", "ev_colour", "ev_colour_kind")
        )
    )
    if (
        calendar_editor.settings().empty
        or frame.height == 0
        or start not in frame.columns
        or grain not in ("day", "week", "month")
    ):
        return empty
    known = frame.filter(pl.col(start).is_not_null())
    if known.height == 0:
        return empty
    first = cell_span(known[start].min(), 0, grain)[0]  # type: ignore[arg-type]
    last = cell_span(known[start].max(), int(known[period].max()), grain)[1]  # type: ignore[arg-type]
    events = events_between(first, last)
    if not events:
        return empty
    hits = cell_events(frame, events, grain, start=start, period=period)  # type: ignore[arg-type]
    if hits.height == 0:
        return empty
    lang = current()
    found = [[events[i] for i in ix] for ix in hits["events"].to_list()]
    return hits.drop("events", "span_first", "span_last").with_columns(
        pl.Series("ev_label", [" · ".join(label_text(e, lang) for e in es) for es in found]),
        pl.Series(
            "ev_kind",
            [", ".join(dict.fromkeys(tx(f"calendar.kind.{e.kind}") for e in es)) for es in found],
        ),
        pl.Series(
            "ev_when",
            [
                _span_words(a, b, grain)
                for a, b in hits.select("span_first", "span_last").iter_rows()
            ],
        ),
        pl.Series("ev_colour", [KIND_COLOURS[_kind(es)] for es in found]),
        pl.Series("ev_colour_kind", [_kind(es) for es in found]),
    )


def retention_note(trend: pl.DataFrame, n: int, grain: str) -> None:
    """Under the period-N retention of each cohort: its largest change from one cohort to the
    next, when that cohort's period N (or its own period) overlaps events."""
    if calendar_editor.settings().empty or trend.height == 0 or grain not in ("day", "week", "month"):  # fmt: skip
        return
    starts = _days(trend.get_column("cohort_start").to_list())
    if not starts:
        return
    first = cell_span(starts[0], 0, grain)[0]  # type: ignore[arg-type]
    last = cell_span(starts[-1], n, grain)[1]  # type: ignore[arg-type]
    note(coincide.retention_trend_overlaps(trend, n, grain, events_between(first, last)))


def period_note(filters: Any, previous: Any = None) -> None:
    """Beside a comparison with the previous period: the events overlapping the view's period
    and the previous one."""
    if calendar_editor.settings().empty:
        return
    for which, f in (("current", filters), ("previous", previous)):
        first, last = getattr(f, "start", None), getattr(f, "end", None)
        if first is None or last is None:
            continue
        note(coincide.period_overlaps(first, last, events_between(first, last), which=which))
