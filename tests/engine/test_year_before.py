"""The same period a year before on a connected DuckDB table: the EngineView's year-before KPIs,
funnel, step tests and coverage equal the upload's View of the same events."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

pytest.importorskip("kpi.engine.stages")

from kpi.engine.roles import map_roles
from kpi.engine.source import connect, parse_source
from kpi.engine.view import EngineView
from kpi.filters import Filters
from kpi.view import View
from tests.engine.aggregates_support import upload
from tests.engine.engine_data import duckdb_file
from tests.unit.two_years import two_years


@pytest.fixture(scope="module")
def log() -> pl.DataFrame:
    return two_years(900)


@pytest.fixture(scope="module")
def table(log: pl.DataFrame, tmp_path_factory: pytest.TempPathFactory):
    db = duckdb_file(log, tmp_path_factory.mktemp("yb") / "x.duckdb")
    src = connect(parse_source(f"duckdb:///{db}"), table="events")
    return map_roles(src.native, None, label=src.label)


@pytest.mark.parametrize(
    "filters",
    [
        Filters(start=date(2025, 11, 1), end=date(2025, 11, 30)),
        Filters(start=date(2025, 2, 1), end=date(2025, 2, 28), segments={"device": ["mobile"]}),
        Filters(start=date(2025, 6, 2), end=date(2025, 6, 15)),  # ISO weeks 23-24
    ],
)
def test_engine_year_before_equals_the_upload(log, table, filters: Filters) -> None:
    engine, view = EngineView(table, filters), View(upload(log), filters)
    assert engine.year_before_filters == view.year_before_filters
    assert engine.year_before_coverage().available and view.year_before_coverage().available
    a = {k.code: k.value for k in engine.year_before_kpis() if k.available}
    b = {k.code: k.value for k in view.year_before_kpis() if k.available}
    assert a.keys() == b.keys() and len(a) > 10
    for code, value in b.items():
        assert a[code] == pytest.approx(value, rel=1e-9), code
    ea, va = engine.two_periods(), view.two_periods()
    for col in ("year_before", "year_before_p_value", "previous_p_value"):
        x, y = ea[col].to_list(), va[col].to_list()
        assert [v is None for v in x] == [v is None for v in y], col
        assert [v for v in x if v is not None] == pytest.approx([v for v in y if v is not None])
    steps_e, steps_v = engine.year_before_steps(), view.year_before_steps()
    assert steps_e["users_previous"].to_list() == steps_v["users_previous"].to_list()
    assert steps_e["p_value"].to_list() == pytest.approx(steps_v["p_value"].to_list())


def test_engine_says_when_the_year_before_is_not_covered(table) -> None:
    engine = EngineView(table, Filters(start=date(2024, 11, 1), end=date(2024, 11, 30)))
    assert engine.year_before_kpis() is None and engine.year_before_funnel() is None
    assert engine.year_before_coverage().reason == "before_data"
    assert EngineView(table, Filters()).year_before_coverage().reason == "no_period"
