"""Spark sessions: a local one started here (``spark:local``), a cluster (``spark://host:port``)
or Spark Connect (``sc://host:port``).

A local session is small on purpose (``local[1]`` or ``local[2]``, no web UI, few shuffle
partitions: aggregates of event logs, not a cluster's shuffles) and reads timestamps in UTC,
as every other route of Parcours does. pyspark is imported only here, when a Spark source is
opened: the app and the command line work without it.

Only aggregates come back (narwhals ``collect("polars")``, through Arrow): Arrow is switched on
so that pandas never stands in between.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Callable
from typing import Any

from kpi.errors import InputError
from kpi.words import Fact

__all__ = [
    "catalog_tables",
    "java_available",
    "local_session",
    "read_path",
    "session_for",
]

LOCAL_CONF: dict[str, str] = {
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.sql.shuffle.partitions": "2",
    "spark.default.parallelism": "2",
    "spark.sql.session.timeZone": "UTC",
    "spark.sql.execution.arrow.pyspark.enabled": "true",
    "spark.driver.memory": "1g",
    "spark.driver.extraJavaOptions": "-Duser.timezone=UTC",
    "spark.executor.extraJavaOptions": "-Duser.timezone=UTC",
    "spark.sql.adaptive.enabled": "true",
}
"""Settings of a local session (tests and ``spark:local``)."""

CONNECT_PACKAGES = ("grpc", "grpc_status", "google.protobuf", "zstandard", "pyarrow", "pandas")
"""What the Spark Connect client imports (``requirements-spark.txt`` pins them)."""


def java_available() -> bool:
    """True when a ``java`` command is reachable (JAVA_HOME or the PATH)."""
    home = os.environ.get("JAVA_HOME")
    if home and os.path.exists(os.path.join(home, "bin", "java")):
        return True
    return shutil.which("java") is not None


def _pyspark() -> Any:
    error = None
    try:
        import pyspark.sql as sql
    except ImportError:
        error = InputError(Fact("engine_source.no_pyspark"), Fact("engine_source.hint.install"))
    if error is not None:
        raise error
    return sql


def local_session(master: str = "local[1]", app_name: str = "parcours") -> Any:
    """A local SparkSession (:data:`LOCAL_CONF`); the running one if there is one."""
    if not java_available():
        raise InputError(Fact("engine_source.no_java"), Fact("engine_source.hint.java"))
    sql = _pyspark()
    builder = sql.SparkSession.builder.master(master).appName(app_name)
    for key, value in LOCAL_CONF.items():
        builder = builder.config(key, value)
    error = None
    try:
        session = builder.getOrCreate()
        session.sparkContext.setLogLevel("ERROR")
    except Exception as exc:  # the JVM did not start
        from kpi.engine.source import _short

        error = InputError(
            Fact("engine_source.spark_failed", reason=_short(exc)), Fact("engine_source.hint.java")
        )
    if error is not None:
        raise error
    return session


def _connect_session(url: str, secrets: tuple[str, ...]) -> Any:

    missing = [m for m in CONNECT_PACKAGES if not _importable(m)]
    if missing:
        raise InputError(
            Fact("engine_source.no_connect", package=", ".join(missing)),
            Fact("engine_source.hint.install"),
        )
    _pyspark()
    _reachable(url, secrets, default_port=15002)
    error = None
    session = None
    try:
        from pyspark.sql.connect.session import SparkSession as RemoteSession

        # a session of its own for this address (pyspark's getOrCreate would refuse next to a
        # local session, or hand back a session on another server)
        session = RemoteSession.builder.remote(url).create()
        _probe(session)  # a refused handshake fails here, in seconds, not in a computation
        session.conf.set("spark.sql.session.timeZone", "UTC")
    except Exception as exc:
        error = _connect_failed(url, secrets, exc)
        if session is not None:  # its channel would go on retrying in the background
            with contextlib.suppress(Exception):
                session.client.close()  # no RPC: the server did not answer
    if error is not None:
        raise error
    return session


def _cluster_session(url: str, secrets: tuple[str, ...]) -> Any:

    if not java_available():
        raise InputError(Fact("engine_source.no_java"), Fact("engine_source.hint.java"))
    sql = _pyspark()
    _reachable(url, secrets, default_port=7077)
    builder = sql.SparkSession.builder.master(url).appName("parcours")
    for key in ("spark.ui.enabled", "spark.sql.session.timeZone"):
        builder = builder.config(key, LOCAL_CONF[key])
    error = None
    try:
        session = builder.getOrCreate()
    except Exception as exc:
        error = _connect_failed(url, secrets, exc)
    if error is not None:
        raise error
    return session


def _probe(session: Any) -> None:
    """One small query with few retries (pyspark retries a failed handshake for minutes: a
    TLS or token mismatch should say so at once); the session's own retries come back after."""
    from pyspark.sql.connect.client.retries import DefaultPolicy

    client = session.client
    policies = client.get_retry_policies()
    client.set_retry_policies([DefaultPolicy(max_retries=2, max_backoff=1_000)])
    try:
        session.range(1).collect()
    finally:
        client.set_retry_policies(policies)


CONNECT_TIMEOUT_S = 10.0
"""How long a Spark server may take to accept a TCP connection before it is called refused
(pyspark's own client retries a refused connection for minutes)."""


def _reachable(url: str, secrets: tuple[str, ...], *, default_port: int) -> None:
    """Fail fast, with a message, when nothing listens at the address's host and port."""
    import socket
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    host, port = parts.hostname or "localhost", parts.port or default_port
    error = None
    try:
        with socket.create_connection((host, port), timeout=CONNECT_TIMEOUT_S):
            pass
    except OSError as exc:
        error = _connect_failed(url, secrets, exc)
    if error is not None:
        raise error


def _connect_failed(url: str, secrets: tuple[str, ...], exc: BaseException) -> InputError:
    """The message for a session that could not be opened (raised outside ``except``: no
    chained driver text, no secret)."""
    from kpi.engine.source import _short

    return InputError(
        Fact(
            "engine_source.connect_failed", source=_label(url, secrets), reason=_short(exc, secrets)
        ),
        Fact("engine_source.hint.connection"),
    )


def _label(url: str, secrets: tuple[str, ...]) -> str:
    from kpi.engine.source import _url_label

    return _url_label(url, secrets)


def _importable(module: str) -> bool:
    import importlib.util

    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False


def _active_session() -> Any:
    """The session already running in this process (the tests', the app's), or None."""
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        return None
    return SparkSession.getActiveSession() or getattr(SparkSession, "_instantiatedSession", None)


def session_for(spec: Any) -> tuple[Any, Callable[[], None]]:
    """(session, stop) for a Spark :class:`~kpi.engine.source.SourceSpec`. ``stop`` stops the
    session only when this call started it (a session already running, such as the tests' one,
    is left running)."""
    if spec.kind == "spark":
        active = _active_session()
        if active is not None and (
            spec.target.startswith("local") or active.sparkContext.master == spec.target
        ):
            return active, _noop
    if spec.kind == "spark_connect":
        session = _connect_session(spec.target, spec.secrets)
    elif spec.target.startswith("local"):
        session = local_session(spec.target)
    else:
        session = _cluster_session(spec.target, spec.secrets)
    return session, session.stop


def _noop() -> None:
    return None


def catalog_tables(session: Any) -> list[str]:
    """The tables and views of the session's current catalog and database."""
    return sorted(t.name for t in session.catalog.listTables())


def read_path(session: Any, path: str, spec: Any = None) -> Any:
    """A Parquet file or folder read by Spark (hive folders become columns)."""
    from kpi.engine.source import _short

    error = None
    try:
        return session.read.parquet(path)
    except Exception as exc:
        secrets = getattr(spec, "secrets", ())
        error = InputError(
            Fact(
                "engine_source.read_failed",
                table=path,
                source=getattr(spec, "label", "Spark"),
                reason=_short(exc, secrets),
            ),
            Fact("engine_source.hint.path"),
        )
    raise error
