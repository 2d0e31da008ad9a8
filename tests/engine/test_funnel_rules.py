"""Exclusion steps and per-step windows in an engine (kpi.engine.funnel_rules): polars
LazyFrame, DuckDB and Spark give the upload route's funnel (kpi.funnel.funnel_table with the
same rules), by segment and in a date range; a hand-checked case on every engine."""

from __future__ import annotations

import datetime as dt
import random

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from kpi.engine.frame import from_native
from kpi.engine.funnel import funnel_by, funnel_table
from kpi.errors import InputError
from kpi.filters import Filters
from kpi.funnel import funnel_table as polars_funnel_table
from kpi.schema import TableInput, build_dataset
from kpi.settings import Exclusion, StepWindow

T0 = dt.datetime(2024, 3, 1, 9, 0)
MIN = dt.timedelta(minutes=1)
STEPS = ["home", "view", "cart", "buy"]
EXCL = (Exclusion("faq", "view", "buy"), Exclusion("error", "home", "view"))
WINDOWS = (StepWindow("cart", 20, "minutes"), StepWindow("buy", 1, "hours"))


def generated_log(seed: int, n_users: int = 300) -> pl.DataFrame:
    """Users with ties (whole minutes), events outside the funnel (faq, error) between steps,
    several attempts, segment values on the first event."""
    rng = random.Random(seed)
    rows = []
    for u in range(n_users):
        device = rng.choice(["desktop", "mobile", None])
        start = T0 + dt.timedelta(days=rng.randint(0, 30), minutes=rng.randint(0, 600))
        rows.append((f"u{u:04d}", "home", start, device))
        for _ in range(rng.randint(1, 9)):
            ts = start + rng.randint(0, 90) * MIN
            step = rng.choice(["home", "view", "cart", "buy", "faq", "error", "view", "cart"])
            rows.append((f"u{u:04d}", step, ts + MIN, None))
    return pl.DataFrame(
        rows,
        schema={
            "user_id": pl.String,
            "step": pl.String,
            "ts": pl.Datetime("us"),
            "device": pl.String,
        },
        orient="row",
    )


def polars_route(events, steps, *, filters=None, by=(), **kw) -> pl.DataFrame:
    ds = build_dataset([TableInput("events.csv", events)])
    view = (filters or Filters()).apply(ds)
    return polars_funnel_table(view.events_with(list(by)), steps, by=by, **kw)


CASES = [
    {"exclusions": EXCL},
    {"step_windows": WINDOWS},
    {"exclusions": EXCL, "step_windows": WINDOWS, "window": dt.timedelta(minutes=45)},
]


@pytest.mark.parametrize("backend", ["polars", "duckdb"])
@pytest.mark.parametrize("kw", CASES)
def test_rules_equal_the_upload_route(backend, kw, to_native) -> None:
    events = generated_log(3)
    table = from_native(to_native(events, backend), segments=["device"])
    got = funnel_table(table, STEPS, **kw)
    want = polars_route(events, STEPS, **kw)
    assert_frame_equal(got, want)
    plain = polars_route(events, STEPS, window=kw.get("window"))
    assert got["users"].to_list() != plain["users"].to_list()  # the rules change the counts
    f = Filters(start=dt.date(2024, 3, 5), end=dt.date(2024, 3, 20))
    by = funnel_table(table, STEPS, filters=f, by=["device"], **kw)
    assert_frame_equal(by, polars_route(events, STEPS, filters=f, by=["device"], **kw))


WHOLE = (Exclusion("faq", "home", "buy"), Exclusion("error", "home", "buy"))
MORE = [
    {"open_funnel": True, "exclusions": EXCL},
    {"open_funnel": True, "step_windows": WINDOWS, "window": dt.timedelta(minutes=45)},
    {"open_funnel": True, "exclusions": EXCL, "step_windows": WINDOWS},
    {"order": "any", "exclusions": WHOLE},
    {"order": "any", "exclusions": WHOLE[:1], "window": dt.timedelta(minutes=30)},
]


@pytest.mark.parametrize("backend", ["polars", "duckdb"])
@pytest.mark.parametrize("kw", MORE)
def test_open_and_any_order_rules_equal_the_upload_route(backend, kw, to_native) -> None:
    """Open funnels (the rules between the steps the user did) and any order (whole-funnel
    exclusions): the engine's counts are the upload's, overall, by segment, in a date range,
    and the users an exclusion took out early."""
    from kpi.engine.funnel import ruled_counts
    from kpi.funnel import funnel_progress
    from kpi.funnel.prepare import _window_us

    events = generated_log(6)
    table = from_native(to_native(events, backend), segments=["device"])
    got = funnel_table(table, STEPS, **kw)
    assert_frame_equal(got, polars_route(events, STEPS, **kw))
    plain = {k: v for k, v in kw.items() if k in ("order", "open_funnel", "window")}
    assert got["users"].to_list() != polars_route(events, STEPS, **plain)["users"].to_list()
    f = Filters(start=dt.date(2024, 3, 5), end=dt.date(2024, 3, 20))
    by = funnel_table(table, STEPS, filters=f, by=["device"], **kw)
    assert_frame_equal(by, polars_route(events, STEPS, filters=f, by=["device"], **kw))
    if kw.get("exclusions"):
        counts = ruled_counts(
            table, STEPS, _window_us(kw.get("window")), None, [], kw.get("order", "sequential"),
            kw.get("open_funnel", False), kw["exclusions"], kw.get("step_windows", ()),
        )  # fmt: skip
        assert counts is not None
        excluded = int(counts.filter(pl.col("_free") > pl.col("_lvl"))["_n"].sum())
        progress = funnel_progress(events, STEPS, **kw)
        assert excluded == progress.excluded() > 0


@pytest.mark.parametrize("kw", [MORE[2], MORE[3]])
def test_spark_open_and_any_order_rules(kw, to_native) -> None:
    events = generated_log(7, n_users=120)
    table = from_native(to_native(events, "spark"), segments=["device"])
    assert_frame_equal(funnel_table(table, STEPS, **kw), polars_route(events, STEPS, **kw))


def test_any_order_refuses_partial_exclusions_and_step_windows(to_native) -> None:
    table = from_native(to_native(generated_log(4), "duckdb"))
    with pytest.raises(InputError) as e:
        funnel_table(table, STEPS, order="any", exclusions=EXCL)
    assert e.value.message.code == "funnel_rules.skip.any_partial"
    with pytest.raises(InputError) as e:
        funnel_table(table, STEPS, order="any", step_windows=WINDOWS)
    assert e.value.message.code == "funnel_rules.skip.any_window"
    with pytest.raises(InputError) as e:
        funnel_table(table, STEPS, order="any", open_funnel=True, exclusions=WHOLE)
    assert e.value.message.code == "funnel_rules.error.any_open"


def hand_log() -> pl.DataFrame:
    """a: home 0, view 1, faq 2, cart 3, buy 4 -> the faq between view and buy ends the path
    at view (2 steps). b: home 0, view 1, cart 30 (29 min after view > 20): 2 steps. c: home 0,
    view 1, cart 5, buy 50 (45 min <= 1 h): 4 steps. d: home 0, error 1, view 2: the error
    between home and view: 1 step."""
    rows = [
        ("a", "home", 0), ("a", "view", 1), ("a", "faq", 2), ("a", "cart", 3), ("a", "buy", 4),
        ("b", "home", 0), ("b", "view", 1), ("b", "cart", 30),
        ("c", "home", 0), ("c", "view", 1), ("c", "cart", 5), ("c", "buy", 50),
        ("d", "home", 0), ("d", "error", 1), ("d", "view", 2),
    ]  # fmt: skip
    return pl.DataFrame(
        {
            "user_id": [r[0] for r in rows],
            "step": [r[1] for r in rows],
            "ts": [T0 + r[2] * MIN for r in rows],
        }
    )


@pytest.mark.parametrize("backend", ["polars", "duckdb", "spark"])
def test_hand_checked_on_every_engine(backend, to_native) -> None:
    table = from_native(to_native(hand_log(), backend))
    got = funnel_table(table, STEPS, exclusions=EXCL, step_windows=WINDOWS)
    assert got["users"].to_list() == [4, 3, 1, 1]  # a, b, c at view; only c at cart and buy
    assert got["drop_off"].to_list()[1:] == [1, 2, 0]
    assert_frame_equal(
        got, polars_funnel_table(hand_log(), STEPS, exclusions=EXCL, step_windows=WINDOWS)
    )


@pytest.mark.parametrize("kw", CASES[1:])
def test_spark_equals_the_upload_route(kw, to_native) -> None:
    events = generated_log(5, n_users=120)
    table = from_native(to_native(events, "spark"), segments=["device"])
    assert_frame_equal(funnel_table(table, STEPS, **kw), polars_route(events, STEPS, **kw))


def test_breakdown_and_refusals(to_native) -> None:
    events = generated_log(4)
    table = from_native(to_native(events, "duckdb"), segments=["device"])
    got = funnel_by(table, STEPS, "device", exclusions=EXCL)
    assert got is not None
    total = got.filter(pl.col("step") == "view")["users"].sum()
    assert total == polars_route(events, STEPS, exclusions=EXCL)["users"][1]
    with pytest.raises(InputError):
        funnel_table(table, STEPS, order="any", exclusions=EXCL)
