"""Funnel rates: conversion from the first step and from the previous step (one definition,
used by the event funnel, the aggregated-counts funnel and the CRM stage funnel)."""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl


def add_rates(counts: pl.DataFrame, by: Sequence[str]) -> pl.DataFrame:
    """Add ``conversion`` = users(k)/users(1) and ``step_conversion`` = users(k)/users(k−1)
    to a frame of ``by``, ``_j`` (0-based step index), step, users sorted by step; a rate with
    a 0 denominator is null, step 1's step_conversion is 1."""
    over = list(by) if by else None
    first = pl.col("users").first().over(over) if over else pl.col("users").first()
    prev = pl.col("users").shift(1).over(over) if over else pl.col("users").shift(1)
    users = pl.col("users").cast(pl.Float64)
    return counts.with_columns(
        conversion=pl.when(first > 0).then(users / first).otherwise(None),
        step_conversion=pl.when(pl.col("_j") == 0)
        .then(pl.when(pl.col("users") > 0).then(1.0).otherwise(None))
        .when(prev > 0)
        .then(users / prev)
        .otherwise(None),
    )
