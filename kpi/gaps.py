"""Tracking gaps: moved to :mod:`kpi.ingest.gaps` (names kept for other modules)."""

from __future__ import annotations

from kpi.ingest.gaps import (
    MIN_DAYS,
    GapRun,
    TrackingGap,
    daily_counts_from_counts,
    daily_counts_from_events,
    gap_fact,
    gaps_in_counts,
    gaps_in_events,
    tracking_gaps,
)

__all__ = [
    "MIN_DAYS",
    "GapRun",
    "TrackingGap",
    "daily_counts_from_counts",
    "daily_counts_from_events",
    "gap_fact",
    "gaps_in_counts",
    "gaps_in_events",
    "tracking_gaps",
]
