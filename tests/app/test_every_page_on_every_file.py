"""Every page on every real export: something sensible on screen, never a traceback."""

from __future__ import annotations

import pytest

from tests.app.conftest import DATASETS, errors_and_exceptions

PAGES = [
    "pages/home_view.py",
    "pages/data_view.py",
    "pages/funnel_view.py",
    "pages/stages_view.py",
    "pages/retention_view.py",
    "pages/value_view.py",
    "pages/advocacy_view.py",
    "pages/abtest_view.py",
    "pages/export_view.py",
]
FILES = [
    ["cookie_cats.csv"],
    ["funnel_ab_5step.csv"],
    ["page_redesign_ab.csv"],
    ["rees46_events_sample.csv"],
    ["online_retail.csv"],
    ["ga4_merch_store/BigQuery_conversion_funnel.csv"],
    ["ga4_merch_store/BigQuery_landing_page_conversion.csv"],
    [
        "ecommerce_funnel/user_table.csv",
        "ecommerce_funnel/home_page_table.csv",
        "ecommerce_funnel/search_page_table.csv",
        "ecommerce_funnel/payment_page_table.csv",
        "ecommerce_funnel/payment_confirmation_table.csv",
    ],
]


@pytest.mark.skipif(not DATASETS.exists(), reason="../shared/datasets missing")
@pytest.mark.parametrize("names", FILES, ids=lambda n: n[0].split("/")[-1])
def test_every_page_shows_something_without_a_traceback(app, names):
    app.run()
    files = [(n.split("/")[-1], (DATASETS / n).read_bytes(), "text/csv") for n in names]
    app.sidebar.file_uploader[0].set_value(files if len(files) > 1 else files[0]).run()
    assert errors_and_exceptions(app) == []
    for page in PAGES:
        app.switch_page(page).run()
        assert errors_and_exceptions(app) == [], page
        shown = [*app.title, *app.header, *app.subheader, *app.markdown, *app.info, *app.error]
        assert shown, f"{page} is blank for {names[0]}"


GENERATED = {
    "french_crm.csv": (
        "Identifiant client;Date de commande;Montant TTC;Canal;Appareil;Étape\n"
        + "".join(
            f"{i % 40};{1 + i % 28:02d}/0{1 + i % 3}/2024;{i * 3},50 €;"
            f"{'Email' if i % 2 else 'SEO'};{'Mobile' if i % 3 else 'Ordinateur'};"
            f"{['visite', 'panier', 'achat'][i % 3]}\n"
            for i in range(150)
        )
    ).encode("cp1252"),
    "orders_export.csv": (
        "Name,Email,Created at,Lineitem quantity,Lineitem price,Total,Billing Country\n"
        + "".join(
            f"#{1000 + i // 2},c{i % 17}@x.com,2026-0{1 + i % 5}-1{i % 9} 10:00:00 +0200,"
            f"{1 + i % 3},{5 + i % 7}.50,{'' if i % 2 else 20 + i},{'FR' if i % 4 else 'DE'}\n"
            for i in range(120)
        )
    ).encode(),
    "hubspot_contacts.csv": (
        "Record ID,Lifecycle Stage,Create Date,Original Source,Became a Lead Date,"
        "Became a Customer Date\n"
        + "".join(
            f"{i},{'Customer' if i % 4 == 0 else 'Lead'},2026-01-{1 + i % 27:02d} 10:00,"
            f"{['Organic Search', 'Paid Search', 'Direct Traffic'][i % 3]},"
            f"2026-01-{1 + i % 27:02d} 11:00,{f'2026-02-{1 + i % 27:02d} 12:00' if i % 4 == 0 else ''}\n"
            for i in range(80)
        )
    ).encode(),
    "hyperlink_channels.csv": (
        "user_id,event,ts,channel\n"
        + "".join(
            f'u{i},{["view", "buy"][i % 2]},2025-01-{1 + i % 28:02d} 10:00,"=HYPERLINK(""http://x"",""y"")"\n'
            for i in range(60)
        )
    ).encode(),
}


@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize("name", list(GENERATED))
def test_every_page_on_typical_exports(app, name, lang):
    app.query_params["lang"] = lang
    app.run()
    app.sidebar.file_uploader[0].set_value((name, GENERATED[name], "text/csv")).run()
    assert errors_and_exceptions(app) == []
    assert app.session_state["dataset"] is not None, app.session_state["dataset_error"]
    for page in PAGES:
        app.switch_page(page).run()
        assert errors_and_exceptions(app) == [], page


@pytest.mark.parametrize("name", ["crm_contacts_fr.csv", "hubspot_contacts.csv"])
def test_every_page_on_crm_contact_exports(app, name):
    from tests.app.conftest import ROOT

    data = (ROOT / "tests" / "fixtures" / name).read_bytes()
    app.run()
    app.sidebar.file_uploader[0].set_value((name, data, "text/csv")).run()
    assert errors_and_exceptions(app) == []
    assert app.session_state["dataset"].sources[0].kind == "contacts"
    for page in PAGES:
        app.switch_page(page).run()
        assert errors_and_exceptions(app) == [], page
        shown = [*app.title, *app.header, *app.subheader, *app.markdown, *app.info, *app.error]
        assert shown, f"{page} is blank for {name}"
