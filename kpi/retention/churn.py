"""Churn and customer retention rate over a period, with an inactivity limit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import polars as pl

from kpi.errors import InputError
from kpi.periods import as_datetime, require_columns
from kpi.words import Fact

__all__ = ["Churn", "churn_from_counts", "churn_rate", "churn_window", "retention_rate"]


@dataclass(frozen=True)
class Churn:
    """churn = customers_lost ÷ customers_at_start; retention = 1 − churn (None when no one
    was a customer at the start). ``rule`` states the definition (a fact with the dates and
    the inactivity limit), ``explanation`` the result."""

    period_start: datetime
    period_end: datetime
    inactivity_days: int
    customers_at_start: int
    customers_lost: int
    customers_retained: int
    new_customers: int
    churn: float | None
    retention: float | None
    rule: Fact
    explanation: Fact


def churn_rate(
    events: pl.DataFrame,
    *,
    period_start: date | datetime,
    period_end: date | datetime,
    inactivity_days: int,
    activity_step: str | None = None,
) -> Churn:
    """Churn over [period_start, period_end] = customers lost ÷ customers at the start.

    - activity = any event (or only ``activity_step`` events, e.g. ``"purchase"``);
    - *customer at the start*: last activity before ``period_start`` happened within
      ``inactivity_days`` days before it (at or after ``period_start − inactivity_days``);
    - *lost*: a customer at the start with no activity from ``period_start`` to
      ``period_end`` inclusive (a ``date`` end includes that whole day);
    - *new*: first activity ever inside the period (reported, not part of the rate).
    """
    start, end, since = churn_window(period_start, period_end, inactivity_days)
    needed = ["user_id", "ts"] + (["step"] if activity_step is not None else [])
    require_columns(events, needed, Fact("retention.what.churn"))
    ev = events.lazy().select(needed).filter(pl.col("ts").is_not_null())
    if activity_step is not None:
        ev = ev.filter(pl.col("step") == activity_step)
    per = (
        ev.filter(pl.col("ts") <= end)
        .group_by("user_id")
        .agg(
            pl.col("ts").filter(pl.col("ts") < start).max().alias("_before"),
            (pl.col("ts") >= start).any().alias("_during"),
        )
        .collect()
    )
    at_start = per.filter(pl.col("_before") >= since)
    n_start = at_start.height
    lost = int(at_start.filter(~pl.col("_during")).height)
    new = int(per.filter(pl.col("_before").is_null() & pl.col("_during")).height)
    return churn_from_counts(
        start, end, inactivity_days, n_start, lost, new, activity_step=activity_step
    )


def churn_window(
    period_start: date | datetime, period_end: date | datetime, inactivity_days: int
) -> tuple[datetime, datetime, datetime]:
    """(start, end, since) of :func:`churn_rate`: a ``date`` end includes that whole day;
    ``since`` = start − ``inactivity_days``. InputError for a bad limit or period."""
    if inactivity_days <= 0:
        raise InputError(Fact("retention.error.inactivity"), Fact("retention.hint.inactivity"))
    start = as_datetime(period_start)
    end = as_datetime(period_end)
    if not isinstance(period_end, datetime):
        end = end + timedelta(days=1) - timedelta(microseconds=1)
    if end < start:
        raise InputError(Fact("retention.error.period_order"), Fact("retention.hint.period_order"))
    return start, end, start - timedelta(days=inactivity_days)


def churn_from_counts(
    start: datetime,
    end: datetime,
    inactivity_days: int,
    customers_at_start: int,
    lost: int,
    new: int,
    *,
    activity_step: str | None = None,
) -> Churn:
    """The :class:`Churn` of the counts :func:`churn_rate` takes from the events (an engine
    counts them where the data lives): churn = lost ÷ customers at the start."""
    n_start = customers_at_start
    since = start - timedelta(days=inactivity_days)
    activity = (
        Fact("retention.activity.step", step=activity_step)
        if activity_step
        else Fact("retention.activity.any")
    )
    rule = Fact(
        "retention.churn.rule",
        activity=activity,
        start=start.date(),
        end=end.date(),
        since=since.date(),
        days=inactivity_days,
    )
    if n_start == 0:
        return Churn(
            start, end, inactivity_days, 0, 0, 0, new, None, None, rule,
            Fact("retention.churn.undefined"),
        )  # fmt: skip
    churn = lost / n_start
    return Churn(
        start, end, inactivity_days, n_start, lost, n_start - lost, new, churn, 1 - churn, rule,
        Fact("retention.churn.explanation", lost=lost, customers=n_start, churn=churn, new=new),
    )  # fmt: skip


def retention_rate(
    events: pl.DataFrame,
    *,
    period_start: date | datetime,
    period_end: date | datetime,
    inactivity_days: int,
    activity_step: str | None = None,
) -> Churn:
    """Customer retention rate = 1 − churn: the same :class:`Churn` result (read ``.retention``)."""
    return churn_rate(
        events,
        period_start=period_start,
        period_end=period_end,
        inactivity_days=inactivity_days,
        activity_step=activity_step,
    )
