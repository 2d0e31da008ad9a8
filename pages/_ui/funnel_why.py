"""The Funnel page's section "Why they drop": where the users who dropped at a step went next,
and what differs about those who convert (:mod:`kpi.funnel.why`).

Computed only while its toggle is on (``fn_why``, bound to the URL) and kept on the session's
View (the workbook's sheet reads the same results). The chosen step is a neutral number in
the URL (``fn_why_step=2``: step 2 → step 3); without it, the step that loses the largest share
of its users.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import altair as alt
import polars as pl
import streamlit as st

from kpi.errors import ParcoursError
from kpi.funnel import why
from kpi.funnel.drivers import MAX_EVENTS, MAX_VALUES, Drivers
from kpi.funnel.next_events import NextEvents
from kpi.settings import FunnelSettings
from kpi.words import Fact
from kpi.words import format as wf
from pages._ui import charts
from pages._ui import settings as fs
from pages._ui.lang import current, t, tx

__all__ = ["STEP", "TOGGLE", "chosen_step", "next_event_bars", "section"]

TOGGLE = "fn_why"
STEP = "fn_why_step"
CHART_ROWS = 12
FORMATS = {
    "users": "integer",
    "share": "percent",
    "converters_with": "integer",
    "dropped_with": "integer",
    "conversion_with": "percent",
    "conversion_without": "percent",
    "odds_ratio": "number2",
    "ci_low": "number2",
    "ci_high": "number2",
    "p_value": "p_value",
    "p_adjusted": "p_value",
}


def in_words(frame: pl.DataFrame, formats: dict[str, str]) -> Any:
    """As :func:`pages._ui.funnel_charts.in_words`, with ``number2``: two fixed decimals
    (odds ratios and their bounds line up: 1.60, not 1.6)."""
    lang = current()

    def word(kind: str) -> Callable[[Any], str]:
        if kind == "number2":
            return lambda v: wf.MISSING if v is None or v != v else wf.number(v, lang, 2)
        writer = getattr(wf, kind)
        return lambda v: wf.MISSING if v is None or v != v else writer(v, lang)

    shown = {c: word(f) for c, f in formats.items() if c in frame.columns}
    return frame.to_pandas().style.format(shown)


def chosen_step(n_steps: int, default: int) -> int:
    """The step chosen in the section (the URL's ``fn_why_step`` when valid), else ``default``."""
    value = st.session_state.get(STEP) or st.query_params.get(STEP)
    try:
        step = int(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return default
    return step if 1 <= step < n_steps else default


def section(
    view: Any, settings: FunnelSettings, *, connected: bool = False, counts_mode: bool = False
) -> None:
    """The section: a toggle; while on, the step picker and both parts. ``view``: the
    session's :class:`kpi.view.View` of these funnel settings, or with ``connected`` its
    :class:`kpi.engine.view.EngineView` (the segment values' tests from the engine)."""
    st.subheader(t("funnel_why.page.title"))
    on = st.toggle(
        tx("funnel_why.page.toggle"),
        key=TOGGLE,
        bind="query-params",
        help=t("funnel_why.page.toggle_help"),
    )
    if not on:
        return
    if view is None:
        return
    if counts_mode:
        st.info(t("funnel_why.page.counts"), icon=":material/info:")
        return
    steps = list(settings.steps or ())
    if len(steps) < 2:
        st.caption(t("funnel_why.page.two_steps"))
        return
    default = why.default_step(view.funnel())
    options = [str(k) for k in range(1, len(steps))]
    fs.seed_from_url(STEP, options, str(default))
    picked = st.selectbox(
        tx("funnel_why.page.step"),
        options,
        format_func=lambda k: tx(
            "funnel_why.page.step_option", step=steps[int(k) - 1], next=steps[int(k)]
        ),
        key=STEP,
        help=t("funnel_why.page.step_help"),
    )
    fs.write_url(STEP, str(default))
    step = int(picked or default)
    if connected:  # an engine: no next events (rows stay there), the tests from aggregates
        st.markdown(f"#### {t('funnel_why.page.next_title')}")
        st.info(t("funnel_why.page.next_connected"), icon=":material/info:")
        _what_differs(lambda: why.engine_drivers_of(view, step), settings)
        return
    _where_they_went(view, settings, step)
    _what_differs(lambda: why.drivers_of(view, step), settings)


def _where_they_went(view: Any, settings: FunnelSettings, step: int) -> None:
    st.markdown(f"#### {t('funnel_why.page.next_title')}")
    try:
        got = why.next_events_of(view, step)
    except ParcoursError as exc:
        st.info(exc.text(current(), markdown=True), icon=":material/info:")
        return
    if got.dropped == 0:
        st.caption(t("funnel_why.page.no_dropped", step=got.step_name, next=got.next_name))
        return
    st.markdown(
        t(
            "funnel_why.page.next_intro",
            dropped=got.dropped,
            step=got.step_name,
            next=got.next_name,
            window=why.window_fact(settings),
        )
    )
    shown = named_rows(got)
    charts.draw(next_event_bars, shown.head(CHART_ROWS), got.step_name, key="fn_why_chart")
    st.dataframe(
        in_words(shown, FORMATS),
        column_config={
            "event": st.column_config.TextColumn(tx("funnel_why.col.event")),
            "users": st.column_config.NumberColumn(tx("funnel_why.col.users")),
            "share": st.column_config.NumberColumn(tx("funnel_why.col.share")),
        },
        hide_index=True,
        width="stretch",
        key="fn_why_next",
    )
    st.caption(t("funnel_why.page.ties", dropped=got.dropped))


def named_rows(got: NextEvents) -> pl.DataFrame:
    """The next-event table with the "no further event" row in words."""
    none = tx("funnel_why.page.none_row")
    return got.table.with_columns(pl.col("event").fill_null(none))


def next_event_bars(rows: pl.DataFrame, step: str) -> alt.Chart:
    """Horizontal bars: the share of the dropped users per next event, in ranking order."""
    order = rows["event"].to_list()
    head = tx("funnel_why.page.chart", step=step)
    # the height holds the title and the axes too (Streamlit's "fit" sizing)
    height = 130 + 44 * max(len(order), 1) + charts.title_extra_height(head, width=60)
    return (
        alt.Chart(rows.to_pandas(), title=charts.title(head, width=60))
        .mark_bar(color=charts.PRIMARY)
        .encode(
            y=alt.Y("event:N", sort=order, title=None),
            x=alt.X("share:Q", axis=charts.percent_axis("funnel_why.col.share")),
            tooltip=[
                charts.tooltip("event:N", "funnel_why.col.event"),
                charts.tooltip("users:Q", "funnel_why.col.users", format=",d"),
                charts.tooltip("share:Q", "funnel_why.col.share", format=".1%"),
            ],
        )
        .properties(height=height)
    )


def driver_rows(d: Drivers, frame: pl.DataFrame) -> pl.DataFrame:
    """Rows of the drivers' table for a screen or a sheet: kinds, tests and marks in words."""
    kind = {k: tx(f"funnel_why.kind.{k}") for k in ("segment", "event")}
    test = {k: tx(f"funnel_why.test.{k}") for k in ("chi2", "fisher")}
    small, corrected = tx("funnel_why.mark.small"), tx("funnel_why.mark.corrected")
    note = (
        pl.concat_list(
            pl.when(pl.col("small")).then(pl.lit(small)),
            pl.when(pl.col("corrected")).then(pl.lit(corrected)),
        )
        .list.drop_nulls()
        .list.join(" · ")
    )
    return frame.select(
        pl.col("kind").replace_strict(kind, return_dtype=pl.String),
        "column",
        "value",
        "converters_with",
        "dropped_with",
        "conversion_with",
        "conversion_without",
        "odds_ratio",
        "ci_low",
        "ci_high",
        "p_value",
        pl.col("test").replace_strict(test, default=None, return_dtype=pl.String),
        "p_adjusted",
        note.alias("note"),
    )


def _driver_config() -> dict:
    names = [
        "kind", "column", "value", "converters_with", "dropped_with", "conversion_with",
        "conversion_without", "odds_ratio", "ci_low", "ci_high", "p_value", "test",
        "p_adjusted", "note",
    ]  # fmt: skip
    return {n: st.column_config.Column(tx(f"funnel_why.col.{n}")) for n in names}


def _what_differs(compute: Callable[[], Drivers], settings: FunnelSettings) -> None:
    st.markdown(f"#### {t('funnel_why.page.diff_title')}")
    try:
        d = compute()
    except ParcoursError as exc:
        st.info(exc.text(current(), markdown=True), icon=":material/info:")
        return
    st.markdown(t(why.intro_fact(d)))
    rule = why.events_rule_fact(settings, d)
    if rule is not None:
        st.caption(t(rule))
    for note in d.notes:
        st.warning(t(note), icon=":material/warning:")
    if d.population == 0 or d.converters == 0 or d.dropped == 0:
        return
    st.markdown(t("funnel_why.page.family", family=d.family, alpha=d.alpha))
    st.markdown(f"**{t('funnel_why.page.findings')}**")
    facts = d.finding_facts()
    if facts:
        st.markdown("\n".join(f"- {t(f)}" for f in facts))
        st.dataframe(
            in_words(driver_rows(d, d.findings), FORMATS),
            column_config=_driver_config(),
            hide_index=True,
            width="stretch",
            key="fn_why_findings",
        )
    else:
        st.info(t("funnel_why.page.no_finding", family=d.family), icon=":material/search_off:")
    others = d.others
    if others.height:
        with st.expander(tx("funnel_why.page.others", n=others.height)):
            st.dataframe(
                in_words(driver_rows(d, others), FORMATS),
                column_config=_driver_config(),
                hide_index=True,
                width="stretch",
                key="fn_why_others",
            )
    if d.untested:
        st.caption(t(untested_fact(d)))
    st.caption(t("funnel_why.page.method"))


def untested_fact(d: Drivers) -> Fact:
    """What was left out of the family (the least common values and events)."""
    items = [
        Fact("funnel_why.note.untested_events", n=n)
        if col == "(events)"
        else Fact("funnel_why.note.untested_item", n=n, column=col)
        for col, n in d.untested.items()
    ]
    limit = MAX_EVENTS if set(d.untested) == {"(events)"} else MAX_VALUES
    return Fact("funnel_why.note.untested", limit=limit, items=items)
