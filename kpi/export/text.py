"""The workbook's words in the view's language: facts rendered, KPI names, filters, periods.

Every sentence of the workbook is a catalogue message (``export.…``,
:mod:`kpi.words.catalogue.export`) rendered with :func:`kpi.words.render`; what the analysis
modules return (a :class:`~kpi.words.Fact`, an error, a reason) is rendered here too.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from kpi.definitions import formula, label
from kpi.errors import ParcoursError
from kpi.filters import Filters
from kpi.words import Fact, Lang, render
from kpi.words.catalogue import catalogue

__all__ = [
    "kpi_formula",
    "kpi_label",
    "say",
    "sentence",
    "stage_name",
    "view_text",
    "window_text",
    "words",
]


def say(code: str, lang: Lang, /, **values: Any) -> str:
    """The catalogue message ``code`` in ``lang`` (plain text, for a cell)."""
    return render(Fact(code, **values), lang)


def words(x: Any, lang: Lang) -> str:
    """What an analysis returned for a person (a fact, an error, a text), in ``lang``."""
    if x is None:
        return ""
    if isinstance(x, ParcoursError):
        return x.text(lang)
    if isinstance(x, Fact):
        return render(x, lang)
    if str(x) in catalogue():  # a message code (a dropped-row reason, a note…)
        return render(str(x), lang)
    return str(x)  # anything else is a value from the data, written as it is


def sentence(x: Any, lang: Lang) -> str:
    """:func:`words` as a sentence: capital first letter, final full stop."""
    text = words(x, lang).strip()
    if not text:
        return ""
    text = text[:1].upper() + text[1:]
    return text if text.endswith((".", "!", "?", ")")) else text + "."


def kpi_label(code: str, lang: Lang) -> str:
    """A KPI's name (catalogue ``def.<code>.label``)."""
    return label(code, lang)


def kpi_formula(code: str, lang: Lang) -> str:
    """A KPI's formula in words (catalogue ``def.<code>.formula``)."""
    return formula(code, lang)


def stage_name(stage: str | None, lang: Lang) -> str:
    """A journey stage's name (awareness -> Sensibilisation)."""
    if not stage:
        return ""
    try:
        return say(f"export.stage.{stage}", lang)
    except KeyError:
        return stage


_WINDOW_UNITS = (("days", 86400), ("hours", 3600), ("minutes", 60))


def window_text(window: dt.timedelta | None, lang: Lang = "en") -> str:
    """A conversion window in words: "14 days" / "14 jours", "none (whole period)"."""
    if window is None:
        return say("export.window.none", lang)
    secs = int(window.total_seconds())
    for unit, n in _WINDOW_UNITS:
        if secs % n == 0 and secs >= n:
            return say(f"export.window.{unit}", lang, n=secs // n)
    return say("export.window.seconds", lang, n=secs)


def _day(d: dt.date | None, lang: Lang, missing: str) -> str:
    return say("export.date", lang, d=d) if d is not None else say(missing, lang)


def period_text(start: dt.date | None, end: dt.date | None, lang: Lang) -> str:
    """``1 sept. 2025 to 30 sept. 2025`` / ``1 sept. 2025 au 30 sept. 2025``."""
    return say(
        "export.period.range",
        lang,
        start=_day(start, lang, "export.period.start"),
        end=_day(end, lang, "export.period.end"),
    )


def view_text(filters: Filters, lang: Lang) -> str:
    """The view in words: ``device: mobile; 1 Oct 2025 to 31 Oct 2025`` (values as typed)."""
    parts = [
        say("export.view.segment", lang, segment=col, values=[str(v) for v in vals])
        for col, vals in filters.active_segments.items()
    ]
    if filters.start or filters.end:
        parts.append(period_text(filters.start, filters.end, lang))
    return (
        say("export.view.separator", lang).join(parts)
        if parts
        else say("export.view.everything", lang)
    )
