"""kpi.funnel.funnel_base: a period's events encoded and sorted once, read by every funnel over
them (a step added or removed, another window, order or open funnel). A progress computed from
the base equals a fresh computation (``funnel_progress`` without it: the same rows) and the
event-level reference (``funnel_table`` / ``funnel`` on the events); the best attempt's times
without a join equal the join and group-by they replace (kept as the reference)."""

from __future__ import annotations

import datetime as dt
import importlib.util
from datetime import timedelta
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from kpi import funnel
from kpi.dataset import Dataset
from kpi.filters import Filters
from kpi.funnel import funnel_base, funnel_progress, funnel_table
from kpi.funnel import kernel as kernel_mod
from kpi.funnel.progress import FunnelBase, progress_from_previous
from kpi.schema import TableInput, build_dataset
from kpi.settings import FunnelSettings
from kpi.view import PeriodCache, View
from tests.unit.test_funnel_progress import T0, _frames, cases, reference

ROOT = Path(__file__).resolve().parents[2]


def _sorted(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.sort("user_id", nulls_last=True)


def same_as_fresh(events: pl.DataFrame, base: FunnelBase, steps, users, by, **kw) -> None:
    fresh = funnel_progress(events, steps, **kw)
    reused = funnel_progress(events, steps, base=base, **kw)
    assert_frame_equal(_sorted(reused.per_user), _sorted(fresh.per_user), check_exact=True)
    want_table, want_funnel = reference(events, users, by, steps, **kw)
    assert_frame_equal(reused.table(users, by), want_table, check_exact=True)
    assert_frame_equal(reused.funnel(users, by), want_funnel, check_exact=True)


@settings(max_examples=300, deadline=None)
@given(case=cases(), extra=st.sampled_from("ABCDX"))
def test_progress_from_the_base_equals_a_fresh_computation(case, extra) -> None:
    """Small logs with ties at one minute, steps listed twice, steps not in the funnel, missing
    users, times and steps; the case's steps, the steps without the last one, and the steps
    with one more at the end (the step changes of the Funnel page), from one base."""
    (rows, steps, order, with_ts, ts_kind, window, open_funnel, string_ids, kept, devices,
     plans, by, all_users) = case  # fmt: skip
    rows = [*rows, (0, None, 3)]  # an event without a step: first touch, never a step
    events, users = _frames(rows, with_ts, ts_kind, string_ids, kept, devices, plans)
    w = None if window is None else dt.timedelta(minutes=window)
    kw = {"window": w, "order": order, "open_funnel": open_funnel}
    base = funnel_base(events)
    if base is None:  # no step name in the events
        assert events["step"].drop_nulls().len() == 0
        return
    for s in (steps, steps[:-1], [*steps, extra]):
        if s:
            same_as_fresh(events, base, s, None if all_users else users, by, **kw)


def _shop(n_events: int = 20_000) -> pl.DataFrame:
    spec = importlib.util.spec_from_file_location("bench_gen", ROOT / "bench" / "gen.py")
    assert spec is not None and spec.loader is not None
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    return gen.event_log(n_events).with_columns(
        pl.col("event_time").str.to_datetime("%Y-%m-%d %H:%M:%S")
    )


@pytest.fixture(scope="module")
def shop() -> pl.DataFrame:
    return _shop()


@pytest.mark.parametrize(
    "kw",
    [
        {"window": timedelta(days=14)},
        {"window": None},
        {"order": "any", "window": timedelta(days=1)},
        {"open_funnel": True},
    ],
)
def test_one_base_serves_the_step_changes_of_a_generated_shop(shop, kw) -> None:
    """The Funnel page's step changes (the last step removed and put back, a middle step
    removed then appended, another order), timestamps rounded to the hour (many ties)."""
    events = shop.select(
        "user_id",
        pl.col("event_name").alias("step"),
        pl.col("event_time").dt.truncate("1h").alias("ts"),
    )
    base = funnel_base(events)
    assert base is not None and base.ties  # rounded times: users with events at one time
    steps = events["step"].unique(maintain_order=True).to_list()
    users = shop.select("user_id", "device").unique("user_id")
    for s in (steps, steps[:-1], steps, [x for x in steps if x != steps[-2]],
              [*[x for x in steps if x != steps[-2]], steps[-2]], steps[::-1], steps[:1]):  # fmt: skip
        same_as_fresh(events, base, s, users, ["device"], **kw)


def test_a_base_of_other_events_is_not_read(shop) -> None:
    events = shop.select("user_id", pl.col("event_name").alias("step"), pl.col("event_time").alias("ts"))  # fmt: skip
    base = funnel_base(events.head(1000))
    assert base is not None and not base.fits(events)
    steps = events["step"].unique(maintain_order=True).to_list()
    got = funnel_progress(events, steps, base=base)  # the base does not fit: computed afresh
    assert_frame_equal(got.table(), funnel_table(events, steps), check_exact=True)
    no_ts = funnel_base(events.drop("ts"))
    assert no_ts is not None and not no_ts.fits(events)


@settings(max_examples=300, deadline=None)
@given(case=cases())
def test_best_attempt_times_without_a_join_equal_the_join(case) -> None:
    (rows, steps, _, _, ts_kind, window, _, string_ids, kept, devices, plans, _, _) = case
    events, _ = _frames(rows, True, ts_kind, string_ids, kept, devices, plans)
    w = None if window is None else dt.timedelta(minutes=window)
    per_user, f, prep = kernel_mod._reach(events, steps, (), w, "sequential", False, keep_ids=True)
    assert f is not None
    got = kernel_mod._attempt_times(f, per_user, len(steps), prep).sort("_u")
    want = kernel_mod._attempt_times_joined(f, per_user, len(steps), prep).sort("_u")
    assert_frame_equal(got, want, check_exact=True, check_column_order=False)


def test_best_attempt_times_of_a_generated_shop(shop) -> None:
    events = shop.select("user_id", pl.col("event_name").alias("step"), pl.col("event_time").alias("ts"))  # fmt: skip
    steps = events["step"].unique(maintain_order=True).to_list()
    for s, w in ((steps, timedelta(days=14)), (steps[::-1], None), ([steps[0], steps[2], steps[0]], None)):  # fmt: skip
        per_user, f, prep = kernel_mod._reach(events, s, (), w, "sequential", False, keep_ids=True)
        got = kernel_mod._attempt_times(f, per_user, len(s), prep).sort("_u")
        want = kernel_mod._attempt_times_joined(f, per_user, len(s), prep).sort("_u")
        assert_frame_equal(got, want, check_exact=True)
        assert got.height == per_user.height


def _dataset(shop: pl.DataFrame) -> Dataset:
    return build_dataset([TableInput("events.csv", shop)])


def test_a_view_sorts_the_period_once_for_every_step_change(shop, monkeypatch) -> None:
    """Views of one period with other steps share the period's base (one sort, the period's
    taken from the whole data's), a step
    removed at the end reuses the previous progress, and each funnel equals funnel_table on
    the period's events (the reference), with a segment filter too."""
    ds = _dataset(shop)
    calls = {"base": 0}
    real = funnel.funnel_base

    def counted(*a, **k):  # type: ignore[no-untyped-def]
        calls["base"] += 1
        return real(*a, **k)

    monkeypatch.setattr(funnel, "funnel_base", counted)
    real_reuse = funnel.progress_from_previous
    reused: list[tuple[str, ...]] = []

    def reuse(*a, **k):  # type: ignore[no-untyped-def]
        got = real_reuse(*a, **k)
        if got is not None:
            reused.append(got.steps)
        return got

    monkeypatch.setattr(funnel, "progress_from_previous", reuse)
    cache = PeriodCache()
    steps = list(ds.steps)
    last_day = ds.events["ts"].max().date()  # type: ignore[union-attr]
    period = Filters(start=last_day - timedelta(days=13), end=last_day)
    for f in (Filters(), period):
        before = calls["base"]
        for s in (steps, steps[:-1], [x for x in steps if x != steps[1]], steps[::-1]):
            view = View(ds, f, FunnelSettings(steps=tuple(s)), period_cache=cache)
            events = f.apply(ds).events
            assert_frame_equal(
                view.funnel(),  # type: ignore[arg-type]
                funnel_table(events, s, window=FunnelSettings().window),
                check_exact=True,
            )
            device = View(ds, Filters(start=f.start, end=f.end, segments={"device": ("mobile",)}),
                          FunnelSettings(steps=tuple(s)), period_cache=cache)  # fmt: skip
            mobile = Filters(start=f.start, end=f.end, segments={"device": ("mobile",)}).apply(ds)
            assert_frame_equal(
                device.funnel(),  # type: ignore[arg-type]
                funnel_table(mobile.events, s, window=FunnelSettings().window),
                check_exact=True,
            )
        # one base: the whole data's, the period's taken from it (a time filter keeps the sort)
        assert calls["base"] == (1 if f.start is None else before)
    # the last step removed: from the whole funnel's progress (in both periods)
    assert reused.count(tuple(steps[:-1])) == 2


@pytest.mark.parametrize("window", [None, timedelta(days=7)])
@pytest.mark.parametrize("by", [None, "channel"])
def test_the_ab_counts_of_a_view_equal_the_pages_direct_counts(shop, window, by) -> None:
    """View.ab_counts (progress from the period's funnel progress, revenue per user grouped
    once per period) equals kpi.abtest.ab_counts on the view's users and events (the A/B
    page's computation) for every segment filter and period of a session; revenue sums to
    the last bits of a float (polars' parallel sums vary there from run to run)."""
    from kpi import abtest

    ds = _dataset(shop)
    cache = PeriodCache()
    steps = list(ds.steps)
    last_day = ds.events["ts"].max().date()  # type: ignore[union-attr]
    month = {"start": last_day - timedelta(days=29), "end": last_day}
    for f in (
        Filters(),
        Filters(segments={"device": ("mobile",)}),
        Filters(**month),
        Filters(**month, segments={"device": ("desktop",), "channel": ("email",)}),
    ):
        view = View(ds, f, FunnelSettings(), period_cache=cache)
        for step in (steps[-1], steps[1]):
            kw = {"variant": "variant", "step": step, "window": window, "by": by}
            got = view.ab_counts(**kw, revenue=True)
            v = view.view
            want = abtest.ab_counts(v.users, v.events, steps=v.steps, **kw, revenue=True)
            assert_frame_equal(got.table, want.table, check_exact=False, rel_tol=1e-12)
            assert (got.rows_read, got.rows_kept, got.dropped, got.notes) == (
                want.rows_read, want.rows_kept, want.dropped, want.notes,
            )  # fmt: skip
            assert got.table["visitors"].sum() == v.users.filter(pl.col("variant").is_not_null()).height  # fmt: skip
        flag = view.ab_counts(variant="variant", flag=None, step=steps[2], revenue=False)
        assert flag.table.equals(
            abtest.ab_counts(v.users, v.events, variant="variant", step=steps[2], steps=v.steps).table
        )  # fmt: skip


def test_ab_counts_from_a_progress_still_checks_the_step(shop) -> None:
    from kpi import abtest
    from kpi.errors import InputError

    ds = _dataset(shop)
    progress = pl.DataFrame({"user_id": ["x"], "steps_reached": [1]})
    with pytest.raises(InputError):
        abtest.ab_counts(ds.users, ds.events, variant="variant", step="nope", steps=ds.steps, progress=progress)  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(
    case=cases(),
    change=st.sampled_from(["-last", "+end", "other tail"]),
    extra=st.lists(st.sampled_from("ABCDX"), min_size=1, max_size=3),
)
def test_progress_from_the_previous_steps_equals_a_fresh_computation(case, change, extra):
    """A step removed at the end, steps added at the end, or another tail after the first
    steps: the users who stopped before the common steps keep their rows, the others are
    computed again; the same rows as a fresh computation and the same tables as the
    event-level reference (closed funnels: an open funnel's entry depends on every step)."""
    (rows, steps, order, with_ts, ts_kind, window, _, string_ids, kept, devices, plans, by,
     all_users) = case  # fmt: skip
    events, users = _frames(rows, with_ts, ts_kind, string_ids, kept, devices, plans)
    base = funnel_base(events)
    if base is None:
        return
    w = None if window is None else dt.timedelta(minutes=window)
    new = {"-last": steps[:-1], "+end": [*steps, *extra], "other tail": [*steps[:1], *extra]}[
        change
    ]
    if not new:
        return
    previous = funnel_progress(events, steps, window=w, order=order, base=base)
    got = progress_from_previous(previous, base, events, new, window=w, order=order)
    if got is None:  # more than half of the users to redo: the caller computes afresh
        return
    fresh = funnel_progress(events, new, window=w, order=order)
    assert got.timed == fresh.timed and got.steps == fresh.steps
    assert_frame_equal(_sorted(got.per_user), _sorted(fresh.per_user), check_exact=True)
    sel = None if all_users else users
    want_table, want_funnel = reference(events, sel, by, new, window=w, order=order)
    assert_frame_equal(got.table(sel, by), want_table, check_exact=True)
    assert_frame_equal(got.funnel(sel, by), want_funnel, check_exact=True)


@pytest.mark.parametrize("window", [timedelta(days=14), None])
def test_step_changes_of_a_generated_shop_from_the_previous_progress(shop, window) -> None:
    events = shop.select("user_id", pl.col("event_name").alias("step"), pl.col("event_time").alias("ts"))  # fmt: skip
    base = funnel_base(events)
    assert base is not None
    steps = events["step"].unique(maintain_order=True).to_list()
    mid = [x for x in steps if x != steps[-2]]
    previous = funnel_progress(events, steps, window=window, base=base)
    for new in (steps[:-1], mid, [*mid, steps[-2]], steps[:2], [*steps[:2], steps[0]]):
        got = progress_from_previous(previous, base, events, new, window=window)
        if new[-1] == steps[0]:  # from steps[:2]: every user who viewed a product to redo
            assert got is None
            continue
        assert got is not None  # few users reach the later steps
        fresh = funnel_progress(events, new, window=window)
        assert_frame_equal(_sorted(got.per_user), _sorted(fresh.per_user), check_exact=True)
        assert_frame_equal(got.table(), funnel_table(events, new, window=window), check_exact=True)
        previous = got  # the page's next click starts from this one
    assert progress_from_previous(previous, base, events, steps[::-1], window=window) is None
    opened = funnel_progress(events, steps, open_funnel=True, base=base)
    assert progress_from_previous(opened, base, events, steps[:-1]) is None


@settings(max_examples=300, deadline=None)
@given(case=cases(), lo=st.one_of(st.none(), st.integers(0, 30)), span=st.integers(0, 31))
def test_the_base_of_a_period_from_the_whole_base_equals_a_fresh_one(case, lo, span) -> None:
    """The events of a period (start <= ts < end, as Filters.apply) read from the whole
    data's base give the same progress as a fresh base of the period's events."""
    (rows, steps, order, _, _, window, open_funnel, string_ids, kept, devices, plans, by,
     all_users) = case  # fmt: skip
    events, users = _frames(rows, True, "datetime", string_ids, kept, devices, plans)
    whole = funnel_base(events)
    if whole is None:
        return
    start = None if lo is None else T0 + dt.timedelta(minutes=lo)
    end = (T0 if start is None else start) + dt.timedelta(minutes=span)
    ts = pl.col("ts")
    period = events.filter((ts >= start) & (ts < end) if start is not None else ts < end)
    derived = whole.within(start, end, period)
    assert derived is not None
    if period.height == 0:
        return
    w = None if window is None else dt.timedelta(minutes=window)
    kw = {"window": w, "order": order, "open_funnel": open_funnel}
    same_as_fresh(period, derived, steps, None if all_users else users, by, **kw)


def test_no_period_base_from_events_without_a_step_or_with_a_time_zone(shop) -> None:
    events = shop.select("user_id", pl.col("event_name").alias("step"), pl.col("event_time").alias("ts"))  # fmt: skip
    start, end = dt.datetime(2025, 1, 1), dt.datetime(2030, 1, 1)
    with_null = events.with_columns(step=pl.when(pl.int_range(pl.len()) == 3).then(None).otherwise("step"))  # fmt: skip
    base = funnel_base(with_null)
    assert base is not None and base.within(start, end, with_null) is None
    zoned = events.with_columns(pl.col("ts").dt.replace_time_zone("Europe/Paris"))
    base = funnel_base(zoned)
    assert base is not None and base.within(start, end, zoned) is None


def test_no_base_when_its_sort_would_be_the_slower_exact_one() -> None:
    """A thousand step names and millisecond times over ten days: the base's key would leave
    text ids too few hash bits (the exact dictionary sort), a 5-step funnel's would not: no
    base, the funnel is computed as before."""
    n = 1000
    events = pl.DataFrame(
        {
            "user_id": [f"u{i % 50}" for i in range(n)],
            "step": [f"s{i}" for i in range(n)],
            "ts": [
                dt.datetime(2020, 1, 1) + dt.timedelta(milliseconds=864_000 * i + 1)
                for i in range(n)
            ],
        }
    )
    assert funnel_base(events) is None
    few = events.with_columns(pl.format("s{}", pl.int_range(pl.len()) % 5).alias("step"))
    base = funnel_base(few)
    assert base is not None
    same_as_fresh(few, base, ["s0", "s1", "s2"], None, [], window=timedelta(days=1))
