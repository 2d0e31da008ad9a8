"""Why they drop (kpi.funnel.next_events, kpi.funnel.drivers): where the dropped users went,
what differs about those who convert; the Funnel page's section and the workbook's sheet."""

from __future__ import annotations

from kpi.words.catalogue._typo import french

MESSAGES: dict[str, tuple[str, str]] = french(
    {
        # ---- errors ------------------------------------------------------------------------
        "funnel_why.error.step": (
            "Step {step} has no next step in a funnel of {steps} steps.",
            "L'étape {step} n'a pas d'étape suivante dans un entonnoir de {steps} étapes.",
        ),
        "funnel_why.hint.step": (
            "Choose a step before the last one.",
            "Choisissez une étape avant la dernière.",
        ),
        "funnel_why.error.needs_ts": (
            "Where the users went next needs the time of each event, and this data has none "
            "(a membership funnel).",
            "Savoir où sont allés les utilisateurs demande l'heure de chaque événement, et ces "
            "données n'en ont pas (entonnoir d'appartenance).",
        ),
        "funnel_why.hint.needs_ts": (
            "Map a date or time column of the events as the timestamp on the Data page.",
            "Sur la page Données, désignez une colonne de date ou d'heure des événements comme "
            "horodatage.",
        ),
        "funnel_why.error.needs_sequential": (
            "Where the users went next is offered for an ordered funnel that starts at step 1: "
            "in any order, or in an open funnel, there is no single moment at which a user "
            "reached a step.",
            "Savoir où sont allés les utilisateurs est proposé pour un entonnoir ordonné qui "
            "commence à l'étape 1 : dans le désordre ou en entonnoir ouvert, il n'y a pas un "
            "moment unique où l'utilisateur a atteint une étape.",
        ),
        "funnel_why.hint.needs_sequential": (
            "Choose the order “in order” and switch off the open funnel.",
            "Choisissez l'ordre « dans l'ordre » et désactivez l'entonnoir ouvert.",
        ),
        "funnel_why.error.no_events": (
            "There are no events in this view.",
            "Il n'y a aucun événement dans cette vue.",
        ),
        "funnel_why.hint.no_events": (
            "Widen the filters or the period.",
            "Élargissez les filtres ou la période.",
        ),
        # ---- findings ----------------------------------------------------------------------
        "funnel_why.who.segment": (
            "Users with {column} = {value}",
            "Les utilisateurs avec {column} = {value}",
        ),
        "funnel_why.who.event": (
            "Users who did “{event}”",
            "Les utilisateurs qui ont fait « {event} »",
        ),
        "funnel_why.finding.more": (
            "{who} are {times:num1}× more likely to reach {last} (odds ratio {odds_ratio:num2}, "
            "95% CI {low:num2}–{high:num2}, adjusted p {p:p}).",
            "{who} ont {times:num1} fois plus de chances d'atteindre {last} (rapport des cotes "
            "{odds_ratio:num2}, IC à 95\u00a0% {low:num2}–{high:num2}, p ajustée {p:p}).",
        ),
        "funnel_why.finding.less": (
            "{who} are {times:num1}× less likely to reach {last} (odds ratio {odds_ratio:num2}, "
            "95% CI {low:num2}–{high:num2}, adjusted p {p:p}).",
            "{who} ont {times:num1} fois moins de chances d'atteindre {last} (rapport des cotes "
            "{odds_ratio:num2}, IC à 95\u00a0% {low:num2}–{high:num2}, p ajustée {p:p}).",
        ),
        # ---- notes -------------------------------------------------------------------------
        "funnel_why.note.nobody": (
            "Nobody reached {step} in this view: there is nothing to compare.",
            "Personne n'a atteint {step} dans cette vue : il n'y a rien à comparer.",
        ),
        "funnel_why.note.no_converter": (
            "Nobody went on to {last}: there are no converters to compare with.",
            "Personne n'est allé jusqu'à {last} : il n'y a pas de convertis à comparer.",
        ),
        "funnel_why.note.no_drop": (
            "Everyone went on to {last}: there are no drop-offs to compare with.",
            "Tout le monde est allé jusqu'à {last} : il n'y a pas d'abandons à comparer.",
        ),
        "funnel_why.note.skewed": (
            "The split is skewed: {share:pct} of these users converted ({converters:int} "
            "converters, {dropped:int} drop-offs). Odds ratios then rest on the few users of "
            "the small side; read their intervals.",
            "La répartition est déséquilibrée : {share:pct} de ces utilisateurs ont converti "
            "({converters:int} convertis, {dropped:int} abandons). Les rapports des cotes "
            "reposent alors sur les quelques utilisateurs du petit côté ; lisez leurs "
            "intervalles.",
        ),
        "funnel_why.note.small": (
            "Rows marked “small group” compare fewer than {n:int} users on one side: their "
            "ratios are imprecise.",
            "Les lignes marquées « petit groupe » comparent moins de {n:int} utilisateurs d'un "
            "côté : leurs rapports sont imprécis.",
        ),
        "funnel_why.note.untested": (
            "Not tested (the least common, beyond the first {limit:int}): {items:list}.",
            "Non testés (les moins fréquents, au-delà des {limit:int} premiers) : {items:list}.",
        ),
        "funnel_why.note.untested_item": (
            "{n:int} {n:plural:value|values} of {column}",
            "{n:int} {n:plural:valeur|valeurs} de {column}",
        ),
        "funnel_why.note.untested_events": (
            "{n:int} event {n:plural:name|names}",
            "{n:int} {n:plural:nom|noms} d'événement",
        ),
        # ---- the page's section ------------------------------------------------------------
        "funnel_why.page.title": ("Why they drop", "Pourquoi ils abandonnent"),
        "funnel_why.page.toggle": ("Show why they drop", "Voir pourquoi ils abandonnent"),
        "funnel_why.page.toggle_help": (
            "Where the users who dropped at a step went next, and what differs about those "
            "who convert. Computed only while this is on.",
            "Où sont allés les utilisateurs qui ont abandonné à une étape, et ce qui distingue "
            "ceux qui convertissent. Calculé seulement quand c'est activé.",
        ),
        "funnel_why.page.step": ("Step", "Étape"),
        "funnel_why.page.step_option": ("{step} → {next}", "{step} → {next}"),
        "funnel_why.page.step_help": (
            "The users who reached this step and not the next one. By default the step that "
            "loses the largest share of its users.",
            "Les utilisateurs qui ont atteint cette étape sans atteindre la suivante. Par "
            "défaut, l'étape qui perd la plus grande part de ses utilisateurs.",
        ),
        "funnel_why.page.next_title": ("Where did they go?", "Où sont-ils allés ?"),
        "funnel_why.page.next_intro": (
            "{dropped:int} {dropped:plural:user|users} reached {step} and not {next}. Their "
            "next event is the first one after the moment they reached {step} (not that "
            "event itself), within the conversion window ({window}), that is the time they "
            "had to reach {next}.",
            "{dropped:int} {dropped:plural:utilisateur a|utilisateurs ont} atteint {step} sans "
            "atteindre {next}. Leur événement suivant est le premier après le moment où ils "
            "ont atteint {step} (pas cet événement lui-même), dans la fenêtre de conversion "
            "({window}), c'est-à-dire le temps qu'ils avaient pour atteindre {next}.",
        ),
        "funnel_why.page.window_none": ("no limit", "sans limite"),
        "funnel_why.page.window_amount": (
            "{amount:num} {unit} after their step 1",
            "{amount:num} {unit} après leur étape 1",
        ),
        "funnel_why.page.no_dropped": (
            "Nobody dropped between {step} and {next} in this view.",
            "Personne n'a abandonné entre {step} et {next} dans cette vue.",
        ),
        "funnel_why.page.none_row": ("(no further event)", "(aucun autre événement)"),
        "funnel_why.page.ties": (
            "Shares of the {dropped:int} dropped users; they add up to 100%. At equal times "
            "the event listed first in the data counts.",
            "Parts des {dropped:int} utilisateurs qui ont abandonné ; elles font 100\u00a0% au "
            "total. À heure égale, l'événement qui vient en premier dans les données compte.",
        ),
        "funnel_why.page.chart": (
            "Next event of the users who dropped at {step}",
            "Événement suivant des utilisateurs qui ont abandonné à {step}",
        ),
        "funnel_why.page.diff_title": (
            "What is different about those who convert?",
            "Qu'est-ce qui distingue ceux qui convertissent ?",
        ),
        "funnel_why.page.diff_intro": (
            "Among the {population:int} users who reached {step}, the converters are the "
            "{converters:int} who went on to the last step, {last} (as PostHog's correlation "
            "analysis), the drop-offs the other {dropped:int}. Each segment value is compared "
            "with the other values of its column, each event (not a step of the funnel) done "
            "between {step} and the user's outcome with not doing it then.",
            "Parmi les {population:int} utilisateurs qui ont atteint {step}, les convertis sont "
            "les {converters:int} qui sont allés jusqu'à la dernière étape, {last} (comme "
            "l'analyse de corrélation de PostHog), les abandons les {dropped:int} autres. "
            "Chaque valeur de segment est comparée aux autres valeurs de sa colonne, chaque "
            "événement (hors étapes de l'entonnoir) fait entre {step} et l'issue de "
            "l'utilisateur au fait de ne pas l'avoir fait à ce moment-là.",
        ),
        "funnel_why.page.family": (
            "{family:int} {family:plural:test|tests} adjusted together (Benjamini–Hochberg, "
            "false discovery rate {alpha:pct}). Only what survives the correction is a "
            "finding.",
            "{family:int} {family:plural:test ajusté|tests ajustés} ensemble "
            "(Benjamini–Hochberg, taux de fausses découvertes {alpha:pct}). Seul ce qui "
            "résiste à la correction est un constat.",
        ),
        "funnel_why.page.method": (
            "Odds ratio: the odds of converting with the value over the odds without it "
            "(“2× more likely” compares these odds); 95% interval by Woolf's log method, 0.5 "
            "added to every cell of a table with a 0. p-value: chi-square test when every "
            "expected count is at least 5, else Fisher's exact test. An event done before the "
            "outcome may still go with converting rather than cause it.",
            "Rapport des cotes : la cote de conversion avec la valeur divisée par la cote sans "
            "elle (« 2 fois plus de chances » compare ces cotes) ; intervalle à 95\u00a0% par la "
            "méthode logarithmique de Woolf, 0,5 ajouté à chaque case d'un tableau qui contient "
            "un 0. Valeur p : test du khi-deux quand chaque effectif attendu est d'au moins 5, "
            "sinon test exact de Fisher. Un événement fait avant l'issue peut encore aller de "
            "pair avec la conversion plutôt que la causer.",
        ),
        "funnel_why.page.events_rule": (
            "An event counts only when done before the user's outcome, so that what "
            "converters do because they converted (an order confirmation, account pages after "
            "the purchase) is not taken for a cause: strictly after the moment the user "
            "reached {step} and, for a converter, strictly before reaching {last}; for a "
            "drop-off, no later than the conversion window after {step} ({window}) or the "
            "period's end, whichever comes first. The moments are those of the user's best "
            "attempt.",
            "Un événement ne compte que s'il a été fait avant l'issue de l'utilisateur, pour "
            "que ce que font les convertis parce qu'ils ont converti (une confirmation de "
            "commande, les pages du compte après l'achat) ne passe pas pour une cause"
            "\u00a0: strictement après le moment où l'utilisateur a atteint {step} et, pour "
            "un converti, strictement avant d'atteindre {last}\u00a0; pour un abandon, au "
            "plus tard à la fin de la fenêtre de conversion après {step} ({window}) ou à la "
            "fin de la période, selon ce qui vient en premier. Les moments sont ceux de la "
            "meilleure tentative de l'utilisateur.",
        ),
        "funnel_why.page.events_window_none": ("no limit", "sans limite"),
        "funnel_why.page.events_window_amount": (
            "{amount:num} {unit}",
            "{amount:num} {unit}",
        ),
        "funnel_why.unit.seconds": ("{n:plural:second|seconds}", "{n:plural:seconde|secondes}"),
        "funnel_why.unit.minutes": ("{n:plural:minute|minutes}", "{n:plural:minute|minutes}"),
        "funnel_why.unit.hours": ("{n:plural:hour|hours}", "{n:plural:heure|heures}"),
        "funnel_why.unit.days": ("{n:plural:day|days}", "{n:plural:jour|jours}"),
        "funnel_why.unit.weeks": ("{n:plural:week|weeks}", "{n:plural:semaine|semaines}"),
        "funnel_why.unit.months": ("{n:plural:month|months}", "{n:plural:mois|mois}"),
        "funnel_why.note.events_untimed": (
            "Events are not compared here: an event counts only when done between step k and "
            "the user's outcome, which needs an in-order, closed funnel with timestamps (this "
            "one is in any order, open, or has no times). Only the segment values are "
            "compared.",
            "Les événements ne sont pas comparés ici\u00a0: un événement ne compte que s'il a "
            "été fait entre l'étape k et l'issue de l'utilisateur, ce qui demande un entonnoir "
            "dans l'ordre, fermé et horodaté (celui-ci est sans ordre, ouvert ou sans "
            "horodatage). Seules les valeurs de segment sont comparées.",
        ),
        "funnel_why.page.findings": ("Findings", "Constats"),
        "funnel_why.page.no_finding": (
            "No finding: no segment value or event differs between converters and drop-offs "
            "once corrected for the {family:int} tests.",
            "Aucun constat : aucune valeur de segment ni aucun événement ne distingue les "
            "convertis des abandons une fois corrigé pour les {family:int} tests.",
        ),
        "funnel_why.page.others": (
            "Not a finding ({n:int})",
            "Pas un constat ({n:int})",
        ),
        "funnel_why.page.next_connected": (
            "Where the dropped users went next is not offered on a connected table: it needs "
            "each user's moment at each step and the events that followed, rows that stay in "
            "the engine (only aggregates come back). Upload an export of the table to see it.",
            "Savoir où sont allés les utilisateurs qui ont abandonné n'est pas proposé sur une "
            "table connectée : il faut le moment de chaque étape de chaque utilisateur et les "
            "événements qui ont suivi, des lignes qui restent dans le moteur (seuls des "
            "agrégats reviennent). Importez un export de la table pour le voir.",
        ),
        "funnel_why.error.engine_open": (
            "On a connected table the comparison of converters is offered for a closed "
            "funnel: in an open funnel a user may enter after the chosen step.",
            "Sur une table connectée, la comparaison des convertis est proposée pour un "
            "entonnoir fermé : dans un entonnoir ouvert, un utilisateur peut entrer après "
            "l'étape choisie.",
        ),
        "funnel_why.page.counts": (
            "“Why they drop” needs one row per user and event; aggregated counts do not say "
            "who did what.",
            "« Pourquoi ils abandonnent » demande une ligne par utilisateur et par événement ; "
            "des comptages agrégés ne disent pas qui a fait quoi.",
        ),
        "funnel_why.page.two_steps": (
            "Choose at least two steps to see why users drop.",
            "Choisissez au moins deux étapes pour voir pourquoi les utilisateurs abandonnent.",
        ),
        # ---- table headers -----------------------------------------------------------------
        "funnel_why.col.event": ("Next event", "Événement suivant"),
        "funnel_why.col.users": ("Users", "Utilisateurs"),
        "funnel_why.col.share": ("Share of dropped users", "Part des abandons"),
        "funnel_why.col.kind": ("Kind", "Type"),
        "funnel_why.col.column": ("Segment", "Segment"),
        "funnel_why.col.value": ("Value or event", "Valeur ou événement"),
        "funnel_why.col.converters_with": ("Converters with", "Convertis avec"),
        "funnel_why.col.dropped_with": ("Drop-offs with", "Abandons avec"),
        "funnel_why.col.conversion_with": ("Conversion with", "Conversion avec"),
        "funnel_why.col.conversion_without": ("Conversion without", "Conversion sans"),
        "funnel_why.col.odds_ratio": ("Odds ratio", "Rapport des cotes"),
        "funnel_why.col.ci_low": ("95% CI low", "IC 95\u00a0% bas"),
        "funnel_why.col.ci_high": ("95% CI high", "IC 95\u00a0% haut"),
        "funnel_why.col.p_value": ("p-value", "Valeur p"),
        "funnel_why.col.test": ("Test", "Test"),
        "funnel_why.col.p_adjusted": ("Adjusted p (BH)", "p ajustée (BH)"),
        "funnel_why.col.finding": ("Finding", "Constat"),
        "funnel_why.col.note": ("Note", "Remarque"),
        "funnel_why.kind.segment": ("segment", "segment"),
        "funnel_why.kind.event": ("event", "événement"),
        "funnel_why.test.chi2": ("chi-square", "khi-deux"),
        "funnel_why.test.fisher": ("Fisher exact", "exact de Fisher"),
        "funnel_why.mark.small": ("small group", "petit groupe"),
        "funnel_why.mark.corrected": ("0.5 added (a cell is 0)", "0,5 ajouté (une case vaut 0)"),
        # ---- the workbook's sheet ----------------------------------------------------------
        "funnel_why.sheet.note": (
            "Step {step} → {next}; {view}.",
            "Étape {step} → {next} ; {view}.",
        ),
    }
)
