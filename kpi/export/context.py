"""What each sheet writer receives: the view's computed results, the options, the language."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from kpi.view import View
from kpi.words import Lang

if TYPE_CHECKING:
    from kpi.export.workbook import ReportOptions

__all__ = ["Context"]


@dataclass
class Context:
    """``results`` (one :class:`~kpi.view.View`, shared with the app's pages), ``options`` and
    ``lang``. Attributes of the View read through: ``ctx.view`` (the filtered Dataset),
    ``ctx.full``, ``ctx.steps``, ``ctx.segment``, ``ctx.kpis()``, ``ctx.memo(...)``…"""

    results: View
    options: ReportOptions
    lang: Lang = "en"

    def __getattr__(self, name: str) -> Any:
        if name in ("results", "options", "lang"):  # not set yet (copy, unpickling)
            raise AttributeError(name)
        return getattr(self.results, name)

    def flags(self) -> list[Any]:
        """The red flags of the view for the options' thresholds."""
        return self.results.red_flags(self.options.thresholds)


def currency_of(ctx: Context) -> str | None:
    """The data's currency when it says one (``Dataset.currency``), else None."""
    return getattr(ctx.full, "currency", None) or None
