"""The Funnel sheet: users per step, conversion, drop-off, step times, the funnel chart, and
the funnel by the breakdown segment."""

from __future__ import annotations

import polars as pl
from openpyxl.chart import BarChart, Reference
from openpyxl.chart.label import DataLabelList
from openpyxl.worksheet.worksheet import Worksheet

from kpi.errors import ParcoursError
from kpi.export import year_before_sheet
from kpi.export.cells import BRAND, COUNT, DURATION, NUMBER, RATE, Col, SheetWriter
from kpi.export.context import Context, is_engine, view_size
from kpi.export.progress import funnel_by, view_progress
from kpi.export.text import say, view_text, window_text
from kpi.segments import top_values

__all__ = ["write"]


def write(ws: Worksheet, ctx: Context) -> None:
    lang = ctx.lang
    w = SheetWriter(ws, max_width=40, lang=lang)
    w.title(say("export.sheet.funnel", lang))
    w.note(
        say(
            "export.funnel.note",
            lang,
            order=say(f"export.order.{ctx.options.settings.order}", lang),
            window=window_text(ctx.window, lang),
            view=view_text(ctx.filters, lang),
        )
    )
    for line in rules_lines(ctx):
        w.note(line)
    table = ctx.funnel()
    if table is None:
        w.note(no_funnel_reason(ctx))
        w.finish()
        return
    timed = "median_from_previous_s" in table.columns
    cols = _step_columns(lang)
    if timed:
        cols += [
            Col("median_from_previous_s", say("export.col.median_prev", lang), DURATION, 1 / 86400),
            Col("p90_from_previous_s", say("export.col.p90_prev", lang), DURATION, 1 / 86400),
            Col("median_from_start_s", say("export.col.median_start", lang), DURATION, 1 / 86400),
        ]
        # step 1 has no previous step: its times are blank, not 0:00:00
        first = pl.int_range(pl.len()) == 0
        table = table.with_columns(
            pl.when(first).then(None).otherwise(pl.col(c)).alias(c)
            for c in ("median_from_previous_s", "p90_from_previous_s", "median_from_start_s")
        )
    top = w.row
    w.table(table, cols, name="tblFunnel")
    ws.freeze_panes = ws.cell(top + 1, 2)
    if timed:
        w.row -= 1
        w.note(say("export.funnel.times_note", lang))
        w.skip()

    # chart data: a transparent offset centres each bar, so the bars draw a funnel
    w.section(say("export.funnel.chart_data", lang))
    top_users = max(table["users"].max() or 0, 1)  # type: ignore[type-var]
    shape = table.select(
        "step",
        ((top_users - pl.col("users")) / 2).alias("offset"),
        pl.col("users"),
    )
    c_first, c_last = w.table(
        shape,
        [
            Col("step", say("export.col.step", lang)),
            Col("offset", say("export.col.offset", lang), NUMBER),
            Col("users", say("export.col.users", lang), COUNT),
        ],
        name="tblFunnelChart",
        style="TableStyleLight1",
    )
    chart = _funnel_chart(ws, c_first, c_last, len(ctx.steps), say("export.funnel.chart", lang))
    ws.add_chart(chart, f"K{top}")

    if ctx.segment is not None:
        _segment_funnel(w, ctx)
    year_before_sheet.funnel_section(w, ctx)
    w.fixed[1] = max(14, min(30, max(len(str(s)) for s in ctx.steps) + 4))
    w.finish()


def rules_lines(ctx: Context) -> list[str]:
    """The exclusions and per-step windows of the funnel, how many users an exclusion took
    out early, and the rules that do not apply, in words (none without rules)."""
    from kpi.funnel.rules import InEffect
    from kpi.words import Fact, render

    get = getattr(ctx.results, "funnel_rules", None)
    rules = get() if get is not None else None
    if not isinstance(rules, InEffect) or not (rules.active or rules.notes):
        return []
    lang = ctx.lang
    lines = [render(f, lang) for f in rules.notes]
    if rules.exclusions:
        words = [
            Fact("funnel_rules.exclusion", event=x.event, after=x.after, before=x.before)
            for x in rules.exclusions
        ]
        lines.append(render(Fact("funnel_rules.applied", exclusions=words), lang))
        n = ctx.results.funnel_excluded()
        if n is not None:
            lines.append(render(Fact("funnel_rules.excluded", n=n), lang))
    if rules.step_windows:
        words = [
            Fact(
                "funnel_rules.step_window",
                step=sw.step,
                amount=sw.amount,
                unit=Fact(f"funnel_rules.unit.{sw.unit}", n=sw.amount),
            )
            for sw in rules.step_windows
        ]
        lines.append(render(Fact("funnel_rules.applied_windows", windows=words), lang))
    if rules.active:
        lines.append(render(Fact("funnel.rules.everywhere"), lang))
    return lines


def _step_columns(lang: str) -> list[Col]:
    return [
        Col("step", say("export.col.step", lang)),  # type: ignore[arg-type]
        Col("users", say("export.col.users", lang), COUNT),  # type: ignore[arg-type]
        Col("conversion", say("export.col.conversion", lang), RATE),  # type: ignore[arg-type]
        Col("step_conversion", say("export.col.step_conversion", lang), RATE),  # type: ignore[arg-type]
        Col("drop_off", say("export.col.drop_off", lang), COUNT),  # type: ignore[arg-type]
        Col("drop_off_rate", say("export.col.drop_off_rate", lang), RATE),  # type: ignore[arg-type]
    ]


def no_funnel_reason(ctx: Context) -> str:
    """Why the view has no funnel, in words."""
    if is_engine(ctx):
        return say(
            "export.funnel.no_events" if not view_size(ctx)[1] else "export.funnel.no_steps",
            ctx.lang,
        )
    if ctx.view.events.height == 0:
        if ctx.view.counts is not None:
            return say("export.funnel.counts_only", ctx.lang)
        return say("export.funnel.no_events", ctx.lang)
    return say("export.funnel.no_steps", ctx.lang)


def _funnel_chart(ws: Worksheet, first: int, last: int, steps: int, title: str) -> BarChart:
    chart = BarChart()
    chart.type = "bar"
    chart.grouping = "stacked"
    chart.overlap = 100
    chart.gapWidth = 40
    chart.title = title
    chart.legend = None
    data = Reference(ws, min_col=2, max_col=3, min_row=first - 1, max_row=last)
    cats = Reference(ws, min_col=1, min_row=first, max_row=last)
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(cats)
    offset, users = chart.series
    offset.graphicalProperties.noFill = True
    offset.graphicalProperties.line.noFill = True
    users.graphicalProperties.solidFill = BRAND
    users.graphicalProperties.line.solidFill = BRAND
    users.dLbls = DataLabelList()
    users.dLbls.showVal = True
    users.dLbls.showSerName = False
    users.dLbls.showCatName = False
    users.dLbls.showLegendKey = False
    users.dLbls.showPercent = False
    chart.x_axis.scaling.orientation = "maxMin"  # step 1 on top
    chart.x_axis.delete = False
    chart.y_axis.delete = True
    chart.y_axis.majorGridlines = None
    chart.height = max(7.0, 1.3 * steps + 2)
    chart.width = 18
    return chart


def _segment_funnel(w: SheetWriter, ctx: Context) -> None:
    lang = ctx.lang
    seg = ctx.segment
    assert seg is not None
    n = ctx.options.top_n
    none, other = say("common.none", lang), say("common.other", lang)
    if is_engine(ctx):
        _engine_segment_funnel(w, ctx, seg, n, none, other)
        return
    users = ctx.view.users
    value = pl.col(seg).cast(pl.String).fill_null(none)
    keep = top_values(users.with_columns(value.alias(seg)), seg, n)
    labelled = users.select(
        "user_id",
        pl.when(value.is_in(keep)).then(value).otherwise(pl.lit(other)).alias("_segment"),
    )
    try:  # the View's progress of each user (the segment is a user attribute)
        table = funnel_by(view_progress(ctx), labelled, "_segment")
    except ParcoursError as exc:
        w.note(say("export.funnel.by_failed", lang, segment=seg, why=exc.text(lang)))
        return
    _write_segment_funnel(w, ctx, table, seg, n, keep, none, other)


def _engine_segment_funnel(
    w: SheetWriter, ctx: Context, seg: str, n: int, none: str, other: str
) -> None:
    """The funnel by segment of an engine table: the funnel by every value, grouped here
    into the top values by users + Other (a user has one value: the users add up)."""
    counts = ctx.results.segment_counts(seg).with_columns(pl.col(seg).fill_null(none))
    ranked = (
        counts.group_by(seg)
        .agg(pl.col("users").sum())
        .sort(["users", seg], descending=[True, False])
    )
    keep = [str(v) for v in ranked[seg].head(n).to_list()]
    table = ctx.results.funnel_by(seg, keep=keep, none=none, other=other)
    if table is None:
        w.note(
            say(
                "export.funnel.by_failed",
                ctx.lang,
                segment=seg,
                why=say("export.funnel.no_steps", ctx.lang),
            )
        )
        return
    _write_segment_funnel(w, ctx, table.rename({seg: "_segment"}), seg, n, keep, none, other)


def _write_segment_funnel(
    w: SheetWriter,
    ctx: Context,
    table: pl.DataFrame,
    seg: str,
    n: int,
    keep: list[str],
    none: str,
    other: str,
) -> None:
    lang = ctx.lang
    label = seg.replace("_", " ").capitalize()
    w.section(say("export.funnel.by", lang, segment=label, n=n))
    w.table(
        table,
        [Col("_segment", label), *_step_columns(lang)],
        name="tblFunnelBySegment",
    )
    w.row -= 1
    w.note(say("export.funnel.first_touch", lang))
    w.skip()
    # conversion from step 1, one column per segment value, and a clustered bar chart
    wide = table.pivot(on="_segment", index="step", values="conversion", aggregate_function="first")
    # keep may already hold "(none)" (users without a value among the top values): once only
    order = [v for v in dict.fromkeys([*keep, other, none]) if v in wide.columns]
    wide = wide.select("step", *order)
    title = say("export.funnel.conversion_by", lang, segment=label)
    w.section(title)
    cols = [Col("step", say("export.col.step", lang))] + [Col(v, v, RATE) for v in order]
    first, last = w.table(wide, cols, name="tblConversionBySegment", style="TableStyleLight9")
    chart = BarChart()
    chart.type = "col"
    chart.grouping = "clustered"
    chart.title = title
    chart.y_axis.number_format = "0%"
    chart.y_axis.title = say("export.col.conversion", lang)
    chart.y_axis.delete = False
    chart.x_axis.delete = False
    data = Reference(w.ws, min_col=2, max_col=1 + len(order), min_row=first - 1, max_row=last)
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(Reference(w.ws, min_col=1, min_row=first, max_row=last))
    chart.height = 8
    chart.width = 18
    w.ws.add_chart(chart, f"K{first - 1}")
