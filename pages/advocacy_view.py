"""Advocacy: NPS with its confidence interval, over time and per segment; CSAT, CES, referrals."""

from __future__ import annotations

import polars as pl
import streamlit as st

from kpi import advocacy, stages
from kpi.dataset import Dataset
from kpi.definitions import formula, label
from kpi.errors import ParcoursError
from kpi.words import Fact, render
from kpi.words import format as fmt
from pages._ui import charts, cohort_charts, compute, event_marks, state, target_card, widgets
from pages._ui.choice import choice
from pages._ui.kpi_figures import card, cohort_name, segment_words
from pages._ui.lang import current, t, tx
from pages._ui.page_end import end_page

# option (what the URL carries, ?ad_kind=CSAT, language-neutral) -> kpi value
KINDS = {"NPS": "nps", "CSAT": "csat", "CES": "ces"}
KIND_OPTION = {v: k for k, v in KINDS.items()}
GRAINS = ["month", "week"]
NO_SEGMENT = "none"


@compute.per_view
def _summary(
    key: str, kind: str, by: str | None, grain: str, _ds: Dataset
) -> advocacy.AdvocacySummary:
    buyers = None
    if "step" in _ds.events.columns and _ds.events.height:
        buys = _ds.events.filter(pl.col("step") == PURCHASE).select("user_id")
        buyers = buys if buys.height else None
    return advocacy.advocacy_summary(
        _ds.survey,
        _ds.users,
        kind=kind,  # type: ignore[arg-type]
        by=by,
        grain=grain,  # type: ignore[arg-type]
        customers=buyers,
    )


def _points(x: float | None) -> str:
    """An NPS (fraction) as signed points with one decimal: ``+33,3`` / ``−4,0``."""
    fact = advocacy.points(x, 1)
    return fmt.MISSING if fact is None else render(fact, lang)


def word(code: str, **values: object) -> str:
    """Plain words in the page's language fixed at this run (a format_func may be called
    outside the run, e.g. by AppTest, where the language cannot be read)."""
    return render(code, lang, **values)


def _has_buyers(ds: Dataset) -> bool:
    return "step" in ds.events.columns and bool((ds.events["step"] == PURCHASE).any())


def draw_referrals(referral: advocacy.Referral | None, *, buyers: bool) -> None:
    """The referral section (both routes: an upload's users, a connected table's counts);
    ``buyers``: the rate is over customers (else over every user of the view)."""
    st.subheader(tx("advocacy.page.referrals"))
    if referral is None:
        return
    who = "customers" if buyers else "users"
    c = st.columns(3)
    with c[0]:
        card("referral_rate", referral.rate, "rate")
    c[1].metric(
        tx(f"advocacy.page.referred_{who}"), fmt.integer(referral.referred, lang), border=True
    )
    c[2].metric(tx(f"advocacy.page.all_{who}"), fmt.integer(referral.customers, lang), border=True)
    explanation = (
        referral.explanation
        if buyers or referral.explanation.code != "advocacy.referral.explanation"
        else Fact("advocacy.referral.explanation_users", **referral.explanation.values)
    )
    st.caption(t("advocacy.page.referral_caption", explanation=explanation, rule=referral.rule))


st.title(tx("nav.advocacy"))
engine = compute.engine_view()  # a connected table in use: its counts from the engine
widgets.view_caption()
lang = current()
if engine is not None:
    from kpi.engine.view_advocacy import advocacy_counts

    try:
        PURCHASE = engine.purchase()
        counts = advocacy_counts(engine, purchase_step=PURCHASE)
    except ParcoursError as exc:
        st.error(t(exc.message))
        if exc.hint is not None:
            st.info(t("retention.page.what_to_do", hint=exc.hint))
        end_page()
    # no survey answers in an event table: said first, with what to do (never an empty NPS)
    survey_note, *others = counts.notes
    st.info(t(survey_note), icon=":material/upload_file:")
    draw_referrals(counts.referral, buyers=counts.buyers)
    for note in others:
        st.info(t(note), icon=":material/upload_file:")
    end_page()
ds = state.require_view()
PURCHASE = stages.purchase_step(ds)  # purchase, order, transaction…: read by the helpers above
key = state.view_key()
lang = current()
survey = ds.survey

kind, by, grain = "auto", None, "month"
if survey is not None and survey.height:
    c1, c2, c3 = st.columns([1.4, 1.2, 1])
    scale = advocacy.survey_scale(survey)
    detected = KIND_OPTION[scale.kind]
    picked = c1.segmented_control(
        t("advocacy.page.kind"),
        list(KINDS),
        default=detected,
        key="ad_kind",
        bind="query-params",
        help=t("advocacy.page.kind_help"),
    )
    kind = KINDS[picked or detected]
    span = (
        Fact("advocacy.page.span", low=scale.low, high=scale.high)
        if scale.low is not None and scale.high is not None
        else Fact("common.none")
    )
    if picked in (None, detected) and scale.assumed:
        st.warning(
            t("advocacy.page.assumed", span=span, column=scale.column or "score"),
            icon=":material/help:",
        )
    elif picked in (None, detected):
        why = (
            Fact("advocacy.page.why_name", column=scale.column or "score")
            if scale.basis == "name"
            else Fact("advocacy.page.why_values", span=span)
        )
        st.caption(t("advocacy.page.read_as", kind=detected, why=why))
    seg_options = [s for s in ds.segments if s in survey.columns]
    if seg_options:
        # choices in words are bound to the URL by their values (?ad_grain=week in French too)
        seg = choice(
            c2,
            "selectbox",
            t("advocacy.page.by"),
            [NO_SEGMENT, *seg_options],
            default="device" if "device" in seg_options else seg_options[0],
            format_func=lambda o: (
                word("common.none") if o == NO_SEGMENT else segment_words(o, lang)
            ),
            key="ad_segment",
            help=t("advocacy.page.by_help"),
        )
        by = None if seg in (None, NO_SEGMENT) else seg
    grain = (
        choice(
            c3,
            "segmented_control",
            t("advocacy.page.per"),
            GRAINS,
            format_func=lambda o: word(f"advocacy.page.grain.{o}"),
            default="month",
            key="ad_grain",
        )
        or "month"
    )

try:
    s = _summary(key, kind, by, grain, ds)
except ParcoursError as exc:
    st.error(t(exc.message))
    if exc.hint is not None:
        st.info(t("retention.page.what_to_do", hint=exc.hint))
    end_page()

if s.nps is not None:
    n = s.nps
    st.subheader(label("nps", lang))
    cards = st.columns(5)
    cards[0].metric(
        tx("advocacy.page.nps_points"), _points(n.nps), help=formula("nps", lang), border=True
    )
    if n.nps is not None:
        cards[0].caption(
            t(
                "advocacy.page.ci",
                level=round(n.confidence * 100),
                low=advocacy.points(n.ci_low, 1),
                high=advocacy.points(n.ci_high, 1),
            )
        )
    with cards[0]:  # the NPS target (in points), its gap and status
        target_card.line("nps", None if n.nps is None else n.nps * 100)
    cards[1].metric(
        tx("advocacy.chart.promoters"), fmt.percent(n.promoter_share, lang), border=True
    )
    cards[2].metric(tx("advocacy.chart.passives"), fmt.percent(n.passive_share, lang), border=True)
    cards[3].metric(
        tx("advocacy.chart.detractors"), fmt.percent(n.detractor_share, lang), border=True
    )
    cards[4].metric(tx("advocacy.page.valid_answers"), fmt.integer(n.n, lang), border=True)
    st.caption(t(n.explanation))
    if n.n:
        overall = pl.DataFrame(
            {
                "row": [tx("advocacy.page.all_answers")],
                "n": [n.n],
                "promoter_share": [n.promoter_share],
                "passive_share": [n.passive_share],
                "detractor_share": [n.detractor_share],
            }
        )
        rows = overall
        if s.by_segment is not None and s.by:
            rows = pl.concat(
                [overall, s.by_segment.select(pl.col(s.by).alias("row"), *overall.columns[1:])]
            )
        charts.draw(
            cohort_charts.nps_shares,
            rows,
            row="row",
            row_title="",
            title=tx("advocacy.page.shares_title"),
            key="ad_shares",
        )
    if s.over_time is not None and s.over_time.height:
        # periods named as the reader's locale names them (nov. 2025, Sem. du 3 nov. 2025)
        periods = {
            p: cohort_name(start, grain)
            for p, start in s.over_time.select("period", "period_start").iter_rows()
        }
        over_time = s.over_time.with_columns(pl.col("period").replace(periods))
        charts.draw(cohort_charts.nps_over_time, over_time, key="ad_over_time")
        event_marks.series_note(over_time["period_start"].to_list(), [None if v is None else 100 * v for v in over_time["nps"].to_list()], grain, "NPS", "number")  # fmt: skip
    if s.by_segment is not None and s.by:
        charts.draw(
            cohort_charts.nps_by_segment,
            s.by_segment,
            by=s.by,
            colour=charts.segment_scale(s.by, s.by_segment[s.by].to_list()),
            overall=n.nps,
            key="ad_by_segment",
        )
        # figures written as the reader's locale writes them (text columns)
        table = s.by_segment.select(
            s.by,
            pl.col("n").map_elements(lambda x: fmt.integer(x, lang), return_dtype=pl.String),
            *(
                pl.col(c).map_elements(_points, return_dtype=pl.String).alias(name)
                for c, name in (("nps", "NPS"), ("ci_low", "CI low"), ("ci_high", "CI high"))
            ),
            *(
                pl.col(c).map_elements(lambda x: fmt.percent(x, lang), return_dtype=pl.String)
                for c in ("promoter_share", "passive_share", "detractor_share")
            ),
        )
        st.dataframe(
            table,
            hide_index=True,
            width="stretch",
            column_config={
                s.by: st.column_config.TextColumn(segment_words(s.by)),
                "n": st.column_config.TextColumn(tx("advocacy.chart.answers")),
                "NPS": st.column_config.TextColumn("NPS"),
                "CI low": st.column_config.TextColumn(tx("advocacy.chart.ci_low")),
                "CI high": st.column_config.TextColumn(tx("advocacy.chart.ci_high")),
                "promoter_share": st.column_config.TextColumn(tx("advocacy.chart.promoters")),
                "passive_share": st.column_config.TextColumn(tx("advocacy.chart.passives")),
                "detractor_share": st.column_config.TextColumn(tx("advocacy.chart.detractors")),
            },
        )
        st.caption(t("advocacy.page.overlap"))
elif s.csat is not None:
    st.subheader(tx("advocacy.page.csat_title"))
    card("csat", s.csat.csat, "rate")
    st.caption(t(s.csat.explanation))
elif s.ces is not None:
    st.subheader(tx("advocacy.page.ces_title"))
    card("ces", s.ces.ces, "number")
    st.caption(t(s.ces.explanation))

draw_referrals(s.referral, buyers=_has_buyers(ds))
for note in s.notes:
    st.info(t(note), icon=":material/upload_file:")
