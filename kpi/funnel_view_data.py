"""Funnels from aggregated counts (segment × step → users), for exports without per-user rows.

GA4 explorations, BigQuery summaries and ad-platform reports often give one number per step
(and per source, device...), not one row per event. Such a file cannot tell whether the same
people went through the steps, so the funnel is read as it is:

- ``users(k)`` = sum of ``users`` over the rows of step k (and of the segment);
- ``conversion`` = users(k) / users(1); ``step_conversion`` = users(k) / users(k-1) (1.0 for
  step 1 when it has users; null when the denominator is 0);
- ``drop_off`` = users(k-1) − users(k) and ``drop_off_rate`` = drop_off / users(k-1) (null for
  step 1 or when users(k-1) is 0). A negative drop-off means the export counts more at a later
  step than at the one before (different units or sampling): it is kept, not hidden.

Insights on such a funnel speak of "the count", not "users": :func:`kpi.funnel.insights` with
``counts=True`` (no rewriting of sentences).
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from kpi.errors import InputError, SchemaError
from kpi.funnel import SMALL_SEGMENT, add_rates
from kpi.segments import NONE, OTHER
from kpi.words import Fact

__all__ = ["SMALL_SEGMENT", "count_segments", "funnel_from_counts", "with_values"]


def count_segments(counts: pl.DataFrame) -> list[str]:
    """The text columns of a counts table that can split the funnel (all but step and users)."""
    return [
        c
        for c in counts.columns
        if c not in ("step", "users") and counts.schema[c] in (pl.String, pl.Categorical)
    ]


def funnel_from_counts(
    counts: pl.DataFrame, steps: Sequence[str], *, by: Sequence[str] = ()
) -> pl.DataFrame:
    """Funnel of an aggregated table with ``step`` and ``users`` (module docstring).

    Returns the ``by`` columns, ``step``, ``users``, ``conversion``, ``step_conversion``,
    ``drop_off`` and ``drop_off_rate``: one row per step (in the given order) and segment,
    steps with no rows included with users = 0.
    """
    by = list(by)
    missing = [c for c in ("step", "users", *by) if c not in counts.columns]
    if missing:
        raise SchemaError(
            Fact("funnel.error.counts_missing_columns", columns=missing),
            Fact("funnel.hint.map_counts"),
        )
    if not steps:
        raise InputError(Fact("funnel.error.no_steps"), Fact("funnel.hint.pick_step"))
    names = pl.DataFrame(
        {"_j": list(range(len(steps))), "step": [str(s) for s in steps]},
        schema={"_j": pl.Int32, "step": pl.String},
    )
    keyed = counts.with_columns(
        pl.col("step").cast(pl.String),
        *(pl.col(b).cast(pl.String).fill_null(NONE) for b in by),
    )
    sums = keyed.group_by(["step", *by]).agg(pl.col("users").sum())
    if by:
        segments = keyed.select(by).unique()
        grid = segments.join(names, how="cross")
    else:
        grid = names
    out = grid.join(sums, on=["step", *by], how="left").with_columns(pl.col("users").fill_null(0))
    out = out.sort([*by, "_j"])
    over = by or None
    prev = pl.col("users").shift(1).over(over) if over else pl.col("users").shift(1)
    out = add_rates(out, by).with_columns(drop_off=prev - pl.col("users"))
    out = out.with_columns(
        drop_off_rate=pl.when(prev > 0).then(pl.col("drop_off") / prev).otherwise(None)
    )
    return out.select(
        *by, "step", "users", "conversion", "step_conversion", "drop_off", "drop_off_rate"
    )


def with_values(frame: pl.DataFrame, column: str, keep: Sequence[str]) -> pl.DataFrame:
    """``column`` with every value not in ``keep`` relabelled "Other" (missing as "(none)"):
    the previous period broken down into the same segments as the current one."""
    col = pl.col(column).cast(pl.String).fill_null(NONE)
    return frame.with_columns(
        pl.when(col.is_in(list(keep))).then(col).otherwise(pl.lit(OTHER)).alias(column)
    )
