"""Fixtures of the engine tests: one local Spark session for the whole run, DuckDB relations.

``spark``: a session-scoped ``local[1]`` session (no UI, two shuffle partitions, UTC),
started once and stopped at the end. Without Java (or pyspark) the Spark tests skip, except
when ``PARCOURS_REQUIRE_SPARK`` is set (``.ci/run`` sets it and installs Debian's
``openjdk-17-jre-headless``): then a missing Java is a failure.

``shop`` (12,000 users) and ``spark_shop`` (6,000, for the slower Spark tests): the generated
shop log, its upload and its canonical events (:class:`tests.engine.engine_data.Shop`), made
once per run for every module that compares an aggregate with the upload's.

``to_native(frame, backend)`` puts a polars DataFrame in an engine: ``"polars"`` (a
LazyFrame), ``"duckdb"`` (a relation of an in-memory connection), ``"spark"`` (a DataFrame
made from Arrow, no pandas in between).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import Any

import polars as pl
import pytest

BACKENDS = ("polars", "duckdb", "spark")


def _spark_missing() -> str | None:
    from kpi.engine.spark import java_available

    if not java_available():
        return "Java is not installed (Spark needs it)"
    try:
        import pyspark  # noqa: F401
    except ImportError:
        return "pyspark is not installed"
    return None


@pytest.fixture(scope="session")
def spark() -> Iterator[Any]:
    """The tests' local Spark session (module docstring)."""
    missing = _spark_missing()
    if missing:
        if os.environ.get("PARCOURS_REQUIRE_SPARK"):
            pytest.fail(f"Spark tests are required here (PARCOURS_REQUIRE_SPARK): {missing}")
        pytest.skip(missing)
    from kpi.engine.spark import local_session

    session = local_session("local[1]", app_name="parcours-tests")
    yield session
    session.stop()


@pytest.fixture(scope="session")
def shop() -> Any:
    """The generated shop of 12,000 users (module docstring)."""
    from tests.engine.engine_data import shop

    return shop(12_000)


@pytest.fixture(scope="session")
def spark_shop() -> Any:
    """The generated shop of 6,000 users for the Spark tests (module docstring)."""
    from tests.engine.engine_data import shop

    return shop(6_000)


@pytest.fixture
def duckdb_con() -> Iterator[Any]:
    """An in-memory DuckDB connection, closed after the test."""
    import duckdb

    con = duckdb.connect(":memory:")
    yield con
    con.close()


def spark_frame(session: Any, frame: pl.DataFrame) -> Any:
    """A Spark DataFrame of ``frame`` (through Arrow); naive datetimes stay naive
    (``timestamp_ntz``)."""
    return session.createDataFrame(frame.to_arrow())


def duckdb_relation(con: Any, frame: pl.DataFrame) -> Any:
    """A DuckDB relation of ``frame`` (through Arrow), on ``con``."""
    return con.from_arrow(frame.to_arrow())


@pytest.fixture
def to_native(request: pytest.FixtureRequest) -> Callable[[pl.DataFrame, str], Any]:
    """``to_native(frame, backend)``: ``frame`` in the engine ``backend`` (module docstring).
    The Spark session is only started when a test asks for Spark."""
    import duckdb

    con = duckdb.connect(":memory:")
    request.addfinalizer(con.close)

    def make(frame: pl.DataFrame, backend: str) -> Any:
        if backend == "polars":
            return frame.lazy()
        if backend == "duckdb":
            return duckdb_relation(con, frame)
        if backend == "spark":
            return spark_frame(request.getfixturevalue("spark"), frame)
        raise ValueError(backend)

    return make


@pytest.fixture(scope="session")
def spark_connect_url(spark: Any) -> Iterator[str]:
    """``sc://127.0.0.1:PORT`` of a Spark Connect service started inside the tests' Spark JVM
    (the spark-connect jar ships with pyspark): the client route runs without a second JVM.
    Skips without the client packages (requirements-spark.txt) unless PARCOURS_REQUIRE_SPARK."""
    import socket

    from kpi.engine.spark import CONNECT_PACKAGES, _importable

    missing = [m for m in CONNECT_PACKAGES if not _importable(m)]
    if missing:
        if os.environ.get("PARCOURS_REQUIRE_SPARK"):
            pytest.fail(f"Spark Connect tests are required here: {', '.join(missing)} missing")
        pytest.skip(f"Spark Connect client packages missing: {', '.join(missing)}")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    context = spark.sparkContext._jsc.sc()
    context.conf().set("spark.connect.grpc.binding.port", str(port))
    context.conf().set("spark.connect.grpc.binding.address", "127.0.0.1")
    spark._jvm.org.apache.spark.sql.connect.service.SparkConnectService.start(context)
    yield f"sc://127.0.0.1:{port}"
