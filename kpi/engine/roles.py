"""Canonical events from a table in an engine: roles detected on a sample, mapped in narwhals.

:func:`map_roles` is the engine twin of what an upload goes through (``kpi.load`` ->
``kpi.ingest.roles.detect_roles`` -> ``kpi.ingest.shapes``):

1. a sample (the first :data:`SAMPLE_ROWS` rows, a ``LIMIT`` run in the engine) comes back as
   polars; nested records and key/value lists are flattened by :mod:`kpi.ingest.nested` into
   the dotted names an upload shows (``device.category``, ``event_params.ga_session_id``), and
   :func:`kpi.ingest.roles.detect_roles` proposes a role for each column, the same detector as
   for a file. ``roles`` (``--role COLUMN=ROLE``) overrides it, column by column.
2. each role becomes one narwhals expression run in the engine: a record's field with
   ``.struct.field``, a key/value list's value with ``.list.get(i)`` guarded by the list's
   length (pure narwhals on every backend, see :mod:`kpi.engine.ga4`), ids as text (``17850.0``
   -> ``17850``, e-mail addresses in lower case), the step as trimmed text, revenue as Float64,
   GA4 session numbers joined to the user (``user:ga_session_id``), times as naive UTC
   Datetime: dates, zoned times converted to UTC, ISO text cast by the engine, other text
   parsed with the format found on the sample, epoch numbers (s, ms, µs, ns, unit by the
   sample's median magnitude, as :func:`kpi.ingest.epoch.unit_by_magnitude`) through one small
   per-backend helper (:func:`micros_to_datetime`: narwhals has no ``from_epoch``).
3. rows an upload drops are dropped by the same rules: no user id (null or empty), no step,
   no time (when there is a time column). ``keep_invalid=True`` keeps them, for the quality
   counts.

A connected table is read as an event log (one row per event) or as orders (one row per order
line: one ``purchase`` event per order, as :mod:`kpi.ingest.shapes` does); other shapes are
explained, not guessed. Segment columns keep the upload's names where an engine allows them:
``device``, ``channel``, ``variant``, ``cohort``, and other segments with their column name,
dots turned into ``_`` (Spark reads a dot as a field access: ``geo.country`` -> ``geo_country``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import narwhals as nw
import polars as pl

from kpi.engine.frame import CANONICAL, EngineTable, from_native
from kpi.errors import InputError, SchemaError
from kpi.ingest.epoch import unit_by_magnitude
from kpi.ingest.nested import flatten, is_key_value
from kpi.ingest.roles import ROLES, _norm, detect_kind, detect_roles, role_name
from kpi.words import Fact

__all__ = [
    "SAMPLE_ROWS",
    "ColumnPath",
    "detect",
    "map_roles",
    "micros_to_datetime",
    "parse_roles",
    "sample",
]

SAMPLE_ROWS = 5_000
"""Rows brought back to detect the roles (a ``LIMIT`` in the engine)."""

_SEGMENT_ROLES = ("device", "channel", "variant", "cohort")
_NEEDED = ("user_id", "step")
# µs between 1900-01-01 and 2200-01-01: epoch values outside become null, not an engine error
_MIN_US, _MAX_US = -2_208_988_800_000_000, 7_258_118_400_000_000
_PER_US = {"s": 1_000_000, "ms": 1_000, "us": 1}
_ISO = re.compile(r"^%Y-%m-%d(( |T)%H:%M(:%S(%\.f)?)?)?$")


# --------------------------------------------------------------------------------------------
# where a flattened column comes from


@dataclass(frozen=True)
class ColumnPath:
    """How a flattened column is read from the native table.

    ``kind``: "plain" (a top-level column), "field" (``path`` into records), "key" (the value of
    ``key`` in a key/value list at ``path``; ``value_fields`` the fields filled in the sample,
    ``max_len`` the longest list), "count" (the length of a list)."""

    kind: str
    path: tuple[str, ...]
    key: str = ""
    value_fields: tuple[str, ...] = ()
    max_len: int = 0


def _paths(schema: Mapping[str, pl.DataType]) -> dict[str, ColumnPath]:
    """Flattened name -> :class:`ColumnPath` for every column of a (polars) schema, with the
    names :func:`kpi.ingest.nested.flatten` gives (keys of key/value lists are added from the
    sample, in :func:`_key_paths`)."""
    out: dict[str, ColumnPath] = {}

    def walk(prefix: str, path: tuple[str, ...], dtype: pl.DataType) -> None:
        if isinstance(dtype, pl.Struct):
            for f in dtype.fields:
                walk(f"{prefix}.{f.name}", (*path, f.name), f.dtype)
        elif isinstance(dtype, pl.List | pl.Array):
            inner = dtype.inner
            if isinstance(inner, pl.Struct) and is_key_value(inner):
                return  # keys come from the values (_key_paths)
            if isinstance(inner, pl.Struct | pl.List | pl.Array):
                out[f"{prefix}.count"] = ColumnPath("count", path)
        else:
            out[prefix] = ColumnPath("field" if len(path) > 1 else "plain", path)

    for name, dtype in schema.items():
        walk(name, (name,), dtype)
    return out


def _key_paths(sample: pl.DataFrame) -> dict[str, ColumnPath]:
    """``list.key`` -> ColumnPath for the key/value lists of the sample (top level and inside
    records), with the value fields each key fills there (typed as :mod:`kpi.ingest.nested`)."""
    out: dict[str, ColumnPath] = {}

    def lists(
        prefix: str, path: tuple[str, ...], dtype: pl.DataType
    ) -> Iterable[tuple[str, tuple[str, ...]]]:
        if isinstance(dtype, pl.Struct):
            for f in dtype.fields:
                yield from lists(f"{prefix}.{f.name}", (*path, f.name), f.dtype)
        elif (
            isinstance(dtype, pl.List | pl.Array)
            and isinstance(dtype.inner, pl.Struct)
            and is_key_value(dtype.inner)
        ):
            yield prefix, path

    for name, dtype in sample.schema.items():
        for prefix, path in lists(name, (name,), dtype):
            expr = pl.col(path[0])
            for p in path[1:]:
                expr = expr.struct.field(p)
            col = sample.select(expr.alias("kv"))
            max_len = int(col.select(pl.col("kv").list.len().max()).item() or 0)
            long = col.explode("kv").drop_nulls("kv").unnest("kv").drop_nulls("key")
            if isinstance(long.schema["value"], pl.Struct):
                long = long.unnest("value")
                fields = [c for c in long.columns if c != "key"]
            else:
                fields = ["value"]
            filled = long.group_by("key", maintain_order=True).agg(
                [pl.col(f).is_not_null().sum().alias(f) for f in fields]
            )
            for row in filled.iter_rows(named=True):
                used = tuple(f for f in fields if row[f])
                out[f"{prefix}.{row['key']}"] = ColumnPath("key", path, row["key"], used, max_len)
    return out


def _longest_lists(
    frame: nw.LazyFrame,
    paths: dict[str, ColumnPath],
    used: list[str],
) -> dict[str, ColumnPath]:
    """The key/value columns that the mapping reads, with the longest list of the whole table
    (one aggregate in the engine): a key beyond the sample's longest list is still found."""
    wanted = [c for c in used if c in paths and paths[c].kind == "key"]
    lists = list(dict.fromkeys(paths[c].path for c in wanted))
    if not lists:
        return paths
    exprs = []
    for i, path in enumerate(lists):
        expr = nw.col(path[0])
        for p in path[1:]:
            expr = expr.struct.field(p)
        exprs.append(expr.list.len().max().cast(nw.Int64).alias(f"_n{i}"))
    row = frame.select(*exprs).collect("polars").to_native().row(0)
    longest = {path: int(n or 0) for path, n in zip(lists, row, strict=True)}
    out = dict(paths)
    for c in wanted:
        p = paths[c]
        out[c] = ColumnPath(p.kind, p.path, p.key, p.value_fields, longest[p.path])
    return out


def _nested_expr(path: ColumnPath) -> nw.Expr:
    """The narwhals expression reading a flattened column in the engine (the values of
    key/value lists are added as columns by :func:`kpi.engine.ga4.with_key_values`)."""
    expr = nw.col(path.path[0])
    for p in path.path[1:]:
        expr = expr.struct.field(p)
    if path.kind == "count":
        return expr.list.len().fill_null(0).cast(nw.Int64)
    return expr


# --------------------------------------------------------------------------------------------
# sample and detection


def sample(native: Any, rows: int = SAMPLE_ROWS) -> pl.DataFrame:
    """The first ``rows`` rows of ``native``, run as a LIMIT in its engine, as polars (nested
    columns kept as records and lists)."""
    frame = _lazy(native)
    return frame.head(rows).collect("polars").to_native()


def _lazy(native: Any) -> nw.LazyFrame:
    if isinstance(native, EngineTable):
        return native.events
    if isinstance(native, nw.LazyFrame):
        return native
    frame = nw.from_native(native)
    return frame.lazy() if isinstance(frame, nw.DataFrame) else frame


def detect(native: Any, *, rows: int = SAMPLE_ROWS) -> dict[str, str]:
    """The roles proposed for the (flattened) columns of ``native``: the upload's detector on a
    sample. The keys are the names :func:`map_roles` accepts in ``roles``."""
    flat, _ = flatten(sample(native, rows))
    return detect_roles(_typed_dates(flat))


def _typed_dates(flat: pl.DataFrame) -> pl.DataFrame:
    """The sample with its text dates typed as an upload types them (:func:`kpi.formats.
    type_column`), so that the detector sees a date column where a file would have one; the
    engine parses the text itself (:func:`_time_expr`)."""
    from kpi.ingest.values import ReadOptions, type_column

    out = []
    for name in flat.columns:
        s = flat[name]
        if s.dtype == pl.String and s.null_count() < s.len():
            typed = type_column(s, ReadOptions()).series
            if typed.dtype.is_temporal():
                s = typed.alias(name)
        out.append(s)
    return pl.DataFrame(out) if out else flat


def parse_roles(items: Sequence[str] | None) -> dict[str, str]:
    """``["event_time=ts", "uid=user_id"]`` (``--role COLUMN=ROLE``) -> ``{column: role}``;
    the column may itself hold ``=`` (the role is after the last one)."""
    out: dict[str, str] = {}
    for item in items or ():
        column, sep, role = str(item).rpartition("=")
        column, role = column.strip(), role.strip().lower()
        if not sep or not column or not role:
            raise InputError(
                Fact("engine_roles.bad_option", option=str(item)),
                Fact("engine_roles.hint.option", roles=list(ROLES)),
            )
        out[column] = role
    return out


# --------------------------------------------------------------------------------------------
# the mapping


def map_roles(
    native: Any,
    roles: Mapping[str, str] | None = None,
    *,
    label: str = "",
    keep_invalid: bool = False,
) -> EngineTable:
    """The canonical events of ``native`` in its engine (module docstring).

    ``roles`` maps a column (a flattened name such as ``device.category`` for a record's
    field) to a role and overrides the detection for that column; a role given to a column
    takes it away from the column the detector had chosen."""
    from kpi.engine import ga4

    frame = _lazy(native)
    head = frame.head(SAMPLE_ROWS).collect("polars").to_native()
    if head.height == 0:
        raise SchemaError(Fact("engine_roles.empty", source=label or "—"))
    raw, _ = flatten(head)
    flat = _typed_dates(raw)
    paths = {**_paths(head.schema), **_key_paths(head)}
    paths = {c: p for c, p in paths.items() if c in flat.columns}
    detected = detect_roles(flat)
    chosen = _merge(detected, dict(roles or {}), list(flat.columns), label)
    if ga4.is_ga4(head.schema) and not roles:
        chosen = ga4.default_roles(chosen)
    kind = _kind(chosen, label, list(flat.columns))
    # the engine columns each role reads, named safely (no dots) for every engine
    first = {r: c for c, r in reversed(list(chosen.items()))}
    used = [
        c
        for c, r in chosen.items()
        if r not in ("ignore", "metric", "segment") or c in (roles or {})
    ]
    paths = _longest_lists(frame, paths, used)
    cols: dict[str, nw.Expr] = {}

    lookups = {
        f"_kv{i}": (
            _nested_expr(ColumnPath("field", p.path)),
            p.path,
            p.key,
            p.value_fields,
            p.max_len,
        )
        for i, (c, p) in enumerate(paths.items())
        if p.kind == "key" and c in used
    }
    key_cols = {
        c: f"_kv{i}" for i, (c, p) in enumerate(paths.items()) if p.kind == "key" and c in used
    }
    frame = ga4.with_key_values(frame, lookups)

    def read(column: str) -> nw.Expr:
        if column in key_cols:
            return nw.col(key_cols[column])
        return _nested_expr(paths[column]) if column in paths else nw.col(column)

    uid = first["user_id"]
    uid_expr = _as_id(read(uid), flat.schema[uid])
    if "email" in _norm(uid) and flat.schema[uid] == pl.String:
        uid_expr = uid_expr.str.to_lowercase()
    cols["user_id"] = uid_expr
    ts_col = first.get("ts")
    ts_unit = None
    if ts_col is not None:
        polars = frame.implementation.is_polars()
        cols["ts"], ts_unit = _time_expr(read(ts_col), raw[ts_col], polars=polars)
    if kind == "events":
        cols["step"] = read(first["step"]).cast(nw.String).str.strip_chars()
    else:
        cols["step"] = nw.lit("purchase", nw.String)
    sid = first.get("session_id")
    if sid is not None:
        sid_expr = _as_id(read(sid), flat.schema[sid])
        if _norm(sid).endswith("gasessionid"):  # GA4 numbers sessions per user
            sid_expr = nw.concat_str([uid_expr, nw.lit(":"), sid_expr])
        cols["session_id"] = sid_expr
    rev, qty, price = first.get("revenue"), first.get("quantity"), first.get("unit_price")
    revenue = _revenue(read, kind, rev, qty, price, chosen, flat)
    if revenue is not None:
        cols["revenue"] = revenue
    oid = first.get("order_id")
    if oid is not None:
        cols["order_id"] = _as_id(read(oid), flat.schema[oid])
    segments: list[str] = []
    for column, role in chosen.items():
        if role in _SEGMENT_ROLES or role == "segment":
            lookup = paths.get(column, ColumnPath("plain", ())).kind == "key"
            if role == "segment" and lookup and column not in (roles or {}):
                continue  # key/value segments only when asked (each is a list lookup)
            name = role if role in _SEGMENT_ROLES else _safe(column)
            if name in cols or name in CANONICAL or name in segments:
                continue
            cols[name] = read(column).cast(nw.String)
            segments.append(name)
    if kind == "orders":
        extra = {}
        if qty is not None:
            extra["_qty"] = read(qty).cast(nw.Float64)
        if price is not None and rev is None:
            extra["_price"] = read(price).cast(nw.Float64)
        cols.update(extra)
    out = frame.select(**cols)
    if ts_unit is not None:
        out = micros_to_datetime(out, "ts")
    if not keep_invalid:
        out = _drop_invalid(out, kind, cancellations=_cancellations(head, flat, chosen, kind))
    if kind == "orders":
        out = _orders(out, segments)
    return from_native(out.to_native(), segments=segments, label=label)


def _merge(
    detected: dict[str, str], given: dict[str, str], columns: list[str], label: str
) -> dict[str, str]:
    unknown = [c for c in given if c not in columns]
    if unknown:
        raise InputError(
            Fact("engine_roles.unknown_column", source=label or "—", column=unknown[0]),
            Fact("engine_roles.hint.columns", columns=columns[:40]),
        )
    bad = [r for r in given.values() if r not in ROLES]
    if bad:
        raise InputError(
            Fact("engine_roles.unknown_role", role=bad[0]),
            Fact("engine_roles.hint.roles", roles=list(ROLES)),
        )
    out = dict(detected)
    singular = {r for r in given.values() if r not in ("segment", "metric", "ignore")}
    for c, r in out.items():
        if c not in given and r in singular:
            out[c] = "ignore"  # the user gave this role to another column
    out.update(given)
    return out


def _kind(chosen: dict[str, str], label: str, columns: list[str]) -> str:
    have = set(chosen.values())
    try:
        kind = detect_kind(chosen)
    except SchemaError:
        kind = ""
    if kind in ("events", "orders"):
        return kind
    missing = next(r for r in (*_NEEDED, "ts") if r not in have)
    if "user_id" in have and "step" not in have:
        missing = "step"
    raise SchemaError(
        Fact(
            "engine_roles.missing_role",
            source=label or "—",
            role=role_name(missing),
            kind=Fact(f"ingest_roles.kind.{kind}") if kind else Fact("engine_roles.kind_unknown"),
        ),
        Fact("engine_roles.hint.role", code=missing, columns=columns[:40]),
    )


def _safe(name: str) -> str:
    return name.replace(".", "_").replace("`", "_")


def _as_id(expr: nw.Expr, dtype: pl.DataType) -> nw.Expr:
    """Ids as text; ``17850.0`` floats become ``17850`` (as :func:`kpi.ingest.shapes._as_id`)."""
    if dtype.is_float():
        return (
            nw.when(expr % 1 == 0)
            .then(expr.cast(nw.Int64).cast(nw.String))
            .otherwise(expr.cast(nw.String))
        )
    return expr.cast(nw.String).str.strip_chars()


def _time_expr(
    expr: nw.Expr, values: pl.Series, *, polars: bool = False
) -> tuple[nw.Expr, str | None]:
    """(expression, unit): a Datetime expression, or with a unit the epoch in µs as Int64 that
    :func:`micros_to_datetime` turns into a Datetime after the select. ISO text is cast by a
    SQL engine (fractions and offsets included); polars parses it with the sample's format."""
    dtype = values.dtype
    if dtype.is_numeric() and dtype != pl.Boolean:
        unit = unit_by_magnitude(values) or "s"
        if unit == "yyyymmdd":
            return expr.cast(nw.Int64).cast(nw.String).str.to_datetime("%Y%m%d"), None
        if unit == "ns":
            us = expr.cast(nw.Int64) // 1_000
        elif dtype.is_float():
            us = (expr * _PER_US[unit]).round(0).cast(nw.Int64)
        else:
            us = expr.cast(nw.Int64) * _PER_US[unit]
        return nw.when((us >= _MIN_US) & (us <= _MAX_US)).then(us), "us"
    if dtype == pl.Date:
        return expr.cast(nw.Datetime("us")), None
    if isinstance(dtype, pl.Datetime):
        if dtype.time_zone is not None:
            # SQL engines keep the zone in the session (UTC in kpi.engine.source and spark):
            # dropping it there gives the UTC wall time; polars converts explicitly
            if polars:
                expr = expr.dt.convert_time_zone("UTC")
            expr = expr.dt.replace_time_zone(None)
        return expr.cast(nw.Datetime("us")), None
    text = values.cast(pl.String).drop_nulls().str.strip_chars()
    fmt = _text_format(text)
    clean = expr.cast(nw.String).str.strip_chars()
    if fmt is not None and polars:
        parsed = clean.str.to_datetime(fmt)
        if "%#z" in fmt or fmt.endswith("Z") or "UTC" in fmt:
            parsed = parsed.dt.convert_time_zone("UTC").dt.replace_time_zone(None)
        return parsed.cast(nw.Datetime("us")), None
    if fmt is None or _ISO.match(fmt) or (not polars and "%." in fmt):
        return clean.cast(nw.Datetime("us")), None
    return clean.str.to_datetime(fmt).cast(nw.Datetime("us")), None


def _text_format(text: pl.Series) -> str | None:
    """The date format most of the sampled values follow (the upload's candidates)."""
    from kpi.ingest.values import _DAY_FIRST_TWIN, _MONTH_FIRST_TWIN, _date_candidates

    head = text.head(600)
    if head.len() == 0:
        return None
    scored = _date_candidates(head)
    if not scored:
        return None
    best, n = scored[0]
    # day or month first: the one that reads more values, month first on a tie (as an upload
    # of a comma-separated file decides, kpi.ingest.values._type_dates)
    twin = _MONTH_FIRST_TWIN.get(best) or _DAY_FIRST_TWIN.get(best)
    if twin is not None and dict(scored).get(twin) == n:
        return best if best in _DAY_FIRST_TWIN else twin
    return best


def micros_to_datetime(frame: nw.LazyFrame, column: str) -> nw.LazyFrame:
    """``column`` (Int64 microseconds since 1970-01-01 UTC) as a naive UTC Datetime(us), in the
    frame's engine: the one native expression of the mapping (narwhals has no ``from_epoch``),
    one line per backend."""
    native = frame.to_native()
    impl = frame.implementation
    names = frame.collect_schema().names()
    if impl.is_polars():
        out = native.with_columns(pl.from_epoch(pl.col(column), time_unit="us").alias(column))
    elif impl.is_duckdb():
        import duckdb

        out = native.select(
            *[
                duckdb.FunctionExpression("make_timestamp", duckdb.ColumnExpression(c)).alias(c)
                if c == column
                else duckdb.ColumnExpression(c)
                for c in names
            ]
        )
    elif impl.is_pyspark() or impl.is_pyspark_connect():
        if impl.is_pyspark_connect():
            from pyspark.sql.connect import functions as F
        else:
            from pyspark.sql import functions as F

        # an instant, shown in the session's time zone (UTC in kpi.engine.spark) as naive time
        out = native.withColumn(column, F.timestamp_micros(F.col(column)).cast("timestamp_ntz"))
    elif impl.is_ibis():
        out = native.mutate(**{column: native[column].as_timestamp("us")})
    else:  # pragma: no cover - another lazy backend
        raise InputError(Fact("engine_roles.backend", backend=str(impl)))
    result = nw.from_native(out)
    result = result.lazy() if isinstance(result, nw.DataFrame) else result
    dtype = result.collect_schema()[column]
    if isinstance(dtype, nw.Datetime) and dtype.time_zone not in (None, "UTC"):
        result = result.with_columns(nw.col(column).dt.convert_time_zone("UTC"))
    if isinstance(dtype, nw.Datetime) and dtype.time_zone is not None:
        result = result.with_columns(nw.col(column).dt.replace_time_zone(None))
    return result


def _revenue(
    read: Any,
    kind: str,
    rev: str | None,
    qty: str | None,
    price: str | None,
    chosen: dict[str, str],
    flat: pl.DataFrame,
) -> nw.Expr | None:
    if rev is not None:
        return read(rev).cast(nw.Float64)
    if kind == "events" and price is not None:
        from kpi.ingest.orders import _purchase_step

        step_col = next(c for c, r in chosen.items() if r == "step")
        steps = flat.select(pl.col(step_col).cast(pl.String).str.strip_chars().alias("step"))
        purchase = _purchase_step(steps)
        if purchase is None:
            return None
        amount = read(price).cast(nw.Float64)
        if qty is not None:
            amount = amount * read(qty).cast(nw.Float64)
        step = read(step_col).cast(nw.String).str.strip_chars()
        return nw.when(step == purchase).then(amount)
    if qty is not None and price is not None:
        return (read(qty) * read(price)).cast(nw.Float64)
    return None


def _cancellations(
    head: pl.DataFrame, flat: pl.DataFrame, chosen: dict[str, str], kind: str
) -> bool:
    """Orders: ids starting with "C" are cancellations when the sample says so (UCI Online
    Retail), as :func:`kpi.ingest.orders._cancellation_convention` decides for a file."""
    if kind != "orders":
        return False
    from kpi.ingest.orders import _cancellation_convention

    oid = next((c for c, r in chosen.items() if r == "order_id"), None)
    sign = next((c for c, r in chosen.items() if r in ("quantity", "revenue")), None)
    if oid is None:
        return False
    g = flat.select(
        pl.col(oid).cast(pl.String).alias("order_id"),
        *([pl.col(sign).alias(sign)] if sign else []),
    )
    return _cancellation_convention(g, sign, "")[0]


def _drop_invalid(out: nw.LazyFrame, kind: str, *, cancellations: bool) -> nw.LazyFrame:
    """The rows an upload drops (kpi.ingest.shapes): no user id, no step, no time; orders:
    cancellations, lines with no positive quantity (or price)."""
    names = out.collect_schema().names()
    keep = ~nw.col("user_id").is_null() & (nw.col("user_id") != "")
    if kind == "events":
        keep = keep & ~nw.col("step").is_null() & (nw.col("step") != "")
    if kind == "orders":
        if cancellations and "order_id" in names:
            keep = keep & ~nw.col("order_id").str.starts_with("C").fill_null(False)
        if "_qty" in names:
            keep = keep & (nw.col("_qty") > 0)
        if "_price" in names:
            keep = keep & (nw.col("_price") > 0)
    if "ts" in names:
        keep = keep & ~nw.col("ts").is_null()
    return out.filter(keep)


def _orders(out: nw.LazyFrame, segments: list[str]) -> nw.LazyFrame:
    """One ``purchase`` event per (user, order): the first time, the summed revenue, each
    segment's smallest value (an upload takes the first line's; order lines share them)."""
    names = out.collect_schema().names()
    if "order_id" not in names:
        return out.drop(*[c for c in ("_qty", "_price") if c in names])
    aggs = [nw.col("step").min()]
    if "ts" in names:
        aggs.append(nw.col("ts").min())
    if "revenue" in names:
        aggs.append(nw.col("revenue").sum())
    aggs += [nw.col(c).min() for c in segments]
    return out.group_by("user_id", "order_id").agg(*aggs)
