"""Segments: user attributes used for breakdowns (top values plus "Other", cohorts)."""

from __future__ import annotations

from typing import Literal

import polars as pl

OTHER = "Other"
NONE = "(none)"


def top_values(
    frame: pl.DataFrame, column: str, n: int = 8, *, weight: str | None = None
) -> list[str]:
    """The ``n`` most frequent values of ``column`` (by row count, or by sum of ``weight``)."""
    agg = pl.len() if weight is None else pl.col(weight).sum()
    ranked = (
        frame.group_by(column)
        .agg(agg.alias("_w"))
        .sort(["_w", column], descending=[True, False], nulls_last=True)
    )
    return [str(v) for v in ranked[column].head(n).to_list() if v is not None]


def with_top_values(
    frame: pl.DataFrame, column: str, n: int = 8, *, weight: str | None = None
) -> pl.DataFrame:
    """Keep the top ``n`` values of ``column`` and relabel every other value as "Other".

    Totals over the relabelled column always equal the unsegmented totals (nothing is lost).
    """
    keep = top_values(frame, column, n, weight=weight)
    col = pl.col(column).cast(pl.String).fill_null(NONE)
    return frame.with_columns(
        pl.when(col.is_in(keep)).then(col).otherwise(pl.lit(OTHER)).alias(column)
    )


def cohort_of(ts: pl.Expr, grain: Literal["week", "month"] = "month") -> pl.Expr:
    """Cohort label of a first-seen timestamp: ``2025-03`` (month) or ``2025-W11`` (ISO week)."""
    if grain == "month":
        return ts.dt.strftime("%Y-%m")
    return ts.dt.strftime("%G-W%V")
