"""kpi.engine.funnel: the funnel table computed in an engine (narwhals on polars, DuckDB and
Spark) equals the upload route, ``kpi.funnel.funnel_table`` on
``Filters.apply(ds).events_with(by)`` of the Dataset that ``build_dataset`` makes of the same
events; small cases are checked by hand."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import duckdb
import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from kpi.dataset import Dataset
from kpi.engine.frame import EngineTable, from_native
from kpi.engine.funnel import TIME_COLUMNS, funnel_by, funnel_table, step_names
from kpi.errors import InputError, SchemaError
from kpi.filters import Filters
from kpi.funnel import funnel_table as polars_funnel_table
from kpi.schema import TableInput, build_dataset

T0 = dt.datetime(2024, 3, 1, 9, 0)
MIN = dt.timedelta(minutes=1)


def upload(events: pl.DataFrame) -> Dataset:
    """The Dataset an upload of ``events`` gives (roles from the column names)."""
    return build_dataset([TableInput("events.csv", events)])


def polars_route(
    events: pl.DataFrame, steps, *, filters: Filters | None = None, by=(), **kw
) -> pl.DataFrame:
    ds = upload(events)
    view = (filters or Filters()).apply(ds)
    return polars_funnel_table(view.events_with(list(by)), steps, by=by, **kw)


def engine(events: pl.DataFrame, backend: str, con: duckdb.DuckDBPyConnection) -> EngineTable:
    """``events`` in an engine: polars LazyFrame or a DuckDB relation."""
    if backend == "polars":
        return from_native(events.lazy())
    con.register("events_df", events.to_arrow())
    return from_native(con.sql("SELECT * FROM events_df"), segments=["device", "channel"])


@pytest.fixture(scope="module")
def con():
    c = duckdb.connect()
    yield c
    c.close()


def generated_log(seed: int, n_users: int = 400) -> pl.DataFrame:
    """A log with ties (whole minutes), repeated steps, steps outside the funnel, users who
    never do step 1, segment values that change over a user's life (first touch counts) and
    missing segment values."""
    rng = random.Random(seed)
    rows = []
    for u in range(n_users):
        device = rng.choice(["desktop", "mobile", "tablet", None])
        channel = rng.choice(["email", "ads", "x' OR '1'='1"])
        start = T0 + dt.timedelta(days=rng.randint(0, 45), minutes=rng.randint(0, 600))
        for i in range(rng.randint(1, 9)):
            ts = start + rng.randint(0, 90) * MIN
            # the first event carries the user's values; later ones may differ (ties avoided
            # for segment values: only the first event, strictly earliest, has them set)
            first = i == 0
            rows.append(
                (
                    f"u{u:04d}",
                    rng.choice(["home", "view", "cart", "buy", "faq"]),
                    start if first else ts + MIN,
                    device if first else rng.choice([None, "tv"]),
                    channel if first else None,
                )
            )
    return pl.DataFrame(
        rows,
        schema={
            "user_id": pl.String,
            "step": pl.String,
            "ts": pl.Datetime("us"),
            "device": pl.String,
            "channel": pl.String,
        },
        orient="row",
    )


BACKENDS = ["polars", "duckdb"]
STEP_LISTS = [
    ["home", "view", "cart", "buy"],
    ["home", "cart"],
    ["view", "home", "view"],  # a step listed twice
]


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("steps", STEP_LISTS)
@pytest.mark.parametrize("window", [None, dt.timedelta(minutes=30)])
def test_sequential_equals_polars_route(backend, steps, window, con) -> None:
    events = generated_log(1)
    got = funnel_table(engine(events, backend, con), steps, window=window)
    want = polars_route(events, steps, window=window)
    assert_frame_equal(got, want)
    assert got["users"][0] > 0 and set(TIME_COLUMNS) <= set(got.columns)


def test_hand_checked_ties_and_best_attempt(con) -> None:
    """u1: A at 0, B at 10, A at 20, C at 25 (window 10 min, inclusive: the attempt from 0
    reaches B, C is too late; the attempt from 20 has no B after it: 2 steps); u2: C, B, A at
    the same time (ties taken in the best order: 3 steps); u3: B only (never step 1); u4: A,
    C (no B: 1 step)."""
    t = [T0 + i * MIN for i in range(30)]
    rows = [
        ("u1", "A", t[0]),
        ("u1", "B", t[10]),
        ("u1", "A", t[20]),
        ("u1", "C", t[25]),
        ("u2", "C", t[5]),
        ("u2", "B", t[5]),
        ("u2", "A", t[5]),
        ("u3", "B", t[1]),
        ("u4", "A", t[1]),
        ("u4", "C", t[2]),
    ]
    events = pl.DataFrame(rows, schema=["user_id", "step", "ts"], orient="row")
    for backend in BACKENDS:
        table = engine(events, backend, con)
        got = funnel_table(table, ["A", "B", "C"], window=dt.timedelta(minutes=10))
        assert got["users"].to_list() == [3, 2, 1]
        assert got["drop_off"].to_list() == [None, 1, 1]
        # step times of the best attempts: u1 A->B 600 s, u2 0 s
        assert got["median_from_previous_s"].to_list() == [0.0, 300.0, 0.0]
        unlimited = funnel_table(table, ["A", "B", "C"])  # u1 now reaches C (A0 B10 C25)
        assert unlimited["users"].to_list() == [3, 2, 2]
        assert unlimited["median_from_start_s"].to_list() == [0.0, 300.0, 750.0]


def test_hand_checked_best_attempt_times_and_users_outside_the_funnel(con) -> None:
    """The step times come from each user's best attempt (latest start reaching the user's
    last step, earliest event of each step in it), chains start by start. Window 30 min.
    u1 (mobile): A0 B5 A10 B12 C20 A50 B52: the chains from 0 and 10 reach C at 20 (from 10:
    latest start, its B is at 12), the one from 50 only B: level 3, times B-A 2 min, C-B 8 min.
    u2 (mobile): A0 B40 (too late): level 1. u3 (tablet): B0 C1 (no A): level 0.
    u4 (tv): X0 only (not a funnel step): the tv row with 0 users. u5 (tablet): A0 A1 B2 C3
    A4 B5: best attempt from 1 (latest reaching C), B-A 1 min, C-B 1 min."""
    t = [T0 + i * MIN for i in range(60)]
    rows = [
        ("u1", "A", t[0], "mobile"),
        ("u1", "B", t[5], "mobile"),
        ("u1", "A", t[10], "mobile"),
        ("u1", "B", t[12], "mobile"),
        ("u1", "C", t[20], "mobile"),
        ("u1", "A", t[50], "mobile"),
        ("u1", "B", t[52], "mobile"),
        ("u2", "A", t[0], "mobile"),
        ("u2", "B", t[40], "mobile"),
        ("u3", "B", t[0], "tablet"),
        ("u3", "C", t[1], "tablet"),
        ("u4", "X", t[0], "tv"),
        ("u5", "A", t[0], "tablet"),
        ("u5", "A", t[1], "tablet"),
        ("u5", "B", t[2], "tablet"),
        ("u5", "C", t[3], "tablet"),
        ("u5", "A", t[4], "tablet"),
        ("u5", "B", t[5], "tablet"),
    ]
    events = pl.DataFrame(rows, schema=["user_id", "step", "ts", "device"], orient="row")
    window = dt.timedelta(minutes=30)
    want = polars_route(events, ["A", "B", "C"], by=["device"], window=window)
    for backend in BACKENDS:
        table = engine(events, backend, con)
        got = funnel_table(table, ["A", "B", "C"], by=["device"], window=window)
        assert_frame_equal(got, want)
        users = {(d, s): u for d, s, u in got.select("device", "step", "users").iter_rows()}
        assert users == {
            ("mobile", "A"): 2, ("mobile", "B"): 1, ("mobile", "C"): 1,
            ("tablet", "A"): 1, ("tablet", "B"): 1, ("tablet", "C"): 1,
            ("tv", "A"): 0, ("tv", "B"): 0, ("tv", "C"): 0,
        }  # fmt: skip
        mobile = got.filter(pl.col("device") == "mobile")
        assert mobile["median_from_previous_s"].to_list() == [0.0, 120.0, 480.0]
        assert mobile["median_from_start_s"].to_list() == [0.0, 120.0, 600.0]
        tablet = got.filter(pl.col("device") == "tablet")
        assert tablet["median_from_previous_s"].to_list() == [0.0, 60.0, 60.0]


def test_errors_are_explained(con) -> None:
    events = generated_log(2, 20)
    table = engine(events, "duckdb", con)
    with pytest.raises(InputError):
        funnel_table(table, [])
    with pytest.raises(InputError):
        funnel_table(table, ["home"], order="backwards")  # type: ignore[arg-type]
    with pytest.raises(SchemaError):
        funnel_table(table, ["home"], by=["country"])
    no_ts = from_native(events.drop("ts").lazy())
    with pytest.raises(InputError):
        funnel_table(no_ts, ["home"], window=dt.timedelta(days=1))


def test_an_engine_without_median_gives_the_table_without_step_times(con, monkeypatch) -> None:
    """The users, rates and drop-off stay; the four time columns are absent (as for a
    funnel whose times do not apply), not filled with zeros."""
    import kpi.engine.funnel as engine_funnel

    def no_median(k: int) -> list:
        raise NotImplementedError("median")

    events = generated_log(4, 100)
    table = engine(events, "duckdb", con)
    full = funnel_table(table, STEP_LISTS[0], by=["device"])
    monkeypatch.setattr(engine_funnel, "_time_stats", no_median)
    bare = funnel_table(table, STEP_LISTS[0], by=["device"])
    assert not set(TIME_COLUMNS) & set(bare.columns)
    assert_frame_equal(bare, full.drop(TIME_COLUMNS))


def test_a_warehouse_through_ibis(tmp_path) -> None:
    """Ibis (the route to BigQuery, Snowflake, Postgres…), here on its DuckDB backend reading
    Parquet: the same table, step times included, and the SQL-looking value as a literal."""
    ibis = pytest.importorskip("ibis")
    events = generated_log(11, 120)
    events.write_parquet(tmp_path / "events.parquet")
    table = from_native(ibis.duckdb.connect().read_parquet(str(tmp_path / "events.parquet")))
    assert table.backend == "ibis"
    only = Filters(segments={"channel": ["x' OR '1'='1"]})
    for order, open_funnel in (ORDERS[0], ORDERS[3]):
        kw = {"window": dt.timedelta(minutes=20), "order": order, "open_funnel": open_funnel}
        got = funnel_table(table, STEP_LISTS[2], filters=only, by=["device"], **kw)
        want = polars_route(events, STEP_LISTS[2], filters=only, by=["device"], **kw)
        assert_frame_equal(got, want)


def test_step_names(con) -> None:
    events = generated_log(3, 60)
    want = (
        events.group_by("step")
        .agg(
            pl.col("user_id").n_unique().cast(pl.Int64).alias("users"),
            pl.len().cast(pl.Int64).alias("events"),
        )
        .sort(["users", "step"], descending=[True, False])
    )
    for backend in BACKENDS:
        got = step_names(engine(events, backend, con))
        assert_frame_equal(got, want)
        assert step_names(engine(events, backend, con), limit=2).height == 2


VIEWS = [
    ((), None),
    (("device",), None),
    (("device", "channel"), Filters(start=dt.date(2024, 3, 5), end=dt.date(2024, 3, 15))),
    (("channel",), Filters(segments={"device": ["mobile", "(none)"]})),
    (("cohort",), Filters(segments={"cohort": ["2024-03"], "device": ["tablet"]})),
    ((), Filters(start=dt.date(2024, 3, 3), segments={"channel": ["x' OR '1'='1"]})),
]
ORDERS = [("sequential", False), ("sequential", True), ("any", False), ("any", True)]


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize(("order", "open_funnel"), ORDERS)
@pytest.mark.parametrize(("by", "filters"), VIEWS)
def test_segments_filters_orders_equal_polars_route(
    backend, order, open_funnel, by, filters, con
) -> None:
    """By first-touch segments (a user's later events carry other values), date range and
    segment filters, any order and open funnels, with and without a window, a step listed
    twice: the engine's table is the upload route's, row for row."""
    events = generated_log(5)
    table = engine(events, backend, con)
    for steps in (STEP_LISTS[0], STEP_LISTS[2]):
        for window in (None, dt.timedelta(minutes=20)):
            kw = {"window": window, "order": order, "open_funnel": open_funnel}
            got = funnel_table(table, steps, filters=filters, by=by, **kw)
            want = polars_route(events, steps, filters=filters, by=by, **kw)
            assert_frame_equal(got, want)
            has_times = order == "sequential" and not open_funnel
            assert (TIME_COLUMNS[0] in got.columns) == has_times


@pytest.mark.parametrize("backend", BACKENDS)
def test_membership_funnel_without_timestamps(backend, con) -> None:
    events = generated_log(6).drop("ts")
    table = engine(events, backend, con)
    for steps in (STEP_LISTS[0], STEP_LISTS[2]):
        for open_funnel in (False, True):
            for by in ((), ("device",)):
                got = funnel_table(table, steps, by=by, open_funnel=open_funnel)
                want = polars_route(events, steps, by=by, open_funnel=open_funnel)
                assert_frame_equal(got, want)
                assert TIME_COLUMNS[0] not in got.columns


def test_a_segment_value_that_looks_like_sql_filters_on_itself(con) -> None:
    """``x' OR '1'='1`` reaches DuckDB as a literal: the view keeps exactly the users whose
    first-touch channel is that text (counted independently in polars), not everyone."""
    events = generated_log(8)
    value = "x' OR '1'='1"
    first = events.sort("ts").group_by("user_id", maintain_order=True).first()
    expected = first.filter(pl.col("channel") == value).height
    assert 0 < expected < first.height
    table = engine(events, "duckdb", con)
    only = Filters(segments={"channel": [value]})
    got = funnel_table(table, ["home", "view"], filters=only, order="any")
    seen = funnel_table(table, ["home", "view"], filters=only, by=["channel"], order="any")
    assert seen["channel"].unique().to_list() == [value]
    home = events.filter(pl.col("step") == "home").select("user_id").unique()
    with_home = first.filter(pl.col("channel") == value).join(home, on="user_id").height
    assert got["users"][0] == with_home
    assert_frame_equal(got, polars_route(events, ["home", "view"], filters=only, order="any"))


# ------------------------------------------------------------------------------ Spark
# the session-scoped ``spark`` fixture of tests/engine/conftest.py (one session for the run)


def spark_table(spark, events: pl.DataFrame) -> EngineTable:
    segments = [c for c in ("device", "channel") if c in events.columns]
    return from_native(spark.createDataFrame(events.to_arrow()), segments=segments)


def test_spark_sequential_by_segment_with_filters(spark) -> None:
    """Spark: by device, a date range and the SQL-looking channel value, with a window, for
    a plain funnel and one with a step listed twice."""
    events = generated_log(9, 150)
    table = spark_table(spark, events)
    only = Filters(
        start=dt.date(2024, 3, 4), segments={"channel": ["x' OR '1'='1"], "cohort": ["2024-03"]}
    )
    for steps in (STEP_LISTS[0], STEP_LISTS[2]):
        kw = {"window": dt.timedelta(minutes=20), "by": ["device"], "filters": only}
        got = funnel_table(table, steps, **kw)
        assert_frame_equal(got, polars_route(events, steps, **kw))
        assert got["users"].sum() > 0


def test_spark_any_order_and_open_funnels(spark) -> None:
    events = generated_log(10, 150)
    table = spark_table(spark, events)
    for order, open_funnel in (ORDERS[1], ORDERS[3]):  # tie groups; leads and reverse minima
        kw = {"window": dt.timedelta(minutes=30), "order": order, "open_funnel": open_funnel}
        got = funnel_table(table, STEP_LISTS[2], **kw)
        assert_frame_equal(got, polars_route(events, STEP_LISTS[2], **kw))
    micro = _sub_second_log()  # times to the microsecond, across a year and a leap day
    got = funnel_table(spark_table(spark, micro), ["A", "B"])
    assert_frame_equal(got, polars_route(micro, ["A", "B"]))
    no_ts = spark_table(spark, events.drop("ts"))
    got = funnel_table(no_ts, STEP_LISTS[0], by=["device"])
    assert_frame_equal(got, polars_route(events.drop("ts"), STEP_LISTS[0], by=["device"]))


# ------------------------------------------------------------------------------ Kaggle funnel
ROOT = Path(__file__).resolve().parents[2]
KAGGLE = ROOT.parent / "shared" / "datasets" / "ecommerce_funnel"
KAGGLE_FILES = [
    "user_table.csv",
    "home_page_table.csv",
    "search_page_table.csv",
    "payment_page_table.csv",
    "payment_confirmation_table.csv",
]
PAGES = ["home_page", "search_page", "payment_page", "payment_confirmation_page"]
SAMPLE = ROOT / "tests" / "fixtures" / "kaggle_funnel_sample.csv"
needs_kaggle = pytest.mark.skipif(
    not (KAGGLE / "user_table.csv").exists(), reason="shared data sets not available"
)


def _by_device(res: pl.DataFrame) -> dict[str, list[int]]:
    return {d: g["users"].to_list() for (d,), g in res.group_by("device", maintain_order=True)}


def _membership_by_hand(events: pl.DataFrame) -> dict[str, list[int]]:
    """Users per device who visited every page up to each one (set intersections)."""
    out = {}
    for (device,), grp in events.group_by("device"):
        ids = set(grp["user_id"].to_list())
        counts = []
        for page in PAGES:
            ids &= set(grp.filter(pl.col("step") == page)["user_id"].to_list())
            counts.append(len(ids))
        out[device] = counts
    return out


def test_kaggle_sample_per_step_and_device_through_duckdb_parquet(tmp_path) -> None:
    """The committed sample (every 40th Kaggle user) read by DuckDB from a Parquet file: the
    upload route's table and the counts by hand."""
    events = pl.read_csv(SAMPLE, schema_overrides={"user_id": pl.String})
    events.write_parquet(tmp_path / "events.parquet")
    rel = duckdb.connect().read_parquet(str(tmp_path / "events.parquet"))
    got = funnel_table(from_native(rel, segments=["device"]), PAGES, by=["device"])
    assert_frame_equal(got, polars_route(events, PAGES, by=["device"]))
    assert _by_device(got) == _membership_by_hand(events)
    assert _by_device(got)["Mobile"] == [707, 335, 68, 11]


@pytest.fixture(scope="module")
def kaggle() -> tuple[pl.DataFrame, pl.DataFrame]:
    """(the five files uploaded: the polars route's table by device; the same funnel as one
    event log user_id, step, device, as a warehouse would hold it)."""
    from kpi.load import read_table

    inputs = []
    for name in KAGGLE_FILES:
        t = read_table(KAGGLE / name, max_mb=None)
        inputs.append(TableInput(name, t.frame, rows_read=t.report.rows_read))
    ds = build_dataset(inputs)
    want = polars_funnel_table(Filters().apply(ds).events_with(["device"]), PAGES, by=["device"])
    users = pl.read_csv(KAGGLE / "user_table.csv").select("user_id", "device")
    pages = [
        pl.read_csv(KAGGLE / name).select("user_id", step=pl.lit(page))
        for name, page in zip(KAGGLE_FILES[1:], PAGES, strict=True)
    ]
    events = pl.concat(pages).join(users, on="user_id", how="left")
    return want, events.with_columns(pl.col("user_id").cast(pl.String))


PUBLISHED = {"Desktop": [60_200, 30_100, 3_010, 150], "Mobile": [30_200, 15_100, 3_020, 302]}


@needs_kaggle
def test_kaggle_funnel_per_step_and_device_duckdb_equals_upload(kaggle, tmp_path) -> None:
    want, events = kaggle
    assert _by_device(want) == PUBLISHED
    folder = tmp_path / "lake"
    folder.mkdir()
    half = events.height // 2  # a folder of two Parquet files
    events[:half].write_parquet(folder / "part-0.parquet")
    events[half:].write_parquet(folder / "part-1.parquet")
    rel = duckdb.connect().read_parquet(str(folder / "*.parquet"))
    got = funnel_table(from_native(rel, segments=["device"]), PAGES, by=["device"])
    assert_frame_equal(got, want)


@needs_kaggle
def test_kaggle_funnel_per_step_and_device_spark_equals_upload(kaggle, spark, tmp_path) -> None:
    want, events = kaggle
    events.write_parquet(tmp_path / "events.parquet")
    sdf = spark.read.parquet(str(tmp_path / "events.parquet"))
    table = from_native(sdf, segments=["device"])
    got = funnel_table(table, PAGES, by=["device"])
    assert_frame_equal(got, want)
    names = step_names(table)
    assert names["step"].to_list() == PAGES
    assert names["users"].to_list() == [90_400, 45_200, 6_030, 452]


# ------------------------------------------------------------------------------ hypothesis
USERS = [f"u{i}" for i in range(8)]


@st.composite
def random_logs(draw) -> pl.DataFrame:
    """Small logs with many ties (whole minutes in a 12-minute span), missing or empty users,
    steps and times, users who never do step 1, steps outside the funnel, a device per user (missing
    on some users and on some of their events)."""
    device_of = {u: draw(st.sampled_from([None, "d1", "d2"])) for u in USERS}
    rows = draw(
        st.lists(
            st.tuples(
                st.sampled_from([*USERS, None, ""]),
                st.sampled_from(["A", "B", "C", "X", None, ""]),
                st.one_of(st.none(), st.integers(0, 12)),
                st.booleans(),
            ),
            min_size=0,
            max_size=40,
        )
    )
    return pl.DataFrame(
        [
            (
                u,
                s,
                None if m is None else T0 + m * MIN + dt.timedelta(days=m % 3),
                device_of.get(u) if (keep and u) else None,
            )
            for u, s, m, keep in rows
        ],
        schema={
            "user_id": pl.String,
            "step": pl.String,
            "ts": pl.Datetime("us"),
            "device": pl.String,
        },
        orient="row",
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    events=random_logs(),
    steps=st.lists(st.sampled_from(["A", "B", "C"]), min_size=1, max_size=4),
    window=st.one_of(st.none(), st.integers(0, 6).map(lambda m: m * MIN)),
    order=st.sampled_from(["sequential", "any"]),
    open_funnel=st.booleans(),
    by=st.sampled_from([(), ("device",)]),
    filters=st.sampled_from(
        [None, Filters(segments={"device": ["d1", "(none)"]}), Filters(end=dt.date(2024, 3, 2))]
    ),
)
def test_random_logs_engine_equals_polars_route(
    events, steps, window, order, open_funnel, by, filters
) -> None:
    kw = {"window": window, "order": order, "open_funnel": open_funnel, "by": by}
    usable = events.filter(
        (pl.col("user_id") != "") & (pl.col("step") != "") & pl.col("ts").is_not_null()
    )
    if usable.height == 0:  # the upload refuses a file without a usable row
        return
    # the upload drops (and counts) the rows without user, step or time; the engine ignores
    # them
    want = polars_route(events, steps, filters=filters, **kw)
    con = duckdb.connect()
    for backend in BACKENDS:
        got = funnel_table(engine(events, backend, con), steps, filters=filters, **kw)
        assert_frame_equal(got, want)


# ------------------------------------------------------------------------------ breakdown
@pytest.mark.parametrize("backend", BACKENDS)
def test_funnel_by_top_values_and_other_equals_the_view(backend, con) -> None:
    """The Funnel page's breakdown: the top values of a segment by events + "Other", or the
    current period's values for the previous one (``keep``): View.funnel_by of the upload."""
    from kpi.settings import FunnelSettings
    from kpi.view import View

    events = generated_log(12)
    ds = upload(events)
    table = engine(events, backend, con)
    views = [
        (Filters(), FunnelSettings(steps=tuple(STEP_LISTS[0]), window=None)),
        (
            Filters(start=dt.date(2024, 3, 10), segments={"channel": ["ads", "email"]}),
            FunnelSettings(steps=tuple(STEP_LISTS[2]), window=dt.timedelta(minutes=30)),
        ),
        (Filters(), FunnelSettings(steps=tuple(STEP_LISTS[0]), order="any", open_funnel=True)),
    ]
    for filters, funnel_settings in views:
        view = View(full=ds, filters=filters, settings=funnel_settings)
        kw = {
            "filters": filters,
            "window": funnel_settings.window,
            "order": funnel_settings.order,
            "open_funnel": funnel_settings.open_funnel,
        }
        steps = list(funnel_settings.steps or ())
        for top, keep in ((2, None), (8, None), (8, ("tablet", "nope"))):
            want = view.funnel_by("device", top=top, keep=keep)
            got = funnel_by(table, steps, "device", top=top, keep=keep, **kw)
            assert want is not None
            assert ("Other" in want["device"].to_list()) == (top == 2 or keep is not None)
            assert_frame_equal(got, want)


def _sub_second_log() -> pl.DataFrame:
    us = dt.timedelta(microseconds=1)
    rows = [
        ("a", "A", T0 + 250_001 * us),
        ("a", "B", T0 + 1_750_003 * us),  # 1.500002 s later
        ("b", "A", dt.datetime(2023, 12, 31, 23, 59, 59, 999_999)),  # across a year boundary
        ("b", "B", dt.datetime(2024, 1, 1, 0, 0, 0, 2)),  # 3 µs later
        ("c", "A", dt.datetime(2024, 2, 28, 23, 0)),  # across a leap day: 25 h later
        ("c", "B", dt.datetime(2024, 3, 1, 0, 0)),
    ]
    return pl.DataFrame(rows, schema=["user_id", "step", "ts"], orient="row")


def test_times_to_the_microsecond_across_years_and_leap_days(con) -> None:
    events = _sub_second_log()
    for backend in BACKENDS:
        got = funnel_table(engine(events, backend, con), ["A", "B"])
        assert_frame_equal(got, polars_route(events, ["A", "B"]))
        assert got["median_from_previous_s"][1] == pytest.approx(1.500002)
        # a window of 3 µs keeps only b (3 µs, inclusive); 1.5 s keeps a and b, not c (25 h)
        for window, users in ((3, [3, 1]), (2, [3, 0]), (1_500_002, [3, 2])):
            kw = {"window": dt.timedelta(microseconds=window)}
            short = funnel_table(engine(events, backend, con), ["A", "B"], **kw)
            assert short["users"].to_list() == users
            assert_frame_equal(short, polars_route(events, ["A", "B"], **kw))
