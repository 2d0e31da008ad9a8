"""Segments (strata): the Cochran–Mantel–Haenszel test over segments and Simpson's paradox
(the pooled comparison contradicting every segment, or the pooled and stratified tests
disagreeing on significance)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from kpi.abtest.inputs import alpha_level, arm_counts
from kpi.abtest.proportions import ABResult, Interval, compare
from kpi.errors import InputError
from kpi.words import Fact

__all__ = ["CMHResult", "Segment", "SimpsonCheck", "cmh_test", "simpson_check"]

Segment = tuple[int, int, int, int]  # conversions A, visitors A, conversions B, visitors B


def _segments(strata: Mapping[str, Segment] | Sequence[Segment]) -> list[tuple[str, Segment]]:
    items = (
        list(strata.items())
        if isinstance(strata, Mapping)
        else [(str(i + 1), s) for i, s in enumerate(strata)]
    )
    if not items:
        raise InputError(Fact("ab.strata.none"))
    out = []
    for name, seg in items:
        if not isinstance(seg, Sequence) or isinstance(seg, str) or len(seg) != 4:
            raise InputError(Fact("ab.strata.shape", segment=str(name), got=repr(seg)))
        xa, na = arm_counts(seg[0], seg[1], f"A / {name}")
        xb, nb = arm_counts(seg[2], seg[3], f"B / {name}")
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
    explanation: Fact | None = None


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
    from scipy import stats

    alpha = alpha_level(alpha)
    segs = _segments(strata)
    tab = np.array([[xb, nb - xb, xa, na - xa] for _, (xa, na, xb, nb) in segs], dtype=float)
    tab = tab[tab.sum(axis=1) >= 2]
    if len(tab) == 0:
        return CMHResult(None, None, None, None, 0, alpha, Fact("ab.strata.too_small"))
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
        explanation = Fact("ab.strata.no_variation")
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
        explanation = Fact("ab.strata.no_odds_ratio")
    return CMHResult(odds, ci, stat, p, len(tab), alpha, explanation)


@dataclass(frozen=True)
class SimpsonCheck:
    """Does the pooled comparison contradict the segments (Simpson's paradox)?"""

    paradox: bool
    message: Fact
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
        message = Fact(f"ab.simpson.flip.{direction}", a="A", b="B")
    elif disagree:
        message = Fact(
            "ab.simpson.disagree.naive" if naive_sig else "ab.simpson.disagree.cmh",
            p=pooled.p_value,
            cmh_p=cmh.p_value,
        )
    else:
        message = Fact("ab.simpson.agrees")
    return SimpsonCheck(
        paradox=flip or disagree,
        message=message,
        pooled=pooled,
        segment_diffs=diffs,
        cmh=cmh,
    )
