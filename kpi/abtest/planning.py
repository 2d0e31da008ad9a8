"""Planning a test: visitors needed per variant, minimum detectable effect, duration.

Three published formulas give different answers for the same inputs (up to 14 % apart), so
each is named and they are shown side by side:

- ``power.prop.test`` (R, ``strict = FALSE``): the default of :func:`sample_size`;
- Evan Miller's calculator (:func:`sample_size_evan_miller`);
- the relative-lift delta method used by GrowthBook-style engines
  (:func:`sample_size_relative_delta`).

All sizes are per variant, for a two-sided test, rounded up to whole visitors.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from kpi.errors import InputError
from kpi.words import Fact

__all__ = [
    "Plan",
    "PlanRow",
    "mde_for_sample",
    "plan",
    "power_at",
    "sample_size",
    "sample_size_evan_miller",
    "sample_size_relative_delta",
]


def _check_level(name: str, value: float) -> float:
    """``name`` is ``alpha``, ``power`` or ``baseline`` (``ab.plan.what.<name>``)."""
    what = Fact(f"ab.plan.what.{name}")
    try:
        value = float(value)
    except (TypeError, ValueError):
        raise InputError(
            Fact("ab.plan.level_not_number", what=what, got=repr(value)),
            Fact("ab.plan.hint_fraction"),
        ) from None
    if not 0.0 < value < 1.0 or math.isnan(value):
        raise InputError(
            Fact("ab.plan.level_range", what=what, got=value), Fact("ab.plan.hint_fraction")
        )
    return value


def _rates(baseline: float, mde: float, relative: bool) -> tuple[float, float]:
    """(p1, p2): the control rate and the rate the test must be able to detect."""
    p1 = _check_level("baseline", baseline)
    try:
        mde = float(mde)
    except (TypeError, ValueError):
        raise InputError(Fact("ab.plan.mde_not_number", got=repr(mde))) from None
    if mde == 0 or math.isnan(mde):
        raise InputError(Fact("ab.plan.mde_zero"), Fact("ab.plan.hint_mde"))
    p2 = p1 * (1 + mde) if relative else p1 + mde
    if not 0.0 < p2 < 1.0:
        raise InputError(
            Fact(
                "ab.plan.target_outside." + ("relative" if relative else "absolute"),
                baseline=p1,
                mde=mde,
                target=p2,
            ),
            Fact("ab.plan.hint_target"),
        )
    return p1, p2


def _round_up(n: float) -> int:
    """Ceil, ignoring floating noise of a few ulps above an integer."""
    return math.ceil(n * (1 - 1e-12))


def _power_prop_test_n(p1: float, p2: float, alpha: float, power: float) -> float:
    from scipy.stats import norm

    z_a = norm.isf(alpha / 2)
    z_b = norm.ppf(power)
    p_bar = (p1 + p2) / 2
    num = z_a * math.sqrt(2 * p_bar * (1 - p_bar)) + z_b * math.sqrt(p1 * (1 - p1) + p2 * (1 - p2))
    return (num / (p2 - p1)) ** 2


def sample_size(
    baseline: float, mde: float, *, relative: bool = True, alpha: float = 0.05, power: float = 0.8
) -> int:
    """Visitors per variant by R's ``power.prop.test`` (pooled p-bar, ``strict = FALSE``).

    n = ((z_{1-α/2}·√(2·p̄·q̄) + z_{power}·√(p1·q1 + p2·q2)) / (p2 − p1))², p̄ = (p1 + p2)/2,
    with p2 = baseline·(1 + mde) when ``relative`` else baseline + mde; rounded up.
    2 % → 2.2 % at α 0.05, power 0.8 gives 80,681.4 → 80,682.
    """
    alpha = _check_level("alpha", alpha)
    power = _check_level("power", power)
    p1, p2 = _rates(baseline, mde, relative)
    return _round_up(_power_prop_test_n(p1, p2, alpha, power))


def sample_size_evan_miller(
    baseline: float, mde: float, *, relative: bool = True, alpha: float = 0.05, power: float = 0.8
) -> int:
    """Visitors per variant by Evan Miller's calculator (his site's formula).

    n = ((z_{1-α/2}·√(2·p1·q1) + z_{power}·√(p1·q1 + p2·q2)) / δ)², δ = p2 − p1: the null
    variance uses the baseline twice instead of the pooled rate. 20 % → 25 % gives 1,031
    (1,030.2 before rounding; his page shows 1,030).
    """
    from scipy.stats import norm

    alpha = _check_level("alpha", alpha)
    power = _check_level("power", power)
    p1, p2 = _rates(baseline, mde, relative)
    z_a = norm.isf(alpha / 2)
    z_b = norm.ppf(power)
    num = z_a * math.sqrt(2 * p1 * (1 - p1)) + z_b * math.sqrt(p1 * (1 - p1) + p2 * (1 - p2))
    return _round_up((num / (p2 - p1)) ** 2)


def sample_size_relative_delta(
    baseline: float, mde: float, *, relative: bool = True, alpha: float = 0.05, power: float = 0.8
) -> int:
    """Visitors per variant for a test on the relative lift (delta method, GrowthBook style).

    n = (z_{1-α/2} + z_{power})² · (q2·p2/p1² + p1·q1·p2²/p1⁴) / L², L = p2/p1 − 1: the
    variance of the ratio of two rates. Needs more visitors than the other two formulas
    (88,755.1 → 88,756 for 2 % → 2.2 %).
    """
    from scipy.stats import norm

    alpha = _check_level("alpha", alpha)
    power = _check_level("power", power)
    p1, p2 = _rates(baseline, mde, relative)
    z = norm.isf(alpha / 2) + norm.ppf(power)
    lift = p2 / p1 - 1
    var = p2 * (1 - p2) / p1**2 + p1 * (1 - p1) * p2**2 / p1**4
    return _round_up(z**2 * var / lift**2)


@dataclass(frozen=True)
class PlanRow:
    """One named sample-size formula: visitors per variant, in total, and days needed.

    ``method`` is a code (``power_prop_test``, ``evan_miller``, ``relative_delta``) whose name
    and formula are the facts ``ab.plan.method.<code>`` and ``ab.plan.formula.<code>``."""

    method: str
    visitors_per_variant: int
    visitors_total: int
    days: int | None


@dataclass(frozen=True)
class Plan:
    """Inputs of a test plan and the three formulas' answers (the first is the default)."""

    baseline: float
    target_rate: float
    mde: float
    relative: bool
    alpha: float
    power: float
    variants: int
    daily_visitors: float | None
    rows: tuple[PlanRow, ...]


def plan(
    baseline: float,
    mde: float,
    *,
    relative: bool = True,
    alpha: float = 0.05,
    power: float = 0.8,
    daily_visitors: float | None = None,
    variants: int = 2,
) -> Plan:
    """Visitors and days needed by the three named formulas.

    total = per variant × ``variants``; days = ⌈total / daily_visitors⌉ (None without traffic).
    ``alpha`` is per comparison: with several variants, pass alpha/(variants − 1) for a
    Bonferroni-protected plan.
    """
    if isinstance(variants, bool) or not isinstance(variants, int) or variants < 2:
        raise InputError(Fact("ab.plan.variants", got=repr(variants)))
    if daily_visitors is not None:
        try:
            daily_visitors = float(daily_visitors)
        except (TypeError, ValueError):
            raise InputError(Fact("ab.plan.daily_not_number", got=repr(daily_visitors))) from None
        if not daily_visitors > 0 or math.isinf(daily_visitors):
            raise InputError(
                Fact("ab.plan.daily_positive", got=daily_visitors), Fact("ab.plan.hint_daily")
            )
    p1, p2 = _rates(baseline, mde, relative)
    kw = {"relative": relative, "alpha": alpha, "power": power}
    specs = (
        ("power_prop_test", sample_size(baseline, mde, **kw)),
        ("evan_miller", sample_size_evan_miller(baseline, mde, **kw)),
        ("relative_delta", sample_size_relative_delta(baseline, mde, **kw)),
    )
    rows = tuple(
        PlanRow(
            method=name,
            visitors_per_variant=n,
            visitors_total=n * variants,
            days=None if daily_visitors is None else _round_up(n * variants / daily_visitors),
        )
        for name, n in specs
    )
    return Plan(
        baseline=p1,
        target_rate=p2,
        mde=float(mde),
        relative=relative,
        alpha=float(alpha),
        power=float(power),
        variants=variants,
        daily_visitors=daily_visitors,
        rows=rows,
    )


def mde_for_sample(
    baseline: float,
    visitors_per_variant: float,
    *,
    alpha: float = 0.05,
    power: float = 0.8,
    relative: bool = True,
) -> float:
    """Smallest upward change detectable with ``visitors_per_variant`` per variant.

    Inverts the ``power.prop.test`` formula of :func:`sample_size` by root finding (Brent)
    on δ in (0, 1 − baseline); returns δ/baseline when ``relative`` else δ.
    """
    alpha = _check_level("alpha", alpha)
    power = _check_level("power", power)
    p1 = _check_level("baseline", baseline)
    n = _visitors(visitors_per_variant)
    hi = 1 - p1 - 1e-12 * max(1.0, 1 - p1)
    if _power_prop_test_n(p1, p1 + hi, alpha, power) > n:
        raise InputError(
            Fact("ab.plan.too_few", visitors=n, baseline=p1), Fact("ab.plan.hint_too_few")
        )
    lo = 1e-15 * max(p1, 1e-300)
    from scipy.optimize import brentq

    delta = brentq(
        lambda d: _power_prop_test_n(p1, p1 + d, alpha, power) - n,
        lo,
        hi,
        xtol=1e-15,
        rtol=1e-13,
        maxiter=500,
    )
    return delta / p1 if relative else delta


def power_at(
    baseline: float,
    mde: float,
    visitors_per_variant: float,
    *,
    relative: bool = True,
    alpha: float = 0.05,
) -> float:
    """Power of the two-sided test to detect ``mde`` with ``visitors_per_variant`` per variant.

    R's ``power.prop.test(n, p1, p2)`` (``strict = FALSE``), the inverse of
    :func:`sample_size`: power = Φ((|p2 − p1|·√n − z_{1−α/2}·√(2·p̄·q̄)) / √(p1·q1 + p2·q2)),
    p̄ = (p1 + p2)/2, p2 = baseline·(1 + mde) when ``relative`` else baseline + mde.
    """
    from scipy.stats import norm

    alpha = _check_level("alpha", alpha)
    p1, p2 = _rates(baseline, mde, relative)
    n = _visitors(visitors_per_variant)
    p_bar = (p1 + p2) / 2
    z = (abs(p2 - p1) * math.sqrt(n) - norm.isf(alpha / 2) * math.sqrt(2 * p_bar * (1 - p_bar))) / (
        math.sqrt(p1 * (1 - p1) + p2 * (1 - p2))
    )
    return float(norm.cdf(z))


def _visitors(visitors_per_variant: float) -> float:
    """Visitors per variant as a positive finite number, or an InputError saying what is wrong."""
    try:
        n = float(visitors_per_variant)
    except (TypeError, ValueError):
        raise InputError(
            Fact("ab.plan.visitors_not_number", got=repr(visitors_per_variant))
        ) from None
    if not n > 0 or math.isinf(n):
        raise InputError(Fact("ab.plan.visitors_positive", got=repr(visitors_per_variant)))
    return n
