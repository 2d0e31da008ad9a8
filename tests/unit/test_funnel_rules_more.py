"""Exclusion steps and per-step windows on more funnels (kpi.funnel.rules): open funnels
(the rules between the steps the user did) and funnels in any order (whole-funnel exclusions
only, as PostHog's unordered funnel), against brute-force references that try every path or
every choice of events; hand-computed logs; the refusals and their messages."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kpi.errors import InputError
from kpi.funnel import funnel, funnel_progress, user_progress
from kpi.funnel.rules import in_effect, rules_of
from kpi.settings import Exclusion, StepWindow
from kpi.words import render
from tests.unit.test_funnel_rules import MIN, log, ref_levels, rules_for

# ---------------------------------------------------------------- brute-force references


def ref_open(evs, steps, window, gaps, exclusions) -> tuple[int, int | None]:
    """(level, entry) in an open in-order funnel: the entry e is the step of the user's
    first funnel event (earliest time, then the earliest listed step); every path starts at
    an event of step e and takes steps e+1.. in order (times non-decreasing), each within
    ``window`` of the path's first event, step m within ``gaps[m]`` of step m-1 (m > e),
    and no x strictly between the path's step max(a, e) and its step m, a < m <= b."""
    funnel_ev = sorted((t, steps.index(n)) for t, n in evs if n in steps)
    if not funnel_ev:
        return 0, None
    e = funnel_ev[0][1]
    by_step = {j: sorted(t for t, n in evs if n == steps[j]) for j in range(len(steps))}
    xs = {x: [t for t, n in evs if n == x] for x, _, _ in exclusions}
    best = e + 1

    def extend(path: dict[int, int]) -> None:
        nonlocal best
        m = e + len(path)
        best = max(best, m)
        if m == len(steps):
            return
        prev = path[m - 1]
        for t in by_step[m]:
            if t < prev or (window is not None and t - path[e] > window):
                continue
            if gaps[m] is not None and t - prev > gaps[m]:
                continue
            if any(
                a < m <= b and any(path[max(a, e)] < tx < t for tx in xs[x])
                for x, a, b in exclusions
            ):
                continue
            extend({**path, m: t})

    for t in by_step[e]:
        extend({e: t})
    return best, e


def ref_any(evs, steps, window, xnames) -> int:
    """The largest L such that one event of each of steps 1..L (any order) lies in a window
    (max - min <= window) with no excluded event strictly between the earliest and latest."""
    xs = [t for t, n in evs if n in xnames]
    best = 0
    for lvl in range(1, len(steps) + 1):
        times = [[t for t, n in evs if n == s] for s in steps[:lvl]]
        ok = any(
            (window is None or max(c) - min(c) <= window)
            and not any(min(c) < tx < max(c) for tx in xs)
            for c in itertools.product(*times)
        )
        if not ok:
            break
        best = lvl
    return best


def _per_user(rows):
    per: dict = {}
    for u, s, t in rows:
        per.setdefault(u, []).append((t, s))
    return per


@st.composite
def open_cases(draw):
    rows = draw(
        st.lists(
            st.tuples(st.integers(0, 5), st.sampled_from("ABCDXY"), st.integers(0, 30)),
            max_size=40,
        )
    )
    steps = list(draw(st.permutations("ABCD"))[: draw(st.integers(2, 4))])
    k = len(steps)
    gaps = [None] + [draw(st.one_of(st.none(), st.integers(0, 12))) for _ in range(k - 1)]
    exclusions = []
    for _ in range(draw(st.integers(0, 2))):
        a = draw(st.integers(0, k - 2))
        b = draw(st.integers(a + 1, k - 1))
        exclusions.append((draw(st.sampled_from("XY")), a, b))
    window = draw(st.one_of(st.none(), st.integers(0, 20)))
    return rows, steps, window, gaps, exclusions


@settings(max_examples=200, deadline=None)
@given(case=open_cases())
def test_open_funnel_rules_match_brute_force(case) -> None:
    rows, steps, window, gaps, exclusions = case
    excl, windows = rules_for(steps, gaps, exclusions)
    ev = log(rows)
    w = None if window is None else window * MIN
    kw = {"window": w, "open_funnel": True, "exclusions": excl, "step_windows": windows}
    got = user_progress(ev, steps, **kw)
    ref = {u: ref_open(evs, steps, window, gaps, exclusions) for u, evs in _per_user(rows).items()}
    levels = dict(zip(got["user_id"].to_list(), got["steps_reached"].to_list(), strict=True))
    entries = dict(zip(got["user_id"].to_list(), got["entry_step"].to_list(), strict=True))
    assert levels == {u: lv for u, (lv, _) in ref.items()}
    assert entries == {u: None if e is None else e + 1 for u, (_, e) in ref.items()}
    users = [
        sum(1 for lv, e in ref.values() if e is not None and e <= j < lv) for j in range(len(steps))
    ]
    assert funnel(ev, steps, **kw)["users"].to_list() == users
    progress = funnel_progress(ev, steps, **kw)
    assert progress.open_funnel and progress.table()["users"].to_list() == users
    if excl:
        free = {u: ref_open(evs, steps, window, gaps, [])[0] for u, evs in _per_user(rows).items()}
        assert progress.excluded() == sum(1 for u in ref if ref[u][0] < free[u])


@st.composite
def any_cases(draw):
    rows = draw(
        st.lists(
            st.tuples(st.integers(0, 5), st.sampled_from("ABCDXY"), st.integers(0, 30)),
            max_size=36,
        )
    )
    steps = list(draw(st.permutations("ABCD"))[: draw(st.integers(2, 4))])
    xnames = draw(st.sampled_from([["X"], ["Y"], ["X", "Y"]]))
    window = draw(st.one_of(st.none(), st.integers(0, 20)))
    return rows, steps, window, xnames


@settings(max_examples=200, deadline=None)
@given(case=any_cases())
def test_any_order_whole_funnel_exclusions_match_brute_force(case) -> None:
    rows, steps, window, xnames = case
    excl = [Exclusion(x, steps[0], steps[-1]) for x in xnames]
    ev = log(rows)
    w = None if window is None else window * MIN
    kw = {"window": w, "order": "any", "exclusions": excl}
    got = user_progress(ev, steps, **kw)
    per = _per_user(rows)
    ref = {u: ref_any(evs, steps, window, xnames) for u, evs in per.items()}
    assert dict(zip(got["user_id"].to_list(), got["steps_reached"].to_list(), strict=True)) == ref
    free = {u: ref_any(evs, steps, window, []) for u, evs in per.items()}
    assert dict(zip(got["user_id"].to_list(), got["steps_free"].to_list(), strict=True)) == free
    users = [sum(1 for lv in ref.values() if lv > j) for j in range(len(steps))]
    assert funnel(ev, steps, **kw)["users"].to_list() == users
    progress = funnel_progress(ev, steps, **kw)
    assert progress.table()["users"].to_list() == users
    assert progress.excluded() == sum(1 for u in ref if ref[u] < free[u])


def test_the_in_order_reference_is_the_closed_one_when_everyone_enters_at_step_1() -> None:
    rows = [(0, "A", 0), (0, "X", 1), (0, "B", 2), (1, "A", 0), (1, "B", 1), (1, "C", 2)]
    steps, gaps, excl = ["A", "B", "C"], [None, None, None], [("X", 0, 2)]
    closed = ref_levels(rows, steps, None, gaps, excl)
    opened = {u: ref_open(e, steps, None, gaps, excl)[0] for u, e in _per_user(rows).items()}
    assert closed == opened == {0: 1, 1: 3}


# ---------------------------------------------------------------- hand-computed logs


def test_open_funnel_hand_computed() -> None:
    # steps view → cart → buy, exclusion (error, view, buy), cart within 10 minutes of view.
    # a: view 0, error 1, cart 2: the error stops a at view (1 step).
    # b: enters at cart 0 (no view), error 1, buy 2: the error is after b's entry and
    #    before buy: b counts at cart only.
    # c: enters at cart 0, buy 5, error 6: c counts at cart and buy.
    # d: view 0, cart 30: cart 30 minutes after view (> 10): d counts at view only.
    # e: enters at cart 0 (no view before): the per-step window of cart does not apply at
    #    the entry step; buy 100: e counts at cart and buy.
    rows = [
        ("a", "view", 0), ("a", "error", 1), ("a", "cart", 2),
        ("b", "cart", 0), ("b", "error", 1), ("b", "buy", 2),
        ("c", "cart", 0), ("c", "buy", 5), ("c", "error", 6),
        ("d", "view", 0), ("d", "cart", 30),
        ("e", "cart", 0), ("e", "buy", 100),
    ]  # fmt: skip
    ev = log(rows)
    steps = ["view", "cart", "buy"]
    excl = [Exclusion("error", "view", "buy")]
    windows = [StepWindow("cart", 10, "minutes")]
    got = funnel(ev, steps, open_funnel=True, exclusions=excl, step_windows=windows)
    assert got["users"].to_list() == [2, 3, 2]  # view: a, d; cart: b, c, e; buy: c, e
    plain = funnel(ev, steps, open_funnel=True)
    assert plain["users"].to_list() == [2, 5, 3]


def test_any_order_hand_computed() -> None:
    # steps A, B, C in any order, exclusion X over the whole funnel.
    # a: B 0, X 1, A 2, C 3: {A, C} after the X, B before it: a reaches A only (step 1).
    # b: C 0, A 1, B 2, X 3: all three before the X: 3 steps.
    # c: A 0, X 0, B 1, C 1: the X at the time of A is not between: 3 steps.
    rows = [
        ("a", "B", 0), ("a", "X", 1), ("a", "A", 2), ("a", "C", 3),
        ("b", "C", 0), ("b", "A", 1), ("b", "B", 2), ("b", "X", 3),
        ("c", "A", 0), ("c", "X", 0), ("c", "B", 1), ("c", "C", 1),
    ]  # fmt: skip
    ev = log(rows)
    excl = [Exclusion("X", "A", "C")]
    got = funnel(ev, ["A", "B", "C"], order="any", exclusions=excl)
    assert got["users"].to_list() == [3, 2, 2]
    assert funnel(ev, ["A", "B", "C"], order="any")["users"].to_list() == [3, 3, 3]


# ---------------------------------------------------------------- refusals and notes


def test_any_order_refuses_partial_exclusions_and_step_windows() -> None:
    steps = ["A", "B", "C"]
    with pytest.raises(InputError) as e:
        rules_of(steps, [Exclusion("X", "A", "B")], [], order="any")
    assert e.value.message.code == "funnel_rules.skip.any_partial"
    text = render(e.value.message, "en")
    assert "X between A and B" in text and "in any order" in text
    assert "from A to C" in render(e.value.hint, "en")
    assert "de A à C" in render(e.value.hint, "fr")
    with pytest.raises(InputError) as e:
        rules_of(steps, [], [StepWindow("B", 5, "minutes")], order="any")
    assert e.value.message.code == "funnel_rules.skip.any_window"
    assert "no step before" in render(e.value.message, "en")
    with pytest.raises(InputError) as e:
        rules_of(steps, [Exclusion("X", "A", "C")], [], order="any", open_funnel=True)
    assert e.value.message.code == "funnel_rules.error.any_open"
    got = in_effect(
        steps,
        [Exclusion("X", "A", "C"), Exclusion("Y", "B", "C")],
        [StepWindow("C", 1, "hours")],
        order="any",
    )
    assert got.exclusions == (Exclusion("X", "A", "C"),) and not got.step_windows
    assert [n.code for n in got.notes] == [
        "funnel_rules.skip.any_partial",
        "funnel_rules.skip.any_window",
    ]
    assert in_effect(steps, [Exclusion("X", "A", "C")], [], order="any", open_funnel=True).blocked
    opened = in_effect(steps, [Exclusion("X", "A", "C")], [StepWindow("C", 1, "hours")],
                       open_funnel=True)  # fmt: skip
    assert opened.active and not opened.notes and not opened.blocked
    for fact in got.notes:
        assert render(fact, "fr") and render(fact, "en")


def test_rules_still_need_times() -> None:
    ev = log([("u", "A", 0), ("u", "B", 1)]).drop("ts")
    with pytest.raises(InputError) as e:
        funnel(ev, ["A", "B"], open_funnel=True, exclusions=[Exclusion("X", "A", "B")])
    assert e.value.message.code == "funnel_rules.error.needs_order"
