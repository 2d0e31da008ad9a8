"""The A/B test page: title, widgets (labels, help, placeholders, options), captions, table
headers, cards and charts (pages/abtest_view.py, pages/_ui/ab_*.py)."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    "ab_page.title": ("A/B test", "Test A/B"),
    "ab_page.intro": (
        "Is the variant really better than the control? Type the numbers (**Quick check**) "
        "or pick the columns of your data (**From data**): you get a verdict in plain words, "
        "the statistics behind it, and the checks that say whether to trust it.",
        "La variante fait-elle vraiment mieux que le groupe de contrôle\u00a0? Saisissez vos "
        "chiffres (**Vérification rapide**) ou choisissez les colonnes de vos données (**À "
        "partir des données**)\u00a0: vous obtenez un verdict en clair, les statistiques qui "
        "le fondent et les contrôles qui disent si l'on peut s'y fier.",
    ),
    # mode
    "ab_page.mode.label": ("Start from", "Partir de"),
    "ab_page.mode.quick": ("Quick check", "Vérification rapide"),
    "ab_page.mode.data": ("From data", "À partir des données"),
    "ab_page.mode.help": (
        "Quick check: four numbers, no file needed. From data: the uploaded (or demo) data.",
        "Vérification rapide\u00a0: quatre nombres, sans fichier. À partir des "
        "données\u00a0: les données importées (ou de démonstration).",
    ),
    "ab_page.mode.help.engine": (
        "Quick check: four numbers, no file needed. From data: the connected table, counted "
        "where it lives.",
        "Vérification rapide\u00a0: quatre nombres, sans fichier. À partir des "
        "données\u00a0: la table connectée, comptée là où elle se trouve.",
    ),
    # settings
    "ab_page.settings.title": (
        "Settings: confidence, corrections, planned split, smallest effect",
        "Réglages\u00a0: confiance, corrections, répartition prévue, plus petit effet",
    ),
    "ab_page.settings.alpha": (
        "Significance level (95% confidence = 0.05)",
        "Seuil de significativité (confiance de 95\u00a0% = 0,05)",
    ),
    "ab_page.settings.alpha_help": (
        "A difference is called significant when p is below this level: 0.05 is 95% "
        "confidence, 0.01 is 99%, 0.10 is 90%.",
        "Un écart est dit significatif quand p est sous ce seuil\u00a0: 0,05 correspond à "
        "une confiance de 95\u00a0%, 0,01 à 99\u00a0%, 0,10 à 90\u00a0%.",
    ),
    "ab_page.settings.correction": (
        "Correction for several comparisons",
        "Correction pour comparaisons multiples",
    ),
    "ab_page.settings.correction_help": (
        "Holm keeps the chance of any false alarm at the level (strict); Benjamini–Hochberg "
        "keeps the share of false alarms among the 'wins' at the level.",
        "Holm maintient au seuil le risque d'une fausse alerte quelconque (strict)\u00a0; "
        "Benjamini–Hochberg maintient au seuil la part de fausses alertes parmi les "
        "«\u00a0gagnants\u00a0».",
    ),
    "ab_page.correction.holm": ("Holm", "Holm"),
    "ab_page.correction.bh": ("Benjamini–Hochberg", "Benjamini–Hochberg"),
    "ab_page.correction.none": ("None", "Aucune"),
    "ab_page.settings.family": ("Correct over", "Corriger sur"),
    "ab_page.settings.family_help": (
        "Which comparisons count together: the variants vs the control, or every variant in "
        "every segment of the breakdown.",
        "Quelles comparaisons comptent ensemble\u00a0: les variantes face au groupe de "
        "contrôle, ou chaque variante dans chaque segment de la ventilation.",
    ),
    "ab_page.family.variants_x_segments": ("variants × segments", "variantes × segments"),
    "ab_page.family.variants": ("variants", "variantes"),
    "ab_page.settings.split": ("Planned split", "Répartition prévue"),
    "ab_page.settings.split_placeholder": (
        "equal, e.g. 50/50 or 96/4",
        "égale, par exemple 50/50 ou 96/4",
    ),
    "ab_page.settings.split_help": (
        "The traffic share each variant was meant to get, in the order of the table. Empty = "
        "equal shares.",
        "La part du trafic prévue pour chaque variante, dans l'ordre du tableau. Vide = parts "
        "égales.",
    ),
    "ab_page.settings.mde_kind": (
        "Smallest effect worth detecting (MDE)",
        "Plus petit effet utile à détecter (MDE)",
    ),
    "ab_page.mde.relative": ("relative %", "% relatif"),
    "ab_page.mde.absolute": ("absolute pp", "points absolus"),
    "ab_page.settings.mde_kind_help": (
        "Relative: +5% means 2.0% → 2.1%. Absolute: +0.5 pp means 2.0% → 2.5%.",
        "Relatif\u00a0: +5\u00a0% signifie 2,0\u00a0% → 2,1\u00a0%. Absolu\u00a0: +0,5 pt "
        "signifie 2,0\u00a0% → 2,5\u00a0%.",
    ),
    "ab_page.settings.mde": ("MDE value", "Valeur du MDE"),
    "ab_page.settings.mde_help": (
        "In % of the control's rate (relative) or in percentage points (absolute); values "
        "below 1 are fine (e.g. 0.2).",
        "En % du taux du groupe de contrôle (relatif) ou en points (absolu)\u00a0; les "
        "valeurs sous 1 sont acceptées (par exemple 0,2).",
    ),
    "ab_page.settings.power": ("Power (0.8 = 80%)", "Puissance (0,8 = 80\u00a0%)"),
    "ab_page.settings.power_help": (
        "Chance of detecting the MDE if it is real.",
        "Probabilité de détecter le MDE s'il est réel.",
    ),
    "ab_page.settings.peeked": ("I peeked", "J'ai jeté un œil"),
    "ab_page.settings.peeked_help": (
        "Looked at the results several times and stopped when they looked good? Then "
        "ordinary p-values are too optimistic: show always-valid (sequential) results too.",
        "Vous avez regardé les résultats plusieurs fois et arrêté quand ils semblaient "
        "bons\u00a0? Les p-values ordinaires sont alors trop optimistes\u00a0: affichez aussi "
        "les résultats toujours valides (séquentiels).",
    ),
    "ab_page.split_fallback": (
        "{problem} Using an equal split instead.",
        "{problem} Une répartition égale est utilisée à la place.",
    ),
    # quick check
    "ab_page.quick.title": ("Your numbers", "Vos chiffres"),
    "ab_page.quick.control": ("Control", "Contrôle"),
    "ab_page.quick.control_pick": (
        "Control (the group the others are compared with)",
        "Groupe de contrôle (celui auquel les autres sont comparés)",
    ),
    "ab_page.quick.variant": ("Variant", "Variante"),
    "ab_page.quick.name_help.control": (
        "Name of the group. It is the control.",
        "Nom du groupe. C'est le groupe de contrôle.",
    ),
    "ab_page.quick.name_help.variant": ("Name of the group.", "Nom du groupe."),
    "ab_page.quick.visitors.control": ("Visitors (control)", "Visiteurs (contrôle)"),
    "ab_page.quick.visitors.variant": ("Visitors (variant)", "Visiteurs (variante)"),
    "ab_page.quick.conversions.control": ("Conversions (control)", "Conversions (contrôle)"),
    "ab_page.quick.conversions.variant": ("Conversions (variant)", "Conversions (variante)"),
    "ab_page.quick.visitors_placeholder": ("e.g. 10000", "par ex. 10000"),
    "ab_page.quick.conversions_placeholder": ("e.g. 500", "par ex. 500"),
    "ab_page.quick.visitors_help": (
        "People who saw this version.",
        "Personnes qui ont vu cette version.",
    ),
    "ab_page.quick.conversions_help": (
        "People who converted (at most the visitors).",
        "Personnes qui ont converti (au plus les visiteurs).",
    ),
    "ab_page.quick.example": ("Fill in example numbers", "Remplir avec un exemple"),
    "ab_page.quick.example_help": (
        "10,000 visitors per group, 500 vs 560 conversions: to see what the page shows. The "
        "verdict then says these are example numbers.",
        "10\u202f000 visiteurs par groupe, 500 contre 560 conversions\u00a0: pour voir ce que "
        "montre la page. Le verdict précise alors qu'il s'agit d'un exemple.",
    ),
    "ab_page.quick.paste": (
        "…or paste a table (name, visitors, conversions)",
        "…ou collez un tableau (nom, visiteurs, conversions)",
    ),
    "ab_page.quick.paste_help": (
        "Copied from Excel (tabs) or typed with commas or semicolons; a header line is fine; "
        "as many groups as you like. When filled, it replaces the numbers on the left.",
        "Copié depuis Excel (tabulations) ou saisi avec des virgules ou des "
        "points-virgules\u00a0; une ligne d'en-tête est acceptée\u00a0; autant de groupes que "
        "vous voulez. Une fois rempli, il remplace les nombres de gauche.",
    ),
    "ab_page.quick.using_paste": (
        "Using the pasted table. Clear it to use the numbers on the left.",
        "Le tableau collé est utilisé. Videz-le pour utiliser les nombres de gauche.",
    ),
    "ab_page.quick.type_numbers": (
        "Type the visitors and conversions of both groups (or paste a table, or fill in the "
        "example numbers) to get a verdict. The numbers you type are kept in the page's link, "
        "so a copied link shows the same verdict.",
        "Saisissez les visiteurs et les conversions des deux groupes (ou collez un tableau, "
        "ou remplissez l'exemple) pour obtenir un verdict. Les nombres saisis sont gardés "
        "dans le lien de la page\u00a0: un lien copié montre le même verdict.",
    ),
    # from data
    "ab_page.data.variant": (
        "Variant column (the A/B assignment)",
        "Colonne de variante (l'affectation A/B)",
    ),
    "ab_page.data.variant_placeholder": (
        "pick the assignment column",
        "choisissez la colonne d'affectation",
    ),
    "ab_page.data.variant_help": (
        "The column that says which version each user was assigned to. Columns that look "
        "like an assignment (a few values, a name such as variant/group/version/test/arm/"
        "bucket, or values such as A/B, control/treatment) come first.",
        "La colonne qui indique la version attribuée à chaque utilisateur. Les colonnes qui "
        "ressemblent à une affectation (quelques valeurs, un nom comme variante/groupe/"
        "version/test, ou des valeurs comme A/B, contrôle/traitement) viennent en premier.",
    ),
    "ab_page.data.no_segments": (
        "The data has no column saying which variant each user saw (e.g. `variant`, `group`, "
        "`version`). Upload a user table with one, or use the **Quick check**.",
        "Les données n'ont aucune colonne indiquant la variante vue par chaque utilisateur "
        "(par exemple `variant`, `groupe`, `version`). Importez une table d'utilisateurs qui "
        "en a une, ou utilisez la **Vérification rapide**.",
    ),
    "ab_page.data.no_segments.engine": (
        "The connected table has no column saying which variant each user saw (e.g. "
        "`variant`, `group`, `version`). Give that column the role *A/B variant (segment)* "
        "on the **Data** page, or use the **Quick check**.",
        "La table connectée n'a aucune colonne indiquant la variante vue par chaque "
        "utilisateur (par exemple `variant`, `groupe`, `version`). Donnez à cette colonne le "
        "rôle *Variante A/B (segment)* sur la page **Données**, ou utilisez la "
        "**Vérification rapide**.",
    ),
    "ab_page.data.no_outcome": (
        "Nothing in the data says who converted: upload a yes/no column (e.g. `converted`, "
        "`retention_7`) or an event log with funnel steps, or use the **Quick check**.",
        "Rien dans les données ne dit qui a converti\u00a0: importez une colonne oui/non "
        "(par exemple `converted`, `retention_7`) ou un journal d'événements avec des étapes "
        "d'entonnoir, ou utilisez la **Vérification rapide**.",
    ),
    "ab_page.data.no_assignment": (
        "**No column looks like an A/B assignment**: that is a column with a few values (2 to "
        "6) and a name such as *variant*, *group*, *version*, *test*, *arm* or *bucket*, or "
        "values such as A/B, control/treatment, gate_30/gate_40. Columns such as "
        "{columns:list} describe who the users are; comparing them is not an experiment. Pick "
        "the column that says which version each user saw, or use the **Quick check** with "
        "your test's numbers.",
        "**Aucune colonne ne ressemble à une affectation A/B**, c'est-à-dire une colonne à "
        "quelques valeurs (2 à 6) avec un nom comme *variante*, *groupe*, *version* ou "
        "*test*, ou des valeurs comme A/B, contrôle/traitement, gate_30/gate_40. Des colonnes "
        "comme {columns:list} décrivent qui sont les utilisateurs\u00a0; les comparer n'est "
        "pas une expérience. Choisissez la colonne qui indique la version vue par chaque "
        "utilisateur, ou utilisez la **Vérification rapide** avec les chiffres de votre test.",
    ),
    "ab_page.data.assignment": (
        "**Assignment:** {column}, {why}.",
        "**Affectation\u00a0:** {column}, {why}.",
    ),
    "ab_page.data.observational": (
        "**{column} is not an A/B assignment** ({count:int} values). Comparing its groups "
        "is an **observational comparison, not an experiment**: the groups differ in more "
        "than this column, so the page describes the differences and gives no verdict, no "
        "'chance to beat' and no sample-ratio check (there was no planned split).",
        "**{column} n'est pas une affectation A/B** ({count:int} valeurs). Comparer ses "
        "groupes est une **comparaison observationnelle, pas une expérience**\u00a0: les "
        "groupes diffèrent par bien plus que cette colonne, la page décrit donc les écarts "
        "sans verdict, sans «\u00a0probabilité de battre\u00a0» ni contrôle de répartition "
        "(aucune répartition n'était prévue).",
    ),
    "ab_page.data.observational.values": (
        "**{column} is not an A/B assignment** ({count:int} values: {values:list}). "
        "Comparing its groups is an **observational comparison, not an experiment**: the "
        "groups differ in more than this column, so the page describes the differences and "
        "gives no verdict, no 'chance to beat' and no sample-ratio check (there was no "
        "planned split).",
        "**{column} n'est pas une affectation A/B** ({count:int} valeurs\u00a0: "
        "{values:list}). Comparer ses groupes est une **comparaison observationnelle, pas une "
        "expérience**\u00a0: les groupes diffèrent par bien plus que cette colonne, la page "
        "décrit donc les écarts sans verdict, sans «\u00a0probabilité de battre\u00a0» ni "
        "contrôle de répartition (aucune répartition n'était prévue).",
    ),
    "ab_page.data.goal": ("Counts as a conversion", "Compte comme conversion"),
    "ab_page.data.goal_help": (
        "A yes/no column of the users, or 'reached X': the user did the funnel steps up to X "
        "in order (within the window, from the first step).",
        "Une colonne oui/non des utilisateurs, ou «\u00a0a atteint X\u00a0»\u00a0: "
        "l'utilisateur a franchi dans l'ordre les étapes de l'entonnoir jusqu'à X (dans la "
        "fenêtre, depuis la première étape).",
    ),
    "ab_page.data.goal_help.engine": (
        "'Reached X': the user did the table's steps up to X in order (within the window, from "
        "the first step), counted in the engine. A yes/no column of a users table is read from "
        "uploaded files only.",
        "«\u00a0A atteint X\u00a0»\u00a0: l'utilisateur a franchi dans l'ordre les étapes de "
        "la table jusqu'à X (dans la fenêtre, depuis la première étape), compté dans le "
        "moteur. Une colonne oui/non d'une table d'utilisateurs n'est lue que dans les "
        "fichiers importés.",
    ),
    "ab_page.data.reached": ("reached {step}", "a atteint {step}"),
    "ab_page.data.window": ("Window (days, 0 = none)", "Fenêtre (jours, 0 = aucune)"),
    "ab_page.data.window_help": (
        "A user counts as reaching the step only within this many days of step 1.",
        "Un utilisateur ne compte comme ayant atteint l'étape que dans ce nombre de jours "
        "après la première étape.",
    ),
    "ab_page.data.by": ("Break down by", "Ventiler par"),
    "ab_page.data.no_breakdown": ("(no breakdown)", "(aucune ventilation)"),
    "ab_page.data.by_help": (
        "Compare the variants within each segment and check for Simpson's paradox.",
        "Comparez les variantes dans chaque segment et vérifiez l'absence de paradoxe de Simpson.",
    ),
    "ab_page.data.by_help_top": (
        "Compare the variants within each segment (top 8 values + Other) and check for "
        "Simpson's paradox.",
        "Comparez les variantes dans chaque segment (8 premières valeurs + Autres) et "
        "vérifiez l'absence de paradoxe de Simpson.",
    ),
    "ab_page.data.control": ("Control", "Groupe de contrôle"),
    "ab_page.data.control_help": (
        "The group the others are compared with (usually the current version).",
        "Le groupe auquel les autres sont comparés (en général la version actuelle).",
    ),
    "ab_page.data.one_value": (
        "The column {column} has {count:int} value(s) in this view ({names:list}); an A/B "
        "test needs at least two. Pick another column or widen the filters in the sidebar.",
        "La colonne {column} n'a que {count:int} valeur(s) dans cette vue ({names:list})\u00a0; "
        "un test A/B en demande au moins deux. Choisissez une autre colonne ou élargissez les "
        "filtres de la barre latérale.",
    ),
    "ab_page.data.account": (
        "{kept:int} of {read:int} users counted",
        "{kept:int} utilisateurs comptés sur {read:int}",
    ),
    "ab_page.data.account.engine": (
        "{kept:int} of {read:int} users counted, in the engine ({engine}): only the counts per "
        "group came back",
        "{kept:int} utilisateurs comptés sur {read:int}, dans le moteur ({engine})\u00a0: "
        "seuls les comptes par groupe sont revenus",
    ),
    "ab_page.left_out": (" · left out: {rows:list}", " · écartées\u00a0: {rows:list}"),
    "ab_page.filled_in": (" · {rows:list}", " · {rows:list}"),
    "ab_page.summary.caption": (
        "**Data:** the A/B summary {file}: groups from {variant} ({why}), visitors from "
        "{visitors}, conversions from {conversions}. {kept:int} of {read:int} rows used",
        "**Données\u00a0:** la synthèse A/B {file}\u00a0: groupes tirés de {variant} "
        "({why}), visiteurs de {visitors}, conversions de {conversions}. {kept:int} "
        "lignes utilisées sur {read:int}",
    ),
    "ab_page.summary.revenue_sums": (
        " · revenue from {revenue} with its spread from {spread}",
        " · revenu tiré de {revenue} et sa dispersion de {spread}",
    ),
    "ab_page.summary.revenue_total": (
        " · revenue from {revenue} (no sum of squares or standard deviation: revenue per "
        "visitor is shown without a test)",
        " · revenu tiré de {revenue} (sans somme des carrés ni écart-type\u00a0: le revenu "
        "par visiteur est affiché sans test)",
    ),
    "ab_page.summary.no_filters": (
        "The sidebar filters do not apply to a summary's totals.",
        "Les filtres de la barre latérale ne s'appliquent pas aux totaux d'une synthèse.",
    ),
    # verdict
    "ab_page.verdict.example_note": (
        "**Example numbers**, not yours: the verdict below is about 10,000 visitors per group "
        "with 500 vs 560 conversions. Type your own numbers above.",
        "**Chiffres d'exemple**, pas les vôtres\u00a0: le verdict ci-dessous porte sur "
        "10\u202f000 visiteurs par groupe avec 500 contre 560 conversions. Saisissez vos "
        "propres chiffres ci-dessus.",
    ),
    "ab_page.verdict.example": ("Example: {sentence}", "Exemple\u00a0: {sentence}"),
    "ab_page.verdict.observational_title": (
        "**Observational comparison of {column} groups (not an experiment)**",
        "**Comparaison observationnelle des groupes de {column} (pas une expérience)**",
    ),
    "ab_page.verdict.srm_alert": (
        "**Sample-ratio mismatch.** {message}",
        "**Répartition du trafic anormale (SRM).** {message}",
    ),
    "ab_page.verdict.srm_warn": (
        "**Sample-ratio mismatch?** {message}",
        "**Répartition du trafic anormale (SRM)\u00a0?** {message}",
    ),
    "ab_page.verdict.omnibus": (
        "All {groups:int} groups equal? Chi-square {chi2:num} (df {df:int}), p = {p}.",
        "Les {groups:int} groupes sont-ils égaux\u00a0? Khi-deux {chi2:num} ({df:int} degrés "
        "de liberté), p = {p}.",
    ),
    # groups
    "ab_page.groups.title": ("Per variant", "Par variante"),
    "ab_page.col.variant": ("Variant", "Variante"),
    "ab_page.col.visitors": ("Visitors", "Visiteurs"),
    "ab_page.col.conversions": ("Conversions", "Conversions"),
    "ab_page.col.rate": ("Rate", "Taux"),
    "ab_page.col.rate_ci": ("{level:num}% CI (Wilson)", "IC à {level:num}\u00a0% (Wilson)"),
    "ab_page.col.share": ("Share of visitors", "Part des visiteurs"),
    "ab_page.col.planned_share": ("Planned share", "Part prévue"),
    "ab_page.col.prob_best": ("P(best)", "P(meilleur)"),
    "ab_page.col.prob_best_help": (
        "Chance that this group has the highest true rate (Beta(1, 1) posteriors).",
        "Probabilité que ce groupe ait le vrai taux le plus élevé (lois a posteriori Beta(1, 1)).",
    ),
    "ab_page.col.role": ("Role", "Rôle"),
    "ab_page.role.control": ("control", "contrôle"),
    "ab_page.role.variant": ("variant", "variante"),
    # comparisons
    "ab_page.compare.title": ("Each variant vs {control}", "Chaque variante face à {control}"),
    "ab_page.compare.variant": ("{variant}", "{variant}"),
    "ab_page.compare.ci_line": (
        "**{label}:** difference {diff}, relative lift {lift}.",
        "**{label}\u00a0:** écart {diff}, écart relatif {lift}.",
    ),
    "ab_page.compare.why": (
        "**Why this test:** {reason}",
        "**Pourquoi ce test\u00a0:** {reason}",
    ),
    "ab_page.compare.observational_p": (
        "For groups that were not assigned at random, p only says whether the groups differ "
        "by more than noise, not why.",
        "Pour des groupes qui n'ont pas été tirés au hasard, p dit seulement si les groupes "
        "diffèrent plus que le bruit, pas pourquoi.",
    ),
    "ab_page.ci.plain": ("{level:num}% CI", "IC à {level:num}\u00a0%"),
    "ab_page.ci.bonferroni": (
        "{level:num}% CI (Bonferroni, {comparisons:int} comparisons)",
        "IC à {level:num}\u00a0% (Bonferroni, {comparisons:int} comparaisons)",
    ),
    "ab_page.ci.uncorrected": (
        "{level:num}% CI (not corrected)",
        "IC à {level:num}\u00a0% (non corrigé)",
    ),
    "ab_page.ci.note_bonferroni": (
        "Bonferroni, {comparisons:int} comparisons",
        "Bonferroni, {comparisons:int} comparaisons",
    ),
    "ab_page.ci.note_uncorrected": ("not corrected", "non corrigé"),
    "ab_page.card.diff": ("Difference (pp)", "Écart (pt)"),
    "ab_page.card.lift": ("Relative lift", "Écart relatif"),
    "ab_page.card.p": ("p-value", "p-value"),
    "ab_page.card.p_corrected": ("p-value ({correction})", "p-value ({correction})"),
    "ab_page.card.p_raw": ("{test}, raw p {p}", "{test}, p brute {p}"),
    "ab_page.card.p_corrected_help": (
        "Corrected by {correction} over the {variants:int} variants compared with {control}.",
        "Corrigée par {correction} sur les {variants:int} variantes comparées à {control}.",
    ),
    "ab_page.card.ci_help": ("{label}: {ci}.", "{label}\u00a0: {ci}."),
    "ab_page.card.beat": ("Chance to beat {control}", "Probabilité de battre {control}"),
    "ab_page.card.risk": ("Risk if shipped", "Risque si déployée"),
    "ab_page.card.risk_help": (
        "Choosing {variant}: {loss}; keeping {control}: {keep}.",
        "Choisir {variant}\u00a0: {loss}\u00a0; garder {control}\u00a0: {keep}.",
    ),
    "ab_page.loss": ("{value} pp", "{value}\u00a0pt"),
    "ab_page.loss_below": ("< {value} pp", "< {value}\u00a0pt"),
    "ab_page.p_below": ("< {limit}", "< {limit}"),
    "ab_page.col.rate_of": ("Rate {group}", "Taux {group}"),
    "ab_page.col.rate_variant": ("Rate variant", "Taux variante"),
    "ab_page.col.visitors_of": ("Visitors {group}", "Visiteurs {group}"),
    "ab_page.col.visitors_variant": ("Visitors variant", "Visiteurs variante"),
    "ab_page.col.diff_ci": (
        "{label} difference, pp (Newcombe)",
        "{label} de l'écart, pt (Newcombe)",
    ),
    "ab_page.col.lift_ci": ("{label} lift (Katz)", "{label} de l'écart relatif (Katz)"),
    "ab_page.col.p_z": ("p (z-test)", "p (test z)"),
    "ab_page.col.p_fisher": ("p (Fisher)", "p (Fisher)"),
    "ab_page.col.test": ("Test used", "Test utilisé"),
    "ab_page.col.p_corrected": ("p corrected", "p corrigée"),
    "ab_page.col.p_corrected_help": (
        "p-value corrected by {correction} over the {variants:int} variant(s) compared with "
        "the control; 'Significant' uses it.",
        "p-value corrigée par {correction} sur la ou les {variants:int} variantes comparées "
        "au groupe de contrôle\u00a0; «\u00a0Significatif\u00a0» l'utilise.",
    ),
    "ab_page.col.beats": ("P(beats control)", "P(bat le contrôle)"),
    "ab_page.col.significant": ("Significant", "Significatif"),
    "ab_page.col.note": ("Note", "Remarque"),
    "ab_page.charts.no_difference": (
        "No difference to draw: a group has no visitors.",
        "Aucun écart à tracer\u00a0: un groupe n'a aucun visiteur.",
    ),
    # charts
    "ab_page.chart.rates_title": (
        "{metric} rate per variant",
        "Taux «\u00a0{metric}\u00a0» par variante",
    ),
    "ab_page.chart.rates_subtitle": (
        "Dot: observed rate. Bar: {level} interval (Wilson) — where the true rate probably lies.",
        "Point\u00a0: taux observé. Barre\u00a0: intervalle à {level} (Wilson), là où se "
        "trouve probablement le vrai taux.",
    ),
    "ab_page.chart.rate_axis": ("{metric} rate", "Taux «\u00a0{metric}\u00a0»"),
    "ab_page.chart.ci_from": ("{level} CI from", "IC à {level}, de"),
    "ab_page.chart.ci_to": ("{level} CI to", "IC à {level}, à"),
    "ab_page.chart.diff_vs": ("Difference vs {control}", "Écart face à {control}"),
    "ab_page.chart.diff_axis": (
        "Difference vs {control} (percentage points)",
        "Écart face à {control} (points de pourcentage)",
    ),
    "ab_page.chart.diff_title": (
        "Difference vs {control}, with its {level} interval",
        "Écart face à {control}, avec son intervalle à {level}",
    ),
    "ab_page.chart.diff_subtitle": (
        "Bar: interval (Newcombe). Crossing the black line: no clear difference.",
        "Barre\u00a0: intervalle (Newcombe). S'il coupe la ligne noire\u00a0: pas d'écart net.",
    ),
    "ab_page.chart.diff_subtitle.note": (
        "Bar: interval (Newcombe, {note}). Crossing the black line: no clear difference.",
        "Barre\u00a0: intervalle (Newcombe, {note}). S'il coupe la ligne noire\u00a0: pas "
        "d'écart net.",
    ),
    "ab_page.chart.mde": ("MDE", "MDE"),
    "ab_page.chart.mde_note": (
        "Red dashes: the smallest change worth detecting (MDE).",
        "Tirets rouges\u00a0: le plus petit écart utile à détecter (MDE).",
    ),
    "ab_page.chart.all_users": ("All users", "Tous les utilisateurs"),
    "ab_page.chart.forest_title": (
        "Difference vs {control} in each {segment}",
        "Écart face à {control} pour chaque {segment}",
    ),
    "ab_page.chart.forest_subtitle": (
        "Diamond: all users. Bars: {level} intervals; a bar crossing the black line is no "
        "clear difference in that segment.",
        "Losange\u00a0: tous les utilisateurs. Barres\u00a0: intervalles à {level}\u00a0; une "
        "barre qui coupe la ligne noire signale l'absence d'écart net dans ce segment.",
    ),
    # trust
    "ab_page.trust.title": ("Can we trust it?", "Peut-on s'y fier\u00a0?"),
    "ab_page.trust.srm": (
        "**Traffic split (SRM check):** {message} Warn below p = 0.01, alert below "
        "p = 0.001, not checked under 8 visitors per group.",
        "**Répartition du trafic (contrôle SRM)\u00a0:** {message} Avertissement sous "
        "p = 0,01, alerte sous p = 0,001, pas de contrôle sous 8 visiteurs par groupe.",
    ),
    "ab_page.trust.group_counts": (
        "{group} {observed:int} vs {expected:num0}",
        "{group} {observed:int} contre {expected:num0}",
    ),
    "ab_page.trust.observed": (
        "Visitors observed vs expected from the planned split: {groups:list}.",
        "Visiteurs observés contre attendus selon la répartition prévue\u00a0: {groups:list}.",
    ),
    "ab_page.trust.no_srm": (
        "**No sample-ratio check:** the {column} groups were not meant to have any "
        "particular size (nobody planned a split), so their sizes say nothing about tracking.",
        "**Pas de contrôle de répartition\u00a0:** les groupes de {column} n'avaient pas de "
        "taille prévue (personne n'a planifié de répartition)\u00a0; leurs tailles ne disent "
        "donc rien du suivi.",
    ),
    "ab_page.segments.pick": (
        "Pick a **Break down by** column above to check each segment and Simpson's paradox.",
        "Choisissez une colonne **Ventiler par** ci-dessus pour vérifier chaque segment et le "
        "paradoxe de Simpson.",
    ),
    "ab_page.segments.title": ("By {segment}", "Par {segment}"),
    "ab_page.col.seg_ci": ("{label}, pp", "{label}, pt"),
    "ab_page.segments.corrected_help.variants": (
        "Corrected by {correction} over {family}: the variants within each segment.",
        "Corrigée par {correction} sur {family}\u00a0: les variantes de chaque segment.",
    ),
    "ab_page.segments.corrected_help.all": (
        "Corrected by {correction} over {family}: every variant in every segment together.",
        "Corrigée par {correction} sur {family}\u00a0: toutes les variantes de tous les "
        "segments ensemble.",
    ),
    "ab_page.segments.paradox": (
        "**{variant} vs {control}: Simpson's paradox.** {message}",
        "**{variant} face à {control}\u00a0: paradoxe de Simpson.** {message}",
    ),
    "ab_page.col.naive_p": ("Naive p (all users pooled)", "p naïve (tous les utilisateurs)"),
    "ab_page.col.cmh_p": ("CMH p (within each {segment})", "p CMH (dans chaque {segment})"),
    "ab_page.col.cmh_help": (
        "Cochran–Mantel–Haenszel: compares the variants within each segment, so a different "
        "segment mix between groups cannot fake a difference.",
        "Cochran-Mantel-Haenszel\u00a0: compare les variantes au sein de chaque segment, pour "
        "qu'une composition différente des groupes ne puisse pas simuler un écart.",
    ),
    "ab_page.col.odds_ratio": ("MH odds ratio", "Odds ratio MH"),
    "ab_page.col.odds_ci": (
        "{level:num}% CI odds ratio",
        "IC à {level:num}\u00a0% de l'odds ratio",
    ),
    "ab_page.col.verdict": ("Verdict", "Verdict"),
    # peeking, revenue
    "ab_page.peeking.title": (
        "Always-valid results (you peeked)",
        "Résultats toujours valides (vous avez regardé en cours de route)",
    ),
    "ab_page.peeking.ci": (
        "{level:num}% always-valid CI",
        "IC toujours valide à {level:num}\u00a0%",
    ),
    "ab_page.peeking.p": ("Always-valid p", "p toujours valide"),
    "ab_page.peeking.caption": (
        "GrowthBook's asymptotic confidence sequence (tuning N* = {tuning:int} visitors): "
        "these intervals and p-values stay valid however often you look, at the price of "
        "being wider.",
        "Séquence de confiance asymptotique de GrowthBook (réglage N* = {tuning:int} "
        "visiteurs)\u00a0: ces intervalles et p-values restent valides quel que soit le nombre "
        "de fois où vous regardez, au prix d'une plus grande largeur.",
    ),
    "ab_page.revenue.title": (
        "Revenue per visitor (Welch's t-test)",
        "Revenu par visiteur (test t de Welch)",
    ),
    "ab_page.revenue.per_visitor_of": (
        "Revenue per visitor {group}",
        "Revenu par visiteur {group}",
    ),
    "ab_page.revenue.per_visitor_variant": (
        "Revenue per visitor variant",
        "Revenu par visiteur variante",
    ),
    "ab_page.revenue.diff": ("Difference", "Écart"),
    "ab_page.revenue.ci": ("{level:num}% CI", "IC à {level:num}\u00a0%"),
    "ab_page.revenue.df": ("df", "ddl"),
    "ab_page.revenue.caption": (
        "Revenue per visitor = total revenue of the group's users / visitors (non-buyers "
        "count as 0). Welch's t-test does not assume equal variances; a few very large orders "
        "can dominate it.",
        "Revenu par visiteur = revenu total des utilisateurs du groupe / visiteurs (les "
        "non-acheteurs comptent pour 0). Le test t de Welch ne suppose pas des variances "
        "égales\u00a0; quelques très grosses commandes peuvent le dominer.",
    ),
    "ab_page.revenue.how": (
        "Revenue per visitor: upload events or orders with an amount (revenue) column to "
        "compare it with Welch's t-test.",
        "Revenu par visiteur\u00a0: importez des événements ou des commandes avec une colonne "
        "de montant (revenu) pour le comparer avec le test t de Welch.",
    ),
    "ab_page.revenue.how.engine": (
        "Revenue per visitor: the connected table has no amount column. Give one the role "
        "*Revenue / amount* on the **Data** page to compare it with Welch's t-test (from the "
        "sums and sums of squares per group, counted in the engine).",
        "Revenu par visiteur\u00a0: la table connectée n'a pas de colonne de montant. Donnez "
        "à l'une d'elles le rôle *Chiffre d'affaires / montant* sur la page **Données** pour "
        "le comparer avec le test t de Welch (à partir des sommes et sommes des carrés par "
        "groupe, comptées dans le moteur).",
    ),
    # planning
    "ab_page.plan.title": (
        "Plan a test: visitors and days needed",
        "Planifier un test\u00a0: visiteurs et jours nécessaires",
    ),
    "ab_page.plan.baseline": (
        "Baseline conversion (%)",
        "Taux de conversion de référence (%)",
    ),
    "ab_page.plan.baseline_now": ("{rate} (the control now)", "{rate} (le contrôle actuel)"),
    "ab_page.plan.baseline_placeholder": ("e.g. 4.5", "par ex. 4,5"),
    "ab_page.plan.baseline_help": (
        "Empty = the control's observed rate (type one when there is none yet).",
        "Vide = le taux observé du groupe de contrôle (saisissez-en un s'il n'y en a pas encore).",
    ),
    "ab_page.plan.daily": (
        "Visitors per day (all variants)",
        "Visiteurs par jour (toutes variantes)",
    ),
    "ab_page.plan.groups": ("Groups (control included)", "Groupes (contrôle compris)"),
    "ab_page.plan.baseline_range": (
        "The baseline rate must lie strictly between 0% and 100%.",
        "Le taux de référence doit être strictement entre 0\u00a0% et 100\u00a0%.",
    ),
    "ab_page.plan.baseline_hint": (
        "Type the conversion rate you expect for the control.",
        "Saisissez le taux de conversion attendu pour le groupe de contrôle.",
    ),
    "ab_page.plan.intro.relative": (
        "To detect **{baseline:pct} → {target:pct}** ({mde:pct} relative) with {power:pct} "
        "power at {level:num}% confidence:",
        "Pour détecter **{baseline:pct} → {target:pct}** ({mde:pct} en relatif) avec une "
        "puissance de {power:pct} et une confiance de {level:num}\u00a0%\u00a0:",
    ),
    "ab_page.plan.intro.absolute": (
        "To detect **{baseline:pct} → {target:pct}** ({mde:pts}) with {power:pct} power at "
        "{level:num}% confidence:",
        "Pour détecter **{baseline:pct} → {target:pct}** ({mde:pts}) avec une puissance de "
        "{power:pct} et une confiance de {level:num}\u00a0%\u00a0:",
    ),
    "ab_page.plan.col.formula": ("Formula", "Formule"),
    "ab_page.plan.col.per": ("Visitors per group", "Visiteurs par groupe"),
    "ab_page.plan.col.total": ("Visitors in total", "Visiteurs au total"),
    "ab_page.plan.col.days": ("Days", "Jours"),
    "ab_page.plan.col.how": ("How", "Calcul"),
    "ab_page.plan.caption": (
        "The first row (R's power.prop.test) is the one Parcours uses. Online calculators "
        "disagree by up to ~15% because they estimate the variance differently: Evan Miller "
        "uses the baseline's variance twice, power.prop.test the average rate, and the "
        "relative (delta-method) formula tests the lift as a ratio, which needs more "
        "visitors.",
        "La première ligne (power.prop.test de R) est celle qu'utilise Parcours. Les "
        "calculateurs en ligne divergent jusqu'à ~15\u00a0% car ils estiment la variance "
        "différemment\u00a0: Evan Miller utilise deux fois la variance du taux de référence, "
        "power.prop.test le taux moyen, et la formule relative (méthode delta) teste l'écart "
        "comme un rapport, ce qui demande plus de visiteurs.",
    ),
    "ab_page.plan.reachable.relative": (
        "With the traffic you have ({have:int} visitors in the smallest group), this test can "
        "reliably detect a change of **{reach:pct} relative** or more ({power:pct} power, "
        "{level:num}% confidence, from {base:pct}).",
        "Avec votre trafic ({have:int} visiteurs dans le plus petit groupe), ce test peut "
        "détecter de façon fiable un écart de **{reach:pct} en relatif** ou plus (puissance "
        "de {power:pct}, confiance de {level:num}\u00a0%, à partir de {base:pct}).",
    ),
    "ab_page.plan.reachable.absolute": (
        "With the traffic you have ({have:int} visitors in the smallest group), this test can "
        "reliably detect a change of **{reach:pts}** or more ({power:pct} power, {level:num}% "
        "confidence, from {base:pct}).",
        "Avec votre trafic ({have:int} visiteurs dans le plus petit groupe), ce test peut "
        "détecter de façon fiable un écart de **{reach:pts}** ou plus (puissance de "
        "{power:pct}, confiance de {level:num}\u00a0%, à partir de {base:pct}).",
    ),
    "ab_page.methods.title": (
        "How these numbers are computed",
        "Comment ces chiffres sont calculés",
    ),
    "ab_page.methods.item": ("**{label}.** {formula}", "**{label}.** {formula}"),
}
