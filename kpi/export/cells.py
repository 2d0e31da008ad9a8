"""Safe, formatted cell writing for the workbook (openpyxl), used only by :mod:`kpi.export`.

Every value goes through :func:`put`: strings are always written as text (``data_type = "s"``)
and get Excel's quote prefix when they start with ``= + - @``, a tab or a carriage return, so a
segment value such as ``=HYPERLINK(...)`` stays text in Excel, LibreOffice and Google Sheets
(CWE-1236). Numbers stay numbers with a number format; NaN and infinities become empty cells.
Column widths are computed from what was written (openpyxl has no autofit).

Number formats are Excel codes, the same in every language (Excel writes ``1 234,5`` or
``1,234.5`` by the reader's own settings); only the words inside a format (``"days"``/``"jours"``)
and the currency symbol depend on the workbook's language (:func:`unit_format`,
:func:`money_format`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

import polars as pl
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.table import Table, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

from kpi.words import Fact, Lang, render

#: Characters that make a spreadsheet read a cell as a formula (or DDE command).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
MAX_TEXT = 32_767  # Excel's limit on characters in a cell

# Number formats (Excel codes)
RATE = "0.00%"
SIGNED_RATE = "+0.00%;-0.00%;0.00%"
COUNT = "#,##0"
SIGNED_COUNT = "+#,##0;-#,##0;0"
MONEY = "#,##0.00"
SIGNED_MONEY = "+#,##0.00;-#,##0.00;0.00"
NUMBER = "#,##0.00"
SIGNED_NUMBER = "+#,##0.00;-#,##0.00;0.00"
DURATION = "[h]:mm:ss"  # values are days (seconds / 86 400), Excel's time unit
P_VALUE = "0.0000"
DATE = "yyyy-mm-dd"
DATETIME = "yyyy-mm-dd hh:mm"

BRAND = "1F4E79"
HEADER_FILL = PatternFill("solid", fgColor=BRAND)
HEADER_FONT = Font(bold=True, color="FFFFFF")
TITLE_FONT = Font(bold=True, size=16, color=BRAND)
SECTION_FONT = Font(bold=True, size=12, color=BRAND)
LABEL_FONT = Font(bold=True)
NOTE_FONT = Font(italic=True, color="595959")
ALERT_FONT = Font(bold=True, color="C00000")
WARN_FONT = Font(bold=True, color="B45F06")
THIN = Side(style="thin", color="BFBFBF")
BOTTOM_BORDER = Border(bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="top")
TOP = Alignment(vertical="top")
LEFT = Alignment(horizontal="left", vertical="top")
HEADER_WIDTH = 16  # longer headers wrap on two lines

#: Excel number format per KPI unit (:class:`kpi.definitions.Definition` units).
UNIT_FORMAT: dict[str, str] = {
    "rate": RATE,
    "currency": MONEY,
    "count": COUNT,
    "seconds": DURATION,
    "days": '#,##0.0" days"',
    "months": '#,##0.0" months"',
    "ratio": NUMBER,
    "number": NUMBER,
}
SIGNED_UNIT_FORMAT: dict[str, str] = {
    "rate": SIGNED_RATE,
    "currency": SIGNED_MONEY,
    "count": SIGNED_COUNT,
    "seconds": "+[h]:mm:ss;-[h]:mm:ss",
    "days": '+#,##0.0" days";-#,##0.0" days"',
    "months": '+#,##0.0" months";-#,##0.0" months"',
    "ratio": SIGNED_NUMBER,
    "number": SIGNED_NUMBER,
}


_UNIT_WORDS: dict[str, tuple[str, str]] = {"days": ("days", "jours"), "months": ("months", "mois")}
_POINTS_WORD: dict[str, str] = {"en": "pp", "fr": "pt"}  # as the pages write points

#: a change of rate is written in percentage points: the fraction times this
POINTS_SCALE = 100.0


def points_format(lang: Lang = "en") -> str:
    """A signed change in percentage points (the cell holds points: 0.51 for 0.0051), the
    unit as the pages write it: en ``+0.51 pp``, fr ``+0,51 pt`` (never a ``%``, which reads
    as a relative change)."""
    unit = _POINTS_WORD.get(lang, "pp")
    return f'+0.00" {unit}";-0.00" {unit}";0.00" {unit}"'


def change_scale(unit: str) -> float:
    """What a difference of a KPI of ``unit`` is multiplied by before it is written
    (:data:`POINTS_SCALE` for a rate: points; 1 for money, counts, durations…)."""
    return POINTS_SCALE if unit == "rate" else 1.0


def change_format(unit: str, lang: Lang = "en", *, currency: str | None = None) -> str:
    """The Excel format of a difference of a KPI of ``unit`` (a change, a gap to target):
    points for a rate (:func:`points_format`, the value scaled by :func:`change_scale`), the
    KPI's own unit, signed, for money, counts and durations."""
    if unit == "rate":
        return points_format(lang)
    return unit_format(unit, lang, signed=True, currency=currency)


def unit_format(unit: str, lang: Lang = "en", *, signed: bool = False, currency: str | None = None
                ) -> str:  # fmt: skip
    """The Excel number format of a KPI unit in ``lang`` (``days``: ``#,##0.0" jours"``);
    ``currency`` (an ISO code or a symbol) puts its symbol on money."""
    if unit == "currency":
        return money_format(currency, lang, signed=signed)
    if unit in _UNIT_WORDS:
        word = _UNIT_WORDS[unit][1 if lang == "fr" else 0]
        one = f'#,##0.0" {word}"'
        return f"+{one};-{one}" if signed else one
    return (SIGNED_UNIT_FORMAT if signed else UNIT_FORMAT).get(
        unit, SIGNED_NUMBER if signed else NUMBER
    )


def money_format(currency: str | None, lang: Lang = "en", *, signed: bool = False) -> str:
    """Money with two decimals; with a currency, its symbol where ``lang`` writes it
    (fr ``1 234,56 €``, en ``€1,234.56``); without one, the plain number (no symbol invented)."""
    body = "#,##0.00"
    if currency:
        from babel.numbers import get_currency_symbol

        from kpi.words.format import CURRENCY_SYMBOLS, locale

        code = CURRENCY_SYMBOLS.get(currency, currency)
        try:
            symbol = get_currency_symbol(code, locale=locale(lang))
        except Exception:
            symbol = str(currency)
        symbol = symbol.replace('"', "")
        body = f'{body}" {symbol}"' if lang == "fr" else f'"{symbol}"{body}'
    return f"+{body};-{body};{body}" if signed else body


def put(
    ws: Worksheet,
    row: int,
    col: int,
    value: Any,
    fmt: str | None = None,
    *,
    font: Font | None = None,
    align: Alignment | None = None,
    lang: Lang = "en",
) -> Cell:
    """Write one value: text always as text (quote-prefixed when formula-like), numbers as
    numbers with ``fmt``, dates as dates; None/NaN/inf as an empty cell. Never a formula.
    A yes/no is written in ``lang``."""
    cell: Cell = ws.cell(row=row, column=col)
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        cell.value = None
    elif isinstance(value, bool):
        cell.value = render("common.yes" if value else "common.no", lang)
        cell.data_type = "s"
    elif isinstance(value, int | float):
        cell.value = value
        cell.number_format = fmt or (COUNT if isinstance(value, int) else NUMBER)
    elif isinstance(value, datetime):
        cell.value = value.replace(tzinfo=None)
        cell.number_format = fmt or DATETIME
    elif isinstance(value, date):
        cell.value = value
        cell.number_format = fmt or DATE
    elif isinstance(value, timedelta):
        cell.value = value.total_seconds() / 86_400
        cell.number_format = fmt or DURATION
    elif isinstance(value, time):
        cell.value = value.isoformat()
        cell.data_type = "s"
    else:
        text = str(value)[:MAX_TEXT]
        cell.value = text
        cell.data_type = "s"  # whatever openpyxl guessed ("f" for "=..."), it is text
        if text.startswith(FORMULA_START):
            cell.quotePrefix = True
    if font is not None:
        cell.font = font
    if align is not None:
        cell.alignment = align
    return cell


@dataclass(frozen=True)
class Col:
    """One column of a table: the frame column, its header, and its number format."""

    name: str
    header: str
    fmt: str | None = None
    scale: float = 1.0  # multiply numbers by this before writing (seconds -> days: 1 / 86400)
    width: float | None = None  # fixed width; computed from the content when None
    wrap: bool = False


class SheetWriter:
    """Writes rows top to bottom on one worksheet and remembers column widths."""

    def __init__(self, ws: Worksheet, *, max_width: float = 60, lang: Lang = "en") -> None:
        self.ws = ws
        self.lang: Lang = lang
        self.row = 1
        self.widths: dict[int, float] = {}
        self.fixed: dict[int, float] = {}
        self.max_width = max_width

    # ----------------------------------------------------------------------- primitives
    def cell(
        self,
        row: int,
        col: int,
        value: Any,
        fmt: str | None = None,
        *,
        measure: bool = True,
        **kw: Any,
    ) -> Cell:
        kw.setdefault("lang", self.lang)
        c = put(self.ws, row, col, value, fmt, **kw)
        if measure and not (kw.get("align") is not None and kw["align"].wrap_text):
            self._measure(col, value, c.number_format)
        return c

    def _measure(self, col: int, value: Any, fmt: str) -> None:
        if value is None:
            return
        if isinstance(value, float | int) and not isinstance(value, bool):
            n = len(f"{value:,.2f}") + (2 if "%" in fmt or '"' in fmt else 0)
            if fmt == DURATION:
                n = 10
        elif isinstance(value, datetime):
            n = 16
        elif isinstance(value, date):
            n = 10
        else:
            n = max((len(line) for line in str(value).splitlines()), default=0)
        self.widths[col] = max(self.widths.get(col, 0), n)

    def skip(self, n: int = 1) -> None:
        self.row += n

    def title(self, text: str) -> None:
        self.ws.cell(row=self.row, column=1)
        put(self.ws, self.row, 1, text, font=TITLE_FONT)
        self.ws.row_dimensions[self.row].height = 24
        self.row += 1

    def section(self, text: str) -> None:
        put(self.ws, self.row, 1, text, font=SECTION_FONT)
        self.row += 1

    def note(self, text: str, col: int = 1) -> None:
        put(self.ws, self.row, col, text, font=NOTE_FONT)
        self.row += 1

    def say(self, code: str, /, **values: Any) -> None:
        """A note of the catalogue message ``code`` with ``values``, in the sheet's language
        (``w.say("export.summary.no_kpi")``)."""
        self.note(render(Fact(code, **values), self.lang))

    def pair(
        self,
        label: str,
        value: Any,
        fmt: str | None = None,
        *,
        wrap_chars: int = 0,
        font: Font | None = None,
    ) -> None:
        """A label in column A and its value in column B, left-aligned.

        With ``wrap_chars``, a long text value is wrapped in cells B..H merged (about
        ``wrap_chars`` characters per line) and the row is made tall enough.
        """
        self.cell(self.row, 1, label, font=LABEL_FONT, align=TOP)
        if wrap_chars and isinstance(value, str) and len(value) > wrap_chars // 3:
            put(self.ws, self.row, 2, value, font=font, align=WRAP, lang=self.lang)
            self.ws.merge_cells(start_row=self.row, start_column=2, end_row=self.row, end_column=8)
            self.ws.row_dimensions[self.row].height = 15 * lines(value, wrap_chars)
        else:
            self.cell(self.row, 2, value, fmt, font=font, align=LEFT)
        self.row += 1

    # ----------------------------------------------------------------------- tables
    def table(
        self,
        frame: pl.DataFrame,
        columns: Sequence[Col],
        *,
        name: str,
        first_col: int = 1,
        style: str = "TableStyleMedium2",
        row_formats: Sequence[str | None] | None = None,
        format_columns: Sequence[str] = (),
    ) -> tuple[int, int]:
        """Header + rows as an Excel table (ListObject) at the current row.

        ``row_formats`` (one per row) overrides the format of the ``format_columns`` (KPI
        tables mixing rates, counts and money). Returns (first data row, last data row).
        """
        ws = self.ws
        top = self.row
        headers = _unique([c.header for c in columns])
        for j, (c, h) in enumerate(zip(columns, headers, strict=True)):
            cell = self.cell(top, first_col + j, h, font=HEADER_FONT, measure=False)
            self._measure(first_col + j, h[:HEADER_WIDTH], "")
            cell.fill = HEADER_FILL
            cell.alignment = Alignment(wrap_text=True, vertical="center")
            if c.width is not None:
                self.fixed[first_col + j] = c.width
        if any(len(h) > HEADER_WIDTH for h in headers):  # wrapped: as many lines as it takes
            ws.row_dimensions[top].height = 15 * max(2, *(header_lines(h) for h in headers))
        data = frame.select([c.name for c in columns]) if frame.width else frame
        for i, values in enumerate(data.iter_rows()):
            r = top + 1 + i
            for j, (c, v) in enumerate(zip(columns, values, strict=True)):
                fmt = c.fmt
                if row_formats is not None and c.name in format_columns:
                    fmt = row_formats[i] or fmt
                if isinstance(v, int | float) and not isinstance(v, bool) and c.scale != 1.0:
                    v = v * c.scale
                self.cell(r, first_col + j, v, fmt, align=WRAP if c.wrap else TOP)
            tall = max(
                (
                    lines(str(v), int(c.width or 40))
                    for c, v in zip(columns, values, strict=True)
                    if c.wrap and v is not None
                ),
                default=1,
            )
            if tall > 1:
                ws.row_dimensions[r].height = 15 * tall
        last = top + max(data.height, 1)
        if data.height == 0:  # an Excel table needs a data row
            put(ws, last, first_col, render("common.none", self.lang), font=NOTE_FONT)
        ref = f"{get_column_letter(first_col)}{top}:{get_column_letter(first_col + len(columns) - 1)}{last}"
        tab = Table(displayName=_table_name(name), ref=ref)
        tab.tableStyleInfo = TableStyleInfo(name=style, showRowStripes=True)
        ws.add_table(tab)
        self.row = last + 2
        return top + 1, last

    def finish(self, *, min_width: float = 8) -> None:
        """Set column widths from the longest value written (capped), fixed widths first."""
        for col, n in self.widths.items():
            if col in self.fixed:
                continue
            width = min(max(n + 2, min_width), self.max_width)
            self.ws.column_dimensions[get_column_letter(col)].width = width
        for col, w in self.fixed.items():
            self.ws.column_dimensions[get_column_letter(col)].width = w


def header_lines(header: str, width: int = HEADER_WIDTH) -> int:
    """Lines a header takes, wrapped at words in a column about ``width`` characters wide
    ("Même période l'année précédente": 3)."""
    import textwrap

    return max(1, len(textwrap.wrap(header, max(width - 2, 8))))


def lines(text: str, width: int) -> int:
    """Lines a wrapped text takes in a column ``width`` characters wide (a rough estimate)."""
    per_line = max(width - 2, 8)
    return sum(max(1, -(-len(part) // per_line)) for part in text.splitlines() or [""])


def _unique(headers: Sequence[str]) -> list[str]:
    out: list[str] = []
    for h in headers:
        h = str(h) if str(h).strip() else "column"
        base, k = h, 2
        while h in out:
            h, k = f"{base} ({k})", k + 1
        out.append(h)
    return out


def _table_name(name: str) -> str:
    """A valid Excel table name: letters, digits and underscores, starting with a letter."""
    cleaned = "".join(ch if ch.isalnum() or ch == "_" else "_" for ch in name)
    if not cleaned or not cleaned[0].isalpha():
        cleaned = f"t{cleaned}"
    return cleaned[:250]
