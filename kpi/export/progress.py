"""Each user's funnel progress, computed once per view for the workbook's breakdowns.

The funnel by segment (Funnel sheet) and the A/B test's "reached the step" outcome (A/B sheet)
both need, per user, the last funnel step reached. Segments are user attributes (first touch,
held in ``Dataset.users``), so a user's progress does not depend on the segment: it is computed
once with :func:`kpi.funnel.user_progress` and kept in the view's memo (:meth:`View.memo`),
then grouped by any segment. :func:`funnel_by` gives exactly what
``kpi.funnel.funnel_table(events_with_segment, steps, by=[segment], …)`` gives (users,
conversion, step conversion, drop-off), without a second pass over the events per segment.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import polars as pl

from kpi.errors import ParcoursError
from kpi.funnel import add_rates
from kpi.funnel import user_progress as _user_progress
from kpi.segments import NONE

__all__ = ["funnel_by", "progress", "reached_step"]


def progress(
    ctx: Any,
    steps: Sequence[str],
    *,
    window: dt.timedelta | None,
    order: str,
    open_funnel: bool = False,
) -> pl.DataFrame:
    """``user_id``, ``steps_reached`` (and ``entry_step`` for an open funnel) of every user of
    the view's events (:func:`kpi.funnel.user_progress`), once per view and funnel definition.
    Without usable timestamps the funnel is a membership funnel (``ts`` dropped). A
    :class:`~kpi.errors.ParcoursError` (e.g. a window without timestamps) is raised again on
    every call, as the direct computation would."""
    view = ctx.view
    key = f"export.progress|{tuple(map(str, steps))!r}|{window!r}|{order}|{open_funnel}"

    def compute() -> pl.DataFrame | ParcoursError:
        ev = view.events if view.has_timestamps else view.events.drop("ts", strict=False)
        try:
            return _user_progress(
                ev,
                list(steps),
                window=window,
                order=order,  # type: ignore[arg-type]
                open_funnel=open_funnel,
            )
        except ParcoursError as exc:
            return exc

    out = ctx.memo(key, compute)
    if isinstance(out, ParcoursError):
        raise out
    return out


def funnel_by(
    prog: pl.DataFrame,
    labels: pl.DataFrame,
    segment: str,
    steps: Sequence[str],
    *,
    missing: str = NONE,
) -> pl.DataFrame:
    """The funnel table per value of ``segment`` from each user's progress.

    ``labels``: ``user_id`` and ``segment`` (one row per user; users of ``prog`` without a row
    get ``missing``). Returns ``segment``, step, users, conversion, step_conversion, drop_off,
    drop_off_rate: one row per step and segment value, as :func:`kpi.funnel.funnel_table` with
    ``by=[segment]`` on events carrying the segment.
    """
    k = len(steps)
    joined = prog.join(labels.select("user_id", segment), on="user_id", how="left")
    joined = joined.with_columns(pl.col(segment).fill_null(missing))
    entry = (pl.col("entry_step") - 1) if "entry_step" in prog.columns else pl.lit(0)
    sums = [
        ((entry <= j) & (pl.col("steps_reached") > j)).fill_null(False).sum().cast(pl.Int64)
        for j in range(k)
    ]
    agg = joined.group_by(segment).agg(s.alias(str(j)) for j, s in enumerate(sums))
    long = agg.unpivot(index=[segment], variable_name="_j", value_name="users").with_columns(
        pl.col("_j").cast(pl.Int32), pl.col("users").fill_null(0)
    )
    names = pl.DataFrame(
        {"_j": list(range(k)), "step": [str(s) for s in steps]},
        schema={"_j": pl.Int32, "step": pl.String},
    )
    long = long.join(names, on="_j").sort([segment, "_j"], nulls_last=True)
    out = add_rates(long, [segment])
    prev = pl.col("users").shift(1).over(segment)
    out = out.with_columns(drop_off=prev - pl.col("users"))
    out = out.with_columns(
        drop_off_rate=pl.when(prev > 0).then(pl.col("drop_off") / prev).otherwise(None)
    )
    return out.select(
        segment, "step", "users", "conversion", "step_conversion", "drop_off", "drop_off_rate"
    )


def reached_step(
    users: pl.DataFrame, prog: pl.DataFrame, position: int, column: str = "reached_step"
) -> pl.DataFrame:
    """``users`` plus a Boolean ``column``: steps_reached ≥ ``position`` (1-based), False for
    users without events (as :func:`kpi.abtest.with_reached_step`)."""
    reached = prog.select(
        pl.col("user_id").cast(users.schema["user_id"]),
        (pl.col("steps_reached") >= position).alias(column),
    )
    return (
        users.drop(column, strict=False)
        .join(reached, on="user_id", how="left")
        .with_columns(pl.col(column).fill_null(False))
    )
