"""AppTest of a page reading a connected table: a DuckDB file of generated events, the source
given to the server by PARCOURS_SOURCE (never typed in), the Data page's "Use this table"
clicked, then the page run inside the frame (as in a browser)."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from tests.engine.engine_data import duckdb_file, events

ROOT = Path(__file__).resolve().parents[2]


def connected_app(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    page: str = "pages/home_view.py",
    *,
    lang: str = "en",
    n: int = 200,
    log: pl.DataFrame | None = None,
    timeout: float = 120,
) -> AppTest:
    """The app with the connected table of ``log`` (default ``events(n)``) in use, on ``page``."""
    db = duckdb_file(log if log is not None else events(n), tmp_path / "shop.duckdb")
    monkeypatch.setenv("PARCOURS_SOURCE", f"duckdb:///{db}")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=timeout)
    at.query_params["lang"] = lang
    at.run()
    at.switch_page("pages/data_view.py").run()
    at.button(key="connect_use").click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at.switch_page(page).run()
