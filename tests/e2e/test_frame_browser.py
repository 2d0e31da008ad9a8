"""Real browser, the frame: a projector-sized window, /overview, the running pill, no stale page."""

from __future__ import annotations

import random
import time

import pytest

from tests.e2e.conftest import wait_for_app

pytestmark = pytest.mark.e2e


PROJECTOR_WORDS = {
    "en": (("Period", "Device", "Channel"), ("Overview", "Funnel", "A/B test", "Export")),
    "fr": (("Période", "Appareil", "Canal"), ("Vue d'ensemble", "Entonnoir", "Test A/B", "Export")),
}


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_filters_fit_a_1280x720_projector_without_scrolling(server, browser, tmp_path, lang):
    labels, titles = PROJECTOR_WORDS[lang]
    page = browser.new_context(viewport={"width": 1280, "height": 720}).new_page()
    page.set_default_timeout(60_000)
    page.goto(f"{server}/funnel?lang={lang}")
    wait_for_app(page)
    page.screenshot(path=str(tmp_path / f"projector_{lang}.png"))
    sidebar = page.get_by_test_id("stSidebar")
    content = page.get_by_test_id("stSidebarContent")
    assert content.evaluate("e => e.scrollTop") == 0
    # the language switch is at the top, whole, and does not push the filters out of view
    switch = sidebar.get_by_text("Français", exact=True)
    sb = switch.bounding_box()
    assert sb is not None and sb["y"] >= 0 and sb["y"] + sb["height"] <= 720
    for label in labels:
        widget = sidebar.get_by_text(label, exact=True).locator(
            "xpath=ancestor::*[@data-testid='stElementContainer'][1]"
        )
        box = widget.bounding_box()
        assert box is not None, label
        # the whole widget (label and input) is inside the window, and inside the sidebar
        assert box["y"] >= 0 and box["y"] + box["height"] <= 720, (label, box)
        assert box["x"] + box["width"] <= 320, (label, box)
    # the pages are in the top bar, every one of them visible at this width
    nav = page.get_by_test_id("stTopNav")
    for title in titles:
        link = nav.get_by_text(title, exact=True)
        assert link.is_visible(), title
        lb = link.bounding_box()
        assert lb["x"] + lb["width"] <= 1280, title
    page.context.close()


def test_overview_has_its_own_address_on_a_fresh_server(fresh_server, page, tmp_path):
    page.goto(f"{fresh_server}/overview?device=mobile")
    wait_for_app(page)
    page.screenshot(path=str(tmp_path / "overview.png"))
    assert page.get_by_text("Page not found").count() == 0
    assert page.get_by_role("heading", name="Parcours").count() >= 1
    main = page.get_by_test_id("stMain").inner_text()
    assert "device: mobile" in main  # the link's filter applied
    assert "/overview" in page.url
    assert page.get_by_test_id("stMetricValue").count() >= 3


def _events_csv(n_users: int) -> bytes:
    """An event log large enough that reading and computing it takes a visible moment."""
    rnd = random.Random(7)
    rows = ["user_id,event,ts,device"]
    for u in range(n_users):
        device = "phone" if u % 3 else "laptop"
        day = 1 + u % 28
        steps = ["visit", "cart", "buy"][: 1 + (rnd.random() < 0.4) + (rnd.random() < 0.2)]
        for k, step in enumerate(steps):
            rows.append(f"x{u},{step},2024-02-{day:02d} 1{k}:00:00,{device}")
    return ("\n".join(rows) + "\n").encode()


def test_new_data_never_shows_the_previous_files_page(server, page, tmp_path):
    """While an upload is read and computed, the page never mixes the demo's elements with the
    new file's, the demo's page is gone within 1.5 s on this 2-core machine (the moment before the server's
    first message is the old page, whole and unchanged), and a 'working' pill shows."""
    path = tmp_path / "big_log.csv"
    path.write_bytes(_events_csv(120_000))
    page.goto(f"{server}/funnel")
    wait_for_app(page)
    page.get_by_test_id("stVegaLiteChart").first.wait_for(timeout=60_000)  # the demo funnel chart
    page.locator(".st-key-upload").get_by_test_id("stFileUploaderDropzoneInput").set_input_files(
        str(path)
    )
    mixed, late_demo, pill_seen, running_samples = [], [], False, 0
    run_started: float | None = None
    mixed_before = False
    deadline = time.time() + 120
    while time.time() < deadline:
        state = page.evaluate(
            """() => {
              const main = document.querySelector("[data-testid='stMain']");
              const text = main.innerText;  // visible text only
              return {
                running: !!document.querySelector(
                  "[data-testid='stApp'][data-test-script-state='running']"),
                demo: ["demo data", "product_view", "add_to_cart"].filter(t => text.includes(t)),
                new_data: text.includes("big_log.csv"),
                pill: !!document.querySelector(
                  ".st-key-parcours_running [data-testid='stSpinner']"),
              };
            }"""
        )
        if state["running"] and run_started is None:
            run_started = time.time()
        # the new file's caption beside the demo's elements, in two samples in a row (a
        # widget that receives the new data's values may show its old ones for one frame)
        both = bool(state["demo"] and state["new_data"])
        if both and mixed_before:
            mixed.append(state["demo"])
        mixed_before = both
        if state["running"] and state["demo"] and time.time() - run_started > 1.5:
            late_demo.append(state["demo"])  # the demo's page still on screen mid-upload
        pill_seen |= state["pill"]
        running_samples += state["running"]
        if not state["running"] and state["new_data"]:
            break  # the run that read the upload is over: its page names the file
        page.wait_for_timeout(100)
    wait_for_app(page)
    page.screenshot(path=str(tmp_path / "after_upload.png"))
    assert "big_log.csv" in page.get_by_test_id("stMain").inner_text()
    assert mixed == []
    assert late_demo == []
    assert running_samples > 0, "the upload's run was observed"
    if running_samples * 0.1 > 1.0:  # a run of over a second (the pill shows after 0.5 s)
        assert pill_seen, "a run of more than half a second shows the working pill"


HOSTILE = ["**promo**", "![x](http://example.invalid/p.png)"]


def test_hostile_segment_values_show_as_typed_and_load_nothing(server, page, tmp_path):
    """A channel named **promo** or ![x](http://example.invalid/p.png): the filter shows it as
    typed, the view line under the title too, and the browser never asks for the image."""
    rows = ["user_id,event,ts,channel"]
    for i in range(60):
        value = HOSTILE[i % 2] if i % 3 else "email"
        rows.append(f'u{i},{["view", "buy"][i % 2]},2025-01-{1 + i % 28:02d} 10:00,"{value}"')
    path = tmp_path / "hostile.csv"
    path.write_text("\n".join(rows) + "\n")
    asked: list[str] = []
    page.on("request", lambda r: asked.append(r.url))
    page.goto(f"{server}/data?lang=fr")
    wait_for_app(page)
    page.locator(".st-key-upload").get_by_test_id("stFileUploaderDropzoneInput").set_input_files(
        str(path)
    )
    page.wait_for_timeout(1500)
    wait_for_app(page)
    sidebar = page.get_by_test_id("stSidebar")
    box = sidebar.get_by_test_id("stMultiSelect").filter(has_text="Canal")
    for value in HOSTILE:
        box.locator("input").click()
        page.get_by_role("option", name=value, exact=True).click()
        wait_for_app(page)
    page.keyboard.press("Escape")
    wait_for_app(page)
    page.screenshot(path=str(tmp_path / "hostile.png"))
    chosen = box.inner_text()
    for value in HOSTILE:
        assert value in chosen, (value, chosen)
    main = page.get_by_test_id("stMain")
    caption = main.get_by_test_id("stCaptionContainer").first.inner_text()
    assert "canal : **promo** ou ![x](http://example.invalid/p.png)" in caption.replace(
        "\u00a0", " "
    )
    assert page.locator("img[src*='example.invalid']").count() == 0
    assert main.locator("strong", has_text="promo").count() == 0
    assert not [u for u in asked if "example.invalid" in u]


def test_back_and_forward_restore_the_filters_and_keep_the_language(server, page):
    page.goto(f"{server}/funnel?lang=fr&device=mobile")
    wait_for_app(page)
    box = page.get_by_test_id("stSidebar").get_by_test_id("stMultiSelect").filter(has_text="Canal")
    box.locator("input").click()
    page.get_by_role("option", name="email", exact=True).click()
    wait_for_app(page)
    page.keyboard.press("Escape")
    wait_for_app(page)
    assert "channel=email" in page.url and "lang=fr" in page.url
    page.go_back()
    wait_for_app(page)
    assert "channel=email" not in page.url and "device=mobile" in page.url
    assert "email" not in box.inner_text()
    page.go_forward()
    wait_for_app(page)
    assert "channel=email" in page.url and "email" in box.inner_text()
    assert "lang=fr" in page.url
