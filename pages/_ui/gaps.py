"""Tracking gaps (kpi.gaps) on the Data and Funnel pages: computed once per view and steps,
worded as one warning per step (the words are the fact :func:`kpi.ingest.gaps.gap_fact`)."""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl
import streamlit as st

from kpi import gaps
from kpi.dataset import Dataset
from kpi.ingest.gaps import daily_counts_from_events, gap_fact
from pages._ui import compute, state
from pages._ui.lang import t


def find(key: str, steps: tuple[str, ...], ds: Dataset) -> list[gaps.TrackingGap]:
    """Gaps of the event log's daily users per step, else of the aggregated counts per day,
    of the unfiltered data (``key``: ``state.digest()``) or of the view (``state.view_key()``),
    computed once (pages/_ui/compute.py)."""

    # the daily counts first (their own cache entry; the demo's data cache holds one lock
    # while it computes an entry, so one entry is not computed inside another)
    events = bool(ds.events.height and ds.has_timestamps and "ts" in ds.events.columns)
    daily = _daily(key, ds) if events else None

    def compute_it() -> list[gaps.TrackingGap]:
        if daily is not None:
            return tracking_gaps(daily, steps)
        if ds.counts is not None and ds.counts.height:
            return gaps.gaps_in_counts(ds.counts, steps)
        return []

    if key == state.digest():
        return compute.data_cached("gaps", compute_it, steps)
    return compute.cached("gaps", compute_it, steps)


def tracking_gaps(daily: pl.DataFrame, steps: Sequence[str]) -> list[gaps.TrackingGap]:
    """:func:`kpi.gaps.gaps_in_events` from the daily users of every step (``daily``): the
    rows of ``steps`` are the daily counts it computes itself."""
    names = [str(s) for s in dict.fromkeys(steps)]
    return gaps.tracking_gaps(daily.filter(pl.col("step").is_in(names)), steps)


def _daily(key: str, ds: Dataset) -> pl.DataFrame:
    """Daily users of every step of the events (once per view or data, whatever the funnel's
    steps: a step change only picks rows)."""

    def compute_it() -> pl.DataFrame:
        names = ds.events["step"].cast(pl.String).drop_nulls().unique().to_list()
        return daily_counts_from_events(ds.events, names)

    if key == state.digest():
        return compute.data_cached("gaps_daily", compute_it)
    return compute.cached("gaps_daily", compute_it)


def sentence(g: gaps.TrackingGap, *, aggregated: bool = False) -> str:
    """Which step, which dates, how many days, and what it means (Markdown, reader's language)."""
    return t(gap_fact(g, aggregated=aggregated))


def show(found: Sequence[gaps.TrackingGap], *, aggregated: bool = False) -> None:
    for g in found:
        st.warning(sentence(g, aggregated=aggregated), icon=":material/data_alert:")
