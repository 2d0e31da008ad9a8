"""kpi.engine.quality: the data-quality counts computed in polars, DuckDB and Spark equal the
upload's report (:func:`kpi.quality.quality_summary`): rows read, kept and dropped by reason,
exact duplicates, users, events, period, missing values, the suggested step order."""

from __future__ import annotations

from datetime import date, datetime

import polars as pl
import pytest

from kpi import quality
from kpi.engine import quality as eq
from kpi.engine.frame import from_native
from kpi.ingest.rows import MISSING_EVENT, MISSING_TIMESTAMP, MISSING_USER_ID, NONE_DROPPED
from tests.engine.aggregates_support import (
    canonical,
    engine_tables,
    generated_log,
    local_spark,
    upload,
)
from tests.engine.test_stages import _messy


@pytest.fixture(scope="session")
def h4_spark():
    yield from local_spark()


@pytest.fixture(scope="module")
def messy():
    frame = _messy(generated_log(12_000))
    return frame, upload(frame), canonical(frame)


def _dropped(acc: pl.DataFrame) -> dict[str, int]:
    return {r: n for r, n in zip(acc["reason"], acc["rows_dropped"], strict=True) if n}


def test_hand_checked() -> None:
    """7 rows: one without user, one with an empty event name, one without time (also
    without user: counted once, as a missing user), one exact copy of another."""
    t = datetime(2025, 4, 2, 8)
    rows = [
        ("a", "landing", t),
        ("a", "landing", t),  # an exact duplicate (kept, counted)
        (None, "landing", t),
        ("b", "", t),
        ("b", "purchase", None),
        (None, "purchase", None),
        ("c", "purchase", datetime(2025, 4, 9, 23)),
    ]
    log = pl.DataFrame(
        rows,
        schema={"user_id": pl.String, "step": pl.String, "ts": pl.Datetime("us")},
        orient="row",
    )
    for name, table in engine_tables(log):
        q = eq.quality_counts(table)
        assert (q.users, q.events, q.duplicate_events) == (2, 3, 1), name
        assert _dropped(q.accounting) == {
            MISSING_USER_ID: 2,
            MISSING_EVENT: 1,
            MISSING_TIMESTAMP: 1,
        }
        assert q.accounting["rows_read"].unique().to_list() == [7]
        assert q.accounting["rows_kept"].unique().to_list() == [3]
        assert (q.period_start, q.period_end) == (date(2025, 4, 2), date(2025, 4, 9))
        assert q.steps == ("landing", "purchase")
        assert q.missing.filter(pl.col("table") == "events")["missing"].to_list() == [0, 0, 0]


def test_generated_log_equals_the_upload(messy) -> None:
    _, ds, events = messy
    want = quality.quality_summary(ds)
    assert _dropped(want.accounting)  # the messy log has rows an upload leaves out
    for name, table in engine_tables(events):
        got = eq.quality_counts(table)
        assert (got.users, got.events, got.duplicate_events) == (
            want.users,
            want.events,
            want.duplicate_events,
        ), name
        assert (got.period, got.period_start, got.period_end, got.period_of) == (
            want.period,
            want.period_start,
            want.period_end,
            want.period_of,
        )
        assert _dropped(got.accounting) == _dropped(want.accounting)
        cols = ["shape", "rows_read", "rows_kept", "reason", "rows_dropped"]
        assert (
            got.accounting.select(cols).sort("reason").rows()
            == want.accounting.select(cols).sort("reason").rows()
        )
        assert got.steps == want.steps
        assert set(got.segments) == set(want.segments) - {"cohort"}
        w = want.missing.filter(pl.col("table") == "events")
        g = got.missing.filter(pl.col("table") == "events").join(
            w, on=["table", "column"], how="inner", suffix="_w"
        )
        assert g.height == w.height
        assert g["missing"].to_list() == g["missing_w"].to_list()
        wu = want.missing.filter(
            (pl.col("table") == "users") & pl.col("column").is_in(list(got.segments))
        )
        gu = got.missing.filter(pl.col("table") == "users").join(
            wu, on=["table", "column"], suffix="_w"
        )
        assert gu.height == len(got.segments)
        assert gu["missing"].to_list() == gu["missing_w"].to_list()


def test_clean_log_has_no_drop() -> None:
    log = canonical(generated_log(6_000))
    table = from_native(log.lazy())
    q = eq.quality_counts(table)
    assert q.accounting.select("reason", "rows_dropped").rows() == [(NONE_DROPPED, 0)]
    assert q.events == log.height and q.users == log["user_id"].n_unique()


def test_step_table_says_which_steps_are_known() -> None:
    log = pl.DataFrame(
        {
            "user_id": ["a", "a", "b", "b", "c"],
            "step": ["landing", "newsletter_signup", "landing", "purchase", "newsletter_signup"],
        }
    )
    for name, table in engine_tables(log):
        steps = eq.step_table(table)
        assert steps.select("step", "events", "users", "known").rows() == [
            ("landing", 2, 2, True),
            ("purchase", 1, 1, True),
            ("newsletter_signup", 2, 2, False),
        ], name


def test_spark_equals_the_upload(h4_spark, messy) -> None:
    _, ds, events = messy
    want = quality.quality_summary(ds)
    table = list(engine_tables(events.head(5_000), h4_spark))[-1][1]
    got = eq.quality_counts(table)
    small = quality.quality_summary(upload(_messy(generated_log(12_000)).head(5_000)))
    assert (got.users, got.events, got.duplicate_events) == (
        small.users,
        small.events,
        small.duplicate_events,
    )
    assert _dropped(got.accounting) == _dropped(small.accounting)
    assert got.steps == small.steps
    assert want.events > small.events
