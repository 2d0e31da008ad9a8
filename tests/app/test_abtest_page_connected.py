"""AppTest of the A/B page on a connected DuckDB table (PARCOURS_SOURCE, the Data page's "Use
this table"), in English and French: "From data" opens on the detected assignment, and every
number on the page (visitors, conversions, p-values, SRM, revenue per visitor, segments)
equals the upload route's on the same events (kpi.view.View of the uploaded CSV, then
kpi.abtest.ab_counts and analyse_with, as the page does for a file); the sidebar's filters,
the window and the breakdown change them alike; an observational column is said; the Quick
check still works; an engine failure is a message without the address or its password."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from kpi import abtest
from kpi.abtest import ABSettings
from kpi.filters import Filters
from kpi.load import read_table
from kpi.schema import TableInput, build_dataset, detect_roles
from kpi.view import View
from tests.app.conftest import errors_and_exceptions
from tests.app.connected import connected_app
from tests.engine.engine_data import events

PAGE = "pages/abtest_view.py"
N = 400


@pytest.fixture(scope="module")
def uploaded():
    """The Dataset an upload of the same events gives (the upload route)."""
    log = events(N)
    t = read_table(log.write_csv().encode(), filename="events.csv")
    roles = detect_roles(t.frame, filename="events.csv")
    return build_dataset([TableInput("events.csv", t.frame, roles=roles)])


def _upload_analysis(
    ds,
    filters: Filters,
    *,
    variant: str = "variant",
    step: str = "purchase",
    window_days: float = 0.0,
    by: str | None = None,
    observational: bool = False,
):
    v = View(ds, filters).view
    counts = abtest.ab_counts(
        v.users,
        v.events,
        variant=variant,
        step=step,
        steps=ds.steps,
        window=dt.timedelta(days=window_days) if window_days else None,
        by=by,
        revenue=True,
    )
    settings = ABSettings(mode="data", variant=variant, step=step, segment=by)
    return counts, abtest.analyse_with(
        counts.table, settings, variant=variant, observational=observational
    )


def _text(at) -> str:
    return "\n".join(
        [m.value for m in at.markdown]
        + [w.value for w in at.warning]
        + [e.value for e in at.error]
        + [i.value for i in at.info]
        + [c.value for c in at.caption]
        + [s.value for s in at.subheader]
    ).replace("\\", "")


def _assert_same(page, want) -> None:
    """The page's analysis has the upload route's numbers."""
    assert (
        page.arms.select("variant", "visitors", "conversions").rows()
        == want.arms.select("variant", "visitors", "conversions").rows()
    )
    assert page.comparisons["p_value"].to_list() == pytest.approx(
        want.comparisons["p_value"].to_list(), rel=1e-12
    )
    assert page.comparisons["abs_diff_low"].to_list() == pytest.approx(
        want.comparisons["abs_diff_low"].to_list(), rel=1e-12
    )
    assert (page.srm is None) == (want.srm is None)
    if want.srm is not None:
        assert page.srm.p_value == pytest.approx(want.srm.p_value, rel=1e-12)
    assert {k: w.p_value for k, w in page.revenue.items()} == pytest.approx(
        {k: w.p_value for k, w in want.revenue.items()}, rel=1e-9
    )
    assert {k: s.p_value for k, s in page.sequential.items()} == pytest.approx(
        {k: s.p_value for k, s in want.sequential.items()}, rel=1e-12
    )
    if want.segments is not None:
        assert page.segments is not None
        assert (
            page.segments.select("segment", "variant").rows()
            == want.segments.select("segment", "variant").rows()
        )
        assert page.segments["adjusted_p_value"].to_list() == pytest.approx(
            want.segments["adjusted_p_value"].to_list(), rel=1e-12, nan_ok=True
        )


def _groups_table(at) -> pl.DataFrame:
    for df in at.dataframe:
        frame = df.value
        if frame.shape[0] == 2 and list(frame.iloc[:, 0]) == ["A", "B"]:
            return pl.from_pandas(frame)
    raise AssertionError("no groups table on the page")


def _page(monkeypatch, tmp_path, lang: str):
    at = connected_app(monkeypatch, tmp_path, page=PAGE, lang=lang, n=N)
    assert not errors_and_exceptions(at), errors_and_exceptions(at)
    return at


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_from_data_equals_the_upload(monkeypatch, tmp_path, uploaded, lang) -> None:
    at = _page(monkeypatch, tmp_path, lang)
    # the assignment is detected: "From data" opens on it, the last step is the conversion
    assert at.segmented_control(key="ab_mode").value == "From data"
    assert at.selectbox(key="ab_variant").value == "variant"
    assert at.selectbox(key="ab_outcome").value == "reached purchase"
    counts, want = _upload_analysis(uploaded, Filters())
    page = at.session_state["ab_result_export"]
    _assert_same(page, want)
    assert page.source.kind == "data" and page.source.variant_column == "variant"
    assert page.source.rows_read == counts.rows_read == N
    assert at.session_state["ab_result_view_key"] is not None  # the workbook's result
    # the numbers shown: the groups table and the words of the account and the SRM check
    shown = _groups_table(at)
    assert shown[:, 1].to_list() == want.arms["visitors"].to_list()
    assert shown[:, 2].to_list() == want.arms["conversions"].to_list()
    text = _text(at)
    a, b = want.arms["visitors"].to_list()
    if lang == "en":
        assert f"{N} of {N} users counted, in the engine (duckdb)" in text
        assert f"A {a} vs 200 and B {b} vs 200" in text
        assert "Revenue per visitor" in text
    else:
        assert f"{N} utilisateurs comptés sur {N}, dans le moteur (duckdb)" in text
        assert "Revenue per visitor" not in text and "users counted" not in text
        assert "Revenu par visiteur (test t de Welch)" in text
    assert "duckdb:///" not in text and "does not read connected tables" not in text


def test_a_sidebar_filter_the_window_and_a_breakdown(monkeypatch, tmp_path, uploaded) -> None:
    at = _page(monkeypatch, tmp_path, "en")
    at.multiselect(key="device").select("mobile").run()
    assert not errors_and_exceptions(at)
    f = at.session_state["filters"]
    assert f.segments == {"device": ["mobile"]}
    _, want = _upload_analysis(uploaded, f)
    assert want.arms["visitors"].sum() < N
    _assert_same(at.session_state["ab_result_export"], want)
    # a period, a window and a breakdown: still the upload's numbers
    at.date_input(key="period").set_value((dt.date(2025, 2, 1), dt.date(2025, 3, 31))).run()
    at.number_input(key="ab_window").set_value(0.3).run()
    at.selectbox(key="ab_outcome").set_value("reached cart").run()
    at.selectbox(key="ab_by").set_value("cohort").run()
    assert not errors_and_exceptions(at), errors_and_exceptions(at)
    f = at.session_state["filters"]
    assert f.start == dt.date(2025, 2, 1) and f.segments == {"device": ["mobile"]}
    _, want = _upload_analysis(uploaded, f, step="cart", window_days=0.3, by="cohort")
    _, no_window = _upload_analysis(uploaded, f, step="cart", by="cohort")
    assert want.arms["conversions"].sum() < no_window.arms["conversions"].sum()
    page = at.session_state["ab_result_export"]
    _assert_same(page, want)
    assert page.segment_column == "cohort" and page.segments is not None
    assert "Break down by" not in _text(at) or page.simpson  # the segment checks are drawn


def test_an_observational_column_is_said(monkeypatch, tmp_path, uploaded) -> None:
    at = _page(monkeypatch, tmp_path, "en")
    at.selectbox(key="ab_variant").set_value("device").run()
    assert not errors_and_exceptions(at)
    _, want = _upload_analysis(uploaded, Filters(), variant="device", observational=True)
    page = at.session_state["ab_result_export"]
    assert page.observational and page.srm is None
    assert (
        page.arms.select("variant", "visitors", "conversions").rows()
        == want.arms.select("variant", "visitors", "conversions").rows()
    )
    text = _text(at)
    assert "`device` is not an A/B assignment** (3 values: desktop, mobile, and tablet)" in text
    assert any("observational comparison, not an experiment" in w.value for w in at.warning)


def test_the_quick_check_still_works(monkeypatch, tmp_path) -> None:
    at = _page(monkeypatch, tmp_path, "fr")
    at.segmented_control(key="ab_mode").set_value("Quick check").run()
    at.text_area(key="ab_paste").set_value("gate_30\t44,700\t8502\ngate_40\t45489\t8279").run()
    assert not errors_and_exceptions(at)
    page = at.session_state["ab_result_export"]
    ref = abtest.compare(8502, 44700, 8279, 45489)
    assert page.source.kind == "pasted"
    assert page.comparisons["p_value"][0] == pytest.approx(ref.p_value, rel=1e-12)
    assert at.session_state["ab_result_view_key"] is None  # typed numbers hold for any view


def test_an_engine_failure_is_a_message(monkeypatch, tmp_path) -> None:
    from kpi.engine import ab

    def broken(*args, **kwargs):
        raise RuntimeError("IO Error: lost postgresql://u:s3cret@db.example/x (timeout)")

    monkeypatch.setattr(ab, "ab_variant_counts", broken)
    at = connected_app(monkeypatch, tmp_path, page=PAGE, lang="en", n=N)
    assert not at.exception, [e.value for e in at.exception]
    errors = [e.value for e in at.error]
    assert errors and "RuntimeError" in errors[0]
    assert "postgresql://***@db.example" in errors[0].replace("\\", "")
    text = _text(at)
    assert "s3cret" not in text and "duckdb:///" not in text
    assert "ab_result_export" not in at.session_state


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_a_table_without_revenue_or_arm_says_so(monkeypatch, tmp_path, lang) -> None:
    log = events(N)
    at = connected_app(
        monkeypatch, tmp_path, page=PAGE, lang=lang, log=log.drop("revenue", "order_id")
    )
    assert not errors_and_exceptions(at), errors_and_exceptions(at)
    page = at.session_state["ab_result_export"]
    assert not page.revenue and page.arms["visitors"].sum() == N
    text = _text(at)
    if lang == "en":
        assert "the connected table has no amount column" in text
        assert "upload events or orders" not in text
    else:
        assert "la table connectée n'a pas de colonne de montant" in text
    # no assignment column: the page opens on the Quick check; From data says why
    (tmp_path / "b").mkdir()
    at = connected_app(monkeypatch, tmp_path / "b", page=PAGE, lang=lang, log=log.drop("variant"))
    assert at.segmented_control(key="ab_mode").value == "Quick check"
    at.segmented_control(key="ab_mode").set_value("From data").run()
    assert not errors_and_exceptions(at), errors_and_exceptions(at)
    words = "No column looks like an A/B assignment" if lang == "en" else "Aucune colonne"
    assert any(words in i.value for i in at.info)
    assert "ab_result_export" not in at.session_state
