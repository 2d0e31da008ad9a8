"""`python -m kpi`: help, a report on the demo files, exit codes and one-line errors."""

from __future__ import annotations

import io
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import openpyxl
import pytest

from kpi.__main__ import build_parser, parse_window
from kpi.errors import InputError

ROOT = Path(__file__).resolve().parents[2]
DEMO = sorted(str(p) for p in (ROOT / "data" / "demo").iterdir() if p.is_file())


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kpi", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_help_documents_every_option() -> None:
    top = _run("--help")
    assert top.returncode == 0 and "report" in top.stdout
    sub = _run("report", "--help")
    assert sub.returncode == 0
    parser = build_parser()
    report = parser._subparsers._group_actions[0].choices["report"]  # type: ignore[union-attr]
    for action in report._actions:
        for flag in action.option_strings:
            assert flag in sub.stdout, flag
        assert action.help, f"{action.dest} has no help text"
    assert "(default: None)" not in sub.stdout
    for word in ("--fail-on-red-flags", "--role", "FILE:COLUMN=ROLE", "--window", "14d"):
        assert word in sub.stdout


def test_report_on_demo_files_with_options(tmp_path: Path) -> None:
    out = tmp_path / "october.xlsx"
    r = _run(
        "report",
        *DEMO,
        "-o",
        str(out),
        "--from",
        "2025-10-01",
        "--to",
        "2025-10-31",
        "--filter",
        "device=mobile,tablet",
        "--segment",
        "channel",
        "--steps",
        "landing,add_to_cart,purchase",
        "--window",
        "2h",
        "--role",
        "users.csv:country=ignore",
    )
    assert r.returncode == 0, r.stderr
    assert r.stdout == ""
    assert "read events.csv.gz" in r.stderr and "wrote" in r.stderr
    wb = openpyxl.load_workbook(io.BytesIO(out.read_bytes()))
    assert wb.sheetnames[0] == "Summary"
    summary = {c.value: wb["Summary"].cell(c.row, 2).value for c in wb["Summary"]["A"]}
    assert summary["View (filters)"] == "device: mobile or tablet; Oct 1, 2025 to Oct 31, 2025"
    assert summary["Funnel steps"] == "landing → add_to_cart → purchase"
    assert summary["Funnel rules"] == "sequential order, conversion window 2 hours"
    assert summary["Breakdown segment"] == "channel"
    assert summary["Compared with"].startswith("Sep 1, 2025 to Sep 30, 2025")


def test_fail_on_red_flags_exit_code(tmp_path: Path) -> None:
    out = tmp_path / "r.xlsx"
    r = _run(
        "report",
        *DEMO,
        "-o",
        str(out),
        "--min-conversion",
        "50%",
        "--fail-on-red-flags",
        "-q",
        "--sheets",
        "summary",
    )
    assert r.returncode == 3
    assert out.exists()  # the workbook is written before the exit code says "look at it"
    assert "red flag (alert): Low conversion rate" in r.stderr
    ok = _run("report", *DEMO, "-o", str(out), "--max-cart-abandonment", "0.99", "-q", "--sheets", "summary",
              "--fail-on-red-flags")  # fmt: skip
    assert ok.returncode == 0, ok.stderr


@pytest.mark.parametrize(
    ("make", "needle"),
    [
        (lambda d: d / "missing.csv", "no such file"),
        (
            lambda d: _write(d / "tool.csv", b"\x7fELF\x02\x01\x01" + bytes(range(256)) * 20),
            "tool.csv",
        ),
    ],
)
def test_errors_are_one_line_exit_2(tmp_path: Path, make, needle: str) -> None:
    path = make(tmp_path)
    r = _run("report", str(path), "-o", str(tmp_path / "x.xlsx"))
    assert r.returncode == 2
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and needle in lines[0]
    assert "Traceback" not in r.stderr


def test_bad_options_are_one_line(tmp_path: Path) -> None:
    r = _run("report", *DEMO, "-o", str(tmp_path / "x.xlsx"), "--filter", "planet=mars", "-q")
    assert r.returncode == 2 and r.stderr.count("\n") == 1 and "planet" in r.stderr
    r = _run("report", *DEMO, "-o", str(tmp_path / "x.xlsx"), "--steps", "landing,nope", "-q")
    assert r.returncode == 2 and "nope" in r.stderr and "Traceback" not in r.stderr


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    ("text", "expected"),
    [("14d", timedelta(days=14)), ("2h", timedelta(hours=2)), ("30m", timedelta(minutes=30)),
     ("45s", timedelta(seconds=45)), ("1w", timedelta(days=7)), ("1.5h", timedelta(minutes=90))],
)  # fmt: skip
def test_parse_window(text: str, expected: timedelta) -> None:
    assert parse_window(text) == expected


def test_parse_window_rejects_nonsense() -> None:
    with pytest.raises(InputError, match="14d"):
        parse_window("two weeks")


def test_report_in_french(tmp_path: Path) -> None:
    """--lang fr: the workbook in French (numbers stay numbers) and the messages in French."""
    out = tmp_path / "octobre.xlsx"
    r = _run(
        "report", *DEMO, "-o", str(out), "--from", "2025-10-01", "--to", "2025-10-31",
        "--filter", "device=mobile", "--window", "2h", "--lang", "fr",
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    assert "lu events.csv.gz\u00a0: 296\u202f526 lignes conservées sur 296\u202f526" in r.stderr
    assert "classeur écrit\u00a0:" in r.stderr and "wrote" not in r.stderr
    wb = openpyxl.load_workbook(io.BytesIO(out.read_bytes()))
    assert wb.sheetnames[:3] == ["Synthèse", "Entonnoir", "KPI par étape"]
    ws = wb["Synthèse"]
    summary = {c.value: ws.cell(c.row, 2).value for c in ws["A"]}
    assert summary["Vue (filtres)"] == "device\u00a0: mobile\u00a0; du 1 oct. 2025 au 31 oct. 2025"
    assert (
        summary["Règles de l'entonnoir"]
        == "ordre séquentiel, fenêtre de conversion\u00a0: 2 heures"
    )
    # the same count as the English workbook, as a number
    users = summary["Utilisateurs dans la vue"]
    assert isinstance(users, int) and users > 0
    en = tmp_path / "october.xlsx"
    _run("report", *DEMO, "-o", str(en), "--from", "2025-10-01", "--to", "2025-10-31",
         "--filter", "device=mobile", "--window", "2h", "-q")  # fmt: skip
    ws_en = openpyxl.load_workbook(io.BytesIO(en.read_bytes()))["Summary"]
    assert {c.value: ws_en.cell(c.row, 2).value for c in ws_en["A"]}["Users in view"] == users


def test_errors_in_french(tmp_path: Path) -> None:
    r = _run("report", str(tmp_path / "absent.csv"), "-o", str(tmp_path / "x.xlsx"), "--lang", "fr")
    assert r.returncode == 2
    assert (
        r.stderr.strip() == f"erreur\u00a0: {tmp_path / 'absent.csv'}\u00a0: fichier introuvable."
    )
    r = _run("report", *DEMO, "-o", str(tmp_path / "x.xlsx"), "--steps", "landing,nope", "-q",
             "--lang", "fr")  # fmt: skip
    assert r.returncode == 2
    assert r.stderr.strip() == (
        "erreur\u00a0: Étape(s) d'entonnoir inconnue(s)\u00a0: nope. Les étapes présentes dans "
        "les données sont\u00a0: landing, product_view, add_to_cart, checkout et purchase."
    )
    r = _run("report", *DEMO, "-o", str(tmp_path / "x.xlsx"), "--window", "deux semaines", "-q",
             "--lang", "fr")  # fmt: skip
    assert "Indiquez un nombre et une unité\u00a0: 14d, 2h, 30m, 45s ou 1w." in r.stderr


def test_help_documents_lang() -> None:
    sub = _run("report", "--help")
    assert "--lang {en,fr}" in sub.stdout and "français" in sub.stdout


def test_help_and_argument_errors_in_french(tmp_path: Path) -> None:
    """--lang fr: the help (options, groups, argparse's own words) and the argument errors
    are in French; in English they stay as they were."""
    fr = _run("report", "--help", "--lang", "fr")
    assert fr.returncode == 0
    text = " ".join(fr.stdout.split())  # the help wraps its lines
    assert fr.stdout.startswith("utilisation\u00a0: python -m kpi report")
    assert "affiche cette aide et termine" in fr.stdout
    assert "alertes (taux écrits 0.02 ou 2%)" in text
    assert "alerte sous ce taux de conversion, acheteurs / visiteurs" in text
    for english in ("usage:", "show this help", "positional arguments", "workbook to write"):
        assert english not in fr.stdout
    en = _run("report", "--help")
    assert en.stdout.startswith("usage: python -m kpi report")
    assert "alert below this conversion rate, purchasers / visitors" in " ".join(en.stdout.split())
    bad = _run("report", *DEMO, "-o", str(tmp_path / "x.xlsx"), "--min-conversion", "abc",
               "--lang", "fr")  # fmt: skip
    assert bad.returncode == 2
    assert bad.stderr.strip().endswith(
        "erreur\u00a0: argument --min-conversion\u00a0: «\u00a0abc\u00a0» n'est pas un taux "
        "(écrivez 0.02 ou 2%)"
    )
    missing = _run("report", *DEMO, "--lang", "fr")
    assert missing.returncode == 2
    assert missing.stderr.strip().endswith(
        "erreur\u00a0: arguments obligatoires manquants\u00a0: -o/--output"
    )
    bad_en = _run("report", *DEMO, "-o", str(tmp_path / "x.xlsx"), "--from", "2025-13-01")
    assert bad_en.returncode == 2
    assert bad_en.stderr.strip().endswith(
        "error: argument --from: not a date: '2025-13-01' (write YYYY-MM-DD)"
    )
