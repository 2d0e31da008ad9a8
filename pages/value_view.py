"""Value: AOV, revenue per customer, CLV (editable factors, observed curves), CAC and ROAS."""

from __future__ import annotations

import hashlib
from functools import partial

import polars as pl
import streamlit as st

from kpi import pipeline, retention, stages, value
from kpi.dataset import Dataset
from kpi.errors import ParcoursError
from kpi.filters import Filters
from pages._ui import charts, cohort_charts, state, widgets
from pages._ui import format as fmt

# option (what the URL carries, ?va_clv_basis=one+for+all) -> kpi value
BASIS = {"per channel": "channel", "one for all": "shop"}


@st.cache_data(scope="session", max_entries=16, show_spinner=False)
def _inputs(key: str, _ds: Dataset) -> value.ClvInputs:
    return value.clv_inputs(_ds.events, purchase_step=PURCHASE)


@st.cache_data(scope="session", max_entries=16, show_spinner="Computing customer value…")
def _summary(
    key: str,
    aov: float | None,
    per_year: float | None,
    years: float,
    basis: str,
    _ds: Dataset,
    _full: Dataset,
    _filters: Filters,
) -> value.ValueSummary:
    events = _ds.events_with(["channel"]) if "channel" in _ds.users.columns else _ds.events
    # CAC's new customers: first-ever purchase in the period, judged on the unfiltered history
    first = value.new_customers_in_view(_full, _filters, purchase_step=PURCHASE)
    return value.value_summary(
        events,
        _ds.spend,
        purchase_step=PURCHASE,
        aov=aov,
        purchases_per_year=per_year,
        years=years,
        clv_basis=basis,
        first_purchases=first,
    )


def _stop_on(exc: ParcoursError) -> None:
    st.error(exc.message)
    if exc.hint:
        st.info(f"What to do: {exc.hint}")
    st.stop()


st.title("Customer value")
widgets.view_caption()
ds = state.require_view()
widgets.stop_on_aggregated_counts(ds, "customer value (orders per customer, CLV)")
PURCHASE = stages.purchase_step(ds)  # purchase, order, transaction…: read by the helpers above
key = state.view_key()
defs = value.DEFINITIONS
if pipeline.is_contacts(ds):  # a CRM contacts table: amounts are deal values, not orders
    st.info(
        "This data is a CRM contacts table (a pipeline of stages), not orders: customer value "
        "from orders does not apply. Won deal value, average deal value and the lead "
        "conversion rate are on the **Stage KPIs** page (decision stage).",
        icon=":material/contacts:",
    )
    st.stop()
try:
    est = _inputs(key, ds)
except ParcoursError as exc:
    _stop_on(exc)
if est.aov is None:
    st.info(est.explanation + " Customer value needs orders with amounts (a revenue column).")
    st.stop()

# ---------------------------------------------------------------- CLV factors (editable)
st.subheader("Customer lifetime value")
st.markdown(
    f"**{defs['clv'].formula}** Each factor is estimated from the data; change any of them."
)
tag = hashlib.sha256(key.encode()).hexdigest()[:8]  # new data or filters: new estimates
aov_est = round(est.aov, 2)
f1, f2, f3, f4 = st.columns([1, 1, 1, 1.4])
years_in = f3.number_input(
    "Years of relationship",
    min_value=0.1,
    max_value=30.0,
    value=float(round(est.years, 2)),
    step=0.5,
    key="va_years",
    bind="query-params",
    help="How long a customer keeps buying. Short data cannot show it: 3 years is assumed.",
)
# purchases per year = repeat orders per customer-year + the first purchase over the years
freq_est = round(est.per_year(float(years_in)) or 0.0, 2)
aov_in = f1.number_input(
    "Average order value",
    min_value=0.0,
    value=aov_est,
    step=1.0,
    format="%.2f",
    key=f"va_aov_{tag}",
    help=f"From the data: {fmt.money(est.aov)} ({defs['aov'].formula})",
)
freq_in = f2.number_input(
    "Purchases per customer per year",
    min_value=0.0,
    value=freq_est,
    step=0.1,
    format="%.2f",
    key=f"va_freq_{tag}_{years_in:g}",
    help="From each customer's own history: repeat orders ÷ the years each customer was "
    "observed (first purchase to the end of the data, at least 30 days), + the first purchase "
    "spread over the years of relationship."
    + (f" {value.extrapolation_note(est).capitalize()} of data." if est.extrapolated_days else ""),
)
aov_override = None if aov_in == aov_est else float(aov_in)
freq_override = None if freq_in == freq_est else float(freq_in)
basis = (
    f4.segmented_control(
        "CLV used for CLV / CAC",
        list(BASIS),
        default="per channel",
        key="va_clv_basis",
        bind="query-params",
        help="Each channel's own AOV and purchase frequency (with the years above), or the one "
        "CLV above for every channel.",
    )
    or "per channel"
)
basis = BASIS.get(basis, "channel")
try:
    s = _summary(
        key, aov_override, freq_override, float(years_in), basis, ds,
        st.session_state["dataset"], state.current_filters(),
    )  # fmt: skip
except ParcoursError as exc:
    _stop_on(exc)

extrapolated = value.extrapolation_note(s.inputs)
if s.clv is not None:
    # under a year of data the yearly purchase rate is an extrapolation: the headline says so
    st.markdown(f"### {s.clv.formula}" + (f" ({extrapolated})" if extrapolated else ""))
st.caption(est.explanation)
if aov_override is not None or freq_override is not None:
    st.caption("You changed a factor: the CLV above uses your value, not the data's estimate.")

cards = [*st.columns(3), *st.columns(3)]  # 3 a row: the labels stay whole
with cards[4]:
    rdef = retention.DEFINITIONS["repeat_purchase_rate"]
    widgets.kpi_card(rdef.label, s.repeat.rate, "rate", definition=rdef)
    st.caption(s.repeat.explanation)
with cards[0]:
    widgets.kpi_card(
        f"CLV ({extrapolated})" if extrapolated else defs["clv"].label,
        s.clv.clv if s.clv else None,
        "currency",
        definition=defs["clv"],
    )
with cards[1]:
    widgets.kpi_card(defs["aov"].label, s.aov.aov, "currency", definition=defs["aov"])
    st.caption(s.aov.explanation)
with cards[2]:
    widgets.kpi_card(
        defs["revenue_per_customer"].label, s.revenue_per_customer.value, "currency",
        definition=defs["revenue_per_customer"],
    )  # fmt: skip
    st.caption(s.revenue_per_customer.explanation)
with cards[3]:
    widgets.kpi_card(
        "Top 10 % revenue share", s.top_share.share, "rate",
        definition=defs["top_customer_share"],
    )  # fmt: skip
    st.caption(s.top_share.explanation)

# ---------------------------------------------------------------- observed CLV
st.subheader("Observed CLV: what customers have really spent so far")
if not charts.empty_note(s.observed, "first-purchase cohort"):
    charts.show(
        cohort_charts.curves(
            s.observed,
            grain="month",
            title="Cumulative revenue per customer, by month of first purchase",
            series="cohort",
            users="cohort_size",
            series_title="First purchase",
            y="clv",
            y_title="Revenue per customer so far",
            y_format=",.0f",
        ),
        key="va_observed",
    )
    st.caption(f"{defs['observed_clv'].label}: {defs['observed_clv'].formula}")

# ---------------------------------------------------------------- acquisition
st.subheader("Acquisition cost and return")
if s.spend_note:  # CAC not shown: no spend, or no channel to match spend to customers
    icon = ":material/upload_file:" if s.spend_reason == "no_spend" else ":material/block:"
    st.info(s.spend_note, icon=icon)
    st.stop()
# ad spend is known per channel and period only: a device (or any non-channel) filter would
# divide every channel's spend by that device's customers alone
not_channel = [c for c in state.current_filters().active_segments if c != "channel"]
if not_channel:
    named = ", ".join(c.replace("_", " ") for c in not_channel)
    st.info(
        f"CAC, ROAS, CLV / CAC and payback are hidden because the view is filtered by {named}. "
        "Ad spend is known per channel and month only, not per "
        f"{named}, so dividing it by the new customers of this filter would overstate CAC. "
        f"Remove the {named} filter in the sidebar (a channel filter and the period are fine: "
        "CAC is per channel).",
        icon=":material/filter_alt_off:",
    )
    st.stop()
assert s.channels is not None and s.total is not None
t = s.total
cards = st.columns(4)
with cards[0]:
    widgets.kpi_card(
        "CAC (all paid channels)",
        t["cac"],
        "currency",
        definition=defs["cac"],
        lower_is_better=True,
    )  # type: ignore[arg-type]
    st.caption(f"{fmt.money(t['spend'])} spent ÷ {fmt.num(t['new_customers'])} new customers.")  # type: ignore[arg-type]
with cards[1]:
    widgets.kpi_card(defs["roas"].label, t["roas"], "ratio", definition=defs["roas"])  # type: ignore[arg-type]
    st.caption(f"{fmt.money(t['revenue'])} of revenue from paid channels.")  # type: ignore[arg-type]
with cards[2]:
    widgets.kpi_card(defs["clv_cac"].label, t["clv_cac"], "ratio", definition=defs["clv_cac"])  # type: ignore[arg-type]
    st.caption("CLV above ÷ CAC of all paid channels.")
with cards[3]:
    widgets.kpi_card(
        defs["payback"].label,
        t["payback_months"],
        "months",
        definition=defs["payback"],
        lower_is_better=True,
    )  # type: ignore[arg-type]
    st.caption(
        f"At {fmt.money(s.monthly_revenue)} of revenue per customer per month (all customers)."
    )

charts.show(cohort_charts.clv_cac_bars(s.channels, guide=value.GUIDE_RATIO), key="va_clv_cac")
below = s.channels.filter(pl.col("meets_guide").not_() & pl.col("clv_cac").is_not_null())[
    "channel"
].to_list()
if below:
    st.warning(
        f"Below the 3 : 1 guide: **{', '.join(below)}**. These customers cost more than a third "
        "of what they bring over their lifetime."
    )
# numbers as text with "–" where a figure does not exist (organic, direct: no spend)
shown = s.channels.select(
    "channel",
    pl.col("spend").map_elements(fmt.money, return_dtype=pl.String),
    pl.col("new_customers").map_elements(fmt.num, return_dtype=pl.String),
    *(
        pl.col(c).map_elements(partial(fmt.num, digits=d), return_dtype=pl.String)
        for c, d in (("cac", 2), ("revenue", 2), ("roas", 2), ("clv", 2), ("clv_cac", 1))
    ),
    pl.when(pl.col("meets_guide")).then(pl.lit("yes")).when(pl.col("meets_guide").not_())
    .then(pl.lit("no")).otherwise(None).alias("meets_guide"),
    pl.col("payback_months").map_elements(partial(fmt.num, digits=1), return_dtype=pl.String),
    pl.col("note").replace({"no spend": "no ad spend"}),
).fill_null("–")  # fmt: skip
st.dataframe(
    shown,
    hide_index=True,
    width="stretch",
    column_config={
        "channel": st.column_config.TextColumn("Channel"),
        "spend": st.column_config.TextColumn("Spend"),
        "new_customers": st.column_config.TextColumn("New customers"),
        "cac": st.column_config.TextColumn("CAC"),
        "revenue": st.column_config.TextColumn("Revenue"),
        "roas": st.column_config.TextColumn("ROAS"),
        "clv": st.column_config.TextColumn("CLV"),
        "clv_cac": st.column_config.TextColumn("CLV / CAC"),
        "meets_guide": st.column_config.TextColumn("≥ 3 : 1"),
        "payback_months": st.column_config.TextColumn("Payback (months)"),
        "note": st.column_config.TextColumn("Note", width="large"),
    },
)
if s.channel_clv_note:
    st.caption(s.channel_clv_note)
elif basis == "shop":
    st.caption("One CLV for every channel (the CLV above); payback at the shop's monthly revenue.")
st.caption(
    f"{defs['cac'].label}: {defs['cac'].formula} New customers are matched to the spend by "
    "their channel (first touch) and the month of their first-ever purchase. "
    f"{defs['roas'].label}: {defs['roas'].formula} "
    f"{defs['payback'].label}: {defs['payback'].formula}"
)
