"""The "Why they drop" sheet: for the view's chosen step (the Funnel page's, else the step
that loses the largest share of its users), where the dropped users went next and what differs
about those who convert, the same results as the page's section (:mod:`kpi.funnel.why`, kept
on the View)."""

from __future__ import annotations

import polars as pl
from openpyxl.worksheet.worksheet import Worksheet

from kpi.errors import ParcoursError
from kpi.export.cells import COUNT, NUMBER, P_VALUE, RATE, Col, SheetWriter
from kpi.export.context import Context, is_engine
from kpi.export.text import say, view_text, words
from kpi.funnel import why

__all__ = ["chosen_step", "write"]


def chosen_step(ctx: Context) -> int:
    """The step of the sheet: the options' ``why_step`` when it is a step with a next one,
    else :func:`kpi.funnel.why.default_step` of the view's funnel."""
    n = len(ctx.steps)
    given = getattr(ctx.options, "why_step", None)
    if isinstance(given, int) and 1 <= given < n:
        return given
    return why.default_step(ctx.funnel())


def write(ws: Worksheet, ctx: Context) -> None:
    lang = ctx.lang
    w = SheetWriter(ws, max_width=40, lang=lang)
    w.title(say("funnel_why.page.title", lang))
    steps = list(ctx.steps)
    if len(steps) < 2:
        w.say("funnel_why.page.two_steps")
        w.finish()
        return
    if not is_engine(ctx) and ctx.view.counts is not None and ctx.view.events.height == 0:
        w.say("funnel_why.page.counts")
        w.finish()
        return
    step = chosen_step(ctx)
    w.say(
        "funnel_why.sheet.note",
        step=steps[step - 1],
        next=steps[step],
        view=view_text(ctx.filters, lang),
    )
    w.skip()
    if is_engine(ctx):  # an engine's aggregates: the segment values' tests only
        w.section(say("funnel_why.page.next_title", lang))
        w.say("funnel_why.page.next_connected")
        w.skip()
    else:
        _next_events(w, ctx, step)
    _drivers(w, ctx, step)
    w.finish()


def _next_events(w: SheetWriter, ctx: Context, step: int) -> None:
    lang = ctx.lang
    w.section(say("funnel_why.page.next_title", lang))
    try:
        got = why.next_events_of(ctx.results, step)
    except ParcoursError as exc:
        w.note(words(exc, lang))
        w.skip()
        return
    if got.dropped == 0:
        w.say("funnel_why.page.no_dropped", step=got.step_name, next=got.next_name)
        w.skip()
        return
    w.say(
        "funnel_why.page.next_intro",
        dropped=got.dropped,
        step=got.step_name,
        next=got.next_name,
        window=why.window_fact(ctx.options.settings),
    )
    rows = got.table.with_columns(pl.col("event").fill_null(say("funnel_why.page.none_row", lang)))
    w.table(
        rows,
        [
            Col("event", say("funnel_why.col.event", lang)),
            Col("users", say("funnel_why.col.users", lang), COUNT),
            Col("share", say("funnel_why.col.share", lang), RATE),
        ],
        name="tblNextEvents",
    )
    w.row -= 1
    w.say("funnel_why.page.ties", dropped=got.dropped)
    w.skip()


def _drivers(w: SheetWriter, ctx: Context, step: int) -> None:
    lang = ctx.lang
    w.section(say("funnel_why.page.diff_title", lang))
    try:
        if is_engine(ctx):
            d = why.engine_drivers_of(ctx.results, step)
        else:
            d = why.drivers_of(ctx.results, step)
    except ParcoursError as exc:
        w.note(words(exc, lang))
        return
    w.note(words(why.intro_fact(d), lang))
    rule = why.events_rule_fact(ctx.options.settings, d)
    if rule is not None:
        w.note(words(rule, lang))
    for note in d.notes:
        w.note(words(note, lang))
    if d.population == 0 or d.converters == 0 or d.dropped == 0:
        return
    w.say("funnel_why.page.family", family=d.family, alpha=d.alpha)
    facts = d.finding_facts()
    if facts:
        for f in facts:
            w.note(words(f, lang))
    else:
        w.say("funnel_why.page.no_finding", family=d.family)
    kind = {k: say(f"funnel_why.kind.{k}", lang) for k in ("segment", "event")}
    test = {k: say(f"funnel_why.test.{k}", lang) for k in ("chi2", "fisher")}
    yes, no = say("common.yes", lang), say("common.no", lang)
    small, corrected = say("funnel_why.mark.small", lang), say("funnel_why.mark.corrected", lang)
    note = (
        pl.concat_list(
            pl.when(pl.col("small")).then(pl.lit(small)),
            pl.when(pl.col("corrected")).then(pl.lit(corrected)),
        )
        .list.drop_nulls()
        .list.join(" · ")
    )
    rows = d.table.with_columns(
        pl.col("kind").replace_strict(kind, return_dtype=pl.String),
        pl.col("test").replace_strict(test, default=None, return_dtype=pl.String),
        pl.when(pl.col("finding")).then(pl.lit(yes)).otherwise(pl.lit(no)).alias("finding"),
        note.alias("note"),
    )
    c = "funnel_why.col."
    w.table(
        rows,
        [
            Col("finding", say(c + "finding", lang)),
            Col("kind", say(c + "kind", lang)),
            Col("column", say(c + "column", lang)),
            Col("value", say(c + "value", lang)),
            Col("converters_with", say(c + "converters_with", lang), COUNT),
            Col("dropped_with", say(c + "dropped_with", lang), COUNT),
            Col("conversion_with", say(c + "conversion_with", lang), RATE),
            Col("conversion_without", say(c + "conversion_without", lang), RATE),
            Col("odds_ratio", say(c + "odds_ratio", lang), NUMBER),
            Col("ci_low", say(c + "ci_low", lang), NUMBER),
            Col("ci_high", say(c + "ci_high", lang), NUMBER),
            Col("p_value", say(c + "p_value", lang), P_VALUE),
            Col("test", say(c + "test", lang)),
            Col("p_adjusted", say(c + "p_adjusted", lang), P_VALUE),
            Col("note", say(c + "note", lang)),
        ],
        name="tblDrivers",
    )
    w.row -= 1
    w.say("funnel_why.page.method")
