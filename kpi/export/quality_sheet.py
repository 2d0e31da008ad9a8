"""The Data quality sheet: rows read, kept and dropped by file and reason, missing values."""

from __future__ import annotations

import polars as pl
from openpyxl.worksheet.worksheet import Worksheet

from kpi import quality
from kpi.export.cells import COUNT, RATE, Col, SheetWriter
from kpi.export.context import Context, data_bounds, is_engine
from kpi.export.summary import _kind
from kpi.export.text import period_text, say, words

__all__ = ["write"]


def write(ws: Worksheet, ctx: Context) -> None:
    lang = ctx.lang
    w = SheetWriter(ws, max_width=50, lang=lang)
    w.title(say("export.sheet.quality", lang))
    if is_engine(ctx):
        q = ctx.results.quality()
    else:
        q = ctx.results.memo("quality", lambda: quality.quality_summary(ctx.full))
    bounds = data_bounds(ctx)
    w.pair(say("export.quality.users", lang), q.users, COUNT)
    w.pair(say("export.quality.events", lang), q.events, COUNT)
    w.pair(
        say("export.quality.period", lang),
        period_text(*bounds, lang) if bounds else say("export.period.no_dates", lang),
    )
    w.pair(say("export.quality.duplicates", lang), q.duplicate_events, COUNT)
    w.skip()
    w.section(say("export.quality.accounting", lang))
    top = w.row
    accounting = q.accounting.with_columns(
        pl.col("shape").map_elements(lambda x: _kind(x, lang), return_dtype=pl.String),
        pl.col("reason").map_elements(lambda x: words(x, lang), return_dtype=pl.String),
    )
    w.table(
        accounting,
        [
            Col("file", say("export.col.file", lang)),
            Col("shape", say("export.col.read_as", lang)),
            Col("rows_read", say("export.col.rows_read", lang), COUNT),
            Col("rows_kept", say("export.col.rows_kept", lang), COUNT),
            Col("reason", say("export.col.reason_dropped", lang)),
            Col("rows_dropped", say("export.col.rows_dropped", lang), COUNT),
        ],
        name="tblAccounting",
    )
    w.section(say("export.quality.missing", lang))
    w.table(
        q.missing.sort(["table", "column"]).with_columns(
            pl.col("table").map_elements(lambda x: _table(x, lang), return_dtype=pl.String)
        ),
        [
            Col("table", say("export.col.table", lang)),
            Col("column", say("export.col.column", lang)),
            Col("missing", say("export.col.missing", lang), COUNT),
            Col("missing_share", say("export.col.missing_share", lang), RATE),
        ],
        name="tblMissing",
        style="TableStyleLight9",
    )
    ws.freeze_panes = ws.cell(top + 1, 1)
    w.fixed[1] = 26
    w.finish()


def _table(name: str, lang: str) -> str:
    try:
        return say(f"export.table.{name}", lang)  # type: ignore[arg-type]
    except KeyError:
        return name
