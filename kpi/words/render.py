"""Facts into words: one renderer for pages, charts, the workbook and the command line.

A message is a ``str.format`` template of :mod:`kpi.words.catalogue` with named fields and a
format spec saying what the value is:

==================  ==========================================================
``{name}``          text (a user value: escaped when rendering Markdown); a nested
                    :class:`Fact` renders in the same language; a number prints as a number
``{x:pct}``         a rate as a percentage (``12,5 %``), the app's one precision rule
``{x:spct}``        a signed relative change (``+12,0 %``)
``{x:pts}``         percentage points (``+0,51 pt`` / ``+0.51 pp``)
``{x:int}``         a count (``12 346``)
``{x:num}``         a number, up to 2 decimals; ``num0``, ``num1``, ``num2``: fixed decimals
``{x:money}``       an amount, with the fact's ``currency`` value when it has one
``{x:date}``        a day; ``month`` a month; ``datetime`` a moment
``{x:p}``           a p-value
``{x:dur}``         a duration in seconds (``3 min 20 s``, ``2,5 h``, ``4,1 jours``)
``{x:list}``        a list of texts joined (``a, b et c``); ``orlist`` with "or"
``{n:plural:a|b}``  ``a`` or ``b`` by the plural rule of the language for ``n``
==================  ==========================================================
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
import string
from collections.abc import Iterable, Mapping
from typing import Any

from kpi.words import format as fmt
from kpi.words.fact import Fact, Lang, Raw

__all__ = ["escape_markdown", "render", "render_all"]

# Every ASCII punctuation character can be backslash-escaped in CommonMark; Streamlit adds
# ``:emoji:`` / ``:color[...]`` directives and ``$`` maths, also neutralised this way.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:=&\"'^%@/])")


def escape_markdown(text: str) -> str:
    """A user value shown exactly as typed in Markdown (and HTML): ``**promo**`` stays literal,
    ``![x](http://…)`` loads nothing; line breaks become spaces."""
    return _MD_SPECIAL.sub(r"\\\1", str(text).replace("\r", " ").replace("\n", " "))


_CODE = re.compile(r"^[a-z0-9_]+(\.[a-z0-9_\-]+)+$")


class _Formatter(string.Formatter):
    def __init__(self, lang: Lang, markdown: bool, values: Mapping[str, Any]) -> None:
        self.lang = lang
        self.markdown = markdown
        self.values = values

    def _text(self, value: Any) -> str:
        if isinstance(value, Fact):
            return render(value, self.lang, markdown=self.markdown)
        if isinstance(value, Raw):
            return str(value)
        if isinstance(value, bool):
            return render(Fact("common.yes" if value else "common.no"), self.lang)
        if isinstance(value, int):
            return fmt.integer(value, self.lang)
        if isinstance(value, float):
            return fmt.number(value, self.lang)
        if isinstance(value, dt.datetime):
            return fmt.datetime(value, self.lang)
        if isinstance(value, dt.date):
            return fmt.date(value, self.lang)
        if value is None:
            return fmt.MISSING
        return escape_markdown(str(value)) if self.markdown else str(value)

    def format_field(self, value: Any, format_spec: str) -> str:
        lang = self.lang
        spec, _, arg = format_spec.partition(":")
        if spec == "":
            return self._text(value)
        if spec == "pct":
            return fmt.percent(value, lang)
        if spec == "spct":
            return fmt.signed_percent(value, lang)
        if spec == "pts":
            return fmt.points(value, lang)
        if spec == "int":
            return fmt.integer(value, lang)
        if spec == "num":
            return fmt.number(value, lang)
        if spec in ("num0", "num1", "num2", "num3"):
            return fmt.number(value, lang, int(spec[-1]))
        if spec == "money":
            return fmt.money(value, lang, self.values.get("currency"))
        if spec == "date":
            return fmt.date(value, lang)
        if spec == "month":
            return fmt.month(value, lang)
        if spec == "datetime":
            return fmt.datetime(value, lang)
        if spec == "p":
            return fmt.p_value(value, lang)
        if spec == "dur":
            return duration(value, lang)
        if spec in ("list", "orlist"):
            items = [self._text(v) for v in value]
            return fmt.join(items, lang, "or" if spec == "orlist" else "standard")
        if spec == "plural":
            one, _, other = arg.partition("|")
            return fmt.plural(value, lang, one, other)
        raise ValueError(f"unknown format spec {format_spec!r}")


def duration(seconds: float | None, lang: Lang) -> str:
    """Seconds as a person reads them: ``45 s``, ``3 min 20 s``, ``2,5 h``, ``4,1 jours``."""
    if seconds is None or seconds != seconds:
        return fmt.MISSING
    s = float(seconds)
    if s < 60:
        return f"{fmt.number(s, lang, 0)}\u00a0s"
    if s < 3600:
        return f"{int(s // 60)}\u00a0min {int(s % 60):02d}\u00a0s"
    if s < 86400 * 2:
        return f"{fmt.number(s / 3600, lang, 1)}\u00a0h"
    days = render(Fact("common.days"), lang)
    return f"{fmt.number(s / 86400, lang, 1)}\u00a0{days}"


def _not_a_code(text: str, markdown: bool) -> str:
    """A string that is not a message code reached the renderer: words written outside the
    catalogue. Tests fail on it (``PARCOURS_STRICT_WORDS=1``, set by ``tests/conftest.py``);
    in production it is shown as text (escaped) and logged, never as a traceback."""
    if os.environ.get("PARCOURS_STRICT_WORDS"):
        raise ValueError(f"not a message code of the catalogue: {text!r}")
    logging.getLogger(__name__).warning("words outside the catalogue: %r", text[:80])
    return escape_markdown(text) if markdown else text


def render(
    message: Fact | str | None, lang: Lang = "en", /, *, markdown: bool = False, **values: Any
) -> str:
    """The words of a fact (or of a message code with ``values``) in ``lang``.

    ``markdown=True`` escapes every user value for Markdown/HTML (pages); plain text otherwise
    (workbook cells, chart titles, the command line). A code missing from the catalogue raises
    ``KeyError``: the catalogue test makes sure none is.
    """
    from kpi.words.catalogue import message_template

    if message is None:
        return ""
    if isinstance(message, Fact):
        code, vals = message.code, {**message.values, **values}
    else:
        code, vals = message, values
    try:
        template = message_template(code, lang)
    except KeyError:
        if not _CODE.match(code):
            return _not_a_code(code, markdown)
        raise
    return _Formatter(lang, markdown, vals).vformat(template, (), vals)


def render_all(messages: Iterable[Fact], lang: Lang = "en", *, markdown: bool = False) -> list[str]:
    """:func:`render` of each fact."""
    return [render(m, lang, markdown=markdown) for m in messages]
