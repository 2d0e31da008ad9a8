"""A/B page at 1280 px (QA on issue 9): the two charts side by side had their titles cut with
"…" ("Difference vs Témoin, with its 95 % inter…") and five metric cards in a row cut
"+0.60 pp" to "+0.60…". Titles are wrapped lines; the cards come three a row."""

from __future__ import annotations

import json

from tests.app.conftest import ROOT, errors_and_exceptions

QUERY = {
    "ab_q_name_a": "Témoin",
    "ab_q_n_a": "12000",
    "ab_q_x_a": "540",
    "ab_q_name_b": "Nouvelle page",
    "ab_q_n_b": "11950",
    "ab_q_x_b": "610",
}


def _lines(text: str | list[str]) -> list[str]:
    return [text] if isinstance(text, str) else list(text)


def test_ab_chart_titles_are_wrapped_and_cards_three_a_row(app):
    app.switch_page(str(ROOT / "pages" / "abtest_view.py"))
    for k, v in QUERY.items():
        app.query_params[k] = v
    app.run()
    assert errors_and_exceptions(app) == []
    metrics = {m.label: m.value for m in app.metric}
    assert metrics["Difference (pp)"] == "+0.60 pp" and metrics["Risk if shipped"] == "0.0014 pp"
    specs = [json.loads(c.proto.spec) for c in app.get("vega_lite_chart")]
    titled = {" ".join(_lines(s["title"]["text"])): s for s in specs if "title" in s}
    diff = titled["Difference vs Témoin, with its 95% interval"]
    assert len(_lines(diff["title"]["text"])) == 2
    assert all(len(line) <= 30 for line in _lines(diff["title"]["text"]))
    assert all(len(line) <= 60 for line in _lines(diff["title"]["subtitle"]))
    rates = titled["Conversion rate per variant"]
    assert all(len(line) <= 60 for line in _lines(rates["title"]["subtitle"]))
    # the plot keeps its height: the extra title lines are added to the chart's height
    assert diff["height"] == 160 + 60 + 22 * (1 + len(_lines(diff["title"]["subtitle"])) - 1)


def test_kpi_card_labels_wrap_instead_of_being_cut():
    """Four cards a row at 1280 px cut "Bounce rate on landing pages" to "Bounce rate on
    landi…" (checked in chromium at 1280×720: the label now wraps on two lines). The frame's
    style element carries the rule on every page."""
    from pages._ui.widgets import FRAME_CSS

    rule = FRAME_CSS.split('[data-testid="stMetricLabel"]', 1)[1]
    assert "white-space: normal !important" in rule.split("}")[0]
    assert "text-overflow: clip !important" in rule.split("}")[0]
