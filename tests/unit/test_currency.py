"""The currency of the data: from a currency column or from the symbols written in amounts."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from kpi.ingest.currency import (
    codes_in_column,
    currencies_of,
    currency_in_name,
    is_currency_column,
)
from kpi.load import read_table
from kpi.schema import TableInput, build_dataset
from kpi.words import render

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def _dataset(*tables: tuple[str, bytes | Path]):
    inputs = [TableInput.from_table(name, read_table(src, filename=name)) for name, src in tables]
    return build_dataset(inputs)


def test_shopify_export_says_its_currency() -> None:
    ds = _dataset(("orders.csv", FIXTURES / "shopify_orders.csv"))
    assert ds.currency == "EUR" and ds.currencies == ("EUR",)
    lines = _dataset(("lines.csv", FIXTURES / "shopify_orders_lines.csv"))
    assert lines.currency == "EUR"


def test_ga4_currency_field() -> None:
    for name in ("ga4_events.ndjson", "ga4_events.parquet"):
        ds = _dataset((name, FIXTURES / name))
        assert ds.currency == "EUR", name


def test_french_csv_with_euro_amounts_gives_eur() -> None:
    data = (
        "client;date;montant\n"
        "c1;01/02/2025;12,50 €\n"
        "c2;02/02/2025;1 234,00 €\n"
        "c3;03/02/2025;3,00 €\n"
    ).encode()
    t = read_table(data, filename="ventes.csv")
    assert t.frame["montant"].to_list() == [12.5, 1234.0, 3.0]
    assert t.report.currencies == ("EUR",)
    montant = next(c for c in t.report.columns if c.name == "montant")
    assert montant.currencies == ("EUR",)
    assert _dataset(("ventes.csv", data)).currency == "EUR"


def test_pound_and_dollar_symbols() -> None:
    t = read_table(
        b"user,amount\na,\xc2\xa312.50\nb,\xc2\xa33.00\nc,\xc2\xa31.00\n", filename="x.csv"
    )
    assert t.report.currencies == ("GBP",)
    t = read_table(b"user,amount\na,$12.50\nb,$3.00\nc,$1\n", filename="y.csv")
    assert t.report.currencies == ("USD",)


def test_amount_header_names_the_currency() -> None:
    # the French CRM export's deal amounts are in a column headed "Montant (€)"
    ds = _dataset(("crm.csv", FIXTURES / "crm_contacts_fr.csv"))
    assert ds.currency == "EUR"
    for name, code in [
        ("Montant (€)", "EUR"),
        ("Revenue (USD)", "USD"),
        ("Total EUR", "EUR"),
        ("Prix £", "GBP"),
        ("purchase_revenue_in_usd", None),
        ("Amount", None),
    ]:
        assert currency_in_name(name) == code, name


def test_file_without_currency_gives_none() -> None:
    ds = _dataset(("hubspot.csv", FIXTURES / "hubspot_contacts.csv"))
    assert ds.currency is None and ds.currencies == ()
    plain = b"user,ts,event,revenue\na,2025-01-01,buy,12.5\nb,2025-01-02,buy,3\n"
    assert _dataset(("plain.csv", plain)).currency is None


def test_several_currencies_keep_none_and_say_so() -> None:
    data = (
        b"user_id,ts,event,revenue,currency\n"
        b"a,2025-01-01,purchase,12.5,EUR\n"
        b"b,2025-01-02,purchase,3,USD\n"
        b"c,2025-01-03,purchase,4,eur\n"
    )
    ds = _dataset(("mixed.csv", data))
    assert ds.currency is None and ds.currencies == ("EUR", "USD")
    note = next(n for n in ds.notes if getattr(n, "code", "") == "ingest_shape.currencies")
    assert note["currencies"] == ["EUR", "USD"]
    assert "EUR et USD" in render(note, "fr")
    assert "EUR and USD" in render(note, "en")
    # two files, one currency each
    eur = b"client;montant\nc1;12,50 \xe2\x82\xac\nc2;3,00 \xe2\x82\xac\n"
    usd = b"user,amount\na,$12.50\nb,$3.00\n"
    both = _dataset(("eur.csv", eur), ("usd.csv", usd))
    assert both.currency is None and both.currencies == ("EUR", "USD")


def test_currency_columns_by_name() -> None:
    for name in (
        "Currency",
        "ecommerce.currency",
        "event_params.currency",
        "Devise",
        "currency_code",
    ):
        assert is_currency_column(name), name
    assert not is_currency_column("currency_rate_note") and not is_currency_column("Total")
    assert codes_in_column(pl.Series(["EUR", " eur", None, "€", "n/a"])) == ("EUR",)
    frame = pl.DataFrame({"Devise": ["GBP", "GBP"], "Montant": [1.0, 2.0]})
    assert currencies_of(frame) == ("GBP",)
