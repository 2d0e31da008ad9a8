"""Server-side time of every page and of the workbook, on the demo data (AppTest, no browser).

Runs in a checkout given by ``--repo`` (default: this one) so that two versions can be compared
on the same machine in the same minute: ``bench_pages.py --repo /tmp/old --repo .`` prints one
column per checkout and the ratio of the last to the first. After a warm-up run (imports, the
demo data read once per process), each page is run in a fresh AppTest session (first render:
the session computes its analyses) and then rerun (a click that changes nothing: what caching
leaves). The workbook is ``python -m kpi report`` on the demo files, the whole command.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

PAGES = ["home", "data", "funnel", "stages", "retention", "value", "advocacy", "ab-test", "export"]

_CHILD = r"""
import json, sys, time, statistics
from pathlib import Path
import streamlit as st
from streamlit.testing.v1 import AppTest
pages, reps, lang = json.loads(sys.argv[1])
out = {}
AppTest.from_file("app.py", default_timeout=120).run()  # warm-up: imports, the demo data
for page in pages:
    firsts, reruns = [], []
    for _ in range(reps):
        st.cache_data.clear()
        at = AppTest.from_file("app.py", default_timeout=120)
        if lang:
            at.query_params["lang"] = lang
        at.switch_page({"home": "pages/home_view.py", "data": "pages/data_view.py",
            "funnel": "pages/funnel_view.py", "stages": "pages/stages_view.py",
            "retention": "pages/retention_view.py", "value": "pages/value_view.py",
            "advocacy": "pages/advocacy_view.py", "ab-test": "pages/abtest_view.py",
            "export": "pages/export_view.py"}[page])
        t = time.perf_counter(); at.run(); firsts.append(time.perf_counter() - t)
        assert not at.exception, (page, [e.value for e in at.exception])
        t = time.perf_counter(); at.run(); reruns.append(time.perf_counter() - t)
    out[page] = (statistics.median(firsts), statistics.median(reruns))
print(json.dumps(out))
"""


def _pages(repo: Path, reps: int, lang: str | None) -> dict[str, tuple[float, float]]:
    res = subprocess.run(
        [sys.executable, "-c", _CHILD, json.dumps([PAGES, reps, lang])],
        cwd=repo,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(res.stdout.strip().splitlines()[-1])


def _report(repo: Path, reps: int) -> float:
    files = sorted(str(p) for p in (repo / "data" / "demo").glob("*.csv*"))
    times = []
    for _ in range(reps):
        t = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "kpi", "report", *files, "-o", "/tmp/bench_pages.xlsx"],
            cwd=repo,
            capture_output=True,
            check=True,
        )
        times.append(time.perf_counter() - t)
    return sorted(times)[len(times) // 2]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--repo", action="append", type=Path, help="checkout(s) to time")
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--lang", default=None, help="render the pages in this language")
    args = ap.parse_args()
    repos = args.repo or [Path(__file__).resolve().parents[1]]
    results = [(_pages(r, args.reps, args.lang), _report(r, args.reps)) for r in repos]
    head = " | ".join(f"{r.name or r} first / rerun" for r in repos)
    print(f"| page | {head} | ratio first (last/first) |")
    print("|---|" + "---|" * (len(repos) + 1))
    for page in PAGES:
        cells = " | ".join(f"{res[0][page][0]:.2f} s / {res[0][page][1]:.2f} s" for res in results)
        ratio = results[-1][0][page][0] / results[0][0][page][0]
        print(f"| {page} | {cells} | {ratio:.2f}x |")
    cells = " | ".join(f"{res[1]:.2f} s" for res in results)
    print(f"| `python -m kpi report` (demo) | {cells} | {results[-1][1] / results[0][1]:.2f}x |")


if __name__ == "__main__":
    main()
