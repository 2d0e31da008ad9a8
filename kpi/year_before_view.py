"""The same period a year before, on a view: computed as the view itself is.

:class:`YearBeforeResults` is mixed into :class:`kpi.view.View` and
:class:`kpi.engine.view.EngineView`. The year-before period of a view is a view of its own
(the view's segments and analysis settings, the period of :func:`kpi.year_before.year_before`),
made once and kept on the view (``memo``): for an upload it shares the view's period cache, so
its stage KPIs and funnel come from the same per-period facts and funnel progress as any other
period's; for a connected table its aggregates are run in the engine as the view's are. The
page, the red flags and the workbook all read the same one.

When the data does not cover the year before (no period chosen, no dates, data starting after
or inside it, no events there in the view's segments) :meth:`year_before_coverage` says why
(:class:`kpi.year_before.Coverage`, a fact) and the year-before results are None: never a 0.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import polars as pl

from kpi.errors import ParcoursError
from kpi.filters import Filters
from kpi.year_before import Coverage, coverage, year_before_filters

__all__ = ["YearBeforeResults"]


class YearBeforeResults:
    """The year-before results of a view (a mixin: the view gives ``filters``, ``memo``,
    ``kpis``, ``funnel``, ``previous_kpis``)."""

    filters: Filters

    def memo(self, key: str, fn: Any) -> Any:  # pragma: no cover - the view's own
        raise NotImplementedError

    @property
    def year_before_filters(self) -> Filters | None:
        """The view's filters with the period moved to the same period a year before."""
        return year_before_filters(self.filters)

    def _data_bounds(self) -> tuple[date, date] | None:
        if getattr(self, "engine", False):
            return self.bounds()  # type: ignore[attr-defined]
        from kpi.filters import date_bounds

        return self.memo("data_bounds", lambda: date_bounds(self.full))  # type: ignore[attr-defined]

    def _year_before_child(self, f: Filters) -> Any:
        """A view of ``f`` made like this one (same data, settings, caches)."""
        if getattr(self, "engine", False):
            return type(self)(
                self.table,  # type: ignore[attr-defined]
                f,
                self.settings,  # type: ignore[attr-defined]
                self.cohort_grain,  # type: ignore[attr-defined]
                raw=self.raw,  # type: ignore[attr-defined]
            )
        return type(self)(
            self.full,  # type: ignore[attr-defined]
            f,
            self.settings,  # type: ignore[attr-defined]
            cohort_grain=self.cohort_grain,  # type: ignore[attr-defined]
            loader=self.loader,  # type: ignore[attr-defined]
            period_cache=self.period_cache,  # type: ignore[attr-defined]
        )

    @staticmethod
    def _has_events(child: Any) -> bool:
        if getattr(child, "engine", False):
            return bool(child.size()[1])
        return bool(child.view.events.height)

    def year_before_coverage(self) -> Coverage:
        """Whether the year before can be compared, and why not (``Coverage.fact()``)."""

        def compute() -> Coverage:
            found = coverage(self.filters, self._data_bounds())
            if not found.available:
                return found
            assert found.filters is not None
            try:
                child = self._year_before_child(found.filters)
                events = self._has_events(child)
            except ParcoursError:
                events = False
            if not events:
                return coverage(self.filters, self._data_bounds(), has_events=False)
            self._memo["year_before_view"] = child  # type: ignore[attr-defined]
            return found

        return self.memo("year_before_coverage", compute)

    def year_before_view(self) -> Any:
        """The view of the same period a year before (a View, or an EngineView), None when
        the data does not cover it."""
        if not self.year_before_coverage().available:
            return None
        return self._memo.get("year_before_view")  # type: ignore[attr-defined]

    def year_before_kpis(self, *, strict: bool = False) -> list[Any] | None:
        """The stage KPIs of the same period a year before, None when not covered."""
        child = self.year_before_view()
        return None if child is None else child.kpis(strict=strict)

    def year_before_funnel(self) -> pl.DataFrame | None:
        """The funnel of the same period a year before (the view's steps and settings), None
        when not covered or without a funnel."""
        child = self.year_before_view()
        return None if child is None else child.funnel()

    def year_before_funnel_by(self, segment: str, **kwargs: Any) -> pl.DataFrame | None:
        """The year before's funnel by ``segment`` (the view's ``funnel_by`` arguments)."""
        child = self.year_before_view()
        return None if child is None else child.funnel_by(segment, **kwargs)

    def two_periods(self, *, alpha: float = 0.05, strict: bool = False) -> pl.DataFrame:
        """The stage KPIs against the previous period and the same period a year before
        (:func:`kpi.journey.two_periods.compare_two`), computed once per view."""
        from kpi.journey.two_periods import compare_two

        def compute() -> pl.DataFrame:
            kpis = self.kpis(strict=strict)  # type: ignore[attr-defined]
            prev = self.previous_kpis()  # type: ignore[attr-defined]
            yb = self.year_before_kpis()
            return compare_two(kpis, prev, yb, alpha=alpha)

        return self.memo(f"two_periods|{alpha}", compute)

    def year_before_steps(self, *, alpha: float = 0.05) -> pl.DataFrame | None:
        """Each funnel step now against the same period a year before
        (:func:`kpi.funnel.compare_periods`: users, conversion, change, two-proportion test),
        None without both funnels."""
        from kpi import funnel

        def compute() -> pl.DataFrame | None:
            now = self.funnel()  # type: ignore[attr-defined]
            before = self.year_before_funnel()
            if now is None or before is None:
                return None
            base = ["step", "users", "conversion", "step_conversion"]
            try:
                return funnel.compare_periods(now.select(base), before.select(base), alpha=alpha)
            except ParcoursError:
                return None

        return self.memo(f"year_before_steps|{alpha}", compute)
