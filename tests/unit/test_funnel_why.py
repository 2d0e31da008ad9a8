"""Why they drop: next events against a brute-force count, odds ratios and intervals against
statsmodels' Table2x2, p-values against scipy, BH against statsmodels' multipletests, and the
Kaggle e-commerce funnel (a shared dataset) against hand-computed odds ratios."""

from __future__ import annotations

import datetime as dt
import math
import random
from collections import Counter
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from scipy import stats
from statsmodels.stats.contingency_tables import Table2x2
from statsmodels.stats.multitest import multipletests

from kpi.errors import InputError
from kpi.filters import Filters
from kpi.funnel import funnel_progress, why
from kpi.funnel.drivers import drivers, odds_ratio_tests
from kpi.funnel.next_events import next_events

DATASETS = Path(__file__).resolve().parents[2].parent / "shared" / "datasets"
T0 = dt.datetime(2025, 3, 1)
STEPS = ["A", "B", "C", "D"]


def _log(seed: int = 7, users: int = 300) -> pl.DataFrame:
    """A random log: funnel steps A..D and other events X, Y, minutes apart, with ties."""
    rng = random.Random(seed)
    rows = []
    for u in range(users):
        for _ in range(rng.randint(1, 9)):
            rows.append(
                (f"u{u}", rng.choice(["A", "A", "B", "B", "C", "D", "X", "Y"]), rng.randint(0, 90))
            )
    rng.shuffle(rows)
    return pl.DataFrame(
        {
            "user_id": [r[0] for r in rows],
            "step": [r[1] for r in rows],
            "ts": [T0 + dt.timedelta(minutes=r[2]) for r in rows],
        }
    )


def _brute_next(log: pl.DataFrame, k: int, window: dt.timedelta | None) -> tuple[int, Counter]:
    """Brute force: for each user, every A event starts an attempt; the chain takes the earliest
    event of each next step at or after the previous one, within the window from the start.
    The user's level is the best attempt's, t_k the time of step k in the latest start that
    reaches it. Dropped at k: level == k. Next event: the first event (data order on ties)
    strictly after t_k and no later than start + window."""
    by_user: dict[str, list[tuple[dt.datetime, int, str]]] = {}
    for i, (u, s, t) in enumerate(log.iter_rows()):
        by_user.setdefault(u, []).append((t, i, s))
    dropped, nexts = 0, Counter()
    for evs in by_user.values():
        best = (0, None, None)  # level, start, t_k
        for t_start, _, s in sorted(evs):
            if s != STEPS[0]:
                continue
            level, prev, times = 1, t_start, [t_start]
            for step in STEPS[1:]:
                cands = [
                    t
                    for t, _, s2 in evs
                    if s2 == step and t >= prev and (window is None or t - t_start <= window)
                ]
                if not cands:
                    break
                prev = min(cands)
                times.append(prev)
                level += 1
            if level >= best[0]:  # later starts win ties (sorted by time)
                t_k = times[k - 1] if level >= k else None
                best = (level, t_start, t_k)
        level, start, t_k = best
        if level != k:
            continue
        dropped += 1
        after = sorted(
            (t, i, s) for t, i, s in evs if t > t_k and (window is None or t <= start + window)
        )
        nexts[after[0][2] if after else None] += 1
    return dropped, nexts


@pytest.mark.parametrize("window", [dt.timedelta(minutes=30), None])
@pytest.mark.parametrize("k", [1, 2, 3])
def test_next_events_match_a_brute_force_count(k: int, window: dt.timedelta | None) -> None:
    log = _log()
    prog = funnel_progress(log, STEPS, window=window)
    got = next_events(log, prog, k, window=window)
    dropped, expected = _brute_next(log, k, window)
    assert dropped > 10  # the log exercises the case
    assert got.dropped == dropped
    counts = {e: n for e, n in got.table.select("event", "users").iter_rows()}
    assert counts == {e: n for e, n in expected.items()} | {None: expected.get(None, 0)}
    assert got.table["share"].sum() == pytest.approx(1.0)
    assert got.table["event"][-1] is None  # "no further event" last
    ranked = got.table["users"].to_list()[:-1]
    assert ranked == sorted(ranked, reverse=True)


def test_next_events_hand_computed() -> None:
    """u1: A 0, B 5, X 6 (dropped at B, next X). u2: A 0, B 1, B 2 (next B itself: another
    B event), u3: A 0, B 1, then Y at 40 min, outside the 30-minute window from A (no further
    event), u4 converts (A, B, C), u5: A only (dropped at A, next: nothing)."""
    m = dt.timedelta(minutes=1)
    rows = [
        ("u1", "A", 0), ("u1", "B", 5), ("u1", "X", 6), ("u1", "Y", 7),
        ("u2", "A", 0), ("u2", "B", 1), ("u2", "B", 2),
        ("u3", "A", 0), ("u3", "B", 1), ("u3", "Y", 40),
        ("u4", "A", 0), ("u4", "B", 1), ("u4", "C", 2),
        ("u5", "A", 0),
    ]  # fmt: skip
    log = pl.DataFrame(
        {
            "user_id": [r[0] for r in rows],
            "step": [r[1] for r in rows],
            "ts": [T0 + r[2] * m for r in rows],
        }
    )
    prog = funnel_progress(log, ["A", "B", "C"], window=30 * m)
    got = next_events(log, prog, 2, window=30 * m)
    assert got.dropped == 3
    assert got.table.rows() == [("B", 1, 1 / 3), ("X", 1, 1 / 3), (None, 1, 1 / 3)]
    only_u1 = next_events(log, prog, 2, window=30 * m, users=pl.DataFrame({"user_id": ["u1"]}))
    assert only_u1.table.rows() == [("X", 1, 1.0), (None, 0, 0.0)]
    first = next_events(log, prog, 1, window=30 * m)
    assert first.table.rows() == [(None, 1, 1.0)]  # u5


def test_next_events_need_an_ordered_timed_funnel() -> None:
    log = _log(users=20)
    with pytest.raises(InputError):
        next_events(log.drop("ts"), funnel_progress(log.drop("ts"), STEPS), 1)
    with pytest.raises(InputError):
        next_events(log, funnel_progress(log, STEPS, open_funnel=True), 1)
    with pytest.raises(InputError):
        next_events(log, funnel_progress(log, STEPS), 4)  # the last step has no next one


TABLES = [
    (12, 5, 9, 30),  # every expected cell >= 5: chi-square
    (3, 40, 1, 56),  # small expected cells: Fisher
    (0, 25, 7, 18),  # a zero cell: 0.5 added
    (150, 9_850, 302, 29_898),
    (40, 0, 35, 2),
]


def test_odds_ratios_and_woolf_intervals_match_statsmodels() -> None:
    a, b, c, d = (np.array(x) for x in zip(*TABLES, strict=True))
    got = odds_ratio_tests(a, b, c, d)
    for i, (ai, bi, ci, di) in enumerate(TABLES):
        cells = np.array([[ai, bi], [ci, di]], dtype=float)
        # Haldane–Anscombe: 0.5 added to every cell of a table with a 0 (statsmodels' own
        # shift_zeros puts 0.5 in the zero cells only, so the shifted table is given to it)
        ref = Table2x2(cells + 0.5 if (cells == 0).any() else cells, shift_zeros=False)
        low, high = ref.oddsratio_confint(alpha=0.05, method="normal")
        assert got["odds_ratio"][i] == pytest.approx(ref.oddsratio, rel=1e-12)
        assert got["ci_low"][i] == pytest.approx(low, rel=1e-9)
        assert got["ci_high"][i] == pytest.approx(high, rel=1e-9)
        assert got["corrected"][i] == (0 in (ai, bi, ci, di))
    # by hand, the first table: OR = 12·30 / (5·9) = 8; SE = √(1/12 + 1/5 + 1/9 + 1/30)
    se = math.sqrt(1 / 12 + 1 / 5 + 1 / 9 + 1 / 30)
    assert got["odds_ratio"][0] == pytest.approx(8.0)
    assert got["ci_low"][0] == pytest.approx(8 * math.exp(-1.959963984540054 * se))


def test_p_values_chi_square_or_fisher_match_scipy() -> None:
    a, b, c, d = (np.array(x) for x in zip(*TABLES, strict=True))
    got = odds_ratio_tests(a, b, c, d)
    for i, (ai, bi, ci, di) in enumerate(TABLES):
        table = [[ai, bi], [ci, di]]
        expected = stats.contingency.expected_freq(table)
        if expected.min() >= 5:
            assert got["test"][i] == "chi2"
            ref = stats.chi2_contingency(table, correction=False).pvalue
        else:
            assert got["test"][i] == "fisher"
            ref = stats.fisher_exact(table).pvalue
        assert got["p_value"][i] == pytest.approx(ref, rel=1e-9)
    assert list(got["test"][:3]) == ["chi2", "fisher", "fisher"]


def _users_log(seed: int = 3) -> tuple[pl.DataFrame, pl.DataFrame]:
    rng = random.Random(seed)
    users, rows = [], []
    for u in range(400):
        device = rng.choice(["mobile", "desktop", "tablet"])
        channel = rng.choice(["ads", "seo"])
        users.append((f"u{u}", device, channel))
        p = {"mobile": 0.25, "desktop": 0.6, "tablet": 0.45}[device]
        rows.append((f"u{u}", "A"))
        if rng.random() < 0.8:
            rows.append((f"u{u}", "B"))
            if rng.random() < p:
                rows.append((f"u{u}", "C"))
        if rng.random() < 0.3:
            rows.append((f"u{u}", "help"))
        if channel == "ads" and rng.random() < 0.5:
            rows.append((f"u{u}", "coupon"))
    users_df = pl.DataFrame(users, schema=["user_id", "device", "channel"], orient="row")
    log = pl.DataFrame(rows, schema=["user_id", "step"], orient="row")
    return users_df, log


def test_drivers_counts_and_bh_match_brute_force_and_statsmodels() -> None:
    users, log = _users_log()
    prog = funnel_progress(log, ["A", "B", "C"])
    d = drivers(prog, 1, users=users, segments=["device", "channel"], events=log)
    reached = dict(prog.per_user.select("user_id", "steps_reached").iter_rows())
    conv = {u for u, r in reached.items() if r >= 3}
    pop = {u for u, r in reached.items() if r >= 1}
    assert (d.converters, d.dropped) == (len(conv), len(pop) - len(conv))
    did = {(u, s) for u, s in log.iter_rows()}
    attrs = {u: (dv, ch) for u, dv, ch in users.iter_rows()}
    for row in d.table.iter_rows(named=True):
        if row["kind"] == "segment":
            i = 0 if row["column"] == "device" else 1
            has = {u for u in pop if attrs[u][i] == row["value"]}
        else:
            has = {u for u in pop if (u, row["value"]) in did}
        assert row["converters_with"] == len(has & conv)
        assert row["dropped_with"] == len(has - conv)
        assert row["converters_without"] == len(conv - has)
        assert row["dropped_without"] == len((pop - conv) - has)
    # no times: no moment for step 1 or the outcome, so events are not compared (said)
    assert d.table.filter(pl.col("kind") == "event").height == 0
    assert d.notes[0].code == "funnel_why.note.events_untimed"
    assert d.family == d.table.height == 3 + 2
    ref = multipletests(d.table["p_value"].to_numpy(), method="fdr_bh")[1]
    assert d.table["p_adjusted"].to_numpy() == pytest.approx(ref, rel=1e-12)
    assert d.table["finding"].to_list() == list(ref < 0.05)
    assert d.table.filter(pl.col("finding"))["value"].to_list()[:2] == ["mobile", "desktop"]
    facts = d.finding_facts()
    assert str(facts[0]).startswith("Users with device = mobile are ")
    assert "less likely to reach C" in str(facts[0])


def test_drivers_say_when_there_is_nothing_to_compare() -> None:
    users, log = _users_log()
    nobody = log.filter(pl.col("step") != "C")
    d = drivers(funnel_progress(nobody, ["A", "B", "C"]), 1, users=users, segments=["device"])
    assert d.converters == 0 and d.family == 0
    assert [n.code for n in d.notes] == ["funnel_why.note.no_converter"]
    one = users.with_columns(device=pl.lit("mobile"))
    d = drivers(funnel_progress(log, ["A", "B", "C"]), 1, users=one, segments=["device"])
    assert d.family == 0 and d.table["p_value"].to_list() == [None]  # everyone is mobile


def test_default_step_is_the_biggest_relative_loss() -> None:
    table = pl.DataFrame({"step_conversion": [1.0, 0.5, 0.2, 0.9]})
    assert why.default_step(table) == 2  # step 2 → step 3 keeps 20 %
    assert why.default_step(None) == 1


@pytest.fixture(scope="module")
def ecommerce():
    """The Kaggle e-commerce funnel (one file per page + a user table), read as an upload."""
    folder = DATASETS / "ecommerce_funnel"
    if not folder.exists():
        pytest.skip("../shared/datasets missing")
    from kpi.load import read_table
    from kpi.schema import TableInput, build_dataset

    names = [
        "user_table.csv",
        "home_page_table.csv",
        "search_page_table.csv",
        "payment_page_table.csv",
        "payment_confirmation_table.csv",
    ]
    inputs = []
    for n in names:
        t = read_table(folder / n, max_mb=None)
        inputs.append(
            TableInput(n, t.frame, rows_read=t.report.rows_read, dropped=dict(t.report.dropped))
        )
    return build_dataset(inputs)


def test_ecommerce_funnel_mobile_users_convert_more(ecommerce) -> None:
    """Published counts (notes/funnels-and-retention.md §5.1): of 90,400 home-page users, 452
    confirmed; mobile 302 of 30,200, desktop 150 of 60,200. By hand, mobile vs desktop:
    OR = (302 · 60,050) / (150 · 29,898) = 18,135,100 / 4,484,700 = 4.0438."""
    from kpi.view import View

    view = View(ecommerce, Filters())
    assert not ecommerce.has_timestamps  # a membership funnel: no "next event"
    with pytest.raises(InputError):
        why.next_events_of(view, 1)
    d = why.drivers_of(view, 1)
    assert (d.converters, d.dropped) == (452, 90_400 - 452)
    mobile = d.table.filter((pl.col("column") == "device") & (pl.col("value") == "Mobile")).row(
        0, named=True
    )
    assert (mobile["converters_with"], mobile["dropped_with"]) == (302, 29_898)
    assert mobile["odds_ratio"] == pytest.approx(18_135_100 / 4_484_700, rel=1e-12)
    assert mobile["finding"] and mobile["test"] == "chi2"
    ref = stats.chi2_contingency([[302, 150], [29_898, 60_050]], correction=False).pvalue
    assert mobile["p_value"] == pytest.approx(ref, rel=1e-9)
    assert any("Mobile are 4.0× more likely" in str(f) for f in d.finding_facts())
    assert why.drivers_of(view, 1) is d  # kept on the View


def test_command_line_writes_the_sheet_for_the_step_asked(tmp_path) -> None:
    """``python -m kpi report … --why-step 3 --sheets why --lang fr``: the sheet of step 3
    (add_to_cart → checkout), in French, with the same dropped users as the View's."""
    import io
    import subprocess
    import sys

    import openpyxl

    root = Path(__file__).resolve().parents[2]
    demo = sorted(str(p) for p in (root / "data" / "demo").iterdir() if p.is_file())
    out = tmp_path / "why.xlsx"
    run = subprocess.run(
        [sys.executable, "-m", "kpi", "report", *demo, "-o", str(out), "--why-step", "3",
         "--sheets", "why", "--lang", "fr", "-q"],
        cwd=root, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    ws = openpyxl.load_workbook(io.BytesIO(out.read_bytes()))["Pourquoi ils abandonnent"]
    text = [c for row in ws.iter_rows(values_only=True) for c in row if isinstance(c, str)]
    assert text[0] == "Pourquoi ils abandonnent"
    assert text[1].startswith("Étape add_to_cart → checkout\u00a0;")
    assert any(s.startswith("3\u202f556 utilisateurs ont atteint add_to_cart") for s in text)
    assert "(aucun autre événement)" in text
