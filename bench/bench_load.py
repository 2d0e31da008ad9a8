"""Benchmark: kpi.load.read_table against plain polars and pandas on the same CSV files, and
the whole load (read_table + detect_roles + build_dataset) against a plain polars read.

Files: the UCI Online Retail export (48 MB, ../shared/datasets/online_retail.csv), a generated
10-million-row event log (user_id int, ts ISO, event, device; fixed seed) in a temp directory,
and the shared generator's event log with string user ids (``bench/gen.py``: usr_0001234 ids,
timestamps, sessions, devices, channels, a variant, countries, signup dates, revenue, orders;
1M and 10M events, ~86 / ~860 MB), cached in a temp folder (``--cache``) since it takes
~25 s to write at 10M. Each reader runs 3 times; the best time is kept. Prints seconds and
ratios (read_table / peer) and the load average.

The "dataset" table times what the app and ``python -m kpi report`` do with a file: read_table
on the path (command line) or on the bytes (an upload), then detect_roles, then build_dataset
(pages/_ui/state.py ``parse()`` and ``build()``), against ``pl.read_csv(path,
try_parse_dates=True)``, the goal of issue 11 being at most 1.3x at 10M events.

Plain polars uses ``infer_schema_length=None`` on Online Retail (with the default of 100 rows it
stops on the first cancelled invoice "C536379"); pandas uses its defaults. read_table is timed on
the path (what the command line does: polars reads the file itself) and on the bytes (what an
upload in the app gives). polars runs on at most 2 threads (POLARS_MAX_THREADS, set before the
import unless already set): the machine is shared.

Usage: .venv/bin/python bench/bench_load.py [--rows 10000000] [--repeat 3]
       [--files retail events dataset] [--events 1e6 1e7] [--cache /tmp/parcours_bench]
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
from kpi.schema import TableInput, build_dataset, detect_roles, table_name  # noqa: E402

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


def generated(events: float, cache: Path) -> Path:
    """The shared generator's event log (string user ids), written once into ``cache``."""
    cache.mkdir(parents=True, exist_ok=True)
    path = cache / f"events_{events:.0e}.csv".replace("+", "")
    if not path.exists():
        import subprocess

        tmp = path.with_suffix(".part.csv")
        gen = [sys.executable, str(ROOT / "bench" / "gen.py"), "--events", str(events)]
        subprocess.run([*gen, "--out", str(tmp)], check=True)
        tmp.rename(path)
    return path


def load_dataset(source: Path | bytes, name: str) -> dict[str, float]:
    """Seconds of read_table, detect_roles and build_dataset, as the app and the command line
    do them, and the CPU seconds of the whole (all threads: robust to a shared machine)."""
    cpu = time.process_time()
    t0 = time.perf_counter()
    table = read_table(source, filename=name, max_mb=None)
    t1 = time.perf_counter()
    roles = detect_roles(table.frame, filename=name)
    t2 = time.perf_counter()
    build_dataset([TableInput.from_table(table_name(name), table, roles=roles)])
    t3 = time.perf_counter()
    return {
        "read": t1 - t0,
        "roles": t2 - t1,
        "build": t3 - t2,
        "total": t3 - t0,
        "cpu": time.process_time() - cpu,
    }


def bench_dataset(path: Path, repeat: int) -> dict[str, float]:
    """Best of ``repeat`` for each phase and route, and the plain polars read, interleaved so
    that a change in the machine's load hits every column alike."""
    best: dict[str, float] = {}

    def keep(key: str, value: float) -> None:
        best[key] = min(best.get(key, float("inf")), value)

    data = path.read_bytes()
    for _ in range(repeat):
        for route, source in (("path", path), ("bytes", data)):
            for k, v in load_dataset(source, path.name).items():
                keep(f"{route}.{k}", v)
        cpu = time.process_time()
        start = time.perf_counter()
        pl.read_csv(path, try_parse_dates=True)
        keep("plain", time.perf_counter() - start)
        keep("plain.cpu", time.process_time() - cpu)
    del data
    size = path.stat().st_size / 2**20
    load = os.getloadavg()
    print(
        f"\n{path.name} ({size:,.0f} MB), read_table + detect_roles + build_dataset; best of "
        f"{repeat}; load average {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}"
    )
    plain, plain_cpu = best["plain"], best["plain.cpu"]
    print(f"  pl.read_csv(try_parse_dates=True)  {plain:7.2f} s  (CPU {plain_cpu:.2f} s)")
    for route in ("path", "bytes"):
        r, d, b, t, c = (best[f"{route}.{k}"] for k in ("read", "roles", "build", "total", "cpu"))
        print(
            f"  {route:5s}: read_table {r:6.2f} s + detect_roles {d:5.2f} s + build_dataset "
            f"{b:5.2f} s = {t:6.2f} s  -> {t / plain:.2f}x plain (read_table alone "
            f"{r / plain:.2f}x); CPU {c:.2f} s -> {c / plain_cpu:.2f}x"
        )
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--files", nargs="+", default=["retail", "events", "dataset"])
    parser.add_argument("--events", nargs="+", type=float, default=[1e6, 1e7])
    parser.add_argument(
        "--cache", type=Path, default=Path(tempfile.gettempdir()) / "parcours_bench"
    )
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
    if "dataset" in args.files:
        for n in args.events:
            bench_dataset(generated(n, args.cache), args.repeat)


if __name__ == "__main__":
    main()
