"""kpi.abtest.assignment and kpi.abtest.summary: which column is an A/B assignment (real files), and A/B summary files."""

from __future__ import annotations

import math
from pathlib import Path

import polars as pl
import pytest
from statsmodels.stats.proportion import proportions_ztest

from kpi.abtest import (
    analyse,
    assignment_columns,
    is_assignment,
    summary_counts,
    summary_from_counts,
)
from kpi.load import read_table
from kpi.schema import TableInput, build_dataset, detect_roles

ROOT = Path(__file__).resolve().parents[2]
DATASETS = ROOT.parent / "shared" / "datasets"


def _frame(name: str) -> pl.DataFrame:
    path = DATASETS / name
    if not path.exists():
        pytest.skip(f"{path} not available")
    return read_table(path).frame


def _dataset(*paths: Path):
    tables = []
    for p in paths:
        if not p.exists():
            pytest.skip(f"{p} not available")
        t = read_table(p.read_bytes(), filename=p.name)
        tables.append(
            TableInput.from_table(p.name, t, roles=detect_roles(t.frame, filename=p.name))
        )
    return build_dataset(tables)


@pytest.mark.parametrize(
    ("name", "column", "reasons", "pattern", "values"),
    [
        ("cookie_cats.csv", "version", ("name", "values"), "prefix", ("gate_30", "gate_40")),
        ("funnel_ab_5step.csv", "test group", ("name", "values"), "letters", ("a", "b")),
        ("page_redesign_ab.csv", "group", ("name", "values"), "control", ("control", "experimental")),
    ],
)  # fmt: skip
def test_real_ab_files_have_their_assignment_first(name, column, reasons, pattern, values):
    found = assignment_columns(_frame(name))
    first = found[0]
    assert first.column == column and first.reasons == reasons
    assert first.value_pattern == pattern and first.values == values and first.arms == 2


def test_page_redesign_also_lists_the_design_column_after_the_group():
    found = assignment_columns(_frame("page_redesign_ab.csv"))
    assert [a.column for a in found] == ["group", "page_design"]
    assert found[1].reasons == ("values",) and found[1].value_pattern == "prefix"


def test_demo_data_variant_and_not_device_country_channel():
    users = pl.read_csv(ROOT / "data" / "demo" / "users.csv")
    found = assignment_columns(users)
    assert [(a.column, a.reasons, a.values) for a in found] == [
        ("variant", ("name", "values"), ("A", "B"))
    ]
    ds = _dataset(*sorted((ROOT / "data" / "demo").iterdir()))
    assert [a.column for a in assignment_columns(ds.users, ds.segments)] == ["variant"]


@pytest.mark.parametrize(
    "paths",
    [
        ["rees46_events_sample.csv"],
        ["online_retail.csv"],
        [
            "ecommerce_funnel/user_table.csv",
            "ecommerce_funnel/home_page_table.csv",
            "ecommerce_funnel/search_page_table.csv",
            "ecommerce_funnel/payment_page_table.csv",
            "ecommerce_funnel/payment_confirmation_table.csv",
        ],
    ],
)
def test_files_without_an_experiment_have_no_assignment(paths):
    """Category (47 values), brand, country (37), device (Desktop/Mobile), sex: none is an arm,
    in the raw files nor in the Dataset the app builds from them."""
    for p in paths:
        assert assignment_columns(_frame(p)) == [], p
    ds = _dataset(*(DATASETS / p for p in paths))
    assert assignment_columns(ds.users, ds.segments) == []


@pytest.mark.parametrize(
    ("column", "values", "expected"),
    [
        ("device", ["mobile", "desktop", "tablet"], None),
        ("device", ["A", "B"], None),  # an attribute's name wins over its values
        ("country", ["control", "test"], None),
        ("segment", ["a", "b"], None),
        ("ab_bucket", ["x1", "x2", "x3"], ("name",)),
        ("Variante", ["témoin", "nouvelle"], ("name", "values")),
        ("groupe", ["A", "B", "C"], ("name", "values")),
        ("arm", [str(i) for i in range(10)], ("name",)),  # up to 12 arms when named
        ("arm", [str(i) for i in range(14)], None),
        ("landing_page", ["old_page", "new_page"], ("values",)),
        ("lp", ["old_page", "new_page"], ("values",)),
        ("cell", ["v1", "v2"], ("name", "values")),
        ("flag", ["yes", "no"], None),
        ("app_version", ["2.3.1", "2.4.0", "2.4.1"], None),  # releases, not arms
        ("version", ["v1", "v2"], ("name", "values")),
        ("x", ["control", "treatment_1", "treatment_2"], ("values",)),
        ("x", ["A"], None),  # a single value is no test
        ("x", ["ad", "psa"], None),  # nothing says "arm": the user picks it explicitly
        ("x", ["a", "b", "c", "d", "e", "f", "g"], None),  # 7 letters: too many without a name
        # attributes and measurements that look like arms (review of issue 9)
        ("plan", ["basic", "pro"], None),
        ("gender", ["M", "F"], None),
        ("source", ["google", "facebook"], None),
        ("grade", ["A", "B", "C"], None),
        ("rating", ["a", "b", "c", "d"], None),
        ("team", ["team_1", "team_2", "team_3"], None),
        ("x", ["zone_a", "zone_b"], None),  # the values' own prefix names an attribute
        ("x", ["level 1", "level 2", "level 3"], None),
        ("test_score", ["low", "high"], None),
        ("experiment_name", ["home_cta", "checkout_v2"], None),  # several tests, not arms
        ("is_test", ["true", "false"], None),  # test orders flag
        ("experiment_group", ["control", "variant_1", "variant_2"], ("name", "values")),
        ("Variation", ["Control", "Variation 1", "Variation 2"], ("name", "values")),
        ("x", ["Design_A", "Design_B"], ("values",)),
    ],
)
def test_is_assignment_rules(column, values, expected):
    hit = is_assignment(column, values)
    assert (hit.reasons if hit else None) == expected


# --------------------------------------------------------------------------- summary files


def test_summary_file_counts_and_z_against_statsmodels(tmp_path):
    csv = "variant,visitors,conversions\ncontrol,10234,512\ntreatment,10188,581\n"
    (tmp_path / "ab.csv").write_text(csv)
    s = summary_counts(read_table(tmp_path / "ab.csv").frame)
    assert s is not None and s.revenue is None and s.assignment.column == "variant"
    assert s.table.to_dicts() == [
        {"variant": "control", "visitors": 10234, "conversions": 512},
        {"variant": "treatment", "visitors": 10188, "conversions": 581},
    ]
    a = analyse(s.table)
    z, p = proportions_ztest([581, 512], [10188, 10234])
    cmp = a.comparisons.row(0, named=True)
    assert cmp["z"] == pytest.approx(z, rel=1e-12) and cmp["p_value"] == pytest.approx(p, rel=1e-10)
    # the same through the app's Dataset (kind "counts")
    ds = _dataset(tmp_path / "ab.csv")
    assert summary_from_counts(ds.counts).table.equals(s.table)


def test_summary_with_revenue_sums_daily_rows_segments_and_bad_rows():
    frame = pl.DataFrame(
        {
            "date": ["2025-01-01", "2025-01-01", "2025-01-02", "2025-01-02", "2025-01-02", None],
            "Group": ["A", "B", "A", "B", None, "B"],
            "Users": [1000, 1010, 900, 880, 5, 10],
            "Purchases": [50, 61, 45, 52, 1, 20],
            "revenue_sum": [2500.0, 3100.5, 2200.0, 2650.0, 10.0, 1.0],
            "revenue_sq_sum": [400000.0, 510000.0, 350000.0, 430000.0, 100.0, 1.0],
        }
    )
    s = summary_counts(frame)
    assert s.columns == {
        "variant": "Group",
        "visitors": "Users",
        "conversions": "Purchases",
        "revenue_sum": "revenue_sum",
        "revenue_sumsq": "revenue_sq_sum",
    }
    assert s.dropped == {"ab.rows.no_variant": 1, "ab.rows.more_conversions": 1}
    assert s.rows_read == 6 and s.rows_kept == 4 and s.revenue == "sums"
    assert s.table.to_dicts() == [
        {"variant": "A", "visitors": 1900, "conversions": 95, "revenue_sum": 4700.0,
         "revenue_sumsq": 750000.0},
        {"variant": "B", "visitors": 1890, "conversions": 113, "revenue_sum": 5750.5,
         "revenue_sumsq": 940000.0},
    ]  # fmt: skip
    w = analyse(s.table).revenue["B"]
    ma, mb = 4700 / 1900, 5750.5 / 1890
    va = (750000 - 4700**2 / 1900) / 1899
    vb = (940000 - 5750.5**2 / 1890) / 1889
    assert w.diff == pytest.approx(mb - ma, rel=1e-12)
    assert w.t == pytest.approx((mb - ma) / math.sqrt(va / 1900 + vb / 1890), rel=1e-12)


def test_summary_with_revenue_sd_and_segments():
    frame = pl.DataFrame(
        {
            "variant": ["control", "control", "test", "test"],
            "device": ["mobile", "desktop", "mobile", "desktop"],
            "sessions": [800, 1200, 790, 1210],
            "orders": [30, 70, 41, 80],
            "revenue": [1500.0, 3500.0, 2000.0, 4000.0],
            "revenue_sd": [12.0, 15.0, 13.0, 16.0],
        }
    )
    s = summary_counts(frame)
    assert s.segments == ("device",) and s.revenue == "sums"
    row = s.table.filter((pl.col("variant") == "control") & (pl.col("device") == "mobile"))
    assert row["revenue_sumsq"][0] == pytest.approx(799 * 144 + 1500**2 / 800, rel=1e-12)
    a = analyse(s.table, by="device")
    assert a.segments is not None and sorted(a.segments["segment"]) == ["desktop", "mobile"]


@pytest.mark.parametrize(
    "frame",
    [
        pl.DataFrame({"user_id": [1, 2], "variant": ["A", "B"], "sessions": [3, 4], "orders": [1, 0]}),
        pl.DataFrame({"page": ["/a", "/b"], "visitors": [10, 20], "conversions": [1, 2]}),
        pl.DataFrame({"device": ["mobile", "desktop"], "visitors": [10, 20], "conversions": [1, 2]}),
        pl.DataFrame({"variant": ["A", "B"], "visitors": [10, 20]}),
    ],
)  # fmt: skip
def test_not_summaries(frame):
    assert summary_counts(frame) is None


def test_real_files_are_not_summaries():
    for name in ("cookie_cats.csv", "ga4_merch_store/BigQuery_landing_page_conversion.csv"):
        assert summary_counts(_frame(name)) is None


def test_assignment_reason_is_a_fact_in_both_languages() -> None:
    from kpi.words import Fact, render

    both = is_assignment("version", ["gate_30", "gate_40", "gate_30"])
    assert both is not None and both.reasons == ("name", "values")
    assert both.reason.code == "ab.assign.both" and both.reason["values"] == ["gate_30", "gate_40"]
    assert both.reason["pattern"] == Fact("ab.assign.pattern.prefix")
    assert render(both.reason, "en") == (
        "2 values (gate_30 and gate_40); its name says *version* and its values are one prefix "
        "with short suffixes such as gate_30/gate_40"
    )
    assert render(both.reason, "fr").startswith("2 valeurs (gate_30 et gate_40)\u00a0; son nom")
    letters = is_assignment("grp", ["A", "B"])
    assert letters is not None and letters.reason.code == "ab.assign.values"
    assert (
        render(letters.reason, "fr")
        == "2 valeurs (A et B)\u00a0; ses valeurs sont des lettres comme A/B"
    )
