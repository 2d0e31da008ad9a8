"""Cohort retention broken down by a segment: one curve per segment value, side by side.

A segment is a user attribute (device, channel, variant, any user column); a user takes the
value of their first event (first touch, as the rest of the app), and the values outside the
top ones by users are grouped as "Other", so that the segments' cohort sizes add up to the
total's (:func:`kpi.retention.cohorts.top_segment`; an engine cuts them the same way).

Per segment value s and period N, the weighted average retention (PostHog's ``weighted``
mean, Amplitude's average):

    retention(s, N) = Σ_c retained(s, c, N) ÷ Σ_c cohort_size(s, c)

over the cohorts c of s whose period N is complete (:func:`kpi.retention.weighted_average`),
so a large cohort weighs more than a small one, and the in-progress periods do not pull the
average down. The total's line is the same average without the segment.

Everything here is read from the cohort tables the Retention page already has (the per-segment
table of the breakdown and the total's table): nothing is recomputed from the events.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from kpi.errors import InputError
from kpi.retention.cohorts import segment_keys
from kpi.retention.curves import ALL_SERIES, weighted_average
from kpi.segments import OTHER
from kpi.words import Fact

__all__ = ["SegmentRetention", "segment_retention"]

#: the smallest number of users behind a segment's average for it to be compared in words
MIN_USERS = 30


@dataclass(frozen=True)
class SegmentRetention:
    """Retention per segment value (module docstring).

    ``by``: the segment; ``average``: ``by``, ``period``, ``cohorts``, ``users``,
    ``retained``, ``retention`` (weighted, complete cells only); ``total``: the same without
    the segment (``period``, ``cohorts``, ``users``, ``retained``, ``retention``);
    ``curves``: line data (``series`` = the segment value, or ``All`` for the total,
    ``period``, ``retention``, ``users``, ``is_total``); ``sizes``: ``by``, ``users`` (the
    users of that value's cohorts), ``share`` (of all the cohorts' users), largest first,
    "Other" last; ``matrix``: ``by``, ``users``, ``P0``..``PN`` (weighted averages; null
    where no cohort of the value has a complete period N), the total's row last (``by`` =
    ``All``); ``total_users``: the users of the total's cohorts; ``reconciles``: the sizes add
    up to it; ``findings``: facts (the best and worst retained value at the first period
    after the start).
    """

    by: str
    average: pl.DataFrame
    total: pl.DataFrame
    curves: pl.DataFrame
    sizes: pl.DataFrame
    matrix: pl.DataFrame
    total_users: int
    reconciles: bool
    findings: list[Fact]


def _cohort_users(table: pl.DataFrame, keys: list[str]) -> pl.DataFrame:
    """Users of the cohorts (Σ cohort_size at period 0) per ``keys`` (one row without keys)."""
    first = table.filter(pl.col("period") == 0)
    if keys:
        return first.group_by(keys).agg(pl.col("cohort_size").sum().cast(pl.Int64).alias("users"))
    return first.select(pl.col("cohort_size").sum().cast(pl.Int64).alias("users"))


def segment_retention(
    by_table: pl.DataFrame,
    total_table: pl.DataFrame,
    *,
    grain: str = "month",
    min_users: int = MIN_USERS,
) -> SegmentRetention:
    """:class:`SegmentRetention` from the cohort table broken down by a segment
    (:func:`kpi.retention.cohort_table` with ``by``, or a summary's ``table``) and the
    total's cohort table (the same choices without ``by``), at ``grain`` (the words of the
    findings). ``min_users``: a value compared in
    :attr:`SegmentRetention.findings` has at least that many users behind its average."""
    keys = segment_keys(by_table)
    if len(keys) != 1:
        raise InputError(Fact("retention.error.average_needs_segment"))
    by = keys[0]
    average = weighted_average(by_table)
    total = weighted_average(total_table.select(*[c for c in total_table.columns if c != by]))
    sizes = _cohort_users(by_table, [by])
    total_users = int(_cohort_users(total_table, [])["users"][0] or 0)
    all_users = int(sizes["users"].sum() or 0)
    sizes = (
        sizes.with_columns(
            (pl.col("users") / all_users if all_users else pl.lit(None, pl.Float64)).alias("share"),
            (pl.col(by) == OTHER).alias("_other"),
        )
        .sort(["_other", "users", by], descending=[False, True, False])
        .drop("_other")
    )
    curves = pl.concat(
        [
            average.select(
                pl.col(by).alias("series"),
                "period",
                "retention",
                "users",
                pl.lit(False).alias("is_total"),
            ),
            total.select(
                pl.lit(ALL_SERIES).alias("series"),
                "period",
                "retention",
                "users",
                pl.lit(True).alias("is_total"),
            ),
        ],
        how="vertical_relaxed",
    )
    matrix = _matrix(by, average, total, sizes, total_users)
    return SegmentRetention(
        by=by,
        average=average,
        total=total,
        curves=curves,
        sizes=sizes,
        matrix=matrix,
        total_users=total_users,
        reconciles=all_users == total_users,
        findings=_findings(by, average, min_users, grain),
    )


def _matrix(
    by: str, average: pl.DataFrame, total: pl.DataFrame, sizes: pl.DataFrame, total_users: int
) -> pl.DataFrame:
    periods = sorted(set(average["period"].to_list()) | set(total["period"].to_list()))
    cols = [f"P{p}" for p in periods]
    order = sizes.select(by, "users").with_row_index("_row")
    if average.height:
        wide = average.with_columns(pl.format("P{}", pl.col("period")).alias("_p")).pivot(
            "_p", index=by, values="retention"
        )
    else:
        wide = pl.DataFrame(schema={by: pl.String()})
    seg = order.join(wide, on=by, how="left").sort("_row").drop("_row")
    tot_row = {by: ALL_SERIES, "users": total_users} | {
        f"P{p}": r
        for p, r in zip(total["period"].to_list(), total["retention"].to_list(), strict=True)
    }
    schema = {by: pl.String(), "users": pl.Int64()} | {c: pl.Float64() for c in cols}
    tot = pl.DataFrame([tot_row], schema=schema)
    seg = seg.select(
        pl.col(by).cast(pl.String),
        pl.col("users").cast(pl.Int64),
        *(
            pl.col(c).cast(pl.Float64) if c in seg.columns else pl.lit(None, pl.Float64).alias(c)
            for c in cols
        ),
    )
    return pl.concat([seg, tot.select(seg.columns)], how="vertical")


def _findings(by: str, average: pl.DataFrame, min_users: int, grain: str) -> list[Fact]:
    """The best and the worst retained value at the first period after the start that at
    least two values (each with ``min_users`` users behind it) have complete."""
    usable = average.filter((pl.col("period") >= 1) & (pl.col("users") >= min_users))
    if usable.height == 0:
        return [Fact("retention_segments.finding.too_few", n=min_users)]
    counts = usable.group_by("period").len().filter(pl.col("len") >= 2)
    if counts.height == 0:
        return [Fact("retention_segments.finding.too_few", n=min_users)]
    period = int(counts["period"].min())  # type: ignore[arg-type]
    at = usable.filter(pl.col("period") == period).sort(["retention", by], descending=[True, False])
    best, worst = at.row(0, named=True), at.row(at.height - 1, named=True)
    return [
        Fact(
            "retention_segments.finding.best_worst",
            period=period,
            grain=Fact(f"retention_segments.grain.{grain}"),
            segment=by,
            best=str(best[by]),
            best_rate=float(best["retention"]),
            worst=str(worst[by]),
            worst_rate=float(worst["retention"]),
            gap=float(best["retention"] - worst["retention"]),
        )
    ]
