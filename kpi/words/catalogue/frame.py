"""The frame of the app: the working pill, the data source, the no-data messages, the Excel
button and the one line saying which data and which view a page shows."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    # the "working" pill
    "frame.reading": ("Reading the data…", "Lecture des données…"),
    "frame.computing": ("Computing…", "Calcul en cours…"),
    # no data
    "frame.no_data": ("No data.", "Aucune donnée."),
    "frame.upload_prompt": (
        "Upload an event log, orders, a user table or aggregated counts in the sidebar.",
        "Importez un journal d'événements, des commandes, une table d'utilisateurs ou des "
        "comptages agrégés dans la barre latérale.",
    ),
    "frame.no_file_read": (
        "None of the uploaded files could be read.",
        "Aucun des fichiers importés n'a pu être lu.",
    ),
    "frame.no_view": (
        "No data to show yet: upload files in the sidebar (or fix the ones that failed).",
        "Rien à afficher pour l'instant\u00a0: importez des fichiers dans la barre latérale (ou "
        "corrigez ceux qui n'ont pas pu être lus).",
    ),
    # the data source
    "frame.source.demo": ("Data: demo data set", "Données\u00a0: jeu de démonstration"),
    "frame.source.files_instead": (
        "Upload files instead (not in use)",
        "Importer des fichiers à la place (non utilisés)",
    ),
    "frame.source.uploaded": (
        "Data: {n:int} {n:plural:file|files} uploaded",
        "Données\u00a0: {n:int} {n:plural:fichier importé|fichiers importés}",
    ),
    "frame.upload.label": ("Upload exports", "Importer des exports"),
    "frame.upload.help": (
        "CSV / TSV / TXT (any delimiter), .csv.gz, Excel (.xlsx), Parquet or JSON (.json, "
        ".jsonl, .ndjson: BigQuery and Mixpanel exports). Several files at once: an event log, "
        "a user table, one file per funnel step, ad spend, survey answers. Up to {mb:int} MB "
        "per file.",
        "CSV / TSV / TXT (tout séparateur), .csv.gz, Excel (.xlsx), Parquet ou JSON (.json, "
        ".jsonl, .ndjson\u00a0: exports BigQuery et Mixpanel). Plusieurs fichiers à la fois\u00a0: "
        "un journal d'événements, une table d'utilisateurs, un fichier par étape de "
        "l'entonnoir, les dépenses publicitaires, les réponses d'une enquête. Jusqu'à {mb:int} "
        "Mo par fichier.",
    ),
    "frame.demo_caption": (
        "Showing the **demo data set**. Upload your own files to replace it.",
        "Vous voyez le **jeu de démonstration**. Importez vos propres fichiers pour le remplacer.",
    ),
    "frame.file_error": ("**{name}**: {error}", "**{name}**\u00a0: {error}"),
    "frame.file_rows": (
        "✓ {name}: {rows:int} {rows:plural:row|rows}",
        "✓ {name}\u00a0: {rows:int} {rows:plural:ligne|lignes}",
    ),
    "frame.demo_name": ("demo data set", "jeu de démonstration"),
    "frame.demo_short": ("demo data", "données de démonstration"),
    # cohorts
    "frame.cohort_by": ("Cohorts by", "Cohortes par"),
    "frame.cohort.month": ("month", "mois"),
    "frame.cohort.week": ("week", "semaine"),
    "frame.cohort_help": (
        "Cohort = the month (or ISO week, Monday to Sunday) of the user's signup or first event.",
        "Cohorte = le mois (ou la semaine ISO, du lundi au dimanche) de l'inscription ou du "
        "premier événement de l'utilisateur.",
    ),
    # the Excel button
    "frame.excel.label": ("Excel summary", "Synthèse Excel"),
    "frame.excel.help": (
        "Every KPI of this view (filters, period vs previous period, funnel, retention, value, "
        "A/B test, definitions, data quality) in one .xlsx file.",
        "Tous les KPI de cette vue (filtres, période et période précédente, entonnoir, "
        "rétention, valeur, test A/B, définitions, qualité des données) dans un fichier .xlsx.",
    ),
    # the line under each page's title
    "frame.view_caption": (
        "**Data:** {source} · **View:** {view}",
        "**Données\u00a0:** {source} · **Vue\u00a0:** {view}",
    ),
    "frame.view_all": ("all", "tout"),
}
