"""The Export page's sheet picker holds the Events sheet (code ``events``): picked by default,
it says whether the view has a calendar to write; the download follows the pick (AppTest, the
demo data, English and French)."""

from __future__ import annotations

import pytest

from kpi.report import SECTIONS
from tests.app.conftest import errors_and_exceptions


def _lines(at) -> list[str]:
    return [m.value for m in at.markdown if m.value.startswith("- **")]


@pytest.mark.parametrize(
    ("lang", "none", "some"),
    [
        ("en", "- **Events**: no calendar for this view", "- **Events**: the calendar"),
        (
            "fr",
            "- **Événements**\u00a0: pas de calendrier",
            "- **Événements**\u00a0: les événements",
        ),
    ],
)
def test_the_events_sheet_is_a_choice_that_says_its_calendar(app, lang, none, some) -> None:
    app.query_params["lang"] = lang
    app.run()
    app.switch_page("pages/export_view.py").run()
    assert errors_and_exceptions(app) == []
    picker = app.multiselect(key="ex_sheets")
    assert "events" in picker.options or len(picker.options) == len(SECTIONS)
    assert picker.value == list(SECTIONS)  # picked by default
    assert any(line.startswith(none) for line in _lines(app)), _lines(app)
    # the retail periods in the sidebar's calendar: now it has events to write
    app.toggle(key="ev_retail_on").set_value(True).run()
    assert errors_and_exceptions(app) == []
    assert any(line.startswith(some) for line in _lines(app)), _lines(app)
    # left out of the pick: the page's sections (and so the workbook) leave it out
    picker = app.multiselect(key="ex_sheets")
    picker.set_value([c for c in SECTIONS if c != "events"]).run()
    assert errors_and_exceptions(app) == []
    assert "events" not in app.session_state["export_sections"]
    assert not any(line.startswith(some) for line in _lines(app))
