"""Benchmark: sequential funnel with a conversion window, by device.

kpi.funnel.funnel (polars) against DuckDB SQL (window functions and an ASOF-join
formulation; the best of the two is reported) and a straightforward pandas implementation,
on generated event logs with **string user ids** as exports carry them (``--ids usr``:
``usr_0001234``, ``uuid``, ``ga4`` pseudo ids, or ``int`` for the raw integer ids), 5 steps
and a device segment (fixed seed). Every engine is given the same table, user ids as the
user gave them. The floor is one polars group-by pass over the user ids
(``events.group_by("user_id").agg(pl.len())``), timed the same way. Each engine runs in its
own subprocess (peak memory = that process's ru_maxrss, which includes the loaded data);
results must agree exactly (the script exits non-zero otherwise). Not a test: run it by
hand, e.g.

    .venv/bin/python bench/bench_funnel.py --sizes 1e6 1e7 --pandas-max 1e6 --repeat 3
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

STEPS = ["landing", "view_item", "add_to_cart", "begin_checkout", "purchase"]
WINDOW = dt.timedelta(days=7)
ROOT = Path(__file__).resolve().parents[1]


def generate(n_events: int, path: Path, seed: int = 20250301, ids: str = "usr") -> None:
    """About n/5 users; each event's step is skewed to early steps; 30 days of timestamps;
    user ids as ``ids`` (bench/gen.py's ``string_ids`` of the integer ids, or ``int``)."""
    import polars as pl

    sys.path.insert(0, str(ROOT / "bench"))
    from gen import string_ids

    rng = np.random.default_rng(seed)
    n_users = max(1, n_events // 5)
    user = rng.integers(0, n_users, n_events, dtype=np.int64) * 7 + 1_000_003  # sparse ids
    pos = rng.choice(5, n_events, p=[0.35, 0.3, 0.17, 0.11, 0.07]).astype(np.int8)
    base = rng.integers(0, 23 * 86_400, n_users, dtype=np.int64)  # each user's first visit
    # later steps tend to come later (1.5 days a step on average), with overlap: out-of-order events
    offset = ((pos + 2.0 * rng.random(n_events)) * 0.75 * 86_400).astype(np.int64)
    ts = (base[(user - 1_000_003) // 7] + offset) * 1_000_000 + 1_735_689_600_000_000
    device_of_user = rng.choice(
        np.array(["desktop", "mobile", "tablet"]), n_users, p=[0.55, 0.4, 0.05]
    )
    frame = pl.DataFrame(
        {
            "user_id": user,
            "step": np.array(STEPS)[pos],
            "ts": ts,
            "device": device_of_user[(user - 1_000_003) // 7],
        }
    ).with_columns(pl.col("ts").cast(pl.Datetime("us")))
    if ids != "int":
        frame = frame.with_columns(string_ids(user, ids))  # type: ignore[arg-type]
    frame.write_parquet(path)


# ------------------------------------------------------------------------------ engines


def run_polars(path: Path) -> tuple[float, dict]:
    import polars as pl

    sys.path.insert(0, str(ROOT))
    from kpi.funnel import funnel

    events = pl.read_parquet(path)
    t = time.perf_counter()
    res = funnel(events, STEPS, by=["device"], window=WINDOW)
    elapsed = time.perf_counter() - t
    return elapsed, {f"{d}|{s}": u for d, s, u in res.select("device", "step", "users").iter_rows()}


def run_groupby(path: Path) -> tuple[float, dict]:
    """The floor: one polars group-by pass over the user ids (events per user)."""
    import polars as pl

    events = pl.read_parquet(path)
    t = time.perf_counter()
    res = events.group_by("user_id").agg(pl.len())
    elapsed = time.perf_counter() - t
    return elapsed, {"users": res.height}


def _duckdb_sql(window_s: int) -> str:
    pos = " ".join(f"WHEN '{s}' THEN {i}" for i, s in enumerate(STEPS))
    parts = [
        f"e AS (SELECT user_id, device, ts, CASE step {pos} END AS pos FROM events "
        f"WHERE step IN ({', '.join(repr(s) for s in STEPS)}))",
        "s0 AS (SELECT *, CASE WHEN pos = 0 THEN ts END AS st0 FROM e)",
    ]
    for j in range(1, len(STEPS)):
        parts.append(
            f"s{j} AS (SELECT *, CASE WHEN pos = {j} AND ts - m{j} <= INTERVAL {window_s} SECOND "
            f"THEN m{j} END AS st{j} FROM (SELECT *, max(st{j - 1}) OVER (PARTITION BY user_id "
            f"ORDER BY ts, pos ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS m{j} "
            f"FROM s{j - 1}))"
        )
    last = f"s{len(STEPS) - 1}"
    reach = ", ".join(
        f"max(CASE WHEN st{j} IS NOT NULL THEN 1 ELSE 0 END) AS r{j}" for j in range(len(STEPS))
    )
    sums = ", ".join(f"sum(r{j}) AS u{j}" for j in range(len(STEPS)))
    return (
        f"WITH {', '.join(parts)}, "
        f"per_user AS (SELECT user_id, arg_min(device, ts) AS device, {reach} FROM {last} GROUP BY user_id) "
        f"SELECT device, {sums} FROM per_user GROUP BY device"
    )


def _duckdb_asof_sql(window_s: int) -> list[str]:
    pos = " ".join(f"WHEN '{s}' THEN {i}" for i, s in enumerate(STEPS))
    sql = [
        f"CREATE TEMP TABLE e AS SELECT user_id, device, ts, CASE step {pos} END AS pos, "
        f"row_number() OVER (PARTITION BY user_id ORDER BY ts, pos) AS rn FROM events "
        f"WHERE step IN ({', '.join(repr(s) for s in STEPS)})",
        "CREATE TEMP TABLE c0 AS SELECT user_id, ts AS start, rn FROM e WHERE pos = 0",
    ]
    for j in range(1, len(STEPS)):
        sql.append(
            f"CREATE TEMP TABLE c{j} AS SELECT c.user_id, c.start, n.rn FROM c{j - 1} c ASOF JOIN "
            f"(SELECT user_id, ts, rn FROM e WHERE pos = {j}) n ON c.user_id = n.user_id AND n.rn > c.rn "
            f"WHERE n.ts - c.start <= INTERVAL {window_s} SECOND"
        )
    union = " UNION ALL ".join(
        f"SELECT DISTINCT user_id, {j} AS j FROM c{j}" for j in range(len(STEPS))
    )
    sql.append(
        "SELECT f.device, r.j, count(*) FROM (" + union + ") r JOIN "
        "(SELECT user_id, arg_min(device, ts) AS device FROM e GROUP BY user_id) f USING (user_id) "
        "GROUP BY ALL"
    )
    return sql


def run_duckdb(path: Path, variant: str = "window") -> tuple[float, dict]:
    import duckdb

    con = duckdb.connect()
    con.execute(f"CREATE TABLE events AS SELECT * FROM read_parquet('{path}')")
    window_s = int(WINDOW.total_seconds())
    t = time.perf_counter()
    if variant == "window":
        rows = con.execute(_duckdb_sql(window_s)).fetchall()
        out = {f"{r[0]}|{s}": int(r[1 + j] or 0) for r in rows for j, s in enumerate(STEPS)}
    else:
        stmts = _duckdb_asof_sql(window_s)
        for s in stmts[:-1]:
            con.execute(s)
        out = {f"{d}|{s}": 0 for d in ("desktop", "mobile", "tablet") for s in STEPS}
        for device, j, n in con.execute(stmts[-1]).fetchall():
            out[f"{device}|{STEPS[j]}"] = int(n)
    return time.perf_counter() - t, out


def run_pandas(path: Path) -> tuple[float, dict]:
    import pandas as pd

    events = pd.read_parquet(path)
    t = time.perf_counter()
    e = events[events["step"].isin(STEPS)].copy()
    e["pos"] = e["step"].map({s: i for i, s in enumerate(STEPS)})
    e = e.sort_values(["user_id", "ts", "pos"], kind="stable").reset_index(drop=True)
    window = pd.Timedelta(WINDOW)
    start = e["ts"].where(e["pos"] == 0)
    reached = [start.notna()]
    for j in range(1, len(STEPS)):
        prev = start.where(e["pos"] == j - 1)
        best = prev.groupby(e["user_id"]).cummax()  # cummax skips NaT, keeps NaT until first
        best = best.groupby(e["user_id"]).ffill().groupby(e["user_id"]).shift(1)
        ok = (e["pos"] == j) & best.notna() & (e["ts"] - best <= window)
        start = best.where(ok)
        reached.append(ok)
    flags = pd.DataFrame({f"r{j}": r for j, r in enumerate(reached)})
    flags["user_id"] = e["user_id"]
    per_user = flags.groupby("user_id").max()
    first = (
        events.sort_values(["user_id", "ts"], kind="stable").groupby("user_id")["device"].first()
    )
    per_user = per_user.join(first)
    sums = per_user.groupby("device")[[f"r{j}" for j in range(len(STEPS))]].sum()
    elapsed = time.perf_counter() - t
    return elapsed, {
        f"{d}|{s}": int(sums.loc[d, f"r{j}"]) for d in sums.index for j, s in enumerate(STEPS)
    }


ENGINES = {
    "polars": run_polars,
    "duckdb": lambda p: run_duckdb(p, "window"),
    "duckdb_asof": lambda p: run_duckdb(p, "asof"),
    "pandas": run_pandas,
    "groupby": run_groupby,
}
LABELS = {
    "polars": "kpi.funnel.funnel",
    "duckdb": "duckdb (window functions)",
    "duckdb_asof": "duckdb (ASOF joins)",
    "pandas": "pandas",
    "groupby": "polars group-by pass (floor)",
}


def child(engine: str, path: str) -> None:
    sys.path.insert(0, str(ROOT))
    elapsed, result = ENGINES[engine](Path(path))
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": elapsed, "peak_mb": peak_mb, "result": result}))


def measure(engine: str, path: Path) -> dict:
    proc = subprocess.run(
        [sys.executable, __file__, "--child", engine, str(path)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--sizes", nargs="+", type=float, default=[1e6], help="numbers of events (e.g. 1e6 1e7)"
    )
    parser.add_argument(
        "--engines",
        nargs="+",
        default=["polars", "duckdb", "duckdb_asof", "pandas", "groupby"],
        choices=list(ENGINES),
    )
    parser.add_argument(
        "--ids", choices=["int", "usr", "uuid", "ga4"], default="usr", help="user id style"
    )
    parser.add_argument(
        "--pandas-max", type=float, default=1e6, help="skip pandas above this many events"
    )
    parser.add_argument("--repeat", type=int, default=1, help="runs per engine (best time is kept)")
    parser.add_argument("--child", nargs=2, metavar=("ENGINE", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    disagree = False
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes:
            n = int(size)
            path = Path(tmp) / f"events_{n}.parquet"
            t = time.perf_counter()
            generate(n, path, ids=args.ids)
            print(
                f"\n{n:,} events, ~{n // 5:,} users ({args.ids} ids), {len(STEPS)} steps, window "
                f"{WINDOW.days} days, by device (generated in {time.perf_counter() - t:.1f} s; "
                f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())})"
            )
            results: dict[str, dict] = {}
            for engine in args.engines:
                if engine == "pandas" and n > args.pandas_max:
                    print(f"  {LABELS[engine]:30s} skipped (above --pandas-max)")
                    continue
                runs = [measure(engine, path) for _ in range(args.repeat)]
                best = min(runs, key=lambda r: r["seconds"])
                best["peak_mb"] = max(r["peak_mb"] for r in runs)
                results[engine] = best
            answers = {e: r for e, r in results.items() if e != "groupby"}
            ref = answers.get("polars") or next(iter(answers.values()))
            base_t, base_m = ref["seconds"], ref["peak_mb"]
            for engine, r in results.items():
                agree = (
                    ""
                    if engine == "groupby"
                    else "agrees"
                    if r["result"] == ref["result"]
                    else "DISAGREES"
                )
                print(
                    f"  {LABELS[engine]:30s} {r['seconds']:7.2f} s ({r['seconds'] / base_t:5.2f}x "
                    f"kpi)  peak {r['peak_mb']:7.0f} MB ({r['peak_mb'] / base_m:4.2f}x)  {agree}"
                )
            sql = [results[e]["seconds"] for e in ("duckdb", "duckdb_asof") if e in results]
            if "polars" in results and sql:
                print(f"  kpi / DuckDB's best: {results['polars']['seconds'] / min(sql):.2f}x")
            if "polars" in results and "groupby" in results:
                ratio = results["polars"]["seconds"] / results["groupby"]["seconds"]
                print(f"  kpi / group-by pass: {ratio:.2f}x")
            print(f"  load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
            overall = {
                s: sum(v for k, v in ref["result"].items() if k.endswith("|" + s)) for s in STEPS
            }
            print("  users per step:", ", ".join(f"{s} {v:,}" for s, v in overall.items()))
            disagree |= any(r["result"] != ref["result"] for r in answers.values())
    if disagree:
        sys.exit("engines disagree")


if __name__ == "__main__":
    main()
