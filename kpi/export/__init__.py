"""The Excel summary of a view, one module per concept.

- :mod:`kpi.export.workbook`: :func:`build_workbook`, :class:`ReportOptions`, the sheet list
  (:data:`SECTIONS`), the file name and MIME type.
- one module per sheet: :mod:`~kpi.export.summary`, :mod:`~kpi.export.funnel_sheet`,
  :mod:`~kpi.export.stages_sheet`, :mod:`~kpi.export.retention_sheet`,
  :mod:`~kpi.export.value_sheet`, :mod:`~kpi.export.definitions_sheet`,
  :mod:`~kpi.export.quality_sheet` (the A/B sheet: :mod:`kpi.report` until it moves).
- :mod:`kpi.export.cells`: safe, formatted cell writing (text stays text, never a formula).
- :mod:`kpi.export.text`: the workbook's words in the view's language (facts rendered).
- :mod:`kpi.export.context`: what each sheet receives (the computed :class:`kpi.view.View`,
  the options, the language).

The results come from one :class:`kpi.view.View`, the one the app's pages read.
"""

from __future__ import annotations

from typing import Any

__all__ = ["MIME", "SECTIONS", "ReportOptions", "build_workbook", "file_name"]


def __getattr__(name: str) -> Any:  # lazy: ``kpi.export.cells`` alone stays light
    if name in __all__:
        from kpi.export import workbook

        return getattr(workbook, name)
    raise AttributeError(name)
