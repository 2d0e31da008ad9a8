"""One vocabulary of step names (English and French) and one rule for "purchase" (kpi.steps)."""

from __future__ import annotations

import polars as pl
import pytest

from kpi import stages, steps
from kpi.dataset import Dataset
from kpi.funnel import default_step_order
from kpi.steps import (
    ROLES,
    STEP_SYNONYMS,
    detect_steps,
    is_purchase,
    journey_rank,
    normalise,
    purchase_step,
    role_of,
)


def test_normalise_accents_case_punctuation_and_crm_prefixes() -> None:
    assert normalise("Commande validée") == "commande_validee"
    assert normalise("  Fiche Produit ") == "fiche_produit"
    assert normalise("Became a Lead Date") == "lead"
    assert normalise("Became an Opportunity Date") == "opportunity"
    assert normalise("Add to cart") == "add_to_cart"
    assert normalise("Ajout au panier !") == "ajout_au_panier"
    assert normalise("home_page_table") == "home_page"


def test_a_name_plays_one_role_only_and_every_synonym_is_normalised() -> None:
    seen: dict[str, str] = {}
    for role, names in STEP_SYNONYMS.items():
        for name in names:
            assert normalise(name) == name, name
            assert name not in seen, f"{name} is {seen.get(name)} and {role}"
            seen[name] = role
    assert ROLES == ("landing", "product", "cart", "checkout", "purchase", "lead", "customer")


def test_french_shop_steps_are_detected() -> None:
    roles = detect_steps(["Visite", "Fiche produit", "Ajout au panier", "Paiement", "Achat"])
    assert roles == {
        "landing": "Visite",
        "product": "Fiche produit",
        "cart": "Ajout au panier",
        "checkout": "Paiement",
        "purchase": "Achat",
        "lead": None,
        "customer": None,
    }
    # "commande" alone is placing the order (checkout); a confirmed order is the purchase
    roles = detect_steps(["Accueil", "Vue produit", "Panier", "Commande", "Commande validée"])
    assert (roles["checkout"], roles["purchase"]) == ("Commande", "Commande validée")
    assert role_of("commande") == "checkout" and role_of("Commande confirmée") == "purchase"
    assert detect_steps(["Inscription", "Client"])[("lead")] == "Inscription"
    assert detect_steps(["Inscription", "Client"])["customer"] == "Client"


def test_one_rule_for_purchase() -> None:
    assert [is_purchase(s) for s in ("purchase", "Achat", "transaction", "Commande validée")] == [
        True
    ] * 4
    assert not any(is_purchase(s) for s in ("panier", "paiement", "commande", "view"))
    assert purchase_step(["visite", "panier", "achat"]) == "achat"
    # the most preferred synonym wins when the data has several
    assert purchase_step(["order", "purchase"]) == "purchase"
    assert purchase_step(["visite", "panier"]) == "purchase"  # none: the usual name
    events = pl.DataFrame({"user_id": ["a", "a"], "step": ["visite", "Commande validée"]})
    ds = Dataset(events=events, users=events.select("user_id").unique())
    assert purchase_step(ds) == "Commande validée"
    # the stage KPIs use the same rule (kpi.stages keeps its old names)
    assert stages.purchase_step(ds) == "Commande validée"
    assert stages.detect_steps is steps.detect_steps and stages.STEP_SYNONYMS is STEP_SYNONYMS


@pytest.mark.parametrize(
    ("name", "rank"),
    [("page_view", 0), ("Vue produit", 1), ("panier", 2), ("Paiement", 3), ("achat", 4),
     ("lead", 5), ("client", 6), ("newsletter", 7)],
)  # fmt: skip
def test_journey_rank(name: str, rank: int) -> None:
    assert journey_rank(name) == rank


def test_default_step_order_in_french() -> None:
    """A French shop's steps, listed in the file in any order, come back in journey order;
    a step the vocabulary does not know goes after, by users (a funnel narrows)."""
    rows = [
        ("u1", "Achat"), ("u1", "Panier"), ("u1", "Visite"), ("u1", "Fiche produit"),
        ("u2", "Visite"), ("u2", "Fiche produit"), ("u2", "Avis client"), ("u3", "Visite"),
        ("u1", "Paiement"),
    ]  # fmt: skip
    ev = pl.DataFrame(rows, schema={"user_id": pl.String, "step": pl.String}, orient="row")
    assert default_step_order(ev) == [
        "Visite",
        "Fiche produit",
        "Panier",
        "Paiement",
        "Achat",
        "Avis client",
    ]
