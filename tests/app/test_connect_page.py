"""The Data page's connected source: the address comes from PARCOURS_SOURCE (never shown), the
page lists the tables, previews 20 rows, maps the roles and, once the table is in use, every
page reads it with the sidebar's filters (counted in the engine), in English and in French."""

from __future__ import annotations

from pathlib import Path

import polars as pl
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
    assert first_metric(at, users) == "120"  # the connected table's quality, not the demo's
    words = text_of(at)
    assert ("Connected table" if lang == "en" else "Table connectée") in words  # the sidebar
    assert "duckdb:///" not in words
    assert "duckdb:///" not in str(dict(at.query_params))


def first_touch_users(device: str) -> int:
    return (
        events(120)
        .sort("ts")
        .group_by("user_id", maintain_order=True)
        .agg(pl.col("device").first())
        .filter(pl.col("device") == device)
        .height
    )


def test_the_sidebar_filters_the_connected_table(source: Path) -> None:
    at = data_page("en")
    at.button(key="connect_use").click().run()
    # the sidebar's device filter is drawn from the engine's values, most users first
    device = at.multiselect(key="device")
    counts = events(120).group_by("device").agg(pl.col("user_id").n_unique())
    assert set(device.options) == set(counts["device"])
    device.select("mobile").run()
    assert not errors_and_exceptions(at)
    assert at.session_state["filters"].segments == {"device": ["mobile"]}
    # the session's EngineView of the sidebar's filters: the users of the first-touch mobile
    views = at.session_state["_connect"]["views"]
    view = next(v for v in views.values() if v.filters == at.session_state["filters"])
    assert view.size()[0] == first_touch_users("mobile")
    # a filter change inherits what does not depend on it: the table's segment values
    assert "segment_values|device|200" in view._memo


def test_back_to_the_files(source: Path) -> None:
    at = data_page("en")
    at.button(key="connect_use").click().run()
    assert any("Connected table" in str(m.value) for m in at.markdown)
    at.button(key="connect_back").click().run()
    assert not errors_and_exceptions(at)
    assert not any("Connected table" in str(m.value) for m in at.markdown)


def test_no_source_configured_says_how(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PARCOURS_SOURCE", raising=False)
    at = data_page("en")
    assert not errors_and_exceptions(at)
    assert "PARCOURS\\_SOURCE" in text_of(at)  # markdown-escaped: shown as PARCOURS_SOURCE


def test_a_page_needing_rows_says_so_never_the_files(source: Path) -> None:
    """A page that does not read connected tables (yet) says so: never the demo silently."""
    at = data_page("en")
    at.button(key="connect_use").click().run()
    at.switch_page("pages/export_view.py").run()
    assert not errors_and_exceptions(at)


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


def test_a_shared_link_opens_the_same_table(source: Path) -> None:
    """The address bar names the table in use (never the address); a new session opened from
    that link uses it, with the link's filters."""
    at = data_page("en")
    at.button(key="connect_use").click().run()
    assert at.query_params.get("table") in ("events", ["events"])
    fresh = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    fresh.query_params.update({"lang": "en", "table": "events", "device": "mobile"})
    fresh.run()
    assert not errors_and_exceptions(fresh)
    assert any("Connected table" in str(m.value) for m in fresh.markdown)
    assert fresh.session_state["filters"].segments == {"device": ["mobile"]}
    fresh.button(key="connect_back").click().run()
    assert "table" not in fresh.query_params
    assert not any("Connected table" in str(m.value) for m in fresh.markdown)


def test_a_link_to_a_table_the_source_lacks_says_so(source: Path) -> None:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.query_params.update({"lang": "fr", "table": "orders"})
    at.run()
    assert not errors_and_exceptions(at)
    assert any("orders" in e.value for e in at.error)
    assert "table" not in at.query_params
