"""The settings of each analysis, one typed object each, shared by pages, red flags, the
workbook and the command line (read from widgets and the URL in one place:
``pages/_ui/settings.py``; from options on the command line)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Literal

__all__ = [
    "DEFAULT_WINDOW",
    "DEFAULT_WINDOW_AMOUNT",
    "DEFAULT_WINDOW_UNIT",
    "NO_WINDOW",
    "ORDERS",
    "WINDOW_UNITS",
    "FunnelSettings",
    "window_from",
]

#: conversion-window units -> seconds (a month counts as 30 days); "none" means no window.
WINDOW_UNITS: dict[str, int] = {
    "minutes": 60,
    "hours": 3600,
    "days": 86400,
    "weeks": 7 * 86400,
    "months": 30 * 86400,
}
DEFAULT_WINDOW = timedelta(days=14)
DEFAULT_WINDOW_AMOUNT = 14
DEFAULT_WINDOW_UNIT = "days"
#: the window unit meaning "no limit" (``fn_unit=none``; old links said ``no limit``)
NO_WINDOW = "none"
#: funnel orders (``fn_order``): in order, or all of the steps in any order
ORDERS: tuple[str, ...] = ("sequential", "any")


def window_from(amount: float | None, unit: str | None) -> timedelta | None:
    """The conversion window of ``amount`` ``unit`` (None for "none" / no limit)."""
    if unit is None or unit not in WINDOW_UNITS:
        return None
    return timedelta(seconds=float(amount if amount is not None else 14) * WINDOW_UNITS[unit])


@dataclass(frozen=True)
class FunnelSettings:
    """What defines the funnel of a view: steps (None: the data's step order), order, window
    (None: no limit), open funnel, breakdown segment (None: none); ``window_amount`` and
    ``window_unit`` say the window as chosen (``14`` ``days``; unit ``none`` for no limit), for
    the words that describe it."""

    steps: tuple[str, ...] | None = None
    order: Literal["sequential", "any"] = "sequential"
    window: timedelta | None = DEFAULT_WINDOW
    open_funnel: bool = False
    segment: str | None = None
    window_amount: float = DEFAULT_WINDOW_AMOUNT
    window_unit: str = DEFAULT_WINDOW_UNIT
