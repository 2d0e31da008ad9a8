"""Revenue per visitor of each variant against the control (Welch's t-test)."""

from __future__ import annotations

import polars as pl
import streamlit as st

from kpi.abtest import ABAnalysis
from kpi.abtest.verdict import level_percent
from pages._ui.ab_text import ci_text, figures
from pages._ui.lang import t, tx


def show(a: ABAnalysis, *, from_data: bool, connected: bool = False) -> None:
    """Welch's t-test per variant, or how to get it (``connected``: from a connected table)."""
    if not a.revenue:
        if from_data:
            st.caption(t("ab_page.revenue.how" + (".engine" if connected else "")))
        return
    st.subheader(tx("ab_page.revenue.title"))
    h = {
        "variant": tx("ab_page.col.variant"),
        "a": tx("ab_page.revenue.per_visitor_of", group=a.control),
        "b": tx("ab_page.revenue.per_visitor_variant"),
        "diff": tx("ab_page.revenue.diff"),
        "ci": tx("ab_page.revenue.ci", level=level_percent(a.alpha)),
        "t": "t",
        "df": tx("ab_page.revenue.df"),
        "p": tx("ab_page.card.p"),
        "sig": tx("ab_page.col.significant"),
        "note": tx("ab_page.col.note"),
    }
    values = list(a.revenue.values())
    rows = pl.DataFrame(
        {
            h["variant"]: list(a.revenue),
            h["a"]: [w.mean_a for w in values],
            h["b"]: [w.mean_b for w in values],
            h["diff"]: [w.diff for w in values],
            h["ci"]: [ci_text(*(w.ci_diff or (None, None)), "money") for w in values],
            h["t"]: [w.t for w in values],
            h["df"]: [w.df for w in values],
            h["p"]: [w.p_value for w in values],
            h["sig"]: [w.significant for w in values],
            h["note"]: [tx(w.explanation) for w in values],
        },
        schema={
            h["variant"]: pl.String,
            h["a"]: pl.Float64,
            h["b"]: pl.Float64,
            h["diff"]: pl.Float64,
            h["ci"]: pl.String,
            h["t"]: pl.Float64,
            h["df"]: pl.Float64,
            h["p"]: pl.Float64,
            h["sig"]: pl.Boolean,
            h["note"]: pl.String,
        },
    )
    kinds = {h["a"]: "num2", h["b"]: "num2", h["diff"]: "snum2", h["t"]: "num3"}
    kinds |= {h["df"]: "num0", h["p"]: "p"}
    st.dataframe(figures(rows, kinds), hide_index=True, width="stretch")
    st.caption(t("ab_page.revenue.caption"))
