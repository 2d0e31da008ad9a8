"""kpi.engine.view_retention: the Retention page's summary of a table in an engine equals the
upload route's (kpi.view.View.retention) on the same events, for every choice the page offers
(monthly and weekly cohorts, anchor, return step, "on" / "on or after", a breakdown, the
period-N trend, the churn window) and under the sidebar's filters; and both routes build
their summary with the one builder (kpi.retention.summary.build_summary)."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

pytest.importorskip("kpi.engine.cohorts")

from kpi.engine.roles import map_roles
from kpi.engine.view import EngineView
from kpi.filters import Filters
from kpi.load import read_table
from kpi.retention import RetentionSummary
from kpi.schema import TableInput, build_dataset, detect_roles
from kpi.view import View
from tests.engine.engine_data import events


@pytest.fixture(scope="module")
def log() -> pl.DataFrame:
    return events(300, seed=7)


@pytest.fixture(scope="module")
def dataset(log: pl.DataFrame):  # type: ignore[no-untyped-def]
    t = read_table(log.write_csv().encode(), filename="events.csv")
    return build_dataset(
        [TableInput("events.csv", t.frame, roles=detect_roles(t.frame, filename="events.csv"))]
    )


def same(r: RetentionSummary, ref: RetentionSummary) -> None:
    """Every figure the page shows is the same."""
    for name in ("table", "average", "matrix", "long", "trend"):
        got, want = getattr(r, name), getattr(ref, name)
        assert got.columns == want.columns, name
        assert got.equals(want), (name, got, want)
    assert r.settings == ref.settings
    assert r.note == ref.note
    assert r.as_of == ref.as_of
    assert (r.repeat.customers, r.repeat.repeat_customers, r.repeat.rate) == (
        ref.repeat.customers, ref.repeat.repeat_customers, ref.repeat.rate,
    )  # fmt: skip
    assert r.repeat.explanation == ref.repeat.explanation
    assert (r.frequency.orders, r.frequency.frequency) == (
        ref.frequency.orders,
        ref.frequency.frequency,
    )
    assert r.frequency.explanation == ref.frequency.explanation
    assert (r.churn is None) == (ref.churn is None)
    if r.churn is not None and ref.churn is not None:
        assert (r.churn.customers_at_start, r.churn.customers_lost, r.churn.new_customers) == (
            ref.churn.customers_at_start, ref.churn.customers_lost, ref.churn.new_customers,
        )  # fmt: skip
        assert r.churn.churn == ref.churn.churn
        assert r.churn.explanation == ref.churn.explanation


CHOICES = [
    {},
    {"grain": "week", "periods": 8},
    {"cohort_by": "first_purchase", "return_step": "purchase"},
    {"mode": "on_or_after", "trend_period": 2, "inactivity_days": 30},
    {"by": "device"},
    {"grain": "week", "by": "variant", "return_step": "product", "periods": 6},
]
FILTERS = [
    Filters(),
    Filters(start=dt.date(2025, 2, 1), end=dt.date(2025, 3, 15)),
    Filters(segments={"device": ["mobile"]}),
]


@pytest.mark.parametrize("backend", ["polars", "duckdb"])
@pytest.mark.parametrize("choice", CHOICES, ids=lambda c: ",".join(f"{k}={v}" for k, v in c.items()) or "defaults")  # fmt: skip
@pytest.mark.parametrize("filters", FILTERS, ids=["all", "period", "mobile"])
def test_the_summary_is_the_upload_routes(  # type: ignore[no-untyped-def]
    log, dataset, backend, choice, filters, to_native
) -> None:
    view = EngineView(map_roles(to_native(log, backend), None, label="events"), filters)
    ref = View(dataset, filters)
    r, r_ref = view.retention(**choice), ref.retention(**choice)
    assert r is not None and r_ref is not None
    assert r.table.height > 0
    same(r, r_ref)


def test_weekly_figures_checked_by_hand(log: pl.DataFrame, to_native) -> None:  # type: ignore[no-untyped-def]
    """Week-1 retention of the first weekly cohort, recomputed in plain polars: users whose
    first event is in the ISO week, and of them those with an event the next week."""
    view = EngineView(map_roles(to_native(log, "duckdb"), None, label="events"))
    r = view.retention(grain="week")
    assert r is not None
    week = pl.col("ts").dt.truncate("1w")
    first = log.group_by("user_id").agg(week.min().alias("w0"))
    active = log.select("user_id", week.alias("w")).unique()
    w0 = first["w0"].min()
    cohort = first.filter(pl.col("w0") == w0)
    back = active.join(cohort, on="user_id").filter(pl.col("w") == pl.col("w0") + dt.timedelta(weeks=1))  # fmt: skip
    row = r.table.filter(pl.col("period") == 1).sort("cohort_start").row(0, named=True)
    assert row["cohort_size"] == cohort.height
    assert row["retained"] == back["user_id"].n_unique()


def test_an_empty_table_says_why(log: pl.DataFrame, to_native) -> None:  # type: ignore[no-untyped-def]
    """No purchase step for cohorts by first purchase: the upload route's note, never a 0 %
    table or a 0 % repeat rate."""
    no_buys = log.filter(pl.col("step") != "purchase")
    empty = EngineView(map_roles(to_native(no_buys, "duckdb"), None)).retention(
        cohort_by="first_purchase", purchase_step="purchase"
    )
    t = read_table(no_buys.write_csv().encode(), filename="events.csv")
    ds = build_dataset(
        [TableInput("events.csv", t.frame, roles=detect_roles(t.frame, filename="events.csv"))]
    )
    ref = View(ds, Filters()).retention(cohort_by="first_purchase", purchase_step="purchase")
    assert empty is not None and ref is not None
    assert empty.table.height == 0 == ref.table.height
    assert empty.note is not None and empty.note.code == "retention.note.no_start_step"
    assert empty.note == ref.note
    assert empty.repeat.rate is None and ref.repeat.rate is None
    assert empty.repeat.explanation == ref.repeat.explanation


def test_one_builder_for_both_routes(monkeypatch, log, dataset, to_native) -> None:  # type: ignore[no-untyped-def]
    """Both routes go through kpi.retention.summary.build_summary."""
    import kpi.retention.summary as summary

    calls: list[str] = []
    real = summary.build_summary

    def spy(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append("built")
        return real(*args, **kwargs)

    monkeypatch.setattr(summary, "build_summary", spy)
    EngineView(map_roles(to_native(log, "duckdb"), None)).retention()
    View(dataset, Filters()).retention()
    assert calls == ["built", "built"]


@pytest.mark.parametrize("backend", ["polars", "duckdb"])
@pytest.mark.parametrize("grain", ["week", "month"])
def test_the_derived_cohort_label_is_the_uploads(backend: str, grain: str, to_native) -> None:  # type: ignore[no-untyped-def]
    """kpi.engine.view_retention.cohort_label equals kpi.segments.cohort_of (the upload's
    derived cohort) on every day of 2019-12-20..2027-01-10 (ISO years of 52 and 53 weeks,
    weeks across the new year), at both grains."""
    import narwhals as nw

    from kpi.engine.frame import collect
    from kpi.engine.view_retention import cohort_label
    from kpi.segments import cohort_of

    days = pl.datetime_range(
        dt.datetime(2019, 12, 20, 13), dt.datetime(2027, 1, 10, 13), "1d", eager=True
    )
    frame = pl.DataFrame({"ts": days})
    want = frame.select(cohort_of(pl.col("ts"), grain).alias("c"))["c"].to_list()  # type: ignore[arg-type]
    native = to_native(frame, backend)
    lazy = nw.from_native(native)
    lazy = lazy.lazy() if isinstance(lazy, nw.DataFrame) else lazy
    got = collect(lazy.select(nw.col("ts"), cohort_label(nw.col("ts"), grain).alias("c")))  # type: ignore[arg-type]
    assert got.sort("ts")["c"].to_list() == want
