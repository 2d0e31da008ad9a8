"""Advocacy: NPS with its confidence interval, over time and per segment; CSAT, CES, referrals."""

from __future__ import annotations

import polars as pl
import streamlit as st

from kpi import advocacy, stages
from kpi.dataset import Dataset
from kpi.errors import ParcoursError
from pages._ui import charts, cohort_charts, state, widgets
from pages._ui import format as fmt

# option (what the URL carries, ?ad_kind=CSAT) -> kpi value
KINDS = {"NPS": "nps", "CSAT": "csat", "CES": "ces"}
KIND_OPTION = {v: k for k, v in KINDS.items()}
NO_SEGMENT = "none"


@st.cache_data(scope="session", max_entries=16, show_spinner=False)
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
    return "–" if x is None else f"{x * 100:+.1f}"


st.title("Advocacy")
widgets.view_caption()
ds = state.require_view()
PURCHASE = stages.purchase_step(ds)  # purchase, order, transaction…: read by the helpers above
key = state.view_key()
defs = advocacy.DEFINITIONS
survey = ds.survey

kind, by, grain = "auto", None, "month"
if survey is not None and survey.height:
    c1, c2, c3 = st.columns([1.4, 1.2, 1])
    scale = advocacy.survey_scale(survey)
    detected = KIND_OPTION[scale.kind]
    picked = c1.segmented_control(
        "The survey score measures",
        list(KINDS),
        default=detected,
        key="ad_kind",
        bind="query-params",
        help="NPS: 0–10 'would you recommend'. CSAT: satisfaction 1–5 or 1–7. CES: effort "
        "1–7. Read from the column's name (nps, recommend, csat, satisfaction, ces, effort), "
        "or NPS when an answer is 0 or above 7; otherwise assumed: correct it if needed.",
    )
    kind = KINDS[picked or detected]
    span = (
        f"{scale.low:g} to {scale.high:g}"
        if scale.low is not None and scale.high is not None
        else "none"
    )
    if picked in (None, detected) and scale.assumed:
        st.warning(
            f"**Scale assumed: NPS (0–10).** The answers go from {span} and the column "
            f"*{scale.column or 'score'}* does not say what was asked: that fits a 0–10 "
            "'would you recommend' question whose answers happen to stay low, a 1–7 "
            "satisfaction (CSAT) or an effort (CES) question. Pick what the question was above.",
            icon=":material/help:",
        )
    elif picked in (None, detected):
        why = (
            f"the column *{scale.column}* says so"
            if scale.basis == "name"
            else f"answers go from {span}, which only a 0–10 scale has"
        )
        st.caption(f"Read as {detected}: {why}. Change it above if needed.")
    seg_options = [s for s in ds.segments if s in survey.columns]
    if seg_options:
        seg = c2.selectbox(
            "NPS by",
            [NO_SEGMENT, *seg_options],
            index=1 + seg_options.index("device") if "device" in seg_options else 1,
            key="ad_segment",
            bind="query-params",
            help="Segments come from the user table, joined to the answers by user id.",
        )
        by = None if seg in (None, NO_SEGMENT) else seg
    grain = (
        c3.segmented_control(
            "NPS per",
            ["month", "week"],
            default="month",
            key="ad_grain",
            bind="query-params",
        )
        or "month"
    )

try:
    s = _summary(key, kind, by, grain, ds)
except ParcoursError as exc:
    st.error(exc.message)
    if exc.hint:
        st.info(f"What to do: {exc.hint}")
    st.stop()

if s.nps is not None:
    n = s.nps
    st.subheader("Net Promoter Score")
    cards = st.columns(5)
    ci = f"{_points(n.ci_low)} to {_points(n.ci_high)}" if n.nps is not None else "–"
    cards[0].metric(
        "NPS (points)", _points(n.nps), help=defs["nps"].formula, border=True,
    )  # fmt: skip
    cards[0].caption(f"{n.confidence:.0%} confidence interval: **{ci}** points")
    cards[1].metric("Promoters (9–10)", fmt.pct(n.promoter_share, 1), border=True)
    cards[2].metric("Passives (7–8)", fmt.pct(n.passive_share, 1), border=True)
    cards[3].metric("Detractors (0–6)", fmt.pct(n.detractor_share, 1), border=True)
    cards[4].metric("Valid answers", fmt.num(n.n), border=True)
    st.caption(n.explanation)
    if n.n:
        overall = pl.DataFrame(
            {
                "row": ["All answers"],
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
        charts.show(
            cohort_charts.nps_shares(rows, row="row", row_title="").properties(
                title="Promoters, passives and detractors"
            ),
            key="ad_shares",
        )
    if s.over_time is not None and s.over_time.height:
        charts.show(cohort_charts.nps_over_time(s.over_time), key="ad_over_time")
    if s.by_segment is not None and s.by:
        charts.show(
            cohort_charts.nps_by_segment(
                s.by_segment,
                by=s.by,
                colour=charts.segment_scale(s.by, s.by_segment[s.by].to_list()),
                overall=n.nps,
            ),
            key="ad_by_segment",
        )
        table = s.by_segment.select(
            s.by,
            "n",
            (pl.col("nps") * 100).alias("NPS"),
            (pl.col("ci_low") * 100).alias("CI low"),
            (pl.col("ci_high") * 100).alias("CI high"),
            "promoter_share",
            "passive_share",
            "detractor_share",
        )
        st.dataframe(
            table,
            hide_index=True,
            width="stretch",
            column_config={
                "n": st.column_config.NumberColumn("Answers", format="localized"),
                "NPS": st.column_config.NumberColumn(format="%+.1f"),
                "CI low": st.column_config.NumberColumn(format="%+.1f"),
                "CI high": st.column_config.NumberColumn(format="%+.1f"),
                "promoter_share": st.column_config.NumberColumn("Promoters", format="percent"),
                "passive_share": st.column_config.NumberColumn("Passives", format="percent"),
                "detractor_share": st.column_config.NumberColumn("Detractors", format="percent"),
            },
        )
        st.caption(
            "A segment's NPS differs from another's when their confidence intervals do not "
            "overlap much; small segments have wide intervals."
        )
elif s.csat is not None:
    st.subheader("Customer satisfaction")
    st.metric(defs["csat"].label, fmt.pct(s.csat.csat, 1), help=defs["csat"].formula, border=True)
    st.caption(s.csat.explanation)
elif s.ces is not None:
    st.subheader("Customer effort")
    st.metric(defs["ces"].label, fmt.num(s.ces.ces, 2), help=defs["ces"].formula, border=True)
    st.caption(s.ces.explanation)

st.subheader("Referrals")
if s.referral is not None:
    who = (
        "customers"
        if "step" in ds.events.columns and (ds.events["step"] == PURCHASE).any()
        else "users"
    )
    c = st.columns(3)
    with c[0]:
        widgets.kpi_card(
            defs["referral_rate"].label, s.referral.rate, "rate", definition=defs["referral_rate"]
        )
    c[1].metric(f"Referred {who}", fmt.num(s.referral.referred), border=True)
    c[2].metric(f"All {who}", fmt.num(s.referral.customers), border=True)
    st.caption(f"{s.referral.explanation.replace('customers', who)} {s.referral.rule}")
for note in s.notes:
    st.info(note, icon=":material/upload_file:")
