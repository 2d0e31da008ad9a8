"""Two groups, one conversion rate each: the pooled z-test or Fisher's exact test, Wilson
intervals per group, Newcombe's interval for the difference, Katz's for the relative lift.

Policy for inputs (GrowthBook ``gbstats`` style): impossible inputs raise
:class:`kpi.errors.InputError` (negative counts, conversions above visitors, text, fractions,
booleans, alpha outside (0, 1)); degenerate but possible inputs never raise: no conversions in
either group, 100 % in both, or a group without visitors give a result whose ``explanation``
(a :class:`kpi.words.Fact`) says what cannot be computed; undefined numbers are ``None``
(never NaN) and ``significant`` is False.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from kpi.abtest.bayes import expected_loss, prob_greater
from kpi.abtest.inputs import alpha_level, arm_counts
from kpi.words import Fact

__all__ = ["ABResult", "Interval", "compare", "katz", "newcombe", "wilson"]

Interval = tuple[float, float]


def wilson(x: int, n: int, alpha: float) -> Interval | None:
    """Wilson score interval: (p̂ + z²/2n ± z·√(p̂q̂/n + z²/4n²)) / (1 + z²/n), clipped to [0, 1]."""
    from scipy import stats

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


def newcombe(xa: int, na: int, xb: int, nb: int, alpha: float) -> Interval | None:
    """Newcombe hybrid score interval for pB − pA, from the two Wilson intervals."""
    if na == 0 or nb == 0:
        return None
    la, ua = wilson(xa, na, alpha)  # type: ignore[misc]
    lb, ub = wilson(xb, nb, alpha)  # type: ignore[misc]
    pa, pb = xa / na, xb / nb
    d = pb - pa
    return (d - math.hypot(pb - lb, ua - pa), d + math.hypot(ub - pb, pa - la))


def katz(xa: int, na: int, xb: int, nb: int, alpha: float) -> Interval | None:
    """Katz log interval for pB/pA − 1: exp(ln(pB/pA) ± z·√(1/xB − 1/nB + 1/xA − 1/nA)) − 1."""
    from scipy import stats

    if na == 0 or nb == 0 or xa == 0 or xb == 0 or (xa == na and xb == nb):
        return None  # undefined, or no variance at all (both at 100 %)
    z = stats.norm.isf(alpha / 2)
    log_ratio = math.log((xb / nb) / (xa / na))
    se = math.sqrt(max(0.0, 1 / xb - 1 / nb + 1 / xa - 1 / na))
    return (math.expm1(log_ratio - z * se), math.expm1(log_ratio + z * se))


# --------------------------------------------------------------------------- two groups


@dataclass(frozen=True)
class ABResult:
    """Two-group comparison of conversion rates (A = control, B = variant).

    ``None`` marks a number that is undefined for these counts; ``explanation`` says why.
    ``method`` is "z" (pooled z-test), "fisher" (Fisher's exact test) or "none" (a group has
    no visitors, no test possible); ``p_value`` is the p of that method; ``method_reason``
    says why (``ab.method.*``: the smallest expected cell and its count); ``explanation``
    (``ab.degenerate.*``) says what cannot be computed.
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
    method_reason: Fact
    ci_a: Interval | None
    ci_b: Interval | None
    ci_abs_diff: Interval | None
    ci_rel_lift: Interval | None
    prob_b_beats_a: float | None
    expected_loss_a: float | None
    expected_loss_b: float | None
    significant: bool
    explanation: Fact | None = None


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
    from scipy import stats

    xa, na = arm_counts(conversions_a, visitors_a, "A")
    xb, nb = arm_counts(conversions_b, visitors_b, "B")
    alpha = alpha_level(alpha)
    base = {
        "conversions_a": xa,
        "visitors_a": na,
        "conversions_b": xb,
        "visitors_b": nb,
        "alpha": alpha,
    }

    if na == 0 or nb == 0:
        empty = [g for g, n in (("A", na), ("B", nb)) if n == 0]
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
            method_reason=Fact("ab.method.none"),
            ci_a=wilson(xa, na, alpha),
            ci_b=wilson(xb, nb, alpha),
            ci_abs_diff=None,
            ci_rel_lift=None,
            prob_b_beats_a=None,
            expected_loss_a=None,
            expected_loss_b=None,
            significant=False,
            explanation=Fact("ab.degenerate.no_visitors", groups=empty, count=len(empty)),
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
        "conversions_a": na * (xa + xb) / n,
        "conversions_b": nb * (xa + xb) / n,
        "non_conversions_a": na * (n - xa - xb) / n,
        "non_conversions_b": nb * (n - xa - xb) / n,
    }
    cell, smallest = min(expected.items(), key=lambda kv: kv[1])
    explanation = None
    if xa + xb == 0:
        explanation = Fact("ab.degenerate.no_conversions")
    elif xa + xb == n:
        explanation = Fact("ab.degenerate.all_converted")
    # the cell is named with the group's own letter; the page passes the group names
    group = "A" if cell.endswith("_a") else "B"
    kind = "conversions" if cell.startswith("conversions") else "non_conversions"
    if smallest < 5:
        method: Literal["z", "fisher", "none"] = "fisher"
        reason = Fact(f"ab.method.fisher.{kind}", group=group, expected=smallest)
        p_value = fisher_p
    else:
        method = "z"
        reason = Fact(f"ab.method.z.{kind}", group=group, expected=smallest)
        p_value = z_p

    prob = prob_greater(xb + 1, nb - xb + 1, xa + 1, na - xa + 1)
    loss_a, loss_b = expected_loss(xa, na, xb, nb)
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
        ci_a=wilson(xa, na, alpha),
        ci_b=wilson(xb, nb, alpha),
        ci_abs_diff=newcombe(xa, na, xb, nb, alpha),
        ci_rel_lift=katz(xa, na, xb, nb, alpha),
        prob_b_beats_a=prob,
        expected_loss_a=loss_a,
        expected_loss_b=loss_b,
        significant=p_value is not None and p_value < alpha,
        explanation=explanation,
    )
