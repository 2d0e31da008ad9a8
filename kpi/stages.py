"""Customer-journey stage KPIs (awareness, consideration, decision): the stable names.

The computation lives in :mod:`kpi.journey`, one concept per module (the KPI value, each
stage, the comparison with the previous period, the per-segment table, monthly session
durations); this module keeps the names callers use (``kpi.stages.stage_kpis``, ``Kpi``,
``compare``, ``stage_kpis_by``, ``orders_only``, ``ADDITIVE``, ``DEFINITIONS``,
``monthly_session_duration``) and the vocabulary of step names (:data:`STEP_SYNONYMS`,
:func:`detect_steps`, :func:`purchase_step`).

Every KPI is returned as a :class:`Kpi`, also when it cannot be computed: ``available`` is then
False and ``missing`` is a fact saying which column or file would unlock it (or, for a KPI that
does not apply to the data, ``reason`` is a code of :mod:`kpi.reasons`), so that the page can
show "needs a session_id column" instead of an empty tile, in the reader's language.
Definitions and conventions: :mod:`kpi.journey.definitions`.
"""

from __future__ import annotations

import re

from kpi.dataset import Dataset
from kpi.journey.awareness import ORGANIC
from kpi.journey.by_segment import ADDITIVE, stage_kpis_by
from kpi.journey.definitions import DEFINITIONS
from kpi.journey.inputs import GA4_MARKERS, orders_only
from kpi.journey.kpi import Kpi
from kpi.journey.kpis import stage_kpis
from kpi.journey.previous import compare
from kpi.journey.sessions import monthly_session_duration

__all__ = [
    "ADDITIVE",
    "DEFINITIONS",
    "GA4_MARKERS",
    "ORGANIC",
    "STEP_SYNONYMS",
    "Kpi",
    "compare",
    "detect_steps",
    "monthly_session_duration",
    "orders_only",
    "purchase_step",
    "stage_kpis",
    "stage_kpis_by",
]

#: Step-name synonyms per role, in order of preference. Names are compared after
#: normalisation (lower case, non-alphanumerics as ``_``, trailing ``_table``/``_date`` and a
#: leading ``became_a_`` removed), so "Became a Lead Date" matches ``lead``.
STEP_SYNONYMS: dict[str, tuple[str, ...]] = {
    # English exports first, then French ones (visite, fiche produit, panier, paiement, achat)
    "landing": (
        "landing",
        "landing_page",
        "session_start",
        "home_page",
        "home",
        "page_view",
        "visite",
        "accueil",
        "page_accueil",
    ),
    "product": (
        "product_view",
        "view_item",
        "product_page",
        "view",
        "search_page",
        "search",
        "fiche_produit",
        "vue_produit",
        "produit",
        "recherche",
    ),
    "cart": (
        "add_to_cart",
        "cart",
        "addtocart",
        "add_cart",
        "basket",
        "panier",
        "ajout_panier",
        "ajout_au_panier",
    ),
    "checkout": (
        "checkout",
        "begin_checkout",
        "payment_page",
        "payment",
        "paiement",
        "commande_debut",
    ),
    "purchase": (
        "purchase",
        "order",
        "payment_confirmation_page",
        "payment_confirmation",
        "transaction",
        "purchased",
        "achat",
        "commande",
        "vente",
        "confirmation_commande",
    ),
    "lead": ("lead", "generate_lead", "lead_created"),
    "customer": ("customer", "closed_won", "won", "client", "gagne", "conclu_gagne"),
}


def _norm(name: str) -> str:
    s = re.sub(r"[^0-9a-z]+", "_", name.lower()).strip("_")
    s = re.sub(r"^became_an?_", "", s)
    return re.sub(r"_(table|date)$", "", s)


def detect_steps(steps: tuple[str, ...] | list[str]) -> dict[str, str | None]:
    """The step name playing each role (landing, product, cart, checkout, purchase, lead,
    customer), found by :data:`STEP_SYNONYMS`; None when no step matches."""
    normalised = {_norm(s): s for s in reversed(list(steps))}  # first spelling wins
    out: dict[str, str | None] = {}
    for role, synonyms in STEP_SYNONYMS.items():
        out[role] = next((normalised[s] for s in synonyms if s in normalised), None)
    return out


def purchase_step(dataset: Dataset) -> str:
    """The step that is a purchase in this data (``purchase``, ``order``, ``transaction``,
    ``payment_confirmation_page``…, see :data:`STEP_SYNONYMS`); ``"purchase"`` when none is."""
    names = list(dataset.steps)
    if "step" in dataset.events.columns and dataset.events.height:
        names += [s for s in dataset.events["step"].unique().to_list() if s not in names]
    return detect_steps(names).get("purchase") or "purchase"
