"""Retention by segment on a connected table: the engine's per-segment cohort table (one
grouped count: cohort × period × segment active users, :mod:`kpi.engine.cohorts`) gives the
same curves, weighted averages and sizes as the upload's."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

pytest.importorskip("kpi.engine.cohorts")

from kpi.engine.roles import map_roles
from kpi.engine.view import EngineView
from kpi.filters import Filters
from kpi.retention.by_segment import segment_retention
from kpi.schema import TableInput, build_dataset
from kpi.view import View
from tests.engine.engine_data import events


@pytest.fixture(scope="module")
def log() -> pl.DataFrame:
    return events(300, seed=13)


@pytest.mark.parametrize("backend", ["polars", "duckdb"])
@pytest.mark.parametrize(
    "choice",
    [{}, {"grain": "week", "periods": 6}, {"mode": "on_or_after"}],
    ids=["month", "week", "on_or_after"],
)
@pytest.mark.parametrize(
    "filters",
    [Filters(), Filters(start=dt.date(2025, 2, 1), end=dt.date(2025, 3, 31))],
    ids=["all", "period"],
)
def test_the_engine_segments_are_the_uploads(log, backend, choice, filters, to_native) -> None:  # type: ignore[no-untyped-def]
    engine = EngineView(map_roles(to_native(log, backend), None, label="events"), filters)
    upload = View(build_dataset([TableInput("events.csv", log)]), filters)
    got = [engine.retention(by=by, **choice) for by in ("device", None)]
    want = [upload.retention(by=by, **choice) for by in ("device", None)]
    assert all(x is not None for x in (*got, *want))
    seg = segment_retention(got[0].table, got[1].table)
    ref = segment_retention(want[0].table, want[1].table)
    for name in ("average", "total", "curves", "sizes", "matrix"):
        assert getattr(seg, name).equals(getattr(ref, name)), name
    assert seg.total_users == ref.total_users and seg.reconciles and ref.reconciles
    assert seg.findings == ref.findings
