"""Real browser: set a target in the app (a targets file loaded in the Targets section of the
Overview), see it on a KPI card, in the link, on the Funnel page's conversion chart (the
user's target as a rule, the generic benchmark as a labelled band), and in the downloaded
workbook's Summary sheet (value, target, status)."""

from __future__ import annotations

import re
from urllib.parse import unquote

import openpyxl
import pytest

from tests.e2e.conftest import wait_for_app

pytestmark = pytest.mark.e2e


def _settle(page) -> None:
    page.wait_for_timeout(500)
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']")
    page.wait_for_timeout(300)


def _load_targets(page, server: str, tmp_path) -> None:
    """Open the Overview and load a targets file (conversion 5 %) in its Targets section."""
    page.goto(f"{server}/?lang=en")
    wait_for_app(page)
    section = page.get_by_test_id("stExpander").filter(has_text="Targets").first
    section.get_by_text("Targets").first.click()
    targets = tmp_path / "targets.csv"
    targets.write_text("kpi;target\nconversion_rate;0,05\n")
    section.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(targets))
    page.get_by_text("1 target read from 1 row; 0 rows ignored.").wait_for(timeout=60_000)
    _settle(page)


def test_a_target_on_the_cards_the_chart_and_the_workbook(server, page, tmp_path):
    _load_targets(page, server, tmp_path)
    # the card: the demo's conversion 4.09 % against 5 %: −0.91 pt, below 4.5 %: off target
    card_line = page.get_by_text(re.compile(r"Target 5\.00% · gap -0\.91 pp · Off target"))
    card_line.first.wait_for(timeout=30_000)
    assert "target=conversion_rate:0.05" in unquote(page.url)
    page.screenshot(path=str(tmp_path / "overview_target.png"))

    page.get_by_role("link", name="Funnel").first.click()
    wait_for_app(page)
    page.get_by_test_id("stMain").get_by_text("Over time", exact=True).first.click()
    _settle(page)
    chart = page.get_by_test_id("stVegaLiteChart").last
    chart.scroll_into_view_if_needed()
    chart.locator("text", has_text="Your target 5.00%").first.wait_for(timeout=30_000)
    bench = chart.locator("text", has_text="Generic e-commerce benchmark: 1–3%")
    assert bench.count() == 1
    page.screenshot(path=str(tmp_path / "funnel_target.png"))

    button = page.get_by_test_id("stSidebar").get_by_role(
        "button", name=re.compile("Excel summary")
    )
    with page.expect_download(timeout=120_000) as info:
        button.click()
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    ws = openpyxl.load_workbook(path)["Summary"]
    rows = [[c.value for c in r] for r in ws.iter_rows()]
    head = next(i for i, r in enumerate(rows) if r[:3] == ["KPI", "Value", "Target"])
    conv = next(r for r in rows[head + 1 :] if r[0] == "Conversion rate")
    status = rows[head].index("Status")  # after the previous period and the year before
    assert conv[1] == pytest.approx(0.0409) and conv[2] == 0.05 and conv[status] == "Off target"
    flat = " ".join(str(v) for r in rows for v in r if v is not None)
    assert "Target missed: Conversion rate" in flat
    assert page.get_by_test_id("stException").count() == 0


def test_a_target_and_an_event_on_one_chart_and_in_the_workbook(server, page, tmp_path):
    """The issue's check: a target set and an event added in one session, both drawn on the
    Funnel page's conversion over time and both in the downloaded workbook."""
    from tests.e2e.test_events_browser import WORDS, _type_days

    words = WORDS["en"]
    _load_targets(page, server, tmp_path)

    page.get_by_role("link", name="Funnel").first.click()
    wait_for_app(page)
    page.get_by_test_id("stMain").get_by_text("Over time", exact=True).first.click()
    _settle(page)
    side = page.get_by_test_id("stSidebar")
    side.get_by_text(words["title"]).first.click()
    _type_days(side, page, words, "20250714", "20250720")
    side.get_by_label(words["label"], exact=True).fill("Promo app")
    side.get_by_role("button", name=words["add"]).click()
    page.get_by_text(re.compile(re.escape(words["insight"]))).wait_for(timeout=120_000)
    _settle(page)
    chart = page.locator(".vega-embed").filter(has_text="Promo app").first
    chart.scroll_into_view_if_needed()
    chart.locator("text", has_text="Your target 5.00%").first.wait_for(timeout=30_000)
    page.screenshot(path=str(tmp_path / "target_and_event.png"))
    assert page.get_by_test_id("stException").count() == 0

    with page.expect_download(timeout=180_000) as info:
        side.get_by_role("button", name=re.compile("Excel summary")).click(timeout=60_000)
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    wb = openpyxl.load_workbook(path)
    rows = [[c.value for c in r] for r in wb["Summary"].iter_rows()]
    head = next(i for i, r in enumerate(rows) if r[:3] == ["KPI", "Value", "Target"])
    conv = next(r for r in rows[head + 1 :] if r[0] == "Conversion rate")
    assert conv[2] == 0.05 and conv[rows[head].index("Status")] == "Off target"
    events = list(wb["Events"].iter_rows(values_only=True))
    assert any(r[2] == "Promo app" for r in events if len(r) > 2)
