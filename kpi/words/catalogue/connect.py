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
    "connect.view": ("The connected table's view", "Vue de la table connectée"),
    "connect.period": ("Period", "Période"),
    "connect.computed_in": (
        "Computed in the engine ({backend}) on {table}.",
        "Calculé dans le moteur ({backend}) sur {table}.",
    ),
    "connect.empty": (
        "No event in this view: widen the period or the segments.",
        "Aucun événement dans cette vue\u00a0: élargissez la période ou les segments.",
    ),
    "connect.kpis": ("Stage KPIs", "KPI par étape"),
    "connect.funnel": ("Funnel", "Entonnoir"),
    "connect.retention": ("Retention by cohort", "Rétention par cohorte"),
    "connect.ab": ("A/B test", "Test A/B"),
    "connect.ab_verdict": ("**{arm}**: {sentence}", "**{arm}**\u00a0: {sentence}"),
    "connect.col.step": ("Step", "Étape"),
    "connect.col.users": ("Users", "Utilisateurs"),
    "connect.col.conversion": ("Conversion from step 1", "Conversion depuis l'étape 1"),
    "connect.col.step_conversion": ("From the step before", "Depuis l'étape précédente"),
    "connect.col.cohort": ("Cohort", "Cohorte"),
    "connect.col.period": ("Period {n:int}", "Période {n:int}"),
    "connect.not_offered": (
        "A connected table does not offer the Value and Advocacy figures (orders per "
        "customer, CLV, CAC, NPS) nor the KPIs per segment value: they need rows that stay "
        "in the engine. The workbook below holds the Summary, Funnel, Stage KPIs, Retention, "
        "A/B test and Data quality of this view.",
        "Une table connectée n'offre pas les chiffres Valeur et Recommandation (commandes "
        "par client, CLV, CAC, NPS) ni les KPI par valeur de segment\u00a0: ils demandent des "
        "lignes qui restent dans le moteur. Le classeur ci-dessous contient la Synthèse, "
        "l'Entonnoir, les KPI par étape, la Rétention, le test A/B et la Qualité des données "
        "de cette vue.",
    ),
    "connect.notice": (
        "A connected table is in use ({table}): its KPIs, funnel, retention, A/B test and "
        "workbook are on the **Data** page. This page shows the uploaded (or demo) files: "
        "its charts and filters do not read the connected table.",
        "Une table connectée est utilisée ({table})\u00a0: ses KPI, son entonnoir, sa "
        "rétention, son test A/B et son classeur sont sur la page **Données**. Cette page "
        "montre les fichiers importés (ou de démonstration)\u00a0: ses graphiques et ses "
        "filtres ne lisent pas la table connectée.",
    ),
}
