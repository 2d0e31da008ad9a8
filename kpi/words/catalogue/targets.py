"""Targets (objectifs): statuses, gaps, the targets file's problems, the editor, the workbook's
columns, the red flag of a missed target and the charts' benchmark bands."""

from __future__ import annotations

from kpi.words.catalogue._typo import french

MESSAGES: dict[str, tuple[str, str]] = french(
    {
        # ---- KPIs without a catalogue label of their own ------------------------------------
        "targets.kpi.retention_pn": (
            "Retention at period {n:int}",
            "Rétention à la période {n:int}",
        ),
        # ---- statuses ---------------------------------------------------------------------
        "targets.status.on": ("On target", "Objectif atteint"),
        "targets.status.close": ("Close", "Proche"),
        "targets.status.off": ("Off target", "Objectif manqué"),
        "targets.status.none": ("No value", "Pas de valeur"),
        # ---- a value or a target in its unit ----------------------------------------------
        "targets.value.rate": ("{x:pct}", "{x:pct}"),
        "targets.value.currency": ("{x:money}", "{x:money}"),
        "targets.value.count": ("{x:int}", "{x:int}"),
        "targets.value.seconds": ("{x:dur}", "{x:dur}"),
        "targets.value.points": ("{x:num1}", "{x:num1}"),
        "targets.value.months": ("{x:num1} months", "{x:num1} mois"),
        "targets.value.days": ("{x:num1} days", "{x:num1} jours"),
        "targets.value.number": ("{x:num2}", "{x:num2}"),
        # ---- the gap (value − target) -----------------------------------------------------
        "targets.gap.rate": ("{gap:pts}", "{gap:pts}"),
        "targets.gap.currency": ("{gap:money}", "{gap:money}"),
        "targets.gap.currency.relative": ("{gap:money} ({rel:spct})", "{gap:money} ({rel:spct})"),
        "targets.gap.count": ("{gap:int}", "{gap:int}"),
        "targets.gap.count.relative": ("{gap:int} ({rel:spct})", "{gap:int} ({rel:spct})"),
        "targets.gap.seconds": ("{gap:num0} s", "{gap:num0} s"),
        "targets.gap.seconds.relative": ("{gap:num0} s ({rel:spct})", "{gap:num0} s ({rel:spct})"),
        "targets.gap.points": ("{gap:num1} points", "{gap:num1} points"),
        "targets.gap.points.relative": (
            "{gap:num1} points ({rel:spct})",
            "{gap:num1} points ({rel:spct})",
        ),
        "targets.gap.number": ("{gap:num2}", "{gap:num2}"),
        "targets.gap.number.relative": ("{gap:num2} ({rel:spct})", "{gap:num2} ({rel:spct})"),
        # ---- on a KPI card ----------------------------------------------------------------
        "targets.card": (
            "Target {target} · gap {gap} · {status}",
            "Objectif {target} · écart {gap} · {status}",
        ),
        "targets.card.no_value": (
            "Target {target} · no value in this view",
            "Objectif {target} · pas de valeur dans cette vue",
        ),
        # ---- the targets file ---------------------------------------------------------------
        "targets.file.summary": (
            "{kept:int} {kept:plural:target|targets} read from {rows:int} "
            "{rows:plural:row|rows}; {ignored:int} {ignored:plural:row|rows} ignored.",
            "{kept:int} {kept:plural:objectif lu|objectifs lus} sur {rows:int} "
            "{rows:plural:ligne|lignes} ; {ignored:int} {ignored:plural:ligne ignorée|lignes "
            "ignorées}.",
        ),
        "targets.error.empty": ("The targets file is empty.", "Le fichier d'objectifs est vide."),
        "targets.error.columns": (
            "The targets file needs the columns kpi and target; its first row has {found:list}.",
            "Le fichier d'objectifs doit avoir les colonnes kpi et target ; sa première ligne "
            "contient {found:list}.",
        ),
        "targets.hint.format": (
            "Write one KPI a row: kpi,target then conversion_rate,0.025 (rates as fractions, "
            "money and counts as plain numbers); ; and decimal commas are fine.",
            "Écrivez un indicateur par ligne : kpi;target puis conversion_rate;0,025 (les taux en "
            "fractions, les montants et les effectifs en nombres simples) ; le point-virgule et "
            "la virgule décimale conviennent.",
        ),
        "targets.problem.unknown": (
            "Line {line:int}: {kpi} is not a KPI id (ids are those of the Definitions sheet, "
            "e.g. conversion_rate); the row is ignored.",
            "Ligne {line:int} : {kpi} n'est pas un identifiant d'indicateur (ceux de la feuille "
            "Définitions, p. ex. conversion_rate) ; la ligne est ignorée.",
        ),
        "targets.problem.duplicate": (
            "Line {line:int}: a second target for {kpi}; the first one is kept.",
            "Ligne {line:int} : un second objectif pour {kpi} ; le premier est gardé.",
        ),
        "targets.problem.not_a_number": (
            "Line {line:int}: the target of {kpi} is “{text}”, not a number; the row is ignored.",
            "Ligne {line:int} : l'objectif de {kpi} est « {text} », pas un nombre ; la ligne est "
            "ignorée.",
        ),
        "targets.problem.rate_above_one.line": (
            "Line {line:int}: the target of {kpi} is {value:num}, above 1 (100%); write rates "
            "as fractions (0.025 for 2.5%). The row is ignored.",
            "Ligne {line:int} : l'objectif de {kpi} est {value:num}, au-dessus de 1 (100\u00a0%) ; "
            "écrivez les taux en fractions (0,025 pour 2,5\u00a0%). La ligne est ignorée.",
        ),
        "targets.problem.rate_above_one": (
            "The target of {kpi} is {value:num}, above 1 (100%); write rates as fractions "
            "(0.025 for 2.5%).",
            "L'objectif de {kpi} est {value:num}, au-dessus de 1 (100\u00a0%) ; écrivez les taux en "
            "fractions (0,025 pour 2,5\u00a0%).",
        ),
        "targets.problem.negative.line": (
            "Line {line:int}: the target of {kpi} is {value:num}, below 0; the row is ignored.",
            "Ligne {line:int} : l'objectif de {kpi} est {value:num}, sous 0 ; la ligne est "
            "ignorée.",
        ),
        "targets.problem.negative": (
            "The target of {kpi} is {value:num}, below 0.",
            "L'objectif de {kpi} est {value:num}, sous 0.",
        ),
        "targets.problem.nps_range.line": (
            "Line {line:int}: the NPS target is {value:num}; an NPS is between −100 and +100 "
            "points. The row is ignored.",
            "Ligne {line:int} : l'objectif de NPS est {value:num} ; un NPS est compris entre "
            "−100 et +100 points. La ligne est ignorée.",
        ),
        "targets.problem.nps_range": (
            "The NPS target is {value:num}; an NPS is between −100 and +100 points.",
            "L'objectif de NPS est {value:num} ; un NPS est compris entre −100 et +100 points.",
        ),
        "targets.problem.url_unknown": (
            "The link's target for “{kpi}” is left out: not a KPI id.",
            "L'objectif du lien pour « {kpi} » est écarté : ce n'est pas un identifiant "
            "d'indicateur.",
        ),
        "targets.problem.url_number": (
            "The link's target for {kpi} is left out: “{text}” is not a number.",
            "L'objectif du lien pour {kpi} est écarté : « {text} » n'est pas un nombre.",
        ),
        # ---- red flag ---------------------------------------------------------------------
        "targets.flag.title": ("Target missed: {kpi}", "Objectif manqué : {kpi}"),
        "targets.flag": (
            "{kpi} is {value}, off its target of {target} (gap {gap}; “close” ends at 10% of "
            "the target).",
            "{kpi} vaut {value}, loin de son objectif de {target} (écart {gap} ; « proche » "
            "s'arrête à 10\u00a0% de l'objectif).",
        ),
        # ---- the editor ---------------------------------------------------------------------
        "targets.editor.title": ("Targets", "Objectifs"),
        "targets.editor.title_n": (
            "Targets ({n:int} set)",
            "Objectifs ({n:int} {n:plural:défini|définis})",
        ),
        "targets.editor.intro": (
            "A target per KPI: type it in the table (rates as fractions, 0.025 for 2.5%; money "
            "and counts as plain numbers; NPS in points) or load a targets file. Targets stay for "
            "this session and are in the page's link.",
            "Un objectif par indicateur : saisissez-le dans le tableau (les taux en fractions, "
            "0,025 pour 2,5\u00a0% ; les montants et les effectifs en nombres simples ; le NPS en "
            "points) ou chargez un fichier d'objectifs. Les objectifs restent pour cette "
            "session et sont dans le lien de la page.",
        ),
        "targets.editor.kpi": ("KPI", "Indicateur"),
        "targets.editor.target": ("Target", "Objectif"),
        "targets.editor.target_help": (
            "In the KPI's unit: 0.025 for a 2.5% rate, 45 for 45 € (decimal comma or point).",
            "Dans l'unité de l'indicateur : 0,025 pour un taux de 2,5\u00a0%, 45 pour 45 €.",
        ),
        "targets.editor.set_now": ("**In force:**", "**En vigueur :**"),
        "targets.editor.set_one": ("{kpi} {target} ({better})", "{kpi} {target} ({better})"),
        "targets.editor.higher": ("higher is better", "plus haut vaut mieux"),
        "targets.editor.lower": ("lower is better", "plus bas vaut mieux"),
        "targets.editor.upload": (
            "Load a targets file (CSV)",
            "Charger un fichier d'objectifs (CSV)",
        ),
        "targets.editor.upload_help": (
            "Columns kpi and target, one KPI a row; ; or , and decimal commas are fine.",
            "Colonnes kpi et target, un indicateur par ligne ; le point-virgule, la virgule et "
            "la virgule décimale conviennent.",
        ),
        "targets.editor.download": (
            "Download the targets (CSV)",
            "Télécharger les objectifs (CSV)",
        ),
        "targets.editor.clear": ("Clear the targets", "Effacer les objectifs"),
        "targets.editor.rules": (
            "Status: **on target** when the value reaches the target (at or above it, at or "
            "below it for a KPI where lower is better); **close** within 10% of the target; "
            "**off** beyond.",
            "Statut : **objectif atteint** quand la valeur atteint l'objectif (au-dessus, ou "
            "au-dessous pour un indicateur où plus bas vaut mieux) ; **proche** à moins de 10\u00a0% "
            "de l'objectif ; **objectif manqué** au-delà.",
        ),
        "targets.editor.invalid": (
            "Not kept: {why}",
            "Non gardé : {why}",
        ),
        "targets.editor.loaded": (
            "{file}: {summary}",
            "{file} : {summary}",
        ),
        "targets.editor.file_name": ("parcours-targets.csv", "parcours-objectifs.csv"),
        "targets.editor.connected": (
            "Targets are kept in this session, not in the connected table: they apply to it the "
            "same way.",
            "Les objectifs sont gardés dans cette session, pas dans la table connectée : ils s'y "
            "appliquent de la même façon.",
        ),
        # ---- the workbook -----------------------------------------------------------------
        "targets.col.target": ("Target", "Objectif"),
        "targets.col.value": ("Value in this view", "Valeur dans cette vue"),
        "targets.col.gap": ("Gap to target", "Écart à l'objectif"),
        "targets.col.status": ("Status", "Statut"),
        "targets.sheet.note": (
            "Status: on target when the value reaches the target; close within 10% of it; off "
            "beyond (for bounce, cart abandonment, churn, CAC, payback and time to convert, "
            "lower is better). Gap = value − target (points for a rate).",
            "Statut : objectif atteint quand la valeur atteint l'objectif ; proche à moins de "
            "10\u00a0% ; manqué au-delà (pour le rebond, l'abandon de panier, le churn, le CAC, le "
            "délai de retour et le délai de conversion, plus bas vaut mieux). Écart = valeur − "
            "objectif (en points pour un taux).",
        ),
        "targets.sheet.none": (
            "No target set: add them in the app (Overview, Targets) or with --targets FILE.",
            "Aucun objectif défini : ajoutez-les dans l'application (Vue d'ensemble, Objectifs) "
            "ou avec --targets FICHIER.",
        ),
        "targets.sheet.other": (
            "Targets of other KPIs",
            "Objectifs des autres indicateurs",
        ),
        "targets.sheet.no_value": (
            "{kpi}: target {target}, no value in this view.",
            "{kpi} : objectif {target}, pas de valeur dans cette vue.",
        ),
        # ---- charts -----------------------------------------------------------------------
        "targets.chart.benchmark": (
            "Generic e-commerce benchmark: {low:num0}–{high:num0}%",
            "Repère e-commerce générique : {low:num0}–{high:num0}\u00a0%",
        ),
        "targets.chart.benchmark_best": (
            "Generic e-commerce benchmark: {low:num0}–{high:num0}%, best sites above {best:num0}%",
            "Repère e-commerce générique : {low:num0}–{high:num0}\u00a0%, meilleurs sites "
            "au-dessus de {best:num0}\u00a0%",
        ),
        "targets.chart.benchmark_ratio": (
            "Generic e-commerce benchmark: {ratio:num0}:1",
            "Repère e-commerce générique : {ratio:num0}:1",
        ),
        "targets.chart.target": ("Your target {target}", "Votre objectif {target}"),
        "targets.chart.caption": (
            "Grey band: a generic e-commerce benchmark from the articles Parcours is built on, "
            "not your target. Dashed line: your target.",
            "Bande grise : un repère e-commerce générique tiré des articles dont Parcours est "
            "issu, pas votre objectif. Ligne pointillée : votre objectif.",
        ),
        # ---- command line -----------------------------------------------------------------
        "targets.cli.help": (
            "a targets CSV (columns kpi, target): value, target, gap and status on the Summary "
            "sheet, a red flag for each target missed",
            "un CSV d'objectifs (colonnes kpi, target) : valeur, objectif, écart et statut sur la "
            "feuille Synthèse, une alerte par objectif manqué",
        ),
        "targets.cli.read": ("Targets: {summary}", "Objectifs : {summary}"),
        "targets.cli.problem": ("  {problem}", "  {problem}"),
    }
)
