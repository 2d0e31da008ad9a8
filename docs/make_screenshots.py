"""Screenshots for the README, taken from the running app on the demo data (headless Chromium).

.venv/bin/python docs/make_screenshots.py   # starts the app on port 8650, writes docs/*.png
"""

from __future__ import annotations

import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
PORT = 8650
SHOTS = {
    "overview.png": "/?device=mobile&period=2025-11-01&period=2025-11-30",
    "funnel.png": "/funnel?fn_by=device&period=2025-11-01&period=2025-11-30",
    "ab_test.png": "/ab-test?ab_mode=From+data",
}


def main() -> None:
    server = subprocess.Popen(
        [sys.executable, "pages/_ui/serve.py", "--server.port", str(PORT)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(f"http://localhost:{PORT}/_stcore/health", timeout=1)
                break
            except OSError:
                time.sleep(0.5)
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path="/usr/bin/chromium",
                args=[
                    "--headless",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-background-networking",
                ],
            )
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            for name, url in SHOTS.items():
                page.goto(f"http://localhost:{PORT}{url}")
                page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']")
                page.wait_for_timeout(2500)  # charts finish drawing
                page.screenshot(path=str(ROOT / "docs" / name))
                print("wrote", name)
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
