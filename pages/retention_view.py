"""Retention: cohort table and heatmap, curves, period-N trend, repeat purchase and churn."""

from __future__ import annotations

import polars as pl
import streamlit as st

from kpi import retention, stages
from kpi.dataset import Dataset
from kpi.errors import ParcoursError
from kpi.filters import Filters
from pages._ui import charts, cohort_charts, state, widgets
from pages._ui import format as fmt

# options are what the URL carries (?rt_anchor=first+purchase), values what kpi expects
ANCHORS = {
    "first visit": "first_event",
    "first purchase": "first_purchase",
    "signup date": "signup",
}
MODES = {"on": "on", "on or after": "on_or_after"}
ANY = "any event"
NO_SEGMENT = "none"


@st.cache_data(scope="session", max_entries=16, show_spinner="Computing cohorts…")
def _summary(
    key: str,
    grain: str,
    anchor: str,
    return_step: str | None,
    mode: str,
    periods: int,
    by: str | None,
    trend_n: int,
    inactive_days: int,
    _full: Dataset,
    _filters: Filters,
) -> retention.RetentionSummary:
    # cohorts that STARTED in the period, with their whole history (before and after it);
    # churn on every user of the segment filters, over the days ending at the period's end
    cohorts = retention.cohort_view(_full, _filters, cohort_by=anchor, purchase_step=PURCHASE)
    everyone = Filters(segments=_filters.segments).apply(_full)
    extra = [c for c in (by, "signup" if anchor == "signup" else None) if c]  # anchor: kpi name
    return retention.retention_summary(
        cohorts.events_with(extra),
        grain=grain,  # type: ignore[arg-type]
        cohort_by=anchor,
        return_step=return_step,
        mode=mode,  # type: ignore[arg-type]
        periods=periods,
        by=by,
        trend_period=trend_n,
        inactivity_days=inactive_days,
        purchase_step=PURCHASE,
        churn_events=everyone.events,
        churn_end=_filters.end,
    )


st.title("Retention")
widgets.view_caption()
ds = state.require_view()
widgets.stop_on_aggregated_counts(ds, "cohorts, repeat purchases and churn")
PURCHASE = stages.purchase_step(ds)  # purchase, order, transaction…: read by the helpers above
if not ds.has_timestamps:
    st.info(
        "Retention needs a date on every event (a timestamp column). Map one on the Data page, "
        "or upload an event log or orders with dates."
    )
    st.stop()

grain = st.session_state.get("cohort_by") or "month"
unit = {"month": "Month", "week": "Week"}.get(grain, "Period")
steps = [s for s in dict.fromkeys([*ds.steps, *ds.events["step"].unique().sort().to_list()]) if s]
has_purchase = PURCHASE in steps
anchors = ["first visit"] + (["first purchase"] if has_purchase else [])
anchors += ["signup date"] if "signup" in ds.users.columns else []
return_options = [ANY, *([PURCHASE] if has_purchase else []), *[s for s in steps if s != PURCHASE]]


c1, c2, c3, c4, c5 = st.columns([1.2, 1.2, 1.3, 0.8, 1.1])
anchor = c1.selectbox(
    "Cohort by",
    anchors,
    index=1 if has_purchase and set(steps) == {PURCHASE} else 0,
    key="rt_anchor",
    bind="query-params",
    help=f"Users are grouped by the {grain} of this date (change month / week in the sidebar).",
)
returned = c2.selectbox(
    "Counts as a return",
    return_options,
    key="rt_return",
    bind="query-params",
    help="What a user must do in a later period to count as retained (an event of that step).",
)
mode = (
    c3.segmented_control(
        "Retained",
        list(MODES),
        default="on",
        key="rt_mode",
        bind="query-params",
        help=(
            "On: active in that exact period. On or after: active in that period or any later one "
            "(rolling retention; the curve never rises)."
        ),
    )
    or "on"
)
periods = int(
    c4.number_input(
        f"{unit}s shown",
        min_value=1,
        max_value=52,
        value=12,
        key="rt_periods",
        bind="query-params",
    )
)
segment_options = [NO_SEGMENT, *ds.segments]
segment = c5.selectbox(
    "Break down by",
    segment_options,
    key="rt_segment",
    bind="query-params",
    help="Top values by users, the rest grouped as Other (totals reconcile).",
)
by = None if segment in (None, NO_SEGMENT) else segment
return_step = None if returned in (None, ANY) else returned
cohort_by = ANCHORS.get(anchor or "", "first_event")
mode = MODES.get(mode or "on", "on")

k1, k2, _ = st.columns([1, 1, 2])
inactive = int(
    k1.number_input(
        "Churned after (days without a purchase)"
        if has_purchase
        else "Churned after (days inactive)",
        min_value=1,
        max_value=730,
        value=90,
        step=15,
        key="rt_inactive",
        bind="query-params",
    )
)
trend_n = int(
    k2.number_input(
        f"{unit} N for the retention trend",
        min_value=1,
        max_value=max(1, periods),
        value=1,
        key="rt_trend_n",
        bind="query-params",
    )
)

key = state.view_key()
full: Dataset = st.session_state["dataset"]  # unfiltered: cohorts are followed past the period
filters = state.current_filters()
try:
    summary = _summary(
        key, grain, cohort_by, return_step, mode, periods, None, trend_n, inactive, full, filters
    )
    by_summary = (
        _summary(
            key,
            grain,
            cohort_by,
            return_step,
            mode,
            periods,
            by,
            trend_n,
            inactive,
            full,
            filters,
        )
        if by
        else None
    )
except ParcoursError as exc:
    st.error(exc.message)
    if exc.hint:
        st.info(f"What to do: {exc.hint}")
    st.stop()

defs = retention.DEFINITIONS
as_of = f"{summary.as_of:%Y-%m-%d}" if summary.as_of else "the end of the data"
if filters.start or filters.end:
    first = f"{filters.start:%Y-%m-%d}" if filters.start else "the start of the data"
    last = f"{filters.end:%Y-%m-%d}" if filters.end else "the end of the data"
    st.caption(
        f"**Cohorts that started between {first} and {last}** ({anchor or 'first visit'}), "
        f"followed until the end of the data ({as_of}), also after the chosen period."
    )
st.caption(summary.settings)

# ---------------------------------------------------------------- KPI cards
cards = st.columns(4)
with cards[0]:
    widgets.kpi_card(
        defs["repeat_purchase_rate"].label, summary.repeat.rate, "rate",
        definition=defs["repeat_purchase_rate"],
    )  # fmt: skip
    st.caption(summary.repeat.explanation)
with cards[1]:
    widgets.kpi_card(
        defs["purchase_frequency"].label, summary.frequency.frequency, "number",
        definition=defs["purchase_frequency"],
    )  # fmt: skip
    st.caption(summary.frequency.explanation)
churn = summary.churn
with cards[2]:
    widgets.kpi_card(
        defs["churn"].label, churn.churn if churn else None, "rate",
        definition=defs["churn"], lower_is_better=True,
    )  # fmt: skip
    st.caption(churn.explanation if churn else "No dates, so no churn.")
with cards[3]:
    widgets.kpi_card(
        defs["retention_rate"].label, churn.retention if churn else None, "rate",
        definition=defs["retention_rate"],
    )  # fmt: skip
if churn:
    until = "the end of the chosen period" if filters.end else "the end of the data"
    st.caption(
        f"**Churn rule:** {churn.rule} The churn period is the {inactive} days ending on "
        f"{churn.period_end:%Y-%m-%d} ({until}); churn counts every user of the chosen "
        "segments, not only the cohorts above."
    )

# ---------------------------------------------------------------- heatmap and table
st.subheader("Cohort retention")
if summary.note:
    st.info(summary.note)
    st.stop()
charts.show(
    cohort_charts.retention_heatmap(
        summary.long,
        grain=grain,
        title=f"Share of each {grain}ly cohort retained, {unit.lower()} by {unit.lower()}",
        subtitle=[
            "Rows: cohorts with their size. Last row: average weighted by cohort size "
            "(complete cells only).",
            f"Grey cells with * : {unit.lower()} still in progress on {as_of} (will grow).",
        ],
    ),
    key="rt_heatmap",
)
period_cols = [c for c in summary.matrix.columns if c.startswith("P")]
with st.expander("Cohort table (numbers)", expanded=False):
    st.dataframe(
        summary.matrix.rename({c: f"{unit[0]}{c[1:]}" for c in period_cols}),
        hide_index=True,
        width="stretch",
        column_config={
            "cohort": st.column_config.TextColumn("Cohort"),
            "cohort_size": st.column_config.NumberColumn("Users", format="localized"),
            **{
                f"{unit[0]}{c[1:]}": st.column_config.NumberColumn(format="percent")
                for c in period_cols
            },
        },
    )
    st.caption(
        f"{defs['cohort_retention'].label}: {defs['cohort_retention'].formula} "
        f"{defs['weighted_retention'].label}: {defs['weighted_retention'].formula}"
    )

# ---------------------------------------------------------------- curves
st.subheader("Retention curves")
tabs = st.tabs(["Per cohort", "Per segment" if by else "Per segment (choose a breakdown)"])
with tabs[0]:
    curve = retention.retention_curve(summary.table, per="cohort")
    average = retention.retention_curve(summary.table, per="segment")
    if not charts.empty_note(curve, "retention curve"):
        charts.show(
            cohort_charts.curves(
                curve,
                grain=grain,
                title="Retention curve of each cohort",
                average=average,
            ),
            key="rt_curves",
        )
with tabs[1]:
    if by_summary is None:
        st.info("Choose a segment in **Break down by** above to compare retention per segment.")
    else:
        seg_curve = retention.retention_curve(by_summary.table, per="segment")
        shown = seg_curve["series"].unique().sort().to_list()
        charts.show(
            cohort_charts.curves(
                seg_curve,
                grain=grain,
                title=f"Retention by {by.replace('_', ' ')} (weighted average over cohorts)",
                colour=charts.segment_scale(by, shown),
                series_title=by.replace("_", " ").capitalize(),
            ),
            key="rt_seg_curves",
        )
        charts.show(
            cohort_charts.retention_heatmap(
                retention.average_long(by_summary.table, by_summary.average),
                grain=grain,
                title=f"Average retention by {by.replace('_', ' ')}",
                subtitle="Each row: weighted average over that segment's complete cohort cells.",
            ),
            key="rt_seg_heatmap",
        )
        st.caption(
            "A user counts under the segment value of their first event (first touch); values "
            "outside the top ones are grouped as Other, so the rows add up to every user."
        )

# ---------------------------------------------------------------- period-N trend
st.subheader(f"{unit} {trend_n} retention across cohorts")
trend_done = (
    summary.trend.filter(pl.col("complete")) if summary.trend is not None else summary.trend
)
if (
    summary.trend is not None
    and summary.trend.height
    and trend_done is not None
    and trend_done.height == 0
):  # only months still in progress: an empty chart with a 0.000000% axis said nothing
    parts = [
        f"{r['cohort']}: {r['retained']:,} of {r['cohort_size']:,} so far"
        for r in summary.trend.iter_rows(named=True)
    ]
    st.info(
        f"No cohort has a complete {unit.lower()} {trend_n} yet: it is still in progress "
        f"({'; '.join(parts)}). Come back later, or choose a smaller N."
    )
elif not charts.empty_note(summary.trend, f"cohort that reached {unit.lower()} {trend_n}"):
    avg_row = summary.average.filter(pl.col("period") == trend_n)
    avg = float(avg_row["retention"][0]) if avg_row.height else None
    charts.show(
        cohort_charts.period_trend(summary.trend, n=trend_n, grain=grain, average=avg),
        key="rt_trend",
    )
    if avg is not None:
        st.caption(f"Weighted average {unit.lower()} {trend_n} retention: **{fmt.pct(avg, 1)}**.")
