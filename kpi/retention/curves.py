"""What a cohort table becomes on screen and in the workbook: weighted averages, curves,
the period-N trend across cohorts, the long layout of a heatmap and the wide matrix."""

from __future__ import annotations

from typing import Literal

import polars as pl

from kpi.errors import InputError
from kpi.retention.cohorts import segment_keys
from kpi.words import Fact

__all__ = [
    "ALL_SERIES",
    "AVERAGE_LABEL",
    "average_long",
    "cohort_long",
    "cohort_matrix",
    "period_n_trend",
    "retention_curve",
    "weighted_average",
]

#: the ``cohort`` value of the weighted-average row of :func:`cohort_long` (a neutral key: the
#: pages and the workbook show it as ``retention.average_row`` in the reader's language)
AVERAGE_LABEL = "Average (weighted)"
#: the ``series`` value of the one average line of :func:`retention_curve` without a segment
#: (shown as ``common.all``)
ALL_SERIES = "All"
_segment_keys = segment_keys


def weighted_average(table: pl.DataFrame) -> pl.DataFrame:
    """Average retention per period (and segment) over complete cells, weighted by cohort size.

    retention(N) = Σ retained(c, N) ÷ Σ cohort_size(c) over cohorts c whose period N is
    complete (Amplitude / PostHog "weighted" mean). Columns: [segment], ``period``,
    ``cohorts``, ``users``, ``retained``, ``retention``. Periods with no complete cell are left
    out.
    """
    keys = _segment_keys(table)
    return (
        table.filter(pl.col("complete"))
        .group_by(*keys, "period")
        .agg(
            pl.len().cast(pl.Int64).alias("cohorts"),
            pl.col("cohort_size").sum().cast(pl.Int64).alias("users"),
            pl.col("retained").sum().cast(pl.Int64).alias("retained"),
        )
        .with_columns((pl.col("retained") / pl.col("users")).alias("retention"))
        .sort(*keys, "period")
    )


def retention_curve(
    table: pl.DataFrame, *, per: Literal["cohort", "segment"] = "cohort"
) -> pl.DataFrame:
    """Line-chart data: ``series``, ``period``, ``retention``, ``users``, ``complete``.

    ``per="cohort"``: one line per cohort (labelled ``segment · cohort`` with a breakdown);
    ``per="segment"``: one weighted-average line per segment value (``All`` without one).
    """
    keys = _segment_keys(table)
    if per == "cohort":
        series = (
            pl.concat_str([pl.col(keys[0]), pl.col("cohort")], separator=" · ")
            if keys
            else pl.col("cohort")
        )
        return table.select(
            series.alias("series"),
            "period",
            "retention",
            pl.col("cohort_size").alias("users"),
            "complete",
        )
    if per != "segment":
        raise InputError(
            Fact("retention.error.curve_grouping", per=str(per)),
            Fact("retention.hint.curve_grouping"),
        )
    avg = weighted_average(table)
    series = pl.col(keys[0]).alias("series") if keys else pl.lit(ALL_SERIES).alias("series")
    return avg.select(series, "period", "retention", "users", pl.lit(True).alias("complete"))


def period_n_trend(table: pl.DataFrame, n: int) -> pl.DataFrame:
    """Period-N retention across cohorts (e.g. month-1 retention of every monthly cohort).

    Columns: [segment], ``cohort``, ``cohort_start``, ``cohort_size``, ``retained``,
    ``retention``, ``complete``; cohorts whose period N has not started are absent.
    """
    keys = _segment_keys(table)
    return table.filter(pl.col("period") == n).select(
        *keys, "cohort", "cohort_start", "cohort_size", "retained", "retention", "complete"
    )


def cohort_long(table: pl.DataFrame, average: pl.DataFrame | None = None) -> pl.DataFrame:
    """Cohort cells plus the weighted-average row, ready for a heatmap or a sheet.

    Columns: [segment], ``cohort`` (label; the average row is ``Average (weighted)``),
    ``cohort_size`` (the average row: sum of the cohort sizes), ``period``, ``retained``,
    ``retention``, ``complete``, ``is_average``, ``row`` (display order, 0 first).
    """
    keys = _segment_keys(table)
    if average is None:
        average = weighted_average(table)
    cells = table.select(
        *keys,
        "cohort",
        "cohort_size",
        "period",
        "retained",
        "retention",
        "complete",
        pl.lit(False).alias("is_average"),
    )
    totals = (
        table.filter(pl.col("period") == 0)
        .group_by(keys or pl.lit(0).alias("_k"))
        .agg(pl.col("cohort_size").sum().cast(pl.Int64))
    )
    avg = average.select(
        *keys,
        pl.lit(AVERAGE_LABEL).alias("cohort"),
        "period",
        "retained",
        "retention",
        pl.lit(True).alias("complete"),
        pl.lit(True).alias("is_average"),
    )
    avg = (
        avg.join(totals, on=keys, how="left")
        if keys
        else avg.with_columns(pl.lit(totals["cohort_size"].sum(), pl.Int64).alias("cohort_size"))
    )
    out = pl.concat([cells, avg.select(cells.columns)], how="vertical_relaxed")
    return out.with_columns(
        pl.struct(*keys, "is_average", "cohort").rank("dense").sub(1).cast(pl.Int64).alias("row")
    ).sort("row", "period")


def average_long(table: pl.DataFrame, average: pl.DataFrame | None = None) -> pl.DataFrame:
    """Weighted averages per segment in the :func:`cohort_long` layout (one row per segment
    value): ``cohort`` = the segment value, ``cohort_size`` = all users of that segment's
    cohorts (so the rows add up to every user)."""
    keys = _segment_keys(table)
    if not keys:
        raise InputError(Fact("retention.error.average_needs_segment"))
    by = keys[0]
    if average is None:
        average = weighted_average(table)
    sizes = (
        table.filter(pl.col("period") == 0)
        .group_by(by)
        .agg(pl.col("cohort_size").sum().cast(pl.Int64))
    )
    return (
        average.join(sizes, on=by, how="left")
        .select(
            by,
            pl.col(by).alias("cohort"),
            pl.col("cohort_size").fill_null(0).cast(pl.Int64),
            "period",
            "retained",
            "retention",
            pl.lit(True).alias("complete"),
            pl.lit(False).alias("is_average"),
            pl.col(by).rank("dense").sub(1).cast(pl.Int64).alias("row"),
        )
        .sort("row", "period")
    )


def cohort_matrix(table: pl.DataFrame, average: pl.DataFrame | None = None) -> pl.DataFrame:
    """The cohort table pivoted wide: [segment], ``cohort``, ``cohort_size``, ``P0``..``PN``
    (retention fractions; null where the period has not started), the weighted-average row
    last (per segment)."""
    keys = _segment_keys(table)
    long = cohort_long(table, average)
    if long.height == 0:
        schema = {k: pl.String() for k in keys} | {"cohort": pl.String(), "cohort_size": pl.Int64()}
        return pl.DataFrame(schema=schema)
    n_max = int(long["period"].max())  # type: ignore[arg-type]
    cols = [f"P{i}" for i in range(n_max + 1)]
    wide = (
        long.with_columns(pl.format("P{}", pl.col("period")).alias("_p"))
        .pivot("_p", index=[*keys, "cohort", "cohort_size", "row"], values="retention")
        .sort("row")
    )
    return wide.select(
        *keys,
        "cohort",
        "cohort_size",
        *(pl.col(c).cast(pl.Float64) if c in wide.columns else pl.lit(None, pl.Float64).alias(c)
          for c in cols),
    )  # fmt: skip
