"""Engines (issue 13): funnel, cohort table and A/B counts of 1M / 10M / 100M generated events
in a Parquet folder, computed inside DuckDB (out of core), and on Spark local at 10M.

    # a Parquet folder of about N events (the shop of bench/gen.py, written in chunks)
    .venv/bin/python bench/bench_engine.py gen --events 1e7 --out /tmp/bench/events_10m
    # one computation in this process (what "all" runs in a fresh process each time)
    .venv/bin/python bench/bench_engine.py run --source /tmp/bench/events_10m --what funnel
    # the whole table: every size × computation, DuckDB, plus Spark at the sizes given
    .venv/bin/python bench/bench_engine.py all --root /tmp/bench --sizes 1e6 1e7 1e8 --spark 1e7

Each computation runs in a fresh process; its time is the wall time of the computation (the
source opened, the aggregate brought back) and its peak memory the largest resident set of
the process and its children (the Spark JVM), sampled every 0.2 s. A watchdog ends the
process when that passes ``--kill-gb`` (default 12 GB): the machine stays usable and the
line says it. DuckDB runs with ``memory_limit`` (``--duckdb-gb``, default 6 GB), two
threads and a spill directory, so that the data never has to fit in memory.

The folder holds the canonical columns (user_id, step, ts, session_id, device, channel,
variant, country, revenue, order_id): the role mapping of an export is a projection and is
measured by the engine tests, not here. Chunk i's ids (users, sessions, orders) carry the
prefix ``c{i}_`` so that chunks are different shoppers.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import polars as pl

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

STEPS = ("landing", "product_view", "add_to_cart", "checkout", "purchase")
SEGMENTS = ("device", "channel", "variant", "country")
WHAT = ("funnel", "cohorts", "ab", "stages")
CHUNK = 5_000_000


# --------------------------------------------------------------------------- the data


def generate(n_events: int, out: Path, chunk: int = CHUNK) -> dict[str, Any]:
    """Write about ``n_events`` canonical events as ``out/part-XXXX.parquet``, ``chunk`` events
    a file (one generator run per chunk, seeds 0, 1, …)."""
    import gen

    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("part-*.parquet"):
        old.unlink()
    done, i, t0 = 0, 0, time.perf_counter()
    while done < n_events:
        size = min(chunk, n_events - done)
        frame = gen.event_log(max(size, 10_000), seed=20251130 + i)
        p = f"c{i}_"
        canon = frame.select(
            (p + pl.col("user_id")).alias("user_id"),
            pl.col("event_name").alias("step"),
            pl.col("event_time")
            .str.to_datetime("%Y-%m-%d %H:%M:%S")
            .cast(pl.Datetime("us"))
            .alias("ts"),
            (p + pl.col("session_id").cast(pl.String)).alias("session_id"),
            *(pl.col(c).cast(pl.String) for c in SEGMENTS),
            pl.col("revenue").cast(pl.Float64),
            (p + pl.col("order_id").cast(pl.String)).alias("order_id"),
        )
        canon.write_parquet(out / f"part-{i:04d}.parquet", row_group_size=1_000_000)
        done += canon.height
        i += 1
        del frame, canon
        print(f"  chunk {i}: {done:,} events ({time.perf_counter() - t0:.0f} s)", flush=True)
    size = sum(f.stat().st_size for f in out.glob("part-*.parquet"))
    return {"events": done, "files": i, "bytes": size, "seconds": time.perf_counter() - t0}


# --------------------------------------------------------------------------- memory


def _tree_rss(pid: int) -> int:
    """Resident bytes of ``pid`` and its descendants (from /proc)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as fh:
                ppid = int(fh.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(entry))
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/status") as fh:
                for line in fh:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1]) * 1024
                        break
        except OSError:
            pass
        todo += children.get(p, [])
    return total


class Watchdog(threading.Thread):
    """Samples this process tree's memory; ends the process past ``limit`` bytes."""

    def __init__(self, limit: int) -> None:
        super().__init__(daemon=True)
        self.limit, self.peak, self.stop = limit, 0, False

    def run(self) -> None:
        me = os.getpid()
        while not self.stop:
            rss = _tree_rss(me)
            self.peak = max(self.peak, rss)
            if rss > self.limit:
                print(json.dumps({"killed": True, "peak_gb": rss / 2**30}), flush=True)
                os._exit(3)
            time.sleep(0.2)


# --------------------------------------------------------------------------- one computation


def _duckdb_table(source: Path, memory_gb: float, tmp: Path) -> Any:
    import duckdb

    from kpi.engine.frame import from_native

    tmp.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(":memory:")
    con.execute(f"SET memory_limit='{memory_gb}GB'")
    con.execute("SET threads=2")
    con.execute(f"SET temp_directory='{tmp}'")
    con.execute("SET preserve_insertion_order=false")
    rel = con.read_parquet(str(source / "*.parquet"))
    return from_native(rel, segments=list(SEGMENTS), label=source.name)


def _spark_table(source: Path, memory_gb: float) -> Any:
    from pyspark.sql import SparkSession

    from kpi.engine.frame import from_native

    spark = (
        SparkSession.builder.master("local[2]")
        .appName("parcours-bench")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.shuffle.partitions", "8")
        .config("spark.driver.memory", f"{int(memory_gb)}g")
        .config("spark.local.dir", "/tmp/spark-bench")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    return from_native(spark.read.parquet(str(source)), segments=list(SEGMENTS), label=source.name)


def compute(what: str, table: Any) -> pl.DataFrame | list:
    if what == "funnel":
        from kpi.engine.funnel import funnel_table

        return funnel_table(table, list(STEPS), window=timedelta(days=7), by=["device"])
    if what == "cohorts":
        from kpi.engine.cohorts import cohort_table

        return cohort_table(table, grain="month", periods=12)
    if what == "ab":
        from kpi.engine.ab import ab_counts

        return ab_counts(table, step="purchase", segment="device")
    if what == "stages":
        from kpi.engine.stages import stage_kpis

        return stage_kpis(table)
    raise SystemExit(f"unknown computation {what!r}")


def _cpu() -> float:
    """CPU seconds of this process (all its threads) and its ended children: on a shared
    machine, what the computation cost whatever the other jobs took."""
    import resource

    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def run_one(args: argparse.Namespace) -> None:
    dog = Watchdog(int(args.kill_gb * 2**30))
    dog.start()
    source = Path(args.source)
    t0 = time.perf_counter()
    if args.engine == "spark":
        table = _spark_table(source, args.spark_gb)
    else:
        table = _duckdb_table(source, args.duckdb_gb, Path(args.tmp))
    t1, c1 = time.perf_counter(), _cpu()
    result = compute(args.what, table)
    t2, c2 = time.perf_counter(), _cpu()
    rows = result.height if isinstance(result, pl.DataFrame) else len(result)
    dog.stop = True
    print(
        json.dumps(
            {
                "what": args.what,
                "engine": args.engine,
                "source": source.name,
                "open_s": round(t1 - t0, 2),
                "seconds": round(t2 - t1, 2),
                "cpu_s": round(c2 - c1, 2),
                "peak_gb": round(dog.peak / 2**30, 2),
                "rows": rows,
            }
        ),
        flush=True,
    )
    if args.show and isinstance(result, pl.DataFrame):
        print(result, file=sys.stderr)


# --------------------------------------------------------------------------- the table


def _label(n: float) -> str:
    return f"{int(n / 1e6)}m" if n >= 1e6 else f"{int(n / 1e3)}k"


def run_all(args: argparse.Namespace) -> None:
    root = Path(args.root)
    lines = []
    for n in args.sizes:
        folder = root / f"events_{_label(n)}"
        if not any(folder.glob("part-*.parquet")):
            print(f"generating {folder} …", flush=True)
            print(json.dumps(generate(int(n), folder)), flush=True)
        size = sum(f.stat().st_size for f in folder.glob("part-*.parquet"))
        engines = ["duckdb"] + (["spark"] if any(abs(n - s) < 1 for s in args.spark) else [])
        for engine in engines:
            for what in args.what:
                cmd = [
                    sys.executable,
                    __file__,
                    "run",
                    "--source",
                    str(folder),
                    "--what",
                    what,
                    "--engine",
                    engine,
                    "--kill-gb",
                    str(args.kill_gb),
                    "--duckdb-gb",
                    str(args.duckdb_gb),
                    "--spark-gb",
                    str(args.spark_gb),
                    "--tmp",
                    args.tmp,
                ]
                t = time.perf_counter()
                proc = subprocess.run(cmd, capture_output=True, text=True, timeout=args.timeout)
                wall = time.perf_counter() - t
                got = [json.loads(x) for x in proc.stdout.splitlines() if x.startswith("{")]
                rec = got[-1] if got else {"error": proc.stderr.strip().splitlines()[-1:]}
                rec |= {
                    "events": int(n),
                    "parquet_mb": round(size / 2**20),
                    "process_s": round(wall, 1),
                }
                print(json.dumps(rec), flush=True)
                lines.append(rec)
    if args.json:
        Path(args.json).write_text(json.dumps(lines, indent=1))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="cmd", required=True)
    g = sub.add_parser("gen")
    g.add_argument("--events", type=float, required=True)
    g.add_argument("--out", type=Path, required=True)
    g.add_argument("--chunk", type=int, default=CHUNK)
    for p in (sub.add_parser("run"), sub.add_parser("all")):
        p.add_argument("--kill-gb", type=float, default=12.0)
        p.add_argument("--duckdb-gb", type=float, default=6.0)
        p.add_argument("--spark-gb", type=float, default=4.0)
        p.add_argument("--tmp", default="/tmp/parcours-duckdb-spill")
        if p.prog.endswith("run"):
            p.add_argument("--source", required=True)
            p.add_argument("--what", choices=WHAT, required=True)
            p.add_argument("--engine", choices=["duckdb", "spark"], default="duckdb")
            p.add_argument("--show", action="store_true")
        else:
            p.add_argument("--root", required=True)
            p.add_argument("--sizes", type=float, nargs="+", default=[1e6, 1e7, 1e8])
            p.add_argument("--spark", type=float, nargs="*", default=[1e7])
            p.add_argument("--what", nargs="+", default=["funnel", "cohorts", "ab"])
            p.add_argument("--timeout", type=float, default=3600)
            p.add_argument("--json")
    args = parser.parse_args(argv)
    if args.cmd == "gen":
        print(json.dumps(generate(int(args.events), args.out, args.chunk)))
    elif args.cmd == "run":
        run_one(args)
    else:
        run_all(args)


if __name__ == "__main__":
    main()
