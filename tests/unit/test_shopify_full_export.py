"""The full Shopify orders export (every real column, a POS 'Receipt Number' mostly empty):
orders are the 'Name' column, customers the e-mail, revenue the order Total once per order, net of refunds."""

from pathlib import Path

import polars as pl

from kpi.load import read_table
from kpi.schema import TableInput, build_dataset
from kpi.words import render

FIXTURE = Path(__file__).parents[1] / "fixtures" / "shopify_orders.csv"


def test_full_shopify_export_orders_customers_revenue() -> None:
    table = read_table(FIXTURE)
    assert (table.report.rows_read, table.report.rows_kept) == (123, 123)
    t = TableInput.from_table(FIXTURE.name, table)
    assert t.kind == "orders"
    assert t.cols("order_id") == ["Name"]
    assert t.cols("user_id") == ["Email"]
    ds = build_dataset([t])
    # independent reference: order-level rows are the ones carrying the e-mail
    raw = pl.read_csv(FIXTURE, infer_schema=False)
    orders = raw.filter(pl.col("Email").is_not_null())
    assert ds.events.height == orders.height == 72
    assert ds.users.height == orders["Email"].str.to_lowercase().n_unique() == 26
    # revenue net of refunds: Total - Refunded Amount (7 orders refunded in full, 406.82)
    net = orders["Total"].cast(pl.Float64) - orders["Refunded Amount"].cast(pl.Float64).fill_null(0)
    assert abs(ds.events["revenue"].sum() - net.sum()) < 1e-6
    assert abs(net.sum() - 5_243.98) < 1e-6
    refunds = next(n for n in ds.notes if getattr(n, "code", "") == "ingest_shape.net_of_refunds")
    assert (refunds["orders"], round(refunds["amount"], 2), refunds["currency"]) == (
        7,
        406.82,
        "EUR",
    )
    assert ds.currency == "EUR"  # the export's Currency column
    assert "7 refunded orders, €406.82 refunded" in render(refunds, "en")
    assert "7 commandes remboursées, 406,82\u00a0€ remboursés" in render(refunds, "fr")
    assert sum(ds.sources[0].dropped.values()) == 0
    assert "Discount Code" in ds.segments and "Shipping Method" in ds.segments
