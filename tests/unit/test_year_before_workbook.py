"""The same period a year before in the workbook, read back with openpyxl: the Summary's column
after "previous period", the Stage KPIs sheet's columns, the Funnel sheet's section, in English
and French, against a direct View of the year before and statsmodels; left out with
``year_before=False`` and ``--no-year-before``; a period not covered is said, its cells empty;
a connected table's workbook has the same cells."""

from __future__ import annotations

import io
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import openpyxl
import polars as pl
import pytest
from statsmodels.stats.proportion import proportions_ztest

from kpi.export.workbook import ReportOptions, build_workbook, write_workbook
from kpi.filters import Filters
from kpi.view import View
from kpi.words import render
from kpi.year_before import dates_fact
from tests.engine.aggregates_support import upload
from tests.unit.two_years import two_years

ROOT = Path(__file__).resolve().parents[2]
NOV = Filters(start=date(2025, 11, 1), end=date(2025, 11, 30))
NOV_YB = Filters(start=date(2024, 11, 1), end=date(2024, 11, 30))
WHEN = datetime(2025, 12, 1)


@pytest.fixture(scope="module")
def log() -> pl.DataFrame:
    return two_years()


@pytest.fixture(scope="module")
def ds(log):
    return upload(log)


def _rows(data: bytes, table: str) -> list[dict]:
    wb = openpyxl.load_workbook(io.BytesIO(data))
    for ws in wb:
        if table in ws.tables:
            cells = ws[ws.tables[table].ref]
            head = [c.value for c in cells[0]]
            return [dict(zip(head, (c.value for c in row), strict=True)) for row in cells[1:]]
    raise AssertionError(f"no table {table}")


def _texts(data: bytes, sheet_index: int) -> list[str]:
    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = wb.worksheets[sheet_index]
    return [str(c.value) for row in ws.iter_rows() for c in row if isinstance(c.value, str)]


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_summary_and_stage_kpis_columns(ds, lang) -> None:
    data = build_workbook(ds, NOV, options=ReportOptions(lang=lang, generated_at=WHEN))
    col = render("year_before.col.year_before", lang)
    yb = {k.code: k for k in View(ds, NOV_YB).kpis()}
    labels = {render(f"def.{c}.label", lang): c for c in yb}
    summary = _rows(data, "tblHeadline")
    head = list(summary[0])
    assert head.index(col) == head.index(render("export.col.previous", lang)) + 1
    checked = 0
    for row in summary:
        k = yb[labels[row[render("export.col.kpi", lang)]]]
        assert row[col] == pytest.approx(k.value), k.code
        checked += 1
    assert checked >= 5
    now = {k.code: k for k in View(ds, NOV).kpis()}
    tested = 0
    for row in _rows(data, "tblStageKpis"):
        code = labels[row[render("export.col.kpi", lang)]]
        k, o = now[code], yb[code]
        if not (k.available and o.available):
            assert row[col] is None or not k.available
            continue
        got = row[col]
        if k.unit == "seconds":  # a duration cell reads back as a time of day
            got = (
                got.total_seconds()
                if hasattr(got, "total_seconds")
                else got.hour * 3600 + got.minute * 60 + got.second + got.microsecond / 1e6
            )
        assert got == pytest.approx(o.value, abs=1e-3), code
        if k.unit == "rate":  # the change of a rate in percentage points (0.51 for +0.51 pp)
            change = row[render("year_before.col.change", lang)]
            assert change == pytest.approx((k.value - o.value) * 100), code
        p = row[render("year_before.col.p_value", lang)]
        if k.unit == "rate" and p is not None and 5 < o.numerator < o.denominator - 5:
            _, ref = proportions_ztest([k.numerator, o.numerator], [k.denominator, o.denominator])
            assert p == pytest.approx(ref, rel=1e-9), code
            tested += 1
    assert tested >= 3
    period = render(dates_fact(date(2024, 11, 1), date(2024, 11, 30)), lang)
    assert any(period in t for t in _texts(data, 0))  # the Summary says the dates


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_funnel_sheet_section(ds, lang) -> None:
    data = build_workbook(ds, NOV, options=ReportOptions(lang=lang, generated_at=WHEN))
    rows = _rows(data, "tblFunnelYearBefore")
    before, now = View(ds, NOV_YB).funnel(), View(ds, NOV).funnel()
    users = render("year_before.col.users", lang)
    assert [r[users] for r in rows] == before["users"].to_list()
    p_col = render("year_before.col.p_value", lang)
    assert rows[0][p_col] is None  # step 1: nothing to test
    for j in range(1, len(rows)):
        _, ref = proportions_ztest(
            [now["users"][j], before["users"][j]], [now["users"][0], before["users"][0]]
        )
        assert rows[j][p_col] == pytest.approx(ref, rel=1e-9)
        # the change of conversion from step 1 in points
        change = (now["conversion"][j] - before["conversion"][j]) * 100
        assert rows[j][render("year_before.col.change", lang)] == pytest.approx(change)


def test_left_out_on_request(ds, tmp_path) -> None:
    data = build_workbook(ds, NOV, options=ReportOptions(year_before=False, generated_at=WHEN))
    assert "Same period a year before" not in _rows(data, "tblHeadline")[0]
    with pytest.raises(AssertionError):
        _rows(data, "tblFunnelYearBefore")
    csv = tmp_path / "events.csv"
    two_years().write_csv(csv)
    out = tmp_path / "out.xlsx"
    run = [sys.executable, "-m", "kpi", "report", str(csv), "-o", str(out)]
    run += ["--from", "2025-11-01", "--to", "2025-11-30"]
    done = subprocess.run([*run, "-q"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "Same period a year before" in _rows(out.read_bytes(), "tblHeadline")[0]  # default
    done = subprocess.run(
        [*run, "-q", "--no-year-before"], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    assert "Same period a year before" not in _rows(out.read_bytes(), "tblHeadline")[0]


def test_not_covered_is_said(ds) -> None:
    data = build_workbook(ds, NOV_YB, options=ReportOptions(generated_at=WHEN))
    rows = _rows(data, "tblStageKpis")
    assert {r["Same period a year before"] for r in rows} == {None}  # never a 0
    why = render(View(ds, NOV_YB).year_before_coverage().fact(), "en")
    wb = openpyxl.load_workbook(io.BytesIO(data))
    texts = [str(c.value) for ws in wb for row in ws.iter_rows() for c in row if c.value]
    assert sum(why in t for t in texts) >= 2  # the Stage KPIs and Funnel sheets say why


def test_connected_table_workbook_has_the_same_cells(log, ds, tmp_path) -> None:
    pytest.importorskip("kpi.engine.stages")
    from kpi.engine.roles import map_roles
    from kpi.engine.source import connect, parse_source
    from kpi.engine.view import EngineView
    from tests.engine.engine_data import duckdb_file

    db = duckdb_file(log, tmp_path / "x.duckdb")
    src = connect(parse_source(f"duckdb:///{db}"), table="events")
    engine = EngineView(map_roles(src.native, None, label=src.label), NOV)
    options = ReportOptions(generated_at=WHEN)
    a = write_workbook(engine, options, ["summary", "stages", "funnel"])
    b = build_workbook(ds, NOV, options=options)
    for table in ("tblHeadline", "tblFunnelYearBefore"):
        got, want = _rows(a, table), _rows(b, table)
        col = "Same period a year before" if table == "tblHeadline" else "Users a year before"
        assert [r[col] for r in got] == pytest.approx([r[col] for r in want])
