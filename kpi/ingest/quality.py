"""Data-quality report of a Dataset: rows read, kept and dropped by reason, duplicates, gaps."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl

from kpi.dataset import Dataset
from kpi.ingest.rows import NONE_DROPPED
from kpi.words import Fact


@dataclass(frozen=True)
class Quality:
    """What the Data page and the workbook's "Data quality" sheet show."""

    users: int
    events: int
    period: str | None  # LEGACY "2025-06-01 → 2025-11-30": use period_fact (dates in words)
    duplicate_events: int
    accounting: pl.DataFrame  # file, shape, rows_read, rows_kept, reason, rows_dropped
    missing: pl.DataFrame  # table, column, missing, missing_share
    steps: tuple[str, ...]
    segments: tuple[str, ...]
    period_start: dt.date | None = None
    period_end: dt.date | None = None
    period_of: str | None = None  # "events", "counts" or "signups": what the dates are of

    @property
    def period_fact(self) -> Fact:
        """The period covered in words (``ingest_quality.period.*``): first and last day."""
        if self.period_start is None or self.period_end is None:
            return Fact("ingest_quality.period.none")
        return Fact(
            f"ingest_quality.period.{self.period_of or 'events'}",
            start=self.period_start,
            end=self.period_end,
        )


def accounting(ds: Dataset) -> pl.DataFrame:
    """One row per file and drop reason; rows_kept + sum(rows_dropped) == rows_read per file.

    ``reason`` is a message code (``ingest_rows.*``, :mod:`kpi.ingest.rows`), rendered with
    :func:`kpi.words.render`; a file with no dropped row has :data:`NONE_DROPPED`."""
    rows = []
    for s in ds.sources:
        if not s.dropped:
            rows.append((s.name, s.kind, s.rows_read, s.rows_kept, NONE_DROPPED, 0, ""))
        for reason, n in s.dropped.items():
            example = " | ".join(s.examples.get(reason, [])[:3])
            rows.append((s.name, s.kind, s.rows_read, s.rows_kept, reason, n, example))
    return pl.DataFrame(
        rows,
        schema={
            "file": pl.String,
            "shape": pl.String,
            "rows_read": pl.Int64,
            "rows_kept": pl.Int64,
            "reason": pl.String,
            "rows_dropped": pl.Int64,
            "examples": pl.String,
        },
        orient="row",
    )


def missing_values(ds: Dataset) -> pl.DataFrame:
    """Null count and share per column of each canonical table."""
    parts = []
    for name in ("events", "users", "spend", "survey", "counts"):
        t = getattr(ds, name)
        if t is None or t.width == 0:
            continue
        nulls = t.null_count().row(0)
        parts += [
            (name, col, int(n), (n / t.height) if t.height else 0.0)
            for col, n in zip(t.columns, nulls, strict=True)
        ]
    return pl.DataFrame(
        parts,
        schema={
            "table": pl.String,
            "column": pl.String,
            "missing": pl.Int64,
            "missing_share": pl.Float64,
        },
        orient="row",
    )


def quality_summary(ds: Dataset) -> Quality:
    """Users, events, period covered, exact duplicate events, accounting and missing values.

    Duplicate events are rows of the event files identical to another row in *every* column
    of the file (not merely the same user, step and time: GA4 logs several events a
    microsecond apart with different parameters).
    """
    ev = ds.events
    span: tuple[pl.Series, str] | None = None
    if ds.has_timestamps:
        span = ev["ts"], "events"
    elif (
        ds.counts is not None
        and "ts" in ds.counts.columns
        and ds.counts["ts"].null_count() < ds.counts.height
    ):  # aggregated counts per day (GA4 BigQuery funnel export)
        span = ds.counts["ts"], "counts"
    elif "signup" in ds.users.columns and ds.users["signup"].null_count() < ds.users.height:
        span = ds.users["signup"], "signups"
    start = end = period = of = None
    if span is not None:
        start, end, of = _day(span[0].min()), _day(span[0].max()), span[1]
        period = f"{start:%Y-%m-%d} → {end:%Y-%m-%d}" + (" (signups)" if of == "signups" else "")
    return Quality(
        users=ds.users.height,
        events=ev.height,
        period=period,
        duplicate_events=sum(s.duplicate_rows for s in ds.sources),
        accounting=accounting(ds),
        missing=missing_values(ds),
        steps=ds.steps,
        segments=ds.segments,
        period_start=start,
        period_end=end,
        period_of=of,
    )


def _day(value: object) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value  # type: ignore[return-value]
