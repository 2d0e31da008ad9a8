"""Connected sources (kpi.engine.source): addresses, read-only opening, tables, previews, and
secrets that never reach a message."""

from __future__ import annotations

import traceback
from pathlib import Path

import duckdb
import polars as pl
import pytest

from kpi.engine.frame import collect
from kpi.engine.roles import map_roles
from kpi.engine.source import (
    PREVIEW_MAX_ROWS,
    connect,
    list_tables,
    open_source,
    parse_source,
    preview,
    redact,
)
from kpi.errors import InputError, ParcoursError

PASSWORD = "S3cr3t-Pa55"
TOKEN = "tok_9f8e7d6c5b4a39281706"


def _events(n: int = 30) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "user_id": [f"u{i % 7}" for i in range(n)],
            "event_name": [("visit", "cart", "purchase")[i % 3] for i in range(n)],
            "event_time": pl.datetime_range(
                pl.datetime(2024, 1, 1),
                pl.datetime(2024, 1, 1) + pl.duration(hours=n - 1),
                "1h",
                eager=True,
            ),
        }
    )


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "shop.duckdb"
    events = _events()  # noqa: F841 - read by DuckDB's replacement scan
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE events AS SELECT * FROM events")
    con.execute("CREATE SCHEMA crm")
    con.execute("CREATE TABLE crm.contacts AS SELECT 1 AS id")
    con.close()
    return path


def _all_text(exc: BaseException) -> str:
    """Everything an exception can show: its text in both languages, repr, the formatted
    traceback with its chain, and every exception it chains to."""
    parts = [str(exc), repr(exc), "".join(traceback.format_exception(exc))]
    if isinstance(exc, ParcoursError):
        parts += [exc.text("fr"), repr(exc.message), repr(exc.hint)]
    seen = exc.__cause__ or exc.__context__
    while seen is not None:
        parts += [str(seen), repr(seen)]
        seen = seen.__cause__ or seen.__context__
    return "\n".join(parts)


# --------------------------------------------------------------------------- addresses


@pytest.mark.parametrize(
    "text,kind,label",
    [
        ("spark:local", "spark", "spark:local"),
        ("spark:local[2]", "spark", "spark:local[2]"),
        ("spark://10.0.0.5:7077", "spark", "spark://10.0.0.5:7077"),
        (
            f"sc://spark.example:15002/;token={TOKEN};use_ssl=true",
            "spark_connect",
            "sc://spark.example:15002/",
        ),
        (
            f"postgres://bob:{PASSWORD}@db.example:5432/shop?sslmode=require",
            "warehouse",
            "postgres://db.example:5432/shop",
        ),
        (
            f"snowflake://bob:{PASSWORD}@acme-xy123/SHOP/PUBLIC?warehouse=WH",
            "warehouse",
            "snowflake://acme-xy123/SHOP/PUBLIC",
        ),
        (
            f"bigquery://my-project/analytics_123?credentials={TOKEN}",
            "warehouse",
            "bigquery://my-project/analytics_123",
        ),
        (
            "clickhouse://default@ch.example:9000/events",
            "warehouse",
            "clickhouse://ch.example:9000/events",
        ),
    ],
)
def test_addresses_parse_and_their_label_holds_no_secret(text, kind, label) -> None:
    spec = parse_source(text)
    assert spec.kind == kind
    assert spec.label == label == str(spec)
    assert PASSWORD not in repr(spec) and TOKEN not in repr(spec)


def test_files_and_folders(db: Path, tmp_path: Path) -> None:
    assert parse_source(f"duckdb://{db}").target == str(db)
    assert parse_source(f"duckdb://{db}").label == "shop.duckdb"
    assert parse_source(str(db)).kind == "duckdb"  # a .duckdb path needs no scheme
    folder = tmp_path / "lake"
    folder.mkdir()
    assert parse_source(str(folder)).kind == "parquet"
    assert parse_source(f"parquet:{folder}").target == str(folder)
    assert parse_source(f"file://{folder}").target == str(folder)


@pytest.mark.parametrize("text", ["", "   ", "ftp://x/y", "mongodb://u:p@h/db", "spark://"])
def test_other_addresses_are_refused_with_the_accepted_forms(text) -> None:
    with pytest.raises(InputError) as err:
        parse_source(text)
    assert "spark:local" in str(err.value)  # the hint lists what works
    assert "spark:local" in err.value.text("fr")


# --------------------------------------------------------------------------- DuckDB


def test_a_duckdb_file_is_read_only_and_names_its_tables(db: Path) -> None:
    before = db.read_bytes()
    assert list_tables(f"duckdb://{db}") == ["crm.contacts", "events"]
    with pytest.raises(InputError, match="2 tables") as err:
        connect(f"duckdb://{db}")
    assert "crm.contacts" in str(err.value) and "--table" in str(err.value)
    with pytest.raises(InputError, match="no table “orders”"):
        connect(f"duckdb://{db}", "orders")
    with open_source(f"duckdb://{db}", "events") as src:
        assert src.label == "shop.duckdb · events" and src.backend == "duckdb"
        assert preview(src, 5).height == 5
        with pytest.raises(duckdb.Error, match="read-only"):
            src.native.query("t", "CREATE TABLE hacked AS SELECT 1")
        table = map_roles(src.native, label=src.label)
        assert collect(table.events).height == 30
    assert db.read_bytes() == before


def test_missing_files_say_so(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="does not exist"):
        connect(f"duckdb://{tmp_path / 'none.duckdb'}")
    with pytest.raises(InputError, match="does not exist"):
        connect(str(tmp_path / "no-folder"))
    broken = tmp_path / "broken.duckdb"
    broken.write_bytes(b"not a database at all" * 100)
    with pytest.raises(InputError, match="cannot be opened as a DuckDB database"):
        connect(f"duckdb://{broken}")


# --------------------------------------------------------------------------- Parquet


def test_a_parquet_folder_with_hive_partitions_is_one_table(tmp_path: Path) -> None:
    root = tmp_path / "lake"
    events = _events(60)
    for day, part in events.group_by(pl.col("event_time").dt.date().alias("d")):
        folder = root / f"event_date={day[0]}"
        folder.mkdir(parents=True)
        part.write_parquet(folder / "part-0.parquet")
    with open_source(str(root)) as src:
        assert src.backend == "duckdb" and src.label == "lake"
        frame = preview(src, PREVIEW_MAX_ROWS * 10)
        assert frame.height == 60  # all rows, far below the preview's cap
        assert "event_date" in frame.columns  # the hive folder is a column
        table = map_roles(src.native, label=src.label)
        got = collect(table.events).sort("ts")
    assert got["user_id"].to_list() == events.sort("event_time")["user_id"].to_list()
    assert list_tables(str(root)) == []  # one table, not several


def test_sub_folders_are_tables_and_previews_are_capped(tmp_path: Path) -> None:
    big = pl.DataFrame({"x": range(3_000)})
    (tmp_path / "lake" / "events").mkdir(parents=True)
    (tmp_path / "lake" / "orders").mkdir(parents=True)
    big.write_parquet(tmp_path / "lake" / "events" / "a.parquet")
    big.head(5).write_parquet(tmp_path / "lake" / "orders" / "a.parquet")
    assert list_tables(str(tmp_path / "lake")) == ["events", "orders"]
    with open_source(str(tmp_path / "lake"), "orders") as src:
        assert src.label == "lake · orders" and preview(src).height == 5
    with open_source(str(tmp_path / "lake"), "events") as src:
        assert preview(src, 10**9).height == PREVIEW_MAX_ROWS
        assert preview(src, 3)["x"].to_list() == [0, 1, 2] or preview(src, 3).height == 3
    with pytest.raises(InputError, match="no table “users”"):
        connect(str(tmp_path / "lake"), "users")


def test_empty_and_broken_parquet_folders(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match="holds no Parquet file"):
        connect(str(tmp_path / "empty"))
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "x.parquet").write_bytes(b"PAR1 garbage")
    with pytest.raises(InputError, match="cannot be read"):
        connect(str(tmp_path / "bad"))


# --------------------------------------------------------------------------- warehouses


def test_a_warehouse_through_ibis_sqlite(tmp_path: Path) -> None:
    """A real Ibis connection (SQLite needs no server): the table is read through narwhals on
    the Ibis table, with the same events as from DuckDB."""
    import sqlite3

    path = tmp_path / "shop.sqlite"
    events = _events()
    with sqlite3.connect(path) as con:
        con.execute("CREATE TABLE events (user_id TEXT, event_name TEXT, event_time TEXT)")
        con.executemany(
            "INSERT INTO events VALUES (?, ?, ?)",
            [(u, e, t.isoformat(sep=" ")) for u, e, t in events.iter_rows()],
        )
    assert list_tables(f"sqlite:///{path}") == ["events"]
    with open_source(f"sqlite:///{path}") as src:
        assert src.backend == "ibis" and src.label.endswith("· events")
        assert preview(src, 4).height == 4
        got = collect(map_roles(src.native, label=src.label).events)
    want = collect(map_roles(events.lazy()).events)
    cols = ["user_id", "step", "ts"]
    assert got.select(cols).sort(cols).equals(want.select(cols).sort(cols))


def test_a_missing_driver_says_what_to_install() -> None:
    pytest.importorskip("ibis")
    try:
        import psycopg  # noqa: F401

        pytest.skip("the postgres driver is installed here")
    except ImportError:
        pass
    with pytest.raises(InputError, match="postgres driver is not installed") as err:
        connect(f"postgres://bob:{PASSWORD}@localhost:1/shop")
    assert "ibis-framework[postgres]" in str(err.value)
    assert PASSWORD not in _all_text(err.value)


def test_a_refused_connection_never_shows_the_password(monkeypatch) -> None:
    """Drivers quote the address, password included, in their errors: the message is
    redacted and the original exception is not chained (raise … outside the except)."""
    import ibis

    def refuse(url: str, **kwargs):
        raise ConnectionRefusedError(
            f"connection to {url} failed: password={PASSWORD} rejected; Bearer {TOKEN}"
        )

    monkeypatch.setattr(ibis, "connect", refuse)
    url = f"snowflake://bob:{PASSWORD}@acme/SHOP?token={TOKEN}"
    with pytest.raises(InputError, match="Cannot connect to snowflake://acme/SHOP") as err:
        connect(url)
    text = _all_text(err.value)
    assert PASSWORD not in text and TOKEN not in text
    assert err.value.__cause__ is None and err.value.__context__ is None
    with pytest.raises(InputError) as err:
        list_tables(url)
    assert PASSWORD not in _all_text(err.value)


def test_spark_connect_without_its_packages_or_server_never_shows_the_token() -> None:
    pytest.importorskip("pyspark")
    with pytest.raises(InputError) as err:
        connect(f"sc://127.0.0.1:1/;token={TOKEN}", "events")
    text = _all_text(err.value)
    assert TOKEN not in text
    assert "Spark Connect" in text or "Cannot connect" in text


# --------------------------------------------------------------------------- redaction


@pytest.mark.parametrize(
    "text",
    [
        f"postgres://bob:{PASSWORD}@h:5432/db",
        f"https://api.example/v1?key={PASSWORD}&x=1",
        f"password={PASSWORD}",
        f"PASSWORD: '{PASSWORD}'",
        f'{{"password": "{PASSWORD}"}}',
        f"pwd={PASSWORD};uid=bob",
        f"sc://host:15002/;token={PASSWORD}",
        f"Authorization: Bearer {PASSWORD}",
        f"client_secret={PASSWORD}",
        f"aws_secret_access_key = {PASSWORD}",
    ],
)
def test_redact_removes_secrets(text) -> None:
    out = redact(f"failed: {text} (retry)")
    assert PASSWORD not in out and "***" in out
    assert out.startswith("failed: ") and out.endswith("(retry)")


def test_redact_keeps_ordinary_words_and_known_secrets_anywhere() -> None:
    plain = "Cannot read events from shop.duckdb: table has 3 columns (user, step, time)"
    assert redact(plain) == plain
    assert redact("AKIAIOSFODNN7EXAMPLE and ghp_abcdefghijklmnopqrstuvwxyz0123") == "*** and ***"
    assert redact(f"quoted {PASSWORD} alone", [PASSWORD]) == "quoted *** alone"
    jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N"
    assert redact(f"id {jwt}") == "id ***"
