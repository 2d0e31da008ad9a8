"""The server's warm-up: what the first page needs before the first visitor, the rest after.

Two steps, each once per process:

- :func:`first_page` (``pages/_ui/serve.py`` runs it in a background thread as the server
  starts, while Streamlit starts and the browser loads the frontend): read the committed demo
  data, import the modules the first page draws with, and compute the demo's first page (the
  Overview of the whole data with the default funnel: stage KPIs and red flags) into the
  server's shared demo results (:mod:`pages._ui.compute`; only the committed demo data, never
  an upload), so the first visitor's first script run only draws.
- :func:`after_first_page` (the frame calls it at the end of every run; it acts once): import
  in the background what other pages need (charts, tables, the workbook, scipy's tests), once
  the first page is on screen: importing it before would compete with the first page for the
  interpreter (one core for Python code) and delay it. A run that starts meanwhile waits for
  these imports to end first (:func:`settle`).
"""

from __future__ import annotations

import contextlib
import importlib
import threading
from collections.abc import Callable
from datetime import date

#: what the frame and the Overview import (in import order; each module once per process)
FIRST_PAGE = (
    "kpi.view",
    "pages._ui.lang",
    "pages._ui.state",
    "pages._ui.settings",
    "pages._ui.compute",
    "pages._ui.sidebar",
    "pages._ui.widgets",
    "pages._ui.download",
    "kpi.pipeline",
)
#: what the other pages import besides (charts, tables, the workbook, the A/B tests)
LATER = (
    "altair",
    "pandas",
    "scipy.stats",
    "kpi.report",
    "kpi.abtest",
    "pages._ui.charts",
    "pages._ui.cohort_charts",
    "pages._ui.funnel_charts",
)

_LOCK = threading.Lock()
_STARTED: set[str] = set()
_DEFERRED: list[Callable[[], object]] = []
_THREADS: list[threading.Thread] = []
_timer: threading.Timer | None = None
#: seconds without a script run before the background imports start
LATER_DELAY = 2.0


def _once(name: str) -> bool:
    """True the first time ``name`` is asked for in this process."""
    with _LOCK:
        if name in _STARTED:
            return False
        _STARTED.add(name)
        return True


def import_all(modules: tuple[str, ...]) -> None:
    for module in modules:
        importlib.import_module(module)


def words() -> None:
    """Load the message catalogue (35 modules) and both languages' CLDR data (babel), which
    the first page's first sentence and figure would otherwise load."""
    from kpi.words import LANGS
    from kpi.words import format as wf
    from kpi.words.catalogue import catalogue

    catalogue()
    for lang in LANGS:
        wf.percent(0.5, lang)
        wf.integer(1000, lang)
        wf.money(1.5, lang, "EUR")
        wf.date(date(2025, 1, 31), lang)


def demo_first_view() -> object | None:
    """The demo's View of the default first page (no filter, the default funnel, monthly
    cohorts), kept with the server's shared demo Views under the key a session computes for
    it (:func:`pages._ui.compute.current_view`), with its stage KPIs and red flags computed.
    None when the demo data cannot be read (the page then says why)."""
    from kpi import alerts
    from kpi.filters import Filters
    from kpi.settings import FunnelSettings
    from pages._ui import compute, download, settings, state

    files, (built, _) = state.preload_demo()
    if built is None:
        return None
    grain = "month"
    full = state._demo_at_grain(grain)
    if full is None:
        return None
    filters = Filters()
    # a new session's settings, as compute.funnel_settings makes them
    chosen = FunnelSettings(**download.report_fields(settings.default_funnel_settings(full)))
    # state.view_key() of a session on the demo data at this grain and these filters
    digest = "-".join(f.digest for f in files) + "|" + str((state._files_key(files), grain))
    key = f"{digest}|{filters.key()}|{grain}|settings={chosen!r}"
    shared, lock = compute._shared_views()
    with lock:
        view = shared.get(key)
        if view is None or view.full is not full:
            view = compute._new_view(full, filters, chosen, grain, shared=True)
            shared[key] = view
    # what the Overview reads (each result once: a session asking meanwhile waits for it)
    view.kpis(strict=True)
    view.previous_kpis(strict=True)
    view.red_flags(alerts.Thresholds())
    return view


def first_page() -> None:
    """Read the demo data, import the first page's modules and compute its results (once)."""
    if not _once("first_page"):
        return
    from pages._ui import state

    state.preload_demo()
    import_all(FIRST_PAGE)
    words()
    with contextlib.suppress(Exception):  # a warm-up: the page computes (and explains) it itself
        demo_first_view()


def defer(task: Callable[[], object]) -> None:
    """Run ``task`` with the background imports of :func:`after_first_page` (at once if they
    have started)."""
    with _LOCK:
        if "after_first_page" not in _STARTED:
            _DEFERRED.append(task)
            return
    task()


def _later() -> None:
    with _LOCK:
        tasks = list(_DEFERRED)
        _DEFERRED.clear()
    for task in tasks:
        with contextlib.suppress(Exception):  # Streamlit's start-up task logs its own failures
            task()
    import_all(LATER)


def after_first_page() -> None:
    """Import, in the background, what the other pages need (once per process), after the
    tasks :func:`defer` kept for then, once no script has run for :data:`LATER_DELAY`
    seconds: the frame calls it at the end of every run (each call starts the wait again,
    each run's start stops it: :func:`settle`), so the imports never compete with a page
    being drawn and settling in the browser."""
    global _timer
    with _LOCK:
        if "after_first_page" in _STARTED:
            return
        if _timer is not None:
            _timer.cancel()
        _timer = threading.Timer(LATER_DELAY, _start_later)
        _timer.daemon = True
        _timer.name = "parcours-warm-wait"
        _timer.start()


def _start_later() -> None:
    global _timer
    with _LOCK:
        if _timer is not threading.current_thread() or "after_first_page" in _STARTED:
            return  # stopped by a run that started meanwhile
        _STARTED.add("after_first_page")
        _timer = None
        thread = threading.Thread(target=_later, name="parcours-warm-later", daemon=True)
        _THREADS.append(thread)
    thread.start()


def settle() -> None:
    """Start of a run: stop the wait of :func:`after_first_page`, and wait until its
    background imports are done if they are running. Libraries look in ``sys.modules`` to
    know whether pandas or pyarrow is there (narwhals, altair): a module being imported by
    another thread is there half made (``partially initialized module 'pandas' has no
    attribute 'Timestamp'``), so no script runs while they are imported (only in the first
    seconds of the server's life; at once otherwise)."""
    global _timer
    with _LOCK:
        if _timer is not None:
            _timer.cancel()
            _timer = None
        running = [t for t in _THREADS if t.is_alive() and t is not threading.current_thread()]
    for thread in running:
        thread.join()
