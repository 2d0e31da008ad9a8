"""Reading a workbook's table by its column headers, not by position (a new column, such as the
same period a year before, then shifts nothing in the tests).

``table(ws, "KPI")`` finds the first row of ``ws`` with a cell equal to ``"KPI"``, takes that
row as the header, and returns the rows below it up to the first empty one, keyed by their
value in that column, each a mapping header -> value::

    rows = table(wb["Summary"], "KPI")
    rows["Conversion rate"]["Gap to target"]
"""

from __future__ import annotations

from typing import Any

from openpyxl.worksheet.worksheet import Worksheet

__all__ = ["header_row", "table"]


def header_row(ws: Worksheet, header: str | tuple[str, ...]) -> tuple[int, dict[str, int]]:
    """(row number, header -> 1-based column) of the first row holding ``header`` (or one of
    them: ``("KPI", "Indicateur")``). Raises AssertionError when no row does."""
    wanted = (header,) if isinstance(header, str) else header
    for row in ws.iter_rows():
        values = [c.value for c in row]
        if any(v in wanted for v in values if isinstance(v, str)):
            return row[0].row, {
                str(c.value): c.column for c in row if c.value is not None and str(c.value).strip()
            }
    raise AssertionError(f"no row with a header {wanted!r} in sheet {ws.title!r}")


def table(
    ws: Worksheet, header: str | tuple[str, ...], *, key: str | None = None
) -> dict[Any, dict[str, Any]]:
    """The rows under the header row of ``header`` up to the first empty row, keyed by their
    value in the column ``key`` (default: the ``header`` column found), each a mapping
    header -> cell value."""
    top, columns = header_row(ws, header)
    wanted = (header,) if isinstance(header, str) else header
    key = key or next(h for h in columns if h in wanted)
    out: dict[Any, dict[str, Any]] = {}
    for r in range(top + 1, ws.max_row + 1):
        values = {h: ws.cell(r, c).value for h, c in columns.items()}
        if all(v is None for v in values.values()):
            break
        out[values[key]] = values
    return out
