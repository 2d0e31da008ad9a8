"""Data-quality counts of a table inside the engine, in the shape of an upload's report.

The engine twin of :func:`kpi.quality.quality_summary` (the Data page and the workbook's Data
quality sheet): the rows an upload of the same events would leave out, by the same reasons
and in the same order (no user id, then no event name, then no time: ``ingest_rows.*``), the
rows identical to another row in every column, users, events and the period of the rows kept,
missing values per column, and the steps in the upload's suggested order
(:func:`kpi.funnel.order.order_from_stats`). Only counts come back.

:func:`kept_table` is the table of the rows an upload keeps: the other engine aggregates
(:mod:`kpi.engine.cohorts`, :mod:`~kpi.engine.ab`, :mod:`~kpi.engine.stages`) read it, so
that a messy table gives the numbers an upload of it gives.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import narwhals as nw
import polars as pl

from kpi.engine.frame import EngineTable, collect
from kpi.funnel.order import order_from_stats
from kpi.ingest.quality import Quality
from kpi.ingest.rows import MISSING_EVENT, MISSING_TIMESTAMP, MISSING_USER_ID, NONE_DROPPED
from kpi.steps import ROLES, journey_rank

__all__ = ["kept_rows", "kept_table", "quality_counts", "step_order", "step_table"]

_ACCOUNTING = {
    "file": pl.String(),
    "shape": pl.String(),
    "rows_read": pl.Int64(),
    "rows_kept": pl.Int64(),
    "reason": pl.String(),
    "rows_dropped": pl.Int64(),
    "examples": pl.String(),
}
_MISSING = {
    "table": pl.String(),
    "column": pl.String(),
    "missing": pl.Int64(),
    "missing_share": pl.Float64(),
}


def _present(column: str) -> nw.Expr:
    """A text value is present: not null and not empty (as the upload reads it)."""
    c = nw.col(column)
    return ~c.is_null() & (c.cast(nw.String) != "")


def _rules(table: EngineTable) -> list[tuple[str, nw.Expr]]:
    """The upload's drop rules of an event log, in order (:mod:`kpi.ingest.shapes`)."""
    cols = set(table.columns)
    rules = []
    if "user_id" in cols:
        rules.append((MISSING_USER_ID, _present("user_id")))
    if "step" in cols:
        rules.append((MISSING_EVENT, _present("step")))
    if "ts" in cols:
        rules.append((MISSING_TIMESTAMP, ~nw.col("ts").is_null()))
    return rules


def kept_rows(table: EngineTable) -> nw.LazyFrame:
    """The events an upload keeps: with a user id, an event name and (with ``ts``) a time."""
    ev = table.events
    for _, keep in _rules(table):
        ev = ev.filter(keep)
    return ev


def kept_table(table: EngineTable) -> EngineTable:
    """``table`` restricted to :func:`kept_rows`."""
    return dataclasses.replace(table, events=kept_rows(table))


def step_table(table: EngineTable) -> pl.DataFrame:
    """One row per step of the kept rows: ``step``, ``events``, ``users``, ``first_ts`` (null
    without times) and ``known`` (the name plays a journey role of :mod:`kpi.steps`; the
    others are the data's own steps), in :func:`step_order`."""
    ev = kept_rows(table)
    aggs = [
        nw.len().cast(nw.Int64).alias("events"),
        nw.col("user_id").n_unique().cast(nw.Int64).alias("users"),
    ]
    if table.has_ts:
        aggs.append(nw.col("ts").min().alias("first_ts"))
    got = collect(ev.group_by(nw.col("step").cast(nw.String)).agg(*aggs))
    if "first_ts" not in got.columns:
        got = got.with_columns(pl.lit(None, pl.Datetime("us")).alias("first_ts"))
    order = order_from_stats(
        got.select(
            "step",
            pl.col("users").alias("_users"),
            pl.col("first_ts").alias("_seen"),
            pl.lit(None, pl.Int64).alias("_first"),
        )
    )
    known = [journey_rank(s) < len(ROLES) for s in got["step"].to_list()]
    got = got.with_columns(pl.Series("known", known, dtype=pl.Boolean))
    rank = {s: i for i, s in enumerate(order)}
    return (
        got.with_columns(pl.col("step").replace_strict(rank, return_dtype=pl.Int64).alias("_o"))
        .sort("_o")
        .select("step", "events", "users", pl.col("first_ts").cast(pl.Datetime("us")), "known")
    )


def step_order(table: EngineTable) -> tuple[str, ...]:
    """The steps in the order an upload of the table suggests (the Dataset's ``steps``)."""
    return tuple(step_table(table)["step"].to_list())


def _day(value: object) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    return value  # type: ignore[return-value]


def quality_counts(table: EngineTable) -> Quality:
    """The :class:`kpi.quality.Quality` an upload of the table shows: users and events kept,
    the period of their times, exact duplicate rows (identical in every column of the table),
    one accounting row per drop reason (``file`` is the table's label; no example rows are
    read back), missing values of the kept events' columns and of the users' segments
    (first touch), the steps in the suggested order and the segments."""
    ev = table.events
    rules = _rules(table)
    # counts of rows each rule drops, in order: the rows kept by the earlier rules
    checks: list[nw.Expr] = [nw.len().cast(nw.Int64).alias("rows")]
    kept_so_far: nw.Expr | None = None
    for i, (_, keep) in enumerate(rules):
        drop = ~keep if kept_so_far is None else (kept_so_far & ~keep)
        checks.append(nw.when(drop).then(1).otherwise(0).cast(nw.Int64).sum().alias(f"_d{i}"))
        kept_so_far = keep if kept_so_far is None else (kept_so_far & keep)
    account = collect(ev.select(*checks)).row(0, named=True)
    rows_read = int(account["rows"] or 0)
    dropped = {code: int(account[f"_d{i}"] or 0) for i, (code, _) in enumerate(rules)}
    dropped = {k: v for k, v in dropped.items() if v}
    rows_kept = rows_read - sum(dropped.values())
    distinct = collect(ev.unique().select(nw.len().cast(nw.Int64).alias("n"))).item()
    duplicates = rows_read - int(distinct or 0)

    label = table.label or "table"
    acc = [(label, "events", rows_read, rows_kept, code, n, "") for code, n in dropped.items()] or [
        (label, "events", rows_read, rows_kept, NONE_DROPPED, 0, "")
    ]
    accounting = pl.DataFrame(acc, schema=_ACCOUNTING, orient="row")

    kept = kept_rows(table)
    canonical = [c for c in ("user_id", "ts", "step", "session_id", "revenue", "order_id") if c in table.columns]  # fmt: skip
    summary = [
        nw.len().cast(nw.Int64).alias("events"),
        nw.col("user_id").n_unique().cast(nw.Int64).alias("users"),
        *(nw.col(c).is_null().cast(nw.Int64).sum().alias(f"_m_{c}") for c in canonical),
    ]
    if table.has_ts:
        summary += [nw.col("ts").min().alias("_start"), nw.col("ts").max().alias("_end")]
    s = collect(kept.select(*summary)).row(0, named=True)
    n_events, n_users = int(s["events"] or 0), int(s["users"] or 0)
    missing = [
        (
            "events",
            c,
            int(s[f"_m_{c}"] or 0),
            (int(s[f"_m_{c}"] or 0) / n_events) if n_events else 0.0,
        )
        for c in canonical
    ]
    if table.segments and n_users:
        from kpi.engine.frame import first_touch

        users = first_touch(kept_table(table))
        seg = collect(
            users.select(
                *(nw.col(c).is_null().cast(nw.Int64).sum().alias(c) for c in table.segments)
            )
        ).row(0, named=True)
        missing += [("users", c, int(seg[c] or 0), int(seg[c] or 0) / n_users) for c in table.segments]  # fmt: skip
    start = end = period = None
    if table.has_ts and s.get("_start") is not None:
        start, end = _day(s["_start"]), _day(s["_end"])
        period = f"{start:%Y-%m-%d} → {end:%Y-%m-%d}"
    return Quality(
        users=n_users,
        events=n_events,
        period=period,
        duplicate_events=duplicates,
        accounting=accounting,
        missing=pl.DataFrame(missing, schema=_MISSING, orient="row"),
        steps=step_order(table) if "step" in table.columns else (),
        segments=tuple(table.segments),
        period_start=start,
        period_end=end,
        period_of="events" if start is not None else None,
    )
