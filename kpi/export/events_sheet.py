"""The Events sheet: the calendar's events that fall in the view's period, and the insight
sentences that say when a change coincides with one. One of the workbook's sheets (code
``events`` of :data:`kpi.export.workbook.SECTIONS`, picked on the Export page and by
``--sheets``), written when the view has a calendar (:func:`applies`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from openpyxl.worksheet.worksheet import Worksheet

from kpi import calendar
from kpi.calendar import coincide
from kpi.calendar.cells import cell_span
from kpi.calendar.write import table
from kpi.errors import ParcoursError
from kpi.export.cells import DATE, Col, SheetWriter
from kpi.export.context import Context, data_bounds, is_engine
from kpi.export.text import period_text, say
from kpi.words import Fact

__all__ = ["applies", "coincidences", "view_range", "write"]

#: the grain of the conversion trend whose largest change is checked against the events
TREND_GRAIN = "week"


def view_range(ctx: Context) -> tuple[dt.date, dt.date] | None:
    """The view's period (the filters' dates, else the data's first and last days)."""
    f = ctx.results.filters
    bounds = data_bounds(ctx)
    first = f.start or (bounds[0] if bounds else None)
    last = f.end or (bounds[1] if bounds else None)
    return (first, last) if first is not None and last is not None else None


def _trend(ctx: Context) -> Any:
    from kpi import funnel

    if len(ctx.steps) < 2:
        return None
    if is_engine(ctx):
        from kpi.engine import view_funnel

        return view_funnel.conversion_over_time(ctx.results, grain=TREND_GRAIN)  # type: ignore[arg-type]
    view_trend = getattr(ctx.results, "funnel_trend", None)
    if view_trend is not None:  # the View's, with the funnel's exclusions and step windows
        return view_trend(TREND_GRAIN)
    settings = ctx.options.settings
    return ctx.results.memo(
        f"calendar_trend_{TREND_GRAIN}",
        lambda: funnel.conversion_over_time(
            ctx.view.events,
            ctx.steps,
            grain=TREND_GRAIN,
            window=ctx.window,
            order=settings.order,
        ),
    )


def coincidences(ctx: Context, settings: calendar.CalendarSettings) -> list[Fact]:
    """The view's period and the previous one against the events, and the largest weekly
    change of conversion when it overlaps events."""
    out: list[Fact] = []
    prev = getattr(ctx.results, "previous_filters", None)
    for which, f in (("current", ctx.results.filters), ("previous", prev)):
        if f is None or f.start is None or f.end is None:
            continue
        events = calendar.events_for(settings, f.start, f.end, ctx.lang)
        fact = coincide.period_overlaps(f.start, f.end, events, which=which)
        if fact is not None:
            out.append(fact)
    try:
        trend = _trend(ctx)
    except ParcoursError:
        trend = None
    if trend is not None and trend.height:
        days = sorted(trend.get_column("period").unique().to_list())
        last = calendar.period_last_day(days[-1], TREND_GRAIN)
        events = calendar.events_for(settings, days[0], last, ctx.lang)
        fact = coincide.funnel_trend_overlaps(trend, TREND_GRAIN, events)
        if fact is not None:
            out.append(fact)
    fact = _retention_fact(ctx, settings)
    if fact is not None:
        out.append(fact)
    return out


def _retention_fact(ctx: Context, settings: calendar.CalendarSettings) -> Fact | None:
    """The Retention sheet's period-N trend (its summary, kept by the view) against the
    events of its cohorts' calendar days (as under the page's chart)."""
    try:
        summary = ctx.results.retention()
    except ParcoursError:
        return None
    if summary is None or summary.trend.height < 2:
        return None
    grain = ctx.options.cohort_grain
    n = summary.trend_period
    starts = sorted(summary.trend.get_column("cohort_start").drop_nulls().to_list())
    if not starts or grain not in ("day", "week", "month"):
        return None
    first = cell_span(starts[0], 0, grain)[0]
    last = cell_span(starts[-1], n, grain)[1]
    events = calendar.events_for(settings, first, last, ctx.lang)
    return coincide.retention_trend_overlaps(summary.trend, n, grain, events)


def applies(ctx: Context) -> bool:
    """True when the options carry a calendar (typed events, a country's holidays or the
    retail periods): the Events sheet has something to say."""
    settings = getattr(ctx.options, "calendar", None)
    return settings is not None and not settings.empty


def write(ws: Worksheet, ctx: Context) -> None:
    """The Events sheet of the view's calendar (:func:`applies` first)."""
    settings = ctx.options.calendar
    assert settings is not None
    lang = ctx.lang
    w = SheetWriter(ws, max_width=60, lang=lang)
    w.title(say("calendar.sheet.title", lang))
    span = view_range(ctx)
    w.pair(say("calendar.sheet.period", lang), period_text(*span, lang) if span else "–")
    w.pair(say("calendar.sheet.typed", lang), len(settings.events))
    holidays = settings.country or say("calendar.sheet.none", lang)
    w.pair(say("calendar.sheet.holidays", lang), holidays)
    w.pair(say("calendar.sheet.retail", lang), settings.retail)
    w.skip()
    events = calendar.events_for(settings, *span, lang) if span else []
    w.section(say("calendar.sheet.events", lang, n=len(events)))
    frame = table(events, lang)
    frame = frame.with_columns(
        frame["kind"].replace_strict({k: say(f"calendar.kind.{k}", lang) for k in calendar.KINDS}),
        frame["source"].replace_strict({s: say(f"calendar.source.{s}", lang) for s in calendar.event.SOURCES}),
    )  # fmt: skip
    if frame.height:
        w.table(
            frame,
            [
                Col("start", say("calendar.page.col.start", lang), DATE),
                Col("end", say("calendar.page.col.end", lang), DATE),
                Col("label", say("calendar.page.col.label", lang)),
                Col("kind", say("calendar.page.col.kind", lang)),
                Col("source", say("calendar.sheet.source", lang)),
            ],
            name="tblEvents",
        )
    else:
        w.note(say("calendar.sheet.no_events", lang))
    w.skip()
    w.section(say("calendar.sheet.insights", lang))
    facts = coincidences(ctx, settings)
    for fact in facts:
        w.note(say(fact.code, lang, **fact.values))
    if not facts:
        w.note(say("calendar.sheet.no_insight", lang))
    w.finish()
