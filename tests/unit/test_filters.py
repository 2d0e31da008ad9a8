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
from kpi.words import Fact, render


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
    ("filters", "english", "french"),
    [
        (Filters(), "all users, whole period", "tous les utilisateurs, toute la période"),
        (Filters(segments={"device": ["mobile"]}), "device: mobile", "appareil\u00a0: mobile"),
        (
            Filters(date(2025, 9, 1), date(2025, 9, 30), {"channel": ["email", "social"]}),
            "channel: email or social; Sep 1, 2025 to Sep 30, 2025",
            "canal\u00a0: email ou social\u00a0; du 1 sept. 2025 au 30 sept. 2025",
        ),
        (Filters(segments={"device": []}), "all users, whole period", None),
        (
            Filters(start=date(2025, 9, 1), segments={"plan": ["pro"], "device": ["(none)"]}),
            "plan: pro and device: (none); from Sep 1, 2025",
            "plan\u00a0: pro et appareil\u00a0: (aucun)\u00a0; à partir du 1 sept. 2025",
        ),
        (
            Filters(end=date(2025, 12, 1)),
            "all users, until Dec 1, 2025",
            "tous les utilisateurs, jusqu'au 1 déc. 2025",
        ),
    ],
)
def test_describe(filters, english, french):
    assert filters.describe() == filters.describe("en") == str(filters.fact()) == english
    if french is not None:
        assert filters.describe("fr") == french


def test_the_view_is_a_fact_with_raw_values():
    f = Filters(date(2025, 9, 1), date(2025, 9, 30), {"channel": ["**promo**", "Other"]})
    fact = f.fact()
    assert fact.code == "filters.view.segments_period"
    (segment,) = fact["segments"]
    assert segment.code == "filters.segment"
    assert segment["segment"] == Fact("filters.name.channel")
    assert segment["values"] == ["**promo**", Fact("common.other")]
    assert fact["period"] == Fact(
        "filters.period.range", start=date(2025, 9, 1), end=date(2025, 9, 30)
    )
    # a user value shows as typed: escaped in Markdown, untouched in plain text
    assert f.describe("fr", markdown=True).startswith("canal\u00a0: \\*\\*promo\\*\\* ou Autres")
    assert f.describe("en").startswith("channel: **promo** or Other;")


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


# ---------------------------------------------------------------- the link's mismatches in words


@pytest.mark.parametrize(
    ("mismatch", "code", "english", "french"),
    [
        (
            LinkMismatch("device", "no_value", ("tv",), ("tv",), ()),
            "filters.link.no_value.every",
            "The link filters **device** on **tv**, a value this data does not have: showing "
            "every device.",
            "Le lien filtre **appareil** sur **tv**, une valeur absente de ces données\u00a0: la "
            "vue montre toutes les valeurs de appareil.",
        ),
        (
            LinkMismatch(
                "device", "no_value", ("mobile", "tablet", "tv"), ("tablet", "tv"), ("mobile",)
            ),
            "filters.link.no_value.kept",
            "The link filters **device** on **tablet** and **tv**, values this data does not "
            "have: showing **mobile** only.",
            "Le lien filtre **appareil** sur **tablet** et **tv**, des valeurs absentes de ces "
            "données\u00a0: la vue garde **mobile** seulement.",
        ),
        (
            LinkMismatch("plan", "no_column", ("pro",), ("pro",)),
            "filters.link.no_column",
            "The link filters **plan** on **pro**, but this data has no plan column: the view "
            "is not filtered on plan.",
            "Le lien filtre **plan** sur **pro**, mais ces données n'ont pas de colonne "
            "plan\u00a0: la vue n'est pas filtrée sur plan.",
        ),
        (
            LinkMismatch("age", "no_column", (), ()),
            "filters.link.no_column.added",
            "The link adds the segment **age**, a column this data does not have.",
            "Le lien ajoute le segment **age**, une colonne absente de ces données.",
        ),
        (
            LinkMismatch(
                "period",
                "period_outside",
                ("2024-01-01", "2024-01-31"),
                ("2024-01-01", "2024-01-31"),
                ("2025-06-01", "2025-11-30"),
            ),
            "filters.link.period_outside",
            "The link's period, Jan 1, 2024 to Jan 31, 2024, is outside this data (Jun 1, 2025 "
            "to Nov 30, 2025): showing the whole period.",
            "La période du lien, du 1 janv. 2024 au 31 janv. 2024, est en dehors de ces données "
            "(du 1 juin 2025 au 30 nov. 2025)\u00a0: la vue montre toute la période.",
        ),
        (
            LinkMismatch(
                "period",
                "period_partly_outside",
                ("2025-10-01", "2026-03-31"),
                ("2026-03-31",),
                ("2025-06-01", "2025-11-30"),
                ("2025-10-01", "2025-11-30"),
            ),
            "filters.link.period_partly_outside",
            "The link's period, Oct 1, 2025 to Mar 31, 2026, goes beyond this data (Jun 1, 2025 "
            "to Nov 30, 2025): showing the whole period. Pick Oct 1, 2025 to Nov 30, 2025 in "
            "**Period** for the part the data covers.",
            "La période du lien, du 1 oct. 2025 au 31 mars 2026, dépasse ces données (du 1 juin "
            "2025 au 30 nov. 2025)\u00a0: la vue montre toute la période. Pour la partie couverte "
            "par les données, choisissez dans **Période**\u00a0: du 1 oct. 2025 au 30 nov. 2025.",
        ),
        (
            LinkMismatch(
                "period",
                "period_unreadable",
                ("garbage",),
                ("garbage",),
                ("2025-06-01", "2025-11-30"),
            ),
            "filters.link.period_unreadable",
            "The link's period (garbage) is not a date range: showing the whole period, Jun 1, "
            "2025 to Nov 30, 2025.",
            "La période du lien (garbage) n'est pas un intervalle de dates\u00a0: la vue montre "
            "toute la période, du 1 juin 2025 au 30 nov. 2025.",
        ),
        (
            LinkMismatch(
                "period",
                "period_unreadable",
                ("2025-09-30", "2025-09-01"),
                ("2025-09-30", "2025-09-01"),
                ("2025-06-01", "2025-11-30"),
            ),
            "filters.link.period_unreadable",
            "The link's period (2025-09-30 and 2025-09-01) is not a date range: showing the "
            "whole period, Jun 1, 2025 to Nov 30, 2025.",
            None,
        ),
        (
            LinkMismatch("period", "no_dates", ("2025-07-01",), ("2025-07-01",)),
            "filters.link.no_dates",
            "The link's period (from Jul 1, 2025) cannot apply: this data has no dates. Every "
            "row is shown.",
            "La période du lien (à partir du 1 juil. 2025) ne peut pas s'appliquer\u00a0: ces "
            "données n'ont pas de dates. Toutes les lignes sont montrées.",
        ),
    ],
    ids=[
        "unknown-value",
        "some-unknown",
        "no-column",
        "added-column",
        "outside",
        "beyond",
        "garbage",
        "reversed",
        "no-dates",
    ],
)
def test_link_mismatch_facts_in_both_languages(mismatch, code, english, french):
    fact = mismatch.fact()
    assert fact.code == code
    assert render(fact, "en") == english
    if french is not None:
        assert render(fact, "fr") == french


def test_a_link_value_stays_text_in_the_warning():
    m = LinkMismatch(
        "channel",
        "no_value",
        ("![x](http://example.invalid/p.png)",),
        ("![x](http://example.invalid/p.png)",),
    )
    words = render(m.fact(), "fr", markdown=True)
    assert "![x](" not in words and "](http" not in words
    assert "\\!\\[x\\]\\(http" in words
