"""A connected table's Funnel figures with exclusion steps and per-step windows
(kpi.engine.view_funnel, kpi.engine.funnel, kpi.engine.ruled_times) equal the upload route's
(kpi.view.View on the same events), on polars and DuckDB: the table with its step times, the
conversion over time and the time to convert; and the step times equal the brute-force
reference of tests/unit/funnel_times_reference.py."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import duckdb
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from kpi.engine import view_funnel
from kpi.engine.frame import EngineTable, from_native
from kpi.engine.view import EngineView
from kpi.filters import Filters
from kpi.schema import TableInput, build_dataset
from kpi.settings import Exclusion, FunnelSettings, StepWindow
from kpi.view import View

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "unit"))
from funnel_times_reference import reference_paths, reference_step_medians

from tests.engine.test_view_funnel import generated_log

STEPS = ("home", "view", "cart", "buy")
RULES = [
    {"exclusions": (Exclusion("faq", "view", "buy"),)},
    {"step_windows": (StepWindow("cart", 30, "minutes"), StepWindow("buy", 2, "hours"))},
    {
        "exclusions": (Exclusion("faq", "home", "cart"),),
        "step_windows": (StepWindow("buy", 1, "hours"),),
        "window": dt.timedelta(hours=3),
    },
]
VIEWS = [Filters(), Filters(start=dt.date(2025, 3, 10), segments={"device": ["mobile", "(none)"]})]


@pytest.fixture(scope="module")
def log() -> pl.DataFrame:
    return generated_log(11, 250)


@pytest.fixture(scope="module")
def con():
    c = duckdb.connect()
    yield c
    c.close()


def engine(events: pl.DataFrame, backend: str, con: duckdb.DuckDBPyConnection) -> EngineTable:
    if backend == "polars":
        return from_native(events.lazy(), segments=["device"])
    name = f"ev_{id(events)}"
    con.register(name, events.to_arrow())
    return from_native(con.sql(f"SELECT * FROM {name}"), segments=["device"])


def settings_of(kw: dict) -> FunnelSettings:
    return FunnelSettings(
        steps=STEPS,
        window=kw.get("window"),
        exclusions=kw.get("exclusions", ()),
        step_windows=kw.get("step_windows", ()),
    )


@pytest.mark.parametrize("backend", ["polars", "duckdb"])
@pytest.mark.parametrize("filters", VIEWS)
@pytest.mark.parametrize("kw", RULES)
def test_every_figure_equals_the_upload(log, con, backend, filters, kw) -> None:
    settings = settings_of(kw)
    ev_view = EngineView(engine(log, backend, con), filters, settings)
    up = View(build_dataset([TableInput("events.csv", log)]), filters, settings)
    table = ev_view.funnel()
    want = up.funnel()
    assert table is not None and want is not None
    assert_frame_equal(table, want)
    assert "median_from_previous_s" in table.columns  # the step times are given
    for grain in ("day", "week"):
        trend = view_funnel.conversion_over_time(ev_view, grain=grain)
        assert_frame_equal(trend, up.funnel_trend(grain))
        summed = trend.group_by("step", maintain_order=True).agg(pl.col("users").sum())
        assert summed["users"].to_list() == table["users"].to_list()
    ttc = view_funnel.time_to_convert(ev_view, bins=12)
    assert_frame_equal(ttc, up.funnel_time_to_convert(12))
    assert int(ttc["users"].sum()) == int(table["users"][-1])
    # the rules change the figures (else equality would prove little)
    plain = View(up.full, filters, FunnelSettings(steps=STEPS, window=kw.get("window")))
    assert plain.funnel()["users"].to_list() != table["users"].to_list()  # type: ignore[index]


@pytest.mark.parametrize("kw", RULES)
def test_duckdb_step_times_equal_the_brute_force(log, con, kw) -> None:
    events = log.filter(pl.col("step").is_not_null())
    ev_view = EngineView(engine(events, "duckdb", con), Filters(), settings_of(kw))
    table = ev_view.funnel()
    assert table is not None
    want = reference_step_medians(reference_paths(events, STEPS, **kw), len(STEPS))
    got = list(
        zip(
            table["users"], table["median_from_previous_s"], table["median_from_start_s"],
            strict=True,
        )
    )  # fmt: skip
    assert got == want
