"""One vocabulary of funnel step names, English and French, and one rule for "purchase".

Exports name the steps of a journey in many ways: GA4 ``view_item``/``add_to_cart``/
``begin_checkout``/``purchase``, the Kaggle funnel's ``home_page``…``payment_confirmation_page``,
HubSpot's "Became a Lead Date", a French shop's ``visite``/``fiche produit``/``panier``/
``paiement``/``commande validée``. :data:`STEP_SYNONYMS` lists, per journey role, the names
that play it, in order of preference; every module that needs to know which step is the cart
or the purchase asks this one (:func:`detect_steps`, :func:`role_of`, :func:`purchase_step`),
and the funnel's suggested order (:func:`journey_rank`) follows the same roles.

Names are compared after :func:`normalise`: lower case, accents removed, every run of other
characters as ``_``, a leading ``became_a_``/``became_an_`` and a trailing ``_table``/``_date``
removed (so "Became a Lead Date" is ``lead`` and "Commande validée" is ``commande_validee``).

The one rule for "purchase": the purchase step of some data is the first name of the
``purchase`` role (in preference order) that the data has; without one, the usual name
``purchase`` (what an orders file's rows are called). "Commande" alone is the checkout
("passer commande"); a confirmed order ("commande validée", "commande confirmée") is the
purchase.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from kpi.dataset import Dataset

__all__ = [
    "JOURNEY",
    "PURCHASE",
    "ROLES",
    "STEP_SYNONYMS",
    "detect_steps",
    "is_purchase",
    "journey_rank",
    "normalise",
    "purchase_step",
    "role_of",
]

#: the usual name of the purchase step (an orders file's rows; the default when none matches)
PURCHASE = "purchase"

#: Step-name synonyms per role, in order of preference (normalised names, see
#: :func:`normalise`): English exports first, then French ones. A name plays one role only.
STEP_SYNONYMS: dict[str, tuple[str, ...]] = {
    "landing": (
        "landing",
        "landing_page",
        "session_start",
        "home_page",
        "home",
        "page_view",
        "pageview",
        "visit",
        "first_visit",
        "visite",
        "accueil",
        "page_accueil",
        "page_d_accueil",
        "arrivee",
    ),
    "product": (
        "product_view",
        "view_item",
        "product_page",
        "view",
        "search_page",
        "search",
        "view_product",
        "view_item_list",
        "product",
        "fiche_produit",
        "vue_produit",
        "page_produit",
        "vue",
        "produit",
        "recherche",
        "consultation_produit",
    ),
    "cart": (
        "add_to_cart",
        "cart",
        "addtocart",
        "add_cart",
        "basket",
        "add_to_basket",
        "panier",
        "ajout_panier",
        "ajout_au_panier",
        "mise_au_panier",
    ),
    "checkout": (
        "checkout",
        "begin_checkout",
        "payment_page",
        "payment",
        "add_payment_info",
        "add_shipping_info",
        "paiement",
        "page_paiement",
        "commande",
        "passage_commande",
        "passer_commande",
        "debut_commande",
        "commande_debut",
        "validation_panier",
        "livraison",
    ),
    "purchase": (
        "purchase",
        "order",
        "payment_confirmation_page",
        "payment_confirmation",
        "transaction",
        "purchased",
        "order_completed",
        "confirmation",
        "achat",
        "commande_validee",
        "commande_confirmee",
        "confirmation_commande",
        "confirmation_de_commande",
        "achat_confirme",
        "paiement_confirme",
        "paiement_valide",
        "vente",
    ),
    "lead": (
        "lead",
        "generate_lead",
        "lead_created",
        "sign_up",
        "signup",
        "registration",
        "prospect",
        "inscription",
        "creation_compte",
        "creation_de_compte",
        "demande_de_devis",
    ),
    "customer": ("customer", "closed_won", "won", "client", "gagne", "conclu_gagne"),
}

#: journey roles, in journey order (the suggested funnel order follows it)
ROLES: tuple[str, ...] = tuple(STEP_SYNONYMS)
#: the roles of a shopping journey: landing → product → cart → checkout → purchase
JOURNEY: tuple[str, ...] = ("landing", "product", "cart", "checkout", "purchase")


def normalise(name: object) -> str:
    """A step name as compared with :data:`STEP_SYNONYMS`: ``"Commande validée"`` ->
    ``commande_validee``, ``"Became a Lead Date"`` -> ``lead``, ``"Add to cart"`` ->
    ``add_to_cart``."""
    text = unicodedata.normalize("NFKD", str(name)).encode("ascii", "ignore").decode("ascii")
    s = re.sub(r"[^0-9a-z]+", "_", text.lower()).strip("_")
    s = re.sub(r"^became_an?_", "", s)
    return re.sub(r"_(table|date)$", "", s)


@lru_cache(maxsize=1)
def _role_of_name() -> dict[str, str]:
    out: dict[str, str] = {}
    for role, names in STEP_SYNONYMS.items():
        for n in names:
            if n in out:  # pragma: no cover - guarded by a unit test
                raise ValueError(f"step name {n!r} plays two roles ({out[n]}, {role})")
            out[n] = role
    return out


def role_of(name: object) -> str | None:
    """The journey role a step name plays (``landing`` … ``customer``), None if none."""
    return _role_of_name().get(normalise(name))


def journey_rank(name: object) -> int:
    """Position of a step name's role in :data:`ROLES` (``len(ROLES)`` when it has none)."""
    role = role_of(name)
    return ROLES.index(role) if role is not None else len(ROLES)


def detect_steps(steps: Iterable[str]) -> dict[str, str | None]:
    """The step name playing each role (landing, product, cart, checkout, purchase, lead,
    customer), the most preferred synonym first; None when no step matches. Among names that
    normalise alike, the first spelling given wins."""
    normalised = {normalise(s): s for s in reversed(list(steps))}
    return {
        role: next((normalised[s] for s in synonyms if s in normalised), None)
        for role, synonyms in STEP_SYNONYMS.items()
    }


def is_purchase(name: object) -> bool:
    """True when a step name means a purchase (``purchase``, ``transaction``, ``achat``,
    ``commande validée``…)."""
    return role_of(name) == "purchase"


def purchase_step(data: Dataset | Iterable[str]) -> str:
    """The purchase step of a Dataset (its steps, then its events' step names) or of a list of
    step names: the most preferred ``purchase`` synonym present, else ``"purchase"``."""
    if isinstance(data, str):
        names: list[str] = [data]
    elif hasattr(data, "events") and hasattr(data, "steps"):
        names = [str(s) for s in data.steps]  # type: ignore[union-attr]
        events = data.events  # type: ignore[union-attr]
        if "step" in events.columns and events.height:
            seen = set(names)
            names += [
                s for s in events["step"].unique().to_list() if s is not None and s not in seen
            ]
    else:
        names = [str(s) for s in data]  # type: ignore[union-attr]
    return detect_steps(names).get("purchase") or PURCHASE
