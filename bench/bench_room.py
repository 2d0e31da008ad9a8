"""A room full of people: ten browser sessions opening the same shared link at once (demo data).

One server (``pages/_ui/serve.py``, as ``make run``) on the demo data; after one untimed session
(the demo data is read once per server; ``--cold`` skips it), for every page ``--sessions`` new
browser sessions (one Chromium, one context each: no shared cookies or storage) open the same
link (``/<page>?<--query>``) at once, and each session's page is timed from its navigation
start until finished (the same "finished" as ``bench_app.py``). Printed per page: median, p90
and slowest session, the spread of the navigation starts, and the CPU seconds used meanwhile by
the server process and by the chromium processes (they share this machine's cores); then the
server's peak memory (``VmHWM`` of the process, and the peak of ``VmRSS`` sampled every 0.25 s
over the server's process tree).

Then the "own view" check: ``--sessions`` new sessions open ``/funnel?lang=fr`` together and each
clicks a filter of its own at the same moment (device = each device, channel = each channel,
one session without a filter); every session must show its own filter (sidebar chip, the
view line under the title, the URL) and its own funnel figures (sessions with different
filters see different figures).

Not a test. Run::

    .venv/bin/python bench/bench_room.py [--sessions 10] [--port 8612] [--repo PATH]
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

from bench_app import (
    ROOT,
    CpuMeter,
    _multiselect,
    close_popups,
    hwm_kb,
    launch,
    load,
    new_page,
    p90,
    serve,
    sidebar,
    uptime,
    wait_done,
)

PAGES = ["", "data", "funnel", "stages", "retention", "value", "advocacy", "ab-test", "export"]
SELECT_ALL = {"Select all", "Tout sélectionner", "Sélectionner tout"}


def poll_all(pages: list, quiet: float, timeout: float = 300) -> list[dict | None]:
    """Wait until every page is finished; each one's ``done`` result (page clock, ms).

    Each page checks itself every 0.1 s (``B.watch``); this process asks each page for the
    result every 0.5 s only, so that polling costs the browsers next to nothing."""
    results: list[dict | None] = [None] * len(pages)
    for pg in pages:
        pg.wait_for_function("() => !!window.__bench")
        pg.evaluate("q => window.__bench.watch(q)", quiet)
    deadline = time.perf_counter() + timeout
    while any(r is None for r in results) and time.perf_counter() < deadline:
        time.sleep(0.5)
        for i, pg in enumerate(pages):
            if results[i] is None:
                results[i] = pg.evaluate("() => window.__bench.result")
    return results


def open_together(browser, url: str, n: int, locale: str = "en-US") -> tuple[list, list[float]]:
    """``n`` new sessions navigating to ``url``; the pages and each one's start (s after the
    first)."""
    pages = [new_page(browser, locale) for _ in range(n)]
    starts = []
    t0 = time.perf_counter()
    for pg in pages:
        starts.append(time.perf_counter() - t0)
        pg.goto(url, wait_until="commit")
    return pages, starts


def room(browser, url: str, query: str, n: int, quiet: float, meter: CpuMeter) -> list[dict]:
    rows = []
    for path in PAGES:
        link = f"{url}/{path}?{query}" if query else f"{url}/{path}"
        before = meter.totals()
        pages, starts = open_together(browser, link, n)
        results = poll_all(pages, quiet)
        after = meter.totals()
        done = [r for r in results if r is not None]
        times = [r["end"] / 1000 for r in done]

        def med(key: str, start: str, rs: list[dict] = done) -> float:
            return statistics.median((r[key] - (r[start] or 0)) / 1000 for r in rs)

        for pg in pages:
            pg.context.close()
        row = {
            "page": "/" + path,
            "median": statistics.median(times) if times else float("nan"),
            "p90": p90(times) if times else float("nan"),
            "max": max(times) if times else float("nan"),
            "n": len(times),
            "failed": n - len(times),
            "start_spread": max(starts),
            "cpu_server": after["server"] - before["server"],
            "cpu_browser": after["browser"] - before["browser"],
            "to_send": med("first_rerun", "t0") if done else float("nan"),
            "server": med("last_finished", "first_rerun") if done else float("nan"),
            "after": med("end", "last_finished") if done else float("nan"),
            "times": times,
            "load": load(),
        }
        rows.append(row)
        print(
            f"  /{path:<10} median {row['median']:.2f} s, p90 {row['p90']:.2f} s, max "
            f"{row['max']:.2f} s (n={row['n']}, starts within {row['start_spread']:.2f} s; "
            f"median split: loading the app {row['to_send']:.2f} s, script run "
            f"{row['server']:.2f} s, after {row['after']:.2f} s); "
            f"CPU server {row['cpu_server']:.1f} s, browsers {row['cpu_browser']:.1f} s; "
            f"load {row['load']}",
            flush=True,
        )
    return rows


def segment_values(page, label: str) -> list[str]:
    box = _multiselect(page, sidebar(page), label)
    box.locator("input").click()
    page.get_by_role("option").first.wait_for()
    names = [x.strip() for x in page.get_by_role("option").all_inner_texts()]
    close_popups(page)
    return [x for x in names if x and x not in SELECT_ALL]


def own_views(browser, url: str, n: int, quiet: float) -> dict:
    """Every session clicks its own filter at the same moment; each must see its own view."""
    pages, _ = open_together(browser, f"{url}/funnel?lang=fr", n, locale="fr-FR")
    poll_all(pages, quiet)
    devices = segment_values(pages[0], "Appareil")
    channels = segment_values(pages[0], "Canal")
    plan: list[tuple[str, str, str] | None] = [("Appareil", "device", d) for d in devices]
    plan += [("Canal", "channel", c) for c in channels]
    plan = [*plan[: n - 1], None][:n]  # the last session keeps the shared link's view
    plan += [None] * (n - len(plan))
    # open every dropdown first, then click the options one after another (a few ms apart)
    options = []
    for pg, step in zip(pages, plan, strict=True):
        if step is None:
            options.append(None)
            continue
        label, _, value = step
        _multiselect(pg, sidebar(pg), label).locator("input").click()
        opt = pg.get_by_role("option", name=value, exact=True)
        opt.wait_for()
        options.append(opt)
    for pg, opt in zip(pages, options, strict=True):
        if opt is not None:
            pg.evaluate("() => window.__bench.arm()")
            opt.click()
    results = poll_all([pg for pg, o in zip(pages, options, strict=True) if o is not None], quiet)
    click_times = [r["total"] / 1000 for r in results if r is not None]
    sessions = []
    for pg, step in zip(pages, plan, strict=True):
        close_popups(pg)
        main = pg.get_by_test_id("stMain")
        caption = (
            main.get_by_test_id("stCaptionContainer").first.inner_text().replace("\u00a0", " ")
        )
        figures = main.locator("ul").first.inner_text()
        chips = " ".join(
            _multiselect(pg, sidebar(pg), lab).get_by_test_id("stMultiSelectTagsContainer")
            .inner_text()
            for lab in ("Appareil", "Canal")
        )  # fmt: skip
        if step is None:
            ok = "appareil :" not in caption and "canal :" not in caption and not chips.strip()
            want = "(the link's view)"
        else:
            _, param, value = step
            word = {"device": "appareil", "channel": "canal"}[param]
            ok = (
                f"{word} : {value}" in caption
                and f"{param}={value}" in pg.url
                and chips.split() == [value]
            )
            want = f"{param}={value}"
        sessions.append({"filter": want, "ok": ok, "caption": caption, "figures": figures})
    for pg in pages:
        pg.context.close()
    distinct = len({s["figures"] for s in sessions})
    return {
        "sessions": sessions,
        "distinct_figures": distinct,
        "click_median": statistics.median(click_times) if click_times else None,
        "click_p90": p90(click_times) if click_times else None,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repo", type=Path, default=ROOT)
    ap.add_argument("--port", type=int, default=8612)
    ap.add_argument("--sessions", type=int, default=10)
    ap.add_argument("--query", default="device=mobile&lang=fr", help="the shared link's query")
    ap.add_argument("--quiet", type=float, default=300, help="ms without DOM change = settled")
    ap.add_argument("--cold", action="store_true", help="no untimed first session")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()

    from playwright.sync_api import sync_playwright

    workdir = Path(tempfile.mkdtemp(prefix="bench_room_"))
    repo = args.repo.resolve()
    print(f"repo {repo}; {uptime()}", flush=True)
    out: dict = {"load_start": load()}
    with serve(repo, args.port, workdir) as (url, proc), sync_playwright() as p:
        browser = launch(p)
        meter = CpuMeter(proc.pid)
        try:
            if not args.cold:
                pg = new_page(browser)
                pg.goto(f"{url}/?lang=fr")
                first = wait_done(pg, args.quiet)["end"] / 1000
                pg.context.close()
                print(f"untimed first session on the fresh server: {first:.2f} s", flush=True)
            cpu0 = meter.totals()
            t = time.perf_counter()
            out["pages"] = room(browser, url, args.query, args.sessions, args.quiet, meter)
            cpu1 = meter.totals()
            out["room_seconds"] = time.perf_counter() - t
            out["room_cpu"] = {k: cpu1[k] - cpu0[k] for k in cpu1}
            out["own_views"] = own_views(browser, url, args.sessions, args.quiet)
            out["browser_cpu_by_type"] = meter.browser_by_type()
        finally:
            meter.stop()
            out["server_hwm_mb"] = hwm_kb(proc.pid) / 1024
            out["server_tree_peak_rss_mb"] = meter.peak_rss_kb / 1024
            browser.close()
    out["load_end"] = load()

    n = args.sessions
    print(f"\n### {n} sessions open the same link at once (?{args.query}), demo data\n")
    print(
        "| page | median | p90 | slowest | sessions | loading the app | script run | after "
        "| CPU server | CPU browsers |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r in out["pages"]:
        print(
            f"| {r['page']} | {r['median']:.2f} s | {r['p90']:.2f} s | {r['max']:.2f} s "
            f"| {r['n']}/{n} | {r['to_send']:.2f} s | {r['server']:.2f} s | {r['after']:.2f} s "
            f"| {r['cpu_server']:.1f} s | {r['cpu_browser']:.1f} s |"
        )
    cpu = out["room_cpu"]
    share = cpu["browser"] / max(cpu["server"] + cpu["browser"], 1e-9)
    print(
        f"\nwhole room run {out['room_seconds']:.0f} s wall: server CPU {cpu['server']:.1f} s, "
        f"browsers CPU {cpu['browser']:.1f} s ({share:.0%} of the CPU used was the browsers')"
    )
    kinds = ", ".join(f"{k} {v:.1f}" for k, v in sorted(out["browser_cpu_by_type"].items()))
    print(f"chromium CPU s by process type (whole run): {kinds}")
    print(
        f"server memory: peak {out['server_hwm_mb']:.0f} MB (VmHWM), sampled peak of the "
        f"process tree {out['server_tree_peak_rss_mb']:.0f} MB"
    )
    ov = out["own_views"]
    print(
        f"\nown views: {sum(s['ok'] for s in ov['sessions'])}/{len(ov['sessions'])} sessions "
        f"show their own filter; {ov['distinct_figures']} distinct funnel figures; the "
        f"concurrent filter click took median {ov['click_median']:.2f} s, p90 "
        f"{ov['click_p90']:.2f} s"
    )
    for s in ov["sessions"]:
        line = s["figures"].splitlines()[-1] if s["figures"] else ""
        print(f"  {'ok ' if s['ok'] else 'BAD'} {s['filter']:<22} {line[:90]}")
    print(f"\n{uptime()}")
    if args.json:
        args.json.write_text(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
