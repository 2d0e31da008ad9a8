"""CSV, TSV and TXT files -> a grid of text cells (every line, no type inference)."""

from __future__ import annotations

import re
from pathlib import Path

import polars as pl

from kpi.errors import UnreadableFileError
from kpi.ingest.grid import _Context, _tables_from_grid
from kpi.ingest.report import Table
from kpi.ingest.sniff import (
    _HEAD_BYTES,
    _check_binary,
    _clean_sample_lines,
    _decode,
    _fallback_8bit,
    _field_counts,
    separator_name,
    sniff_delimiter,
)
from kpi.ingest.values import (
    ReadOptions,
)
from kpi.words import Fact

SHORT_ROW_CHECK_MAX_BYTES = 64 * 2**20
"""Rows with fewer fields than the header are counted on files up to this size."""


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
    notes: list[Fact] = []
    warnings: list[Fact] = []
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
        raise UnreadableFileError(
            Fact("ingest_errors.blank"), Fact("ingest_errors.hint.export_again")
        )
    if size > _HEAD_BYTES:
        head = head[: head.rfind("\n") + 1] or head
    lines = _clean_sample_lines(head)
    if delimiter:
        d = delimiter
        notes.append(Fact("ingest_read.separator.chosen", separator=separator_name(d)))
    else:
        d, single = sniff_delimiter(lines)
        notes.append(
            single
            if single is not None
            else Fact("ingest_read.separator.detected", separator=separator_name(d))
        )
    width = max(_field_counts(lines, d) or [1]) + 1
    european = d == ";" or bool(
        re.search(r"\d,\d{1,2}(?:\s*[%€])?\s*(?:;|\t|$)", head, re.M) and d != ","
    )
    options = ReadOptions(opts.decimal, opts.date_order, european_hint=european)
    grid, utf8, enc, note = _grid_from_csv(utf8, source, enc, note, d, width, notes)
    if isinstance(utf8, bytes):
        size = len(utf8)
    if note is not None:
        notes.insert(0, note)
    elif enc == "utf-8":
        notes.insert(0, Fact("ingest_read.encoding.utf8"))
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


def _grid_from_csv(
    utf8: bytes | Path,
    original: bytes | Path,
    enc: str,
    note: Fact | None,
    d: str,
    width: int,
    notes: list[Fact],
) -> tuple[pl.DataFrame, bytes | Path, str, Fact | None]:
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
                        Fact("ingest_errors.mixed_encodings"), Fact("ingest_errors.hint.save_utf8")
                    ) from exc
                utf8, enc, note = _fallback_8bit(
                    original if isinstance(original, bytes) else original.read_bytes()
                )
                continue
            if kwargs.get("quote_char", '"') is None:
                raise UnreadableFileError(
                    Fact("ingest_errors.not_readable", detail=str(exc).splitlines()[0][:200]),
                    Fact("ingest_errors.hint.check_export"),
                ) from exc
            kwargs["quote_char"] = None
            notes.append(Fact("ingest_read.quotes_unbalanced"))
    raise UnreadableFileError(
        Fact("ingest_errors.not_readable", detail=""), Fact("ingest_errors.hint.save_utf8")
    )


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
