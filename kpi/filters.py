"""The view state as a small object: date range + segment values -> polars filters + a sentence.

Modelled on Datasette's ``filters.py``: the URL holds the view (the app binds each widget to a
query parameter); :class:`Filters` turns it into expressions on the canonical tables and into
a human description ("mobile users from paid_search, 2025-09-01 to 2025-09-30").
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

import polars as pl

from kpi.dataset import Dataset


@dataclass(frozen=True)
class Filters:
    """Inclusive date range (on event time, else on signup) and allowed values per segment."""

    start: date | None = None
    end: date | None = None
    segments: Mapping[str, Sequence[str]] = field(default_factory=dict)

    @property
    def active_segments(self) -> dict[str, tuple[str, ...]]:
        return {k: tuple(v) for k, v in self.segments.items() if v}

    def key(self) -> tuple:
        """Hashable identity, for caches."""
        return (self.start, self.end, tuple(sorted(self.active_segments.items())))

    def previous(self) -> Filters | None:
        """The period just before this one: the same number of whole calendar months when the
        range is whole months (November -> October 1-31), else the same number of days."""
        if self.start is None or self.end is None:
            return None
        months = _whole_months(self.start, self.end)
        if months:
            y, m = divmod(self.start.year * 12 + self.start.month - 1 - months, 12)
            return replace(self, start=date(y, m + 1, 1), end=self.start - timedelta(days=1))
        days = (self.end - self.start).days + 1
        return replace(
            self, start=self.start - timedelta(days=days), end=self.start - timedelta(days=1)
        )

    def _segment_expr(self, columns: Sequence[str]) -> pl.Expr:
        expr = pl.lit(True)
        for col, values in self.active_segments.items():
            if col in columns:
                expr &= pl.col(col).cast(pl.String).fill_null("(none)").is_in(list(values))
        return expr

    def _date_expr(self, col: str) -> pl.Expr:
        expr = pl.lit(True)
        if self.start is not None:
            expr &= pl.col(col) >= datetime.combine(self.start, datetime.min.time())
        if self.end is not None:
            expr &= pl.col(col) < datetime.combine(
                self.end + timedelta(days=1), datetime.min.time()
            )
        return expr

    def apply(self, ds: Dataset) -> Dataset:
        """The dataset restricted to the view: users by segment, events/survey by date."""
        users = ds.users.filter(self._segment_expr(ds.users.columns))
        events = ds.events
        dated = self.start is not None or self.end is not None
        if dated and ds.has_timestamps:
            events = events.filter(self._date_expr("ts"))
        elif dated and "signup" in users.columns:
            users = users.filter(self._date_expr("signup"))
        if self.active_segments or (dated and not ds.has_timestamps):
            events = events.join(users.select("user_id"), on="user_id", how="semi")
        if dated and ds.has_timestamps and ds.events.height:
            users = users.join(events.select("user_id").unique(), on="user_id", how="semi")
        survey = ds.survey
        if survey is not None:
            survey = survey.filter(self._segment_expr(survey.columns))
            if dated and "ts" in survey.columns:
                survey = survey.filter(self._date_expr("ts"))
        spend = ds.spend
        if spend is not None:
            spend = spend.filter(self._segment_expr(["channel"]))
            if dated and "period" in spend.columns:
                start = self.start.replace(day=1) if self.start else None
                if start is not None:
                    spend = spend.filter(pl.col("period") >= start)
                if self.end is not None:
                    spend = spend.filter(pl.col("period") <= self.end)
        counts = ds.counts
        if counts is not None:
            counts = counts.filter(self._segment_expr(counts.columns))
            if dated and "ts" in counts.columns:
                counts = counts.filter(self._date_expr("ts"))
        return ds.with_tables(events=events, users=users, survey=survey, spend=spend, counts=counts)

    def describe(self) -> str:
        """The view in words: 'device: mobile; channel: paid_search, email; 2025-09-01 to ...'."""
        parts = [f"{col}: {', '.join(vals)}" for col, vals in self.active_segments.items()]
        if self.start or self.end:
            parts.append(f"{self.start or 'start'} to {self.end or 'end'}")
        return "; ".join(parts) if parts else "all users, whole period"


def _whole_months(start: date, end: date) -> int:
    """How many calendar months [start, end] covers exactly (0 when not whole months)."""
    after_end = end + timedelta(days=1)
    if start.day != 1 or after_end.day != 1:
        return 0
    return (after_end.year - start.year) * 12 + after_end.month - start.month


def date_bounds(ds: Dataset) -> tuple[date, date] | None:
    """First and last day covered by the data (events, else signup dates)."""
    if ds.has_timestamps:
        s = ds.events["ts"]
    elif "signup" in ds.users.columns:
        s = ds.users["signup"]
    elif ds.counts is not None and "ts" in ds.counts.columns:
        s = ds.counts["ts"]  # aggregated rows with a date (GA4 exports per day)
    else:
        return None
    lo, hi = s.min(), s.max()
    if lo is None or hi is None:
        return None
    return lo.date(), hi.date()  # type: ignore[union-attr]
