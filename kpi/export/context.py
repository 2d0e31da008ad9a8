"""What each sheet writer receives: the view's computed results, the options, the language.

The results are a :class:`kpi.view.View` (an upload, on polars) or a
:class:`kpi.engine.view.EngineView` (a table in an engine: only aggregates come back). Both
give the same names the sheets read (``filters``, ``previous_filters``, ``previous``,
``steps``, ``segment``, ``window``, ``kpis()``, ``previous_kpis()``, ``funnel()``,
``retention()``, ``red_flags()``, ``memo()``); what only a View holds (the filtered Dataset,
``ctx.view``) is read through the accessors below, which give the engine's counts for an
EngineView. A sheet that needs rows an engine table does not hold (ad spend, survey
answers) says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from kpi.view import View
from kpi.words import Lang

if TYPE_CHECKING:
    from kpi.engine.view import EngineView
    from kpi.export.workbook import ReportOptions

__all__ = [
    "Context",
    "currency_of",
    "data_bounds",
    "data_notes",
    "has_events",
    "is_engine",
    "source_rows",
    "view_size",
    "view_timed",
]


@dataclass
class Context:
    """``results`` (one :class:`~kpi.view.View`, shared with the app's pages, or an
    :class:`~kpi.engine.view.EngineView`), ``options`` and ``lang``. Attributes of the
    results read through: ``ctx.view`` (a View's filtered Dataset), ``ctx.full``,
    ``ctx.steps``, ``ctx.segment``, ``ctx.kpis()``, ``ctx.memo(...)``…"""

    results: View | EngineView
    options: ReportOptions
    lang: Lang = "en"

    def __getattr__(self, name: str) -> Any:
        if name in ("results", "options", "lang"):  # not set yet (copy, unpickling)
            raise AttributeError(name)
        return getattr(self.results, name)

    def flags(self) -> list[Any]:
        """The red flags of the view for the options' thresholds."""
        return self.results.red_flags(self.options.thresholds)


def is_engine(ctx: Context) -> bool:
    """True when the results come from an engine table (an EngineView)."""
    return bool(getattr(ctx.results, "engine", False))


def view_size(ctx: Context) -> tuple[int, int]:
    """(users, events) of the view."""
    if is_engine(ctx):
        return ctx.results.size()  # type: ignore[union-attr]
    return ctx.view.users.height, ctx.view.events.height


def has_events(ctx: Context) -> bool:
    """True when the view has events (with a step)."""
    if is_engine(ctx):
        return bool(view_size(ctx)[1])
    ev = ctx.view.events
    return "step" in ev.columns and ev.height > 0


def view_timed(ctx: Context) -> bool:
    """True when the view's events carry timestamps."""
    if is_engine(ctx):
        return bool(ctx.results.has_timestamps)
    return bool(ctx.view.has_timestamps)


def data_bounds(ctx: Context) -> tuple[date, date] | None:
    """First and last day covered by the data (:func:`kpi.filters.date_bounds`)."""
    if is_engine(ctx):
        return ctx.results.bounds()  # type: ignore[union-attr]
    from kpi.filters import date_bounds

    return date_bounds(ctx.full)


def source_rows(ctx: Context) -> list[tuple[str, str, int, int, dict[str, int]]]:
    """(name, kind, rows read, rows kept, rows dropped per reason) of each source."""
    sources = ctx.results.sources() if is_engine(ctx) else ctx.full.sources  # type: ignore[union-attr]
    return [(s.name, s.kind, s.rows_read, s.rows_kept, dict(s.dropped)) for s in sources]


def data_notes(ctx: Context) -> tuple[Any, ...]:
    """The data's notes (facts) written under the sources."""
    if is_engine(ctx):
        return ctx.results.notes()  # type: ignore[union-attr]
    return tuple(ctx.full.notes)


def currency_of(ctx: Context) -> str | None:
    """The data's currency when it says one (``Dataset.currency``), else None."""
    if is_engine(ctx):
        return None
    return getattr(ctx.full, "currency", None) or None
