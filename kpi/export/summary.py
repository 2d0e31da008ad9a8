"""The Summary sheet: the view in words, headline KPIs with their change, red flags, sources."""

from __future__ import annotations

from datetime import UTC, datetime

import polars as pl
from openpyxl.worksheet.worksheet import Worksheet

from kpi.export import year_before_sheet
from kpi.export.cells import ALERT_FONT, COUNT, TOP, WARN_FONT, WRAP, Col, SheetWriter, lines, put
from kpi.export.context import Context, data_bounds, data_notes, source_rows, view_size
from kpi.export.summary_targets import headline_table
from kpi.export.text import (
    kpi_label,
    period_text,
    say,
    sentence,
    view_text,
    window_text,
    words,
)

__all__ = ["HEADLINE", "LOWER_IS_BETTER", "write"]

#: KPIs shown on the Summary sheet (when available), in this order.
HEADLINE = (
    "users",
    "sessions",
    "new_users",
    "bounce_rate",
    "conversion_rate",
    "orders",
    "revenue",
    "aov",
    "cart_abandonment",
    "revenue_per_visitor",
    # a CRM contacts table (kpi.pipeline): shown only when they apply
    "contacts",
    "lead_conversion",
    "customers",
    "won_deal_value",
    "avg_deal_value",
)
LOWER_IS_BETTER = {"bounce_rate", "bounce_rate_landing", "cart_abandonment"}
TITLE_WIDTH = 32  # column A: labels, KPI names, red-flag titles (wrapped)


def period_lines(ctx: Context) -> tuple[str, str]:
    """The period of the view and the period it is compared with, in words."""
    lang, f = ctx.lang, ctx.filters
    bounds = data_bounds(ctx)
    if f.start is None and f.end is None:
        period = (
            say("export.period.whole", lang, period=period_text(bounds[0], bounds[1], lang))
            if bounds
            else say("export.period.no_dates", lang)
        )
    else:
        lo = f.start or (bounds[0] if bounds else None)
        hi = f.end or (bounds[1] if bounds else None)
        period = period_text(lo, hi, lang)
    p = ctx.previous_filters
    if p is None:
        comparison = say("export.compare.none", lang)
    elif ctx.previous is None:
        comparison = say("export.compare.empty", lang, period=period_text(p.start, p.end, lang))
    else:
        comparison = say("export.compare.before", lang, period=period_text(p.start, p.end, lang))
    return period, comparison


def write(ws: Worksheet, ctx: Context) -> None:
    lang = ctx.lang
    w = SheetWriter(ws, max_width=70, lang=lang)
    o = ctx.options
    w.title(o.heading())
    generated = (o.generated_at or datetime.now(UTC)).astimezone(UTC).replace(tzinfo=None)
    w.pair(say("export.summary.generated", lang), generated, 'yyyy-mm-dd hh:mm "UTC"')
    period, comparison = period_lines(ctx)
    w.pair(say("export.summary.period", lang), period)
    w.pair(say("export.summary.compared_with", lang), comparison)
    w.pair(say("export.summary.view", lang), view_text(ctx.filters, lang))
    n_users, n_events = view_size(ctx)
    w.pair(say("export.summary.users", lang), n_users, COUNT)
    w.pair(say("export.summary.events", lang), n_events, COUNT)
    steps = " → ".join(map(str, ctx.steps)) if ctx.steps else say("export.summary.no_steps", lang)
    w.pair(say("export.summary.steps", lang), steps, wrap_chars=90)
    order = say(f"export.order.{o.settings.order}", lang)
    w.pair(
        say("export.summary.rules", lang),
        say("export.summary.rules_text", lang, order=order, window=window_text(ctx.window, lang)),
    )
    w.pair(
        say("export.summary.segment", lang),
        ctx.segment if ctx.segment else say("common.none", lang),
    )
    if o.source_label:
        w.pair(say("export.summary.data", lang), o.source_label)
    w.skip()

    w.section(say("export.summary.headline", lang))
    if headline_table(w, ctx, HEADLINE):  # KPI, value, target, previous, year before, status
        w.say("export.summary.change_note")
        dates = year_before_sheet.note(ctx)  # the year before's dates, or why there are none
        if dates:
            w.note(dates)
        for k in ctx.kpis():  # headline KPIs that do not apply: said, never a 100 % or a 0
            if k.code in HEADLINE and k.reason:
                w.say(
                    "export.kpi.does_not_apply",
                    kpi=kpi_label(k.code, lang),
                    why=words(k.missing, lang),
                )
    else:
        w.say("export.summary.no_kpi")
    w.skip()

    flags = ctx.flags()
    w.section(
        say("export.flags.title", lang, n=len(flags)) if flags else say("export.flags.none", lang)
    )
    if flags:
        for f in flags:
            font = ALERT_FONT if f.level == "alert" else WARN_FONT
            title = words(f.title, lang)  # wrapped in column A, never cut by column B
            put(ws, w.row, 1, title, font=font, align=WRAP)
            if lines(title, TITLE_WIDTH) > 1:
                ws.row_dimensions[w.row].height = 15 * lines(title, TITLE_WIDTH)
            put(
                ws,
                w.row,
                2,
                say(
                    f"export.flags.{'alert' if f.level == 'alert' else 'warning'}",
                    lang,
                    message=sentence(f.message, lang),
                ),
                align=TOP,
            )
            w.row += 1
    else:
        w.say("export.flags.all_within")
    w.say("export.flags.thresholds", **o.thresholds.limits())
    w.skip()

    w.section(say("export.summary.sources", lang))
    sources = source_rows(ctx)
    acc = pl.DataFrame(
        {
            "file": [name for name, *_ in sources],
            "kind": [_kind(kind, lang) for _, kind, *_ in sources],
            "rows_read": [read for _, _, read, _, _ in sources],
            "rows_kept": [kept for _, _, _, kept, _ in sources],
            "dropped": [read - kept for _, _, read, kept, _ in sources],
            "reasons": [
                "; ".join(
                    say("export.sources.reason", lang, reason=words(k, lang), n=v)
                    for k, v in dropped.items()
                )
                or "–"
                for *_, dropped in sources
            ],
        },
        schema={
            "file": pl.String,
            "kind": pl.String,
            "rows_read": pl.Int64,
            "rows_kept": pl.Int64,
            "dropped": pl.Int64,
            "reasons": pl.String,
        },
    )
    w.table(
        acc,
        [
            Col("file", say("export.col.file", lang)),
            Col("kind", say("export.col.read_as", lang)),
            Col("rows_read", say("export.col.rows_read", lang), COUNT),
            Col("rows_kept", say("export.col.rows_kept", lang), COUNT),
            Col("dropped", say("export.col.rows_dropped", lang), COUNT),
            Col("reasons", say("export.col.why_dropped", lang)),
        ],
        name="tblSources",
        style="TableStyleLight9",
    )
    for note in data_notes(ctx):
        w.note(words(note, lang))
    w.fixed[1] = TITLE_WIDTH
    for col in range(2, 9):
        w.fixed[col] = 20 if col == 2 else 16
    w.finish()
    ws.freeze_panes = "A2"
    ws.sheet_view.showGridLines = False


def _kind(kind: str, lang: str) -> str:
    """What a file was read as (events, orders, users…) in ``lang``."""
    try:
        return say(f"export.kind.{kind}", lang)  # type: ignore[arg-type]
    except KeyError:
        return kind
