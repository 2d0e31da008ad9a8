"""Generated event logs for the engine integration tests (deterministic), and the upload route
they are compared with."""

from __future__ import annotations

import datetime as dt
import io
import random
from pathlib import Path
from typing import Any, NamedTuple

import duckdb
import openpyxl
import polars as pl

STEPS = ["visit", "product", "cart", "purchase"]
#: a segment value that would change a query pasted into SQL text: it must filter on itself
INJECTION = "x' OR '1'='1"


class Shop(NamedTuple):
    """A generated shop log (``tests.engine.aggregates_support.generated_log``): the frame,
    its upload (a Dataset) and its canonical events (what an engine table holds)."""

    frame: pl.DataFrame
    ds: Any
    events: pl.DataFrame


def shop(n_users: int) -> Shop:
    """The generated shop of ``n_users`` users as a :class:`Shop`."""
    from tests.engine.aggregates_support import canonical, generated_log, upload

    frame = generated_log(n_users)
    return Shop(frame, upload(frame), canonical(frame))


def spark_table(events: pl.DataFrame, spark: Any) -> Any:
    """``events`` (canonical) as a Spark EngineTable (checked to be one)."""
    from tests.engine.aggregates_support import engine_tables

    table = list(engine_tables(events, spark))[-1][1]
    assert table.backend == "spark"
    return table


def events(n_users: int = 400, seed: int = 1) -> pl.DataFrame:
    """A shop's event log: users with a device and an A/B arm go down the four steps (each
    step 65 % of the previous one), sessions, purchases with an order id and an amount, and
    30 % of the users come back later."""
    r = random.Random(seed)
    rows = []
    t0 = dt.datetime(2025, 1, 1)
    for u in range(n_users):
        device = r.choice(["mobile", "desktop", "tablet"])
        arm = r.choice(["A", "B"])
        t = t0 + dt.timedelta(days=r.randrange(120), seconds=r.randrange(86400))
        for step in STEPS:
            buy = step == "purchase"
            rows.append(
                (f"u{u}", t, step, device, arm, f"s{u}", 30.0 + u % 7 if buy else None,
                 f"o{u}" if buy else None)
            )  # fmt: skip
            if r.random() < 0.35:
                break
            t += dt.timedelta(minutes=r.randrange(1, 600))
        if r.random() < 0.3:
            t += dt.timedelta(days=r.randrange(1, 60))
            rows.append((f"u{u}", t, "visit", device, arm, f"s{u}b", None, None))
    cols = ["user_id", "ts", "step", "device", "variant", "session_id", "revenue", "order_id"]
    return pl.DataFrame(rows, schema=cols, orient="row")


def duckdb_file(frame: pl.DataFrame, path: Path, table: str = "events") -> Path:
    """``frame`` as the table ``table`` of a new DuckDB file."""
    con = duckdb.connect(str(path))
    try:
        con.register("_frame", frame.to_arrow())
        con.execute(f"create table {table} as select * from _frame")
    finally:
        con.close()
    return path


def cells(data: bytes | Path, sheet: str) -> list[tuple]:
    """The cell values of a sheet, row by row."""
    src = io.BytesIO(data) if isinstance(data, bytes) else data
    return list(openpyxl.load_workbook(src)[sheet].iter_rows(values_only=True))


def sheets(data: bytes) -> list[str]:
    """The sheet names of a workbook."""
    return openpyxl.load_workbook(io.BytesIO(data)).sheetnames
