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
    "Exclusion",
    "FunnelSettings",
    "StepWindow",
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
class Exclusion:
    """An exclusion step: a user's path through the funnel that meets an ``event`` after its
    step ``after`` and before its step ``before`` (step names of the funnel, ``after`` listed
    first) ends at the last step it reached before that event (:mod:`kpi.funnel.rules`)."""

    event: str
    after: str
    before: str


@dataclass(frozen=True)
class StepWindow:
    """A conversion window for one step: ``step`` (a step name, not the first) counts only
    when done at most ``amount`` ``unit`` (a unit of :data:`WINDOW_UNITS`) after the step
    before it in the path; the overall window still bounds the whole path."""

    step: str
    amount: float
    unit: str

    @property
    def window(self) -> timedelta:
        """The window as a duration."""
        return timedelta(seconds=float(self.amount) * WINDOW_UNITS[self.unit])


@dataclass(frozen=True)
class FunnelSettings:
    """What defines the funnel of a view: steps (None: the data's step order), order, window
    (None: no limit), open funnel, breakdown segment (None: none); ``window_amount`` and
    ``window_unit`` say the window as chosen (``14`` ``days``; unit ``none`` for no limit), for
    the words that describe it; ``exclusions`` and ``step_windows``: the exclusion steps and the
    per-step windows (:mod:`kpi.funnel.rules`)."""

    steps: tuple[str, ...] | None = None
    order: Literal["sequential", "any"] = "sequential"
    window: timedelta | None = DEFAULT_WINDOW
    open_funnel: bool = False
    segment: str | None = None
    window_amount: float = DEFAULT_WINDOW_AMOUNT
    window_unit: str = DEFAULT_WINDOW_UNIT
    exclusions: tuple[Exclusion, ...] = ()
    step_windows: tuple[StepWindow, ...] = ()
