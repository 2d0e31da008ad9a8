"""Overview: the headline KPIs of the view, its red flags, and where to go next."""

from __future__ import annotations

import streamlit as st

from kpi import pipeline
from kpi.definitions import all_definitions
from kpi.errors import ParcoursError
from pages._ui import compute, state, widgets

st.title("Parcours")
st.markdown(
    "Customer-journey KPIs from the exports you already have: **upload a file**, pick segments "
    "in the sidebar, read the funnel and every stage's KPIs, check an A/B test, download the "
    "Excel summary."
)
widgets.view_caption()
ds = state.require_view()

key = state.view_key()
try:
    kpis = {k.code: k for k in compute.stage_kpis(key, ds)}
    prev = compute.previous_view()
    prev_kpis = {k.code: k for k in compute.stage_kpis(*prev)} if prev else {}
except ParcoursError as exc:
    st.info(f"Headline KPIs need an event log: {exc}")
    kpis, prev, prev_kpis = {}, None, {}
definitions = all_definitions()

HEADLINE = ["users", "sessions", "conversion_rate", "aov", "cart_abandonment", "bounce_rate"]
LOWER_IS_BETTER = {"cart_abandonment", "bounce_rate"}
if ds.events.height == 0:
    kpis = {}  # no event log: the cards would read 0 users
    what = "aggregated counts" if ds.counts is not None else "a user table"
    st.info(
        f"This data is {what}, not an event log, so there are no journey KPIs to headline. "
        + (
            "Its funnel is on the **Funnel** page."
            if ds.counts is not None
            else "Check an A/B test on the **A/B test** page, or upload the event log too."
        )
    )
elif pipeline.is_contacts(ds):  # a CRM contacts table: the pipeline's headline KPIs
    HEADLINE = ["contacts", "lead_conversion", "customers", "won_deal_value", "avg_deal_value"]
shown = [kpis[c] for c in HEADLINE if c in kpis and kpis[c].available]
# headline KPIs that do not apply to this data (orders only, contacts): said, not shown as 100 %
not_applicable = [kpis[c] for c in HEADLINE if c in kpis and kpis[c].reason]
if shown:
    cols = st.columns(3) * 2
    for col, k in zip(cols, shown, strict=False):
        with col:
            p = prev_kpis.get(k.code)
            widgets.kpi_card(
                k.label,
                k.value,
                k.unit,
                previous=p.value if p and p.available else None,
                definition=definitions.get(k.code),
                lower_is_better=k.code in LOWER_IS_BETTER,
            )
    for k in not_applicable:
        text = k.missing or ""
        st.caption(f":material/block: **{k.label}** {text}.")
    if prev:
        widgets.previous_period_caption()
    else:
        st.caption(
            "No earlier period to compare with: narrow the Period in the sidebar (e.g. one month, with data before it) to "
            "compare with the period before it."
        )

flags = compute.red_flags(ds)
st.subheader("Red flags" if flags else "No red flags")
if flags:
    widgets.red_flags(flags)
else:
    st.success("Every KPI is within its threshold for this view.")

st.subheader("Go further")
c1, c2, c3, c4 = st.columns(4)
for col, (page, label, text) in zip(
    (c1, c2, c3, c4),
    [
        ("pages/funnel_view.py", "Funnel", "Where users drop off, by segment and over time."),
        ("pages/stages_view.py", "Stage KPIs", "Awareness, consideration, decision."),
        ("pages/abtest_view.py", "A/B test", "A verdict a statistician would sign."),
        ("pages/data_view.py", "Data", "What was read, and every dropped row."),
    ],
    strict=True,
):
    with col.container(border=True):
        try:
            st.page_link(page, label=f"**{label}**")
        except Exception:  # the page is not registered in this build
            st.markdown(f"**{label}**")
        st.caption(text)
