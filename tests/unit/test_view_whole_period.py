"""The View's funnel when the per-user facts do not cover the data (e.g. the streamed Dataset of
``python -m kpi report --big``, whose user ids are integer codes): without a segment filter the
view is its period, so its funnel table comes from the period's funnel progress, the same one
the workbook's breakdowns read (one funnel pass); the answers equal kpi.funnel.funnel_table on
the filtered events (the reference), with and without a period, with a segment filter too."""

from __future__ import annotations

import importlib.util
from datetime import date, timedelta
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from kpi import funnel
from kpi.dataset import Dataset
from kpi.filters import Filters
from kpi.journey.facts import PeriodFacts
from kpi.report import ReportOptions, build_workbook
from kpi.schema import TableInput, build_dataset
from kpi.settings import FunnelSettings
from kpi.view import View

ROOT = Path(__file__).resolve().parents[2]


def _generated(n_events: int = 30_000) -> Dataset:
    spec = importlib.util.spec_from_file_location("bench_gen", ROOT / "bench" / "gen.py")
    assert spec is not None and spec.loader is not None
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    frame = gen.event_log(n_events).with_columns(
        pl.col("event_time").str.to_datetime("%Y-%m-%d %H:%M:%S")
    )
    return build_dataset([TableInput("events.csv", frame)])


@pytest.fixture(scope="module")
def ds() -> Dataset:
    return _generated()


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """No per-user facts (as on the streamed Dataset); counts the funnel passes."""
    calls = {"progress": 0, "funnel_table": 0}
    real_progress, real_table = funnel.funnel_progress, funnel.funnel_table

    def progress(*a, **k):  # type: ignore[no-untyped-def]
        calls["progress"] += 1
        return real_progress(*a, **k)

    def table(*a, **k):  # type: ignore[no-untyped-def]
        calls["funnel_table"] += 1
        return real_table(*a, **k)

    monkeypatch.setattr(PeriodFacts, "build", classmethod(lambda cls, *a, **k: None))
    monkeypatch.setattr(funnel, "funnel_progress", progress)
    monkeypatch.setattr(funnel, "funnel_table", table)
    return calls


@pytest.mark.parametrize(
    "flt",
    [
        Filters(),
        Filters(start=date(2025, 9, 1), end=date(2025, 10, 31)),
        Filters(segments={"device": ("mobile",)}),
    ],
    ids=["whole", "period", "device"],
)
def test_funnel_without_facts_equals_funnel_table(
    ds: Dataset, counted: dict[str, int], flt: Filters
) -> None:
    settings = FunnelSettings(window=timedelta(days=14))
    view = View(ds, flt, settings)
    got = view.funnel()
    assert got is not None and got["users"][0] > 0
    events = flt.apply(ds).events
    ref = funnel.funnel_table(events, view.steps, window=view.window)
    assert_frame_equal(got, ref)
    if not flt.active_segments:
        assert counted["progress"] == 1  # the period's progress (the reference: funnel_table)
        if flt.start is not None:
            prev = view.previous_funnel()
            assert prev is not None
            ref_prev = funnel.funnel_table(
                flt.previous().apply(ds).events,  # type: ignore[union-attr]
                view.steps,
                window=view.window,
            )
            assert_frame_equal(prev, ref_prev)


def test_workbook_without_facts_runs_one_funnel_pass(ds: Dataset, counted: dict[str, int]) -> None:
    """The View's funnel, the Funnel sheet's breakdown by device and the A/B outcome: one
    funnel_progress call and no funnel_table call."""
    settings = FunnelSettings(window=timedelta(days=14), segment="device")
    view = View(ds, Filters(), settings)
    build_workbook(ds, Filters(), options=ReportOptions(funnel=settings), view=view)
    assert counted == {"progress": 1, "funnel_table": 0}
