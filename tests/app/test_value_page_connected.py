"""The Value page on a connected DuckDB table: CLV and its factors, AOV, revenue per
customer, top-customer share and repeat purchase equal the upload route's (kpi.view.View on
the same events as a CSV), in English and French; the sidebar's filter changes them as on an
upload; CAC and ROAS (they need the ad-spend file) are said in words, never 0; no address."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

pytest.importorskip("kpi.engine.source")

from kpi.definitions import label
from kpi.filters import Filters
from kpi.value import ValueSummary
from kpi.words import format as fmt
from tests.app.conftest import errors_and_exceptions
from tests.app.connected import connected_app
from tests.app.connected_ref import metrics, page_text, reference, shop_log

PAGE = "pages/value_view.py"


@pytest.fixture(scope="module")
def log() -> pl.DataFrame:
    return shop_log(200)


def check_cards(at, s: ValueSummary, lang: str) -> None:  # type: ignore[no-untyped-def]
    got = metrics(at)
    assert got[label("aov", lang)] == fmt.money(s.aov.aov, lang, None)
    assert got[label("revenue_per_customer", lang)] == fmt.money(
        s.revenue_per_customer.value, lang, None
    )
    assert got[label("top_customer_share", lang)] == fmt.percent(s.top_share.share, lang)
    assert got[label("repeat_purchase_rate", lang)] == fmt.percent(s.repeat.rate, lang)
    clv = next(v for k, v in got.items() if k.startswith("CLV"))
    assert s.clv is not None
    assert clv == fmt.money(s.clv.clv, lang, None)


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_page_is_the_upload_routes(monkeypatch, tmp_path: Path, log, lang: str) -> None:  # type: ignore[no-untyped-def]
    at = connected_app(monkeypatch, tmp_path, PAGE, lang=lang, log=log)
    assert not errors_and_exceptions(at), errors_and_exceptions(at)
    assert not at.error, [e.value for e in at.error]
    s = reference(log).value()
    assert s is not None and s.repeat.rate and s.top_share.share
    check_cards(at, s, lang)
    text = page_text(at)
    assert "duckdb:///" not in text
    # the acquisition KPIs need ad spend: said, with what to do, and no CAC card
    said = "ad spend per channel" if lang == "en" else "dépenses publicitaires par canal"
    assert said in text
    assert label("cac", lang) not in metrics(at)
    # the spend per customer: every customer of the view counted in a bracket
    customers = fmt.integer(s.revenue_per_customer.customers, lang)
    assert any(
        c.value.startswith(customers + (" customers of the view" if lang == "en" else " clients"))
        for c in at.caption
    )
    # the observed CLV curve is drawn (one vega chart at least) from the engine's sums
    assert at.get("arrow_vega_lite_chart") or at.get("vega_lite_chart")


def test_the_sidebar_filter_changes_the_figures(monkeypatch, tmp_path: Path, log) -> None:  # type: ignore[no-untyped-def]
    at = connected_app(monkeypatch, tmp_path, PAGE, log=log)
    at.multiselect(key="device").select("desktop").run()
    assert not errors_and_exceptions(at), errors_and_exceptions(at)
    desktop = reference(log, Filters(segments={"device": ["desktop"]})).value()
    everyone = reference(log).value()
    assert desktop is not None and everyone is not None
    assert desktop.aov.orders < everyone.aov.orders
    check_cards(at, desktop, "en")


def test_an_edited_factor(monkeypatch, tmp_path: Path, log) -> None:  # type: ignore[no-untyped-def]
    """The years of relationship edited on the page: the CLV follows, as on an upload."""
    at = connected_app(monkeypatch, tmp_path, PAGE, log=log)
    at.number_input(key="va_years").set_value(5.0).run()
    assert not errors_and_exceptions(at), errors_and_exceptions(at)
    s = reference(log).value(years=5.0)
    assert s is not None and s.clv is not None
    clv = next(v for k, v in metrics(at).items() if k.startswith("CLV"))
    assert clv == fmt.money(s.clv.clv, "en", None)
