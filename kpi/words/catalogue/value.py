"""Customer value: AOV, revenue per customer, CLV, CAC, CLV/CAC, payback, ROAS (kpi.value and
the Value page)."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    # ------------------------------------------------------------ KPI names and definitions
    # TEMPORARY (h7): the def.* entries of the value KPIs, until the definitions engineer's
    # entries are merged; the lead keeps one copy.
    "def.aov.label": ("Average order value", "Panier moyen"),
    "def.aov.formula": ("Revenue ÷ orders.", "Chiffre d'affaires ÷ commandes."),
    "def.revenue_per_customer.label": ("Revenue per customer", "Chiffre d'affaires par client"),
    "def.revenue_per_customer.formula": (
        "Revenue ÷ customers with at least one order.",
        "Chiffre d'affaires ÷ clients ayant passé au moins une commande.",
    ),
    "def.top_customer_share.label": (
        "Top 10 % revenue share",
        "Part du CA des 10\u00a0% meilleurs clients",
    ),
    "def.top_customer_share.formula": (
        "Revenue of the top 10 % of customers (by revenue) ÷ total revenue.",
        "Chiffre d'affaires des 10\u00a0% meilleurs clients (par chiffre d'affaires) ÷ chiffre "
        "d'affaires total.",
    ),
    "def.clv.label": ("Customer lifetime value (CLV)", "Valeur vie client (CLV)"),
    "def.clv.formula": (
        "Average order value × purchases per customer per year × years of relationship; "
        "purchases per year from each customer's observed history (repeat orders per "
        "customer-year observed, + 1 ÷ years for the first purchase).",
        "Panier moyen × achats par client et par an × années de relation\u00a0; achats par an "
        "tirés de l'historique observé de chaque client (commandes répétées par année-client "
        "observée, + 1 ÷ années pour le premier achat).",
    ),
    "def.observed_clv.label": ("Observed CLV", "CLV observée"),
    "def.observed_clv.formula": (
        "Cumulative revenue of a first-purchase cohort up to month N ÷ customers in the cohort.",
        "Chiffre d'affaires cumulé d'une cohorte de premier achat jusqu'au mois N ÷ clients de "
        "la cohorte.",
    ),
    "def.cac.label": ("Customer acquisition cost (CAC)", "Coût d'acquisition client (CAC)"),
    "def.cac.formula": (
        "Spend of a channel ÷ new customers it brought in the same period (customers whose "
        "first-ever purchase falls in the period; earlier buyers who come back are not new).",
        "Dépenses d'un canal ÷ nouveaux clients apportés sur la même période (clients dont le "
        "tout premier achat tombe dans la période\u00a0; les anciens acheteurs qui reviennent ne "
        "sont pas nouveaux).",
    ),
    "def.clv_cac.label": ("CLV / CAC", "Ratio CLV/CAC"),
    "def.clv_cac.formula": (
        "Customer lifetime value ÷ customer acquisition cost (3 or more is the usual guide).",
        "Valeur vie client ÷ coût d'acquisition client (3:1 ou plus est jugé sain).",
    ),
    "def.payback.label": ("CAC payback", "Délai de retour sur investissement"),
    "def.payback.formula": (
        "CAC ÷ monthly gross revenue per customer: months for a customer to repay their cost.",
        "CAC ÷ chiffre d'affaires brut mensuel par client\u00a0: mois nécessaires pour qu'un "
        "client rembourse son coût d'acquisition.",
    ),
    "def.roas.label": ("Return on ad spend (ROAS)", "Retour sur dépenses publicitaires (ROAS)"),
    "def.roas.formula": (
        "Revenue in the period of all customers from a channel (new and returning) ÷ spend of "
        "that channel in the same period.",
        "Chiffre d'affaires de la période de tous les clients d'un canal (nouveaux et "
        "fidèles) ÷ dépenses de ce canal sur la même période.",
    ),
    # ------------------------------------------------------------ errors and hints
    "value.error.no_revenue": (
        "{what} needs order amounts, and the data has no revenue column.",
        "{what} a besoin des montants des commandes, et les données n'ont pas de colonne de "
        "chiffre d'affaires.",
    ),
    "value.hint.map_revenue": (
        "Map a column (total, amount, price…) to the revenue role on the Data page.",
        "Associez une colonne (total, montant, prix…) au rôle chiffre d'affaires sur la page "
        "Données.",
    ),
    "value.error.top_share": (
        "The top share must be between 0 and 1 (0.1 = top 10 %), not {top}.",
        "La part des meilleurs clients doit être comprise entre 0 et 1 (0,1 = les 10\u00a0% "
        "meilleurs), pas {top}.",
    ),
    "value.error.factor": (
        "The {factor} must be a number of 0 or more (got {value}).",
        "{factor} doit être un nombre positif ou nul (reçu\u00a0: {value}).",
    ),
    "value.factor.aov": ("average order value", "Le panier moyen"),
    "value.factor.per_year": ("purchases per year", "Le nombre d'achats par an"),
    "value.factor.years": ("years of relationship", "La durée de relation (années)"),
    "value.error.negative_spend": (
        "The spend table has negative amounts.",
        "La table des dépenses contient des montants négatifs.",
    ),
    "value.hint.negative_spend": (
        "Check the spend column (refunds?).",
        "Vérifiez la colonne des dépenses (remboursements\u00a0?).",
    ),
    "value.error.empty_spend": (
        "The spend table is empty, so {what} cannot be computed.",
        "La table des dépenses est vide\u00a0: impossible de calculer {what}.",
    ),
    "value.hint.add_spend": (
        "Add an ad-spend export (channel, period, spend).",
        "Ajoutez un export des dépenses publicitaires (canal, période, dépense).",
    ),
    "value.error.margin": (
        "The gross margin must be between 0 and 1 (1 = use revenue), not {margin}.",
        "La marge brute doit être comprise entre 0 et 1 (1 = chiffre d'affaires), pas {margin}.",
    ),
    "value.error.basis": (
        "Unknown CLV basis '{basis}'.",
        "Base de CLV inconnue\u00a0: «\u00a0{basis}\u00a0».",
    ),
    "value.hint.basis": (
        "Choose 'channel' (each channel's own CLV) or 'shop' (one CLV for all).",
        "Choisissez «\u00a0channel\u00a0» (la CLV propre à chaque canal) ou «\u00a0shop\u00a0» "
        "(une seule CLV pour tous).",
    ),
    # what needs a column (subjects of the errors)
    "value.what.aov": ("Average order value", "Le panier moyen"),
    "value.what.revenue_per_customer": ("Revenue per customer", "Le chiffre d'affaires par client"),
    "value.what.top_customer_share": ("Top-customer share", "La part des meilleurs clients"),
    "value.what.clv": ("Customer lifetime value", "La valeur vie client"),
    "value.what.observed_clv": ("Observed CLV", "La CLV observée"),
    "value.what.clv_by": ("CLV by segment", "La CLV par segment"),
    "value.what.new_customers": ("New customers", "Le décompte des nouveaux clients"),
    "value.what.cac": ("acquisition cost", "le coût d'acquisition"),
    "value.what.clv_cac": ("CLV / CAC", "Le ratio CLV/CAC"),
    "value.what.monthly_revenue": (
        "Monthly revenue per customer",
        "Le chiffre d'affaires mensuel par client",
    ),
    "value.what.roas": ("ROAS", "le ROAS"),
    # ------------------------------------------------------------ KPI explanations
    "value.aov.explanation": (
        "{revenue:money} of revenue over {orders:int} orders.",
        "{revenue:money} de chiffre d'affaires sur {orders:int} commandes.",
    ),
    "value.revenue_per_customer.explanation": (
        "{revenue:money} of revenue from {customers:int} customers.",
        "{revenue:money} de chiffre d'affaires pour {customers:int} clients.",
    ),
    "value.top_customer_share.zero_revenue": (
        "Total revenue is zero, so no share exists.",
        "Le chiffre d'affaires total est nul\u00a0: aucune part ne peut être calculée.",
    ),
    "value.top_customer_share.explanation": (
        "The top {top:int} of {customers:int} customers bring {share:pct} of revenue.",
        "Les {top:int} meilleurs clients sur {customers:int} apportent {share:pct} du chiffre "
        "d'affaires.",
    ),
    "value.sentences": ("{first} {rest}", "{first} {rest}"),
    "value.clv.formula": (
        "CLV = AOV × purchases per year × years = {aov:money} × {per_year:num2} × {years:num} = "
        "{clv:money}",
        "CLV = panier moyen × achats par an × années = {aov:money} × {per_year:num2} × "
        "{years:num} = {clv:money}",
    ),
    "value.clv.under_a_day": (
        "The data covers less than a day, so a yearly rate cannot be estimated.",
        "Les données couvrent moins d'une journée\u00a0: impossible d'estimer un rythme annuel.",
    ),
    "value.clv.per_year": (
        "Purchases per year from each customer's own history: {repeats:int} repeat orders over "
        "{customer_years:num1} customer-years observed (each customer from their first purchase "
        "to the end of the data, at least {min_days:int} days) = {repeat:num2} a year, + the "
        "first purchase over {years:num} years = {per_year:num2} per year.",
        "Achats par an tirés de l'historique de chaque client\u00a0: {repeats:int} commandes "
        "répétées sur {customer_years:num1} années-clients observées (chaque client de son "
        "premier achat à la fin des données, au moins {min_days:int} jours) = {repeat:num2} par "
        "an, + le premier achat réparti sur {years:num} ans = {per_year:num2} par an.",
    ),
    "value.clv.extrapolated": (
        "The data covers {days:num0} days: the yearly rate is extrapolated from {days:num0} days.",
        "Les données couvrent {days:num0} jours\u00a0: le rythme annuel est extrapolé à partir "
        "de {days:num0} jours.",
    ),
    "value.clv.extrapolated_short": (
        "extrapolated from {days:num0} days",
        "extrapolée à partir de {days:num0} jours",
    ),
    "value.clv.years_observed": (
        "Years of relationship observed: {years:num2}.",
        "Durée de relation observée\u00a0: {years:num2} ans.",
    ),
    "value.clv.years_default": (
        "The data covers {span_years:num1} years, too short to observe relationships; {years:num} "
        "years assumed (change it if you know better).",
        "Les données couvrent {span_years:num1} an(s), trop peu pour observer la durée de la "
        "relation\u00a0: {years:num} ans supposés (modifiez-la si vous la connaissez).",
    ),
    # ------------------------------------------------------------ acquisition
    "value.note.spend_no_new_customers": (
        "spend but no new customers",
        "des dépenses mais aucun nouveau client",
    ),
    "value.note.no_spend": ("no ad spend", "aucune dépense publicitaire"),
    "value.note.no_spend_no_new_customers": (
        "no spend and no new customers",
        "ni dépense ni nouveau client",
    ),
    "value.note.no_clv": ("no CLV for this channel", "pas de CLV pour ce canal"),
    "value.all_paid_channels": ("All paid channels", "Tous les canaux payants"),
    "value.spend_hint": (
        "Upload an ad-spend export with channel, month and spend columns to see CAC.",
        "Importez un export des dépenses publicitaires (colonnes canal, mois et dépense) pour "
        "voir le CAC.",
    ),
    "value.cac_na.customers_without_channel": (
        "CAC does not apply: customers have no acquisition channel, so spend cannot be matched "
        "to the customers it brought. Upload a user table with a channel column (or map one on "
        "the Data page).",
        "Le CAC ne s'applique pas\u00a0: les clients n'ont pas de canal d'acquisition, les "
        "dépenses ne peuvent donc pas être rapprochées des clients qu'elles ont apportés. "
        "Importez une table des utilisateurs avec une colonne canal (ou associez-en une sur la "
        "page Données).",
    ),
    "value.cac_na.spend_without_channel": (
        "CAC does not apply: the ad-spend file has no channel column, so spend cannot be matched "
        "to the customers each channel brought. Add a channel column to the spend export.",
        "Le CAC ne s'applique pas\u00a0: le fichier des dépenses n'a pas de colonne canal, les "
        "dépenses ne peuvent donc pas être rapprochées des clients de chaque canal. Ajoutez une "
        "colonne canal à l'export des dépenses.",
    ),
    "value.cac_na.no_purchases": (
        "CAC needs purchases: {why}",
        "Le CAC a besoin d'achats\u00a0: {why}",
    ),
    "value.change.aov": (
        "AOV {new:money} ÷ {old:money}",
        "panier moyen {new:money} ÷ {old:money}",
    ),
    "value.change.per_year": (
        "purchases per year {new:num2} ÷ {old:num2}",
        "achats par an {new:num2} ÷ {old:num2}",
    ),
    "value.channel_clv.own": (
        "Per-channel CLV = the channel's own AOV × its own purchases per year × {years:num} "
        "years. Payback per channel uses the channel's own monthly revenue per customer.",
        "CLV par canal = panier moyen du canal × ses propres achats par an × {years:num} ans. "
        "Le délai de retour sur investissement de chaque canal utilise son propre chiffre "
        "d'affaires mensuel par client.",
    ),
    "value.channel_clv.scaled": (
        "Per-channel CLV = the channel's own AOV × its own purchases per year × {years:num} "
        "years, scaled by your change ({changes:list} = × {scale:num}). Payback per channel uses "
        "the channel's own monthly revenue per customer.",
        "CLV par canal = panier moyen du canal × ses propres achats par an × {years:num} ans, "
        "ajustée selon votre modification ({changes:list} = × {scale:num}). Le délai de retour "
        "sur investissement de chaque canal utilise son propre chiffre d'affaires mensuel par "
        "client.",
    ),
    # ------------------------------------------------------------ charts
    "value.chart.channel": ("Channel", "Canal"),
    "value.chart.ratio_axis": (
        "CLV ÷ CAC (how many times a customer repays their cost)",
        "CLV ÷ CAC (combien de fois un client rembourse son coût)",
    ),
    "value.chart.guide": ("{guide:num} : 1 guide", "repère {guide:num}:1"),
    "value.chart.clv_cac_title": ("CLV / CAC per paid channel", "Ratio CLV/CAC par canal payant"),
    "value.chart.clv_cac_subtitle": (
        "Green: at least {guide:num} : 1 (the usual guide). Red: below it.",
        "Vert\u00a0: au moins {guide:num}:1 (jugé sain). Rouge\u00a0: en dessous.",
    ),
}
