"""Real-world exports read whole and typed (issue 9): Shopify orders, GA4 BigQuery (Parquet and
NDJSON), Mixpanel NDJSON, integer epoch timestamps, wide files.

Fixtures: tests/fixtures/, written by tests/fixtures/make_fixtures_exports.py (deterministic).
Every expected number is recomputed here from the raw file with csv/json/pyarrow, not with kpi.
"""

from __future__ import annotations

import csv
import datetime as dt
import importlib.util
import io
import json
from pathlib import Path

import polars as pl
import pytest

from kpi.load import read_table

FIXTURES = Path(__file__).parents[1] / "fixtures"


def _generator():
    spec = importlib.util.spec_from_file_location(
        "make_fixtures_exports", FIXTURES / "make_fixtures_exports.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# --------------------------------------------------------------------------- Shopify


def _shopify_rows() -> list[dict[str, str]]:
    with (FIXTURES / "shopify_orders.csv").open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_shopify_fixture_is_what_the_generator_writes() -> None:
    text, orders = _generator().shopify_orders()
    assert (FIXTURES / "shopify_orders.csv").read_text(encoding="utf-8") == text
    assert len(orders) == 72 and sum(o["lines"] > 1 for o in orders) >= 20


def test_shopify_orders_every_line_read() -> None:
    raw = _shopify_rows()
    t = read_table(FIXTURES / "shopify_orders.csv")
    assert len(raw) == 123
    assert (t.report.rows_read, t.report.rows_kept, t.report.dropped) == (123, 123, {})
    assert t.extra_tables == [] and t.report.header_row == 0
    assert not any("GA4" in n or "tables" in n or "title line" in n for n in t.report.notes)
    assert t.frame.columns == list(raw[0].keys())  # the real Shopify names, none renamed
    f = t.frame
    # order names stay text, every line (also continuation lines) keeps its order name
    assert f["Name"].to_list() == [r["Name"] for r in raw]
    assert f["Name"].n_unique() == 72
    # order-level fields only on first lines; numbers typed
    assert f.schema["Total"] == pl.Float64 and f.schema["Lineitem quantity"] == pl.Int64
    assert f["Total"].sum() == pytest.approx(sum(float(r["Total"]) for r in raw if r["Total"]))
    assert f["Total"].null_count() == 123 - 72
    assert f["Subtotal"].sum() == pytest.approx(
        sum(float(r["Subtotal"]) for r in raw if r["Subtotal"])
    )
    assert f["Lineitem quantity"].sum() == sum(int(r["Lineitem quantity"]) for r in raw)
    assert f["Lineitem price"].null_count() == 0
    # discount codes, shipping methods and e-mails as read
    codes = [r["Discount Code"] or None for r in raw]
    assert f["Discount Code"].to_list() == codes and sum(c is not None for c in codes) > 5
    assert f["Email"].drop_nulls().len() == 72
    assert set(f["Shipping Method"].drop_nulls()) == {
        r["Shipping Method"] for r in raw if r["Shipping Method"]
    }
    # "2025-03-04 10:15:22 +0100" -> UTC
    created = [
        dt.datetime.strptime(r["Created at"], "%Y-%m-%d %H:%M:%S %z")
        .astimezone(dt.UTC)
        .replace(tzinfo=None)
        if r["Created at"]
        else None
        for r in raw
    ]
    assert f.schema["Created at"] == pl.Datetime("us")
    assert f["Created at"].to_list() == created
    # phone numbers and postcodes are codes, not numbers
    assert f.schema["Billing Phone"] == pl.String and f.schema["Billing Zip"] == pl.String
    assert f["Billing Phone"].drop_nulls()[0] == next(
        r["Billing Phone"] for r in raw if r["Billing Phone"]
    )
    assert f.schema["Accepts Marketing"] == pl.Boolean


def test_shopify_forced_header_reads_every_line() -> None:
    t = read_table(FIXTURES / "shopify_orders.csv", header_row=0)
    assert (t.report.rows_read, t.report.rows_kept) == (123, 123)


def test_sparse_hash_rows_between_blank_lines_are_still_data() -> None:
    """'#1002' lines with most fields empty are line items, even next to a blank line."""
    text = (
        "Name,Email,Total,Lineitem quantity,Lineitem name,Vendor\n"
        "#1001,a@x.com,30.00,1,Tee,Acme\n"
        "#1001,,,2,Socks,\n"
        "\n"
        "#1002,b@x.com,12.00,1,Cap,Acme\n"
        "#1002,,,1,Tee,\n"
        "#1003,,,,,\n"
    )
    t = read_table(text.encode(), filename="orders_export.csv")
    assert t.frame["Name"].to_list() == ["#1001", "#1001", "#1002", "#1002", "#1003"]
    assert (t.report.rows_read, t.report.rows_kept, t.report.dropped) == (6, 5, {"blank row": 1})
    assert t.extra_tables == []


def test_ga4_ui_export_with_preamble_and_tables_still_split() -> None:
    text = (
        "# ----------------------------------------\n# Pages and screens\n# Account: Demo\n"
        "# Start date: 20240101\n# End date: 20240107\n# ----------------------------------------\n"
        "\n"
        "Page title,Views,Users\nHome,120,80\nCart,40,30\nCheckout,12,10\nThanks,6,6\n"
        "\n"
        "# ----------------------------------------\n# Devices\n# ----------------------------------------\n"
        "\n"
        "Device category,Users\nmobile,70\ndesktop,40\ntablet,5\n"
    )
    t = read_table(text.encode(), filename="ga4.csv")
    assert t.frame.columns == ["Page title", "Views", "Users"]
    assert t.frame["Views"].to_list() == [120, 40, 12, 6]
    assert len(t.extra_tables) == 1
    assert t.extra_tables[0].frame["Users"].to_list() == [70, 40, 5]
    assert any("Skipped GA4 comment preamble (6 lines" in n for n in t.report.notes)
