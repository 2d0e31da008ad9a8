"""Canonical events inside an engine, as one narwhals lazy frame (the engines' common ground).

An :class:`EngineTable` is the engine-side twin of :class:`kpi.dataset.Dataset`'s events: a
narwhals ``LazyFrame`` over a polars ``LazyFrame``, a DuckDB relation, a Spark DataFrame or an
Ibis table, with the canonical column names already mapped (``kpi.engine.roles`` /
``kpi.engine.ga4`` do the mapping):

- ``user_id`` (String), ``step`` (String), optional ``ts`` (Datetime, naive UTC),
  optional ``session_id`` (String), ``revenue`` (Float64), ``order_id`` (String);
- segment columns (String: ``device``, ``channel``, ``variant``, …), one value per event, as
  an event log carries them. A user's segment value is its first non-null value in time order
  (first touch, as :func:`kpi.ingest.orders._first_touch`); ties in time go to the smallest
  value, since an engine has no file order.

Every computation in ``kpi.engine`` takes an EngineTable, runs narwhals expressions in the
engine and brings back only aggregates (small polars DataFrames). User values (segment
values, step names, dates) only ever reach the engine as literals built by narwhals and the
backend's own expression API, never as SQL text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

import narwhals as nw
import polars as pl

from kpi.filters import Filters
from kpi.segments import NONE

__all__ = ["EngineTable", "collect", "first_touch", "from_native", "in_view", "period_events"]

CANONICAL = ("user_id", "step", "ts", "session_id", "revenue", "order_id")


@dataclass(frozen=True)
class EngineTable:
    """Canonical events in an engine (module docstring)."""

    events: nw.LazyFrame
    segments: tuple[str, ...] = ()
    backend: str = "polars"  # "polars", "duckdb", "spark", "ibis"
    label: str = ""  # what the user may read: a table or folder name, never a secret

    @property
    def columns(self) -> list[str]:
        return list(self.events.collect_schema().names())

    @property
    def has_ts(self) -> bool:
        return "ts" in self.columns


def _backend_of(frame: nw.LazyFrame) -> str:
    impl = frame.implementation
    if impl.is_duckdb():
        return "duckdb"
    if impl.is_pyspark() or impl.is_pyspark_connect() or impl.is_sqlframe():
        return "spark"
    if impl.is_ibis():
        return "ibis"
    return "polars"


def from_native(
    native: Any, *, segments: Sequence[str] | None = None, label: str = ""
) -> EngineTable:
    """An EngineTable over ``native`` (polars DataFrame/LazyFrame, DuckDB relation, Spark
    DataFrame, Ibis table) whose columns already have the canonical names. ``segments``
    defaults to every text column that is not canonical."""
    frame = nw.from_native(native)
    frame = frame.lazy() if isinstance(frame, nw.DataFrame) else frame
    schema = frame.collect_schema()
    if segments is None:
        segments = [c for c, t in schema.items() if c not in CANONICAL and t == nw.String]
    return EngineTable(frame, tuple(segments), _backend_of(frame), label)


def collect(frame: nw.LazyFrame) -> pl.DataFrame:
    """Run ``frame`` in its engine and bring the (small) result back as a polars DataFrame."""
    return frame.collect("polars").to_native()


def period_events(table: EngineTable, filters: Filters | None) -> nw.LazyFrame:
    """The events of the filters' date range (inclusive days on ``ts``), as
    :meth:`Filters.apply` keeps them; the segment filters are applied on users (:func:`in_view`)."""
    ev = table.events
    if filters is None or not table.has_ts:
        return ev
    if filters.start is not None:
        ev = ev.filter(nw.col("ts") >= datetime.combine(filters.start, time.min))
    if filters.end is not None:
        ev = ev.filter(nw.col("ts") < datetime.combine(filters.end + timedelta(days=1), time.min))
    return ev


def first_touch(table: EngineTable, segments: Sequence[str] | None = None) -> nw.LazyFrame:
    """One row per user of the whole table: ``user_id``, ``first_seen`` (with ``ts``) and each
    segment's first non-null value in time order (module docstring)."""
    segments = list(table.segments if segments is None else segments)
    ev = table.events.filter(~nw.col("user_id").is_null())
    if not table.has_ts:
        aggs = [nw.col(c).min() for c in segments]
        return ev.group_by("user_id").agg(*aggs) if aggs else ev.select("user_id").unique()
    # one window pass (each segment's earliest time with a value, per user) and one group-by
    # pass (the smallest value at that time), no join
    if not segments:
        return ev.group_by("user_id").agg(nw.col("ts").min().alias("first_seen"))
    ev = ev.with_columns(
        [
            nw.when(~nw.col(c).is_null()).then(nw.col("ts")).min().over("user_id").alias(f"_t{i}")
            for i, c in enumerate(segments)
        ]
    )
    at_first = [
        nw.when((nw.col("ts") == nw.col(f"_t{i}")) & ~nw.col(c).is_null())
        .then(nw.col(c))
        .min()
        .alias(c)
        for i, c in enumerate(segments)
    ]
    return ev.group_by("user_id").agg(nw.col("ts").min().alias("first_seen"), *at_first)


def in_view(users: nw.LazyFrame, filters: Filters | None) -> nw.LazyFrame:
    """The users kept by the segment filters (a missing value counts as ``"(none)"``)."""
    if filters is None:
        return users
    names = users.collect_schema().names()
    for col, values in filters.active_segments.items():
        if col in names:
            users = users.filter(
                nw.col(col).cast(nw.String).fill_null(NONE).is_in([str(v) for v in values])
            )
    return users
