"""Pages on aggregated counts (an A/B summary, the GA4 BigQuery funnel export): no user or KPI
card reading 0, no "map a timestamp column" on a file whose dates were read, and the period
the counts cover on the Data page (QA on issue 9)."""

from __future__ import annotations

import pytest

from tests.app.conftest import DATASETS, errors_and_exceptions

AB = b"group,users,converted,revenue\ncontrol,5000,250,12500.50\ntreatment,5100,301,15890.25\n"
GA4 = DATASETS / "ga4_merch_store" / "BigQuery_conversion_funnel.csv"


def _metrics(app) -> dict[str, str]:
    return {m.label: m.value for m in app.metric}


def _infos(app) -> str:
    return " ".join(i.value for i in app.info)


def test_an_ab_summary_has_no_zero_users_and_its_two_steps(app):
    app.run()
    app.sidebar.file_uploader[0].set_value(("ab.csv", AB, "text/csv")).run()
    assert errors_and_exceptions(app) == []
    app.switch_page("pages/data_view.py").run()
    metrics = _metrics(app)
    assert metrics["Users"] == "–" and metrics["Rows of counts"] == "2"
    assert "Events" not in metrics
    assert any("users → converted" in m.value for m in app.markdown)
    for page in ("stages_view", "retention_view", "value_view"):
        app.switch_page(f"pages/{page}.py").run()
        assert errors_and_exceptions(app) == [], page
        assert "aggregated counts" in _infos(app), page
        assert not [m for m in app.metric if m.value in ("0", "0.00 %")], page


@pytest.mark.skipif(not GA4.exists(), reason="../shared/datasets missing")
def test_the_ga4_funnel_export_states_its_period_not_no_dates(app):
    app.run()
    app.sidebar.file_uploader[0].set_value((GA4.name, GA4.read_bytes(), "text/csv")).run()
    app.switch_page("pages/data_view.py").run()
    assert errors_and_exceptions(app) == []
    text = " ".join(m.value for m in app.markdown)
    assert "no dates in the data" not in text
    assert "Nov 1, 2020 → " in text  # the period in words (kpi.words.format dates)
    app.switch_page("pages/retention_view.py").run()
    assert "Map one on the Data page" not in _infos(app)
    assert "aggregated counts" in _infos(app)


@pytest.mark.skipif(not GA4.exists(), reason="../shared/datasets missing")
def test_the_funnel_of_the_ga4_export_in_french_speaks_of_the_count(app):
    """The GA4 BigQuery funnel export (counts per day and step) on the Funnel page in French:
    the counts-mode note, insights about "le décompte" (sessions or rows, not people), the
    numbers as the file sums them, and none of the funnel's English sentences."""
    import polars as pl

    from tests.app.test_funnel_page import _assert_french, _frame

    app.query_params["lang"] = "fr"
    app.run()
    app.sidebar.file_uploader[0].set_value((GA4.name, GA4.read_bytes(), "text/csv")).run()
    app.switch_page("pages/funnel_view.py").run()
    _assert_french(app)
    assert "Décomptes agrégés" in _infos(app)
    insights = next(m.value for m in app.markdown if m.value.startswith("- "))
    assert "du décompte de" in insights and "utilisateurs" not in insights
    table = _frame(app, "step", "users", "drop_off")
    # the export holds rates per day × source: the count of a step is rate × sessions, summed
    raw = pl.read_csv(GA4)
    sessions = raw["user_sessions_count"]
    expected = {"user_sessions_count": int(sessions.sum())} | {
        c: round(float((raw[c] * sessions).sum()))
        for c in ("visit_to_cart", "visit_to_checkout", "visit_to_purchase")
    }
    got = dict(zip(table["step"].to_list(), table["users"].to_list(), strict=True))
    assert {k: got[k] for k in expected if k in got} == {
        k: v for k, v in expected.items() if k in got
    }
    assert len(got) >= 2 and table["conversion"][0] == pytest.approx(1.0)
