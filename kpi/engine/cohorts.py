"""Cohort × period active users inside the engine (the counts behind the cohort table).

The engine twin of :meth:`kpi.view.View.retention`'s cohort table: the cohorts that *started*
in the filters' period (anchor in [start, end]), of the users in the segment filters (first
touch, :func:`kpi.engine.frame.first_touch`), followed over their whole history, as
:func:`kpi.retention.cohort_view` + :func:`kpi.retention.cohort_table` on an upload.

In the engine: each user's anchor (first event, or first purchase), the calendar periods with a
return event at or after it, and the counts of users per cohort × period. Back to Python: one
row per cohort × period (:func:`cohort_activity`); :func:`kpi.retention.tabulate_counts`, the
same local code as for uploads, makes the table (:func:`cohort_table`).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TypedDict, Unpack

import narwhals as nw
import polars as pl

from kpi.engine.frame import EngineTable, collect, first_touch, in_view
from kpi.engine.quality import kept_table
from kpi.errors import InputError
from kpi.filters import Filters
from kpi.periods import Grain, check_grain
from kpi.retention.cohorts import Mode, tabulate_counts
from kpi.segments import NONE, OTHER
from kpi.words import Fact

__all__ = [
    "ACTIVITY_SCHEMA",
    "CohortOptions",
    "cohort_activity",
    "cohort_frames",
    "cohort_table",
    "period_index",
]

#: the columns of :func:`cohort_activity` (after the optional ``by`` column)
ACTIVITY_SCHEMA: dict[str, pl.DataType] = {
    "cohort_index": pl.Int64(),  # kpi.periods.period_index of the cohort's period
    "cohort_size": pl.Int64(),
    "period": pl.Int64(),  # N; null for a cohort nobody of which came back
    "active": pl.Int64(),  # users active in period N ("on")
    "last_active": pl.Int64(),  # users whose last period with a return is N ("on or after")
    "as_of": pl.Datetime("us"),  # the last event time of the selected users
}


def _days(ts: nw.Expr) -> nw.Expr:
    """Days since 1970-01-01 of a datetime, from its year, month and day (H. Hinnant's
    days_from_civil: plain integer arithmetic that every engine runs alike)."""
    year, month, day = ts.dt.year().cast(nw.Int64), ts.dt.month().cast(nw.Int64), ts.dt.day()
    y = year - nw.when(month <= 2).then(1).otherwise(0)
    era = y // 400
    yoe = y - era * 400
    shifted = month + nw.when(month > 2).then(-3).otherwise(9)
    doy = (153 * shifted + 2) // 5 + day.cast(nw.Int64) - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


def period_index(ts: nw.Expr, grain: Grain) -> nw.Expr:
    """:func:`kpi.periods.period_index` as a narwhals expression (month: year × 12 + month −
    1; week: ISO weeks from Monday; day: days since 1970-01-01)."""
    if grain == "month":
        return ts.dt.year().cast(nw.Int64) * 12 + ts.dt.month().cast(nw.Int64) - 1
    days = _days(ts)
    return (days + 3) // 7 if grain == "week" else days


def _empty(by: str | None) -> pl.DataFrame:
    return pl.DataFrame(schema=({by: pl.String()} if by else {}) | ACTIVITY_SCHEMA)


def cohort_activity(
    table: EngineTable,
    *,
    grain: Grain = "month",
    filters: Filters | None = None,
    by: str | None = None,
    cohort_by: str = "first_event",
    return_step: str | None = None,
    purchase_step: str = "purchase",
    top: int = 6,
) -> pl.DataFrame:
    """Users per cohort (× ``by``) × period N, computed in the engine.

    Columns: [``by``], ``cohort_index``, ``cohort_size``, ``period``, ``active``,
    ``last_active``, ``as_of`` (:data:`ACTIVITY_SCHEMA`), sorted; empty when no selected
    user has a dated event. ``cohort_by``: ``"first_event"`` or ``"first_purchase"`` (first
    ``purchase_step`` event); ``return_step``: the return event (None: any event); ``by``: a
    segment, cut to its ``top`` values by users + "Other" (as the Retention page). The rules
    are :mod:`kpi.retention.cohorts`'.
    """
    users, activity = cohort_frames(
        table,
        grain=grain,
        filters=filters,
        by=by,
        cohort_by=cohort_by,
        return_step=return_step,
        purchase_step=purchase_step,
    )
    keys = [by] if by else []
    ckeys = [*keys, "_cidx"]
    sizes = users.group_by(*ckeys).agg(
        nw.len().cast(nw.Int64).alias("cohort_size"), nw.col("_seen").max().alias("_seen")
    )
    # one pass over the activity: users active in N, and those for whom N is the last period
    counts = activity.group_by(*ckeys, "period").agg(
        nw.len().cast(nw.Int64).alias("active"),
        nw.col("_is_last").cast(nw.Int64).sum().alias("last_active"),
    )
    got = collect(sizes.join(counts, on=ckeys, how="left"))
    return _activity_frame(got, by, top)


def cohort_frames(
    table: EngineTable,
    *,
    grain: Grain = "month",
    filters: Filters | None = None,
    by: str | None = None,
    cohort_by: str = "first_event",
    return_step: str | None = None,
    purchase_step: str = "purchase",
) -> tuple[nw.LazyFrame, nw.LazyFrame]:
    """The two engine frames :func:`cohort_activity` counts (nothing is run here): the
    selected users (``user_id``, ``_anchor``, ``_seen``, [``by``], ``_cidx``: the cohort's
    period index, null without an anchor) and their activity (one row per user and period
    with a return at or after the anchor: ``user_id``, [``by``], ``_cidx``, ``period`` = N,
    ``_is_last``: N is the user's last such period). :mod:`kpi.engine.audience` lists the
    users of one cell from them."""
    table = kept_table(table)  # the rows an upload keeps
    check_grain(grain)
    if cohort_by not in ("first_event", "first_purchase"):
        raise InputError(
            Fact("engine.cohorts.anchor", column=cohort_by), Fact("engine.cohorts.anchor_hint")
        )
    if not table.has_ts:
        raise InputError(Fact("retention.note.no_dates"))
    if by is not None and by not in table.segments:
        raise InputError(
            Fact("export.error.unknown_segment", segment=by),
            Fact("export.error.unknown_segment_hint", segments=list(table.segments)),
        )
    wanted = list(filters.active_segments) if filters is not None else []
    segs = [c for c in dict.fromkeys([*wanted, *([by] if by else [])]) if c in table.segments]

    ts = nw.col("ts")
    ev = table.events.filter(~nw.col("user_id").is_null() & ~ts.is_null())
    if segs:
        last_seen = ev.group_by("user_id").agg(ts.max().alias("_seen"))
        users = in_view(first_touch(table, segs), filters)
        users = users.join(last_seen, on="user_id", how="inner")
    else:  # every user, first and last event in one pass
        users = ev.group_by("user_id").agg(ts.min().alias("first_seen"), ts.max().alias("_seen"))
    if cohort_by == "first_purchase":
        bought = ev.filter(nw.col("step") == purchase_step)
        anchors = bought.group_by("user_id").agg(ts.min().alias("_anchor"))
        users = users.join(anchors, on="user_id", how="left")
    else:
        users = users.with_columns(nw.col("first_seen").alias("_anchor"))
    if filters is not None and (filters.start is not None or filters.end is not None):
        inside = ~nw.col("_anchor").is_null()
        if filters.start is not None:
            inside &= nw.col("_anchor") >= datetime.combine(filters.start, datetime.min.time())
        if filters.end is not None:
            end = datetime.combine(filters.end, datetime.min.time())
            inside &= nw.col("_anchor") < end + timedelta(days=1)
        users = users.filter(inside)
    keys = [by] if by else []
    users = users.select("user_id", "_anchor", "_seen", *keys)

    # one query: per cohort (null: users without an anchor) the size and the last event time
    # of its users, per cohort × period the users active and those whose last return it is
    if by:
        users = users.with_columns(nw.col(by).cast(nw.String).fill_null(NONE))
    users = users.with_columns(period_index(nw.col("_anchor"), grain).alias("_cidx"))
    anchored = users.filter(~nw.col("_anchor").is_null())
    ret = ev if return_step is None else ev.filter(nw.col("step") == return_step)
    activity = (
        ret.with_columns(period_index(ts, grain).alias("_pidx"))
        .group_by("user_id", "_pidx")
        .agg(ts.max().alias("_last"))
        .join(anchored, on="user_id", how="inner")
        .filter(nw.col("_last") >= nw.col("_anchor"))
        .with_columns((nw.col("_pidx") - nw.col("_cidx")).alias("period"))
        .with_columns(
            (nw.col("period") == nw.col("period").max().over("user_id")).alias("_is_last")
        )
    )
    return users, activity


def _activity_frame(got: pl.DataFrame, by: str | None, top: int) -> pl.DataFrame:
    """The engine's counts as :data:`ACTIVITY_SCHEMA`: as of the selected users' last event,
    ``by`` cut to its ``top`` values by users + "Other" (counts of users add up)."""
    keys = [by] if by else []
    as_of = got["_seen"].max() if got.height else None
    if as_of is None:
        return _empty(by)
    schema = ({by: pl.String()} if by else {}) | ACTIVITY_SCHEMA
    got = got.with_columns(
        pl.col("active").cast(pl.Int64),
        pl.col("last_active")
        .cast(pl.Int64)
        .fill_null(pl.when(pl.col("period").is_not_null()).then(0)),
    )
    if by:
        sizes = got.unique([by, "_cidx"])
        ranked = sizes.group_by(by).agg(pl.col("cohort_size").sum().alias("_w"))
        ranked = ranked.sort(["_w", by], descending=[True, False], nulls_last=True)
        keep = [str(v) for v in ranked[by].head(top).to_list() if v is not None]
        label = pl.when(pl.col(by).is_in(keep)).then(pl.col(by)).otherwise(pl.lit(OTHER))
        got = got.with_columns(label.alias(by))
        sizes = sizes.with_columns(label.alias(by))
        merged = sizes.group_by(by, "_cidx").agg(pl.col("cohort_size").sum())
        cells = (
            got.filter(pl.col("period").is_not_null())
            .group_by(by, "_cidx", "period")
            .agg(pl.col("active").sum(), pl.col("last_active").sum())
        )
        got = merged.join(cells, on=[by, "_cidx"], how="left")
    out = (
        got.filter(pl.col("_cidx").is_not_null())
        .rename({"_cidx": "cohort_index"})
        .with_columns(pl.lit(as_of).alias("as_of"))
        .cast(schema)  # type: ignore[arg-type]
        .select(*schema)
        .sort([*keys, "cohort_index", "period"], nulls_last=True)
    )
    return out


class CohortOptions(TypedDict, total=False):
    """The choices of :func:`cohort_activity` that :func:`cohort_table` passes on (their
    defaults and meaning are :func:`cohort_activity`'s)."""

    grain: Grain
    filters: Filters | None
    by: str | None
    cohort_by: str
    return_step: str | None
    purchase_step: str
    top: int


def cohort_table(
    table: EngineTable,
    *,
    mode: Mode = "on",
    periods: int | None = 12,
    **options: Unpack[CohortOptions],
) -> pl.DataFrame:
    """The cohort table (:data:`kpi.retention.cohorts.TABLE_SCHEMA`, [``by``] first) of
    :func:`cohort_activity` (``options``), made by the local
    :func:`kpi.retention.tabulate_counts`: equal to ``View(ds, filters).retention(...).table``
    of an upload of the same events."""
    activity = cohort_activity(table, **options)
    grain = options.get("grain", "month")
    return table_from_activity(
        activity, grain=grain, by=options.get("by"), mode=mode, periods=periods
    )


def table_from_activity(
    activity: pl.DataFrame,
    *,
    grain: Grain = "month",
    by: str | None = None,
    mode: Mode = "on",
    periods: int | None = 12,
) -> pl.DataFrame:
    """The cohort table of the counts of :func:`cohort_activity` (local code)."""
    if mode not in ("on", "on_or_after"):
        raise InputError(Fact("retention.error.mode", mode=str(mode)), Fact("retention.hint.mode"))
    if periods is not None and periods < 0:
        raise InputError(
            Fact("retention.error.negative_periods"), Fact("retention.hint.zero_or_more")
        )
    keys = [by] if by else []
    frame = activity.rename({"cohort_index": "_cidx"})
    sizes = frame.unique([*keys, "_cidx"]).select(*keys, "_cidx", "cohort_size")
    n = "active" if mode == "on" else "last_active"
    counts = frame.filter(pl.col("period").is_not_null()).select(
        *keys, "_cidx", "period", pl.col(n).alias("_n")
    )
    as_of = activity["as_of"].max() if activity.height else None
    if as_of is None:
        from kpi.retention.cohorts import TABLE_SCHEMA

        return pl.DataFrame(schema=({by: pl.String()} if by else {}) | TABLE_SCHEMA)
    return tabulate_counts(sizes, counts, keys, as_of, grain, periods, mode)  # type: ignore[arg-type]
