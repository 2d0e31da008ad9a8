"""Everything the Retention page and the workbook's Retention sheet show, in one call."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import polars as pl

from kpi.periods import Grain, as_datetime
from kpi.retention.churn import Churn, churn_rate
from kpi.retention.cohorts import Mode, cohort_table, cohort_table_note, top_segment
from kpi.retention.curves import cohort_long, cohort_matrix, period_n_trend, weighted_average
from kpi.retention.purchases import (
    PurchaseFrequency,
    RepeatPurchase,
    purchase_frequency,
    repeat_purchase_rate,
)
from kpi.words import Fact

__all__ = [
    "RETURN_LABELS",
    "RetentionSummary",
    "build_summary",
    "describe_anchor",
    "describe_return",
    "retention_summary",
    "settings_fact",
]

#: the return criterion without a return step (a catalogue code)
RETURN_LABELS = {None: "retention.return.any"}


def describe_return(return_step: str | None, purchase_step: str = "purchase") -> Fact:
    """The return criterion as a fact: any event, a purchase, a 'checkout' event."""
    if return_step is None:
        return Fact("retention.return.any")
    if return_step == purchase_step:
        return Fact("retention.return.purchase")
    return Fact("retention.return.step", step=return_step)


def describe_anchor(cohort_by: str) -> Fact:
    """What a cohort is anchored on: the first visit, the first purchase, a date column."""
    if cohort_by in ("first_event", "first_purchase"):
        return Fact(f"retention.anchor.{cohort_by}")
    return Fact("retention.anchor.column", column=cohort_by)


def settings_fact(
    grain: Grain, cohort_by: str, return_step: str | None, mode: Mode, purchase_step: str
) -> Fact:
    """The cohort choices in words: "Cohort = month of the first visit. Retained in period N =
    did any event in period N."."""
    rule = Fact(
        "retention.settings.on" if mode == "on" else "retention.settings.on_or_after",
        criterion=describe_return(return_step, purchase_step),
    )
    return Fact(
        "retention.settings",
        grain=Fact(f"retention.grain.{grain}"),
        anchor=describe_anchor(cohort_by),
        rule=rule,
    )


@dataclass(frozen=True)
class RetentionSummary:
    """Everything the Retention page (and the workbook's Retention sheet) shows.

    ``table``: :func:`cohort_table`; ``average``: :func:`weighted_average`; ``matrix``:
    :func:`cohort_matrix`; ``long``: :func:`cohort_long`; ``trend``: :func:`period_n_trend` for
    ``trend_period``; ``note``: why the table is empty (a fact, None otherwise); ``settings``:
    the choices (a fact); ``repeat``, ``frequency``: purchase KPIs; ``churn``: over the last
    ``inactivity_days`` days of the data (None when the data has no dates).
    """

    table: pl.DataFrame
    average: pl.DataFrame
    matrix: pl.DataFrame
    long: pl.DataFrame
    trend: pl.DataFrame
    trend_period: int
    note: Fact | None
    settings: Fact
    as_of: datetime | None
    by: str | None
    repeat: RepeatPurchase
    frequency: PurchaseFrequency
    churn: Churn | None


def build_summary(
    table: pl.DataFrame,
    *,
    empty_note: Fact | None,
    grain: Grain,
    cohort_by: str,
    return_step: str | None,
    mode: Mode,
    purchase_step: str,
    trend_period: int,
    as_of: datetime | None,
    by: str | None,
    repeat: RepeatPurchase,
    frequency: PurchaseFrequency,
    churn: Churn | None,
) -> RetentionSummary:
    """The :class:`RetentionSummary` of a cohort table and the purchase and churn KPIs: the
    averages, matrix, heatmap rows and period-N trend made from ``table`` and the choices in
    words. One construction for both routes (an upload's events,
    :func:`retention_summary`; an engine's counts, :mod:`kpi.engine.view_retention`).
    ``empty_note``: why ``table`` is empty (:func:`cohort_table_note`; None: "no user in the
    cohorts"), read only when it is."""
    note = None
    if table.height == 0:
        note = empty_note or Fact("retention.note.no_user_in_cohorts")
    average = weighted_average(table)
    return RetentionSummary(
        table=table,
        average=average,
        matrix=cohort_matrix(table, average),
        long=cohort_long(table, average),
        trend=period_n_trend(table, trend_period),
        trend_period=trend_period,
        note=note,
        settings=settings_fact(grain, cohort_by, return_step, mode, purchase_step),
        as_of=as_of,
        by=by,
        repeat=repeat,
        frequency=frequency,
        churn=churn,
    )


def retention_summary(
    events: pl.DataFrame,
    *,
    grain: Grain = "month",
    cohort_by: str = "first_event",
    return_step: str | None = None,
    mode: Mode = "on",
    periods: int | None = 12,
    by: str | None = None,
    top: int = 6,
    trend_period: int = 1,
    inactivity_days: int = 90,
    purchase_step: str = "purchase",
    as_of: datetime | None = None,
    churn_events: pl.DataFrame | None = None,
    churn_end: date | datetime | None = None,
    table: pl.DataFrame | None = None,
) -> RetentionSummary:
    """Cohort table, averages, curves, repeat purchase, frequency and churn in one call.

    ``events`` must carry ``by`` (and a signup column when ``cohort_by`` names one):
    pass ``Dataset.events_with([...])``. ``by`` is cut to its ``top`` values + "Other".
    Churn: customers = users with a purchase when the data has the ``purchase_step``,
    else any active user; period = the last ``inactivity_days`` calendar days up to the day of
    ``as_of`` (default: the last event), so "lost" = active in the ``inactivity_days`` days
    before that period and not during it. ``churn_events`` (default ``events``) are the events
    churn is measured on (a cohort page passes every user of the segment, not only the cohorts
    shown); ``churn_end`` (default ``as_of``) is the last day of the churn period (the end of
    the chosen period on a page), so the rule's dates follow the view. ``table``: the cohort
    table of ``events`` when the caller has it (:meth:`kpi.retention.CohortActivity.table`).
    """
    if by:
        events = top_segment(events, by, top)
    table = (
        table
        if table is not None
        else cohort_table(
            events,
            grain=grain,
            cohort_by=cohort_by,
            return_step=return_step,
            mode=mode,
            periods=periods,
            by=by,
            as_of=as_of,
            purchase_step=purchase_step,
        )
    )
    has_buys = (
        "step" in events.columns
        and events.height > 0
        and bool((events["step"] == purchase_step).any())
    )
    end = as_of
    if end is None and "ts" in events.columns and events.height:
        end = events["ts"].max()  # type: ignore[assignment]
    churn = None
    churn_on = events if churn_events is None else churn_events
    if churn_events is not None and "step" in churn_on.columns:
        has_buys = churn_on.height > 0 and bool((churn_on["step"] == purchase_step).any())
    churn_last = churn_end if churn_end is not None else end
    if churn_last is not None:
        last_day = as_datetime(churn_last).date()
        churn = churn_rate(
            churn_on,
            period_start=last_day - timedelta(days=inactivity_days - 1),
            period_end=last_day,
            inactivity_days=inactivity_days,
            activity_step=purchase_step if has_buys else None,
        )
    step = purchase_step if "step" in events.columns else None
    empty_note = None
    if table.height == 0:
        empty_note = cohort_table_note(
            events, cohort_by=cohort_by, return_step=return_step, purchase_step=purchase_step
        )
    return build_summary(
        table,
        empty_note=empty_note,
        grain=grain,
        cohort_by=cohort_by,
        return_step=return_step,
        mode=mode,
        purchase_step=purchase_step,
        trend_period=trend_period,
        as_of=end,
        by=by,
        repeat=repeat_purchase_rate(events, step),
        frequency=purchase_frequency(events, step),
        churn=churn,
    )
