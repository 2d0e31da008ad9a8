"""Funnels from aggregated counts: hand-checked numbers and the GA4 Merchandise Store export."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from kpi import funnel
from kpi.errors import InputError, SchemaError
from kpi.funnel_view_data import count_segments, funnel_from_counts
from kpi.segments import with_top_values
from kpi.words import Fact, render

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


def test_count_insights_are_facts_small_segments_and_counts():
    """Aggregated counts: the facts speak of "the count" (their own codes, no rewriting of
    sentences), and a segment with fewer than 30 at the last step is said to be maybe chance."""
    by = funnel_from_counts(COUNTS.drop_nulls(), ["visit", "cart", "buy"], by=["device"])
    facts = funnel.insights(by.select("device", *by.columns[1:5]), by=["device"], counts=True)
    assert [f.code for f in facts] == [
        "funnel.insight.biggest_drop_count",
        "funnel.insight.overall_count",
        "funnel.insight.weakest_small",  # mobile: 6 at "buy" (< 30)
        "funnel.insight.strongest",  # desktop: 30 at "buy"
    ]
    assert facts[0] == Fact(
        "funnel.insight.biggest_drop_count",
        from_step="visit",
        to_step="cart",
        rate=facts[0]["rate"],
        before=1000,
        after=160,
    )
    assert facts[0]["rate"] == pytest.approx(840 / 1000)
    assert facts[2]["segment"] == "mobile" and facts[2]["users"] == 6
    assert facts[2]["rate"] == pytest.approx(0.01) and facts[2]["overall"] == pytest.approx(0.036)
    assert facts[3]["segment"] == "desktop" and facts[3]["rate"] == pytest.approx(0.075)
    assert render(facts[0], "en") == (
        "The biggest drop-off is from visit to cart: 84.0% of the count is lost (1,000 → 160)."
    )
    assert render(facts[1], "en") == "Overall, 3.60% of the visit count reached buy (36 of 1,000)."
    assert "users" not in render(facts[0], "en") + render(facts[1], "en")
    assert render(facts[2], "fr") == (
        "mobile convertit 1,00\u00a0% contre 3,60\u00a0% au total (le segment le plus faible ; "
        "seulement 6 à la dernière étape\u00a0: trop peu pour conclure, ce peut être le hasard)."
    )
    assert render(facts[0], "fr") == (
        "Principal point de friction, de visit à cart\u00a0: le décompte baisse de 84,0\u00a0% "
        "(1\u202f000 → 160)."
    )
    # event data: the users' wording, and the caveat only under 30 at the last step
    plain = funnel.insights(by.select("device", *by.columns[1:5]), by=["device"])
    assert [f.code for f in plain][:2] == ["funnel.insight.biggest_drop", "funnel.insight.overall"]
