"""Each user's progress through a funnel, computed once and tabulated for any set of users.

A user's progress in a period depends only on their own events, not on segment filters
(segments are user attributes, ``Dataset.users``). So a view computes the progress once per
period and steps, then reads the funnel of any segment filter or breakdown from it::

    progress = funnel_progress(events, steps, window=window, order=order, open_funnel=False)
    progress.table()                              # == funnel_table(events, steps, ...)
    progress.table(users)                         # the users kept by the segment filters
    progress.table(users, by=["device"])          # broken down by the users' device
    progress.funnel(users, by=["device"])         # == funnel(...): the first five columns

``users`` has ``user_id`` (one row per user) and the ``by`` columns; ``progress.table(users,
by)`` equals ``funnel_table(events_of_those_users_with_their_by_columns, steps, by=by, ...)``
(``Dataset.events_with(by)`` semi-joined on ``users``): same columns, order and dtypes. Users
of ``users`` without events in ``events`` are not counted (as in the event funnel); a missing
text segment value becomes "(none)".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import polars as pl

from kpi.errors import InputError, SchemaError
from kpi.funnel.kernel import (
    Order,
    _progress_rows,
    _reach,
    _reach_prepared,
    _rules,
    _users_per_step,
)
from kpi.funnel.prepare import _check, _prepare, _Prepared, _window_us
from kpi.funnel.table import _with_drop_off
from kpi.funnel.timing import _seconds, _time_rows, ruled_progress_rows
from kpi.segments import NONE
from kpi.settings import Exclusion, StepWindow
from kpi.words import Fact


@dataclass(frozen=True)
class FunnelProgress:
    """Per-user funnel progress (see the module docstring); build it with
    :func:`funnel_progress`.

    ``per_user`` has one row per user with at least one usable event (user and, with
    timestamps, time present; any step, listed or not): ``user_id``, ``steps_reached`` (Int32,
    0..k), ``entry_step`` (open funnel: 1-based, null when none reached) and, when ``timed``
    (sequential closed funnel with timestamps), each step's seconds from the previous step
    and from step 1 in the user's best attempt (``_prev{j}``, ``_first{j}``); with exclusions,
    ``steps_free`` (the steps reached without them). ``rules``: the exclusions and per-step
    windows it was computed with (:mod:`kpi.funnel.rules`; empty: none).
    """

    steps: tuple[str, ...]
    per_user: pl.DataFrame
    open_funnel: bool
    timed: bool
    rules: tuple[tuple[Exclusion, ...], tuple[StepWindow, ...]] = ((), ())

    def excluded(self, users: pl.DataFrame | None = None) -> int:
        """How many of ``users`` (all when None) reach fewer steps because of the
        exclusions than without them (0 without exclusions)."""
        rows = self._rows(users, ())
        if "steps_free" not in rows.columns:
            return 0
        return int(rows.select((pl.col("steps_free") > pl.col("steps_reached")).sum()).item())

    def _rows(self, users: pl.DataFrame | None, by: Sequence[str]) -> pl.DataFrame:
        by = list(by)
        rows = self.per_user
        if users is None:
            if by:
                raise SchemaError(
                    Fact("funnel.error.missing_columns", columns=by),
                    Fact("funnel.hint.map_columns"),
                )
            return rows
        if not isinstance(users, pl.DataFrame):
            raise InputError(Fact("funnel.error.not_a_table"))
        missing = [c for c in ("user_id", *by) if c not in users.columns]
        if missing:
            raise SchemaError(
                Fact("funnel.error.missing_columns", columns=missing),
                Fact("funnel.hint.map_columns"),
            )
        keep = users.select("user_id", *by)
        id_dtype = rows.schema["user_id"]
        if keep.schema["user_id"] != id_dtype:
            keep = keep.with_columns(pl.col("user_id").cast(id_dtype))
        if not by:
            return rows.join(keep, on="user_id", how="semi")
        schema = keep.schema
        keep = keep.with_columns(pl.col(b).fill_null(NONE) for b in by if schema[b] == pl.String)
        return rows.join(keep, on="user_id", how="inner")

    def funnel(self, users: pl.DataFrame | None = None, by: Sequence[str] = ()) -> pl.DataFrame:
        """What :func:`~kpi.funnel.funnel` returns on the events of ``users`` (all users when
        None) with their ``by`` columns."""
        by = list(by)
        rows = self._rows(users, by)
        return self._funnel(rows, by)

    def _funnel(self, rows: pl.DataFrame, by: list[str]) -> pl.DataFrame:
        lvl = rows.select(
            pl.col("steps_reached").alias("_lvl"),
            (pl.col("entry_step") - 1).fill_null(0).alias("_e")
            if self.open_funnel
            else pl.lit(0, dtype=pl.Int32).alias("_e"),
            *by,
        )
        return _users_per_step(lvl, rows.select(by) if by else None, self.steps, by)

    def table(self, users: pl.DataFrame | None = None, by: Sequence[str] = ()) -> pl.DataFrame:
        """What :func:`~kpi.funnel.funnel_table` returns on the events of ``users`` (all users
        when None) with their ``by`` columns: users, rates, drop-off and (sequential closed
        funnel with timestamps) the step times."""
        by = list(by)
        rows = self._rows(users, by)
        res = self._funnel(rows, by)
        times = _time_rows(rows, self.steps, by) if self.timed else None
        return _with_drop_off(res, times, by)


@dataclass(frozen=True)
class FunnelBase:
    """The events of a period encoded and sorted once for any funnel over them
    (:func:`funnel_base`): a step change, another window, order or open funnel re-reads it
    instead of hashing and sorting the events again.

    ``prep`` is :func:`~kpi.funnel.prepare._prepare`'s result with every step name of the
    events as the "steps" (``names``, in first-appearance order): its frame holds every event
    with a user (and a time) and a step, sorted by (user, time, name code), and its users are
    the first touch (which does not depend on the steps). ``ties`` is True on the rows that
    share their (user, time) with another row (a ``_tie`` column, only when some do): a
    funnel re-sorts those by its own step codes, as the direct computation sorts them.
    Without times the order of a user's rows is not read (membership and any-order counts).
    """

    names: tuple[str, ...]
    prep: _Prepared
    ties: bool
    use_ts: bool
    height: int

    def prepared(self, steps: Sequence[str]) -> _Prepared:
        """What :func:`~kpi.funnel.prepare._prepare` gives for ``steps`` (with ``keep_ids``):
        the same rows (funnel events, sorted by user, time and step code) and users."""
        first_pos: dict[str, int] = {}
        for i, name in enumerate(steps):
            first_pos.setdefault(str(name), i)
        codes = [first_pos[str(name)] for name in steps]
        k = len(steps)
        dtype = pl.Int8 if k < 127 else pl.Int32
        lookup = {i: first_pos.get(name, k) for i, name in enumerate(self.names)}
        frame = self.prep.frame.with_columns(
            pl.col("_p").replace_strict(lookup, default=k, return_dtype=dtype)
        ).filter(pl.col("_p") < k)
        if self.ties:
            keys = ["_u", "_t", "_p"]
            pos = frame.select(pl.arg_where(pl.col("_tie"))).to_series()
            if pos.len():
                fixed = frame[pos].sort(keys)
                frame = pl.DataFrame(
                    [frame.get_column(c).scatter(pos, fixed.get_column(c)) for c in frame.columns]
                )
        frame = frame.drop("_tie", strict=False)
        p = self.prep
        return _Prepared(frame, p.users, codes, p.scale, p.t0, aligned=False)

    def within(
        self, start: dt.datetime | None, end: dt.datetime | None, events: pl.DataFrame
    ) -> FunnelBase | None:
        """The base of ``events``, the events of this base's with ``start <= ts < end``
        (a period of the data: :meth:`kpi.filters.Filters.apply`), from this one's rows
        (a time filter keeps the sort) instead of a new sort; None when it cannot be
        told apart from a fresh one (times with a time zone or not Datetime/Date, events
        without a step that only a fresh base would count as a user's)."""
        if not self.use_ts or "ts" not in events.columns or not self.prep.aligned:
            return None
        dtype = events.schema["ts"]
        if not (dtype == pl.Date or (isinstance(dtype, pl.Datetime) and dtype.time_zone is None)):
            return None
        p = self.prep
        epoch = dt.datetime(1970, 1, 1)
        t_us = pl.col("_t") * p.scale + p.t0
        keep = pl.lit(True)
        if start is not None:
            keep &= t_us >= (start - epoch) // dt.timedelta(microseconds=1)
        if end is not None:
            keep &= t_us < (end - epoch) // dt.timedelta(microseconds=1)
        frame = p.frame.filter(keep)
        assert p.users is not None
        users = p.users.join(frame.select(pl.col("_u").unique()), on="_u", how="semi")
        ties = self.ties and bool(frame.select(pl.col("_tie").any()).item())
        if self.ties and not ties:
            frame = frame.drop("_tie")
        prep = _Prepared(frame, users, p.codes, p.scale, p.t0, p.aligned)
        return FunnelBase(self.names, prep, ties, True, events.height)

    def fits(self, events: pl.DataFrame) -> bool:
        """True when ``events`` may be the frame this base was built from (same rows, times
        or not): the caller keeps the base with its events (a view's period cache)."""
        return events.height == self.height and ("ts" in events.columns) == self.use_ts


def funnel_base(events: pl.DataFrame) -> FunnelBase | None:
    """The :class:`FunnelBase` of ``events`` (``user_id``, ``step``, optional ``ts``); None
    when it would not help (no step names, or integer ids long enough to be chunked)."""
    _check(events, ["_"], (), "sequential")
    use_ts = "ts" in events.columns
    if events.height == 0 or (
        events.schema["user_id"].is_integer() and events.height > CHUNK_EVENTS
    ):
        return None
    step = pl.col("step") if events.schema["step"] == pl.String else pl.col("step").cast(pl.String)
    names = tuple(
        events.select(step.unique(maintain_order=True).drop_nulls()).to_series().to_list()
    )
    if not names:
        return None
    if _costlier_sort(events, len(names), use_ts):
        return None
    prep = _prepare(events, names, (), use_ts=use_ts, keep_ids=True)
    f = prep.frame
    frame, ties = f, False
    if use_ts:  # without times the passes do not read the order of a user's rows
        u, t = pl.col("_u"), pl.col("_t")
        tie = ((u == u.shift(1)) & (t == t.shift(1))).fill_null(False)
        marked = f.with_columns(_tie=tie | tie.shift(-1, fill_value=False))
        ties = bool(marked.select(pl.col("_tie").any()).item())
        frame = marked if ties else f
    prep = _Prepared(frame, prep.users, prep.codes, prep.scale, prep.t0, prep.aligned)
    return FunnelBase(names, prep, ties, use_ts, events.height)


def _costlier_sort(events: pl.DataFrame, n_names: int, use_ts: bool) -> bool:
    """True when the base's sort key (every step name's code) would leave text ids too few
    hash bits to sort on (:data:`~kpi.funnel.prepare.HASH_BITS_MIN`: the slower exact
    dictionary codes) where a funnel of a few steps would not: many step names with a long
    span of fine times. The base is then not worth it."""
    from kpi.funnel.prepare import HASH_BITS_MIN, _bits, _ts_us

    dtype = events.schema["user_id"]
    if dtype.is_integer() or isinstance(dtype, (pl.Categorical, pl.Enum)) or not use_ts:
        return False
    ts = _ts_us(events)
    stats = events.select(
        ts.min().alias("lo"),
        ts.max().alias("hi"),
        (ts % 1_000_000 == 0).all().alias("s"),
        (ts % 1_000 == 0).all().alias("ms"),
    ).row(0, named=True)
    if stats["lo"] is None:
        return False
    scale = 1_000_000 if stats["s"] else 1_000 if stats["ms"] else 1
    tbits = _bits((stats["hi"] - stats["lo"]) // scale)
    few = 62 - tbits - _bits(8) >= HASH_BITS_MIN  # a funnel of up to 8 steps hashes
    return few and 62 - tbits - _bits(n_names) < HASH_BITS_MIN


#: events per pass of :func:`funnel_progress` on integer user ids (the streaming route's codes):
#: above it the users are split into groups (code modulo the number of groups) computed one
#: after the other, so that the passes' working memory (about 200 bytes per event) stays bounded
CHUNK_EVENTS = 2_000_000


def funnel_progress(
    events: pl.DataFrame,
    steps: Sequence[str],
    *,
    window: dt.timedelta | None = None,
    order: Order = "sequential",
    open_funnel: bool = False,
    chunk_events: int | None = None,
    base: FunnelBase | None = None,
    with_times: bool = True,
    exclusions: Sequence[Exclusion] = (),
    step_windows: Sequence[StepWindow] = (),
) -> FunnelProgress:
    """Each user's progress through ``steps`` in ``events`` (``user_id``, ``step``, optional
    ``ts``), same rules as :func:`~kpi.funnel.funnel`; tabulate it with
    :meth:`FunnelProgress.table` or :meth:`FunnelProgress.funnel` for any subset of users and
    breakdown (module docstring).

    With integer user ids and more than ``chunk_events`` events (default :data:`CHUNK_EVENTS`;
    0: never), the users are split into groups computed one after the other (a user's progress
    depends only on their own events): the same rows, in the same order (by user id), with a
    bounded working memory.

    ``base``: :func:`funnel_base` of the same ``events`` (a view keeps one per period), read
    instead of encoding and sorting the events again; the same rows. ``with_times=False``
    leaves out the step times (who reached which step only: an A/B test's outcome).

    ``exclusions`` and ``step_windows`` (:mod:`kpi.funnel.rules`): computed from the events
    (not the base, not in groups), the step times those of the path the rules accept
    (:mod:`kpi.funnel.timing`)."""
    timed = with_times and "ts" in events.columns and order == "sequential" and not open_funnel
    if exclusions or step_windows:
        return _ruled_progress(
            events, steps, window, order, open_funnel, exclusions, step_windows, timed
        )
    ts_dtype = events.schema.get("ts")
    parts = 1
    if chunk_events is None:
        chunk_events = CHUNK_EVENTS
    if (
        chunk_events > 0
        and events.height > chunk_events
        and isinstance(events, pl.DataFrame)
        and "step" in events.columns
        and events.schema.get("user_id", pl.Null()).is_integer()
    ):
        parts = -(-events.height // chunk_events)
    if parts == 1 and base is not None and base.fits(events):
        rows = _progress_from_base(base, events, steps, window, order, open_funnel, timed, ts_dtype)
    elif parts == 1:
        rows = _progress(events, steps, window, order, open_funnel, timed, ts_dtype)
    else:
        cols = [c for c in ("user_id", "step", "ts") if c in events.columns]
        group = events.select((pl.col("user_id").hash(seed=5) % parts).cast(pl.UInt32)).to_series()
        pieces = []
        for i in range(parts):
            sub = events.select(cols).filter(group == i)
            if sub.height:
                pieces.append(_progress(sub, steps, window, order, open_funnel, timed, ts_dtype))
            del sub
        del group
        rows = pl.concat(pieces, rechunk=False).sort("user_id")
    return FunnelProgress(tuple(str(s) for s in steps), rows, open_funnel, timed)


def _ruled_progress(
    events: pl.DataFrame,
    steps: Sequence[str],
    window: dt.timedelta | None,
    order: Order,
    open_funnel: bool,
    exclusions: Sequence[Exclusion],
    step_windows: Sequence[StepWindow],
    with_times: bool,
) -> FunnelProgress:
    """:func:`funnel_progress` with exclusions or per-step windows: the step times (when
    ``with_times``) of the path the rules accept (:func:`kpi.funnel.timing.ruled_progress_rows`)."""
    rules = _rules(events, steps, order, open_funnel, exclusions, step_windows)
    assert rules is not None  # exclusions or step windows given, and they apply
    given = (tuple(exclusions), tuple(step_windows))
    names = tuple(str(s) for s in steps)
    if with_times and not open_funnel and order == "sequential":  # the timed path: in order, closed
        rows = ruled_progress_rows(events, steps, window, rules)
        rows = _with_seconds(rows, len(steps), True)
        return FunnelProgress(names, rows, False, True, given)
    per_user, f, prep = _reach(
        events, steps, (), window, order, open_funnel, keep_ids=True, rules=rules
    )
    rows = _progress_rows(
        per_user, f, prep, len(steps), events.schema.get("ts"), open_funnel, False
    )
    return FunnelProgress(names, rows, open_funnel, False, given)


def _with_seconds(rows: pl.DataFrame, k: int, timed: bool) -> pl.DataFrame:
    """``rows`` of :func:`_progress_rows` with the seconds of :func:`_seconds` in place of the
    times ``ts_1``..``ts_k`` (when ``timed``)."""
    if not timed:
        return rows
    return rows.with_columns(_seconds(rows, k)).drop([f"ts_{j + 1}" for j in range(k)])


def _progress(
    events: pl.DataFrame,
    steps: Sequence[str],
    window: dt.timedelta | None,
    order: Order,
    open_funnel: bool,
    timed: bool,
    ts_dtype: pl.DataType | None,
) -> pl.DataFrame:
    per_user, f, prep = _reach(events, steps, (), window, order, open_funnel, keep_ids=True)
    rows = _progress_rows(per_user, f, prep, len(steps), ts_dtype, open_funnel, timed)
    del per_user, f, prep
    return _with_seconds(rows, len(steps), timed)


def _progress_from_base(
    base: FunnelBase,
    events: pl.DataFrame,
    steps: Sequence[str],
    window: dt.timedelta | None,
    order: Order,
    open_funnel: bool,
    timed: bool,
    ts_dtype: pl.DataType | None,
) -> pl.DataFrame:
    """:func:`_progress` from the events' :class:`FunnelBase` (the same checks and rows)."""
    _check(events, steps, (), order)
    w = _window_us(window)
    if w is not None and not base.use_ts:
        raise InputError(Fact("funnel.error.window_needs_ts"), Fact("funnel.hint.window_needs_ts"))
    prep = base.prepared(steps)
    per_user, f = _reach_prepared(prep, steps, w, order, open_funnel, base.use_ts)
    rows = _progress_rows(per_user, f, prep, len(steps), ts_dtype, open_funnel, timed)
    del per_user, f, prep
    return _with_seconds(rows, len(steps), timed)


#: above this share of the users to recompute, :func:`progress_from_previous` declines (a
#: fresh pass is then about as cheap)
REDO_SHARE = 0.5


def progress_from_previous(
    previous: FunnelProgress,
    base: FunnelBase,
    events: pl.DataFrame,
    steps: Sequence[str],
    *,
    window: dt.timedelta | None = None,
    order: Order = "sequential",
    with_times: bool = True,
    exclusions: Sequence[Exclusion] = (),
    step_windows: Sequence[StepWindow] = (),
) -> FunnelProgress | None:
    """:func:`funnel_progress` of ``events`` through ``steps`` (closed funnel) from the
    progress ``previous`` of the same events, window and order through other steps that
    start with the same ``c`` steps (a step removed or added at the end, or after step c).

    Reaching step j <= c depends only on steps 1..j, so a user who stopped before step c in
    ``previous`` (or at step c or before when ``steps`` is that common start itself) has
    the same row: same steps reached, same best attempt (the latest start among those that
    reach their last step), same times. Only the others (those who reached step c, usually
    few) are computed again, from the base's rows of those users. None when it does not
    apply (open funnel, nothing in common, other settings, or more than :data:`REDO_SHARE`
    of the users to redo); the caller computes afresh. Never with exclusions or per-step
    windows, on either side: they tie steps together (an exclusion between step 1 and a
    later step changes who reaches step 2), so a progress with other rules is never read."""
    new = tuple(str(s) for s in steps)
    old = previous.steps
    timed = with_times and "ts" in events.columns and order == "sequential"
    if exclusions or step_windows or previous.rules != ((), ()):
        return None
    if previous.open_funnel or previous.timed != timed or not base.fits(events) or not new:
        return None
    c = 0
    while c < min(len(old), len(new)) and old[c] == new[c]:
        c += 1
    if c == 0:
        return None
    _check(events, new, (), order)
    w = _window_us(window)
    if w is not None and not base.use_ts:
        raise InputError(Fact("funnel.error.window_needs_ts"), Fact("funnel.hint.window_needs_ts"))
    per = previous.per_user
    reached = pl.col("steps_reached")
    same = reached <= c if c == len(new) else reached < c
    kept = per.filter(same)
    redo = per.filter(~same).select("user_id")
    if redo.height > REDO_SHARE * max(per.height, 1):
        return None
    k = len(new)
    times = [n for j in range(k) for n in (f"_prev{j}", f"_first{j}")] if timed else []
    have = set(per.columns)
    kept = kept.select(
        "user_id",
        "steps_reached",
        *[pl.col(n) if n in have else pl.lit(None, dtype=pl.Float64).alias(n) for n in times],
    )
    if redo.height == 0:
        return FunnelProgress(new, kept, False, timed)
    prep = base.prepared(new)
    assert prep.users is not None
    users = prep.users.join(redo, on="user_id", how="semi")
    frame = prep.frame.filter(pl.col("_u").is_in(users.get_column("_u").implode()))
    sub = _Prepared(frame, users, prep.codes, prep.scale, prep.t0, aligned=False)
    per_user, f = _reach_prepared(sub, new, w, order, False, base.use_ts)
    ts_dtype = events.schema.get("ts")
    rows = _with_seconds(_progress_rows(per_user, f, sub, k, ts_dtype, False, timed), k, timed)
    rows = rows.select(kept.columns)
    return FunnelProgress(new, pl.concat([kept, rows], how="vertical"), False, timed)
