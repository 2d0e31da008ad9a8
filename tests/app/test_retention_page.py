"""AppTest of the Retention page: demo data and the Online Retail upload, against plain polars."""

from __future__ import annotations

import itertools
import json

import polars as pl
import pytest

from kpi.words import format as fmt
from tests.app.conftest import DATASETS, ROOT, errors_and_exceptions

PAGE = "pages/retention_view.py"
RETAIL = DATASETS / "online_retail.csv"


def _metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def figure(text: str | None) -> float | None:
    """A figure as the page writes it (``36.6%``, ``1,475``; French ``36,6 %``, ``1 475``) as a
    number: percentages as fractions."""
    if text is None or text == fmt.MISSING:
        return None
    plain = text.replace("\u202f", "").replace("\u00a0", "").replace("*", "")
    if "%" in plain:
        plain = plain.replace("%", "").replace(",", ".")
        return float(plain) / 100
    return float(plain.replace(",", "").replace(".", ""))


def _matrix(at) -> pl.DataFrame:
    """The cohort table the page shows (the first dataframe), its figures read back as numbers
    (written as the locale writes them: percentages rounded by the app's precision rule)."""
    table = pl.from_pandas(at.dataframe[0].value)
    figures = [
        c for c in table.columns if c == "cohort_size" or (c[:1] in "MWSJD" and c[1:].isdigit())
    ]
    return table.with_columns(
        pl.col(c).map_elements(figure, return_dtype=pl.Float64, skip_nulls=False) for c in figures
    )


def demo_events() -> pl.DataFrame:
    """The demo events read with plain polars (independent of kpi.load / kpi.schema)."""
    return pl.read_csv(
        ROOT / "data" / "demo" / "events.csv.gz",
        try_parse_dates=True,
        schema_overrides={"order_id": pl.String, "revenue": pl.Float64},
    )


def test_demo_cohorts_and_cards_match_plain_polars(app):
    app.run()
    app.switch_page(PAGE).run()
    assert errors_and_exceptions(app) == []
    ev = demo_events()
    month = pl.col("event_time").dt.truncate("1mo")
    first = ev.group_by("user_id").agg(month.min().alias("c"))
    active = ev.select("user_id", month.alias("m")).unique().join(first, on="user_id")
    june = first.filter(pl.col("c").dt.month() == 6).height
    june_m1 = active.filter(pl.col("c").dt.month() == 6, pl.col("m").dt.month() == 7).height
    table = _matrix(app)
    row = table.filter(pl.col("cohort") == "Jun 2025").row(0, named=True)
    assert row["cohort_size"] == june
    assert row["M1"] == pytest.approx(june_m1 / june, abs=0.0005)  # shown with 1 decimal
    assert table["cohort"].to_list()[-1] == "Average (weighted)"
    # repeat purchase: customers with 2+ distinct orders / customers
    orders = (
        ev.filter(pl.col("event_name") == "purchase")
        .group_by("user_id")
        .agg(pl.col("order_id").n_unique().alias("n"))
    )
    repeat = orders.filter(pl.col("n") >= 2).height / orders.height
    assert _metrics(app)["Repeat-purchase rate"] == fmt.percent(repeat, "en") == "17.3%"
    assert _metrics(app)["Purchase frequency"] == f"{orders['n'].sum() / orders.height:.2f}"
    # the churn rule is stated in words with the chosen inactivity limit
    captions = " ".join(c.value for c in app.caption)
    assert "within 90 days" in captions and "Churn = lost" in captions
    # heatmap: one rect per cell, incomplete cells greyed with a note
    spec = json.loads(app.get("vega_lite_chart")[0].proto.spec)
    assert spec["layer"][0]["mark"]["type"] == "rect"
    assert "in progress" in json.dumps(spec["title"])


def test_url_view_on_or_after_weekly_by_device(app):
    app.query_params["rt_mode"] = ["on or after"]
    app.query_params["rt_segment"] = ["device"]
    app.query_params["cohort_by"] = ["week"]
    app.query_params["rt_inactive"] = ["30"]
    app.run()
    app.switch_page(PAGE).run()
    assert errors_and_exceptions(app) == []
    table = _matrix(app)
    assert table["cohort"][0].startswith("Week of ")
    # on or after never rises along a cohort
    cells = table.filter(pl.col("cohort") != "Average (weighted)").select(
        [c for c in table.columns if c.startswith("W")]
    )
    for r in cells.iter_rows():
        vals = [v for v in r if v is not None]
        assert all(a >= b - 1e-12 for a, b in itertools.pairwise(vals))
    assert "within 30 days" in " ".join(c.value for c in app.caption)
    titles = [json.loads(c.proto.spec).get("title") for c in app.get("vega_lite_chart")]
    assert any("device" in json.dumps(t) for t in titles)


def test_a_link_is_the_same_view_in_french(app):
    """The URL carries the choices' values, not their words: an English link opens the same
    view in French, and choosing in French writes the same values (``?rt_mode=on or after``,
    not ``N ou après``)."""
    app.query_params["lang"] = "fr"
    app.query_params["rt_mode"] = ["on or after"]
    app.query_params["rt_segment"] = ["device"]
    app.run()
    app.switch_page(PAGE).run()
    assert errors_and_exceptions(app) == []
    assert app.segmented_control(key="rt_mode").value == "on or after"
    assert app.selectbox(key="rt_segment").value == "device"
    # the breakdown in words, as the sidebar's filter: "Appareil", "Rétention par appareil"
    assert "Appareil" in app.selectbox(key="rt_segment").options
    titles = [json.dumps(json.loads(c.proto.spec).get("title")) for c in app.get("vega_lite_chart")]
    assert any("par appareil" in t for t in titles)
    app.segmented_control(key="rt_mode").set_value("on").run()
    app.selectbox(key="rt_segment").set_value("channel").run()
    assert errors_and_exceptions(app) == []
    assert "rt_mode" not in app.query_params  # the default: dropped
    assert app.query_params["rt_segment"] == "channel"


def test_online_retail_upload_shows_published_cohort(app):
    if not RETAIL.exists():
        pytest.skip("../shared/datasets missing")
    app.run()
    app.switch_page(PAGE).run()
    app.sidebar.file_uploader[0].set_value(
        ("online_retail.csv", RETAIL.read_bytes(), "text/csv")
    ).run()
    assert errors_and_exceptions(app) == []
    ds = app.session_state["dataset"]
    (src,) = ds.sources
    # the published cleaning rules, each drop counted with its reason
    assert src.rows_read == 541_909 and src.rows_kept == 397_884
    assert src.dropped == {
        "ingest_rows.missing_user_id": 135_080,
        "ingest_rows.cancellation": 8_905,
        "ingest_rows.non_positive_price": 40,
    }
    table = _matrix(app)
    dec = table.filter(pl.col("cohort") == "Dec 2010").row(0, named=True)
    assert dec["cohort_size"] == 885
    assert round(dec["M1"] * 100, 1) == 36.6
    assert [round(dec[f"M{i}"] * 100, 1) for i in range(2, 7)] == [32.3, 38.4, 36.3, 39.8, 36.3]
    assert _metrics(app)["Repeat-purchase rate"] == "65.6%"
    assert _metrics(app)["Purchase frequency"] == "4.27"


def test_period_filter_shows_cohorts_that_started_in_it(app):
    """?device=mobile&period=2025-09-01..2025-09-30: the September mobile cohort only, with
    its October and November, not every mobile user active in September."""
    app.query_params["device"] = ["mobile"]
    app.query_params["period"] = ["2025-09-01", "2025-09-30"]
    app.run()
    app.switch_page(PAGE).run()
    assert errors_and_exceptions(app) == []
    ev = demo_events()
    users = pl.read_csv(ROOT / "data" / "demo" / "users.csv").filter(pl.col("device") == "mobile")
    ev = ev.join(users.select("user_id"), on="user_id", how="semi")
    first = ev.group_by("user_id").agg(pl.col("event_time").min().alias("f"))
    sept = first.filter(pl.col("f").dt.month() == 9)
    oct_active = (
        ev.join(sept, on="user_id", how="semi").filter(pl.col("event_time").dt.month() == 10)
    )["user_id"].n_unique()
    table = _matrix(app)
    row = table.filter(pl.col("cohort") == "Sep 2025").row(0, named=True)
    assert table["cohort"].to_list() == ["Sep 2025", "Average (weighted)"]
    assert row["cohort_size"] == sept.height
    assert row["M1"] == pytest.approx(oct_active / sept.height, abs=0.0005)
    assert row["M2"] is not None  # followed after the period (November)
    captions = " ".join(c.value for c in app.caption)
    assert "Cohorts that started between Sep 1, 2025 and Sep 30, 2025" in captions
    # churn: the 90 days ending on the period's end, stated with that date, and a number
    assert "to Sep 30, 2025" in captions and "ending on Sep 30, 2025" in captions
    assert _metrics(app)["Churn rate"] not in ("–", "-", "")


def test_a_month_still_in_progress_is_said_not_drawn_as_zero(app):
    """Shopify fixture (2025-03-01 → 2025-04-02): month 1 of the March cohort is in progress,
    so the month-1 trend chart was an empty plot with a '0.000000%' axis."""
    shop = ROOT / "tests" / "fixtures" / "shopify_orders.csv"
    app.run()
    app.switch_page(PAGE).run()
    app.sidebar.file_uploader[0].set_value((shop.name, shop.read_bytes(), "text/csv")).run()
    assert errors_and_exceptions(app) == []
    raw = pl.read_csv(shop, infer_schema_length=0).filter(pl.col("Email").is_not_null())
    first = raw.group_by(pl.col("Email").str.to_lowercase()).agg(pl.col("Created at").min())
    march = first.filter(pl.col("Created at").str.starts_with("2025-03")).height
    assert march == 24
    info = " ".join(i.value for i in app.info)
    assert "No cohort has a complete month 1 yet" in info
    assert f"Mar 2025: 0 of {march} so far" in info
    specs = [json.loads(c.proto.spec) for c in app.get("vega_lite_chart")]
    assert not any("Month 1 retention of each cohort" in json.dumps(s.get("title")) for s in specs)


# ---------------------------------------------------------------- in French


@pytest.mark.parametrize("upload", [False, True], ids=["demo", "shopify_orders"])
def test_retention_page_in_french(app, upload):
    from tests.app.french_pages import english_left, run_in_french

    text = run_in_french(app, PAGE, upload=upload)
    assert english_left(text) == []
    for words in ("Taux d'achat répété", "Fréquence d'achat", "Taux de churn", "Cohorte selon"):
        assert words in text
    metrics = _metrics(app)
    # a figure written the French way: decimal comma, no-break space before %
    repeat = metrics["Taux d'achat répété"]
    assert repeat == ("84,6\u00a0%" if upload else "17,3\u00a0%")
    # cohorts are months named in French, the average row in French
    table = _matrix(app)
    assert table["cohort"].to_list()[-1] == "Moyenne (pondérée)"
    assert ("mars 2025" if upload else "juin 2025") in table["cohort"].to_list()
    if not upload:
        assert "Mois depuis le début de la cohorte (M0 = son propre mois)" in text
        assert "M1" in table.columns
