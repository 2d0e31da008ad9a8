"""One computation per view, shared by the pages, the Overview, the red flags and the workbook.

:func:`current_view` keeps one :class:`kpi.view.View` per view (data digest + filters + funnel
settings + cohort grain) in ``st.session_state`` (per session: nothing crosses sessions; a
few recent views are kept so that going back to a filter is instant). The View computes each
result once, when first asked: the stage KPIs of the view and of the previous period, the
funnel of the view's funnel settings, the red flags, the retention and value summaries. The
workbook downloaded from a page is built from the same View (``ReportOptions.view``).

Pages keep their own derived results on the View too (:func:`cached`), so that a page switch
or a return to a filter recomputes nothing. A change of funnel settings (steps, breakdown...)
makes a new View that inherits the results that do not depend on them (:data:`_INHERITED`).

The committed demo data holds no user data: its Views are kept once per server
(:func:`_shared_views`, keyed by the demo digest + filters + settings, never the language), so
that ten people opening the same link compute each result once. An upload's Views live only
in its session's ``st.session_state``; nothing of an upload is ever kept server-wide.
"""

from __future__ import annotations

import functools
import inspect
import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import replace
from typing import Any, Literal, TypeVar

import streamlit as st

from kpi import alerts, quality, stages
from kpi.dataset import Dataset
from kpi.errors import ParcoursError
from kpi.filters import Filters
from kpi.settings import FunnelSettings
from kpi.view import PeriodCache, View
from kpi.words import Fact
from pages._ui import state

__all__ = [
    "cached",
    "clear_shared",
    "current_view",
    "data_cached",
    "engine_view",
    "funnel_settings",
    "per_view",
    "previous_view",
    "quality_summary",
    "red_flags",
    "stage_kpis",
]

_VIEWS = "_views"
_KEEP = 6  # views kept per session


def funnel_settings() -> FunnelSettings:
    """The view's funnel settings (the Funnel page's URL-bound widgets, read in one place)."""
    from pages._ui import download  # download imports this module's siblings

    given = download.funnel_settings()
    if isinstance(given, FunnelSettings):
        return given
    return FunnelSettings(**given)


def cohort_grain() -> Literal["week", "month"]:
    value = st.session_state.get("cohort_by") or st.query_params.get("cohort_by")
    return "week" if value == "week" else "month"


T = TypeVar("T")

#: results of a View that do not depend on its funnel settings: a View of the same data and
#: filters with other settings starts with them (a step or breakdown change recomputes only
#: the funnel). Page results (:func:`cached`) say themselves whether they depend on them.
_INHERITED = (
    "view",
    "previous_filters",
    "previous",
    "event_steps",
    "purchase_step",
    "first_seen",
    "kpis",
    "prev_kpis",
    "monthly_duration",
    "purchase",
    "value_inputs",
    "segmented",
)
_INHERITED_PREFIXES = ("kpis_by|", "retention|", "value|", "advocacy|", "page:", "facts_for|")
#: results that depend on the funnel settings but not on the breakdown segment (``funnel_by|``
#: keys name their segment, ``flags|`` read the funnel; the trend and time to convert apply
#: the funnel's exclusions and per-step windows)
_SAME_FUNNEL = ("steps", "funnel", "prev_funnel")
_SAME_FUNNEL_PREFIXES = ("flags|", "funnel_by|", "funnel_trend|", "funnel_ttc|")
_SHARED_KEEP = 24  # demo Views kept per server (a few filtered copies of the demo each)


class SharedView(View):
    """A View of the demo data shared by every session: each result is computed once even
    when several sessions ask for it at the same time (one lock per result; results depend on
    others only one way, so the locks cannot deadlock)."""

    def __post_init__(self) -> None:
        self._locks: dict[str, threading.RLock] = {}
        self._locks_lock = threading.Lock()
        super().__post_init__()

    def memo(self, key: str, fn: Callable[[], Any]) -> Any:
        if key in self._memo:
            return self._memo[key]
        with self._locks_lock:
            lock = self._locks.setdefault(key, threading.RLock())
        with lock:
            if key not in self._memo:
                self._memo[key] = fn()
        return self._memo[key]


class SharedPeriodCache(PeriodCache):
    """The demo data's :class:`~kpi.view.PeriodCache`, shared by every session of the server
    (the committed demo only, never an upload): each entry is computed once even when several
    sessions ask for it at the same time (one lock per entry, as :meth:`SharedView.memo`; an
    entry's computation asks only for entries it depends on, one way, so the locks cannot
    deadlock), and the entries' dict is read and changed under one short lock."""

    def __init__(self, max_entries: int = 24, facts_share: float = 0.25) -> None:
        super().__init__(max_entries, facts_share)
        self._dict_lock = threading.Lock()
        self._locks: dict[tuple, threading.RLock] = {}

    def has(self, full: Dataset, key: Hashable) -> bool:
        with self._dict_lock:
            return super().has(full, key)

    def get(self, full: Dataset, key: Hashable, fn: Callable[[], Any]) -> Any:
        k = (id(full), key)
        with self._dict_lock:
            lock = self._locks.setdefault(k, threading.RLock())
        with lock:
            with self._dict_lock:
                if super().has(full, key):
                    return super().get(full, key, _never)  # moved to the end
            value = fn()  # outside the dict lock: other entries go on meanwhile
            with self._dict_lock:
                super().get(full, key, lambda: value)
                if len(self._locks) > 4 * self.max_entries:  # forget the dropped ones' locks
                    kept = {e for e in self._entries}
                    self._locks = {e: v for e, v in self._locks.items() if e in kept or e == k}
            return value

    def __len__(self) -> int:
        with self._dict_lock:
            return len(self._entries)

    def clear(self) -> None:
        with self._dict_lock:
            self._entries.clear()


def _never() -> Any:
    raise AssertionError("a kept entry is not computed again")


@st.cache_resource(show_spinner=False)
def _demo_period_caches() -> tuple[dict[int, tuple[Dataset, SharedPeriodCache]], threading.Lock]:
    """One :class:`SharedPeriodCache` per demo Dataset (one per cohort grain), per server."""
    return {}, threading.Lock()


def _period_cache(full: Dataset, *, shared: bool) -> PeriodCache:
    """The period cache of the View: the server's for the demo data, else this session's own
    (an upload's is never seen by another session)."""
    if not shared:
        return st.session_state.setdefault("_period_cache", PeriodCache())
    caches, lock = _demo_period_caches()
    with lock:
        got = caches.get(id(full))
        if got is None or got[0] is not full:
            got = caches[id(full)] = (full, SharedPeriodCache())
        return got[1]


@st.cache_resource(show_spinner=False)
def _shared_views() -> tuple[OrderedDict[str, View], threading.Lock]:
    """The demo data's Views, once per server (no user data: only the committed demo)."""
    return OrderedDict(), threading.Lock()


def clear_shared() -> None:
    """Forget the demo results kept for every session (tests)."""
    for store, lock in (_shared_views(), _shared_data(), _demo_period_caches()):
        with lock:
            store.clear()


def _settings_free_key(key: str) -> str:
    return key.split("|settings=", 1)[0]


def _inherit(view: View, views: dict[str, View], key: str) -> None:
    """Start ``view`` with the settings-independent results of a View of the same data and
    filters (another funnel setting)."""
    base = _settings_free_key(key)
    for other_key in reversed(list(views)):
        other = views[other_key]
        if other is view or other.full is not view.full or _settings_free_key(other_key) != base:
            continue
        # only the breakdown differs: the funnel and its red flags are the same too
        same_funnel = replace(other.settings, segment=None) == replace(view.settings, segment=None)
        for k, v in list(other._memo.items()):
            if (
                k in _INHERITED
                or k.startswith(_INHERITED_PREFIXES)
                or (same_funnel and (k in _SAME_FUNNEL or k.startswith(_SAME_FUNNEL_PREFIXES)))
            ):
                if k.startswith("page:") and "|settings|" in k and not same_funnel:
                    continue  # a page result of the other settings
                view._memo.setdefault(k, v)
        return


def _new_view(
    full: Dataset,
    filters: Filters,
    settings: FunnelSettings,
    grain: Literal["week", "month"],
    *,
    shared: bool,
) -> View:
    cls = SharedView if shared else View
    # the filtered datasets, facts and funnel progress of a period: the period cache's (the
    # session's own for an upload, the server's for the demo), no loader: the View gathers
    # the users' columns onto the period's events by row (PeriodCache.events_with)
    cache = _period_cache(full, shared=shared)
    try:
        return cls(full, filters, settings, cohort_grain=grain, period_cache=cache)
    except ParcoursError:  # settings of a shared link that this data cannot have
        return cls(full, filters, FunnelSettings(), cohort_grain=grain, period_cache=cache)


def engine_view() -> Any:
    """The session's :class:`~kpi.engine.view.EngineView` of the connected table in use, with
    the sidebar's filters, the Funnel page's settings and the cohort grain (None when no
    connected table is in use: the pages read the uploaded or demo files)."""
    from pages._ui import connect

    if connect.connected() is None:
        return None
    return connect.view(state.current_filters(), funnel_settings(), cohort_grain())


def current_view() -> View | None:
    """The View of this session's current data, filters and settings (None without data, and
    while a connected table is in use: :func:`engine_view` is the view then)."""
    full: Dataset | None = st.session_state.get("dataset")
    if full is None or state.connected_in_use():
        return None
    filters = state.current_filters()
    settings = funnel_settings()
    grain = cohort_grain()
    key = f"{state.view_key()}|{grain}|settings={settings!r}"
    views: dict[str, View] = st.session_state.setdefault(_VIEWS, {})
    if key in views and views[key].full is full:
        views[key] = views.pop(key)  # most recent last
        return views[key]
    # nothing is computed here (the sidebar asks for the View before the page is drawn): the
    # filtered datasets are computed when first needed
    if state.using_demo():
        shared, lock = _shared_views()
        with lock:
            view = shared.get(key)
            if view is None or view.full is not full:
                view = _new_view(full, filters, settings, grain, shared=True)
                _inherit(view, shared, key)
                shared[key] = view
            shared.move_to_end(key)
            while len(shared) > _SHARED_KEEP:
                shared.popitem(last=False)
    else:
        view = _new_view(full, filters, settings, grain, shared=False)
        _inherit(view, views, key)
    views.pop(key, None)
    views[key] = view
    while len(views) > _KEEP:
        views.pop(next(iter(views)))
    return view


def cached(name: str, fn: Callable[[], T], *parts: object, settings: bool = False) -> T:
    """``fn()`` once per view: kept on the current :class:`View` under ``name`` and ``parts``
    (language-independent facts only: numbers and tables, never words). ``settings``: the
    result depends on the funnel settings (a View with other settings recomputes it); else
    it is inherited by the Views of the same data and filters."""
    view = current_view()
    if view is None:
        return fn()
    tag = "|settings|" if settings else "|"
    return view.memo(f"page:{name}{tag}{parts!r}", fn)


def per_view(fn: Callable[..., T]) -> Callable[..., T]:
    """A page's computation kept on the current View (as :func:`cached`), keyed by its
    arguments except those whose name starts with ``_`` (datasets: the View is theirs): the
    session-scoped ``st.cache_data`` it replaces hashed nothing more, and this one is shared
    by the Views of the same data and filters and, for the demo data, by every session."""
    sig = inspect.signature(fn)
    name = f"{os.path.basename(fn.__code__.co_filename)}:{fn.__qualname__}"

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> T:
        bound = sig.bind(*args, **kwargs)
        bound.apply_defaults()
        parts = tuple((k, v) for k, v in bound.arguments.items() if not k.startswith("_"))
        return cached(name, lambda: fn(*args, **kwargs), parts)

    return wrapper


_DATA = "_data_results"


@st.cache_resource(show_spinner=False)
def _shared_data() -> tuple[OrderedDict[tuple, Any], threading.Lock]:
    """Results of the unfiltered demo data (quality, step choices...), once per server."""
    return OrderedDict(), threading.Lock()


def data_cached(name: str, fn: Callable[[], T], *parts: object) -> T:
    """``fn()`` once per data (``state.digest()``, whatever the filters): per server for the
    demo data, per session for an upload (language-independent facts only)."""
    key = (state.digest(), name, parts)
    if state.using_demo() and not state.connected_in_use():
        store, lock = _shared_data()
        if key in store:
            return store[key]
        with lock:  # the demo's data-wide results are small and quick: one lock is enough
            if key not in store:
                store[key] = fn()
                while len(store) > 256:
                    store.popitem(last=False)
            return store[key]
    mine: OrderedDict[tuple, Any] = st.session_state.setdefault(_DATA, OrderedDict())
    if key not in mine:
        mine[key] = fn()
        while len(mine) > 64:
            mine.popitem(last=False)
    return mine[key]


def stage_kpis(key: str, _ds: Dataset) -> list[stages.Kpi]:
    """The stage KPIs of the view (``key``: state.view_key()) or of its previous period
    (``key``: the first item of :func:`previous_view`), from the session's View.
    Raises :class:`~kpi.errors.ParcoursError` when they cannot be computed."""
    view = current_view()
    if view is not None and key == state.view_key():
        return view.kpis(strict=True)
    prev = previous_view()
    if view is not None and prev is not None and key == prev[0]:
        return view.previous_kpis(strict=True) or []
    return _stage_kpis(key, _ds)  # another view than the session's (not expected)


@st.cache_data(scope="session", max_entries=4, show_spinner=False)
def _stage_kpis(key: str, _ds: Dataset) -> list[stages.Kpi]:
    full = st.session_state.get("dataset")
    first_seen = (
        full.users.select("user_id", "first_seen")
        if full is not None and "first_seen" in full.users.columns
        else None
    )
    return stages.stage_kpis(_ds, first_seen=first_seen)


def quality_summary(key: str, _ds: Dataset) -> quality.Quality:
    """The Data page's quality report of the unfiltered data (``key``: state.digest())."""
    return data_cached("quality", lambda: quality.quality_summary(_ds), key)


def previous_view() -> tuple[str, Dataset] | None:
    """(key, dataset) of the previous period (:meth:`kpi.filters.Filters.previous`), when a
    period is chosen and there are events in it."""
    f: Filters | None = st.session_state.get("filters")
    prev = f.previous() if f is not None else None
    if prev is None:
        return None
    view = current_view()
    if view is not None and view.filters.key() == f.key():  # type: ignore[union-attr]
        ds = view.previous  # the View's own (shared for the demo data)
        return None if ds is None else (f"{state.digest()}|{prev.key()}", ds)
    ds = state.view(prev)
    if ds is None or ds.events.height == 0:
        return None
    return f"{state.digest()}|{prev.key()}", ds


def red_flags(ds: Dataset, thresholds: alerts.Thresholds | None = None) -> list[alerts.RedFlag]:
    """Red flags of the current view, the same list as the workbook's Summary sheet.

    One computation (the session's :class:`~kpi.view.View`): stage KPIs and the Funnel page's
    funnel (steps, order, window) vs the previous period, with ``thresholds`` (default: the
    session's). The flags follow the session's filters (``ds`` is that view).
    """
    from pages._ui.lang import t

    t_ = thresholds or st.session_state.get("thresholds") or alerts.Thresholds()
    try:
        view = current_view()
        return view.red_flags(t_) if view is not None else []
    except ParcoursError as exc:
        st.warning(t(Fact("export.flags_failed", why=exc.message)))
        return []
