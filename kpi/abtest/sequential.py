"""Peeking-safe results: GrowthBook's always-valid confidence sequence (Waudby-Smith et al.),
valid however often the results are looked at."""

from __future__ import annotations

import math
from dataclasses import dataclass

from kpi.abtest.inputs import alpha_level, arm_counts
from kpi.abtest.proportions import Interval
from kpi.errors import InputError
from kpi.words import Fact

__all__ = ["SequentialResult", "sequential"]


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
    explanation: Fact | None = None


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
    xa, na = arm_counts(conversions_a, visitors_a, "A")
    xb, nb = arm_counts(conversions_b, visitors_b, "B")
    alpha = alpha_level(alpha)
    tuning = float(tuning)
    if not tuning > 0 or not math.isfinite(tuning):
        raise InputError(Fact("ab.sequential.tuning", got=tuning))

    def neutral(why: Fact) -> SequentialResult:
        return SequentialResult(None, None, None, False, relative, tuning, alpha, why)

    if na < 2 or nb < 2:
        return neutral(Fact("ab.sequential.two_visitors"))
    pa, pb = xa / na, xb / nb
    va, vb = pa * (1 - pa), pb * (1 - pb)
    if relative:
        if pa == 0:
            return neutral(Fact("ab.sequential.no_base", group="A"))
        est = (pb - pa) / pa
        var = vb / nb / pa**2 + va / na * pb**2 / pa**4
    else:
        est = pb - pa
        var = va / na + vb / nb
    if var <= 0:
        return neutral(Fact("ab.sequential.no_variation"))
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
