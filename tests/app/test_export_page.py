"""AppTest of the Export page: sheet choice, thresholds from the URL, the download button."""

from __future__ import annotations

from kpi import alerts, stages
from kpi.report import SECTIONS
from tests.app.conftest import errors_and_exceptions


def _open_export(app):
    app.run()
    app.switch_page("pages/export_view.py").run()
    assert errors_and_exceptions(app) == []
    return app


def _expected_flags(app, thresholds: alerts.Thresholds) -> list[alerts.RedFlag]:
    """The red flags of the whole demo data, computed here straight from kpi."""
    ds = app.session_state["dataset"]
    kpis = stages.stage_kpis(ds, first_seen=ds.users.select("user_id", "first_seen"))
    monthly = stages.monthly_session_duration(ds.events)
    return alerts.red_flags(kpis, None, monthly_duration=monthly, thresholds=thresholds)


def test_export_page_defaults(app):
    _open_export(app)
    assert [b.label for b in app.main.download_button] == ["Excel summary"]
    assert app.main.download_button[0].proto.ignore_rerun  # on_click="ignore": no rerun
    assert app.multiselect(key="ex_sheets").value == list(SECTIONS)
    assert app.session_state["export_sections"] == list(SECTIONS)
    expected = _expected_flags(app, alerts.Thresholds())
    heads = [h.value for h in app.subheader]
    assert f"Red flags in this view: {len(expected)}" in heads
    shown = "\n".join(e.value for e in [*app.error, *app.warning])
    for flag in expected:
        assert flag.message in shown


def test_thresholds_and_sheets_from_the_url(app):
    app.query_params["ex_min_conversion"] = ["50"]
    app.query_params["ex_sheets"] = ["Summary", "Funnel"]  # the labels shown
    _open_export(app)
    t = app.session_state["thresholds"]
    assert t.min_conversion == 0.5
    assert app.session_state["export_sections"] == ["summary", "funnel"]
    expected = _expected_flags(app, t)
    assert any(f.code == "low_conversion" for f in expected)
    assert any("below the 50 % minimum" in e.value for e in app.error)
    assert len(app.main.download_button) == 1


def test_visiting_export_keeps_thresholds_set_elsewhere(app):
    """Thresholds set on the Funnel page survive a visit to the Export page."""
    app.run()
    app.session_state["thresholds"] = alerts.Thresholds(min_conversion=0.1, funnel_alpha=0.01)
    app.switch_page("pages/export_view.py").run()
    assert not app.exception
    t = app.session_state["thresholds"]
    assert (t.min_conversion, t.funnel_alpha) == (0.1, 0.01)
