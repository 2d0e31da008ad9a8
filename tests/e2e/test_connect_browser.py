"""Real browser: the Data page's connected source, with a DuckDB file made by the test and the
source given to the server by the environment variable PARCOURS_SOURCE (never typed in)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests.e2e.conftest import _serve, wait_for_app
from tests.engine.engine_data import duckdb_file, events

pytestmark = pytest.mark.e2e

#: where to keep the screenshots besides the test's folder (to look at them)
SHOTS = os.environ.get("PARCOURS_SHOTS")

WORDS = {
    "en": ("Connected source", "Use this table", "Data quality", "Users", "Connected table"),
    "fr": (
        "Source connectée",
        "Utiliser cette table",
        "Qualité des données",
        "Utilisateurs",
        "Table connectée",
    ),
}


@pytest.fixture
def connected_server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    pytest.importorskip("kpi.engine.source")
    db = duckdb_file(events(200), tmp_path / "shop.duckdb")
    monkeypatch.setenv("PARCOURS_SOURCE", f"duckdb:///{db}")
    with _serve(tmp_path) as url:
        yield url


def test_connect_page_in_both_languages(connected_server: str, browser, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1440, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(90_000)
    try:
        for lang in ("en", "fr"):
            title, use, funnel, users, in_use = WORDS[lang]
            page.goto(f"{connected_server}/data?lang={lang}")
            wait_for_app(page)
            main = page.get_by_test_id("stMain")
            main.get_by_text(title, exact=True).wait_for()
            main.get_by_role("button", name=use).click()
            wait_for_app(page)
            main.get_by_role("heading", name=funnel).first.wait_for()
            text = main.inner_text()
            assert "duckdb:///" not in text and "duckdb:///" not in page.url
            assert re.search(rf"{users}\s*\n\s*200\b", text), text[:2000]
            assert in_use in page.get_by_test_id("stSidebar").inner_text()
            assert "Traceback" not in text
            main.get_by_text(title, exact=True).scroll_into_view_if_needed()
            page.screenshot(path=str(tmp_path / f"connect_{lang}.png"))
            if SHOTS:  # the connect part, then the figures computed in the engine
                page.screenshot(path=str(Path(SHOTS) / f"connect_{lang}.png"))
                for i, name in enumerate((users, funnel)):
                    main.get_by_text(name, exact=True).first.scroll_into_view_if_needed()
                    page.wait_for_timeout(300)
                    page.screenshot(path=str(Path(SHOTS) / f"connect_{lang}_{i}.png"))
    finally:
        context.close()


PAGES = ("home", "funnel", "stages", "retention", "value", "advocacy", "ab-test", "export")
NOT_READ = {
    "en": "This page does not read a connected table",
    "fr": "Cette page ne lit pas une table connectée",
}


def test_every_page_reads_the_connected_table(
    connected_server: str, browser, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    """Once the table is in use, every page draws from it (with the sidebar's filters and the
    table in the address bar), in both languages, on a 1280×720 projector too."""
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    page = context.new_page()
    page.set_default_timeout(120_000)
    try:
        page.goto(f"{connected_server}/data?lang=en")
        wait_for_app(page)
        main = page.get_by_test_id("stMain")
        main.get_by_role("button", name="Use this table").click()
        wait_for_app(page)
        assert "table=events" in page.url
        for lang in ("en", "fr"):
            for name in PAGES:
                page.goto(f"{connected_server}/{name}?lang={lang}&table=events&device=mobile")
                wait_for_app(page)
                text = page.get_by_test_id("stMain").inner_text()
                assert "Traceback" not in text and "duckdb:///" not in text, (name, text[:1500])
                assert NOT_READ[lang] not in text, (name, lang)
                assert "duckdb:///" not in page.url
                if SHOTS:
                    page.screenshot(path=str(Path(SHOTS) / f"connected_{name}_{lang}.png"))
    finally:
        context.close()
