"""A country's public holidays, from the ``holidays`` library (python-holidays, the dates of
every country's official calendar, maintained with each country's legal texts)."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import holidays

from kpi.calendar.event import Event
from kpi.errors import InputError
from kpi.words import Fact, Lang

__all__ = ["COUNTRIES", "DEFAULT_COUNTRY", "country_codes", "public_holidays"]

DEFAULT_COUNTRY = "FR"
#: the countries offered first in the app (any country the library knows is accepted)
COUNTRIES = ("FR", "BE", "CH", "LU", "CA", "DE", "ES", "IT", "NL", "PT", "GB", "IE", "US")


@lru_cache(maxsize=1)
def country_codes() -> tuple[str, ...]:
    """Every ISO 3166-1 alpha-2 code the library has a calendar for."""
    return tuple(sorted(holidays.list_supported_countries()))


@lru_cache(maxsize=64)
def _names(country: str, year: int, language: str | None) -> tuple[tuple[dt.date, str], ...]:
    cal = holidays.country_holidays(country, years=year, language=language)
    return tuple(sorted(cal.items()))


def _language(country: str, wanted: str) -> str | None:
    langs = holidays.country_holidays(country).supported_languages
    for lang in (wanted, wanted.split("_")[0]):
        if lang in langs:
            return lang
    return None  # the country's own language


def public_holidays(country: str, first: dt.date, last: dt.date, lang: Lang = "en") -> list[Event]:
    """The public holidays of ``country`` (ISO code) between ``first`` and ``last`` included,
    kind ``holiday``, named in ``lang`` (the country's language when the library has no
    translation)."""
    code = country.strip().upper()
    if code not in country_codes():
        raise InputError(
            Fact("calendar.error.unknown_country", country=country),
            Fact("calendar.hint.country_codes", examples=list(COUNTRIES[:6])),
        )
    language = _language(code, "fr" if lang == "fr" else "en_US")
    out: list[Event] = []
    for year in range(first.year, last.year + 1):
        for day, name in _names(code, year, language):
            if first <= day <= last:
                out.append(Event(day, day, name, "holiday", "holidays"))
    return out
