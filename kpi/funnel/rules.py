"""Exclusion steps and per-step conversion windows of a funnel.

Semantics (Mixpanel's exclusion steps, the per-step windows of GA4's "within X" and
Mixpanel's; not PostHog's, which removes an excluded user from the whole funnel, step 1
included, so that step 1 would depend on what users did later):

- **Per-step window** (:class:`~kpi.settings.StepWindow`): step j counts only when done at
  most that long after the path's step j-1 (inclusive). The overall window still bounds the
  whole path from step 1.
- **Exclusion** (:class:`~kpi.settings.Exclusion`, event X between step a and step b): a path
  that meets an X event strictly after its step a and strictly before its step m
  (a < m <= b) does not reach step m. The user still counts at the steps their best
  remaining path reaches (usually up to the last step before X), so users(k) never exceeds
  users(k-1) and step 1 is the same with or without exclusions. An X at the same time as a
  step is not between. Users *excluded* are those who reach fewer steps than they would
  without the exclusions (same windows).
- Every other rule of :mod:`kpi.funnel` holds (best attempt, ties in order). The rules need
  timestamps, each step listed once, and an excluded event that is not a step of the funnel.

Which funnels take them:

- **In order (sequential), closed**: as above.
- **In order, open** (users enter at the step of their first funnel event): the rules apply
  between the steps the user did. A per-step window on step j applies from the step before
  when the user did it (not at their entry step: nothing comes before it there); an
  exclusion between a and b applies from step a, or from the user's entry step when they
  entered after a (an X after their entry and before their step m, a < m <= b, stops them).
- **Strict order** (no other event between two steps) is not a funnel of Parcours: the
  in-order funnel (:mod:`kpi.funnel.kernel`) lets any other event happen between two steps,
  which is what an exclusion looks for.
- **Any order** (steps 1..k all in one window, in any order): as PostHog's unordered funnel
  ("Partial Exclusions not allowed in unordered funnels"), an exclusion must span the whole
  funnel (from the first to the last step): the user reaches step k when one window holds
  steps 1..k with no X strictly between the earliest and the latest of those events (an X at
  the same time as one of them is not between). A partial exclusion is refused (the steps
  have no order to be "between"), so are per-step windows (no step before), each with a
  message saying why and what to do; so are exclusions in an open funnel in any order (its
  entry is the first listed step the user *ever* did, which an exclusion cannot cut).

The in-order pass (polars here, window functions in :mod:`kpi.engine.funnel_rules`, both
written once by :func:`row_levels`): events sorted by (user, time, step position), excluded
events after the steps at equal times. For a valid step-j event the dominant path is made of
the latest valid event of each earlier step before it: it has the latest start, the latest
step a and the shortest gaps, so it satisfies every rule when any path ending there does,
and its values only grow along the user's valid step-j events. Hence each step is a few
running maxima over the earlier rows (start, previous step, each exclusion's step a, the
last excluded event), restarted at each user. The any-order pass cuts each user's events at
their X events (an event at the time of an X belongs to the piece before and the piece
after it) and runs the any-order funnel on each piece: the user's level is their best
piece's.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import polars as pl

from kpi.errors import InputError
from kpi.funnel.prepare import _prepare, _Prepared, _window_us, _with_user_bounds
from kpi.settings import Exclusion, StepWindow
from kpi.words import Fact

__all__ = ["LevelOps", "Rules", "applicable", "in_effect", "row_levels", "rules_of"]


@dataclass(frozen=True)
class Rules:
    """The rules resolved against the steps: ``names`` the distinct excluded events,
    ``exclusions`` (name index, a, b) with 0-based steps a < b, ``gaps`` the per-step windows
    in µs (``gaps[j]``: from step j-1 to step j; None: no limit; ``gaps[0]`` is None);
    ``order`` and ``open_funnel``: the funnel's (any order: every exclusion spans the whole
    funnel and there is no gap)."""

    names: tuple[str, ...]
    exclusions: tuple[tuple[int, int, int], ...]
    gaps: tuple[int | None, ...]
    order: str = "sequential"
    open_funnel: bool = False

    @property
    def excludes(self) -> bool:
        return bool(self.exclusions)


def applicable(
    steps: Sequence[str],
    exclusions: Sequence[Exclusion],
    step_windows: Sequence[StepWindow],
    *,
    order: str = "sequential",
) -> tuple[tuple[Exclusion, ...], tuple[StepWindow, ...], list[Fact]]:
    """The exclusions and step windows that apply to ``steps``, and a fact for each one that
    does not (a step not in the funnel, steps in the wrong order, the first step; in any
    order: an exclusion that does not span the whole funnel, any per-step window)."""
    pos = {str(s): i for i, s in reversed(list(enumerate(steps)))}
    if order == "any":
        return _applicable_any([str(s) for s in steps], pos, exclusions, step_windows)
    kept_x: list[Exclusion] = []
    kept_w: list[StepWindow] = []
    skipped: list[Fact] = []
    for x in exclusions:
        a, b = pos.get(x.after), pos.get(x.before)
        if a is None or b is None:
            missing = x.after if a is None else x.before
            skipped.append(Fact("funnel_rules.skip.step_missing", event=x.event, step=missing))
        elif a >= b:
            skipped.append(
                Fact("funnel_rules.skip.order", event=x.event, after=x.after, before=x.before)
            )
        elif x.event in pos:
            skipped.append(Fact("funnel_rules.skip.event_is_step", event=x.event))
        elif x not in kept_x:
            kept_x.append(x)
    seen: set[str] = set()
    for w in step_windows:
        i = pos.get(w.step)
        if i is None:
            skipped.append(Fact("funnel_rules.skip.window_step_missing", step=w.step))
        elif i == 0:
            skipped.append(Fact("funnel_rules.skip.window_first", step=w.step))
        elif w.step not in seen:
            seen.add(w.step)
            kept_w.append(w)
    return tuple(kept_x), tuple(kept_w), skipped


def _applicable_any(
    steps: list[str],
    pos: dict[str, int],
    exclusions: Sequence[Exclusion],
    step_windows: Sequence[StepWindow],
) -> tuple[tuple[Exclusion, ...], tuple[StepWindow, ...], list[Fact]]:
    """:func:`applicable` for a funnel in any order: whole-funnel exclusions only."""
    kept_x: list[Exclusion] = []
    skipped: list[Fact] = []
    first, last = steps[0], steps[-1]
    for x in exclusions:
        a, b = pos.get(x.after), pos.get(x.before)
        if a is None or b is None:
            missing = x.after if a is None else x.before
            skipped.append(Fact("funnel_rules.skip.step_missing", event=x.event, step=missing))
        elif x.event in pos:
            skipped.append(Fact("funnel_rules.skip.event_is_step", event=x.event))
        elif (a, b) != (0, len(steps) - 1):
            skipped.append(
                Fact(
                    "funnel_rules.skip.any_partial",
                    event=x.event,
                    after=x.after,
                    before=x.before,
                    first=first,
                    last=last,
                )
            )
        elif x not in kept_x:
            kept_x.append(x)
    for w in step_windows:
        skipped.append(Fact("funnel_rules.skip.any_window", step=w.step))
    return tuple(kept_x), (), skipped


def _hint(fact: Fact) -> Fact:
    """What to do about a rule that does not apply."""
    if fact.code == "funnel_rules.skip.any_partial":
        return Fact("funnel_rules.hint.any_partial", first=fact["first"], last=fact["last"])
    if fact.code == "funnel_rules.skip.any_window":
        return Fact("funnel_rules.hint.any_window")
    return Fact("funnel_rules.hint.fix_rule")


def rules_of(
    steps: Sequence[str],
    exclusions: Sequence[Exclusion],
    step_windows: Sequence[StepWindow],
    *,
    order: str = "sequential",
    open_funnel: bool = False,
    has_ts: bool = True,
) -> Rules | None:
    """The :class:`Rules` of ``steps`` (None when there are none); an :class:`InputError`
    saying why when they cannot apply (no timestamps, a step listed twice, an exclusion or
    window naming no step of the funnel, an excluded event that is a step; in any order a
    partial exclusion, a per-step window, or an open funnel). See the module docstring."""
    if not exclusions and not step_windows:
        return None
    if not has_ts:
        raise InputError(
            Fact("funnel_rules.error.needs_order", order=str(order)),
            Fact("funnel_rules.hint.needs_order"),
        )
    if order == "any" and open_funnel:
        raise InputError(Fact("funnel_rules.error.any_open"), Fact("funnel_rules.hint.any_open"))
    names = [str(s) for s in steps]
    if len(set(names)) < len(names):
        raise InputError(
            Fact("funnel_rules.error.repeated_step"), Fact("funnel_rules.hint.repeated_step")
        )
    kept_x, kept_w, skipped = applicable(names, exclusions, step_windows, order=order)
    if skipped:
        raise InputError(skipped[0], _hint(skipped[0]))
    pos = {s: i for i, s in enumerate(names)}
    xnames = tuple(dict.fromkeys(x.event for x in kept_x))
    excl = tuple((xnames.index(x.event), pos[x.after], pos[x.before]) for x in kept_x)
    gaps: list[int | None] = [None] * len(names)
    for w in kept_w:
        gaps[pos[w.step]] = _window_us(w.window)
    return Rules(xnames, excl, tuple(gaps), "any" if order == "any" else "sequential", open_funnel)


# --------------------------------------------------------------------------------------------
# The in-order pass, written once for polars and for an engine (narwhals)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LevelOps:
    """How :func:`row_levels` reads a backend. Each running column holds, for the user's
    earlier rows, the largest "reference" of a row (polars: its row number, looked up with
    ``time_of``; an engine: its time itself).

    ``ns``: the expression namespace (``polars`` or ``narwhals``); ``own``: the current row's
    reference; ``time_of(ref)``: the time of a reference; ``none(ref)``: "no such row for this
    user"; ``running(expr)``: the running maximum of ``expr`` over the user's rows before the
    current one (an engine may include the current row: only rows of the step before, or
    excluded events, hold a value); ``no_ref``: the value of "no row"; ``x_code(i)``: the
    step code of the excluded event ``i``; ``level_dtype``: the dtype of the levels."""

    ns: Any
    own: Any
    time_of: Callable[[Any], Any]
    none: Callable[[Any], Any]
    running: Callable[[Any], Any]
    no_ref: int
    x_code: Callable[[int], int]
    level_dtype: Any


def row_levels(
    f: Any,
    k: int,
    w: int | None,
    rules: Rules,
    ops: LevelOps,
    *,
    excluded: bool,
    name: str,
    entry: Any = None,
) -> Any:
    """Add column ``name`` to ``f`` (a polars or narwhals lazy frame with ``_t`` the time and
    ``_p`` the step code): the last step (1-based; 0: none) that a valid in-order path
    reaches at this row, with the exclusions when ``excluded``; ``w`` and ``rules.gaps`` in
    the frame's time units. ``entry``: an expression of the user's entry step (0-based; open
    funnel), else every path starts at step 1. A path starts at a row of the entry step and
    takes step j at a row of step j when the running maxima of the user's earlier rows hold
    a valid step j-1 within the windows and no excluded event after its exclusion's step a
    (or the user's entry step, if later)."""
    ns = ops.ns
    col, t = ns.col, ns.col("_t")
    excl = rules.exclusions if excluded else ()
    p = f"{name}_"

    def carried(expr: Any, alias: str) -> Any:
        return ops.running(expr).alias(alias)

    def hold(valid: Any, value: Any) -> Any:
        return ns.when(valid).then(value).otherwise(ops.no_ref)

    if excl:  # the last excluded event of each name before the row
        f = f.with_columns(
            carried(hold(col("_p") == ops.x_code(i), ops.own), f"{p}x{i}")
            for i in range(len(rules.names))
        )
    level = ns.lit(0, dtype=ops.level_dtype)
    drop: list[str] = []
    for j in range(k):
        here = col("_p") == j
        enter = here if entry is None and j == 0 else None
        if entry is not None:
            enter = here & (entry == j)
        valid = enter
        if j > 0:
            cs, cp = col(f"{p}cs{j - 1}"), col(f"{p}cp{j - 1}")
            cont = here & ~ops.none(cs)
            if entry is not None:
                cont = cont & (entry < j)
            if w is not None:
                cont = cont & (t - ops.time_of(cs) <= w)
            gap = rules.gaps[j]
            if gap is not None:
                cont = cont & (t - ops.time_of(cp) <= gap)
            for i, a, b in excl:
                if a < j <= b:
                    lx, o = col(f"{p}x{i}"), col(f"{p}o{a}_{j - 1}")
                    cont = cont & (ops.none(lx) | (ops.time_of(lx) <= ops.time_of(o)))
            valid = cont if enter is None else enter | cont
        f = f.with_columns(valid.alias(f"{p}v{j}"))
        v = col(f"{p}v{j}")
        level = ns.when(v).then(j + 1).otherwise(level)
        drop.append(f"{p}v{j}")
        if j == k - 1:
            continue
        if j == 0:
            start = ops.own
        elif enter is None:
            start = col(f"{p}cs{j - 1}")
        else:
            start = ns.when(enter).then(ops.own).otherwise(col(f"{p}cs{j - 1}"))
        cols = [
            carried(hold(v, start), f"{p}cs{j}"),
            carried(hold(v, ops.own), f"{p}cp{j}"),
        ]
        for a in sorted({a for _, a, b in excl if a <= j < b}):
            if a == j:
                o = ops.own
            elif entry is None:
                o = col(f"{p}o{a}_{j - 1}")
            else:  # a path that entered after step a: from its entry step
                o = ns.when(entry == j).then(ops.own).otherwise(col(f"{p}o{a}_{j - 1}"))
            cols.append(carried(hold(v, o), f"{p}o{a}_{j}"))
        f = f.with_columns(*cols)
        drop += [f"{p}cs{j}", f"{p}cp{j}", *(f"{p}o{a}_{j}" for a in sorted(
            {a for _, a, b in excl if a <= j < b}))]  # fmt: skip
    if excl:
        drop += [f"{p}x{i}" for i in range(len(rules.names))]
    return f.with_columns(level.alias(name)).drop(drop)


# --------------------------------------------------------------------------------------------
# The polars pass
# --------------------------------------------------------------------------------------------


def prepare(
    events: pl.DataFrame, steps: Sequence[str], rules: Rules, by: Sequence[str], keep_ids: bool
) -> _Prepared:
    """The events encoded and sorted with the excluded events after the steps: codes 0..k-1
    for the steps, k + i for the excluded event ``rules.names[i]``."""
    return _prepare(events, [*map(str, steps), *rules.names], by, use_ts=True, keep_ids=keep_ids)


def _polars_ops(k: int) -> LevelOps:
    """:class:`LevelOps` of the polars pass: references are row numbers (``_r``), a user's
    rows start at ``_us``; the running maxima are over the rows strictly before."""
    t, us = pl.col("_t"), pl.col("_us")
    return LevelOps(
        ns=pl,
        own=pl.col("_r"),
        time_of=lambda ref: t.gather(ref.clip(0)),
        none=lambda ref: ref < us,
        running=lambda expr: expr.cum_max().shift(1, fill_value=-1),
        no_ref=-1,
        x_code=lambda i: k + i,
        level_dtype=pl.Int32,
    )


def _entry(k: int) -> pl.Expr:
    """The user's entry step (0-based) in an open funnel: the step of their first funnel
    event (rows sorted by time, then step position); ``k`` when they did no step."""
    return pl.col("_p").filter(pl.col("_p") < k).first().over("_u").fill_null(k)


def reach(prep: _Prepared, k: int, w: int | None, rules: Rules) -> pl.DataFrame:
    """One row per user of ``prep``'s frame (frame order): ``_u``, ``_lvl`` (last step
    reached with the rules), ``_e`` (the entry step, 0-based: 0 in a closed funnel) and, with
    exclusions, ``_free`` (without them)."""
    units = None if w is None else w // prep.scale
    scaled = Rules(
        rules.names,
        rules.exclusions,
        tuple(None if g is None else g // prep.scale for g in rules.gaps),
        rules.order,
        rules.open_funnel,
    )
    if rules.order == "any":
        return _reach_any(prep, k, units, scaled)
    f = _with_user_bounds(prep.frame.lazy())
    entry = None
    if rules.open_funnel:
        f = f.with_columns(_en=_entry(k))
        entry = pl.col("_en")
    ops = _polars_ops(k)
    f = row_levels(f, k, units, scaled, ops, excluded=True, name="_rl", entry=entry)
    names = ["_rl"]
    if rules.excludes:
        f = row_levels(f, k, units, scaled, ops, excluded=False, name="_rf", entry=entry)
        names.append("_rf")
    # per-user maximum in one pass: a running maximum of (user ordinal, level) read at the
    # user's last row
    ordinal = (pl.col("_r") == pl.col("_us")).cast(pl.Int64).cum_sum()
    outs = [
        ((ordinal * 256 + pl.col(n)).cum_max() - ordinal * 256).cast(pl.Int32).alias(out)
        for n, out in zip(names, ["_lvl", "_free"], strict=False)
    ]
    e = (
        pl.when(pl.col("_en") < k).then(pl.col("_en")).otherwise(0)
        if rules.open_funnel
        else pl.lit(0)
    )
    per = f.select("_u", *outs, e.cast(pl.Int32).alias("_e"), "_last")
    return per.filter(pl.col("_last")).drop("_last").collect()


def _pieces(f: pl.LazyFrame, k: int) -> pl.LazyFrame:
    """The step rows of ``f`` (sorted by user, time, code; excluded events after the steps
    at equal times) cut at the user's excluded events: ``_g`` numbers the pieces (user, n-th
    gap between excluded events), a row at the time of an excluded event in the piece before
    it and the piece after it; sorted by piece, time, code."""
    is_x = (pl.col("_p") >= k).cast(pl.Int64)
    f = f.with_columns(
        _o=(pl.col("_u") != pl.col("_u").shift(1)).fill_null(True).cast(pl.Int64).cum_sum(),
        _lt=is_x.cum_sum().over("_u") - is_x,  # excluded events strictly before (sorted)
        _at=is_x.sum().over("_u", "_t"),  # excluded events at the same time
    )
    steps = f.filter(pl.col("_p") < k)
    before = steps.select("_o", "_u", "_t", "_p", _s=pl.col("_lt"))
    after = steps.filter(pl.col("_at") > 0).select(
        "_o", "_u", "_t", "_p", _s=pl.col("_lt") + pl.col("_at")
    )
    both = pl.concat([before, after]).sort(["_o", "_s", "_t", "_p"])
    new = (pl.col("_o") != pl.col("_o").shift(1)) | (pl.col("_s") != pl.col("_s").shift(1))
    return both.with_columns(_g=new.fill_null(True).cast(pl.Int64).cum_sum())


def _reach_any(prep: _Prepared, k: int, w: int | None, rules: Rules) -> pl.DataFrame:
    """:func:`reach` for a funnel in any order with whole-funnel exclusions (module
    docstring): the any-order funnel of each piece between excluded events, the best piece
    per user; ``_free``: the any-order funnel of all the user's steps."""
    from kpi.funnel.kernel import _any_order

    steps = [str(i) for i in range(k)]
    codes = list(range(k))
    frame = prep.frame
    users = frame.select("_u").unique(maintain_order=True)  # frame order
    pieces = _pieces(frame.lazy(), k).collect()
    owner = pieces.select("_g", "_u").unique("_g", keep="first")
    levels = _any_order(pieces.select(pl.col("_g").alias("_u"), "_t", "_p"), steps, codes, w)
    best = levels.rename({"_u": "_g"}).join(owner, on="_g").group_by("_u").agg(pl.col("_lvl").max())
    free = _any_order(frame.filter(pl.col("_p") < k), steps, codes, w).select(
        "_u", pl.col("_lvl").alias("_free")
    )
    return (
        users.join(best, on="_u", how="left", maintain_order="left")
        .join(free, on="_u", how="left", maintain_order="left")
        .select(
            "_u",
            pl.col("_lvl").fill_null(0).cast(pl.Int32),
            pl.lit(0, dtype=pl.Int32).alias("_e"),
            pl.col("_free").fill_null(0).cast(pl.Int32),
        )
    )


def reach_events(
    events: pl.DataFrame,
    steps: Sequence[str],
    window: dt.timedelta | None,
    rules: Rules,
    by: Sequence[str] = (),
    *,
    keep_ids: bool = False,
) -> tuple[pl.DataFrame, _Prepared]:
    """:func:`reach` of ``events`` (``user_id``, ``step``, ``ts``) and the prepared data."""
    prep = prepare(events, steps, rules, by, keep_ids)
    return reach(prep, len(steps), _window_us(window), rules), prep


@dataclass(frozen=True)
class InEffect:
    """The exclusions and per-step windows that a view's funnel applies (``exclusions``,
    ``step_windows``) and, for the words, the ones it does not (``notes``: a fact each;
    ``blocked``: True when the funnel cannot take any: no times, a step listed twice, an open
    funnel in any order)."""

    exclusions: tuple[Exclusion, ...] = ()
    step_windows: tuple[StepWindow, ...] = ()
    notes: tuple[Fact, ...] = ()
    blocked: bool = False

    @property
    def active(self) -> bool:
        return bool(self.exclusions or self.step_windows)

    def kwargs(self) -> dict[str, tuple]:
        """The keyword arguments of the funnel functions (``exclusions``, ``step_windows``)."""
        return {"exclusions": self.exclusions, "step_windows": self.step_windows}

    def key(self) -> tuple:
        """A part of a cache key (hashable)."""
        return (self.exclusions, self.step_windows)


def in_effect(
    steps: Sequence[str],
    exclusions: Sequence[Exclusion],
    step_windows: Sequence[StepWindow],
    *,
    order: str = "sequential",
    open_funnel: bool = False,
    has_ts: bool = True,
) -> InEffect:
    """What a view applies of the ``exclusions`` and ``step_windows`` asked for with
    ``steps`` (the view's funnel): those naming steps of the funnel in order (in any order:
    the exclusions over the whole funnel), when the funnel can take them (:func:`rules_of`);
    nothing otherwise, with the reasons."""
    if not exclusions and not step_windows:
        return InEffect()
    names = [str(s) for s in steps]
    if not has_ts or len(set(names)) < len(names):
        return InEffect(notes=(Fact("funnel_rules.page.not_here"),), blocked=True)
    if order == "any" and open_funnel:
        return InEffect(notes=(Fact("funnel_rules.page.not_here_any_open"),), blocked=True)
    kept_x, kept_w, skipped = applicable(names, exclusions, step_windows, order=order)
    return InEffect(kept_x, kept_w, tuple(skipped))
