"""A/B test planning: visitors needed per variant, minimum detectable effect, duration.

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

from scipy.optimize import brentq
from scipy.stats import norm

from kpi.errors import InputError

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
    try:
        value = float(value)
    except (TypeError, ValueError):
        raise InputError(
            f"The {name} must be a number between 0 and 1; got {value!r}.",
            "Type it as a fraction, e.g. 0.05.",
        ) from None
    if not 0.0 < value < 1.0 or math.isnan(value):
        raise InputError(
            f"The {name} must lie strictly between 0 and 1; got {value}.",
            "Type it as a fraction, e.g. 0.05 for 5 %.",
        )
    return value


def _rates(baseline: float, mde: float, relative: bool) -> tuple[float, float]:
    """(p1, p2): the control rate and the rate the test must be able to detect."""
    p1 = _check_level("baseline conversion rate", baseline)
    try:
        mde = float(mde)
    except (TypeError, ValueError):
        raise InputError(f"The minimum detectable effect must be a number; got {mde!r}.") from None
    if mde == 0 or math.isnan(mde):
        raise InputError(
            "The minimum detectable effect cannot be zero.",
            "Enter the smallest change worth detecting, e.g. 0.05 for a 5 % relative lift.",
        )
    p2 = p1 * (1 + mde) if relative else p1 + mde
    if not 0.0 < p2 < 1.0:
        kind = "relative" if relative else "absolute"
        raise InputError(
            f"A baseline of {p1:.4g} with a {kind} change of {mde:.4g} gives a target rate of "
            f"{p2:.4g}, outside 0 to 1.",
            "Use a smaller change, or switch between relative and absolute.",
        )
    return p1, p2


def _round_up(n: float) -> int:
    """Ceil, ignoring floating noise of a few ulps above an integer."""
    return math.ceil(n * (1 - 1e-12))


def _power_prop_test_n(p1: float, p2: float, alpha: float, power: float) -> float:
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
    alpha = _check_level("significance level (alpha)", alpha)
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
    alpha = _check_level("significance level (alpha)", alpha)
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
    alpha = _check_level("significance level (alpha)", alpha)
    power = _check_level("power", power)
    p1, p2 = _rates(baseline, mde, relative)
    z = norm.isf(alpha / 2) + norm.ppf(power)
    lift = p2 / p1 - 1
    var = p2 * (1 - p2) / p1**2 + p1 * (1 - p1) * p2**2 / p1**4
    return _round_up(z**2 * var / lift**2)


@dataclass(frozen=True)
class PlanRow:
    """One named sample-size formula: visitors per variant, in total, and days needed."""

    method: str
    formula: str
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
        raise InputError(
            f"A test needs at least 2 variants (control included); got {variants!r}.",
        )
    if daily_visitors is not None:
        try:
            daily_visitors = float(daily_visitors)
        except (TypeError, ValueError):
            raise InputError(f"Daily visitors must be a number; got {daily_visitors!r}.") from None
        if not daily_visitors > 0 or math.isinf(daily_visitors):
            raise InputError(
                f"Daily visitors must be a positive number; got {daily_visitors}.",
                "Enter the visitors entering the test per day, all variants together.",
            )
    p1, p2 = _rates(baseline, mde, relative)
    kw = {"relative": relative, "alpha": alpha, "power": power}
    specs = (
        (
            "power.prop.test (R)",
            "pooled two-proportion test: n = ((z_{1-α/2}·√(2·p̄·(1−p̄)) + z_power·√(p1·(1−p1) + "
            "p2·(1−p2))) / (p2 − p1))², p̄ = (p1 + p2)/2",
            sample_size(baseline, mde, **kw),
        ),
        (
            "Evan Miller",
            "n = ((z_{1-α/2}·√(2·p1·(1−p1)) + z_power·√(p1·(1−p1) + p2·(1−p2))) / (p2 − p1))²",
            sample_size_evan_miller(baseline, mde, **kw),
        ),
        (
            "relative lift, delta method (GrowthBook style)",
            "n = (z_{1-α/2} + z_power)² · (p2·(1−p2)/p1² + p1·(1−p1)·p2²/p1⁴) / (p2/p1 − 1)²",
            sample_size_relative_delta(baseline, mde, **kw),
        ),
    )
    rows = tuple(
        PlanRow(
            method=name,
            formula=formula,
            visitors_per_variant=n,
            visitors_total=n * variants,
            days=None if daily_visitors is None else _round_up(n * variants / daily_visitors),
        )
        for name, formula, n in specs
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
    alpha = _check_level("significance level (alpha)", alpha)
    power = _check_level("power", power)
    p1 = _check_level("baseline conversion rate", baseline)
    n = _visitors(visitors_per_variant)
    hi = 1 - p1 - 1e-12 * max(1.0, 1 - p1)
    if _power_prop_test_n(p1, p1 + hi, alpha, power) > n:
        raise InputError(
            f"{n:,.0f} visitors per variant are too few to detect any increase from a "
            f"baseline of {p1:.4g} at this power.",
            "Plan for more visitors or accept a lower power.",
        )
    lo = 1e-15 * max(p1, 1e-300)
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
    alpha = _check_level("significance level (alpha)", alpha)
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
            f"Visitors per variant must be a number; got {visitors_per_variant!r}."
        ) from None
    if not n > 0 or math.isinf(n):
        raise InputError(f"Visitors per variant must be positive; got {visitors_per_variant}.")
    return n
