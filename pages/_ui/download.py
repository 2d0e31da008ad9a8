"""The Excel summary download button: one per view, built lazily by kpi.report.

The workbook is the same as ``python -m kpi report`` writes: :func:`kpi.report.build_workbook`
on the session's unfiltered Dataset and the current filters. The funnel settings come from
the Funnel page's URL-bound widgets (steps, order, window, breakdown), the thresholds and the
sheet choice from the Export page, the A/B result from the A/B page.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Literal

import streamlit as st

from kpi import alerts
from kpi.errors import ParcoursError
from pages._ui import settings, state
from pages._ui.lang import t, tx

if TYPE_CHECKING:
    from kpi.report import ReportOptions
    from kpi.settings import FunnelSettings

#: kpi.report.MIME and kpi.report.file_name (a test checks they are the same): the sidebar's
#: button is drawn on every page, and kpi.report (openpyxl) is imported only to build the file
MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def file_name(lang: str = "en") -> str:
    """parcours-summary-YYYY-MM-DD.xlsx (fr: parcours-synthese-…), UTC date."""
    stem = "parcours-synthese" if lang == "fr" else "parcours-summary"
    return f"{stem}-{datetime.now(UTC):%Y-%m-%d}.xlsx"


def _param(name: str) -> str | None:
    value = st.session_state.get(name)
    if value is None:
        value = st.query_params.get(name)
    return None if value is None else str(value)


def funnel_settings() -> dict:
    """Steps, order, window and breakdown as set on the Funnel page (or its defaults), as
    ReportOptions fields: a thin delegate of :func:`pages._ui.settings.funnel_settings`."""
    return report_fields(settings.funnel_settings())


def report_fields(s: FunnelSettings) -> dict:
    """The ReportOptions fields of funnel settings ``s`` (what :func:`funnel_settings` gives)."""
    return {
        "steps": s.steps or None,
        "order": s.order,
        "window": s.window,
        "open_funnel": s.open_funnel,
        "segment": s.segment,
        "exclusions": s.exclusions,
        "step_windows": s.step_windows,
    }


def _current_ab_result() -> object | None:
    """The A/B page's typed analysis (:class:`kpi.abtest.ABAnalysis`, computed once by the
    page), only if it was computed on the data and filters of this view."""
    from kpi.abtest import ABAnalysis

    stored = st.session_state.get("ab_result_export")
    if not isinstance(stored, ABAnalysis):
        return None
    key = st.session_state.get("ab_result_view_key")
    if key is not None and key != state.view_key():
        return None
    return stored


def current_options(**overrides: object) -> ReportOptions:
    """ReportOptions for the current session: the view's funnel settings (one
    :class:`~kpi.settings.FunnelSettings`), thresholds, A/B result, the page's language, and
    the session's computed View (so the workbook reuses what the pages computed)."""
    from kpi.report import ReportOptions

    return ReportOptions(**_option_values(**overrides))  # type: ignore[arg-type]


def _option_values(**overrides: object) -> dict[str, Any]:
    """The fields of :func:`current_options`, read from the session (in the script run)."""
    from pages._ui import calendar_editor, compute, lang

    grain: Literal["week", "month"] = "week" if _param("cohort_by") == "week" else "month"
    engine = compute.engine_view()
    if engine is not None:  # a connected table: its label (never the address)
        source = engine.label or "–"
    elif state.using_demo():
        source = tx("export.demo_data")
    else:
        source = ", ".join(f.name for f in state.files())
    opts = {
        "funnel": compute.funnel_settings(),
        "cohort_grain": grain,
        "thresholds": st.session_state.get("thresholds") or alerts.Thresholds(),
        "ab_result": _current_ab_result(),
        "source_label": source,
        "lang": lang.current(),
        "view": engine if engine is not None else compute.current_view(),
        # the Stage KPIs page's segment tables, once that page has been opened
        "kpi_segment": st.session_state.get("st_by"),
        # the Funnel page's "Why they drop" step, once chosen there
        "why_step": _why_step(),
        "calendar": calendar_editor.settings(),  # the events of the view (an Events sheet)
    }
    opts.update(overrides)
    return opts


def _why_step() -> int | None:
    value = st.session_state.get("fn_why_step") or _param("fn_why_step")
    try:
        return int(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


def chosen_sections() -> list[str]:
    """The sheets picked on the Export page (all of them until the user chooses)."""
    return _sections(st.session_state.get("export_sections"))


def _sections(picked: Sequence[str] | None) -> list[str]:
    from kpi.report import SECTIONS

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
    from pages._ui import compute

    ds_full = st.session_state.get("dataset")
    filters = state.current_filters()
    engine = compute.engine_view()  # a connected table in use: its workbook, from the engine
    if (ds_full is None and engine is None) or filters is None:
        return
    # read now (the session), made into kpi.report's options on click (openpyxl is imported
    # only then)
    values = _option_values() if options is None else None
    lang = options.lang if options is not None else values["lang"]  # type: ignore[index]
    picked = list(sections) if sections is not None else st.session_state.get("export_sections")

    def build() -> bytes:  # runs on click, maybe in another thread: uses only captured values
        from kpi.report import ReportOptions, build_workbook

        opts = options if options is not None else ReportOptions(**values)  # type: ignore[arg-type]
        secs = list(picked) if sections is not None else _sections(picked)
        if engine is not None:
            from dataclasses import replace

            from kpi.engine.view import EngineView
            from kpi.export.workbook import write_workbook
            from kpi.settings import FunnelSettings

            try:
                return write_workbook(engine, opts, secs)
            except ParcoursError:  # e.g. funnel steps that this table does not have
                plain = EngineView(
                    engine.table,
                    engine.filters,
                    FunnelSettings(),
                    cohort_grain=engine.cohort_grain,
                    raw=engine.raw,
                )
                return write_workbook(plain, replace(opts, view=None), secs)
        try:
            return build_workbook(ds_full, filters, options=opts, sections=secs)
        except ParcoursError:  # e.g. funnel steps that this data does not have
            safe = ReportOptions(
                thresholds=opts.thresholds,
                cohort_grain=opts.cohort_grain,
                source_label=opts.source_label,
                lang=opts.lang,
            )
            return build_workbook(ds_full, filters, options=safe, sections=secs)

    target = st.sidebar if location == "sidebar" else st
    target.download_button(
        tx("frame.excel.label"),
        data=build,
        file_name=file_name(lang=lang),
        mime=MIME,
        on_click="ignore",
        icon=":material/download:",
        key=key or f"report_download_{location}",
        help=t("frame.excel.help"),
        width="stretch" if location == "sidebar" else "content",
    )
