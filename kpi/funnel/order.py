"""The suggested step order of some data: known journey names first, in journey order."""

from __future__ import annotations

import polars as pl

from kpi.errors import SchemaError
from kpi.steps import ROLES, journey_rank
from kpi.words import Fact


def default_step_order(events: pl.DataFrame) -> list[str]:
    """A sensible step order from the data: known journey names first, in journey order
    (landing → view/search → cart → checkout/payment → purchase → lead → customer, the roles
    of :mod:`kpi.steps`, in English or French); every other step after
    them by number of users, descending (a funnel narrows), ties by first-seen time."""
    if "step" not in events.columns or "user_id" not in events.columns:
        raise SchemaError(Fact("funnel.error.needs_user_and_step"), Fact("funnel.hint.map_columns"))
    ev = events.with_row_index("_i")
    seen = pl.col("ts").min() if "ts" in events.columns else pl.col("_i").min()
    stats = (
        ev.filter(pl.col("step").is_not_null())
        .group_by(pl.col("step").cast(pl.String))
        .agg(
            pl.col("user_id").n_unique().alias("_users"),
            seen.alias("_seen"),
            pl.col("_i").min().alias("_first"),
        )
    )
    return order_from_stats(stats)


def order_from_stats(stats: pl.DataFrame) -> list[str]:
    """:func:`default_step_order` from one row per step: ``step``, ``_users`` (distinct users),
    ``_seen`` (first time, or first row), ``_first`` (first row; null when unknown, as in an
    engine: ties then go by name)."""
    # one rank per distinct step name (a handful to a few hundred): the vocabulary of kpi.steps
    ranks = [journey_rank(s) for s in stats.get_column("step").to_list()]
    stats = stats.with_columns(_rank=pl.Series(ranks, dtype=pl.Int32))
    known = stats.filter(pl.col("_rank") < len(ROLES)).height
    if known < 2:
        stats = stats.with_columns(_rank=pl.lit(0, dtype=pl.Int32))
    stats = stats.sort(
        ["_rank", "_users", "_seen", "_first", "step"],
        descending=[False, True, False, False, False],
        nulls_last=True,
    )
    return stats.get_column("step").to_list()
