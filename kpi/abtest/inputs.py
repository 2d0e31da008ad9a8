"""Checks of what a person typed for a test: whole non-negative counts, conversions at most
visitors, a significance level strictly between 0 and 1. Impossible input raises
:class:`kpi.errors.InputError` whose message and hint are facts (``ab.input.*``)."""

from __future__ import annotations

import math
import numbers

from kpi.errors import InputError
from kpi.words import Fact

__all__ = ["alpha_level", "arm_counts", "count"]


def count(value: object, what: Fact) -> int:
    """A whole, non-negative count, or InputError saying what is wrong (``what`` names it)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise InputError(
            Fact("ab.input.not_whole", what=what, got=repr(value)), Fact("ab.input.hint_count")
        )
    if isinstance(value, numbers.Integral):
        n = int(value)
    else:
        x = float(value)
        if not math.isfinite(x) or not x.is_integer():
            raise InputError(
                Fact("ab.input.not_whole_people", what=what, got=repr(value)),
                Fact("ab.input.hint_counts_not_rates"),
            )
        n = int(x)
    if n < 0:
        raise InputError(
            Fact("ab.input.negative", what=what, got=n), Fact("ab.input.hint_check_typed")
        )
    return n


def arm_counts(conversions: object, visitors: object, name: str) -> tuple[int, int]:
    """(conversions, visitors) of the group ``name``, checked."""
    x = count(conversions, Fact("ab.input.what_conversions", group=name))
    n = count(visitors, Fact("ab.input.what_visitors", group=name))
    if x > n:
        raise InputError(
            Fact("ab.input.more_conversions", group=name, conversions=x, visitors=n),
            Fact("ab.input.hint_swapped"),
        )
    return x, n


def alpha_level(alpha: object) -> float:
    """The significance level as a float strictly between 0 and 1."""
    if isinstance(alpha, bool) or not isinstance(alpha, numbers.Real):
        raise InputError(Fact("ab.input.alpha_not_number", got=repr(alpha)))
    a = float(alpha)
    if not 0.0 < a < 1.0:
        raise InputError(Fact("ab.input.alpha_range", got=a), Fact("ab.input.hint_alpha"))
    return a
