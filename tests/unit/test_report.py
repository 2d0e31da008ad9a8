"""The Excel summary read back (openpyxl and calamine) against independent polars figures."""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path

import fastexcel
import openpyxl
import polars as pl
import pytest

from kpi import funnel
from kpi.dataset import Dataset, Source
from kpi.errors import InputError
from kpi.filters import Filters
from kpi.load import read_table
from kpi.report import SECTIONS, ReportOptions, build_workbook, report_flags
from kpi.schema import TableInput, build_dataset
from kpi.words import render

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "data" / "demo"
DATASETS = ROOT.parent / "shared" / "datasets"
OCTOBER_MOBILE = Filters(
    start=date(2025, 10, 1), end=date(2025, 10, 31), segments={"device": ["mobile"]}
)


def _dataset(paths: list[Path]) -> Dataset:
    inputs = []
    for p in paths:
        t = read_table(p, max_mb=None)
        inputs.append(
            TableInput(
                p.name, t.frame, rows_read=t.report.rows_read, dropped=dict(t.report.dropped)
            )
        )
    return build_dataset(inputs)


@pytest.fixture(scope="module")
def demo() -> Dataset:
    return _dataset(sorted(p for p in DEMO.iterdir() if p.is_file()))


@pytest.fixture(scope="module")
def october(demo: Dataset) -> bytes:
    return build_workbook(
        demo, OCTOBER_MOBILE, options=ReportOptions(generated_at=datetime(2025, 12, 1))
    )


@pytest.fixture(scope="module")
def whole(demo: Dataset) -> bytes:
    return build_workbook(demo, Filters())


def _table(data: bytes, name: str) -> pl.DataFrame:
    return fastexcel.read_excel(data).load_table(name).to_polars()


def _kpi_table(data: bytes, name: str) -> pl.DataFrame:
    """An Excel table read with openpyxl (KPI tables mix numbers and h:mm:ss durations)."""
    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = next(ws for ws in wb if name in ws.tables)
    rows = [[c.value for c in row] for row in ws[ws.tables[name].ref]]
    cols = {h: [r[j] for r in rows[1:]] for j, h in enumerate(rows[0])}
    return pl.DataFrame(
        {
            h: [v.total_seconds() if isinstance(v, timedelta) else v for v in vs]
            for h, vs in cols.items()
        },
        strict=False,
    )


def _raw_events() -> pl.DataFrame:
    """The demo events and users read with plain polars (the independent reference)."""
    ev = pl.read_csv(
        DEMO / "events.csv.gz",
        try_parse_dates=True,
        schema_overrides={"order_id": pl.String, "revenue": pl.Float64},
    )
    users = pl.read_csv(DEMO / "users.csv")
    return ev.join(users.select("user_id", "device"), on="user_id")


def test_sheets_properties_and_structure(october: bytes) -> None:
    wb = openpyxl.load_workbook(io.BytesIO(october))
    # every sheet but the Events sheet, which needs a calendar (none in this view)
    assert wb.sheetnames == [t for c, t in SECTIONS.items() if c != "events"]
    assert wb.properties.creator == "Parcours"
    assert wb.properties.title == "Parcours summary"
    assert "device: mobile" in wb.properties.subject
    assert "funnel" in wb.properties.keywords
    funnel_ws = wb["Funnel"]
    assert {"tblFunnel", "tblFunnelBySegment"} <= set(funnel_ws.tables)
    assert len(funnel_ws._charts) == 2  # the funnel and the conversion by segment
    assert funnel_ws.freeze_panes is not None
    assert wb["Stage KPIs"].freeze_panes == "C4"
    for ws in wb:
        assert any(d.width for d in ws.column_dimensions.values()), ws.title


def test_numbers_are_numbers_with_formats(october: bytes) -> None:
    ws = openpyxl.load_workbook(io.BytesIO(october))["Funnel"]
    ref = ws.tables["tblFunnel"].ref
    first = ws[ref.split(":")[0]].row
    users, conv = ws.cell(first + 1, 2), ws.cell(first + 1, 3)
    assert users.data_type == "n" and users.number_format == "#,##0"
    assert conv.data_type == "n" and conv.number_format == "0.00%"


def test_funnel_users_per_step_match_kpi_and_plain_polars(demo: Dataset, october: bytes) -> None:
    got = _table(october, "tblFunnel")
    view = OCTOBER_MOBILE.apply(demo)
    expected = funnel.funnel(view.events, list(demo.steps))
    assert got["Step"].to_list() == expected["step"].to_list()
    assert got["Users"].cast(pl.Int64).to_list() == expected["users"].to_list()
    assert got["Conversion from step 1"].to_list() == pytest.approx(
        expected["conversion"].to_list()
    )
    # step 1: distinct mobile users with a landing event in October (plain polars)
    raw = _raw_events().filter(
        (pl.col("device") == "mobile")
        & (pl.col("event_time") >= datetime(2025, 10, 1))
        & (pl.col("event_time") < datetime(2025, 11, 1))
    )
    landing = raw.filter(pl.col("event_name") == "landing")["user_id"].n_unique()
    assert got["Users"][0] == landing


def test_stage_kpi_and_previous_period_match_plain_polars(october: bytes) -> None:
    kpis = _kpi_table(october, "tblStageKpis")
    row = kpis.filter(pl.col("KPI") == "Conversion rate").row(0, named=True)
    raw = _raw_events().filter(pl.col("device") == "mobile")

    def conversion(lo: datetime, hi: datetime) -> float:
        p = raw.filter((pl.col("event_time") >= lo) & (pl.col("event_time") < hi))
        buyers = p.filter(pl.col("event_name") == "purchase")["user_id"].n_unique()
        return buyers / p["user_id"].n_unique()

    now = conversion(datetime(2025, 10, 1), datetime(2025, 11, 1))
    before = conversion(datetime(2025, 9, 1), datetime(2025, 10, 1))  # the previous month
    assert float(row["Value"]) == pytest.approx(now)
    assert float(row["Previous period"]) == pytest.approx(before)
    # a rate's change in percentage points (the cell holds points: 0.07 for 0.0007)
    assert float(row["Change"]) == pytest.approx((now - before) * 100)


def test_retention_cell_matches_plain_polars(whole: bytes) -> None:
    ret = openpyxl.load_workbook(io.BytesIO(whole))["Retention"]
    assert "tblRetention" in ret.tables
    assert len(list(ret.conditional_formatting)) == 1  # the colour scale
    got = _table(whole, "tblRetention")
    raw = _raw_events().with_columns(pl.col("event_time").dt.strftime("%Y-%m").alias("month"))
    first = raw.group_by("user_id").agg(pl.col("month").min().alias("cohort"))
    june = first.filter(pl.col("cohort") == "2025-06")
    back = raw.filter(pl.col("month") == "2025-07").join(june, on="user_id", how="semi")
    expected = back["user_id"].n_unique() / june.height
    row = got.filter(pl.col("Cohort") == "2025-06").row(0, named=True)
    assert row["Users"] == june.height
    assert row["Month 1"] == pytest.approx(expected)
    assert row["Month 0"] == 1.0


def test_aov_matches_plain_polars(whole: bytes) -> None:
    wb = openpyxl.load_workbook(io.BytesIO(whole))
    ws = wb["Value"]
    values = {ws.cell(r, 1).value: ws.cell(r, 2).value for r in range(1, ws.max_row + 1)}
    buys = _raw_events().filter(pl.col("event_name") == "purchase")
    assert values["Average order value"] == pytest.approx(
        buys["revenue"].sum() / buys["order_id"].n_unique()
    )
    assert (
        ws.cell(next(r for r in range(1, 30) if ws.cell(r, 1).value == "Orders"), 2).number_format
        == "#,##0"
    )


def test_value_sheet_clv_says_it_is_extrapolated(demo: Dataset, whole: bytes) -> None:
    """Six months of demo data: the CLV row names the extrapolation; purchases per year are
    repeat orders per customer-year observed + 1 ÷ 3 years, recomputed with plain polars."""
    wb = openpyxl.load_workbook(io.BytesIO(whole))
    ws = wb["Value"]
    values = {ws.cell(r, 1).value: ws.cell(r, 2).value for r in range(1, ws.max_row + 1)}
    ev = _raw_events()
    end = ev["event_time"].max()
    buys = ev.filter(pl.col("event_name") == "purchase")
    per = buys.group_by("user_id").agg(
        pl.col("order_id").n_unique().alias("n"), pl.col("event_time").min().alias("f")
    )
    days = ((end - per["f"]).dt.total_seconds() / 86400).clip(lower_bound=30)
    repeat = (per["n"].sum() - per.height) / (days.sum() / 365.25)
    aov = buys["revenue"].sum() / buys["order_id"].n_unique()
    assert values["× Purchases per customer per year"] == pytest.approx(repeat + 1 / 3)
    assert values["CLV (extrapolated from 183 days)"] == pytest.approx(aov * (1 + 3 * repeat))
    # one month: extrapolated from 30 days
    nov = build_workbook(demo, Filters(start=date(2025, 11, 1), end=date(2025, 11, 30)))
    ws = openpyxl.load_workbook(io.BytesIO(nov))["Value"]
    labels = [ws.cell(r, 1).value for r in range(1, ws.max_row + 1)]
    assert "CLV (extrapolated from 30 days)" in labels


HOSTILE = ['=HYPERLINK("http://x","y")', "=1+1", "+1", "@SUM(1)", "-2+3", "\t=1"]


def test_formula_injection_stays_text() -> None:
    n = 12
    users = pl.DataFrame(
        {
            "user_id": [f"u{i}" for i in range(n)],
            "channel": [HOSTILE[i % len(HOSTILE)] for i in range(n)],
            "device": [HOSTILE[(i + 1) % len(HOSTILE)] for i in range(n)],
            "variant": ["A", "B"] * (n // 2),
        }
    )
    steps = ["landing", "=cmd|' /C calc'!A0"]
    events = pl.DataFrame(
        {
            "user_id": [f"u{i}" for i in range(n)] + [f"u{i}" for i in range(0, n, 2)],
            "ts": [datetime(2025, 1, 1 + i % 20, 10) for i in range(n)]
            + [datetime(2025, 1, 1 + i % 20, 11) for i in range(0, n, 2)],
            "step": ["landing"] * n + [steps[1]] * (n // 2),
        }
    )
    ds = Dataset(
        events=events,
        users=users,
        steps=tuple(steps),
        segments=("channel", "device", "variant"),
        sources=(Source("=evil.csv", "events", n, n, {"@bad reason": 0}),),
    )
    f = Filters(segments={"channel": HOSTILE})
    data = build_workbook(ds, f, options=ReportOptions(segment="channel", title="=1+2"))
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        sheets = [n for n in z.namelist() if n.startswith("xl/worksheets/sheet")]
        assert sheets
        for name in sheets:
            xml = z.read(name).decode()
            assert "<f>" not in xml and "<f " not in xml, name
    wb = openpyxl.load_workbook(io.BytesIO(data))
    seen = set()
    for ws in wb:
        for row in ws.iter_rows():
            for c in row:
                assert c.data_type != "f", (ws.title, c.coordinate, c.value)
                if isinstance(c.value, str) and c.value.startswith(("=", "+", "-", "@", "\t")):
                    assert c.quotePrefix, (ws.title, c.coordinate, c.value)
                    seen.add(c.value)
    assert {'=HYPERLINK("http://x","y")', "=1+1", "+1", "@SUM(1)", steps[1], "=evil.csv"} <= seen


def test_sections_choice_and_unknown_sheet(demo: Dataset) -> None:
    data = build_workbook(demo, Filters(), sections=["definitions", "summary"])
    assert openpyxl.load_workbook(io.BytesIO(data)).sheetnames == ["Summary", "Definitions"]
    with pytest.raises(InputError, match="Unknown sheet"):
        build_workbook(demo, Filters(), sections=["pivot"])
    with pytest.raises(InputError, match="Unknown funnel step"):
        build_workbook(demo, Filters(), options=ReportOptions(steps=("landing", "nope")))


def test_red_flags_follow_thresholds(demo: Dataset) -> None:
    strict = ReportOptions(
        thresholds=__import__("kpi.alerts").alerts.Thresholds(min_conversion=0.5)
    )
    codes = {f.code for f in report_flags(demo, Filters(), options=strict)}
    assert "low_conversion" in codes
    data = build_workbook(demo, Filters(), options=strict, sections=["summary"])
    ws = openpyxl.load_workbook(io.BytesIO(data))["Summary"]
    texts = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    flag = next(
        f for f in report_flags(demo, Filters(), options=strict) if f.code == "low_conversion"
    )
    assert flag.message.code == "alerts.low_conversion"
    assert flag.message["threshold"] == 0.5
    assert flag.value == pytest.approx(flag.message["value"]) and flag.value < 0.5
    en = render(flag.message, "en")
    assert en.endswith("below the 50.0% minimum.")  # one precision rule: 1 decimal from 10 %
    assert any(en in t for t in texts)
    fr = build_workbook(demo, Filters(), options=replace(strict, lang="fr"), sections=["summary"])
    ws = openpyxl.load_workbook(io.BytesIO(fr))["Synthèse"]
    texts = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert "Taux de conversion faible" in texts
    assert any("sous le seuil minimum de 50,0\u00a0%." in t for t in texts)


@pytest.mark.skipif(not (DATASETS / "online_retail.csv").exists(), reason="datasets missing")
def test_online_retail_workbook() -> None:
    ds = _dataset([DATASETS / "online_retail.csv"])
    data = build_workbook(ds, Filters())
    kpis = _kpi_table(data, "tblStageKpis")
    raw = pl.read_csv(DATASETS / "online_retail.csv", infer_schema_length=0).with_columns(
        pl.col("Quantity").cast(pl.Float64), pl.col("UnitPrice").cast(pl.Float64)
    )
    kept = raw.filter(
        pl.col("CustomerID").is_not_null()
        & ~pl.col("InvoiceNo").str.starts_with("C")
        & (pl.col("UnitPrice") > 0)
    )
    aov = (kept["Quantity"] * kept["UnitPrice"]).sum() / kept["InvoiceNo"].n_unique()
    row = kpis.filter(pl.col("KPI") == "Average order value").row(0, named=True)
    assert float(row["Value"]) == pytest.approx(aov, rel=1e-9)
    assert (
        kpis.filter(pl.col("KPI") == "Orders")["Value"].cast(pl.Float64)[0]
        == kept["InvoiceNo"].n_unique()
    )


def test_funnel_sheet_leaves_step_one_times_blank(demo: Dataset, october: bytes) -> None:
    """Step 1 has no previous step: its times were written as 0:00:00 (a Shopify orders file
    read '0 s' for its only step); later steps keep their medians."""
    got = _kpi_table(october, "tblFunnel")
    for col in ("Median time from previous step", "90th percentile from previous",
                "Median time from step 1"):  # fmt: skip
        assert got[col][0] is None, col
    times = funnel.step_times(OCTOBER_MOBILE.apply(demo).events, list(demo.steps))
    assert got["Median time from previous step"][1] == pytest.approx(
        times["median_from_previous_s"][1], abs=0.5
    )
    assert got["Median time from previous step"][1] > 0


# ---------------------------------------------------------------- the workbook in French


@pytest.fixture(scope="module")
def octobre(demo: Dataset) -> bytes:
    return build_workbook(
        demo,
        OCTOBER_MOBILE,
        options=ReportOptions(generated_at=datetime(2025, 12, 1), lang="fr"),
    )


def _texts(wb: openpyxl.Workbook) -> list[str]:
    return [
        c for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for c in row
        if isinstance(c, str)
    ]  # fmt: skip


def test_french_workbook_reads_back(octobre: bytes, october: bytes) -> None:
    """Sheet names, headers and notes in French; numbers are the English workbook's numbers."""
    fr = openpyxl.load_workbook(io.BytesIO(octobre))
    en = openpyxl.load_workbook(io.BytesIO(october))
    assert fr.sheetnames == [
        "Synthèse", "Entonnoir", "KPI par étape", "Pourquoi ils abandonnent", "Rétention", "Valeur", "Test AB",
        "Définitions", "Qualité des données",
    ]  # fmt: skip
    ws = fr["Synthèse"]
    pairs = {c.value: ws.cell(c.row, 2).value for c in ws["A"] if c.value}
    assert ws["A1"].value == "Synthèse Parcours"
    assert pairs["Période"] == "du 1 oct. 2025 au 31 oct. 2025"
    assert pairs["Comparée à"].startswith(
        "du 1 sept. 2025 au 30 sept. 2025 (la période juste avant"
    )
    assert pairs["Vue (filtres)"] == "device\u00a0: mobile\u00a0; du 1 oct. 2025 au 31 oct. 2025"
    en_pairs = {c.value: en["Summary"].cell(c.row, 2).value for c in en["Summary"]["A"] if c.value}
    assert pairs["Utilisateurs dans la vue"] == en_pairs["Users in view"]
    assert isinstance(pairs["Utilisateurs dans la vue"], int)
    headers = [
        c.value
        for c in next(
            r for r in fr["KPI par étape"].iter_rows() if r[0].value == "Étape du parcours"
        )
    ]
    assert headers[:6] == [
        "Étape du parcours",
        "KPI",
        "Valeur",
        "Période précédente",
        "Évolution",
        "Évolution %",
    ]
    # every number of every sheet is the same number as in English, in the same cell
    for ws_fr, ws_en in zip(fr.worksheets, en.worksheets, strict=True):
        for row_fr, row_en in zip(ws_fr.iter_rows(), ws_en.iter_rows(), strict=True):
            for a, b in zip(row_fr, row_en, strict=True):
                if isinstance(b.value, int | float) and not isinstance(b.value, bool):
                    assert a.value == pytest.approx(b.value, rel=1e-12), (ws_fr.title, a.coordinate)
                    # the same format, its unit words in French: points "pt" (English "pp"),
                    # "jours", "mois"
                    assert a.number_format == b.number_format.replace('" pp"', '" pt"') or (
                        "jours" in a.number_format or "mois" in a.number_format
                    ), (ws_fr.title, a.coordinate)
    # rates stay fractions with a % format
    stage = {r[1]: r for r in fr["KPI par étape"].iter_rows() if r[1].value}
    rate = next(r for r in stage.values() if r[2].number_format == "0.00%")
    assert 0 <= rate[2].value <= 1


def test_french_workbook_has_no_english_catalogue_sentence(octobre: bytes) -> None:
    """No English sentence of the catalogue (its literal parts) in the French workbook."""
    from kpi.words.catalogue import catalogue

    cells = "\n".join(_texts(openpyxl.load_workbook(io.BytesIO(octobre))))
    leaks = []
    for code, (english, french) in catalogue().items():
        for part in re.split(r"\{[^}]*\}", english):
            part = part.strip(" :;,.()")
            if len(part) >= 14 and part not in french and part in cells:
                leaks.append((code, part))
    assert leaks == []
    assert "Taux de conversion" in cells or "Conversion rate" in cells  # a KPI name is there


def test_money_cells_carry_the_data_currency(demo: Dataset) -> None:
    """A Dataset that says its currency (``Dataset.currency``): money cells show its symbol
    where each language writes it; the value stays a number."""
    import dataclasses

    ds = demo
    if "currency" in {f.name for f in dataclasses.fields(Dataset)}:
        ds = dataclasses.replace(demo, currency="EUR")
    else:  # until Dataset carries the currency: the attribute the workbook reads
        ds = _WithCurrency(demo)
    for lang, fmt in (("fr", '#,##0.00" €"'), ("en", '"€"#,##0.00')):
        wb = openpyxl.load_workbook(
            io.BytesIO(
                build_workbook(ds, Filters(), options=ReportOptions(lang=lang), sections=["value"])
            )
        )
        ws = wb.worksheets[0]
        aov = next(
            r[1] for r in ws.iter_rows() if r[0].value in ("Average order value", "Panier moyen")
        )
        assert aov.number_format == fmt and isinstance(aov.value, float)


class _WithCurrency:
    """The demo Dataset with ``currency = "EUR"`` (every other attribute read through)."""

    def __init__(self, ds: Dataset) -> None:
        self._ds = ds
        self.currency = "EUR"

    def __getattr__(self, name: str):
        return getattr(self._ds, name)


@pytest.mark.parametrize("where", ["demo", "online_retail.csv", "page_redesign_ab.csv"])
def test_french_workbook_renders_facts_only(where: str, monkeypatch, demo: Dataset) -> None:
    """Every sentence of the French workbook is a catalogue message: no English prose reaches
    the renderer's transitional pass-through (a KPI's reason, a note, a dropped-row reason, a
    CAC note…), on the demo data (October, by device) and on public exports."""
    import sys

    if where == "demo":
        ds, filters = demo, OCTOBER_MOBILE
    else:
        if not (DATASETS / where).exists():
            pytest.skip("datasets missing")
        ds, filters = _dataset([DATASETS / where]), Filters()
    renderer = sys.modules["kpi.words.render"]
    real, prose = renderer._CODE, []

    class _Recorder:
        def match(self, text: str):
            found = real.match(text)
            if not found and text.strip():
                prose.append(text)
            return found

    monkeypatch.setattr(renderer, "_CODE", _Recorder())
    options = ReportOptions(lang="fr", segment="device" if where == "demo" else None)
    data = build_workbook(ds, filters, options=options)
    assert prose == []
    assert openpyxl.load_workbook(io.BytesIO(data)).sheetnames[0] == "Synthèse"
