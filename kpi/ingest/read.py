"""The entry point: :func:`read_table` (stable interface ``kpi.load.read_table``) and
:func:`list_sheets`.


Pipeline (every step says what it guessed in ``LoadReport.notes``):

1. Size limit, magic bytes (gzip, Parquet ``PAR1``, zip/xlsx, OLE/xls, images/PDF rejected).
2. Text: encoding = override, else BOM (UTF-8/UTF-16), else strict UTF-8, else cp1252.
   The delimiter is sniffed among ``, ; TAB |`` on a sample cleaned of ``#`` and title lines.
3. The whole file is read by polars as a grid of String cells (no header, no type inference),
   so a type change after row 100 or a ragged row never stops the read.
4. Blocks of rows separated by blank or ``#`` lines are tables; the largest one is ``.frame``,
   the others are ``.extra_tables``. The header is the first row as wide as the table whose
   cells are mostly text; lines above it (titles, GA4 preambles) are skipped and reported.
5. Rows are kept or dropped with a reason (blank row, too many fields, totals row):
   ``rows_read == rows_kept + sum(dropped.values())`` always.
6. Each column is typed by :func:`kpi.formats.type_column` (numbers in any locale,
   percentages, dates, booleans, epoch timestamps in time-named columns), failures counted,
   never silently lost; wide tables are screened in one pass (:func:`kpi.formats.type_columns`).

Parquet and JSON (an array of records, newline-delimited JSON as BigQuery and Mixpanel export
it, or one object holding a list of records) keep their rows as they are: nested records are
flattened into dotted columns by :mod:`kpi.nested`, then text columns are typed as above. JSON
is checked for nesting depth and the number of distinct field names before any parser runs."""

from __future__ import annotations

from pathlib import Path

from kpi.errors import UnreadableFileError
from kpi.ingest.excel import _open_workbook, _read_excel
from kpi.ingest.records import _read_json, _read_parquet
from kpi.ingest.report import Table
from kpi.ingest.sniff import MAX_UPLOAD_MB, _gunzip, _read_source, _sniff_kind, _utf8_text_on_disk
from kpi.ingest.text import _read_text
from kpi.ingest.values import (
    ReadOptions,
)
from kpi.words import Fact


def read_table(
    source: bytes | str | Path,
    *,
    filename: str | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
    sheet: str | None = None,
    header_row: int | None = None,
    decimal: str | None = None,
    date_order: str | None = None,
    max_mb: float | None = MAX_UPLOAD_MB,
) -> Table:
    """Read a CSV/TSV/TXT (optionally .gz), XLSX/XLS/ODS or Parquet file into a typed table.

    Every keyword left at None is detected; ``header_row`` is the 0-based line (CSV) or row
    (sheet) of the header. ``max_mb=None`` lifts the size limit (command line, benchmarks).
    """
    if decimal not in (None, ",", "."):
        raise UnreadableFileError(
            Fact("ingest_errors.unknown_decimal", value=str(decimal)),
            Fact("ingest_errors.hint.choose", options=[",", "."]),
        )
    if date_order not in (None, "dmy", "mdy"):
        raise UnreadableFileError(
            Fact("ingest_errors.unknown_date_order", value=str(date_order)),
            Fact("ingest_errors.hint.choose", options=["dmy", "mdy"]),
        )
    if delimiter is not None and len(delimiter) != 1:
        raise UnreadableFileError(
            Fact("ingest_errors.separator_length", value=delimiter),
            Fact("ingest_errors.hint.choose", options=[",", ";", "\t", "|"]),
        )
    opts = ReadOptions(decimal=decimal, date_order=date_order)
    if encoding is None and isinstance(source, str | Path):
        on_disk = _utf8_text_on_disk(Path(source), filename, max_mb)
        if on_disk is not None:
            head, name, size = on_disk
            return _read_text(
                head,
                _sniff_kind(head, name)[1],
                encoding=None,
                delimiter=delimiter,
                header_row=header_row,
                opts=opts,
                on_disk=(Path(source), size),
            )
    data, name = _read_source(source, filename, max_mb)
    kind, fmt = _sniff_kind(data, name)
    if kind == "gzip":
        data = _gunzip(data, max_mb)
        inner_name = name[:-3] if name.lower().endswith(".gz") else name
        kind, inner = _sniff_kind(data, inner_name)
        fmt = f"{inner}.gz"
    if kind == "parquet":
        table = _read_parquet(data, fmt)
    elif kind == "json":
        table = _read_json(data, fmt, encoding=encoding)
    elif kind == "excel":
        table = _read_excel(data, fmt, sheet=sheet, header_row=header_row, opts=opts)
    else:
        table = _read_text(
            data, fmt, encoding=encoding, delimiter=delimiter, header_row=header_row, opts=opts
        )
    if table.report.rows_read == 0:
        columns = list(table.frame.columns[:6])
        raise UnreadableFileError(
            Fact("ingest_errors.header_only_sheet", sheet=table.report.sheet, columns=columns)
            if table.report.sheet
            else Fact("ingest_errors.header_only", file=name, columns=columns),
            Fact("ingest_errors.hint.export_with_data"),
        )
    return table


def list_sheets(source: bytes | str | Path) -> list[str]:
    """Sheet names of a workbook, in workbook order ([] for CSV and Parquet)."""
    data, name = _read_source(source, None, MAX_UPLOAD_MB)
    kind, fmt = _sniff_kind(data, name)
    if kind != "excel":
        return []
    return list(_open_workbook(data, fmt).sheet_names)
