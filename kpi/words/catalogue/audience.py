"""The users behind a number: the ids of a funnel step, a drop-off or a retention cell
(kpi.audience, kpi.engine.audience, kpi.export.audience_csv and pages/_ui/audience.py)."""

from __future__ import annotations

NB = "\u00a0"  # no-break space (French typography: before : ; ? ! and inside « »)

MESSAGES: dict[str, tuple[str, str]] = {
    # ------------------------------------------------------------ errors and hints
    "audience.error.kind": (
        "Unknown list '{kind}'.",
        f"Liste inconnue{NB}: «{NB}{{kind}}{NB}».",
    ),
    "audience.hint.kind": (
        "Choose the users who reached the step or those who dropped off after it.",
        "Choisissez les utilisateurs qui ont atteint l'étape ou ceux qui ont abandonné après.",
    ),
    "audience.error.step": (
        "There is no step {step} in a funnel of {n} {n:plural:step|steps}.",
        "Il n'y a pas d'étape {step} dans un entonnoir de {n} {n:plural:étape|étapes}.",
    ),
    "audience.hint.step": (
        "Choose one of the funnel's steps.",
        "Choisissez l'une des étapes de l'entonnoir.",
    ),
    "audience.error.last_step": (
        "Nobody drops off after the last step ({step}): there is no next step.",
        f"Personne n'abandonne après la dernière étape ({{step}}){NB}: il n'y a pas d'étape "
        "suivante.",
    ),
    "audience.hint.last_step": (
        "Choose an earlier step, or the users who reached the last one.",
        "Choisissez une étape plus haute, ou les utilisateurs qui ont atteint la dernière.",
    ),
    "audience.error.no_funnel": (
        "This view has no funnel to list users from.",
        "Cette vue n'a pas d'entonnoir dont lister les utilisateurs.",
    ),
    "audience.hint.no_funnel": (
        "Choose at least one step on the Funnel page.",
        "Choisissez au moins une étape sur la page Entonnoir.",
    ),
    "audience.error.cohort_anchor": (
        "The users of a cohort are listed for cohorts by first visit or first purchase only.",
        "Les utilisateurs d'une cohorte ne sont listés que pour les cohortes par première "
        "visite ou premier achat.",
    ),
    "audience.hint.cohort_anchor": (
        "Choose cohorts by first visit or by first purchase to download their users.",
        "Choisissez des cohortes par première visite ou par premier achat pour télécharger "
        "leurs utilisateurs.",
    ),
    # ------------------------------------------------------------ the number in words
    "audience.what.reached": (
        "reached step {step} of {n} ({name})",
        "ont atteint l'étape {step} sur {n} ({name})",
    ),
    "audience.what.dropped": (
        "reached step {step} of {n} ({name}) and dropped off before {next}",
        "ont atteint l'étape {step} sur {n} ({name}) et abandonné avant {next}",
    ),
    "audience.what.retained_on": (
        "cohort {cohort}, active in {grain} {period} after their start",
        "cohorte {cohort}, actifs {grain} {period} après leur début",
    ),
    "audience.what.retained_on_or_after": (
        "cohort {cohort}, active in {grain} {period} after their start or later",
        "cohorte {cohort}, actifs {grain} {period} après leur début ou plus tard",
    ),
    "audience.grain.month": ("month", "le mois"),
    "audience.grain.week": ("week", "la semaine"),
    "audience.grain.day": ("day", "le jour"),
    # ------------------------------------------------------------ the CSV file's first lines
    "audience.csv.title": (
        "Parcours: the users behind a number",
        f"Parcours{NB}: les utilisateurs derrière un chiffre",
    ),
    "audience.csv.number": ("Number", "Chiffre"),
    "audience.csv.count": ("Users", "Utilisateurs"),
    "audience.csv.listed": ("Listed", "Listés"),
    "audience.page.count_value": ("{n:int}", "{n:int}"),
    "audience.csv.listed_all": ("every user ({n:int})", "tous les utilisateurs ({n:int})"),
    "audience.csv.listed_cut": (
        "the first {listed:int} of {n:int} (the list is cut at {limit:int} ids)",
        "les {listed:int} premiers sur {n:int} (la liste est coupée à {limit:int} identifiants)",
    ),
    "audience.csv.cohorts": ("Cohorts", "Cohortes"),
    "audience.csv.funnel": ("Funnel", "Entonnoir"),
    "audience.csv.page": ("Page", "Page"),
    "audience.csv.page.funnel": ("Funnel", "Entonnoir"),
    "audience.csv.page.retention": ("Retention", "Rétention"),
    "audience.csv.segments": ("Segments", "Segments"),
    "audience.csv.first_touch": (
        "each user's value at their first event (first touch)",
        "la valeur de chaque utilisateur à son premier événement (premier contact)",
    ),
    # ------------------------------------------------------------ the page section
    "audience.page.title": ("The users behind a number", "Les utilisateurs derrière un chiffre"),
    "audience.page.intro": (
        "Download the ids of the users behind a number of this view, for a CRM or an ad "
        "audience. The file's first lines (starting with #) say which view it came from.",
        "Téléchargez les identifiants des utilisateurs derrière un chiffre de cette vue, pour un "
        "CRM ou une audience publicitaire. Les premières lignes du fichier (commençant par #) "
        "disent de quelle vue il vient.",
    ),
    "audience.page.step": ("Step", "Étape"),
    "audience.page.step_option": ("{step}. {name}", "{step}. {name}"),
    "audience.page.who": ("Users", "Utilisateurs"),
    "audience.page.who.reached": ("reached the step", "ont atteint l'étape"),
    "audience.page.who.dropped": ("dropped off after it", "ont abandonné après"),
    "audience.page.cohort": ("Cohort", "Cohorte"),
    "audience.page.period": ("Period", "Période"),
    "audience.page.with_header": (
        "Describe the view in the file's first lines",
        "Décrire la vue dans les premières lignes du fichier",
    ),
    "audience.page.with_header_help": (
        "Untick it for a tool that reads only a column of ids (some ad platforms).",
        "Décochez pour un outil qui ne lit qu'une colonne d'identifiants (certaines régies "
        "publicitaires).",
    ),
    "audience.page.download": (
        "Download {n:int} {n:plural:id|ids} (CSV)",
        "Télécharger {n:int} {n:plural:identifiant|identifiants} (CSV)",
    ),
    "audience.page.count": (
        "**{n:int}** {n:plural:user|users} behind this number: {what}.",
        f"**{{n:int}}** {{n:plural:utilisateur|utilisateurs}} derrière ce chiffre{NB}: {{what}}.",
    ),
    "audience.page.nobody": (
        "Nobody {what}: there is no id to download.",
        f"Personne{NB}: aucun utilisateur {{what}}, pas d'identifiant à télécharger.",
    ),
    "audience.page.file_note": (
        "UTF-8 with a byte-order mark (Excel reads the accents); separator “{sep}”. The ids are "
        "your data: the file is built when you ask for it and kept nowhere.",
        f"UTF-8 avec indicateur d'ordre des octets (Excel lit les accents){NB}; séparateur "
        f"«{NB}{{sep}}{NB}» (celui d'Excel en français). Les identifiants sont vos données{NB}: "
        "le fichier est construit à la demande et n'est conservé nulle part.",
    ),
    "audience.page.counts_only": (
        "This file holds counts, not users: there are no user ids to download.",
        f"Ce fichier contient des effectifs, pas des utilisateurs{NB}: aucun identifiant à "
        "télécharger.",
    ),
    "audience.page.no_cells": (
        "No cohort cell to list users from in this view.",
        "Aucune cellule de cohorte dont lister les utilisateurs dans cette vue.",
    ),
}
