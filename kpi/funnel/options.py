"""Exclusions and per-step windows written as text (the command line's ``--exclude
EVENT:FROM:TO`` and ``--step-window STEP=DURATION``), read into :mod:`kpi.settings`' types."""

from __future__ import annotations

import re
from collections.abc import Sequence

from kpi.errors import InputError
from kpi.settings import Exclusion, StepWindow
from kpi.words import Fact

__all__ = ["exclusion_of", "step_window_of"]

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(w|d|h|m|min)\s*$", re.I)
#: duration letters -> units of kpi.settings.WINDOW_UNITS
_UNIT = {"w": "weeks", "d": "days", "h": "hours", "m": "minutes", "min": "minutes"}


def _step(text: str, steps: Sequence[str] | None, given: str) -> str:
    """A step by name, or by number (1 = the first of ``steps``)."""
    name = text.strip()
    if name.isdigit():
        i = int(name)
        if not steps or not 1 <= i <= len(steps):
            raise InputError(
                Fact("funnel_rules.cli.bad_step", value=given, step=name, steps=list(steps or []))
            )
        return str(steps[i - 1])
    if steps and name not in steps:
        raise InputError(
            Fact("funnel_rules.cli.bad_step", value=given, step=name, steps=list(steps))
        )
    return name


def exclusion_of(text: str, steps: Sequence[str] | None = None) -> Exclusion:
    """``EVENT:FROM:TO`` (FROM and TO: step names, or numbers of ``steps``) as an
    :class:`Exclusion`. The event is split from the right, so it may hold a colon."""
    parts = text.rsplit(":", 2)
    if len(parts) != 3 or not all(p.strip() for p in parts):
        raise InputError(Fact("funnel_rules.cli.bad_exclude", value=text))
    event, after, before = parts
    return Exclusion(event.strip(), _step(after, steps, text), _step(before, steps, text))


def step_window_of(text: str, steps: Sequence[str] | None = None) -> StepWindow:
    """``STEP=DURATION`` (a step name or number; 30min, 2h, 7d, 1w) as a
    :class:`StepWindow`."""
    step, sep, duration = text.rpartition("=")
    m = _DURATION.match(duration)
    if not sep or not step.strip() or not m or not float(m.group(1)) > 0:
        raise InputError(Fact("funnel_rules.cli.bad_window", value=text))
    return StepWindow(_step(step, steps, text), float(m.group(1)), _UNIT[m.group(2).lower()])
