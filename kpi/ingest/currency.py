"""The currency the data is written in: a currency column, or symbols written in the amounts.

A Shopify order export has a ``Currency`` column, GA4 an ``ecommerce.currency`` (or
``currency``) field, a French CRM a ``Devise``; a spreadsheet writes ``12,50 €`` in its amount
cells (:func:`kpi.ingest.values.symbols_seen` records the symbol when the number is read). The
Dataset's ``currency`` is the one ISO 4217 code they agree on, or None when the data says
nothing or names several currencies (the Data page then says which).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

import polars as pl

CURRENCY_NAMES = frozenset(
    {
        "currency",
        "currencycode",
        "currencyiso",
        "ecommercecurrency",
        "eventparamscurrency",
        "devise",
        "codedevise",
        "monnaie",
        "wahrung",
        "moneda",
    }
)
"""Column names (lowercase, letters only) that hold a currency code."""


def _key(name: str) -> str:
    import unicodedata

    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z]", "", text)


def is_currency_column(name: str) -> bool:
    """``Currency``, ``ecommerce.currency``, ``currency_code``, ``Devise``…"""
    return _key(name) in CURRENCY_NAMES


@lru_cache(maxsize=1)
def _iso_codes() -> frozenset[str]:
    from babel.numbers import list_currencies

    return frozenset(list_currencies())


def codes_in_column(values: pl.Series, limit: int = 50) -> tuple[str, ...]:
    """The ISO 4217 codes written in a currency column (``EUR``, ``eur ``), in code order.

    Values that are not currency codes (``€``, ``Euro``) are read through the symbol table.
    """
    from kpi.ingest.values import CURRENCY_SYMBOLS

    if values.dtype != pl.String:
        return ()
    distinct = values.drop_nulls().str.strip_chars().unique().head(limit).to_list()
    found = set()
    iso = _iso_codes()
    for v in distinct:
        up = v.upper()
        if up in iso:
            found.add(up)
        elif v in CURRENCY_SYMBOLS:
            found.add(CURRENCY_SYMBOLS[v])
        elif up in ("EURO", "EUROS"):
            found.add("EUR")
    return tuple(sorted(found))


_NAMED = re.compile(r"[(\[]\s*([A-Za-z]{3}|[€$£¥])\s*[)\]]\s*$|[\s_\-]([A-Z]{3})$|([€$£¥])")


def currency_in_name(name: str) -> str | None:
    """The currency an amount column's header names: ``Montant (€)``, ``Revenue (USD)``,
    ``Total EUR``, ``Prix €`` (None for ``purchase_revenue_in_usd``-like names: no marks)."""
    from kpi.ingest.values import CURRENCY_SYMBOLS

    m = _NAMED.search(name.strip())
    if m is None:
        return None
    token = next(g for g in m.groups() if g)
    if token in CURRENCY_SYMBOLS:
        return CURRENCY_SYMBOLS[token]
    return token.upper() if token.upper() in _iso_codes() else None


def currencies_of(
    frame: pl.DataFrame, symbols: Iterable[str] = (), amounts: Iterable[str] = ()
) -> tuple[str, ...]:
    """Every currency a table names: its currency columns, the headers of its amount columns
    (``amounts``: ``Montant (€)``) and the symbols written in its amounts."""
    found = set(symbols)
    for c in frame.columns:
        if is_currency_column(c):
            found.update(codes_in_column(frame[c]))
    for c in amounts:
        named = currency_in_name(c)
        if named:
            found.add(named)
    return tuple(sorted(found))


AMOUNT_ROLES = ("revenue", "unit_price", "spend")
"""Roles whose column header may name the currency (``Montant (€)``)."""


def one_currency(found: Iterable[str]) -> str | None:
    """The currency when the data names exactly one, else None."""
    codes = sorted(set(found))
    return codes[0] if len(codes) == 1 else None
