"""A KPI card's target line: target, gap and status (coloured), under the big number, and the
card's frame that holds the number and its lines (:func:`box`), so that the cards of a row are
as tall as each other whether or not they have a target line."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from kpi import targets as tg
from kpi.words import Raw
from pages._ui import targets_state
from pages._ui.lang import t

__all__ = ["COLOURS", "PER_ROW", "box", "grid", "line"]

PER_ROW = 3  #: cards per row on the Overview

T = TypeVar("T")

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


def box() -> DeltaGenerator:
    """A card's frame: bordered, as tall as the tallest card of its row (``height="stretch"``
    in a row of :func:`grid`), holding the number (drawn without its own border) and the lines
    under it (target, the same period a year before)."""
    return st.container(border=True, height="stretch")


def grid(items: Sequence[T], draw: Callable[[T], None], *, per_row: int = PER_ROW) -> None:
    """Cards in rows of ``per_row`` (a row of columns each, so that a taller card never pushes
    the next row's card of its column down), each in its :func:`box`."""
    for start in range(0, len(items), per_row):
        cols = st.columns(per_row)
        for col, item in zip(cols, items[start : start + per_row], strict=False):
            with col, box():
                draw(item)
