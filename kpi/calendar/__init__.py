"""The calendar of events drawn on the charts and named by the insights.

An event is a day or a range of days, a label and a kind (promotion, holiday, release,
incident, other). Its sources: typed in the app, a small file (:mod:`kpi.calendar.read`), a
country's public holidays (:mod:`kpi.calendar.public`, the ``holidays`` library) and the main
French retail periods (:mod:`kpi.calendar.retail`: the legal sales and Black Friday).
:func:`events_for` gathers what a view's :class:`CalendarSettings` ask for over a date range;
:mod:`kpi.calendar.coincide` says when a change over time overlaps an event.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from kpi.calendar.event import KINDS, Event, Kind, covering, in_range, overlaps, period_last_day
from kpi.calendar.public import COUNTRIES, DEFAULT_COUNTRY, public_holidays
from kpi.calendar.read import EventFile, read_events
from kpi.calendar.retail import black_friday, retail_periods, summer_sales, winter_sales
from kpi.words import Lang

__all__ = [
    "COUNTRIES",
    "DEFAULT_COUNTRY",
    "KINDS",
    "CalendarSettings",
    "Event",
    "EventFile",
    "Kind",
    "black_friday",
    "covering",
    "events_for",
    "in_range",
    "overlaps",
    "period_last_day",
    "public_holidays",
    "read_events",
    "retail_periods",
    "summer_sales",
    "winter_sales",
]


@dataclass(frozen=True)
class CalendarSettings:
    """What the view's calendar holds: the user's ``events`` (typed or from a file), the public
    holidays of ``country`` (None: none) and, with ``retail``, the French retail periods."""

    events: tuple[Event, ...] = ()
    country: str | None = None
    retail: bool = False

    @property
    def empty(self) -> bool:
        return not self.events and self.country is None and not self.retail


def events_for(
    settings: CalendarSettings | None, first: dt.date, last: dt.date, lang: Lang = "en"
) -> list[Event]:
    """Every event of ``settings`` overlapping ``first``..``last`` (both included), sorted by
    start, duplicates removed; public holidays named in ``lang``."""
    if settings is None or settings.empty or last < first:
        return []
    found: list[Event] = list(settings.events)
    if settings.country:
        found += public_holidays(settings.country, first, last, lang)
    if settings.retail:
        found += retail_periods(first, last)
    return in_range(found, first, last)
