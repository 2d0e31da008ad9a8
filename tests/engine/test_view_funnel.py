"""kpi.engine.view_funnel: the Funnel page's aggregates of an EngineView (conversion over
time, the "did the last step" counts, time to convert, the daily users per step behind the
tracking gaps) equal the upload route on the same events (polars and DuckDB; Spark when it is
cheap), and small cases are checked by hand."""

from __future__ import annotations

import datetime as dt
import random

import duckdb
import numpy as np
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from kpi import funnel as polars_funnel
from kpi.dataset import Dataset
from kpi.engine import view_funnel
from kpi.engine.frame import EngineTable, from_native
from kpi.engine.view import EngineView
from kpi.errors import InputError, SchemaError
from kpi.filters import Filters
from kpi.ingest.gaps import daily_counts_from_events, tracking_gaps
from kpi.schema import TableInput, build_dataset
from kpi.settings import FunnelSettings
from pages._ui.funnel_counts import did_last as polars_did_last

T0 = dt.datetime(2025, 3, 3, 9, 0)  # a Monday
MIN = dt.timedelta(minutes=1)
STEPS = ("home", "view", "cart", "buy")


def generated_log(seed: int = 7, n_users: int = 300) -> pl.DataFrame:
    """Ties (whole minutes), repeated steps, steps outside the funnel, users who never do
    step 1, segment values that change over a user's life, missing segment values, 60 days
    (so weeks and months cut cohorts), a week without any ``cart`` (a tracking gap)."""
    rng = random.Random(seed)
    rows = []
    for u in range(n_users):
        device = rng.choice(["desktop", "mobile", "tablet", None])
        start = T0 + dt.timedelta(days=rng.randint(0, 59), minutes=rng.randint(0, 600))
        for i in range(rng.randint(1, 9)):
            ts = start if i == 0 else start + rng.randint(0, 40 * i) * MIN
            journey = STEPS[min(i, 3)] if rng.random() < 0.6 else None
            step = journey or rng.choice(["home", "view", "cart", "buy", "faq", "home"])
            if step == "cart" and dt.datetime(2025, 4, 7) <= ts < dt.datetime(2025, 4, 14):
                step = "faq"  # the cart tag broke for a week
            rows.append((f"u{u:04d}", step, ts, device if i == 0 else rng.choice([None, "tv"])))
    return pl.DataFrame(
        rows,
        schema={"user_id": pl.String, "step": pl.String, "ts": pl.Datetime("us"),
                "device": pl.String},
        orient="row",
    )  # fmt: skip


@pytest.fixture(scope="module")
def log() -> pl.DataFrame:
    return generated_log()


@pytest.fixture(scope="module")
def con():
    c = duckdb.connect()
    yield c
    c.close()


def upload(events: pl.DataFrame, filters: Filters) -> Dataset:
    return filters.apply(build_dataset([TableInput("events.csv", events)]))


def engine(events: pl.DataFrame, backend: str, con: duckdb.DuckDBPyConnection) -> EngineTable:
    if backend == "polars":
        return from_native(events.lazy(), segments=["device"])
    name = f"ev_{id(events)}"
    con.register(name, events.to_arrow())
    return from_native(con.sql(f"SELECT * FROM {name}"), segments=["device"])


VIEWS = [
    (Filters(), FunnelSettings(steps=STEPS, window=None)),
    (
        Filters(start=dt.date(2025, 3, 10), end=dt.date(2025, 4, 20)),
        FunnelSettings(steps=STEPS, window=dt.timedelta(hours=2)),
    ),
    (
        Filters(segments={"device": ["mobile", "(none)"]}),
        FunnelSettings(steps=STEPS[:3], order="any", window=dt.timedelta(minutes=90)),
    ),
    (
        Filters(start=dt.date(2025, 3, 20), segments={"device": ["desktop"]}),
        FunnelSettings(steps=("home", "view", "home"), window=dt.timedelta(days=1)),
    ),
]
BACKENDS = ("polars", "duckdb")


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize(("filters", "settings"), VIEWS)
@pytest.mark.parametrize("grain", ["day", "week", "month"])
def test_conversion_over_time_equals_the_upload(
    log: pl.DataFrame, con, backend: str, filters: Filters, settings: FunnelSettings, grain: str
) -> None:
    view = EngineView(engine(log, backend, con), filters, settings)
    got = view_funnel.conversion_over_time(view, grain=grain)
    ds = upload(log, filters)
    want = polars_funnel.conversion_over_time(
        ds.events, list(settings.steps), grain=grain, window=settings.window, order=settings.order
    )
    assert want.height > 0
    assert_frame_equal(got, want, check_dtypes=True)
    # memoised: asking again runs nothing
    assert view_funnel.conversion_over_time(view, grain=grain) is got


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize(("filters", "settings"), VIEWS)
def test_time_to_convert_equals_the_upload(
    log: pl.DataFrame, con, backend: str, filters: Filters, settings: FunnelSettings
) -> None:
    view = EngineView(engine(log, backend, con), filters, settings)
    got = view_funnel.time_to_convert(view, bins=12)
    ds = upload(log, filters)
    want = polars_funnel.time_to_convert(
        ds.events, list(settings.steps), window=settings.window, bins=12
    )
    assert int(want["users"].sum()) > 0
    assert_frame_equal(got, want)


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize(("filters", "settings"), VIEWS)
def test_did_last_and_daily_counts_equal_the_upload(
    log: pl.DataFrame, con, backend: str, filters: Filters, settings: FunnelSettings
) -> None:
    view = EngineView(engine(log, backend, con), filters, settings)
    ds = upload(log, filters)
    steps = list(settings.steps)
    for last, before in [(steps[-1], steps[-2]), ("buy", "cart"), ("home", "home")]:
        assert view_funnel.did_last(view, last, before) == polars_did_last(ds.events, last, before)
    got = view_funnel.daily_step_users(view)
    want = daily_counts_from_events(ds.events, steps).sort("day", "step")
    assert_frame_equal(got, want)
    assert tracking_gaps(got, steps) == tracking_gaps(want, steps)


def test_the_cart_gap_is_found(log: pl.DataFrame, con) -> None:
    view = EngineView(engine(log, "duckdb", con), Filters(), FunnelSettings(steps=STEPS))
    gaps = tracking_gaps(view_funnel.daily_step_users(view), STEPS)
    assert [g.step for g in gaps] == ["cart"]
    assert dt.date(2025, 4, 7) <= gaps[0].first_day <= gaps[0].last_day <= dt.date(2025, 4, 13)


def test_by_hand() -> None:
    """Three users, times checked by hand: u1 home→view→buy in 10 min then again in 4 min
    (best attempt: the latest start reaching buy, 4 min); u2 home→view (no buy); u3 view,
    buy without home (did the last step without the first)."""
    rows = [
        ("u1", "home", T0), ("u1", "view", T0 + 2 * MIN), ("u1", "buy", T0 + 10 * MIN),
        ("u1", "home", T0 + 20 * MIN), ("u1", "view", T0 + 21 * MIN),
        ("u1", "buy", T0 + 24 * MIN),
        ("u2", "home", T0 + dt.timedelta(days=8)), ("u2", "view", T0 + dt.timedelta(days=8)),
        ("u3", "view", T0), ("u3", "buy", T0 + MIN),
    ]  # fmt: skip
    log = pl.DataFrame(rows, schema=["user_id", "step", "ts"], orient="row")
    view = EngineView(
        from_native(log.lazy()), Filters(), FunnelSettings(steps=("home", "view", "buy"))
    )
    ttc = view_funnel.time_to_convert(view, bins=4)
    assert ttc["bin_end"].to_list() == [60.0, 120.0, 180.0, 240.0]
    assert ttc["users"].to_list() == [0, 0, 0, 1]  # u1, 240 s (its last bin holds the end)
    assert view_funnel.did_last(view, "buy", "view") == (2, 2)
    assert view_funnel.did_last(view, "buy", "home") == (2, 1)
    trend = view_funnel.conversion_over_time(view, grain="week")
    assert trend["period"].unique().sort().to_list() == [dt.date(2025, 3, 3), dt.date(2025, 3, 10)]
    assert trend.filter(pl.col("step") == "buy")["users"].to_list() == [1, 0]
    assert trend.filter(pl.col("step") == "buy")["conversion"].to_list() == [1.0, 0.0]
    month = view_funnel.conversion_over_time(view, grain="month")
    assert month["period"].unique().to_list() == [dt.date(2025, 3, 1)]
    assert month["users"].to_list() == [2, 2, 1]
    daily = view_funnel.daily_step_users(view)
    assert daily.filter(pl.col("day") == dt.date(2025, 3, 3))["count"].to_list() == [2, 1, 2]
    assert view_funnel.step_options(view) == view.event_steps


def test_nobody_converts_and_errors() -> None:
    log = pl.DataFrame(
        {"user_id": ["a", "b", "c"], "step": ["home", "view", "buy"], "ts": [T0, T0 + MIN, T0]}
    )
    view = EngineView(from_native(log.lazy()), Filters(), FunnelSettings(steps=("home", "buy")))
    ttc = view_funnel.time_to_convert(view)
    want = polars_funnel.time_to_convert(log, ["home", "buy"], bins=12)
    assert_frame_equal(ttc, want)
    assert int(ttc["users"].sum()) == 0 and ttc["share"].null_count() == 12
    with pytest.raises(InputError):
        view_funnel.conversion_over_time(view, grain="year")
    with pytest.raises(InputError):
        view_funnel.time_to_convert(view, bins=0)
    untimed = EngineView(from_native(log.drop("ts").lazy()), Filters(), FunnelSettings())
    with pytest.raises(SchemaError):
        view_funnel.conversion_over_time(untimed)
    with pytest.raises(SchemaError):
        view_funnel.time_to_convert(untimed)
    assert view_funnel.daily_step_users(untimed).height == 0
    assert view_funnel.did_last(untimed, "view", "home") == (1, 0)
    assert view_funnel.did_last(untimed, "buy", "buy") == (1, 0)


def test_a_time_on_an_edge_falls_where_numpy_puts_it() -> None:
    """Times 0, 100, 200 and 300 s with 3 bins: 100 and 200 are on edges (each the start of
    its bin), 300 is the end of the last bin."""
    rows = []
    for i, secs in enumerate([0, 100, 200, 300, 300]):
        t = T0 + dt.timedelta(days=i)
        rows += [(f"u{i}", "a", t), (f"u{i}", "b", t + dt.timedelta(seconds=secs))]
    log = pl.DataFrame(rows, schema=["user_id", "step", "ts"], orient="row")
    view = EngineView(from_native(log.lazy()), Filters(), FunnelSettings(steps=("a", "b")))
    got = view_funnel.time_to_convert(view, bins=3)
    assert got["users"].to_list() == [1, 1, 3]
    counts, _ = np.histogram([0, 100, 200, 300, 300], bins=np.linspace(0, 300, 4))
    assert got["users"].to_list() == counts.tolist()
    assert_frame_equal(got, polars_funnel.time_to_convert(log, ["a", "b"], bins=3))


def test_spark_when_cheap(log: pl.DataFrame, spark) -> None:
    from tests.engine.conftest import spark_frame

    filters, settings = VIEWS[1]
    view = EngineView(from_native(spark_frame(spark, log), segments=["device"]), filters, settings)
    ds = upload(log, filters)
    steps = list(settings.steps)
    assert_frame_equal(
        view_funnel.conversion_over_time(view, grain="week"),
        polars_funnel.conversion_over_time(ds.events, steps, grain="week", window=settings.window),
    )
    assert_frame_equal(
        view_funnel.time_to_convert(view),
        polars_funnel.time_to_convert(ds.events, steps, window=settings.window, bins=12),
    )
