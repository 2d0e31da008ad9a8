"""kpi.funnel.funnel_progress: the progress computed once, tabulated for any users and
breakdown, equals funnel_table / funnel run on those users' events (the reference)."""

from __future__ import annotations

import datetime as dt
import random
import sys
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from kpi.errors import SchemaError
from kpi.funnel import FunnelProgress, funnel, funnel_progress, funnel_table

T0 = dt.datetime(2025, 3, 1, 12, 0, 0)
ROOT = Path(__file__).resolve().parents[2]


def reference(
    events: pl.DataFrame, users: pl.DataFrame | None, by: list[str], steps, **kw
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """funnel_table and funnel on the events of ``users``, with their ``by`` columns joined
    as Dataset.events_with does (a missing text value becomes "(none)")."""
    ev = events
    if users is not None:
        ev = ev.join(users.select("user_id"), on="user_id", how="semi")
        if by:
            ev = ev.join(users.select("user_id", *by), on="user_id", how="left")
            ev = ev.with_columns(
                pl.col(b).fill_null("(none)") for b in by if ev.schema[b] == pl.String
            )
    return funnel_table(ev, steps, by=by, **kw), funnel(ev, steps, by=by, **kw)


def check(events, users, by, steps, **kw) -> None:
    progress = funnel_progress(events, steps, **kw)
    assert isinstance(progress, FunnelProgress)
    want_table, want_funnel = reference(events, users, by, steps, **kw)
    assert_frame_equal(progress.table(users, by), want_table, check_exact=True)
    assert_frame_equal(progress.funnel(users, by), want_funnel, check_exact=True)


@st.composite
def cases(draw):
    n_users = draw(st.integers(1, 8))
    rows = draw(
        st.lists(
            st.tuples(
                st.one_of(st.none(), st.integers(0, n_users - 1))
                if draw(st.booleans())
                else st.integers(0, n_users - 1),
                st.sampled_from("ABCDX"),
                st.one_of(st.integers(0, 30), st.none())
                if draw(st.booleans())
                else st.integers(0, 30),
            ),
            max_size=40,
        )
    )
    steps = draw(st.lists(st.sampled_from("ABCD"), min_size=1, max_size=4))
    order = draw(st.sampled_from(["sequential", "any"]))
    with_ts = draw(st.booleans())
    ts_kind = draw(st.sampled_from(["datetime", "seconds"]))
    window = draw(st.one_of(st.none(), st.integers(0, 20))) if with_ts else None
    open_funnel = draw(st.booleans())
    string_ids = draw(st.booleans())
    # users: a random subset (some without events, some with events but filtered out)
    kept = draw(st.lists(st.integers(0, n_users + 1), unique=True, max_size=n_users + 2))
    devices = draw(
        st.lists(
            st.sampled_from(["mobile", "desktop", None]), min_size=len(kept), max_size=len(kept)
        )
    )
    plans = draw(st.lists(st.sampled_from([1, 2, None]), min_size=len(kept), max_size=len(kept)))
    by = draw(st.sampled_from([[], ["device"], ["plan"], ["device", "plan"]]))
    all_users = draw(st.booleans()) and not by
    return (
        rows,
        steps,
        order,
        with_ts,
        ts_kind,
        window,
        open_funnel,
        string_ids,
        kept,
        devices,
        plans,
        by,
        all_users,
    )


def _frames(rows, with_ts, ts_kind, string_ids, kept, devices, plans):
    ident = (lambda u: None if u is None else f"u{u:03d}") if string_ids else (lambda u: u)
    data: dict = {"user_id": [ident(r[0]) for r in rows], "step": [r[1] for r in rows]}
    if with_ts:
        if ts_kind == "datetime":
            data["ts"] = [None if r[2] is None else T0 + dt.timedelta(minutes=r[2]) for r in rows]
        else:
            data["ts"] = [None if r[2] is None else 60.0 * r[2] + 0.5 for r in rows]
    schema = {
        "user_id": pl.String if string_ids else pl.Int64,
        "step": pl.String,
        **({"ts": pl.Datetime("us") if ts_kind == "datetime" else pl.Float64} if with_ts else {}),
    }
    events = pl.DataFrame(data, schema=schema)
    users = pl.DataFrame(
        {"user_id": [ident(u) for u in kept], "device": devices, "plan": plans},
        schema={"user_id": schema["user_id"], "device": pl.String, "plan": pl.Int64},
    )
    return events, users


@settings(max_examples=400, deadline=None)
@given(case=cases())
def test_table_of_any_users_and_breakdown_equals_funnel_table(case) -> None:
    (rows, steps, order, with_ts, ts_kind, window, open_funnel, string_ids, kept, devices,
     plans, by, all_users) = case  # fmt: skip
    events, users = _frames(rows, with_ts, ts_kind, string_ids, kept, devices, plans)
    w = None if window is None else dt.timedelta(minutes=window)
    kw = {"window": w, "order": order, "open_funnel": open_funnel}
    check(events, None if all_users else users, by, steps, **kw)


def test_one_progress_serves_every_filter_of_a_generated_shop() -> None:
    """The demo shop's model (3,000 users, ~18,000 events): one progress per funnel setting,
    then every segment filter and breakdown the Funnel page offers."""
    sys.path.insert(0, str(ROOT / "data"))
    import make_demo

    saved = make_demo.N_USERS
    make_demo.N_USERS = 3000
    try:
        tables = make_demo.build_tables(11)
    finally:
        make_demo.N_USERS = saved
    events = tables["events"].select(
        "user_id", pl.col("event_name").alias("step"), pl.col("event_time").alias("ts")
    )
    users = tables["users"]
    steps = ["landing", "product_view", "add_to_cart", "checkout", "purchase"]
    rng = random.Random(5)
    settings_ = [
        {"window": None, "order": "sequential", "open_funnel": False},
        {"window": dt.timedelta(hours=1), "order": "sequential", "open_funnel": False},
        {"window": dt.timedelta(days=2), "order": "any", "open_funnel": False},
        {"window": None, "order": "sequential", "open_funnel": True},
    ]
    for kw in settings_:
        progress = funnel_progress(events, steps, **kw)
        for by in ([], ["device"], ["channel"], ["variant", "country"]):
            device = rng.choice(["mobile", "desktop", "tablet"])
            subsets = [users, users.filter(pl.col("device") == device), users.sample(700, seed=3)]
            for sub in subsets:
                want, _ = reference(events, sub, by, steps, **kw)
                assert_frame_equal(progress.table(sub, by), want, check_exact=True)
        assert_frame_equal(progress.table(), funnel_table(events, steps, **kw), check_exact=True)
    # a membership funnel (no timestamps): the page drops ts when the data has none
    plain = events.drop("ts")
    progress = funnel_progress(plain, steps)
    sub = users.filter(pl.col("channel") == "paid_search")
    want, _ = reference(plain, sub, ["device"], steps)
    assert_frame_equal(progress.table(sub, ["device"]), want, check_exact=True)


def test_step_times_and_drop_off_of_a_small_log() -> None:
    """Hand-checked numbers: two users, one breakdown."""
    events = pl.DataFrame(
        {
            "user_id": ["a", "a", "a", "b", "b", "c"],
            "step": ["A", "B", "C", "A", "B", "A"],
            "ts": [T0 + dt.timedelta(minutes=m) for m in (0, 10, 40, 0, 30, 5)],
        }
    )
    users = pl.DataFrame({"user_id": ["a", "b", "c"], "device": ["m", "m", "d"]})
    res = funnel_progress(events, ["A", "B", "C"]).table(users, ["device"])
    m = res.filter(pl.col("device") == "m")
    assert m["users"].to_list() == [2, 2, 1]
    assert m["drop_off"].to_list() == [None, 0, 1]
    assert m["median_from_previous_s"].to_list() == [0.0, 1200.0, 1800.0]
    assert m["median_from_start_s"].to_list() == [0.0, 1200.0, 2400.0]
    assert res.filter(pl.col("device") == "d")["users"].to_list() == [1, 0, 0]


def test_breakdown_needs_the_users_columns() -> None:
    events = pl.DataFrame({"user_id": [1], "step": ["A"]})
    progress = funnel_progress(events, ["A"])
    with pytest.raises(SchemaError, match="device"):
        progress.table(pl.DataFrame({"user_id": [1]}), ["device"])
    with pytest.raises(SchemaError, match="device"):
        progress.table(None, ["device"])


def test_users_ids_of_another_integer_type_are_matched() -> None:
    events = pl.DataFrame({"user_id": [1, 2, 2], "step": ["A", "A", "B"]})
    users = pl.DataFrame({"user_id": pl.Series([2], dtype=pl.Int32), "device": ["m"]})
    res = funnel_progress(events, ["A", "B"]).table(users, ["device"])
    assert res["users"].to_list() == [1, 1]


@pytest.mark.parametrize("with_ts", [False, True])
def test_open_funnel_by_segment_equals_each_segment_alone(with_ts: bool) -> None:
    """Regression: the open membership funnel's per-user rows came out of a group-by in hash
    order and were pasted next to the users in sorted order (segments mixed up)."""
    rng = random.Random(3)
    rows = [(rng.randrange(300), rng.choice("ABCX"), rng.randrange(50)) for _ in range(2000)]
    events = pl.DataFrame(
        {
            "user_id": [r[0] for r in rows],
            "step": [r[1] for r in rows],
            "ts": [T0 + dt.timedelta(minutes=r[2]) for r in rows],
            "device": [["m", "d", "t"][r[0] % 3] for r in rows],
        }
    )
    if not with_ts:
        events = events.drop("ts")
    res = funnel(events, ["A", "B", "C"], by=["device"], open_funnel=True)
    for device in ("d", "m", "t"):
        alone = funnel(events.filter(pl.col("device") == device), ["A", "B", "C"], open_funnel=True)
        got = res.filter(pl.col("device") == device).drop("device")
        assert got["users"].to_list() == alone["users"].to_list()
        assert_frame_equal(got, alone, rel_tol=1e-12)


# ------------------------------------------------------------------ text user ids (hashed)


def _many_users_log(n: int = 120_000, n_users: int = 20_000, seed: int = 1) -> pl.DataFrame:
    """Microsecond times over ~9.5 hours (35 bits of time), so that the hash keeps only 24-25
    top bits: among 20,000 users a few share them (about 6 expected)."""
    rng = random.Random(seed)
    users = [rng.randrange(n_users) for _ in range(n)]
    return pl.DataFrame(
        {
            "user_id": users,
            "step": [rng.choice("ABCX") for _ in range(n)],
            "ts": [T0 + dt.timedelta(microseconds=rng.randrange(2**35)) for _ in range(n)],
            "device": [["m", "d", "t"][u % 3] for u in users],
        }
    )


@pytest.mark.parametrize("window", [None, dt.timedelta(hours=2)])
def test_text_ids_whose_hashes_share_top_bits_equal_integer_ids(window, monkeypatch) -> None:
    import kpi.funnel.prepare as prepare

    ev = _many_users_log()
    text = ev.with_columns(pl.format("usr_{}", pl.col("user_id")))
    # the top bits the sort key keeps are really shared by some users here
    tbits = prepare._bits(
        ev.select(pl.col("ts").max() - pl.col("ts").min()).item() // dt.timedelta(microseconds=1)
    )
    ubits = 62 - tbits - prepare._bits(3)
    tops = text.select(pl.col("user_id").unique().hash() // 2 ** (64 - ubits)).to_series()
    assert ubits >= prepare.HASH_BITS_MIN and tops.n_unique() < text["user_id"].n_unique()
    seen: list[bool] = []
    real = prepare._sorted_hashed
    monkeypatch.setattr(prepare, "_sorted_hashed", lambda *a: seen.append(True) or real(*a))
    for kw in ({"by": ["device"]}, {}):
        want = funnel(ev, ["A", "B", "C"], window=window, **kw)
        assert_frame_equal(funnel(text, ["A", "B", "C"], window=window, **kw), want)
    want = funnel_table(ev, ["A", "B", "C"], window=window)
    assert_frame_equal(funnel_table(text, ["A", "B", "C"], window=window), want)
    assert seen  # the hashed sort did the work


def test_text_ids_take_exact_codes_when_the_key_leaves_too_few_bits(monkeypatch) -> None:
    import kpi.funnel.prepare as prepare

    ev = _many_users_log(20_000, 3_000)
    text = ev.with_columns(pl.format("id-{}", pl.col("user_id")))
    want = funnel(ev, ["A", "B", "C"], by=["device"])
    monkeypatch.setattr(prepare, "HASH_BITS_MIN", 63)
    assert_frame_equal(funnel(text, ["A", "B", "C"], by=["device"]), want)


def test_users_are_told_apart_by_the_second_hash() -> None:
    """Rows sharing the first hash's top bits but not the second hash are two users, sorted
    apart; each user's rows stay in (time, step) order."""
    from kpi.funnel.prepare import _sorted_hashed

    rows = pl.LazyFrame(
        {
            "_u": pl.Series([7, 7, 7, 2**63], dtype=pl.UInt64),  # same top bits but the last
            "_v": pl.Series([5, 1, 5, 3], dtype=pl.UInt64),
            "_p": pl.Series([0, 1, 1, 0], dtype=pl.Int8),
            "_t": [0, 1, 2, 0],
            "_i": [0, 1, 2, 3],
        }
    )
    out = _sorted_hashed(rows, True, 2, 1, pl.Int8, ["_i"])
    assert out["_i"].to_list() == [1, 0, 2, 3]
    assert out["_u"].to_list() == [1, 2, 2, 3]
    assert out["_p"].to_list() == [1, 0, 1, 0] and out["_t"].to_list() == [1, 0, 2, 0]


@settings(max_examples=200, deadline=None)
@given(
    rows=st.lists(
        st.tuples(
            st.integers(0, 5),
            st.sampled_from("ABX"),
            st.one_of(st.none(), st.integers(0, 3)),
            st.sampled_from(["m", "d", None]),
        ),
        max_size=30,
    ),
    text_ids=st.booleans(),
    with_ts=st.booleans(),
)
def test_first_touch_segment_is_the_earliest_event_then_file_order(rows, text_ids, with_ts) -> None:
    """``by`` columns of the events: each user's value on their earliest event (ties: the
    first in the file), checked against a plain polars sort; users per step then match
    funnel run on each segment's users alone."""
    ev = pl.DataFrame(
        {
            "user_id": [f"u{r[0]}" if text_ids else r[0] for r in rows],
            "step": [r[1] for r in rows],
            "ts": [None if r[2] is None else T0 + dt.timedelta(minutes=r[2]) for r in rows],
            "device": [r[3] for r in rows],
        },
        schema_overrides={
            "user_id": pl.String if text_ids else pl.Int64,
            "ts": pl.Datetime("us"),
            "device": pl.String,
        },
    )
    if not with_ts:
        ev = ev.drop("ts")
    kept = ev.filter(pl.col("ts").is_not_null()) if with_ts else ev
    first = (
        kept.with_row_index("_i")
        .sort(["user_id", *(["ts"] if with_ts else []), "_i"])
        .group_by("user_id", maintain_order=True)
        .agg(pl.col("device").first().fill_null("(none)"))
    )
    res = funnel(ev, ["A", "B"], by=["device"])
    for device in first["device"].unique().to_list():
        ids = first.filter(pl.col("device") == device)["user_id"]
        alone = funnel(ev.filter(pl.col("user_id").is_in(ids.implode())), ["A", "B"])
        got = res.filter(pl.col("device") == device)
        assert got["users"].to_list() == alone["users"].to_list()
    assert sorted(res["device"].unique().to_list()) == sorted(first["device"].unique().to_list())


@settings(max_examples=300, deadline=None)
@given(case=cases(), chunk=st.integers(1, 12))
def test_progress_in_groups_of_users_equals_one_pass(case, chunk) -> None:
    """Integer ids beyond ``chunk_events``: the users are split into groups computed one after
    the other (the streaming route's memory bound); the same rows in the same order as one
    pass (the reference), hence the same tables."""
    (rows, steps, order, with_ts, ts_kind, window, open_funnel, _, kept, devices,
     plans, by, _) = case  # fmt: skip
    rows = [(None if r[0] is None else r[0] * 7 - 20, *r[1:]) for r in rows]  # negative ids too
    kept = [u * 7 - 20 for u in kept]
    events, users = _frames(rows, with_ts, ts_kind, False, kept, devices, plans)
    w = None if window is None else dt.timedelta(minutes=window)
    kw = {"window": w, "order": order, "open_funnel": open_funnel}
    one = funnel_progress(events, steps, chunk_events=0, **kw)
    grouped = funnel_progress(events, steps, chunk_events=chunk, **kw)
    assert_frame_equal(grouped.per_user, one.per_user, check_exact=True)
    assert_frame_equal(grouped.table(users, by), one.table(users, by), check_exact=True)
