"""kpi.engine.view_stages: the stage KPIs per segment value and per period of a connected
table equal the upload's (``View(ds, filters).kpis_by`` / ``View(ds, period).kpis()``) on the
same events, in polars and DuckDB; additive KPIs add up to the view's."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from kpi.engine.view import EngineView
from kpi.engine.view_stages import kpis_by, kpis_over_time, period_starts
from kpi.errors import InputError
from kpi.filters import Filters
from kpi.stages import ADDITIVE
from kpi.view import View
from tests.engine.aggregates_support import (
    assert_close_frames,
    assert_same_kpis,
    canonical,
    engine_tables,
    generated_log,
    upload,
)

CASES = [
    ("device", Filters()),
    ("channel", Filters(start=date(2025, 8, 1), end=date(2025, 9, 30))),
    ("device", Filters(segments={"channel": ["email", "x' OR '1'='1"]})),
    ("variant", Filters(start=date(2025, 7, 14), end=date(2025, 8, 2))),
]


@pytest.fixture(scope="module")
def shop():
    frame = generated_log(12_000)
    return upload(frame), canonical(frame)


@pytest.mark.parametrize(("segment", "f"), CASES, ids=[str(i) for i in range(len(CASES))])
def test_kpis_by_segment_equal_the_upload(shop, segment, f) -> None:
    ds, events = shop
    want = View(ds, f).kpis_by(segment)
    assert want is not None and want.height >= 2
    for _, table in engine_tables(events):
        got = kpis_by(EngineView(table, f), segment)
        assert got.columns == want.columns
        assert got[segment].to_list() == want[segment].to_list()
        assert_close_frames(got, want)


def test_additive_kpis_add_up_to_the_view(shop) -> None:
    _, events = shop
    _, table = next(engine_tables(events))
    view = EngineView(table, Filters())
    got = kpis_by(view, "channel", n=2)  # two channels kept, the others as "Other"
    assert got["channel"].to_list()[-1] == "Other" and got.height == 3
    whole = {k.code: k.value for k in view.kpis()}
    for code in ADDITIVE:
        if code in got.columns:
            assert got[code].sum() == pytest.approx(whole[code])
    # a rate is not the sum: the users-weighted mean of the groups' conversion rates
    conv = (got["conversion_rate"] * got["users"]).sum() / got["users"].sum()
    assert conv == pytest.approx(whole["conversion_rate"])


def test_unknown_segment_is_said(shop) -> None:
    _, events = shop
    _, table = next(engine_tables(events))
    with pytest.raises(InputError):
        kpis_by(EngineView(table, Filters()), "nope")
    assert EngineView(table, Filters()).kpis_by("nope") is None


def test_engine_view_kpis_by_is_this_function(shop) -> None:
    ds, events = shop
    _, table = next(engine_tables(events))
    got = EngineView(table, Filters()).kpis_by("device")
    assert got is not None
    assert_close_frames(got, View(ds, Filters()).kpis_by("device"))


def test_period_starts() -> None:
    assert period_starts(date(2025, 1, 10), date(2025, 3, 5)) == [
        (date(2025, 1, 10), date(2025, 1, 31)),
        (date(2025, 2, 1), date(2025, 2, 28)),
        (date(2025, 3, 1), date(2025, 3, 5)),
    ]
    weeks = period_starts(date(2025, 6, 4), date(2025, 6, 16), "week")  # Wed 4 .. Mon 16
    assert weeks == [
        (date(2025, 6, 4), date(2025, 6, 8)),
        (date(2025, 6, 9), date(2025, 6, 15)),
        (date(2025, 6, 16), date(2025, 6, 16)),
    ]
    assert len(period_starts(date(2020, 1, 1), date(2025, 12, 31), limit=6)) == 6


def test_kpis_over_time_equal_the_upload_per_period(shop) -> None:
    ds, events = shop
    f = Filters(start=date(2025, 7, 14), end=date(2025, 9, 30), segments={"device": ["mobile"]})
    for _, table in engine_tables(events):
        got = kpis_over_time(EngineView(table, f))
        assert [(a, b) for a, b, _ in got] == [
            (date(2025, 7, 14), date(2025, 7, 31)),
            (date(2025, 8, 1), date(2025, 8, 31)),
            (date(2025, 9, 1), date(2025, 9, 30)),
        ]
        for start, end, kpis in got:
            period = Filters(start=start, end=end, segments=f.segments)
            assert_same_kpis(kpis, View(ds, period).kpis(strict=True))
        users = sum(next(k.value for k in kpis if k.code == "users") for *_, kpis in got)
        assert users >= next(k.value for k in EngineView(table, f).kpis() if k.code == "users")


def test_no_dates_no_periods() -> None:
    frame = pl.DataFrame({"user_id": ["a", "b"], "step": ["visit", "purchase"]})
    from kpi.engine.frame import from_native

    assert kpis_over_time(EngineView(from_native(frame.lazy()), Filters())) == []


def test_the_workbook_holds_the_kpis_per_segment_of_a_connected_table(shop) -> None:
    """The Stage KPIs sheet's per-segment table of a connected table is the upload's."""
    import io

    from openpyxl import load_workbook

    from kpi.export.workbook import ReportOptions, write_workbook

    ds, events = shop
    opts = ReportOptions(kpi_segment="device")

    def segment_table(book: bytes) -> list[tuple]:
        wb = load_workbook(io.BytesIO(book))
        for ws in wb.worksheets:
            if "tblKpisBySegment" in ws.tables:
                ref = ws.tables["tblKpisBySegment"].ref
                return [tuple(c.value for c in row) for row in ws[ref]]
        raise AssertionError("no per-segment table")

    want = segment_table(write_workbook(View(ds, Filters()), opts, ["stages"]))
    _, table = next(engine_tables(events))
    got = segment_table(write_workbook(EngineView(table, Filters()), opts, ["stages"]))
    assert got[0] == want[0] and [r[0] for r in got] == [r[0] for r in want]
    for g, w in zip(got[1:], want[1:], strict=True):
        for a, b in zip(g[1:], w[1:], strict=True):
            assert a == b or a == pytest.approx(b, rel=1e-9), (g, w)
