"""Reading a small calendar file (CSV or xlsx) into events, every messy row counted.

Columns (English or French headers, any case, accents optional): ``date`` for one-day events,
or ``start`` / ``end`` (``début`` / ``fin``) for ranges (an empty end is a one-day event);
``label`` (``libellé``, ``nom``, ``événement``); ``kind`` (``type``, ``catégorie``), optional.
Dates as ``2025-11-28`` or day first, ``28/11/2025`` (also ``28-11-2025``, ``28.11.2025``).

A row is dropped, with its reason counted, when its date cannot be read, its label is empty, it
ends before it starts, or it repeats a row above. An unknown or empty kind is kept as ``other``
and counted too.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from kpi.calendar.event import KINDS, Event, Kind
from kpi.errors import SchemaError, UnreadableFileError
from kpi.words import Fact

__all__ = ["MAX_EVENTS", "EventFile", "kind_of", "parse_day", "read_events"]

#: a calendar longer than this is not a calendar of events (a data file uploaded by mistake)
MAX_EVENTS = 5000

_COLUMNS: dict[str, tuple[str, ...]] = {
    "date": ("date", "day", "jour"),
    "start": ("start", "start date", "from", "begin", "debut", "date debut", "date de debut", "du"),
    "end": ("end", "end date", "to", "until", "fin", "date fin", "date de fin", "au"),
    "label": (
        "label",
        "name",
        "event",
        "title",
        "description",
        "libelle",
        "nom",
        "evenement",
        "titre",
        "intitule",
    ),
    "kind": ("kind", "type", "category", "categorie", "nature"),
}

_KINDS: dict[str, Kind] = {
    **{k: k for k in KINDS},
    "promo": "promotion",
    "promotions": "promotion",
    "sale": "promotion",
    "sales": "promotion",
    "soldes": "promotion",
    "campaign": "promotion",
    "campagne": "promotion",
    "offre": "promotion",
    "holidays": "holiday",
    "public holiday": "holiday",
    "ferie": "holiday",
    "jour ferie": "holiday",
    "vacances": "holiday",
    "conge": "holiday",
    "fete": "holiday",
    "launch": "release",
    "lancement": "release",
    "version": "release",
    "mise en production": "release",
    "mep": "release",
    "sortie": "release",
    "deploiement": "release",
    "outage": "incident",
    "panne": "incident",
    "bug": "incident",
    "autre": "other",
}

_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%y", "%Y/%m/%d")


def _plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", str(text))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.lower().replace("_", " ").replace("-", " ").split())


def kind_of(text: str | None) -> Kind | None:
    """The kind a cell names (English or French, any case), None when unknown or empty."""
    if text is None or not str(text).strip():
        return None
    return _KINDS.get(_plain(text))


def parse_day(value: object) -> dt.date | None:
    """A day from a cell: a date, a datetime, ISO text or day-first text; None otherwise."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if value is None:
        return None
    text = str(value).strip()
    if not text:
        return None
    if len(text) > 10 and text[4:5] == "-" and text[10:11] in ("T", " "):
        text = text[:10]
    for pattern in _FORMATS:
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


@dataclass(frozen=True)
class EventFile:
    """The events read, ``rows_read``, ``dropped`` (reason code -> rows) and ``notes`` (facts
    about rows kept with a change, e.g. an unknown kind kept as ``other``)."""

    events: tuple[Event, ...]
    rows_read: int
    dropped: dict[str, int] = field(default_factory=dict)
    notes: tuple[Fact, ...] = ()

    def facts(self) -> list[Fact]:
        """What the reading did, as facts for the page and the command line."""
        out = [Fact("calendar.read.summary", kept=len(self.events), read=self.rows_read)]
        out += [Fact(f"calendar.read.dropped.{reason}", rows=n) for reason, n in self.dropped.items()]  # fmt: skip
        return out + list(self.notes)


def _find(columns: list[str]) -> dict[str, str]:
    plain = {_plain(c): c for c in columns}
    found: dict[str, str] = {}
    for role, names in _COLUMNS.items():
        for name in names:
            if name in plain:
                found[role] = plain[name]
                break
    return found


def read_events(source: bytes | str | Path, *, filename: str | None = None) -> EventFile:
    """The events of a calendar file; raises :class:`SchemaError` when it has no date or no
    label column (what the columns should be is in the message)."""
    from kpi.load import read_table

    name = filename or (Path(source).name if isinstance(source, str | Path) else "events.csv")
    frame = read_table(source, filename=name).frame
    found = _find(frame.columns)
    has_dates = "date" in found or "start" in found
    if not has_dates or "label" not in found:
        raise SchemaError(
            Fact("calendar.error.columns", columns=[str(c) for c in frame.columns]),
            Fact("calendar.hint.columns"),
        )
    if frame.height > MAX_EVENTS:
        raise UnreadableFileError(
            Fact("calendar.error.too_many", rows=frame.height, limit=MAX_EVENTS),
            Fact("calendar.hint.too_many"),
        )
    start_col = found.get("start", found.get("date"))
    end_col = found.get("end")
    kind_col = found.get("kind")

    def column(col: str | None) -> list[object]:
        return frame.get_column(col).to_list() if col else [None] * frame.height

    dropped: dict[str, int] = {}
    unknown_kinds = 0
    events: list[Event] = []
    seen: set[tuple] = set()
    rows = zip(
        column(start_col), column(end_col), column(found["label"]), column(kind_col), strict=True
    )
    for start_cell, end_cell, label_cell, kind_cell in rows:
        start = parse_day(start_cell)
        end = parse_day(end_cell) if end_cell not in (None, "") else start
        label = "" if label_cell is None else " ".join(str(label_cell).split())
        if start is None or end is None:
            reason = "no_date"
        elif not label:
            reason = "no_label"
        elif end < start:
            reason = "end_before_start"
        else:
            reason = ""
        if reason:
            dropped[reason] = dropped.get(reason, 0) + 1
            continue
        kind = kind_of(None if kind_cell is None else str(kind_cell))
        if kind is None:
            unknown_kinds += 1
            kind = "other"
        event = Event(start, end, label, kind, "file")  # type: ignore[arg-type]
        if event.key() in seen:
            dropped["duplicate"] = dropped.get("duplicate", 0) + 1
            continue
        seen.add(event.key())
        events.append(event)
    notes = (Fact("calendar.read.kind_other", rows=unknown_kinds),) if unknown_kinds else ()
    return EventFile(tuple(events), frame.height, dropped, notes)
