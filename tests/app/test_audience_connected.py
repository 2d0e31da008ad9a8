"""AppTest of "The users behind a number" on a connected table (DuckDB): the section is offered
on the Funnel and Retention pages, the ids of the downloaded CSV equal the upload route's
(kpi.audience on the same events read as a CSV file), the count on the page is the funnel
table's and the cohort table's, and the file's first lines say the view: the table's name
(never its address) and the sidebar's filters, in English and French."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from pathlib import Path

import polars as pl
import pytest
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

pytest.importorskip("kpi.engine.source")

from kpi import audience
from kpi.filters import Filters
from kpi.settings import FunnelSettings
from kpi.view import View
from tests.app.conftest import errors_and_exceptions
from tests.app.connected import connected_app
from tests.app.connected_ref import shop_log, upload
from tests.engine.engine_data import STEPS

FUNNEL = "pages/funnel_view.py"
RETENTION = "pages/retention_view.py"
SETTINGS = FunnelSettings(steps=tuple(STEPS), window=timedelta(days=14))  # the page's defaults


@pytest.fixture(scope="module")
def log() -> pl.DataFrame:
    return shop_log(200)


@pytest.fixture
def files(monkeypatch) -> dict[str, object]:  # type: ignore[no-untyped-def]
    """The ``data`` of the audience download buttons at each run, by key (built on click)."""
    seen: dict[str, object] = {}
    original = DeltaGenerator.download_button

    def spy(self, label, data, *args, **kwargs):  # type: ignore[no-untyped-def]
        if str(kwargs.get("key", "")).startswith("au_"):
            seen[kwargs["key"]] = data
        return original(self, label, data, *args, **kwargs)

    monkeypatch.setattr(DeltaGenerator, "download_button", spy)
    monkeypatch.setattr(st, "download_button", lambda *a, **k: spy(st._main, *a, **k))
    return seen


def rows(data: object, sep: str) -> list[list[str]]:
    raw = data() if callable(data) else data
    assert isinstance(raw, bytes) and raw.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(raw[3:].decode("utf-8")), delimiter=sep))


def ids(got: list[list[str]]) -> list[str]:
    start = got.index(["user_id"])
    return [r[0] for r in got[start + 1 :]]


def head(got: list[list[str]]) -> dict[str, str]:
    return {r[0]: r[1] if len(r) > 1 else "" for r in got if r and r[0].startswith("#")}


def clean(at) -> None:  # type: ignore[no-untyped-def]
    assert errors_and_exceptions(at) == [], errors_and_exceptions(at)
    assert not at.error, [e.value for e in at.error]


def step_users(at) -> list[int]:  # type: ignore[no-untyped-def]
    for df in at.dataframe:
        table = pl.from_pandas(df.value)
        if "drop_off" in table.columns and "device" not in table.columns:
            return [int(x) for x in table["users"].to_list()]
    raise AssertionError("no step table")


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_funnel_page_offers_the_ids(monkeypatch, tmp_path: Path, log, files, lang) -> None:  # type: ignore[no-untyped-def]
    at = connected_app(monkeypatch, tmp_path, FUNNEL, lang=lang, log=log)
    clean(at)
    sep = "," if lang == "en" else ";"
    ds = upload(log)
    users = step_users(at)
    got = rows(files["au_fn_download"], sep)
    want = audience.funnel_audience(View(ds, Filters(), SETTINGS), 1)
    assert ids(got) == [str(x) for x in want.ids.to_list()] and len(ids(got)) == users[0]
    # a drop-off, under the sidebar's device filter
    at.multiselect(key="device").select("mobile").run()
    at.selectbox(key="au_fn_step").set_value(2).run()
    at.segmented_control(key="au_fn_kind").set_value("dropped").run()
    clean(at)
    mobile = Filters(segments={"device": ["mobile"]})
    users = step_users(at)
    got = rows(files["au_fn_download"], sep)
    want = audience.funnel_audience(View(ds, mobile, SETTINGS), 2, "dropped")
    assert want.total > 0
    assert ids(got) == [str(x) for x in want.ids.to_list()]
    assert len(ids(got)) == users[1] - users[2]
    lines = head(got)
    text = " ".join(m.value for m in at.markdown)
    if lang == "en":
        assert lines["# Data"] == "shop.duckdb · events"
        assert "mobile" in lines["# View (filters)"]
        assert lines["# Number"].startswith("reached step 2 of 4 (product)")
        assert lines["# Funnel rules"] == "sequential order, conversion window 14 days"
        assert f"**{want.total}** users behind this number" in text
    else:
        assert lines["# Données"] == "shop.duckdb · events"
        assert "mobile" in lines["# Vue (filtres)"]
        assert lines["# Chiffre"].startswith("ont atteint l'étape 2 sur 4 (product)")
        assert f"**{want.total}** utilisateurs derrière ce chiffre" in text
    assert not any("duckdb:///" in v for v in lines.values())
    assert "au_fn_step" not in at.query_params


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_retention_page_offers_the_ids(monkeypatch, tmp_path: Path, log, files, lang) -> None:  # type: ignore[no-untyped-def]
    at = connected_app(monkeypatch, tmp_path, RETENTION, lang=lang, log=log)
    clean(at)
    sep = "," if lang == "en" else ";"
    view = View(upload(log), Filters())
    table = view.retention().table
    cohort = at.selectbox(key="au_rt_cohort").value
    first = table.filter(pl.col("cohort") == cohort).row(1, named=True)  # period 1 (default)
    assert first["period"] == 1 and first["retained"] > 0
    got = rows(files["au_rt_download"], sep)
    want = audience.cohort_audience(view, first["cohort_start"], 1, purchase_step="purchase")
    assert ids(got) == [str(x) for x in want.ids.to_list()]
    assert len(ids(got)) == first["retained"]
    # on or after, period 2
    at.segmented_control(key="rt_mode").set_value("on or after").run()
    at.selectbox(key="au_rt_period").set_value(2).run()
    clean(at)
    table = view.retention(mode="on_or_after").table
    cell = table.filter((pl.col("cohort") == cohort) & (pl.col("period") == 2)).row(0, named=True)
    got = rows(files["au_rt_download"], sep)
    want = audience.cohort_audience(
        view, cell["cohort_start"], 2, mode="on_or_after", purchase_step="purchase"
    )
    assert ids(got) == [str(x) for x in want.ids.to_list()]
    assert len(ids(got)) == cell["retained"]
    lines = head(got)
    data = "# Data" if lang == "en" else "# Données"
    assert lines[data] == "shop.duckdb · events"
    page = "# Page"
    assert lines[page] == ("Retention" if lang == "en" else "Rétention")
    assert not any("duckdb:///" in v for v in lines.values())
