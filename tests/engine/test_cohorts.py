"""kpi.engine.cohorts: the cohort table from counts computed in polars, DuckDB and Spark equals
the upload's (``View(ds, filters).retention(...).table``), a hand-checked table, a brute-force
count over the Online Retail customers (published cleaning rules), and random logs."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kpi.engine import cohorts
from kpi.engine.frame import from_native
from kpi.filters import Filters
from kpi.view import View
from tests.engine.aggregates_support import (
    FIXTURES,
    SHARED,
    assert_close_frames,
    engine_tables,
    read_retail,
    retail_events,
    upload,
)
from tests.engine.engine_data import INJECTION, spark_table


def _month_log() -> pl.DataFrame:
    rows = [
        ("a", "visit", datetime(2025, 1, 5, 10), "mobile"),
        ("a", "visit", datetime(2025, 2, 3, 9), "mobile"),
        ("b", "visit", datetime(2025, 1, 20, 8), "desktop"),
        ("c", "visit", datetime(2025, 2, 10, 12), "desktop"),
        ("c", "purchase", datetime(2025, 3, 1, 0), "desktop"),
    ]
    return pl.DataFrame(
        rows,
        schema={
            "user_id": pl.String,
            "step": pl.String,
            "ts": pl.Datetime("us"),
            "device": pl.String,
        },
        orient="row",
    )


def test_hand_checked_month_table() -> None:
    """a: Jan + Feb, b: Jan, c: Feb + Mar 1st 00:00 (the last event: as of)."""
    for name, table in engine_tables(_month_log()):
        got = cohorts.cohort_table(table, grain="month")
        assert got.select("cohort", "cohort_size", "period", "retained", "complete").rows() == [
            ("2025-01", 2, 0, 2, True),
            ("2025-01", 2, 1, 1, True),  # March 1st 00:00 starts March: February is over
            ("2025-01", 2, 2, 0, False),
            ("2025-02", 1, 0, 1, True),
            ("2025-02", 1, 1, 1, False),
        ], name
        after = cohorts.cohort_table(table, grain="month", mode="on_or_after")
        assert after["retained"].to_list() == [2, 1, 0, 1, 1], name
        by = cohorts.cohort_table(table, grain="month", by="device")
        assert by.filter(pl.col("period") == 0).select(
            "device", "cohort", "cohort_size"
        ).rows() == [
            ("desktop", "2025-01", 1),
            ("desktop", "2025-02", 1),
            ("mobile", "2025-01", 1),
        ], name


def test_activity_counts_are_the_aggregate() -> None:
    """What comes back: one row per cohort × period (users active, users whose last return it
    is), the cohort size and the as-of time; nothing per user."""
    for _, table in engine_tables(_month_log()):
        got = cohorts.cohort_activity(table, grain="month")
        assert got.columns == list(cohorts.ACTIVITY_SCHEMA)
        assert got.select(
            "cohort_index", "cohort_size", "period", "active", "last_active"
        ).rows() == [
            (2025 * 12, 2, 0, 2, 1),
            (2025 * 12, 2, 1, 1, 1),
            (2025 * 12 + 1, 1, 0, 1, 0),
            (2025 * 12 + 1, 1, 1, 1, 1),
        ]
        assert got["as_of"].unique().to_list() == [datetime(2025, 3, 1)]


CASES = [
    dict(filters=Filters()),
    dict(filters=Filters(), by="device"),
    dict(filters=Filters(), grain="week", mode="on_or_after"),
    dict(filters=Filters(), grain="day", periods=20),
    dict(filters=Filters(), cohort_by="first_purchase", return_step="purchase"),
    dict(filters=Filters(segments={"device": ["mobile"], "channel": ["email", INJECTION]})),
    dict(filters=Filters(start=date(2025, 7, 1), end=date(2025, 8, 31)), by="channel"),
    dict(
        filters=Filters(
            start=date(2025, 9, 10), end=date(2025, 10, 3), segments={"variant": ["B"]}
        ),
        grain="week",
        mode="on_or_after",
        return_step="purchase",
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[str(i) for i in range(len(CASES))])
def test_generated_log_equals_the_upload(shop, case) -> None:
    _, ds, events = shop
    f = case["filters"]
    kw = {k: v for k, v in case.items() if k != "filters"}
    grain = kw.pop("grain", "month")
    want = (
        View(ds, f)
        .retention(
            grain=grain,
            cohort_by=kw.get("cohort_by", "first_event"),
            purchase_step="purchase",
            **{k: v for k, v in kw.items() if k != "cohort_by"},
        )
        .table
    )
    assert want.height > 0
    for name, table in engine_tables(events):
        got = cohorts.cohort_table(table, grain=grain, filters=f, **kw)
        assert_close_frames(got, want)
        assert got.height == want.height, name


def test_injection_value_filters_on_itself() -> None:
    """A segment value that reads as SQL is a value: only the user who has it."""
    log = _month_log().with_columns(
        pl.when(pl.col("user_id") == "b")
        .then(pl.lit(INJECTION))
        .otherwise(pl.col("device"))
        .alias("device")
    )
    for name, table in engine_tables(log):
        got = cohorts.cohort_table(table, filters=Filters(segments={"device": [INJECTION]}))
        assert got.select("cohort", "cohort_size", "period", "retained").rows()[0] == (
            "2025-01",
            1,
            0,
            1,
        ), name
        assert got["cohort_size"].unique().to_list() == [1], name
        none = cohorts.cohort_table(table, filters=Filters(segments={"device": ["x"]}))
        assert none.height == 0, name


def test_errors_are_explained() -> None:
    from kpi.errors import InputError, SchemaError

    table = from_native(_month_log().lazy())
    with pytest.raises(InputError):
        cohorts.cohort_table(table, cohort_by="signup")
    with pytest.raises(InputError):
        cohorts.cohort_table(table, grain="year")  # type: ignore[arg-type]
    with pytest.raises((InputError, SchemaError)):
        cohorts.cohort_table(table, by="country")
    with pytest.raises(InputError):
        cohorts.cohort_table(from_native(_month_log().drop("ts").lazy()))
    assert cohorts.cohort_table(table, filters=Filters(segments={"device": ["tv"]})).height == 0


# ----------------------------------------------------------------- random logs (hypothesis)

_BASE = datetime(2025, 1, 1)


@st.composite
def logs(draw) -> pl.DataFrame:
    n = draw(st.integers(1, 40))
    users = draw(st.lists(st.sampled_from("abcdefgh"), min_size=n, max_size=n))
    steps = draw(st.lists(st.sampled_from(["visit", "cart", "purchase"]), min_size=n, max_size=n))
    # distinct minutes: no ties in time (an engine has no file order for first touch)
    minutes = draw(st.lists(st.integers(0, 200 * 24 * 60), min_size=n, max_size=n, unique=True))
    devices = draw(st.lists(st.sampled_from(["mobile", "desktop", None]), min_size=n, max_size=n))
    return pl.DataFrame(
        {
            "user_id": users,
            "event_name": steps,
            "event_time": [
                (_BASE + timedelta(minutes=m)).strftime("%Y-%m-%d %H:%M:%S") for m in minutes
            ],
            "device": devices,
        }
    )


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    log=logs(),
    grain=st.sampled_from(["day", "week", "month"]),
    mode=st.sampled_from(["on", "on_or_after"]),
    by=st.sampled_from([None, "device"]),
    cohort_by=st.sampled_from(["first_event", "first_purchase"]),
)
def test_random_logs_equal_the_upload(log, grain, mode, by, cohort_by) -> None:
    ds = upload(log)
    events = log.select(
        pl.col("user_id"),
        pl.col("event_name").alias("step"),
        pl.col("event_time").str.to_datetime("%Y-%m-%d %H:%M:%S").alias("ts"),
        pl.col("device"),
    )
    table = from_native(events.lazy(), segments=["device"])
    want = View(ds, Filters()).retention(
        grain=grain, mode=mode, by=by, cohort_by=cohort_by, purchase_step="purchase"
    )
    got = cohorts.cohort_table(table, grain=grain, mode=mode, by=by, cohort_by=cohort_by)
    assert want is not None
    assert_close_frames(got, want.table)


# ----------------------------------------------------------------- Online Retail


def _brute_force_months(events: pl.DataFrame) -> dict[tuple[str, int], tuple[int, int]]:
    """(cohort month, period) -> (cohort size, customers who bought in that month)."""
    first: dict[str, int] = {}
    months: dict[str, set[int]] = defaultdict(set)
    for user, ts in events.select("user_id", "ts").iter_rows():
        m = ts.year * 12 + ts.month - 1
        first[user] = min(first.get(user, m), m)
        months[user].add(m)
    size: dict[int, int] = defaultdict(int)
    back: dict[tuple[int, int], int] = defaultdict(int)
    for user, m0 in first.items():
        size[m0] += 1
        for m in months[user]:
            back[(m0, m - m0)] += 1
    return {(f"{m0 // 12}-{m0 % 12 + 1:02d}", p): (size[m0], n) for (m0, p), n in back.items()}


def test_online_retail_slice_cohorts() -> None:
    """The fixture slice (whole histories of 1 customer in 131): the engine's monthly
    first-purchase cohorts equal the upload's and a brute-force count."""
    path = FIXTURES / "online_retail_slice.csv"
    ds = upload(read_retail(path), name="online_retail_slice.csv")
    events = retail_events(read_retail(path))
    want = View(ds, Filters()).retention(periods=12)
    assert want is not None
    reference = _brute_force_months(events)
    for name, table in engine_tables(events):
        got = cohorts.cohort_table(table, cohort_by="first_purchase", return_step=None, periods=12)
        assert_close_frames(got, want.table)
        for r in got.filter(pl.col("retained") > 0).iter_rows(named=True):
            assert reference[(r["cohort"], r["period"])] == (r["cohort_size"], r["retained"]), name
        dec = got.filter((pl.col("cohort") == "2010-12") & (pl.col("period") == 0))
        assert dec["cohort_size"].item() == reference[("2010-12", 0)][0]


@pytest.mark.slow
@pytest.mark.skipif(not (SHARED / "online_retail.csv").exists(), reason="shared data sets absent")
def test_online_retail_full_cohorts_in_duckdb() -> None:
    """The whole year (541,909 lines): DuckDB's monthly cohorts equal a brute-force count of
    the cleaned customers (published rules); December 2010 has 885 new customers."""
    events = retail_events(read_retail(SHARED / "online_retail.csv"))
    reference = _brute_force_months(events)
    _, table = list(engine_tables(events))[1]
    got = cohorts.cohort_table(table, cohort_by="first_purchase", periods=12)
    assert got.filter(pl.col("period") == 0)["cohort_size"].sum() == events["user_id"].n_unique()
    for r in got.iter_rows(named=True):
        size, n = reference.get((r["cohort"], r["period"]), (r["cohort_size"], 0))
        assert (size, n) == (r["cohort_size"], r["retained"])
    assert (
        got.filter((pl.col("cohort") == "2010-12") & (pl.col("period") == 0))["cohort_size"].item()
        == 885
    )


# ----------------------------------------------------------------- Spark


def test_spark_equals_the_upload(spark, spark_shop) -> None:
    """One view on Spark (a segment filter with an injection-looking value, a period, weeks,
    on-or-after) equals the upload's; the injection value filters on itself."""
    _, ds, events = spark_shop
    table = spark_table(events, spark)
    f = Filters(
        start=date(2025, 7, 1), end=date(2025, 9, 30), segments={"channel": ["email", INJECTION]}
    )
    want = (
        View(ds, f)
        .retention(
            cohort_by="first_event", purchase_step="purchase", grain="week", mode="on_or_after"
        )
        .table
    )
    got = cohorts.cohort_table(table, filters=f, grain="week", mode="on_or_after")
    assert want.height > 0
    assert_close_frames(got, want)
    log = _month_log().with_columns(
        pl.when(pl.col("user_id") == "b")
        .then(pl.lit(INJECTION))
        .otherwise(pl.col("device"))
        .alias("device")
    )
    table = spark_table(log, spark)
    got = cohorts.cohort_table(table, filters=Filters(segments={"device": [INJECTION]}))
    assert got.select("cohort", "cohort_size", "period", "retained").rows()[0] == (
        "2025-01",
        1,
        0,
        1,
    )
    assert got["cohort_size"].unique().to_list() == [1]
