"""kpi.engine.view: the EngineView of a table in DuckDB gives the workbook an upload of the
same events gives (cell for cell on Summary, Funnel, Retention and A/B test), computes each
result once, filters on user values as literals, and says what it does not offer."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest

pytest.importorskip("kpi.engine.funnel")
pytest.importorskip("kpi.engine.cohorts")
pytest.importorskip("kpi.engine.stages")
pytest.importorskip("kpi.engine.quality")
pytest.importorskip("kpi.engine.source")

from kpi import funnel as polars_funnel
from kpi.engine.roles import map_roles
from kpi.engine.source import connect, parse_source
from kpi.engine.view import EngineView, engine_error, regroup_funnel
from kpi.export.workbook import ReportOptions, build_workbook, write_workbook
from kpi.filters import Filters
from kpi.load import read_table
from kpi.schema import TableInput, build_dataset, detect_roles
from kpi.segments import with_top_values
from kpi.settings import FunnelSettings
from kpi.words import render
from tests.engine.engine_data import STEPS, cells, duckdb_file, events, sheets

COMPARED = ("Summary", "Funnel", "Retention", "AB test")
GENERATED = dt.datetime(2025, 6, 1, 12, 0)


@pytest.fixture(scope="module")
def log() -> pl.DataFrame:
    return events()


@pytest.fixture(scope="module")
def db(log: pl.DataFrame, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return duckdb_file(log, tmp_path_factory.mktemp("engine") / "x.duckdb")


def upload_workbook(log: pl.DataFrame, filters: Filters, options: ReportOptions) -> bytes:
    """The app's route: the events as a CSV file, read, detected, built, the workbook."""
    t = read_table(log.write_csv().encode(), filename="events.csv")
    ds = build_dataset(
        [TableInput("events.csv", t.frame, roles=detect_roles(t.frame, filename="events.csv"))]
    )
    return build_workbook(ds, filters, options=options)


def engine_view(db: Path, filters: Filters, settings: FunnelSettings) -> EngineView:
    src = connect(parse_source(f"duckdb:///{db}"), table="events")
    table = map_roles(src.native, None, label=src.label)
    return EngineView(table, filters, settings)


def normalised(rows: list[tuple], names: tuple[str, ...]) -> list[tuple]:
    """Rows with the source's name (file or table) as one word, and without the data notes
    (an upload derives a cohort segment; an engine says where it computed)."""
    out = []
    for row in rows:
        if (
            row
            and isinstance(row[0], str)
            and (row[0].startswith("Cohort = ") or row[0].startswith("Computed in the engine"))
        ):
            continue
        out.append(tuple("<source>" if v in names else v for v in row))
    return out


VIEWS = [
    (Filters(), FunnelSettings(window=None)),
    (
        Filters(
            start=dt.date(2025, 2, 1),
            end=dt.date(2025, 3, 31),
            segments={"device": ["mobile", "tablet"]},
        ),
        FunnelSettings(steps=tuple(STEPS), window=dt.timedelta(hours=2), segment="variant"),
    ),
    (Filters(segments={"variant": ["B"]}), FunnelSettings(order="any", segment="device")),
]


@pytest.mark.parametrize(("filters", "settings"), VIEWS)
def test_workbook_equals_the_upload(
    log: pl.DataFrame, db: Path, filters: Filters, settings: FunnelSettings
) -> None:
    options = ReportOptions(funnel=settings, generated_at=GENERATED)
    up = upload_workbook(log, filters, options)
    view = engine_view(db, filters, settings)
    eng = write_workbook(view, options)
    names = ("events.csv", view.label)
    assert sheets(up) == sheets(eng)
    for sheet in [s for s in COMPARED if s in sheets(up)]:
        a, b = normalised(cells(up, sheet), names), normalised(cells(eng, sheet), names)
        assert a == b, sheet
    # the figures are there, not blank: users and events of the view
    summary = dict((r[0], r[1]) for r in cells(eng, "Summary") if r and r[0])
    users, n_events = view.size()
    assert summary["Users in view"] == users > 0
    assert summary["Events in view"] == n_events > 0


def test_size_by_hand(log: pl.DataFrame, db: Path) -> None:
    f = Filters(
        start=dt.date(2025, 2, 1), end=dt.date(2025, 2, 28), segments={"device": ["mobile"]}
    )
    view = engine_view(db, f, FunnelSettings())
    first = log.sort("ts").group_by("user_id", maintain_order=True).agg(pl.col("device").first())
    mobile = first.filter(pl.col("device") == "mobile")["user_id"]
    ev = log.filter(
        pl.col("user_id").is_in(mobile.implode())
        & (pl.col("ts") >= dt.datetime(2025, 2, 1))
        & (pl.col("ts") < dt.datetime(2025, 3, 1))
    )
    assert view.size() == (ev["user_id"].n_unique(), ev.height)


def test_each_result_once(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import kpi.engine.funnel as engine_funnel

    calls: list[tuple] = []
    real = engine_funnel.funnel_table

    def counted(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(kwargs.get("by", ()))
        return real(*args, **kwargs)

    monkeypatch.setattr(engine_funnel, "funnel_table", counted)
    view = engine_view(db, Filters(), FunnelSettings(window=None))
    first = view.funnel()
    assert view.funnel() is first
    view.red_flags()
    view.red_flags()
    view.funnel_by("device")
    view.funnel_by("device")
    assert calls == [(), ("device",)]


def test_regroup_funnel_equals_the_polars_breakdown(log: pl.DataFrame) -> None:
    """Top 2 devices + Other from the funnel by every device == the funnel of the events
    relabelled first (kpi.segments.with_top_values), users adding up."""
    first = log.sort("ts").group_by("user_id", maintain_order=True).agg(pl.col("device").first())
    ev = log.drop("device").join(first, on="user_id")
    raw = polars_funnel.funnel_table(ev, STEPS, by=["device"])
    keep = with_top_values(first, "device", 2)["device"].unique().to_list()
    keep = [k for k in keep if k != "Other"]
    got = regroup_funnel(raw, "device", keep)
    relabelled = with_top_values(ev, "device", 2, weight=None)
    want = polars_funnel.funnel_table(relabelled, STEPS, by=["device"])
    cols = ["device", "step", "users", "conversion", "step_conversion", "drop_off"]
    assert (
        got.select(cols).sort(["device", "step"]).equals(want.select(cols).sort(["device", "step"]))
    )
    # users add up to the overall funnel, step by step
    total = polars_funnel.funnel_table(ev, STEPS)
    assert got.group_by("step").agg(pl.col("users").sum()).sort("step")["users"].to_list() == (
        total.sort("step")["users"].to_list()
    )


def test_a_hostile_segment_value_filters_on_itself(tmp_path: Path) -> None:
    hostile = "x' OR '1'='1"
    log = events(60).with_columns(
        pl.when(pl.col("user_id") == "u3")
        .then(pl.lit(hostile))
        .otherwise(pl.col("device"))
        .alias("device")
    )
    db = duckdb_file(log, tmp_path / "h.duckdb")
    view = engine_view(db, Filters(segments={"device": [hostile]}), FunnelSettings())
    assert view.size() == (1, log.filter(pl.col("user_id") == "u3").height)
    assert engine_view(db, Filters(segments={"device": ["x"]}), FunnelSettings()).size() == (0, 0)


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_value_sheet_equals_the_uploads(log: pl.DataFrame, db: Path, lang: str) -> None:
    """Orders, CLV and acquisition, cell for cell as the upload's (summed in the engine); the
    survey part says that an event table holds no answers, in the workbook's language."""
    filters, settings = Filters(segments={"device": ["mobile", "tablet"]}), FunnelSettings()
    options = ReportOptions(
        funnel=settings, generated_at=GENERATED, lang=lang, kpi_segment="device"
    )
    sheet = "Valeur" if lang == "fr" else "Value"
    up = cells(upload_workbook(log, filters, options), sheet)
    view = engine_view(db, filters, settings)
    eng = cells(write_workbook(view, options), sheet)
    nps = render("export.nps.title", lang)
    cut = next(i for i, r in enumerate(eng) if r and r[0] == nps)
    assert len(up) <= cut and eng[: len(up)] == up  # the upload has no survey section
    assert any(isinstance(v, float) and v > 0 for r in eng[:cut] for v in r)  # figures, not words
    text = " ".join(str(v) for r in eng[cut:] for v in r if v)
    assert render("advocacy.connected.no_survey", lang).replace("**", "") in text
    assert view.kpis_by("device") is not None  # grouped in the engine (kpi.engine.view_stages)


def test_engine_errors_say_what_without_the_secret() -> None:
    err = engine_error(
        RuntimeError("could not connect to postgres://ann:s3cret@db.example/x\nmore")
    )
    text = err.text("en") + err.text("fr")
    assert "s3cret" not in text
    assert "RuntimeError" in text


@pytest.mark.parametrize("backend", ["polars", "duckdb", "spark"])
def test_the_view_is_the_same_on_every_engine(log: pl.DataFrame, backend: str, to_native) -> None:  # type: ignore[no-untyped-def]
    """The EngineView's own aggregates (sizes, segment counts, session durations, retention
    counts, the A/B counts) and the workbook's figures are the same on polars, DuckDB and
    Spark; the reference is the upload route's View."""
    from kpi.view import View

    f = Filters(
        start=dt.date(2025, 2, 1),
        end=dt.date(2025, 3, 31),
        segments={"device": ["mobile", "desktop"]},
    )
    settings = FunnelSettings(window=dt.timedelta(hours=3), segment="variant")
    view = EngineView(map_roles(to_native(log, backend), None, label="events"), f, settings)
    t = read_table(log.write_csv().encode(), filename="events.csv")
    ds = build_dataset(
        [TableInput("events.csv", t.frame, roles=detect_roles(t.frame, filename="events.csv"))]
    )
    ref = View(ds, f, settings)
    assert view.size() == (ref.view.users.height, ref.view.events.height)
    assert view.funnel().select("step", "users").equals(ref.funnel().select("step", "users"))  # type: ignore[union-attr]
    md, md_ref = view.monthly_duration(), ref.monthly_duration()
    assert md is not None and md_ref is not None, (view._memo.get("monthly_duration"), md_ref)
    assert md["sessions"].to_list() == md_ref["sessions"].to_list()
    assert (
        md["avg_session_seconds"].round(6).to_list()
        == md_ref["avg_session_seconds"].round(6).to_list()
    )
    r, r_ref = view.retention(), ref.retention()
    assert r is not None and r_ref is not None
    assert (r.repeat.customers, r.repeat.repeat_customers) == (
        r_ref.repeat.customers,
        r_ref.repeat.repeat_customers,
    )
    assert r.frequency.orders == r_ref.frequency.orders
    assert r.churn is not None and r_ref.churn is not None
    assert (r.churn.customers_at_start, r.churn.customers_lost, r.churn.new_customers) == (
        r_ref.churn.customers_at_start, r_ref.churn.customers_lost, r_ref.churn.new_customers,
    )  # fmt: skip
    assert r.table.equals(r_ref.table)
    ab = view.ab_analysis()
    assert ab is not None
    assert [f.code for f in view.red_flags()] == [f.code for f in ref.red_flags()]
