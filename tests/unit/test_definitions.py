"""KPI definitions: every KPI code has a name and a formula in English and French."""

from __future__ import annotations

import pickle

import pytest

from kpi import definitions
from kpi.definitions import Definition, all_definitions, formula, label
from kpi.words.catalogue import catalogue

CODES = sorted(all_definitions())


def test_every_module_contributes() -> None:
    codes = set(CODES)
    # one KPI of each analysis module, the CRM pipeline included
    for code in ("conversion", "bounce_rate", "win_rate", "churn", "clv", "nps", "ab_p_value"):
        assert code in codes
    assert len(codes) >= 60


@pytest.mark.parametrize("code", CODES)
def test_every_kpi_code_has_a_label_and_a_formula_in_both_languages(code: str) -> None:
    for part in ("label", "formula"):
        en, fr = catalogue()[f"def.{code}.{part}"]
        assert en.strip() and fr.strip()
    assert formula(code, "en") != formula(code, "fr") or code in ("nps",)


def test_french_names_are_the_analysts_terms() -> None:
    expected = {
        "bounce_rate": "Taux de rebond",
        "aov": "Panier moyen",
        "cart_abandonment": "Taux d'abandon de panier",
        "clv": "Valeur vie client (CLV)",
        "cac": "Coût d'acquisition client (CAC)",
        "churn": "Taux de churn",
        "retention_rate": "Taux de rétention client",
        "conversion_rate": "Taux de conversion",
        "ctr": "Taux de clics (CTR)",
        "lead_conversion": "Taux de conversion des leads",
    }
    for code, name in expected.items():
        assert label(code, "fr") == name
    assert "promoteurs (9–10)" in formula("nps", "fr")
    assert "détracteurs (0–6)" in formula("nps", "fr")
    # French typography: a no-break space before ':' and ';', and in '10 %'
    assert "\u00a0;" in formula("bounce_rate", "fr") and " ;" not in formula("bounce_rate", "fr")
    assert "10\u00a0%" in formula("top_customer_share", "fr")


def test_definition_holds_facts_and_renders_words_per_language() -> None:
    d = all_definitions()["cart_abandonment"]
    assert (d.code, d.unit, d.stage) == ("cart_abandonment", "rate", "decision")
    assert d.label("fr") == "Taux d'abandon de panier" and d.label("en") == "Cart abandonment rate"
    assert d.formula("en").startswith("Users who added to cart and did not purchase")
    # legacy readers (f-strings in modules not yet converted) read the English words
    assert f"{d.label}" == "Cart abandonment rate"
    assert pickle.loads(pickle.dumps(d)) == d
    assert pickle.loads(pickle.dumps(d.label))("fr") == "Taux d'abandon de panier"


def test_legacy_constructor_ignores_the_english() -> None:
    legacy = Definition("Old words", "Old formula.", "rate", "awareness")
    assert (legacy.unit, legacy.stage) == ("rate", "awareness")
    new = Definition(code="bounce_rate", unit="rate", stage="awareness")
    assert new.label("fr") == "Taux de rebond" and new == Definition(
        "rate", "awareness", code="bounce_rate"
    )
    with pytest.raises(AttributeError):
        new.unit = "count"  # type: ignore[misc]


def test_a_legacy_definition_in_a_modules_dict_gets_its_code() -> None:
    from kpi import retention

    d = retention.DEFINITIONS["churn"]
    assert d.code == "churn" and d.label("fr") == "Taux de churn"
    assert definitions.all_definitions()["churn"] is d
