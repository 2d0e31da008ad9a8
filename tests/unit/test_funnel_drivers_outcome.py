"""Event drivers count only what happened before the outcome (kpi.funnel.drivers): a
hand-made log where a post-purchase event would be a finding under the old rule ("did it in
the period") and is not under the new one; the counts against a brute-force Python count on a
random log, with and without a window; odds ratios and BH against statsmodels."""

from __future__ import annotations

import datetime as dt
import random

import polars as pl
import pytest
from statsmodels.stats.contingency_tables import Table2x2
from statsmodels.stats.multitest import multipletests

from kpi.filters import Filters
from kpi.funnel import funnel_progress, why
from kpi.funnel.drivers import drivers, drivers_from_counts
from kpi.schema import TableInput, build_dataset
from kpi.settings import FunnelSettings
from kpi.view import View

T0 = dt.datetime(2025, 3, 1, 9, 0)
MIN = dt.timedelta(minutes=1)
STEPS = ["visit", "product", "cart", "purchase"]


def shop_log() -> tuple[pl.DataFrame, pl.DataFrame]:
    """60 users reach product. The 24 converters (u00..u23) buy; each then sees
    "order_confirmation" and "account" (after the purchase), and u00..u15 used a "coupon"
    between product and purchase. The 36 drop-offs (u24..u59) stop at product or cart; u24..u29
    used a coupon; every drop-off opens "account" two days after product (beyond the 1-day
    window) and u24..u27 see "order_confirmation" of an older order in that window."""
    rows = []
    for u in range(60):
        uid = f"u{u:02d}"
        t = T0 + dt.timedelta(hours=u)
        rows += [(uid, "visit", t), (uid, "product", t + MIN)]
        if u < 24:
            if u < 16:
                rows.append((uid, "coupon", t + 2 * MIN))
            rows += [(uid, "cart", t + 3 * MIN), (uid, "purchase", t + 4 * MIN)]
            rows += [(uid, "order_confirmation", t + 4 * MIN), (uid, "account", t + 5 * MIN)]
        else:
            if u % 2:
                rows.append((uid, "cart", t + 3 * MIN))
            if u < 30:
                rows.append((uid, "coupon", t + 2 * MIN))
            if u < 28:
                rows.append((uid, "order_confirmation", t + 10 * MIN))
            rows.append((uid, "account", t + dt.timedelta(days=2)))
    log = pl.DataFrame(rows, schema=["user_id", "step", "ts"], orient="row")
    users = pl.DataFrame({"user_id": [f"u{u:02d}" for u in range(60)]})
    return log, users


def _old_rule(log: pl.DataFrame, progress, step: int) -> dict[str, tuple[int, int]]:
    """The old rule by hand: did the event at least once in the period."""
    lvl = dict(progress.per_user.select("user_id", "steps_reached").iter_rows())
    out: dict[str, tuple[int, int]] = {}
    for name in set(log["step"]) - set(STEPS):
        who = set(log.filter(pl.col("step") == name)["user_id"])
        pop = [u for u, r in lvl.items() if r >= step]
        out[name] = (
            sum(1 for u in pop if u in who and lvl[u] == 4),
            sum(1 for u in pop if u in who and lvl[u] < 4),
        )
    return out


def test_a_post_purchase_event_is_no_longer_a_finding() -> None:
    log, users = shop_log()
    window = dt.timedelta(days=1)
    progress = funnel_progress(log, STEPS, window=window)
    old = _old_rule(log, progress, 2)
    # under the old rule order_confirmation (24 of 24 converters, 4 of 36 drop-offs) and
    # account (24 and 36: everyone) would be compared; order_confirmation is a finding there
    a, c = old["order_confirmation"]
    assert (a, c) == (24, 4)
    frame = pl.DataFrame(
        [("event", None, n, x, y) for n, (x, y) in sorted(old.items())],
        schema=["kind", "column", "value", "converters_with", "dropped_with"],
        orient="row",
    )
    before = drivers_from_counts(STEPS, 2, 24, 36, frame)
    assert before.findings["value"].to_list()[0] == "order_confirmation"
    d = drivers(progress, 2, users=users, events=log, window=window)
    assert (d.converters, d.dropped) == (24, 36)
    assert d.events_tested
    ev = {r["value"]: r for r in d.table.filter(pl.col("kind") == "event").iter_rows(named=True)}
    # the new rule: converters' order confirmation (same time as the purchase) and account
    # pages come after the outcome; drop-offs' account visit is beyond the window
    assert (
        ev["order_confirmation"]["converters_with"],
        ev["order_confirmation"]["dropped_with"],
    ) == (0, 4)
    assert "account" not in ev
    assert not ev["order_confirmation"]["finding"]
    assert (ev["coupon"]["converters_with"], ev["coupon"]["dropped_with"]) == (16, 6)
    # coupon by hand: OR = (16 · 30) / (8 · 6) = 10; Woolf's interval as statsmodels'
    coupon = ev["coupon"]
    assert coupon["odds_ratio"] == pytest.approx(10.0, rel=1e-12)
    t = Table2x2([[16, 8], [6, 30]])
    assert (coupon["ci_low"], coupon["ci_high"]) == pytest.approx(t.oddsratio_confint(), rel=1e-12)
    assert coupon["finding"]
    # without a window a drop-off's whole period counts: account (two days later) is back
    d = drivers(funnel_progress(log, STEPS), 2, users=users, events=log)
    ev = {r["value"]: r for r in d.table.filter(pl.col("kind") == "event").iter_rows(named=True)}
    assert (ev["account"]["converters_with"], ev["account"]["dropped_with"]) == (0, 36)


def test_events_are_not_compared_without_an_ordered_timed_funnel() -> None:
    log, users = shop_log()
    for kw in ({"order": "any"}, {"open_funnel": True}):
        progress = funnel_progress(log, STEPS, **kw)
        d = drivers(progress, 2, users=users, events=log, order=kw.get("order", "sequential"))
        assert [n.code for n in d.notes][:1] == ["funnel_why.note.events_untimed"]
        assert d.table.filter(pl.col("kind") == "event").height == 0 and not d.events_tested
    untimed = log.drop("ts")
    d = drivers(funnel_progress(untimed, STEPS), 2, users=users, events=untimed)
    assert d.notes[0].code == "funnel_why.note.events_untimed"


def random_log(seed: int, n: int = 250) -> pl.DataFrame:
    """Steps A..D and other events X, Y, Z minutes apart (ties included), several attempts."""
    rng = random.Random(seed)
    rows = []
    for u in range(n):
        for _ in range(rng.randint(1, 10)):
            name = rng.choice(["A", "A", "B", "B", "C", "D", "X", "Y", "Z"])
            rows.append((f"u{u:03d}", name, T0 + rng.randint(0, 120) * MIN))
    rng.shuffle(rows)
    return pl.DataFrame(rows, schema=["user_id", "step", "ts"], orient="row")


def brute_counts(
    log: pl.DataFrame, steps: list[str], k: int, window: dt.timedelta | None
) -> tuple[int, int, dict[str, tuple[int, int]]]:
    """Brute force: each user's attempts (every step-1 event a start; each next step the
    earliest event at or after the previous one, within the window from the start); the best
    is the furthest, the latest start on a tie, and gives t_k and t_last. An event counts for
    a converter when t_k < t < t_last, for a drop-off when t_k < t <= t_k + window."""
    by_user: dict[str, list[tuple[dt.datetime, str]]] = {}
    for u, s, t in log.iter_rows():
        by_user.setdefault(u, []).append((t, s))
    last = len(steps)
    conv = drop = 0
    counts: dict[str, list[int]] = {}
    for evs in by_user.values():
        best: tuple[int, list[dt.datetime]] = (0, [])
        for start, s in sorted(evs):
            if s != steps[0]:
                continue
            times = [start]
            for step in steps[1:]:
                cands = [
                    t
                    for t, s2 in evs
                    if s2 == step and t >= times[-1] and (window is None or t - start <= window)
                ]
                if not cands:
                    break
                times.append(min(cands))
            if len(times) >= best[0]:
                best = (len(times), times)
        level, times = best
        if level < k:
            continue
        converted = level == last
        conv += converted
        drop += not converted
        t_k = times[k - 1]
        seen = set()
        for t, s in evs:
            if s in steps or t <= t_k:
                continue
            if (converted and t < times[-1]) or (
                not converted and (window is None or t <= t_k + window)
            ):
                seen.add(s)
        for s in seen:
            counts.setdefault(s, [0, 0])[0 if converted else 1] += 1
    return conv, drop, {s: (a, b) for s, (a, b) in counts.items()}


@pytest.mark.parametrize("window", [dt.timedelta(minutes=40), None])
@pytest.mark.parametrize("k", [1, 2, 3])
def test_event_counts_match_a_brute_force_count(k: int, window: dt.timedelta | None) -> None:
    steps = ["A", "B", "C", "D"]
    log = random_log(11)
    users = log.select("user_id").unique()
    d = drivers(funnel_progress(log, steps, window=window), k, users=users, events=log,
                window=window)  # fmt: skip
    conv, drop, want = brute_counts(log, steps, k, window)
    assert (d.converters, d.dropped) == (conv, drop)
    ev = d.table.filter(pl.col("kind") == "event")
    got = {r["value"]: (r["converters_with"], r["dropped_with"]) for r in ev.iter_rows(named=True)}
    assert got == want
    tested = d.table.filter(pl.col("p_value").is_not_null())
    ref = multipletests(tested["p_value"].to_numpy(), method="fdr_bh")[1]
    assert tested["p_adjusted"].to_numpy() == pytest.approx(ref, rel=1e-12)
    for r in tested.iter_rows(named=True):
        t = Table2x2(
            [
                [r["converters_with"], r["converters_without"]],
                [r["dropped_with"], r["dropped_without"]],
            ]
        )
        if not r["corrected"]:
            assert r["odds_ratio"] == pytest.approx(t.oddsratio, rel=1e-12)
            assert (r["ci_low"], r["ci_high"]) == pytest.approx(t.oddsratio_confint(), rel=1e-12)


def test_the_view_counts_events_between_step_k_and_the_outcome() -> None:
    """Through the View (drivers_of): the period's events, the view's window; the rule is said."""
    log, _ = shop_log()
    ds = build_dataset([TableInput("events.csv", log)])
    settings = FunnelSettings(
        steps=tuple(STEPS), window=dt.timedelta(days=1), window_amount=1, window_unit="days"
    )
    view = View(ds, Filters(), settings)
    d = why.drivers_of(view, 2)
    ev = {r["value"]: r for r in d.table.filter(pl.col("kind") == "event").iter_rows(named=True)}
    assert "account" not in ev and ev["order_confirmation"]["converters_with"] == 0
    rule = why.events_rule_fact(settings, d)
    assert rule is not None
    from kpi.words import render

    en, fr = render(rule, "en"), render(rule, "fr")
    assert "strictly before reaching purchase" in en and "1 day" in en
    assert "strictement avant d'atteindre purchase" in fr and "(1 jour)" in fr


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("en", "An event counts only when done before the user's outcome"),
        ("fr", "Un événement ne compte que s'il a été fait avant l'issue de l'utilisateur"),
    ],
)
def test_the_why_sheet_states_the_rule(lang: str, said: str) -> None:
    import io

    import openpyxl

    from kpi.export.workbook import ReportOptions, write_workbook

    log, _ = shop_log()
    ds = build_dataset([TableInput("events.csv", log)])
    settings = FunnelSettings(
        steps=tuple(STEPS), window=dt.timedelta(days=1), window_amount=1, window_unit="days"
    )
    view = View(ds, Filters(), settings)
    data = write_workbook(view, ReportOptions(funnel=settings, why_step=2, lang=lang), ["why"])
    wb = openpyxl.load_workbook(io.BytesIO(data))
    text = [c for ws in wb for row in ws.iter_rows(values_only=True) for c in row if c]
    assert any(isinstance(c, str) and c.startswith(said) for c in text)
    assert "order_confirmation" in text and "account" not in text
