"""A choice in words bound to the URL by its neutral value (``?rt_mode=on or after`` in
every language).

Streamlit's own ``bind="query-params"`` writes the *formatted* label of a selectbox or a
segmented control into the URL (``?rt_mode=N ou après`` in French), so a link would change
with the language and a French link would not open in English. :func:`choice` binds by the
option's value instead; the words come from ``format_func``, fixed at this run's language.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from pages._ui import url


def choice(
    box: DeltaGenerator | Any,
    widget: str,
    label: str,
    options: Sequence[Any],
    *,
    key: str,
    default: Any,
    format_func: Callable[[Any], str],
    **kwargs: Any,
) -> Any:
    """A selectbox or segmented control bound to ``?key=`` by the option's value (``str``),
    its words through ``format_func``; the URL parameter is dropped at the default."""
    options = list(options)
    if default not in options:
        default = options[0] if options else None
    if key not in st.session_state or st.session_state[key] not in options:
        raw = st.query_params.get(key)
        match = next((o for o in options if str(o) == raw), None)
        st.session_state[key] = match if match is not None else default
    if widget == "segmented_control":
        kwargs.setdefault("required", True)
    # the words are fixed now, in this run's language (a format_func must not read the
    # session later: AppTest and the frontend call it outside the script run)
    words = {str(o): format_func(o) for o in options}
    value = getattr(box, widget)(
        label, options, key=key, format_func=lambda o: words.get(str(o), str(o)), **kwargs
    )
    url.keep(key, value, default)
    return value
