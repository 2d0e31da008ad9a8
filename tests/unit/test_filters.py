"""The view state: filters -> polars expressions, previous period, sentence (Datasette style)."""

from __future__ import annotations

from datetime import date, datetime

import polars as pl
import pytest

from kpi.dataset import Dataset
from kpi.filters import Filters, date_bounds


@pytest.mark.parametrize(
    ("start", "end", "prev_start", "prev_end"),
    [
        (date(2025, 11, 1), date(2025, 11, 30), date(2025, 10, 1), date(2025, 10, 31)),
        (date(2025, 3, 1), date(2025, 4, 30), date(2025, 1, 1), date(2025, 2, 28)),
        (date(2025, 1, 1), date(2025, 1, 31), date(2024, 12, 1), date(2024, 12, 31)),
        (date(2025, 11, 3), date(2025, 11, 9), date(2025, 10, 27), date(2025, 11, 2)),
        (date(2025, 11, 2), date(2025, 11, 30), date(2025, 10, 4), date(2025, 11, 1)),
    ],
    ids=["month", "two-months", "january", "week", "29-days"],
)
def test_previous_period(start, end, prev_start, prev_end):
    prev = Filters(start, end).previous()
    assert (prev.start, prev.end) == (prev_start, prev_end)


def test_previous_needs_a_full_range():
    assert Filters().previous() is None
    assert Filters(start=date(2025, 1, 1)).previous() is None


@pytest.mark.parametrize(
    ("filters", "sentence"),
    [
        (Filters(), "all users, whole period"),
        (Filters(segments={"device": ["mobile"]}), "device: mobile"),
        (
            Filters(date(2025, 9, 1), date(2025, 9, 30), {"channel": ["email", "social"]}),
            "channel: email, social; 2025-09-01 to 2025-09-30",
        ),
        (Filters(segments={"device": []}), "all users, whole period"),
    ],
)
def test_describe(filters, sentence):
    assert filters.describe() == sentence


DS = Dataset(
    events=pl.DataFrame(
        {
            "user_id": ["a", "a", "b", "c"],
            "step": ["view", "buy", "view", "view"],
            "ts": [
                datetime(2025, 1, 1, 10),
                datetime(2025, 2, 1, 10),
                datetime(2025, 1, 31, 23, 59),
                datetime(2025, 2, 2),
            ],
        }
    ),
    users=pl.DataFrame({"user_id": ["a", "b", "c"], "device": ["mobile", None, "desktop"]}),
    segments=("device",),
)


def test_apply_dates_are_inclusive_days_and_users_follow_events():
    view = Filters(date(2025, 1, 1), date(2025, 1, 31)).apply(DS)
    assert sorted(view.events["user_id"]) == ["a", "b"]  # 23:59 on the last day is inside
    assert sorted(view.users["user_id"]) == ["a", "b"]


def test_apply_segments_including_missing_values():
    mobile = Filters(segments={"device": ["mobile"]}).apply(DS)
    assert mobile.users["user_id"].to_list() == ["a"] and mobile.events.height == 2
    none = Filters(segments={"device": ["(none)"]}).apply(DS)
    assert none.users["user_id"].to_list() == ["b"]


def test_date_bounds():
    assert date_bounds(DS) == (date(2025, 1, 1), date(2025, 2, 2))
