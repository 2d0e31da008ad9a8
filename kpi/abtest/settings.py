"""The settings of an A/B analysis: one typed object read from the page's widgets and URL in
one place (``pages/_ui/ab_settings.py``), from options on the command line, or the defaults
for the workbook computed without the page."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from kpi.words import Fact

__all__ = ["ABSettings", "Correction", "Family", "Mode"]

Mode = Literal["quick", "data"]
Correction = Literal["holm", "bh"] | None
Family = Literal["variants", "variants x segments"]


@dataclass(frozen=True)
class ABSettings:
    """What the analyst chose for a test.

    ``mode``: "quick" (counts typed or pasted) or "data" (counted from the data).
    From data: ``variant`` (the assignment column), ``flag`` (a yes/no column of the users) or
    ``step`` (reached that funnel step, within ``window_days`` of step 1; 0 = no window),
    ``segment`` (breakdown, None = none), ``control`` (None = the likely control).
    Statistics: ``alpha`` (significance level), ``correction`` ("holm", "bh", None) over the
    ``family`` of comparisons, ``planned_split`` (shares in the order of the groups, None =
    equal), ``mde`` (smallest effect worth detecting, a fraction: relative when
    ``mde_relative`` else in absolute rate), ``power``, ``peeked`` (show always-valid results).
    The test planner's own inputs (baseline, traffic) make a :class:`kpi.abtest.Plan`.
    """

    mode: Mode = "quick"
    variant: str | None = None
    control: str | None = None
    flag: str | None = None
    step: str | None = None
    window_days: float = 0.0
    segment: str | None = None
    alpha: float = 0.05
    correction: Correction = "holm"
    family: Family = "variants x segments"
    planned_split: tuple[float, ...] | None = None
    mde: float = 0.05
    mde_relative: bool = True
    power: float = 0.8
    peeked: bool = False

    @property
    def metric(self) -> Fact:
        """What counts as a conversion, in words (``ab.metric.*``)."""
        if self.step is not None:
            return Fact("ab.metric.reached", step=self.step)
        if self.flag is not None:
            return Fact("ab.metric.flag", flag=self.flag)
        return Fact("ab.metric.conversion")
