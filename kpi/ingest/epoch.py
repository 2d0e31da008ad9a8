"""Integer (or decimal) epoch timestamps: seconds, milliseconds, microseconds or nanoseconds.

The unit is told apart by magnitude: a date between 1990 and 2100 is about 1e9 in seconds,
1e12 in milliseconds, 1e15 in microseconds (GA4 BigQuery's ``event_timestamp``) and 1e18 in
nanoseconds; the four ranges do not overlap. Converted values are naive UTC datetimes (µs).

Not every big integer is a timestamp (ids, phone numbers, revenue in cents): when reading a
file, :func:`epoch_unit` is only asked about columns whose name says time (``kpi.formats``),
and every value must fall in the plausible range. When the user picks the Timestamp role by
hand, :func:`epoch_to_datetime` converts whatever the column holds, unit decided by magnitude.
"""

from __future__ import annotations

import polars as pl

UNITS: tuple[str, ...] = ("s", "ms", "us", "ns")
UNIT_NAMES: dict[str, str] = {
    "s": "seconds",
    "ms": "milliseconds",
    "us": "microseconds",
    "ns": "nanoseconds",
}
PLAUSIBLE_FROM, PLAUSIBLE_TO = 631_152_000, 4_102_444_800
"""1990-01-01 and 2100-01-01 in epoch seconds: the range a timestamp column is accepted in."""

_PER_SECOND = {"s": 1, "ms": 1_000, "us": 1_000_000, "ns": 1_000_000_000}
# magnitude thresholds between the units (geometric gaps between the plausible ranges)
_MS_FROM, _US_FROM, _NS_FROM = 1e11, 1e14, 1e17
_YYYYMMDD = (19_000_101, 21_001_231)


def epoch_unit(values: pl.Series) -> str | None:
    """'s', 'ms', 'us' or 'ns' when every non-null value is a 1990..2100 instant in that unit."""
    if not values.dtype.is_numeric() or values.dtype == pl.Boolean:
        return None
    present = values.drop_nulls()
    if present.dtype.is_float():
        present = present.filter(present.is_finite())
    if present.len() == 0:
        return None
    lo, hi = float(present.min()), float(present.max())  # type: ignore[arg-type]
    for unit in UNITS:
        k = _PER_SECOND[unit]
        if PLAUSIBLE_FROM * k <= lo and hi <= PLAUSIBLE_TO * k:
            return unit
    return None


def unit_by_magnitude(values: pl.Series) -> str | None:
    """The unit a numeric column is in, from the median magnitude alone ('date' for yyyymmdd)."""
    if not values.dtype.is_numeric():
        return None
    present = values.drop_nulls()
    if present.len() == 0:
        return None
    m = float(present.abs().median())  # type: ignore[arg-type]
    if _YYYYMMDD[0] <= m <= _YYYYMMDD[1] and values.dtype.is_integer():
        return "yyyymmdd"
    return "ns" if m >= _NS_FROM else "us" if m >= _US_FROM else "ms" if m >= _MS_FROM else "s"


def from_epoch(values: pl.Series, unit: str) -> pl.Series:
    """Epoch numbers in ``unit`` -> naive UTC Datetime(us) (decimals kept to the microsecond)."""
    v = pl.col("v")
    if unit == "ns":
        us = v.cast(pl.Int64) // 1_000
    elif values.dtype.is_float():
        us = (v * (1_000_000 // _PER_SECOND[unit])).round(0).cast(pl.Int64)
    else:
        us = v.cast(pl.Int64) * (1_000_000 // _PER_SECOND[unit])
    out = values.to_frame("v").select(pl.from_epoch(us, time_unit="us").cast(pl.Datetime("us")))
    return out.to_series().alias(values.name)


def epoch_to_datetime(expr: pl.Expr, dtype: pl.DataType) -> pl.Expr:
    """A numeric column chosen as a timestamp -> naive UTC Datetime(us), unit by magnitude.

    The unit is decided once for the column, from its median magnitude (yyyymmdd integers such
    as 20231114 are read as dates); values that would overflow in that unit become null.
    """
    as_float = expr.cast(pl.Float64)
    m = as_float.abs().median()
    # microseconds per unit for the column, chosen by the median magnitude
    per_us = (
        pl.when(m >= _NS_FROM)
        .then(pl.lit(0.001))
        .when(m >= _US_FROM)
        .then(pl.lit(1.0))
        .when(m >= _MS_FROM)
        .then(pl.lit(1_000.0))
        .otherwise(pl.lit(1_000_000.0))
    )
    if dtype.is_integer():
        exact = (
            pl.when(m >= _NS_FROM)
            .then(expr.cast(pl.Int64) // 1_000)
            .when(m >= _US_FROM)
            .then(expr.cast(pl.Int64))
            .when(m >= _MS_FROM)
            .then(pl.when(expr.abs() < 9e15).then(expr.cast(pl.Int64) * 1_000))
            .otherwise(pl.when(expr.abs() < 9e12).then(expr.cast(pl.Int64) * 1_000_000))
        )
        instant = pl.from_epoch(exact, time_unit="us").cast(pl.Datetime("us"))
        as_date = expr.cast(pl.String).str.to_date("%Y%m%d", strict=False).cast(pl.Datetime("us"))
        return pl.when((m >= _YYYYMMDD[0]) & (m <= _YYYYMMDD[1])).then(as_date).otherwise(instant)
    scaled = as_float * per_us
    scaled = pl.when(scaled.abs() < 9e18).then(scaled.round(0).cast(pl.Int64))
    return pl.from_epoch(scaled, time_unit="us").cast(pl.Datetime("us"))


__all__ = [
    "PLAUSIBLE_FROM",
    "PLAUSIBLE_TO",
    "UNITS",
    "UNIT_NAMES",
    "epoch_to_datetime",
    "epoch_unit",
    "from_epoch",
    "unit_by_magnitude",
]
