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
    assert "rect" not in _marks(_trend_spec(app))
