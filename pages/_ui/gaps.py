"""Tracking gaps (kpi.gaps) on the Data and Funnel pages: computed once per view and steps,
worded as one warning per step (the words are the fact :func:`kpi.ingest.gaps.gap_fact`)."""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from kpi import gaps
from kpi.dataset import Dataset
from kpi.ingest.gaps import gap_fact
from pages._ui.lang import t


@st.cache_data(scope="session", max_entries=16, show_spinner=False)
def find(key: str, steps: tuple[str, ...], _ds: Dataset) -> list[gaps.TrackingGap]:
    """Gaps of the event log's daily users per step, else of the aggregated counts per day."""
    if _ds.events.height and _ds.has_timestamps and "ts" in _ds.events.columns:
        return gaps.gaps_in_events(_ds.events, steps)
    if _ds.counts is not None and _ds.counts.height:
        return gaps.gaps_in_counts(_ds.counts, steps)
    return []


def sentence(g: gaps.TrackingGap, *, aggregated: bool = False) -> str:
    """Which step, which dates, how many days, and what it means (Markdown, reader's language)."""
    return t(gap_fact(g, aggregated=aggregated))


def show(found: Sequence[gaps.TrackingGap], *, aggregated: bool = False) -> None:
    for g in found:
        st.warning(sentence(g, aggregated=aggregated), icon=":material/data_alert:")
