"""Revenue per visitor: Welch's unequal-variance t-test, from means and variances or from the
sufficient statistics (n, Σx, Σx²) per group."""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass

from kpi.abtest.inputs import alpha_level, count
from kpi.abtest.proportions import Interval
from kpi.errors import InputError
from kpi.words import Fact

__all__ = ["WelchResult", "welch", "welch_from_sums"]


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
    explanation: Fact | None = None


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
    from scipy import stats

    alpha = alpha_level(alpha)
    na = count(n_a, Fact("ab.input.what_visitors", group="A"))
    nb = count(n_b, Fact("ab.input.what_visitors", group="B"))
    vals = []
    for label, v in (
        (Fact("ab.welch.what_mean", group="A"), mean_a),
        (Fact("ab.welch.what_variance", group="A"), var_a),
        (Fact("ab.welch.what_mean", group="B"), mean_b),
        (Fact("ab.welch.what_variance", group="B"), var_b),
    ):
        if isinstance(v, bool) or not isinstance(v, numbers.Real) or not math.isfinite(float(v)):
            raise InputError(Fact("ab.welch.not_number", what=label, got=repr(v)))
        vals.append(float(v))
    ma, sa, mb, sb = vals
    if sa < 0 or sb < 0:
        raise InputError(Fact("ab.welch.negative_variance"), Fact("ab.welch.hint_totals"))
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
            explanation=Fact("ab.welch.two_visitors"),
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
            explanation=Fact("ab.welch.no_variation"),
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
    ``revenue_sumsq`` of :func:`kpi.abtest.counts.variant_counts`).
    """
    na = count(n_a, Fact("ab.input.what_visitors", group="A"))
    nb = count(n_b, Fact("ab.input.what_visitors", group="B"))

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
