"""The KPI table of the Summary and Stage KPIs sheets: value, previous period, change."""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl
from openpyxl.worksheet.worksheet import Worksheet

from kpi import stages
from kpi.export.cells import POINTS_SCALE, change_format, unit_format
from kpi.export.context import Context, currency_of
from kpi.export.text import kpi_formula, kpi_label, say, stage_name, words
from kpi.words import Lang

__all__ = ["apply_signed", "kpi_rows"]


def kpi_rows(ctx: Context, codes: Sequence[str] | None) -> tuple[pl.DataFrame, dict]:
    """KPI value/previous/changes with one Excel format per row (by unit), in ``ctx.lang``.

    ``codes``: only these KPIs, when available, in this order; None: every KPI of the view.
    Durations are written in days (Excel's time unit); the change of a rate in percentage
    points (``abs_change`` times :data:`~kpi.export.cells.POINTS_SCALE`, format "+0.51 pp"),
    never with a ``%`` that reads as a relative change. ``formats["signed"]``: the change's
    format per row (:func:`~kpi.export.cells.change_format`).
    """
    lang = ctx.lang
    kpis = ctx.kpis()
    prev = ctx.previous_kpis()
    if codes is not None:
        by_code = {k.code: k for k in kpis}
        kpis = [by_code[c] for c in codes if c in by_code and by_code[c].available]
    # the one definition of the change (kpi.stages.compare); labels are written here
    table = stages.compare(kpis, list(prev or []), lang)
    units = [k.unit for k in kpis]
    frame = table.with_columns(
        pl.Series("label", [kpi_label(k.code, lang) for k in kpis], dtype=pl.String),
        pl.Series("stage", [stage_name(k.stage, lang) for k in kpis], dtype=pl.String),
        pl.Series("formula", [kpi_formula(k.code, lang) for k in kpis], dtype=pl.String),
        pl.Series(
            "available",
            [
                say(
                    "export.kpi.available"
                    if k.available
                    else "export.kpi.not_applicable"
                    if k.reason
                    else "export.kpi.missing",
                    lang,
                )
                for k in kpis
            ],
            dtype=pl.String,
        ),
        pl.Series("missing", [_missing(k, lang) for k in kpis], dtype=pl.String),
    )
    secs = pl.Series("u", units, dtype=pl.String) == "seconds"
    frame = frame.with_columns(
        pl.when(secs).then(pl.col(c) / 86_400).otherwise(pl.col(c)).alias(c)
        for c in ("value", "previous", "abs_change")
    )
    rates = pl.Series("u", units, dtype=pl.String) == "rate"
    frame = frame.with_columns(
        pl.when(rates).then(pl.col("abs_change") * POINTS_SCALE).otherwise(pl.col("abs_change"))
    )
    money = currency_of(ctx)
    return frame, {
        "value": [unit_format(u, lang, currency=money) for u in units],
        "signed": [change_format(u, lang, currency=money) for u in units],
        "unit": units,
    }


def _missing(k: stages.Kpi, lang: Lang) -> str:
    return words(k.missing, lang) if k.missing else ""


def apply_signed(ws: Worksheet, first_row: int, col: int, formats: Sequence[str]) -> None:
    """The change column's signed format, one per row."""
    for i, fmt in enumerate(formats):
        ws.cell(first_row + i, col).number_format = fmt
