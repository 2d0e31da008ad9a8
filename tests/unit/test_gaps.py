"""kpi.gaps: tracking gaps on the real GA4 merchandise-store export and on a generated log."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from kpi.gaps import (
    GapRun,
    gap_fact,
    gaps_in_counts,
    gaps_in_events,
)
from kpi.words import Fact, render

GA4 = (
    Path(__file__).resolve().parents[2]
    / ".."
    / "shared"
    / "datasets"
    / "ga4_merch_store"
    / "BigQuery_conversion_funnel.csv"
)


def _ga4_dataset():
    from kpi.load import read_table
    from kpi.schema import TableInput, build_dataset, detect_roles, table_name

    t = read_table(GA4, filename=GA4.name)
    roles = detect_roles(t.frame, filename=GA4.name)
    return build_dataset([TableInput.from_table(table_name(GA4.name), t, roles=roles)])


@pytest.mark.skipif(not GA4.exists(), reason="shared datasets not available")
def test_ga4_add_to_cart_hole_in_november_2020() -> None:
    ds = _ga4_dataset()
    assert ds.counts is not None
    steps = ["user_sessions_count", "visit_to_cart", "visit_to_checkout", "visit_to_purchase"]
    gaps = gaps_in_counts(ds.counts, steps)
    assert [(g.step, g.next_step) for g in gaps] == [("visit_to_cart", "visit_to_checkout")]
    gap = gaps[0]
    assert gap.runs == (
        GapRun(dt.date(2020, 11, 2), dt.date(2020, 11, 15), 14, gap.runs[0].next_step_count),
        GapRun(dt.date(2020, 11, 21), dt.date(2020, 11, 24), 4, gap.runs[1].next_step_count),
    )
    assert (gap.first_day, gap.last_day, gap.days) == (
        dt.date(2020, 11, 2),
        dt.date(2020, 11, 24),
        18,
    )
    assert gap.reliable_from == dt.date(2020, 11, 25)
    assert gap.from_start  # one day of data before it: "unreliable before 2020-11-25"
    assert (gap.data_first_day, gap.data_last_day) == (dt.date(2020, 11, 1), dt.date(2021, 1, 31))

    # independently, from the raw file: sessions × rate per row, summed per day
    raw = pl.read_csv(GA4).with_columns(
        (pl.col("user_sessions_count") * pl.col(c)).round().alias(c)
        for c in ("visit_to_cart", "visit_to_checkout")
    )
    daily = raw.group_by("event_date").agg(pl.col("visit_to_cart", "visit_to_checkout").sum())
    hole = daily.filter((pl.col("visit_to_cart") == 0) & (pl.col("visit_to_checkout") > 0))
    days = sorted(dt.date.fromisoformat(d) for d in hole["event_date"].to_list())
    want = [dt.date(2020, 11, 2) + dt.timedelta(days=i) for i in range(14)]
    want += [dt.date(2020, 11, 21) + dt.timedelta(days=i) for i in range(4)]
    assert days == want
    missed = hole.sort("event_date")["visit_to_checkout"].to_list()
    assert gap.runs[0].next_step_count == int(sum(missed[:14]))
    assert gap.runs[1].next_step_count == int(sum(missed[14:]))
    assert gap.next_step_count == int(sum(missed))


def _log_with_hole(hole: tuple[int, int] | None, one_day: int | None = None) -> pl.DataFrame:
    """60 users a day for 30 days (2025-01-01..30): landing, then add_to_cart for 40 %, then
    checkout for half of those, minutes apart; no add_to_cart on days hole[0]..hole[1]
    (0-based, inclusive) and on `one_day`."""
    rng = np.random.default_rng(7)
    rows = {"user_id": [], "step": [], "ts": []}
    start = dt.datetime(2025, 1, 1, 9)
    uid = 0
    for day in range(30):
        for _ in range(60):
            uid += 1
            t = start + dt.timedelta(days=day, minutes=int(rng.integers(0, 600)))
            rows["user_id"].append(uid)
            rows["step"].append("landing")
            rows["ts"].append(t)
            if rng.random() < 0.4:
                missing = (hole and hole[0] <= day <= hole[1]) or day == one_day
                if not missing:
                    rows["user_id"].append(uid)
                    rows["step"].append("add_to_cart")
                    rows["ts"].append(t + dt.timedelta(minutes=2))
                if rng.random() < 0.5:
                    rows["user_id"].append(uid)
                    rows["step"].append("checkout")
                    rows["ts"].append(t + dt.timedelta(minutes=5))
    return pl.DataFrame(rows, schema_overrides={"ts": pl.Datetime("us")})


def test_generated_log_with_a_known_hole() -> None:
    ev = _log_with_hole((9, 15), one_day=22)  # Jan 10..16 missing, and Jan 23 alone
    steps = ["landing", "add_to_cart", "checkout"]
    gaps = gaps_in_events(ev, steps)
    assert len(gaps) == 1
    gap = gaps[0]
    assert (gap.step, gap.next_step) == ("add_to_cart", "checkout")
    # the single day is below the 2-day minimum: only the week is reported
    assert [(r.first_day, r.last_day, r.days) for r in gap.runs] == [
        (dt.date(2025, 1, 10), dt.date(2025, 1, 16), 7)
    ]
    assert gap.reliable_from == dt.date(2025, 1, 17)
    assert not gap.from_start  # nine days of good data before it
    checkouts = (
        ev.filter(
            pl.col("step") == "checkout",
            pl.col("ts").dt.date().is_between(dt.date(2025, 1, 10), dt.date(2025, 1, 16)),
        )
        .select("user_id")
        .n_unique()
    )
    assert gap.next_step_count == checkouts
    # with a 1-day minimum the single day is a second run; reliable again on Jan 24
    one = gaps_in_events(ev, steps, min_days=1)[0]
    assert [(r.first_day, r.days) for r in one.runs] == [
        (dt.date(2025, 1, 10), 7),
        (dt.date(2025, 1, 23), 1),
    ]
    assert (one.days, one.reliable_from) == (8, dt.date(2025, 1, 24))


def test_no_gap_without_hole_dates_or_steps() -> None:
    ev = _log_with_hole(None)
    assert gaps_in_events(ev, ["landing", "add_to_cart", "checkout"]) == []
    assert gaps_in_events(ev.drop("ts"), ["landing", "add_to_cart", "checkout"]) == []
    assert gaps_in_events(ev, ["landing"]) == []
    # a step missing at the end of the data: no day after it where the step counts again
    cut = ev.filter(
        ~((pl.col("step") == "add_to_cart") & (pl.col("ts") >= dt.datetime(2025, 1, 28)))
    )
    gap = gaps_in_events(cut, ["landing", "add_to_cart", "checkout"])[0]
    assert (gap.first_day, gap.last_day, gap.reliable_from) == (
        dt.date(2025, 1, 28),
        dt.date(2025, 1, 30),
        None,
    )


def test_gap_fact_says_step_dates_days_and_meaning_in_both_languages() -> None:
    ev = _log_with_hole((9, 15), one_day=22)
    gap = gaps_in_events(ev, ["landing", "add_to_cart", "checkout"])[0]
    fact = gap_fact(gap)
    assert fact.code == "ingest_gaps.gap"
    assert (fact["step"], fact["days"]) == ("add_to_cart", 7)
    assert fact["span"] == Fact(
        "ingest_gaps.span.one", first=dt.date(2025, 1, 10), last=dt.date(2025, 1, 16)
    )
    assert fact["counted"]["n"] == gap.next_step_count
    # nine good days before the hole: unreliable between two dates, not "before"
    assert fact["meaning"].code == "ingest_gaps.unreliable.between"
    n = gap.next_step_count
    assert render(fact, "en") == (
        f"**Tracking gap: add_to_cart** is 0 on 7 days from Jan 10, 2025 to Jan 16, 2025, "
        f"while {n} users did checkout on those days. The step was probably not tracked then; "
        "conversions from that step are unreliable from Jan 10, 2025 to Jan 16, 2025."
    )
    assert render(fact, "fr") == (
        f"**Trou de suivi\u00a0: add_to_cart** vaut 0 pendant 7 jours du 10 janv. 2025 au "
        f"16 janv. 2025, alors que {n} utilisateurs ont fait checkout ces jours-là. L'étape "
        "n'était sans doute pas suivie\u00a0; les conversions depuis cette étape sont peu "
        "fiables du 10 janv. 2025 au 16 janv. 2025."
    )
    # Markdown: the step name is escaped (shown as typed)
    assert r"add\_to\_cart" in render(fact, "fr", markdown=True)
    # aggregated counts say what the next step counted
    agg = gap_fact(gap, aggregated=True)
    assert render(agg["counted"], "fr") == f"checkout a compté {n}"
