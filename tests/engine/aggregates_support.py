"""Shared helpers of the engine aggregate tests (cohorts, A/B counts, stage KPIs, quality).

- :func:`generated_log`: the benchmark's shop (bench/gen.py) as one event log (strings, as an
  export), :func:`upload`: the Dataset an upload of it gives (read_table → detect_roles →
  build_dataset, the polars route), :func:`canonical`: the same events with the canonical
  column names and types (what ``kpi.engine.roles`` gives an engine);
- :func:`engine_tables`: those events as an EngineTable on polars, DuckDB and (when a Spark
  session is given) Spark;
- :func:`local_spark`: a local[1] Spark session for the whole run (used until
  ``tests/engine/conftest.py``'s ``spark`` fixture is there; skips only when Java is missing
  and ``PARCOURS_REQUIRE_SPARK`` is unset).
"""

from __future__ import annotations

import importlib.util
import io
import math
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import polars as pl
import pytest

from kpi.dataset import Dataset
from kpi.engine.frame import EngineTable, from_native
from kpi.load import read_table
from kpi.schema import TableInput, build_dataset, detect_roles

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared" / "datasets"
FIXTURES = ROOT / "tests" / "fixtures"
SEGMENTS = ("device", "channel", "variant", "country")


def _gen() -> Any:
    spec = importlib.util.spec_from_file_location("bench_gen", ROOT / "bench" / "gen.py")
    assert spec is not None and spec.loader is not None
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    return gen


def generated_log(n_events: int = 20_000, seed: int = 20251130) -> pl.DataFrame:
    """About ``n_events`` events of the demo shop's model, as an export has them."""
    return _gen().event_log(n_events, seed=seed)


def upload(frame: pl.DataFrame, name: str = "events.csv") -> Dataset:
    """The Dataset an upload of ``frame`` (written as CSV) gives."""
    buf = io.BytesIO()
    frame.write_csv(buf)
    table = read_table(buf.getvalue(), filename=name)
    roles = detect_roles(table.frame, filename=name)
    return build_dataset([TableInput.from_table(name, table, roles=roles)])


def canonical(frame: pl.DataFrame) -> pl.DataFrame:
    """The generated log with the canonical names and types (user_id, step, ts, session_id,
    revenue, order_id + the segments as text)."""
    ts = pl.col("event_time")
    if frame.schema["event_time"] == pl.String:
        ts = ts.str.to_datetime("%Y-%m-%d %H:%M:%S", strict=False)
    return frame.select(
        pl.col("user_id").cast(pl.String),
        pl.col("event_name").cast(pl.String).alias("step"),
        ts.cast(pl.Datetime("us")).alias("ts"),
        pl.col("session_id").cast(pl.String),
        *(pl.col(c).cast(pl.String) for c in SEGMENTS if c in frame.columns),
        pl.col("revenue").cast(pl.Float64),
        pl.col("order_id").cast(pl.String),
    )


def engine_tables(events: pl.DataFrame, spark: Any = None) -> Iterator[tuple[str, EngineTable]]:
    """``events`` (canonical) as an EngineTable in each engine: polars, DuckDB, Spark."""
    segments = [c for c in events.columns if c in SEGMENTS]
    yield "polars", from_native(events.lazy(), segments=segments, label="events")
    con = duckdb.connect()
    yield "duckdb", from_native(con.from_arrow(events.to_arrow()), segments=segments)
    if spark is not None:
        yield "spark", from_native(spark_frame(spark, events), segments=segments)


def spark_frame(spark: Any, events: pl.DataFrame) -> Any:
    """``events`` as a Spark DataFrame (through Arrow, timestamps naive UTC)."""
    return spark.createDataFrame(events.to_pandas())


def java_missing() -> bool:
    return shutil.which("java") is None


def local_spark() -> Iterator[Any]:
    """One local[1] Spark session (UTC) for the run, stopped at the end when we started it."""
    if java_missing():
        if os.environ.get("PARCOURS_REQUIRE_SPARK"):
            pytest.fail("PARCOURS_REQUIRE_SPARK is set but java is missing")
        pytest.skip("Spark needs Java (apt-get install openjdk-17-jre-headless)")
    from pyspark.sql import SparkSession

    active = SparkSession.getActiveSession()
    if active is not None:
        yield active
        return
    session = (
        SparkSession.builder.master("local[1]")
        .appName("parcours-engine-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "1")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.driver.memory", "1g")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    try:
        yield session
    finally:
        session.stop()


def assert_close_frames(got: pl.DataFrame, want: pl.DataFrame, rel: float = 1e-9) -> None:
    """Same columns, dtypes and rows; floats equal to ``rel`` relative (sums in another order)."""
    assert got.columns == want.columns
    assert got.schema == want.schema, (got.schema, want.schema)
    assert got.height == want.height, (got, want)
    for col in got.columns:
        a, b = got[col].to_list(), want[col].to_list()
        if got.schema[col].is_float():
            for x, y in zip(a, b, strict=True):
                assert (x is None) == (y is None), (col, x, y)
                if x is not None:
                    assert math.isclose(x, y, rel_tol=rel, abs_tol=1e-9), (col, x, y)
        else:
            assert a == b, (col, got, want)


def assert_same_kpis(got: list, want: list, rel: float = 1e-9) -> None:
    """The same KPIs (codes in order, availability, reasons, notes), values to ``rel``."""
    assert [k.code for k in got] == [k.code for k in want]
    for g, w in zip(got, want, strict=True):
        assert (g.available, g.reason, g.missing, g.notes, g.unit) == (
            w.available,
            w.reason,
            w.missing,
            w.notes,
            w.unit,
        ), (g, w)
        for attr in ("value", "numerator", "denominator"):
            x, y = getattr(g, attr), getattr(w, attr)
            assert (x is None) == (y is None), (g.code, attr, x, y)
            if x is not None:
                assert math.isclose(x, y, rel_tol=rel, abs_tol=1e-9), (g.code, attr, x, y)
