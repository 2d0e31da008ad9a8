"""Event drivers on a connected table (kpi.engine.drivers): each event counted between step k
and the user's outcome in the engine gives the upload's counts and tests (kpi.funnel.why on
the same events), on the hand-made shop log where a post-purchase event is no finding, on a
random log with ties and several attempts (with and without a window, with exclusions and a
per-step window), on polars, DuckDB and (one case) Spark."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from kpi.engine.frame import from_native
from kpi.engine.view import EngineView
from kpi.filters import Filters
from kpi.funnel import why
from kpi.schema import TableInput, build_dataset
from kpi.settings import Exclusion, FunnelSettings, StepWindow
from kpi.view import View
from tests.unit.test_funnel_drivers_outcome import STEPS, random_log, shop_log

COLS = ["kind", "value", "converters_with", "dropped_with"]
TESTS = ["odds_ratio", "ci_low", "ci_high", "p_value", "p_adjusted"]


def _both(events: pl.DataFrame, settings: FunnelSettings, native, filters=None):
    filters = filters or Filters()
    ds = build_dataset([TableInput("events.csv", events)])
    upload = View(ds, filters, settings)
    engine = EngineView(from_native(native, segments=[]), filters, settings)
    return engine, upload


def _same(engine, upload, step: int) -> pl.DataFrame:
    got = why.engine_drivers_of(engine, step)
    want = why.drivers_of(upload, step)
    assert (got.converters, got.dropped) == (want.converters, want.dropped)
    a = got.table.filter(pl.col("kind") == "event").sort("value")
    b = want.table.filter(pl.col("kind") == "event").sort("value")
    assert a.select(COLS).rows() == b.select(COLS).rows()
    for x, y in zip(a.select(TESTS).rows(), b.select(TESTS).rows(), strict=True):
        assert [v is None for v in x] == [v is None for v in y]
        assert [v for v in x if v is not None] == pytest.approx(
            [v for v in y if v is not None], rel=1e-12
        )
    assert got.events_tested and want.events_tested
    return a


@pytest.mark.parametrize("backend", ["polars", "duckdb"])
def test_the_shop_log_on_an_engine(backend, to_native) -> None:
    log, _ = shop_log()
    settings = FunnelSettings(steps=tuple(STEPS), window=dt.timedelta(days=1), window_amount=1)
    engine, upload = _both(log, settings, to_native(log, backend))
    ev = _same(engine, upload, 2)
    rows = {r["value"]: r for r in ev.iter_rows(named=True)}
    assert (rows["order_confirmation"]["converters_with"], rows["coupon"]["converters_with"]) == (
        0,
        16,
    )
    assert "account" not in rows and not rows["order_confirmation"]["finding"]


CASES = [
    {"window": dt.timedelta(minutes=40)},
    {"window": None, "window_unit": "none"},
    {
        "window": dt.timedelta(minutes=60),
        "exclusions": (Exclusion("Z", "A", "C"),),
        "step_windows": (StepWindow("C", 20, "minutes"),),
    },
]


@pytest.mark.parametrize("backend", ["polars", "duckdb"])
@pytest.mark.parametrize("kw", CASES)
@pytest.mark.parametrize("step", [1, 2])
def test_a_random_log_on_an_engine(backend, kw, step, to_native) -> None:
    log = random_log(5)
    settings = FunnelSettings(steps=("A", "B", "C", "D"), **kw)
    f = Filters(start=dt.date(2025, 3, 1), end=dt.date(2025, 3, 1))
    engine, upload = _both(log, settings, to_native(log, backend), f)
    ev = _same(engine, upload, step)
    assert set(ev["value"]) == {"X", "Y", "Z"}  # an excluded event is still an event


def test_spark_counts_the_events_as_the_upload(to_native) -> None:
    log, _ = shop_log()
    settings = FunnelSettings(steps=tuple(STEPS), window=dt.timedelta(days=1), window_amount=1)
    engine, upload = _both(log, settings, to_native(log, "spark"))
    _same(engine, upload, 2)
