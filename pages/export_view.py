"""Export: choose the sheets and the red-flag thresholds, then download the Excel summary.

The workbook is :func:`kpi.report.build_workbook` (the same as ``python -m kpi report``), in
the language of this page, built from the session's computed View (the same numbers as the
pages). The thresholds chosen here also drive the red flags shown on the other pages.
"""

from __future__ import annotations

import functools
from dataclasses import replace
from typing import Any

import streamlit as st

from kpi import alerts
from kpi.errors import ParcoursError
from kpi.export.text import window_text
from kpi.report import SECTIONS
from kpi.words import LANGS, Fact, Raw, escape_markdown, render
from pages._ui import compute, download, state, widgets
from pages._ui import funnel_charts as fc
from pages._ui.lang import current, t, tx
from pages._ui.page_end import end_page


def _sheet_name(code: str, lang: str) -> str:
    """A sheet's name in ``lang`` (plain text)."""
    return render(f"export.sheet.{code}", lang)


def _codes(values: list[str]) -> list[str]:
    """Sheet codes from the widget's values (codes, or sheet names in either language)."""
    names = {render(f"export.sheet.{c}", lg): c for c in SECTIONS for lg in LANGS}
    out = [v if v in SECTIONS else names.get(str(v)) for v in values]
    return list(dict.fromkeys(c for c in out if c))


#: the sheets whose contents differ for a connected table (``export.sheet_contents_engine.*``)
ENGINE_CONTENTS = ("summary", "stages", "value", "quality")


def _contents(code: str, connected: bool) -> str:
    """What a sheet holds, for a file upload or for a connected table (the Events sheet:
    whether the view has a calendar to write)."""
    if code == "events":
        from pages._ui import calendar_editor

        empty = calendar_editor.settings().empty
        return tx("export.sheet_contents.events_none" if empty else "export.sheet_contents.events")
    if connected and code in ENGINE_CONTENTS:
        return tx(f"export.sheet_contents_engine.{code}")
    return tx(f"export.sheet_contents.{code}")


def _sheets(connected: bool) -> list[str]:
    """The sheet picker (bound to the URL) and what each picked sheet holds."""
    st.subheader(t("export.page.sheets"))
    picked = st.multiselect(
        tx("export.page.sheets_label"),
        list(SECTIONS),
        default=list(SECTIONS),
        # the language fixed now: Streamlit may call it outside the script run (the URL's
        # binding), where the view's language is unknown and English names would not match
        format_func=functools.partial(_sheet_name, lang=current()),
        key="ex_sheets",
        bind="query-params",
        help=tx("export.page.sheets_help"),
    )
    # a shared link carries the sheet names in its sender's language: read them in any
    picked = _codes(picked)
    st.session_state["export_sections"] = list(picked)
    for code in picked:
        st.markdown(
            t("export.page.sheet_line", sheet=tx(f"export.sheet.{code}"),
              contents=_contents(code, connected))
        )  # fmt: skip
    return picked


def _thresholds() -> alerts.Thresholds:
    """The red-flag thresholds (bound to the URL), kept in the session for the other pages."""
    st.subheader(t("export.page.thresholds"))
    t0 = fc.current_thresholds()  # the ones set on the Funnel / Stage KPIs pages, if any
    min_conv = st.number_input(
        tx("export.page.min_conversion"), 0.0, 100.0, t0.min_conversion * 100, 0.5,
        key="ex_min_conversion", bind="query-params",
        help=tx("export.page.min_conversion_help"),
    )  # fmt: skip
    max_cart = st.number_input(
        tx("export.page.max_cart"), 0.0, 100.0, t0.max_cart_abandonment * 100, 1.0,
        key="ex_max_cart", bind="query-params",
        help=tx("export.page.max_cart_help"),
    )  # fmt: skip
    max_bounce = st.number_input(
        tx("export.page.max_bounce"), 0.0, 100.0, t0.max_bounce * 100, 1.0,
        key="ex_max_bounce", bind="query-params",
        help=tx("export.page.max_bounce_help"),
    )  # fmt: skip
    max_drop = st.number_input(
        tx("export.page.max_drop"), 1.0, 99.0,
        t0.max_session_duration_drop * 100, 1.0,
        key="ex_max_duration_drop", bind="query-params",
        help=tx("export.page.max_drop_help"),
    )  # fmt: skip
    try:
        thresholds = replace(
            t0,  # keeps the funnel significance level and step floor set elsewhere
            min_conversion=min_conv / 100,
            max_cart_abandonment=max_cart / 100,
            max_bounce=max_bounce / 100,
            max_session_duration_drop=max_drop / 100,
        )
    except ParcoursError as exc:
        st.error(exc.text(current(), markdown=True))
        end_page()
    st.session_state["thresholds"] = thresholds
    return thresholds


def _flags(flags: list) -> None:
    st.subheader(t("export.page.flags", n=len(flags)) if flags else t("export.page.no_flags"))
    if flags:
        widgets.red_flags(flags)


def _download(picked: list[str], thresholds: alerts.Thresholds) -> None:
    """The funnel settings the workbook uses, in words, and the download button."""
    if not picked:
        st.info(t("export.page.pick_one"))
        end_page()
    options = download.current_options(thresholds=thresholds)
    settings = options.settings
    st.caption(
        t(
            "export.page.funnel_caption",
            steps=" → ".join(settings.steps) if settings.steps else tx("export.page.data_steps"),
            order=tx(f"export.order.{settings.order}"),
            window=window_text(settings.window, current()),
            segment=settings.segment or tx("export.page.first_segment"),
        )
    )
    download.report_button("main", sections=picked, options=options, key="ex_download")


def _page(connected: bool) -> tuple[list[str], alerts.Thresholds]:
    left, right = st.columns([1.4, 1])
    with left:
        picked = _sheets(connected)
    with right:
        thresholds = _thresholds()
    return picked, thresholds


def _connected(engine: object) -> None:
    """The Export page of a connected table: its workbook, from the engine."""
    from kpi.engine.view import engine_error

    e: Any = engine
    label = Raw(escape_markdown(e.label or "–"))
    st.markdown(t("export.page.engine_intro", table=label))
    picked, thresholds = _page(connected=True)
    try:
        flags = e.red_flags(thresholds)
    except Exception as exc:  # the engine's own error, without the address
        st.warning(t(Fact("export.flags_failed", why=engine_error(exc).message)))
        flags = []
    _flags(flags)
    _download(picked, thresholds)
    st.caption(t("export.page.engine_note"))


st.title(tx("nav.export"))
widgets.view_caption()
engine = compute.engine_view()
if engine is not None:
    _connected(engine)
    end_page()
ds = state.require_view()

st.markdown(t("export.page.intro"))
picked, thresholds = _page(connected=False)
_flags(compute.red_flags(ds, thresholds))
_download(picked, thresholds)
