"""The Data page's connected source: the address comes from PARCOURS_SOURCE (never shown), the
page lists the tables, previews 20 rows, maps the roles and, once the table is in use, shows
the view's figures computed in the engine, in English and in French."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

pytest.importorskip("kpi.engine.source")
pytest.importorskip("kpi.engine.funnel")
pytest.importorskip("kpi.engine.stages")

from tests.app.conftest import errors_and_exceptions
from tests.engine.engine_data import duckdb_file, events

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def source(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    db = duckdb_file(events(120), tmp_path / "shop secret-name.duckdb")
    monkeypatch.setenv("PARCOURS_SOURCE", f"duckdb:///{db}")
    return db


def data_page(lang: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.query_params["lang"] = lang
    at.run()  # the frame first: then the page runs inside it (as in a browser)
    return at.switch_page("pages/data_view.py").run()


def first_metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def text_of(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += [i.value for i in at.info] + [e.value for e in at.error]
    parts += [h.value for h in at.header] + [h.value for h in at.subheader]
    return "\n".join(str(p) for p in parts)


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_connect_lists_previews_and_computes(source: Path, lang: str) -> None:
    at = data_page(lang)
    assert not errors_and_exceptions(at), errors_and_exceptions(at)
    assert not at.error, [e.value for e in at.error]
    words = text_of(at)
    assert ("Connected source" if lang == "en" else "Source connectée") in words
    assert "duckdb:///" not in words  # the address is never shown, only its label
    assert at.selectbox(key="connect_table").options == ["events"]
    preview = next(d.value for d in at.dataframe if "session_id" in d.value.columns)
    assert len(preview) == 20 and "user_id" in preview.columns
    at.button(key="connect_use").click().run()
    assert not errors_and_exceptions(at), errors_and_exceptions(at)
    assert not at.error, [e.value for e in at.error]
    users = "Users" if lang == "en" else "Utilisateurs"
    assert first_metric(at, users) == "120"  # the connected table's (the demo's come after)
    words = text_of(at)
    assert ("Funnel" if lang == "en" else "Entonnoir") in words
    assert "duckdb:///" not in words


def test_a_segment_filter_recomputes_in_the_engine(source: Path) -> None:
    at = data_page("en")
    at.button(key="connect_use").click().run()
    before = first_metric(at, "Users")
    at.multiselect(key="connect_seg_device").select("mobile").run()
    assert not errors_and_exceptions(at)
    after = first_metric(at, "Users")
    log = events(120)
    import polars as pl

    mobile = (
        log.sort("ts")
        .group_by("user_id", maintain_order=True)
        .agg(pl.col("device").first())
        .filter(pl.col("device") == "mobile")
        .height
    )
    assert before == "120" and after == str(mobile)


def test_no_source_configured_says_how(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PARCOURS_SOURCE", raising=False)
    at = data_page("en")
    assert not errors_and_exceptions(at)
    assert "PARCOURS\\_SOURCE" in text_of(at)  # markdown-escaped: shown as PARCOURS_SOURCE


def test_other_pages_say_what_they_read(source: Path) -> None:
    at = data_page("en")
    at.button(key="connect_use").click().run()
    at.switch_page("pages/funnel_view.py").run()
    assert not errors_and_exceptions(at)
    assert any("connected table is in use" in i.value for i in at.info)


def test_a_password_in_the_configured_source_is_never_on_the_page(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PARCOURS_SOURCE", "postgres://ann:hunter2-pw@127.0.0.1:9/shop")
    for lang in ("en", "fr"):
        at = data_page(lang)
        assert not errors_and_exceptions(at)
        shown = text_of(at) + "".join(str(w.value) for w in at.warning)
        assert "hunter2-pw" not in shown
        assert at.error  # why the source cannot be read, and what to do
        assert "hunter2-pw" not in str(dict(at.query_params))
