"""The Data page's connected source (``pages/_ui/connect.py``): a table read in an engine."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    "connect.title": ("Connected source", "Source connectée"),
    "connect.none": (
        "No connected source on this server. An administrator can point Parcours at a DuckDB "
        "file, a Parquet folder, Spark or a warehouse in `.streamlit/secrets.toml` "
        '(`[parcours]` `source = "duckdb:///…"`) or with the environment variable **{env}**; '
        "the address is never typed into a page.",
        "Aucune source connectée sur ce serveur. Un administrateur peut brancher Parcours sur "
        "un fichier DuckDB, un dossier Parquet, Spark ou un entrepôt dans "
        '`.streamlit/secrets.toml` (`[parcours]` `source = "duckdb:///…"`) ou avec la '
        "variable d'environnement **{env}**\u00a0; l'adresse n'est jamais saisie dans une page.",
    ),
    "connect.source": (
        "Source configured on the server: **{label}** (read-only; only aggregates come back).",
        "Source configurée sur le serveur\u00a0: **{label}** (lecture seule\u00a0; seuls des "
        "agrégats sont rapatriés).",
    ),
    "connect.table": ("Table", "Table"),
    "connect.one_table": (
        "This source is one table (a folder of Parquet files).",
        "Cette source est une seule table (un dossier de fichiers Parquet).",
    ),
    "connect.preview": (
        "**Preview** (the first {rows:int} rows, read by the engine)",
        "**Aperçu** (les {rows:int}\u00a0premières lignes, lues par le moteur)",
    ),
    "connect.roles": (
        "**What each column means** (detected on a sample; a GA4 export is recognised; "
        "correct a role if needed)",
        "**Ce que signifie chaque colonne** (détecté sur un échantillon\u00a0; un export GA4 "
        "est reconnu\u00a0; corrigez un rôle si besoin)",
    ),
    "connect.use": ("Use this table", "Utiliser cette table"),
    "connect.stop": ("Stop using it", "Ne plus l'utiliser"),
    "connect.computed_in": (
        "Computed in the engine ({backend}) on {table}.",
        "Calculé dans le moteur ({backend}) sur {table}.",
    ),
    "connect.now_in_use": (
        "**{table}** is in use: every page and the workbook read it, with the sidebar's "
        "filters, computed in the engine.",
        "**{table}** est utilisée : toutes les pages et le classeur la lisent, avec les "
        "filtres du volet latéral, calculés dans le moteur.",
    ),
    "connect.in_use": (
        ":material/database: **Connected table**: {table} ({backend}). Every page reads it.",
        ":material/database: **Table connectée** : {table} ({backend}). Toutes les pages "
        "la lisent.",
    ),
    "connect.link_table_missing": (
        "The link names the table **{table}**, which this server's connected source does not have.",
        "Le lien désigne la table **{table}**, que la source connectée de ce serveur n'a pas.",
    ),
    "connect.link_table_hint": (
        "Choose a table on the **Data** page (the link's filters apply to the files meanwhile).",
        "Choisissez une table sur la page **Données** (les filtres du lien s'appliquent aux "
        "fichiers en attendant).",
    ),
    "connect.back_to_files": ("Back to the files", "Revenir aux fichiers"),
    "connect.files_kept": (
        "Your uploaded files are kept: **Back to the files** (sidebar) shows them again; "
        "uploading other files also leaves the connected table.",
        "Vos fichiers importés sont conservés : **Revenir aux fichiers** (volet latéral) "
        "les affiche de nouveau ; importer d'autres fichiers quitte aussi la table "
        "connectée.",
    ),
    "connect.page_files_only": (
        "This page does not read a connected table: it needs each row of the data, which stays "
        "in the engine. Use **Back to the files** in the sidebar to see it on uploaded files.",
        "Cette page ne lit pas une table connectée : elle a besoin de chaque ligne des "
        "données, qui restent dans le moteur. Utilisez **Revenir aux fichiers** dans le volet "
        "latéral pour la voir sur des fichiers importés.",
    ),
}
