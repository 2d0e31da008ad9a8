"""Real browser: click the Excel summary button on the demo data and open the file."""

from __future__ import annotations

import re

import openpyxl
import polars as pl
import pytest

from kpi.report import SECTIONS
from tests.e2e.conftest import wait_for_app

pytestmark = pytest.mark.e2e


def _button(page):
    return page.get_by_test_id("stMain").get_by_role(
        "button", name=re.compile("Excel summary|Synthèse Excel|synthèse Excel")
    )


def _click_download(page, tmp_path):
    """Click inside expect_download; once more after a reload if the page was still busy."""
    from playwright.sync_api import Error as PlaywrightError

    for attempt in range(2):
        _button(page).wait_for()
        page.screenshot(path=str(tmp_path / f"before_click_{attempt}.png"))
        try:
            with page.expect_download(timeout=90_000) as info:
                _button(page).click(timeout=30_000)
            return info.value
        except PlaywrightError:
            if attempt:
                raise
            page.reload()
            wait_for_app(page)
    raise AssertionError("unreachable")


def test_download_excel_summary(server, page, tmp_path):
    page.goto(f"{server}/export")
    wait_for_app(page)
    download = _click_download(page, tmp_path)
    assert re.fullmatch(r"parcours-summary-\d{4}-\d{2}-\d{2}\.xlsx", download.suggested_filename)
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    page.screenshot(path=str(tmp_path / "export_page.png"), full_page=True)

    wb = openpyxl.load_workbook(path)
    # every sheet but the Events sheet, which needs a calendar (none set here)
    assert wb.sheetnames == [t for c, t in SECTIONS.items() if c != "events"]
    assert wb.properties.creator == "Parcours"
    # one number: users in the view = distinct users of the demo events (plain polars)
    summary = {c.value: wb["Summary"].cell(c.row, 2).value for c in wb["Summary"]["A"]}
    events = pl.read_csv("data/demo/events.csv.gz", columns=["user_id"])
    assert summary["Users in view"] == events["user_id"].n_unique()
    # the page did not rerun into an error
    assert page.get_by_test_id("stException").count() == 0


def test_download_in_french(server, page, tmp_path):
    """?lang=fr: the workbook of the French page is in French; its numbers are the same."""
    page.goto(f"{server}/export?lang=fr")
    wait_for_app(page)
    download = _click_download(page, tmp_path)
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    page.screenshot(path=str(tmp_path / "export_page_fr.png"), full_page=True)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames[:3] == ["Synthèse", "Entonnoir", "KPI par étape"]
    ws = wb["Synthèse"]
    assert ws["A1"].value == "Synthèse Parcours"
    summary = {c.value: ws.cell(c.row, 2).value for c in ws["A"]}
    events = pl.read_csv("data/demo/events.csv.gz", columns=["user_id"])
    assert summary["Utilisateurs dans la vue"] == events["user_id"].n_unique()
    assert summary["Données"] == "jeu de données de démonstration"
    assert page.get_by_test_id("stException").count() == 0
