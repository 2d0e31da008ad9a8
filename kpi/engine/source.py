"""Where connected data lives: parse a source address, open it read-only, list its tables.

Accepted addresses (:func:`parse_source`):

- ``duckdb:///abs/path/file.duckdb`` or ``duckdb://relative/file.duckdb`` (or a path ending in
  ``.duckdb``/``.ddb``): a DuckDB database, opened with ``read_only=True``; a table is named
  with ``table`` (``--table``), or taken when the file holds only one.
- a folder of Parquet files (its path; ``parquet:`` in front is allowed), or one ``.parquet``
  file: read out of core by DuckDB (``read_parquet`` over ``**/*.parquet``, hive folders such as
  ``date=2024-01-31/`` read as columns, files unioned by column name). ``table`` may name a
  sub-folder.
- ``spark:local`` (``spark:local[2]``): a local Spark session started here;
  ``spark://host:port``: a Spark cluster's master; ``sc://host:port``: Spark Connect. ``table``
  is a catalog table, or a Parquet path read by Spark.
- any other ``scheme://…`` that Ibis knows (``postgres://``, ``bigquery://``,
  ``snowflake://``, ``clickhouse://``, ``sqlite:///``…): opened with ``ibis.connect``; narwhals
  runs on the Ibis table.

Secrets: the text of an address can hold a password, a token or keys (in the user part, the
query string, Spark Connect's ``;token=``). A :class:`SourceSpec` keeps the address for the
connection only; its ``label`` and ``repr`` never show a secret, and every failure is raised as
a :class:`~kpi.errors.InputError` whose words went through :func:`redact`, raised outside the
``except`` block so that the original exception (which may quote the address) is not chained.
"""

from __future__ import annotations

import contextlib
import re
import shutil
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal
from urllib.parse import unquote, urlsplit

import narwhals as nw
import polars as pl

from kpi.errors import InputError
from kpi.words import Fact

__all__ = [
    "OpenSource",
    "SourceSpec",
    "list_tables",
    "open_source",
    "parse_source",
    "preview",
    "redact",
]

Kind = Literal["duckdb", "parquet", "spark", "spark_connect", "warehouse"]

PREVIEW_MAX_ROWS = 1_000
"""A preview never brings back more rows than this, whatever is asked."""
MAX_TABLES_NAMED = 30
"""A message names at most this many tables."""

_DUCKDB_SUFFIXES = (".duckdb", ".ddb")
_SPARK_LOCAL = re.compile(r"^spark:local(\[(\d+|\*)\])?$", re.I)
_SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*)://", re.I)


# --------------------------------------------------------------------------------------------
# redaction


_SECRET_WORDS = (
    r"password|passwd|pwd|pass|token|access_token|refresh_token|id_token|secret|client_secret|"
    r"api[_-]?key|apikey|access[_-]?key(?:[_-]?id)?|secret[_-]?access[_-]?key|private[_-]?key|"
    r"credentials?|auth|authorization|session[_-]?token|sig|signature|key"
)
_REDACTIONS: tuple[tuple[re.Pattern[str], str], ...] = (
    # user:password@ (or a token as user) in any URL
    (re.compile(r"(?P<scheme>\b[a-z][a-z0-9+.\-]*://)[^/\s@?#]+@", re.I), r"\g<scheme>***@"),
    # query strings and fragments of URLs
    (re.compile(r"(?P<url>\b[a-z][a-z0-9+.\-]*://[^\s?#'\"]*)[?#][^\s'\"]*", re.I), r"\g<url>?***"),
    # Spark Connect parameters: sc://host:port/;token=…;user_id=…
    (re.compile(r"(?P<url>\bsc://[^\s;/'\"]*/?);[^\s'\"]*", re.I), r"\g<url>;***"),
    # Authorization: Bearer … / Basic …
    (re.compile(r"\b(Bearer|Basic|Token)\s+[A-Za-z0-9._~+/=\-]{8,}", re.I), r"\1 ***"),
    # key=value, key: value, "key": "value" (JSON), key='value'
    (
        re.compile(
            r"(?P<key>[\"']?\b[\w\-]*?(?:" + _SECRET_WORDS + r")\b[\"']?\s*[=:]\s*)"
            r"(?:\"[^\"]*\"|'[^']*'|[^\s,;&)\]}]+)",
            re.I,
        ),
        r"\g<key>***",
    ),
    # well-known token shapes: AWS keys, Databricks, GitHub, Slack, JWTs, Google API keys
    (re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"), "***"),
    (re.compile(r"\bdapi[0-9a-f]{16,}\b", re.I), "***"),
    (re.compile(r"\bgh[pousr]_[A-Za-z0-9]{20,}\b"), "***"),
    (re.compile(r"\bxox[abposr]-[A-Za-z0-9\-]{10,}\b"), "***"),
    (re.compile(r"\beyJ[A-Za-z0-9_\-]{5,}\.[A-Za-z0-9_\-]{5,}\.[A-Za-z0-9_\-]{5,}\b"), "***"),
    (re.compile(r"\bAIza[0-9A-Za-z_\-]{30,}\b"), "***"),
    # PEM private keys
    (
        re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----.*?-----END [A-Z ]*PRIVATE KEY-----", re.S),
        "***",
    ),
)


def redact(text: str, secrets: tuple[str, ...] | list[str] = ()) -> str:
    """``text`` without passwords, tokens, keys and URL query strings (replaced by ``***``).

    ``secrets`` are exact strings to remove as well (the password and token values parsed from
    the address), in case a driver quotes one out of its URL context."""
    out = str(text)
    for secret in sorted({s for s in secrets if s and len(s) >= 3}, key=len, reverse=True):
        out = out.replace(secret, "***")
    for pattern, repl in _REDACTIONS:
        out = pattern.sub(repl, out)
    return out


def _short(reason: object, secrets: tuple[str, ...] = (), limit: int = 300) -> str:
    """An exception's first line, redacted and shortened, for a message."""
    text = str(reason).strip() or type(reason).__name__
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    line = lines[0] if lines else text
    details = next((ln for ln in lines if ln.startswith("details =")), None)
    if details is not None:  # gRPC: "<_MultiThreadedRendezvous of RPC that terminated with:"
        line = details.removeprefix("details =").strip().strip('"')
    elif line.endswith(":") and len(lines) > 1:
        line = f"{line} {lines[1]}"
    line = redact(line, secrets)
    return line if len(line) <= limit else line[: limit - 1] + "…"


# --------------------------------------------------------------------------------------------
# the address


@dataclass(frozen=True)
class SourceSpec:
    """A parsed source address. ``target`` is what the connection needs (a path, a master URL,
    the warehouse URL, secrets included): never show it; ``label`` is safe to show anywhere."""

    kind: Kind
    target: str = field(repr=False)
    label: str
    backend: str = ""  # the Ibis backend of a warehouse ("postgres", "bigquery"…)
    secrets: tuple[str, ...] = field(default=(), repr=False)

    def __str__(self) -> str:
        return self.label


def parse_source(text: str) -> SourceSpec:
    """The :class:`SourceSpec` of a source address (module docstring); a clear
    :class:`~kpi.errors.InputError` when it is none of the accepted forms."""
    raw = (text or "").strip()
    if not raw:
        raise InputError(Fact("engine_source.empty"), Fact("engine_source.hint.forms"))
    if _SPARK_LOCAL.match(raw):
        return SourceSpec("spark", raw.lower().replace("spark:", "", 1), raw.lower())
    lowered = raw.lower()
    if lowered.startswith("duckdb:"):
        rest = raw[len("duckdb:") :]
        rest = rest[2:] if rest.startswith("//") else rest
        if "?" in rest:
            rest = rest.split("?", 1)[0]
        if not rest or rest == "/":
            raise _bad_address(raw, "no database file after duckdb://")
        return _duckdb_spec(rest)
    if lowered.startswith("parquet:"):
        rest = raw[len("parquet:") :]
        rest = rest[2:] if rest.startswith("//") else rest
        return _parquet_spec(rest)
    scheme = _SCHEME.match(raw)
    if scheme is None:
        path = Path(raw).expanduser()
        if path.suffix.lower() in _DUCKDB_SUFFIXES:
            return _duckdb_spec(str(path))
        return _parquet_spec(str(path))
    name = scheme.group(1).lower()
    secrets = _secrets_of(raw)
    if name == "file":
        return _parquet_spec(unquote(urlsplit(raw).path))
    if name == "spark":
        parts = _split(raw, secrets)
        if not parts.hostname:
            raise _bad_address(raw, "spark://host:port", secrets)
        return SourceSpec("spark", raw, _url_label(raw, secrets), secrets=secrets)
    if name == "sc":
        parts = _split(raw, secrets)
        if not parts.hostname:
            raise _bad_address(raw, "sc://host:port", secrets)
        return SourceSpec("spark_connect", raw, _url_label(raw, secrets), secrets=secrets)
    backends = _ibis_backends()
    backend = {"postgresql": "postgres", "pg": "postgres", "bq": "bigquery"}.get(name, name)
    if backend not in backends:
        raise InputError(
            Fact("engine_source.unknown", source=_url_label(raw, secrets)),
            Fact("engine_source.hint.forms"),
        )
    target = raw
    if name != backend:
        target = backend + raw[len(name) :]
    return SourceSpec(
        "warehouse", target, _url_label(raw, secrets), backend=backend, secrets=secrets
    )


def _bad_address(raw: str, reason: str, secrets: tuple[str, ...] = ()) -> InputError:
    return InputError(
        Fact("engine_source.bad_address", source=redact(raw, secrets), reason=reason),
        Fact("engine_source.hint.forms"),
    )


def _split(raw: str, secrets: tuple[str, ...]) -> Any:
    error = None
    try:
        parts = urlsplit(raw)
        parts.port  # noqa: B018 - a bad port raises here
    except ValueError as exc:
        error = _bad_address(raw, _short(exc, secrets), secrets)
    if error is not None:
        raise error from None
    return parts


def _secrets_of(raw: str) -> tuple[str, ...]:
    """The password, token and query values of an address (to scrub from any text)."""
    out: list[str] = []
    try:
        parts = urlsplit(raw)
        if parts.password:
            out += [parts.password, unquote(parts.password)]
        if parts.username and parts.password is None and len(parts.username) > 20:
            out.append(parts.username)  # a token given as the user part
    except ValueError:
        pass
    for m in re.finditer(r"[?&;]([^=&;#]+)=([^&;#]*)", raw):
        if m.group(2):
            out += [m.group(2), unquote(m.group(2))]
    return tuple(dict.fromkeys(s for s in out if s))


def _url_label(raw: str, secrets: tuple[str, ...] = ()) -> str:
    """``scheme://host:port/path`` of an address: no user, password, query or parameters."""
    try:
        parts = urlsplit(raw)
        host = parts.hostname or ""
        port = f":{parts.port}" if parts.port else ""
        path = parts.path.split(";", 1)[0]
        label = f"{parts.scheme}://{host}{port}{path}"
    except ValueError:
        label = raw.split("?", 1)[0].split(";", 1)[0]
    return redact(label, secrets)


def _duckdb_spec(rest: str) -> SourceSpec:
    path = Path(rest).expanduser()
    if not path.exists() and rest.startswith("/") and Path(rest.lstrip("/")).exists():
        path = Path(rest.lstrip("/"))  # duckdb:///file.duckdb meant relative
    return SourceSpec("duckdb", str(path), path.name)


def _parquet_spec(rest: str) -> SourceSpec:
    path = Path(rest).expanduser()
    label = path.name or str(path)
    return SourceSpec("parquet", str(path), label)


def _ibis_backends() -> set[str]:
    from importlib.metadata import entry_points

    return {e.name for e in entry_points(group="ibis.backends")} - {"duckdb", "polars"}


# --------------------------------------------------------------------------------------------
# opening


@dataclass
class OpenSource:
    """An open source: ``native`` is the table in its engine (a DuckDB relation, a Spark
    DataFrame, an Ibis table), ``label`` what may be shown (source and table, no secret),
    ``backend`` "duckdb", "spark" or "ibis". :meth:`close` releases the connection (also on
    leaving the ``with`` block of :func:`open_source`)."""

    native: Any
    label: str
    backend: str
    table: str | None = None
    _close: list[Callable[[], None]] = field(default_factory=list, repr=False)

    def close(self) -> None:
        while self._close:
            fn = self._close.pop()
            with contextlib.suppress(Exception):
                fn()

    def __enter__(self) -> OpenSource:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


@contextlib.contextmanager
def open_source(spec: SourceSpec | str, table: str | None = None) -> Iterator[OpenSource]:
    """Open ``spec`` read-only and yield an :class:`OpenSource` on ``table`` (module
    docstring); closed when the block ends."""
    opened = connect(spec, table)
    try:
        yield opened
    finally:
        opened.close()


def connect(spec: SourceSpec | str, table: str | None = None) -> OpenSource:
    """:func:`open_source` without the ``with`` block: the caller calls ``close()`` (the app
    keeps a connection for a session)."""
    spec = parse_source(spec) if isinstance(spec, str) else spec
    table = table.strip() if isinstance(table, str) and table.strip() else None
    if spec.kind == "duckdb":
        return _open_duckdb(spec, table)
    if spec.kind == "parquet":
        return _open_parquet(spec, table)
    if spec.kind in ("spark", "spark_connect"):
        return _open_spark(spec, table)
    return _open_warehouse(spec, table)


def _label(spec: SourceSpec, table: str | None) -> str:
    return f"{spec.label} · {table}" if table else spec.label


# DuckDB -------------------------------------------------------------------------------------


def _quiet(con: Any) -> Any:
    """No progress bars on the command line's terminal (DuckDB draws them on long queries)."""
    con.execute("SET enable_progress_bar = false")  # a constant, no user value
    return con


def _duckdb_connection(spec: SourceSpec) -> Any:
    import duckdb

    path = Path(spec.target)
    if not path.is_file():
        raise InputError(
            Fact("engine_source.missing_path", path=spec.label), Fact("engine_source.hint.path")
        )
    error = None
    try:
        con = _quiet(duckdb.connect(str(path), read_only=True))
    except Exception as exc:  # every driver error becomes a message
        error = InputError(
            Fact("engine_source.not_duckdb", path=spec.label, reason=_short(exc)),
            Fact("engine_source.hint.duckdb"),
        )
    if error is not None:
        raise error
    return con


def _duckdb_tables(con: Any) -> list[str]:
    rows = con.execute(
        "SELECT table_schema, table_name FROM information_schema.tables "
        "WHERE table_catalog = current_database() ORDER BY table_schema, table_name"
    ).fetchall()
    return [name if schema == "main" else f"{schema}.{name}" for schema, name in rows]


def _pick_table(spec: SourceSpec, tables: list[str], table: str | None) -> str:
    if not tables:
        raise InputError(
            Fact("engine_source.no_tables", source=spec.label),
            Fact("engine_source.hint.no_tables"),
        )
    if table is None:
        if len(tables) == 1:
            return tables[0]
        raise InputError(
            Fact("engine_source.need_table", source=spec.label, n=len(tables)),
            Fact("engine_source.hint.tables", tables=tables[:MAX_TABLES_NAMED]),
        )
    if table in tables:
        return table
    folded = {t.lower(): t for t in tables}
    if table.lower() in folded:
        return folded[table.lower()]
    raise InputError(
        Fact("engine_source.table_missing", source=spec.label, table=table),
        Fact("engine_source.hint.tables", tables=tables[:MAX_TABLES_NAMED]),
    )


def _open_duckdb(spec: SourceSpec, table: str | None) -> OpenSource:
    con = _duckdb_connection(spec)
    opened = OpenSource(None, spec.label, "duckdb", _close=[con.close])
    try:
        con.execute("SET TimeZone = 'UTC'")  # zoned times read as UTC wall time
        name = _pick_table(spec, _duckdb_tables(con), table)
        opened.native = con.table(name)  # a name from the catalogue, never SQL text
    except BaseException:
        opened.close()
        raise
    opened.label, opened.table = _label(spec, name), name
    return opened


# Parquet ------------------------------------------------------------------------------------


def _parquet_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*.parquet") if p.is_file())


def _hive(root: Path, files: list[Path]) -> bool:
    """True when the files sit in ``key=value`` folders (hive partitions)."""
    return any("=" in part for f in files[:50] for part in f.relative_to(root).parts[:-1])


def _parquet_tables(root: Path) -> list[str]:
    """Sub-folders holding Parquet files that are not hive partitions (one table each)."""
    if root.is_file():
        return [root.stem]
    subs = [
        d.name
        for d in sorted(root.iterdir())
        if d.is_dir() and "=" not in d.name and not d.name.startswith((".", "_"))
    ]
    tables = [s for s in subs if _parquet_files(root / s)]
    return tables


def _open_parquet(spec: SourceSpec, table: str | None) -> OpenSource:
    import duckdb

    root = Path(spec.target)
    if not root.exists():
        raise InputError(
            Fact("engine_source.missing_path", path=spec.label), Fact("engine_source.hint.path")
        )
    if table is not None and root.is_dir():
        tables = _parquet_tables(root)
        name = _pick_table(spec, tables, table)
        root = root / name
    files = [root] if root.is_file() else _parquet_files(root)
    if not files:
        raise InputError(
            Fact("engine_source.no_parquet", path=spec.label), Fact("engine_source.hint.parquet")
        )
    hive = root.is_dir() and _hive(root, files)
    tmp = tempfile.mkdtemp(prefix="parcours-duckdb-")
    con = _quiet(duckdb.connect(":memory:"))
    opened = OpenSource(
        None,
        _label(spec, table),
        "duckdb",
        table,
        _close=[lambda: shutil.rmtree(tmp, ignore_errors=True), con.close],
    )
    error = None
    try:
        # out of core: spill to a private temporary folder; insertion order is not needed
        con.execute("SET temp_directory = ?", [tmp])
        con.execute("SET preserve_insertion_order = false")
        con.execute("SET TimeZone = 'UTC'")
        glob = str(root) if root.is_file() else str(root / "**" / "*.parquet")
        opened.native = con.read_parquet(glob, hive_partitioning=hive, union_by_name=True)
        opened.native.limit(1).fetchall()  # a broken file fails here, not in a computation
    except Exception as exc:
        error = InputError(
            Fact("engine_source.bad_parquet", path=spec.label, reason=_short(exc)),
            Fact("engine_source.hint.same_schema"),
        )
    if error is not None:
        opened.close()
        raise error
    return opened


# Spark --------------------------------------------------------------------------------------


def _open_spark(spec: SourceSpec, table: str | None) -> OpenSource:
    from kpi.engine import spark as spark_mod

    session, stop = spark_mod.session_for(spec)
    opened = OpenSource(None, spec.label, "spark", _close=[stop])
    try:
        if table is None:
            name = _pick_table(spec, spark_mod.catalog_tables(session), None)
            opened.native = session.table(name)
        elif _looks_like_path(table):
            name = table
            opened.native = spark_mod.read_path(session, table, spec)
        else:
            name = _pick_table(spec, spark_mod.catalog_tables(session), table)
            opened.native = session.table(name)
    except BaseException:
        opened.close()
        raise
    opened.label = _label(spec, Path(name).name if _looks_like_path(name) else name)
    opened.table = name
    return opened


def _looks_like_path(table: str) -> bool:
    return "/" in table or "\\" in table or table.endswith(".parquet") or "://" in table


# warehouses (Ibis) --------------------------------------------------------------------------


def _ibis_connection(spec: SourceSpec) -> Any:
    import ibis

    error = None
    try:
        con = ibis.connect(spec.target)
    except ImportError:
        error = InputError(
            Fact("engine_source.no_driver", backend=spec.backend),
            Fact("engine_source.hint.driver", backend=spec.backend),
        )
    except Exception as exc:  # refused, bad credentials, unknown host…
        error = InputError(
            Fact(
                "engine_source.connect_failed",
                source=spec.label,
                reason=_short(exc, spec.secrets),
            ),
            Fact("engine_source.hint.connection"),
        )
    if error is not None:
        raise error
    return con


def _open_warehouse(spec: SourceSpec, table: str | None) -> OpenSource:
    con = _ibis_connection(spec)
    opened = OpenSource(None, spec.label, "ibis", _close=[getattr(con, "disconnect", _noop)])
    error = None
    try:
        name = _pick_table(spec, _ibis_tables(con, spec), table)
        opened.native = con.table(name)
    except InputError:
        opened.close()
        raise
    except Exception as exc:
        error = InputError(
            Fact(
                "engine_source.read_failed",
                table=table or "",
                source=spec.label,
                reason=_short(exc, spec.secrets),
            ),
            Fact("engine_source.hint.connection"),
        )
    if error is not None:
        opened.close()
        raise error
    opened.label, opened.table = _label(spec, name), name
    return opened


def _ibis_tables(con: Any, spec: SourceSpec) -> list[str]:
    error = None
    try:
        return sorted(con.list_tables())
    except Exception as exc:
        error = InputError(
            Fact(
                "engine_source.connect_failed",
                source=spec.label,
                reason=_short(exc, spec.secrets),
            ),
            Fact("engine_source.hint.connection"),
        )
    raise error


def _noop() -> None:
    return None


# --------------------------------------------------------------------------------------------
# tables and previews


def list_tables(spec: SourceSpec | str) -> list[str]:
    """The tables a source offers (DuckDB and warehouse tables, Spark catalog tables, the
    sub-folders of a Parquet folder; a Parquet folder that is one table gives ``[]``)."""
    spec = parse_source(spec) if isinstance(spec, str) else spec
    if spec.kind == "duckdb":
        con = _duckdb_connection(spec)
        try:
            return _duckdb_tables(con)
        finally:
            con.close()
    if spec.kind == "parquet":
        root = Path(spec.target)
        if not root.exists():
            raise InputError(
                Fact("engine_source.missing_path", path=spec.label),
                Fact("engine_source.hint.path"),
            )
        return _parquet_tables(root) if root.is_dir() else []
    if spec.kind in ("spark", "spark_connect"):
        from kpi.engine import spark as spark_mod

        session, stop = spark_mod.session_for(spec)
        try:
            return spark_mod.catalog_tables(session)
        finally:
            stop()
    con = _ibis_connection(spec)
    try:
        return _ibis_tables(con, spec)
    finally:
        with contextlib.suppress(Exception):
            con.disconnect()


def preview(native: Any, rows: int = 20) -> pl.DataFrame:
    """The first ``rows`` rows (at most :data:`PREVIEW_MAX_ROWS`) of a table in its engine, as
    a polars DataFrame: the engine runs a ``LIMIT``, nothing more comes back. ``native`` may be
    an :class:`OpenSource`, an :class:`~kpi.engine.frame.EngineTable` or any frame narwhals
    reads."""
    from kpi.engine.frame import EngineTable

    if isinstance(native, OpenSource):
        native = native.native
    frame = native.events if isinstance(native, EngineTable) else nw.from_native(native)
    n = max(0, min(int(rows), PREVIEW_MAX_ROWS))
    if isinstance(frame, nw.DataFrame):
        return frame.head(n).to_polars()
    return frame.head(n).collect("polars").to_native()
