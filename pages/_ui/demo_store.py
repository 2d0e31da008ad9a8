"""The committed demo files as read, stored next to them: ``data/demo_parsed/<file>.parquet``.

Reading the demo CSVs (gunzip, sniffing, typing every column: dates, numbers) costs about
0.3 CPU s at each server start, before the first page. Each demo file's typed table is kept
as a Parquet file whose metadata holds what the reader reported (:class:`kpi.load.LoadReport`,
as JSON) and the digest of the CSV it was read from. :func:`table_of` gives the stored table
only when that digest is the CSV's (a CSV changed without rebuilding its store is read again:
the store can never show other data than the CSV); ``tests/app/test_demo_store.py`` checks
that each stored table and report are what :func:`kpi.load.read_table` gives on the CSV today
(so a change of the reader's rules is caught too). Rebuild after changing a demo file or the
reader::

    .venv/bin/python -m pages._ui.demo_store

Only the committed demo data: an upload is always read by :func:`kpi.load.read_table`.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from pathlib import Path
from typing import Any

import polars as pl

from kpi.load import Table, read_table

ROOT = Path(__file__).resolve().parents[2]
DEMO_DIR = ROOT / "data" / "demo"
STORE_DIR = ROOT / "data" / "demo_parsed"
#: bumped when the stored form changes (a store of another version is not read)
VERSION = "1"
_META = "parcours"


def digest(data: bytes) -> str:
    """The CSV's identity, as :func:`pages._ui.state.parse` writes it."""
    return hashlib.sha256(data).hexdigest()[:16]


def store_path(source: Path) -> Path:
    return STORE_DIR / f"{source.name}.parquet"


# ---- the reader's report as JSON (dataclasses, facts, tuples) -----------------------------


def _classes() -> dict[str, type]:
    from kpi.ingest.report import LoadReport
    from kpi.ingest.values import ColumnReport

    return {c.__name__: c for c in (LoadReport, ColumnReport)}


def encode(value: Any) -> Any:
    """``value`` as JSON-ready data (raises TypeError on a type it does not know)."""
    from kpi.words import Fact

    if isinstance(value, Fact):
        return {"__fact__": value.code, "values": encode(value.values)}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        name = type(value).__name__
        if name not in _classes():
            raise TypeError(f"cannot store a {name}")
        fields = {f.name: encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
        return {"__class__": name, "fields": fields}
    if isinstance(value, tuple):
        return {"__tuple__": [encode(v) for v in value]}
    if isinstance(value, list):
        return [encode(v) for v in value]
    if isinstance(value, dict):
        if not all(isinstance(k, str) for k in value):
            raise TypeError("cannot store a mapping with keys other than text")
        return {"__dict__": {k: encode(v) for k, v in value.items()}}
    if value is None or isinstance(value, bool | int | float | str):
        return value
    raise TypeError(f"cannot store a {type(value).__name__}")


def decode(value: Any) -> Any:
    """The value :func:`encode` was given."""
    from kpi.words import Fact

    if isinstance(value, list):
        return [decode(v) for v in value]
    if not isinstance(value, dict):
        return value
    if "__fact__" in value:
        return Fact(value["__fact__"], **decode(value["values"]))
    if "__class__" in value:
        cls = _classes()[value["__class__"]]
        return cls(**{k: decode(v) for k, v in value["fields"].items()})
    if "__tuple__" in value:
        return tuple(decode(v) for v in value["__tuple__"])
    return {k: decode(v) for k, v in value["__dict__"].items()}


# ---- the store ----------------------------------------------------------------------------


def table_of(source: Path, data: bytes) -> Table | None:
    """The stored table of the demo file ``source`` (its bytes ``data``), or None when there
    is none, it was read from other bytes, or it cannot be read (then read the CSV)."""
    path = store_path(source)
    if not path.is_file():
        return None
    try:
        meta = json.loads(pl.read_parquet_metadata(path)[_META])
        if meta.get("version") != VERSION or meta.get("source") != digest(data):
            return None
        return Table(
            frame=pl.read_parquet(path),
            report=decode(meta["report"]),
            title=meta.get("title", ""),
            sheets=list(meta.get("sheets", [])),
        )
    except Exception:  # a damaged or foreign store: the CSV is the truth
        return None


def write(source: Path) -> Path:
    """Read the demo file ``source`` as an upload is read and store its table."""
    data = source.read_bytes()
    table = read_table(data, filename=source.name)
    if table.extra_tables:
        raise ValueError(f"{source.name}: a file of several tables is not stored")
    meta = {
        "version": VERSION,
        "source": digest(data),
        "report": encode(table.report),
        "title": table.title,
        "sheets": list(table.sheets),
    }
    if decode(meta["report"]) != table.report:
        raise ValueError(f"{source.name}: the report does not survive its storing")
    STORE_DIR.mkdir(exist_ok=True)
    path = store_path(source)
    table.frame.write_parquet(
        path,
        compression="zstd",
        compression_level=19,
        statistics=False,
        metadata={_META: json.dumps(meta, ensure_ascii=False)},
    )
    return path


def demo_sources() -> list[Path]:
    """The committed demo files, in the order the app reads them."""
    return [p for p in sorted(DEMO_DIR.iterdir()) if p.is_file()]


def main() -> None:
    for source in demo_sources():
        path = write(source)
        print(f"{source.name} -> {path.relative_to(ROOT)} ({path.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()
