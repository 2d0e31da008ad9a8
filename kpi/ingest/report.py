"""What the reader understood about one file: :class:`LoadReport`, and the :class:`Table` read."""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

from kpi.ingest.values import (
    ColumnReport,
)
from kpi.words import Fact


@dataclass(frozen=True)
class LoadReport:
    """Everything the reader understood or guessed about one table (shown on the Data page)."""

    format: str
    encoding: str
    delimiter: str
    header_row: int | None
    rows_read: int
    rows_kept: int
    dropped: dict[str, int] = field(default_factory=dict)
    drop_examples: dict[str, list[str]] = field(default_factory=dict)
    columns: list[ColumnReport] = field(default_factory=list)
    ambiguous_dates: list[str] = field(default_factory=list)
    notes: list[Fact] = field(default_factory=list)
    warnings: list[Fact] = field(default_factory=list)
    sheet: str | None = None
    flattened: dict[str, list[str]] = field(default_factory=dict)
    """Nested source column -> the columns read from it (device -> device.category, …)."""
    summarised: dict[str, str] = field(default_factory=dict)
    """List-of-records column -> the column summarising it (items -> items.count)."""

    @property
    def epoch_units(self) -> dict[str, str]:
        """Columns read from epoch numbers -> their unit ("s", "ms", "us" or "ns")."""
        return {c.name: c.epoch_unit for c in self.columns if c.epoch_unit}

    @property
    def currencies(self) -> tuple[str, ...]:
        """ISO 4217 codes of the currency symbols written in the file's amounts (``12,50 €``)."""
        return tuple(sorted({code for c in self.columns for code in c.currencies}))


@dataclass(frozen=True)
class Table:
    """A typed table, its report, other tables found in the same file, and the workbook sheets."""

    frame: pl.DataFrame
    report: LoadReport
    title: str = ""
    extra_tables: list[Table] = field(default_factory=list)
    sheets: list[str] = field(default_factory=list)
