"""Exceptions that carry a message for a person (what is wrong, and what to do next)."""

from __future__ import annotations


class ParcoursError(Exception):
    """Base error: ``message`` says what is wrong, ``hint`` what the user can do about it."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message if not hint else f"{message} {hint}")
        self.message = message
        self.hint = hint


class UnreadableFileError(ParcoursError):
    """The file cannot be read as a table (empty, binary, bomb, too large, no header...)."""


class SchemaError(ParcoursError):
    """The table was read but its columns cannot be mapped to what an analysis needs."""


class InputError(ParcoursError):
    """Values given to an analysis are impossible (negative counts, conversions > visitors...)."""
