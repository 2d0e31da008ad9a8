"""Cached calls into kpi shared by several pages (session-scoped: no data crosses sessions).

Each wrapper takes the view key (data digest + filters) as its hashed argument and the
Dataset unhashed (``_ds``): large frames are never hashed, and results are per session.
"""

from __future__ import annotations

import polars as pl
import streamlit as st

from kpi import alerts, stages
from kpi.dataset import Dataset
from kpi.filters import Filters
from pages._ui import state


@st.cache_data(scope="session", max_entries=16, show_spinner=False)
def stage_kpis(key: str, _ds: Dataset) -> list[stages.Kpi]:
    return stages.stage_kpis(_ds, first_seen=_first_seen())


def _first_seen() -> pl.DataFrame | None:
    full = st.session_state.get("dataset")
    if full is None or "first_seen" not in full.users.columns:
        return None
    return full.users.select("user_id", "first_seen")


def previous_view() -> tuple[str, Dataset] | None:
    """(key, dataset) of the previous period of the same length, when a period is chosen."""
    f: Filters | None = st.session_state.get("filters")
    prev = f.previous() if f is not None else None
    if prev is None:
        return None
    ds = state.view(prev)
    if ds is None or ds.events.height == 0:
        return None
    return f"{state.digest()}|{prev.key()}", ds


@st.cache_data(scope="session", max_entries=16, show_spinner=False)
def monthly_duration(key: str, _ds: Dataset) -> pl.DataFrame | None:
    try:
        return stages.monthly_session_duration(_ds.events)
    except Exception:  # no sessions or timestamps: the flag is simply not computed
        return None


def red_flags(ds: Dataset, thresholds: alerts.Thresholds | None = None) -> list[alerts.RedFlag]:
    """Red flags of the current view (vs the previous period when there is one)."""
    key = state.view_key()
    current = stage_kpis(key, ds)
    prev = previous_view()
    previous = stage_kpis(prev[0], prev[1]) if prev else None
    return alerts.red_flags(
        current,
        previous,
        monthly_duration=monthly_duration(key, ds),
        thresholds=thresholds or st.session_state.get("thresholds") or alerts.Thresholds(),
    )
