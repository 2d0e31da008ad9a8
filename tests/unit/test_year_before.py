"""The same period a year before: dates across leap years, month ends and ISO weeks
(hand-written cases), the dates in words, coverage, the year-before KPIs and funnel equal to a
direct View of those dates, the tests of the rates against statsmodels."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest
from statsmodels.stats.proportion import proportions_ztest

from kpi.filters import Filters
from kpi.journey.two_periods import compare_two, rate_test
from kpi.view import View
from kpi.words import Fact, render
from kpi.year_before import coverage, dates_fact, same_day_a_year_before, year_before
from tests.engine.aggregates_support import upload
from tests.unit.two_years import two_years

D = date


@pytest.mark.parametrize(
    ("start", "end", "want_start", "want_end", "rule"),
    [
        # whole months: the same months, whole (their own lengths)
        (D(2025, 11, 1), D(2025, 11, 30), D(2024, 11, 1), D(2024, 11, 30), "months"),
        (D(2024, 2, 1), D(2024, 2, 29), D(2023, 2, 1), D(2023, 2, 28), "months"),  # leap -> not
        (D(2025, 2, 1), D(2025, 2, 28), D(2024, 2, 1), D(2024, 2, 29), "months"),  # not -> leap
        (D(2025, 10, 1), D(2025, 12, 31), D(2024, 10, 1), D(2024, 12, 31), "months"),  # Q4
        (D(2025, 1, 1), D(2025, 12, 31), D(2024, 1, 1), D(2024, 12, 31), "months"),  # a year
        (D(2025, 3, 1), D(2025, 4, 30), D(2024, 3, 1), D(2024, 4, 30), "months"),
        # February 2021 is Monday 1st to Sunday 28th: whole weeks too, the months rule first
        (D(2021, 2, 1), D(2021, 2, 28), D(2020, 2, 1), D(2020, 2, 29), "months"),
        # whole ISO weeks: the same week numbers, Monday to Sunday
        (D(2025, 11, 10), D(2025, 11, 16), D(2024, 11, 11), D(2024, 11, 17), "iso_weeks"),  # W46
        (D(2025, 12, 29), D(2026, 1, 4), D(2024, 12, 30), D(2025, 1, 5), "iso_weeks"),  # 2026-W01
        (D(2026, 12, 28), D(2027, 1, 3), D(2025, 12, 22), D(2025, 12, 28), "iso_weeks"),  # W53->52
        (D(2021, 1, 4), D(2021, 1, 17), D(2019, 12, 30), D(2020, 1, 12), "iso_weeks"),  # W01-02
        # other ranges: the same calendar days; February 29 -> February 28
        (D(2024, 2, 29), D(2024, 3, 5), D(2023, 2, 28), D(2023, 3, 5), "days"),
        (D(2024, 2, 20), D(2024, 2, 29), D(2023, 2, 20), D(2023, 2, 28), "days"),
        (D(2025, 2, 28), D(2025, 3, 3), D(2024, 2, 28), D(2024, 3, 3), "days"),
        (D(2025, 11, 15), D(2025, 11, 30), D(2024, 11, 15), D(2024, 11, 30), "days"),
        (D(2025, 3, 3), D(2025, 3, 3), D(2024, 3, 3), D(2024, 3, 3), "days"),  # one Monday
        (D(2025, 1, 31), D(2025, 2, 27), D(2024, 1, 31), D(2024, 2, 27), "days"),
    ],
)
def test_year_before_dates(start, end, want_start, want_end, rule) -> None:
    got = year_before(start, end)
    assert (got.start, got.end, got.rule) == (want_start, want_end, rule)


def test_same_day() -> None:
    assert same_day_a_year_before(D(2024, 2, 29)) == D(2023, 2, 28)
    assert same_day_a_year_before(D(2025, 3, 1)) == D(2024, 3, 1)
    assert same_day_a_year_before(D(2025, 2, 28)) == D(2024, 2, 28)


def test_iso_weeks_keep_weekdays_and_numbers() -> None:
    # every whole ISO week of 2025 maps to the same week number of 2024, Monday to Sunday
    for week in range(1, 53):
        monday = D.fromisocalendar(2025, week, 1)
        got = year_before(monday, D.fromisocalendar(2025, week, 7))
        assert got.start.isocalendar()[:3] == (2024, week, 1)
        assert got.end.isocalendar()[:3] == (2024, week, 7)


@pytest.mark.parametrize(
    ("start", "end", "en", "fr"),
    [
        (D(2025, 11, 1), D(2025, 11, 30), "November 1 to 30, 2025", "du 1er au 30 novembre 2025"),
        (
            D(2025, 10, 1),
            D(2025, 11, 30),
            "October 1 to November 30, 2025",
            "du 1er octobre au 30 novembre 2025",
        ),
        (
            D(2024, 12, 30),
            D(2025, 1, 5),
            "December 30, 2024 to January 5, 2025",
            "du 30 décembre 2024 au 5 janvier 2025",
        ),
        (D(2024, 2, 29), D(2024, 2, 29), "February 29, 2024", "le 29 février 2024"),
        (D(2025, 8, 2), D(2025, 8, 1 + 1), "August 2, 2025", "le 2 août 2025"),
    ],
)
def test_dates_in_words(start, end, en, fr) -> None:
    assert render(dates_fact(start, end), "en") == en
    assert render(dates_fact(start, end), "fr") == fr


def test_coverage_reasons() -> None:
    bounds = (D(2024, 3, 15), D(2025, 12, 31))
    nov = Filters(start=D(2025, 11, 1), end=D(2025, 11, 30))
    assert coverage(nov, bounds).available
    assert coverage(Filters(), bounds).reason == "no_period"
    assert coverage(nov, None).reason == "no_dates"
    feb = Filters(start=D(2025, 2, 1), end=D(2025, 2, 28))
    assert coverage(feb, bounds).reason == "before_data"  # Feb 2024 ends before Mar 15, 2024
    mar = Filters(start=D(2025, 3, 1), end=D(2025, 3, 31))
    got = coverage(mar, bounds)
    assert got.reason == "partly"  # March 1-14, 2024 are not in the data
    assert render(got.fact(), "fr") == (
        "Pas de comparaison avec la même période l'année précédente (du 1er au 31 mars 2024)"
        "\u00a0: les données commencent le 15 mars 2024, en cours de période, et une partie "
        "de la période se lirait comme la période entière."
    )
    assert coverage(nov, bounds, has_events=False).reason == "no_events"


# ---------------------------------------------------------------- on a view
@pytest.fixture(scope="module")
def ds():
    return upload(two_years())


NOV = Filters(start=D(2025, 11, 1), end=D(2025, 11, 30), segments={"device": ["mobile"]})
NOV_YB = Filters(start=D(2024, 11, 1), end=D(2024, 11, 30), segments={"device": ["mobile"]})


def test_year_before_kpis_equal_a_direct_view(ds) -> None:
    view = View(ds, NOV)
    assert view.year_before_filters == NOV_YB
    got = view.year_before_kpis()
    direct = View(ds, NOV_YB).kpis()
    assert got is not None and len(got) == len(direct) > 10
    for a, b in zip(got, direct, strict=True):
        assert (a.code, a.value, a.numerator, a.denominator) == (
            b.code,
            b.value,
            b.numerator,
            b.denominator,
        )
    # the funnel too, and the view's own results do not move
    assert view.year_before_funnel().equals(View(ds, NOV_YB).funnel())
    assert [k.value for k in view.kpis()] == [k.value for k in View(ds, NOV).kpis()]


def test_year_before_users_brute_force(ds) -> None:
    """Users of the year before = distinct mobile users with an event in November 2024,
    counted with a Python loop over the raw log."""
    log = two_years()
    users = {
        u
        for u, ts, dev in log.select("user_id", "ts", "device").iter_rows()
        if dev == "mobile" and D(2024, 11, 1) <= ts.date() <= D(2024, 11, 30)
    }
    got = {k.code: k for k in View(ds, NOV).year_before_kpis()}
    assert got["users"].value == len(users) > 10
    reached = {}
    steps = ["visit", "product", "cart", "purchase"]
    for u, ts, step, dev in log.select("user_id", "ts", "step", "device").iter_rows():
        if dev == "mobile" and D(2024, 11, 1) <= ts.date() <= D(2024, 11, 30):
            reached.setdefault(u, set()).add(step)
    funnel = View(ds, NOV).year_before_funnel()
    for j in range(len(steps)):
        # the generated users go down the steps in order within minutes: reached k = did 1..k
        want = sum(all(s in r for s in steps[: j + 1]) for r in reached.values())
        assert funnel["users"][j] == want


def test_not_covered_is_said_not_zero(ds) -> None:
    view = View(ds, Filters(start=D(2024, 11, 1), end=D(2024, 11, 30)))
    assert view.year_before_kpis() is None
    assert view.year_before_funnel() is None
    assert view.year_before_coverage().reason == "before_data"
    table = view.two_periods()
    assert table["year_before"].null_count() == table.height  # no 0, no 100 %
    whole = View(ds, Filters())
    assert whole.year_before_kpis() is None
    assert whole.year_before_coverage().fact() == Fact("year_before.not.no_period")


def test_rate_tests_against_statsmodels(ds) -> None:
    view = View(ds, NOV)
    table = view.two_periods()
    now = {k.code: k for k in view.kpis()}
    checked = 0
    for other, kpis in (
        ("previous", view.previous_kpis()),
        ("year_before", view.year_before_kpis()),
    ):
        before = {k.code: k for k in kpis}
        for row in table.iter_rows(named=True):
            k, o = now[row["code"]], before.get(row["code"])
            if row[f"{other}_p_value"] is None:
                assert (
                    k.unit != "rate"
                    or o is None
                    or not o.available
                    or not k.available
                    or (k.denominator in (None, 0) or o.denominator in (None, 0))
                )
                continue
            if row[f"{other}_method"] != "z":
                continue
            _, p = proportions_ztest([k.numerator, o.numerator], [k.denominator, o.denominator])
            assert row[f"{other}_p_value"] == pytest.approx(p, rel=1e-9), row["code"]
            assert row[f"{other}_abs_change"] == pytest.approx(k.value - o.value)
            checked += 1
    assert checked >= 4


def test_rate_test_hand_computed() -> None:
    """30/100 now vs 20/100 before: pooled p = 0.25, se = sqrt(0.25 * 0.75 * (2/100)) =
    0.0612372, z = 0.1 / 0.0612372 = 1.63299, two-sided p = 0.102470."""
    from kpi.journey.kpi import Kpi

    now = Kpi("conversion_rate", value=0.3, numerator=30, denominator=100)
    before = Kpi("conversion_rate", value=0.2, numerator=20, denominator=100)
    p, method, significant = rate_test(now, before)
    assert (method, significant) == ("z", False)
    assert p == pytest.approx(0.102470, abs=1e-6)
    money = Kpi("aov", value=30.0, numerator=300, denominator=10)
    assert rate_test(money, money) is None  # an amount: no test
    table = compare_two([now], [before], None)
    assert table["previous_abs_change"][0] == pytest.approx(0.1)
    assert table["previous_rel_change"][0] == pytest.approx(0.5)
    assert table["year_before"][0] is None and table["year_before_p_value"][0] is None


def test_year_before_steps_against_statsmodels(ds) -> None:
    comp = View(ds, NOV).year_before_steps()
    now, before = View(ds, NOV).funnel(), View(ds, NOV_YB).funnel()
    assert comp is not None
    for j in range(1, comp.height):
        row = comp.row(j, named=True)
        if row["method"] != "z":
            continue
        _, p = proportions_ztest(
            [now["users"][j], before["users"][j]], [now["users"][0], before["users"][0]]
        )
        assert row["p_value"] == pytest.approx(p, rel=1e-9)
    assert comp["users_previous"].to_list() == before["users"].to_list()


def test_two_periods_is_one_computation(ds) -> None:
    view = View(ds, NOV)
    assert view.two_periods() is view.two_periods()
    assert view.year_before_view() is view.year_before_view()
    assert view.year_before_view().period_cache is view.period_cache
    assert pl.Series(view.two_periods()["code"]).to_list() == [k.code for k in view.kpis()]


@pytest.mark.parametrize(
    ("x_now", "n_now", "x_before", "n_before"),
    [(30, 100, 20, 100), (3, 40, 1, 50), (1700, 5200, 1500, 5000), (0, 10, 4, 12), (9, 9, 7, 9)],
)
def test_rate_test_is_the_ab_comparison(x_now, n_now, x_before, n_before) -> None:
    """The same p-value and method as kpi.abtest.compare (z, or Fisher for small counts)."""
    from kpi.abtest import compare
    from kpi.journey.kpi import Kpi

    now = Kpi("conversion_rate", value=x_now / n_now, numerator=x_now, denominator=n_now)
    before = Kpi("conversion_rate", value=x_before / n_before, numerator=x_before,
                 denominator=n_before)  # fmt: skip
    ref = compare(x_before, n_before, x_now, n_now)
    p, method, significant = rate_test(now, before)
    assert (method, significant) == (ref.method, ref.significant)
    assert p == pytest.approx(ref.p_value, rel=1e-12)
