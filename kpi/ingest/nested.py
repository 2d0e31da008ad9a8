"""Nested records (Parquet, JSON) flattened into plain columns with readable dotted names.

Rules, applied to every column of a frame (one row per input record is always kept):

- a record (struct) becomes one column per field, named ``parent.field``, recursively:
  ``device.category``, ``geo.country``, ``traffic_source.medium``,
  ``ecommerce.purchase_revenue``. A top-level ``properties`` record (Mixpanel, Segment) gives
  its fields their own names (``distinct_id``, ``time``, ``$browser``) when no column already
  has that name.
- a list of key/value records (GA4 ``event_params``, ``user_properties``: ``{key, value:
  {string_value, int_value, float_value, double_value}}``) becomes one column per key, named
  ``event_params.<key>`` (``event_params.ga_session_id``, ``event_params.page_location``),
  typed from the value fields that are filled: whole numbers when only ``int_value`` is,
  decimals when numbers mix, text as soon as some value is text.
- any other list of records (GA4 ``items``) is not expanded, which would multiply the rows:
  it is summarised by ``<name>.count``, the number of records in the list of each row.
- a list of plain values becomes the values joined by ", " (text).
- records nested deeper than ``MAX_DEPTH`` are kept as JSON text.

:func:`flatten` returns the flat frame and :class:`Flattened`, the facts of what was done.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

from kpi.errors import UnreadableFileError
from kpi.words import Fact

MAX_DEPTH = 12
"""Records nested deeper than this are kept as JSON text."""
MAX_COLUMNS = 20_000
"""More flattened columns than this (a hostile or broken file) are refused."""
MAX_KEYS_PER_LIST = 2_000
"""A key/value list with more distinct keys than this is summarised, not expanded."""

_VALUE_FIELDS = ("string_value", "int_value", "float_value", "double_value")
_UNPREFIXED = ("properties",)


@dataclass
class Flattened:
    """What :func:`flatten` did: source column -> columns made from it."""

    records: dict[str, list[str]] = field(default_factory=dict)  # device -> device.category, …
    key_values: dict[str, list[str]] = field(default_factory=dict)  # event_params -> its keys
    summarised: dict[str, str] = field(default_factory=dict)  # items -> items.count
    joined: list[str] = field(default_factory=list)  # lists of plain values joined as text
    as_json: list[str] = field(default_factory=list)  # too deep: kept as JSON text

    @property
    def any(self) -> bool:
        return bool(
            self.records or self.key_values or self.summarised or self.joined or self.as_json
        )


def is_nested(frame: pl.DataFrame) -> bool:
    """True when some column is a record or a list."""
    return any(isinstance(t, pl.Struct | pl.List | pl.Array) for t in frame.schema.values())


def flatten(frame: pl.DataFrame) -> tuple[pl.DataFrame, Flattened]:
    """The frame with every record and list turned into plain columns (see the module doc)."""
    facts = Flattened()
    if not is_nested(frame):
        return frame, facts
    top = set(frame.columns)
    out: list[pl.Series] = []
    for name in frame.columns:
        s = frame[name]
        if isinstance(s.dtype, pl.Struct):
            prefix = "" if name in _UNPREFIXED and not _collides(s.dtype, top) else f"{name}."
            made = _struct(s, prefix, facts, depth=1)
            facts.records[name] = [m.name for m in made]
            out.extend(made)
        elif isinstance(s.dtype, pl.List | pl.Array):
            out.extend(_list(s, name, facts, depth=1))
        else:
            out.append(s)
        if len(out) > MAX_COLUMNS:
            raise UnreadableFileError(
                Fact("ingest_errors.too_many_fields", limit=MAX_COLUMNS),
                Fact("ingest_errors.hint.fewer_fields"),
            )
    return pl.DataFrame(_unique_names(out)), facts


def _collides(dtype: pl.Struct, names: set[str]) -> bool:
    return any(f.name in names for f in dtype.fields)


def _struct(s: pl.Series, prefix: str, facts: Flattened, depth: int) -> list[pl.Series]:
    assert isinstance(s.dtype, pl.Struct)
    if not s.dtype.fields:
        return []
    out: list[pl.Series] = []
    parts = s.struct.unnest()
    for child in parts.columns:
        c = parts[child].alias(f"{prefix}{child}")
        if isinstance(c.dtype, pl.Struct):
            if depth >= MAX_DEPTH:
                facts.as_json.append(c.name)
                out.append(_as_json(c))
            else:
                out.extend(_struct(c, f"{c.name}.", facts, depth + 1))
        elif isinstance(c.dtype, pl.List | pl.Array):
            out.extend(_list(c, c.name, facts, depth + 1))
        else:
            out.append(c)
    return out


def _as_json(s: pl.Series) -> pl.Series:
    return s.to_frame("v").select(pl.col("v").struct.json_encode()).to_series().alias(s.name)


def _list(s: pl.Series, name: str, facts: Flattened, depth: int) -> list[pl.Series]:
    if isinstance(s.dtype, pl.Array):
        s = s.cast(pl.List(s.dtype.inner))
    inner = s.dtype.inner  # type: ignore[union-attr]
    if isinstance(inner, pl.Struct) and is_key_value(inner):
        made = _key_values(s, name)
        if made is not None:
            facts.key_values[name] = [m.name for m in made]
            return made
    if isinstance(inner, pl.Struct | pl.List | pl.Array) or inner == pl.Null:
        count = s.list.len().fill_null(0).cast(pl.Int64).alias(f"{name}.count")
        facts.summarised[name] = count.name
        return [count]
    facts.joined.append(name)
    joined = s.to_frame("v").select(
        pl.col("v").list.eval(pl.element().cast(pl.String)).list.join(", ")
    )
    return [joined.to_series().alias(name)]


def is_key_value(dtype: pl.Struct) -> bool:
    """A {key, value} record (GA4 event_params, user_properties), value plain or typed fields."""
    names = {f.name: f.dtype for f in dtype.fields}
    if "key" not in names or "value" not in names or names["key"] != pl.String:
        return False
    value = names["value"]
    if isinstance(value, pl.Struct):
        return any(f.name in _VALUE_FIELDS for f in value.fields)
    return not isinstance(value, pl.List | pl.Array)


def _key_values(s: pl.Series, name: str) -> list[pl.Series] | None:
    """One typed column per key of a list of {key, value} records; None when too many keys."""
    n = s.len()
    long = (
        s.to_frame("kv")
        .with_row_index("_row")
        .explode("kv")
        .filter(pl.col("kv").is_not_null())
        .unnest("kv")
        .filter(pl.col("key").is_not_null())
    )
    if isinstance(long.schema["value"], pl.Struct):
        long = long.unnest("value")
        fields = [f for f in _VALUE_FIELDS if f in long.columns]
    else:
        long = long.rename({"value": "plain_value"})
        fields = ["plain_value"]
    # the columns polars read as text (BigQuery's JSON writes INT64 as "123") stay usable
    filled = long.group_by("key", maintain_order=True).agg(
        [pl.col(f).is_not_null().sum().alias(f) for f in fields]
    )
    if filled.height > MAX_KEYS_PER_LIST:
        return None
    out: list[pl.Series] = []
    rows = pl.DataFrame({"_row": pl.int_range(0, n, eager=True, dtype=pl.UInt32)})
    for row in filled.iter_rows(named=True):
        key = row["key"]
        used = [f for f in fields if row[f]]
        value = _typed_value(long, used)
        one = (
            long.filter(pl.col("key") == key)
            .select("_row", value.alias("v"))
            .unique("_row", keep="first", maintain_order=True)
        )
        col = rows.join(one, on="_row", how="left", maintain_order="left")["v"]
        out.append(col.alias(f"{name}.{key}"))
    return out


def _typed_value(long: pl.DataFrame, used: list[str]) -> pl.Expr:
    """The value of a key from the fields that are filled: int, then decimal, else text."""
    if not used:
        return pl.lit(None, dtype=pl.String)
    schema = long.schema
    numeric_names = ("int_value", "float_value", "double_value")
    text = [f for f in used if f == "plain_value" or f == "string_value"]
    if not text and all(f in numeric_names for f in used):
        if used == ["int_value"]:
            return pl.col("int_value").cast(pl.Int64, strict=False)
        return pl.coalesce(
            [
                pl.col(f).cast(pl.Float64, strict=False)
                for f in ("double_value", "float_value", "int_value")
                if f in used
            ]
        )
    if len(used) == 1:
        f = used[0]
        return pl.col(f) if schema[f] != pl.Null else pl.lit(None, dtype=pl.String)
    return pl.coalesce([pl.col(f).cast(pl.String) for f in used])


def _unique_names(series: list[pl.Series]) -> list[pl.Series]:
    seen: dict[str, int] = {}
    out = []
    for s in series:
        name = s.name
        if name in seen:
            seen[name] += 1
            name = f"{name}_{seen[name]}"
            while name in seen:
                seen[s.name] += 1
                name = f"{s.name}_{seen[s.name]}"
        seen.setdefault(name, 1)
        out.append(s.alias(name))
    return out


__all__ = ["MAX_COLUMNS", "MAX_DEPTH", "Flattened", "flatten", "is_key_value", "is_nested"]
