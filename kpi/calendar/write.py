"""Events out: a table for the page and the workbook, and a CSV the reader reads back."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

import polars as pl

from kpi.calendar.event import Event
from kpi.words import Fact, Lang, render

__all__ = ["label_text", "table", "to_csv"]


def label_text(event: Event, lang: Lang) -> str:
    """The event's label in ``lang`` (a typed label as typed)."""
    return render(event.label, lang) if isinstance(event.label, Fact) else str(event.label)


def table(events: Sequence[Event], lang: Lang) -> pl.DataFrame:
    """``start``, ``end`` (dates), ``label`` (in ``lang``), ``kind``, ``source`` (neutral
    codes), one row per event."""
    return pl.DataFrame(
        {
            "start": [e.start for e in events],
            "end": [e.end for e in events],
            "label": [label_text(e, lang) for e in events],
            "kind": [e.kind for e in events],
            "source": [e.source for e in events],
        },
        schema={
            "start": pl.Date,
            "end": pl.Date,
            "label": pl.String,
            "kind": pl.String,
            "source": pl.String,
        },
    )


def to_csv(events: Sequence[Event], lang: Lang = "en") -> bytes:
    """A UTF-8 CSV with ``start,end,label,kind`` (ISO dates, neutral kinds): the format
    :func:`kpi.calendar.read.read_events` reads, so a downloaded calendar uploads again."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["start", "end", "label", "kind"])
    for e in events:
        writer.writerow([e.start.isoformat(), e.end.isoformat(), label_text(e, lang), e.kind])
    return out.getvalue().encode("utf-8")
