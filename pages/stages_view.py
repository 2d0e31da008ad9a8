"""Stage KPIs: awareness, consideration and decision KPIs, by segment, with red flags."""

from __future__ import annotations

import polars as pl
import streamlit as st

from kpi import pipeline, stages
from kpi.dataset import Dataset
from kpi.definitions import Definition
from kpi.errors import ParcoursError
from pages._ui import compute, state, widgets
from pages._ui import format as fmt
from pages._ui import funnel_charts as fc

STAGES = {
    "awareness": ("Awareness", "Who finds you: traffic, sessions, ads."),
    "consideration": ("Consideration", "Who looks closer: product views, engagement, leads."),
    "decision": ("Decision", "Who buys: conversion, orders, basket, abandonment."),
}
LOWER_IS_BETTER = {
    "bounce_rate",
    "bounce_rate_landing",
    "cart_abandonment",
    "time_to_convert_median",
    "time_to_convert_mean",
}
PER_ROW = 4


def _first_seen() -> pl.DataFrame | None:
    full = st.session_state.get("dataset")
    if full is None or "first_seen" not in full.users.columns:
        return None
    return full.users.select("user_id", "first_seen")


@st.cache_data(scope="session", max_entries=16, show_spinner="Computing KPIs per segment…")
def _by_segment(key: str, segment: str, _ds: Dataset) -> pl.DataFrame:
    return stages.stage_kpis_by(_ds, segment, first_seen=_first_seen())


def _definition(k: stages.Kpi) -> Definition:
    formula = k.formula
    if k.numerator is not None and k.denominator is not None and k.unit == "rate":
        formula += f" Here: {fmt.num(k.numerator)} / {fmt.num(k.denominator)}."
    return Definition(k.label, formula, k.unit, k.stage)  # type: ignore[arg-type]


def _missing_card(k: stages.Kpi) -> None:
    with st.container(border=True):
        st.markdown(f"**{k.label}**")
        if k.reason:  # does not apply to this data: say why, never a 100 % or a 0
            text = k.missing or ""
            st.caption(f":material/block: {text[:1].upper()}{text[1:]}.")
        else:
            st.caption(f":material/lock: Not available: {k.missing}.")


@st.cache_data(scope="session", max_entries=16, show_spinner=False)
def _pipeline(key: str, _ds: Dataset) -> pipeline.PipelineSummary | None:
    return pipeline.pipeline_summary(_ds)


def _pipeline_section(p: pipeline.PipelineSummary) -> None:
    """Contacts by stage and the stage funnel of a CRM contacts table."""
    kind = "lifecycle stages" if p.kind == "lifecycle" else "deal stages"
    st.markdown(f"#### Pipeline: contacts by stage ({kind}, column *{p.column}*)")
    st.caption(
        "A contact at a stage has passed the stages before it, so *reached* counts the "
        "contacts at that stage or beyond (the stage funnel). "
        + (
            "Lost deals entered the pipeline and went no further: they are not progress. "
            if p.lost
            else ""
        )
        + (f"{fmt.num(p.outside)} contacts are outside the pipeline (Other). " if p.outside else "")
    )
    funnel_rows = p.by_stage.filter(pl.col("reached").is_not_null())
    if funnel_rows.height:
        chart_frame = funnel_rows.select(
            "stage",
            pl.col("reached").alias("users"),
            "conversion",
            "step_conversion",
        ).with_columns(
            (pl.col("users").shift(1) - pl.col("users")).alias("drop_off"),
            (1 - pl.col("step_conversion")).alias("drop_off_rate"),
        )
        chart_frame = chart_frame.rename({"stage": "step"})
        st.altair_chart(fc.funnel_bars(chart_frame, unit="Contacts"), width="stretch")
    st.dataframe(
        p.by_stage.drop("canonical"),
        hide_index=True,
        width="stretch",
        column_config={
            "stage": st.column_config.TextColumn("Stage"),
            "contacts": st.column_config.NumberColumn("Contacts at this stage", format="localized"),
            "share": st.column_config.NumberColumn("Share of contacts", format="percent"),
            "reached": st.column_config.NumberColumn(
                "Reached (this stage or beyond)", format="localized"
            ),
            "conversion": st.column_config.NumberColumn(
                "Conversion from the first stage", format="percent"
            ),
            "step_conversion": st.column_config.NumberColumn(
                "From the stage before", format="percent"
            ),
        },
    )
    if p.leads is not None:
        st.caption(
            f"Lead conversion rate = customers ÷ leads = {fmt.num(p.customers)} ÷ "
            f"{fmt.num(p.leads)} = {fmt.pct(p.lead_conversion)} (leads: contacts at Lead or "
            "beyond; customers: at Customer or beyond)."
        )


def _segment_table(frame: pl.DataFrame, segment: str, kpis: list[stages.Kpi]) -> None:
    codes = [k.code for k in kpis if k.code in frame.columns]
    if not codes:
        st.caption("None of this stage's KPIs can be split by segment with these data.")
        return
    out = frame.select(segment, *codes)
    config: dict = {segment: st.column_config.TextColumn(segment.replace("_", " ").capitalize())}
    for k in kpis:
        if k.code not in codes:
            continue
        if k.unit == "seconds":
            text = [fmt.duration(v) for v in out[k.code].to_list()]
            out = out.with_columns(pl.Series(k.code, text, dtype=pl.String))
            config[k.code] = st.column_config.TextColumn(k.label, help=k.formula)
            continue
        number_format = {
            "rate": "percent",
            "count": "localized",
            "currency": "accounting",
            "ratio": "%.2f",
        }.get(k.unit, "%.2f")
        config[k.code] = st.column_config.NumberColumn(
            k.label, format=number_format, help=k.formula
        )
    st.dataframe(out, column_config=config, hide_index=True, width="stretch")


st.title("Stage KPIs")
widgets.view_caption()
ds = state.require_view()
widgets.stop_on_aggregated_counts(ds, "the stage KPIs (users, sessions, conversion, orders)")
key = state.view_key()

try:
    kpis = compute.stage_kpis(key, ds)
    prev = compute.previous_view()
    prev_kpis = {k.code: k for k in compute.stage_kpis(*prev)} if prev else {}
except ParcoursError as exc:
    st.error(str(exc))
    st.stop()

flags = compute.red_flags(ds, fc.current_thresholds())
if flags:
    widgets.red_flags(flags)
else:
    st.success(
        "No red flag: every KPI is within its threshold for this view.", icon=":material/check:"
    )
if prev:
    widgets.previous_period_caption()
else:
    st.caption(
        "No earlier period to compare with: narrow the **Period** in the sidebar (e.g. one month, with data before it) to "
        "see each KPI's change vs the period before it."
    )

segment = None
if ds.segments:
    default = "channel" if "channel" in ds.segments else ds.segments[0]
    if st.session_state.get("st_by") not in (None, *ds.segments):
        st.session_state["st_by"] = default  # new data without the segment chosen before
    segment = st.selectbox(
        "Segment for the tables",
        list(ds.segments),
        index=list(ds.segments).index(default),
        key="st_by",
        bind="query-params",
        help="Each stage's KPIs per value of this segment (top 8 values, the rest as 'Other').",
    )
by_frame: pl.DataFrame | None = None
if segment is not None:
    try:
        by_frame = _by_segment(key, segment, ds)
    except ParcoursError as exc:
        st.warning(str(exc))

for stage, (title, blurb) in STAGES.items():
    stage_kpis = [k for k in kpis if k.stage == stage]
    if not stage_kpis:
        continue
    st.subheader(title)
    st.caption(blurb)
    available = [k for k in stage_kpis if k.available]
    missing = [k for k in stage_kpis if not k.available]
    cards = [*available, *missing]
    for start in range(0, len(cards), PER_ROW):
        cols = st.columns(PER_ROW)
        for col, k in zip(cols, cards[start : start + PER_ROW], strict=False):
            with col:
                if k.available:
                    p = prev_kpis.get(k.code)
                    widgets.kpi_card(
                        k.label,
                        k.value,
                        k.unit,
                        previous=p.value if p is not None and p.available else None,
                        definition=_definition(k),
                        lower_is_better=k.code in LOWER_IS_BETTER,
                    )
                else:
                    _missing_card(k)
    crm = _pipeline(key, ds) if stage == "decision" and pipeline.is_contacts(ds) else None
    if crm is not None:
        _pipeline_section(crm)
    if by_frame is not None and segment is not None and available:
        with st.expander(f"{title} by {segment.replace('_', ' ')}", expanded=stage == "decision"):
            _segment_table(by_frame, segment, available)

st.subheader("After the purchase")
c1, c2 = st.columns(2)
for col, (page, label, text) in zip(
    (c1, c2),
    [
        ("pages/retention_view.py", "Retention", "Do customers come back? Cohorts and churn."),
        ("pages/advocacy_view.py", "Advocacy", "Do they recommend you? NPS, CSAT, referrals."),
    ],
    strict=True,
):
    with col.container(border=True):
        try:
            st.page_link(page, label=f"**{label}**", icon=":material/arrow_forward:")
        except Exception:  # the page is not part of this build yet
            st.markdown(f"**{label}** (not available in this build)")
        st.caption(text)

fc.thresholds_editor("st_")
