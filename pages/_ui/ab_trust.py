"""Can we trust it? The traffic split (SRM) and the segments (per-segment comparisons, forest
plot, Simpson's paradox with the CMH test)."""

from __future__ import annotations

import polars as pl
import streamlit as st

from kpi.abtest import ABAnalysis, with_names
from kpi.abtest.verdict import level_percent
from kpi.definitions import formula
from pages._ui import ab_charts, charts
from pages._ui.ab_text import ci_text, code, figures
from pages._ui.lang import current, t, tx

_BOX = {"alert": st.error, "warn": st.warning, "too_few": st.info}


def traffic_split(a: ABAnalysis, variant_column: str) -> None:
    """The SRM check in words, observed vs expected visitors, or why there is none."""
    st.subheader(tx("ab_page.trust.title"))
    if a.srm is not None:
        _BOX.get(a.srm.level, st.success)(t("ab_page.trust.srm", message=a.srm.message))
        st.caption(
            t(
                "ab_page.trust.observed",
                groups=[
                    tx("ab_page.trust.group_counts", group=n, observed=o, expected=e)
                    for n, o, e in zip(a.names, a.srm.observed, a.srm.expected, strict=True)
                ],
            )
            + " "
            + formula("ab_srm_p_value", current())
        )
    elif a.srm_error is not None:
        st.warning(t(a.srm_error))
    elif a.observational:
        st.info(t("ab_page.trust.no_srm", column=code(variant_column)))


def segments(a: ABAnalysis, scale: object, *, from_data: bool) -> None:
    """Each variant against the control within each segment, and Simpson's paradox."""
    by = a.segment_column
    if a.segments is None or by is None:
        if from_data:
            st.caption(t("ab_page.segments.pick"))
        return
    st.markdown(f"**{t('ab_page.segments.title', segment=by)}**")
    seg = a.segments
    seg_alpha = a.segment_ci_alpha if a.segment_ci_alpha is not None else a.alpha
    level = level_percent(seg_alpha)
    if seg_alpha < a.alpha:
        tested = (
            seg.filter(pl.col("p_value").is_not_null()).height
            if a.family != "variants"
            else a.arms.height - 1
        )
        ci = tx("ab_page.ci.bonferroni", level=level, comparisons=tested)
    elif a.correction:
        ci = tx("ab_page.ci.uncorrected", level=level)
    else:
        ci = tx("ab_page.ci.plain", level=level)
    h = {
        "variant": tx("ab_page.col.variant"),
        "vis_c": tx("ab_page.col.visitors_of", group=a.control),
        "vis_v": tx("ab_page.col.visitors_variant"),
        "rate_c": tx("ab_page.col.rate_of", group=a.control),
        "rate_v": tx("ab_page.col.rate_variant"),
        "diff": tx("ab_page.card.diff"),
        "ci": tx("ab_page.col.seg_ci", label=ci),
        "p": tx("ab_page.card.p"),
        "test": tx("ab_page.col.test"),
        "p_adj": tx("ab_page.col.p_corrected"),
        "sig": tx("ab_page.col.significant"),
    }
    view = pl.DataFrame(
        {
            by: seg["segment"],
            h["variant"]: seg["variant"],
            h["vis_c"]: seg["visitors_control"],
            h["vis_v"]: seg["visitors_variant"],
            h["rate_c"]: seg["rate_control"] * 100,
            h["rate_v"]: seg["rate_variant"] * 100,
            h["diff"]: seg["abs_diff"] * 100,
            h["ci"]: [
                ci_text(lo, hi, "pts")
                for lo, hi in zip(seg["abs_diff_low"], seg["abs_diff_high"], strict=True)
            ],
            h["p"]: seg["p_value"],
            h["test"]: [tx(f"ab.method.name.{m}") for m in seg["method"]],
            h["p_adj"]: seg["adjusted_p_value"],
            h["sig"]: seg["significant"],
        }
    )
    if a.observational:
        view = view.drop(h["sig"])
    family = tx(f"ab_page.family.{a.family.replace(' ', '_')}")
    kinds = {h["vis_c"]: "int", h["vis_v"]: "int", h["rate_c"]: "pct100", h["rate_v"]: "pct100"}
    kinds |= {h["diff"]: "snum2", h["p"]: "p", h["p_adj"]: "p"}
    st.dataframe(
        figures(view, kinds),  # numbers in the view's language (``20,41 %``)
        hide_index=True,
        width="stretch",
        column_config={
            h["p_adj"]: st.column_config.NumberColumn(
                help=tx(
                    "ab_page.segments.corrected_help."
                    + ("variants" if a.family == "variants" else "all"),
                    correction=tx(f"ab_page.correction.{a.correction or 'none'}"),
                    family=family,
                ),
            ),
        },
    )
    charts.draw(
        ab_charts.forest_chart,
        seg,
        a.comparisons,
        scale,
        segment=by,
        confidence=1 - seg_alpha,
        control=a.control,
        key="ab_forest",
    )
    level_all = level_percent(a.alpha)
    rows = []
    for v, s in a.simpson.items():
        message = with_names(s.message, {"A": a.control, "B": v})
        if s.paradox:
            st.warning(
                t("ab_page.segments.paradox", variant=v, control=a.control, message=message),
                icon="⚠️",
            )
        rows.append(
            {
                "variant": v,
                "naive": s.pooled.p_value,
                "cmh": s.cmh.p_value,
                "odds": s.cmh.odds_ratio,
                "ci": ci_text(*s.cmh.ci_odds_ratio, "num") if s.cmh.ci_odds_ratio else "–",
                "verdict": tx(message),
            }
        )
    headers = {
        "variant": tx("ab_page.col.variant"),
        "naive": tx("ab_page.col.naive_p"),
        "cmh": tx("ab_page.col.cmh_p", segment=by),
        "odds": tx("ab_page.col.odds_ratio"),
        "ci": tx("ab_page.col.odds_ci", level=level_all),
        "verdict": tx("ab_page.col.verdict"),
    }
    frame = pl.DataFrame(
        rows,
        schema={
            "variant": pl.String,
            "naive": pl.Float64,
            "cmh": pl.Float64,
            "odds": pl.Float64,
            "ci": pl.String,
            "verdict": pl.String,
        },
    ).rename(headers)
    st.dataframe(
        figures(frame, {headers["naive"]: "p", headers["cmh"]: "p", headers["odds"]: "num3"}),
        hide_index=True,
        width="stretch",
        column_config={
            headers["cmh"]: st.column_config.NumberColumn(help=tx("ab_page.col.cmh_help")),
        },
    )
