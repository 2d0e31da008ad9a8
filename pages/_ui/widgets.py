"""Small shared widgets: the view sentence, KPI cards with formulas, red-flag badges."""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from kpi.definitions import Definition
from pages._ui import format as fmt
from pages._ui import state


def view_caption() -> None:
    """One line saying which data and which filters the page shows."""
    f = state.current_filters()
    source = "demo data" if state.using_demo() else ", ".join(x.name for x in state.files())
    st.caption(f"**Data:** {source} · **View:** {f.describe() if f else 'all'}")


def format_value(value: float | None, unit: str) -> str:
    if unit == "rate":
        return fmt.pct(value)
    if unit == "currency":
        return fmt.money(value)
    if unit == "seconds":
        return fmt.duration(value)
    if unit == "count":
        return fmt.num(value)
    if unit == "days":
        return "–" if value is None else f"{value:,.1f} days"
    if unit == "months":
        return "–" if value is None else f"{value:,.1f} months"
    return fmt.num(value, 2)


def kpi_card(
    label: str,
    value: float | None,
    unit: str,
    *,
    previous: float | None = None,
    definition: Definition | None = None,
    lower_is_better: bool = False,
) -> None:
    """A big number with its change vs the previous period and its formula on hover."""
    delta = None
    if previous is not None and value is not None:
        if unit == "rate":
            delta = fmt.pts(value - previous)
        elif previous:
            delta = fmt.signed_pct(value / previous - 1)
    st.metric(
        label,
        format_value(value, unit),
        delta=delta,
        delta_color="inverse" if lower_is_better else "normal",
        help=definition.formula if definition else None,
        border=True,
    )


def red_flags(flags: Sequence[object]) -> None:
    """Red flags as coloured badges with the full sentence."""
    for flag in flags:
        level = getattr(flag, "level", "warning")
        text = f"**{getattr(flag, 'title', '')}** — {getattr(flag, 'message', '')}"
        if level == "alert":
            st.error(text, icon=":material/flag:")
        else:
            st.warning(text, icon=":material/warning:")


def previous_period_caption() -> None:
    """Which period the changes compare with, in dates."""
    f = state.current_filters()
    prev = f.previous() if f else None
    if prev is not None:
        st.caption(f"Changes are against the previous period: {prev.start} to {prev.end}.")
