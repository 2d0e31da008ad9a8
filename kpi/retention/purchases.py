"""Customers and their orders: orders per customer, repeat-purchase rate, purchase frequency.

Orders are distinct ``order_id`` values when the events have that column (events without one
count one order each), else purchase events. ``purchase_step=None`` treats every event as a
purchase (an orders table).
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from kpi.periods import require_columns
from kpi.words import Fact

__all__ = [
    "PurchaseFrequency",
    "RepeatPurchase",
    "frequency_from_counts",
    "no_purchase_note",
    "orders_per_customer",
    "purchase_events",
    "purchase_frequency",
    "repeat_from_counts",
    "repeat_purchase_rate",
]

#: steps listed in a "step not found" note
_STEPS_SHOWN = 8


def purchase_events(events: pl.DataFrame, purchase_step: str | None, what: Fact) -> pl.DataFrame:
    """The purchase events of ``events`` (all of them when ``purchase_step`` is None);
    ``what`` names the analysis in the error when a column is missing."""
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
    buys = purchase_events(events, purchase_step, Fact("retention.what.orders"))
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


def steps_found(events: pl.DataFrame) -> list[str]:
    """The first steps of ``events`` in alphabetical order (for a "step not found" note)."""
    if "step" not in events.columns:
        return []
    return sorted(str(s) for s in events["step"].unique().to_list())[:_STEPS_SHOWN]


def no_purchase_note(events: pl.DataFrame, purchase_step: str | None) -> Fact:
    """Why there are no customers: no events, no purchases, or no event of the purchase step."""
    if events.height == 0:
        return Fact("retention.note.no_customers")
    if purchase_step is None or "step" not in events.columns:
        return Fact("retention.note.no_purchases")
    return Fact("retention.note.no_purchase_step", step=purchase_step, found=steps_found(events))


@dataclass(frozen=True)
class RepeatPurchase:
    """rate = repeat_customers (2+ orders) ÷ customers (1+ order); None without customers.

    ``explanation``: a fact (``retention.repeat.explanation``, or why there are no customers).
    """

    customers: int
    repeat_customers: int
    rate: float | None
    explanation: Fact


def repeat_purchase_rate(
    events: pl.DataFrame, purchase_step: str | None = "purchase"
) -> RepeatPurchase:
    """Repeat-purchase rate = customers with ≥ 2 orders ÷ customers with ≥ 1 order."""
    per = orders_per_customer(events, purchase_step=purchase_step)
    if per.height == 0:
        return RepeatPurchase(0, 0, None, no_purchase_note(events, purchase_step))
    return repeat_from_counts(per.height, int(per.filter(pl.col("orders") >= 2).height))


def repeat_from_counts(customers: int, repeat: int, note: Fact | None = None) -> RepeatPurchase:
    """The :class:`RepeatPurchase` of the counts (an engine counts them where the data lives);
    ``note``: why there are no customers, when ``customers`` is 0."""
    if customers == 0:
        return RepeatPurchase(0, 0, None, note or Fact("retention.note.no_customers"))
    rate = repeat / customers
    return RepeatPurchase(
        customers,
        repeat,
        rate,
        Fact("retention.repeat.explanation", repeat=repeat, customers=customers, rate=rate),
    )


@dataclass(frozen=True)
class PurchaseFrequency:
    """frequency = orders ÷ customers over the data's period; None without customers."""

    customers: int
    orders: int
    frequency: float | None
    explanation: Fact


def purchase_frequency(
    events: pl.DataFrame, purchase_step: str | None = "purchase"
) -> PurchaseFrequency:
    """Purchase frequency = orders ÷ customers (filter ``events`` to the period first)."""
    per = orders_per_customer(events, purchase_step=purchase_step)
    if per.height == 0:
        return PurchaseFrequency(0, 0, None, no_purchase_note(events, purchase_step))
    return frequency_from_counts(per.height, int(per["orders"].sum()))


def frequency_from_counts(
    customers: int, orders: int, note: Fact | None = None
) -> PurchaseFrequency:
    """The :class:`PurchaseFrequency` of the counts; ``note`` as :func:`repeat_from_counts`."""
    if customers == 0:
        return PurchaseFrequency(0, 0, None, note or Fact("retention.note.no_customers"))
    freq = orders / customers
    return PurchaseFrequency(
        customers,
        orders,
        freq,
        Fact("retention.frequency.explanation", orders=orders, customers=customers, frequency=freq),
    )
