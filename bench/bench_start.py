"""Cold start: ``python -m kpi --help`` and the app's first page after the server starts.

- ``python -m kpi --help``: wall time of ``--reps`` fresh processes (median), the checkout's own
  virtualenv python, in the checkout (``--repo``).
- The app: ``--starts`` times, a fresh server process (``pages/_ui/serve.py``, as ``make run``)
  and, in an already running Chromium, a new browser session opening ``--path`` as soon as
  the health check answers; the time is from the process's start to the page finished (the
  same "finished" as ``bench_app.py``: the run's ``script_finished`` received, the app not
  running, nothing stale, the DOM quiet for ``--quiet`` ms). Split: process start → health
  check answers, then the browser's navigation start → finished.
- Bytecode: ``--bytecode compiled`` (default) first compiles the checkout's modules
  (``__pycache__`` next to them, as any first run writes them), as a server restarted after
  its first run finds them; ``--bytecode as-is`` keeps the environment (with
  ``PYTHONDONTWRITEBYTECODE=1`` every start compiles the app's ~280 modules again: about
  0.7 s more).

Not a test. Run::

    .venv/bin/python bench/bench_start.py [--repo PATH] [--port 8613]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_app import (
    ROOT,
    _stat,
    launch,
    load,
    new_page,
    server_command,
    stop,
    uptime,
    wait_done,
    wait_healthy,
)


def python_of(repo: Path) -> str:
    venv = repo / ".venv" / "bin" / "python"
    return str(venv) if venv.exists() else sys.executable


def bytecode_env(repo: Path, mode: str) -> dict[str, str]:
    """The environment of the timed processes (see the module's docstring)."""
    env = dict(os.environ)
    if mode == "as-is":
        return env
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.pop("PYTHONPYCACHEPREFIX", None)  # it would move site-packages' caches too
    subprocess.run(
        [python_of(repo), "-m", "compileall", "-q", "app.py", "pages", "kpi"],
        cwd=repo,
        env=env,
        capture_output=True,
        check=False,
    )
    return env


def time_help(repo: Path, reps: int, env: dict[str, str] | None = None) -> list[float]:
    py = python_of(repo)
    times = []
    for _ in range(reps):
        t = time.perf_counter()
        subprocess.run(
            [py, "-m", "kpi", "--help"], cwd=repo, capture_output=True, check=True, env=env
        )
        times.append(time.perf_counter() - t)
    return times


def time_first_page(
    repo: Path,
    port: int,
    starts: int,
    path: str,
    quiet: float,
    workdir: Path,
    env: dict[str, str] | None = None,
) -> list[dict]:
    from playwright.sync_api import sync_playwright

    out = []
    with sync_playwright() as p:
        browser = launch(p)
        try:
            for i in range(starts):
                log = workdir / f"start_{i}.log"
                url = f"http://127.0.0.1:{port}"
                page = new_page(browser)
                with open(log, "w") as f:
                    t0 = time.perf_counter()
                    proc = subprocess.Popen(
                        server_command(repo, port),
                        cwd=repo,
                        stdout=f,
                        stderr=subprocess.STDOUT,
                        env=env,
                    )
                try:
                    healthy = wait_healthy(proc, url, log) - t0
                    t_nav = time.perf_counter() - t0
                    page.goto(f"{url}{path}")
                    res = wait_done(page, quiet)
                    total = t_nav + res["end"] / 1000
                    stat = _stat(proc.pid)
                    row = {
                        "healthy": healthy,
                        "page": res["end"] / 1000,
                        "total": total,
                        "to_send": res["first_rerun"] / 1000,
                        "server": (res["last_finished"] - res["first_rerun"]) / 1000,
                        "after": (res["end"] - res["last_finished"]) / 1000,
                        "server_cpu": stat[1] if stat else float("nan"),
                    }
                    out.append(row)
                    print(
                        f"  start {i + 1}: health check after {healthy:.2f} s, page finished "
                        f"{row['page']:.2f} s after navigation start (rerun sent at "
                        f"{row['to_send']:.2f}, script run {row['server']:.2f}, after "
                        f"{row['after']:.2f}); total {total:.2f} s; server CPU "
                        f"{row['server_cpu']:.1f} s since its start",
                        flush=True,
                    )
                finally:
                    page.context.close()
                    stop(proc)
        finally:
            browser.close()
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repo", type=Path, default=ROOT)
    ap.add_argument("--port", type=int, default=8613)
    ap.add_argument("--reps", type=int, default=5, help="fresh `python -m kpi --help` runs")
    ap.add_argument("--starts", type=int, default=3, help="fresh server starts")
    ap.add_argument("--path", default="/?lang=en", help="the first page asked for")
    ap.add_argument("--quiet", type=float, default=300, help="ms without DOM change = settled")
    ap.add_argument("--bytecode", choices=("compiled", "as-is"), default="compiled")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    repo = args.repo.resolve()
    workdir = Path(tempfile.mkdtemp(prefix="bench_start_"))
    env = bytecode_env(repo, args.bytecode)
    print(f"repo {repo}; bytecode {args.bytecode}; {uptime()}", flush=True)
    helps = time_help(repo, args.reps, env)
    print(f"python -m kpi --help: {', '.join(f'{x:.2f}' for x in helps)} s", flush=True)
    pages = time_first_page(repo, args.port, args.starts, args.path, args.quiet, workdir, env)
    med = statistics.median
    print("\n| measure | median | runs |")
    print("|---|---|---|")
    print(f"| `python -m kpi --help` | {med(helps):.2f} s | {len(helps)} |")
    print(
        f"| server start → health check answers | {med(p['healthy'] for p in pages):.2f} s "
        f"| {len(pages)} |"
    )
    print(
        f"| navigation start → first page finished | {med(p['page'] for p in pages):.2f} s "
        f"| {len(pages)} |"
    )
    for key, what in (
        ("to_send", "of which: navigation start → the app's rerun request sent"),
        ("server", "of which: rerun sent → script_finished (the first script run)"),
        ("after", "of which: script_finished → settled"),
        ("server_cpu", "server CPU seconds, process start → page finished"),
    ):
        print(f"| {what} | {med(p[key] for p in pages):.2f} s | {len(pages)} |")
    print(
        f"| server start → first page finished ({args.path}) "
        f"| {med(p['total'] for p in pages):.2f} s | {len(pages)} |"
    )
    print(f"\n{uptime()}")
    if args.json:
        args.json.write_text(
            json.dumps({"help": helps, "first_page": pages, "load_end": load()}, indent=1)
        )


if __name__ == "__main__":
    main()
