"""Real browser: the Funnel page on a connected DuckDB table (the source given to the server by
PARCOURS_SOURCE), in English and in French: the funnel of the table's users, the step table,
the breakdown, the trend tab; no traceback, never the address."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests.e2e.conftest import _serve, wait_for_app
from tests.engine.engine_data import duckdb_file, events

pytestmark = pytest.mark.e2e

SHOTS = os.environ.get("PARCOURS_SHOTS")  # where to keep the screenshots to look at them
N = 200

WORDS = {
    "en": ("Use this table", "Funnel", "Break down by", "Over time", "Funnel steps, in order"),
    "fr": (
        "Utiliser cette table",
        "Entonnoir",
        "Ventiler par",
        "Évolution",
        "Étapes de l'entonnoir, dans l'ordre",
    ),
}


@pytest.fixture
def connected_server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    pytest.importorskip("kpi.engine.source")
    db = duckdb_file(events(N), tmp_path / "shop.duckdb")
    monkeypatch.setenv("PARCOURS_SOURCE", f"duckdb:///{db}")
    with _serve(tmp_path) as url:
        yield url


def _shot(page, tmp_path: Path, name: str) -> None:  # type: ignore[no-untyped-def]
    page.screenshot(path=str(tmp_path / name), full_page=True)
    if SHOTS:
        page.screenshot(path=str(Path(SHOTS) / name), full_page=True)


def test_funnel_page_on_a_connected_table(connected_server: str, browser, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    visitors = events(N).filter(events(N)["step"] == "visit")["user_id"].n_unique()
    context = browser.new_context(viewport={"width": 1440, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(120_000)
    try:
        for lang in ("en", "fr"):
            use, funnel, by, trend, steps = WORDS[lang]
            page.goto(f"{connected_server}/data?lang={lang}")
            wait_for_app(page)
            main = page.get_by_test_id("stMain")
            main.get_by_role("button", name=use).click()
            wait_for_app(page)
            # to the Funnel page in the same session (the connection is the session's)
            page.get_by_test_id("stTopNavLink").filter(has_text=funnel).first.click()
            wait_for_app(page)
            main.get_by_role("heading", name=funnel).first.wait_for()
            text = main.inner_text()
            assert "Traceback" not in text and "duckdb:///" not in text
            assert "duckdb:///" not in page.url
            assert steps in text and by in text
            assert re.search(rf"\b{visitors}\b", text), text[:1500]
            _shot(page, tmp_path, f"funnel_connected_{lang}.png")
            # the breakdown by device, then the trend tab
            main.get_by_test_id("stSelectbox").filter(has_text=by).click()
            page.get_by_role("option", name="device").click()
            wait_for_app(page)
            assert "fn_by=device" in page.url
            main.get_by_text(by, exact=True).first.scroll_into_view_if_needed()
            page.wait_for_timeout(500)
            _shot(page, tmp_path, f"funnel_connected_{lang}_segments.png")
            main.get_by_text(trend, exact=True).first.click()
            wait_for_app(page)
            assert "fn_tab=time" in page.url
            text = main.inner_text()
            assert "Traceback" not in text and "duckdb:///" not in text
            main.get_by_text(trend, exact=True).first.scroll_into_view_if_needed()
            page.wait_for_timeout(800)
            _shot(page, tmp_path, f"funnel_connected_{lang}_trend.png")
    finally:
        context.close()
