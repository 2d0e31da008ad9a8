"""KPI definitions: one name and one formula in words per KPI, the same in the app and the workbook.

Each analysis module exposes ``DEFINITIONS: dict[str, Definition]`` keyed by the KPI's code
(``conversion``, ``cart_abandonment``...); :func:`all_definitions` gathers them. A
:class:`Definition` holds only language-neutral facts (its ``code``, ``unit`` and journey
``stage``); the words are the catalogue's ``def.<code>.label`` and ``def.<code>.formula``
(:mod:`kpi.words.catalogue.definitions`), in English and French: :func:`label` and
:func:`formula`, or ``definition.label(lang)`` / ``definition.formula(lang)``.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from typing import Any, Literal

from kpi.words import Fact, Lang, render

__all__ = ["Definition", "Unit", "Words", "all_definitions", "formula", "label"]

Unit = Literal["rate", "currency", "count", "seconds", "days", "ratio", "number", "months"]

#: the modules whose ``DEFINITIONS`` make the app's definitions, in journey order
_MODULES = ("funnel", "stages", "pipeline", "retention", "value", "advocacy", "abtest")


class Words(str):
    """Words of one or more facts: called with a language, they render in it (``d.label("fr")``).

    As a ``str`` they are the English words, so that code written when labels were English
    strings (``f"{d.label}: …"``) keeps working while it is converted.
    """

    facts: tuple[Fact, ...]

    def __new__(cls, facts: Iterable[Fact]) -> Words:
        facts = tuple(facts)
        self = super().__new__(cls, _join(facts, "en"))
        self.facts = facts
        return self

    def __call__(self, lang: Lang = "en", *, markdown: bool = False) -> str:
        return _join(self.facts, lang, markdown=markdown)

    def __reduce__(self) -> tuple[Any, ...]:
        return (Words, (self.facts,))


def _join(facts: Iterable[Fact], lang: Lang, *, markdown: bool = False) -> str:
    return " ".join(t for t in (render(f, lang, markdown=markdown) for f in facts) if t)


class Definition:
    """A KPI's code, unit and journey stage; its name and formula are the catalogue's:
    ``d.label(lang)`` and ``d.formula(lang)`` (as plain strings, the English words).

    ``Definition(unit, stage, code=…)`` (or ``Definition(code=…, unit=…, stage=…)``). The legacy
    positional form ``Definition(label, formula, unit, stage)`` of modules not yet converted is
    accepted: its English words are ignored, and the code is the key of its ``DEFINITIONS``
    dict (found by :func:`all_definitions`).
    """

    __slots__ = ("_code", "stage", "unit")

    def __init__(
        self, *args: str, code: str = "", unit: str | None = None, stage: str | None = None
    ) -> None:
        if len(args) >= 3:  # legacy (label, formula, unit[, stage]): the words are ignored
            args = args[2:]
        if args:
            unit = args[0] if unit is None else unit
        if len(args) > 1:
            stage = args[1] if stage is None else stage
        if unit is None:
            raise TypeError("Definition needs a unit")
        object.__setattr__(self, "_code", code)
        object.__setattr__(self, "unit", unit)
        object.__setattr__(self, "stage", stage or "")

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("Definition is immutable")

    @property
    def code(self) -> str:
        """The KPI's code (``def.<code>.*`` in the catalogue)."""
        if not self._code:
            all_definitions()  # names every registered definition after its key
        return self._code

    # ``label`` and ``formula`` are :class:`Words` (``d.label("fr")``, ``d.formula("en")``):
    def __getattribute__(self, name: str) -> Any:
        # ``d.label`` / ``d.formula`` read as attributes are the English words (legacy
        # readers), and still render in another language when called: ``d.label("fr")``.
        if name in ("label", "formula"):
            code = object.__getattribute__(self, "code")
            return Words([Fact(f"def.{code}.{name}")])
        return object.__getattribute__(self, name)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Definition) and (self.code, self.unit, self.stage) == (
            other.code,
            other.unit,
            other.stage,
        )

    def __hash__(self) -> int:
        return hash((self.code, self.unit, self.stage))

    def __repr__(self) -> str:
        return f"Definition(code={self.code!r}, unit={self.unit!r}, stage={self.stage!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (_definition, (self.code, self.unit, self.stage))


def _definition(code: str, unit: str, stage: str) -> Definition:
    return Definition(code=code, unit=unit, stage=stage)


def all_definitions() -> dict[str, Definition]:
    """Every KPI definition of every analysis module, in journey order (each named after its
    key: a legacy definition gets its code here)."""
    out: dict[str, Definition] = {}
    for name in _MODULES:
        try:
            module = importlib.import_module(f"kpi.{name}")
        except ModuleNotFoundError:  # pragma: no cover - a module not written yet
            continue
        for code, d in getattr(module, "DEFINITIONS", {}).items():
            if isinstance(d, Definition) and not object.__getattribute__(d, "_code"):
                object.__setattr__(d, "_code", code)
            out[code] = d
    return out


def label(code: str, lang: Lang = "en") -> str:
    """The KPI's name in ``lang`` (catalogue ``def.<code>.label``)."""
    return render(f"def.{code}.label", lang)


def formula(code: str, lang: Lang = "en") -> str:
    """The KPI's definition in words in ``lang`` (catalogue ``def.<code>.formula``)."""
    return render(f"def.{code}.formula", lang)
