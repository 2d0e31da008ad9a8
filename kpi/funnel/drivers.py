"""What is different about those who convert? Segment values and events over- or
under-represented among the converters of a funnel step.

For a step k (1 <= k < number of steps) the population is the users who reached step k. As in
PostHog's correlation analysis, the **converters** are those of them who reached the funnel's
**last step** (they completed the funnel), the **drop-offs** the others (they stopped at step
k or later, before the last step). For every value of every segment column (a user attribute:
that value vs every other value of the column) and every event name that is not a step of the
funnel (did it at least once **before the user's outcome** vs did not, see below), a 2 × 2
table::

                 with the value   without
    converters        a              b
    drop-offs         c              d

- **odds ratio** (a·d)/(b·c): the odds of converting with the value over the odds without it
  ("2.3× more likely to convert" compares these odds);
- its **95 % confidence interval** by Woolf's log method: exp(ln OR ± 1.96·√(1/a + 1/b + 1/c
  + 1/d)). When a cell is 0, 0.5 is added to all four cells first (the Haldane–Anscombe
  correction; ``statsmodels``' ``Table2x2(shift_zeros=True)`` instead puts 0.5 in the zero
  cells only) for the ratio and its interval; the counts shown stay the real ones;
- a two-sided **p-value**: Pearson's chi-square test (1 degree of freedom, no continuity
  correction) when every expected cell is at least 5, else Fisher's exact test (the rule of
  the A/B test page);
- the **Benjamini–Hochberg** adjusted p-value over the whole family (every segment value and
  event tested, :func:`scipy.stats.false_discovery_control`); only a row whose adjusted
  p-value is below ``alpha`` is a **finding**.

**Events count only before the outcome.** An event done *because* the user converted (an
order confirmation, account pages after the purchase) would otherwise come out as a "driver".
So an event counts for a user only when done strictly after the moment they reached step k
and before their outcome: for a converter, strictly before the moment they reached the last
step; for a drop-off, no later than the end of the conversion window counted from step k
(their step-k time + the window, inclusive) or the period's end, whichever is first (no
window: the period's end). The moments are those of the user's best attempt (the latest start
among the attempts that reach their last step, as the step times; an event at the very same
time as step k is not "after" it). This needs an ordered (sequential), closed funnel with
timestamps: on another funnel (any order, open, no times) there is no moment at which step k
or the outcome was reached, so events are not tested (``notes`` says why) and only the
segment values are. Segment values are user attributes, not dated: they are tested as they
are.

A row that cannot be tested (every user, or nobody, has the value) has no p-value and is not in
the family. Columns with more than :data:`MAX_VALUES` values keep their most common ones, and
at most :data:`MAX_EVENTS` event names (the most done) are tested; the others are counted in
``untested``. A group of fewer than :data:`SMALL_GROUP` users (with or without the value) is
marked ``small``; a split where converters are under :data:`SKEWED` or over 1 − SKEWED of the
population is said (``notes``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import polars as pl
from scipy import stats

from kpi.errors import InputError
from kpi.filters import segment_name, value_word
from kpi.funnel.kernel import user_progress
from kpi.funnel.progress import FunnelProgress
from kpi.segments import NONE
from kpi.words import Fact

__all__ = [
    "MAX_EVENTS",
    "MAX_VALUES",
    "SKEWED",
    "SMALL_GROUP",
    "Drivers",
    "drivers",
    "events_before_outcome",
    "odds_ratio_tests",
]

MAX_VALUES = 20
MAX_EVENTS = 50
SMALL_GROUP = 30
SKEWED = 0.05
Z95 = 1.959963984540054  # scipy.stats.norm.ppf(0.975)

_SCHEMA = {
    "kind": pl.String,
    "column": pl.String,
    "value": pl.String,
    "converters_with": pl.Int64,
    "dropped_with": pl.Int64,
}


@dataclass(frozen=True)
class Drivers:
    """The tests of one step. ``table``: one row per segment value (``kind`` "segment",
    ``column`` the segment) or event (``kind`` "event", ``column`` null), with ``value``, the
    four counts, ``conversion_with`` / ``conversion_without`` (a/(a+c), b/(b+d)),
    ``odds_ratio``, ``ci_low``, ``ci_high``, ``corrected`` (0.5 added), ``p_value``, ``test``
    ("chi2" / "fisher"), ``p_adjusted``, ``finding``, ``small``; findings first (smallest
    adjusted p-value first), then the others the same way. ``family``: the number of tests
    adjusted together. ``events_tested``: events were compared (counted between step k and
    the outcome, module docstring)."""

    step: int
    step_name: str
    last_name: str
    converters: int
    dropped: int
    table: pl.DataFrame
    family: int
    alpha: float
    untested: dict[str, int] = field(default_factory=dict)
    notes: tuple[Fact, ...] = ()
    events_tested: bool = False

    @property
    def population(self) -> int:
        return self.converters + self.dropped

    @property
    def findings(self) -> pl.DataFrame:
        return self.table.filter(pl.col("finding"))

    @property
    def others(self) -> pl.DataFrame:
        return self.table.filter(~pl.col("finding"))

    def finding_facts(self) -> list[Fact]:
        """One sentence per finding ("Users with device = Android are 2.3× less likely to
        convert …")."""
        out = []
        for r in self.findings.iter_rows(named=True):
            more = r["odds_ratio"] >= 1
            who = (
                Fact(
                    "funnel_why.who.segment",
                    column=segment_name(r["column"]),
                    value=value_word(r["value"]),
                )
                if r["kind"] == "segment"
                else Fact("funnel_why.who.event", event=r["value"])
            )
            out.append(
                Fact(
                    "funnel_why.finding.more" if more else "funnel_why.finding.less",
                    who=who,
                    times=r["odds_ratio"] if more else 1 / r["odds_ratio"],
                    odds_ratio=r["odds_ratio"],
                    low=r["ci_low"],
                    high=r["ci_high"],
                    p=r["p_adjusted"],
                    last=self.last_name,
                )
            )
        return out


def odds_ratio_tests(a: np.ndarray, b: np.ndarray, c: np.ndarray, d: np.ndarray) -> dict:
    """Odds ratio, Woolf 95 % CI (0.5 added to every cell when one is 0), p-value (chi-square
    when every expected cell >= 5, else Fisher exact) of each 2 × 2 table [[a, b], [c, d]];
    NaN where a margin is 0 (nothing to compare)."""
    a, b, c, d = (np.asarray(x, dtype=np.float64) for x in (a, b, c, d))
    n = a + b + c + d
    testable = (a + b > 0) & (c + d > 0) & (a + c > 0) & (b + d > 0)
    zero = (a == 0) | (b == 0) | (c == 0) | (d == 0)
    s = np.where(zero, 0.5, 0.0)
    aa, bb, cc, dd = a + s, b + s, c + s, d + s
    with np.errstate(divide="ignore", invalid="ignore"):
        log_or = np.log(aa) + np.log(dd) - np.log(bb) - np.log(cc)
        se = np.sqrt(1 / aa + 1 / bb + 1 / cc + 1 / dd)
        rows = np.stack([a + b, c + d])
        cols = np.stack([a + c, b + d])
        expected = np.stack(
            [rows[0] * cols[0], rows[0] * cols[1], rows[1] * cols[0], rows[1] * cols[1]]
        ) / np.where(n > 0, n, 1)
        observed = np.stack([a, b, c, d])
        chi2 = ((observed - expected) ** 2 / np.where(expected > 0, expected, 1)).sum(axis=0)
    small = expected.min(axis=0) < 5
    p = stats.chi2.sf(chi2, 1)
    for i in np.flatnonzero(small & testable):
        p[i] = stats.fisher_exact([[a[i], b[i]], [c[i], d[i]]]).pvalue
    nan = np.full_like(a, np.nan)
    return {
        "odds_ratio": np.where(testable, np.exp(log_or), nan),
        "ci_low": np.where(testable, np.exp(log_or - Z95 * se), nan),
        "ci_high": np.where(testable, np.exp(log_or + Z95 * se), nan),
        "corrected": testable & zero,
        "p_value": np.where(testable, p, nan),
        "test": np.where(small, "fisher", "chi2"),
        "testable": testable,
    }


def drivers(
    progress: FunnelProgress,
    step: int,
    *,
    users: pl.DataFrame,
    segments: Sequence[str] = (),
    events: pl.DataFrame | None = None,
    window: dt.timedelta | None = None,
    order: str = "sequential",
    alpha: float = 0.05,
) -> Drivers:
    """The tests of ``step`` (1-based) for the users of ``users`` (``user_id`` and the
    ``segments`` columns, one row per user: the view's users) in ``progress``; ``events``
    (``user_id``, ``step``, ``ts``: the period's events) gives the event names each user did
    between step ``step`` and their outcome (the funnel's own steps left out; ``window`` and
    ``order``: the funnel's, as ``progress`` was computed with). See the module docstring."""
    steps = list(progress.steps)
    if not 1 <= step < len(steps):
        raise InputError(
            Fact("funnel_why.error.step", step=step, steps=len(steps)),
            Fact("funnel_why.hint.step"),
        )
    last = len(steps)
    per = progress.per_user
    reached = pl.col("steps_reached") >= step
    if progress.open_funnel and "entry_step" in per.columns:
        reached &= pl.col("entry_step") <= step
    id_dtype = per.schema["user_id"]
    keep = users.with_columns(pl.col("user_id").cast(id_dtype))
    pop = (
        per.filter(reached)
        .select("user_id", (pl.col("steps_reached") >= last).alias("_conv"))
        .join(keep, on="user_id", how="inner")
    )
    conv_n = int(pop["_conv"].sum())
    drop_n = pop.height - conv_n
    parts: list[pl.DataFrame] = []
    untested: dict[str, int] = {}
    notes: list[Fact] = []
    for col in segments:
        if col not in pop.columns:
            continue
        values = pop.select(pl.col(col).cast(pl.String).fill_null(NONE).alias("value"), "_conv")
        counts = values.group_by("value").agg(
            pl.col("_conv").sum().cast(pl.Int64).alias("converters_with"),
            (~pl.col("_conv")).sum().cast(pl.Int64).alias("dropped_with"),
        )
        counts, left = limit_values(counts, MAX_VALUES)
        if left:
            untested[col] = left
        parts.append(
            counts.select(
                pl.lit("segment").alias("kind"),
                pl.lit(col).alias("column"),
                "value",
                "converters_with",
                "dropped_with",
            )
        )
    if events is not None:
        if order != "sequential" or progress.open_funnel or "ts" not in events.columns:
            notes.append(Fact("funnel_why.note.events_untimed"))
        elif pop.height:
            did = events_before_outcome(events, steps, step, pop.select("user_id"), window)
            ev = did.join(pop.select("user_id", "_conv"), on="user_id", how="inner")
            counts = ev.group_by("step").agg(
                pl.col("_conv").sum().cast(pl.Int64).alias("converters_with"),
                (~pl.col("_conv")).sum().cast(pl.Int64).alias("dropped_with"),
            )
            counts, left = limit_values(counts.rename({"step": "value"}), MAX_EVENTS)
            if left:
                untested["(events)"] = left
            parts.append(
                counts.select(
                    pl.lit("event").alias("kind"),
                    pl.lit(None, dtype=pl.String).alias("column"),
                    "value",
                    "converters_with",
                    "dropped_with",
                )
            )
    frame = pl.concat(
        [p.cast(_SCHEMA) for p in parts] or [pl.DataFrame(schema=_SCHEMA)],  # type: ignore[arg-type]
        how="vertical",
    )
    return drivers_from_counts(
        steps,
        step,
        conv_n,
        drop_n,
        frame,
        untested=untested,
        alpha=alpha,
        notes=notes,
        events_tested=events is not None and not notes,
    )


def events_before_outcome(
    events: pl.DataFrame,
    steps: Sequence[str],
    step: int,
    users: pl.DataFrame,
    window: dt.timedelta | None,
) -> pl.DataFrame:
    """The distinct (``user_id``, ``step``) of the events (not steps of the funnel) that each
    user of ``users`` (``user_id``: users who reached ``step``) did strictly after reaching
    ``step`` and before their outcome: strictly before reaching the last step for those who
    reached it, else at most ``window`` after reaching ``step`` (no window: any time in
    ``events``, the period's). The moments are those of the user's best attempt through the
    closed, sequential funnel ``steps`` (:func:`kpi.funnel.user_progress` with times)."""
    steps = [str(s) for s in steps]
    last = len(steps)
    ev = events.select("user_id", pl.col("step").cast(pl.String), "ts")
    ids = users.select("user_id")
    if ids.schema["user_id"] != ev.schema["user_id"]:
        ids = ids.with_columns(pl.col("user_id").cast(ev.schema["user_id"]))
    ev = ev.join(ids, on="user_id", how="semi")
    if ev.schema["ts"] == pl.Date:
        ev = ev.with_columns(pl.col("ts").cast(pl.Datetime("us")))
    times = user_progress(
        ev.filter(pl.col("step").is_in(steps)),
        steps,
        window=window,
        order="sequential",
        with_times=True,
    ).filter(pl.col("steps_reached") >= step)
    bounds = times.select(
        "user_id",
        _conv=pl.col("steps_reached") >= last,
        _from=pl.col(f"ts_{step}"),
        _to=pl.col(f"ts_{last}"),
    )
    t = pl.col("ts")
    if window is None:
        dropped_ok = pl.lit(True)
    elif ev.schema["ts"].is_numeric():
        dropped_ok = t <= pl.col("_from") + window.total_seconds()
    else:
        dropped_ok = t <= pl.col("_from") + pl.lit(window)
    inside = (t > pl.col("_from")) & pl.when(pl.col("_conv")).then(t < pl.col("_to")).otherwise(
        dropped_ok
    )
    return (
        ev.filter(~pl.col("step").is_in(steps))
        .join(bounds, on="user_id", how="inner")
        .filter(inside)
        .select("user_id", "step")
        .unique()
    )


def limit_values(counts: pl.DataFrame, limit: int) -> tuple[pl.DataFrame, int]:
    """The ``limit`` most common rows of ``counts`` (``value``, ``converters_with``,
    ``dropped_with``: most users first, then by value) and how many were left out."""
    ranked = counts.sort(
        [pl.col("converters_with") + pl.col("dropped_with"), "value"],
        descending=[True, False],
    )
    return ranked.head(limit), max(ranked.height - limit, 0)


def drivers_from_counts(
    steps: Sequence[str],
    step: int,
    conv_n: int,
    drop_n: int,
    frame: pl.DataFrame,
    *,
    untested: dict[str, int] | None = None,
    alpha: float = 0.05,
    notes: Sequence[Fact] = (),
    events_tested: bool = False,
) -> Drivers:
    """The tests of ``step`` from counts: ``conv_n`` converters and ``drop_n`` drop-offs in
    the population, and per row of ``frame`` (``kind``, ``column``, ``value``) the converters
    and drop-offs with the value (``converters_with``, ``dropped_with``): what an engine's
    aggregates give (:func:`kpi.funnel.why.engine_drivers_of`) as well as :func:`drivers`;
    ``notes``: said before the notes on the split."""
    steps = list(steps)
    untested = dict(untested or {})
    frame = frame.select(list(_SCHEMA)).cast(_SCHEMA)  # type: ignore[arg-type]
    frame = frame.with_columns(
        converters_without=conv_n - pl.col("converters_with"),
        dropped_without=drop_n - pl.col("dropped_with"),
    )
    res = odds_ratio_tests(
        frame["converters_with"].to_numpy(),
        frame["converters_without"].to_numpy(),
        frame["dropped_with"].to_numpy(),
        frame["dropped_without"].to_numpy(),
    )
    p = res["p_value"]
    adjusted = np.full_like(p, np.nan)
    tested = ~np.isnan(p)
    family = int(tested.sum())
    if family:
        adjusted[tested] = stats.false_discovery_control(p[tested], method="bh")
    a, c = frame["converters_with"].to_numpy(), frame["dropped_with"].to_numpy()
    b, d = frame["converters_without"].to_numpy(), frame["dropped_without"].to_numpy()
    small = ((a + c) < SMALL_GROUP) | ((b + d) < SMALL_GROUP)
    with np.errstate(divide="ignore", invalid="ignore"):
        rate_with = np.where(a + c > 0, a / np.where(a + c > 0, a + c, 1), np.nan)
        rate_without = np.where(b + d > 0, b / np.where(b + d > 0, b + d, 1), np.nan)
    table = frame.with_columns(
        conversion_with=pl.Series(rate_with).fill_nan(None),
        conversion_without=pl.Series(rate_without).fill_nan(None),
        odds_ratio=pl.Series(res["odds_ratio"]).fill_nan(None),
        ci_low=pl.Series(res["ci_low"]).fill_nan(None),
        ci_high=pl.Series(res["ci_high"]).fill_nan(None),
        corrected=pl.Series(res["corrected"], dtype=pl.Boolean),
        p_value=pl.Series(p).fill_nan(None),
        test=pl.Series(
            [str(x) if ok else None for x, ok in zip(res["test"], tested, strict=True)],
            dtype=pl.String,
        ),
        p_adjusted=pl.Series(adjusted).fill_nan(None),
        small=pl.Series(small, dtype=pl.Boolean),
    )
    table = table.with_columns(finding=(pl.col("p_adjusted") < alpha).fill_null(False))
    table = table.sort(
        ["finding", "p_adjusted", "kind", "column", "value"],
        descending=[True, False, True, False, False],
        nulls_last=True,
    )
    notes = list(notes)
    population = conv_n + drop_n
    if population == 0:
        notes.append(Fact("funnel_why.note.nobody", step=steps[step - 1]))
    elif conv_n == 0:
        notes.append(Fact("funnel_why.note.no_converter", last=steps[-1]))
    elif drop_n == 0:
        notes.append(Fact("funnel_why.note.no_drop", last=steps[-1]))
    elif conv_n / population < SKEWED or conv_n / population > 1 - SKEWED:
        notes.append(
            Fact(
                "funnel_why.note.skewed",
                share=conv_n / population,
                converters=conv_n,
                dropped=drop_n,
            )
        )
    if population and bool(table["small"].any()):
        notes.append(Fact("funnel_why.note.small", n=SMALL_GROUP))
    return Drivers(
        step=step,
        step_name=steps[step - 1],
        last_name=steps[-1],
        converters=conv_n,
        dropped=drop_n,
        table=table,
        family=family,
        alpha=alpha,
        untested=untested,
        notes=tuple(notes),
        events_tested=events_tested,
    )
