"""Exclusion steps and per-step windows (:mod:`kpi.funnel.rules`) computed inside an engine.

The same pass as the polars one, as window functions partitioned by user and ordered by
(time, step position), the excluded events after the steps at equal times: for each step a
running maximum of the start time, of the previous step's time and of each exclusion's
step-a time over the user's valid rows of the step before, and of each excluded event's time
(only rows of the step before, or excluded events, hold a value, so the running maximum may
include the current row). Only the number of users per (segments…, steps reached, steps
reached without the exclusions) comes back.
"""

from __future__ import annotations

from collections.abc import Sequence

import narwhals as nw
import polars as pl

from kpi.engine.frame import EngineTable, collect, period_events, usable
from kpi.filters import Filters
from kpi.funnel.rules import Rules

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


def _row_level(
    f: nw.LazyFrame, k: int, w: int | None, rules: Rules, *, excluded: bool, name: str
) -> nw.LazyFrame:
    """Add ``name``: the last step (1-based, 0: none) a valid path reaches at the row."""
    t = nw.col("_t")
    order_by = ["_t", "_p"]
    excl = rules.exclusions if excluded else ()
    p = f"{name}_"

    def running(expr: nw.Expr, alias: str) -> nw.Expr:
        return expr.cum_max().over(_U, order_by=order_by).alias(alias)

    if excl:
        f = f.with_columns(
            running(nw.when(nw.col("_p") == k + 1 + i).then(t).otherwise(NO_TIME), f"{p}x{i}")
            for i in range(len(rules.names))
        )
    level: nw.Expr = nw.lit(0, dtype=nw.Int64)
    drop: list[str] = []
    for j in range(k):
        here = nw.col("_p") == j
        if j == 0:
            valid = here
            start = t
        else:
            cs, cp = nw.col(f"{p}cs{j - 1}"), nw.col(f"{p}cp{j - 1}")
            valid = here & (cs >= 0)
            if w is not None:
                valid = valid & ((t - cs) <= w)
            gap = rules.gaps[j]
            if gap is not None:
                valid = valid & ((t - cp) <= gap)
            for i, a, b in excl:
                if a < j <= b:
                    lx, o = nw.col(f"{p}x{i}"), nw.col(f"{p}o{a}_{j - 1}")
                    valid = valid & ((lx < 0) | (lx <= o))
            start = cs
        f = f.with_columns(valid.alias(f"{p}v{j}"))
        v = nw.col(f"{p}v{j}")
        level = nw.when(v).then(j + 1).otherwise(level)
        drop.append(f"{p}v{j}")
        if j == k - 1:
            continue
        cols = [
            running(nw.when(v).then(start).otherwise(NO_TIME), f"{p}cs{j}"),
            running(nw.when(v).then(t).otherwise(NO_TIME), f"{p}cp{j}"),
        ]
        names = [f"{p}cs{j}", f"{p}cp{j}"]
        for a in sorted({a for _, a, b in excl if a <= j < b}):
            o = t if a == j else nw.col(f"{p}o{a}_{j - 1}")
            cols.append(running(nw.when(v).then(o).otherwise(NO_TIME), f"{p}o{a}_{j}"))
            names.append(f"{p}o{a}_{j}")
        f = f.with_columns(*cols)
        drop += names
    if excl:
        drop += [f"{p}x{i}" for i in range(len(rules.names))]
    return f.with_columns(level.cast(nw.Int64).alias(name)).drop(drop)


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
    itself without exclusions) and ``_ev`` (their events), a lazy frame in the engine."""
    k = len(steps)
    ev = _events(table, steps, rules, filters)
    if not every_user:
        ev = ev.filter(nw.col("_p") != k)
    f = _row_level(ev, k, w, rules, excluded=True, name="_rl")
    free = "_rl"
    if rules.excludes:
        f = _row_level(f, k, w, rules, excluded=False, name="_rf")
        free = "_rf"
    return f.group_by(_U).agg(
        nw.col("_rl").max().alias("_lvl"),
        nw.col(free).max().alias("_free"),
        nw.len().cast(nw.Int64).alias("_ev"),
    )


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
    agg = (
        per.with_columns(_e=nw.lit(0, dtype=nw.Int64))
        .group_by(*by, "_lvl", "_e", "_free")
        .agg(nw.len().cast(nw.Int64).alias("_n"), nw.col("_ev").sum().cast(nw.Int64).alias("_ev"))
    )
    out = collect(agg)
    return out.with_columns(
        pl.col("_lvl").cast(pl.Int32), pl.col("_e").cast(pl.Int32), pl.col("_free").cast(pl.Int32)
    )
