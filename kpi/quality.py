"""The data-quality report: moved to :mod:`kpi.ingest.quality` (names kept for other modules)."""

from __future__ import annotations

from kpi.ingest.quality import (
    Quality,
    accounting,
    missing_values,
    quality_summary,
)

__all__ = [
    "Quality",
    "accounting",
    "missing_values",
    "quality_summary",
]
