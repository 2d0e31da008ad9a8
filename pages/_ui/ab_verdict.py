"""The verdict at the top of the A/B page: the SRM banner, one sentence per variant in a
coloured box, its caveats, and the omnibus test of several groups."""

from __future__ import annotations

import html

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from kpi.abtest import ABAnalysis
from pages._ui import charts
from pages._ui.ab_text import code, p_text
from pages._ui.lang import t, tx


def show(area: DeltaGenerator, a: ABAnalysis, *, variant_column: str, example: bool) -> None:
    """The verdict of every variant against the control."""
    with area:
        if example:
            st.info(t("ab_page.verdict.example_note"), icon="🧪")
        if a.observational:
            st.markdown(t("ab_page.verdict.observational_title", column=code(variant_column)))
        if a.srm is not None and a.srm.level == "alert":
            st.error(t("ab_page.verdict.srm_alert", message=a.srm.message), icon="🚨")
        elif a.srm is not None and a.srm.level == "warn":
            st.warning(t("ab_page.verdict.srm_warn", message=a.srm.message), icon="⚠️")
        for cmp in a.comparisons.iter_rows(named=True):
            name = cmp["variant"]
            v = a.verdicts[name]
            colour = "#7F7F7F"
            if cmp["significant"] and cmp["abs_diff"] is not None and not a.observational:
                colour = charts.GOOD if cmp["abs_diff"] > 0 else charts.BAD
            sentence = tx(v.sentence)
            if example:
                sentence = tx("ab_page.verdict.example", sentence=sentence)
            st.markdown(
                f"<div style='border-left:8px solid {colour};padding:0.4rem 1rem;"
                "margin:0.3rem 0;font-size:1.55rem;line-height:1.35;font-weight:500'>"
                f"{html.escape(sentence)}</div>",
                unsafe_allow_html=True,
            )
            explanation = a.explanations.get(name)
            shown_elsewhere = {explanation, a.srm.message if a.srm is not None else None}
            caveats = [c for c in v.caveats if c not in shown_elsewhere]
            if caveats:
                st.markdown("\n".join(f"- {t(c)}" for c in caveats))
            if explanation is not None:
                st.warning(t(explanation), icon="ℹ️")
        k = a.arms.height
        if k > 2 and a.many.chi2_p_value is not None:
            st.caption(
                t(
                    "ab_page.verdict.omnibus",
                    groups=k,
                    chi2=a.many.chi2,
                    df=a.many.chi2_df,
                    p=p_text(a.many.chi2_p_value),
                )
            )
