"""The reader's language (the sidebar switch: ``sidebar.language``, kept in the URL as
``?lang=fr``), and ``t()``.

Default: the browser's language (``st.context.locale``), French when it starts with ``fr``,
else English. Every page writes its words with :func:`t` (Markdown, user values escaped) or
:func:`tx` (plain text: chart titles, widget options, file names).
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from kpi.words import LANGS, Fact, Lang, render

KEY = "lang"


def browser_default() -> Lang:
    """French when the browser's language starts with ``fr``, else English."""
    try:
        loc = st.context.locale or ""
    except Exception:  # no browser (AppTest, bare mode)
        loc = ""
    return "fr" if str(loc).lower().startswith("fr") else "en"


def current() -> Lang:
    """The language of this view: the switch, else the URL, else the browser's language."""
    value = st.session_state.get(KEY)
    if value not in LANGS:
        value = st.query_params.get(KEY)
    return value if value in LANGS else browser_default()  # type: ignore[return-value]


def t(message: Fact | str | None, /, **values: Any) -> str:
    """Markdown words of a fact or a message code in the current language (user values escaped)."""
    return render(message, current(), markdown=True, **values)


def tx(message: Fact | str | None, /, **values: Any) -> str:
    """Plain-text words (chart titles, widget options, download names) in the current language."""
    return render(message, current(), **values)
