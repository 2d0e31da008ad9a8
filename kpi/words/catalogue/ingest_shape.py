"""What the files are (shapes: events, orders, Shopify, GA4, CRM, several files) and the notes
the Data page shows about them."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    "ingest_shape.currencies": (
        "The files name several currencies ({currencies:list}): amounts are added as they are "
        "and shown without a currency symbol.",
        "Les fichiers indiquent plusieurs devises ({currencies:list})\u00a0: les montants sont "
        "additionnés tels quels et affichés sans symbole monétaire.",
    ),
}
