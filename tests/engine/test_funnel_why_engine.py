"""Why they drop on a connected table (DuckDB): the segment values' tests come from the
engine's funnel by segment, the events' from kpi.engine.drivers, and equal the upload's
(kpi.view.View on the same events as a CSV) to the last count and p-value; the next events
are not offered (said in the workbook's sheet)."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import openpyxl
import polars as pl
import pytest

pytest.importorskip("kpi.engine.source")

from kpi.engine.roles import map_roles
from kpi.engine.source import connect, parse_source
from kpi.engine.view import EngineView
from kpi.errors import InputError
from kpi.export.workbook import ReportOptions, write_workbook
from kpi.filters import Filters
from kpi.funnel import why
from kpi.load import read_table
from kpi.schema import TableInput, build_dataset, detect_roles
from kpi.settings import FunnelSettings
from kpi.view import View
from tests.engine.engine_data import STEPS, duckdb_file, events

SETTINGS = FunnelSettings(steps=tuple(STEPS), window=dt.timedelta(days=14))


@pytest.fixture(scope="module")
def log() -> pl.DataFrame:
    return events(600)


@pytest.fixture(scope="module")
def db(log: pl.DataFrame, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return duckdb_file(log, tmp_path_factory.mktemp("why") / "x.duckdb")


def _engine(db: Path, settings: FunnelSettings = SETTINGS) -> EngineView:
    src = connect(parse_source(f"duckdb:///{db}"), table="events")
    return EngineView(map_roles(src.native, None, label=src.label), Filters(), settings)


def _upload(log: pl.DataFrame) -> View:
    t = read_table(log.write_csv().encode(), filename="events.csv")
    roles = detect_roles(t.frame, filename="events.csv")
    ds = build_dataset([TableInput("events.csv", t.frame, roles=roles)])
    return View(ds, Filters(), SETTINGS)


COLS = ["column", "value", "converters_with", "dropped_with", "odds_ratio", "p_value"]


@pytest.mark.parametrize("step", [1, 2, 3])
def test_engine_segment_tests_equal_the_uploads(db: Path, log: pl.DataFrame, step: int) -> None:
    engine = why.engine_drivers_of(_engine(db), step)
    upload = why.drivers_of(_upload(log), step)
    assert (engine.converters, engine.dropped) == (upload.converters, upload.dropped)
    segs = upload.table.filter(pl.col("kind") == "segment")
    shared = sorted(set(engine.table["column"]) & set(segs["column"]))
    assert "device" in shared
    key = ["column", "value"]
    a = engine.table.filter(pl.col("column").is_in(shared)).select(COLS).sort(key)
    b = segs.filter(pl.col("column").is_in(shared)).select(COLS).sort(key)
    assert (
        a.select(key, "converters_with", "dropped_with").rows()
        == b.select(key, "converters_with", "dropped_with").rows()
    )
    for x, y in zip(a.rows(), b.rows(), strict=True):
        assert x[4:] == pytest.approx(y[4:], rel=1e-12, nan_ok=True)
    # every event of this log is a step: no event row on either route (the events' counts
    # are compared in tests/engine/test_funnel_drivers_engine.py)
    assert engine.table.filter(pl.col("kind") == "event").height == 0
    assert upload.table.filter(pl.col("kind") == "event").height == 0
    assert engine.events_tested and upload.events_tested


def test_engine_open_funnel_and_the_sheet(db: Path) -> None:
    from dataclasses import replace

    with pytest.raises(InputError):
        why.engine_drivers_of(_engine(db, replace(SETTINGS, open_funnel=True)), 1)
    view = _engine(db)
    data = write_workbook(view, ReportOptions(funnel=SETTINGS, why_step=2), ["why"])
    ws = openpyxl.load_workbook(io.BytesIO(data))["Why they drop"]
    text = [c for row in ws.iter_rows(values_only=True) for c in row if isinstance(c, str)]
    assert any(s.startswith("Where the dropped users went next is not offered") for s in text)
    assert any("Users with device = " in s for s in text) or "Finding" in text
    assert "Step product → cart; all users, whole period." in text
