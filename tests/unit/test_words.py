"""The words layer: every message in both languages, figures as babel writes them, user values
kept as text."""

from __future__ import annotations

import datetime as dt
import string

import pytest
from babel.dates import format_date
from babel.numbers import format_currency, format_decimal, format_percent

from kpi.words import Fact, escape_markdown, render
from kpi.words import format as fmt
from kpi.words.catalogue import catalogue


def _fields(template: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(template) if f}


@pytest.mark.parametrize("code", sorted(catalogue()))
def test_every_message_has_both_languages_with_the_same_fields(code: str) -> None:
    en, fr = catalogue()[code]
    assert en.strip() and fr.strip(), code
    assert _fields(en) == _fields(fr), code


def test_figures_are_babels_own() -> None:
    assert fmt.percent(0.125, "fr") == format_percent(0.125, "#,##0.0\u00a0%", locale="fr_FR")
    assert fmt.percent(0.125, "fr") == "12,5\u00a0%"
    assert fmt.percent(0.125, "en") == "12.5%"
    assert fmt.percent(0.0411, "en") == "4.11%"
    assert fmt.percent(0.396, "fr") == "39,6\u00a0%"
    assert fmt.points(0.0051, "fr") == "+0,51\u00a0pt"
    assert fmt.points(0.0051, "en") == "+0.51 pp"
    assert fmt.money(1234.56, "fr", "EUR") == format_currency(1234.56, "EUR", locale="fr_FR")
    assert fmt.money(1234.56, "fr", "€") == "1\u202f234,56\u00a0€"
    assert fmt.money(1234.56, "en", "USD") == "$1,234.56"
    assert fmt.money(1234.56, "en") == "1,234.56"  # no currency in the data: no symbol
    assert (
        fmt.integer(1234567, "fr")
        == format_decimal(1234567, locale="fr_FR")
        == "1\u202f234\u202f567"
    )
    assert fmt.number(1234.5, "en", 2) == "1,234.50"
    day = dt.date(2026, 12, 1)
    assert fmt.date(day, "fr") == format_date(day, "medium", locale="fr_FR") == "1 déc. 2026"
    assert fmt.date(day, "en") == "Dec 1, 2026"
    assert fmt.first_weekday("fr") == 0  # weeks start on Monday
    assert fmt.percent(None, "fr") == fmt.MISSING


def test_render_formats_fields_and_escapes_user_values() -> None:
    fact = Fact("common.yes")
    assert render(fact, "fr") == "oui" and str(fact) == "yes"
    assert escape_markdown("**promo**") == r"\*\*promo\*\*"
    assert "](" not in escape_markdown("![x](http://example.invalid/p.png)")


def test_words_outside_the_catalogue_fail_tests_and_never_crash_a_page(monkeypatch) -> None:
    with pytest.raises(ValueError, match="not a message code"):
        render("Some English sentence.", "fr")
    monkeypatch.delenv("PARCOURS_STRICT_WORDS")
    assert render("**x**", "fr", markdown=True) == r"\*\*x\*\*"
    with pytest.raises(KeyError):  # a code-shaped name that the catalogue lacks is a bug
        render("funnel.no_such_message", "fr")


@pytest.mark.parametrize(
    ("amount", "lang", "currency", "expected"),
    [
        (437.27, "fr", "EUR", "437,27\xa0€"),
        (28025.02, "fr", "EUR", "28\u202f025\xa0€"),
        (980645.75, "en", "EUR", "€980,646"),
        (1161818.46, "fr", "EUR", "1,16\xa0M\xa0€"),
        (1161818.46, "en", None, "1.16M"),
        (-2_500_000, "en", "EUR", "-€2.5M"),
        (None, "fr", "EUR", "–"),
    ],
)
def test_a_cards_amount_is_short_enough_for_a_quarter_of_the_page(
    amount: float | None, lang: str, currency: str | None, expected: str
) -> None:
    """Online Retail's November 2011 revenue (1,161,818.46) was cut to "1 161 81…" on a
    1280-pixel projector: from 10,000 whole units, from a million the compact form."""
    from kpi.words.format import headline_money

    assert headline_money(amount, lang, currency) == expected


@pytest.mark.parametrize(
    ("amount", "lang", "expected"),
    [
        (1, "en", "cart within 1 hour of the step before"),
        (2, "en", "cart within 2 hours of the step before"),
        (1, "fr", "cart au plus 1 heure après l'étape précédente"),
        (1.5, "fr", "cart au plus 1,5 heure après l'étape précédente"),
        (3, "fr", "cart au plus 3 heures après l'étape précédente"),
    ],
)
def test_a_per_step_window_says_its_unit_in_the_singular_or_plural(
    amount: float, lang: str, expected: str
) -> None:
    """ "1 hours" / "1 heures" were written before (French: 0 to 2 exclusive are singular)."""
    from kpi.words import Fact, render

    unit = Fact("funnel_rules.unit.hours", n=amount)
    words = Fact("funnel_rules.step_window", step="cart", amount=amount, unit=unit)
    assert render(words, lang) == expected
