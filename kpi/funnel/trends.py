"""Funnel trends: conversion by entry period, and one period against the previous one."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Literal

import polars as pl

from kpi.errors import InputError, SchemaError
from kpi.funnel.kernel import Order, user_progress
from kpi.settings import Exclusion, StepWindow
from kpi.words import Fact

Grain = Literal["day", "week", "month"]


def conversion_over_time(
    events: pl.DataFrame,
    steps: Sequence[str],
    *,
    grain: Grain = "day",
    window: dt.timedelta | None = None,
    order: Order = "sequential",
    exclusions: Sequence[Exclusion] = (),
    step_windows: Sequence[StepWindow] = (),
) -> pl.DataFrame:
    """Entry-period cohorts: ``period`` (Date, first day of the day/week/month of the user's
    first step-1 event), ``step``, ``users`` (reaching the step, same rules as :func:`funnel`,
    with the same ``exclusions`` and ``step_windows``: :mod:`kpi.funnel.rules`) and
    ``conversion`` = users ÷ users entering (users at step 1) in that period. The periods'
    users add up to the funnel's (every user at step 1 has a first step-1 event)."""
    if grain not in ("day", "week", "month"):
        raise InputError(
            Fact("funnel.error.unknown_grain", grain=str(grain)), Fact("funnel.hint.grains")
        )
    if "ts" not in events.columns:
        raise SchemaError(Fact("funnel.error.trend_needs_ts"), Fact("funnel.hint.load_ts"))
    step1 = str(steps[0])
    every = {"day": "1d", "week": "1w", "month": "1mo"}[grain]
    entry = (
        events.filter(pl.col("step").cast(pl.String) == step1, pl.col("ts").is_not_null())
        .group_by("user_id")
        .agg(
            pl.col("ts").min().cast(pl.Datetime("us")).dt.truncate(every).dt.date().alias("period")
        )
    )
    prog = user_progress(
        events,
        steps,
        window=window,
        order=order,
        exclusions=exclusions,
        step_windows=step_windows,
    )
    prog = prog.join(entry, on="user_id", how="inner")
    k = len(steps)
    agg = prog.group_by("period").agg(
        (pl.col("steps_reached") > j).sum().cast(pl.Int64).alias(str(j)) for j in range(k)
    )
    long = agg.unpivot(index="period", variable_name="_j", value_name="users").with_columns(
        pl.col("_j").cast(pl.Int32)
    )
    names = pl.DataFrame(
        {"_j": list(range(k)), "step": [str(s) for s in steps]},
        schema={"_j": pl.Int32, "step": pl.String},
    )
    long = long.join(names, on="_j").sort(["period", "_j"])
    first = pl.col("users").first().over("period")
    return long.with_columns(
        conversion=pl.when(first > 0).then(pl.col("users") / first).otherwise(None)
    ).select("period", "step", "users", "conversion")


def compare_periods(
    current: pl.DataFrame, previous: pl.DataFrame, *, alpha: float = 0.05
) -> pl.DataFrame:
    """Per step (and segment) of two :func:`funnel` results: users and conversion in each
    period, ``abs_change`` = conversion now − before, ``rel_change`` = now ÷ before − 1 (null
    when before is 0 or missing), and a two-proportion test of conversion (users(k) out of
    users(1)) from :func:`kpi.abtest.compare`: ``p_value``, ``method``, ``significant``."""
    from kpi.abtest import compare

    base = ["step", "users", "conversion", "step_conversion"]
    for name, res in (("current", current), ("previous", previous)):
        if not set(base) <= set(res.columns):
            raise InputError(
                Fact(f"funnel.error.not_a_funnel_{name}", columns=base),
                Fact("funnel.hint.pass_funnel"),
            )
    by = [c for c in current.columns if c not in base]

    def number(res: pl.DataFrame) -> pl.DataFrame:
        j = pl.int_range(pl.len(), dtype=pl.Int32)
        return res.with_columns(
            _j=j.over(by) if by else j,
            _n1=pl.col("users").first().over(by) if by else pl.col("users").first(),
        )

    cur, prev = number(current), number(previous)
    both = cur.join(prev, on=[*by, "_j"], how="left", suffix="_previous", nulls_equal=True)
    both = both.rename({"users": "users_current", "conversion": "conversion_current"})
    rows = both.select("users_current", "_n1", "users_previous", "_n1_previous").to_dicts()
    p_values: list[float | None] = []
    methods: list[str] = []
    significant: list[bool] = []
    for r in rows:  # one test per step and segment (a handful), not per row of data
        if r["users_previous"] is None or not r["_n1"] or not r["_n1_previous"]:
            p_values.append(None)
            methods.append("none")
            significant.append(False)
            continue
        res = compare(
            r["users_previous"], r["_n1_previous"], r["users_current"], r["_n1"], alpha=alpha
        )
        p_values.append(res.p_value)
        methods.append(res.method)
        significant.append(bool(res.significant))
    both = both.with_columns(
        abs_change=pl.col("conversion_current") - pl.col("conversion_previous"),
        rel_change=pl.when(pl.col("conversion_previous") > 0)
        .then(pl.col("conversion_current") / pl.col("conversion_previous") - 1)
        .otherwise(None),
        p_value=pl.Series(p_values, dtype=pl.Float64),
        method=pl.Series(methods, dtype=pl.String),
        significant=pl.Series(significant, dtype=pl.Boolean),
    )
    return both.select(
        *by,
        "step",
        "users_current",
        "users_previous",
        "conversion_current",
        "conversion_previous",
        "abs_change",
        "rel_change",
        "p_value",
        "method",
        "significant",
    )
