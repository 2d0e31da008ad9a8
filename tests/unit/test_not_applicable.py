"""KPIs that do not apply are not numbers: conversion and engagement on purchases only,
time to purchase when the purchase is the only event, CAC without a channel. Each carries a
reason code that the page and the workbook render as a sentence."""

from __future__ import annotations

import io
from datetime import datetime, timedelta
from pathlib import Path

import openpyxl
import polars as pl
import pytest

from kpi import reasons, value
from kpi.dataset import Dataset
from kpi.filters import Filters
from kpi.load import read_table
from kpi.report import build_workbook
from kpi.schema import TableInput, build_dataset
from kpi.stages import orders_only, stage_kpis
from kpi.words import Fact, render
from tests.unit.sheet_columns import table

WHY_NOT = "Why not shown (what is missing, or why it does not apply)"  # a header

ROOT = Path(__file__).resolve().parents[2]
RETAIL = ROOT.parent / "shared" / "datasets" / "online_retail.csv"
NOT_NUMBERS = (
    "conversion_rate",
    "engagement_rate",
    "revenue_per_visitor",
    "time_to_convert_median",
    "time_to_convert_mean",
)


def _orders_csv() -> bytes:
    """A small orders export: 12 customers, 30 order lines over 20 orders, two months."""
    lines = ["order_id,customer_email,created_at,product,quantity,unit_price"]
    t0 = datetime(2025, 3, 1, 9, 0)
    for i in range(20):
        customer = f"c{i % 12}@shop.example"
        when = t0 + timedelta(days=3 * i, hours=i)
        for j in range(1 + (i % 3 == 0) + (i % 5 == 0)):
            lines.append(
                f"#{1001 + i},{customer},{when:%Y-%m-%d %H:%M},SKU-{j},{1 + j},{19.5 + i:.2f}"
            )
    return ("\n".join(lines) + "\n").encode()


def _dataset(data: bytes, name: str) -> Dataset:
    t = read_table(data, filename=name)
    return build_dataset([TableInput.from_table(name, t)])


def test_orders_only_file_kpis_are_not_numbers_and_say_why() -> None:
    ds = _dataset(_orders_csv(), "orders.csv")
    assert ds.sources[0].kind == "orders" and orders_only(ds)
    kpis = {k.code: k for k in stage_kpis(ds)}
    for code in NOT_NUMBERS:
        k = kpis[code]
        assert k.value is None and not k.available and k.reason, code
        assert k.missing == reasons.fact(k.reason) == Fact(f"reason.{k.reason}")
        assert "does not apply" in render(k.missing, "en")
        assert render(k.missing, "fr").startswith("ne s'applique pas\u00a0:")
    assert kpis["conversion_rate"].reason == "orders_only"
    assert (kpis["conversion_rate"].numerator, kpis["conversion_rate"].denominator) == (12, 12)
    assert kpis["time_to_convert_median"].reason == "no_visit_before_purchase"
    # what does apply is still there: 20 orders, 12 purchasers, AOV = revenue / orders
    lines = pl.read_csv(io.BytesIO(_orders_csv()))
    revenue = float((lines["quantity"] * lines["unit_price"]).sum())
    assert kpis["orders"].value == 20 and kpis["purchasers"].value == 12
    assert kpis["aov"].value == pytest.approx(revenue / 20)


def test_orders_only_workbook_shows_no_number_for_them() -> None:
    ds = _dataset(_orders_csv(), "orders.csv")
    wb = openpyxl.load_workbook(io.BytesIO(build_workbook(ds, Filters())))
    rows = table(wb["Stage KPIs"], "KPI")  # columns by name, wherever they are
    for label in (
        "Conversion rate",
        "Engagement rate",
        "Revenue per visitor",
        "Median time from first visit to purchase",
        "Average time from first visit to purchase",
    ):
        row = rows[label]
        assert row["Value"] is None and row["Available"] == "does not apply", label
        assert "does not apply" in row[WHY_NOT]
    assert rows["Orders"]["Value"] == 20
    summary = [r[0] for r in wb["Summary"].iter_rows(values_only=True)]
    assert "Conversion rate" not in summary and "Average order value" in summary
    assert any(str(c).startswith("Conversion rate: does not apply: the data holds purchases only")
               for c in summary)  # fmt: skip


def test_online_retail_is_orders_only() -> None:
    if not RETAIL.exists():
        pytest.skip("../shared/datasets missing")
    t = read_table(RETAIL, filename=RETAIL.name, max_mb=None)
    ds = build_dataset([TableInput.from_table(RETAIL.name, t)])
    kpis = {k.code: k for k in stage_kpis(ds)}
    for code in NOT_NUMBERS:
        assert kpis[code].value is None and kpis[code].reason, code
    wb = openpyxl.load_workbook(io.BytesIO(build_workbook(ds, Filters(), sections=["stages"])))
    rows = table(wb["Stage KPIs"], "KPI")
    assert rows["Conversion rate"]["Value"] is None
    assert rows["Conversion rate"]["Available"] == "does not apply"


def test_time_to_purchase_leaves_out_purchasers_without_an_earlier_visit() -> None:
    t = datetime(2025, 1, 1)
    ev = pl.DataFrame(
        {
            "user_id": ["a", "a", "b", "c", "c", "c"],
            "step": ["view", "purchase", "purchase", "view", "view", "purchase"],
            "ts": [
                t,
                t + timedelta(seconds=100),
                t,
                t,
                t + timedelta(seconds=50),
                t + timedelta(seconds=400),
            ],
        }
    )
    ds = Dataset(events=ev, users=ev.select("user_id").unique())
    kpis = {k.code: k for k in stage_kpis(ds)}
    med = kpis["time_to_convert_median"]
    # a: 100 s, c: 400 s; b bought with no visit before: left out (not 0 s)
    assert med.value == pytest.approx(250.0) and med.denominator == 2
    assert med.notes == (Fact("stages.note.left_out", left_out=1, purchasers=3),)
    assert "1 of 3 purchasers have no earlier event" in med.formula("en")
    assert (
        "Ici, 1 acheteur sur 3 n'a pas d'événement antérieur et n'est pas compté."
        in med.formula("fr")
    )
    assert kpis["time_to_convert_mean"].value == pytest.approx(250.0)
    assert kpis["conversion_rate"].value == pytest.approx(1.0)  # visits exist: it applies
    assert not orders_only(ds)


def _cac_events() -> pl.DataFrame:
    t = datetime(2025, 1, 5)
    return pl.DataFrame(
        {
            "user_id": ["a", "b", "c"],
            "step": ["purchase"] * 3,
            "ts": [t, t + timedelta(days=40), t + timedelta(days=70)],
            "revenue": [50.0, 80.0, 20.0],
            "channel": ["search", "social", "search"],
        }
    )


def test_cac_without_a_channel_is_not_a_number() -> None:
    ev = _cac_events()
    spend_no_channel = pl.DataFrame(
        {"channel": ["(all)"], "period": [datetime(2025, 1, 1).date()], "spend": [900.0]}
    )
    s = value.value_summary(ev, spend_no_channel)
    assert s.channels is None and s.total is None
    assert s.spend_reason == "spend_without_channel"
    assert s.spend_note is not None and s.spend_note.code == "value.cac_na.spend_without_channel"
    assert "no channel column" in str(s.spend_note)
    spend = spend_no_channel.with_columns(pl.lit("search").alias("channel"))
    s = value.value_summary(ev.drop("channel"), spend)
    assert s.channels is None and s.spend_reason == "customers_without_channel"
    s = value.value_summary(ev, None)
    assert s.spend_reason == "no_spend"
    # with both channels, CAC is a number: 900 ÷ 2 new search customers in January… and March
    s = value.value_summary(ev, spend)
    assert s.spend_reason is None and s.channels is not None
    search = s.channels.filter(pl.col("channel") == "search").row(0, named=True)
    assert search["cac"] == pytest.approx(900.0 / 1)  # only a's first purchase is in January


def test_time_to_purchase_when_purchases_are_the_events_with_an_order_id() -> None:
    t = datetime(2025, 1, 1)
    ev = pl.DataFrame(
        {
            "user_id": ["a", "a", "b", "b"],
            "step": ["page", "page", "page", "page"],
            "ts": [t, t + timedelta(seconds=90), t, t + timedelta(seconds=30)],
            "order_id": [None, "o1", "o2", None],
        }
    )
    kpis = {k.code: k for k in stage_kpis(Dataset(events=ev, users=ev.select("user_id").unique()))}
    # a: visit at t, order at t+90 s -> 90 s; b ordered on their first event: left out
    assert kpis["time_to_convert_median"].value == pytest.approx(90.0)
    assert kpis["time_to_convert_median"].denominator == 1
