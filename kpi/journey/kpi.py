"""One stage KPI: its value with where it comes from, or why it is not available (facts)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kpi.definitions import Words
from kpi.words import Fact

__all__ = ["Kpi", "empty", "missing", "needs", "not_applicable", "ok", "rate"]


@dataclass(frozen=True, init=False)
class Kpi:
    """One KPI value with its definition, or the reason it is not available.

    ``missing`` is a :class:`~kpi.words.Fact` saying what would unlock the KPI (a column, a
    file, a step) or that the selection is empty; for a KPI that does not apply to the data,
    ``reason`` is a code of :mod:`kpi.reasons` and ``missing`` its fact. ``notes`` are facts
    that the definition says about this data (added after the formula). ``currency`` is the
    data's ISO currency for money KPIs (None when the data does not say).

    Words: ``label(lang)`` and ``formula(lang)`` (as plain strings, the English words).
    Legacy positional form accepted: ``Kpi(code, label, stage, value, unit, formula,
    available, missing, numerator, denominator, reason)`` (the words are ignored).
    """

    code: str
    stage: str
    value: float | None
    unit: str
    available: bool
    missing: Fact | None = None
    numerator: float | None = None
    denominator: float | None = None
    reason: str | None = None
    notes: tuple[Fact, ...] = field(default=())
    currency: str | None = None

    def __init__(
        self,
        code: str,
        *legacy: Any,
        stage: str | None = None,
        value: float | None = None,
        unit: str | None = None,
        available: bool | None = None,
        missing: Fact | None = None,
        numerator: float | None = None,
        denominator: float | None = None,
        reason: str | None = None,
        notes: tuple[Fact, ...] = (),
        currency: str | None = None,
    ) -> None:
        if legacy:  # (label, stage, value, unit, formula, available, missing, num, den, reason)
            padded = [*legacy, *([None] * (10 - len(legacy)))]
            _, stage, value, unit, _, available, missing, numerator, denominator, reason = padded
        if stage is None or unit is None:
            from kpi.definitions import all_definitions

            d = all_definitions()[code]
            stage = d.stage if stage is None else stage
            unit = d.unit if unit is None else unit
        values = {
            "code": code,
            "stage": stage,
            "value": value,
            "unit": unit,
            "available": value is not None if available is None else bool(available),
            "missing": missing,
            "numerator": numerator,
            "denominator": denominator,
            "reason": reason,
            "notes": tuple(notes),
            "currency": currency,
        }
        for name, v in values.items():
            object.__setattr__(self, name, v)

    @property
    def not_applicable(self) -> bool:
        """True when the KPI does not apply to this data (``reason`` says why), as opposed
        to missing a column that would unlock it."""
        return self.reason is not None

    @property
    def label(self) -> Words:
        """The KPI's name: ``k.label("fr")`` (as a string, English)."""
        return Words([Fact(f"def.{self.code}.label")])

    @property
    def formula(self) -> Words:
        """The KPI's definition followed by what it says about this data (``notes``):
        ``k.formula("fr")`` (as a string, English)."""
        return Words([Fact(f"def.{self.code}.formula"), *self.notes])


def _definition(code: str) -> tuple[str, str]:
    from kpi.journey.definitions import DEFINITIONS

    d = DEFINITIONS[code]
    return d.stage, d.unit


def ok(
    code: str,
    value: float | None,
    num: float | None = None,
    den: float | None = None,
    notes: tuple[Fact, ...] = (),
) -> Kpi:
    """An available KPI (``num``/``den``: where a rate or a mean comes from)."""
    stage, unit = _definition(code)
    return Kpi(code, stage=stage, value=value, unit=unit, available=True, numerator=num,
               denominator=den, notes=notes)  # fmt: skip


def missing(code: str, why: Fact, num: float | None = None, den: float | None = None) -> Kpi:
    """A KPI that cannot be computed: ``why`` says what would unlock it."""
    stage, unit = _definition(code)
    return Kpi(code, stage=stage, value=None, unit=unit, available=False, missing=why,
               numerator=num, denominator=den)  # fmt: skip


def not_applicable(code: str, reason: str, num: float | None = None, den: float | None = None
                   ) -> Kpi:  # fmt: skip
    """A KPI that does not apply to this data: no value, ``reason`` a code of kpi.reasons."""
    from kpi import reasons

    stage, unit = _definition(code)
    return Kpi(code, stage=stage, value=None, unit=unit, available=False,
               missing=reasons.fact(reason), numerator=num, denominator=den,
               reason=reason)  # fmt: skip


def rate(code: str, num: float, den: float, empty_selection: Fact) -> Kpi:
    """num / den, or unavailable (``empty_selection`` says why) when the denominator is 0."""
    if den <= 0:
        return missing(code, empty_selection, num, den)
    return ok(code, num / den, num, den)


def needs(what: str) -> Fact:
    """What would unlock a KPI (``stages.needs.<what>``: a column, a file, a step)."""
    return Fact(f"stages.needs.{what}")


def empty(what: str) -> Fact:
    """Nothing to compute from in this selection (``stages.empty.<what>``)."""
    return Fact(f"stages.empty.{what}")
