"""The GA4 BigQuery export (``events_*`` tables, or the same schema in Parquet) in an engine.

GA4 writes one row per event: ``event_name``, ``event_timestamp`` (µs since 1970, UTC),
``user_pseudo_id`` (the device's id; ``user_id`` only for signed-in users, mostly empty), the
records ``device`` {category, operating_system, language…}, ``geo`` {country, city…},
``traffic_source`` {medium, source, name} (the user's first acquisition) and ``ecommerce``
{purchase_revenue, transaction_id…}, and ``event_params``, a list of {key, value
{string_value, int_value, float_value, double_value}} records where ``ga_session_id`` numbers
the user's sessions.

:func:`map_ga4` maps it without a manual mapping, to the same canonical events as an upload of
the export (``kpi.load`` flattens it with :mod:`kpi.ingest.nested`; the roles are those
:func:`kpi.ingest.roles.detect_roles` gives flattened GA4 names): ``user_id`` =
user_pseudo_id, ``ts`` = event_timestamp, ``step`` = event_name, ``session_id`` =
``user_pseudo_id:ga_session_id``, ``revenue`` = ecommerce.purchase_revenue, ``order_id`` =
ecommerce.transaction_id, ``device`` = device.category, ``channel`` = traffic_source.medium,
and the segments ``device_operating_system``, ``geo_country``, ``traffic_source_source``…

The value of a key in ``event_params`` is read with :func:`key_value`, in narwhals only: for
each position ``i`` below the longest list, ``list.get(i)`` guarded by ``list.len() > i``
(Spark's ANSI mode refuses an index beyond the list), keeping the value whose ``key`` matches;
the same expression on DuckDB, Spark and Ibis (narwhals offers no lazy ``list.eval`` /
``filter`` on every backend). Polars evaluates ``list.get`` beyond a list's end before the guard
and fails, so :func:`with_key_values`, the one per-backend helper, reads the record there with
polars' own ``list.eval(filter)``; the typing of the value is the same narwhals code.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import narwhals as nw
import polars as pl

from kpi.engine.frame import EngineTable

__all__ = ["GA4_ROLES", "default_roles", "is_ga4", "key_value", "map_ga4", "with_key_values"]

GA4_ROLES: dict[str, str] = {
    "user_pseudo_id": "user_id",
    "event_timestamp": "ts",
    "event_name": "step",
    "event_params.ga_session_id": "session_id",
    "ecommerce.purchase_revenue": "revenue",
    "ecommerce.transaction_id": "order_id",
    "device.category": "device",
    "traffic_source.medium": "channel",
}
"""The roles of the GA4 export's columns (flattened names), as an upload detects them."""

_REQUIRED = ("event_name", "event_timestamp", "user_pseudo_id")
_NUMERIC = ("int_value", "float_value", "double_value")


def is_ga4(schema: Mapping[str, Any]) -> bool:
    """True for the GA4 export schema: ``event_name``, ``event_timestamp``,
    ``user_pseudo_id`` and ``event_params`` as a list of key/value records."""
    if not all(c in schema for c in _REQUIRED) or "event_params" not in schema:
        return False
    params = schema["event_params"]
    if isinstance(params, pl.List | pl.Array):
        inner = params.inner
        return isinstance(inner, pl.Struct) and {"key", "value"} <= {f.name for f in inner.fields}
    if isinstance(params, nw.List | nw.Array):
        inner = params.inner
        return isinstance(inner, nw.Struct) and {"key", "value"} <= {f.name for f in inner.fields}
    return False


def default_roles(detected: Mapping[str, str]) -> dict[str, str]:
    """The detected roles with the GA4 columns settled as :data:`GA4_ROLES` (the detector
    already gives them; this keeps them whatever the sample holds: a sample without any
    purchase still maps the revenue)."""
    out = dict(detected)
    for column, role in GA4_ROLES.items():
        if column not in out:
            continue
        for other, r in out.items():
            if r == role and other != column:
                out[other] = "ignore"
        out[column] = role
    if "user_id" in out and out.get("user_id") == "user_id" and "user_pseudo_id" in out:
        out["user_id"] = "ignore"
    return out


def key_value(lists: nw.Expr, key: str, value_fields: Sequence[str], max_len: int) -> nw.Expr:
    """The value of ``key`` in a list of {key, value} records (the first record with that
    key), typed from the ``value_fields`` that the key fills (as :mod:`kpi.ingest.nested`: whole
    numbers when only ``int_value`` is filled, decimals when numbers mix, text as soon as a text
    field is), null when the key is absent. ``max_len`` is the longest list of the table."""
    if max_len <= 0 or not value_fields:
        return nw.lit(None, nw.String)
    length = lists.list.len()
    picks = []
    for i in range(max_len):
        item = lists.list.get(i)
        value = item.struct.field("value")
        picks.append(
            nw.when((length > i) & (item.struct.field("key") == key)).then(
                _typed(value, value_fields)
            )
        )
    return nw.coalesce(*picks) if len(picks) > 1 else picks[0]


def with_key_values(
    frame: nw.LazyFrame,
    lookups: Mapping[str, tuple[nw.Expr, tuple[str, ...], str, Sequence[str], int]],
) -> nw.LazyFrame:
    """``frame`` with one column per lookup ``name -> (lists, path, key, value_fields,
    max_len)``: the value of ``key`` in the key/value lists (:func:`key_value`). ``lists`` is
    the narwhals expression of the list column, ``path`` its column and record fields (for the
    native readings of polars and DuckDB)."""
    if not lookups:
        return frame
    if not frame.implementation.is_polars():
        return frame.with_columns(
            **{
                name: key_value(lists, key, fields, n)
                for name, (lists, _, key, fields, n) in lookups.items()
            }
        )
    native = frame.to_native()
    records = {
        f"{name}__record": _polars_path(native_lists)
        .list.eval(pl.element().filter(pl.element().struct.field("key") == key))
        .list.first()
        .struct.field("value")
        for name, (_, native_lists, key, _fields, _n) in lookups.items()
    }
    with_records = nw.from_native(native.with_columns(**records))
    typed = {
        name: (_typed(nw.col(f"{name}__record"), fields) if fields else nw.lit(None, nw.String))
        for name, (_, _, _key, fields, _n) in lookups.items()
    }
    return with_records.with_columns(**typed).drop(*records)


def _polars_path(path: Sequence[str]) -> pl.Expr:
    expr = pl.col(path[0])
    for p in path[1:]:
        expr = expr.struct.field(p)
    return expr


def _typed(value: nw.Expr, used: Sequence[str]) -> nw.Expr:
    if list(used) == ["value"]:  # a plain value, not a record of typed fields
        return value
    text = [f for f in used if f not in _NUMERIC]
    if not text:
        if list(used) == ["int_value"]:
            return value.struct.field("int_value").cast(nw.Int64)
        return nw.coalesce(
            *[
                value.struct.field(f).cast(nw.Float64)
                for f in ("double_value", "float_value", "int_value")
                if f in used
            ]
        )
    if len(used) == 1:
        return value.struct.field(used[0]).cast(nw.String)
    return nw.coalesce(*[value.struct.field(f).cast(nw.String) for f in used])


def map_ga4(native: Any, *, label: str = "", keep_invalid: bool = False) -> EngineTable:
    """The canonical events of a GA4 export table in its engine (module docstring)."""
    from kpi.engine.roles import map_roles

    return map_roles(native, None, label=label, keep_invalid=keep_invalid)
