"""The Excel summary download button: one per view, built lazily by kpi.report.

The workbook is the same as ``python -m kpi report`` writes: :func:`kpi.report.build_workbook`
on the session's unfiltered Dataset and the current filters. The funnel settings come from
the Funnel page's URL-bound widgets (steps, order, window, breakdown), the thresholds and the
sheet choice from the Export page, the A/B result from the A/B page.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Literal

import streamlit as st

from kpi import alerts
from kpi.errors import ParcoursError
from kpi.report import MIME, SECTIONS, ReportOptions, build_workbook, file_name
from pages._ui import state

#: Funnel page window units (``fn_unit``), in seconds; "no limit" means no window.
WINDOW_UNITS = {"minutes": 60, "hours": 3600, "days": 86400, "weeks": 7 * 86400, "months": 2592000}
DEFAULT_WINDOW = timedelta(days=14)  # the Funnel page's default


def _param(name: str) -> str | None:
    value = st.session_state.get(name)
    if value is None:
        value = st.query_params.get(name)
    return None if value is None else str(value)


def funnel_settings() -> dict:
    """Steps, order, window and breakdown as set on the Funnel page (or its defaults)."""
    steps = st.session_state.get("fn_steps") or st.query_params.get_all("fn_steps")
    order = _param("fn_order")
    unit = _param("fn_unit") or "days"
    try:
        amount = float(_param("fn_window") or 14)
    except ValueError:
        amount = 14.0
    window = (
        None
        if unit == "no limit"
        else timedelta(seconds=amount * WINDOW_UNITS[unit])
        if unit in WINDOW_UNITS
        else DEFAULT_WINDOW
    )
    by = _param("fn_by")
    ds = st.session_state.get("dataset")
    segments = ds.segments if ds is not None else ()
    if ds is not None:
        # a shared link may name steps of someone else's data: keep the ones this data has
        known = set(ds.steps) | set(
            ds.events["step"].unique().to_list() if ds.events.height else []
        )
        steps = [s for s in steps or () if s in known]
        if not ds.has_timestamps:
            window = None  # a membership funnel has no conversion window
    return {
        "steps": tuple(str(s) for s in steps) if steps else None,
        "order": order if order in ("sequential", "any") else "sequential",
        "window": window,
        "open_funnel": str(_param("fn_open")).lower() == "true",
        "segment": by if by in segments else None,
    }


def _current_ab_result() -> object | None:
    """The A/B page's result, only if it was computed on the data and filters of this view."""
    stored = st.session_state.get("ab_result_export")
    if stored is None:
        return None
    key = st.session_state.get("ab_result_view_key")
    if key is not None and key != state.view_key():
        return None
    return stored


def current_options(**overrides: object) -> ReportOptions:
    """ReportOptions for the current session: the view's funnel settings (one
    :class:`~kpi.settings.FunnelSettings`), thresholds, A/B result, the page's language, and
    the session's computed View (so the workbook reuses what the pages computed)."""
    from pages._ui import compute, lang

    grain: Literal["week", "month"] = "week" if _param("cohort_by") == "week" else "month"
    source = (
        lang.tx("export.demo_data")
        if state.using_demo()
        else ", ".join(f.name for f in state.files())
    )
    opts = {
        "funnel": compute.funnel_settings(),
        "cohort_grain": grain,
        "thresholds": st.session_state.get("thresholds") or alerts.Thresholds(),
        "ab_result": _current_ab_result(),
        "source_label": source,
        "lang": lang.current(),
        "view": compute.current_view(),
        # the Stage KPIs page's segment tables, once that page has been opened
        "kpi_segment": st.session_state.get("st_by"),
    }
    opts.update(overrides)
    return ReportOptions(**opts)  # type: ignore[arg-type]


def chosen_sections() -> list[str]:
    """The sheets picked on the Export page (all of them until the user chooses)."""
    picked = st.session_state.get("export_sections")
    return [s for s in picked if s in SECTIONS] if picked else list(SECTIONS)


def report_button(
    location: Literal["sidebar", "main"] = "sidebar",
    *,
    sections: Sequence[str] | None = None,
    options: ReportOptions | None = None,
    key: str | None = None,
) -> None:
    """One download button for the Excel summary of the current view.

    The bytes are built only when the button is clicked (``data`` is a callable) and the
    click does not rerun the page (``on_click="ignore"``). Nothing is drawn without data.
    """
    ds_full = st.session_state.get("dataset")
    filters = state.current_filters()
    if ds_full is None or filters is None:
        return
    opts = options or current_options()
    secs = list(sections) if sections is not None else chosen_sections()

    def build() -> bytes:  # runs on click, maybe in another thread: uses only captured values
        try:
            return build_workbook(ds_full, filters, options=opts, sections=secs)
        except ParcoursError:  # e.g. funnel steps that this data does not have
            safe = ReportOptions(
                thresholds=opts.thresholds,
                cohort_grain=opts.cohort_grain,
                source_label=opts.source_label,
            )
            return build_workbook(ds_full, filters, options=safe, sections=secs)

    target = st.sidebar if location == "sidebar" else st
    target.download_button(
        "Excel summary",
        data=build,
        file_name=file_name(),
        mime=MIME,
        on_click="ignore",
        icon=":material/download:",
        key=key or f"report_download_{location}",
        help="Every KPI of this view (filters, period vs previous period, funnel, retention, "
        "value, A/B test, definitions, data quality) in one .xlsx file.",
        width="stretch" if location == "sidebar" else "content",
    )
