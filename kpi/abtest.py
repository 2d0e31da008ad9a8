"""A/B test statistics for conversion (and revenue) metrics: counts in, auditable numbers out.

Style of GrowthBook's ``gbstats``: small frozen dataclasses in and out, and an explained
neutral result for degenerate input. Policy for inputs:

- **Impossible inputs raise** :class:`kpi.errors.InputError` with a message for a person:
  negative counts, conversions above visitors, text, fractions, booleans, alpha outside (0, 1).
- **Degenerate but possible inputs never raise**: no conversions in either group, 100 %
  conversion in both, or a group without visitors give a result whose ``explanation`` says
  what cannot be computed; undefined numbers are ``None`` (never NaN) and ``significant`` is
  False.

Methods (named in :data:`DEFINITIONS`): pooled two-proportion z-test by default, Fisher's
exact test when the smallest expected cell count is below 5; Wilson intervals per group,
Newcombe's hybrid score interval for the difference, Katz's log interval for the relative
lift; the exact Beta(1, 1) posterior probability that B beats A and the expected loss of
each choice; chi-square tests for k groups and for the sample-ratio mismatch (SRM);
Holm and Benjamini–Hochberg adjustments; Cochran–Mantel–Haenszel over segments; GrowthBook's
always-valid sequential interval; Welch's t-test for revenue per visitor. scipy computes the
distributions.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from scipy import stats
from scipy.special import betainc, betaincc

from kpi.abplan import (
    Plan,
    PlanRow,
    mde_for_sample,
    plan,
    power_at,
    sample_size,
    sample_size_evan_miller,
    sample_size_relative_delta,
)
from kpi.definitions import Definition
from kpi.errors import InputError

__all__ = [
    "DEFINITIONS",
    "ABResult",
    "Arm",
    "CMHResult",
    "ManyResult",
    "Plan",
    "PlanRow",
    "SRMCheck",
    "SequentialResult",
    "SimpsonCheck",
    "VariantComparison",
    "Verdict",
    "WelchResult",
    "adjust_p_values",
    "cmh_test",
    "compare",
    "compare_many",
    "mde_for_sample",
    "plan",
    "power_at",
    "prob_best",
    "prob_greater",
    "sample_size",
    "sample_size_evan_miller",
    "sample_size_relative_delta",
    "sequential",
    "simpson_check",
    "srm_check",
    "srm_p_value",
    "verdict",
    "welch",
    "welch_from_sums",
]

Interval = tuple[float, float]

# --------------------------------------------------------------------------- input checks


def _count(value: object, what: str) -> int:
    """A whole, non-negative count, or InputError saying what is wrong."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise InputError(
            f"{what} must be a whole number; got {value!r}.",
            "Type the count of people, e.g. 1250.",
        )
    if isinstance(value, numbers.Integral):
        n = int(value)
    else:
        x = float(value)
        if not math.isfinite(x) or not x.is_integer():
            raise InputError(
                f"{what} must be a whole number of people; got {value!r}.",
                "Use counts, not rates or averages.",
            )
        n = int(x)
    if n < 0:
        raise InputError(f"{what} cannot be negative; got {n}.", "Check the numbers typed in.")
    return n


def _arm_counts(conversions: object, visitors: object, name: str) -> tuple[int, int]:
    x = _count(conversions, f"Conversions in {name}")
    n = _count(visitors, f"Visitors in {name}")
    if x > n:
        raise InputError(
            f"{name} has more conversions ({x:,}) than visitors ({n:,}).",
            "Conversions count people who converted, so they cannot exceed visitors; "
            "check that the two numbers are not swapped.",
        )
    return x, n


def _alpha(alpha: object) -> float:
    if isinstance(alpha, bool) or not isinstance(alpha, numbers.Real):
        raise InputError(f"The significance level must be a number; got {alpha!r}.")
    a = float(alpha)
    if not 0.0 < a < 1.0:
        raise InputError(
            f"The significance level must lie strictly between 0 and 1; got {alpha}.",
            "The usual value is 0.05 (95 % confidence).",
        )
    return a


# --------------------------------------------------------------------------- building blocks


def _wilson(x: int, n: int, alpha: float) -> Interval | None:
    """Wilson score interval: (p̂ + z²/2n ± z·√(p̂q̂/n + z²/4n²)) / (1 + z²/n), clipped to [0, 1]."""
    if n == 0:
        return None
    z = float(stats.norm.isf(alpha / 2))
    p = x / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    lo = 0.0 if x == 0 else max(0.0, centre - half)
    hi = 1.0 if x == n else min(1.0, centre + half)
    return (lo, hi)


def _newcombe(xa: int, na: int, xb: int, nb: int, alpha: float) -> Interval | None:
    """Newcombe hybrid score interval for pB − pA, from the two Wilson intervals."""
    if na == 0 or nb == 0:
        return None
    la, ua = _wilson(xa, na, alpha)  # type: ignore[misc]
    lb, ub = _wilson(xb, nb, alpha)  # type: ignore[misc]
    pa, pb = xa / na, xb / nb
    d = pb - pa
    return (d - math.hypot(pb - lb, ua - pa), d + math.hypot(ub - pb, pa - la))


def _katz(xa: int, na: int, xb: int, nb: int, alpha: float) -> Interval | None:
    """Katz log interval for pB/pA − 1: exp(ln(pB/pA) ± z·√(1/xB − 1/nB + 1/xA − 1/nA)) − 1."""
    if na == 0 or nb == 0 or xa == 0 or xb == 0 or (xa == na and xb == nb):
        return None  # undefined, or no variance at all (both at 100 %)
    z = stats.norm.isf(alpha / 2)
    log_ratio = math.log((xb / nb) / (xa / na))
    se = math.sqrt(max(0.0, 1 / xb - 1 / nb + 1 / xa - 1 / na))
    return (math.expm1(log_ratio - z * se), math.expm1(log_ratio + z * se))


def _grid(params: Sequence[tuple[float, float]], nodes: int = 20) -> tuple[np.ndarray, np.ndarray]:
    """Composite Gauss–Legendre nodes and weights on [0, 1] for integrals of Beta posteriors.

    Break points every standard deviation within ±50 sd of each posterior's mean (and the
    ends 0 and 1), ``nodes`` points per piece: each piece is at most one sd of the narrowest
    posterior near it, so smooth integrands of cdfs and densities converge to machine level.
    """
    cuts = [np.array([0.0, 1.0])]
    k = np.arange(-50.0, 51.0)
    for a, b in params:
        mean = a / (a + b)
        sd = math.sqrt(a * b / ((a + b) ** 2 * (a + b + 1)))
        cuts.append(mean + k * sd)
    edges = np.unique(np.clip(np.concatenate(cuts), 0.0, 1.0))
    gl_t, gl_w = np.polynomial.legendre.leggauss(nodes)
    half = np.diff(edges)[:, None] / 2
    mid = (edges[:-1] + edges[1:])[:, None] / 2
    return (mid + half * gl_t).ravel(), (half * gl_w).ravel()


def _log_density(a: float, b: float, t: np.ndarray) -> np.ndarray:
    """log of the Beta(a, b) density at ``t`` up to a constant, well conditioned at huge a, b.

    Written relative to the mode m = (a − 1)/(a + b − 2) as
    (a − 1)·log1p((t − m)/m) + (b − 1)·log1p((m − t)/(1 − m)): the two terms stay of the size
    of the log-density itself (a few hundred within ±50 sd) instead of ±10⁹ terms that cancel
    (``stats.beta.logpdf`` loses ~1e-7 of relative precision at a billion visitors). The
    missing constant cancels because every integral is normalised by the quadrature of the
    density itself.
    """
    out = np.zeros_like(t)
    if a + b <= 2:  # uniform
        return out
    m = (a - 1) / (a + b - 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        if a > 1:
            out += (a - 1) * (np.log(t) if m == 1 else np.log1p((t - m) / m))
        if b > 1:
            out += (b - 1) * (np.log1p(-t) if m == 0 else np.log1p((m - t) / (1 - m)))
    return np.nan_to_num(out, nan=-np.inf)


def _weights(a: float, b: float, t: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Quadrature weights of the Beta(a, b) density on the nodes ``t``, summing to exactly 1."""
    log_f = _log_density(a, b, t)
    f = w * np.exp(log_f - log_f.max())
    return f / f.sum()


def _greater_quad(a1: float, b1: float, a2: float, b2: float) -> float:
    """P(X > Y) = ∫ f_X(t)·F_Y(t) dt by composite Gauss–Legendre (huge counts only).

    The density of X is normalised on the grid (:func:`_weights`), so a constant error in it
    cannot bias the result (identical groups give 1/2 to 1e-15 at a billion visitors). Of the
    two equivalent forms ∫ f_X·F_Y and 1 − ∫ f_Y·F_X the one computing the smaller of
    P(X > Y) and P(Y > X) directly is used: a positive integrand keeps a tiny probability
    accurate (1e-30 stays 1e-30, not 0).
    """
    t, w = _grid([(a1, b1), (a2, b2)])
    direct = float(np.sum(_weights(a1, b1, t, w) * betainc(a2, b2, t)))
    other = float(np.sum(_weights(a2, b2, t, w) * betainc(a1, b1, t)))
    val = direct if direct <= other else 1.0 - other
    return float(min(1.0, max(0.0, val)))


def prob_greater(a1: float, b1: float, a2: float, b2: float) -> float:
    """P(X > Y) for independent X ~ Beta(a1, b1), Y ~ Beta(a2, b2) (whole parameters ≥ 1).

    Composite Gauss–Legendre quadrature of ∫ f_X·F_Y on a grid of one-sd pieces around both
    posteriors, with the density normalised on the grid (:func:`_greater_quad`): equal to
    the exact rational value of Evan Miller's closed-form sum to ~1e-15 from 10 to 10⁹
    visitors (the sum itself loses ~1e-6 at 10⁹ visitors to cancellation in ``betaln``).
    """
    return _greater_quad(float(a1), float(b1), float(a2), float(b2))


def _expected_loss(xa: int, na: int, xb: int, nb: int) -> tuple[float, float]:
    """(loss of choosing A, loss of choosing B) = (E[max(pB − pA, 0)], E[max(pA − pB, 0)]).

    For independent Beta(1 + x, 1 + n − x) posteriors, E[max(X − Y, 0)] = ∫₀¹ P(Y < t < X) dt
    = ∫₀¹ F_Y(t)·(1 − F_X(t)) dt: a positive integrand (no cancellation, tiny losses stay
    accurate), integrated by composite Gauss–Legendre quadrature.
    """
    pa, pb = (xa + 1.0, na - xa + 1.0), (xb + 1.0, nb - xb + 1.0)
    t, w = _grid([pa, pb])
    fa, fb = betainc(*pa, t), betainc(*pb, t)
    sa, sb = betaincc(*pa, t), betaincc(*pb, t)
    loss_b = float(np.sum(w * fb * sa))  # E[max(pA − pB, 0)]
    loss_a = float(np.sum(w * fa * sb))  # E[max(pB − pA, 0)]
    return loss_a, loss_b


# --------------------------------------------------------------------------- two groups


@dataclass(frozen=True)
class ABResult:
    """Two-group comparison of conversion rates (A = control, B = variant).

    ``None`` marks a number that is undefined for these counts; ``explanation`` says why.
    ``method`` is "z" (pooled z-test), "fisher" (Fisher's exact test) or "none" (a group has
    no visitors, no test possible); ``p_value`` is the p of that method.
    """

    conversions_a: int
    visitors_a: int
    conversions_b: int
    visitors_b: int
    alpha: float
    rate_a: float | None
    rate_b: float | None
    abs_diff: float | None
    rel_lift: float | None
    z: float | None
    z_p_value: float | None
    fisher_p_value: float | None
    p_value: float | None
    method: Literal["z", "fisher", "none"]
    method_reason: str
    ci_a: Interval | None
    ci_b: Interval | None
    ci_abs_diff: Interval | None
    ci_rel_lift: Interval | None
    prob_b_beats_a: float | None
    expected_loss_a: float | None
    expected_loss_b: float | None
    significant: bool
    explanation: str | None = None


def compare(
    conversions_a: int,
    visitors_a: int,
    conversions_b: int,
    visitors_b: int,
    *,
    alpha: float = 0.05,
) -> ABResult:
    """Compare the conversion rates of A (control) and B (variant).

    - z = (pB − pA) / √(p̄(1 − p̄)(1/nA + 1/nB)), p̄ = (xA + xB)/(nA + nB); two-sided p.
    - Fisher's exact test (two-sided, scipy) on the 2×2 table; it is the reported test when
      the smallest expected cell count (row total × column total / N) is below 5.
    - Wilson intervals per group, Newcombe hybrid score interval for pB − pA, Katz log
      interval for pB/pA − 1, all at level 1 − alpha.
    - P(B beats A) and expected losses under independent Beta(1 + x, 1 + n − x) posteriors,
      computed by normalised quadrature, exact to ~1e-15 (no simulation).

    Impossible inputs (negative, conversions > visitors, text, fractions) raise InputError;
    0 conversions in both groups, 100 % in both, or an empty group return an explained
    neutral result (``explanation`` set, undefined numbers None, ``significant`` False).
    """
    xa, na = _arm_counts(conversions_a, visitors_a, "A")
    xb, nb = _arm_counts(conversions_b, visitors_b, "B")
    alpha = _alpha(alpha)
    base = {
        "conversions_a": xa,
        "visitors_a": na,
        "conversions_b": xb,
        "visitors_b": nb,
        "alpha": alpha,
    }

    if na == 0 or nb == 0:
        empty = " and ".join(g for g, n in (("A", na), ("B", nb)) if n == 0)
        return ABResult(
            **base,
            rate_a=xa / na if na else None,
            rate_b=xb / nb if nb else None,
            abs_diff=None,
            rel_lift=None,
            z=None,
            z_p_value=None,
            fisher_p_value=None,
            p_value=None,
            method="none",
            method_reason="No test: a group without visitors cannot be compared.",
            ci_a=_wilson(xa, na, alpha),
            ci_b=_wilson(xb, nb, alpha),
            ci_abs_diff=None,
            ci_rel_lift=None,
            prob_b_beats_a=None,
            expected_loss_a=None,
            expected_loss_b=None,
            significant=False,
            explanation=(
                f"Group {empty} has no visitors, so there is nothing to compare. "
                "Check the group names and the date range of the data."
            ),
        )

    pa, pb = xa / na, xb / nb
    n = na + nb
    pooled = (xa + xb) / n
    se = math.sqrt(pooled * (1 - pooled) * (1 / na + 1 / nb))
    if se > 0:
        z: float | None = (pb - pa) / se
        z_p: float | None = float(2 * stats.norm.sf(abs(z)))
    else:
        z = z_p = None
    fisher_p = float(stats.fisher_exact([[xb, nb - xb], [xa, na - xa]]).pvalue)
    fisher_p = min(1.0, fisher_p)

    expected = {
        "expected conversions in group A": na * (xa + xb) / n,
        "expected conversions in group B": nb * (xa + xb) / n,
        "expected non-conversions in group A": na * (n - xa - xb) / n,
        "expected non-conversions in group B": nb * (n - xa - xb) / n,
    }
    smallest_cell, smallest = min(expected.items(), key=lambda kv: kv[1])
    # expected counts are not whole: 3 significant digits when small, thousands separators
    # (never 1.99e+04) when large
    smallest_text = f"{smallest:,.0f}" if smallest >= 100 else f"{smallest:.3g}"
    explanation = None
    if xa + xb == 0 or xa + xb == n:
        what = (
            "There are no conversions in either group"
            if xa + xb == 0
            else "Every visitor converted in both groups"
        )
        explanation = (
            f"{what}, so the two rates are identical and no difference can be tested; "
            "the z-test is undefined and Fisher's exact test gives p = 1. Wait for more data."
        )
    if smallest < 5:
        method: Literal["z", "fisher", "none"] = "fisher"
        reason = (
            f"Fisher's exact test is used because the {smallest_cell} (if both groups "
            f"converted alike) are {smallest_text}, below 5, where the z-test's normal "
            "approximation is unreliable."
        )
        p_value = fisher_p
    else:
        method = "z"
        reason = (
            "Pooled two-proportion z-test: every expected count (if both groups converted "
            f"alike) is at least 5; the smallest is {smallest_text} {smallest_cell}."
        )
        p_value = z_p

    prob = prob_greater(xb + 1, nb - xb + 1, xa + 1, na - xa + 1)
    loss_a, loss_b = _expected_loss(xa, na, xb, nb)
    return ABResult(
        **base,
        rate_a=pa,
        rate_b=pb,
        abs_diff=pb - pa,
        rel_lift=pb / pa - 1 if xa > 0 else None,
        z=z,
        z_p_value=z_p,
        fisher_p_value=fisher_p,
        p_value=p_value,
        method=method,
        method_reason=reason,
        ci_a=_wilson(xa, na, alpha),
        ci_b=_wilson(xb, nb, alpha),
        ci_abs_diff=_newcombe(xa, na, xb, nb, alpha),
        ci_rel_lift=_katz(xa, na, xb, nb, alpha),
        prob_b_beats_a=prob,
        expected_loss_a=loss_a,
        expected_loss_b=loss_b,
        significant=p_value is not None and p_value < alpha,
        explanation=explanation,
    )


# --------------------------------------------------------------------------- many groups


@dataclass(frozen=True)
class Arm:
    """One group of a test: its name, conversions and visitors."""

    name: str
    conversions: int
    visitors: int


@dataclass(frozen=True)
class VariantComparison:
    """One variant against the control, with its p-value adjusted over the family."""

    name: str
    result: ABResult
    adjusted_p_value: float | None
    significant: bool


@dataclass(frozen=True)
class ManyResult:
    """Every variant against the control, an omnibus test and P(best) for each group."""

    arms: tuple[Arm, ...]
    control: str
    comparisons: tuple[VariantComparison, ...]
    chi2: float | None
    chi2_df: int
    chi2_p_value: float | None
    correction: str | None
    prob_best: dict[str, float | None] = field(default_factory=dict)
    alpha: float = 0.05
    explanation: str | None = None


def _arms(arms: Sequence[Arm] | Mapping[str, tuple[int, int]]) -> tuple[Arm, ...]:
    if isinstance(arms, Mapping):
        items = []
        for name, pair in arms.items():
            if not isinstance(pair, Sequence) or isinstance(pair, str) or len(pair) != 2:
                raise InputError(
                    f"Group {name!r} needs (conversions, visitors); got {pair!r}.",
                )
            items.append(Arm(str(name), pair[0], pair[1]))
        out = tuple(items)
    else:
        out = tuple(arms)
    checked = []
    for arm in out:
        if not isinstance(arm, Arm):
            raise InputError(
                f"Expected a group with a name, conversions and visitors; got {arm!r}."
            )
        x, n = _arm_counts(arm.conversions, arm.visitors, f"group {arm.name!r}")
        checked.append(Arm(str(arm.name), x, n))
    names = [a.name for a in checked]
    if len(checked) < 2:
        raise InputError("A test needs at least two groups.", "Add the control and a variant.")
    if len(set(names)) != len(names):
        raise InputError(f"Group names must be distinct; got {names}.")
    return tuple(checked)


def prob_best(arms: Sequence[tuple[int, int]]) -> list[float | None]:
    """P(each group has the highest rate) under independent Beta(1 + x, 1 + n − x) posteriors.

    P(i best) = ∫ f_i(t) · Π_{j≠i} F_j(t) dt, by composite Gauss–Legendre quadrature with
    break points every posterior sd and each density normalised on the grid (no simulation;
    exact to ~1e-15 from small counts to 10⁹ visitors); None for a group without visitors.
    """
    params = [(x + 1.0, n - x + 1.0) for x, n in arms if n > 0]
    if not params:
        return [None] * len(arms)
    t, w = _grid(params)
    best = []
    with np.errstate(divide="ignore", invalid="ignore"):
        log_cdf = np.array([np.log(betainc(a, b, t)) for a, b in params])
        total = log_cdf.sum(axis=0)
        for k, (a, b) in enumerate(params):
            others = np.exp(np.nan_to_num(total - log_cdf[k], nan=-np.inf))  # Π_{j≠k} F_j
            best.append(float(min(1.0, np.sum(_weights(a, b, t, w) * others))))
    it = iter(best)
    return [next(it) if n > 0 else None for _, n in arms]


def compare_many(
    arms: Sequence[Arm] | Mapping[str, tuple[int, int]],
    *,
    control: str | None = None,
    alpha: float = 0.05,
    correction: Literal["holm", "bh"] | None = "holm",
) -> ManyResult:
    """Every variant against the control (:func:`compare`), with a family-wise correction.

    - Omnibus Pearson chi-square on the k×2 table (no Yates): Σ (O − E)²/E, df = k − 1
      (R ``prop.test(x, n, correct = FALSE)``); None when nobody or everybody converted.
    - The reported p of each comparison is adjusted over the k − 1 comparisons by Holm or
      Benjamini–Hochberg (``correction=None``: no adjustment); ``significant`` uses it.
    - P(best) per group under Beta(1, 1) priors (:func:`prob_best`).

    ``control`` defaults to the first group.
    """
    checked = _arms(arms)
    alpha = _alpha(alpha)
    if correction not in ("holm", "bh", None):
        raise InputError(
            f"Unknown correction {correction!r}.", "Use 'holm', 'bh' or None (no correction)."
        )
    names = [a.name for a in checked]
    control = names[0] if control is None else str(control)
    if control not in names:
        raise InputError(f"The control {control!r} is not one of the groups {names}.")
    ctrl = checked[names.index(control)]
    variants = [a for a in checked if a.name != control]
    results = [
        compare(ctrl.conversions, ctrl.visitors, v.conversions, v.visitors, alpha=alpha)
        for v in variants
    ]
    raw = [r.p_value for r in results]
    present = [p for p in raw if p is not None]
    adjusted_present = adjust_p_values(present, method=correction) if correction else present
    it = iter(adjusted_present)
    adjusted = [None if p is None else next(it) for p in raw]
    comparisons = tuple(
        VariantComparison(
            name=v.name, result=r, adjusted_p_value=p, significant=p is not None and p < alpha
        )
        for v, r, p in zip(variants, results, adjusted, strict=True)
    )

    used = [a for a in checked if a.visitors > 0]
    x = np.array([a.conversions for a in used], dtype=float)
    n = np.array([a.visitors for a in used], dtype=float)
    chi2 = chi2_p = None
    explanation = None
    df = max(len(used) - 1, 0)
    if len(used) >= 2 and 0 < x.sum() < n.sum():
        p_bar = x.sum() / n.sum()
        e1, e0 = n * p_bar, n * (1 - p_bar)
        chi2 = float(np.sum((x - e1) ** 2 / e1 + ((n - x) - e0) ** 2 / e0))
        chi2_p = float(stats.chi2.sf(chi2, df))
    else:
        explanation = (
            "The overall chi-square test is undefined: fewer than two groups have visitors, "
            "or nobody (or everybody) converted."
        )
    best = prob_best([(a.conversions, a.visitors) for a in checked])
    return ManyResult(
        arms=checked,
        control=control,
        comparisons=comparisons,
        chi2=chi2,
        chi2_df=df,
        chi2_p_value=chi2_p,
        correction=correction,
        prob_best=dict(zip(names, best, strict=True)),
        alpha=alpha,
        explanation=explanation,
    )


# --------------------------------------------------------------------------- multiplicity


def adjust_p_values(
    p_values: Sequence[float], method: Literal["holm", "bh"] = "holm"
) -> list[float]:
    """p-values adjusted over the family ``p_values``, in the given order.

    - Holm: sort ascending, p_(i)·(m − i + 1), running maximum, capped at 1
      (= statsmodels ``multipletests(method="holm")``, R ``p.adjust("holm")``).
    - Benjamini–Hochberg: sort descending, p_(i)·m/i, running minimum, capped at 1
      (= ``fdr_bh``, R ``p.adjust("BH")``).
    """
    if method not in ("holm", "bh"):
        raise InputError(f"Unknown correction {method!r}.", "Use 'holm' or 'bh'.")
    ps = []
    for p in p_values:
        if isinstance(p, bool) or not isinstance(p, numbers.Real) or not 0.0 <= float(p) <= 1.0:
            raise InputError(f"p-values must be numbers between 0 and 1; got {p!r}.")
        ps.append(float(p))
    m = len(ps)
    if m == 0:
        return []
    arr = np.asarray(ps)
    if method == "holm":
        order = np.argsort(arr, kind="stable")
        scaled = arr[order] * (m - np.arange(m))
        adj_sorted = np.minimum(1.0, np.maximum.accumulate(scaled))
    else:
        order = np.argsort(-arr, kind="stable")
        ranks = m - np.arange(m)  # rank of each sorted-descending p in ascending order
        scaled = arr[order] * m / ranks
        adj_sorted = np.minimum(1.0, np.minimum.accumulate(scaled))
    out = np.empty(m)
    out[order] = adj_sorted
    return [float(v) for v in out]


# --------------------------------------------------------------------------- SRM


def _observed(
    observed: Sequence[int], weights: Sequence[float] | None
) -> tuple[list[int], list[float]]:
    obs = [_count(o, "Visitors in each group") for o in observed]
    if len(obs) < 2:
        raise InputError("A sample-ratio check needs at least two groups.")
    if weights is None:
        w = [1.0] * len(obs)
    else:
        if len(weights) != len(obs):
            raise InputError(
                f"{len(obs)} groups but {len(weights)} planned shares were given.",
                "Give one planned share per group, e.g. 50/50.",
            )
        w = []
        for x in weights:
            if (
                isinstance(x, bool)
                or not isinstance(x, numbers.Real)
                or not float(x) > 0
                or not math.isfinite(float(x))
            ):
                raise InputError(
                    f"Planned shares must be positive numbers; got {x!r}.",
                    "Leave out groups that received no traffic by design.",
                )
            w.append(float(x))
    return obs, w


def srm_p_value(observed: Sequence[int], weights: Sequence[float] | None = None) -> float:
    """Sample-ratio mismatch p: chi-square goodness of fit of visitors to the planned split.

    χ² = Σ (O_i − E_i)²/E_i with E_i = w_i/Σw · ΣO, df = k − 1 (scipy ``chisquare``);
    equal shares when ``weights`` is None; 1.0 when there are no visitors at all.
    """
    obs, w = _observed(observed, weights)
    total = sum(obs)
    if total == 0:
        return 1.0
    o = np.asarray(obs, dtype=float)
    e = np.asarray(w) / sum(w) * total
    x2 = float(np.sum((o - e) ** 2 / e))
    return float(stats.chi2.sf(x2, len(obs) - 1))


@dataclass(frozen=True)
class SRMCheck:
    """Sample-ratio check: p, a level ("ok", "warn", "alert", "too_few") and a sentence."""

    p_value: float
    level: Literal["ok", "warn", "alert", "too_few"]
    message: str
    observed: tuple[int, ...]
    expected: tuple[float, ...]


def srm_check(
    observed: Sequence[int],
    weights: Sequence[float] | None = None,
    *,
    warn: float = 0.01,
    alert: float = 0.001,
    min_per_arm: int = 8,
) -> SRMCheck:
    """Two-tier SRM banner (Statsig style): p < ``alert`` → "alert", p < ``warn`` → "warn".

    "too_few" when the planned split expects fewer than ``min_per_arm`` visitors in a group
    (GrowthBook's guard, 8): the guard is on the expected counts, so an arm that is empty while
    thousands were expected in it is an alert, not "too few".
    """
    obs, w = _observed(observed, weights)
    p = srm_p_value(obs, w)
    total = sum(obs)
    expected = tuple(x / sum(w) * total for x in w)
    shares = " / ".join(f"{o / total:.1%}" if total else "0 %" for o in obs)
    planned = " / ".join(f"{x / sum(w):.1%}" for x in w)
    if not expected or min(expected) < min_per_arm:
        level: Literal["ok", "warn", "alert", "too_few"] = "too_few"
        message = (
            f"Too few visitors to check the traffic split (the plan expects "
            f"{min(expected, default=0):.0f} in the smallest group, need {min_per_arm})."
        )
    elif p < alert:
        level = "alert"
        message = (
            f"Traffic split {shares} is far from the planned {planned} (SRM p = {p:.2g}). "
            "Assignment or tracking is probably broken: do not trust this test's results "
            "until the cause is found."
        )
    elif p < warn:
        level = "warn"
        message = (
            f"Traffic split {shares} differs from the planned {planned} more than chance "
            f"usually allows (SRM p = {p:.2g}). Check assignment and tracking before "
            "trusting the results."
        )
    else:
        level = "ok"
        shown = f"{p:.2f}" if p >= 0.1 else f"{p:.2g}"  # 1.00, not 1
        message = f"Traffic split {shares} matches the planned {planned} (SRM p = {shown})."
    return SRMCheck(p_value=p, level=level, message=message, observed=tuple(obs), expected=expected)


# --------------------------------------------------------------------------- segments


Segment = tuple[int, int, int, int]  # conversions A, visitors A, conversions B, visitors B


def _segments(strata: Mapping[str, Segment] | Sequence[Segment]) -> list[tuple[str, Segment]]:
    items = (
        list(strata.items())
        if isinstance(strata, Mapping)
        else [(f"segment {i + 1}", s) for i, s in enumerate(strata)]
    )
    if not items:
        raise InputError("No segments were given.")
    out = []
    for name, seg in items:
        if not isinstance(seg, Sequence) or isinstance(seg, str) or len(seg) != 4:
            raise InputError(
                f"Segment {name!r} needs (conversions A, visitors A, conversions B, visitors B); "
                f"got {seg!r}."
            )
        xa, na = _arm_counts(seg[0], seg[1], f"A of {name}")
        xb, nb = _arm_counts(seg[2], seg[3], f"B of {name}")
        out.append((str(name), (xa, na, xb, nb)))
    return out


@dataclass(frozen=True)
class CMHResult:
    """Cochran–Mantel–Haenszel test over segments (B vs A), without continuity correction."""

    odds_ratio: float | None
    ci_odds_ratio: Interval | None
    statistic: float | None
    p_value: float | None
    segments: int
    alpha: float
    explanation: str | None = None


def cmh_test(
    strata: Mapping[str, Segment] | Sequence[Segment], *, alpha: float = 0.05
) -> CMHResult:
    """Cochran–Mantel–Haenszel test of "same conversion in A and B within every segment".

    Per segment the table [[xB, nB − xB], [xA, nA − xA]] (a, b / c, d, total t):
    pooled OR = Σ(ad/t) / Σ(bc/t) (Mantel–Haenszel) with the Robins–Breslow–Greenland
    interval; χ² = (Σ a − Σ E[a])² / Σ Var(a), E[a] = row·col/t,
    Var(a) = row₁·row₂·col₁·col₂/(t²(t − 1)), df 1 (= statsmodels ``StratifiedTable``).
    Segments with fewer than 2 people are skipped.
    """
    alpha = _alpha(alpha)
    segs = _segments(strata)
    tab = np.array([[xb, nb - xb, xa, na - xa] for _, (xa, na, xb, nb) in segs], dtype=float)
    tab = tab[tab.sum(axis=1) >= 2]
    if len(tab) == 0:
        return CMHResult(None, None, None, None, 0, alpha, "No segment has two or more people.")
    a, b, c, d = tab.T
    t = a + b + c + d
    r, s = a * d / t, b * c / t
    row1, row2, col1, col2 = a + b, c + d, a + c, b + d
    var = np.sum(row1 * row2 * col1 * col2 / (t**2 * (t - 1)))
    stat = p = None
    explanation = None
    if var > 0:
        stat = float(np.sum(a - row1 * col1 / t) ** 2 / var)
        p = float(stats.chi2.sf(stat, 1))
    else:
        explanation = "Every segment has no conversions, only conversions, or one group empty."
    odds = ci = None
    if r.sum() > 0 and s.sum() > 0:
        odds = float(r.sum() / s.sum())
        pp, q = (a + d) / t, (b + c) / t
        v = (
            np.sum(pp * r) / (2 * r.sum() ** 2)
            + np.sum(pp * s + q * r) / (2 * r.sum() * s.sum())
            + np.sum(q * s) / (2 * s.sum() ** 2)
        )
        half = stats.norm.isf(alpha / 2) * math.sqrt(v)
        ci = (math.exp(math.log(odds) - half), math.exp(math.log(odds) + half))
    elif explanation is None:
        explanation = "The pooled odds ratio is undefined (a zero in every segment's table)."
    return CMHResult(odds, ci, stat, p, len(tab), alpha, explanation)


@dataclass(frozen=True)
class SimpsonCheck:
    """Does the pooled comparison contradict the segments (Simpson's paradox)?"""

    paradox: bool
    message: str
    pooled: ABResult
    segment_diffs: dict[str, float | None]
    cmh: CMHResult


def _sign(x: float | None) -> int:
    return 0 if x is None or x == 0 else (1 if x > 0 else -1)


def simpson_check(
    segments: Mapping[str, Segment] | Sequence[Segment], *, alpha: float = 0.05
) -> SimpsonCheck:
    """Flag a segment paradox: the pooled difference pB − pA has the opposite sign of every
    segment's difference, or the naive pooled test and the CMH test disagree on significance
    at ``alpha``."""
    segs = _segments(segments)
    xa = sum(s[0] for _, s in segs)
    na = sum(s[1] for _, s in segs)
    xb = sum(s[2] for _, s in segs)
    nb = sum(s[3] for _, s in segs)
    pooled = compare(xa, na, xb, nb, alpha=alpha)
    cmh = cmh_test(dict(segs), alpha=alpha)
    diffs = {name: (s[2] / s[3] - s[0] / s[1]) if s[1] and s[3] else None for name, s in segs}
    pooled_sign = _sign(pooled.abs_diff)
    seg_signs = [_sign(v) for v in diffs.values() if v is not None]
    flip = pooled_sign != 0 and bool(seg_signs) and all(sg == -pooled_sign for sg in seg_signs)
    naive_sig = pooled.significant
    cmh_sig = cmh.p_value is not None and cmh.p_value < alpha
    disagree = cmh.p_value is not None and pooled.p_value is not None and naive_sig != cmh_sig
    if flip:
        direction = "higher" if pooled_sign > 0 else "lower"
        message = (
            f"Segment paradox: overall B converts {direction} than A, yet B converts "
            f"{'lower' if pooled_sign > 0 else 'higher'} in every segment. The groups have "
            "a different segment mix; trust the per-segment (CMH) result, not the total."
        )
    elif disagree:
        message = (
            f"The overall test says the difference is {'' if naive_sig else 'not '}significant "
            f"(p = {pooled.p_value:.2g}), but after accounting for segments it is "
            f"{'' if cmh_sig else 'not '}(CMH p = {cmh.p_value:.2g}). The segment mix "
            "differs between groups; read the per-segment results."
        )
    else:
        message = "The overall result agrees with the segments (no Simpson's paradox)."
    return SimpsonCheck(
        paradox=flip or disagree,
        message=message,
        pooled=pooled,
        segment_diffs=diffs,
        cmh=cmh,
    )


# --------------------------------------------------------------------------- sequential


@dataclass(frozen=True)
class SequentialResult:
    """Always-valid (peeking-safe) estimate, interval and p (GrowthBook's sequential test)."""

    estimate: float | None
    ci: Interval | None
    p_value: float | None
    significant: bool
    relative: bool
    tuning: float
    alpha: float
    explanation: str | None = None


def sequential(
    conversions_a: int,
    visitors_a: int,
    conversions_b: int,
    visitors_b: int,
    *,
    alpha: float = 0.05,
    tuning: float = 5000,
    relative: bool = True,
) -> SequentialResult:
    """Asymptotic confidence sequence of Waudby-Smith et al., as in GrowthBook (N* = tuning).

    Effect: relative (pB − pA)/pA with delta-method variance
    se² = vB/(nB·pA²) + vA·pB²/(nA·pA⁴), v = p(1 − p) (or absolute pB − pA, se² = vA/nA + vB/nB).
    n = nA + nB, ρ = √((−2 ln α + ln(−2 ln α + 1))/N*),
    half-width = se·√n · √(2(nρ² + 1)·ln(√(nρ² + 1)/α) / (nρ)²),
    p = min(1, √(nρ² + 1) · exp(−ρ²·n·est²/se² / (2(nρ² + 1)))).
    The interval stays valid however often the results are looked at.
    """
    xa, na = _arm_counts(conversions_a, visitors_a, "A")
    xb, nb = _arm_counts(conversions_b, visitors_b, "B")
    alpha = _alpha(alpha)
    tuning = float(tuning)
    if not tuning > 0 or not math.isfinite(tuning):
        raise InputError(f"The tuning parameter must be a positive number; got {tuning}.")

    def neutral(why: str) -> SequentialResult:
        return SequentialResult(None, None, None, False, relative, tuning, alpha, why)

    if na < 2 or nb < 2:
        return neutral("Each group needs at least two visitors for a sequential test.")
    pa, pb = xa / na, xb / nb
    va, vb = pa * (1 - pa), pb * (1 - pb)
    if relative:
        if pa == 0:
            return neutral("A has no conversions, so a relative lift is undefined.")
        est = (pb - pa) / pa
        var = vb / nb / pa**2 + va / na * pb**2 / pa**4
    else:
        est = pb - pa
        var = va / na + vb / nb
    if var <= 0:
        return neutral("Both groups converted at 0 % or 100 %, so there is no variation to test.")
    se = math.sqrt(var)
    n = na + nb
    rho = math.sqrt((-2 * math.log(alpha) + math.log(-2 * math.log(alpha) + 1)) / tuning)
    nr2 = n * rho**2 + 1
    half = (
        se * math.sqrt(n) * math.sqrt(2 * nr2 * math.log(math.sqrt(nr2) / alpha) / (n * rho) ** 2)
    )
    st2 = est**2 * n / var
    log_e = rho**2 * st2 / (2 * nr2) - 0.5 * math.log(nr2)
    p = 1.0 if log_e <= 0 else math.exp(-log_e)
    return SequentialResult(est, (est - half, est + half), p, p < alpha, relative, tuning, alpha)


# --------------------------------------------------------------------------- revenue


@dataclass(frozen=True)
class WelchResult:
    """Welch's t-test on a per-visitor average (e.g. revenue per visitor), B − A."""

    mean_a: float | None
    mean_b: float | None
    diff: float | None
    rel_lift: float | None
    ci_diff: Interval | None
    t: float | None
    df: float | None
    p_value: float | None
    significant: bool
    n_a: int
    n_b: int
    alpha: float
    explanation: str | None = None


def welch(
    mean_a: float,
    var_a: float,
    n_a: int,
    mean_b: float,
    var_b: float,
    n_b: int,
    *,
    alpha: float = 0.05,
) -> WelchResult:
    """Welch's unequal-variance t-test from means, sample variances (n − 1) and sizes.

    se = √(sA²/nA + sB²/nB); t = (mB − mA)/se; Welch–Satterthwaite
    df = se⁴ / ((sA²/nA)²/(nA − 1) + (sB²/nB)²/(nB − 1)); CI = diff ± t_{1−α/2, df}·se
    (= scipy ``ttest_ind(equal_var=False)``). A group with fewer than 2 visitors or no
    variation in either group gives an explained neutral result.
    """
    alpha = _alpha(alpha)
    na = _count(n_a, "Visitors in A")
    nb = _count(n_b, "Visitors in B")
    vals = []
    for label, v in (
        ("mean of A", mean_a),
        ("variance of A", var_a),
        ("mean of B", mean_b),
        ("variance of B", var_b),
    ):
        if isinstance(v, bool) or not isinstance(v, numbers.Real) or not math.isfinite(float(v)):
            raise InputError(f"The {label} must be a number; got {v!r}.")
        vals.append(float(v))
    ma, sa, mb, sb = vals
    if sa < 0 or sb < 0:
        raise InputError("A variance cannot be negative.", "Check the revenue totals.")
    base = {"n_a": na, "n_b": nb, "alpha": alpha}
    mean_a_out = ma if na else None
    mean_b_out = mb if nb else None
    if na < 2 or nb < 2:
        return WelchResult(
            mean_a_out,
            mean_b_out,
            None,
            None,
            None,
            None,
            None,
            None,
            False,
            **base,
            explanation="Each group needs at least two visitors for a t-test.",
        )
    diff = mb - ma
    rel = diff / ma if ma != 0 else None
    ua, ub = sa / na, sb / nb
    var = ua + ub
    if var == 0:
        return WelchResult(
            ma,
            mb,
            diff,
            rel,
            None,
            None,
            None,
            None,
            False,
            **base,
            explanation="Every visitor has the same value in both groups, so "
            "there is no variation to test.",
        )
    se = math.sqrt(var)
    df = var**2 / (ua**2 / (na - 1) + ub**2 / (nb - 1))
    t = diff / se
    p = float(2 * stats.t.sf(abs(t), df))
    q = float(stats.t.isf(alpha / 2, df))
    return WelchResult(
        ma, mb, diff, rel, (diff - q * se, diff + q * se), t, float(df), p, p < alpha, **base
    )


def welch_from_sums(
    n_a: int,
    sum_a: float,
    sumsq_a: float,
    n_b: int,
    sum_b: float,
    sumsq_b: float,
    *,
    alpha: float = 0.05,
) -> WelchResult:
    """:func:`welch` from sufficient statistics per group: n, Σx and Σx².

    mean = Σx/n, sample variance = (Σx² − (Σx)²/n)/(n − 1) (the columns ``revenue_sum`` and
    ``revenue_sumsq`` of :func:`kpi.abdata.variant_counts`).
    """
    na = _count(n_a, "Visitors in A")
    nb = _count(n_b, "Visitors in B")

    def mv(n: int, s: float, ss: float) -> tuple[float, float]:
        s, ss = float(s), float(ss)
        if n == 0:
            return 0.0, 0.0
        mean = s / n
        var = max(0.0, (ss - s * s / n) / (n - 1)) if n > 1 else 0.0
        return mean, var

    ma, va = mv(na, sum_a, sumsq_a)
    mb, vb = mv(nb, sum_b, sumsq_b)
    return welch(ma, va, na, mb, vb, nb, alpha=alpha)


# --------------------------------------------------------------------------- words


@dataclass(frozen=True)
class Verdict:
    """One plain-English sentence and the caveats a manager should read with it."""

    sentence: str
    caveats: tuple[str, ...]


def _pct(x: float, signed: bool = False, sig: int = 2) -> str:
    """A fraction as a percentage with ``sig`` significant digits (at least 0 decimals)."""
    v = x * 100
    digits = 0 if v == 0 else max(0, sig - 1 - math.floor(math.log10(abs(v))))
    s = f"{v:+.{digits}f}" if signed else f"{abs(v):.{digits}f}"
    return s.replace("-", "−") + " %"


def _chance(p: float) -> str:
    if p > 0.999:
        return "above 99.9 %"
    if p < 0.001:
        return "below 0.1 %"
    return _pct(p, sig=3)


def _p(p: float, alpha: float = 0.05) -> str:
    """p for people: two significant digits, three near the level so that 0.0496 and 0.0504
    do not both read "p = 0.05" with opposite verdicts."""
    if p < 0.001:
        return "p < 0.001"
    text = f"p = {p:.2g}"
    if f"{p:.2g}" == f"{alpha:.2g}" or abs(p - alpha) < 0.1 * alpha:
        text = f"p = {p:.3g}"
    return text


def _level_text(alpha: float) -> str:
    """1 − alpha as a confidence level: 0.05 -> "95 %", 0.05/3 -> "98.3 %"."""
    v = (1 - alpha) * 100
    text = f"{v:.0f}" if abs(v - round(v)) < 1e-9 else f"{v:.3g}" if v < 99.9 else f"{v:.4g}"
    return f"{text} %"


def _pp(x: float) -> str:
    """A difference of rates in percentage points, signed, two significant digits (at least
    one decimal): 0.0051 -> "+0.51 pp", 0.01 -> "+1.0 pp", −0.123 -> "−12.3 pp"."""
    v = x * 100
    digits = 1 if v == 0 else max(1, 1 - math.floor(math.log10(abs(v))))
    return f"{v:+.{digits}f} pp".replace("-", "−")


_CORRECTION_NAMES = {"holm": "Holm", "bh": "Benjamini–Hochberg"}


def verdict(
    result: ABResult,
    *,
    names: tuple[str, str] = ("A", "B"),
    mde: float | None = None,
    mde_relative: bool = True,
    power: float = 0.8,
    srm: SRMCheck | None = None,
    simpson: SimpsonCheck | None = None,
    comparisons: int = 1,
    adjusted_p_value: float | None = None,
    correction: str | None = None,
    ci_result: ABResult | None = None,
    observational: bool = False,
) -> Verdict:
    """The result in one sentence a manager understands, plus caveats a statistician can audit.

    - The interval in the sentence is ``ci_result``'s when given (the same counts at a
      corrected level, e.g. Bonferroni α/m next to Holm-corrected p-values), else
      ``result``'s; its level is written out, and an interval next to a corrected p-value
      that is not itself corrected says "not corrected". Differences of rates are in
      percentage points ("pp"), relative lifts in %.
    - ``adjusted_p_value`` (with ``correction`` "holm"/"bh") is the p judged on, and is named
      "corrected p" in the sentence.
    - Underpowered: the power (R's ``power.prop.test``) to detect ``mde`` (the effect the
      user set) with the smaller group, or, without ``mde``, the observed difference; the
      caveat appears only below ``power`` and says which effect it is about.
    - ``observational``: the groups were not assigned at random (a segment such as device):
      the sentence describes the difference, with no "chance"/significance wording, and
      no SRM, Bayesian or power caveats (there is no planned split or experiment).
    Other caveats: the explanation of degenerate input; an SRM warning; a test switched to
    Fisher; several comparisons; a segment paradox.
    """
    a, b = names
    caveats: list[str] = []
    if result.explanation:
        caveats.append(result.explanation)
    p = adjusted_p_value if adjusted_p_value is not None else result.p_value
    shown = ci_result if ci_result is not None else result
    level = _level_text(shown.alpha)
    corrected_ci = ci_result is not None and ci_result.alpha < result.alpha
    if corrected_ci and comparisons > 1:
        note = f", Bonferroni-corrected for {comparisons} comparisons"
    elif adjusted_p_value is not None and comparisons > 1:
        note = f", not corrected for the {comparisons} comparisons"
    else:
        note = ""

    if result.rate_a is None or result.rate_b is None or p is None:
        sentence = f"{a} and {b} cannot be compared yet: " + (
            result.explanation or "a group has no visitors."
        )
    elif result.explanation is not None:
        sentence = (
            f"{a} and {b} cannot be told apart: both convert at {_pct(result.rate_a, sig=3)}, "
            "so there is no difference to test yet."
        )
    else:
        d = result.abs_diff or 0.0
        rates = f"{_pct(result.rate_b, sig=3)} vs {_pct(result.rate_a, sig=3)}"
        if shown.ci_rel_lift is not None and result.rel_lift is not None:
            lo, hi = shown.ci_rel_lift
            lift = result.rel_lift
            size = f"{_pct(lift)} {'better' if lift >= 0 else 'worse'}"
            ci = f"{level} CI of the lift {_pct(lo, True)} to {_pct(hi, True)}{note}"
        else:
            lo, hi = shown.ci_abs_diff or (0.0, 0.0)
            size = f"{abs(d) * 100:.2g} pp {'better' if d >= 0 else 'worse'}"
            ci = f"{level} CI of the difference {_pp(lo)} to {_pp(hi)}{note}"
        if observational:
            lo_d, hi_d = shown.ci_abs_diff or (None, None)
            ci_d = f" ({level} CI {_pp(lo_d)} to {_pp(hi_d)}{note})" if lo_d is not None else ""
            sentence = (
                f"{b} converts at {_pct(result.rate_b, sig=3)} and {a} at "
                f"{_pct(result.rate_a, sig=3)}: a difference of {_pp(d)}{ci_d}. These groups "
                "were not assigned at random, so this describes them; it does not show that "
                f"being in {b} causes the difference."
            )
        else:
            if result.abs_diff == 0:
                head = f"{b} and {a} convert at the same rate ({_pct(result.rate_a, sig=3)})"
            else:
                head = f"{b} converts {size} than {a} ({rates}, {_pp(d)}; {ci})"
            p_words = _p(p, result.alpha)
            if adjusted_p_value is not None:
                name = _CORRECTION_NAMES.get(correction or "", "corrected")
                p_words = p_words.replace("p ", f"{name}-corrected p ", 1)
            if p < result.alpha:
                tail = f"this is unlikely to be chance ({p_words})."
            else:
                tail = (
                    f"this could well be chance ({p_words}), so the test cannot tell "
                    "them apart yet."
                )
            sentence = f"{head}; {tail}"
        lo_hi = result.ci_rel_lift if result.ci_rel_lift is not None else result.ci_abs_diff
        if lo_hi is not None and adjusted_p_value is None and not observational:
            excludes_zero = lo_hi[0] > 0 or lo_hi[1] < 0
            if excludes_zero != (p < result.alpha):
                caveats.append(
                    "Borderline: the interval and the test disagree slightly (they use different "
                    "approximations, which matters in small samples). Treat this as inconclusive "
                    "and collect more data."
                )
        shown_ci = shown.ci_rel_lift if shown.ci_rel_lift is not None else shown.ci_abs_diff
        if corrected_ci and adjusted_p_value is not None and shown_ci is not None:
            excludes_zero = shown_ci[0] > 0 or shown_ci[1] < 0
            if excludes_zero != (p < result.alpha) and not observational:
                # Holm is less strict than the Bonferroni interval beside it: from its second
                # step on, a difference can be Holm-significant while the interval touches 0
                name = _CORRECTION_NAMES.get(correction or "", "corrected")
                caveats.append(
                    f"Borderline: the {level} interval (Bonferroni-corrected, stricter than the "
                    f"{name} correction of the p-value) "
                    + ("excludes 0" if excludes_zero else "still includes no difference")
                    + " although the corrected p-value says "
                    + ("significant" if p < result.alpha else "not significant")
                    + ". Treat this as inconclusive and collect more data."
                )
        if result.prob_b_beats_a is not None and not observational:
            caveats.append(
                f"Bayesian view: the chance that {b} truly converts better than {a} is "
                f"{_chance(result.prob_b_beats_a)} (this is not 1 − p)."
            )

    if srm is not None and srm.level in ("warn", "alert") and not observational:
        caveats.append(srm.message)
    if result.method == "fisher" and result.explanation is None:
        caveats.append(result.method_reason)
    if comparisons > 1 and not observational:
        caveats.append(
            f"{comparisons} comparisons were made; the more comparisons, the more likely one "
            "looks significant by chance"
            + (
                f" (the p-value above is {_CORRECTION_NAMES.get(correction or '', 'corrected')}"
                "-corrected for this"
                + (
                    ", and the interval is Bonferroni-corrected)."
                    if corrected_ci
                    else "; the interval is not)."
                )
                if adjusted_p_value is not None
                else ": use the corrected p-values."
            )
        )
    if not observational:
        caveat = _power_caveat(result, p, mde=mde, mde_relative=mde_relative, power=power)
        if caveat:
            caveats.append(caveat)
    if simpson is not None and simpson.paradox:
        caveats.append(simpson.message)
    return Verdict(sentence=sentence, caveats=tuple(caveats))


def _power_caveat(
    result: ABResult, p: float | None, *, mde: float | None, mde_relative: bool, power: float
) -> str | None:
    """ "Underpowered: …" when the power to detect the MDE (or the observed effect) is low."""
    base = result.rate_a
    have = min(result.visitors_a, result.visitors_b)
    if base is None or not 0 < base < 1 or have < 2 or result.explanation is not None:
        return None
    if mde is not None and mde != 0:
        effect, relative = mde, mde_relative
        what = (
            f"a {_pct(abs(mde))} relative change (the smallest effect set as worth detecting)"
            if mde_relative
            else f"a {abs(mde) * 100:.2g} pp change (the smallest effect set as worth detecting)"
        )
    elif result.abs_diff:
        effect, relative = abs(result.abs_diff), False
        what = f"the observed difference of {abs(result.abs_diff) * 100:.2g} pp"
    else:
        return None
    try:
        achieved = power_at(base, effect, have, relative=relative, alpha=result.alpha)
        need = sample_size(base, effect, relative=relative, alpha=result.alpha, power=power)
    except InputError:
        return None
    if achieved >= power:
        return None
    consequence = (
        "Significant results from small tests tend to overstate the effect."
        if p is not None and p < result.alpha
        else "A 'no difference' here is not evidence that there is none."
    )
    return (
        f"Underpowered for {what}: with {have:,} visitors in the smaller group the test has "
        f"{_pct(achieved)} power to detect it ({_pct(power)} wanted, about {need:,} visitors "
        f"per group). {consequence}"
    )


# --------------------------------------------------------------------------- definitions


DEFINITIONS: dict[str, Definition] = {
    "ab_conversion_rate": Definition(
        "Conversion rate (per group)",
        "Visitors who converted / visitors in the group; 95 % interval by Wilson's score method.",
        "rate",
        "ab",
    ),
    "ab_abs_diff": Definition(
        "Absolute difference",
        "Conversion rate of B − conversion rate of A, in percentage points; interval by "
        "Newcombe's hybrid score method (from the two Wilson intervals).",
        "rate",
        "ab",
    ),
    "ab_rel_lift": Definition(
        "Relative lift",
        "Conversion rate of B / conversion rate of A − 1; interval by Katz's log method "
        "(undefined when a group has no conversions).",
        "ratio",
        "ab",
    ),
    "ab_p_value": Definition(
        "p-value",
        "Chance of a difference at least this large if A and B truly convert equally: pooled "
        "two-proportion z-test, two-sided; Fisher's exact test when an expected cell count is "
        "below 5. Significant when below the chosen level (usually 0.05).",
        "number",
        "ab",
    ),
    "ab_prob_b_beats_a": Definition(
        "Probability B beats A",
        "Posterior probability that B's true rate exceeds A's, with uniform Beta(1, 1) priors "
        "updated by each group's conversions and non-conversions; numerical integral normalised "
        "on the posterior grid, exact to about 1e-15 (checked against the closed form).",
        "rate",
        "ab",
    ),
    "ab_expected_loss": Definition(
        "Expected loss",
        "Average conversion rate given up by choosing a group if the other is truly better: "
        "E[max(rate of other − rate of chosen, 0)] under the Beta(1, 1) posteriors, exact integral.",
        "rate",
        "ab",
    ),
    "ab_srm_p_value": Definition(
        "Sample-ratio mismatch (SRM) p-value",
        "Chi-square goodness-of-fit test of visitors per group against the planned split; "
        "below 0.01 a warning, below 0.001 an alert (broken assignment or tracking).",
        "number",
        "ab",
    ),
    "ab_interval_correction": Definition(
        "Intervals with several comparisons",
        "With Holm-corrected p-values over m comparisons, the intervals of the differences and "
        "lifts are Bonferroni intervals at level 1 − α/m (e.g. 97.5 % for 2 comparisons), so "
        "that they agree with the corrected test (Bonferroni is a little stricter than Holm: "
        "when a Holm-significant difference's interval still includes 0, the verdict says it "
        "is borderline); with Benjamini–Hochberg they stay at 1 − α "
        "and are labelled 'not corrected'. Per-group (Wilson) intervals are never corrected.",
        "rate",
        "ab",
    ),
    "ab_power": Definition(
        "Power (underpowered)",
        "Chance that the test detects a given change: R's power.prop.test, "
        "Φ((|p2 − p1|·√n − z_{1−α/2}·√(2·p̄·q̄)) / √(p1·q1 + p2·q2)) with n the smaller group. "
        "'Underpowered' is said only when the power for the MDE set in the settings (or, "
        "without one, for the observed difference) is below the chosen power, and says which.",
        "rate",
        "ab",
    ),
    "ab_sample_size": Definition(
        "Sample size per group",
        "Visitors needed per group to detect the minimum effect with the chosen power and "
        "significance level, by R's power.prop.test formula (pooled rate, two-sided), rounded up.",
        "count",
        "ab",
    ),
}
