"""The whole analysis of a test, computed once from counts and settings: groups, every
variant against the control, SRM, segments and Simpson's paradox, always-valid results,
revenue per visitor, verdicts and the smallest detectable change (:func:`analyse`).

:class:`ABAnalysis` is what the A/B page shows and what the workbook writes (with
:class:`ABSource`, how the counts were made, and the test plan when one was made).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

import polars as pl

from kpi.abtest.counts import default_control, need_column
from kpi.abtest.many import Arm, ManyResult, compare_many
from kpi.abtest.multiple import adjust_p_values
from kpi.abtest.planning import Plan, mde_for_sample
from kpi.abtest.proportions import ABResult, compare
from kpi.abtest.sequential import SequentialResult, sequential
from kpi.abtest.settings import ABSettings
from kpi.abtest.srm import SRMCheck, srm_check
from kpi.abtest.strata import SimpsonCheck, simpson_check
from kpi.abtest.verdict import Verdict, verdict, with_names
from kpi.abtest.welch import WelchResult, welch_from_sums
from kpi.errors import InputError
from kpi.words import Fact

__all__ = ["ABAnalysis", "ABSource", "analyse", "analyse_with"]


@dataclass(frozen=True)
class ABSource:
    """How the counts of a test were made.

    ``kind``: "typed", "pasted", "example" (the Quick check), "summary" (an aggregated A/B
    file), "data" (counted from the users; ``files`` empty for the demo data).
    ``variant_column`` and ``assignment`` ("detected" or "chosen": a column the user picked
    that does not look like an assignment, an observational comparison); ``columns`` maps the
    roles of a summary file to its own column names; ``dropped`` / ``notes``: reason code
    (``ab.rows.*``) -> rows.
    """

    kind: Literal["typed", "pasted", "example", "summary", "data"]
    files: tuple[str, ...] = ()
    variant_column: str | None = None
    assignment: Literal["detected", "chosen"] | None = None
    columns: Mapping[str, str] = field(default_factory=dict)
    window_days: float | None = None
    segment: str | None = None
    rows_read: int | None = None
    rows_kept: int | None = None
    dropped: Mapping[str, int] = field(default_factory=dict)
    notes: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class ABAnalysis:
    """Everything the A/B page shows, computed from counts (see :func:`analyse`).

    Frames: ``arms`` (variant, visitors, conversions, rate, rate_low, rate_high, share,
    planned_share, prob_best, is_control [, revenue_sum, revenue_per_visitor]);
    ``comparisons`` (one row per variant vs the control: counts, rates, abs_diff with
    Newcombe bounds, rel_lift with Katz bounds, z, z_p_value, fisher_p_value, p_value, method,
    adjusted_p_value, prob_beats_control, expected losses, significant, ci_level);
    ``segments`` (the same per segment, adjusted over ``family``). Words are facts:
    ``method_reasons`` and ``explanations`` per variant (with the groups' names),
    ``verdicts``, ``srm.message``, ``simpson[v].message``, ``srm_error``,
    ``mde_reachable_note``. ``source``, ``plan`` and ``settings`` are set by the page (or the
    workbook) with :func:`dataclasses.replace`.
    """

    metric: Fact
    control: str
    alpha: float
    correction: str | None
    family: str
    arms: pl.DataFrame
    comparisons: pl.DataFrame
    many: ManyResult
    verdicts: dict[str, Verdict]
    srm: SRMCheck | None
    srm_error: Fact | None
    planned_split: tuple[float, ...]
    segment_column: str | None
    segments: pl.DataFrame | None
    simpson: dict[str, SimpsonCheck]
    sequential: dict[str, SequentialResult]
    revenue: dict[str, WelchResult]
    mde: float | None
    mde_relative: bool
    power: float
    mde_reachable: float | None
    mde_reachable_note: Fact | None
    observational: bool = False
    ci_alpha: float = 0.05
    ci_correction: str | None = None
    segment_ci_alpha: float | None = None
    method_reasons: Mapping[str, Fact] = field(default_factory=dict)
    explanations: Mapping[str, Fact | None] = field(default_factory=dict)
    source: ABSource | None = None
    plan: Plan | None = None
    settings: ABSettings | None = None

    @property
    def names(self) -> list[str]:
        """The groups, in the order of the data."""
        return self.arms["variant"].to_list()

    @property
    def control_rate(self) -> float | None:
        """The control's conversion rate."""
        return self.arms.filter(pl.col("is_control"))["rate"][0]

    def with_plan(self, plan: Plan | None) -> ABAnalysis:
        """The same analysis with a test plan."""
        return replace(self, plan=plan)


def _comparison_row(name: str, control: str, r: ABResult) -> dict[str, object]:
    lo_d, hi_d = r.ci_abs_diff or (None, None)
    lo_l, hi_l = r.ci_rel_lift or (None, None)
    return {
        "variant": name,
        "control": control,
        "visitors_control": r.visitors_a,
        "conversions_control": r.conversions_a,
        "visitors_variant": r.visitors_b,
        "conversions_variant": r.conversions_b,
        "rate_control": r.rate_a,
        "rate_variant": r.rate_b,
        "abs_diff": r.abs_diff,
        "abs_diff_low": lo_d,
        "abs_diff_high": hi_d,
        "rel_lift": r.rel_lift,
        "rel_lift_low": lo_l,
        "rel_lift_high": hi_l,
        "z": r.z,
        "z_p_value": r.z_p_value,
        "fisher_p_value": r.fisher_p_value,
        "p_value": r.p_value,
        "method": r.method,
        "prob_beats_control": r.prob_b_beats_a,
        "expected_loss_control": r.expected_loss_a,
        "expected_loss_variant": r.expected_loss_b,
    }


_COMPARISON_SCHEMA = {
    "variant": pl.String,
    "control": pl.String,
    "visitors_control": pl.Int64,
    "conversions_control": pl.Int64,
    "visitors_variant": pl.Int64,
    "conversions_variant": pl.Int64,
    "rate_control": pl.Float64,
    "rate_variant": pl.Float64,
    "abs_diff": pl.Float64,
    "abs_diff_low": pl.Float64,
    "abs_diff_high": pl.Float64,
    "rel_lift": pl.Float64,
    "rel_lift_low": pl.Float64,
    "rel_lift_high": pl.Float64,
    "z": pl.Float64,
    "z_p_value": pl.Float64,
    "fisher_p_value": pl.Float64,
    "p_value": pl.Float64,
    "method": pl.String,
    "prob_beats_control": pl.Float64,
    "expected_loss_control": pl.Float64,
    "expected_loss_variant": pl.Float64,
}


def _adjusted(ps: Sequence[float | None], correction: str | None) -> list[float | None]:
    present = [p for p in ps if p is not None]
    adj = adjust_p_values(present, method=correction) if correction and present else present  # type: ignore[arg-type]
    it = iter(adj)
    return [None if p is None else next(it) for p in ps]


def analyse(
    counts: pl.DataFrame,
    *,
    variant: str = "variant",
    control: str | None = None,
    by: str | None = None,
    alpha: float = 0.05,
    correction: Literal["holm", "bh"] | None = "holm",
    family: Literal["variants", "variants x segments"] = "variants x segments",
    planned_split: Sequence[float] | None = None,
    mde: float | None = None,
    mde_relative: bool = True,
    power: float = 0.8,
    metric: Fact | None = None,
    observational: bool = False,
) -> ABAnalysis:
    """Every statistic of the A/B page from a counts table.

    ``counts`` has ``variant``, ``visitors``, ``conversions`` (+ ``revenue_sum``,
    ``revenue_sumsq``), and the ``by`` column when given (then totals are summed over it).
    Every variant is compared with ``control`` (:func:`kpi.abtest.compare_many`, p-values
    adjusted by ``correction`` over the k − 1 variants); per segment the same comparisons are
    adjusted over the variants of each segment (``family="variants"``) or over every
    variant × segment comparison at once (``"variants x segments"``), and a Simpson's paradox
    check with the CMH test is made per variant. SRM against ``planned_split`` (equal when
    None); sequential (always-valid) results; Welch's t-test on revenue per visitor; a verdict
    per variant; the smallest change detectable with the visitors at hand (power.prop.test).

    Intervals agree with the p-values beside them: with ``correction="holm"`` over m > 1
    comparisons, the difference and lift intervals are Bonferroni intervals at level
    1 − α/m (``ci_alpha``, ``ci_correction="bonferroni"``; simultaneous, a bit more
    conservative than Holm); with Benjamini–Hochberg or no correction they are at 1 − α and
    ``ci_correction`` is None (the page and workbook label them "not corrected"). The same
    holds per segment over the segment family (``segment_ci_alpha``).

    ``observational``: the groups are a segment, not a random assignment (the user chose a
    column that :func:`kpi.abtest.assignment.assignment_columns` does not recognise): no SRM check
    (there is no planned split), and verdicts describe the difference without
    significance or "chance" wording (:func:`kpi.abtest.verdict`).
    """
    if family not in ("variants", "variants x segments"):
        raise InputError(Fact("ab.input.family", got=repr(family)), Fact("ab.input.hint_family"))
    need = [variant, "visitors", "conversions"] + ([by] if by else [])
    for col in need:
        need_column(counts, col, "counts")
    revenue = {"revenue_sum", "revenue_sumsq"} <= set(counts.columns)
    sums = ["visitors", "conversions"] + (["revenue_sum", "revenue_sumsq"] if revenue else [])
    c = counts.with_columns(pl.col(variant).cast(pl.String).fill_null("(none)"))
    overall = c.group_by(variant, maintain_order=True).agg(pl.col(sums).sum())
    names = overall[variant].to_list()
    if len(names) < 2:
        raise InputError(
            Fact("ab.data.two_groups", count=len(names), names=names),
            Fact("ab.data.hint_variant"),
        )
    control = default_control(names) if control is None else str(control)
    if control not in names:
        raise InputError(Fact("ab.input.control_unknown", control=control, names=names))
    arms = {
        n: (x, v)
        for n, x, v in zip(names, overall["conversions"], overall["visitors"], strict=True)
    }
    many = compare_many(
        [Arm(n, arms[n][0], arms[n][1]) for n in names],
        control=control,
        alpha=alpha,
        correction=correction,
    )
    k = len(names)
    ci_alpha = alpha / (k - 1) if correction == "holm" and k > 2 else alpha
    ci_correction = "bonferroni" if ci_alpha < alpha else None
    split = tuple(planned_split) if planned_split is not None else tuple([1.0 / k] * k)
    srm = srm_error = None
    if not observational:
        try:
            srm = srm_check([arms[n][1] for n in names], split)
        except InputError as exc:
            srm_error = exc.message

    # per segment
    seg_frame = None
    seg_ci_alpha: float | None = None
    simpson: dict[str, SimpsonCheck] = {}
    if by is not None:
        keyed = {
            (str(s), str(v)): (x, n)
            for s, v, x, n in c.select(by, variant, "conversions", "visitors").iter_rows()
        }
        seg_names = list(dict.fromkeys(str(s) for s in c[by].to_list()))
        testable = [
            (s, v)
            for s in seg_names
            for v in names
            if v != control
            and keyed.get((s, control), (0, 0))[1] > 0
            and keyed.get((s, v), (0, 0))[1] > 0
        ]
        per_family = len(testable) if family == "variants x segments" else k - 1
        seg_ci_alpha = (
            alpha / per_family if correction == "holm" and per_family > 1 else float(alpha)
        )
        rows = []
        for s in seg_names:
            xa, na = keyed.get((s, control), (0, 0))
            for v in names:
                if v == control:
                    continue
                xb, nb = keyed.get((s, v), (0, 0))
                rows.append(
                    {
                        "segment": s,
                        **_comparison_row(v, control, compare(xa, na, xb, nb, alpha=seg_ci_alpha)),
                    }
                )
        seg_frame = pl.DataFrame(rows, schema={"segment": pl.String, **_COMPARISON_SCHEMA})
        if family == "variants x segments":
            adj = _adjusted(seg_frame["p_value"].to_list(), correction)
            seg_frame = seg_frame.with_columns(adjusted_p_value=pl.Series(adj, dtype=pl.Float64))
        else:
            seg_frame = (
                seg_frame.with_row_index("_i")
                .with_columns(
                    adjusted_p_value=pl.col("p_value")
                    .map_batches(
                        lambda s: pl.Series(_adjusted(s.to_list(), correction), dtype=pl.Float64),
                        return_dtype=pl.Float64,
                    )
                    .over("segment")
                )
                .drop("_i")
            )
        seg_frame = seg_frame.with_columns(
            significant=pl.col("adjusted_p_value").fill_null(1.0) < alpha,
            ci_level=pl.lit(1 - seg_ci_alpha, dtype=pl.Float64),
        )
        for v in names:
            if v == control:
                continue
            strata = {
                s: (*keyed.get((s, control), (0, 0)), *keyed.get((s, v), (0, 0))) for s in seg_names
            }
            simpson[v] = simpson_check(strata, alpha=alpha)

    ci_results = {
        vc.name: (
            compare(
                vc.result.conversions_a,
                vc.result.visitors_a,
                vc.result.conversions_b,
                vc.result.visitors_b,
                alpha=ci_alpha,
            )
            if ci_alpha < alpha
            else vc.result
        )
        for vc in many.comparisons
    }
    comp_rows = []
    for vc in many.comparisons:
        row = _comparison_row(vc.name, control, vc.result)
        shown = _comparison_row(vc.name, control, ci_results[vc.name])
        for key in ("abs_diff_low", "abs_diff_high", "rel_lift_low", "rel_lift_high"):
            row[key] = shown[key]
        comp_rows.append(row)
    comp = pl.DataFrame(comp_rows, schema=_COMPARISON_SCHEMA).with_columns(
        adjusted_p_value=pl.Series(
            [vc.adjusted_p_value for vc in many.comparisons], dtype=pl.Float64
        ),
        significant=pl.Series([vc.significant for vc in many.comparisons], dtype=pl.Boolean),
        ci_level=pl.lit(1 - ci_alpha, dtype=pl.Float64),
    )

    verdicts: dict[str, Verdict] = {}
    seq: dict[str, SequentialResult] = {}
    welch_results: dict[str, WelchResult] = {}
    rev_rows = dict(zip(names, overall.iter_rows(named=True), strict=True))
    for vc in many.comparisons:
        r = vc.result
        verdicts[vc.name] = verdict(
            r,
            names=(control, vc.name),
            mde=mde,
            mde_relative=mde_relative,
            power=power,
            srm=srm,
            simpson=simpson.get(vc.name),
            comparisons=k - 1,
            adjusted_p_value=vc.adjusted_p_value if k > 2 and correction else None,
            correction=correction if k > 2 else None,
            ci_result=ci_results[vc.name] if ci_alpha < alpha else None,
            observational=observational,
        )
        seq[vc.name] = sequential(
            r.conversions_a, r.visitors_a, r.conversions_b, r.visitors_b, alpha=alpha
        )
        if revenue:
            a, b = rev_rows[control], rev_rows[vc.name]
            welch_results[vc.name] = welch_from_sums(
                a["visitors"],
                a["revenue_sum"],
                a["revenue_sumsq"],
                b["visitors"],
                b["revenue_sum"],
                b["revenue_sumsq"],
                alpha=alpha,
            )

    ci = {control: many.comparisons[0].result.ci_a} | {
        vc.name: vc.result.ci_b for vc in many.comparisons
    }
    total = sum(v for _, v in arms.values())
    arm_frame = overall.select(
        pl.col(variant).alias("variant"),
        pl.col("visitors").cast(pl.Int64),
        pl.col("conversions").cast(pl.Int64),
        *(
            [
                pl.col("revenue_sum").cast(pl.Float64),
                (pl.col("revenue_sum") / pl.col("visitors")).alias("revenue_per_visitor"),
            ]
            if revenue
            else []
        ),
    ).with_columns(
        rate=pl.when(pl.col("visitors") > 0).then(pl.col("conversions") / pl.col("visitors")),
        rate_low=pl.Series([ci[n][0] if ci[n] else None for n in names], dtype=pl.Float64),
        rate_high=pl.Series([ci[n][1] if ci[n] else None for n in names], dtype=pl.Float64),
        share=pl.col("visitors") / total if total else pl.lit(None, dtype=pl.Float64),
        planned_share=pl.Series(list(split), dtype=pl.Float64)
        if len(split) == k
        else pl.lit(None, dtype=pl.Float64),
        prob_best=pl.Series([many.prob_best.get(n) for n in names], dtype=pl.Float64),
        is_control=pl.col("variant") == control,
    )

    reachable = note = None
    base_rate = arms[control][0] / arms[control][1] if arms[control][1] else None
    smallest = min(v for _, v in arms.values())
    if base_rate is not None and 0 < base_rate < 1 and smallest > 0:
        try:
            reachable = mde_for_sample(
                base_rate, smallest, alpha=alpha, power=power, relative=mde_relative
            )
        except InputError as exc:
            note = exc.message
    else:
        note = Fact("ab.mde.needs_rate")
    letters = {vc.name: {"A": control, "B": vc.name} for vc in many.comparisons}
    return ABAnalysis(
        metric=metric if metric is not None else Fact("ab.metric.conversion"),
        control=control,
        alpha=float(alpha),
        correction=correction,
        family=family,
        arms=arm_frame,
        comparisons=comp,
        many=many,
        verdicts=verdicts,
        srm=srm,
        srm_error=srm_error,
        planned_split=split,
        segment_column=by,
        segments=seg_frame,
        simpson=simpson,
        sequential=seq,
        revenue=welch_results,
        mde=mde,
        mde_relative=mde_relative,
        power=float(power),
        mde_reachable=reachable,
        mde_reachable_note=note,
        observational=observational,
        ci_alpha=ci_alpha,
        ci_correction=ci_correction,
        segment_ci_alpha=seg_ci_alpha,
        method_reasons={
            vc.name: with_names(vc.result.method_reason, letters[vc.name])
            for vc in many.comparisons
        },
        explanations={
            vc.name: with_names(vc.result.explanation, letters[vc.name]) for vc in many.comparisons
        },
    )


def analyse_with(
    counts: pl.DataFrame,
    settings: ABSettings,
    *,
    variant: str = "variant",
    observational: bool = False,
) -> ABAnalysis:
    """:func:`analyse` of ``counts`` with the analyst's ``settings`` (kept in the result)."""
    result = analyse(
        counts,
        variant=variant,
        control=settings.control,
        by=settings.segment,
        alpha=settings.alpha,
        correction=settings.correction,
        family=settings.family,
        planned_split=settings.planned_split,
        mde=settings.mde,
        mde_relative=settings.mde_relative,
        power=settings.power,
        metric=settings.metric,
        observational=observational,
    )
    return replace(result, settings=settings)
