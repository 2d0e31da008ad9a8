"""Events of the calendar on the charts over time (AppTest, English and French): the marks are
in the charts' Vega-Lite specs, the insight says when a change overlaps an event, and the
calendar's toggles are bound to the URL."""

from __future__ import annotations

import json

import pytest

from tests.app.conftest import errors_and_exceptions

FUNNEL = "pages/funnel_view.py"


def _specs(at) -> list[dict]:
    return [json.loads(c.proto.spec) for c in at.get("vega_lite_chart")]


def _layers(spec: dict) -> list[dict]:
    out = []
    for layer in spec.get("layer", []):
        out += _layers(layer) if "layer" in layer else [layer]
    return out


def _marks(spec: dict) -> list[str]:
    return [
        (layer["mark"]["type"] if isinstance(layer["mark"], dict) else layer["mark"])
        for layer in _layers(spec)
    ]


def _event_data(at, spec: dict) -> list[dict]:
    """Rows of the datasets of a chart that carry events (a column ``ev_label``)."""
    rows = []
    for c in at.get("vega_lite_chart"):
        if json.loads(c.proto.spec) != spec:
            continue
        import pyarrow as pa

        for d in c.proto.datasets:
            table = pa.ipc.open_stream(d.data.data).read_all()
            if "ev_label" in table.column_names:
                rows += table.to_pylist()
    return rows


def _trend_spec(at) -> dict:
    for spec in _specs(at):
        if any(
            layer.get("encoding", {}).get("x", {}).get("field") == "period"
            and layer.get("encoding", {}).get("x", {}).get("type") == "temporal"
            for layer in [*_layers(spec), spec]
        ):
            return spec
    raise AssertionError("no conversion-over-time chart")


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_funnel_trend_draws_holidays_and_retail_periods(app, lang):
    app.query_params["lang"] = [lang]
    app.query_params["ev_hol"] = ["FR"]
    app.query_params["ev_retail"] = ["1"]
    app.query_params["fn_tab"] = ["time"]
    app.run()
    app.switch_page(FUNNEL).run()
    assert errors_and_exceptions(app) == []
    spec = _trend_spec(app)
    marks = _marks(spec)
    assert "rule" in marks and "rect" in marks and "text" in marks
    rows = _event_data(app, spec)
    labels = {r["ev_label"] for r in rows}
    # the demo data runs from 1 June to 30 November 2025 (weekly entries)
    if lang == "fr":
        assert {"Fête nationale", "Assomption", "Soldes d'été 2025", "Black Friday 2025"} <= labels
        assert "Jour férié" in {r["ev_kind"] for r in rows}
        assert any(r["ev_when"] == "du 25 juin 2025 au 22 juil. 2025" for r in rows)
    else:
        assert {
            "National Day",
            "Assumption Day",
            "Summer sales 2025",
            "Black Friday 2025",
        } <= labels
        assert "Public holiday" in {r["ev_kind"] for r in rows}
    tooltip = [t["field"] for layer in _layers(spec) if layer.get("mark", {}) for t in layer.get("encoding", {}).get("tooltip", []) if isinstance(t, dict)]  # fmt: skip
    assert {"ev_label", "ev_kind", "ev_when"} <= set(tooltip)
    assert app.session_state["ev_hol_on"] is True and app.session_state["ev_retail_on"] is True
    assert app.query_params.get("ev_hol") == "FR"


def test_without_a_calendar_the_chart_is_unchanged(app):
    app.query_params["fn_tab"] = ["time"]
    app.run()
    app.switch_page(FUNNEL).run()
    assert errors_and_exceptions(app) == []
    # no event rows in the chart's data (the benchmark band of the targets is a rect too)
    assert _event_data(app, _trend_spec(app)) == []


def _chart_with(at, field: str) -> dict:
    for spec in _specs(at):
        for layer in [*_layers(spec), spec]:
            if layer.get("encoding", {}).get("x", {}).get("field") == field:
                return spec
    raise AssertionError(f"no chart with x = {field}")


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_a_typed_event_is_drawn_and_named_by_the_insight(app, lang):
    import datetime as dt

    app.query_params["lang"] = [lang]
    app.query_params["fn_tab"] = ["time"]
    app.run()
    app.switch_page(FUNNEL).run()
    # a one-week promotion typed in the sidebar's form, on the week of 14 July 2025
    app.date_input(key="ev_add_days").set_value((dt.date(2025, 7, 14), dt.date(2025, 7, 20)))
    app.text_input(key="ev_add_label").set_value("Promo =HYPERLINK")
    app.selectbox(key="ev_add_kind").set_value("promotion")
    next(b for b in app.get("button") if b.proto.is_form_submitter).click().run()
    assert errors_and_exceptions(app) == []
    spec = _trend_spec(app)
    rows = _event_data(app, spec)
    assert [r["ev_label"] for r in rows if r["ev_label"].startswith("Promo")] == ["Promo =HYPERLINK"]  # fmt: skip
    promo = next(r for r in rows if r["ev_label"].startswith("Promo"))
    assert promo["ev_kind"] == "Promotion" and promo["ev_colour"] == "#D55E00"
    assert "rect" in _marks(spec)  # a range: a shaded rect
    # the largest weekly change of conversion (landing -> purchase) of the demo data is the
    # drop of the week of 14 July (ISO week 29): 4.83 % -> 3.80 % = -1.03 pp (the next largest,
    # the week of 24 November: 2.81 % -> 1.81 % = -0.99 pp); it overlaps the typed promotion
    words = [i.value for i in app.info]
    if lang == "fr":
        want = "la baisse de la semaine 29 de 2025 (4,83\u00a0% → 3,80\u00a0%, -1,03\u00a0pt)"
    else:
        want = "the drop in week 29 of 2025 (4.83% → 3.80%, -1.03 pp)"
    assert any(want in w and "Promo" in w for w in words), words
    # typed events are not in the URL; the CSV download carries them
    assert not any(k.startswith("ev_") and k not in ("ev_hol", "ev_retail") for k in app.query_params)  # fmt: skip
    assert app.session_state["calendar_settings"].events[0].label == "Promo =HYPERLINK"


def test_stage_kpis_over_time_and_advocacy_and_retention_draw_events(app):
    app.query_params["lang"] = ["fr"]
    app.query_params["ev_hol"] = ["FR"]
    app.query_params["ev_retail"] = ["1"]
    app.run()
    app.switch_page("pages/stages_view.py").run()
    app.toggle(key="st_over_time").set_value(True).run()
    assert errors_and_exceptions(app) == []
    spec = _chart_with(app, "period")
    labels = {r["ev_label"] for r in _event_data(app, spec)}
    assert {"Fête nationale", "Soldes d'été 2025", "Black Friday 2025"} <= labels
    assert "rule" in _marks(spec) and "rect" in _marks(spec)

    app.switch_page("pages/advocacy_view.py").run()
    assert errors_and_exceptions(app) == []
    spec = _chart_with(app, "period")
    rows = _event_data(app, spec)
    assert "Black Friday 2025" in {r["ev_label"] for r in rows}
    # on a chart by month, a one-day event is drawn on its month
    assert {r["period"] for r in rows if r["ev_label"] == "Fête nationale"} == {"juil. 2025"}

    app.switch_page("pages/retention_view.py").run()
    assert errors_and_exceptions(app) == []
    spec = _chart_with(app, "cohort")
    rows = _event_data(app, spec)
    # the cohorts whose start month overlaps an event: the summer sales run 25 June - 22 July
    sales = {r["cohort"] for r in rows if r["ev_label"] == "Soldes d'été 2025"}
    assert len(sales) == 2


def test_turning_the_holidays_off_removes_them_from_the_url(app):
    app.query_params["ev_hol"] = ["BE"]
    app.run()
    assert app.selectbox(key="ev_country").value == "BE"
    assert app.session_state["calendar_settings"].country == "BE"
    app.toggle(key="ev_hol_on").set_value(False).run()
    assert "ev_hol" not in app.query_params
    assert app.session_state["calendar_settings"].country is None


def test_an_unknown_country_in_a_link_is_not_a_traceback(app):
    app.query_params["ev_hol"] = ["ZZ"]
    app.run()
    assert errors_and_exceptions(app) == []
    assert app.session_state["ev_hol_on"] is False
