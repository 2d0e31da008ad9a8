"""Orders and revenue: average order value, revenue per customer, top-customer share.

Money is in the data's currency (``currency``: an ISO code or None, carried by the facts so
that their amounts are written with it); rates are fractions.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import polars as pl

from kpi.errors import InputError, SchemaError
from kpi.retention.purchases import no_purchase_note, orders_per_customer, purchase_events
from kpi.words import Fact

__all__ = [
    "Aov",
    "RevenuePerCustomer",
    "TopCustomerShare",
    "aov",
    "aov_from_counts",
    "need_revenue",
    "revenue_per_customer",
    "revenue_per_customer_from_counts",
    "top_customer_share",
    "top_customers",
    "top_share_from_counts",
]


def need_revenue(events: pl.DataFrame, what: Fact) -> None:
    """A :class:`SchemaError` when ``events`` have no ``revenue`` column (``what`` names the
    analysis: ``Fact("value.what.aov")``)."""
    if "revenue" not in events.columns:
        raise SchemaError(Fact("value.error.no_revenue", what=what), Fact("value.hint.map_revenue"))


_need_revenue = need_revenue


@dataclass(frozen=True)
class Aov:
    """aov = revenue ÷ orders (None without orders)."""

    revenue: float
    orders: int
    aov: float | None
    explanation: Fact


def aov(
    events: pl.DataFrame, *, purchase_step: str | None = "purchase", currency: str | None = None
) -> Aov:
    """Average order value = revenue ÷ orders."""
    what = Fact("value.what.aov")
    need_revenue(events, what)
    buys = purchase_events(events, purchase_step, what)
    if buys.height == 0:
        return aov_from_counts(0.0, 0, no_purchase_note(events, purchase_step), currency)
    per = orders_per_customer(buys, purchase_step=None)
    return aov_from_counts(float(per["revenue"].sum()), int(per["orders"].sum()), None, currency)


def aov_from_counts(
    revenue: float, orders: int, note: Fact | None = None, currency: str | None = None
) -> Aov:
    """The :class:`Aov` of the sums (an engine sums them where the data lives); ``note``:
    why there are no orders, when ``orders`` is 0."""
    if orders == 0:
        return Aov(0.0, 0, None, note or Fact("retention.note.no_customers"))
    return Aov(
        revenue,
        orders,
        revenue / orders,
        Fact("value.aov.explanation", revenue=revenue, orders=orders, currency=currency),
    )


@dataclass(frozen=True)
class RevenuePerCustomer:
    """value = revenue ÷ customers (None without customers)."""

    revenue: float
    customers: int
    value: float | None
    explanation: Fact


def revenue_per_customer(
    events: pl.DataFrame, *, purchase_step: str | None = "purchase", currency: str | None = None
) -> RevenuePerCustomer:
    """Revenue per customer = revenue ÷ customers with at least one order."""
    need_revenue(events, Fact("value.what.revenue_per_customer"))
    per = orders_per_customer(events, purchase_step=purchase_step)
    note = no_purchase_note(events, purchase_step) if per.height == 0 else None
    return revenue_per_customer_from_counts(
        float(per["revenue"].sum()) if per.height else 0.0, per.height, note, currency
    )


def revenue_per_customer_from_counts(
    revenue: float, customers: int, note: Fact | None = None, currency: str | None = None
) -> RevenuePerCustomer:
    """The :class:`RevenuePerCustomer` of the sums; ``note`` as :func:`aov_from_counts`."""
    if customers == 0:
        return RevenuePerCustomer(0.0, 0, None, note or Fact("retention.note.no_customers"))
    return RevenuePerCustomer(
        revenue,
        customers,
        revenue / customers,
        Fact(
            "value.revenue_per_customer.explanation",
            revenue=revenue,
            customers=customers,
            currency=currency,
        ),
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
    explanation: Fact


def top_customer_share(
    events: pl.DataFrame, top: float = 0.1, *, purchase_step: str | None = "purchase"
) -> TopCustomerShare:
    """Share of revenue from the top ``top`` fraction of customers ranked by revenue.

    The top group has ceil(top × customers) customers (at least one).
    """
    if not 0 < top <= 1:
        raise InputError(Fact("value.error.top_share", top=top))
    need_revenue(events, Fact("value.what.top_customer_share"))
    per = orders_per_customer(events, purchase_step=purchase_step)
    n = per.height
    if n == 0:
        return top_share_from_counts(top, 0, 0.0, 0.0, no_purchase_note(events, purchase_step))
    k = top_customers(top, n)
    revenue = float(per["revenue"].sum())
    top_revenue = float(per["revenue"].top_k(k).sum())
    return top_share_from_counts(top, n, top_revenue, revenue)


def top_customers(top: float, customers: int) -> int:
    """The size of the top group: ceil(top × customers), at least one."""
    return max(1, math.ceil(top * customers - 1e-9))


def top_share_from_counts(
    top: float, customers: int, top_revenue: float, revenue: float, note: Fact | None = None
) -> TopCustomerShare:
    """The :class:`TopCustomerShare` of the sums (``top_revenue``: the revenue of the
    :func:`top_customers` best customers); ``note`` as :func:`aov_from_counts`."""
    if customers == 0:
        return TopCustomerShare(
            top, 0, 0, 0.0, 0.0, None, note or Fact("retention.note.no_customers")
        )
    k = top_customers(top, customers)
    n = customers
    if revenue <= 0:
        return TopCustomerShare(
            top, k, n, top_revenue, revenue, None, Fact("value.top_customer_share.zero_revenue")
        )
    share = top_revenue / revenue
    return TopCustomerShare(
        top, k, n, top_revenue, revenue, share,
        Fact("value.top_customer_share.explanation", top=k, customers=n, share=share),
    )  # fmt: skip
