"""A KPI card's target line: target, gap and status (coloured), under the big number."""

from __future__ import annotations

import streamlit as st

from kpi import targets as tg
from kpi.words import Raw
from pages._ui import targets_state
from pages._ui.lang import t

__all__ = ["COLOURS", "line"]

#: status -> Streamlit's Markdown colour
COLOURS = {"on": "green", "close": "orange", "off": "red"}


def line(code: str, value: float | None, *, currency: str | None = None) -> None:
    """Draw ``Target 2.50 % · gap −0.30 pt · Close`` under a card when ``code`` has a target."""
    target = targets_state.current().get(code)
    if target is None:
        return
    shown = tg.value_fact(code, target, currency)
    a = tg.assess(code, value, target)
    if a is None:
        st.caption(t("targets.card.no_value", target=shown))
        return
    status = Raw(f":{COLOURS[a.status]}[**{t(a.status_fact())}**]")
    st.caption(t("targets.card", target=shown, gap=tg.gap_fact(a, currency), status=status))
