"""Reading uploads (stable interface, DESIGN.md): :func:`read_table` and :func:`list_sheets`.

The reader lives in :mod:`kpi.ingest` (one concept per module: sniffing, text files, workbooks,
Parquet/JSON records, the grid of cells, values); this module keeps the names other modules
import from ``kpi.load``.
"""

from __future__ import annotations

from kpi.ingest.excel import MAX_UNZIPPED_BYTES, MAX_ZIP_ENTRIES, MAX_ZIP_RATIO
from kpi.ingest.grid import PARALLEL_TYPING_MIN_ROWS, TOTAL_LABEL, _row_flags, header_like
from kpi.ingest.read import list_sheets, read_table
from kpi.ingest.records import MAX_JSON_DEPTH, MAX_JSON_KEYS, _json_depth
from kpi.ingest.report import LoadReport, Table
from kpi.ingest.sniff import DELIMITERS, MAX_UPLOAD_MB, sniff_delimiter
from kpi.ingest.text import SHORT_ROW_CHECK_MAX_BYTES
from kpi.ingest.values import ColumnReport

__all__ = [
    "DELIMITERS",
    "MAX_JSON_DEPTH",
    "MAX_JSON_KEYS",
    "MAX_UNZIPPED_BYTES",
    "MAX_UPLOAD_MB",
    "MAX_ZIP_ENTRIES",
    "MAX_ZIP_RATIO",
    "PARALLEL_TYPING_MIN_ROWS",
    "SHORT_ROW_CHECK_MAX_BYTES",
    "TOTAL_LABEL",
    "ColumnReport",
    "LoadReport",
    "Table",
    "_json_depth",
    "_row_flags",
    "header_like",
    "list_sheets",
    "read_table",
    "sniff_delimiter",
]
