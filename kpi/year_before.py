"""The same period a year before: its dates, whether the data covers it, its dates as a fact.

Rules (one each, in this order):

- **Whole calendar months** (the range starts on the 1st and ends on a month's last day): the
  same months a year before, whole. February 2025 (1–28) -> February 2024 (1–29);
  February 2024 (1–29) -> February 2023 (1–28); Q4 2025 -> October 1 to December 31, 2024.
- **Whole ISO weeks** (starts on a Monday, ends on a Sunday): the weeks with the same ISO week
  numbers in the ISO year before, Monday to Sunday, so that weekdays line up (week 46 of 2025,
  November 10–16 -> week 46 of 2024, November 11–17). Week 53 of a year whose ISO year before
  has 52 weeks -> week 52. A range that is whole months and whole weeks (February 2021, Monday
  1st to Sunday 28th) follows the months rule.
- **Any other range**: each day the same calendar day a year before (March 3–9, 2025 ->
  March 3–9, 2024); February 29 -> February 28.

A period without both a start and an end (the whole data) has no year-before period.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Literal

from kpi.filters import Filters, _whole_months
from kpi.words import Fact, Raw

__all__ = [
    "Coverage",
    "YearBefore",
    "coverage",
    "dates_fact",
    "same_day_a_year_before",
    "year_before",
    "year_before_filters",
]

Rule = Literal["months", "iso_weeks", "days"]


@dataclass(frozen=True)
class YearBefore:
    """The year-before period of [start, end] and the rule that gave it."""

    start: date
    end: date
    rule: Rule


def same_day_a_year_before(day: date) -> date:
    """The same calendar day one year before; February 29 -> February 28."""
    if day.month == 2 and day.day == 29:
        return date(day.year - 1, 2, 28)
    return day.replace(year=day.year - 1)


def _iso_weeks_in(year: int) -> int:
    """52 or 53: the number of ISO weeks of ISO year ``year`` (December 28 is in the last)."""
    return date(year, 12, 28).isocalendar().week


def year_before(start: date, end: date) -> YearBefore:
    """The same period a year before [start, end] (inclusive days), by the rules above."""
    if end < start:
        raise ValueError("end before start")
    months = _whole_months(start, end)
    if months:
        after = date(end.year - 1, end.month, 1) + timedelta(days=32)
        last = after.replace(day=1) - timedelta(days=1)
        return YearBefore(date(start.year - 1, start.month, 1), last, "months")
    days = (end - start).days + 1
    if start.isoweekday() == 1 and days % 7 == 0:
        iso = start.isocalendar()
        week = min(iso.week, _iso_weeks_in(iso.year - 1))
        first = date.fromisocalendar(iso.year - 1, week, 1)
        return YearBefore(first, first + timedelta(days=days - 1), "iso_weeks")
    return YearBefore(same_day_a_year_before(start), same_day_a_year_before(end), "days")


def year_before_filters(filters: Filters) -> Filters | None:
    """``filters`` with the period moved to the same period a year before (segments kept);
    None without a start and an end."""
    if filters.start is None or filters.end is None:
        return None
    yb = year_before(filters.start, filters.end)
    return replace(filters, start=yb.start, end=yb.end)


# ---------------------------------------------------------------- does the data cover it?
CoverageReason = Literal["no_period", "no_dates", "before_data", "partly", "no_events"]


@dataclass(frozen=True)
class Coverage:
    """Whether the year-before period can be compared: ``reason`` None when it can, else why
    not (``fact()`` says it, with the dates)."""

    filters: Filters | None
    reason: CoverageReason | None = None
    data_start: date | None = None

    @property
    def available(self) -> bool:
        return self.reason is None

    def fact(self) -> Fact | None:
        """Why there is no year-before comparison (``year_before.not.*``), None when there is."""
        if self.reason is None:
            return None
        if self.filters is None or self.filters.start is None or self.filters.end is None:
            return Fact(f"year_before.not.{self.reason}")
        period = dates_fact(self.filters.start, self.filters.end)
        return Fact(f"year_before.not.{self.reason}", period=period, data_start=self.data_start)


def coverage(
    filters: Filters, bounds: tuple[date, date] | None, has_events: bool | None = None
) -> Coverage:
    """Whether the data (first and last day ``bounds``) covers the year before ``filters``'
    period: every day of it must be inside the data (a period the data covers only in part
    would compare a few days with a whole period). ``has_events``: whether the year-before
    period has events in the view's segments (None: not known yet, taken as yes)."""
    yb = year_before_filters(filters)
    if yb is None:
        return Coverage(None, "no_period")
    if bounds is None:
        return Coverage(yb, "no_dates")
    lo, _ = bounds
    assert yb.start is not None and yb.end is not None
    if yb.end < lo:
        return Coverage(yb, "before_data", lo)
    if yb.start < lo:
        return Coverage(yb, "partly", lo)
    if has_events is False:
        return Coverage(yb, "no_events", lo)
    return Coverage(yb, None, lo)


# ---------------------------------------------------------------- the dates in words
def _day(d: date) -> Fact:
    return Fact("year_before.day.first" if d.day == 1 else "year_before.day.n", n=Raw(str(d.day)))


def dates_fact(start: date, end: date) -> Fact:
    """A range of days as people write it: ``November 1 to 30, 2025`` / ``du 1er au 30
    novembre 2025``; ``October 1 to November 30, 2025``; across years with both years; one
    day alone as a date (``year_before.dates.*``)."""
    values = {
        "d1": _day(start),
        "d2": _day(end),
        "m1": Fact(f"year_before.month.{start.month}"),
        "m2": Fact(f"year_before.month.{end.month}"),
        "y1": Raw(str(start.year)),
        "y2": Raw(str(end.year)),
    }
    if start == end:
        shape = "day"
    elif (start.year, start.month) == (end.year, end.month):
        shape = "same_month"
    elif start.year == end.year:
        shape = "same_year"
    else:
        shape = "years"
    return Fact(f"year_before.dates.{shape}", **values)
