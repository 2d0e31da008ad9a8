"""Two comparison periods on the Overview, Stage KPIs and Funnel pages, in English and French:
an upload of two years of events, November 2025 chosen by the link; the year-before figures on
screen equal a direct View of November 2024 (and the previous period's, October 2025); the
"Compare with" setting is bound to the URL; a period the data does not cover a year before is
explained, never shown as 0."""

from __future__ import annotations

import io
from datetime import date

import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from kpi.filters import Filters
from kpi.view import View
from kpi.words import format as wf
from kpi.words import render
from kpi.year_before import dates_fact
from tests.engine.aggregates_support import upload
from tests.unit.two_years import two_years

NOV = Filters(start=date(2025, 11, 1), end=date(2025, 11, 30))
NOV_YB = Filters(start=date(2024, 11, 1), end=date(2024, 11, 30))
OCT = Filters(start=date(2025, 10, 1), end=date(2025, 10, 31))


@pytest.fixture(scope="module")
def log() -> pl.DataFrame:
    return two_years()


@pytest.fixture(scope="module")
def csv(log: pl.DataFrame) -> bytes:
    buf = io.BytesIO()
    log.write_csv(buf)
    return buf.getvalue()


@pytest.fixture(scope="module")
def ds(log):
    return upload(log)


def _open(
    app: AppTest, csv: bytes, page: str, lang: str, period=("2025-11-01", "2025-11-30"), **q
) -> AppTest:
    app.query_params["lang"] = lang
    if period:
        app.query_params["period"] = list(period)
    for k, v in q.items():
        app.query_params[k] = v
    app.run()
    app.sidebar.file_uploader[0].set_value(("events.csv", csv, "text/csv")).run()
    app.switch_page(page).run()
    assert [e.value for e in app.exception] == []
    return app


def _text(at) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += [w.value for w in at.warning] + [i.value for i in at.info]
    return "\n".join(str(p) for p in parts)


def _table(at, key: str) -> pl.DataFrame:
    for df in at.dataframe:
        if getattr(df, "key", None) == key or key in str(getattr(df, "id", "")):
            return pl.from_pandas(df.value)
    for df in at.dataframe:  # AppTest does not always give the key: the columns say it
        value = df.value
        if "year_before" in value.columns or "users_previous" in value.columns:
            return pl.from_pandas(value)
    raise AssertionError(f"no table {key}")


def _kpi_tables(at) -> list[pl.DataFrame]:
    return [
        pl.from_pandas(d.value) for d in at.dataframe if "year_before_change" in d.value.columns
    ]


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_overview_shows_both_comparisons(app, csv, ds, lang) -> None:
    at = _open(app, csv, "pages/home_view.py", lang)
    text = _text(at)
    assert render(dates_fact(date(2024, 11, 1), date(2024, 11, 30)), lang) in text
    assert render(dates_fact(date(2025, 10, 1), date(2025, 10, 31)), lang) in text
    tables = _kpi_tables(at)
    assert len(tables) == 1
    table = tables[0]
    yb = {k.code: k for k in View(ds, NOV_YB).kpis()}
    prev = {k.code: k for k in View(ds, OCT).kpis()}
    now = {k.code: k for k in View(ds, NOV).kpis()}
    label = {now[c].label(lang): c for c in now}
    checked = 0
    for row in table.iter_rows(named=True):
        code = label[row["kpi"]]
        k = now[code]
        if k.unit == "rate":
            assert row["year_before"] == wf.percent(yb[code].value, lang)
            assert row["previous"] == wf.percent(prev[code].value, lang)
            assert row["year_before_change"].startswith(wf.points(k.value - yb[code].value, lang))
            checked += 1
        elif k.unit == "count":
            assert row["year_before"] == wf.integer(yb[code].value, lang)
            checked += 1
    assert checked >= 3
    # the cards' second line: the change vs the same period a year before
    users = now["users"].value - yb["users"].value
    assert any(
        c.value.startswith(wf.signed_percent(now["users"].value / yb["users"].value - 1, lang))
        for c in at.caption
    ), users


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_stage_kpis_table_and_significance(app, csv, ds, lang) -> None:
    at = _open(app, csv, "pages/stages_view.py", lang)
    tables = _kpi_tables(at)
    assert len(tables) == 1
    table = tables[0]
    view = View(ds, NOV)
    want = view.two_periods().filter(pl.col("value").is_not_null())
    assert table.height == want.height
    for got, row in zip(table.iter_rows(named=True), want.iter_rows(named=True), strict=True):
        p = row["year_before_p_value"]
        assert got["year_before_p"] == (wf.MISSING if p is None else wf.p_value(p, lang))
        assert got["year_before_change"].endswith("✱") == bool(row["year_before_significant"])


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_funnel_tab_shows_both(app, csv, ds, lang) -> None:
    at = _open(app, csv, "pages/funnel_view.py", lang, fn_tab=["previous"])
    frames = [pl.from_pandas(d.value) for d in at.dataframe if "users_previous" in d.value.columns]
    assert len(frames) >= 2  # the previous period's and the year before's
    yb = View(ds, NOV_YB).funnel()
    assert frames[-1]["users_previous"].to_list() == yb["users"].to_list()
    assert frames[0]["users_previous"].to_list() == View(ds, OCT).funnel()["users"].to_list()


def test_compare_setting_is_in_the_url(app, csv) -> None:
    at = _open(app, csv, "pages/stages_view.py", "en", compare=["year_before"])
    tables = _kpi_tables(at)
    assert tables and "previous" not in tables[0].columns
    assert at.segmented_control(key="compare_st_cmp").value == "year_before"
    at.segmented_control(key="compare_st_cmp").set_value("previous").run()
    assert at.query_params["compare"] in ("previous", ["previous"])
    assert not _kpi_tables(at)  # no year-before column any more
    at.segmented_control(key="compare_st_cmp").set_value("both").run()
    assert "compare" not in at.query_params  # the default


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_year_before_not_covered_is_explained(app, csv, lang) -> None:
    at = _open(app, csv, "pages/stages_view.py", lang)
    at.date_input(key="period").set_value((date(2024, 11, 1), date(2024, 11, 30))).run()
    assert [e.value for e in at.exception] == []
    text = _text(at)
    fact = View(upload(two_years()), NOV_YB).year_before_coverage().fact()
    assert render(fact, lang, markdown=True) in text
    table = next(pl.from_pandas(d.value) for d in at.dataframe if "year_before" in d.value.columns)
    assert set(table["year_before"].to_list()) == {wf.MISSING}
