"""Stage KPIs against hand-checked numbers, missing inputs, segments and real public data.

The hand-built journey (7 sessions, 5 users, 15 events) is small enough to check every KPI
on paper; the comments give the arithmetic. The REES46 sample is checked against DuckDB SQL
written independently, and the UCI Online Retail AOV against its published figure.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import replace as dataclasses_replace
from pathlib import Path

import polars as pl
import pytest

from kpi import pipeline, stages
from kpi.dataset import Dataset
from kpi.definitions import Definition
from kpi.errors import InputError, SchemaError
from kpi.stages import (
    ADDITIVE,
    DEFINITIONS,
    Kpi,
    compare,
    detect_steps,
    monthly_session_duration,
    stage_kpis,
    stage_kpis_by,
)
from kpi.words import Fact, render

DATASETS = Path(__file__).resolve().parents[2].parent / "shared" / "datasets"
D = dt.datetime
STEPS = ("landing", "product_view", "add_to_cart", "purchase")

# user, session, ts, step, revenue, order_id
ROWS = [
    ("u1", "s1", D(2025, 1, 1, 10, 0, 0), "landing", None, None),
    ("u1", "s1", D(2025, 1, 1, 10, 0, 30), "product_view", None, None),
    ("u1", "s1", D(2025, 1, 1, 10, 1, 0), "add_to_cart", None, None),
    ("u1", "s1", D(2025, 1, 1, 10, 2, 0), "purchase", 50.0, "o1"),
    ("u1", "s2", D(2025, 1, 2, 9, 0, 0), "landing", None, None),
    ("u2", "s3", D(2025, 1, 1, 10, 0, 0), "landing", None, None),
    ("u3", "s4", D(2025, 1, 1, 11, 0, 0), "product_view", None, None),
    ("u3", "s4", D(2025, 1, 1, 11, 5, 0), "add_to_cart", None, None),
    ("u4", "s5", D(2025, 1, 1, 12, 0, 0), "landing", None, None),
    ("u4", "s5", D(2025, 1, 1, 12, 10, 0), "add_to_cart", None, None),
    ("u4", "s5", D(2025, 1, 1, 12, 20, 0), "purchase", 30.0, "o2"),
    ("u4", "s6", D(2025, 1, 3, 8, 0, 0), "purchase", 20.0, "o3"),
    ("u5", "s7", D(2025, 1, 1, 13, 0, 0), "landing", None, None),
    ("u5", "s7", D(2025, 1, 1, 13, 0, 10), "product_view", None, None),
    ("u5", "s7", D(2025, 1, 1, 13, 1, 40), "purchase", 10.0, "o4"),
]
SCHEMA = {
    "user_id": pl.String,
    "session_id": pl.String,
    "ts": pl.Datetime("us"),
    "step": pl.String,
    "revenue": pl.Float64,
    "order_id": pl.String,
}


def events() -> pl.DataFrame:
    return pl.DataFrame(ROWS, schema=SCHEMA, orient="row")


def users() -> pl.DataFrame:
    # u5 has no row: it must still count, under "(none)".
    return pl.DataFrame(
        {
            "user_id": ["u1", "u2", "u3", "u4"],
            "device": ["mobile", "desktop", "mobile", "desktop"],
            "channel": ["Organic Search", "paid", "Organic Search", "email"],
        }
    )


def spend() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "channel": ["paid", "email", "display"],
            "period": [dt.date(2025, 1, 1)] * 3,
            "spend": [100.0, 50.0, 10.0],
            "impressions": [1000.0, 4000.0, 5000.0],
            "clicks": [30.0, 20.0, 10.0],
        }
    )


def dataset(**changes: object) -> Dataset:
    base = Dataset(events=events(), users=users(), spend=spend(), steps=STEPS)
    return base.with_tables(**changes) if changes else base


def by_code(kpis: list[Kpi]) -> dict[str, Kpi]:
    return {k.code: k for k in kpis}


def value(kpis: list[Kpi], code: str) -> float | None:
    return by_code(kpis)[code].value


# ---- every KPI on the hand-built journey ---------------------------------------------------

EXPECTED = {
    "sessions": 7,  # s1..s7
    "users": 5,
    "new_users": 5,  # no history given: everybody is new
    "bounce_rate": 3 / 7,  # one-event sessions: s2, s3, s6
    "bounce_rate_landing": 2 / 5,  # sessions starting on landing: s1 s2 s3 s5 s7; bounced s2 s3
    "pages_per_session": 15 / 7,
    "avg_time_on_site": (120 + 0 + 0 + 300 + 1200 + 0 + 100) / 7,
    "impressions": 10_000,
    "clicks": 60,
    "ctr": 60 / 10_000,
    "organic_share": 3 / 7,  # sessions of organic users: s1 s2 (u1) s4 (u3)
    "product_page_views": 3,  # u1, u3, u5
    "engagement_rate": 4 / 5,  # u2 only has one landing event
    "conversion_rate": 3 / 5,  # u1 u4 u5 purchased
    "purchasers": 3,
    "orders": 4,  # o1..o4
    "revenue": 110.0,
    "aov": 110 / 4,
    "cart_abandonment": 1 / 3,  # cart users u1 u3 u4; u3 did not buy
    "revenue_per_visitor": 110 / 5,
    "time_to_convert_median": 120.0,  # u1 120 s, u4 1200 s, u5 100 s
    "time_to_convert_mean": (120 + 1200 + 100) / 3,
}


def test_every_kpi_on_the_hand_built_journey() -> None:
    kpis = by_code(stage_kpis(dataset()))
    for code, expected in EXPECTED.items():
        assert kpis[code].available, code
        assert kpis[code].value == pytest.approx(expected), code
    assert kpis["reach"].available is False
    assert kpis["reach"].missing == Fact("stages.needs.reach")
    assert "reach column" in render(kpis["reach"].missing, "en")
    assert "colonne de portée" in render(kpis["reach"].missing, "fr")
    assert kpis["lead_conversion"].available is False
    # numerators and denominators say where a rate comes from
    assert (kpis["bounce_rate"].numerator, kpis["bounce_rate"].denominator) == (3, 7)
    assert (kpis["cart_abandonment"].numerator, kpis["cart_abandonment"].denominator) == (1, 3)
    assert (kpis["aov"].numerator, kpis["aov"].denominator) == (110, 4)


def test_stages_and_journey_order() -> None:
    kpis = stage_kpis(dataset())
    stages = [k.stage for k in kpis]
    assert stages == sorted(stages, key=["awareness", "consideration", "decision"].index)
    for k in kpis:
        d = DEFINITIONS[k.code]
        assert (k.label, k.stage, k.unit) == (d.label, d.stage, d.unit)


def test_definitions_cover_every_kpi_with_a_formula() -> None:
    codes = {k.code for k in stage_kpis(dataset())}
    # the CRM pipeline KPIs are shown only for a contacts table (tests/unit/test_pipeline.py)
    assert codes == set(DEFINITIONS) - set(pipeline.DEFINITIONS)
    assert all(isinstance(d, Definition) and d.formula and d.stage for d in DEFINITIONS.values())
    assert "single-page sessions / sessions" in DEFINITIONS["bounce_rate"].formula.lower()
    assert DEFINITIONS["aov"].formula == "Revenue ÷ orders."
    assert DEFINITIONS["aov"].label("fr") == "Panier moyen"
    # u5 purchased without a cart: 1 − purchasers / carts would give 1 − 3/3 = 0, not 1/3
    assert DEFINITIONS["cart_abandonment"].formula.startswith(
        "Users who added to cart and did not purchase / users who added to cart"
    )
    assert "1 − purchases / carts" not in DEFINITIONS["cart_abandonment"].formula


def test_new_users_from_first_seen_history() -> None:
    history = pl.DataFrame(
        {
            "user_id": ["u1", "u2", "u4", "u5"],  # u3 absent: first seen in this data, new
            "first_seen": [D(2024, 12, 1), D(2025, 1, 1, 10), D(2024, 11, 5), D(2025, 1, 1, 13)],
        }
    )
    kpi = by_code(stage_kpis(dataset(), first_seen=history))["new_users"]
    assert kpi.value == 3  # u2, u3, u5
    assert kpi.denominator == 5
    # the signup column of the users table is used when no history is passed
    signup = users().with_columns(
        pl.Series("signup", [D(2024, 12, 1), D(2025, 1, 1), D(2025, 1, 1), D(2024, 1, 1)])
    )
    assert value(stage_kpis(dataset(users=signup)), "new_users") == 3  # u2, u3, u5 (no row)
    # without either, the KPI says every user counts as new
    new = by_code(stage_kpis(dataset()))["new_users"]
    assert new.notes == (Fact("stages.note.no_first_seen"),)
    assert "counts as new" in new.formula("en") and "compte donc comme nouveau" in new.formula("fr")


# ---- missing inputs --------------------------------------------------------------------


def test_no_sessions_makes_session_kpis_unavailable_with_the_reason() -> None:
    kpis = by_code(stage_kpis(dataset(events=events().drop("session_id"))))
    for code in ("sessions", "bounce_rate", "bounce_rate_landing", "pages_per_session"):
        assert kpis[code].available is False and kpis[code].value is None
        assert kpis[code].missing == Fact("stages.needs.sessions")
    assert "needs a session_id column in the events" in str(kpis["sessions"].missing)
    assert kpis["avg_time_on_site"].available is False
    # organic share falls back to users: u1, u3 of 5
    assert kpis["organic_share"].value == pytest.approx(2 / 5)
    assert kpis["conversion_rate"].value == pytest.approx(3 / 5)


def test_no_revenue() -> None:
    kpis = by_code(stage_kpis(dataset(events=events().drop("revenue"))))
    for code in ("revenue", "aov", "revenue_per_visitor"):
        assert kpis[code].available is False
        assert kpis[code].missing == Fact("stages.needs.revenue")
    assert kpis["orders"].value == 4
    assert kpis["conversion_rate"].value == pytest.approx(0.6)


def test_no_spend_and_spend_without_clicks() -> None:
    kpis = by_code(stage_kpis(dataset(spend=None)))
    for code in ("impressions", "clicks", "ctr"):
        assert kpis[code].available is False
        assert kpis[code].missing == Fact("stages.needs.spend")
    kpis = by_code(stage_kpis(dataset(spend=spend().drop("clicks"))))
    assert kpis["impressions"].value == 10_000
    assert kpis["ctr"].available is False and kpis["ctr"].missing == Fact("stages.needs.clicks")
    kpis = by_code(stage_kpis(dataset(spend=spend().with_columns(reach=pl.lit(100.0)))))
    assert kpis["reach"].value == 300


def test_no_timestamps() -> None:
    kpis = by_code(stage_kpis(dataset(events=events().drop("ts"))))
    for code in ("avg_time_on_site", "bounce_rate_landing", "time_to_convert_median"):
        assert kpis[code].available is False
        assert kpis[code].missing == Fact("stages.needs.ts")
    assert kpis["bounce_rate"].value == pytest.approx(3 / 7)  # bounce needs no order


def test_no_purchase_no_channel_no_steps() -> None:
    plain = events().drop("revenue", "order_id").filter(pl.col("step") != "purchase")
    ds = Dataset(events=plain, users=users().drop("channel"), steps=STEPS[:3])
    kpis = by_code(stage_kpis(ds))
    for code in ("conversion_rate", "aov", "cart_abandonment", "time_to_convert_mean"):
        assert kpis[code].available is False
        assert kpis[code].missing == Fact("stages.needs.purchase")
    assert kpis["organic_share"].missing == Fact("stages.needs.channel")
    ds = Dataset(events=events().with_columns(step=pl.lit("x")), users=users())
    kpis = by_code(stage_kpis(ds))
    assert kpis["bounce_rate_landing"].missing == Fact("stages.needs.landing")
    assert kpis["product_page_views"].missing == Fact("stages.needs.product")
    # purchases fall back to events carrying an order id
    assert kpis["orders"].value == 4 and kpis["conversion_rate"].value == pytest.approx(0.6)
    assert kpis["cart_abandonment"].missing == Fact("stages.needs.cart")


def test_zero_denominators_are_explained_not_raised() -> None:
    ev = events().filter(pl.col("user_id") == "u2")  # one visitor, no purchase, no cart
    kpis = by_code(stage_kpis(dataset(events=ev)))
    assert kpis["conversion_rate"].value == 0.0
    assert kpis["revenue"].value == 0.0 and kpis["revenue_per_visitor"].value == 0.0
    assert kpis["aov"].available is False and kpis["aov"].missing == Fact("stages.empty.orders")
    assert render(kpis["aov"].missing, "fr") == "aucune commande dans cette sélection"
    assert kpis["cart_abandonment"].available is False
    empty = by_code(stage_kpis(dataset().empty_like()))
    assert empty["users"].value == 0
    assert empty["conversion_rate"].available is False


def test_explicit_steps_and_unknown_step() -> None:
    kpis = by_code(stage_kpis(dataset(), cart_step="product_view", purchase_step="add_to_cart"))
    # "carted" (viewed) u1 u3 u5, "bought" (carted) u1 u3 u4: u5 abandoned
    assert kpis["cart_abandonment"].value == pytest.approx(1 / 3)
    assert kpis["conversion_rate"].value == pytest.approx(3 / 5)
    with pytest.raises(InputError, match="'basket' is not a step") as info:
        stage_kpis(dataset(), cart_step="basket")
    assert info.value.message.code == "stages.error.unknown_step"
    assert info.value.message["step"] == "basket" and info.value.hint["steps"] == list(STEPS)
    assert info.value.text("fr") == (
        "L'étape panier «\u00a0basket\u00a0» n'est pas une étape de ces données. "
        "Choisissez parmi\u00a0: landing, product_view, add_to_cart et purchase."
    )
    with pytest.raises(SchemaError, match="no step column") as info:
        stage_kpis(dataset(events=events().drop("step")))
    assert info.value.message == Fact("stages.error.no_column", column="step")
    with pytest.raises(InputError, match="Unknown step option"):
        stage_kpis_by(dataset(), "channel", basket_step="x")


def test_detect_steps_synonyms() -> None:
    kaggle = detect_steps(["home_page", "search_page", "payment_page", "payment_confirmation_page"])
    assert kaggle == {
        "landing": "home_page",
        "product": "search_page",
        "cart": None,
        "checkout": "payment_page",
        "purchase": "payment_confirmation_page",
        "lead": None,
        "customer": None,
    }
    ga4 = detect_steps(["session_start", "view_item", "add_to_cart", "begin_checkout", "purchase"])
    assert list(ga4.values())[:5] == [
        "session_start",
        "view_item",
        "add_to_cart",
        "begin_checkout",
        "purchase",
    ]
    hubspot = detect_steps(["Became a Lead Date", "Became a Customer Date"])
    assert hubspot["lead"] == "Became a Lead Date"
    assert hubspot["customer"] == "Became a Customer Date"
    assert detect_steps(["view", "cart", "purchase"])["product"] == "view"  # REES46


def test_lead_conversion_from_steps_and_from_lifecycle_column() -> None:
    ev = pl.DataFrame(
        {
            "user_id": ["a", "a", "b", "c", "c", "d"],
            "step": ["lead", "customer", "lead", "lead", "customer", "customer"],
        }
    )
    kpi = by_code(stage_kpis(Dataset(events=ev, users=ev.select("user_id").unique())))
    lead = kpi["lead_conversion"]
    assert (lead.value, lead.numerator, lead.denominator) == (pytest.approx(2 / 3), 2, 3)
    crm = pl.DataFrame(
        {
            "user_id": list("abcdefg"),
            "Lifecycle Stage": [
                "Subscriber",
                "Lead",
                "Marketing Qualified Lead",
                "Opportunity",
                "Customer",
                "Evangelist",
                "Other",
            ],
        }
    )
    ds = Dataset(events=crm.select("user_id", step=pl.lit("visit")), users=crm)
    lead = by_code(stage_kpis(ds))["lead_conversion"]
    # leads: Lead, MQL, Opportunity, Customer, Evangelist (5); customers: Customer, Evangelist
    assert (lead.value, lead.numerator, lead.denominator) == (pytest.approx(2 / 5), 2, 5)


# ---- segments --------------------------------------------------------------------------


@pytest.mark.parametrize(("by", "n"), [("device", 8), ("channel", 8), ("channel", 1)])
def test_segments_reconcile_with_totals(by: str, n: int) -> None:
    ds = dataset()
    overall = by_code(stage_kpis(ds))
    table = stage_kpis_by(ds, by, n)
    assert table.columns[0] == by
    assert set(table.columns[1:]) == {k.code for k in overall.values() if k.available}
    for code in (c for c in ADDITIVE if c in overall and overall[c].available):
        assert table[code].fill_null(0).sum() == pytest.approx(overall[code].value), code
    # each segment's rate is its own numerator over its own denominator
    users_ = table["users"]
    buyers = (table["conversion_rate"] * users_).sum()
    assert buyers == pytest.approx(overall["purchasers"].value)
    if by == "channel":  # spend is split by the same channel labels, so it reconciles too
        assert table["impressions"].fill_null(0).sum() == 10_000
        assert table["clicks"].fill_null(0).sum() == 60


def test_segment_values_top_n_other_and_none() -> None:
    table = stage_kpis_by(dataset(), "device").sort("device")
    assert table["device"].to_list() == ["(none)", "desktop", "mobile"]
    assert table["users"].to_list() == [1, 2, 2]
    assert table["revenue"].to_list() == [10, 50, 50]
    assert table["conversion_rate"].to_list() == pytest.approx([1.0, 0.5, 0.5])
    assert table["impressions"].null_count() == 3  # spend cannot be split by device
    table = stage_kpis_by(dataset(), "channel", n=1)
    assert table["channel"].to_list() == ["Organic Search", "Other"]
    row = table.filter(pl.col("channel") == "Other").row(0, named=True)
    assert row["users"] == 3 and row["impressions"] == 10_000 and row["revenue"] == 60
    with pytest.raises(SchemaError, match="no 'country' segment") as info:
        stage_kpis_by(dataset(), "country")
    assert info.value.message == Fact("stages.error.no_segment", segment="country")


# ---- comparison and monthly durations --------------------------------------------------


def test_compare_current_with_previous() -> None:
    current = stage_kpis(dataset())
    previous = stage_kpis(dataset(events=events().filter(pl.col("user_id") != "u5")))
    table = compare(current, previous)
    assert table.columns == ["code", "label", "value", "previous", "abs_change", "rel_change"]
    row = table.filter(pl.col("code") == "users").row(0, named=True)
    assert (row["value"], row["previous"], row["abs_change"]) == (5, 4, 1)
    assert row["rel_change"] == pytest.approx(0.25)
    row = table.filter(pl.col("code") == "revenue").row(0, named=True)
    assert (row["previous"], row["rel_change"]) == (100, pytest.approx(0.1))
    row = table.filter(pl.col("code") == "reach").row(0, named=True)
    assert row["value"] is None and row["abs_change"] is None
    zero = [Kpi("users", stage="awareness", value=3.0, unit="count", available=True)]
    was_zero = [Kpi("users", "Users", "awareness", 0.0, "count", "", True)]  # legacy form
    row = compare(zero, was_zero).row(0, named=True)
    assert row["abs_change"] == 3 and row["rel_change"] is None
    assert compare(zero, was_zero, "fr")["label"].to_list() == ["Utilisateurs"]


def test_monthly_session_duration() -> None:
    extra = pl.DataFrame(
        [
            ("u1", "m1", D(2025, 2, 1, 10), "landing", None, None),
            ("u1", "m1", D(2025, 2, 1, 10, 1), "landing", None, None),
            ("u2", "m2", D(2025, 2, 3, 10), "landing", None, None),
            ("u2", "m2", D(2025, 2, 3, 10, 3), "landing", None, None),
            # a session spanning midnight at month end counts in its start month
            ("u3", "m3", D(2025, 2, 28, 23, 59), "landing", None, None),
            ("u3", "m3", D(2025, 3, 1, 0, 1), "landing", None, None),
        ],
        schema=SCHEMA,
        orient="row",
    )
    table = monthly_session_duration(pl.concat([events(), extra]))
    assert table["month"].to_list() == [dt.date(2025, 1, 1), dt.date(2025, 2, 1)]
    assert table["sessions"].to_list() == [7, 3]
    assert table["avg_session_seconds"].to_list() == pytest.approx([1720 / 7, (60 + 180 + 120) / 3])
    with pytest.raises(SchemaError, match="session_id"):
        monthly_session_duration(events().drop("session_id"))


# ---- real public data ------------------------------------------------------------------


def _rees46() -> Path:
    path = DATASETS / "rees46_events_sample.csv"
    if not path.exists():
        pytest.skip("shared data sets not available")
    return path


def test_rees46_sample_against_duckdb() -> None:
    duckdb = pytest.importorskip("duckdb")
    path = _rees46()
    raw = pl.read_csv(path, schema_overrides={"user_id": pl.String, "product_id": pl.String})
    ev = raw.select(
        pl.col("user_id"),
        pl.col("user_session").alias("session_id"),
        pl.col("event_time").str.strptime(pl.Datetime("us"), "%Y-%m-%d %H:%M:%S UTC").alias("ts"),
        pl.col("event_type").alias("step"),
        pl.when(pl.col("event_type") == "purchase").then(pl.col("price")).alias("revenue"),
    )
    ds = Dataset(events=ev, users=ev.select("user_id").unique(), steps=("view", "cart", "purchase"))
    kpis = by_code(stage_kpis(ds))
    # published figures (notes, section 5.4): 330 users, 372 sessions, 987 views, 10 purchases
    assert kpis["users"].value == 330
    assert kpis["sessions"].value == 372
    assert kpis["product_page_views"].value == 987

    con = duckdb.connect()
    con.execute(
        f"""CREATE TABLE e AS SELECT CAST(user_id AS VARCHAR) u, user_session s,
            event_time t, event_type k, price
            FROM read_csv_auto('{path}')"""
    )
    sess = con.execute(
        """SELECT count(*), avg(CASE WHEN n = 1 THEN 1.0 ELSE 0 END), sum(n) / count(*),
                  avg(epoch(t1) - epoch(t0))
           FROM (SELECT u, s, count(*) n, min(t) t0, max(t) t1 FROM e GROUP BY u, s)"""
    ).fetchone()
    assert kpis["sessions"].value == sess[0]
    assert kpis["bounce_rate"].value == pytest.approx(sess[1])
    assert kpis["pages_per_session"].value == pytest.approx(sess[2])
    assert kpis["avg_time_on_site"].value == pytest.approx(sess[3])
    buyers, revenue, orders = con.execute(
        "SELECT count(DISTINCT u), sum(price), count(*) FROM e WHERE k = 'purchase'"
    ).fetchone()
    assert kpis["conversion_rate"].value == pytest.approx(buyers / 330)
    assert kpis["aov"].value == pytest.approx(revenue / orders)
    carts, abandoned = con.execute(
        """SELECT count(*), count(*) FILTER (WHERE u NOT IN (SELECT u FROM e WHERE k = 'purchase'))
           FROM (SELECT DISTINCT u FROM e WHERE k = 'cart')"""
    ).fetchone()
    assert kpis["cart_abandonment"].value == pytest.approx(abandoned / carts)
    ttc = con.execute(
        """SELECT median(d), avg(d) FROM (
             SELECT epoch(min(t) FILTER (WHERE k = 'purchase')) - epoch(min(t)) d
             FROM e GROUP BY u HAVING count(*) FILTER (WHERE k = 'purchase') > 0)"""
    ).fetchone()
    assert kpis["time_to_convert_median"].value == pytest.approx(ttc[0])
    assert kpis["time_to_convert_mean"].value == pytest.approx(ttc[1])
    # engagement: no landing step, so a single product view is the visit itself; engaged =
    # at least 2 events or a cart/purchase (195 of 330; was 100 % by construction)
    engaged = con.execute(
        """SELECT count(*) FROM (SELECT u FROM e GROUP BY u
           HAVING count(*) >= 2 OR count(*) FILTER (WHERE k IN ('cart', 'purchase')) > 0)"""
    ).fetchone()[0]
    assert engaged == 195
    assert kpis["engagement_rate"].value == pytest.approx(engaged / 330)


def test_online_retail_aov_matches_published_figure() -> None:
    path = DATASETS / "online_retail.csv"
    if not path.exists():
        pytest.skip("shared data sets not available")
    raw = pl.read_csv(
        path,
        columns=["InvoiceNo", "Quantity", "UnitPrice", "CustomerID"],
        schema_overrides={"InvoiceNo": pl.String, "CustomerID": pl.Float64},
    )
    clean = raw.filter(
        ~pl.col("InvoiceNo").str.starts_with("C")
        & pl.col("CustomerID").is_not_null()
        & (pl.col("Quantity") > 0)
        & (pl.col("UnitPrice") > 0)
    )
    ev = clean.select(
        pl.col("CustomerID").cast(pl.Int64).cast(pl.String).alias("user_id"),
        pl.lit("purchase").alias("step"),
        (pl.col("Quantity") * pl.col("UnitPrice")).alias("revenue"),
        pl.col("InvoiceNo").alias("order_id"),
    )
    kpis = by_code(stage_kpis(Dataset(events=ev, users=ev.select("user_id").unique())))
    # published (notes, section 5.2): 4,338 customers, 18,532 invoices, £8,911,407.90, AOV £480.87
    assert kpis["purchasers"].value == 4338
    assert kpis["orders"].value == 18_532
    assert kpis["revenue"].value == pytest.approx(8_911_407.90, abs=0.01)
    assert round(kpis["aov"].value or math.nan, 2) == 480.87
    # an orders file: every customer bought, so conversion does not apply (not 100 %)
    conv = kpis["conversion_rate"]
    assert conv.value is None and conv.reason == "orders_only" and not conv.available
    assert (conv.numerator, conv.denominator) == (4338, 4338)


def test_segment_from_an_event_column_uses_first_touch() -> None:
    # u1 starts on mobile then comes back on desktop: all of u1 counts under mobile
    ev = events().with_columns(
        pl.when(pl.col("session_id") == "s2")
        .then(pl.lit("desktop"))
        .otherwise(pl.lit("mobile"))
        .alias("platform")
    )
    table = stage_kpis_by(dataset(events=ev), "platform").sort("platform")
    assert table["platform"].to_list() == ["mobile"]
    assert table["sessions"].to_list() == [7]
    ev = ev.with_columns(
        pl.when(pl.col("user_id") == "u2")
        .then(pl.lit("desktop"))
        .otherwise("platform")
        .alias("platform")
    )
    table = stage_kpis_by(dataset(events=ev), "platform").sort("platform")
    assert table["platform"].to_list() == ["desktop", "mobile"]
    assert table["users"].to_list() == [1, 4]
    assert table["sessions"].to_list() == [1, 6]


def test_aov_agrees_with_kpi_value() -> None:
    """AOV is defined in kpi.value too (the "value" page): both must give the same number."""
    value_module = pytest.importorskip("kpi.value")
    result = value_module.aov(events(), purchase_step="purchase")
    kpis = by_code(stage_kpis(dataset()))
    assert (result.revenue, result.orders) == (110.0, 4)
    assert kpis["aov"].value == pytest.approx(result.aov)


def test_purchase_step_is_found_by_its_synonyms():
    def ds_with(*steps: str) -> Dataset:
        events = pl.DataFrame({"user_id": ["u"] * len(steps), "step": list(steps)})
        return Dataset(events=events, users=pl.DataFrame({"user_id": ["u"]}))

    assert stages.purchase_step(ds_with("view", "transaction")) == "transaction"
    assert stages.purchase_step(ds_with("home_page", "payment_confirmation_page")) == (
        "payment_confirmation_page"
    )
    assert stages.purchase_step(ds_with("view", "cart")) == "purchase"  # none: the usual name


def test_organic_share_reads_french_channel_names() -> None:
    ev = pl.DataFrame({"user_id": list("abcde"), "step": ["visit"] * 5})
    users = pl.DataFrame(
        {
            "user_id": list("abcde"),
            "channel": [
                "Recherche organique",
                "Référencement naturel",
                "SEO",
                "Publicité",
                "Emailing",
            ],
        }
    )
    share = by_code(stage_kpis(Dataset(events=ev, users=users)))["organic_share"]
    assert (share.value, share.numerator, share.denominator) == (pytest.approx(3 / 5), 3, 5)


def test_ga4_session_start_is_not_a_page() -> None:
    """GA4 writes session_start beside the first page_view of every session: counting it as a
    page made every GA4 session 'two pages' (bounce 0 %, engagement 100 % on the GA4 fixture)."""
    t = D(2025, 1, 1, 10)
    rows = [  # user, session, seconds, step
        ("u1", "1", 0, "session_start"), ("u1", "1", 0, "page_view"),  # bounced
        ("u2", "1", 0, "first_visit"), ("u2", "1", 0, "session_start"),
        ("u2", "1", 0, "page_view"), ("u2", "1", 9, "user_engagement"),  # bounced
        ("u3", "1", 0, "session_start"), ("u3", "1", 0, "page_view"),
        ("u3", "1", 30, "view_item"),  # two pages
        ("u3", "2", 0, "session_start"),  # nothing but the marker: bounced
        ("u4", "1", 0, "session_start"), ("u4", "1", 0, "page_view"),
        ("u4", "1", 40, "page_view"),  # two pages
    ]  # fmt: skip
    ev = pl.DataFrame(
        {
            "user_id": [r[0] for r in rows],
            "session_id": [r[1] for r in rows],
            "ts": [t + dt.timedelta(seconds=r[2]) for r in rows],
            "step": [r[3] for r in rows],
        }
    )
    ds = Dataset(events=ev, users=ev.select("user_id").unique())
    kpis = by_code(stage_kpis(ds))
    # plain polars: a page is any event but the four GA4 markers
    pages = ev.filter(~pl.col("step").is_in(stages.GA4_MARKERS))
    per_session = (
        ev.select("user_id", "session_id")
        .unique()
        .join(
            pages.group_by("user_id", "session_id").len(), on=["user_id", "session_id"], how="left"
        )
    )
    assert per_session.height == 5
    bounced = per_session.filter(pl.col("len").fill_null(0) <= 1).height
    assert bounced == 3
    assert kpis["bounce_rate"].value == pytest.approx(3 / 5)
    assert kpis["pages_per_session"].value == pytest.approx(pages.height / 5)  # 6 / 5
    # engaged: u3 (view_item), u4 (two page views); u1, u2 saw one page
    assert kpis["engagement_rate"].value == pytest.approx(2 / 4)
    assert kpis["avg_time_on_site"].value == pytest.approx((0 + 9 + 30 + 0 + 40) / 5)


def test_organic_share_does_not_apply_to_an_orders_file() -> None:
    ev = pl.DataFrame(
        {
            "user_id": ["a", "a", "b"],
            "ts": [D(2025, 3, 1), D(2025, 3, 5), D(2025, 3, 2)],
            "step": ["purchase"] * 3,
            "revenue": [10.0, 20.0, 30.0],
            "order_id": ["#1", "#2", "#3"],
            "channel": ["web", "web", "shopify_draft_order"],
        }
    )
    ds = Dataset(events=ev, users=ev.select("user_id").unique())
    share = by_code(stage_kpis(ds))["organic_share"]
    assert share.value is None and share.reason == "orders_only_traffic"
    assert share.missing == Fact("reason.orders_only_traffic")
    assert "purchases only" in str(share.missing)
    assert "que des achats" in render(share.missing, "fr")


def test_money_kpis_carry_the_datas_currency() -> None:
    from dataclasses import dataclass

    from kpi.words import format as wf

    @dataclass(frozen=True)
    class WithCurrency(Dataset):
        currency: str | None = None

    base = dataset()
    eur = WithCurrency(events=base.events, users=base.users, spend=base.spend, steps=base.steps)
    eur = dataclasses_replace(eur, currency="EUR")
    kpis = by_code(stage_kpis(eur))
    for code in ("revenue", "aov", "revenue_per_visitor"):
        assert kpis[code].currency == "EUR", code
    assert kpis["conversion_rate"].currency is None  # a rate is not money
    assert wf.money(kpis["aov"].value, "fr", kpis["aov"].currency) == "27,50\u00a0€"  # 110 / 4
    assert wf.money(kpis["aov"].value, "en", kpis["aov"].currency) == "€27.50"
    # without a currency in the data, no symbol is invented
    plain = by_code(stage_kpis(base))["aov"]
    assert plain.currency is None and wf.money(plain.value, "fr", plain.currency) == "27,50"
    # the per-segment table keeps the numbers (segments of a currency-tagged Dataset)
    table = stage_kpis_by(eur, "channel")
    assert table["revenue"].sum() == pytest.approx(110.0)
