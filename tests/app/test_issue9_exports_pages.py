"""Every page on the issue-9 exports made for the purpose (Shopify line items, several files
sharing a user column): something sensible on screen, never a traceback."""

from __future__ import annotations

from tests.app.conftest import ROOT, errors_and_exceptions
from tests.app.test_every_page_on_every_file import PAGES

SHOPIFY = ROOT / "tests" / "fixtures" / "shopify_orders_lines.csv"


def test_every_page_on_a_shopify_export_with_line_items(app):
    app.run()
    app.sidebar.file_uploader[0].set_value((SHOPIFY.name, SHOPIFY.read_bytes(), "text/csv")).run()
    assert errors_and_exceptions(app) == []
    ds = app.session_state["dataset"]
    assert ds is not None, app.session_state["dataset_error"]
    assert ds.events.height == 68 and ds.users.height == 28
    for page in PAGES:
        app.switch_page(page).run()
        assert errors_and_exceptions(app) == [], page
    app.switch_page("pages/data_view.py").run()
    captions = " ".join(c.value for c in app.caption)
    assert "once per order" in captions and "from the order's first line" in captions


def test_several_uploads_sharing_contact_ref(app):
    refs = [f"R-{i:03d}" for i in range(60)]
    events = "contact_ref,event,when\n" + "".join(
        f"{refs[i % 50]},{['visit', 'signup', 'buy'][i % 3]},2025-01-{1 + i % 28:02d} 10:00\n"
        for i in range(300)
    )
    contacts = "contact_ref,plan,country\n" + "".join(
        f"{r},{['free', 'pro'][i % 2]},{['FR', 'BE'][i % 2]}\n" for i, r in enumerate(refs)
    )
    app.run()
    app.sidebar.file_uploader[0].set_value(
        [
            ("events.csv", events.encode(), "text/csv"),
            ("contacts.csv", contacts.encode(), "text/csv"),
        ]
    ).run()
    assert errors_and_exceptions(app) == []
    ds = app.session_state["dataset"]
    assert ds is not None, app.session_state["dataset_error"]
    assert ds.users.height == 60 and "plan" in ds.segments
    for page in PAGES:
        app.switch_page(page).run()
        assert errors_and_exceptions(app) == [], page
