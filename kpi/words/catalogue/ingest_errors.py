"""Files that cannot be read, or tables that cannot be analysed: what is wrong, what to do."""

from __future__ import annotations

from kpi.words.catalogue._typo import french

MESSAGES: dict[str, tuple[str, str]] = french(
    {
        # what the file is, when it is not a table
        "ingest_errors.what.png": ("a PNG image", "une image PNG"),
        "ingest_errors.what.jpeg": ("a JPEG image", "une image JPEG"),
        "ingest_errors.what.gif": ("a GIF image", "une image GIF"),
        "ingest_errors.what.pdf": ("a PDF document", "un document PDF"),
        "ingest_errors.what.program": ("a program", "un programme"),
        "ingest_errors.what.rar": ("a RAR archive", "une archive RAR"),
        "ingest_errors.what.7z": ("a 7-Zip archive", "une archive 7-Zip"),
        # the file itself
        "ingest_errors.cannot_open": (
            "Cannot open {file}: {reason}.",
            "Impossible d'ouvrir {file} : {reason}.",
        ),
        "ingest_errors.empty": ("{file} is empty.", "Le fichier {file} est vide."),
        "ingest_errors.blank": (
            "The file is empty (only blank space).",
            "Le fichier est vide (il ne contient que des espaces).",
        ),
        "ingest_errors.too_large": (
            "{file} is {mb:num0} MB, more than the {limit:num0} MB limit.",
            "Le fichier {file} pèse {mb:num0} Mo, au-delà de la limite de {limit:num0} Mo.",
        ),
        "ingest_errors.not_a_table": (
            "{file} is {what}, not a table.",
            "Le fichier {file} est {what}, pas un tableau.",
        ),
        "ingest_errors.not_parquet": (
            "{file} is not a valid Parquet file (it does not start with PAR1).",
            "Le fichier {file} n'est pas un fichier Parquet valide (il ne commence pas par PAR1).",
        ),
        "ingest_errors.not_spreadsheet": (
            "{file} is named .{ext} but is not a spreadsheet (it may be corrupted).",
            "Le fichier {file} porte l'extension .{ext} mais n'est pas un classeur "
            "(il est peut-être endommagé).",
        ),
        "ingest_errors.gz_too_large": (
            "The compressed file expands to more than {limit:num0} MB.",
            "Une fois décompressé, le fichier dépasse {limit:num0} Mo.",
        ),
        "ingest_errors.gz_damaged": (
            "The .gz file is damaged ({detail}).",
            "Le fichier .gz est endommagé ({detail}).",
        ),
        "ingest_errors.gz_empty": (
            "The .gz file contains an empty file.",
            "Le fichier .gz contient un fichier vide.",
        ),
        "ingest_errors.bad_encoding": (
            "The file cannot be read as {encoding} ({detail}).",
            "Le fichier ne peut pas être lu avec l'encodage {encoding} ({detail}).",
        ),
        "ingest_errors.binary": (
            "The file looks binary (it contains control bytes), not a text table.",
            "Le fichier semble binaire (il contient des octets de contrôle) : "
            "ce n'est pas un tableau texte.",
        ),
        "ingest_errors.mixed_encodings": (
            "The file mixes text encodings and cannot be decoded.",
            "Le fichier mélange plusieurs encodages et ne peut pas être décodé.",
        ),
        "ingest_errors.not_readable": (
            "The file cannot be read as a table. {detail}",
            "Le fichier ne peut pas être lu comme un tableau. {detail}",
        ),
        "ingest_errors.no_rows": (
            "The file has no rows of data.",
            "Le fichier ne contient aucune ligne de données.",
        ),
        "ingest_errors.header_only": (
            "{file} has a header ({columns:list}) but no rows of data.",
            "Le fichier {file} a un en-tête ({columns:list}) mais aucune ligne de données.",
        ),
        "ingest_errors.header_only_sheet": (
            "The sheet '{sheet}' has a header ({columns:list}) but no rows of data.",
            "La feuille « {sheet} » a un en-tête ({columns:list}) mais aucune ligne de données.",
        ),
        "ingest_errors.header_outside": (
            "Header line {line:int} is outside the file ({lines:int} lines).",
            "La ligne d'en-tête {line:int} est hors du fichier ({lines:int} lignes).",
        ),
        "ingest_errors.unknown_decimal": (
            "Unknown decimal mark '{value}'.",
            "Séparateur décimal inconnu : « {value} ».",
        ),
        "ingest_errors.unknown_date_order": (
            "Unknown date order '{value}'.",
            "Ordre des dates inconnu : « {value} ».",
        ),
        "ingest_errors.separator_length": (
            "The separator must be one character, not '{value}'.",
            "Le séparateur doit être un seul caractère, pas « {value} ».",
        ),
        # workbooks
        "ingest_errors.zip_damaged": (
            "The .{ext} file is damaged (not a valid zip container).",
            "Le fichier .{ext} est endommagé (conteneur zip invalide).",
        ),
        "ingest_errors.zip_bomb": (
            "The workbook would expand to {mb:num0} MB in {parts:int} parts ({ratio:num0}x its "
            "size); it was not opened to protect the app.",
            "Le classeur occuperait {mb:num0} Mo en {parts:int} parties ({ratio:num0} fois sa "
            "taille) : il n'a pas été ouvert, pour protéger l'application.",
        ),
        "ingest_errors.zip_not_workbook": (
            "This is a zip archive, not an Excel workbook.",
            "C'est une archive zip, pas un classeur Excel.",
        ),
        "ingest_errors.xml_entities": (
            "The workbook contains XML entity declarations (a known attack), so it was not opened.",
            "Le classeur contient des déclarations d'entités XML (une attaque connue) : "
            "il n'a pas été ouvert.",
        ),
        "ingest_errors.workbook_invalid": (
            "The workbook's structure is invalid or unsafe, so it was not opened.",
            "La structure du classeur est invalide ou dangereuse : il n'a pas été ouvert.",
        ),
        "ingest_errors.workbook_unopenable": (
            "The .{ext} file cannot be opened ({detail}).",
            "Le fichier .{ext} ne peut pas être ouvert ({detail}).",
        ),
        "ingest_errors.no_such_sheet": (
            "There is no sheet named '{sheet}'.",
            "Aucune feuille ne s'appelle « {sheet} ».",
        ),
        "ingest_errors.sheet_empty": (
            "The sheet '{sheet}' is empty.",
            "La feuille « {sheet} » est vide.",
        ),
        # Parquet and JSON
        "ingest_errors.parquet_damaged": (
            "The Parquet file is damaged or incomplete ({detail}).",
            "Le fichier Parquet est endommagé ou incomplet ({detail}).",
        ),
        "ingest_errors.json_not_utf8": (
            "The JSON file is not valid UTF-8 text (byte {byte:int}).",
            "Le fichier JSON n'est pas un texte UTF-8 valide (octet {byte:int}).",
        ),
        "ingest_errors.json_too_deep": (
            "The JSON file is nested more than {limit:int} levels deep, so it was not opened "
            "(exports of events are a few levels deep).",
            "Le fichier JSON est imbriqué sur plus de {limit:int} niveaux : il n'a pas été "
            "ouvert (les exports d'événements n'ont que quelques niveaux).",
        ),
        "ingest_errors.json_too_many_keys": (
            "The JSON file uses {keys:int} different field names (more than {limit:int}), so it "
            "was not opened: every name would become a column.",
            "Le fichier JSON utilise {keys:int} noms de champs différents (plus de {limit:int}) : "
            "il n'a pas été ouvert, car chaque nom deviendrait une colonne.",
        ),
        "ingest_errors.json_no_records": (
            "The JSON array does not hold records (objects with named fields).",
            "Le tableau JSON ne contient pas d'enregistrements (des objets aux champs nommés).",
        ),
        "ingest_errors.json_not_json": (
            "The file is named .json but does not hold JSON records.",
            "Le fichier porte l'extension .json mais ne contient pas d'enregistrements JSON.",
        ),
        "ingest_errors.json_shapes": (
            "The JSON records cannot be put in one table: a field changes shape between records "
            "(a record in some, a plain value or a list in others; {detail}).",
            "Les enregistrements JSON ne tiennent pas dans un seul tableau : un champ change de "
            "forme d'un enregistrement à l'autre (un objet ici, une valeur ou une liste "
            "ailleurs ; {detail}).",
        ),
        "ingest_errors.json_invalid": (
            "The file is not valid JSON ({detail}).",
            "Le fichier n'est pas un JSON valide ({detail}).",
        ),
        "ingest_errors.json_invalid_line": (
            "The file is not valid JSON (line {line:int}; {detail}).",
            "Le fichier n'est pas un JSON valide (ligne {line:int} ; {detail}).",
        ),
        "ingest_errors.json_invalid_at": (
            "The file is not valid JSON (line {line:int}, column {column:int}; {detail}).",
            "Le fichier n'est pas un JSON valide (ligne {line:int}, colonne {column:int} ; "
            "{detail}).",
        ),
        "ingest_errors.nested_unreadable": (
            "The nested records could not be read as columns ({detail}).",
            "Les enregistrements imbriqués n'ont pas pu être lus en colonnes ({detail}).",
        ),
        "ingest_errors.records_empty": (
            "The records have no fields (every record is empty).",
            "Les enregistrements n'ont aucun champ (ils sont tous vides).",
        ),
        "ingest_errors.too_many_fields": (
            "The file's records hold more than {limit:int} fields once flattened.",
            "Une fois mis à plat, les enregistrements du fichier comptent plus de {limit:int} "
            "champs.",
        ),
        # tables that cannot be analysed
        "ingest_errors.no_user_id": (
            "No user id column was recognised, and the table is not aggregated counts, ad spend "
            "or survey answers.",
            "Aucune colonne d'identifiant utilisateur n'a été reconnue, et le tableau n'est ni "
            "un comptage agrégé, ni des dépenses publicitaires, ni des réponses à une enquête.",
        ),
        "ingest_errors.rates_without_count": (
            "{file}: aggregated rates were found but no count column to apply them to.",
            "{file} : des taux agrégés ont été trouvés, mais aucune colonne de comptage à "
            "laquelle les appliquer.",
        ),
        "ingest_errors.no_table": ("No table to analyse.", "Aucun tableau à analyser."),
        # what to do
        "ingest_errors.hint.check_path": ("Check the path.", "Vérifiez le chemin du fichier."),
        "ingest_errors.hint.export_with_rows": (
            "Export the data again and check that the file has rows in it.",
            "Exportez à nouveau les données et vérifiez que le fichier contient des lignes.",
        ),
        "ingest_errors.hint.export_again": (
            "Export the data again.",
            "Exportez à nouveau les données.",
        ),
        "ingest_errors.hint.export_with_data": (
            "Export it again with its data, or check that the export's filters matched rows.",
            "Exportez-le à nouveau avec ses données, ou vérifiez que les filtres de l'export "
            "retiennent des lignes.",
        ),
        "ingest_errors.hint.smaller_export": (
            "Filter the export to a shorter period or fewer columns, or compress it as .csv.gz.",
            "Filtrez l'export sur une période plus courte ou moins de colonnes, ou compressez-le "
            "en .csv.gz.",
        ),
        "ingest_errors.hint.upload_export": (
            "Upload the CSV, Excel or Parquet export itself.",
            "Importez l'export lui-même, au format CSV, Excel ou Parquet.",
        ),
        "ingest_errors.hint.not_archive": (
            "Upload the CSV, Excel or Parquet export itself, not an archive or a renamed file.",
            "Importez l'export lui-même (CSV, Excel ou Parquet), pas une archive ni un fichier "
            "renommé.",
        ),
        "ingest_errors.hint.export_again_or_csv": (
            "Export it again, or upload it as CSV.",
            "Exportez-le à nouveau, ou importez-le au format CSV.",
        ),
        "ingest_errors.hint.resave_xlsx": (
            "Open it in Excel and save it again as .xlsx, or export it as CSV.",
            "Ouvrez-le dans Excel et enregistrez-le à nouveau en .xlsx, ou exportez-le en CSV.",
        ),
        "ingest_errors.hint.resave_or_csv": (
            "Save it again from Excel, or export the sheet as CSV.",
            "Enregistrez-le à nouveau depuis Excel, ou exportez la feuille en CSV.",
        ),
        "ingest_errors.hint.sheet_as_csv": (
            "Export the sheet you need as CSV and upload that instead.",
            "Exportez en CSV la feuille dont vous avez besoin et importez ce fichier à la place.",
        ),
        "ingest_errors.hint.unzip": (
            "Unzip it and upload the CSV or XLSX inside.",
            "Décompressez-la et importez le fichier CSV ou XLSX qu'elle contient.",
        ),
        "ingest_errors.hint.sheets": (
            "Sheets: {sheets:list}.",
            "Feuilles : {sheets:list}.",
        ),
        "ingest_errors.hint.other_sheet": (
            "Choose another sheet or check the workbook.",
            "Choisissez une autre feuille ou vérifiez le classeur.",
        ),
        "ingest_errors.hint.smaller_extract": (
            "Upload a smaller extract.",
            "Importez un extrait plus petit.",
        ),
        "ingest_errors.hint.recompress": (
            "Compress the file again, or upload it uncompressed.",
            "Compressez à nouveau le fichier, ou importez-le sans compression.",
        ),
        "ingest_errors.hint.check_export": ("Check the export.", "Vérifiez l'export."),
        "ingest_errors.hint.other_encoding": (
            "Choose another encoding.",
            "Choisissez un autre encodage.",
        ),
        "ingest_errors.hint.save_utf8": (
            "Save it again as UTF-8 CSV.",
            "Enregistrez-le à nouveau en CSV UTF-8.",
        ),
        "ingest_errors.hint.choose": ("Choose {options:orlist}.", "Choisissez {options:orlist}."),
        "ingest_errors.hint.other_header": (
            "Choose another header line.",
            "Choisissez une autre ligne d'en-tête.",
        ),
        "ingest_errors.hint.json_utf8": (
            "JSON is always UTF-8: export it again, or save it as UTF-8.",
            "Un JSON est toujours en UTF-8 : exportez-le à nouveau, ou enregistrez-le en UTF-8.",
        ),
        "ingest_errors.hint.ndjson_or_csv": (
            "Export the records as newline-delimited JSON or CSV.",
            "Exportez les enregistrements en JSON délimité par lignes (NDJSON) ou en CSV.",
        ),
        "ingest_errors.hint.fixed_fields": (
            "Export the records with a fixed set of fields (or as CSV) and upload again.",
            "Exportez les enregistrements avec une liste fixe de champs (ou en CSV) et "
            "importez-les à nouveau.",
        ),
        "ingest_errors.hint.json_records": (
            'Export the table as records: [{{"column": value, …}}, …] or one object a line.',
            'Exportez le tableau en enregistrements : [{{"colonne": valeur, …}}, …] ou un objet '
            "par ligne.",
        ),
        "ingest_errors.hint.one_shape": (
            "Export the records with one shape per field, or as CSV.",
            "Exportez les enregistrements avec une seule forme par champ, ou en CSV.",
        ),
        "ingest_errors.hint.json_again": (
            "Export it again; JSON records are one object a line, or an array of objects.",
            "Exportez-le à nouveau : un JSON d'enregistrements contient un objet par ligne, ou "
            "un tableau d'objets.",
        ),
        "ingest_errors.hint.flat_columns": (
            "Export the fields you need as flat columns (or as CSV) and upload again.",
            "Exportez les champs utiles en colonnes simples (ou en CSV) et importez-les à nouveau.",
        ),
        "ingest_errors.hint.records_fields": (
            "Export the records with their fields, or upload the CSV export.",
            "Exportez les enregistrements avec leurs champs, ou importez l'export CSV.",
        ),
        "ingest_errors.hint.fewer_fields": (
            "Export fewer fields (select the columns you need) and upload again.",
            "Exportez moins de champs (choisissez les colonnes utiles) et importez à nouveau.",
        ),
        "ingest_errors.hint.pick_user_id": (
            "Pick the column that identifies a user (or a customer) in the column mapping.",
            "Dans le tableau des colonnes, choisissez celle qui identifie un utilisateur (ou un "
            "client).",
        ),
        "ingest_errors.hint.mark_count": (
            "Mark the column holding users or sessions as 'Count'.",
            "Attribuez le rôle « Comptage » à la colonne des utilisateurs ou des sessions.",
        ),
        "ingest_errors.hint.upload_one": (
            "Upload at least one file.",
            "Importez au moins un fichier.",
        ),
    }
)
