"""The funnel: KPI names and definitions, insights, errors, and the Funnel page's words."""

from __future__ import annotations

_NB = "\u00a0"  # no-break space (French typography before : ; ? !)

MESSAGES: dict[str, tuple[str, str]] = {
    # ---- KPI names and definitions (kpi.definitions.label / formula) -------------------------
    "def.conversion.label": ("Conversion", "Taux de conversion"),
    "def.conversion.formula": (
        "Users who reached the step ÷ users who did the first step (in order, within the "
        "conversion window measured from the first step).",
        "Utilisateurs ayant atteint l'étape ÷ utilisateurs ayant fait la première étape (dans "
        "l'ordre, dans la fenêtre de conversion comptée depuis la première étape).",
    ),
    "def.step_conversion.label": ("Step conversion", "Conversion par étape"),
    "def.step_conversion.formula": (
        "Users who reached the step ÷ users who reached the previous step.",
        "Utilisateurs ayant atteint l'étape ÷ utilisateurs ayant atteint l'étape précédente.",
    ),
    "def.drop_off.label": ("Drop-off", "Abandon"),
    "def.drop_off.formula": (
        "Users who reached the previous step − users who reached the step; the drop-off rate "
        "is that number ÷ users who reached the previous step.",
        "Utilisateurs de l'étape précédente − utilisateurs de l'étape ; le taux d'abandon est "
        "ce nombre ÷ utilisateurs de l'étape précédente.",
    ),
    "def.time_to_convert.label": ("Time to convert", "Délai de conversion"),
    "def.time_to_convert.formula": (
        "Time from the first step to the last step in each converting user's best attempt "
        "(the attempt with the latest start); median and 90th percentile over those users.",
        "Temps entre la première et la dernière étape dans la meilleure tentative de chaque "
        "utilisateur converti (celle qui commence le plus tard) ; médiane et 90e centile sur "
        "ces utilisateurs.",
    ),
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
}
