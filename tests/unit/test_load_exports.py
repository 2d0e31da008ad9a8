"""Real-world exports read whole and typed (issue 9): Shopify orders, GA4 BigQuery (Parquet and
NDJSON), Mixpanel NDJSON, integer epoch timestamps, wide files.

Fixtures: tests/fixtures/, written by tests/fixtures/make_fixtures_exports.py (deterministic).
Every expected number is recomputed here from the raw file with csv/json/pyarrow, not with kpi.
"""

from __future__ import annotations

import csv
import datetime as dt
import importlib.util
import json
from pathlib import Path

import polars as pl
import pytest

from kpi.errors import UnreadableFileError
from kpi.load import read_table

FIXTURES = Path(__file__).parents[1] / "fixtures"


def _generator():
    spec = importlib.util.spec_from_file_location(
        "make_fixtures_exports", FIXTURES / "make_fixtures_exports.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# --------------------------------------------------------------------------- Shopify


def _shopify_rows() -> list[dict[str, str]]:
    with (FIXTURES / "shopify_orders.csv").open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_shopify_fixture_is_what_the_generator_writes() -> None:
    text, orders = _generator().shopify_orders()
    assert (FIXTURES / "shopify_orders.csv").read_text(encoding="utf-8") == text
    assert len(orders) == 72 and sum(o["lines"] > 1 for o in orders) >= 20


def test_shopify_orders_every_line_read() -> None:
    raw = _shopify_rows()
    t = read_table(FIXTURES / "shopify_orders.csv")
    assert len(raw) == 123
    assert (t.report.rows_read, t.report.rows_kept, t.report.dropped) == (123, 123, {})
    assert t.extra_tables == [] and t.report.header_row == 0
    assert not any(
        "GA4" in str(n) or "tables" in str(n) or "title line" in str(n) for n in t.report.notes
    )
    assert t.frame.columns == list(raw[0].keys())  # the real Shopify names, none renamed
    f = t.frame
    # order names stay text, every line (also continuation lines) keeps its order name
    assert f["Name"].to_list() == [r["Name"] for r in raw]
    assert f["Name"].n_unique() == 72
    # order-level fields only on first lines; numbers typed
    assert f.schema["Total"] == pl.Float64 and f.schema["Lineitem quantity"] == pl.Int64
    assert f["Total"].sum() == pytest.approx(sum(float(r["Total"]) for r in raw if r["Total"]))
    assert f["Total"].null_count() == 123 - 72
    assert f["Subtotal"].sum() == pytest.approx(
        sum(float(r["Subtotal"]) for r in raw if r["Subtotal"])
    )
    assert f["Lineitem quantity"].sum() == sum(int(r["Lineitem quantity"]) for r in raw)
    assert f["Lineitem price"].null_count() == 0
    # discount codes, shipping methods and e-mails as read
    codes = [r["Discount Code"] or None for r in raw]
    assert f["Discount Code"].to_list() == codes and sum(c is not None for c in codes) > 5
    assert f["Email"].drop_nulls().len() == 72
    assert set(f["Shipping Method"].drop_nulls()) == {
        r["Shipping Method"] for r in raw if r["Shipping Method"]
    }
    # "2025-03-04 10:15:22 +0100" -> UTC
    created = [
        dt.datetime.strptime(r["Created at"], "%Y-%m-%d %H:%M:%S %z")
        .astimezone(dt.UTC)
        .replace(tzinfo=None)
        if r["Created at"]
        else None
        for r in raw
    ]
    assert f.schema["Created at"] == pl.Datetime("us")
    assert f["Created at"].to_list() == created
    # phone numbers and postcodes are codes, not numbers
    assert f.schema["Billing Phone"] == pl.String and f.schema["Billing Zip"] == pl.String
    assert f["Billing Phone"].drop_nulls()[0] == next(
        r["Billing Phone"] for r in raw if r["Billing Phone"]
    )
    assert f.schema["Accepts Marketing"] == pl.Boolean


def test_shopify_forced_header_reads_every_line() -> None:
    t = read_table(FIXTURES / "shopify_orders.csv", header_row=0)
    assert (t.report.rows_read, t.report.rows_kept) == (123, 123)


def test_sparse_hash_rows_between_blank_lines_are_still_data() -> None:
    """'#1002' lines with most fields empty are line items, even next to a blank line."""
    text = (
        "Name,Email,Total,Lineitem quantity,Lineitem name,Vendor\n"
        "#1001,a@x.com,30.00,1,Tee,Acme\n"
        "#1001,,,2,Socks,\n"
        "\n"
        "#1002,b@x.com,12.00,1,Cap,Acme\n"
        "#1002,,,1,Tee,\n"
        "#1003,,,,,\n"
    )
    t = read_table(text.encode(), filename="orders_export.csv")
    assert t.frame["Name"].to_list() == ["#1001", "#1001", "#1002", "#1002", "#1003"]
    assert (t.report.rows_read, t.report.rows_kept, t.report.dropped) == (
        6,
        5,
        {"ingest_rows.blank_row": 1},
    )
    assert t.extra_tables == []


def test_ga4_ui_export_with_preamble_and_tables_still_split() -> None:
    text = (
        "# ----------------------------------------\n# Pages and screens\n# Account: Demo\n"
        "# Start date: 20240101\n# End date: 20240107\n# ----------------------------------------\n"
        "\n"
        "Page title,Views,Users\nHome,120,80\nCart,40,30\nCheckout,12,10\nThanks,6,6\n"
        "\n"
        "# ----------------------------------------\n# Devices\n# ----------------------------------------\n"
        "\n"
        "Device category,Users\nmobile,70\ndesktop,40\ntablet,5\n"
    )
    t = read_table(text.encode(), filename="ga4.csv")
    assert t.frame.columns == ["Page title", "Views", "Users"]
    assert t.frame["Views"].to_list() == [120, 40, 12, 6]
    assert len(t.extra_tables) == 1
    assert t.extra_tables[0].frame["Users"].to_list() == [70, 40, 5]
    assert any("Skipped GA4 comment preamble (6 lines" in str(n) for n in t.report.notes)


# --------------------------------------------------------------------------- GA4 BigQuery


def _ga4_json_rows() -> list[dict]:
    lines = (FIXTURES / "ga4_events.ndjson").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines]


def _param(row: dict, key: str) -> object:
    for p in row["event_params"]:
        if p["key"] == key:
            v = p["value"]
            return next((x for x in v.values() if x is not None), None)
    return None


def test_ga4_fixtures_are_what_the_generator_writes(tmp_path: Path) -> None:
    gen = _generator()
    rows = gen.ga4_events()
    assert (FIXTURES / "ga4_events.ndjson").read_text(encoding="utf-8") == gen.ga4_ndjson(rows)
    gen.ga4_parquet(rows, tmp_path / "again.parquet")
    import pyarrow.parquet as pq

    assert pq.read_table(tmp_path / "again.parquet").equals(
        pq.read_table(FIXTURES / "ga4_events.parquet")
    )


@pytest.mark.parametrize("name", ["ga4_events.parquet", "ga4_events.ndjson"])
def test_ga4_bigquery_export_flattened(name: str) -> None:
    raw = _ga4_json_rows()
    t = read_table(FIXTURES / name)
    f = t.frame
    assert (t.report.rows_read, t.report.rows_kept, t.report.dropped) == (len(raw), len(raw), {})
    assert len(raw) == 323
    for col in (
        "device.category",
        "device.operating_system",
        "geo.country",
        "traffic_source.source",
        "traffic_source.medium",
        "ecommerce.purchase_revenue",
        "ecommerce.transaction_id",
        "event_params.ga_session_id",
        "event_params.page_location",
        "event_params.page_title",
        "event_params.engagement_time_msec",
        "user_properties.customer_tier",
        "items.count",
    ):
        assert col in f.columns, col
    assert not any(isinstance(t, pl.Struct | pl.List) for t in f.schema.values())
    # every event_params key present in the file is a column
    keys = {p["key"] for r in raw for p in r["event_params"]}
    assert {c for c in f.columns if c.startswith("event_params.")} == {
        f"event_params.{k}" for k in keys
    }
    assert t.report.flattened["event_params"] == [
        c for c in f.columns if c.startswith("event_params.")
    ]
    assert t.report.summarised == {"items": "items.count"}
    # typed from whichever value field is filled
    assert f.schema["event_params.ga_session_id"] == pl.Int64
    assert f.schema["event_params.engagement_time_msec"] == pl.Int64
    assert f.schema["event_params.page_location"] == pl.String
    assert f.schema["event_params.value"] == pl.Float64
    assert f["event_params.ga_session_id"].to_list() == [
        int(_param(r, "ga_session_id")) for r in raw
    ]
    assert f["event_params.page_title"].to_list() == [_param(r, "page_title") for r in raw]
    # event_timestamp: INT64 microseconds -> UTC datetime, unit reported
    assert t.report.epoch_units["event_timestamp"] == "us"
    expected = [
        dt.datetime(1970, 1, 1) + dt.timedelta(microseconds=int(r["event_timestamp"])) for r in raw
    ]
    assert f["event_timestamp"].to_list() == expected
    assert f["event_date"].to_list() == [
        dt.date(int(r["event_date"][:4]), int(r["event_date"][4:6]), int(r["event_date"][6:]))
        for r in raw
    ]
    # revenue and items: one row per event, nothing exploded
    purchases = [r for r in raw if r["event_name"] == "purchase"]
    assert len(purchases) >= 5
    assert f["ecommerce.purchase_revenue"].sum() == pytest.approx(
        sum(r["ecommerce"]["purchase_revenue"] for r in purchases)
    )
    assert f["ecommerce.transaction_id"].drop_nulls().to_list() == [
        r["ecommerce"]["transaction_id"] for r in purchases
    ]
    assert f["items.count"].to_list() == [len(r["items"]) for r in raw]
    assert f["device.category"].to_list() == [r["device"]["category"] for r in raw]
    assert f.schema["user_pseudo_id"] == pl.String  # '1234567890.1700000000' keeps its digits
    assert f["user_pseudo_id"].to_list() == [r["user_pseudo_id"] for r in raw]


def test_ga4_parquet_and_ndjson_give_the_same_frame() -> None:
    a = read_table(FIXTURES / "ga4_events.parquet").frame
    b = read_table(FIXTURES / "ga4_events.ndjson").frame
    assert a.columns == b.columns
    # event_previous_timestamp is null everywhere: INT64 in Parquet, untyped in JSON
    empty = [c for c in a.columns if a[c].null_count() == a.height]
    assert empty == ["event_previous_timestamp", "user_id"]
    a, b = a.drop(empty), b.drop(empty)
    assert a.schema == b.schema
    assert a.equals(b)


def test_ga4_revenue_matches_pyarrow() -> None:
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    arrow = pq.read_table(FIXTURES / "ga4_events.parquet")
    revenue = pc.sum(pc.struct_field(arrow["ecommerce"], "purchase_revenue")).as_py()
    f = read_table(FIXTURES / "ga4_events.parquet").frame
    assert f["ecommerce.purchase_revenue"].sum() == pytest.approx(revenue, rel=1e-12)


def test_json_array_and_jsonl_and_extension_variants() -> None:
    rows = _ga4_json_rows()[:40]
    array = json.dumps(rows).encode()
    ndjson = "".join(json.dumps(r) + "\n" for r in rows).encode()
    a = read_table(array, filename="events.json").frame
    for name in ("events.jsonl", "events.ndjson", "events.json", "upload"):
        assert read_table(ndjson, filename=name).frame.equals(a), name
    assert a.height == 40 and a["event_params.page_location"][0] == _param(rows[0], "page_location")
    # one object holding a list of records: the records are the table
    wrapped = json.dumps({"exported": "2025-01-01", "data": rows}, indent=2).encode()
    t = read_table(wrapped, filename="api.json")
    assert t.frame.equals(a) and any("'data'" in str(n) for n in t.report.notes)


def test_mixpanel_export_properties_unprefixed_time_in_seconds() -> None:
    lines = (FIXTURES / "mixpanel_events.ndjson").read_text(encoding="utf-8").splitlines()
    raw = [json.loads(x) for x in lines]
    t = read_table(FIXTURES / "mixpanel_events.ndjson")
    f = t.frame
    assert (t.report.rows_read, t.report.rows_kept) == (120, 120)
    assert f.columns[:3] == ["event", "time", "distinct_id"]
    assert t.report.epoch_units == {"time": "s"}
    assert f["time"].to_list() == [
        dt.datetime.fromtimestamp(r["properties"]["time"], dt.UTC).replace(tzinfo=None) for r in raw
    ]
    assert f["distinct_id"].to_list() == [r["properties"]["distinct_id"] for r in raw]
    assert f["amount"].sum() == pytest.approx(sum(r["properties"].get("amount", 0) for r in raw))


# --------------------------------------------------------------------------- bad and hostile JSON


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b'{"a": 1}\n{"a": 2, oops}\n', "line 2"),
        (b'[{"a": 1}, {"a": 2}', "not valid JSON"),
        (b"[1, 2, 3]", "records"),
        (b"hello world", "does not hold JSON"),
        (b'{"a": "\xff\xfe bad"}\n', "UTF-8"),
        (b"{}\n{}\n", "no fields"),
        (b'{"properties": 5}\n{"properties": {"a": 1}}\n', "changes shape"),
    ],
)
def test_bad_json_is_refused_with_a_message(data: bytes, words: str) -> None:
    with pytest.raises(UnreadableFileError) as info:
        read_table(data, filename="export.json")
    assert words in str(info.value) and info.value.hint is not None


@pytest.mark.parametrize("opener", ["[", '{"a":'])
def test_deeply_nested_json_is_refused_before_parsing(opener: str) -> None:
    # polars itself crashes the process on ~500 levels: the guard must answer first
    closer = "]" if opener == "[" else "}"
    for depth in (65, 600, 100_000):
        data = (opener * depth + "1" + closer * depth).encode()
        if opener == "[":
            data = b"[{" + b'"x":' + data + b"}]"
        with pytest.raises(UnreadableFileError, match="nested more than 64"):
            read_table(data, filename="deep.json")


def test_brackets_inside_strings_do_not_count_as_nesting() -> None:
    text = json.dumps({"note": "[[[[{{{{" * 50 + '\\"]]]', "n": 1}) + "\n"
    t = read_table(text.encode(), filename="x.ndjson")
    assert t.frame["note"][0].startswith("[[[[{{{{") and t.frame["n"][0] == 1


def test_nesting_depth_counter() -> None:
    from kpi.load import _json_depth

    assert _json_depth(b'{"a": [1, {"b": "[[[[\\\\\\"[["}]}', 64) == 3
    assert _json_depth(b"[[[]]]", 64) == 3
    assert _json_depth(b'"{{{{"', 64) == 0


def test_json_with_too_many_fields_is_refused() -> None:
    record = {f"f{i}": i for i in range(20_001)}
    with pytest.raises(UnreadableFileError, match="more than 20,000"):
        read_table(json.dumps({"r": record}).encode(), filename="wide.ndjson")


# --------------------------------------------------------------------------- epoch timestamps

T0 = dt.datetime(2024, 3, 5, 14, 30, 15, 123456)
T0_S = int((T0 - dt.datetime(1970, 1, 1)).total_seconds())  # whole seconds


def test_epoch_columns_by_magnitude_and_name() -> None:
    us = T0_S * 1_000_000 + 123_456
    text = (
        "user_id,created,event_time_ms,event_timestamp,time_ns,phone,revenue_cents,visits\n"
        f"{T0_S},{T0_S},{us // 1000},{us},{us * 1000},33612345678,{T0_S * 100},3\n"
        f"{T0_S + 1},{T0_S + 60},{us // 1000 + 1},{us + 1},{us * 1000 + 1000},33612345679,100,4\n"
    )
    t = read_table(text.encode(), filename="events.csv")
    f = t.frame
    assert t.report.epoch_units == {
        "created": "s",
        "event_time_ms": "ms",
        "event_timestamp": "us",
        "time_ns": "ns",
    }
    assert f["created"].to_list() == [
        T0.replace(microsecond=0),
        T0.replace(microsecond=0) + dt.timedelta(minutes=1),
    ]
    assert f["event_time_ms"][0] == T0.replace(microsecond=123_000)
    assert f["event_timestamp"][0] == T0 and f["time_ns"][0] == T0
    labels = {c.name: str(c.label) for c in t.report.columns}
    assert labels["event_timestamp"] == "date and time from epoch microseconds (UTC)"
    # big integers that are not timestamps stay numbers (ids, phone numbers, cents, counts)
    assert f.schema["user_id"] == pl.Int64 and f["user_id"][0] == T0_S
    assert f.schema["revenue_cents"] == pl.Int64 and f.schema["visits"] == pl.Int64
    assert f.schema["phone"] == pl.String  # a code: kept as written


def test_time_named_numbers_out_of_range_stay_numbers() -> None:
    t = read_table(b"time_on_page,duration_ts\n35,12\n120,4\n", filename="x.csv")
    assert t.report.epoch_units == {} and t.frame.schema["time_on_page"] == pl.Int64


@pytest.mark.parametrize(
    ("values", "unit"),
    [
        ([T0_S, T0_S + 3600], "s"),
        ([T0_S * 1000 + 123, T0_S * 1000 + 3_600_000], "ms"),
        ([T0_S * 10**6 + 123_456, (T0_S + 3600) * 10**6], "us"),
        ([T0_S * 10**9 + 123_456_789, (T0_S + 3600) * 10**9], "ns"),
    ],
)
def test_timestamp_role_chosen_by_hand_on_epoch_integers(values: list[int], unit: str) -> None:
    """The user picks Timestamp for an integer column: no row is dropped, the unit is found."""
    from kpi.epoch import unit_by_magnitude
    from kpi.schema import TableInput, build_dataset

    frame = pl.DataFrame(
        {"visitor": ["u1", "u2"], "action": ["view", "buy"], "when": pl.Series(values)}
    )
    assert frame.schema["when"] == pl.Int64
    roles = {"visitor": "user_id", "action": "step", "when": "ts"}
    ds = build_dataset([TableInput("events.csv", frame, roles=roles)])
    per = {"s": 1, "ms": 1_000, "us": 1_000_000, "ns": 1_000_000_000}[unit]
    expected = [
        dt.datetime(1970, 1, 1) + dt.timedelta(microseconds=v * 1_000_000 // per) for v in values
    ]
    assert ds.events.sort("ts")["ts"].to_list() == expected
    assert ds.events.height == 2
    assert unit_by_magnitude(frame["when"]) == unit


def test_timestamp_role_chosen_by_hand_on_ga4_event_timestamp() -> None:
    """GA4 BigQuery event_timestamp kept as integers (e.g. from a CSV extract): all rows kept."""
    from kpi.schema import TableInput, build_dataset

    raw = _ga4_json_rows()
    frame = pl.DataFrame(
        {
            "user_pseudo_id": [r["user_pseudo_id"] for r in raw],
            "event_name": [r["event_name"] for r in raw],
            "event_timestamp": [int(r["event_timestamp"]) for r in raw],
        }
    )
    roles = {"user_pseudo_id": "user_id", "event_name": "step", "event_timestamp": "ts"}
    ds = build_dataset([TableInput("ga4.csv", frame, roles=roles)])
    assert ds.events.height == len(raw)
    assert ds.events["ts"].min() == dt.datetime(1970, 1, 1) + dt.timedelta(
        microseconds=min(int(r["event_timestamp"]) for r in raw)
    )


def test_yyyymmdd_integers_chosen_as_timestamp_are_dates() -> None:
    from kpi.epoch import epoch_to_datetime

    s = pl.DataFrame({"d": [20231114, 20231201]})
    out = s.select(epoch_to_datetime(pl.col("d"), pl.Int64))["d"].to_list()
    assert out == [dt.datetime(2023, 11, 14), dt.datetime(2023, 12, 1)]


# --------------------------------------------------------------------------- wide files


def _wide_csv(n_cols: int = 5_000, n_rows: int = 200, seed: int = 5) -> bytes:
    import random

    rng = random.Random(seed)
    header = ["user_id", "event_date", "event_name"] + [f"feature_{i}" for i in range(n_cols - 3)]
    lines = [",".join(header)]
    for r in range(n_rows):
        row = [f"u{r % 50}", f"2024-01-{1 + r % 28:02d}", rng.choice(["view", "cart", "buy"])]
        for i in range(n_cols - 3):
            k = i % 5
            row.append(
                str(rng.randint(0, 1000))
                if k == 0
                else f"{rng.random():.3f}"
                if k == 1
                else rng.choice(["a", "b", "c"])
                if k == 2
                else ""
                if k == 3
                else f"x{rng.randint(0, 10**6)}"
            )
        lines.append(",".join(row))
    return ("\n".join(lines) + "\n").encode()


def test_wide_file_reads_every_row_and_column() -> None:
    import time

    from kpi.schema import detect_roles

    data = _wide_csv()
    start = time.perf_counter()
    t = read_table(data, filename="wide.csv")
    read_s = time.perf_counter() - start
    roles = detect_roles(t.frame, filename="wide.csv")
    total_s = time.perf_counter() - start
    print(f"5,000 columns x 200 rows: read_table {read_s:.2f} s, + detect_roles {total_s:.2f} s")
    assert t.frame.shape == (200, 5_000)
    assert (t.report.rows_read, t.report.rows_kept) == (200, 200)
    assert t.frame.columns[:3] == ["user_id", "event_date", "event_name"]
    assert t.frame.schema["feature_0"] == pl.Int64 and t.frame.schema["feature_1"] == pl.Float64
    assert t.frame.schema["feature_2"] == pl.String and t.frame.schema["event_date"] == pl.Date
    first = data.decode().splitlines()[1].split(",")
    assert t.frame["feature_0"][0] == int(first[3]) and t.frame["feature_1"][0] == float(first[4])
    assert len(roles) == 5_000


def _tricky_columns(n: int = 40) -> pl.DataFrame:
    """String columns of every shape the per-column typing distinguishes."""
    import random

    rng = random.Random(1)

    def pick(kind: int) -> str | None:
        if rng.random() < 0.1:
            return None
        return [
            lambda: str(rng.randint(-50, 10**6)),  # ints
            lambda: f"{rng.uniform(-5, 5):.3f}",  # 3 decimals: dot or thousands?
            lambda: f"{rng.uniform(0, 100):.2f}",  # decimals
            lambda: rng.choice(["0", "1"]),  # flags or counts
            lambda: f"0{rng.randint(100, 999)}",  # leading zeros
            lambda: rng.choice(["yes", "no"]),  # booleans
            lambda: f"2024-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}",  # dates
            lambda: rng.choice(["mobile", "desktop", "tablet"]),  # text
            lambda: f"{rng.randint(1, 99)},{rng.randint(10, 99)}",  # decimal comma
            lambda: f"{rng.randint(1, 99)} %",  # percentages
            lambda: rng.choice(["12", "x3", "14", "15"]),  # mostly numbers
            lambda: str(rng.randint(10**15, 10**17)),  # 16+ digit ids
            lambda: f"1.{rng.randint(10**8, 10**9)}",  # id with a dot
            lambda: str(rng.randint(1_700_000_000, 1_800_000_000)),  # epoch seconds
            lambda: f"(1{rng.randint(0, 9)}.50)",  # accounting negatives
            lambda: f"{rng.randint(19000101, 20991231)}",  # yyyymmdd-like
        ][kind]()

    names = ["n", "ratio", "price", "is_member", "zip", "opt_in", "day", "device", "montant",
             "share", "qty", "order_ref", "visitor_id", "created", "balance", "event_date"]  # fmt: skip
    cols = {}
    for i in range(n * 16):
        kind = i % 16
        name = f"{names[kind]}_{i}" if i % 3 else names[kind] + f"{i}"
        cols[name] = pl.Series(name, [pick(kind) for _ in range(150)], dtype=pl.String)
    cols["blank"] = pl.Series("blank", [None] * 150, dtype=pl.String)
    return pl.DataFrame(list(cols.values()))


@pytest.mark.parametrize(
    "opts",
    [
        {},
        {"european_hint": True},
        {"decimal": ","},
        {"decimal": "."},
        {"date_order": "dmy", "european_hint": True},
    ],
)
def test_wide_screening_types_exactly_like_one_column_at_a_time(opts: dict) -> None:
    from kpi.formats import BATCH_MIN_COLUMNS, ReadOptions, type_column, type_columns

    frame = _tricky_columns()
    assert frame.width >= BATCH_MIN_COLUMNS
    options = ReadOptions(**opts)
    fast = type_columns(frame, options)
    slow = [type_column(frame[c], options) for c in frame.columns]
    for a, b in zip(fast, slow, strict=True):
        assert a.report == b.report, a.report.name
        assert a.notes == b.notes and a.ambiguous_date == b.ambiguous_date
        assert a.series.equals(b.series, check_names=True), a.report.name


def test_json_with_too_many_field_names_is_refused_before_parsing() -> None:
    data = "".join(json.dumps({f"k{i}": i}) + "\n" for i in range(20_001)).encode()
    with pytest.raises(UnreadableFileError, match="20,001 different field names"):
        read_table(data, filename="keys.ndjson")


def test_timestamp_role_on_epoch_digits_kept_as_text() -> None:
    from kpi.schema import TableInput, build_dataset

    ms = [T0_S * 1000 + 123, T0_S * 1000 + 60_000]
    frame = pl.DataFrame({"uid": ["a", "b"], "step": ["x", "y"], "when": [str(v) for v in ms]})
    ds = build_dataset(
        [TableInput("e.csv", frame, roles={"uid": "user_id", "step": "step", "when": "ts"})]
    )
    assert ds.events.sort("ts")["ts"].to_list() == [
        dt.datetime(1970, 1, 1) + dt.timedelta(milliseconds=v) for v in ms
    ]
    # date texts stay date texts (a stray number among them is not an epoch)
    frame = pl.DataFrame(
        {"uid": ["a", "b"], "step": ["x", "y"], "when": ["2024-03-05 10:00:00", "5"]}
    )
    ds = build_dataset(
        [TableInput("e.csv", frame, roles={"uid": "user_id", "step": "step", "when": "ts"})]
    )
    assert ds.events["ts"].to_list() == [dt.datetime(2024, 3, 5, 10)]
