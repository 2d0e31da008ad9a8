"""Calendar periods and the input checks the analyses share (kpi.periods)."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    "periods.grain.day": ("day", "jour"),
    "periods.grain.week": ("week", "semaine"),
    "periods.grain.month": ("month", "mois"),
    "periods.unknown_grain": (
        "Unknown period '{grain}'.",
        "Période inconnue\u00a0: «\u00a0{grain}\u00a0».",
    ),
    "periods.choose_grain": (
        "Choose one of: {allowed:orlist}.",
        "Choisissez\u00a0: {allowed:orlist}.",
    ),
    "periods.missing_columns": (
        "{what} needs the {n:plural:column|columns} {columns:list}, which the data does not have.",
        "{what}\u00a0: {n:plural:il faut la colonne|il faut les colonnes} {columns:list}, "
        "absente{n:plural:|s} des données.",
    ),
    "periods.map_a_column": (
        "Map a column to that role on the Data page.",
        "Associez une colonne à ce rôle sur la page Données.",
    ),
}
