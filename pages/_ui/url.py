"""Widgets whose words change with the language, bound to the URL by their neutral values.

Streamlit's ``bind="query-params"`` writes a widget's *displayed* option to the URL (the
``format_func`` label: ``?cohort_by=semaine`` in French, ``?lang=English``), and drops a value
equal to the widget's default. A link must be the same view in French and English, and
``?lang=fr`` must stay in it. So the widgets that show options in words are not bound by
Streamlit but by these two calls, with their option values (``week``, ``fr``, ``(none)``):

- :func:`seed`: the URL's value, for the widget's ``default`` (the first time it is drawn in
  a session, or again after it was not drawn; later, the widget keeps the user's choice; on
  the browser's back and forward buttons, the URL's value again);
- :func:`keep`: after the widget, its value back into the URL (removed when it is the
  ``default`` given, kept always when ``default`` is None).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import streamlit as st
from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx


def seed(key: str, options: Sequence[Any], *, many: bool = False, fallback: Any = None) -> Any:
    """The URL's value(s) of ``key`` among ``options`` (``fallback``, or [] when ``many``, if
    none). On the browser's back / forward, the URL's value also replaces the widget's, as
    Streamlit does for the widgets it binds."""
    known = {str(o): o for o in options}
    values = [known[v] for v in st.query_params.get_all(key) if v in known]
    value = list(dict.fromkeys(values)) if many else (values[0] if values else fallback)
    if _history_navigation():
        st.session_state[key] = value if value is not None or many else fallback
    return value


def _history_navigation() -> bool:
    ctx = get_script_run_ctx()
    return bool(ctx is not None and getattr(ctx, "is_history_navigation", False))


def keep(key: str, value: Any, default: Any = None) -> None:
    """Write a widget's neutral value to the URL (a list for several values)."""
    empty = value is None or (isinstance(value, list | tuple) and not value)
    if empty or (default is not None and value == default):
        if key in st.query_params:
            del st.query_params[key]
        return
    wanted = [str(v) for v in value] if isinstance(value, list | tuple) else [str(value)]
    if st.query_params.get_all(key) != wanted:
        st.query_params[key] = wanted if len(wanted) > 1 else wanted[0]


def forget(keys: Sequence[str]) -> None:
    """Remove the URL parameters of widgets not drawn in this run."""
    for key in keys:
        if key in st.query_params:
            del st.query_params[key]
