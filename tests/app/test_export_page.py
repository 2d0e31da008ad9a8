"""AppTest of the Export page: sheet choice, thresholds from the URL, the download button."""

from __future__ import annotations

from kpi import alerts, stages
from kpi.report import SECTIONS
from kpi.words import render
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
    for flag in expected:  # each flag's sentence, as the page renders it (Markdown)
        assert render(flag.message, "en", markdown=True) in shown


def test_thresholds_and_sheets_from_the_url(app):
    app.query_params["ex_min_conversion"] = ["50"]
    app.query_params["ex_sheets"] = ["Summary", "Funnel"]  # the labels shown
    _open_export(app)
    t = app.session_state["thresholds"]
    assert t.min_conversion == 0.5
    assert app.session_state["export_sections"] == ["summary", "funnel"]
    expected = _expected_flags(app, t)
    assert any(f.code == "low_conversion" for f in expected)
    low = next(f for f in expected if f.code == "low_conversion")
    assert low.message.code == "alerts.low_conversion" and low.message["threshold"] == 0.5
    sentence = render(low.message, "en", markdown=True)
    assert sentence.endswith("below the 50.0% minimum.")  # one precision rule
    assert any(sentence in e.value for e in app.error)
    assert len(app.main.download_button) == 1


def test_visiting_export_keeps_thresholds_set_elsewhere(app):
    """Thresholds set on the Funnel page survive a visit to the Export page."""
    app.run()
    app.session_state["thresholds"] = alerts.Thresholds(min_conversion=0.1, funnel_alpha=0.01)
    app.switch_page("pages/export_view.py").run()
    assert not app.exception
    t = app.session_state["thresholds"]
    assert (t.min_conversion, t.funnel_alpha) == (0.1, 0.01)


def test_export_page_in_french(app):
    app.query_params["lang"] = "fr"
    _open_export(app)
    heads = [h.value for h in app.subheader]
    assert heads[:2] == ["Onglets", "Seuils d'alerte"]
    assert heads[2].startswith("Alertes dans cette vue")
    ms = app.multiselect(key="ex_sheets")
    assert ms.label == "Onglets du classeur" and ms.value == list(SECTIONS)  # codes, not words
    assert ms.options[:3] == ["Synthèse", "Entonnoir", "KPI par étape"]
    assert app.session_state["export_sections"] == list(SECTIONS)
    assert "Taux de conversion minimum (%)" in [n.label for n in app.number_input]
    caption = next(c.value for c in app.caption if c.value.startswith("Entonnoir du classeur"))
    assert "ordre séquentiel" in caption and "fenêtre 14 jours" in caption
    assert len(app.main.download_button) == 1


def test_red_flags_in_french_from_the_url(app):
    app.query_params["lang"] = "fr"
    app.query_params["ex_min_conversion"] = ["50"]
    _open_export(app)
    expected = _expected_flags(app, app.session_state["thresholds"])
    assert [h.value for h in app.subheader][2] == f"Alertes dans cette vue\u00a0: {len(expected)}"
    low = next(f for f in expected if f.code == "low_conversion")
    sentence = render(low.message, "fr", markdown=True)
    assert sentence.endswith("sous le seuil minimum de 50,0\u00a0%.")
    shown = "\n".join(e.value for e in [*app.error, *app.warning])
    for flag in expected:
        assert render(flag.message, "fr", markdown=True) in shown
    assert "Taux de conversion faible" in shown and "below" not in shown


def test_pages_and_workbook_share_one_computation(app, monkeypatch):
    """The Overview, the Stage KPIs page, the red flags of both and of the Export page, and the
    workbook built from the session's View compute the stage KPIs once."""
    import io

    import openpyxl

    from kpi.export.workbook import ReportOptions, build_workbook
    from kpi.view import View

    calls = []
    real = stages.stage_kpis
    monkeypatch.setattr(stages, "stage_kpis", lambda *a, **k: calls.append(1) or real(*a, **k))
    app.run()
    for page in ("pages/stages_view.py", "pages/home_view.py", "pages/export_view.py"):
        app.switch_page(page).run()
        assert errors_and_exceptions(app) == [], page
    assert len(calls) == 1
    view = list(app.session_state["_views"].values())[-1]
    assert isinstance(view, View)
    options = ReportOptions(funnel=view.settings, view=view)
    data = build_workbook(
        app.session_state["dataset"], app.session_state["filters"], options=options
    )
    assert len(calls) == 1  # the workbook read the View's KPIs
    users = next(k for k in view.kpis() if k.code == "users").value
    ws = openpyxl.load_workbook(io.BytesIO(data))["Summary"]
    assert {c.value: ws.cell(c.row, 2).value for c in ws["A"]}["Users in view"] == users


def test_french_sheets_stay_picked_when_a_threshold_changes(app):
    """In French, another widget's change keeps every sheet picked (the sheet names were
    rendered in English outside the script run, so none matched and the download vanished)."""
    app.query_params["lang"] = "fr"
    _open_export(app)
    app.number_input(key="ex_min_conversion").increment().run()
    assert errors_and_exceptions(app) == []
    assert app.multiselect(key="ex_sheets").value == list(SECTIONS)
    assert [b.label for b in app.main.download_button] == ["Synthèse Excel"]
