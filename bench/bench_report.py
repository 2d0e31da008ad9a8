"""Benchmark: the Excel summary and ``python -m kpi report``, on generated event logs with
string user ids (bench/gen.py, the demo shop's model scaled).

Three measurements, each in its own subprocess (peak memory = that process's ``ru_maxrss``):

- ``view``: the View's own computations that the workbook reads (stage KPIs and the previous
  period's, funnel, session durations, red flags, retention, value, advocacy), then the
  workbook built from that View (everything else: the funnel by segment, the A/B sheet, the
  cells); ratio = (view + workbook's own work) / view.
- ``report``: the whole command ``python -m kpi report FILE -o OUT.xlsx`` against its peers in
  the same run: a plain ``pl.read_csv(FILE, try_parse_dates=True)`` plus one DuckDB funnel on
  that frame (the ASOF-join formulation of bench_funnel.py: the 5 steps, 14-day window).
- ``curve``: ``python -m kpi report FILE --big`` (the streaming route, kpi/ingest/scan.py) on
  Parquet and CSV files of growing size; time per million events and peak memory.

Files are generated once and cached in ``--workdir``; CSV files of 10M+ events are written
from the Parquet file by polars' streaming engine (``sink_csv``: the same rows, little memory).
Not a test: run it by hand, e.g.

    .venv/bin/python bench/bench_report.py --view 1e6 5e6 --report 5e6
    .venv/bin/python bench/bench_report.py --curve 1e6 1e7 5e7 --formats parquet csv
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STEPS = ["landing", "product_view", "add_to_cart", "checkout", "purchase"]
WINDOW_S = 14 * 86_400


def _label(n: int) -> str:
    return f"{n // 1_000_000}m" if n % 1_000_000 == 0 else str(n)


def data_file(n: int, fmt: str, workdir: Path) -> Path:
    """The generated log of ``n`` events as ``fmt`` (csv or parquet), cached in ``workdir``."""
    path = workdir / f"events_{_label(n)}.{fmt}"
    if path.exists():
        return path
    workdir.mkdir(parents=True, exist_ok=True)
    other = workdir / f"events_{_label(n)}.{'parquet' if fmt == 'csv' else 'csv'}"
    if fmt == "csv" and other.exists():
        import polars as pl

        pl.scan_parquet(other).sink_csv(path)
        return path
    subprocess.run(
        [sys.executable, str(ROOT / "bench" / "gen.py"), "--events", str(n), "--out", str(path)],
        check=True,
    )
    return path


# ----------------------------------------------------------------------------- children
def child_view(path: str) -> dict:
    """Seconds of each View computation the workbook reads, then of the workbook's own work."""
    sys.path.insert(0, str(ROOT))
    from kpi.export.workbook import ReportOptions, build_workbook, view_for
    from kpi.filters import Filters
    from kpi.load import read_table
    from kpi.schema import TableInput, build_dataset, detect_roles, table_name

    p = Path(path)
    t = time.perf_counter()
    table = read_table(p, filename=p.name, max_mb=None)
    read_s = time.perf_counter() - t
    t = time.perf_counter()
    roles = detect_roles(table.frame, filename=p.name)
    ds = build_dataset([TableInput.from_table(table_name(p.name), table, roles=roles)])
    build_s = time.perf_counter() - t
    del table
    filters = Filters()
    options = ReportOptions()
    view = view_for(ds, filters, options)
    parts: dict[str, float] = {}

    def timed(name: str, fn) -> None:  # type: ignore[no-untyped-def]
        s = time.perf_counter()
        fn()
        parts[name] = time.perf_counter() - s

    timed("kpis", view.kpis)
    timed("previous", lambda: (view.previous_kpis(), view.previous_funnel()))
    timed("funnel", view.funnel)
    timed("monthly_duration", view.monthly_duration)
    timed("red_flags", lambda: view.red_flags(options.thresholds))
    timed("retention", view.retention)
    timed("value", lambda: (view.value(), view.value_inputs()))
    timed("advocacy", view.advocacy)
    t = time.perf_counter()
    data = build_workbook(ds, filters, options=options, view=view)
    workbook_s = time.perf_counter() - t
    view_s = sum(parts.values())
    return {
        "read_s": read_s,
        "build_s": build_s,
        "view_s": view_s,
        "parts": parts,
        "workbook_own_s": workbook_s,
        "ratio": (view_s + workbook_s) / view_s,
        "kb": len(data) / 1024,
    }


def child_peers(path: str) -> dict:
    """pl.read_csv of the file, then one DuckDB funnel (ASOF joins) on that frame."""
    import duckdb
    import polars as pl

    t = time.perf_counter()
    events = pl.read_csv(path, try_parse_dates=True)
    read_s = time.perf_counter() - t
    t = time.perf_counter()
    con = duckdb.connect()
    con.register("raw", events)
    pos = " ".join(f"WHEN '{s}' THEN {i}" for i, s in enumerate(STEPS))
    con.execute(
        f"CREATE TEMP TABLE e AS SELECT user_id, event_time AS ts, CASE event_name {pos} END AS "
        "pos, row_number() OVER (PARTITION BY user_id ORDER BY event_time, pos) AS rn FROM raw "
        f"WHERE event_name IN ({', '.join(repr(s) for s in STEPS)})"
    )
    con.execute("CREATE TEMP TABLE c0 AS SELECT user_id, ts AS start, rn FROM e WHERE pos = 0")
    for j in range(1, len(STEPS)):
        con.execute(
            f"CREATE TEMP TABLE c{j} AS SELECT c.user_id, c.start, n.rn FROM c{j - 1} c ASOF JOIN "
            f"(SELECT user_id, ts, rn FROM e WHERE pos = {j}) n ON c.user_id = n.user_id "
            f"AND n.rn > c.rn WHERE n.ts - c.start <= INTERVAL {WINDOW_S} SECOND"
        )
    users = [
        con.execute(f"SELECT count(DISTINCT user_id) FROM c{j}").fetchone()[0]  # type: ignore[index]
        for j in range(len(STEPS))
    ]
    funnel_s = time.perf_counter() - t
    return {"read_s": read_s, "funnel_s": funnel_s, "users": users}


def _child(kind: str, path: str) -> None:
    out = child_view(path) if kind == "view" else child_peers(path)
    out["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(out))


def run_child(kind: str, path: Path) -> dict:
    proc = subprocess.run(
        [sys.executable, __file__, "--child", kind, str(path)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _rss_mb(pid: int) -> float:
    """Resident memory of ``pid`` and its children (MB), 0 once gone."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/status") as fh:
                total += next(int(ln.split()[1]) for ln in fh if ln.startswith("VmRSS:"))
            with open(f"/proc/{p}/task/{p}/children") as fh:
                todo += [int(x) for x in fh.read().split()]
        except (OSError, StopIteration):
            pass
    return total / 1024


def run_report(path: Path, out: Path, *extra: str, max_mb: float | None = None) -> dict:
    """``python -m kpi report`` in a fresh process: wall time and that process's peak RSS
    (``ru_maxrss``). ``max_mb``: a watchdog polls its resident memory and stops it above that
    (the shared machine must not run out of memory); the result then says so."""
    cmd = [sys.executable, "-m", "kpi", "report", str(path), "-o", str(out), *extra]
    with tempfile.TemporaryFile("w+") as err:
        t = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=err, text=True)
        stopped = None
        while True:  # wait4: this child's own rusage (its peak RSS)
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if max_mb is not None and stopped is None:
                rss = _rss_mb(proc.pid)
                if rss > max_mb:
                    proc.kill()
                    stopped = rss
            time.sleep(0.2)
        seconds = time.perf_counter() - t
        proc.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        text = err.read().strip()
    if stopped is not None:
        return {"seconds": seconds, "peak_mb": stopped, "stopped": True, "stderr": text}
    if proc.returncode != 0:
        raise SystemExit(f"report failed ({proc.returncode}): {text}")
    return {"seconds": seconds, "peak_mb": usage.ru_maxrss / 1024, "stopped": False, "stderr": text}


def load() -> str:
    return "load average " + " / ".join(f"{x:.1f}" for x in os.getloadavg())


# ----------------------------------------------------------------------------- main
def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--view", nargs="*", type=float, default=[], help="sizes (events)")
    parser.add_argument("--report", nargs="*", type=float, default=[], help="sizes (events)")
    parser.add_argument("--curve", nargs="*", type=float, default=[], help="sizes (events)")
    parser.add_argument("--formats", nargs="+", default=["parquet", "csv"])
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/parcours-bench"))
    parser.add_argument(
        "--max-mb", type=float, default=10_000, help="stop a report above this RSS (watchdog)"
    )
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(*args.child)
        return
    if not (args.view or args.report or args.curve):
        args.view, args.report = [1e6, 5e6], [5e6]
    for size in args.view:
        path = data_file(int(size), "csv", args.workdir)
        r = run_child("view", path)
        parts = ", ".join(f"{k} {v:.2f}" for k, v in r["parts"].items())
        print(
            f"\nworkbook vs view, {int(size):,} events ({load()}):\n"
            f"  view {r['view_s']:.2f} s ({parts})\n"
            f"  workbook's own work {r['workbook_own_s']:.2f} s -> ratio {r['ratio']:.2f}x\n"
            f"  (read_table {r['read_s']:.2f} s, build_dataset {r['build_s']:.2f} s, "
            f"peak {r['peak_mb']:,.0f} MB)"
        )
    for size in args.report:
        path = data_file(int(size), "csv", args.workdir)
        out = args.workdir / "bench_report.xlsx"
        rep = run_report(path, out, "--no-big")
        peers = run_child("peers", path)
        base = peers["read_s"] + peers["funnel_s"]
        print(
            f"\npython -m kpi report, {int(size):,} events CSV ({load()}):\n"
            f"  report {rep['seconds']:.2f} s, peak {rep['peak_mb']:,.0f} MB\n"
            f"  peers: pl.read_csv {peers['read_s']:.2f} s + DuckDB funnel "
            f"{peers['funnel_s']:.2f} s = {base:.2f} s (peak {peers['peak_mb']:,.0f} MB)\n"
            f"  ratio {rep['seconds'] / base:.2f}x  (DuckDB users per step {peers['users']})\n"
            f"  {rep['stderr'].splitlines()[0] if rep['stderr'] else ''}"
        )
    rows = []
    for fmt in args.formats:
        for size in args.curve:
            n = int(size)
            path = data_file(n, fmt, args.workdir)
            before = load()
            out = args.workdir / f"curve_{_label(n)}_{fmt}.xlsx"
            rep = run_report(path, out, "--big", max_mb=args.max_mb)
            rep["load"] = f"{before} -> {load()}"
            rows.append((n, fmt, path.stat().st_size / 2**20, rep))
            print(
                f"  {fmt:8} {n:>12,} events {rows[-1][2]:8,.0f} MB: {rep['seconds']:7.1f} s "
                f"({rep['seconds'] / n * 1e6:.2f} s per M events), peak {rep['peak_mb']:,.0f} MB"
                f"{' STOPPED by the watchdog' if rep['stopped'] else ''}  [{rep['load']}]",
                flush=True,
            )
            for line in rep["stderr"].splitlines():
                print(f"    {line}", flush=True)
    if rows:
        print("\n| events | format | file | time | s per M events | peak RSS | load |")
        print("|---|---|---|---|---|---|---|")
        for n, fmt, mb, rep in rows:
            peak = (
                f"> {rep['peak_mb']:,.0f} MB (stopped)"
                if rep["stopped"]
                else f"{rep['peak_mb']:,.0f} MB"
            )
            print(
                f"| {n:,} | {fmt} | {mb:,.0f} MB | {rep['seconds']:.1f} s | "
                f"{rep['seconds'] / n * 1e6:.2f} | {peak} | {rep['load']} |"
            )


if __name__ == "__main__":
    main()
