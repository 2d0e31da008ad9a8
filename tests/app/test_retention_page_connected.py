"""The Retention page on a connected DuckDB table: the cards, the cohort table and the
trend equal the upload route's (kpi.view.View on the same events as a CSV), in English and
French; the sidebar's device filter and weekly cohorts change them as on an upload; nothing
of the address is shown; no traceback."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

pytest.importorskip("kpi.engine.source")

from kpi.definitions import label
from kpi.filters import Filters
from kpi.retention import RetentionSummary
from kpi.words import format as fmt
from tests.app.conftest import errors_and_exceptions
from tests.app.connected import connected_app
from tests.app.connected_ref import metrics, page_text, reference, shop_log

PAGE = "pages/retention_view.py"
CARDS = ("repeat_purchase_rate", "purchase_frequency", "churn", "retention_rate")


@pytest.fixture(scope="module")
def log() -> pl.DataFrame:
    return shop_log(200)


def shown_cards(at, lang: str) -> list[str]:  # type: ignore[no-untyped-def]
    got = metrics(at)
    return [got[label(code, lang)] for code in CARDS]


def want_cards(r: RetentionSummary, lang: str) -> list[str]:
    churn = r.churn
    assert churn is not None
    return [
        fmt.percent(r.repeat.rate, lang),
        fmt.number(r.frequency.frequency, lang, 2),
        fmt.percent(churn.churn, lang),
        fmt.percent(churn.retention, lang),
    ]


def shown_table(at) -> pl.DataFrame:  # type: ignore[no-untyped-def]
    return pl.from_pandas(at.dataframe[0].value)


def check_table(at, r: RetentionSummary, lang: str) -> None:  # type: ignore[no-untyped-def]
    """The cohort table on the page is the reference's matrix, written for ``lang``."""
    table = shown_table(at)
    want = r.matrix
    assert table.height == want.height
    assert table[table.columns[1]].to_list() == [fmt.integer(x, lang) for x in want["cohort_size"]]
    periods = [c for c in want.columns if c.startswith("P")]
    for i, c in enumerate(periods):
        shown = table[table.columns[2 + i]].to_list()
        assert shown == [None if x is None else fmt.percent(x, lang) for x in want[c]], c


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_page_is_the_upload_routes(monkeypatch, tmp_path: Path, log, lang: str) -> None:  # type: ignore[no-untyped-def]
    at = connected_app(monkeypatch, tmp_path, PAGE, lang=lang, log=log)
    assert not errors_and_exceptions(at), errors_and_exceptions(at)
    assert not at.error, [e.value for e in at.error]
    r = reference(log).retention()
    assert r is not None and r.repeat.rate and 0 < r.repeat.rate < 1
    assert shown_cards(at, lang) == want_cards(r, lang)
    check_table(at, r, lang)
    text = page_text(at)
    assert "duckdb:///" not in text
    # the words of the page's language, the settings in words
    assert fmt.percent(r.repeat.rate, lang) in text
    assert ("Cohort = month" if lang == "en" else "Cohorte = mois") in text


def test_the_sidebar_filter_and_the_weekly_grain(monkeypatch, tmp_path: Path, log) -> None:  # type: ignore[no-untyped-def]
    at = connected_app(monkeypatch, tmp_path, PAGE, log=log)
    at.multiselect(key="device").select("mobile").run()
    assert not errors_and_exceptions(at), errors_and_exceptions(at)
    mobile = reference(log, Filters(segments={"device": ["mobile"]})).retention()
    everyone = reference(log).retention()
    assert mobile is not None and everyone is not None
    assert mobile.repeat.customers < everyone.repeat.customers
    assert shown_cards(at, "en") == want_cards(mobile, "en")
    check_table(at, mobile, "en")
    at.segmented_control(key="cohort_by").set_value("week").run()
    assert not errors_and_exceptions(at), errors_and_exceptions(at)
    weekly = reference(log, Filters(segments={"device": ["mobile"]}), "week").retention(
        grain="week"
    )
    assert weekly is not None
    check_table(at, weekly, "en")
    assert shown_table(at).height > mobile.matrix.height  # weeks: more cohorts than months


def test_a_breakdown_and_a_return_step(monkeypatch, tmp_path: Path, log) -> None:  # type: ignore[no-untyped-def]
    at = connected_app(monkeypatch, tmp_path, PAGE, log=log)
    at.selectbox(key="rt_segment").set_value("channel").run()
    at.selectbox(key="rt_return").set_value("purchase").run()
    assert not errors_and_exceptions(at), errors_and_exceptions(at)
    assert not at.error, [e.value for e in at.error]
    r = reference(log).retention(return_step="purchase")
    assert r is not None
    check_table(at, r, "en")
    # the breakdown's curves and heatmap are drawn (the per-segment tab), not the "choose" note
    assert not any("Break down by" in i.value for i in at.info)


def test_an_engine_error_is_said_without_the_secret(monkeypatch, tmp_path: Path, log) -> None:  # type: ignore[no-untyped-def]
    """The engine fails in the cohort query: the page says it (redacted), no traceback."""
    import kpi.engine.view_retention as engine_retention

    at = connected_app(monkeypatch, tmp_path, "pages/data_view.py", log=log)

    def broken(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("IO Error: cannot reach postgres://ann:s3cret-pw@db.example/shop")

    monkeypatch.setattr(engine_retention, "cohort_table", broken)
    at.switch_page(PAGE).run()
    assert not errors_and_exceptions(at), errors_and_exceptions(at)
    assert at.error
    text = page_text(at)
    assert "RuntimeError" in text and "s3cret-pw" not in text
