"""The server's warm-up (pages/_ui/warm.py): the demo's first page computed before the first
visitor is the one a new session shows (the same View object, the same numbers as a cold
computation), and nothing heavy the first page does not draw is imported for it."""

from __future__ import annotations

import subprocess
import sys

import pytest
from streamlit.testing.v1 import AppTest

from kpi import alerts, stages
from pages._ui import compute, settings, state, warm
from tests.app.conftest import ROOT, errors_and_exceptions


def test_the_first_session_uses_the_view_computed_before_it():
    view = warm.demo_first_view()
    assert view is not None
    shared, _ = compute._shared_views()
    assert list(shared.values()) == [view]
    assert "kpis" in view._memo and any(k.startswith("flags|") for k in view._memo)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params["lang"] = "en"
    at.run()
    assert errors_and_exceptions(at) == []
    # the session found it (same key): no other View of the demo was made
    assert list(shared.values()) == [view]
    assert list(at.session_state["_views"].values()) == [view]
    # its numbers are a cold computation's: the stage KPIs and the red flags of the whole demo
    full = state._demo_at_grain("month")
    first_seen = full.users.select("user_id", "first_seen")
    cold = {k.code: k.value for k in stages.stage_kpis(full, first_seen=first_seen)}
    warmed = {k.code: k.value for k in view.kpis()}
    assert warmed.keys() == cold.keys()
    assert all(warmed[c] == pytest.approx(cold[c], rel=1e-12) for c in cold if cold[c] is not None)
    assert cold["users"] == full.users.height
    fresh = compute._new_view(
        full, view.filters, settings.default_funnel_settings(full), "month", shared=False
    )
    assert view.red_flags(alerts.Thresholds()) == fresh.red_flags(alerts.Thresholds())


def test_the_default_settings_are_a_new_sessions():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    views = at.session_state["_views"]
    (view,) = views.values()
    assert warm.demo_first_view().settings == view.settings


def test_the_first_page_imports_nothing_it_does_not_draw():
    """The frame and the Overview's modules, imported as the warm-up does, pull neither
    scipy, altair, pandas nor openpyxl (imported after the first page is on screen)."""
    code = (
        "import sys; sys.path.insert(0, '.')\n"
        "from pages._ui import warm\n"
        "warm.import_all(warm.FIRST_PAGE)\n"
        "print(','.join(m for m in ('scipy', 'altair', 'pandas', 'openpyxl') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == ""


def test_the_sidebar_button_names_the_file_as_the_workbook_does():
    from kpi import report
    from pages._ui import download

    assert download.MIME == report.MIME
    for lang in ("en", "fr"):
        assert download.file_name(lang=lang) == report.file_name(lang=lang)


def test_the_background_imports_wait_for_a_second_without_a_run(monkeypatch):
    import time

    monkeypatch.setattr(warm, "_STARTED", set())
    monkeypatch.setattr(warm, "_THREADS", [])
    monkeypatch.setattr(warm, "_DEFERRED", [])
    monkeypatch.setattr(warm, "_timer", None)
    monkeypatch.setattr(warm, "LATER_DELAY", 0.3)
    monkeypatch.setattr(warm, "LATER", ("json",))
    done: list[str] = []
    warm.defer(lambda: done.append("scan"))
    warm.after_first_page()  # the end of a run: the wait starts
    warm.settle()  # a run starts within the wait: nothing is imported meanwhile
    time.sleep(0.6)
    assert warm._THREADS == [] and done == []
    warm.after_first_page()  # that run's end: the wait starts again
    time.sleep(0.6)
    warm.settle()  # the imports started: the next run waits for them
    assert len(warm._THREADS) == 1 and not warm._THREADS[0].is_alive()
    assert done == ["scan"]
    warm.defer(lambda: done.append("late"))  # after the start: at once
    assert done == ["scan", "late"]
