"""Stage KPIs: awareness, consideration and decision KPIs, by segment, with red flags."""

from __future__ import annotations

import functools

import polars as pl
import streamlit as st

from kpi import pipeline, stages
from kpi.dataset import Dataset
from kpi.errors import ParcoursError
from kpi.segments import NONE, OTHER
from kpi.words import Fact, Lang, render
from kpi.words import format as wf
from kpi.words.catalogue import catalogue
from kpi.words.render import duration
from pages._ui import compute, state, widgets
from pages._ui import funnel_charts as fc
from pages._ui.lang import current, t, tx
from pages._ui.page_end import end_page

STAGES = ("awareness", "consideration", "decision")
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


@compute.per_view
def _by_segment(key: str, segment: str, _ds: Dataset) -> pl.DataFrame:
    return stages.stage_kpis_by(_ds, segment, first_seen=_first_seen())


@compute.per_view
def _pipeline(key: str, _ds: Dataset) -> pipeline.PipelineSummary | None:
    return pipeline.pipeline_summary(_ds)


def _text_column(values: list, unit: str, currency: str | None = None) -> list[str]:
    """Figures as the view's language writes them (one precision rule for rates)."""
    lang = current()
    if unit == "rate":
        return [wf.percent(v, lang) for v in values]
    if unit == "seconds":
        return [duration(v, lang) for v in values]
    if unit == "currency":
        return [wf.money(v, lang, currency) for v in values]
    if unit == "count":
        return [wf.integer(v, lang) for v in values]
    return [wf.number(v, lang, 2) for v in values]


def _segment_name(name: str, lang: Lang | None = None) -> str:
    """A segment's name as shown: canonical names (device, channel…) in the language (the
    view's by default), a column of the file as its header says."""
    if f"stages.segment.{name}" in catalogue():
        return render(f"stages.segment.{name}", lang or current())
    return name.replace("_", " ")


def _segment_value(value: str | None) -> str:
    """A segment value as shown: "Other" and "(none)" in the view's language."""
    if value == OTHER:
        return tx("common.other")
    if value == NONE:
        return tx("common.none")
    return "" if value is None else value


def _pipeline_section(p: pipeline.PipelineSummary) -> None:
    """Contacts by stage and the stage funnel of a CRM contacts table."""
    kind = Fact(f"pipeline.kind_stages.{p.kind}")
    st.markdown("#### " + t("pipeline.page.title", kind=kind, column=p.column))
    notes = [t("pipeline.page.reached")]
    if p.lost:
        notes.append(t("pipeline.page.lost"))
    if p.outside:
        notes.append(t("pipeline.page.outside", n=p.outside))
    st.caption(" ".join(notes))
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
        unit = tx("pipeline.page.contacts_unit")
        st.altair_chart(fc.funnel_bars(chart_frame, unit=unit), width="stretch")
    table = p.by_stage
    shown = pl.DataFrame(
        {
            "stage": pipeline.stage_names(table, current()),
            "contacts": _text_column(table["contacts"].to_list(), "count"),
            "share": _text_column(table["share"].to_list(), "rate"),
            "reached": _text_column(table["reached"].to_list(), "count"),
            "conversion": _text_column(table["conversion"].to_list(), "rate"),
            "step_conversion": _text_column(table["step_conversion"].to_list(), "rate"),
        }
    )
    st.dataframe(
        shown,
        hide_index=True,
        width="stretch",
        column_config={
            c: st.column_config.TextColumn(tx(f"pipeline.col.{c}")) for c in shown.columns
        },
    )
    if p.leads is not None:
        st.caption(
            t(
                "pipeline.page.lead_conversion",
                customers=p.customers,
                leads=p.leads,
                rate=p.lead_conversion,
            )
        )


def _segment_table(frame: pl.DataFrame, segment: str, kpis: list[stages.Kpi]) -> None:
    codes = [k.code for k in kpis if k.code in frame.columns]
    if not codes:
        st.caption(t("stages.page.no_split"))
        return
    lang = current()
    header = _segment_name(segment)
    config: dict = {segment: st.column_config.TextColumn(header[:1].upper() + header[1:])}
    for k in kpis:
        if k.code in codes:
            config[k.code] = st.column_config.TextColumn(k.label(lang), help=k.formula(lang))
    shown = _shown_table(frame, segment, [k for k in kpis if k.code in codes], lang)
    st.dataframe(shown, column_config=config, hide_index=True, width="stretch")


_SHOWN = "_st_shown_tables"


def _shown_table(
    frame: pl.DataFrame, segment: str, kpis: list[stages.Kpi], lang: Lang
) -> pl.DataFrame:
    """The segment table's figures as text in ``lang``, kept in the session for the same
    table (the same frame object), KPIs and language: a rerun does not format them again."""
    ident = (id(frame), segment, tuple((k.code, k.unit, k.currency) for k in kpis), lang)
    kept: dict = st.session_state.setdefault(_SHOWN, {})
    hit = kept.get(ident)
    if hit is not None and hit[0] is frame:
        return hit[1]
    columns: dict[str, list[str]] = {segment: [_segment_value(v) for v in frame[segment].to_list()]}
    for k in kpis:
        columns[k.code] = _text_column(frame[k.code].to_list(), k.unit, k.currency)
    shown = pl.DataFrame(columns)
    if len(kept) >= 12:
        kept.pop(next(iter(kept)))
    kept[ident] = (frame, shown)
    return shown


st.title(tx("nav.stages"))
widgets.view_caption()
ds = state.require_view()
widgets.stop_on_aggregated_counts(ds, Fact("stages.page.what"))
key = state.view_key()

try:
    kpis = compute.stage_kpis(key, ds)
    prev = compute.previous_view()
    prev_kpis = {k.code: k for k in compute.stage_kpis(*prev)} if prev else {}
except ParcoursError as exc:
    st.error(t(exc.message))
    if exc.hint is not None:
        st.info(t(exc.hint))
    end_page()

flags = compute.red_flags(ds, fc.current_thresholds())
if flags:
    widgets.red_flags(flags)
else:
    st.success(t("stages.page.no_flag"), icon=":material/check:")
if prev:
    widgets.previous_period_caption()
else:
    st.caption(t("stages.page.no_previous"))

segment = None
if ds.segments:
    default = "channel" if "channel" in ds.segments else ds.segments[0]
    if st.session_state.get("st_by") not in (None, *ds.segments):
        st.session_state["st_by"] = default  # new data without the segment chosen before
    segment = st.selectbox(
        tx("stages.page.segment"),
        list(ds.segments),
        index=list(ds.segments).index(default),
        key="st_by",
        bind="query-params",
        format_func=functools.partial(_segment_name, lang=current()),  # the view's language
        help=tx("stages.page.segment_help", n=8),
    )
by_frame: pl.DataFrame | None = None
if segment is not None:
    try:
        with st.spinner(tx("stages.page.computing_by")):
            view = compute.current_view()  # the View's own table (the workbook's too)
            by_frame = view.kpis_by(segment) if view is not None and view.view is ds else None
            if by_frame is None:
                by_frame = _by_segment(key, segment, ds)  # or the reason it cannot be split
    except ParcoursError as exc:
        st.warning(t(exc.message) + ("" if exc.hint is None else " " + t(exc.hint)))

for stage in STAGES:
    stage_kpis = [k for k in kpis if k.stage == stage]
    if not stage_kpis:
        continue
    title = tx(f"stages.stage.{stage}")
    st.subheader(title)
    st.caption(t(f"stages.blurb.{stage}"))
    available = [k for k in stage_kpis if k.available]
    missing = [k for k in stage_kpis if not k.available]
    cards = [*available, *missing]
    for start in range(0, len(cards), PER_ROW):
        cols = st.columns(PER_ROW)
        for col, k in zip(cols, cards[start : start + PER_ROW], strict=False):
            with col:
                if k.available:
                    widgets.kpi_tile(
                        k, prev_kpis.get(k.code), lower_is_better=k.code in LOWER_IS_BETTER
                    )
                else:
                    widgets.unavailable_card(k)
    crm = _pipeline(key, ds) if stage == "decision" and pipeline.is_contacts(ds) else None
    if crm is not None:
        _pipeline_section(crm)
    if by_frame is not None and segment is not None and available:
        label = tx("stages.page.by_segment", stage=title, segment=_segment_name(segment))
        with st.expander(label, expanded=stage == "decision"):
            _segment_table(by_frame, segment, available)

st.subheader(tx("stages.page.after"))
c1, c2 = st.columns(2)
for col, (page, name, blurb) in zip(
    (c1, c2),
    [
        ("pages/retention_view.py", "nav.retention", "stages.page.retention_blurb"),
        ("pages/advocacy_view.py", "nav.advocacy", "stages.page.advocacy_blurb"),
    ],
    strict=True,
):
    with col.container(border=True):
        try:
            st.page_link(page, label=f"**{t(name)}**", icon=":material/arrow_forward:")
        except Exception:  # the page is not part of this build yet
            st.markdown(t("stages.page.not_in_build", page=Fact(name)))
        st.caption(t(blurb))

fc.thresholds_editor("st_")
