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
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import polars as pl

from kpi.errors import InputError, SchemaError
from kpi.funnel import add_rates
from kpi.segments import NONE, OTHER

__all__ = ["count_segments", "funnel_from_counts", "plain_insights", "with_values"]

SMALL_SEGMENT = 30  # users at the last step below which a segment's rank may be chance


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
            f"The counts table has no column {', '.join(repr(c) for c in missing)}.",
            "Choose which column holds the step and which holds the number of users.",
        )
    if not steps:
        raise InputError("No funnel steps were chosen.", "Pick at least one step.")
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


_SEGMENT_SENTENCE = re.compile(
    r"^(?P<label>.+) converts .+ \(the (?:weakest|strongest) segment\)\.$"
)


def plain_insights(
    sentences: Sequence[str],
    by_frame: pl.DataFrame | None = None,
    segment: str | None = None,
    *,
    last_step: str | None = None,
    aggregated: bool = False,
    min_users: int = SMALL_SEGMENT,
) -> list[str]:
    """:func:`kpi.funnel.insights` sentences made safe to read out.

    - A "weakest/strongest segment" sentence whose segment has fewer than ``min_users`` at the
      ``last_step`` (default: the step of the last row) of ``by_frame`` (columns ``segment``,
      ``step``, ``users``) gets "(few users: may be chance)" with the count.
    - ``aggregated=True`` (counts read from an export: sessions or rows, not people): "of
      users are lost" becomes "of the count is lost" and "of users who did X reached Y"
      becomes "of the X count reached Y".
    """
    small: dict[str, int] = {}
    if by_frame is not None and segment is not None and by_frame.height:
        last = last_step if last_step is not None else by_frame["step"][-1]
        at_last = by_frame.filter(pl.col("step") == last).select(
            pl.col(segment).cast(pl.String).fill_null(NONE), pl.col("users")
        )
        small = {str(k): int(v) for k, v in at_last.filter(pl.col("users") < min_users).iter_rows()}
    out: list[str] = []
    for text in sentences:
        m = _SEGMENT_SENTENCE.match(text)
        if m and m.group("label") in small:
            n = small[m.group("label")]
            text = f"{text[:-2]}; only {n:,} at the last step: few users, may be chance)."
        if aggregated:
            text = text.replace(" of users are lost (", " of the count is lost (")
            text = re.sub(r" of users who did (.+?) reached ", r" of the \1 count reached ", text)
        out.append(text)
    return out


def with_values(frame: pl.DataFrame, column: str, keep: Sequence[str]) -> pl.DataFrame:
    """``column`` with every value not in ``keep`` relabelled "Other" (missing as "(none)"):
    the previous period broken down into the same segments as the current one."""
    col = pl.col(column).cast(pl.String).fill_null(NONE)
    return frame.with_columns(
        pl.when(col.is_in(list(keep))).then(col).otherwise(pl.lit(OTHER)).alias(column)
    )
