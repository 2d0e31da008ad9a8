"""Retention: cohort tables, repeat purchase, purchase frequency, churn.

Cohort retention follows PostHog / Amplitude / Mixpanel (see notes §1.3 and §2):

- A user belongs to one cohort: the calendar period (day, ISO week starting Monday, or month)
  of their *anchor*: their first start event (``cohort_by="first_event"``, optionally of
  ``start_step``), their first purchase (``"first_purchase"``), or the earliest value of a
  signup column joined onto the events (``cohort_by="signup"``...).
- Period N is the N-th calendar period after the cohort's period (calendar periods, not rolling
  24-hour windows). A user is *retained* in period N when they did a return event
  (``return_step``, or any event when None) in period N, at or after their anchor.
  ``mode="on"``: active in period N itself; ``mode="on_or_after"``: active in N or any later
  period (so the curve never rises).
- Period 0 is 100 % by definition when the return criterion includes the start event (the
  same step, or any event); with a different return step it is the share who returned in the
  cohort's own period.
- ``complete`` is False for a period that had not ended by ``as_of`` (default: the last event
  time). Periods that had not started by then are not listed. Events after ``as_of`` are
  ignored. Averages over cohorts use complete cells only.

All rates are fractions (0.366); the pages show percentages.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal

import polars as pl

from kpi.dataset import Dataset
from kpi.definitions import Definition
from kpi.errors import InputError
from kpi.filters import Filters
from kpi.periods import (
    Grain,
    as_datetime,
    check_grain,
    period_index,
    period_label,
    period_start,
    require_columns,
    scalar_index,
)
from kpi.segments import NONE, OTHER, top_values

Mode = Literal["on", "on_or_after"]

DEFINITIONS: dict[str, Definition] = {
    "cohort_retention": Definition(
        "Cohort retention",
        "Users of a cohort who came back in period N (or, 'on or after', in N or later) "
        "÷ users in the cohort. Cohort = calendar period of the user's first start event.",
        "rate",
        "retention",
    ),
    "weighted_retention": Definition(
        "Average retention (weighted)",
        "Sum of retained users ÷ sum of cohort sizes over the cohorts whose period N is "
        "complete (bigger cohorts weigh more).",
        "rate",
        "retention",
    ),
    "repeat_purchase_rate": Definition(
        "Repeat-purchase rate",
        "Customers with 2 or more orders ÷ customers with at least one order.",
        "rate",
        "retention",
    ),
    "purchase_frequency": Definition(
        "Purchase frequency",
        "Orders ÷ customers over the period (orders = distinct order ids, else purchase events).",
        "number",
        "retention",
    ),
    "churn": Definition(
        "Churn rate",
        "Customers lost during the period ÷ customers at its start. At start = last activity "
        "before the period within the inactivity limit; lost = no activity during the period.",
        "rate",
        "retention",
    ),
    "retention_rate": Definition(
        "Customer retention rate",
        "1 − churn rate: customers at the start of the period who were active again during it "
        "÷ customers at its start.",
        "rate",
        "retention",
    ),
}

_TABLE_SCHEMA: dict[str, pl.DataType] = {
    "cohort": pl.String(),
    "cohort_start": pl.Date(),
    "cohort_size": pl.Int64(),
    "period": pl.Int64(),
    "retained": pl.Int64(),
    "retention": pl.Float64(),
    "complete": pl.Boolean(),
}
_KNOWN = frozenset(_TABLE_SCHEMA)


# ---------------------------------------------------------------- cohort table


def _empty_table(by: str | None) -> pl.DataFrame:
    schema = ({by: pl.String()} if by else {}) | _TABLE_SCHEMA
    return pl.DataFrame(schema=schema)


def cohort_table(
    events: pl.DataFrame,
    *,
    grain: Grain = "month",
    cohort_by: str = "first_event",
    start_step: str | None = None,
    return_step: str | None = None,
    mode: Mode = "on",
    periods: int | None = None,
    by: str | None = None,
    as_of: datetime | None = None,
    purchase_step: str = "purchase",
) -> pl.DataFrame:
    """Cohort retention table, one row per cohort (× segment) × period 0..N.

    retention(cohort, N) = users of the cohort retained in period N ÷ cohort_size.
    Columns: [``by``], ``cohort`` (label), ``cohort_start`` (Date), ``cohort_size``, ``period``,
    ``retained``, ``retention``, ``complete``. See the module docstring for the rules.
    ``cohort_by``: ``"first_event"`` (first ``start_step`` event, any event when None),
    ``"first_purchase"`` (first ``purchase_step`` event) or the name of a date column of
    ``events`` (e.g. ``signup`` joined from users). ``by`` is a segment column of ``events``;
    a user takes the value of their anchor event (first touch). No events gives an empty table
    (see :func:`cohort_table_note` for the reason to show).
    """
    check_grain(grain)
    if mode not in ("on", "on_or_after"):
        raise InputError(f"Unknown retention mode '{mode}'.", "Choose 'on' or 'on_or_after'.")
    if periods is not None and periods < 0:
        raise InputError("The number of periods cannot be negative.", "Give 0 or more.")
    signup: str | None = None
    start = start_step
    if cohort_by == "first_purchase":
        if start_step is not None and start_step != purchase_step:
            raise InputError(
                f"A first-purchase cohort starts with the purchase step, not with '{start_step}'.",
                "Use cohort_by='first_event' with that start step instead.",
            )
        start = purchase_step
    elif cohort_by != "first_event":
        signup = cohort_by
        if start_step is not None:
            raise InputError(
                f"Cohorts by the '{cohort_by}' column do not use a start step.",
                "Leave the start step empty, or use cohort_by='first_event'.",
            )
    needed = ["user_id", "ts"]
    if start is not None or return_step is not None:
        needed.append("step")
    if signup:
        needed.append(signup)
    if by:
        needed.append(by)
    require_columns(events, needed, "Retention")

    cols = list(dict.fromkeys(needed))
    ev = events.lazy().select(cols).filter(pl.col("ts").is_not_null())
    if as_of is None:
        as_of = ev.select(pl.col("ts").max()).collect().item()
        if as_of is None:
            return _empty_table(by)
    as_of = as_datetime(as_of)
    ev = ev.filter(pl.col("ts") <= as_of)
    if by:
        ev = ev.with_columns(pl.col(by).cast(pl.String).fill_null(NONE))

    # anchors: one row per user (anchor time, cohort index, segment)
    if signup:
        src = ev.filter(pl.col(signup).is_not_null()).with_columns(
            pl.col(signup).cast(pl.Datetime("us")).alias("_anchor_src")
        )
        anchor = pl.col("_anchor_src").min()
    else:
        src = ev if start is None else ev.filter(pl.col("step") == start)
        anchor = pl.col("ts").min()
    aggs = [anchor.alias("_anchor")]
    if by:
        aggs.append(pl.col(by).sort_by("ts").first())
    anchors = (
        src.group_by("user_id")
        .agg(aggs)
        .filter(pl.col("_anchor") <= as_of)
        .with_columns(period_index(pl.col("_anchor"), grain).alias("_cidx"))
    )
    keys = [by] if by else []
    ckeys = [*keys, "_cidx"]

    # activity: one row per user × period with a return event at or after the anchor
    ret = ev if return_step is None else ev.filter(pl.col("step") == return_step)
    activity = (
        ret.group_by("user_id", period_index(pl.col("ts"), grain).alias("_pidx"))
        .agg(pl.col("ts").max().alias("_last"))
        .join(anchors, on="user_id", how="inner")
        .filter(pl.col("_last") >= pl.col("_anchor"))
        .select(*ckeys, "user_id", (pl.col("_pidx") - pl.col("_cidx")).alias("period"))
    )

    as_of_idx = scalar_index(as_of, grain)
    last = pl.lit(as_of_idx, pl.Int64) - pl.col("_cidx")
    if periods is not None:
        last = pl.min_horizontal(last, pl.lit(periods, pl.Int64))
    sizes = anchors.group_by(ckeys).agg(pl.len().cast(pl.Int64).alias("cohort_size"))
    grid = (
        sizes.with_columns(last.alias("_last_period"))
        .with_columns(pl.int_ranges(0, pl.col("_last_period") + 1).alias("period"))
        .explode("period")
        .with_columns(pl.col("period").cast(pl.Int64))
    )
    if mode == "on":
        counts = activity.group_by(*ckeys, "period").agg(pl.len().cast(pl.Int64).alias("retained"))
        table = grid.join(counts, on=[*ckeys, "period"], how="left")
        table = table.with_columns(pl.col("retained").fill_null(0))
    else:
        best = activity.group_by(*ckeys, "user_id").agg(pl.col("period").max())
        best = best.join(sizes.with_columns(last.alias("_cap")).select(*ckeys, "_cap"), on=ckeys)
        counts = best.group_by(*ckeys, pl.min_horizontal("period", "_cap").alias("period")).agg(
            pl.len().cast(pl.Int64).alias("_n")
        )
        table = (
            grid.join(counts, on=[*ckeys, "period"], how="left")
            .with_columns(pl.col("_n").fill_null(0))
            .sort([*ckeys, "period"], descending=[*[False] * len(ckeys), True])
            .with_columns(pl.col("_n").cum_sum().over(ckeys).alias("retained"))
        )
    next_start = period_start(pl.col("_cidx") + pl.col("period") + 1, grain).cast(pl.Datetime("us"))
    start_date = period_start(pl.col("_cidx"), grain)
    out = (
        table.with_columns(
            period_label(start_date, grain).alias("cohort"),
            start_date.alias("cohort_start"),
            (pl.col("retained") / pl.col("cohort_size")).alias("retention"),
            (next_start <= pl.lit(as_of, pl.Datetime("us"))).alias("complete"),
        )
        .sort([*keys, "_cidx", "period"])
        .select(*keys, *_TABLE_SCHEMA)
        .collect()
    )
    return out.cast(_TABLE_SCHEMA)  # type: ignore[arg-type]


def cohort_table_note(
    events: pl.DataFrame,
    *,
    cohort_by: str = "first_event",
    start_step: str | None = None,
    return_step: str | None = None,
    purchase_step: str = "purchase",
) -> str | None:
    """A sentence explaining why the cohort table is empty, or None when it is not."""
    if events.height == 0:
        return "There are no events, so there are no cohorts to show."
    if "ts" not in events.columns or events["ts"].null_count() == events.height:
        return "Retention needs event dates, and these events have none."
    start = purchase_step if cohort_by == "first_purchase" else start_step
    steps = set(events["step"].unique().to_list()) if "step" in events.columns else set()
    for label, step in (("start", start), ("return", return_step)):
        if step is not None and step not in steps:
            shown = ", ".join(sorted(str(s) for s in steps)[:8])
            return f"No event has the {label} step '{step}' (steps found: {shown})."
    signup = cohort_by not in ("first_event", "first_purchase")
    if signup and (
        cohort_by not in events.columns or events[cohort_by].null_count() == events.height
    ):
        return f"No user has a value in the cohort column '{cohort_by}'."
    return None


def _segment_keys(table: pl.DataFrame) -> list[str]:
    return [c for c in table.columns if c not in _KNOWN]


def weighted_average(table: pl.DataFrame) -> pl.DataFrame:
    """Average retention per period (and segment) over complete cells, weighted by cohort size.

    retention(N) = Σ retained(c, N) ÷ Σ cohort_size(c) over cohorts c whose period N is
    complete (Amplitude / PostHog "weighted" mean). Columns: [segment], ``period``,
    ``cohorts``, ``users``, ``retained``, ``retention``. Periods with no complete cell are left
    out.
    """
    keys = _segment_keys(table)
    return (
        table.filter(pl.col("complete"))
        .group_by(*keys, "period")
        .agg(
            pl.len().cast(pl.Int64).alias("cohorts"),
            pl.col("cohort_size").sum().cast(pl.Int64).alias("users"),
            pl.col("retained").sum().cast(pl.Int64).alias("retained"),
        )
        .with_columns((pl.col("retained") / pl.col("users")).alias("retention"))
        .sort(*keys, "period")
    )


def retention_curve(
    table: pl.DataFrame, *, per: Literal["cohort", "segment"] = "cohort"
) -> pl.DataFrame:
    """Line-chart data: ``series``, ``period``, ``retention``, ``users``, ``complete``.

    ``per="cohort"``: one line per cohort (labelled ``segment · cohort`` with a breakdown);
    ``per="segment"``: one weighted-average line per segment value (``All`` without one).
    """
    keys = _segment_keys(table)
    if per == "cohort":
        series = (
            pl.concat_str([pl.col(keys[0]), pl.col("cohort")], separator=" · ")
            if keys
            else pl.col("cohort")
        )
        return table.select(
            series.alias("series"),
            "period",
            "retention",
            pl.col("cohort_size").alias("users"),
            "complete",
        )
    if per != "segment":
        raise InputError(f"Unknown curve grouping '{per}'.", "Choose 'cohort' or 'segment'.")
    avg = weighted_average(table)
    series = pl.col(keys[0]).alias("series") if keys else pl.lit("All").alias("series")
    return avg.select(series, "period", "retention", "users", pl.lit(True).alias("complete"))


def period_n_trend(table: pl.DataFrame, n: int) -> pl.DataFrame:
    """Period-N retention across cohorts (e.g. month-1 retention of every monthly cohort).

    Columns: [segment], ``cohort``, ``cohort_start``, ``cohort_size``, ``retained``,
    ``retention``, ``complete``; cohorts whose period N has not started are absent.
    """
    keys = _segment_keys(table)
    return table.filter(pl.col("period") == n).select(
        *keys, "cohort", "cohort_start", "cohort_size", "retained", "retention", "complete"
    )


# ---------------------------------------------------------------- customers and orders


def purchase_events(events: pl.DataFrame, purchase_step: str | None, what: str) -> pl.DataFrame:
    needed = ["user_id"] + (["step"] if purchase_step is not None else [])
    require_columns(events, needed, what)
    if purchase_step is None:
        return events
    return events.filter(pl.col("step") == purchase_step)


def _order_count() -> pl.Expr:
    """Orders of one group: distinct non-null order ids plus events without an order id."""
    return (pl.col("order_id").drop_nulls().n_unique() + pl.col("order_id").null_count()).cast(
        pl.Int64
    )


def orders_per_customer(
    events: pl.DataFrame, *, purchase_step: str | None = "purchase"
) -> pl.DataFrame:
    """One row per customer: ``user_id``, ``orders``, ``revenue`` (0 without a revenue column),
    ``first_purchase``, ``last_purchase`` (null without ``ts``).

    Orders are distinct ``order_id`` values when the column exists (events without one count
    one order each), else purchase events. ``purchase_step=None`` treats every event as a
    purchase (an orders table).
    """
    buys = purchase_events(events, purchase_step, "Counting orders")
    orders = _order_count() if "order_id" in buys.columns else pl.len().cast(pl.Int64)
    revenue = pl.col("revenue").sum() if "revenue" in buys.columns else pl.lit(0.0)
    ts_first = pl.col("ts").min() if "ts" in buys.columns else pl.lit(None, pl.Datetime("us"))
    ts_last = pl.col("ts").max() if "ts" in buys.columns else pl.lit(None, pl.Datetime("us"))
    return buys.group_by("user_id").agg(
        orders.alias("orders"),
        revenue.cast(pl.Float64).alias("revenue"),
        ts_first.alias("first_purchase"),
        ts_last.alias("last_purchase"),
    )


def no_purchase_note(events: pl.DataFrame, purchase_step: str | None) -> str:
    if events.height == 0:
        return "There are no events, so there are no customers yet."
    if purchase_step is None or "step" not in events.columns:
        return "There are no purchases."
    steps = ", ".join(sorted(str(s) for s in events["step"].unique().to_list())[:8])
    return f"No event has the purchase step '{purchase_step}' (steps found: {steps})."


@dataclass(frozen=True)
class RepeatPurchase:
    """rate = repeat_customers (2+ orders) ÷ customers (1+ order); None without customers."""

    customers: int
    repeat_customers: int
    rate: float | None
    explanation: str


def repeat_purchase_rate(
    events: pl.DataFrame, purchase_step: str | None = "purchase"
) -> RepeatPurchase:
    """Repeat-purchase rate = customers with ≥ 2 orders ÷ customers with ≥ 1 order."""
    per = orders_per_customer(events, purchase_step=purchase_step)
    customers = per.height
    if customers == 0:
        return RepeatPurchase(0, 0, None, no_purchase_note(events, purchase_step))
    repeat = int(per.filter(pl.col("orders") >= 2).height)
    rate = repeat / customers
    return RepeatPurchase(
        customers,
        repeat,
        rate,
        f"{repeat:,} of {customers:,} customers ordered at least twice ({rate:.1%}).",
    )


@dataclass(frozen=True)
class PurchaseFrequency:
    """frequency = orders ÷ customers over the data's period; None without customers."""

    customers: int
    orders: int
    frequency: float | None
    explanation: str


def purchase_frequency(
    events: pl.DataFrame, purchase_step: str | None = "purchase"
) -> PurchaseFrequency:
    """Purchase frequency = orders ÷ customers (filter ``events`` to the period first)."""
    per = orders_per_customer(events, purchase_step=purchase_step)
    customers = per.height
    if customers == 0:
        return PurchaseFrequency(0, 0, None, no_purchase_note(events, purchase_step))
    orders = int(per["orders"].sum())
    freq = orders / customers
    return PurchaseFrequency(
        customers, orders, freq, f"{orders:,} orders by {customers:,} customers: {freq:.2f} each."
    )


@dataclass(frozen=True)
class Churn:
    """churn = customers_lost ÷ customers_at_start; retention = 1 − churn (None when no one
    was a customer at the start). ``rule`` states the definition in words."""

    period_start: datetime
    period_end: datetime
    inactivity_days: int
    customers_at_start: int
    customers_lost: int
    customers_retained: int
    new_customers: int
    churn: float | None
    retention: float | None
    rule: str
    explanation: str


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
    if inactivity_days <= 0:
        raise InputError(
            "The inactivity limit must be at least one day.", "Give a number of days, e.g. 90."
        )
    start = as_datetime(period_start)
    end = as_datetime(period_end)
    if not isinstance(period_end, datetime):
        end = end + timedelta(days=1) - timedelta(microseconds=1)
    if end < start:
        raise InputError(
            "The period ends before it starts.", "Pick an end date on or after the start date."
        )
    needed = ["user_id", "ts"] + (["step"] if activity_step is not None else [])
    require_columns(events, needed, "Churn")
    ev = events.lazy().select(needed).filter(pl.col("ts").is_not_null())
    if activity_step is not None:
        ev = ev.filter(pl.col("step") == activity_step)
    since = start - timedelta(days=inactivity_days)
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
    what = f"'{activity_step}' event" if activity_step else "event"
    rule = (
        f"Customers at the start: last {what} before {start:%Y-%m-%d} within {inactivity_days} "
        f"days (on or after {since:%Y-%m-%d}). Lost: no {what} from {start:%Y-%m-%d} to "
        f"{end:%Y-%m-%d}. Churn = lost ÷ customers at the start."
    )
    if n_start == 0:
        return Churn(
            start, end, inactivity_days, 0, 0, 0, new, None, None, rule,
            "No customer was active in the inactivity window before the period, so churn is "
            "undefined. Move the period later or raise the inactivity limit.",
        )  # fmt: skip
    churn = lost / n_start
    return Churn(
        start, end, inactivity_days, n_start, lost, n_start - lost, new, churn, 1 - churn, rule,
        f"{lost:,} of {n_start:,} customers at the start were lost ({churn:.1%}); "
        f"{new:,} new customers arrived.",
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


# ---------------------------------------------------------------- the view of a cohort page


def cohort_view(
    ds_full: Dataset,
    filters: Filters,
    *,
    cohort_by: str = "first_event",
    purchase_step: str = "purchase",
) -> Dataset:
    """The cohorts that *started* in the filter's period, followed over their whole history.

    A date filter cuts events at the period start, so a user first seen in June looks new in
    November. Here: the segment filters are applied to the full data
    (``Filters(segments=filters.segments).apply(ds_full)``), then only users whose anchor falls
    in [``filters.start``, ``filters.end``] (whole days) are kept, with *all* their events
    (before the end of the period and after it). Anchor (as :func:`cohort_table`): the first
    event (``"first_event"``), the first ``purchase_step`` event (``"first_purchase"``) or the
    earliest value of that users column (``"signup"``...). Without a start or an end, that side
    is open; without either, the result is the segment-filtered data.
    """
    seg = Filters(segments=filters.segments).apply(ds_full)
    if filters.start is None and filters.end is None:
        return seg
    if cohort_by in ("first_event", "first_purchase"):
        if "ts" not in seg.events.columns:
            return seg
        ev = seg.events.lazy().filter(pl.col("ts").is_not_null())
        if cohort_by == "first_purchase":
            ev = ev.filter(pl.col("step") == purchase_step)
        anchors = ev.group_by("user_id").agg(pl.col("ts").min().alias("_anchor")).collect()
    else:
        require_columns(seg.users, ["user_id", cohort_by], "Cohorts by date")
        anchors = seg.users.select("user_id", pl.col(cohort_by).alias("_anchor"))
    inside = pl.col("_anchor").is_not_null()
    if filters.start is not None:
        inside &= pl.col("_anchor") >= datetime.combine(filters.start, datetime.min.time())
    if filters.end is not None:
        inside &= pl.col("_anchor") < datetime.combine(
            filters.end + timedelta(days=1), datetime.min.time()
        )
    keep = anchors.filter(inside).select("user_id")
    return seg.with_tables(
        events=seg.events.join(keep, on="user_id", how="semi"),
        users=seg.users.join(keep, on="user_id", how="semi"),
    )


# ---------------------------------------------------------------- page / workbook summary

AVERAGE_LABEL = "Average (weighted)"
RETURN_LABELS = {None: "any event"}


def top_segment(events: pl.DataFrame, by: str, n: int = 6) -> pl.DataFrame:
    """``events`` with ``by`` relabelled to its ``n`` most common values (by users) + "Other".

    Ranking counts users (their first-touch value), not events, so one very active user
    cannot push a value into the top list. Totals over the relabelled column reconcile.
    """
    require_columns(events, ["user_id", by], "A segment breakdown")
    col = pl.col(by).cast(pl.String).fill_null(NONE)
    ordered = events.lazy().sort("ts") if "ts" in events.columns else events.lazy()
    per_user = ordered.select("user_id", col).group_by("user_id").agg(pl.col(by).first()).collect()
    keep = top_values(per_user, by, n)
    return events.with_columns(
        pl.when(col.is_in(keep)).then(col).otherwise(pl.lit(OTHER)).alias(by)
    )


def cohort_long(table: pl.DataFrame, average: pl.DataFrame | None = None) -> pl.DataFrame:
    """Cohort cells plus the weighted-average row, ready for a heatmap or a sheet.

    Columns: [segment], ``cohort`` (label; the average row is ``Average (weighted)``),
    ``cohort_size`` (the average row: sum of the cohort sizes), ``period``, ``retained``,
    ``retention``, ``complete``, ``is_average``, ``row`` (display order, 0 first).
    """
    keys = _segment_keys(table)
    if average is None:
        average = weighted_average(table)
    cells = table.select(
        *keys,
        "cohort",
        "cohort_size",
        "period",
        "retained",
        "retention",
        "complete",
        pl.lit(False).alias("is_average"),
    )
    totals = (
        table.filter(pl.col("period") == 0)
        .group_by(keys or pl.lit(0).alias("_k"))
        .agg(pl.col("cohort_size").sum().cast(pl.Int64))
    )
    avg = average.select(
        *keys,
        pl.lit(AVERAGE_LABEL).alias("cohort"),
        "period",
        "retained",
        "retention",
        pl.lit(True).alias("complete"),
        pl.lit(True).alias("is_average"),
    )
    avg = (
        avg.join(totals, on=keys, how="left")
        if keys
        else avg.with_columns(pl.lit(totals["cohort_size"].sum(), pl.Int64).alias("cohort_size"))
    )
    out = pl.concat([cells, avg.select(cells.columns)], how="vertical_relaxed")
    return out.with_columns(
        pl.struct(*keys, "is_average", "cohort").rank("dense").sub(1).cast(pl.Int64).alias("row")
    ).sort("row", "period")


def average_long(table: pl.DataFrame, average: pl.DataFrame | None = None) -> pl.DataFrame:
    """Weighted averages per segment in the :func:`cohort_long` layout (one row per segment
    value): ``cohort`` = the segment value, ``cohort_size`` = all users of that segment's
    cohorts (so the rows add up to every user)."""
    keys = _segment_keys(table)
    if not keys:
        raise InputError("average_long needs a cohort table with a segment column.", "")
    by = keys[0]
    if average is None:
        average = weighted_average(table)
    sizes = (
        table.filter(pl.col("period") == 0)
        .group_by(by)
        .agg(pl.col("cohort_size").sum().cast(pl.Int64))
    )
    return (
        average.join(sizes, on=by, how="left")
        .select(
            by,
            pl.col(by).alias("cohort"),
            pl.col("cohort_size").fill_null(0).cast(pl.Int64),
            "period",
            "retained",
            "retention",
            pl.lit(True).alias("complete"),
            pl.lit(False).alias("is_average"),
            pl.col(by).rank("dense").sub(1).cast(pl.Int64).alias("row"),
        )
        .sort("row", "period")
    )


def cohort_matrix(table: pl.DataFrame, average: pl.DataFrame | None = None) -> pl.DataFrame:
    """The cohort table pivoted wide: [segment], ``cohort``, ``cohort_size``, ``P0``..``PN``
    (retention fractions; null where the period has not started), the weighted-average row
    last (per segment)."""
    keys = _segment_keys(table)
    long = cohort_long(table, average)
    if long.height == 0:
        schema = {k: pl.String() for k in keys} | {"cohort": pl.String(), "cohort_size": pl.Int64()}
        return pl.DataFrame(schema=schema)
    n_max = int(long["period"].max())  # type: ignore[arg-type]
    cols = [f"P{i}" for i in range(n_max + 1)]
    wide = (
        long.with_columns(pl.format("P{}", pl.col("period")).alias("_p"))
        .pivot("_p", index=[*keys, "cohort", "cohort_size", "row"], values="retention")
        .sort("row")
    )
    return wide.select(
        *keys,
        "cohort",
        "cohort_size",
        *(pl.col(c).cast(pl.Float64) if c in wide.columns else pl.lit(None, pl.Float64).alias(c)
          for c in cols),
    )  # fmt: skip


def describe_return(return_step: str | None, purchase_step: str = "purchase") -> str:
    """The return criterion in words: "any event", "a purchase", "a 'checkout' event"."""
    if return_step is None:
        return "any event"
    if return_step == purchase_step:
        return "a purchase"
    return f"a '{return_step}' event"


@dataclass(frozen=True)
class RetentionSummary:
    """Everything the Retention page (and the workbook's Retention sheet) shows.

    ``table``: :func:`cohort_table`; ``average``: :func:`weighted_average`; ``matrix``:
    :func:`cohort_matrix`; ``long``: :func:`cohort_long`; ``trend``: :func:`period_n_trend` for
    ``trend_period``; ``note``: why the table is empty (None otherwise); ``settings``: the
    choices in words; ``repeat``, ``frequency``: purchase KPIs; ``churn``: over the last
    ``inactivity_days`` days of the data (None when the data has no dates).
    """

    table: pl.DataFrame
    average: pl.DataFrame
    matrix: pl.DataFrame
    long: pl.DataFrame
    trend: pl.DataFrame
    trend_period: int
    note: str | None
    settings: str
    as_of: datetime | None
    by: str | None
    repeat: RepeatPurchase
    frequency: PurchaseFrequency
    churn: Churn | None


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
    the chosen period on a page), so the rule's dates follow the view.
    """
    if by:
        events = top_segment(events, by, top)
    table = cohort_table(
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
    note = None
    if table.height == 0:
        note = (
            cohort_table_note(
                events, cohort_by=cohort_by, return_step=return_step, purchase_step=purchase_step
            )
            or "No user has an event in the chosen cohorts."
        )
    average = weighted_average(table)
    anchor = {"first_event": "first visit (first event)", "first_purchase": "first purchase"}.get(
        cohort_by, f"'{cohort_by}' date"
    )
    settings = (
        f"Cohort = {grain} of the {anchor}. Retained in period N = did "
        f"{describe_return(return_step, purchase_step)} "
        + ("in period N." if mode == "on" else "in period N or any later period (on or after).")
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
    return RetentionSummary(
        table=table,
        average=average,
        matrix=cohort_matrix(table, average),
        long=cohort_long(table, average),
        trend=period_n_trend(table, trend_period),
        trend_period=trend_period,
        note=note,
        settings=settings,
        as_of=end,
        by=by,
        repeat=repeat_purchase_rate(events, step),
        frequency=purchase_frequency(events, step),
        churn=churn,
    )
