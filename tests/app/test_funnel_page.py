"""AppTest of the Funnel page: real uploads and the demo data, numbers checked independently."""

from __future__ import annotations

import datetime as dt
import json
import re

import polars as pl
import pytest

from kpi import funnel
from tests.app.conftest import DATASETS, errors_and_exceptions

PAGE = "pages/funnel_view.py"
FUNNEL_FILES = [
    ("home_page_table.csv", "home_page"),
    ("search_page_table.csv", "search_page"),
    ("payment_page_table.csv", "payment_page"),
    ("payment_confirmation_table.csv", "payment_confirmation_page"),
]


def _frame(at, *columns: str) -> pl.DataFrame:
    """The first dataframe on screen that has these columns (as polars)."""
    for df in at.dataframe:
        value = df.value
        if set(columns) <= set(value.columns):
            return pl.from_pandas(value)
    raise AssertionError(f"no table with columns {columns}")


def _text(at) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += [w.value for w in at.warning] + [i.value for i in at.info]
    return "\n".join(parts)


def _reference_ecommerce() -> tuple[list[int], dict[str, list[int]], dict[str, list[int]]]:
    """Membership funnel with plain polars: a user reaches page k when they are in the tables
    of pages 1..k (overall, by device, by signup month)."""
    folder = DATASETS / "ecommerce_funnel"
    users = pl.read_csv(folder / "user_table.csv").with_columns(
        pl.col("user_id").cast(pl.String),
        pl.col("date").str.slice(0, 7).alias("month"),
    )
    reached = users.select("user_id", "device", "month")
    totals, by_device, by_month = [], {}, {}
    for i, (name, _) in enumerate(FUNNEL_FILES):
        ids = pl.read_csv(folder / name).select(pl.col("user_id").cast(pl.String)).unique()
        reached = reached.join(ids, on="user_id", how="semi")
        totals.append(reached.height)
        for key, out in (("device", by_device), ("month", by_month)):
            counts = dict(reached.group_by(key).len().iter_rows())
            for value in users[key].unique().to_list():
                out.setdefault(value, [0] * len(FUNNEL_FILES))[i] = counts.get(value, 0)
    return totals, by_device, by_month


def _upload_ecommerce(app) -> None:
    folder = DATASETS / "ecommerce_funnel"
    files = [(n, (folder / n).read_bytes(), "text/csv") for n, _ in FUNNEL_FILES]
    files.append(("user_table.csv", (folder / "user_table.csv").read_bytes(), "text/csv"))
    app.sidebar.file_uploader[0].set_value(files).run()


def test_ecommerce_upload_funnel_by_device_and_cohort(app):
    if not DATASETS.exists():
        pytest.skip("../shared/datasets missing")
    totals, by_device, by_month = _reference_ecommerce()
    assert totals == [90_400, 45_200, 6_030, 452]
    assert by_device["Desktop"] == [60_200, 30_100, 3_010, 150]
    assert by_device["Mobile"] == [30_200, 15_100, 3_020, 302]
    assert by_month["2015-03"] == [22_600, 8_879, 631, 44]

    app.run()
    app.switch_page(PAGE).run()
    _upload_ecommerce(app)
    assert errors_and_exceptions(app) == []
    table = _frame(app, "step", "users", "drop_off")
    assert table["step"].to_list() == [s for _, s in FUNNEL_FILES]
    assert table["users"].to_list() == totals
    drops = [90_400 - 45_200, 45_200 - 6_030, 6_030 - 452]
    assert table["drop_off"].to_list() == ["–"] + [f"{d:,}" for d in drops]  # not "None"
    assert table["drop_off_rate"].to_list()[0] == "–"
    assert table["drop_off_rate"].to_list()[-1] == f"{(6_030 - 452) / 6_030 * 100:.1f}%"
    assert table["conversion"].to_list()[-1] == pytest.approx(452 / 90_400)
    text = _text(app)
    assert "Membership funnel" in text  # no timestamps: said so, controls disabled
    assert app.segmented_control(key="fn_order").disabled
    assert app.number_input(key="fn_window").disabled
    # step names are user values: escaped for Markdown (shown literally)
    assert (
        "The biggest drop-off is from payment\\_page to payment\\_confirmation\\_page: 92.5%"
        in text
    )
    # no timestamps: never suggest the (switched-off) order or window controls
    assert "**any** order" not in text and "longer window" not in text

    app.selectbox(key="fn_by").set_value("device").run()
    assert errors_and_exceptions(app) == []
    seg = _frame(app, "device", "step", "users")
    for device in ("Desktop", "Mobile"):
        assert seg.filter(pl.col("device") == device)["users"].to_list() == by_device[device]
    assert "Segment users add up to the total at every step" in _text(app)
    assert "✓" in _text(app)

    app.selectbox(key="fn_by").set_value("cohort").run()
    assert errors_and_exceptions(app) == []
    seg = _frame(app, "cohort", "step", "users")
    assert seg.filter(pl.col("cohort") == "2015-03")["users"].to_list() == by_month["2015-03"]
    sums = seg.group_by("step", maintain_order=True).agg(pl.col("users").sum())
    assert sums["users"].to_list() == totals


def test_demo_funnel_matches_kpi_and_comparison(app):
    app.query_params["fn_tab"] = ["previous"]  # only the open tab is computed
    app.run()
    app.switch_page(PAGE).run()
    assert errors_and_exceptions(app) == []
    ds = app.session_state["dataset"]
    expected = funnel.funnel(ds.events, list(ds.steps), window=dt.timedelta(days=14))
    table = _frame(app, "step", "users", "conversion")
    assert table["step"].to_list() == list(ds.steps)
    assert table["users"].to_list() == expected["users"].to_list()
    assert table["step_conversion"].to_list() == pytest.approx(
        expected["step_conversion"].to_list()
    )
    assert "No earlier period to compare with" in _text(app)
    # a period: the comparison with the previous period appears
    app.date_input(key="period").set_value((dt.date(2025, 10, 1), dt.date(2025, 10, 31))).run()
    assert errors_and_exceptions(app) == []
    comp = _frame(app, "users_current", "users_previous", "p_value")
    october = ds.events.filter(
        pl.col("ts").is_between(dt.datetime(2025, 10, 1), dt.datetime(2025, 11, 1), closed="left")
    )
    september = ds.events.filter(
        pl.col("ts").is_between(dt.datetime(2025, 9, 1), dt.datetime(2025, 10, 1), closed="left")
    )
    now = funnel.funnel(october, list(ds.steps), window=dt.timedelta(days=14))
    # the previous period of a whole month is the previous calendar month: September 1-30
    before = funnel.funnel(september, list(ds.steps), window=dt.timedelta(days=14))
    assert comp["users_current"].to_list() == now["users"].to_list()
    assert comp["users_previous"].to_list() == before["users"].to_list()


def test_url_params_steps_order_and_segment(app):
    steps = ["landing", "add_to_cart", "purchase"]
    app.query_params["fn_steps"] = steps
    app.query_params["fn_order"] = ["any"]
    app.query_params["fn_window"] = ["3"]
    app.query_params["fn_unit"] = ["days"]
    app.query_params["device"] = ["mobile"]
    app.run()
    app.switch_page(PAGE).run()
    assert errors_and_exceptions(app) == []
    assert app.multiselect(key="fn_steps").value == steps
    assert app.segmented_control(key="fn_order").value == "any"
    ds = app.session_state["dataset"]
    mobile = ds.users.filter(pl.col("device") == "mobile").select("user_id")
    events = ds.events.join(mobile, on="user_id", how="semi")
    expected = funnel.funnel(events, steps, order="any", window=dt.timedelta(days=3))
    table = _frame(app, "step", "users", "conversion")
    assert table["step"].to_list() == steps
    assert table["users"].to_list() == expected["users"].to_list()
    assert table["users"][0] == mobile.height  # every demo user lands


def test_rees46_strict_sequence_undercount_is_explained(app):
    if not DATASETS.exists():
        pytest.skip("../shared/datasets missing")
    raw = pl.read_csv(DATASETS / "rees46_events_sample.csv")
    buyers = raw.filter(pl.col("event_type") == "purchase").select("user_id").unique()
    carts = raw.filter(pl.col("event_type") == "cart").select("user_id").unique()
    no_cart = buyers.join(carts, on="user_id", how="anti").height
    app.run()
    app.switch_page(PAGE).run()
    data = (DATASETS / "rees46_events_sample.csv").read_bytes()
    app.sidebar.file_uploader[0].set_value(("rees46_events_sample.csv", data, "text/csv")).run()
    assert errors_and_exceptions(app) == []
    assert app.multiselect(key="fn_steps").value == ["view", "cart", "purchase"]
    warning = "\n".join(w.value for w in app.warning)
    assert f"{buyers.height:,} users did purchase" in warning
    assert f"{no_cart:,} of them have no cart event" in warning
    assert "**any** order" in warning and "open funnel" in warning


def _chart_data(at, title: str) -> pl.DataFrame:
    """The data of the chart with this title (Arrow bytes sent to the browser)."""
    import json

    import pyarrow as pa

    for chart in at.get("vega_lite_chart"):
        spec = json.loads(chart.proto.spec)
        if title in json.dumps(spec.get("title", "")):
            data = chart.proto.datasets[0].data.data
            return pl.from_arrow(pa.ipc.open_stream(data).read_all())  # type: ignore[return-value]
    raise AssertionError(f"no chart titled {title!r}")


def _chart_spec(at, title: str) -> dict:
    """The Vega-Lite spec of the chart with this title."""
    import json

    for chart in at.get("vega_lite_chart"):
        spec = json.loads(chart.proto.spec)
        if title in json.dumps(spec.get("title", "")):
            return spec
    raise AssertionError(f"no chart titled {title!r}")


@pytest.mark.parametrize("tab", ["time", "ttc"])
def test_trend_and_time_to_convert_tabs(app, tab):
    app.query_params["fn_tab"] = [tab]
    app.run()
    app.switch_page(PAGE).run()
    assert errors_and_exceptions(app) == []
    ds = app.session_state["dataset"]
    steps = list(ds.steps)
    expected = funnel.funnel(ds.events, steps, window=dt.timedelta(days=14))
    if tab == "ttc":
        hist = _chart_data(app, "How long converting users took")
        assert hist["users"].sum() == expected["users"][-1]  # every converter is in one bin
    else:
        trend = _chart_data(app, "Conversion by entry week")
        spec = _chart_spec(app, "Conversion by entry week")
        # the line layer (the target and benchmark layers of pages/_ui/target_marks.py beside it)
        line = next(lay for lay in spec.get("layer", [spec]) if "x" in lay.get("encoding", {}))
        assert line["encoding"]["x"]["axis"]["tickCount"]["interval"] == "week"  # not daily
        assert spec["config"]["axis"]["labelFontSize"] >= 16
        bars = _chart_spec(app, "reaching each step")
        text_layer = next(lay for lay in bars["layer"] if lay["mark"]["type"] == "text")
        assert text_layer["encoding"]["y"]["field"] == "users"  # on the blue "reached" bar
        assert bars["config"]["axis"]["labelFontSize"] >= 16
        assert set(trend["step"]) == set(steps[1:])
        first_week = trend["period"].min()
        assert trend.filter(pl.col("period") == first_week)["conversion"].max() <= 1.0


def test_aggregated_counts_upload(app):
    csv = (
        b"device,step,users\nmobile,visit,600\nmobile,cart,60\nmobile,buy,6\n"
        b"desktop,visit,400\ndesktop,cart,100\ndesktop,buy,30\n"
    )
    app.run()
    app.switch_page(PAGE).run()
    app.sidebar.file_uploader[0].set_value(("counts.csv", csv, "text/csv")).run()
    assert errors_and_exceptions(app) == []
    assert "Aggregated counts" in _text(app)
    table = _frame(app, "step", "users", "drop_off")
    assert table["users"].to_list() == [1000, 160, 36]  # 600 + 400, 60 + 100, 6 + 30
    assert table["step_conversion"].to_list() == pytest.approx([1.0, 0.16, 36 / 160])
    app.selectbox(key="fn_by").set_value("device").run()
    seg = _frame(app, "device", "step", "users")
    assert seg.filter(pl.col("device") == "desktop")["conversion"].to_list() == pytest.approx(
        [1.0, 0.25, 0.075]
    )
    text = _text(app)
    # 6 sessions at the last step: the ranking may be chance, and counts are not "users"
    assert "mobile converts 1.00% vs 3.60% overall (the weakest segment; only 6 at" in text
    assert "few users, may be chance" in text
    assert "84.0% of the count is lost (1,000 → 160)" in text
    assert "of users" not in text


def test_breakdown_flags_the_segment_whose_step_fell(app):
    """Demo data, November by device: mobile checkout → purchase fell significantly vs October
    (the 2025-11-03 release): a ▼ on mobile's purchase row and bar, a red flag naming mobile,
    and per segment × step changes in 'Vs previous period'; desktop is not flagged."""
    from kpi.alerts import step_changes
    from kpi.filters import Filters

    app.query_params["fn_by"] = ["device"]
    app.run()
    app.switch_page(PAGE).run()
    app.date_input(key="period").set_value((dt.date(2025, 11, 1), dt.date(2025, 11, 30))).run()
    assert errors_and_exceptions(app) == []
    seg = _frame(app, "device", "step", "users", "vs_previous")
    marked = seg.filter(pl.col("vs_previous") != "")
    assert marked.select("device", "step").rows() == [("mobile", "purchase")]
    assert marked["vs_previous"][0].startswith(
        "▼ fell -20.7 pp vs previous period (p < 0.0001, Holm)"
    )
    alerts_text = [e.value for e in app.error]
    assert any(
        "Conversion from checkout to purchase for device mobile fell from 58.2% to 37.5%" in t
        for t in alerts_text
    )
    assert not any("device desktop" in t for t in alerts_text)

    # the chart carries the marker layer
    layers = [
        layer
        for c in app.get("vega_lite_chart")
        for layer in json.loads(c.proto.spec).get("layer", [])
    ]
    assert any(layer["mark"].get("text") == "▼" for layer in layers)

    app.query_params["fn_tab"] = ["previous"]
    app.switch_page(PAGE).run()
    assert errors_and_exceptions(app) == []
    table = _frame(app, "device", "step_conversion_previous", "p_adjusted")
    ds = app.session_state["dataset"]
    window = dt.timedelta(days=14)
    nov = Filters(start=dt.date(2025, 11, 1), end=dt.date(2025, 11, 30))
    cur = funnel.funnel(
        nov.apply(ds).events_with(["device"]), list(ds.steps), by=["device"], window=window
    )
    prev = funnel.funnel(
        nov.previous().apply(ds).events_with(["device"]),
        list(ds.steps),
        by=["device"],
        window=window,
    )
    expected = step_changes(cur, prev)
    assert table["device"].to_list() == expected["device"].to_list()
    assert table["p_adjusted"].to_list() == pytest.approx(expected["p_adjusted"].to_list())
    flagged = table.filter(pl.col("flag") == "▼ fell")
    assert flagged.select("device", "step").rows() == [("mobile", "checkout → purchase")]


def test_tracking_gap_on_the_data_and_funnel_pages(app):
    """GA4 merchandise store (aggregated counts): add-to-cart is 0 on 18 days in November 2020
    while checkout is not; both pages say which step, the dates, the days and what it means."""
    if not DATASETS.exists():
        pytest.skip("../shared/datasets missing")
    data = (DATASETS / "ga4_merch_store" / "BigQuery_conversion_funnel.csv").read_bytes()
    app.run()
    app.sidebar.file_uploader[0].set_value(("ga4.csv", data, "text/csv")).run()
    expected = (
        "**Tracking gap: visit_to_cart** is 0 on 18 days between Nov 2, 2020 and Nov 24, 2020 "
        "(14 days from Nov 2, 2020 to Nov 15, 2020 and 4 days from Nov 21, 2020 to Nov 24, "
        "2020), while visit_to_checkout counted "
    )
    meaning = (
        "The step was probably not tracked then; conversions from that step are unreliable "
        "before Nov 25, 2020."
    )
    for page in ("pages/data_view.py", PAGE):
        app.switch_page(page).run()
        assert errors_and_exceptions(app) == []
        gaps = [w.value.replace("\\", "") for w in app.warning if "Tracking gap" in w.value]
        assert len(gaps) == 1, page
        assert gaps[0].startswith(expected) and gaps[0].endswith(meaning)


def test_no_tracking_gap_on_the_demo(app):
    app.run()
    app.switch_page(PAGE).run()
    assert errors_and_exceptions(app) == []
    assert not [w for w in app.warning if "Tracking gap" in w.value]


# ---------------------------------------------------------------- French, from the catalogue


def _english_sentences() -> list[str]:
    """English sentences of the funnel's catalogue modules: templates without fields, longer
    than three words (the French view must show none of them)."""
    from kpi.words.catalogue import alerts as alerts_words
    from kpi.words.catalogue import funnel as funnel_words
    from kpi.words.catalogue import steps as steps_words

    out = []
    for module in (funnel_words, alerts_words, steps_words):
        for en, fr in module.MESSAGES.values():
            if "{" not in en and len(en.split()) > 3 and en != fr:
                out.append(en)
    return out


def _everything(at) -> str:
    """Every text of the page: Markdown, notes, widget labels and help, table headers, charts."""
    parts = [e.value for kind in ("title", "markdown", "caption", "info", "warning", "error")
             for e in getattr(at, kind)]  # fmt: skip
    for kind in ("multiselect", "selectbox", "number_input", "toggle", "button"):
        for w in getattr(at, kind):
            parts += [str(w.label), str(getattr(w, "help", "") or "")]
    for w in at.get("segmented_control"):
        parts += [str(w.proto.label), str(w.proto.help), *map(str, w.options)]
    parts += [df.proto.columns for df in at.dataframe]
    parts += [
        json.dumps(json.loads(c.proto.spec), ensure_ascii=False) for c in at.get("vega_lite_chart")
    ]
    parts += [str(m.label) for m in at.metric]
    parts += [str(e.proto.label) for e in at.expander]
    return "\n".join(parts)


def _assert_french(at) -> str:
    assert errors_and_exceptions(at) == []
    text = _everything(at)
    leaks = [s for s in _english_sentences() if s in text]
    assert leaks == []
    return text


@pytest.mark.parametrize("tab", ["segments", "time", "previous", "ttc"])
def test_the_funnel_page_in_french_on_the_demo(app, tab):
    app.query_params["lang"] = "fr"
    app.query_params["fn_by"] = ["device"]
    app.query_params["fn_tab"] = [tab]
    app.run()
    app.switch_page(PAGE).run()
    app.date_input(key="period").set_value((dt.date(2025, 11, 1), dt.date(2025, 11, 30))).run()
    text = _assert_french(app)
    for word in ("Entonnoir", "Étapes de l'entonnoir", "Fenêtre de conversion", "Ventiler par",
                 "point de friction", "Seuils d'alerte", "Taux de conversion"):  # fmt: skip
        assert word in text, word
    # the numbers are French too: 81,3 % (a no-break space before %)
    assert "\u00a0%" in text
    if tab == "segments":
        assert "La somme des segments égale le total à chaque étape" in text
        assert "Baisse à une étape de l'entonnoir" in text  # mobile checkout → purchase
        seg = _frame(app, "device", "step", "users", "vs_previous")
        assert seg.filter(pl.col("vs_previous") != "")["vs_previous"][0].startswith(
            "▼ en baisse de -20,7\u00a0pt vs période précédente"
        )
    elif tab == "time":
        assert "Conversion par semaine d'entrée" in text
    elif tab == "previous":
        assert "Par rapport à la période précédente" in text and "1 oct. 2025" in text
    else:
        assert "Combien de temps les convertis ont mis" in text
    # the URL keeps language-neutral values
    assert app.query_params.get("fn_tab") in (None, tab)


def test_the_funnel_page_in_french_on_aggregated_counts_and_user_text_stays_literal(app):
    """Aggregated counts in French: "décompte", never "users"; a segment and a step named
    **promo** are shown exactly as typed (escaped for Markdown), not in bold."""
    csv = (
        b"device,step,users\n**promo**,visit,600\n**promo**,**promo**,60\n**promo**,buy,6\n"
        b"desktop,visit,400\ndesktop,**promo**,100\ndesktop,buy,30\n"
    )
    app.query_params["lang"] = "fr"
    app.run()
    app.switch_page(PAGE).run()
    app.sidebar.file_uploader[0].set_value(("counts.csv", csv, "text/csv")).run()
    app.selectbox(key="fn_by").set_value("device").run()
    text = _assert_french(app)
    assert "Décomptes agrégés" in text
    assert "le décompte baisse de 84,0\u00a0%" in text  # visit → **promo**: 1 000 → 160
    assert "Au total, 3,60\u00a0% du décompte de visit atteint buy" in text
    shown = "\n".join(m.value for m in [*app.markdown, *app.caption, *app.warning, *app.error])
    assert "\\*\\*promo\\*\\*" in shown  # escaped: Markdown shows the asterisks
    assert re.search(r"(?<!\\)\*\*promo", shown) is None  # never bold
    assert "de visit à \\*\\*promo\\*\\*" in shown
    assert "\\*\\*promo\\*\\* convertit 1,00\u00a0%" in shown  # the weakest segment
    seg = _frame(app, "device", "step", "users")
    assert "**promo**" in seg["device"].to_list() and "**promo**" in seg["step"].to_list()


def test_the_funnel_settings_survive_a_visit_to_another_page(app):
    """Streamlit forgets the state of widgets a page does not draw: the Funnel page keeps its
    FunnelSettings (the one object the workbook also reads) and shows them again on return."""
    from kpi.settings import FunnelSettings

    app.run()
    app.switch_page(PAGE).run()
    app.segmented_control(key="fn_order").set_value("any").run()
    app.number_input(key="fn_window").set_value(3).run()
    app.selectbox(key="fn_unit").set_value("hours").run()
    app.selectbox(key="fn_by").set_value("device").run()
    assert errors_and_exceptions(app) == []
    stored = app.session_state["fn_settings"]
    assert isinstance(stored, FunnelSettings)
    assert (stored.order, stored.window, stored.segment) == ("any", dt.timedelta(hours=3), "device")
    assert (stored.window_amount, stored.window_unit) == (3, "hours")
    app.switch_page("pages/home_view.py").run()
    for name in list(app.query_params):  # another page's URL: no fn_ parameters
        del app.query_params[name]
    app.run()
    assert errors_and_exceptions(app) == []
    assert "fn_order" not in app.session_state  # Streamlit forgot the undrawn control
    app.switch_page(PAGE).run()
    assert errors_and_exceptions(app) == []
    assert app.segmented_control(key="fn_order").value == "any"
    assert app.number_input(key="fn_window").value == 3
    assert app.selectbox(key="fn_unit").value == "hours"
    assert app.selectbox(key="fn_by").value == "device"
    ds = app.session_state["dataset"]
    expected = funnel.funnel(ds.events, list(ds.steps), order="any", window=dt.timedelta(hours=3))
    assert (
        _frame(app, "step", "users", "conversion")["users"].to_list() == expected["users"].to_list()
    )


def test_url_values_stay_language_neutral_in_french(app):
    """Widgets show French words, the URL keeps the option values (a link opens the same view
    in English); an old link's fn_unit=no limit still means no window."""
    app.query_params["lang"] = "fr"
    app.query_params["fn_unit"] = ["no limit"]
    app.run()
    app.switch_page(PAGE).run()
    assert app.selectbox(key="fn_unit").value == "none"
    app.segmented_control(key="fn_order").set_value("any").run()
    app.segmented_control(key="fn_tab").set_value("ttc").run()
    assert errors_and_exceptions(app) == []
    assert app.segmented_control(key="fn_order").options == [
        "dans l'ordre",
        "dans n'importe quel ordre",
    ]
    assert app.query_params["fn_order"] == "any"
    assert app.query_params["fn_unit"] == "none"
    assert app.query_params["fn_tab"] == "ttc"
    ds = app.session_state["dataset"]
    expected = funnel.funnel(ds.events, list(ds.steps), order="any", window=None)
    assert (
        _frame(app, "step", "users", "conversion")["users"].to_list() == expected["users"].to_list()
    )
    # the same link in English
    app.session_state["lang"] = "en"
    app.run()
    assert app.segmented_control(key="fn_order").value == "any"
    assert "Combien de temps" not in _everything(app)
    assert "How long converting users took" in _everything(app)


def _shown(df) -> pl.DataFrame:
    """A table's cells as the page shows them (the display values of its Styler)."""
    import pyarrow as pa

    table = pa.ipc.open_stream(df.proto.arrow_data.styler.display_values).read_all()
    return pl.from_arrow(table)  # type: ignore[return-value]


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_step_table_writes_its_numbers_in_the_view_language(app, lang):
    """The numbers stay numbers (sorting); the cells read as the language writes them, not as
    Streamlit's number formats (English decimals) would."""
    app.query_params["lang"] = lang
    app.run()
    app.switch_page("pages/funnel_view.py").run()
    assert errors_and_exceptions(app) == []
    df = next(d for d in app.dataframe if {"step", "users", "conversion"} <= set(d.value.columns))
    users = [int(u) for u in df.value["users"]]
    conversion = [float(c) for c in df.value["conversion"]]
    assert users[0] == 50_000 and conversion[0] == pytest.approx(1.0)
    shown = _shown(df)
    ref = funnel.funnel(
        app.session_state["dataset"].events,
        ["landing", "product_view", "add_to_cart", "checkout", "purchase"],
    )
    assert users == ref["users"].to_list()
    if lang == "fr":
        assert shown["users"][0] == "50\u202f000"
        assert shown["conversion"].to_list()[-1] == "4,09\u00a0%"
        assert shown["conversion"][0] == "100,0\u00a0%"
    else:
        assert shown["users"][0] == "50,000"
        assert shown["conversion"].to_list()[-1] == "4.09%"
