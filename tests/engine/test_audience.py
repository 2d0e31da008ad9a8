"""The users behind a number on a connected table (kpi.engine.audience): the ids selected in
the engine equal the upload route's (kpi.audience on the same events read as a file), and
their counts equal the engine's funnel table (``users``) and cohort table (``retained``), on
DuckDB and Spark; a tiny log checked by hand; the cap; ids as text; errors explained.

The upload route is itself checked against brute-force Python sets (tests/unit/test_audience.py).
"""

from __future__ import annotations

import datetime as dt
from datetime import date

import polars as pl
import pytest

pytest.importorskip("kpi.engine.cohorts")

from kpi import audience as upload_audience
from kpi.engine import audience
from kpi.engine.frame import from_native
from kpi.engine.roles import map_roles
from kpi.engine.view import EngineView
from kpi.errors import InputError
from kpi.export.audience_csv import audience_csv
from kpi.filters import Filters
from kpi.schema import TableInput, build_dataset
from kpi.settings import Exclusion, FunnelSettings, StepWindow
from kpi.view import View
from tests.engine.aggregates_support import SEGMENTS
from tests.engine.engine_data import INJECTION, spark_table

STEPS = ("landing", "product_view", "add_to_cart", "checkout", "purchase")
WEEKS2 = dt.timedelta(days=14)

#: funnel views (settings, filters) of the shop: closed sequential with a window, open,
#: any order, segment filters (one value reads as SQL), a period, exclusions and a step window
FUNNELS = {
    "closed": (FunnelSettings(steps=STEPS, window=WEEKS2), Filters()),
    "closed_no_window": (FunnelSettings(steps=STEPS[:3]), Filters()),
    "open": (FunnelSettings(steps=STEPS, window=WEEKS2, open_funnel=True), Filters()),
    "any": (FunnelSettings(steps=STEPS[:4], window=dt.timedelta(days=2), order="any"), Filters()),
    "segments": (
        FunnelSettings(steps=STEPS, window=WEEKS2),
        Filters(segments={"device": ["mobile"], "channel": ["email", "organic", INJECTION]}),
    ),
    "period": (
        FunnelSettings(steps=STEPS[:4]),
        Filters(start=date(2025, 7, 1), end=date(2025, 9, 30), segments={"variant": ["B"]}),
    ),
    "rules": (
        FunnelSettings(
            steps=("landing", "product_view", "add_to_cart", "purchase"),
            window=WEEKS2,
            exclusions=(Exclusion("checkout", "add_to_cart", "purchase"),),
            step_windows=(StepWindow("product_view", 1, "hours"),),
        ),
        Filters(),
    ),
}

#: retention cells' views: (grain, mode, cohort_by, return_step, filters)
COHORTS = {
    "month_on": ("month", "on", "first_event", None, Filters()),
    "month_after": ("month", "on_or_after", "first_event", None, Filters()),
    "week_on": ("week", "on", "first_event", None, Filters(segments={"device": ["desktop"]})),
    "week_after": ("week", "on_or_after", "first_event", "product_view", Filters()),
    "purchase_month": ("month", "on_or_after", "first_purchase", "purchase", Filters()),
    "period_week": (
        "week",
        "on_or_after",
        "first_event",
        None,
        Filters(
            start=date(2025, 7, 1),
            end=date(2025, 9, 30),
            segments={"channel": ["email", "organic", INJECTION]},
        ),
    ),
}


def _engine(table, filters: Filters, settings: FunnelSettings | None = None, grain="month"):  # type: ignore[no-untyped-def]
    return EngineView(table, filters, settings or FunnelSettings(), cohort_grain=grain)


def _ids(got: upload_audience.Audience) -> list[str]:
    return [str(x) for x in got.ids.to_list()]


def _duckdb_table(events: pl.DataFrame):  # type: ignore[no-untyped-def]
    import duckdb

    con = duckdb.connect()
    segments = [c for c in events.columns if c in SEGMENTS]
    return from_native(con.from_arrow(events.to_arrow()), segments=segments, label="events")


@pytest.fixture(scope="module")
def duck(shop):  # type: ignore[no-untyped-def]
    return _duckdb_table(shop.events)


# ----------------------------------------------------------------- funnel: DuckDB


def check_funnel(table, ds, settings: FunnelSettings, filters: Filters, only=None) -> int:  # type: ignore[no-untyped-def]
    """Every step, reached and dropped off (or the (step, kind) pairs ``only``): the engine's
    ids are the upload's, sorted and unique, and their number is the engine funnel table's
    (reached) or the users who reached the step at their last step (dropped). Returns how
    many lists were compared non-empty."""
    engine = _engine(table, filters, settings)
    up = View(ds, filters, settings)
    funnel = engine.funnel()
    assert funnel is not None
    users = funnel["users"].to_list()
    k = len(settings.steps)
    compared = 0
    for step in range(1, k + 1):
        for kind in ("reached", "dropped") if step < k else ("reached",):
            if only is not None and (step, kind) not in only:
                continue
            got = audience.funnel_audience(engine, step, kind)  # type: ignore[arg-type]
            want = upload_audience.funnel_audience(up, step, kind)  # type: ignore[arg-type]
            assert got.ids.dtype == pl.String
            assert _ids(got) == _ids(want), (step, kind)
            assert _ids(got) == sorted(set(_ids(got)))
            assert got.total == want.total
            if only is None or (step, kind) == only[0]:
                assert got.total == audience.funnel_count(engine, step, kind)
            assert (got.what, got.kind, got.cut) == (want.what, want.kind, False)
            if kind == "reached":
                assert got.total == users[step - 1], (step, users)
            elif not settings.open_funnel:  # closed: the drop-off column
                assert got.total == users[step - 1] - users[step]
            compared += got.total > 0
    return compared


@pytest.mark.parametrize("name", list(FUNNELS))
def test_funnel_ids_equal_the_upload_routes_duckdb(shop, duck, name: str) -> None:
    settings, filters = FUNNELS[name]
    assert check_funnel(duck, shop.ds, settings, filters) >= 3


# ----------------------------------------------------------------- retention: DuckDB


def check_cohorts(table, ds, grain, mode, cohort_by, return_step, filters, cohorts=3) -> int:  # type: ignore[no-untyped-def]
    """The cells of periods 0..3 of the first ``cohorts`` cohorts of the engine's cohort table (a
    cell is one engine query): the ids are the upload's, their number the cell's
    ``retained`` (and :func:`cohort_count`'s, for the first non-empty cell). Returns the
    number of non-empty cells."""
    engine = _engine(table, filters, grain=grain)
    up = View(ds, filters, cohort_grain=grain)
    summary = engine.retention(
        grain=grain, mode=mode, cohort_by=cohort_by, return_step=return_step,
        purchase_step="purchase",
    )  # fmt: skip
    assert summary is not None and summary.table.height > 0
    first = summary.table["cohort_start"].unique().sort().head(cohorts)
    cells = summary.table.filter(pl.col("period") <= 3, pl.col("cohort_start").is_in(first))
    args = dict(
        cohort_by=cohort_by, return_step=return_step, mode=mode, grain=grain,
        purchase_step="purchase",
    )  # fmt: skip
    n = 0
    for row in cells.iter_rows(named=True):
        got = audience.cohort_audience(engine, row["cohort_start"], row["period"], **args)  # type: ignore[arg-type]
        want = upload_audience.cohort_audience(up, row["cohort_start"], row["period"], **args)  # type: ignore[arg-type]
        assert _ids(got) == _ids(want), row
        assert got.total == want.total == row["retained"], row
        assert got.what == want.what and got.kind == "retained"
        if got.total and not n:
            count = audience.cohort_count(engine, row["cohort_start"], row["period"], **args)  # type: ignore[arg-type]
            assert count == got.total
        n += got.total > 0
    return n


@pytest.mark.parametrize("name", list(COHORTS))
def test_retention_ids_equal_the_upload_routes_duckdb(shop, duck, name: str) -> None:
    assert check_cohorts(duck, shop.ds, *COHORTS[name]) >= 3


# ----------------------------------------------------------------- Spark


def test_spark_ids_equal_the_upload_routes(spark, spark_shop) -> None:  # type: ignore[no-untyped-def]
    """On Spark (each list is a Spark query: a few per view): a closed funnel's step and
    drop-off, an open funnel, a segment filter with a value that reads as SQL, the rules;
    retention cells monthly "on" and weekly "on or after" under a period and segment filter."""
    table = spark_table(spark_shop.events, spark)
    lists = {
        "closed": [(2, "reached"), (2, "dropped"), (4, "dropped")],
        "open": [(2, "reached"), (1, "dropped")],
        "segments": [(3, "dropped"), (1, "reached")],
        "rules": [(2, "dropped"), (4, "reached")],
    }
    for name, only in lists.items():
        settings, filters = FUNNELS[name]
        assert check_funnel(table, spark_shop.ds, settings, filters, only) >= 1, name
    for name in ("month_on", "period_week"):
        assert check_cohorts(table, spark_shop.ds, *COHORTS[name], cohorts=1) >= 1, name


# ----------------------------------------------------------------- by hand


def _small() -> pl.DataFrame:
    rows = [
        ("u1", "2025-01-05 10:00", "visit", "mobile"),
        ("u1", "2025-01-05 10:05", "cart", "mobile"),
        ("u1", "2025-01-05 10:09", "purchase", "mobile"),
        ("u2", "2025-01-10 09:00", "visit", "desktop"),
        ("u2", "2025-01-11 09:00", "cart", "desktop"),
        ("u3", "2025-01-20 12:00", "visit", "mobile"),
        ("u3", "2025-02-03 12:00", "visit", "mobile"),
        ("u4", "2025-02-02 08:00", "visit", "desktop"),
        ("u4", "2025-02-03 08:00", "cart", "desktop"),
        ("u4", "2025-03-01 08:00", "purchase", "desktop"),  # 27 days after the visit
        ("u5", "2025-02-10 08:00", "cart", "tablet"),  # never visited
    ]
    return pl.DataFrame(
        rows, schema=["user_id", "ts", "step", "device"], orient="row"
    ).with_columns(pl.col("ts").str.to_datetime())


@pytest.fixture(scope="module")
def small(duckdb_con_module):  # type: ignore[no-untyped-def]
    return map_roles(duckdb_con_module.from_arrow(_small().to_arrow()), None, label="small")


@pytest.fixture(scope="module")
def duckdb_con_module():  # type: ignore[no-untyped-def]
    import duckdb

    con = duckdb.connect()
    yield con
    con.close()


def test_small_log_by_hand(small) -> None:  # type: ignore[no-untyped-def]
    """visit: u1 u2 u3 u4 (u5 never visited); cart: u1 u2 u4; purchase: u1 (u4's is 27 days
    after the visit, outside 14 days); dropped after cart: u2 u4; open funnel: u5 enters at
    cart. Monthly cohorts by first event: January u1 u2 u3, of whom u3 came back in February
    (period 1); February u4 u5, u4 back in March."""
    settings = FunnelSettings(steps=("visit", "cart", "purchase"), window=WEEKS2)
    v = _engine(small, Filters(), settings)
    assert _ids(audience.funnel_audience(v, 1)) == ["u1", "u2", "u3", "u4"]
    assert _ids(audience.funnel_audience(v, 2)) == ["u1", "u2", "u4"]
    assert _ids(audience.funnel_audience(v, 3)) == ["u1"]
    assert _ids(audience.funnel_audience(v, 2, "dropped")) == ["u2", "u4"]
    assert _ids(audience.funnel_audience(v, 1, "dropped")) == ["u3"]
    mobile = _engine(small, Filters(segments={"device": ["mobile"]}), settings)
    assert _ids(audience.funnel_audience(mobile, 2)) == ["u1"]
    opened = _engine(small, Filters(), FunnelSettings(steps=settings.steps, open_funnel=True))
    assert _ids(audience.funnel_audience(opened, 2)) == ["u1", "u2", "u4", "u5"]
    c = _engine(small, Filters())
    jan, feb = date(2025, 1, 1), date(2025, 2, 1)
    assert _ids(audience.cohort_audience(c, jan, 0)) == ["u1", "u2", "u3"]
    assert _ids(audience.cohort_audience(c, jan, 1)) == ["u3"]
    assert _ids(audience.cohort_audience(c, feb, 1)) == ["u4"]
    assert _ids(audience.cohort_audience(c, jan, 1, mode="on_or_after")) == ["u3"]
    assert _ids(audience.cohort_audience(c, jan, 2, mode="on_or_after")) == []
    assert _ids(audience.cohort_audience(c, feb, 0, mode="on_or_after")) == ["u4", "u5"]
    # the same log uploaded: the same lists
    up = View(build_dataset([TableInput("small.csv", _small())]), Filters(), settings)
    assert _ids(upload_audience.funnel_audience(up, 2, "dropped")) == ["u2", "u4"]


def test_the_list_is_cut_and_says_so(shop, duck) -> None:  # type: ignore[no-untyped-def]
    """With a limit: the first ids in sorted order, the full count (counted in the engine),
    and the file's first lines say the list is cut."""
    settings, filters = FUNNELS["closed"]
    v = _engine(duck, filters, settings)
    whole = audience.funnel_audience(v, 2)
    got = audience.funnel_audience(v, 2, limit=7)
    assert whole.total > 7 and not whole.cut and whole.limit is None
    assert _ids(got) == _ids(whole)[:7]
    assert (got.total, got.limit, got.cut) == (whole.total, 7, True)
    text = audience_csv(got, lang="en").decode("utf-8-sig")
    assert f"the first 7 of {whole.total:,} (the list is cut at 7 ids)" in text
    exact = audience.funnel_audience(v, 2, limit=whole.total)
    assert not exact.cut and exact.total == whole.total
    up = upload_audience.listed(whole.ids, whole.what, "reached", limit=7)
    assert _ids(up) == _ids(got) and up.total == got.total and up.cut


def test_numeric_ids_come_back_as_text(duckdb_con_module) -> None:  # type: ignore[no-untyped-def]
    """A table whose ids are integers: the ids are text (as an upload reads them), sorted as
    text, equal to the upload's."""
    log = _small().with_columns(pl.col("user_id").str.slice(1).cast(pl.Int64) * 5)  # 5 … 25
    table = map_roles(duckdb_con_module.from_arrow(log.to_arrow()), None, label="ints")
    settings = FunnelSettings(steps=("visit", "cart"), window=WEEKS2)
    got = audience.funnel_audience(_engine(table, Filters(), settings), 1)
    assert got.ids.dtype == pl.String
    assert _ids(got) == ["10", "15", "20", "5"]
    up = View(build_dataset([TableInput("ints.csv", log)]), Filters(), settings)
    assert sorted(_ids(upload_audience.funnel_audience(up, 1))) == sorted(_ids(got))


def test_what_cannot_be_listed_is_explained(small) -> None:  # type: ignore[no-untyped-def]
    v = _engine(small, Filters(), FunnelSettings(steps=("visit", "cart", "purchase")))
    for step, kind, code in [
        (4, "reached", "audience.error.step"),
        (3, "dropped", "audience.error.last_step"),
        (1, "left", "audience.error.kind"),
    ]:
        with pytest.raises(InputError) as err:
            audience.funnel_audience(v, step, kind)  # type: ignore[arg-type]
        assert err.value.message.code == code
    with pytest.raises(InputError) as err:
        audience.cohort_audience(v, date(2025, 1, 1), 0, cohort_by="signup")
    assert err.value.message.code == "audience.error.cohort_anchor"
    with pytest.raises(InputError) as err:
        audience.cohort_audience(v, date(2025, 1, 1), -1)
    assert err.value.message.code == "retention.error.negative_periods"
