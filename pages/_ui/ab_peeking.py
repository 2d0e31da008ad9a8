"""Always-valid (sequential) results for those who looked at the test several times."""

from __future__ import annotations

import polars as pl
import streamlit as st

from kpi.abtest import ABAnalysis
from kpi.abtest.verdict import level_percent
from pages._ui.ab_text import ci_text, figures
from pages._ui.lang import t, tx


def show(a: ABAnalysis) -> None:
    """The peeking-safe lift, interval and p of every variant."""
    st.subheader(tx("ab_page.peeking.title"))
    h = {
        "variant": tx("ab_page.col.variant"),
        "lift": tx("ab_page.card.lift"),
        "ci": tx("ab_page.peeking.ci", level=level_percent(a.alpha)),
        "p": tx("ab_page.peeking.p"),
        "sig": tx("ab_page.col.significant"),
        "note": tx("ab_page.col.note"),
    }
    rows = pl.DataFrame(
        {
            h["variant"]: list(a.sequential),
            h["lift"]: [
                None if s.estimate is None else s.estimate * 100 for s in a.sequential.values()
            ],
            h["ci"]: [ci_text(*(s.ci or (None, None)), "spct") for s in a.sequential.values()],
            h["p"]: [s.p_value for s in a.sequential.values()],
            h["sig"]: [s.significant for s in a.sequential.values()],
            h["note"]: [tx(s.explanation) for s in a.sequential.values()],
        },
        schema={
            h["variant"]: pl.String,
            h["lift"]: pl.Float64,
            h["ci"]: pl.String,
            h["p"]: pl.Float64,
            h["sig"]: pl.Boolean,
            h["note"]: pl.String,
        },
    )
    st.dataframe(
        figures(rows, {h["lift"]: "spct100", h["p"]: "p"}), hide_index=True, width="stretch"
    )
    st.caption(t("ab_page.peeking.caption", tuning=5000))
