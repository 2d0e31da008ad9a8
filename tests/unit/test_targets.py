"""Targets: the status rules (hand-computed, both directions, at the boundaries), the targets
file read from messy CSVs and written back, the link's targets, the red flag of a missed
target, and the Summary sheet's cells and conditional formatting read back with openpyxl."""

from __future__ import annotations

import io
from datetime import datetime

import openpyxl
import pytest

from kpi import alerts
from kpi import targets as tg
from kpi.errors import InputError
from kpi.filters import Filters
from kpi.load import read_table
from kpi.report import ReportOptions, build_workbook
from kpi.schema import TableInput, build_dataset
from kpi.settings import FunnelSettings
from kpi.view import View
from kpi.words import render
from tests.unit.sheet_columns import header_row, table


# ------------------------------------------------------------------------------ status rules
@pytest.mark.parametrize(
    ("kpi", "value", "target", "status"),
    [
        # higher is better, target 2.5 %: close from 2.5 % × (1 − 0.10) = 2.25 %
        ("conversion_rate", 0.025, 0.025, "on"),  # exactly at the target: on
        ("conversion_rate", 0.03, 0.025, "on"),
        ("conversion_rate", 0.0225, 0.025, "close"),  # exactly 10 % short: close
        ("conversion_rate", 0.02249, 0.025, "off"),
        ("aov", 45.0, 50.0, "close"),  # 50 − 5 = 45
        ("aov", 44.99, 50.0, "off"),
        # lower is better, target 65 %: close up to 65 % × 1.10 = 71.5 %
        ("cart_abandonment", 0.65, 0.65, "on"),
        ("cart_abandonment", 0.50, 0.65, "on"),
        ("cart_abandonment", 0.715, 0.65, "close"),
        ("cart_abandonment", 0.7151, 0.65, "off"),
        ("cac", 22.0, 20.0, "close"),  # 20 + 2
        ("cac", 22.01, 20.0, "off"),
        ("bounce_rate", 0.39, 0.40, "on"),
        # a target of 0: no band ("close" is 10 % of 0)
        ("cac", 0.0, 0.0, "on"),
        ("cac", 0.01, 0.0, "off"),
        # NPS in points, a negative target: the band is 10 % of |−10| = 1 point
        ("nps", -11.0, -10.0, "close"),
        ("nps", -11.01, -10.0, "off"),
        ("nps", 5.0, -10.0, "on"),
    ],
)
def test_status_rules(kpi: str, value: float, target: float, status: str) -> None:
    a = tg.assess(kpi, value, target)
    assert a is not None and a.status == status


def test_gap_and_relative_gap_hand_computed() -> None:
    a = tg.assess("conversion_rate", 0.02, 0.025)
    assert a is not None
    assert a.gap == pytest.approx(-0.005)  # 2 % − 2.5 % = −0.5 pt
    assert a.relative_gap == pytest.approx(-0.2)  # 0.02 / 0.025 − 1
    assert render(a.gap_fact(), "en") == "-0.50 pp"
    assert render(a.gap_fact(), "fr") == "-0,50\u00a0pt"
    b = tg.assess("aov", 40.0, 50.0)
    assert b is not None and b.gap == -10.0 and b.relative_gap == pytest.approx(-0.2)
    assert render(b.gap_fact(), "en") == "-10.00 (-20.0%)"
    assert render(b.gap_fact(), "fr") == "-10,00 (-20,0\u00a0%)"
    assert tg.assess("aov", 40.0, 0.0).relative_gap is None  # type: ignore[union-attr]
    assert tg.assess("aov", None, 50.0) is None
    assert tg.assess("aov", 40.0, None) is None


def test_status_words_in_both_languages() -> None:
    assert [render(tg.status_fact(s), "en") for s in ("on", "close", "off")] == [
        "On target",
        "Close",
        "Off target",
    ]
    assert render(tg.status_fact("off"), "fr") == "Objectif manqué"


def test_every_kpi_has_a_unit_and_a_name() -> None:
    ids = tg.kpi_ids()
    for k in ("conversion_rate", "cart_abandonment", "aov", "bounce_rate", "nps", "cac"):
        assert k in ids
    assert "clv_cac" in ids and "retention_p1" in ids and "retention_p12" in ids
    assert not any(k.startswith("ab_") for k in ids)
    for k in ids:
        assert render(tg.label_fact(k), "fr") and render(tg.label_fact(k), "en")
    assert render(tg.label_fact("retention_p3"), "fr") == "Rétention à la période 3"
    assert tg.unit_of("nps") == "points" and tg.unit_of("retention_p2") == "rate"


# ------------------------------------------------------------------------------ the file
def test_french_file_semicolons_decimal_commas_cp1252() -> None:
    text = (
        "kpi;target\r\n"
        "conversion_rate;0,025\r\n"
        "aov;1 234,50 €\r\n"  # a no-break space as thousands, a currency sign
        "Taux d'abandon de panier;65 %\r\n"  # the French name and a percent sign
        "\r\n"  # a blank line is not a row
        "nps;30\r\n"
    )
    read = tg.read_csv(text.replace(" ", "\u00a0", 1).encode("cp1252", errors="replace"))
    assert read.targets.as_dict() == {
        "conversion_rate": 0.025,
        "aov": 1234.5,
        "cart_abandonment": pytest.approx(0.65),
        "nps": 30.0,
    }
    assert read.rows_read == 4 and read.ignored == 0


def test_comma_file_with_unquoted_decimal_commas_and_a_bom() -> None:
    data = "\ufeffkpi,target\nconversion_rate,0,03\naov,45\n".encode()
    read = tg.read_csv(data)
    assert read.targets.as_dict() == {"conversion_rate": 0.03, "aov": 45.0}


def test_every_ignored_row_is_counted_and_said() -> None:
    data = (
        b"KPI;Target\n"
        b"conversion_rate;0,025\n"  # line 2: kept
        b"conversion;1\n"  # line 3: the funnel's per-step conversion: not an id
        b"foo;1\n"  # line 4: unknown
        b"conversion_rate;0,03\n"  # line 5: a duplicate (the first is kept)
        b"aov;beaucoup\n"  # line 6: not a number
        b"bounce_rate;45\n"  # line 7: a rate above 1
        b"cac;-5\n"  # line 8: negative money
        b"nps;150\n"  # line 9: an NPS beyond +100
        b"cart_abandonment;0.7\n"  # line 10: kept
    )
    read = tg.read_csv(data)
    assert read.targets.as_dict() == {"conversion_rate": 0.025, "cart_abandonment": 0.7}
    assert read.rows_read == 9 and read.ignored == 7
    codes = [(p.code, p["line"]) for p in read.problems]
    assert codes == [
        ("targets.problem.unknown", 3),
        ("targets.problem.unknown", 4),
        ("targets.problem.duplicate", 5),
        ("targets.problem.not_a_number", 6),
        ("targets.problem.rate_above_one.line", 7),
        ("targets.problem.negative.line", 8),
        ("targets.problem.nps_range.line", 9),
    ]
    en = render(read.summary(), "en")
    assert en == "2 targets read from 9 rows; 7 rows ignored."
    assert render(read.summary(), "fr") == "2 objectifs lus sur 9 lignes\u00a0; 7 lignes ignorées."
    said = render(read.problems[4], "en")
    assert "Line 7" in said and "0.025 for 2.5%" in said


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "targets.error.empty"),
        (b"\n\n", "targets.error.empty"),
        (b"indicator,value\nconversion_rate,0.02\n", "targets.error.columns"),
    ],
)
def test_a_file_without_the_columns_is_a_clear_error(data: bytes, code: str) -> None:
    with pytest.raises(InputError) as exc:
        tg.read_csv(data)
    assert exc.value.message.code == code
    assert exc.value.hint is not None and "conversion_rate" in render(exc.value.hint, "en")


def test_written_file_reads_back_the_same() -> None:
    t = tg.Targets.of({"conversion_rate": 0.025, "aov": 45.5, "nps": -3.0, "retention_p1": 0.2})
    data = t.to_csv()
    assert data.decode().splitlines()[:2] == ["kpi,target", "conversion_rate,0.025"]
    assert tg.read_csv(data).targets == t


def test_link_targets() -> None:
    t = tg.Targets.of({"conversion_rate": 0.025, "cart_abandonment": 0.65})
    assert t.to_url() == ["conversion_rate:0.025", "cart_abandonment:0.65"]
    got, left_out = tg.from_url([*t.to_url(), "bogus:1", "aov:lots", "ctr:3"])
    assert got == t
    assert [p.code for p in left_out] == [
        "targets.problem.url_unknown",
        "targets.problem.url_number",
        "targets.problem.rate_above_one",
    ]


# ------------------------------------------------------------------------------ a small view
def _tiny() -> View:
    """10 visitors, 4 add to cart, 2 purchase (30 + 50): conversion 2/10 = 0.2, cart
    abandonment (4 − 2)/4 = 0.5, AOV 80/2 = 40."""
    rows = ["user_id,timestamp,event,revenue,order_id"]
    rows += [f"u{i},2025-03-0{1 + i % 5} 10:00:00,landing,," for i in range(1, 11)]
    rows += [f"u{i},2025-03-0{1 + i % 5} 10:05:00,add_to_cart,," for i in range(1, 5)]
    rows += [f"u{i},2025-03-0{1 + i % 5} 10:09:00,purchase,{r},o{i}" for i, r in ((1, 30), (2, 50))]
    t = read_table(("\n".join(rows) + "\n").encode(), filename="events.csv")
    ds = build_dataset(
        [TableInput("events.csv", t.frame, rows_read=t.report.rows_read, dropped={})]
    )
    return View(ds, Filters(), FunnelSettings())


TARGETS = tg.Targets.of(
    {"conversion_rate": 0.25, "cart_abandonment": 0.48, "aov": 40.0, "nps": 30.0}
)


def test_values_of_a_view_and_the_missed_target_flag() -> None:
    view = _tiny()
    values = tg.values_of(view, [k for k, _ in TARGETS])
    assert values == {"conversion_rate": 0.2, "cart_abandonment": 0.5, "aov": 40.0, "nps": None}
    flags = alerts.target_flags(view, TARGETS)
    # 0.2 < 0.25 × 0.9 = 0.225: off; 0.5 ≤ 0.48 × 1.1 = 0.528: close; 40 = 40: on; NPS: none
    assert [f.code for f in flags] == ["target_conversion_rate"]
    assert render(flags[0].title, "en") == "Target missed: Conversion rate"
    assert render(flags[0].message, "en") == (
        "Conversion rate is 20.0%, off its target of 25.0% (gap -5.00 pp; “close” ends at 10% of "
        "the target)."
    )
    assert render(flags[0].title, "fr") == "Objectif manqué\u00a0: Taux de conversion"
    th = alerts.Thresholds(targets=TARGETS)
    assert any(f.code == "target_conversion_rate" for f in view.red_flags(th))
    assert not any(f.code.startswith("target_") for f in view.red_flags(alerts.Thresholds()))


def _where(ws: openpyxl.worksheet.worksheet.Worksheet, label: str, header: str) -> tuple[int, int]:
    """(row, column) of the cell of KPI ``label`` under ``header`` in the KPI table."""
    top, columns = header_row(ws, ("KPI", "Indicateur"))
    row = next(r for r in range(top + 1, ws.max_row + 1) if ws.cell(r, 1).value == label)
    return row, columns[header]


def _summary(lang: str) -> openpyxl.worksheet.worksheet.Worksheet:
    view = _tiny()
    data = build_workbook(
        view.full,
        Filters(),
        options=ReportOptions(
            thresholds=alerts.Thresholds(targets=TARGETS),
            generated_at=datetime(2026, 12, 1, 9, 30),
            lang=lang,  # type: ignore[arg-type]
        ),
        sections=["summary"],
    )
    return openpyxl.load_workbook(io.BytesIO(data)).worksheets[0]


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_summary_sheet_value_target_gap_status(lang: str) -> None:
    ws = _summary(lang)
    cells = [[c.value for c in row] for row in ws.iter_rows()]
    _, columns = header_row(ws, ("KPI", "Indicateur"))
    header = list(columns)
    if lang == "en":
        assert header == [
            "KPI", "Value", "Target", "Previous period", "Same period a year before", "Change",
            "Change %", "Gap to target", "Status",
        ]  # fmt: skip
    else:
        assert header[2] == "Objectif" and header[-1] == "Statut"
    rows = table(ws, ("KPI", "Indicateur"))
    status, gap = header[-1], header[-2]  # found by name, whatever columns come before
    conv = rows["Conversion rate" if lang == "en" else "Taux de conversion"]
    assert conv[header[1]] == pytest.approx(0.2) and conv[header[2]] == pytest.approx(0.25)
    # a rate's gap in percentage points: 0.2 − 0.25 = −5 pp (never "−5 %", a relative change)
    assert conv[gap] == pytest.approx(-5.0)
    unit = "pp" if lang == "en" else "pt"
    gap_cell = ws.cell(*_where(ws, conv[header[0]], gap))
    assert gap_cell.number_format == f'+0.00" {unit}";-0.00" {unit}";0.00" {unit}"'
    off = "Off target" if lang == "en" else "Objectif manqué"
    close = "Close" if lang == "en" else "Proche"
    on = "On target" if lang == "en" else "Objectif atteint"
    assert conv[status] == off
    cart = rows["Cart abandonment rate" if lang == "en" else "Taux d'abandon de panier"]
    assert cart[status] == close and cart[gap] == pytest.approx(2.0)  # +2 points
    aov = rows["Average order value" if lang == "en" else "Panier moyen"]
    assert aov[status] == on and aov[gap] == 0  # money: the gap in money, not in points
    assert "%" not in ws.cell(*_where(ws, aov[header[0]], gap)).number_format
    nps = rows["Net Promoter Score (NPS)"]  # a target without a value in this view
    assert (
        nps[header[1]] is None
        and nps[header[2]] == 30
        and nps[status] == ("No value" if lang == "en" else "Pas de valeur")
    )
    users = rows["Users" if lang == "en" else "Utilisateurs"]
    assert users[header[2]] is None and users[status] is None  # no target: nothing invented
    # the header: when it was made, the view's period and filters
    labels = [r[0] for r in cells[:12]]
    assert ("Generated" if lang == "en" else "Généré le") in labels
    # the missed target is a red flag of the sheet
    flat = " ".join(str(v) for r in cells for v in r if v is not None)
    assert ("Target missed: Conversion rate" if lang == "en" else "Objectif manqué") in flat
    # conditional formatting on the status cells: one rule per status, on its own words
    top, _ = header_row(ws, ("KPI", "Indicateur"))
    letter = openpyxl.utils.get_column_letter(columns[status])
    first, last = top + 1, top + len(rows)
    found = {}
    for rng in ws.conditional_formatting:
        for rule in rng.rules:
            found[rule.formula[0]] = (str(rng.sqref), rule.dxf.fill.fgColor.rgb)
    assert set(found) == {f'"{on}"', f'"{close}"', f'"{off}"'}
    for ref, _ in found.values():
        assert ref.startswith(f"{letter}{first}:{letter}")
        assert int(ref.split(":")[1][1:]) >= first
    assert found[f'"{off}"'][1].endswith("FFC7CE")  # red
    assert found[f'"{on}"'][1].endswith("C6EFCE")  # green
    assert last >= first
