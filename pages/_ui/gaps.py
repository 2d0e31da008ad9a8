"""Tracking gaps (kpi.gaps) on the Data and Funnel pages: computed once per view and steps,
worded as one warning per step."""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from kpi import gaps
from kpi.dataset import Dataset
from pages._ui import format as fmt


@st.cache_data(scope="session", max_entries=16, show_spinner=False)
def find(key: str, steps: tuple[str, ...], _ds: Dataset) -> list[gaps.TrackingGap]:
    """Gaps of the event log's daily users per step, else of the aggregated counts per day."""
    if _ds.events.height and _ds.has_timestamps and "ts" in _ds.events.columns:
        return gaps.gaps_in_events(_ds.events, steps)
    if _ds.counts is not None and _ds.counts.height:
        return gaps.gaps_in_counts(_ds.counts, steps)
    return []


def _days(n: int) -> str:
    return f"{n} day{'s' if n != 1 else ''}"


def sentence(g: gaps.TrackingGap, *, aggregated: bool = False) -> str:
    """Which step, which dates, how many days, and what it means."""
    if len(g.runs) == 1:
        span = f"from {g.first_day} to {g.last_day}"
    else:
        runs = "; ".join(f"{r.first_day} to {r.last_day}, {_days(r.days)}" for r in g.runs)
        span = f"between {g.first_day} and {g.last_day} ({runs})"
    if g.reliable_from is None:
        meaning = f"unreliable from {g.first_day} to the end of the data"
    elif g.from_start:
        meaning = f"unreliable before {g.reliable_from}"
    else:
        meaning = f"unreliable from {g.first_day} to {g.last_day}"
    counted = (
        f"{g.next_step} counted {fmt.num(g.next_step_count)}"
        if aggregated
        else f"{fmt.num(g.next_step_count)} users did {g.next_step}"
    )
    return (
        f"**Tracking gap: {g.step}** is 0 on {_days(g.days)} {span}, while {counted} on those "
        f"days. The step was probably not tracked then; conversions from that step are "
        f"{meaning}."
    )


def show(found: Sequence[gaps.TrackingGap], *, aggregated: bool = False) -> None:
    for g in found:
        st.warning(sentence(g, aggregated=aggregated), icon=":material/data_alert:")
