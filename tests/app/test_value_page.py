"""AppTest of the Value page: demo CAC / CLV effects (data/README.md) and the Online Retail upload."""

from __future__ import annotations

import json

import polars as pl
import pytest

from tests.app.conftest import DATASETS, ROOT, errors_and_exceptions

PAGE = "pages/value_view.py"
RETAIL = DATASETS / "online_retail.csv"
DEMO = ROOT / "data" / "demo"


def defs_label(name: str) -> str:
    from kpi.value import DEFINITIONS

    return DEFINITIONS[name].label


def _metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


NUMERIC = ("spend", "new_customers", "cac", "revenue", "roas", "clv", "clv_cac", "payback_months")


def _channels(at) -> pl.DataFrame:
    """The channel table as shown (text, "–" where no figure), read back as numbers."""
    shown = pl.from_pandas(at.dataframe[0].value)
    return shown.with_columns(
        pl.col(c).replace("–", None).str.replace_all(",", "").cast(pl.Float64) for c in NUMERIC
    )


def plain_demo() -> tuple[pl.DataFrame, pl.DataFrame]:
    """Demo purchases with each buyer's channel, and spend per channel, with plain polars."""
    ev = pl.read_csv(
        DEMO / "events.csv.gz",
        try_parse_dates=True,
        schema_overrides={"order_id": pl.String, "revenue": pl.Float64},
    ).filter(pl.col("event_name") == "purchase")
    users = pl.read_csv(DEMO / "users.csv").select("user_id", "channel")
    spend = pl.read_csv(DEMO / "ad_spend.csv").group_by("channel").agg(pl.col("spend").sum())
    return ev.join(users, on="user_id"), spend


def test_demo_cac_clv_and_guide(app):
    app.run()
    app.switch_page(PAGE).run()
    assert errors_and_exceptions(app) == []
    buys, spend = plain_demo()
    aov = buys["revenue"].sum() / buys["order_id"].n_unique()
    m = _metrics(app)
    assert m["Average order value"] == f"{aov:,.2f}"
    # CAC = spend / customers of the channel (all first purchases fall inside the spend months)
    new = buys.group_by("channel").agg(pl.col("user_id").n_unique().alias("new"))
    cac = dict(
        spend.join(new, on="channel").select("channel", pl.col("spend") / pl.col("new")).iter_rows()
    )
    table = _channels(app)
    shown = dict(zip(table["channel"], table["cac"], strict=True))
    assert (
        shown["email"] == pytest.approx(cac["email"], abs=0.005)
        and round(shown["email"], 2) == 57.73
    )
    assert (
        shown["social"] == pytest.approx(cac["social"], abs=0.005)
        and round(shown["social"], 2) == 289.55
    )
    ratio = dict(zip(table["channel"], table["clv_cac"], strict=True))
    assert ratio["social"] < ratio["paid_search"] < ratio["referral"] < 3 <= ratio["email"]
    assert [round(ratio[c], 1) for c in ("email", "referral", "paid_search", "social")] == [
        6.8,
        2.8,
        1.8,
        0.6,
    ]
    assert any("social" in w.value for w in app.warning)  # named as below the guide
    # the guide line at 3 is drawn: the generic benchmark's rule (tests/app/
    # test_events_on_cohort_charts.py checks its value and label)
    specs = [json.loads(c.proto.spec) for c in app.get("vega_lite_chart")]
    assert any("3:1, the generic e-commerce benchmark" in json.dumps(s) for s in specs)
    # six months of data: the yearly purchase rate is an extrapolation, and the headline says so
    assert m["CLV (extrapolated from 183 days)"] == "309.25"
    assert any("(extrapolated from 183 days)" in x.value for x in app.markdown)


def test_one_clv_for_all_channels_and_edited_factor(app):
    app.query_params["va_clv_basis"] = ["one for all"]
    app.query_params["va_years"] = ["2"]
    app.run()
    app.switch_page(PAGE).run()
    assert errors_and_exceptions(app) == []
    # shop-wide CLV with 2 years: AOV × (1 + repeat rate × 2); social CAC 289.55
    repeat = _repeat_rate()
    buys, _ = plain_demo()
    aov = buys["revenue"].sum() / buys["order_id"].n_unique()
    label = "CLV (extrapolated from 183 days)"
    assert _metrics(app)[label] == f"{aov * (1 + 2 * repeat):,.2f}"
    ratio = dict(zip(_channels(app)["channel"], _channels(app)["clv_cac"], strict=True))
    assert ratio["social"] == pytest.approx(aov * (1 + 2 * repeat) / 289.548346, abs=0.05)
    # the purchases-per-year field follows the years: repeat rate + 1 ÷ 2
    assert app.number_input[1].value == round(repeat + 1 / 2, 2)
    app.number_input[0].set_value(100.0).run()  # AOV edited by the user
    assert errors_and_exceptions(app) == []
    assert (
        _metrics(app)[label] == f"{100 * (repeat + 1 / 2) * 2:,.2f}"
    )  # unedited factors keep the exact estimate


def _repeat_rate() -> float:
    """Demo repeat orders per customer-year observed (first purchase to the last event of the
    data, at least 30 days), in plain polars."""
    ev = pl.read_csv(DEMO / "events.csv.gz", try_parse_dates=True)
    end = ev["event_time"].max()
    buys = ev.filter(pl.col("event_name") == "purchase")
    per = buys.group_by("user_id").agg(
        pl.col("order_id").n_unique().alias("n"), pl.col("event_time").min().alias("f")
    )
    days = ((end - per["f"]).dt.total_seconds() / 86400).clip(lower_bound=30)
    return (per["n"].sum() - per.height) / (days.sum() / 365.25)


def test_online_retail_upload_value_and_missing_spend(app):
    if not RETAIL.exists():
        pytest.skip("../shared/datasets missing")
    app.run()
    app.switch_page(PAGE).run()
    app.sidebar.file_uploader[0].set_value(
        ("online_retail.csv", RETAIL.read_bytes(), "text/csv")
    ).run()
    assert errors_and_exceptions(app) == []
    m = _metrics(app)
    assert m["Average order value"] == "480.87"
    assert m["Repeat-purchase rate"] == "65.6%"  # 65.6 % published
    assert m["Revenue per customer"] == f"{8_911_407.904 / 4338:,.2f}"
    info = " ".join(i.value for i in app.info)
    assert "upload an ad-spend export with channel, month and spend columns" in info.lower()


def test_demo_table_dashes_and_device_filter_hides_cac(app):
    app.run()
    app.switch_page(PAGE).run()
    shown = pl.from_pandas(app.dataframe[0].value)
    organic = shown.filter(pl.col("channel") == "organic").row(0, named=True)
    assert organic["cac"] == "–" and organic["roas"] == "–" and organic["payback_months"] == "–"
    assert "None" not in str(shown.rows()) and "no ad spend" in organic["note"]
    # per-channel payback: the channel's own monthly revenue per customer (plain polars)
    buys, spend = plain_demo()
    months = (
        (buys["event_time"].max() - buys["event_time"].min()).total_seconds()
        / 86400
        / (365.25 / 12)
    )
    email = buys.filter(pl.col("channel") == "email")
    own = email["revenue"].sum() / email["user_id"].n_unique() / months
    cac = spend.filter(pl.col("channel") == "email")["spend"].item() / email["user_id"].n_unique()
    row = _channels(app).filter(pl.col("channel") == "email").row(0, named=True)
    assert row["payback_months"] == pytest.approx(cac / own, abs=0.05)


def test_device_filter_hides_cac_and_says_why(app):
    # a device filter: no CAC / ROAS / payback numbers, and an explanation
    app.query_params["device"] = ["mobile"]
    app.query_params["period"] = ["2025-11-01", "2025-11-30"]
    app.run()
    app.switch_page(PAGE).run()
    assert errors_and_exceptions(app) == []
    info = " ".join(i.value for i in app.info)
    assert "filtered by device" in info and "Remove the device filter" in info
    labels = [m.label for m in app.metric]
    assert "CAC (all paid channels)" not in labels and defs_label("roas") not in labels
    assert len(app.main.dataframe) == 0  # (the sidebar's calendar editor is a table too)
    assert "Average order value" in labels  # the rest of the page still shows


def test_november_cac_counts_first_ever_purchases_only(app):
    """With the November period, a customer who first bought before November is not new."""
    from datetime import date, datetime

    app.query_params["period"] = ["2025-11-01", "2025-11-30"]
    app.run()
    app.switch_page(PAGE).run()
    assert errors_and_exceptions(app) == []
    buys, _ = plain_demo()
    # plain polars: each buyer's first-ever purchase (whole history), kept when in November
    first = buys.group_by("user_id", "channel").agg(pl.col("event_time").min().alias("first"))
    nov = first.filter(
        pl.col("first").is_between(datetime(2025, 11, 1), datetime(2025, 12, 1), closed="left")
    )
    new = dict(nov.group_by("channel").agg(pl.len()).iter_rows())
    returning = buys.filter(
        pl.col("event_time") >= datetime(2025, 11, 1), pl.col("event_time") < datetime(2025, 12, 1)
    ).join(nov, on="user_id", how="anti")
    assert returning["user_id"].n_unique() > 0  # the demo has November buyers who are not new
    spend = pl.read_csv(DEMO / "ad_spend.csv", try_parse_dates=True).filter(
        pl.col("month") == date(2025, 11, 1)
    )
    nov_spend = dict(spend.group_by("channel").agg(pl.col("spend").sum()).iter_rows())
    table = _channels(app)
    rows = {r["channel"]: r for r in table.iter_rows(named=True)}
    assert set(new) <= set(rows)
    for ch, n in new.items():
        assert rows[ch]["new_customers"] == n, ch
    for ch, sp in nov_spend.items():
        assert rows[ch]["spend"] == pytest.approx(sp, abs=0.005)
        assert rows[ch]["cac"] == pytest.approx(sp / new[ch], abs=0.005), ch
    paid = sum(new[c] for c in nov_spend)
    cac_all = sum(nov_spend.values()) / paid
    m = _metrics(app)
    assert m["CAC (all paid channels)"] == f"{cac_all:,.2f}"
    # ROAS: November revenue of all the channel's customers (new and returning) ÷ its spend
    in_nov = buys.filter(
        pl.col("event_time").dt.month() == 11, pl.col("event_time").dt.year() == 2025
    )
    rev = dict(in_nov.group_by("channel").agg(pl.col("revenue").sum()).iter_rows())
    for ch, sp in nov_spend.items():
        assert rows[ch]["roas"] == pytest.approx(rev[ch] / sp, abs=0.005), ch


# ---------------------------------------------------------------- in French


@pytest.mark.parametrize("upload", [False, True], ids=["demo", "shopify_orders"])
def test_value_page_in_french(app, upload):
    from tests.app.french_pages import english_left, run_in_french

    text = run_in_french(app, PAGE, upload=upload)
    assert english_left(text) == []
    for words in ("Valeur vie client (CLV)", "Panier moyen", "Taux d'achat répété"):
        assert words in text
    m = {x.label: x.value for x in app.metric}
    # figures the French way: 79,90 (decimal comma), 2 485 commandes (narrow no-break space);
    # the Shopify export says its currency (Currency = EUR): amounts carry it, 72,83 €
    if upload:
        assert m["Panier moyen"] == "72,83\u00a0€"
        assert "5\u202f243,98\u00a0€ de chiffre d'affaires sur 72 commandes." in text
        # no ad spend in an orders export: which file would unlock CAC, in French
        assert "Importez un export des dépenses publicitaires" in text
    else:
        assert m["Panier moyen"] == "79,90"
        assert "198\u202f550,78 de chiffre d'affaires sur 2\u202f485 commandes." in text
        assert m["Ratio CLV/CAC"] == "2,50"
        assert m["Délai de retour sur investissement du CAC"].endswith("\u00a0mois")
        assert "Ratio CLV/CAC par canal payant" in text  # the chart's title


def test_money_is_written_with_the_data_currency(app, monkeypatch):
    """When the Dataset says its currency (``Dataset.currency``, an ISO code), amounts carry
    it as each locale writes it: 79,90 € in French, €79.90 in English; without it no symbol
    (the other tests)."""
    import pages._ui.kpi_figures as figures

    monkeypatch.setattr(figures, "currency_of", lambda ds: "EUR")
    app.query_params["lang"] = "fr"
    app.run()
    app.switch_page(PAGE).run()
    assert errors_and_exceptions(app) == []
    m = {x.label: x.value for x in app.metric}
    assert m["Panier moyen"] == "79,90\u00a0€"
    captions = " ".join(c.value for c in app.caption)
    assert "198\u202f550,78\u00a0€ de chiffre d'affaires sur 2\u202f485 commandes." in captions
    headline = " ".join(x.value for x in app.markdown)
    assert "= 79,90\u00a0€ × 1,29 × 3 = 309,25\u00a0€" in headline
    app.query_params["lang"] = "en"
    app.session_state["lang"] = "en"
    app.run()
    m = {x.label: x.value for x in app.metric}
    assert m["Average order value"] == "€79.90"
