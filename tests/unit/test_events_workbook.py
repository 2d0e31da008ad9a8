"""The calendar in the workbook (Events sheet) and on the command line (--events, --holidays,
--retail-periods), on the demo data (1 June - 30 November 2025)."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import openpyxl

ROOT = Path(__file__).resolve().parents[2]
DEMO = sorted(str(p) for p in (ROOT / "data" / "demo").iterdir() if p.is_file())


def _rows(ws) -> list[tuple]:
    return [tuple(r) for r in ws.iter_rows(values_only=True)]


def test_command_line_calendar_in_the_events_sheet(tmp_path: Path) -> None:
    events = tmp_path / "evenements.csv"
    events.write_text(
        "Date début;Date fin;Libellé;Type\n"
        "03/11/2025;09/11/2025;Semaine appli;promo\n"
        "=1+1;;Formule;incident\n"  # not a date: left out and said
        "05/12/2025;;Hors période;release\n",  # after the view's period: not in the sheet
        encoding="cp1252",
    )
    out = tmp_path / "r.xlsx"
    run = subprocess.run(
        [sys.executable, "-m", "kpi", "report", *DEMO, "-o", str(out), "--lang", "fr",
         "--from", "2025-11-01", "--to", "2025-11-30", "--events", str(events),
         "--holidays", "fr", "--retail-periods"],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert run.returncode in (0, 1), run.stderr
    assert "2 événements lus sur 3 lignes." in run.stderr
    assert "1 ligne écartée : pas de date lisible".replace(" :", "\u00a0:") in run.stderr
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames[-1] == "Événements"
    rows = _rows(wb["Événements"])
    table = [r[:5] for r in rows if isinstance(r[0], dt.datetime)]
    # November 2025: All Saints' Day, the typed week, Armistice Day, Black Friday (28 Nov)
    assert table == [
        (dt.datetime(2025, 11, 1), dt.datetime(2025, 11, 1), "Toussaint", "Jour férié", "Jours fériés"),
        (dt.datetime(2025, 11, 3), dt.datetime(2025, 11, 9), "Semaine appli", "Promotion", "Fichier"),
        (dt.datetime(2025, 11, 11), dt.datetime(2025, 11, 11), "Armistice", "Jour férié", "Jours fériés"),
        (dt.datetime(2025, 11, 28), dt.datetime(2025, 11, 28), "Black Friday 2025", "Promotion", "Temps forts commerciaux"),
    ]  # fmt: skip
    text = [r[0] for r in rows if isinstance(r[0], str)]
    assert any(t.startswith("Cette période (du 1 nov. 2025 au 30 nov. 2025) recoupe") for t in text)
    # the weekly conversion landing -> purchase in November: the largest change is the week of
    # 24 Nov (2.81 % -> 1.81 %), Black Friday's week
    assert any("la baisse de la semaine 48 de 2025" in t and "Black Friday 2025" in t for t in text)


def test_no_calendar_no_events_sheet(tmp_path: Path) -> None:
    from kpi.report import ReportOptions

    assert ReportOptions().calendar is None
    out = tmp_path / "r.xlsx"
    run = subprocess.run(
        [sys.executable, "-m", "kpi", "report", *DEMO, "-o", str(out), "--sheets", "summary", "-q"],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert run.returncode in (0, 1), run.stderr
    assert openpyxl.load_workbook(out).sheetnames == ["Summary"]


def test_unknown_country_is_a_one_line_error(tmp_path: Path) -> None:
    run = subprocess.run(
        [sys.executable, "-m", "kpi", "report", *DEMO, "-o", str(tmp_path / "r.xlsx"),
         "--holidays", "Atlantis"],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert run.returncode not in (0, 1)
    assert "Atlantis" in run.stderr and "Traceback" not in run.stderr


def test_the_retention_insight_is_in_the_events_sheet(tmp_path: Path) -> None:
    """The sentence under the page's period-N retention chart, in the workbook: month-1
    retention falls most from the June to the July 2025 cohort (36.2 % -> 34.6 %, as on the
    Retention page), and the July cohort's month 1, August 2025, has Assumption Day."""
    out = tmp_path / "r.xlsx"
    run = subprocess.run(
        [sys.executable, "-m", "kpi", "report", *DEMO, "-o", str(out), "--holidays", "fr", "-q"],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert run.returncode in (0, 1), run.stderr
    rows = _rows(openpyxl.load_workbook(out)["Events"])
    text = [r[0] for r in rows if isinstance(r[0], str)]
    want = (
        "Month 1 retention: the drop from the cohort before to the Jul 2025 cohort "
        "(36.2% → 34.6%, -1.67 pp) — its month 1 (Aug 2025) overlaps ‘Assumption Day’."
    )
    assert want in text, text
