"""The targets' table: each KPI with a target, its value in the view, the target, the gap and
the status (one computation: the session's View, or the connected table's EngineView)."""

from __future__ import annotations

from typing import Any

import polars as pl
import streamlit as st

from kpi import targets as tg
from kpi.words import Fact, render
from pages._ui import targets_state
from pages._ui.lang import current, tx

__all__ = ["table"]

_MARK = {"on": "●", "close": "◐", "off": "○"}  # the status also without colour


def _view() -> Any:
    from pages._ui import compute

    try:
        return compute.engine_view() or compute.current_view()
    except Exception:  # no data yet, or a view that cannot be computed: values unknown
        return None


def table() -> None:
    """KPI, value, target, gap, status of every target set (nothing when none is)."""
    targets = targets_state.current()
    if not len(targets):
        return
    lang = current()
    view = _view()
    values = tg.values_of(view, [k for k, _ in targets]) if view is not None else {}
    currency = getattr(getattr(view, "full", None), "currency", None) or None
    rows: dict[str, list[str]] = {"kpi": [], "value": [], "target": [], "gap": [], "status": []}
    for kpi, target in targets:
        a = tg.assess(kpi, values.get(kpi), target)
        rows["kpi"].append(render(tg.label_fact(kpi), lang))
        rows["value"].append(render(tg.value_fact(kpi, values.get(kpi), currency), lang))
        rows["target"].append(render(tg.value_fact(kpi, target, currency), lang))
        rows["gap"].append("–" if a is None else render(tg.gap_fact(a, currency), lang))
        status = Fact("targets.status.none") if a is None else a.status_fact()
        mark = "" if a is None else _MARK[a.status] + " "
        rows["status"].append(mark + render(status, lang))
    st.dataframe(
        pl.DataFrame(rows),
        hide_index=True,
        width="stretch",
        column_config={
            "kpi": st.column_config.TextColumn(tx("targets.editor.kpi")),
            "value": st.column_config.TextColumn(tx("targets.col.value")),
            "target": st.column_config.TextColumn(tx("targets.col.target")),
            "gap": st.column_config.TextColumn(tx("targets.col.gap")),
            "status": st.column_config.TextColumn(tx("targets.col.status")),
        },
    )
