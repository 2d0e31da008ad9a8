"""Data-quality report of a Dataset: rows read, kept and dropped by reason, duplicates, gaps."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from kpi.dataset import Dataset


@dataclass(frozen=True)
class Quality:
    """What the Data page and the workbook's "Data quality" sheet show."""

    users: int
    events: int
    period: str | None
    duplicate_events: int
    accounting: pl.DataFrame  # file, shape, rows_read, rows_kept, reason, rows_dropped
    missing: pl.DataFrame  # table, column, missing, missing_share
    steps: tuple[str, ...]
    segments: tuple[str, ...]


def accounting(ds: Dataset) -> pl.DataFrame:
    """One row per file and drop reason; rows_kept + sum(rows_dropped) == rows_read per file."""
    rows = []
    for s in ds.sources:
        if not s.dropped:
            rows.append((s.name, s.kind, s.rows_read, s.rows_kept, "(none dropped)", 0, ""))
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
    period = None
    if ds.has_timestamps:
        period = f"{ev['ts'].min():%Y-%m-%d} → {ev['ts'].max():%Y-%m-%d}"
    elif (
        ds.counts is not None
        and "ts" in ds.counts.columns
        and ds.counts["ts"].null_count() < ds.counts.height
    ):  # aggregated counts per day (GA4 BigQuery funnel export)
        period = f"{ds.counts['ts'].min():%Y-%m-%d} → {ds.counts['ts'].max():%Y-%m-%d}"
    elif "signup" in ds.users.columns and ds.users["signup"].null_count() < ds.users.height:
        period = (
            f"{ds.users['signup'].min():%Y-%m-%d} → {ds.users['signup'].max():%Y-%m-%d} (signups)"
        )
    return Quality(
        users=ds.users.height,
        events=ev.height,
        period=period,
        duplicate_events=sum(s.duplicate_rows for s in ds.sources),
        accounting=accounting(ds),
        missing=missing_values(ds),
        steps=ds.steps,
        segments=ds.segments,
    )
