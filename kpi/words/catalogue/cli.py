"""The command line (``python -m kpi report``): progress lines, errors and hints."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    "cli.read": (
        "read {file}: {kept:int} of {read:int} rows kept ({kind}) in {seconds:num1} s",
        "lu {file}\u00a0: {kept:int} lignes conservées sur {read:int} ({kind}) en "
        "{seconds:num1}\u00a0s",
    ),
    "cli.building": (
        "view: {view}; building the workbook…",
        "vue\u00a0: {view}\u00a0; création du classeur…",
    ),
    "cli.wrote": (
        "wrote {path} ({kb:num0} KB) in {seconds:num1} s",
        "classeur écrit\u00a0: {path} ({kb:num0}\u00a0Ko) en {seconds:num1}\u00a0s",
    ),
    "cli.flag": (
        "red flag ({level}): {title}: {message}",
        "{level}\u00a0: {title}\u00a0: {message}",
    ),
    "cli.flag.alert": ("alert", "alerte"),
    "cli.flag.warning": ("warning", "avertissement"),
    "cli.error": ("error: {text}", "erreur\u00a0: {text}"),
    "cli.memory": (
        "not enough memory for these files.",
        "mémoire insuffisante pour ces fichiers.",
    ),
    "cli.interrupted": ("interrupted.", "interrompu."),
    "cli.no_such_file": ("{path}: no such file.", "{path}\u00a0: fichier introuvable."),
    "cli.cannot_write": ("cannot write {path}: {why}.", "impossible d'écrire {path}\u00a0: {why}."),
    "cli.from_after_to": (
        "--from is after --to.",
        "la date de --from est postérieure à celle de --to.",
    ),
    "cli.window.bad": (
        "Cannot read the conversion window '{text}'.",
        "Impossible de lire la fenêtre de conversion «\u00a0{text}\u00a0».",
    ),
    "cli.window.hint": (
        "Write a number and a unit: {examples:orlist}.",
        "Indiquez un nombre et une unité\u00a0: {examples:orlist}.",
    ),
    "cli.role.syntax": (
        "--role '{spec}': write FILE:COLUMN=ROLE, e.g. orders.csv:Client=user_id.",
        "--role «\u00a0{spec}\u00a0»\u00a0: écrivez FICHIER:COLONNE=RÔLE, par exemple "
        "orders.csv:Client=user_id.",
    ),
    "cli.role.unknown": (
        "--role '{spec}': unknown role '{role}'; roles: {roles:list}.",
        "--role «\u00a0{spec}\u00a0»\u00a0: rôle «\u00a0{role}\u00a0» inconnu\u00a0; rôles "
        "possibles\u00a0: {roles:list}.",
    ),
    "cli.role.no_file": (
        "--role '{spec}': '{file}' is not one of the input files.",
        "--role «\u00a0{spec}\u00a0»\u00a0: «\u00a0{file}\u00a0» ne fait pas partie des "
        "fichiers d'entrée.",
    ),
    "cli.role.no_column": (
        "{file}: no column '{column}' for --role; columns: {columns:list}.",
        "{file}\u00a0: pas de colonne «\u00a0{column}\u00a0» pour --role\u00a0; colonnes\u00a0: "
        "{columns:list}.",
    ),
    "cli.filter.syntax": (
        "--filter '{spec}': write COLUMN=VALUE[,VALUE], e.g. device=mobile.",
        "--filter «\u00a0{spec}\u00a0»\u00a0: écrivez COLONNE=VALEUR[,VALEUR], par exemple "
        "device=mobile.",
    ),
    "cli.filter.no_segment": (
        "--filter {segment}: no such segment; segments: {segments:list}.",
        "--filter {segment}\u00a0: ce segment n'existe pas\u00a0; segments\u00a0: {segments:list}.",
    ),
    # arguments that cannot be read
    "cli.bad_rate": (
        "not a rate: '{text}' (write 0.02 or 2%)",
        "«\u00a0{text}\u00a0» n'est pas un taux (écrivez 0.02 ou 2%)",
    ),
    "cli.bad_date": (
        "not a date: '{text}' (write YYYY-MM-DD)",
        "«\u00a0{text}\u00a0» n'est pas une date (écrivez AAAA-MM-JJ, par exemple 2025-10-31)",
    ),
    # --help
    "cli.help.description": (
        "Parcours from the command line: headless Excel summaries of customer-journey KPIs, "
        "the same workbook as the app's download button.",
        "Parcours en ligne de commande\u00a0: la synthèse Excel des KPI du parcours client, "
        "le même classeur que le bouton de téléchargement de l'application.",
    ),
    "cli.help.epilog": (
        "Run 'python -m kpi report --help' for every option of the report.",
        "Lancez «\u00a0python -m kpi report --help --lang fr\u00a0» pour toutes les options "
        "de la synthèse.",
    ),
    "cli.help.command": ("COMMAND", "COMMANDE"),
    "cli.help.file": ("FILE", "FICHIER"),
    "cli.help.report": (
        "build the Excel summary from exports (CSV, TSV, XLSX, Parquet, JSON/NDJSON, .gz)",
        "crée la synthèse Excel à partir d'exports (CSV, TSV, XLSX, Parquet, JSON/NDJSON, .gz)",
    ),
    "cli.help.report_description": (
        "Build the Excel summary (Summary, Funnel, Stage KPIs, Retention, Value, A/B test, "
        "Definitions, Data quality) from one or several exports, read and mapped exactly as "
        "the app does. Exit codes: 0 done, 2 error, 3 red flags with --fail-on-red-flags, "
        "4 an alert of --notify not delivered.",
        "Crée la synthèse Excel (Synthèse, Entonnoir, KPI par étape, Rétention, Valeur, "
        "Test A/B, Définitions, Qualité des données) à partir d'un ou de plusieurs exports, "
        "lus et interprétés exactement comme dans l'application. Codes de sortie\u00a0: 0 "
        "terminé, 2 erreur, 3 alertes avec --fail-on-red-flags, 4 alerte de --notify non "
        "remise.",
    ),
    "cli.help.files": ("input files (several at once)", "fichiers à lire (plusieurs à la fois)"),
    "cli.help.output": ("workbook to write", "classeur à écrire"),
    "cli.help.group.reading": ("reading", "lecture"),
    "cli.help.group.funnel": ("funnel", "entonnoir"),
    "cli.help.group.view": ("view", "vue"),
    "cli.help.group.flags": (
        "red flags (rates as 0.02 or 2%)",
        "alertes (taux écrits 0.02 ou 2%)",
    ),
    "cli.help.group.workbook": ("workbook", "classeur"),
    "cli.help.big": (
        "read the file in a stream into compact columns (files too big to upload: one CSV "
        "or Parquet event log); default: automatic above {rows:int} rows",
        "lire le fichier en flux en colonnes compactes (fichiers trop gros pour être "
        "téléversés\u00a0: un journal d'événements CSV ou Parquet)\u00a0; par défaut\u00a0: "
        "automatique au-delà de {rows:int}\u00a0lignes",
    ),
    "cli.help.no_big": (
        "always read the files in memory (the app's route), whatever their size",
        "toujours lire les fichiers en mémoire (comme l'application), quelle que soit leur taille",
    ),
    "cli.read_stream": (
        "read {file} in a stream ({format}): {kept:int} of {read:int} rows kept ({kind}) in "
        "{seconds:num1} s",
        "lu {file} en flux ({format})\u00a0: {kept:int} lignes conservées sur {read:int} "
        "({kind}) en {seconds:num1}\u00a0s",
    ),
    "cli.stream_fallback": (
        "{file}: read in memory ({why})",
        "{file}\u00a0: lu en mémoire ({why})",
    ),
    "cli.big_one_file": (
        "--big reads one file; {n:int} were given.",
        "--big lit un seul fichier\u00a0; {n:int} ont été donnés.",
    ),
    "cli.help.encoding": (
        "text encoding of every CSV, e.g. cp1252 (default: detected)",
        "encodage de chaque CSV, par exemple cp1252 (par défaut\u00a0: détecté)",
    ),
    "cli.help.delimiter": (
        "field separator of every CSV, e.g. ';' (default: detected)",
        "séparateur de champs de chaque CSV, par exemple «\u00a0;\u00a0» (par défaut\u00a0: "
        "détecté)",
    ),
    "cli.help.role": (
        "set a column's role when detection needs help (repeatable), e.g. "
        "orders.csv:Client=user_id; ROLE is one of: user_id, ts, step, session_id, revenue, "
        "quantity, unit_price, order_id, device, channel, variant, cohort, signup, segment, "
        "converted, step_flag, spend, impressions, clicks, score, count, rate, period, metric, "
        "stage (a CRM lifecycle or deal stage), ignore",
        "fixe le rôle d'une colonne quand la détection a besoin d'aide (répétable), par "
        "exemple orders.csv:Client=user_id\u00a0; ROLE est l'un de\u00a0: user_id, ts, step, "
        "session_id, revenue, quantity, unit_price, order_id, device, channel, variant, "
        "cohort, signup, segment, converted, step_flag, spend, impressions, clicks, score, "
        "count, rate, period, metric, stage (étape du cycle de vie ou d'une affaire dans un "
        "CRM), ignore",
    ),
    "cli.help.cohort_grain": (
        "cohorts by first-seen (or signup) month or ISO week (default: month)",
        "cohortes par mois (month) ou semaine ISO (week) de première visite ou d'inscription "
        "(par défaut\u00a0: month)",
    ),
    "cli.help.steps": (
        "funnel steps in order, comma-separated (default: from data)",
        "étapes de l'entonnoir dans l'ordre, séparées par des virgules (par défaut\u00a0: "
        "celles des données)",
    ),
    "cli.help.window": (
        "conversion window from step 1: 14d, 2h, 30m, or 'none' (default: 14d, as in the app; "
        "ignored for data without timestamps)",
        "fenêtre de conversion depuis l'étape 1\u00a0: 14d (jours), 2h, 30m ou «\u00a0none"
        "\u00a0» (par défaut\u00a0: 14d, comme dans l'application\u00a0; ignorée pour des "
        "données sans horodatage)",
    ),
    "cli.help.order": (
        "sequential: steps in order, other events may come between; any: in any order "
        "(default: sequential)",
        "sequential\u00a0: étapes dans l'ordre, d'autres événements peuvent s'intercaler\u00a0; "
        "any\u00a0: dans n'importe quel ordre (par défaut\u00a0: sequential)",
    ),
    "cli.help.open_funnel": (
        "users may enter at any step (GA4's open funnel); default: closed, from step 1",
        "les utilisateurs peuvent entrer à n'importe quelle étape (entonnoir ouvert de GA4)"
        "\u00a0; par défaut\u00a0: fermé, depuis l'étape 1",
    ),
    "cli.help.why_step": (
        "the step of the Why they drop sheet, 1-based (2: step 2 → step 3; default: the step "
        "that loses the largest share of its users)",
        "l'étape de l'onglet Pourquoi ils abandonnent, à partir de 1 (2\u00a0: étape 2 → étape 3\u00a0; "
        "par défaut, l'étape qui perd la plus grande part de ses utilisateurs)",
    ),
    "cli.help.segment": (
        "breakdown segment (e.g. device, channel)",
        "segment de ventilation (par exemple device, channel)",
    ),
    "cli.help.filter": (
        "keep users whose segment has one of the values (repeatable)",
        "garde les utilisateurs dont le segment a l'une des valeurs (répétable)",
    ),
    "cli.help.from": ("period start", "début de la période"),
    "cli.help.to": ("period end", "fin de la période"),
    "cli.help.min_conversion": (
        "alert below this conversion rate, purchasers / visitors (default: 0.02)",
        "alerte sous ce taux de conversion, acheteurs / visiteurs (par défaut\u00a0: 0.02)",
    ),
    "cli.help.max_cart": (
        "warn above this cart abandonment, 1 - purchasers / cart users (default: 0.70)",
        "avertit au-dessus de ce taux d'abandon de panier, 1 - acheteurs / utilisateurs avec "
        "panier (par défaut\u00a0: 0.70)",
    ),
    "cli.help.max_bounce": (
        "warn above this bounce rate on landing pages (default: 0.50)",
        "avertit au-dessus de ce taux de rebond des pages d'atterrissage (par défaut\u00a0: 0.50)",
    ),
    "cli.help.max_duration_drop": (
        "warn when the average session duration falls by more than this from one month to "
        "the next (default: 0.20)",
        "avertit quand la durée moyenne des sessions baisse de plus que cela d'un mois sur "
        "l'autre (par défaut\u00a0: 0.20)",
    ),
    "cli.help.fail_on_red_flags": (
        "exit with code 3 when any red flag fires, listing them on stderr",
        "termine avec le code 3 dès qu'une alerte se déclenche, en les listant sur stderr",
    ),
    "cli.help.lang": (
        "language of the workbook (sheet names, headers, definitions, notes) and of these "
        "messages: en (English, default) or fr (français). Numbers stay numbers",
        "langue du classeur (noms des onglets, en-têtes, définitions, notes) et de ces "
        "messages\u00a0: en (English, par défaut) ou fr (français). Les nombres restent des "
        "nombres",
    ),
    "cli.help.sheets": (
        "comma-separated sheet codes (default: all): summary, funnel, stages, why, "
        "retention, value, ab, definitions, quality, events (written when there is a "
        "calendar: --events, --holidays, --retail-periods)",
        "codes des onglets, séparés par des virgules (par défaut\u00a0: tous)\u00a0: summary, "
        "funnel, stages, why, retention, value, ab, definitions, quality, events (créé s'il "
        "y a un calendrier\u00a0: --events, --holidays, --retail-periods)",
    ),
    "cli.help.title": (
        "title on the Summary sheet (default: Parcours summary / Synthèse Parcours)",
        "titre de l'onglet Synthèse (par défaut\u00a0: Synthèse Parcours / Parcours summary)",
    ),
    "cli.help.quiet": ("no progress on stderr", "aucune progression sur stderr"),
    # argparse's own words (usage, its errors)
    "cli.argparse.usage": ("usage: ", "utilisation\u00a0: "),
    "cli.argparse.positional": ("positional arguments", "arguments"),
    "cli.argparse.options": ("options", "options"),
    "cli.argparse.help": ("show this help message and exit", "affiche cette aide et termine"),
    "cli.argparse.argument": (
        "argument %(argument_name)s: %(message)s",
        "argument %(argument_name)s\u00a0: %(message)s",
    ),
    "cli.argparse.required": (
        "the following arguments are required: %s",
        "arguments obligatoires manquants\u00a0: %s",
    ),
    "cli.argparse.unrecognized": ("unrecognized arguments: %s", "arguments inconnus\u00a0: %s"),
    "cli.argparse.invalid_choice": (
        "invalid choice: %(value)r (choose from %(choices)s)",
        "choix impossible\u00a0: %(value)r (choisissez parmi %(choices)s)",
    ),
    "cli.argparse.expected_one": ("expected one argument", "une valeur est attendue"),
    "cli.argparse.ambiguous": (
        "ambiguous option: %(option)s could match %(matches)s",
        "option ambiguë\u00a0: %(option)s peut désigner %(matches)s",
    ),
}
