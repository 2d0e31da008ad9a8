"""Time between funnel steps: per-step medians and 90th percentiles, and the time-to-convert
histogram, from each converting user's best attempt.

With exclusion steps or per-step windows (:mod:`kpi.funnel.rules`) the times are those of a
path the rules accept, over only the users the rules keep at each step (L: the user's last
step with the rules). The usual best attempt through step L when the rules accept it (so a
user the rules do not touch keeps the same times); otherwise, among the paths the rules
accept through step L, those with the latest start, of these the one that reaches step L
first, and for each earlier step the latest event before the next one (the tightest path the
rules accept: the "dominant path" of :mod:`kpi.funnel.rules`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import numpy as np
import polars as pl

from kpi.errors import InputError, SchemaError
from kpi.funnel.kernel import _progress_rows, _reach, _rules
from kpi.funnel.prepare import US, _check, _Prepared, _ts_us, _window_us, _with_user_bounds
from kpi.funnel.rules import Rules, _polars_ops, row_levels
from kpi.funnel.rules import prepare as _prepare_ruled
from kpi.settings import Exclusion, StepWindow
from kpi.words import Fact


def _durations(
    events: pl.DataFrame,
    steps: Sequence[str],
    window: dt.timedelta | None,
    by: Sequence[str],
    exclusions: Sequence[Exclusion] = (),
    step_windows: Sequence[StepWindow] = (),
) -> tuple[pl.DataFrame, list[str]]:
    """Per user: by columns, steps_reached and seconds from previous step / from step 1
    (with the rules: those of the path they accept, module docstring)."""
    by = list(by)
    if "ts" not in events.columns:
        raise SchemaError(Fact("funnel.error.times_need_ts"), Fact("funnel.hint.load_ts"))
    ev = events.select("user_id", "step", "ts", *by)
    rules = _rules(ev, steps, "sequential", False, exclusions, step_windows)
    if rules is not None:
        prog = ruled_progress_rows(ev, steps, window, rules, by)
    else:
        # one pass for progress, times and the first-touch segments (the funnel's own)
        per_user, f, prep = _reach(ev, steps, by, window, "sequential", False, keep_ids=True)
        prog = _progress_rows(per_user, f, prep, len(steps), ev.schema["ts"], False, True, keep=by)
    prog = prog.with_columns(_seconds(prog, len(steps)))
    return prog, by


def ruled_progress_rows(
    events: pl.DataFrame,
    steps: Sequence[str],
    window: dt.timedelta | None,
    rules: Rules,
    by: Sequence[str] = (),
) -> pl.DataFrame:
    """One row per user of ``events`` (``user_id``, ``ts``, ``step``, the ``by`` columns):
    ``user_id``, the first-touch ``by`` values, ``steps_reached`` (with the rules),
    ``steps_free`` (with exclusions: without them) and ``ts_1``..``ts_k``, when each step was
    reached on the path of the module docstring (null past ``steps_reached``)."""
    by = list(by)
    _check(events, steps, by, "sequential")
    k = len(steps)
    window_us = _window_us(window)
    prep = _prepare_ruled(events, steps, rules, by, True)
    users = prep.users
    assert users is not None
    ruled = users.join(_ruled_attempts(prep, k, window_us, rules), on="_u", how="left")
    extra = ["steps_free"] if rules.excludes else []
    ruled = ruled.with_columns(
        pl.col(c).fill_null(0).cast(pl.Int32) for c in ["steps_reached", *extra]
    ).drop("_u")
    usual = _usual_attempts(events, steps, window, ruled.select("user_id", "steps_reached"))
    both = ruled.join(usual, on="user_id", how="left")
    accepted = _accepted(both, events, k, rules)
    both = both.with_columns(
        pl.when(accepted)
        .then(pl.col(f"_a{j}"))
        .otherwise(pl.col(f"ts_{j + 1}"))
        .alias(f"ts_{j + 1}")
        for j in range(k)
    )
    ts_dtype = events.schema["ts"]
    if ts_dtype == pl.Date or isinstance(ts_dtype, pl.Datetime):
        conv = [
            pl.from_epoch(pl.col(f"ts_{j + 1}"), time_unit="us").cast(ts_dtype) for j in range(k)
        ]
    else:
        conv = [pl.col(f"ts_{j + 1}").cast(pl.Float64) / US for j in range(k)]
    both = both.with_columns(c.alias(f"ts_{j + 1}") for j, c in enumerate(conv))
    return both.select("user_id", *by, "steps_reached", *extra, *[f"ts_{j + 1}" for j in range(k)])


def _usual_attempts(
    events: pl.DataFrame, steps: Sequence[str], window: dt.timedelta | None, levels: pl.DataFrame
) -> pl.DataFrame:
    """``user_id``, ``_a0``..``_a{k-1}`` (µs): the best attempt without the rules (the latest
    start, the earliest event of each step in it: :func:`kpi.funnel.kernel._attempt_times`)
    among those reaching the user's level in ``levels`` (``user_id``, ``steps_reached``)."""
    from kpi.funnel.kernel import _attempt_times

    k = len(steps)
    ev = events.select("user_id", "step", "ts")
    per_user, f, prep = _reach(ev, steps, (), window, "sequential", False, keep_ids=True)
    assert f is not None and prep.users is not None
    lvl = (
        per_user.select("_u")
        .join(prep.users.select("_u", "user_id"), on="_u", how="left", maintain_order="left")
        .join(levels, on="user_id", how="left", maintain_order="left")
        .get_column("steps_reached")
        .fill_null(0)
        .cast(per_user.schema["_lvl"])
    )
    times = _attempt_times(f, per_user.with_columns(_lvl=lvl), k, prep)
    return times.join(prep.users.select("_u", "user_id"), on="_u").select(
        "user_id", *[pl.col(f"ts_{j + 1}").alias(f"_a{j}") for j in range(k)]
    )


def _accepted(both: pl.DataFrame, events: pl.DataFrame, k: int, rules: Rules) -> pl.Series:
    """Per row of ``both`` (``user_id``, ``steps_reached`` L, ``_a0``.. of
    :func:`_usual_attempts`): True when the rules accept that attempt through step L (each
    per-step window met; no excluded event strictly between an exclusion's step a and the
    attempt's step min(b, L))."""
    lvl = pl.col("steps_reached")
    ok = pl.lit(True)
    for j in range(1, k):
        gap = rules.gaps[j]
        if gap is not None:
            ok = ok & ((lvl <= j) | (pl.col(f"_a{j}") - pl.col(f"_a{j - 1}") <= gap))
    out = both.select(ok.alias("_ok"), "user_id")
    if rules.exclusions:
        hi_of = []
        for _, a, b in rules.exclusions:
            # the attempt's last step m in (a, b]: b when it went past b, else its level - 1
            hi = pl.when(lvl > b).then(pl.col(f"_a{b}"))
            for m in range(a + 1, b):
                hi = hi.when(lvl == m + 1).then(pl.col(f"_a{m}"))
            hi = hi.otherwise(None)
            hi_of.append(hi)
        spans = pl.concat(
            [
                both.select(
                    "user_id",
                    pl.lit(rules.names[i]).alias("step"),
                    pl.col(f"_a{a}").alias("_lo"),
                    hi.alias("_hi"),
                ).filter(pl.col("_hi").is_not_null())
                for (i, a, _), hi in zip(rules.exclusions, hi_of, strict=True)
            ]
        )
        xs = events.filter(pl.col("step").cast(pl.String).is_in(list(rules.names))).select(
            "user_id", pl.col("step").cast(pl.String), _ts_us(events).alias("_x")
        )
        met = (
            spans.join(xs, on=["user_id", "step"])
            .filter((pl.col("_x") > pl.col("_lo")) & (pl.col("_x") < pl.col("_hi")))
            .select("user_id")
            .unique()
            .with_columns(_met=pl.lit(True))
        )
        out = out.join(met, on="user_id", how="left", maintain_order="left").with_columns(
            _ok=pl.col("_ok") & pl.col("_met").is_null()
        )
    return out.get_column("_ok")


def _ruled_attempts(prep: _Prepared, k: int, window_us: int | None, rules: Rules) -> pl.DataFrame:
    """Per user of ``prep`` (:func:`kpi.funnel.rules.prepare`): ``_u``, ``steps_reached``,
    ``steps_free`` (with exclusions) and ``ts_1``..``ts_k`` (µs) of the path of the module
    docstring.

    :func:`kpi.funnel.rules.row_levels` marks each row that a valid path reaches (``_rl`` =
    j + 1 at a valid step-j event). The path the rules validated at a valid step-j row is
    made of the latest valid step-(j-1) row before it and that row's own path; its times only
    grow along the user's valid step-(j-1) rows, so each earlier step's time is a running
    maximum over those rows (``_T{i}_{j}``: step i's time on the path of a step-j row). Of
    the rows of the user's last step L, those with the latest start; their times only grow
    too, so the first of them is the minimum of each time."""
    units = None if window_us is None else window_us // prep.scale
    scaled = Rules(
        rules.names,
        rules.exclusions,
        tuple(None if g is None else g // prep.scale for g in rules.gaps),
    )
    f = _with_user_bounds(prep.frame.lazy())
    f = row_levels(f, k, units, scaled, _polars_ops(k), excluded=True, name="_rl")
    if rules.excludes:
        f = row_levels(f, k, units, scaled, _polars_ops(k), excluded=False, name="_rf")
    t, rl = pl.col("_t"), pl.col("_rl")
    for j in range(1, k):  # the path's times at the valid step-(j-1) rows, carried forward
        f = f.with_columns(
            pl.when(rl == j)
            .then(t if i == j - 1 else pl.col(f"_T{i}_{j - 1}"))
            .otherwise(-1)
            .cum_max()
            .over("_u")
            .alias(f"_T{i}_{j}")
            for i in range(j)
        )
    path = []
    for i in range(k):  # step i's time on the path of each valid row (of step i or later)
        expr = pl.lit(None, dtype=pl.Int64)
        for j in range(k - 1, i - 1, -1):
            expr = pl.when(rl == j + 1).then(t if i == j else pl.col(f"_T{i}_{j}")).otherwise(expr)
        path.append(expr.alias(f"_P{i}"))
    f = f.with_columns(path).with_columns(_L=rl.max().over("_u"))
    last = (rl == pl.col("_L")) & (pl.col("_L") > 0)
    f = f.with_columns(_S=pl.col("_P0").filter(last).max().over("_u"))
    chosen = last & (pl.col("_P0") == pl.col("_S"))
    aggs = [pl.col("_L").max().cast(pl.Int32).alias("steps_reached")]
    if rules.excludes:
        aggs.append(pl.col("_rf").max().cast(pl.Int32).alias("steps_free"))
    aggs += [
        (pl.col(f"_P{i}").filter(chosen).min() * prep.scale + prep.t0).alias(f"ts_{i + 1}")
        for i in range(k)
    ]
    return f.group_by("_u").agg(aggs).collect()


def _seconds(prog: pl.DataFrame, k: int) -> list[pl.Expr]:
    """``_prev{j}`` and ``_first{j}``: seconds from the previous step and from step 1 (Float64)
    from the ``ts_1``..``ts_k`` of :func:`user_progress` (``with_times=True``)."""
    secs = []
    for j in range(k):
        cur = pl.col(f"ts_{j + 1}")
        if prog.schema[f"ts_{j + 1}"] == pl.Float64:
            d_prev = cur - pl.col(f"ts_{j}") if j else pl.lit(0.0)
            d_first = cur - pl.col("ts_1")
        else:
            d_prev = (cur - pl.col(f"ts_{j}")).dt.total_microseconds() / US if j else pl.lit(0.0)
            d_first = (cur - pl.col("ts_1")).dt.total_microseconds() / US
        secs += [
            d_prev.cast(pl.Float64).alias(f"_prev{j}"),
            d_first.cast(pl.Float64).alias(f"_first{j}"),
        ]
    return secs


def step_times(
    events: pl.DataFrame,
    steps: Sequence[str],
    *,
    window: dt.timedelta | None = None,
    by: Sequence[str] = (),
    exclusions: Sequence[Exclusion] = (),
    step_windows: Sequence[StepWindow] = (),
) -> pl.DataFrame:
    """Per step (and segment): users reaching it and the median and 90th percentile of the
    time in seconds from the previous step and from step 1 (Float64, linear interpolation).

    Times come from each user's best attempt: among the attempts that reach the user's last
    step, the one with the latest start, taking the earliest event of each step in it. Only
    users who reached the step count; step 1 has times 0. With ``exclusions`` or
    ``step_windows`` (:mod:`kpi.funnel.rules`): only the users the rules keep at the step,
    on the path the rules accept (module docstring).
    """
    prog, by = _durations(events, steps, window, by, exclusions, step_windows)
    return _time_rows(prog, steps, by)


def _time_rows(prog: pl.DataFrame, steps: Sequence[str], by: Sequence[str]) -> pl.DataFrame:
    """:func:`step_times`'s result from one row per user (``steps_reached``, the ``by``
    columns, ``_prev{j}`` and ``_first{j}`` of :func:`_seconds`)."""
    by = list(by)
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


def time_to_convert(
    events: pl.DataFrame,
    steps: Sequence[str],
    *,
    window: dt.timedelta | None = None,
    bins: int | Sequence[float] = 10,
    exclusions: Sequence[Exclusion] = (),
    step_windows: Sequence[StepWindow] = (),
) -> pl.DataFrame:
    """Histogram of the time (seconds) from step 1 to the last step for users who converted
    (best attempt, as in :func:`step_times`): ``bin_start``, ``bin_end`` (seconds, each bin
    includes its start, the last also its end), ``users`` and ``share`` of converted users.
    ``bins`` is a number of equal-width bins or explicit edges in seconds. ``exclusions``
    and ``step_windows``: only the users the rules keep at the last step (module docstring)."""
    prog, _ = _durations(events, steps, window, (), exclusions, step_windows)
    k = len(steps)
    secs = prog.filter(pl.col("steps_reached") == k).get_column(f"_first{k - 1}").to_numpy()
    if isinstance(bins, int):
        if bins < 1:
            raise InputError(Fact("funnel.error.bins"))
        hi = float(secs.max()) if secs.size else 0.0
        edges = np.linspace(0.0, hi if hi > 0 else 1.0, bins + 1)
    else:
        edges = np.asarray(list(bins), dtype=float)
        if edges.size < 2 or np.any(np.diff(edges) <= 0):
            raise InputError(Fact("funnel.error.bin_edges"))
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
