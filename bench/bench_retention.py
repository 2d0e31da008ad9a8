"""Benchmark: monthly cohort retention, kpi.retention.cohort_table vs an equivalent DuckDB query.

Two inputs: the UCI Online Retail file (cleaned with the published rules, one event per order
line) and a generated log of about 10 million events from about 1 million users over 12 months
(fixed seed). Both engines must give the same cells; the script prints the times and their
ratio. Run: ``.venv/bin/python bench/bench_retention.py [--events 10000000]``.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import duckdb
import numpy as np
import polars as pl

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kpi.retention import cohort_table  # noqa: E402

RETAIL = ROOT.parent / "shared" / "datasets" / "online_retail.csv"

SQL = """
WITH ev AS (
    SELECT user_id, ts FROM events WHERE ts IS NOT NULL
), anchors AS (
    SELECT user_id, year(min(ts)) * 12 + month(min(ts)) - 1 AS cidx
    FROM ev GROUP BY user_id
), active AS (
    SELECT DISTINCT user_id, year(ts) * 12 + month(ts) - 1 AS pidx FROM ev
), sizes AS (
    SELECT cidx, count(*) AS cohort_size FROM anchors GROUP BY cidx
), kept AS (
    SELECT a.cidx, p.pidx - a.cidx AS period, count(*) AS retained
    FROM active p JOIN anchors a USING (user_id)
    GROUP BY ALL
)
SELECT strftime(make_date(CAST(k.cidx // 12 AS BIGINT), CAST(k.cidx % 12 + 1 AS BIGINT), 1),
                '%Y-%m') AS cohort,
       s.cohort_size, k.period, k.retained
FROM kept k JOIN sizes s USING (cidx)
ORDER BY cohort, period
"""


def retail_events() -> pl.DataFrame:
    raw = pl.read_csv(
        RETAIL,
        try_parse_dates=True,
        schema_overrides={"InvoiceNo": pl.String, "StockCode": pl.String},
    )
    return raw.filter(
        ~pl.col("InvoiceNo").str.starts_with("C"),
        pl.col("CustomerID").is_not_null(),
        pl.col("Quantity") > 0,
        pl.col("UnitPrice") > 0,
    ).select(
        pl.col("CustomerID").cast(pl.Int64).cast(pl.String).alias("user_id"),
        pl.lit("purchase").alias("step"),
        pl.col("InvoiceDate").alias("ts"),
        pl.col("InvoiceNo").alias("order_id"),
        (pl.col("Quantity") * pl.col("UnitPrice")).alias("revenue"),
    )


def generated_events(n_events: int, seed: int = 42) -> pl.DataFrame:
    """About ``n_events`` events of ``n_events / 10`` users over 2025 (fixed seed)."""
    rng = np.random.default_rng(seed)
    n_users = n_events // 10
    year_s = 365 * 86400
    first = rng.integers(0, year_s, n_users)
    per_user = rng.geometric(0.0855, n_users)  # mean 11.7, about 10 kept within the year
    owner = np.repeat(np.arange(n_users), per_user)
    offset = rng.exponential(60 * 86400, owner.size).astype(np.int64)
    offset[np.r_[0, np.cumsum(per_user)[:-1]]] = 0  # each user's first event is at `first`
    secs = first[owner] + offset
    keep = secs < year_s
    start = int(datetime(2025, 1, 1).timestamp())
    steps = np.array(["visit", "product", "cart", "purchase"])
    return pl.DataFrame(
        {
            "user_id": pl.Series(owner[keep]).cast(pl.String),
            "step": steps[rng.integers(0, 4, int(keep.sum()))],
            "ts": pl.Series((secs[keep] + start) * 1_000_000).cast(pl.Datetime("us")),
        }
    )


def best_of(fn: Callable[[], object], repeat: int) -> tuple[float, object]:
    best, out = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def compare(name: str, events: pl.DataFrame, repeat: int) -> None:
    con = duckdb.connect()
    con.register("events", events.select("user_id", "ts").to_arrow())
    t_kpi, ours = best_of(lambda: cohort_table(events), repeat)
    t_duck, theirs = best_of(lambda: con.sql(SQL).pl(), repeat)
    assert isinstance(ours, pl.DataFrame) and isinstance(theirs, pl.DataFrame)
    cells = ours.filter(pl.col("retained") > 0).select(
        "cohort", "cohort_size", "period", "retained"
    )
    theirs = theirs.with_columns(pl.col("cohort_size", "period", "retained").cast(pl.Int64))
    agree = cells.sort("cohort", "period").equals(theirs.sort("cohort", "period"))
    print(
        f"{name}: {events.height:,} events, {ours['cohort'].n_unique()} cohorts, "
        f"{ours.height} cells | kpi.retention {t_kpi:.3f} s | DuckDB {t_duck:.3f} s | "
        f"ratio kpi/DuckDB {t_kpi / t_duck:.2f} | same cells: {agree}"
    )
    if not agree:
        raise SystemExit(f"{name}: the two engines disagree")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=10_000_000)
    args = parser.parse_args()
    if RETAIL.exists():
        compare("Online Retail", retail_events(), repeat=5)
    else:
        print(f"skipped Online Retail: {RETAIL} not found")
    t0 = time.perf_counter()
    big = generated_events(args.events)
    print(f"generated {big.height:,} events of {big['user_id'].n_unique():,} users "
          f"in {time.perf_counter() - t0:.1f} s")  # fmt: skip
    compare("Generated log", big, repeat=1)


if __name__ == "__main__":
    main()
