"""Stage KPIs: awareness, consideration and decision KPIs, by segment, with red flags."""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import replace
from typing import Any

import altair as alt
import polars as pl
import streamlit as st

from kpi import pipeline, stages
from kpi.dataset import Dataset
from kpi.engine.view_stages import period_starts
from kpi.errors import ParcoursError
from kpi.filters import Filters
from kpi.segments import NONE, OTHER
from kpi.view import View
from kpi.words import Fact, Lang, Raw, escape_markdown, render
from kpi.words import format as wf
from kpi.words.catalogue import catalogue
from kpi.words.render import duration
from pages._ui import (
    comparisons,
    compute,
    event_marks,
    kpi_figures,
    state,
    target_marks,
    targets_editor,
    widgets,
)
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


def _flags_and_previous(flags: list, has_previous: bool) -> None:
    if flags:
        widgets.red_flags(flags)
    else:
        st.success(t("stages.page.no_flag"), icon=":material/check:")
    if has_previous:
        widgets.previous_period_caption()
    else:
        st.caption(t("stages.page.no_previous"))


def _segment_picker(segments: tuple[str, ...]) -> str | None:
    """The segment of the per-segment tables (bound to the URL; the workbook's too)."""
    if not segments:
        return None
    default = "channel" if "channel" in segments else segments[0]
    if st.session_state.get("st_by") not in (None, *segments):
        st.session_state["st_by"] = default  # new data without the segment chosen before
    return st.selectbox(
        tx("stages.page.segment"),
        list(segments),
        index=list(segments).index(default),
        key="st_by",
        bind="query-params",
        format_func=functools.partial(_segment_name, lang=current()),  # the view's language
        help=tx("stages.page.segment_help", n=8),
    )


def _stage_sections(
    kpis: list[stages.Kpi],
    prev_kpis: dict[str, stages.Kpi],
    by_frame: pl.DataFrame | None,
    segment: str | None,
    crm: pipeline.PipelineSummary | None = None,
) -> None:
    """Each stage's cards (with the previous period's change), then its per-segment table."""
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
                        previous = comparisons.previous_for_tile(prev_kpis.get(k.code))
                        widgets.kpi_tile(k, previous, lower_is_better=k.code in LOWER_IS_BETTER)
                        comparisons.tile_line(k)
                    else:
                        widgets.unavailable_card(k)
        if crm is not None and stage == "decision":
            _pipeline_section(crm)
        if by_frame is not None and segment is not None and available:
            label = tx("stages.page.by_segment", stage=title, segment=_segment_name(segment))
            with st.expander(label, expanded=stage == "decision"):
                _segment_table(by_frame, segment, available)
    comparisons.kpi_section(key="st_cmp")


Periods = list[tuple[dt.date, dt.date, list[stages.Kpi]]]


def _over_time_choice() -> str | None:
    """The grain of the over-time section (None: not shown; computing it runs the KPIs once
    per period, so it is asked for)."""
    st.subheader(tx("stages.page.over_time_title"))
    on = st.toggle(
        tx("stages.page.over_time"), key="st_over_time", help=tx("stages.page.over_time_help")
    )
    if not on:
        return None
    return (
        st.segmented_control(
            tx("stages.page.grain"),
            ["month", "week"],
            default="month",
            key="st_grain",
            format_func=lambda g: tx(f"stages.page.grain.{g}"),
            required=True,
        )
        or "month"
    )


def _period_name(start: dt.date, grain: str) -> str:
    return kpi_figures.cohort_name(start, grain)


def _over_time(periods: Periods, kpis: list[stages.Kpi], grain: str) -> None:
    """One KPI's line over the periods (picked among the view's), and every KPI per period."""
    if not periods:
        st.caption(t("stages.page.over_time_none"))
        return
    shown = [k for k in kpis if k.available and k.unit != "text"]
    lang = current()
    if not shown:
        return
    codes = [k.code for k in shown]
    default = "conversion_rate" if "conversion_rate" in codes else codes[0]
    code = st.selectbox(
        tx("stages.page.over_time_kpi"),
        codes,
        index=codes.index(default),
        key="st_over_time_kpi",
        format_func=lambda c: next(k for k in shown if k.code == c).label(lang),
    )
    unit = next(k for k in shown if k.code == code)
    values = []
    for _, _, ks in periods:
        got = next((k for k in ks if k.code == code and k.available), None)
        values.append(None if got is None else got.value)
    frame = pl.DataFrame(
        {
            "period": [_period_name(s, grain) for s, _, _ in periods],
            "start": [s for s, _, _ in periods],
            "value": values,
            "text": _text_column(values, unit.unit, unit.currency),
        },
        schema={"period": pl.String, "start": pl.Date, "value": pl.Float64, "text": pl.String},
    )
    st.altair_chart(
        target_marks.on(_line(frame, unit.label(lang), unit.unit), code), width="stretch"
    )
    event_marks.series_note(frame["start"].to_list(), values, grain, unit.label(lang), "rate" if unit.unit == "rate" else "number")  # fmt: skip
    table: dict[str, list[str]] = {tx("stages.page.period"): frame["period"].to_list()}
    for k in shown:
        vals = [
            next((x.value for x in ks if x.code == k.code and x.available), None)
            for _, _, ks in periods
        ]
        table[k.label(lang)] = _text_column(vals, k.unit, k.currency)
    st.dataframe(pl.DataFrame(table), hide_index=True, width="stretch")
    first, last = periods[0], periods[-1]
    st.caption(
        t(
            "stages.page.over_time_caption",
            first=first[0],
            last=last[1],
            n=len(periods),
        )
    )


@event_marks.marked("period", start="start")
def _line(frame: pl.DataFrame, title: str, unit: str) -> alt.Chart:
    axis = alt.Axis(format="%") if unit == "rate" else alt.Axis()
    return (
        alt.Chart(frame, height=260)
        .mark_line(point=True)
        .encode(
            x=alt.X("period:N", sort=None, title=None, axis=alt.Axis(labelAngle=0)),
            y=alt.Y("value:Q", title=title, axis=axis),
            tooltip=[alt.Tooltip("period:N", title=tx("stages.page.period")),
                     alt.Tooltip("text:N", title=title)],
        )
    )  # fmt: skip


def _after() -> None:
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


@compute.per_view
def _upload_over_time(key: str, grain: str, _full: Dataset, _f: Filters) -> Periods:
    """The stage KPIs of each period of the view (the upload's View of each period)."""
    ts = _full.events["ts"] if "ts" in _full.events.columns else None
    if ts is None or ts.null_count() == ts.len():
        return []
    lo, hi = ts.min().date(), ts.max().date()  # type: ignore[union-attr]
    lo = max(lo, _f.start) if _f.start is not None else lo
    hi = min(hi, _f.end) if _f.end is not None else hi
    out: Periods = []
    for start, end in period_starts(lo, hi, grain):  # type: ignore[arg-type]
        out.append((start, end, View(_full, replace(_f, start=start, end=end)).kpis()))
    return out


def _connected(engine: object) -> None:
    """The page of a connected table: the same cards, tables and chart, from the engine."""
    from kpi.engine.view import engine_error
    from kpi.engine.view_stages import kpis_by, kpis_over_time

    e: Any = engine
    try:
        with st.spinner(tx("stages.page.computing")):
            kpis = e.kpis(strict=True)
            prev = e.previous_kpis(strict=True)
            users = e.size()[0]
    except Exception as exc:
        err = engine_error(exc)
        st.error(t(err.message))
        if err.hint is not None:
            st.info(t(err.hint))
        end_page()
    if not users:
        st.info(t("stages.page.engine_no_users"))
    try:
        flags = e.red_flags(fc.current_thresholds())
    except Exception as exc:
        st.warning(t(Fact("export.flags_failed", why=engine_error(exc).message)))
        flags = []
    _flags_and_previous(flags, prev is not None)
    segment = _segment_picker(tuple(s for s in e.segments))
    by_frame = None
    if segment is not None:
        try:
            with st.spinner(tx("stages.page.computing_by")):
                by_frame = kpis_by(e, segment)
        except Exception as exc:
            err = engine_error(exc)
            st.warning(t(err.message) + ("" if err.hint is None else " " + t(err.hint)))
    _stage_sections(kpis, {k.code: k for k in prev or []}, by_frame, segment)
    st.caption(t("stages.page.engine_note", table=Raw(escape_markdown(e.label or "–"))))
    grain = _over_time_choice()
    if grain is not None:
        try:
            with st.spinner(tx("stages.page.computing_over_time")):
                periods = kpis_over_time(e, grain)  # type: ignore[arg-type]
            _over_time(periods, kpis, grain)
        except Exception as exc:
            st.warning(t(engine_error(exc).message))
    _after()
    fc.thresholds_editor("st_")


st.title(tx("nav.stages"))
widgets.view_caption()
targets_editor.section("st_")
engine = compute.engine_view()
if engine is not None:
    _connected(engine)
    end_page()
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

_flags_and_previous(compute.red_flags(ds, fc.current_thresholds()), bool(prev))
segment = _segment_picker(tuple(ds.segments))
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

crm = _pipeline(key, ds) if pipeline.is_contacts(ds) else None
_stage_sections(kpis, prev_kpis, by_frame, segment, crm)
grain = _over_time_choice()
full = st.session_state.get("dataset")
if grain is not None and full is not None:
    try:
        with st.spinner(tx("stages.page.computing_over_time")):
            periods = _upload_over_time(key, grain, full, state.current_filters())
        _over_time(periods, kpis, grain)
    except ParcoursError as exc:
        st.warning(t(exc.message))
_after()
fc.thresholds_editor("st_")
