"""The workbook's funnel breakdowns from each user's progress: the View's, not a second one.

The funnel by segment (Funnel sheet) and the A/B test's "reached the step" outcome (A/B sheet)
both need, per user, the last funnel step reached. A user's progress in a period does not
depend on segment filters (segments are user attributes, ``Dataset.users``), so the workbook
reads the progress the View keeps for the page and the command line
(:meth:`kpi.view.View.funnel_progress`, shared through its period cache:
:func:`kpi.funnel.funnel_progress`) and groups it by any labelling of the view's users.
:func:`funnel_by` gives exactly what ``kpi.funnel.funnel_table(events_with_segment, steps,
by=[segment], …)`` gives (users, conversion, step conversion, drop-off).
"""

from __future__ import annotations

from typing import Any

import polars as pl

from kpi.abtest.counts import mark_reached
from kpi.funnel import FunnelProgress

__all__ = ["funnel_by", "reached_step", "view_progress"]


def view_progress(ctx: Any) -> FunnelProgress:
    """The View's funnel progress for its steps and funnel settings: ordered and within the
    window when the view's events carry timestamps, a membership funnel otherwise (as the
    Funnel sheet's own table). Raises :class:`~kpi.errors.ParcoursError` as the direct
    computation would."""
    results = ctx.results if hasattr(ctx, "results") else ctx
    return results.funnel_progress(timed=ctx.view.has_timestamps)


def funnel_by(prog: FunnelProgress, labels: pl.DataFrame, segment: str) -> pl.DataFrame:
    """The funnel table per value of ``segment`` from each user's progress.

    ``labels``: ``user_id`` and ``segment`` (one row per user; only these users are counted, a
    null text value counts as "(none)"). Returns ``segment``, step, users, conversion,
    step_conversion, drop_off, drop_off_rate: one row per step and segment value, as
    :func:`kpi.funnel.funnel_table` with ``by=[segment]`` on those users' events.
    """
    res = prog.funnel(labels.select("user_id", segment), by=[segment])
    res = res.with_columns(_j=pl.int_range(pl.len(), dtype=pl.Int32).over(segment))
    prev = pl.col("users").shift(1).over(segment)
    res = res.with_columns(drop_off=prev - pl.col("users"))
    res = res.with_columns(
        drop_off_rate=pl.when(prev > 0).then(pl.col("drop_off") / prev).otherwise(None)
    )
    return res.sort([segment, "_j"], nulls_last=True).select(
        segment, "step", "users", "conversion", "step_conversion", "drop_off", "drop_off_rate"
    )


def reached_step(
    users: pl.DataFrame, prog: FunnelProgress, position: int, column: str = "reached_step"
) -> pl.DataFrame:
    """``users`` plus a Boolean ``column``: steps_reached ≥ ``position`` (1-based), False for
    users without events (as :func:`kpi.abtest.with_reached_step`)."""
    return mark_reached(users, prog.per_user, position, column)
