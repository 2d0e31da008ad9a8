"""Column roles and table shapes in words (the Data page's mapping; role keys stay neutral)."""

from __future__ import annotations

from kpi.words.catalogue._typo import french

MESSAGES: dict[str, tuple[str, str]] = french(
    {
        "ingest_roles.role.user_id": ("User id", "Identifiant utilisateur"),
        "ingest_roles.role.ts": ("Timestamp / date", "Horodatage / date"),
        "ingest_roles.role.step": ("Event / step name", "Événement / nom de l'étape"),
        "ingest_roles.role.session_id": ("Session id", "Identifiant de session"),
        "ingest_roles.role.revenue": ("Revenue / amount", "Chiffre d'affaires / montant"),
        "ingest_roles.role.quantity": ("Quantity", "Quantité"),
        "ingest_roles.role.unit_price": ("Unit price", "Prix unitaire"),
        "ingest_roles.role.order_id": ("Order id", "Numéro de commande"),
        "ingest_roles.role.device": ("Device (segment)", "Appareil (segment)"),
        "ingest_roles.role.channel": ("Channel / source (segment)", "Canal / source (segment)"),
        "ingest_roles.role.variant": ("A/B variant (segment)", "Variante A/B (segment)"),
        "ingest_roles.role.cohort": ("Cohort (segment)", "Cohorte (segment)"),
        "ingest_roles.role.signup": (
            "Signup / first-seen date",
            "Date d'inscription / de première visite",
        ),
        "ingest_roles.role.segment": ("Other segment", "Autre segment"),
        "ingest_roles.role.converted": (
            "Converted flag (outcome)",
            "Indicateur de conversion (résultat)",
        ),
        "ingest_roles.role.step_flag": (
            "Step column (wide table)",
            "Colonne d'étape (tableau large)",
        ),
        "ingest_roles.role.spend": ("Ad spend", "Dépenses publicitaires"),
        "ingest_roles.role.impressions": ("Impressions", "Impressions"),
        "ingest_roles.role.clicks": ("Clicks", "Clics"),
        "ingest_roles.role.score": ("Survey score (NPS/CSAT)", "Note d'enquête (NPS/CSAT)"),
        "ingest_roles.role.count": (
            "Count (aggregated users/sessions)",
            "Comptage (utilisateurs/sessions agrégés)",
        ),
        "ingest_roles.role.rate": ("Rate (aggregated)", "Taux (agrégé)"),
        "ingest_roles.role.period": ("Period (month/week)", "Période (mois/semaine)"),
        "ingest_roles.role.metric": ("Numeric metric", "Mesure numérique"),
        "ingest_roles.role.stage": (
            "Pipeline stage (CRM lifecycle / deal stage)",
            "Étape du pipeline (cycle de vie CRM / étape de la transaction)",
        ),
        "ingest_roles.role.ignore": ("Ignore", "Ignorer"),
        "ingest_roles.kind.events": (
            "event log (one row per event)",
            "journal d'événements (une ligne par événement)",
        ),
        "ingest_roles.kind.orders": (
            "orders / transaction lines",
            "commandes / lignes de transaction",
        ),
        "ingest_roles.kind.users": (
            "user table (one row per user)",
            "table des utilisateurs (une ligne par utilisateur)",
        ),
        "ingest_roles.kind.wide": (
            "wide table (one row per user, one column per step)",
            "tableau large (une ligne par utilisateur, une colonne par étape)",
        ),
        "ingest_roles.kind.spend": ("ad-spend export", "export de dépenses publicitaires"),
        "ingest_roles.kind.survey": ("survey answers", "réponses à une enquête"),
        "ingest_roles.kind.counts": ("aggregated counts", "comptages agrégés"),
        "ingest_roles.kind.contacts": (
            "CRM contacts / deals (one row per contact, a pipeline stage)",
            "contacts / transactions CRM (une ligne par contact, une étape du pipeline)",
        ),
        "ingest_roles.kind.unusable": (
            "not usable yet: {reason}",
            "pas encore utilisable : {reason}",
        ),
        "ingest_roles.pair": ("{role} = {column}", "{role} = {column}"),
        "ingest_roles.understood": ("{pairs:list}", "{pairs:list}"),
    }
)
