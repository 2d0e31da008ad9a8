"""The streaming route for files too big to upload (:mod:`kpi.ingest.scan`): why a file takes
the normal route instead, and read errors."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    "scan.unsupported.format": (
        "{file} is compressed or a workbook: the streaming route reads plain CSV and Parquet.",
        "{file} est compressé ou est un classeur\u00a0: la lecture en flux lit les CSV et "
        "Parquet simples.",
    ),
    "scan.unsupported.nested": (
        "{file} holds nested records: they are flattened on the normal route only.",
        "{file} contient des enregistrements imbriqués\u00a0: seule la lecture normale les "
        "aplatit.",
    ),
    "scan.unsupported.encoding": (
        "{file} is written in {encoding}: the streaming route reads UTF-8 only.",
        "{file} est encodé en {encoding}\u00a0: la lecture en flux ne lit que l'UTF-8.",
    ),
    "scan.unsupported.blocks": (
        "{file} holds several tables: they are separated on the normal route only.",
        "{file} contient plusieurs tableaux\u00a0: seule la lecture normale les sépare.",
    ),
    "scan.unsupported.layout": (
        "{file} has title lines, blank lines or uneven rows at its top: the normal route "
        "reads such files.",
        "{file} a des lignes de titre, des lignes vides ou des lignes inégales en tête\u00a0: "
        "la lecture normale lit ces fichiers.",
    ),
    "scan.unsupported.column": (
        "the column {column} cannot be read the same way in a stream ({dtype}).",
        "la colonne {column} ne peut pas être lue de la même façon en flux ({dtype}).",
    ),
    "scan.unsupported.kind": (
        "{file} is not an event log ({kind}): the streaming route reads event logs only.",
        "{file} n'est pas un journal d'événements ({kind})\u00a0: la lecture en flux ne lit "
        "que les journaux d'événements.",
    ),
    "scan.role.no_column": (
        "{file}: no column '{column}' for --role; columns: {columns:list}.",
        "{file}\u00a0: pas de colonne «\u00a0{column}\u00a0» pour --role\u00a0; colonnes\u00a0: "
        "{columns:list}.",
    ),
    "scan.error.unreadable": (
        "{file} could not be read to the end: {detail}",
        "{file} n'a pas pu être lu jusqu'au bout\u00a0: {detail}",
    ),
    "scan.error.hint": (
        "Check that every row has as many fields as the header, or run with --no-big.",
        "Vérifiez que chaque ligne a autant de champs que l'en-tête, ou relancez avec --no-big.",
    ),
}
