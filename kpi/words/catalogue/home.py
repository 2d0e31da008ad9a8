"""The Overview page: what Parcours does, the headline KPIs, red flags, where to go next."""

from __future__ import annotations

_NB = "\u00a0"

MESSAGES: dict[str, tuple[str, str]] = {
    "home.title": ("Parcours", "Parcours"),
    "home.intro": (
        "Customer-journey KPIs from the exports you already have: **upload a file**, pick "
        "segments in the sidebar, read the funnel and every stage's KPIs, check an A/B test, "
        "download the Excel summary.",
        f"Les KPI du parcours client à partir des exports que vous avez déjà{_NB}: **importez "
        "un fichier**, choisissez des segments dans la barre latérale, lisez l'entonnoir et les "
        "KPI de chaque étape, vérifiez un test A/B, téléchargez la synthèse Excel.",
    ),
    "home.need_events": (
        "Headline KPIs need an event log: {error}",
        f"Les KPI principaux nécessitent un journal d'événements{_NB}: {{error}}",
    ),
    "home.no_events.counts": (
        "This data is aggregated counts, not an event log, so there are no journey KPIs to "
        "headline. Its funnel is on the **Funnel** page.",
        f"Ces données sont des comptages agrégés, pas un journal d'événements{_NB}: il n'y a "
        "donc pas de KPI du parcours à mettre en avant. Leur entonnoir est sur la page "
        "**Entonnoir**.",
    ),
    "home.no_events.users": (
        "This data is a user table, not an event log, so there are no journey KPIs to "
        "headline. Check an A/B test on the **A/B test** page, or upload the event log too.",
        f"Ces données sont une table d'utilisateurs, pas un journal d'événements{_NB}: il n'y "
        "a donc pas de KPI du parcours à mettre en avant. Vérifiez un test A/B sur la page "
        "**Test A/B**, ou importez aussi le journal d'événements.",
    ),
    "home.not_applicable": ("**{label}** {reason}.", "**{label}** {reason}."),
    "home.no_previous": (
        "No earlier period to compare with: narrow the Period in the sidebar (e.g. one month, "
        "with data before it) to compare with the period before it.",
        f"Pas de période antérieure à comparer{_NB}: réduisez la Période dans la barre latérale "
        "(par exemple un mois, avec des données avant lui) pour comparer avec la période "
        "précédente.",
    ),
    "home.red_flags": ("Red flags", "Alertes"),
    "home.no_red_flags": ("No red flags", "Aucune alerte"),
    "home.all_within": (
        "Every KPI is within its threshold for this view.",
        "Chaque KPI respecte son seuil pour cette vue.",
    ),
    "home.go_further": ("Go further", "Aller plus loin"),
    "home.blurb.funnel": (
        "Where users drop off, by segment and over time.",
        "Où les utilisateurs abandonnent, par segment et dans le temps.",
    ),
    "home.blurb.stages": (
        "Awareness, consideration, decision.",
        "Sensibilisation, considération, décision.",
    ),
    "home.blurb.ab": (
        "A verdict a statistician would sign.",
        "Un verdict qu'un statisticien signerait.",
    ),
    "home.blurb.data": (
        "What was read, and every dropped row.",
        "Ce qui a été lu, et chaque ligne écartée.",
    ),
    "home.engine.computing": (
        "Computing the KPIs in the engine…",
        "Calcul des KPI dans le moteur…",
    ),
    "home.engine.no_users": (
        "No user of the connected table has an event in this view: widen the Period or the "
        "segments in the sidebar.",
        "Aucun utilisateur de la table connectée n'a d'événement dans cette vue : "
        "élargissez la Période ou les segments dans la barre latérale.",
    ),
    "home.engine.computed_in": (
        "Summed in the engine on the connected table {table}: only the totals behind the KPIs "
        "were brought back.",
        "Sommé dans le moteur sur la table connectée {table} : seuls les totaux derrière "
        "les KPI ont été rapatriés.",
    ),
}
