"""Roles of a connected table (kpi.engine.roles): the upload's detector on a sample, the mapping
in narwhals; the canonical events equal those of an upload of the same rows."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import polars as pl
import pytest

from kpi.engine.frame import collect
from kpi.engine.roles import detect, map_roles, parse_roles
from kpi.errors import InputError, SchemaError

FIXTURES = Path(__file__).parents[1] / "fixtures"
CANONICAL = ["user_id", "ts", "step", "session_id", "revenue", "order_id"]


def _upload_csv(frame: pl.DataFrame, name: str = "events.csv"):
    """The Dataset an upload of ``frame`` written as CSV gives (read_table + build)."""
    from kpi.ingest.build import build_dataset
    from kpi.ingest.shapes import TableInput
    from kpi.load import read_table

    buf = io.BytesIO()
    frame.write_csv(buf)
    table = read_table(buf.getvalue(), filename=name)
    return build_dataset([TableInput.from_table(name, table)])


def _upload_frame(frame: pl.DataFrame, name: str = "events.parquet"):
    from kpi.ingest.build import build_dataset
    from kpi.ingest.shapes import TableInput
    from kpi.load import read_table

    buf = io.BytesIO()
    frame.write_parquet(buf)
    table = read_table(buf.getvalue(), filename=name)
    return build_dataset([TableInput.from_table(name, table)])


def _canon(frame: pl.DataFrame) -> pl.DataFrame:
    cols = [c for c in CANONICAL if c in frame.columns]
    return frame.select(cols).sort(cols, nulls_last=True)


def _log(n_users: int = 40, seed: int = 3) -> pl.DataFrame:
    """A small event log with every trap an export has: float ids, a blank step, a missing
    user and a missing time, a revenue on purchases, segments."""
    import random

    rng = random.Random(seed)
    rows = []
    t0 = dt.datetime(2024, 3, 1, 8, 0, 0)
    for u in range(n_users):
        t = t0 + dt.timedelta(hours=rng.randrange(0, 24 * 20))
        device = rng.choice(["mobile", "desktop"])
        for step in ("visit", "signup", "purchase")[: rng.randrange(1, 4)]:
            t += dt.timedelta(minutes=rng.randrange(1, 90), seconds=rng.randrange(60))
            rows.append(
                {
                    "customer_id": float(17000 + u),
                    "event_name": step,
                    "event_time": t,
                    "device": device,
                    "revenue": round(rng.uniform(5, 90), 2) if step == "purchase" else None,
                }
            )
    rows.append({"customer_id": None, "event_name": "visit", "event_time": t0, "device": "mobile"})
    rows.append({"customer_id": 17001.0, "event_name": "", "event_time": t0, "device": "mobile"})
    rows.append({"customer_id": 17002.0, "event_name": "visit", "event_time": None, "device": "x"})
    return pl.DataFrame(
        rows,
        schema={
            "customer_id": pl.Float64,
            "event_name": pl.String,
            "event_time": pl.Datetime("us"),
            "device": pl.String,
            "revenue": pl.Float64,
        },
    )


@pytest.mark.parametrize("backend", ["polars", "duckdb"])
def test_an_event_log_maps_to_the_upload_events(backend, to_native) -> None:
    log = _log()
    ds = _upload_frame(log)
    table = map_roles(to_native(log, backend), label="events")
    got = collect(table.events)
    assert table.segments == ("device",)
    assert got.schema["user_id"] == pl.String and got.schema["ts"] == pl.Datetime("us")
    assert got.height == log.height - 3 == ds.events.height  # no user, no step, no time
    assert _canon(got).equals(_canon(ds.events))
    assert "17000" in got["user_id"].to_list()  # 17000.0 read as the id 17000


@pytest.mark.parametrize("unit,scale", [("s", 1), ("ms", 1_000), ("us", 1_000_000)])
def test_epoch_numbers_become_the_same_datetimes(unit, scale, to_native) -> None:
    log = _log(12)
    epoch = log.with_columns(
        (pl.col("event_time").dt.epoch("us") // (1_000_000 // scale)).alias("event_time")
    )
    if unit == "s":  # whole seconds: the reference is the time to the second
        log = log.with_columns(pl.col("event_time").dt.truncate("1s"))
    elif unit == "ms":
        log = log.with_columns(pl.col("event_time").dt.truncate("1ms"))
    for backend in ("polars", "duckdb"):
        got = collect(map_roles(to_native(epoch, backend)).events)
        want = collect(map_roles(to_native(log, backend)).events)
        assert _canon(got).equals(_canon(want)), (unit, backend)
    # the upload reads the same epoch column to the same datetimes
    assert _canon(got).equals(_canon(_upload_frame(epoch).events))


@pytest.mark.parametrize(
    "fmt", ["%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%d/%m/%Y %H:%M", "%m/%d/%Y %H:%M"]
)
def test_text_times_are_parsed_in_the_engine_as_an_upload_reads_them(fmt, to_native) -> None:
    log = _log(15).with_columns(pl.col("event_time").dt.truncate("1m"))
    text = log.with_columns(pl.col("event_time").dt.to_string(fmt))
    ds = _upload_csv(text)
    for backend in ("polars", "duckdb"):
        table = map_roles(to_native(text, backend))
        got = collect(table.events)
        assert got.schema["ts"] == pl.Datetime("us")
        assert _canon(got).equals(_canon(ds.events)), (fmt, backend)
    assert got["ts"].min() >= dt.datetime(2024, 3, 1)


def test_zoned_times_and_dates_become_naive_utc(to_native) -> None:
    log = _log(10)
    zoned = log.with_columns(
        pl.col("event_time").dt.replace_time_zone("UTC").dt.convert_time_zone("Europe/Paris")
    )
    for backend in ("polars", "duckdb"):
        got = collect(map_roles(to_native(zoned, backend)).events)
        want = collect(map_roles(to_native(log, backend)).events)
        assert _canon(got).equals(_canon(want)), backend
    dated = log.with_columns(pl.col("event_time").dt.date())
    got = collect(map_roles(to_native(dated, "duckdb")).events)
    assert got["ts"].dt.hour().max() == 0 and got.schema["ts"] == pl.Datetime("us")


def test_overrides_take_a_role_from_the_detected_column(to_native) -> None:
    log = _log(10).with_columns(pl.col("device").alias("plan"), pl.lit("web").alias("channel"))
    detected = detect(to_native(log, "duckdb"))
    assert detected["customer_id"] == "user_id" and detected["event_name"] == "step"
    table = map_roles(to_native(log, "duckdb"), parse_roles(["plan = device", "device=ignore"]))
    got = collect(table.events)
    assert "device" in table.segments and "plan" not in table.segments
    assert set(got["device"].unique()) == set(log["plan"].unique()) - {"x"}


def test_role_options_and_mapping_errors_say_what_to_do(to_native) -> None:
    assert parse_roles(["a=b=ts"]) == {"a=b": "ts"}
    with pytest.raises(InputError, match="COLUMN=ROLE"):
        parse_roles(["event_time"])
    native = to_native(_log(5), "duckdb")
    with pytest.raises(InputError, match="no column “nope”") as err:
        map_roles(native, {"nope": "ts"}, label="events")
    assert "customer_id" in err.value.text("fr")
    with pytest.raises(InputError, match="“when” is not a role"):
        map_roles(native, {"event_time": "when"})
    no_step = _log(5).drop("event_name", "revenue")  # with a revenue it reads as orders
    with pytest.raises(SchemaError, match="Event / step name") as err:
        map_roles(to_native(no_step, "duckdb"), label="t")
    assert "--role COLONNE=step" in err.value.text("fr")
    with pytest.raises(SchemaError, match="no rows"):
        map_roles(to_native(_log(5).head(0), "duckdb"), label="t")


def test_keep_invalid_keeps_the_rows_an_upload_drops(to_native) -> None:
    log = _log(8)
    got = collect(map_roles(to_native(log, "duckdb"), keep_invalid=True).events)
    assert got.height == log.height
    assert got["user_id"].null_count() == 1 and (got["step"] == "").sum() == 1


def test_online_retail_orders_in_duckdb_match_the_upload(to_native) -> None:
    """Order lines: one purchase per invoice, cancellations (C…) and bad lines dropped, revenue
    = quantity × price summed per invoice, as an upload of the same CSV."""
    from kpi.load import read_table

    path = FIXTURES / "online_retail_slice.csv"
    typed = read_table(path).frame
    ds = _upload_csv(typed, "online_retail.csv")
    table = map_roles(to_native(typed, "duckdb"), label="online retail")
    got = collect(table.events)
    want = ds.events
    assert got.height == want.height
    assert set(got["step"].unique()) == {"purchase"}
    cols = ["user_id", "order_id", "ts"]
    g, w = got.sort(cols), want.sort(cols)
    assert g.select(cols).equals(w.select(cols))
    assert g["revenue"].to_list() == pytest.approx(w["revenue"].to_list())


def test_spark_maps_an_event_log_like_the_upload(spark, to_native) -> None:
    log = _log(12)
    epoch = log.with_columns(pl.col("event_time").dt.epoch("ms").alias("event_time")).with_columns(
        pl.col("event_time").cast(pl.Int64)
    )
    table = map_roles(to_native(epoch, "spark"))
    got = collect(table.events)
    assert table.backend == "spark" and got.schema["ts"] == pl.Datetime("us")
    want = collect(
        map_roles(
            to_native(log.with_columns(pl.col("event_time").dt.truncate("1ms")), "polars")
        ).events
    )
    assert _canon(got).equals(_canon(want))
