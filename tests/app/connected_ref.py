"""The upload route's figures of the events a connected-page test puts in DuckDB: the same
events as a CSV upload (read, detected, built) and :class:`kpi.view.View` on them."""

from __future__ import annotations

import random

import polars as pl
from streamlit.testing.v1 import AppTest

from kpi.dataset import Dataset
from kpi.filters import Filters
from kpi.load import read_table
from kpi.schema import TableInput, build_dataset, detect_roles
from kpi.view import View
from tests.engine.engine_data import events

CHANNELS = ["email", "referral", "Refer a friend", "paid search", "organic"]


def shop_log(n: int = 200) -> pl.DataFrame:
    """:func:`tests.engine.engine_data.events` with an acquisition channel per user and
    second orders 20 days later for every third buyer (repeat purchase is not 0)."""
    log = events(n)
    r = random.Random(5)
    channel = {u: r.choice(CHANNELS) for u in log["user_id"].unique().sort().to_list()}
    log = log.with_columns(pl.col("user_id").replace_strict(channel).alias("channel"))
    buys = log.filter(pl.col("step") == "purchase")
    again = buys.filter(pl.col("user_id").str.slice(1).cast(pl.Int64) % 3 == 0).with_columns(
        pl.col("ts") + pl.duration(days=20), pl.col("order_id") + "b"
    )
    return pl.concat([log, again]).sort("user_id", "ts")


def upload(log: pl.DataFrame) -> Dataset:
    t = read_table(log.write_csv().encode(), filename="events.csv")
    return build_dataset(
        [TableInput("events.csv", t.frame, roles=detect_roles(t.frame, filename="events.csv"))]
    )


def reference(log: pl.DataFrame, filters: Filters | None = None, grain: str = "month") -> View:
    return View(upload(log), filters or Filters(), cohort_grain=grain)  # type: ignore[arg-type]


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def page_text(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += [i.value for i in at.info] + [e.value for e in at.error]
    parts += [w.value for w in at.warning] + [s.value for s in at.subheader]
    parts += [str(m.value) + m.label for m in at.metric]
    return "\n".join(str(p) for p in parts)
