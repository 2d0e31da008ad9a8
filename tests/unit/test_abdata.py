"""kpi.abtest counts and analysis (counts.py, analysis.py) on real public A/B files (read with plain polars) and on small hand-made tables."""

from __future__ import annotations

import datetime as _dt
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from scipy import stats as sps
from statsmodels.stats.contingency_tables import StratifiedTable
from statsmodels.stats.multitest import multipletests

from kpi.abtest import (
    ab_counts,
    analyse,
    compare,
    count_variants,
    counts_from_table,
    default_control,
    parse_counts_text,
    parse_split,
    srm_check,
    srm_p_value,
    variant_counts,
    welch_from_sums,
    with_reached_step,
    with_revenue,
)
from kpi.abtest import plan as ab_plan
from kpi.errors import InputError, SchemaError
from kpi.words import render

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
    assert counts.dropped == {"ab.rows.no_variant": 1}  # reason codes, rendered with n
    assert counts.notes == {"ab.rows.no_outcome": 1, "ab.rows.no_revenue": 1}
    assert render("ab.rows.no_variant", "en", n=1) == "1 row without a variant"
    assert render("ab.rows.no_outcome", "fr", n=3).startswith("3 lignes sans conversion")
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
        (pl.DataFrame({"v": ["a"], "o": [1]}), {"by": "zz"}, "segment column zz"),
        (pl.DataFrame({"v": ["a"], "o": [1], "r": ["x"]}), {"revenue": "r"}, "not numeric"),
        (pl.DataFrame({"x": ["a"], "o": [1]}), {}, "variant column v"),
    ],
)
def test_schema_errors_are_for_people(frame, kwargs, words) -> None:
    with pytest.raises(SchemaError, match=words):
        variant_counts(frame, "v", "o", **kwargs)


# --------------------------------------------------------------------------- page helpers


@pytest.mark.parametrize(
    "text",
    [
        "gate_30\t44,700\t8502\ngate_40\t45 489\t8,279\n",  # Excel copy with thousands
        "name;visitors;conversions\r\ngate_30;44700;8502\r\ngate_40;45489;8279",
        "group,conversions,visitors\ngate_30,8502,44700\ngate_40,8279,45489",  # swapped header
        "gate_30 44700 8502\n\ngate_40 45489 8279.0",
    ],
)
def test_pasted_tables_are_read(text) -> None:
    t = parse_counts_text(text)
    assert t.rows() == [("gate_30", 44700, 8502), ("gate_40", 45489, 8279)]


@pytest.mark.parametrize(
    "rows, words",
    [
        ([("A", "100", "ten"), ("B", "100", "5")], "'ten' is not a whole number"),
        ([("A", "100", "-3"), ("B", "100", "5")], "cannot be negative"),
        ([("A", "10", "50"), ("B", "100", "5")], "more conversions"),
        ([("A", "100", "2.5"), ("B", "100", "5")], "not a whole number"),
        ([("A", "100", "5"), ("A", "100", "5")], "used twice"),
        ([("", "100", "5"), ("B", "100", "5")], "has no name"),
        ([("A", "100", ""), ("B", "100", "5")], "has no conversions"),
        ([("A", "100", "5"), (None, None, None)], "at least two groups"),
    ],
)
def test_typed_tables_explain_every_problem(rows, words) -> None:
    frame = pl.DataFrame(rows, schema=["n", "v", "c"], orient="row")
    with pytest.raises(InputError, match=words):
        counts_from_table(frame)


def test_typed_numbers_and_empty_arm_are_accepted() -> None:
    frame = pl.DataFrame({"n": ["A", "B", None], "v": [1000, 0, None], "c": [10, 0, None]})
    assert counts_from_table(frame).rows() == [("A", 1000, 10), ("B", 0, 0)]
    a = analyse(counts_from_table(frame))
    assert a.comparisons["method"][0] == "none"
    assert a.verdicts["B"].sentence.code == "ab.verdict.cannot_compare"
    assert "no visitors" in str(a.verdicts["B"].sentence)


def test_split_and_control() -> None:
    assert parse_split("96/4", 2) == pytest.approx((0.96, 0.04))
    assert parse_split("1:1:2", 3) == pytest.approx((0.25, 0.25, 0.5))
    assert parse_split("", 4) == (0.25,) * 4
    with pytest.raises(InputError, match="3 groups"):
        parse_split("50/50", 3)
    with pytest.raises(InputError, match="positive"):
        parse_split("100/0", 2)
    assert default_control(["treatment", "Control"]) == "Control"
    assert default_control(["gate_40", "gate_30"]) == "gate_30"
    assert default_control(["b", "a"]) == "a"


def test_cookie_cats_analysis_matches_compare_and_note() -> None:
    t = parse_counts_text("gate_30\t44700\t8502\ngate_40\t45489\t8279")
    a = analyse(t, mde=0.05)
    ref = compare(8502, 44700, 8279, 45489)
    row = a.comparisons.row(0, named=True)
    assert a.control == "gate_30"
    assert row["p_value"] == pytest.approx(0.00155425, rel=1e-5) == ref.p_value
    assert row["abs_diff_low"] == pytest.approx(ref.ci_abs_diff[0], rel=1e-12)
    assert row["method"] == "z"
    assert a.srm.p_value == pytest.approx(0.00860799, rel=1e-5) and a.srm.level == "warn"
    assert a.verdicts["gate_40"].sentence["head"].code == "ab.verdict.head.lift.worse"
    assert any(c.code == "ab.srm.warn" for c in a.verdicts["gate_40"].caveats)
    # mde_for_sample inverts power.prop.test: the plan for that MDE needs the visitors we have
    need = ab_plan(8502 / 44700, a.mde_reachable).rows[0].visitors_per_variant
    assert need == pytest.approx(44700, abs=1)


def test_multi_arm_matches_note_m1_and_statsmodels() -> None:
    t = pl.DataFrame(
        {"variant": ["A", "B", "C"], "visitors": [2000] * 3, "conversions": [100, 120, 150]}
    )
    a = analyse(t, correction="holm")
    assert a.many.chi2 == pytest.approx(10.9452, rel=1e-5)
    assert a.many.chi2_p_value == pytest.approx(0.00420024, rel=1e-5)
    adj = dict(zip(a.comparisons["variant"], a.comparisons["adjusted_p_value"], strict=True))
    assert adj["B"] == pytest.approx(0.165416, rel=1e-5)
    assert adj["C"] == pytest.approx(0.00218167, rel=1e-5)
    assert a.arms.filter(pl.col("variant") == "C")["prob_best"][0] == pytest.approx(
        0.9699, abs=3e-3
    )
    assert any(c.code.startswith("ab.caveat.comparisons") for c in a.verdicts["C"].caveats)


def test_segments_simpson_cmh_and_family() -> None:
    seg = pl.DataFrame(
        {
            "device": ["desktop", "desktop", "mobile", "mobile"],
            "variant": ["A", "B", "A", "B"],
            "visitors": [1000, 4000, 4000, 1000],
            "conversions": [200, 760, 200, 40],
        }
    )
    a = analyse(seg, by="device", correction="bh", family="variants")
    s = a.simpson["B"]
    assert s.paradox and "paradox" in str(s.message).lower()
    tables = [np.array([[760, 3240], [200, 800]]), np.array([[40, 960], [200, 3800]])]
    st = StratifiedTable(tables)
    assert s.cmh.p_value == pytest.approx(st.test_null_odds(correction=False).pvalue, rel=1e-9)
    assert s.cmh.p_value == pytest.approx(0.206891, rel=1e-5)
    # family "variants": one comparison per segment, so nothing to adjust
    assert a.segments["adjusted_p_value"].to_list() == pytest.approx(
        a.segments["p_value"].to_list()
    )
    b = analyse(seg, by="device", correction="bh", family="variants x segments")
    ref = multipletests(b.segments["p_value"].to_list(), method="fdr_bh")[1]
    assert b.segments["adjusted_p_value"].to_list() == pytest.approx(list(ref), rel=1e-12)
    assert any(c.code.startswith("ab.simpson.flip") for c in a.verdicts["B"].caveats)


def test_reached_step_in_order_within_window_and_revenue() -> None:
    t0 = _dt.datetime(2025, 1, 1)
    h = _dt.timedelta(hours=1)
    events = pl.DataFrame(
        {
            "user_id": ["1", "1", "1", "2", "2", "3", "3", "3"],
            "ts": [t0, t0 + h, t0 + 2 * h, t0, t0 + 50 * h, t0 + 2 * h, t0 + h, t0],
            "step": ["s1", "s2", "s3", "s1", "s2", "s1", "s2", "s3"],
            "revenue": [None, None, 9.5, None, 2.0, None, None, 1.0],
        }
    )
    users = pl.DataFrame({"user_id": ["1", "2", "3", "4"], "variant": ["A", "B", "A", "B"]})
    r = with_reached_step(users, events, ["s1", "s2", "s3"], "s2", column="ok")
    assert r["ok"].to_list() == [True, True, False, False]  # 3 did s2 before s1; 4 no events
    r = with_reached_step(users, events, ["s1", "s2", "s3"], "s2", window=_dt.timedelta(days=1))
    assert r["reached_step"].to_list() == [True, False, False, False]  # 2 took 50 h
    rev = with_revenue(users, events)
    assert rev["revenue_per_user"].to_list() == [9.5, 2.0, 1.0, 0.0]
    vc = ab_counts(
        users, events, variant="variant", step="s3", steps=["s1", "s2", "s3"], revenue=True
    )
    assert vc.table.rows() == [("A", 2, 1, 10.5, 9.5**2 + 1.0), ("B", 2, 0, 2.0, 4.0)]


def test_funnel_5step_step3_and_welch_through_analyse() -> None:
    raw = _csv("funnel_ab_5step.csv")
    users = raw.select(
        pl.col("user id").cast(pl.String).alias("user_id"), pl.col("test group").alias("variant")
    )
    steps = [f"step{i}" for i in range(1, 6)]
    events = raw.unpivot(steps, index="user id").filter(pl.col("value").cast(pl.Boolean))
    events = events.select(
        pl.col("user id").cast(pl.String).alias("user_id"), pl.col("variable").alias("step")
    )
    vc = ab_counts(users, events, variant="variant", step="step3", steps=steps)
    # reached step 3 = did steps 1, 2 and 3 (membership funnel), counted by plain polars
    ref = raw.filter(
        pl.col("step1").cast(pl.Boolean)
        & pl.col("step2").cast(pl.Boolean)
        & pl.col("step3").cast(pl.Boolean)
    )
    ref = ref.group_by("test group").len().sort("test group")["len"].to_list()
    assert vc.table["conversions"].to_list() == ref
    a = analyse(vc.table)
    assert a.srm.level == "warn" and a.srm.p_value == pytest.approx(0.001091, rel=5e-4)

    rng = np.random.default_rng(7)
    amounts = rng.gamma(2.0, 30.0, 400) * (rng.random(400) < 0.3)
    arm = np.where(np.arange(400) < 200, "A", "B")
    frame = pl.DataFrame({"v": arm, "c": amounts > 0, "r": amounts})
    a = analyse(variant_counts(frame, "v", "c", revenue="r"), variant="v")
    ref = sps.ttest_ind(amounts[200:], amounts[:200], equal_var=False)
    assert a.revenue["B"].p_value == pytest.approx(ref.pvalue, rel=1e-9)
    assert a.arms["revenue_per_visitor"].to_list() == pytest.approx(
        [amounts[:200].mean(), amounts[200:].mean()]
    )


def test_analysis_is_typed_and_pickles_for_the_workbook() -> None:
    """The page stores the typed analysis (st.session_state, the workbook): it pickles, and
    its facts render in both languages."""
    import pickle

    from kpi.words import render

    t = parse_counts_text("A\t2000\t100\nB\t2000\t120\nC\t2000\t150")
    a = analyse(t, mde=0.1, planned_split=parse_split("40/30/30", 3))
    a = a.with_plan(ab_plan(0.05, 0.1, daily_visitors=500, variants=3))
    back = pickle.loads(pickle.dumps(a))
    assert back.verdicts == a.verdicts and back.plan == a.plan
    assert a.comparisons["p_value"][1] == pytest.approx(compare(100, 2000, 150, 2000).p_value)
    assert a.planned_split == pytest.approx((0.4, 0.3, 0.3))
    assert a.plan.rows[0].visitors_per_variant == ab_plan(0.05, 0.1).rows[0].visitors_per_variant
    sentence = a.verdicts["C"].sentence
    assert sentence.code == "ab.verdict.sentence"
    assert render(sentence, "en").startswith("C converts 50.0% better than A")
    assert render(sentence, "fr").startswith("C convertit 50,0\u00a0% mieux que A")
    assert a.srm.message.code == "ab.srm.alert"  # 2,000 each vs a 40/30/30 plan


def test_why_this_test_is_a_fact_with_the_group_names() -> None:
    """The smallest expected cell, named with the group, as a number (no 1.99e+04)."""
    from kpi.words import render

    a = analyse(parse_counts_text("gate_30\t44700\t20034\ngate_40\t45489\t20119"))
    reason = a.method_reasons["gate_40"]
    assert reason.code == "ab.method.z.conversions" and reason["group"] == "gate_30"
    assert reason["expected"] == pytest.approx(44700 * 40153 / 90189, rel=1e-12)  # 19,901.1
    assert "19,901 expected conversions in group gate_30" in render(reason, "en")
    assert "19\u202f901 conversions attendues dans le groupe gate_30" in render(reason, "fr")
    diff = 20119 / 45489 - 20034 / 44700  # independent of kpi: the two rates by hand
    assert a.comparisons["abs_diff"][0] == pytest.approx(diff, rel=1e-12)


def test_intervals_are_corrected_like_the_p_values() -> None:
    counts = pl.DataFrame(
        {"variant": ["A", "B", "C"], "visitors": [2000, 2000, 2000], "conversions": [100, 120, 150]}
    )
    holm = analyse(counts, correction="holm")
    assert holm.ci_alpha == pytest.approx(0.025) and holm.ci_correction == "bonferroni"
    c = holm.comparisons.row(1, named=True)
    ref = compare(100, 2000, 150, 2000, alpha=0.025)
    assert (c["abs_diff_low"], c["abs_diff_high"]) == pytest.approx(ref.ci_abs_diff, rel=1e-12)
    assert (c["rel_lift_low"], c["rel_lift_high"]) == pytest.approx(ref.ci_rel_lift, rel=1e-12)
    assert c["ci_level"] == pytest.approx(0.975)
    assert holm.verdicts["C"].sentence["head"]["ci"].code == "ab.ci.lift.bonferroni"
    assert "97.5% CI of the lift" in str(holm.verdicts["C"].sentence)
    bh = analyse(counts, correction="bh")
    assert bh.ci_correction is None and bh.comparisons["ci_level"][0] == pytest.approx(0.95)
    assert bh.verdicts["C"].sentence["head"]["ci"].code == "ab.ci.lift.uncorrected"
    assert "not corrected for the 2 comparisons" in str(bh.verdicts["C"].sentence)
    # per segment: Bonferroni over the family of every variant × segment comparison
    seg = pl.DataFrame(
        {
            "variant": ["A", "B", "A", "B"],
            "device": ["m", "m", "d", "d"],
            "visitors": [1000, 1000, 1000, 1000],
            "conversions": [50, 70, 60, 61],
        }
    )
    a = analyse(seg, by="device", correction="holm")
    assert a.segment_ci_alpha == pytest.approx(0.025)
    m = a.segments.filter(pl.col("segment") == "m").row(0, named=True)
    ref_m = compare(50, 1000, 70, 1000, alpha=0.025)
    assert (m["abs_diff_low"], m["abs_diff_high"]) == pytest.approx(ref_m.ci_abs_diff, rel=1e-12)


def test_observational_analysis_has_no_srm_and_no_verdict_words() -> None:
    counts = pl.DataFrame(
        {"device": ["Desktop", "Mobile"], "visitors": [60000, 30000], "conversions": [600, 1210]}
    )
    a = analyse(counts, variant="device", control="Desktop", observational=True)
    assert a.srm is None and a.srm_error is None and a.observational
    sentence = a.verdicts["Mobile"].sentence
    assert sentence.code == "ab.verdict.observational.ci"
    assert sentence["rate_b"] == pytest.approx(1210 / 30000) and sentence["b"] == "Mobile"
    words = str(sentence)
    assert "not assigned at random" in words and "chance" not in words


def test_holm_significant_but_bonferroni_interval_touching_zero_is_called_borderline():
    """Review of issue 9: A 1000/10000, B 1110/10000, C 1085/10000. Pooled z p-values (by
    hand below) 0.0113 and 0.0492; Holm: B 2 × 0.0113 = 0.0227, C max(0.0227, 0.0492) = 0.0492,
    both significant at 5 %; but C's 97.5 % (Bonferroni) interval includes 0, so its verdict
    says the interval and the corrected p disagree instead of reading as a clean result."""
    import math

    from scipy.stats import norm

    def pooled_p(xa, na, xb, nb):
        p = (xa + xb) / (na + nb)
        z = (xb / nb - xa / na) / math.sqrt(p * (1 - p) * (1 / na + 1 / nb))
        return 2 * norm.sf(abs(z))

    pb, pc = pooled_p(1000, 10000, 1110, 10000), pooled_p(1000, 10000, 1085, 10000)
    counts = pl.DataFrame(
        {"variant": ["A", "B", "C"], "visitors": [10000] * 3, "conversions": [1000, 1110, 1085]}
    )
    a = analyse(counts, variant="variant", control="A")
    rows = {r["variant"]: r for r in a.comparisons.iter_rows(named=True)}
    assert rows["B"]["adjusted_p_value"] == pytest.approx(2 * pb, rel=1e-9)
    assert rows["C"]["adjusted_p_value"] == pytest.approx(max(2 * pb, pc), rel=1e-9)
    assert rows["B"]["significant"] and rows["C"]["significant"]
    assert rows["C"]["ci_level"] == pytest.approx(0.975)
    assert rows["C"]["abs_diff_low"] < 0 < rows["B"]["abs_diff_low"]
    borderline = [c for c in a.verdicts["C"].caveats if c.code.startswith("ab.caveat.border")]
    assert [c.code for c in borderline] == ["ab.caveat.borderline_bonferroni.includes"]
    assert borderline[0]["level"] == pytest.approx(97.5)
    assert "97.5% interval" in str(borderline[0]) and "Holm" in str(borderline[0])
    assert "intervalle à 97,5\u00a0%" in render(borderline[0], "fr")
    assert not any(c.code.startswith("ab.caveat.border") for c in a.verdicts["B"].caveats)
    assert any(c.code == "ab.caveat.comparisons.corrected_ci" for c in a.verdicts["B"].caveats)
