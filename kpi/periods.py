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
    """``2025-03`` (month), ``2025-W11`` (ISO week), ``2025-03-14`` (day)."""
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
            Fact("retention.error.grain", grain=str(grain)),
            Fact("retention.hint.grain", allowed=list(allowed)),
        )


def require_columns(frame: pl.DataFrame, columns: list[str], what: Fact) -> None:
    """A :class:`SchemaError` naming the columns ``what`` (the analysis, a fact such as
    ``Fact("retention.what.churn")``) needs and the data lacks."""
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise SchemaError(
            Fact("retention.error.missing_columns", what=what, columns=missing, n=len(missing)),
            Fact("retention.hint.missing_columns"),
        )


def as_datetime(value: date | datetime) -> datetime:
    """A date as midnight of that day; a datetime as it is."""
    return value if isinstance(value, datetime) else datetime(value.year, value.month, value.day)
