"""Real browser: deep link on a fresh server, real upload of the five Kaggle funnel files; the
same in French (``?lang=fr``), and the language switch keeping the page and the filters."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.e2e.conftest import wait_for_app

pytestmark = pytest.mark.e2e

DATASETS = Path(__file__).resolve().parents[2].parent / "shared" / "datasets"
KAGGLE = [
    "user_table.csv",
    "home_page_table.csv",
    "search_page_table.csv",
    "payment_page_table.csv",
    "payment_confirmation_table.csv",
]


def test_deep_link_first_then_upload_and_quality_report(fresh_server, page, tmp_path):
    server = fresh_server
    # 1. The very first request to a fresh server is a deep link with filters in the URL.
    page.goto(f"{server}/funnel?device=mobile&channel=email")
    wait_for_app(page)
    page.screenshot(path=str(tmp_path / "deep_link.png"), full_page=True)
    # the frame ran (uploader in the sidebar, page titles in the navigation bar) ...
    assert page.locator(".st-key-upload").get_by_test_id("stFileUploaderDropzone").count() == 1
    nav = page.get_by_test_id("stTopNav")
    assert nav.get_by_text("Funnel").count() >= 1
    assert nav.get_by_text("funnel_view").count() == 0
    # ... on the Funnel page, with the filters from the URL applied in the widgets
    assert page.get_by_role("heading", name="Funnel").count() >= 1
    sidebar = page.get_by_test_id("stSidebar")
    assert sidebar.get_by_text("mobile").count() >= 1
    assert sidebar.get_by_text("email").count() >= 1
    assert "device=mobile" in page.url
    # ... and without a "Page not found" dialog from Streamlit's legacy pages/ router
    assert page.get_by_text("Page not found").count() == 0

    # 2. Upload the five Kaggle funnel files through the real file input.
    if not DATASETS.exists():
        pytest.skip("../shared/datasets not available")
    page.goto(f"{server}/data")
    wait_for_app(page)
    page.locator(".st-key-upload").get_by_test_id("stFileUploaderDropzoneInput").set_input_files(
        [str(DATASETS / "ecommerce_funnel" / f) for f in KAGGLE]
    )
    page.wait_for_timeout(1500)
    wait_for_app(page)
    page.get_by_text("Every input row, accounted for").wait_for()
    page.screenshot(path=str(tmp_path / "data_page.png"), full_page=True)
    main = page.get_by_test_id("stMain")
    for name in KAGGLE:
        assert main.get_by_text(name).count() >= 1
    # 3. The quality report shows the real row counts of the files.
    text = main.inner_text()
    for n in ("90,400", "45,200", "6,030", "452"):
        assert n in text
    assert "demo data set" not in text


def test_one_sessions_upload_is_not_visible_to_another(server, browser, tmp_path):
    """Session A uploads a file; session B, opened afterwards, still sees only the demo data."""
    if not DATASETS.exists():
        pytest.skip("../shared/datasets not available")
    a = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    b = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    for pg in (a, b):
        pg.set_default_timeout(60_000)
    a.goto(f"{server}/data")
    wait_for_app(a)
    a.locator(".st-key-upload").get_by_test_id("stFileUploaderDropzoneInput").set_input_files(
        str(DATASETS / "page_redesign_ab.csv")
    )
    a.wait_for_timeout(1500)
    wait_for_app(a)
    # (the sidebar lists it under a folded "Data" expander; the Data page names it)
    a.get_by_test_id("stMain").get_by_text("page_redesign_ab.csv").first.wait_for()
    b.goto(f"{server}/data")
    wait_for_app(b)
    text_b = b.get_by_test_id("stMain").inner_text()
    assert "page_redesign_ab.csv" not in text_b
    assert "demo data set" in text_b
    a.context.close()
    b.context.close()


FR_NAV = ("Vue d'ensemble", "Données", "Entonnoir", "KPI par étape", "Rétention", "Test A/B")
FR_PERCENT = re.compile(r"\d(,\d+)?\u00a0%")  # 12,5 % (no-break space before %)
EN_PERCENT = re.compile(r"\d(\.\d+)?%")  # 12.5%


def _metric_values(page) -> list[str]:
    return page.get_by_test_id("stMetricValue").all_inner_texts()


def test_the_first_issues_browser_check_in_french(server, page, tmp_path):
    """``?lang=fr``: French navigation, sidebar and figures; the URL keeps ``lang`` and the
    filters from page to page."""
    page.goto(f"{server}/overview?lang=fr&device=mobile")
    wait_for_app(page)
    page.screenshot(path=str(tmp_path / "overview_fr.png"), full_page=True)
    nav = page.get_by_test_id("stTopNav")
    for title in FR_NAV:
        assert nav.get_by_text(title, exact=True).count() >= 1, title
    assert nav.get_by_text("Funnel", exact=True).count() == 0
    sidebar = page.get_by_test_id("stSidebar")
    for label in ("Filtres", "Période", "Appareil", "Canal"):
        assert sidebar.get_by_text(label, exact=True).count() >= 1, label
    main = page.get_by_test_id("stMain").inner_text()
    assert "Vue\u00a0: appareil\u00a0: mobile" in main or "Vue : appareil : mobile" in main
    # figures as French writes them: 2,44 % and 26 941, never 2.44% or 26,941
    values = _metric_values(page)
    assert any(FR_PERCENT.search(v) for v in values), values
    assert not any(EN_PERCENT.search(v) for v in values), values
    assert not any(re.search(r"\d,\d{3}\b", v) for v in values), values
    # to another page: still French, still the link's filters
    nav.get_by_text("Entonnoir", exact=True).click()
    wait_for_app(page)
    assert "/funnel" in page.url and "lang=fr" in page.url and "device=mobile" in page.url
    assert page.get_by_test_id("stSidebar").get_by_text("Appareil", exact=True).count() == 1


def test_the_language_switch_keeps_the_page_and_the_filters(server, page, tmp_path):
    page.goto(f"{server}/retention?lang=fr&device=mobile&cohort_by=week")
    wait_for_app(page)
    sidebar = page.get_by_test_id("stSidebar")
    assert sidebar.get_by_text("Appareil", exact=True).count() == 1
    sidebar.get_by_text("English", exact=True).click()
    wait_for_app(page)
    page.screenshot(path=str(tmp_path / "retention_en.png"))
    assert "/retention" in page.url
    for part in ("lang=en", "device=mobile", "cohort_by=week"):
        assert part in page.url, (part, page.url)
    assert sidebar.get_by_text("Device", exact=True).count() == 1
    assert sidebar.get_by_text("mobile", exact=True).count() >= 1  # the filter kept its value
    assert page.get_by_test_id("stTopNav").get_by_text("Retention", exact=True).count() == 1
    values = _metric_values(page)
    assert any(EN_PERCENT.search(v) for v in values), values
    assert not any(FR_PERCENT.search(v) for v in values), values
    # and back: the URL says French again, with the same filters
    sidebar.get_by_text("Français", exact=True).click()
    wait_for_app(page)
    assert "lang=fr" in page.url and "device=mobile" in page.url and "/retention" in page.url


def test_a_french_browser_opens_in_french_and_says_so_in_the_url(server, browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="fr-FR")
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.goto(f"{server}/")
    wait_for_app(page)
    assert page.get_by_test_id("stTopNav").get_by_text("Entonnoir", exact=True).count() == 1
    assert "lang=fr" in page.url  # a link copied from here opens in French anywhere
    context.close()
