"""The Funnel page on a connected table (DuckDB): the numbers on the page (the step table, the
breakdown, the previous period and its tests, the trend and time-to-convert charts, the
warnings) equal the upload route's on the same events (kpi.view.View on the Dataset read from a
CSV of them), the sidebar's filters change them, in English and in French, without an
exception and without the connection string anywhere."""

from __future__ import annotations

import datetime as dt
import json

import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

pytest.importorskip("kpi.engine.source")

from kpi import funnel
from kpi.filters import Filters
from kpi.load import read_table
from kpi.schema import TableInput, build_dataset, detect_roles
from kpi.settings import FunnelSettings
from kpi.view import View
from tests.app.conftest import errors_and_exceptions
from tests.app.connected import ROOT, connected_app
from tests.engine.engine_data import STEPS, duckdb_file, events

PAGE = "pages/funnel_view.py"
WINDOW = dt.timedelta(days=14)  # the page's default window
N = 300


def broken_log() -> pl.DataFrame:
    """``events(N)`` where the cart tag broke from 10 to 24 February: those users purchased
    without a cart event (the page says the last step is undercounted, and shows a gap)."""
    log = events(N)
    broken = (
        (pl.col("step") == "cart")
        & (pl.col("ts") >= dt.datetime(2025, 2, 10))
        & (pl.col("ts") < dt.datetime(2025, 2, 25))
    )
    return log.filter(~broken)


@pytest.fixture(scope="module")
def log() -> pl.DataFrame:
    return broken_log()


def upload_view(log: pl.DataFrame, filters: Filters, settings: FunnelSettings) -> View:
    """The upload route: the events as a CSV file, read, detected, built; its View."""
    t = read_table(log.write_csv().encode(), filename="events.csv")
    roles = detect_roles(t.frame, filename="events.csv")
    ds = build_dataset([TableInput("events.csv", t.frame, roles=roles)])
    return View(ds, filters, settings)


def settings(segment: str | None = None) -> FunnelSettings:
    return FunnelSettings(steps=tuple(STEPS), window=WINDOW, segment=segment)


#: each table of the page by what its columns are (AppTest does not give an element's key)
TABLES = {
    "fn_table": lambda c: "drop_off" in c and "device" not in c,
    "fn_seg_table": lambda c: "device" in c and "users" in c,
    "fn_compare": lambda c: "users_previous" in c and "device" not in c,
    "fn_compare_segments": lambda c: "device" in c and "users" not in c,
}


def _element(at, key: str):
    for df in at.dataframe:
        if TABLES[key](set(df.value.columns)):
            return df
    raise AssertionError(f"no table {key!r}: {[list(d.value.columns) for d in at.dataframe]}")


def frame(at, key: str) -> pl.DataFrame:
    """The numbers of the table ``key`` (st.dataframe of a Styler: its data, not its words)."""
    return pl.from_pandas(_element(at, key).value)


def shown(at, key: str) -> pl.DataFrame:
    """The table ``key`` as the page writes it (the Styler's display values)."""
    import pyarrow as pa

    data = _element(at, key).proto.arrow_data.styler.display_values
    return pl.from_arrow(pa.ipc.open_stream(data).read_all())  # type: ignore[return-value]


def chart(at, title: str) -> pl.DataFrame:
    """The data of the chart with this title (Arrow bytes sent to the browser)."""
    import pyarrow as pa

    for c in at.get("vega_lite_chart"):
        spec = json.loads(c.proto.spec)
        if title in json.dumps(spec.get("title", ""), ensure_ascii=False):
            data = c.proto.datasets[0].data.data
            return pl.from_arrow(pa.ipc.open_stream(data).read_all())  # type: ignore[return-value]
    raise AssertionError(f"no chart titled {title!r}")


def everything(at) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += [w.value for w in at.warning] + [i.value for i in at.info]
    parts += [e.value for e in at.error] + [t.value for t in at.title]
    parts += [str(dict(at.query_params))]
    return "\n".join(str(p) for p in parts)


def tmp_dir() -> str:
    return "/tmp/pytest-of-"


def assert_clean(at) -> None:
    assert not errors_and_exceptions(at), errors_and_exceptions(at)
    assert not at.error, [e.value for e in at.error]
    words = everything(at)
    assert "duckdb:///" not in words and str(tmp_dir()) not in words
    assert "does not read connected tables" not in words


def open_page(monkeypatch, tmp_path, log, lang="en", **params) -> AppTest:
    """The Funnel page on the connected table of ``log``; ``params``: the URL of a shared
    link, there from the first run (the Data page's "Use this table" clicked on the way)."""
    if not params:
        at = connected_app(monkeypatch, tmp_path, page=PAGE, lang=lang, log=log)
        assert_clean(at)
        return at
    db = duckdb_file(log, tmp_path / "shop.duckdb")
    monkeypatch.setenv("PARCOURS_SOURCE", f"duckdb:///{db}")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.query_params["lang"] = lang
    for k, v in params.items():
        at.query_params[k] = v
    at.run()
    at.switch_page("pages/data_view.py").run()
    at.button(key="connect_use").click().run()
    at.switch_page(PAGE).run()
    assert_clean(at)
    return at


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_funnel_equals_the_upload(monkeypatch, tmp_path, log, lang) -> None:
    at = open_page(monkeypatch, tmp_path, log, lang)
    want = upload_view(log, Filters(), settings()).funnel()
    got = frame(at, "fn_table")
    assert got["step"].to_list() == STEPS
    assert got["users"].to_list() == want["users"].to_list()
    assert got["users"][0] == log.filter(pl.col("step") == "visit")["user_id"].n_unique()
    assert got["conversion"].to_list() == pytest.approx(want["conversion"].to_list())
    # the step times: the same words as the upload's (median from the previous step)
    words = shown(at, "fn_table")
    assert "median_from_previous_s" in words.columns
    if lang == "fr":
        assert words["conversion"][0] == "100,0\u00a0%"
        assert "Table connectée" in everything(at)
        assert "Entonnoir" in everything(at)
    else:
        assert words["conversion"][0] == "100.0%"
        assert "Connected table" in everything(at)
    # the insights are the upload's facts (the biggest drop-off, overall)
    overall = want["conversion"][-1]
    text = everything(at)
    pct = f"{overall * 100:.1f}".replace(".", "," if lang == "fr" else ".")
    assert pct in text
    # the cart tag broke: the last step is undercounted (did purchase without cart), a gap
    warnings = "\n".join(w.value for w in at.warning)
    buyers = log.filter(pl.col("step") == "purchase")["user_id"].n_unique()
    assert f"{buyers}" in warnings
    assert "cart" in warnings
    assert ("tracking" in warnings.lower()) if lang == "en" else ("suivi" in warnings.lower())


def test_a_sidebar_filter_changes_the_numbers(monkeypatch, tmp_path, log) -> None:
    at = open_page(monkeypatch, tmp_path, log)
    before = frame(at, "fn_table")["users"].to_list()
    at.multiselect(key="device").select("mobile").run()
    assert_clean(at)
    f = at.session_state["filters"]
    assert f.segments == {"device": ["mobile"]}
    want = upload_view(log, Filters(segments={"device": ["mobile"]}), settings()).funnel()
    got = frame(at, "fn_table")["users"].to_list()
    assert got == want["users"].to_list() and got != before and 0 < got[0] < before[0]


def test_the_breakdown_and_the_previous_period(monkeypatch, tmp_path, log) -> None:
    at = open_page(monkeypatch, tmp_path, log, fn_by="device")  # a shared link's breakdown
    assert at.selectbox(key="fn_by").value == "device"
    period = (dt.date(2025, 3, 1), dt.date(2025, 3, 31))
    at.date_input(key="period").set_value(period).run()
    assert_clean(at)
    f = at.session_state["filters"]
    assert (f.start, f.end) == period
    up = upload_view(log, f, settings("device"))
    want = up.funnel_by("device", top=8)
    got = frame(at, "fn_seg_table")
    assert got.select("device", "step", "users").sort("device", "step").rows() == (
        want.select("device", "step", "users").sort("device", "step").rows()
    )
    # every user counted once: the segments add up to the funnel (the reconciliation caption)
    assert frame(at, "fn_table")["users"].to_list() == up.funnel()["users"].to_list()
    at.query_params["fn_tab"] = "previous"
    at.switch_page(PAGE).run()
    assert_clean(at)
    comp = frame(at, "fn_compare")
    ref = funnel.compare_periods(
        up.funnel().select("step", "users", "conversion", "step_conversion"),
        up.previous_funnel().select("step", "users", "conversion", "step_conversion"),
    )
    assert comp["users_previous"].to_list() == ref["users_previous"].to_list()
    assert comp["users_current"].to_list() == ref["users_current"].to_list()
    p_col = next(c for c in comp.columns if c.startswith("p_value"))
    assert comp[p_col].to_list()[1:] == pytest.approx(ref["p_value"].to_list()[1:])
    before = f.previous()
    assert (before.start, before.end) == (dt.date(2025, 2, 1), dt.date(2025, 2, 28))  # a month
    assert "Compared with the previous period** (Feb 1, 2025 to Feb 28, 2025)" in everything(at)
    frame(at, "fn_compare_segments")  # each segment's steps against the previous period


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_conversion_over_time_and_time_to_convert(monkeypatch, tmp_path, log, lang) -> None:
    up = upload_view(log, Filters(), settings())
    ds = up.view
    at = open_page(monkeypatch, tmp_path, log, lang, fn_tab="time", fn_grain="month")
    title = "Conversion by entry month" if lang == "en" else "Conversion par mois d'entrée"
    got = chart(at, title)
    want = funnel.conversion_over_time(ds.events, STEPS, grain="month", window=WINDOW)
    want = want.filter(pl.col("step") != STEPS[0])
    assert sorted(got.select("step", "users").rows()) == sorted(want.select("step", "users").rows())
    at.query_params["fn_tab"] = "ttc"
    at.switch_page(PAGE).run()
    assert_clean(at)
    title = "How long converting users took" if lang == "en" else "Combien de temps"
    hist = chart(at, title)
    ref = funnel.time_to_convert(ds.events, STEPS, window=WINDOW, bins=12)
    assert hist["users"].to_list() == ref["users"].to_list()
    assert int(hist["users"].sum()) == up.funnel()["users"][-1]


def test_steps_and_settings_from_the_url(monkeypatch, tmp_path, log) -> None:
    at = open_page(
        monkeypatch, tmp_path, log, fn_steps=["visit", "purchase"], fn_order="any", fn_open="true"
    )
    assert at.multiselect(key="fn_steps").value == ["visit", "purchase"]
    s = FunnelSettings(steps=("visit", "purchase"), order="any", window=WINDOW, open_funnel=True)
    want = upload_view(log, Filters(), s).funnel()
    assert frame(at, "fn_table")["users"].to_list() == want["users"].to_list()
    assert "median_from_previous_s" not in frame(at, "fn_table").columns  # closed funnel only
    # a step the table does not have (a link made on other data) is dropped, not an error
    at.query_params["fn_steps"] = ["visit", "nope", "cart"]
    at.session_state["fn_steps"] = ["visit", "cart"]
    at.switch_page(PAGE).run()
    assert_clean(at)
    assert frame(at, "fn_table")["step"].to_list() == ["visit", "cart"]


def test_an_engine_error_is_said_without_its_secret(monkeypatch, tmp_path, log) -> None:
    """A query that fails in the engine: a message for a person (the engine's first line,
    the password removed) and what to do, never a traceback."""
    import kpi.engine.funnel as engine_funnel

    def broken(*args, **kwargs):
        raise RuntimeError("IO Error: cannot reach postgres://ann:hunter2-pw@db.example/shop")

    at = connected_app(monkeypatch, tmp_path, page="pages/data_view.py", log=log)
    monkeypatch.setattr(engine_funnel, "funnel_table", broken)
    at.switch_page(PAGE).run()
    assert not errors_and_exceptions(at), errors_and_exceptions(at)
    errors = "\n".join(e.value for e in at.error)
    assert "IO Error" in errors and "hunter2-pw" not in everything(at)
    assert "No events of the connected table" not in everything(at)  # not "no events"


def test_an_engine_without_medians_says_the_times_are_not_offered(
    monkeypatch, tmp_path, log
) -> None:
    import kpi.engine.funnel as engine_funnel

    def no_median(k):
        raise NotImplementedError("median")

    monkeypatch.setattr(engine_funnel, "_time_stats", no_median)
    at = open_page(monkeypatch, tmp_path, log)
    table = frame(at, "fn_table")
    assert "median_from_previous_s" not in table.columns
    want = upload_view(log, Filters(), settings()).funnel()
    assert table["users"].to_list() == want["users"].to_list()  # the counts all the same
    assert "not offered for this connected table" in everything(at)


def test_a_table_without_times_is_a_membership_funnel(monkeypatch, tmp_path, log) -> None:
    untimed = log.drop("ts")
    at = connected_app(monkeypatch, tmp_path, page=PAGE, log=untimed)
    assert_clean(at)
    assert at.segmented_control(key="fn_order").disabled
    got = frame(at, "fn_table")["users"].to_list()
    per_user = untimed.group_by("user_id").agg(pl.col("step"))
    want = [
        per_user.filter(
            pl.all_horizontal(pl.col("step").list.contains(s) for s in STEPS[: k + 1])
        ).height
        for k in range(len(STEPS))
    ]
    assert got == want
    at.query_params["fn_tab"] = "time"
    at.switch_page(PAGE).run()
    assert_clean(at)
    assert at.info  # the trend needs times: said, not drawn


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_red_flags_are_the_uploads(monkeypatch, tmp_path, log, lang) -> None:
    """The stage KPIs counted in the engine fire the upload's flags: a conversion floor of
    50 % and a step floor of 60 % (with the previous period: March against February)."""
    from kpi import alerts
    from kpi.words import render

    th = alerts.Thresholds(min_conversion=0.5, min_step_conversion=0.6)
    at = connected_app(monkeypatch, tmp_path, page=PAGE, lang=lang, log=log)
    at.session_state["thresholds"] = th
    period = (dt.date(2025, 3, 1), dt.date(2025, 3, 31))
    at.date_input(key="period").set_value(period).run()
    assert not errors_and_exceptions(at), errors_and_exceptions(at)  # flags are st.error
    up = upload_view(log, at.session_state["filters"], settings())
    base = ["step", "users", "conversion", "step_conversion"]
    want = alerts.red_flags(
        up.kpis(),
        up.previous_kpis(),
        funnel_current=up.funnel().select(base),
        funnel_previous=up.previous_funnel().select(base),
        monthly_duration=None,
        thresholds=th,
    )
    want = [
        f
        for f in want
        if f.page == "funnel" or f.code in ("low_conversion", "high_cart_abandonment")
    ]
    assert {f.code for f in want} >= {"low_conversion"}
    shown = [e.value for e in at.error] + [w.value for w in at.warning]
    for flag in want:
        title = render(flag.title, lang)
        message = render(flag.message, lang)
        assert any(title in s and message in s for s in shown), (title, message, shown)


@pytest.mark.parametrize("tab", ["segments", "time", "previous", "ttc"])
def test_no_english_sentence_in_french(monkeypatch, tmp_path, log, tab) -> None:
    """Every string of the page in French (texts, labels, help, chart specs): none of the
    funnel catalogue's English sentences, on every tab, with a breakdown and a period."""
    from kpi.words.catalogue import funnel as words
    from tests.app.french_pages import shown_text

    english = [
        en
        for en, fr in words.MESSAGES.values()
        if "{" not in en and len(en.split()) > 3 and en != fr
    ]
    at = open_page(monkeypatch, tmp_path, log, "fr", fn_by="device", fn_tab=tab)
    at.date_input(key="period").set_value((dt.date(2025, 3, 1), dt.date(2025, 3, 31))).run()
    assert not errors_and_exceptions(at), errors_and_exceptions(at)
    text = shown_text(at)
    assert "duckdb:///" not in text
    found = [e for e in english if e in text]
    assert not found, found
    assert "Ventiler par" in text
