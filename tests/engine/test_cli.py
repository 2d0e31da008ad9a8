"""``python -m kpi report --source …``: the workbook of a DuckDB table equals the workbook of
the same events uploaded as a CSV file; secrets never reach the output; --help stays fast."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from kpi.__main__ import main
from tests.engine.engine_data import cells, duckdb_file, events, sheets

ROOT = Path(__file__).resolve().parents[2]


def test_help_is_fast_and_imports_no_engine() -> None:
    code = (
        "import sys, time; t = time.process_time(); from kpi.__main__ import build_parser; "
        "build_parser().parse_known_args(['report', '--help']) if False else None; "
        "import contextlib, io; f = io.StringIO()\n"
        "with contextlib.redirect_stdout(f):\n"
        "    try: build_parser().parse_args(['report', '--help'])\n"
        "    except SystemExit: pass\n"
        "print(time.process_time() - t, any(m.startswith('kpi.engine') for m in sys.modules),"
        " 'duckdb' in sys.modules, '--source' in f.getvalue())"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    assert float(out[0]) < 1.0  # CPU seconds: the shared machine's load does not count
    assert out[1:] == ["False", "False", "True"]


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["--table", "events"], "--table needs --source"),
        (["x.csv", "--source", "duckdb:///x.duckdb"], "--source reads one table"),
        (["--source", "duckdb:///x.duckdb", "--role", "a.csv:Client=user_id"], "COLUMN=ROLE"),
        ([], "give files to read"),
    ],
)
def test_argument_mistakes_are_one_line(
    argv: list[str], words: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["report", *argv, "-o", str(tmp_path / "a.xlsx"), "-q"]) == 2
    err = capsys.readouterr().err
    assert words in err and "Traceback" not in err


def test_a_password_in_the_source_is_never_shown(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("kpi.engine.source")
    out = tmp_path / "a.xlsx"
    for lang in ("en", "fr"):
        code = main(
            [
                "report", "--source", "postgres://ann:s3cr3t-pw@127.0.0.1:9/shop",
                "--table", "events", "-o", str(out), "--lang", lang,
            ]
        )  # fmt: skip
        got = capsys.readouterr()
        assert code == 2
        assert "s3cr3t-pw" not in got.err + got.out
        assert "Traceback" not in got.err
    assert not out.exists()


def test_source_workbook_equals_the_csv_workbook(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The central check: Summary, Funnel, Retention and A/B test, cell for cell (the source's
    name, the time written and the data's notes aside)."""
    pytest.importorskip("kpi.engine.funnel")
    pytest.importorskip("kpi.engine.stages")
    pytest.importorskip("kpi.engine.quality")
    pytest.importorskip("kpi.engine.source")
    log = events()
    csv = tmp_path / "events.csv"
    log.write_csv(csv)
    db = duckdb_file(log, tmp_path / "x.duckdb")
    common = [
        "--segment",
        "variant",
        "--window",
        "3h",
        "--from",
        "2025-01-15",
        "--to",
        "2025-03-31",
    ]
    assert main(["report", str(csv), "-o", str(tmp_path / "up.xlsx"), "-q", *common]) == 0
    argv = ["--source", f"duckdb:///{db}", "--table", "events"]
    assert main(["report", *argv, "-o", str(tmp_path / "eng.xlsx"), *common]) == 0
    err = capsys.readouterr().err
    assert "events" in err and "Traceback" not in err
    up, eng = (tmp_path / "up.xlsx").read_bytes(), (tmp_path / "eng.xlsx").read_bytes()
    assert sheets(up) == sheets(eng)
    for sheet in ("Summary", "Funnel", "Retention", "AB test"):
        a, b = cells(up, sheet), cells(eng, sheet)
        assert len(a) == len(b), sheet
        for i, (ra, rb) in enumerate(zip(a, b, strict=True)):
            if ra and ra[0] in ("Generated",):
                continue
            if ra and isinstance(ra[0], str) and ra[0].startswith("Cohort = "):
                assert str(rb[0]).startswith("Computed in the engine (duckdb)")
                continue
            ra = tuple("<src>" if v == "events.csv" else v for v in ra)
            rb = tuple(
                "<src>" if isinstance(v, str) and v.endswith("events") and "duckdb" in v else v
                for v in rb
            )
            assert ra == rb, (sheet, i, ra, rb)


def test_a_ga4_parquet_folder_without_roles_gives_the_upload_workbook(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The GA4 export schema (nested records, event_params) in a Parquet folder is recognised
    without --role: the Funnel, Stage KPIs and Retention sheets equal the upload's."""
    pytest.importorskip("kpi.engine.ga4")
    fixture = ROOT / "tests" / "fixtures" / "ga4_export.parquet"
    folder = tmp_path / "ga4"
    folder.mkdir()
    (folder / "events_20240101.parquet").write_bytes(fixture.read_bytes())
    assert main(["report", str(fixture), "-o", str(tmp_path / "up.xlsx"), "-q"]) == 0
    assert main(["report", "--source", str(folder), "-o", str(tmp_path / "eng.xlsx"), "-q"]) == 0
    up, eng = (tmp_path / "up.xlsx").read_bytes(), (tmp_path / "eng.xlsx").read_bytes()
    assert sheets(up) == sheets(eng)
    for sheet in ("Funnel", "Stage KPIs", "Retention"):
        assert cells(up, sheet) == cells(eng, sheet), sheet
    summary = cells(eng, "Summary")
    assert any(r[0] == "Users in view" and r[1] and r[1] > 0 for r in summary)
