"""Benchmark: kpi.load.read_table against plain polars and pandas on the same CSV files.

Files: the UCI Online Retail export (48 MB, ../shared/datasets/online_retail.csv) and a generated
10-million-row event log (user_id int, ts ISO, event, device; fixed seed) in a temp directory.
Each reader runs 3 times; the best time is kept. Prints seconds and ratios (read_table / peer).

Plain polars uses ``infer_schema_length=None`` on Online Retail (with the default of 100 rows it
stops on the first cancelled invoice "C536379"); pandas uses its defaults. read_table is timed on
the path (what the command line does: polars reads the file itself) and on the bytes (what an
upload in the app gives). polars runs on at most 2 threads (POLARS_MAX_THREADS, set before the
import unless already set): the machine is shared.

Usage: .venv/bin/python bench/bench_load.py [--rows 10000000] [--repeat 3] [--files retail events]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("POLARS_MAX_THREADS", "2")

import numpy as np
import polars as pl

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kpi.load import read_table  # noqa: E402

RETAIL = ROOT.parent / "shared" / "datasets" / "online_retail.csv"


def best_of(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def make_events(path: Path, rows: int, seed: int = 7) -> None:
    rng = np.random.default_rng(seed)
    start = np.datetime64("2025-01-01T00:00:00")
    seconds = np.sort(rng.integers(0, 90 * 86_400, rows))
    frame = pl.DataFrame(
        {
            "user_id": rng.integers(1, 2_000_000, rows),
            "ts": (start + seconds.astype("timedelta64[s]")).astype("datetime64[us]"),
            "event": rng.choice(
                ["page_view", "add_to_cart", "begin_checkout", "purchase"],
                rows,
                p=[0.7, 0.2, 0.07, 0.03],
            ),
            "device": rng.choice(["mobile", "desktop", "tablet"], rows, p=[0.6, 0.35, 0.05]),
        }
    ).with_columns(pl.col("ts").dt.strftime("%Y-%m-%dT%H:%M:%S"))
    frame.write_csv(path)


def bench(name: str, path: Path, repeat: int, polars_kwargs: dict) -> None:
    import pandas as pd

    data = path.read_bytes()
    ours = best_of(lambda: read_table(path, max_mb=None), repeat)
    ours_bytes = best_of(lambda: read_table(data, filename=path.name, max_mb=None), repeat)
    plain = best_of(lambda: pl.read_csv(path, **polars_kwargs), repeat)
    pandas = best_of(lambda: pd.read_csv(path, low_memory=False), repeat)
    table = read_table(path, max_mb=None)
    size = path.stat().st_size / 2**20
    print(f"\n{name}: {table.report.rows_read:,} rows, {size:,.0f} MB; best of {repeat}")
    print(f"  dtypes: {dict(table.frame.schema)}")
    print(f"  kpi.load.read_table (path)   {ours:7.2f} s")
    print(f"  kpi.load.read_table (bytes)  {ours_bytes:7.2f} s")
    print(f"  polars.read_csv              {plain:7.2f} s")
    print(f"  pandas.read_csv              {pandas:7.2f} s")
    print(
        f"  ratios read_table/polars: path {ours / plain:.2f}, bytes {ours_bytes / plain:.2f};"
        f" read_table/pandas: path {ours / pandas:.2f}, bytes {ours_bytes / pandas:.2f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--files", nargs="+", default=["retail", "events"])
    args = parser.parse_args()
    print(f"polars {pl.__version__}, {pl.thread_pool_size()} threads")
    if "retail" in args.files:
        if RETAIL.exists():
            bench("online_retail.csv", RETAIL, args.repeat, {"infer_schema_length": None})
        else:
            print(f"skipped: {RETAIL} not found")
    if "events" in args.files:
        with tempfile.TemporaryDirectory() as tmp:
            events = Path(tmp) / "events.csv"
            make_events(events, args.rows)
            bench(f"generated events ({args.rows:,} rows)", events, args.repeat, {})


if __name__ == "__main__":
    main()
