"""The same period a year before (kpi.year_before): its dates in words, why it is not compared,
the comparison sections of the Overview, Stage KPIs and Funnel pages, the workbook's columns."""

from __future__ import annotations

_NB = "\u00a0"

_MONTHS = (
    ("January", "janvier"),
    ("February", "février"),
    ("March", "mars"),
    ("April", "avril"),
    ("May", "mai"),
    ("June", "juin"),
    ("July", "juillet"),
    ("August", "août"),
    ("September", "septembre"),
    ("October", "octobre"),
    ("November", "novembre"),
    ("December", "décembre"),
)

MESSAGES: dict[str, tuple[str, str]] = {
    # ---- dates in words
    "year_before.day.first": ("1", "1er"),
    "year_before.day.n": ("{n}", "{n}"),
    **{f"year_before.month.{i}": pair for i, pair in enumerate(_MONTHS, start=1)},
    "year_before.dates.day": ("{m1} {d1}, {y1}", "le {d1} {m1} {y1}"),
    "year_before.dates.same_month": ("{m1} {d1} to {d2}, {y1}", "du {d1} au {d2} {m1} {y1}"),
    "year_before.dates.same_year": (
        "{m1} {d1} to {m2} {d2}, {y1}",
        "du {d1} {m1} au {d2} {m2} {y1}",
    ),
    "year_before.dates.years": (
        "{m1} {d1}, {y1} to {m2} {d2}, {y2}",
        "du {d1} {m1} {y1} au {d2} {m2} {y2}",
    ),
    # ---- why there is no comparison with the year before
    "year_before.not.no_period": (
        "No same period a year before: the view is the whole data. Choose a Period in the "
        "sidebar (e.g. one month) to compare it with the same dates a year before.",
        f"Pas de même période l'année précédente{_NB}: la vue couvre toutes les données. "
        "Choisissez une Période dans la barre latérale (par exemple un mois) pour la comparer "
        "aux mêmes dates un an plus tôt.",
    ),
    "year_before.not.no_dates": (
        "No same period a year before: the data has no dates.",
        f"Pas de même période l'année précédente{_NB}: les données n'ont pas de dates.",
    ),
    "year_before.not.before_data": (
        "Not compared with the same period a year before ({period}): the data starts on "
        "{data_start:date}, after it.",
        "Pas de comparaison avec la même période l'année précédente ({period})"
        f"{_NB}: les données commencent le {{data_start:date}}, après elle.",
    ),
    "year_before.not.partly": (
        "Not compared with the same period a year before ({period}): the data starts on "
        "{data_start:date}, inside it, and a part of that period would read as the whole.",
        "Pas de comparaison avec la même période l'année précédente ({period})"
        f"{_NB}: les données commencent le {{data_start:date}}, en cours de période, et une "
        "partie de la période se lirait comme la période entière.",
    ),
    "year_before.not.no_events": (
        "Not compared with the same period a year before ({period}): it has no events in "
        "this view's segments.",
        "Pas de comparaison avec la même période l'année précédente ({period})"
        f"{_NB}: elle n'a aucun événement dans les segments de cette vue.",
    ),
    # ---- the view setting
    "year_before.compare.label": ("Compare with", "Comparer avec"),
    "year_before.compare.both": ("Both", "Les deux"),
    "year_before.compare.previous": ("Previous period", "Période précédente"),
    "year_before.compare.year_before": (
        "Same period a year before",
        "Même période l'année précédente",
    ),
    "year_before.compare.help": (
        "The period just before the view's, and the same dates one year earlier (whole "
        "months map to the same months, whole ISO weeks to the same week numbers, "
        "February 29 to February 28).",
        "La période juste avant celle de la vue, et les mêmes dates un an plus tôt (des mois "
        "entiers vers les mêmes mois, des semaines ISO entières vers les mêmes numéros de "
        "semaine, le 29 février vers le 28 février).",
    ),
    "year_before.compare.none": (
        "No comparison chosen: pick one above.",
        f"Aucune comparaison choisie{_NB}: choisissez-en une ci-dessus.",
    ),
    # ---- the pages' comparison section
    "year_before.section.title": ("Two comparison periods", "Deux périodes de comparaison"),
    "year_before.section.previous": (
        "**Previous period**: {period}.",
        f"**Période précédente**{_NB}: {{period}}.",
    ),
    "year_before.section.previous_none": (
        "**Previous period**: none (no period chosen, or no events before it).",
        f"**Période précédente**{_NB}: aucune (pas de période choisie, ou pas d'événements "
        "avant elle).",
    ),
    "year_before.section.year_before": (
        "**Same period a year before**: {period}.",
        f"**Même période l'année précédente**{_NB}: {{period}}.",
    ),
    "year_before.section.tests": (
        "{mark} marks a rate whose change is statistically significant at {alpha:num0} % "
        "(two-proportion z-test of numerator out of denominator, Fisher's exact test when a "
        "count is small; each comparison tested on its own, no correction over the table). "
        "Other KPIs (amounts, durations) are compared without a test.",
        "{mark} signale un taux dont l'évolution est statistiquement significative au seuil "
        f"de {{alpha:num0}}{_NB}% (test z de deux proportions, numérateur sur dénominateur{_NB}; test "
        f"exact de Fisher pour les petits effectifs{_NB}; chaque comparaison testée seule, sans "
        "correction sur le tableau). Les autres KPI (montants, durées) sont comparés sans test.",
    ),
    "year_before.page.previous": ("Previous period", "Période précédente"),
    "year_before.page.previous_change": ("vs previous", "vs précédente"),
    "year_before.page.previous_p": ("p vs previous", "p vs précédente"),
    "year_before.page.year_before": ("A year before", "Un an avant"),
    "year_before.page.change": ("vs a year before", "vs un an avant"),
    "year_before.page.p_value": ("p vs a year before", "p vs un an avant"),
    "year_before.col.kpi": ("KPI", "KPI"),
    "year_before.col.value": ("Value", "Valeur"),
    "year_before.col.previous": ("Previous period", "Période précédente"),
    "year_before.col.previous_change": ("Change vs previous", "Évolution vs précédente"),
    "year_before.col.previous_p": ("p-value vs previous", "p-valeur vs précédente"),
    "year_before.col.year_before": (
        "Same period a year before",
        "Même période l'année précédente",
    ),
    "year_before.col.change": ("Change vs a year before", "Évolution vs l'année précédente"),
    "year_before.col.change_pct": (
        "Change % vs a year before",
        "Évolution % vs l'année précédente",
    ),
    "year_before.col.p_value": ("p-value vs a year before", "p-valeur vs l'année précédente"),
    "year_before.col.users": ("Users a year before", "Utilisateurs l'année précédente"),
    "year_before.col.conversion": (
        "Conversion a year before",
        "Conversion l'année précédente",
    ),
    "year_before.col.conversion_now": ("Conversion", "Conversion"),
    "year_before.col.users_now": ("Users", "Utilisateurs"),
    "year_before.col.step": ("Step", "Étape"),
    "year_before.col.significant": ("Significant", "Significatif"),
    "year_before.tile": ("{change} vs a year before", "{change} vs un an avant"),
    "year_before.tile_none": (
        "no value a year before",
        "pas de valeur l'année précédente",
    ),
    # ---- the Funnel page
    "year_before.funnel.title": (
        "**Compared with the same period a year before** ({period})",
        "**Comparaison avec la même période l'année précédente** ({period})",
    ),
    "year_before.funnel.tests": (
        "Conversion from the first step, each step tested on its own (two-proportion z-test, "
        "Fisher's exact test when a count is small).",
        "Conversion depuis la première étape, chaque étape testée seule (test z de deux "
        "proportions, test exact de Fisher pour les petits effectifs).",
    ),
    "year_before.funnel.no_funnel": (
        "The same period a year before has no funnel for these steps.",
        "La même période l'année précédente n'a pas d'entonnoir pour ces étapes.",
    ),
    # ---- the workbook
    "year_before.sheet.title": (
        "Compared with the same period a year before: {period}",
        f"Comparaison avec la même période l'année précédente{_NB}: {{period}}",
    ),
    "year_before.sheet.note": (
        "Same period a year before: {period}. Change = value − value a year before "
        "(percentage points for rates); the p-value tests a rate (two-proportion z-test, "
        "Fisher's exact test when a count is small).",
        f"Même période l'année précédente{_NB}: {{period}}. Évolution = valeur − valeur de "
        "l'année précédente (en points pour les taux)\u00a0; la p-valeur teste un taux (test z "
        "de deux proportions, test exact de Fisher pour les petits effectifs).",
    ),
    "year_before.sheet.left_out": (
        "The same period a year before was left out of this workbook (--no-year-before).",
        "La même période l'année précédente a été laissée hors de ce classeur (--no-year-before).",
    ),
    # ---- the command line
    "year_before.cli.no_year_before": (
        "leave the same period a year before out of the workbook (its columns on the "
        "Summary, Stage KPIs and Funnel sheets)",
        "laisser la même période l'année précédente hors du classeur (ses colonnes des "
        "feuilles Synthèse, KPI par étape et Entonnoir)",
    ),
}
