"""Shared widgets: the view sentence, a shared link's filters the data cannot apply, KPI cards'
units, red flags, the previous-period caption, aggregated counts."""

from __future__ import annotations

_NB = "\u00a0"

MESSAGES: dict[str, tuple[str, str]] = {
    # ---- which data and which view the page shows
    "widgets.view.caption": (
        "**Data:** {source} · **View:** {view}",
        f"**Données{_NB}:** {{source}} · **Vue{_NB}:** {{view}}",
    ),
    "widgets.view.demo": ("demo data", "données de démonstration"),
    "widgets.view.files": ("{files:list}", "{files:list}"),
    "widgets.view.all": ("all users, whole period", "tous les utilisateurs, toute la période"),
    "widgets.view.segment": ("{segment}: {values:orlist}", f"{{segment}}{_NB}: {{values:orlist}}"),
    "widgets.view.between": ("{start} to {end}", "du {start} au {end}"),
    "widgets.view.from": ("from {start}", "à partir du {start}"),
    "widgets.view.until": ("until {end}", "jusqu'au {end}"),
    "widgets.view.parts": ("{parts:list}", "{parts:list}"),
    # ---- a shared link asks for what this data does not have
    "widgets.link.value": ("**{value}**", "**{value}**"),
    "widgets.link.head": (
        "This view is not exactly the one in the link.",
        "Cette vue n'est pas exactement celle du lien.",
    ),
    "widgets.link.no_value": (
        "The link filters **{name}** on {missing:orlist}, {n:plural:a value|values} this data "
        "does not have: {instead}.",
        "Le lien filtre **{name}** sur {missing:orlist}, {n:plural:une valeur|des valeurs} que "
        f"ces données n'ont pas{_NB}: {{instead}}.",
    ),
    "widgets.link.showing_only": (
        "showing {values:list} only",
        "seules les valeurs {values:list} sont affichées",
    ),
    "widgets.link.showing_every": (
        "showing every {name}",
        "toutes les valeurs de {name} sont affichées",
    ),
    "widgets.link.no_column_segment": (
        "The link adds the segment **{name}**, a column this data does not have.",
        "Le lien ajoute le segment **{name}**, une colonne absente de ces données.",
    ),
    "widgets.link.no_column": (
        "The link filters **{name}** on {requested:orlist}, but this data has no {name} "
        "column: the view is not filtered on {name}.",
        "Le lien filtre **{name}** sur {requested:orlist}, mais ces données n'ont pas de "
        f"colonne {{name}}{_NB}: la vue n'est pas filtrée sur {{name}}.",
    ),
    "widgets.link.no_dates": (
        "The link's period ({asked}) cannot apply: this data has no dates. Every row is shown.",
        f"La période du lien ({{asked}}) ne peut pas s'appliquer{_NB}: ces données n'ont pas de "
        "dates. Toutes les lignes sont affichées.",
    ),
    "widgets.link.period_unreadable": (
        "The link's period ({asked}) is not a date range: showing the whole period, {shown}.",
        f"La période du lien ({{asked}}) n'est pas une plage de dates{_NB}: toute la période "
        "est affichée, {shown}.",
    ),
    "widgets.link.period_outside": (
        "The link's period, {asked}, is outside this data ({shown}): showing the whole period.",
        f"La période du lien, {{asked}}, est hors de ces données ({{shown}}){_NB}: toute la "
        "période est affichée.",
    ),
    "widgets.link.period_partly_outside": (
        "The link's period, {asked}, goes beyond this data ({shown}): showing the whole period. "
        "Pick {covered} in **Period** for the part the data covers.",
        f"La période du lien, {{asked}}, dépasse ces données ({{shown}}){_NB}: toute la période "
        "est affichée. Choisissez {covered} dans **Période** pour la partie que couvrent les "
        "données.",
    ),
    # ---- the frame's "working" pill (pages/_ui/widgets.RUNNING_KEY; app.py shows it)
    "widgets.running.reading": ("Reading the data…", "Lecture des données…"),
    "widgets.running.computing": ("Computing…", "Calcul en cours…"),
    # ---- KPI cards
    "widgets.unit.days": ("{value:num1} days", f"{{value:num1}}{_NB}jours"),
    "widgets.unit.months": ("{value:num1} months", f"{{value:num1}}{_NB}mois"),
    "widgets.flag": ("**{title}** — {message}", "**{title}** — {message}"),
    "widgets.previous": (
        "Changes are against the previous period: {start:date} to {end:date}.",
        "Les évolutions sont calculées par rapport à la période précédente"
        f"{_NB}: du {{start:date}} au {{end:date}}.",
    ),
    "widgets.not_available": ("Not available: {why}.", f"Non disponible{_NB}: {{why}}."),
    "widgets.exact": ("Exactly {amount}.", f"Montant exact{_NB}: {{amount}}."),
    "widgets.here": ("Here: {num:num} / {den:num}.", f"Ici{_NB}: {{num:num}} ÷ {{den:num}}."),
    # ---- aggregated counts: no users, so no per-user KPIs
    "widgets.aggregated": (
        "This data is aggregated counts (totals per step, not one row per user), so {what} "
        "cannot be computed from it: they need each user's events. Its funnel is on the "
        "**Funnel** page (and an A/B summary on the **A/B test** page); upload an event log or "
        "orders for the rest.",
        "Ces données sont des comptages agrégés (des totaux par étape, pas une ligne par "
        f"utilisateur){_NB}: {{what}} ne peuvent donc pas en être calculés, car il faut les "
        "événements de chaque utilisateur. Leur entonnoir est sur la page **Entonnoir** (et un "
        f"résumé A/B sur la page **Test A/B**){_NB}; importez un journal d'événements ou des "
        "commandes pour le reste.",
    ),
}
