"""KPI names and their definitions in words (the ⓘ of every card, the workbook's Definitions).

``def.<code>.label`` and ``def.<code>.formula`` for every KPI code of every module's
``DEFINITIONS`` (:func:`kpi.definitions.all_definitions`); French in the analysts' terms of
``notes/french.md``.
"""

from __future__ import annotations

_NB = "\u00a0"  # no-break space (French typography: before : ; ? ! and inside « »)
_GA4 = "session_start, first_visit, first_open et user_engagement"


def _fr(text: str) -> str:
    """French typography: a no-break space before ``:`` ``;`` ``?`` ``!`` and inside « »."""
    for mark in (":", ";", "?", "!"):
        text = text.replace(f" {mark}", f"{_NB}{mark}")
    return text.replace("« ", f"«{_NB}").replace(" »", f"{_NB}»").replace(" %", f"{_NB}%")


_DEFS: dict[str, tuple[tuple[str, str], tuple[str, str]]] = {
    # ---- funnel (kpi.funnel)
    "conversion": (
        ("Conversion", "Conversion"),
        (
            "Users who reached the step ÷ users who did the first step (in order, within the "
            "conversion window measured from the first step).",
            "Utilisateurs ayant atteint l'étape ÷ utilisateurs ayant fait la première étape "
            "(dans l'ordre, dans la fenêtre de conversion mesurée depuis la première étape).",
        ),
    ),
    "step_conversion": (
        ("Step conversion", "Conversion par étape"),
        (
            "Users who reached the step ÷ users who reached the previous step.",
            "Utilisateurs ayant atteint l'étape ÷ utilisateurs ayant atteint l'étape précédente.",
        ),
    ),
    "drop_off": (
        ("Drop-off", "Abandon"),
        (
            "Users who reached the previous step − users who reached the step; the drop-off "
            "rate is that number ÷ users who reached the previous step.",
            "Utilisateurs ayant atteint l'étape précédente − utilisateurs ayant atteint "
            "l'étape ; le taux d'abandon est ce nombre ÷ utilisateurs ayant atteint l'étape "
            "précédente.",
        ),
    ),
    "time_to_convert": (
        ("Time to convert", "Délai de conversion"),
        (
            "Time from the first step to the last step in each converting user's best attempt "
            "(the attempt with the latest start); median and 90th percentile over those users.",
            "Temps entre la première et la dernière étape dans la meilleure tentative de chaque "
            "utilisateur converti (la tentative commencée le plus tard) ; médiane et 90e "
            "centile sur ces utilisateurs.",
        ),
    ),
    # ---- awareness (kpi.stages)
    "sessions": (
        ("Sessions", "Sessions"),
        (
            "Number of distinct sessions (user_id, session_id pairs).",
            "Nombre de sessions distinctes (paires user_id, session_id).",
        ),
    ),
    "users": (
        ("Users", "Utilisateurs"),
        (
            "Number of distinct users (user_id) with at least one event.",
            "Nombre d'utilisateurs distincts (user_id) ayant au moins un événement.",
        ),
    ),
    "new_users": (
        ("New users", "Nouveaux utilisateurs"),
        (
            "Users whose first-ever event (first-seen date) falls in the period, which starts "
            "on the day of the earliest event. Without earlier history every user of the data "
            "counts as new.",
            "Utilisateurs dont le tout premier événement (date de première visite) tombe dans "
            "la période, qui commence le jour du premier événement. Sans historique antérieur, "
            "chaque utilisateur des données compte comme nouveau.",
        ),
    ),
    "bounce_rate": (
        ("Bounce rate", "Taux de rebond"),
        (
            "Single-page sessions / sessions (a session with at most one event bounced; GA4's "
            "session_start, first_visit, first_open and user_engagement markers are not pages).",
            "Sessions d'une seule page ÷ sessions (une session d'au plus un événement est un "
            f"rebond ; les marqueurs GA4 {_GA4} ne sont pas des pages).",
        ),
    ),
    "bounce_rate_landing": (
        ("Bounce rate on landing pages", "Taux de rebond des pages d'atterrissage"),
        (
            "Single-page sessions / sessions, counting only sessions whose first event is the "
            "landing step.",
            "Sessions d'une seule page ÷ sessions, en ne comptant que les sessions dont le "
            "premier événement est l'étape d'atterrissage.",
        ),
    ),
    "pages_per_session": (
        ("Pages per session", "Pages par session"),
        (
            "Events / sessions (each event is read as one page or screen view; GA4's "
            "session_start, first_visit, first_open and user_engagement markers are not "
            "counted).",
            "Événements ÷ sessions (chaque événement compte comme une page ou un écran vu ; "
            f"les marqueurs GA4 {_GA4} ne sont pas comptés).",
        ),
    ),
    "avg_time_on_site": (
        ("Average time on site", "Temps moyen passé sur le site"),
        (
            "Mean over sessions of (last event time − first event time), in seconds; a "
            "one-event session counts as 0 s.",
            "Moyenne sur les sessions de (heure du dernier événement − heure du premier "
            "événement), en secondes ; une session d'un seul événement compte pour 0 s.",
        ),
    ),
    "impressions": (
        ("Impressions", "Impressions"),
        (
            "Sum of ad impressions in the spend file.",
            "Somme des impressions publicitaires du fichier de dépenses.",
        ),
    ),
    "reach": (
        ("Reach", "Portée"),
        (
            "Sum of the reach column of the spend file (people reached; summed over rows, so a "
            "person reached in two periods counts twice).",
            "Somme de la colonne de portée (reach) du fichier de dépenses (personnes touchées ; "
            "additionnée sur les lignes, une personne touchée sur deux périodes compte donc "
            "deux fois).",
        ),
    ),
    "clicks": (
        ("Clicks", "Clics"),
        (
            "Sum of ad clicks in the spend file.",
            "Somme des clics publicitaires du fichier de dépenses.",
        ),
    ),
    "ctr": (
        ("Click-through rate", "Taux de clics (CTR)"),
        ("Clicks / impressions.", "Clics ÷ impressions."),
    ),
    "organic_share": (
        ("Organic share of traffic", "Part du trafic organique"),
        (
            "Sessions (users when there are no sessions) whose channel says organic "
            "('organic', 'organique', 'naturel' or 'SEO') / all sessions (users). The channel "
            "is the user's first-touch channel.",
            "Sessions (utilisateurs quand il n'y a pas de sessions) dont le canal indique "
            "l'organique (« organic », « organique », « naturel » ou « SEO ») ÷ toutes les "
            "sessions (tous les utilisateurs). Le canal est celui du premier contact de "
            "l'utilisateur.",
        ),
    ),
    # ---- consideration
    "product_page_views": (
        ("Product page views", "Vues de fiches produit"),
        (
            "Number of events of the product-view step.",
            "Nombre d'événements de l'étape fiche produit.",
        ),
    ),
    "engagement_rate": (
        ("Engagement rate", "Taux d'engagement"),
        (
            "Engaged users / users. A user is engaged with at least 2 events (GA4's "
            "session_start, first_visit, first_open and user_engagement markers not counted), "
            "or at least one event of an interaction step (product view, add to cart, checkout "
            "or purchase; without a landing step a product view is how visitors arrive, so it "
            "does not count alone).",
            "Utilisateurs engagés ÷ utilisateurs. Un utilisateur est engagé avec au moins "
            f"2 événements (hors marqueurs GA4 {_GA4}), ou au moins un événement d'une étape "
            "d'interaction (vue produit, ajout au panier, paiement ou achat ; sans étape "
            "d'atterrissage, la fiche produit est la porte d'entrée des visiteurs et ne compte "
            "donc pas seule).",
        ),
    ),
    "lead_conversion": (
        ("Lead conversion rate", "Taux de conversion des leads"),
        (
            "Customers ÷ leads (lead and customer steps, or a lifecycle-stage column: leads "
            "are contacts at stage Lead or beyond, customers at Customer or beyond).",
            "Clients ÷ leads (étapes lead et client, ou colonne d'étape du cycle de vie : les "
            "leads sont les contacts à l'étape Lead ou au-delà, les clients à l'étape Client "
            "ou au-delà).",
        ),
    ),
    # ---- decision
    "conversion_rate": (
        ("Conversion rate", "Taux de conversion"),
        (
            "Users who purchased / users (visitors).",
            "Utilisateurs ayant acheté ÷ utilisateurs (visiteurs).",
        ),
    ),
    "purchasers": (
        ("Purchasers", "Acheteurs"),
        (
            "Distinct users with at least one purchase.",
            "Utilisateurs distincts ayant au moins un achat.",
        ),
    ),
    "orders": (
        ("Orders", "Commandes"),
        (
            "Distinct order ids of purchase events (a purchase without an order id is one order).",
            "Numéros de commande distincts des événements d'achat (un achat sans numéro de "
            "commande compte pour une commande).",
        ),
    ),
    "revenue": (
        ("Revenue", "Chiffre d'affaires"),
        (
            "Sum of revenue of purchase events.",
            "Somme du chiffre d'affaires des événements d'achat.",
        ),
    ),
    "aov": (
        ("Average order value", "Panier moyen"),
        ("Revenue ÷ orders.", "Chiffre d'affaires ÷ commandes."),
    ),
    "cart_abandonment": (
        ("Cart abandonment rate", "Taux d'abandon de panier"),
        (
            "Users who added to cart and did not purchase / users who added to cart (a "
            "purchaser who never added to cart does not lower it, so it is not 1 − purchasers "
            "/ carts).",
            "Utilisateurs ayant ajouté au panier sans acheter ÷ utilisateurs ayant ajouté au "
            "panier (un acheteur qui n'est jamais passé par le panier ne le fait pas baisser : "
            "ce n'est donc pas 1 − acheteurs ÷ paniers).",
        ),
    ),
    "revenue_per_visitor": (
        ("Revenue per visitor", "Revenu par visiteur"),
        (
            "Revenue / users (visitors).",
            "Chiffre d'affaires ÷ utilisateurs (visiteurs).",
        ),
    ),
    "time_to_convert_median": (
        ("Median time from first visit to purchase", "Délai médian entre première visite et achat"),
        (
            "Median over purchasers of (first purchase time − first event time), in seconds, "
            "counting only purchasers with an event other than a purchase at or before their "
            "first purchase (for the others the first visit is not in the data). Not the "
            "funnel's time to convert, which runs from the funnel's first step within one "
            "attempt.",
            "Médiane sur les acheteurs de (heure du premier achat − heure du premier "
            "événement), en secondes, en ne comptant que les acheteurs ayant un événement autre "
            "qu'un achat avant leur premier achat ou au même moment (pour les autres, la "
            "première visite n'est pas dans les données). Ce n'est pas le délai de conversion "
            "de l'entonnoir, mesuré depuis sa première étape au sein d'une même tentative.",
        ),
    ),
    "time_to_convert_mean": (
        ("Average time from first visit to purchase", "Délai moyen entre première visite et achat"),
        (
            "Mean over purchasers of (first purchase time − first event time), in seconds, "
            "counting only purchasers with a non-purchase event at or before their first "
            "purchase.",
            "Moyenne sur les acheteurs de (heure du premier achat − heure du premier "
            "événement), en secondes, en ne comptant que les acheteurs ayant un événement autre "
            "qu'un achat avant leur premier achat ou au même moment.",
        ),
    ),
    # ---- CRM pipelines (kpi.pipeline)
    "contacts": (
        ("Contacts", "Contacts"),
        (
            "Rows of the contacts table (distinct contact ids).",
            "Lignes de la table des contacts (identifiants de contact distincts).",
        ),
    ),
    "customers": (
        ("Customers", "Clients"),
        (
            "Contacts at the Customer stage or beyond (deal pipeline: Closed Won).",
            "Contacts à l'étape Client ou au-delà (pipeline d'affaires : affaire gagnée).",
        ),
    ),
    "won_deal_value": (
        ("Won deal value", "Valeur des affaires gagnées"),
        (
            "Sum of the amount over customers (contacts at Customer or beyond, or Closed Won).",
            "Somme des montants des clients (contacts à l'étape Client ou au-delà, ou affaires "
            "gagnées).",
        ),
    ),
    "avg_deal_value": (
        ("Average deal value", "Valeur moyenne d'une affaire"),
        (
            "Won deal value ÷ customers with an amount.",
            "Valeur des affaires gagnées ÷ clients ayant un montant.",
        ),
    ),
    "open_pipeline_value": (
        ("Open pipeline value", "Valeur du pipeline ouvert"),
        (
            "Sum of the amount over contacts neither won nor lost (deals still open).",
            "Somme des montants des contacts ni gagnés ni perdus (affaires encore ouvertes).",
        ),
    ),
    "win_rate": (
        ("Win rate", "Taux de closing"),
        (
            "Closed Won ÷ (Closed Won + Closed Lost): closed deals only.",
            "Affaires gagnées ÷ (gagnées + perdues) : affaires clôturées uniquement.",
        ),
    ),
    # ---- retention (kpi.retention)
    "cohort_retention": (
        ("Cohort retention", "Rétention de cohorte"),
        (
            "Users of a cohort who came back in period N (or, 'on or after', in N or later) ÷ "
            "users in the cohort. Cohort = calendar period of the user's first start event.",
            "Utilisateurs d'une cohorte revenus à la période N (ou, « à partir de », en N ou "
            "plus tard) ÷ utilisateurs de la cohorte. Cohorte = période calendaire du premier "
            "événement de départ de l'utilisateur.",
        ),
    ),
    "weighted_retention": (
        ("Average retention (weighted)", "Rétention moyenne (pondérée)"),
        (
            "Sum of retained users ÷ sum of cohort sizes over the cohorts whose period N is "
            "complete (bigger cohorts weigh more).",
            "Somme des utilisateurs retenus ÷ somme des tailles de cohorte, sur les cohortes "
            "dont la période N est complète (les grandes cohortes pèsent davantage).",
        ),
    ),
    "repeat_purchase_rate": (
        ("Repeat-purchase rate", "Taux d'achat répété"),
        (
            "Customers with 2 or more orders ÷ customers with at least one order.",
            "Clients ayant 2 commandes ou plus ÷ clients ayant au moins une commande.",
        ),
    ),
    "purchase_frequency": (
        ("Purchase frequency", "Fréquence d'achat"),
        (
            "Orders ÷ customers over the period (orders = distinct order ids, else purchase "
            "events).",
            "Commandes ÷ clients sur la période (commandes = numéros de commande distincts, "
            "sinon événements d'achat).",
        ),
    ),
    "churn": (
        ("Churn rate", "Taux de churn"),
        (
            "Customers lost during the period ÷ customers at its start. At start = last "
            "activity before the period within the inactivity limit; lost = no activity during "
            "the period.",
            "Clients perdus pendant la période ÷ clients au début de la période. Au début = "
            "dernière activité avant la période, dans la limite d'inactivité ; perdu = aucune "
            "activité pendant la période.",
        ),
    ),
    "retention_rate": (
        ("Customer retention rate", "Taux de rétention client"),
        (
            "1 − churn rate: customers at the start of the period who were active again during "
            "it ÷ customers at its start.",
            "1 − taux de churn : clients du début de la période de nouveau actifs pendant "
            "celle-ci ÷ clients au début de la période.",
        ),
    ),
    # ---- value (kpi.value)
    "revenue_per_customer": (
        ("Revenue per customer", "Revenu par client"),
        (
            "Revenue ÷ customers with at least one order.",
            "Chiffre d'affaires ÷ clients ayant au moins une commande.",
        ),
    ),
    "top_customer_share": (
        ("Top-customer revenue share", "Part du chiffre d'affaires des meilleurs clients"),
        (
            "Revenue of the top 10 % of customers (by revenue) ÷ total revenue.",
            "Chiffre d'affaires des 10 % meilleurs clients (par chiffre d'affaires) ÷ chiffre "
            "d'affaires total.",
        ),
    ),
    "clv": (
        ("Customer lifetime value (CLV)", "Valeur vie client (CLV)"),
        (
            "Average order value × purchases per customer per year × years of relationship; "
            "purchases per year from each customer's observed history (repeat orders per "
            "customer-year observed, + 1 ÷ years for the first purchase).",
            "Panier moyen × achats par client et par an × années de relation ; achats par an "
            "tirés de l'historique observé de chaque client (commandes répétées par "
            "année-client observée, + 1 ÷ années pour le premier achat).",
        ),
    ),
    "observed_clv": (
        ("Observed CLV", "CLV observée"),
        (
            "Cumulative revenue of a first-purchase cohort up to month N ÷ customers in the "
            "cohort.",
            "Chiffre d'affaires cumulé d'une cohorte de premier achat jusqu'au mois N ÷ clients "
            "de la cohorte.",
        ),
    ),
    "cac": (
        ("Customer acquisition cost (CAC)", "Coût d'acquisition client (CAC)"),
        (
            "Spend of a channel ÷ new customers it brought in the same period (customers whose "
            "first-ever purchase falls in the period; earlier buyers who come back are not "
            "new).",
            "Dépenses d'un canal ÷ nouveaux clients qu'il a apportés sur la même période "
            "(clients dont le tout premier achat tombe dans la période ; les anciens acheteurs "
            "qui reviennent ne sont pas nouveaux).",
        ),
    ),
    "clv_cac": (
        ("CLV / CAC", "Ratio CLV/CAC"),
        (
            "Customer lifetime value ÷ customer acquisition cost (3 or more is the usual guide).",
            "Valeur vie client ÷ coût d'acquisition client (3 ou plus est le repère habituel).",
        ),
    ),
    "payback": (
        ("CAC payback", "Délai de retour sur investissement du CAC"),
        (
            "CAC ÷ monthly gross revenue per customer: months for a customer to repay their cost.",
            "CAC ÷ chiffre d'affaires brut mensuel par client : nombre de mois pour qu'un "
            "client rembourse ce qu'il a coûté.",
        ),
    ),
    "roas": (
        ("Return on ad spend (ROAS)", "Retour sur dépenses publicitaires (ROAS)"),
        (
            "Revenue in the period of all customers from a channel (new and returning) ÷ spend "
            "of that channel in the same period.",
            "Chiffre d'affaires sur la période de tous les clients d'un canal (nouveaux et "
            "récurrents) ÷ dépenses de ce canal sur la même période.",
        ),
    ),
    # ---- advocacy (kpi.advocacy)
    "nps": (
        ("Net Promoter Score (NPS)", "Net Promoter Score (NPS)"),
        (
            "Share of promoters (9–10) − share of detractors (0–6) among valid 0–10 answers; "
            "shown from −100 to +100.",
            "Part des promoteurs (9–10) − part des détracteurs (0–6) parmi les réponses "
            "valides de 0 à 10 ; affiché de −100 à +100.",
        ),
    ),
    "csat": (
        ("Customer satisfaction (CSAT)", "Score de satisfaction client (CSAT)"),
        (
            "Answers in the top two boxes (4–5 on a 1–5 scale, 6–7 on 1–7) ÷ valid answers.",
            "Réponses dans les deux meilleures notes (4–5 sur une échelle de 1 à 5, 6–7 sur "
            "1 à 7) ÷ réponses valides.",
        ),
    ),
    "ces": (
        ("Customer effort score (CES)", "Customer Effort Score (CES)"),
        (
            "Mean of the valid effort answers (1–7 or 1–5; the scale's wording says which end "
            "is easy).",
            "Moyenne des réponses d'effort valides (1–7 ou 1–5 ; le libellé de l'échelle dit "
            "quelle extrémité est facile).",
        ),
    ),
    "referral_rate": (
        ("Referral rate", "Taux de recommandation"),
        (
            "Customers who came through a referral (channel or flag) ÷ customers.",
            "Clients venus par une recommandation (canal ou indicateur) ÷ clients.",
        ),
    ),
    # ---- A/B tests (kpi.abtest)
    "ab_conversion_rate": (
        ("Conversion rate (per group)", "Taux de conversion (par groupe)"),
        (
            "Visitors who converted / visitors in the group; 95 % interval by Wilson's score "
            "method.",
            "Visiteurs ayant converti ÷ visiteurs du groupe ; intervalle à 95 % par la "
            "méthode du score de Wilson.",
        ),
    ),
    "ab_abs_diff": (
        ("Absolute difference", "Différence absolue"),
        (
            "Conversion rate of B − conversion rate of A, in percentage points; interval by "
            "Newcombe's hybrid score method (from the two Wilson intervals).",
            "Taux de conversion de B − taux de conversion de A, en points de pourcentage ; "
            "intervalle par la méthode hybride du score de Newcombe (à partir des deux "
            "intervalles de Wilson).",
        ),
    ),
    "ab_rel_lift": (
        ("Relative lift", "Hausse relative"),
        (
            "Conversion rate of B / conversion rate of A − 1; interval by Katz's log method "
            "(undefined when a group has no conversions).",
            "Taux de conversion de B ÷ taux de conversion de A − 1 ; intervalle par la méthode "
            "logarithmique de Katz (non défini quand un groupe n'a aucune conversion).",
        ),
    ),
    "ab_p_value": (
        ("p-value", "p-value"),
        (
            "Chance of a difference at least this large if A and B truly convert equally: "
            "pooled two-proportion z-test, two-sided; Fisher's exact test when an expected cell "
            "count is below 5. Significant when below the chosen level (usually 0.05).",
            "Probabilité d'observer une différence au moins aussi grande si A et B convertissent "
            "réellement autant : test z de deux proportions à variance commune, bilatéral ; "
            "test exact de Fisher quand un effectif attendu est inférieur à 5. Significatif "
            "quand elle est sous le seuil choisi (en général 0,05).",
        ),
    ),
    "ab_prob_b_beats_a": (
        ("Probability B beats A", "Probabilité que B batte A"),
        (
            "Posterior probability that B's true rate exceeds A's, with uniform Beta(1, 1) "
            "priors updated by each group's conversions and non-conversions; numerical "
            "integral normalised on the posterior grid, exact to about 1e-15 (checked against "
            "the closed form).",
            "Probabilité a posteriori que le vrai taux de B dépasse celui de A, avec des lois a "
            "priori uniformes Beta(1, 1) mises à jour par les conversions et non-conversions de "
            "chaque groupe ; intégrale numérique normalisée sur la grille a posteriori, exacte "
            "à environ 1e-15 près (vérifiée avec la forme close).",
        ),
    ),
    "ab_expected_loss": (
        ("Expected loss", "Perte espérée"),
        (
            "Average conversion rate given up by choosing a group if the other is truly "
            "better: E[max(rate of other − rate of chosen, 0)] under the Beta(1, 1) "
            "posteriors, exact integral.",
            "Taux de conversion perdu en moyenne en choisissant un groupe si l'autre est "
            "réellement meilleur : E[max(taux de l'autre − taux du groupe choisi, 0)] sous les "
            "lois a posteriori Beta(1, 1), intégrale exacte.",
        ),
    ),
    "ab_srm_p_value": (
        ("Sample-ratio mismatch (SRM) p-value", "p-value du déséquilibre d'échantillon (SRM)"),
        (
            "Chi-square goodness-of-fit test of visitors per group against the planned split; "
            "below 0.01 a warning, below 0.001 an alert (broken assignment or tracking).",
            "Test d'adéquation du khi-deux des visiteurs par groupe à la répartition prévue ; "
            "sous 0,01 un avertissement, sous 0,001 une alerte (affectation ou tracking "
            "défaillant).",
        ),
    ),
    "ab_interval_correction": (
        ("Intervals with several comparisons", "Intervalles avec plusieurs comparaisons"),
        (
            "With Holm-corrected p-values over m comparisons, the intervals of the differences "
            "and lifts are Bonferroni intervals at level 1 − α/m (e.g. 97.5 % for 2 "
            "comparisons), so that they agree with the corrected test (Bonferroni is a little "
            "stricter than Holm: when a Holm-significant difference's interval still includes "
            "0, the verdict says it is borderline); with Benjamini–Hochberg they stay at 1 − α "
            "and are labelled 'not corrected'. Per-group (Wilson) intervals are never "
            "corrected.",
            "Avec des p-values corrigées par Holm sur m comparaisons, les intervalles des "
            "différences et des hausses sont des intervalles de Bonferroni au niveau 1 − α/m "
            "(par exemple 97,5 % pour 2 comparaisons), pour concorder avec le test corrigé "
            "(Bonferroni est un peu plus strict que Holm : quand l'intervalle d'une différence "
            "significative selon Holm contient encore 0, le verdict la dit limite) ; avec "
            "Benjamini–Hochberg, ils restent à 1 − α et sont marqués « non corrigés ». Les "
            "intervalles par groupe (Wilson) ne sont jamais corrigés.",
        ),
    ),
    "ab_power": (
        ("Power (underpowered)", "Puissance (test sous-dimensionné)"),
        (
            "Chance that the test detects a given change: R's power.prop.test, "
            "Φ((|p2 − p1|·√n − z_{{1−α/2}}·√(2·p̄·q̄)) / √(p1·q1 + p2·q2)) with n the smaller "
            "group. 'Underpowered' is said only when the power for the MDE set in the settings "
            "(or, without one, for the observed difference) is below the chosen power, and says "
            "which.",
            "Probabilité que le test détecte un changement donné : power.prop.test de R, "
            "Φ((|p2 − p1|·√n − z_{{1−α/2}}·√(2·p̄·q̄)) / √(p1·q1 + p2·q2)) avec n le plus petit "
            "groupe. « Sous-dimensionné » n'est dit que lorsque la puissance pour l'effet "
            "minimal détectable (MDE) fixé dans les réglages (ou, à défaut, pour la différence "
            "observée) est inférieure à la puissance choisie, et dit laquelle.",
        ),
    ),
    "ab_sample_size": (
        ("Sample size per group", "Taille d'échantillon par groupe"),
        (
            "Visitors needed per group to detect the minimum effect with the chosen power and "
            "significance level, by R's power.prop.test formula (pooled rate, two-sided), "
            "rounded up.",
            "Visiteurs nécessaires par groupe pour détecter l'effet minimal avec la puissance "
            "et le seuil de signification choisis, par la formule de power.prop.test de R "
            "(taux commun, bilatéral), arrondis à l'entier supérieur.",
        ),
    ),
}

MESSAGES: dict[str, tuple[str, str]] = {}
for _code, ((_label_en, _label_fr), (_formula_en, _formula_fr)) in _DEFS.items():
    MESSAGES[f"def.{_code}.label"] = (_label_en, _fr(_label_fr))
    MESSAGES[f"def.{_code}.formula"] = (_formula_en, _fr(_formula_fr))
