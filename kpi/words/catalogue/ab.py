"""A/B test: verdicts, caveats, why a test was chosen, SRM and Simpson's paradox, always-valid
results, revenue, planning, assignment detection, errors and hints (kpi.abtest).

French: test A/B, significatif, taux de conversion, variante, groupe de contrôle, écart,
intervalle de confiance (IC), puissance, taille d'échantillon, probabilité que B batte A.
"""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    # ------------------------------------------------------------------ small pieces
    "ab.pct": ("{x:pct}", "{x:pct}"),
    "ab.level": ("{level:num}%", "{level:num}\u00a0%"),
    "ab.correction.holm": ("Holm", "Holm"),
    "ab.correction.bh": ("Benjamini–Hochberg", "Benjamini–Hochberg"),
    "ab.correction.other": ("corrected", "corrigée"),
    "ab.metric.conversion": ("Conversion", "Conversion"),
    "ab.metric.flag": ("{flag}", "{flag}"),
    "ab.metric.reached": ("Reached {step}", "Étape {step} atteinte"),
    # ------------------------------------------------------------------ p-values
    "ab.p.plain": ("p = {p:p}", "p = {p:p}"),
    "ab.p.below": (
        "p = {p:p}, just below the {alpha:num} level",
        "p = {p:p}, juste sous le seuil de {alpha:num}",
    ),
    "ab.p.above": (
        "p = {p:p}, just above the {alpha:num} level",
        "p = {p:p}, juste au-dessus du seuil de {alpha:num}",
    ),
    "ab.p.corrected.plain": (
        "{correction}-corrected p = {p:p}",
        "p corrigée ({correction}) = {p:p}",
    ),
    "ab.p.corrected.below": (
        "{correction}-corrected p = {p:p}, just below the {alpha:num} level",
        "p corrigée ({correction}) = {p:p}, juste sous le seuil de {alpha:num}",
    ),
    "ab.p.corrected.above": (
        "{correction}-corrected p = {p:p}, just above the {alpha:num} level",
        "p corrigée ({correction}) = {p:p}, juste au-dessus du seuil de {alpha:num}",
    ),
    # ------------------------------------------------------------------ intervals
    "ab.ci.lift": (
        "{level:num}% CI of the lift {lo:spct} to {hi:spct}",
        "IC à {level:num}\u00a0% de l'écart relatif\u00a0: {lo:spct} à {hi:spct}",
    ),
    "ab.ci.lift.bonferroni": (
        "{level:num}% CI of the lift {lo:spct} to {hi:spct}, Bonferroni-corrected for "
        "{comparisons:int} comparisons",
        "IC à {level:num}\u00a0% de l'écart relatif\u00a0: {lo:spct} à {hi:spct}, corrigé "
        "par Bonferroni pour {comparisons:int} comparaisons",
    ),
    "ab.ci.lift.uncorrected": (
        "{level:num}% CI of the lift {lo:spct} to {hi:spct}, not corrected for the "
        "{comparisons:int} comparisons",
        "IC à {level:num}\u00a0% de l'écart relatif\u00a0: {lo:spct} à {hi:spct}, non corrigé "
        "pour les {comparisons:int} comparaisons",
    ),
    "ab.ci.diff": (
        "{level:num}% CI of the difference {lo:pts} to {hi:pts}",
        "IC à {level:num}\u00a0% de l'écart\u00a0: {lo:pts} à {hi:pts}",
    ),
    "ab.ci.diff.bonferroni": (
        "{level:num}% CI of the difference {lo:pts} to {hi:pts}, Bonferroni-corrected for "
        "{comparisons:int} comparisons",
        "IC à {level:num}\u00a0% de l'écart\u00a0: {lo:pts} à {hi:pts}, corrigé par "
        "Bonferroni pour {comparisons:int} comparaisons",
    ),
    "ab.ci.diff.uncorrected": (
        "{level:num}% CI of the difference {lo:pts} to {hi:pts}, not corrected for the "
        "{comparisons:int} comparisons",
        "IC à {level:num}\u00a0% de l'écart\u00a0: {lo:pts} à {hi:pts}, non corrigé pour les "
        "{comparisons:int} comparaisons",
    ),
    "ab.ci.plain": (
        "{level:num}% CI {lo:pts} to {hi:pts}",
        "IC à {level:num}\u00a0%\u00a0: {lo:pts} à {hi:pts}",
    ),
    "ab.ci.plain.bonferroni": (
        "{level:num}% CI {lo:pts} to {hi:pts}, Bonferroni-corrected for {comparisons:int} "
        "comparisons",
        "IC à {level:num}\u00a0%\u00a0: {lo:pts} à {hi:pts}, corrigé par Bonferroni pour "
        "{comparisons:int} comparaisons",
    ),
    "ab.ci.plain.uncorrected": (
        "{level:num}% CI {lo:pts} to {hi:pts}, not corrected for the {comparisons:int} comparisons",
        "IC à {level:num}\u00a0%\u00a0: {lo:pts} à {hi:pts}, non corrigé pour les "
        "{comparisons:int} comparaisons",
    ),
    "ab.ci.range_pct": ("{lo:pct} to {hi:pct}", "{lo:pct} à {hi:pct}"),
    "ab.ci.range_pts": ("{lo:pts} to {hi:pts}", "{lo:pts} à {hi:pts}"),
    "ab.ci.range_spct": ("{lo:spct} to {hi:spct}", "{lo:spct} à {hi:spct}"),
    "ab.ci.range_num": ("{lo:num3} to {hi:num3}", "{lo:num3} à {hi:num3}"),
    "ab.ci.range_money": ("{lo:money} to {hi:money}", "{lo:money} à {hi:money}"),
    # ------------------------------------------------------------------ verdict sentences
    "ab.verdict.sentence": ("{head}; {tail}", "{head}\u00a0; {tail}"),
    "ab.verdict.head.lift.better": (
        "{b} converts {size:pct} better than {a} ({rate_b:pct} vs {rate_a:pct}, {diff:pts}; {ci})",
        "{b} convertit {size:pct} mieux que {a} ({rate_b:pct} contre {rate_a:pct}, "
        "{diff:pts}\u00a0; {ci})",
    ),
    "ab.verdict.head.lift.worse": (
        "{b} converts {size:pct} worse than {a} ({rate_b:pct} vs {rate_a:pct}, {diff:pts}; {ci})",
        "{b} convertit {size:pct} moins bien que {a} ({rate_b:pct} contre {rate_a:pct}, "
        "{diff:pts}\u00a0; {ci})",
    ),
    "ab.verdict.head.diff.better": (
        "{b} converts {size:pts} better than {a} ({rate_b:pct} vs {rate_a:pct}; {ci})",
        "{b} convertit mieux que {a} de {size:pts} ({rate_b:pct} contre {rate_a:pct}\u00a0; {ci})",
    ),
    "ab.verdict.head.diff.worse": (
        "{b} converts {size:pts} worse than {a} ({rate_b:pct} vs {rate_a:pct}; {ci})",
        "{b} convertit moins bien que {a} de {size:pts} ({rate_b:pct} contre "
        "{rate_a:pct}\u00a0; {ci})",
    ),
    "ab.verdict.head.same": (
        "{b} and {a} convert at the same rate ({rate:pct})",
        "{b} et {a} ont le même taux de conversion ({rate:pct})",
    ),
    "ab.verdict.tail.unlikely": (
        "this is unlikely to be chance ({p}).",
        "il est peu probable que ce soit le hasard ({p}).",
    ),
    "ab.verdict.tail.chance": (
        "this could well be chance ({p}), so the test cannot tell them apart yet.",
        "cela peut très bien être le hasard ({p})\u00a0: le test ne permet pas encore de les "
        "départager.",
    ),
    "ab.verdict.cannot_compare": (
        "{a} and {b} cannot be compared yet: {why}",
        "{a} et {b} ne peuvent pas encore être comparés\u00a0: {why}",
    ),
    "ab.verdict.a_group_empty": ("a group has no visitors.", "un groupe n'a aucun visiteur."),
    "ab.verdict.identical": (
        "{a} and {b} cannot be told apart: both convert at {rate:pct}, so there is no "
        "difference to test yet.",
        "{a} et {b} ne se distinguent pas\u00a0: les deux convertissent à {rate:pct}, il n'y "
        "a donc pas encore d'écart à tester.",
    ),
    "ab.verdict.observational": (
        "{b} converts at {rate_b:pct} and {a} at {rate_a:pct}: a difference of {diff:pts}. "
        "These groups were not assigned at random, so this describes them; it does not show "
        "that being in {b} causes the difference.",
        "{b} convertit à {rate_b:pct} et {a} à {rate_a:pct}\u00a0: un écart de {diff:pts}. "
        "Ces groupes n'ont pas été tirés au hasard\u00a0: cela les décrit, mais ne montre pas "
        "qu'être dans {b} cause l'écart.",
    ),
    "ab.verdict.observational.ci": (
        "{b} converts at {rate_b:pct} and {a} at {rate_a:pct}: a difference of {diff:pts} "
        "({ci}). These groups were not assigned at random, so this describes them; it does "
        "not show that being in {b} causes the difference.",
        "{b} convertit à {rate_b:pct} et {a} à {rate_a:pct}\u00a0: un écart de {diff:pts} "
        "({ci}). Ces groupes n'ont pas été tirés au hasard\u00a0: cela les décrit, mais ne "
        "montre pas qu'être dans {b} cause l'écart.",
    ),
    # ------------------------------------------------------------------ caveats
    "ab.caveat.borderline": (
        "Borderline: the interval and the test disagree slightly (they use different "
        "approximations, which matters in small samples). Treat this as inconclusive and "
        "collect more data.",
        "Résultat limite\u00a0: l'intervalle et le test ne sont pas tout à fait d'accord (ils "
        "reposent sur des approximations différentes, ce qui compte sur de petits "
        "échantillons). Considérez-le comme non concluant et collectez plus de données.",
    ),
    "ab.caveat.borderline_bonferroni.excludes": (
        "Borderline: the {level:num}% interval (Bonferroni-corrected, stricter than the "
        "{correction} correction of the p-value) excludes 0 although the corrected p-value "
        "says not significant. Treat this as inconclusive and collect more data.",
        "Résultat limite\u00a0: l'intervalle à {level:num}\u00a0% (corrigé par Bonferroni, "
        "plus strict que la correction de {correction} de la p-value) exclut 0 alors que la "
        "p-value corrigée dit non significatif. Considérez-le comme non concluant et "
        "collectez plus de données.",
    ),
    "ab.caveat.borderline_bonferroni.includes": (
        "Borderline: the {level:num}% interval (Bonferroni-corrected, stricter than the "
        "{correction} correction of the p-value) still includes no difference although the "
        "corrected p-value says significant. Treat this as inconclusive and collect more "
        "data.",
        "Résultat limite\u00a0: l'intervalle à {level:num}\u00a0% (corrigé par Bonferroni, "
        "plus strict que la correction de {correction} de la p-value) inclut encore l'absence "
        "d'écart alors que la p-value corrigée dit significatif. Considérez-le comme non "
        "concluant et collectez plus de données.",
    ),
    "ab.caveat.bayes": (
        "Bayesian view: the chance that {b} truly converts better than {a} is {prob:pct} "
        "(this is not 1 − p).",
        "Lecture bayésienne\u00a0: la probabilité que {b} batte {a} (taux de conversion "
        "réellement plus élevé) est de {prob:pct} (ce n'est pas 1 − p).",
    ),
    "ab.caveat.bayes.above": (
        "Bayesian view: the chance that {b} truly converts better than {a} is above "
        "{limit:pct} (this is not 1 − p).",
        "Lecture bayésienne\u00a0: la probabilité que {b} batte {a} (taux de conversion "
        "réellement plus élevé) dépasse {limit:pct} (ce n'est pas 1 − p).",
    ),
    "ab.caveat.bayes.below": (
        "Bayesian view: the chance that {b} truly converts better than {a} is below "
        "{limit:pct} (this is not 1 − p).",
        "Lecture bayésienne\u00a0: la probabilité que {b} batte {a} (taux de conversion "
        "réellement plus élevé) est inférieure à {limit:pct} (ce n'est pas 1 − p).",
    ),
    "ab.caveat.comparisons.use_corrected": (
        "{comparisons:int} comparisons were made; the more comparisons, the more likely one "
        "looks significant by chance: use the corrected p-values.",
        "{comparisons:int} comparaisons ont été faites\u00a0; plus il y a de comparaisons, "
        "plus l'une d'elles risque de paraître significative par hasard\u00a0: utilisez les "
        "p-values corrigées.",
    ),
    "ab.caveat.comparisons.corrected_ci": (
        "{comparisons:int} comparisons were made; the more comparisons, the more likely one "
        "looks significant by chance (the p-value above is {correction}-corrected for this, "
        "and the interval is Bonferroni-corrected).",
        "{comparisons:int} comparaisons ont été faites\u00a0; plus il y a de comparaisons, "
        "plus l'une d'elles risque de paraître significative par hasard (la p-value "
        "ci-dessus est corrigée par {correction} et l'intervalle par Bonferroni).",
    ),
    "ab.caveat.comparisons.uncorrected_ci": (
        "{comparisons:int} comparisons were made; the more comparisons, the more likely one "
        "looks significant by chance (the p-value above is {correction}-corrected for this; "
        "the interval is not).",
        "{comparisons:int} comparaisons ont été faites\u00a0; plus il y a de comparaisons, "
        "plus l'une d'elles risque de paraître significative par hasard (la p-value "
        "ci-dessus est corrigée par {correction}\u00a0; l'intervalle ne l'est pas).",
    ),
    "ab.caveat.underpowered.significant": (
        "Underpowered for {what}: with {have:int} visitors in the smaller group the test has "
        "{achieved:pct} power to detect it ({power:pct} wanted, about {need:int} visitors per "
        "group). Significant results from small tests tend to overstate the effect.",
        "Puissance insuffisante pour {what}\u00a0: avec {have:int} visiteurs dans le plus "
        "petit groupe, le test a une puissance de {achieved:pct} pour le détecter "
        "({power:pct} voulus, soit environ {need:int} visiteurs par groupe). Les résultats "
        "significatifs des petits tests ont tendance à exagérer l'effet.",
    ),
    "ab.caveat.underpowered.not_significant": (
        "Underpowered for {what}: with {have:int} visitors in the smaller group the test has "
        "{achieved:pct} power to detect it ({power:pct} wanted, about {need:int} visitors per "
        "group). A 'no difference' here is not evidence that there is none.",
        "Puissance insuffisante pour {what}\u00a0: avec {have:int} visiteurs dans le plus "
        "petit groupe, le test a une puissance de {achieved:pct} pour le détecter "
        "({power:pct} voulus, soit environ {need:int} visiteurs par groupe). Ne pas voir "
        "d'écart ici ne prouve pas qu'il n'y en a pas.",
    ),
    "ab.power.mde_relative": (
        "a {mde:pct} relative change (the smallest effect set as worth detecting)",
        "un écart relatif de {mde:pct} (le plus petit effet jugé utile à détecter)",
    ),
    "ab.power.mde_absolute": (
        "a change of {mde:pts} (the smallest effect set as worth detecting)",
        "un écart de {mde:pts} (le plus petit effet jugé utile à détecter)",
    ),
    "ab.power.observed": (
        "the observed difference of {diff:pts}",
        "l'écart observé de {diff:pts}",
    ),
    # ------------------------------------------------------------------ why this test
    "ab.method.none": (
        "No test: a group without visitors cannot be compared.",
        "Aucun test\u00a0: un groupe sans visiteurs ne peut pas être comparé.",
    ),
    "ab.method.fisher.conversions": (
        "Fisher's exact test is used because the expected conversions in group {group} (if "
        "both groups converted alike) are {expected:num}, below 5, where the z-test's normal "
        "approximation is unreliable.",
        "Le test exact de Fisher est utilisé car les conversions attendues dans le groupe "
        "{group} (si les deux groupes convertissaient pareil) sont de {expected:num}, moins "
        "de 5, là où l'approximation normale du test z n'est pas fiable.",
    ),
    "ab.method.fisher.non_conversions": (
        "Fisher's exact test is used because the expected non-conversions in group {group} "
        "(if both groups converted alike) are {expected:num}, below 5, where the z-test's "
        "normal approximation is unreliable.",
        "Le test exact de Fisher est utilisé car les non-conversions attendues dans le groupe "
        "{group} (si les deux groupes convertissaient pareil) sont de {expected:num}, moins "
        "de 5, là où l'approximation normale du test z n'est pas fiable.",
    ),
    "ab.method.z.conversions": (
        "Pooled two-proportion z-test: every expected count (if both groups converted alike) "
        "is at least 5; the smallest is {expected:num0} expected conversions in group "
        "{group}.",
        "Test z de comparaison de deux proportions (variance commune)\u00a0: chaque effectif "
        "attendu (si les deux groupes convertissaient pareil) vaut au moins 5\u00a0; le plus "
        "petit est de {expected:num0} conversions attendues dans le groupe {group}.",
    ),
    "ab.method.z.non_conversions": (
        "Pooled two-proportion z-test: every expected count (if both groups converted alike) "
        "is at least 5; the smallest is {expected:num0} expected non-conversions in group "
        "{group}.",
        "Test z de comparaison de deux proportions (variance commune)\u00a0: chaque effectif "
        "attendu (si les deux groupes convertissaient pareil) vaut au moins 5\u00a0; le plus "
        "petit est de {expected:num0} non-conversions attendues dans le groupe {group}.",
    ),
    "ab.method.name.z": ("z-test", "test z"),
    "ab.method.name.fisher": ("Fisher exact", "Fisher exact"),
    "ab.method.name.none": ("no test", "aucun test"),
    # ------------------------------------------------------------------ degenerate input
    "ab.degenerate.no_visitors": (
        "{count:plural:Group|Groups} {groups:list} {count:plural:has|have} no visitors, so "
        "there is nothing to compare. Check the group names and the date range of the data.",
        "{count:plural:Le groupe|Les groupes} {groups:list} "
        "{count:plural:n'a|n'ont} aucun visiteur\u00a0: il n'y a rien à comparer. Vérifiez "
        "les noms des groupes et la période des données.",
    ),
    "ab.degenerate.no_conversions": (
        "There are no conversions in either group, so the two rates are identical and no "
        "difference can be tested; the z-test is undefined and Fisher's exact test gives "
        "p = 1. Wait for more data.",
        "Aucun des deux groupes n'a de conversion\u00a0: les deux taux sont identiques et "
        "aucun écart ne peut être testé\u00a0; le test z n'est pas défini et le test exact de "
        "Fisher donne p = 1. Attendez plus de données.",
    ),
    "ab.degenerate.all_converted": (
        "Every visitor converted in both groups, so the two rates are identical and no "
        "difference can be tested; the z-test is undefined and Fisher's exact test gives "
        "p = 1. Wait for more data.",
        "Tous les visiteurs ont converti dans les deux groupes\u00a0: les deux taux sont "
        "identiques et aucun écart ne peut être testé\u00a0; le test z n'est pas défini et le "
        "test exact de Fisher donne p = 1. Attendez plus de données.",
    ),
    "ab.many.no_chi2": (
        "The overall chi-square test is undefined: fewer than two groups have visitors, or "
        "nobody (or everybody) converted.",
        "Le test du khi-deux global n'est pas défini\u00a0: moins de deux groupes ont des "
        "visiteurs, ou personne (ou tout le monde) n'a converti.",
    ),
    "ab.mde.needs_rate": (
        "The smallest detectable change needs a control conversion rate strictly between "
        "0% and 100% and visitors in every group.",
        "Le plus petit écart détectable demande un taux de conversion du groupe de contrôle "
        "strictement entre 0\u00a0% et 100\u00a0% et des visiteurs dans chaque groupe.",
    ),
    # ------------------------------------------------------------------ SRM
    "ab.srm.ok": (
        "Traffic split {shares:list} matches the planned {planned:list} (SRM p = {p:p}).",
        "La répartition du trafic {shares:list} correspond à celle prévue {planned:list} "
        "(p SRM = {p:p}).",
    ),
    "ab.srm.warn": (
        "Traffic split {shares:list} differs from the planned {planned:list} more than "
        "chance usually allows (SRM p = {p:p}). Check assignment and tracking before trusting "
        "the results.",
        "La répartition du trafic {shares:list} s'écarte de celle prévue {planned:list} plus "
        "que le hasard ne l'explique d'habitude (p SRM = {p:p}). Vérifiez l'affectation et le "
        "suivi avant de vous fier aux résultats.",
    ),
    "ab.srm.alert": (
        "Traffic split {shares:list} is far from the planned {planned:list} (SRM p = {p:p}). "
        "Assignment or tracking is probably broken: do not trust this test's results until "
        "the cause is found.",
        "La répartition du trafic {shares:list} est loin de celle prévue {planned:list} "
        "(p SRM = {p:p}). L'affectation ou le suivi est probablement défaillant\u00a0: ne vous "
        "fiez pas aux résultats de ce test avant d'en avoir trouvé la cause.",
    ),
    "ab.srm.too_few": (
        "Too few visitors to check the traffic split (the plan expects {expected:num0} in the "
        "smallest group, need {need:int}).",
        "Trop peu de visiteurs pour vérifier la répartition du trafic (le plan en prévoit "
        "{expected:num0} dans le plus petit groupe, il en faut {need:int}).",
    ),
    "ab.srm.two_groups": (
        "A sample-ratio check needs at least two groups.",
        "Le contrôle de répartition (SRM) demande au moins deux groupes.",
    ),
    "ab.srm.shares_count": (
        "{groups:int} groups but {shares:int} planned shares were given.",
        "{groups:int} groupes mais {shares:int} parts prévues ont été données.",
    ),
    "ab.srm.hint_shares_count": (
        "Give one planned share per group, e.g. 50/50.",
        "Donnez une part prévue par groupe, par exemple 50/50.",
    ),
    "ab.srm.shares_positive": (
        "Planned shares must be positive numbers; got {got}.",
        "Les parts prévues doivent être des nombres positifs (reçu\u00a0: {got}).",
    ),
    "ab.srm.hint_no_traffic": (
        "Leave out groups that received no traffic by design.",
        "Retirez les groupes qui ne devaient recevoir aucun trafic.",
    ),
    # ------------------------------------------------------------------ segments / Simpson
    "ab.simpson.flip.higher": (
        "Segment paradox: overall {b} converts higher than {a}, yet {b} converts lower in "
        "every segment. The groups have a different segment mix; trust the per-segment "
        "(CMH) result, not the total.",
        "Paradoxe de Simpson\u00a0: au total, {b} convertit mieux que {a}, mais moins bien "
        "dans chaque segment. Les groupes n'ont pas la même composition\u00a0; fiez-vous au "
        "résultat par segment (CMH), pas au total.",
    ),
    "ab.simpson.flip.lower": (
        "Segment paradox: overall {b} converts lower than {a}, yet {b} converts higher in "
        "every segment. The groups have a different segment mix; trust the per-segment "
        "(CMH) result, not the total.",
        "Paradoxe de Simpson\u00a0: au total, {b} convertit moins bien que {a}, mais mieux "
        "dans chaque segment. Les groupes n'ont pas la même composition\u00a0; fiez-vous au "
        "résultat par segment (CMH), pas au total.",
    ),
    "ab.simpson.disagree.naive": (
        "The overall test says the difference is significant (p = {p:p}), but after "
        "accounting for segments it is not (CMH p = {cmh_p:p}). The segment mix differs "
        "between groups; read the per-segment results.",
        "Le test global dit que l'écart est significatif (p = {p:p}), mais pas une fois les "
        "segments pris en compte (p CMH = {cmh_p:p}). La composition des groupes "
        "diffère\u00a0; lisez les résultats par segment.",
    ),
    "ab.simpson.disagree.cmh": (
        "The overall test says the difference is not significant (p = {p:p}), but after "
        "accounting for segments it is (CMH p = {cmh_p:p}). The segment mix differs between "
        "groups; read the per-segment results.",
        "Le test global dit que l'écart n'est pas significatif (p = {p:p}), mais il l'est une "
        "fois les segments pris en compte (p CMH = {cmh_p:p}). La composition des groupes "
        "diffère\u00a0; lisez les résultats par segment.",
    ),
    "ab.simpson.agrees": (
        "The overall result agrees with the segments (no Simpson's paradox).",
        "Le résultat global concorde avec les segments (pas de paradoxe de Simpson).",
    ),
    "ab.strata.none": ("No segments were given.", "Aucun segment n'a été donné."),
    "ab.strata.shape": (
        "Segment {segment} needs (conversions A, visitors A, conversions B, visitors B); got "
        "{got}.",
        "Le segment {segment} demande (conversions A, visiteurs A, conversions B, visiteurs "
        "B)\u00a0; reçu\u00a0: {got}.",
    ),
    "ab.strata.too_small": (
        "No segment has two or more people.",
        "Aucun segment ne compte deux personnes ou plus.",
    ),
    "ab.strata.no_variation": (
        "Every segment has no conversions, only conversions, or one group empty.",
        "Chaque segment n'a aucune conversion, que des conversions, ou un groupe vide.",
    ),
    "ab.strata.no_odds_ratio": (
        "The pooled odds ratio is undefined (a zero in every segment's table).",
        "L'odds ratio combiné n'est pas défini (un zéro dans le tableau de chaque segment).",
    ),
    # ------------------------------------------------------------------ sequential, Welch
    "ab.sequential.tuning": (
        "The tuning parameter must be a positive number; got {got:num}.",
        "Le paramètre de réglage doit être un nombre positif (reçu\u00a0: {got:num}).",
    ),
    "ab.sequential.two_visitors": (
        "Each group needs at least two visitors for a sequential test.",
        "Chaque groupe doit avoir au moins deux visiteurs pour un test séquentiel.",
    ),
    "ab.sequential.no_base": (
        "{group} has no conversions, so a relative lift is undefined.",
        "{group} n'a aucune conversion\u00a0: l'écart relatif n'est pas défini.",
    ),
    "ab.sequential.no_variation": (
        "Both groups converted at 0% or 100%, so there is no variation to test.",
        "Les deux groupes convertissent à 0\u00a0% ou 100\u00a0%\u00a0: il n'y a aucune "
        "variation à tester.",
    ),
    "ab.welch.what_mean": ("mean of {group}", "moyenne de {group}"),
    "ab.welch.what_variance": ("variance of {group}", "variance de {group}"),
    "ab.welch.not_number": (
        "The {what} must be a number; got {got}.",
        "La {what} doit être un nombre (reçu\u00a0: {got}).",
    ),
    "ab.welch.negative_variance": (
        "A variance cannot be negative.",
        "Une variance ne peut pas être négative.",
    ),
    "ab.welch.hint_totals": ("Check the revenue totals.", "Vérifiez les totaux de revenu."),
    "ab.welch.two_visitors": (
        "Each group needs at least two visitors for a t-test.",
        "Chaque groupe doit avoir au moins deux visiteurs pour un test t.",
    ),
    "ab.welch.no_variation": (
        "Every visitor has the same value in both groups, so there is no variation to test.",
        "Tous les visiteurs ont la même valeur dans les deux groupes\u00a0: il n'y a aucune "
        "variation à tester.",
    ),
    # ------------------------------------------------------------------ input errors
    "ab.input.what_conversions": ("Conversions in {group}", "Les conversions de {group}"),
    "ab.input.what_visitors": ("Visitors in {group}", "Les visiteurs de {group}"),
    "ab.input.what_visitors_each": (
        "Visitors in each group",
        "Les visiteurs de chaque groupe",
    ),
    "ab.input.not_whole": (
        "{what} must be a whole number; got {got}.",
        "{what} doivent être un nombre entier (reçu\u00a0: {got}).",
    ),
    "ab.input.not_whole_people": (
        "{what} must be a whole number of people; got {got}.",
        "{what} doivent être un nombre entier de personnes (reçu\u00a0: {got}).",
    ),
    "ab.input.negative": (
        "{what} cannot be negative; got {got:int}.",
        "{what} ne peuvent pas être négatifs (reçu\u00a0: {got:int}).",
    ),
    "ab.input.hint_count": (
        "Type the count of people, e.g. 1250.",
        "Saisissez un nombre de personnes, par exemple 1250.",
    ),
    "ab.input.hint_counts_not_rates": (
        "Use counts, not rates or averages.",
        "Utilisez des effectifs, pas des taux ni des moyennes.",
    ),
    "ab.input.hint_check_typed": (
        "Check the numbers typed in.",
        "Vérifiez les nombres saisis.",
    ),
    "ab.input.more_conversions": (
        "{group} has more conversions ({conversions:int}) than visitors ({visitors:int}).",
        "{group} a plus de conversions ({conversions:int}) que de visiteurs ({visitors:int}).",
    ),
    "ab.input.hint_swapped": (
        "Conversions count people who converted, so they cannot exceed visitors; check that "
        "the two numbers are not swapped.",
        "Les conversions comptent les personnes qui ont converti\u00a0: elles ne peuvent pas "
        "dépasser les visiteurs. Vérifiez que les deux nombres ne sont pas inversés.",
    ),
    "ab.input.alpha_not_number": (
        "The significance level must be a number; got {got}.",
        "Le seuil de significativité doit être un nombre (reçu\u00a0: {got}).",
    ),
    "ab.input.alpha_range": (
        "The significance level must lie strictly between 0 and 1; got {got:num}.",
        "Le seuil de significativité doit être strictement entre 0 et 1 (reçu\u00a0: {got:num}).",
    ),
    "ab.input.hint_alpha": (
        "The usual value is 0.05 (95% confidence).",
        "La valeur habituelle est 0,05 (confiance de 95\u00a0%).",
    ),
    "ab.input.pair": (
        "Group {group} needs (conversions, visitors); got {got}.",
        "Le groupe {group} demande (conversions, visiteurs)\u00a0; reçu\u00a0: {got}.",
    ),
    "ab.input.not_a_group": (
        "Expected a group with a name, conversions and visitors; got {got}.",
        "Un groupe avec un nom, des conversions et des visiteurs était attendu\u00a0; "
        "reçu\u00a0: {got}.",
    ),
    "ab.input.two_groups": (
        "A test needs at least two groups.",
        "Un test demande au moins deux groupes.",
    ),
    "ab.input.hint_two_groups": (
        "Add the control and a variant.",
        "Ajoutez le groupe de contrôle et une variante.",
    ),
    "ab.input.names_distinct": (
        "Group names must be distinct; got {names:list}.",
        "Les noms des groupes doivent être différents (reçu\u00a0: {names:list}).",
    ),
    "ab.input.correction": ("Unknown correction {got}.", "Correction inconnue\u00a0: {got}."),
    "ab.input.hint_correction": (
        "Use 'holm', 'bh' or None (no correction).",
        "Utilisez 'holm', 'bh' ou None (aucune correction).",
    ),
    "ab.input.family": (
        "Unknown family of comparisons {got}.",
        "Famille de comparaisons inconnue\u00a0: {got}.",
    ),
    "ab.input.hint_family": (
        "Use 'variants' or 'variants x segments'.",
        "Utilisez 'variants' ou 'variants x segments'.",
    ),
    "ab.input.control_unknown": (
        "The control {control} is not one of the groups: {names:list}.",
        "Le groupe de contrôle {control} ne fait pas partie des groupes\u00a0: {names:list}.",
    ),
    "ab.input.p_values": (
        "p-values must be numbers between 0 and 1; got {got}.",
        "Les p-values doivent être des nombres entre 0 et 1 (reçu\u00a0: {got}).",
    ),
    # ------------------------------------------------------------------ counts from data
    "ab.data.role.variant": ("variant", "de variante"),
    "ab.data.role.outcome": ("outcome", "de conversion"),
    "ab.data.role.segment": ("segment", "de segment"),
    "ab.data.role.revenue": ("revenue", "de revenu"),
    "ab.data.role.counts": ("counts", "des effectifs"),
    "ab.data.missing_column": (
        "The {role} column {column} is not in the table.",
        "La colonne {role} {column} n'est pas dans la table.",
    ),
    "ab.data.hint_pick": (
        "Pick one of: {columns:list}.",
        "Choisissez parmi\u00a0: {columns:list}.",
    ),
    "ab.data.outcome_numbers": (
        "The outcome column {column} must hold 0/1 or yes/no; {rows:int} rows hold other "
        "values (e.g. {example}).",
        "La colonne de conversion {column} doit contenir 0/1 ou oui/non\u00a0; {rows:int} "
        "lignes contiennent autre chose (par exemple {example}).",
    ),
    "ab.data.outcome_text": (
        "The outcome column {column} must hold yes/no values; {rows:int} rows hold something "
        "else (e.g. {example}).",
        "La colonne de conversion {column} doit contenir oui/non\u00a0; {rows:int} lignes "
        "contiennent autre chose (par exemple {example}).",
    ),
    "ab.data.outcome_type": (
        "The outcome column {column} has type {dtype}, not yes/no.",
        "La colonne de conversion {column} est de type {dtype}, pas oui/non.",
    ),
    "ab.data.hint_outcome": (
        "Choose a column that says whether each user converted.",
        "Choisissez une colonne qui dit si chaque utilisateur a converti.",
    ),
    "ab.data.revenue_type": (
        "The revenue column {column} is not numeric ({dtype}).",
        "La colonne de revenu {column} n'est pas numérique ({dtype}).",
    ),
    "ab.data.hint_revenue": (
        "Choose a column of amounts, or fix its number format when loading.",
        "Choisissez une colonne de montants, ou corrigez son format numérique à l'import.",
    ),
    "ab.data.no_groups": (
        "There are no groups to choose a control from.",
        "Il n'y a aucun groupe parmi lesquels choisir le groupe de contrôle.",
    ),
    "ab.data.unknown_step": (
        "The step {step} is not one of the funnel steps.",
        "L'étape {step} ne fait pas partie des étapes de l'entonnoir.",
    ),
    "ab.data.hint_steps": ("Pick one of: {steps:list}.", "Choisissez parmi\u00a0: {steps:list}."),
    "ab.data.no_revenue": (
        "The events have no revenue column.",
        "Les événements n'ont pas de colonne de revenu.",
    ),
    "ab.data.hint_no_revenue": (
        "Upload orders or events with an amount to compare revenue per visitor.",
        "Importez des commandes ou des événements avec un montant pour comparer le revenu par "
        "visiteur.",
    ),
    "ab.data.choose_goal": (
        "Choose what counts as a conversion: a yes/no column or a funnel step.",
        "Choisissez ce qui compte comme conversion\u00a0: une colonne oui/non ou une étape de "
        "l'entonnoir.",
    ),
    "ab.data.step_needs_events": (
        "A funnel step needs the events.",
        "Une étape de l'entonnoir demande les événements.",
    ),
    "ab.data.hint_events": ("Upload an event log.", "Importez un journal d'événements."),
    "ab.data.two_groups": (
        "A test needs at least two groups; the data has {count:int} ({names:list}).",
        "Un test demande au moins deux groupes\u00a0; les données en ont {count:int} "
        "({names:list}).",
    ),
    "ab.data.hint_variant": (
        "Pick the column that holds the variant each user saw.",
        "Choisissez la colonne qui indique la variante vue par chaque utilisateur.",
    ),
    "ab.rows.no_variant": (
        "{n:int} {n:plural:row|rows} without a variant",
        "{n:int} {n:plural:ligne|lignes} sans variante",
    ),
    "ab.rows.no_outcome": (
        "{n:int} {n:plural:row|rows} without an outcome, counted as not converted",
        "{n:int} {n:plural:ligne|lignes} sans conversion renseignée, comptées comme non converties",
    ),
    "ab.rows.no_revenue": (
        "{n:int} {n:plural:row|rows} without revenue, counted as 0",
        "{n:int} {n:plural:ligne|lignes} sans revenu, comptées à 0",
    ),
    "ab.rows.missing_counts": (
        "{n:int} {n:plural:row|rows} without visitors or conversions",
        "{n:int} {n:plural:ligne|lignes} sans visiteurs ou sans conversions",
    ),
    "ab.rows.negative": (
        "{n:int} {n:plural:row|rows} with negative counts",
        "{n:int} {n:plural:ligne|lignes} avec des effectifs négatifs",
    ),
    "ab.rows.not_whole": (
        "{n:int} {n:plural:row|rows} with counts that are not whole numbers",
        "{n:int} {n:plural:ligne|lignes} avec des effectifs non entiers",
    ),
    "ab.rows.more_conversions": (
        "{n:int} {n:plural:row|rows} with more conversions than visitors",
        "{n:int} {n:plural:ligne|lignes} avec plus de conversions que de visiteurs",
    ),
    # ------------------------------------------------------------------ typed-in counts
    "ab.typed.three_columns": (
        "The table needs three columns: name, visitors, conversions.",
        "Le tableau doit avoir trois colonnes\u00a0: nom, visiteurs, conversions.",
    ),
    "ab.typed.hint_row": (
        "Type one row per variant, e.g. 'A, 10000, 500'.",
        "Saisissez une ligne par variante, par exemple «\u00a0A, 10000, 500\u00a0».",
    ),
    "ab.typed.row": ("row {row:int}", "ligne {row:int}"),
    "ab.typed.row_named": ("row {row:int} ({name})", "ligne {row:int} ({name})"),
    "ab.typed.what.visitors": ("visitors", "les visiteurs"),
    "ab.typed.what.conversions": ("conversions", "les conversions"),
    "ab.typed.no_name": ("{where} has no name", "{where} n'a pas de nom"),
    "ab.typed.name_twice": (
        "the name {name} is used twice",
        "le nom {name} est utilisé deux fois",
    ),
    "ab.typed.missing": ("{where} has no {what}", "{where}\u00a0: il manque {what}"),
    "ab.typed.negative": (
        "{where}: {what} cannot be negative ({got})",
        "{where}\u00a0: {what} ne peuvent pas être négatifs ({got})",
    ),
    "ab.typed.not_whole": (
        "{where}: {what} '{got}' is not a whole number",
        "{where}\u00a0: {what} «\u00a0{got}\u00a0» ne sont pas un nombre entier",
    ),
    "ab.typed.more_conversions": (
        "{where} has more conversions ({conversions:int}) than visitors ({visitors:int}); "
        "are the two columns swapped?",
        "{where} a plus de conversions ({conversions:int}) que de visiteurs "
        "({visitors:int})\u00a0: les deux colonnes sont-elles inversées\u00a0?",
    ),
    "ab.typed.unusable": (
        "The numbers typed in cannot be used: {problems:list}.",
        "Les nombres saisis ne sont pas utilisables\u00a0: {problems:list}.",
    ),
    "ab.typed.hint_unusable": (
        "Type one row per variant: a name, the visitors (people who saw it) and the "
        "conversions (people who converted), as whole numbers.",
        "Saisissez une ligne par variante\u00a0: un nom, les visiteurs (personnes qui l'ont "
        "vue) et les conversions (personnes qui ont converti), en nombres entiers.",
    ),
    "ab.typed.nothing": (
        "A test needs at least two groups; nothing was typed in.",
        "Un test demande au moins deux groupes\u00a0; rien n'a été saisi.",
    ),
    "ab.typed.only_one": (
        "A test needs at least two groups; only one was typed in.",
        "Un test demande au moins deux groupes\u00a0; un seul a été saisi.",
    ),
    "ab.typed.hint_two_groups": (
        "Add a row for the control and one for each variant.",
        "Ajoutez une ligne pour le groupe de contrôle et une par variante.",
    ),
    "ab.typed.nothing_pasted": ("Nothing was pasted.", "Rien n'a été collé."),
    "ab.typed.hint_paste": (
        "Paste lines like 'A<TAB>10000<TAB>500'.",
        "Collez des lignes comme «\u00a0A<TAB>10000<TAB>500\u00a0».",
    ),
    "ab.typed.line_columns": (
        "Line {line:int} of the pasted table does not have three columns (name, visitors, "
        "conversions).",
        "La ligne {line:int} du tableau collé n'a pas trois colonnes (nom, visiteurs, "
        "conversions).",
    ),
    "ab.typed.hint_separators": (
        "Separate the columns with tabs, semicolons or commas; write 44700, not 44,700, when "
        "commas separate the columns.",
        "Séparez les colonnes par des tabulations, des points-virgules ou des virgules\u00a0; "
        "écrivez 44700 et non 44,700 quand la virgule sépare les colonnes.",
    ),
    "ab.split.not_numbers": (
        "The planned split '{split}' is not a list of numbers.",
        "La répartition prévue «\u00a0{split}\u00a0» n'est pas une liste de nombres.",
    ),
    "ab.split.hint_format": (
        "Write the shares separated by '/', e.g. 50/50 or 96/4 or 34/33/33.",
        "Écrivez les parts séparées par «\u00a0/\u00a0», par exemple 50/50, 96/4 ou 34/33/33.",
    ),
    "ab.split.count": (
        "The planned split '{split}' has {shares:int} shares but there are {groups:int} groups.",
        "La répartition prévue «\u00a0{split}\u00a0» a {shares:int} parts mais il y a "
        "{groups:int} groupes.",
    ),
    "ab.split.hint_count": (
        "Give one share per group, in the order of the table.",
        "Donnez une part par groupe, dans l'ordre du tableau.",
    ),
    "ab.split.positive": (
        "The planned split '{split}' must hold positive numbers only.",
        "La répartition prévue «\u00a0{split}\u00a0» ne doit contenir que des nombres positifs.",
    ),
    # ------------------------------------------------------------------ planning
    "ab.plan.what.alpha": ("significance level (alpha)", "seuil de significativité (alpha)"),
    "ab.plan.what.power": ("power", "puissance"),
    "ab.plan.what.baseline": (
        "baseline conversion rate",
        "taux de conversion de référence",
    ),
    "ab.plan.level_not_number": (
        "The {what} must be a number between 0 and 1; got {got}.",
        "Le {what} doit être un nombre entre 0 et 1 (reçu\u00a0: {got}).",
    ),
    "ab.plan.level_range": (
        "The {what} must lie strictly between 0 and 1; got {got:num}.",
        "Le {what} doit être strictement entre 0 et 1 (reçu\u00a0: {got:num}).",
    ),
    "ab.plan.hint_fraction": (
        "Type it as a fraction, e.g. 0.05 for 5%.",
        "Saisissez-le comme une fraction, par exemple 0,05 pour 5\u00a0%.",
    ),
    "ab.plan.mde_not_number": (
        "The minimum detectable effect must be a number; got {got}.",
        "L'effet minimal détectable doit être un nombre (reçu\u00a0: {got}).",
    ),
    "ab.plan.mde_zero": (
        "The minimum detectable effect cannot be zero.",
        "L'effet minimal détectable ne peut pas être nul.",
    ),
    "ab.plan.hint_mde": (
        "Enter the smallest change worth detecting, e.g. 0.05 for a 5% relative lift.",
        "Saisissez le plus petit écart utile à détecter, par exemple 0,05 pour un écart "
        "relatif de 5\u00a0%.",
    ),
    "ab.plan.target_outside.relative": (
        "A baseline of {baseline:pct} with a relative change of {mde:spct} gives a target "
        "rate of {target:pct}, outside 0 to 100%.",
        "Un taux de référence de {baseline:pct} avec un écart relatif de {mde:spct} donne un "
        "taux cible de {target:pct}, hors de 0 à 100\u00a0%.",
    ),
    "ab.plan.target_outside.absolute": (
        "A baseline of {baseline:pct} with a change of {mde:pts} gives a target rate of "
        "{target:pct}, outside 0 to 100%.",
        "Un taux de référence de {baseline:pct} avec un écart de {mde:pts} donne un taux "
        "cible de {target:pct}, hors de 0 à 100\u00a0%.",
    ),
    "ab.plan.hint_target": (
        "Use a smaller change, or switch between relative and absolute.",
        "Choisissez un écart plus petit, ou passez de relatif à absolu.",
    ),
    "ab.plan.variants": (
        "A test needs at least 2 variants (control included); got {got}.",
        "Un test demande au moins 2 variantes (groupe de contrôle compris)\u00a0; reçu\u00a0: "
        "{got}.",
    ),
    "ab.plan.daily_not_number": (
        "Daily visitors must be a number; got {got}.",
        "Les visiteurs par jour doivent être un nombre (reçu\u00a0: {got}).",
    ),
    "ab.plan.daily_positive": (
        "Daily visitors must be a positive number; got {got:num}.",
        "Les visiteurs par jour doivent être un nombre positif (reçu\u00a0: {got:num}).",
    ),
    "ab.plan.hint_daily": (
        "Enter the visitors entering the test per day, all variants together.",
        "Saisissez les visiteurs qui entrent dans le test chaque jour, toutes variantes "
        "confondues.",
    ),
    "ab.plan.too_few": (
        "{visitors:int} visitors per variant are too few to detect any increase from a "
        "baseline of {baseline:pct} at this power.",
        "{visitors:int} visiteurs par variante sont trop peu pour détecter une hausse depuis "
        "un taux de référence de {baseline:pct} avec cette puissance.",
    ),
    "ab.plan.hint_too_few": (
        "Plan for more visitors or accept a lower power.",
        "Prévoyez plus de visiteurs ou acceptez une puissance plus faible.",
    ),
    "ab.plan.visitors_not_number": (
        "Visitors per variant must be a number; got {got}.",
        "Les visiteurs par variante doivent être un nombre (reçu\u00a0: {got}).",
    ),
    "ab.plan.visitors_positive": (
        "Visitors per variant must be positive; got {got}.",
        "Les visiteurs par variante doivent être positifs (reçu\u00a0: {got}).",
    ),
    "ab.plan.method.power_prop_test": ("power.prop.test (R)", "power.prop.test (R)"),
    "ab.plan.method.evan_miller": ("Evan Miller", "Evan Miller"),
    "ab.plan.method.relative_delta": (
        "relative lift, delta method (GrowthBook style)",
        "écart relatif, méthode delta (à la GrowthBook)",
    ),
    "ab.plan.formula.power_prop_test": (
        "pooled two-proportion test: n = ((z_{{1-α/2}}·√(2·p̄·(1−p̄)) + "
        "z_power·√(p1·(1−p1) + p2·(1−p2))) / (p2 − p1))², p̄ = (p1 + p2)/2",
        "test de deux proportions (variance commune)\u00a0: n = ((z_{{1-α/2}}·√(2·p̄·(1−p̄)) "
        "+ z_puissance·√(p1·(1−p1) + p2·(1−p2))) / (p2 − p1))², p̄ = (p1 + p2)/2",
    ),
    "ab.plan.formula.evan_miller": (
        "n = ((z_{{1-α/2}}·√(2·p1·(1−p1)) + z_power·√(p1·(1−p1) + p2·(1−p2))) / (p2 − p1))²",
        "n = ((z_{{1-α/2}}·√(2·p1·(1−p1)) + z_puissance·√(p1·(1−p1) + p2·(1−p2))) / (p2 − p1))²",
    ),
    "ab.plan.formula.relative_delta": (
        "n = (z_{{1-α/2}} + z_power)² · (p2·(1−p2)/p1² + p1·(1−p1)·p2²/p1⁴) / (p2/p1 − 1)²",
        "n = (z_{{1-α/2}} + z_puissance)² · (p2·(1−p2)/p1² + p1·(1−p1)·p2²/p1⁴) / (p2/p1 − 1)²",
    ),
    # ------------------------------------------------------------------ assignment detection
    "ab.assign.pattern.letters": ("letters such as A/B", "des lettres comme A/B"),
    "ab.assign.pattern.numbered": (
        "numbered arms such as v1/v2",
        "des bras numérotés comme v1/v2",
    ),
    "ab.assign.pattern.control": (
        "control/treatment words",
        "des mots comme contrôle/traitement",
    ),
    "ab.assign.pattern.prefix": (
        "one prefix with short suffixes such as gate_30/gate_40",
        "un même préfixe avec de courts suffixes comme gate_30/gate_40",
    ),
    "ab.assign.name": (
        "{arms:int} values ({values:list}); its name says *{word}*",
        "{arms:int} valeurs ({values:list})\u00a0; son nom dit *{word}*",
    ),
    "ab.assign.values": (
        "{arms:int} values ({values:list}); its values are {pattern}",
        "{arms:int} valeurs ({values:list})\u00a0; ses valeurs sont {pattern}",
    ),
    "ab.assign.both": (
        "{arms:int} values ({values:list}); its name says *{word}* and its values are {pattern}",
        "{arms:int} valeurs ({values:list})\u00a0; son nom dit *{word}* et ses valeurs sont "
        "{pattern}",
    ),
}
