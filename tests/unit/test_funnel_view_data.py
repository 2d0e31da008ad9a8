"""Funnels from aggregated counts: hand-checked numbers and the GA4 Merchandise Store export."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from kpi import funnel
from kpi.errors import InputError, SchemaError
from kpi.funnel_view_data import count_segments, funnel_from_counts, plain_insights
from kpi.segments import with_top_values

DATASETS = Path(__file__).resolve().parents[2].parent / "shared" / "datasets"

COUNTS = pl.DataFrame(
    {
        "device": ["mobile", "mobile", "mobile", "desktop", "desktop", "desktop", None],
        "step": ["visit", "cart", "buy", "visit", "cart", "buy", "visit"],
        "users": [600, 60, 6, 400, 100, 30, 10],
    }
)


def test_overall_by_hand():
    res = funnel_from_counts(COUNTS, ["visit", "cart", "buy"])
    assert res["users"].to_list() == [1010, 160, 36]
    assert res["conversion"].to_list() == pytest.approx([1.0, 160 / 1010, 36 / 1010])
    assert res["step_conversion"].to_list() == pytest.approx([1.0, 160 / 1010, 36 / 160])
    assert res["drop_off"].to_list() == [None, 850, 124]
    assert res["drop_off_rate"].to_list()[1:] == pytest.approx([850 / 1010, 124 / 160])


def test_by_segment_reconciles_and_fills_missing_steps():
    res = funnel_from_counts(COUNTS, ["visit", "cart", "buy", "refund"], by=["device"])
    assert res.height == 3 * 4  # desktop, mobile, (none) × 4 steps
    none = res.filter(pl.col("device") == "(none)")
    assert none["users"].to_list() == [10, 0, 0, 0]
    assert none["step_conversion"].to_list()[1] == 0.0
    assert none["step_conversion"].to_list()[2] is None  # 0 / 0
    total = funnel_from_counts(COUNTS, ["visit", "cart", "buy", "refund"])
    sums = res.group_by("step", maintain_order=True).agg(pl.col("users").sum())
    assert sums["users"].to_list() == total["users"].to_list() == [1010, 160, 36, 0]
    desktop = res.filter(pl.col("device") == "desktop")
    assert desktop["conversion"].to_list()[2] == pytest.approx(30 / 400)


def test_step_order_is_the_given_order_and_negative_drop_off_is_kept():
    res = funnel_from_counts(COUNTS, ["buy", "cart"])
    assert res["step"].to_list() == ["buy", "cart"]
    assert res["drop_off"].to_list() == [None, 36 - 160]
    assert res["step_conversion"].to_list()[1] == pytest.approx(160 / 36)


def test_errors_for_people():
    with pytest.raises(SchemaError):
        funnel_from_counts(COUNTS.drop("users"), ["visit"])
    with pytest.raises(InputError):
        funnel_from_counts(COUNTS, [])
    assert count_segments(COUNTS) == ["device"]


def test_ga4_merch_store_sums_match_plain_polars():
    path = DATASETS / "ga4_merch_store" / "BigQuery_conversion_funnel.csv"
    if not path.exists():
        pytest.skip("../shared/datasets missing")
    raw = pl.read_csv(path)
    # the export holds sessions and rates per row: users at a step = sessions × its rate
    rates = ["visit_to_cart", "visit_to_checkout", "visit_to_purchase"]
    wide = raw.select(
        "source",
        pl.col("user_sessions_count").alias("visit"),
        *(
            (pl.col("user_sessions_count") * pl.col(r)).round().cast(pl.Int64).alias(r)
            for r in rates
        ),
    )
    cols = ["visit", *rates]
    long = wide.unpivot(index="source", on=cols, variable_name="step", value_name="users")
    res = funnel_from_counts(long, cols)
    expected = [int(wide[c].sum()) for c in cols]
    assert res["users"].to_list() == expected
    assert res["users"][0] == 355_453  # sessions in the export
    top = with_top_values(long, "source", 3, weight="users")
    by = funnel_from_counts(top, cols, by=["source"])
    assert by["source"].n_unique() == 4  # top 3 + Other
    sums = by.group_by("step", maintain_order=True).agg(pl.col("users").sum())
    assert sums["users"].to_list() == expected
    google = wide.filter(pl.col("source") == "google")
    row = by.filter(pl.col("source") == "google", pl.col("step") == "visit_to_purchase")
    assert row["conversion"][0] == pytest.approx(
        google["visit_to_purchase"].sum() / google["visit"].sum()
    )


def test_plain_insights_small_segments_and_counts():
    by = funnel_from_counts(COUNTS.drop_nulls(), ["visit", "cart", "buy"], by=["device"])
    sentences = funnel.insights(by.select("device", *by.columns[1:5]), by=["device"])
    out = plain_insights(sentences, by, "device", last_step="buy", aggregated=True)
    # mobile: 6 at "buy" (< 30) gets the caveat; desktop: 30 does not
    assert out[2] == (
        "mobile converts 1.00 % vs 3.60 % overall (the weakest segment; only 6 at the last "
        "step: few users, may be chance)."
    )
    assert out[3] == "desktop converts 7.50 % vs 3.60 % overall (the strongest segment)."
    # counts of sessions or rows are not "users"
    assert (
        out[0]
        == "The biggest drop-off is from visit to cart: 84.00 % of the count is lost (1,000 → 160)."
    )
    assert out[1] == "Overall, 3.60 % of the visit count reached buy (36 of 1,000)."
    assert "users" not in " ".join(out[:2])
    # event data: wording kept, only the caveat is added
    kept = plain_insights(sentences, by, "device", last_step="buy")
    assert kept[0] == sentences[0] and kept[3] == sentences[3]
    assert plain_insights(sentences) == sentences
