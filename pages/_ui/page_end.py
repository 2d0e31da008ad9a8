"""Ending a page early on purpose ("upload a file first", "no orders in this view").

``st.stop()`` asks Streamlit to stop the script: every element sent after it is dropped,
including the frame's "Computing…" pill clearing itself, so a page that stopped after the pill
appeared (0.5 s) left it on screen, counting, after the run had finished. :func:`end_page`
ends the page without that request: the frame (``app.py``) catches :class:`PageEnd` and the
run finishes normally. ``PageEnd`` is a ``StopException``, so a page run on its own (a test
running one page file) stops as with ``st.stop()``.
"""

from __future__ import annotations

from typing import NoReturn

from streamlit.runtime.scriptrunner_utils.exceptions import StopException

__all__ = ["PageEnd", "end_page"]


class PageEnd(StopException):
    """The page has said why it shows nothing more; the run ends normally."""


def end_page() -> NoReturn:
    """End the page here (instead of ``st.stop()``)."""
    raise PageEnd
