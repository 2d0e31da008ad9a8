"""Stage KPIs against the previous period: absolute and relative change."""

from __future__ import annotations

import polars as pl

from kpi.journey.kpi import Kpi
from kpi.words import Lang

__all__ = ["compare"]


def compare(current: list[Kpi], previous: list[Kpi], lang: Lang = "en") -> pl.DataFrame:
    """Current vs previous period, one row per current KPI.

    Columns ``code``, ``label`` (the KPI's name in ``lang``), ``value``, ``previous``,
    ``abs_change`` = value − previous and ``rel_change`` = value / previous − 1 (null when
    either value is missing or previous is 0).
    """
    prev = {k.code: k.value for k in previous}
    frame = pl.DataFrame(
        {
            "code": [k.code for k in current],
            "label": [k.label(lang) for k in current],
            "value": [k.value for k in current],
            "previous": [prev.get(k.code) for k in current],
        },
        schema={"code": pl.String, "label": pl.String, "value": pl.Float64, "previous": pl.Float64},
    )
    return frame.with_columns(
        (pl.col("value") - pl.col("previous")).alias("abs_change"),
        pl.when(pl.col("previous") != 0)
        .then(pl.col("value") / pl.col("previous") - 1)
        .otherwise(None)
        .alias("rel_change"),
    )
