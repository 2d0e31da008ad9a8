"""Stage KPIs (awareness, consideration, decision): what a missing KPI needs, notes on the
data, errors, and the Stage KPIs page."""

from __future__ import annotations

_NB = "\u00a0"

MESSAGES: dict[str, tuple[str, str]] = {
    # ---- what would unlock a KPI ("Not available: …")
    "stages.needs.sessions": (
        "needs a session_id column in the events (e.g. GA4 ga_session_id, REES46 user_session)",
        "nécessite une colonne session_id dans les événements (par exemple ga_session_id de "
        "GA4, user_session de REES46)",
    ),
    "stages.needs.ts": (
        "needs event timestamps (a ts / event_time column)",
        "nécessite l'horodatage des événements (une colonne ts / event_time)",
    ),
    "stages.needs.spend": (
        "needs an ad-spend export (channel, period, spend, impressions, clicks)",
        "nécessite un export des dépenses publicitaires (canal, période, dépenses, "
        "impressions, clics)",
    ),
    "stages.needs.impressions": (
        "needs an ad-spend export with an impressions column",
        "nécessite un export des dépenses publicitaires avec une colonne impressions",
    ),
    "stages.needs.clicks": (
        "needs an ad-spend export with clicks and impressions columns",
        "nécessite un export des dépenses publicitaires avec des colonnes clics et impressions",
    ),
    "stages.needs.reach": (
        "needs an ad-spend export with a reach column",
        "nécessite un export des dépenses publicitaires avec une colonne de portée (reach)",
    ),
    "stages.needs.channel": (
        "needs a channel column for users (e.g. GA4 'Session default channel group', "
        "utm_medium, source)",
        f"nécessite une colonne canal pour les utilisateurs (par exemple «{_NB}Session default "
        f"channel group{_NB}» de GA4, utm_medium, source)",
    ),
    "stages.needs.landing": (
        "needs a landing step in the events (landing, session_start, home_page or page_view); "
        "choose it as the landing step",
        "nécessite une étape d'atterrissage dans les événements (landing, session_start, "
        f"home_page ou page_view){_NB}; choisissez-la comme étape d'atterrissage",
    ),
    "stages.needs.product": (
        "needs a product-view step in the events (product_view, view_item, view or "
        "search_page); choose it as the product step",
        "nécessite une étape de vue produit dans les événements (product_view, view_item, view "
        f"ou search_page){_NB}; choisissez-la comme étape produit",
    ),
    "stages.needs.cart": (
        "needs an add-to-cart step in the events (add_to_cart or cart); choose it as the cart step",
        "nécessite une étape d'ajout au panier dans les événements (add_to_cart ou cart)"
        f"{_NB}; choisissez-la comme étape panier",
    ),
    "stages.needs.purchase": (
        "needs a purchase step in the events (purchase, order, transaction) or an orders file "
        "with order_id or revenue",
        "nécessite une étape d'achat dans les événements (purchase, order, transaction) ou un "
        "fichier de commandes avec order_id ou un chiffre d'affaires",
    ),
    "stages.needs.revenue": (
        "needs a revenue column (order total) in the events or an orders file",
        "nécessite une colonne de chiffre d'affaires (total de la commande) dans les "
        "événements ou un fichier de commandes",
    ),
    "stages.needs.lead": (
        "needs lead and customer steps in the events (e.g. HubSpot 'Became a Lead Date' and "
        "'Became a Customer Date' columns) or a lifecycle-stage column such as HubSpot "
        "'Lifecycle Stage'",
        "nécessite des étapes lead et client dans les événements (par exemple les colonnes "
        f"HubSpot «{_NB}Became a Lead Date{_NB}» et «{_NB}Became a Customer Date{_NB}») ou une "
        f"colonne d'étape du cycle de vie comme «{_NB}Lifecycle Stage{_NB}» de HubSpot",
    ),
    # ---- an empty selection
    "stages.empty.users": ("no users in this selection", "aucun utilisateur dans cette sélection"),
    "stages.empty.sessions": (
        "no sessions in this selection",
        "aucune session dans cette sélection",
    ),
    "stages.empty.landing_sessions": (
        "no session starts on the landing step in this selection",
        "aucune session ne commence par l'étape d'atterrissage dans cette sélection",
    ),
    "stages.empty.timed_sessions": (
        "no timed sessions in this selection",
        "aucune session horodatée dans cette sélection",
    ),
    "stages.empty.impressions": (
        "no impressions in this selection",
        "aucune impression dans cette sélection",
    ),
    "stages.empty.traffic": ("no traffic in this selection", "aucun trafic dans cette sélection"),
    "stages.empty.leads": ("no leads in this selection", "aucun lead dans cette sélection"),
    "stages.empty.orders": ("no orders in this selection", "aucune commande dans cette sélection"),
    "stages.empty.carts": (
        "nobody added to cart in this selection",
        "personne n'a ajouté au panier dans cette sélection",
    ),
    "stages.empty.purchases": (
        "no purchases in this selection",
        "aucun achat dans cette sélection",
    ),
    "stages.empty.closed_deals": (
        "no closed deal in this selection",
        "aucune affaire clôturée dans cette sélection",
    ),
    # ---- what a definition says about this data (after the formula)
    "stages.note.no_first_seen": (
        "No first-seen dates were given, so every user of the data counts as new.",
        "Aucune date de première visite n'est fournie\u00a0: chaque utilisateur des données "
        "compte donc comme nouveau.",
    ),
    "stages.note.left_out": (
        "Here {left_out:int} of {purchasers:int} purchasers have no earlier event and are left "
        "out.",
        "Ici, {left_out:int} {left_out:plural:acheteur|acheteurs} sur {purchasers:int} "
        "{left_out:plural:n'a|n'ont} pas d'événement antérieur et "
        "{left_out:plural:n'est pas compté|ne sont pas comptés}.",
    ),
    "stages.note.lead_stage_column": (
        "Here from the stage column '{column}': leads are contacts at Lead or beyond (Lead, "
        "MQL, SQL, Opportunity, Customer, Evangelist), customers at Customer or beyond; a "
        "contact at a stage has passed the stages before it. Subscribers and contacts outside "
        "the pipeline are not leads.",
        f"Ici, d'après la colonne d'étape «{_NB}{{column}}{_NB}»{_NB}: les leads sont les "
        "contacts à l'étape Lead ou au-delà (Lead, MQL, SQL, Opportunité, Client, "
        f"Ambassadeur), les clients à l'étape Client ou au-delà{_NB}; un contact à une étape "
        "est passé par les étapes précédentes. Les abonnés et les contacts hors pipeline ne "
        "sont pas des leads.",
    ),
    # ---- step roles (in errors)
    "stages.role.landing": ("landing", "d'atterrissage"),
    "stages.role.product": ("product", "produit"),
    "stages.role.cart": ("cart", "panier"),
    "stages.role.purchase": ("purchase", "d'achat"),
    "stages.role.lead": ("lead", "lead"),
    "stages.role.customer": ("customer", "client"),
    # ---- errors and what to do
    "stages.error.no_column": (
        "The events have no {column} column, so journey KPIs cannot be computed.",
        "Les événements n'ont pas de colonne {column}\u00a0: les KPI du parcours ne peuvent "
        "pas être calculés.",
    ),
    "stages.hint.map_column": (
        "Map a column to the '{column}' role on the data page.",
        f"Associez une colonne au rôle «{_NB}{{column}}{_NB}» sur la page Données.",
    ),
    "stages.error.unknown_step": (
        "The {role} step '{step}' is not a step of this data.",
        f"L'étape {{role}} «{_NB}{{step}}{_NB}» n'est pas une étape de ces données.",
    ),
    "stages.hint.choose_step": (
        "Choose one of: {steps:list}.",
        "Choisissez parmi\u00a0: {steps:list}.",
    ),
    "stages.hint.no_steps": (
        "This data has no steps: map the event-name column on the data page.",
        "Ces données n'ont pas d'étapes\u00a0: associez la colonne du nom d'événement sur la "
        "page Données.",
    ),
    "stages.error.unknown_option": (
        "Unknown step option(s): {options:list}.",
        "Option(s) d'étape inconnue(s)\u00a0: {options:list}.",
    ),
    "stages.hint.step_options": ("Use {options:orlist}.", "Utilisez {options:orlist}."),
    "stages.error.no_segment": (
        "There is no '{segment}' segment in this data.",
        f"Il n'y a pas de segment «{_NB}{{segment}}{_NB}» dans ces données.",
    ),
    "stages.hint.pick_segment": (
        "Pick one of the segment columns shown in the sidebar.",
        "Choisissez l'une des colonnes de segment affichées dans la barre latérale.",
    ),
    "stages.error.session_column": (
        "Session durations need a {column} column in the events.",
        "Les durées de session nécessitent une colonne {column} dans les événements.",
    ),
    "stages.hint.session_columns": (
        "Map the session and time columns on the data page.",
        "Associez les colonnes de session et d'horodatage sur la page Données.",
    ),
    "stages.error.first_seen_columns": (
        "The first-seen table needs user_id and first_seen columns.",
        "La table des premières visites nécessite les colonnes user_id et first_seen.",
    ),
    "stages.hint.first_seen_columns": (
        "Pass the unfiltered users' first event dates as (user_id, first_seen).",
        "Fournissez la date du premier événement de chaque utilisateur, sans filtre, sous la "
        "forme (user_id, first_seen).",
    ),
    # ---- the Stage KPIs page
    "stages.stage.awareness": ("Awareness", "Sensibilisation"),
    "stages.stage.consideration": ("Consideration", "Considération"),
    "stages.stage.decision": ("Decision", "Décision"),
    "stages.blurb.awareness": (
        "Who finds you: traffic, sessions, ads.",
        "Qui vous découvre\u00a0: trafic, sessions, publicités.",
    ),
    "stages.blurb.consideration": (
        "Who looks closer: product views, engagement, leads.",
        "Qui regarde de plus près\u00a0: vues produit, engagement, leads.",
    ),
    "stages.blurb.decision": (
        "Who buys: conversion, orders, basket, abandonment.",
        "Qui achète\u00a0: conversion, commandes, panier moyen, abandon de panier.",
    ),
    "stages.page.what": (
        "the stage KPIs (users, sessions, conversion, orders)",
        "les KPI par étape (utilisateurs, sessions, conversion, commandes)",
    ),
    "stages.page.no_flag": (
        "No red flag: every KPI is within its threshold for this view.",
        "Aucune alerte\u00a0: chaque KPI respecte son seuil pour cette vue.",
    ),
    "stages.page.no_previous": (
        "No earlier period to compare with: narrow the **Period** in the sidebar (e.g. one "
        "month, with data before it) to see each KPI's change vs the period before it.",
        "Pas de période antérieure à comparer\u00a0: réduisez la **Période** dans la barre "
        "latérale (par exemple un mois, avec des données avant lui) pour voir l'évolution de "
        "chaque KPI par rapport à la période précédente.",
    ),
    "stages.page.segment": ("Segment for the tables", "Segment des tableaux"),
    "stages.page.segment_help": (
        "Each stage's KPIs per value of this segment (top {n:int} values, the rest as 'Other').",
        "Les KPI de chaque étape par valeur de ce segment (les {n:int} premières valeurs, le "
        "reste dans «\u00a0Autres\u00a0»).",
    ),
    "stages.page.computing_by": ("Computing KPIs per segment…", "Calcul des KPI par segment…"),
    "stages.page.by_segment": ("{stage} by {segment}", "{stage} par {segment}"),
    "stages.page.no_split": (
        "None of this stage's KPIs can be split by segment with these data.",
        "Aucun KPI de cette étape ne peut être ventilé par segment avec ces données.",
    ),
    "stages.page.after": ("After the purchase", "Après l'achat"),
    "stages.page.retention_blurb": (
        "Do customers come back? Cohorts and churn.",
        "Les clients reviennent-ils\u00a0? Cohortes et churn.",
    ),
    "stages.page.advocacy_blurb": (
        "Do they recommend you? NPS, CSAT, referrals.",
        "Vous recommandent-ils\u00a0? NPS, CSAT, parrainages.",
    ),
    "stages.page.not_in_build": (
        "**{page}** (not available in this build)",
        "**{page}** (non disponible dans cette version)",
    ),
    "stages.page.computing": (
        "Computing the stage KPIs in the engine…",
        "Calcul des KPI par étape dans le moteur…",
    ),
    "stages.page.engine_no_users": (
        "No user of the connected table has an event in this view: widen the Period or the "
        "segments in the sidebar.",
        "Aucun utilisateur de la table connectée n'a d'événement dans cette vue\u00a0: "
        "élargissez la Période ou les segments dans la barre latérale.",
    ),
    "stages.page.engine_note": (
        "Summed in the engine on the connected table {table}, per segment value too: only the "
        "totals behind the KPIs were brought back. A user's segment is their first touch over "
        "the whole table.",
        "Sommé dans le moteur sur la table connectée {table}, par valeur de segment aussi\u00a0: "
        "seuls les totaux derrière les KPI ont été rapatriés. Le segment d'un utilisateur est "
        "celui de son premier contact sur toute la table.",
    ),
    "stages.page.over_time_title": ("Over time", "Dans le temps"),
    "stages.page.over_time": ("Show the KPIs over time", "Afficher les KPI dans le temps"),
    "stages.page.over_time_help": (
        "Every KPI of this view computed for each month (or week) of its period, with the "
        "sidebar's segments.",
        "Chaque KPI de cette vue calculé pour chaque mois (ou semaine) de sa période, avec les "
        "segments de la barre latérale.",
    ),
    "stages.page.computing_over_time": (
        "Computing the KPIs of each period…",
        "Calcul des KPI de chaque période…",
    ),
    "stages.page.grain": ("Periods", "Périodes"),
    "stages.page.grain.month": ("Months", "Mois"),
    "stages.page.grain.week": ("Weeks", "Semaines"),
    "stages.page.over_time_kpi": ("KPI on the chart", "KPI du graphique"),
    "stages.page.period": ("Period", "Période"),
    "stages.page.over_time_none": (
        "No dates in this data: the KPIs cannot be shown over time.",
        "Pas de dates dans ces données\u00a0: les KPI ne peuvent pas être montrés dans le temps.",
    ),
    "stages.page.over_time_caption": (
        "{n:int} periods from {first:date} to {last:date} (at most the last 24; the first and "
        "last are cut to the view's dates). Each period's KPIs are computed on its own: a user "
        "active in two months counts in both, so the periods' users do not add up to the view's.",
        "{n:int}\u00a0périodes du {first:date} au {last:date} (au plus les 24 dernières\u00a0; la "
        "première et la dernière sont coupées aux dates de la vue). Les KPI de chaque période sont "
        "calculés sur elle seule\u00a0: un utilisateur actif deux mois compte dans les deux, les "
        "utilisateurs des périodes ne s'additionnent donc pas à ceux de la vue.",
    ),
    # canonical segment names (a column of the file keeps its own header)
    "stages.segment.device": ("device", "appareil"),
    "stages.segment.channel": ("channel", "canal"),
    "stages.segment.cohort": ("cohort", "cohorte"),
    "stages.segment.variant": ("variant", "variante"),
}
