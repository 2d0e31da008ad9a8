"""The command line's words for a table read in an engine (``--source``, ``--table``)."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    "cli_source.help.group": ("reading from an engine", "lecture depuis un moteur"),
    "cli_source.help.source": (
        "read a table where it lives instead of files: duckdb:///path/file.duckdb (with "
        "--table), a folder of Parquet files (its path), spark:local, spark://host:port, "
        "sc://host:port, or a warehouse URL (bigquery://…, postgres://…); only aggregates "
        "come back. With --source, --role is COLUMN=ROLE (e.g. --role Client=user_id).",
        "lire une table là où elle se trouve au lieu de fichiers\u00a0: "
        "duckdb:///chemin/fichier.duckdb (avec --table), un dossier de fichiers Parquet (son "
        "chemin), spark:local, spark://hôte:port, sc://hôte:port, ou l'URL d'un entrepôt "
        "(bigquery://…, postgres://…)\u00a0; seuls des agrégats sont rapatriés. Avec "
        "--source, --role s'écrit COLONNE=RÔLE (par exemple --role Client=user_id).",
    ),
    "cli_source.help.table": (
        "the table to read in the source (a DuckDB or warehouse table)",
        "la table à lire dans la source (une table DuckDB ou d'entrepôt)",
    ),
    "cli_source.table_without_source": (
        "--table needs --source (the table is read in that source).",
        "--table demande --source (la table est lue dans cette source).",
    ),
    "cli_source.nothing_to_read": (
        "give files to read, or --source SOURCE [--table NAME].",
        "indiquez des fichiers à lire, ou --source SOURCE [--table NOM].",
    ),
    "cli_source.with_files": (
        "--source reads one table: leave out the {n:int} file(s), or leave out --source.",
        "--source lit une table\u00a0: retirez le ou les {n:int}\u00a0fichiers, ou retirez "
        "--source.",
    ),
    "cli_source.role.syntax": (
        "--role '{spec}': with --source write COLUMN=ROLE, e.g. Client=user_id.",
        "--role «\u00a0{spec}\u00a0»\u00a0: avec --source, écrivez COLONNE=RÔLE, par "
        "exemple Client=user_id.",
    ),
    "cli_source.opened": (
        "opened {table} ({backend}, {columns:int} columns) in {seconds:num1} s",
        "table {table} ouverte ({backend}, {columns:int}\u00a0colonnes) en {seconds:num1}\u00a0s",
    ),
}
