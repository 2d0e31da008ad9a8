"""The Stage KPIs page on a connected DuckDB table, in English and French: every stage's cards,
the per-segment tables and the KPIs over time equal the upload route's (kpi.view.View of the
uploaded CSV of the same events); a sidebar filter changes them; no traceback, no address."""

from __future__ import annotations

from datetime import date

import pytest

from kpi.filters import Filters
from kpi.view import View
from kpi.words import format as wf
from tests.app.connected import connected_app
from tests.engine.aggregates_support import upload
from tests.engine.engine_data import events

PAGE = "pages/stages_view.py"
N = 300


@pytest.fixture(scope="module")
def log():
    return events(N)


def _figure(k, lang: str, value=None) -> str:
    v = k.value if value is None else value
    if k.unit == "rate":
        return wf.percent(v, lang)
    if k.unit == "currency":
        return wf.money(v, lang, k.currency)
    if k.unit == "count":
        return wf.integer(v, lang)
    return None  # durations and ratios: checked by the upload page's tests


def _text(at) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += [e.value for e in at.error] + [w.value for w in at.warning]
    return " ".join(str(p) for p in parts)


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_cards_and_segment_tables_equal_the_upload(monkeypatch, tmp_path, log, lang) -> None:
    at = connected_app(monkeypatch, tmp_path, PAGE, lang=lang, log=log)
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    view = View(upload(log), Filters())
    want = view.kpis(strict=True)
    metrics = {m.label: m.value for m in at.metric}
    checked = 0
    for k in want:
        if k.available and _figure(k, lang) is not None:
            assert metrics[k.label(lang)] == _figure(k, lang), k.code
            checked += 1
    assert checked >= 8
    # the decision stage's table, by device (the only segment besides variant): first one
    seg = at.selectbox(key="st_by").value
    by = view.kpis_by(seg)
    tables = [d.value for d in at.dataframe]
    table = next(tb for tb in tables if "conversion_rate" in tb.columns)
    assert table.iloc[:, 0].tolist() == by[seg].to_list()
    conv = next(k for k in want if k.code == "conversion_rate")
    assert table["conversion_rate"].tolist() == [wf.percent(v, lang) for v in by["conversion_rate"]]
    awareness = next(tb for tb in tables if "users" in tb.columns)
    assert awareness["users"].tolist() == [wf.integer(v, lang) for v in by["users"]]
    assert sum(by["users"]) == next(k for k in want if k.code == "users").value
    assert conv.available
    text = _text(at)
    assert "duckdb:///" not in text
    assert ("Summed in the engine" if lang == "en" else "Sommé dans le moteur") in text


def test_the_segment_and_a_filter_change_the_numbers(monkeypatch, tmp_path, log) -> None:
    at = connected_app(monkeypatch, tmp_path, PAGE, log=log)
    at.selectbox(key="st_by").set_value("variant").run()
    from kpi.filters import segment_param

    at.multiselect(key=segment_param("device")).set_value(["tablet", "desktop"]).run()
    assert not at.exception, [e.value for e in at.exception]
    f = Filters(segments={"device": ["tablet", "desktop"]})
    view = View(upload(log), f)
    users = next(k for k in view.kpis() if k.code == "users")
    assert 0 < users.value < N
    assert next(m for m in at.metric if m.label == "Users").value == wf.integer(users.value, "en")
    by = view.kpis_by("variant")
    table = next(d.value for d in at.dataframe if "orders" in d.value.columns)
    assert table.iloc[:, 0].tolist() == ["A", "B"] == sorted(by["variant"].to_list())
    assert table["orders"].tolist() == [wf.integer(v, "en") for v in by["orders"]]


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_kpis_over_time_equal_the_upload_per_month(monkeypatch, tmp_path, log, lang) -> None:
    at = connected_app(monkeypatch, tmp_path, PAGE, lang=lang, log=log)
    at.date_input(key="period").set_value((date(2025, 2, 10), date(2025, 4, 20))).run()
    at.toggle(key="st_over_time").set_value(True).run()
    assert not at.exception, [e.value for e in at.exception]
    ds = upload(log)
    months = [
        (date(2025, 2, 10), date(2025, 2, 28)),
        (date(2025, 3, 1), date(2025, 3, 31)),
        (date(2025, 4, 1), date(2025, 4, 20)),
    ]
    period = "Period" if lang == "en" else "Période"
    table = next(d.value for d in at.dataframe if period in d.value.columns)
    assert len(table) == 3
    for row, (start, end) in zip(table.to_dict("records"), months, strict=True):
        kpis = View(ds, Filters(start=start, end=end)).kpis()
        for code in ("users", "conversion_rate", "orders"):
            k = next(x for x in kpis if x.code == code)
            assert row[k.label(lang)] == _figure(k, lang), (start, code)
    import json

    specs = [json.loads(c.proto.spec) for c in at.get("vega_lite_chart")]
    # each chart's layers (the target and benchmark layers of pages/_ui/target_marks.py)
    layers = [lay for sp in specs for lay in sp.get("layer", [sp])]
    line = next(sp for sp in layers if sp.get("mark", {}).get("type") == "line")
    assert line["encoding"]["x"]["field"] == "period"
