"""The Excel summary's import path: :mod:`kpi.export` holds the workbook, one module per sheet.

``kpi.report.build_workbook``, ``ReportOptions``, ``SECTIONS``, ``MIME``, ``file_name``,
``report_flags`` and ``window_text`` are re-exported from :mod:`kpi.export.workbook` and
:mod:`kpi.export.text` so that ``from kpi.report import …`` keeps working. The A/B sheet's
functions (``_ab_rows`` … ``_ab_sheet``) still live here until they move to
``kpi/export/ab_sheet.py``; the workbook finds them in either place.
"""

from __future__ import annotations

from typing import Any

from openpyxl.worksheet.worksheet import Worksheet

from kpi.export.context import Context
from kpi.export.summary import HEADLINE, LOWER_IS_BETTER
from kpi.export.text import window_text
from kpi.export.workbook import (
    MIME,
    SECTIONS,
    ReportOptions,
    build_workbook,
    file_name,
    report_flags,
    sheet_title,
)

__all__ = [
    "HEADLINE",
    "LOWER_IS_BETTER",
    "MIME",
    "SECTIONS",
    "ReportOptions",
    "build_workbook",
    "file_name",
    "report_flags",
    "sheet_title",
    "window_text",
]

#: What the sheet writers receive (was the report's own context): the View, options, language.
_Context = Context


# =========================================================================== A/B test


def _ab_rows(ctx: _Context) -> Any:
    """The typed A/B analysis of the view (None: no test), computed once per workbook."""
    from kpi.export.ab_sheet import ab_analysis

    return ctx.memo("ab", lambda: ab_analysis(ctx))


def _ab_sheet(ws: Worksheet, ctx: _Context) -> None:
    from kpi.export.ab_sheet import write_ab_sheet

    write_ab_sheet(ws, _ab_rows(ctx), ctx)
