"""Customer value: AOV, revenue per customer, CLV (classic and observed), CAC, ROAS, payback.

Orders are distinct ``order_id`` values when the events have that column (events without one
count one order each), else purchase events; revenue is the sum of ``revenue`` over purchase
events. ``purchase_step=None`` treats every event as a purchase (an orders table). Money is in
the file's currency; rates and ratios are plain numbers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import polars as pl

from kpi.dataset import Dataset
from kpi.definitions import Definition
from kpi.errors import InputError, SchemaError
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
from kpi.reasons import sentence
from kpi.retention import (
    RepeatPurchase,
    no_purchase_note,
    orders_per_customer,
    purchase_events,
    repeat_purchase_rate,
)
from kpi.segments import NONE

GUIDE_RATIO = 3.0  # the usual rule of thumb: CLV should be at least 3 × CAC
DEFAULT_YEARS = 3.0  # years of relationship used when the data is too short to observe them
DAYS_PER_YEAR = 365.25
DAYS_PER_MONTH = DAYS_PER_YEAR / 12
NO_CHANNEL = "(all)"  # kpi.schema's channel of a spend file without a channel column
#: a customer is observed for at least this many days when rating their purchases per year,
#: so that a customer first seen on the last day of the data does not count × 365
MIN_OBSERVED_DAYS = 30.0
#: below a year of data the yearly purchase rate is an extrapolation (the headline says so)
FULL_YEAR_DAYS = 365.0

DEFINITIONS: dict[str, Definition] = {
    "aov": Definition("Average order value", "Revenue ÷ orders.", "currency", "value"),
    "revenue_per_customer": Definition(
        "Revenue per customer", "Revenue ÷ customers with at least one order.", "currency", "value"
    ),
    "top_customer_share": Definition(
        "Top-customer revenue share",
        "Revenue of the top 10 % of customers (by revenue) ÷ total revenue.",
        "rate",
        "value",
    ),
    "clv": Definition(
        "Customer lifetime value (CLV)",
        "Average order value × purchases per customer per year × years of relationship; "
        "purchases per year from each customer's observed history (repeat orders per "
        "customer-year observed, + 1 ÷ years for the first purchase).",
        "currency",
        "value",
    ),
    "observed_clv": Definition(
        "Observed CLV",
        "Cumulative revenue of a first-purchase cohort up to month N ÷ customers in the cohort.",
        "currency",
        "value",
    ),
    "cac": Definition(
        "Customer acquisition cost (CAC)",
        "Spend of a channel ÷ new customers it brought in the same period (customers whose "
        "first-ever purchase falls in the period; earlier buyers who come back are not new).",
        "currency",
        "value",
    ),
    "clv_cac": Definition(
        "CLV / CAC",
        "Customer lifetime value ÷ customer acquisition cost (3 or more is the usual guide).",
        "ratio",
        "value",
    ),
    "payback": Definition(
        "CAC payback",
        "CAC ÷ monthly gross revenue per customer: months for a customer to repay their cost.",
        "months",
        "value",
    ),
    "roas": Definition(
        "Return on ad spend (ROAS)",
        "Revenue in the period of all customers from a channel (new and returning) ÷ spend of "
        "that channel in the same period.",
        "ratio",
        "value",
    ),
}


def _need_revenue(events: pl.DataFrame, what: str) -> None:
    if "revenue" not in events.columns:
        raise SchemaError(
            f"{what} needs order amounts, and the data has no revenue column.",
            "Map a column (total, amount, price…) to the revenue role on the data page.",
        )


# ---------------------------------------------------------------- simple value KPIs


@dataclass(frozen=True)
class Aov:
    """aov = revenue ÷ orders (None without orders)."""

    revenue: float
    orders: int
    aov: float | None
    explanation: str


def aov(events: pl.DataFrame, *, purchase_step: str | None = "purchase") -> Aov:
    """Average order value = revenue ÷ orders."""
    _need_revenue(events, "Average order value")
    buys = purchase_events(events, purchase_step, "Average order value")
    if buys.height == 0:
        return Aov(0.0, 0, None, no_purchase_note(events, purchase_step))
    per = orders_per_customer(buys, purchase_step=None)
    orders = int(per["orders"].sum())
    revenue = float(per["revenue"].sum())
    value = revenue / orders
    return Aov(revenue, orders, value, f"{revenue:,.2f} of revenue over {orders:,} orders.")


@dataclass(frozen=True)
class RevenuePerCustomer:
    """value = revenue ÷ customers (None without customers)."""

    revenue: float
    customers: int
    value: float | None
    explanation: str


def revenue_per_customer(
    events: pl.DataFrame, *, purchase_step: str | None = "purchase"
) -> RevenuePerCustomer:
    """Revenue per customer = revenue ÷ customers with at least one order."""
    _need_revenue(events, "Revenue per customer")
    per = orders_per_customer(events, purchase_step=purchase_step)
    if per.height == 0:
        return RevenuePerCustomer(0.0, 0, None, no_purchase_note(events, purchase_step))
    revenue = float(per["revenue"].sum())
    value = revenue / per.height
    return RevenuePerCustomer(
        revenue, per.height, value, f"{revenue:,.2f} of revenue from {per.height:,} customers."
    )


@dataclass(frozen=True)
class TopCustomerShare:
    """share = revenue of the top ``top_customers`` customers ÷ revenue of all customers."""

    top: float
    top_customers: int
    customers: int
    top_revenue: float
    revenue: float
    share: float | None
    explanation: str


def top_customer_share(
    events: pl.DataFrame, top: float = 0.1, *, purchase_step: str | None = "purchase"
) -> TopCustomerShare:
    """Share of revenue from the top ``top`` fraction of customers ranked by revenue.

    The top group has ceil(top × customers) customers (at least one).
    """
    if not 0 < top <= 1:
        raise InputError("The top share must be between 0 and 1 (0.1 = top 10 %).", "")
    _need_revenue(events, "Top-customer share")
    per = orders_per_customer(events, purchase_step=purchase_step)
    n = per.height
    if n == 0:
        return TopCustomerShare(top, 0, 0, 0.0, 0.0, None, no_purchase_note(events, purchase_step))
    k = max(1, math.ceil(top * n - 1e-9))
    revenue = float(per["revenue"].sum())
    top_revenue = float(per["revenue"].top_k(k).sum())
    if revenue <= 0:
        return TopCustomerShare(
            top, k, n, top_revenue, revenue, None, "Total revenue is zero, so no share exists."
        )
    share = top_revenue / revenue
    return TopCustomerShare(
        top, k, n, top_revenue, revenue, share,
        f"The top {k:,} of {n:,} customers bring {share:.1%} of revenue.",
    )  # fmt: skip


# ---------------------------------------------------------------- CLV


@dataclass(frozen=True)
class Clv:
    """clv = aov × purchases_per_year × years; each factor kept for display."""

    aov: float
    purchases_per_year: float
    years: float
    clv: float
    formula: str


def clv_classic(aov: float, purchases_per_year: float, years: float) -> Clv:
    """Classic CLV = average order value × purchases per year × years of relationship."""
    for name, value in (("AOV", aov), ("purchases per year", purchases_per_year), ("years", years)):
        if value is None or not math.isfinite(value) or value < 0:
            raise InputError(f"The {name} must be a number of 0 or more (got {value}).", "")
    clv = aov * purchases_per_year * years
    formula = (
        f"CLV = AOV × purchases per year × years = {aov:,.2f} × {purchases_per_year:,.2f} × "
        f"{years:g} = {clv:,.2f}"
    )
    return Clv(aov, purchases_per_year, years, clv, formula)


@dataclass(frozen=True)
class ClvInputs:
    """CLV factors estimated from the data; ``years`` may be replaced by the caller.

    From each customer's observed history: ``repeat_per_year`` = Σ repeat orders (orders after
    the first) ÷ Σ customer-years observed, each customer observed from their first purchase
    to the end of the data (the last event), at least :data:`MIN_OBSERVED_DAYS` days.
    purchases_per_year = repeat_per_year + 1 ÷ years: the first purchase spread over the years
    of relationship, so that AOV × purchases_per_year × years = AOV × (1 + repeat_per_year ×
    years), the expected orders of a customer's relationship. (Counting the first purchase in
    the rate over the time after it would inflate it for recent customers.)
    ``observed_days``: the data's window (first to last event); ``extrapolated_days``: that
    window when it is shorter than a year (the yearly rate is then an extrapolation from that
    many days, and the headline must say so), else None.
    ``years_source``: "given", "observed" (mean first-to-last purchase span, used only when the
    data covers at least ``default_years``) or "default".
    """

    aov: float | None
    purchases_per_year: float | None
    years: float
    years_source: str
    customers: int
    orders: int
    span_days: float
    observed_years: float | None
    explanation: str
    customer_years: float = 0.0
    observed_days: float = 0.0
    extrapolated_days: float | None = None
    repeat_per_year: float | None = None

    def per_year(self, years: float) -> float | None:
        """Purchases per year for a relationship of ``years``: repeat rate + 1 ÷ years."""
        if self.repeat_per_year is None or years <= 0:
            return self.purchases_per_year
        return self.repeat_per_year + 1 / years

    def clv(self, years: float | None = None) -> Clv | None:
        """The classic CLV with these factors (``years`` overrides the estimate, and the
        purchases per year follow: repeat rate + 1 ÷ years)."""
        if self.aov is None or self.purchases_per_year is None:
            return None
        y = self.years if years is None else years
        return clv_classic(self.aov, self.per_year(y) or 0.0, y)


def clv_inputs(
    events: pl.DataFrame,
    *,
    purchase_step: str | None = "purchase",
    years: float | None = None,
    default_years: float = DEFAULT_YEARS,
) -> ClvInputs:
    """Estimate AOV, purchases per customer per year and years of relationship from events."""
    _need_revenue(events, "Customer lifetime value")
    require_columns(events, ["ts"], "Customer lifetime value")
    per = orders_per_customer(events, purchase_step=purchase_step)
    if per.height == 0:
        note = no_purchase_note(events, purchase_step)
        return ClvInputs(None, None, years or default_years, "default", 0, 0, 0.0, None, note)
    customers = per.height
    orders = int(per["orders"].sum())
    revenue = float(per["revenue"].sum())
    stats = per.select(
        ((pl.col("last_purchase").max() - pl.col("first_purchase").min()).dt.total_seconds())
        .truediv(86400)
        .alias("span"),
        (
            (pl.col("last_purchase") - pl.col("first_purchase")).dt.total_seconds().mean() / 86400
        ).alias("life"),
    ).row(0, named=True)
    span_days = float(stats["span"] or 0.0)
    observed_years = (stats["life"] or 0.0) / DAYS_PER_YEAR
    start, end = events.select(pl.col("ts").min().alias("a"), pl.col("ts").max().alias("b")).row(0)
    observed_days = (end - start).total_seconds() / 86400 if start is not None else 0.0
    customer_years = _customer_years(per, end)
    notes = []
    if years is not None:
        chosen, source = years, "given"
    elif span_days / DAYS_PER_YEAR >= default_years and observed_years > 0:
        chosen, source = observed_years, "observed"
    else:
        chosen, source = default_years, "default"
    extrapolated = repeat = freq = None
    if observed_days < 1:
        notes.append("The data covers less than a day, so a yearly rate cannot be estimated.")
    else:
        repeats = orders - customers
        repeat = repeats / customer_years
        freq = repeat + 1 / chosen
        notes.append(
            f"Purchases per year from each customer's own history: {repeats:,} repeat orders "
            f"over {customer_years:,.1f} customer-years observed (each customer from their first "
            f"purchase to the end of the data, at least {MIN_OBSERVED_DAYS:g} days) = "
            f"{repeat:.2f} a year, + the first purchase over {chosen:g} years = {freq:.2f} per "
            "year."
        )
        if observed_days < FULL_YEAR_DAYS:
            extrapolated = observed_days
            notes.append(
                f"The data covers {observed_days:.0f} days: the yearly rate is extrapolated "
                f"from {observed_days:.0f} days."
            )
    if source == "observed":
        notes.append(f"Years of relationship observed: {observed_years:.2f}.")
    elif source == "default":
        notes.append(
            f"The data covers {span_days / DAYS_PER_YEAR:.1f} years, too short to observe "
            f"relationships; {default_years:g} years assumed (change it if you know better)."
        )
    return ClvInputs(
        revenue / orders, freq, chosen, source, customers, orders, span_days, observed_years,
        " ".join(notes), customer_years, observed_days, extrapolated, repeat,
    )  # fmt: skip


def _exposure_days(end: object) -> pl.Expr:
    """Days each customer was observed: first purchase to ``end``, at least the minimum."""
    return (
        ((pl.lit(end) - pl.col("first_purchase")).dt.total_seconds(fractional=True) / 86400)
        .clip(lower_bound=MIN_OBSERVED_DAYS)
        .alias("observed_days")
    )


def _customer_years(per: pl.DataFrame, end: object) -> float:
    """Σ over customers of the years observed (:func:`_exposure_days` ÷ 365.25)."""
    if per.height == 0 or end is None:
        return 0.0
    return float(per.select(_exposure_days(end).sum())["observed_days"][0]) / DAYS_PER_YEAR


def extrapolation_note(inputs: ClvInputs) -> str | None:
    """ "extrapolated from N days" when the yearly purchase rate comes from under a year of
    data (to sit in the CLV headline), else None."""
    if inputs.extrapolated_days is None:
        return None
    return f"extrapolated from {inputs.extrapolated_days:.0f} days"


def observed_clv(
    events: pl.DataFrame,
    *,
    grain: Grain = "month",
    by: str | None = None,
    purchase_step: str | None = "purchase",
    as_of: datetime | None = None,
) -> pl.DataFrame:
    """Observed CLV curves: cumulative revenue per customer by first-purchase cohort.

    clv(cohort, N) = revenue of the cohort's customers from their first purchase to the end of
    period N after it ÷ cohort_size. Columns: [``by``], ``cohort``, ``cohort_start``,
    ``cohort_size``, ``period``, ``revenue`` (in that period), ``cumulative_revenue``, ``clv``,
    ``complete`` (same period rules as :func:`kpi.retention.cohort_table`).
    """
    check_grain(grain)
    _need_revenue(events, "Observed CLV")
    require_columns(events, ["user_id", "ts"] + ([by] if by else []), "Observed CLV")
    schema: dict[str, pl.DataType] = ({by: pl.String()} if by else {}) | {
        "cohort": pl.String(),
        "cohort_start": pl.Date(),
        "cohort_size": pl.Int64(),
        "period": pl.Int64(),
        "revenue": pl.Float64(),
        "cumulative_revenue": pl.Float64(),
        "clv": pl.Float64(),
        "complete": pl.Boolean(),
    }
    buys = purchase_events(events, purchase_step, "Observed CLV").filter(pl.col("ts").is_not_null())
    if as_of is None:
        as_of = buys["ts"].max()  # type: ignore[assignment]
        if as_of is None:
            return pl.DataFrame(schema=schema)
    as_of = as_datetime(as_of)
    cols = ["user_id", "ts", "revenue"] + ([by] if by else [])
    buys = buys.lazy().select(cols).filter(pl.col("ts") <= as_of)
    if by:
        buys = buys.with_columns(pl.col(by).cast(pl.String).fill_null(NONE))
    keys = [by] if by else []
    ckeys = [*keys, "_cidx"]
    aggs = [period_index(pl.col("ts").min(), grain).alias("_cidx")]
    if by:
        aggs.append(pl.col(by).sort_by("ts").first())
    anchors = buys.group_by("user_id").agg(aggs)
    sizes = anchors.group_by(ckeys).agg(pl.len().cast(pl.Int64).alias("cohort_size"))
    revenue = (
        buys.select("user_id", "revenue", period_index(pl.col("ts"), grain).alias("_pidx"))
        .join(anchors, on="user_id")
        .group_by(*ckeys, (pl.col("_pidx") - pl.col("_cidx")).alias("period"))
        .agg(pl.col("revenue").sum().cast(pl.Float64))
    )
    last = pl.lit(scalar_index(as_of, grain), pl.Int64) - pl.col("_cidx")
    start_date = period_start(pl.col("_cidx"), grain)
    next_start = period_start(pl.col("_cidx") + pl.col("period") + 1, grain)
    out = (
        sizes.with_columns(pl.int_ranges(0, last + 1).alias("period"))
        .explode("period")
        .with_columns(pl.col("period").cast(pl.Int64))
        .join(revenue, on=[*ckeys, "period"], how="left")
        .with_columns(pl.col("revenue").fill_null(0.0))
        .sort([*ckeys, "period"])
        .with_columns(pl.col("revenue").cum_sum().over(ckeys).alias("cumulative_revenue"))
        .with_columns(
            period_label(start_date, grain).alias("cohort"),
            start_date.alias("cohort_start"),
            (pl.col("cumulative_revenue") / pl.col("cohort_size")).alias("clv"),
            (next_start.cast(pl.Datetime("us")) <= pl.lit(as_of, pl.Datetime("us"))).alias(
                "complete"
            ),
        )
        .select(list(schema))
        .collect()
    )
    return out.cast(schema)  # type: ignore[arg-type]


# ---------------------------------------------------------------- acquisition: CAC, ROAS


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
    require_columns(events, ["user_id", "ts", channel], "New customers")
    buys = purchase_events(events, purchase_step, "New customers").filter(
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
) -> pl.DataFrame | None:
    """The view's new customers, judged on the full history (for CAC under a period filter).

    A date filter cuts events at the period start, so a customer who first bought in June looks
    new in November. Here the segment filters are applied to the unfiltered ``ds_full``, each
    customer's first purchase is taken over their whole history, and only customers whose
    first purchase falls in [``filters.start``, ``filters.end``] are kept (see
    :func:`new_customers`). None when the data has no timestamps or no ``channel`` user column
    (CAC cannot be computed then anyway).
    """
    seg = Filters(segments=filters.segments).apply(ds_full)
    if not seg.has_timestamps or (
        channel not in seg.users.columns and channel not in seg.events.columns
    ):
        return None
    return new_customers(
        seg.events_with([channel]),
        channel=channel,
        purchase_step=purchase_step,
        start=filters.start,
        end=filters.end,
    )


def _spend_frame(spend: pl.DataFrame, channel: str, grain: Grain) -> pl.DataFrame:
    require_columns(spend, [channel, "period", "spend"], "Acquisition cost")
    if spend.height and spend["spend"].min() < 0:  # type: ignore[operator]
        raise InputError(
            "The spend table has negative amounts.", "Check the spend column (refunds?)."
        )
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
        .then(pl.lit("spend but no new customers"))
        .when(~has_money & has_people)
        .then(pl.lit("no spend"))
        .when(~has_money & ~has_people)
        .then(pl.lit("no spend and no new customers"))
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
    require_columns(customers, ["user_id", channel, "first_purchase"], "Acquisition cost")
    sp = _spend_frame(spend, channel, grain)
    if sp.height == 0:
        raise InputError(
            "The spend table is empty, so acquisition cost cannot be computed.",
            "Add an ad-spend export (channel, period, spend).",
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
        raise InputError("The gross margin must be between 0 and 1 (1 = use revenue).", "")
    if cac is None or monthly_revenue_per_customer is None:
        return None
    gross = monthly_revenue_per_customer * margin
    return cac / gross if gross > 0 else None


def monthly_revenue_per_customer(
    events: pl.DataFrame, *, purchase_step: str | None = "purchase"
) -> float | None:
    """Revenue ÷ customers ÷ months covered by the purchases (at least one month)."""
    _need_revenue(events, "Monthly revenue per customer")
    per = orders_per_customer(events, purchase_step=purchase_step)
    if per.height == 0:
        return None
    span = per.select(
        (pl.col("last_purchase").max() - pl.col("first_purchase").min()).dt.total_seconds()
    ).item()
    months = max(1.0, (span or 0) / 86400 / DAYS_PER_MONTH)
    return float(per["revenue"].sum()) / per.height / months


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
        require_columns(clv, [channel, "clv"], "CLV / CAC")
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
        raise InputError("The gross margin must be between 0 and 1 (1 = use revenue).", "")
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
        .then(pl.lit("no CLV for this channel"))
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
    _need_revenue(events, "ROAS")
    require_columns(events, ["ts", channel], "ROAS")
    sp = _spend_frame(spend, channel, grain)
    if sp.height == 0:
        raise InputError(
            "The spend table is empty, so ROAS cannot be computed.",
            "Add an ad-spend export (channel, period, spend).",
        )
    lo, hi = sp["_pidx"].min(), sp["_pidx"].max()
    buys = purchase_events(events, purchase_step, "ROAS").filter(
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
        pl.when(has_spend).then(None).otherwise(pl.lit("no spend")).alias("note"),
    )


_average_order_value = aov  # value_summary's ``aov`` argument shadows the function

SPEND_HINT = "Upload an ad-spend export with channel, month and spend columns to see CAC."


def clv_by(
    events: pl.DataFrame,
    by: str,
    *,
    years: float | None = None,
    purchase_step: str | None = "purchase",
    default_years: float = DEFAULT_YEARS,
) -> pl.DataFrame:
    """Classic CLV per segment value (e.g. per acquisition channel).

    clv(s) = aov(s) × purchases_per_year(s) × years, with aov(s) = revenue ÷ orders of the
    segment's customers, purchases_per_year(s) = the segment's repeat orders ÷ its
    customer-years observed (each customer from first purchase to the end of the data, at least
    :data:`MIN_OBSERVED_DAYS`) + 1 ÷ years, as :func:`clv_inputs`, and the shop-wide years.
    A customer takes the segment value of their first purchase. Columns: ``by``,
    ``customers``, ``orders``, ``revenue``, ``aov``, ``purchases_per_year``, ``years``, ``clv``,
    ``monthly_revenue`` (revenue ÷ customers ÷ months covered by all purchases, at least one:
    the segment's own :func:`monthly_revenue_per_customer`, used for its CAC payback).
    """
    _need_revenue(events, "CLV by segment")
    require_columns(events, ["user_id", by], "CLV by segment")
    shop = clv_inputs(events, purchase_step=purchase_step, years=years, default_years=default_years)
    buys = purchase_events(events, purchase_step, "CLV by segment")
    if "ts" in buys.columns:
        buys = buys.sort("ts")
    seg = buys.group_by("user_id").agg(pl.col(by).cast(pl.String).fill_null(NONE).first())
    per = orders_per_customer(buys, purchase_step=None).join(seg, on="user_id", how="left")
    span = shop.span_days
    end = events.select(pl.col("ts").max()).item() if "ts" in events.columns else None
    per = per.with_columns(_exposure_days(end) if end is not None else pl.lit(None).alias("observed_days"))  # fmt: skip
    freq = (  # the segment's repeat orders per customer-year observed + 1 ÷ years
        (pl.col("orders") - pl.col("customers")) / (pl.col("observed_days") / DAYS_PER_YEAR)
        + 1 / shop.years
        if shop.purchases_per_year is not None
        else pl.lit(None, pl.Float64)
    )
    return (
        per.group_by(by)
        .agg(
            pl.len().cast(pl.Int64).alias("customers"),
            pl.col("orders").sum().cast(pl.Int64),
            pl.col("revenue").sum(),
            pl.col("observed_days").sum(),
        )
        .with_columns(
            (pl.col("revenue") / pl.col("orders")).alias("aov"),
            freq.alias("purchases_per_year"),
            pl.lit(float(shop.years)).alias("years"),
        )
        .drop("observed_days")
        .with_columns(
            (pl.col("aov") * pl.col("purchases_per_year") * pl.col("years")).alias("clv"),
            (pl.col("revenue") / pl.col("customers") / max(1.0, span / DAYS_PER_MONTH)).alias(
                "monthly_revenue"
            ),
        )
        .sort(by)
    )


@dataclass(frozen=True)
class ValueSummary:
    """Everything the Value page (and the workbook's Value sheet) shows.

    ``inputs``: the CLV factors estimated from the data; ``clv``: the classic CLV with the
    caller's overrides (None without purchases); ``observed``: :func:`observed_clv` by month;
    ``channels``: one row per channel with ``spend``, ``new_customers``, ``cac``, ``revenue``,
    ``roas``, ``clv``, ``clv_cac``, ``meets_guide``, ``payback_months``, ``note`` (None
    without spend, ``spend_note`` says why); ``total``: the same figures over all paid
    channels (``channel`` = "All paid channels"); ``repeat``: the repeat-purchase rate.
    """

    aov: Aov
    revenue_per_customer: RevenuePerCustomer
    top_share: TopCustomerShare
    inputs: ClvInputs
    clv: Clv | None
    clv_basis: str
    observed: pl.DataFrame
    monthly_revenue: float | None
    channels: pl.DataFrame | None
    total: dict[str, float | int | str | None] | None
    spend_note: str | None
    repeat: RepeatPurchase
    channel_clv_note: str | None = None
    spend_reason: str | None = None  # a kpi.reasons code when CAC is not shown


def _channel_table(
    events: pl.DataFrame,
    spend: pl.DataFrame,
    clv: float | pl.DataFrame,
    *,
    channel: str,
    purchase_step: str | None,
    monthly_revenue: float | None,
    margin: float,
    first_purchases: pl.DataFrame | None = None,
) -> tuple[pl.DataFrame, dict[str, float | int | str | None]]:
    customers = events if first_purchases is None else first_purchases
    cac = cac_by_channel(spend, customers, channel=channel, purchase_step=purchase_step)
    ratio = clv_cac(cac, clv, channel=channel, monthly_revenue=monthly_revenue, margin=margin)
    ret = roas(spend, events, channel=channel, purchase_step=purchase_step)
    table = (
        cac.select(channel, "spend", "new_customers", "cac")
        .join(ret.select(channel, "revenue", "roas"), on=channel, how="left")
        .join(ratio.drop("cac"), on=channel, how="left")
        .with_columns(pl.col("revenue").fill_null(0.0))
    )
    paid = table.filter(pl.col("spend") > 0)
    spent = float(paid["spend"].sum())
    new = int(paid["new_customers"].sum())
    revenue = float(paid["revenue"].sum())
    total_cac = spent / new if new else None
    shop_clv = clv if isinstance(clv, float | int) else None
    gross = None if monthly_revenue is None else monthly_revenue * margin
    total: dict[str, float | int | str | None] = {
        channel: "All paid channels",
        "spend": spent,
        "new_customers": new,
        "cac": total_cac,
        "revenue": revenue,
        "roas": revenue / spent if spent else None,
        "clv": shop_clv,
        "clv_cac": shop_clv / total_cac if shop_clv is not None and total_cac else None,
        "payback_months": total_cac / gross if total_cac is not None and gross else None,
    }
    return table, total


def value_summary(
    events: pl.DataFrame,
    spend: pl.DataFrame | None = None,
    *,
    purchase_step: str | None = "purchase",
    aov: float | None = None,
    purchases_per_year: float | None = None,
    years: float | None = None,
    clv_basis: str = "channel",
    channel: str = "channel",
    top: float = 0.1,
    margin: float = 1.0,
    first_purchases: pl.DataFrame | None = None,
) -> ValueSummary:
    """AOV, revenue per customer, top-customer share, CLV (classic with overrides, observed),
    and per channel CAC, ROAS, CLV/CAC and payback.

    ``aov``, ``purchases_per_year``, ``years`` override the estimates of :func:`clv_inputs`
    (the page's editable factors). ``clv_basis``: ``"channel"`` = each channel's own CLV
    (:func:`clv_by`, with the chosen years) or ``"shop"`` = the one classic CLV for every
    channel. ``events`` must carry ``channel`` (``Dataset.events_with(["channel"])``) for the
    channel table.

    Per channel (``"channel"``): each channel's CLV uses its own AOV and purchase frequency; when
    the caller overrides ``aov`` or ``purchases_per_year``, every channel's CLV is scaled by
    override ÷ shop-wide estimate (the same relative change), and each channel's CAC payback
    uses its own monthly revenue per customer. ``channel_clv_note`` says so in words.

    ``first_purchases``: the period's new customers judged on the full history (user_id,
    channel, first_purchase: :func:`new_customers_in_view`). Without it CAC's new customers are
    the first purchases *within* ``events``, which is wrong when ``events`` are cut to a period
    (earlier customers buying again would count as new). ROAS always uses the revenue in
    ``events`` of all the channel's customers, new and returning.
    """
    if clv_basis not in ("channel", "shop"):
        raise InputError(f"Unknown CLV basis '{clv_basis}'.", "Choose 'channel' or 'shop'.")
    inputs = clv_inputs(events, purchase_step=purchase_step, years=years)
    clv = None
    if inputs.aov is not None or aov is not None:
        a = aov if aov is not None else inputs.aov
        f = purchases_per_year if purchases_per_year is not None else inputs.purchases_per_year
        if a is not None and f is not None:
            clv = clv_classic(a, f, inputs.years)
    monthly = monthly_revenue_per_customer(events, purchase_step=purchase_step)
    channels = total = None
    spend_note = channel_note = spend_reason = None
    if spend is None or spend.height == 0:
        spend_note, spend_reason = SPEND_HINT, "no_spend"
    elif channel not in events.columns:
        spend_reason = "customers_without_channel"
        spend_note = "CAC " + sentence(spend_reason) + "."
    elif "channel" not in spend.columns or set(
        spend["channel"].cast(pl.String).fill_null(NO_CHANNEL).unique().to_list()
    ) <= {NO_CHANNEL}:
        spend_reason = "spend_without_channel"  # one total: no spend per channel to divide
        spend_note = "CAC " + sentence(spend_reason) + "."
    elif clv is None:
        spend_reason = "no_purchases"
        spend_note = "CAC needs purchases: " + inputs.explanation
    else:
        per_channel: float | pl.DataFrame = clv.clv
        if clv_basis == "channel":
            scale = 1.0
            changed = []
            if aov is not None and inputs.aov:
                scale *= aov / inputs.aov
                changed.append(f"AOV {aov:,.2f} ÷ {inputs.aov:,.2f}")
            if purchases_per_year is not None and inputs.purchases_per_year:
                scale *= purchases_per_year / inputs.purchases_per_year
                changed.append(
                    f"purchases per year {purchases_per_year:,.2f} ÷ "
                    f"{inputs.purchases_per_year:,.2f}"
                )
            per_channel = clv_by(
                events, channel, years=inputs.years, purchase_step=purchase_step
            ).select(pl.col(channel), pl.col("clv") * scale, "monthly_revenue")
            channel_note = (
                "Per-channel CLV = the channel's own AOV × its own purchases per year × "
                f"{inputs.years:g} years"
                + (
                    f", scaled by your change ({' and '.join(changed)} = × {scale:.3g})."
                    if changed
                    else "."
                )
                + " Payback per channel uses the channel's own monthly revenue per customer."
            )
        channels, total = _channel_table(
            events,
            spend,
            per_channel,
            channel=channel,
            purchase_step=purchase_step,
            monthly_revenue=monthly,
            margin=margin,
            first_purchases=first_purchases,
        )
        total["clv"] = clv.clv
        total["clv_cac"] = clv.clv / total["cac"] if total["cac"] else None  # type: ignore[operator]
    return ValueSummary(
        aov=_average_order_value(events, purchase_step=purchase_step),
        revenue_per_customer=revenue_per_customer(events, purchase_step=purchase_step),
        top_share=top_customer_share(events, top, purchase_step=purchase_step),
        inputs=inputs,
        clv=clv,
        clv_basis=clv_basis,
        observed=observed_clv(events, grain="month", purchase_step=purchase_step),
        monthly_revenue=monthly,
        channels=channels,
        total=total,
        spend_note=spend_note,
        repeat=repeat_purchase_rate(events, purchase_step),
        channel_clv_note=channel_note,
        spend_reason=spend_reason,
    )


__all__ = [
    "DEFAULT_YEARS",
    "DEFINITIONS",
    "GUIDE_RATIO",
    "SPEND_HINT",
    "Aov",
    "Clv",
    "ClvInputs",
    "RevenuePerCustomer",
    "TopCustomerShare",
    "ValueSummary",
    "aov",
    "cac_by_channel",
    "clv_by",
    "clv_cac",
    "clv_classic",
    "clv_inputs",
    "monthly_revenue_per_customer",
    "new_customers",
    "new_customers_in_view",
    "observed_clv",
    "payback_months",
    "revenue_per_customer",
    "roas",
    "top_customer_share",
    "value_summary",
]
