"""The settings of each analysis, one typed object each, shared by pages, red flags, the
workbook and the command line (read from widgets and the URL in one place:
``pages/_ui/settings.py``; from options on the command line)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Literal

__all__ = ["DEFAULT_WINDOW", "WINDOW_UNITS", "FunnelSettings", "window_from"]

#: conversion-window units -> seconds (a month counts as 30 days); "none" means no window.
WINDOW_UNITS: dict[str, int] = {
    "minutes": 60,
    "hours": 3600,
    "days": 86400,
    "weeks": 7 * 86400,
    "months": 30 * 86400,
}
DEFAULT_WINDOW = timedelta(days=14)


def window_from(amount: float | None, unit: str | None) -> timedelta | None:
    """The conversion window of ``amount`` ``unit`` (None for "none" / no limit)."""
    if unit is None or unit not in WINDOW_UNITS:
        return None
    return timedelta(seconds=float(amount if amount is not None else 14) * WINDOW_UNITS[unit])


@dataclass(frozen=True)
class FunnelSettings:
    """What defines the funnel of a view: steps (None: the data's step order), order, window
    (None: no limit), open funnel, breakdown segment (None: none)."""

    steps: tuple[str, ...] | None = None
    order: Literal["sequential", "any"] = "sequential"
    window: timedelta | None = DEFAULT_WINDOW
    open_funnel: bool = False
    segment: str | None = None
