"""A grid of text cells -> the table: blocks (second tables), header row, title lines and
preambles, column names, dropped rows (blank, too many fields, totals) counted with their
reason, then every column typed (:mod:`kpi.ingest.values`)."""

from __future__ import annotations

import contextlib
import re
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import polars as pl

from kpi.errors import UnreadableFileError
from kpi.ingest.report import LoadReport, Table
from kpi.ingest.rows import BLANK_ROW, TOO_MANY_FIELDS, TOTALS_ROW
from kpi.ingest.values import (
    ColumnReport,
    ReadOptions,
    Typed,
    looks_numeric,
    null_tokens_to_null,
    type_column,
    type_columns,
)
from kpi.words import Fact

TOTAL_LABEL = re.compile(r"^\s*(grand\s+total|total|totals|totaux|gesamt|summe|sum|somme)\b", re.I)


@dataclass
class _Context:
    format: str
    encoding: str
    delimiter: str
    options: ReadOptions
    notes: list[Fact]
    warnings: list[Fact]
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
                Fact("ingest_errors.header_outside", line=header_row + 1, lines=grid.height),
                Fact("ingest_errors.hint.other_header"),
            )
        sep_after = flags["comment"].slice(header_row).arg_true()
        end = header_row + int(sep_after[0]) - 1 if sep_after.len() else grid.height - 1
        width = int(
            flags["n_fields"].slice(header_row, min(1000, end - header_row + 1)).mode().max() or 1
        )
        block = _Block(header_row, end, end - header_row + 1, width, width, 0)
        main = _build_table(grid, flags, block, ctx, forced_header=header_row)
        ctx.notes.append(Fact("ingest_read.header.chosen", line=header_row + 1))
        return main
    blocks = _find_blocks(grid, flags)
    if not blocks:
        raise UnreadableFileError(
            Fact("ingest_errors.no_rows"), Fact("ingest_errors.hint.export_again")
        )
    tables = (
        [b for b in blocks if b.width >= 2 and b.rows >= 2]
        or [b for b in blocks if b.rows >= 2]
        or blocks
    )
    main_block = max(tables, key=lambda b: b.rows)
    others = [b for b in tables if b is not main_block]
    skipped_comments = int(flags["comment"].slice(0, main_block.start).sum())
    if skipped_comments:
        ctx.notes.append(Fact("ingest_read.preamble_skipped", n=skipped_comments))
    if others:
        titles: list[str | Fact] = [b.title or Fact("ingest_read.untitled") for b in others]
        ctx.notes.append(
            Fact(
                "ingest_read.tables.titled" if main_block.title else "ingest_read.tables",
                n=len(tables),
                rows=main_block.rows - 1,
                title=main_block.title,
                others=titles,
            )
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


def _column_names(cells: list[str | None], width: int, notes: list[Fact]) -> list[str]:
    names: list[str] = []
    seen: Counter[str] = Counter()
    duplicated = []
    for i in range(width):
        raw = (cells[i] if i < len(cells) else None) or ""
        name = raw.strip().lstrip("\ufeff")
        if not name:
            name = "index" if i == 0 else f"column_{i + 1}"
            notes.append(
                Fact("ingest_read.column.index")
                if i == 0
                else Fact("ingest_read.column.unnamed", position=i + 1, column=name)
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
        notes.append(Fact("ingest_read.column.duplicates", columns=sorted(set(duplicated))))
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
                warnings.append(Fact("ingest_read.header.none"))
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
            notes.append(Fact("ingest_read.title_lines_skipped", n=titles + title_lines))
        header_cells = list(grid.row(header))
        names = _column_names(header_cells, width, notes)
    else:
        names = [f"column_{i + 1}" for i in range(width)]
    if width == 1:
        warnings.append(Fact("ingest_read.one_column"))
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
        .then(pl.lit(BLANK_ROW))
        .when(pl.lit(too_many))
        .then(pl.lit(TOO_MANY_FIELDS))
        .otherwise(None)
        .alias("r")
    )["r"]
    # totals row: the last non-dropped row, labelled Total/Totaux/Gesamt/Sum in its first cells
    alive = reason.is_null().arg_true()
    if alive.len() >= 2:
        last = int(alive[-1])
        first_cells = [v for v in frame.row(last)[:2] if isinstance(v, str)]
        if any(TOTAL_LABEL.match(v) for v in first_cells):
            reason = reason.scatter(last, TOTALS_ROW)
    maybe_short = ((body_flags["n_fields"] < width) & reason.is_null()).any()
    line_fields = ctx.fields_per_line() if maybe_short and not ctx.excel else None
    if line_fields is not None:
        short = ((line_fields.slice(body_start, body.height) < width) & reason.is_null()).sum()
        if short:
            warnings.append(Fact("ingest_read.short_rows", n=int(short)))
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
    if BLANK_ROW in dropped:
        notes.append(Fact("ingest_read.dropped_blank", n=dropped[BLANK_ROW]))
    if TOTALS_ROW in dropped:
        notes.append(Fact("ingest_read.dropped_totals"))
    if TOO_MANY_FIELDS in dropped:
        warnings.append(Fact("ingest_read.dropped_too_many_fields", n=dropped[TOO_MANY_FIELDS]))
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
                Fact(
                    "ingest_read.unreadable_values",
                    column=name,
                    n=t.report.failed_count,
                    read_as=t.report.label,
                    examples=list(t.report.failed_examples),
                )
            )
    return (pl.DataFrame([t.series for t in typed]) if typed else frame), reports, ambiguous


PARALLEL_TYPING_MIN_ROWS = 50_000
"""Tables at least this long type their columns in parallel threads."""


def _type_columns(frame: pl.DataFrame, options: ReadOptions) -> list[Typed]:
    """:func:`kpi.ingest.values.type_column` on every column, in column order.

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
    return frame.head(frame.height - 1), reason.scatter(int(alive[-1]), TOTALS_ROW)
