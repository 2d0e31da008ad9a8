"""Retention: cohort table and heatmap, curves, period-N trend, repeat purchase and churn."""

from __future__ import annotations

import polars as pl
import streamlit as st

from kpi import retention, stages
from kpi.dataset import Dataset
from kpi.definitions import label
from kpi.errors import ParcoursError
from kpi.filters import Filters
from kpi.words import Fact, render
from kpi.words import format as fmt
from pages._ui import (
    audience,
    charts,
    cohort_charts,
    compute,
    event_marks,
    retention_segments,
    state,
    widgets,
)
from pages._ui.choice import choice
from pages._ui.kpi_figures import card, cohort_name, segment_words
from pages._ui.lang import current, t, tx
from pages._ui.page_end import end_page

# options are what the URL carries (?rt_anchor=first+purchase, language-neutral), values what
# kpi expects; the words shown come from the catalogue (format_func)
ANCHORS = {
    "first visit": "first_event",
    "first purchase": "first_purchase",
    "signup date": "signup",
}
MODES = {"on": "on", "on or after": "on_or_after"}
ANY = "any event"
NO_SEGMENT = "none"


Choices = tuple[tuple[str, object], ...]


def _choices(
    grain: str,
    anchor: str,
    return_step: str | None,
    mode: str,
    periods: int,
    by: str | None,
    trend_n: int,
    inactive_days: int,
) -> Choices:
    """The page's choices as the keyword arguments of every route's summary
    (:meth:`kpi.view.View.retention`, :func:`kpi.retention.retention_summary`,
    :func:`kpi.engine.view_retention.page_summary`), in one place."""
    return (
        ("cohort_by", anchor),
        ("return_step", return_step),
        ("mode", mode),
        ("periods", periods),
        ("by", by),
        ("trend_period", trend_n),
        ("inactivity_days", inactive_days),
        ("grain", grain),
        ("purchase_step", PURCHASE),
    )


@compute.per_view
def _summary(
    key: str, choices: Choices, _full: Dataset, _filters: Filters
) -> retention.RetentionSummary:
    # cohorts that STARTED in the period, with their whole history (before and after it);
    # churn on every user of the segment filters, over the days ending at the period's end.
    # The View's own when it is this view's (every user's cohort anchor and returns once per
    # data: kpi.retention.cohort_activity in its period cache)
    args: dict = dict(choices)
    view = compute.current_view()
    if view is not None and view.full is _full and view.filters.key() == _filters.key():
        got = view.retention(**args)
        if got is not None:
            return got
    anchor, by = args["cohort_by"], args["by"]
    cohorts = retention.cohort_view(_full, _filters, cohort_by=anchor, purchase_step=PURCHASE)
    everyone = Filters(segments=_filters.segments).apply(_full)
    extra = [c for c in (by, "signup" if anchor == "signup" else None) if c]  # anchor: kpi name
    return retention.retention_summary(
        cohorts.events_with(extra), churn_events=everyone.events, churn_end=_filters.end, **args
    )


def summary_for(choices: Choices) -> retention.RetentionSummary:
    """The summary of this view for ``choices``: the connected table's from the engine's
    counts (kept by the EngineView: the same choices again run nothing), an upload's from its
    View. Raises why it cannot be computed."""
    if engine is not None:
        from kpi.engine.view_retention import page_summary

        return page_summary(engine, **dict(choices))  # type: ignore[arg-type]
    full: Dataset = st.session_state["dataset"]  # unfiltered: cohorts followed past the period
    return _summary(state.view_key(), choices, full, filters)


def _show_error(exc: ParcoursError) -> None:
    if isinstance(exc.message, Fact) and exc.message.code.startswith("retention.note."):
        st.info(t(exc.message))  # nothing to show in this view (no events, no dates): say why
        end_page()
    st.error(t(exc.message))
    if exc.hint is not None:
        st.info(t("retention.page.what_to_do", hint=exc.hint))
    end_page()


def _names(table: pl.DataFrame, grain: str) -> dict[str, str]:
    """Cohort key (``2025-06``) -> the name shown (``juin 2025``), and the average row."""
    pairs = table.select("cohort", "cohort_start").unique().iter_rows()
    names = {c: cohort_name(start, grain) for c, start in pairs}
    names[retention.AVERAGE_LABEL] = tx("retention.average_row")
    names[retention.ALL_SERIES] = tx("common.all")
    return names


def _renamed(frame: pl.DataFrame, column: str, names: dict[str, str]) -> pl.DataFrame:
    return frame.with_columns(pl.col(column).replace(names))


def word(code: str, **values: object) -> str:
    """Plain words in the page's language fixed at this run (a format_func may be called
    outside the run, e.g. by AppTest, where the language cannot be read)."""
    return render(code, lang, **values)


def draw_summary(
    summary: retention.RetentionSummary,
    by_summary: retention.RetentionSummary | None,
    filters: Filters,
    *,
    grain: str,
    cohort_by: str,
    by: str | None,
    inactive: int,
) -> None:
    """Everything below the choices, drawn from the summaries (both routes: an upload's
    :class:`kpi.view.View`, a connected table's :class:`kpi.engine.view.EngineView`)."""
    trend_n = summary.trend_period
    as_of = Fact("retention.page.as_of", day=summary.as_of.date()) if summary.as_of else None
    end_of_data = Fact("retention.page.end_of_data")
    if filters.start or filters.end:
        st.caption(
            t(
                "retention.page.cohorts_started",
                first=filters.start if filters.start else Fact("retention.page.start_of_data"),
                last=filters.end if filters.end else end_of_data,
                anchor=Fact(f"retention.page.anchor.{cohort_by}"),
                until=as_of or end_of_data,
            )
        )
    st.caption(t(summary.settings))

    # ---------------------------------------------------------------- KPI cards
    cards = st.columns(4)
    with cards[0]:
        card("repeat_purchase_rate", summary.repeat.rate, "rate")
        st.caption(t(summary.repeat.explanation))
    with cards[1]:
        card("purchase_frequency", summary.frequency.frequency, "number")
        st.caption(t(summary.frequency.explanation))
    churn = summary.churn
    with cards[2]:
        card("churn", churn.churn if churn else None, "rate", lower_is_better=True)
        st.caption(t(churn.explanation if churn else "retention.page.no_churn"))
    with cards[3]:
        card("retention_rate", churn.retention if churn else None, "rate")
    if churn:
        st.caption(
            t(
                "retention.page.churn_rule",
                rule=churn.rule,
                days=inactive,
                end=churn.period_end.date(),
                until=Fact(
                    "retention.page.end_of_period" if filters.end else "retention.page.end_of_data"
                ),
            )
        )

    # ---------------------------------------------------------------- heatmap and table
    st.subheader(label("cohort_retention", lang))
    if summary.note is not None:
        st.info(t(summary.note))
        return
    names = _names(summary.table, grain)
    # each cohort's first day: the calendar days of its cells (events outlined on them)
    starts = summary.table.select("cohort", "cohort_start").unique(subset="cohort")
    long = summary.long.join(starts, on="cohort", how="left")
    charts.draw(
        cohort_charts.retention_heatmap,
        _renamed(long, "cohort", names),
        grain=grain,
        title=tx(f"retention.page.heatmap_title.{grain}"),
        subtitle=[
            tx("retention.page.heatmap_rows"),
            tx(
                f"retention.page.heatmap_grey.{grain}",
                until=as_of or end_of_data,
            ),
        ],
        key="rt_heatmap",
    )
    period_cols = [c for c in summary.matrix.columns if c.startswith("P")]
    shown_cols = {c: tx(f"retention.page.period_short.{grain}", n=int(c[1:])) for c in period_cols}
    with st.expander(tx("retention.page.table_title"), expanded=False):
        # figures as the reader's locale writes them (kpi.words.format: one precision rule)
        matrix = _renamed(summary.matrix, "cohort", names).with_columns(
            pl.col("cohort_size").map_elements(
                lambda x: fmt.integer(x, lang), return_dtype=pl.String
            ),
            *(
                pl.col(c).map_elements(
                    lambda x: None if x is None else fmt.percent(x, lang), return_dtype=pl.String
                )
                for c in period_cols
            ),
        )
        st.dataframe(
            matrix.rename(shown_cols),
            hide_index=True,
            width="stretch",
            column_config={
                "cohort": st.column_config.TextColumn(tx("retention.page.col.cohort")),
                "cohort_size": st.column_config.TextColumn(tx("retention.page.col.users")),
                **({by: st.column_config.TextColumn(segment_words(by))} if by else {}),
            },
        )
        st.caption(
            t(
                "retention.page.definitions",
                # the KPI names and definitions of kpi.definitions (catalogue def.*), nested
                cohort=Fact("def.cohort_retention.label"),
                cohort_formula=Fact("def.cohort_retention.formula"),
                weighted=Fact("def.weighted_retention.label"),
                weighted_formula=Fact("def.weighted_retention.formula"),
            )
        )

    # ---------------------------------------------------------------- curves
    st.subheader(tx("retention.page.curves"))
    tabs = st.tabs(
        [
            tx("retention.page.per_cohort"),
            tx("retention.page.per_segment" if by else "retention.page.per_segment_choose"),
        ]
    )
    with tabs[0]:
        curve = retention.retention_curve(summary.table, per="cohort").with_columns(
            summary.table.get_column("cohort_start")  # the same rows, in the same order
        )
        curve = _renamed(curve, "series", names)
        average = _renamed(retention.retention_curve(summary.table, per="segment"), "series", names)
        if curve.height == 0:
            st.info(t("retention.page.nothing_to_draw"))
        else:
            charts.draw(
                cohort_charts.curves,
                curve,
                grain=grain,
                title=tx("retention.page.curves_title"),
                average=average,
                key="rt_curves",
            )
    with tabs[1]:
        retention_segments.section(by_summary, summary, by=by, grain=grain)

    # ---------------------------------------------------------------- period-N trend
    st.subheader(tx(f"retention.page.trend_title.{grain}", n=trend_n))
    trend = summary.trend
    trend_done = trend.filter(pl.col("complete"))
    if trend.height and trend_done.height == 0:
        # only periods still in progress: an empty chart with a 0 % axis said nothing
        parts = [
            Fact(
                "retention.page.so_far",
                cohort=names.get(r["cohort"], r["cohort"]),
                retained=r["retained"],
                size=r["cohort_size"],
            )
            for r in trend.iter_rows(named=True)
        ]
        st.info(t(f"retention.page.trend_in_progress.{grain}", n=trend_n, parts=parts))
    elif trend.height == 0:
        st.info(t(f"retention.page.trend_none.{grain}", n=trend_n))
    else:
        avg_row = summary.average.filter(pl.col("period") == trend_n)
        avg = float(avg_row["retention"][0]) if avg_row.height else None
        charts.draw(
            cohort_charts.period_trend,
            _renamed(trend, "cohort", names),
            n=trend_n,
            grain=grain,
            average=avg,
            key="rt_trend",
        )
        if avg is not None:
            st.caption(t(f"retention.page.trend_average.{grain}", n=trend_n, rate=avg))
        event_marks.retention_note(trend, trend_n, grain)


st.title(tx("nav.retention"))
engine = compute.engine_view()  # a connected table in use: every figure from the engine
widgets.view_caption()
lang = current()
if engine is None:
    ds = state.require_view()
    widgets.stop_on_aggregated_counts(ds, tx("retention.page.aggregated_what"))
    PURCHASE = stages.purchase_step(ds)  # purchase, order, transaction…: read by the helpers
    timed = ds.has_timestamps
    found = ds.events["step"].unique().sort().to_list()
    steps = [s for s in dict.fromkeys([*ds.steps, *found]) if s]
    segments = list(ds.segments)
    signup = "signup" in ds.users.columns
else:
    timed = engine.has_timestamps
    try:  # the table's steps, counted in the engine (its error said, never a traceback)
        PURCHASE = engine.purchase()
        steps = [s for s in dict.fromkeys([*engine.event_steps, *sorted(engine.event_steps)]) if s]
    except ParcoursError as exc:
        _show_error(exc)
    # a breakdown by a column of the table (the engine's cohorts are its first touch)
    segments = [s for s in engine.segments if s != "cohort"]
    signup = False  # a connected table's cohorts: first visit or first purchase
if not timed:
    st.info(t("retention.page.needs_dates"))
    end_page()

grain = st.session_state.get("cohort_by") or "month"
if engine is not None:
    grain = engine.cohort_grain
has_purchase = PURCHASE in steps
anchors = ["first visit"] + (["first purchase"] if has_purchase else [])
anchors += ["signup date"] if signup else []
return_options = [ANY, *([PURCHASE] if has_purchase else []), *[s for s in steps if s != PURCHASE]]


# four choices on the first row, the breakdown on the second: five in a row clipped "N ou
# après" and "un événement quelconque" on a 1280×720 projector
c1, c2, c3, c4 = st.columns([1.25, 1.25, 1.5, 0.8])
k1, k2, c5 = st.columns([1, 1, 2])
# choices in words are bound to the URL by their values (?rt_mode=on or after in French too)
anchor = choice(
    c1,
    "selectbox",
    t("retention.page.cohort_by"),
    anchors,
    default=anchors[1 if has_purchase and set(steps) == {PURCHASE} else 0],
    format_func=lambda o: word(f"retention.page.anchor.{ANCHORS.get(o, 'first_event')}"),
    key="rt_anchor",
    help=t("retention.page.cohort_by_help", grain=Fact(f"retention.grain.{grain}")),
)
returned = choice(
    c2,
    "selectbox",
    t("retention.page.return"),
    return_options,
    default=ANY,
    format_func=lambda o: word("retention.return.any") if o == ANY else str(o),
    key="rt_return",
    help=t("retention.page.return_help"),
)
mode = (
    choice(
        c3,
        "segmented_control",
        t("retention.page.retained"),
        list(MODES),
        format_func=lambda o: word(f"retention.page.mode.{MODES.get(o, 'on')}"),
        default="on",
        key="rt_mode",
        help=t("retention.page.retained_help"),
    )
    or "on"
)
periods = int(
    c4.number_input(
        t(f"retention.page.periods_shown.{grain}"),
        min_value=1,
        max_value=52,
        value=12,
        key="rt_periods",
        bind="query-params",
    )
)
segment_options = [NO_SEGMENT, *segments]
segment = choice(
    c5,
    "selectbox",
    t("retention.page.breakdown"),
    segment_options,
    default=NO_SEGMENT,
    format_func=lambda o: word("common.none") if o == NO_SEGMENT else segment_words(o, lang),
    key="rt_segment",
    help=t("retention.page.breakdown_help"),
)
by = None if segment in (None, NO_SEGMENT) else segment
return_step = None if returned in (None, ANY) else returned
cohort_by = ANCHORS.get(anchor or "", "first_event")
mode = MODES.get(mode or "on", "on")

inactive = int(
    k1.number_input(
        t("retention.page.inactive_purchase" if has_purchase else "retention.page.inactive_any"),
        min_value=1,
        max_value=730,
        value=90,
        step=15,
        key="rt_inactive",
        bind="query-params",
    )
)
trend_n = int(
    k2.number_input(
        t(f"retention.page.trend_n.{grain}"),
        min_value=1,
        max_value=max(1, periods),
        value=1,
        key="rt_trend_n",
        bind="query-params",
    )
)

filters = engine.filters if engine is not None else state.current_filters()
try:
    with st.spinner(tx("retention.page.computing")):
        summary = summary_for(
            _choices(grain, cohort_by, return_step, mode, periods, None, trend_n, inactive)
        )
        by_summary = (
            summary_for(
                _choices(grain, cohort_by, return_step, mode, periods, by, trend_n, inactive)
            )
            if by
            else None
        )
except ParcoursError as exc:
    _show_error(exc)

draw_summary(
    summary, by_summary, filters, grain=grain, cohort_by=cohort_by, by=by, inactive=inactive
)
audience.retention_section(
    summary,
    cohort_by=cohort_by,
    return_step=return_step,
    mode=mode,
    grain=grain,
    purchase_step=PURCHASE,
)
