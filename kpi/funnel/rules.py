"""Exclusion steps and per-step conversion windows of the sequential funnel.

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
- Every other rule of :mod:`kpi.funnel` holds (best attempt, ties in order). These rules need
  the order of the steps: an in-order (sequential), closed funnel with timestamps, each step
  listed once, and an excluded event that is not a step of the funnel.

The pass (polars here, window functions in :mod:`kpi.engine.funnel`): events sorted by
(user, time, step position), excluded events after the steps at equal times. For a valid
step-j event the dominant path is made of the latest valid event of each earlier step
before it: it has the latest start, the latest step a and the shortest gaps, so it satisfies
every rule when any path ending there does, and its values only grow along the user's
valid step-j events. Hence each step is a few running maxima of row numbers over the earlier
rows (start, previous step, each exclusion's step a, the last excluded event), restarted at
each user by comparing them with the user's first row, as in :mod:`kpi.funnel.kernel`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import polars as pl

from kpi.errors import InputError
from kpi.funnel.prepare import _prepare, _Prepared, _window_us, _with_user_bounds
from kpi.settings import Exclusion, StepWindow
from kpi.words import Fact

__all__ = ["Rules", "applicable", "rules_of"]


@dataclass(frozen=True)
class Rules:
    """The rules resolved against the steps: ``names`` the distinct excluded events,
    ``exclusions`` (name index, a, b) with 0-based steps a < b, ``gaps`` the per-step windows
    in µs (``gaps[j]``: from step j-1 to step j; None: no limit; ``gaps[0]`` is None)."""

    names: tuple[str, ...]
    exclusions: tuple[tuple[int, int, int], ...]
    gaps: tuple[int | None, ...]

    @property
    def excludes(self) -> bool:
        return bool(self.exclusions)


def applicable(
    steps: Sequence[str], exclusions: Sequence[Exclusion], step_windows: Sequence[StepWindow]
) -> tuple[tuple[Exclusion, ...], tuple[StepWindow, ...], list[Fact]]:
    """The exclusions and step windows that apply to ``steps``, and a fact for each one that
    does not (a step not in the funnel, steps in the wrong order, the first step)."""
    pos = {str(s): i for i, s in reversed(list(enumerate(steps)))}
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
    saying why when they cannot apply (any-order or open funnel, no timestamps, a step listed
    twice, an exclusion or window naming no step of the funnel, an excluded event that is a
    step)."""
    if not exclusions and not step_windows:
        return None
    if order != "sequential" or open_funnel or not has_ts:
        raise InputError(
            Fact("funnel_rules.error.needs_order", order=str(order)),
            Fact("funnel_rules.hint.needs_order"),
        )
    names = [str(s) for s in steps]
    if len(set(names)) < len(names):
        raise InputError(
            Fact("funnel_rules.error.repeated_step"), Fact("funnel_rules.hint.repeated_step")
        )
    kept_x, kept_w, skipped = applicable(names, exclusions, step_windows)
    if skipped:
        raise InputError(skipped[0], Fact("funnel_rules.hint.fix_rule"))
    pos = {s: i for i, s in enumerate(names)}
    xnames = tuple(dict.fromkeys(x.event for x in kept_x))
    excl = tuple((xnames.index(x.event), pos[x.after], pos[x.before]) for x in kept_x)
    gaps: list[int | None] = [None] * len(names)
    for w in kept_w:
        gaps[pos[w.step]] = _window_us(w.window)
    return Rules(xnames, excl, tuple(gaps))


# --------------------------------------------------------------------------------------------
# The polars pass
# --------------------------------------------------------------------------------------------


def prepare(
    events: pl.DataFrame, steps: Sequence[str], rules: Rules, by: Sequence[str], keep_ids: bool
) -> _Prepared:
    """The events encoded and sorted with the excluded events after the steps: codes 0..k-1
    for the steps, k + i for the excluded event ``rules.names[i]``."""
    return _prepare(events, [*map(str, steps), *rules.names], by, use_ts=True, keep_ids=keep_ids)


def _row_levels(
    f: pl.LazyFrame, k: int, w: int | None, rules: Rules, *, excluded: bool, name: str
) -> pl.LazyFrame:
    """Add column ``name``: the last step (1-based; 0: none) that a valid path reaches at
    this row, with the exclusions when ``excluded`` (times in the frame's units)."""
    t, r, us = pl.col("_t"), pl.col("_r"), pl.col("_us")
    excl = rules.exclusions if excluded else ()

    def at(rows: pl.Expr) -> pl.Expr:
        return t.gather(rows.clip(0))

    def carried(expr: pl.Expr) -> pl.Expr:
        return expr.cum_max().shift(1, fill_value=-1)

    p = f"{name}_"
    if excl:  # the last excluded event of each name strictly before the row
        f = f.with_columns(
            carried(pl.when(pl.col("_p") == k + i).then(r).otherwise(-1)).alias(f"{p}x{i}")
            for i in range(len(rules.names))
        )
    level = pl.lit(0, dtype=pl.Int32)
    drop: list[str] = []
    for j in range(k):
        here = pl.col("_p") == j
        if j == 0:
            valid = here
            start = r
        else:
            cs, cp = pl.col(f"{p}cs{j - 1}"), pl.col(f"{p}cp{j - 1}")
            valid = here & (cs >= us)
            if w is not None:
                valid = valid & (t - at(cs) <= w)
            gap = rules.gaps[j]
            if gap is not None:
                valid = valid & (t - at(cp) <= gap)
            for i, a, b in excl:
                if a < j <= b:
                    lx, o = pl.col(f"{p}x{i}"), pl.col(f"{p}o{a}_{j - 1}")
                    valid = valid & ((lx < us) | (at(lx) <= at(o)))
            start = cs
        f = f.with_columns(valid.alias(f"{p}v{j}"))
        v = pl.col(f"{p}v{j}")
        level = pl.when(v).then(j + 1).otherwise(level)
        drop.append(f"{p}v{j}")
        if j == k - 1:
            continue
        cols = [
            carried(pl.when(v).then(start).otherwise(-1)).alias(f"{p}cs{j}"),
            carried(pl.when(v).then(r).otherwise(-1)).alias(f"{p}cp{j}"),
        ]
        for a in sorted({a for _, a, b in excl if a <= j < b}):
            o = r if a == j else pl.col(f"{p}o{a}_{j - 1}")
            cols.append(carried(pl.when(v).then(o).otherwise(-1)).alias(f"{p}o{a}_{j}"))
        f = f.with_columns(cols)
        drop += [c.meta.output_name() for c in cols]
    if excl:
        drop += [f"{p}x{i}" for i in range(len(rules.names))]
    return f.with_columns(level.alias(name)).drop(drop)


def reach(prep: _Prepared, k: int, w: int | None, rules: Rules) -> pl.DataFrame:
    """One row per user of ``prep``'s frame (frame order): ``_u``, ``_lvl`` (last step
    reached with the rules), ``_e`` (0) and, with exclusions, ``_free`` (without them)."""
    units = None if w is None else w // prep.scale
    scaled = Rules(
        rules.names,
        rules.exclusions,
        tuple(None if g is None else g // prep.scale for g in rules.gaps),
    )
    f = _with_user_bounds(prep.frame.lazy())
    f = _row_levels(f, k, units, scaled, excluded=True, name="_rl")
    names = ["_rl"]
    if rules.excludes:
        f = _row_levels(f, k, units, scaled, excluded=False, name="_rf")
        names.append("_rf")
    # per-user maximum in one pass: a running maximum of (user ordinal, level) read at the
    # user's last row
    ordinal = (pl.col("_r") == pl.col("_us")).cast(pl.Int64).cum_sum()
    outs = [
        ((ordinal * 256 + pl.col(n)).cum_max() - ordinal * 256).cast(pl.Int32).alias(out)
        for n, out in zip(names, ["_lvl", "_free"], strict=False)
    ]
    per = f.select("_u", *outs, pl.lit(0, dtype=pl.Int32).alias("_e"), "_last")
    return per.filter(pl.col("_last")).drop("_last").collect()


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
    ``blocked``: True when the funnel cannot take any: any order, open, no times, a step
    listed twice)."""

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
    ``steps`` (the view's funnel): those naming steps of the funnel in order, when the
    funnel can take them (:func:`rules_of`); nothing otherwise, with the reasons."""
    if not exclusions and not step_windows:
        return InEffect()
    names = [str(s) for s in steps]
    if order != "sequential" or open_funnel or not has_ts or len(set(names)) < len(names):
        return InEffect(notes=(Fact("funnel_rules.page.not_here"),), blocked=True)
    kept_x, kept_w, skipped = applicable(names, exclusions, step_windows)
    return InEffect(kept_x, kept_w, tuple(skipped))
