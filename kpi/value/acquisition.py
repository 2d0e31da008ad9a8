"""Acquisition: new customers, CAC per channel, CLV / CAC and payback, ROAS.

Spend (channel × period) is matched to customers by their channel (first touch) and the
period of their first-ever purchase. A channel's ``note`` column holds a catalogue code
(``value.note.…``) when a figure does not exist (no spend, no new customers), None otherwise.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import polars as pl

from kpi.dataset import Dataset
from kpi.errors import InputError
from kpi.filters import Filters
from kpi.periods import (
    Grain,
    check_grain,
    period_index,
    period_start,
    require_columns,
)
from kpi.retention.purchases import orders_per_customer, purchase_events
from kpi.segments import NONE
from kpi.value.clv import DAYS_PER_MONTH
from kpi.value.order_value import need_revenue
from kpi.words import Fact

__all__ = [
    "GUIDE_RATIO",
    "NOTE_NO_CLV",
    "NOTE_NO_SPEND",
    "NOTE_NO_SPEND_NO_NEW",
    "NOTE_SPEND_NO_NEW",
    "cac_by_channel",
    "clv_cac",
    "monthly_from_counts",
    "monthly_revenue_per_customer",
    "new_customers",
    "new_customers_in_view",
    "payback_months",
    "roas",
]

GUIDE_RATIO = 3.0  # the usual rule of thumb: CLV should be at least 3 × CAC
#: ``note`` codes of a channel row (catalogue ``value.note.…``)
NOTE_SPEND_NO_NEW = "value.note.spend_no_new_customers"
NOTE_NO_SPEND = "value.note.no_spend"
NOTE_NO_SPEND_NO_NEW = "value.note.no_spend_no_new_customers"
NOTE_NO_CLV = "value.note.no_clv"


def new_customers(
    events: pl.DataFrame,
    *,
    channel: str = "channel",
    purchase_step: str | None = "purchase",
    start: date | None = None,
    end: date | None = None,
) -> pl.DataFrame:
    """One row per customer: ``user_id``, the channel (value at the first purchase) and
    ``first_purchase`` (the first purchase event's ``ts``).

    Pass the customers' *whole* history: the first purchase is the first one in ``events``.
    With ``start`` / ``end`` (inclusive whole days) only customers whose first purchase falls
    in [start, end] are kept: the period's new customers (a June buyer back in November is not
    new in November).
    """
    require_columns(events, ["user_id", "ts", channel], Fact("value.what.new_customers"))
    buys = purchase_events(events, purchase_step, Fact("value.what.new_customers")).filter(
        pl.col("ts").is_not_null()
    )
    out = buys.group_by("user_id").agg(
        pl.col(channel).cast(pl.String).fill_null(NONE).sort_by("ts").first(),
        pl.col("ts").min().alias("first_purchase"),
    )
    inside = pl.lit(True)
    if start is not None:
        inside &= pl.col("first_purchase") >= datetime.combine(start, datetime.min.time())
    if end is not None:
        inside &= pl.col("first_purchase") < datetime.combine(
            end + timedelta(days=1), datetime.min.time()
        )
    return out.filter(inside)


def new_customers_in_view(
    ds_full: Dataset,
    filters: Filters,
    *,
    channel: str = "channel",
    purchase_step: str | None = "purchase",
    segmented: Dataset | None = None,
) -> pl.DataFrame | None:
    """The view's new customers, judged on the full history (for CAC under a period filter).

    A date filter cuts events at the period start, so a customer who first bought in June looks
    new in November. Here the segment filters are applied to the unfiltered ``ds_full``, each
    customer's first purchase is taken over their whole history, and only customers whose
    first purchase falls in [``filters.start``, ``filters.end``] are kept (see
    :func:`new_customers`). None when the data has no timestamps or no ``channel`` user column
    (CAC cannot be computed then anyway). ``segmented``: the segment-filtered ``ds_full``
    when the caller already has it.
    """
    seg = segmented if segmented is not None else Filters(segments=filters.segments).apply(ds_full)
    if not seg.has_timestamps or (
        channel not in seg.users.columns and channel not in seg.events.columns
    ):
        return None
    events = seg.events
    if purchase_step is not None and "step" in events.columns:  # join the channel to the buys
        events = events.filter(pl.col("step") == purchase_step)  # only (new_customers reads them)
    return new_customers(
        seg.with_tables(events=events).events_with([channel]),
        channel=channel,
        purchase_step=purchase_step,
        start=filters.start,
        end=filters.end,
    )


def _spend_frame(spend: pl.DataFrame, channel: str, grain: Grain) -> pl.DataFrame:
    require_columns(spend, [channel, "period", "spend"], Fact("value.what.cac"))
    if spend.height and spend["spend"].min() < 0:  # type: ignore[operator]
        raise InputError(Fact("value.error.negative_spend"), Fact("value.hint.negative_spend"))
    return spend.select(
        pl.col(channel).cast(pl.String).fill_null(NONE),
        period_index(pl.col("period").cast(pl.Datetime("us")), grain).alias("_pidx"),
        pl.col("spend").cast(pl.Float64).fill_null(0.0),
    )


def _acquisition_notes(money: str, per_customer: str) -> pl.Expr:
    has_money = pl.col(money) > 0
    has_people = pl.col(per_customer) > 0
    return (
        pl.when(has_money & ~has_people)
        .then(pl.lit(NOTE_SPEND_NO_NEW))
        .when(~has_money & has_people)
        .then(pl.lit(NOTE_NO_SPEND))
        .when(~has_money & ~has_people)
        .then(pl.lit(NOTE_NO_SPEND_NO_NEW))
        .otherwise(pl.lit(None, pl.String))
    )


def cac_by_channel(
    spend: pl.DataFrame,
    customers: pl.DataFrame,
    *,
    channel: str = "channel",
    grain: Grain = "month",
    per_period: bool = False,
    purchase_step: str | None = "purchase",
) -> pl.DataFrame:
    """CAC = spend ÷ new customers, per channel (and per period when ``per_period``).

    ``customers``: one row per customer with ``channel`` and ``first_purchase`` (see
    :func:`new_customers`), or events with ``ts``, ``step`` and the channel column. ``grain`` is
    the length of the spend table's periods; only customers whose first purchase falls inside
    the periods covered by the spend table count. Columns: ``channel``, [``period`` (Date)],
    ``spend``, ``new_customers``, ``cac``, ``note``. ``cac`` is None with a note when a channel
    has spend but no new customers, or new customers but no spend (organic, direct).
    """
    check_grain(grain)
    if "first_purchase" not in customers.columns:
        customers = new_customers(customers, channel=channel, purchase_step=purchase_step)
    require_columns(customers, ["user_id", channel, "first_purchase"], Fact("value.what.cac"))
    sp = _spend_frame(spend, channel, grain)
    if sp.height == 0:
        raise InputError(
            Fact("value.error.empty_spend", what=Fact("value.what.cac")),
            Fact("value.hint.add_spend"),
        )
    lo, hi = sp["_pidx"].min(), sp["_pidx"].max()
    new = customers.select(
        pl.col(channel).cast(pl.String).fill_null(NONE),
        period_index(pl.col("first_purchase").cast(pl.Datetime("us")), grain).alias("_pidx"),
        pl.col("user_id"),
    ).filter(pl.col("_pidx").is_between(lo, hi))
    keys = [channel, "_pidx"] if per_period else [channel]
    spend_agg = sp.group_by(keys).agg(pl.col("spend").sum())
    new_agg = new.group_by(keys).agg(
        pl.col("user_id").n_unique().cast(pl.Int64).alias("new_customers")
    )
    out = (
        spend_agg.join(new_agg, on=keys, how="full", coalesce=True)
        .with_columns(pl.col("spend").fill_null(0.0), pl.col("new_customers").fill_null(0))
        .with_columns(
            pl.when((pl.col("spend") > 0) & (pl.col("new_customers") > 0))
            .then(pl.col("spend") / pl.col("new_customers"))
            .otherwise(None)
            .alias("cac"),
            _acquisition_notes("spend", "new_customers").alias("note"),
        )
    )
    if per_period:
        out = out.with_columns(period_start(pl.col("_pidx"), grain).alias("period"))
        return out.sort(channel, "period").select(
            channel, "period", "spend", "new_customers", "cac", "note"
        )
    return out.sort(channel).select(channel, "spend", "new_customers", "cac", "note")


def payback_months(
    cac: float | None, monthly_revenue_per_customer: float | None, *, margin: float = 1.0
) -> float | None:
    """CAC payback (months) = CAC ÷ (monthly revenue per customer × gross margin).

    None when CAC is unknown or the monthly gross revenue is not positive.
    """
    if not 0 < margin <= 1:
        raise InputError(Fact("value.error.margin", margin=margin))
    if cac is None or monthly_revenue_per_customer is None:
        return None
    gross = monthly_revenue_per_customer * margin
    return cac / gross if gross > 0 else None


def monthly_revenue_per_customer(
    events: pl.DataFrame, *, purchase_step: str | None = "purchase"
) -> float | None:
    """Revenue ÷ customers ÷ months covered by the purchases (at least one month)."""
    need_revenue(events, Fact("value.what.monthly_revenue"))
    per = orders_per_customer(events, purchase_step=purchase_step)
    if per.height == 0:
        return None
    span = per.select(
        (pl.col("last_purchase").max() - pl.col("first_purchase").min()).dt.total_seconds()
    ).item()
    return monthly_from_counts(float(per["revenue"].sum()), per.height, (span or 0) / 86400)


def monthly_from_counts(revenue: float, customers: int, span_days: float) -> float | None:
    """Revenue ÷ customers ÷ months of ``span_days`` (first to last purchase, at least one
    month); None without customers."""
    if customers == 0:
        return None
    months = max(1.0, span_days / DAYS_PER_MONTH)
    return revenue / customers / months


def clv_cac(
    cac_table: pl.DataFrame,
    clv: float | pl.DataFrame,
    *,
    channel: str = "channel",
    monthly_revenue: float | None = None,
    margin: float = 1.0,
) -> pl.DataFrame:
    """CLV / CAC per channel, with ``meets_guide`` = ratio ≥ :data:`GUIDE_RATIO` (3).

    ``clv`` is one value for every channel or a frame with ``channel`` and ``clv`` columns
    (and optionally ``monthly_revenue``: each channel's own monthly revenue per customer).
    payback_months = cac ÷ (monthly revenue per customer × margin), with the channel's own
    monthly revenue when the frame has it, else ``monthly_revenue`` (one for all channels).
    Columns: ``channel``, ``cac``, ``clv``, ``clv_cac``, ``meets_guide``, ``payback_months``,
    ``note``.
    """
    base = cac_table.select(channel, "cac", "note")
    one = pl.lit(monthly_revenue, pl.Float64)
    if isinstance(clv, pl.DataFrame):
        require_columns(clv, [channel, "clv"], Fact("value.what.clv_cac"))
        own = (
            pl.col("monthly_revenue").cast(pl.Float64) if "monthly_revenue" in clv.columns else one
        )
        base = base.join(
            clv.select(
                pl.col(channel).cast(pl.String),
                pl.col("clv").cast(pl.Float64),
                own.alias("_monthly"),
            ),
            on=channel,
            how="left",
        )
    else:
        base = base.with_columns(pl.lit(float(clv), pl.Float64).alias("clv"), one.alias("_monthly"))
    if not 0 < margin <= 1:
        raise InputError(Fact("value.error.margin", margin=margin))
    gross = pl.col("_monthly").fill_null(one) * margin
    ratio = pl.when(pl.col("cac") > 0).then(pl.col("clv") / pl.col("cac")).otherwise(None)
    return base.with_columns(ratio.alias("clv_cac")).select(
        channel,
        "cac",
        "clv",
        "clv_cac",
        (pl.col("clv_cac") >= GUIDE_RATIO).alias("meets_guide"),
        pl.when(gross > 0).then(pl.col("cac") / gross).otherwise(None).alias("payback_months"),
        pl.when(pl.col("clv").is_null())
        .then(pl.lit(NOTE_NO_CLV))
        .otherwise(pl.col("note"))
        .alias("note"),
    )


def roas(
    spend: pl.DataFrame,
    events: pl.DataFrame,
    *,
    channel: str = "channel",
    grain: Grain = "month",
    purchase_step: str | None = "purchase",
) -> pl.DataFrame:
    """ROAS = attributable revenue ÷ spend, per channel.

    Attributable revenue = revenue of purchase events, inside the periods covered by the spend
    table, of users whose ``channel`` (a user attribute joined onto the events) is that channel.
    Columns: ``channel``, ``spend``, ``revenue``, ``roas``, ``note`` (None when ROAS exists).
    """
    check_grain(grain)
    what = Fact("value.what.roas")
    need_revenue(events, what)
    require_columns(events, ["ts", channel], what)
    sp = _spend_frame(spend, channel, grain)
    if sp.height == 0:
        raise InputError(
            Fact("value.error.empty_spend", what=Fact("value.what.roas")),
            Fact("value.hint.add_spend"),
        )
    lo, hi = sp["_pidx"].min(), sp["_pidx"].max()
    buys = purchase_events(events, purchase_step, what).filter(
        period_index(pl.col("ts"), grain).is_between(lo, hi)
    )
    rev = buys.group_by(pl.col(channel).cast(pl.String).fill_null(NONE)).agg(
        pl.col("revenue").sum().cast(pl.Float64)
    )
    out = (
        sp.group_by(channel)
        .agg(pl.col("spend").sum())
        .join(rev, on=channel, how="full", coalesce=True)
        .with_columns(pl.col("spend").fill_null(0.0), pl.col("revenue").fill_null(0.0))
    )
    has_spend = pl.col("spend") > 0
    return out.sort(channel).select(
        channel,
        "spend",
        "revenue",
        pl.when(has_spend).then(pl.col("revenue") / pl.col("spend")).otherwise(None).alias("roas"),
        pl.when(has_spend).then(None).otherwise(pl.lit(NOTE_NO_SPEND)).alias("note"),
    )
