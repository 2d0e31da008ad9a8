"""The funnel table computed inside an engine (DuckDB, Spark, a warehouse, or polars itself).

:func:`funnel_table` is :func:`kpi.funnel.funnel_table` for an :class:`EngineTable`: the same
rules (the docstring of :mod:`kpi.funnel`: sequential with the window measured from step 1 and
the best attempt, ties taken in the order that lets the user progress furthest, each event
serving one step; any order; open funnel; membership without timestamps), written once as
narwhals expressions that run in the engine. Each user's progress is computed there; only the
number of users per (segments…, steps reached, entry step) comes back, and the local
``_users_per_step`` / ``_with_drop_off`` of :mod:`kpi.funnel` make the table. Step times (the
median and 90th percentile of the seconds from the previous step and from step 1 in each
user's best attempt) are computed in the engine too, in the same query.

How the per-user progress is expressed with window functions (partitioned by user, ordered by
time), so that every engine runs it as a few sorts, never a join per step:

- **Sequential, no step listed twice**: events ordered by (time, step position). ``_s{j}`` is
  the latest start (step-1 time) of a chain that reaches step j at this event: the running
  maximum of ``_s{j-1}`` over the user's earlier events, kept when the event is step j and
  within the window of that start. One running maximum per step. At equal times events come
  in step order, which is the order that serves a chain best.
- **Step times (sequential closed funnel with timestamps, no step listed twice)**: the same
  running maxima, but step j's window runs only on the chains at step j-1 (one row per user
  and start) and the events not yet used, not on all the events: :func:`_best_attempts`
  (each engine result is used once, since a lazy engine computes a reused one again).
- **Sequential, a step listed twice**: events at the same (user, time) are first collapsed into
  one row counting each step (a tie group, in any order). A chain reaches step j in a group G
  when it reached some i < j in an earlier group (running maximum up to the previous row) and
  G holds steps i+1..j as a multiset, or when G alone holds steps 1..j (as kpi.funnel.kernel).
- **Any order**: an interval starting at an event's time holds m events of step c when the
  m-th event of c at or after that time is inside the window: per (step, m) the time of the
  (m-1)-th next event of the step (``lead``), then a reverse running minimum over the user's
  events. Without a window (and without timestamps: membership) the user's counts per step.
- **Open funnel**: the entry is the step of the user's first funnel event (sequential; at
  equal times the earliest listed step) or the first listed step the user did (any order);
  chains start only at the entry.

Times are integers (µs from year 1) built from the date parts, since the layer has no epoch
function on every backend; only differences are used.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Sequence

import narwhals as nw
import polars as pl

from kpi.engine.frame import EngineTable, collect, first_touch, in_view, period_events, usable
from kpi.errors import InputError, SchemaError
from kpi.filters import Filters
from kpi.funnel.kernel import Order, _users_per_step
from kpi.funnel.prepare import US, _window_us
from kpi.funnel.rules import Rules
from kpi.funnel.table import _with_drop_off
from kpi.segments import NONE
from kpi.settings import Exclusion, StepWindow
from kpi.words import Fact

__all__ = ["TIME_COLUMNS", "funnel_by", "funnel_table", "step_names"]

#: the step-time columns of the funnel table (absent when the engine cannot compute medians)
TIME_COLUMNS = (
    "median_from_previous_s",
    "p90_from_previous_s",
    "median_from_start_s",
    "p90_from_start_s",
)

_U = "user_id"
#: "no chain" in a start-time column (times are µs since year 1: never negative); the
#: layer's running maximum keeps nulls as nulls, so the columns never hold one
NO_START = -1
#: "no such event" in a reverse running minimum of event times
NO_END = 2**62

_Ok = Callable[[int, int], nw.Expr]  # (step code, m) -> "the interval holds m such events"


# --------------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------------


def funnel_table(
    table: EngineTable,
    steps: Sequence[str],
    *,
    filters: Filters | None = None,
    by: Sequence[str] = (),
    window: dt.timedelta | None = None,
    order: Order = "sequential",
    open_funnel: bool = False,
    exclusions: Sequence[Exclusion] = (),
    step_windows: Sequence[StepWindow] = (),
) -> pl.DataFrame:
    """The funnel table of ``table``'s events in the view ``filters`` (date range on ``ts``,
    segment filters on the users' first-touch values), broken down by the first-touch ``by``
    segments: what :func:`kpi.funnel.funnel_table` gives on
    ``filters.apply(ds).events_with(by)`` for the Dataset of the same events (same columns,
    dtypes and row order). Step times (sequential closed funnel with timestamps) come from
    the engine; an engine without medians gives the table without the time columns.
    ``exclusions`` and ``step_windows``: :mod:`kpi.engine.funnel_rules`, the step times of
    the path the rules accept (:mod:`kpi.engine.ruled_times`)."""
    by = list(by)
    steps = [str(s) for s in steps]
    _check(table, steps, by, order)
    w = _window_us(window)
    if w is not None and not table.has_ts:
        raise InputError(Fact("funnel.error.window_needs_ts"), Fact("funnel.hint.window_needs_ts"))
    timed = table.has_ts and order == "sequential" and not open_funnel
    if exclusions or step_windows:
        times = None
        if timed:  # users per level and step times from the path the rules accept
            from kpi.engine.ruled_times import ruled_attempts

            rules = _rules_of(table, steps, order, open_funnel, exclusions, step_windows)
            if rules is not None:
                per = ruled_attempts(table, steps, w, rules, filters, with_others=bool(by))
                counts, times = _time_table(per, _users(table, filters, by), steps, by)
                res = _users_per_step(
                    counts, counts.select(by) if by else None, steps, by, weight="_n"
                )
                return _with_drop_off(res, times, by)
        counts = ruled_counts(
            table, steps, w, filters, by, order, open_funnel, exclusions, step_windows
        )
        if counts is not None:
            res = _users_per_step(counts, counts.select(by) if by else None, steps, by, weight="_n")
            return _with_drop_off(res, None, by)
    codes = _codes(steps)
    ev = _events(table, steps, filters)
    if not by:  # with a breakdown, users without funnel events still give segment values
        ev = ev.filter(nw.col("_p") < len(steps))
    users = _users(table, filters, by)
    times = None
    if timed:
        counts, times = _timed_counts(ev, users, steps, codes, w, by)
    else:
        counts = _level_counts(ev, users, codes, w, by, order, open_funnel, table.has_ts)
    segments = counts.select(by) if by else None
    res = _users_per_step(counts, segments, steps, by, weight="_n")
    return _with_drop_off(res, times, by)


def funnel_by(
    table: EngineTable,
    steps: Sequence[str],
    segment: str,
    *,
    filters: Filters | None = None,
    window: dt.timedelta | None = None,
    order: Order = "sequential",
    open_funnel: bool = False,
    top: int = 8,
    keep: Sequence[str] | None = None,
    exclusions: Sequence[Exclusion] = (),
    step_windows: Sequence[StepWindow] = (),
) -> pl.DataFrame | None:
    """The funnel (users, conversion, step_conversion: :func:`kpi.funnel.funnel`) of the view
    by ``segment``'s ``top`` values by events + "Other", or the values ``keep`` + "Other":
    what :meth:`kpi.view.View.funnel_by` gives for an upload of the same events (the Funnel
    page's breakdown). Users per level and their events per segment value come from the
    engine in one query; the top values and "Other" are made locally (users add up: each
    user has one segment value). None without steps or without events. Without timestamps
    the window and order do not apply (a membership funnel), as in the View."""
    from kpi.segments import OTHER, top_values

    steps = [str(s) for s in steps]
    if not steps:
        return None
    if not table.has_ts:
        window, order = None, "sequential"
    _check(table, steps, [segment], order)
    w = _window_us(window)
    ev = _events(table, steps, filters)
    users = _users(table, filters, [segment])
    ruled = ruled_counts(
        table, steps, w, filters, [segment], order, open_funnel, exclusions, step_windows
    )
    if ruled is not None:
        counts = ruled
    else:
        counts = _level_counts(
            ev, users, _codes(steps), w, [segment], order, open_funnel, table.has_ts
        )
    if counts.height == 0:
        return None
    col = pl.col(segment).cast(pl.String)
    counts = counts.with_columns(col)
    if keep is None:
        keep = top_values(counts, segment, top, weight="_ev")
    counts = counts.with_columns(
        pl.when(col.is_in(list(keep))).then(col).otherwise(pl.lit(OTHER)).alias(segment)
    )
    counts = counts.group_by(segment, "_lvl", "_e").agg(pl.col("_n").sum())
    return _users_per_step(counts, counts.select(segment), steps, [segment], weight="_n")


def ruled_counts(
    table: EngineTable,
    steps: list[str],
    w: int | None,
    filters: Filters | None,
    by: list[str],
    order: str,
    open_funnel: bool,
    exclusions: Sequence[Exclusion],
    step_windows: Sequence[StepWindow],
) -> pl.DataFrame | None:
    """Users per (by…, ``_lvl``, ``_e``, ``_free``) with the exclusions and per-step windows
    (:mod:`kpi.engine.funnel_rules`); None when there are none. An :class:`InputError` when
    they cannot apply (:func:`kpi.funnel.rules.rules_of`)."""
    from kpi.engine import funnel_rules

    rules = _rules_of(table, steps, order, open_funnel, exclusions, step_windows)
    if rules is None:
        return None
    users = _users(table, filters, by)
    return funnel_rules.ruled_counts(table, steps, w, rules, filters, users, by)


def _rules_of(
    table: EngineTable,
    steps: Sequence[str],
    order: str,
    open_funnel: bool,
    exclusions: Sequence[Exclusion],
    step_windows: Sequence[StepWindow],
) -> Rules | None:
    """:func:`kpi.funnel.rules.rules_of` for ``table`` (None without rules; an
    :class:`InputError` when they cannot apply)."""
    from kpi.funnel.rules import rules_of

    return rules_of(
        steps, exclusions, step_windows, order=order, open_funnel=open_funnel, has_ts=table.has_ts
    )


def step_names(
    table: EngineTable, limit: int = 50, *, filters: Filters | None = None
) -> pl.DataFrame:
    """The distinct steps of ``table`` (in the date range of ``filters``) with their number of
    users and events, most users first (ties by name), at most ``limit`` rows: ``step``
    (String), ``users``, ``events`` (Int64). For choosing funnel steps."""
    ev = period_events(table, filters).filter(usable(table))
    agg = ev.group_by("step").agg(
        nw.col(_U).n_unique().cast(nw.Int64).alias("users"),
        nw.len().cast(nw.Int64).alias("events"),
    )
    top = agg.sort(["users", "step"], descending=[True, False]).head(int(limit))
    out = collect(top)
    return out.with_columns(pl.col("step").cast(pl.String)).sort(
        ["users", "step"], descending=[True, False]
    )


# --------------------------------------------------------------------------------------------
# Input
# --------------------------------------------------------------------------------------------


def _check(table: EngineTable, steps: Sequence[str], by: Sequence[str], order: str) -> None:
    if not isinstance(table, EngineTable):
        raise InputError(Fact("funnel.error.not_a_table"))
    cols = table.columns
    missing = [c for c in ("user_id", "step") if c not in cols]
    missing += [c for c in by if c not in table.user_segments]
    if missing:
        raise SchemaError(
            Fact("funnel.error.missing_columns", columns=missing), Fact("funnel.hint.map_columns")
        )
    if len(steps) == 0:
        raise InputError(Fact("funnel.error.no_steps"), Fact("funnel.hint.pick_step"))
    if order not in ("sequential", "any"):
        raise InputError(
            Fact("funnel.error.unknown_order", order=str(order)), Fact("funnel.hint.orders")
        )


def _codes(steps: Sequence[str]) -> list[int]:
    """Each step's code: the first position of its name in ``steps``."""
    first: dict[str, int] = {}
    for i, s in enumerate(steps):
        first.setdefault(s, i)
    return [first[s] for s in steps]


def _epoch_us(col: str) -> nw.Expr:
    """Microseconds since 0001-01-01 (proleptic Gregorian) from the date parts (portable)."""
    c = nw.col(col)
    y = c.dt.year().cast(nw.Int64) - 1
    # leap days: y // 4 - y // 100 + y // 400 (the layer's ``//`` on SQL engines is a long
    # expression for negative operands; y >= 0, and floats hold these quotients exactly)
    leap = sum(((y / n).floor() * sign for n, sign in ((4, 1), (100, -1), (400, 1))), nw.lit(0))
    days = y * 365 + leap.cast(nw.Int64) + c.dt.ordinal_day().cast(nw.Int64) - 1
    secs = (
        (days * 24 + c.dt.hour().cast(nw.Int64)) * 60 + c.dt.minute().cast(nw.Int64)
    ) * 60 + c.dt.second().cast(nw.Int64)
    return secs * US + c.dt.microsecond().cast(nw.Int64)


def _events(table: EngineTable, steps: Sequence[str], filters: Filters | None) -> nw.LazyFrame:
    """The period's usable events (:func:`~kpi.engine.frame.usable`): ``user_id``,
    ``_p`` (step code; ``len(steps)`` for a step not in the funnel), ``_t`` (µs, with
    timestamps). A user's progress does not depend on the segment filters (the users' first
    touch): :func:`_users` is joined to the per-user rows, not to the events."""
    ev = period_events(table, filters).filter(usable(table))
    k = len(steps)
    pos: nw.Expr = nw.lit(k, dtype=nw.Int64)
    seen: set[str] = set()
    for i, s in reversed(list(enumerate(steps))):
        pos = nw.when(nw.col("step") == nw.lit(s, dtype=nw.String)).then(i).otherwise(pos)
        seen.add(s)
    cols = [nw.col(_U), pos.cast(nw.Int64).alias("_p")]
    if table.has_ts:
        cols.append(_epoch_us("ts").alias("_t"))
    return ev.select(cols)


def _users(table: EngineTable, filters: Filters | None, by: list[str]) -> nw.LazyFrame | None:
    """The users in the view's segments with their first-touch ``by`` values ("(none)" when
    missing): ``user_id``, ``by``; None when every user is in (no segment filter, no ``by``)."""
    active = list(filters.active_segments) if filters is not None else []
    need = list(dict.fromkeys([*by, *(c for c in active if c in table.user_segments)]))
    if not need:
        return None
    users = in_view(first_touch(table, need), filters)
    schema = users.collect_schema()
    return users.select(
        nw.col(_U),
        *(nw.col(b).fill_null(NONE) if schema[b] == nw.String else nw.col(b) for b in by),
    )


def _in_view(per: nw.LazyFrame, users: nw.LazyFrame | None) -> nw.LazyFrame:
    """Per-user rows of the users in the view, with their ``by`` values."""
    return per if users is None else per.join(users, on=_U, how="inner")


# --------------------------------------------------------------------------------------------
# Per-user progress (module docstring)
# --------------------------------------------------------------------------------------------


def _holds(codes: list[int], a: int, b: int) -> nw.Expr:
    """The tie group holds steps a..b (0-based, inclusive) as a multiset."""
    cond = nw.lit(True)
    for c, n in Counter(codes[a : b + 1]).items():
        cond = cond & (nw.col(f"_n{c}") >= n)
    return cond


def _within(s: str, w: int | None) -> nw.Expr:
    """Column ``s`` (a start time, or :data:`NO_START`) if it is a start within the window of
    ``_t``, else :data:`NO_START`."""
    if w is None:
        return nw.col(s)
    ok = (nw.col(s) >= 0) & ((nw.col("_t") - nw.col(s)) <= w)
    return nw.when(ok).then(nw.col(s)).otherwise(NO_START)


def _sequential(
    ev: nw.LazyFrame, codes: list[int], w: int | None, *, open_funnel: bool
) -> nw.LazyFrame:
    """Rows (events, or tie groups when a step is listed twice) with ``user_id``, ``_t`` and
    ``_s0``..``_s{k-1}``: the latest start time of a chain reaching step j in the row
    (:data:`NO_START`: none), see the module docstring."""
    k = len(codes)
    f = ev  # funnel events (rows with ``_p`` = k, other steps, serve no step)
    if open_funnel:  # entry: the code of the first funnel event (ties: the smallest code)
        first = nw.when(nw.col("_p") < k).then(nw.col("_t"))
        f = f.with_columns(_tmin=first.min().over(_U))
        f = f.with_columns(
            _e=nw.when(nw.col("_t") == nw.col("_tmin")).then(nw.col("_p")).min().over(_U)
        ).drop("_tmin")
    repeated = len(set(codes)) < k
    if not repeated:
        order_by = ["_t", "_p"]
        for j in range(k):
            here = nw.col("_p") == j
            cands = []
            if j == 0 or open_funnel:
                start = here & (nw.col("_e") == j) if open_funnel else here
                cands.append(nw.when(start).then(nw.col("_t")).otherwise(NO_START))
            if j > 0:
                cands.append(nw.when(here).then(_within(f"_m{j - 1}", w)).otherwise(NO_START))
            s = cands[0] if len(cands) == 1 else nw.max_horizontal(*cands)
            f = f.with_columns(s.alias(f"_s{j}"))
            if j < k - 1:  # running maximum; only rows of step j hold a start in ``_s{j}``
                f = f.with_columns(
                    nw.col(f"_s{j}").cum_max().over(_U, order_by=order_by).alias(f"_m{j}")
                )
        return f.drop([f"_m{j}" for j in range(k - 1)])
    # a step listed twice: tie groups (events at one user and time) with counts per code
    distinct = sorted(set(codes))
    keys = [_U, "_t"]
    aggs = [
        (nw.col("_p") == c).cast(nw.Int64).sum().cast(nw.Int64).alias(f"_n{c}") for c in distinct
    ]
    if open_funnel:
        aggs.append(nw.col("_e").max())
    g = f.group_by(*keys).agg(*aggs, nw.len().cast(nw.Int64).alias("_w"))
    for j in range(k):
        cands = []
        for e in range(j + 1) if open_funnel else [0]:  # a chain starting in this group
            if codes[e] != e:
                continue
            cond = _holds(codes, e, j)
            if open_funnel:
                cond = cond & (nw.col("_e") == e)
            cands.append(nw.when(cond).then(nw.col("_t")).otherwise(NO_START))
        for i in range(j):  # a chain at step i in an earlier group
            m = nw.col(f"_m{i}")
            cands.append(nw.when(_holds(codes, i + 1, j)).then(m).otherwise(NO_START))
        s = cands[0] if len(cands) == 1 else nw.max_horizontal(*cands)
        g = g.with_columns(s.alias(f"_s{j}"))
        if w is not None:
            g = g.with_columns(_within(f"_s{j}", w).alias(f"_s{j}"))
        if j < k - 1:
            g = g.with_columns(nw.col(f"_s{j}").cum_max().over(_U, order_by="_t").alias(f"_m{j}"))
            g = g.with_columns(
                nw.col(f"_m{j}").shift(1).over(_U, order_by="_t").fill_null(NO_START)
            )
    return g.drop([f"_m{j}" for j in range(k - 1)] + [f"_n{c}" for c in distinct])


def _row_level(k: int) -> nw.Expr:
    """The last step reached in a row of :func:`_sequential` (1-based, 0 for none)."""
    lvl: nw.Expr = nw.lit(0, dtype=nw.Int64)
    for j in range(k):
        lvl = nw.when(nw.col(f"_s{j}") >= 0).then(j + 1).otherwise(lvl)
    return lvl


def _level_from(codes: list[int], e: int, ok: _Ok) -> nw.Expr:
    """Last step reached (1-based) when entering at ``e``: e plus the number of prefixes
    e..j whose multiset ``ok(code, m)`` holds (m events of the code)."""
    level: nw.Expr = nw.lit(e, dtype=nw.Int64)
    need: dict[int, int] = {}
    cond: nw.Expr = nw.lit(True)
    for j in range(e, len(codes)):
        need[codes[j]] = need.get(codes[j], 0) + 1
        cond = cond & ok(codes[j], need[codes[j]])
        level = level + cond.cast(nw.Int64)
    return level


def _any_order(
    ev: nw.LazyFrame,
    codes: list[int],
    w: int | None,
    *,
    open_funnel: bool,
    has_ts: bool,
) -> nw.LazyFrame:
    """One row per user with an event: ``user_id``, ``_lvl``, ``_e`` for the
    any-order funnel (and membership, without timestamps); module docstring."""
    f = ev  # funnel events (rows with ``_p`` = k, other steps, serve no step)
    distinct = sorted(set(codes))
    mult = Counter(codes)
    entries = distinct if open_funnel else [0]

    def level(ok: _Ok) -> nw.Expr:
        if not open_funnel:
            return _level_from(codes, 0, ok)
        out: nw.Expr = nw.lit(0, dtype=nw.Int64)
        for e in entries:
            out = nw.when(nw.col("_e") == e).then(_level_from(codes, e, ok)).otherwise(out)
        return out

    if w is None or not has_ts:
        per = f.group_by(_U).agg(
            *(
                (nw.col("_p") == c).cast(nw.Int64).sum().cast(nw.Int64).alias(f"_n{c}")
                for c in distinct
            ),
            nw.col("_p").min().alias("_e"),
            nw.len().cast(nw.Int64).alias("_ev"),
        )
        lvl = level(lambda c, m: nw.col(f"_n{c}") >= m)
        e = nw.col("_e") if open_funnel else nw.lit(0, dtype=nw.Int64)
        return per.select(_U, lvl.alias("_lvl"), e.cast(nw.Int64).alias("_e"), "_ev")
    if open_funnel:
        f = f.with_columns(_e=nw.col("_p").min().over(_U))
    # per (code c, m): the time of the m-th event of c from this one on (same code)
    leads = []
    for c in distinct:
        for m in range(1, mult[c] + 1):
            t = (
                nw.col("_t")
                if m == 1
                else nw.col("_t").shift(-(m - 1)).over(_U, "_p", order_by="_t")
            )
            v = nw.when((nw.col("_p") == c) & ~t.is_null()).then(t).otherwise(NO_END)
            leads.append(v.alias(f"_v{c}_{m}"))
    f = f.with_columns(*leads)
    f = f.with_columns(
        nw.col(f"_v{c}_{m}").cum_min(reverse=True).over(_U, order_by=["_t", "_p"])
        for c in distinct
        for m in range(1, mult[c] + 1)
    )
    end = nw.col("_t") + w
    lvl = level(lambda c, m: nw.col(f"_v{c}_{m}") <= end)
    f = f.with_columns(lvl.alias("_lvl"))
    return _per_user(f, open_funnel)


def _per_user(f: nw.LazyFrame, open_funnel: bool) -> nw.LazyFrame:
    """One row per user: ``user_id``, ``_lvl`` (the largest row level), ``_e``, ``_ev`` (the
    user's events: rows, or the tie groups' ``_w``)."""
    events = nw.col("_w").sum() if "_w" in f.collect_schema().names() else nw.len()
    aggs = [nw.col("_lvl").max(), events.cast(nw.Int64).alias("_ev")]
    if open_funnel:
        return f.group_by(_U).agg(*aggs, nw.col("_e").max())
    per = f.group_by(_U).agg(*aggs)
    return per.with_columns(_e=nw.lit(0, dtype=nw.Int64))


# --------------------------------------------------------------------------------------------
# Sequential closed funnel with step times, no step listed twice (module docstring)
# --------------------------------------------------------------------------------------------


def _best_attempts(
    ev: nw.LazyFrame, k: int, w: int | None, *, with_others: bool = False
) -> nw.LazyFrame:
    """One row per user with a funnel event (``with_others``: with any event of ``ev``, at
    level 0 when it reached no step): ``user_id``, ``_lvl`` (steps reached) and ``_ts0``..
    ``_ts{k-1}`` (when each step was reached in the best attempt, null from ``_lvl`` on; only
    their differences mean something), for ``k`` distinct steps, in one window per step
    over the rows of two adjacent steps.

    A chain at step j is a start (a step-1 event) and T_1..T_j: T_i(s) is the earliest event
    of step i among those that a chain starting at s or later reaches (so T_i(s) = min t over
    the step-i events with start >= s, the definition of :func:`_timed_counts`). One row per
    (user, start) holds a chain, at the time T_j. Step j's window (user; time, step) runs on
    the chains at step j-1, the later steps' events and the done rows: an event of step j
    continues the latest start before it (running maximum, kept within the window), and its
    T_i are the running maxima of those chains' T_i (a user's chains come in time order with
    growing starts and T_i, so the maximum is the latest chain's). A group-by then keeps one
    row per new chain (its earliest event: T_j). The chains at step j-1 become the user's
    done row of level j-1 (their maxima: the latest chain's T_i), which rides along, last in
    the user's rows, until a chain of the next level replaces it. Every intermediate result
    is used once: a lazy engine would compute it again for a second use. The users who
    reached step 1 (and, ``with_others``, every user) come from a second read of ``ev``.

    Rows: ``_p`` = the step of an event (the chains at j-1 have j-1), or -(level+2) for a done
    row; ``_t`` its time (:data:`NO_END` for a done row); ``_s`` the start; ``_v{i}`` T_i
    (1 <= i < j); ``_x`` the last T of a done row."""
    first = nw.col("_p") == 0
    ds = [f"_d{lvl}_{i}" for lvl in range(1, k) for i in range(lvl + 1)]
    rows = ev.filter(nw.col("_p") < k).select(
        nw.col(_U),
        nw.col("_p").cast(nw.Int64),
        nw.col("_t").cast(nw.Int64),
        nw.when(first).then(nw.col("_t")).otherwise(NO_START).cast(nw.Int64).alias("_s"),
        nw.lit(NO_START, dtype=nw.Int64).alias("_x"),
    )
    for j in range(1, k):
        rows = _next_step(rows, j, w)
    # the chains at the last step are its done rows; each done row into its level's columns
    last = nw.col("_p") == k - 1
    rows = rows.with_columns(
        nw.when(last).then(-(k - 1 + 2)).otherwise(nw.col("_p")).alias("_p"),
        nw.when(last).then(nw.col("_t")).otherwise(nw.col("_x")).alias("_x"),
    )
    cols: list[nw.Expr] = [nw.lit(NO_START, dtype=nw.Int64).alias("_d0_0")]
    for lvl in range(1, k):
        at = nw.col("_p") == -(lvl + 2)
        for i in range(lvl + 1):
            src = nw.col("_x" if i == lvl else "_s" if i == 0 else f"_v{i}")
            cols.append(
                nw.when(at).then(src).otherwise(NO_START).cast(nw.Int64).alias(f"_d{lvl}_{i}")
            )
    rows = rows.select(nw.col(_U), *cols) if k > 1 else None
    # the users who reached step 1 (the time of level 1 is only a placeholder: its step
    # times are 0), with the other users when asked
    users = ev if with_others else ev.filter(first)
    reached = nw.when(first).then(0).otherwise(NO_START).cast(nw.Int64).alias("_d0_0")
    empty = [nw.lit(NO_START, dtype=nw.Int64).alias(c) for c in ds]
    users = users.group_by(_U).agg(reached.max()).select(nw.col(_U), "_d0_0", *empty)
    rows = users if rows is None else nw.concat([rows, users], how="vertical")
    per = rows.group_by(_U).agg(*(nw.col(c).max() for c in ["_d0_0", *ds]))
    lvl_: nw.Expr = nw.lit(0, dtype=nw.Int64)
    for n in range(k):
        lvl_ = nw.when(nw.col(f"_d{n}_0") >= 0).then(n + 1).otherwise(lvl_)
    per = per.with_columns(lvl_.alias("_lvl"))
    times = []
    for i in range(k):
        t: nw.Expr = nw.lit(None, dtype=nw.Int64)
        for n in range(i, k):
            t = nw.when(nw.col("_lvl") == n + 1).then(nw.col(f"_d{n}_{i}")).otherwise(t)
        times.append(t.alias(f"_ts{i}"))
    return per.select(_U, "_lvl", *times)


def _next_step(rows: nw.LazyFrame, j: int, w: int | None) -> nw.LazyFrame:
    """Step j of :func:`_best_attempts`: the chains at step j-1 and the events of step j
    give the chains at step j; the chains at j-1 become done rows (from level 1 on) and
    replace the older done rows of their users."""
    prev = nw.col("_p") == j - 1
    done = nw.col("_p") < 0
    vs = [f"_v{i}" for i in range(1, j - 1)]  # the chains' T_1..T_{j-2}
    carried = {"_m0": "_s"} | {f"_m{i}": v for i, v in enumerate(vs, 1)}
    if j > 1:
        carried[f"_m{j - 1}"] = "_t"
    rows = rows.with_columns(
        nw.when(prev).then(nw.col(c)).otherwise(NO_START).alias(m) for m, c in carried.items()
    )
    rows = rows.with_columns(nw.col(m).cum_max().over(_U, order_by=["_t", "_p"]) for m in carried)
    event = nw.col("_p") == j
    here = event & (nw.col("_m0") >= 0)
    if w is not None:
        here = here & ((nw.col("_t") - nw.col("_m0")) <= w)
    # a done row is last in its user's rows: its _m0 says whether the user has a chain at j-1
    drop = (event & ~here) | (done & (nw.col("_m0") >= 0))
    if j == 1:  # the users who reached step 1 are counted apart
        drop = drop | prev
    rows = rows.filter(~drop)

    def pick(cont: nw.Expr | int, fin: nw.Expr | int, keep: nw.Expr | int) -> nw.Expr:
        """The value for an event continuing a chain, a chain at j-1, any other row."""
        return nw.when(here).then(cont).when(prev).then(fin).otherwise(keep).cast(nw.Int64)

    rows = rows.select(
        nw.col(_U),
        pick(j, -(j - 1 + 2), nw.col("_p")).alias("_p"),
        pick(nw.col("_t"), NO_END, nw.col("_t")).alias("_t"),
        pick(nw.col("_m0"), nw.col("_s"), nw.col("_s")).alias("_s"),
        pick(NO_START, nw.col("_t"), nw.col("_x")).alias("_x"),
        *(pick(nw.col(f"_m{i}"), nw.col(v), nw.col(v)).alias(v) for i, v in enumerate(vs, 1)),
        *([pick(nw.col(f"_m{j - 1}"), NO_START, NO_START).alias(f"_v{j - 1}")] if j > 1 else []),
    )
    # one row per new chain (user, start), per later event, per user's done row
    g = nw.when(nw.col("_p") == j).then(nw.col("_s"))
    g = g.when(nw.col("_p") > j).then(nw.col("_t")).otherwise(0).cast(nw.Int64)
    names = rows.collect_schema().names()
    return (
        rows.with_columns(g.alias("_g"))
        .group_by(_U, "_p", "_g")
        .agg(nw.col("_t").min(), *(nw.col(c).max() for c in names if c not in (_U, "_p", "_t")))
        .select(names)
    )


def _level_counts(
    ev: nw.LazyFrame,
    users: nw.LazyFrame | None,
    codes: list[int],
    w: int | None,
    by: list[str],
    order: str,
    open_funnel: bool,
    has_ts: bool,
) -> pl.DataFrame:
    """Users per (by…, ``_lvl``, ``_e``) as ``_n`` and their events as ``_ev``, computed in
    the engine."""
    if order == "any" or not has_ts:
        per = _any_order(ev, codes, w, open_funnel=open_funnel, has_ts=has_ts)
    else:
        f = _sequential(ev, codes, w, open_funnel=open_funnel)
        f = f.with_columns(_row_level(len(codes)).alias("_lvl"))
        per = _per_user(f, open_funnel)
    agg = (
        _in_view(per, users)
        .group_by(*by, "_lvl", "_e")
        .agg(nw.len().cast(nw.Int64).alias("_n"), nw.col("_ev").sum().cast(nw.Int64).alias("_ev"))
    )
    out = collect(agg)
    return out.with_columns(pl.col("_lvl").cast(pl.Int32), pl.col("_e").fill_null(0).cast(pl.Int32))


def _timed_counts(
    ev: nw.LazyFrame,
    users: nw.LazyFrame | None,
    steps: list[str],
    codes: list[int],
    w: int | None,
    by: list[str],
) -> tuple[pl.DataFrame, pl.DataFrame | None]:
    """Sequential closed funnel with timestamps, in one engine query per breakdown: users per
    step and the step times of each user's best attempt (:func:`kpi.funnel.step_times`: the
    latest start among the attempts reaching the user's last step, the earliest event of each
    step in it). Returns the users per (by…, ``_lvl``, ``_e``) and the step-time rows (None
    when the engine has no median or quantile: the table then has no time columns, as for a
    funnel whose step times do not apply)."""
    k = len(codes)
    if len(set(codes)) == k:
        per = _best_attempts(ev, k, w, with_others=bool(by))
    else:
        per = _repeated_attempts(ev, codes, w)
    return _time_table(per, users, steps, by)


def _time_table(
    per: nw.LazyFrame, users: nw.LazyFrame | None, steps: list[str], by: list[str]
) -> tuple[pl.DataFrame, pl.DataFrame | None]:
    """:func:`_timed_counts`'s result from one row per user (``user_id``, ``_lvl``,
    ``_ts0``..``_ts{k-1}``): the users per level and the step-time rows, in one query."""
    k = len(steps)
    secs = []
    for j in range(k):
        prev = nw.col(f"_ts{j}") - nw.col(f"_ts{j - 1}" if j else "_ts0")
        first = nw.col(f"_ts{j}") - nw.col("_ts0")
        secs += [
            (prev.cast(nw.Float64) / US).alias(f"_prev{j}"),
            (first.cast(nw.Float64) / US).alias(f"_first{j}"),
        ]
    per = _in_view(per, users).select(_U, *by, "_lvl", *secs)
    counts = [
        (nw.col("_lvl") > j).cast(nw.Int64).sum().cast(nw.Int64).alias(f"_r{j}") for j in range(k)
    ]
    total = nw.len().cast(nw.Int64).alias("_all")
    try:
        stats = _time_stats(k)
        q = (
            per.group_by(*by).agg(total, *counts, *stats)
            if by
            else per.select(total, *counts, *stats)
        )
        wide = collect(q)
    except _no_median_errors():  # no median in this engine: the table without step times
        q = per.group_by(*by).agg(total, *counts) if by else per.select(total, *counts)
        wide = collect(q)
    return _counts_from_reached(wide, k, by), _time_rows(wide, steps, by)


def _repeated_attempts(ev: nw.LazyFrame, codes: list[int], w: int | None) -> nw.LazyFrame:
    """:func:`_best_attempts` when a step is listed twice: the tie groups of
    :func:`_sequential` over all the user's events, then the best attempt (the latest start
    reaching the user's last step) in two window passes."""
    k = len(codes)
    f = _sequential(ev, codes, w, open_funnel=False)
    f = f.with_columns(_row_level(k).alias("_r"))
    f = f.with_columns(_L=nw.col("_r").max().over(_U))
    last: nw.Expr = nw.lit(NO_START, dtype=nw.Int64)
    for j in range(k):
        last = nw.when(nw.col("_L") == j + 1).then(nw.col(f"_s{j}")).otherwise(last)
    f = f.with_columns(_star=last.max().over(_U))
    return f.group_by(_U).agg(
        nw.col("_L").max().alias("_lvl"),
        *(
            nw.when((nw.col(f"_s{j}") >= 0) & (nw.col(f"_s{j}") >= nw.col("_star")))
            .then(nw.col("_t"))
            .min()
            .alias(f"_ts{j}")
            for j in range(k)
        ),
    )


def _time_stats(k: int) -> list[nw.Expr]:
    """Per step j: the median (``a{j}``) and 90th percentile (``b{j}``, linear) of the seconds
    from the previous step, the same from step 1 (``c{j}``, ``d{j}``)."""
    stats = []
    for j in range(k):
        stats += [
            nw.col(f"_prev{j}").median().alias(f"a{j}"),
            nw.col(f"_prev{j}").quantile(0.9, "linear").alias(f"b{j}"),
            nw.col(f"_first{j}").median().alias(f"c{j}"),
            nw.col(f"_first{j}").quantile(0.9, "linear").alias(f"d{j}"),
        ]
    return stats


def _no_median_errors() -> tuple[type[Exception], ...]:
    """What the layer raises for an aggregate the engine does not have (median, quantile)."""
    errors: list[type[Exception]] = [NotImplementedError]
    try:
        from ibis.common.exceptions import TranslationError
    except ImportError:  # pragma: no cover - ibis is optional
        return tuple(errors)
    errors.append(TranslationError)
    return tuple(errors)


def _counts_from_reached(wide: pl.DataFrame, k: int, by: list[str]) -> pl.DataFrame:
    """Users per (by…, ``_lvl``, ``_e``=0) from the users who reached each step (``_r{j}``)
    and all users (``_all``): level L = reached L − reached L+1."""
    reached = [pl.col("_all"), *(pl.col(f"_r{j}").fill_null(0) for j in range(k))]
    frames = []
    for lvl in range(k + 1):
        nxt = reached[lvl + 1] if lvl < k else pl.lit(0, dtype=pl.Int64)
        frames.append(
            wide.select(
                *by,
                pl.lit(lvl, dtype=pl.Int32).alias("_lvl"),
                pl.lit(0, dtype=pl.Int32).alias("_e"),
                (reached[lvl] - nxt).cast(pl.Int64).alias("_n"),
            )
        )
    return pl.concat(frames)


def _time_rows(wide: pl.DataFrame, steps: list[str], by: list[str]) -> pl.DataFrame | None:
    """The rows of :func:`kpi.funnel.timing._time_rows` (by…, step, users, the four times)
    from the engine's one row per segment; None without the time columns."""
    if "a0" not in wide.columns:
        return None
    frames = []
    for j, name in enumerate(steps):
        frames.append(
            wide.select(
                *by,
                pl.lit(j, dtype=pl.Int32).alias("_j"),
                pl.lit(name, dtype=pl.String).alias("step"),
                pl.col(f"_r{j}").cast(pl.Int64).alias("users"),
                *(
                    pl.col(f"{x}{j}").cast(pl.Float64).alias(name_)
                    for x, name_ in zip("abcd", TIME_COLUMNS, strict=True)
                ),
            )
        )
    out = pl.concat(frames).filter(pl.col("users") > 0).sort([*by, "_j"], nulls_last=True)
    return out.select(*by, "step", "users", *TIME_COLUMNS)
