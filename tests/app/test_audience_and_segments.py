"""AppTest of "Retention by segment" (Retention page) and "The users behind a number"
(Funnel and Retention pages), in English and French, on the demo data; the ids and the
weighted averages checked against plain polars on the demo files (independent of kpi.load,
kpi.schema and kpi.retention). On a connected table: tests/app/test_audience_connected.py."""

from __future__ import annotations

import csv
import io

import polars as pl
import pytest
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from tests.app.conftest import ROOT, errors_and_exceptions

RETENTION = "pages/retention_view.py"
FUNNEL = "pages/funnel_view.py"
DEMO = ROOT / "data" / "demo"


@pytest.fixture(scope="module")
def demo() -> tuple[pl.DataFrame, pl.DataFrame]:
    ev = pl.read_csv(DEMO / "events.csv.gz", try_parse_dates=True, infer_schema_length=None)
    users = pl.read_csv(DEMO / "users.csv", try_parse_dates=True)
    return ev, users


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


def _rows(data: object, sep: str) -> list[list[str]]:
    raw = data() if callable(data) else data
    assert isinstance(raw, bytes) and raw.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(raw[3:].decode("utf-8")), delimiter=sep))


def _ids(rows: list[list[str]]) -> list[str]:
    start = rows.index(["user_id"])
    return [r[0] for r in rows[start + 1 :]]


def _month(col: str) -> pl.Expr:
    return pl.col(col).dt.year() * 12 + pl.col(col).dt.month() - 1


def _demo_month1_by_device(ev: pl.DataFrame, users: pl.DataFrame) -> dict[str, float]:
    """Weighted month-1 retention per device of the demo: Σ retained ÷ Σ cohort sizes over
    the monthly cohorts whose month 1 had ended by the last event (plain polars)."""
    last = ev["event_time"].max()
    last_idx = last.year * 12 + last.month - 1
    first = ev.group_by("user_id").agg(pl.col("event_time").min().alias("t0"))
    first = first.with_columns(_month("t0").alias("c"))
    months = ev.select("user_id", _month("event_time").alias("m")).unique()
    back = months.join(first, on="user_id").filter(pl.col("m") == pl.col("c") + 1)
    device = users.select("user_id", "device")
    per = first.join(device, on="user_id").with_columns(
        pl.col("user_id").is_in(back["user_id"].implode()).alias("back")
    )
    done = per.filter(pl.col("c") + 2 <= last_idx)  # month c+1 complete
    got = done.group_by("device").agg(pl.col("back").sum() / pl.len())
    return dict(got.iter_rows())


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_retention_by_segment_section(app, demo, lang) -> None:  # type: ignore[no-untyped-def]
    from kpi.words import format as fmt

    app.query_params["lang"] = lang
    app.query_params["rt_segment"] = ["device"]
    app.run()
    app.switch_page(RETENTION).run()
    assert errors_and_exceptions(app) == []
    ev, users = demo
    share = "Share" if lang == "en" else "Part"
    tables = [pl.from_pandas(d.value) for d in app.dataframe]
    seg = next(t for t in tables if share in t.columns or "share" in t.columns)
    col = "share" if "share" in seg.columns else share
    first_col = seg.columns[0]
    rows = {r[first_col]: r for r in seg.iter_rows(named=True)}
    everyone = "All users" if lang == "en" else "Tous les utilisateurs"
    n_users = ev["user_id"].n_unique()
    assert rows[everyone]["users"] == fmt.integer(n_users, lang)
    m1 = "M1"
    want = _demo_month1_by_device(ev, users)
    for device, rate in want.items():
        assert rows[device][m1] == fmt.percent(rate, lang), device
    # the segments' sizes add up to every user, said in words
    sizes = users.group_by("device").len()
    total = sum(int(v.replace("\u202f", "").replace(",", "")) for k, v in ((k, r["users"]) for k, r in rows.items()) if k != everyone)  # fmt: skip
    assert total == sizes["len"].sum() == n_users
    assert rows[everyone][col] == fmt.percent(1.0, lang)
    text = " ".join(c.value for c in app.caption)
    assert ("they add up" if lang == "en" else "se recoupent") in text
    # the curves: one line per device beside all users' dashed line
    import json

    titles = [
        json.dumps(json.loads(c.proto.spec).get("title"), ensure_ascii=False)
        for c in app.get("vega_lite_chart")
    ]
    assert any(("beside all users" if lang == "en" else "à côté de tous") in t for t in titles)


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_users_of_a_retention_cell(app, demo, files, lang) -> None:  # type: ignore[no-untyped-def]
    app.query_params["lang"] = lang
    app.run()
    app.switch_page(RETENTION).run()
    assert errors_and_exceptions(app) == []
    cohort = app.selectbox(key="au_rt_cohort")
    assert cohort.value == "2025-06"  # the oldest cohort, period 1 by default
    assert app.selectbox(key="au_rt_period").value == 1
    ev, _ = demo
    first = ev.group_by("user_id").agg(_month("event_time").min().alias("c"))
    months = ev.select("user_id", _month("event_time").alias("m")).unique()
    june = 2025 * 12 + 5
    want = sorted(
        months.join(first.filter(pl.col("c") == june), on="user_id")
        .filter(pl.col("m") == june + 1)["user_id"]
        .unique()
        .to_list()
    )
    sep = "," if lang == "en" else ";"
    rows = _rows(files["au_rt_download"], sep)
    assert _ids(rows) == want
    head = {r[0]: r[1] if len(r) > 1 else "" for r in rows if r[0].startswith("#")}
    if lang == "en":
        assert head["# Number"] == "cohort Jun 2025, active in month 1 after their start"
        assert head["# Users"] == f"{len(want):,}"
        assert head["# Page"] == "Retention"
        assert "Cohort = month of the first visit" in head["# Cohorts"]
        assert head["# Data"] == "demo data set"
    else:
        assert head["# Chiffre"] == "cohorte juin 2025, actifs le mois 1 après leur début"
        assert head["# Utilisateurs"] == f"{len(want):,}".replace(",", "\u202f")
        assert head["# Page"] == "Rétention"
        assert head["# Données"] == "jeu de données de démonstration"
    # another cell: the July cohort in month 2
    app.selectbox(key="au_rt_cohort").set_value("2025-07").run()
    app.selectbox(key="au_rt_period").set_value(2).run()
    assert errors_and_exceptions(app) == []
    july = june + 1
    want = sorted(
        months.join(first.filter(pl.col("c") == july), on="user_id")
        .filter(pl.col("m") == july + 2)["user_id"]
        .unique()
        .to_list()
    )
    assert _ids(_rows(files["au_rt_download"], sep)) == want
    assert "au_rt_cohort" not in app.query_params  # never in the URL


def _funnel_users(app) -> list[int]:  # type: ignore[no-untyped-def]
    table = pl.from_pandas(app.dataframe[0].value)
    col = next(c for c in table.columns if c.lower() in ("users", "utilisateurs"))
    return [int(str(v).replace(",", "").replace("\u202f", "")) for v in table[col]]


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_users_of_a_funnel_step_and_drop_off(app, files, lang) -> None:  # type: ignore[no-untyped-def]
    app.query_params["lang"] = lang
    app.run()
    app.switch_page(FUNNEL).run()
    assert errors_and_exceptions(app) == []
    users = _funnel_users(app)
    sep = "," if lang == "en" else ";"
    rows = _rows(files["au_fn_download"], sep)
    ids = _ids(rows)
    assert len(ids) == len(set(ids)) == users[0]  # step 1, reached (the default)
    app.selectbox(key="au_fn_step").set_value(2).run()
    app.segmented_control(key="au_fn_kind").set_value("dropped").run()
    assert errors_and_exceptions(app) == []
    rows = _rows(files["au_fn_download"], sep)
    dropped = _ids(rows)
    assert len(dropped) == users[1] - users[2]
    assert set(dropped) <= set(ids)
    head = {r[0]: r[1] if len(r) > 1 else "" for r in rows if r[0].startswith("#")}
    if lang == "en":
        assert head["# Number"].startswith("reached step 2 of ")
        assert "dropped off before" in head["# Number"]
        assert head["# Funnel rules"] == "sequential order, conversion window 14 days"
        assert head["# Users"] == f"{len(dropped):,}"
    else:
        assert head["# Chiffre"].startswith("ont atteint l'étape 2 sur ")
        assert head["# Règles de l'entonnoir"].startswith("ordre séquentiel")
    assert "au_fn_step" not in app.query_params and "au_fn_kind" not in app.query_params
    # without the first lines: a single column of ids
    app.checkbox(key="au_fn_download_header").uncheck().run()
    plain = _rows(files["au_fn_download"], sep)
    assert plain[0] == ["user_id"] and _ids(plain) == dropped


def test_a_segment_filter_lists_only_its_users(app, files, demo) -> None:  # type: ignore[no-untyped-def]
    app.query_params["device"] = ["tablet"]
    app.run()
    app.switch_page(FUNNEL).run()
    assert errors_and_exceptions(app) == []
    users = _funnel_users(app)
    ids = _ids(_rows(files["au_fn_download"], ","))
    assert len(ids) == users[0]
    _, demo_users = demo
    tablets = set(
        demo_users.filter(pl.col("device") == "tablet")["user_id"].cast(pl.String).to_list()
    )
    assert set(ids) <= tablets
