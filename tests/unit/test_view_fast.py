"""The View's answers from the period's per-user facts equal the direct computation.

The reference is the View as it was before the period cache: ``Filters.apply`` on the whole
data, then ``stages.stage_kpis``, ``stages.stage_kpis_by``, ``funnel.funnel_table``,
``stages.monthly_session_duration`` and ``alerts.red_flags`` on the filtered Dataset (copied
below as :func:`reference`). The fast View shares one :class:`~kpi.view.PeriodCache` between
every filter of a run, as the app does. Data: the generated shop (bench/gen.py, 40,000
events) and the demo data, random segment filters (also values and columns the data does not
have) and periods (whole data, whole months with a previous period, odd day ranges).

Counts must be equal; sums of money and seconds equal to 1e-9 relative (the fast path adds
the same values in another order, as polars' group-by order already does).
"""

from __future__ import annotations

import dataclasses
import importlib.util
import io
import math
import random
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from kpi import alerts, funnel, retention, stages, value
from kpi.dataset import Dataset
from kpi.errors import ParcoursError
from kpi.filters import Filters, date_bounds
from kpi.funnel_view_data import with_values
from kpi.journey.facts import PeriodFacts
from kpi.load import read_table
from kpi.schema import TableInput, build_dataset, detect_roles
from kpi.segments import with_top_values
from kpi.settings import FunnelSettings
from kpi.view import _NOT_COVERED, PeriodCache, View
from kpi.words import Fact

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "data" / "demo"
REL = 1e-9


def _generated(n_events: int = 40_000) -> Dataset:
    spec = importlib.util.spec_from_file_location("bench_gen", ROOT / "bench" / "gen.py")
    assert spec is not None and spec.loader is not None
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    frame = gen.event_log(n_events)
    buf = io.BytesIO()
    frame.write_csv(buf)
    table = read_table(buf.getvalue(), filename="events.csv")
    roles = detect_roles(table.frame, filename="events.csv")
    return build_dataset([TableInput.from_table("events.csv", table, roles=roles)])


def _demo() -> Dataset:
    inputs = []
    for p in sorted(q for q in DEMO.iterdir() if q.is_file()):
        t = read_table(p, max_mb=None)
        inputs.append(
            TableInput(
                p.name, t.frame, rows_read=t.report.rows_read, dropped=dict(t.report.dropped)
            )
        )
    return build_dataset(inputs)


@pytest.fixture(scope="module", params=["generated", "demo"])
def full(request: pytest.FixtureRequest) -> Dataset:
    return _generated() if request.param == "generated" else _demo()


# ---------------------------------------------------------------- the reference (old View)
def reference(
    full: Dataset, f: Filters, settings: FunnelSettings, segments: list[str]
) -> dict[str, Any]:
    """Every result the old View computed, from ``Filters.apply`` and the direct functions."""
    first_seen = (
        full.users.select("user_id", "first_seen") if "first_seen" in full.users.columns else None
    )
    steps = View(full, f, settings).steps
    view = f.apply(full)
    pf = f.previous()
    prev = pf.apply(full) if pf is not None else None
    prev = prev if prev is not None and prev.events.height else None

    def kpis(ds: Dataset) -> list[stages.Kpi]:
        try:
            return stages.stage_kpis(ds, first_seen=first_seen)
        except ParcoursError:
            return []

    def table(ds: Dataset) -> pl.DataFrame | None:
        if len(steps) < 1 or ds.events.height == 0:
            return None
        timed = ds.has_timestamps
        ev = ds.events if timed else ds.events.drop("ts", strict=False)
        try:
            return funnel.funnel_table(
                ev,
                steps,
                window=settings.window if timed else None,
                order=settings.order if timed else "sequential",
                open_funnel=settings.open_funnel,
            )
        except ParcoursError:
            return None

    try:
        monthly = stages.monthly_session_duration(view.events)
    except ParcoursError:
        monthly = None
    current, previous = kpis(view), kpis(prev) if prev is not None else None
    fc, fp = table(view), table(prev) if prev is not None else None
    cols = ["step", "users", "conversion", "step_conversion"]
    flags = alerts.red_flags(
        current,
        previous,
        funnel_current=fc.select(cols) if fc is not None else None,
        funnel_previous=fp.select(cols) if fp is not None else None,
        monthly_duration=monthly,
        thresholds=alerts.Thresholds(),
    )

    def funnel_by(ds: Dataset | None, seg: str, keep: list[str] | None) -> pl.DataFrame | None:
        """The Funnel page's breakdown (pages/funnel_view.py ``_by_segment``)."""
        if ds is None or len(steps) < 1 or ds.events.height == 0:
            return None
        timed = ds.has_timestamps
        ev = ds.events_with([seg])
        ev = ev if timed else ev.drop("ts", strict=False)
        ev = with_top_values(ev, seg, 8) if keep is None else with_values(ev, seg, keep)
        try:
            return funnel.funnel(
                ev,
                steps,
                by=[seg],
                window=settings.window if timed else None,
                order=settings.order if timed else "sequential",
                open_funnel=settings.open_funnel,
            )
        except ParcoursError:
            return None

    funnels_by = {}
    for seg in segments:
        now = funnel_by(view, seg, None)
        funnels_by[seg] = now
        if now is not None:
            keep = [v for v in now[seg].unique().sort().to_list() if v != "Other"]
            funnels_by[f"{seg}|previous"] = funnel_by(prev, seg, keep)
    by: dict[str, pl.DataFrame | None] = {}
    for seg in segments:
        try:
            by[seg] = stages.stage_kpis_by(view, seg, first_seen=first_seen)
        except ParcoursError:
            by[seg] = None
    return {
        "retention": _old_retention(full, f, view),
        "value": _old_value(full, f, view),
        "kpis": current,
        "previous_kpis": previous,
        "funnel": fc,
        "previous_funnel": fp,
        "monthly": monthly,
        "flags": flags,
        "by": by,
        "funnel_by": funnels_by,
    }


def _old_retention(full: Dataset, f: Filters, ds: Dataset, **options: Any) -> Any:
    """The old View.retention(**options)."""
    ps = stages.purchase_step(ds)
    if not ds.has_timestamps or ds.events.height == 0:
        return None
    cohort_by = options.pop("cohort_by", None)
    if cohort_by is None:
        steps = set(ds.steps) | set(ds.events["step"].unique().to_list())
        cohort_by = "first_purchase" if steps == {ps} else "first_event"
    ps = options.pop("purchase_step", ps)
    cohorts = retention.cohort_view(full, f, cohort_by=cohort_by, purchase_step=ps)
    everyone = Filters(segments=f.segments).apply(full)
    by = options.get("by")
    extra = [c for c in (by, "signup" if cohort_by == "signup" else None) if c]
    return retention.retention_summary(
        cohorts.events_with(extra),
        cohort_by=cohort_by,
        purchase_step=ps,
        churn_events=everyone.events,
        churn_end=f.end,
        **{"periods": 12, "grain": "month", **options},
    )


def _old_new_customers(full: Dataset, f: Filters, ps: str) -> pl.DataFrame | None:
    """The old value.new_customers_in_view: every event of the segments joined to the channel."""
    seg = Filters(segments=f.segments).apply(full)
    if not seg.has_timestamps or (
        "channel" not in seg.users.columns and "channel" not in seg.events.columns
    ):
        return None
    return value.new_customers(
        seg.events_with(["channel"]), purchase_step=ps, start=f.start, end=f.end
    )


def _old_value(full: Dataset, f: Filters, ds: Dataset, **options: Any) -> Any:
    """The old View.value() with its defaults (or the Value page's ``options``)."""
    ps = stages.purchase_step(ds)
    inputs = value.clv_inputs(ds.events, purchase_step=ps)
    if inputs.aov is None:
        return None
    events = ds.events_with(["channel"]) if "channel" in ds.users.columns else ds.events
    return value.value_summary(
        events,
        ds.spend,
        purchase_step=ps,
        first_purchases=_old_new_customers(full, f, ps),
        **{"years": float(round(inputs.years, 2)), "clv_basis": "channel", **options},
    )


def fast(view: View, segments: list[str]) -> dict[str, Any]:
    return {
        "retention": view.retention(),
        "value": view.value(),
        "kpis": view.kpis(),
        "previous_kpis": view.previous_kpis(),
        "funnel": view.funnel(),
        "previous_funnel": view.previous_funnel(),
        "monthly": view.monthly_duration(),
        "flags": view.red_flags(),
        "by": {seg: view.kpis_by(seg) for seg in segments},
        "funnel_by": _fast_funnels_by(view, segments),
    }


def _fast_funnels_by(view: View, segments: list[str]) -> dict[str, pl.DataFrame | None]:
    out: dict[str, pl.DataFrame | None] = {}
    for seg in segments:
        now = view.funnel_by(seg)
        out[seg] = now
        if now is not None:
            keep = [v for v in now[seg].unique().sort().to_list() if v != "Other"]
            out[f"{seg}|previous"] = view.funnel_by(seg, keep=keep, previous=True)
    return out


# ---------------------------------------------------------------- comparing
def assert_close(a: Any, b: Any, where: str = "") -> None:
    """Equal, floats to ``REL`` relative (NaN equals NaN), recursively."""
    if isinstance(a, pl.DataFrame) or isinstance(b, pl.DataFrame):
        assert isinstance(a, pl.DataFrame) and isinstance(b, pl.DataFrame), where
        assert_frame_equal(a, b, check_exact=False, rel_tol=REL, abs_tol=1e-9)
    elif isinstance(a, float) or isinstance(b, float):
        assert isinstance(a, int | float) and isinstance(b, int | float), (where, a, b)
        assert (math.isnan(a) and math.isnan(b)) or math.isclose(a, b, rel_tol=REL), (
            where,
            a,
            b,
        )
    elif isinstance(a, Fact):
        assert isinstance(b, Fact) and a.code == b.code, (where, a, b)
        assert_close(a.values, b.values, f"{where}/{a.code}")
    elif dataclasses.is_dataclass(a) and not isinstance(a, type):
        assert type(a) is type(b), where
        for fld in dataclasses.fields(a):
            assert_close(getattr(a, fld.name), getattr(b, fld.name), f"{where}.{fld.name}")
    elif isinstance(a, dict):
        assert isinstance(b, dict) and a.keys() == b.keys(), (where, a, b)
        for k in a:
            assert_close(a[k], b[k], f"{where}[{k}]")
    elif isinstance(a, list | tuple):
        assert isinstance(b, list | tuple) and len(a) == len(b), (where, a, b)
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            assert_close(x, y, f"{where}[{i}]")
    else:
        assert a == b, (where, a, b)


def test_assert_close_tells_a_different_count() -> None:
    assert_close([stages.Kpi("users", value=3.0)], [stages.Kpi("users", value=3.0 + 1e-13)])
    with pytest.raises(AssertionError):
        assert_close([stages.Kpi("users", value=3.0)], [stages.Kpi("users", value=4.0)])
    with pytest.raises(AssertionError):
        assert_close(Fact("a", n=1), Fact("a", n=2))


# ---------------------------------------------------------------- random views
def random_filters(full: Dataset, rng: random.Random) -> Filters:
    segments: dict[str, list[str]] = {}
    cols = [c for c in full.segments if c in full.users.columns]
    for col in rng.sample(cols, k=min(len(cols), rng.choice([0, 1, 1, 2]))):
        values = full.users[col].cast(pl.String).fill_null("(none)").unique().sort().to_list()
        chosen = rng.sample(values, k=min(len(values), rng.choice([1, 1, 2])))
        if rng.random() < 0.1:
            chosen.append("no such value")
        segments[col] = chosen
    if rng.random() < 0.05:
        segments["no_such_column"] = ["x"]
    bounds = date_bounds(full)
    kind = rng.choice(["whole", "month", "days", "from"])
    if bounds is None or kind == "whole":
        return Filters(segments=segments)
    lo, hi = bounds
    if kind == "month":
        months = []
        d = date(lo.year, lo.month, 1)
        while d <= hi:
            months.append(d)
            d = date(d.year + (d.month == 12), d.month % 12 + 1, 1)
        start = rng.choice(months)
        nxt = date(start.year + (start.month == 12), start.month % 12 + 1, 1)
        return Filters(start=start, end=nxt - timedelta(days=1), segments=segments)
    span = (hi - lo).days
    start = lo + timedelta(days=rng.randrange(span + 1))
    if kind == "from":
        return Filters(start=start, segments=segments)
    end = start + timedelta(days=rng.randrange(1, 40))
    return Filters(start=start, end=end, segments=segments)


SETTINGS = [
    FunnelSettings(),
    FunnelSettings(order="any", window=None),
    FunnelSettings(open_funnel=True, window=timedelta(days=2)),
]


@pytest.mark.parametrize("seed", range(6))
def test_fast_view_equals_the_direct_computation(full: Dataset, seed: int) -> None:
    rng = random.Random(seed)
    # facts for every selection, for large ones only (the app's), for none but the whole
    cache = PeriodCache(facts_share=(0.0, 0.25, 2.0)[seed % 3])
    segments = [s for s in ("device", "channel") if s in full.users.columns]
    views: list[View] = []
    for _ in range(4):
        f = random_filters(full, rng)
        settings = rng.choice(SETTINGS)
        view = View(full, f, settings, period_cache=cache)
        views.append(view)
        assert_close(reference(full, f, settings, segments), fast(view, segments), repr(f))
    if seed % 3 == 0:  # the facts were used for every view (the data is covered)
        assert all(view._facts_for("view") is not None for view in views)
        assert all(view._fast_funnel("view") is not _NOT_COVERED for view in views)


def test_the_facts_cover_the_generated_and_the_demo_data(full: Dataset) -> None:
    view = View(full, Filters())
    assert view.period_facts() is not None


def test_one_facts_object_per_period_for_every_segment_filter(full: Dataset) -> None:
    cache = PeriodCache()
    october = dict(start=date(2025, 10, 1), end=date(2025, 10, 31))
    a = View(full, Filters(**october, segments={"device": ["mobile"]}), period_cache=cache)
    b = View(full, Filters(**october, segments={"device": ["desktop"]}), period_cache=cache)
    a.kpis(), b.kpis()
    assert a.period_facts() is b.period_facts()

    # every device's users add up to the period's users (each user has one device)
    def users(view: View) -> float:
        return next((k.value or 0.0 for k in view.kpis() if k.code == "users"), 0.0)

    devices = full.users["device"].cast(pl.String).fill_null("(none)").unique().to_list()
    parts = [
        View(full, Filters(**october, segments={"device": [d]}), period_cache=cache)
        for d in devices
    ]
    whole = View(full, Filters(**october), period_cache=cache)
    assert sum(users(v) for v in parts) == users(whole) > 0
    assert all(v.period_facts() is whole.period_facts() for v in parts)


def test_cache_is_bounded_and_follows_the_data_object(full: Dataset) -> None:
    cache = PeriodCache(max_entries=2)
    calls = []
    for i in range(3):
        cache.get(full, i, lambda i=i: calls.append(i) or i)
    assert len(cache) == 2
    assert cache.get(full, 2, lambda: "again") == 2  # kept
    other = dataclasses.replace(full)  # another Dataset object: its own entries
    assert cache.get(other, 2, lambda: "other") == "other"
    assert len(cache) == 1  # and the previous Dataset's are dropped (not kept in memory)
    assert cache.get(full, 2, lambda: "recomputed") == "recomputed"


def test_not_covered_data_falls_back_to_the_direct_computation() -> None:
    """Data the facts do not cover (steps not declared by the data) gives the same answers
    through the direct computation."""
    events = pl.DataFrame(
        {
            "user_id": ["a", "a", "b", "c", "c", "c"],
            "step": ["visit", "purchase", "visit", "visit", "cart", "purchase"],
            "revenue": [None, 10.0, None, None, None, 5.0],
        }
    )
    users = pl.DataFrame({"user_id": ["a", "b", "c"], "device": ["m", "d", "m"]})
    ds = Dataset(events=events, users=users, segments=("device",))
    assert PeriodFacts.build(ds) is None
    f = Filters(segments={"device": ["m"]})
    got = View(ds, f).kpis()
    assert_close(stages.stage_kpis(f.apply(ds)), got)
    assert next(k.value for k in got if k.code == "revenue") == 15.0


def _same_table(a: pl.DataFrame | None, b: pl.DataFrame | None) -> None:
    assert (a is None) == (b is None)
    if a is not None and b is not None:
        assert_frame_equal(a, b)  # same rows in the same order


@pytest.mark.parametrize("seed", range(4))
def test_cache_apply_is_filters_apply(full: Dataset, seed: int) -> None:
    rng = random.Random(100 + seed)
    cache = PeriodCache()
    for _ in range(5):
        f = random_filters(full, rng)
        got, want = cache.apply(full, f), f.apply(full)
        for table in ("events", "users", "survey", "spend", "counts"):
            _same_table(getattr(got, table), getattr(want, table))
        assert (got.steps, got.segments, got.currency) == (want.steps, want.segments, want.currency)


def test_step_test_is_compare_p_value_and_method() -> None:
    """The red flags' step test gives abtest.compare's p-value and method (reference)."""
    from kpi.abtest import compare

    rng = random.Random(5)
    cases = [(0, 10, 0, 10), (10, 10, 10, 10), (0, 1, 1, 1), (3, 7, 1, 9), (50, 900, 80, 1000)]
    for _ in range(300):
        na, nb = rng.choice([1, 3, 8, 20, 200, 5000]), rng.choice([1, 4, 9, 30, 300, 7000])
        cases.append((rng.randint(0, na), na, rng.randint(0, nb), nb))
    for xa, na, xb, nb in cases:
        res = compare(xa, na, xb, nb)
        p, method = alerts.step_test(xa, na, xb, nb)
        assert method == res.method or (p is None and res.p_value is None), (xa, na, xb, nb)
        assert p == res.p_value, (xa, na, xb, nb)
    with pytest.raises(ParcoursError):
        alerts.step_test(5, 3, 1, 2)  # more users than entered


RETENTION = [
    {"mode": "on_or_after"},
    {"cohort_by": "first_purchase", "return_step": "purchase"},
    {"return_step": "add_to_cart", "periods": 3},
    {"cohort_by": "first_purchase", "mode": "on_or_after", "periods": 0},
    {"by": "device"},
    {"cohort_by": "signup"},
    {"grain": "week", "purchase_step": "checkout"},
    {"grain": "day", "periods": 5, "mode": "on_or_after"},
]


@pytest.mark.parametrize("seed", range(3))
def test_retention_options_equal_the_direct_computation(full: Dataset, seed: int) -> None:
    rng = random.Random(200 + seed)
    cache = PeriodCache()
    for options in RETENTION:
        f = random_filters(full, rng)
        view = View(full, f, period_cache=cache)
        assert_close(_old_retention(full, f, f.apply(full), **options), view.retention(**options))


def test_facts_grouped_on_ids_or_on_user_rows_agree(full: Dataset) -> None:
    """The facts built without the events' user rows (grouped on the text ids) give the same
    KPIs as those grouped on the rows (the View's)."""
    first_seen = full.users.select("user_id", "first_seen")
    cache = PeriodCache()
    rng = random.Random(9)
    for _ in range(4):
        f = random_filters(full, rng)
        period = cache.period(full, f)
        on_ids = PeriodFacts.build(period, first_seen)
        on_rows = PeriodFacts.build(period, first_seen, cache.user_rows(full, f))
        if on_ids is None or on_rows is None:
            assert on_ids is None and on_rows is None
            continue
        assert_close(on_ids.stage_kpis(f), on_rows.stage_kpis(f), repr(f))
        assert_close(on_ids.stage_kpis(f), stages.stage_kpis(f.apply(full), first_seen=first_seen))
        assert_close(on_ids.stage_kpis_by(f, "channel"), on_rows.stage_kpis_by(f, "channel"))
        assert_close(on_ids.monthly_duration(f), on_rows.monthly_duration(f))


@pytest.mark.parametrize(
    "options",
    [
        {"clv_basis": "shop"},
        {"aov": 50.0, "purchases_per_year": 2.5, "years": 3.0, "currency": "EUR"},
        {"years": 1.5, "clv_basis": "channel"},
    ],
)
def test_value_options_equal_the_direct_computation(full: Dataset, options: dict) -> None:
    rng = random.Random(300)
    cache = PeriodCache()
    for _ in range(3):
        f = random_filters(full, rng)
        view = View(full, f, period_cache=cache)
        assert_close(_old_value(full, f, f.apply(full), **options), view.value(**options))


@pytest.mark.parametrize(
    "segments",
    [{"no_such_column": ["x"]}, {"device": ["no such value"]}, {"device": []}],
)
def test_filters_on_nothing_the_data_has(full: Dataset, segments: dict) -> None:
    """A filter on a column the users do not have keeps every user of the users table, one
    on a value nobody has keeps none; an empty list is no filter: as Filters.apply."""
    cache = PeriodCache(facts_share=0.0)
    for period in ({}, {"start": date(2025, 10, 1), "end": date(2025, 10, 31)}):
        f = Filters(segments=segments, **period)
        segs = ["device"]
        assert_close(
            reference(full, f, FunnelSettings(), segs),
            fast(View(full, f, period_cache=cache), segs),
        )
        got, want = cache.apply(full, f), f.apply(full)
        _same_table(got.events, want.events)
        _same_table(got.users, want.users)
