"""kpi.engine.view_ab: the A/B page's counts on a connected table (visitors, conversions =
reached step X of the data's steps in order within a window, Σ and Σ² revenue per arm ×
segment) equal the upload's (:func:`kpi.abtest.ab_counts` on the View of the same events) in
polars, DuckDB and Spark; a brute-force per-user recount and scipy's Welch test check them
independently; the assignment columns and their reasons are the upload's."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import polars as pl
import pytest
from scipy import stats

from kpi import abtest
from kpi.abtest import ABSettings
from kpi.engine import view_ab
from kpi.engine.frame import from_native
from kpi.engine.view import EngineView
from kpi.errors import InputError, ParcoursError
from kpi.filters import Filters
from kpi.view import View
from tests.engine.aggregates_support import (
    assert_close_frames,
    canonical,
    engine_tables,
    generated_log,
    upload,
)
from tests.engine.engine_data import events as shop_events

INJECTION = "x' OR '1'='1"


@pytest.fixture(scope="module")
def shop():
    frame = generated_log(12_000)
    return upload(frame), canonical(frame)


def _upload_counts(ds, f: Filters, step: str, window_days: float, by: str | None):
    v = View(ds, f).view
    window = dt.timedelta(days=window_days) if window_days else None
    return abtest.ab_counts(
        v.users,
        v.events,
        variant="variant",
        step=step,
        steps=ds.steps,
        window=window,
        by=by,
        revenue=True,
    )


CASES = [
    (Filters(), "purchase", 0.0, None),
    (Filters(), "checkout", 1.0, "device"),
    (Filters(), "add_to_cart", 0.1, "channel"),
    (
        Filters(segments={"channel": ["email", INJECTION], "device": ["mobile", "desktop"]}),
        "purchase",
        3.0,
        "country",
    ),
    (Filters(start=dt.date(2025, 8, 1), end=dt.date(2025, 9, 15)), "purchase", 0.0, "channel"),
]


@pytest.mark.parametrize("case", CASES, ids=[str(i) for i in range(len(CASES))])
def test_page_counts_equal_the_upload(shop, case) -> None:
    ds, events = shop
    f, step, window_days, by = case
    want = _upload_counts(ds, f, step, window_days, by)
    assert want.table.height >= 2 and want.table["conversions"].sum() > 0
    for name, table in engine_tables(events):
        view = EngineView(table, f)
        assert view_ab.steps(view) == list(ds.steps), name
        got = view_ab.page_counts(
            view, variant="variant", step=step, window_days=window_days, by=by
        )
        assert_close_frames(got.table, want.table)
        assert (got.rows_read, got.rows_kept, dict(got.dropped), dict(got.notes)) == (
            want.rows_read,
            want.rows_kept,
            dict(want.dropped),
            dict(want.notes),
        ), name
        # the page's statistics on both: the same numbers
        settings = ABSettings(mode="data", variant="variant", step=step, segment=by)
        a = abtest.analyse_with(got.table, settings, variant="variant")
        b = abtest.analyse_with(want.table, settings, variant="variant")
        assert a.comparisons["p_value"].to_list() == pytest.approx(
            b.comparisons["p_value"].to_list(), rel=1e-12
        )
        assert a.srm is not None and b.srm is not None
        assert a.srm.p_value == pytest.approx(b.srm.p_value, rel=1e-12)
        assert {k: s.p_value for k, s in a.sequential.items()} == pytest.approx(
            {k: s.p_value for k, s in b.sequential.items()}, rel=1e-12
        )
        assert {k: w.p_value for k, w in a.revenue.items()} == pytest.approx(
            {k: w.p_value for k, w in b.revenue.items()}, rel=1e-6
        )
        if by is not None:
            assert a.segments is not None and b.segments is not None
            assert a.segments["adjusted_p_value"].to_list() == pytest.approx(
                b.segments["adjusted_p_value"].to_list(), rel=1e-12
            )
            assert {v: s.cmh.p_value for v, s in a.simpson.items()} == pytest.approx(
                {v: s.cmh.p_value for v, s in b.simpson.items()}, rel=1e-9
            )


def test_the_funnel_order_and_window_change_the_counts(shop) -> None:
    """Reached step X in order within a window is not "did step X": fewer conversions, and
    fewer again with a short window (the test above would pass on a one-step rule otherwise)."""
    _, events = shop
    table = from_native(events.lazy(), segments=["device", "channel", "variant", "country"])
    view = EngineView(table)
    any_time = view_ab.page_counts(view, variant="variant", step="checkout")
    short = view_ab.page_counts(view, variant="variant", step="checkout", window_days=0.01)
    from kpi.engine.ab import ab_counts

    alone = ab_counts(table, step="checkout")
    assert alone["conversions"].sum() >= any_time.table["conversions"].sum()
    assert any_time.table["conversions"].sum() > short.table["conversions"].sum() > 0


# ----------------------------------------------------------------- brute force, by hand


def _brute_force(events: pl.DataFrame, steps: list[str], step: str, window: dt.timedelta | None):
    """Per arm: users, users who did steps[0..j] in order (each at or after the previous,
    all within ``window`` of the step-1 event) for j = the position of ``step``, and each
    user's revenue: plain Python over the raw rows."""
    target = steps.index(step)
    by_user: dict[str, list[tuple[dt.datetime, int]]] = defaultdict(list)
    arm: dict[str, tuple[dt.datetime, str]] = {}
    revenue: dict[str, float] = defaultdict(float)
    for r in events.iter_rows(named=True):
        u = r["user_id"]
        if r["variant"] is not None and (u not in arm or r["ts"] < arm[u][0]):
            arm[u] = (r["ts"], r["variant"])
        revenue[u] += r["revenue"] or 0.0
        if r["step"] in steps:
            by_user[u].append((r["ts"], steps.index(r["step"])))
    per_arm: dict[str, list] = defaultdict(lambda: [0, 0, []])
    for u, (_, a) in arm.items():
        rows = sorted(by_user[u])
        reached = False
        for i, (t0, p) in enumerate(rows):
            if p != 0:
                continue
            level, last = 0, t0
            for t, q in rows[i + 1 :]:
                if window is not None and t - t0 > window:
                    break
                if q == level + 1 and t >= last:
                    level, last = q, t
            reached = reached or level >= target
        per_arm[a][0] += 1
        per_arm[a][1] += int(reached)
        per_arm[a][2].append(revenue[u])
    return dict(per_arm)


def test_counts_equal_a_brute_force_recount_and_scipy_welch() -> None:
    log = shop_events(600)
    steps = ["visit", "product", "cart", "purchase"]
    window = dt.timedelta(hours=6)
    want = _brute_force(log, steps, "cart", window)
    for name, table in engine_tables(log):
        view = EngineView(table)
        got = view_ab.page_counts(view, variant="variant", step="cart", window_days=0.25)
        rows = {r["variant"]: r for r in got.table.iter_rows(named=True)}
        assert {a: (r["visitors"], r["conversions"]) for a, r in rows.items()} == {
            a: (w[0], w[1]) for a, w in want.items()
        }, name
        assert 0 < rows["A"]["conversions"] < rows["A"]["visitors"]
        for a, w in want.items():
            assert rows[a]["revenue_sum"] == pytest.approx(sum(w[2]), rel=1e-12)
            assert rows[a]["revenue_sumsq"] == pytest.approx(sum(x * x for x in w[2]), rel=1e-12)
        res = abtest.analyse(got.table, variant="variant", control="A")
        ref = stats.ttest_ind(want["B"][2], want["A"][2], equal_var=False)
        assert res.revenue["B"].p_value == pytest.approx(ref.pvalue, rel=1e-9)
        assert res.revenue["B"].t == pytest.approx(ref.statistic, rel=1e-9)


def test_hand_checked_order_window_and_period() -> None:
    """u1 buys before visiting (not converted in order); u2 visits then buys two days later
    (converted without a window, not with a 1-day window); u3 converts within minutes;
    u4 has no arm (dropped, counted)."""
    t = dt.datetime(2025, 3, 1, 9)
    rows = [
        ("u1", "purchase", t, "A", 10.0),
        ("u1", "visit", t + dt.timedelta(minutes=1), "A", None),
        ("u2", "visit", t, "A", None),
        ("u2", "purchase", t + dt.timedelta(days=2), "A", 20.0),
        ("u3", "visit", t, "B", None),
        ("u3", "purchase", t + dt.timedelta(minutes=5), "B", 5.0),
        ("u4", "visit", t, None, None),
    ]
    log = pl.DataFrame(
        rows,
        schema={
            "user_id": pl.String,
            "step": pl.String,
            "ts": pl.Datetime("us"),
            "variant": pl.String,
            "revenue": pl.Float64,
        },
        orient="row",
    )
    for name, table in engine_tables(log):
        view = EngineView(table)
        assert view_ab.steps(view) == ["visit", "purchase"], name
        free = view_ab.page_counts(view, variant="variant", step="purchase")
        assert free.table.rows() == [("A", 2, 1, 30.0, 500.0), ("B", 1, 1, 5.0, 25.0)], name
        assert (free.rows_read, free.rows_kept, dict(free.dropped)) == (
            4,
            3,
            {"ab.rows.no_variant": 1},
        )
        day = view_ab.page_counts(view, variant="variant", step="purchase", window_days=1)
        assert day.table.select("variant", "conversions").rows() == [("A", 0), ("B", 1)], name
        later = EngineView(table, Filters(start=dt.date(2025, 3, 3), end=dt.date(2025, 3, 3)))
        # in the period only u2's purchase: u2 is a visitor who did not reach it in order
        got = view_ab.page_counts(later, variant="variant", step="purchase")
        assert got.table.rows() == [("A", 1, 0, 20.0, 400.0)], name


# ----------------------------------------------------------------- assignments and values


def test_assignments_are_the_uploads(shop) -> None:
    ds, events = shop
    want = abtest.assignment_columns(ds.users, ds.segments)
    for name, table in engine_tables(events):
        got = view_ab.assignments(EngineView(table))
        assert [(a.column, a.values, a.reasons, a.reason) for a in got] == [
            (a.column, a.values, a.reasons, a.reason) for a in want
        ], name
        assert view_ab.column_values(EngineView(table), "country", limit=6) == (
            ds.users["country"].n_unique(),
            sorted(ds.users["country"].unique().sort().to_list())[:6],
        )


def test_a_column_with_too_many_arms_is_no_assignment() -> None:
    """A column named "variant" with 13 values: not an assignment (12 at most), as on an
    upload; with 12 values it is one."""
    for arms, expected in ((13, []), (12, ["variant"])):
        log = pl.DataFrame(
            {
                "user_id": [f"u{i}" for i in range(40)],
                "step": ["visit"] * 40,
                "ts": [dt.datetime(2025, 1, 1, 0, i) for i in range(40)],
                "variant": [f"arm{i % arms:02d}x" for i in range(40)],
            }
        )
        users = log.select("user_id", "variant")
        assert [a.column for a in abtest.assignment_columns(users, ["variant"])] == expected
        for name, table in engine_tables(log):
            got = view_ab.assignments(EngineView(table))
            assert [a.column for a in got] == expected, (name, arms)
            # the workbook's headless A/B reads the same detection
            assert EngineView(table).assignment() == (expected[0] if expected else None)


def test_results_are_kept_and_errors_explained(shop) -> None:
    _, events = shop
    table = from_native(events.lazy(), segments=["device", "variant"])
    view = EngineView(table)
    first = view_ab.page_counts(view, variant="variant", step="purchase", by="device")
    assert view_ab.page_counts(view, variant="variant", step="purchase", by="device") is first
    with pytest.raises(InputError) as err:
        view_ab.page_counts(view, variant="variant", step="nothing")
    assert err.value.message.code == "ab.data.unknown_step"
    with pytest.raises(ParcoursError):
        view_ab.page_counts(view, variant="arm", step="purchase")


def test_spark_equals_the_upload(shop, spark) -> None:
    ds, events = shop
    f, step, window_days, by = CASES[3]
    want = _upload_counts(ds, f, step, window_days, by)
    table = dict(engine_tables(events, spark))["spark"]
    got = view_ab.page_counts(
        EngineView(table, f), variant="variant", step=step, window_days=window_days, by=by
    )
    assert_close_frames(got.table, want.table)
