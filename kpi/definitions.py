"""KPI definitions: one formula in words per KPI, the same text in the app and the workbook.

Each analysis module exposes ``DEFINITIONS: dict[str, Definition]`` keyed by the KPI's code
name (``conversion``, ``cart_abandonment``...). :func:`all_definitions` gathers them.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Literal

Unit = Literal["rate", "currency", "count", "seconds", "days", "ratio", "number", "months"]


@dataclass(frozen=True)
class Definition:
    """A KPI's label as shown to users, its formula in words, its unit and its journey stage."""

    label: str
    formula: str
    unit: Unit
    stage: str = ""  # awareness, consideration, decision, retention, advocacy, value, funnel, ab


_MODULES = ("funnel", "stages", "retention", "value", "advocacy", "abtest")


def all_definitions() -> dict[str, Definition]:
    """Every KPI definition of every analysis module, in journey order."""
    out: dict[str, Definition] = {}
    for name in _MODULES:
        try:
            module = importlib.import_module(f"kpi.{name}")
        except ModuleNotFoundError:  # pragma: no cover - a module not written yet
            continue
        out.update(getattr(module, "DEFINITIONS", {}))
    return out


def label(code: str, lang: str = "en") -> str:
    """The KPI's name in ``lang`` (catalogue ``def.<code>.label``)."""
    from kpi.words import render

    return render(f"def.{code}.label", lang)  # type: ignore[arg-type]


def formula(code: str, lang: str = "en") -> str:
    """The KPI's definition in words in ``lang`` (catalogue ``def.<code>.formula``)."""
    from kpi.words import render

    return render(f"def.{code}.formula", lang)  # type: ignore[arg-type]
