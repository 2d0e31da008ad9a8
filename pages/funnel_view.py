"""Funnel: steps chosen and ordered by the user, drop-off, segments, trends, time to convert."""

from __future__ import annotations

import datetime as dt

import polars as pl
import streamlit as st

from kpi import alerts, funnel, funnel_view_data
from kpi.dataset import Dataset
from kpi.definitions import formula, label
from kpi.errors import ParcoursError
from kpi.filters import date_bounds
from kpi.segments import OTHER, with_top_values
from kpi.settings import DEFAULT_WINDOW_UNIT, ORDERS
from kpi.view import View
from kpi.words import Fact, Raw, render
from pages._ui import charts, compute, funnel_counts, state, widgets
from pages._ui import funnel_charts as fc
from pages._ui import gaps as gap_notes
from pages._ui import settings as fs
from pages._ui.lang import current, t, tx
from pages._ui.page_end import end_page

TOP_N = 8
BASE = ["step", "users", "conversion", "step_conversion"]
TABS = ("segments", "time", "previous", "ttc")  # fn_tab values (words via format_func)
GRAINS = ("day", "week", "month")


def _window(seconds: int | None) -> dt.timedelta | None:
    return None if seconds is None else dt.timedelta(seconds=seconds)


def _events(ds: Dataset, columns: tuple[str, ...] = ()) -> pl.DataFrame:
    """Events with segment columns; without usable timestamps, no ``ts`` (membership funnel)."""
    ev = ds.events_with(list(columns))
    if not ds.has_timestamps and "ts" in ev.columns:
        ev = ev.drop("ts")
    return ev


# Every result below is kept on the session's View (pages/_ui/compute.py: computed once per
# view, shared with the Overview, the red flags and the workbook; for the demo data, once per
# server), keyed by the arguments it depends on (never the language).
def _the_views(
    steps: tuple[str, ...], order: str, window_s: int | None, open_f: bool, ds: Dataset
) -> View | None:
    """The session's View when its funnel is this one (same data, steps, order, window)."""
    view = compute.current_view()
    if view is None or not ds.has_timestamps or view.view is not ds:
        return None
    s = view.settings
    seconds = int(s.window.total_seconds()) if s.window is not None else None
    same = (s.steps, s.order, seconds, s.open_funnel) == (steps, order, window_s, open_f)
    return view if same else None


def _table(
    steps: tuple[str, ...], order: str, window_s: int | None, open_f: bool, ds: Dataset
) -> pl.DataFrame:
    view = _the_views(steps, order, window_s, open_f, ds)
    if view is not None:
        table = view.funnel()  # the View's own funnel of these settings (the red flags' too)
        if table is not None:
            return table
    return compute.cached(
        "funnel_table",
        lambda: funnel.funnel_table(
            _events(ds), steps, window=_window(window_s), order=order, open_funnel=open_f
        ),  # type: ignore[arg-type]
        steps,
        order,
        window_s,
        open_f,
    )


def _previous_table(
    steps: tuple[str, ...], order: str, window_s: int | None, open_f: bool, prev: Dataset
) -> pl.DataFrame:
    """The previous period's funnel (the View's, as its red flags read it)."""
    view = compute.current_view()
    if (
        view is not None
        and view.previous is prev
        and _the_views(steps, order, window_s, open_f, view.view)
    ):
        table = view.previous_funnel()
        if table is not None:
            return table.select(BASE)
    return compute.cached(
        "previous_funnel",
        lambda: funnel.funnel(
            _events(prev), steps, window=_window(window_s), order=order, open_funnel=open_f
        ),  # type: ignore[arg-type]
        steps,
        order,
        window_s,
        open_f,
    )


def _by_segment(
    steps: tuple[str, ...],
    order: str,
    window_s: int | None,
    open_f: bool,
    segment: str,
    ds: Dataset,
    keep: tuple[str, ...] | None = None,
    *,
    period: str = "view",
) -> pl.DataFrame:
    """By segment: the top values + "Other", or the values ``keep`` (the previous period
    broken down into the current period's segments). The View's own (:meth:`View.funnel_by`:
    from the period's funnel progress, no pass over the events) when its funnel is this one."""
    view = compute.current_view()
    if view is not None and (
        _the_views(steps, order, window_s, open_f, ds)
        if period == "view"
        else view.previous is ds and _the_views(steps, order, window_s, open_f, view.view)
    ):
        by = view.funnel_by(segment, top=TOP_N, keep=keep, previous=period != "view")
        if by is not None:
            return by

    def compute_it() -> pl.DataFrame:
        ev = _events(ds, (segment,))
        if keep is None:
            ev = with_top_values(ev, segment, TOP_N)
        else:
            ev = funnel_view_data.with_values(ev, segment, keep)
        return funnel.funnel(
            ev, steps, by=[segment], window=_window(window_s), order=order, open_funnel=open_f
        )  # type: ignore[arg-type]

    return compute.cached(
        "funnel_by", compute_it, period, steps, order, window_s, open_f, segment, keep
    )


def _trend(
    steps: tuple[str, ...], order: str, window_s: int | None, grain: str, ds: Dataset
) -> pl.DataFrame:
    return compute.cached(
        "funnel_trend",
        lambda: funnel.conversion_over_time(
            _events(ds), steps, grain=grain, window=_window(window_s), order=order
        ),  # type: ignore[arg-type]
        steps,
        order,
        window_s,
        grain,
    )


def _time_to_convert(steps: tuple[str, ...], window_s: int | None, ds: Dataset) -> pl.DataFrame:
    return compute.cached(
        "funnel_ttc",
        lambda: funnel.time_to_convert(_events(ds), steps, window=_window(window_s), bins=12),
        steps,
        window_s,
    )


def _did_last(last: str, before: str, ds: Dataset) -> tuple[int, int]:
    """(users who did the last step at all, those of them who also did the step before it):
    ``funnel.funnel(events, [last, before], order="any")``'s two counts, by one group-by of
    the two steps' events (no funnel pass: a step change at 1M events costs 0.6 s less)."""

    def compute_it() -> tuple[int, int]:
        return funnel_counts.did_last(_events(ds), last, before)

    return compute.cached("funnel_did_last", compute_it, last, before)


def _suggested_order(full: Dataset) -> list[str]:
    return compute.data_cached("step_order", lambda: funnel.default_step_order(full.events))


def _step_options(counts_mode: bool, full: Dataset) -> list[str]:
    """Every step name of the unfiltered data (the same choices whatever the filters)."""
    return compute.data_cached("step_options", lambda: fs.known_steps(full), counts_mode)


def _from_counts(steps: tuple[str, ...], segment: str | None, ds: Dataset) -> pl.DataFrame:
    def compute_it() -> pl.DataFrame:
        counts = ds.counts
        if segment is None:
            return funnel_view_data.funnel_from_counts(counts, steps)  # type: ignore[arg-type]
        top = with_top_values(counts, segment, TOP_N, weight="users")  # type: ignore[arg-type]
        return funnel_view_data.funnel_from_counts(top, steps, by=[segment])

    return compute.cached("funnel_counts", compute_it, steps, segment)


def _words(prefix: str):  # a format_func
    """``format_func`` of an option: the words of ``<prefix>.<option>`` in this view's language
    (the language is fixed now: the function may be called outside the script run)."""
    lang = current()
    return lambda option: render(f"{prefix}.{option}", lang)


def _use_order(order: list[str]) -> None:
    st.session_state[fs.STEPS] = order


lang = current()
st.title(t("nav.funnel"))
widgets.view_caption()
ds = state.require_view()
key = state.view_key()
data_key = state.digest()

# ---- Controls -------------------------------------------------------------------------------
full = st.session_state["dataset"]  # unfiltered: step choices and order do not move with filters
counts_mode = fs.counts_mode(ds)
options = _step_options(counts_mode, full)
segments = fs.funnel_segments(ds)
if not options:
    st.info(t("funnel.page.no_steps"))
    end_page()
defaults = fs.default_steps(ds, options)
fs.restore_widgets()  # back on the page: the settings it had
fs.reset_stale(options, segments, defaults)
st.multiselect(
    tx("funnel.page.steps"),
    options,
    default=defaults,
    key=fs.STEPS,
    bind="query-params",
    help=t("funnel.page.steps_help"),
    placeholder=tx("funnel.page.steps_placeholder"),
)
picked = list(st.session_state.get(fs.STEPS) or [])
suggested = [] if counts_mode else [s for s in _suggested_order(full) if s in picked]
if len(picked) >= 2 and suggested and suggested != picked:
    st.button(
        t("steps.journey_order", order=" → ".join(suggested)),
        on_click=_use_order,
        args=(suggested,),
        icon=":material/swap_vert:",
        type="tertiary",
    )

timed = fs.timed(ds)
c1, c2, c3, c4 = st.columns([1.65, 0.85, 0.85, 1.0])  # French order words fit
# order, unit, view and entry period show words: bound to the URL by value (pages/_ui/settings)
fs.seed_from_url(fs.ORDER, ORDERS, "sequential")
c1.segmented_control(
    tx("funnel.page.order"),
    list(ORDERS),
    format_func=_words("funnel.order"),
    key=fs.ORDER,
    disabled=not timed,
    help=t("funnel.page.order_help"),
)
fs.write_url(fs.ORDER, "sequential")
c2.number_input(
    tx("funnel.page.window"),
    min_value=1,
    max_value=10_000,
    value=14,
    step=1,
    key=fs.WINDOW,
    bind="query-params",
    disabled=not timed,
    help=t("funnel.page.window_help"),
)
fs.seed_from_url(fs.UNIT, fs.UNIT_OPTIONS, DEFAULT_WINDOW_UNIT)
c3.selectbox(
    tx("funnel.page.unit"),
    list(fs.UNIT_OPTIONS),
    format_func=_words("funnel.unit"),
    key=fs.UNIT,
    disabled=not timed,
    help=t("funnel.page.unit_help"),
)
fs.write_url(fs.UNIT, DEFAULT_WINDOW_UNIT)
c4.toggle(
    tx("funnel.page.open"),
    value=False,
    key=fs.OPEN,
    bind="query-params",
    disabled=counts_mode,
    help=t("funnel.page.open_help"),
)
if counts_mode:
    st.info(t("funnel.page.counts_mode"), icon=":material/info:")
elif not timed:
    st.info(t("funnel.page.membership"), icon=":material/info:")
no_breakdown = tx("funnel.page.no_breakdown")
st.selectbox(
    tx("funnel.page.by"),
    [fs.NO_SEGMENT, *segments],
    format_func=lambda s: no_breakdown if s == fs.NO_SEGMENT else s,
    key=fs.BY,
    bind="query-params",
    help=t("funnel.page.by_help", n=TOP_N),
)

settings = fs.funnel_settings(full)  # the one reading of the controls (also the workbook's)
fs.remember(settings)
if not settings.steps:
    st.info(t("funnel.page.pick_steps"))
    end_page()
steps_t = settings.steps
steps = list(steps_t)
order, open_f, segment = settings.order, settings.open_funnel, settings.segment
window_s = int(settings.window.total_seconds()) if settings.window is not None else None

try:
    if counts_mode:
        table = _from_counts(steps_t, None, ds)
        by_res = _from_counts(steps_t, segment, ds) if segment is not None else None
        by_res = by_res.select(segment, *BASE) if by_res is not None else None
    else:
        table = _table(steps_t, order, window_s, open_f, ds)
        by_res = (
            _by_segment(steps_t, order, window_s, open_f, segment, ds)
            if segment is not None
            else None
        )
    base = table.select(BASE)
except ParcoursError as exc:
    st.error(exc.text(lang, markdown=True))
    end_page()

users_col = table["users"]
if counts_mode and not users_col.dtype.is_integer() and (users_col.round() != users_col).any():
    st.warning(t("funnel.page.not_counts"), icon=":material/warning:")

# ---- Insights and red flags -----------------------------------------------------------------
# aggregated exports count sessions or rows as often as people: their facts say "count"
counted = "count" if counts_mode else "users"
insight_frame = by_res if by_res is not None else base
facts = funnel.insights(
    insight_frame, by=[segment] if by_res is not None else [], counts=counts_mode
)
st.markdown("\n".join(f"- {t(f)}" for f in facts))

prev = compute.previous_view()
prev_base: pl.DataFrame | None = None
if prev is not None and not counts_mode:
    try:
        prev_base = _previous_table(steps_t, order, window_s, open_f, prev[1])
    except ParcoursError:
        prev_base = None

thresholds = fc.current_thresholds()
# each segment's own step conversions vs the previous period (Holm over segment × step)
changes: pl.DataFrame | None = None
if by_res is not None and segment is not None and prev is not None and prev_base is not None:
    try:
        shown_values = tuple(str(v) for v in by_res[segment].unique().to_list() if v != OTHER)
        prev_by = _by_segment(
            steps_t, order, window_s, open_f, segment, prev[1], shown_values, period="previous"
        )
        changes = compute.cached(
            "funnel_step_changes",
            lambda: alerts.step_changes(by_res, prev_by, alpha=thresholds.funnel_alpha),
            steps_t,
            order,
            window_s,
            open_f,
            segment,
            thresholds.funnel_alpha,
        )
    except ParcoursError:
        changes = None
try:
    current_kpis = compute.stage_kpis(key, ds)
    previous_kpis = compute.stage_kpis(*prev) if prev else None
    flags = alerts.red_flags(
        current_kpis,
        previous_kpis,
        funnel_current=base,
        funnel_previous=prev_base,
        monthly_duration=None,
        thresholds=thresholds,
    )
except ParcoursError:
    flags = []
flags = [
    f for f in flags if f.page == "funnel" or f.code in ("low_conversion", "high_cart_abandonment")
]
if changes is not None:  # the breakdown's own flags, e.g. mobile checkout → purchase
    flags += alerts.step_drop_flags(changes, thresholds)
fc.red_flags(flags)
gap_notes.show(gap_notes.find(key, steps_t, ds), aggregated=counts_mode)

# ---- The funnel -----------------------------------------------------------------------------
if len(steps) == 1:
    st.metric(
        t(f"funnel.page.{counted}_at", step=steps[0]),
        tx("funnel.page.count", n=int(table["users"][0])),
        border=True,
    )
else:
    charts.draw(fc.funnel_bars, table, counted, key="fn_chart")

shown, config = fc.step_table(table, unit=counted)
st.dataframe(
    fc.in_words(shown, fc.TABLE_FORMATS),
    column_config=config,
    hide_index=True,
    width="stretch",
    key="fn_table",
)
if timed and order == "sequential" and not open_f:
    st.caption(t("funnel.page.times_caption"))
elif timed:
    st.caption(t("funnel.page.times_closed_only"))
with st.popover(tx("funnel.page.definitions"), icon=":material/help:"):
    for code in funnel.DEFINITIONS:
        st.markdown(
            t("funnel.page.definition", name=Raw(label(code, lang)), text=Raw(formula(code, lang)))
        )
    if settings.window is not None:
        st.markdown(
            t(
                "funnel.page.window_definition",
                amount=settings.window_amount,
                unit=Fact(f"funnel.unit.{settings.window_unit}"),
            )
        )

# REES46-type data: the last step done without the step before it
if len(steps) >= 2 and not counts_mode:
    did_last, with_before = _did_last(steps[-1], steps[-2], ds)
    reached_last = int(table["users"][-1])
    if reached_last < did_last:
        missing = did_last - with_before
        if missing > 0:
            # no timestamps: order and window are switched off, only the steps help
            remedy = "timed" if timed else "untimed"
            st.warning(
                t(
                    f"funnel.page.undercount_{remedy}",
                    did=did_last,
                    last=steps[-1],
                    reached=reached_last,
                    missing=missing,
                    before=steps[-2],
                ),
                icon=":material/info:",
            )
        elif timed:
            st.caption(
                t(
                    f"funnel.page.did_last_{order}",
                    did=did_last,
                    last=steps[-1],
                    reached=reached_last,
                )
            )

# ---- Breakdown, trends, previous period, time to convert (only the open view is computed) ----
fs.seed_from_url("fn_tab", TABS, "segments")
tab = (
    st.segmented_control(
        tx("funnel.page.view"),
        list(TABS),
        format_func=_words("funnel.tab"),
        required=True,
        key="fn_tab",
        label_visibility="collapsed",
    )
    or "segments"
)
fs.write_url("fn_tab", "segments")
if tab == "segments":
    if by_res is None or segment is None:
        st.caption(t("funnel.page.choose_segment"))
    else:
        marks = fc.flag_column(by_res, segment, changes) if changes is not None else None
        charts.draw(fc.segment_bars, by_res, segment, flags=marks, key="fn_segment_chart")
        seg_table, seg_config = fc.step_table(
            by_res.with_columns(drop_off=None, drop_off_rate=None), [segment], unit=counted
        )
        seg_table = seg_table.drop("drop_off", "drop_off_rate")
        if marks is not None and (marks != "").any():
            seg_table = seg_table.with_columns(marks.alias("vs_previous"))
            seg_config["vs_previous"] = st.column_config.TextColumn(
                tx("funnel.table.vs_previous"), help=tx("funnel.table.vs_previous_help")
            )
            st.caption(t("funnel.page.drop_mark", mark=fc.DROP_MARK))
        st.dataframe(
            fc.in_words(seg_table, fc.TABLE_FORMATS),
            column_config=seg_config,
            hide_index=True,
            width="stretch",
            key="fn_seg_table",
        )
        recon = fc.reconciliation(by_res, base)
        items = [
            Fact("funnel.page.recon_item", step=s, sum=int(a or 0), total=int(b))
            for s, a, b in recon.select("step", "segment_sum", "total").iter_rows()
        ]
        st.caption(
            t(
                "funnel.page.recon_ok" if recon["matches"].all() else "funnel.page.recon_bad",
                items=items,
                why=Fact("funnel.page.recon_counts" if counts_mode else "funnel.page.recon_touch"),
            )
        )
elif tab == "time":
    if not timed:
        st.info(t("funnel.page.trend_needs_ts"))
    elif len(steps) < 2:
        st.caption(t("funnel.page.trend_two_steps"))
    else:
        fs.seed_from_url("fn_grain", GRAINS, "week")
        grain = (
            st.segmented_control(
                tx("funnel.page.grain"),
                list(GRAINS),
                format_func=_words("funnel.grain"),
                key="fn_grain",
                help=t("funnel.page.grain_help"),
            )
            or "week"
        )
        fs.write_url("fn_grain", "week")
        trend = _trend(steps_t, order, window_s, grain, ds)
        if trend.height == 0:
            st.info(t("funnel.page.no_entries"))
        else:
            charts.draw(fc.trend_lines, trend, grain, key="fn_trend")
            st.caption(
                t("funnel.page.trend_caption_open" if open_f else "funnel.page.trend_caption")
            )
elif tab == "previous":
    if prev_base is None and date_bounds(st.session_state["dataset"]) is None:
        st.info(t("funnel.page.previous_needs_dates"))
    elif prev_base is None:
        st.info(t("funnel.page.no_previous"), icon=":material/compare_arrows:")
    else:
        before = state.current_filters().previous()  # type: ignore[union-attr]
        st.markdown(
            t("funnel.page.compared_with", start=before.start, end=before.end)  # type: ignore[union-attr]
        )
        comp = funnel.compare_periods(base, prev_base)
        comp_table, comp_config = fc.comparison_table(comp)
        st.dataframe(
            fc.in_words(comp_table, fc.TABLE_FORMATS),
            column_config=comp_config,
            hide_index=True,
            width="stretch",
            key="fn_compare",
        )
        if by_res is not None and changes is None:
            st.caption(t("funnel.page.previous_no_segment", segment=segment))
        elif changes is not None and segment is not None:
            family = int(changes["p_value"].is_not_null().sum())
            st.markdown(t("funnel.page.by_segment_changes", segment=segment, family=family))
            seg_comp, seg_comp_config = fc.segment_change_table(changes, segment)
            st.dataframe(
                fc.in_words(seg_comp, fc.TABLE_FORMATS),
                column_config=seg_comp_config,
                hide_index=True,
                width="stretch",
                key="fn_compare_segments",
            )
elif tab == "ttc":
    if not timed:
        st.info(t("funnel.page.ttc_needs_ts"))
    elif len(steps) < 2:
        st.caption(t("funnel.page.ttc_two_steps"))
    else:
        ttc = _time_to_convert(steps_t, window_s, ds)
        if int(ttc["users"].sum()) == 0:
            st.info(t("funnel.page.nobody_reached", step=steps[-1]))
        else:
            charts.draw(fc.time_to_convert_bars, ttc, steps[0], steps[-1], key="fn_ttc")
            st.caption(t("funnel.page.ttc_caption", first=steps[0], last=steps[-1]))

fc.thresholds_editor("fn_")
