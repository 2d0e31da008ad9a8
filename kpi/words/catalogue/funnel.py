"""The funnel: KPI names and definitions, insights, errors, and the Funnel page's words."""

from __future__ import annotations

_NB = "\u00a0"  # no-break space (French typography before : ; ? !)

MESSAGES: dict[str, tuple[str, str]] = {
    # ---- KPI names and definitions (kpi.definitions.label / formula) -------------------------
    # ---- insights (kpi.funnel.insights) ------------------------------------------------------
    "funnel.insight.no_users": (
        "No users reached the funnel.",
        "Aucun utilisateur n'est entré dans l'entonnoir.",
    ),
    "funnel.insight.no_first_step": (
        "No users did the first step ({step}), so there is no funnel to read.",
        "Aucun utilisateur n'a fait la première étape ({step})" + _NB + ": il n'y a pas "
        "d'entonnoir à lire.",
    ),
    "funnel.insight.no_loss": (
        "No user is lost between the steps ({users:int} at every step).",
        "Aucun utilisateur n'est perdu entre les étapes ({users:int} à chaque étape).",
    ),
    "funnel.insight.no_loss_count": (
        "Nothing is lost between the steps (a count of {users:int} at every step).",
        "Rien n'est perdu entre les étapes ({users:int} à chaque étape).",
    ),
    "funnel.insight.biggest_drop": (
        "The biggest drop-off is from {from_step} to {to_step}: {rate:pct} of users are lost "
        "({before:int} → {after:int}).",
        "Principal point de friction, de {from_step} à {to_step}" + _NB + ": {rate:pct} des "
        "utilisateurs abandonnent ({before:int} → {after:int}).",
    ),
    "funnel.insight.biggest_drop_count": (
        "The biggest drop-off is from {from_step} to {to_step}: {rate:pct} of the count is "
        "lost ({before:int} → {after:int}).",
        "Principal point de friction, de {from_step} à {to_step}" + _NB + ": le décompte "
        "baisse de {rate:pct} ({before:int} → {after:int}).",
    ),
    "funnel.insight.overall": (
        "Overall, {rate:pct} of users who did {first_step} reached {last_step} ({reached:int} "
        "of {started:int}).",
        "Au total, {rate:pct} des utilisateurs passés par {first_step} ont atteint {last_step} "
        "({reached:int} sur {started:int}).",
    ),
    "funnel.insight.overall_count": (
        "Overall, {rate:pct} of the {first_step} count reached {last_step} ({reached:int} of "
        "{started:int}).",
        "Au total, {rate:pct} du décompte de {first_step} atteint {last_step} ({reached:int} "
        "sur {started:int}).",
    ),
    "funnel.insight.weakest": (
        "{segment} converts {rate:pct} vs {overall:pct} overall (the weakest segment).",
        "{segment} convertit {rate:pct} contre {overall:pct} au total (le segment le plus faible).",
    ),
    "funnel.insight.strongest": (
        "{segment} converts {rate:pct} vs {overall:pct} overall (the strongest segment).",
        "{segment} convertit {rate:pct} contre {overall:pct} au total (le segment le plus "
        "performant).",
    ),
    "funnel.insight.weakest_small": (
        "{segment} converts {rate:pct} vs {overall:pct} overall (the weakest segment; only "
        "{users:int} at the last step: few users, may be chance).",
        "{segment} convertit {rate:pct} contre {overall:pct} au total (le segment le plus "
        "faible ; seulement {users:int} à la dernière étape" + _NB + ": trop peu pour conclure, "
        "ce peut être le hasard).",
    ),
    "funnel.insight.strongest_small": (
        "{segment} converts {rate:pct} vs {overall:pct} overall (the strongest segment; only "
        "{users:int} at the last step: few users, may be chance).",
        "{segment} convertit {rate:pct} contre {overall:pct} au total (le segment le plus "
        "performant ; seulement {users:int} à la dernière étape" + _NB + ": trop peu pour "
        "conclure, ce peut être le hasard).",
    ),
    # ---- errors and hints --------------------------------------------------------------------
    "funnel.error.not_a_table": (
        "The events must be a table (polars DataFrame).",
        "Les événements doivent être une table (DataFrame polars).",
    ),
    "funnel.error.missing_columns": (
        "The events table has no column {columns:list}.",
        "La table des événements n'a pas de colonne {columns:list}.",
    ),
    "funnel.hint.map_columns": (
        "Choose which column holds the user, the step (event name) and each segment.",
        "Indiquez quelle colonne contient l'utilisateur, l'étape (nom de l'événement) et "
        "chaque segment.",
    ),
    "funnel.error.needs_user_and_step": (
        "The events table needs a user column and a step column.",
        "La table des événements doit avoir une colonne utilisateur et une colonne étape.",
    ),
    "funnel.error.no_steps": (
        "No funnel steps were chosen.",
        "Aucune étape d'entonnoir n'a été choisie.",
    ),
    "funnel.hint.pick_step": ("Pick at least one step.", "Choisissez au moins une étape."),
    "funnel.error.unknown_order": (
        "Unknown funnel order {order}.",
        "Ordre d'entonnoir inconnu" + _NB + ": {order}.",
    ),
    "funnel.hint.orders": (
        'Use "sequential" or "any".',
        "Utilisez « sequential » (dans l'ordre) ou « any » (dans n'importe quel ordre).",
    ),
    "funnel.error.window_type": (
        "The conversion window must be a duration (e.g. 7 days) or none.",
        "La fenêtre de conversion doit être une durée (par exemple 7 jours) ou aucune.",
    ),
    "funnel.error.window_negative": (
        "The conversion window cannot be negative.",
        "La fenêtre de conversion ne peut pas être négative.",
    ),
    "funnel.hint.window_positive": ("Use a positive duration.", "Indiquez une durée positive."),
    "funnel.error.ts_type": (
        "The timestamp column has type {dtype}, not dates or times.",
        "La colonne d'horodatage est de type {dtype}, pas des dates ou des heures.",
    ),
    "funnel.hint.ts_type": (
        "Choose a date/time column for the timestamp or convert it when loading.",
        "Choisissez une colonne date/heure pour l'horodatage ou convertissez-la à l'import.",
    ),
    "funnel.error.window_needs_ts": (
        "A conversion window needs event timestamps, and these events have none.",
        "Une fenêtre de conversion nécessite l'horodatage des événements, et ces événements "
        "n'en ont pas.",
    ),
    "funnel.hint.window_needs_ts": (
        "Remove the window, or load a file with a date/time column.",
        "Retirez la fenêtre, ou importez un fichier avec une colonne date/heure.",
    ),
    "funnel.error.times_need_sequential": (
        "Step times need timestamps and a sequential (closed) funnel.",
        "Les délais entre étapes nécessitent un horodatage et un entonnoir séquentiel (fermé).",
    ),
    "funnel.hint.times_need_sequential": (
        "Choose the sequential order, or load events with a date/time column.",
        "Choisissez l'ordre séquentiel, ou importez des événements avec une colonne date/heure.",
    ),
    "funnel.error.times_need_ts": (
        "Times between steps need event timestamps, and these events have none.",
        "Les délais entre étapes nécessitent l'horodatage des événements, et ces événements "
        "n'en ont pas.",
    ),
    "funnel.hint.load_ts": (
        "Load a file with a date/time column for each event.",
        "Importez un fichier avec une colonne date/heure pour chaque événement.",
    ),
    "funnel.error.bins": (
        "The number of bins must be at least 1.",
        "Le nombre de classes doit être d'au moins 1.",
    ),
    "funnel.error.bin_edges": (
        "Bin edges must be at least two increasing numbers of seconds.",
        "Les bornes des classes doivent être au moins deux nombres de secondes croissants.",
    ),
    "funnel.error.unknown_grain": (
        "Unknown period {grain}.",
        "Période inconnue" + _NB + ": {grain}.",
    ),
    "funnel.hint.grains": (
        'Use "day", "week" or "month".',
        "Utilisez « day » (jour), « week » (semaine) ou « month » (mois).",
    ),
    "funnel.error.trend_needs_ts": (
        "Conversion over time needs event timestamps, and these events have none.",
        "L'évolution de la conversion nécessite l'horodatage des événements, et ces événements "
        "n'en ont pas.",
    ),
    "funnel.error.not_a_funnel_current": (
        "The current period is not a funnel result (it lacks {columns:list}).",
        "La période actuelle n'est pas un résultat d'entonnoir (il manque {columns:list}).",
    ),
    "funnel.error.not_a_funnel_previous": (
        "The previous period is not a funnel result (it lacks {columns:list}).",
        "La période précédente n'est pas un résultat d'entonnoir (il manque {columns:list}).",
    ),
    "funnel.hint.pass_funnel": (
        "Pass the result of kpi.funnel.funnel().",
        "Passez le résultat de kpi.funnel.funnel().",
    ),
    "funnel.error.counts_missing_columns": (
        "The counts table has no column {columns:list}.",
        "La table de décomptes n'a pas de colonne {columns:list}.",
    ),
    "funnel.hint.map_counts": (
        "Choose which column holds the step and which holds the number of users.",
        "Indiquez quelle colonne contient l'étape et laquelle contient le nombre d'utilisateurs.",
    ),
    # ---- the Funnel page ---------------------------------------------------------------------
    "funnel.spinner.table": ("Computing the funnel…", "Calcul de l'entonnoir…"),
    "funnel.spinner.segments": ("Breaking the funnel down…", "Ventilation de l'entonnoir…"),
    "funnel.spinner.trends": ("Computing trends…", "Calcul des tendances…"),
    "funnel.page.no_steps": (
        "These data have no steps (event names). Map a step column on the Data page.",
        "Ces données n'ont pas d'étapes (noms d'événements). Indiquez la colonne des étapes sur "
        "la page Données.",
    ),
    "funnel.page.steps": ("Funnel steps, in order", "Étapes de l'entonnoir, dans l'ordre"),
    "funnel.page.steps_help": (
        "The order of the chips is the funnel order. To move a step, remove it and add it "
        "again: it goes to the end. Any number of steps.",
        "L'ordre des étiquettes est celui de l'entonnoir. Pour déplacer une étape, retirez-la "
        "puis ajoutez-la de nouveau" + _NB + ": elle passe à la fin. Autant d'étapes que vous "
        "voulez.",
    ),
    "funnel.page.steps_placeholder": ("Choose the steps", "Choisissez les étapes"),
    "funnel.page.order": ("Order", "Ordre"),
    "funnel.order.sequential": ("in order", "dans l'ordre"),
    "funnel.order.any": ("any order", "dans n'importe quel ordre"),
    "funnel.page.order_help": (
        "In order: steps 1..k done one after the other (the best attempt counts; events at the "
        "same time count in the order that lets the user progress). Any order: all of steps "
        "1..k done within the window, in whatever order (not PostHog's 'any k of the steps').",
        "Dans l'ordre" + _NB + ": étapes 1 à k faites l'une après l'autre (la meilleure "
        "tentative compte ; des événements simultanés comptent dans l'ordre qui fait progresser "
        "l'utilisateur). Dans n'importe quel ordre" + _NB + ": toutes les étapes 1 à k faites "
        "dans la fenêtre, quel que soit l'ordre (pas « k étapes quelconques » comme PostHog).",
    ),
    "funnel.page.window": ("Conversion window", "Fenêtre de conversion"),
    "funnel.page.window_help": (
        "Measured from the user's step-1 event: later steps must happen within this time.",
        "Comptée depuis l'événement de la première étape" + _NB + ": les étapes suivantes "
        "doivent avoir lieu dans ce délai.",
    ),
    "funnel.page.unit": ("Window unit", "Unité de la fenêtre"),
    "funnel.page.unit_help": ("A month counts as 30 days.", "Un mois compte 30 jours."),
    "funnel.unit.seconds": ("seconds", "secondes"),
    "funnel.unit.minutes": ("minutes", "minutes"),
    "funnel.unit.hours": ("hours", "heures"),
    "funnel.unit.days": ("days", "jours"),
    "funnel.unit.weeks": ("weeks", "semaines"),
    "funnel.unit.months": ("months", "mois"),
    "funnel.unit.none": ("no limit", "sans limite"),
    "funnel.page.open": ("Open funnel", "Entonnoir ouvert"),
    "funnel.page.open_help": (
        "Users may enter at any step (like GA4's open funnel) and count from there: in order, "
        "from the step of their first funnel event; in any order, from the first listed step "
        "they did.",
        "Les utilisateurs peuvent entrer à n'importe quelle étape (comme l'entonnoir ouvert de "
        "GA4) et comptent à partir de là" + _NB + ": dans l'ordre, depuis l'étape de leur "
        "premier événement de l'entonnoir ; dans n'importe quel ordre, depuis la première "
        "étape de la liste qu'ils ont faite.",
    ),
    "funnel.page.counts_mode": (
        "**Aggregated counts**: each step's number is read from the file as it is (summed over "
        "its rows). Without one row per user, the funnel cannot check that the same people went "
        "through the steps, so the order, window and open-funnel options do not apply.",
        "**Décomptes agrégés**" + _NB + ": le nombre de chaque étape est lu tel quel dans le "
        "fichier (somme de ses lignes). Sans une ligne par utilisateur, l'entonnoir ne peut pas "
        "vérifier que les mêmes personnes ont franchi les étapes" + _NB + ": l'ordre, la "
        "fenêtre et l'entonnoir ouvert ne s'appliquent pas.",
    ),
    "funnel.page.membership": (
        "**Membership funnel**: these events have no timestamps, so the order and the time "
        "between steps are unknown. A user reaches step k when they have events for steps 1 to "
        "k. The order and window controls are switched off for this reason.",
        "**Entonnoir d'appartenance**" + _NB + ": ces événements n'ont pas d'horodatage, "
        "l'ordre et le temps entre les étapes sont donc inconnus. Un utilisateur atteint "
        "l'étape k quand il a des événements pour les étapes 1 à k. L'ordre et la fenêtre sont "
        "désactivés pour cette raison.",
    ),
    "funnel.page.by": ("Break down by", "Ventiler par"),
    "funnel.page.no_breakdown": ("(no breakdown)", "(aucune ventilation)"),
    "funnel.page.by_help": (
        "The top {n:int} values, the rest grouped as 'Other' so totals add up.",
        "Les {n:int} premières valeurs, les autres regroupées dans « Autres » pour que les "
        "totaux concordent.",
    ),
    "funnel.page.pick_steps": (
        "Pick at least one step above (two or more for a funnel).",
        "Choisissez au moins une étape ci-dessus (deux ou plus pour un entonnoir).",
    ),
    "funnel.page.not_counts": (
        "Some step values are not whole numbers: they may be rates rather than counts of users "
        "(e.g. 'visit_to_cart' = 0.03). Check the column roles on the Data page; a funnel needs "
        "the number of users (or sessions) at each step.",
        "Certaines valeurs d'étape ne sont pas des nombres entiers" + _NB + ": ce sont "
        "peut-être des taux plutôt que des nombres d'utilisateurs (par exemple "
        "« visit_to_cart » = 0,03). Vérifiez le rôle des colonnes sur la page Données ; un "
        "entonnoir a besoin du nombre d'utilisateurs (ou de sessions) à chaque étape.",
    ),
    "funnel.page.users_at": ("Users at {step}", "Utilisateurs à l'étape {step}"),
    "funnel.page.count_at": ("Count at {step}", "Décompte à l'étape {step}"),
    "funnel.page.count": ("{n:int}", "{n:int}"),
    "funnel.page.times_caption": (
        "Times come from each user's best attempt (the latest start that reaches their last "
        "step): median and 90th percentile over the users who reached the step.",
        "Les délais viennent de la meilleure tentative de chaque utilisateur (le départ le plus "
        "tardif qui atteint sa dernière étape)" + _NB + ": médiane et 90e centile sur les "
        "utilisateurs ayant atteint l'étape.",
    ),
    "funnel.page.times_rules": (
        "With the exclusions and per-step windows: only the users the rules keep at each "
        "step, on a path the rules accept (the best attempt when they accept it, else the "
        "latest start and the tightest path to the user's last step).",
        "Avec les exclusions et les fenêtres par étape" + _NB + ": seulement les utilisateurs "
        "que les règles gardent à chaque étape, sur un parcours que les règles acceptent (la "
        "meilleure tentative quand elles l'acceptent, sinon le départ le plus tardif et le "
        "parcours le plus serré jusqu'à la dernière étape de l'utilisateur).",
    ),
    "funnel.page.trend_rules": (
        "The exclusions and per-step windows apply here as in the table: the periods' users "
        "add up to the table's.",
        "Les exclusions et les fenêtres par étape s'appliquent ici comme dans le "
        "tableau" + _NB + ": la somme des utilisateurs des périodes est celle du tableau.",
    ),
    "funnel.page.ttc_rules": (
        "Only the users the exclusions and per-step windows keep at {last}, on a path the "
        "rules accept.",
        "Seulement les utilisateurs que les exclusions et les fenêtres par étape gardent à "
        "l'étape {last}, sur un parcours que les règles acceptent.",
    ),
    "funnel.rules.everywhere": (
        "Every figure of the funnel applies them: the table, the breakdown, the previous "
        "period, the step times, conversion over time and time to convert.",
        "Tous les chiffres de l'entonnoir les appliquent" + _NB + ": le tableau, la "
        "répartition, la période précédente, les délais entre étapes, la conversion dans le "
        "temps et le délai de conversion.",
    ),
    "funnel.page.times_closed_only": (
        "Times between steps are shown for the in-order (closed) funnel only.",
        "Les délais entre étapes ne sont affichés que pour l'entonnoir dans l'ordre (fermé).",
    ),
    "funnel.page.times_not_offered": (
        "Times between steps are not offered for this connected table: its engine has no "
        "median or percentile. Use an upload of the events, or the command line on a DuckDB "
        "copy, for the step times.",
        "Les délais entre étapes ne sont pas proposés pour cette table connectée" + _NB + ": "
        "son moteur ne calcule ni médiane ni centile. Utilisez un import des événements, ou "
        "la ligne de commande sur une copie DuckDB, pour les délais.",
    ),
    "funnel.page.no_events_in_view": (
        "No events of the connected table are in this view: widen the **Period** or the "
        "segment filters in the sidebar.",
        "Aucun événement de la table connectée dans cette vue" + _NB + ": élargissez la "
        "**Période** ou les filtres de segment dans la barre latérale.",
    ),
    "funnel.page.definitions": ("Definitions", "Définitions"),
    "funnel.page.definition": ("**{name}**: {text}", "**{name}**" + _NB + ": {text}"),
    "funnel.page.window_definition": (
        "**Conversion window**: {amount:num} {unit}, measured from step 1.",
        "**Fenêtre de conversion**" + _NB + ": {amount:num} {unit}, comptée depuis la "
        "première étape.",
    ),
    "funnel.page.undercount_timed": (
        "**{did:int} users did {last}, but only {reached:int} reached it through this "
        "funnel.** {missing:int} of them have no {before} event at all in the data (for example "
        "a 'buy now' button, or an export that misses some events), so a strict sequence can "
        "never count them. To count them, choose **any** order or the **open funnel**, or "
        "remove {before} from the steps.",
        "**{did:int} utilisateurs ont fait {last}, mais seuls {reached:int} l'ont atteint par "
        "cet entonnoir.** {missing:int} d'entre eux n'ont aucun événement {before} dans les "
        "données (par exemple un bouton « acheter maintenant », ou un export auquel il manque "
        "des événements)" + _NB + ": une séquence stricte ne peut jamais les compter. Pour les "
        "compter, choisissez **n'importe quel ordre** ou l'**entonnoir ouvert**, ou retirez "
        "{before} des étapes.",
    ),
    "funnel.page.undercount_untimed": (
        "**{did:int} users did {last}, but only {reached:int} reached it through this "
        "funnel.** {missing:int} of them have no {before} event at all in the data (for example "
        "a 'buy now' button, or an export that misses some events), so a strict sequence can "
        "never count them. To count them, remove {before} from the steps.",
        "**{did:int} utilisateurs ont fait {last}, mais seuls {reached:int} l'ont atteint par "
        "cet entonnoir.** {missing:int} d'entre eux n'ont aucun événement {before} dans les "
        "données (par exemple un bouton « acheter maintenant », ou un export auquel il manque "
        "des événements)" + _NB + ": une séquence stricte ne peut jamais les compter. Pour les "
        "compter, retirez {before} des étapes.",
    ),
    "funnel.page.did_last_sequential": (
        "{did:int} users did {last} at some point; {reached:int} did it after the earlier steps "
        "in order within the window. A longer window or any order counts more of them.",
        "{did:int} utilisateurs ont fait {last} à un moment ; {reached:int} l'ont fait après "
        "les étapes précédentes, dans l'ordre et dans la fenêtre. Une fenêtre plus longue ou "
        "n'importe quel ordre en compte davantage.",
    ),
    "funnel.page.did_last_any": (
        "{did:int} users did {last} at some point; {reached:int} did it after the earlier steps "
        "within the window. A longer window counts more of them.",
        "{did:int} utilisateurs ont fait {last} à un moment ; {reached:int} l'ont fait avec les "
        "étapes précédentes dans la fenêtre. Une fenêtre plus longue en compte davantage.",
    ),
    "funnel.page.view": ("View", "Vue"),
    "funnel.tab.segments": ("By segment", "Par segment"),
    "funnel.tab.time": ("Over time", "Évolution"),
    "funnel.tab.previous": ("Vs previous period", "Vs période précédente"),
    "funnel.tab.ttc": ("Time to convert", "Délai de conversion"),
    "funnel.page.choose_segment": (
        "Choose a segment in **Break down by** above to compare its values side by side.",
        "Choisissez un segment dans **Ventiler par** ci-dessus pour comparer ses valeurs côte à "
        "côte.",
    ),
    "funnel.page.drop_mark": (
        "{mark} marks a segment's step whose conversion from the previous step fell "
        "significantly against the previous period (see **Vs previous period**).",
        "{mark} signale une étape d'un segment dont la conversion depuis l'étape précédente a "
        "baissé significativement par rapport à la période précédente (voir **Vs période "
        "précédente**).",
    ),
    "funnel.page.recon_item": (
        "{step}: {sum:int} = {total:int}",
        "{step}" + _NB + ": {sum:int} = {total:int}",
    ),
    "funnel.page.recon_ok": (
        "✓ Segment users add up to the total at every step: {items:list}. {why}",
        "✓ La somme des segments égale le total à chaque étape" + _NB + ": {items:list}. {why}",
    ),
    "funnel.page.recon_bad": (
        "⚠ Segment users do not add up to the total at every step: {items:list}. {why}",
        "⚠ La somme des segments n'égale pas le total à chaque étape" + _NB + ": {items:list}. "
        "{why}",
    ),
    "funnel.page.recon_counts": (
        "The file's rows are summed per segment.",
        "Les lignes du fichier sont additionnées par segment.",
    ),
    "funnel.page.recon_touch": (
        "Each user counts in the segment of their first event (first touch).",
        "Chaque utilisateur compte dans le segment de son premier événement (premier contact).",
    ),
    "funnel.page.trend_needs_ts": (
        "Conversion over time needs event timestamps; these data have none.",
        "L'évolution de la conversion nécessite l'horodatage des événements ; ces données n'en "
        "ont pas.",
    ),
    "funnel.page.trend_two_steps": (
        "Pick two or more steps to see conversion over time.",
        "Choisissez au moins deux étapes pour voir l'évolution de la conversion.",
    ),
    "funnel.page.grain": ("Entry period", "Période d'entrée"),
    "funnel.page.grain_help": (
        "Users are grouped by when they first did the first step.",
        "Les utilisateurs sont regroupés selon la date de leur première étape.",
    ),
    "funnel.grain.day": ("day", "jour"),
    "funnel.grain.week": ("week", "semaine"),
    "funnel.grain.month": ("month", "mois"),
    "funnel.page.no_entries": (
        "No entries in this period for this view.",
        "Aucune entrée sur cette période pour cette vue.",
    ),
    "funnel.page.trend_caption": (
        "The last periods may look low: their users have had less time to convert.",
        "Les dernières périodes peuvent sembler basses" + _NB + ": leurs utilisateurs ont eu "
        "moins de temps pour convertir.",
    ),
    "funnel.page.trend_caption_open": (
        "The last periods may look low: their users have had less time to convert. The open "
        "funnel option does not apply to this chart.",
        "Les dernières périodes peuvent sembler basses" + _NB + ": leurs utilisateurs ont eu "
        "moins de temps pour convertir. L'option entonnoir ouvert ne s'applique pas à ce "
        "graphique.",
    ),
    "funnel.page.previous_needs_dates": (
        "Comparing periods needs dates (event times or signup dates); these data have none.",
        "Comparer des périodes nécessite des dates (horodatage des événements ou dates "
        "d'inscription) ; ces données n'en ont pas.",
    ),
    "funnel.page.no_previous": (
        "No earlier period to compare with: narrow the **Period** in the sidebar (e.g. one "
        "month, with data before it) to compare each step with the previous period (with a "
        "significance test).",
        "Aucune période antérieure à comparer" + _NB + ": réduisez la **Période** dans la "
        "barre latérale (par exemple un mois, avec des données avant) pour comparer chaque "
        "étape à la période précédente (avec un test de significativité).",
    ),
    "funnel.page.compared_with": (
        "**Compared with the previous period** ({start:date} to {end:date})",
        "**Par rapport à la période précédente** (du {start:date} au {end:date})",
    ),
    "funnel.page.previous_no_segment": (
        "The previous period has no data to compare by {segment}.",
        "La période précédente n'a pas de données à comparer par {segment}.",
    ),
    "funnel.page.by_segment_changes": (
        "**By {segment}: conversion from the previous step**, p-values Holm-corrected over the "
        "{family:int} step × segment comparisons",
        "**Par {segment}" + _NB + ": conversion depuis l'étape précédente**, p-valeurs "
        "corrigées par Holm sur les {family:int} comparaisons étape × segment",
    ),
    "funnel.page.ttc_needs_ts": (
        "Time to convert needs event timestamps; these data have none.",
        "Le délai de conversion nécessite l'horodatage des événements ; ces données n'en ont pas.",
    ),
    "funnel.page.ttc_two_steps": ("Pick two or more steps.", "Choisissez au moins deux étapes."),
    "funnel.page.nobody_reached": (
        "Nobody reached {step} in this view.",
        "Personne n'a atteint {step} dans cette vue.",
    ),
    "funnel.page.ttc_caption": (
        "Users who reached {last} in order, time from their {first} event (best attempt).",
        "Utilisateurs ayant atteint {last} dans l'ordre, temps depuis leur événement {first} "
        "(meilleure tentative).",
    ),
    # ---- charts ------------------------------------------------------------------------------
    "funnel.chart.reached": ("Reached the step", "Ont atteint l'étape"),
    "funnel.chart.lost": ("Lost since the previous step", "Perdus depuis l'étape précédente"),
    "funnel.chart.step": ("Step", "Étape"),
    "funnel.chart.part": ("Part", "Partie"),
    "funnel.unit_name.users": ("Users", "Utilisateurs"),
    "funnel.unit_name.count": ("Count", "Décompte"),
    "funnel.unit_name.contacts": ("Contacts", "Contacts"),
    "funnel.chart.from_start": ("Conversion from start", "Conversion depuis le début"),
    "funnel.chart.from_previous": ("From previous step", "Depuis l'étape précédente"),
    "funnel.chart.drop_rate": ("Drop-off rate", "Taux d'abandon"),
    "funnel.chart.bars_title.users": (
        "Users reaching each step (label: % of users who started)",
        "Utilisateurs atteignant chaque étape (étiquette" + _NB + ": % des utilisateurs entrés)",
    ),
    "funnel.chart.bars_title.count": (
        "Count reaching each step (label: % of the first step's count)",
        "Décompte à chaque étape (étiquette" + _NB + ": % du décompte de la première étape)",
    ),
    "funnel.chart.bars_title.contacts": (
        "Contacts reaching each step (label: % of the first step's contacts)",
        "Contacts atteignant chaque étape (étiquette" + _NB + ": % des contacts de la "
        "première étape)",
    ),
    "funnel.chart.from_first": (
        "Conversion from the first step",
        "Conversion depuis la première étape",
    ),
    "funnel.chart.by_segment_title": (
        "Conversion from the first step, by {segment}",
        "Conversion depuis la première étape, par {segment}",
    ),
    "funnel.chart.entry.day": ("Entry day", "Jour d'entrée"),
    "funnel.chart.entry.week": ("Entry week", "Semaine d'entrée"),
    "funnel.chart.entry.month": ("Entry month", "Mois d'entrée"),
    "funnel.chart.entry_axis": (
        "{entry} (first time at {step})",
        "{entry} (premier passage à {step})",
    ),
    "funnel.chart.trend_axis": (
        "Reached the step (% of entrants)",
        "Ont atteint l'étape (% des entrants)",
    ),
    "funnel.chart.trend_title.day": ("Conversion by entry day", "Conversion par jour d'entrée"),
    "funnel.chart.trend_title.week": (
        "Conversion by entry week",
        "Conversion par semaine d'entrée",
    ),
    "funnel.chart.trend_title.month": ("Conversion by entry month", "Conversion par mois d'entrée"),
    "funnel.chart.ttc_axis": (
        "Time from {first} to {last} ({unit})",
        "Temps de {first} à {last} ({unit})",
    ),
    "funnel.chart.converters": ("Users who converted", "Utilisateurs convertis"),
    "funnel.chart.time": ("Time", "Durée"),
    "funnel.chart.share": ("Share of converters", "Part des convertis"),
    "funnel.chart.ttc_title": (
        "How long converting users took",
        "Combien de temps les convertis ont mis",
    ),
    # ---- tables ------------------------------------------------------------------------------
    "funnel.table.median_from_previous_s": (
        "Median time from previous step",
        "Délai médian depuis l'étape précédente",
    ),
    "funnel.table.p90_from_previous_s": (
        "90th pct. from previous step",
        "90e centile depuis l'étape précédente",
    ),
    "funnel.table.median_from_start_s": (
        "Median time from first step",
        "Délai médian depuis la première étape",
    ),
    "funnel.table.p90_from_start_s": (
        "90th pct. from first step",
        "90e centile depuis la première étape",
    ),
    "funnel.table.conversion_help": (
        "Users at this step ÷ users at step 1.",
        "Utilisateurs à cette étape ÷ utilisateurs à la première étape.",
    ),
    "funnel.table.step_conversion_help": (
        "Users at this step ÷ users at the step before.",
        "Utilisateurs à cette étape ÷ utilisateurs à l'étape précédente.",
    ),
    "funnel.table.drop_off.users": ("Drop-off (users)", "Abandons (utilisateurs)"),
    "funnel.table.drop_off.count": ("Drop-off (count)", "Abandons (décompte)"),
    "funnel.table.drop_off.contacts": ("Drop-off (contacts)", "Abandons (contacts)"),
    "funnel.table.drop_off_help.users": (
        "Users at the previous step − users here (– for the first step).",
        "Utilisateurs à l'étape précédente − utilisateurs ici (– pour la première étape).",
    ),
    "funnel.table.drop_off_help.count": (
        "Count at the previous step − count here (– for the first step).",
        "Décompte à l'étape précédente − décompte ici (– pour la première étape).",
    ),
    "funnel.table.drop_off_help.contacts": (
        "Contacts at the previous step − contacts here (– for the first step).",
        "Contacts à l'étape précédente − contacts ici (– pour la première étape).",
    ),
    "funnel.table.drop_rate_help": (
        "Drop-off ÷ the previous step (– for the first step).",
        "Abandons ÷ l'étape précédente (– pour la première étape).",
    ),
    "funnel.table.vs_previous": ("Vs previous period", "Vs période précédente"),
    "funnel.table.vs_previous_help": (
        "▼: this segment's conversion from the previous step fell significantly vs the "
        "previous period (two-proportion test, p Holm-corrected over every step × segment).",
        "▼" + _NB + ": la conversion de ce segment depuis l'étape précédente a baissé "
        "significativement par rapport à la période précédente (test de deux proportions, p "
        "corrigée par Holm sur toutes les étapes × segments).",
    ),
    "funnel.table.fell": (
        "{mark} fell {change:pts} vs previous period (p = {p:p}, Holm)",
        "{mark} en baisse de {change:pts} vs période précédente (p = {p:p}, Holm)",
    ),
    "funnel.table.fell_tiny": (
        "{mark} fell {change:pts} vs previous period (p < 0.0001, Holm)",
        "{mark} en baisse de {change:pts} vs période précédente (p < 0,0001, Holm)",
    ),
    "funnel.table.fell_short": ("{mark} fell", "{mark} en baisse"),
    "funnel.table.nobody_before": (
        "– (nobody at the previous step)",
        "– (personne à l'étape précédente)",
    ),
    "funnel.table.users_current": ("Users (this period)", "Utilisateurs (cette période)"),
    "funnel.table.users_previous": ("Users (previous)", "Utilisateurs (période précédente)"),
    "funnel.table.conversion_current": ("Conversion (this)", "Conversion (cette période)"),
    "funnel.table.conversion_previous": (
        "Conversion (previous)",
        "Conversion (période précédente)",
    ),
    "funnel.table.change_points": ("Change (points)", "Écart (points)"),
    "funnel.table.relative_change": ("Relative change", "Variation relative"),
    "funnel.table.p_value": ("p-value", "p-valeur"),
    "funnel.table.significant": ("Significant?", "Significatif" + _NB + "?"),
    "funnel.table.significant_help": (
        "Two-proportion test of conversion from the first step (Fisher exact when counts are "
        "small), at the {alpha:pct} level.",
        "Test de deux proportions sur la conversion depuis la première étape (test exact de "
        "Fisher pour les petits effectifs), au seuil de {alpha:pct}.",
    ),
    "funnel.table.previous_period": ("Previous period", "Période précédente"),
    "funnel.table.previous_period_help": (
        "Conversion from the previous step in the previous period.",
        "Conversion depuis l'étape précédente sur la période précédente.",
    ),
    "funnel.table.this_period": ("This period", "Cette période"),
    "funnel.table.this_period_help": (
        "Conversion from the previous step now.",
        "Conversion depuis l'étape précédente sur la période actuelle.",
    ),
    "funnel.table.p_holm": ("p (Holm)", "p (Holm)"),
    "funnel.table.p_holm_help": (
        "Holm-corrected over the {family:int} step × segment comparisons of this table.",
        "Corrigée par Holm sur les {family:int} comparaisons étape × segment de ce tableau.",
    ),
    "funnel.table.flag": ("Flag", "Alerte"),
}
