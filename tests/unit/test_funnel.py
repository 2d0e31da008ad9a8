"""kpi.funnel: hand-built event logs for every rule, a brute-force reference, DuckDB SQL."""

from __future__ import annotations

import datetime as dt
import itertools
import random

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kpi.definitions import Definition
from kpi.errors import InputError, SchemaError
from kpi.funnel import (
    DEFINITIONS,
    compare_periods,
    conversion_over_time,
    default_step_order,
    funnel,
    funnel_table,
    insights,
    step_times,
    time_to_convert,
    user_progress,
)
from kpi.words import Fact, render

T0 = dt.datetime(2025, 3, 1, 12, 0, 0)


def log(rows: list[tuple]) -> pl.DataFrame:
    """Rows of (user_id, step, minutes after T0[, device])."""
    data = {
        "user_id": [r[0] for r in rows],
        "step": [r[1] for r in rows],
        "ts": [T0 + dt.timedelta(minutes=r[2]) for r in rows],
    }
    if rows and len(rows[0]) > 3:
        data["device"] = [r[3] for r in rows]
    return pl.DataFrame(data, schema_overrides={"ts": pl.Datetime("us")})


def users_of(res: pl.DataFrame) -> list[int]:
    return res.get_column("users").to_list()


# ---------------------------------------------------------------- brute-force references


def _tie_key(steps: list[str]) -> dict[str, int]:
    first: dict[str, int] = {}
    for i, s in enumerate(steps):
        first.setdefault(s, i)
    return first


def ref_levels(rows, steps, window_min, order="sequential", open_funnel=False) -> dict:
    """Pure Python: an interval scan over every event as the interval start (any order), or
    :func:`ref_ties` (sequential: greedy earliest matching from every start, over every
    ordering of tied events)."""
    first = _tie_key(steps)
    per: dict = {}
    for i, (u, s, t) in enumerate(rows):
        per.setdefault(u, [])
        if s in first:
            per[u].append((t, first[s], i, s))
    out = {}
    for u, evs in per.items():
        evs.sort()
        if not evs:
            out[u] = 0 if not open_funnel else (None, 0)
            continue
        if order == "any":
            best = 0
            for t0, *_ in evs:
                inside = [
                    e[3]
                    for e in evs
                    if t0 <= e[0] <= (t0 + window_min if window_min is not None else 1e18)
                ]
                k = 0
                while k < len(steps):
                    need = steps[: k + 1].count(steps[k])
                    prefix = steps[: k + 1]
                    if all(inside.count(n) >= prefix.count(n) for n in set(prefix)) and need:
                        k += 1
                    else:
                        break
                best = max(best, k)
            out[u] = best
            continue
    if order != "any":  # sequential: every ordering of tied events, the best one
        ties = ref_ties(rows, steps, window_min, open_funnel=open_funnel)
        return {u: (e, lv) if open_funnel else lv for u, (e, lv, _) in ties.items()}
    return out


def ref_users(rows, steps, window_min, order="sequential", open_funnel=False) -> list[int]:
    levels = ref_levels(rows, steps, window_min, order, open_funnel)
    if open_funnel:
        return [
            sum(1 for e, b in levels.values() if b and e <= j < e + b) for j in range(len(steps))
        ]
    return [sum(1 for lv in levels.values() if lv > j) for j in range(len(steps))]


event_rows = st.lists(
    st.tuples(st.integers(0, 5), st.sampled_from("ABCDX"), st.integers(0, 30)), max_size=40
)
step_lists = st.lists(st.sampled_from("ABCD"), min_size=1, max_size=4)
windows = st.one_of(st.none(), st.integers(0, 20))


@settings(max_examples=100, deadline=None)
@given(rows=event_rows, steps=step_lists, window=windows)
def test_sequential_matches_brute_force(rows, steps, window) -> None:
    ev = log(rows)
    w = None if window is None else dt.timedelta(minutes=window)
    res = funnel(ev, steps, window=w)
    assert users_of(res) == ref_users(rows, steps, window)
    assert res.get_column("step").to_list() == steps
    prog = user_progress(ev, steps, window=w)
    ref = ref_levels(rows, steps, window)
    assert dict(zip(prog["user_id"].to_list(), prog["steps_reached"].to_list(), strict=True)) == ref
    assert prog.schema["steps_reached"] == pl.Int32
    timed = user_progress(ev, steps, window=w, with_times=True)
    got = {}
    for row in timed.iter_rows(named=True):
        if row["steps_reached"]:
            got[row["user_id"]] = [
                (row[f"ts_{j + 1}"] - T0) / dt.timedelta(minutes=1)
                for j in range(row["steps_reached"])
            ]
    assert got == {u: times for u, (_, lv, times) in ref_ties(rows, steps, window).items() if lv}


@settings(max_examples=60, deadline=None)
@given(rows=event_rows, steps=step_lists, window=windows)
def test_wide_ids_and_microseconds_take_the_general_sort(rows, steps, window) -> None:
    """Huge user ids (no room for a single sort key) and microsecond times give the same."""
    ev = log(rows).with_columns(
        pl.col("user_id") * 2**58 - 2**61, pl.col("ts") + dt.timedelta(microseconds=3)
    )
    w = None if window is None else dt.timedelta(minutes=window)
    assert users_of(funnel(ev, steps, window=w)) == ref_users(rows, steps, window)
    assert users_of(funnel(ev, steps, window=w, order="any")) == ref_users(
        rows, steps, window, order="any"
    )


@settings(max_examples=100, deadline=None)
@given(rows=event_rows, steps=step_lists, window=windows)
def test_any_order_matches_brute_force(rows, steps, window) -> None:
    w = None if window is None else dt.timedelta(minutes=window)
    res = funnel(log(rows), steps, window=w, order="any")
    assert users_of(res) == ref_users(rows, steps, window, order="any")


@settings(max_examples=100, deadline=None)
@given(rows=event_rows, steps=step_lists, window=windows)
def test_open_funnel_matches_brute_force(rows, steps, window) -> None:
    w = None if window is None else dt.timedelta(minutes=window)
    res = funnel(log(rows), steps, window=w, open_funnel=True)
    assert users_of(res) == ref_users(rows, steps, window, open_funnel=True)


@settings(max_examples=60, deadline=None)
@given(rows=event_rows, steps=step_lists)
def test_membership_is_any_order_without_window(rows, steps) -> None:
    ev = log(rows)
    member = funnel(ev.drop("ts"), steps)
    assert users_of(member) == ref_users(rows, steps, None, order="any")


# ---------------------------------------------------------------- hand-built rules


def test_window_boundary_is_inclusive() -> None:
    ev = log([(1, "A", 0), (1, "B", 10)])
    assert users_of(funnel(ev, ["A", "B"], window=dt.timedelta(minutes=10))) == [1, 1]
    assert users_of(
        funnel(ev, ["A", "B"], window=dt.timedelta(minutes=10) - dt.timedelta(microseconds=1))
    ) == [1, 0]
    assert users_of(funnel(ev, ["A", "B"], window=dt.timedelta(0))) == [1, 0]
    assert users_of(funnel(ev, ["A", "B"])) == [1, 1]


def test_window_is_measured_from_step_one_not_previous_step() -> None:
    ev = log([(1, "A", 0), (1, "B", 6), (1, "C", 12)])
    assert users_of(funnel(ev, ["A", "B", "C"], window=dt.timedelta(minutes=10))) == [1, 1, 0]


def test_out_of_order_events() -> None:
    ev = log([(1, "B", 0), (1, "A", 5), (2, "A", 0), (2, "B", 5)])
    res = funnel(ev, ["A", "B"])
    assert users_of(res) == [2, 1]
    assert res.get_column("conversion").to_list() == [1.0, 0.5]
    assert users_of(funnel(ev, ["A", "B"], order="any")) == [2, 2]


def test_repeated_steps_count_users_once() -> None:
    ev = log([(1, "A", 0), (1, "A", 1), (1, "B", 2), (1, "B", 3), (2, "A", 0)])
    assert users_of(funnel(ev, ["A", "B"])) == [2, 1]


def test_step_listed_twice_means_doing_it_twice() -> None:
    ev = log(
        [
            (1, "A", 0),
            (1, "B", 1),
            (2, "A", 0),
            (2, "A", 1),
            (2, "B", 2),
            (3, "A", 0),
            (3, "B", 1),
            (3, "A", 2),
        ]
    )
    assert users_of(funnel(ev, ["A", "A", "B"])) == [3, 2, 1]  # user 3: A, B, A has two A
    assert funnel(ev, ["A", "A", "B"]).get_column("step").to_list() == ["A", "A", "B"]
    assert users_of(funnel(ev.drop("ts"), ["A", "A", "B"])) == [3, 2, 2]
    assert users_of(funnel(ev, ["A", "B", "A"])) == [3, 3, 1]


def test_ties_count_as_in_order() -> None:
    ev = log([(1, "B", 0), (1, "A", 0), (1, "C", 0)])
    assert users_of(funnel(ev, ["A", "B", "C"])) == [1, 1, 1]
    # a single event cannot be two steps, even at equal time
    assert users_of(funnel(log([(1, "A", 0)]), ["A", "A"])) == [1, 0]
    assert users_of(funnel(log([(1, "A", 0), (1, "A", 0)]), ["A", "A"])) == [1, 1]


def test_later_attempt_succeeds_when_first_fails() -> None:
    day = 24 * 60
    ev = log([(1, "A", 0), (1, "A", 20 * day), (1, "B", 21 * day), (1, "C", 30 * day)])
    res = funnel(ev, ["A", "B", "C"], window=dt.timedelta(days=7))
    assert users_of(res) == [1, 1, 0]
    assert users_of(funnel(ev, ["A", "B", "C"], window=dt.timedelta(days=10))) == [1, 1, 1]


def test_best_attempt_beats_first_partial_attempt() -> None:
    # first attempt reaches B only; a later attempt (the best) reaches C
    ev = log([(1, "A", 0), (1, "B", 1), (1, "A", 100), (1, "B", 101), (1, "C", 102)])
    assert users_of(funnel(ev, ["A", "B", "C"], window=dt.timedelta(minutes=5))) == [1, 1, 1]
    times = user_progress(ev, ["A", "B", "C"], window=dt.timedelta(minutes=5), with_times=True)
    assert times.row(0, named=True)["ts_1"] == T0 + dt.timedelta(minutes=100)
    assert times.row(0, named=True)["ts_3"] == T0 + dt.timedelta(minutes=102)


def test_open_funnel_users_enter_mid_funnel() -> None:
    ev = log(
        [
            (1, "A", 0),
            (1, "B", 1),
            (1, "C", 2),
            (2, "B", 0),
            (2, "C", 1),
            (3, "C", 0),
            (4, "C", 0),
            (4, "B", 1),
        ]
    )
    closed = funnel(ev, ["A", "B", "C"])
    opened = funnel(ev, ["A", "B", "C"], open_funnel=True)
    assert users_of(closed) == [1, 1, 1]
    # user 2 enters at B, user 3 and 4 at C (user 4's later B does not count: they entered at C)
    assert users_of(opened) == [1, 2, 4]
    assert opened.get_column("step_conversion").to_list() == [1.0, 2.0, 2.0]
    prog = user_progress(ev, ["A", "B", "C"], open_funnel=True).sort("user_id")
    assert prog.get_column("entry_step").to_list() == [1, 2, 3, 3]
    assert prog.get_column("steps_reached").to_list() == [3, 3, 3, 3]
    member = funnel(ev.drop("ts"), ["A", "B", "C"], open_funnel=True)
    assert users_of(member) == [1, 3, 4]  # user 4 did B: enters at B without timestamps


def test_unreached_steps_and_null_rates() -> None:
    ev = log([(1, "A", 0), (2, "A", 1)])
    res = funnel(ev, ["A", "B", "C"])
    assert users_of(res) == [2, 0, 0]
    assert res.get_column("conversion").to_list() == [1.0, 0.0, 0.0]
    assert res.get_column("step_conversion").to_list() == [1.0, 0.0, None]
    assert res.columns == ["step", "users", "conversion", "step_conversion"]
    assert res.schema["users"] == pl.Int64


def test_nobody_at_step_one() -> None:
    res = funnel(log([(1, "B", 0)]), ["A", "B"])
    assert users_of(res) == [0, 0]
    assert res.get_column("conversion").to_list() == [None, None]


def test_segments_first_touch_and_missing_values() -> None:
    ev = log(
        [
            (1, "X", 0, "mobile"),  # first event is not a funnel step: still decides the segment
            (1, "A", 1, "desktop"),
            (1, "B", 2, "desktop"),
            (2, "A", 0, None),
            (3, "A", 0, "desktop"),
            (4, "X", 0, "tablet"),  # no funnel event: the segment still shows, with zeros
        ]
    )
    res = funnel(ev, ["A", "B"], by=["device"])
    assert res.columns == ["device", "step", "users", "conversion", "step_conversion"]
    got = {(r["device"], r["step"]): r["users"] for r in res.to_dicts()}
    assert got == {
        ("(none)", "A"): 1,
        ("(none)", "B"): 0,
        ("desktop", "A"): 1,
        ("desktop", "B"): 0,
        ("mobile", "A"): 1,
        ("mobile", "B"): 1,
        ("tablet", "A"): 0,
        ("tablet", "B"): 0,
    }
    # segment totals reconcile with the overall funnel
    overall = users_of(funnel(ev, ["A", "B"]))
    assert (
        res.group_by("step", maintain_order=True).agg(pl.col("users").sum())["users"].to_list()
        == overall
    )


def test_string_and_integer_user_ids_agree() -> None:
    rng = random.Random(7)
    rows = [(rng.randrange(50), rng.choice("ABCX"), rng.randrange(100)) for _ in range(400)]
    a = funnel(log(rows), ["A", "B", "C"], window=dt.timedelta(minutes=30))
    ev = log(rows).with_columns(
        pl.col("user_id").cast(pl.String).map_elements(lambda s: f"u-{s}", return_dtype=pl.String)
    )
    b = funnel(ev, ["A", "B", "C"], window=dt.timedelta(minutes=30))
    assert a.equals(b)
    assert users_of(a) == ref_users(rows, ["A", "B", "C"], 30)


def test_date_timestamps_and_categorical_steps() -> None:
    ev = pl.DataFrame(
        {
            "user_id": ["a", "a", "b"],
            "step": pl.Series(["A", "B", "A"], dtype=pl.Categorical),
            "ts": [dt.date(2025, 1, 1), dt.date(2025, 1, 3), dt.date(2025, 1, 1)],
        }
    )
    assert users_of(funnel(ev, ["A", "B"], window=dt.timedelta(days=2))) == [2, 1]
    assert users_of(funnel(ev, ["A", "B"], window=dt.timedelta(days=1))) == [2, 0]


def test_errors_speak_to_a_person() -> None:
    ev = log([(1, "A", 0)])
    with pytest.raises(SchemaError, match="column"):
        funnel(ev.drop("step"), ["A"])
    with pytest.raises(InputError, match="No funnel steps"):
        funnel(ev, [])
    with pytest.raises(InputError, match="order"):
        funnel(ev, ["A"], order="strict")  # type: ignore[arg-type]
    with pytest.raises(InputError, match="timestamps"):
        funnel(ev.drop("ts"), ["A"], window=dt.timedelta(days=1))
    with pytest.raises(SchemaError, match="by"):
        funnel(ev, ["A"], by=["by"])


def test_user_progress_keeps_every_user() -> None:
    ev = log([(1, "X", 0), (2, "A", 0), (2, "B", 1)])
    prog = user_progress(ev, ["A", "B"]).sort("user_id")
    assert prog.columns == ["user_id", "steps_reached"]
    assert prog.rows() == [(1, 0), (2, 2)]


# ---------------------------------------------------------------- times, tables, trends


def test_step_times_median_and_p90() -> None:
    rows = []
    for u, (b, c) in enumerate([(1, 3), (2, 6), (3, 9), (4, 12), (10, None)]):
        rows += [(u, "A", 0), (u, "B", b)]
        if c is not None:
            rows.append((u, "C", c))
    res = step_times(log(rows), ["A", "B", "C"])
    assert res.get_column("users").to_list() == [5, 5, 4]
    b = res.row(1, named=True)
    assert b["median_from_previous_s"] == 180.0
    assert b["p90_from_previous_s"] == pytest.approx(60 * (4 + 0.6 * 6))  # linear interpolation
    c = res.row(2, named=True)
    assert c["median_from_previous_s"] == pytest.approx(60 * 5)  # 2, 4, 6, 8 minutes
    assert c["median_from_start_s"] == pytest.approx(60 * 7.5)
    assert res.row(0, named=True)["median_from_start_s"] == 0.0


def test_funnel_table_drop_off() -> None:
    ev = log([(1, "A", 0), (1, "B", 2), (2, "A", 0), (2, "B", 4), (3, "A", 0), (4, "A", 0)])
    tab = funnel_table(ev, ["A", "B", "C"])
    assert tab.get_column("drop_off").to_list() == [None, 2, 2]
    assert tab.get_column("drop_off_rate").to_list() == [None, 0.5, 1.0]
    assert tab.get_column("median_from_previous_s").to_list()[1] == 180.0
    by = funnel_table(ev.with_columns(device=pl.lit("m")), ["A", "B"], by=["device"])
    assert by.get_column("drop_off").to_list() == [None, 2]


def test_conversion_over_time_by_entry_week() -> None:
    day = 24 * 60
    # 2025-03-01 is a Saturday: week of 2025-02-24; day 3 is in the week of 2025-03-03
    ev = log(
        [
            (1, "A", 0),
            (1, "B", 3 * day),
            (2, "A", 1),
            (3, "A", 3 * day),
            (3, "B", 3 * day + 5),
            (3, "A", 10 * day),
        ]
    )
    res = conversion_over_time(ev, ["A", "B"], grain="week")
    assert res.rows() == [
        (dt.date(2025, 2, 24), "A", 2, 1.0),
        (dt.date(2025, 2, 24), "B", 1, 0.5),
        (dt.date(2025, 3, 3), "A", 1, 1.0),
        (dt.date(2025, 3, 3), "B", 1, 1.0),
    ]
    daily = conversion_over_time(ev, ["A", "B"], grain="day", window=dt.timedelta(days=1))
    assert daily.filter(pl.col("period") == dt.date(2025, 3, 1))["users"].to_list() == [2, 0]


def test_compare_periods_uses_two_proportion_test() -> None:
    from kpi.abtest import compare

    cur = pl.DataFrame(
        {
            "step": ["A", "B"],
            "users": [1000, 150],
            "conversion": [1.0, 0.15],
            "step_conversion": [1.0, 0.15],
        }
    )
    prev = pl.DataFrame(
        {
            "step": ["A", "B"],
            "users": [1000, 100],
            "conversion": [1.0, 0.10],
            "step_conversion": [1.0, 0.10],
        }
    )
    res = compare_periods(cur, prev)
    row = res.row(1, named=True)
    assert row["abs_change"] == pytest.approx(0.05)
    assert row["rel_change"] == pytest.approx(0.5)
    expected = compare(100, 1000, 150, 1000)
    assert row["p_value"] == pytest.approx(expected.p_value)
    # independent pooled z-test
    from scipy.stats import norm

    p = 250 / 2000
    z = 0.05 / (p * (1 - p) * 2 / 1000) ** 0.5
    assert row["p_value"] == pytest.approx(2 * norm.sf(z), rel=1e-6)
    assert row["significant"] is True


def test_time_to_convert_histogram() -> None:
    rows = []
    for u, minutes in enumerate([1, 2, 2, 9, 10]):
        rows += [(u, "A", 0), (u, "B", minutes)]
    rows.append((99, "A", 0))
    hist = time_to_convert(log(rows), ["A", "B"], bins=[0, 180, 600, 1200])
    # 60, 120, 120 | 540 | 600 s (the last bin includes its end)
    assert hist.get_column("users").to_list() == [3, 1, 1]
    assert hist.get_column("share").to_list() == [0.6, 0.2, 0.2]
    auto = time_to_convert(log(rows), ["A", "B"], bins=2)
    assert auto.get_column("bin_end").to_list() == [300.0, 600.0]
    assert auto.get_column("users").to_list() == [3, 2]


def test_insights_name_biggest_drop_and_weakest_segment() -> None:
    res = pl.DataFrame(
        {
            "device": ["Desktop"] * 4 + ["Mobile"] * 4,
            "step": ["home", "search", "payment", "confirmation"] * 2,
            "users": [60200, 30100, 3010, 150, 30200, 15100, 3020, 302],
        }
    ).with_columns(
        conversion=pl.col("users") / pl.col("users").first().over("device"),
        step_conversion=pl.col("users") / pl.col("users").shift(1).over("device"),
    )
    facts = insights(res)
    assert [f.code for f in facts] == [
        "funnel.insight.biggest_drop",
        "funnel.insight.overall",
        "funnel.insight.weakest",
        "funnel.insight.strongest",
    ]
    drop = facts[0]
    assert (drop["from_step"], drop["to_step"], drop["before"], drop["after"]) == (
        "payment",
        "confirmation",
        6030,
        452,
    )
    assert drop["rate"] == pytest.approx((6030 - 452) / 6030)
    assert facts[1]["rate"] == pytest.approx(452 / 90400)
    assert (facts[2]["segment"], facts[3]["segment"]) == ("Desktop", "Mobile")
    assert facts[2]["rate"] == pytest.approx(150 / 60200)
    assert facts[3]["rate"] == pytest.approx(302 / 30200)
    assert render(drop, "en") == (
        "The biggest drop-off is from payment to confirmation: 92.5% of users are lost "
        "(6,030 → 452)."
    )
    assert render(drop, "fr") == (
        "Principal point de friction, de payment à confirmation\u00a0: 92,5\u00a0% des "
        "utilisateurs abandonnent (6\u202f030 → 452)."
    )
    assert render(facts[2], "en").startswith("Desktop converts 0.25% vs 0.50% overall")
    assert render(facts[3], "fr").startswith("Mobile convertit 1,00\u00a0% contre 0,50\u00a0%")


def test_default_step_order() -> None:
    ev = log(
        [
            (1, "purchase", 5),
            (1, "Add to cart", 3),
            (1, "page_view", 0),
            (2, "page_view", 0),
            (1, "view_item", 1),
        ]
    )
    assert default_step_order(ev) == ["page_view", "view_item", "Add to cart", "purchase"]
    ev2 = log([(1, "x", 2), (1, "y", 1), (2, "y", 3), (1, "z", 0)])
    assert default_step_order(ev2) == ["y", "z", "x"]


def test_definitions() -> None:
    assert set(DEFINITIONS) == {"conversion", "step_conversion", "drop_off", "time_to_convert"}
    assert all(isinstance(d, Definition) and d.stage == "funnel" for d in DEFINITIONS.values())


# ---------------------------------------------------------------- DuckDB SQL formulation


def duckdb_levels(ev: pl.DataFrame, steps: list[str], window_s: int) -> dict[int, int]:
    """Greedy ASOF formulation: from every step-1 event, the earliest next step event."""
    duckdb = pytest.importorskip("duckdb")
    con = duckdb.connect()
    first = _tie_key(steps)
    pos = pl.DataFrame({"step": list(first), "pos": list(first.values())})
    con.register("raw", ev.join(pos, on="step").to_arrow())
    con.execute(
        "CREATE TABLE e AS SELECT user_id, step, ts, row_number() OVER (PARTITION BY user_id ORDER BY ts, pos) AS rn FROM raw"
    )
    sql = [f"CREATE TABLE c0 AS SELECT user_id, ts AS start, rn FROM e WHERE step = '{steps[0]}'"]
    for j in range(1, len(steps)):
        sql.append(
            f"CREATE TABLE c{j} AS SELECT c.user_id, c.start, n.rn FROM c{j - 1} c ASOF JOIN "
            f"(SELECT * FROM e WHERE step = '{steps[j]}') n ON c.user_id = n.user_id AND n.rn > c.rn "
            f"WHERE n.ts - c.start <= INTERVAL {window_s} SECOND"
        )
    for s in sql:
        con.execute(s)
    union = " UNION ALL ".join(
        f"SELECT user_id, {j + 1} AS lvl FROM c{j}" for j in range(len(steps))
    )
    rows = con.execute(f"SELECT user_id, max(lvl) FROM ({union}) GROUP BY user_id").fetchall()
    return dict(rows)


def test_agrees_with_duckdb_sql_on_generated_log() -> None:
    rng = random.Random(42)
    n = 20_000
    steps = ["visit", "view", "cart", "pay"]
    rows = [
        (rng.randrange(3000), rng.choice([*steps, "visit", "view", "other"]), rng.randrange(5000))
        for _ in range(n)
    ]
    ev = log(rows)
    window = dt.timedelta(minutes=600)
    ref = duckdb_levels(ev, steps, 600 * 60)
    prog = user_progress(ev, steps, window=window)
    got = {u: lv for u, lv in prog.iter_rows() if lv > 0}
    assert got == ref
    assert users_of(funnel(ev, steps, window=window)) == [
        sum(1 for v in ref.values() if v > j) for j in range(4)
    ]


# ---------------------------------------------------------------- ties: every ordering of tied events


def _orderings(evs: list[tuple]) -> list[list[tuple]]:
    """Every way to order events at equal timestamps (distinct step sequences only), the
    timestamps themselves kept in order. ``evs``: (t, step) sorted by t."""
    groups: dict = {}
    for t, s in evs:
        groups.setdefault(t, []).append(s)
    out: list[list[tuple]] = [[]]
    for t in sorted(groups):
        perms = set(itertools.permutations(groups[t]))
        out = [done + [(t, s) for s in p] for done in out for p in perms]
    return out


def _best_strict(seq: list[tuple], sub: list[str], window_min) -> tuple[int, list]:
    """Strict-order funnel on one ordering: best (level, start time, step times) over every
    start, greedy earliest next event (each event used once)."""
    best: tuple = (0, None, [])
    for i, (t0, s) in enumerate(seq):
        if s != sub[0]:
            continue
        chain, pos = [t0], i
        while len(chain) < len(sub):
            nxt = next((q for q in range(pos + 1, len(seq)) if seq[q][1] == sub[len(chain)]), None)
            if nxt is None or (window_min is not None and seq[nxt][0] - t0 > window_min):
                break
            chain.append(seq[nxt][0])
            pos = nxt
        key = (len(chain), t0)
        if best[1] is None or key > (best[0], best[1]):
            best = (len(chain), t0, chain)
        elif key == (best[0], best[1]):
            best = (best[0], best[1], [min(a, b) for a, b in zip(best[2], chain, strict=True)])
    return best


def ref_ties(rows, steps, window_min, open_funnel=False) -> dict:
    """Per user: (entry, level, step times) trying every ordering of tied events and keeping
    the best (highest level, then latest start, then earliest step times). Open funnel: the
    entry is the earliest listed step among the user's earliest events."""
    per: dict = {}
    for u, s, t in rows:
        per.setdefault(u, [])
        if s in steps:
            per[u].append((t, s))
    out = {}
    for u, evs in per.items():
        evs.sort()
        if not evs:
            out[u] = (0, 0, [])
            continue
        entry = 0
        if open_funnel:
            entry = min(steps.index(s) for t, s in evs if t == evs[0][0])
        best: tuple = (0, None, [])
        for seq in _orderings(evs):
            lv, t0, chain = _best_strict(seq, steps[entry:], window_min)
            if lv == 0:
                continue
            if best[1] is None or (lv, t0) > (best[0], best[1]):
                best = (lv, t0, chain)
            elif (lv, t0) == (best[0], best[1]):
                best = (lv, t0, [min(a, b) for a, b in zip(best[2], chain, strict=True)])
        out[u] = (entry, best[0], best[2])
    return out


tied_rows = st.lists(
    st.tuples(st.integers(0, 3), st.sampled_from("ABCX"), st.integers(0, 4)), max_size=18
)
tied_steps = st.lists(st.sampled_from("ABC"), min_size=1, max_size=4)
tied_windows = st.one_of(st.none(), st.integers(0, 3))


@settings(max_examples=150, deadline=None)
@given(rows=tied_rows, steps=tied_steps, window=tied_windows)
def test_ties_take_the_order_that_lets_the_user_progress(rows, steps, window) -> None:
    """Many events at equal times and repeated steps: the kernel equals the best over every
    ordering of the tied events (levels, counts, best-attempt step times)."""
    ev = log(rows)
    w = None if window is None else dt.timedelta(minutes=window)
    ref = ref_ties(rows, steps, window)
    prog = user_progress(ev, steps, window=w, with_times=True)
    got = {}
    for row in prog.iter_rows(named=True):
        n = row["steps_reached"]
        times = [(row[f"ts_{j + 1}"] - T0) / dt.timedelta(minutes=1) for j in range(n)]
        got[row["user_id"]] = (0, n, times)
    assert got == ref
    expect = [sum(1 for _, lv, _ in ref.values() if lv > j) for j in range(len(steps))]
    assert users_of(funnel(ev, steps, window=w)) == expect
    # the open funnel on the same data
    ref_open = ref_ties(rows, steps, window, open_funnel=True)
    expect_open = [
        sum(1 for e, lv, _ in ref_open.values() if lv and e <= j < e + lv)
        for j in range(len(steps))
    ]
    assert users_of(funnel(ev, steps, window=w, open_funnel=True)) == expect_open


def test_tie_after_the_first_step_lets_the_user_reach_a_repeated_step() -> None:
    """PostHog's case: A at t, then B and A both at t+1 s: A → B → A is reached."""
    t = dt.datetime(2025, 3, 1, 12)
    ev = pl.DataFrame(
        {
            "user_id": [1, 1, 1],
            "step": ["A", "B", "A"],
            "ts": [t, t + dt.timedelta(seconds=1), t + dt.timedelta(seconds=1)],
        }
    )
    assert users_of(funnel(ev, ["A", "B", "A"])) == [1, 1, 1]
    # whatever the row order of the file
    assert users_of(funnel(ev.reverse(), ["A", "B", "A"])) == [1, 1, 1]
    # the tied pair cannot serve both orders at once: B, A, B needs a second B
    assert users_of(funnel(ev, ["A", "B", "A", "B"])) == [1, 1, 1, 0]
    # a window of exactly one second still counts; with none, only the tied pair is left
    # (A, B at t+1 s) and one A cannot be steps 1 and 3
    assert users_of(funnel(ev, ["A", "B", "A"], window=dt.timedelta(seconds=1))) == [1, 1, 1]
    assert users_of(funnel(ev, ["A", "B", "A"], window=dt.timedelta(0))) == [1, 1, 0]


# ---------------------------------------------------------------- open funnel, any order


def ref_open_any(rows, steps, window_min) -> list[int]:
    """Brute force: entry = first listed step the user did; from every event as the start of
    an interval [t0, t0 + window], the longest run entry..k held by the interval's events."""
    per: dict = {}
    for u, s, t in rows:
        if s in steps:
            per.setdefault(u, []).append((t, s))
    counts = [0] * len(steps)
    for evs in per.values():
        entry = min(steps.index(s) for _, s in evs)
        best = entry
        for t0, _ in evs:
            end = t0 + window_min if window_min is not None else float("inf")
            inside = [s for t, s in evs if t0 <= t <= end]
            level = entry
            for k in range(entry, len(steps)):
                need = steps[entry : k + 1]
                if all(inside.count(n) >= need.count(n) for n in set(need)):
                    level = k + 1
                else:
                    break
            best = max(best, level)
        for j in range(entry, best):
            counts[j] += 1
    return counts


@settings(max_examples=120, deadline=None)
@given(rows=event_rows, steps=step_lists, window=windows)
def test_open_any_order_matches_brute_force(rows, steps, window) -> None:
    ev = log(rows)
    w = None if window is None else dt.timedelta(minutes=window)
    assert users_of(funnel(ev, steps, window=w, order="any", open_funnel=True)) == ref_open_any(
        rows, steps, window
    )
    if window is None:  # without a window it is the open membership funnel
        assert users_of(funnel(ev, steps, order="any", open_funnel=True)) == users_of(
            funnel(ev.drop("ts"), steps, open_funnel=True)
        )


def test_open_any_order_is_not_ignored() -> None:
    """User 1 did only B and C (any order): an open funnel counts them from B; a closed one
    does not count them at all."""
    ev = log([(1, "C", 0), (1, "B", 1), (2, "A", 0), (2, "C", 1), (2, "B", 2), (3, "A", 0)])
    assert users_of(funnel(ev, ["A", "B", "C"], order="any")) == [2, 1, 1]
    assert users_of(funnel(ev, ["A", "B", "C"], order="any", open_funnel=True)) == [2, 2, 2]
    # user 1 entered at B: their C counts only when it is in one window with B
    assert users_of(
        funnel(ev, ["A", "B", "C"], order="any", open_funnel=True, window=dt.timedelta(0))
    ) == [2, 1, 0]
    prog = user_progress(ev, ["A", "B", "C"], order="any", open_funnel=True)
    assert dict(zip(prog["user_id"], prog["entry_step"], strict=True)) == {1: 2, 2: 1, 3: 1}


# ---------------------------------------------------------------- first touch


@settings(max_examples=80, deadline=None)
@given(
    rows=st.lists(
        st.tuples(
            st.integers(0, 5),
            st.sampled_from("ABCX"),
            st.integers(0, 3),
            st.sampled_from(["mobile", "desktop"]),
        ),
        max_size=30,
    ),
    steps=st.lists(st.sampled_from("ABC"), min_size=1, max_size=3),
    timed=st.booleans(),
)
def test_segment_is_the_first_rows_value(rows, steps, timed) -> None:
    """A user's segment is the one on their first row: the earliest event, the file's first
    row among equal times; without timestamps (membership funnel) simply the first row."""
    ev = log(rows) if rows else log([(0, "X", 0, "mobile")]).head(0)
    if not timed:
        ev = ev.drop("ts")
    res = funnel(ev, steps, by=["device"])
    first: dict = {}
    for i, (u, _, t, d) in enumerate(rows):
        key = (t, i) if timed else (i,)
        if u not in first or key < first[u][0]:
            first[u] = (key, d)
    levels = ref_ties([r[:3] for r in rows], steps, None) if timed else None
    expect = {}
    for u, (_, d) in first.items():
        if timed:
            lv = levels[u][1]
        else:
            done = [r[1] for r in rows if r[0] == u]
            lv = 0
            while lv < len(steps) and all(
                done.count(n) >= steps[: lv + 1].count(n) for n in set(steps[: lv + 1])
            ):
                lv += 1
        for j in range(len(steps)):
            expect[(d, j)] = expect.get((d, j), 0) + (lv > j)
    got = {
        (d, j % len(steps)): n for j, (d, n) in enumerate(res.select("device", "users").iter_rows())
    }
    assert got == expect


def test_membership_segment_is_first_row_not_first_step() -> None:
    ev = pl.DataFrame(
        {
            "user_id": [1, 1, 2, 2],
            "step": ["B", "A", "A", "B"],
            "device": ["mobile", "desktop", "desktop", "mobile"],
        }
    )
    res = funnel(ev, ["A", "B"], by=["device"])
    assert res.select("device", "step", "users").rows() == [
        ("desktop", "A", 1),
        ("desktop", "B", 1),
        ("mobile", "A", 1),
        ("mobile", "B", 1),
    ]


def test_large_tie_group_with_many_steps_takes_the_unpacked_counts() -> None:
    """One timestamp holding 80 events of 11 steps (too many to pack the per-step counts
    into one 62-bit number): steps A..K then A again are reached when A appears twice."""
    steps = [*"ABCDEFGHIJK", "A"]
    rows = [(1, s, 5) for s in "ABCDEFGHIJK"] + [(1, "B", 5)] * 69
    assert users_of(funnel(log(rows), steps)) == [1] * 11 + [0]
    rows.append((1, "A", 5))
    assert users_of(funnel(log(rows), steps)) == [1] * 12
    # and an A one minute earlier serves as step 1 just as well
    assert users_of(funnel(log([*rows[:-1], (1, "A", 4)]), steps)) == [1] * 12


def test_insights_without_any_drop_off_do_not_name_a_biggest_one() -> None:
    """Everyone at every step: 'the biggest drop-off ... 0.00 % of users are lost' read as a
    finding (a 5,000-column test file); it says no user is lost."""
    res = pl.DataFrame({"step": ["view", "cart", "purchase"], "users": [50, 50, 50]}).with_columns(
        conversion=pl.col("users") / 50, step_conversion=pl.lit(1.0)
    )
    facts = insights(res)
    assert facts[0] == Fact("funnel.insight.no_loss", users=50)
    assert not any("biggest" in f.code for f in facts)
    assert str(facts[0]) == "No user is lost between the steps (50 at every step)."
    assert str(facts[1]) == "Overall, 100.0% of users who did view reached purchase (50 of 50)."
    assert render(facts[1], "fr") == (
        "Au total, 100,0\u00a0% des utilisateurs passés par view ont atteint purchase (50 sur 50)."
    )
