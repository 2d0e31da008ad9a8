"""The charts' shared configuration, set on one copy of the chart (pages/_ui/charts.py), is
what altair's chained ``configure_*`` calls give; the unchecked conversion gives the same
Vega-Lite dict as altair's checked one."""

from __future__ import annotations

import altair as alt
import polars as pl

from pages._ui import charts


def _chained(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    """The previous configure(): one configure_* call (one copy of the chart) per part."""
    chart = chart.copy(deep=["config"])
    if chart.config is alt.Undefined:
        chart.config = alt.Config()
    chart.config["locale"] = charts.locale()
    f, t = charts.FONT_SIZE, charts.TITLE_SIZE
    return (
        chart.configure_axis(labelFontSize=f, titleFontSize=f, labelLimit=260)
        .configure_legend(labelFontSize=f, titleFontSize=f, symbolSize=200)
        .configure_title(fontSize=t, anchor="start")
        .configure_text(fontSize=f)
        .configure_header(labelFontSize=f, titleFontSize=f)
    )


def test_one_copy_configures_as_the_chained_calls():
    frame = pl.DataFrame({"step": ["visit", "buy"], "users": [10, 3]})
    bars = alt.Chart(frame).mark_bar().encode(x="step", y="users")
    for chart in (
        bars,
        bars + bars.mark_text(),
        bars.properties(title="t").configure_view(stroke=None),
        alt.hconcat(bars, bars),
        bars.facet(column="step"),
    ):
        expected = _chained(chart).to_dict()
        assert charts.configure(chart).to_dict() == expected
        assert charts._Unchecked(charts.configure(chart)).to_dict() == expected
