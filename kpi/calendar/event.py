"""An event of the calendar: a day or a range of days, a label and a kind.

Overlap rules (inclusive days, the way a person reads a calendar):

- an event covers the days ``start`` .. ``end`` both included (a one-day event has
  ``end == start``);
- an event overlaps a period ``first`` .. ``last`` (both included) when
  ``start <= last`` and ``end >= first``: an event ending on the period's first day overlaps it,
  one ending the day before does not;
- a period of a chart (a day, an ISO week from Monday, a calendar month) runs from its first day
  to :func:`period_last_day` included.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from kpi.words import Fact

__all__ = [
    "KINDS",
    "SOURCES",
    "Event",
    "Kind",
    "covering",
    "in_range",
    "overlaps",
    "period_last_day",
]

Kind = Literal["promotion", "holiday", "release", "incident", "other"]
#: the kinds of events, in the order the app offers them
KINDS: tuple[Kind, ...] = ("promotion", "holiday", "release", "incident", "other")
#: where an event comes from: typed in the app, a file, public holidays, retail periods
SOURCES = ("typed", "file", "holidays", "retail")


@dataclass(frozen=True)
class Event:
    """``start``..``end`` (both included), ``label`` (the user's text, or a :class:`Fact` for
    the events the app makes: a holiday's name in both languages, "Soldes d'hiver"), ``kind``
    and ``source``."""

    start: dt.date
    end: dt.date
    label: str | Fact
    kind: Kind = "promotion"
    source: str = "typed"

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError("an event ends on or after its start")

    @property
    def one_day(self) -> bool:
        return self.start == self.end

    @property
    def days(self) -> int:
        """Days covered, both ends included."""
        return (self.end - self.start).days + 1

    def key(self) -> tuple[dt.date, dt.date, str, str]:
        """A sort and deduplication key (the label's English words for a fact)."""
        return (self.start, self.end, str(self.label), self.kind)


def overlaps(event: Event, first: dt.date, last: dt.date | None = None) -> bool:
    """Whether ``event`` covers at least one day of ``first``..``last`` (both included; a single
    day when ``last`` is None)."""
    last = first if last is None else last
    return event.start <= last and event.end >= first


def period_last_day(first: dt.date, grain: str) -> dt.date:
    """The last day of the chart period starting on ``first``: the same day, the Sunday of the
    week (weeks start on Monday), or the last day of the month."""
    if grain == "day":
        return first
    if grain == "week":
        return first + dt.timedelta(days=6)
    if grain == "month":
        nxt = dt.date(first.year + (first.month == 12), first.month % 12 + 1, 1)
        return nxt - dt.timedelta(days=1)
    if grain == "quarter":
        month = (first.month - 1) // 3 * 3 + 4
        nxt = dt.date(first.year + (month > 12), (month - 1) % 12 + 1, 1)
        return nxt - dt.timedelta(days=1)
    raise ValueError(f"unknown grain {grain!r}")


def in_range(events: Iterable[Event], first: dt.date, last: dt.date) -> list[Event]:
    """The events overlapping ``first``..``last``, sorted by start, duplicates removed."""
    seen: dict[tuple, Event] = {}
    for e in events:
        if overlaps(e, first, last):
            seen.setdefault(e.key(), e)
    return sorted(seen.values(), key=Event.key)


def covering(events: Iterable[Event], first: dt.date, grain: str) -> list[Event]:
    """The events overlapping the chart period that starts on ``first``."""
    return in_range(events, first, period_last_day(first, grain))
