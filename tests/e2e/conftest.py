"""A real `streamlit run app.py` on a free port, driven by Playwright in Debian's chromium.

The browser is never downloaded: it is /usr/bin/chromium (apt). Without it the tests skip,
except in CI (PARCOURS_REQUIRE_BROWSER=1) where a missing browser is a failure.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


def _require_browser() -> None:
    missing = not Path(CHROMIUM).exists()
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing = True
    if missing:
        if os.environ.get("PARCOURS_REQUIRE_BROWSER"):
            pytest.fail("Browser tests need Debian's chromium and playwright (see .ci/run).")
        pytest.skip("chromium or playwright not installed")


def _free_port() -> int:
    """A free port, or ``PARCOURS_E2E_PORT`` when set (a machine shared by several people,
    each with a port of their own: run the tests of one server fixture at a time then)."""
    if os.environ.get("PARCOURS_E2E_PORT"):
        return int(os.environ["PARCOURS_E2E_PORT"])
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def _serve(log_dir: Path) -> Iterator[str]:
    """Start the app as `make run` does, on a free port; yield its URL once healthy."""
    _require_browser()
    port = _free_port()
    log = log_dir / "streamlit.log"
    with open(log, "w") as out:
        proc = subprocess.Popen(
            [
                sys.executable,
                str(ROOT / "pages" / "_ui" / "serve.py"),  # what `make run` starts
                "--server.headless",
                "true",
                "--server.port",
                str(port),
                "--server.address",
                "127.0.0.1",
                "--browser.gatherUsageStats",
                "false",
                "--server.fileWatcherType",
                "none",
            ],
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 60
        while time.time() < deadline:
            if proc.poll() is not None:
                pytest.fail(f"streamlit exited: {log.read_text()[-2000:]}")
            try:
                if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).read() == b"ok":
                    break
            except OSError:
                time.sleep(0.3)
        else:
            pytest.fail(f"streamlit did not start: {log.read_text()[-2000:]}")
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture(scope="session")
def server(tmp_path_factory) -> Iterator[str]:
    """One server shared by the tests that do not care about its first request."""
    with _serve(tmp_path_factory.mktemp("server")) as url:
        yield url


@pytest.fixture
def fresh_server(tmp_path) -> Iterator[str]:
    """A server of the test's own: the first request the test makes is the server's first."""
    with _serve(tmp_path) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    _require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-dev-shm-usage",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
                "--disable-sync",
            ],
        )
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    pg = context.new_page()
    pg.set_default_timeout(60_000)
    yield pg
    context.close()


def wait_for_app(page) -> None:
    """Wait until the script has finished running (connected, not running)."""
    page.wait_for_selector("[data-testid='stApp'][data-test-connection-state='CONNECTED']")
    # the first run has drawn something (a server still starting answers the first rerun
    # request late: before it, the app says notRunning with an empty page)
    page.wait_for_selector("[data-testid='stMain'] [data-testid='stElementContainer']")
    page.wait_for_timeout(300)
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']")
    page.wait_for_timeout(300)
