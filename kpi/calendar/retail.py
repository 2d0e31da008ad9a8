"""The main French retail periods: the legal sales (soldes d'hiver, soldes d'été) and Black
Friday.

Soldes (national dates, metropolitan France; some departments and overseas territories have
their own dates, not covered here):

- Start days: Code de commerce, article D310-15-2 (the winter sales start on the second
  Wednesday of January at 8 am, brought forward to the first Wednesday when the second one
  falls after the 12th; the summer sales start on the last Wednesday of June, brought forward
  to the one before when the last one falls after the 28th).
- Duration: Code de commerce, article L310-3 (a duration set by ministerial order). Six weeks
  from 2015 to 2019 (loi n° 2014-626 du 18 juin 2014, "Pinel"); four weeks since the winter
  2020 sales (loi n° 2019-486 du 22 mai 2019, "PACTE": between three and six weeks, set at
  four by order).
- Exceptions by order (arrêté), Journal officiel:
  - summer 2020: 15 July to 11 August (arrêté du 10 juin 2020, JO du 12 juin 2020; instead of
    24 June);
  - winter 2021: 20 January (arrêté published in the JO of 29 December 2020; instead of
    6 January), extended by two weeks to 2 March (arrêté du 15 février 2021, JO du 16);
  - summer 2021: 30 June to 27 July (arrêté of 2021, Légifrance JORFARTI000043684545; instead
    of 23 June).

A sale ends on a Tuesday: the day before the Wednesday that follows its last full week.
Years before 2015 (five-week sales and "soldes flottants") are not offered; years after the
current rules were checked (2026) follow the current rule, which a new order may change.

Black Friday is the day after the United States' Thanksgiving (the fourth Thursday of
November).
"""

from __future__ import annotations

import datetime as dt

from kpi.calendar.event import Event
from kpi.words import Fact

__all__ = [
    "FIRST_YEAR",
    "black_friday",
    "retail_periods",
    "summer_sales",
    "winter_sales",
]

#: the first year whose sales dates are offered
FIRST_YEAR = 2015

_WED = 2  # date.weekday() of a Wednesday

# (year, "winter"|"summer") -> (start, end) where an order departed from the rule
_EXCEPTIONS: dict[tuple[int, str], tuple[dt.date, dt.date]] = {
    (2020, "summer"): (dt.date(2020, 7, 15), dt.date(2020, 8, 11)),
    (2021, "winter"): (dt.date(2021, 1, 20), dt.date(2021, 3, 2)),
    (2021, "summer"): (dt.date(2021, 6, 30), dt.date(2021, 7, 27)),
}


def _weeks(year: int) -> int:
    return 6 if year < 2020 else 4


def _wednesdays(year: int, month: int) -> list[dt.date]:
    first = dt.date(year, month, 1)
    day = first + dt.timedelta(days=(_WED - first.weekday()) % 7)
    out = []
    while day.month == month:
        out.append(day)
        day += dt.timedelta(days=7)
    return out


def _check(year: int) -> None:
    if year < FIRST_YEAR:
        raise ValueError(f"sales dates are offered from {FIRST_YEAR}")


def winter_sales(year: int) -> tuple[dt.date, dt.date]:
    """First and last day (both included) of the winter sales of ``year``."""
    _check(year)
    if (year, "winter") in _EXCEPTIONS:
        return _EXCEPTIONS[(year, "winter")]
    weds = _wednesdays(year, 1)
    start = weds[1] if weds[1].day <= 12 else weds[0]
    return start, start + dt.timedelta(days=7 * _weeks(year) - 1)


def summer_sales(year: int) -> tuple[dt.date, dt.date]:
    """First and last day (both included) of the summer sales of ``year``."""
    _check(year)
    if (year, "summer") in _EXCEPTIONS:
        return _EXCEPTIONS[(year, "summer")]
    weds = _wednesdays(year, 6)
    start = weds[-1] if weds[-1].day <= 28 else weds[-2]
    return start, start + dt.timedelta(days=7 * _weeks(year) - 1)


def black_friday(year: int) -> dt.date:
    """The day after the fourth Thursday of November."""
    first = dt.date(year, 11, 1)
    thursday = first + dt.timedelta(days=(3 - first.weekday()) % 7 + 21)
    return thursday + dt.timedelta(days=1)


def retail_periods(first: dt.date, last: dt.date) -> list[Event]:
    """The sales and Black Fridays overlapping ``first``..``last`` (kind ``promotion``)."""
    out: list[Event] = []
    for year in range(max(first.year, FIRST_YEAR), last.year + 1):
        for code, (start, end) in (
            ("calendar.retail.winter_sales", winter_sales(year)),
            ("calendar.retail.summer_sales", summer_sales(year)),
        ):
            out.append(Event(start, end, Fact(code, year=str(year)), "promotion", "retail"))
        day = black_friday(year)
        out.append(Event(day, day, Fact("calendar.retail.black_friday", year=str(year)), "promotion", "retail"))  # fmt: skip
    return [e for e in out if e.start <= last and e.end >= first]
