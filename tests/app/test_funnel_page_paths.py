"""The Funnel page's cheaper paths give what they replace: the "did the last step" counts by
one group-by (pages/_ui/funnel_counts.did_last) equal funnel.funnel(..., order="any") on the two
steps, and the tracking gaps from every step's daily users (pages/_ui/gaps.tracking_gaps)
equal kpi.gaps.gaps_in_events on the funnel's steps."""

from __future__ import annotations

import datetime as dt
import itertools

import numpy as np
import polars as pl
import pytest

from kpi import funnel, gaps
from pages._ui import gaps as gap_notes
from pages._ui import state
from pages._ui.funnel_counts import did_last

STEPS = ["visit", "view", "cart", "buy"]


def _events(seed: int, n: int = 4000, *, ts: bool = True) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    users = [f"u{i}" if i % 37 else None for i in rng.integers(0, 600, n)]
    steps = rng.choice([*STEPS, "other"], n).tolist()
    frame = pl.DataFrame({"user_id": users, "step": steps})
    if ts:
        base = dt.datetime(2025, 3, 1)
        times = [
            None if i % 53 == 0 else base + dt.timedelta(minutes=int(m))
            for i, m in enumerate(rng.integers(0, 60 * 24 * 40, n))
        ]
        frame = frame.with_columns(pl.Series("ts", times, dtype=pl.Datetime("us")))
    return frame


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("with_ts", [True, False], ids=["timed", "untimed"])
def test_did_last_is_the_any_order_funnel_of_the_two_steps(seed, with_ts):
    events = _events(seed, ts=with_ts)
    for last, before in itertools.permutations([*STEPS, "missing"], 2):
        expected = funnel.funnel(events, [last, before], order="any")["users"].to_list()
        assert did_last(events, last, before) == (expected[0], expected[1]), (last, before)
    cat = events.with_columns(pl.col("step").cast(pl.Categorical))
    expected = funnel.funnel(cat, ["buy", "cart"], order="any")["users"].to_list()
    assert did_last(cat, "buy", "cart") == tuple(expected)
    expected = funnel.funnel(events, ["buy", "buy"], order="any")["users"].to_list()
    assert did_last(events, "buy", "buy") == tuple(expected)


def _with_hole(events: pl.DataFrame) -> pl.DataFrame:
    """``cart`` not tracked for ten days in the middle of the log."""
    hole = pl.col("ts").is_between(dt.datetime(2025, 3, 15), dt.datetime(2025, 3, 25))
    return events.filter(~((pl.col("step") == "cart") & hole))


def test_gaps_from_every_steps_daily_users_are_the_funnels_own():
    events = _with_hole(_events(7, n=20_000)).filter(pl.col("user_id").is_not_null())
    names = events["step"].drop_nulls().unique().to_list()
    daily = gaps.daily_counts_from_events(events, names)
    found_any = False
    for k in (2, 3, 4):
        for steps in itertools.permutations(STEPS, k):
            expected = gaps.gaps_in_events(events, steps)
            found_any = found_any or bool(expected)
            assert gap_notes.tracking_gaps(daily, steps) == expected, steps
    assert found_any  # the hole is seen: the comparison is not only of empty lists


def test_gaps_on_the_demo_data_are_the_funnels_own():
    _files, (ds, _) = state.preload_demo()
    names = ds.events["step"].cast(pl.String).drop_nulls().unique().to_list()
    daily = gaps.daily_counts_from_events(ds.events, names)
    for steps in (tuple(ds.steps), tuple(ds.steps[:3]), tuple(reversed(ds.steps))):
        assert gap_notes.tracking_gaps(daily, steps) == gaps.gaps_in_events(ds.events, steps)


def test_the_data_and_funnel_pages_draw_their_gaps_on_the_demo_data():
    """The demo's data-wide results are computed under one server lock: the gaps' daily
    counts are their own entry, not computed inside the gaps' (which would wait forever)."""
    from streamlit.testing.v1 import AppTest

    from tests.app.conftest import ROOT, errors_and_exceptions

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params["lang"] = "en"
    at.run()
    for page in ("pages/data_view.py", "pages/funnel_view.py", "pages/data_view.py"):
        at.switch_page(page).run()
        assert errors_and_exceptions(at) == []
