"""Why rows were left out (the keys of ``dropped``: reason code -> rows, kpi.ingest.rows)."""

from __future__ import annotations

from kpi.words.catalogue._typo import french

MESSAGES: dict[str, tuple[str, str]] = french(
    {
        "ingest_rows.none": ("(none dropped)", "(aucune ligne ignorée)"),
        "ingest_rows.blank_row": ("blank row", "ligne vide"),
        "ingest_rows.too_many_fields": (
            "more fields than the header",
            "plus de champs que l'en-tête",
        ),
        "ingest_rows.totals_row": (
            "totals row (it would double-count)",
            "ligne de total (elle compterait tout deux fois)",
        ),
        "ingest_rows.missing_user_id": ("missing user id", "identifiant utilisateur manquant"),
        "ingest_rows.repeated_user_id": (
            "repeated user id (first row kept)",
            "identifiant utilisateur en double (première ligne gardée)",
        ),
        "ingest_rows.missing_event": ("missing event name", "nom d'événement manquant"),
        "ingest_rows.missing_timestamp": (
            "missing or unreadable timestamp",
            "horodatage manquant ou illisible",
        ),
        "ingest_rows.missing_score": ("missing score", "note manquante"),
        "ingest_rows.score_out_of_range": ("score outside 0-10", "note hors de 0 à 10"),
        "ingest_rows.cancellation": (
            "cancellation (order id starting with C)",
            "annulation (numéro de commande commençant par C)",
        ),
        "ingest_rows.non_positive_quantity": (
            "zero or negative quantity",
            "quantité nulle ou négative",
        ),
        "ingest_rows.non_positive_price": (
            "zero or negative unit price",
            "prix unitaire nul ou négatif",
        ),
    }
)
