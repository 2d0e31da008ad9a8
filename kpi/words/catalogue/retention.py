"""Retention: cohorts, curves, repeat purchase, purchase frequency, churn (kpi.retention and
the Retention page)."""

from __future__ import annotations

NB = "\u00a0"  # no-break space (French typography: before : ; ? ! and inside « »)

MESSAGES: dict[str, tuple[str, str]] = {
    # ------------------------------------------------------------ KPI names and definitions
    # TEMPORARY (h7): the def.* entries of the retention KPIs, until the definitions engineer's
    # entries are merged; the lead keeps one copy.
    "def.cohort_retention.label": ("Cohort retention", "Rétention par cohorte"),
    "def.cohort_retention.formula": (
        "Users of a cohort who came back in period N (or, 'on or after', in N or later) ÷ users "
        "in the cohort. Cohort = calendar period of the user's first start event.",
        "Utilisateurs d'une cohorte revenus pendant la période N (ou, «\u00a0N ou après\u00a0», "
        "pendant N ou plus tard) ÷ utilisateurs de la cohorte. Cohorte = période calendaire du "
        "premier événement de l'utilisateur.",
    ),
    "def.weighted_retention.label": (
        "Average retention (weighted)",
        "Rétention moyenne (pondérée)",
    ),
    "def.weighted_retention.formula": (
        "Sum of retained users ÷ sum of cohort sizes over the cohorts whose period N is complete "
        "(bigger cohorts weigh more).",
        "Somme des utilisateurs retenus ÷ somme des tailles de cohorte, sur les cohortes dont la "
        "période N est terminée (les grandes cohortes pèsent plus).",
    ),
    "def.repeat_purchase_rate.label": ("Repeat-purchase rate", "Taux d'achat répété"),
    "def.repeat_purchase_rate.formula": (
        "Customers with 2 or more orders ÷ customers with at least one order.",
        "Clients ayant passé au moins 2 commandes ÷ clients ayant passé au moins une commande.",
    ),
    "def.purchase_frequency.label": ("Purchase frequency", "Fréquence d'achat"),
    "def.purchase_frequency.formula": (
        "Orders ÷ customers over the period (orders = distinct order ids, else purchase events).",
        "Commandes ÷ clients sur la période (commandes = numéros de commande distincts, à défaut "
        "événements d'achat).",
    ),
    "def.churn.label": ("Churn rate", "Taux de churn (attrition)"),
    "def.churn.formula": (
        "Customers lost during the period ÷ customers at its start. At start = last activity "
        "before the period within the inactivity limit; lost = no activity during the period.",
        "Clients perdus pendant la période ÷ clients au début de la période. Au début = dernière "
        "activité avant la période dans le délai d'inactivité\u00a0; perdu = aucune activité "
        "pendant la période.",
    ),
    "def.retention_rate.label": ("Customer retention rate", "Taux de rétention client"),
    "def.retention_rate.formula": (
        "1 − churn rate: customers at the start of the period who were active again during it "
        "÷ customers at its start.",
        "1 − taux de churn\u00a0: clients présents au début de la période et de nouveau actifs "
        "pendant celle-ci ÷ clients au début de la période.",
    ),
    # ------------------------------------------------------------ errors and hints
    "retention.error.grain": (
        "Unknown period '{grain}'.",
        "Période inconnue\u00a0: «\u00a0{grain}\u00a0».",
    ),
    "retention.hint.grain": (
        "Choose one of: {allowed:orlist}.",
        "Choisissez\u00a0: {allowed:orlist}.",
    ),
    "retention.error.missing_columns": (
        "{what} needs the {n:plural:column|columns} {columns:list}, which the data does not have.",
        "{what} a besoin {n:plural:de la colonne|des colonnes} {columns:list}, {n:plural:absente|absentes} "
        "des données.",
    ),
    "retention.hint.missing_columns": (
        "Map a column to that role on the Data page (or join the segment from the user table).",
        "Associez une colonne à ce rôle sur la page Données (ou joignez le segment depuis la "
        "table des utilisateurs).",
    ),
    "retention.error.mode": (
        "Unknown retention mode '{mode}'.",
        "Mode de rétention inconnu\u00a0: «\u00a0{mode}\u00a0».",
    ),
    "retention.hint.mode": (
        "Choose 'on' (in period N) or 'on_or_after' (in period N or later).",
        "Choisissez «\u00a0on\u00a0» (pendant la période N) ou «\u00a0on_or_after\u00a0» "
        "(pendant la période N ou après).",
    ),
    "retention.error.negative_periods": (
        "The number of periods cannot be negative.",
        "Le nombre de périodes ne peut pas être négatif.",
    ),
    "retention.hint.zero_or_more": ("Give 0 or more.", "Indiquez 0 ou plus."),
    "retention.error.purchase_start": (
        "A first-purchase cohort starts with the purchase step, not with '{step}'.",
        "Une cohorte de premier achat commence par l'étape d'achat, pas par «\u00a0{step}\u00a0».",
    ),
    "retention.hint.use_first_event": (
        "Use cohorts by first event with that start step instead.",
        "Utilisez plutôt des cohortes par premier événement avec cette étape de départ.",
    ),
    "retention.error.signup_start": (
        "Cohorts by the '{column}' column do not use a start step.",
        "Les cohortes par la colonne «\u00a0{column}\u00a0» n'utilisent pas d'étape de départ.",
    ),
    "retention.hint.leave_start_empty": (
        "Leave the start step empty, or use cohorts by first event.",
        "Laissez l'étape de départ vide, ou utilisez des cohortes par premier événement.",
    ),
    "retention.error.curve_grouping": (
        "Unknown curve grouping '{per}'.",
        "Regroupement de courbes inconnu\u00a0: «\u00a0{per}\u00a0».",
    ),
    "retention.hint.curve_grouping": (
        "Choose 'cohort' or 'segment'.",
        "Choisissez «\u00a0cohort\u00a0» (par cohorte) ou «\u00a0segment\u00a0» (par segment).",
    ),
    "retention.error.average_needs_segment": (
        "Averages per segment need a cohort table with a segment column.",
        "Les moyennes par segment demandent une table de cohortes avec une colonne de segment.",
    ),
    "retention.error.inactivity": (
        "The inactivity limit must be at least one day.",
        "Le délai d'inactivité doit être d'au moins un jour.",
    ),
    "retention.hint.inactivity": (
        "Give a number of days, e.g. 90.",
        "Indiquez un nombre de jours, par exemple 90.",
    ),
    "retention.error.period_order": (
        "The period ends before it starts.",
        "La période se termine avant de commencer.",
    ),
    "retention.hint.period_order": (
        "Pick an end date on or after the start date.",
        "Choisissez une date de fin égale ou postérieure à la date de début.",
    ),
    # what needs a column (subjects of retention.error.missing_columns)
    "retention.what.retention": ("Retention", "La rétention"),
    "retention.what.churn": ("Churn", "Le taux de churn"),
    "retention.what.orders": ("Counting orders", "Le décompte des commandes"),
    "retention.what.breakdown": ("A segment breakdown", "La répartition par segment"),
    "retention.what.cohort_dates": ("Cohorts by date", "Les cohortes par date"),
    # ------------------------------------------------------------ why a table is empty
    "retention.note.no_events": (
        "There are no events, so there are no cohorts to show.",
        "Il n'y a aucun événement, donc aucune cohorte à afficher.",
    ),
    "retention.note.no_dates": (
        "Retention needs event dates, and these events have none.",
        "La rétention a besoin des dates des événements, et ces événements n'en ont pas.",
    ),
    "retention.note.no_start_step": (
        "No event has the start step '{step}' (steps found: {found:list}).",
        "Aucun événement n'a l'étape de départ «\u00a0{step}\u00a0» (étapes trouvées\u00a0: "
        "{found:list}).",
    ),
    "retention.note.no_return_step": (
        "No event has the return step '{step}' (steps found: {found:list}).",
        "Aucun événement n'a l'étape de retour «\u00a0{step}\u00a0» (étapes trouvées\u00a0: "
        "{found:list}).",
    ),
    "retention.note.no_cohort_value": (
        "No user has a value in the cohort column '{column}'.",
        "Aucun utilisateur n'a de valeur dans la colonne de cohorte «\u00a0{column}\u00a0».",
    ),
    "retention.note.no_user_in_cohorts": (
        "No user has an event in the chosen cohorts.",
        "Aucun utilisateur n'a d'événement dans les cohortes choisies.",
    ),
    "retention.note.no_customers": (
        "There are no events, so there are no customers yet.",
        "Il n'y a aucun événement, donc pas encore de clients.",
    ),
    "retention.note.no_purchases": ("There are no purchases.", "Il n'y a aucun achat."),
    "retention.note.no_purchase_step": (
        "No event has the purchase step '{step}' (steps found: {found:list}): nobody can be "
        "counted as a buyer.",
        "Aucun événement n'a l'étape d'achat «\u00a0{step}\u00a0» (étapes trouvées\u00a0: "
        "{found:list})\u00a0: personne ne peut être compté comme acheteur.",
    ),
    # ------------------------------------------------------------ KPI explanations
    "retention.repeat.explanation": (
        "{repeat:int} of {customers:int} customers ordered at least twice ({rate:pct}).",
        "{repeat:int} clients sur {customers:int} ont commandé au moins deux fois ({rate:pct}).",
    ),
    "retention.frequency.explanation": (
        "{orders:int} orders by {customers:int} customers: {frequency:num2} each.",
        "{orders:int} commandes pour {customers:int} clients\u00a0: {frequency:num2} par client.",
    ),
    "retention.activity.any": ("event", "événement"),
    "retention.activity.step": ("'{step}' event", "événement «\u00a0{step}\u00a0»"),
    "retention.churn.rule": (
        "Customers at the start: last {activity} before {start:date} within {days:int} days (on "
        "or after {since:date}). Lost: no {activity} from {start:date} to {end:date}. Churn = "
        "lost ÷ customers at the start.",
        "Clients au début\u00a0: dernier {activity} avant le {start:date} dans les {days:int} "
        "jours (à partir du {since:date}). Perdus\u00a0: aucun {activity} du {start:date} au "
        "{end:date}. Taux de churn = perdus ÷ clients au début.",
    ),
    "retention.churn.undefined": (
        "No customer was active in the inactivity window before the period, so churn is "
        "undefined. Move the period later or raise the inactivity limit.",
        "Aucun client n'était actif dans le délai d'inactivité précédant la période\u00a0: le "
        "taux de churn n'est pas défini. Décalez la période ou allongez le délai d'inactivité.",
    ),
    "retention.churn.explanation": (
        "{lost:int} of {customers:int} customers at the start were lost ({churn:pct}); {new:int} "
        "new {new:plural:customer|customers} arrived.",
        "{lost:int} clients sur {customers:int} présents au début ont été perdus ({churn:pct})\u00a0; "
        "{new:int} {new:plural:nouveau client est arrivé|nouveaux clients sont arrivés}.",
    ),
    # ------------------------------------------------------------ the cohort choices in words
    "retention.grain.month": ("month", "mois"),
    "retention.grain.week": ("week", "semaine"),
    "retention.grain.day": ("day", "jour"),
    "retention.anchor.first_event": (
        "the first visit (first event)",
        "de la première visite (premier événement)",
    ),
    "retention.anchor.first_purchase": ("the first purchase", "du premier achat"),
    "retention.anchor.column": ("the '{column}' date", "de la date «\u00a0{column}\u00a0»"),
    "retention.return.any": ("any event", "un événement quelconque"),
    "retention.return.purchase": ("a purchase", "un achat"),
    "retention.return.step": ("a '{step}' event", "un événement «\u00a0{step}\u00a0»"),
    "retention.settings": (
        "Cohort = {grain} of {anchor}. {rule}",
        "Cohorte = {grain} {anchor}. {rule}",
    ),
    "retention.settings.on": (
        "Retained in period N = did {criterion} in period N.",
        "Retenu en période N = a fait {criterion} pendant la période N.",
    ),
    "retention.settings.on_or_after": (
        "Retained in period N = did {criterion} in period N or any later period (on or after).",
        "Retenu en période N = a fait {criterion} pendant la période N ou une période ultérieure "
        "(N ou après).",
    ),
    "retention.average_row": ("Average (weighted)", "Moyenne (pondérée)"),
}
