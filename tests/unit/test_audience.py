"""The users behind a number (kpi.audience) against brute-force Python sets, and the CSV
file (kpi.export.audience_csv) in English and French.

References: a funnel walked user by user in plain Python (every step-1 event starts an
attempt; the next step is the first later-or-equal event of it within the window from the
attempt's start; the best attempt counts), and cohorts counted user by user (anchor = first
event, cohort = its calendar month, active in period N = an event in the N-th month after).
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta

import polars as pl
import pytest

from kpi import audience
from kpi.errors import InputError
from kpi.export.audience_csv import audience_csv, file_name, safe_cell
from kpi.filters import Filters
from kpi.schema import TableInput, build_dataset
from kpi.settings import FunnelSettings
from kpi.view import View
from kpi.words import Fact
from tests.engine.engine_data import events as shop_events

STEPS = ("visit", "product", "cart", "purchase")
WINDOW = timedelta(days=14)


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
def small_view() -> View:
    ds = build_dataset([TableInput("events.csv", _small())])
    return View(ds, Filters(), FunnelSettings(steps=("visit", "cart", "purchase")))


def test_small_log_by_hand(small_view: View) -> None:
    """visit: u1 u2 u3 u4 (u5 has no visit); cart: u1 u2 u4; purchase: u1 only (u4's is 27
    days after the visit, outside the 14-day window). Dropped after cart: u2, u4."""
    ids = lambda k, kind="reached": audience.funnel_audience(small_view, k, kind).ids.to_list()  # noqa: E731
    assert ids(1) == ["u1", "u2", "u3", "u4"]
    assert ids(2) == ["u1", "u2", "u4"]
    assert ids(3) == ["u1"]
    assert ids(1, "dropped") == ["u3"]
    assert ids(2, "dropped") == ["u2", "u4"]
    table = small_view.funnel()
    assert table is not None and table["users"].to_list() == [4, 3, 1]
    with pytest.raises(InputError):
        audience.funnel_audience(small_view, 3, "dropped")  # no step after the last
    with pytest.raises(InputError):
        audience.funnel_audience(small_view, 4)
    # January cohort: u1 u2 u3 (first events in January); in February only u3 came back
    jan = audience.cohort_audience(small_view, date(2025, 1, 1), 1)
    assert jan.ids.to_list() == ["u3"] and jan.total == 1
    assert audience.cohort_audience(small_view, date(2025, 1, 1), 0).ids.to_list() == [
        "u1",
        "u2",
        "u3",
    ]
    # February cohort: u4 u5; u4 came back in March
    assert audience.cohort_audience(small_view, date(2025, 2, 1), 1).ids.to_list() == ["u4"]
    # on or after: January cohort in period 1 or later: u3 (Feb) only, period 2: nobody
    on_after = audience.cohort_audience(small_view, date(2025, 1, 1), 2, mode="on_or_after")
    assert on_after.total == 0


def _brute_funnel(log: pl.DataFrame, steps: tuple[str, ...], window: timedelta) -> dict[str, int]:
    """Each user's steps reached (best attempt), walked in Python."""
    by_user: dict[str, list[tuple[datetime, str]]] = defaultdict(list)
    for u, ts, step in log.select("user_id", "ts", "step").iter_rows():
        by_user[u].append((ts, step))
    out = {}
    for u, evs in by_user.items():
        evs.sort()
        best = 0
        for i, (t0, s0) in enumerate(evs):
            if s0 != steps[0]:
                continue
            level, t = 1, t0
            for step in steps[1:]:
                nxt = next(
                    (ts for ts, s in evs[i:] if s == step and ts >= t and ts - t0 <= window), None
                )
                if nxt is None:
                    break
                level, t = level + 1, nxt
            best = max(best, level)
        out[u] = best
    return out


@pytest.fixture(scope="module")
def shop() -> tuple[pl.DataFrame, object]:
    log = shop_events(300, seed=11)
    ds = build_dataset([TableInput("events.csv", log)])
    return log, ds


@pytest.mark.parametrize("segment", [None, "mobile"])
def test_funnel_ids_are_the_brute_force_sets(shop, segment) -> None:  # type: ignore[no-untyped-def]
    log, ds = shop
    filters = Filters(segments={"device": [segment]}) if segment else Filters()
    view = View(ds, filters, FunnelSettings(steps=STEPS, window=WINDOW))
    if segment:
        log = log.filter(pl.col("device") == segment)
    level = _brute_funnel(log, STEPS, WINDOW)
    table = view.funnel()
    assert table is not None
    for k in range(1, len(STEPS) + 1):
        want = sorted(u for u, n in level.items() if n >= k)
        got = audience.funnel_audience(view, k)
        assert got.ids.to_list() == want, k
        assert got.total == int(table["users"][k - 1])  # the number it explains
        if k < len(STEPS):
            dropped = sorted(u for u, n in level.items() if n == k)
            got_d = audience.funnel_audience(view, k, "dropped")
            assert got_d.ids.to_list() == dropped
            assert got_d.total == int(table["users"][k - 1] - table["users"][k])


def _brute_cohorts(log: pl.DataFrame) -> tuple[dict[str, int], dict[str, set[int]]]:
    """Each user's cohort (month index of the first event) and the periods they were active."""
    first: dict[str, datetime] = {}
    for u, ts in log.select("user_id", "ts").iter_rows():
        if u not in first or ts < first[u]:
            first[u] = ts
    idx = lambda t: t.year * 12 + t.month - 1  # noqa: E731
    cohort = {u: idx(t) for u, t in first.items()}
    active: dict[str, set[int]] = defaultdict(set)
    for u, ts in log.select("user_id", "ts").iter_rows():
        active[u].add(idx(ts) - cohort[u])
    return cohort, active


@pytest.mark.parametrize("mode", ["on", "on_or_after"])
@pytest.mark.parametrize("segment", [None, "desktop"])
def test_cohort_cell_ids_are_the_brute_force_sets(shop, mode, segment) -> None:  # type: ignore[no-untyped-def]
    log, ds = shop
    filters = Filters(segments={"device": [segment]}) if segment else Filters()
    view = View(ds, filters)
    if segment:
        log = log.filter(pl.col("device") == segment)
    cohort, active = _brute_cohorts(log)
    summary = view.retention(mode=mode)
    assert summary is not None
    cells = summary.table.select("cohort_start", "period", "retained").iter_rows()
    checked = 0
    for start, period, retained in cells:
        c = start.year * 12 + start.month - 1
        if mode == "on":
            want = sorted(u for u in cohort if cohort[u] == c and period in active[u])
        else:
            want = sorted(u for u in cohort if cohort[u] == c and max(active[u]) >= period)
        got = audience.cohort_audience(view, start, period, mode=mode)
        assert got.ids.to_list() == want, (start, period)
        assert got.total == retained  # the cohort table's own count
        checked += 1
    assert checked >= 10


def test_a_signup_anchor_is_said_not_offered(small_view: View) -> None:
    with pytest.raises(InputError) as err:
        audience.cohort_audience(small_view, date(2025, 1, 1), 1, cohort_by="signup")
    assert err.value.message == Fact("audience.error.cohort_anchor")


def _read(data: bytes, sep: str) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 with a BOM, for Excel
    return list(csv.reader(io.StringIO(data[3:].decode("utf-8")), delimiter=sep))


WHEN = datetime(2026, 12, 2, 1, 30, tzinfo=UTC)


def test_the_file_says_where_it_came_from_in_english(small_view: View) -> None:
    got = audience.funnel_audience(small_view, 2, "dropped")
    data = audience_csv(
        got, lang="en", lines=[(Fact("export.summary.data"), "events.csv")], generated_at=WHEN
    )
    rows = _read(data, ",")
    assert rows[0] == ["# Parcours: the users behind a number"]
    assert rows[1] == ["# Number", "reached step 2 of 3 (cart) and dropped off before purchase"]
    assert rows[2] == ["# Users", "2"]
    assert rows[3] == ["# Listed", "every user (2)"]
    assert rows[4] == ["# Data", "events.csv"]
    assert rows[5] == ["# Generated", "2026-12-02 01:30 UTC"]
    assert rows[6:] == [["user_id"], ["u2"], ["u4"]]
    assert data.count(b"\r\n") == len(rows)  # CRLF lines, as Excel writes them


def test_the_file_in_french_uses_semicolons_and_french_words(small_view: View) -> None:
    got = audience.cohort_audience(small_view, date(2025, 1, 1), 0, cohort="janv. 2025")
    data = audience_csv(
        got, lang="fr", lines=[(Fact("export.summary.data"), "données; été.csv")], generated_at=WHEN
    )
    rows = _read(data, ";")
    assert rows[0] == ["# Parcours\u00a0: les utilisateurs derrière un chiffre"]
    assert rows[1] == ["# Chiffre", "cohorte janv. 2025, actifs le mois 0 après leur début"]
    assert rows[2] == ["# Utilisateurs", "3"]
    assert rows[4] == ["# Données", "données; été.csv"]  # a ';' in a value is quoted
    assert rows[5] == ["# Généré le", "2026-12-02 01:30 UTC"]
    assert rows[6:] == [["user_id"], ["u1"], ["u2"], ["u3"]]
    without = _read(audience_csv(got, lang="fr", header=False), ";")
    assert without == [["user_id"], ["u1"], ["u2"], ["u3"]]


def test_formula_like_ids_are_written_as_text() -> None:
    assert safe_cell('=HYPERLINK("x")') == '\'=HYPERLINK("x")'
    assert safe_cell("+33612") == "'+33612"
    assert safe_cell("@me") == "'@me"
    assert safe_cell("-12") == "-12"  # a plain negative number stays a number
    assert safe_cell("u-1") == "u-1"
    ids = audience.Audience(pl.Series(["=1+1", "ok"]), Fact("audience.csv.number"), "reached", 2)
    rows = _read(audience_csv(ids, lang="en", header=False), ",")
    assert rows == [["user_id"], ["'=1+1"], ["ok"]]
    assert file_name("funnel", "dropped", WHEN) == "parcours-users-funnel-dropped-2026-12-02.csv"


@pytest.mark.parametrize(
    "settings",
    [
        FunnelSettings(steps=STEPS, order="any", window=WINDOW),
        FunnelSettings(steps=STEPS, open_funnel=True, window=WINDOW),
        FunnelSettings(steps=STEPS, window=None),
    ],
    ids=["any_order", "open", "no_window"],
)
def test_every_funnel_setting_lists_the_tables_counts(shop, settings) -> None:  # type: ignore[no-untyped-def]
    """Any order, an open funnel (users enter at any step) and no window: the ids behind a
    step are as many as the funnel table's users, the drop-offs as the difference."""
    _, ds = shop
    view = View(ds, Filters(segments={"device": ["tablet"]}), settings)
    table = view.funnel()
    assert table is not None
    users = table["users"].to_list()
    for k in range(1, len(STEPS) + 1):
        assert audience.funnel_audience(view, k).total == users[k - 1], k
    if not settings.open_funnel:
        for k in range(1, len(STEPS)):
            assert audience.funnel_audience(view, k, "dropped").total == users[k - 1] - users[k]
