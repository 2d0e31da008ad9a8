"""The Stage KPIs sheet: every journey KPI of the view with its change, formula and, when it
is not shown, why; the pipeline of a CRM contacts table."""

from __future__ import annotations

import polars as pl
from openpyxl.worksheet.worksheet import Worksheet

from kpi import pipeline
from kpi.export import year_before_sheet
from kpi.export.cells import COUNT, RATE, SIGNED_RATE, Col, SheetWriter, unit_format
from kpi.export.context import Context, currency_of, is_engine
from kpi.export.kpi_table import apply_signed, kpi_rows
from kpi.export.text import kpi_label, say, view_text

__all__ = ["write"]


def write(ws: Worksheet, ctx: Context) -> None:
    lang = ctx.lang
    w = SheetWriter(ws, max_width=50, lang=lang)
    w.title(say("export.sheet.stages", lang))
    prev = say(
        "export.stages.vs_previous" if ctx.previous is not None else "export.stages.no_previous",
        lang,
    )
    w.note(say("export.stages.note", lang, previous=prev, view=view_text(ctx.filters, lang)))
    frame, formats = kpi_rows(ctx, None)
    frame, year_before = year_before_sheet.stage_columns(ctx, frame)
    if frame.height == 0:
        w.note(say("export.stages.no_kpi", lang))
        w.finish()
        return
    top = w.row
    first, _ = w.table(
        frame,
        [
            Col("stage", say("export.col.stage", lang)),
            Col("label", say("export.col.kpi", lang)),
            Col("value", say("export.col.value", lang)),
            Col("previous", say("export.col.previous", lang)),
            Col("abs_change", say("export.col.change", lang)),
            Col("rel_change", say("export.col.change_pct", lang), SIGNED_RATE),
            *year_before,
            Col("formula", say("export.col.formula", lang), width=60, wrap=True),
            Col("available", say("export.col.available", lang)),
            Col("missing", say("export.col.why_not", lang), width=45, wrap=True),
        ],
        name="tblStageKpis",
        row_formats=formats["value"],
        format_columns=("value", "previous"),
    )
    apply_signed(ws, first, 5, formats["signed"])
    if year_before:
        year_before_sheet.apply_formats(ws, first, 8, 9, formats)
    ws.freeze_panes = ws.cell(top + 1, 3)
    w.note(say("export.stages.durations_note", lang))
    if year_before:
        w.note(year_before_sheet.note(ctx) or "")
    engine = is_engine(ctx)
    if not engine and pipeline.is_contacts(ctx.view):
        crm = pipeline.pipeline_summary(ctx.view)
        if crm is not None:
            _pipeline_rows(w, crm, ctx)
    segment = ctx.options.kpi_segment
    # an engine table's KPIs per segment are summed in the engine (kpi.engine.view_stages)
    columns = ctx.results.segments if engine else ctx.view.users.columns
    if segment is not None and segment in columns:
        _by_segment(w, ctx, segment)
    w.finish()


def _by_segment(w: SheetWriter, ctx: Context, segment: str) -> None:
    """The stage KPIs per value of ``segment``: one column per KPI that can be split."""
    lang = ctx.lang
    frame = ctx.results.kpis_by(segment)
    if frame is None or frame.height == 0:
        return
    kpis = [k for k in ctx.kpis() if k.available and k.code in frame.columns]
    if not kpis:
        return
    money = currency_of(ctx)
    label = segment.replace("_", " ").capitalize()
    w.skip()
    w.section(say("export.stages.by", lang, segment=label))
    table = frame.select(
        pl.col(segment).cast(pl.String),
        *((pl.col(k.code) / 86_400) if k.unit == "seconds" else pl.col(k.code) for k in kpis),
    )
    w.table(
        table,
        [Col(segment, label)]
        + [
            Col(k.code, kpi_label(k.code, lang), unit_format(k.unit, lang, currency=money))
            for k in kpis
        ],
        name="tblKpisBySegment",
    )
    w.row -= 1
    w.note(say("export.funnel.first_touch", lang))


def _pipeline_rows(w: SheetWriter, crm: pipeline.PipelineSummary, ctx: Context) -> None:
    lang = ctx.lang
    w.skip()
    kind = say(f"export.pipeline.kind.{'lifecycle' if crm.kind == 'lifecycle' else 'deal'}", lang)
    w.section(say("export.pipeline.title", lang, column=crm.column, kind=kind))
    w.table(
        crm.by_stage.drop("canonical"),
        [
            Col("stage", say("export.col.pipeline_stage", lang)),
            Col("contacts", say("export.col.contacts", lang), COUNT),
            Col("share", say("export.col.share_contacts", lang), RATE),
            Col("reached", say("export.col.reached", lang), COUNT),
            Col("conversion", say("export.col.from_first_stage", lang), RATE),
            Col("step_conversion", say("export.col.from_stage_before", lang), RATE),
        ],
        name="tblPipeline",
    )
    w.row -= 1
    w.note(say("export.pipeline.reached_note", lang))
    if crm.leads is not None:
        w.note(say("export.pipeline.lead_note", lang, customers=crm.customers, leads=crm.leads))
    if crm.has_amount:
        w.note(say("export.pipeline.deal_note", lang, n=crm.won_with_amount))
