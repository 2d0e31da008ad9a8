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
