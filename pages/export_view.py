"""Export: choose the sheets and the red-flag thresholds, then download the Excel summary.

The workbook is :func:`kpi.report.build_workbook` (the same as ``python -m kpi report``).
The thresholds chosen here also drive the red flags shown on the other pages.
"""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from kpi.errors import ParcoursError
from kpi.report import SECTIONS, window_text
from pages._ui import compute, download, state, widgets
from pages._ui import funnel_charts as fc

CONTENTS = {
    "summary": "title, period vs previous period, filters in words, source files, headline "
    "KPIs with their change, every red flag",
    "funnel": "users per step and per segment, conversion, drop-off, step times, funnel chart",
    "stages": "every journey KPI with value, previous value, change, formula, what is missing",
    "retention": "monthly (or weekly) cohort table with a colour scale and the weighted average",
    "value": "AOV, revenue per customer, CLV with its factors, CAC, CLV/CAC and ROAS per "
    "channel, NPS",
    "ab": "every number of the A/B test with method names, inputs and verdict (when the data "
    "has a variant column or the A/B page has a result)",
    "definitions": "each KPI's formula in words, as in the app",
    "quality": "rows read, kept and dropped by reason per file, missing values",
}

st.title("Export")
widgets.view_caption()
ds = state.require_view()

st.markdown(
    "Download an **Excel summary of this view** to forward before a meeting: numbers stay "
    "numbers (sortable, with formats), formulas are written out in words, nothing is "
    "recalculated. The same button is in the sidebar of every page."
)

left, right = st.columns([1.4, 1])
with left:
    st.subheader("Sheets")
    picked = st.multiselect(
        "Sheets in the workbook",
        list(SECTIONS),
        default=list(SECTIONS),
        format_func=SECTIONS.get,
        key="ex_sheets",
        bind="query-params",
        help="Leave out what your readers do not need.",
    )
    st.session_state["export_sections"] = list(picked)
    for code in picked:
        st.markdown(f"- **{SECTIONS[code]}**: {CONTENTS[code]}")

with right:
    st.subheader("Red-flag thresholds")
    t0 = fc.current_thresholds()  # the ones set on the Funnel / Stage KPIs pages, if any
    min_conv = st.number_input(
        "Minimum conversion rate (%)", 0.0, 100.0, t0.min_conversion * 100, 0.5,
        key="ex_min_conversion", bind="query-params",
        help="Purchasers / visitors below this is an alert.",
    )  # fmt: skip
    max_cart = st.number_input(
        "Maximum cart abandonment (%)", 0.0, 100.0, t0.max_cart_abandonment * 100, 1.0,
        key="ex_max_cart", bind="query-params",
        help="Cart users who did not purchase / cart users above this is a warning.",
    )  # fmt: skip
    max_bounce = st.number_input(
        "Maximum bounce rate (%)", 0.0, 100.0, t0.max_bounce * 100, 1.0,
        key="ex_max_bounce", bind="query-params",
        help="Single-page sessions / sessions above this is a warning.",
    )  # fmt: skip
    max_drop = st.number_input(
        "Maximum drop of session duration, month on month (%)", 1.0, 99.0,
        t0.max_session_duration_drop * 100, 1.0,
        key="ex_max_duration_drop", bind="query-params",
        help="Average session duration falling by more than this from one month to the next.",
    )  # fmt: skip
    try:
        thresholds = replace(
            t0,  # keeps the funnel significance level and step floor set elsewhere
            min_conversion=min_conv / 100,
            max_cart_abandonment=max_cart / 100,
            max_bounce=max_bounce / 100,
            max_session_duration_drop=max_drop / 100,
        )
    except ParcoursError as exc:
        st.error(str(exc))
        st.stop()
    st.session_state["thresholds"] = thresholds

flags = compute.red_flags(ds, thresholds)
st.subheader(f"Red flags in this view: {len(flags)}" if flags else "No red flags in this view")
if flags:
    widgets.red_flags(flags)

if not picked:
    st.info("Pick at least one sheet to download the workbook.")
    st.stop()
options = download.current_options(thresholds=thresholds)
funnel = " → ".join(options.steps) if options.steps else "the data's step order"
window = window_text(options.window)
st.caption(
    f"Funnel in the workbook: {funnel}; {options.order} order; window {window}; breakdown by "
    f"{options.segment or 'the first of device / channel / variant'} (set them on the Funnel "
    "page). Changes are against the previous period when a period is chosen in the sidebar."
)
download.report_button("main", sections=picked, options=options, key="ex_download")
