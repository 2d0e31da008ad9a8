"""The events of "What is different about those who convert?" (:mod:`kpi.funnel.drivers`)
counted inside an engine.

The same rule as the upload's: an event (not a step of the funnel) counts for a user who
reached step k only when done strictly after the moment they reached step k and before their
outcome: strictly before reaching the last step for a converter; for a drop-off, at most the
conversion window after step k (inclusive) within the period (no window: the period's end).
The moments are those of the user's best attempt (:func:`kpi.engine.funnel._best_attempts`,
the step times' attempt, as :func:`kpi.funnel.user_progress` with times); who reached which
step comes with the exclusions and per-step windows of the view
(:func:`kpi.engine.funnel_rules.ruled_users`) when it has some. Each user's events are
joined to their two moments in the engine; only the number of converters and drop-offs per
event name comes back.
"""

from __future__ import annotations

from collections.abc import Sequence

import narwhals as nw
import polars as pl

from kpi.engine.frame import EngineTable, collect, period_events, usable
from kpi.filters import Filters
from kpi.funnel.rules import Rules

__all__ = ["event_counts"]

_U = "user_id"


def event_counts(
    table: EngineTable,
    steps: Sequence[str],
    step: int,
    w: int | None,
    filters: Filters | None,
    rules: Rules | None = None,
) -> pl.DataFrame:
    """Per event name that is not a step of ``steps`` (a closed, sequential funnel on a table
    with times; ``w``: its window in µs): ``value`` (the name), ``converters_with`` and
    ``dropped_with``, the users of the view (``filters``: period and segments) who reached
    ``step`` (1-based) and did it between step ``step`` and their outcome (module
    docstring)."""
    from kpi.engine import funnel as ef
    from kpi.engine.funnel_rules import ruled_users

    steps = [str(s) for s in steps]
    k = len(steps)
    codes = ef._codes(steps)
    ev = ef._events(table, steps, filters)
    if len(set(codes)) == k:
        per = ef._best_attempts(ev, k, w)
    else:
        per = ef._repeated_attempts(ev.filter(nw.col("_p") < k), codes, w)
    per = per.select(
        nw.col(_U),
        nw.col("_lvl").alias("_best"),
        nw.col(f"_ts{step - 1}").alias("_from"),
        nw.col(f"_ts{k - 1}").alias("_to"),
    )
    if step == 1:  # a user at level 1: their best attempt is their latest step-1 event (the
        # attempts' time of level 1 is only a placeholder there)
        latest = ev.filter(nw.col("_p") == 0).group_by(_U).agg(nw.col("_t").max().alias("_t1"))
        per = per.join(latest, on=_U, how="left").with_columns(
            nw.when(nw.col("_best") == 1)
            .then(nw.col("_t1"))
            .otherwise(nw.col("_from"))
            .alias("_from")
        )
    if rules is not None:  # who reached which step, with the exclusions and step windows
        levels = ruled_users(table, steps, w, rules, filters).select(_U, "_lvl")
        per = per.join(levels, on=_U, how="inner")
    else:
        per = per.with_columns(nw.col("_best").alias("_lvl"))
    per = per.filter(nw.col("_lvl") >= step)
    users = ef._users(table, filters, [])
    if users is not None:
        per = per.join(users, on=_U, how="inner")
    per = per.with_columns((nw.col("_lvl") >= k).alias("_conv"))
    named = (
        period_events(table, filters)
        .filter(usable(table))
        .filter(~nw.col("step").cast(nw.String).is_in(steps))
        .select(
            nw.col(_U),
            nw.col("step").cast(nw.String).alias("value"),
            ef._epoch_us("ts").alias("_t"),
        )
    )
    t = nw.col("_t")
    after = t > nw.col("_from")
    before_last = t < nw.col("_to")
    in_window = nw.lit(True) if w is None else t <= nw.col("_from") + w
    inside = after & ((nw.col("_conv") & before_last) | (~nw.col("_conv") & in_window))
    did = (
        named.join(per.select(_U, "_from", "_to", "_conv"), on=_U, how="inner")
        .filter(inside)
        .select(_U, "value", "_conv")
        .unique()
    )
    agg = did.group_by("value").agg(
        nw.col("_conv").cast(nw.Int64).sum().alias("converters_with"),
        (~nw.col("_conv")).cast(nw.Int64).sum().alias("dropped_with"),
    )
    out = collect(agg)
    return out.select(
        pl.col("value").cast(pl.String),
        pl.col("converters_with").cast(pl.Int64),
        pl.col("dropped_with").cast(pl.Int64),
    )
