"""The Funnel page and the workbook's Funnel sheet agree with exclusion steps and per-step
windows: the page opened from a link (``?fn_x=`` / ``?fn_sw=``) and ``python -m kpi report
--exclude … --step-window …`` on the same file give the same users, rates and step times
(the times to the page's precision), in English and French, and both say that every figure
applies the rules. The log is tests/app/test_funnel_rules_page.py's (its story there)."""

from __future__ import annotations

import datetime as dt
import io
import subprocess
import sys
from pathlib import Path

import openpyxl
import polars as pl
import pytest

from tests.app.conftest import errors_and_exceptions
from tests.app.test_funnel_rules_page import LOG, STEPS
from tests.app.test_page_workbook_parity import parse

ROOT = Path(__file__).resolve().parents[2]
PAGE = "pages/funnel_view.py"
TIMES = ("median_from_previous_s", "p90_from_previous_s", "median_from_start_s")


def _days(value: object) -> float:
    """A duration cell as openpyxl reads it (a timedelta, a time of day, or days)."""
    if isinstance(value, dt.timedelta):
        return value.total_seconds() / 86400
    if isinstance(value, dt.time):
        return (value.hour * 3600 + value.minute * 60 + value.second) / 86400
    return float(value)  # type: ignore[arg-type]


def _page_table(app, lang: str) -> tuple[pl.DataFrame, str]:
    app.query_params["fn_steps"] = STEPS
    app.query_params["fn_x"] = ["coupon_error|cart|purchase"]
    app.query_params["fn_sw"] = ["cart|2|hours"]
    app.query_params["lang"] = [lang]
    app.run()
    app.sidebar.file_uploader[0].set_value([("coupons.csv", LOG.encode(), "text/csv")]).run()
    app.switch_page(PAGE).run()
    assert errors_and_exceptions(app) == []
    table = next(
        pl.from_pandas(df.value)
        for df in app.dataframe
        if {"step", "users", *TIMES} <= set(df.value.columns)
    )
    text = "\n".join([c.value for c in app.caption] + [i.value for i in app.info])
    return table, text


def _sheet_table(tmp_path: Path, lang: str) -> tuple[list[tuple], str]:
    log = tmp_path / "coupons.csv"
    log.write_text(LOG)
    out = tmp_path / "out.xlsx"
    r = subprocess.run(
        [
            sys.executable, "-m", "kpi", "report", str(log), "-o", str(out),
            "--steps", ",".join(STEPS), "--exclude", "coupon_error:cart:purchase",
            "--step-window", "cart=2h", "--lang", lang,
        ],
        cwd=ROOT, capture_output=True, text=True, timeout=180,
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    wb = openpyxl.load_workbook(io.BytesIO(out.read_bytes()))
    ws = wb["Funnel" if lang == "en" else "Entonnoir"]
    ref = ws.tables["tblFunnel"].ref
    rows = [tuple(c.value for c in row) for row in ws[ref]]
    notes = "\n".join(str(row[0].value) for row in ws.iter_rows() if row[0].value)
    return rows, notes


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_funnel_sheet_equals_the_page_with_rules(app, tmp_path: Path, lang: str) -> None:
    page, text = _page_table(app, lang)
    rows, notes = _sheet_table(tmp_path, lang)
    header, body = rows[0], rows[1:]
    assert [r[0] for r in body] == STEPS == page["step"].to_list()
    # the log's story with both rules: 7, 4, 2 (without them 7, 5, 4)
    assert [r[1] for r in body] == [7, 4, 2] == page["users"].to_list()
    assert [r[2] for r in body] == pytest.approx(page["conversion"].to_list())
    # step times: columns 7.. of the sheet (days), the page's text (its precision); step 1
    # has no previous step (blank in the sheet)
    assert len(header) == 9
    checked = 0
    for i, col in enumerate(TIMES):
        for j, text_value in enumerate(page[col].to_list()):
            sheet_value = body[j][6 + i]
            if j == 0:
                assert sheet_value is None
                continue
            value, tolerance = parse(str(text_value), lang)  # type: ignore[misc]
            assert _days(sheet_value) == pytest.approx(value, abs=tolerance), (col, j)
            checked += 1
    assert checked == 6
    # hand-computed: from cart to purchase u1 5 min and u7 1 min (u2 left at cart with the
    # exclusion, u4 at view with the window): median 3 min
    assert _days(body[2][6]) == pytest.approx(3 / 1440)
    # both say every figure applies the rules
    if lang == "en":
        words = "Every figure of the funnel applies them"
    else:
        words = "Tous les chiffres de l'entonnoir les appliquent"
    assert words in notes and words in text
