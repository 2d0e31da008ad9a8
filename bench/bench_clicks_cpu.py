"""Server CPU of the View's computations per click of the meeting, before and after, no browser.

Each click is what the page asks of ``kpi.view.View`` when it is made (as ``pages/_ui/compute``
builds the Views: one session's ``PeriodCache`` shared by every View, a new View per filter or
funnel setting, a funnel-setting change starting with the results that do not depend on the
funnel, as ``compute._inherit`` does), timed in CPU seconds of the whole process
(``time.process_time``: every polars thread counts; steadier than wall time on the shared
machine). Not timed: Streamlit's own work on the page's elements (≈ 0.15–0.25 CPU s a rerun,
see bench/README) and the browser.

Clicks, on the Funnel page unless said:

    open            the whole data, the first view (its facts, funnel progress... are built)
    device          device = mobile                   (stage KPIs, funnel, breakdown by device)
    channel         device none, channel = the top one
    breakdown       the breakdown: device -> channel   (funnel by channel)
    step_-last      the last step removed              (funnel, breakdown)
    step_-mid       the step before the last removed
    step_+mid_end   ... and put back at the end
    period          the last 14 days                   (+ the previous 14 days: KPIs, funnel,
                                                        breakdown into the current segments)
    ab_first        the A/B test page's first render: counts per variant for "reached the
                    purchase" (the data's steps, no window) with revenue, no breakdown

Usage::

    python bench/gen.py --events 1e6 --out /tmp/x/events_1m.csv
    git archive <commit> kpi | tar -x -C /tmp/x/old          # the code before, to compare
    python bench/bench_clicks_cpu.py --data /tmp/x/events_1m.csv --old /tmp/x/old --repeat 5
    git archive <commit> | tar -x -C /tmp/x/old_app           # a whole checkout
    python bench/bench_clicks_cpu.py --app --data /tmp/x/events_1m.csv --old /tmp/x/old_app

``--app`` makes the same clicks in the app (``AppTest`` from an upload of the CSV: the whole
rerun's CPU, the page's elements included, no browser; the A/B page's first render as the
pages compute it, which reads ``View.ab_counts`` only once the page calls it).

Each session runs in a fresh process (the Dataset unpickled before the clock starts), the old
and this checkout alternating; prints the median CPU seconds per click, old / new, and the load
average. Every click's results of the two checkouts are compared (same funnel tables, counts;
floats to 10 significant digits: polars' parallel float sums, e.g. the A/B test's revenue,
vary in the last bit from one run to the next of the same code).
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
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

#: the View results a funnel-setting change keeps (pages/_ui/compute._INHERITED)
_INHERITED = ("view", "previous_filters", "previous", "event_steps", "purchase_step",
              "first_seen", "kpis", "prev_kpis", "monthly_duration", "purchase", "segmented")  # fmt: skip
_INHERITED_PREFIXES = ("kpis_by|", "facts_for|")


def _load(path: Path):
    if path.suffix == ".pkl":
        with path.open("rb") as fh:
            return pickle.load(fh)
    from kpi.load import read_table
    from kpi.schema import TableInput, build_dataset, detect_roles

    table = read_table(path.read_bytes(), filename=path.name)
    roles = detect_roles(table.frame, filename=path.name)
    return build_dataset([TableInput.from_table(path.name, table, roles=roles)])


def _digest(frame) -> object:
    """What the comparison reads of a result: a frame's rows, or the repr of anything else."""
    import polars as pl

    if frame is None:
        return None
    if isinstance(frame, pl.DataFrame):  # floats to 10 digits: polars' parallel sums vary
        floats = [c for c, t in frame.schema.items() if t.is_float()]  # in the last bit
        frame = frame.with_columns(pl.col(c).round_sig_figs(10) for c in floats)
        return frame.sort(frame.columns, nulls_last=True).rows()
    table = getattr(frame, "table", None)
    if isinstance(table, pl.DataFrame):
        return _digest(table)
    return repr(frame)


def worker(data: Path) -> dict[str, dict]:
    """One session of clicks on this process's repository: CPU seconds and results."""
    import polars as pl

    import kpi.view as kv
    from kpi import abtest
    from kpi.filters import Filters
    from kpi.settings import FunnelSettings

    full = _load(data)
    import scipy.stats  # noqa: F401  (imported once per server: not a click's cost)

    cache = kv.PeriodCache()
    channel = full.users["channel"].value_counts(sort=True)["channel"][0]
    steps = list(full.steps or full.events["step"].unique(maintain_order=True).to_list())
    last = full.events["ts"].max().date()
    period = Filters(start=last - timedelta(days=13), end=last)
    out: dict[str, dict] = {}
    prev_view: list = [None]

    def view_of(filters, settings, inherit: bool = False):
        view = kv.View(full, filters, settings, period_cache=cache)
        if inherit and prev_view[0] is not None:
            for k, v in prev_view[0]._memo.items():
                if k in _INHERITED or k.startswith(_INHERITED_PREFIXES):
                    view._memo.setdefault(k, v)
        prev_view[0] = view
        return view

    def funnel_page(view, segment: str | None) -> list:
        res = [view.kpis(), view.previous_kpis(), view.funnel(), view.previous_funnel()]
        if segment is not None:
            by = view.funnel_by(segment, top=8)
            res.append(by)
            if by is not None and view.previous_filters is not None:
                shown = tuple(str(v) for v in by[segment].unique().to_list() if v != "Other")
                res.append(view.funnel_by(segment, top=8, keep=shown, previous=True))
        return res

    def click(name: str, fn) -> None:
        t = time.process_time()
        res = fn()
        cpu = time.process_time() - t
        out[name] = {"cpu": cpu, "digest": repr([_digest(r) for r in res])}

    # the session opens the whole data (the period's facts, base and progress are built)
    click("open", lambda: funnel_page(view_of(Filters(), FunnelSettings(segment="device")), "device"))  # fmt: skip
    device = Filters(segments={"device": ["mobile"]})
    click("device", lambda: funnel_page(view_of(device, FunnelSettings(segment="device")), "device"))  # fmt: skip
    chan = Filters(segments={"channel": [channel]})
    click("channel", lambda: funnel_page(view_of(chan, FunnelSettings(segment="device")), "device"))
    click("breakdown", lambda: funnel_page(view_of(chan, FunnelSettings(segment="channel"), True), "channel"))  # fmt: skip
    for name, s in (
        ("step_-last", steps[:-1]),
        ("step_-mid", [x for x in steps if x != steps[-2]]),
        ("step_+mid_end", [*[x for x in steps if x != steps[-2]], steps[-2]]),
    ):
        settings = FunnelSettings(steps=tuple(s), segment="channel")
        click(name, lambda settings=settings: funnel_page(view_of(chan, settings, True), "channel"))
    click("period", lambda: funnel_page(view_of(period, FunnelSettings(segment="device")), "device"))  # fmt: skip

    purchase = steps[-1]

    def ab_first() -> list:
        view = view_of(Filters(), FunnelSettings())
        kw = dict(variant="variant", step=purchase, window=None, by=None, revenue=True)
        if hasattr(view, "ab_counts"):
            return [view.ab_counts(**kw)]
        ds = view.view  # what the A/B page computes: kpi.abtest.ab_counts on the view
        return [abtest.ab_counts(ds.users, ds.events, steps=ds.steps, **kw)]

    click("ab_first", ab_first)
    del pl
    return out


def app_worker(csv: Path) -> dict[str, dict]:
    """The same clicks made in the app itself (``AppTest``, no browser): CPU seconds of the
    whole rerun (the page's elements too; AppTest compiles the page's script on every run,
    which the server does not), from an upload of ``csv``."""
    import datetime as dt

    import scipy.stats  # noqa: F401
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(Path.cwd() / "app.py"), default_timeout=900)
    at.run()
    at.sidebar.file_uploader[0].set_value((csv.name, csv.read_bytes(), "text/csv")).run()
    at.switch_page("pages/funnel_view.py").run()
    at.selectbox(key="fn_by").set_value("device").run()
    out: dict[str, dict] = {}

    def click(name: str, fn) -> None:
        t = time.process_time()
        fn()
        out[name] = {"cpu": time.process_time() - t, "digest": ""}
        assert not at.exception, [e.value for e in at.exception]

    device, channel = at.sidebar.multiselect(key="device"), at.sidebar.multiselect(key="channel")
    click("device", lambda: device.set_value(["mobile"]).run())
    click("channel", lambda: (at.sidebar.multiselect(key="device").set_value([]).run(), at.sidebar.multiselect(key="channel").set_value([channel.options[0]]).run()))  # fmt: skip
    click("breakdown", lambda: at.selectbox(key="fn_by").set_value("channel").run())
    steps = list(at.multiselect(key="fn_steps").value)
    mid = [x for x in steps if x != steps[-2]]
    for name, s in (("step_-last", steps[:-1]), ("step_-mid", mid), ("step_+mid_end", [*mid, steps[-2]])):  # fmt: skip
        click(name, lambda s=s: at.multiselect(key="fn_steps").set_value(s).run())
    _, hi = at.date_input(key="period").value
    click("period", lambda: at.date_input(key="period").set_value((hi - dt.timedelta(days=13), hi)).run())  # fmt: skip
    click("ab_first", lambda: at.switch_page("pages/abtest_view.py").run())
    return out


def _run(repo: Path, data: Path, app: Path | None = None) -> dict[str, dict]:
    env = {**os.environ, "PYTHONPATH": str(repo)}
    cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", "--data", str(data)]
    if app is not None:
        cmd = [sys.executable, str(Path(__file__).resolve()), "--app-worker", "--data", str(app)]
    res = subprocess.run(cmd, env=env, cwd=repo, capture_output=True, text=True, check=True)
    return json.loads(res.stdout.strip().splitlines()[-1])


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--data", type=Path, required=True, help="events CSV/Parquet or a pickle")
    p.add_argument("--old", type=Path, help="another checkout to time in the same run")
    p.add_argument("--repeat", type=int, default=5)
    p.add_argument(
        "--app",
        action="store_true",
        help="the clicks in the app (AppTest, a CSV --data; --old: a whole checkout)",
    )
    p.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--app-worker", action="store_true", help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.worker:
        print(json.dumps(worker(args.data)))
        return
    if args.app_worker:
        print(json.dumps(app_worker(args.data)))
        return
    csv = args.data if args.app else None
    if (
        csv is None and args.data.suffix != ".pkl"
    ):  # load once, pickle, so that each process starts fast
        sys.path.insert(0, str(ROOT))
        pkl = Path("/tmp") / f"bench_clicks_{os.getpid()}.pkl"
        with pkl.open("wb") as fh:
            pickle.dump(_load(args.data), fh)
        args.data = pkl
    runs: dict[str, list[dict[str, dict]]] = {"new": [], "old": []}
    load = [os.getloadavg()[0]]
    for _ in range(args.repeat):
        if args.old:
            runs["old"].append(_run(args.old, args.data, csv))
        runs["new"].append(_run(ROOT, args.data, csv))
        load.append(os.getloadavg()[0])
    clicks = list(runs["new"][0])
    what = "the app's rerun (AppTest)" if csv else "the View"
    print(f"CPU seconds of {what} per click, medians of {args.repeat} sessions")
    print(f"load average during the run: {min(load):.1f} to {max(load):.1f} (1 min)")
    print("| click | before | after | before / after | same results |")
    print("|---|---|---|---|---|")
    same_all = True
    for c in clicks:
        new = statistics.median(r[c]["cpu"] for r in runs["new"])
        if args.old:
            old = statistics.median(r[c]["cpu"] for r in runs["old"])
            same = all(r[c]["digest"] == runs["new"][0][c]["digest"] for r in runs["old"])
            same_all &= same
            if csv is not None:  # the app's clicks: the results are the View's (compared above)
                print(f"| {c} | {old:.3f} s | {new:.3f} s | {old / new:.2f}× | – |")
                continue
            print(f"| {c} | {old:.3f} s | {new:.3f} s | {old / new:.2f}× | {'yes' if same else 'NO'} |")  # fmt: skip
        else:
            print(f"| {c} | – | {new:.3f} s | – | – |")
    if not same_all:
        sys.exit("the two checkouts gave different results")


if __name__ == "__main__":
    main()
