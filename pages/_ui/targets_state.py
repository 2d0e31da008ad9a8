"""The session's targets (:class:`kpi.targets.Targets`), kept per session and in the URL.

``?target=conversion_rate:0.025`` (repeatable) opens a view with those targets; afterwards the
session's targets are written back to the URL on every run (:func:`sync`, called by the
frame), so a shared link shows the same targets. They also ride on the session's red-flag
thresholds (``Thresholds.targets``), so the pages, the workbook and its red flags use them.
"""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from kpi import alerts
from kpi import targets as tg
from kpi.words import Fact
from pages._ui import url

__all__ = ["PARAM", "current", "problems", "set_targets", "sync"]

PARAM = "target"
_KEY = "targets"
_PROBLEMS = "targets_problems"


def current() -> tg.Targets:
    """The session's targets (none before any is set)."""
    value = st.session_state.get(_KEY)
    return value if isinstance(value, tg.Targets) else tg.Targets()


def problems() -> tuple[Fact, ...]:
    """What was left out of the last targets given (the link's, the editor's or a file's)."""
    return tuple(st.session_state.get(_PROBLEMS) or ())


def set_targets(targets: tg.Targets, left_out: tuple[Fact, ...] = ()) -> None:
    """Keep ``targets`` for this session (and say what was left out)."""
    st.session_state[_KEY] = targets
    st.session_state[_PROBLEMS] = left_out
    _on_thresholds(targets)
    url.keep(PARAM, targets.to_url())  # the link says them at once


def _on_thresholds(targets: tg.Targets) -> None:
    th = st.session_state.get("thresholds")
    if not isinstance(th, alerts.Thresholds):
        if not len(targets):
            return
        th = alerts.Thresholds()
    if th.targets != targets:
        st.session_state["thresholds"] = replace(th, targets=targets)


def sync() -> None:
    """Once per run, in the frame: the link's targets the first time, then the session's
    targets back into the URL and onto the thresholds."""
    if _KEY not in st.session_state:
        found, left_out = tg.from_url(st.query_params.get_all(PARAM))
        set_targets(found, left_out)
    targets = current()
    _on_thresholds(targets)
    url.keep(PARAM, targets.to_url())
