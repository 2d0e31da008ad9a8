"""kpi.engine.view_value: the Value page's figures of a table in an engine equal the upload
route's (kpi.view.View.value) on the same events, under the sidebar's filters, with the
page's overrides; the acquisition table (it needs the ad-spend file) is said, not shown; the
distribution of revenue per customer is counted in buckets and checked by hand."""

from __future__ import annotations

import datetime as dt
import math

import polars as pl
import pytest

pytest.importorskip("kpi.engine.cohorts")

from kpi.engine import view_value
from kpi.engine.roles import map_roles
from kpi.engine.view import EngineView
from kpi.filters import Filters
from kpi.load import read_table
from kpi.schema import TableInput, build_dataset, detect_roles
from kpi.value import ValueSummary
from kpi.view import View
from tests.engine.engine_data import events


def shop(n: int = 300) -> pl.DataFrame:
    """The generated shop, with repeat buyers (second orders, one without an order id) so
    that repeat purchase, frequency and the top share are not trivial."""
    log = events(n, seed=11)
    buys = log.filter(pl.col("step") == "purchase")
    again = buys.filter(pl.col("user_id").str.slice(1).cast(pl.Int64) % 3 == 0).with_columns(
        pl.col("ts") + dt.timedelta(days=20),
        pl.col("order_id") + "b",
        pl.col("revenue") * 2,
    )
    third = buys.filter(pl.col("user_id").str.slice(1).cast(pl.Int64) % 9 == 0).with_columns(
        pl.col("ts") + dt.timedelta(days=45), pl.lit(None, pl.String).alias("order_id")
    )
    return pl.concat([log, again, third]).sort("user_id", "ts")


@pytest.fixture(scope="module")
def log() -> pl.DataFrame:
    return shop()


@pytest.fixture(scope="module")
def dataset(log: pl.DataFrame):  # type: ignore[no-untyped-def]
    t = read_table(log.write_csv().encode(), filename="events.csv")
    return build_dataset(
        [TableInput("events.csv", t.frame, roles=detect_roles(t.frame, filename="events.csv"))]
    )


def close(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is b
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


def same(s: ValueSummary, ref: ValueSummary) -> None:
    assert (s.aov.orders, s.aov.revenue) == (ref.aov.orders, pytest.approx(ref.aov.revenue))
    assert close(s.aov.aov, ref.aov.aov)
    assert s.revenue_per_customer.customers == ref.revenue_per_customer.customers
    assert close(s.revenue_per_customer.value, ref.revenue_per_customer.value)
    assert (s.top_share.top_customers, s.top_share.customers) == (
        ref.top_share.top_customers,
        ref.top_share.customers,
    )
    assert close(s.top_share.share, ref.top_share.share)
    assert (s.repeat.customers, s.repeat.repeat_customers) == (
        ref.repeat.customers,
        ref.repeat.repeat_customers,
    )
    i, r = s.inputs, ref.inputs
    assert (i.customers, i.orders, i.years_source) == (r.customers, r.orders, r.years_source)
    for name in ("aov", "purchases_per_year", "years", "span_days", "observed_years",
                 "customer_years", "observed_days", "extrapolated_days", "repeat_per_year"):  # fmt: skip
        assert close(getattr(i, name), getattr(r, name)), name
    assert i.explanation.code == r.explanation.code
    assert (s.clv is None) == (ref.clv is None)
    if s.clv is not None and ref.clv is not None:
        assert close(s.clv.clv, ref.clv.clv)
    assert close(s.monthly_revenue, ref.monthly_revenue)
    o, o_ref = s.observed, ref.observed
    assert o.columns == o_ref.columns
    assert o.drop("revenue", "cumulative_revenue", "clv").equals(
        o_ref.drop("revenue", "cumulative_revenue", "clv")
    )
    for c in ("revenue", "cumulative_revenue", "clv"):
        assert o[c].to_list() == pytest.approx(o_ref[c].to_list())


FILTERS = [
    Filters(),
    Filters(start=dt.date(2025, 2, 1), end=dt.date(2025, 3, 31)),
    Filters(segments={"device": ["mobile", "tablet"]}),
]


@pytest.mark.parametrize("backend", ["polars", "duckdb"])
@pytest.mark.parametrize("filters", FILTERS, ids=["all", "period", "segments"])
def test_the_figures_are_the_upload_routes(log, dataset, backend, filters, to_native) -> None:  # type: ignore[no-untyped-def]
    view = EngineView(map_roles(to_native(log, backend), None, label="events"), filters)
    ref = View(dataset, filters).value()
    assert ref is not None
    got = view_value.value_summary(view, purchase_step=view.purchase(), years=ref.inputs.years)
    same(got, ref)
    assert got.channels is None and got.total is None
    assert got.spend_note is not None and got.spend_note.code == view_value.NO_SPEND


def test_the_page_overrides(log, dataset, to_native) -> None:  # type: ignore[no-untyped-def]
    view = EngineView(map_roles(to_native(log, "duckdb"), None))
    ref = View(dataset, Filters()).value(aov=50.0, purchases_per_year=2.0, years=4.0)
    got = view_value.value_summary(
        view, purchase_step="purchase", aov=50.0, purchases_per_year=2.0, years=4.0
    )
    assert ref is not None and got.clv is not None and ref.clv is not None
    assert got.clv.clv == ref.clv.clv == 400.0


def test_figures_checked_by_hand(log: pl.DataFrame, to_native) -> None:  # type: ignore[no-untyped-def]
    """AOV, repeat rate and the top-10 % share recomputed with plain polars."""
    view = EngineView(map_roles(to_native(log, "duckdb"), None))
    s = view_value.value_summary(view, purchase_step="purchase")
    buys = log.filter(pl.col("step") == "purchase")
    orders = buys["order_id"].drop_nulls().n_unique() + buys["order_id"].null_count()
    assert s.aov.orders == orders
    assert s.aov.aov == pytest.approx(buys["revenue"].sum() / orders)
    per = buys.group_by("user_id").agg(
        pl.col("revenue").sum(),
        (pl.col("order_id").drop_nulls().n_unique() + pl.col("order_id").null_count()).alias("n"),
    )
    assert s.repeat.rate == pytest.approx((per["n"] >= 2).sum() / per.height)
    k = math.ceil(0.1 * per.height)
    top = per["revenue"].sort(descending=True).head(k).sum()
    assert s.top_share.share == pytest.approx(top / per["revenue"].sum())


def test_no_purchase_says_why(log: pl.DataFrame, to_native) -> None:  # type: ignore[no-untyped-def]
    view = EngineView(
        map_roles(to_native(log.filter(pl.col("step") != "purchase"), "duckdb"), None)
    )
    s = view_value.value_summary(view, purchase_step="purchase")
    assert s.aov.aov is None and s.clv is None and s.repeat.rate is None
    assert s.aov.explanation.code == "retention.note.no_purchase_step"
    assert s.observed.height == 0


@pytest.mark.parametrize("backend", ["polars", "duckdb"])
def test_the_histogram_counts_every_customer(log, backend, to_native) -> None:  # type: ignore[no-untyped-def]
    view = EngineView(map_roles(to_native(log, backend), None))
    h = view_value.value_histogram(view, purchase_step="purchase")
    per = log.filter(pl.col("step") == "purchase").group_by("user_id").agg(pl.col("revenue").sum())
    assert h.customers == per.height
    assert h.width in (1.0, 2.0, 5.0, 10.0, 20.0, 50.0)
    bucket = (per["revenue"] / h.width).floor().cast(pl.Int64)
    want = bucket.value_counts().sort(bucket.name)
    assert h.frame["customers"].to_list() == want["count"].to_list()
    assert (h.frame["low"] / h.width).cast(pl.Int64).to_list() == want[bucket.name].to_list()


@pytest.mark.parametrize("backend", ["polars", "duckdb"])
def test_a_long_tail_is_gathered_in_one_last_bucket(backend, to_native) -> None:  # type: ignore[no-untyped-def]
    """199 customers spend 1..199, one wholesaler 50,000 (the Online Retail shape: one bar held
    nearly every customer): the top 1 % (2 customers: 50,000 and 199) sets the width from 199,
    so buckets of 10, and the last, open bucket [190, 50,000] holds the 11 customers from 190."""
    spends = [*range(1, 200), 50_000]
    log = pl.DataFrame(
        {
            "user_id": [f"u{i:03d}" for i in range(len(spends))],
            "step": ["purchase"] * len(spends),
            "ts": [dt.datetime(2025, 1, 1 + i % 28) for i in range(len(spends))],
            "revenue": [float(x) for x in spends],
        }
    )
    view = EngineView(map_roles(to_native(log, backend), None))
    h = view_value.value_histogram(view, purchase_step="purchase")
    assert (h.width, h.top, h.customers) == (10.0, 50_000.0, 200)
    # brute force: floor(spend / 10), every bucket above 19 folded into bucket 19
    want: dict[int, int] = {}
    for x in spends:
        b = min(x // 10, 19)
        want[b] = want.get(b, 0) + 1
    assert h.frame["customers"].to_list() == [want[b] for b in sorted(want)]
    assert h.frame["low"].to_list() == [b * 10.0 for b in sorted(want)]
    assert h.frame["open"].to_list() == [b == 19 for b in sorted(want)]
    assert h.above == want[19] == 11 and h.above_from == 190.0


@pytest.mark.parametrize("backend", ["polars", "duckdb"])
def test_no_tail_no_open_bucket(log, backend, to_native) -> None:  # type: ignore[no-untyped-def]
    view = EngineView(map_roles(to_native(log, backend), None))
    h = view_value.value_histogram(view, purchase_step="purchase")
    assert h.above == 0 and not h.frame["open"].any()
