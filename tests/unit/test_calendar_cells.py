"""Calendar days of a cohort table's cells (kpi.calendar.cells) across month ends, leap years
and ISO week-year ends, the events each cell overlaps, and the retention insight that names
them (kpi.calendar.coincide.retention_trend_overlaps)."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from kpi.calendar import coincide
from kpi.calendar.cells import cell_events, cell_span, index_start
from kpi.calendar.event import Event
from kpi.errors import InputError
from kpi.periods import scalar_index
from kpi.words import render

D = dt.date


@pytest.mark.parametrize(
    ("start", "n", "want"),
    [
        # hand-computed: month m + N, first to last day of that month
        (D(2025, 1, 31), 1, (D(2025, 2, 1), D(2025, 2, 28))),  # a start on the 31st: its month
        (D(2024, 1, 1), 1, (D(2024, 2, 1), D(2024, 2, 29))),  # leap February
        (D(2025, 6, 1), 3, (D(2025, 9, 1), D(2025, 9, 30))),  # "month 3 of the June cohort"
        (D(2025, 11, 1), 2, (D(2026, 1, 1), D(2026, 1, 31))),  # across the year end
        (D(2025, 12, 15), 0, (D(2025, 12, 1), D(2025, 12, 31))),  # period 0: its own month
        (D(2023, 3, 1), 23, (D(2025, 2, 1), D(2025, 2, 28))),
    ],
)
def test_month_spans(start, n, want):
    assert cell_span(start, n, "month") == want


@pytest.mark.parametrize(
    ("start", "n", "want"),
    [
        # ISO weeks run Monday..Sunday; 29 Dec 2024 is the Sunday of ISO week 52 of 2024
        (D(2024, 12, 29), 1, (D(2024, 12, 30), D(2025, 1, 5))),  # week 1 of ISO year 2025
        (D(2025, 12, 22), 1, (D(2025, 12, 29), D(2026, 1, 4))),  # week 1 of 2026 starts in Dec
        (D(2026, 12, 21), 1, (D(2026, 12, 28), D(2027, 1, 3))),  # week 53 of 2026 (53 weeks)
        (D(2025, 7, 16), 0, (D(2025, 7, 14), D(2025, 7, 20))),  # a Wednesday: its week
        (D(2025, 2, 24), 1, (D(2025, 3, 3), D(2025, 3, 9))),  # across a February end
    ],
)
def test_week_spans(start, n, want):
    assert cell_span(start, n, "week") == want
    first = want[0]
    assert first.isoweekday() == 1  # a Monday


def test_week_spans_agree_with_iso_calendar_brute_force():
    # independent reference: date.fromisocalendar of the cohort's ISO week, + N weeks
    for start in (D(2019, 12, 30) + dt.timedelta(days=k) for k in range(0, 2400, 5)):
        iso = start.isocalendar()
        monday = dt.date.fromisocalendar(iso.year, iso.week, 1)
        for n in (0, 1, 4, 13, 53):
            first = monday + dt.timedelta(weeks=n)
            assert cell_span(start, n, "week") == (first, first + dt.timedelta(days=6))


def test_month_spans_agree_with_polars_offsets():
    # independent reference: polars' calendar-aware month offsets of the month's first day
    starts = [D(2023, 1, 1) + dt.timedelta(days=k) for k in range(0, 1200, 7)]
    for n in (0, 1, 2, 11, 12, 25):
        ref = pl.DataFrame({"d": starts}).select(
            first=pl.col("d").dt.month_start().dt.offset_by(f"{n}mo"),
            last=pl.col("d").dt.month_start().dt.offset_by(f"{n}mo").dt.month_end(),
        )
        got = [cell_span(d, n, "month") for d in starts]
        assert got == list(ref.iter_rows())


def test_day_spans_and_bad_grain():
    assert cell_span(D(2024, 2, 28), 1, "day") == (D(2024, 2, 29), D(2024, 2, 29))
    assert cell_span(D(2025, 12, 31), 1, "day") == (D(2026, 1, 1), D(2026, 1, 1))
    with pytest.raises(InputError):
        cell_span(D(2025, 1, 1), 1, "year")  # type: ignore[arg-type]


def test_index_start_inverts_scalar_index():
    for grain in ("day", "week", "month"):
        for d in (D(1999, 12, 31), D(2024, 2, 29), D(2026, 1, 1)):
            i = scalar_index(dt.datetime(d.year, d.month, d.day), grain)  # type: ignore[arg-type]
            first = index_start(i, grain)  # type: ignore[arg-type]
            assert first <= d and scalar_index(dt.datetime.combine(first, dt.time()), grain) == i  # type: ignore[arg-type]


EVENTS = [
    Event(D(2025, 7, 14), D(2025, 7, 14), "National Day", "holiday"),
    Event(D(2025, 6, 25), D(2025, 7, 22), "Summer sales", "promotion"),
    Event(D(2025, 11, 28), D(2025, 11, 28), "Black Friday", "promotion"),
    Event(D(2025, 8, 31), D(2025, 9, 1), "Release", "release"),  # across a month end
]


def _cells() -> pl.DataFrame:
    rows = [
        (c, s, n)
        for c, s in (
            ("2025-05", D(2025, 5, 1)),
            ("2025-06", D(2025, 6, 1)),
            ("2025-07", D(2025, 7, 1)),
        )
        for n in range(0, 6)
    ]
    cells = pl.DataFrame(rows, schema=["cohort", "cohort_start", "period"], orient="row")
    average = pl.DataFrame({"cohort": ["avg"], "cohort_start": [None], "period": [1]})
    return pl.concat([cells, average.cast(cells.schema)])  # type: ignore[arg-type]


def test_cell_events_brute_force():
    cells = _cells()
    got = cell_events(cells, EVENTS, "month")
    # brute force: every cell, every event, every day of the cell's month
    want = {}
    for c, s, n in cells.iter_rows():
        if s is None:
            continue
        month = (s.year * 12 + s.month - 1) + n
        first = D(month // 12, month % 12 + 1, 1)
        days = [first + dt.timedelta(days=k) for k in range(31)]
        days = [d for d in days if d.month == first.month]
        hit = [i for i, e in enumerate(EVENTS) if any(e.start <= d <= e.end for d in days)]
        if hit:
            want[(c, n)] = (days[0], days[-1], hit)
    assert {(c, n): (a, b, h) for c, _, n, a, b, h in got.iter_rows()} == want
    # hand-checked: the June cohort's month 1 is July (sales + National Day), its month 2
    # August (the release starts on the 31st), month 3 September (the release ends on the 1st)
    june = {n: h for c, _, n, _, _, h in got.iter_rows() if c == "2025-06"}
    assert june == {0: [1], 1: [0, 1], 2: [3], 3: [3], 5: [2]}
    assert got.columns == ["cohort", "cohort_start", "period", "span_first", "span_last", "events"]


def test_cell_events_weeks_and_nothing():
    cells = pl.DataFrame(
        {"cohort_start": [D(2025, 11, 17)] * 3, "period": [0, 1, 2]},
        schema={"cohort_start": pl.Date, "period": pl.Int64},
    )
    got = cell_events(cells, EVENTS, "week")
    assert got.select("period", "span_first", "span_last").rows() == [
        (1, D(2025, 11, 24), D(2025, 11, 30))  # Black Friday, Friday 28 November
    ]
    assert cell_events(cells, [], "week").height == 0
    assert cell_events(cells.clear(), EVENTS, "week").height == 0


def _trend(values, starts=None, complete=None):
    starts = starts or [D(2025, m, 1) for m in range(5, 5 + len(values))]
    return pl.DataFrame(
        {
            "cohort_start": starts,
            "retention": values,
            "complete": complete or [True] * len(values),
        }
    )


def test_retention_insight_names_the_event_of_the_cohorts_period_n():
    # month-N retention by cohort May..Aug: 40 %, 38 %, 25 %, 27 %; the largest change is the
    # June -> July cohorts' drop (-13 pp); the July cohort's month 3 is October: nothing there;
    # its own month (July) has National Day and the summer sales
    trend = _trend([0.40, 0.38, 0.25, 0.27])
    fact = coincide.retention_trend_overlaps(trend, 3, "month", EVENTS)
    assert fact is not None and fact.code == "calendar.insight.retention_drop.month.start"
    assert fact.values["cohort"] == D(2025, 7, 1) and fact.values["change"] == pytest.approx(-0.13)
    assert [e.values["label"] for e in fact.values["events"]] == ["Summer sales", "National Day"]
    # month 2 of the July cohort is September: the release (31 Aug - 1 Sep) overlaps it
    fact = coincide.retention_trend_overlaps(trend, 2, "month", EVENTS)
    assert fact is not None and fact.code == "calendar.insight.retention_drop.month.period"
    assert (fact.values["first"], fact.values["last"]) == (D(2025, 9, 1), D(2025, 9, 30))
    en = render(fact, "en")
    assert en == (
        "Month 2 retention: the drop from the cohort before to the Jul 2025 cohort "
        "(38.0% → 25.0%, -13.0 pp) — its month 2 (Sep 2025) overlaps ‘Release’."
    )
    fr = render(fact, "fr")
    assert fr.startswith("Rétention au mois 2\u00a0: la baisse de la cohorte précédente à la cohorte de juil. 2025")  # fmt: skip
    assert "son mois 2 (sept. 2025) coïncide avec «\u00a0Release\u00a0»" in fr


def test_retention_insight_weeks_and_nothing_to_say():
    starts = [D(2025, 11, 3), D(2025, 11, 10), D(2025, 11, 17)]
    trend = _trend([0.30, 0.31, 0.20], starts=starts)
    fact = coincide.retention_trend_overlaps(trend, 1, "week", EVENTS)
    assert fact is not None and fact.code == "calendar.insight.retention_drop.week.period"
    assert (fact.values["week"], fact.values["year"]) == (48, "2025")  # 24-30 Nov: Black Friday
    assert "its week 1 (week 48 of 2025, Nov 24, 2025 to Nov 30, 2025)" in render(fact, "en")
    # in progress periods are left out: the last cohort's 20 % is not compared
    assert coincide.retention_trend_overlaps(_trend([0.30, 0.31, 0.20], starts=starts, complete=[True, True, False]), 1, "week", EVENTS) is None  # fmt: skip
    assert coincide.retention_trend_overlaps(trend, 1, "week", []) is None
    assert coincide.retention_trend_overlaps(trend.head(1), 1, "week", EVENTS) is None
    flat = _trend([0.3, 0.3, 0.3], starts=starts)
    assert coincide.retention_trend_overlaps(flat, 1, "week", EVENTS) is None
