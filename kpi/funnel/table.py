"""The funnel table: users, rates, drop-off and step times per step (and segment)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import polars as pl

from kpi.funnel.kernel import Order, funnel
from kpi.funnel.timing import step_times
from kpi.settings import Exclusion, StepWindow


def funnel_table(
    events: pl.DataFrame,
    steps: Sequence[str],
    *,
    by: Sequence[str] = (),
    window: dt.timedelta | None = None,
    order: Order = "sequential",
    open_funnel: bool = False,
    exclusions: Sequence[Exclusion] = (),
    step_windows: Sequence[StepWindow] = (),
) -> pl.DataFrame:
    """:func:`funnel` plus ``drop_off`` = users(k-1) − users(k), ``drop_off_rate`` =
    drop_off / users(k-1) (null for step 1 or when users(k-1) is 0), and, for a sequential
    closed funnel with timestamps, the step times of :func:`step_times` (with the same
    ``exclusions`` and ``step_windows``: :mod:`kpi.funnel.rules`)."""
    by = list(by)
    res = funnel(
        events,
        steps,
        by=by,
        window=window,
        order=order,
        open_funnel=open_funnel,
        exclusions=exclusions,
        step_windows=step_windows,
    )
    times = None
    if "ts" in events.columns and order == "sequential" and not open_funnel:
        times = step_times(
            events, steps, window=window, by=by, exclusions=exclusions, step_windows=step_windows
        )
    return _with_drop_off(res, times, by)


def _with_drop_off(res: pl.DataFrame, times: pl.DataFrame | None, by: list[str]) -> pl.DataFrame:
    """:func:`funnel_table`'s result from :func:`funnel`'s and (or None) :func:`step_times`'."""
    res = res.with_columns(
        _j=pl.int_range(pl.len(), dtype=pl.Int32).over(by)
        if by
        else pl.int_range(pl.len(), dtype=pl.Int32)
    )
    prev = pl.col("users").shift(1).over(by) if by else pl.col("users").shift(1)
    res = res.with_columns(drop_off=prev - pl.col("users"))
    res = res.with_columns(
        drop_off_rate=pl.when(prev > 0).then(pl.col("drop_off") / prev).otherwise(None)
    )
    if times is not None:
        times = times.drop("users").with_columns(
            _j=pl.int_range(pl.len(), dtype=pl.Int32).over(by)
            if by
            else pl.int_range(pl.len(), dtype=pl.Int32)
        )
        res = res.join(times.drop("step"), on=[*by, "_j"], how="left", nulls_equal=True)
    return res.sort([*by, "_j"], nulls_last=True).drop("_j")
