"""Why a KPI does not apply to the data (``reason.<code>``, codes of :mod:`kpi.reasons`).

Each message follows the KPI's name ("Conversion rate does not apply: …"), so it starts in
lower case and has no final full stop.
"""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    # orders only: every user in the data bought
    "reason.orders_only": (
        "does not apply: the data holds purchases only, so every user in it bought and the "
        "rate would be 100 % by construction. Add the visits (an event log or a sessions "
        "export) to measure it",
        "ne s'applique pas\u00a0: les données ne contiennent que des achats, tous leurs "
        "utilisateurs ont donc acheté et le taux vaudrait 100\u00a0% par construction. "
        "Ajoutez les visites (un journal d'événements ou un export des sessions) pour le mesurer",
    ),
    "reason.orders_only_per_visitor": (
        "does not apply: the data holds purchases only, so the 'visitors' are the buyers; see "
        "revenue per customer on the Value page",
        "ne s'applique pas\u00a0: les données ne contiennent que des achats, les «\u00a0"
        "visiteurs\u00a0» sont donc les acheteurs\u00a0; voyez le revenu par client sur la "
        "page Valeur",
    ),
    "reason.orders_only_traffic": (
        "does not apply: the data holds purchases only, no visits, so there is no traffic to "
        "split by channel (a Shopify 'Source' is the sales channel: web, POS, draft order). "
        "Add the visits (an event log or a sessions export) to measure it",
        "ne s'applique pas\u00a0: les données ne contiennent que des achats, sans visites\u00a0: "
        "il n'y a donc pas de trafic à répartir par canal (la «\u00a0Source\u00a0» de Shopify "
        "est le canal de vente\u00a0: web, point de vente, commande provisoire). Ajoutez les "
        "visites (un journal d'événements ou un export des sessions) pour la mesurer",
    ),
    "reason.no_visit_before_purchase": (
        "does not apply: no purchaser has an event before their purchase in this data (the "
        "purchase is the only event), so the time from first visit to purchase is unknown, "
        "not 0 s",
        "ne s'applique pas\u00a0: aucun acheteur n'a d'événement avant son achat dans ces "
        "données (l'achat est le seul événement)\u00a0; le délai entre la première visite et "
        "l'achat est donc inconnu, pas de 0\u00a0s",
    ),
    # ad spend and channels
    "reason.no_spend": (
        "needs an ad-spend export (channel, month, spend)",
        "nécessite un export des dépenses publicitaires (canal, mois, dépenses)",
    ),
    "reason.spend_without_channel": (
        "does not apply: the ad-spend file has no channel column, so spend cannot be matched "
        "to the customers each channel brought. Add a channel column to the spend export",
        "ne s'applique pas\u00a0: le fichier des dépenses publicitaires n'a pas de colonne "
        "canal, les dépenses ne peuvent donc pas être rapprochées des clients apportés par "
        "chaque canal. Ajoutez une colonne canal à l'export des dépenses",
    ),
    "reason.customers_without_channel": (
        "does not apply: customers have no acquisition channel, so spend cannot be matched to "
        "the customers it brought. Upload a user table with a channel column (or map one on "
        "the Data page)",
        "ne s'applique pas\u00a0: les clients n'ont pas de canal d'acquisition, les dépenses "
        "ne peuvent donc pas être rapprochées des clients qu'elles ont apportés. Importez une "
        "table des utilisateurs avec une colonne canal (ou associez-en une sur la page Données)",
    ),
    "reason.no_purchases": (
        "needs purchases with amounts",
        "nécessite des achats avec leurs montants",
    ),
    # CRM contacts (a pipeline, not visits nor orders)
    "reason.crm_contacts": (
        "does not apply: this is a CRM contacts table (a pipeline of stages), not visits; see "
        "the lead conversion rate",
        "ne s'applique pas\u00a0: ce sont des contacts CRM (un pipeline d'étapes), pas des "
        "visites\u00a0; voyez le taux de conversion des leads",
    ),
    "reason.crm_deals": (
        "does not apply: amounts in a contacts table are deal values, not orders; see won deal "
        "value and average deal value",
        "ne s'applique pas\u00a0: dans une table de contacts, les montants sont des valeurs "
        "d'affaires, pas des commandes\u00a0; voyez la valeur des affaires gagnées et la "
        "valeur moyenne d'une affaire",
    ),
    "reason.deal_pipeline": (
        "does not apply to a deal pipeline (every deal is already a qualified lead); see the "
        "win rate",
        "ne s'applique pas à un pipeline d'affaires (chaque affaire est déjà un lead "
        "qualifié)\u00a0; voyez le taux de closing",
    ),
    "reason.crm_no_amount": (
        "needs an amount (deal value) column in the contacts export",
        "nécessite une colonne de montant (valeur de l'affaire) dans l'export des contacts",
    ),
    "reason.crm_no_customers": (
        "no contact has reached the customer (won) stage in this selection",
        "aucun contact n'a atteint l'étape client (affaire gagnée) dans cette sélection",
    ),
}
