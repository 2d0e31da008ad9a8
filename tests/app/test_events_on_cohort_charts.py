"""Events of the calendar on the cohort charts (x = period number: the calendar days of a cell
depend on its cohort) and the generic benchmarks and targets on the charts of a KPI with a
benchmark (AppTest, English and French, the demo data and a connected DuckDB table)."""

from __future__ import annotations

import datetime as dt
import itertools
import json

import pytest

from kpi import calendar
from kpi.calendar import CalendarSettings
from tests.app.conftest import errors_and_exceptions
from tests.app.test_events_on_charts import _event_data, _layers, _marks, _specs

RETENTION = "pages/retention_view.py"
VALUE = "pages/value_view.py"
MONTHS_FR = {6: "juin", 7: "juil.", 8: "août", 9: "sept.", 10: "oct.", 11: "nov."}


def _titled(at, words: str) -> dict:
    for spec in _specs(at):
        title = spec.get("title", {})
        text = title.get("text") if isinstance(title, dict) else title
        if text and words in str(text):
            return spec
    raise AssertionError(f"no chart titled {words!r}: {[s.get('title') for s in _specs(at)]}")


def _subtitle(spec: dict) -> list[str]:
    sub = spec.get("title", {}).get("subtitle", [])
    return [sub] if isinstance(sub, str) else list(sub)


def _marked(at, spec: dict) -> list[dict]:
    return [r for r in _event_data(at, spec) if r.get("ev_label")]


def _expected_cells(rows: list[dict], lang: str) -> dict[tuple[str, int], set[str]]:
    """Brute force: for every (cohort, period) of the chart, the events of the demo's
    calendar (French holidays + retail periods) on any day of the cohort's month + N."""
    from kpi.calendar.write import label_text

    want = {}
    for r in rows:
        start, n = r["cohort_start"], r["period"]
        if start is None:
            continue
        month = start.year * 12 + start.month - 1 + n
        first = dt.date(month // 12, month % 12 + 1, 1)
        days = [first + dt.timedelta(days=k) for k in range(31)]
        days = [d for d in days if d.month == first.month]
        settings = CalendarSettings(country="FR", retail=True)
        events = calendar.events_for(settings, days[0], days[-1], lang)  # type: ignore[arg-type]
        hit = {label_text(e, lang) for e in events if any(e.start <= d <= e.end for d in days)}
        if hit:
            want[(r.get("cohort") or r.get("series"), n)] = hit
    return want


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_retention_heatmap_and_curves_mark_the_cells_overlapping_events(app, lang):
    app.query_params["lang"] = [lang]
    app.query_params["ev_hol"] = ["FR"]
    app.query_params["ev_retail"] = ["1"]
    app.run()
    app.switch_page(RETENTION).run()
    assert errors_and_exceptions(app) == []
    heat = _titled(app, "Part de chaque cohorte" if lang == "fr" else "retained")
    rows = _event_data(app, heat)
    marked = [r for r in rows if r.get("ev_label")]
    got = {(r["cohort"], r["period"]): set(r["ev_label"].split(" · ")) for r in marked}
    assert got == _expected_cells(rows, lang) and len(got) >= 10
    # hand-checked: the June 2025 cohort's month 1 is July 2025 (the summer sales run
    # 25 June - 22 July; 14 July), its month 5 November (1 and 11 November, Black Friday 28th)
    june = "juin 2025" if lang == "fr" else "Jun 2025"
    if lang == "fr":
        assert got[(june, 1)] == {"Soldes d'été 2025", "Fête nationale"}
        assert got[(june, 5)] == {"Toussaint", "Armistice", "Black Friday 2025"}
        assert {r["ev_when"] for r in marked if r["cohort"] == june and r["period"] == 1} == {"juil. 2025"}  # fmt: skip
    else:
        assert got[(june, 1)] == {"Summer sales 2025", "National Day"}
        assert {r["ev_when"] for r in marked if r["cohort"] == june and r["period"] == 2} == {"Aug 2025"}  # fmt: skip
    # the average row is never outlined (its cells span every cohort's calendar)
    assert not any(r["is_average"] for r in marked)
    # the outline layer: a rect with a stroke per kind and the events in its tooltip
    outline = [
        layer for layer in _layers(heat)
        if layer.get("mark", {}).get("type") == "rect" and layer["mark"].get("fill") == "transparent"
    ]  # fmt: skip
    assert len(outline) == 1
    tips = {t["field"] for t in outline[0]["encoding"]["tooltip"]}
    assert {"ev_label", "ev_when", "ev_kind", "shown", "retained_text"} <= tips
    legend = "Encadrée" if lang == "fr" else "Outlined"
    assert any(line.startswith(legend) for line in _subtitle(heat))
    # promotions outrank holidays for the outline's colour
    colours = {r["ev_colour"] for r in marked if "Black Friday 2025" in r["ev_label"]}
    assert colours == {"#D55E00"}

    curves = _titled(app, "Courbe de rétention" if lang == "fr" else "Retention curve")
    points = _marked(app, curves)
    got_curves = {(r["series"], r["period"]): set(r["ev_label"].split(" · ")) for r in points}
    # the curves draw complete periods only: the same cells as the heatmap's complete ones
    complete = {(r["cohort"], r["period"]) for r in marked if r["complete"]}
    assert set(got_curves) == complete and all(got_curves[k] == got[k] for k in complete)
    assert "point" in _marks(curves)
    diamonds = [layer for layer in _layers(curves) if layer.get("mark", {}).get("shape") == "diamond"]  # fmt: skip
    assert len(diamonds) == 1
    assert {"ev_label", "ev_when"} <= {t["field"] for t in diamonds[0]["encoding"]["tooltip"]}
    assert any(line.startswith("◇") for line in _subtitle(curves))


def _trend_change(view, n: int):
    """The largest change of month-n retention between consecutive complete cohorts."""
    s = view.retention(trend_period=n)
    rows = sorted(r for r in s.trend.filter(s.trend["complete"]).select("cohort_start", "retention").iter_rows())  # fmt: skip
    best = None
    for (_, a), (day, b) in itertools.pairwise(rows):
        if best is None or abs(b - a) > abs(best[2] - best[1]):
            best = (day, a, b)
    return best


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_retention_insight_names_the_event_of_the_cohorts_month_n(app, lang):
    app.query_params["lang"] = [lang]
    app.query_params["ev_hol"] = ["FR"]
    app.run()
    app.switch_page(RETENTION).run()
    assert errors_and_exceptions(app) == []
    view = list(app.session_state["_views"].values())[-1]
    day, before, after = _trend_change(view, 1)
    # the demo: month-1 retention falls most from the June to the July 2025 cohort; the
    # July cohort's month 1 is August 2025, with Assumption Day (15 August)
    assert day == dt.date(2025, 7, 1) and after < before
    words = [i.value for i in app.info]
    if lang == "fr":
        b, a = (f"{x * 100:.1f}".replace(".", ",") for x in (before, after))
        want = (
            "Rétention au mois 1\u00a0: la baisse de la cohorte précédente à la cohorte de "
            f"juil. 2025 ({b}\u00a0% → {a}\u00a0%"
        )
        assert any(w.startswith(want) and "son mois 1 (août 2025) coïncide avec «\u00a0Assomption\u00a0»" in w for w in words), words  # fmt: skip
    else:
        want = (
            "Month 1 retention: the drop from the cohort before to the Jul 2025 cohort "
            f"({before * 100:.1f}% → {after * 100:.1f}%"
        )
        assert any(w.startswith(want) and "its month 1 (Aug 2025) overlaps ‘Assumption Day’" in w for w in words), words  # fmt: skip
    # month 2: the sentence names the events of that cohort's month 2 when there are, else
    # those of its own month (its users arrived during them); brute force over the days
    app.number_input(key="rt_trend_n").set_value(2).run()
    assert errors_and_exceptions(app) == []
    from kpi.calendar.write import label_text

    day, before, after = _trend_change(list(app.session_state["_views"].values())[-1], 2)
    settings = CalendarSettings(country="FR")

    def month_events(first: dt.date) -> list[str]:
        last = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)  # fmt: skip
        return [label_text(e, lang) for e in calendar.events_for(settings, first, last, lang)]  # type: ignore[arg-type]  # fmt: skip

    month2 = dt.date(day.year + (day.month + 2 > 12), (day.month + 1) % 12 + 1, 1)
    said = [w for w in (i.value for i in app.info) if w.startswith(("Month 2", "Rétention au mois 2"))]  # fmt: skip
    hits = month_events(month2) or month_events(day)
    assert len(said) == (1 if hits else 0), said
    if hits:
        where = ("son mois 2" if lang == "fr" else "its month 2") if month_events(month2) else ("ses utilisateurs" if lang == "fr" else "its users arrived")  # fmt: skip
        assert where in said[0]


def test_retention_charts_are_unchanged_without_a_calendar(app):
    app.run()
    app.switch_page(RETENTION).run()
    assert errors_and_exceptions(app) == []
    for words in ("retained", "Retention curve"):
        spec = _titled(app, words)
        assert _event_data(app, spec) == []
        assert not any(line.startswith(("Outlined", "◇")) for line in _subtitle(spec))


def _rules(spec: dict) -> list[dict]:
    return [layer for layer in _layers(spec) if layer.get("mark", {}).get("type") == "rule"]


def _datasets(at, spec: dict) -> list[list[dict]]:
    import pyarrow as pa

    for c in at.get("vega_lite_chart"):
        if json.loads(c.proto.spec) == spec:
            return [pa.ipc.open_stream(d.data.data).read_all().to_pylist() for d in c.proto.datasets]  # fmt: skip
    return []


def _labels(at, spec: dict) -> set[str]:
    return {r["label"] for rows in _datasets(at, spec) for r in rows if "label" in r}


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_clv_cac_bars_draw_the_benchmark_and_the_target(app, lang):
    app.query_params["lang"] = [lang]
    app.query_params["target"] = ["clv_cac:4"]
    app.run()
    app.switch_page(VALUE).run()
    assert errors_and_exceptions(app) == []
    spec = _titled(app, "CLV/CAC" if lang == "fr" else "CLV / CAC")
    rules = _rules(spec)
    colours = [r["mark"]["color"] for r in rules]
    assert colours == ["#9E9E9E", "#C0392B"]  # the grey benchmark, then the red target
    assert all(r["encoding"]["x"]["type"] == "quantitative" for r in rules)  # vertical rules
    values = {r.get("y") for rows in _datasets(app, spec) for r in rows if "label" in r}
    assert values == {3.0, 4.0}
    labels = _labels(app, spec)
    if lang == "fr":
        assert labels == {"Repère e-commerce générique\u00a0: 3:1", "Votre objectif 4,00"}
    else:
        assert labels == {"Generic e-commerce benchmark: 3:1", "Your target 4.00"}
    assert any("3:1" in c.value and ("pas votre objectif" if lang == "fr" else "not your target") in c.value for c in app.caption)  # fmt: skip


def test_clv_cac_without_a_target_draws_the_benchmark_only(app):
    app.run()
    app.switch_page(VALUE).run()
    assert errors_and_exceptions(app) == []
    spec = _titled(app, "CLV / CAC")
    assert [r["mark"]["color"] for r in _rules(spec)] == ["#9E9E9E"]
    assert _labels(app, spec) == {"Generic e-commerce benchmark: 3:1"}
    # a target set afterwards (as the Targets editor does) redraws the kept chart with its rule
    from kpi import targets as tg

    app.session_state["targets"] = tg.Targets.of({"clv_cac": 2.5})
    app.run()
    spec = _titled(app, "CLV / CAC")
    assert [r["mark"]["color"] for r in _rules(spec)] == ["#9E9E9E", "#C0392B"]


def test_observed_clv_curves_mark_the_events(app):
    app.query_params["lang"] = ["fr"]
    app.query_params["ev_retail"] = ["1"]
    app.run()
    app.switch_page(VALUE).run()
    assert errors_and_exceptions(app) == []
    spec = _titled(app, "par mois de premier achat")
    points = _marked(app, spec)
    got = {(r["cohort"], r["period"]): r["ev_label"] for r in points}
    # retail periods only: the summer sales (June, July 2025) and Black Friday (November)
    assert set(got.values()) <= {"Soldes d'été 2025", "Black Friday 2025"}
    assert got[("juin 2025", 0)] == "Soldes d'été 2025" and got[("juin 2025", 1)] == "Soldes d'été 2025"  # fmt: skip
    assert ("juin 2025", 2) not in got  # August: no retail period


def _band_labels(at, spec: dict) -> set[str]:
    return {label for label in _labels(at, spec) if "e-commerce" in label}


def test_every_chart_of_a_kpi_with_a_benchmark_draws_it(app):
    app.query_params["fn_tab"] = ["time"]
    app.run()
    app.switch_page("pages/funnel_view.py").run()
    assert errors_and_exceptions(app) == []
    trend = next(
        s for s in _specs(app)
        if any(layer.get("encoding", {}).get("x", {}).get("type") == "temporal" for layer in _layers(s))
    )  # fmt: skip
    assert _band_labels(app, trend) == {"Generic e-commerce benchmark: 1–3%, best sites above 5%"}
    app.switch_page("pages/stages_view.py").run()
    app.toggle(key="st_over_time").set_value(True).run()
    assert errors_and_exceptions(app) == []
    for code, want in (
        ("conversion_rate", "Generic e-commerce benchmark: 1–3%, best sites above 5%"),
        ("cart_abandonment", "Generic e-commerce benchmark: 60–80%"),
    ):
        app.selectbox(key="st_over_time_kpi").set_value(code).run()
        assert errors_and_exceptions(app) == []
        line = next(s for s in _specs(app) if "rect" in _marks(s) and _band_labels(app, s))
        assert _band_labels(app, line) == {want}
        band = next(r for rows in _datasets(app, line) for r in rows if r.get("label") == want)
        assert (band["low"], band["high"]) == ((0.01, 0.03) if code == "conversion_rate" else (0.6, 0.8))  # fmt: skip


def test_band_charts_with_events_keep_the_periods_in_calendar_order(app):
    """The event layers carry their own data: the cohorts' (and months') order is pinned as
    the band scale's domain, not left to Vega-Lite (which sorted them alphabetically)."""
    app.query_params["lang"] = ["fr"]
    app.query_params["ev_hol"] = ["FR"]
    app.query_params["ev_retail"] = ["1"]
    app.run()
    app.switch_page(RETENTION).run()
    assert errors_and_exceptions(app) == []
    trend = _titled(app, "Rétention au mois 1 de chaque cohorte")
    domains = {
        json.dumps(layer["encoding"]["x"].get("scale", {}).get("domain"))
        for layer in _layers(trend)
        if layer.get("encoding", {}).get("x", {}).get("field") == "cohort"
    }
    want = ["juin 2025", "juil. 2025", "août 2025", "sept. 2025", "oct. 2025"]
    assert domains == {json.dumps(want)}
    app.switch_page("pages/advocacy_view.py").run()
    assert errors_and_exceptions(app) == []
    nps = next(s for s in _specs(app) if "period" in json.dumps(s) and _event_data(app, s))
    months = [
        layer["encoding"]["x"]["scale"]["domain"]
        for layer in _layers(nps)
        if layer.get("encoding", {}).get("x", {}).get("field") == "period"
    ]
    assert months and all(m == months[0] for m in months)
    assert months[0][:3] == ["juin 2025", "juil. 2025", "août 2025"]
