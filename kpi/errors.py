"""Exceptions that carry a message for a person (what is wrong, and what to do next).

``message`` and ``hint`` are :class:`kpi.words.Fact` (a code and its values) rendered in the
reader's language by the page, the workbook or the command line (:func:`kpi.words.render`);
``str(exc)`` is the English rendering, for logs and tests.
"""

from __future__ import annotations

from kpi.words import Fact, Lang, render


class ParcoursError(Exception):
    """Base error: ``message`` says what is wrong, ``hint`` what the user can do about it."""

    def __init__(self, message: Fact, hint: Fact | None = None) -> None:
        self.message = message
        self.hint = hint if hint is not None else None  # a Fact without values is falsy
        super().__init__(self.text("en"))

    def text(self, lang: Lang = "en", *, markdown: bool = False) -> str:
        """The message and its hint in ``lang``."""
        msg = render(self.message, lang, markdown=markdown)
        return msg if self.hint is None else f"{msg} {render(self.hint, lang, markdown=markdown)}"

    def __str__(self) -> str:
        return self.text("en")


class UnreadableFileError(ParcoursError):
    """The file cannot be read as a table (empty, binary, bomb, too large, no header...)."""


class SchemaError(ParcoursError):
    """The table was read but its columns cannot be mapped to what an analysis needs."""


class InputError(ParcoursError):
    """Values given to an analysis are impossible (negative counts, conversions > visitors...)."""
