"""Real browser: type an event in the sidebar's calendar, see it on the Funnel page's
conversion over time (label in the chart, the insight sentence under it) and in the Events
sheet of the downloaded workbook, in English and in French at 1280×720."""

from __future__ import annotations

import datetime as dt
import re

import openpyxl
import pytest

from tests.e2e.conftest import wait_for_app

pytestmark = pytest.mark.e2e

WORDS = {
    "en": {
        "title": "Events on the charts",
        "days": "Day or first and last day",
        "label": "Label",
        "add": "Add the event",
        "insight": "the drop in week 29 of 2025 (4.83% → 3.80%, -1.03 pp) overlaps ‘Promo app’",
        "button": "Excel summary",
        "sheet": "Events",
    },
    "fr": {
        "title": "Événements sur les graphiques",
        "days": "Jour, ou premier et dernier jour",
        "label": "Libellé",
        "add": "Ajouter l'événement",
        "insight": "la baisse de la semaine 29 de 2025 (4,83\u00a0% → 3,80\u00a0%, -1,03\u00a0pt) "
        "coïncide avec «\u00a0Promo app\u00a0»",
        "button": "Synthèse Excel",
        "sheet": "Événements",
    },
}


def _type_days(side, page, words: dict, first: str, last: str) -> None:
    """The date field is made of spin buttons (year, month, day) that move on as one types."""
    for which, day in (("start", first), ("end", last)):
        name = f"year, {words['days']} {which} date"
        side.get_by_role("spinbutton", name=name).click()
        page.keyboard.type(day, delay=60)


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_typed_event_on_the_chart_and_in_the_workbook(server, page, tmp_path, lang):
    words = WORDS[lang]
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(f"{server}/funnel?fn_tab=time&lang={lang}")
    wait_for_app(page)
    page.locator(".vega-embed").first.wait_for(timeout=120_000)
    side = page.get_by_test_id("stSidebar")
    side.get_by_text(words["title"]).first.click()
    _type_days(side, page, words, "20250714", "20250720")
    side.get_by_label(words["label"], exact=True).fill("Promo app")
    side.get_by_role("button", name=words["add"]).click()
    # the label is drawn on the chart (vega's SVG text), the insight names the event
    insight = page.get_by_text(re.compile(re.escape(words["insight"])))
    insight.wait_for(timeout=120_000)
    texts = page.eval_on_selector_all(".vega-embed svg text", "els => els.map(e => e.textContent)")
    assert "Promo app" in texts
    chart = page.locator(".vega-embed").filter(has_text="Promo app").first
    chart.scroll_into_view_if_needed()
    page.screenshot(path=str(tmp_path / f"events_{lang}.png"))
    assert page.get_by_test_id("stException").count() == 0

    # the workbook of this session has the event in its Events sheet
    button = side.get_by_role("button", name=words["button"])
    with page.expect_download(timeout=180_000) as info:
        button.click(timeout=60_000)
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames[-1] == words["sheet"]
    rows = list(wb[words["sheet"]].iter_rows(values_only=True))
    assert (dt.datetime(2025, 7, 14), dt.datetime(2025, 7, 20), "Promo app") in [
        r[:3] for r in rows
    ]
    assert any(isinstance(r[0], str) and words["insight"] in r[0] for r in rows)
