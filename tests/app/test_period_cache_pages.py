"""The pages read an upload's segment filters from the session's period cache.

Segments are user attributes: the period's per-user facts and funnel progress are built once
(the first view of the period) and every device or channel filter of the Funnel and Stage
KPIs pages is then read from them, without a pass over the filtered events (no stage KPIs or
funnel computed on a filtered Dataset). The numbers on screen are the direct computation's
(plain polars on the uploaded rows). Each session has its own period cache: an upload's is
never another session's, nor the server's demo cache.
"""

from __future__ import annotations

import importlib.util
import io

import polars as pl
from streamlit.testing.v1 import AppTest

from kpi import funnel, stages
from kpi.journey.facts import PeriodFacts
from pages._ui import compute
from tests.app.conftest import ROOT, errors_and_exceptions

FUNNEL = "pages/funnel_view.py"
STAGES = "pages/stages_view.py"


def _generated(n_events: int = 6_000) -> pl.DataFrame:
    spec = importlib.util.spec_from_file_location("bench_gen", ROOT / "bench" / "gen.py")
    assert spec is not None and spec.loader is not None
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    return gen.event_log(n_events)


def _csv(frame: pl.DataFrame) -> bytes:
    buf = io.BytesIO()
    frame.write_csv(buf)
    return buf.getvalue()


def _first_step_users(at: AppTest) -> int:
    for df in at.dataframe:
        value = df.value
        if {"step", "users"} <= set(value.columns):
            return int(pl.from_pandas(value)["users"][0])
    raise AssertionError("no funnel table on screen")


def _session() -> AppTest:
    return AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)


def test_segment_filters_are_read_from_the_period_facts(monkeypatch):
    frame = _generated()
    calls = {"facts": 0, "filtered_kpis": 0, "funnel_table": 0, "funnel": 0}
    real_build = PeriodFacts.build.__func__  # type: ignore[attr-defined]
    real_kpis, real_table, real_funnel = stages.stage_kpis, funnel.funnel_table, funnel.funnel

    def build(cls, *a, **k):
        calls["facts"] += 1
        return real_build(cls, *a, **k)

    def kpis(*a, **k):
        if k.get("facts") is None:  # a pass over a (filtered) Dataset's events
            calls["filtered_kpis"] += 1
        return real_kpis(*a, **k)

    def table(*a, **k):
        calls["funnel_table"] += 1
        return real_table(*a, **k)

    def funnel_(*a, **k):
        if k.get("by"):  # the breakdown (the page's "did the step before" check is not)
            calls["funnel"] += 1
        return real_funnel(*a, **k)

    monkeypatch.setattr(PeriodFacts, "build", classmethod(build))
    monkeypatch.setattr(stages, "stage_kpis", kpis)
    monkeypatch.setattr(funnel, "funnel_table", table)
    monkeypatch.setattr(funnel, "funnel", funnel_)

    at = _session()
    at.run()  # the demo data (its facts are the server's)
    calls.update(dict.fromkeys(calls, 0))
    at.sidebar.file_uploader[0].set_value(("events.csv", _csv(frame), "text/csv")).run()
    at.switch_page(FUNNEL).run()
    assert errors_and_exceptions(at) == []
    assert _first_step_users(at) == frame["user_id"].n_unique()
    assert calls["facts"] == 1  # the whole data's facts: its first view
    before = dict(calls)

    # the first device filter, both pages; then another device and a channel
    for filters in ({"device": ["mobile"]}, {"device": ["desktop"]}):
        for name, values in filters.items():
            at.sidebar.multiselect(key=name).set_value(values).run()
        for page in (FUNNEL, STAGES):
            at.switch_page(page).run()
            assert errors_and_exceptions(at) == []
        at.switch_page(FUNNEL).run()
        want = frame.filter(pl.col("device").is_in(filters["device"]))["user_id"].n_unique()
        assert _first_step_users(at) == want
    at.sidebar.multiselect(key="channel").set_value([frame["channel"][0]]).run()
    at.switch_page(STAGES).run()
    assert errors_and_exceptions(at) == []
    at.switch_page(FUNNEL).run()
    assert errors_and_exceptions(at) == []
    want = frame.filter(
        pl.col("device").is_in(["desktop"]) & (pl.col("channel") == frame["channel"][0])
    )["user_id"].n_unique()
    assert _first_step_users(at) == want

    # no new facts, no stage KPIs, funnel or breakdown computed on a filtered Dataset
    assert calls == before, (before, calls)
    cache = at.session_state["_period_cache"]
    full = at.session_state["dataset"]
    views = [v for v in at.session_state["_views"].values() if v.full is full]
    assert views and all(v.period_cache is cache for v in views)


def test_two_sessions_never_share_a_period_cache_with_an_upload():
    a, b = _session(), _session()
    data = _csv(_generated())
    for at in (a, b):  # the same file in both: still two caches
        at.run()
        at.sidebar.file_uploader[0].set_value(("events.csv", data, "text/csv")).run()
        at.switch_page(FUNNEL).run()
        at.sidebar.multiselect(key="device").set_value(["mobile"]).run()
        assert errors_and_exceptions(at) == []
    cache_a, cache_b = a.session_state["_period_cache"], b.session_state["_period_cache"]
    assert cache_a is not cache_b
    assert len(cache_a) and len(cache_b)
    for at, cache in ((a, cache_a), (b, cache_b)):
        full = at.session_state["dataset"]
        upload_views = [v for v in at.session_state["_views"].values() if v.full is full]
        assert upload_views and all(v.period_cache is cache for v in upload_views)
        assert all(entry[0] is full for entry in cache._entries.values())
    # the server's (demo) period caches hold the demo only
    demo_caches, _ = compute._demo_period_caches()
    uploads = {id(a.session_state["dataset"]), id(b.session_state["dataset"])}
    for full, shared in demo_caches.values():
        assert id(full) not in uploads
        assert all(entry[0] is full for entry in shared._entries.values())
    assert all(not isinstance(c, compute.SharedPeriodCache) for c in (cache_a, cache_b))


def test_the_demo_period_cache_computes_each_entry_once_for_ten_sessions():
    import threading
    import time

    from kpi.dataset import Dataset

    events = pl.DataFrame({"user_id": ["a"], "step": ["visit"]})
    full = Dataset(events=events, users=events.select("user_id"))
    cache = compute.SharedPeriodCache()
    computed: list[str] = []
    barrier = threading.Barrier(10)

    def slow(key: str) -> str:
        computed.append(key)
        time.sleep(0.05)  # other threads ask meanwhile
        return key.upper()

    def session(i: int) -> None:
        barrier.wait()
        for key in ("p1", f"own{i % 3}", "p1", "p2"):
            # an entry that asks for another one inside its computation (facts -> rows)
            inner = cache.get(
                full, key, lambda k=key: slow(k) + cache.get(full, "rows", lambda: slow("rows"))
            )
            assert inner == key.upper() + "ROWS"

    threads = [threading.Thread(target=session, args=(i,)) for i in range(10)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert sorted(computed) == sorted(["p1", "p2", "own0", "own1", "own2", "rows"])
    assert len(cache) == 6


def test_the_inherited_memo_keys_are_the_views_own():
    """A renamed memo key of kpi/view.py would silently be recomputed (never inherited): every
    name compute.py lists is one the View keeps, and every key the View keeps is listed as
    inherited or not on purpose."""
    import re

    source = (ROOT / "kpi" / "view.py").read_text()
    plain = set(re.findall(r'memo\(\s*"([^"]+)"', source))
    prefixes = {p + "|" for p in re.findall(r'(?:memo\(\s*|key = )f"([a-z_]+)\|', source)}
    # kpis / prev_kpis: the key is an argument of View._kpis
    plain |= set(re.findall(r'self\._kpis\("([a-z_]+)"', source))
    listed = set(compute._INHERITED) | set(compute._SAME_FUNNEL)
    assert listed <= plain, listed - plain
    listed_prefixes = set(compute._INHERITED_PREFIXES) - {"page:"}
    listed_prefixes |= set(compute._SAME_FUNNEL_PREFIXES)
    assert listed_prefixes <= prefixes, listed_prefixes - prefixes
    # settings-dependent on purpose (recomputed with other funnel settings): the breakdown
    # segment, and the users an exclusion step took out of the funnel
    assert plain - listed == {"segment", "funnel_excluded"}, plain - listed
    assert prefixes - listed_prefixes == set(), prefixes - listed_prefixes
