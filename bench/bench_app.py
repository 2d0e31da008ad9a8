"""Clicks in the browser: the app in headless Chromium, from a click until the rerun is finished.

Starts the app as ``make run`` does (``pages/_ui/serve.py``) on ``--port``, drives Debian's
chromium with Playwright (viewport 1440×1000, English) and times, on two data sets:

- ``demo``: the committed demo data (what the app shows before any upload);
- ``upload``: a generated event log (``bench/gen.py``, string user ids, ``--events``) uploaded
  through the sidebar's real file input (``set_input_files``).

Timed: the upload (file handed to the input → first page rendered), the first render of each
page (first visit in the session), a switch to each page from the top bar, and on the Funnel
page a device filter, a channel filter, a breakdown change, a step change, the language switch
and a period change (two clicks in the calendar: the first day, then the last day), each
``--reps`` times with alternating values so that every click changes the view.

"Finished" is measured inside the page (one clock, ``performance.now()``), by a script
installed before the app's own code (``INSTRUMENT_JS``): the click's time is the first
``pointerdown``/``keydown``/``input``/``change`` event; the websocket is wrapped so that every
message's arrival is time-stamped and its top-level protobuf field read (``rerun_script`` sent,
``script_finished`` received); a ``MutationObserver`` notes the last change to the DOM. A click
is finished when the last ``rerun_script`` sent since the click has been answered by a
``script_finished`` (not "finished early for a rerun"), the app says ``notRunning``, no element
is stale (``data-stale="true"``) and the DOM has not changed for ``--quiet`` ms; its time is the
later of the last ``script_finished`` and the last DOM change, minus the click.

Each click is split in three (wall time): click → ``rerun_script`` sent (the browser handling
the widget; for the upload, the HTTP upload of the file), sent → ``script_finished`` received
(the server's script run; the browser renders the deltas meanwhile), and finished → settled
(the browser's rendering after the last message). The CPU seconds of the server process and of
the chromium processes (this script's descendants, read from /proc) during each click say whose
time it was on this 2-core machine.

Not a test. Run::

    .venv/bin/python bench/bench_app.py --events 1e6 --reps 5 --json /tmp/me/app.json
    .venv/bin/python bench/bench_app.py --repo /tmp/old-checkout   # another version, same script
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-dev-shm-usage",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
VIEWPORT = {"width": 1440, "height": 1000}
CLK_TCK = os.sysconf("SC_CLK_TCK")

# Top-level field numbers (streamlit/proto/ForwardMsg.proto and BackMsg.proto).
FWD_NEW_SESSION, FWD_SCRIPT_FINISHED, BACK_RERUN_SCRIPT = 4, 6, 11
FINISHED_EARLY_FOR_RERUN = 2

INSTRUMENT_JS = """
(() => {
  if (window.__bench) return;
  const B = window.__bench = {log: [], t0: 0, armed: true, lastMut: 0, expect: null};
  // navigation start is 0 on this clock: a page load is timed from it
  function fields(u8) {  // top-level protobuf fields: [[number, varint value or null], ...]
    const out = []; let i = 0;
    const varint = () => {
      let r = 0, s = 0, b;
      do { b = u8[i++]; r += (b & 0x7f) * 2 ** s; s += 7; } while ((b & 0x80) && i < u8.length);
      return r;
    };
    while (i < u8.length) {
      const tag = varint(), f = Math.floor(tag / 8), wt = tag & 7;
      if (wt === 0) out.push([f, varint()]);
      else if (wt === 2) { const n = varint(); out.push([f, null]); i += n; }
      else if (wt === 1) { out.push([f, null]); i += 8; }
      else if (wt === 5) { out.push([f, null]); i += 4; }
      else break;
    }
    return out;
  }
  function note(t, dir, u8) {
    const m = {t, dir, n: u8 ? u8.length : -1, kind: null, status: null};
    if (u8) for (const [f, v] of fields(u8)) {
      if (dir === 'rx' && f === __FIN__) { m.kind = 'finished'; m.status = v; }
      if (dir === 'rx' && f === __NEW__) m.kind = 'new_session';
      if (dir === 'tx' && f === __RERUN__) m.kind = 'rerun';
    }
    if (m.kind) B.log.push(m);
  }
  const Native = window.WebSocket;
  function Wrapped(url, protocols) {
    const ws = protocols === undefined ? new Native(url) : new Native(url, protocols);
    ws.addEventListener('message', ev => {
      const t = performance.now();
      if (ev.data instanceof ArrayBuffer) note(t, 'rx', new Uint8Array(ev.data));
    });
    const send = ws.send.bind(ws);
    ws.send = d => {
      const t = performance.now();
      try {
        const u8 = d instanceof ArrayBuffer ? new Uint8Array(d)
          : ArrayBuffer.isView(d) ? new Uint8Array(d.buffer, d.byteOffset, d.byteLength) : null;
        note(t, 'tx', u8);
      } catch (e) {}
      return send(d);
    };
    return ws;
  }
  Wrapped.prototype = Native.prototype;
  for (const k of ['CONNECTING', 'OPEN', 'CLOSING', 'CLOSED']) Wrapped[k] = Native[k];
  window.WebSocket = Wrapped;
  // a spinner's own clock ("Computing… (3.2 seconds)") is not the page changing
  const inSpinner = n => {
    const el = n.nodeType === 1 ? n : n.parentElement;
    return !!(el && el.closest && el.closest("[data-testid='stSpinner']"));
  };
  new MutationObserver(records => {
    if (records.some(r => !inSpinner(r.target))) B.lastMut = performance.now();
  }).observe(document, {
    subtree: true, childList: true, attributes: true, characterData: true});
  for (const type of ['pointerdown', 'keydown', 'input', 'change']) {
    document.addEventListener(type, () => {
      if (B.armed && B.t0 === null) B.t0 = performance.now();
    }, true);
  }
  B.arm = () => { B.t0 = null; B.armed = true; B.log = []; };
  // a watcher inside the page (no round trip per check): B.result once finished
  B.watch = (quiet) => {
    B.result = null;
    const id = setInterval(() => {
      const r = B.done(quiet);
      if (r) { B.result = r; clearInterval(id); }
    }, 100);
  };
  B.done = (quiet) => {
    if (B.t0 === null) return null;
    const now = performance.now();
    const L = B.log.filter(m => m.t >= B.t0);
    let firstRerun = null, lastRerun = -1, lastFin = -1, status = null, reruns = 0;
    for (const m of L) {
      if (m.kind === 'rerun') { reruns++; lastRerun = m.t; if (firstRerun === null) firstRerun = m.t; }
      if (m.kind === 'finished') { lastFin = m.t; status = m.status; }
    }
    if (lastFin < 0 || lastFin < lastRerun || status === __EARLY__) return null;
    const app = document.querySelector("[data-testid='stApp']");
    if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return null;
    if (document.querySelector("[data-stale='true']")) return null;
    if (B.expect && !B.expect()) return null;
    if (now - B.lastMut < quiet) return null;
    const end = Math.max(lastFin, B.lastMut);
    return {t0: B.t0, first_rerun: firstRerun, last_finished: lastFin, end, reruns,
            finishes: L.filter(m => m.kind === 'finished').length, total: end - B.t0,
            spinner: !!document.querySelector("[data-testid='stSpinner']")};
  };
})();
"""
for _name, _value in {
    "__FIN__": FWD_SCRIPT_FINISHED,
    "__NEW__": FWD_NEW_SESSION,
    "__RERUN__": BACK_RERUN_SCRIPT,
    "__EARLY__": FINISHED_EARLY_FOR_RERUN,
}.items():
    INSTRUMENT_JS = INSTRUMENT_JS.replace(_name, str(_value))


# ---- processes: the server, the browsers, their CPU and memory ------------------------------


def _stat(pid: int) -> tuple[int, float, str] | None:
    """(parent pid, CPU seconds user+system, command name) of a live process, else None."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    name = raw[raw.index("(") + 1 : raw.rindex(")")]
    rest = raw[raw.rindex(")") + 2 :].split()
    return int(rest[1]), (int(rest[11]) + int(rest[12])) / CLK_TCK, name


def _processes() -> dict[int, tuple[int, float, str]]:
    out = {}
    for d in os.listdir("/proc"):
        if d.isdigit() and (s := _stat(int(d))) is not None:
            out[int(d)] = s
    return out


def _descends(pid: int, root: int, procs: dict[int, tuple[int, float, str]]) -> bool:
    seen = 0
    while pid in procs and seen < 64:
        if pid == root:
            return True
        pid, seen = procs[pid][0], seen + 1
    return pid == root


class CpuMeter:
    """CPU seconds of the server's process tree and of this script's chromium processes.

    A sampler thread keeps the last CPU time seen of every such process, so that processes
    that end during the run (a closed tab's renderer) still count."""

    def __init__(self, server_pid: int, interval: float = 0.25) -> None:
        self.server_pid = server_pid
        self.me = os.getpid()
        self.seen: dict[int, tuple[str, float]] = {}  # pid -> (kind, last CPU seconds)
        self.types: dict[int, str] = {}  # chromium pid -> its --type (renderer, gpu-process...)
        self.peak_rss_kb = 0
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._interval = interval
        self._thread = threading.Thread(target=self._run, daemon=True)
        self.sample()
        self._thread.start()

    def sample(self) -> None:
        procs = _processes()
        rss = 0
        with self._lock:
            for pid, (_ppid, cpu, name) in procs.items():
                if _descends(pid, self.server_pid, procs):
                    self.seen[pid] = ("server", cpu)
                    rss += _rss_kb(pid)
                elif "chrom" in name.lower() and _descends(pid, self.me, procs):
                    self.seen[pid] = ("browser", cpu)
                    if pid not in self.types:
                        self.types[pid] = _chromium_type(pid)
            self.peak_rss_kb = max(self.peak_rss_kb, rss)

    def totals(self) -> dict[str, float]:
        self.sample()
        with self._lock:
            out = {"server": 0.0, "browser": 0.0}
            for kind, cpu in self.seen.values():
                out[kind] += cpu
        return out

    def browser_by_type(self) -> dict[str, float]:
        """CPU seconds of the chromium processes so far, by process type."""
        self.sample()
        out: dict[str, float] = {}
        with self._lock:
            for pid, (kind, cpu) in self.seen.items():
                if kind == "browser":
                    t = self.types.get(pid, "?")
                    out[t] = out.get(t, 0.0) + cpu
        return out

    def _run(self) -> None:
        while not self._stop.wait(self._interval):
            self.sample()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(2)


def _chromium_type(pid: int) -> str:
    try:
        # chromium rewrites its children's command line: one string, spaces between words
        args = re.split(rb"[\0 ]", Path(f"/proc/{pid}/cmdline").read_bytes())
    except OSError:
        return "?"
    for a in args:
        if a.startswith(b"--type="):
            kind = a[7:].decode()
            if kind == "utility":
                sub = [x for x in args if x.startswith(b"--utility-sub-type=")]
                return "utility " + sub[0][19:].decode().split(".")[-1] if sub else kind
            return kind
    return "browser (main)"


def _rss_kb(pid: int, key: str = "VmRSS") -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def hwm_kb(pid: int) -> int:
    """The peak resident memory of a process (VmHWM), in kB."""
    return _rss_kb(pid, "VmHWM")


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f}, {five:.2f}, {fifteen:.2f}"


def uptime() -> str:
    try:
        return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    except OSError:
        return f"load average: {load()}"


def server_command(repo: Path, port: int) -> list[str]:
    python = repo / ".venv" / "bin" / "python"
    py = str(python) if python.exists() else sys.executable
    serve = repo / "pages" / "_ui" / "serve.py"
    cmd = [py, str(serve)] if serve.exists() else [py, "-m", "streamlit", "run", "app.py"]
    return [
        *cmd,
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
        "--server.fileWatcherType",
        "none",
    ]


def wait_healthy(proc: subprocess.Popen, url: str, log: Path, timeout: float = 90) -> float:
    """Wait until the server answers its health check; the perf_counter time it did."""
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited: {log.read_text()[-2000:]}")
        try:
            if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).read() == b"ok":
                return time.perf_counter()
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"the server did not start: {log.read_text()[-2000:]}")


@contextlib.contextmanager
def serve(repo: Path, port: int, workdir: Path) -> Iterator[tuple[str, subprocess.Popen]]:
    """The app on ``port``, as ``make run`` starts it; yields (url, process) once healthy."""
    log = workdir / f"server_{port}.log"
    with open(log, "w") as out:
        proc = subprocess.Popen(
            server_command(repo, port), cwd=repo, stdout=out, stderr=subprocess.STDOUT
        )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(proc, url, log)
        yield url, proc
    finally:
        stop(proc)


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(5)


def launch(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


def new_page(browser, locale: str = "en-US"):
    context = browser.new_context(viewport=VIEWPORT, locale=locale)
    context.add_init_script(INSTRUMENT_JS)
    page = context.new_page()
    page.set_default_timeout(120_000)
    return page


def wait_done(page, quiet_ms: float, timeout_ms: float = 180_000) -> dict:
    """Wait until the page is finished (see the module's docstring); its timings (ms)."""
    handle = page.wait_for_function(
        "q => window.__bench && window.__bench.done(q)",
        arg=quiet_ms,
        polling=50,
        timeout=timeout_ms,
    )
    return handle.json_value()


# ---- one timed action --------------------------------------------------------------------


@dataclass
class Sample:
    interaction: str
    total: float  # seconds, click → finished
    to_send: float | None  # click → rerun_script sent
    server: float | None  # rerun_script sent → last script_finished
    after: float  # last script_finished → settled
    cpu_server: float
    cpu_browser: float
    reruns: int
    note: str = ""


@dataclass
class Bench:
    page: object
    meter: CpuMeter
    quiet_ms: float
    shots: Path | None = None
    samples: list[Sample] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    def time(
        self,
        interaction: str,
        act: Callable[[], None],
        expect_js: str | None = None,
        note: str = "",
        record: bool = True,
    ) -> Sample | None:
        """Arm the clock, run ``act`` (its first input event is the click), wait until done."""
        page = self.page
        page.evaluate(f"() => {{ window.__bench.expect = {expect_js or 'null'}; }}")
        before = self.meter.totals()
        page.evaluate("() => window.__bench.arm()")
        try:
            act()
            res = wait_done(page, self.quiet_ms)
        except Exception as exc:  # a widget this version lacks, a timeout: say so, go on
            msg = f"{interaction}: {type(exc).__name__}: {str(exc).splitlines()[0][:160]}"
            self.failures.append(msg)
            print("  FAILED", msg, flush=True)
            with contextlib.suppress(Exception):
                wait_done(page, self.quiet_ms, 30_000)
            return None
        after = self.meter.totals()
        ms = 1000.0
        first = res["first_rerun"]
        s = Sample(
            interaction=interaction,
            total=res["total"] / ms,
            to_send=None if first is None else (first - res["t0"]) / ms,
            server=None if first is None else (res["last_finished"] - first) / ms,
            after=(res["end"] - res["last_finished"]) / ms,
            cpu_server=after["server"] - before["server"],
            cpu_browser=after["browser"] - before["browser"],
            reruns=res["reruns"],
            note=note + (" [a spinner still shown after the run]" if res.get("spinner") else ""),
        )
        if record:
            self.samples.append(s)
        if self.shots is not None and sum(x.interaction == interaction for x in self.samples) == 1:
            slug = re.sub(r"[^a-z0-9]+", "_", interaction.lower()).strip("_")
            page.screenshot(path=str(self.shots / f"{slug}.png"))
        print(
            f"  {interaction:<34} {s.total:6.2f} s  (send {_f(s.to_send)}, server "
            f"{_f(s.server)}, after {s.after:.2f}; cpu server {s.cpu_server:.2f} browser "
            f"{s.cpu_browser:.2f}; reruns {s.reruns}) {note}",
            flush=True,
        )
        return s


def _f(x: float | None) -> str:
    return "  -  " if x is None else f"{x:.2f}"


# ---- the interactions --------------------------------------------------------------------


def sidebar(page):
    return page.get_by_test_id("stSidebar")


def main_area(page):
    return page.get_by_test_id("stMain")


def _title(text: str) -> str:
    """A top-bar link's title: its inner text is the icon's name, then the title."""
    lines = [x.strip() for x in text.splitlines() if x.strip()]
    return lines[-1] if lines else ""


def nav_titles(page) -> list[str]:
    return [_title(t) for t in page.get_by_test_id("stTopNavLink").all_inner_texts()]


def nav_click(page, title: str) -> Callable[[], None]:
    def act() -> None:
        links = page.get_by_test_id("stTopNavLink")
        names = [_title(t) for t in links.all_inner_texts()]
        links.nth(names.index(title)).click()

    return act


def _multiselect(page, scope, label: str):
    return scope.get_by_test_id("stMultiSelect").filter(
        has=page.get_by_test_id("stWidgetLabel").get_by_text(label, exact=True)
    )


def multiselect_add(page, scope, label: str, value: str) -> Callable[[], None]:
    """Open the multiselect (not timed), then the click on the option (timed)."""
    box = _multiselect(page, scope, label)
    box.locator("input").click()
    option = page.get_by_role("option", name=value, exact=True)
    option.wait_for()
    return option.click


def multiselect_remove(page, scope, label: str, value: str) -> Callable[[], None]:
    box = _multiselect(page, scope, label)
    return box.get_by_role("button", name=f"Remove {value}", exact=True).click


def close_popups(page) -> None:
    page.keyboard.press("Escape")
    page.wait_for_timeout(150)


def selectbox_pick(page, scope, label: str, value: str) -> Callable[[], None]:
    box = scope.get_by_test_id("stSelectbox").filter(
        has=page.get_by_test_id("stWidgetLabel").get_by_text(label, exact=True)
    )
    box.locator("input").click()
    option = page.get_by_role("option", name=value, exact=True)
    option.wait_for()
    return option.click


def segment_options(page, label: str) -> list[str]:
    """The options of a sidebar multiselect (opened and closed, untimed)."""
    box = _multiselect(page, sidebar(page), label)
    box.locator("input").click()
    page.get_by_role("option").first.wait_for()
    names = [n.strip() for n in page.get_by_role("option").all_inner_texts()]
    close_popups(page)
    return [n for n in names if n and n != "Select all"]


def calendar_day(page, day_label: re.Pattern) -> Callable[[], None]:
    def act() -> None:
        page.get_by_role("dialog").get_by_role("button", name=day_label).first.click()

    return act


def open_calendar(page) -> None:
    sidebar(page).get_by_test_id(
        "stDateInputCalendarButton"
    ).first.click()  # the period (the calendar editor has one too)
    page.get_by_role("dialog").get_by_role("gridcell").first.wait_for()


def month_of_period(page) -> tuple[int, int]:
    """(year, month) of the period's start, read from the hidden ISO date input."""
    iso = sidebar(page).get_by_test_id("stDateInput").first.locator("input[type=date]").first
    y, m, _ = iso.input_value().split("-")
    return int(y), int(m)


MONTHS = [
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
]  # fmt: skip


def run_session(bench: Bench, url: str, reps: int, upload: Path | None, first_path: str) -> None:
    """One browser session: open, (upload), pages, then the Funnel page's clicks."""
    page = bench.page
    page.goto(f"{url}{first_path}")
    res = wait_done(page, bench.quiet_ms)
    print(f"  open {first_path:<29} {res['total'] / 1000:6.2f} s (navigation start → finished)")
    bench.samples.append(
        Sample("open the app (new session)", res["total"] / 1000, None, None,
               (res["end"] - res["last_finished"]) / 1000, 0.0, 0.0, res["reruns"])
    )  # fmt: skip
    if upload is not None:
        name = upload.name

        def put() -> None:
            page.locator(".st-key-upload").get_by_test_id(
                "stFileUploaderDropzoneInput"
            ).set_input_files(str(upload))

        expect = "() => document.querySelector(\"[data-testid='stMain']\").innerText.includes(%s)"
        bench.time("upload → first page", put, expect % json.dumps(name))
    titles = nav_titles(page)
    home = titles[0]
    cycle = [*titles[1:], home]  # from the Overview: every other page, then back
    for title in cycle:
        bench.time(f"first render: {title}", nav_click(page, title))
    for _ in range(reps):
        for title in cycle:
            bench.time(f"page switch: {title}", nav_click(page, title))
    funnel = next((t for t in titles if t == "Funnel"), titles[min(2, len(titles) - 1)])
    bench.time("(to the Funnel page)", nav_click(page, funnel), record=False)
    side = sidebar(page)

    # segment filters: value i on (a new view), then off again
    for label, interaction in (("Device", "device filter"), ("Channel", "channel filter")):
        try:
            values = segment_options(page, label)
        except Exception as exc:
            bench.failures.append(f"{interaction}: no {label} filter ({type(exc).__name__})")
            continue
        on = None
        for i in range(reps):
            if on is None:
                on = values[(i // 2) % len(values)]
                bench.time(interaction, multiselect_add(page, side, label, on), note=f"+{on}")
                close_popups(page)
            else:
                bench.time(interaction, multiselect_remove(page, side, label, on), note=f"-{on}")
                on = None
        if on is not None:
            bench.time("(reset)", multiselect_remove(page, side, label, on), record=False)

    main = main_area(page)
    # the funnel's breakdown: device, channel, none, ...
    by = ["device", "channel", "(no breakdown)"]
    for i in range(reps):
        value = by[i % len(by)]
        try:
            act = selectbox_pick(page, main, "Break down by", value)
        except Exception as exc:
            bench.failures.append(f"funnel breakdown: {type(exc).__name__}")
            break
        bench.time("funnel breakdown change", act, note=value)
    if by[(reps - 1) % len(by)] != "(no breakdown)":
        with contextlib.suppress(Exception):
            bench.time("(reset)", selectbox_pick(page, main, "Break down by", "(no breakdown)"),
                       record=False)  # fmt: skip
    # the funnel's steps: remove a step, add it back (appended last), another step, ...
    label = "Funnel steps, in order"
    for i in range(reps):
        step = ("purchase", "checkout")[(i // 2) % 2]
        try:
            if i % 2 == 0:
                act, note = multiselect_remove(page, main, label, step), f"-{step}"
            else:
                act, note = multiselect_add(page, main, label, step), f"+{step}"
        except Exception as exc:
            bench.failures.append(f"funnel step change: {type(exc).__name__}")
            break
        bench.time("funnel step change", act, note=note)
        close_popups(page)
    if reps % 2 == 1:
        step = ("purchase", "checkout")[((reps - 1) // 2) % 2]
        with contextlib.suppress(Exception):
            bench.time("(reset)", multiselect_add(page, main, label, step), record=False)
            close_popups(page)
    # the language switch: Français, English, ...
    for i in range(reps):
        word = "Français" if i % 2 == 0 else "English"
        bench.time("language switch", side.get_by_text(word, exact=True).click, note=word)
    if reps % 2 == 1:
        bench.time("(reset)", side.get_by_text("English", exact=True).click, record=False)
    # the period: two clicks in the calendar (first day, last day) of the start's month
    ranges = [(8, 22), (1, 30), (1, 15), (15, 28), (8, 22)]
    for i in range(reps):
        try:
            year, month = month_of_period(page)
            open_calendar(page)
        except Exception as exc:
            bench.failures.append(f"period: no calendar ({type(exc).__name__})")
            break
        a, b = ranges[i % len(ranges)]
        day = MONTHS[month - 1]
        bench.time("period: first day", calendar_day(page, re.compile(rf"\b{day} {a}, {year}")))
        bench.time("period: last day", calendar_day(page, re.compile(rf"\b{day} {b}, {year}")))
        close_popups(page)


# ---- summary -------------------------------------------------------------------------------


def p90(xs: list[float]) -> float:
    """The 90th percentile, linear between the closest ranks (numpy's default)."""
    s = sorted(xs)
    k = 0.9 * (len(s) - 1)
    lo, hi = math.floor(k), math.ceil(k)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


def summarise(samples: list[Sample]) -> list[dict]:
    groups: dict[str, list[Sample]] = {}
    for s in samples:
        groups.setdefault(s.interaction, []).append(s)
    rows = []
    for name, ss in groups.items():
        tot = [s.total for s in ss]
        srv = [s.server for s in ss if s.server is not None]
        snd = [s.to_send for s in ss if s.to_send is not None]
        rows.append(
            {
                "interaction": name,
                "median": statistics.median(tot),
                "p90": p90(tot),
                "n": len(ss),
                "send": statistics.median(snd) if snd else None,
                "server": statistics.median(srv) if srv else None,
                "after": statistics.median([s.after for s in ss]),
                "cpu_server": statistics.median([s.cpu_server for s in ss]),
                "cpu_browser": statistics.median([s.cpu_browser for s in ss]),
            }
        )
    return rows


def print_table(title: str, rows: list[dict]) -> None:
    print(f"\n### {title}\n")
    print(
        "| interaction | median | p90 | n | click→sent | server run | after finish "
        "| CPU server | CPU browser |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(
            f"| {r['interaction']} | {r['median']:.2f} s | {r['p90']:.2f} s | {r['n']} "
            f"| {_f(r['send'])} | {_f(r['server'])} | {r['after']:.2f} "
            f"| {r['cpu_server']:.2f} | {r['cpu_browser']:.2f} |"
        )


def generate(events: float, workdir: Path) -> Path:
    out = workdir / f"events_{events:g}.csv"
    if not out.exists():
        subprocess.run(
            [sys.executable, str(HERE / "gen.py"), "--events", str(events), "--out", str(out)],
            check=True,
        )
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--events", type=float, default=1e6, help="events of the generated upload")
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--port", type=int, default=8611)
    ap.add_argument("--repo", type=Path, default=ROOT, help="the checkout whose app is timed")
    ap.add_argument("--upload", type=Path, help="upload this file instead of a generated one")
    ap.add_argument("--workdir", type=Path, help="for the generated file and the server's log")
    ap.add_argument("--quiet", type=float, default=300, help="ms without DOM change = settled")
    ap.add_argument("--only", choices=["demo", "upload"], help="one data set only")
    ap.add_argument("--json", type=Path, help="write every sample and the summary here")
    ap.add_argument("--shots", type=Path, help="a screenshot after each interaction's 1st click")
    args = ap.parse_args()

    from playwright.sync_api import sync_playwright

    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="bench_app_"))
    workdir.mkdir(parents=True, exist_ok=True)
    repo = args.repo.resolve()
    commit = subprocess.run(
        ["git", "-C", str(repo), "rev-parse", "--short", "HEAD"], capture_output=True, text=True
    ).stdout.strip()
    upload = None
    if args.only != "demo":
        upload = args.upload or generate(args.events, workdir)
    print(f"repo {repo} ({commit}); {uptime()}", flush=True)
    report: dict = {"repo": str(repo), "commit": commit, "load_start": load(), "datasets": {}}
    t_start = time.perf_counter()
    sets = [("demo", None), ("upload", upload)]
    with serve(repo, args.port, workdir) as (url, proc), sync_playwright() as p:
        browser = launch(p)
        meter = CpuMeter(proc.pid)
        try:
            # the server's first session reads the demo data (once per server): not timed here
            # (bench_start.py times it), so that the demo's figures are a warm server's
            warm = new_page(browser)
            warm.goto(f"{url}/?lang=en")
            first = wait_done(warm, args.quiet)["total"] / 1000
            warm.context.close()
            report["first_session_fresh_server"] = first
            print(f"first session on the fresh server: {first:.2f} s (not in the tables)")
            for name, file in sets:
                if args.only and name != args.only:
                    continue
                label = "demo data" if file is None else f"upload {file.name}"
                print(f"\n== {label} (load {load()})", flush=True)
                page = new_page(browser)
                shots = None
                if args.shots:
                    shots = args.shots / name
                    shots.mkdir(parents=True, exist_ok=True)
                bench = Bench(page, meter, args.quiet, shots)
                cpu0 = meter.totals()
                run_session(bench, url, args.reps, file, "/?lang=en")
                cpu1 = meter.totals()
                by_type = meter.browser_by_type()
                page.context.close()
                report["datasets"][name] = {
                    "label": label,
                    "load_end": load(),
                    "summary": summarise(bench.samples),
                    "samples": [s.__dict__ for s in bench.samples],
                    "failures": bench.failures,
                    "cpu_server": cpu1["server"] - cpu0["server"],
                    "cpu_browser": cpu1["browser"] - cpu0["browser"],
                    "browser_cpu_by_type_so_far": by_type,
                }
        finally:
            meter.stop()
            report["server_peak_rss_mb"] = hwm_kb(proc.pid) / 1024
            browser.close()
    report["load_end"] = load()
    report["seconds"] = time.perf_counter() - t_start
    for d in report["datasets"].values():
        print_table(f"{d['label']} (load at the end {d['load_end']})", d["summary"])
        print(
            f"\nwhole session: server CPU {d['cpu_server']:.1f} s, browser CPU "
            f"{d['cpu_browser']:.1f} s"
        )
        kinds = ", ".join(
            f"{k} {v:.1f}" for k, v in sorted(d["browser_cpu_by_type_so_far"].items())
        )
        print(f"chromium CPU s by process type since the browser started: {kinds}")
        for f in d["failures"]:
            print("failed:", f)
    print(
        f"\nserver peak RSS {report['server_peak_rss_mb']:.0f} MB; run {report['seconds']:.0f} s;"
        f" {uptime()}"
    )
    if args.json:
        args.json.write_text(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
