"""Customer lifetime value: the classic formula with factors estimated from the data, observed
CLV curves per first-purchase cohort, and CLV per segment (acquisition channel)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

import polars as pl

from kpi.errors import InputError
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
from kpi.retention.purchases import no_purchase_note, orders_per_customer, purchase_events
from kpi.segments import NONE
from kpi.value.order_value import need_revenue
from kpi.words import Fact

__all__ = [
    "DAYS_PER_MONTH",
    "DAYS_PER_YEAR",
    "DEFAULT_YEARS",
    "FULL_YEAR_DAYS",
    "MIN_OBSERVED_DAYS",
    "Clv",
    "ClvInputs",
    "OrderCounts",
    "clv_by",
    "clv_classic",
    "clv_inputs",
    "extrapolation_note",
    "inputs_from_counts",
    "no_orders",
    "observed_clv",
    "observed_from_counts",
    "sentences",
]

DEFAULT_YEARS = 3.0  # years of relationship used when the data is too short to observe them
DAYS_PER_YEAR = 365.25
DAYS_PER_MONTH = DAYS_PER_YEAR / 12
#: a customer is observed for at least this many days when rating their purchases per year,
#: so that a customer first seen on the last day of the data does not count × 365
MIN_OBSERVED_DAYS = 30.0
#: below a year of data the yearly purchase rate is an extrapolation (the headline says so)
FULL_YEAR_DAYS = 365.0


def sentences(facts: list[Fact]) -> Fact:
    """Several facts read one after the other, as one fact (``value.sentences``)."""
    if len(facts) == 1:
        return facts[0]
    return Fact("value.sentences", first=facts[0], rest=sentences(facts[1:]))


@dataclass(frozen=True)
class Clv:
    """clv = aov × purchases_per_year × years; each factor kept for display. ``formula``: the
    calculation with its figures (a fact)."""

    aov: float
    purchases_per_year: float
    years: float
    clv: float
    formula: Fact


def clv_classic(
    aov: float, purchases_per_year: float, years: float, *, currency: str | None = None
) -> Clv:
    """Classic CLV = average order value × purchases per year × years of relationship."""
    for name, value in (("aov", aov), ("per_year", purchases_per_year), ("years", years)):
        if value is None or not math.isfinite(value) or value < 0:
            raise InputError(
                Fact("value.error.factor", factor=Fact(f"value.factor.{name}"), value=value)
            )
    clv = aov * purchases_per_year * years
    formula = Fact(
        "value.clv.formula",
        aov=aov,
        per_year=purchases_per_year,
        years=float(years),
        clv=clv,
        currency=currency,
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
    ``explanation``: how the factors were estimated (a fact; ``notes`` its sentences).
    """

    aov: float | None
    purchases_per_year: float | None
    years: float
    years_source: str
    customers: int
    orders: int
    span_days: float
    observed_years: float | None
    explanation: Fact
    customer_years: float = 0.0
    observed_days: float = 0.0
    extrapolated_days: float | None = None
    repeat_per_year: float | None = None
    notes: tuple[Fact, ...] = ()
    currency: str | None = None

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
        return clv_classic(self.aov, self.per_year(y) or 0.0, y, currency=self.currency)


def clv_inputs(
    events: pl.DataFrame,
    *,
    purchase_step: str | None = "purchase",
    years: float | None = None,
    default_years: float = DEFAULT_YEARS,
    currency: str | None = None,
) -> ClvInputs:
    """Estimate AOV, purchases per customer per year and years of relationship from events."""
    what = Fact("value.what.clv")
    need_revenue(events, what)
    require_columns(events, ["ts"], what)
    per = orders_per_customer(events, purchase_step=purchase_step)
    if per.height == 0:
        return no_orders(no_purchase_note(events, purchase_step), years, default_years, currency)
    stats = per.select(
        ((pl.col("last_purchase").max() - pl.col("first_purchase").min()).dt.total_seconds())
        .truediv(86400)
        .alias("span"),
        (
            (pl.col("last_purchase") - pl.col("first_purchase")).dt.total_seconds().mean() / 86400
        ).alias("life"),
    ).row(0, named=True)
    start, end = events.select(pl.col("ts").min().alias("a"), pl.col("ts").max().alias("b")).row(0)
    counts = OrderCounts(
        customers=per.height,
        orders=int(per["orders"].sum()),
        revenue=float(per["revenue"].sum()),
        span_days=float(stats["span"] or 0.0),
        life_days=float(stats["life"] or 0.0),
        observed_days=(end - start).total_seconds() / 86400 if start is not None else 0.0,
        customer_years=_customer_years(per, end),
    )
    return inputs_from_counts(counts, years=years, default_years=default_years, currency=currency)


@dataclass(frozen=True)
class OrderCounts:
    """The sums behind :class:`ClvInputs` (an upload's orders per customer, or an engine's
    sums): customers (1+ order), orders, revenue; ``span_days``: first to last purchase of
    all (whole seconds); ``life_days``: the mean over customers of first to last purchase
    (whole seconds); ``observed_days``: first to last event; ``customer_years``: Σ over
    customers of first purchase to the last event, at least :data:`MIN_OBSERVED_DAYS`, in
    years of :data:`DAYS_PER_YEAR`."""

    customers: int
    orders: int
    revenue: float
    span_days: float
    life_days: float
    observed_days: float
    customer_years: float


def no_orders(
    note: Fact,
    years: float | None = None,
    default_years: float = DEFAULT_YEARS,
    currency: str | None = None,
) -> ClvInputs:
    """The :class:`ClvInputs` of data without orders: no factor, ``note`` says why."""
    return ClvInputs(
        None, None, years or default_years, "default", 0, 0, 0.0, None, note,
        notes=(note,), currency=currency,
    )  # fmt: skip


def inputs_from_counts(
    counts: OrderCounts,
    *,
    years: float | None = None,
    default_years: float = DEFAULT_YEARS,
    currency: str | None = None,
) -> ClvInputs:
    """:class:`ClvInputs` of the sums (the rules of :func:`clv_inputs`, for both routes)."""
    customers, orders, revenue = counts.customers, counts.orders, counts.revenue
    span_days, observed_days = counts.span_days, counts.observed_days
    customer_years = counts.customer_years
    observed_years = counts.life_days / DAYS_PER_YEAR
    notes: list[Fact] = []
    if years is not None:
        chosen, source = years, "given"
    elif span_days / DAYS_PER_YEAR >= default_years and observed_years > 0:
        chosen, source = observed_years, "observed"
    else:
        chosen, source = default_years, "default"
    extrapolated = repeat = freq = None
    if observed_days < 1:
        notes.append(Fact("value.clv.under_a_day"))
    else:
        repeats = orders - customers
        repeat = repeats / customer_years
        freq = repeat + 1 / chosen
        notes.append(
            Fact(
                "value.clv.per_year",
                repeats=repeats,
                customer_years=customer_years,
                min_days=MIN_OBSERVED_DAYS,
                repeat=repeat,
                years=float(chosen),
                per_year=freq,
            )
        )
        if observed_days < FULL_YEAR_DAYS:
            extrapolated = observed_days
            notes.append(Fact("value.clv.extrapolated", days=observed_days))
    if source == "observed":
        notes.append(Fact("value.clv.years_observed", years=observed_years))
    elif source == "default":
        notes.append(
            Fact(
                "value.clv.years_default",
                span_years=span_days / DAYS_PER_YEAR,
                years=float(default_years),
            )
        )
    return ClvInputs(
        revenue / orders, freq, chosen, source, customers, orders, span_days, observed_years,
        sentences(notes), customer_years, observed_days, extrapolated, repeat, tuple(notes),
        currency,
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


def extrapolation_note(inputs: ClvInputs) -> Fact | None:
    """ "extrapolated from N days" (``value.clv.extrapolated_short``) when the yearly purchase
    rate comes from under a year of data (to sit in the CLV headline), else None."""
    if inputs.extrapolated_days is None:
        return None
    return Fact("value.clv.extrapolated_short", days=inputs.extrapolated_days)


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
    what = Fact("value.what.observed_clv")
    need_revenue(events, what)
    require_columns(events, ["user_id", "ts"] + ([by] if by else []), what)
    schema = _observed_schema(by)
    buys = purchase_events(events, purchase_step, what).filter(pl.col("ts").is_not_null())
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
    return observed_from_counts(sizes, revenue, as_of, grain=grain, by=by)


def observed_from_counts(
    sizes: pl.LazyFrame | pl.DataFrame,
    revenue: pl.LazyFrame | pl.DataFrame,
    as_of: datetime,
    *,
    grain: Grain = "month",
    by: str | None = None,
) -> pl.DataFrame:
    """:func:`observed_clv`'s table from the sums (an upload's or an engine's): ``sizes``
    ([``by``], ``_cidx``: the cohort's :func:`kpi.periods.period_index`, ``cohort_size``) and
    ``revenue`` ([``by``], ``_cidx``, ``period``, ``revenue``: summed over the cohort's
    purchases N periods after it); ``as_of``: the last purchase time."""
    schema = _observed_schema(by)
    keys = [by] if by else []
    ckeys = [*keys, "_cidx"]
    sizes, revenue = sizes.lazy(), revenue.lazy()
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


def _observed_schema(by: str | None) -> dict[str, pl.DataType]:
    return ({by: pl.String()} if by else {}) | {
        "cohort": pl.String(),
        "cohort_start": pl.Date(),
        "cohort_size": pl.Int64(),
        "period": pl.Int64(),
        "revenue": pl.Float64(),
        "cumulative_revenue": pl.Float64(),
        "clv": pl.Float64(),
        "complete": pl.Boolean(),
    }


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
    what = Fact("value.what.clv_by")
    need_revenue(events, what)
    require_columns(events, ["user_id", by], what)
    shop = clv_inputs(events, purchase_step=purchase_step, years=years, default_years=default_years)
    buys = purchase_events(events, purchase_step, what)
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
