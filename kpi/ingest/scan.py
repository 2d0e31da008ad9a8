"""Files too big to upload: an event log read with polars' streaming engine into compact columns.

The normal route (:func:`kpi.load.read_table` then :func:`kpi.schema.build_dataset`) holds the
whole file as text, then as typed columns, then as the Dataset: about 10× the file's size at
its peak. This route, used by ``python -m kpi report`` for big files (:data:`BIG_ROWS`),
reads the file once with ``pl.scan_csv`` / ``pl.scan_parquet`` and ``collect(engine=
"streaming")`` straight into compact columns:

- user ids and order ids become integer codes (UInt32) through a Categorical dictionary
  (:attr:`Scanned.user_ids` decodes the users'); session ids a 64-bit hash; the analyses only
  compare ids;
- event names are Categorical; segments stay small Categorical columns until the one-row-per-
  user table, where they are text as in the normal route; timestamps are parsed in the scan.

It honours the same roles and accounting as the normal route:

1. A sample (the first :data:`SAMPLE_BYTES` of a text file, the first :data:`SAMPLE_ROWS` rows
   of a Parquet file) is read by :func:`kpi.load.read_table`; :func:`kpi.schema.detect_roles`
   names the columns on it (``roles`` given by the user win).
2. Each column used is parsed in the scan with a polars expression chosen so that it gives
   exactly what ``read_table`` gave on the sample (same dtype, same values); when no such
   expression is found (decimal commas, ambiguous dates, nested records, several tables in the
   file, another encoding than UTF-8, a shape other than an event log), the route says why
   (:class:`ScanUnsupported`) and the caller uses the normal route.
3. Rows are dropped with the normal route's reasons and order (blank row, missing user id,
   missing event, missing timestamp), each counted with up to three examples, so that the
   workbook's data-quality sheet says what was dropped; ``rows_read == rows_kept + dropped``.
4. Users take their first-touch attributes (the value on their earliest event, ties in file
   order), the cohort, the segment ranking and the step order as :func:`build_dataset` does.

Not done on this route (the normal route does them): totals rows, rows with too many fields
(polars stops with an error: the message says so), short-row checks.
"""

from __future__ import annotations

import io
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import polars as pl

from kpi.dataset import Dataset, Source
from kpi.errors import InputError, ParcoursError, UnreadableFileError
from kpi.words import Fact

__all__ = [
    "BIG_ROWS",
    "SAMPLE_BYTES",
    "SAMPLE_ROWS",
    "ScanUnsupported",
    "Scanned",
    "estimated_rows",
    "is_big",
    "scan_dataset",
]

BIG_ROWS = 10_000_000
"""``python -m kpi report`` on one file of more rows than this (about 1 GB of CSV) reads it on
the streaming route (``--big`` forces it, ``--no-big`` forbids it): :func:`is_big`."""
SAMPLE_BYTES = 4 * 2**20
SAMPLE_ROWS = 50_000

BLANK_ROW = "ingest_rows.blank_row"
MISSING_USER_ID = "ingest_rows.missing_user_id"
MISSING_EVENT = "ingest_rows.missing_event"
MISSING_TIMESTAMP = "ingest_rows.missing_timestamp"


class ScanUnsupported(ParcoursError):
    """The file cannot take the streaming route (the fact says why); the normal route can."""


@dataclass(frozen=True)
class Scanned:
    """The Dataset read on the streaming route and what the command line says about it."""

    dataset: Dataset
    rows_read: int
    rows_kept: int
    kind: str
    format: str
    user_ids: pl.Categories
    """The dictionary of the user ids: ``Dataset.events["user_id"]`` and ``users["user_id"]``
    are its codes (:func:`decode_ids`)."""
    _alive: pl.Series | None = None  # holds the dictionary (polars frees unused ones)
    seconds: dict[str, float] = field(default_factory=dict)
    """Where the time went: sample, scan, duplicates, accounting, users, steps."""


def decode_ids(codes: pl.Series, dictionary: pl.Categories) -> pl.Series:
    """User ids (text) of the codes of a :class:`Scanned` dataset."""
    return dictionary.to_series().gather(codes).alias(codes.name)


def estimated_rows(path: Path) -> int | None:
    """About how many rows ``path`` holds: a Parquet file's own count (its metadata), a text
    file's size over the mean length of its first lines; None for other files."""
    path = Path(path)
    try:
        fmt = _format(path)
    except (ScanUnsupported, OSError):
        return None
    if fmt == "parquet":
        try:
            return int(pl.scan_parquet(path).select(pl.len()).collect().item())
        except pl.exceptions.PolarsError:
            return None
    with path.open("rb") as fh:
        head = fh.read(2**20)
    lines = head.count(b"\n")
    if lines < 2:
        return 1
    return int(path.stat().st_size / (len(head[: head.rfind(b"\n") + 1]) / lines))


def is_big(path: Path, rows: int = BIG_ROWS) -> bool:
    """True when ``path`` holds more than ``rows`` rows (:func:`estimated_rows`)."""
    n = estimated_rows(path)
    return n is not None and n > rows


def _format(path: Path) -> str:
    with path.open("rb") as fh:
        magic = fh.read(8)
    if magic[:4] == b"PAR1":
        return "parquet"
    if magic[:2] == b"\x1f\x8b" or magic[:2] == b"PK" or magic[:4] == b"\xd0\xcf\x11\xe0":
        raise ScanUnsupported(Fact("scan.unsupported.format", file=path.name))
    return "csv"


def _sample(path: Path, fmt: str, name: str, encoding: str | None, delimiter: str | None):  # type: ignore[no-untyped-def]
    """(typed sample from read_table, raw sample as the scan sees it, scan options)."""
    from kpi.ingest.read import read_table

    if fmt == "parquet":
        raw = pl.scan_parquet(path).head(SAMPLE_ROWS).collect()
        buf = io.BytesIO()
        raw.write_parquet(buf)
        table = read_table(buf.getvalue(), filename=name, max_mb=None)
        if list(table.frame.columns) != list(raw.columns):
            raise ScanUnsupported(Fact("scan.unsupported.nested", file=name))
        return table, raw, {}
    with path.open("rb") as fh:
        head = fh.read(SAMPLE_BYTES)
    if len(head) == SAMPLE_BYTES:
        head = head[: head.rfind(b"\n") + 1]
    table = read_table(head, filename=name, encoding=encoding, delimiter=delimiter, max_mb=None)
    rep = table.report
    if rep.encoding.replace("-sig", "").lower() not in ("utf-8", "utf8", "ascii"):
        raise ScanUnsupported(Fact("scan.unsupported.encoding", file=name, encoding=rep.encoding))
    if table.extra_tables:
        raise ScanUnsupported(Fact("scan.unsupported.blocks", file=name))
    options = {
        "separator": rep.delimiter,
        "skip_rows": rep.header_row or 0,
        "has_header": True,
        "infer_schema": False,
    }
    raw = pl.read_csv(head, **options)  # type: ignore[arg-type]
    if (
        list(raw.columns) != list(table.frame.columns)
        or raw.height != rep.rows_read
        or set(rep.dropped) - {BLANK_ROW}
    ):
        raise ScanUnsupported(Fact("scan.unsupported.layout", file=name))
    if rep.dropped:  # blank rows: all fields empty (counted again in the scan)
        raw = raw.filter(~pl.all_horizontal(pl.all().is_null()))
        if raw.height != table.frame.height:
            raise ScanUnsupported(Fact("scan.unsupported.layout", file=name))
    return table, raw, options


def _typed_expr(name: str, raw_dtype: pl.DataType, typed: pl.Series, raw: pl.Series) -> pl.Expr:
    """An expression on the raw column that gives exactly ``typed`` on the sample."""
    from kpi.ingest.values import DATE_FORMATS, DATETIME_FORMATS, null_tokens_to_null

    col = pl.col(name)
    target = typed.dtype
    candidates: list[pl.Expr] = []
    if raw_dtype == target:
        candidates.append(null_tokens_to_null(col) if target == pl.String else col)
    if raw_dtype == pl.String:
        text = col.str.strip_chars()
        if target == pl.String:
            candidates.append(null_tokens_to_null(col))
        elif target.is_numeric():
            candidates.append(null_tokens_to_null(text).cast(target, strict=False))
        elif target == pl.Date:
            candidates += [text.str.to_date(f, strict=False) for f in DATE_FORMATS]
        elif isinstance(target, pl.Datetime):
            candidates += [
                text.str.to_datetime(f, strict=False, time_unit="us") for f in DATETIME_FORMATS
            ]
            candidates += [
                text.str.to_date(f, strict=False).cast(pl.Datetime("us")) for f in DATE_FORMATS
            ]
    elif raw_dtype.is_numeric() and target.is_numeric():
        candidates.append(col.cast(target))
    frame = raw.to_frame()
    for expr in candidates:
        try:
            got = frame.select(expr.alias(name)).to_series()
        except pl.exceptions.PolarsError:
            continue
        if got.dtype == target and got.equals(typed, check_names=False, null_equal=True):
            return expr.alias(name)
    raise ScanUnsupported(
        Fact("scan.unsupported.column", column=name, dtype=str(target)),
    )


def _step_order(events: pl.DataFrame) -> list[str]:
    """:func:`kpi.funnel.default_step_order` of the streamed events, grouped on the event
    names' Categorical codes (the same statistics, ordering and result: ``tests/unit/
    test_scan.py``) instead of one text value per event (450 MB at 10M events)."""
    from kpi.steps import ROLES, journey_rank

    seen = pl.col("ts").min() if "ts" in events.columns else pl.col("_i").min()
    stats = (
        events.lazy()
        .select("user_id", "step", *(["ts"] if "ts" in events.columns else []))
        .with_row_index("_i")
        .filter(pl.col("step").is_not_null())
        .group_by("step")
        .agg(
            pl.col("user_id").n_unique().alias("_users"),
            seen.alias("_seen"),
            pl.col("_i").min().alias("_first"),
        )
        .collect()
        .with_columns(pl.col("step").cast(pl.String))
    )
    ranks = [journey_rank(s) for s in stats.get_column("step").to_list()]
    stats = stats.with_columns(_rank=pl.Series(ranks, dtype=pl.Int32))
    if stats.filter(pl.col("_rank") < len(ROLES)).height < 2:
        stats = stats.with_columns(_rank=pl.lit(0, dtype=pl.Int32))
    stats = stats.sort(
        ["_rank", "_users", "_seen", "_first"],
        descending=[False, True, False, False],
        nulls_last=True,
    )
    return stats.get_column("step").to_list()


def scan_dataset(
    path: Path,
    *,
    filename: str | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
    roles: dict[str, str] | None = None,
    cohort_grain: Literal["week", "month"] = "month",
) -> Scanned:
    """The Dataset of one big event log (module docstring); :class:`ScanUnsupported` when the
    file needs the normal route, :class:`~kpi.errors.UnreadableFileError` when polars cannot
    read it."""
    from kpi.ingest.build import user_segments
    from kpi.ingest.roles import _norm, detect_roles
    from kpi.ingest.shapes import TableInput, _as_id, _segment_cols, _to_datetime

    path = Path(path)
    name = filename or path.name
    fmt = _format(path)
    if encoding is not None and encoding.replace("-", "").lower() not in ("utf8", "ascii"):
        raise ScanUnsupported(Fact("scan.unsupported.encoding", file=name, encoding=encoding))
    clock = [time.perf_counter()]
    seconds: dict[str, float] = {}

    def lap(what: str) -> None:
        now = time.perf_counter()
        seconds[what] = now - clock[0]
        clock[0] = now

    table, raw, options = _sample(path, fmt, name, encoding, delimiter)
    missing = [c for c in (roles or {}) if c not in table.frame.columns]
    if missing:
        raise InputError(
            Fact(
                "scan.role.no_column",
                file=name,
                column=missing[0],
                columns=list(table.frame.columns),
            )
        )
    detected = detect_roles(table.frame, filename=name)
    all_roles = {**detected, **(roles or {})}
    t = TableInput.from_table(name, table, roles=all_roles)
    kind = t.kind
    if kind != "events":
        raise ScanUnsupported(Fact("scan.unsupported.kind", file=name, kind=kind))
    if t.col("unit_price") and not t.col("revenue"):
        raise ScanUnsupported(Fact("scan.unsupported.kind", file=name, kind="price"))

    uid, step, ts = t.col("user_id"), t.col("step"), t.col("ts")
    assert uid is not None and step is not None
    seg = _segment_cols(t)
    flags = t.cols("converted")
    signup = t.col("signup")
    sid, oid, rev = t.col("session_id"), t.col("order_id"), t.col("revenue")
    used = [c for c in dict.fromkeys([uid, step, ts, sid, oid, rev, signup, *seg, *flags]) if c]
    typed_frame = table.frame
    raw_schema = raw.schema
    typed = {c: _typed_expr(c, raw_schema[c], typed_frame[c], raw[c]) for c in used}
    tschema = typed_frame.schema
    notes: list[Fact | str] = []

    def typed_col(c: str) -> pl.Expr:
        return typed[c]

    user = _as_id(typed_col(uid), tschema[uid])
    if "email" in _norm(uid) and tschema[uid] == pl.String:
        user = user.str.to_lowercase()
        notes.append(Fact("ingest_shape.email_ids", file=name, column=uid))
    user = pl.when(user != "").then(user)
    # a dictionary of its own per scan and per id (codes from 0; freed when unused)
    user_cats, order_cats = pl.Categories.random(), pl.Categories.random()
    # the scan's columns: the events' own (compact), one 64-bit hash per row for the
    # duplicates; the users' attributes are read again for their first-touch rows only (so
    # that no segment is held on every event)
    step_text = typed_col(step).cast(pl.String).str.strip_chars()
    step_expr = pl.when(step_text != "").then(step_text)
    shown: dict[str, pl.Expr] = {"user_id": user, "step": step_expr}  # as the examples show
    dup: list[pl.Expr] = [user, step_expr]
    cols: list[pl.Expr] = [
        pl.all_horizontal(pl.all().is_null()).alias("_blank"),
        user.cast(pl.Categorical(user_cats)).alias("user_id"),
        step_expr.cast(pl.Categorical).alias("step"),
    ]
    ts_expr = _to_datetime(typed_col(ts), tschema[ts]) if ts else None
    if ts_expr is not None:
        cols.append(ts_expr.alias("ts"))
        shown["ts"] = dup_ts = ts_expr
        dup.append(dup_ts)
    if sid:
        sid_expr = _as_id(typed_col(sid), tschema[sid])
        if _norm(sid).endswith("gasessionid"):
            sid_expr = pl.concat_str([user, pl.lit(":"), sid_expr])
            notes.append(
                Fact("ingest_shape.ga4_session", file=name, user_column=uid, session_column=sid)
            )
        # sessions: a 64-bit hash, not a dictionary (one session in 6 events: a dictionary of
        # 8M sessions costs 2 GB while it is built); two of 50M sessions share a hash with a
        # chance below 1e-4
        sid_hash = pl.when(sid_expr.is_not_null()).then(sid_expr.hash(seed=11))
        cols.append(sid_hash.alias("session_id"))
        shown["session_id"] = sid_hash
        dup.append(sid_hash)
    if rev:
        rev_expr = typed_col(rev).cast(pl.Float64)
        cols.append(rev_expr.alias("revenue"))
        shown["revenue"] = rev_expr
        dup.append(rev_expr)
    if oid:
        oid_expr = _as_id(typed_col(oid), tschema[oid])
        cols.append(oid_expr.cast(pl.Categorical(order_cats)).alias("order_id"))
        shown["order_id"] = oid_expr
        dup.append(oid_expr)
    channel = t.col("channel")
    if channel and _norm(channel).endswith("trafficsourcemedium"):
        notes.insert(0, Fact("ingest_shape.ga4_medium", file=name, column=channel))
    attr_exprs: dict[str, pl.Expr] = {}  # the users' attributes, by their name in users
    if signup:
        attr_exprs["signup"] = _to_datetime(typed_col(signup), tschema[signup])
    attr_exprs.update({n: typed_col(c).cast(pl.String) for c, n in seg.items()})
    shown.update(attr_exprs)
    attr_exprs.update({f"_flag_{c}": typed_col(c).cast(pl.Boolean) for c in flags})
    dup += list(attr_exprs.values())
    # duplicates are counted on every column of the file (unused ones as they are read): rows
    # equal in every column share the hash (a collision among 50M rows has a chance below
    # 1e-4 and would count one duplicate too many)
    dup += [pl.col(c) for c in raw.columns if c not in used]
    row_hash = pl.struct([e.alias(f"_d{i}") for i, e in enumerate(dup)]).hash(seed=3)
    cols.append(row_hash.alias("_dup"))

    lap("sample")  # the sample, its roles and the plan of the scan

    def scan() -> pl.LazyFrame:
        if fmt == "parquet":
            return pl.scan_parquet(path)
        return pl.scan_csv(path, **options)  # type: ignore[arg-type]

    def collect(query: pl.LazyFrame) -> pl.DataFrame:
        try:
            return query.collect(engine="streaming")
        except pl.exceptions.PolarsError as exc:
            raise UnreadableFileError(
                Fact("scan.error.unreadable", file=name, detail=str(exc).splitlines()[0][:200]),
                Fact("scan.error.hint"),
            ) from exc

    def rows_of(index: pl.Series, exprs: dict[str, pl.Expr]) -> pl.DataFrame:
        """``exprs`` on the file's rows ``index`` (positions among the rows read), by ``_row``:
        a streaming pass that keeps only those rows."""
        query = scan().with_row_index("_row").filter(pl.col("_row").is_in(index.implode()))
        return collect(query.select("_row", *[e.alias(n) for n, e in exprs.items()]))

    frame = collect(scan().select(cols))
    lap("scan")
    rows_read = frame.height
    duplicates = rows_read - frame["_dup"].n_unique() if rows_read > 1 else 0
    frame = frame.drop("_dup").with_row_index("_row")
    lap("duplicates")

    # accounting: the normal route's rules, in its order
    dropped: dict[str, int] = {}
    bad_rows: dict[str, pl.Series] = {}
    rules = [
        (BLANK_ROW, ~pl.col("_blank")),
        (MISSING_USER_ID, pl.col("user_id").is_not_null()),
        (MISSING_EVENT, pl.col("step").is_not_null()),
    ]
    if ts:
        rules.append((MISSING_TIMESTAMP, pl.col("ts").is_not_null()))
    for reason, keep in rules:
        mask = frame.select(keep.fill_null(False).alias("_k")).to_series()
        lost = frame.height - int(mask.sum())
        if lost:
            dropped[reason] = lost
            bad_rows[reason] = frame.filter(~mask).head(3)["_row"]
            frame = frame.filter(mask)
    examples: dict[str, list[str]] = {}
    if bad_rows:  # up to three examples per reason, as the file's rows show them
        bad = rows_of(pl.concat(list(bad_rows.values())), shown)
        for reason, index in bad_rows.items():
            rows = (
                pl.DataFrame({"_row": index})
                .join(bad, on="_row", how="left", maintain_order="left")
                .select(pl.exclude("_row").cast(pl.String))
            )
            examples[reason] = [
                ", ".join(f"{k}={'' if v is None else v}" for k, v in row.items())[:160]
                for row in rows.iter_rows(named=True)
            ]
    kept = frame.height
    lap("accounting")
    alive = frame["user_id"].head(1)
    frame = frame.drop("_blank").with_columns(
        pl.col("user_id").to_physical(),
        *[pl.col(c).to_physical() for c in ("order_id",) if c in frame.columns],
    )

    # one row per user: first touch (earliest event, ties in file order; without timestamps
    # the first event), its attributes read again from the file for those rows only
    attrs = list(attr_exprs)
    if ts:
        firsts = (
            frame.select("user_id", "ts", "_row")
            .group_by("user_id")
            .agg(
                pl.col("ts").min().alias("first_seen"),
                pl.col("_row").get(pl.col("ts").arg_min()),
            )
            .sort(["first_seen", "_row"])  # the normal route's order: by first touch
        )
    else:
        firsts = frame.group_by("user_id").agg(pl.col("_row").min()).sort("_row")
    if attrs:
        users = firsts.join(
            rows_of(firsts["_row"], attr_exprs), on="_row", how="left", maintain_order="left"
        ).drop("_row")
    else:
        users = firsts.drop("_row")
    del firsts
    # an attribute missing on the user's first event: the earliest event that has one (ties
    # in file order), from a pass over those users' kept rows that have any
    gaps = [c for c in attrs if users[c].null_count()]
    if gaps:
        need = users.filter(pl.any_horizontal(pl.col(gaps).is_null()))["user_id"]
        when = "ts" if ts_expr is not None else "_row"
        keep_row = user.is_not_null() & step_expr.is_not_null()
        if ts_expr is not None:
            keep_row = keep_row & ts_expr.is_not_null()
        code = user.cast(pl.Categorical(user_cats)).to_physical()
        query = (
            scan()
            .with_row_index("_row")
            .filter(
                keep_row
                & code.is_in(need.implode())
                & pl.any_horizontal(attr_exprs[c].is_not_null() for c in gaps)
            )
            .select(
                "_row",
                code.alias("user_id"),
                *([ts_expr.alias("ts")] if ts_expr is not None else []),
                *[attr_exprs[c].alias(c) for c in gaps],
            )
        )
        fill = (
            collect(query)
            .sort("_row")  # group order: the file's
            .group_by("user_id")
            .agg(
                pl.col(c)
                .get(pl.when(pl.col(c).is_not_null()).then(pl.col(when)).arg_min().fill_null(0))
                .alias(f"_fill_{c}")
                for c in gaps
            )
        )
        users = (
            users.join(fill, on="user_id", how="left", maintain_order="left")
            .with_columns(pl.coalesce(c, f"_fill_{c}").alias(c) for c in gaps)
            .drop(f"_fill_{c}" for c in gaps)
        )
    users = users.rename({f"_flag_{c}": c for c in flags})
    event_cols = [
        c
        for c in ("user_id", "ts", "step", "session_id", "revenue", "order_id")
        if c in frame.columns
    ]
    events = frame.select(event_cols)
    del frame

    lap("users")
    users, segments, extra_segments = user_segments(users, cohort_grain, notes)
    flag_cols = tuple(c for c, dtype in users.schema.items() if dtype == pl.Boolean)
    steps: tuple[str, ...] = ()
    if events.height:
        steps = tuple(dict.fromkeys(_step_order(events)))
    currencies = tuple(sorted(set(t.currencies_named())))
    if len(currencies) > 1:
        notes.append(Fact("ingest_shape.currencies", currencies=list(currencies)))
    from kpi.ingest.currency import one_currency

    source = Source(name, kind, rows_read, kept, dropped, examples, duplicates)
    ds = Dataset(
        events=events,
        users=users,
        steps=steps,
        segments=tuple(dict.fromkeys(segments)),
        extra_segments=tuple(extra_segments),
        flags=flag_cols,
        sources=(source,),
        notes=tuple(notes),
        currency=one_currency(currencies),
        currencies=currencies,
    )
    lap("steps")
    return Scanned(ds, rows_read, kept, kind, fmt, user_cats, alive, seconds)
