"""kpi.engine.ab: visitors, conversions and revenue sums per variant (× segment) computed in
polars, DuckDB and Spark equal the upload's (:func:`kpi.abtest.ab_counts` on the view), a
hand-checked table, the published counts of the A/B data sets, and scipy's Welch test."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import polars as pl
import pytest
from scipy import stats

from kpi import abtest
from kpi.abtest.welch import welch_from_sums
from kpi.engine import ab
from kpi.engine.frame import from_native
from kpi.errors import InputError, SchemaError
from kpi.filters import Filters
from kpi.view import View
from tests.engine.aggregates_support import (
    FIXTURES,
    SHARED,
    assert_close_frames,
    engine_tables,
)
from tests.engine.engine_data import INJECTION, spark_table


def _tiny() -> pl.DataFrame:
    t = datetime(2025, 3, 1, 9)
    rows = [
        ("u1", "visit", t, "A", "mobile", None),
        ("u1", "purchase", t + timedelta(minutes=5), "A", "mobile", 20.0),
        ("u1", "purchase", t + timedelta(days=2), "A", "mobile", 10.0),
        ("u2", "visit", t, "A", "desktop", None),
        ("u3", "visit", t, "B", "mobile", None),
        ("u3", "purchase", t + timedelta(hours=1), "B", "mobile", 50.0),
        ("u4", "visit", t, "B", INJECTION, None),
        ("u5", "visit", t, None, "mobile", None),  # no variant: dropped and counted
    ]
    return pl.DataFrame(
        rows,
        schema={
            "user_id": pl.String,
            "step": pl.String,
            "ts": pl.Datetime("us"),
            "variant": pl.String,
            "device": pl.String,
            "revenue": pl.Float64,
        },
        orient="row",
    )


def test_hand_checked_counts() -> None:
    """A: u1 bought twice (30), u2 not; B: u3 bought (50), u4 not; u5 has no variant."""
    for name, table in engine_tables(_tiny()):
        got = ab.ab_variant_counts(table, step="purchase")
        assert got.table.rows() == [("A", 2, 1, 30.0, 900.0), ("B", 2, 1, 50.0, 2500.0)], name
        assert (got.rows_read, got.rows_kept, dict(got.dropped)) == (
            5,
            4,
            {"ab.rows.no_variant": 1},
        )
        seg = ab.ab_counts(table, step="purchase", segment="device")
        assert seg.columns == [
            "device",
            "variant",
            "visitors",
            "conversions",
            "revenue_sum",
            "revenue_sumsq",
        ]
        assert seg.select("device", "variant", "visitors", "conversions").rows() == [
            ("desktop", "A", 1, 0),
            ("mobile", "A", 1, 1),
            ("mobile", "B", 1, 1),
            (INJECTION, "B", 1, 0),
        ], name
        only = ab.ab_counts(
            table, step="purchase", filters=Filters(segments={"device": [INJECTION]})
        )
        assert only.select("variant", "visitors", "conversions").rows() == [("B", 1, 0)], name
        day = ab.ab_counts(
            table, step="purchase", filters=Filters(start=date(2025, 3, 3), end=date(2025, 3, 3))
        )
        assert day.rows() == [("A", 1, 1, 10.0, 100.0)], name  # only u1's second purchase


CASES = [
    (Filters(), None),
    (Filters(), "device"),
    (
        Filters(segments={"channel": ["email", INJECTION], "device": ["mobile", "desktop"]}),
        "country",
    ),
    (Filters(start=date(2025, 8, 1), end=date(2025, 9, 15)), "channel"),
]


@pytest.mark.parametrize("case", CASES, ids=[str(i) for i in range(len(CASES))])
def test_generated_log_equals_the_upload(shop, case) -> None:
    _, ds, events = shop
    f, seg = case
    v = View(ds, f).view
    want = abtest.ab_counts(
        v.users,
        v.events,
        variant="variant",
        step="purchase",
        steps=["purchase"],
        by=seg,
        revenue=True,
    )
    assert want.table.height >= 2
    for name, table in engine_tables(events):
        got = ab.ab_variant_counts(table, step="purchase", segment=seg, filters=f)
        assert_close_frames(got.table, want.table)
        assert (got.rows_read, got.rows_kept, dict(got.dropped)) == (
            want.rows_read,
            want.rows_kept,
            dict(want.dropped),
        ), name
        # the same local statistics on both
        a = abtest.analyse(got.table, variant="variant", by=seg)
        b = abtest.analyse(want.table, variant="variant", by=seg)
        assert a.comparisons["p_value"].to_list() == pytest.approx(
            b.comparisons["p_value"].to_list(), rel=1e-9
        )
        assert a.srm is not None and b.srm is not None
        assert a.srm.p_value == pytest.approx(b.srm.p_value, rel=1e-9)
        assert {k: w.p_value for k, w in a.revenue.items()} == pytest.approx(
            {k: w.p_value for k, w in b.revenue.items()}, rel=1e-6
        )


def test_errors_are_explained() -> None:
    table = from_native(_tiny().lazy())
    with pytest.raises(SchemaError):
        ab.ab_counts(table, step="purchase", variant="arm")
    with pytest.raises(SchemaError):
        ab.ab_counts(table, step="purchase", segment="country")
    with pytest.raises(InputError):
        ab.ab_variant_counts(table, step="purchase", steps=["visit", "purchase"])
    assert ab.ab_counts(table, step="nothing")["conversions"].to_list() == [0, 0]


# ----------------------------------------------------------------- the A/B data sets


def _page_redesign_events(users: pl.DataFrame) -> pl.DataFrame:
    """One visit per row (the group on it), a 'subscribe' event one second later when
    subscribed: the A/B test as an event log."""
    ts = pl.col("timestamp").str.to_datetime("%Y-%m-%d %H:%M:%S%.f").cast(pl.Datetime("us"))
    base = users.select(
        pl.col("user_id").cast(pl.String),
        ts.alias("ts"),
        pl.col("group").alias("variant"),
        pl.col("subscribed"),
    )
    visits = base.select("user_id", pl.lit("visit").alias("step"), "ts", "variant")
    subs = base.filter(pl.col("subscribed") == 1).select(
        "user_id", pl.lit("subscribe").alias("step"), pl.col("ts") + timedelta(seconds=1), "variant"
    )
    return pl.concat([visits, subs])


def test_page_redesign_counts() -> None:
    """476 rows, 474 users (two control users appear twice): per group the users and the
    subscribers, from a plain polars count of the file."""
    users = pl.read_csv(FIXTURES / "page_redesign_ab.csv")
    per_user = (
        users.sort("timestamp")
        .group_by("user_id")
        .agg(pl.col("group").first(), pl.col("subscribed").max())
    )
    want = per_user.group_by("group").agg(pl.len(), pl.col("subscribed").sum()).sort("group").rows()
    assert want == [("control", 236, 17), ("experimental", 238, 45)]
    events = _page_redesign_events(users)
    for name, table in engine_tables(events):
        got = ab.ab_counts(table, step="subscribe")
        assert got.select("variant", "visitors", "conversions").rows() == want, name
        res = abtest.compare(17, 236, 45, 238)
        a = abtest.analyse(got, variant="variant", control="control")
        assert a.comparisons["p_value"][0] == pytest.approx(res.p_value, rel=1e-12)


@pytest.mark.slow
@pytest.mark.skipif(not (SHARED / "cookie_cats.csv").exists(), reason="shared data sets absent")
def test_cookie_cats_counts_and_welch_in_duckdb() -> None:
    """Cookie Cats (90,189 players): the published day-1 retention counts (gate_30 20,034 of
    44,700; gate_40 20,119 of 45,489), and game rounds as the 'revenue': Welch from the engine's
    sums equals scipy's Welch test on the raw values."""
    users = pl.read_csv(SHARED / "cookie_cats.csv")
    t = datetime(2025, 1, 1)
    events = pl.concat(
        [
            users.select(
                pl.col("userid").cast(pl.String).alias("user_id"),
                pl.lit("install").alias("step"),
                pl.lit(t).alias("ts"),
                pl.col("version").alias("variant"),
                pl.col("sum_gamerounds").cast(pl.Float64).alias("revenue"),
            ),
            users.filter(pl.col("retention_1")).select(
                pl.col("userid").cast(pl.String).alias("user_id"),
                pl.lit("day1").alias("step"),
                pl.lit(t + timedelta(days=1)).alias("ts"),
                pl.col("version").alias("variant"),
                pl.lit(None, pl.Float64).alias("revenue"),
            ),
        ]
    )
    _, table = list(engine_tables(events))[1]
    got = ab.ab_counts(table, step="day1")
    assert got.select("variant", "visitors", "conversions").rows() == [
        ("gate_30", 44700, 20034),
        ("gate_40", 45489, 20119),
    ]
    a, b = got.row(0, named=True), got.row(1, named=True)
    w = welch_from_sums(
        a["visitors"],
        a["revenue_sum"],
        a["revenue_sumsq"],
        b["visitors"],
        b["revenue_sum"],
        b["revenue_sumsq"],
    )
    rounds = {
        v: users.filter(pl.col("version") == v)["sum_gamerounds"].to_numpy()
        for v in ("gate_30", "gate_40")
    }
    ref = stats.ttest_ind(rounds["gate_40"], rounds["gate_30"], equal_var=False)
    assert w.p_value == pytest.approx(ref.pvalue, rel=1e-6)


# ----------------------------------------------------------------- Spark


def test_spark_equals_the_upload(spark, spark_shop) -> None:
    _, ds, events = spark_shop
    f = Filters(
        start=date(2025, 7, 1),
        end=date(2025, 10, 31),
        segments={"channel": ["email", "paid_search", INJECTION]},
    )
    v = View(ds, f).view
    want = abtest.ab_counts(
        v.users,
        v.events,
        variant="variant",
        step="purchase",
        steps=["purchase"],
        by="device",
        revenue=True,
    )
    table = spark_table(events, spark)
    got = ab.ab_variant_counts(table, step="purchase", segment="device", filters=f)
    assert_close_frames(got.table, want.table)
    assert got.rows_read == want.rows_read
    tiny = spark_table(_tiny(), spark)
    only = ab.ab_counts(tiny, step="purchase", filters=Filters(segments={"device": [INJECTION]}))
    assert only.select("variant", "visitors", "conversions").rows() == [("B", 1, 0)]


@pytest.mark.skipif(not (SHARED / "funnel_ab_5step.csv").exists(), reason="shared data sets absent")
def test_funnel_ab_5step_counts() -> None:
    """The 5-step funnel test (6,001 users): reaching step 5 per group, as a plain polars
    count of the file's flags (a: 656 of 2,874; b: 624 of 3,127)."""
    wide = pl.read_csv(SHARED / "funnel_ab_5step.csv")
    t = datetime(2025, 6, 1)
    events = pl.concat(
        [
            wide.filter(pl.col(f"step{k}") == 1).select(
                pl.col("user id").cast(pl.String).alias("user_id"),
                pl.lit(f"step{k}").alias("step"),
                pl.lit(t + timedelta(minutes=k)).alias("ts"),
                pl.col("test group").alias("variant"),
            )
            for k in range(1, 6)
        ]
    )
    want = (
        wide.group_by("test group")
        .agg(pl.len().cast(pl.Int64), pl.col("step5").sum().cast(pl.Int64))
        .sort("test group")
        .rows()
    )
    assert want == [("a", 2874, 656), ("b", 3127, 624)]
    for name, table in engine_tables(events):
        got = ab.ab_counts(table, step="step5")
        assert got.select("variant", "visitors", "conversions").rows() == want, name
