"""kpi.retention: cohort tables, repeat purchase, frequency, churn.

Hand-built logs with every number worked out in the comments, then the UCI Online Retail file
against plain polars group-bys and the published figures (notes §5.2).
"""

from __future__ import annotations

import itertools
from datetime import date, datetime, timedelta
from pathlib import Path

import polars as pl
import pytest

from kpi.definitions import all_definitions
from kpi.errors import InputError, SchemaError
from kpi.retention import (
    DEFINITIONS,
    churn_rate,
    cohort_table,
    cohort_table_note,
    period_n_trend,
    purchase_frequency,
    repeat_purchase_rate,
    retention_curve,
    retention_rate,
    weighted_average,
)
from kpi.words import Fact, render
from tests.unit.retail import clean_lines, purchase_events

DATASETS = Path(__file__).resolve().parents[2].parent / "shared" / "datasets"
RETAIL = DATASETS / "online_retail.csv"


def log(rows: list[tuple]) -> pl.DataFrame:
    cols = ["user_id", "step", "ts", *(["device"] if len(rows[0]) > 3 else [])]
    return pl.DataFrame(rows, schema=cols, orient="row").with_columns(
        pl.col("ts").cast(pl.Datetime("us"))
    )


# Cohort 2025-01: a, b, c. Cohort 2025-02: d, e. Data ends 2025-04-15 10:00 (April incomplete).
#   a: Jan, Feb, Apr     b: Jan, Mar     c: Jan
#   d: Feb, Mar (twice)  e: Feb, Apr
EVENTS = log(
    [
        ("a", "signup", datetime(2025, 1, 5), "mobile"),
        ("a", "visit", datetime(2025, 2, 10), "mobile"),
        ("a", "visit", datetime(2025, 4, 1), "mobile"),
        ("b", "signup", datetime(2025, 1, 20), "mobile"),
        ("b", "visit", datetime(2025, 3, 3), "mobile"),
        ("c", "signup", datetime(2025, 1, 31, 23, 59), "desktop"),
        ("d", "signup", datetime(2025, 2, 14), "desktop"),
        ("d", "visit", datetime(2025, 3, 1), "desktop"),
        ("d", "visit", datetime(2025, 3, 20), "desktop"),
        ("e", "signup", datetime(2025, 2, 28), "mobile"),
        ("e", "visit", datetime(2025, 4, 15, 10), "mobile"),
    ]
)


def cells(table: pl.DataFrame, *keys: str) -> dict[tuple, tuple]:
    return {
        tuple(r[k] for k in (*keys, "cohort", "period")): (r["retained"], r["complete"])
        for r in table.iter_rows(named=True)
    }


def test_monthly_on_hand_checked() -> None:
    table = cohort_table(EVENTS)
    assert table.columns == [
        "cohort",
        "cohort_start",
        "cohort_size",
        "period",
        "retained",
        "retention",
        "complete",
    ]
    assert cells(table) == {
        ("2025-01", 0): (3, True),
        ("2025-01", 1): (1, True),  # a in Feb
        ("2025-01", 2): (1, True),  # b in Mar
        ("2025-01", 3): (1, False),  # a in Apr, April not over on 2025-04-15
        ("2025-02", 0): (2, True),
        ("2025-02", 1): (1, True),  # d in Mar
        ("2025-02", 2): (1, False),  # e in Apr
    }
    jan = table.filter(pl.col("cohort") == "2025-01")
    assert jan["cohort_size"].unique().to_list() == [3]
    assert jan["retention"].to_list() == pytest.approx([1, 1 / 3, 1 / 3, 1 / 3])
    assert jan["cohort_start"][0] == date(2025, 1, 1)


def test_on_or_after_hand_checked() -> None:
    # a last active in period 3, b in 2, c only 0 -> P1: a, b; P2: a, b; P3: a
    # d last in 1, e last in 2                 -> P1: d, e; P2: e
    table = cohort_table(EVENTS, mode="on_or_after")
    assert cells(table) == {
        ("2025-01", 0): (3, True),
        ("2025-01", 1): (2, True),
        ("2025-01", 2): (2, True),
        ("2025-01", 3): (1, False),
        ("2025-02", 0): (2, True),
        ("2025-02", 1): (2, True),
        ("2025-02", 2): (1, False),
    }
    # on-or-after never rises along a cohort
    for _, grp in table.group_by("cohort"):
        r = grp.sort("period")["retention"].to_list()
        assert all(x >= y for x, y in itertools.pairwise(r))


def test_periods_cap_and_on_or_after_counts_later_activity() -> None:
    table = cohort_table(EVENTS, mode="on_or_after", periods=1)
    # a (active in period 3) and b (period 2) still count as retained in period 1
    assert cells(table) == {
        ("2025-01", 0): (3, True),
        ("2025-01", 1): (2, True),
        ("2025-02", 0): (2, True),
        ("2025-02", 1): (2, True),
    }
    assert cohort_table(EVENTS, periods=0)["period"].to_list() == [0, 0]


def test_as_of_cuts_events_and_marks_incomplete_periods() -> None:
    # As of 2025-03-10: a's and e's April visits and d's 03-20 visit are ignored; March is
    # in progress (not complete); April is not listed at all.
    table = cohort_table(EVENTS, as_of=datetime(2025, 3, 10))
    assert cells(table) == {
        ("2025-01", 0): (3, True),
        ("2025-01", 1): (1, True),
        ("2025-01", 2): (1, False),
        ("2025-02", 0): (2, True),
        ("2025-02", 1): (1, False),
    }
    # a period that ends exactly at as_of is complete
    end_feb = cohort_table(EVENTS, as_of=datetime(2025, 3, 1))
    assert cells(end_feb)[("2025-01", 1)] == (1, True)
    assert cells(end_feb)[("2025-01", 2)] == (0, False)  # March starts exactly at as_of


def test_weighted_average_uses_complete_cells_only() -> None:
    avg = weighted_average(cohort_table(EVENTS))
    # P0: 5/5; P1: (1 + 1) / (3 + 2) = 0.4; P2: Jan only (Feb's P2 is incomplete) = 1/3;
    # P3: no complete cell -> absent
    assert avg["period"].to_list() == [0, 1, 2]
    assert avg["cohorts"].to_list() == [2, 2, 1]
    assert avg["users"].to_list() == [5, 5, 3]
    assert avg["retention"].to_list() == pytest.approx([1.0, 0.4, 1 / 3])


def test_start_and_return_steps() -> None:
    # Only "visit" counts as a return: period 0 is no longer 100 %.
    # f visits on 01-10 and signs up on 01-12: the earlier visit does not count for period 0.
    # g signs up on 01-03 and visits the next day: retained in period 0.
    extra = log(
        [
            ("f", "visit", datetime(2025, 1, 10), "mobile"),
            ("f", "signup", datetime(2025, 1, 12), "mobile"),
            ("g", "signup", datetime(2025, 1, 3), "mobile"),
            ("g", "visit", datetime(2025, 1, 4), "mobile"),
        ]
    )
    table = cohort_table(pl.concat([EVENTS, extra]), start_step="signup", return_step="visit")
    got = cells(table)
    assert table.filter(pl.col("cohort") == "2025-01")["cohort_size"][0] == 5
    assert got[("2025-01", 0)] == (1, True)  # g only
    assert got[("2025-01", 1)] == (1, True)  # a
    assert got[("2025-02", 0)] == (0, True)
    # first_event with no start step: f's cohort starts at the visit (01-10) -> retained in P0
    any_start = cells(cohort_table(pl.concat([EVENTS, extra]), return_step="visit"))
    assert any_start[("2025-01", 0)] == (2, True)


def test_first_purchase_and_signup_column_cohorts() -> None:
    buys = EVENTS.with_columns(
        pl.when(pl.col("step") == "visit").then(pl.lit("purchase")).otherwise("step").alias("step")
    )
    # first purchases: a Feb, b Mar, d Mar, e Apr (c never buys)
    table = cohort_table(buys, cohort_by="first_purchase")
    sizes = dict(table.group_by("cohort").agg(pl.col("cohort_size").first()).iter_rows())
    assert sizes == {"2025-02": 1, "2025-03": 2, "2025-04": 1}
    # a: purchase Feb, visit-as-purchase Apr -> P2 retained (return = any event)
    assert cells(table)[("2025-02", 2)] == (1, False)
    with pytest.raises(InputError):
        cohort_table(buys, cohort_by="first_purchase", start_step="signup")

    # signup column: a signed up in Dec 2024 -> cohort 2024-12, no event in Dec (P0 = 0)
    signup = {"a": datetime(2024, 12, 20), "b": datetime(2025, 1, 20)}
    ev = EVENTS.with_columns(
        pl.col("user_id")
        .replace_strict(signup, default=None, return_dtype=pl.Datetime("us"))
        .alias("signup")
    )
    table = cohort_table(ev, cohort_by="signup")
    got = cells(table)
    assert got[("2024-12", 0)] == (0, True)
    assert got[("2024-12", 1)] == (1, True)  # a in Jan
    assert got[("2024-12", 2)] == (1, True)  # a in Feb
    assert got[("2025-01", 0)] == (1, True)  # b
    # users without a signup value (c, d, e) are left out; Dec cohort: 5 periods, Jan: 4
    assert table.filter(pl.col("period") == 0)["cohort_size"].sum() == 2
    assert table.height == 9
    with pytest.raises(InputError):
        cohort_table(ev, cohort_by="signup", start_step="signup")
    with pytest.raises(SchemaError):
        cohort_table(EVENTS, cohort_by="signup_date")


def test_segments_first_touch_and_totals_reconcile() -> None:
    # d switches device on a later event: d keeps "desktop", the value at the anchor.
    ev = EVENTS.with_columns(
        pl.when((pl.col("user_id") == "d") & (pl.col("ts") > datetime(2025, 3, 2)))
        .then(pl.lit("tablet"))
        .otherwise("device")
        .alias("device")
    )
    table = cohort_table(ev, by="device")
    assert table.columns[0] == "device"
    got = cells(table, "device")
    assert got[("mobile", "2025-01", 0)] == (2, True)  # a, b
    assert got[("mobile", "2025-01", 1)] == (1, True)  # a
    assert got[("desktop", "2025-01", 1)] == (0, True)  # c
    assert got[("desktop", "2025-02", 1)] == (1, True)  # d
    assert "tablet" not in table["device"].to_list()
    total = table.group_by("cohort", "period").agg(pl.col("retained").sum())
    plain = cohort_table(ev).select("cohort", "period", "retained")
    assert total.sort("cohort", "period").equals(plain.sort("cohort", "period"))
    curve = retention_curve(table, per="segment")
    assert set(curve["series"]) == {"mobile", "desktop"}
    mobile = curve.filter(pl.col("series") == "mobile").sort("period")
    # mobile P1: a (Jan cohort of 2) + e not in P1 (Feb cohort of 1) -> 1/3
    assert mobile["retention"][1] == pytest.approx(1 / 3)
    by_cohort = retention_curve(table)
    assert "mobile · 2025-01" in by_cohort["series"].to_list()


def test_week_grain_iso_weeks() -> None:
    # Monday 2025-03-03 starts ISO week 10; Sunday 03-09 is still week 10; 03-10 is week 11.
    ev = log(
        [
            ("u1", "open", datetime(2025, 3, 3, 8)),
            ("u1", "open", datetime(2025, 3, 10, 9)),
            ("u2", "open", datetime(2025, 3, 9, 23, 30)),
            ("u2", "open", datetime(2025, 3, 10, 0, 5)),
            ("u3", "open", datetime(2025, 3, 10, 12)),
        ]
    )
    table = cohort_table(ev, grain="week", as_of=datetime(2025, 3, 17))
    assert cells(table) == {
        ("2025-W10", 0): (2, True),
        ("2025-W10", 1): (2, True),  # week 11 ends 03-17 00:00 = as_of: complete
        ("2025-W10", 2): (0, False),  # week 12 has just started
        ("2025-W11", 0): (1, True),
        ("2025-W11", 1): (0, False),
    }
    assert table["cohort_start"].unique().sort().to_list() == [date(2025, 3, 3), date(2025, 3, 10)]
    day = cohort_table(ev, grain="day")
    assert cells(day)[("2025-03-09", 1)] == (1, False)  # u2 on 03-10, the last (open) day


def test_period_n_trend() -> None:
    trend = period_n_trend(cohort_table(EVENTS), 1)
    assert trend["cohort"].to_list() == ["2025-01", "2025-02"]
    assert trend["retention"].to_list() == pytest.approx([1 / 3, 1 / 2])
    assert period_n_trend(cohort_table(EVENTS), 3)["cohort"].to_list() == ["2025-01"]


def test_empty_and_wrong_inputs_are_explained() -> None:
    empty = cohort_table(EVENTS.clear())
    assert empty.height == 0
    assert empty.columns[0] == "cohort"
    assert weighted_average(empty).height == 0
    assert cohort_table(EVENTS.clear(), by="device").columns[0] == "device"
    assert cohort_table_note(EVENTS.clear()) == Fact("retention.note.no_events")
    missing = cohort_table_note(EVENTS, return_step="checkout")
    assert missing == Fact(
        "retention.note.no_return_step", step="checkout", found=["signup", "visit"]
    )
    assert render(missing, "en") == (
        "No event has the return step 'checkout' (steps found: signup and visit)."
    )
    assert render(missing, "fr") == (
        "Aucun événement n'a l'étape de retour «\u00a0checkout\u00a0» (étapes trouvées\u00a0: "
        "signup et visit)."
    )
    note = cohort_table_note(EVENTS, cohort_by="first_purchase")
    assert note is not None and note.code == "retention.note.no_start_step"
    assert note["step"] == "purchase"
    assert cohort_table_note(EVENTS) is None
    # a start step nobody did: an empty table, not an exception
    assert cohort_table(EVENTS, start_step="checkout").height == 0
    with pytest.raises(SchemaError, match="ts") as err:
        cohort_table(EVENTS.drop("ts"))
    assert err.value.message.code == "retention.error.missing_columns"
    assert err.value.message["columns"] == ["ts"]
    assert err.value.text("fr").startswith("La rétention a besoin de la colonne ts")
    with pytest.raises(InputError):
        cohort_table(EVENTS, mode="rolling")  # type: ignore[arg-type]
    with pytest.raises(InputError):
        cohort_table(EVENTS, grain="year")  # type: ignore[arg-type]


# ---------------------------------------------------------------- orders, churn

ORDERS = pl.DataFrame(
    {
        "user_id": ["x", "x", "x", "y", "y", "z", "z", "w"],
        "step": ["purchase"] * 7 + ["visit"],
        "order_id": ["o1", "o1", "o2", "o3", "o3", None, None, None],
        "revenue": [10.0, 20.0, 30.0, 5.0, 5.0, 40.0, 60.0, None],
    }
)


def test_repeat_purchase_and_frequency_hand_checked() -> None:
    # x: orders o1, o2 (2); y: o3 (1); z: two lines without an order id (2); w never buys.
    rp = repeat_purchase_rate(ORDERS)
    assert (rp.customers, rp.repeat_customers) == (3, 2)
    assert rp.rate == pytest.approx(2 / 3)
    pf = purchase_frequency(ORDERS)
    assert (pf.customers, pf.orders) == (3, 5)
    assert pf.frequency == pytest.approx(5 / 3)
    # without order ids every purchase event is an order: x 3, y 2, z 2
    no_ids = ORDERS.drop("order_id")
    assert purchase_frequency(no_ids).orders == 7
    assert repeat_purchase_rate(no_ids).rate == pytest.approx(1.0)
    # purchase_step=None: every event is a purchase (w's visit counts)
    assert purchase_frequency(ORDERS, purchase_step=None).customers == 4
    nobody = repeat_purchase_rate(ORDERS, purchase_step="buy")
    assert nobody.rate is None and nobody.explanation.code == "retention.note.no_purchase_step"
    assert nobody.explanation["step"] == "buy"
    assert repeat_purchase_rate(ORDERS.clear()).rate is None


CHURN = pl.DataFrame(
    {
        "user_id": ["u1", "u1", "u2", "u3", "u3", "u4", "u5", "u5", "u6", "u6"],
        "ts": [
            datetime(2025, 3, 20),  # u1 at start (within 30 days of 04-01)
            datetime(2025, 4, 10),  # ... and active during April: retained
            datetime(2025, 3, 5),  # u2 at start, silent in April: lost
            datetime(2025, 2, 1),  # u3 inactive too long before the start: not counted
            datetime(2025, 4, 5),
            datetime(2025, 4, 15),  # u4 new during April
            datetime(2025, 3, 15),  # u5 at start ...
            datetime(2025, 5, 2),  # ... back only after the period: lost
            datetime(2025, 3, 10),  # u6 at start ...
            datetime(2025, 4, 30, 18),  # ... back on the period's last day: retained
        ],
    }
)


def test_churn_hand_checked() -> None:
    res = churn_rate(
        CHURN, period_start=date(2025, 4, 1), period_end=date(2025, 4, 30), inactivity_days=30
    )
    assert (res.customers_at_start, res.customers_lost, res.customers_retained) == (4, 2, 2)
    assert res.new_customers == 1
    assert res.churn == pytest.approx(0.5)
    assert res.retention == pytest.approx(0.5)
    assert res.rule.code == "retention.churn.rule"
    assert (res.rule["since"], res.rule["days"]) == (date(2025, 3, 2), 30)
    assert "(on or after Mar 2, 2025)" in str(res.rule) and "within 30 days" in str(res.rule)
    assert "(à partir du 2 mars 2025)" in render(res.rule, "fr")
    assert res.explanation == Fact(
        "retention.churn.explanation", lost=2, customers=4, churn=0.5, new=1
    )
    assert render(res.explanation, "fr") == (
        "2 clients sur 4 présents au début ont été perdus (50,0\u00a0%)\u00a0; "
        "1 nouveau client est arrivé."
    )
    # a datetime end is inclusive to the second: u6's 18:00 visit falls outside 12:00
    noon = churn_rate(
        CHURN,
        period_start=datetime(2025, 4, 1),
        period_end=datetime(2025, 4, 30, 12),
        inactivity_days=30,
    )
    assert noon.customers_lost == 3
    # a longer inactivity limit brings u3 in (last before: 02-01, within 60 days), retained
    wide = retention_rate(
        CHURN, period_start=date(2025, 4, 1), period_end=date(2025, 4, 30), inactivity_days=60
    )
    assert (wide.customers_at_start, wide.customers_lost) == (5, 2)
    assert wide.retention == pytest.approx(3 / 5)


def test_churn_degenerate_and_invalid() -> None:
    res = churn_rate(
        CHURN, period_start=date(2024, 1, 1), period_end=date(2024, 1, 31), inactivity_days=30
    )
    assert res.churn is None and res.customers_at_start == 0
    assert res.explanation.code == "retention.churn.undefined"
    with pytest.raises(InputError):
        churn_rate(
            CHURN, period_start=date(2025, 4, 2), period_end=date(2025, 4, 1), inactivity_days=30
        )
    with pytest.raises(InputError):
        churn_rate(
            CHURN, period_start=date(2025, 4, 1), period_end=date(2025, 4, 30), inactivity_days=0
        )
    with_steps = CHURN.with_columns(step=pl.lit("visit"))
    only_buys = churn_rate(
        with_steps,
        period_start=date(2025, 4, 1),
        period_end=date(2025, 4, 30),
        inactivity_days=30,
        activity_step="purchase",
    )
    assert only_buys.customers_at_start == 0


def test_definitions() -> None:
    for key in ("churn", "repeat_purchase_rate", "purchase_frequency", "retention_rate"):
        assert DEFINITIONS[key].stage == "retention"
        assert DEFINITIONS[key].formula
    assert set(DEFINITIONS) <= set(all_definitions())


# ---------------------------------------------------------------- UCI Online Retail


def retail_events(per_invoice: bool = False) -> pl.DataFrame:
    """The published cleaning rules, with plain polars (not kpi.load / kpi.schema)."""
    events = purchase_events(clean_lines())
    if per_invoice:
        events = events.group_by("order_id").agg(
            pl.col("user_id", "step", "ts", "country").first(), pl.col("revenue").sum()
        )
    return events


@pytest.fixture(scope="module")
def retail() -> pl.DataFrame:
    if not RETAIL.exists():
        pytest.skip("shared datasets folder not available")
    return retail_events()


def plain_cohorts(events: pl.DataFrame) -> pl.DataFrame:
    """Independent monthly first-purchase cohort counts with plain group-bys."""
    month = pl.col("ts").dt.truncate("1mo")
    first = events.group_by("user_id").agg(month.min().alias("coh"))
    active = events.select("user_id", month.alias("m")).unique().join(first, on="user_id")
    active = active.with_columns(
        ((pl.col("m").dt.year() - pl.col("coh").dt.year()) * 12
         + pl.col("m").dt.month().cast(pl.Int32) - pl.col("coh").dt.month().cast(pl.Int32))
        .cast(pl.Int64).alias("period"),
        pl.col("coh").dt.strftime("%Y-%m").alias("cohort"),
    )  # fmt: skip
    return active.group_by("cohort", "period").agg(pl.len().cast(pl.Int64).alias("retained"))


def test_online_retail_published_figures(retail: pl.DataFrame) -> None:
    table = cohort_table(retail, cohort_by="first_purchase")
    dec = table.filter(pl.col("cohort") == "2010-12").sort("period")
    assert dec["cohort_size"][0] == 885
    assert [round(r * 100, 1) for r in dec["retention"][1:7]] == [
        36.6,
        32.3,
        38.4,
        36.3,
        39.8,
        36.3,
    ]
    jan = table.filter(pl.col("cohort") == "2011-01").sort("period")
    assert jan["cohort_size"][0] == 417
    assert round(jan["retention"][1] * 100, 1) == 22.1
    # data ends 2011-12-09: only December 2011 is incomplete
    month = pl.col("cohort_start").dt.offset_by(pl.format("{}mo", pl.col("period")))
    assert table.filter(~pl.col("complete")).select(month.unique()).to_series().to_list() == [
        date(2011, 12, 1)
    ]
    assert table.filter(~pl.col("complete")).height == 13  # one per cohort Dec-10..Dec-11
    assert table.filter(pl.col("period") == 0)["cohort_size"].sum() == 4338

    rp = repeat_purchase_rate(retail)
    assert rp.customers == 4338
    assert round(rp.rate * 100, 1) == 65.6
    pf = purchase_frequency(retail)
    assert pf.orders == 18532
    assert round(pf.frequency, 2) == 4.27


def test_online_retail_matches_plain_group_bys(retail: pl.DataFrame) -> None:
    ours = cohort_table(retail, cohort_by="first_purchase").select("cohort", "period", "retained")
    plain = plain_cohorts(retail)
    joined = ours.join(plain, on=["cohort", "period"], how="full", coalesce=True)
    assert joined.height == ours.height  # nothing in plain that is missing from ours
    assert joined.select(
        (pl.col("retained").fill_null(0) == pl.col("retained_right").fill_null(0)).all()
    ).item()
    # on or after: retained(c, N) = cohort users whose last active month is N or later
    month = pl.col("ts").dt.truncate("1mo")
    span = retail.group_by("user_id").agg(
        month.min().alias("first"), month.max().alias("last")
    ).with_columns(
        ((pl.col("last").dt.year() - pl.col("first").dt.year()) * 12
         + pl.col("last").dt.month().cast(pl.Int32) - pl.col("first").dt.month().cast(pl.Int32))
        .alias("reach"),
        pl.col("first").dt.strftime("%Y-%m").alias("cohort"),
    )  # fmt: skip
    after = cohort_table(retail, cohort_by="first_purchase", mode="on_or_after")
    for cohort, n in (("2010-12", 3), ("2011-03", 5), ("2011-06", 2)):
        expected = span.filter(pl.col("cohort") == cohort, pl.col("reach") >= n).height
        got = after.filter(pl.col("cohort") == cohort, pl.col("period") == n)["retained"].item()
        assert got == expected
    # one event per invoice gives the same cohorts
    per_invoice = retail_events(per_invoice=True)
    assert cohort_table(per_invoice, cohort_by="first_purchase").equals(
        cohort_table(retail, cohort_by="first_purchase")
    )
    # weighted average equals the plain sum over complete cells
    avg = weighted_average(cohort_table(retail, cohort_by="first_purchase"))
    p1 = plain.filter(pl.col("period") == 1, pl.col("cohort") <= "2011-10")
    sizes = plain.filter(pl.col("period") == 0, pl.col("cohort") <= "2011-10")
    assert avg.filter(pl.col("period") == 1)["retention"].item() == pytest.approx(
        p1["retained"].sum() / sizes["retained"].sum()
    )


# ---------------------------------------------------------------- summary for pages / workbook


def test_cohort_long_and_matrix_hand_checked() -> None:
    from kpi.retention import AVERAGE_LABEL, cohort_long, cohort_matrix

    table = cohort_table(EVENTS)
    wide = cohort_matrix(table)
    assert wide.columns == ["cohort", "cohort_size", "P0", "P1", "P2", "P3"]
    assert wide["cohort"].to_list() == ["2025-01", "2025-02", AVERAGE_LABEL]
    assert wide["cohort_size"].to_list() == [3, 2, 5]
    jan, feb, avg = wide.rows()
    assert jan[2:] == pytest.approx((1.0, 1 / 3, 1 / 3, 1 / 3))
    assert feb[2:4] == pytest.approx((1.0, 0.5)) and feb[4] == pytest.approx(0.5) and feb[5] is None
    # average: P1 = (1 + 1) / 5, P2 = Jan only (Feb's P2 incomplete), P3 has no complete cell
    assert avg[2:5] == pytest.approx((1.0, 0.4, 1 / 3)) and avg[5] is None
    long = cohort_long(table)
    assert long.filter(pl.col("is_average"))["row"].unique().to_list() == [2]
    assert long.filter(~pl.col("complete")).height == 2


def test_top_segment_ranks_by_users_and_reconciles() -> None:
    from kpi.retention import top_segment

    # one very active desktop user vs two mobile users: mobile ranks first by users
    ev = log(
        [
            ("a", "visit", datetime(2025, 1, 1), "desktop"),
            *[("a", "visit", datetime(2025, 1, d), "desktop") for d in range(2, 9)],
            ("b", "visit", datetime(2025, 1, 1), "mobile"),
            ("c", "visit", datetime(2025, 1, 1), "mobile"),
            ("d", "visit", datetime(2025, 1, 1), "tablet"),
        ]
    )
    out = top_segment(ev, "device", 1)
    assert out.height == ev.height
    assert sorted(out.unique("user_id").sort("user_id")["device"].to_list()) == [
        "Other",
        "Other",
        "mobile",
        "mobile",
    ]


def test_retention_summary_hand_checked() -> None:
    from kpi.retention import retention_summary

    s = retention_summary(EVENTS, by="device", top=5, inactivity_days=30)
    assert s.by == "device"
    assert s.table["cohort_size"].filter(s.table["period"] == 0).sum() == 5
    assert str(s.settings) == (
        "Cohort = month of the first visit (first event). Retained in period N = did any event "
        "in period N."
    )
    assert render(s.settings, "fr") == (
        "Cohorte = mois de la première visite (premier événement). Retenu en période N = a fait "
        "un événement quelconque pendant la période N."
    )
    assert s.trend_period == 1 and s.trend.height == 4  # 2 cohorts x 2 devices reached month 1
    # churn over the last 30 days (2025-03-17 .. 2025-04-15): active in the 30 days before
    # (2025-02-15 .. 03-16): d (03-01, 03-20 is inside), e (02-28), b (03-03) -> 3 at start;
    # a: last before = 02-10, outside; in the period: d (03-20), e (04-15) -> b lost: 1 / 3.
    assert s.churn is not None
    assert (s.churn.customers_at_start, s.churn.customers_lost) == (3, 1)
    assert s.churn.churn == pytest.approx(1 / 3)
    assert s.churn.rule["days"] == 30
    # no purchase step in these events: repeat purchase says so
    assert s.repeat.rate is None and s.repeat.explanation.code == "retention.note.no_purchase_step"
    empty = retention_summary(EVENTS.clear())
    assert empty.note == Fact("retention.note.no_events")
    assert empty.table.height == 0 and empty.churn is None


def test_retention_summary_online_retail(retail: pl.DataFrame) -> None:
    from kpi.retention import retention_summary

    s = retention_summary(retail, cohort_by="first_purchase", return_step="purchase")
    dec = s.matrix.row(0, named=True)
    assert (dec["cohort"], dec["cohort_size"], round(dec["P1"] * 100, 1)) == ("2010-12", 885, 36.6)
    assert round(s.repeat.rate * 100, 1) == 65.6
    assert s.matrix["cohort"][-1] == "Average (weighted)" and s.matrix["cohort_size"][-1] == 4338
    # churn with plain polars: active in the 90 days before the last 90 days, none inside
    end = retail["ts"].max().date()
    last_day = datetime(end.year, end.month, end.day)
    p_start = last_day - timedelta(days=89)
    before = retail.filter(pl.col("ts") < p_start, pl.col("ts") >= p_start - timedelta(days=90))
    during = retail.filter(pl.col("ts") >= p_start)
    at_start = set(before["user_id"])
    lost = at_start - set(during["user_id"])
    assert s.churn.customers_at_start == len(at_start)
    assert s.churn.customers_lost == len(lost)


def test_average_long_rows_add_up_to_every_user() -> None:
    from kpi.retention import average_long

    table = cohort_table(EVENTS, by="device")
    rows = average_long(table)
    sizes = dict(rows.filter(pl.col("period") == 0).select("cohort", "cohort_size").iter_rows())
    assert sizes == {"desktop": 2, "mobile": 3}  # c, d / a, b, e
    # Jan mobile (a, b): P1 a -> 1; Feb mobile (e): P1 = March, complete, e inactive -> 0
    p1 = rows.filter(pl.col("cohort") == "mobile", pl.col("period") == 1)["retention"].item()
    assert p1 == pytest.approx(1 / 3)


def _dataset_of_events():
    from kpi.dataset import Dataset

    users = EVENTS.group_by("user_id").agg(
        pl.col("device").first(), pl.col("ts").min().alias("first_seen")
    )
    users = users.with_columns(
        pl.when(pl.col("user_id") == "a")
        .then(pl.lit(datetime(2025, 2, 2)))
        .otherwise(pl.col("first_seen"))
        .alias("signup")
    )
    return Dataset(events=EVENTS.drop("device"), users=users, segments=("device",))


def test_cohort_view_keeps_cohorts_started_in_the_period_with_all_their_history() -> None:
    from kpi.filters import Filters
    from kpi.retention import cohort_view

    ds = _dataset_of_events()
    feb = Filters(start=date(2025, 2, 1), end=date(2025, 2, 28))
    # a date filter alone would keep a (visit 02-10), d and e, all looking new in February
    assert sorted(feb.apply(ds).users["user_id"]) == ["a", "d", "e"]
    view = cohort_view(ds, feb)  # first event in February: d (02-14) and e (02-28)
    assert sorted(view.users["user_id"]) == ["d", "e"]
    assert view.events.height == 5  # d: 3, e: 2 (e's April visit after the period kept)
    assert view.events["ts"].max() == datetime(2025, 4, 15, 10)
    mobile = cohort_view(ds, Filters(start=feb.start, end=feb.end, segments={"device": ["mobile"]}))
    assert mobile.users["user_id"].to_list() == ["e"]
    # first 'visit' (the purchase step here) in February: a (02-10) with its January signup event
    buyers = cohort_view(ds, feb, cohort_by="first_purchase", purchase_step="visit")
    assert buyers.users["user_id"].to_list() == ["a"] and buyers.events.height == 3
    # a users date column: a's signup moved to 02-02; d (02-14) and e (02-28) as before
    by_signup = cohort_view(ds, feb, cohort_by="signup")
    assert sorted(by_signup.users["user_id"]) == ["a", "d", "e"]
    # the end day is whole (e at 02-28 00:00 counts); no dates: just the segment filter
    assert cohort_view(ds, Filters(end=date(2025, 1, 31))).users.height == 3  # a, b, c 23:59
    assert cohort_view(ds, Filters()).events.height == EVENTS.height
    # cohort table of the view: one February cohort of 2, followed to April
    table = cohort_table(view.events)
    assert table["cohort"].unique().to_list() == ["2025-02"]
    assert table.filter(pl.col("period") == 2)["retained"].item() == 1  # e in April


def test_retention_summary_churn_follows_the_view_end() -> None:
    from kpi.retention import retention_summary

    # churn on every user, period = the 30 days ending 2025-03-16 (2025-02-15 .. 03-16):
    # at the start (active 2025-01-16 .. 02-14): a (02-10), b (01-20), c (01-31), d (02-14)
    # during: b (03-03), d (03-01); lost: a, c -> 2 / 4; e (02-28) is new.
    s = retention_summary(
        EVENTS.filter(pl.col("user_id") == "e"),
        inactivity_days=30,
        churn_events=EVENTS,
        churn_end=date(2025, 3, 16),
    )
    assert s.churn is not None
    assert (s.churn.customers_at_start, s.churn.customers_lost, s.churn.new_customers) == (4, 2, 1)
    assert s.churn.churn == pytest.approx(0.5)
    assert (s.churn.rule["end"], s.churn.rule["start"]) == (date(2025, 3, 16), date(2025, 2, 15))
    assert s.table["cohort_size"].max() == 1  # the cohorts come from ``events`` only
