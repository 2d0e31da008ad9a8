"""Time between funnel steps: per-step medians and 90th percentiles, and the time-to-convert
histogram, from each converting user's best attempt."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import numpy as np
import polars as pl

from kpi.errors import InputError, SchemaError
from kpi.funnel.kernel import _progress_rows, _reach
from kpi.funnel.prepare import US
from kpi.words import Fact


def _durations(
    events: pl.DataFrame, steps: Sequence[str], window: dt.timedelta | None, by: Sequence[str]
) -> tuple[pl.DataFrame, list[str]]:
    """Per user: by columns, steps_reached and seconds from previous step / from step 1."""
    by = list(by)
    if "ts" not in events.columns:
        raise SchemaError(Fact("funnel.error.times_need_ts"), Fact("funnel.hint.load_ts"))
    ev = events.select("user_id", "step", "ts", *by)
    # one pass for progress, times and the first-touch segments (the funnel's own)
    per_user, f, prep = _reach(ev, steps, by, window, "sequential", False, keep_ids=True)
    prog = _progress_rows(per_user, f, prep, len(steps), ev.schema["ts"], False, True, keep=by)
    prog = prog.with_columns(_seconds(prog, len(steps)))
    return prog, by


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
) -> pl.DataFrame:
    """Per step (and segment): users reaching it and the median and 90th percentile of the
    time in seconds from the previous step and from step 1 (Float64, linear interpolation).

    Times come from each user's best attempt: among the attempts that reach the user's last
    step, the one with the latest start, taking the earliest event of each step in it. Only
    users who reached the step count; step 1 has times 0.
    """
    prog, by = _durations(events, steps, window, by)
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
