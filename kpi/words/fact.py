"""A fact: a message code and the values it needs, rendered later in the reader's language."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, Literal

Lang = Literal["en", "fr"]
LANGS: tuple[Lang, ...] = ("fr", "en")


class Fact(Mapping[str, Any]):
    """``Fact(code, **values)``: what kpi returns instead of a sentence.

    ``code`` names a message of :mod:`kpi.words.catalogue`; ``values`` are the numbers, names
    and nested facts that the message needs (rates as fractions, amounts as numbers, user values
    as plain strings). A fact is a read-only mapping of its values, compares by code and values,
    pickles (``st.cache_data``), and ``str(fact)`` is its English rendering (for logs and tests).
    """

    __slots__ = ("_code", "_values")

    def __init__(self, code: str, /, **values: Any) -> None:
        object.__setattr__(self, "_code", code)
        object.__setattr__(self, "_values", dict(values))

    @property
    def code(self) -> str:
        return self._code

    @property
    def values(self) -> dict[str, Any]:  # type: ignore[override]
        return dict(self._values)

    def __getitem__(self, key: str) -> Any:
        return self._values[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __bool__(self) -> bool:  # a fact without values is still a message (Mapping says False)
        return True

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("Fact is immutable")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Fact) and (self._code, self._values) == (
            other._code,
            other._values,
        )

    def __hash__(self) -> int:
        return hash((self._code, repr(sorted(self._values.items(), key=lambda kv: kv[0]))))

    def __repr__(self) -> str:
        inner = ", ".join(f"{k}={v!r}" for k, v in self._values.items())
        return f"Fact({self._code!r}{', ' if inner else ''}{inner})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (_make, (self._code, self._values))

    def __str__(self) -> str:
        from kpi.words.render import render

        return render(self, "en")

    def with_values(self, **values: Any) -> Fact:
        """The same message with some values replaced or added."""
        return Fact(self._code, **{**self._values, **values})


def _make(code: str, values: dict[str, Any]) -> Fact:
    return Fact(code, **values)


class Raw(str):
    """Text already rendered for its target (Markdown written by the catalogue): not escaped."""

    __slots__ = ()
