"""The Retention sheet: the Retention page's KPIs (repeat purchase, frequency, churn,
retention rate) and its cohort table with the weighted average, from the same summary."""

from __future__ import annotations

import polars as pl
from openpyxl.formatting.rule import ColorScaleRule
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from kpi.export import retention_segments_section
from kpi.export.cells import COUNT, LABEL_FONT, NUMBER, RATE, Col, SheetWriter, put
from kpi.export.context import Context, has_events, view_timed
from kpi.export.text import kpi_label, say, sentence

__all__ = ["write"]


def write(ws: Worksheet, ctx: Context) -> None:
    lang = ctx.lang
    w = SheetWriter(ws, max_width=30, lang=lang)
    grain = ctx.options.cohort_grain
    word = say(f"export.grain.{grain}", lang)
    w.title(say("export.sheet.retention", lang))
    if not has_events(ctx):
        w.note(say("export.retention.no_events", lang))
        w.finish()
        return
    if not view_timed(ctx):
        w.note(say("export.retention.no_dates", lang))
        w.finish()
        return
    s = ctx.results.retention()
    if s is None:
        w.note(say("export.retention.no_dates", lang))
        w.finish()
        return
    w.note(say(f"export.retention.note.{grain}", lang))
    w.skip()

    w.section(say("export.retention.kpis", lang))
    w.pair(kpi_label("repeat_purchase_rate", lang), s.repeat.rate, RATE)
    w.pair(
        say("export.retention.in_words", lang), sentence(s.repeat.explanation, lang), wrap_chars=90
    )
    w.pair(kpi_label("purchase_frequency", lang), s.frequency.frequency, NUMBER)
    w.pair(
        say("export.retention.in_words", lang),
        sentence(s.frequency.explanation, lang),
        wrap_chars=90,
    )
    churn = s.churn
    w.pair(kpi_label("churn", lang), churn.churn if churn else None, RATE)
    w.pair(kpi_label("retention_rate", lang), churn.retention if churn else None, RATE)
    if churn is not None:
        w.pair(say("export.retention.customers_start", lang), churn.customers_at_start, COUNT)
        w.pair(say("export.retention.customers_lost", lang), churn.customers_lost, COUNT)
        w.pair(
            say("export.retention.churn_period", lang),
            say(
                "export.retention.churn_period_text",
                lang,
                days=churn.inactivity_days,
                end=churn.period_end,
            ),
        )
        w.pair(
            say("export.retention.in_words", lang), sentence(churn.explanation, lang), wrap_chars=90
        )
    w.skip()

    w.section(say("export.retention.cohorts", lang))
    if s.note is not None:
        w.note(sentence(s.note, lang))
        w.finish()
        return
    table = s.table
    if table.height == 0:
        w.note(say("export.retention.no_cohorts", lang))
        w.finish()
        return
    periods = int(table["period"].max())  # type: ignore[arg-type]
    rates = table.pivot(on="period", index=["cohort", "cohort_size"], values="retention")
    done = table.pivot(on="period", index=["cohort"], values="complete")
    pcols = [str(p) for p in range(periods + 1)]
    rates = rates.select("cohort", "cohort_size", *[c for c in pcols if c in rates.columns])
    done = done.select("cohort", *[c for c in pcols if c in done.columns])
    cols = [
        Col("cohort", say("export.col.cohort", lang)),
        Col("cohort_size", say("export.col.users", lang), COUNT),
    ] + [Col(p, f"{word} {p}", "0.0%") for p in pcols if p in rates.columns]
    top = w.row
    first, last = w.table(rates, cols, name="tblRetention")
    grey = Font(italic=True, color="808080")
    for i, row in enumerate(done.drop("cohort").iter_rows()):
        for j, complete in enumerate(row):
            if complete is False:
                ws.cell(first + i, 3 + j).font = grey
    # weighted average row (complete cells only), right under the table
    avg = s.average
    r = last + 1
    put(ws, r, 1, say("export.retention.weighted_average", lang), font=LABEL_FONT)
    put(ws, r, 2, int(table.filter(pl.col("period") == 0)["cohort_size"].sum()), COUNT)
    for p, rate in zip(avg["period"].to_list(), avg["retention"].to_list(), strict=True):
        put(ws, r, 3 + int(p), rate, "0.0%", font=LABEL_FONT)
    if periods >= 1:
        rng = f"D{first}:{get_column_letter(3 + periods)}{last}"
        ws.conditional_formatting.add(
            rng,
            ColorScaleRule(
                start_type="num",
                start_value=0,
                start_color="F8F8F8",
                mid_type="percentile",
                mid_value=50,
                mid_color="9DC3E6",
                end_type="max",
                end_color="2E75B6",
            ),
        )
    ws.freeze_panes = ws.cell(top + 1, 3)
    w.row = r + 2
    w.note(say(f"export.retention.average_note.{grain}", lang))
    w.note(say(f"export.retention.grey_note.{grain}", lang))
    retention_segments_section.write(w, ctx, s)  # the breakdown segment's weighted averages
    w.fixed[1] = 42
    w.finish()
    for j in range(periods + 1):
        ws.column_dimensions[get_column_letter(3 + j)].width = 10
