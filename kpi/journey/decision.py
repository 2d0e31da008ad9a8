"""Decision KPIs: who buys (conversion rate, purchasers, orders, revenue, average order value,
cart abandonment, revenue per visitor, time from first visit to purchase)."""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from kpi.journey.inputs import has_values, purchase_events
from kpi.journey.kpi import Kpi, empty, missing, needs, not_applicable, ok, rate
from kpi.words import Fact

__all__ = [
    "decision_from_counts",
    "decision_kpis",
    "order_count",
    "time_kpis",
    "time_kpis_from_stats",
    "time_to_purchase",
]

_TIME_CODES = ("time_to_convert_median", "time_to_convert_mean")


def decision_kpis(
    ev: pl.DataFrame,
    roles: Mapping[str, str | None],
    visitors: float,
    only_orders: bool = False,
) -> list[Kpi]:
    """The decision KPIs of the (filtered) events ``ev``, in journey order."""
    codes = ("conversion_rate", "purchasers", "orders", "revenue", "aov", "cart_abandonment")
    purchases = purchase_events(ev, roles["purchase"])
    if purchases is None:
        return [
            missing(c, needs("purchase")) for c in (*codes, "revenue_per_visitor", *_TIME_CODES)
        ]
    buyers = purchases.select("user_id").unique()
    cart: tuple[float, float] | None = None
    if roles["cart"] is not None:
        carts = ev.filter(pl.col("step") == roles["cart"]).select("user_id").unique()
        cart = (float(carts.join(buyers, on="user_id", how="anti").height), float(carts.height))
    out = decision_from_counts(
        n_buyers=float(buyers.height),
        n_orders=order_count(purchases),
        revenue=float(purchases["revenue"].fill_null(0).sum())
        if "revenue" in ev.columns  # a segment without purchases has revenue 0
        else None,
        cart=cart,
        visitors=visitors,
        only_orders=only_orders,
    )
    if not has_values(ev, "ts"):
        return out + [missing(c, needs("ts")) for c in _TIME_CODES]
    return out + time_to_purchase(ev, purchases, roles["purchase"])


def order_count(purchases: pl.DataFrame) -> float:
    """Orders among the purchase events: distinct order ids (each purchase without an id is
    one order), or one order per purchase event when the data has no order ids."""
    if has_values(purchases, "order_id"):
        ids = purchases["order_id"]
        return float(ids.drop_nulls().n_unique() + ids.null_count())
    return float(purchases.height)


def decision_from_counts(
    *,
    n_buyers: float,
    n_orders: float,
    revenue: float | None,
    cart: tuple[float, float] | None,
    visitors: float,
    only_orders: bool,
) -> list[Kpi]:
    """The decision KPIs but the times, from their counts: purchasers, orders, revenue (None:
    the data has no amounts), ``cart`` = (carts abandoned, users with a cart) or None when the
    data has no cart step. One place for the rules, whether the counts come from the events
    (:func:`decision_kpis`) or from each user's facts (:mod:`kpi.journey.facts`)."""
    if only_orders:  # every user of an orders file bought: 100 % by construction
        out = [not_applicable("conversion_rate", "orders_only", n_buyers, visitors)]
    else:
        out = [rate("conversion_rate", n_buyers, visitors, empty("users"))]
    out.append(ok("purchasers", n_buyers))
    out.append(ok("orders", n_orders))
    if revenue is None:
        out += [missing("revenue", needs("revenue")), missing("aov", needs("revenue"))]
    else:
        out.append(ok("revenue", revenue))
        out.append(rate("aov", revenue, n_orders, empty("orders")))
    if cart is None:
        out.append(missing("cart_abandonment", needs("cart")))
    else:
        out.append(rate("cart_abandonment", cart[0], cart[1], empty("carts")))
    if revenue is None:
        out.append(missing("revenue_per_visitor", needs("revenue")))
    elif only_orders:
        out.append(not_applicable("revenue_per_visitor", "orders_only_per_visitor"))
    else:
        out.append(rate("revenue_per_visitor", revenue, visitors, empty("users")))
    return out


def time_kpis(purchasers: int, delays: pl.Series) -> list[Kpi]:
    """Median and mean time to purchase from the delays (seconds) of the purchasers whose
    first visit is in the data, out of ``purchasers`` (those left out are said in a note)."""
    if purchasers == 0 or delays.len() == 0:
        return time_kpis_from_stats(purchasers, delays.len(), None, None, None)
    return time_kpis_from_stats(
        purchasers,
        delays.len(),
        float(delays.median()),  # type: ignore[arg-type]
        float(delays.mean()),  # type: ignore[arg-type]
        float(delays.sum()),
    )


def time_kpis_from_stats(
    purchasers: int,
    measured: int,
    median: float | None,
    mean: float | None,
    total: float | None,
) -> list[Kpi]:
    """:func:`time_kpis` from the delays' count (``measured``), median, mean and sum: one
    place for the rules, whether the delays are here or summed inside an engine."""
    if purchasers == 0:
        return [missing(c, empty("purchases")) for c in _TIME_CODES]
    left_out = purchasers - measured
    if measured == 0:
        return [not_applicable(c, "no_visit_before_purchase", None, 0.0) for c in _TIME_CODES]
    n = float(measured)
    notes = (
        (Fact("stages.note.left_out", left_out=left_out, purchasers=purchasers),)
        if left_out
        else ()
    )
    return [
        ok(_TIME_CODES[0], median, None, n, notes=notes),  # type: ignore[arg-type]
        ok(_TIME_CODES[1], mean, total, n, notes=notes),  # type: ignore[arg-type]
    ]


def time_to_purchase(
    ev: pl.DataFrame, purchases: pl.DataFrame, purchase_step: str | None
) -> list[Kpi]:
    """Median and mean of (first purchase − first event) over the purchasers whose first visit
    is in the data: an event other than a purchase at or before their first purchase. A
    purchaser whose first event is the purchase has no visit to measure from (not 0 s)."""
    first_buy = (
        purchases.filter(pl.col("ts").is_not_null())
        .group_by("user_id")
        .agg(pl.col("ts").min().alias("buy"))
    )
    if first_buy.height == 0:
        return time_kpis(0, pl.Series("s", [], dtype=pl.Float64))
    visits = ev.filter(pl.col("ts").is_not_null())
    if purchase_step is not None:  # a visit event is any event that is not a purchase
        visits = visits.filter(pl.col("step") != purchase_step)
    else:  # purchases are the events with an order id (or revenue): the others are visits
        visits = visits.join(
            purchases.select("user_id", "ts").unique(), on=["user_id", "ts"], how="anti"
        )
    measured = (
        visits.join(first_buy, on="user_id")
        .filter(pl.col("ts") <= pl.col("buy"))
        .group_by("user_id")
        .agg(pl.col("ts").min().alias("first"), pl.col("buy").first())
    )
    delays = measured.select(
        (pl.col("buy") - pl.col("first")).dt.total_seconds(fractional=True).alias("s")
    )["s"].drop_nulls()
    return time_kpis(first_buy.height, delays)
