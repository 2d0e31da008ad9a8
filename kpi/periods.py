"""Calendar periods (day, ISO week, month) as integer indices, and small input checks shared
by the retention, value and advocacy analyses."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

import polars as pl

from kpi.errors import InputError, SchemaError
from kpi.words import Fact

Grain = Literal["day", "week", "month"]


def period_index(ts: pl.Expr, grain: Grain) -> pl.Expr:
    """Integer index of the calendar period holding ``ts`` (consecutive periods differ by 1)."""
    if grain == "month":
        return (ts.dt.year().cast(pl.Int32) * 12 + ts.dt.month().cast(pl.Int32) - 1).cast(pl.Int64)
    days = ts.dt.date().cast(pl.Int32).cast(pl.Int64)
    if grain == "week":  # 1970-01-01 is a Thursday: +3 puts Mondays on multiples of 7
        return (days + 3) // 7
    return days


def period_start(index: pl.Expr, grain: Grain) -> pl.Expr:
    """First day (Date) of the period with the given index."""
    if grain == "month":
        return pl.date(index // 12, index % 12 + 1, 1)
    if grain == "week":
        return (index * 7 - 3).cast(pl.Int32).cast(pl.Date)
    return index.cast(pl.Int32).cast(pl.Date)


def period_label(start: pl.Expr, grain: Grain) -> pl.Expr:
    """``2025-03`` (month), ``2025-W11`` (ISO week), ``2025-03-14`` (day).

    Weeks are ISO weeks (Monday to Sunday) in every language: a French week starts on Monday,
    and an English view uses the same weeks, so that a cohort or a weekly figure never changes
    with the language of the reader (a Sunday-start week would move every Sunday's users)."""
    fmt = {"month": "%Y-%m", "week": "%G-W%V", "day": "%Y-%m-%d"}[grain]
    return start.dt.strftime(fmt)


def scalar_index(moment: datetime, grain: Grain) -> int:
    """:func:`period_index` of one Python datetime."""
    if grain == "month":
        return moment.year * 12 + moment.month - 1
    days = (moment.date() - date(1970, 1, 1)).days
    return (days + 3) // 7 if grain == "week" else days


def check_grain(grain: str, allowed: tuple[str, ...] = ("day", "week", "month")) -> None:
    """An :class:`InputError` for a period name that is not allowed."""
    if grain not in allowed:
        raise InputError(
            Fact("periods.unknown_grain", grain=grain),
            Fact("periods.choose_grain", allowed=[Fact(f"periods.grain.{a}") for a in allowed]),
        )


def require_columns(frame: pl.DataFrame, columns: list[str], what: Fact | str) -> None:
    """A :class:`SchemaError` naming the columns ``what`` (an analysis: a fact or a message
    code, such as ``def.retention.label``) needs and the data lacks."""
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise SchemaError(
            Fact("periods.missing_columns", what=_words(what), columns=missing, n=len(missing)),
            Fact("periods.map_a_column"),
        )


def _words(what: Fact | str) -> Fact | str:
    """A message code as its fact; any other text as it is (TRANSITIONAL: callers that still
    name the analysis in English)."""
    from kpi.words.catalogue import catalogue

    return Fact(what) if isinstance(what, str) and what in catalogue() else what


def as_datetime(value: date | datetime) -> datetime:
    """A date as midnight of that day; a datetime as it is."""
    return value if isinstance(value, datetime) else datetime(value.year, value.month, value.day)
