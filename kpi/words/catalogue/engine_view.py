"""A table read in an engine (DuckDB, Parquet, Spark, a warehouse): the view's and the
workbook's words (:mod:`kpi.engine.view`)."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    "engine_view.error.query": (
        "The engine could not run the query ({kind}: {text}).",
        "Le moteur n'a pas pu exécuter la requête ({kind}\u00a0: {text}).",
    ),
    "engine_view.hint.query": (
        "Check that the table has the columns Parcours mapped (--role COLUMN=ROLE) and that "
        "the source is reachable, then try again.",
        "Vérifiez que la table a les colonnes que Parcours a reconnues (--role COLONNE=RÔLE) "
        "et que la source est joignable, puis réessayez.",
    ),
    "engine_view.note.computed_in": (
        "Computed in the engine ({backend}) on the table {table}: only aggregates were "
        "brought back.",
        "Calculé dans le moteur ({backend}) sur la table {table}\u00a0: seuls des agrégats "
        "ont été rapatriés.",
    ),
    "engine_view.rows.no_user": (
        "no user id ({n:int} rows)",
        "sans identifiant d'utilisateur ({n:int}\u00a0lignes)",
    ),
}
