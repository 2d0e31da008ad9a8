"""kpi.value: AOV, revenue per customer, top share, CLV, observed CLV, CAC, CLV/CAC, payback, ROAS.

Hand-built tables with the arithmetic in comments, then Online Retail against plain polars and
the published figures (notes §5.2).
"""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta
from pathlib import Path

import polars as pl
import pytest

from kpi.errors import InputError, SchemaError
from kpi.value import (
    DEFINITIONS,
    GUIDE_RATIO,
    aov,
    cac_by_channel,
    clv_cac,
    clv_classic,
    clv_inputs,
    monthly_revenue_per_customer,
    new_customers,
    observed_clv,
    payback_months,
    revenue_per_customer,
    roas,
    top_customer_share,
)
from kpi.words import Fact, render
from tests.unit.retail import clean_lines, purchase_events

RETAIL = Path(__file__).resolve().parents[2].parent / "shared" / "datasets" / "online_retail.csv"

# x: o1 (10 + 20) and o2 (30) = 60; y: o3 (5 + 5) = 10; z: two lines without id (40, 60) = 100
ORDERS = pl.DataFrame(
    {
        "user_id": ["x", "x", "x", "y", "y", "z", "z", "w"],
        "step": ["purchase"] * 7 + ["visit"],
        "order_id": ["o1", "o1", "o2", "o3", "o3", None, None, None],
        "revenue": [10.0, 20.0, 30.0, 5.0, 5.0, 40.0, 60.0, 999.0],
    }
)


def test_aov_revenue_per_customer_top_share() -> None:
    a = aov(ORDERS)
    assert (a.revenue, a.orders) == (170.0, 5)  # w's visit revenue is not a purchase
    assert a.aov == pytest.approx(34.0)
    r = revenue_per_customer(ORDERS)
    assert (r.customers, r.value) == (3, pytest.approx(170 / 3))
    top = top_customer_share(ORDERS)  # ceil(0.1 × 3) = 1 customer: z with 100
    assert top.top_customers == 1 and top.share == pytest.approx(100 / 170)
    two = top_customer_share(ORDERS, top=0.34)  # ceil(1.02) = 2: z + x = 160
    assert two.top_customers == 2 and two.share == pytest.approx(160 / 170)
    assert top_customer_share(ORDERS, top=0.5).top_customers == 2  # exactly 1.5 -> 2
    every = aov(ORDERS, purchase_step=None)  # w's event becomes an order too
    assert every.orders == 6 and every.revenue == pytest.approx(1169.0)


def test_value_degenerate_and_errors() -> None:
    none = aov(ORDERS, purchase_step="buy")
    assert none.aov is None and none.explanation.code == "retention.note.no_purchase_step"
    assert none.explanation["step"] == "buy"
    assert revenue_per_customer(ORDERS.clear()).value is None
    assert top_customer_share(ORDERS.clear()).share is None
    zero = top_customer_share(ORDERS.with_columns(pl.lit(0.0).alias("revenue")))
    assert zero.share is None
    with pytest.raises(SchemaError, match="revenue") as err:
        aov(ORDERS.drop("revenue"))
    assert err.value.message == Fact("value.error.no_revenue", what=Fact("value.what.aov"))
    assert err.value.text("fr").startswith("Le panier moyen a besoin des montants des commandes")
    with pytest.raises(InputError):
        top_customer_share(ORDERS, top=0)


def test_clv_classic_and_inputs() -> None:
    clv = clv_classic(50.0, 4.0, 3.0)
    assert clv.clv == 600.0
    assert (clv.aov, clv.purchases_per_year, clv.years) == (50.0, 4.0, 3.0)
    assert "50.00 × 4.00 × 3 = 600.00" in str(clv.formula)
    euro = clv_classic(1250.5, 4.0, 3.0, currency="EUR").formula
    assert render(euro, "fr") == (
        "CLV = panier moyen × achats par an × années = 1\u202f250,50\u00a0€ × 4,00 × 3 = "
        "15\u202f006,00\u00a0€"
    )
    assert render(euro, "en").endswith("= €1,250.50 × 4.00 × 3 = €15,006.00")
    with pytest.raises(InputError):
        clv_classic(-1.0, 4.0, 3.0)
    with pytest.raises(InputError):
        clv_classic(50.0, math.nan, 3.0)

    # p: 2024-01-01 (100) and 2024-07-01 (50); q: 2024-12-31 (30). 3 orders, 2 customers, 1
    # repeat order; the data ends 2024-12-31: p observed 365 days, q 0 days -> the 30-day
    # minimum. Repeat rate = 1 ÷ (395 / 365.25) customer-years; purchases per year = repeat
    # rate + 1 ÷ 3 years; AOV 180 / 3 = 60; years default 3.
    ev = pl.DataFrame(
        {
            "user_id": ["p", "p", "q"],
            "step": ["purchase"] * 3,
            "ts": [datetime(2024, 1, 1), datetime(2024, 7, 1), datetime(2024, 12, 31)],
            "revenue": [100.0, 50.0, 30.0],
        }
    )
    inp = clv_inputs(ev)
    assert inp.aov == pytest.approx(60.0)
    repeat = 1 / (395 / 365.25)
    assert inp.repeat_per_year == pytest.approx(repeat)
    assert inp.purchases_per_year == pytest.approx(repeat + 1 / 3)
    assert inp.customer_years == pytest.approx(395 / 365.25)
    assert inp.extrapolated_days is None  # a full year of data: not an extrapolation
    assert (inp.years, inp.years_source) == (3.0, "default")
    # AOV × purchases per year × years = AOV × (1 + repeat rate × years): expected orders
    assert inp.clv().clv == pytest.approx(60 * (1 + 3 * repeat))
    assert inp.clv(years=1).clv == pytest.approx(60 * (1 + repeat))
    assert clv_inputs(ev, years=2).years_source == "given"
    # over 3 years of data the observed relationship is used: p spans 2020-01-01..2023-01-02
    # (1,097 days), q a single day (0) -> mean 548.5 days
    long = ev.with_columns(
        pl.Series("ts", [datetime(2020, 1, 1), datetime(2023, 1, 2), datetime(2021, 6, 1)])
    )
    obs = clv_inputs(long)
    assert obs.years_source == "observed"
    assert obs.years == pytest.approx(548.5 / 365.25)
    empty = clv_inputs(ev.clear())
    assert empty.clv() is None and empty.customers == 0


def test_observed_clv_hand_checked() -> None:
    # p: Jan 10 (10), Feb 3 (20); q: Jan 20 (30), Mar 2 (5); r: Feb 8 (100). Ends 2025-03-02.
    ev = pl.DataFrame(
        {
            "user_id": ["p", "p", "q", "q", "r"],
            "step": ["purchase"] * 5,
            "ts": [
                datetime(2025, 1, 10),
                datetime(2025, 2, 3),
                datetime(2025, 1, 20),
                datetime(2025, 3, 2),
                datetime(2025, 2, 8),
            ],
            "revenue": [10.0, 20.0, 30.0, 5.0, 100.0],
            "channel": ["ads", "ads", "seo", "seo", "ads"],
        }
    )
    out = observed_clv(ev)
    jan = out.filter(pl.col("cohort") == "2025-01")
    assert jan["cumulative_revenue"].to_list() == [40.0, 60.0, 65.0]
    assert jan["clv"].to_list() == [20.0, 30.0, 32.5]
    assert jan["complete"].to_list() == [True, True, False]
    feb = out.filter(pl.col("cohort") == "2025-02")
    assert feb["clv"].to_list() == [100.0, 100.0]
    seg = observed_clv(ev, by="channel")
    assert seg.filter(pl.col("channel") == "seo")["clv"].to_list() == [30.0, 30.0, 35.0]
    assert observed_clv(ev.clear()).height == 0


# Spend: search Jan 1000 + Feb 500, social Jan 300, display Jan 200 (no customers).
SPEND = pl.DataFrame(
    {
        "channel": ["search", "search", "social", "display"],
        "period": [date(2025, 1, 1), date(2025, 2, 1), date(2025, 1, 1), date(2025, 1, 1)],
        "spend": [1000.0, 500.0, 300.0, 200.0],
    }
)


def acquisition_events() -> pl.DataFrame:
    """search: 3 new in Jan, 2 in Feb, 1 in Mar (outside the spend periods); social: 2 in Jan;
    organic: 4 in Jan. s1 buys again in Feb (still one new customer)."""
    rows = (
        [(f"s{i}", "search", datetime(2025, 1, 5 + i), 100.0) for i in range(1, 4)]
        + [(f"s{i}", "search", datetime(2025, 2, 5 + i), 100.0) for i in range(4, 6)]
        + [("s6", "search", datetime(2025, 3, 3), 100.0)]
        + [("s1", "search", datetime(2025, 2, 20), 50.0)]
        + [(f"m{i}", "social", datetime(2025, 1, 10 + i), 150.0) for i in range(2)]
        + [(f"o{i}", "organic", datetime(2025, 1, 20 + i), 10.0) for i in range(4)]
    )
    frame = pl.DataFrame(rows, schema=["user_id", "channel", "ts", "revenue"], orient="row")
    return frame.with_columns(step=pl.lit("purchase"))


def test_cac_by_channel_hand_checked() -> None:
    ev = acquisition_events()
    cac = cac_by_channel(SPEND, ev)
    rows = {r["channel"]: r for r in cac.iter_rows(named=True)}
    assert rows["search"]["new_customers"] == 5 and rows["search"]["cac"] == pytest.approx(300.0)
    assert rows["social"]["cac"] == pytest.approx(150.0)
    assert rows["display"]["cac"] is None
    assert rows["display"]["note"] == "value.note.spend_no_new_customers"
    assert rows["organic"]["cac"] is None and rows["organic"]["note"] == "value.note.no_spend"
    assert render(rows["display"]["note"], "fr") == "des dépenses mais aucun nouveau client"
    assert rows["organic"]["new_customers"] == 4 and rows["organic"]["spend"] == 0.0
    # the same from a one-row-per-customer table
    same = cac_by_channel(SPEND, new_customers(ev))
    assert same.equals(cac)
    per = cac_by_channel(SPEND, ev, per_period=True)
    search = per.filter(pl.col("channel") == "search").sort("period")
    assert search["period"].to_list() == [date(2025, 1, 1), date(2025, 2, 1)]
    assert search["cac"].to_list() == pytest.approx([1000 / 3, 250.0])
    with pytest.raises(InputError):
        cac_by_channel(SPEND.with_columns(pl.lit(-1.0).alias("spend")), ev)
    with pytest.raises(InputError):
        cac_by_channel(SPEND.clear(), ev)


def test_clv_cac_payback_roas() -> None:
    cac = cac_by_channel(SPEND, acquisition_events())
    ratio = clv_cac(cac, 900.0, monthly_revenue=50.0)
    rows = {r["channel"]: r for r in ratio.iter_rows(named=True)}
    assert GUIDE_RATIO == 3.0
    assert rows["search"]["clv_cac"] == pytest.approx(3.0) and rows["search"]["meets_guide"]
    assert rows["social"]["clv_cac"] == pytest.approx(6.0)
    assert rows["search"]["payback_months"] == pytest.approx(6.0)  # 300 / 50
    assert rows["display"]["clv_cac"] is None and rows["display"]["note"]
    per_channel = clv_cac(cac, pl.DataFrame({"channel": ["search"], "clv": [600.0]}))
    rows = {r["channel"]: r for r in per_channel.iter_rows(named=True)}
    assert rows["search"]["clv_cac"] == pytest.approx(2.0) and not rows["search"]["meets_guide"]
    assert rows["social"]["note"] == "value.note.no_clv"

    assert payback_months(300.0, 50.0) == pytest.approx(6.0)
    assert payback_months(300.0, 50.0, margin=0.5) == pytest.approx(12.0)
    assert payback_months(None, 50.0) is None and payback_months(300.0, 0.0) is None
    with pytest.raises(InputError):
        payback_months(300.0, 50.0, margin=1.5)

    r = {x["channel"]: x for x in roas(SPEND, acquisition_events()).iter_rows(named=True)}
    # search: 5 × 100 + 50 (s1 again in Feb) in Jan–Feb; s6's March order is outside
    assert r["search"]["revenue"] == pytest.approx(550.0)
    assert r["search"]["roas"] == pytest.approx(550 / 1500)
    assert r["social"]["roas"] == pytest.approx(1.0)
    assert r["display"]["roas"] == pytest.approx(0.0)
    assert r["organic"]["roas"] is None and r["organic"]["note"] == "value.note.no_spend"


def test_definitions() -> None:
    keys = {"aov", "revenue_per_customer", "top_customer_share", "clv", "observed_clv", "cac"}
    keys |= {"clv_cac", "payback", "roas"}
    assert keys <= set(DEFINITIONS)
    assert all(d.stage == "value" for d in DEFINITIONS.values())


# ---------------------------------------------------------------- UCI Online Retail


@pytest.fixture(scope="module")
def retail() -> tuple[pl.DataFrame, pl.DataFrame]:
    if not RETAIL.exists():
        pytest.skip("shared datasets folder not available")
    clean = clean_lines()
    events = purchase_events(clean).drop("country")
    return clean, events


def test_online_retail_value(retail: tuple[pl.DataFrame, pl.DataFrame]) -> None:
    clean, events = retail
    a = aov(events)
    assert a.orders == 18532 == clean["InvoiceNo"].n_unique()
    assert round(a.revenue, 2) == 8911407.90
    assert round(a.aov, 2) == 480.87
    r = revenue_per_customer(events)
    assert r.customers == 4338 and round(r.value) == 2054
    # top 10 %: plain polars over per-customer sums
    per = events.group_by("user_id").agg(pl.col("revenue").sum()).sort("revenue", descending=True)
    k = math.ceil(0.1 * per.height)
    top = top_customer_share(events)
    assert top.top_customers == k == 434
    assert top.share == pytest.approx(per["revenue"].head(k).sum() / per["revenue"].sum())
    # observed CLV of the 2010-12 cohort in month 0 and after 6 months, with plain polars
    first = events.group_by("user_id").agg(pl.col("ts").min().dt.truncate("1mo").alias("c"))
    dec = events.join(first.filter(pl.col("c") == datetime(2010, 12, 1)), on="user_id")
    m0 = dec.filter(pl.col("ts") < datetime(2011, 1, 1))["revenue"].sum() / 885
    m6 = dec.filter(pl.col("ts") < datetime(2011, 7, 1))["revenue"].sum() / 885
    curve = observed_clv(events).filter(pl.col("cohort") == "2010-12").sort("period")
    assert curve["clv"][0] == pytest.approx(m0) and curve["clv"][6] == pytest.approx(m6)
    inp = clv_inputs(events)
    assert inp.years_source == "default"
    # purchases per year from each customer's own history, recomputed with plain polars:
    # Σ repeat invoices ÷ Σ years from the customer's first invoice to the end of the data
    # (at least 30 days), + 1 ÷ 3 years for the first purchase
    invoices = clean.group_by("CustomerID", "InvoiceNo").agg(pl.col("InvoiceDate").min())
    end = invoices["InvoiceDate"].max()
    per_c = invoices.group_by("CustomerID").agg(pl.len().alias("n"), pl.col("InvoiceDate").min())
    days = ((end - per_c["InvoiceDate"]).dt.total_seconds() / 86400).clip(lower_bound=30)
    repeat = (per_c["n"].sum() - per_c.height) / (days.sum() / 365.25)
    assert inp.repeat_per_year == pytest.approx(repeat)
    assert inp.purchases_per_year == pytest.approx(repeat + 1 / 3)
    assert round(inp.purchases_per_year, 2) == 5.68
    assert inp.extrapolated_days is None  # 373 days of data: a whole year, not extrapolated
    assert monthly_revenue_per_customer(events) == pytest.approx(
        8911407.904 / 4338 / (inp.span_days / (365.25 / 12))
    )


# ---------------------------------------------------------------- summary for pages / workbook

DEMO = Path(__file__).resolve().parents[2] / "data" / "demo"


@pytest.fixture(scope="module")
def demo() -> tuple[pl.DataFrame, pl.DataFrame]:
    """Demo events with the buyer's channel and the spend table, read with plain polars."""
    ev = pl.read_csv(
        DEMO / "events.csv.gz",
        try_parse_dates=True,
        schema_overrides={"order_id": pl.String, "revenue": pl.Float64},
    ).rename({"event_time": "ts", "event_name": "step"})
    users = pl.read_csv(DEMO / "users.csv").select("user_id", "channel")
    spend = pl.read_csv(DEMO / "ad_spend.csv", try_parse_dates=True).rename({"month": "period"})
    return ev.join(users, on="user_id"), spend


def test_clv_by_channel_matches_readme(demo: tuple[pl.DataFrame, pl.DataFrame]) -> None:
    from kpi.value import clv_by

    events, _ = demo
    got = {r["channel"]: r for r in clv_by(events, "channel").iter_rows(named=True)}
    # data/README.md table (AOV, purchases / year, CLV)
    for ch, (a, f, c) in {
        "email": (85.02, 1.54, 391.70),
        "social": (66.16, 0.92, 182.62),
        "direct": (83.60, 1.72, 432.16),
    }.items():
        assert (round(got[ch]["aov"], 2), round(got[ch]["purchases_per_year"], 2)) == (a, f)
        assert round(got[ch]["clv"], 2) == c
    # plain polars: per channel revenue / orders
    buys = events.filter(pl.col("step") == "purchase")
    plain = buys.group_by("channel").agg(
        (pl.col("revenue").sum() / pl.col("order_id").n_unique()).alias("aov")
    )
    for ch, a in plain.iter_rows():
        assert got[ch]["aov"] == pytest.approx(a)


def test_value_summary_demo(demo: tuple[pl.DataFrame, pl.DataFrame]) -> None:
    from kpi.value import value_summary

    events, spend = demo
    s = value_summary(events, spend)
    assert round(s.clv.clv, 2) == 309.25 and s.inputs.years_source == "default"
    assert round(s.inputs.extrapolated_days) == 183  # six months: the headline says so
    ch = {r["channel"]: r for r in s.channels.iter_rows(named=True)}
    assert round(ch["email"]["cac"], 2) == 57.73 and round(ch["social"]["cac"], 2) == 289.55
    assert [round(ch[c]["clv_cac"], 1) for c in ("email", "referral", "paid_search", "social")] == [
        6.8,
        2.8,
        1.8,
        0.6,
    ]
    assert ch["email"]["meets_guide"] and not ch["referral"]["meets_guide"]
    assert ch["organic"]["cac"] is None and ch["organic"]["note"] == "value.note.no_spend"
    # totals over paid channels: spend / new customers of those channels
    assert s.total["spend"] == pytest.approx(spend["spend"].sum())
    assert s.total["new_customers"] == 321 + 180 + 369 + 133
    assert s.total["payback_months"] == pytest.approx(s.total["cac"] / s.monthly_revenue)
    # one CLV for all channels (README: social 1.1)
    shop = value_summary(events, spend, clv_basis="shop")
    social = shop.channels.filter(pl.col("channel") == "social")["clv_cac"].item()
    assert round(social, 1) == 1.1
    # overrides: AOV 100, 2 per year, 1 year -> 200
    assert value_summary(events, spend, aov=100, purchases_per_year=2, years=1).clv.clv == 200
    # no spend: the message says which file unlocks CAC
    none = value_summary(events, None)
    assert none.channels is None and none.spend_note == Fact("value.spend_hint")
    assert none.spend_reason == "no_spend"
    assert "ad-spend export" in str(none.spend_note)
    assert "export des dépenses publicitaires" in render(none.spend_note, "fr")
    no_channel = value_summary(events.drop("channel"), spend)
    assert no_channel.channels is None
    assert no_channel.spend_reason == "customers_without_channel"
    assert no_channel.spend_note == Fact("value.cac_na.customers_without_channel")
    with pytest.raises(InputError):
        value_summary(events, spend, clv_basis="segment")


def test_per_channel_payback_and_overrides(demo: tuple[pl.DataFrame, pl.DataFrame]) -> None:
    from kpi.value import value_summary

    events, spend = demo
    buys = events.filter(pl.col("step") == "purchase")
    # plain polars: each channel's revenue / its customers / months covered by all purchases
    months = (buys["ts"].max() - buys["ts"].min()).total_seconds() / 86400 / (365.25 / 12)
    own = dict(
        buys.group_by("channel")
        .agg((pl.col("revenue").sum() / pl.col("user_id").n_unique() / months).alias("m"))
        .iter_rows()
    )
    s = value_summary(events, spend)
    ch = {r["channel"]: r for r in s.channels.iter_rows(named=True)}
    for c in ("email", "social"):
        assert ch[c]["payback_months"] == pytest.approx(ch[c]["cac"] / own[c])
    assert ch["organic"]["payback_months"] is None  # no CAC, no payback
    assert s.channel_clv_note == Fact("value.channel_clv.own", years=3.0)
    assert "own monthly revenue" in str(s.channel_clv_note)
    # the user's AOV (×2 the estimate) and frequency (×0.5) scale every channel's CLV by 1
    # and AOV alone by 2; payback (observed revenue) does not move
    a, f = s.inputs.aov, s.inputs.purchases_per_year
    same = value_summary(events, spend, aov=a * 2, purchases_per_year=f / 2)
    double = value_summary(events, spend, aov=a * 2)
    for c in ("email", "social"):
        base = ch[c]["clv"]
        assert same.channels.filter(pl.col("channel") == c)["clv"].item() == pytest.approx(base)
        row = double.channels.filter(pl.col("channel") == c).row(0, named=True)
        assert row["clv"] == pytest.approx(2 * base)
        assert row["clv_cac"] == pytest.approx(2 * ch[c]["clv_cac"])
        assert row["payback_months"] == pytest.approx(ch[c]["payback_months"])
    note = double.channel_clv_note
    assert note is not None and note.code == "value.channel_clv.scaled"
    assert note["scale"] == pytest.approx(2.0) and note["changes"][0].code == "value.change.aov"
    assert "scaled by your change" in str(note) and "= × 2)" in str(note)
    assert "= × 2)" in render(note, "fr") and "ajustée selon votre modification" in render(
        note, "fr"
    )
    # one CLV for all channels: one monthly revenue for all (the shop's)
    shop = value_summary(events, spend, clv_basis="shop")
    row = shop.channels.filter(pl.col("channel") == "email").row(0, named=True)
    assert row["payback_months"] == pytest.approx(row["cac"] / shop.monthly_revenue)
    assert shop.channel_clv_note is None


# ---------------------------------------------------------------- new customers under a period


def period_dataset():
    """j1 (search) first buys in June and again on Nov 5: a returning customer, not new in
    November. n1 (search, Nov 3), n2 (search, Nov 15) and m1 (social, Nov 20) first buy in
    November. Spend: search Jun 999 + Nov 600, social Nov 300."""
    from kpi.dataset import Dataset

    rows = [
        ("j1", datetime(2025, 6, 10), 40.0),
        ("j1", datetime(2025, 11, 5), 60.0),
        ("n1", datetime(2025, 11, 3), 100.0),
        ("n2", datetime(2025, 11, 15), 80.0),
        ("m1", datetime(2025, 11, 20), 30.0),
    ]
    events = pl.DataFrame(rows, schema=["user_id", "ts", "revenue"], orient="row").with_columns(
        step=pl.lit("purchase")
    )
    users = pl.DataFrame(
        {"user_id": ["j1", "n1", "n2", "m1"], "channel": ["search"] * 3 + ["social"]}
    )
    spend = pl.DataFrame(
        {
            "channel": ["search", "search", "social"],
            "period": [date(2025, 6, 1), date(2025, 11, 1), date(2025, 11, 1)],
            "spend": [999.0, 600.0, 300.0],
        }
    )
    return Dataset(events=events, users=users, spend=spend, segments=("channel",))


def test_returning_buyer_is_not_new_in_the_period() -> None:
    from kpi.filters import Filters
    from kpi.value import new_customers_in_view, value_summary

    full = period_dataset()
    nov = Filters(start=date(2025, 11, 1), end=date(2025, 11, 30))
    view = nov.apply(full)  # November events only: j1's June order is cut off
    events = view.events_with(["channel"])
    first = new_customers_in_view(full, nov)
    assert sorted(first["user_id"]) == ["m1", "n1", "n2"]  # j1 first bought in June
    assert first.filter(pl.col("user_id") == "n1")["first_purchase"].item() == datetime(2025, 11, 3)
    s = value_summary(events, view.spend, first_purchases=first)
    ch = {r["channel"]: r for r in s.channels.iter_rows(named=True)}
    # search: 600 ÷ 2 new (n1, n2) = 300, not 600 ÷ 3 = 200 as when j1 looked new
    assert ch["search"]["new_customers"] == 2 and ch["search"]["cac"] == pytest.approx(300.0)
    assert ch["social"]["new_customers"] == 1 and ch["social"]["cac"] == pytest.approx(300.0)
    # ROAS: November revenue of ALL search customers (j1 60 + n1 100 + n2 80) ÷ 600
    assert ch["search"]["revenue"] == pytest.approx(240.0)
    assert ch["search"]["roas"] == pytest.approx(240 / 600)
    assert s.total["new_customers"] == 3 and s.total["cac"] == pytest.approx(900 / 3)
    # without the full history the cut-off data makes j1 new (the old mistake)
    cut = value_summary(events, view.spend)
    assert cut.channels.filter(pl.col("channel") == "search")["new_customers"].item() == 3
    # a part of the month: Nov 1-10 -> only n1 is new (n2 and m1 come later)
    early = Filters(start=date(2025, 11, 1), end=date(2025, 11, 10))
    assert new_customers_in_view(full, early)["user_id"].to_list() == ["n1"]
    # a channel filter keeps that channel's customers only; no filter = every first purchase
    social = Filters(
        start=date(2025, 11, 1), end=date(2025, 11, 30), segments={"channel": ["social"]}
    )
    assert new_customers_in_view(full, social)["user_id"].to_list() == ["m1"]
    assert new_customers_in_view(full, Filters()).height == 4
    # June: j1 is new then
    june = new_customers(
        full.events_with(["channel"]), start=date(2025, 6, 1), end=date(2025, 6, 30)
    )
    assert june["user_id"].to_list() == ["j1"]
    # no channel column: nothing to count per channel
    assert new_customers_in_view(full.with_tables(users=full.users.drop("channel")), nov) is None


def test_clv_on_a_one_month_view_says_it_is_extrapolated(
    demo: tuple[pl.DataFrame, pl.DataFrame],
) -> None:
    """November 2025 alone: purchases per year from each customer's history in the view,
    recomputed with plain polars, and the extrapolation named in days."""
    from kpi.value import extrapolation_note

    events, _ = demo
    nov = events.filter(pl.col("ts") >= datetime(2025, 11, 1), pl.col("ts") < datetime(2025, 12, 1))
    inp = clv_inputs(nov)
    buys = nov.filter(pl.col("step") == "purchase")
    end = nov["ts"].max()
    per = buys.group_by("user_id").agg(pl.col("order_id").n_unique().alias("n"), pl.col("ts").min())
    days = ((end - per["ts"]).dt.total_seconds() / 86400).clip(lower_bound=30)
    repeat = (per["n"].sum() - per.height) / (days.sum() / 365.25)
    assert inp.repeat_per_year == pytest.approx(repeat)
    assert inp.purchases_per_year == pytest.approx(repeat + 1 / 3)
    # nobody is observed less than 30 days, so a one-day customer is not × 365
    assert inp.repeat_per_year <= (per["n"].sum() - per.height) / per.height * 365.25 / 30
    span = (end - nov["ts"].min()).total_seconds() / 86400
    assert inp.extrapolated_days == pytest.approx(span) and 29 < span < 30
    assert extrapolation_note(inp) == Fact("value.clv.extrapolated_short", days=span)
    assert str(extrapolation_note(inp)) == "extrapolated from 30 days"
    assert render(extrapolation_note(inp), "fr") == "extrapolée à partir de 30 jours"
    assert Fact("value.clv.extrapolated", days=span) in inp.notes
    assert "extrapolated from 30 days" in str(inp.explanation)


def test_purchase_rate_predicts_what_customers_really_did(
    demo: tuple[pl.DataFrame, pl.DataFrame],
) -> None:
    """The estimator checked against behaviour: customers who first bought in June 2025 made
    on average 1 + repeat rate × 150 days of orders in their first 150 days (within 5 %),
    which counting the first purchase in the rate (≈ 2.2) or spreading orders over the whole
    span (≈ 1.0) both miss."""
    events, _ = demo
    inp = clv_inputs(events)
    buys = (
        events.filter(pl.col("step") == "purchase")
        .group_by("user_id", "order_id")
        .agg(pl.col("ts").min())
    )
    first = buys.group_by("user_id").agg(pl.col("ts").min().alias("f"))
    june = buys.join(first.filter(pl.col("f") < datetime(2025, 7, 1)), on="user_id")
    within = june.filter(pl.col("ts") <= pl.col("f") + timedelta(days=150))
    observed = within.height / june["user_id"].n_unique()
    predicted = 1 + inp.repeat_per_year * 150 / 365.25
    assert observed == pytest.approx(1.418, abs=0.001)
    assert predicted == pytest.approx(observed, rel=0.05)
