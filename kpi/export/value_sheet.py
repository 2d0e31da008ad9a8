"""The Value sheet: the Value page's figures (AOV, revenue per customer, top-customer share,
CLV with its factors, CAC / ROAS / CLV:CAC / payback overall and per channel) and the
Advocacy page's (NPS with its interval and shares, by segment; CSAT or CES; referrals), from
the same summaries as the pages."""

from __future__ import annotations

from typing import Any

import polars as pl
from openpyxl.worksheet.worksheet import Worksheet

from kpi import pipeline, reasons, value
from kpi.errors import ParcoursError
from kpi.export.cells import COUNT, NUMBER, RATE, Col, SheetWriter, money_format, unit_format
from kpi.export.context import Context, currency_of, is_engine
from kpi.export.text import kpi_label, say, sentence, view_text, words

__all__ = ["NPS_POINTS", "write"]

NPS_POINTS = "+0.0;-0.0;0.0"  # NPS in points (−100 to +100)


def write(ws: Worksheet, ctx: Context) -> None:
    lang = ctx.lang
    w = SheetWriter(ws, max_width=60, lang=lang)
    money = money_format(currency_of(ctx), lang)
    w.title(say("export.sheet.value", lang))
    w.note(say("export.value.note", lang, view=view_text(ctx.filters, lang)))
    if is_engine(ctx):  # the engine's sums per customer; spend and survey rows are not there
        _engine(w, ctx, money)
        w.fixed[1] = 46
        w.fixed[2] = 16
        w.finish()
        return
    if pipeline.is_contacts(ctx.view):
        w.note(say("export.value.crm", lang))
        _advocacy(w, ctx)
        w.finish()
        return
    try:
        s = ctx.results.value()
        err = None
    except ParcoursError as exc:
        s, err = None, exc.text(lang)
    if s is None:
        w.section(say("export.value.orders", lang))
        if err is None:
            try:
                err = sentence(ctx.results.value_inputs().explanation, lang)
            except ParcoursError as exc:
                err = exc.text(lang)
        w.note(err or say("export.value.no_orders", lang))
    else:
        _orders(w, ctx, s, money)
        _clv(w, ctx, s, money, ctx.results.value_inputs())
        _acquisition(w, ctx, s, money)
    _advocacy(w, ctx)
    w.fixed[1] = 46
    w.fixed[2] = 16
    w.finish()


def _orders(w: SheetWriter, ctx: Context, s: value.ValueSummary, money: str) -> None:
    lang = ctx.lang
    w.section(say("export.value.orders", lang))
    if s.aov.aov is None:
        w.pair(kpi_label("aov", lang), sentence(s.aov.explanation, lang), wrap_chars=90)
    else:
        w.pair(kpi_label("aov", lang), s.aov.aov, money)
        w.pair(say("export.value.revenue", lang), s.aov.revenue, money)
        w.pair(say("export.value.orders_count", lang), s.aov.orders, COUNT)
    rpc = s.revenue_per_customer
    if rpc.value is not None:
        w.pair(kpi_label("revenue_per_customer", lang), rpc.value, money)
        w.pair(say("export.value.customers", lang), rpc.customers, COUNT)
    else:
        w.pair(kpi_label("revenue_per_customer", lang), sentence(rpc.explanation, lang))
    top = s.top_share
    w.pair(say("export.value.top_share", lang, top=top.top), top.share, RATE)
    w.pair(say("export.value.in_words", lang), sentence(top.explanation, lang), wrap_chars=90)
    w.pair(kpi_label("repeat_purchase_rate", lang), s.repeat.rate, RATE)
    w.skip()


def _engine(w: SheetWriter, ctx: Context, money: str) -> None:
    """A connected table: the Value page's figures from the engine's sums per customer
    (:mod:`kpi.engine.view_value`) and its referral counts (:mod:`kpi.engine.view_advocacy`),
    as the pages show them; ad spend and survey answers are not in an event table (said)."""
    from kpi.engine import view_advocacy, view_value

    lang, engine = ctx.lang, ctx.results
    purchase = engine.purchase()  # type: ignore[union-attr]
    try:
        s = view_value.value_summary(engine, purchase_step=purchase)  # type: ignore[arg-type]
    except ParcoursError as exc:
        w.section(say("export.value.orders", lang))
        w.note(exc.text(lang))
        s = None
    if s is not None:
        _orders(w, ctx, s, money)
        _clv(w, ctx, s, money, s.inputs)  # the engine's own estimate: no factor given
        _acquisition(w, ctx, s, money)
    got = view_advocacy.advocacy_counts(engine, purchase_step=purchase)  # type: ignore[arg-type]
    w.section(say("export.nps.title", lang))
    w.note(_join_words(got.notes, lang))
    if got.referral is not None:
        _referral(w, got.referral, lang)


def _join_words(facts: tuple[Any, ...], lang: str) -> str:
    """The facts as one cell's text (the page's bold marks dropped: a cell is plain text)."""
    return " ".join(words(f, lang) for f in facts).replace("**", "")


def _clv(
    w: SheetWriter, ctx: Context, s: value.ValueSummary, money: str, est: value.ClvInputs
) -> None:
    """The CLV section; ``est`` is the data's own estimate of the factors (the page's
    defaults), whose source and explanation the sheet says."""
    lang = ctx.lang
    w.section(say("export.value.clv_title", lang))
    inputs, clv = s.inputs, s.clv
    if clv is None:
        w.pair(kpi_label("clv", lang), sentence(inputs.explanation, lang), wrap_chars=90)
        w.skip()
        return
    days = inputs.extrapolated_days
    label = kpi_label("clv", lang)
    if days is not None:
        label = say("export.value.clv_extrapolated", lang, days=days)
    w.pair(label, clv.clv, money)
    w.pair(say("export.value.factor_aov", lang), clv.aov, money)
    w.pair(say("export.value.factor_frequency", lang), clv.purchases_per_year, NUMBER)
    w.pair(say("export.value.factor_years", lang), clv.years, "0.00")
    w.pair(say("export.value.years_source", lang), _years_source(est.years_source, lang))
    w.pair(say("export.value.how", lang), sentence(est.explanation, lang), wrap_chars=90)
    w.skip()


def _years_source(source: Any, lang: str) -> str:
    try:
        return say(f"export.value.years.{source}", lang)  # type: ignore[arg-type]
    except KeyError:
        return words(source, lang)  # type: ignore[arg-type]


def _acquisition(w: SheetWriter, ctx: Context, s: value.ValueSummary, money: str) -> None:
    lang = ctx.lang
    w.section(say("export.value.acquisition", lang))
    if s.spend_note or s.channels is None or s.total is None:
        why = reasons.fact(s.spend_reason) if s.spend_reason else s.spend_note
        w.note(say("export.value.cac_missing", lang, why=words(why, lang)))
        w.skip()
        return
    if any(k != "channel" for k in ctx.filters.active_segments):
        named = [c.replace("_", " ") for c in ctx.filters.active_segments if c != "channel"]
        w.note(say("export.value.cac_filtered", lang, segments=named))
        w.skip()
        return
    t = s.total
    w.pair(say("export.value.cac_all", lang), t.get("cac"), money)
    w.pair(say("export.value.spend", lang), t.get("spend"), money)
    w.pair(say("export.value.new_customers", lang), t.get("new_customers"), COUNT)
    w.pair(kpi_label("roas", lang), t.get("roas"), NUMBER)
    w.pair(say("export.value.paid_revenue", lang), t.get("revenue"), money)
    w.pair(kpi_label("clv_cac", lang), t.get("clv_cac"), NUMBER)
    w.pair(kpi_label("payback", lang), t.get("payback_months"), unit_format("months", lang))
    if s.monthly_revenue is not None:
        w.pair(say("export.value.monthly_revenue", lang), s.monthly_revenue, money)
    w.skip()
    channels = s.channels.with_columns(
        pl.when(pl.col("meets_guide"))
        .then(pl.lit(say("common.yes", lang)))
        .when(pl.col("meets_guide").not_())
        .then(pl.lit(say("common.no", lang)))
        .otherwise(None)
        .alias("meets_guide"),
        pl.col("note")
        .cast(pl.String)
        .map_elements(lambda x: words(x, lang), return_dtype=pl.String),
    )
    w.table(
        channels,
        [
            Col("channel", say("export.col.channel", lang)),
            Col("spend", say("export.col.spend", lang), money),
            Col("new_customers", say("export.value.new_customers", lang), COUNT),
            Col("cac", say("export.col.cac", lang), money),
            Col("revenue", say("export.value.revenue", lang), money),
            Col("roas", say("export.col.roas", lang), NUMBER),
            Col("clv", say("export.col.clv_channel", lang), money),
            Col("clv_cac", say("export.col.clv_cac", lang), NUMBER),
            Col("meets_guide", say("export.col.meets_guide", lang, ratio=value.GUIDE_RATIO)),
            Col("payback_months", say("export.col.payback", lang), "0.0"),
            Col("note", say("export.col.note", lang)),
        ],
        name="tblChannels",
    )
    if s.channel_clv_note:
        w.note(sentence(s.channel_clv_note, lang))
    w.skip()


def _advocacy(w: SheetWriter, ctx: Context) -> None:
    lang = ctx.lang
    survey = ctx.view.survey
    try:
        a = ctx.results.advocacy()
    except ParcoursError as exc:
        if survey is not None:
            w.section(say("export.nps.title", lang))
            w.note(exc.text(lang))
        return
    n = a.nps
    if survey is not None and n is not None:
        w.section(say("export.nps.title", lang))
        if n.nps is None:
            w.note(sentence(n.explanation, lang))
        else:
            w.pair(say("export.nps.nps", lang), n.nps * 100, NPS_POINTS)
            w.pair(say("export.nps.low", lang, level=n.confidence), n.ci_low * 100, NPS_POINTS)  # type: ignore[operator]
            w.pair(say("export.nps.high", lang, level=n.confidence), n.ci_high * 100, NPS_POINTS)  # type: ignore[operator]
            w.pair(say("export.nps.answers", lang), n.n, COUNT)
            w.pair(say("export.nps.promoters", lang), n.promoter_share, RATE)
            w.pair(say("export.nps.passives", lang), n.passive_share, RATE)
            w.pair(say("export.nps.detractors", lang), n.detractor_share, RATE)
            w.pair(say("export.nps.left_out", lang), n.invalid + n.missing, COUNT)
            w.pair(say("export.value.in_words", lang), sentence(n.explanation, lang), wrap_chars=90)
        if a.by_segment is not None and a.by and a.by_segment.height:
            w.skip()
            label = a.by.replace("_", " ").capitalize()
            w.section(say("export.nps.by", lang, segment=label))
            table = a.by_segment.with_columns(
                pl.col(a.by).cast(pl.String),
                *(pl.col(c) * 100 for c in ("nps", "ci_low", "ci_high")),
            )
            w.table(
                table,
                [
                    Col(a.by, label),
                    Col("n", say("export.nps.answers", lang), COUNT),
                    Col("nps", say("export.nps.nps", lang), NPS_POINTS),
                    Col("ci_low", say("export.nps.low", lang, level=n.confidence), NPS_POINTS),
                    Col("ci_high", say("export.nps.high", lang, level=n.confidence), NPS_POINTS),
                    Col("promoter_share", say("export.nps.promoters", lang), RATE),
                    Col("passive_share", say("export.nps.passives", lang), RATE),
                    Col("detractor_share", say("export.nps.detractors", lang), RATE),
                ],
                name="tblNpsBySegment",
            )
    elif a.csat is not None:
        w.section(kpi_label("csat", lang))
        w.pair(kpi_label("csat", lang), a.csat.csat, RATE)
        w.pair(
            say("export.value.in_words", lang), sentence(a.csat.explanation, lang), wrap_chars=90
        )
    elif a.ces is not None:
        w.section(kpi_label("ces", lang))
        w.pair(kpi_label("ces", lang), a.ces.ces, "0.00")
        w.pair(say("export.value.in_words", lang), sentence(a.ces.explanation, lang), wrap_chars=90)
    if a.referral is not None:
        _referral(w, a.referral, lang)


def _referral(w: SheetWriter, r: Any, lang: str) -> None:
    """The referral section (an upload's users or a connected table's counts)."""
    w.skip()
    w.section(say("export.referral.title", lang))
    w.pair(kpi_label("referral_rate", lang), r.rate, RATE)
    w.pair(say("export.referral.referred", lang), r.referred, COUNT)
    w.pair(say("export.referral.all", lang), r.customers, COUNT)
    w.pair(say("export.value.in_words", lang), sentence(r.explanation, lang), wrap_chars=90)
    w.pair(say("export.referral.rule", lang), sentence(r.rule, lang), wrap_chars=90)
