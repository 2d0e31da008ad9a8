"""Numbers, percentages, points, money and dates as each locale writes them (babel, CLDR).

The one formatting module of Parcours: pages, charts, the workbook's notes and the command line
write figures through these functions, never with hand-written f-strings.

Precision rule for percentages and percentage points (one rule across the app): two decimals
below 10 % (``2.35 %``, ``+0.51 pt``), one decimal from 10 % (``12.5 %``, ``58.2 %``), and
``< 0.01 %`` for a non-zero value that would round to zero. Missing values (None, NaN) are
written ``–``.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Sequence
from functools import lru_cache

from babel import Locale
from babel.dates import format_date, format_skeleton, format_time
from babel.lists import format_list
from babel.numbers import (
    format_compact_currency,
    format_compact_decimal,
    format_currency,
    format_decimal,
    format_percent,
)

from kpi.words.fact import Lang

__all__ = [
    "CURRENCY_SYMBOLS",
    "MISSING",
    "date",
    "datetime",
    "decimals_for_rate",
    "first_weekday",
    "headline_money",
    "integer",
    "join",
    "locale",
    "money",
    "month",
    "number",
    "p_value",
    "percent",
    "plural",
    "points",
    "signed_percent",
]

MISSING = "–"

#: symbols found in amounts -> ISO 4217 code (for :func:`money`).
CURRENCY_SYMBOLS = {"€": "EUR", "$": "USD", "£": "GBP", "CHF": "CHF", "¥": "JPY"}

_LOCALES: dict[str, str] = {"fr": "fr_FR", "en": "en_US"}


@lru_cache(maxsize=8)
def locale(lang: Lang) -> Locale:
    """The babel locale of a language (``fr`` -> fr_FR, ``en`` -> en_US)."""
    return Locale.parse(_LOCALES.get(lang, "en_US"))


def _missing(x: object) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def _minus(lang: Lang) -> str:
    return locale(lang).number_symbols["latn"]["minusSign"]


def decimals_for_rate(x: float) -> int:
    """The app's one precision rule for a rate (a fraction): 2 decimals below 10 %, else 1."""
    return 2 if abs(x) < 0.1 else 1


def _with_decimals(pattern: str, decimals: int) -> str:
    """A CLDR pattern (``#,##0 %``) with ``decimals`` fixed decimals (``#,##0.00 %``)."""
    return re.sub(r"0(?:\.0+)?", "0" + ("." + "0" * decimals if decimals else ""), pattern, count=1)


def _pattern(decimals: int, suffix: str = "") -> str:
    return "#,##0" + ("." + "0" * decimals if decimals else "") + suffix


def percent(x: float | None, lang: Lang) -> str:
    """A rate (fraction) as a percentage: fr ``12,5 %`` / en ``12.5%``."""
    if _missing(x):
        return MISSING
    x = float(x)  # type: ignore[arg-type]
    if x != 0 and abs(x) < 0.0001:
        return ("< " if x > 0 else "> " + _minus(lang)) + percent(0.0001, lang)
    loc = locale(lang)
    base = loc.percent_formats[None].pattern  # fr: '#,##0 %' (no-break space), en: '#,##0%'
    digits = decimals_for_rate(x)
    return format_percent(x, _with_decimals(base, digits), locale=loc)


def signed_percent(x: float | None, lang: Lang) -> str:
    """A relative change: ``+12.0%`` / ``−3,40 %`` (always signed)."""
    if _missing(x):
        return MISSING
    body = percent(abs(float(x)), lang)  # type: ignore[arg-type]
    return ("+" if float(x) >= 0 else _minus(lang)) + body  # type: ignore[arg-type]


def points(x: float | None, lang: Lang) -> str:
    """A change of rate in percentage points, signed: fr ``+0,51 pt`` / en ``+0.51 pp``."""
    if _missing(x):
        return MISSING
    x = float(x)  # type: ignore[arg-type]
    digits = decimals_for_rate(x)
    body = format_decimal(abs(x) * 100, _pattern(digits), locale=locale(lang))
    unit = "pt" if lang == "fr" else "pp"
    sign = "+" if x >= 0 else _minus(lang)
    return f"{sign}{body}\u00a0{unit}" if lang == "fr" else f"{sign}{body} {unit}"


def integer(x: float | None, lang: Lang) -> str:
    """A count: fr ``12 346`` (narrow no-break space) / en ``12,346``."""
    if _missing(x):
        return MISSING
    return format_decimal(round(float(x)), "#,##0", locale=locale(lang))  # type: ignore[arg-type]


def number(x: float | None, lang: Lang, decimals: int | None = None) -> str:
    """A number with ``decimals`` fixed decimals, or up to 2 when None: ``1 234,5``."""
    if _missing(x):
        return MISSING
    pattern = "#,##0.##" if decimals is None else _pattern(decimals)
    return format_decimal(float(x), pattern, locale=locale(lang))  # type: ignore[arg-type]


def money(x: float | None, lang: Lang, currency: str | None = None, decimals: int = 2) -> str:
    """An amount: with a currency (ISO code or symbol) fr ``1 234,56 €`` / en ``€1,234.56``;
    without one, the number alone with two decimals (no symbol is invented)."""
    if _missing(x):
        return MISSING
    code = CURRENCY_SYMBOLS.get(currency or "", currency)
    if not code:
        return number(x, lang, decimals)
    loc = locale(lang)
    pattern = _with_decimals(loc.currency_formats["standard"].pattern.split(";")[0], decimals)
    return format_currency(float(x), code, pattern, locale=loc, currency_digits=False)  # type: ignore[arg-type]


def headline_money(x: float | None, lang: Lang, currency: str | None = None) -> str:
    """An amount as a card's big number, short enough for a quarter of a 1280-pixel page:
    :func:`money` below 10,000; whole units from 10,000 (fr ``980 646 €``); from a million
    the compact form with two decimals (fr ``1,16 M €``, en ``€1.16M``). The exact amount
    stays :func:`money`'s, for the tooltip and the workbook."""
    if _missing(x):
        return MISSING
    size = abs(float(x))  # type: ignore[arg-type]
    if size < 10_000:
        return money(x, lang, currency)
    if size < 1_000_000:
        return money(x, lang, currency, decimals=0)
    code = CURRENCY_SYMBOLS.get(currency or "", currency)
    loc = locale(lang)
    if not code:
        return format_compact_decimal(float(x), format_type="short", locale=loc, fraction_digits=2)  # type: ignore[arg-type]
    return format_compact_currency(
        float(x),  # type: ignore[arg-type]
        code,
        format_type="short",
        locale=loc,
        fraction_digits=2,
    )


def date(d: dt.date | dt.datetime | None, lang: Lang) -> str:
    """A day: fr ``1 déc. 2026`` / en ``Dec 1, 2026``."""
    if d is None:
        return MISSING
    return format_date(d, "medium", locale=locale(lang))


def datetime(d: dt.datetime | None, lang: Lang) -> str:
    """A moment, to the minute: fr ``1 déc. 2026, 14:05`` / en ``Dec 1, 2026, 2:05 PM``."""
    if d is None:
        return MISSING
    return f"{date(d, lang)}, {format_time(d, 'short', locale=locale(lang))}"


def month(d: dt.date | dt.datetime | None, lang: Lang) -> str:
    """A month: fr ``nov. 2026`` / en ``Nov 2026``."""
    if d is None:
        return MISSING
    return format_skeleton("yMMM", d, locale=locale(lang))


def first_weekday(lang: Lang) -> int:
    """0 for Monday (French weeks), 6 for Sunday (US English weeks)."""
    return locale(lang).first_week_day


def p_value(p: float | None, lang: Lang) -> str:
    """A p-value: two significant digits, ``< 0.0001`` below that (fr ``< 0,0001``)."""
    if _missing(p):
        return MISSING
    p = float(p)  # type: ignore[arg-type]
    if p < 0.0001:
        return "< " + format_decimal(0.0001, "0.0000", locale=locale(lang))
    digits = max(2, 1 - math.floor(math.log10(p))) if p > 0 else 2
    return format_decimal(p, "0." + "0" * min(digits, 4), locale=locale(lang))


def join(items: Sequence[str], lang: Lang, style: str = "standard") -> str:
    """``a, b and c`` / ``a, b et c`` (CLDR list patterns); ``style="or"`` for alternatives."""
    items = [str(i) for i in items]
    if not items:
        return ""
    return format_list(items, style=style, locale=locale(lang))


def plural(n: float, lang: Lang, one: str, other: str) -> str:
    """``one`` or ``other`` by the language's plural rule (French: 0 and 1 are singular)."""
    form = locale(lang).plural_form(abs(n) if not _missing(n) else 2)
    return one if form == "one" else other
