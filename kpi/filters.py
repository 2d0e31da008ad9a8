"""The view state as a small object: date range + segment values -> polars filters + a fact.

Modelled on Datasette's ``filters.py``: the URL holds the view (the app binds each widget to a
query parameter); :class:`Filters` turns it into expressions on the canonical tables and into
a fact saying which view it is (``device: mobile; Sep 1, 2025 to Sep 30, 2025``), rendered in
the reader's language by :mod:`kpi.words` (words in ``kpi/words/catalogue/filters.py``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Literal

import polars as pl

from kpi.dataset import Dataset
from kpi.segments import NONE, OTHER
from kpi.words import Fact, Lang, render

MAIN_SEGMENTS = ("device", "channel", "cohort", "variant")


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

    def user_mask(self, users: pl.DataFrame) -> pl.Series:
        """For each row of ``users``, True when it is in the segment filters (what
        :meth:`apply` keeps of a users table), one value per row."""
        mask = users.select(self._segment_expr(users.columns).alias("_in")).to_series()
        if mask.len() != users.height:  # no filter on a users column: a single literal
            mask = pl.Series("_in", [bool(mask[0]) if mask.len() else True] * users.height)
        return mask

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

    def fact(self) -> Fact:
        """The view as a fact: ``device: mobile and channel: email or social; Sep 1, 2025 to
        Sep 30, 2025`` (``filters.view.*``); segment values stay text."""
        segments = [
            Fact("filters.segment", segment=segment_name(col), values=[value_word(v) for v in vals])
            for col, vals in self.active_segments.items()
        ]
        period = period_fact(self.start, self.end)
        if segments and period is not None:
            return Fact("filters.view.segments_period", segments=segments, period=period)
        if segments:
            return Fact("filters.view.segments", segments=segments)
        if period is not None:
            return Fact("filters.view.period", period=period)
        return Fact("filters.view.all")

    def describe(self, lang: Lang = "en", *, markdown: bool = False) -> str:
        """:meth:`fact` rendered in ``lang`` (plain text unless ``markdown``)."""
        return render(self.fact(), lang, markdown=markdown)


def segment_name(segment: str) -> Fact | str:
    """A segment's name inside a sentence: the four main segments in words (``appareil``),
    any other column as the user typed it."""
    return Fact(f"filters.name.{segment}") if segment in MAIN_SEGMENTS else segment


def segment_label(segment: str) -> Fact | str:
    """A segment filter's label: the four main segments in words (``Appareil``), any other
    column as the user typed it."""
    return Fact(f"filters.label.{segment}") if segment in MAIN_SEGMENTS else segment


def value_word(value: str) -> Fact | str:
    """A segment value as shown to a person: the neutral ``(none)`` and ``Other`` in words, any
    other value as it is in the data (text)."""
    if value == NONE:
        return Fact("common.none")
    if value == OTHER:
        return Fact("common.other")
    return str(value)


def period_fact(start: date | None, end: date | None) -> Fact | None:
    """``Sep 1, 2025 to Sep 30, 2025`` (or from / until one day); None without a bound."""
    if start is not None and end is not None:
        return Fact("filters.period.range", start=start, end=end)
    if start is not None:
        return Fact("filters.period.from", start=start)
    if end is not None:
        return Fact("filters.period.until", end=end)
    return None


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


# ---------------------------------------------------------------- the view a shared link asks for

PERIOD_PARAM = "period"
MORE_SEGMENTS_PARAM = "more_segments"


def segment_param(segment: str) -> str:
    """URL parameter of a segment filter: ``device`` for the four main segments
    (``?device=mobile``), ``seg_<name>`` for other columns of the user's data, so that a column
    named like an app setting (``period``, ``upload``…) cannot collide with it."""
    return segment if segment in MAIN_SEGMENTS else f"seg_{segment}"


@dataclass(frozen=True)
class RequestedView:
    """The filters a link asks for, as written in its URL (before the data is consulted)."""

    segments: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    more_segments: tuple[str, ...] = ()
    period: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.segments or self.more_segments or self.period)


def requested_view(params: Mapping[str, Sequence[str]]) -> RequestedView:
    """Read the filter parameters of a URL's query string (every value of each key)."""
    segments: dict[str, tuple[str, ...]] = {}
    for key, values in params.items():
        vals = tuple(str(v) for v in values if str(v) != "")
        if not vals:
            continue
        if key in MAIN_SEGMENTS:
            segments[key] = vals
        elif key.startswith("seg_") and len(key) > 4:
            segments[key[4:]] = vals
    more = tuple(str(v) for v in params.get(MORE_SEGMENTS_PARAM, ()) if str(v) != "")
    period = tuple(str(v) for v in params.get(PERIOD_PARAM, ()) if str(v) != "")
    return RequestedView(segments=segments, more_segments=more, period=period)


MismatchReason = Literal[
    "no_column",
    "no_value",
    "period_outside",
    "period_partly_outside",
    "period_unreadable",
    "no_dates",
]


@dataclass(frozen=True)
class LinkMismatch:
    """A filter of a link that the current data cannot apply as asked.

    ``filter`` is a segment name or ``"period"``. ``requested`` are the link's values (ISO dates
    for the period), ``missing`` those the data does not have, ``applied`` what the view uses
    instead: the values kept, or the period's first and last day; empty = no filter at all.
    ``covered`` is the part of a link's period that the data has (first and last day).
    """

    filter: str
    reason: MismatchReason
    requested: tuple[str, ...]
    missing: tuple[str, ...]
    applied: tuple[str, ...] = ()
    covered: tuple[str, ...] = ()

    def fact(self) -> Fact:
        """What the link asked, what this data lacks and what the view shows instead, as a fact
        (``filters.link.*``): the link's values stay text, its readable dates become dates."""
        segment = segment_name(self.filter)
        if self.reason == "no_value":
            missing = [_bold(v) for v in self.missing]
            values = {"segment": segment, "missing": missing, "n": len(self.missing)}
            if self.applied:
                applied = [_bold(v) for v in self.applied]
                return Fact("filters.link.no_value.kept", applied=applied, **values)
            return Fact("filters.link.no_value.every", **values)
        if self.reason == "no_column":
            if not self.requested:
                return Fact("filters.link.no_column.added", segment=segment)
            requested = [_bold(v) for v in self.requested]
            return Fact("filters.link.no_column", segment=segment, requested=requested)
        asked = _period_of(self.requested)
        if self.reason == "no_dates":
            return Fact("filters.link.no_dates", asked=asked)
        shown = _period_of(self.applied)
        if self.reason == "period_unreadable":
            return Fact("filters.link.period_unreadable", asked=asked, shown=shown)
        if self.reason == "period_outside":
            return Fact("filters.link.period_outside", asked=asked, shown=shown)
        covered = _period_of(self.covered)
        return Fact("filters.link.period_partly_outside", asked=asked, shown=shown, covered=covered)


def _bold(value: str) -> Fact:
    return Fact("filters.value", value=value_word(value))


def _period_of(values: Sequence[str]) -> Fact:
    """A link's period values as dates when they read as a range, else as the text typed."""
    days = [_parse_day(v) for v in values]
    if 1 <= len(days) <= 2 and all(d is not None for d in days):
        start, end = days[0], days[-1] if len(days) == 2 else None
        if end is None or start <= end:  # type: ignore[operator]
            return period_fact(start, end)  # type: ignore[return-value]
    return Fact("filters.period.raw", values=[str(v) for v in values])


def _parse_day(text: str) -> date | None:
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        return None


def link_period(
    requested: Sequence[str], bounds: tuple[date, date] | None
) -> tuple[tuple[date, date] | None, LinkMismatch | None]:
    """The period a link's ``period`` values give on this data, and what differs from the link.

    One value means "from that day to the end of the data", as the date widget reads it. A
    period the data does not cover entirely, or that cannot be read, gives the whole period
    (None), as the date widget does; for a period that overlaps the data, ``covered`` says
    which of its days the data has.
    """
    req = tuple(requested)
    if not req:
        return None, None
    if bounds is None:
        return None, LinkMismatch("period", "no_dates", req, req)
    lo, hi = bounds
    whole = (lo.isoformat(), hi.isoformat())
    days = [_parse_day(v) for v in req[:2]]
    if len(req) > 2 or any(d is None for d in days):
        return None, LinkMismatch("period", "period_unreadable", req, req, whole)
    start = days[0]
    end = days[1] if len(days) == 2 else hi
    assert start is not None and end is not None
    if end < start:
        return None, LinkMismatch("period", "period_unreadable", req, req, whole)
    if start >= lo and end <= hi:
        return (start, end), None
    if end < lo or start > hi:
        return None, LinkMismatch("period", "period_outside", req, req, whole)
    outside = tuple(
        v for v, d in zip(req, days, strict=False) if d is not None and not lo <= d <= hi
    )
    covered = (max(start, lo).isoformat(), min(end, hi).isoformat())
    return None, LinkMismatch("period", "period_partly_outside", req, outside, whole, covered)


def link_mismatches(
    requested: RequestedView,
    available: Mapping[str, Sequence[str]],
    bounds: tuple[date, date] | None = None,
) -> list[LinkMismatch]:
    """Every filter of a link that this data cannot apply as asked, in the link's order.

    ``available`` maps each segment the data has to the values a filter can take; ``bounds``
    is the data's first and last day (:func:`date_bounds`).
    """
    out: list[LinkMismatch] = []
    _, period = link_period(requested.period, bounds)
    if period is not None:
        out.append(period)
    for segment, values in requested.segments.items():
        if segment not in available:
            out.append(LinkMismatch(segment, "no_column", values, values))
            continue
        known = {str(v) for v in available[segment]}
        missing = tuple(v for v in values if v not in known)
        if missing:
            kept = tuple(v for v in values if v in known)
            out.append(LinkMismatch(segment, "no_value", values, missing, kept))
    for segment in requested.more_segments:
        if segment not in available and segment not in requested.segments:
            out.append(LinkMismatch(segment, "no_column", (), ()))
    return out
