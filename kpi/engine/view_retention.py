"""The retention summary of an :class:`~kpi.engine.view.EngineView`, from engine counts.

:func:`kpi.retention.retention_summary` reads the view's events; here the same summary is
made from what the engine counts: the cohort table (:func:`kpi.engine.cohorts.cohort_activity`),
the customers, repeat customers and orders of the period (repeat purchase, frequency) and the
customers at the start / lost / new of the churn period. The rules and words are
:func:`kpi.retention.churn.churn_from_counts`, :func:`kpi.retention.purchases.repeat_from_counts`
and friends, the ones the uploads use; the curves and averages are computed locally from the
cohort table.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING, Any, Literal

import narwhals as nw
import polars as pl

from kpi.engine.frame import collect
from kpi.filters import Filters
from kpi.words import Fact

if TYPE_CHECKING:
    from kpi.engine.view import EngineView

__all__ = ["cohort_table", "purchase_counts", "retention_summary"]


def _ints(frame: pl.DataFrame) -> dict[str, int]:
    row = frame.row(0, named=True) if frame.height else {}
    return {k: int(v or 0) for k, v in row.items()}


def cohort_events(view: EngineView, cohort_by: str, purchase_step: str) -> nw.LazyFrame:
    """The events, over the whole history, of the users of the view's cohorts: in the
    segments, with an anchor (first event, or first purchase) in the view's period (as
    :func:`kpi.retention.cohort_view`)."""
    f = view.filters
    ev = view.table.events.filter(~nw.col("user_id").is_null())
    users = view._users(Filters(segments=f.segments)).select("user_id")
    if f.start is None and f.end is None:
        return ev.join(users, on="user_id", how="semi")
    src = ev.filter(~nw.col("ts").is_null())
    if cohort_by == "first_purchase":
        src = src.filter(nw.col("step") == purchase_step)
    anchors = src.group_by("user_id").agg(nw.col("ts").min().alias("_anchor"))
    if f.start is not None:
        anchors = anchors.filter(nw.col("_anchor") >= datetime.combine(f.start, time.min))
    if f.end is not None:
        anchors = anchors.filter(
            nw.col("_anchor") < datetime.combine(f.end + timedelta(days=1), time.min)
        )
    chosen = anchors.select("user_id").join(users, on="user_id", how="semi")
    return ev.join(chosen, on="user_id", how="semi")


def purchase_counts(events: nw.LazyFrame, purchase_step: str, has_order_id: bool) -> dict[str, int]:
    """customers (1+ order), repeat (2+ orders) and orders of ``events``; orders = distinct
    order ids plus purchase events without one (as
    :func:`kpi.retention.purchases.orders_per_customer`)."""
    buys = events.filter(nw.col("step") == purchase_step)
    if has_order_id:
        with_id = (
            buys.filter(~nw.col("order_id").is_null())
            .group_by("user_id")
            .agg(nw.col("order_id").n_unique().alias("o"))
        )
        without = (
            buys.filter(nw.col("order_id").is_null()).group_by("user_id").agg(nw.len().alias("o"))
        )
        both = nw.concat([with_id.select("user_id", "o"), without.select("user_id", "o")])
        per = both.group_by("user_id").agg(nw.col("o").sum())
    else:
        per = buys.group_by("user_id").agg(nw.len().alias("o"))
    got = collect(
        per.select(
            nw.len().alias("customers"),
            (nw.col("o") >= 2).cast(nw.Int64).sum().alias("repeat"),
            nw.col("o").cast(nw.Int64).sum().alias("orders"),
        )
    )
    return _ints(got)


def churn_counts(
    view: EngineView,
    *,
    start: datetime,
    end: datetime,
    since: datetime,
    activity_step: str | None,
) -> dict[str, int]:
    """Customers at the start, lost and new of :func:`kpi.retention.churn.churn_rate`, over the
    whole history of the view's segments."""
    ev = view._events(Filters(segments=view.filters.segments)).filter(~nw.col("ts").is_null())
    if activity_step is not None:
        ev = ev.filter(nw.col("step") == activity_step)
    ev = ev.filter(nw.col("ts") <= end).with_columns(
        _b=nw.when(nw.col("ts") < start).then(nw.col("ts")),
        _d=nw.when(nw.col("ts") >= start).then(nw.lit(1)).otherwise(nw.lit(0)),
    )
    per = ev.group_by("user_id").agg(nw.col("_b").max(), nw.col("_d").max())
    at_start = (~nw.col("_b").is_null()) & (nw.col("_b") >= since)
    got = collect(
        per.select(
            at_start.cast(nw.Int64).sum().alias("at_start"),
            (at_start & (nw.col("_d") == 0)).cast(nw.Int64).sum().alias("lost"),
            (nw.col("_b").is_null() & (nw.col("_d") == 1)).cast(nw.Int64).sum().alias("new"),
        )
    )
    return _ints(got)


def _last_ts(events: nw.LazyFrame) -> datetime | None:
    got = collect(events.select(nw.col("ts").max().alias("ts")))
    return got["ts"][0] if got.height else None


def _has_step(view: EngineView, filters: Filters, step: str) -> bool:
    ev = view._events(filters).filter(nw.col("step") == step)
    got = collect(ev.select(nw.len().alias("n")))
    return bool(int(got["n"][0] or 0))


def cohort_table(
    view: EngineView,
    *,
    grain: str,
    cohort_by: str,
    return_step: str | None,
    mode: str,
    periods: int | None,
    by: str | None,
    purchase_step: str,
) -> pl.DataFrame:
    """The cohort table of the view (:func:`kpi.retention.cohort_table`'s columns) from the
    engine's counts (:func:`kpi.engine.cohorts.cohort_table`)."""
    from kpi.engine.cohorts import cohort_table as engine_cohort_table

    return engine_cohort_table(
        view.table,
        grain=grain,  # type: ignore[arg-type]
        filters=view.filters,
        by=by,
        cohort_by=cohort_by,
        return_step=return_step,
        purchase_step=purchase_step,
        mode=mode,  # type: ignore[arg-type]
        periods=periods,
    )


def retention_summary(
    view: EngineView,
    *,
    cohort_by: str | None,
    return_step: str | None,
    mode: Literal["on", "on_or_after"],
    periods: int | None,
    by: str | None,
    trend_period: int,
    inactivity_days: int,
    grain: Any,
    purchase_step: str,
) -> Any:
    """:class:`kpi.retention.RetentionSummary` of the view (module docstring)."""
    from kpi.retention.churn import churn_from_counts, churn_window
    from kpi.retention.cohorts import cohort_table_note
    from kpi.retention.purchases import (
        frequency_from_counts,
        no_purchase_note,
        repeat_from_counts,
    )
    from kpi.retention.summary import build_summary

    ps = purchase_step
    if cohort_by is None:
        cohort_by = "first_purchase" if set(view.event_steps) == {ps} else "first_event"
    table = cohort_table(
        view,
        grain=grain,
        cohort_by=cohort_by,
        return_step=return_step,
        mode=mode,
        periods=periods,
        by=by,
        purchase_step=ps,
    )
    # the steps of the table as the notes read them (a summary is made only with dates)
    n_steps = len(view.event_steps)
    steps_here = pl.DataFrame(
        {
            "user_id": ["_"] * n_steps,
            "step": view.event_steps,
            "ts": [datetime(2000, 1, 1)] * n_steps,
        },
        schema={"user_id": pl.String, "step": pl.String, "ts": pl.Datetime("us")},
    )
    empty_note = None
    if table.height == 0:
        empty_note = cohort_table_note(
            steps_here, cohort_by=cohort_by, return_step=return_step, purchase_step=ps
        )
    cohort_ev = cohort_events(view, cohort_by, ps)
    bought = purchase_counts(cohort_ev, ps, "order_id" in view.table.columns)
    none_note = no_purchase_note(steps_here, ps)
    repeat = repeat_from_counts(bought.get("customers", 0), bought.get("repeat", 0), none_note)
    frequency = frequency_from_counts(
        bought.get("customers", 0), bought.get("orders", 0), none_note
    )
    last = _last_ts(cohort_ev)
    churn_last = view.filters.end if view.filters.end is not None else last
    churn = None
    if churn_last is not None:
        last_day = churn_last if not isinstance(churn_last, datetime) else churn_last.date()
        start, end, since = churn_window(
            last_day - timedelta(days=inactivity_days - 1), last_day, inactivity_days
        )
        has_buys = _has_step(view, Filters(segments=view.filters.segments), ps)
        step = ps if has_buys else None
        c = churn_counts(view, start=start, end=end, since=since, activity_step=step)
        churn = churn_from_counts(
            start,
            end,
            inactivity_days,
            c.get("at_start", 0),
            c.get("lost", 0),
            c.get("new", 0),
            activity_step=step,
        )
    return build_summary(
        table,
        empty_note=empty_note,
        grain=grain,
        cohort_by=cohort_by,
        return_step=return_step,
        mode=mode,
        purchase_step=ps,
        trend_period=trend_period,
        as_of=last,
        by=by,
        repeat=repeat,
        frequency=frequency,
        churn=churn,
    )


def page_summary(
    view: EngineView,
    *,
    cohort_by: str | None,
    return_step: str | None,
    mode: Literal["on", "on_or_after"],
    periods: int,
    by: str | None,
    trend_period: int,
    inactivity_days: int,
    grain: Any,
    purchase_step: str,
) -> Any:
    """The Retention page's summary of the view (:meth:`EngineView.retention`, kept by the
    view: the same choices again run nothing in the engine); raises why it cannot be made
    (no dates, no events in the view, the engine's error) instead of returning None."""
    from kpi.errors import InputError

    args: dict[str, Any] = {
        "cohort_by": cohort_by,
        "return_step": return_step,
        "mode": mode,
        "periods": periods,
        "by": by,
        "trend_period": trend_period,
        "inactivity_days": inactivity_days,
        "grain": grain,
        "purchase_step": purchase_step,
    }
    got = view.retention(**args)
    if got is not None:
        return got
    if not view.has_timestamps:
        raise InputError(Fact("retention.note.no_dates"))
    if not view.size()[1]:
        raise InputError(Fact("retention.note.no_events"))
    return view.memo(  # the view kept the failure: the same query says why, once
        f"retention|page|{tuple(args.values())!r}", lambda: retention_summary(view, **args)
    )


def _jan_first(year: nw.Expr) -> nw.Expr:
    """Days since 1970-01-01 of 1 January of ``year`` (a year after 1600): 365 a year plus the
    leap days before it, plain integer arithmetic every engine runs alike. ``year`` appears
    four times: keep it a small expression (each use copies it into the engine's query)."""
    return (year - 1970) * 365 + (year - 1969) // 4 - (year - 1901) // 100 + (year - 1601) // 400


def _iso_weeks(year: nw.Expr) -> nw.Expr:
    """52 or 53: the ISO weeks of ``year`` (53 when 1 January is a Thursday, or a Wednesday
    in a leap year: ``p(y) == 4 or p(y - 1) == 3``)."""

    def p(y: nw.Expr) -> nw.Expr:
        return (y + y // 4 - y // 100 + y // 400) % 7

    return nw.when((p(year) == 4) | (p(year - 1) == 3)).then(53).otherwise(52)


def _two_digits(n: nw.Expr) -> nw.Expr:
    """``n`` (0–99) as two digits: one use of ``n`` (a padding test would copy it twice)."""
    return (n + 100).cast(nw.String).str.slice(1, 2)


def cohort_label(ts: nw.Expr, grain: Literal["week", "month"] = "month") -> nw.Expr:
    """:func:`kpi.segments.cohort_of` as a narwhals expression: ``2025-03`` (month) or
    ``2025-W11`` (the ISO week: weeks from Monday, week 1 holding the year's first Thursday),
    so that DuckDB, Spark and polars label a user's derived cohort alike at either grain of
    the sidebar.

    Each use of a sub-expression copies it into the engine's query, so the week is built from
    small parts (the day of the year from the date's days since 1970 minus 1 January's, the
    ISO weekday) and each is used as few times as possible: a formulation that nested the
    whole date arithmetic into itself made a 12 MB query on DuckDB."""
    from kpi.engine.cohorts import _days

    year = ts.dt.year().cast(nw.Int64)
    if grain == "month":
        month = ts.dt.month().cast(nw.Int64)
        return nw.concat_str([year.cast(nw.String), nw.lit("-"), _two_digits(month)])
    ordinal = _days(ts) - _jan_first(year) + 1  # 1 January is day 1
    weekday = ts.dt.weekday().cast(nw.Int64)  # Monday 1 … Sunday 7
    w = (ordinal - weekday + 10) // 7  # 0: the last week of the year before; 53: maybe week 1
    before, after = w < 1, w > _iso_weeks(year)
    iso_year = nw.when(before).then(year - 1).when(after).then(year + 1).otherwise(year)
    week = nw.when(before).then(_iso_weeks(year - 1)).when(after).then(1).otherwise(w)
    return nw.concat_str([iso_year.cast(nw.String), nw.lit("-W"), _two_digits(week)])
