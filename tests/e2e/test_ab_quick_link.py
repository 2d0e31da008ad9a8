"""Real browser: a typed Quick check survives a shared link (issue 9).

Type the numbers of a test on the A/B page, copy the page's URL, open it in a new browser
context (no cookies, no session): the same numbers are in the inputs and the same verdict is
on screen, with the p-value of kpi.abtest.compare.
"""

from __future__ import annotations

import pytest

from kpi.abtest import compare
from tests.e2e.conftest import wait_for_app

pytestmark = pytest.mark.e2e

TYPED = {
    "Control": "gate_30",
    "Visitors (control)": "44700",
    "Conversions (control)": "8502",
    "Variant": "gate_40",
    "Visitors (variant)": "45489",
    "Conversions (variant)": "8279",
}
#: the same form in French (``?lang=fr``): labels from the catalogue ab_page
TYPED_FR = {
    "Contrôle": "gate_30",
    "Visiteurs (contrôle)": "44700",
    "Conversions (contrôle)": "8502",
    "Variante": "gate_40",
    "Visiteurs (variante)": "45489",
    "Conversions (variante)": "8279",
}


def _verdict(page) -> str:
    box = page.locator("div[style*='border-left']").first
    box.wait_for()
    return box.inner_text()


def test_typed_quick_check_survives_a_shared_link(server, browser, tmp_path):
    a = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    a.set_default_timeout(60_000)
    a.goto(f"{server}/ab-test")
    wait_for_app(a)
    main = a.get_by_test_id("stMain")
    # nothing typed yet: no verdict on numbers nobody gave
    assert a.locator("div[style*='border-left']").count() == 0
    assert "Type the visitors and conversions" in main.inner_text()
    for label, value in TYPED.items():
        box = main.get_by_label(label, exact=True)
        box.fill(value)
        box.press("Enter" if "Visitors" in label or "Conversions" in label else "Tab")
        wait_for_app(a)
    verdict = _verdict(a)
    a.screenshot(path=str(tmp_path / "typed.png"), full_page=True)
    ref = compare(8502, 44700, 8279, 45489)
    assert "gate_40" in verdict and "gate_30" in verdict and "Example" not in verdict
    assert f"p = {ref.p_value:.2g}" in verdict  # 0.0016
    url = a.url
    for key, value in (("ab_q_n_a", "44700"), ("ab_q_x_b", "8279"), ("ab_q_name_b", "gate_40")):
        assert f"{key}={value}" in url, url

    b = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    b.set_default_timeout(60_000)
    b.goto(url)
    wait_for_app(b)
    shared = _verdict(b)
    b.screenshot(path=str(tmp_path / "shared.png"), full_page=True)
    assert shared == verdict
    main_b = b.get_by_test_id("stMain")
    from playwright.sync_api import expect

    for label, value in TYPED.items():  # the inputs hold the link's numbers (polled: the
        # frontend may fill a bound text input a moment after the first render)
        expect(main_b.get_by_label(label, exact=True)).to_have_value(value, timeout=15_000)
    metric = main_b.get_by_test_id("stMetric").filter(has_text="p-value").first
    assert f"{ref.p_value:.3g}" in metric.inner_text()  # 0.00155
    a.context.close()
    b.context.close()


def test_typed_quick_check_in_french(server, browser, tmp_path):
    """The same check with ``?lang=fr``: French labels, a French verdict with French figures,
    and the link's numbers are the same language-neutral parameters."""
    a = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    a.set_default_timeout(60_000)
    a.goto(f"{server}/ab-test?lang=fr")
    wait_for_app(a)
    main = a.get_by_test_id("stMain")
    assert "Saisissez les visiteurs et les conversions" in main.inner_text()
    for label, value in TYPED_FR.items():
        box = main.get_by_label(label, exact=True)
        box.fill(value)
        box.press("Enter" if "Visiteurs" in label or "Conversions" in label else "Tab")
        wait_for_app(a)
    verdict = _verdict(a)
    a.screenshot(path=str(tmp_path / "typed_fr.png"), full_page=True)
    assert "gate_40 convertit" in verdict and "moins bien que gate_30" in verdict
    assert "p = 0,0016" in verdict
    for key, value in (("ab_q_n_a", "44700"), ("ab_q_x_b", "8279"), ("ab_q_name_b", "gate_40")):
        assert f"{key}={value}" in a.url, a.url
    metric = main.get_by_test_id("stMetric").filter(has_text="p-value").first
    assert "0,00155" in metric.inner_text()
    a.context.close()
