"""The workbook's A/B test sheet, from the typed analysis (:class:`kpi.abtest.ABAnalysis`).

The A/B page computes the analysis once and passes it (``ReportOptions.ab_result``); without
it (the command line, or a view where the page was not opened) the test is computed here
from the data with the page's defaults (:func:`headless_analysis`): from an A/B summary file,
else from the users' assignment column (a device, country or category column is never
taken). Every word is rendered in the workbook's language (``options.lang``); numbers stay
numbers, differences of rates in percentage points (× 100, the unit in the number format).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import polars as pl
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from kpi.abtest import (
    ABAnalysis,
    ABSettings,
    ABSource,
    analyse_with,
    assignment_columns,
    count_variants,
    summary_from_counts,
    with_reached_step,
)
from kpi.abtest.definitions import CODES
from kpi.abtest.verdict import correction_name
from kpi.definitions import formula, label
from kpi.errors import ParcoursError
from kpi.export.progress import reached_step, view_progress
from kpi.words import Fact, Lang, render
from kpi.xlsx import COUNT, MONEY, NUMBER, P_VALUE, RATE, SIGNED_RATE, Col, SheetWriter

__all__ = ["ab_analysis", "headless_analysis", "write_ab_sheet"]

BOLD = Font(bold=True)


def ab_analysis(ctx: Any) -> ABAnalysis | None:
    """The analysis the page passed (``ctx.options.ab_result``), else :func:`headless_analysis`
    of the view; None when the data holds no test."""
    given = getattr(ctx.options, "ab_result", None)
    if isinstance(given, ABAnalysis):
        return given
    return headless_analysis(ctx)


def headless_analysis(ctx: Any) -> ABAnalysis | None:
    """The A/B analysis of the view without the page, with the page's defaults (MDE +5 %
    relative, power 80 %, Holm): from an A/B summary file (``Dataset.counts``), else from the
    users' A/B assignment column with the converted flag (else the first yes/no column) or
    "reached the purchase (last) step" as the conversion. None when there is no test."""
    if getattr(ctx.results, "engine", False):  # counted in the engine, the same rules
        return ctx.results.ab_analysis()
    summary = summary_from_counts(ctx.view.counts)
    if summary is not None:
        source = ABSource(
            kind="summary",
            files=tuple(s.name for s in ctx.full.sources if s.kind == "counts"),
            variant_column=summary.columns.get("variant"),
            assignment="detected",
            columns=dict(summary.columns),
            rows_read=summary.rows_read,
            rows_kept=summary.rows_kept,
            dropped=dict(summary.dropped),
        )
        counts = summary.table
        if summary.revenue != "sums":
            counts = counts.drop("revenue_sum", "revenue_sumsq", strict=False)
        return _analysed(counts, "variant", ABSettings(mode="data", variant="variant"), source)
    users = ctx.view.users
    found = assignment_columns(users, ctx.full.segments)
    if not found:
        return None
    variant = found[0].column
    if users[variant].drop_nulls().n_unique() < 2:
        return None
    if ctx.full.flags:  # as the A/B page: the converted flag, else the first yes/no column
        outcome = "converted" if "converted" in ctx.full.flags else ctx.full.flags[0]
        settings = ABSettings(mode="data", variant=variant, flag=outcome)
        table = users
    else:
        target = ctx.purchase_step or (ctx.steps[-1] if ctx.steps else None)
        if target is None or ctx.view.events.height == 0:
            return None
        try:
            if target in ctx.steps and not ctx.options.settings.open_funnel:
                # the View's progress: the Funnel sheet's breakdown and the pages read it too
                table = reached_step(users, view_progress(ctx), ctx.steps.index(target) + 1)
            else:  # a closed funnel to the purchase step alone (the A/B page's definition)
                timed = ctx.view.has_timestamps
                ev = ctx.view.events if timed else ctx.view.events.drop("ts", strict=False)
                table = with_reached_step(
                    users,
                    ev,
                    ctx.steps if target in ctx.steps else [target],
                    target,
                    window=ctx.window if timed else None,
                    order=ctx.options.order,
                )
        except ParcoursError:
            return None
        outcome = "reached_step"
        settings = ABSettings(mode="data", variant=variant, step=target)
    counts = count_variants(table, variant, outcome)
    source = ABSource(
        kind="data",
        files=tuple(s.name for s in ctx.full.sources),
        variant_column=variant,
        assignment="detected",
        rows_read=counts.rows_read,
        rows_kept=counts.rows_kept,
        dropped=dict(counts.dropped),
        notes=dict(counts.notes),
    )
    return _analysed(counts.table, variant, settings, source)


def _analysed(
    counts: pl.DataFrame, variant: str, settings: ABSettings, source: ABSource
) -> ABAnalysis | None:
    names = [str(v) for v in counts[variant].drop_nulls().unique().to_list()]
    if len(names) < 2:
        return None
    try:
        analysis = analyse_with(counts, settings, variant=variant)
    except ParcoursError:
        return None
    return replace(analysis, source=source)


# --------------------------------------------------------------------------- the sheet


class _Words:
    """``w("code", **values)``: a catalogue message in the workbook's language."""

    def __init__(self, lang: Lang) -> None:
        self.lang = lang

    def __call__(self, message: Fact | str | None, **values: Any) -> str:
        return render(message, self.lang, **values)

    def yes_no(self, value: bool | None) -> str | None:
        return None if value is None else self("common.yes" if value else "common.no")


def _pp_format(w: _Words) -> str:
    unit = w("ab_sheet.unit.pp")
    return f'+0.00" {unit}";-0.00" {unit}";0.00" {unit}"'


def _times_100(xs: Sequence[float | None]) -> list[float | None]:
    return [None if x is None else x * 100 for x in xs]


def write_ab_sheet(ws: Worksheet, analysis: ABAnalysis | None, ctx: Any) -> None:
    """Every number of the test and its words, in ``ctx.options.lang``."""
    lang: Lang = getattr(ctx.options, "lang", "en")
    w = _Words(lang)
    sheet = SheetWriter(ws, max_width=90)
    sheet.title(w("ab_sheet.title"))
    if analysis is None:
        sheet.note(w("ab_sheet.no_test"))
        sheet.finish()
        return
    a = analysis
    from_page = isinstance(getattr(ctx.options, "ab_result", None), ABAnalysis)
    sheet.note(w("ab_sheet.note.page" if from_page else "ab_sheet.note.data"))
    pp = _pp_format(w)
    control = a.control

    sheet.skip()
    sheet.section(w("ab_sheet.section.verdict"))
    for name, v in a.verdicts.items():
        sheet.pair(w("ab_sheet.verdict", variant=name), w(v.sentence), wrap_chars=100, font=BOLD)
        for i, c in enumerate(v.caveats, 1):
            sheet.pair(w("ab_sheet.caveat", variant=name, n=i), w(c), wrap_chars=100)

    sheet.skip()
    sheet.section(w("ab_sheet.section.inputs"))
    _inputs(sheet, w, a)

    sheet.skip()
    sheet.section(w("ab_sheet.section.groups"))
    arms = a.arms.with_columns(
        pl.col("is_control").map_elements(w.yes_no, return_dtype=pl.String).alias("control_word")
    )
    cols = [
        Col("variant", w("ab_sheet.col.variant")),
        Col("control_word", w("ab_sheet.col.is_control")),
        Col("visitors", w("ab_sheet.col.visitors"), COUNT),
        Col("conversions", w("ab_sheet.col.conversions"), COUNT),
        Col("rate", w("ab_sheet.col.rate"), RATE),
        Col("rate_low", w("ab_sheet.col.rate_low"), RATE),
        Col("rate_high", w("ab_sheet.col.rate_high"), RATE),
        Col("share", w("ab_sheet.col.share"), RATE),
    ]
    if not a.observational:
        cols += [
            Col("planned_share", w("ab_sheet.col.planned_share"), RATE),
            Col("prob_best", w("ab_sheet.col.prob_best"), RATE),
        ]
    if "revenue_per_visitor" in arms.columns:
        cols += [
            Col("revenue_sum", w("ab_sheet.col.revenue_sum"), MONEY),
            Col("revenue_per_visitor", w("ab_sheet.col.revenue_per_visitor"), MONEY),
        ]
    sheet.table(arms, cols, name="tblAbGroups")

    sheet.section(w("ab_sheet.section.comparisons", control=control))
    comp = a.comparisons
    names = comp["variant"].to_list()
    comp = comp.with_columns(
        abs_diff_pp=pl.Series(_times_100(comp["abs_diff"].to_list()), dtype=pl.Float64),
        abs_diff_low_pp=pl.Series(_times_100(comp["abs_diff_low"].to_list()), dtype=pl.Float64),
        abs_diff_high_pp=pl.Series(_times_100(comp["abs_diff_high"].to_list()), dtype=pl.Float64),
        loss_control_pp=pl.Series(
            _times_100(comp["expected_loss_control"].to_list()), dtype=pl.Float64
        ),
        loss_variant_pp=pl.Series(
            _times_100(comp["expected_loss_variant"].to_list()), dtype=pl.Float64
        ),
        test_word=pl.Series([w(f"ab.method.name.{m}") for m in comp["method"]], dtype=pl.String),
        why=pl.Series([w(a.method_reasons.get(n)) for n in names], dtype=pl.String),
        significant_word=pl.Series([w.yes_no(s) for s in comp["significant"]], dtype=pl.String),
    )
    ccols = [
        Col("variant", w("ab_sheet.col.variant")),
        Col("visitors_control", w("ab_sheet.col.visitors_control", control=control), COUNT),
        Col("conversions_control", w("ab_sheet.col.conversions_control", control=control), COUNT),
        Col("visitors_variant", w("ab_sheet.col.visitors_variant"), COUNT),
        Col("conversions_variant", w("ab_sheet.col.conversions_variant"), COUNT),
        Col("rate_control", w("ab_sheet.col.rate_control", control=control), RATE),
        Col("rate_variant", w("ab_sheet.col.rate_variant"), RATE),
        Col("abs_diff_pp", w("ab_sheet.col.abs_diff"), pp),
        Col("abs_diff_low_pp", w("ab_sheet.col.abs_diff_low"), pp),
        Col("abs_diff_high_pp", w("ab_sheet.col.abs_diff_high"), pp),
        Col("rel_lift", w("ab_sheet.col.rel_lift"), SIGNED_RATE),
        Col("rel_lift_low", w("ab_sheet.col.rel_lift_low"), SIGNED_RATE),
        Col("rel_lift_high", w("ab_sheet.col.rel_lift_high"), SIGNED_RATE),
        Col("ci_level", w("ab_sheet.col.ci_level"), RATE),
        Col("z", w("ab_sheet.col.z"), "0.000"),
        Col("z_p_value", w("ab_sheet.col.z_p_value"), P_VALUE),
        Col("fisher_p_value", w("ab_sheet.col.fisher_p_value"), P_VALUE),
        Col("test_word", w("ab_sheet.col.test")),
        Col("p_value", w("ab_sheet.col.p_value"), P_VALUE),
        Col("adjusted_p_value", w("ab_sheet.col.adjusted_p_value"), P_VALUE),
    ]
    if not a.observational:
        ccols += [
            Col("significant_word", w("ab_sheet.col.significant")),
            Col("prob_beats_control", w("ab_sheet.col.prob_beats", control=control), RATE),
            Col("loss_control_pp", w("ab_sheet.col.loss_control", control=control), pp),
            Col("loss_variant_pp", w("ab_sheet.col.loss_variant"), pp),
        ]
    ccols.append(Col("why", w("ab_sheet.col.why"), width=80, wrap=True))
    sheet.table(comp, ccols, name="tblAbComparisons")

    if a.many.arms and len(a.many.arms) > 2:
        sheet.section(w("ab_sheet.section.omnibus"))
        sheet.pair(w("ab_sheet.omnibus.chi2"), a.many.chi2, "0.000")
        sheet.pair(w("ab_sheet.omnibus.df"), a.many.chi2_df, COUNT)
        sheet.pair(w("ab_sheet.omnibus.p"), a.many.chi2_p_value, P_VALUE)
        if a.many.explanation is not None:
            sheet.pair(w("ab_sheet.note"), w(a.many.explanation), wrap_chars=100)
        sheet.skip()

    sheet.section(w("ab_sheet.section.srm"))
    if a.srm is not None:
        sheet.pair(w("ab_sheet.srm.p"), a.srm.p_value, P_VALUE)
        sheet.pair(w("ab_sheet.srm.level"), w(f"ab_sheet.srm.level.{a.srm.level}"))
        sheet.pair(w("ab_sheet.srm.message"), w(a.srm.message), wrap_chars=100)
        for name, o, e, s in zip(
            a.names, a.srm.observed, a.srm.expected, a.planned_split, strict=False
        ):
            sheet.pair(w("ab_sheet.srm.observed", variant=name), o, COUNT)
            sheet.pair(w("ab_sheet.srm.expected", variant=name), e, NUMBER)
            sheet.pair(w("ab_sheet.srm.planned", variant=name), s, RATE)
    elif a.srm_error is not None:
        sheet.pair(w("ab_sheet.srm.message"), w(a.srm_error), wrap_chars=100)
    else:
        sheet.pair(w("ab_sheet.srm.message"), w("ab_sheet.srm.observational"), wrap_chars=100)

    if a.segments is not None and a.segment_column is not None:
        sheet.skip()
        sheet.section(w("ab_sheet.section.segments", segment=a.segment_column))
        seg = a.segments.with_columns(
            abs_diff_pp=pl.col("abs_diff") * 100,
            abs_diff_low_pp=pl.col("abs_diff_low") * 100,
            abs_diff_high_pp=pl.col("abs_diff_high") * 100,
            test_word=pl.col("method").replace_strict(
                {m: w(f"ab.method.name.{m}") for m in ("z", "fisher", "none")},
                return_dtype=pl.String,
            ),
            significant_word=pl.col("significant").replace_strict(
                {True: w("common.yes"), False: w("common.no")}, return_dtype=pl.String
            ),
        )
        scols = [
            Col("segment", a.segment_column),
            Col("variant", w("ab_sheet.col.variant")),
            Col("visitors_control", w("ab_sheet.col.visitors_control", control=control), COUNT),
            Col("visitors_variant", w("ab_sheet.col.visitors_variant"), COUNT),
            Col("rate_control", w("ab_sheet.col.rate_control", control=control), RATE),
            Col("rate_variant", w("ab_sheet.col.rate_variant"), RATE),
            Col("abs_diff_pp", w("ab_sheet.col.abs_diff"), pp),
            Col("abs_diff_low_pp", w("ab_sheet.col.abs_diff_low"), pp),
            Col("abs_diff_high_pp", w("ab_sheet.col.abs_diff_high"), pp),
            Col("ci_level", w("ab_sheet.col.ci_level"), RATE),
            Col("test_word", w("ab_sheet.col.test")),
            Col("p_value", w("ab_sheet.col.p_value"), P_VALUE),
            Col("adjusted_p_value", w("ab_sheet.col.adjusted_p_value"), P_VALUE),
            Col("significant_word", w("ab_sheet.col.significant")),
        ]
        sheet.table(seg, scols, name="tblAbSegments")
        simpson = pl.DataFrame(
            {
                "variant": list(a.simpson),
                "paradox": [w.yes_no(s.paradox) for s in a.simpson.values()],
                "naive": [s.pooled.p_value for s in a.simpson.values()],
                "cmh": [s.cmh.p_value for s in a.simpson.values()],
                "odds": [s.cmh.odds_ratio for s in a.simpson.values()],
                "odds_low": [
                    s.cmh.ci_odds_ratio[0] if s.cmh.ci_odds_ratio else None
                    for s in a.simpson.values()
                ],
                "odds_high": [
                    s.cmh.ci_odds_ratio[1] if s.cmh.ci_odds_ratio else None
                    for s in a.simpson.values()
                ],
                "message": [w(_named(s.message, control, v)) for v, s in a.simpson.items()],
            },
            schema={
                "variant": pl.String,
                "paradox": pl.String,
                "naive": pl.Float64,
                "cmh": pl.Float64,
                "odds": pl.Float64,
                "odds_low": pl.Float64,
                "odds_high": pl.Float64,
                "message": pl.String,
            },
        )
        sheet.table(
            simpson,
            [
                Col("variant", w("ab_sheet.col.variant")),
                Col("paradox", w("ab_sheet.col.paradox")),
                Col("naive", w("ab_sheet.col.naive_p"), P_VALUE),
                Col("cmh", w("ab_sheet.col.cmh_p"), P_VALUE),
                Col("odds", w("ab_sheet.col.odds_ratio"), "0.000"),
                Col("odds_low", w("ab_sheet.col.odds_low"), "0.000"),
                Col("odds_high", w("ab_sheet.col.odds_high"), "0.000"),
                Col("message", w("ab_sheet.col.verdict"), width=80, wrap=True),
            ],
            name="tblAbSimpson",
        )

    sheet.skip()
    sheet.section(w("ab_sheet.section.sequential"))
    seq = pl.DataFrame(
        {
            "variant": list(a.sequential),
            "estimate": [s.estimate for s in a.sequential.values()],
            "low": [s.ci[0] if s.ci else None for s in a.sequential.values()],
            "high": [s.ci[1] if s.ci else None for s in a.sequential.values()],
            "p": [s.p_value for s in a.sequential.values()],
            "significant": [w.yes_no(s.significant) for s in a.sequential.values()],
            "tuning": [s.tuning for s in a.sequential.values()],
            "note": [w(s.explanation) for s in a.sequential.values()],
        },
        schema={
            "variant": pl.String,
            "estimate": pl.Float64,
            "low": pl.Float64,
            "high": pl.Float64,
            "p": pl.Float64,
            "significant": pl.String,
            "tuning": pl.Float64,
            "note": pl.String,
        },
    )
    sheet.table(
        seq,
        [
            Col("variant", w("ab_sheet.col.variant")),
            Col("estimate", w("ab_sheet.col.rel_lift"), SIGNED_RATE),
            Col("low", w("ab_sheet.col.seq_low"), SIGNED_RATE),
            Col("high", w("ab_sheet.col.seq_high"), SIGNED_RATE),
            Col("p", w("ab_sheet.col.seq_p"), P_VALUE),
            Col("significant", w("ab_sheet.col.significant")),
            Col("tuning", w("ab_sheet.col.tuning"), COUNT),
            Col("note", w("ab_sheet.note"), width=60, wrap=True),
        ],
        name="tblAbSequential",
    )

    if a.revenue:
        sheet.section(w("ab_sheet.section.revenue"))
        rev = pl.DataFrame(
            {
                "variant": list(a.revenue),
                "mean_a": [r.mean_a for r in a.revenue.values()],
                "mean_b": [r.mean_b for r in a.revenue.values()],
                "diff": [r.diff for r in a.revenue.values()],
                "low": [r.ci_diff[0] if r.ci_diff else None for r in a.revenue.values()],
                "high": [r.ci_diff[1] if r.ci_diff else None for r in a.revenue.values()],
                "t": [r.t for r in a.revenue.values()],
                "df": [r.df for r in a.revenue.values()],
                "p": [r.p_value for r in a.revenue.values()],
                "significant": [w.yes_no(r.significant) for r in a.revenue.values()],
                "note": [w(r.explanation) for r in a.revenue.values()],
            },
            schema={
                "variant": pl.String,
                **{
                    k: pl.Float64
                    for k in ("mean_a", "mean_b", "diff", "low", "high", "t", "df", "p")
                },
                "significant": pl.String,
                "note": pl.String,
            },
        )
        sheet.table(
            rev,
            [
                Col("variant", w("ab_sheet.col.variant")),
                Col("mean_a", w("ab_sheet.col.rpv_control", control=control), MONEY),
                Col("mean_b", w("ab_sheet.col.rpv_variant"), MONEY),
                Col("diff", w("ab_sheet.col.rpv_diff"), MONEY),
                Col("low", w("ab_sheet.col.rpv_low"), MONEY),
                Col("high", w("ab_sheet.col.rpv_high"), MONEY),
                Col("t", "t", "0.000"),
                Col("df", w("ab_sheet.col.df"), "0.0"),
                Col("p", w("ab_sheet.col.p_value"), P_VALUE),
                Col("significant", w("ab_sheet.col.significant")),
                Col("note", w("ab_sheet.note"), width=60, wrap=True),
            ],
            name="tblAbRevenue",
        )

    sheet.section(w("ab_sheet.section.mde"))
    relative = a.mde_relative
    if a.mde is not None:
        sheet.pair(
            w("ab_sheet.mde.value." + ("relative" if relative else "absolute")),
            a.mde if relative else a.mde * 100,
            RATE if relative else pp,
        )
    sheet.pair(w("ab_sheet.mde.power"), a.power, RATE)
    if a.mde_reachable is not None:
        sheet.pair(
            w("ab_sheet.mde.reachable." + ("relative" if relative else "absolute")),
            a.mde_reachable if relative else a.mde_reachable * 100,
            RATE if relative else pp,
        )
    elif a.mde_reachable_note is not None:
        sheet.pair(w("ab_sheet.note"), w(a.mde_reachable_note), wrap_chars=100)

    if a.plan is not None:
        plan = a.plan
        sheet.skip()
        sheet.section(w("ab_sheet.section.plan"))
        sheet.pair(w("ab_sheet.plan.baseline"), plan.baseline, RATE)
        sheet.pair(w("ab_sheet.plan.target"), plan.target_rate, RATE)
        sheet.pair(w("ab_sheet.plan.alpha"), plan.alpha, NUMBER)
        sheet.pair(w("ab_sheet.plan.power"), plan.power, RATE)
        sheet.pair(w("ab_sheet.plan.groups"), plan.variants, COUNT)
        sheet.pair(w("ab_sheet.plan.daily"), plan.daily_visitors, COUNT)
        rows = pl.DataFrame(
            {
                "method": [w(f"ab.plan.method.{r.method}") for r in plan.rows],
                "per": [r.visitors_per_variant for r in plan.rows],
                "total": [r.visitors_total for r in plan.rows],
                "days": [r.days for r in plan.rows],
                "formula": [w(f"ab.plan.formula.{r.method}") for r in plan.rows],
            },
            schema={
                "method": pl.String,
                "per": pl.Int64,
                "total": pl.Int64,
                "days": pl.Int64,
                "formula": pl.String,
            },
        )
        sheet.table(
            rows,
            [
                Col("method", w("ab_sheet.col.formula_name")),
                Col("per", w("ab_sheet.col.per_group"), COUNT),
                Col("total", w("ab_sheet.col.total"), COUNT),
                Col("days", w("ab_sheet.col.days"), COUNT),
                Col("formula", w("ab_sheet.col.how"), width=80, wrap=True),
            ],
            name="tblAbPlan",
        )

    sheet.skip()
    sheet.section(w("ab_sheet.section.methods"))
    for code in CODES:
        sheet.pair(label(code, lang), formula(code, lang), wrap_chars=100)
    sheet.fixed[1] = 40
    for col in range(2, 9):
        sheet.fixed[col] = 15
    sheet.finish()


def _named(fact: Fact, control: str, variant: str) -> Fact:
    from kpi.abtest import with_names

    named = with_names(fact, {"A": control, "B": variant})
    return fact if named is None else named


def _inputs(sheet: SheetWriter, w: _Words, a: ABAnalysis) -> None:
    s = a.source
    if s is not None:
        sheet.pair(w("ab_sheet.input.source"), w(f"ab_sheet.source.{s.kind}"))
        if s.files:
            sheet.pair(w("ab_sheet.input.files"), ", ".join(s.files))
        if s.variant_column:
            sheet.pair(w("ab_sheet.input.variant_column"), s.variant_column)
        if s.assignment:
            sheet.pair(w("ab_sheet.input.assignment"), w(f"ab_sheet.assignment.{s.assignment}"))
        for role, column in s.columns.items():
            sheet.pair(w("ab_sheet.input.column", role=Fact(f"ab_sheet.role.{role}")), column)
        if s.window_days:
            sheet.pair(w("ab_sheet.input.window_days"), s.window_days, NUMBER)
        if s.rows_read is not None:
            sheet.pair(w("ab_sheet.input.rows_read"), s.rows_read, COUNT)
        if s.rows_kept is not None:
            sheet.pair(w("ab_sheet.input.rows_kept"), s.rows_kept, COUNT)
        for code, n in {**s.dropped, **s.notes}.items():
            sheet.pair(w("ab_sheet.input.rows"), w(code, n=n))
    sheet.pair(w("ab_sheet.input.metric"), w(a.metric))
    sheet.pair(w("ab_sheet.input.control"), a.control)
    if a.segment_column:
        sheet.pair(w("ab_sheet.input.segment"), a.segment_column)
    sheet.pair(w("ab_sheet.input.alpha"), a.alpha, NUMBER)
    sheet.pair(w("ab_sheet.input.confidence"), 1 - a.alpha, RATE)
    sheet.pair(
        w("ab_sheet.input.correction"),
        w(correction_name(a.correction)) if a.correction else w("ab_sheet.correction.none"),
    )
    sheet.pair(w("ab_sheet.input.family"), w(f"ab_sheet.family.{a.family.replace(' ', '_')}"))
    if a.observational:
        sheet.pair(w("ab_sheet.input.kind"), w("ab_sheet.observational"), wrap_chars=100)
    sheet.pair(w("ab_sheet.input.ci_level"), 1 - a.ci_alpha, RATE)
    several = a.comparisons.height > 1
    ci = (
        "bonferroni"
        if a.ci_correction == "bonferroni"
        else "uncorrected"
        if a.correction and several
        else "single"
    )
    sheet.pair(w("ab_sheet.input.ci_correction"), w(f"ab_sheet.ci_correction.{ci}"))
