"""AppTest of the Stage KPIs page: demo KPIs vs kpi.stages, missing-input cards, segments."""

from __future__ import annotations

import polars as pl
import pytest

from kpi import stages
from kpi.words import format as wf
from tests.app.conftest import DATASETS, errors_and_exceptions

PAGE = "pages/stages_view.py"


def _metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def _captions(at) -> str:
    return "\n".join(c.value for c in at.caption)


def test_demo_stage_kpis_match_kpi_stages(app):
    app.run()
    app.switch_page(PAGE).run()
    assert errors_and_exceptions(app) == []
    ds = app.session_state["dataset"]
    expected = {
        k.code: k
        for k in stages.stage_kpis(ds, first_seen=ds.users.select("user_id", "first_seen"))
    }
    shown = _metrics(app)
    assert shown["Conversion rate"] == wf.percent(expected["conversion_rate"].value, "en")
    assert shown["Conversion rate"] == "4.09%"  # the one precision rule: 2 decimals below 10 %
    assert shown["Average order value"] == wf.money(expected["aov"].value, "en")
    assert shown["Users"] == wf.integer(expected["users"].value, "en") == "50,000"
    # AOV by hand: revenue of purchase events / distinct orders
    purchases = ds.events.filter(pl.col("step") == "purchase")
    aov = purchases["revenue"].sum() / purchases["order_id"].n_unique()
    assert expected["aov"].value == pytest.approx(aov)
    # formulas one hover away
    helps = {m.label: m.help for m in app.metric}
    assert "Revenue ÷ orders" in helps["Average order value"]
    buyers = wf.integer(expected["conversion_rate"].numerator, "en")
    assert f"Here: {buyers} / 50,000." in helps["Conversion rate"]  # where the rate comes from
    # the demo has no reach column and no lead steps: said so, not blank
    assert "Not available: needs an ad-spend export with a reach column" in _captions(app)
    # segment table (channel by default): additive KPIs add up to the total
    table = next(pl.from_pandas(d.value) for d in app.dataframe if "channel" in d.value.columns)
    if "users" in table.columns:  # figures written as the view's language writes them
        assert sum(int(v.replace(",", "")) for v in table["users"]) == expected["users"].value
    assert "Conversion rate is" not in "\n".join(w.value for w in app.error)  # 4.09 % > 2 %


def test_thresholds_change_the_red_flags(app):
    app.run()
    app.switch_page(PAGE).run()
    app.number_input(key="st_th_conv").set_value(5.0).run()
    assert errors_and_exceptions(app) == []
    assert app.session_state["thresholds"].min_conversion == pytest.approx(0.05)
    # the one precision rule: 4.09 % (the demo's conversion rate, see above), threshold 5.00 %
    flag = "Conversion rate is 4.09%, below the 5.00% minimum."
    assert any(flag in e.value for e in app.error), [e.value for e in app.error]
    app.query_params["lang"] = "fr"
    app.session_state["lang"] = "fr"
    app.run()
    assert app.session_state["thresholds"].min_conversion == pytest.approx(0.05)
    flag_fr = "Le taux de conversion est de 4,09\u00a0%, sous le seuil minimum de 5,00\u00a0%."
    assert any(flag_fr in e.value for e in app.error), [e.value for e in app.error]


def test_ecommerce_upload_shows_missing_input_cards(app):
    if not DATASETS.exists():
        pytest.skip("../shared/datasets missing")
    folder = DATASETS / "ecommerce_funnel"
    names = [
        "home_page_table.csv",
        "search_page_table.csv",
        "payment_page_table.csv",
        "payment_confirmation_table.csv",
        "user_table.csv",
    ]
    app.run()
    app.switch_page(PAGE).run()
    app.sidebar.file_uploader[0].set_value(
        [(n, (folder / n).read_bytes(), "text/csv") for n in names]
    ).run()
    assert errors_and_exceptions(app) == []
    captions = _captions(app)
    assert "Impressions" in [m.value.strip("*") for m in app.markdown]
    assert "Not available: needs an ad-spend export" in captions
    assert "Not available: needs a session_id column" in captions
    shown = _metrics(app)
    assert shown["Users"] == "90,400"
    assert shown["Purchasers"] == "452"
    assert shown["Conversion rate"] == wf.percent(452 / 90_400, "en") == "0.50%"
    # per-device table: Desktop and Mobile users add up to all users
    table = next(pl.from_pandas(d.value) for d in app.dataframe if "device" in d.value.columns)
    assert dict(zip(table["device"], table["users"], strict=True)) == {
        "Desktop": "60,200",
        "Mobile": "30,200",
    }


def _upload(app, name: str, data: bytes) -> None:
    app.run()
    app.switch_page(PAGE).run()
    app.sidebar.file_uploader[0].set_value((name, data, "text/csv")).run()
    assert errors_and_exceptions(app) == []


def test_french_crm_contacts_show_the_pipeline_not_orders(app):
    import csv
    import io
    from datetime import datetime

    from tests.app.conftest import ROOT

    path = ROOT / "tests" / "fixtures" / "crm_contacts_fr.csv"
    _upload(app, path.name, path.read_bytes())
    # recomputed from the raw file for the sidebar's period (contacts created in it)
    f = app.session_state["filters"]
    rows = [
        r
        for r in csv.DictReader(io.StringIO(path.read_bytes().decode("cp1252")), delimiter=";")
        if (
            f.start is None
            or datetime.strptime(r["Date de création"], "%d/%m/%Y").date() >= f.start
        )
        and (f.end is None or datetime.strptime(r["Date de création"], "%d/%m/%Y").date() <= f.end)
    ]
    order = ["Abonné", "Lead", "MQL", "SQL", "Opportunité", "Client"]
    rank = [order.index(r["Étape du cycle de vie"]) for r in rows]
    leads, customers = sum(k >= 1 for k in rank), sum(k >= 5 for k in rank)
    won = sum(
        float(r["Montant (€)"].replace("\u00a0", "").replace(",", "."))
        for r, k in zip(rows, rank, strict=True)
        if k == 5 and r["Montant (€)"]
    )
    shown = _metrics(app)
    currency = getattr(app.session_state["dataset"], "currency", None)
    assert shown["Lead conversion rate"] == wf.percent(customers / leads, "en")
    assert shown["Customers"] == str(customers) and shown["Contacts"] == str(len(rows))
    # a big amount is written short on its card (whole units), exactly on its ⓘ
    assert shown["Won deal value"] == wf.headline_money(won, "en", currency)
    card = next(m for m in app.metric if m.label == "Won deal value")
    assert f"Exactly {wf.money(won, 'en', currency)}." in card.help.replace("\\", "")
    # no conversion, purchasers or AOV on contacts: said why instead
    for label in ("Conversion rate", "Purchasers", "Average order value"):
        assert label not in shown, label
    captions = _captions(app)
    assert "Does not apply: this is a CRM contacts table" in captions
    assert "Does not apply: amounts in a contacts table are deal values" in captions
    # contacts by stage and the stage funnel, in the pipeline's order
    table = next(pl.from_pandas(d.value) for d in app.dataframe if "reached" in d.value.columns)
    assert table["stage"].to_list() == [
        s for s in order if s in {r["Étape du cycle de vie"] for r in rows}
    ]
    assert table["reached"].to_list()[0] == wf.integer(len(rows), "en")
    assert f"Lead conversion rate = customers ÷ leads = {customers} ÷ {leads}" in captions
    # the whole file (no period): 6 customers ÷ 33 leads, as tests/unit/test_pipeline.py finds
    assert (len(rows) == 42) == (leads == 33 and customers == 6)


def test_orders_only_upload_says_conversion_does_not_apply(app):
    lines = ["order_id,customer_id,order_date,total"] + [
        f"A{i},c{i % 9},2025-02-{1 + i % 27:02d} 10:00,{20 + i}.50" for i in range(30)
    ]
    _upload(app, "orders.csv", ("\n".join(lines) + "\n").encode())
    shown = _metrics(app)
    assert "Conversion rate" not in shown and "Engagement rate" not in shown
    assert shown["Orders"] == "30" and shown["Purchasers"] == "9"
    captions = _captions(app)
    assert "Does not apply: the data holds purchases only" in captions
    assert "time from first visit to purchase is unknown, not 0 s" in captions
    # the Overview says it too instead of a 100 % conversion
    app.switch_page("pages/home_view.py").run()
    assert errors_and_exceptions(app) == []
    assert "Conversion rate" not in _metrics(app)
    assert "the data holds purchases only" in _captions(app)


def test_demo_kpis_over_time_equal_the_view_per_month(app):
    """The upload route's over-time table (the toggle): each month's KPIs are the View's."""
    from datetime import date

    from kpi.filters import Filters
    from kpi.view import View

    app.run()
    app.switch_page(PAGE).run()
    app.date_input(key="period").set_value((date(2025, 7, 1), date(2025, 8, 31))).run()
    app.toggle(key="st_over_time").set_value(True).run()
    assert errors_and_exceptions(app) == []
    table = next(d.value for d in app.dataframe if "Period" in d.value.columns)
    assert len(table) == 2
    ds = app.session_state["dataset"]
    for row, (start, end) in zip(
        table.to_dict("records"),
        [(date(2025, 7, 1), date(2025, 7, 31)), (date(2025, 8, 1), date(2025, 8, 31))],
        strict=True,
    ):
        kpis = {k.code: k for k in View(ds, Filters(start=start, end=end)).kpis()}
        assert row["Users"] == wf.integer(kpis["users"].value, "en")
        assert row["Conversion rate"] == wf.percent(kpis["conversion_rate"].value, "en")
