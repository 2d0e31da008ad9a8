"""Cohort retention tables: who belongs to which cohort, and who came back in period N.

Cohort retention follows PostHog / Amplitude / Mixpanel (see notes §1.3 and §2):

- A user belongs to one cohort: the calendar period (day, ISO week starting Monday, or month)
  of their *anchor*: their first start event (``cohort_by="first_event"``, optionally of
  ``start_step``), their first purchase (``"first_purchase"``), or the earliest value of a
  signup column joined onto the events (``cohort_by="signup"``...).
- Period N is the N-th calendar period after the cohort's period (calendar periods, not rolling
  24-hour windows). A user is *retained* in period N when they did a return event
  (``return_step``, or any event when None) in period N, at or after their anchor.
  ``mode="on"``: active in period N itself; ``mode="on_or_after"``: active in N or any later
  period (so the curve never rises).
- Period 0 is 100 % by definition when the return criterion includes the start event (the
  same step, or any event); with a different return step it is the share who returned in the
  cohort's own period.
- ``complete`` is False for a period that had not ended by ``as_of`` (default: the last event
  time). Periods that had not started by then are not listed. Events after ``as_of`` are
  ignored. Averages over cohorts use complete cells only.

All rates are fractions (0.366); the pages show percentages.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal

import polars as pl

from kpi.dataset import Dataset
from kpi.errors import InputError
from kpi.filters import Filters
from kpi.periods import (
    Grain,
    as_datetime,
    check_grain,
    period_index,
    period_label,
    period_start,
    require_columns,
    scalar_index,
)
from kpi.retention.purchases import steps_found
from kpi.segments import NONE, OTHER, top_values
from kpi.words import Fact

__all__ = [
    "TABLE_SCHEMA",
    "CohortActivity",
    "Mode",
    "cohort_activity",
    "cohort_table",
    "cohort_table_note",
    "cohort_view",
    "segment_keys",
    "tabulate_counts",
    "top_segment",
]

Mode = Literal["on", "on_or_after"]

TABLE_SCHEMA: dict[str, pl.DataType] = {
    "cohort": pl.String(),
    "cohort_start": pl.Date(),
    "cohort_size": pl.Int64(),
    "period": pl.Int64(),
    "retained": pl.Int64(),
    "retention": pl.Float64(),
    "complete": pl.Boolean(),
}
_TABLE_SCHEMA = TABLE_SCHEMA
_KNOWN = frozenset(TABLE_SCHEMA)


def segment_keys(table: pl.DataFrame) -> list[str]:
    """The segment column of a cohort table (empty without a breakdown)."""
    return [c for c in table.columns if c not in _KNOWN]


def _empty_table(by: str | None) -> pl.DataFrame:
    schema = ({by: pl.String()} if by else {}) | _TABLE_SCHEMA
    return pl.DataFrame(schema=schema)


def cohort_table(
    events: pl.DataFrame,
    *,
    grain: Grain = "month",
    cohort_by: str = "first_event",
    start_step: str | None = None,
    return_step: str | None = None,
    mode: Mode = "on",
    periods: int | None = None,
    by: str | None = None,
    as_of: datetime | None = None,
    purchase_step: str = "purchase",
) -> pl.DataFrame:
    """Cohort retention table, one row per cohort (× segment) × period 0..N.

    retention(cohort, N) = users of the cohort retained in period N ÷ cohort_size.
    Columns: [``by``], ``cohort`` (label), ``cohort_start`` (Date), ``cohort_size``, ``period``,
    ``retained``, ``retention``, ``complete``. See the module docstring for the rules.
    ``cohort_by``: ``"first_event"`` (first ``start_step`` event, any event when None),
    ``"first_purchase"`` (first ``purchase_step`` event) or the name of a date column of
    ``events`` (e.g. ``signup`` joined from users). ``by`` is a segment column of ``events``;
    a user takes the value of their anchor event (first touch). No events gives an empty table
    (see :func:`cohort_table_note` for the reason to show).
    """
    check_grain(grain)
    if mode not in ("on", "on_or_after"):
        raise InputError(Fact("retention.error.mode", mode=str(mode)), Fact("retention.hint.mode"))
    if periods is not None and periods < 0:
        raise InputError(
            Fact("retention.error.negative_periods"), Fact("retention.hint.zero_or_more")
        )
    signup: str | None = None
    start = start_step
    if cohort_by == "first_purchase":
        if start_step is not None and start_step != purchase_step:
            raise InputError(
                Fact("retention.error.purchase_start", step=start_step),
                Fact("retention.hint.use_first_event"),
            )
        start = purchase_step
    elif cohort_by != "first_event":
        signup = cohort_by
        if start_step is not None:
            raise InputError(
                Fact("retention.error.signup_start", column=cohort_by),
                Fact("retention.hint.leave_start_empty"),
            )
    needed = ["user_id", "ts"]
    if start is not None or return_step is not None:
        needed.append("step")
    if signup:
        needed.append(signup)
    if by:
        needed.append(by)
    require_columns(events, needed, Fact("retention.what.retention"))

    cols = list(dict.fromkeys(needed))
    ev = events.lazy().select(cols).filter(pl.col("ts").is_not_null())
    if as_of is None:
        as_of = ev.select(pl.col("ts").max()).collect().item()
        if as_of is None:
            return _empty_table(by)
    as_of = as_datetime(as_of)
    ev = ev.filter(pl.col("ts") <= as_of)
    if by:
        ev = ev.with_columns(pl.col(by).cast(pl.String).fill_null(NONE))

    # anchors: one row per user (anchor time, cohort index, segment)
    if signup:
        src = ev.filter(pl.col(signup).is_not_null()).with_columns(
            pl.col(signup).cast(pl.Datetime("us")).alias("_anchor_src")
        )
        anchor = pl.col("_anchor_src").min()
    else:
        src = ev if start is None else ev.filter(pl.col("step") == start)
        anchor = pl.col("ts").min()
    aggs = [anchor.alias("_anchor")]
    if by:
        aggs.append(pl.col(by).sort_by("ts").first())
    anchors = (
        src.group_by("user_id")
        .agg(aggs)
        .filter(pl.col("_anchor") <= as_of)
        .with_columns(period_index(pl.col("_anchor"), grain).alias("_cidx"))
    )
    keys = [by] if by else []
    ckeys = [*keys, "_cidx"]

    # activity: one row per user × period with a return event at or after the anchor
    ret = ev if return_step is None else ev.filter(pl.col("step") == return_step)
    activity = (
        ret.group_by("user_id", period_index(pl.col("ts"), grain).alias("_pidx"))
        .agg(pl.col("ts").max().alias("_last"))
        .join(anchors, on="user_id", how="inner")
        .filter(pl.col("_last") >= pl.col("_anchor"))
        .select(*ckeys, "user_id", (pl.col("_pidx") - pl.col("_cidx")).alias("period"))
    )

    return _tabulate(anchors, activity, keys, "user_id", as_of, grain, periods, mode)


def _tabulate(
    anchors: pl.LazyFrame,
    activity: pl.LazyFrame,
    keys: list[str],
    user: str,
    as_of: datetime,
    grain: Grain,
    periods: int | None,
    mode: Mode,
) -> pl.DataFrame:
    """The cohort table from the anchors (one row per user: ``_cidx``, the ``keys``) and the
    activity (user × period N retained: ``period``), as of ``as_of``."""
    ckeys = [*keys, "_cidx"]
    sizes = anchors.group_by(ckeys).agg(pl.len().cast(pl.Int64).alias("cohort_size"))
    if mode == "on":
        counts = activity.group_by(*ckeys, "period").agg(pl.len().cast(pl.Int64).alias("_n"))
    else:
        best = activity.group_by(*ckeys, user).agg(pl.col("period").max())
        counts = best.group_by(*ckeys, "period").agg(pl.len().cast(pl.Int64).alias("_n"))
    return tabulate_counts(sizes, counts, keys, as_of, grain, periods, mode)


def tabulate_counts(
    sizes: pl.LazyFrame | pl.DataFrame,
    counts: pl.LazyFrame | pl.DataFrame,
    keys: list[str],
    as_of: datetime,
    grain: Grain,
    periods: int | None,
    mode: Mode,
) -> pl.DataFrame:
    """The cohort table from counts of users (what an engine brings back).

    ``sizes``: one row per cohort (``keys``, ``_cidx`` = :func:`kpi.periods.period_index` of
    the anchor) with ``cohort_size``; ``counts``: (``keys``, ``_cidx``, ``period``, ``_n``)
    where ``_n`` is, for ``mode="on"``, the users active in period N, and for
    ``"on_or_after"`` the users whose *last* period with a return is N. As of ``as_of``.
    """
    ckeys = [*keys, "_cidx"]
    sizes, counts = sizes.lazy(), counts.lazy()
    as_of_idx = scalar_index(as_of, grain)
    last = pl.lit(as_of_idx, pl.Int64) - pl.col("_cidx")
    if periods is not None:
        last = pl.min_horizontal(last, pl.lit(periods, pl.Int64))
    grid = (
        sizes.with_columns(last.alias("_last_period"))
        .with_columns(pl.int_ranges(0, pl.col("_last_period") + 1).alias("period"))
        .explode("period")
        .with_columns(pl.col("period").cast(pl.Int64))
    )
    if mode == "on":
        table = grid.join(counts, on=[*ckeys, "period"], how="left")
        table = table.with_columns(pl.col("_n").fill_null(0).alias("retained"))
    else:
        capped = counts.join(
            sizes.with_columns(last.alias("_cap")).select(*ckeys, "_cap"), on=ckeys
        )
        capped = capped.group_by(*ckeys, pl.min_horizontal("period", "_cap").alias("period")).agg(
            pl.col("_n").sum()
        )
        table = (
            grid.join(capped, on=[*ckeys, "period"], how="left")
            .with_columns(pl.col("_n").fill_null(0))
            .sort([*ckeys, "period"], descending=[*[False] * len(ckeys), True])
            .with_columns(pl.col("_n").cum_sum().over(ckeys).alias("retained"))
        )
    next_start = period_start(pl.col("_cidx") + pl.col("period") + 1, grain).cast(pl.Datetime("us"))
    start_date = period_start(pl.col("_cidx"), grain)
    out = (
        table.with_columns(
            period_label(start_date, grain).alias("cohort"),
            start_date.alias("cohort_start"),
            (pl.col("retained") / pl.col("cohort_size")).alias("retention"),
            (next_start <= pl.lit(as_of, pl.Datetime("us"))).alias("complete"),
        )
        .sort([*keys, "_cidx", "period"])
        .select(*keys, *_TABLE_SCHEMA)
        .collect()
    )
    return out.cast(_TABLE_SCHEMA)  # type: ignore[arg-type]


@dataclass(frozen=True)
class CohortActivity:
    """Every user's cohort anchor and the periods they came back in, over the whole data.

    A user's anchor (first event, or first purchase) and returns do not depend on segment
    filters (user attributes) nor on the view's period (a cohort is followed over its whole
    history): computed once per Dataset, the cohort table of any set of users is a filter
    and a count. Users are rows of the Dataset's users table (``_row``).
    """

    anchors: pl.DataFrame  # _row, _anchor, _cidx
    activity: pl.DataFrame  # _row, _cidx, period
    last_ts: pl.Series  # per users row: the user's last event time (null: none)
    grain: Grain

    def users_in(self, mask: pl.Series | None, start: date | None, end: date | None) -> pl.Series:
        """The users rows of :func:`cohort_view`: in the segments (``mask``; None: all), and
        with an anchor in [start, end] when the period has a bound."""
        n = self.last_ts.len()
        selected = mask if mask is not None else pl.Series([True] * n)
        if start is None and end is None:
            return selected
        inside = pl.lit(True)
        if start is not None:
            inside &= pl.col("_anchor") >= datetime.combine(start, datetime.min.time())
        if end is not None:
            inside &= pl.col("_anchor") < datetime.combine(
                end + timedelta(days=1), datetime.min.time()
            )
        rows = self.anchors.filter(inside)["_row"]
        anchored = (
            pl.Series([False] * n).scatter(rows, True) if rows.len() else pl.Series([False] * n)
        )
        return selected & anchored

    def table(self, selected: pl.Series, *, periods: int | None, mode: Mode) -> pl.DataFrame:
        """:func:`cohort_table` (no breakdown) of the events of the ``selected`` users."""
        as_of = self.last_ts.filter(selected).max()
        if as_of is None:
            return _empty_table(None)
        anchors = self.anchors.filter(selected.gather(self.anchors["_row"]))
        activity = self.activity.filter(selected.gather(self.activity["_row"]))
        return _tabulate(
            anchors.lazy(),
            activity.lazy(),
            [],
            "_row",
            as_datetime(as_of),
            self.grain,
            periods,
            mode,
        )


def cohort_activity(
    events: pl.DataFrame,
    user_rows: pl.Series,
    n_users: int,
    *,
    grain: Grain = "month",
    cohort_by: str = "first_event",
    return_step: str | None = None,
    purchase_step: str = "purchase",
) -> CohortActivity | None:
    """The :class:`CohortActivity` of ``events`` whose users are ``user_rows`` (each event's
    row in a users table of ``n_users`` rows, no null); None for cohorts anchored on a date
    column (signup...), computed from the events as before."""
    check_grain(grain)
    if cohort_by not in ("first_event", "first_purchase") or user_rows.null_count():
        return None
    ts, step = pl.col("ts"), pl.col("step")
    cols = ["ts", "step"] if "step" in events.columns else ["ts"]
    if (cohort_by == "first_purchase" or return_step is not None) and "step" not in cols:
        return None
    ev = events.select(cols).with_columns(user_rows.alias("_row")).lazy().filter(ts.is_not_null())
    src = ev.filter(step == purchase_step) if cohort_by == "first_purchase" else ev
    anchors = (
        src.group_by("_row")
        .agg(ts.min().alias("_anchor"))
        .with_columns(period_index(pl.col("_anchor"), grain).alias("_cidx"))
        .collect()
    )
    ret = ev if return_step is None else ev.filter(step == return_step)
    activity = (
        ret.group_by("_row", period_index(ts, grain).alias("_pidx"))
        .agg(ts.max().alias("_last"))
        .join(anchors.lazy(), on="_row", how="inner")
        .filter(pl.col("_last") >= pl.col("_anchor"))
        .select("_row", "_cidx", (pl.col("_pidx") - pl.col("_cidx")).alias("period"))
        .collect()
    )
    last = ev.group_by("_row").agg(ts.max()).collect()
    dtype = events.schema["ts"]
    last_ts = pl.Series("ts", [None] * n_users, dtype=dtype).scatter(last["_row"], last["ts"])
    return CohortActivity(anchors, activity, last_ts, grain)


def cohort_table_note(
    events: pl.DataFrame,
    *,
    cohort_by: str = "first_event",
    start_step: str | None = None,
    return_step: str | None = None,
    purchase_step: str = "purchase",
) -> Fact | None:
    """Why the cohort table is empty (a fact), or None when it is not."""
    if events.height == 0:
        return Fact("retention.note.no_events")
    if "ts" not in events.columns or events["ts"].null_count() == events.height:
        return Fact("retention.note.no_dates")
    start = purchase_step if cohort_by == "first_purchase" else start_step
    steps = set(events["step"].unique().to_list()) if "step" in events.columns else set()
    for kind, step in (("start", start), ("return", return_step)):
        if step is not None and step not in steps:
            return Fact(f"retention.note.no_{kind}_step", step=step, found=steps_found(events))
    signup = cohort_by not in ("first_event", "first_purchase")
    if signup and (
        cohort_by not in events.columns or events[cohort_by].null_count() == events.height
    ):
        return Fact("retention.note.no_cohort_value", column=cohort_by)
    return None


def cohort_view(
    ds_full: Dataset,
    filters: Filters,
    *,
    cohort_by: str = "first_event",
    purchase_step: str = "purchase",
    segmented: Dataset | None = None,
) -> Dataset:
    """The cohorts that *started* in the filter's period, followed over their whole history.

    A date filter cuts events at the period start, so a user first seen in June looks new in
    November. Here: the segment filters are applied to the full data
    (``Filters(segments=filters.segments).apply(ds_full)``), then only users whose anchor falls
    in [``filters.start``, ``filters.end``] (whole days) are kept, with *all* their events
    (before the end of the period and after it). Anchor (as :func:`cohort_table`): the first
    event (``"first_event"``), the first ``purchase_step`` event (``"first_purchase"``) or the
    earliest value of that users column (``"signup"``...). Without a start or an end, that side
    is open; without either, the result is the segment-filtered data. ``segmented``: that
    segment-filtered data when the caller already has it (the view's period cache).
    """
    seg = segmented if segmented is not None else Filters(segments=filters.segments).apply(ds_full)
    if filters.start is None and filters.end is None:
        return seg
    if cohort_by in ("first_event", "first_purchase"):
        if "ts" not in seg.events.columns:
            return seg
        ev = seg.events.lazy().filter(pl.col("ts").is_not_null())
        if cohort_by == "first_purchase":
            ev = ev.filter(pl.col("step") == purchase_step)
        anchors = ev.group_by("user_id").agg(pl.col("ts").min().alias("_anchor")).collect()
    else:
        require_columns(seg.users, ["user_id", cohort_by], Fact("retention.what.cohort_dates"))
        anchors = seg.users.select("user_id", pl.col(cohort_by).alias("_anchor"))
    inside = pl.col("_anchor").is_not_null()
    if filters.start is not None:
        inside &= pl.col("_anchor") >= datetime.combine(filters.start, datetime.min.time())
    if filters.end is not None:
        inside &= pl.col("_anchor") < datetime.combine(
            filters.end + timedelta(days=1), datetime.min.time()
        )
    keep = anchors.filter(inside).select("user_id")
    return seg.with_tables(
        events=seg.events.join(keep, on="user_id", how="semi"),
        users=seg.users.join(keep, on="user_id", how="semi"),
    )


def top_segment(events: pl.DataFrame, by: str, n: int = 6) -> pl.DataFrame:
    """``events`` with ``by`` relabelled to its ``n`` most common values (by users) + "Other".

    Ranking counts users (their first-touch value), not events, so one very active user
    cannot push a value into the top list. Totals over the relabelled column reconcile.
    """
    require_columns(events, ["user_id", by], Fact("retention.what.breakdown"))
    col = pl.col(by).cast(pl.String).fill_null(NONE)
    ordered = events.lazy().sort("ts") if "ts" in events.columns else events.lazy()
    per_user = ordered.select("user_id", col).group_by("user_id").agg(pl.col(by).first()).collect()
    keep = top_values(per_user, by, n)
    return events.with_columns(
        pl.when(col.is_in(keep)).then(col).otherwise(pl.lit(OTHER)).alias(by)
    )
