"""A/B test: a verdict a statistician would sign, from four numbers typed in or from the data.

Two ways in (``?ab_mode=``): **Quick check** (type or paste visitors and conversions per
variant, :mod:`pages._ui.ab_quick`) and **From data** (an A/B summary file, or the variant
column, a yes/no outcome or "reached step X", control, optional segment:
:mod:`pages._ui.ab_data`). The settings are one :class:`kpi.abtest.ABSettings` read in
:mod:`pages._ui.ab_settings`; every statistic is computed once by :func:`kpi.abtest.analyse`
into a typed :class:`kpi.abtest.ABAnalysis` that this page draws and stores for the workbook
(``st.session_state["ab_result_export"]``, with the test plan and how the counts were made);
``ab_result_view_key`` says which view it belongs to (None: typed-in numbers hold for any).

On a connected table (``compute.engine_view()``, the Data page's "Use this table"), "From
data" counts the users of the table's view in its engine (:func:`pages._ui.ab_data.from_engine`,
:mod:`kpi.engine.view_ab`: visitors, conversions, Σ and Σ² revenue per arm × segment) and
the page goes on as for an upload: the same statistics, drawn by the same functions.
"""

from __future__ import annotations

from dataclasses import replace

import polars as pl
import streamlit as st

from kpi import abtest
from kpi.abtest import ABAnalysis
from kpi.errors import ParcoursError
from pages._ui import (
    ab_charts,
    ab_data,
    ab_details,
    ab_peeking,
    ab_planning,
    ab_quick,
    ab_revenue,
    ab_settings,
    ab_trust,
    ab_verdict,
    compute,
    state,
)
from pages._ui.lang import current, t, tx
from pages._ui.page_end import end_page


def _no_result() -> None:
    """Nothing computed: the workbook must not carry an older result."""
    st.session_state.pop("ab_result_export", None)
    st.session_state.pop("ab_result_view_key", None)
    end_page()


st.title(tx("ab_page.title"))
st.markdown(t("ab_page.intro"))

# a connected table (the Data page's "Use this table") is counted in its engine; the rest of
# the page (settings, analysis, every chart, table and sentence) is the same for both routes
engine = compute.engine_view()
if engine is not None:
    summary = None
    has_test = ab_data.engine_has_test(engine)
    mode_default = ab_settings.DATA if has_test else ab_settings.QUICK
    files_id = state.digest()  # the connected table
else:
    # uploaded data with an A/B assignment column (or an A/B summary file) opens on it; the
    # demo data and the URL (?ab_mode=) keep their say. New files reset the mode to their
    # default.
    loaded = st.session_state.get("dataset")
    summary = ab_data.summary_file()
    has_test = summary is not None or (
        loaded is not None
        and bool(loaded.flags or loaded.steps)
        and bool(abtest.assignment_columns(loaded.users, loaded.segments))
    )
    mode_default = ab_settings.DATA if not state.using_demo() and has_test else ab_settings.QUICK
    files_id = "-".join(f.digest for f in state.files())
seen = st.session_state.get("ab_mode_files")
st.session_state["ab_mode_files"] = files_id
mode = ab_settings.mode_choice(
    mode_default, reset=seen is not None and seen != files_id, connected=engine is not None
)
verdict_area = st.container()
stats = ab_settings.statistics()

# --------------------------------------------------------------------------- the counts

example = False
if mode == ab_settings.QUICK:
    typed = ab_quick.form(_no_result)
    if typed is None:
        ab_planning.show(None, stats, 2)
        _no_result()
    counts, source, control = typed.counts, typed.source, typed.control
    variant_column, observational, by, outcome, flags, window = "variant", False, None, None, (), 0
    example = typed.is_example
else:
    if engine is not None:
        data = ab_data.from_engine(engine, _no_result)
    elif summary is not None:
        data = ab_data.from_summary(*summary)
    else:
        data = ab_data.from_users(_no_result)
    counts, source, control = data.counts, data.source, data.control
    variant_column, observational, by = data.variant_column, data.observational, data.segment
    outcome, flags, window = data.outcome, data.flags, data.window_days

# --------------------------------------------------------------------------- the analysis

group_count = counts.select(pl.col(variant_column).n_unique()).item()
try:
    split = abtest.parse_split(stats.split_text, group_count)
except ParcoursError as exc:
    st.warning(t("ab_page.split_fallback", problem=exc.text(current())))
    split = None
settings = ab_settings.settings(
    mode,
    stats,
    variant=variant_column,
    control=control,
    outcome=outcome,
    flags=flags,
    window_days=window,
    segment=by,
    planned_split=split,
)
try:
    a: ABAnalysis = abtest.analyse_with(
        counts, settings, variant=variant_column, observational=observational
    )
except ParcoursError as exc:
    st.error(exc.text(current(), markdown=True), icon="✋")
    _no_result()
a = replace(a, source=source)
shown_column = source.variant_column or variant_column
scale = ab_charts.variant_scale(variant_column, a.names)
from_data = mode == ab_settings.DATA

ab_verdict.show(verdict_area, a, variant_column=shown_column, example=example)
ab_details.groups(a)
ab_details.comparisons(a, stats.correction_label)
ab_details.chart_pair(a, scale)
ab_trust.traffic_split(a, shown_column)
ab_trust.segments(a, scale, from_data=from_data)
if stats.peeked:
    ab_peeking.show(a)
ab_revenue.show(a, from_data=from_data, connected=engine is not None)
plan = ab_planning.show(a, stats, a.arms.height)
ab_planning.methods()

st.session_state["ab_result_export"] = a.with_plan(plan)
# typed-in numbers hold for any view; a result from the data only for this data and filters
st.session_state["ab_result_view_key"] = None if not from_data else state.view_key()
