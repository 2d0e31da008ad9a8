"""The verdict: one sentence a manager understands and the caveats a statistician can audit,
as facts (``ab.verdict.*``, ``ab.caveat.*``) rendered in the reader's language."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from kpi.abtest.planning import power_at, sample_size
from kpi.abtest.proportions import ABResult
from kpi.abtest.srm import SRMCheck
from kpi.abtest.strata import SimpsonCheck
from kpi.errors import InputError
from kpi.words import Fact

__all__ = ["Verdict", "correction_name", "level_percent", "p_fact", "verdict", "with_names"]


@dataclass(frozen=True)
class Verdict:
    """One sentence and the caveats a manager should read with it (facts)."""

    sentence: Fact
    caveats: tuple[Fact, ...]


_GROUP_KEYS = ("group", "a", "b")


def with_names(fact: Fact | None, names: Mapping[str, str]) -> Fact | None:
    """``fact`` with the group letters of kpi (``"A"``, ``"B"``) replaced by the groups' names
    (``{"A": "control", "B": "new page"}``), in nested facts too."""
    if fact is None:
        return None

    def swap(key: str, value: Any) -> Any:
        if isinstance(value, Fact):
            return with_names(value, names)
        if isinstance(value, list) and value and all(isinstance(v, Fact) for v in value):
            return [with_names(v, names) for v in value]
        if key in _GROUP_KEYS and isinstance(value, str):
            return names.get(value, value)
        if key == "groups" and isinstance(value, list):
            return [names.get(v, v) for v in value]
        return value

    return Fact(fact.code, **{k: swap(k, v) for k, v in fact.items()})


def level_percent(alpha: float) -> float:
    """1 − alpha as a percentage number for ``{level:num}`` (0.05 -> 95, 0.05/3 -> 98.33)."""
    return (1 - alpha) * 100


def correction_name(correction: str | None) -> Fact:
    """The name of a p-value correction (Holm, Benjamini–Hochberg)."""
    return Fact(f"ab.correction.{correction if correction in ('holm', 'bh') else 'other'}")


def p_fact(p: float, alpha: float, correction: str | None = None) -> Fact:
    """``p = 0.017`` for people; near the level it says on which side (0.0496 and 0.0504 both
    read 0.050, with opposite verdicts); ``Holm-corrected p = …`` when ``correction``."""
    prefix = "ab.p.corrected" if correction else "ab.p"
    near = abs(p - alpha) < 0.1 * alpha
    kind = ("below" if p < alpha else "above") if near else "plain"
    values: dict[str, Any] = {"p": p, "alpha": alpha}
    if correction:
        values["correction"] = correction_name(correction)
    return Fact(f"{prefix}.{kind}", **values)


def _ci(kind: str, level: float, lo: float, hi: float, note: str, comparisons: int) -> Fact:
    code = f"ab.ci.{kind}" + (f".{note}" if note else "")
    return Fact(code, level=level, lo=lo, hi=hi, comparisons=comparisons)


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
      percentage points, relative lifts in %.
    - ``adjusted_p_value`` (with ``correction`` "holm"/"bh") is the p judged on, and is named
      "corrected p" in the sentence.
    - Underpowered: the power (R's ``power.prop.test``) to detect ``mde`` (the effect the
      user set) with the smaller group, or, without ``mde``, the observed difference; the
      caveat appears only below ``power`` and says which effect it is about.
    - ``observational``: the groups were not assigned at random (a segment such as device):
      the sentence describes the difference, with no "chance"/significance wording, and
      no SRM, Bayesian or power caveats (there is no planned split or experiment).
    Other caveats: the explanation of degenerate input; an SRM warning; a test switched to
    Fisher; several comparisons; a segment paradox. Every group letter of kpi's facts is
    replaced by the group's name.
    """
    a, b = names
    letters = {"A": a, "B": b}
    caveats: list[Fact] = []
    explanation = with_names(result.explanation, letters)
    if explanation is not None:
        caveats.append(explanation)
    p = adjusted_p_value if adjusted_p_value is not None else result.p_value
    shown = ci_result if ci_result is not None else result
    level = level_percent(shown.alpha)
    corrected_ci = ci_result is not None and ci_result.alpha < result.alpha
    if corrected_ci and comparisons > 1:
        note = "bonferroni"
    elif adjusted_p_value is not None and comparisons > 1:
        note = "uncorrected"
    else:
        note = ""

    if result.rate_a is None or result.rate_b is None or p is None:
        sentence = Fact(
            "ab.verdict.cannot_compare",
            a=a,
            b=b,
            why=explanation if explanation is not None else Fact("ab.verdict.a_group_empty"),
        )
    elif result.explanation is not None:
        sentence = Fact("ab.verdict.identical", a=a, b=b, rate=result.rate_a)
    else:
        d = result.abs_diff or 0.0
        if shown.ci_rel_lift is not None and result.rel_lift is not None:
            lo, hi = shown.ci_rel_lift
            ci = _ci("lift", level, lo, hi, note, comparisons)
            size_kind, size = "lift", abs(result.rel_lift)
            better = result.rel_lift >= 0
        else:
            lo, hi = shown.ci_abs_diff or (0.0, 0.0)
            ci = _ci("diff", level, lo, hi, note, comparisons)
            size_kind, size = "diff", abs(d)
            better = d >= 0
        if observational:
            lo_d, hi_d = shown.ci_abs_diff or (None, None)
            values = {"a": a, "b": b, "rate_a": result.rate_a, "rate_b": result.rate_b, "diff": d}
            if lo_d is not None and hi_d is not None:
                values["ci"] = _ci("plain", level, lo_d, hi_d, note, comparisons)
                sentence = Fact("ab.verdict.observational.ci", **values)
            else:
                sentence = Fact("ab.verdict.observational", **values)
        else:
            if result.abs_diff == 0:
                head = Fact("ab.verdict.head.same", a=a, b=b, rate=result.rate_a)
            else:
                head = Fact(
                    f"ab.verdict.head.{size_kind}.{'better' if better else 'worse'}",
                    a=a,
                    b=b,
                    size=size,
                    rate_a=result.rate_a,
                    rate_b=result.rate_b,
                    diff=d,
                    ci=ci,
                )
            p_words = p_fact(p, result.alpha, correction if adjusted_p_value is not None else None)
            tail = Fact(
                "ab.verdict.tail.unlikely" if p < result.alpha else "ab.verdict.tail.chance",
                p=p_words,
            )
            sentence = Fact("ab.verdict.sentence", head=head, tail=tail)
        lo_hi = result.ci_rel_lift if result.ci_rel_lift is not None else result.ci_abs_diff
        if lo_hi is not None and adjusted_p_value is None and not observational:
            excludes_zero = lo_hi[0] > 0 or lo_hi[1] < 0
            if excludes_zero != (p < result.alpha):
                caveats.append(Fact("ab.caveat.borderline"))
        shown_ci = shown.ci_rel_lift if shown.ci_rel_lift is not None else shown.ci_abs_diff
        if corrected_ci and adjusted_p_value is not None and shown_ci is not None:
            excludes_zero = shown_ci[0] > 0 or shown_ci[1] < 0
            if excludes_zero != (p < result.alpha) and not observational:
                # Holm is less strict than the Bonferroni interval beside it: from its second
                # step on, a difference can be Holm-significant while the interval touches 0
                caveats.append(
                    Fact(
                        "ab.caveat.borderline_bonferroni."
                        + ("excludes" if excludes_zero else "includes"),
                        level=level,
                        correction=correction_name(correction),
                    )
                )
        if result.prob_b_beats_a is not None and not observational:
            prob = result.prob_b_beats_a
            if prob > 0.999:
                caveats.append(Fact("ab.caveat.bayes.above", a=a, b=b, limit=0.999))
            elif prob < 0.001:
                caveats.append(Fact("ab.caveat.bayes.below", a=a, b=b, limit=0.001))
            else:
                caveats.append(Fact("ab.caveat.bayes", a=a, b=b, prob=prob))

    if srm is not None and srm.level in ("warn", "alert") and not observational:
        caveats.append(srm.message)
    if result.method == "fisher" and result.explanation is None:
        caveats.append(with_names(result.method_reason, letters))  # type: ignore[arg-type]
    if comparisons > 1 and not observational:
        if adjusted_p_value is None:
            kind = "use_corrected"
        else:
            kind = "corrected_ci" if corrected_ci else "uncorrected_ci"
        caveats.append(
            Fact(
                f"ab.caveat.comparisons.{kind}",
                comparisons=comparisons,
                correction=correction_name(correction),
            )
        )
    if not observational:
        caveat = _power_caveat(result, p, mde=mde, mde_relative=mde_relative, power=power)
        if caveat is not None:
            caveats.append(caveat)
    if simpson is not None and simpson.paradox:
        caveats.append(with_names(simpson.message, letters))  # type: ignore[arg-type]
    return Verdict(sentence=sentence, caveats=tuple(caveats))


def _power_caveat(
    result: ABResult, p: float | None, *, mde: float | None, mde_relative: bool, power: float
) -> Fact | None:
    """``ab.caveat.underpowered.*`` when the power to detect the MDE (or the observed effect)
    is below the power wanted."""
    base = result.rate_a
    have = min(result.visitors_a, result.visitors_b)
    if base is None or not 0 < base < 1 or have < 2 or result.explanation is not None:
        return None
    if mde is not None and mde != 0:
        effect, relative = mde, mde_relative
        what = Fact(
            "ab.power.mde_relative" if mde_relative else "ab.power.mde_absolute", mde=abs(mde)
        )
    elif result.abs_diff:
        effect, relative = abs(result.abs_diff), False
        what = Fact("ab.power.observed", diff=abs(result.abs_diff))
    else:
        return None
    try:
        achieved = power_at(base, effect, have, relative=relative, alpha=result.alpha)
        need = sample_size(base, effect, relative=relative, alpha=result.alpha, power=power)
    except InputError:
        return None
    if achieved >= power:
        return None
    significant = p is not None and p < result.alpha
    return Fact(
        "ab.caveat.underpowered." + ("significant" if significant else "not_significant"),
        what=what,
        have=have,
        achieved=achieved,
        power=power,
        need=need,
    )
