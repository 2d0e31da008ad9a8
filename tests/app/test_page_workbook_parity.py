"""Page and workbook agree: every KPI figure the Overview, Stage KPIs, Retention, Value and
Advocacy pages show for a view is in the workbook built for that view, with the same value
(to the page's precision), and a KPI the page shows as not applicable is not a number in the
workbook.

Views: the demo data for October 2025 (so every figure has a previous period) and a slice of
UCI Online Retail (orders only: conversion does not apply), uploaded as a user would.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
from dataclasses import dataclass

import openpyxl
import pytest

from kpi.export.workbook import ReportOptions, build_workbook
from tests.app.conftest import ROOT, errors_and_exceptions

FIXTURE = ROOT / "tests" / "fixtures" / "online_retail_slice.csv"
PAGES = {  # page -> the sheets its figures are on
    "pages/home_view.py": ("Summary", "Stage KPIs"),
    "pages/stages_view.py": ("Stage KPIs",),
    "pages/retention_view.py": ("Retention",),
    "pages/value_view.py": ("Value",),
    "pages/advocacy_view.py": ("Value",),
}


# ---------------------------------------------------------------- reading the page's figures


@dataclass(frozen=True)
class Figure:
    """A figure as the page writes it: its value in the workbook's unit and its precision."""

    label: str
    text: str
    value: float
    tolerance: float  # half a unit of the last digit shown, in the workbook's unit


_NUMBER = re.compile(r"[+\-−]?\d[\d,.\u00a0\u202f ]*")


def parse(text: str, lang: str = "en") -> tuple[float, float] | None:
    """(value, tolerance) of a figure as a page writes it, in the workbook's unit: rates as
    fractions (``12.5 %`` -> 0.125), a change of rate in points (``+0.51 pp`` -> 0.51, as the
    workbook writes it), durations in days (Excel's unit), NPS in points, money
    and counts as numbers. None for a text that is not a figure (``–``)."""
    t = text.strip().replace("−", "-")
    if t in ("", "–", "-", "—"):
        return None
    seconds = _duration(t, lang)
    if seconds is not None:
        return seconds
    m = _NUMBER.search(t)
    if m is None:
        return None
    raw = m.group(0).strip()
    if lang == "fr" and re.search(r"\d,\d{3}(?!\d)", raw) and not re.search("[\u202f\u00a0]", t):
        lang = "en"  # a page not yet writing French figures (1,234): read it as written
    group, point = ("\u202f\u00a0 ", ",") if lang == "fr" else (",", ".")
    for g in group:
        raw = raw.replace(g, "")
    raw = raw.replace(point, ".")
    if raw.count(".") > 1:
        return None
    decimals = len(raw.split(".")[1]) if "." in raw else 0
    value = float(raw)
    tol = 0.5 * 10**-decimals + 1e-9
    if re.search(r"\d\s*(pp|pt|pts)$", t):
        return value, tol  # percentage points: the workbook writes points too (+0.51 pp)
    if "%" in t[m.end() :] or t.endswith("%"):
        return value / 100, tol / 100  # a percentage: a fraction
    return value, tol


def _duration(t: str, lang: str) -> tuple[float, float] | None:
    dec = "," if lang == "fr" else "."
    m = re.fullmatch(r"(\d+)\s*min\s*(\d+)\s*s", t.replace("\u00a0", " "))
    if m:
        # the page writes whole seconds, cut (not rounded): the value is within [shown, +1 s)
        return (int(m[1]) * 60 + int(m[2]) + 0.5) / 86400, 0.5 / 86400 + 1e-12
    m = re.fullmatch(rf"(\d+(?:\{dec}\d+)?)\s*(s|h|days|jours)", t.replace("\u00a0", " "))
    if m:
        x = float(m[1].replace(",", "."))
        unit = {"s": 1, "h": 3600}.get(m[2], 86400)
        decimals = len(m[1].split(dec)[1]) if dec in m[1] else 0
        return x * unit / 86400, 0.5 * 10**-decimals * unit / 86400 + 1e-9
    return None


def page_figures(at, lang: str = "en") -> list[Figure]:
    """Every st.metric value and every number of the KPI tables on the page."""
    out: list[Figure] = []
    for m in at.metric:
        parsed = parse(str(m.value), lang)
        if parsed is not None:
            out.append(Figure(str(m.label), str(m.value), *parsed))
        # the change vs the previous period (points for rates, else a relative change)
        delta = parse(str(m.delta), lang) if m.delta else None
        if delta is not None:
            out.append(Figure(str(m.label), f"Δ {m.delta}", *delta))
    for df in at.dataframe:
        frame = df.value
        for col in frame.columns:
            for v in frame[col].tolist():
                if isinstance(v, bool) or v is None:
                    continue
                if isinstance(v, int | float):
                    if isinstance(v, float) and math.isnan(v):
                        continue
                    # a table's figures: found by value on the page's sheets (no row label)
                    out.append(Figure("", f"{col}={v!r}", float(v), 1e-9 * max(1.0, abs(v))))
                elif isinstance(v, str) and re.fullmatch(
                    r"[+\-−]?[\d,.\u00a0\u202f ]+%?", v.strip()
                ):
                    parsed = parse(v, lang)
                    if parsed is not None:
                        out.append(Figure("", f"{col}={v}", *parsed))
    return out


# ---------------------------------------------------------------- reading the workbook


def workbook_numbers(wb, sheets: tuple[str, ...]) -> dict[str, list[tuple[tuple, float]]]:
    """sheet -> [(the row's texts, number)] for every number written on the sheet."""
    out: dict[str, list[tuple[tuple, float]]] = {}
    for name in sheets:
        rows = []
        for row in wb[name].iter_rows(values_only=True):
            texts = tuple(str(c).strip().lower() for c in row if isinstance(c, str))
            for c in row:
                if isinstance(c, dt.timedelta):  # a [h]:mm:ss cell reads back as a duration
                    rows.append((texts, c.total_seconds() / 86400))
                elif isinstance(c, int | float) and not isinstance(c, bool):
                    rows.append((texts, float(c)))
        out[name] = rows
    return out


def in_workbook(f: Figure, numbers: dict[str, list[tuple[tuple, float]]]) -> bool:
    """The figure is a number of its page's sheets, within the page's precision; a row whose
    label is the figure's label must hold it when there is one."""
    label = f.label.strip().lower()
    cells = [(texts, v) for rows in numbers.values() for texts, v in rows]
    same_label = [v for texts, v in cells if label and label in texts]
    pool = same_label or [v for _, v in cells]
    return any(abs(v - f.value) <= f.tolerance for v in pool)


# ---------------------------------------------------------------- the views


def _open(app, page: str, lang: str = "en"):
    app.query_params["lang"] = lang
    app.run()
    app.switch_page(page).run()
    assert errors_and_exceptions(app) == [], page
    return app


def _workbook(app, lang: str = "en") -> openpyxl.Workbook:
    """The workbook of the app's current view, as the download button builds it."""
    from kpi.view import View

    full = app.session_state["dataset"]
    filters = app.session_state["filters"]
    views = [v for v in app.session_state["_views"].values() if isinstance(v, View)]
    view = next(v for v in reversed(views) if v.full is full and v.filters.key() == filters.key())
    options = ReportOptions(
        funnel=view.settings,
        lang=lang,  # type: ignore[arg-type]
        kpi_segment=app.session_state.get("st_by", None),
    )
    data = build_workbook(full, filters, options=options)  # computed anew: no shared View
    return openpyxl.load_workbook(io.BytesIO(data))


def _check_pages(app, prepare, lang: str = "en") -> int:
    checked = 0
    for page, sheets in PAGES.items():
        prepare(app)
        _open(app, page, lang)
        figures = page_figures(app, lang)
        wb = _workbook(app, lang)
        names = _sheet_names(wb, sheets, lang)
        numbers = workbook_numbers(wb, names)
        missing = [f for f in figures if not in_workbook(f, numbers)]
        assert not missing, (page, [(f.label, f.text) for f in missing][:10])
        checked += len(figures)
    return checked


def _sheet_names(wb, sheets: tuple[str, ...], lang: str) -> tuple[str, ...]:
    from kpi.export.workbook import SECTIONS, sheet_title

    codes = {v: k for k, v in SECTIONS.items()}
    return tuple(
        sheet_title(codes[s], lang) for s in sheets if sheet_title(codes[s], lang) in wb.sheetnames
    )


def test_demo_october_pages_and_workbook_agree(app):
    def prepare(at):
        at.query_params["period"] = ["2025-10-01", "2025-10-31"]

    n = _check_pages(app, prepare)
    assert n >= 60  # metrics and table figures of five pages, not a vacuous pass


def test_demo_in_french_pages_and_workbook_agree(app):
    def prepare(at):
        at.query_params["period"] = ["2025-10-01", "2025-10-31"]

    assert _check_pages(app, prepare, "fr") >= 60


def _upload_retail(at):
    if at.session_state.get("uploads"):
        return
    at.run()
    at.sidebar.file_uploader[0].set_value(("online_retail.csv", FIXTURE.read_bytes(), "text/csv"))
    at.run()


def test_online_retail_pages_and_workbook_agree(app):
    assert _check_pages(app, _upload_retail) >= 20


def test_online_retail_not_applicable_is_not_a_number(app):
    """Orders only: conversion (and the KPIs that need visits) do not apply. The page shows
    no figure for them; the workbook writes no number in their rows."""
    _upload_retail(app)
    _open(app, "pages/stages_view.py")
    from kpi.view import View

    full = app.session_state["dataset"]
    view = [v for v in app.session_state["_views"].values() if v.full is full][-1]
    assert isinstance(view, View)
    na = [k for k in view.kpis() if k.reason]
    assert {"conversion_rate", "revenue_per_visitor"} <= {k.code for k in na}
    from kpi.export.text import kpi_label

    names = {k.code: kpi_label(k.code, "en") for k in na}
    shown = {m.label for m in app.metric}
    wb = _workbook(app)
    checked = set()
    for sheet in ("Stage KPIs", "Summary"):
        for row in wb[sheet].iter_rows(values_only=True):
            texts = [c for c in row if isinstance(c, str)]
            for k in na:
                if names[k.code] in texts:
                    numbers = [
                        c for c in row if isinstance(c, int | float) and not isinstance(c, bool)
                    ]
                    assert numbers == [], (sheet, k.code, row)
                    checked.add(k.code)
    assert checked == set(names)  # each one has its row on the Stage KPIs sheet, without a number
    assert not shown & set(names.values())
    assert "Conversion rate" not in [r[0] for r in wb["Summary"].iter_rows(values_only=True)]


def test_parse_reads_both_locales():
    assert parse("4.11 %") == pytest.approx((0.0411, 0.00005))
    assert parse("12,5\u00a0%", "fr")[0] == pytest.approx(0.125)
    assert parse("1\u202f234,56\u00a0€", "fr")[0] == pytest.approx(1234.56)
    assert parse("$1,234.56")[0] == pytest.approx(1234.56)
    assert parse("3 min 20 s")[0] == pytest.approx(200.5 / 86400)  # 200 s to 201 s
    assert parse("–") is None
    assert parse("+0.07 pp")[0] == pytest.approx(0.07)  # points, as the workbook writes them
    assert parse("+0,51\u00a0pt", "fr")[0] == pytest.approx(0.51)
    assert parse("−3,40\u00a0%", "fr")[0] == pytest.approx(-0.034)
