"""The workbook's funnel breakdowns from each user's progress (the View's, shared with the pages
and the command line): the funnel by segment equals kpi.funnel.funnel_table(by=...) (the
reference), the A/B outcome equals kpi.abtest.with_reached_step, and the progress is computed
once per workbook."""

from __future__ import annotations

import io
from datetime import datetime, timedelta

import numpy as np
import openpyxl
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from kpi import funnel
from kpi.abtest import with_reached_step
from kpi.dataset import Dataset
from kpi.export.progress import funnel_by, reached_step
from kpi.filters import Filters
from kpi.funnel import funnel_progress
from kpi.report import ReportOptions, build_workbook
from kpi.schema import TableInput, build_dataset
from kpi.settings import FunnelSettings

STEPS = ["landing", "view", "cart", "buy"]


def _events(seed: int, n_users: int = 400, with_ts: bool = True) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    n = n_users * 6
    names = np.array([*STEPS, "other"])
    frame = pl.DataFrame(
        {
            "user_id": [f"u{u:04d}" for u in rng.integers(0, n_users, n)],
            "step": names[rng.choice(5, n, p=[0.35, 0.25, 0.2, 0.1, 0.1])].tolist(),
            "ts": [
                datetime(2025, 1, 1) + timedelta(minutes=int(m))
                for m in rng.integers(0, 60 * 24 * 30, n)
            ],
        }
    )
    return frame if with_ts else frame.drop("ts")


def _labels(events: pl.DataFrame, seed: int) -> pl.DataFrame:
    users = events.select("user_id").unique().sort("user_id")
    rng = np.random.default_rng(seed)
    values = np.array(["mobile", "desktop", "tablet", "Other"])
    return users.with_columns(_segment=pl.Series(values[rng.integers(0, 4, users.height)]))


@pytest.mark.parametrize(
    ("order", "window", "open_funnel", "with_ts"),
    [
        ("sequential", timedelta(days=7), False, True),
        ("sequential", None, False, True),
        ("sequential", timedelta(days=3), True, True),
        ("any", timedelta(days=2), False, True),
        ("any", None, True, True),
        ("sequential", None, False, False),  # membership
        ("sequential", None, True, False),
    ],
)
def test_funnel_by_equals_funnel_table(
    order: str, window: timedelta | None, open_funnel: bool, with_ts: bool
) -> None:
    for seed in (1, 2, 3):
        ev = _events(seed, with_ts=with_ts)
        labels = _labels(ev, seed)
        # a user without a label: "(none)" as the events' left join gives
        first = labels["user_id"][0]
        labels = labels.with_columns(
            pl.when(pl.col("user_id") == first).then(None).otherwise(pl.col("_segment"))
            .alias("_segment")
        )  # fmt: skip
        joined = ev.join(labels, on="user_id", how="left").with_columns(
            pl.col("_segment").fill_null("(none)")
        )
        ref = funnel.funnel_table(
            joined,
            STEPS,
            by=["_segment"],
            window=window,
            order=order,  # type: ignore[arg-type]
            open_funnel=open_funnel,
        ).select(
            "_segment", "step", "users", "conversion", "step_conversion", "drop_off",
            "drop_off_rate",
        )  # fmt: skip
        prog = funnel_progress(ev, STEPS, window=window, order=order, open_funnel=open_funnel)  # type: ignore[arg-type]
        got = funnel_by(prog, labels, "_segment")
        assert_frame_equal(got, ref)
        # totals over segments are the funnel's own counts
        plain = funnel.funnel(ev, STEPS, window=window, order=order, open_funnel=open_funnel)  # type: ignore[arg-type]
        totals = got.group_by("step", maintain_order=True).agg(pl.col("users").sum())
        assert totals["users"].to_list() == plain["users"].to_list()


def test_reached_step_equals_abtest_reference() -> None:
    ev = _events(5)
    users = _labels(ev, 5).rename({"_segment": "variant"})
    users = pl.concat([users, pl.DataFrame({"user_id": ["nobody"], "variant": ["A"]})])
    for step in STEPS:
        ref = with_reached_step(users, ev, STEPS, step, window=timedelta(days=7))
        prog = funnel_progress(ev, STEPS, window=timedelta(days=7))
        got = reached_step(users, prog, STEPS.index(step) + 1)
        assert_frame_equal(got, ref)
    assert got.filter(pl.col("user_id") == "nobody")["reached_step"].to_list() == [False]


def _shop(seed: int = 9, variant_seed: int | None = None) -> Dataset:
    ev = _events(seed, n_users=300).rename({"step": "event_name", "ts": "event_time"})
    labels = _labels(ev, seed)
    rng = np.random.default_rng(seed if variant_seed is None else variant_seed)
    users = labels.with_columns(
        device=pl.col("_segment"),
        variant=pl.Series(np.array(["A", "B"])[rng.integers(0, 2, labels.height)]),
    ).drop("_segment")
    frame = ev.join(users, on="user_id").with_columns(
        revenue=pl.when(pl.col("event_name") == "buy").then(pl.lit(30.0)).otherwise(None),
    )
    return build_dataset([TableInput("events.csv", frame)])


def test_workbook_computes_user_progress_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """The funnel by device, the A/B outcome and the view's funnel table (Summary's red flags
    and the Funnel sheet read the same) share one progress computation: no other funnel pass
    (these data have no per-user facts: the View reads its period's progress)."""
    ds = _shop()
    calls = {"progress": 0, "funnel_table": 0}
    real_progress, real_table = funnel.funnel_progress, funnel.funnel_table

    def counted_progress(*a, **k):  # type: ignore[no-untyped-def]
        calls["progress"] += 1
        return real_progress(*a, **k)

    def counted_table(*a, **k):  # type: ignore[no-untyped-def]
        calls["funnel_table"] += 1
        return real_table(*a, **k)

    monkeypatch.setattr(funnel, "funnel_progress", counted_progress)
    monkeypatch.setattr(funnel, "funnel_table", counted_table)
    opts = ReportOptions(funnel=FunnelSettings(steps=tuple(STEPS), segment="device"))
    data = build_workbook(ds, Filters(), options=opts)
    names = openpyxl.load_workbook(io.BytesIO(data)).sheetnames
    assert {"Funnel", "AB test"} <= set(names)  # both breakdowns were written
    assert calls == {"progress": 1, "funnel_table": 0}


def test_workbook_reads_the_views_progress(monkeypatch: pytest.MonkeyPatch) -> None:
    """With the app's View given, the workbook computes no progress of its own: the page's
    funnel by device, the workbook's funnel by device and its A/B outcome come from one
    kpi.funnel.funnel_progress call, and the Funnel sheet's breakdown under a device filter has
    the numbers of funnel_table on the filtered users' events (plain polars reference)."""
    from kpi.view import View

    ds = _shop(11, variant_seed=12)  # variant independent of device
    calls = {"progress": 0}
    real_progress = funnel.funnel_progress

    def counted_progress(*a, **k):  # type: ignore[no-untyped-def]
        calls["progress"] += 1
        return real_progress(*a, **k)

    monkeypatch.setattr(funnel, "funnel_progress", counted_progress)
    settings = FunnelSettings(steps=tuple(STEPS), segment="variant", window=timedelta(days=7))
    flt = Filters(segments={"device": ("mobile", "desktop")})
    view = View(ds, flt, settings)
    page = view.funnel_by("variant")  # what the Funnel page shows
    assert page is not None
    opts = ReportOptions(funnel=settings)
    data = build_workbook(ds, flt, options=opts, view=view)
    assert calls["progress"] == 1
    wb = openpyxl.load_workbook(io.BytesIO(data))
    table = wb["Funnel"].tables["tblFunnelBySegment"]
    rows = list(wb["Funnel"][table.ref])
    got = {(r[0].value, r[1].value): r[2].value for r in rows[1:]}
    users = ds.users.filter(pl.col("device").is_in(["mobile", "desktop"]))
    ev = ds.events.join(users.select("user_id", "variant"), on="user_id")
    ref = funnel.funnel_table(ev, STEPS, by=["variant"], window=timedelta(days=7))
    assert got == {(r["variant"], r["step"]): r["users"] for r in ref.iter_rows(named=True)}
    assert got[("A", "landing")] > 0 and got[("B", "buy")] > 0
