"""Exclusion steps and per-step conversion windows (kpi.funnel.rules): errors, the Funnel
page's editor and notes, the workbook and the command line."""

from __future__ import annotations

_NB = "\u00a0"  # no-break space (French typography before : ; ? !)

MESSAGES: dict[str, tuple[str, str]] = {
    # ---- errors and rules that do not apply --------------------------------------------------
    "funnel_rules.error.needs_order": (
        "Exclusions and per-step windows need timestamps: without them there is no "
        "“between two steps” and no time from one step to the next.",
        "Les exclusions et les fenêtres par étape nécessitent un horodatage" + _NB + ": sans "
        "lui, il n'y a ni «" + _NB + "entre deux étapes" + _NB + "» ni délai d'une étape à "
        "la suivante.",
    ),
    "funnel_rules.hint.needs_order": (
        "Map a time column of the data (page Data), or remove the exclusions and per-step windows.",
        "Associez une colonne de date et heure des données (page Données), ou retirez les "
        "exclusions et les fenêtres par étape.",
    ),
    "funnel_rules.error.any_open": (
        "Exclusions and per-step windows do not apply to an open funnel in any order: a user "
        "enters there at the first listed step they ever did, which an exclusion cannot cut.",
        "Les exclusions et les fenêtres par étape ne s'appliquent pas à un entonnoir ouvert "
        "sans ordre" + _NB + ": l'utilisateur y entre par la première étape de la liste qu'il "
        "ait jamais faite, ce qu'une exclusion ne peut pas couper.",
    ),
    "funnel_rules.hint.any_open": (
        "Turn the open funnel off, or choose the in-order funnel.",
        "Désactivez l'entonnoir ouvert, ou choisissez l'entonnoir dans l'ordre.",
    ),
    "funnel_rules.skip.any_partial": (
        "The exclusion of {event} between {after} and {before} is not applied: in a funnel "
        "in any order the steps have no order, so an exclusion can only span the whole "
        "funnel (as in PostHog's unordered funnels).",
        "L'exclusion de {event} entre {after} et {before} n'est pas appliquée" + _NB + ": "
        "dans un entonnoir sans ordre, les étapes n'ont pas d'ordre, une exclusion ne peut "
        "donc couvrir que tout l'entonnoir (comme dans les entonnoirs sans ordre de PostHog).",
    ),
    "funnel_rules.hint.any_partial": (
        "Make the exclusion run from {first} to {last} (the whole funnel), or choose the "
        "in-order funnel.",
        "Faites courir l'exclusion de {first} à {last} (tout l'entonnoir), ou choisissez "
        "l'entonnoir dans l'ordre.",
    ),
    "funnel_rules.skip.any_window": (
        "The window of {step} is not applied: in a funnel in any order a step has no step "
        "before it to be timed from.",
        "La fenêtre de {step} n'est pas appliquée" + _NB + ": dans un entonnoir sans ordre, "
        "une étape n'a pas d'étape précédente depuis laquelle compter.",
    ),
    "funnel_rules.hint.any_window": (
        "Choose the in-order funnel, or use the conversion window, which bounds all the steps "
        "in any order.",
        "Choisissez l'entonnoir dans l'ordre, ou utilisez la fenêtre de conversion, qui borne "
        "toutes les étapes dans n'importe quel ordre.",
    ),
    "funnel_rules.error.repeated_step": (
        "Exclusions and per-step windows need each step listed once.",
        "Les exclusions et les fenêtres par étape nécessitent que chaque étape ne figure "
        "qu'une fois.",
    ),
    "funnel_rules.hint.repeated_step": (
        "Remove the repeated step, or the exclusions and per-step windows.",
        "Retirez l'étape répétée, ou les exclusions et les fenêtres par étape.",
    ),
    "funnel_rules.hint.fix_rule": (
        "Change the exclusion or window so that it names steps of the funnel, in order.",
        "Modifiez l'exclusion ou la fenêtre pour qu'elle désigne des étapes de l'entonnoir, "
        "dans l'ordre.",
    ),
    "funnel_rules.skip.step_missing": (
        "The exclusion of {event} is not applied: {step} is not a step of the funnel.",
        "L'exclusion de {event} n'est pas appliquée" + _NB + ": {step} n'est pas une étape "
        "de l'entonnoir.",
    ),
    "funnel_rules.skip.order": (
        "The exclusion of {event} is not applied: {after} does not come before {before} in "
        "the funnel.",
        "L'exclusion de {event} n'est pas appliquée" + _NB + ": {after} ne précède pas "
        "{before} dans l'entonnoir.",
    ),
    "funnel_rules.skip.event_is_step": (
        "The exclusion of {event} is not applied: {event} is a step of the funnel.",
        "L'exclusion de {event} n'est pas appliquée" + _NB + ": {event} est une étape de "
        "l'entonnoir.",
    ),
    "funnel_rules.skip.window_step_missing": (
        "The window of {step} is not applied: {step} is not a step of the funnel.",
        "La fenêtre de {step} n'est pas appliquée" + _NB + ": {step} n'est pas une étape de "
        "l'entonnoir.",
    ),
    "funnel_rules.skip.window_first": (
        "The window of {step} is not applied: it is the first step (the window runs from the "
        "step before).",
        "La fenêtre de {step} n'est pas appliquée" + _NB + ": c'est la première étape (la "
        "fenêtre court depuis l'étape précédente).",
    ),
    # ---- the rules in words ------------------------------------------------------------------
    "funnel_rules.exclusion": (
        "{event} between {after} and {before}",
        "{event} entre {after} et {before}",
    ),
    "funnel_rules.step_window": (
        "{step} within {amount:num} {unit} of the step before",
        "{step} au plus {amount:num} {unit} après l'étape précédente",
    ),
    # a per-step window's unit, by the plural rule of its amount ("1 hour", "2 heures")
    "funnel_rules.unit.minutes": ("{n:plural:minute|minutes}", "{n:plural:minute|minutes}"),
    "funnel_rules.unit.hours": ("{n:plural:hour|hours}", "{n:plural:heure|heures}"),
    "funnel_rules.unit.days": ("{n:plural:day|days}", "{n:plural:jour|jours}"),
    "funnel_rules.unit.weeks": ("{n:plural:week|weeks}", "{n:plural:semaine|semaines}"),
    "funnel_rules.unit.months": ("{n:plural:month|months}", "{n:plural:mois|mois}"),
    "funnel_rules.applied": (
        "Exclusions: {exclusions:list}.",
        "Exclusions" + _NB + ": {exclusions:list}.",
    ),
    "funnel_rules.applied_windows": (
        "Per-step windows: {windows:list}.",
        "Fenêtres par étape" + _NB + ": {windows:list}.",
    ),
    "funnel_rules.excluded": (
        "{n:int} {n:plural:user|users} left the funnel early because of an exclusion (they "
        "did an excluded event between two steps and are counted only up to the step before "
        "it).",
        "{n:int} {n:plural:utilisateur|utilisateurs} {n:plural:a|ont} quitté l'entonnoir plus "
        "tôt à cause d'une exclusion ({n:plural:il a|ils ont} fait un événement exclu entre "
        "deux étapes et {n:plural:n'est compté|ne sont comptés} que jusqu'à l'étape "
        "précédente).",
    ),
    # ---- the Funnel page's editor ------------------------------------------------------------
    "funnel_rules.page.title": (
        "Exclusions and per-step windows",
        "Exclusions et fenêtres par étape",
    ),
    "funnel_rules.page.title_n": (
        "Exclusions and per-step windows ({n:int})",
        "Exclusions et fenêtres par étape ({n:int})",
    ),
    "funnel_rules.page.intro": (
        "An **exclusion** ends a user's path when they do an event between two steps: they "
        "count up to the last step they reached before it (as Mixpanel's exclusion steps; "
        "PostHog removes them from the whole funnel instead). A **per-step window** is the "
        "longest time from the step before to this step; the conversion window still bounds "
        "the whole path. In an open funnel both apply between the steps the user did; in a "
        "funnel in any order only an exclusion over the whole funnel applies (first to last "
        "step).",
        "Une **exclusion** arrête le parcours d'un utilisateur qui fait un événement entre "
        "deux étapes" + _NB + ": il compte jusqu'à la dernière étape atteinte avant cet "
        "événement (comme les étapes d'exclusion de Mixpanel" + _NB + "; PostHog le retire de "
        "tout l'entonnoir). Une **fenêtre par étape** est le délai maximal depuis l'étape "
        "précédente jusqu'à cette étape" + _NB + "; la fenêtre de conversion borne toujours "
        "tout le parcours. Dans un entonnoir ouvert, les deux s'appliquent entre les étapes "
        "que l'utilisateur a faites" + _NB + "; dans un entonnoir sans ordre, seule une "
        "exclusion sur tout l'entonnoir s'applique (de la première à la dernière étape).",
    ),
    "funnel_rules.page.event": ("Excluded event", "Événement exclu"),
    "funnel_rules.page.after": ("After step", "Après l'étape"),
    "funnel_rules.page.before": ("Before step", "Avant l'étape"),
    "funnel_rules.page.add_exclusion": ("Add the exclusion", "Ajouter l'exclusion"),
    "funnel_rules.page.step": ("Step", "Étape"),
    "funnel_rules.page.amount": ("At most", "Au plus"),
    "funnel_rules.page.unit": ("Unit", "Unité"),
    "funnel_rules.page.add_window": ("Add the window", "Ajouter la fenêtre"),
    "funnel_rules.page.remove": ("Remove", "Retirer"),
    "funnel_rules.page.none": (
        "No exclusion and no per-step window.",
        "Aucune exclusion ni fenêtre par étape.",
    ),
    "funnel_rules.page.not_here": (
        "Exclusions and per-step windows apply to a funnel with timestamps, each step listed "
        "once; they are kept in the link and apply again when the funnel allows them.",
        "Les exclusions et les fenêtres par étape s'appliquent à un entonnoir horodaté, "
        "chaque étape n'y figurant qu'une fois" + _NB + "; elles restent dans le lien et "
        "s'appliquent de nouveau quand l'entonnoir le permet.",
    ),
    "funnel_rules.page.not_here_any_open": (
        "Exclusions and per-step windows do not apply to an open funnel in any order (a user "
        "enters at the first listed step they ever did); they are kept in the link and apply "
        "again when the funnel is in order or closed.",
        "Les exclusions et les fenêtres par étape ne s'appliquent pas à un entonnoir ouvert "
        "sans ordre (l'utilisateur entre par la première étape de la liste qu'il ait jamais "
        "faite)" + _NB + "; elles restent dans le lien et s'appliquent de nouveau quand "
        "l'entonnoir est dans l'ordre ou fermé.",
    ),
    "funnel_rules.page.two_steps": (
        "Pick at least two steps to add an exclusion or a per-step window.",
        "Choisissez au moins deux étapes pour ajouter une exclusion ou une fenêtre par étape.",
    ),
    "funnel_rules.page.no_events": (
        "Every event of the data is a step of the funnel: there is no other event to exclude.",
        "Tous les événements des données sont des étapes de l'entonnoir" + _NB + ": il n'y a "
        "pas d'autre événement à exclure.",
    ),
    # ---- the workbook and the Definitions ----------------------------------------------------
    "funnel_rules.sheet.exclusions": ("Exclusions", "Exclusions"),
    "funnel_rules.sheet.step_windows": ("Per-step windows", "Fenêtres par étape"),
    "funnel_rules.sheet.excluded": (
        "Users who left early (exclusions)",
        "Utilisateurs sortis plus tôt (exclusions)",
    ),
    "funnel_rules.sheet.none": ("none", "aucune"),
    "funnel_rules.definition": (
        "Exclusion step: a user who does the excluded event after step A and before step B "
        "of their path counts only up to the last step reached before that event (a later "
        "attempt after it may still count). Per-step window: step k counts only when done at "
        "most that long after step k-1; the conversion window still bounds the whole path.",
        "Étape d'exclusion" + _NB + ": un utilisateur qui fait l'événement exclu après "
        "l'étape A et avant l'étape B de son parcours ne compte que jusqu'à la dernière étape "
        "atteinte avant cet événement (une tentative ultérieure peut encore compter). Fenêtre "
        "par étape" + _NB + ": l'étape k ne compte que si elle a lieu au plus ce délai après "
        "l'étape k-1" + _NB + "; la fenêtre de conversion borne toujours tout le parcours.",
    ),
    "funnel_rules.definition_label": (
        "Exclusions and per-step windows",
        "Exclusions et fenêtres par étape",
    ),
    # ---- the command line --------------------------------------------------------------------
    "funnel_rules.cli.exclude_help": (
        "an exclusion step EVENT:FROM:TO (step names or numbers, 1 = the first step): a user "
        "who does EVENT after step FROM and before step TO counts only up to the step before "
        "it (repeatable)",
        "une étape d'exclusion ÉVÉNEMENT:DE:À (noms ou numéros d'étapes, 1 = la première)"
        + _NB
        + ": "
        "un utilisateur qui fait ÉVÉNEMENT après l'étape DE et avant l'étape À ne compte que "
        "jusqu'à l'étape précédente (répétable)",
    ),
    "funnel_rules.cli.window_help": (
        "a per-step window STEP=DURATION (e.g. purchase=2h, 3=30min, cart=7d): the step counts "
        "only when done at most that long after the step before (repeatable)",
        "une fenêtre par étape ÉTAPE=DURÉE (par ex. purchase=2h, 3=30min, cart=7d)"
        + _NB
        + ": l'étape "
        "ne compte que si elle a lieu au plus ce délai après l'étape précédente (répétable)",
    ),
    "funnel_rules.cli.bad_exclude": (
        "--exclude {value}: expected EVENT:FROM:TO, e.g. coupon_error:cart:purchase.",
        "--exclude {value}" + _NB + ": attendu ÉVÉNEMENT:DE:À, par exemple "
        "coupon_error:cart:purchase.",
    ),
    "funnel_rules.cli.bad_window": (
        "--step-window {value}: expected STEP=DURATION with a number and a unit (min, h, d, "
        "w), e.g. purchase=2h.",
        "--step-window {value}" + _NB + ": attendu ÉTAPE=DURÉE avec un nombre et une unité "
        "(min, h, d, w), par exemple purchase=2h.",
    ),
    "funnel_rules.cli.bad_step": (
        "{value}: no step {step} in the funnel ({steps:list}).",
        "{value}" + _NB + ": pas d'étape {step} dans l'entonnoir ({steps:list}).",
    ),
    # ---- a connected table -------------------------------------------------------------------
    "funnel_rules.engine.note": (
        "The exclusions and per-step windows are computed in the connected table's engine.",
        "Les exclusions et les fenêtres par étape sont calculées dans le moteur de la table "
        "connectée.",
    ),
}
