"""`python -m kpi report` on every public export of ../shared/datasets: exit 0 and a workbook
that openpyxl opens (each file alone, and the Kaggle funnel's five files together)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

ROOT = Path(__file__).resolve().parents[2]
DATASETS = ROOT.parent / "shared" / "datasets"
FILES = sorted(
    p for p in DATASETS.rglob("*") if p.is_file() and p.suffix.lower() in (".csv", ".xlsx")
)
FUNNEL_SET = sorted((DATASETS / "ecommerce_funnel").glob("*.csv"))

pytestmark = pytest.mark.skipif(not FILES, reason="../shared/datasets is not there")


def _report(files: list[Path], out: Path) -> None:
    r = subprocess.run(
        [sys.executable, "-m", "kpi", "report", *map(str, files), "-o", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert r.returncode == 0, r.stderr[-2000:]
    assert "Traceback" not in r.stderr
    wb = openpyxl.load_workbook(out)
    assert "Summary" in wb.sheetnames and "Definitions" in wb.sheetnames
    assert wb["Summary"]["A1"].value


@pytest.mark.parametrize("path", FILES, ids=[str(p.relative_to(DATASETS)) for p in FILES])
def test_report_on_each_dataset_alone(path: Path, tmp_path: Path) -> None:
    _report([path], tmp_path / "out.xlsx")


def test_report_on_the_funnel_files_together(tmp_path: Path) -> None:
    assert len(FUNNEL_SET) == 5
    _report(FUNNEL_SET, tmp_path / "out.xlsx")
    wb = openpyxl.load_workbook(tmp_path / "out.xlsx")
    steps = [r[0] for r in wb["Funnel"].iter_rows(min_row=1, values_only=True) if r[0]]
    assert any("home" in str(s).lower() for s in steps)
