"""The Value page's figures of an :class:`~kpi.engine.view.EngineView`, from engine sums.

:func:`kpi.value.value_summary` reads an upload's orders per customer; here the engine sums
them where the data lives and only sums come back: the customers, orders and revenue of the
view's purchases (AOV, revenue per customer, repeat purchase), the times behind the CLV
factors (first to last purchase, each customer's first-to-last span and observed time, as
:class:`kpi.value.clv.OrderCounts`), the revenue of the top 10 % customers (one sum), the
observed-CLV sums per first-purchase cohort × month, and the distribution of revenue per
customer as counts per bucket (:func:`value_histogram`). The rules and words are
:mod:`kpi.value`'s builders (``aov_from_counts``, ``inputs_from_counts``,
``observed_from_counts``...), the ones the uploads use.

Not here: CAC, ROAS, CLV ÷ CAC and payback need the ad-spend file, which a connected event
table does not hold (:data:`NO_SPEND`: the page says so and what to do).

Orders: distinct order ids plus purchase events without one (as
:func:`kpi.retention.purchases.orders_per_customer`). Times are whole microseconds
(:func:`kpi.engine.view.epoch_us`), as every engine computes them alike.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import narwhals as nw
import polars as pl

from kpi.engine.frame import collect
from kpi.words import Fact

if TYPE_CHECKING:
    from kpi.engine.view import EngineView
    from kpi.value import ClvInputs, ValueSummary

__all__ = [
    "NO_SPEND",
    "Histogram",
    "order_counts",
    "value_histogram",
    "value_inputs",
    "value_summary",
]

#: why CAC and ROAS are not shown on a connected table (a catalogue code)
NO_SPEND = "value.connected.no_spend"
_US_PER_DAY = 86_400_000_000
_US_PER_SECOND = 1_000_000


def _purchases(view: EngineView, purchase_step: str) -> nw.LazyFrame:
    return view._events(view.filters).filter(nw.col("step") == purchase_step)


def per_customer(view: EngineView, purchase_step: str) -> nw.LazyFrame:
    """One row per customer of the view, in the engine (never brought back): ``user_id``,
    ``orders``, ``revenue``, ``first_us``, ``last_us`` (first / last purchase in µs)."""
    from kpi.engine.view import epoch_us

    buys = _purchases(view, purchase_step)
    has_revenue = "revenue" in view.table.columns
    buys = buys.with_columns(
        _us=epoch_us(nw.col("ts")),
        _rev=nw.col("revenue").cast(nw.Float64) if has_revenue else nw.lit(0.0),
    )
    sums = buys.group_by("user_id").agg(
        nw.col("_rev").sum().alias("revenue"),
        nw.col("_us").min().alias("first_us"),
        nw.col("_us").max().alias("last_us"),
    )
    if "order_id" not in view.table.columns:
        counted = buys.group_by("user_id").agg(nw.len().cast(nw.Int64).alias("orders"))
    else:  # distinct order ids + purchase events without one (engines count nulls apart)
        with_id = (
            buys.filter(~nw.col("order_id").is_null())
            .group_by("user_id")
            .agg(nw.col("order_id").n_unique().cast(nw.Int64).alias("orders"))
        )
        without = (
            buys.filter(nw.col("order_id").is_null())
            .group_by("user_id")
            .agg(nw.len().cast(nw.Int64).alias("orders"))
        )
        counted = (
            nw.concat([with_id, without])
            .group_by("user_id")
            .agg(nw.col("orders").sum().cast(nw.Int64))
        )
    sums = sums.with_columns(nw.col("revenue").fill_null(0.0))  # no amount: 0, as an upload
    return sums.join(counted, on="user_id", how="inner")


def _num(value: object) -> float:
    return 0.0 if value is None else float(value)  # type: ignore[arg-type]


@dataclass(frozen=True)
class _Sums:
    customers: int
    repeat: int
    orders: int
    revenue: float
    first_us: int | None
    last_us: int | None
    life_s: float
    start_us: int | None
    end_us: int | None
    exposure_days: float


def _sums(view: EngineView, purchase_step: str) -> _Sums:
    """The sums of the view's customers (two queries: the events' first and last time, then
    the customers' sums with the last event time as a literal)."""
    from kpi.engine.view import epoch_us
    from kpi.value.clv import MIN_OBSERVED_DAYS

    def compute() -> _Sums:
        span = collect(
            view._events(view.filters).select(
                epoch_us(nw.col("ts")).min().alias("a"), epoch_us(nw.col("ts")).max().alias("b")
            )
        ).row(0, named=True)
        start_us, end_us = span["a"], span["b"]
        per = per_customer(view, purchase_step)
        end = nw.lit(int(end_us if end_us is not None else 0), nw.Int64)
        exposure = (end - nw.col("first_us")).cast(nw.Float64) / _US_PER_DAY
        exposure = nw.when(exposure < MIN_OBSERVED_DAYS).then(MIN_OBSERVED_DAYS).otherwise(exposure)
        got = collect(
            per.select(
                nw.len().alias("customers"),
                (nw.col("orders") >= 2).cast(nw.Int64).sum().alias("repeat"),
                nw.col("orders").sum().alias("orders"),
                nw.col("revenue").sum().alias("revenue"),
                nw.col("first_us").min().alias("first_us"),
                nw.col("last_us").max().alias("last_us"),
                # whole seconds, as an upload's durations are read (total_seconds)
                ((nw.col("last_us") - nw.col("first_us")) // _US_PER_SECOND)
                .cast(nw.Float64)
                .mean()
                .alias("life_s"),
                exposure.sum().alias("exposure"),
            )
        ).row(0, named=True)
        return _Sums(
            int(got["customers"] or 0),
            int(got["repeat"] or 0),
            int(got["orders"] or 0),
            _num(got["revenue"]),
            None if got["first_us"] is None else int(got["first_us"]),
            None if got["last_us"] is None else int(got["last_us"]),
            _num(got["life_s"]),
            None if start_us is None else int(start_us),
            None if end_us is None else int(end_us),
            _num(got["exposure"]),
        )

    return view.memo(f"value|sums|{purchase_step}|{view.filters.key()}", compute)


def order_counts(view: EngineView, purchase_step: str) -> object:
    """:class:`kpi.value.clv.OrderCounts` of the view's purchases (None without customers)."""
    from kpi.value.clv import DAYS_PER_YEAR, OrderCounts

    s = _sums(view, purchase_step)
    if not s.customers:
        return None
    span_us = (s.last_us or 0) - (s.first_us or 0)
    observed_us = (s.end_us or 0) - (s.start_us or 0)
    return OrderCounts(
        customers=s.customers,
        orders=s.orders,
        revenue=s.revenue,
        span_days=float(span_us // _US_PER_SECOND) / 86400,
        life_days=s.life_s / 86400,
        observed_days=observed_us / _US_PER_DAY,
        customer_years=s.exposure_days / DAYS_PER_YEAR,
    )


def _no_orders_note(view: EngineView, purchase_step: str) -> Fact:
    """Why the view has no customers, as :func:`kpi.retention.purchases.no_purchase_note`
    says it for an upload (the table's steps, no rows)."""
    from kpi.retention.purchases import no_purchase_note

    if not view.size()[1]:
        return Fact("retention.note.no_customers")
    steps = pl.DataFrame({"step": view.event_steps}, schema={"step": pl.String})
    return no_purchase_note(steps, purchase_step)


def _need_revenue(view: EngineView) -> None:
    from kpi.value.order_value import need_revenue

    need_revenue(
        pl.DataFrame(schema=dict.fromkeys(view.table.columns, pl.String)), Fact("value.what.clv")
    )


def value_inputs(
    view: EngineView, *, purchase_step: str, years: float | None = None, currency: str | None = None
) -> ClvInputs:
    """The CLV factors estimated from the view's orders (:func:`kpi.value.clv_inputs`)."""
    from kpi.value.clv import inputs_from_counts, no_orders

    _need_revenue(view)
    counts = order_counts(view, purchase_step)
    if counts is None:
        return no_orders(_no_orders_note(view, purchase_step), years, currency=currency)
    return inputs_from_counts(counts, years=years, currency=currency)  # type: ignore[arg-type]


def _top_revenue(view: EngineView, purchase_step: str, k: int) -> float:
    def compute() -> float:
        per = per_customer(view, purchase_step).select("revenue")
        top = per.sort("revenue", descending=True, nulls_last=True).head(k)
        return _num(collect(top.select(nw.col("revenue").sum()))["revenue"][0])

    return view.memo(f"value|top|{purchase_step}|{k}|{view.filters.key()}", compute)


def observed(view: EngineView, purchase_step: str) -> pl.DataFrame:
    """:func:`kpi.value.observed_clv` by month of the first purchase, from engine sums."""
    from kpi.engine.view import period_index
    from kpi.value.clv import _observed_schema, observed_from_counts

    def compute() -> pl.DataFrame:
        buys = _purchases(view, purchase_step).filter(~nw.col("ts").is_null())
        rev = nw.col("revenue").cast(nw.Float64) if "revenue" in view.table.columns else nw.lit(0.0)
        buys = buys.with_columns(_pidx=period_index(nw.col("ts"), "month"), _rev=rev)
        anchors = buys.group_by("user_id").agg(nw.col("_pidx").min().alias("_cidx"))
        sizes = collect(anchors.group_by("_cidx").agg(nw.len().cast(nw.Int64).alias("cohort_size")))
        revenue = collect(
            buys.join(anchors, on="user_id", how="inner")
            .with_columns((nw.col("_pidx") - nw.col("_cidx")).alias("period"))
            .group_by("_cidx", "period")
            .agg(nw.col("_rev").sum().alias("revenue"))
        )
        last = _sums(view, purchase_step).last_us
        if sizes.height == 0 or last is None:
            return pl.DataFrame(schema=_observed_schema(None))
        as_of = datetime(1970, 1, 1) + timedelta(microseconds=last)
        sizes = sizes.with_columns(
            pl.col("_cidx").cast(pl.Int64), pl.col("cohort_size").cast(pl.Int64)
        )
        revenue = revenue.with_columns(
            pl.col("_cidx").cast(pl.Int64),
            pl.col("period").cast(pl.Int64),
            pl.col("revenue").cast(pl.Float64),
        )
        return observed_from_counts(sizes, revenue, as_of, grain="month")

    return view.memo(f"value|observed|{purchase_step}|{view.filters.key()}", compute)


def value_summary(
    view: EngineView,
    *,
    purchase_step: str,
    aov: float | None = None,
    purchases_per_year: float | None = None,
    years: float | None = None,
    clv_basis: str = "channel",
    currency: str | None = None,
    top: float = 0.1,
) -> ValueSummary:
    """The Value page's :class:`kpi.value.ValueSummary` of the view: every figure but the
    acquisition table (``channels`` and ``total`` None, ``spend_note`` :data:`NO_SPEND`)."""
    from kpi.retention.purchases import repeat_from_counts
    from kpi.value.acquisition import monthly_from_counts
    from kpi.value.order_value import (
        aov_from_counts,
        revenue_per_customer_from_counts,
        top_customers,
        top_share_from_counts,
    )
    from kpi.value.summary import ValueSummary, classic_clv

    inputs = value_inputs(view, purchase_step=purchase_step, years=years, currency=currency)
    s = _sums(view, purchase_step)
    note = None if s.customers else _no_orders_note(view, purchase_step)
    counts = order_counts(view, purchase_step)
    top_revenue = (
        _top_revenue(view, purchase_step, top_customers(top, s.customers)) if s.customers else 0.0
    )
    monthly = (
        monthly_from_counts(s.revenue, s.customers, counts.span_days)  # type: ignore[attr-defined]
        if counts is not None
        else None
    )
    return ValueSummary(
        aov=aov_from_counts(s.revenue, s.orders, note, currency),
        revenue_per_customer=revenue_per_customer_from_counts(
            s.revenue, s.customers, note, currency
        ),
        top_share=top_share_from_counts(top, s.customers, top_revenue, s.revenue, note),
        inputs=inputs,
        clv=classic_clv(inputs, aov, purchases_per_year, currency),
        clv_basis=clv_basis,
        observed=observed(view, purchase_step),
        monthly_revenue=monthly,
        channels=None,
        total=None,
        spend_note=Fact(NO_SPEND),
        repeat=repeat_from_counts(s.customers, s.repeat, note),
        spend_reason="no_spend",
        currency=currency,
    )


@dataclass(frozen=True)
class Histogram:
    """Customers per bucket of revenue per customer: ``frame`` has ``low``, ``high`` (the
    bucket [low, high), the last one closed), ``customers``, ``open`` (True for the last
    bucket when it gathers a long tail: every customer from ``low`` up to ``top``); ``width``
    the bucket width; ``above``: the customers of that open bucket (0 when there is none),
    ``above_from`` its lower end (None when there is none)."""

    frame: pl.DataFrame
    width: float
    customers: int
    top: float = 0.0
    above: int = 0
    above_from: float | None = None


#: the share of the biggest customers that may be gathered in one last bucket
TAIL_SHARE = 0.01
#: a tail is gathered when the largest revenue is above this many times the tail's lower end
TAIL_RATIO = 2.0


def nice_width(top: float, buckets: int = 20) -> float:
    """A round bucket width (1, 2 or 5 × 10^k) so that ``top`` fits in about ``buckets``."""
    if top <= 0:
        return 1.0
    raw = top / buckets
    exp = 10 ** math.floor(math.log10(raw))
    return next(m * exp for m in (1, 2, 5, 10) if m * exp >= raw)


def value_histogram(view: EngineView, *, purchase_step: str, buckets: int = 20) -> Histogram:
    """The distribution of revenue per customer of the view as counts per bucket, counted in
    the engine. The width (:func:`nice_width`) is set by the largest revenue, or, when a few
    customers spend far more than the others (the largest revenue is over :data:`TAIL_RATIO`
    times the revenue of the top :data:`TAIL_SHARE` of customers, as wholesalers in a retail
    export), by that top 1 %'s lowest revenue: its customers and everyone above share one
    last, open bucket, so that one bar does not hold nearly every customer."""

    def compute() -> Histogram:
        per = per_customer(view, purchase_step)
        stats = collect(per.select(nw.col("revenue").max().alias("m"), nw.len().alias("n")))
        top, n = _num(stats["m"][0]), int(stats["n"][0] or 0)
        k = max(1, math.ceil(n * TAIL_SHARE))
        tail = per.sort("revenue", descending=True, nulls_last=True).head(k)
        cut = _num(collect(tail.select(nw.col("revenue").min().alias("c")))["c"][0])
        last: int | None = None
        if n and cut > 0 and top > TAIL_RATIO * cut:
            width = nice_width(cut, buckets)
            last = math.floor(cut / width)
        else:
            width = nice_width(top, buckets)
        idx = (nw.col("revenue") / width).floor().cast(nw.Int64)
        if last is not None:
            idx = nw.when(idx > last).then(nw.lit(last, nw.Int64)).otherwise(idx)
        got = collect(per.group_by(idx.alias("b")).agg(nw.len().alias("customers")))
        got = got.with_columns(pl.col("b").cast(pl.Int64), pl.col("customers").cast(pl.Int64))
        got = got.sort("b")
        frame = got.select(
            (pl.col("b") * width).alias("low"),
            ((pl.col("b") + 1) * width).alias("high"),
            "customers",
            (pl.col("b") == last if last is not None else pl.lit(False)).alias("open"),
        )
        tail = frame.filter("open")
        above = int(tail["customers"].sum())
        low = float(tail["low"][0]) if tail.height else None
        return Histogram(frame, width, int(frame["customers"].sum()), top, above, low)

    return view.memo(f"value|histogram|{purchase_step}|{buckets}|{view.filters.key()}", compute)
