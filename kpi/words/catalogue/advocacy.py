"""Advocacy: NPS, CSAT, CES, referral rate (kpi.advocacy and the Advocacy page)."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    # ------------------------------------------------------------ KPI names and definitions
    # TEMPORARY (h7): the def.* entries of the advocacy KPIs, until the definitions engineer's
    # entries are merged; the lead keeps one copy.
    # ------------------------------------------------------------ errors and hints
    "advocacy.error.confidence": (
        "The confidence level must be between 0 and 1 (e.g. 0.95), not {confidence}.",
        "Le niveau de confiance doit être compris entre 0 et 1 (par exemple 0,95), pas "
        "{confidence}.",
    ),
    "advocacy.error.scale": (
        "Unsupported scale 1–{scale}.",
        "Échelle 1–{scale} non prise en charge.",
    ),
    "advocacy.hint.scale": (
        "Choose one of: {allowed:orlist}.",
        "Choisissez\u00a0: {allowed:orlist}.",
    ),
    "advocacy.error.above_seven": (
        "Answers go up to {top:num}, more than a 1–7 scale.",
        "Les réponses montent jusqu'à {top:num}, au-delà d'une échelle de 1 à 7.",
    ),
    "advocacy.hint.read_as_nps": (
        "If this is a 0–10 'would you recommend' question, read it as NPS.",
        "S'il s'agit d'une question «\u00a0recommanderiez-vous\u00a0» notée de 0 à 10, lisez-la "
        "comme un NPS.",
    ),
    "advocacy.error.referral_column": (
        "Say which column marks referrals (a channel or a flag).",
        "Indiquez quelle colonne signale les recommandations (un canal ou un indicateur).",
    ),
    "advocacy.what.nps_over_time": ("NPS over time", "Le NPS dans le temps"),
    "advocacy.what.nps_by": ("NPS by segment", "Le NPS par segment"),
    "advocacy.what.referral": ("Referral rate", "Le taux de recommandation"),
    # ------------------------------------------------------------ explanations
    "advocacy.points0.plus": ("+{points:num0}", "+{points:num0}"),
    "advocacy.points0.minus": ("−{points:num0}", "−{points:num0}"),
    "advocacy.points1.plus": ("+{points:num1}", "+{points:num1}"),
    "advocacy.points1.minus": ("−{points:num1}", "−{points:num1}"),
    "advocacy.skipped.invalid": (
        "{n:int} {n:plural:answer|answers} outside {low}–{high} left out",
        "{n:int} {n:plural:réponse hors|réponses hors} {low}–{high} {n:plural:écartée|écartées}",
    ),
    "advocacy.skipped.missing": (
        "{n:int} empty {n:plural:answer|answers} left out",
        "{n:int} {n:plural:réponse vide écartée|réponses vides écartées}",
    ),
    "advocacy.tail.end": (".", "."),
    "advocacy.tail.skipped": (" ({skipped:list}).", " ({skipped:list})."),
    "advocacy.nps.none": (
        "No valid 0–10 answer, so there is no NPS{tail}",
        "Aucune réponse valide de 0 à 10, donc pas de NPS{tail}",
    ),
    "advocacy.nps.explanation": (
        "NPS {nps} from {n:int} answers: {promoters:pct} promoters, {detractors:pct} "
        "detractors; {level}% CI {low} to {high}{tail}",
        "NPS {nps} sur {n:int} réponses\u00a0: {promoters:pct} de promoteurs, {detractors:pct} "
        "de détracteurs\u00a0; IC à {level}\u00a0% de {low} à {high}{tail}",
    ),
    "advocacy.csat.none": (
        "No valid 1–{scale} answer, so no CSAT{tail}",
        "Aucune réponse valide de 1 à {scale}, donc pas de CSAT{tail}",
    ),
    "advocacy.csat.explanation": (
        "{satisfied:int} of {n:int} answers are {low} or {scale} on 1–{scale} ({rate:pct}){tail}",
        "{satisfied:int} réponses sur {n:int} valent {low} ou {scale} sur 1–{scale} "
        "({rate:pct}){tail}",
    ),
    "advocacy.ces.none": (
        "No valid 1–{scale} answer, so no CES{tail}",
        "Aucune réponse valide de 1 à {scale}, donc pas de CES{tail}",
    ),
    "advocacy.ces.explanation": (
        "Mean effort {mean:num2} on 1–{scale} from {n:int} answers{tail}",
        "Effort moyen de {mean:num2} sur 1–{scale}, sur {n:int} réponses{tail}",
    ),
    "advocacy.referral.rule_flag": (
        "Referred = the '{column}' flag is true.",
        "Recommandé = l'indicateur «\u00a0{column}\u00a0» est vrai.",
    ),
    "advocacy.referral.rule_channel": (
        "Referred = the '{column}' value contains: {words:orlist}.",
        "Recommandé = la valeur de «\u00a0{column}\u00a0» contient\u00a0: {words:orlist}.",
    ),
    "advocacy.referral.none": (
        "There are no customers, so no referral rate.",
        "Il n'y a aucun client, donc pas de taux de recommandation.",
    ),
    "advocacy.referral.explanation": (
        "{referred:int} of {customers:int} customers came through a referral ({rate:pct}).",
        "{referred:int} clients sur {customers:int} sont venus par recommandation ({rate:pct}).",
    ),
    "advocacy.referral.explanation_users": (
        "{referred:int} of {customers:int} users came through a referral ({rate:pct}).",
        "{referred:int} utilisateurs sur {customers:int} sont venus par recommandation "
        "({rate:pct}).",
    ),
    "advocacy.connected.no_survey": (
        "NPS, CSAT and CES need survey answers (one score per answer), which a connected event "
        "table does not hold. To see them, use **Back to the files** in the sidebar and upload "
        "the survey export (a 'score' column, ideally with the answer date and the user id) "
        "with these events on the Data page. The referral rate below is counted in the engine.",
        "Le NPS, le CSAT et le CES ont besoin des réponses à une enquête (un score par "
        "réponse), qu'une table d'événements connectée ne contient pas. Pour les voir, "
        "utilisez **Revenir aux fichiers** dans le volet latéral et importez l'export de "
        "l'enquête (une colonne «\u00a0score\u00a0», idéalement avec la date de réponse et "
        "l'identifiant utilisateur) avec ces événements sur la page Données. Le taux de "
        "recommandation ci-dessous est calculé dans le moteur.",
    ),
    "advocacy.survey_hint": (
        "Upload survey answers (a CSV or Excel file with a 0–10 'score' column, ideally with the "
        "answer date and the user id) to see NPS.",
        "Importez les réponses à une enquête (un fichier CSV ou Excel avec une colonne «\u00a0score"
        "\u00a0» de 0 à 10, idéalement avec la date de réponse et l'identifiant utilisateur) pour "
        "voir le NPS.",
    ),
    "advocacy.note.no_dates": (
        "Add the answer date to the survey file to see NPS over time.",
        "Ajoutez la date de réponse au fichier d'enquête pour suivre le NPS dans le temps.",
    ),
    "advocacy.note.no_segment": (
        "The survey answers have no '{segment}': add the user id to the survey file so that "
        "answers can be joined to the user table.",
        "Les réponses à l'enquête n'ont pas de «\u00a0{segment}\u00a0»\u00a0: ajoutez "
        "l'identifiant utilisateur au fichier d'enquête pour relier les réponses à la table des "
        "utilisateurs.",
    ),
    "advocacy.note.no_referral_column": (
        "Add an acquisition channel (with a 'referral' value) or a referral flag to the user "
        "table to see the referral rate.",
        "Ajoutez un canal d'acquisition (avec une valeur «\u00a0referral\u00a0» ou "
        "«\u00a0parrainage\u00a0») ou un indicateur de recommandation à la table des "
        "utilisateurs pour voir le taux de recommandation.",
    ),
    # ------------------------------------------------------------ charts
    "advocacy.chart.promoters": ("Promoters (9–10)", "Promoteurs (9–10)"),
    "advocacy.chart.passives": ("Passives (7–8)", "Passifs (7–8)"),
    "advocacy.chart.detractors": ("Detractors (0–6)", "Détracteurs (0–6)"),
    "advocacy.chart.share_of_answers": ("Share of answers", "Part des réponses"),
    "advocacy.chart.answers_of": ("Answers of", "Réponses de"),
    "advocacy.chart.group": ("Group", "Groupe"),
    "advocacy.chart.share": ("Share", "Part"),
    "advocacy.chart.answers": ("Answers", "Réponses"),
    "advocacy.chart.period_of_answer": ("Period of the answer", "Période de la réponse"),
    "advocacy.chart.nps_axis": ("NPS (points, −100 to +100)", "NPS (points, de −100 à +100)"),
    "advocacy.chart.period": ("Period", "Période"),
    "advocacy.chart.ci_low": ("95 % CI low", "IC à 95\u00a0%, borne basse"),
    "advocacy.chart.ci_high": ("95 % CI high", "IC à 95\u00a0%, borne haute"),
    "advocacy.chart.over_time_title": ("NPS over time", "Évolution du NPS"),
    "advocacy.chart.over_time_subtitle": (
        "Band: 95 % confidence interval (wide = few answers).",
        "Bande\u00a0: intervalle de confiance à 95\u00a0% (large = peu de réponses).",
    ),
    "advocacy.chart.by_segment_title": ("NPS by {segment}", "NPS par {segment}"),
    "advocacy.chart.by_segment_subtitle": (
        "Lines: 95 % confidence intervals. Dashed: overall NPS.",
        "Traits\u00a0: intervalles de confiance à 95\u00a0%. Pointillés\u00a0: NPS global.",
    ),
    # ------------------------------------------------------------ the Advocacy page
    "advocacy.page.kind": ("The survey score measures", "Le score de l'enquête mesure"),
    "advocacy.page.kind_help": (
        "NPS: 0–10 'would you recommend'. CSAT: satisfaction 1–5 or 1–7. CES: effort 1–7. Read "
        "from the column's name (nps, recommend, csat, satisfaction, ces, effort), or NPS when an "
        "answer is 0 or above 7; otherwise assumed: correct it if needed.",
        "NPS\u00a0: «\u00a0recommanderiez-vous\u00a0» de 0 à 10. CSAT\u00a0: satisfaction de 1 "
        "à 5 ou de 1 à 7. CES\u00a0: effort de 1 à 7. Déduit du nom de la colonne (nps, "
        "recommandation, csat, satisfaction, ces, effort), ou NPS quand une réponse vaut 0 ou "
        "plus de 7\u00a0; sinon supposé\u00a0: corrigez-le si besoin.",
    ),
    "advocacy.page.span": ("{low:num} to {high:num}", "{low:num} à {high:num}"),
    "advocacy.page.assumed": (
        "**Scale assumed: NPS (0–10).** The answers go from {span} and the column *{column}* "
        "does not say what was asked: that fits a 0–10 'would you recommend' question whose "
        "answers happen to stay low, a 1–7 satisfaction (CSAT) or an effort (CES) question. Pick "
        "what the question was above.",
        "**Échelle supposée\u00a0: NPS (0 à 10).** Les réponses vont de {span} et la colonne "
        "*{column}* ne dit pas quelle question a été posée\u00a0: cela correspond aussi bien à "
        "une question «\u00a0recommanderiez-vous\u00a0» de 0 à 10 dont les réponses restent "
        "basses qu'à une question de satisfaction (CSAT) ou d'effort (CES) de 1 à 7. Indiquez "
        "ci-dessus quelle était la question.",
    ),
    "advocacy.page.why_name": ("the column *{column}* says so", "la colonne *{column}* l'indique"),
    "advocacy.page.why_values": (
        "answers go from {span}, which only a 0–10 scale has",
        "les réponses vont de {span}, ce que seule une échelle de 0 à 10 permet",
    ),
    "advocacy.page.read_as": (
        "Read as {kind}: {why}. Change it above if needed.",
        "Lu comme un {kind}\u00a0: {why}. Modifiez-le ci-dessus si besoin.",
    ),
    "advocacy.page.by": ("NPS by", "NPS par"),
    "advocacy.page.by_help": (
        "Segments come from the user table, joined to the answers by user id.",
        "Les segments viennent de la table des utilisateurs, reliée aux réponses par "
        "l'identifiant utilisateur.",
    ),
    "advocacy.page.per": ("NPS per", "NPS par période"),
    "advocacy.page.grain.month": ("month", "mois"),
    "advocacy.page.grain.week": ("week", "semaine"),
    "advocacy.page.nps_points": ("NPS (points)", "NPS (points)"),
    "advocacy.page.ci": (
        "{level}% confidence interval: **{low} to {high}** points",
        "Intervalle de confiance à {level}\u00a0%\u00a0: **{low} à {high}** points",
    ),
    "advocacy.page.valid_answers": ("Valid answers", "Réponses valides"),
    "advocacy.page.all_answers": ("All answers", "Toutes les réponses"),
    "advocacy.page.shares_title": (
        "Promoters, passives and detractors",
        "Promoteurs, passifs et détracteurs",
    ),
    "advocacy.page.overlap": (
        "A segment's NPS differs from another's when their confidence intervals do not overlap "
        "much; small segments have wide intervals.",
        "Le NPS de deux segments diffère quand leurs intervalles de confiance se recouvrent "
        "peu\u00a0; les petits segments ont des intervalles larges.",
    ),
    "advocacy.page.csat_title": ("Customer satisfaction", "Satisfaction client"),
    "advocacy.page.ces_title": ("Customer effort", "Effort client"),
    "advocacy.page.referrals": ("Referrals", "Recommandations"),
    "advocacy.page.referred_customers": ("Referred customers", "Clients recommandés"),
    "advocacy.page.referred_users": ("Referred users", "Utilisateurs recommandés"),
    "advocacy.page.all_customers": ("All customers", "Tous les clients"),
    "advocacy.page.all_users": ("All users", "Tous les utilisateurs"),
    "advocacy.page.referral_caption": ("{explanation} {rule}", "{explanation} {rule}"),
}
