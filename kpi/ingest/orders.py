"""Orders and transaction lines: refunds, cancellations, order-level amounts, the purchase step."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import polars as pl

from kpi.ingest.roles import _norm
from kpi.words import Fact

if TYPE_CHECKING:
    from kpi.ingest.shapes import TableInput


_REFUND_NAMES = ("refundedamount", "amountrefunded", "montantrembourse", "rembourse")


def _refund_column(t: TableInput) -> str | None:
    """Shopify's "Refunded Amount" (or a French "Montant remboursé"), when numeric."""
    schema = t.frame.schema
    for col in t.frame.columns:
        if _norm(col) in _REFUND_NAMES and schema[col].is_numeric():
            return col
    return None


def _net_of_refunds(
    g: pl.DataFrame, rev: str, refund: str, name: str, currency: str | None = None
) -> tuple[pl.DataFrame, list[Fact]]:
    """Order revenue (the ``revenue`` column, from ``rev``) net of what was refunded."""
    refunded = g.select(
        pl.col(refund)
        .fill_null(0)
        .gt(0)
        .and_(pl.col("order_id").is_first_distinct())
        .sum()
        .alias("orders"),
        pl.col(refund)
        .fill_null(0)
        .filter(pl.col("order_id").is_first_distinct())
        .sum()
        .alias("amount"),
    ).row(0)
    g = g.with_columns((pl.col("revenue") - pl.col(refund).fill_null(0)).alias("revenue"))
    if not refunded[0]:
        return g, []
    return g, [
        Fact(
            "ingest_shape.net_of_refunds",
            file=name,
            revenue=rev,
            refund=refund,
            orders=int(refunded[0]),
            amount=float(refunded[1]),
            currency=currency,
        )
    ]


def _order_level(g: pl.DataFrame, amount: str) -> bool:
    """True when ``amount`` is an order's total (one value per order id, Shopify's ``Total``
    on the order's first line), not a line amount to be summed: every order of several lines
    holds at most one distinct value."""
    multi = g.filter(pl.col("order_id").is_not_null() & (pl.len().over("order_id") > 1))
    if multi.height == 0:
        return False
    distinct = multi.group_by("order_id").agg(pl.col(amount).drop_nulls().n_unique().alias("n"))
    return bool((distinct["n"] <= 1).all())


def _fill_within_orders(g: pl.DataFrame, columns: Sequence[str]) -> tuple[pl.DataFrame, int]:
    """Empty order-level fields of a line filled with the order's first value; (frame, lines
    that were missing their user id and got it from their order)."""
    if not columns:
        return g, 0
    has_order = pl.col("order_id").is_not_null()
    empty_uid = pl.col("user_id").is_null() | (pl.col("user_id") == "")
    filled = g.select((has_order & empty_uid & (~empty_uid).any().over("order_id")).sum()).item()
    missing = list(g.select(pl.col(c).null_count() for c in columns).row(0))
    if "user_id" in columns and not filled:
        missing[list(columns).index("user_id")] = 0  # whole orders without a customer
    if not any(missing):
        return g, 0
    g = g.with_columns(pl.when(pl.col("user_id") == "").then(None).otherwise(pl.col("user_id")))
    g = g.with_columns(
        pl.when(has_order)
        .then(pl.col(c).fill_null(pl.col(c).drop_nulls().first().over("order_id")))
        .otherwise(pl.col(c))
        .alias(c)
        for c, n in zip(columns, missing, strict=True)
        if n
    )
    return g, int(filled)


def _cancellation_convention(
    g: pl.DataFrame, sign_col: str | None, name: str
) -> tuple[bool, Fact | None]:
    """Whether ids starting with "C" are cancellations *in this file*: they are when at least
    90 % of such lines carry a negative quantity (or amount), as in UCI Online Retail
    (``C536379``). Elsewhere (``CMD-1001``) they are ordinary orders. (applies, note)."""
    c_ids = pl.col("order_id").str.starts_with("C").fill_null(False)
    n_c = int(g.select(c_ids.sum()).item())
    if not n_c:
        return False, None
    negative = int(g.select((c_ids & (pl.col(sign_col) < 0)).sum()).item()) if sign_col else 0
    if negative >= 0.9 * n_c:
        return True, Fact(
            "ingest_shape.cancellations",
            file=name,
            negative=negative,
            lines=n_c,
            column=sign_col or "",
        )
    return False, Fact("ingest_shape.c_orders_kept", file=name, lines=n_c, column=sign_col or "")


def _purchase_step(g: pl.DataFrame) -> str | None:
    """The purchase step among the event names (``purchase``, ``order``…), see kpi.stages."""
    from kpi.stages import detect_steps  # kpi.stages builds on the Dataset this module makes

    names = g["step"].drop_nulls().unique(maintain_order=True).to_list()
    return detect_steps(names).get("purchase") if names else None


def _first_touch(attrs: pl.DataFrame) -> pl.DataFrame:
    """One row per user: each attribute's value on the user's first event (first touch).

    ``first_seen`` is the user's earliest ``ts``; an attribute is its first non-null value in
    time order (ties in file order). Users come in the order of their first event.
    """
    others = [c for c in attrs.columns if c not in ("user_id", "ts")]
    if "ts" in attrs.columns:
        ts = attrs["ts"]
        if ts.null_count() or not ts.is_sorted():  # exports are often in time order already
            attrs = attrs.sort("ts", nulls_last=True, maintain_order=True)
        attrs = attrs.rename({"ts": "first_seen"})  # the first row's ts is the earliest
    # each user's first row holds the first value of every column without nulls (one pass
    # over the ids, no group-by); a column with nulls takes its first non-null value
    first_row = pl.col("user_id").is_first_distinct()
    users = attrs.filter(first_row)
    nulls = attrs.null_count().row(0, named=True) if others else {}
    for c in others:
        if nulls[c]:
            found = attrs.select("user_id", c).filter(pl.col(c).is_not_null()).filter(first_row)
            users = users.drop(c).join(found, on="user_id", how="left", maintain_order="left")
    return users.select(
        "user_id", *(["first_seen"] if "first_seen" in users.columns else []), *others
    )
