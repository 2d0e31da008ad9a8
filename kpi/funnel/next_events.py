"""Where did they go? The event the users who dropped at a funnel step did next.

For a step k of an ordered funnel (1 <= k < number of steps), the **dropped users** are the
users who reached step k and not step k + 1 (:func:`kpi.funnel.funnel_progress`'s
``steps_reached == k``). For each of them:

- the moment they reached step k is the time of step k in their best attempt (the latest
  start among the attempts that reach step k; :func:`kpi.funnel.user_progress` with times);
- their **next event** is the first of their events strictly after that moment (so never the
  step-k event itself; an event at the very same time is not "after" it) and no later than
  the end of their conversion window (their step-1 time + the window: the time they had to
  reach step k + 1; no limit without a window). At equal times, the event listed first in
  the data wins. Any event name counts, step k again included (another product view).
- a dropped user without such an event counts in the **no further event** row, so that the
  rows' users add up to the dropped users and their shares to 100 %.

Offered for ordered (sequential), closed funnels with timestamps: without times "next" has no
meaning, and an any-order or open funnel has no single moment at which step k was reached
(:func:`next_events` then raises :class:`~kpi.errors.InputError` saying so).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import polars as pl

from kpi.errors import InputError
from kpi.funnel.kernel import user_progress
from kpi.funnel.progress import FunnelProgress
from kpi.words import Fact

__all__ = ["NextEvents", "next_events"]


@dataclass(frozen=True)
class NextEvents:
    """The next events of the users dropped at ``step`` (1-based): ``table`` has ``event``
    (the event name; null on the "no further event" row, always the last), ``users`` (Int64)
    and ``share`` (users / dropped), ranked by users (then name); ``dropped`` is the number of
    users who reached ``step`` and not the next one (the sum of ``users``)."""

    step: int
    step_name: str
    next_name: str
    dropped: int
    table: pl.DataFrame
    window: dt.timedelta | None

    @property
    def with_event(self) -> int:
        """Dropped users who did some event after step k within their window."""
        return self.dropped - self.without_event

    @property
    def without_event(self) -> int:
        """Dropped users without any further event within their window."""
        last = self.table.filter(pl.col("event").is_null())
        return int(last["users"].sum()) if last.height else 0


def _check_step(steps: Sequence[str], step: int) -> None:
    if not 1 <= step < len(steps):
        raise InputError(
            Fact("funnel_why.error.step", step=step, steps=len(steps)),
            Fact("funnel_why.hint.step"),
        )


def next_events(
    events: pl.DataFrame,
    progress: FunnelProgress,
    step: int,
    *,
    window: dt.timedelta | None = None,
    order: str = "sequential",
    users: pl.DataFrame | None = None,
) -> NextEvents:
    """The next events of the users of ``progress`` (each user's progress through its steps in
    ``events``, computed with ``window`` and ``order``) who reached ``step`` (1-based) and not
    the step after it; ``users`` (a ``user_id`` column) keeps only those users (the view's
    segment filters). See the module docstring for what "next" means."""
    steps = list(progress.steps)
    _check_step(steps, step)
    if "ts" not in events.columns:
        raise InputError(Fact("funnel_why.error.needs_ts"), Fact("funnel_why.hint.needs_ts"))
    if order != "sequential" or progress.open_funnel:
        raise InputError(
            Fact("funnel_why.error.needs_sequential"), Fact("funnel_why.hint.needs_sequential")
        )
    dropped = progress.per_user.filter(pl.col("steps_reached") == step).select("user_id")
    if users is not None:
        keep = users.select(pl.col("user_id").cast(dropped.schema["user_id"]))
        dropped = dropped.join(keep, on="user_id", how="semi")
    n = dropped.height
    ev = (
        events.select("user_id", "step", "ts")
        .with_row_index("_row")  # the data's order, for equal times
        .join(dropped, on="user_id", how="semi")
    )
    if n == 0:
        table = _table(pl.DataFrame(schema={"event": pl.String, "users": pl.Int64}), 0)
        return NextEvents(step, steps[step - 1], steps[step], 0, table, window)
    ts_dtype = ev.schema["ts"]
    if ts_dtype == pl.Date:
        ev = ev.with_columns(pl.col("ts").cast(pl.Datetime("us")))
    times = user_progress(  # only the steps up to k decide when step k was reached
        ev.filter(pl.col("step").cast(pl.String).is_in(steps[:step])).select(
            "user_id", "step", "ts"
        ),
        steps[:step],
        window=window,
        order="sequential",
        with_times=True,
    ).filter(pl.col("steps_reached") == step)
    times = times.select("user_id", _start="ts_1", _at=f"ts_{step}")
    after = ev.join(times, on="user_id", how="inner").filter(pl.col("ts") > pl.col("_at"))
    if window is not None:
        if after.schema["ts"].is_numeric():
            end = pl.col("_start") + window.total_seconds()
        else:
            end = pl.col("_start") + pl.lit(window)
        after = after.filter(pl.col("ts") <= end)
    first = (
        after.sort(["user_id", "ts", "_row"])
        .group_by("user_id", maintain_order=True)
        .agg(pl.col("step").first().cast(pl.String).alias("event"))
    )
    counts = first.group_by("event").agg(pl.len().cast(pl.Int64).alias("users"))
    return NextEvents(step, steps[step - 1], steps[step], n, _table(counts, n), window)


def _table(counts: pl.DataFrame, dropped: int) -> pl.DataFrame:
    """Ranked rows (users desc, then name) + the "no further event" row (null event), shares."""
    ranked = counts.sort(["users", "event"], descending=[True, False])
    none = dropped - int(ranked["users"].sum() or 0)
    rows = pl.concat(
        [
            ranked.select(pl.col("event").cast(pl.String), pl.col("users").cast(pl.Int64)),
            pl.DataFrame(
                {"event": [None], "users": [none]}, schema={"event": pl.String, "users": pl.Int64}
            ),
        ]
    )
    share = pl.col("users") / dropped if dropped else pl.lit(None, dtype=pl.Float64)
    return rows.with_columns(share=share.cast(pl.Float64))
