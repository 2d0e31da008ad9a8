"""The funnel's kernel: who reached which step (sequential, any order, membership, open funnel),
as :func:`funnel` (users per step and segment) and :func:`user_progress` (one row per user).

The rules are in the docstring of :mod:`kpi.funnel`; the fast sequential pass is explained in
the note "Computing the sequential funnel fast".
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Sequence
from typing import Literal

import polars as pl

from kpi.errors import InputError
from kpi.funnel.prepare import US, _check, _prepare, _Prepared, _window_us, _with_user_bounds
from kpi.funnel.rates import add_rates
from kpi.funnel.rules import Rules, reach_events, rules_of
from kpi.settings import Exclusion, StepWindow
from kpi.words import Fact

Order = Literal["sequential", "any"]


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
    counts = frame.group_by("_u", maintain_order=True).agg(  # frame (user) order: aligned
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
    rules: Rules | None = None,
) -> tuple[pl.DataFrame, pl.DataFrame | None, _Prepared]:
    """Per-user ``_u``, ``_lvl``, ``_e`` (reached step j ⇔ ``_e <= j < _lvl``; with
    exclusions also ``_free``, the level without them); also the event frame with the
    ``_s{j}`` passes (sequential funnels without ``rules``) and the prepared data."""
    _check(events, steps, by, order)
    w = _window_us(window)
    use_ts = "ts" in events.columns
    if w is not None and not use_ts:
        raise InputError(Fact("funnel.error.window_needs_ts"), Fact("funnel.hint.window_needs_ts"))
    if rules is not None:
        per_user, prep = reach_events(events, steps, window, rules, by, keep_ids=keep_ids)
        return per_user, None, prep
    prep = _prepare(events, steps, by, use_ts=use_ts, keep_ids=keep_ids)
    per_user, f = _reach_prepared(prep, steps, w, order, open_funnel, use_ts)
    return per_user, f, prep


def _reach_prepared(
    prep: _Prepared,
    steps: Sequence[str],
    w: int | None,
    order: str,
    open_funnel: bool,
    use_ts: bool,
) -> tuple[pl.DataFrame, pl.DataFrame | None]:
    """:func:`_reach`'s passes on events already prepared (``w``: the window in µs)."""
    units = None if w is None else w // prep.scale
    if not use_ts and open_funnel:
        return _open_membership(prep.frame, steps, prep.codes), None
    if order == "any" or not use_ts:
        return _any_order(prep.frame, steps, prep.codes, units, open_funnel=open_funnel), None
    f = _sequential(prep.frame, prep.codes, units, open_funnel=open_funnel)
    return _per_user_level(f, len(steps), open_funnel=open_funnel), f


def _reached(j: int) -> pl.Expr:
    return (pl.col("_e") <= j) & (pl.col("_lvl") > j)


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
    exclusions: Sequence[Exclusion] = (),
    step_windows: Sequence[StepWindow] = (),
) -> pl.DataFrame:
    """Unique users per funnel step (and segment): ``by`` columns, step, users, conversion,
    step_conversion.

    ``users(k)`` = users who reached step k (rules in the module docstring);
    ``conversion`` = users(k) / users(1); ``step_conversion`` = users(k) / users(k-1), 1.0 for
    step 1, null when the denominator is 0. One row per step and segment, steps in the given
    order, unreached steps with users = 0. Events whose step is not listed are ignored (but
    still decide a user's first-touch segment); events with a missing user or timestamp are
    ignored. ``exclusions`` and ``step_windows``: :mod:`kpi.funnel.rules`.
    """
    by = list(by)
    rules = _rules(events, steps, order, open_funnel, exclusions, step_windows)
    per_user, _, prep = _reach(events, steps, by, window, order, open_funnel, rules=rules)
    users = prep.users
    if by:
        assert users is not None
        if prep.aligned and per_user.height == users.height:
            per_user = pl.concat([per_user, users.drop("_u")], how="horizontal")
        else:
            per_user = per_user.join(users, on="_u", how="left")
        return _users_per_step(per_user, users.select(by), steps, by)
    return _users_per_step(per_user, None, steps, by)


def _rules(
    events: pl.DataFrame,
    steps: Sequence[str],
    order: str,
    open_funnel: bool,
    exclusions: Sequence[Exclusion],
    step_windows: Sequence[StepWindow],
) -> Rules | None:
    return rules_of(
        steps,
        exclusions,
        step_windows,
        order=order,
        open_funnel=open_funnel,
        has_ts="ts" in events.columns,
    )


def _users_per_step(
    per_user: pl.DataFrame,
    segments: pl.DataFrame | None,
    steps: Sequence[str],
    by: list[str],
    *,
    weight: str | None = None,
) -> pl.DataFrame:
    """:func:`funnel`'s result from one row per user (``_lvl``, ``_e`` and the ``by``
    columns) and the segment values of every user seen (one row per user, ``by`` columns).
    With ``weight``, each row stands for that column's number of users (the counts per
    level that an engine brings back, :mod:`kpi.engine.funnel`)."""
    k = len(steps)
    if weight is None:
        sums = [_reached(j).sum().cast(pl.Int64).alias(str(j)) for j in range(k)]
    else:
        sums = [
            pl.col(weight).filter(_reached(j)).sum().cast(pl.Int64).alias(str(j)) for j in range(k)
        ]
    if by:
        assert segments is not None
        agg = per_user.group_by(by).agg(sums)
        agg = segments.unique().join(agg, on=by, how="left", nulls_equal=True)
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
    exclusions: Sequence[Exclusion] = (),
    step_windows: Sequence[StepWindow] = (),
) -> pl.DataFrame:
    """One row per user of ``events``: ``user_id``, ``steps_reached`` (Int32, 0..k).

    ``steps_reached`` = the last step reached (same rules as :func:`funnel`); with
    ``open_funnel`` also ``entry_step`` (1-based step where the user entered, null if none).
    ``with_times`` (sequential, closed funnel with timestamps) adds ``ts_1``..``ts_k``: when
    each step was reached in the user's best attempt, the one with the latest start among
    those that reach ``steps_reached`` (earliest possible event of each step in it).
    With ``exclusions`` (:mod:`kpi.funnel.rules`) also ``steps_free``: the steps reached
    without them (step times are then not given).
    """
    rules = _rules(events, steps, order, open_funnel, exclusions, step_windows)
    per_user, f, prep = _reach(
        events, steps, (), window, order, open_funnel, keep_ids=True, rules=rules
    )
    return _progress_rows(
        per_user, f, prep, len(steps), events.schema.get("ts"), open_funnel, with_times
    )


def _progress_rows(
    per_user: pl.DataFrame,
    f: pl.DataFrame | None,
    prep: _Prepared,
    k: int,
    ts_dtype: pl.DataType | None,
    open_funnel: bool,
    with_times: bool,
    *,
    keep: Sequence[str] = (),
) -> pl.DataFrame:
    """:func:`user_progress`'s result from :func:`_reach` (``keep_ids=True``), with the
    first-touch columns ``keep`` (the ``by`` given to :func:`_reach`)."""
    users = prep.users
    assert users is not None
    per_user = per_user.with_columns(steps_reached=pl.col("_lvl"))
    extra: list[str] = []
    if "_free" in per_user.columns:  # exclusions: the steps reached without them
        per_user = per_user.with_columns(steps_free=pl.col("_free"))
        extra.append("steps_free")
    if open_funnel:
        per_user = per_user.with_columns(
            entry_step=pl.when(pl.col("_lvl") > 0).then(pl.col("_e") + 1).otherwise(None)
        )
        extra.append("entry_step")
    if with_times:
        if f is None or open_funnel:
            raise InputError(
                Fact("funnel.error.times_need_sequential"),
                Fact("funnel.hint.times_need_sequential"),
            )
        times = _attempt_times(f, per_user, k, prep)
        per_user = per_user.join(times, on="_u", how="left")
        extra += [f"ts_{j + 1}" for j in range(k)]
    out = users.join(per_user.select("_u", "steps_reached", *extra), on="_u", how="left")
    zero = ["steps_reached", *(["steps_free"] if "steps_free" in extra else [])]
    out = out.with_columns(pl.col(c).fill_null(0) for c in zero)
    if with_times:
        assert ts_dtype is not None
        conv = (
            (lambda c: pl.from_epoch(pl.col(c), time_unit="us").cast(ts_dtype))
            if (ts_dtype == pl.Date or isinstance(ts_dtype, pl.Datetime))
            else (lambda c: pl.col(c).cast(pl.Float64) / US)
        )
        out = out.with_columns(conv(f"ts_{j + 1}").alias(f"ts_{j + 1}") for j in range(k))
    return out.select("user_id", *keep, "steps_reached", *extra)


def _attempt_times(
    f: pl.DataFrame, per_user: pl.DataFrame, k: int, prep: _Prepared
) -> pl.DataFrame:
    """Per user ``_u``, ``ts_1``..``ts_k`` (µs) of the best attempt: the latest start among
    those reaching the user's last step L, and the earliest event of each step j <= L whose
    latest valid start is at or after it (that is the earliest such event of the attempt).

    ``f`` is sorted by user (``_sequential``'s frame) and ``per_user`` lists its users in the
    same order (``_per_user_level``): each user's best start and level are spread onto their
    rows by the user's ordinal (no join), and each step's earliest time is a reverse running
    minimum of (ordinal, time) read at the user's first row (no group-by) when both fit in
    62 bits; otherwise the join and group-by of :func:`_attempt_times_joined`."""
    last = (
        f.lazy()
        .select("_u", "_last", *[pl.col(f"_s{j}").cum_max().alias(f"_m{j}") for j in range(k)])
        .filter(pl.col("_last"))
        .collect()
    )
    t_max = f.select(pl.col("_t").max()).item() if f.height else 0
    t_bits = _bits_of(t_max) + 1  # one more value: "no such event"
    if (
        last.height != per_user.height
        or not last.get_column("_u").equals(per_user.get_column("_u"))
        or _bits_of(last.height) + t_bits > 62
    ):
        return _attempt_times_joined(f, per_user, k, prep)
    lvl = per_user.get_column("_lvl")
    star = pl.lit(-1, dtype=pl.Int64)
    for j in range(k):
        star = pl.when(pl.col("_lvl") == j + 1).then(pl.col(f"_m{j}")).otherwise(star)
    stars = last.with_columns(_lvl=lvl).select(star.alias("_star")).to_series()
    first = pl.col("_r") == pl.col("_us")
    ordinal = first.cast(pl.Int64).cum_sum() - 1
    none = 2**t_bits - 1
    scale = 2**t_bits
    g = (
        f.lazy()
        .with_columns(_o=ordinal)
        .with_columns(
            _star=pl.lit(stars).gather(pl.col("_o")),
            _lv=pl.lit(lvl).gather(pl.col("_o")),
        )
    )
    mins = []
    for j in range(k):
        ok = (pl.col(f"_s{j}") >= 0) & (pl.col(f"_s{j}") >= pl.col("_star")) & (pl.col("_lv") > j)
        packed = pl.col("_o") * scale + pl.when(ok).then(pl.col("_t")).otherwise(none)
        mins.append(packed.cum_min(reverse=True).alias(f"_q{j}"))
    out = (
        g.with_columns(mins)
        .filter(first)
        .select(
            "_u",
            *[
                pl.when((pl.col(f"_q{j}") - pl.col("_o") * scale) != none)
                .then((pl.col(f"_q{j}") - pl.col("_o") * scale) * prep.scale + prep.t0)
                .otherwise(None)
                .alias(f"ts_{j + 1}")
                for j in range(k)
            ],
        )
    )
    return out.collect()


def _bits_of(n: int) -> int:
    return max(int(n), 0).bit_length()


def _attempt_times_joined(
    f: pl.DataFrame, per_user: pl.DataFrame, k: int, prep: _Prepared
) -> pl.DataFrame:
    """:func:`_attempt_times` by a join of every row with its user's best start and a
    group-by per user (any frame order)."""
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
