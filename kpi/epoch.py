"""Epoch timestamps: moved to :mod:`kpi.ingest.epoch` (names kept for other modules)."""

from __future__ import annotations

from kpi.ingest.epoch import (
    epoch_to_datetime,
    epoch_unit,
    from_epoch,
    unit_by_magnitude,
)

__all__ = [
    "epoch_to_datetime",
    "epoch_unit",
    "from_epoch",
    "unit_by_magnitude",
]
