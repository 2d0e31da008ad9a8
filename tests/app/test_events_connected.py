"""Events on the charts of a connected DuckDB table (the same charts, fed by the engine's
aggregates) and the Events sheet of its workbook (the engine's weekly conversion)."""

from __future__ import annotations

import io

import openpyxl
import pytest
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from tests.app.connected import connected_app
from tests.app.test_events_on_charts import _event_data, _trend_spec
from tests.engine.engine_data import events

N = 300


@pytest.fixture(scope="module")
def log():
    return events(N)  # 2 January - 24 June 2025


def test_connected_funnel_trend_and_workbook_show_the_events(monkeypatch, tmp_path, log) -> None:
    seen: list = []
    original = DeltaGenerator.download_button

    def spy(self, label, data, *args, **kwargs):
        if kwargs.get("key") == "ex_download":
            seen.append(data)
        return original(self, label, data, *args, **kwargs)

    monkeypatch.setattr(DeltaGenerator, "download_button", spy)
    monkeypatch.setattr(st, "download_button", lambda *a, **k: spy(st._main, *a, **k))
    at = connected_app(monkeypatch, tmp_path, "pages/funnel_view.py", log=log)
    at.toggle(key="ev_hol_on").set_value(True).run()
    at.toggle(key="ev_retail_on").set_value(True).run()
    at.segmented_control(key="fn_tab").set_value("time").run()
    assert not at.exception, [e.value for e in at.exception]
    labels = {r["ev_label"] for r in _event_data(at, _trend_spec(at))}
    # in range: the winter sales (8 Jan - 4 Feb 2025) and Easter Monday (21 Apr)
    assert {"Winter sales 2025", "Easter Monday"} <= labels
    assert "Summer sales 2025" not in labels  # 25 June: after the table's last entry week

    at.switch_page("pages/export_view.py").run()
    assert not at.exception, [e.value for e in at.exception]
    raw = seen[-1]() if callable(seen[-1]) else seen[-1]
    book = openpyxl.load_workbook(io.BytesIO(raw))
    assert book.sheetnames[-1] == "Events"
    rows = list(book["Events"].iter_rows(values_only=True))
    sheet_labels = {r[2] for r in rows if r and len(r) > 2 and isinstance(r[2], str)}
    assert {"Winter sales 2025", "Easter Monday"} <= sheet_labels


def test_connected_retention_heatmap_curves_and_insight_show_the_events(monkeypatch, tmp_path, log) -> None:  # fmt: skip
    """The connected table's cohorts (the engine's counts) get the same marks: each cell's
    calendar days (the cohort's month + N) against the calendar, by brute force."""
    import datetime as dt

    from kpi import calendar
    from kpi.calendar import CalendarSettings
    from kpi.calendar.write import label_text
    from tests.app.test_events_on_cohort_charts import _titled

    at = connected_app(monkeypatch, tmp_path, "pages/retention_view.py", log=log)
    at.toggle(key="ev_hol_on").set_value(True).run()
    at.toggle(key="ev_retail_on").set_value(True).run()
    assert not at.exception, [e.value for e in at.exception]
    grain = at.session_state["cohort_by"] or "month"
    assert grain == "month"
    heat = _titled(at, "retained")
    rows = _event_data(at, heat)
    marked = {(r["cohort"], r["period"]): set(r["ev_label"].split(" · ")) for r in rows if r.get("ev_label")}  # fmt: skip
    settings = CalendarSettings(country="FR", retail=True)
    want = {}
    for r in rows:
        if r["cohort_start"] is None:
            continue
        m = r["cohort_start"].year * 12 + r["cohort_start"].month - 1 + r["period"]
        first = dt.date(m // 12, m % 12 + 1, 1)
        last = dt.date(m // 12 + (m % 12 == 11), (m + 1) % 12 + 1, 1) - dt.timedelta(days=1)
        hit = {label_text(e, "en") for e in calendar.events_for(settings, first, last, "en")}
        if hit:
            want[(r["cohort"], r["period"])] = hit
    assert marked == want and marked
    # January 2025: New Year's Day and the winter sales (8 January - 4 February)
    assert marked[("Jan 2025", 0)] == {"New Year's Day", "Winter sales 2025"}
    assert marked[("Jan 2025", 1)] == {"Winter sales 2025"}
    curves = _titled(at, "Retention curve")
    assert any(r.get("ev_label") for r in _event_data(at, curves))
