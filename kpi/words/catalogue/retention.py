"""Retention: cohorts, curves, repeat purchase, purchase frequency, churn (kpi.retention and
the Retention page)."""

from __future__ import annotations

NB = "\u00a0"  # no-break space (French typography: before : ; ? ! and inside « »)

MESSAGES: dict[str, tuple[str, str]] = {
    # ------------------------------------------------------------ KPI names and definitions
    # TEMPORARY (h7): the def.* entries of the retention KPIs, until the definitions engineer's
    # entries are merged; the lead keeps one copy.
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
    # ------------------------------------------------------------ the Retention page
    "retention.page.what_to_do": ("What to do: {hint}", "Que faire\u00a0: {hint}"),
    "retention.page.aggregated_what": (
        "cohorts, repeat purchases and churn",
        "les cohortes, les achats répétés et le taux de churn",
    ),
    "retention.page.needs_dates": (
        "Retention needs a date on every event (a timestamp column). Map one on the Data page, "
        "or upload an event log or orders with dates.",
        "La rétention a besoin d'une date sur chaque événement (une colonne d'horodatage). "
        "Associez-en une sur la page Données, ou importez un journal d'événements ou des "
        "commandes datées.",
    ),
    "retention.page.computing": ("Computing cohorts…", "Calcul des cohortes…"),
    "retention.page.cohort_by": ("Cohort by", "Cohorte selon"),
    "retention.page.cohort_by_help": (
        "Users are grouped by the {grain} of this date (change month / week in the sidebar).",
        "Les utilisateurs sont regroupés par {grain} de cette date (choisissez mois ou semaine "
        "dans la barre latérale).",
    ),
    "retention.page.anchor.first_event": ("first visit", "première visite"),
    "retention.page.anchor.first_purchase": ("first purchase", "premier achat"),
    "retention.page.anchor.signup": ("signup date", "date d'inscription"),
    "retention.page.return": ("Counts as a return", "Compte comme un retour"),
    "retention.page.return_help": (
        "What a user must do in a later period to count as retained (an event of that step).",
        "Ce qu'un utilisateur doit faire lors d'une période ultérieure pour être compté comme "
        "retenu (un événement de cette étape).",
    ),
    "retention.page.retained": ("Retained", "Retenu"),
    "retention.page.retained_help": (
        "On: active in that exact period. On or after: active in that period or any later one "
        "(rolling retention; the curve never rises).",
        "Pendant N\u00a0: actif pendant cette période précise. N ou après\u00a0: actif pendant "
        "cette période ou une période ultérieure (rétention glissante\u00a0; la courbe ne "
        "remonte jamais).",
    ),
    "retention.page.mode.on": ("on", "pendant N"),
    "retention.page.mode.on_or_after": ("on or after", "N ou après"),
    "retention.page.periods_shown.month": ("Months shown", "Mois affichés"),
    "retention.page.periods_shown.week": ("Weeks shown", "Semaines affichées"),
    "retention.page.periods_shown.day": ("Days shown", "Jours affichés"),
    "retention.page.breakdown": ("Break down by", "Répartir par"),
    "retention.page.breakdown_help": (
        "Top values by users, the rest grouped as Other (totals reconcile).",
        "Les valeurs les plus fréquentes (en utilisateurs), le reste regroupé dans Autres (les "
        "totaux se recoupent).",
    ),
    "retention.page.inactive_purchase": (
        "Churned after (days without a purchase)",
        "Perdu après (jours sans achat)",
    ),
    "retention.page.inactive_any": (
        "Churned after (days inactive)",
        "Perdu après (jours d'inactivité)",
    ),
    "retention.page.trend_n.month": (
        "Month N for the retention trend",
        "Mois N pour l'évolution de la rétention",
    ),
    "retention.page.trend_n.week": (
        "Week N for the retention trend",
        "Semaine N pour l'évolution de la rétention",
    ),
    "retention.page.trend_n.day": (
        "Day N for the retention trend",
        "Jour N pour l'évolution de la rétention",
    ),
    "retention.page.as_of": ("{day:date}", "{day:date}"),
    "retention.page.end_of_data": ("the end of the data", "la fin des données"),
    "retention.page.start_of_data": ("the start of the data", "le début des données"),
    "retention.page.end_of_period": (
        "the end of the chosen period",
        "la fin de la période choisie",
    ),
    "retention.page.cohorts_started": (
        "**Cohorts that started between {first} and {last}** ({anchor}), followed until "
        "{until}, also after the chosen period.",
        "**Cohortes commencées entre {first} et {last}** ({anchor}), suivies jusqu'à {until}, "
        "y compris après la période choisie.",
    ),
    "retention.page.no_churn": (
        "No dates, so no churn.",
        "Pas de dates, donc pas de taux de churn.",
    ),
    "retention.page.churn_rule": (
        "**Churn rule:** {rule} The churn period is the {days:int} days ending on {end:date} "
        "({until}); churn counts every user of the chosen segments, not only the cohorts above.",
        "**Règle du taux de churn\u00a0:** {rule} La période mesurée couvre les {days:int} jours "
        "se terminant le {end:date} ({until})\u00a0; le taux de churn compte tous les "
        "utilisateurs des segments choisis, pas seulement les cohortes ci-dessus.",
    ),
    "retention.page.heatmap_title.month": (
        "Share of each monthly cohort retained, month by month",
        "Part de chaque cohorte mensuelle retenue, mois par mois",
    ),
    "retention.page.heatmap_title.week": (
        "Share of each weekly cohort retained, week by week",
        "Part de chaque cohorte hebdomadaire retenue, semaine par semaine",
    ),
    "retention.page.heatmap_title.day": (
        "Share of each daily cohort retained, day by day",
        "Part de chaque cohorte quotidienne retenue, jour par jour",
    ),
    "retention.page.heatmap_rows": (
        "Rows: cohorts with their size. Last row: average weighted by cohort size (complete "
        "cells only).",
        "Lignes\u00a0: les cohortes et leur taille. Dernière ligne\u00a0: moyenne pondérée par "
        "la taille des cohortes (cellules terminées uniquement).",
    ),
    "retention.page.heatmap_grey.month": (
        "Grey cells with * : month still in progress on {until} (will grow).",
        "Cellules grises avec *\u00a0: mois encore en cours au {until} (la valeur va augmenter).",
    ),
    "retention.page.heatmap_grey.week": (
        "Grey cells with * : week still in progress on {until} (will grow).",
        "Cellules grises avec *\u00a0: semaine encore en cours au {until} (la valeur va "
        "augmenter).",
    ),
    "retention.page.heatmap_grey.day": (
        "Grey cells with * : day still in progress on {until} (will grow).",
        "Cellules grises avec *\u00a0: jour encore en cours au {until} (la valeur va augmenter).",
    ),
    "retention.page.period_short.month": ("M{n}", "M{n}"),
    "retention.page.period_short.week": ("W{n}", "S{n}"),
    "retention.page.period_short.day": ("D{n}", "J{n}"),
    "retention.page.table_title": ("Cohort table (numbers)", "Table des cohortes (chiffres)"),
    "retention.page.col.cohort": ("Cohort", "Cohorte"),
    "retention.page.col.users": ("Users", "Utilisateurs"),
    "retention.page.definitions": (
        "{cohort}: {cohort_formula} {weighted}: {weighted_formula}",
        "{cohort}\u00a0: {cohort_formula} {weighted}\u00a0: {weighted_formula}",
    ),
    "retention.page.curves": ("Retention curves", "Courbes de rétention"),
    "retention.page.per_cohort": ("Per cohort", "Par cohorte"),
    "retention.page.per_segment": ("Per segment", "Par segment"),
    "retention.page.per_segment_choose": (
        "Per segment (choose a breakdown)",
        "Par segment (choisissez une répartition)",
    ),
    "retention.page.nothing_to_draw": (
        "No retention curve for this view.",
        "Aucune courbe de rétention pour cette vue.",
    ),
    "retention.page.curves_title": (
        "Retention curve of each cohort",
        "Courbe de rétention de chaque cohorte",
    ),
    "retention.page.choose_breakdown": (
        "Choose a segment in **Break down by** above to compare retention per segment.",
        "Choisissez un segment dans **Répartir par** ci-dessus pour comparer la rétention par "
        "segment.",
    ),
    "retention.page.by_segment_title": (
        "Retention by {segment} (weighted average over cohorts)",
        "Rétention par {segment} (moyenne pondérée des cohortes)",
    ),
    "retention.page.by_segment_heatmap": (
        "Average retention by {segment}",
        "Rétention moyenne par {segment}",
    ),
    "retention.page.by_segment_rows": (
        "Each row: weighted average over that segment's complete cohort cells.",
        "Chaque ligne\u00a0: moyenne pondérée des cellules terminées des cohortes de ce segment.",
    ),
    "retention.page.first_touch": (
        "A user counts under the segment value of their first event (first touch); values "
        "outside the top ones are grouped as Other, so the rows add up to every user.",
        "Un utilisateur compte dans la valeur de segment de son premier événement (premier "
        "contact)\u00a0; les valeurs hors des plus fréquentes sont regroupées dans Autres, si "
        "bien que les lignes totalisent tous les utilisateurs.",
    ),
    "retention.page.trend_title.month": (
        "Month {n} retention across cohorts",
        "Rétention au mois {n}, cohorte par cohorte",
    ),
    "retention.page.trend_title.week": (
        "Week {n} retention across cohorts",
        "Rétention à la semaine {n}, cohorte par cohorte",
    ),
    "retention.page.trend_title.day": (
        "Day {n} retention across cohorts",
        "Rétention au jour {n}, cohorte par cohorte",
    ),
    "retention.page.so_far": (
        "{cohort}: {retained:int} of {size:int} so far",
        "{cohort}\u00a0: {retained:int} sur {size:int} pour l'instant",
    ),
    "retention.page.trend_in_progress.month": (
        "No cohort has a complete month {n} yet: it is still in progress ({parts:list}). Come "
        "back later, or choose a smaller N.",
        "Aucune cohorte n'a encore de mois {n} terminé\u00a0: il est en cours ({parts:list}). "
        "Revenez plus tard, ou choisissez un N plus petit.",
    ),
    "retention.page.trend_in_progress.week": (
        "No cohort has a complete week {n} yet: it is still in progress ({parts:list}). Come "
        "back later, or choose a smaller N.",
        "Aucune cohorte n'a encore de semaine {n} terminée\u00a0: elle est en cours "
        "({parts:list}). Revenez plus tard, ou choisissez un N plus petit.",
    ),
    "retention.page.trend_in_progress.day": (
        "No cohort has a complete day {n} yet: it is still in progress ({parts:list}). Come "
        "back later, or choose a smaller N.",
        "Aucune cohorte n'a encore de jour {n} terminé\u00a0: il est en cours ({parts:list}). "
        "Revenez plus tard, ou choisissez un N plus petit.",
    ),
    "retention.page.trend_none.month": (
        "No cohort of this view has reached month {n}.",
        "Aucune cohorte de cette vue n'a atteint le mois {n}.",
    ),
    "retention.page.trend_none.week": (
        "No cohort of this view has reached week {n}.",
        "Aucune cohorte de cette vue n'a atteint la semaine {n}.",
    ),
    "retention.page.trend_none.day": (
        "No cohort of this view has reached day {n}.",
        "Aucune cohorte de cette vue n'a atteint le jour {n}.",
    ),
    "retention.page.trend_average.month": (
        "Weighted average month {n} retention: **{rate:pct}**.",
        "Rétention moyenne pondérée au mois {n}\u00a0: **{rate:pct}**.",
    ),
    "retention.page.trend_average.week": (
        "Weighted average week {n} retention: **{rate:pct}**.",
        "Rétention moyenne pondérée à la semaine {n}\u00a0: **{rate:pct}**.",
    ),
    "retention.page.trend_average.day": (
        "Weighted average day {n} retention: **{rate:pct}**.",
        "Rétention moyenne pondérée au jour {n}\u00a0: **{rate:pct}**.",
    ),
    "retention.page.months": ("{n:num1} months", "{n:num1}\u00a0mois"),
    "retention.page.days": ("{n:num1} days", "{n:num1}\u00a0jours"),
    "retention.page.week_of": ("Week of {start:date}", "Sem. du {start:date}"),
    # ------------------------------------------------------------ cohort charts
    "retention.chart.in_progress": (
        "in progress (will still grow)",
        "en cours (va encore augmenter)",
    ),
    "retention.chart.complete": ("complete", "terminée"),
    "retention.chart.row_label": (
        "{cohort} · {users:int} users",
        "{cohort} · {users:int} utilisateurs",
    ),
    "retention.chart.periods_since.month": (
        "Months since the cohort's start (M0 = its own month)",
        "Mois depuis le début de la cohorte (M0 = son propre mois)",
    ),
    "retention.chart.periods_since.week": (
        "Weeks since the cohort's start (W0 = its own week)",
        "Semaines depuis le début de la cohorte (S0 = sa propre semaine)",
    ),
    "retention.chart.periods_since.day": (
        "Days since the cohort's start (D0 = its own day)",
        "Jours depuis le début de la cohorte (J0 = son propre jour)",
    ),
    "retention.chart.periods_since_start.month": (
        "Months since the cohort's start",
        "Mois depuis le début de la cohorte",
    ),
    "retention.chart.periods_since_start.week": (
        "Weeks since the cohort's start",
        "Semaines depuis le début de la cohorte",
    ),
    "retention.chart.periods_since_start.day": (
        "Days since the cohort's start",
        "Jours depuis le début de la cohorte",
    ),
    "retention.chart.periods_after.month": ("Months after", "Mois après"),
    "retention.chart.periods_after.week": ("Weeks after", "Semaines après"),
    "retention.chart.periods_after.day": ("Days after", "Jours après"),
    "retention.chart.users_in_cohort": ("Users in cohort", "Utilisateurs de la cohorte"),
    "retention.chart.users_retained": ("Users retained", "Utilisateurs retenus"),
    "retention.chart.retention": ("Retention", "Rétention"),
    "retention.chart.period": ("Period", "Période"),
    "retention.chart.period_complete": ("Period complete", "Période terminée"),
    "retention.chart.complete_only": (
        "Complete periods only (the one in progress is left out).",
        "Périodes terminées uniquement (la période en cours est écartée).",
    ),
    "retention.chart.weighted_average": ("Weighted average", "Moyenne pondérée"),
    "retention.chart.dashed_average": (
        "Black dashed line: weighted average over cohorts. Complete periods only.",
        "Ligne noire en pointillés\u00a0: moyenne pondérée des cohortes. Périodes terminées "
        "uniquement.",
    ),
    "retention.chart.retained_in.month": ("Retained in month {n}", "Retenus au mois {n}"),
    "retention.chart.retained_in.week": ("Retained in week {n}", "Retenus à la semaine {n}"),
    "retention.chart.retained_in.day": ("Retained in day {n}", "Retenus au jour {n}"),
    "retention.chart.trend_title.month": (
        "Month {n} retention of each cohort",
        "Rétention au mois {n} de chaque cohorte",
    ),
    "retention.chart.trend_title.week": (
        "Week {n} retention of each cohort",
        "Rétention à la semaine {n} de chaque cohorte",
    ),
    "retention.chart.trend_title.day": (
        "Day {n} retention of each cohort",
        "Rétention au jour {n} de chaque cohorte",
    ),
    "retention.chart.trend_subtitle": (
        "Dashed line: weighted average over complete cohorts. Pale bars: still in progress.",
        "Ligne en pointillés\u00a0: moyenne pondérée des cohortes terminées. Barres pâles\u00a0: "
        "encore en cours.",
    ),
    "retention.page.col.users_retained": ("Users retained", "Utilisateurs retenus"),
}
