"""Red flags (alertes): titles, messages, thresholds and their errors, the thresholds editor."""

from __future__ import annotations

_NB = "\u00a0"  # no-break space (French typography before : ; ? !)

MESSAGES: dict[str, tuple[str, str]] = {
    # ---- red flags: title and message --------------------------------------------------------
    "alerts.level.alert": ("Alert", "Alerte"),
    "alerts.level.warning": ("Warning", "Avertissement"),
    "alerts.low_conversion.title": ("Low conversion rate", "Taux de conversion faible"),
    "alerts.low_conversion": (
        "Conversion rate is {value:pct}, below the {threshold:pct} minimum.",
        "Le taux de conversion est de {value:pct}, sous le seuil minimum de {threshold:pct}.",
    ),
    "alerts.high_cart_abandonment.title": (
        "High cart abandonment",
        "Taux d'abandon de panier élevé",
    ),
    "alerts.high_cart_abandonment": (
        "Cart abandonment is {value:pct}, above the {threshold:pct} threshold.",
        "Le taux d'abandon de panier est de {value:pct}, au-dessus du seuil de {threshold:pct}.",
    ),
    "alerts.high_bounce.title": ("High bounce rate", "Taux de rebond élevé"),
    "alerts.high_bounce.landing": (
        "Bounce rate on landing pages is {value:pct}, above the {threshold:pct} threshold.",
        "Le taux de rebond des pages d'atterrissage est de {value:pct}, au-dessus du seuil de "
        "{threshold:pct}.",
    ),
    "alerts.high_bounce.all": (
        "Bounce rate across all sessions is {value:pct}, above the {threshold:pct} threshold.",
        "Le taux de rebond sur l'ensemble des sessions est de {value:pct}, au-dessus du seuil "
        "de {threshold:pct}.",
    ),
    "alerts.session_duration_drop.title": (
        "Session duration dropped",
        "Baisse de la durée des sessions",
    ),
    "alerts.session_duration_drop.months": (
        "Average session duration fell by {drop:pct} from {from_month:month} to "
        "{to_month:month} ({before_s:dur} to {now_s:dur}), more than the {threshold:pct} "
        "threshold.",
        "La durée moyenne des sessions a baissé de {drop:pct} entre {from_month:month} et "
        "{to_month:month} ({before_s:dur} puis {now_s:dur}), plus que le seuil de "
        "{threshold:pct}.",
    ),
    "alerts.session_duration_drop.previous": (
        "Average session duration fell by {drop:pct} compared with the previous period "
        "({before_s:dur} to {now_s:dur}), more than the {threshold:pct} threshold.",
        "La durée moyenne des sessions a baissé de {drop:pct} par rapport à la période "
        "précédente ({before_s:dur} puis {now_s:dur}), plus que le seuil de {threshold:pct}.",
    ),
    "alerts.weak_step.title": ("Weak step: {step}", "Étape faible" + _NB + ": {step}"),
    "alerts.weak_step": (
        "Only {rate:pct} of users went from {from_step} to {step}, below the {threshold:pct} "
        "minimum.",
        "Seulement {rate:pct} des utilisateurs sont passés de {from_step} à {step}, sous le "
        "seuil minimum de {threshold:pct}.",
    ),
    "alerts.weak_step.by": (
        "Only {rate:pct} of users went from {from_step} to {step} for {segments:list}, below "
        "the {threshold:pct} minimum.",
        "Seulement {rate:pct} des utilisateurs sont passés de {from_step} à {step} pour "
        "{segments:list}, sous le seuil minimum de {threshold:pct}.",
    ),
    "alerts.segment": ("{column} {value}", "{column} {value}"),
    "alerts.step_drop.title": (
        "Funnel step dropped: {step}",
        "Baisse à une étape de l'entonnoir" + _NB + ": {step}",
    ),
    "alerts.step_drop": (
        "Conversion from {from_step} to {step} fell from {before:pct} to {now:pct} vs the "
        "previous period ({test}).",
        "La conversion de {from_step} à {step} est passée de {before:pct} à {now:pct} par "
        "rapport à la période précédente ({test}).",
    ),
    "alerts.step_drop.by": (
        "Conversion from {from_step} to {step} for {segments:list} fell from {before:pct} to "
        "{now:pct} vs the previous period ({test}).",
        "La conversion de {from_step} à {step} pour {segments:list} est passée de {before:pct} "
        "à {now:pct} par rapport à la période précédente ({test}).",
    ),
    "alerts.step_drop_year.title": (
        "Funnel step dropped vs a year before: {step}",
        "Baisse sur un an à une étape de l'entonnoir" + _NB + ": {step}",
    ),
    "alerts.step_drop_year": (
        "Conversion from {from_step} to {step} fell from {before:pct} in the same period a "
        "year before ({period}) to {now:pct} ({test}).",
        "La conversion de {from_step} à {step} est passée de {before:pct} sur la même période "
        "un an plus tôt ({period}) à {now:pct} ({test}).",
    ),
    "alerts.step_drop_year.by": (
        "Conversion from {from_step} to {step} for {segments:list} fell from {before:pct} in "
        "the same period a year before ({period}) to {now:pct} ({test}).",
        "La conversion de {from_step} à {step} pour {segments:list} est passée de "
        "{before:pct} sur la même période un an plus tôt ({period}) à {now:pct} ({test}).",
    ),
    "alerts.test.single": (
        "p = {p:p}, below {alpha:num3}",
        "p = {p:p}, sous le seuil de {alpha:num3}",
    ),
    "alerts.test.single_tiny": (
        "p < 0.0001, below {alpha:num3}",
        "p < 0,0001, sous le seuil de {alpha:num3}",
    ),
    "alerts.test.holm_tiny": (
        "p < 0.0001, Holm-corrected over {family:int} step comparisons, below {alpha:num3}",
        "p < 0,0001, corrigée par Holm sur {family:int} comparaisons d'étapes, sous le seuil "
        "de {alpha:num3}",
    ),
    "alerts.test.holm": (
        "p = {p:p}, Holm-corrected over {family:int} step comparisons, below {alpha:num3}",
        "p = {p:p}, corrigée par Holm sur {family:int} comparaisons d'étapes, sous le seuil "
        "de {alpha:num3}",
    ),
    # ---- thresholds: names, errors -----------------------------------------------------------
    "alerts.threshold.min_conversion": ("minimum conversion", "taux de conversion minimum"),
    "alerts.threshold.max_cart_abandonment": (
        "maximum cart abandonment",
        "taux d'abandon de panier maximum",
    ),
    "alerts.threshold.max_bounce": ("maximum bounce rate", "taux de rebond maximum"),
    "alerts.error.rate_range": (
        "The {threshold} threshold must be between 0 and 1 (got {value:num}).",
        "Le seuil de {threshold} doit être compris entre 0 et 1 (reçu" + _NB + ": {value:num}).",
    ),
    "alerts.hint.rate_fraction": (
        "Give rates as fractions: {example:num} for {example:pct}.",
        "Indiquez les taux en fractions" + _NB + ": {example:num} pour {example:pct}.",
    ),
    "alerts.error.duration_drop_range": (
        "The session duration drop threshold must be between 0 and 1, exclusive (got {value:num}).",
        "Le seuil de baisse de la durée des sessions doit être strictement compris entre 0 et 1 "
        "(reçu" + _NB + ": {value:num}).",
    ),
    "alerts.hint.drop_fraction": (
        "Give it as a fraction: {example:num} for a {example:pct} drop.",
        "Indiquez-le en fraction" + _NB + ": {example:num} pour une baisse de {example:pct}.",
    ),
    "alerts.error.alpha_range": (
        "The significance level must be between 0 and 1 (got {value:num3}).",
        "Le seuil de significativité doit être compris entre 0 et 1 (reçu" + _NB + ": "
        "{value:num3}).",
    ),
    "alerts.hint.alpha": ("{usual:num} is the usual choice.", "{usual:num} est le choix usuel."),
    "alerts.error.step_floor_range": (
        "The minimum step conversion must be between 0 and 1 (got {value:num}).",
        "La conversion minimum par étape doit être comprise entre 0 et 1 (reçu" + _NB + ": "
        "{value:num}).",
    ),
    "alerts.hint.step_floor": (
        "Give it as a fraction, or leave it empty to switch that flag off.",
        "Indiquez-la en fraction, ou laissez-la vide pour désactiver cette alerte.",
    ),
    "alerts.error.funnel_columns": (
        "A funnel table for red flags needs step, users and step_conversion columns.",
        "Une table d'entonnoir pour les alertes doit avoir les colonnes step, users et "
        "step_conversion.",
    ),
    "alerts.error.previous_breakdown": (
        "The previous period's funnel is not broken down by {columns:list}.",
        "L'entonnoir de la période précédente n'est pas ventilé par {columns:list}.",
    ),
    "alerts.hint.same_breakdown": (
        "Break both periods down by the same segment.",
        "Ventilez les deux périodes par le même segment.",
    ),
    # ---- the thresholds editor (Funnel and Stage KPIs pages) ---------------------------------
    "alerts.editor.title": ("Red-flag thresholds", "Seuils d'alerte"),
    "alerts.editor.min_conversion": (
        "Minimum conversion rate (%)",
        "Taux de conversion minimum (%)",
    ),
    "alerts.editor.max_cart_abandonment": (
        "Maximum cart abandonment (%)",
        "Taux d'abandon de panier maximum (%)",
    ),
    "alerts.editor.max_bounce": ("Maximum bounce rate (%)", "Taux de rebond maximum (%)"),
    "alerts.editor.max_session_duration_drop": (
        "Session duration drop (%)",
        "Baisse de la durée des sessions (%)",
    ),
    "alerts.editor.funnel_alpha": (
        "Significance level (funnel step drop)",
        "Seuil de significativité (baisse d'une étape)",
    ),
    "alerts.editor.min_step_conversion": (
        "Minimum step conversion (%, 0 = off)",
        "Conversion par étape minimum (%, 0 = désactivée)",
    ),
    "alerts.editor.caption": (
        "These thresholds apply on every page and in the Excel export.",
        "Ces seuils s'appliquent à toutes les pages et à l'export Excel.",
    ),
    "alerts.doc.off": ("off", "désactivée"),
    "alerts.doc.floor": ("{floor:pct}", "{floor:pct}"),
    "alerts.doc.table": (
        "| flag | level | fires when | threshold |\n"
        "|---|---|---|---|\n"
        "| Low conversion | alert | conversion rate (purchasers / visitors) is below the "
        "minimum | {min_conversion:pct} |\n"
        "| High cart abandonment | warning | cart abandonment (cart users who did not "
        "purchase / cart users) is above the maximum | {max_cart_abandonment:pct} |\n"
        "| High bounce rate | warning | bounce rate on landing pages (all sessions if no "
        "landing step) is above the maximum | {max_bounce:pct} |\n"
        "| Session duration drop | warning | average session duration fell by more than this "
        "from the previous month to the latest | {max_session_duration_drop:pct} |\n"
        "| Funnel step drop | alert | a step's conversion from the previous step fell vs the "
        "previous period, two-proportion test, p Holm-corrected over every step (× segment) "
        "compared < alpha | alpha {funnel_alpha:num3} |\n"
        "| Funnel step drop vs a year before | alert | the same test and correction against the "
        "same period a year before (its dates said), when the data covers all of it | "
        "alpha {funnel_alpha:num3} |\n"
        "| Weak funnel step | warning | a step's conversion from the previous step is below a "
        "floor | {floor} |\n\n"
        "A value exactly at a threshold does not fire.",
        "| alerte | niveau | se déclenche quand | seuil |\n"
        "|---|---|---|---|\n"
        "| Taux de conversion faible | alerte | le taux de conversion (acheteurs / visiteurs) "
        "est sous le minimum | {min_conversion:pct} |\n"
        "| Abandon de panier élevé | avertissement | le taux d'abandon de panier (utilisateurs "
        "ayant ajouté au panier sans acheter / utilisateurs ayant ajouté au panier) dépasse le "
        "maximum | {max_cart_abandonment:pct} |\n"
        "| Taux de rebond élevé | avertissement | le taux de rebond des pages d'atterrissage "
        "(toutes les sessions sans étape d'atterrissage) dépasse le maximum | "
        "{max_bounce:pct} |\n"
        "| Baisse de la durée des sessions | avertissement | la durée moyenne des sessions a "
        "baissé de plus que ce seuil entre le mois précédent et le dernier mois | "
        "{max_session_duration_drop:pct} |\n"
        "| Baisse à une étape de l'entonnoir | alerte | la conversion depuis l'étape "
        "précédente a baissé par rapport à la période précédente, test de deux proportions, "
        "p corrigée par Holm sur toutes les étapes (× segments) comparées < alpha | "
        "alpha {funnel_alpha:num3} |\n"
        "| Baisse sur un an à une étape de l'entonnoir | alerte | le même test et la même "
        "correction par rapport à la même période un an plus tôt (ses dates indiquées), quand "
        "les données la couvrent entièrement | alpha {funnel_alpha:num3} |\n"
        "| Étape faible | avertissement | la conversion depuis l'étape précédente est sous un "
        "plancher | {floor} |\n\n"
        "Une valeur exactement égale au seuil ne déclenche pas d'alerte.",
    ),
}
