"""What the reader understood about a file: encoding, separator, header, sheets, JSON, nested
records, skipped lines and unreadable values (the Data page's notes and warnings)."""

from __future__ import annotations

from kpi.words.catalogue._typo import french

MESSAGES: dict[str, tuple[str, str]] = french(
    {
        "ingest_read.more": ("{n:int} more", "{n:int} autres"),
        "ingest_read.untitled": ("untitled", "sans titre"),
        # encoding
        "ingest_read.encoding.utf8": ("Encoding: UTF-8", "Encodage : UTF-8"),
        "ingest_read.encoding.chosen": (
            "Encoding: {encoding} (as you chose)",
            "Encodage : {encoding} (votre choix)",
        ),
        "ingest_read.encoding.utf16_bom": (
            "Encoding: UTF-16 (byte order mark; Excel 'Unicode text')",
            "Encodage : UTF-16 (avec marque d'ordre des octets ; « texte Unicode » d'Excel)",
        ),
        "ingest_read.encoding.utf16_nobom": (
            "Encoding: {encoding} (no byte order mark)",
            "Encodage : {encoding} (sans marque d'ordre des octets)",
        ),
        "ingest_read.encoding.utf8_bom": (
            "Encoding: UTF-8 with byte order mark",
            "Encodage : UTF-8 avec marque d'ordre des octets (BOM)",
        ),
        "ingest_read.encoding.cp1252": (
            "Encoding: cp1252 (not valid UTF-8)",
            "Encodage : cp1252 (le fichier n'est pas en UTF-8 valide)",
        ),
        "ingest_read.encoding.latin1": (
            "Encoding: latin-1 (neither UTF-8 nor cp1252)",
            "Encodage : latin-1 (ni UTF-8 ni cp1252)",
        ),
        # separator
        "ingest_read.sep.comma": ("comma (,)", "virgule (,)"),
        "ingest_read.sep.semicolon": ("semicolon (;)", "point-virgule (;)"),
        "ingest_read.sep.tab": ("tab", "tabulation"),
        "ingest_read.sep.pipe": ("pipe (|)", "barre verticale (|)"),
        "ingest_read.sep.other": ("'{char}'", "« {char} »"),
        "ingest_read.separator.chosen": (
            "Separator: {separator} (as you chose)",
            "Séparateur : {separator} (votre choix)",
        ),
        "ingest_read.separator.detected": (
            "Separator: {separator} (detected)",
            "Séparateur : {separator} (détecté)",
        ),
        "ingest_read.separator.none": (
            "No separator found: the file has a single column.",
            "Aucun séparateur trouvé : le fichier n'a qu'une colonne.",
        ),
        "ingest_read.quotes_unbalanced": (
            "Quotes were unbalanced, so quote characters were read as ordinary text.",
            "Les guillemets n'étaient pas appariés : ils ont été lus comme du texte ordinaire.",
        ),
        # header, titles, tables
        "ingest_read.header.chosen": (
            "Header: line {line:int} (as you chose)",
            "En-tête : ligne {line:int} (votre choix)",
        ),
        "ingest_read.header.none": (
            "No header row found (the first row holds only numbers); columns are named column_1, "
            "column_2, … Rename them or choose the header line.",
            "Aucune ligne d'en-tête trouvée (la première ligne ne contient que des nombres) : "
            "les colonnes s'appellent column_1, column_2, … Renommez-les ou choisissez la ligne "
            "d'en-tête.",
        ),
        "ingest_read.preamble_skipped": (
            "Skipped GA4 comment preamble ({n:int} lines starting with #)",
            "Préambule de commentaires GA4 ignoré ({n:int} lignes commençant par #)",
        ),
        "ingest_read.title_lines_skipped": (
            "Skipped {n:int} {n:plural:title line|title lines} above the header",
            "{n:int} {n:plural:ligne de titre ignorée|lignes de titre ignorées} au-dessus de "
            "l'en-tête",
        ),
        "ingest_read.tables": (
            "Found {n:int} tables; using the largest ({rows:int} rows); the others are "
            "listed separately: {others:list}",
            "{n:int} tableaux trouvés ; le plus grand est utilisé ({rows:int} lignes) ; "
            "les autres sont listés à part : {others:list}",
        ),
        "ingest_read.tables.titled": (
            "Found {n:int} tables; using the largest ({rows:int} rows, '{title}'); the others "
            "are listed separately: {others:list}",
            "{n:int} tableaux trouvés ; le plus grand est utilisé ({rows:int} lignes, "
            "« {title} ») ; les autres sont listés à part : {others:list}",
        ),
        "ingest_read.column.index": (
            "The first column had no name (an exported row index); it is called 'index'",
            "La première colonne n'avait pas de nom (un numéro de ligne exporté) : elle "
            "s'appelle « index »",
        ),
        "ingest_read.column.unnamed": (
            "Column {position:int} had no name; it is called '{column}'",
            "La colonne {position:int} n'avait pas de nom : elle s'appelle « {column} »",
        ),
        "ingest_read.column.duplicates": (
            "Duplicate column names renamed with a suffix: {columns:list}",
            "Noms de colonnes en double renommés avec un suffixe : {columns:list}",
        ),
        "ingest_read.one_column": (
            "Only one column was found. If the file has more, choose the separator (comma, "
            "semicolon, tab, pipe).",
            "Une seule colonne a été trouvée. Si le fichier en a plusieurs, choisissez le "
            "séparateur (virgule, point-virgule, tabulation, barre verticale).",
        ),
        "ingest_read.short_rows": (
            "{n:int} {n:plural:row had|rows had} fewer fields than the header; their missing "
            "cells are empty.",
            "{n:int} {n:plural:ligne avait|lignes avaient} moins de champs que l'en-tête : "
            "les cellules manquantes sont vides.",
        ),
        "ingest_read.dropped_blank": (
            "Dropped {n:int} blank {n:plural:row|rows}",
            "{n:int} {n:plural:ligne vide ignorée|lignes vides ignorées}",
        ),
        "ingest_read.dropped_totals": (
            "Dropped the totals row at the bottom (it would double-count)",
            "Ligne de total du bas ignorée (elle compterait tout deux fois)",
        ),
        "ingest_read.dropped_too_many_fields": (
            "{n:int} {n:plural:row had|rows had} more fields than the header and "
            "{n:plural:was|were} left out",
            "{n:int} {n:plural:ligne avait|lignes avaient} plus de champs que l'en-tête et "
            "{n:plural:a été ignorée|ont été ignorées}",
        ),
        "ingest_read.unreadable_values": (
            "{column}: {n:int} {n:plural:value|values} could not be read as {read_as} and "
            "{n:plural:is|are} left empty (e.g. {examples:list})",
            "{column} : {n:int} {n:plural:valeur n'a pas pu être lue|valeurs n'ont pas pu être "
            "lues} comme {read_as} et {n:plural:reste vide|restent vides} (par exemple "
            "{examples:list})",
        ),
        # workbooks
        "ingest_read.macros_ignored": (
            "Macros in this workbook were ignored (only cell values are read).",
            "Les macros du classeur ont été ignorées (seules les valeurs des cellules sont lues).",
        ),
        "ingest_read.sheet.chosen": (
            "Sheet: '{sheet}' (as you chose)",
            "Feuille : « {sheet} » (votre choix)",
        ),
        "ingest_read.sheet.largest": (
            "Sheet: '{sheet}', the largest",
            "Feuille : « {sheet} », la plus grande",
        ),
        "ingest_read.sheet.largest_others": (
            "Sheet: '{sheet}', the largest; other sheets: {others:list}",
            "Feuille : « {sheet} », la plus grande ; autres feuilles : {others:list}",
        ),
        "ingest_read.sheet.other": (
            "'{sheet}' ({cells:int} cells)",
            "« {sheet} » ({cells:int} cellules)",
        ),
        # Parquet, JSON, nested records
        "ingest_read.parquet_types": (
            "Parquet: column types taken from the file",
            "Parquet : types de colonnes repris du fichier",
        ),
        "ingest_read.json.shape": ("JSON: {shape}", "JSON : {shape}"),
        "ingest_read.json.array": ("JSON array of records", "tableau JSON d'enregistrements"),
        "ingest_read.json.ndjson": (
            "newline-delimited, one record a line",
            "délimité par lignes, un enregistrement par ligne",
        ),
        "ingest_read.json.single": ("a single record", "un seul enregistrement"),
        "ingest_read.json.listed_under": (
            "the records listed under '{field}'",
            "les enregistrements listés sous « {field} »",
        ),
        "ingest_read.nested.record": (
            "{column}: a record, read as {n:int} columns ({columns:list})",
            "{column} : un objet, lu en {n:int} colonnes ({columns:list})",
        ),
        "ingest_read.nested.key_values": (
            "{column}: key/value list, one column per key ({columns:list})",
            "{column} : liste clé/valeur, une colonne par clé ({columns:list})",
        ),
        "ingest_read.nested.summarised": (
            "{column}: a list of records per row, summarised as {summary} (how many); not "
            "expanded, so one row per record of the file is kept",
            "{column} : une liste d'objets par ligne, résumée par {summary} (leur nombre) ; "
            "elle n'est pas dépliée, pour garder une ligne par enregistrement du fichier",
        ),
        "ingest_read.nested.joined": (
            "{column}: a list per row, read as text joined with ', '",
            "{column} : une liste par ligne, lue comme un texte joint par « , »",
        ),
        "ingest_read.nested.as_json": (
            "{column}: nested too deep, kept as JSON text",
            "{column} : imbriqué trop profondément, gardé en texte JSON",
        ),
    }
)
