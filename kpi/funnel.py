"""Funnels: unique users per step, by segment, with times, trends and plain-language insights.

Semantics (DESIGN.md, "Semantics"):

- **Sequential** (default, PostHog's ordered funnel): a user reaches step k when they did
  steps 1..k in order (``ts`` non-decreasing), the last of them at most ``window`` after the
  step-1 event (inclusive: exactly ``window`` later still counts). Any step-1 event may start
  an attempt and the best attempt counts, so ``users(k) <= users(k-1)``. Events with equal
  timestamps are taken in whichever order lets the user progress furthest (steps A → B → A
  with A at t, B and A both at t + 1 s reach step 3), each event serving one step only. A
  step listed twice means doing it twice (two events).
- **Any order**: a user reaches step k when some interval of length ``window`` (unlimited
  when None) holds distinct events for every step 1..k (a step listed twice needs two events).
  This is not PostHog's unordered funnel, where step k counts users who completed *any* k of
  the steps: here steps 1..k themselves must all be done, so counts can be lower.
- **Membership** (no ``ts`` column): reached k = has events for steps 1..k (order unknown).
- **Open funnel** (``open_funnel=True``, like GA4): users may enter at any step. Sequential:
  a user enters at the step of their first funnel event (earliest ``ts``; at equal times the
  earliest listed step) and then progresses with the rules above from there. Any order (and
  membership): a user enters at the first listed step they did (ever), and reaches step
  k >= entry when one interval of length ``window`` holds steps entry..k (any order). They
  count at their entry step and at each later step reached; ``users(k)`` may then exceed
  ``users(k-1)``.

``conversion`` = users(k) / users(1); ``step_conversion`` = users(k) / users(k-1) (1.0 for
step 1). A rate whose denominator is 0 is null. Segments (``by`` columns of ``events``) take
the value on the user's first event (first touch); a missing text value becomes "(none)".

Speed: the sequential funnel never joins per step-1 event. Events are sorted once by
(user, ts, step position); when a step is listed twice and the data has events at equal
(user, ts), those events are collapsed into one row counting each step (without repeated
steps, the sort by step position already takes ties in the best order); for each step one vectorised pass carries the latest
valid start of a chain (a running maximum of the start's row number, restarted at each user
by comparing it with the user's first row), see the note "Computing the sequential funnel
fast". A row holding several steps extends a chain by several steps at once.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import polars as pl

from kpi.definitions import Definition
from kpi.errors import InputError, SchemaError
from kpi.segments import NONE

Order = Literal["sequential", "any"]
Grain = Literal["day", "week", "month"]

DEFINITIONS: dict[str, Definition] = {
    "conversion": Definition(
        "Conversion",
        "Users who reached the step ÷ users who did the first step (in order, within the "
        "conversion window measured from the first step).",
        "rate",
        "funnel",
    ),
    "step_conversion": Definition(
        "Step conversion",
        "Users who reached the step ÷ users who reached the previous step.",
        "rate",
        "funnel",
    ),
    "drop_off": Definition(
        "Drop-off",
        "Users who reached the previous step − users who reached the step; the drop-off rate "
        "is that number ÷ users who reached the previous step.",
        "count",
        "funnel",
    ),
    "time_to_convert": Definition(
        "Time to convert",
        "Time from the first step to the last step in each converting user's best attempt "
        "(the attempt with the latest start); median and 90th percentile over those users.",
        "seconds",
        "funnel",
    ),
}

_US = 1_000_000  # microseconds per second


# --------------------------------------------------------------------------------------------
# Preparation: one sorted frame of funnel events with integer codes
# --------------------------------------------------------------------------------------------


def _check(events: pl.DataFrame, steps: Sequence[str], by: Sequence[str], order: str) -> None:
    if not isinstance(events, pl.DataFrame):
        raise InputError("The events must be a table (polars DataFrame).")
    missing = [c for c in ("user_id", "step", *by) if c not in events.columns]
    if missing:
        raise SchemaError(
            f"The events table has no column {', '.join(repr(c) for c in missing)}.",
            "Choose which column holds the user, the step (event name) and each segment.",
        )
    if len(steps) == 0:
        raise InputError("No funnel steps were chosen.", "Pick at least one step.")
    if order not in ("sequential", "any"):
        raise InputError(f"Unknown funnel order {order!r}.", 'Use "sequential" or "any".')


def _window_us(window: dt.timedelta | None) -> int | None:
    if window is None:
        return None
    if not isinstance(window, dt.timedelta):
        raise InputError("The conversion window must be a duration (e.g. 7 days) or none.")
    if window < dt.timedelta(0):
        raise InputError("The conversion window cannot be negative.", "Use a positive duration.")
    return window // dt.timedelta(microseconds=1)


def _ts_us(events: pl.DataFrame) -> pl.Expr:
    dtype = events.schema["ts"]
    if dtype == pl.Date or isinstance(dtype, pl.Datetime):
        return pl.col("ts").dt.epoch("us")
    if dtype.is_numeric():  # seconds since any origin
        return (pl.col("ts").cast(pl.Float64) * _US).round().cast(pl.Int64)
    raise SchemaError(
        f"The timestamp column has type {dtype}, not dates or times.",
        "Choose a date/time column for the timestamp or convert it when loading.",
    )


@dataclass(frozen=True)
class _Prepared:
    """Funnel events sorted by (user, ts, step code), one row per user, and time units.

    ``frame`` has ``_u`` (integer user key), ``_p`` (step code: first position of the event's
    name in ``steps``) and ``_t`` (time in units of ``scale`` µs after ``t0`` µs, when there
    are timestamps). ``users`` (when segments or ids are asked for) has ``_u``, ``user_id`` and
    the ``by`` columns taken from each user's first event. ``codes[j]`` matches position j.
    ``aligned`` is True when ``users`` lists the same users in the same order as ``frame``.
    """

    frame: pl.DataFrame
    users: pl.DataFrame | None
    codes: list[int]
    scale: int = 1
    t0: int = 0
    aligned: bool = False


def _bits(n: int) -> int:
    return max(int(n), 0).bit_length()


def _prepare(
    events: pl.DataFrame,
    steps: Sequence[str],
    by: Sequence[str],
    *,
    use_ts: bool,
    keep_ids: bool = False,
) -> _Prepared:
    """Encode users, steps and times as integers and sort once (see :class:`_Prepared`).

    When user key, time and step code fit together in 62 bits the sort is on one Int64 key
    (several times faster than a three-column sort); times are kept in whole seconds or
    milliseconds when every timestamp is a multiple of one.
    """
    first_pos: dict[str, int] = {}
    for i, name in enumerate(steps):
        first_pos.setdefault(str(name), i)
    codes = [first_pos[str(name)] for name in steps]
    k = len(steps)  # code of events whose step is not in the funnel
    dtype = pl.Int8 if k < 127 else pl.Int32

    if events.schema["user_id"].is_integer():
        user = pl.col("user_id").cast(pl.Int64)
    else:
        user = pl.col("user_id").cast(pl.String).cast(pl.Categorical).to_physical().cast(pl.Int64)
    step = pl.col("step")
    if events.schema["step"] != pl.String:
        step = step.cast(pl.String)
    cols = [
        user.alias("_u"),
        step.replace_strict(first_pos, default=k, return_dtype=dtype).alias("_p"),
    ]
    if use_ts:
        cols.append(_ts_us(events).alias("_t"))
    need_users = bool(by) or keep_ids
    lazy = events.lazy().select(cols)
    if need_users:
        lazy = lazy.with_row_index("_i")
    lazy = lazy.filter(pl.col("_u").is_not_null())
    if use_ts:
        lazy = lazy.filter(pl.col("_t").is_not_null())
    if not need_users:
        lazy = lazy.filter(pl.col("_p") < k)
    stats = (
        lazy.select(
            pl.len().alias("n"),
            pl.col("_u").min().alias("umin"),
            pl.col("_u").max().alias("umax"),
            *(
                [
                    pl.col("_t").min().alias("tmin"),
                    pl.col("_t").max().alias("tmax"),
                    (pl.col("_t") % 1_000_000 == 0).all().alias("s"),
                    (pl.col("_t") % 1_000 == 0).all().alias("ms"),
                ]
                if use_ts
                else []
            ),
        )
        .collect()
        .row(0, named=True)
    )

    scale, t0 = 1, 0
    keys = ["_u", "_t", "_p"] if use_ts else ["_u", "_p"]
    rest = ["_i"] if need_users else []
    if stats["n"] == 0:
        frame = lazy.sort(keys).collect()
    else:
        if use_ts:
            scale = 1_000_000 if stats["s"] else 1_000 if stats["ms"] else 1
            t0 = stats["tmin"]
            tbits = _bits((stats["tmax"] - t0) // scale)
        else:
            tbits = 0
        pbits = _bits(k)
        ubits = _bits(stats["umax"] - stats["umin"])
        rel_t = (pl.col("_t") - t0) // scale if use_ts else None
        if ubits + tbits + pbits <= 62:
            key = (pl.col("_u") - stats["umin"]) * 2 ** (tbits + pbits) + pl.col("_p").cast(
                pl.Int64
            )
            if rel_t is not None:
                key = key + rel_t * 2**pbits
            decoded = [
                ((pl.col("_key") // 2 ** (tbits + pbits)) + stats["umin"]).alias("_u"),
                (pl.col("_key") % 2**pbits).cast(dtype).alias("_p"),
            ]
            if use_ts:
                decoded.append(((pl.col("_key") // 2**pbits) % 2**tbits).alias("_t"))
            frame = (
                lazy.select(key.alias("_key"), *rest).sort("_key").select(*decoded, *rest).collect()
            )
        else:
            if rel_t is not None:
                lazy = lazy.with_columns(rel_t.alias("_t"))
            frame = lazy.sort(keys).collect()

    users: pl.DataFrame | None = None
    aligned = False
    if need_users:
        # first touch: the user's earliest event, and among equal times (or without
        # timestamps) the one that comes first in the file
        u = pl.col("_u")
        is_first = u != u.shift(1).fill_null(u - 1)
        if use_ts:
            first_t = pl.when(is_first).then(pl.col("_t")).otherwise(None).forward_fill()
            firsts = frame.filter(pl.col("_t") == first_t)
        else:
            firsts = frame
        if firsts.select(is_first.all()).item():
            idx = firsts.get_column("_i")
        else:
            firsts = firsts.group_by("_u", maintain_order=True).agg(pl.col("_i").min())
            idx = firsts.get_column("_i")
        extra = [*(["user_id"] if keep_ids else []), *by]
        users = pl.concat([firsts.select("_u"), events.select(extra).gather(idx)], how="horizontal")
        users = users.with_columns(
            pl.col(b).fill_null(NONE) for b in by if users.schema[b] == pl.String
        )
        funnel_rows = frame.filter(pl.col("_p") < k).drop("_i")
        aligned = funnel_rows.height == frame.height
        frame = funnel_rows
    cols_out = ["_u", "_t", "_p"] if use_ts else ["_u", "_p"]
    return _Prepared(frame.select(cols_out), users, codes, scale, t0, aligned)


def _with_user_bounds(frame: pl.LazyFrame) -> pl.LazyFrame:
    r = pl.int_range(pl.len(), dtype=pl.Int64)
    return frame.with_columns(
        _r=r,
        _us=pl.when(pl.col("_u") != pl.col("_u").shift(1))
        .then(r)
        .otherwise(None)
        .fill_null(0)
        .cum_max(),
        _last=(pl.col("_u") != pl.col("_u").shift(-1)).fill_null(True),
    )


# --------------------------------------------------------------------------------------------
# Core passes
# --------------------------------------------------------------------------------------------


def _tie_groups(
    frame: pl.DataFrame, codes: list[int], *, open_funnel: bool
) -> tuple[pl.LazyFrame, int, dict[int, pl.Expr]]:
    """Events at the same (user, ts) collapsed into one row, the largest such group's size,
    and per step code c an expression for how many events of the row have code c (digits of
    one packed running sum when they fit in 62 bits, then one column per code). Without ties,
    or when no step is listed twice, the frame is returned as it is (size 1) and the count is
    ``_p == c``."""
    u, t = pl.col("_u"), pl.col("_t")
    new = ((u != u.shift(1)) | (t != t.shift(1))).fill_null(True)
    lf = frame.lazy()
    if open_funnel:  # entry = the user's first event's step (ties: the earliest listed step)
        first = (u != u.shift(1)).fill_null(True)
        lf = lf.with_columns(_e=pl.when(first).then(pl.col("_p")).otherwise(None).forward_fill())
    single = {c: (pl.col("_p") == c).cast(pl.Int32) for c in set(codes)}
    if all(a < b for a, b in itertools.pairwise(codes)):
        # no step listed twice: codes increase along the funnel, so events sorted by code
        # within a timestamp already serve every chain in order (no collapse needed)
        return lf, 1, single
    if frame.height == 0 or frame.select(new.all()).item():
        return lf, 1, single
    starts = frame.select(pl.int_range(pl.len(), dtype=pl.Int64).filter(new).alias("i"))
    size = int(
        starts.select(pl.col("i").diff().max().fill_null(0).alias("d"), pl.col("i").max())
        .with_columns(pl.max_horizontal("d", frame.height - pl.col("i")))
        .item(0, 0)
    )
    distinct = sorted(set(codes))
    base = size + 1  # a group holds at most `size` events of a code: one base-`base` digit each
    packed = base ** len(distinct) < 2**62
    if packed:  # one running sum of base**digit(code) instead of one per code
        weight = {c: base**d for d, c in enumerate(distinct)}
        counts = [pl.col("_p").replace_strict(weight, default=0, return_dtype=pl.Int64).alias("_m")]
    else:
        counts = [(pl.col("_p") == c).cast(pl.Int32).alias(f"_n{c}") for c in distinct]
    names = [c.meta.output_name() for c in counts]
    lf = lf.with_columns(*(c.cum_sum() for c in counts), _gl=new.shift(-1).fill_null(True)).filter(
        pl.col("_gl")
    )
    lf = lf.with_columns(pl.col(n) - pl.col(n).shift(1, fill_value=0) for n in names)
    keep = ["_u", "_t", *(["_e"] if open_funnel else []), *names]
    lf = lf.select(keep)
    if packed:  # one small column per code, read by every step's pass
        small = pl.Int16 if base < 2**15 else pl.Int32
        lf = lf.with_columns(
            ((pl.col("_m") // weight[c]) % base).cast(small).alias(f"_n{c}") for c in distinct
        ).drop("_m")
    return lf, size, {c: pl.col(f"_n{c}") for c in distinct}


def _sequential(
    frame: pl.DataFrame, codes: list[int], window: int | None, *, open_funnel: bool
) -> pl.DataFrame:
    """Add ``_s{j}``: the latest valid start row of a chain whose step j is in this row.

    Rows are the user's tie groups (events at one timestamp, see :func:`_tie_groups`): a
    chain may take events of a group in any order, so it reaches step j in group G when it
    reached some step i < j in an earlier group (latest such start: running maximum of
    ``_s{i}`` over the earlier rows) and G holds the steps i+1..j (as a multiset), or when G
    alone holds steps 1..j (a start in G; open funnel: the entry step..j).
    """
    g, size, count = _tie_groups(frame, codes, open_funnel=open_funnel)
    f = _with_user_bounds(g)
    k = len(codes)

    def holds(a: int, b: int) -> pl.Expr | None:
        """The row holds the steps a..b (0-based, inclusive) as a multiset, or None if never."""
        span = codes[a : b + 1]
        if len(span) > size:
            return None
        need = {c: span.count(c) for c in span}
        if size == 1:
            return pl.col("_p") == span[0]
        cond = pl.lit(True)
        for c, n in need.items():
            cond = cond & (count[c] >= n)
        return cond

    for j in range(k):
        cands: list[pl.Expr] = []
        entries = range(j + 1) if open_funnel else [0]
        for e in entries:  # a chain starting in this row
            cond = holds(e, j)
            if cond is None:
                continue
            if open_funnel:
                cond = cond & (pl.col("_e") == e)
            cands.append(pl.when(cond).then(pl.col("_r")))
        for i in range(max(0, j - size), j):  # a chain at step i before this row
            cond = holds(i + 1, j)
            if cond is None:
                continue
            cm = pl.col(f"_cm{i}")
            cands.append(pl.when(cond & (cm >= pl.col("_us"))).then(cm))
        f = f.with_columns(pl.max_horizontal(cands).fill_null(-1).alias(f"_s{j}"))
        if window is not None:
            start = pl.col(f"_s{j}")
            elapsed = pl.col("_t") - pl.col("_t").gather(start.clip(0))
            f = f.with_columns(
                pl.when((start >= 0) & (elapsed <= window))
                .then(start)
                .otherwise(-1)
                .alias(f"_s{j}")
            )
        if j < k - 1:
            f = f.with_columns(pl.col(f"_s{j}").cum_max().shift(1, fill_value=-1).alias(f"_cm{j}"))
    return f.drop([f"_cm{i}" for i in range(k - 1)]).collect()


def _per_user_level(f: pl.DataFrame, k: int, *, open_funnel: bool) -> pl.DataFrame:
    """One row per user (in frame order): ``_u``, ``_lvl`` (last step reached, 1-based; 0 for
    none) and ``_e`` (entry position, 0-based; 0 for a closed funnel)."""
    lvl = pl.lit(0, dtype=pl.Int64)
    for j in range(k):
        lvl = pl.when(pl.col(f"_s{j}") >= 0).then(j + 1).otherwise(lvl)
    # per-user maximum in one pass: a running maximum of (user ordinal, level) read at the
    # user's last row
    ordinal = (pl.col("_r") == pl.col("_us")).cast(pl.Int64).cum_sum()
    packed = (ordinal * 256 + lvl).cum_max() - ordinal * 256
    users = f.select(
        "_u",
        packed.cast(pl.Int32).alias("_lvl"),
        (pl.col("_e").cast(pl.Int32) if open_funnel else pl.lit(0, dtype=pl.Int32)).alias("_e"),
        "_last",
    )
    return users.filter(pl.col("_last")).drop("_last")


def _any_order(
    frame: pl.DataFrame,
    steps: Sequence[str],
    codes: list[int],
    window: int | None,
    *,
    open_funnel: bool = False,
) -> pl.DataFrame:
    """One row per user (``_u``, ``_lvl``, ``_e``) for the any-order funnel (module docstring);
    open: the entry ``_e`` is the first listed step the user did, and the interval must hold
    steps entry..k."""
    f = _with_user_bounds(frame.lazy())
    if open_funnel:
        f = f.with_columns(_e=pl.col("_p").min().over("_u"))
    f = f.collect()
    k = len(steps)
    distinct = sorted(set(codes))
    f = f.with_columns(
        (pl.col("_p") == c).cast(pl.Int32).cum_sum().alias(f"_c{c}") for c in distinct
    )
    if window is None or "_t" not in f.columns:
        lo = pl.col("_us")
        f = f.with_columns(_hi=pl.when(pl.col("_last")).then(pl.col("_r")).backward_fill())
        hi = pl.col("_hi")
    else:
        # composite key (user ordinal, dense rank of ts): rows sorted by it
        uniq = f.get_column("_t").unique().sort()
        ordinal = (pl.col("_r") == pl.col("_us")).cast(pl.Int64).cum_sum() - 1
        tsr = pl.lit(uniq).search_sorted(pl.col("_t"), side="left").cast(pl.Int64)
        hir = pl.lit(uniq).search_sorted(pl.col("_t") + window, side="right").cast(pl.Int64) - 1
        f = f.with_columns(_key=(ordinal * 2**32) + tsr, _hikey=(ordinal * 2**32) + hir)
        key = f.get_column("_key")
        f = f.with_columns(
            _lo=key.search_sorted(key, side="left").cast(pl.Int64),
            _hi=key.search_sorted(f.get_column("_hikey"), side="right").cast(pl.Int64) - 1,
        )
        lo, hi = pl.col("_lo"), pl.col("_hi")
    counts = {
        c: pl.col(f"_c{c}").gather(hi)
        - pl.col(f"_c{c}").gather(lo)
        + (pl.col("_p").gather(lo) == c).cast(pl.Int32)
        for c in distinct
    }
    f = f.with_columns(counts[c].alias(f"_n{c}") for c in distinct)

    def level_from(e: int) -> pl.Expr:
        """Last step reached (1-based) by an interval holding steps e..j for j = e, e+1, …"""
        level = pl.lit(e, dtype=pl.Int32)
        need: dict[int, int] = {}
        ok = pl.lit(True)
        for j in range(e, k):
            need[codes[j]] = need.get(codes[j], 0) + 1
            ok = ok & (pl.col(f"_n{codes[j]}") >= need[codes[j]])
            level = level + ok.cast(pl.Int32)
        return level

    if open_funnel:
        level = pl.lit(0, dtype=pl.Int32)
        for e in sorted(set(codes)):
            level = pl.when(pl.col("_e") == e).then(level_from(e)).otherwise(level)
    else:
        level = level_from(0)
    ordinal = (pl.col("_r") == pl.col("_us")).cast(pl.Int64).cum_sum()
    packed = (ordinal * 256 + level).cum_max() - ordinal * 256
    entry = pl.col("_e").cast(pl.Int32) if open_funnel else pl.lit(0, dtype=pl.Int32)
    users = f.select("_u", packed.cast(pl.Int32).alias("_lvl"), entry.alias("_e"), "_last")
    return users.filter(pl.col("_last")).select("_u", "_lvl", "_e")


def _open_membership(frame: pl.DataFrame, steps: Sequence[str], codes: list[int]) -> pl.DataFrame:
    """Open funnel without timestamps: enter at the first listed step done, then 1 by 1."""
    k = len(steps)
    counts = frame.group_by("_u").agg(
        (pl.col("_p") == c).sum().alias(f"_n{c}") for c in sorted(set(codes))
    )
    entry = pl.lit(None, dtype=pl.Int32)
    for j in reversed(range(k)):
        entry = (
            pl.when(pl.col(f"_n{codes[j]}") > 0).then(pl.lit(j, dtype=pl.Int32)).otherwise(entry)
        )
    counts = counts.with_columns(_e=entry)
    reach = []
    for j in range(k):
        cond = pl.col("_e") <= j
        for i in range(j + 1):
            mult = sum(1 for x in range(i, j + 1) if codes[x] == codes[i])
            cond = cond & ((pl.col("_e") > i) | (pl.col(f"_n{codes[i]}") >= mult))
        reach.append(cond.fill_null(False).cast(pl.Int32))
    return counts.select(
        "_u", (pl.col("_e") + pl.sum_horizontal(reach)).cast(pl.Int32).alias("_lvl"), "_e"
    ).with_columns(pl.col("_e").fill_null(0))


def _reach(
    events: pl.DataFrame,
    steps: Sequence[str],
    by: Sequence[str],
    window: dt.timedelta | None,
    order: str,
    open_funnel: bool,
    *,
    keep_ids: bool = False,
) -> tuple[pl.DataFrame, pl.DataFrame | None, _Prepared]:
    """Per-user ``_u``, ``_lvl``, ``_e`` (reached step j ⇔ ``_e <= j < _lvl``); also the
    event frame with the ``_s{j}`` passes (sequential funnels) and the prepared data."""
    _check(events, steps, by, order)
    w = _window_us(window)
    use_ts = "ts" in events.columns
    if w is not None and not use_ts:
        raise InputError(
            "A conversion window needs event timestamps, and these events have none.",
            "Remove the window, or load a file with a date/time column.",
        )
    prep = _prepare(events, steps, by, use_ts=use_ts, keep_ids=keep_ids)
    units = None if w is None else w // prep.scale
    if not use_ts and open_funnel:
        return _open_membership(prep.frame, steps, prep.codes), None, prep
    if order == "any" or not use_ts:
        return _any_order(prep.frame, steps, prep.codes, units, open_funnel=open_funnel), None, prep
    f = _sequential(prep.frame, prep.codes, units, open_funnel=open_funnel)
    return _per_user_level(f, len(steps), open_funnel=open_funnel), f, prep


def _reached(j: int) -> pl.Expr:
    return (pl.col("_e") <= j) & (pl.col("_lvl") > j)


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


# --------------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------------


def funnel(
    events: pl.DataFrame,
    steps: Sequence[str],
    *,
    by: Sequence[str] = (),
    window: dt.timedelta | None = None,
    order: Order = "sequential",
    open_funnel: bool = False,
) -> pl.DataFrame:
    """Unique users per funnel step (and segment): ``by`` columns, step, users, conversion,
    step_conversion.

    ``users(k)`` = users who reached step k (rules in the module docstring);
    ``conversion`` = users(k) / users(1); ``step_conversion`` = users(k) / users(k-1), 1.0 for
    step 1, null when the denominator is 0. One row per step and segment, steps in the given
    order, unreached steps with users = 0. Events whose step is not listed are ignored (but
    still decide a user's first-touch segment); events with a missing user or timestamp are
    ignored.
    """
    by = list(by)
    per_user, _, prep = _reach(events, steps, by, window, order, open_funnel)
    users = prep.users
    k = len(steps)
    sums = [_reached(j).sum().cast(pl.Int64).alias(str(j)) for j in range(k)]
    if by:
        assert users is not None
        if prep.aligned and per_user.height == users.height:
            per_user = pl.concat([per_user, users.drop("_u")], how="horizontal")
        else:
            per_user = per_user.join(users, on="_u", how="left")
        agg = per_user.group_by(by).agg(sums)
        segments = users.select(by).unique()
        agg = segments.join(agg, on=by, how="left", nulls_equal=True)
    else:
        agg = per_user.select(sums)
    long = agg.unpivot(index=by, variable_name="_j", value_name="users").with_columns(
        pl.col("_j").cast(pl.Int32), pl.col("users").fill_null(0)
    )
    names = pl.DataFrame(
        {"_j": list(range(k)), "step": [str(s) for s in steps]},
        schema={"_j": pl.Int32, "step": pl.String},
    )
    long = long.join(names, on="_j").sort([*by, "_j"], nulls_last=True)
    out = add_rates(long, by)
    return out.select(*by, "step", "users", "conversion", "step_conversion")


def user_progress(
    events: pl.DataFrame,
    steps: Sequence[str],
    *,
    window: dt.timedelta | None = None,
    order: Order = "sequential",
    open_funnel: bool = False,
    with_times: bool = False,
) -> pl.DataFrame:
    """One row per user of ``events``: ``user_id``, ``steps_reached`` (Int32, 0..k).

    ``steps_reached`` = the last step reached (same rules as :func:`funnel`); with
    ``open_funnel`` also ``entry_step`` (1-based step where the user entered, null if none).
    ``with_times`` (sequential, closed funnel with timestamps) adds ``ts_1``..``ts_k``: when
    each step was reached in the user's best attempt, the one with the latest start among
    those that reach ``steps_reached`` (earliest possible event of each step in it).
    """
    per_user, f, prep = _reach(events, steps, (), window, order, open_funnel, keep_ids=True)
    users = prep.users
    k = len(steps)
    assert users is not None
    per_user = per_user.with_columns(steps_reached=pl.col("_lvl"))
    extra: list[str] = []
    if open_funnel:
        per_user = per_user.with_columns(
            entry_step=pl.when(pl.col("_lvl") > 0).then(pl.col("_e") + 1).otherwise(None)
        )
        extra.append("entry_step")
    if with_times:
        if f is None or open_funnel:
            raise InputError(
                "Step times need timestamps and a sequential (closed) funnel.",
                "Choose the sequential order, or load events with a date/time column.",
            )
        times = _attempt_times(f, per_user, k, prep)
        per_user = per_user.join(times, on="_u", how="left")
        extra += [f"ts_{j + 1}" for j in range(k)]
    out = users.join(per_user.select("_u", "steps_reached", *extra), on="_u", how="left")
    out = out.with_columns(pl.col("steps_reached").fill_null(0))
    if with_times:
        ts_dtype = events.schema["ts"]
        conv = (
            (lambda c: pl.from_epoch(pl.col(c), time_unit="us").cast(ts_dtype))
            if (ts_dtype == pl.Date or isinstance(ts_dtype, pl.Datetime))
            else (lambda c: pl.col(c).cast(pl.Float64) / _US)
        )
        out = out.with_columns(conv(f"ts_{j + 1}").alias(f"ts_{j + 1}") for j in range(k))
    return out.select("user_id", "steps_reached", *extra)


def _attempt_times(
    f: pl.DataFrame, per_user: pl.DataFrame, k: int, prep: _Prepared
) -> pl.DataFrame:
    """Per user ``_u``, ``ts_1``..``ts_k`` (µs) of the best attempt: the latest start among
    those reaching the user's last step L, and the earliest event of each step j <= L whose
    latest valid start is at or after it (that is the earliest such event of the attempt)."""
    f = f.with_columns(pl.col(f"_s{j}").cum_max().alias(f"_m{j}") for j in range(k))
    last = f.filter(pl.col("_last")).select("_u", *[f"_m{j}" for j in range(k)])
    star = pl.lit(-1, dtype=pl.Int64)
    for j in range(k):
        star = pl.when(pl.col("_lvl") == j + 1).then(pl.col(f"_m{j}")).otherwise(star)
    stars = last.join(per_user.select("_u", "_lvl"), on="_u").select("_u", "_lvl", _star=star)
    g = f.select("_u", "_t", *[f"_s{j}" for j in range(k)]).join(stars, on="_u", how="left")
    t_us = pl.col("_t") * prep.scale + prep.t0
    aggs = [
        t_us.filter(
            (pl.col(f"_s{j}") >= 0) & (pl.col(f"_s{j}") >= pl.col("_star")) & (pl.col("_lvl") > j)
        )
        .min()
        .alias(f"ts_{j + 1}")
        for j in range(k)
    ]
    return g.group_by("_u").agg(aggs)


def _durations(
    events: pl.DataFrame, steps: Sequence[str], window: dt.timedelta | None, by: Sequence[str]
) -> tuple[pl.DataFrame, list[str]]:
    """Per user: by columns, steps_reached and seconds from previous step / from step 1."""
    by = list(by)
    if "ts" not in events.columns:
        raise SchemaError(
            "Times between steps need event timestamps, and these events have none.",
            "Load a file with a date/time column for each event.",
        )
    ev = events.select("user_id", "step", "ts", *by)
    if by:
        first = (
            ev.with_row_index("_i")
            .sort(["user_id", "ts", "_i"], nulls_last=True)
            .group_by("user_id", maintain_order=True)
            .agg(pl.col(b).first() for b in by)
        )
        first = first.with_columns(
            pl.col(b).fill_null(NONE) for b in by if first.schema[b] == pl.String
        )
    prog = user_progress(ev.select("user_id", "step", "ts"), steps, window=window, with_times=True)
    k = len(steps)
    secs = []
    for j in range(k):
        cur = pl.col(f"ts_{j + 1}")
        if prog.schema[f"ts_{j + 1}"] == pl.Float64:
            d_prev = cur - pl.col(f"ts_{j}") if j else pl.lit(0.0)
            d_first = cur - pl.col("ts_1")
        else:
            d_prev = (cur - pl.col(f"ts_{j}")).dt.total_microseconds() / _US if j else pl.lit(0.0)
            d_first = (cur - pl.col("ts_1")).dt.total_microseconds() / _US
        secs += [
            d_prev.cast(pl.Float64).alias(f"_prev{j}"),
            d_first.cast(pl.Float64).alias(f"_first{j}"),
        ]
    prog = prog.with_columns(secs)
    if by:
        prog = prog.join(first, on="user_id", how="left")
    return prog, by


def step_times(
    events: pl.DataFrame,
    steps: Sequence[str],
    *,
    window: dt.timedelta | None = None,
    by: Sequence[str] = (),
) -> pl.DataFrame:
    """Per step (and segment): users reaching it and the median and 90th percentile of the
    time in seconds from the previous step and from step 1 (Float64, linear interpolation).

    Times come from each user's best attempt: among the attempts that reach the user's last
    step, the one with the latest start, taking the earliest event of each step in it. Only
    users who reached the step count; step 1 has times 0.
    """
    prog, by = _durations(events, steps, window, by)
    frames = []
    for j, name in enumerate(steps):
        sub = prog.filter(pl.col("steps_reached") > j)
        agg = [
            pl.len().cast(pl.Int64).alias("users"),
            pl.col(f"_prev{j}").median().alias("median_from_previous_s"),
            pl.col(f"_prev{j}").quantile(0.9, "linear").alias("p90_from_previous_s"),
            pl.col(f"_first{j}").median().alias("median_from_start_s"),
            pl.col(f"_first{j}").quantile(0.9, "linear").alias("p90_from_start_s"),
        ]
        res = sub.group_by(by).agg(agg) if by else sub.select(agg)
        frames.append(res.with_columns(_j=pl.lit(j, dtype=pl.Int32), step=pl.lit(str(name))))
    out = pl.concat(frames, how="vertical_relaxed").sort([*by, "_j"], nulls_last=True)
    return out.select(
        *by,
        "step",
        "users",
        "median_from_previous_s",
        "p90_from_previous_s",
        "median_from_start_s",
        "p90_from_start_s",
    )


def funnel_table(
    events: pl.DataFrame,
    steps: Sequence[str],
    *,
    by: Sequence[str] = (),
    window: dt.timedelta | None = None,
    order: Order = "sequential",
    open_funnel: bool = False,
) -> pl.DataFrame:
    """:func:`funnel` plus ``drop_off`` = users(k-1) − users(k), ``drop_off_rate`` =
    drop_off / users(k-1) (null for step 1 or when users(k-1) is 0), and, for a sequential
    closed funnel with timestamps, the step times of :func:`step_times`."""
    by = list(by)
    res = funnel(events, steps, by=by, window=window, order=order, open_funnel=open_funnel)
    res = res.with_columns(
        _j=pl.int_range(pl.len(), dtype=pl.Int32).over(by)
        if by
        else pl.int_range(pl.len(), dtype=pl.Int32)
    )
    prev = pl.col("users").shift(1).over(by) if by else pl.col("users").shift(1)
    res = res.with_columns(drop_off=prev - pl.col("users"))
    res = res.with_columns(
        drop_off_rate=pl.when(prev > 0).then(pl.col("drop_off") / prev).otherwise(None)
    )
    if "ts" in events.columns and order == "sequential" and not open_funnel:
        times = step_times(events, steps, window=window, by=by).drop("users")
        times = times.with_columns(
            _j=pl.int_range(pl.len(), dtype=pl.Int32).over(by)
            if by
            else pl.int_range(pl.len(), dtype=pl.Int32)
        )
        res = res.join(times.drop("step"), on=[*by, "_j"], how="left", nulls_equal=True)
    return res.sort([*by, "_j"], nulls_last=True).drop("_j")


def conversion_over_time(
    events: pl.DataFrame,
    steps: Sequence[str],
    *,
    grain: Grain = "day",
    window: dt.timedelta | None = None,
    order: Order = "sequential",
) -> pl.DataFrame:
    """Entry-period cohorts: ``period`` (Date, first day of the day/week/month of the user's
    first step-1 event), ``step``, ``users`` (reaching the step, same rules as :func:`funnel`)
    and ``conversion`` = users ÷ users entering (users at step 1) in that period."""
    if grain not in ("day", "week", "month"):
        raise InputError(f"Unknown period {grain!r}.", 'Use "day", "week" or "month".')
    if "ts" not in events.columns:
        raise SchemaError(
            "Conversion over time needs event timestamps, and these events have none.",
            "Load a file with a date/time column for each event.",
        )
    step1 = str(steps[0])
    every = {"day": "1d", "week": "1w", "month": "1mo"}[grain]
    entry = (
        events.filter(pl.col("step").cast(pl.String) == step1, pl.col("ts").is_not_null())
        .group_by("user_id")
        .agg(
            pl.col("ts").min().cast(pl.Datetime("us")).dt.truncate(every).dt.date().alias("period")
        )
    )
    prog = user_progress(events, steps, window=window, order=order)
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
            raise InputError(f"The {name} period is not a funnel result (it lacks {base}).")
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


def time_to_convert(
    events: pl.DataFrame,
    steps: Sequence[str],
    *,
    window: dt.timedelta | None = None,
    bins: int | Sequence[float] = 10,
) -> pl.DataFrame:
    """Histogram of the time (seconds) from step 1 to the last step for users who converted
    (best attempt, as in :func:`step_times`): ``bin_start``, ``bin_end`` (seconds, each bin
    includes its start, the last also its end), ``users`` and ``share`` of converted users.
    ``bins`` is a number of equal-width bins or explicit edges in seconds."""
    prog, _ = _durations(events, steps, window, ())
    k = len(steps)
    secs = prog.filter(pl.col("steps_reached") == k).get_column(f"_first{k - 1}").to_numpy()
    if isinstance(bins, int):
        if bins < 1:
            raise InputError("The number of bins must be at least 1.")
        hi = float(secs.max()) if secs.size else 0.0
        edges = np.linspace(0.0, hi if hi > 0 else 1.0, bins + 1)
    else:
        edges = np.asarray(list(bins), dtype=float)
        if edges.size < 2 or np.any(np.diff(edges) <= 0):
            raise InputError("Bin edges must be at least two increasing numbers of seconds.")
    counts, _ = np.histogram(secs, bins=edges)
    total = int(counts.sum())
    return pl.DataFrame(
        {
            "bin_start": edges[:-1],
            "bin_end": edges[1:],
            "users": counts.astype(np.int64),
            "share": counts / total if total else np.full(counts.size, np.nan),
        }
    ).with_columns(pl.col("share").fill_nan(None))


def _pct(x: float) -> str:
    return f"{x * 100:.2f} %"


def insights(funnel_result: pl.DataFrame, by: str | Sequence[str] | None = None) -> list[str]:
    """Sentences for a manager: the biggest drop-off (step pair and share of users lost) and,
    with a breakdown, the segment converting least and most compared with everyone."""
    base = ["step", "users", "conversion", "step_conversion"]
    if by is None:
        by = [c for c in funnel_result.columns if c not in base]
    elif isinstance(by, str):
        by = [by]
    by = list(by)
    if funnel_result.height == 0:
        return ["No users reached the funnel."]
    j = pl.int_range(pl.len(), dtype=pl.Int32)
    res = funnel_result.with_columns(_j=j.over(by) if by else j)
    overall = (
        res.group_by("_j", maintain_order=True)
        .agg(pl.col("step").first(), pl.col("users").sum())
        .sort("_j")
    )
    users = overall.get_column("users").to_list()
    names = overall.get_column("step").to_list()
    out: list[str] = []
    if not users or users[0] == 0:
        return ["No users did the first step, so there is no funnel to read."]
    if len(users) >= 2:
        lost = [
            ((users[i - 1] - users[i]) / users[i - 1], i)
            for i in range(1, len(users))
            if users[i - 1] > 0
        ]
        if lost and max(lost)[0] <= 0:
            out.append(f"No user is lost between the steps ({users[0]:,} at every step).")
        elif lost:
            share, i = max(lost)
            out.append(
                f"The biggest drop-off is from {names[i - 1]} to {names[i]}: {_pct(share)} of "
                f"users are lost ({users[i - 1]:,} → {users[i]:,})."
            )
        final = users[-1] / users[0]
        out.append(
            f"Overall, {_pct(final)} of users who did {names[0]} reached {names[-1]} ({users[-1]:,} of {users[0]:,})."
        )
    if by and len(users) >= 2:
        final = users[-1] / users[0]
        last = res.filter(pl.col("_j") == len(users) - 1, pl.col("conversion").is_not_null())
        if last.height >= 2:
            label = pl.concat_str(
                [pl.col(b).cast(pl.String).fill_null(NONE) for b in by], separator=" / "
            )
            last = last.with_columns(_label=label).sort(["conversion", "_label"])
            worst, best = last.row(0, named=True), last.row(-1, named=True)
            out.append(
                f"{worst['_label']} converts {_pct(worst['conversion'])} vs {_pct(final)} overall (the weakest segment)."
            )
            if best["_label"] != worst["_label"]:
                out.append(
                    f"{best['_label']} converts {_pct(best['conversion'])} vs {_pct(final)} overall (the strongest segment)."
                )
    return out


_JOURNEY: list[tuple[str, ...]] = [
    (
        "landing",
        "landing_page",
        "session_start",
        "page_view",
        "pageview",
        "home",
        "home_page",
        "visit",
        "first_visit",
    ),
    (
        "view",
        "product_view",
        "view_item",
        "view_product",
        "search",
        "search_page",
        "view_item_list",
        "product",
    ),
    ("cart", "add_to_cart", "addtocart", "basket", "add_to_basket"),
    (
        "checkout",
        "begin_checkout",
        "payment",
        "payment_page",
        "add_payment_info",
        "add_shipping_info",
    ),
    (
        "purchase",
        "order",
        "confirmation",
        "payment_confirmation",
        "payment_confirmation_page",
        "transaction",
        "order_completed",
        "purchased",
    ),
]
_RANK = {name: i for i, names in enumerate(_JOURNEY) for name in names}


def default_step_order(events: pl.DataFrame) -> list[str]:
    """A sensible step order from the data: known journey names first, in journey order
    (landing → view/search → cart → checkout/payment → purchase); every other step after
    them by number of users, descending (a funnel narrows), ties by first-seen time."""
    if "step" not in events.columns or "user_id" not in events.columns:
        raise SchemaError("The events table needs a user column and a step column.")
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
    normal = (
        pl.col("step").str.to_lowercase().str.replace_all("[^a-z0-9]+", "_").str.strip_chars("_")
    )
    stats = stats.with_columns(
        normal.replace_strict(_RANK, default=len(_JOURNEY), return_dtype=pl.Int32).alias("_rank")
    )
    known = stats.filter(pl.col("_rank") < len(_JOURNEY)).height
    if known < 2:
        stats = stats.with_columns(_rank=pl.lit(0, dtype=pl.Int32))
    stats = stats.sort(
        ["_rank", "_users", "_seen", "_first"],
        descending=[False, True, False, False],
        nulls_last=True,
    )
    return stats.get_column("step").to_list()
