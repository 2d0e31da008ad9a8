"""Every funnel figure obeys the exclusion steps and per-step windows (kpi.funnel.timing,
trends, progress, table, kpi.view.View): step times over only the users the rules keep, on a
path the rules accept (hand-computed, and a brute-force Python reference that enumerates every
path); the trend's periods add up to the table; the View's figures equal the functions'."""

from __future__ import annotations

import datetime as dt
import random
import statistics

import polars as pl
import pytest
from funnel_times_reference import reference_paths, reference_step_medians
from polars.testing import assert_frame_equal

from kpi import funnel
from kpi.filters import Filters
from kpi.funnel.progress import funnel_progress
from kpi.schema import TableInput, build_dataset
from kpi.settings import Exclusion, FunnelSettings, StepWindow
from kpi.view import View

T0 = dt.datetime(2025, 1, 6, 9, 0)  # a Monday
STEPS = ["view", "cart", "buy"]
HELP = (Exclusion("help", "view", "cart"),)
FAST_BUY = (StepWindow("buy", 15, "minutes"),)


def at(minutes: float) -> dt.datetime:
    return T0 + dt.timedelta(minutes=minutes)


def hand_log() -> pl.DataFrame:
    """u1 10 min to cart, 10 to buy; u2 5 and 3; u3 asks for help, then takes 10 hours to
    cart (the slow step the exclusion takes out); u4 carts at 3 min and again at 50, buys at
    60 (57 min after the first cart, 10 after the second); u5 views only, on the next week."""
    rows = [
        ("u1", "view", 0), ("u1", "cart", 10), ("u1", "buy", 20),
        ("u2", "view", 0), ("u2", "cart", 5), ("u2", "buy", 8),
        ("u3", "view", 0), ("u3", "help", 2), ("u3", "cart", 600), ("u3", "buy", 700),
        ("u4", "view", 0), ("u4", "cart", 3), ("u4", "cart", 50), ("u4", "buy", 60),
        ("u5", "view", 7 * 24 * 60),
    ]  # fmt: skip
    return pl.DataFrame(
        {
            "user_id": [r[0] for r in rows],
            "step": [r[1] for r in rows],
            "ts": [at(r[2]) for r in rows],
        }
    )


def times(res: pl.DataFrame, col: str) -> list[float | None]:
    return res[col].to_list()


def test_the_excluded_users_slow_step_leaves_the_median() -> None:
    ev = hand_log()
    plain = funnel.step_times(ev, STEPS)
    # without the rule: cart after view 10, 5, 600 and 3 min -> median (5 + 10) / 2 = 7.5 min
    assert times(plain, "users") == [5, 4, 4]
    assert times(plain, "median_from_previous_s")[1] == 7.5 * 60
    got = funnel.step_times(ev, STEPS, exclusions=HELP)
    # u3 left before cart: cart 10, 5, 3 min -> 5 min; buy 10, 3, 57 min -> 10 min
    assert times(got, "users") == [5, 3, 3]
    assert times(got, "median_from_previous_s") == [0.0, 5 * 60.0, 10 * 60.0]
    assert times(got, "median_from_start_s") == [0.0, 5 * 60.0, 20 * 60.0]
    # u4, untouched by the rule, keeps the usual best attempt (first cart at 3 min)
    prog = funnel_progress(ev, STEPS, exclusions=HELP)
    u4 = prog.per_user.filter(pl.col("user_id") == "u4")
    assert u4["_prev1"].item() == 3 * 60.0 and u4["_prev2"].item() == 57 * 60.0


def test_a_per_step_window_takes_the_path_it_accepts() -> None:
    ev = hand_log()
    got = funnel.step_times(ev, STEPS, step_windows=FAST_BUY)
    # buy within 15 min of cart: u3 (100 min) stops at cart; u4's first cart (57 min before
    # buy) fails the window, so its path is the second cart (50 min, then 10 min to buy)
    assert times(got, "users") == [5, 4, 3]
    assert times(got, "median_from_previous_s")[1] == statistics.median([600, 300, 36000, 3000])
    assert times(got, "median_from_previous_s")[2] == statistics.median([600, 180, 600])
    ref = reference_paths(ev, STEPS, step_windows=FAST_BUY)
    assert ref["u4"] == (
        3,
        [int((at(m) - dt.datetime(1970, 1, 1)).total_seconds() * 1e6) for m in (0, 50, 60)],
    )


def test_time_to_convert_counts_only_the_kept_users() -> None:
    ev = hand_log()
    edges = [0, 15 * 60, 30 * 60, 120 * 60, 20 * 3600]
    plain = funnel.time_to_convert(ev, STEPS, bins=edges)
    assert plain["users"].to_list() == [1, 1, 1, 1]  # 8, 20, 60 min and 11 h 40
    got = funnel.time_to_convert(ev, STEPS, bins=edges, exclusions=HELP)
    assert got["users"].to_list() == [1, 1, 1, 0]
    assert got["share"].to_list()[:3] == pytest.approx([1 / 3] * 3)


def test_the_trend_adds_up_to_the_table() -> None:
    ev = hand_log()
    for kw in ({"exclusions": HELP}, {"step_windows": FAST_BUY}):
        table = funnel.funnel_table(ev, STEPS, **kw)
        trend = funnel.conversion_over_time(ev, STEPS, grain="week", **kw)
        per_step = trend.group_by("step", maintain_order=True).agg(pl.col("users").sum())
        assert per_step["users"].to_list() == table["users"].to_list()
        overall = per_step["users"][-1] / per_step["users"][0]
        assert overall == pytest.approx(table["conversion"][-1])
    # with the exclusion, week 1: 4 entrants, 3 buyers (u3 out); week 2: u5 alone
    trend = funnel.conversion_over_time(ev, STEPS, grain="week", exclusions=HELP)
    last = trend.filter(pl.col("step") == "buy")
    assert last["users"].to_list() == [3, 0]
    assert last["conversion"].to_list() == [0.75, 0.0]


def random_log(seed: int, n_users: int = 120) -> pl.DataFrame:
    """Ties (whole minutes), repeated steps, help and error events between steps."""
    rng = random.Random(seed)
    rows = []
    for u in range(n_users):
        start = rng.randint(0, 20 * 24 * 60)
        rows.append((f"u{u:03d}", "view", start))
        for _ in range(rng.randint(0, 7)):
            step = rng.choice(["view", "cart", "buy", "help", "cart", "buy", "error"])
            rows.append((f"u{u:03d}", step, start + rng.randint(0, 120)))
    return pl.DataFrame(
        {
            "user_id": [r[0] for r in rows],
            "step": [r[1] for r in rows],
            "ts": [at(r[2]) for r in rows],
        }
    )


RULES = [
    {"exclusions": HELP},
    {"exclusions": (Exclusion("help", "view", "buy"), Exclusion("error", "cart", "buy"))},
    {"step_windows": (StepWindow("cart", 30, "minutes"), StepWindow("buy", 20, "minutes"))},
    {
        "exclusions": (Exclusion("help", "cart", "buy"),),
        "step_windows": (StepWindow("buy", 45, "minutes"),),
        "window": dt.timedelta(minutes=90),
    },
]


@pytest.mark.parametrize("kw", RULES)
@pytest.mark.parametrize("seed", [1, 2])
def test_step_times_equal_the_brute_force_reference(kw: dict, seed: int) -> None:
    ev = random_log(seed)
    ref = reference_paths(ev, STEPS, **kw)
    want = reference_step_medians(ref, len(STEPS))
    got = funnel.step_times(ev, STEPS, **kw)
    assert (
        list(
            zip(
                got["users"], got["median_from_previous_s"], got["median_from_start_s"], strict=True
            )
        )
        == want
    )
    # the levels are the funnel's, and the table carries the same times
    table = funnel.funnel_table(ev, STEPS, **kw)
    assert table["users"].to_list() == [w[0] for w in want]
    assert table["median_from_previous_s"].to_list() == [w[1] for w in want]
    # each user's path: the one the reference picks
    rows = funnel.funnel_progress(ev, STEPS, **kw).per_user
    for r in rows.iter_rows(named=True):
        lvl, path = ref[r["user_id"]]
        assert r["steps_reached"] == lvl
        for j in range(1, lvl):
            assert r[f"_prev{j}"] == (path[j] - path[j - 1]) / 1e6
    # the rules change the times (else the test would prove nothing)
    plain = funnel.step_times(ev, STEPS, window=kw.get("window"))
    assert (
        plain["median_from_previous_s"].to_list() != got["median_from_previous_s"].to_list()
        or plain["users"].to_list() != got["users"].to_list()
    )


@pytest.mark.parametrize("kw", RULES)
def test_the_progress_table_is_the_funnel_table(kw: dict) -> None:
    ev = random_log(3)
    prog = funnel.funnel_progress(ev, STEPS, **kw)
    assert prog.timed
    assert_frame_equal(prog.table(), funnel.funnel_table(ev, STEPS, **kw))


def test_the_views_figures_apply_the_rules() -> None:
    ev = random_log(4)
    ds = build_dataset([TableInput("events.csv", ev)])
    rules = RULES[3]
    settings = FunnelSettings(
        steps=tuple(STEPS),
        window=rules["window"],
        exclusions=rules["exclusions"],
        step_windows=rules["step_windows"],
    )
    view = View(ds, Filters(), settings)
    table = view.funnel()
    assert table is not None
    want = funnel.funnel_table(ds.events, STEPS, **rules)
    assert_frame_equal(table, want)
    trend = view.funnel_trend("week")
    assert trend is not None
    assert_frame_equal(trend, funnel.conversion_over_time(ds.events, STEPS, grain="week", **rules))
    summed = trend.group_by("step", maintain_order=True).agg(pl.col("users").sum())
    assert summed["users"].to_list() == table["users"].to_list()
    ttc = view.funnel_time_to_convert(12)
    assert ttc is not None
    assert int(ttc["users"].sum()) == int(table["users"][-1])
    assert_frame_equal(ttc, funnel.time_to_convert(ds.events, STEPS, bins=12, **rules))
    # without the rules the view's figures differ (the test would prove nothing otherwise)
    plain = View(ds, Filters(), FunnelSettings(steps=tuple(STEPS), window=rules["window"]))
    assert plain.funnel()["users"].to_list() != table["users"].to_list()  # type: ignore[index]
