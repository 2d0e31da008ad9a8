"""kpi.engine.stages: the stage KPIs from sums computed in polars, DuckDB and Spark equal the
upload's ``View(ds, filters).kpis()`` (values, numerators, denominators, notes, reasons) on
the generated shop, messy and partial logs, an orders file, and random logs."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kpi.engine import stages
from kpi.engine.frame import from_native
from kpi.errors import SchemaError
from kpi.filters import Filters
from kpi.view import View
from tests.engine.aggregates_support import (
    FIXTURES,
    assert_same_kpis,
    canonical,
    engine_tables,
    messy_log,
    read_retail,
    retail_events,
    upload,
)
from tests.engine.engine_data import INJECTION, spark_table


def _kpi(kpis: list, code: str):
    return next(k for k in kpis if k.code == code)


CASES = [
    Filters(),
    Filters(segments={"device": ["mobile"]}),
    Filters(segments={"channel": ["email", INJECTION], "variant": ["A"]}),
    Filters(start=date(2025, 9, 1), end=date(2025, 9, 30)),
    Filters(
        start=date(2025, 7, 14), end=date(2025, 8, 2), segments={"device": ["desktop", "tablet"]}
    ),
]


@pytest.mark.parametrize("f", CASES, ids=[str(i) for i in range(len(CASES))])
def test_generated_log_equals_the_upload(shop, f) -> None:
    _, ds, events = shop
    want = View(ds, f).kpis(strict=True)
    assert _kpi(want, "users").value > 0
    for _, table in engine_tables(events):
        assert_same_kpis(stages.stage_kpis(table, filters=f), want)


def test_hand_checked() -> None:
    """Two users, three sessions: u1 lands, views a product, buys (order o1, 30) in s1 and
    comes back for one page in s2; u2 lands and leaves (s3)."""
    t = datetime(2025, 5, 1, 10)
    rows = [
        ("u1", "landing", t, "s1", None, None),
        ("u1", "product_view", t + timedelta(minutes=1), "s1", None, None),
        ("u1", "add_to_cart", t + timedelta(minutes=2), "s1", None, None),
        ("u1", "purchase", t + timedelta(minutes=4), "s1", 30.0, "o1"),
        ("u1", "landing", t + timedelta(days=1), "s2", None, None),
        ("u2", "landing", t + timedelta(hours=1), "s3", None, None),
    ]
    log = pl.DataFrame(
        rows,
        schema={
            "user_id": pl.String,
            "step": pl.String,
            "ts": pl.Datetime("us"),
            "session_id": pl.String,
            "revenue": pl.Float64,
            "order_id": pl.String,
        },
        orient="row",
    )
    for name, table in engine_tables(log):
        k = {x.code: x for x in stages.stage_kpis(table)}
        assert (k["sessions"].value, k["users"].value) == (3, 2), name
        assert k["bounce_rate"].value == pytest.approx(2 / 3)  # s2, s3: one page
        assert k["bounce_rate_landing"].value == pytest.approx(2 / 3)
        assert k["pages_per_session"].value == pytest.approx(6 / 3)
        assert k["avg_time_on_site"].value == pytest.approx(4 * 60 / 3)
        assert k["conversion_rate"].value == pytest.approx(1 / 2)
        assert (k["orders"].value, k["revenue"].value, k["aov"].value) == (1, 30.0, 30.0)
        assert k["cart_abandonment"].value == 0.0
        assert k["time_to_convert_median"].value == 240.0
        assert k["engagement_rate"].value == pytest.approx(1 / 2)
        assert k["product_page_views"].value == 1
        assert not k["organic_share"].available  # no channel


def test_messy_log_equals_the_upload(shop) -> None:
    frame, _, _ = shop
    messy = messy_log(frame)
    ds = upload(messy)
    events = canonical(messy)
    for f in (Filters(), Filters(segments={"device": ["mobile"]})):
        want = View(ds, f).kpis(strict=True)
        for _, table in engine_tables(events):
            assert_same_kpis(stages.stage_kpis(table, filters=f), want)


def test_partial_logs_equal_the_upload(shop) -> None:
    """Without sessions, without times, without revenue or order ids, without a channel."""
    frame, _, _ = shop
    for drop in (
        ["session_id"],
        ["event_time"],
        ["revenue", "order_id"],
        ["channel", "session_id"],
    ):
        part = frame.drop(drop)
        ds = upload(part)
        full = canonical(
            frame.with_columns(
                pl.lit(None).alias(c) for c in drop if c not in ("event_time", "channel")
            )
        )
        events = full.drop([{"event_time": "ts"}.get(c, c) for c in drop])
        want = View(ds, Filters()).kpis(strict=True)
        for name, table in engine_tables(events):
            assert_same_kpis(stages.stage_kpis(table), want), (drop, name)


def test_orders_file_equals_the_upload() -> None:
    """An orders file (Online Retail slice): every user bought, so conversion, engagement and
    revenue per visitor do not apply; orders are distinct invoices."""
    path = FIXTURES / "online_retail_slice.csv"
    ds = upload(read_retail(path), name="online_retail_slice.csv")
    want = View(ds, Filters()).kpis(strict=True)
    events = retail_events(read_retail(path))
    for _, table in engine_tables(events):
        got = stages.stage_kpis(table)
        assert_same_kpis(got, want)
        assert _kpi(got, "conversion_rate").reason is not None
        assert _kpi(got, "orders").value == events["order_id"].n_unique()


def test_schema_errors() -> None:
    table = from_native(pl.DataFrame({"user_id": ["a"], "ts": [datetime(2025, 1, 1)]}).lazy())
    with pytest.raises(SchemaError):
        stages.stage_kpis(table)


# ----------------------------------------------------------------- random logs

_STEPS = ["landing", "product_view", "add_to_cart", "checkout", "purchase", "session_start", "faq"]
_BASE = datetime(2025, 2, 1)


@st.composite
def logs(draw) -> pl.DataFrame:
    n = draw(st.integers(1, 40))
    col = lambda values: draw(st.lists(st.sampled_from(values), min_size=n, max_size=n))  # noqa: E731
    users = col(["a", "b", "c", "d", "e"])
    steps = col(_STEPS)
    minutes = draw(st.lists(st.integers(0, 60 * 24 * 90), min_size=n, max_size=n, unique=True))
    sessions = col(["1", "2", "3", None])
    channels = col(["Organic Search", "email", "paid", None])
    orders = col(["o1", "o2", "o3", None])
    return pl.DataFrame(
        {
            "user_id": users,
            "event_name": steps,
            "event_time": [
                (_BASE + timedelta(minutes=m)).strftime("%Y-%m-%d %H:%M:%S") for m in minutes
            ],
            "session_id": [f"{u}-{s}" if s else None for u, s in zip(users, sessions, strict=True)],
            "channel": channels,
            "revenue": [12.5 if s == "purchase" else None for s in steps],
            "order_id": [
                o if s == "purchase" else None for s, o in zip(steps, orders, strict=True)
            ],
        }
    )


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(log=logs(), split=st.integers(0, 90))
def test_random_logs_equal_the_upload(log, split) -> None:
    ds = upload(log)
    ts = pl.col("event_time").str.to_datetime("%Y-%m-%d %H:%M:%S")
    events = log.select(
        "user_id",
        pl.col("event_name").alias("step"),
        ts.alias("ts"),
        "session_id",
        "channel",
        "revenue",
        "order_id",
    )
    table = from_native(events.lazy(), segments=["channel"])
    day = (_BASE + timedelta(days=split)).date()
    for f in (Filters(), Filters(start=day, end=day + timedelta(days=20))):
        view = View(ds, f)
        if not view.view.events.height:
            continue
        assert_same_kpis(stages.stage_kpis(table, filters=f), view.kpis(strict=True))


# ----------------------------------------------------------------- Spark


def test_spark_equals_the_upload(spark, spark_shop) -> None:
    _, ds, events = spark_shop
    f = Filters(
        start=date(2025, 8, 1),
        end=date(2025, 10, 31),
        segments={"channel": ["email", "paid_search", INJECTION]},
    )
    table = spark_table(events, spark)
    assert_same_kpis(stages.stage_kpis(table, filters=f), View(ds, f).kpis(strict=True))
