"""The Overview on a connected DuckDB table, in English and French: the headline tiles are the
upload route's numbers on the same events (View of the uploaded CSV), a sidebar period adds
the previous period's change, red flags and links are drawn, no traceback, never the address."""

from __future__ import annotations

from datetime import date

import pytest

from kpi.filters import Filters
from kpi.view import View
from kpi.words import format as wf
from tests.app.connected import connected_app
from tests.engine.aggregates_support import upload
from tests.engine.engine_data import events

N = 300


@pytest.fixture(scope="module")
def log():
    return events(N)


def _metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def _page_text(at) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += [i.value for i in at.info] + [w.value for w in at.warning]
    return " ".join(str(p) for p in parts)


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_tiles_equal_the_upload(monkeypatch, tmp_path, log, lang) -> None:
    at = connected_app(monkeypatch, tmp_path, "pages/home_view.py", lang=lang, log=log)
    assert not at.exception, [e.value for e in at.exception]
    want = {k.code: k for k in View(upload(log), Filters()).kpis(strict=True)}
    got = _metrics(at)
    for code in ("users", "sessions", "conversion_rate", "aov", "cart_abandonment"):
        k = want[code]
        assert k.available
        assert got[k.label(lang)] == _figure(k, lang), code
    assert want["users"].value == N
    text = _page_text(at)
    assert "duckdb:///" not in text
    assert ("Summed in the engine" if lang == "en" else "Sommé dans le moteur") in text


def _figure(k, lang: str) -> str:
    if k.unit == "rate":
        return wf.percent(k.value, lang)
    if k.unit == "currency":
        return wf.money(k.value, lang, k.currency)
    return wf.integer(k.value, lang)


def test_a_period_gives_the_previous_period(monkeypatch, tmp_path, log) -> None:
    at = connected_app(monkeypatch, tmp_path, "pages/home_view.py", log=log)
    at.date_input(key="period").set_value((date(2025, 3, 1), date(2025, 3, 31))).run()
    assert not at.exception, [e.value for e in at.exception]
    f = Filters(start=date(2025, 3, 1), end=date(2025, 3, 31))
    view = View(upload(log), f)
    want = {k.code: k for k in view.kpis(strict=True)}
    prev = {k.code: k for k in view.previous_kpis()}
    users = next(m for m in at.metric if m.label == "Users")
    assert users.value == wf.integer(want["users"].value, "en")
    assert want["users"].value < N
    assert users.delta is not None
    change = want["users"].value / prev["users"].value - 1  # vs February (the upload's)
    assert prev["users"].value > 0
    assert users.delta == f"{change * 100:+.1f}%"


def test_a_segment_filter_changes_the_tiles(monkeypatch, tmp_path, log) -> None:
    at = connected_app(monkeypatch, tmp_path, "pages/home_view.py", lang="fr", log=log)
    at.multiselect(key=_device_key()).set_value(["mobile"]).run()
    assert not at.exception, [e.value for e in at.exception]
    want = {k.code: k for k in View(upload(log), Filters(segments={"device": ["mobile"]})).kpis()}
    got = _metrics(at)
    assert 0 < want["users"].value < N
    for code in ("users", "conversion_rate", "aov"):
        assert got[want[code].label("fr")] == _figure(want[code], "fr"), code
    assert at.subheader[0].value in ("Alertes", "Aucune alerte")


def _device_key() -> str:
    from kpi.filters import segment_param

    return segment_param("device")
