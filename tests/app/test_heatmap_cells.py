"""The retention heatmap's cell labels fit a year of months on a 1280 projector: whole
percents in the cells from 9 periods on, the exact figure in the tooltip (Online Retail's 13
monthly periods printed "36,6 %" over "38,4 %" in 41-pixel cells)."""

from __future__ import annotations

import polars as pl
import pytest

from pages._ui import cohort_charts


def _long(periods: int) -> pl.DataFrame:
    rows = [
        {
            "cohort": "déc. 2010",
            "cohort_start": None,
            "cohort_size": 885,
            "period": n,
            "retained": r,
            "retention": r / 885,
            "complete": n < periods - 1,
            "is_average": False,
            "row": 0,
        }
        for n, r in zip(range(periods), [885, 324, 286, 340, *[310] * 20], strict=False)
    ]
    return pl.DataFrame(rows)


def _texts(chart) -> tuple[list[str], list[str]]:  # type: ignore[no-untyped-def]
    spec = chart.to_dict()
    values = next(iter(spec["datasets"].values()))
    layer = spec["layer"][1]
    assert layer["mark"]["type"] == "text"
    field = layer["encoding"]["text"]["field"]
    return [v[field] for v in values], [v["shown"] for v in values]


@pytest.mark.parametrize(("periods", "whole"), [(6, False), (13, True)])
def test_cells_in_whole_percents_from_nine_periods(periods: int, whole: bool) -> None:
    chart = cohort_charts.retention_heatmap(_long(periods), grain="month", title="t", subtitle="s")
    cells, exact = _texts(chart)
    # 324 / 885 = 36.61 %: "36.6%" in the tooltip always, "37%" in a cell of a long grid
    assert exact[1] == "36.6%"
    assert cells[1] == ("37%" if whole else "36.6%")
    assert cells[-1].endswith("*")  # the period in progress keeps its mark
