"""The View's computations per interaction of the meeting, before and after, in the same run.

Each interaction is what a click asks the server to compute for the Overview (the view's
filter, stage KPIs of the view and of the previous period, the funnel of both, the red flags),
the Stage KPIs table by segment, the Retention and the Value summaries:

    open          whole data, no filter (first view: the period's facts are built here)
    device        device = mobile
    channel       + channel = the most common channel
    period        + the last whole month (the previous month is compared)
    device_2      device = desktop, same month
    breakdown     stage KPIs by channel of that view (and the funnel by segment when the View
                  has ``funnel_by``)

Usage::

    python bench/gen.py --events 1e6 --out /tmp/x/events_1m.csv
    python bench/bench_view.py --data /tmp/x/events_1m.csv --old /tmp/x/old --repeat 5

``--old`` is another checkout of the repository (``git archive <commit> kpi | tar -x -C DIR``)
timed in the same run, alternating with this one (a fresh process each, the data loaded
before the clock starts). A session of the new View shares one ``PeriodCache`` over the
interactions, as the app does; the old View has none. Prints the median seconds of each
part per interaction, the ratio old / new, and the load average.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import statistics
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PARTS = (
    "filter",
    "kpis",
    "prev_kpis",
    "funnel",
    "prev_funnel",
    "flags",
    "by",
    "retention",
    "value",
)


def _load(path: Path):
    if path.suffix == ".pkl":
        with path.open("rb") as fh:
            return pickle.load(fh)
    from kpi.load import read_table
    from kpi.schema import TableInput, build_dataset, detect_roles

    table = read_table(path.read_bytes(), filename=path.name)
    roles = detect_roles(table.frame, filename=path.name)
    return build_dataset([TableInput.from_table(path.name, table, roles=roles)])


def _interactions(full) -> list[tuple[str, object]]:
    from kpi.filters import Filters, date_bounds

    channels = full.users["channel"].value_counts(sort=True)["channel"].to_list()
    bounds = date_bounds(full)
    assert bounds is not None
    after = bounds[1] + timedelta(days=1)
    # the last whole month of the data
    end = (
        after - timedelta(days=1)
        if after.day == 1
        else date(after.year, after.month, 1) - timedelta(days=1)
    )
    start = date(end.year, end.month, 1)
    month = {"start": start, "end": end}
    return [
        ("open", Filters()),
        ("device", Filters(segments={"device": ["mobile"]})),
        ("channel", Filters(segments={"device": ["mobile"], "channel": [channels[0]]})),
        ("period", Filters(**month, segments={"device": ["mobile"], "channel": [channels[0]]})),
        ("device_2", Filters(**month, segments={"device": ["desktop"], "channel": [channels[0]]})),
        ("breakdown", Filters(**month, segments={"device": ["desktop"], "channel": [channels[0]]})),
    ]


def worker(data: Path) -> dict[str, dict[str, float]]:
    """One session of interactions on this process's repository: seconds per part."""
    import kpi.view as kv

    full = _load(data)
    cache = kv.PeriodCache() if hasattr(kv, "PeriodCache") else None
    out: dict[str, dict[str, float]] = {}
    for name, filters in _interactions(full):
        view = (
            kv.View(full, filters, period_cache=cache)
            if cache is not None
            else kv.View(full, filters)
        )
        out[name] = _session_step(view, name)
    return out


def _session_step(view, name: str) -> dict[str, float]:
    """Seconds of each part of one interaction on ``view``."""
    times: dict[str, float] = {}

    def clock(part: str, fn) -> None:
        t = time.perf_counter()
        fn()
        times[part] = time.perf_counter() - t

    if name == "breakdown":
        clock("by", lambda: view.kpis_by("channel"))
        if hasattr(view, "funnel_by"):
            clock("funnel", lambda: view.funnel_by("channel"))
        return times
    clock("filter", lambda: view.view)
    clock("kpis", view.kpis)
    clock("prev_kpis", view.previous_kpis)
    clock("funnel", view.funnel)
    clock("prev_funnel", view.previous_funnel)
    clock("flags", view.red_flags)
    clock("retention", view.retention)
    clock("value", view.value)
    return times


def _run(repo: Path, data: Path) -> dict[str, dict[str, float]]:
    env = {**os.environ, "PYTHONPATH": str(repo)}
    cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", "--data", str(data)]
    res = subprocess.run(cmd, env=env, cwd=repo, capture_output=True, text=True, check=True)
    return json.loads(res.stdout.strip().splitlines()[-1])


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument(
        "--data", type=Path, required=True, help="events CSV/Parquet or a pickled Dataset"
    )
    p.add_argument("--old", type=Path, help="another checkout to time in the same run")
    p.add_argument("--repeat", type=int, default=5)
    p.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.worker:
        print(json.dumps(worker(args.data)))
        return
    if args.data.suffix != ".pkl":  # load once, pickle, so that each process starts fast
        sys.path.insert(0, str(ROOT))
        pkl = Path("/tmp") / f"bench_view_{os.getpid()}.pkl"
        with pkl.open("wb") as fh:
            pickle.dump(_load(args.data), fh)
        args.data = pkl
    runs: dict[str, list[dict[str, dict[str, float]]]] = {"new": [], "old": []}
    load = [os.getloadavg()[0]]
    for _ in range(args.repeat):
        if args.old:
            runs["old"].append(_run(args.old, args.data))
        runs["new"].append(_run(ROOT, args.data))
        load.append(os.getloadavg()[0])

    def median(which: str, inter: str, part: str) -> float | None:
        vals = [r[inter][part] for r in runs[which] if part in r.get(inter, {})]
        return statistics.median(vals) if vals else None

    inters = list(runs["new"][0])
    print(f"View computations, medians of {args.repeat} sessions, seconds (old / new = ratio)")
    print(f"load average during the run: {min(load):.1f} to {max(load):.1f} (1 min)")
    for inter in inters:
        cells = []
        total_old = total_new = 0.0
        for part in PARTS:
            new = median("new", inter, part)
            if new is None:
                continue
            old = median("old", inter, part) if args.old else None
            total_new += new
            if old is not None:
                total_old += old
                cells.append(f"{part} {old:.3f}/{new:.3f}")
            else:
                cells.append(f"{part} {new:.3f}")
        ratio = f" x{total_old / total_new:.1f}" if args.old and total_new else ""
        head = (
            f"{inter:<10} total {total_old:.3f}/{total_new:.3f}{ratio}"
            if args.old
            else (f"{inter:<10} total {total_new:.3f}")
        )
        print(head)
        print("           " + ", ".join(cells))


if __name__ == "__main__":
    main()
