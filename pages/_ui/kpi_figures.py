"""Figures and KPI cards of the Retention, Value and Advocacy pages, in the reader's language.

Every figure goes through :mod:`kpi.words.format` (the app's one precision rule for rates);
KPI names and ⓘ definitions come from the catalogue (:func:`kpi.definitions.label` /
:func:`kpi.definitions.formula`); money carries the data's currency when the Dataset says it.
"""

from __future__ import annotations

import datetime as dt

import streamlit as st

from kpi.definitions import formula, label
from kpi.filters import segment_label, segment_name
from kpi.words import Fact, Lang, render
from kpi.words import format as fmt
from pages._ui import target_card
from pages._ui.lang import current, t

__all__ = ["card", "cohort_name", "currency_of", "figure", "short_amount"]


def currency_of(ds: object) -> str | None:
    """The data's currency (ISO code) when the Dataset says it, else None (no symbol)."""
    return getattr(ds, "currency", None)


def figure(value: float | None, unit: str, *, currency: str | None = None) -> str:
    """One KPI value as the reader's locale writes it: a rate as a percentage, money with the
    data's currency (or none), months with their unit, a ratio or a number with 2 decimals."""
    lang = current()
    if value is None:
        return fmt.MISSING
    if unit == "rate":
        return fmt.percent(value, lang)
    if unit == "currency":
        return fmt.money(value, lang, currency)
    if unit == "count":
        return fmt.integer(value, lang)
    if unit == "months":
        return render(Fact("retention.page.months", n=value), lang)
    if unit == "days":
        return render(Fact("retention.page.days", n=value), lang)
    return fmt.number(value, lang, 2)


def short_amount(
    shown: str, value: float | None, unit: str, currency: str | None, help_text: str | None
) -> tuple[str, str | None]:
    """A card's big number and its ⓘ: an amount too long for a quarter of a 1280-pixel page
    written short (:func:`kpi.words.format.headline_money`), its exact ``shown`` on ⓘ."""
    if unit != "currency":
        return shown, help_text
    short = fmt.headline_money(value, current(), currency)
    if short == shown:
        return shown, help_text
    exact = t("widgets.exact", amount=shown)
    return short, f"{help_text}\n\n{exact}" if help_text else exact


def card(
    code: str,
    value: float | None,
    unit: str,
    *,
    currency: str | None = None,
    name: str | None = None,
    lower_is_better: bool = False,
) -> None:
    """A big number named by the KPI's catalogue label (or ``name``), its definition on ⓘ."""
    lang = current()
    del lower_is_better  # no change to colour on these pages (no previous period)
    shown, help_text = short_amount(
        figure(value, unit, currency=currency), value, unit, currency, formula(code, lang)
    )
    st.metric(name or label(code, lang), shown, help=help_text, border=True)
    target_card.line(code, value, currency=currency)  # target, gap and status


def cohort_name(start: dt.date | None, grain: str) -> str:
    """A cohort as people name it: ``nov. 2026`` / ``Nov 2026`` (month), ``sem. du 2 juin
    2025`` / ``Week of Jun 2, 2025`` (ISO weeks start on Monday), ``2 juin 2025`` (day)."""
    lang = current()
    if start is None:
        return fmt.MISSING
    if grain == "month":
        return fmt.month(start, lang)
    if grain == "week":
        return render(Fact("retention.page.week_of", start=start), lang)
    return fmt.date(start, lang)


def segment_words(segment: str, lang: Lang | None = None, *, in_sentence: bool = False) -> str:
    """A segment column as a person reads it: the four main segments in words (``Appareil``,
    ``appareil`` inside a sentence, as the sidebar's filters), any other column as its header
    says (underscores as spaces). ``lang``: the view's by default (a ``format_func`` called
    outside the run passes the run's)."""
    name = segment_name(segment) if in_sentence else segment_label(segment)
    if isinstance(name, Fact):
        return render(name, lang or current())
    return name.replace("_", " ")
