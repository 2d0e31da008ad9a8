"""``python -m kpi report … --targets FILE``: the file's targets on the Summary sheet, every row
ignored said on stderr, the missed target among the red flags (exit code 3 with
--fail-on-red-flags), in English and French; the engine route (``--source``) gives the same
Summary as the upload."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from kpi.__main__ import EXIT_RED_FLAGS, main

# 10 visitors, 4 add to cart, 2 purchase (30 + 50): conversion 2/10 = 20 %, cart abandonment
# (4 − 2)/4 = 50 %, AOV 80 / 2 = 40
ROWS = (
    ["user_id,timestamp,event,revenue,order_id"]
    + [f"u{i},2025-03-0{1 + i % 5} 10:00:00,landing,," for i in range(1, 11)]
    + [f"u{i},2025-03-0{1 + i % 5} 10:05:00,add_to_cart,," for i in range(1, 5)]
    + [f"u{i},2025-03-0{1 + i % 5} 10:09:00,purchase,{r},o{i}" for i, r in ((1, 30), (2, 50))]
)
# a French targets file: conversion 25 % (0.2 < 0.225: off), cart abandonment 48 %
# (0.5 ≤ 0.528: close), AOV 40 (on), and a row that is not a KPI
TARGETS = "kpi;target\nconversion_rate;0,25\ncart_abandonment;0,48\naov;40\nchiffre;12\n"


def _files(tmp_path: Path) -> tuple[Path, Path]:
    events = tmp_path / "events.csv"
    events.write_text("\n".join(ROWS) + "\n")
    targets = tmp_path / "objectifs.csv"
    targets.write_text(TARGETS, encoding="cp1252")
    return events, targets


def _statuses(path: Path) -> dict[str, tuple]:
    ws = openpyxl.load_workbook(path).worksheets[0]
    rows = [[c.value for c in r] for r in ws.iter_rows()]
    head = next(i for i, r in enumerate(rows) if r[2] in ("Target", "Objectif"))
    table = rows[head + 1 : next(i for i in range(head + 1, len(rows)) if not rows[i][0])]
    status = rows[head].index("Statut" if rows[head][2] == "Objectif" else "Status")
    return {r[0]: (r[1], r[2], r[status]) for r in table if r[2] is not None}


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_targets_file_on_the_command_line(
    lang: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    events, targets = _files(tmp_path)
    out = tmp_path / "r.xlsx"
    argv = ["report", str(events), "-o", str(out), "--targets", str(targets), "--lang", lang]
    code = main([*argv, "--fail-on-red-flags"])
    err = capsys.readouterr().err
    assert code == EXIT_RED_FLAGS and "Traceback" not in err
    got = _statuses(out)
    if lang == "en":
        assert "Targets: 3 targets read from 4 rows; 1 row ignored." in err
        assert "Line 5: chiffre is not a KPI id" in err
        assert "Target missed: Conversion rate" in err
        assert got == {
            "Conversion rate": (0.2, 0.25, "Off target"),
            "Cart abandonment rate": (0.5, 0.48, "Close"),
            "Average order value": (40, 40, "On target"),
        }
    else:
        assert "Objectifs\u00a0: 3 objectifs lus sur 4 lignes\u00a0; 1 ligne ignorée." in err
        assert "Ligne 5\u00a0: chiffre n'est pas un identifiant" in err
        assert "Objectif manqué\u00a0: Taux de conversion" in err
        assert got["Taux de conversion"] == (0.2, 0.25, "Objectif manqué")
        assert got["Taux d'abandon de panier"] == (0.5, 0.48, "Proche")


def test_a_missing_targets_file_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    events, _ = _files(tmp_path)
    argv = ["report", str(events), "-o", str(tmp_path / "r.xlsx"), "--targets", "nope.csv", "-q"]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "nope.csv" in err and "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_a_targets_file_without_its_columns_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    events, targets = _files(tmp_path)
    targets.write_text("name,value\nconversion_rate,0.2\n")
    argv = ["report", str(events), "-o", str(tmp_path / "r.xlsx"), "--targets", str(targets)]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "kpi and target" in err and "Traceback" not in err


def test_engine_route_gives_the_same_targets(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("duckdb")
    pytest.importorskip("kpi.engine.source")
    import polars as pl

    from tests.engine.engine_data import duckdb_file

    events, targets = _files(tmp_path)
    frame = pl.read_csv(events, try_parse_dates=True)
    db = duckdb_file(frame, tmp_path / "shop.duckdb")
    up, eng = tmp_path / "up.xlsx", tmp_path / "eng.xlsx"
    assert main(["report", str(events), "-o", str(up), "--targets", str(targets), "-q"]) == 0
    argv = ["report", "--source", f"duckdb:///{db}", "--table", "events"]
    assert main([*argv, "-o", str(eng), "--targets", str(targets), "-q"]) == 0
    assert "Traceback" not in capsys.readouterr().err
    assert _statuses(eng) == _statuses(up)
    assert _statuses(eng)["Conversion rate"][2] == "Off target"
