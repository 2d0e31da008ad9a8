"""Exclusion steps and per-step windows (kpi.funnel.rules): hand-computed logs and a
brute-force reference that tries every path of every user."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kpi.errors import InputError
from kpi.funnel import (
    funnel,
    funnel_base,
    funnel_progress,
    funnel_table,
    progress_from_previous,
    user_progress,
)
from kpi.settings import Exclusion, StepWindow

T0 = dt.datetime(2025, 3, 1, 12, 0, 0)
MIN = dt.timedelta(minutes=1)


def log(rows: list[tuple]) -> pl.DataFrame:
    """Rows of (user_id, step, minutes after T0)."""
    return pl.DataFrame(
        {
            "user_id": [r[0] for r in rows],
            "step": [r[1] for r in rows],
            "ts": [T0 + r[2] * MIN for r in rows],
        },
        schema_overrides={"ts": pl.Datetime("us")},
    )


# ---------------------------------------------------------------- brute-force reference


def ref_level(evs, steps, window, gaps, exclusions) -> int:
    """The most steps any path reaches: every path (one event per step, times
    non-decreasing) is tried; ``gaps[j]`` bounds step j - step j-1 (minutes), ``window``
    step m - step 1; an exclusion (x, a, b) forbids an x strictly between the path's step a
    and any of its steps m with a < m <= b (0-based)."""
    by_step = {s: sorted(t for t, n in evs if n == s) for s in steps}
    xs = {}
    for x, _, _ in exclusions:
        xs[x] = [t for t, n in evs if n == x]
    best = 0

    def extend(path: list[int]) -> None:
        nonlocal best
        m = len(path)
        best = max(best, m)
        if m == len(steps):
            return
        for t in by_step[steps[m]]:
            if t < path[-1]:
                continue
            if window is not None and t - path[0] > window:
                continue
            if gaps[m] is not None and t - path[-1] > gaps[m]:
                continue
            if any(a < m <= b and any(path[a] < tx < t for tx in xs[x]) for x, a, b in exclusions):
                continue
            extend([*path, t])

    for t in by_step[steps[0]]:
        extend([t])
    return best


def ref_levels(rows, steps, window, gaps, exclusions) -> dict:
    per: dict = {}
    for u, s, t in rows:
        per.setdefault(u, []).append((t, s))
    return {u: ref_level(evs, steps, window, gaps, exclusions) for u, evs in per.items()}


def rules_for(steps, gaps, exclusions):
    excl = [Exclusion(x, steps[a], steps[b]) for x, a, b in exclusions]
    windows = [StepWindow(steps[j], g, "minutes") for j, g in enumerate(gaps) if g is not None]
    return excl, windows


@st.composite
def cases(draw):
    rows = draw(
        st.lists(
            st.tuples(st.integers(0, 5), st.sampled_from("ABCDXY"), st.integers(0, 30)),
            max_size=40,
        )
    )
    steps = draw(st.permutations("ABCD"))[: draw(st.integers(1, 4))]
    k = len(steps)
    gaps = [None] + [draw(st.one_of(st.none(), st.integers(0, 12))) for _ in range(k - 1)]
    exclusions = []
    if k >= 2:
        for _ in range(draw(st.integers(0, 2))):
            a = draw(st.integers(0, k - 2))
            b = draw(st.integers(a + 1, k - 1))
            exclusions.append((draw(st.sampled_from("XY")), a, b))
    window = draw(st.one_of(st.none(), st.integers(0, 20)))
    return rows, list(steps), window, gaps, exclusions


@settings(max_examples=200, deadline=None)
@given(case=cases())
def test_rules_match_brute_force(case) -> None:
    rows, steps, window, gaps, exclusions = case
    excl, windows = rules_for(steps, gaps, exclusions)
    ev = log(rows)
    w = None if window is None else window * MIN
    got = user_progress(ev, steps, window=w, exclusions=excl, step_windows=windows)
    ref = ref_levels(rows, steps, window, gaps, exclusions)
    assert dict(zip(got["user_id"].to_list(), got["steps_reached"].to_list(), strict=True)) == ref
    res = funnel(ev, steps, window=w, exclusions=excl, step_windows=windows)
    assert res["users"].to_list() == [
        sum(1 for lv in ref.values() if lv > j) for j in range(len(steps))
    ]
    if excl:  # steps_free: the same paths without the exclusions
        free = ref_levels(rows, steps, window, gaps, [])
        assert dict(zip(got["user_id"].to_list(), got["steps_free"].to_list(), strict=True)) == (
            free
        )
        progress = funnel_progress(ev, steps, window=w, exclusions=excl, step_windows=windows)
        assert progress.excluded() == sum(1 for u in ref if ref[u] < free[u])
        assert progress.table()["users"].to_list() == res["users"].to_list()


# ---------------------------------------------------------------- hand-computed logs


def test_exclusion_between_cart_and_purchase() -> None:
    # a: view 0, cart 10, buy 20: converts. b: view 0, cart 5, coupon_error 6, buy 8:
    # the error between cart and buy ends b's path at cart. c: view, cart, buy, error
    # after buy: not between, converts. d: view 0, error 1, cart 2, buy 3 with the
    # exclusion (error, cart, buy): the error is before cart, converts.
    rows = [
        ("a", "view", 0), ("a", "cart", 10), ("a", "buy", 20),
        ("b", "view", 0), ("b", "cart", 5), ("b", "error", 6), ("b", "buy", 8),
        ("c", "view", 0), ("c", "cart", 1), ("c", "buy", 2), ("c", "error", 3),
        ("d", "view", 0), ("d", "error", 1), ("d", "cart", 2), ("d", "buy", 3),
    ]  # fmt: skip
    ev = log(rows)
    steps = ["view", "cart", "buy"]
    excl = [Exclusion("error", "cart", "buy")]
    res = funnel_table(ev, steps, window=dt.timedelta(days=1), exclusions=excl)
    assert res["users"].to_list() == [4, 4, 3]  # b stops at cart: 4 - 1 = 3 buyers
    assert res["drop_off"].to_list()[1:] == [0, 1]
    # the same exclusion from view: d's error (minute 1) is now between view and cart
    wide = [Exclusion("error", "view", "buy")]
    assert funnel(ev, steps, exclusions=wide)["users"].to_list() == [4, 3, 2]
    progress = funnel_progress(ev, steps, exclusions=wide)
    assert progress.excluded() == 2  # b (3 -> 2 steps) and d (3 -> 1 step)


def test_a_later_attempt_after_the_excluded_event_counts() -> None:
    # view 0, cart 1, error 2, cart 3, buy 4: the second cart comes after the error
    ev = log([("u", "view", 0), ("u", "cart", 1), ("u", "error", 2), ("u", "cart", 3),
              ("u", "buy", 4)])  # fmt: skip
    got = funnel(ev, ["view", "cart", "buy"], exclusions=[Exclusion("error", "cart", "buy")])
    assert got["users"].to_list() == [1, 1, 1]


def test_an_excluded_event_at_the_time_of_a_step_is_not_between() -> None:
    ev = log([("u", "view", 0), ("u", "error", 0), ("u", "buy", 5), ("u", "error", 5)])
    got = funnel(ev, ["view", "buy"], exclusions=[Exclusion("error", "view", "buy")])
    assert got["users"].to_list() == [1, 1]


def test_step_window() -> None:
    # cart must follow view within 30 minutes; buy has no step window but the overall
    # window of 2 hours. a: view 0, cart 20, buy 100 -> 3 steps. b: view 0, cart 40 ->
    # cart too late (40 > 30): 1 step. c: view 0, view 50, cart 60 (10 after the second
    # view), buy 130 (130 - 50 = 80 min <= 120) -> 3 steps. e: view 0, cart 30 (exactly 30:
    # counts), buy 121 (> 120 from view) -> 2 steps.
    rows = [
        ("a", "view", 0), ("a", "cart", 20), ("a", "buy", 100),
        ("b", "view", 0), ("b", "cart", 40),
        ("c", "view", 0), ("c", "view", 50), ("c", "cart", 60), ("c", "buy", 130),
        ("e", "view", 0), ("e", "cart", 30), ("e", "buy", 121),
    ]  # fmt: skip
    ev = log(rows)
    got = funnel(
        ev,
        ["view", "cart", "buy"],
        window=dt.timedelta(hours=2),
        step_windows=[StepWindow("cart", 30, "minutes")],
    )
    assert got["users"].to_list() == [4, 3, 2]
    assert got["step_conversion"].to_list() == [1.0, 0.75, 2 / 3]


def test_rules_that_cannot_apply_are_explained() -> None:
    ev = log([("u", "view", 0), ("u", "buy", 1)])
    excl = [Exclusion("error", "view", "buy")]
    # any order takes a whole-funnel exclusion (tests/unit/test_funnel_rules_more.py), not
    # a partial one
    assert funnel(ev, ["view", "buy"], order="any", exclusions=excl)["users"].to_list() == [1, 1]
    with pytest.raises(InputError) as e:
        funnel(ev, ["view", "buy", "cart"], order="any", exclusions=excl)
    assert e.value.message.code == "funnel_rules.skip.any_partial"
    with pytest.raises(InputError) as e:
        funnel(ev, ["view", "buy", "view"], exclusions=excl)
    assert e.value.message.code == "funnel_rules.error.repeated_step"
    with pytest.raises(InputError) as e:
        funnel(ev, ["view", "buy"], exclusions=[Exclusion("error", "view", "cart")])
    assert e.value.message.code == "funnel_rules.skip.step_missing"
    with pytest.raises(InputError) as e:
        funnel(ev, ["view", "buy"], step_windows=[StepWindow("view", 1, "hours")])
    assert e.value.message.code == "funnel_rules.skip.window_first"
    with pytest.raises(InputError):
        funnel(ev.drop("ts"), ["view", "buy"], exclusions=excl)


def test_no_reuse_of_a_progress_computed_with_other_rules() -> None:
    # one user: view 0, error 1, cart 2, buy 3. Without the exclusion they reach 3 steps;
    # with (error, view, cart) they reach 1.
    ev = log([("u", "view", 0), ("u", "error", 1), ("u", "cart", 2), ("u", "buy", 3),
              ("w", "view", 0)])  # fmt: skip
    base = funnel_base(ev)
    assert base is not None
    plain = funnel_progress(ev, ["view", "cart"], base=base)
    excl = [Exclusion("error", "view", "cart")]
    # a step added: reusing the plain progress would say u reached cart
    assert progress_from_previous(plain, base, ev, ["view", "cart", "buy"], exclusions=excl) is None
    ruled = funnel_progress(ev, ["view", "cart"], exclusions=excl)
    assert ruled.table()["users"].to_list() == [2, 0]
    assert progress_from_previous(ruled, base, ev, ["view", "cart", "buy"]) is None
    # the plain reuse itself still works
    again = progress_from_previous(plain, base, ev, ["view", "cart", "buy"])
    assert again is not None and again.table()["users"].to_list() == [2, 1, 1]


def test_view_never_reads_a_progress_of_other_rules() -> None:
    """Views sharing one period cache (the session's): a funnel without rules is kept, then
    the same period with an exclusion and a step added. The step-change reuse must not read
    the kept progress (u's error between view and cart changes who reaches cart)."""
    from kpi.filters import Filters
    from kpi.schema import TableInput, build_dataset
    from kpi.settings import FunnelSettings
    from kpi.view import PeriodCache, View

    rows = [
        ("u", "view", 0), ("u", "error", 1), ("u", "cart", 2), ("u", "buy", 3),
        ("w", "view", 0), ("w", "cart", 5),
        ("z", "view", 0),
    ]  # fmt: skip
    ds = build_dataset([TableInput("events.csv", log(rows).rename({"ts": "timestamp"}))])
    cache = PeriodCache()
    window = dt.timedelta(days=14)
    plain = View(
        ds, Filters(), FunnelSettings(steps=("view", "cart"), window=window), period_cache=cache
    )
    assert plain.funnel()["users"].to_list() == [3, 2]
    excl = (Exclusion("error", "view", "cart"),)
    ruled = FunnelSettings(steps=("view", "cart", "buy"), window=window, exclusions=excl)
    view = View(ds, Filters(), ruled, period_cache=cache)
    assert view.funnel()["users"].to_list() == [3, 1, 0]  # u stops at view: w reaches cart
    assert view.funnel_excluded() == 1
    # and back: a progress with rules is not read for a funnel without them
    again = View(
        ds,
        Filters(),
        FunnelSettings(steps=("view", "cart", "buy"), window=window),
        period_cache=cache,
    )
    assert again.funnel()["users"].to_list() == [3, 2, 1]
    # a per-step window change is a new progress too: cart within 3 minutes of view
    windowed = FunnelSettings(
        steps=("view", "cart"), window=window, step_windows=(StepWindow("cart", 3, "minutes"),)
    )
    assert View(ds, Filters(), windowed, period_cache=cache).funnel()["users"].to_list() == [3, 1]
