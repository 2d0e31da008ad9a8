"""Retention by segment (kpi.retention.by_segment): per-segment retention against a
brute-force count, the weighted average by hand, the segments' cohort sizes adding up to the
total's (top values + Other), and the workbook's section."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime

import polars as pl
import pytest

from kpi.filters import Filters
from kpi.retention import cohort_table
from kpi.retention.by_segment import segment_retention
from kpi.retention.cohorts import TABLE_SCHEMA
from kpi.schema import TableInput, build_dataset
from kpi.view import View
from kpi.words import Fact
from tests.engine.engine_data import events as shop_events


def _table(rows: list[tuple]) -> pl.DataFrame:
    """A cohort table by hand: (device, cohort, start, size, period, retained, complete)."""
    frame = pl.DataFrame(
        rows,
        schema=[
            "device",
            "cohort",
            "cohort_start",
            "cohort_size",
            "period",
            "retained",
            "complete",
        ],
        orient="row",
    )
    return frame.with_columns(
        (pl.col("retained") / pl.col("cohort_size")).alias("retention")
    ).select("device", *TABLE_SCHEMA)


def test_weighted_average_by_hand() -> None:
    """mobile: January cohort of 10 (4 back in month 1), February of 30 (6 back):
    weighted month 1 = (4 + 6) / (10 + 30) = 0.25 (the simple mean would say 0.30).
    desktop: one January cohort of 20, 10 back: 0.5. Month 2: only January is complete:
    mobile 2 / 10 = 0.2 (February's month 2 is in progress: left out). Total month 1:
    (4 + 6 + 10) / 60 = 1/3."""
    jan, feb = date(2025, 1, 1), date(2025, 2, 1)
    by = _table(
        [
            ("mobile", "2025-01", jan, 10, 0, 10, True),
            ("mobile", "2025-01", jan, 10, 1, 4, True),
            ("mobile", "2025-01", jan, 10, 2, 2, True),
            ("mobile", "2025-02", feb, 30, 0, 30, True),
            ("mobile", "2025-02", feb, 30, 1, 6, True),
            ("mobile", "2025-02", feb, 30, 2, 3, False),
            ("desktop", "2025-01", jan, 20, 0, 20, True),
            ("desktop", "2025-01", jan, 20, 1, 10, True),
            ("desktop", "2025-01", jan, 20, 2, 5, True),
        ]
    )
    total = (
        by.group_by("cohort", "cohort_start", "period", "complete")
        .agg(pl.col("cohort_size").sum(), pl.col("retained").sum())
        .with_columns((pl.col("retained") / pl.col("cohort_size")).alias("retention"))
        .select(*TABLE_SCHEMA)
    )
    seg = segment_retention(by, total, min_users=10)
    avg = {(r["device"], r["period"]): r["retention"] for r in seg.average.iter_rows(named=True)}
    assert avg[("mobile", 1)] == pytest.approx(0.25)
    assert avg[("mobile", 2)] == pytest.approx(0.2)
    assert avg[("desktop", 1)] == pytest.approx(0.5)
    assert avg[("desktop", 2)] == pytest.approx(0.25)
    tot = dict(seg.total.select("period", "retention").iter_rows())
    assert tot[1] == pytest.approx(20 / 60)
    assert tot[2] == pytest.approx((2 + 5) / 30)  # January's cohorts only (complete)
    # sizes: mobile 40, desktop 20 = the total's 60; largest first
    assert seg.sizes.select("device", "users").rows() == [("mobile", 40), ("desktop", 20)]
    assert seg.sizes["share"].to_list() == pytest.approx([40 / 60, 20 / 60])
    assert seg.total_users == 60 and seg.reconciles
    matrix = seg.matrix
    assert matrix["device"].to_list() == ["mobile", "desktop", "All"]
    assert matrix["P1"].to_list() == pytest.approx([0.25, 0.5, 20 / 60])
    # the finding: month 1, desktop 50 % vs mobile 25 %, 25 points apart
    assert seg.findings == [
        Fact(
            "retention_segments.finding.best_worst",
            period=1,
            grain=Fact("retention_segments.grain.month"),
            segment="device",
            best="desktop",
            best_rate=0.5,
            worst="mobile",
            worst_rate=0.25,
            gap=0.25,
        )
    ]
    few = segment_retention(by, total, min_users=100).findings
    assert few == [Fact("retention_segments.finding.too_few", n=100)]


def _brute(log: pl.DataFrame, segment: str) -> dict[tuple[str, int, int], tuple[int, int]]:
    """(value, cohort month index, period) -> (cohort size, retained) counted user by user:
    the user's value is the one of their first event."""
    first: dict[str, tuple[datetime, str]] = {}
    for u, ts, v in log.select("user_id", "ts", segment).iter_rows():
        if u not in first or ts < first[u][0]:
            first[u] = (ts, v)
    idx = lambda t: t.year * 12 + t.month - 1  # noqa: E731
    active: dict[str, set[int]] = defaultdict(set)
    for u, ts in log.select("user_id", "ts").iter_rows():
        active[u].add(idx(ts) - idx(first[u][0]))
    size: dict[tuple[str, int], int] = defaultdict(int)
    for _u, (t, v) in first.items():
        size[(v, idx(t))] += 1
    out = {}
    last = idx(log["ts"].max())
    for (v, c), n in size.items():
        for p in range(last - c + 1):
            kept = sum(
                1 for u, (t, w) in first.items() if w == v and idx(t) == c and p in active[u]
            )
            out[(v, c, p)] = (n, kept)
    return out


@pytest.fixture(scope="module")
def shop() -> tuple[pl.DataFrame, object]:
    log = shop_events(400, seed=5)
    return log, build_dataset([TableInput("events.csv", log)])


def test_per_segment_retention_is_the_brute_force_count(shop) -> None:  # type: ignore[no-untyped-def]
    log, ds = shop
    view = View(ds, Filters())
    by_summary = view.retention(by="device", periods=None)  # type: ignore[arg-type]
    summary = view.retention(periods=None)  # type: ignore[arg-type]
    assert by_summary is not None and summary is not None
    want = _brute(log, "device")
    got = {
        (r["device"], r["cohort_start"].year * 12 + r["cohort_start"].month - 1, r["period"]): (
            r["cohort_size"],
            r["retained"],
        )
        for r in by_summary.table.iter_rows(named=True)
    }
    assert got == want
    seg = segment_retention(by_summary.table, summary.table)
    # the weighted average from the brute-force cells, complete periods only
    done = by_summary.table.filter(pl.col("complete")).select("device", "cohort_start", "period")
    sums: dict[tuple[str, int], list[int]] = defaultdict(lambda: [0, 0])
    for v, start, p in done.iter_rows():
        n, kept = want[(v, start.year * 12 + start.month - 1, p)]
        sums[(v, p)][0] += kept
        sums[(v, p)][1] += n
    for r in seg.average.iter_rows(named=True):
        kept, n = sums[(r["device"], r["period"])]
        assert r["retention"] == pytest.approx(kept / n)
    assert seg.reconciles
    assert seg.sizes["users"].sum() == seg.total_users == log["user_id"].n_unique()


def test_top_values_and_other_reconcile_with_the_total() -> None:
    """Six channels, the top 2 kept and the rest as Other: the segments' cohort sizes still
    add up to every user, and the curves hold one line per value plus the total's."""
    from kpi.retention import retention_summary

    log = shop_events(300, seed=3)
    channels = ["a", "b", "c", "d", "e", "f"]
    codes = log["user_id"].str.slice(1).cast(pl.Int64)
    log = log.with_columns(
        pl.Series("channel", [channels[(c * c) % 6] for c in codes.to_list()], dtype=pl.String)
    )
    by = retention_summary(log, by="channel", top=2)
    total = retention_summary(log)
    seg = segment_retention(by.table, total.table)
    values = seg.sizes["channel"].to_list()
    assert len(values) == 3 and values[-1] == "Other"
    assert seg.reconciles and seg.total_users == log["user_id"].n_unique()
    assert set(seg.curves["series"].unique().to_list()) == {*values, "All"}
    # Other's size is the users of the values outside the top 2 (by first touch)
    first = log.sort("ts").group_by("user_id").agg(pl.col("channel").first())
    top = set(values[:2])
    assert (
        int(seg.sizes.filter(pl.col("channel") == "Other")["users"][0])
        == first.filter(~pl.col("channel").is_in(top)).height
    )


def test_a_cohort_table_without_a_segment_is_refused() -> None:
    from kpi.errors import InputError

    log = shop_events(50, seed=2)
    t = cohort_table(log)
    with pytest.raises(InputError):
        segment_retention(t, t)


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_workbook_retention_sheet_has_the_section(shop, lang) -> None:  # type: ignore[no-untyped-def]
    """The Retention sheet's "Retention by device" table holds the weighted averages of
    segment_retention (the page's numbers), the total's row last; values, not formulas."""
    import io

    import openpyxl

    from kpi.export.workbook import ReportOptions, build_workbook

    _, ds = shop
    options = ReportOptions(segment="device", lang=lang)
    data = build_workbook(ds, Filters(), options=options, sections=["retention"])
    book = openpyxl.load_workbook(io.BytesIO(data))
    ws = book["Retention" if lang == "en" else "Rétention"]
    assert "tblRetentionBySegment" in ws.tables
    ref = ws.tables["tblRetentionBySegment"].ref
    rows = [[c.value for c in r] for r in ws[ref]]
    header, body = rows[0], rows[1:]
    view = View(ds, Filters())
    by_summary, summary = view.retention(by="device"), view.retention()
    assert by_summary is not None and summary is not None
    seg = segment_retention(by_summary.table, summary.table)
    all_users = "All users" if lang == "en" else "Tous les utilisateurs"
    assert [r[0] for r in body] == [*seg.sizes["device"].to_list(), all_users]
    assert [r[1] for r in body] == seg.matrix["users"].to_list()
    assert header[:2] == (
        ["Segment value", "Users"] if lang == "en" else ["Valeur du segment", "Utilisateurs"]
    )
    for got, want in zip(body, seg.matrix.iter_rows(), strict=True):
        assert got[2:] == pytest.approx(list(want[2:]), nan_ok=True)
    title = "Retention by device" if lang == "en" else "Rétention par appareil"
    assert any(str(c.value).startswith(title) for c in ws["A"] if c.value)
