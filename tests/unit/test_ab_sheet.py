"""The workbook's A/B sheet (kpi/export/ab_sheet.py): the typed analysis in, every number as a
number, every word in the workbook's language. Figures against statsmodels and plain polars."""

from __future__ import annotations

import io
from dataclasses import dataclass, replace
from pathlib import Path

import openpyxl
import polars as pl
import pytest
from statsmodels.stats.proportion import proportions_ztest

from kpi.abtest import ABSettings, ABSource, analyse_with, compare, parse_counts_text, plan
from kpi.dataset import Dataset
from kpi.filters import Filters
from kpi.load import read_table
from kpi.report import ReportOptions, build_workbook, sheet_title
from kpi.schema import TableInput, build_dataset

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "data" / "demo"
DATASETS = ROOT.parent / "shared" / "datasets"


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


@dataclass(frozen=True)
class _Options(ReportOptions):
    """ReportOptions with the view's language (the lead adds ``lang`` to ReportOptions)."""

    lang: str = "en"


def _sheet(data: bytes):
    wb = openpyxl.load_workbook(io.BytesIO(data))
    names = {sheet_title("ab", "en"), sheet_title("ab", "fr")}  # "AB test" / "Test AB"
    return wb[next(n for n in wb.sheetnames if n in names)]


def _pairs(ws) -> dict[str, object]:
    return {ws.cell(r, 1).value: ws.cell(r, 2).value for r in range(1, ws.max_row + 1)}


def _table(ws, name: str) -> list[dict[str, openpyxl.cell.Cell]]:
    ref = ws.tables[name].ref
    rows = list(ws[ref])
    head = [c.value for c in rows[0]]
    return [dict(zip(head, row, strict=True)) for row in rows[1:]]


def test_ab_sheet_from_data_on_the_demo(demo: Dataset) -> None:
    ws = _sheet(build_workbook(demo, Filters(), sections=["ab"]))
    values = _pairs(ws)
    users = pl.read_csv(DEMO / "users.csv")
    buys = pl.read_csv(DEMO / "events.csv.gz").filter(pl.col("event_name") == "purchase")
    buyers = users.join(buys.select("user_id").unique(), on="user_id", how="semi")
    counts = {}
    groups = {r["Variant"].value: r for r in _table(ws, "tblAbGroups")}
    for arm in ("A", "B"):
        n = users.filter(pl.col("variant") == arm).height
        x = buyers.filter(pl.col("variant") == arm).height
        assert groups[arm]["Visitors"].value == n
        assert groups[arm]["Conversion rate"].value == pytest.approx(x / n)
        counts[arm] = (x, n)
    assert values["Computed from"] == "the users of the data"
    assert values["Variant column"] == "variant"
    ref = compare(*counts["A"], *counts["B"])
    row = _table(ws, "tblAbComparisons")[0]
    assert row["Test used"].value == "z-test"
    assert row["Why this test"].value.startswith("Pooled two-proportion z-test")
    cell = row["Difference (percentage points)"]
    assert cell.value == pytest.approx(ref.abs_diff * 100, rel=1e-12)
    assert '" pp"' in cell.number_format
    assert row["p-value"].value == pytest.approx(ref.p_value, rel=1e-12)
    assert values["Verdict B"].startswith("B converts")


def test_ab_sheet_in_french_from_the_page_analysis(demo: Dataset) -> None:
    """The page's typed analysis goes in as it is (no recomputation); words in French, numbers
    as numbers (the unit "pt" only in the number format)."""
    counts = parse_counts_text("gate_30\t44700\t8502\ngate_40\t45489\t8279")
    settings = ABSettings(mode="quick", mde=0.05)
    a = analyse_with(counts, settings)
    a = replace(a, source=ABSource(kind="pasted"), plan=plan(0.19, 0.05, daily_visitors=1000))
    data = build_workbook(
        demo, Filters(), options=_Options(ab_result=a, lang="fr"), sections=["ab"]
    )
    ws = _sheet(data)
    values = _pairs(ws)
    assert ws.cell(1, 1).value == "Test A/B"
    assert values["Calculé à partir de"] == "un tableau collé"
    assert values["Verdict gate_40"].startswith("gate_40 convertit")
    assert "moins bien que gate_30" in values["Verdict gate_40"]
    row = _table(ws, "tblAbComparisons")[0]
    z, p = proportions_ztest([8279, 8502], [45489, 44700])
    assert row["p-value"].value == pytest.approx(p, rel=1e-10)
    assert row["z (variance commune)"].value == pytest.approx(z, rel=1e-12)
    assert row["Test utilisé"].value == "test z"
    assert '" pt"' in row["Écart (points de pourcentage)"].number_format
    assert values["Contrôle de la répartition"] == "avertissement"  # SRM p = 0.0086
    plan_rows = _table(ws, "tblAbPlan")
    assert plan_rows[0]["Formule"].value == "power.prop.test (R)"
    assert plan_rows[0]["Visiteurs par groupe"].value == a.plan.rows[0].visitors_per_variant
    # no English sentence of the sheet's catalogue in the French sheet
    from kpi.words.catalogue.ab_sheet import MESSAGES

    english = {en for en, fr in MESSAGES.values() if en != fr and "{" not in en and " " in en}
    texts = {c.value for r in ws.iter_rows() for c in r if isinstance(c.value, str)}
    assert not english & texts


def test_ab_sheet_from_an_ab_summary_file(tmp_path) -> None:
    """`python -m kpi report ab_summary.csv`: the A/B sheet is computed from the file's counts
    (z and p as statsmodels), not left out."""
    path = tmp_path / "ab_summary.csv"
    path.write_text("variant,visitors,conversions\ncontrol,10234,512\ntreatment,10188,581\n")
    ds = _dataset([path])
    ws = _sheet(build_workbook(ds, Filters(), sections=["ab"]))
    values = _pairs(ws)
    z, p = proportions_ztest([581, 512], [10188, 10234])
    assert values["Computed from"] == "an A/B summary file"
    groups = {r["Variant"].value: r for r in _table(ws, "tblAbGroups")}
    assert groups["control"]["Visitors"].value == 10234
    row = _table(ws, "tblAbComparisons")[0]
    assert row["z (pooled)"].value == pytest.approx(z, rel=1e-12)
    assert row["p-value"].value == pytest.approx(p, rel=1e-10)


def test_no_ab_sheet_on_a_segment_that_is_not_an_assignment() -> None:
    folder = DATASETS / "ecommerce_funnel"
    if not folder.exists():
        pytest.skip("datasets missing")
    names = ["user_table.csv", "home_page_table.csv", "payment_confirmation_table.csv"]
    ds = _dataset([folder / n for n in names])
    wb = openpyxl.load_workbook(io.BytesIO(build_workbook(ds, Filters())))
    assert not [n for n in wb.sheetnames if n.startswith("AB")]  # device is not an experiment


def test_ab_sheet_on_cookie_cats_uses_the_first_flag_as_the_page() -> None:
    path = DATASETS / "cookie_cats.csv"
    if not path.exists():
        pytest.skip("datasets missing")
    ds = _dataset([path])
    ws = _sheet(build_workbook(ds, Filters(), sections=["ab"]))
    values = _pairs(ws)
    raw = pl.read_csv(path)
    c = {
        g: (int(x), n)
        for g, n, x in raw.group_by("version").agg(pl.len(), pl.sum("retention_1")).rows()
    }
    ref = compare(*c["gate_30"], *c["gate_40"])
    assert values["Conversion means"] == "retention_1"
    row = _table(ws, "tblAbComparisons")[0]
    assert row["p-value"].value == pytest.approx(ref.p_value, rel=1e-12)
    assert values["Traffic split check"] == "warning"  # 44,700 vs 45,489: SRM p = 0.0086
