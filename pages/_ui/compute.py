"""One computation per view, shared by the pages, the Overview, the red flags and the workbook.

:func:`current_view` keeps one :class:`kpi.view.View` per view (data digest + filters + funnel
settings + cohort grain) in ``st.session_state`` (per session: nothing crosses sessions; a
few recent views are kept so that going back to a filter is instant). The View computes each
result once, when first asked: the stage KPIs of the view and of the previous period, the
funnel of the view's funnel settings, the red flags, the retention and value summaries. The
workbook downloaded from a page is built from the same View (``ReportOptions.view``).
"""

from __future__ import annotations

from typing import Literal

import streamlit as st

from kpi import alerts, quality, stages
from kpi.dataset import Dataset
from kpi.errors import ParcoursError
from kpi.filters import Filters
from kpi.settings import FunnelSettings
from kpi.view import View
from kpi.words import Fact
from pages._ui import state

__all__ = [
    "current_view",
    "funnel_settings",
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


def current_view() -> View | None:
    """The View of this session's current data, filters and settings (None without data)."""
    full: Dataset | None = st.session_state.get("dataset")
    if full is None:
        return None
    filters = state.current_filters()
    settings = funnel_settings()
    grain = cohort_grain()
    key = f"{state.view_key()}|{settings!r}|{grain}"
    views: dict[str, View] = st.session_state.setdefault(_VIEWS, {})
    if key in views:
        views[key] = views.pop(key)  # most recent last
        return views[key]
    # nothing is computed here (the sidebar asks for the View before the page is drawn): the
    # filtered datasets come from the session's memo (state.view) when first needed
    try:
        view = View(full, filters, settings, cohort_grain=grain, loader=state.view)
    except ParcoursError:  # settings of a shared link that this data cannot have
        view = View(full, filters, FunnelSettings(), cohort_grain=grain, loader=state.view)
    views[key] = view
    while len(views) > _KEEP:
        views.pop(next(iter(views)))
    return view


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


@st.cache_data(scope="session", max_entries=4, show_spinner=False)
def quality_summary(key: str, _ds: Dataset) -> quality.Quality:
    """The Data page's quality report of the unfiltered data (``key``: state.digest())."""
    return quality.quality_summary(_ds)


def previous_view() -> tuple[str, Dataset] | None:
    """(key, dataset) of the previous period (:meth:`kpi.filters.Filters.previous`), when a
    period is chosen and there are events in it."""
    f: Filters | None = st.session_state.get("filters")
    prev = f.previous() if f is not None else None
    if prev is None:
        return None
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
