"""The canonical Dataset every analysis reads (see DESIGN.md, "The canonical Dataset").

Tables and their canonical columns:

- ``events``: ``user_id`` (String), ``step`` (String), optional ``ts`` (Datetime, naive UTC;
  absent for a membership funnel), optional ``session_id`` (String), ``revenue`` (Float64),
  ``order_id`` (String). One row per event. Segment columns are *not* repeated here: they live
  in ``users`` (first touch) and are joined on demand with :meth:`Dataset.events_with`.
- ``users``: one row per ``user_id`` (String) with segment columns (String: ``device``,
  ``channel``, ``variant``, ``cohort``, any other), optional ``signup`` (Datetime), boolean
  outcome flags (``converted``, ``retention_7``...) and numeric metrics.
- ``spend``: ``channel`` (String), ``period`` (Date, first day), ``spend`` (Float64), optional
  ``impressions``, ``clicks`` (Float64).
- ``survey``: ``score`` (Float64), optional ``user_id``, ``ts``, segment columns.
- ``counts``: aggregated rows: segment columns, ``step`` (String), ``users`` (Int64).

Segments: ``segments`` are the columns offered by default (at most
:data:`kpi.schema.SEGMENTS_SHOWN` ranked candidates, plus ``cohort``); ``extra_segments`` are
the other candidate columns, best first, also in ``users`` and filterable ("more segments").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import polars as pl

from kpi.words import Fact


@dataclass(frozen=True)
class Source:
    """One input file as the user gave it, and what became of its rows."""

    name: str
    kind: str  # "events", "orders", "users", "wide", "spend", "survey", "counts", "steps"
    rows_read: int
    rows_kept: int
    dropped: dict[str, int] = field(default_factory=dict)
    examples: dict[str, list[str]] = field(default_factory=dict)  # up to 3 dropped rows a reason
    duplicate_rows: int = 0  # rows identical to an earlier row in every column of the file


@dataclass(frozen=True)
class Dataset:
    """Canonical tables built from one or several uploads."""

    events: pl.DataFrame
    users: pl.DataFrame
    spend: pl.DataFrame | None = None
    survey: pl.DataFrame | None = None
    counts: pl.DataFrame | None = None
    steps: tuple[str, ...] = ()
    segments: tuple[str, ...] = ()  # shown by default (the best-ranked, in the file's order)
    extra_segments: tuple[str, ...] = ()  # further candidates, ranked, offered on demand
    flags: tuple[str, ...] = ()
    sources: tuple[Source, ...] = ()
    notes: tuple[Fact | str, ...] = ()  # facts about the files (shapes, ids, cohorts)
    currency: str | None = None
    """ISO 4217 code of the amounts (``"EUR"``), None when the data does not say or names
    several currencies (those are in :attr:`currencies`)."""
    currencies: tuple[str, ...] = ()
    """Every currency the files name (currency columns, symbols in amounts), in code order."""

    @property
    def has_timestamps(self) -> bool:
        """True when events carry a usable ``ts`` column (ordered funnels, retention)."""
        return "ts" in self.events.columns and self.events["ts"].null_count() < self.events.height

    @property
    def has_revenue(self) -> bool:
        return "revenue" in self.events.columns

    def events_with(self, columns: Sequence[str] = ()) -> pl.DataFrame:
        """Events with the given user attribute columns joined on ``user_id``.

        Users with no value for a segment get ``"(none)"`` so that they still count in totals.
        """
        cols = [c for c in columns if c in self.users.columns and c not in self.events.columns]
        if not cols:
            return self.events
        attrs = self.users.select("user_id", *cols)
        joined = self.events.join(attrs, on="user_id", how="left")
        schema = joined.schema  # once: .schema rebuilds the whole mapping on every access
        return joined.with_columns(
            pl.col(c).fill_null("(none)") for c in cols if schema[c] == pl.String
        )

    def with_tables(self, **tables: object) -> Dataset:
        """A copy with some tables replaced (used by filters)."""
        return replace(self, **tables)  # type: ignore[arg-type]

    def empty_like(self) -> Dataset:
        return replace(self, events=self.events.clear(), users=self.users.clear())
