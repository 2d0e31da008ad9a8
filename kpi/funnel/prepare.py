"""Funnel input checks and preparation: one sorted frame of funnel events with integer codes
(users, step positions, times), and each user's first-touch segments."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import polars as pl

from kpi.errors import InputError, SchemaError
from kpi.segments import NONE
from kpi.words import Fact

US = 1_000_000  # microseconds per second


def _check(events: pl.DataFrame, steps: Sequence[str], by: Sequence[str], order: str) -> None:
    if not isinstance(events, pl.DataFrame):
        raise InputError(Fact("funnel.error.not_a_table"))
    missing = [c for c in ("user_id", "step", *by) if c not in events.columns]
    if missing:
        raise SchemaError(
            Fact("funnel.error.missing_columns", columns=missing),
            Fact("funnel.hint.map_columns"),
        )
    if len(steps) == 0:
        raise InputError(Fact("funnel.error.no_steps"), Fact("funnel.hint.pick_step"))
    if order not in ("sequential", "any"):
        raise InputError(
            Fact("funnel.error.unknown_order", order=str(order)), Fact("funnel.hint.orders")
        )


def _window_us(window: dt.timedelta | None) -> int | None:
    if window is None:
        return None
    if not isinstance(window, dt.timedelta):
        raise InputError(Fact("funnel.error.window_type"))
    if window < dt.timedelta(0):
        raise InputError(Fact("funnel.error.window_negative"), Fact("funnel.hint.window_positive"))
    return window // dt.timedelta(microseconds=1)


def _ts_us(events: pl.DataFrame) -> pl.Expr:
    dtype = events.schema["ts"]
    if dtype == pl.Date or isinstance(dtype, pl.Datetime):
        return pl.col("ts").dt.epoch("us")
    if dtype.is_numeric():  # seconds since any origin
        return (pl.col("ts").cast(pl.Float64) * US).round().cast(pl.Int64)
    raise SchemaError(Fact("funnel.error.ts_type", dtype=str(dtype)), Fact("funnel.hint.ts_type"))


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


#: fewest top bits of a text id's hash worth sorting on (fewer: exact dictionary codes)
HASH_BITS_MIN = 24
#: seed of the second hash of a text id (the first one's top bits are in the sort key)
CHECK_SEED = 0x5EED


def _sorted_hashed(
    lazy: pl.LazyFrame, use_ts: bool, tbits: int, pbits: int, dtype: pl.DataType, rest: list[str]
) -> pl.DataFrame:
    """Rows of ``lazy`` (``_u``, ``_v``: two 64-bit hashes of the text id; ``_p``, ``_t``)
    sorted by (user, time, step) with ``_u`` the user's ordinal (1, 2, …).

    One Int64 sort key holds the first hash's top bits (``62 - tbits - pbits`` of them), the
    time and the step; the second hash rides along. A user is the pair (top bits, second
    hash): two ids merge only if both coincide, odds about users² / 2^(63 + top bits), below
    10⁻¹³ for ten million users. Users whose top bits coincide (a few among millions) are
    interleaved by the key: their rows are sorted again by the second hash, in place.
    """
    ubits = 62 - tbits - pbits
    low = tbits + pbits
    key = (pl.col("_u") // 2 ** (64 - ubits)).cast(pl.Int64) * 2**low + pl.col("_p").cast(pl.Int64)
    if use_ts:
        key = key + pl.col("_t") * 2**pbits
    s = lazy.select(key.alias("_key"), "_v", *rest).sort("_key").collect()
    top, v = pl.col("_key") // 2**low, pl.col("_v")
    shared = s.filter((top == top.shift(1)) & (v != v.shift(1)))
    if shared.height:  # top bits shared by several users: sort their rows by the second hash
        tops = shared.select(top.unique()).to_series()
        pos = s.select(pl.arg_where(top.is_in(tops.implode()))).to_series()
        fixed = s[pos].sort([top, v, pl.col("_key")])
        s = pl.DataFrame([s.get_column(c).scatter(pos, fixed.get_column(c)) for c in s.columns])
    new = ((top != top.shift(1)) | (v != v.shift(1))).fill_null(True)
    cols = [
        new.cum_sum().cast(pl.Int64).alias("_u"),
        (pl.col("_key") % 2**pbits).cast(dtype).alias("_p"),
    ]
    if use_ts:
        cols.append(((pl.col("_key") // 2**pbits) % 2**tbits).alias("_t"))
    return s.select(*cols, *rest)


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
    milliseconds when every timestamp is a multiple of one. Text user ids are hashed (one
    cheap pass, no dictionary) and sorted on the hash's top bits (:func:`_sorted_hashed`).
    Everything from the columns to the sorted frame is one lazy query (parallel, no
    intermediate frame); the key's widths come from a first cheap pass over the raw columns.
    """
    first_pos: dict[str, int] = {}
    for i, name in enumerate(steps):
        first_pos.setdefault(str(name), i)
    codes = [first_pos[str(name)] for name in steps]
    k = len(steps)  # code of events whose step is not in the funnel
    dtype = pl.Int8 if k < 127 else pl.Int32

    id_dtype = events.schema["user_id"]
    text = pl.col("user_id") if id_dtype == pl.String else pl.col("user_id").cast(pl.String)
    hashed = False
    if id_dtype.is_integer():
        user = pl.col("user_id").cast(pl.Int64)
    elif isinstance(id_dtype, (pl.Categorical, pl.Enum)):
        user = pl.col("user_id").to_physical().cast(pl.Int64)
    else:
        hashed = True
        user = pl.when(text.is_not_null()).then(text.hash())
    step = pl.col("step")
    if events.schema["step"] != pl.String:
        step = step.cast(pl.String)
    ts = _ts_us(events) if use_ts else None
    # widths of the key: over every row (a superset of the kept rows: at worst a bit wider)
    stats = events.select(
        pl.len().alias("n"),
        *([] if hashed else [user.min().alias("umin"), user.max().alias("umax")]),
        *(
            [
                ts.min().alias("tmin"),
                ts.max().alias("tmax"),
                (ts % 1_000_000 == 0).all().alias("s"),
                (ts % 1_000 == 0).all().alias("ms"),
            ]
            if ts is not None
            else []
        ),
    ).row(0, named=True)
    scale, t0, tbits = 1, 0, 0
    if ts is not None and stats["tmin"] is not None:
        scale = 1_000_000 if stats["s"] else 1_000 if stats["ms"] else 1
        t0 = stats["tmin"]
        tbits = _bits((stats["tmax"] - t0) // scale)
    pbits = _bits(k)

    need_users = bool(by) or keep_ids

    def encoded(user: pl.Expr, check: bool) -> pl.LazyFrame:
        cols = [
            user.alias("_u"),
            step.replace_strict(first_pos, default=k, return_dtype=dtype).alias("_p"),
        ]
        if check:
            cols.append(text.hash(CHECK_SEED).alias("_v"))
        if ts is not None:
            cols.append(((ts - t0) // scale).alias("_t"))
        lazy = events.lazy()
        if need_users:
            lazy = lazy.with_row_index("_i")
            cols.append(pl.col("_i"))
        lazy = lazy.select(cols).filter(pl.col("_u").is_not_null())
        if ts is not None:
            lazy = lazy.filter(pl.col("_t").is_not_null())
        if not need_users:
            lazy = lazy.filter(pl.col("_p") < k)
        return lazy

    keys = ["_u", "_t", "_p"] if use_ts else ["_u", "_p"]
    rest = ["_i"] if need_users else []
    if hashed and 62 - tbits - pbits >= HASH_BITS_MIN:
        frame = _sorted_hashed(encoded(user, True), use_ts, tbits, pbits, dtype, rest)
    else:
        if hashed:  # exact codes: a dictionary of the ids (when the key leaves too few bits)
            enc = encoded(text.cast(pl.Categorical).to_physical().cast(pl.Int64), False)
            enc = enc.select(*keys, *rest).collect()
            umin, umax = enc.select(pl.col("_u").min().alias("a"), pl.col("_u").max()).row(0)
            lazy = enc.lazy()
        else:
            lazy = encoded(user, False).select(*keys, *rest)
            umin, umax = stats["umin"], stats["umax"]
        if umin is not None and _bits(umax - umin) + tbits + pbits <= 62:
            key = (pl.col("_u") - umin) * 2 ** (tbits + pbits) + pl.col("_p").cast(pl.Int64)
            if use_ts:
                key = key + pl.col("_t") * 2**pbits
            decoded = [
                ((pl.col("_key") // 2 ** (tbits + pbits)) + umin).alias("_u"),
                (pl.col("_key") % 2**pbits).cast(dtype).alias("_p"),
            ]
            if use_ts:
                decoded.append(((pl.col("_key") // 2**pbits) % 2**tbits).alias("_t"))
            frame = lazy.select(key.alias("_key"), *rest).sort("_key").select(*decoded, *rest)
            frame = frame.collect()
        else:
            frame = lazy.sort(keys).collect()

    users: pl.DataFrame | None = None
    aligned = False
    if need_users:
        # first touch: the user's earliest event, and among equal times (or without
        # timestamps) the one that comes first in the file
        # in one pass: the smallest row index among the user's rows at their first time is a
        # reverse running minimum of (user ordinal, row index) read at the user's first row
        u = pl.col("_u")
        is_first = (u != u.shift(1)).fill_null(True)
        at_first = (
            pl.col("_t") == pl.when(is_first).then(pl.col("_t")).forward_fill()
            if use_ts
            else pl.lit(True)
        )
        big = 2**32  # above any row index
        packed = pl.col("_o") * big + pl.col("_i").cast(pl.Int64)
        firsts = (
            frame.lazy()
            .with_columns(_o=is_first.cum_sum().cast(pl.Int64), _f=is_first)
            .select(
                "_u",
                "_f",
                (pl.when(at_first).then(packed).cum_min(reverse=True) - pl.col("_o") * big).alias(
                    "_i"
                ),
            )
            .filter(pl.col("_f"))
            .collect()
        )
        idx = firsts.get_column("_i")
        extra = [*(["user_id"] if keep_ids else []), *by]
        users = pl.concat([firsts.select("_u"), events.select(extra).gather(idx)], how="horizontal")
        users = users.with_columns(
            pl.col(b).fill_null(NONE) for b in by if users.schema[b] == pl.String
        )
        aligned = not frame.select((pl.col("_p") == k).any()).item()
        if not aligned:
            frame = frame.filter(pl.col("_p") < k)
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
