"""Real browser: the Overview, Stage KPIs and Export pages on a connected DuckDB table (the
source given to the server by PARCOURS_SOURCE), in English and French: the numbers computed
in the engine are on screen, the over-time chart draws, nothing says the address."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests.e2e.conftest import _serve, wait_for_app
from tests.engine.engine_data import duckdb_file, events

pytestmark = pytest.mark.e2e

SHOTS = os.environ.get("PARCOURS_SHOTS")
N = 1000

TITLES = {
    "en": ("Overview", "Stage KPIs", "Export"),
    "fr": ("Vue d'ensemble", "KPI par étape", "Export"),
}
IN_USE = {"en": "Connected table", "fr": "Table connectée"}
WORDS = {
    "en": ("Use this table", "Users", "Decision", "Show the KPIs over time", "Value"),
    "fr": (
        "Utiliser cette table",
        "Utilisateurs",
        "Décision",
        "Afficher les KPI dans le temps",
        "Valeur",
    ),
}


@pytest.fixture
def connected_server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    db = duckdb_file(events(N), tmp_path / "shop.duckdb")
    monkeypatch.setenv("PARCOURS_SOURCE", f"duckdb:///{db}")
    with _serve(tmp_path) as url:
        yield url


def _shot(page, tmp_path: Path, name: str) -> None:  # type: ignore[no-untyped-def]
    page.screenshot(path=str(tmp_path / f"{name}.png"))
    if SHOTS:
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"))


def test_three_pages_in_both_languages(connected_server: str, browser, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1440, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(120_000)
    try:
        for lang in ("en", "fr"):
            use, users, decision, over_time, value = WORDS[lang]
            page.goto(f"{connected_server}/data?lang={lang}")
            wait_for_app(page)
            main = page.get_by_test_id("stMain")
            main.get_by_role("button", name=use).click()
            wait_for_app(page)
            page.get_by_test_id("stSidebar").get_by_text(IN_USE[lang]).first.wait_for()
            for path, title in zip(("home", "stages", "export"), TITLES[lang], strict=True):
                nav = page.get_by_test_id("stTopNav")
                nav.get_by_text(title, exact=True).first.click()  # the same session
                wait_for_app(page)
                text = main.inner_text()
                assert "duckdb:///" not in text and "duckdb:///" not in page.url
                assert "Traceback" not in text
                if path == "home":
                    assert re.search(rf"{users}\s*\n\s*1[,\u202f\u00a0 ]?000\b", text), text[:1500]
                    _shot(page, tmp_path, f"home_connected_{lang}")
                elif path == "stages":
                    main.get_by_role("heading", name=decision).first.wait_for()
                    _shot(page, tmp_path, f"stages_connected_{lang}")
                    main.get_by_text(over_time).click()
                    wait_for_app(page)
                    main.locator("[data-testid='stVegaLiteChart']").last.wait_for()
                    main.locator(
                        "[data-testid='stVegaLiteChart']"
                    ).last.scroll_into_view_if_needed()
                    page.wait_for_timeout(500)
                    _shot(page, tmp_path, f"stages_over_time_{lang}")
                else:
                    assert value in text
                    _shot(page, tmp_path, f"export_connected_{lang}")
    finally:
        context.close()
