"""Average session duration per calendar month (the red flag on time on site reads it)."""

from __future__ import annotations

import polars as pl

from kpi.errors import SchemaError
from kpi.words import Fact

__all__ = ["monthly_session_duration"]


def monthly_session_duration(events: pl.DataFrame) -> pl.DataFrame:
    """Average session duration per calendar month of the session start.

    Columns ``month`` (Date, first day), ``sessions`` and ``avg_session_seconds`` = mean over
    the month's sessions of (last − first event time). Needs ``ts`` and ``session_id``.
    """
    for col in ("user_id", "session_id", "ts"):
        if col not in events.columns:
            raise SchemaError(
                Fact("stages.error.session_column", column=col),
                Fact("stages.hint.session_columns"),
            )
    sessions = (
        events.filter(pl.col("session_id").is_not_null() & pl.col("ts").is_not_null())
        .group_by("user_id", "session_id")
        .agg(
            pl.col("ts").min().alias("start"),
            (pl.col("ts").max() - pl.col("ts").min()).dt.total_seconds(fractional=True).alias("d"),
        )
    )
    return (
        sessions.group_by(pl.col("start").dt.month_start().cast(pl.Date).alias("month"))
        .agg(
            pl.len().cast(pl.Int64).alias("sessions"),
            pl.col("d").mean().alias("avg_session_seconds"),
        )
        .sort("month")
    )
