"""Journey roles of funnel steps (kpi.steps): their names in both languages."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    "steps.role.landing": ("landing", "arrivée sur le site"),
    "steps.role.product": ("product view", "vue produit"),
    "steps.role.cart": ("add to cart", "ajout au panier"),
    "steps.role.checkout": ("checkout", "passage de commande"),
    "steps.role.purchase": ("purchase", "achat"),
    "steps.role.lead": ("lead", "lead"),
    "steps.role.customer": ("customer", "client"),
    "steps.journey_order": (
        "Use the usual journey order: {order}",
        "Utiliser l'ordre habituel du parcours\u00a0: {order}",
    ),
}
