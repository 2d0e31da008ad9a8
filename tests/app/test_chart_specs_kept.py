"""A rerun that draws the same chart sends the kept Vega-Lite spec (pages/_ui/charts.draw):
the altair chart is built once per arguments, language and data, and what reaches the
browser is the same as a chart built anew."""

from __future__ import annotations

import json

from pages._ui import funnel_charts
from tests.app.conftest import errors_and_exceptions

PAGE = "pages/funnel_view.py"


def _charts(at) -> list[tuple[str, list[bytes]]]:
    return [
        (c.proto.spec, [d.data.data for d in c.proto.datasets]) for c in at.get("vega_lite_chart")
    ]


def test_the_same_chart_is_built_once_and_sent_the_same(app, monkeypatch):
    built = []
    real = funnel_charts.funnel_bars
    monkeypatch.setattr(
        funnel_charts, "funnel_bars", lambda *a, **k: built.append(1) or real(*a, **k)
    )
    app.query_params["fn_by"] = ["device"]
    app.run()
    app.switch_page(PAGE).run()
    assert errors_and_exceptions(app) == []
    first = _charts(app)
    assert len(first) >= 2 and len(built) == 1  # the funnel bars and the segment bars
    app.run()  # a rerun that changes nothing
    assert errors_and_exceptions(app) == []
    assert _charts(app) == first  # the same spec and the same data bytes
    assert len(built) == 1  # not built again

    # another language: built anew, in French
    app.sidebar.segmented_control(key="lang").set_value("fr").run()
    assert errors_and_exceptions(app) == []
    assert len(built) == 2
    french = _charts(app)
    assert french != first
    assert '"decimal": ","' in french[0][0]  # vega writes the numbers in French

    # back to English: the kept English spec, identical to the first one
    app.sidebar.segmented_control(key="lang").set_value("en").run()
    assert _charts(app) == first
    assert len(built) == 2


def test_a_kept_spec_is_what_altair_would_send(app):
    """The kept spec is Streamlit's own conversion of the altair chart: the same JSON as
    st.altair_chart would send for a chart built on the same table."""
    from streamlit.elements.vega_charts import _convert_altair_to_vega_lite_spec

    from pages._ui import charts

    app.run()
    app.switch_page(PAGE).run()
    assert errors_and_exceptions(app) == []
    view = list(app.session_state["_views"].values())[-1]
    table = view.funnel()
    kept = [
        spec for key, spec in app.session_state["_chart_specs"].items() if key[1] == "funnel_bars"
    ]
    assert len(kept) == 1
    again = _convert_altair_to_vega_lite_spec(
        charts.configure(funnel_charts.funnel_bars(table, "users"))
    )
    assert json.dumps(kept[0], default=str, sort_keys=True) == json.dumps(
        again, default=str, sort_keys=True
    )
