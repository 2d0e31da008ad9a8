"""Counts the Funnel page shows besides the funnel, by their cheapest exact path."""

from __future__ import annotations

import polars as pl

from kpi import funnel


def did_last(events: pl.DataFrame, last: str, before: str) -> tuple[int, int]:
    """Users with a ``last`` event, and those of them with a ``before`` event too, counting
    only the events the funnel counts (a user and, when there is a ``ts`` column, a time)."""
    if last == before:  # one step twice: the funnel's own rule
        users = funnel.funnel(events, [last, before], order="any")["users"].to_list()
        return int(users[0]), int(users[1])
    step = pl.col("step") if events.schema["step"] == pl.String else pl.col("step").cast(pl.String)
    keep = step.is_in([last, before]) & pl.col("user_id").is_not_null()
    if "ts" in events.columns:
        keep = keep & pl.col("ts").is_not_null()
    row = (
        events.lazy()
        .filter(keep)
        .group_by("user_id")
        .agg((step == last).any().alias("last"), (step == before).any().alias("before"))
        .select(
            pl.col("last").sum().alias("did"),
            (pl.col("last") & pl.col("before")).sum().alias("both"),
        )
        .collect()
        .row(0)
    )
    return int(row[0] or 0), int(row[1] or 0)
