"""The workbook's A/B test sheet: title, sections, row labels and table headers
(kpi/export/ab_sheet.py)."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    "ab_sheet.title": ("A/B test", "Test A/B"),
    "ab_sheet.no_test": ("No A/B test in this view.", "Aucun test A/B dans cette vue."),
    "ab_sheet.note.page": (
        "Every number of the test, as computed on the A/B test page. Methods are named in "
        "each table.",
        "Tous les chiffres du test, tels que calculés sur la page Test A/B. Les méthodes sont "
        "nommées dans chaque tableau.",
    ),
    "ab_sheet.note.data": (
        "Every number of the test, computed from the data with the A/B page's default "
        "settings. Methods are named in each table.",
        "Tous les chiffres du test, calculés à partir des données avec les réglages par "
        "défaut de la page Test A/B. Les méthodes sont nommées dans chaque tableau.",
    ),
    "ab_sheet.unit.pp": ("pp", "pt"),
    "ab_sheet.note": ("Note", "Remarque"),
    # sections
    "ab_sheet.section.verdict": ("Verdict", "Verdict"),
    "ab_sheet.section.inputs": ("Inputs and settings", "Données et réglages"),
    "ab_sheet.section.groups": ("Groups", "Groupes"),
    "ab_sheet.section.comparisons": (
        "Each variant vs {control}",
        "Chaque variante face à {control}",
    ),
    "ab_sheet.section.omnibus": (
        "All groups equal? (chi-square)",
        "Tous les groupes égaux\u00a0? (khi-deux)",
    ),
    "ab_sheet.section.srm": (
        "Traffic split (sample-ratio mismatch, SRM)",
        "Répartition du trafic (contrôle SRM)",
    ),
    "ab_sheet.section.segments": ("By {segment}", "Par {segment}"),
    "ab_sheet.section.sequential": (
        "Always-valid (sequential) results",
        "Résultats toujours valides (séquentiels)",
    ),
    "ab_sheet.section.revenue": (
        "Revenue per visitor (Welch's t-test)",
        "Revenu par visiteur (test t de Welch)",
    ),
    "ab_sheet.section.mde": ("Minimum detectable effect", "Effet minimal détectable"),
    "ab_sheet.section.plan": ("Test plan", "Plan de test"),
    "ab_sheet.section.methods": ("Methods", "Méthodes"),
    # verdict rows
    "ab_sheet.verdict": ("Verdict {variant}", "Verdict {variant}"),
    "ab_sheet.caveat": ("Caveat {variant} {n:int}", "Réserve {variant} {n:int}"),
    # inputs
    "ab_sheet.input.source": ("Computed from", "Calculé à partir de"),
    "ab_sheet.source.typed": ("numbers typed in", "nombres saisis"),
    "ab_sheet.source.pasted": ("a pasted table", "un tableau collé"),
    "ab_sheet.source.example": ("example numbers", "nombres d'exemple"),
    "ab_sheet.source.summary": ("an A/B summary file", "un fichier de synthèse A/B"),
    "ab_sheet.source.data": ("the users of the data", "les utilisateurs des données"),
    "ab_sheet.input.files": ("Files", "Fichiers"),
    "ab_sheet.input.variant_column": ("Variant column", "Colonne de variante"),
    "ab_sheet.input.assignment": ("Assignment", "Affectation"),
    "ab_sheet.assignment.detected": (
        "detected (the column looks like a random assignment)",
        "détectée (la colonne ressemble à une affectation aléatoire)",
    ),
    "ab_sheet.assignment.chosen": (
        "chosen by the user (observational comparison)",
        "choisie par l'utilisateur (comparaison observationnelle)",
    ),
    "ab_sheet.input.column": ("Column for {role}", "Colonne pour {role}"),
    "ab_sheet.role.variant": ("the variant", "la variante"),
    "ab_sheet.role.visitors": ("the visitors", "les visiteurs"),
    "ab_sheet.role.conversions": ("the conversions", "les conversions"),
    "ab_sheet.role.revenue_sum": ("the revenue", "le revenu"),
    "ab_sheet.role.revenue_sumsq": (
        "the sum of squared revenue",
        "la somme des carrés du revenu",
    ),
    "ab_sheet.role.revenue_sd": ("the revenue's standard deviation", "l'écart-type du revenu"),
    "ab_sheet.input.window_days": ("Window (days)", "Fenêtre (jours)"),
    "ab_sheet.input.rows_read": ("Rows read", "Lignes lues"),
    "ab_sheet.input.rows_kept": ("Rows used", "Lignes utilisées"),
    "ab_sheet.input.rows": ("Rows left out or filled in", "Lignes écartées ou complétées"),
    "ab_sheet.input.metric": ("Conversion means", "Conversion signifie"),
    "ab_sheet.input.control": ("Control group", "Groupe de contrôle"),
    "ab_sheet.input.segment": ("Breakdown", "Ventilation"),
    "ab_sheet.input.alpha": ("Significance level (alpha)", "Seuil de significativité (alpha)"),
    "ab_sheet.input.confidence": ("Confidence", "Niveau de confiance"),
    "ab_sheet.input.correction": (
        "Correction for several comparisons",
        "Correction pour comparaisons multiples",
    ),
    "ab_sheet.correction.none": ("none", "aucune"),
    "ab_sheet.input.family": ("Corrected over", "Corrigé sur"),
    "ab_sheet.family.variants": ("the variants", "les variantes"),
    "ab_sheet.family.variants_x_segments": (
        "every variant in every segment",
        "chaque variante dans chaque segment",
    ),
    "ab_sheet.input.kind": ("Comparison type", "Type de comparaison"),
    "ab_sheet.observational": (
        "observational: the groups are a segment, not a random assignment; the differences "
        "describe the groups, they are not the effect of an experiment",
        "observationnelle\u00a0: les groupes sont un segment, pas une affectation "
        "aléatoire\u00a0; les écarts décrivent les groupes, ce ne sont pas les effets d'une "
        "expérience",
    ),
    "ab_sheet.input.ci_level": (
        "Interval level of the differences",
        "Niveau des intervalles des écarts",
    ),
    "ab_sheet.input.ci_correction": ("Interval correction", "Correction des intervalles"),
    "ab_sheet.ci_correction.bonferroni": (
        "Bonferroni (alpha / number of comparisons), matching the Holm-corrected p-values",
        "Bonferroni (alpha / nombre de comparaisons), en accord avec les p-values corrigées "
        "par Holm",
    ),
    "ab_sheet.ci_correction.uncorrected": (
        "none: the intervals are not corrected for several comparisons",
        "aucune\u00a0: les intervalles ne sont pas corrigés pour les comparaisons multiples",
    ),
    "ab_sheet.ci_correction.single": (
        "none (a single comparison)",
        "aucune (une seule comparaison)",
    ),
    # table headers
    "ab_sheet.col.variant": ("Variant", "Variante"),
    "ab_sheet.col.is_control": ("Control", "Contrôle"),
    "ab_sheet.col.visitors": ("Visitors", "Visiteurs"),
    "ab_sheet.col.conversions": ("Conversions", "Conversions"),
    "ab_sheet.col.rate": ("Conversion rate", "Taux de conversion"),
    "ab_sheet.col.rate_low": ("Interval from (Wilson)", "Borne basse (Wilson)"),
    "ab_sheet.col.rate_high": ("Interval to (Wilson)", "Borne haute (Wilson)"),
    "ab_sheet.col.share": ("Share of visitors", "Part des visiteurs"),
    "ab_sheet.col.planned_share": ("Planned share", "Part prévue"),
    "ab_sheet.col.prob_best": ("P(best)", "P(meilleur)"),
    "ab_sheet.col.revenue_sum": ("Revenue", "Revenu"),
    "ab_sheet.col.revenue_per_visitor": ("Revenue per visitor", "Revenu par visiteur"),
    "ab_sheet.col.visitors_control": ("Visitors {control}", "Visiteurs {control}"),
    "ab_sheet.col.conversions_control": ("Conversions {control}", "Conversions {control}"),
    "ab_sheet.col.visitors_variant": ("Visitors variant", "Visiteurs variante"),
    "ab_sheet.col.conversions_variant": ("Conversions variant", "Conversions variante"),
    "ab_sheet.col.rate_control": ("Rate {control}", "Taux {control}"),
    "ab_sheet.col.rate_variant": ("Rate variant", "Taux variante"),
    "ab_sheet.col.abs_diff": (
        "Difference (percentage points)",
        "Écart (points de pourcentage)",
    ),
    "ab_sheet.col.abs_diff_low": (
        "Difference interval from (Newcombe)",
        "Écart, borne basse (Newcombe)",
    ),
    "ab_sheet.col.abs_diff_high": (
        "Difference interval to (Newcombe)",
        "Écart, borne haute (Newcombe)",
    ),
    "ab_sheet.col.rel_lift": ("Relative lift", "Écart relatif"),
    "ab_sheet.col.rel_lift_low": (
        "Lift interval from (Katz)",
        "Écart relatif, borne basse (Katz)",
    ),
    "ab_sheet.col.rel_lift_high": (
        "Lift interval to (Katz)",
        "Écart relatif, borne haute (Katz)",
    ),
    "ab_sheet.col.ci_level": ("Interval level", "Niveau de l'intervalle"),
    "ab_sheet.col.z": ("z (pooled)", "z (variance commune)"),
    "ab_sheet.col.z_p_value": ("p (z-test, two-sided)", "p (test z, bilatéral)"),
    "ab_sheet.col.fisher_p_value": ("p (Fisher exact, two-sided)", "p (Fisher exact, bilatéral)"),
    "ab_sheet.col.test": ("Test used", "Test utilisé"),
    "ab_sheet.col.p_value": ("p-value", "p-value"),
    "ab_sheet.col.adjusted_p_value": ("p corrected", "p corrigée"),
    "ab_sheet.col.significant": ("Significant", "Significatif"),
    "ab_sheet.col.prob_beats": ("P(beats {control})", "P(bat {control})"),
    "ab_sheet.col.loss_control": (
        "Expected loss keeping {control} (pp)",
        "Perte attendue en gardant {control} (pt)",
    ),
    "ab_sheet.col.loss_variant": (
        "Expected loss choosing the variant (pp)",
        "Perte attendue en choisissant la variante (pt)",
    ),
    "ab_sheet.col.why": ("Why this test", "Pourquoi ce test"),
    "ab_sheet.col.paradox": ("Simpson's paradox", "Paradoxe de Simpson"),
    "ab_sheet.col.naive_p": ("Naive p (all users pooled)", "p naïve (tous utilisateurs)"),
    "ab_sheet.col.cmh_p": ("CMH p (within segments)", "p CMH (dans les segments)"),
    "ab_sheet.col.odds_ratio": ("MH odds ratio", "Odds ratio MH"),
    "ab_sheet.col.odds_low": ("Odds ratio interval from", "Odds ratio, borne basse"),
    "ab_sheet.col.odds_high": ("Odds ratio interval to", "Odds ratio, borne haute"),
    "ab_sheet.col.verdict": ("Verdict", "Verdict"),
    "ab_sheet.col.seq_low": (
        "Always-valid interval from",
        "Intervalle toujours valide, borne basse",
    ),
    "ab_sheet.col.seq_high": (
        "Always-valid interval to",
        "Intervalle toujours valide, borne haute",
    ),
    "ab_sheet.col.seq_p": ("Always-valid p", "p toujours valide"),
    "ab_sheet.col.tuning": ("Tuning N*", "Réglage N*"),
    "ab_sheet.col.rpv_control": ("Revenue per visitor {control}", "Revenu par visiteur {control}"),
    "ab_sheet.col.rpv_variant": ("Revenue per visitor variant", "Revenu par visiteur variante"),
    "ab_sheet.col.rpv_diff": ("Difference per visitor", "Écart par visiteur"),
    "ab_sheet.col.rpv_low": ("Interval from", "Borne basse"),
    "ab_sheet.col.rpv_high": ("Interval to", "Borne haute"),
    "ab_sheet.col.df": ("Degrees of freedom", "Degrés de liberté"),
    "ab_sheet.col.formula_name": ("Formula", "Formule"),
    "ab_sheet.col.per_group": ("Visitors per group", "Visiteurs par groupe"),
    "ab_sheet.col.total": ("Visitors in total", "Visiteurs au total"),
    "ab_sheet.col.days": ("Days", "Jours"),
    "ab_sheet.col.how": ("How", "Calcul"),
    # omnibus, SRM
    "ab_sheet.omnibus.chi2": ("Chi-square", "Khi-deux"),
    "ab_sheet.omnibus.df": ("Degrees of freedom", "Degrés de liberté"),
    "ab_sheet.omnibus.p": ("p-value", "p-value"),
    "ab_sheet.srm.p": ("SRM p-value", "p-value SRM"),
    "ab_sheet.srm.level": ("Traffic split check", "Contrôle de la répartition"),
    "ab_sheet.srm.level.ok": ("ok", "conforme"),
    "ab_sheet.srm.level.warn": ("warning", "avertissement"),
    "ab_sheet.srm.level.alert": ("alert", "alerte"),
    "ab_sheet.srm.level.too_few": ("too few visitors to check", "trop peu de visiteurs"),
    "ab_sheet.srm.message": ("In words", "En clair"),
    "ab_sheet.srm.observational": (
        "No sample-ratio check: the groups were not assigned by a planned split.",
        "Pas de contrôle de répartition\u00a0: les groupes ne viennent pas d'une répartition "
        "prévue.",
    ),
    "ab_sheet.srm.observed": ("Visitors observed, {variant}", "Visiteurs observés, {variant}"),
    "ab_sheet.srm.expected": ("Visitors expected, {variant}", "Visiteurs attendus, {variant}"),
    "ab_sheet.srm.planned": ("Planned share, {variant}", "Part prévue, {variant}"),
    # MDE, plan
    "ab_sheet.mde.value.relative": (
        "Smallest effect worth detecting (relative change)",
        "Plus petit effet utile à détecter (écart relatif)",
    ),
    "ab_sheet.mde.value.absolute": (
        "Smallest effect worth detecting (percentage points)",
        "Plus petit effet utile à détecter (points)",
    ),
    "ab_sheet.mde.power": ("Power", "Puissance"),
    "ab_sheet.mde.reachable.relative": (
        "Smallest change detectable with these visitors (relative)",
        "Plus petit écart détectable avec ces visiteurs (relatif)",
    ),
    "ab_sheet.mde.reachable.absolute": (
        "Smallest change detectable with these visitors (percentage points)",
        "Plus petit écart détectable avec ces visiteurs (points)",
    ),
    "ab_sheet.plan.baseline": ("Baseline conversion rate", "Taux de conversion de référence"),
    "ab_sheet.plan.target": ("Target conversion rate", "Taux de conversion cible"),
    "ab_sheet.plan.alpha": ("Significance level (alpha)", "Seuil de significativité (alpha)"),
    "ab_sheet.plan.power": ("Power", "Puissance"),
    "ab_sheet.plan.groups": ("Groups (control included)", "Groupes (contrôle compris)"),
    "ab_sheet.plan.daily": ("Visitors per day", "Visiteurs par jour"),
}
