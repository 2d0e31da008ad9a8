"""kpi.abtest.planning (re-exported by kpi.abtest) against R power.prop.test values, statsmodels and the note."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import norm
from statsmodels.stats.proportion import samplesize_proportions_2indep_onetail

from kpi.abtest import (
    mde_for_sample,
    plan,
    sample_size,
    sample_size_evan_miller,
    sample_size_relative_delta,
)
from kpi.abtest import planning as abplan
from kpi.errors import InputError
from kpi.words import render


def test_power_prop_test_note_values() -> None:
    # note §4.5: 2 % -> 2.2 %, alpha 0.05, power 0.8: 80,681.4 per arm
    raw = abplan._power_prop_test_n(0.02, 0.022, 0.05, 0.8)
    assert raw == pytest.approx(80681.4, abs=0.05)
    assert sample_size(0.02, 0.10) == 80682
    assert sample_size(0.02, 0.002, relative=False) == 80682
    # Evan Miller's default check: 20 % baseline, +5 points -> power.prop.test 1,093.7
    assert sample_size(0.20, 0.05, relative=False) == 1094


def test_power_prop_test_equals_statsmodels() -> None:
    for p1, p2, power in [
        (0.02, 0.022, 0.8),
        (0.2, 0.25, 0.8),
        (0.005, 0.00525, 0.9),
        (0.5, 0.45, 0.8),
    ]:
        ref = samplesize_proportions_2indep_onetail(p2 - p1, p1, power, alpha=0.05)
        got = abplan._power_prop_test_n(p1, p2, 0.05, power)
        assert got == pytest.approx(ref, rel=1e-9)
        assert sample_size(p1, p2 - p1, relative=False, power=power) == math.ceil(ref - 1e-9)


def test_r_power_formula_reaches_requested_power() -> None:
    """power.prop.test(strict=FALSE): power = Φ((√n·|δ| − z·√(2p̄q̄)) / √(p1q1 + p2q2))."""
    p1, p2 = 0.02, 0.022
    n = abplan._power_prop_test_n(p1, p2, 0.05, 0.8)
    pbar = (p1 + p2) / 2
    z = norm.isf(0.025)
    power = norm.cdf(
        (math.sqrt(n) * (p2 - p1) - z * math.sqrt(2 * pbar * (1 - pbar)))
        / math.sqrt(p1 * (1 - p1) + p2 * (1 - p2))
    )
    assert power == pytest.approx(0.8, rel=1e-12)


def test_evan_miller_and_relative_delta() -> None:
    # note: 78,039.0 (78,039.017 before rounding, so 78,040 rounded up) and 1,030.2 -> 1,031
    assert sample_size_evan_miller(0.02, 0.10) == 78040
    assert sample_size_evan_miller(0.20, 0.05, relative=False) == 1031
    # GrowthBook-style relative delta method: 88,755.1 -> 88,756; 20 % +5 points: 1,373.6
    assert sample_size_relative_delta(0.02, 0.10) == 88756
    assert sample_size_relative_delta(0.20, 0.25) == 1374


def test_small_mde_below_one_percent_absolute() -> None:
    # baseline 0.5 %, relative 5 %: a 0.025-point change (PostHog #23719)
    n = sample_size(0.005, 0.05)
    ref = samplesize_proportions_2indep_onetail(0.00025, 0.005, 0.8)
    assert n == math.ceil(ref)
    assert 1_200_000 < n < 1_400_000


def test_plan_three_formulas_and_days() -> None:
    p = plan(0.02, 0.10, daily_visitors=5000, variants=2)
    assert [r.visitors_per_variant for r in p.rows] == [80682, 78040, 88756]
    assert [r.visitors_total for r in p.rows] == [161364, 156080, 177512]
    assert [r.days for r in p.rows] == [33, 32, 36]
    assert [r.method for r in p.rows] == ["power_prop_test", "evan_miller", "relative_delta"]
    assert render(f"ab.plan.method.{p.rows[0].method}", "fr") == "power.prop.test (R)"
    assert p.target_rate == pytest.approx(0.022)
    three = plan(0.02, 0.10, daily_visitors=1000, variants=3)
    assert three.rows[0].visitors_total == 3 * 80682 and three.rows[0].days == 243
    assert plan(0.02, 0.1).rows[0].days is None


def test_mde_for_sample_inverts_sample_size() -> None:
    n = abplan._power_prop_test_n(0.02, 0.022, 0.05, 0.8)
    assert mde_for_sample(0.02, n) == pytest.approx(0.10, rel=1e-9)
    assert mde_for_sample(0.02, n, relative=False) == pytest.approx(0.002, rel=1e-9)
    assert mde_for_sample(0.2, 1000, power=0.9) > mde_for_sample(0.2, 1000, power=0.8)
    with pytest.raises(InputError, match="too few"):
        mde_for_sample(0.5, 2)


@settings(max_examples=80, deadline=None)
@given(
    st.floats(0.001, 0.6),
    st.floats(0.01, 0.5),
    st.sampled_from([0.01, 0.05, 0.1]),
    st.sampled_from([0.8, 0.9]),
)
def test_roundtrip_and_monotone(baseline, mde, alpha, power) -> None:
    n = sample_size(baseline, mde, alpha=alpha, power=power)
    assert n >= 1
    back = mde_for_sample(baseline, n, alpha=alpha, power=power)
    assert back <= mde * (1 + 1e-9)
    if baseline * (1 + mde * 1.5) < 1:
        assert sample_size(baseline, mde * 1.5, alpha=alpha, power=power) <= n


@pytest.mark.parametrize(
    "kwargs, words",
    [
        ({"baseline": 0, "mde": 0.1}, "between 0 and 1"),
        ({"baseline": 1.5, "mde": 0.1}, "between 0 and 1"),
        ({"baseline": 0.5, "mde": 0}, "cannot be zero"),
        ({"baseline": 0.5, "mde": 1.5}, "outside 0 to 1"),
        ({"baseline": 0.5, "mde": "x"}, "must be a number"),
        ({"baseline": 0.5, "mde": 0.1, "alpha": 0}, "between 0 and 1"),
        ({"baseline": 0.5, "mde": 0.1, "power": 1}, "between 0 and 1"),
    ],
)
def test_bad_inputs(kwargs, words) -> None:
    with pytest.raises(InputError, match=words):
        sample_size(**kwargs)


def test_plan_bad_inputs() -> None:
    with pytest.raises(InputError, match="at least 2 variants"):
        plan(0.02, 0.1, variants=1)
    with pytest.raises(InputError, match="positive"):
        plan(0.02, 0.1, daily_visitors=0)


def test_negative_mde_is_a_drop() -> None:
    down = abplan._power_prop_test_n(0.25, 0.2, 0.05, 0.8)
    assert sample_size(0.25, -0.05, relative=False) == math.ceil(down)
    assert sample_size(0.25, -0.2) == math.ceil(down)


def test_power_at_inverts_power_prop_test() -> None:
    """R: power.prop.test(p1 = .50, p2 = .75, power = .90) prints n = 76.7 (76.70693); and
    power.prop.test(n = 1000, p1 = 0.1, p2 = 0.12)$power = 0.2951 (computed by the formula)."""
    assert abplan.power_at(0.5, 0.25, 76.70693, relative=False) == pytest.approx(0.9, abs=1e-6)
    n = abplan.sample_size(0.02, 0.1)
    assert abplan.power_at(0.02, 0.1, n) >= 0.8 > abplan.power_at(0.02, 0.1, n - 1)
    p1, p2, n = 0.1, 0.12, 1000
    pbar = (p1 + p2) / 2
    z = (0.02 * math.sqrt(n) - norm.isf(0.025) * math.sqrt(2 * pbar * (1 - pbar))) / math.sqrt(
        p1 * (1 - p1) + p2 * (1 - p2)
    )
    assert abplan.power_at(0.1, 0.2, 1000) == pytest.approx(norm.cdf(z), rel=1e-12)
    with pytest.raises(InputError):
        abplan.power_at(0.1, 0.2, 0)
