"""The Export page on a connected DuckDB table, in English and French: it says what the
workbook of a connected table holds, takes the same options as for an upload (sheets and
thresholds, from the URL too), and its button gives the EngineView's workbook of the view
(the sidebar's filters), whose numbers are the upload route's on the same events."""

from __future__ import annotations

import io

import openpyxl
import pytest
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from kpi.filters import Filters, segment_param
from kpi.view import View
from kpi.words import render
from tests.app.connected import connected_app
from tests.engine.aggregates_support import upload
from tests.engine.engine_data import events

PAGE = "pages/export_view.py"
N = 300


@pytest.fixture(scope="module")
def log():
    return events(N)


@pytest.fixture
def buttons(monkeypatch):
    """The ``data`` of the page's download button at each run (built on click)."""
    seen: list = []
    original = DeltaGenerator.download_button

    def spy(self, label, data, *args, **kwargs):
        if kwargs.get("key") == "ex_download":  # the page's button (not the sidebar's)
            seen.append(data)
        return original(self, label, data, *args, **kwargs)

    monkeypatch.setattr(DeltaGenerator, "download_button", spy)
    # ``st.download_button`` is the main area's method, bound when streamlit was imported
    monkeypatch.setattr(st, "download_button", lambda *a, **k: spy(st._main, *a, **k))
    return seen


def _book(data) -> openpyxl.Workbook:
    raw = data() if callable(data) else data
    return openpyxl.load_workbook(io.BytesIO(raw))


def _pairs(ws) -> dict:
    return {r[0]: r[1] for r in ws.iter_rows(values_only=True) if r and r[0] is not None}


def _text(at) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += [e.value for e in at.error] + [w.value for w in at.warning]
    return " ".join(str(p) for p in parts).replace("\\", "")  # markdown escapes


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_page_says_what_the_workbook_holds(monkeypatch, tmp_path, log, lang) -> None:
    at = connected_app(monkeypatch, tmp_path, PAGE, lang=lang, log=log)
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    text = _text(at)
    for code in ("summary", "stages", "value", "quality"):
        assert render(f"export.sheet_contents_engine.{code}", lang) in text, code
    assert render("export.sheet_contents.funnel", lang) in text  # the same as for an upload
    assert "shop.duckdb · events" in text  # the table's label, never its address
    assert "duckdb:///" not in text
    assert len(at.main.download_button) == 1


def test_the_workbook_is_the_views(monkeypatch, tmp_path, log, buttons) -> None:
    at = connected_app(monkeypatch, tmp_path, PAGE, log=log)
    at.multiselect(key=segment_param("device")).set_value(["mobile"]).run()
    at.multiselect(key="ex_sheets").set_value(["summary", "stages", "value"]).run()
    at.number_input(key="ex_min_conversion").set_value(40.0).run()
    assert not at.exception, [e.value for e in at.exception]
    book = _book(buttons[-1])
    assert book.sheetnames == ["Summary", "Stage KPIs", "Value"]
    summary = _pairs(book["Summary"])
    view = View(upload(log), Filters(segments={"device": ["mobile"]}))
    users = next(k for k in view.kpis() if k.code == "users").value
    assert 0 < users < N
    assert summary["Users in view"] == users
    assert summary["Conversion rate"] == pytest.approx(
        next(k for k in view.kpis() if k.code == "conversion_rate").value
    )
    # the threshold typed on the page reaches the workbook's red flags (conversion < 40 %)
    flags = [str(v) for row in book["Summary"].iter_rows(values_only=True) for v in row if v]
    assert any(v.startswith("Thresholds: conversion below 40.0%") for v in flags)
    assert any("below the 40.0% minimum" in v for v in flags)  # the red flag it raises
    value = " ".join(str(v) for row in book["Value"].iter_rows(values_only=True) for v in row if v)
    assert (
        render("advocacy.connected.no_survey", "en").replace("**", "") in value
    )  # no survey in an event table
    assert "Average order value" in value
