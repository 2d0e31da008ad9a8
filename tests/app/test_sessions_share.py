"""What two sessions share: the demo data's analyses (computed once per server), never an
upload (each session sees only its own numbers)."""

from __future__ import annotations

import polars as pl
from streamlit.testing.v1 import AppTest

from kpi import funnel, stages
from pages._ui import compute, state
from tests.app.conftest import ROOT, errors_and_exceptions

FUNNEL = "pages/funnel_view.py"


def _session() -> AppTest:
    return AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)


def _events(n_users: int, buyers: int, tag: str) -> bytes:
    """``n_users`` visit, the first ``buyers`` of them buy an hour later (one device each)."""
    rows = ["user_id,event,ts,device"]
    for i in range(n_users):
        device = "mobile" if i % 2 else "desktop"
        rows.append(f"{tag}{i},visit,2025-02-{1 + i % 20:02d} 10:00,{device}")
        if i < buyers:
            rows.append(f"{tag}{i},purchase,2025-02-{1 + i % 20:02d} 11:00,{device}")
    return ("\n".join(rows) + "\n").encode()


def _funnel_users(at: AppTest) -> list[int]:
    for df in at.dataframe:
        value = df.value
        if {"step", "users"} <= set(value.columns):
            return [int(u) for u in pl.from_pandas(value)["users"].to_list()]
    raise AssertionError("no funnel table on screen")


def _upload(at: AppTest, name: str, data: bytes) -> None:
    at.run()
    at.sidebar.file_uploader[0].set_value((name, data, "text/csv")).run()
    at.switch_page(FUNNEL).run()
    assert errors_and_exceptions(at) == []


def test_two_uploads_never_see_each_others_numbers():
    a, b = _session(), _session()
    data_a, data_b = _events(40, 12, "a"), _events(25, 3, "b")
    _upload(a, "a.csv", data_a)
    _upload(b, "b.csv", data_b)
    assert _funnel_users(a) == [40, 12]
    assert _funnel_users(b) == [25, 3]
    # each session again, after the other one's clicks: still its own numbers
    b.sidebar.multiselect(key="device").set_value(["mobile"]).run()
    a.run()
    assert _funnel_users(a) == [40, 12]
    assert _funnel_users(b) == [12, 1]  # b1, b3 … b23 are on mobile, b1 bought
    a.sidebar.multiselect(key="device").set_value(["desktop"]).run()
    assert _funnel_users(a) == [20, 6]  # a0, a2 … a10 bought
    assert _funnel_users(b) == [12, 1]
    # nothing of an upload is kept server-wide: the shared Views are the demo's only
    digest_a = state._digest(data_a)
    digest_b = state._digest(data_b)
    views, _ = compute._shared_views()
    data, _ = compute._shared_data()
    for key in [*views, *(str(k) for k in data)]:
        assert digest_a not in key and digest_b not in key
    demo = {id(state._demo_at_grain(g)) for g in ("month", "week")}
    assert all(id(v.full) in demo for v in views.values())
    # and neither session holds the other's data
    ids_a = {f.digest for f in a.session_state["uploads"]}
    ids_b = {f.digest for f in b.session_state["uploads"]}
    assert ids_a == {digest_a} and ids_b == {digest_b}
    for at, other in ((a, b), (b, a)):
        mine = at.session_state["dataset"]
        theirs = other.session_state["dataset"]
        assert mine is not theirs
        # its Views: of its own upload, or of the demo it showed before the upload
        fulls = [v.full for v in at.session_state["_views"].values()]
        assert all(f is mine or id(f) in demo for f in fulls)
        assert not any(f is theirs for f in fulls)


def test_the_demo_data_is_computed_once_for_every_session(monkeypatch):
    kpi_calls, funnel_calls = [], []
    real_kpis, real_table = stages.stage_kpis, funnel.funnel_table
    real_progress = funnel.funnel_progress
    monkeypatch.setattr(
        stages, "stage_kpis", lambda *a, **k: kpi_calls.append(1) or real_kpis(*a, **k)
    )
    monkeypatch.setattr(
        funnel, "funnel_table", lambda *a, **k: funnel_calls.append(1) or real_table(*a, **k)
    )
    # the View's funnel is read from the period's funnel progress (kept per server: the demo)
    monkeypatch.setattr(
        funnel,
        "funnel_progress",
        lambda *a, **k: funnel_calls.append(1) or real_progress(*a, **k),
    )
    first, second = _session(), _session()
    first.run()
    first.switch_page(FUNNEL).run()
    assert errors_and_exceptions(first) == []
    assert kpi_calls and funnel_calls
    computed = (len(kpi_calls), len(funnel_calls))
    shown = _funnel_users(first)

    second.query_params["lang"] = "fr"  # the numbers do not depend on the language
    second.run()
    second.switch_page(FUNNEL).run()
    assert errors_and_exceptions(second) == []
    assert (len(kpi_calls), len(funnel_calls)) == computed  # nothing computed again
    assert _funnel_users(second) == shown
    view_1 = list(first.session_state["_views"].values())[-1]
    view_2 = list(second.session_state["_views"].values())[-1]
    assert view_1 is view_2  # one View of the demo for both sessions
    assert view_1.full is first.session_state["dataset"] is second.session_state["dataset"]

    # a filter in one session is that session's view only
    second.sidebar.multiselect(key="device").set_value(["mobile"]).run()
    assert errors_and_exceptions(second) == []
    first.run()
    assert _funnel_users(first) == shown
    assert _funnel_users(second) != shown
    assert first.session_state["filters"].key() != second.session_state["filters"].key()
