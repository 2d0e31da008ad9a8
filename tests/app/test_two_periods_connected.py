"""Two comparison periods on a connected DuckDB table (tests/app/connected.py), in English and
French: the Stage KPIs table and the Funnel tab's year-before figures equal the upload's View of
the same events; a period not covered a year before is explained."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from kpi.filters import Filters
from kpi.view import View
from kpi.words import format as wf
from kpi.words import render
from tests.app.connected import connected_app
from tests.engine.aggregates_support import upload
from tests.unit.two_years import two_years

NOV = Filters(start=date(2025, 11, 1), end=date(2025, 11, 30))
NOV_YB = Filters(start=date(2024, 11, 1), end=date(2024, 11, 30))


@pytest.fixture(scope="module")
def log() -> pl.DataFrame:
    return two_years(700)


def _kpi_table(at) -> pl.DataFrame:
    return next(
        pl.from_pandas(d.value) for d in at.dataframe if "year_before_change" in d.value.columns
    )


def _period(at, start: date, end: date):
    at.date_input(key="period").set_value((start, end)).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_stage_kpis_connected_equal_the_upload(monkeypatch, tmp_path, log, lang) -> None:
    at = connected_app(
        monkeypatch, tmp_path, "pages/stages_view.py", lang=lang, log=log, timeout=400
    )
    _period(at, NOV.start, NOV.end)
    table = _kpi_table(at)
    view = View(upload(log), NOV)
    want = view.two_periods().filter(pl.col("value").is_not_null())
    kpis = {k.code: k for k in view.kpis()}
    assert table.height == want.height
    for got, row in zip(table.iter_rows(named=True), want.iter_rows(named=True), strict=True):
        k = kpis[row["code"]]
        assert got["kpi"] == k.label(lang)
        if k.unit == "rate" and row["year_before"] is not None:
            assert got["year_before"] == wf.percent(row["year_before"], lang)
        p = row["year_before_p_value"]
        assert got["year_before_p"] == (wf.MISSING if p is None else wf.p_value(p, lang))


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_funnel_connected_year_before(monkeypatch, tmp_path, log, lang) -> None:
    at = connected_app(
        monkeypatch, tmp_path, "pages/funnel_view.py", lang=lang, log=log, timeout=400
    )
    at.query_params["fn_tab"] = ["previous"]
    _period(at, NOV.start, NOV.end)
    at.segmented_control(key="fn_tab").set_value("previous").run()
    frames = [pl.from_pandas(d.value) for d in at.dataframe if "users_previous" in d.value.columns]
    assert frames
    want = View(upload(log), NOV_YB).funnel()["users"].to_list()
    assert frames[-1]["users_previous"].to_list() == want


def test_not_covered_connected(monkeypatch, tmp_path, log) -> None:
    at = connected_app(monkeypatch, tmp_path, "pages/home_view.py", log=log, timeout=400)
    _period(at, NOV_YB.start, NOV_YB.end)
    fact = View(upload(log), NOV_YB).year_before_coverage().fact()
    assert render(fact, "en", markdown=True) in [i.value for i in at.info]
