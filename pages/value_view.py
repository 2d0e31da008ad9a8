"""Value: AOV, revenue per customer, CLV (editable factors, observed curves), CAC and ROAS."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

import polars as pl
import streamlit as st

from kpi import pipeline, stages, value
from kpi.dataset import Dataset
from kpi.definitions import label
from kpi.engine import view_value
from kpi.errors import ParcoursError
from kpi.filters import Filters
from kpi.words import Fact, render
from kpi.words import format as fmt
from pages._ui import charts, cohort_charts, compute, state, targets_state, widgets
from pages._ui.choice import choice
from pages._ui.kpi_figures import card, cohort_name, currency_of, segment_words
from pages._ui.lang import current, t, tx
from pages._ui.page_end import end_page

# option (what the URL carries, ?va_clv_basis=one+for+all, language-neutral) -> kpi value
BASIS = {"per channel": "channel", "one for all": "shop"}


@compute.per_view
def _inputs(key: str, currency: str | None, _ds: Dataset) -> value.ClvInputs:
    return value.clv_inputs(_ds.events, purchase_step=PURCHASE, currency=currency)


@compute.per_view
def _summary(
    key: str,
    aov: float | None,
    per_year: float | None,
    years: float,
    basis: str,
    currency: str | None,
    _ds: Dataset,
    _full: Dataset,
    _filters: Filters,
) -> value.ValueSummary:
    view = compute.current_view()  # the View's own when it is this view's (the workbook's)
    if view is not None and view.view is _ds and view.full is _full:
        got = view.value(
            aov=aov,
            purchases_per_year=per_year,
            years=years,
            clv_basis=basis,
            currency=currency,
            purchase_step=PURCHASE,
        )
        if got is not None:
            return got
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
        currency=currency,
    )


@compute.per_view
def _histogram(key: str, _ds: Dataset) -> view_value.Histogram:
    # the one bucket count (narwhals), on the view's events in polars
    from kpi.engine.frame import from_native
    from kpi.engine.view import EngineView

    cols = [c for c in ("user_id", "step", "ts", "revenue", "order_id") if c in _ds.events.columns]
    table = from_native(_ds.events.select(cols).lazy(), segments=[])
    return view_value.value_histogram(EngineView(table), purchase_step=PURCHASE)


def _stop_on(exc: ParcoursError) -> None:
    st.error(t(exc.message))
    if exc.hint is not None:
        st.info(t("retention.page.what_to_do", hint=exc.hint))
    end_page()


def word(code: str, **values: object) -> str:
    """Plain words in the page's language fixed at this run (a format_func may be called
    outside the run, e.g. by AppTest, where the language cannot be read)."""
    return render(code, lang, **values)


st.title(tx("value.page.title"))
engine = compute.engine_view()  # a connected table in use: every figure from the engine
widgets.view_caption()
if engine is None:
    ds = state.require_view()
    widgets.stop_on_aggregated_counts(ds, tx("value.page.aggregated_what"))
    PURCHASE = stages.purchase_step(ds)  # purchase, order, transaction…: read by the helpers
    cur = currency_of(ds)
else:
    try:  # the table's steps, counted in the engine (its error said, never a traceback)
        PURCHASE = engine.purchase()
    except ParcoursError as exc:
        _stop_on(exc)
    cur = None  # a connected table does not say its currency: amounts without a symbol
key = state.view_key()
lang = current()


def money(x: float | None) -> str:
    """An amount in the data's currency (no symbol when the data does not say it)."""
    return fmt.money(x, lang, cur)


if engine is None and pipeline.is_contacts(ds):  # a CRM contacts table: deal values, not orders
    st.info(t("value.page.contacts"), icon=":material/contacts:")
    end_page()
try:
    if engine is not None:
        est = view_value.value_inputs(engine, purchase_step=PURCHASE, currency=cur)
    else:
        est = _inputs(key, cur, ds)
except ParcoursError as exc:
    _stop_on(exc)
if est.aov is None:
    st.info(t("value.page.needs_orders", why=est.explanation))
    end_page()

# ---------------------------------------------------------------- CLV factors (editable)
st.subheader(label("clv", lang))
st.markdown(t("value.page.clv_intro", formula=Fact("def.clv.formula")))
tag = hashlib.sha256(key.encode()).hexdigest()[:8]  # new data or filters: new estimates
aov_est = round(est.aov, 2)
f1, f2, f3, f4 = st.columns([1, 1, 1, 1.4])
years_in = f3.number_input(
    t("value.page.years"),
    min_value=0.1,
    max_value=30.0,
    value=float(round(est.years, 2)),
    step=0.5,
    key="va_years",
    bind="query-params",
    help=t("value.page.years_help"),
)
# purchases per year = repeat orders per customer-year + the first purchase over the years
freq_est = round(est.per_year(float(years_in)) or 0.0, 2)
aov_in = f1.number_input(
    t("def.aov.label"),
    min_value=0.0,
    value=aov_est,
    step=1.0,
    format="%.2f",
    key=f"va_aov_{tag}",
    help=t("value.page.aov_help", aov=est.aov, currency=cur, formula=Fact("def.aov.formula")),
)
extrapolated = value.extrapolation_note(est)
freq_in = f2.number_input(
    t("value.page.per_year"),
    min_value=0.0,
    value=freq_est,
    step=0.1,
    format="%.2f",
    key=f"va_freq_{tag}_{years_in:g}",
    help=t("value.page.per_year_help")
    + (
        " " + t("value.page.per_year_extrapolated", days=est.extrapolated_days)
        if extrapolated
        else ""
    ),
)
aov_override = None if aov_in == aov_est else float(aov_in)
freq_override = None if freq_in == freq_est else float(freq_in)
basis = (
    None  # no CAC on a connected table (no ad spend): no CLV basis to choose
    if engine is not None
    else choice(  # bound to the URL by its value: ?va_clv_basis=one for all in French too
        f4,
        "segmented_control",
        t("value.page.basis"),
        list(BASIS),
        format_func=lambda o: word(f"value.page.basis.{BASIS.get(o, 'channel')}"),
        default="per channel",
        key="va_clv_basis",
        help=t("value.page.basis_help"),
    )
    or "per channel"
)
basis = BASIS.get(basis, "channel")
try:
    if engine is not None:
        s = view_value.value_summary(
            engine,
            purchase_step=PURCHASE,
            aov=aov_override,
            purchases_per_year=freq_override,
            years=float(years_in),
            clv_basis=basis,
            currency=cur,
        )
    else:
        s = _summary(
            key, aov_override, freq_override, float(years_in), basis, cur, ds,
            st.session_state["dataset"], state.current_filters(),
        )  # fmt: skip
except ParcoursError as exc:
    _stop_on(exc)

extrapolated = value.extrapolation_note(s.inputs)
if s.clv is not None:
    # under a year of data the yearly purchase rate is an extrapolation: the headline says so
    st.markdown(
        "### "
        + (
            t("value.page.headline_extrapolated", formula=s.clv.formula, note=extrapolated)
            if extrapolated
            else t(s.clv.formula)
        )
    )
st.caption(t(est.explanation))
if aov_override is not None or freq_override is not None:
    st.caption(t("value.page.you_changed"))

cards = [*st.columns(3), *st.columns(3)]  # 3 a row: the labels stay whole
with cards[4]:
    card("repeat_purchase_rate", s.repeat.rate, "rate")
    st.caption(t(s.repeat.explanation))
with cards[0]:
    card(
        "clv",
        s.clv.clv if s.clv else None,
        "currency",
        currency=cur,
        name=tx("value.page.clv_extrapolated", note=extrapolated) if extrapolated else None,
    )
with cards[1]:
    card("aov", s.aov.aov, "currency", currency=cur)
    st.caption(t(s.aov.explanation))
with cards[2]:
    card("revenue_per_customer", s.revenue_per_customer.value, "currency", currency=cur)
    st.caption(t(s.revenue_per_customer.explanation))
with cards[3]:
    card("top_customer_share", s.top_share.share, "rate")
    st.caption(t(s.top_share.explanation))

# ---------------------------------------------------------------- spend per customer
st.subheader(tx("value.page.distribution"))
try:
    if engine is not None:
        spread = view_value.value_histogram(engine, purchase_step=PURCHASE)
    else:
        spread = _histogram(key, ds)
except ParcoursError as exc:
    _stop_on(exc)
charts.draw(
    cohort_charts.value_histogram, spread.frame, money=money, top=spread.top, key="va_histogram"
)
st.caption(
    t(
        "value.page.distribution_caption",
        customers=spread.customers,
        width=spread.width,
        currency=cur,
    )
)
if spread.above:  # a long tail gathered in the last bar: said with its range
    st.caption(
        t(
            "value.page.distribution_tail",
            above=spread.above,
            low=spread.above_from,
            top=spread.top,
            currency=cur,
        )
    )

# ---------------------------------------------------------------- observed CLV
st.subheader(tx("value.page.observed_title"))
if s.observed.height == 0:
    st.info(t("value.page.no_observed"))
else:
    names = {
        c: cohort_name(start, "month")
        for c, start in s.observed.select("cohort", "cohort_start").unique().iter_rows()
    }
    charts.draw(
        cohort_charts.curves,
        s.observed.with_columns(pl.col("cohort").replace(names)),
        grain="month",
        title=tx("value.page.observed_chart"),
        series="cohort",
        users="cohort_size",
        series_title=tx("value.page.first_purchase"),
        y="clv",
        y_title=tx("value.page.revenue_so_far"),
        y_format=",.0f",
        money=money,
        key="va_observed",
    )
    st.caption(
        t(
            "value.page.definition",
            name=Fact("def.observed_clv.label"),
            formula=Fact("def.observed_clv.formula"),
        )
    )

# ---------------------------------------------------------------- acquisition
st.subheader(tx("value.page.acquisition"))
if s.spend_note is not None:  # CAC not shown: no spend, or no channel to match spend to customers
    icon = ":material/upload_file:" if s.spend_reason == "no_spend" else ":material/block:"
    st.info(t(s.spend_note), icon=icon)
    end_page()
# ad spend is known per channel and period only: a device (or any non-channel) filter would
# divide every channel's spend by that device's customers alone
filters = engine.filters if engine is not None else state.current_filters()
not_channel = [c for c in filters.active_segments if c != "channel"]
if not_channel:
    st.info(
        t(
            "value.page.hidden_by_filter",
            segments=[segment_words(c, in_sentence=True) for c in not_channel],
        ),
        icon=":material/filter_alt_off:",
    )
    end_page()
assert s.channels is not None and s.total is not None
total = s.total
cards = st.columns(4)
with cards[0]:
    card(
        "cac",
        total["cac"],  # type: ignore[arg-type]
        "currency",
        currency=cur,
        name=tx("value.page.cac_all"),
        lower_is_better=True,
    )
    st.caption(
        t(
            "value.page.cac_caption",
            spend=total["spend"],
            new=total["new_customers"],
            currency=cur,
        )
    )
with cards[1]:
    card("roas", total["roas"], "ratio")  # type: ignore[arg-type]
    st.caption(t("value.page.roas_caption", revenue=total["revenue"], currency=cur))
with cards[2]:
    card("clv_cac", total["clv_cac"], "ratio")  # type: ignore[arg-type]
    st.caption(t("value.page.clv_cac_caption"))
with cards[3]:
    card("payback", total["payback_months"], "months", lower_is_better=True)  # type: ignore[arg-type]
    st.caption(t("value.page.payback_caption", monthly=s.monthly_revenue, currency=cur))

charts.draw(
    cohort_charts.clv_cac_bars,
    s.channels,
    guide=value.GUIDE_RATIO,
    money=money,
    target=targets_state.current().get("clv_cac"),
    key="va_clv_cac",
)
st.caption(t("value.chart.benchmark_caption"))
below = s.channels.filter(pl.col("meets_guide").not_() & pl.col("clv_cac").is_not_null())[
    "channel"
].to_list()
if below:
    st.warning(t("value.page.below_guide", channels=below, guide=value.GUIDE_RATIO))


def _written(column: str, write: Callable[[float | None], str]) -> pl.Expr:
    return pl.col(column).map_elements(write, return_dtype=pl.String, skip_nulls=False)


yes, no = tx("common.yes"), tx("common.no")
notes = {code: tx(code) for code in s.channels["note"].drop_nulls().unique().to_list()}
# figures as text with "–" where one does not exist (organic, direct: no spend)
shown = s.channels.select(
    "channel",
    _written("spend", money),
    _written("new_customers", lambda x: fmt.integer(x, lang)),
    _written("cac", money),
    _written("revenue", money),
    _written("roas", lambda x: fmt.number(x, lang, 2)),
    _written("clv", money),
    _written("clv_cac", lambda x: fmt.number(x, lang, 1)),
    pl.when(pl.col("meets_guide")).then(pl.lit(yes)).when(pl.col("meets_guide").not_())
    .then(pl.lit(no)).otherwise(pl.lit(fmt.MISSING)).alias("meets_guide"),
    _written("payback_months", lambda x: fmt.number(x, lang, 1)),
    pl.col("note").replace(notes).fill_null(""),
)  # fmt: skip
st.dataframe(
    shown,
    hide_index=True,
    width="stretch",
    column_config={
        "channel": st.column_config.TextColumn(tx("value.chart.channel")),
        "spend": st.column_config.TextColumn(tx("value.page.col.spend")),
        "new_customers": st.column_config.TextColumn(tx("value.page.col.new_customers")),
        "cac": st.column_config.TextColumn("CAC"),
        "revenue": st.column_config.TextColumn(tx("value.page.col.revenue")),
        "roas": st.column_config.TextColumn("ROAS"),
        "clv": st.column_config.TextColumn("CLV"),
        "clv_cac": st.column_config.TextColumn(tx("def.clv_cac.label")),
        "meets_guide": st.column_config.TextColumn(
            tx("value.page.col.meets_guide", guide=value.GUIDE_RATIO)
        ),
        "payback_months": st.column_config.TextColumn(tx("value.page.col.payback")),
        "note": st.column_config.TextColumn(tx("value.page.col.note"), width="large"),
    },
)
if s.channel_clv_note is not None:
    st.caption(t(s.channel_clv_note))
elif basis == "shop":
    st.caption(t("value.page.one_clv"))
st.caption(
    t(
        "value.page.acquisition_definitions",
        cac=Fact("def.cac.label"),
        cac_formula=Fact("def.cac.formula"),
        roas=Fact("def.roas.label"),
        roas_formula=Fact("def.roas.formula"),
        payback=Fact("def.payback.label"),
        payback_formula=Fact("def.payback.formula"),
    )
)
