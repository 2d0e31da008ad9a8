"""kpi.abtest against independent references: statsmodels, scipy, R values and the note's tables.

Reference note: shared/notes/ab-statistics.md (§4 test vectors, §1.3 GrowthBook anchors).
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy import integrate
from scipy import stats as sps
from statsmodels.stats.contingency_tables import StratifiedTable
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import (
    confint_proportions_2indep,
    proportion_confint,
    proportions_ztest,
)

from kpi import abtest
from kpi.abtest import (
    DEFINITIONS,
    ABResult,
    Arm,
    adjust_p_values,
    cmh_test,
    compare,
    compare_many,
    prob_best,
    prob_greater,
    sequential,
    simpson_check,
    srm_check,
    srm_p_value,
    verdict,
    welch,
    welch_from_sums,
)
from kpi.abtest.verdict import p_fact
from kpi.definitions import Definition, formula, label
from kpi.errors import InputError
from kpi.words import Fact, render

REL = 1e-6

# (A x, A n, B x, B n) of the note's §4.1 cases
CASES = {
    "01": (200, 10000, 250, 10000),
    "02": (500, 5000, 500, 5000),
    "03": (0, 1000, 8, 1000),
    "04": (0, 500, 0, 500),
    "05": (20, 20, 15, 20),
    "06": (1, 10, 6, 10),
    "07": (2, 15, 9, 15),
    "08": (100000, 5000000, 101000, 5000000),
    "09": (17489, 145274, 17264, 145310),
    "10": (8502, 44700, 8279, 45489),
    "11": (20034, 44700, 20119, 45489),
    "12": (420, 23524, 14423, 564577),
    "13": (14, 28, 16, 30),
    "14": (49, 100, 51, 100),
}

# §4.1: z, p z, Fisher p (6 significant digits; z of case 01 to 4)
NOTE_TESTS = {
    "01": (2.384, 0.0171258, 0.0193787),
    "02": (0.0, 1.0, 1.0),
    "03": (2.8341, 0.00459548, 0.00770348),
    "04": (None, None, 1.0),
    "05": (-2.39046, 0.0168274, 0.047124),
    "06": (2.34404, 0.0190763, 0.0572755),
    "07": (2.65207, 0.00799992, 0.0209395),
    "08": (2.25326, 0.0242428, 0.024385),
    "09": (-1.31092, 0.189883, 0.190477),
    "10": (-3.16436, 0.00155425, 0.00159096),
    "11": (-1.78409, 0.0744097, 0.0747072),
    "12": (7.37008, 1.70528e-13, 1.04707e-14),
    "13": (0.253859, 0.799604, 1.0),
    "14": (0.282843, 0.777297, 0.887584),
}

# §4.2: Wilson A, Wilson B, Newcombe, Katz (rel. lift), P(B>A), E-loss choose B, choose A
NOTE_INTERVALS = {
    "01": ((0.0174347, 0.0229339), (0.0221176, 0.0282472), (0.000887048, 0.00913827), (0.0400644, 0.502311), 0.991423, 6.01558e-06, 0.00500502),
    "02": ((0.0919892, 0.108625), (0.0919892, 0.108625), (-0.0117713, 0.0117713), (-0.110946, 0.124792), 0.5, 0.00239427, 0.00239427),
    "03": ((0.0, 0.00382676), (0.0040592, 0.0157063), (0.00250691, 0.0157063), None, 0.998082, 1.90574e-06, 0.00798594),
    "04": ((0.0, 0.00762434), (0.0, 0.00762434), (-0.00762434, 0.00762434), None, 0.5, 0.000995023, 0.000995023),
    "05": ((0.838875, 1.0), (0.531299, 0.888138), (-0.468701, -0.0377654), (-0.417667, -0.0340583), 0.0103443, 0.227677, 0.000404587),
    "06": ((0.0178762, 0.40415), (0.312674, 0.83182), (0.081594, 0.745936), (-0.126513, 40.2141), 0.988132, 0.000813254, 0.41748),
    "07": ((0.0373613, 0.37882), (0.357468, 0.801755), (0.121579, 0.690085), (0.161046, 16.4412), 0.995426, 0.000240961, 0.412006),
    "08": ((0.0198777, 0.0201231), (0.0200771, 0.0203237), (2.60327e-05, 0.00037397), (0.00129598, 0.0187797), 0.987879, 3.72347e-07, 0.000200372),
    "09": ((0.118723, 0.12207), (0.117154, 0.120482), (-0.00393793, 0.000781423), (-0.0323906, 0.00655518), 0.0949442, 0.00163177, 5.35532e-05),
    "10": ((0.18659, 0.193866), (0.178481, 0.185573), (-0.0132819, -0.0031213), (-0.0688912, -0.0166336), 0.000777339, 0.00820173, 5.47813e-07),
    "11": ((0.443582, 0.452802), (0.437724, 0.446851), (-0.0123919, 0.000582095), (-0.0274499, 0.00130805), 0.037206, 0.00595413, 4.91772e-05),
    "12": ((0.0162389, 0.0196267), (0.0251382, 0.0259614), (0.00587342, 0.00936003), (0.299697, 0.57524), 1.0, 7.55318e-19, 0.00765315),
    "13": ((0.326331, 0.673669), (0.361423, 0.697676), (-0.211031, 0.272435), (-0.35254, 0.757295), 0.598548, 0.0359714, 0.0672214),
    "14": ((0.39422, 0.58652), (0.41348, 0.60578), (-0.1165, 0.155453), (-0.211235, 0.37341), 0.610771, 0.0191165, 0.0387243),
}  # fmt: skip


def close(a: float | None, b: float | None, rel: float = REL, abs_: float = 0.0) -> bool:
    if a is None or b is None:
        return a is b
    return a == pytest.approx(b, rel=rel, abs=abs_)


def close_pair(a, b, rel: float = REL, abs_: float = 1e-15) -> bool:
    if a is None or b is None:
        return a is b
    return all(close(x, y, rel, abs_) for x, y in zip(a, b, strict=True))


# --------------------------------------------------------------------------- compare, statsmodels


@pytest.mark.parametrize("case", sorted(CASES))
def test_compare_matches_statsmodels_and_scipy(case: str) -> None:
    xa, na, xb, nb = CASES[case]
    r = compare(xa, na, xb, nb)
    assert r.rate_a == xa / na and r.rate_b == xb / nb
    assert close(r.abs_diff, xb / nb - xa / na)
    if xa + xb > 0:
        z, p = proportions_ztest([xb, xa], [nb, na])
        assert close(r.z, float(z), abs_=1e-12)
        assert close(r.z_p_value, float(p))
    fisher = sps.fisher_exact([[xb, nb - xb], [xa, na - xa]]).pvalue
    assert close(r.fisher_p_value, min(1.0, float(fisher)))
    for x, n, ci in ((xa, na, r.ci_a), (xb, nb, r.ci_b)):
        ref = proportion_confint(x, n, method="wilson")
        assert close_pair(ci, (max(0.0, ref[0]), min(1.0, ref[1])), abs_=1e-15)
    ref = confint_proportions_2indep(xb, nb, xa, na, method="newcomb", compare="diff")
    assert close_pair(r.ci_abs_diff, ref, abs_=1e-15)
    if xa > 0 and xb > 0:
        lo, hi = confint_proportions_2indep(xb, nb, xa, na, method="log", compare="ratio")
        assert close_pair(r.ci_rel_lift, (lo - 1, hi - 1), abs_=1e-12)
        assert close(r.rel_lift, (xb / nb) / (xa / na) - 1)
    else:
        assert r.ci_rel_lift is None


@pytest.mark.parametrize("case", sorted(CASES))
def test_compare_matches_note_tables(case: str) -> None:
    r = compare(*CASES[case])
    z, pz, fisher = NOTE_TESTS[case]
    tol = 1e-4 if case == "01" else 6e-6  # the note rounds to 6 significant digits
    assert close(r.z, z, rel=tol, abs_=1e-12)
    assert close(r.z_p_value, pz, rel=tol)
    assert close(r.fisher_p_value, fisher, rel=tol)
    wa, wb, newc, katz, prob, loss_b, loss_a = NOTE_INTERVALS[case]
    assert close_pair(r.ci_a, wa, rel=6e-6, abs_=1e-15)
    assert close_pair(r.ci_b, wb, rel=6e-6, abs_=1e-15)
    assert close_pair(r.ci_abs_diff, newc, rel=6e-6)
    assert close_pair(r.ci_rel_lift, katz, rel=6e-6)
    assert close(r.prob_b_beats_a, prob, rel=6e-6)
    assert close(r.expected_loss_b, loss_b, rel=6e-6)
    assert close(r.expected_loss_a, loss_a, rel=6e-6)


def test_published_udacity_and_cookie_cats() -> None:
    # Udacity ab_data (cleaned): z for A − B = 1.3109241984234394, one-sided p 0.9050583127590245
    r = compare(17489, 145274, 17264, 145310)
    assert close(-r.z, 1.3109241984234394, rel=1e-9)
    assert close(1 - r.z_p_value / 2, 0.9050583127590245, rel=1e-9)
    assert r.rate_a == pytest.approx(0.1203863045004612, rel=1e-12)
    assert r.rate_b == pytest.approx(0.11880806551510564, rel=1e-12)
    assert not r.significant and r.method == "z"
    r7 = compare(8502, 44700, 8279, 45489)
    assert r7.significant and r7.p_value == pytest.approx(0.00155425, rel=6e-6)


def test_method_switches_to_fisher_with_reason() -> None:
    r = compare(1, 10, 6, 10)  # expected conversions 3.5 < 5
    assert r.method == "fisher" and r.p_value == r.fisher_p_value
    reason = r.method_reason  # a fact: the smallest expected cell and its count
    assert reason.code == "ab.method.fisher.conversions" and reason["group"] == "A"
    assert reason["expected"] == pytest.approx(3.5)
    assert "are 3.5, below 5" in str(reason)
    assert "sont de 3,5, moins de 5" in render(reason, "fr")
    assert not r.significant  # Fisher 0.057 where z says 0.019
    big = compare(200, 10000, 250, 10000)
    assert big.method == "z" and big.p_value == big.z_p_value and big.significant


def test_alpha_changes_levels() -> None:
    r = compare(200, 10000, 250, 10000, alpha=0.01)
    ref = proportion_confint(200, 10000, alpha=0.01, method="wilson")
    assert close_pair(r.ci_a, ref)
    assert not r.significant and r.alpha == 0.01


def test_exact_bayes_against_quadrature() -> None:
    def ref_prob(xa, na, xb, nb):
        fb = sps.beta(xb + 1, nb - xb + 1)
        fa = sps.beta(xa + 1, na - xa + 1)
        val, _ = integrate.quad(lambda t: fb.pdf(t) * fa.cdf(t), 0, 1, epsabs=1e-13, limit=200)
        return val

    for xa, na, xb, nb in [(3, 40, 9, 41), (120, 1000, 130, 1000), (0, 0, 0, 0), (30, 30, 2, 2)]:
        assert prob_greater(xb + 1, nb - xb + 1, xa + 1, na - xa + 1) == pytest.approx(
            ref_prob(xa, na, xb, nb), rel=1e-8
        )


@pytest.mark.parametrize("case", ["01", "05", "06", "08", "10", "13"])
def test_expected_loss_against_scipy_quad(case: str) -> None:
    """Reference by another formula: E[max(X − Y, 0)] = ∫ f_X(x)·(x·F_Y(x) − E[Y]·F_Y⁺(x)) dx."""
    xa, na, xb, nb = CASES[case]
    pa, pb = (xa + 1, na - xa + 1), (xb + 1, nb - xb + 1)

    def loss(px, py):
        fx = sps.beta(*px)
        my = py[0] / sum(py)
        lo, hi = fx.ppf([1e-15, 1 - 1e-15])
        val, _ = integrate.quad(
            lambda x: fx.pdf(x) * (x * sps.beta.cdf(x, *py) - my * sps.beta.cdf(x, py[0] + 1, py[1])),
            lo, hi, epsabs=0, epsrel=1e-12, limit=2000, points=[fx.mean()],
        )  # fmt: skip
        return val

    r = compare(xa, na, xb, nb)
    assert r.expected_loss_b == pytest.approx(loss(pa, pb), rel=1e-7)
    assert r.expected_loss_a == pytest.approx(loss(pb, pa), rel=1e-7)


def _exact_prob_greater(a1: int, b1: int, a2: int, b2: int) -> Fraction:
    """P(X > Y) as an exact rational: Evan Miller's closed-form sum with integer Beta functions,
    B(a, b) = (a − 1)!(b − 1)!/(a + b − 1)!, in exact arithmetic (a reference, small counts)."""

    def beta(a: int, b: int) -> Fraction:
        return Fraction(math.factorial(a - 1) * math.factorial(b - 1), math.factorial(a + b - 1))

    return sum(
        (beta(a2 + i, b1 + b2) / ((b1 + i) * beta(1 + i, b1) * beta(a2, b2)) for i in range(a1)),
        Fraction(0),
    )


@pytest.mark.parametrize(
    ("xa", "na", "xb", "nb"),
    [
        (3, 10, 5, 12),
        (20, 200, 30, 210),
        (100, 2000, 120, 2000),
        (100, 1000, 40, 1000),  # P(B > A) ≈ 5e-8: a tiny probability keeps its digits
        (0, 1000, 100, 1000),  # P ≈ 1 − 2.8e-32
        (100, 1000, 0, 1000),  # P ≈ 2.8e-32
        (50, 50, 0, 50),  # P ≈ 2.5e-30
        (0, 50, 0, 50),
    ],
)
def test_prob_greater_equals_exact_rational(xa: int, na: int, xb: int, nb: int) -> None:
    exact = float(_exact_prob_greater(xb + 1, nb - xb + 1, xa + 1, na - xa + 1))
    got = prob_greater(xb + 1, nb - xb + 1, xa + 1, na - xa + 1)
    assert got == pytest.approx(exact, rel=1e-12, abs=1e-15 if exact > 1e-3 else 0)


@pytest.mark.parametrize("n", [10**6, 10**8, 10**9])
def test_identical_arms_at_a_billion_visitors_give_one_half(n: int) -> None:
    """The review's case: the un-normalised integral gave 0.5000012 for identical arms."""
    x = n // 20
    assert prob_greater(x + 1, n - x + 1, x + 1, n - x + 1) == pytest.approx(0.5, abs=1e-9)
    r = compare(x, n, x, n)
    assert r.prob_b_beats_a == pytest.approx(0.5, abs=1e-9)
    two = prob_best([(x, n), (x, n)])
    three = prob_best([(x, n), (x, n), (x, n)])
    assert two == pytest.approx([0.5, 0.5], abs=1e-9)
    assert three == pytest.approx([1 / 3] * 3, abs=1e-9)
    # identical posteriors, normal limit: expected loss = σ_diff·φ(0) = σ√2/√(2π) = σ/√π
    a, b = x + 1, n - x + 1
    sd = math.sqrt(a * b / ((a + b) ** 2 * (a + b + 1)))
    assert r.expected_loss_a == pytest.approx(sd / math.sqrt(math.pi), rel=1e-5)  # normal limit


def test_prob_greater_at_huge_counts_against_monte_carlo_and_normal_limit() -> None:
    """10⁹ visitors per arm, 0.1 % vs 0.1001 %: brute-force draws (4 million) and the normal
    limit of the Beta posteriors (exact up to O(1/√x) skewness terms, ~1e-7 here)."""
    xa, xb, n = 10**6, 1_001_000, 10**9
    a1, b1, a2, b2 = xb + 1, n - xb + 1, xa + 1, n - xa + 1
    got = prob_greater(a1, b1, a2, b2)
    rng = np.random.default_rng(20260)
    draws = 4_000_000
    mc = float(np.mean(rng.beta(a1, b1, draws) > rng.beta(a2, b2, draws)))
    assert abs(got - mc) < 5 * math.sqrt(mc * (1 - mc) / draws)
    m1, m2 = a1 / (a1 + b1), a2 / (a2 + b2)
    v1 = a1 * b1 / ((a1 + b1) ** 2 * (a1 + b1 + 1))
    v2 = a2 * b2 / ((a2 + b2) ** 2 * (a2 + b2 + 1))
    assert got == pytest.approx(float(sps.norm.cdf((m1 - m2) / math.sqrt(v1 + v2))), abs=1e-6)
    pa, pb = prob_best([(xa, n), (xb, n)])
    assert pb == pytest.approx(got, abs=1e-12) and pa + pb == pytest.approx(1.0, abs=1e-12)


def test_prob_best_three_arms_against_monte_carlo_at_huge_counts() -> None:
    arms = [(5_000_000, 10**8), (5_002_000, 10**8), (4_999_000, 10**8)]
    got = prob_best(arms)
    rng = np.random.default_rng(7)
    draws = 2_000_000
    samples = np.stack([rng.beta(x + 1, n - x + 1, draws) for x, n in arms])
    mc = np.bincount(samples.argmax(axis=0), minlength=3) / draws
    for g, m in zip(got, mc, strict=True):
        assert abs(g - m) < 5 * math.sqrt(m * (1 - m) / draws) + 1e-6
    assert sum(got) == pytest.approx(1.0, abs=1e-9)


# --------------------------------------------------------------------------- degenerate input


def test_no_conversions_anywhere_is_explained_not_raised() -> None:
    r = compare(0, 500, 0, 500)
    assert r.explanation == Fact("ab.degenerate.no_conversions")
    assert "no conversions in either group" in str(r.explanation)
    assert r.z is None and r.z_p_value is None and r.rel_lift is None and r.ci_rel_lift is None
    assert r.p_value == 1.0 and r.method == "fisher" and not r.significant
    assert r.prob_b_beats_a == pytest.approx(0.5, abs=1e-9)
    assert r.ci_abs_diff == pytest.approx((-0.00762434, 0.00762434), rel=6e-6)


def test_everyone_converted_is_explained() -> None:
    r = compare(40, 40, 50, 50)
    assert r.explanation == Fact("ab.degenerate.all_converted")
    assert str(r.explanation).startswith("Every visitor converted in both groups")
    assert r.z is None and r.p_value == 1.0 and not r.significant
    assert r.rel_lift == 0.0 and r.ci_b == (pytest.approx(0.928652, rel=1e-5), 1.0)


def test_empty_arm_is_explained() -> None:
    r = compare(0, 0, 5, 100)
    assert r.method == "none" and r.p_value is None and not r.significant
    assert r.rate_a is None and r.ci_a is None and r.rate_b == 0.05
    assert r.explanation == Fact("ab.degenerate.no_visitors", groups=["A"], count=1)
    assert str(r.explanation).startswith("Group A has no visitors")
    both = compare(0, 0, 0, 0)
    assert str(both.explanation).startswith("Groups A and B have no visitors")
    assert render(both.explanation, "fr").startswith("Les groupes A et B n'ont aucun visiteur")


@pytest.mark.parametrize(
    "args, words",
    [
        ((-1, 10, 1, 10), "cannot be negative"),
        ((11, 10, 1, 10), "more conversions"),
        ((1, 10, 1, -10), "cannot be negative"),
        (("3", 10, 1, 10), "whole number"),
        ((1.5, 10, 1, 10), "whole number"),
        ((True, 10, 1, 10), "whole number"),
        ((1, float("nan"), 1, 10), "whole number"),
        ((None, 10, 1, 10), "whole number"),
    ],
)
def test_impossible_inputs_raise_input_error(args, words) -> None:
    with pytest.raises(InputError, match=words):
        compare(*args)


def test_integral_floats_and_numpy_ints_are_accepted() -> None:
    a = compare(np.int64(200), 10000.0, 250, np.int32(10000))
    b = compare(200, 10000, 250, 10000)
    assert a == b and isinstance(a.visitors_a, int)


@pytest.mark.parametrize("alpha", [0, 1, -0.1, "0.05"])
def test_bad_alpha(alpha) -> None:
    with pytest.raises(InputError):
        compare(1, 10, 2, 10, alpha=alpha)


def _no_nan(r: ABResult) -> None:
    for name, value in vars(r).items():
        values = value if isinstance(value, tuple) else (value,)
        for v in values:
            if isinstance(v, float):
                assert math.isfinite(v), name


arm = st.integers(0, 1500).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n)))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(arm, arm)
def test_properties_any_valid_counts(a, b) -> None:
    (xa, na), (xb, nb) = a, b
    r = compare(xa, na, xb, nb)
    _no_nan(r)
    if na == 0 or nb == 0:
        assert r.explanation and r.p_value is None
        return
    for ci, est in ((r.ci_a, r.rate_a), (r.ci_b, r.rate_b), (r.ci_abs_diff, r.abs_diff)):
        assert ci[0] <= est + 1e-12 and est - 1e-12 <= ci[1]
    for ci in (r.ci_a, r.ci_b):
        assert 0.0 <= ci[0] <= ci[1] <= 1.0
    assert -1.0 <= r.ci_abs_diff[0] <= r.ci_abs_diff[1] <= 1.0
    if r.ci_rel_lift is not None:
        assert r.ci_rel_lift[0] <= r.rel_lift + 1e-9 <= r.ci_rel_lift[1] + 2e-9
    assert 0.0 <= r.p_value <= 1.0 and 0.0 <= r.prob_b_beats_a <= 1.0
    assert r.expected_loss_a >= 0 and r.expected_loss_b >= 0
    # E[pB − pA] = loss(A) − loss(B), since max(d, 0) − max(−d, 0) = d
    mean_diff = (xb + 1) / (nb + 2) - (xa + 1) / (na + 2)
    assert r.expected_loss_a - r.expected_loss_b == pytest.approx(mean_diff, abs=1e-9)
    swapped = compare(xb, nb, xa, na)
    assert r.prob_b_beats_a + swapped.prob_b_beats_a == pytest.approx(1.0, abs=1e-9)
    assert swapped.p_value == pytest.approx(r.p_value, rel=1e-9)


@settings(max_examples=60, deadline=None)
@given(arm)
def test_symmetric_inputs_give_even_odds(a) -> None:
    x, n = a
    r = compare(x, n, x, n)
    if n:
        assert r.prob_b_beats_a == pytest.approx(0.5, abs=1e-9)
        assert r.expected_loss_a == pytest.approx(r.expected_loss_b, rel=1e-9, abs=1e-15)
        assert not r.significant


# --------------------------------------------------------------------------- k groups


def test_compare_many_matches_r_prop_test_smokers() -> None:
    arms = {"g1": (73, 86), "g2": (90, 93), "g3": (114, 136), "g4": (75, 82)}
    m = compare_many(arms, correction="holm")
    assert m.chi2 == pytest.approx(11.11938768628861, rel=1e-12)
    assert m.chi2_p_value == pytest.approx(0.011097511366581344, rel=1e-9)
    assert m.chi2_df == 3 and m.control == "g1"
    g2 = m.comparisons[0]
    assert g2.name == "g2" and g2.result.z_p_value == pytest.approx(0.00533824886503131, rel=1e-9)
    raw = [c.result.p_value for c in m.comparisons]
    assert raw == pytest.approx([0.00533825, 0.832757, 0.188057], rel=6e-6)
    holm = [c.adjusted_p_value for c in m.comparisons]
    assert holm == pytest.approx(list(multipletests(raw, method="holm")[1]), rel=1e-12)
    assert holm == pytest.approx([0.0160147, 0.832757, 0.376115], rel=6e-6)
    bh = compare_many(arms, correction="bh")
    assert [c.adjusted_p_value for c in bh.comparisons] == pytest.approx(
        [0.0160147, 0.832757, 0.282086], rel=6e-6
    )
    # P(best): the note's Monte Carlo (200k draws), tolerance 0.005
    expected = {"g1": 0.00127, "g2": 0.9274, "g3": 0.00021, "g4": 0.07114}
    for name, p in expected.items():
        assert abs(m.prob_best[name] - p) < 0.005
    assert sum(m.prob_best.values()) == pytest.approx(1.0, abs=1e-8)


def test_compare_many_m1_and_arm_objects() -> None:
    m = compare_many(
        [Arm("A", 100, 2000), Arm("B", 120, 2000), Arm("C", 150, 2000)], correction="holm"
    )
    assert m.chi2 == pytest.approx(10.9452, rel=6e-6)
    assert m.chi2_p_value == pytest.approx(0.00420024, rel=6e-6)
    b, c = m.comparisons
    assert b.result.z == pytest.approx(1.38708, rel=6e-6)
    assert c.result.z == pytest.approx(3.26599, rel=6e-6)
    assert b.adjusted_p_value == pytest.approx(0.165416, rel=6e-6)
    assert c.adjusted_p_value == pytest.approx(0.00218167, rel=6e-6)
    assert c.significant and not b.significant
    for name, p in {"A": 0.00033, "B": 0.02979, "C": 0.9699}.items():
        assert abs(m.prob_best[name] - p) < 0.005
    table = np.array([[100, 1900], [120, 1880], [150, 1850]])
    ref = sps.chi2_contingency(table, correction=False)
    assert m.chi2 == pytest.approx(ref.statistic, rel=1e-12)


def test_compare_many_control_none_correction_and_errors() -> None:
    m = compare_many({"A": (100, 2000), "B": (150, 2000)}, control="B", correction=None)
    assert m.comparisons[0].name == "A"
    assert m.comparisons[0].adjusted_p_value == m.comparisons[0].result.p_value
    with pytest.raises(InputError, match="control"):
        compare_many({"A": (1, 2), "B": (1, 2)}, control="Z")
    with pytest.raises(InputError, match="two groups"):
        compare_many({"A": (1, 2)})
    with pytest.raises(InputError, match="correction"):
        compare_many({"A": (1, 2), "B": (1, 2)}, correction="bonferroni")
    empty = compare_many({"A": (0, 10), "B": (0, 10), "C": (0, 0)})
    assert empty.chi2 is None and empty.explanation == Fact("ab.many.no_chi2")
    assert empty.prob_best["C"] is None


def test_prob_best_two_arms_equals_exact_formula() -> None:
    for xa, na, xb, nb in [(200, 10000, 250, 10000), (1, 10, 6, 10), (0, 500, 0, 500)]:
        pa, pb = prob_best([(xa, na), (xb, nb)])
        exact = prob_greater(xb + 1, nb - xb + 1, xa + 1, na - xa + 1)
        assert pb == pytest.approx(exact, rel=1e-7, abs=1e-12)
        assert pa + pb == pytest.approx(1.0, abs=1e-9)


# --------------------------------------------------------------------------- multiplicity


def test_adjust_p_values_against_statsmodels_and_r() -> None:
    raw_r = [
        0.00533824886503131,
        0.8327574849753566,
        0.1880573726722516,
        0.002026764254350234,
        0.1309487516334318,
        0.1076118730631731,
    ]
    holm_r = [
        0.02669124432515654,
        0.8327574849753566,
        0.4304474922526926,
        0.0121605855261014,
        0.4304474922526926,
        0.4304474922526926,
    ]
    assert adjust_p_values(raw_r, "holm") == pytest.approx(holm_r, rel=1e-12)
    assert adjust_p_values(raw_r, "bh") == pytest.approx(
        list(multipletests(raw_r, method="fdr_bh")[1]), rel=1e-12
    )
    assert adjust_p_values([]) == []
    with pytest.raises(InputError):
        adjust_p_values([0.1, 1.2])
    with pytest.raises(InputError):
        adjust_p_values([0.1], method="hommel")


@settings(max_examples=30, deadline=None)  # statsmodels takes ~0.1 s a call
@given(st.lists(st.floats(0, 1), min_size=1, max_size=12), st.sampled_from(["holm", "bh"]))
def test_adjusted_never_below_raw_and_matches_statsmodels(ps, method) -> None:
    adj = adjust_p_values(ps, method)
    assert all(a >= p - 1e-15 and a <= 1.0 for a, p in zip(adj, ps, strict=True))
    ref = multipletests(ps, method="holm" if method == "holm" else "fdr_bh")[1]
    assert adj == pytest.approx(list(ref), rel=1e-12, abs=1e-15)


# --------------------------------------------------------------------------- SRM


@pytest.mark.parametrize(
    "observed, weights, p, level",
    [
        ([10000, 10100], None, 0.480595, "ok"),
        ([10000, 10400], None, 0.0051014, "warn"),
        ([44700, 45489], None, 0.00860799, "warn"),
        ([145274, 145310], [50, 50], 0.946754, "ok"),
        ([5000, 2550, 2450], [50, 25, 25], 0.367879, "ok"),
        ([5000, 2700, 2300], [0.5, 0.25, 0.25], 1.12535e-07, "alert"),
        ([564577, 23524], [96, 4], 0.999788, "ok"),
        ([2874, 3127], None, 0.001091, "warn"),
    ],
)
def test_srm_note_rows_and_scipy(observed, weights, p, level) -> None:
    got = srm_p_value(observed, weights)
    assert got == pytest.approx(p, rel=6e-6)
    w = np.ones(len(observed)) if weights is None else np.asarray(weights, dtype=float)
    ref = sps.chisquare(observed, np.asarray(observed).sum() * w / w.sum()).pvalue
    assert got == pytest.approx(ref, rel=1e-9)
    check = srm_check(observed, weights)
    assert check.level == level and check.p_value == got
    assert check.message.code == f"ab.srm.{level}" and check.message["p"] == got
    assert f"{got:.2g}" in str(check.message) or got < 0.0001


def test_srm_guards() -> None:
    assert srm_check([3, 8]).level == "too_few"  # the plan expects 5.5 a group: below 8
    # an arm almost empty while thousands were expected is the clearest mismatch there is
    assert srm_check([3, 5000]).level == "alert"
    assert srm_check([3, 20]).level == "alert"  # 11.5 expected a group, p = 0.0005
    assert srm_p_value([0, 0]) == 1.0
    assert srm_check([564577, 23524]).level == "alert"  # a naive 50/50 would flag it
    with pytest.raises(InputError, match="planned share"):
        srm_p_value([10, 10], [1])
    with pytest.raises(InputError, match="positive"):
        srm_p_value([10, 10], [1, 0])
    with pytest.raises(InputError, match="two groups"):
        srm_p_value([10])


# --------------------------------------------------------------------------- CMH / Simpson

SIMPSON = {"desktop": (200, 1000, 760, 4000), "mobile": (200, 4000, 40, 1000)}


def test_cmh_matches_statsmodels_and_note() -> None:
    r = cmh_test(SIMPSON)
    assert r.odds_ratio == pytest.approx(0.904762, rel=6e-6)
    assert r.ci_odds_ratio == pytest.approx((0.775285, 1.05586), rel=6e-6)
    assert r.statistic == pytest.approx(1.59305, rel=6e-6)
    assert r.p_value == pytest.approx(0.206891, rel=6e-6)
    tables = [np.array([[xb, nb - xb], [xa, na - xa]]) for xa, na, xb, nb in SIMPSON.values()]
    ref = StratifiedTable(tables)
    null = ref.test_null_odds(correction=False)
    assert r.odds_ratio == pytest.approx(ref.oddsratio_pooled, rel=1e-12)
    assert r.ci_odds_ratio == pytest.approx(ref.oddsratio_pooled_confint(), rel=1e-12)
    assert r.statistic == pytest.approx(null.statistic, rel=1e-12)
    assert r.p_value == pytest.approx(null.pvalue, rel=1e-9)


def test_simpson_paradox_flagged() -> None:
    s = simpson_check(SIMPSON)
    assert s.paradox and s.message == Fact("ab.simpson.flip.higher", a="A", b="B")
    assert "every segment" in str(s.message)
    assert s.pooled.abs_diff == pytest.approx(0.08)
    assert s.pooled.z == pytest.approx(12.31, rel=1e-3)
    assert s.segment_diffs["desktop"] == pytest.approx(-0.01)


def test_simpson_consistent_segments_not_flagged() -> None:
    s = simpson_check([(100, 1000, 130, 1000), (50, 1000, 66, 1000)])
    assert not s.paradox and s.message.code == "ab.simpson.agrees"


def test_simpson_flags_significance_disagreement() -> None:
    # same sign everywhere, but the mix makes the naive test significant and CMH not
    segs = {"x": (100, 1000, 420, 4000), "y": (200, 4000, 52, 1000)}
    s = simpson_check(segs)
    assert s.pooled.significant and s.cmh.p_value > 0.05
    assert s.paradox and s.message.code == "ab.simpson.disagree.naive"
    assert s.message["cmh_p"] == s.cmh.p_value and "CMH p" in str(s.message)


# --------------------------------------------------------------------------- sequential


def test_sequential_growthbook_anchor_and_case_01() -> None:
    r = sequential(1396, 3000, 2422, 3461)
    assert r.estimate == pytest.approx(0.50386, abs=5e-6)
    assert r.ci == pytest.approx((0.40098, 0.60675), abs=5e-6)
    assert r.significant
    c1 = sequential(200, 10000, 250, 10000)
    assert c1.estimate == pytest.approx(0.25)
    assert c1.p_value == pytest.approx(0.63, abs=5e-3)
    assert c1.ci == pytest.approx((-0.117, 0.617), abs=5e-4)
    assert not c1.significant  # the fixed-horizon p is 0.033
    assert sequential(0, 100, 5, 100).explanation == Fact("ab.sequential.no_base", group="A")
    assert sequential(0, 100, 0, 100, relative=False).explanation == Fact(
        "ab.sequential.no_variation"
    )
    absolute = sequential(200, 10000, 250, 10000, relative=False)
    assert absolute.ci[0] < 0.005 < absolute.ci[1]


def test_sequential_interval_wider_than_fixed() -> None:
    r = sequential(200, 10000, 250, 10000, relative=False)
    fixed = compare(200, 10000, 250, 10000).ci_abs_diff
    assert r.ci[1] - r.ci[0] > fixed[1] - fixed[0]


# --------------------------------------------------------------------------- Welch


def test_welch_matches_scipy_on_raw_data() -> None:
    rng = np.random.default_rng(7)
    a = rng.exponential(20.0, 400) * (rng.random(400) < 0.3)
    b = rng.exponential(24.0, 350) * (rng.random(350) < 0.3)
    ref = sps.ttest_ind(b, a, equal_var=False)
    r = welch(a.mean(), a.var(ddof=1), len(a), b.mean(), b.var(ddof=1), len(b))
    assert r.t == pytest.approx(ref.statistic, rel=1e-10)
    assert r.p_value == pytest.approx(ref.pvalue, rel=1e-10)
    assert r.df == pytest.approx(ref.df, rel=1e-10)
    ci = ref.confidence_interval(0.95)
    assert r.ci_diff == pytest.approx((ci.low, ci.high), rel=1e-10)
    s = welch_from_sums(len(a), a.sum(), (a * a).sum(), len(b), b.sum(), (b * b).sum())
    assert s.p_value == pytest.approx(ref.pvalue, rel=1e-8)
    assert s.diff == pytest.approx(b.mean() - a.mean(), rel=1e-10)


def test_welch_degenerate_and_bad_input() -> None:
    assert welch(1.0, 0.0, 10, 1.0, 0.0, 10).explanation == Fact("ab.welch.no_variation")
    assert welch(1.0, 1.0, 1, 1.0, 1.0, 10).p_value is None
    with pytest.raises(InputError):
        welch(1.0, -1.0, 10, 1.0, 1.0, 10)
    with pytest.raises(InputError):
        welch("a", 1.0, 10, 1.0, 1.0, 10)


# --------------------------------------------------------------------------- words


def test_verdict_significant_sentence() -> None:
    v = verdict(compare(200, 10000, 250, 10000))
    assert v.sentence.code == "ab.verdict.sentence"
    head = v.sentence["head"]
    assert head.code == "ab.verdict.head.lift.better" and head["size"] == pytest.approx(0.25)
    assert head["ci"].code == "ab.ci.lift" and head["ci"]["level"] == pytest.approx(95)
    assert str(v.sentence).startswith(
        "B converts 25.0% better than A (2.50% vs 2.00%, +0.50 pp; 95% CI of the lift +4.0"
    )
    assert "unlikely to be chance (p = 0.017)" in str(v.sentence)
    assert render(v.sentence, "fr").startswith(
        "B convertit 25,0\u00a0% mieux que A (2,50\u00a0% contre 2,00\u00a0%, +0,50\u00a0pt\u00a0;"
    )
    assert "peu probable que ce soit le hasard (p = 0,017)" in render(v.sentence, "fr")
    assert any(c.code == "ab.caveat.bayes" for c in v.caveats)
    assert any("not 1 − p" in str(c) for c in v.caveats)


def test_verdict_not_significant_with_caveats() -> None:
    r = compare(1, 10, 6, 10)
    v = verdict(
        r,
        names=("Old page", "New page"),
        mde=0.1,
        srm=srm_check([44700, 45489]),
        comparisons=3,
        simpson=simpson_check(SIMPSON),
    )
    assert str(v.sentence).startswith("New page converts 500.0% better than Old page")
    assert "could well be chance (p = 0.057)" in str(v.sentence)
    codes = [c.code for c in v.caveats]
    assert codes == [
        "ab.caveat.bayes",
        "ab.srm.warn",
        "ab.method.fisher.conversions",
        "ab.caveat.comparisons.use_corrected",
        "ab.caveat.underpowered.not_significant",
        "ab.simpson.flip.higher",
    ]
    text = " ".join(str(c) for c in v.caveats)
    for words in ("Fisher", "Underpowered", "3 comparisons", "SRM p = 0.0086", "Segment paradox"):
        assert words in text
    assert "group Old page" in text and "overall New page converts higher than Old page" in text


def test_verdict_degenerate_and_zero_control() -> None:
    assert verdict(compare(0, 500, 0, 500)).sentence.code == "ab.verdict.identical"
    assert "cannot be told apart" in str(verdict(compare(0, 500, 0, 500)).sentence)
    assert "cannot be compared" in str(verdict(compare(0, 0, 3, 10)).sentence)
    v = verdict(compare(0, 1000, 8, 1000))
    assert v.sentence["head"].code == "ab.verdict.head.diff.better"
    words = str(v.sentence)
    assert "converts +0.80 pp better" in words
    assert "95% CI of the difference +0.25 pp to +1.57 pp" in words


def test_definitions() -> None:
    keys = {
        "ab_conversion_rate",
        "ab_abs_diff",
        "ab_rel_lift",
        "ab_p_value",
        "ab_prob_b_beats_a",
        "ab_expected_loss",
        "ab_srm_p_value",
        "ab_sample_size",
    }
    assert keys <= set(DEFINITIONS)
    for d in DEFINITIONS.values():
        assert isinstance(d, Definition) and d.stage == "ab" and len(d.formula) > 40
    for code in DEFINITIONS:  # the catalogue is the source, in both languages
        assert len(formula(code, "fr")) > 40 and label(code, "fr") != ""
    assert "Wilson" in formula("ab_conversion_rate", "fr")
    assert "power.prop.test" in formula("ab_sample_size", "en")
    assert label("ab_prob_b_beats_a", "fr") == "Probabilité que B batte A"


def test_no_streamlit_import() -> None:
    from pathlib import Path

    for path in Path(abtest.__file__).parent.glob("*.py"):
        assert "import streamlit" not in path.read_text(encoding="utf-8"), path


def test_verdict_flags_an_interval_that_disagrees_with_the_test() -> None:
    """Fisher p 0.076 next to a Katz CI excluding 0 (small B): said to be borderline."""
    v = verdict(compare(47, 352, 7, 26))
    assert "could well be chance (p = 0.076)" in str(v.sentence)
    assert Fact("ab.caveat.borderline") in v.caveats
    # a clear result has no such caveat
    clear = verdict(compare(200, 10000, 300, 10000)).caveats
    assert not any(c.code.startswith("ab.caveat.borderline") for c in clear)


def test_p_near_the_level_says_on_which_side() -> None:
    """0.0496 and 0.0504 both read 0.050: the verdict says which side of the level it is."""
    below, above = p_fact(0.0496, 0.05), p_fact(0.0504, 0.05)
    assert below.code == "ab.p.below" and above.code == "ab.p.above"
    assert str(below) == "p = 0.050, just below the 0.05 level"
    assert str(above) == "p = 0.050, just above the 0.05 level"
    assert render(below, "fr") == "p = 0,050, juste sous le seuil de 0,05"
    assert str(p_fact(0.0031, 0.05)) == "p = 0.0031" and str(p_fact(0.00005, 0.05)) == (
        "p = < 0.0001"
    )


def test_relative_interval_undefined_when_both_convert_everyone() -> None:
    assert compare(1, 1, 1, 1).ci_rel_lift is None


def test_verdict_underpowered_says_for_which_effect() -> None:
    r = compare(500, 10000, 510, 10000)
    caveat = next(c for c in verdict(r, mde=0.05).caveats if "underpowered" in c.code)
    need = abtest.sample_size(0.05, 0.05)
    achieved = abtest.power_at(0.05, 0.05, 10000)
    assert caveat["need"] == need == 122_124 and caveat["achieved"] == pytest.approx(achieved)
    assert caveat["what"] == Fact("ab.power.mde_relative", mde=0.05)
    at_mde = str(caveat)
    assert "Underpowered for a 5.00% relative change (the smallest effect set" in at_mde
    assert f"{achieved * 100:.1f}% power" in at_mde and f"about {need:,} visitors" in at_mde
    big = verdict(compare(6500, 130000, 6630, 130000), mde=0.05).caveats
    assert not any("underpowered" in c.code for c in big)  # above the 122,124 needed
    assert abtest.power_at(0.05, 0.05, 130000) > 0.8
    observed = " ".join(str(c) for c in verdict(r).caveats)
    assert "Underpowered for the observed difference of +0.10 pp" in observed


def test_verdict_intervals_match_the_corrected_p_values() -> None:
    r = compare(100, 2000, 150, 2000)
    bonf = compare(100, 2000, 150, 2000, alpha=0.025)
    holm = verdict(r, comparisons=2, adjusted_p_value=0.004, correction="holm", ci_result=bonf)
    lo, hi = bonf.ci_rel_lift
    ci = holm.sentence["head"]["ci"]
    assert ci.code == "ab.ci.lift.bonferroni" and (ci["lo"], ci["hi"]) == (lo, hi)
    assert ci["level"] == pytest.approx(97.5)
    words = str(holm.sentence)
    assert f"97.5% CI of the lift +{lo * 100:.1f}% to +{hi * 100:.1f}%" in words
    assert "Bonferroni-corrected for 2 comparisons" in words
    assert "Holm-corrected p = 0.0040" in words
    bh = verdict(r, comparisons=2, adjusted_p_value=0.004, correction="bh")
    assert "95% CI of the lift" in str(bh.sentence)
    assert "not corrected for the 2 comparisons" in str(bh.sentence)
    assert (
        Fact(
            "ab.caveat.comparisons.uncorrected_ci",
            comparisons=2,
            correction=Fact("ab.correction.bh"),
        )
        in bh.caveats
    )


def test_observational_verdict_has_no_verdict_words() -> None:
    r = compare(800, 10000, 3210, 10000)
    v = verdict(
        r, names=("Desktop", "Mobile"), srm=srm_check([10000, 20000]), mde=0.05, observational=True
    )
    text = " ".join([str(v.sentence), *(str(c) for c in v.caveats)])
    assert str(v.sentence).startswith("Mobile converts at 32.1% and Desktop at 8.00%")
    assert "+24.10 pp" not in text and "+24.1 pp" in text and "not assigned at random" in text
    for words in ("chance", "better", "SRM", "Underpowered", "significant", "beats"):
        assert words not in text
    assert "n'ont pas été tirés au hasard" in render(v.sentence, "fr")
