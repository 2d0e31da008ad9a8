"""AppTest of the A/B page: quick check from typed numbers, from data (demo and real uploads).

Every number on screen is checked against kpi.abtest / kpi.funnel computed here, on counts
made independently (plain polars on the CSV, or kpi.funnel.funnel on the demo events).
"""

from __future__ import annotations

import polars as pl
import pytest

from kpi.abtest import compare, srm_check
from kpi.funnel import funnel
from tests.app.conftest import DATASETS, errors_and_exceptions

PAGE = "pages/abtest_view.py"


def _open(app, mode: str | None = None):
    app.run()
    app.switch_page(PAGE).run()
    if mode is not None:
        app.segmented_control(key="ab_mode").set_value(mode).run()
    assert errors_and_exceptions(app) == []
    return app


def _metrics(app) -> dict[str, str]:
    return {m.label: m.value for m in app.metric}


def _text(app) -> str:
    """Every text element, with the Markdown escapes of user values removed."""
    return "\n".join(
        [m.value for m in app.markdown]
        + [w.value for w in app.warning]
        + [e.value for e in app.error]
        + [i.value for i in app.info]
        + [c.value for c in app.caption]
    ).replace("\\", "")


def _comparison_table(app):
    for df in app.dataframe:
        frame = df.value
        if "p-value" in frame.columns and "Test used" in frame.columns:
            return frame
    raise AssertionError("no comparison table on the page")


def _upload(app, name: str) -> None:
    path = DATASETS / name
    if not path.exists():
        pytest.skip(f"{path} missing")
    app.sidebar.file_uploader[0].set_value((name, path.read_bytes(), "text/csv")).run()
    assert errors_and_exceptions(app) == []


def test_quick_check_cookie_cats_numbers(app):
    _open(app)
    app.text_area(key="ab_paste").set_value("gate_30\t44,700\t8502\ngate_40\t45489\t8279").run()
    assert errors_and_exceptions(app) == []
    ref = compare(8502, 44700, 8279, 45489)
    assert ref.p_value == pytest.approx(0.00155, abs=5e-6)
    m = _metrics(app)
    assert m["p-value"] == f"{ref.p_value:.3g}" == "0.00155"
    assert m["Difference (pp)"] == f"{ref.abs_diff * 100:+.2f} pp"
    table = _comparison_table(app)
    assert table["p-value"].iloc[0] == pytest.approx(ref.p_value, rel=1e-12)
    assert table["p (Fisher)"].iloc[0] == pytest.approx(ref.fisher_p_value, rel=1e-12)
    assert table["Test used"].iloc[0] == "z-test"
    verdict = next(x.value for x in app.markdown if "border-left" in x.value)
    assert "worse" in verdict and "gate_40" in verdict
    srm = srm_check([44700, 45489])
    assert srm.level == "warn"
    assert any(f"{srm.p_value:.2g}" in w.value for w in app.warning)  # SRM p 0.0086
    export = app.session_state["ab_result_export"]  # the typed analysis, for the workbook
    assert export.comparisons["p_value"][0] == pytest.approx(ref.p_value, rel=1e-12)
    assert export.arms["visitors"][0] == 44700 and export.srm.level == "warn"
    assert export.source.kind == "pasted"
    assert export.plan.rows[0].method == "power_prop_test"


def test_quick_check_degenerate_inputs_explain(app):
    _open(app)
    app.text_area(key="ab_paste").set_value("A;100;0\nB;100;0").run()
    assert errors_and_exceptions(app) == []
    assert "no conversions in either group" in _text(app)
    assert app.session_state["ab_result_export"].comparisons["method"][0] == "fisher"
    for pasted, words in [
        ("A,100,abc\nB,100,5", "'abc' is not a whole number"),
        ("A,10,50\nB,100,5", "more conversions"),
        ("A,-10,5\nB,100,5", "cannot be negative"),
        ("A,100,5", "at least two groups"),
    ]:
        app.text_area(key="ab_paste").set_value(pasted).run()
        assert errors_and_exceptions(app) == []
        assert any(words in e.value for e in app.error), pasted
    app.text_area(key="ab_paste").set_value("A\t100\t100\nB\t0\t0").run()  # 100 % and empty
    assert errors_and_exceptions(app) == []
    assert "no visitors" in _text(app)


def test_quick_check_three_arms_holm(app):
    _open(app)
    app.text_area(key="ab_paste").set_value("A\t2000\t100\nB\t2000\t120\nC\t2000\t150").run()
    assert errors_and_exceptions(app) == []
    table = _comparison_table(app)
    assert list(table["Variant"]) == ["B", "C"]
    corrected = table["p corrected"].tolist()
    assert corrected == pytest.approx([0.165416, 0.00218167], rel=1e-5)  # notes M1
    assert "Chi-square 10.95" in _text(app)
    shown = [m.value for m in app.metric if m.label == "p-value (Holm)"]
    assert shown == [f"{p:.3g}" for p in corrected] == ["0.165", "0.00218"]
    export = app.session_state["ab_result_export"]
    assert export.many.chi2 == pytest.approx(10.9452, rel=1e-5)
    assert export.arms["prob_best"].to_list() == pytest.approx([0.00033, 0.02979, 0.9699], abs=3e-3)


def test_from_data_on_demo(app):
    _open(app, "From data")
    ds = app.session_state["dataset"]
    step = ds.steps[-1]
    assert app.selectbox(key="ab_outcome").value == f"reached {step}"
    # independent counts: kpi.funnel.funnel by variant (users reaching the step) + users table
    events = ds.events_with(["variant"])
    f = funnel(events, list(ds.steps), by=["variant"]).filter(pl.col("step") == step)
    reached = dict(zip(f["variant"], f["users"], strict=True))
    visitors = dict(ds.users.group_by("variant").len().iter_rows())
    ref = compare(reached["A"], visitors["A"], reached["B"], visitors["B"])
    table = _comparison_table(app)
    assert table["p-value"].iloc[0] == pytest.approx(ref.p_value, rel=1e-9)
    assert _metrics(app)["p-value"] == f"{ref.p_value:.3g}"
    export = app.session_state["ab_result_export"]
    assert export.arms["conversions"][0] == reached["A"]
    assert export.source.rows_kept == ds.users.height

    app.selectbox(key="ab_by").set_value("device").run()
    assert errors_and_exceptions(app) == []
    seg = next(d.value for d in app.dataframe if "device" in d.value.columns)
    assert sorted(seg["device"]) == sorted(ds.users["device"].unique().to_list())
    mobile = ds.users.filter(pl.col("device") == "mobile")["user_id"]
    fm = funnel(events.filter(pl.col("user_id").is_in(mobile)), list(ds.steps), by=["variant"])
    fm = dict(fm.filter(pl.col("step") == step).select("variant", "users").iter_rows())
    vm = dict(ds.users.filter(pl.col("device") == "mobile").group_by("variant").len().iter_rows())
    ref_m = compare(fm["A"], vm["A"], fm["B"], vm["B"])
    row = seg[seg["device"] == "mobile"].iloc[0]
    assert row["p-value"] == pytest.approx(ref_m.p_value, rel=1e-9)
    assert any("CMH" in c for d in app.dataframe for c in d.value.columns)


def test_upload_funnel_5step_step3_and_srm(app):
    _open(app, "From data")
    _upload(app, "funnel_ab_5step.csv")
    app.selectbox(key="ab_outcome").set_value("reached step3").run()
    assert errors_and_exceptions(app) == []
    raw = pl.read_csv(DATASETS / "funnel_ab_5step.csv")
    done = pl.col("step1").cast(pl.Boolean) & pl.col("step2").cast(pl.Boolean)
    done = done & pl.col("step3").cast(pl.Boolean)
    counts = raw.group_by("test group").agg(pl.len().alias("n"), done.sum().alias("x"))
    c = {g: (x, n) for g, n, x in counts.iter_rows()}
    assert c["a"][1] == 2874 and c["b"][1] == 3127
    ref = compare(*c["a"], *c["b"])
    assert _metrics(app)["p-value"] == f"{ref.p_value:.3g}"
    assert _comparison_table(app)["p-value"].iloc[0] == pytest.approx(ref.p_value, rel=1e-9)
    srm = srm_check([2874, 3127])
    assert srm.p_value == pytest.approx(0.00109, abs=1e-5) and srm.level == "warn"
    assert any("SRM p = 0.0011" in w.value for w in app.warning)
    assert not any("SRM" in e.value for e in app.error)  # not an alert: p is above 0.001
    # the 'converted' flag of the same file
    app.selectbox(key="ab_outcome").set_value("converted").run()
    ref = compare(656, 2874, 624, 3127)
    assert _comparison_table(app)["p-value"].iloc[0] == pytest.approx(ref.p_value, rel=1e-9)


def test_upload_page_redesign_subscribed(app):
    _open(app, "From data")
    _upload(app, "page_redesign_ab.csv")
    assert app.selectbox(key="ab_outcome").value == "subscribed"
    assert app.selectbox(key="ab_control").value == "control"
    # the file repeats 2 control users (identical rows): one row per user is 17/236 vs 45/238
    raw = pl.read_csv(DATASETS / "page_redesign_ab.csv").unique("user_id")
    c = {g: (x, n) for g, n, x in raw.group_by("group").agg(pl.len(), pl.sum("subscribed")).rows()}
    assert c == {"control": (17, 236), "experimental": (45, 238)}
    ref = compare(*c["control"], *c["experimental"])
    assert _comparison_table(app)["p-value"].iloc[0] == pytest.approx(ref.p_value, rel=1e-9)
    verdict = next(x.value for x in app.markdown if "border-left" in x.value)
    assert "better" in verdict


def test_upload_cookie_cats_opens_on_the_data(app):
    """An uploaded A/B file opens on 'From data' (demo stays on Quick check): the verdict is
    about gate_30 vs gate_40, with readable p-values and the arms' names in the test choice."""
    _open(app)
    assert app.segmented_control(key="ab_mode").value == "Quick check"  # demo data
    _upload(app, "cookie_cats.csv")
    assert app.segmented_control(key="ab_mode").value == "From data"
    assert app.selectbox(key="ab_outcome").value == "retention_1"
    raw = pl.read_csv(DATASETS / "cookie_cats.csv")
    c = {
        g: (int(x), n)
        for g, n, x in raw.group_by("version").agg(pl.len(), pl.sum("retention_1")).rows()
    }
    assert c["gate_30"][1] == 44700 and c["gate_40"][1] == 45489
    ref = compare(*c["gate_30"], *c["gate_40"])
    verdict = next(x.value for x in app.markdown if "border-left" in x.value)
    assert "gate_30" in verdict and "gate_40" in verdict
    assert f"{ref.rate_b * 100:.1f}% vs {ref.rate_a * 100:.1f}%" in verdict  # 44.2 vs 44.8
    assert _comparison_table(app)["p-value"].iloc[0] == pytest.approx(ref.p_value, rel=1e-9)
    text = _text(app)
    assert "expected conversions in group gate_30" in text and "e+0" not in text
    assert "19,901" in text  # 44,700 × 40,153 / 90,189 expected conversions, not 1.99e+04
    # retention_7: p is tiny, shown as "< 0.001" on the metric, never 1.6e-05
    app.selectbox(key="ab_outcome").set_value("retention_7").run()
    assert errors_and_exceptions(app) == []
    ref7 = compare(8502, 44700, 8279, 45489)
    assert _comparison_table(app)["p-value"].iloc[0] == pytest.approx(ref7.p_value, rel=1e-9)
    srm = srm_check([44700, 45489])
    assert any(f"SRM p = {srm.p_value:.2g}" in w.value for w in app.warning)
    assert all("e-0" not in m for m in _metrics(app).values())
    assert not any("Session State API" in w.value for w in app.warning)  # mode reset cleanly
    # a tiny p-value reads "< 0.001" for people (1.6e-06 stays in the analysts' table)
    app.segmented_control(key="ab_mode").set_value("Quick check").run()
    app.text_area(key="ab_paste").set_value("A\t10000\t500\nB\t10000\t640").run()
    tiny = compare(500, 10000, 640, 10000).p_value
    assert tiny < 0.001 and _metrics(app)["p-value"] == "< 0.001"
    assert _comparison_table(app)["p-value"].iloc[0] == pytest.approx(tiny, rel=1e-9)
    assert any("SRM p = 1.00" in s.value for s in app.success)  # not "SRM p = 1"


# --------------------------------------------------------------------------- issue 9


def _verdicts(app) -> list[str]:
    return [x.value for x in app.markdown if "border-left" in x.value]


def test_quick_check_starts_without_a_verdict_and_marks_the_example(app):
    _open(app)
    assert _verdicts(app) == [] and "ab_result_export" not in app.session_state
    assert any("Type the visitors and conversions" in i.value for i in app.info)
    assert not app.metric  # no p-value, no lift on numbers nobody typed
    # the planner still works before any result: a baseline typed in gives the sample size
    app.number_input(key="ab_plan_base").set_value(5.0).run()
    planned = next(d.value for d in app.dataframe if "Visitors per group" in d.value.columns)
    from kpi.abtest import sample_size

    assert planned["Visitors per group"].iloc[0] == sample_size(0.05, 0.05) == 122_124
    assert "ab_result_export" not in app.session_state
    next(b for b in app.button if b.label == "Fill in example numbers").click().run()
    assert errors_and_exceptions(app) == []
    verdict = _verdicts(app)
    assert len(verdict) == 1 and "Example: " in verdict[0]
    assert any("Example numbers" in i.value for i in app.info)
    export = app.session_state["ab_result_export"]
    assert export.source.kind == "example"
    # typing one number of your own: no longer the example
    app.number_input(key="ab_q_x_b").set_value(575).run()
    assert "Example: " not in _verdicts(app)[0]
    assert app.session_state["ab_result_export"].source.kind == "typed"
    ref = compare(500, 10000, 575, 10000)
    export = app.session_state["ab_result_export"]
    assert export.comparisons["p_value"][0] == pytest.approx(ref.p_value, rel=1e-12)


def test_quick_check_numbers_travel_in_the_link(app):
    """The typed numbers are bound to the URL: a fresh session opened on those query params
    shows the same numbers and the same verdict (AppTest seeds the URL; the browser test in
    tests/e2e checks that typing really writes it)."""
    _open(app)
    app.text_input(key="ab_q_name_a").set_value("gate_30").run()
    app.text_input(key="ab_q_name_b").set_value("gate_40").run()
    for key, value in (("ab_q_n_a", 44700), ("ab_q_x_a", 8502), ("ab_q_n_b", 45489)):
        app.number_input(key=key).set_value(value).run()
    app.number_input(key="ab_q_x_b").set_value(8279).run()
    assert errors_and_exceptions(app) == []
    verdict = _verdicts(app)
    assert len(verdict) == 1 and "gate_40" in verdict[0] and "Example" not in verdict[0]

    from streamlit.testing.v1 import AppTest

    from tests.app.conftest import ROOT

    fresh = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    link = {
        "ab_q_name_a": "gate_30",
        "ab_q_name_b": "gate_40",
        "ab_q_n_a": "44700",
        "ab_q_x_a": "8502",
        "ab_q_n_b": "45489",
        "ab_q_x_b": "8279",
    }
    for k, v in link.items():
        fresh.query_params[k] = [v]
    fresh.run()
    fresh.switch_page(PAGE).run()
    assert errors_and_exceptions(fresh) == []
    assert fresh.number_input(key="ab_q_x_b").value == 8279
    assert _verdicts(fresh) == verdict
    ref = compare(8502, 44700, 8279, 45489)
    assert _metrics(fresh)["p-value"] == f"{ref.p_value:.3g}"


def test_from_data_on_non_experiment_data_gives_no_verdict(app):
    """REES46 events: category_code (47 values), brand: nothing is an assignment. The page
    says what it needs; a segment picked by hand is an observational comparison."""
    _open(app, "From data")
    _upload(app, "rees46_events_sample.csv")
    assert app.segmented_control(key="ab_mode").value == "Quick check"  # not opened on it
    app.segmented_control(key="ab_mode").set_value("From data").run()
    assert errors_and_exceptions(app) == []
    assert app.selectbox(key="ab_variant").value is None
    assert any("No column looks like an A/B assignment" in i.value for i in app.info)
    assert _verdicts(app) == [] and "ab_result_export" not in app.session_state


def test_device_picked_by_hand_is_observational(app):
    folder = DATASETS / "ecommerce_funnel"
    if not folder.exists():
        pytest.skip("ecommerce_funnel missing")
    names = [
        "user_table.csv",
        "home_page_table.csv",
        "search_page_table.csv",
        "payment_page_table.csv",
        "payment_confirmation_table.csv",
    ]
    _open(app)
    files = [(n, (folder / n).read_bytes(), "text/csv") for n in names]
    app.sidebar.file_uploader[0].set_value(files).run()
    assert app.segmented_control(key="ab_mode").value == "Quick check"
    app.segmented_control(key="ab_mode").set_value("From data").run()
    assert app.selectbox(key="ab_variant").value is None
    app.selectbox(key="ab_variant").set_value("device").run()
    assert errors_and_exceptions(app) == []
    assert any("is not an A/B assignment" in w.value for w in app.warning)
    verdict = " ".join(_verdicts(app))
    assert "not assigned at random" in verdict
    for words in ("better", "chance", "unlikely"):
        assert words not in verdict
    banners = [x.value for x in [*app.error, *app.warning, *app.success]]
    assert not any("SRM" in b or "Sample-ratio" in b or "Traffic split" in b for b in banners)
    assert any("No sample-ratio check" in i.value for i in app.info)
    labels = [m.label for m in app.metric]
    assert not any("Chance to beat" in x or "Risk if shipped" in x for x in labels)
    export = app.session_state["ab_result_export"]
    assert export.observational is True and export.srm is None
    # the numbers are still right: payment confirmation per device, from the raw files
    users = pl.read_csv(folder / "user_table.csv")
    conf = set(pl.read_csv(folder / "payment_confirmation_table.csv")["user_id"].to_list())
    by = users.with_columns(pl.col("user_id").is_in(list(conf)).alias("c")).group_by("device")
    c = {d: (int(x), n) for d, n, x in by.agg(pl.len(), pl.sum("c")).rows()}
    control = export.control
    other = next(d for d in c if d != control)
    ref = compare(*c[control], *c[other])
    assert export.comparisons["p_value"][0] == pytest.approx(ref.p_value, rel=1e-9)


def test_ab_summary_file_goes_straight_to_the_page(app):
    csv = (
        b"variant,visitors,conversions,revenue_sum,revenue_sq_sum\n"
        b"control,10234,512,25600.5,3100000.25\n"
        b"treatment,10188,581,29050.0,3600000.5\n"
    )
    _open(app)
    app.sidebar.file_uploader[0].set_value(("ab_summary.csv", csv, "text/csv")).run()
    assert errors_and_exceptions(app) == []
    assert app.segmented_control(key="ab_mode").value == "From data"
    from statsmodels.stats.proportion import proportions_ztest

    z, p = proportions_ztest([581, 512], [10188, 10234])
    table = _comparison_table(app)
    assert table["z"].iloc[0] == pytest.approx(z, rel=1e-12)
    assert table["p-value"].iloc[0] == pytest.approx(p, rel=1e-10)
    assert _metrics(app)["p-value"] == f"{p:.3g}"
    assert "Example" not in " ".join(_verdicts(app))
    export = app.session_state["ab_result_export"]
    assert export.arms["visitors"].to_list() == [10234, 10188]
    assert export.source.kind == "summary"
    assert export.revenue["treatment"].mean_b == pytest.approx(29050.0 / 10188, rel=1e-12)
    assert any("ab_summary.csv" in c.value for c in app.caption)


def test_group_names_are_shown_as_typed_and_load_nothing(app):
    """User values stay text: a group called ``**promo**`` or ``![x](http://…)`` is shown
    literally in the verdict, the caveats and the tables, and no image is loaded."""
    _open(app)
    app.text_area(key="ab_paste").set_value(
        "**promo**\t1000\t50\n![x](http://example.invalid/p.png)\t1000\t90"
    ).run()
    assert errors_and_exceptions(app) == []
    verdict = _verdicts(app)[0]
    assert "![x](http://example.invalid/p.png)" in verdict  # html-escaped text, not Markdown
    assert "<img" not in verdict
    for m in app.markdown:
        if "border-left" in m.value:
            continue
        assert "![x](http" not in m.value  # escaped in Markdown: \!\[x\]\(http…
    caveats = "\n".join(m.value for m in app.markdown if m.value.startswith("- "))
    assert r"\*\*promo\*\*" in caveats
    table = _comparison_table(app)  # the control is the first name sorted: "![x]…"
    assert table["Variant"].iloc[0] == "**promo**"
    assert "Rate ![x](http://example.invalid/p.png)" in table.columns
