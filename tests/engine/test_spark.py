"""Spark plumbing (kpi.engine.spark): the local session's settings, opening Spark sources, and
what a machine without Java is told. Few tests: each Spark query costs about a second."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from kpi.engine import spark as spark_mod
from kpi.engine.frame import collect
from kpi.engine.roles import map_roles
from kpi.engine.source import connect, open_source, parse_source, preview
from kpi.errors import InputError


def test_the_local_session_is_small_quiet_and_utc(spark) -> None:
    conf = spark.conf
    assert conf.get("spark.ui.enabled") == "false"
    assert conf.get("spark.sql.shuffle.partitions") == "2"
    assert conf.get("spark.sql.session.timeZone") == "UTC"
    assert spark.sparkContext.master.startswith("local[")


def test_spark_local_opens_a_parquet_path_and_leaves_a_running_session_alone(
    spark, tmp_path: Path
) -> None:
    events = pl.DataFrame(
        {
            "user_pseudo_id": ["a", "a", "b", "c"],
            "event_name": ["visit", "purchase", "visit", "visit"],
            # µs epoch as GA4 writes it, across midnight UTC
            "event_timestamp": [
                int(dt.datetime(2024, 5, 1, 23, 59, 59, tzinfo=dt.UTC).timestamp() * 1e6),
                int(dt.datetime(2024, 5, 2, 0, 0, 1, tzinfo=dt.UTC).timestamp() * 1e6),
                int(dt.datetime(2024, 5, 2, 12, 0, 0, tzinfo=dt.UTC).timestamp() * 1e6),
                int(dt.datetime(2024, 5, 3, 8, 30, 0, tzinfo=dt.UTC).timestamp() * 1e6),
            ],
        }
    )
    path = tmp_path / "events.parquet"
    events.write_parquet(path)
    with open_source("spark:local", str(path)) as src:
        assert src.backend == "spark" and src.label == "spark:local · events.parquet"
        assert preview(src, 2).height == 2
        got = collect(map_roles(src.native, label=src.label).events).sort("ts")
    assert got["ts"].to_list()[:2] == [
        dt.datetime(2024, 5, 1, 23, 59, 59),
        dt.datetime(2024, 5, 2, 0, 0, 1),
    ]
    assert spark.range(1).count() == 1  # the tests' session still runs


def test_catalog_tables_and_missing_ones(spark) -> None:
    spark.createDataFrame(pl.DataFrame({"x": [1, 2]}).to_arrow()).createOrReplaceTempView(
        "parcours_events"
    )
    assert "parcours_events" in spark_mod.catalog_tables(spark)
    with open_source("spark:local", "parcours_events") as src:
        assert preview(src).height == 2
    with pytest.raises(InputError, match="no table “nope”") as err:
        connect("spark:local", "nope")
    assert "parcours_events" in str(err.value)


def test_without_java_spark_says_how_to_install_it(monkeypatch) -> None:
    monkeypatch.setattr(spark_mod, "java_available", lambda: False)
    monkeypatch.setattr(spark_mod, "_active_session", lambda: None)
    with pytest.raises(InputError, match="Spark needs Java") as err:
        connect(parse_source("spark:local"), "events")
    assert "openjdk-17-jre-headless" in str(err.value)
    assert "openjdk-17-jre-headless" in err.value.text("fr")
