"""Cached calls into kpi shared by several pages (session-scoped: no data crosses sessions).

Each wrapper takes the view key (data digest + filters) as its hashed argument and the
Dataset unhashed (``_ds``): large frames are never hashed, and results are per session.
"""

from __future__ import annotations

import polars as pl
import streamlit as st

from kpi import alerts, quality, report, stages
from kpi.dataset import Dataset
from kpi.errors import ParcoursError
from kpi.filters import Filters
from pages._ui import state


@st.cache_data(scope="session", max_entries=16, show_spinner=False)
def stage_kpis(key: str, _ds: Dataset) -> list[stages.Kpi]:
    return stages.stage_kpis(_ds, first_seen=_first_seen())


@st.cache_data(scope="session", max_entries=4, show_spinner=False)
def quality_summary(key: str, _ds: Dataset) -> quality.Quality:
    """The Data page's quality report of the unfiltered data (``key``: state.digest())."""
    return quality.quality_summary(_ds)


def _first_seen() -> pl.DataFrame | None:
    full = st.session_state.get("dataset")
    if full is None or "first_seen" not in full.users.columns:
        return None
    return full.users.select("user_id", "first_seen")


def previous_view() -> tuple[str, Dataset] | None:
    """(key, dataset) of the previous period (:meth:`kpi.filters.Filters.previous`), when a period is chosen."""
    f: Filters | None = st.session_state.get("filters")
    prev = f.previous() if f is not None else None
    if prev is None:
        return None
    ds = state.view(prev)
    if ds is None or ds.events.height == 0:
        return None
    return f"{state.digest()}|{prev.key()}", ds


@st.cache_data(scope="session", max_entries=16, show_spinner=False)
def _report_flags(
    key: str, settings: str, _full: Dataset, _filters: Filters, _options: report.ReportOptions
) -> list[alerts.RedFlag]:
    # the stage KPIs come from this module's cache: the pages have usually computed them already
    kpis = stage_kpis(key, state.view(_filters)) if state.view(_filters) is not None else None
    prev = previous_view()
    return report.report_flags(
        _full,
        _filters,
        options=_options,
        kpis=kpis,
        previous_kpis=stage_kpis(*prev) if prev else None,
    )


def red_flags(ds: Dataset, thresholds: alerts.Thresholds | None = None) -> list[alerts.RedFlag]:
    """Red flags of the current view, the same list as the workbook's Summary sheet.

    One computation (``kpi.report.report_flags``, fed with the cached stage KPIs): stage KPIs
    and the Funnel page's funnel (steps, order, window) vs the previous period, with the
    session's thresholds. The flags follow the session's filters (``ds`` is that view).
    """
    from pages._ui import download  # imported here: download imports this module's siblings

    full = st.session_state.get("dataset")
    filters = st.session_state.get("filters")
    if full is None or filters is None:
        return []
    overrides = {"thresholds": thresholds} if thresholds is not None else {}
    options = download.current_options(**overrides)
    settings = repr((options.steps, options.order, options.window, options.thresholds))
    try:
        return _report_flags(state.view_key(), settings, full, filters, options)
    except ParcoursError as exc:
        st.warning(f"Red flags could not be checked: {exc}")
        return []
