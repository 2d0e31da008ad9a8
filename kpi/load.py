"""Reading uploads: bytes or a path -> a typed polars table plus a report of what was understood.

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
is checked for nesting depth and the number of distinct field names before any parser runs.
"""

from __future__ import annotations

import contextlib
import csv
import gzip
import io
import re
import zipfile
import zlib
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import defusedxml.ElementTree as safe_xml
import polars as pl

from kpi.errors import UnreadableFileError
from kpi.formats import (
    ColumnReport,
    ReadOptions,
    Typed,
    looks_numeric,
    null_tokens_to_null,
    type_column,
    type_columns,
)
from kpi.nested import Flattened, flatten, is_key_value

MAX_UPLOAD_MB = 100
"""Largest file (and largest decompressed .gz) read, in MiB."""
MAX_ZIP_ENTRIES = 1000
MAX_UNZIPPED_BYTES = 200 * 2**20
MAX_ZIP_RATIO = 100
SHORT_ROW_CHECK_MAX_BYTES = 64 * 2**20
"""Rows with fewer fields than the header are counted on files up to this size."""

DELIMITERS = (",", ";", "\t", "|")
TOTAL_LABEL = re.compile(r"^\s*(grand\s+total|total|totals|totaux|gesamt|summe|sum|somme)\b", re.I)
_HEAD_BYTES = 256 * 1024
_MAGIC_REJECT = {
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"%PDF": "a PDF document",
    b"\x7fELF": "a program",
    b"Rar!": "a RAR archive",
    b"7z\xbc\xaf": "a 7-Zip archive",
}


@dataclass(frozen=True)
class LoadReport:
    """Everything the reader understood or guessed about one table (shown on the Data page)."""

    format: str
    encoding: str
    delimiter: str
    header_row: int | None
    rows_read: int
    rows_kept: int
    dropped: dict[str, int] = field(default_factory=dict)
    drop_examples: dict[str, list[str]] = field(default_factory=dict)
    columns: list[ColumnReport] = field(default_factory=list)
    ambiguous_dates: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    sheet: str | None = None
    flattened: dict[str, list[str]] = field(default_factory=dict)
    """Nested source column -> the columns read from it (device -> device.category, …)."""
    summarised: dict[str, str] = field(default_factory=dict)
    """List-of-records column -> the column summarising it (items -> items.count)."""

    @property
    def epoch_units(self) -> dict[str, str]:
        """Columns read from epoch numbers -> their unit ("s", "ms", "us" or "ns")."""
        return {c.name: c.epoch_unit for c in self.columns if c.epoch_unit}

    @property
    def currencies(self) -> tuple[str, ...]:
        """ISO 4217 codes of the currency symbols written in the file's amounts (``12,50 €``)."""
        return tuple(sorted({code for c in self.columns for code in c.currencies}))


@dataclass(frozen=True)
class Table:
    """A typed table, its report, other tables found in the same file, and the workbook sheets."""

    frame: pl.DataFrame
    report: LoadReport
    title: str = ""
    extra_tables: list[Table] = field(default_factory=list)
    sheets: list[str] = field(default_factory=list)


@dataclass
class _Context:
    format: str
    encoding: str
    delimiter: str
    options: ReadOptions
    notes: list[str]
    warnings: list[str]
    excel: bool = False
    sheet: str | None = None
    line_fields: Callable[[], pl.Series | None] | None = None  # field count per physical line
    _line_cache: list[pl.Series | None] = field(default_factory=list)

    def fields_per_line(self) -> pl.Series | None:
        if self.line_fields is None:
            return None
        if not self._line_cache:
            self._line_cache.append(self.line_fields())
        return self._line_cache[0]


# =========================================================================== public API


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
        raise UnreadableFileError(f"Unknown decimal mark {decimal!r}.", 'Choose "," or ".".')
    if date_order not in (None, "dmy", "mdy"):
        raise UnreadableFileError(f"Unknown date order {date_order!r}.", 'Choose "dmy" or "mdy".')
    if delimiter is not None and len(delimiter) != 1:
        raise UnreadableFileError(f"The separator must be one character, not {delimiter!r}.", "")
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
        where = f"The sheet '{table.report.sheet}'" if table.report.sheet else name or "The file"
        raise UnreadableFileError(
            f"{where} has a header ({', '.join(table.frame.columns[:6])}) but no rows of data.",
            "Export it again with its data, or check that the export's filters matched rows.",
        )
    return table


def list_sheets(source: bytes | str | Path) -> list[str]:
    """Sheet names of a workbook, in workbook order ([] for CSV and Parquet)."""
    data, name = _read_source(source, None, MAX_UPLOAD_MB)
    kind, fmt = _sniff_kind(data, name)
    if kind != "excel":
        return []
    return list(_open_workbook(data, fmt).sheet_names)


# =========================================================================== bytes and format


def _read_source(
    source: bytes | str | Path, filename: str | None, max_mb: float | None
) -> tuple[bytes, str]:
    limit = None if max_mb is None else int(max_mb * 2**20)
    if isinstance(source, bytes | bytearray | memoryview):
        data = bytes(source)
        name = filename or "upload"
    else:
        path = Path(source)
        name = filename or path.name
        try:
            size = path.stat().st_size
        except OSError as exc:
            raise UnreadableFileError(
                f"Cannot open {name}: {exc.strerror}.", "Check the path."
            ) from exc
        if limit is not None and size > limit:
            _too_large(name, size, max_mb)
        data = path.read_bytes()
    if limit is not None and len(data) > limit:
        _too_large(name, len(data), max_mb)
    if not data or (not data[:4096].strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe") and not data.strip()):
        raise UnreadableFileError(
            f"{name} is empty.", "Export the data again and check that the file has rows in it."
        )
    return data, name


def _utf8_text_on_disk(
    path: Path, filename: str | None, max_mb: float | None
) -> tuple[bytes, str, int] | None:
    """(head bytes, name, size) of a plain UTF-8 text file (no BOM, valid head), else None.

    Such a file is handed to polars by path (memory-mapped) instead of being copied into Python
    first; anything else (compressed, spreadsheet, UTF-16, BOM, not UTF-8, blank head, too
    large) goes through the general reader, which reports the problem.
    """
    name = filename or path.name
    try:
        size = path.stat().st_size
        if not path.is_file() or (max_mb is not None and size > int(max_mb * 2**20)):
            return None
        with path.open("rb") as f:
            head = f.read(_HEAD_BYTES)
    except OSError:
        return None
    if _sniff_kind(head, name)[0] != "text" or not head[:4096].strip(b" \t\r\n"):
        return None
    if _decode(head[:4096], None)[1] != "utf-8":
        return None
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if size <= _HEAD_BYTES or exc.start < len(head) - 4:
            return None
    return head, name, size


def _too_large(name: str, size: int, max_mb: float | None) -> None:
    raise UnreadableFileError(
        f"{name} is {size / 2**20:.0f} MB, more than the {max_mb:g} MB limit.",
        "Filter the export to a shorter period or fewer columns, or compress it as .csv.gz.",
    )


def _sniff_kind(data: bytes, name: str) -> tuple[str, str]:
    """(kind, format) from magic bytes first, then the extension."""
    ext = name.lower().rsplit(".", 1)[-1] if "." in name else ""
    head = data[:8]
    if head.startswith(b"\x1f\x8b"):
        return "gzip", "gz"
    if head.startswith(b"PAR1"):
        return "parquet", "parquet"
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return "excel", ext if ext in ("xlsx", "xlsm", "ods", "xlsb") else "xlsx"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "excel", "xls"
    for magic, what in _MAGIC_REJECT.items():
        if head.startswith(magic):
            raise UnreadableFileError(
                f"{name} is {what}, not a table.", "Upload the CSV, Excel or Parquet export itself."
            )
    if ext == "parquet":
        raise UnreadableFileError(
            f"{name} is not a valid Parquet file (it does not start with PAR1).",
            "Export it again, or upload it as CSV.",
        )
    if ext in ("xlsx", "xlsm", "xls", "ods"):
        raise UnreadableFileError(
            f"{name} is named .{ext} but is not a spreadsheet (it may be corrupted).",
            "Open it in Excel and save it again as .xlsx, or export it as CSV.",
        )
    if ext in JSON_EXTENSIONS or (ext not in TEXT_EXTENSIONS and _starts_like_json(data)):
        return "json", "ndjson" if ext in ("jsonl", "ndjson") else "json"
    return "text", ext if ext in ("tsv", "txt", "tab") else "csv"


JSON_EXTENSIONS = ("json", "jsonl", "ndjson")
TEXT_EXTENSIONS = ("csv", "tsv", "txt", "tab")


def _starts_like_json(data: bytes) -> bool:
    head = data[:64].lstrip(b"\xef\xbb\xbf \t\r\n")
    return head[:1] == b"{" or (head[:1] == b"[" and head[1:].lstrip()[:1] in (b"{", b"]"))


def _gunzip(data: bytes, max_mb: float | None) -> bytes:
    limit = None if max_mb is None else int(max_mb * 2**20)
    out = io.BytesIO()
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as gz:
            while chunk := gz.read(1 << 20):
                out.write(chunk)
                if limit is not None and out.tell() > limit:
                    raise UnreadableFileError(
                        f"The compressed file expands to more than {max_mb:g} MB.",
                        "Upload a smaller extract.",
                    )
    except (OSError, EOFError, zlib.error) as exc:
        raise UnreadableFileError(
            f"The .gz file is damaged ({exc}).",
            "Compress the file again, or upload it uncompressed.",
        ) from exc
    if not out.getvalue().strip():
        raise UnreadableFileError("The .gz file contains an empty file.", "Check the export.")
    return out.getvalue()


# =========================================================================== text files


def _decode(data: bytes, encoding: str | None) -> tuple[bytes, str, str | None]:
    """(UTF-8 bytes for polars, encoding name, note). Avoids decoding clean UTF-8 files."""
    if encoding:
        try:
            text = data.decode(encoding)
        except (LookupError, UnicodeDecodeError) as exc:
            raise UnreadableFileError(
                f"The file cannot be read as {encoding} ({exc}).", "Choose another encoding."
            ) from exc
        return (
            text.lstrip("\ufeff").encode("utf-8"),
            encoding,
            f"Encoding: {encoding} (as you chose)",
        )
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16", errors="replace")
        return (
            text.lstrip("\ufeff").encode("utf-8"),
            "utf-16",
            "Encoding: UTF-16 (byte order mark; Excel 'Unicode text')",
        )
    nul_even, nul_odd = data[:4096:2].count(0), data[1:4096:2].count(0)
    sample_len = max(1, len(data[:4096]) // 2)
    if nul_odd > 0.3 * sample_len and nul_even < 0.05 * sample_len:
        return (
            data.decode("utf-16-le", errors="replace").encode("utf-8"),
            "utf-16-le",
            "Encoding: UTF-16 LE (no byte order mark)",
        )
    if nul_even > 0.3 * sample_len and nul_odd < 0.05 * sample_len:
        return (
            data.decode("utf-16-be", errors="replace").encode("utf-8"),
            "utf-16-be",
            "Encoding: UTF-16 BE (no byte order mark)",
        )
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:], "utf-8-sig", "Encoding: UTF-8 with byte order mark"
    return data, "utf-8", None  # validated by polars; cp1252 fallback on error


def _fallback_8bit(data: bytes) -> tuple[bytes, str, str]:
    try:
        return data.decode("cp1252").encode("utf-8"), "cp1252", "Encoding: cp1252 (not valid UTF-8)"
    except UnicodeDecodeError:
        return (
            data.decode("latin-1").encode("utf-8"),
            "latin-1",
            "Encoding: latin-1 (neither UTF-8 nor cp1252)",
        )


def _check_binary(head: str, name_hint: str = "The file") -> None:
    if not head:
        return
    controls = len(re.findall(r"[\x00-\x08\x0e-\x1f]", head))
    if controls > 0.01 * len(head) or "\x00" in head[:1024]:
        raise UnreadableFileError(
            f"{name_hint} looks binary (it contains control bytes), not a text table.",
            "Upload the CSV, Excel or Parquet export itself, not an archive or a renamed file.",
        )


def _clean_sample_lines(head: str) -> list[str]:
    lines = head.splitlines()
    return [ln for ln in lines if ln.strip() and not ln.lstrip().startswith("#")][:400]


def _field_counts(lines: list[str], d: str) -> list[int]:
    return [len(row) for row in csv.reader(lines, delimiter=d)]


def sniff_delimiter(lines: list[str]) -> tuple[str, str | None]:
    """Delimiter among , ; TAB | : csv.Sniffer on the cleaned sample, checked by consistency.

    Consistency score = number of lines whose field count equals the modal count (> 1).
    """
    if not lines:
        return ",", None
    scores = {}
    for d in DELIMITERS:
        counts = [c for c in _field_counts(lines, d) if c > 1]
        if counts:
            mode, freq = Counter(counts).most_common(1)[0]
            scores[d] = (freq, mode)
    if not scores:
        return ",", "No separator found: the file has a single column."
    best = max(scores, key=lambda d: (scores[d][0], scores[d][1], -DELIMITERS.index(d)))
    with contextlib.suppress(csv.Error):
        sniffed = (
            csv.Sniffer().sniff("\n".join(lines[:100]), delimiters="".join(DELIMITERS)).delimiter
        )
        if sniffed in scores and scores[sniffed][0] >= scores[best][0]:
            best = sniffed
    return best, None


def _read_text(
    data: bytes,
    fmt: str,
    *,
    encoding: str | None,
    delimiter: str | None,
    header_row: int | None,
    opts: ReadOptions,
    on_disk: tuple[Path, int] | None = None,
) -> Table:
    """``on_disk=(path, size)``: ``data`` is the file's head, already checked to be UTF-8."""
    notes: list[str] = []
    warnings: list[str] = []
    utf8: bytes | Path
    if on_disk is None:
        utf8, enc, note = _decode(data, encoding)
        source: bytes | Path = data
        size = len(utf8)
    else:
        (utf8, size), enc, note = on_disk, "utf-8", None
        source = utf8
    head_bytes = (utf8 if on_disk is None else data)[:_HEAD_BYTES]
    try:
        head = head_bytes.decode("utf-8")
    except UnicodeDecodeError as exc:
        if enc == "utf-8" and exc.start < len(head_bytes) - 4:
            utf8, enc, note = _fallback_8bit(data)
            head = utf8[:_HEAD_BYTES].decode("utf-8", errors="ignore")
        else:
            head = head_bytes.decode("utf-8", errors="ignore")
    _check_binary(head)
    if not head.strip():
        raise UnreadableFileError("The file is empty (only blank space).", "Export the data again.")
    if size > _HEAD_BYTES:
        head = head[: head.rfind("\n") + 1] or head
    lines = _clean_sample_lines(head)
    if delimiter:
        d = delimiter
        notes.append(f"Separator: {_show(d)} (as you chose)")
    else:
        d, single = sniff_delimiter(lines)
        notes.append(single if single else f"Separator: {_show(d)} (detected)")
    width = max(_field_counts(lines, d) or [1]) + 1
    european = d == ";" or bool(
        re.search(r"\d,\d{1,2}(?:\s*[%€])?\s*(?:;|\t|$)", head, re.M) and d != ","
    )
    options = ReadOptions(opts.decimal, opts.date_order, european_hint=european)
    grid, utf8, enc, note = _grid_from_csv(utf8, source, enc, note, d, width, notes)
    if isinstance(utf8, bytes):
        size = len(utf8)
    if note:
        notes.insert(0, note)
    elif enc == "utf-8":
        notes.insert(0, "Encoding: UTF-8")
    if fmt == "csv" and d == "\t":
        fmt = "tsv"
    ctx = _Context(
        format=fmt,
        encoding=enc,
        delimiter=d,
        options=options,
        notes=notes,
        warnings=warnings,
    )
    if size <= SHORT_ROW_CHECK_MAX_BYTES:
        text = utf8
        ctx.line_fields = lambda: _line_field_counts(text, d, grid.height)
    return _tables_from_grid(grid, ctx, header_row=header_row)


def _show(d: str) -> str:
    return {"\t": "tab", ",": "comma (,)", ";": "semicolon (;)", "|": "pipe (|)"}.get(d, repr(d))


def _grid_from_csv(
    utf8: bytes | Path,
    original: bytes | Path,
    enc: str,
    note: str | None,
    d: str,
    width: int,
    notes: list[str],
) -> tuple[pl.DataFrame, bytes | Path, str, str | None]:
    schema = {f"c{i}": pl.String for i in range(width)}
    kwargs = dict(
        has_header=False,
        separator=d,
        infer_schema=False,
        schema=schema,
        missing_columns="insert",
        truncate_ragged_lines=True,
        raise_if_empty=False,
    )
    for attempt in range(3):
        try:
            return pl.read_csv(utf8, **kwargs), utf8, enc, note  # type: ignore[arg-type]
        except pl.exceptions.ComputeError as exc:
            message = str(exc).lower()
            if "utf-8" in message or "utf8" in message:
                if enc != "utf-8" or attempt:
                    raise UnreadableFileError(
                        "The file mixes text encodings and cannot be decoded.",
                        "Save it again as UTF-8 CSV.",
                    ) from exc
                utf8, enc, note = _fallback_8bit(
                    original if isinstance(original, bytes) else original.read_bytes()
                )
                continue
            if kwargs.get("quote_char", '"') is None:
                raise UnreadableFileError(
                    f"The file cannot be read as a table ({exc}).", "Check the export."
                ) from exc
            kwargs["quote_char"] = None
            notes.append("Quotes were unbalanced, so quote characters were read as ordinary text.")
    raise UnreadableFileError("The file cannot be read as a table.", "Save it again as UTF-8 CSV.")


def _physical_lines(utf8: bytes | Path) -> pl.Series:
    """The file's physical lines as one text column (no quoting, no splitting into fields)."""
    return pl.read_csv(
        utf8,
        has_header=False,
        separator="\x1f",
        quote_char=None,
        infer_schema=False,
        schema={"line": pl.String},
        truncate_ragged_lines=True,
        raise_if_empty=False,
    )["line"]


def _line_field_counts(utf8: bytes | Path, d: str, expected: int) -> pl.Series | None:
    """Field count of each physical line (quoted parts removed), when lines map 1:1 to rows."""
    try:
        lines = _physical_lines(utf8)
    except pl.exceptions.PolarsError:
        return None
    if lines.len() != expected:
        return None
    counts = lines.str.replace_all(r'"[^"]*"', "").str.count_matches(d, literal=True) + 1
    return counts.fill_null(0)


# =========================================================================== Excel


def _preflight_zip(data: bytes, fmt: str) -> None:
    """Reject zip bombs and XML entity tricks before any spreadsheet parser sees the file."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise UnreadableFileError(
            f"The .{fmt} file is damaged (not a valid zip container).",
            "Open it in Excel and save it again, or export the sheet as CSV.",
        ) from exc
    total = sum(i.file_size for i in infos)
    packed = sum(i.compress_size for i in infos) or 1
    if len(infos) > MAX_ZIP_ENTRIES or total > MAX_UNZIPPED_BYTES or total / packed > MAX_ZIP_RATIO:
        raise UnreadableFileError(
            f"The workbook would expand to {total / 2**20:,.0f} MB in {len(infos)} parts "
            f"({total / packed:,.0f}x its size); it was not opened to protect the app.",
            "Export the sheet you need as CSV and upload that instead.",
        )
    names = {i.filename for i in infos}
    if not ({"xl/workbook.xml", "xl/workbook.bin", "content.xml"} & names):
        raise UnreadableFileError(
            "This is a zip archive, not an Excel workbook.",
            "Unzip it and upload the CSV or XLSX inside.",
        )
    for info in infos:
        if info.filename.endswith((".xml", ".rels")):
            with archive.open(info) as member:
                head = member.read(65536)
            if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                raise UnreadableFileError(
                    "The workbook contains XML entity declarations (a known attack), so it was not opened.",
                    "Save it again from Excel, or export the sheet as CSV.",
                )
    if "xl/workbook.xml" in names:
        try:
            safe_xml.fromstring(archive.read("xl/workbook.xml"))
        except Exception as exc:
            raise UnreadableFileError(
                "The workbook's structure is invalid or unsafe, so it was not opened.",
                "Save it again from Excel, or export the sheet as CSV.",
            ) from exc


def _open_workbook(data: bytes, fmt: str):  # -> fastexcel.ExcelReader
    import fastexcel

    if fmt != "xls":
        _preflight_zip(data, fmt)
    try:
        return fastexcel.read_excel(data)
    except Exception as exc:
        raise UnreadableFileError(
            f"The .{fmt} file cannot be opened ({str(exc).splitlines()[0][:200]}).",
            "Open it in Excel and save it again as .xlsx, or export the sheet as CSV.",
        ) from exc


def _read_excel(
    data: bytes, fmt: str, *, sheet: str | None, header_row: int | None, opts: ReadOptions
) -> Table:
    reader = _open_workbook(data, fmt)
    names = list(reader.sheet_names)
    if sheet is not None and sheet not in names:
        raise UnreadableFileError(
            f"There is no sheet named {sheet!r}.", f"Sheets: {', '.join(names)}."
        )
    grids: dict[str, pl.DataFrame] = {}
    sizes: dict[str, int] = {}
    for name in [sheet] if sheet else names:
        try:
            frame = reader.load_sheet(name, header_row=None, dtypes="string").to_polars()
        except Exception:
            frame = pl.DataFrame()
        frame = frame.rename({c: f"c{i}" for i, c in enumerate(frame.columns)})
        frame = frame.with_columns(pl.col(c).cast(pl.String) for c in frame.columns)
        grids[name] = frame
        sizes[name] = sum(frame[c].is_not_null().sum() for c in frame.columns) if frame.width else 0
    notes: list[str] = []
    if fmt == "xlsm":
        notes.append("Macros in this workbook were ignored (only cell values are read).")
    if sheet:
        chosen = sheet
        notes.append(f"Sheet: {sheet!r} (as you chose)")
    else:
        chosen = max(names, key=lambda n: sizes.get(n, 0))
        others = [f"{n!r} ({sizes[n]} cells)" for n in names if n != chosen]
        notes.append(
            f"Sheet: {chosen!r}, the largest"
            + (f"; other sheets: {', '.join(others)}" if others else "")
        )
    grid = grids[chosen]
    if grid.width == 0 or sizes[chosen] == 0:
        raise UnreadableFileError(
            f"The sheet {chosen!r} is empty.", "Choose another sheet or check the workbook."
        )
    ctx = _Context(
        format=fmt,
        encoding="binary (spreadsheet)",
        delimiter="",
        options=ReadOptions(opts.decimal, opts.date_order, from_excel=True),
        notes=notes,
        warnings=[],
        excel=True,
        sheet=chosen,
    )
    table = _tables_from_grid(grid, ctx, header_row=header_row)
    return Table(table.frame, table.report, table.title, table.extra_tables, names)


# =========================================================================== Parquet


def _read_parquet(data: bytes, fmt: str) -> Table:
    try:
        frame = pl.read_parquet(io.BytesIO(data))
    except Exception as exc:
        raise UnreadableFileError(
            f"The Parquet file is damaged or incomplete ({str(exc).splitlines()[0][:160]}).",
            "Export it again, or upload it as CSV.",
        ) from exc
    return _typed_records(
        frame, fmt, "binary (Parquet)", ["Parquet: column types taken from the file"]
    )


# =========================================================================== JSON

MAX_JSON_DEPTH = 64
"""JSON nested deeper than this is refused before any parser sees it (a known attack)."""
_JSON_CHUNK = 8 * 2**20


def _json_depth(data: bytes, limit: int) -> int:
    """Deepest nesting of ``[`` and ``{`` outside strings (stops counting once over ``limit``).

    Vectorised: escaped backslashes and quotes are removed; of the remaining bytes only quotes
    and brackets are kept; the running count of quotes says which brackets sit inside strings,
    and the running sum of the others (+1 opening, -1 closing) is the depth. Chunk by chunk,
    so a 100 MB file needs a few hundred MB at most (about 0.5 s for 40 MB).
    """
    import numpy as np

    clean = data.replace(b"\\\\", b"").replace(b'\\"', b"")
    code = np.zeros(256, dtype=np.int8)
    code[ord("[")] = code[ord("{")] = 1
    code[ord("]")] = code[ord("}")] = -1
    code[ord('"')] = 2
    depth = inside = deepest = 0
    for start in range(0, len(clean), _JSON_CHUNK):
        chunk = np.frombuffer(
            clean, dtype=np.uint8, count=min(_JSON_CHUNK, len(clean) - start), offset=start
        )
        codes = code[chunk]
        codes = codes[np.flatnonzero(codes)]
        quote = codes == 2
        in_string = ((np.cumsum(quote, dtype=np.int64) + inside) & 1) == 1
        running = np.cumsum(np.where(quote | in_string, 0, codes), dtype=np.int64) + depth
        if running.size:
            deepest = max(deepest, int(running.max()))
            depth, inside = int(running[-1]), int(in_string[-1])
        if deepest > limit:
            break
    return deepest


MAX_JSON_KEYS = 20_000
"""A JSON file with more distinct field names than this is refused before parsing."""


def _json_key_count(utf8: bytes) -> int:
    """How many different field names ("name": ...) the file holds, counted without parsing it.

    Each distinct name becomes a column (polars gives a 20,000-name file 20,000 columns and
    takes ~20 s to do it), so this bounds the work before any parser runs. Vectorised: the
    text is split in lines and the quoted names before a colon are extracted by polars.
    """
    lines = _physical_lines(utf8)
    names = lines.str.extract_all(r'"(?:[^"\\]|\\.){0,300}"\s*:').explode().drop_nulls()
    return names.n_unique()


def _read_json(data: bytes, fmt: str, *, encoding: str | None) -> Table:
    """A JSON array of records, newline-delimited JSON (BigQuery, Mixpanel) or one object."""
    utf8, enc, note = _decode(data, encoding)
    try:
        utf8.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UnreadableFileError(
            f"The JSON file is not valid UTF-8 text (byte {exc.start}).",
            "JSON is always UTF-8: export it again, or save it as UTF-8.",
        ) from exc
    _check_binary(utf8[:4096].decode("utf-8", errors="ignore"), "The JSON file")
    depth = _json_depth(utf8, MAX_JSON_DEPTH)
    if depth > MAX_JSON_DEPTH:
        raise UnreadableFileError(
            f"The JSON file is nested more than {MAX_JSON_DEPTH} levels deep, so it was not "
            "opened (exports of events are a few levels deep).",
            "Export the records as newline-delimited JSON or CSV.",
        )
    keys = _json_key_count(utf8)
    if keys > MAX_JSON_KEYS:
        raise UnreadableFileError(
            f"The JSON file uses {keys:,} different field names (more than {MAX_JSON_KEYS:,}), "
            "so it was not opened: every name would become a column.",
            "Export the records with a fixed set of fields (or as CSV) and upload again.",
        )
    body = utf8.lstrip()
    notes = [note or "Encoding: UTF-8"]
    if body[:1] == b"[":
        shape = "JSON array of records"
        frame = _parse_json(lambda: pl.read_json(io.BytesIO(body), infer_schema_length=None), body)
        if (frame.width == 1 and frame.columns[0] in ("", "column_0")) or not frame.width:
            raise UnreadableFileError(
                "The JSON array does not hold records (objects with named fields).",
                'Export the table as records: [{"column": value, …}, …] or one object a line.',
            )
    elif body[:1] == b"{":
        frame, shape = _parse_json_objects(body)
    else:
        raise UnreadableFileError(
            "The file is named .json but does not hold JSON records.",
            "Upload the export itself (JSON, newline-delimited JSON, CSV or Parquet).",
        )
    notes.append(f"JSON: {shape}")
    return _typed_records(frame, fmt, enc, notes)


def _parse_json_objects(body: bytes) -> tuple[pl.DataFrame, str]:
    """One object a line (NDJSON), or a single object (possibly holding a list of records)."""
    first_line = body.split(b"\n", 1)[0].strip()
    one_line_object = first_line.endswith(b"}")
    if one_line_object:
        frame = _parse_json(
            lambda: pl.read_ndjson(io.BytesIO(body), infer_schema_length=None), body, ndjson=True
        )
        if frame.height == 1:
            records = _records_inside(frame)
            if records is not None:
                return records
        return frame, "newline-delimited, one record a line"
    frame = _parse_json(lambda: pl.read_json(io.BytesIO(body), infer_schema_length=None), body)
    records = _records_inside(frame)
    return records if records is not None else (frame, "a single record")


def _records_inside(frame: pl.DataFrame) -> tuple[pl.DataFrame, str] | None:
    """{"data": [{…}, {…}]}: the one field that is a list of records, one row each."""
    lists = [
        c
        for c, t in frame.schema.items()
        if isinstance(t, pl.List) and isinstance(t.inner, pl.Struct) and not is_key_value(t.inner)
    ]
    if frame.height != 1 or len(lists) != 1:
        return None
    inner = frame.select(pl.col(lists[0]).explode()).unnest(lists[0])
    return inner, f"the records listed under {lists[0]!r}"


def _parse_json(
    read: Callable[[], pl.DataFrame], body: bytes, *, ndjson: bool = False
) -> pl.DataFrame:
    try:
        return read()
    except (Exception, pl.exceptions.PanicException) as exc:  # polars errors, or panics
        where = _first_json_error(body, ndjson)
        detail = str(exc).splitlines()[0][:120] if str(exc) else type(exc).__name__
        if where is None:  # valid JSON that polars cannot put in one table
            raise UnreadableFileError(
                "The JSON records cannot be put in one table: a field changes shape between "
                f"records (a record in some, a plain value or a list in others; {detail}).",
                "Export the records with one shape per field, or as CSV.",
            ) from exc
        raise UnreadableFileError(
            f"The file is not valid JSON{where} ({detail}).",
            "Export it again; JSON records are one object a line, or an array of objects.",
        ) from exc


def _first_json_error(body: bytes, ndjson: bool) -> str | None:
    """' (line 12)': where the JSON is broken ('' when unknown); None when it is valid JSON."""
    import json

    if ndjson:
        for number, line in enumerate(body.splitlines()[:1_000_000], start=1):
            if not line.strip():
                continue
            try:
                json.loads(line)
            except (ValueError, RecursionError):
                return f" (line {number})"
        return None
    try:
        json.loads(body)
    except json.JSONDecodeError as exc:
        return f" (line {exc.lineno}, column {exc.colno})"
    except (ValueError, RecursionError):
        return ""
    return None


def _typed_records(frame: pl.DataFrame, fmt: str, encoding: str, notes: list[str]) -> Table:
    """Parquet or JSON: nested records flattened, text cells typed, epoch numbers as dates."""
    try:
        frame, flat = flatten(frame)
    except (pl.exceptions.PolarsError, pl.exceptions.PanicException) as exc:
        raise UnreadableFileError(
            f"The nested records could not be read as columns ({str(exc).splitlines()[0][:120]}).",
            "Export the fields you need as flat columns (or as CSV) and upload again.",
        ) from exc
    if frame.width == 0:
        raise UnreadableFileError(
            "The records have no fields (every record is empty).",
            "Export the records with their fields, or upload the CSV export.",
        )
    notes = [*notes, *_flatten_notes(flat)]
    warnings: list[str] = []
    frame = frame.with_columns(
        null_tokens_to_null(pl.col(c)).alias(c) if t == pl.String else pl.col(c).cast(pl.String)
        for c, t in frame.schema.items()
        if t in (pl.String, pl.Null)
    )
    typed = _type_columns(frame, ReadOptions())
    ctx = _Context(fmt, encoding, "", ReadOptions(), notes, warnings)
    out, reports, ambiguous = _apply_types(frame, typed, ctx)
    report = LoadReport(
        format=fmt,
        encoding=encoding,
        delimiter="",
        header_row=None,
        rows_read=out.height,
        rows_kept=out.height,
        columns=reports,
        ambiguous_dates=ambiguous,
        notes=notes,
        warnings=warnings,
        flattened={**flat.records, **flat.key_values},
        summarised=dict(flat.summarised),
    )
    return Table(out, report)


def _flatten_notes(flat: Flattened) -> list[str]:
    notes = []
    for name, cols in flat.records.items():
        notes.append(
            f"{name}: a record, read as {len(cols)} columns ({', '.join(cols[:4])}{', …' if len(cols) > 4 else ''})"
        )
    for name, cols in flat.key_values.items():
        notes.append(
            f"{name}: key/value list, one column per key ({', '.join(cols[:6])}{', …' if len(cols) > 6 else ''})"
        )
    for name, col in flat.summarised.items():
        notes.append(
            f"{name}: a list of records per row, summarised as {col} (how many); not expanded, so one row per record of the file is kept"
        )
    for name in flat.joined:
        notes.append(f"{name}: a list per row, read as text joined with ', '")
    for name in flat.as_json:
        notes.append(f"{name}: nested too deep, kept as JSON text")
    return notes


# =========================================================================== tables in a grid


@dataclass
class _Block:
    start: int
    end: int  # inclusive
    rows: int  # non-blank rows
    width: int
    max_width: int
    comments_before: int
    title: str = ""


def _row_flags(grid: pl.DataFrame) -> pl.DataFrame:
    # polars reads empty fields as null; whitespace-only cells are checked on 1-field rows only
    n_fields = pl.max_horizontal(
        [
            pl.when(pl.col(c).is_not_null()).then(i + 1).otherwise(0)
            for i, c in enumerate(grid.columns)
        ]
    )
    c0 = grid["c0"]
    n_fields = grid.select(n_fields.alias("n_fields"))["n_fields"]
    # regexes only on the few cells that can match (a full-column regex costs ~20 ns a cell)
    comment = c0.str.starts_with("#").fill_null(False)
    # a comment after leading spaces starts with a control/space (< "!") or non-ASCII character:
    # string comparisons are cheap, so only those cells go through the regex
    indented = (((c0 < "!") | (c0 >= "\u0080")).fill_null(False) & ~comment).arg_true()
    if indented.len():
        comment = comment.scatter(
            indented, c0.gather(indented).str.contains(r"^\s+#").fill_null(False)
        )
    if comment.any():
        comment = comment & ~_hash_data_rows(grid, comment, n_fields)
    single = (n_fields == 1).arg_true()
    if single.len():
        spaces = c0.gather(single).str.contains(r"^\s*$").fill_null(False)
        n_fields = n_fields.scatter(single.filter(spaces), 0)
    return pl.DataFrame({"n_fields": n_fields, "comment": comment}).with_columns(
        blank=pl.col("n_fields") == 0
    )


_HASH_VALUE = r"^\s*#[^\s#\-=*_~]"
"""A first cell like '#1001' or '#SH-1001' (an order name), unlike GA4's '# Title' or '# ----'."""


def _hash_data_rows(grid: pl.DataFrame, comment: pl.Series, n_fields: pl.Series) -> pl.Series:
    """Rows starting with '#' that are data, not comments (mask over all rows).

    GA4 writes comments as lines of one cell: '# Title', '# Start date: 20240101', '# ----'.
    A Shopify line item starts with its order name ('#1001') and holds other cells, however
    many of its fields are empty (once such rows exist, a bare '#1003' is a name too); a row as
    wide as the table is data too.
    """
    idx = comment.arg_true()
    c0 = grid["c0"].gather(idx)
    value_like = c0.str.contains(_HASH_VALUE).fill_null(False)
    others_filled = (
        grid.select(
            pl.sum_horizontal(pl.col(c).gather(idx).is_not_null() for c in grid.columns[1:])
        ).to_series()
        if grid.width > 1
        else pl.repeat(0, idx.len(), eager=True)
    )
    data = value_like & (others_filled >= 1)
    if data.any():  # the first column holds '#1001' names: a bare '#1003' is one of them
        data = value_like
    rest = n_fields.filter(~comment & (n_fields > 0)).head(10_000)
    if rest.len():
        width = int(rest.mode().max() or 0)
        data = data | (n_fields.gather(idx) >= max(3, 0.75 * width))
    return pl.repeat(False, grid.height, eager=True).scatter(idx.filter(data), True)


def header_like(cells: list[str | None], width: int) -> bool:
    """A header row: at least half of its cells filled, and at most 20 % of them numbers or dates."""
    values = [c.strip() for c in cells[:width] if c is not None and c.strip()]
    if not values or len(values) < max(1, 0.5 * width):
        return False
    numeric = sum(looks_numeric(v) for v in values)
    return numeric <= 0.2 * len(values)


def _find_blocks(grid: pl.DataFrame, flags: pl.DataFrame) -> list[_Block]:
    sep = flags["blank"] | flags["comment"]
    if not sep.any():  # one clean table (the common case): skip the per-run group-by
        fields = flags["n_fields"]
        width = int(fields.head(10_000).mode().max())
        return [_Block(0, grid.height - 1, grid.height, width, int(fields.max()), 0)]
    run = (sep != sep.shift(1)).fill_null(True).cum_sum()
    comment_cum = flags["comment"].cast(pl.Int64).cum_sum()
    frame = pl.DataFrame(
        {
            "run": run,
            "sep": sep,
            "n_fields": flags["n_fields"],
            "idx": pl.int_range(0, grid.height, eager=True),
            "cc": comment_cum,
        }
    ).filter(~pl.col("sep"))
    runs = (
        frame.group_by("run")
        .agg(
            start=pl.col("idx").min(),
            end=pl.col("idx").max(),
            rows=pl.len(),
            width=pl.col("n_fields").mode().max(),
            max_width=pl.col("n_fields").max(),
            cc=pl.col("cc").first(),
        )
        .sort("start")
    )
    blocks: list[_Block] = []
    many = runs.height > 2000
    for r in runs.iter_rows(named=True):
        comments_before = r["cc"]
        prev = blocks[-1] if blocks else None
        if prev is not None:
            gap_comment = comment_cum[r["start"]] > comment_cum[prev.end]
            if not gap_comment and (
                many or not header_like(list(grid.row(r["start"])), prev.width)
            ):
                prev.end, prev.rows = r["end"], prev.rows + r["rows"]
                prev.max_width = max(prev.max_width, r["max_width"])
                continue
        blocks.append(
            _Block(r["start"], r["end"], r["rows"], r["width"], r["max_width"], comments_before)
        )
    for b in blocks:
        above = grid.slice(max(0, b.start - 12), min(12, b.start))["c0"].drop_nulls().to_list()
        titled = [
            t.strip().lstrip("#").strip(" -=") for t in above if t.strip().lstrip("#").strip(" -=")
        ]
        b.title = titled[-1] if titled else ""
    return blocks


def _tables_from_grid(grid: pl.DataFrame, ctx: _Context, *, header_row: int | None) -> Table:
    flags = _row_flags(grid)
    if header_row is not None:
        if not 0 <= header_row < grid.height:
            raise UnreadableFileError(
                f"Header row {header_row} is outside the file ({grid.height} lines).",
                "Choose another header row.",
            )
        sep_after = flags["comment"].slice(header_row).arg_true()
        end = header_row + int(sep_after[0]) - 1 if sep_after.len() else grid.height - 1
        width = int(
            flags["n_fields"].slice(header_row, min(1000, end - header_row + 1)).mode().max() or 1
        )
        block = _Block(header_row, end, end - header_row + 1, width, width, 0)
        main = _build_table(grid, flags, block, ctx, forced_header=header_row)
        ctx.notes.append(f"Header: line {header_row} (as you chose)")
        return main
    blocks = _find_blocks(grid, flags)
    if not blocks:
        raise UnreadableFileError("The file has no rows of data.", "Export the data again.")
    tables = (
        [b for b in blocks if b.width >= 2 and b.rows >= 2]
        or [b for b in blocks if b.rows >= 2]
        or blocks
    )
    main_block = max(tables, key=lambda b: b.rows)
    others = [b for b in tables if b is not main_block]
    skipped_comments = int(flags["comment"].slice(0, main_block.start).sum())
    if skipped_comments:
        ctx.notes.append(f"Skipped GA4 comment preamble ({skipped_comments} lines starting with #)")
    if others:
        ctx.notes.append(
            f"Found {len(tables)} tables; using the largest ({main_block.rows - 1} rows"
            + (f", '{main_block.title}'" if main_block.title else "")
            + f"); the others are listed separately: {', '.join(repr(b.title or 'untitled') for b in others)}"
        )
    main = _build_table(grid, flags, main_block, ctx, forced_header=None)
    extra = []
    for b in others:
        sub_ctx = _Context(
            ctx.format,
            ctx.encoding,
            ctx.delimiter,
            ctx.options,
            [],
            [],
            ctx.excel,
            ctx.sheet,
            ctx.line_fields,
        )
        with contextlib.suppress(UnreadableFileError):
            extra.append(_build_table(grid, flags, b, sub_ctx, forced_header=None))
    return Table(main.frame, main.report, main.title, extra)


def _column_names(cells: list[str | None], width: int, notes: list[str]) -> list[str]:
    names: list[str] = []
    seen: Counter[str] = Counter()
    duplicated = []
    for i in range(width):
        raw = (cells[i] if i < len(cells) else None) or ""
        name = raw.strip().lstrip("\ufeff")
        if not name:
            name = "index" if i == 0 else f"column_{i + 1}"
            notes.append(
                "The first column had no name (an exported row index); it is called 'index'"
                if i == 0
                else f"Column {i + 1} had no name; it is called '{name}'"
            )
        seen[name] += 1
        if seen[name] > 1:
            duplicated.append(name)
            candidate = f"{name}_{seen[name]}"
            while candidate in seen:
                seen[name] += 1
                candidate = f"{name}_{seen[name]}"
            seen[candidate] += 1
            name = candidate
        names.append(name)
    if duplicated:
        notes.append(
            f"Duplicate column names renamed with a suffix: {', '.join(sorted(set(duplicated)))}"
        )
    return names


def _build_table(
    grid: pl.DataFrame,
    flags: pl.DataFrame,
    block: _Block,
    ctx: _Context,
    *,
    forced_header: int | None,
) -> Table:
    notes, warnings = ctx.notes, ctx.warnings
    width = block.max_width if ctx.excel else block.width
    scan = grid.slice(block.start, min(30, block.end - block.start + 1))
    scan_fields = flags["n_fields"].slice(block.start, scan.height).to_list()
    header: int | None
    if forced_header is not None:
        header = forced_header
    else:
        header = None
        for offset, row in enumerate(scan.iter_rows()):
            if scan_fields[offset] >= 0.75 * block.width and header_like(list(row), width):
                header = block.start + offset
                break
        if header is None:
            first_wide = next((o for o, n in enumerate(scan_fields) if n >= block.width), 0)
            row = [
                c for c in grid.row(block.start + first_wide)[:width] if c is not None and c.strip()
            ]
            if row and all(looks_numeric(c) for c in row):
                header = None
                warnings.append(
                    "No header row found (the first row holds only numbers); columns are named "
                    "column_1, column_2, … Rename them or choose the header row."
                )
                body_start = block.start + first_wide
            else:
                header = block.start + first_wide
    if header is not None and not ctx.excel:
        # sparse trailing columns (empty on most rows) make the modal width too small: the
        # header line says how many columns the table really has
        width = max(width, min(int(flags["n_fields"][header]), grid.width))
    if header is not None:
        body_start = header + 1
        titles = header - block.start if forced_header is None else 0
        title_lines = (
            int((~flags["blank"] & ~flags["comment"]).slice(0, block.start).sum())
            if block.start
            else 0
        )
        if titles or title_lines:
            notes.append(
                f"Skipped {titles + title_lines} title line{'s' if titles + title_lines > 1 else ''} above the header"
            )
        header_cells = list(grid.row(header))
        names = _column_names(header_cells, width, notes)
    else:
        names = [f"column_{i + 1}" for i in range(width)]
    if width == 1:
        warnings.append(
            "Only one column was found. If the file has more, choose the separator (comma, semicolon, tab, pipe)."
        )
    body = grid.slice(body_start, max(0, block.end - body_start + 1))
    body_flags = flags.slice(body_start, body.height)
    rows_read = body.height
    cols = grid.columns[:width]
    frame = body.select(
        null_tokens_to_null(pl.col(c)).alias(n) for c, n in zip(cols, names, strict=True)
    )
    all_null = pl.all_horizontal(pl.col(n).is_null() for n in names) if names else pl.lit(True)
    too_many = (
        body_flags["n_fields"] > width
        if not ctx.excel
        else pl.repeat(False, body.height, eager=True)
    )
    reason = frame.select(
        pl.when(all_null)
        .then(pl.lit("blank row"))
        .when(pl.lit(too_many))
        .then(pl.lit("too many fields"))
        .otherwise(None)
        .alias("r")
    )["r"]
    # totals row: the last non-dropped row, labelled Total/Totaux/Gesamt/Sum in its first cells
    alive = reason.is_null().arg_true()
    if alive.len() >= 2:
        last = int(alive[-1])
        first_cells = [v for v in frame.row(last)[:2] if isinstance(v, str)]
        if any(TOTAL_LABEL.match(v) for v in first_cells):
            reason = reason.scatter(last, "totals row")
    maybe_short = ((body_flags["n_fields"] < width) & reason.is_null()).any()
    line_fields = ctx.fields_per_line() if maybe_short and not ctx.excel else None
    if line_fields is not None:
        short = ((line_fields.slice(body_start, body.height) < width) & reason.is_null()).sum()
        if short:
            warnings.append(
                f"{short} rows had fewer fields than the header; their missing cells are empty."
            )
    kept = frame.filter(reason.is_null())
    kept, reports, ambiguous = _apply_types(kept, _type_columns(kept, ctx.options), ctx)
    kept, reason = _drop_sum_row(kept, reason)
    dropped = (
        {k: int(v) for k, v in Counter(reason.drop_nulls().to_list()).items()}
        if reason.null_count() < reason.len()
        else {}
    )
    examples: dict[str, list[str]] = {}
    if dropped:
        raw_text = body.select(
            pl.concat_str(
                [pl.col(c).fill_null("") for c in body.columns], separator=ctx.delimiter or " | "
            )
            .str.strip_chars_end(ctx.delimiter or " | ")
            .alias("t")
        )["t"]
        for why in dropped:
            examples[why] = raw_text.filter(reason == why).head(3).to_list()
    if "blank row" in dropped:
        notes.append(f"Dropped {dropped['blank row']} blank rows")
    if "totals row" in dropped:
        notes.append("Dropped the totals row at the bottom (it would double-count)")
    if "too many fields" in dropped:
        warnings.append(
            f"{dropped['too many fields']} rows had more fields than the header and were left out"
        )
    assert kept.height + sum(dropped.values()) == rows_read
    report = LoadReport(
        format=ctx.format,
        encoding=ctx.encoding,
        delimiter=ctx.delimiter,
        header_row=header,
        rows_read=rows_read,
        rows_kept=kept.height,
        dropped=dropped,
        drop_examples=examples,
        columns=reports,
        ambiguous_dates=ambiguous,
        notes=notes,
        warnings=warnings,
        sheet=ctx.sheet,
    )
    return Table(kept, report, block.title)


def _apply_types(
    frame: pl.DataFrame, typed: list[Typed], ctx: _Context
) -> tuple[pl.DataFrame, list[ColumnReport], list[str]]:
    """Typed frame, column reports and ambiguous date columns; notes and warnings go to ctx."""
    reports, ambiguous = [], []
    for name, t in zip(frame.columns, typed, strict=True):
        reports.append(t.report)
        ctx.notes.extend(t.notes)
        if t.ambiguous_date:
            ambiguous.append(name)
        if t.report.failed_count:
            ctx.warnings.append(
                f"{name}: {t.report.failed_count} values could not be read as {t.report.label} and are "
                f"left empty (e.g. {', '.join(repr(e) for e in t.report.failed_examples)})"
            )
    return (pl.DataFrame([t.series for t in typed]) if typed else frame), reports, ambiguous


PARALLEL_TYPING_MIN_ROWS = 50_000
"""Tables at least this long type their columns in parallel threads."""


def _type_columns(frame: pl.DataFrame, options: ReadOptions) -> list[Typed]:
    """:func:`kpi.formats.type_column` on every column, in column order.

    Columns are independent, and polars releases the GIL while it parses, so on long tables they
    are typed in up to ``pl.thread_pool_size()`` threads (the POLARS_MAX_THREADS budget).
    """
    columns = [frame[c] for c in frame.columns]
    workers = min(len(columns), pl.thread_pool_size())
    if workers <= 1 or frame.height < PARALLEL_TYPING_MIN_ROWS:
        return type_columns(frame, options)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(lambda c: type_column(c, options), columns))


def _drop_sum_row(frame: pl.DataFrame, reason: pl.Series) -> tuple[pl.DataFrame, pl.Series]:
    """Drop a final row whose numbers equal the sums of the rows above and whose text cells are empty."""
    if frame.height < 3:
        return frame, reason
    numeric = [c for c, t in frame.schema.items() if t.is_numeric()]
    others = [c for c in frame.columns if c not in numeric]
    if not numeric:
        return frame, reason
    last = frame.tail(1)
    if any(last[c][0] is not None for c in others):
        return frame, reason
    filled = [c for c in numeric if last[c][0] is not None]
    if not filled:
        return frame, reason
    sums = frame.head(frame.height - 1).select(pl.col(c).sum() for c in filled).row(0)
    if not all(
        abs(float(last[c][0]) - float(s)) <= 1e-9 * max(1.0, abs(float(s)))
        for c, s in zip(filled, sums, strict=True)
    ):
        return frame, reason
    if all(float(s) == 0 for s in sums):
        return frame, reason
    alive = reason.is_null().arg_true()
    return frame.head(frame.height - 1), reason.scatter(int(alive[-1]), "totals row")


__all__ = ["MAX_UPLOAD_MB", "ColumnReport", "LoadReport", "Table", "list_sheets", "read_table"]
