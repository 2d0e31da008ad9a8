"""Parquet and JSON files: records kept as they are, nested fields flattened, text typed.

JSON is checked for nesting depth and the number of distinct field names before any parser
runs (a JSON bomb is refused, not parsed)."""

from __future__ import annotations

import io
from collections.abc import Callable

import polars as pl

from kpi.errors import UnreadableFileError
from kpi.ingest.grid import _apply_types, _Context, _type_columns
from kpi.ingest.nested import Flattened, flatten, is_key_value
from kpi.ingest.report import LoadReport, Table
from kpi.ingest.sniff import _check_binary, _decode
from kpi.ingest.text import _physical_lines
from kpi.ingest.values import (
    ReadOptions,
    null_tokens_to_null,
)
from kpi.words import Fact


def _read_parquet(data: bytes, fmt: str) -> Table:
    try:
        frame = pl.read_parquet(io.BytesIO(data))
    except Exception as exc:
        raise UnreadableFileError(
            Fact("ingest_errors.parquet_damaged", detail=_first_line(exc, 160)),
            Fact("ingest_errors.hint.export_again_or_csv"),
        ) from exc
    return _typed_records(frame, fmt, "binary (Parquet)", [Fact("ingest_read.parquet_types")])


def _first_line(exc: BaseException, n: int) -> str:
    """The first line of an exception's text (a technical detail shown as it is)."""
    text = str(exc)
    return text.splitlines()[0][:n] if text.strip() else type(exc).__name__


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
            Fact("ingest_errors.json_not_utf8", byte=int(exc.start)),
            Fact("ingest_errors.hint.json_utf8"),
        ) from exc
    _check_binary(utf8[:4096].decode("utf-8", errors="ignore"), json=True)
    depth = _json_depth(utf8, MAX_JSON_DEPTH)
    if depth > MAX_JSON_DEPTH:
        raise UnreadableFileError(
            Fact("ingest_errors.json_too_deep", limit=MAX_JSON_DEPTH),
            Fact("ingest_errors.hint.ndjson_or_csv"),
        )
    keys = _json_key_count(utf8)
    if keys > MAX_JSON_KEYS:
        raise UnreadableFileError(
            Fact("ingest_errors.json_too_many_keys", keys=int(keys), limit=MAX_JSON_KEYS),
            Fact("ingest_errors.hint.fixed_fields"),
        )
    body = utf8.lstrip()
    notes = [note if note is not None else Fact("ingest_read.encoding.utf8")]
    if body[:1] == b"[":
        shape = Fact("ingest_read.json.array")
        frame = _parse_json(lambda: pl.read_json(io.BytesIO(body), infer_schema_length=None), body)
        if (frame.width == 1 and frame.columns[0] in ("", "column_0")) or not frame.width:
            raise UnreadableFileError(
                Fact("ingest_errors.json_no_records"), Fact("ingest_errors.hint.json_records")
            )
    elif body[:1] == b"{":
        frame, shape = _parse_json_objects(body)
    else:
        raise UnreadableFileError(
            Fact("ingest_errors.json_not_json"), Fact("ingest_errors.hint.upload_export")
        )
    notes.append(Fact("ingest_read.json.shape", shape=shape))
    return _typed_records(frame, fmt, enc, notes)


def _parse_json_objects(body: bytes) -> tuple[pl.DataFrame, Fact]:
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
        return frame, Fact("ingest_read.json.ndjson")
    frame = _parse_json(lambda: pl.read_json(io.BytesIO(body), infer_schema_length=None), body)
    records = _records_inside(frame)
    return records if records is not None else (frame, Fact("ingest_read.json.single"))


def _records_inside(frame: pl.DataFrame) -> tuple[pl.DataFrame, Fact] | None:
    """{"data": [{…}, {…}]}: the one field that is a list of records, one row each."""
    lists = [
        c
        for c, t in frame.schema.items()
        if isinstance(t, pl.List) and isinstance(t.inner, pl.Struct) and not is_key_value(t.inner)
    ]
    if frame.height != 1 or len(lists) != 1:
        return None
    inner = frame.select(pl.col(lists[0]).explode()).unnest(lists[0])
    return inner, Fact("ingest_read.json.listed_under", field=lists[0])


def _parse_json(
    read: Callable[[], pl.DataFrame], body: bytes, *, ndjson: bool = False
) -> pl.DataFrame:
    try:
        return read()
    except (Exception, pl.exceptions.PanicException) as exc:  # polars errors, or panics
        where = _first_json_error(body, ndjson)
        detail = _first_line(exc, 120)
        if where is None:  # valid JSON that polars cannot put in one table
            raise UnreadableFileError(
                Fact("ingest_errors.json_shapes", detail=detail),
                Fact("ingest_errors.hint.one_shape"),
            ) from exc
        code = (
            "ingest_errors.json_invalid_at"
            if "column" in where
            else "ingest_errors.json_invalid_line"
            if "line" in where
            else "ingest_errors.json_invalid"
        )
        raise UnreadableFileError(
            Fact(code, detail=detail, **where), Fact("ingest_errors.hint.json_again")
        ) from exc


def _first_json_error(body: bytes, ndjson: bool) -> dict[str, int] | None:
    """Where the JSON is broken (``{"line": 12}``, ``{}`` when unknown); None when it is valid."""
    import json

    if ndjson:
        for number, line in enumerate(body.splitlines()[:1_000_000], start=1):
            if not line.strip():
                continue
            try:
                json.loads(line)
            except (ValueError, RecursionError):
                return {"line": number}
        return None
    try:
        json.loads(body)
    except json.JSONDecodeError as exc:
        return {"line": exc.lineno, "column": exc.colno}
    except (ValueError, RecursionError):
        return {}
    return None


def _typed_records(frame: pl.DataFrame, fmt: str, encoding: str, notes: list[Fact]) -> Table:
    """Parquet or JSON: nested records flattened, text cells typed, epoch numbers as dates."""
    try:
        frame, flat = flatten(frame)
    except (pl.exceptions.PolarsError, pl.exceptions.PanicException) as exc:
        raise UnreadableFileError(
            Fact("ingest_errors.nested_unreadable", detail=_first_line(exc, 120)),
            Fact("ingest_errors.hint.flat_columns"),
        ) from exc
    if frame.width == 0:
        raise UnreadableFileError(
            Fact("ingest_errors.records_empty"), Fact("ingest_errors.hint.records_fields")
        )
    notes = [*notes, *_flatten_notes(flat)]
    warnings: list[Fact] = []
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


def first_names(names: list[str], n: int) -> list[str | Fact]:
    """The first ``n`` names, then "and 3 more" (``ingest_read.more``) when there are more."""
    head: list[str | Fact] = list(names[:n])
    if len(names) > n:
        head.append(Fact("ingest_read.more", n=len(names) - n))
    return head


def _flatten_notes(flat: Flattened) -> list[Fact]:
    notes = []
    for name, cols in flat.records.items():
        notes.append(
            Fact(
                "ingest_read.nested.record", column=name, n=len(cols), columns=first_names(cols, 4)
            )
        )
    for name, cols in flat.key_values.items():
        notes.append(
            Fact("ingest_read.nested.key_values", column=name, columns=first_names(cols, 6))
        )
    for name, col in flat.summarised.items():
        notes.append(Fact("ingest_read.nested.summarised", column=name, summary=col))
    for name in flat.joined:
        notes.append(Fact("ingest_read.nested.joined", column=name))
    for name in flat.as_json:
        notes.append(Fact("ingest_read.nested.as_json", column=name))
    return notes
