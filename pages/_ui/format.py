"""TRANSITIONAL: the old page formatters, now thin calls of :mod:`kpi.words.format` in the
view's language (nothing here formats a figure by hand).

New code writes figures through a message template (``{x:pct}``, ``{x:pts}``…) or calls
:mod:`kpi.words.format` with :func:`pages._ui.lang.current`; this module goes once no page
imports it. The ``digits`` arguments are ignored: the app has one precision rule for
percentages (2 decimals below 10 %, 1 from 10 %).
"""

from __future__ import annotations

from kpi.words import format as words_format
from kpi.words.render import duration as _duration
from pages._ui.lang import current

__all__ = ["duration", "money", "num", "pct", "pts", "signed_pct"]


def pct(x: float | None, digits: int | None = None) -> str:
    """A rate as a percentage (``12,5 %`` / ``12.5%``)."""
    return words_format.percent(x, current())


def pts(x: float | None, digits: int | None = None) -> str:
    """A change of rate in percentage points (``+0,51 pt`` / ``+0.51 pp``)."""
    return words_format.points(x, current())


def signed_pct(x: float | None, digits: int | None = None) -> str:
    """A relative change (``+12,0 %`` / ``+12.0%``)."""
    return words_format.signed_percent(x, current())


def num(x: float | None, digits: int = 0) -> str:
    """A number with ``digits`` decimals (``12 346`` / ``12,346``)."""
    if digits == 0:
        return words_format.integer(x, current())
    return words_format.number(x, current(), digits)


def money(x: float | None, symbol: str = "") -> str:
    """An amount, with its currency (ISO code or symbol) when the data says it."""
    return words_format.money(x, current(), symbol or None)


def duration(seconds: float | None) -> str:
    """Seconds as a person reads them (``3 min 20 s``, ``2,5 h``, ``4,1 jours``)."""
    return _duration(seconds, current())
