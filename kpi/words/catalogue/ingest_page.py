"""The Data page: what was read, the quality report, the reading options and the roles."""

from __future__ import annotations

from kpi.words.catalogue._typo import french

MESSAGES: dict[str, tuple[str, str]] = french(
    {
        "ingest_page.title": ("Data", "Données"),
        "ingest_page.demo": (
            "You are looking at the **demo data set** (a fictional shop: events, users, ad "
            "spend, NPS answers). Upload your own exports in the sidebar: Parcours reads them, "
            "shows here what it understood, and lets you correct it.",
            "Vous consultez le **jeu de données de démonstration** (une boutique fictive : "
            "événements, utilisateurs, dépenses publicitaires, réponses NPS). Importez vos "
            "propres exports dans la barre latérale : Parcours les lit, montre ici ce qu'il a "
            "compris et vous permet de le corriger.",
        ),
        "ingest_page.what_to_do": ("What to do: {hint}", "Que faire : {hint}"),
        "ingest_page.file_error": ("**{file}**: {error}", "**{file}** : {error}"),
        "ingest_page.no_readable_file": (
            "None of the uploaded files could be read.",
            "Aucun des fichiers importés n'a pu être lu.",
        ),
        "ingest_page.quality": ("Data quality", "Qualité des données"),
        "ingest_page.users": ("Users", "Utilisateurs"),
        "ingest_page.users.aggregated": (
            "Aggregated counts: the file holds totals, not users.",
            "Comptages agrégés : le fichier contient des totaux, pas des utilisateurs.",
        ),
        "ingest_page.count_rows": ("Rows of counts", "Lignes de comptage"),
        "ingest_page.count_rows.help": (
            "Rows of totals read from the file.",
            "Lignes de totaux lues dans le fichier.",
        ),
        "ingest_page.events": ("Events", "Événements"),
        "ingest_page.duplicates": ("Duplicate events", "Événements en double"),
        "ingest_page.duplicates.help": (
            "Rows identical in every column (kept).",
            "Lignes identiques dans toutes les colonnes (doublons gardés).",
        ),
        "ingest_page.period": ("**Period covered:** {period}", "**Période couverte :** {period}"),
        "ingest_page.currency": (
            "**Currency of the amounts:** {currency}",
            "**Devise des montants :** {currency}",
        ),
        "ingest_page.currencies": (
            "**Currencies:** the files name several ({currencies:list}); amounts are shown "
            "without a currency symbol.",
            "**Devises :** les fichiers en indiquent plusieurs ({currencies:list}) ; les montants "
            "sont affichés sans symbole monétaire.",
        ),
        "ingest_page.currency.none": (
            "**Currency of the amounts:** not stated in the data (amounts are shown without a "
            "symbol).",
            "**Devise des montants :** non indiquée dans les données (les montants sont "
            "affichés sans symbole).",
        ),
        "ingest_page.accounting": (
            "**Every input row, accounted for**",
            "**Chaque ligne importée, comptée**",
        ),
        "ingest_page.col.file": ("File", "Fichier"),
        "ingest_page.col.shape": ("Read as", "Lu comme"),
        "ingest_page.col.rows_read": ("Rows read", "Lignes lues"),
        "ingest_page.col.rows_kept": ("Rows kept", "Lignes gardées"),
        "ingest_page.col.rows_dropped": ("Rows ignored", "Lignes ignorées"),
        "ingest_page.col.reason": ("Reason", "Raison"),
        "ingest_page.col.rows": ("Rows", "Lignes"),
        "ingest_page.col.examples": ("Examples", "Exemples"),
        "ingest_page.col.table": ("Table", "Table"),
        "ingest_page.col.column": ("Column", "Colonne"),
        "ingest_page.col.missing": ("Missing values", "Valeurs manquantes"),
        "ingest_page.col.missing_share": ("Share missing", "Part manquante"),
        "ingest_page.col.role": ("Role", "Rôle"),
        "ingest_page.col.read_as": ("Read as", "Lue comme"),
        "ingest_page.col.unreadable": ("Unreadable values", "Valeurs illisibles"),
        "ingest_page.table.events": ("events", "événements"),
        "ingest_page.table.users": ("users", "utilisateurs"),
        "ingest_page.table.spend": ("ad spend", "dépenses publicitaires"),
        "ingest_page.table.survey": ("survey", "enquête"),
        "ingest_page.table.counts": ("counts", "comptages"),
        "ingest_page.steps": (
            "**Steps found** (default funnel order): {steps}",
            "**Étapes trouvées** (ordre par défaut de l'entonnoir) : {steps}",
        ),
        "ingest_page.segments": ("**Segments:** {segments:list}", "**Segments :** {segments:list}"),
        # the canonical segments in words (a column of the file keeps its header)
        "ingest_page.segment.device": ("device", "appareil"),
        "ingest_page.segment.channel": ("channel", "canal"),
        "ingest_page.segment.cohort": ("cohort", "cohorte"),
        "ingest_page.segment.variant": ("variant", "variante"),
        "ingest_page.bullet": ("• {note}", "• {note}"),
        "ingest_page.missing": (
            "**Missing values per column** (after building the canonical tables)",
            "**Valeurs manquantes par colonne** (après construction des tables canoniques)",
        ),
        "ingest_page.missing.help": (
            "Expected gaps: revenue and order_id are empty on events that are not purchases; "
            "segments are empty for users the files say nothing about (shown as “(none)”).",
            "Manques attendus : revenue et order_id sont vides sur les événements qui ne sont "
            "pas des achats ; les segments sont vides pour les utilisateurs dont les fichiers "
            "ne disent rien (affichés « (aucun) »).",
        ),
        "ingest_page.files": ("Files", "Fichiers"),
        "ingest_page.tab": ("{file}", "{file}"),
        "ingest_page.columns": ("Columns", "Colonnes"),
        "ingest_page.understood_as": (
            "**Understood as:** {kind} · format **{format}** · encoding **{encoding}** · "
            "separator **{separator}** · header on line **{line:int}**",
            "**Compris comme :** {kind} · format **{format}** · encodage **{encoding}** · "
            "séparateur **{separator}** · en-tête en ligne **{line:int}**",
        ),
        "ingest_page.encoding.binary": ("binary (not text)", "binaire (pas du texte)"),
        "ingest_page.roles_understood": (
            "**Columns understood:** {roles}",
            "**Colonnes comprises :** {roles}",
        ),
        "ingest_page.none": ("none", "aucune"),
        "ingest_page.epochs": (
            "**Epoch timestamps** (read as UTC): {columns:list}",
            "**Horodatages numériques** (lus en UTC) : {columns:list}",
        ),
        "ingest_page.epoch_column": ("{column}: epoch {unit}", "{column} : {unit} depuis 1970"),
        "ingest_page.yyyymmdd_column": (
            "{column}: a yyyymmdd date",
            "{column} : une date aaaammjj",
        ),
        "ingest_page.ambiguous_dmy": (
            "Dates in **{column}** read both ways (every day ≤ 12). Parcours assumed day first "
            "(dd/mm); change it below if that is wrong.",
            "Les dates de **{column}** se lisent dans les deux sens (tous les jours sont ≤ 12). "
            "Parcours a supposé le jour en premier (jj/mm) ; changez-le ci-dessous si c'est "
            "faux.",
        ),
        "ingest_page.ambiguous_mdy": (
            "Dates in **{column}** read both ways (every day ≤ 12). Parcours assumed month "
            "first (mm/dd); change it below if that is wrong.",
            "Les dates de **{column}** se lisent dans les deux sens (tous les jours sont ≤ 12). "
            "Parcours a supposé le mois en premier (mm/jj) ; changez-le ci-dessous si c'est "
            "faux.",
        ),
        "ingest_page.options": (
            "Reading options (override what was detected)",
            "Options de lecture (corriger ce qui a été détecté)",
        ),
        "ingest_page.detect": ("detect", "détecter"),
        "ingest_page.encoding": ("Encoding", "Encodage"),
        "ingest_page.separator": ("Separator", "Séparateur"),
        "ingest_page.decimal": ("Decimal mark", "Séparateur décimal"),
        "ingest_page.decimal.comma": ("comma 1,5", "virgule 1,5"),
        "ingest_page.decimal.point": ("point 1.5", "point 1.5"),
        "ingest_page.dates": ("Dates", "Dates"),
        "ingest_page.dates.dmy": ("day first 31/12", "jour en premier 31/12"),
        "ingest_page.dates.mdy": ("month first 12/31", "mois en premier 12/31"),
        "ingest_page.header_line": ("Header line (1 = first)", "Ligne d'en-tête (1 = la première)"),
        "ingest_page.header_line.help": ("0 = detect", "0 = détecter"),
        "ingest_page.sheet": ("Sheet", "Feuille"),
        "ingest_page.sheet.largest": ("largest", "la plus grande"),
        "ingest_page.read_again": (
            "Read again with these options",
            "Relire avec ces options",
        ),
        "ingest_page.roles": (
            "**Columns and their roles**: correct a role and the analyses follow.",
            "**Colonnes et rôles** : corrigez un rôle, les analyses suivent.",
        ),
        "ingest_page.dropped": (
            "**Rows ignored, by reason** (with up to three examples each)",
            "**Lignes ignorées, par raison** (avec jusqu'à trois exemples chacune)",
        ),
        "ingest_page.extra_tables": (
            "Other tables found in this file (not used): {tables:list}",
            "Autres tableaux trouvés dans ce fichier (non utilisés) : {tables:list}",
        ),
        "ingest_page.extra_table": (
            "{title} ({rows:int} {rows:plural:row|rows})",
            "{title} ({rows:int} {rows:plural:ligne|lignes})",
        ),
        "ingest_page.preview": (
            "**Preview** (first 50 rows as read)",
            "**Aperçu** (les 50 premières lignes telles que lues)",
        ),
    }
)
