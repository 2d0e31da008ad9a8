"""Export: choose the sheets and the red-flag thresholds, then download the Excel summary.

The workbook is :func:`kpi.report.build_workbook` (the same as ``python -m kpi report``), in
the language of this page, built from the session's computed View (the same numbers as the
pages). The thresholds chosen here also drive the red flags shown on the other pages.
"""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from kpi.errors import ParcoursError
from kpi.export.text import window_text
from kpi.report import SECTIONS
from kpi.words import LANGS, render
from pages._ui import compute, download, state, widgets
from pages._ui import funnel_charts as fc
from pages._ui.lang import current, t, tx
from pages._ui.page_end import end_page


def _codes(values: list[str]) -> list[str]:
    """Sheet codes from the widget's values (codes, or sheet names in either language)."""
    names = {render(f"export.sheet.{c}", lg): c for c in SECTIONS for lg in LANGS}
    out = [v if v in SECTIONS else names.get(str(v)) for v in values]
    return list(dict.fromkeys(c for c in out if c))


st.title(tx("nav.export"))
widgets.view_caption()
ds = state.require_view()
lang = current()

st.markdown(t("export.page.intro"))

left, right = st.columns([1.4, 1])
with left:
    st.subheader(t("export.page.sheets"))
    picked = st.multiselect(
        tx("export.page.sheets_label"),
        list(SECTIONS),
        default=list(SECTIONS),
        format_func=lambda code: tx(f"export.sheet.{code}"),
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
              contents=tx(f"export.sheet_contents.{code}"))
        )  # fmt: skip

with right:
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
        st.error(exc.text(lang, markdown=True))
        end_page()
    st.session_state["thresholds"] = thresholds

flags = compute.red_flags(ds, thresholds)
st.subheader(t("export.page.flags", n=len(flags)) if flags else t("export.page.no_flags"))
if flags:
    widgets.red_flags(flags)

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
        window=window_text(settings.window, lang),
        segment=settings.segment or tx("export.page.first_segment"),
    )
)
download.report_button("main", sections=picked, options=options, key="ex_download")
