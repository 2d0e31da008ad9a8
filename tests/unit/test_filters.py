"""The view state: filters -> polars expressions, previous period, sentence (Datasette style)."""

from __future__ import annotations

from datetime import date, datetime

import polars as pl
import pytest

from kpi.dataset import Dataset
from kpi.filters import (
    Filters,
    LinkMismatch,
    RequestedView,
    date_bounds,
    link_mismatches,
    link_period,
    requested_view,
    segment_param,
)


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


# ---------------------------------------------------------------- a shared link's filters


BOUNDS = (date(2025, 6, 1), date(2025, 11, 30))
AVAILABLE = {"device": ["mobile", "desktop"], "channel": ["email", "organic"], "plan": ["pro"]}


def test_requested_view_reads_the_filter_parameters_only():
    params = {
        "device": ["mobile", "tv"],
        "seg_plan": ["pro"],
        "more_segments": ["plan", "country"],
        "period": ["2025-10-01", "2026-03-31"],
        "fn_steps": ["landing"],  # a page setting, not a filter
        "seg_": ["x"],
        "channel": [""],
    }
    assert requested_view(params) == RequestedView(
        segments={"device": ("mobile", "tv"), "plan": ("pro",)},
        more_segments=("plan", "country"),
        period=("2025-10-01", "2026-03-31"),
    )
    assert [segment_param(s) for s in ("device", "plan", "period")] == [
        "device",
        "seg_plan",
        "seg_period",
    ]


@pytest.mark.parametrize(
    ("requested", "cut", "mismatch"),
    [
        ((), None, None),
        (("2025-07-01", "2025-07-31"), (date(2025, 7, 1), date(2025, 7, 31)), None),
        (("2025-07-01",), (date(2025, 7, 1), date(2025, 11, 30)), None),
        (
            ("2025-10-01", "2026-03-31"),
            None,
            LinkMismatch(
                "period",
                "period_partly_outside",
                ("2025-10-01", "2026-03-31"),
                ("2026-03-31",),
                ("2025-06-01", "2025-11-30"),
                ("2025-10-01", "2025-11-30"),
            ),
        ),
        (
            ("2025-01-15", "2025-06-10"),
            None,
            LinkMismatch(
                "period",
                "period_partly_outside",
                ("2025-01-15", "2025-06-10"),
                ("2025-01-15",),
                ("2025-06-01", "2025-11-30"),
                ("2025-06-01", "2025-06-10"),
            ),
        ),
        (
            ("2024-01-01", "2024-01-31"),
            None,
            LinkMismatch(
                "period",
                "period_outside",
                ("2024-01-01", "2024-01-31"),
                ("2024-01-01", "2024-01-31"),
                ("2025-06-01", "2025-11-30"),
            ),
        ),
        (
            ("garbage",),
            None,
            LinkMismatch(
                "period",
                "period_unreadable",
                ("garbage",),
                ("garbage",),
                ("2025-06-01", "2025-11-30"),
            ),
        ),
        (
            ("2025-09-30", "2025-09-01"),
            None,
            LinkMismatch(
                "period",
                "period_unreadable",
                ("2025-09-30", "2025-09-01"),
                ("2025-09-30", "2025-09-01"),
                ("2025-06-01", "2025-11-30"),
            ),
        ),
    ],
    ids=[
        "none",
        "inside",
        "start-only",
        "beyond-end",
        "before-start",
        "outside",
        "garbage",
        "reversed",
    ],
)
def test_link_period(requested, cut, mismatch):
    assert link_period(requested, BOUNDS) == (cut, mismatch)


def test_link_period_on_data_without_dates():
    assert link_period(("2025-07-01", "2025-07-31"), None) == (
        None,
        LinkMismatch(
            "period", "no_dates", ("2025-07-01", "2025-07-31"), ("2025-07-01", "2025-07-31")
        ),
    )


@pytest.mark.parametrize(
    ("requested", "expected"),
    [
        (RequestedView(segments={"device": ("mobile",), "channel": ("email",)}), []),
        (
            RequestedView(segments={"device": ("tablet",)}),
            [LinkMismatch("device", "no_value", ("tablet",), ("tablet",), ())],
        ),
        (
            RequestedView(segments={"device": ("mobile", "tablet", "tv")}),
            [
                LinkMismatch(
                    "device", "no_value", ("mobile", "tablet", "tv"), ("tablet", "tv"), ("mobile",)
                )
            ],
        ),
        (
            RequestedView(segments={"channel": ("tiktok",), "plan": ("pro",)}),
            [LinkMismatch("channel", "no_value", ("tiktok",), ("tiktok",), ())],
        ),
        (
            RequestedView(segments={"country": ("FR",)}, more_segments=("country", "plan", "age")),
            [
                LinkMismatch("country", "no_column", ("FR",), ("FR",)),
                LinkMismatch("age", "no_column", (), ()),
            ],
        ),
        (
            RequestedView(segments={"device": ("tv",)}, period=("2024-01-01", "2024-01-31")),
            [
                LinkMismatch(
                    "period",
                    "period_outside",
                    ("2024-01-01", "2024-01-31"),
                    ("2024-01-01", "2024-01-31"),
                    ("2025-06-01", "2025-11-30"),
                ),
                LinkMismatch("device", "no_value", ("tv",), ("tv",), ()),
            ],
        ),
    ],
    ids=[
        "all-found",
        "unknown-value",
        "some-unknown",
        "unknown-channel",
        "no-column",
        "period-too",
    ],
)
def test_link_mismatches(requested, expected):
    assert link_mismatches(requested, AVAILABLE, BOUNDS) == expected
