"""Data page on the issue-9 exports: what was detected is said (epoch units, flattened records)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.app.conftest import errors_and_exceptions

FIXTURES = Path(__file__).parents[1] / "fixtures"


def plain(markdown: str) -> str:
    """Markdown as the reader sees it: escaped user values unescaped."""
    return markdown.replace("\\", "")


@pytest.mark.parametrize("name", ["ga4_events.parquet", "ga4_events.ndjson"])
def test_data_page_says_epoch_unit_and_flattening(app, name: str) -> None:
    app.run()
    upload = (name, (FIXTURES / name).read_bytes(), "application/octet-stream")
    app.sidebar.file_uploader[0].set_value(upload).run()
    app.switch_page("pages/data_view.py").run()
    assert errors_and_exceptions(app) == []
    text = [plain(m.value) for m in app.markdown]
    assert any("event_timestamp: epoch microseconds" in t for t in text)
    captions = [plain(c.value) for c in app.caption]
    assert any("event_params: key/value list" in c for c in captions)
    assert any("items.count" in c for c in captions)
    # GA4 says its currency: the Data page shows it
    assert any("Currency of the amounts:** EUR" in t for t in text)


def test_data_page_in_french_says_epoch_unit(app) -> None:
    app.query_params["lang"] = "fr"
    app.run()
    name = "ga4_events.parquet"
    upload = (name, (FIXTURES / name).read_bytes(), "application/octet-stream")
    app.sidebar.file_uploader[0].set_value(upload).run()
    app.switch_page("pages/data_view.py").run()
    assert errors_and_exceptions(app) == []
    text = [plain(m.value) for m in app.markdown]
    assert any("event_timestamp\u00a0: microsecondes depuis 1970" in t for t in text)
    assert any("Devise des montants\u00a0:** EUR" in t for t in text)
    captions = [plain(c.value) for c in app.caption]
    assert any("event_params\u00a0: liste clé/valeur" in c for c in captions)


def test_data_page_reads_the_whole_shopify_export(app) -> None:
    app.run()
    data = (FIXTURES / "shopify_orders.csv").read_bytes()
    app.sidebar.file_uploader[0].set_value(("orders_export.csv", data, "text/csv")).run()
    app.switch_page("pages/data_view.py").run()
    assert errors_and_exceptions(app) == []
    rows_read = next(m for m in app.metric if m.label == "Rows read")
    assert rows_read.value == "123"
    assert not any("GA4" in c.value for c in app.caption)
