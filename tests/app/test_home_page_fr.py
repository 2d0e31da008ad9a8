"""The Overview and the Stage KPIs page in French: on the demo data, a French CRM contacts
export and a Shopify orders export, every word of these pages is French (none of their English
catalogue sentences shows) and figures are written the French way (``4,09 %``, ``50 000``)."""

from __future__ import annotations

import re
import string

import pytest

from kpi.stages import stage_kpis
from kpi.words import format as wf
from kpi.words.catalogue import definitions, home, pipeline, reasons, stages, widgets
from tests.app.conftest import ROOT, errors_and_exceptions

STAGES_PAGE = "pages/stages_view.py"
HOME_PAGE = "pages/home_view.py"
FIXTURES = ROOT / "tests" / "fixtures"
MODULES = (definitions, home, pipeline, reasons, stages, widgets)


def _has_fields(template: str) -> bool:
    return any(f is not None for _, f, _, _ in string.Formatter().parse(template))


#: English sentences of these pages' catalogues: templates without fields, over 3 words
ENGLISH = sorted(
    {
        en.rstrip(".")
        for m in MODULES
        for en, fr in m.MESSAGES.values()
        if not _has_fields(en) and len(en.split()) > 3 and en != fr
    }
)


def _texts(at) -> list[str]:
    """Every text the page shows: titles, Markdown, captions, alerts, KPI cards (name, value,
    ⓘ), expanders, widget labels and help."""
    out: list[str] = []
    for kind in ("title", "header", "subheader", "markdown", "caption"):
        out += [e.value for e in getattr(at, kind)]
    for kind in ("info", "warning", "error", "success"):
        out += [e.value for e in getattr(at, kind)]
    for m in at.metric:
        out += [m.label, m.value, m.help or ""]
    out += [e.label for e in at.expander]
    for w in at.selectbox:
        out += [w.label, w.help or ""]
    return out


def _french(at) -> str:
    assert errors_and_exceptions(at) == []
    text = "\n".join(_texts(at))
    leaked = [s for s in ENGLISH if s in text]
    assert leaked == [], leaked
    return text


def _run_fr(app, page: str, upload: tuple[str, bytes] | None = None):
    app.query_params["lang"] = "fr"
    app.run()
    if upload is not None:
        app.sidebar.file_uploader[0].set_value((upload[0], upload[1], "text/csv")).run()
        assert errors_and_exceptions(app) == []
    app.switch_page(page).run()
    return app


def test_english_sentences_to_look_for_exist() -> None:
    assert "Who finds you: traffic, sessions, ads" in ENGLISH
    assert "Every KPI is within its threshold for this view" in ENGLISH
    assert len(ENGLISH) > 100


def test_stage_kpis_page_in_french_on_the_demo(app):
    at = _run_fr(app, STAGES_PAGE)
    text = _french(at)
    for word in ("KPI par étape", "Sensibilisation", "Considération", "Décision", "Après l'achat"):
        assert word in text, word
    ds = at.session_state["dataset"]
    kpis = {k.code: k for k in stage_kpis(ds, first_seen=ds.users.select("user_id", "first_seen"))}
    shown = {m.label: m for m in at.metric}
    conv = shown["Taux de conversion"]
    assert conv.value == wf.percent(kpis["conversion_rate"].value, "fr") == "4,09\u00a0%"
    assert shown["Utilisateurs"].value == "50\u202f000"
    assert shown["Panier moyen"].value == wf.money(kpis["aov"].value, "fr")
    assert re.fullmatch(r"\d+,\d\d", shown["Panier moyen"].value)  # no symbol: none in the data
    assert shown["Taux de rebond"].help.startswith("Sessions d'une seule page ÷ sessions")
    buyers = wf.integer(kpis["conversion_rate"].numerator, "fr")
    assert f"Ici\u00a0: {buyers} ÷ 50\u202f000." in conv.help
    assert "Taux d'abandon de panier" in shown
    # the demo has no reach column: said in French
    assert "Non disponible\u00a0: nécessite un export des dépenses publicitaires" in text
    # the segment table: French figures, "Other" in French
    table = next(d.value for d in at.dataframe if "conversion_rate" in d.value.columns)
    assert "Autres" in list(table["channel"]) or len(table) <= 8
    assert all(re.fullmatch(r"\d+,\d+\u00a0%", v) for v in table["conversion_rate"])
    assert any(e.label.startswith("Décision par ") for e in at.expander)


def test_overview_in_french_on_the_demo(app):
    at = _run_fr(app, HOME_PAGE)
    text = _french(at)
    for word in ("importez un fichier", "Aller plus loin", "Sensibilisation, considération"):
        assert word in text, word
    shown = {m.label: m.value for m in at.metric}
    assert set(shown) >= {"Utilisateurs", "Sessions", "Taux de conversion", "Taux de rebond"}
    assert re.fullmatch(r"\d+,\d+\u00a0%", shown["Taux de rebond"])
    assert shown["Taux de conversion"] == "4,09\u00a0%"


def test_french_crm_contacts_in_french(app):
    path = FIXTURES / "crm_contacts_fr.csv"
    at = _run_fr(app, STAGES_PAGE, (path.name, path.read_bytes()))
    text = _french(at)
    assert "Pipeline\u00a0: contacts par étape (étapes du cycle de vie" in text
    assert "Ne s'applique pas\u00a0: ce sont des contacts CRM" in text
    shown = {m.label: m.value for m in at.metric}
    assert "Taux de conversion" not in shown and "Panier moyen" not in shown
    rate = shown["Taux de conversion des leads"]
    assert re.fullmatch(r"\d+,\d+\u00a0%", rate)
    assert f"= {rate} (leads\u00a0: contacts à l'étape Lead ou au-delà" in text
    table = next(d.value for d in at.dataframe if "reached" in d.value.columns)
    assert table["stage"].iloc[0] == "Abonné"
    at.switch_page(HOME_PAGE).run()
    text = _french(at)
    shown = {m.label: m.value for m in at.metric}
    assert {"Contacts", "Clients", "Valeur des affaires gagnées"} <= set(shown)
    assert re.fullmatch(
        r"\d+\u202f\d{3}\xa0€", shown["Valeur des affaires gagnées"]
    )  # short: whole euros


def test_shopify_orders_in_french(app):
    path = FIXTURES / "shopify_orders.csv"
    at = _run_fr(app, STAGES_PAGE, (path.name, path.read_bytes()))
    text = _french(at)
    assert "Ne s'applique pas\u00a0: les données ne contiennent que des achats" in text
    shown = {m.label: m.value for m in at.metric}
    assert "Taux de conversion" not in shown
    assert {"Commandes", "Acheteurs", "Chiffre d'affaires", "Panier moyen"} <= set(shown)
    ds = at.session_state["dataset"]
    kpis = {k.code: k for k in stage_kpis(ds)}
    currency = getattr(ds, "currency", None)
    assert shown["Panier moyen"] == wf.money(kpis["aov"].value, "fr", currency)
    assert shown["Commandes"] == wf.integer(kpis["orders"].value, "fr")
    at.switch_page(HOME_PAGE).run()
    text = _french(at)
    assert "**Taux de conversion** ne s'applique pas\u00a0: les données ne contiennent que" in text


@pytest.mark.parametrize("page", [STAGES_PAGE, HOME_PAGE])
def test_english_stays_english(app, page):
    app.query_params["lang"] = "en"
    app.run()
    app.switch_page(page).run()
    assert errors_and_exceptions(app) == []
    shown = {m.label: m.value for m in app.metric}
    assert shown["Conversion rate"] == "4.09%" and shown["Users"] == "50,000"
