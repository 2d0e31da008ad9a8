"""UCI Online Retail cleaned with the published rules in plain polars (not kpi.load/schema):
the independent reference for retention and value tests."""

from __future__ import annotations

from pathlib import Path

import polars as pl

RETAIL = Path(__file__).resolve().parents[2].parent / "shared" / "datasets" / "online_retail.csv"


def clean_lines() -> pl.DataFrame:
    """Lines kept by the published rules: no 'C' invoices, a customer id, qty and price > 0."""
    raw = pl.read_csv(
        RETAIL,
        try_parse_dates=True,
        schema_overrides={"InvoiceNo": pl.String, "StockCode": pl.String},
    )
    return raw.filter(
        ~pl.col("InvoiceNo").str.starts_with("C"),
        pl.col("CustomerID").is_not_null(),
        pl.col("Quantity") > 0,
        pl.col("UnitPrice") > 0,
    )


def purchase_events(clean: pl.DataFrame) -> pl.DataFrame:
    """One purchase event per kept line: user_id, step, ts, order_id, revenue, country."""
    return clean.select(
        pl.col("CustomerID").cast(pl.Int64).cast(pl.String).alias("user_id"),
        pl.lit("purchase").alias("step"),
        pl.col("InvoiceDate").alias("ts"),
        pl.col("InvoiceNo").alias("order_id"),
        (pl.col("Quantity") * pl.col("UnitPrice")).alias("revenue"),
        pl.col("Country").alias("country"),
    )
