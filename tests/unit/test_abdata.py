"""kpi.abdata on real public A/B files (read with plain polars) and on small hand-made tables."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl
import pytest
from scipy import stats as sps

from kpi.abdata import count_variants, variant_counts
from kpi.abtest import compare, srm_check, srm_p_value, welch_from_sums
from kpi.errors import SchemaError

DATASETS = Path(__file__).resolve().parents[2].parent / "shared" / "datasets"


def _csv(name: str) -> pl.DataFrame:
    path = DATASETS / name
    if not path.exists():
        pytest.skip(f"{path} not available")
    return pl.read_csv(path)


def _arm(table: pl.DataFrame, column: str, value: str) -> tuple[int, int]:
    row = table.filter(pl.col(column) == value).row(0, named=True)
    return row["conversions"], row["visitors"]


def test_cookie_cats_retention_published_numbers() -> None:
    users = _csv("cookie_cats.csv")
    r7 = variant_counts(users, "version", "retention_7")
    assert r7.columns == ["version", "visitors", "conversions"]
    assert _arm(r7, "version", "gate_30") == (8502, 44700)
    assert _arm(r7, "version", "gate_40") == (8279, 45489)
    res = compare(*_arm(r7, "version", "gate_30"), *_arm(r7, "version", "gate_40"))
    assert res.z == pytest.approx(-3.16436, rel=6e-6)
    assert res.p_value == pytest.approx(0.00155425, rel=6e-6)
    r1 = variant_counts(users, "version", "retention_1")
    res1 = compare(*_arm(r1, "version", "gate_30"), *_arm(r1, "version", "gate_40"))
    assert (res1.conversions_a, res1.conversions_b) == (20034, 20119)
    assert res1.p_value == pytest.approx(0.0744097, rel=6e-6)
    assert srm_p_value(r7["visitors"].to_list()) == pytest.approx(0.00860799, rel=6e-6)


def test_cookie_cats_game_rounds_welch_matches_scipy() -> None:
    users = _csv("cookie_cats.csv")
    counts = count_variants(users, "version", "retention_7", revenue="sum_gamerounds")
    assert counts.rows_read == counts.rows_kept == 90189 and not counts.dropped
    t = counts.table
    a = t.filter(pl.col("version") == "gate_30").row(0, named=True)
    b = t.filter(pl.col("version") == "gate_40").row(0, named=True)
    res = welch_from_sums(
        a["visitors"], a["revenue_sum"], a["revenue_sumsq"],
        b["visitors"], b["revenue_sum"], b["revenue_sumsq"],
    )  # fmt: skip
    raw_a = users.filter(pl.col("version") == "gate_30")["sum_gamerounds"].to_numpy()
    raw_b = users.filter(pl.col("version") == "gate_40")["sum_gamerounds"].to_numpy()
    ref = sps.ttest_ind(raw_b, raw_a, equal_var=False)
    assert res.mean_a == pytest.approx(52.456264, rel=1e-6)  # published mean 52.46
    assert res.t == pytest.approx(ref.statistic, rel=1e-6)
    assert res.p_value == pytest.approx(ref.pvalue, rel=1e-6)
    assert res.df == pytest.approx(ref.df, rel=1e-6)


def test_funnel_5step_published_numbers() -> None:
    users = _csv("funnel_ab_5step.csv")
    t = variant_counts(users, "test group", "converted")
    assert _arm(t, "test group", "a") == (656, 2874)
    assert _arm(t, "test group", "b") == (624, 3127)
    res = compare(656, 2874, 624, 3127)
    assert res.z == pytest.approx(-2.7114, rel=5e-5)
    assert res.p_value == pytest.approx(0.0067, rel=5e-3)
    check = srm_check(t["visitors"].to_list())
    assert check.p_value == pytest.approx(0.001091, rel=5e-4) and check.level == "warn"


def test_page_redesign_integer_outcome() -> None:
    users = _csv("page_redesign_ab.csv")
    t = variant_counts(users, "group", "subscribed")
    assert _arm(t, "group", "control") == (17, 238)
    assert _arm(t, "group", "experimental") == (45, 238)
    res = compare(17, 238, 45, 238)
    assert res.z == pytest.approx(3.81299, rel=6e-6)
    assert res.p_value == pytest.approx(0.000137, rel=5e-3)
    assert srm_p_value(t["visitors"].to_list()) == 1.0


def test_segments_nulls_text_outcome_and_revenue() -> None:
    users = pl.DataFrame(
        {
            "variant": ["A", "A", "B", None, "B", "A", "B"],
            "bought": ["yes", "No", " Y ", "yes", None, "n", "1"],
            "device": ["m", "d", "m", "m", "d", None, "m"],
            "amount": [10.0, None, 5.0, 1.0, 0.0, 2.0, 3.0],
        }
    )
    counts = count_variants(users, "variant", "bought", by="device", revenue="amount")
    assert counts.rows_read == 7 and counts.rows_kept == 6
    assert counts.dropped == {"no variant": 1}
    assert counts.notes == {
        "missing outcome, counted as not converted": 1,
        "missing revenue, counted as 0": 1,
    }
    t = counts.table
    assert t.columns == [
        "device", "variant", "visitors", "conversions", "revenue_sum", "revenue_sumsq",
    ]  # fmt: skip
    assert t.rows() == [
        ("d", "A", 1, 0, 0.0, 0.0),
        ("d", "B", 1, 0, 0.0, 0.0),
        ("m", "A", 1, 1, 10.0, 100.0),
        ("m", "B", 2, 2, 8.0, 34.0),
        (None, "A", 1, 0, 2.0, 4.0),
    ]
    assert t["visitors"].sum() == counts.rows_kept


def test_sufficient_statistics_reproduce_variance() -> None:
    rng = np.random.default_rng(3)
    users = pl.DataFrame(
        {
            "v": rng.choice(["a", "b"], 500),
            "c": rng.random(500) < 0.2,
            "r": rng.gamma(2.0, 10.0, 500),
        }
    )
    t = variant_counts(users, "v", "c", revenue="r")
    for row in t.iter_rows(named=True):
        raw = users.filter(pl.col("v") == row["v"])["r"].to_numpy()
        n, s, ss = row["visitors"], row["revenue_sum"], row["revenue_sumsq"]
        assert n == len(raw) and s == pytest.approx(raw.sum(), rel=1e-12)
        assert (ss - s * s / n) / (n - 1) == pytest.approx(raw.var(ddof=1), rel=1e-9)


@pytest.mark.parametrize(
    "frame, kwargs, words",
    [
        (pl.DataFrame({"v": ["a"], "o": [2]}), {}, "0/1 or yes/no"),
        (pl.DataFrame({"v": ["a"], "o": ["maybe"]}), {}, "yes/no"),
        (pl.DataFrame({"v": ["a"], "o": [1]}), {"by": "zz"}, "segment column 'zz'"),
        (pl.DataFrame({"v": ["a"], "o": [1], "r": ["x"]}), {"revenue": "r"}, "not numeric"),
        (pl.DataFrame({"x": ["a"], "o": [1]}), {}, "variant column 'v'"),
    ],
)
def test_schema_errors_are_for_people(frame, kwargs, words) -> None:
    with pytest.raises(SchemaError, match=words):
        variant_counts(frame, "v", "o", **kwargs)
