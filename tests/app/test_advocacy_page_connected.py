"""The Advocacy page on a connected DuckDB table: no survey answers in an event table, so NPS,
CSAT and CES are said in words with what to do (never an empty NPS or 0); the referral rate
counted in the engine equals the upload route's (kpi.view.View on the same events), in
English and French, and follows the sidebar's filter."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

pytest.importorskip("kpi.engine.source")

from kpi.definitions import label
from kpi.filters import Filters
from kpi.words import format as fmt
from tests.app.conftest import errors_and_exceptions
from tests.app.connected import connected_app
from tests.app.connected_ref import metrics, page_text, reference, shop_log
from tests.engine.engine_data import events

PAGE = "pages/advocacy_view.py"


@pytest.fixture(scope="module")
def log() -> pl.DataFrame:
    return shop_log(200)


def referral_by_hand(log: pl.DataFrame, device: str | None = None) -> tuple[int, int]:
    """(customers, referred) in plain polars: buyers, and those whose first channel names a
    referral."""
    first = log.sort("ts").group_by("user_id", maintain_order=True).first()
    if device:
        first = first.filter(pl.col("device") == device)
    buyers = log.filter(pl.col("step") == "purchase").select("user_id").unique()
    pool = first.join(buyers, on="user_id", how="semi")
    ch = pl.col("channel").str.to_lowercase()
    referred = pool.filter(ch.str.contains("referral") | ch.str.contains("refer a friend"))
    return pool.height, referred.height


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_page_says_and_counts(monkeypatch, tmp_path: Path, log, lang: str) -> None:  # type: ignore[no-untyped-def]
    at = connected_app(monkeypatch, tmp_path, PAGE, lang=lang, log=log)
    assert not errors_and_exceptions(at), errors_and_exceptions(at)
    assert not at.error, [e.value for e in at.error]
    text = page_text(at)
    assert "duckdb:///" not in text
    said = "need survey answers" if lang == "en" else "ont besoin des réponses à une enquête"
    assert said in at.info[0].value
    ref = reference(log).advocacy()
    assert ref.referral is not None
    customers, referred = referral_by_hand(log)
    assert (ref.referral.customers, ref.referral.referred) == (customers, referred)
    got = metrics(at)
    assert got[label("referral_rate", lang)] == fmt.percent(ref.referral.rate, lang)
    assert fmt.integer(referred, lang) in got.values()
    assert fmt.integer(customers, lang) in got.values()
    assert "NPS" not in got  # no NPS card without answers


def test_the_sidebar_filter(monkeypatch, tmp_path: Path, log) -> None:  # type: ignore[no-untyped-def]
    at = connected_app(monkeypatch, tmp_path, PAGE, log=log)
    at.multiselect(key="device").select("tablet").run()
    assert not errors_and_exceptions(at), errors_and_exceptions(at)
    ref = reference(log, Filters(segments={"device": ["tablet"]})).advocacy()
    assert ref.referral is not None
    assert (ref.referral.customers, ref.referral.referred) == referral_by_hand(log, "tablet")
    assert metrics(at)[label("referral_rate", "en")] == fmt.percent(ref.referral.rate, "en")


def test_a_table_without_channel(monkeypatch, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    at = connected_app(monkeypatch, tmp_path, PAGE, log=events(80))
    assert not errors_and_exceptions(at), errors_and_exceptions(at)
    infos = " ".join(i.value for i in at.info)
    assert "need survey answers" in infos and "acquisition channel" in infos
    assert label("referral_rate", "en") not in metrics(at)
