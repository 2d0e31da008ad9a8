"""The workbook follows the sheet pick (the Events sheet included), and writes a rate's change
and gap in percentage points, on a tiny hand-counted log (two months, March and February)."""

from __future__ import annotations

import io
from datetime import date, datetime

import openpyxl
import pytest

from kpi import alerts
from kpi import targets as tg
from kpi.calendar import CalendarSettings
from kpi.export.cells import change_format, change_scale, points_format
from kpi.filters import Filters
from kpi.load import read_table
from kpi.report import SECTIONS, ReportOptions, build_workbook
from kpi.schema import TableInput, build_dataset
from kpi.settings import FunnelSettings
from kpi.view import View
from tests.unit.sheet_columns import table


def _view() -> View:
    """March 2025: 10 visitors, 4 add to cart, 2 purchase (conversion 2/10 = 20 %, cart
    abandonment 2/4 = 50 %). February 2025: 8 visitors, 4 add to cart, 1 purchase
    (conversion 1/8 = 12.5 %, cart abandonment 3/4 = 75 %)."""
    rows = ["user_id,timestamp,event,revenue,order_id"]
    rows += [f"m{i},2025-03-0{1 + i % 5} 10:00:00,landing,," for i in range(1, 11)]
    rows += [f"m{i},2025-03-0{1 + i % 5} 10:05:00,add_to_cart,," for i in range(1, 5)]
    rows += [f"m{i},2025-03-0{1 + i % 5} 10:09:00,purchase,{r},o{i}" for i, r in ((1, 30), (2, 50))]
    rows += [f"f{i},2025-02-1{i % 5} 10:00:00,landing,," for i in range(1, 9)]
    rows += [f"f{i},2025-02-1{i % 5} 10:05:00,add_to_cart,," for i in range(1, 5)]
    rows += ["f1,2025-02-11 10:09:00,purchase,40,p1"]
    t = read_table(("\n".join(rows) + "\n").encode(), filename="events.csv")
    ds = build_dataset(
        [TableInput("events.csv", t.frame, rows_read=t.report.rows_read, dropped={})]
    )
    return View(ds, Filters(start=date(2025, 3, 1), end=date(2025, 3, 31)), FunnelSettings())


def _book(
    lang: str = "en", sections=tuple(SECTIONS), calendar=None, targets=None
) -> openpyxl.Workbook:
    view = _view()
    data = build_workbook(
        view.full,
        view.filters,
        options=ReportOptions(
            lang=lang,  # type: ignore[arg-type]
            generated_at=datetime(2026, 12, 2, 9, 0),
            calendar=calendar,
            thresholds=alerts.Thresholds(targets=targets or tg.Targets()),
            view=view,
        ),
        sections=sections,
        view=view,
    )
    return openpyxl.load_workbook(io.BytesIO(data))


RETAIL = CalendarSettings(retail=True)  # the French retail periods: winter sales in Feb/March


@pytest.mark.parametrize(("lang", "events"), [("en", "Events"), ("fr", "Événements")])
def test_the_events_sheet_follows_the_pick(lang: str, events: str) -> None:
    summary = "Summary" if lang == "en" else "Synthèse"
    # picked (the default pick holds it) and a calendar: written, last
    assert _book(lang, calendar=RETAIL).sheetnames[-1] == events
    assert _book(lang, ["summary", "events"], calendar=RETAIL).sheetnames == [summary, events]
    # left out of the pick: not written, even with a calendar (it was, before)
    assert _book(lang, ["summary"], calendar=RETAIL).sheetnames == [summary]
    # picked but no calendar: nothing to write, no empty sheet
    assert _book(lang, ["summary", "events"]).sheetnames == [summary]
    assert _book(lang, ["summary", "events"], calendar=CalendarSettings()).sheetnames == [summary]


def test_the_command_line_sheets_option_takes_events(tmp_path) -> None:
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    log = tmp_path / "events.csv"
    log.write_text(
        "user_id,timestamp,event\nu1,2025-03-03 10:00:00,landing\nu1,2025-03-03 10:05:00,purchase\n"
    )
    out = tmp_path / "r.xlsx"
    base = [sys.executable, "-m", "kpi", "report", str(log), "-o", str(out), "-q"]
    for sheets, names in (
        ("summary", ["Summary"]),
        ("summary,events", ["Summary", "Events"]),
    ):
        run = subprocess.run(
            [*base, "--sheets", sheets, "--retail-periods"],
            cwd=root, capture_output=True, text=True, timeout=300,
        )  # fmt: skip
        assert run.returncode in (0, 1), run.stderr
        assert openpyxl.load_workbook(out).sheetnames == names, sheets


def test_points_formats() -> None:
    assert points_format("en") == '+0.00" pp";-0.00" pp";0.00" pp"'
    assert points_format("fr") == '+0.00" pt";-0.00" pt";0.00" pt"'
    assert change_scale("rate") == 100 and change_scale("currency") == change_scale("count") == 1
    assert change_format("rate", "fr") == points_format("fr")
    assert "%" not in change_format("currency", "en", currency="EUR")
    assert change_format("count", "en") == "+#,##0;-#,##0;0"


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_summary_change_and_gap_of_a_rate_in_points(lang: str) -> None:
    targets = tg.Targets.of({"conversion_rate": 0.25, "aov": 45.0})
    wb = _book(lang, ["summary", "stages"], targets=targets)
    summary = wb.worksheets[0]
    rows = table(summary, ("KPI", "Indicateur"))
    conv = rows["Conversion rate" if lang == "en" else "Taux de conversion"]
    heads = list(conv)
    value, target, previous = heads[1], heads[2], heads[3]
    change = "Change" if lang == "en" else "Évolution"
    change_pct = "Change %" if lang == "en" else "Évolution %"
    gap = "Gap to target" if lang == "en" else next(h for h in heads if h.startswith("Écart"))
    # March 2/10 = 0.2 vs February 1/8 = 0.125: +7.5 points, +60 % relative; the gap to the
    # 25 % target: 0.2 − 0.25 = −5 points
    assert conv[value] == pytest.approx(0.2) and conv[previous] == pytest.approx(0.125)
    assert conv[target] == pytest.approx(0.25)
    assert conv[change] == pytest.approx(7.5)
    assert conv[change_pct] == pytest.approx(0.6)
    assert conv[gap] == pytest.approx(-5.0)
    # AOV: March (30 + 50) / 2 = 40 vs February 40: change 0 in money; gap 40 − 45 = −5 money
    aov = rows["Average order value" if lang == "en" else "Panier moyen"]
    assert aov[change] == pytest.approx(0.0) and aov[gap] == pytest.approx(-5.0)
    # the formats: points for the rate's change and gap, % for the relative change only
    unit = "pp" if lang == "en" else "pt"
    fmt = {}
    top = next(r for r in summary.iter_rows() if r[0].value in ("KPI", "Indicateur"))
    cols = {c.value: c.column for c in top if c.value}
    for r in summary.iter_rows(min_row=top[0].row + 1):
        if r[0].value == conv[heads[0]]:
            fmt = {h: summary.cell(r[0].row, c).number_format for h, c in cols.items()}
    assert fmt[change] == fmt[gap] == f'+0.00" {unit}";-0.00" {unit}";0.00" {unit}"'
    assert fmt[change_pct] == "+0.00%;-0.00%;0.00%" and fmt[value] == "0.00%"
    # the Stage KPIs sheet: the same change in points
    stages = table(wb.worksheets[1], ("KPI", "Indicateur"))
    row = stages["Conversion rate" if lang == "en" else "Taux de conversion"]
    assert row[change] == pytest.approx(7.5)
