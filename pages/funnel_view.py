"""Funnel: steps chosen and ordered by the user, drop-off, segments, trends, time to convert."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NoReturn

import polars as pl
import streamlit as st

from kpi import alerts, funnel, funnel_view_data
from kpi.dataset import Dataset
from kpi.definitions import formula, label
from kpi.errors import ParcoursError
from kpi.filters import Filters, date_bounds
from kpi.segments import OTHER, with_top_values
from kpi.settings import DEFAULT_WINDOW_UNIT, ORDERS, FunnelSettings
from kpi.view import View
from kpi.words import Fact, Raw, render
from pages._ui import (
    audience,
    charts,
    comparisons,
    compute,
    event_marks,
    funnel_counts,
    funnel_why,
    state,
    target_marks,
    widgets,
)
from pages._ui import funnel_charts as fc
from pages._ui import funnel_rules as fr
from pages._ui import gaps as gap_notes
from pages._ui import settings as fs
from pages._ui.lang import current, t, tx
from pages._ui.page_end import end_page

if TYPE_CHECKING:  # the engine's modules are imported when a connected table is in use
    from kpi.engine.view import EngineView

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
    steps: tuple[str, ...],
    order: str,
    window_s: int | None,
    open_f: bool,
    ds: Dataset,
    rules: fr.Rules = fr.NO_RULES,
) -> View | None:
    """The session's View when its funnel is this one (same data, steps, order, window,
    exclusions and per-step windows)."""
    view = compute.current_view()
    if view is None or not ds.has_timestamps or view.view is not ds:
        return None
    s = view.settings
    seconds = int(s.window.total_seconds()) if s.window is not None else None
    same = (s.steps, s.order, seconds, s.open_funnel) == (steps, order, window_s, open_f)
    return view if same and fr.rules_of(s) == rules else None


def _table(
    steps: tuple[str, ...],
    order: str,
    window_s: int | None,
    open_f: bool,
    ds: Dataset,
    rules: fr.Rules = fr.NO_RULES,
) -> pl.DataFrame:
    view = _the_views(steps, order, window_s, open_f, ds, rules)
    if view is not None:
        table = view.funnel()  # the View's own funnel of these settings (the red flags' too)
        if table is not None:
            return table
    return compute.cached(
        "funnel_table",
        lambda: funnel.funnel_table(
            _events(ds),
            steps,
            window=_window(window_s),
            order=order,  # type: ignore[arg-type]
            open_funnel=open_f,
            **fr.kwargs(rules, steps, order, open_f, ds.has_timestamps),
        ),
        steps,
        order,
        window_s,
        open_f,
        rules,
    )


def _previous_table(
    steps: tuple[str, ...],
    order: str,
    window_s: int | None,
    open_f: bool,
    prev: Dataset,
    rules: fr.Rules = fr.NO_RULES,
) -> pl.DataFrame:
    """The previous period's funnel (the View's, as its red flags read it)."""
    view = compute.current_view()
    if (
        view is not None
        and view.previous is prev
        and _the_views(steps, order, window_s, open_f, view.view, rules)
    ):
        table = view.previous_funnel()
        if table is not None:
            return table.select(BASE)
    return compute.cached(
        "previous_funnel",
        lambda: funnel.funnel(
            _events(prev),
            steps,
            window=_window(window_s),
            order=order,  # type: ignore[arg-type]
            open_funnel=open_f,
            **fr.kwargs(rules, steps, order, open_f, prev.has_timestamps),
        ),
        steps,
        order,
        window_s,
        open_f,
        rules,
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
    rules: fr.Rules = fr.NO_RULES,
) -> pl.DataFrame:
    """By segment: the top values + "Other", or the values ``keep`` (the previous period
    broken down into the current period's segments). The View's own (:meth:`View.funnel_by`:
    from the period's funnel progress, no pass over the events) when its funnel is this one."""
    view = compute.current_view()
    if view is not None and (
        _the_views(steps, order, window_s, open_f, ds, rules)
        if period == "view"
        else view.previous is ds and _the_views(steps, order, window_s, open_f, view.view, rules)
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
            ev,
            steps,
            by=[segment],
            window=_window(window_s),
            order=order,  # type: ignore[arg-type]
            open_funnel=open_f,
            **fr.kwargs(rules, steps, order, open_f, ds.has_timestamps),
        )

    return compute.cached(
        "funnel_by", compute_it, period, steps, order, window_s, open_f, segment, keep, rules
    )


def _trend(
    steps: tuple[str, ...],
    order: str,
    window_s: int | None,
    open_f: bool,
    grain: str,
    ds: Dataset,
    rules: fr.Rules = fr.NO_RULES,
) -> pl.DataFrame:
    """Conversion over time with the funnel's exclusions and per-step windows (the periods'
    users add up to the table's): the View's own when its funnel is this one (the workbook's)."""
    view = _the_views(steps, order, window_s, open_f, ds, rules)
    if view is not None:
        got = view.funnel_trend(grain)
        if got is not None:
            return got
    kw = fr.kwargs(rules, steps, order, open_f, ds.has_timestamps)
    return compute.cached(
        "funnel_trend",
        lambda: funnel.conversion_over_time(
            _events(ds),
            steps,
            grain=grain,  # type: ignore[arg-type]
            window=_window(window_s),
            order=order,  # type: ignore[arg-type]
            **kw,
        ),
        steps,
        order,
        window_s,
        grain,
        rules,
    )


def _time_to_convert(
    steps: tuple[str, ...],
    order: str,
    window_s: int | None,
    open_f: bool,
    ds: Dataset,
    rules: fr.Rules = fr.NO_RULES,
) -> pl.DataFrame:
    """Time to convert over the users the funnel's rules keep at the last step (the View's
    own when its funnel is this one)."""
    view = _the_views(steps, order, window_s, open_f, ds, rules)
    if view is not None:
        got = view.funnel_time_to_convert(12)
        if got is not None:
            return got
    kw = fr.kwargs(rules, steps, order, open_f, ds.has_timestamps)
    return compute.cached(
        "funnel_ttc",
        lambda: funnel.time_to_convert(_events(ds), steps, window=_window(window_s), bins=12, **kw),
        steps,
        order,
        window_s,
        open_f,
        rules,
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


# ---- Where the numbers come from: an upload (polars) or a connected table (its engine) -------
@dataclass(frozen=True)
class Route:
    """The page's computed results, asked for by the one drawing path below (:func:`_draw`):
    the upload's (the session's View and the page's caches, polars) or a connected table's
    (:class:`kpi.engine.view.EngineView` and :mod:`kpi.engine.view_funnel`: aggregates from
    the engine; the statistics and words are the same local code). Each callable computes
    when first called (only the open tab's results are computed) and may raise
    :class:`~kpi.errors.ParcoursError`."""

    timed: bool
    counts_mode: bool
    has_dates: Callable[[], bool]  # the data has dates: a previous period is possible
    previous_filters: Filters | None  # the previous period, when it has events
    table: Callable[[], pl.DataFrame | None]
    by: Callable[[], pl.DataFrame | None]
    previous: Callable[[], pl.DataFrame | None]
    previous_by: Callable[[tuple[str, ...]], pl.DataFrame | None]
    stage_kpis: Callable[[], tuple[list, list | None]]
    gaps: Callable[[], list]
    did_last: Callable[[str, str], tuple[int, int]]
    trend: Callable[[str], pl.DataFrame]
    ttc: Callable[[], pl.DataFrame]
    keep: Callable[..., Any]  # keep(name, fn, *parts): fn() once per view and parts
    excluded: Callable[[], int | None] = lambda: None  # users an exclusion took out early
    rules_on: bool = False  # exclusions or per-step windows apply (every figure uses them)


def _upload_route(ds: Dataset, key: str, settings: FunnelSettings, full: Dataset) -> Route:
    """The upload's (or demo's) results: the computations the page always made."""
    counts_mode = fs.counts_mode(ds)
    steps_t, order, open_f = settings.steps or (), settings.order, settings.open_funnel
    segment = settings.segment
    window_s = int(settings.window.total_seconds()) if settings.window is not None else None
    prev = compute.previous_view()
    rules = fr.rules_of(settings)

    def table() -> pl.DataFrame:
        if counts_mode:
            return _from_counts(steps_t, None, ds)
        return _table(steps_t, order, window_s, open_f, ds, rules)

    def by() -> pl.DataFrame | None:
        if segment is None:
            return None
        if counts_mode:
            return _from_counts(steps_t, segment, ds).select(segment, *BASE)
        return _by_segment(steps_t, order, window_s, open_f, segment, ds, rules=rules)

    def previous() -> pl.DataFrame | None:
        if prev is None or counts_mode:
            return None
        return _previous_table(steps_t, order, window_s, open_f, prev[1], rules)

    def previous_by(values: tuple[str, ...]) -> pl.DataFrame | None:
        if prev is None or segment is None:
            return None
        return _by_segment(
            steps_t,
            order,
            window_s,
            open_f,
            segment,
            prev[1],
            values,
            period="previous",
            rules=rules,
        )

    def stage_kpis() -> tuple[list, list | None]:
        return compute.stage_kpis(key, ds), compute.stage_kpis(*prev) if prev else None

    f = state.current_filters()
    return Route(
        timed=fs.timed(ds),
        counts_mode=counts_mode,
        has_dates=lambda: date_bounds(full) is not None,
        previous_filters=f.previous() if prev is not None else None,
        table=table,
        by=by,
        previous=previous,
        previous_by=previous_by,
        stage_kpis=stage_kpis,
        gaps=lambda: gap_notes.find(key, steps_t, ds),
        did_last=lambda last, before: _did_last(last, before, ds),
        trend=lambda grain: _trend(steps_t, order, window_s, open_f, grain, ds, rules),
        ttc=lambda: _time_to_convert(steps_t, order, window_s, open_f, ds, rules),
        rules_on=bool(fr.kwargs(rules, steps_t, order, open_f, fs.timed(ds))),
        keep=compute.cached,
        excluded=lambda: _excluded(steps_t, order, window_s, open_f, ds, rules),
    )


def _excluded(
    steps: tuple[str, ...],
    order: str,
    window_s: int | None,
    open_f: bool,
    ds: Dataset,
    rules: fr.Rules,
) -> int | None:
    """How many users of the view an exclusion took out early (the View's count)."""
    view = _the_views(steps, order, window_s, open_f, ds, rules)
    if view is not None:
        return view.funnel_excluded()
    kw = fr.kwargs(rules, steps, order, open_f, ds.has_timestamps)
    if not kw.get("exclusions"):
        return None
    return compute.cached(
        "funnel_excluded",
        lambda: funnel.funnel_progress(
            _events(ds), steps, window=_window(window_s), **kw
        ).excluded(),
        steps,
        window_s,
        rules,
    )


def _engine_route(engine: EngineView) -> Route:
    """A connected table's results: every figure an aggregate of the engine
    (:mod:`kpi.engine.view_funnel` for those EngineView does not give), kept on the view."""
    from kpi.engine import view_funnel

    segment = engine.settings.segment

    def by() -> pl.DataFrame | None:
        return engine.funnel_by(segment, top=TOP_N) if segment is not None else None

    def table() -> pl.DataFrame | None:
        """The funnel; None when the view has no events. A query that failed is said (the
        view keeps its error: :meth:`EngineView.funnel` answers None for both)."""
        got = engine.funnel()
        if got is None:
            engine.size()  # raises when the table cannot be read at all
            failed = engine._memo.get("funnel")
            if isinstance(failed, ParcoursError):
                raise failed
        return got

    def previous() -> pl.DataFrame | None:
        table = engine.previous_funnel()
        return table.select(BASE) if table is not None else None

    def previous_by(values: tuple[str, ...]) -> pl.DataFrame | None:
        if segment is None:
            return None
        return engine.funnel_by(segment, top=TOP_N, keep=values, previous=True)

    def stage_kpis() -> tuple[list, list | None]:
        return engine.kpis(strict=True), engine.previous_kpis(strict=True)

    def gaps() -> list:
        steps = engine.steps
        return gap_notes.tracking_gaps(view_funnel.daily_step_users(engine, steps), steps)

    def keep(name: str, fn: Callable[[], Any], *parts: object) -> Any:
        return engine.memo(f"page:funnel:{name}|{parts!r}", fn)

    return Route(
        timed=engine.has_timestamps,
        counts_mode=False,
        has_dates=lambda: engine.bounds() is not None,
        previous_filters=engine.previous,
        table=table,
        by=by,
        previous=previous,
        previous_by=previous_by,
        stage_kpis=stage_kpis,
        gaps=gaps,
        did_last=lambda last, before: view_funnel.did_last(engine, last, before),
        trend=lambda grain: view_funnel.conversion_over_time(engine, grain=grain),
        ttc=lambda: view_funnel.time_to_convert(engine, bins=12),
        keep=keep,
        excluded=engine.funnel_excluded,
        rules_on=engine.funnel_rules().active,
    )


# ---- Controls (one path: the step and breakdown choices come from the route's data) ---------
def _controls(
    options: list[str],
    segments: list[str],
    defaults: list[str],
    suggested_order: list[str],
    *,
    timed: bool,
    counts_mode: bool,
) -> None:
    """The funnel's widgets, bound to the URL (their values are read by ``funnel_settings``)."""
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
    suggested = [s for s in suggested_order if s in picked]
    if len(picked) >= 2 and suggested and suggested != picked:
        st.button(
            t("steps.journey_order", order=" → ".join(suggested)),
            on_click=_use_order,
            args=(suggested,),
            icon=":material/swap_vert:",
            type="tertiary",
        )

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


def _failed(exc: ParcoursError) -> NoReturn:
    st.error(exc.text(current(), markdown=True))
    end_page()


def _year_before_flags(thresholds: alerts.Thresholds) -> list[alerts.RedFlag]:
    """The view's steps that fell vs the same period a year before (the View's, the same as
    the Overview's and the workbook's); none when the data does not cover it."""
    view = compute.engine_view() or compute.current_view()
    if view is None:
        return []
    try:
        return alerts.year_before_flags(view, thresholds)
    except ParcoursError:
        return []


# ---- The page (one drawing path for both routes) --------------------------------------------
def _draw(route: Route, settings: FunnelSettings) -> None:
    lang = current()
    counts_mode, timed = route.counts_mode, route.timed
    steps_t = settings.steps or ()
    steps = list(steps_t)
    order, open_f, segment = settings.order, settings.open_funnel, settings.segment
    window_s = int(settings.window.total_seconds()) if settings.window is not None else None

    try:
        table = route.table()
        by_res = route.by() if segment is not None else None
    except ParcoursError as exc:
        _failed(exc)
    if table is None:  # a connected table without events in this view
        st.info(t("funnel.page.no_events_in_view"), icon=":material/filter_alt_off:")
        end_page()
    base = table.select(BASE)
    fr.note(settings, timed=timed, excluded=route.excluded)

    users_col = table["users"]
    if counts_mode and not users_col.dtype.is_integer() and (users_col.round() != users_col).any():
        st.warning(t("funnel.page.not_counts"), icon=":material/warning:")

    # ---- Insights and red flags -------------------------------------------------------------
    # aggregated exports count sessions or rows as often as people: their facts say "count"
    counted = "count" if counts_mode else "users"
    insight_frame = by_res if by_res is not None else base
    facts = funnel.insights(
        insight_frame, by=[segment] if by_res is not None else [], counts=counts_mode
    )
    st.markdown("\n".join(f"- {t(f)}" for f in facts))

    prev_base: pl.DataFrame | None = None
    if route.previous_filters is not None and not counts_mode:
        try:
            prev_base = route.previous()
        except ParcoursError:
            prev_base = None

    thresholds = fc.current_thresholds()
    # each segment's own step conversions vs the previous period (Holm over segment × step)
    changes: pl.DataFrame | None = None
    if by_res is not None and segment is not None and prev_base is not None:
        try:
            shown_values = tuple(str(v) for v in by_res[segment].unique().to_list() if v != OTHER)
            prev_by = route.previous_by(shown_values)
            if prev_by is not None:
                changes = route.keep(
                    "funnel_step_changes",
                    lambda: alerts.step_changes(by_res, prev_by, alpha=thresholds.funnel_alpha),
                    steps_t,
                    order,
                    window_s,
                    open_f,
                    segment,
                    thresholds.funnel_alpha,
                    fr.rules_of(settings),
                )
        except ParcoursError:
            changes = None
    try:
        current_kpis, previous_kpis = route.stage_kpis()
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
        f
        for f in flags
        if f.page == "funnel" or f.code in ("low_conversion", "high_cart_abandonment")
    ]
    if changes is not None:  # the breakdown's own flags, e.g. mobile checkout → purchase
        flags += alerts.step_drop_flags(changes, thresholds)
    flags += _year_before_flags(thresholds)
    fc.red_flags(flags)
    try:
        gap_notes.show(route.gaps(), aggregated=counts_mode)
    except ParcoursError as exc:
        st.caption(exc.text(lang, markdown=True))

    # ---- The funnel -------------------------------------------------------------------------
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
        if len(steps) >= 2 and not set(fc.TIME_COLUMNS) <= set(table.columns):
            st.caption(t("funnel.page.times_not_offered"))  # an engine without medians
        else:
            st.caption(t("funnel.page.times_caption"))
            if route.rules_on:
                st.caption(t("funnel.page.times_rules"))
    elif timed:
        st.caption(t("funnel.page.times_closed_only"))
    with st.popover(tx("funnel.page.definitions"), icon=":material/help:"):
        for code in funnel.DEFINITIONS:
            st.markdown(
                t(
                    "funnel.page.definition",
                    name=Raw(label(code, lang)),
                    text=Raw(formula(code, lang)),
                )
            )
        if settings.window is not None:
            st.markdown(
                t(
                    "funnel.page.window_definition",
                    amount=settings.window_amount,
                    unit=Fact(
                        f"funnel_rules.unit.{settings.window_unit}", n=settings.window_amount
                    ),
                )
            )

    # REES46-type data: the last step done without the step before it
    if len(steps) >= 2 and not counts_mode:
        try:
            did_last, with_before = route.did_last(steps[-1], steps[-2])
        except ParcoursError:
            did_last = with_before = 0
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

    audience.funnel_section(table, settings, counts_mode=counts_mode)  # the users behind a step

    # ---- Breakdown, trends, previous period, time to convert (only the open view) -----------
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
        _segments_tab(by_res, base, segment, changes, counted, counts_mode)
    elif tab == "time":
        _time_tab(route, steps, open_f)
    elif tab == "previous":
        _previous_tab(route, base, prev_base, by_res, changes, segment)
    elif tab == "ttc":
        _ttc_tab(route, steps)


def _segments_tab(
    by_res: pl.DataFrame | None,
    base: pl.DataFrame,
    segment: str | None,
    changes: pl.DataFrame | None,
    counted: str,
    counts_mode: bool,
) -> None:
    if by_res is None or segment is None:
        st.caption(t("funnel.page.choose_segment"))
        return
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


def _time_tab(route: Route, steps: list[str], open_f: bool) -> None:
    if not route.timed:
        st.info(t("funnel.page.trend_needs_ts"))
        return
    if len(steps) < 2:
        st.caption(t("funnel.page.trend_two_steps"))
        return
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
    try:
        trend = route.trend(grain)
    except ParcoursError as exc:
        _failed(exc)
    if trend.height == 0:
        st.info(t("funnel.page.no_entries"))
    else:
        charts.draw(target_marks.marked(fc.trend_lines, "conversion"), trend, grain, key="fn_trend")
        event_marks.trend_note(trend, grain)
        st.caption(t("funnel.page.trend_caption_open" if open_f else "funnel.page.trend_caption"))
        if route.rules_on:
            st.caption(t("funnel.page.trend_rules"))


def _previous_tab(
    route: Route,
    base: pl.DataFrame,
    prev_base: pl.DataFrame | None,
    by_res: pl.DataFrame | None,
    changes: pl.DataFrame | None,
    segment: str | None,
) -> None:
    """The chosen comparisons (``?compare=``): the previous period, the same period a year
    before (:mod:`pages._ui.comparisons`), or both."""
    comparisons.choice("fn")
    if comparisons.shows("previous"):
        _previous_period(route, base, prev_base, by_res, changes, segment)
    comparisons.funnel_section()


def _previous_period(
    route: Route,
    base: pl.DataFrame,
    prev_base: pl.DataFrame | None,
    by_res: pl.DataFrame | None,
    changes: pl.DataFrame | None,
    segment: str | None,
) -> None:
    if prev_base is None and not route.has_dates():
        st.info(t("funnel.page.previous_needs_dates"))
        return
    if prev_base is None or route.previous_filters is None:
        st.info(t("funnel.page.no_previous"), icon=":material/compare_arrows:")
        return
    before = route.previous_filters
    st.markdown(t("funnel.page.compared_with", start=before.start, end=before.end))
    event_marks.period_note(state.current_filters(), before)
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


def _ttc_tab(route: Route, steps: list[str]) -> None:
    if not route.timed:
        st.info(t("funnel.page.ttc_needs_ts"))
        return
    if len(steps) < 2:
        st.caption(t("funnel.page.ttc_two_steps"))
        return
    try:
        ttc = route.ttc()
    except ParcoursError as exc:
        _failed(exc)
    if int(ttc["users"].sum()) == 0:
        st.info(t("funnel.page.nobody_reached", step=steps[-1]))
    else:
        charts.draw(fc.time_to_convert_bars, ttc, steps[0], steps[-1], key="fn_ttc")
        st.caption(t("funnel.page.ttc_caption", first=steps[0], last=steps[-1]))
        if route.rules_on:
            st.caption(t("funnel.page.ttc_rules", last=steps[-1]))


def _connected_page(engine: EngineView) -> NoReturn:
    """The page on a connected table: the same controls and drawing, from the engine."""
    from kpi.engine import view_funnel

    try:
        options = view_funnel.step_options(engine)
        defaults = list(options)  # the table's step order, as EngineView's default steps
    except ParcoursError as exc:
        _failed(exc)
    if not options:
        st.info(t("funnel.page.no_steps"))
        end_page()
    _controls(
        options,
        list(engine.segments),
        defaults,
        options,
        timed=engine.has_timestamps,
        counts_mode=False,
    )
    settings = compute.funnel_settings()  # the one reading of the controls (the workbook's)
    fs.remember(settings)
    fr.editor(settings, options, timed=engine.has_timestamps)
    if not settings.steps:
        st.info(t("funnel.page.pick_steps"))
        end_page()
    view = compute.engine_view()  # the view of these settings (kept: nothing is run twice)
    if view is None:
        end_page()
    try:
        route = _engine_route(view)
    except ParcoursError as exc:
        _failed(exc)
    _draw(route, settings)
    funnel_why.section(view, settings, connected=True)
    fc.thresholds_editor("fn_")
    end_page()


lang = current()
st.title(t("nav.funnel"))
widgets.view_caption()  # which data (the files, or the connected table) and which filters
engine = compute.engine_view()
if engine is not None:
    _connected_page(engine)
ds = state.require_view()
key = state.view_key()

# ---- Controls -------------------------------------------------------------------------------
full = st.session_state["dataset"]  # unfiltered: step choices and order do not move with filters
counts_mode = fs.counts_mode(ds)
options = _step_options(counts_mode, full)
if not options:
    st.info(t("funnel.page.no_steps"))
    end_page()
_controls(
    options,
    fs.funnel_segments(ds),
    fs.default_steps(ds, options),
    [] if counts_mode else _suggested_order(full),
    timed=fs.timed(ds),
    counts_mode=counts_mode,
)
settings = fs.funnel_settings(full)  # the one reading of the controls (also the workbook's)
fs.remember(settings)
fr.editor(settings, options, timed=fs.timed(ds))
if not settings.steps:
    st.info(t("funnel.page.pick_steps"))
    end_page()
_draw(_upload_route(ds, key, settings, full), settings)
funnel_why.section(compute.current_view(), settings, counts_mode=counts_mode)
fc.thresholds_editor("fn_")
