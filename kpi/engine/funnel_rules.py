"""Exclusion steps and per-step windows (:mod:`kpi.funnel.rules`) computed inside an engine.

The same passes as the polars ones. In order (closed or open): window functions partitioned
by user and ordered by (time, step position), the excluded events after the steps at equal
times, written once with the polars pass (:func:`kpi.funnel.rules.row_levels`): for each step
a running maximum of the start time, of the previous step's time and of each exclusion's
step-a time over the user's valid rows of the step before, and of each excluded event's time
(only rows of the step before, or excluded events, hold a value, so the running maximum may
include the current row); an open funnel's entry is the step of the user's first funnel
event. Any order: the user's events cut at their excluded events, the engine's any-order
funnel on each piece, the best piece. Only the number of users per (segments…, steps
reached, entry step, steps reached without the exclusions) comes back.
"""

from __future__ import annotations

from collections.abc import Sequence

import narwhals as nw
import polars as pl

from kpi.engine.frame import EngineTable, collect, period_events, usable
from kpi.filters import Filters
from kpi.funnel.rules import LevelOps, Rules, row_levels

__all__ = ["ruled_counts", "ruled_users"]

_U = "user_id"
NO_TIME = -1  # times are µs since year 1: never negative


def _events(
    table: EngineTable, steps: Sequence[str], rules: Rules, filters: Filters | None
) -> nw.LazyFrame:
    """``user_id``, ``_p`` (step position; k + 1 + i for the excluded event i; k for any
    other event) and ``_t`` (µs)."""
    from kpi.engine.funnel import _epoch_us

    ev = period_events(table, filters).filter(usable(table))
    k = len(steps)
    pos: nw.Expr = nw.lit(k, dtype=nw.Int64)
    named = [
        *((s, i) for i, s in enumerate(steps)),
        *((x, k + 1 + i) for i, x in enumerate(rules.names)),
    ]
    for name, code in reversed(named):
        pos = nw.when(nw.col("step") == nw.lit(name, dtype=nw.String)).then(code).otherwise(pos)
    return ev.select(nw.col(_U), pos.cast(nw.Int64).alias("_p"), _epoch_us("ts").alias("_t"))


def _engine_ops(k: int) -> LevelOps:
    """:class:`LevelOps` of the engine pass: references are times (µs), partitioned by user
    and ordered by (time, step position); only rows of the step before, or excluded events,
    hold a value, so the running maximum may include the current row."""
    return LevelOps(
        ns=nw,
        own=nw.col("_t"),
        time_of=lambda ref: ref,
        none=lambda ref: ref < 0,
        running=lambda expr: expr.cum_max().over(_U, order_by=["_t", "_p"]),
        no_ref=NO_TIME,
        x_code=lambda i: k + 1 + i,
        level_dtype=nw.Int64,
    )


def _with_entry(f: nw.LazyFrame, k: int) -> nw.LazyFrame:
    """``f`` with ``_en``, the user's entry step (0-based) in an open funnel: the step of
    their first funnel event (earliest time, then the earliest listed step); ``k`` when they
    did no step."""
    step = nw.col("_p") < k
    f = f.with_columns(nw.when(step).then(nw.col("_t")).otherwise(None).min().over(_U).alias("_tf"))
    at_first = step & (nw.col("_t") == nw.col("_tf"))
    return f.with_columns(
        nw.when(at_first).then(nw.col("_p")).otherwise(k).min().over(_U).alias("_en")
    ).drop("_tf")


def _in_order(f: nw.LazyFrame, k: int, w: int | None, rules: Rules) -> nw.LazyFrame:
    """Per user ``_lvl``, ``_free``, ``_e`` of an in-order funnel (open or closed), from the
    rows ``f``."""
    entry = None
    if rules.open_funnel:
        f = _with_entry(f, k)
        entry = nw.col("_en")
    ops = _engine_ops(k)
    f = row_levels(f, k, w, rules, ops, excluded=True, name="_rl", entry=entry)
    free = "_rl"
    if rules.excludes:
        f = row_levels(f, k, w, rules, ops, excluded=False, name="_rf", entry=entry)
        free = "_rf"
    e = (
        nw.when(nw.col("_en") < k).then(nw.col("_en")).otherwise(0)
        if rules.open_funnel
        else nw.lit(0, dtype=nw.Int64)
    )
    return (
        f.with_columns(e.cast(nw.Int64).alias("_e"))
        .group_by(_U)
        .agg(
            nw.col("_rl").max().alias("_lvl"),
            nw.col(free).max().alias("_free"),
            nw.col("_e").max().alias("_e"),
            nw.len().cast(nw.Int64).alias("_ev"),
        )
    )


def _any_order(ev: nw.LazyFrame, k: int, w: int | None) -> nw.LazyFrame:
    """Per user ``_lvl``, ``_free``, ``_e`` (0) of a funnel in any order with whole-funnel
    exclusions (:mod:`kpi.funnel.rules`): the user's step events cut at their excluded
    events (a step at the time of an excluded event in the piece before and the piece after
    it), the any-order funnel of each piece (:func:`kpi.engine.funnel._any_order`, a piece
    standing for a user) and the best piece."""
    from kpi.engine import funnel as ef

    codes = list(range(k))
    is_x = (nw.col("_p") > k).cast(nw.Int64)
    f = ev.with_columns(
        (is_x.cum_sum().over(_U, order_by=["_t", "_p"]) - is_x).alias("_lt"),
        is_x.sum().over(_U, "_t").alias("_at"),
    )
    steps = f.filter(nw.col("_p") < k)
    piece = nw.concat_str(
        [nw.col("_owner").cast(nw.String), nw.lit("\x1f"), nw.col("_s").cast(nw.String)]
    )
    before = steps.select(nw.col(_U).alias("_owner"), "_p", "_t", nw.col("_lt").alias("_s"))
    after = steps.filter(nw.col("_at") > 0).select(
        nw.col(_U).alias("_owner"), "_p", "_t", (nw.col("_lt") + nw.col("_at")).alias("_s")
    )
    rows = nw.concat([before, after], how="vertical").with_columns(piece.alias(_U))
    owners = rows.select(_U, "_owner").unique()
    best = (
        ef._any_order(rows.select(_U, "_p", "_t"), codes, w, open_funnel=False, has_ts=True)
        .join(owners, on=_U, how="inner")
        .group_by("_owner")
        .agg(nw.col("_lvl").max())
        .rename({"_owner": _U})
    )
    free = ef._any_order(
        ev.filter(nw.col("_p") < k), codes, w, open_funnel=False, has_ts=True
    ).select(_U, nw.col("_lvl").alias("_free"))
    every = ev.group_by(_U).agg(nw.len().cast(nw.Int64).alias("_ev"))
    return (
        every.join(best, on=_U, how="left")
        .join(free, on=_U, how="left")
        .select(
            _U,
            nw.col("_lvl").fill_null(0).cast(nw.Int64),
            nw.col("_free").fill_null(0).cast(nw.Int64),
            nw.lit(0, dtype=nw.Int64).alias("_e"),
            "_ev",
        )
    )


def ruled_users(
    table: EngineTable,
    steps: Sequence[str],
    w: int | None,
    rules: Rules,
    filters: Filters | None,
    *,
    every_user: bool = False,
) -> nw.LazyFrame:
    """One row per user (with a funnel event; ``every_user``: with any event): ``user_id``,
    ``_lvl`` (the steps reached with the rules), ``_free`` (without the exclusions; the level
    itself without exclusions), ``_e`` (the entry step, 0-based; 0 in a closed funnel) and
    ``_ev`` (their events), a lazy frame in the engine."""
    k = len(steps)
    ev = _events(table, steps, rules, filters)
    if not every_user:
        ev = ev.filter(nw.col("_p") != k)
    if rules.order == "any":
        return _any_order(ev, k, w)
    return _in_order(ev, k, w, rules)


def ruled_counts(
    table: EngineTable,
    steps: Sequence[str],
    w: int | None,
    rules: Rules,
    filters: Filters | None,
    users: nw.LazyFrame | None,
    by: list[str],
) -> pl.DataFrame:
    """Users per (by…, ``_lvl``, ``_e``, ``_free``) as ``_n``, their events as ``_ev``
    (``_free``: the level without the exclusions; the level itself without exclusions)."""
    per = ruled_users(table, steps, w, rules, filters, every_user=bool(by))
    if users is not None:
        per = per.join(users, on=_U, how="inner")
    agg = per.group_by(*by, "_lvl", "_e", "_free").agg(
        nw.len().cast(nw.Int64).alias("_n"), nw.col("_ev").sum().cast(nw.Int64).alias("_ev")
    )
    out = collect(agg)
    return out.with_columns(
        pl.col("_lvl").cast(pl.Int32), pl.col("_e").cast(pl.Int32), pl.col("_free").cast(pl.Int32)
    )
