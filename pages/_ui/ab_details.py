"""The numbers behind the verdict: the groups, each variant against the control (cards, the
full table, why this test) and the two charts."""

from __future__ import annotations

import polars as pl
import streamlit as st

from kpi.abtest import ABAnalysis
from kpi.abtest.verdict import correction_name, level_percent
from kpi.definitions import formula
from kpi.words import format as fmt
from pages._ui import ab_charts, charts
from pages._ui.ab_text import ci_text, figures, loss_text, p_text
from pages._ui.lang import current, t, tx


def ci_label(a: ABAnalysis) -> str:
    """``95% CI`` of the differences, with how they are corrected."""
    k = a.comparisons.height
    level = level_percent(a.ci_alpha)
    if a.ci_correction == "bonferroni":
        return tx("ab_page.ci.bonferroni", level=level, comparisons=k)
    if a.correction and k > 1:
        return tx("ab_page.ci.uncorrected", level=level)
    return tx("ab_page.ci.plain", level=level)


def ci_note(a: ABAnalysis) -> str:
    """How the intervals of the differences are corrected, for the chart's subtitle."""
    k = a.comparisons.height
    if a.ci_correction == "bonferroni":
        return tx("ab_page.ci.note_bonferroni", comparisons=k)
    if a.correction and k > 1:
        return tx("ab_page.ci.note_uncorrected")
    return ""


def groups(a: ABAnalysis) -> None:
    """One row per group: visitors, conversions, rate and its interval, shares, P(best)."""
    st.subheader(tx("ab_page.groups.title"))
    level = level_percent(a.alpha)
    h = {k: tx(f"ab_page.col.{k}") for k in ("variant", "visitors", "conversions", "rate")}
    h |= {
        "ci": tx("ab_page.col.rate_ci", level=level),
        "share": tx("ab_page.col.share"),
        "planned": tx("ab_page.col.planned_share"),
        "best": tx("ab_page.col.prob_best"),
        "role": tx("ab_page.col.role"),
    }
    view = pl.DataFrame(
        {
            h["variant"]: a.arms["variant"],
            h["visitors"]: a.arms["visitors"],
            h["conversions"]: a.arms["conversions"],
            h["rate"]: a.arms["rate"] * 100,
            h["ci"]: [
                ci_text(lo, hi)
                for lo, hi in zip(a.arms["rate_low"], a.arms["rate_high"], strict=True)
            ],
            h["share"]: a.arms["share"] * 100,
            h["planned"]: a.arms["planned_share"] * 100,
            h["best"]: a.arms["prob_best"] * 100,
            h["role"]: [
                tx("ab_page.role.control" if c else "ab_page.role.variant")
                for c in a.arms["is_control"]
            ],
        }
    )
    if a.observational:  # no planned split, no "best arm" of an experiment
        view = view.drop(h["planned"], h["best"])
    lang = current()
    kinds = {h["visitors"]: "int", h["conversions"]: "int"}
    kinds |= {h[k]: "pct100" for k in ("rate", "share", "planned", "best")}
    st.dataframe(
        figures(view, kinds),
        hide_index=True,
        width="stretch",
        column_config={
            h["rate"]: st.column_config.NumberColumn(help=formula("ab_conversion_rate", lang)),
            h["best"]: st.column_config.NumberColumn(help=tx("ab_page.col.prob_best_help")),
        },
    )


def comparisons(a: ABAnalysis, correction_label: str) -> None:
    """Each variant against the control: cards, the interval line, why this test."""
    st.subheader(tx("ab_page.compare.title", control=a.control))
    lang = current()
    k = a.arms.height
    label = ci_label(a)
    corrected = k > 2 and a.correction is not None
    name = tx(correction_name(a.correction)) if a.correction else ""
    for cmp in a.comparisons.iter_rows(named=True):
        if k > 2:
            st.markdown(f"**{t('ab_page.compare.variant', variant=cmp['variant'])}**")
        diff_ci = ci_text(cmp["abs_diff_low"], cmp["abs_diff_high"], "pts")
        lift_ci = ci_text(cmp["rel_lift_low"], cmp["rel_lift_high"], "spct")
        line = t("ab_page.compare.ci_line", label=label, diff=diff_ci, lift=lift_ci)
        # three cards a row: five in a row clipped "+0.60 pp" to "+0.60…" at 1280 px
        m = st.columns(3)
        if not a.observational:
            m += st.columns(3)[:2]
        m[0].metric(
            tx("ab_page.card.diff"),
            fmt.points(cmp["abs_diff"], lang),
            help=formula("ab_abs_diff", lang)
            + " "
            + tx("ab_page.card.ci_help", label=label, ci=diff_ci),
            border=True,
        )
        m[1].metric(
            tx("ab_page.card.lift"),
            fmt.signed_percent(cmp["rel_lift"], lang),
            help=formula("ab_rel_lift", lang)
            + " "
            + tx("ab_page.card.ci_help", label=label, ci=lift_ci),
            border=True,
        )
        test = tx(f"ab.method.name.{cmp['method']}")
        m[2].metric(
            tx("ab_page.card.p_corrected", correction=name) if corrected else tx("ab_page.card.p"),
            p_text(cmp["adjusted_p_value"] if corrected else cmp["p_value"]),
            delta=tx("ab_page.card.p_raw", test=test, p=p_text(cmp["p_value"]))
            if corrected
            else test,
            delta_color="off",
            delta_arrow="off",  # a label, not a change
            help=formula("ab_p_value", lang)
            + (
                " "
                + tx(
                    "ab_page.card.p_corrected_help",
                    correction=name,
                    variants=k - 1,
                    control=a.control,
                )
                if corrected
                else ""
            ),
            border=True,
        )
        why = t("ab_page.compare.why", reason=a.method_reasons[cmp["variant"]])
        if a.observational:
            st.caption(f"{line} {why} {t('ab_page.compare.observational_p')}")
            continue
        m[3].metric(
            tx("ab_page.card.beat", control=a.control),
            fmt.percent(cmp["prob_beats_control"], lang),
            help=formula("ab_prob_b_beats_a", lang),
            border=True,
        )
        m[4].metric(
            tx("ab_page.card.risk"),
            loss_text(cmp["expected_loss_variant"]),
            help=formula("ab_expected_loss", lang)
            + " "
            + tx(
                "ab_page.card.risk_help",
                variant=cmp["variant"],
                loss=loss_text(cmp["expected_loss_variant"]),
                control=a.control,
                keep=loss_text(cmp["expected_loss_control"]),
            ),
            border=True,
        )
        st.caption(f"{line} {why}")
    table(a, correction_label)


def table(a: ABAnalysis, correction_label: str) -> None:
    """Every number of every comparison, one row per variant."""
    c = a.comparisons
    label = ci_label(a)
    lang = current()
    h = {
        "variant": tx("ab_page.col.variant"),
        "rate_c": tx("ab_page.col.rate_of", group=a.control),
        "rate_v": tx("ab_page.col.rate_variant"),
        "diff": tx("ab_page.card.diff"),
        "diff_ci": tx("ab_page.col.diff_ci", label=label),
        "lift": tx("ab_page.card.lift"),
        "lift_ci": tx("ab_page.col.lift_ci", label=label),
        "z": "z",
        "p_z": tx("ab_page.col.p_z"),
        "p_f": tx("ab_page.col.p_fisher"),
        "p": tx("ab_page.card.p"),
        "test": tx("ab_page.col.test"),
        "p_adj": tx("ab_page.col.p_corrected"),
        "beats": tx("ab_page.col.beats"),
        "sig": tx("ab_page.col.significant"),
    }
    view = pl.DataFrame(
        {
            h["variant"]: c["variant"],
            h["rate_c"]: c["rate_control"] * 100,
            h["rate_v"]: c["rate_variant"] * 100,
            h["diff"]: c["abs_diff"] * 100,
            h["diff_ci"]: [
                ci_text(lo, hi, "pts")
                for lo, hi in zip(c["abs_diff_low"], c["abs_diff_high"], strict=True)
            ],
            h["lift"]: c["rel_lift"] * 100,
            h["lift_ci"]: [
                ci_text(lo, hi, "spct")
                for lo, hi in zip(c["rel_lift_low"], c["rel_lift_high"], strict=True)
            ],
            h["z"]: c["z"],
            h["p_z"]: c["z_p_value"],
            h["p_f"]: c["fisher_p_value"],
            h["p"]: c["p_value"],
            h["test"]: [tx(f"ab.method.name.{m}") for m in c["method"]],
            h["p_adj"]: c["adjusted_p_value"],
            h["beats"]: c["prob_beats_control"] * 100,
            h["sig"]: c["significant"],
        }
    )
    if a.observational:
        view = view.drop(h["beats"], h["sig"])
    kinds = {h["rate_c"]: "pct100", h["rate_v"]: "pct100", h["diff"]: "snum2"}
    kinds |= {h["lift"]: "spct100", h["z"]: "num3", h["beats"]: "pct100"}
    kinds |= {h[k]: "p" for k in ("p_z", "p_f", "p", "p_adj")}
    st.dataframe(
        figures(view, kinds),
        hide_index=True,
        width="stretch",
        column_config={
            h["p"]: st.column_config.NumberColumn(help=formula("ab_p_value", lang)),
            h["p_adj"]: st.column_config.NumberColumn(
                help=tx(
                    "ab_page.col.p_corrected_help",
                    correction=tx(f"ab_page.correction.{a.correction or 'none'}"),
                    variants=a.arms.height - 1,
                ),
            ),
        },
    )


def chart_pair(a: ABAnalysis, scale: object) -> None:
    """Rates with their intervals, and the difference against zero and the MDE."""
    ch1, ch2 = st.columns(2)
    with ch1:
        charts.draw(
            ab_charts.rates_chart,
            a.arms,
            scale,
            confidence=1 - a.alpha,
            metric=tx(a.metric),
            key="ab_rates",
        )
    with ch2:
        rate_c = a.control_rate
        mde = a.mde
        mde_abs = (mde * rate_c if rate_c is not None and mde else None) if a.mde_relative else mde
        if a.comparisons["abs_diff"].is_not_null().any():
            charts.draw(
                ab_charts.diff_chart,
                a.comparisons,
                scale,
                confidence=1 - a.ci_alpha,
                control=a.control,
                mde_abs=mde_abs,
                note=ci_note(a),
                key="ab_diff",
            )
        else:
            st.info(t("ab_page.charts.no_difference"))
