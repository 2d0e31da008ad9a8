"""Parquet and JSON files: records kept as they are, nested fields flattened, text typed.

JSON is checked for nesting depth and the number of distinct field names before any parser
runs (a JSON bomb is refused, not parsed)."""

from __future__ import annotations

import io
from collections.abc import Callable

import polars as pl

from kpi.errors import UnreadableFileError
from kpi.formats import (
    ReadOptions,
    null_tokens_to_null,
)
from kpi.ingest.grid import _apply_types, _Context, _type_columns
from kpi.ingest.report import LoadReport, Table
from kpi.ingest.sniff import _check_binary, _decode
from kpi.ingest.text import _physical_lines
from kpi.nested import Flattened, flatten, is_key_value


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
