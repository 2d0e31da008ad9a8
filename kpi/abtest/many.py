"""Several groups: every variant against the control with a family-wise correction, an
omnibus chi-square over all groups and P(best) for each group."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from kpi.abtest.bayes import prob_best
from kpi.abtest.inputs import alpha_level, arm_counts
from kpi.abtest.multiple import adjust_p_values
from kpi.abtest.proportions import ABResult, compare
from kpi.errors import InputError
from kpi.words import Fact

__all__ = ["Arm", "ManyResult", "VariantComparison", "compare_many"]


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
    explanation: Fact | None = None


def _arms(arms: Sequence[Arm] | Mapping[str, tuple[int, int]]) -> tuple[Arm, ...]:
    if isinstance(arms, Mapping):
        items = []
        for name, pair in arms.items():
            if not isinstance(pair, Sequence) or isinstance(pair, str) or len(pair) != 2:
                raise InputError(Fact("ab.input.pair", group=str(name), got=repr(pair)))
            items.append(Arm(str(name), pair[0], pair[1]))
        out = tuple(items)
    else:
        out = tuple(arms)
    checked = []
    for arm in out:
        if not isinstance(arm, Arm):
            raise InputError(Fact("ab.input.not_a_group", got=repr(arm)))
        x, n = arm_counts(arm.conversions, arm.visitors, str(arm.name))
        checked.append(Arm(str(arm.name), x, n))
    names = [a.name for a in checked]
    if len(checked) < 2:
        raise InputError(Fact("ab.input.two_groups"), Fact("ab.input.hint_two_groups"))
    if len(set(names)) != len(names):
        raise InputError(Fact("ab.input.names_distinct", names=names))
    return tuple(checked)


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
    from scipy import stats

    checked = _arms(arms)
    alpha = alpha_level(alpha)
    if correction not in ("holm", "bh", None):
        raise InputError(
            Fact("ab.input.correction", got=repr(correction)), Fact("ab.input.hint_correction")
        )
    names = [a.name for a in checked]
    control = names[0] if control is None else str(control)
    if control not in names:
        raise InputError(Fact("ab.input.control_unknown", control=control, names=names))
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
        explanation = Fact("ab.many.no_chi2")
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
