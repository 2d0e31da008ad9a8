"""Overview: the headline KPIs of the view, its red flags, and where to go next."""

from __future__ import annotations

import streamlit as st

from kpi import pipeline
from kpi.errors import ParcoursError
from kpi.words import Fact
from pages._ui import compute, state, widgets
from pages._ui.lang import t, tx

st.title(tx("home.title"))
st.markdown(t("home.intro"))
widgets.view_caption()
ds = state.require_view()

key = state.view_key()
try:
    kpis = {k.code: k for k in compute.stage_kpis(key, ds)}
    prev = compute.previous_view()
    prev_kpis = {k.code: k for k in compute.stage_kpis(*prev)} if prev else {}
except ParcoursError as exc:
    st.info(t("home.need_events", error=exc.message))
    if exc.hint is not None:
        st.caption(t(exc.hint))
    kpis, prev, prev_kpis = {}, None, {}

HEADLINE = ["users", "sessions", "conversion_rate", "aov", "cart_abandonment", "bounce_rate"]
LOWER_IS_BETTER = {"cart_abandonment", "bounce_rate"}
if ds.events.height == 0:
    kpis = {}  # no event log: the cards would read 0 users
    st.info(t("home.no_events.counts" if ds.counts is not None else "home.no_events.users"))
elif pipeline.is_contacts(ds):  # a CRM contacts table: the pipeline's headline KPIs
    HEADLINE = ["contacts", "lead_conversion", "customers", "won_deal_value", "avg_deal_value"]
shown = [kpis[c] for c in HEADLINE if c in kpis and kpis[c].available]
# headline KPIs that do not apply to this data (orders only, contacts): said, not shown as 100 %
not_applicable = [kpis[c] for c in HEADLINE if c in kpis and kpis[c].reason]
if shown:
    cols = st.columns(3) * 2
    for col, k in zip(cols, shown, strict=False):
        with col:
            widgets.kpi_tile(k, prev_kpis.get(k.code), lower_is_better=k.code in LOWER_IS_BETTER)
    for k in not_applicable:
        label = Fact(f"def.{k.code}.label")
        st.caption(":material/block: " + t("home.not_applicable", label=label, reason=k.missing))
    if prev:
        widgets.previous_period_caption()
    else:
        st.caption(t("home.no_previous"))

flags = compute.red_flags(ds)
st.subheader(tx("home.red_flags" if flags else "home.no_red_flags"))
if flags:
    widgets.red_flags(flags)
else:
    st.success(t("home.all_within"))

st.subheader(tx("home.go_further"))
c1, c2, c3, c4 = st.columns(4)
for col, (page, name, blurb) in zip(
    (c1, c2, c3, c4),
    [
        ("pages/funnel_view.py", "nav.funnel", "home.blurb.funnel"),
        ("pages/stages_view.py", "nav.stages", "home.blurb.stages"),
        ("pages/abtest_view.py", "nav.ab", "home.blurb.ab"),
        ("pages/data_view.py", "nav.data", "home.blurb.data"),
    ],
    strict=True,
):
    with col.container(border=True):
        try:
            st.page_link(page, label=f"**{t(name)}**")
        except Exception:  # the page is not registered in this build
            st.markdown(f"**{t(name)}**")
        st.caption(t(blurb))
