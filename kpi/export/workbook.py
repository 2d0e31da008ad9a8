"""The Excel summary: one workbook for the current view, the same from the app and the CLI.

:func:`build_workbook` takes the unfiltered Dataset, the view's :class:`~kpi.filters.Filters`
and :class:`ReportOptions`, reads every figure from one :class:`kpi.view.View` (the one the
app's pages read when the app passes it) and returns the bytes of an .xlsx file (openpyxl).
Values are written, never formulas; every string that comes from the data goes through
:func:`kpi.export.cells.put` (text, quote-prefixed when it looks like a formula). Sheet names,
titles, headers, definitions and notes are in the options' language (``lang``); numbers stay
numbers.

Sheets: Summary, Funnel, Stage KPIs, Why they drop, Retention, Value, A/B test (when there is
one), Definitions, Data quality, Events (when the view has a calendar) (:data:`SECTIONS`).
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, Literal

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from kpi import alerts, stages
from kpi.calendar import CalendarSettings
from kpi.dataset import Dataset
from kpi.errors import InputError
from kpi.export import events_sheet
from kpi.export.cells import BRAND
from kpi.export.context import Context
from kpi.export.text import say, view_text
from kpi.filters import Filters
from kpi.settings import FunnelSettings
from kpi.view import View
from kpi.words import Fact, Lang

if TYPE_CHECKING:
    from kpi.engine.view import EngineView

__all__ = [
    "MIME",
    "SECTIONS",
    "ReportOptions",
    "build_workbook",
    "file_name",
    "report_flags",
    "sheet_title",
    "write_workbook",
]

MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

#: Sheet code -> sheet title (English), in workbook order; :func:`sheet_title` in a language.
SECTIONS: dict[str, str] = {
    "summary": "Summary",
    "funnel": "Funnel",
    "stages": "Stage KPIs",
    "why": "Why they drop",
    "retention": "Retention",
    "value": "Value",
    "ab": "AB test",
    "definitions": "Definitions",
    "quality": "Data quality",
    "events": "Events",  # written when the view has a calendar (ReportOptions.calendar)
}


def sheet_title(code: str, lang: Lang = "en") -> str:
    """The name of a sheet in ``lang`` (``stages`` -> ``KPI par étape``)."""
    return say(f"export.sheet.{code}", lang)


@dataclass(frozen=True)
class ReportOptions:
    """What the workbook shows besides the filters.

    ``funnel`` defines the funnel (steps, order, window, open funnel, breakdown segment: the
    view's :class:`~kpi.settings.FunnelSettings`); the separate ``steps``/``window``/``order``/
    ``open_funnel``/``segment`` fields are the older way to say the same and are kept in step
    with it (``funnel`` wins when both are given). ``ab_result`` is what the A/B page passes;
    without it the test is computed from a ``variant`` segment when there is one.
    ``generated_at`` defaults to now (UTC); ``title`` to "Parcours summary" in ``lang``.
    ``view``: the app's computed :class:`~kpi.view.View` of this view, reused when it matches.
    ``kpi_segment``: also write the stage KPIs per value of this segment (the Stage KPIs
    page's tables) on the Stage KPIs sheet; None: not written.
    ``why_step``: the step of the "Why they drop" sheet (the Funnel page's choice, 1-based);
    None: the step that loses the largest share of its users.
    """

    steps: tuple[str, ...] | None = None
    window: timedelta | None = None
    order: Literal["sequential", "any"] = "sequential"
    open_funnel: bool = False
    segment: str | None = None
    top_n: int = 8
    cohort_grain: Literal["week", "month"] = "month"
    thresholds: alerts.Thresholds = field(default_factory=alerts.Thresholds)
    ab_result: Any = None
    title: str | None = None
    generated_at: datetime | None = None
    source_label: str | None = None
    funnel: FunnelSettings | None = None
    lang: Lang = "en"
    kpi_segment: str | None = None
    why_step: int | None = None
    year_before: bool = True  # the same period a year before on the Summary, Stage KPIs, Funnel
    view: View | None = field(default=None, compare=False, repr=False)
    calendar: CalendarSettings | None = None  # the events of the view (an Events sheet)

    def __post_init__(self) -> None:
        f = self.funnel
        if f is None:
            f = FunnelSettings(
                steps=tuple(self.steps) if self.steps else None,
                order=self.order,
                window=self.window,
                open_funnel=self.open_funnel,
                segment=self.segment,
            )
            object.__setattr__(self, "funnel", f)
        else:
            for name in ("steps", "window", "order", "open_funnel", "segment"):
                object.__setattr__(self, name, getattr(f, name))
        if self.lang not in ("en", "fr"):
            object.__setattr__(self, "lang", "en")
        if not self.year_before and self.thresholds.year_before:
            # no year before in the workbook: none in its red flags (nor the alert, the exit code)
            object.__setattr__(self, "thresholds", replace(self.thresholds, year_before=False))

    @property
    def settings(self) -> FunnelSettings:
        assert self.funnel is not None
        return self.funnel

    def heading(self) -> str:
        """The title on the Summary sheet (and in the file's properties)."""
        return self.title or say("export.title", self.lang)


def view_for(ds_full: Dataset, filters: Filters, options: ReportOptions) -> View:
    """The options' View when it is this view's, else a new one."""
    given = options.view
    if (
        given is not None
        and given.full is ds_full
        and given.matches(filters, options.settings, options.cohort_grain)
    ):
        return given
    return View(ds_full, filters, options.settings, cohort_grain=options.cohort_grain)


def report_flags(
    ds_full: Dataset,
    filters: Filters,
    *,
    options: ReportOptions | None = None,
    kpis: list[stages.Kpi] | None = None,
    previous_kpis: list[stages.Kpi] | None = None,
) -> list[alerts.RedFlag]:
    """Every red flag of the view (vs the previous period when the filters give one).

    ``kpis`` / ``previous_kpis``: the stage KPIs of the view and of the previous period when
    the caller already has them, so they are not computed twice.
    """
    options = options or ReportOptions()
    view = view_for(ds_full, filters, options)
    if kpis is not None:
        view._memo.setdefault("kpis", kpis)
    if previous_kpis is not None and view.previous is not None:
        view._memo.setdefault("prev_kpis", previous_kpis)
    return view.red_flags(options.thresholds)


def file_name(day: datetime | None = None, lang: Lang = "en") -> str:
    """parcours-summary-YYYY-MM-DD.xlsx (fr: parcours-synthese-…), UTC date."""
    stem = "parcours-synthese" if lang == "fr" else "parcours-summary"
    return f"{stem}-{(day or datetime.now(UTC)):%Y-%m-%d}.xlsx"


def _ab_functions() -> tuple[Callable[[Any], Any], Callable[[Worksheet, Any], None]]:
    """The A/B sheet's rows and writer (kpi.export.ab_sheet once moved there, else kpi.report)."""
    try:
        from kpi.export import ab_sheet  # type: ignore[attr-defined]

        return ab_sheet._ab_rows, ab_sheet._ab_sheet
    except (ImportError, AttributeError):
        from kpi import report

        return report._ab_rows, report._ab_sheet


def _writers() -> dict[str, Callable[[Worksheet, Context], None]]:
    from kpi.export import (
        definitions_sheet,
        funnel_sheet,
        quality_sheet,
        retention_sheet,
        stages_sheet,
        summary,
        value_sheet,
        why_sheet,
    )

    return {
        "summary": summary.write,
        "funnel": funnel_sheet.write,
        "stages": stages_sheet.write,
        "why": why_sheet.write,
        "retention": retention_sheet.write,
        "value": value_sheet.write,
        "ab": _ab_functions()[1],
        "definitions": definitions_sheet.write,
        "quality": quality_sheet.write,
        "events": events_sheet.write,
    }


def build_workbook(
    ds_full: Dataset,
    filters: Filters,
    *,
    options: ReportOptions | None = None,
    sections: Iterable[str] = tuple(SECTIONS),
    view: View | None = None,
) -> bytes:
    """The .xlsx bytes of the summary of ``filters`` applied to ``ds_full``.

    ``sections`` picks sheets by code (:data:`SECTIONS`); unknown codes raise InputError.
    ``view``: the computed View of this view (the app's), reused instead of computing again.
    Raises :class:`~kpi.errors.ParcoursError` subclasses for impossible options.
    """
    options = options or ReportOptions()
    if view is not None and not (
        view.full is ds_full and view.matches(filters, options.settings, options.cohort_grain)
    ):
        view = None
    return write_workbook(view or view_for(ds_full, filters, options), options, sections)


def write_workbook(
    results: View | EngineView,
    options: ReportOptions | None = None,
    sections: Iterable[str] = tuple(SECTIONS),
) -> bytes:
    """The .xlsx bytes of the summary of one computed view: a :class:`~kpi.view.View` (an
    upload) or an :class:`~kpi.engine.view.EngineView` (a table in an engine; what needs raw
    rows it does not bring back is said in the sheet). ``sections`` as :func:`build_workbook`.
    """
    options = options or ReportOptions()
    filters = results.filters
    lang = options.lang
    wanted = list(dict.fromkeys(sections))
    unknown = [s for s in wanted if s not in SECTIONS]
    if unknown:
        raise InputError(
            Fact("export.error.unknown_sheets", sheets=unknown),
            Fact("export.error.unknown_sheets_hint", sheets=list(SECTIONS)),
        )
    if not wanted:
        raise InputError(
            Fact("export.error.no_sheet"), Fact("export.error.no_sheet_hint", sheets=list(SECTIONS))
        )
    ctx = Context(results, options, lang)
    ab_rows = _ab_functions()[0]
    writers = _writers()
    wb = Workbook()
    wb.remove(wb.active)
    for code in SECTIONS:
        if code not in wanted:
            continue
        if code == "ab" and ab_rows(ctx) is None:
            continue  # no test in this data and none passed by the app: no empty sheet
        if code == "events" and not events_sheet.applies(ctx):
            continue  # no calendar for this view: no empty sheet
        ws = wb.create_sheet(sheet_title(code, lang))
        ws.sheet_properties.tabColor = BRAND if code == "summary" else None
        ws.page_setup.orientation = "landscape"
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        writers[code](ws, ctx)
    generated = options.generated_at or datetime.now(UTC)
    props = wb.properties
    props.title = options.heading()
    props.subject = say("export.props.subject", lang, view=view_text(filters, lang))
    props.creator = "Parcours"
    props.keywords = say("export.props.keywords", lang)
    props.description = say("export.props.description", lang)
    props.language = "fr-FR" if lang == "fr" else "en-US"
    props.created = generated.replace(tzinfo=None)
    props.modified = generated.replace(tzinfo=None)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
