"""Customer value: AOV, revenue per customer, CLV, CAC, CLV/CAC, payback, ROAS (kpi.value and
the Value page)."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    # ------------------------------------------------------------ KPI names and definitions
    # TEMPORARY (h7): the def.* entries of the value KPIs, until the definitions engineer's
    # entries are merged; the lead keeps one copy.
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
    "value.connected.no_spend": (
        "CAC, ROAS, CLV ÷ CAC and payback need the ad spend per channel and month, which a "
        "connected event table does not hold. To see them, use **Back to the files** in the "
        "sidebar and upload an export of these events with the ad-spend file on the Data page.",
        "Le CAC, le ROAS, le ratio CLV ÷ CAC et le délai de rentabilisation ont besoin des "
        "dépenses publicitaires par canal et par mois, qu'une table d'événements connectée ne "
        "contient pas. Pour les voir, utilisez **Revenir aux fichiers** dans le volet latéral "
        "et importez un export de ces événements avec le fichier des dépenses sur la page "
        "Données.",
    ),
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
    "value.chart.customers": ("Customers", "Clients"),
    "value.chart.revenue_per_customer": (
        "Revenue per customer in the view",
        "Chiffre d'affaires par client dans la vue",
    ),
    "value.chart.from": ("From", "De"),
    "value.chart.to": ("To (excluded)", "À (exclu)"),
    "value.chart.largest": ("(the largest, included)", "(le plus grand, inclus)"),
    "value.chart.share_of_customers": ("Share of customers", "Part des clients"),
    "value.chart.distribution_title": (
        "How much each customer spent: customers per revenue bracket",
        "Combien chaque client a dépensé : clients par tranche de chiffre d'affaires",
    ),
    "value.chart.distribution_subtitle": (
        "Revenue of each customer over the view's period, in brackets of equal width.",
        "Chiffre d'affaires de chaque client sur la période de la vue, par tranches de même "
        "largeur.",
    ),
    "value.page.distribution": ("Spend per customer", "Dépense par client"),
    "value.page.distribution_tail": (
        "The last bar gathers the {above:int} biggest customers, from {low:money} up to "
        "{top:money}: it is drawn as wide as the others, so that the rest can be read.",
        "La dernière barre regroupe les {above:int} plus gros clients, de {low:money} jusqu'à "
        "{top:money} : elle est dessinée aussi large que les autres pour que le reste se lise.",
    ),
    "value.page.distribution_caption": (
        "{customers:int} customers of the view, in brackets of {width:money} of revenue.",
        "{customers:int} clients de la vue, par tranches de {width:money} de chiffre d'affaires.",
    ),
    "value.chart.ratio_axis": (
        "CLV ÷ CAC (how many times a customer repays their cost)",
        "CLV ÷ CAC (combien de fois un client rembourse son coût)",
    ),
    "value.chart.clv_cac_title": ("CLV / CAC per paid channel", "Ratio CLV/CAC par canal payant"),
    "value.chart.clv_cac_subtitle": (
        "Green: at least {guide:num0}:1, the generic e-commerce benchmark. Red: below it.",
        "Vert\u00a0: au moins {guide:num0}:1, le repère e-commerce générique. Rouge\u00a0: en "
        "dessous.",
    ),
    "value.chart.benchmark_caption": (
        "Grey line: the generic e-commerce benchmark of 3:1 from the articles Parcours is built "
        "on, not your target. Red dashed line: your CLV/CAC target, when one is set ("
        "Targets, on the Overview or Stage KPIs page).",
        "Ligne grise\u00a0: le repère e-commerce générique de 3:1 tiré des articles dont "
        "Parcours est issu, pas votre objectif. Ligne rouge en pointillés\u00a0: votre objectif "
        "CLV/CAC, s'il est fixé (Objectifs, sur la page Vue d'ensemble ou KPI par étape).",
    ),
    # ------------------------------------------------------------ the Value page
    "value.page.title": ("Customer value", "Valeur client"),
    "value.page.aggregated_what": (
        "customer value (orders per customer, CLV)",
        "la valeur client (commandes par client, CLV)",
    ),
    "value.page.contacts": (
        "This data is a CRM contacts table (a pipeline of stages), not orders: customer value "
        "from orders does not apply. Won deal value, average deal value and the lead conversion "
        "rate are on the **Stage KPIs** page (decision stage).",
        "Ces données sont une table de contacts CRM (un pipeline d'étapes), pas des "
        "commandes\u00a0: la valeur client issue des commandes ne s'applique pas. La valeur des "
        "affaires gagnées, la valeur moyenne d'une affaire et le taux de conversion des leads "
        "sont sur la page **KPI par étape** (étape de décision).",
    ),
    "value.page.needs_orders": (
        "{why} Customer value needs orders with amounts (a revenue column).",
        "{why} La valeur client a besoin de commandes avec leurs montants (une colonne de "
        "chiffre d'affaires).",
    ),
    "value.page.clv_intro": (
        "**{formula}** Each factor is estimated from the data; change any of them.",
        "**{formula}** Chaque facteur est estimé à partir des données\u00a0; vous pouvez les "
        "modifier.",
    ),
    "value.page.years": ("Years of relationship", "Durée de la relation (années)"),
    "value.page.years_help": (
        "How long a customer keeps buying. Short data cannot show it: 3 years is assumed.",
        "Combien de temps un client continue d'acheter. Des données courtes ne le montrent "
        "pas\u00a0: 3 ans sont supposés.",
    ),
    "value.page.aov_help": (
        "From the data: {aov:money} ({formula})",
        "D'après les données\u00a0: {aov:money} ({formula})",
    ),
    "value.page.per_year": ("Purchases per customer per year", "Achats par client et par an"),
    "value.page.per_year_help": (
        "From each customer's own history: repeat orders ÷ the years each customer was observed "
        "(first purchase to the end of the data, at least 30 days), + the first purchase spread "
        "over the years of relationship.",
        "D'après l'historique de chaque client\u00a0: commandes répétées ÷ années d'observation "
        "de chaque client (du premier achat à la fin des données, au moins 30 jours), + le "
        "premier achat réparti sur la durée de la relation.",
    ),
    "value.page.per_year_extrapolated": (
        "Extrapolated from {days:num0} days of data.",
        "Extrapolé à partir de {days:num0} jours de données.",
    ),
    "value.page.basis": ("CLV used for CLV / CAC", "CLV utilisée pour le ratio CLV/CAC"),
    "value.page.basis.channel": ("per channel", "par canal"),
    "value.page.basis.shop": ("one for all", "une pour tous"),
    "value.page.basis_help": (
        "Each channel's own AOV and purchase frequency (with the years above), or the one CLV "
        "above for every channel.",
        "Le panier moyen et la fréquence d'achat propres à chaque canal (avec la durée "
        "ci-dessus), ou la CLV ci-dessus pour tous les canaux.",
    ),
    "value.page.headline_extrapolated": ("{formula} ({note})", "{formula} ({note})"),
    "value.page.you_changed": (
        "You changed a factor: the CLV above uses your value, not the data's estimate.",
        "Vous avez modifié un facteur\u00a0: la CLV ci-dessus utilise votre valeur, pas "
        "l'estimation tirée des données.",
    ),
    "value.page.clv_extrapolated": ("CLV ({note})", "CLV ({note})"),
    "value.page.observed_title": (
        "Observed CLV: what customers have really spent so far",
        "CLV observée\u00a0: ce que les clients ont réellement dépensé jusqu'ici",
    ),
    "value.page.no_observed": (
        "No first-purchase cohort for this view.",
        "Aucune cohorte de premier achat pour cette vue.",
    ),
    "value.page.observed_chart": (
        "Cumulative revenue per customer, by month of first purchase",
        "Chiffre d'affaires cumulé par client, par mois de premier achat",
    ),
    "value.page.first_purchase": ("First purchase", "Premier achat"),
    "value.page.revenue_so_far": ("Revenue per customer so far", "CA par client à ce jour"),
    "value.page.definition": ("{name}: {formula}", "{name}\u00a0: {formula}"),
    "value.page.acquisition": ("Acquisition cost and return", "Coût d'acquisition et retour"),
    "value.page.hidden_by_filter": (
        "CAC, ROAS, CLV / CAC and payback are hidden because the view is filtered by "
        "{segments:list}. Ad spend is known per channel and month only, not per {segments:list}, "
        "so dividing it by the new customers of this filter would overstate CAC. Remove the "
        "{segments:list} filter in the sidebar (a channel filter and the period are fine: CAC is "
        "per channel).",
        "Le CAC, le ROAS, le ratio CLV/CAC et le délai de retour sur investissement sont masqués "
        "car la vue est filtrée par {segments:list}. Les dépenses publicitaires ne sont connues "
        "que par canal et par mois, pas par {segments:list}\u00a0: les diviser par les nouveaux "
        "clients de ce filtre surestimerait le CAC. Retirez le filtre {segments:list} dans la "
        "barre latérale (un filtre sur le canal et la période conviennent\u00a0: le CAC est "
        "calculé par canal).",
    ),
    "value.page.cac_all": ("CAC (all paid channels)", "CAC (tous les canaux payants)"),
    "value.page.cac_caption": (
        "{spend:money} spent ÷ {new:int} new customers.",
        "{spend:money} dépensés ÷ {new:int} nouveaux clients.",
    ),
    "value.page.roas_caption": (
        "{revenue:money} of revenue from paid channels.",
        "{revenue:money} de chiffre d'affaires issu des canaux payants.",
    ),
    "value.page.clv_cac_caption": (
        "CLV above ÷ CAC of all paid channels.",
        "CLV ci-dessus ÷ CAC de l'ensemble des canaux payants.",
    ),
    "value.page.payback_caption": (
        "At {monthly:money} of revenue per customer per month (all customers).",
        "Sur la base de {monthly:money} de chiffre d'affaires par client et par mois (tous les "
        "clients).",
    ),
    "value.page.below_guide": (
        "Below the {guide:num} : 1 guide: **{channels:list}**. These customers cost more than a "
        "third of what they bring over their lifetime.",
        "Sous le repère de {guide:num}:1\u00a0: **{channels:list}**. Ces clients coûtent plus "
        "du tiers de ce qu'ils rapportent sur toute leur vie de client.",
    ),
    "value.page.col.spend": ("Spend", "Dépenses"),
    "value.page.col.new_customers": ("New customers", "Nouveaux clients"),
    "value.page.col.revenue": ("Revenue", "Chiffre d'affaires"),
    "value.page.col.meets_guide": ("≥ {guide:num} : 1", "≥ {guide:num}:1"),
    "value.page.col.payback": ("Payback (months)", "Retour sur investissement (mois)"),
    "value.page.col.note": ("Note", "Remarque"),
    "value.page.one_clv": (
        "One CLV for every channel (the CLV above); payback at the shop's monthly revenue.",
        "Une seule CLV pour tous les canaux (celle ci-dessus)\u00a0; délai de retour calculé sur "
        "le chiffre d'affaires mensuel de la boutique.",
    ),
    "value.page.acquisition_definitions": (
        "{cac}: {cac_formula} New customers are matched to the spend by their channel (first "
        "touch) and the month of their first-ever purchase. {roas}: {roas_formula} {payback}: "
        "{payback_formula}",
        "{cac}\u00a0: {cac_formula} Les nouveaux clients sont rapprochés des dépenses par leur "
        "canal (premier contact) et le mois de leur tout premier achat. {roas}\u00a0: "
        "{roas_formula} {payback}\u00a0: {payback_formula}",
    ),
}
