"""`python -m kpi report --exclude EVENT:FROM:TO --step-window STEP=DURATION`: the workbook's
Funnel sheet counts with the rules (hand-computed log) and says them; bad values are one-line
errors."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from kpi.errors import InputError
from kpi.funnel.options import exclusion_of, step_window_of
from kpi.settings import Exclusion, StepWindow
from tests.app.test_funnel_rules_page import LOG

ROOT = Path(__file__).resolve().parents[2]


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kpi", *args], cwd=ROOT, capture_output=True, text=True, timeout=120
    )


def _sheet(path: Path, name: str) -> list[tuple]:
    wb = openpyxl.load_workbook(io.BytesIO(path.read_bytes()))
    return [tuple(c.value for c in row) for row in wb[name].iter_rows()]


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_report_with_exclusion_and_step_window(tmp_path: Path, lang: str) -> None:
    log = tmp_path / "coupons.csv"
    log.write_text(LOG)
    out = tmp_path / "out.xlsx"
    r = _run(
        "report", str(log), "-o", str(out), "--steps", "view,cart,purchase",
        "--exclude", "coupon_error:cart:3", "--step-window", "2=2h", "--lang", lang,
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    funnel = "Funnel" if lang == "en" else "Entonnoir"
    rows = _sheet(out, funnel)
    users: dict = {}
    for row in rows:  # the funnel table (the chart data below it repeats the steps)
        if row[0] in ("view", "cart", "purchase"):
            users.setdefault(row[0], row[1])
    # the log's story (tests/app/test_funnel_rules_page.py): 7, 4, 2 with both rules
    assert [users["view"], users["cart"], users["purchase"]] == [7, 4, 2]
    notes = "\n".join(str(row[0]) for row in rows if row[0])
    if lang == "en":
        assert "Exclusions: coupon_error between cart and purchase." in notes
        assert "1 user left the funnel early because of an exclusion" in notes
        assert "Per-step windows: cart within 2 hours of the step before." in notes
    else:
        assert "Exclusions\u00a0: coupon_error entre cart et purchase." in notes
        assert "1 utilisateur a quitté l'entonnoir plus tôt" in notes
        assert "Fenêtres par étape\u00a0: cart au plus 2 heures après l'étape précédente." in notes
    definitions = "Definitions" if lang == "en" else "Définitions"
    words = "\n".join(str(v) for row in _sheet(out, definitions) for v in row if v)
    assert ("Exclusion step:" if lang == "en" else "Étape d'exclusion") in words


def test_bad_rules_are_one_line_errors(tmp_path: Path) -> None:
    log = tmp_path / "coupons.csv"
    log.write_text(LOG)
    out = tmp_path / "out.xlsx"
    for bad, needle in (
        (["--exclude", "coupon_error"], "expected EVENT:FROM:TO"),
        (["--step-window", "cart=soon"], "expected STEP=DURATION"),
        (["--exclude", "coupon_error:cart:checkout"], "no step checkout in the funnel"),
    ):
        r = _run("report", str(log), "-o", str(out), "--steps", "view,cart,purchase", *bad)
        assert r.returncode == 2, r.stderr
        errors = [line for line in r.stderr.splitlines() if line.startswith("error:")]
        assert len(errors) == 1 and needle in errors[0], r.stderr
    assert not out.exists()


def test_parsing() -> None:
    steps = ["view", "cart", "purchase"]
    assert exclusion_of("a:b:c") == Exclusion("a", "b", "c")
    assert exclusion_of("ns:error:1:3", steps) == Exclusion("ns:error", "view", "purchase")
    assert step_window_of("purchase=90min", steps) == StepWindow("purchase", 90, "minutes")
    assert step_window_of("2=1.5d", steps) == StepWindow("cart", 1.5, "days")
    assert step_window_of("cart=1w").window.days == 7
    for bad in ("cart=0h", "=2h", "cart=2y"):
        with pytest.raises(InputError):
            step_window_of(bad, steps)
    with pytest.raises(InputError):
        exclusion_of("x:4:1", steps)
