"""Step times with exclusion steps and per-step windows, computed inside an engine.

The path of :mod:`kpi.funnel.timing` (the usual best attempt through the user's last step L
with the rules when the rules accept it, else the tightest path they accept), as window
functions partitioned by user and ordered by (time, step position), the excluded events after
the steps at equal times, as in :mod:`kpi.engine.funnel_rules`:

- :func:`kpi.funnel.rules.row_levels` marks the rows a valid path reaches (``_rl`` =
  j + 1 at a valid step-j event);
- the path the rules validated at a valid step-j row: the latest valid step-(j-1) row before
  it and that row's own path. Its times only grow along the user's valid rows of a step, so
  step i's time on it is a running maximum over the valid step-(j-1) rows (``_T{i}_{j}``);
- of the user's valid rows of step L, those with the latest start; their times only grow, so
  the first of them has the minimum of each time (``_d{i}``);
- the usual best attempt through step L (:func:`kpi.engine.funnel._sequential`'s latest start
  reaching L, the earliest event of each step from it: ``_a{i}``), kept when every per-step
  window holds and no excluded event lies strictly between an exclusion's step a and the
  attempt's step min(b, L).

Only one row per user comes out (``user_id``, ``_lvl``, ``_ts0``..``_ts{k-1}``, µs from year
1; null from ``_lvl`` on), for the funnel table's step times and the time to convert.
"""

from __future__ import annotations

from collections.abc import Sequence

import narwhals as nw

from kpi.engine.frame import EngineTable, period_events, usable
from kpi.filters import Filters
from kpi.funnel.rules import Rules, row_levels

__all__ = ["ruled_attempts"]

_U = "user_id"
NO_TIME = -1  # times are µs since year 1: never negative


def ruled_attempts(
    table: EngineTable,
    steps: Sequence[str],
    w: int | None,
    rules: Rules,
    filters: Filters | None,
    *,
    with_others: bool = False,
) -> nw.LazyFrame:
    """One row per user with a funnel event (``with_others``: with any event of the period):
    ``user_id``, ``_lvl`` (steps reached with the rules) and ``_ts0``..``_ts{k-1}`` (module
    docstring; ``w``: the overall window in µs)."""
    from kpi.engine import funnel_rules
    from kpi.engine.funnel import _codes, _events, _sequential

    names = [str(s) for s in steps]
    k = len(names)
    ev = funnel_rules._events(table, names, rules, filters)
    if not with_others:
        ev = ev.filter(nw.col("_p") != k)
    f = row_levels(ev, k, w, rules, funnel_rules._engine_ops(k), excluded=True, name="_rl")
    t, rl = nw.col("_t"), nw.col("_rl")
    order_by = ["_t", "_p"]
    for j in range(1, k):
        f = f.with_columns(
            nw.when(rl == j)
            .then(t if i == j - 1 else nw.col(f"_T{i}_{j - 1}"))
            .otherwise(NO_TIME)
            .cum_max()
            .over(_U, order_by=order_by)
            .alias(f"_T{i}_{j}")
            for i in range(j)
        )
    path = []
    for i in range(k):
        expr: nw.Expr = nw.lit(NO_TIME, dtype=nw.Int64)
        for j in range(k - 1, i - 1, -1):
            expr = nw.when(rl == j + 1).then(t if i == j else nw.col(f"_T{i}_{j}")).otherwise(expr)
        path.append(expr.alias(f"_P{i}"))
    f = f.with_columns(*path).with_columns(_L=rl.max().over(_U))
    last = (rl == nw.col("_L")) & (nw.col("_L") > 0)
    f = f.with_columns(_S=nw.when(last).then(nw.col("_P0")).otherwise(NO_TIME).max().over(_U))
    chosen = last & (nw.col("_P0") == nw.col("_S"))
    dom = f.group_by(_U).agg(
        rl.max().cast(nw.Int64).alias("_lvl"),
        *(nw.when(chosen).then(nw.col(f"_P{i}")).min().alias(f"_d{i}") for i in range(k)),
    )
    # the usual best attempt through the level with the rules
    ev0 = _events(table, names, filters).filter(nw.col("_p") < k)
    g = _sequential(ev0, _codes(names), w, open_funnel=False)
    g = g.join(dom.select(_U, "_lvl"), on=_U, how="inner")
    star: nw.Expr = nw.lit(NO_TIME, dtype=nw.Int64)
    for j in range(k):
        star = nw.when(nw.col("_lvl") == j + 1).then(nw.col(f"_s{j}")).otherwise(star)
    g = g.with_columns(_star=star.max().over(_U))
    usual = g.group_by(_U).agg(
        *(
            nw.when(
                (nw.col(f"_s{j}") >= 0)
                & (nw.col(f"_s{j}") >= nw.col("_star"))
                & (nw.col("_lvl") > j)
            )
            .then(nw.col("_t"))
            .min()
            .alias(f"_a{j}")
            for j in range(k)
        )
    )
    both = dom.join(usual, on=_U, how="left")
    lvl = nw.col("_lvl")
    ok: nw.Expr = nw.lit(True)
    for j in range(1, k):
        gap = rules.gaps[j]
        if gap is not None:
            ok = ok & ((lvl <= j) | ((nw.col(f"_a{j}") - nw.col(f"_a{j - 1}")) <= gap))
    both = both.with_columns(_ok=ok)
    if rules.exclusions:
        both = both.join(_met(table, both, rules, filters), on=_U, how="left").with_columns(
            _ok=nw.col("_ok") & nw.col("_met").is_null()
        )
    return both.select(
        _U,
        lvl,
        *(
            nw.when(lvl > i)
            .then(nw.when(nw.col("_ok")).then(nw.col(f"_a{i}")).otherwise(nw.col(f"_d{i}")))
            .alias(f"_ts{i}")
            for i in range(k)
        ),
    )


def _met(
    table: EngineTable, both: nw.LazyFrame, rules: Rules, filters: Filters | None
) -> nw.LazyFrame:
    """``user_id``, ``_met``: the users whose usual attempt meets an excluded event strictly
    between an exclusion's step a and the attempt's step min(b, L)."""
    from kpi.engine.funnel import _epoch_us

    lvl = nw.col("_lvl")
    spans = []
    for i, a, b in rules.exclusions:
        hi = nw.when(lvl > b).then(nw.col(f"_a{b}"))
        for m in range(a + 1, b):
            hi = nw.when(lvl == m + 1).then(nw.col(f"_a{m}")).otherwise(hi)
        spans.append(
            both.select(
                nw.col(_U),
                nw.lit(i, dtype=nw.Int64).alias("_x"),
                nw.col(f"_a{a}").alias("_lo"),
                hi.alias("_hi"),
            ).filter(~nw.col("_hi").is_null())
        )
    span = spans[0] if len(spans) == 1 else nw.concat(spans, how="vertical")
    code: nw.Expr = nw.lit(-1, dtype=nw.Int64)
    for i, name in reversed(list(enumerate(rules.names))):
        code = nw.when(nw.col("step") == nw.lit(name, dtype=nw.String)).then(i).otherwise(code)
    xs = (
        period_events(table, filters)
        .filter(usable(table) & nw.col("step").is_in(list(rules.names)))
        .select(nw.col(_U), code.cast(nw.Int64).alias("_x"), _epoch_us("ts").alias("_tx"))
    )
    hit = span.join(xs, on=[_U, "_x"], how="inner").filter(
        (nw.col("_tx") > nw.col("_lo")) & (nw.col("_tx") < nw.col("_hi"))
    )
    return hit.group_by(_U).agg(nw.len().alias("_met"))
