"""The filters of a view: the sidebar's widgets, the view in words, and what a shared link
asked for that the data cannot apply."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    # the sidebar's widgets
    "filters.title": ("Filters", "Filtres"),
    "filters.period": ("Period", "Période"),
    "filters.period_help": (
        "Events (or signups, when events have no time) inside these days, inclusive.",
        "Les événements (ou les inscriptions, quand les événements n'ont pas d'heure) de ces "
        "jours, bornes comprises.",
    ),
    "filters.more": ("More segments", "Autres segments"),
    "filters.more_placeholder": ("Choose columns", "Choisissez des colonnes"),
    "filters.more_help": (
        "Other categorical columns of your data to filter and break down by.",
        "D'autres colonnes catégorielles de vos données, pour filtrer et ventiler.",
    ),
    "filters.first_touch": (
        "A user whose device or channel changes is counted under the value of their first "
        "event (first touch).",
        "Un utilisateur dont l'appareil ou le canal change est compté sous la valeur de son "
        "premier événement (premier contact).",
    ),
    # the four main segments: widget labels, and their names inside sentences
    "filters.label.device": ("Device", "Appareil"),
    "filters.label.channel": ("Channel", "Canal"),
    "filters.label.cohort": ("Cohort", "Cohorte"),
    "filters.label.variant": ("Variant", "Variante"),
    "filters.name.device": ("device", "appareil"),
    "filters.name.channel": ("channel", "canal"),
    "filters.name.cohort": ("cohort", "cohorte"),
    "filters.name.variant": ("variant", "variante"),
    # the view in words
    "filters.view.all": ("all users, whole period", "tous les utilisateurs, toute la période"),
    "filters.view.segments": ("{segments:list}", "{segments:list}"),
    "filters.view.period": ("all users, {period}", "tous les utilisateurs, {period}"),
    "filters.view.segments_period": (
        "{segments:list}; {period}",
        "{segments:list}\u00a0; {period}",
    ),
    "filters.segment": ("{segment}: {values:orlist}", "{segment}\u00a0: {values:orlist}"),
    "filters.period.range": ("{start:date} to {end:date}", "du {start:date} au {end:date}"),
    "filters.period.from": ("from {start:date}", "à partir du {start:date}"),
    "filters.period.until": ("until {end:date}", "jusqu'au {end:date}"),
    "filters.period.raw": ("{values:list}", "{values:list}"),
    "filters.value": ("**{value}**", "**{value}**"),
    "filters.previous_period": (
        "Changes are against the previous period: {period}.",
        "Les évolutions sont calculées par rapport à la période précédente\u00a0: {period}.",
    ),
    # a shared link's filters the data cannot apply
    "filters.link.head": (
        "This view is not exactly the one in the link.",
        "Cette vue n'est pas exactement celle du lien.",
    ),
    "filters.link.no_value.kept": (
        "The link filters **{segment}** on {missing:list}, {n:plural:a value|values} this data "
        "does not have: showing {applied:list} only.",
        "Le lien filtre **{segment}** sur {missing:list}, {n:plural:une valeur absente|des "
        "valeurs absentes} de ces données\u00a0: la vue garde {applied:list} seulement.",
    ),
    "filters.link.no_value.every": (
        "The link filters **{segment}** on {missing:list}, {n:plural:a value|values} this data "
        "does not have: showing every {segment}.",
        "Le lien filtre **{segment}** sur {missing:list}, {n:plural:une valeur absente|des "
        "valeurs absentes} de ces données\u00a0: la vue montre toutes les valeurs de {segment}.",
    ),
    "filters.link.no_column.added": (
        "The link adds the segment **{segment}**, a column this data does not have.",
        "Le lien ajoute le segment **{segment}**, une colonne absente de ces données.",
    ),
    "filters.link.no_column": (
        "The link filters **{segment}** on {requested:list}, but this data has no {segment} "
        "column: the view is not filtered on {segment}.",
        "Le lien filtre **{segment}** sur {requested:list}, mais ces données n'ont pas de "
        "colonne {segment}\u00a0: la vue n'est pas filtrée sur {segment}.",
    ),
    "filters.link.no_dates": (
        "The link's period ({asked}) cannot apply: this data has no dates. Every row is shown.",
        "La période du lien ({asked}) ne peut pas s'appliquer\u00a0: ces données n'ont pas de "
        "dates. Toutes les lignes sont montrées.",
    ),
    "filters.link.period_unreadable": (
        "The link's period ({asked}) is not a date range: showing the whole period, {shown}.",
        "La période du lien ({asked}) n'est pas un intervalle de dates\u00a0: la vue montre "
        "toute la période, {shown}.",
    ),
    "filters.link.period_outside": (
        "The link's period, {asked}, is outside this data ({shown}): showing the whole period.",
        "La période du lien, {asked}, est en dehors de ces données ({shown})\u00a0: la vue "
        "montre toute la période.",
    ),
    "filters.link.period_partly_outside": (
        "The link's period, {asked}, goes beyond this data ({shown}): showing the whole "
        "period. Pick {covered} in **Period** for the part the data covers.",
        "La période du lien, {asked}, dépasse ces données ({shown})\u00a0: la vue montre toute "
        "la période. Pour la partie couverte par les données, choisissez dans **Période**\u00a0: "
        "{covered}.",
    ),
}
