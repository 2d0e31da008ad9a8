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
