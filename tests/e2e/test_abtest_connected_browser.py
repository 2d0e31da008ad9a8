"""Real browser: the A/B page on a connected DuckDB table (PARCOURS_SOURCE), in English and
French: "From data" opens on the detected arms with the visitors counted in the engine, a
breakdown draws the per-segment checks, and the page never shows the address."""

from __future__ import annotations

import os
import re
from pathlib import Path

import polars as pl
import pytest

from tests.e2e.conftest import _serve, wait_for_app
from tests.engine.engine_data import duckdb_file, events

pytestmark = pytest.mark.e2e

SHOTS = os.environ.get("PARCOURS_SHOTS")
N = 300
WORDS = {
    "en": ("Use this table", "Per variant", "Break down by", "By device", f"{N} of {N} users"),
    "fr": (
        "Utiliser cette table",
        "Par variante",
        "Ventiler par",
        "Par device",
        f"{N} utilisateurs comptés sur {N}",
    ),
}


@pytest.fixture
def connected_server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    db = duckdb_file(events(N), tmp_path / "shop.duckdb")
    monkeypatch.setenv("PARCOURS_SOURCE", f"duckdb:///{db}")
    with _serve(tmp_path) as url:
        yield url


def test_ab_page_on_a_connected_table(connected_server: str, browser, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    first_touch = events(N).sort("ts").group_by("user_id").agg(pl.col("variant").first())
    arms = dict(first_touch.group_by("variant").len().iter_rows())
    context = browser.new_context(viewport={"width": 1440, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(90_000)
    try:
        for lang in ("en", "fr"):
            use, groups, by, by_device, counted = WORDS[lang]
            page.goto(f"{connected_server}/data?lang={lang}")
            wait_for_app(page)
            main = page.get_by_test_id("stMain")
            main.get_by_role("button", name=use).click()
            wait_for_app(page)
            page.goto(f"{connected_server}/ab-test?lang={lang}&table=events&ab_by=device")
            wait_for_app(page)
            main.get_by_role("heading", name=groups).first.wait_for()
            text = main.inner_text()
            assert "duckdb:///" not in text and "duckdb:///" not in page.url
            assert "Traceback" not in text
            assert counted in text.replace("\u202f", " ").replace("\xa0", " "), text[:3000]
            # the groups table: each arm's visitors, the users' first-touch arm
            for arm, n in arms.items():
                assert re.search(rf"\b{arm}\s+{n}\s", text), text[:3000]
            main.get_by_text(by, exact=True).first.wait_for()
            main.get_by_text(by_device).first.wait_for()  # the segments' table and checks
            page.screenshot(path=str(tmp_path / f"ab_{lang}.png"))
            if SHOTS:
                for i in range(4):
                    page.screenshot(path=str(Path(SHOTS) / f"ab_connected_{lang}_{i}.png"))
                    page.mouse.wheel(0, 900)
                    page.wait_for_timeout(500)
    finally:
        context.close()
