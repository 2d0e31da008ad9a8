"""The same period a year before in the workbook: one column on the Summary (after the previous
period), its columns on the Stage KPIs sheet (value, change, change %, p-value of a rate) and
its section on the Funnel sheet (each step now and a year before, with the two-proportion
test). Every figure is the view's own (``two_periods``, ``year_before_steps``: the page's).

Left out when ``ReportOptions.year_before`` is False (``--no-year-before``); a period the data
does not cover a year before is said in a note, its cells left empty (never a 0).
"""

from __future__ import annotations

import polars as pl
from openpyxl.worksheet.worksheet import Worksheet

from kpi.export.cells import (
    COUNT,
    P_VALUE,
    POINTS_SCALE,
    RATE,
    SIGNED_RATE,
    Col,
    SheetWriter,
    points_format,
)
from kpi.export.context import Context
from kpi.export.text import say, words
from kpi.year_before import dates_fact

__all__ = [
    "funnel_section",
    "stage_columns",
    "summary_column",
    "wanted",
]

ALPHA = 0.05


def wanted(ctx: Context) -> bool:
    """True when the workbook shows the same period a year before (the default)."""
    return bool(getattr(ctx.options, "year_before", True))


def _values(ctx: Context, frame: pl.DataFrame) -> pl.DataFrame:
    """The year-before columns of the view's two-period table, by KPI code, durations in days
    (Excel's time unit), a rate's change in points (as :func:`kpi.export.kpi_table.kpi_rows`
    writes them)."""
    table = ctx.results.two_periods(alpha=ALPHA)
    days = pl.col("unit") == "seconds"
    rate = pl.col("unit") == "rate"
    part = table.select(
        "code",
        pl.when(days).then(pl.col("year_before") / 86_400).otherwise(pl.col("year_before")),
        pl.when(days)
        .then(pl.col("year_before_abs_change") / 86_400)
        .when(rate)
        .then(pl.col("year_before_abs_change") * POINTS_SCALE)
        .otherwise(pl.col("year_before_abs_change")),
        "year_before_rel_change",
        "year_before_p_value",
        "previous_p_value",
    )
    return frame.join(part, on="code", how="left", maintain_order="left")


def summary_column(ctx: Context, rows: pl.DataFrame) -> tuple[pl.DataFrame, list[Col]]:
    """The Summary's KPI rows with the value of the same period a year before, and its
    column (after "previous period"); no column when the workbook leaves it out."""
    if not wanted(ctx) or rows.height == 0 or "code" not in rows.columns:
        return rows, []
    out = _values(ctx, rows)
    return out, [Col("year_before", say("year_before.col.year_before", ctx.lang))]


def stage_columns(ctx: Context, frame: pl.DataFrame) -> tuple[pl.DataFrame, list[Col]]:
    """The Stage KPIs sheet's rows with a rate's p-value against the previous period, then the
    year-before value, change, change % and p-value, and their columns (after the previous
    period's)."""
    if not wanted(ctx) or frame.height == 0 or "code" not in frame.columns:
        return frame, []
    lang = ctx.lang
    return _values(ctx, frame), [
        Col("previous_p_value", say("year_before.col.previous_p", lang), P_VALUE),
        Col("year_before", say("year_before.col.year_before", lang)),
        Col("year_before_abs_change", say("year_before.col.change", lang)),
        Col("year_before_rel_change", say("year_before.col.change_pct", lang), SIGNED_RATE),
        Col("year_before_p_value", say("year_before.col.p_value", lang), P_VALUE),
    ]


def note(ctx: Context) -> str | None:
    """The year-before dates (or why there are none) for under a KPI table."""
    if not wanted(ctx):
        return None
    cov = ctx.results.year_before_coverage()
    if not cov.available or cov.filters is None:
        return words(cov.fact(), ctx.lang)
    f = cov.filters
    return say("year_before.sheet.note", ctx.lang, period=dates_fact(f.start, f.end))


def apply_formats(
    ws: Worksheet, first_row: int, value_col: int, change_col: int | None, formats: dict
) -> None:
    """The per-row formats of the year-before value (by unit) and of its change (signed)."""
    for i, (fmt, signed) in enumerate(zip(formats["value"], formats["signed"], strict=True)):
        ws.cell(first_row + i, value_col).number_format = fmt
        if change_col is not None:
            ws.cell(first_row + i, change_col).number_format = signed


def funnel_section(w: SheetWriter, ctx: Context) -> None:
    """The Funnel sheet's section: each step now and the same period a year before (users,
    conversion from the first step, change, p-value, significant), or why there is none."""
    if not wanted(ctx):
        return
    lang = ctx.lang
    cov = ctx.results.year_before_coverage()
    w.skip()
    if not cov.available or cov.filters is None:
        w.section(say("year_before.col.year_before", lang))
        w.note(words(cov.fact(), lang))
        return
    f = cov.filters
    w.section(say("year_before.sheet.title", lang, period=dates_fact(f.start, f.end)))
    comp = ctx.results.year_before_steps(alpha=ALPHA)
    if comp is None:
        w.note(say("year_before.funnel.no_funnel", lang))
        return
    first = pl.int_range(pl.len()) == 0  # step 1 is 100 % in both periods: nothing to test
    yes, no = say("common.yes", lang), say("common.no", lang)
    table = comp.with_columns(
        pl.when(first).then(None).otherwise(pl.col(c)).alias(c)
        for c in ("abs_change", "rel_change", "p_value")
    ).with_columns(
        (pl.col("abs_change") * POINTS_SCALE).alias("abs_change"),  # points: +0.51 pp
        pl.when(first | pl.col("p_value").is_null())
        .then(None)
        .when(pl.col("significant"))
        .then(pl.lit(yes))
        .otherwise(pl.lit(no))
        .alias("significant"),
    )
    w.table(
        table,
        [
            Col("step", say("year_before.col.step", lang)),
            Col("users_current", say("year_before.col.users_now", lang), COUNT),
            Col("users_previous", say("year_before.col.users", lang), COUNT),
            Col("conversion_current", say("year_before.col.conversion_now", lang), RATE),
            Col("conversion_previous", say("year_before.col.conversion", lang), RATE),
            Col("abs_change", say("year_before.col.change", lang), points_format(lang)),
            Col("p_value", say("year_before.col.p_value", lang), P_VALUE),
            Col("significant", say("year_before.col.significant", lang)),
        ],
        name="tblFunnelYearBefore",
    )
    w.row -= 1
    w.note(say("year_before.funnel.tests", lang))
