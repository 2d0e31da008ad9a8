"""Exports analysts actually have (issue 9): Shopify line items, flattened GA4 BigQuery rows,
several files sharing a user column, C-prefixed ids, prices on purchase rows, exact duplicate
rows, wide files. Every figure is recomputed here with plain polars / Python."""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from pathlib import Path

import polars as pl
import pytest

from kpi.quality import quality_summary
from kpi.schema import (
    SEGMENTS_SHOWN,
    TableInput,
    align_user_ids,
    build_dataset,
    detect_kind,
    detect_roles,
    shared_user_id,
)
from kpi.stages import stage_kpis
from kpi.words import render

ROOT = Path(__file__).resolve().parents[2]
SHOPIFY = ROOT / "tests" / "fixtures" / "shopify_orders_lines.csv"
DATASETS = ROOT.parent / "shared" / "datasets"
needs_data = pytest.mark.skipif(not DATASETS.exists(), reason="../shared/datasets missing")


def _kpi(ds, code: str) -> float | None:
    return next(k for k in stage_kpis(ds) if k.code == code).value


# --------------------------------------------------------------------------- Shopify


def _shopify_frame() -> pl.DataFrame:
    """The fixture as polars reads it, dates typed as kpi.load types them (naive UTC)."""
    raw = pl.read_csv(SHOPIFY, infer_schema_length=None)
    return raw.with_columns(
        pl.col(c)
        .str.to_datetime("%Y-%m-%d %H:%M:%S %z")
        .dt.convert_time_zone("UTC")
        .dt.replace_time_zone(None)
        for c in ("Created at", "Paid at", "Fulfilled at")
    )


def _shopify_orders(raw: pl.DataFrame, amount: str = "Total") -> pl.DataFrame:
    """Reference: one row per order from the order's first line (plain polars)."""
    first = raw.group_by("Name", maintain_order=True).first()
    net = pl.col(amount) - (pl.col("Refunded Amount").fill_null(0) if amount == "Total" else 0)
    return first.filter(pl.col("Email").is_not_null()).with_columns(
        pl.col("Email").str.to_lowercase(), net.alias("amount")
    )


def test_shopify_roles_and_shape():
    roles = detect_roles(_shopify_frame())
    assert {
        c: roles[c]
        for c in (
            "Name",
            "Email",
            "Created at",
            "Total",
            "Subtotal",
            "Lineitem quantity",
            "Lineitem price",
            "Discount Code",
            "Shipping Method",
            "Billing Country",
            "Currency",
            "Notes",
            "Lineitem sku",
        )
    } == {
        "Name": "order_id",
        "Email": "user_id",
        "Created at": "ts",  # the order date, not Paid at
        "Total": "revenue",  # Total rather than Subtotal
        "Subtotal": "metric",
        "Lineitem quantity": "quantity",
        "Lineitem price": "unit_price",
        "Discount Code": "segment",
        "Shipping Method": "segment",
        "Billing Country": "segment",
        "Currency": "segment",  # a constant currency is not a funnel step
        "Notes": "ignore",  # an empty column
        "Lineitem sku": "ignore",  # line fields are not user segments
    }
    assert detect_kind(roles) == "orders"


def test_shopify_lines_become_orders_by_total():
    raw = _shopify_frame()
    ds = build_dataset([TableInput("shopify_orders_lines.csv", raw)])
    ref = _shopify_orders(raw)
    guests = raw.group_by("Name", maintain_order=True).agg(
        pl.col("Email").first().is_null().alias("guest"), pl.len().alias("lines")
    )
    guest_lines = guests.filter("guest")["lines"].sum()
    (src,) = ds.sources
    # every line read and accounted for: only the lines of orders without an e-mail are dropped
    assert src.rows_read == raw.height == 162
    assert (
        src.dropped
        == {"ingest_rows.missing_user_id": guest_lines}
        == {"ingest_rows.missing_user_id": 3}
    )
    assert src.rows_kept == raw.height - guest_lines
    # orders, customers (e-mail, case-insensitive), revenue = Total once per order, AOV
    assert ds.events.height == ds.events["order_id"].n_unique() == ref.height == 68
    assert ds.users.height == ref["Email"].n_unique() == 28
    assert ds.events["revenue"].sum() == pytest.approx(ref["amount"].sum(), abs=1e-6)
    line_sum = (raw["Lineitem quantity"] * raw["Lineitem price"]).sum()
    assert ds.events["revenue"].sum() != pytest.approx(line_sum)  # not the sum of line items
    assert _kpi(ds, "orders") == 68
    assert _kpi(ds, "revenue") == pytest.approx(ref["amount"].sum())
    assert _kpi(ds, "aov") == pytest.approx(ref["amount"].sum() / ref.height)
    # per order: the order's Total, its first line's date
    by_order = dict(ds.events.select("order_id", "revenue").iter_rows())
    assert by_order == pytest.approx(dict(ref.select("Name", "amount").iter_rows()))
    assert any("once per order" in str(n) for n in ds.notes)


def test_shopify_discount_codes_and_shipping_methods_are_segments():
    raw = _shopify_frame()
    ds = build_dataset([TableInput("shopify_orders_lines.csv", raw)])
    assert {"Discount Code", "Shipping Method"} <= set(ds.segments)
    # a customer's segment is their first order's value; no code is "(none)"
    ref = (
        _shopify_orders(raw)
        .sort("Created at")
        .group_by("Email", maintain_order=True)
        .first()
        .with_columns(pl.col("Discount Code").fill_null("(none)"))
    )
    got = dict(ds.users.select("user_id", "Discount Code").iter_rows())
    assert got == dict(ref.select("Email", "Discount Code").iter_rows())
    assert set(got.values()) == {"(none)", "WELCOME10", "SUMMER15"}
    ship = dict(ds.users.group_by("Shipping Method").len().iter_rows())
    assert ship == dict(ref.group_by("Shipping Method").len().iter_rows())
    assert "Local pickup" not in ship  # only the guests' point-of-sale orders, dropped


def test_shopify_subtotal_when_the_user_prefers_it():
    """On the Data page: revenue role on Subtotal, Total back to a metric."""
    raw = _shopify_frame()
    roles = {**detect_roles(raw), "Subtotal": "revenue", "Total": "metric"}
    ds = build_dataset([TableInput("shopify_orders_lines.csv", raw, roles=roles)])
    ref = _shopify_orders(raw, "Subtotal")
    assert ds.events["revenue"].sum() == pytest.approx(ref["amount"].sum())
    assert _kpi(ds, "aov") == pytest.approx(ref["amount"].sum() / 68)


# --------------------------------------------------------------------------- GA4 BigQuery


def _ga4_frame() -> pl.DataFrame:
    """Flattened GA4 BigQuery rows as kpi.load gives them (records -> dotted columns)."""
    t0 = datetime(2020, 11, 3, 10, 0, 0)
    rows = []
    # (user, ga_session_id, event, seconds, device, medium, source, country, revenue, tx)
    plan = [
        ("111.1", 1604390000, "session_start", 0, "mobile", "organic", "google", "France"),
        ("111.1", 1604390000, "view_item", 5, "mobile", "organic", "google", "France"),
        ("111.1", 1604390000, "add_to_cart", 9, "mobile", "organic", "google", "France"),
        ("111.1", 1604390000, "purchase", 30, "mobile", "organic", "google", "France"),
        ("222.2", 1604390000, "session_start", 1, "desktop", "cpc", "google", "Germany"),
        ("222.2", 1604390000, "view_item", 4, "desktop", "cpc", "google", "Germany"),
        ("222.2", 1604399999, "session_start", 7200, "desktop", "cpc", "google", "Germany"),
        ("222.2", 1604399999, "purchase", 7300, "desktop", "cpc", "google", "Germany"),
        ("333.3", 1604391111, "session_start", 60, "tablet", "(none)", "(direct)", "Spain"),
        ("333.3", 1604391111, "view_item", 61, "tablet", "(none)", "(direct)", "Spain"),
        ("333.3", 1604391111, "view_item", 61, "tablet", "(none)", "(direct)", "Spain"),
    ]
    revenue = {("111.1", "purchase"): 45.5, ("222.2", "purchase"): 120.0}
    for i, (u, sid, ev, sec, dev, med, src, country) in enumerate(plan):
        rev = revenue.get((u, ev))
        rows.append(
            {
                "event_date": "20201103",
                "event_timestamp": t0 + timedelta(seconds=sec),
                "event_name": ev,
                "event_params.ga_session_id": sid,
                "event_params.page_location": f"https://shop.example/p{i}",
                "event_params.page_title": "Home" if ev == "session_start" else "Product",
                "event_params.value": rev,
                "event_value_in_usd": rev,
                "user_id": None,
                "user_pseudo_id": u,
                "user_ltv.revenue": 999.0,
                "platform": "WEB",
                "device.category": dev,
                "device.operating_system": "Android" if dev == "mobile" else "Windows",
                "device.web_info.browser": "Chrome",
                "geo.country": country,
                "geo.city": "(not set)",
                "traffic_source.source": src,
                "traffic_source.medium": med,
                "traffic_source.name": "(organic)",
                "ecommerce.purchase_revenue": rev,
                "ecommerce.transaction_id": f"T{i}" if rev else None,
                "app_info": {"id": None, "version": None},
                "items": [{"item_id": "SKU1", "price": 10.0}] if rev else [],
            }
        )
    frame = pl.DataFrame(rows, infer_schema_length=None)
    return frame.with_columns(pl.col("user_id").cast(pl.String))


def test_ga4_bigquery_roles():
    roles = detect_roles(_ga4_frame())
    assert {c: r for c, r in roles.items() if r not in ("ignore", "metric", "segment")} == {
        "user_pseudo_id": "user_id",  # not the empty user_id
        "event_name": "step",
        "event_timestamp": "ts",  # not event_date
        "event_params.ga_session_id": "session_id",
        "device.category": "device",  # not platform
        "traffic_source.medium": "channel",
        "ecommerce.purchase_revenue": "revenue",  # not event_value_in_usd, not user_ltv
        "ecommerce.transaction_id": "order_id",
    }
    assert roles["geo.country"] == roles["traffic_source.source"] == "segment"
    assert roles["app_info"] == roles["items"] == "ignore"  # records and lists: never segments
    assert roles["user_ltv.revenue"] == "metric"
    assert detect_kind(roles) == "events"


def test_ga4_epoch_microseconds_named_timestamp_is_the_time():
    frame = pl.DataFrame(
        {
            "event_date": ["20201103", "20201103"],
            "event_timestamp": [1604397600123456, 1604397605000000],
            "event_name": ["page_view", "purchase"],
            "user_pseudo_id": ["1.1", "1.1"],
        }
    )
    assert detect_roles(frame)["event_timestamp"] == "ts"


def test_ga4_bigquery_dataset():
    frame = _ga4_frame()
    ds = build_dataset([TableInput("ga4_events.parquet", frame)])
    ev = ds.events
    assert ev.height == frame.height and ds.has_timestamps
    # sessions are per user: 333.3 and 111.1 share no number, 222.2 had two sessions, and the
    # same ga_session_id under two users is two sessions
    ref_sessions = frame.select("user_pseudo_id", "event_params.ga_session_id").n_unique()
    assert ev["session_id"].n_unique() == ref_sessions == 4
    assert "222.2:1604399999" in ev["session_id"].to_list()
    assert ev["revenue"].sum() == pytest.approx(45.5 + 120.0)
    assert ev["order_id"].drop_nulls().n_unique() == 2
    users = dict(ds.users.select("user_id", "device").iter_rows())
    assert users == {"111.1": "mobile", "222.2": "desktop", "333.3": "tablet"}
    assert dict(ds.users.select("user_id", "channel").iter_rows())["333.3"] == "(none)"
    assert "geo.country" in ds.segments and "traffic_source.source" in ds.segments
    assert not {"app_info", "items"} & set(ds.users.columns)
    assert all(not str(v).startswith("{") for v in ds.users["device"].to_list())
    assert any("ga_session_id" in str(n) for n in ds.notes)
    assert any(
        str(n).startswith("ga4_events.parquet: channel = traffic_source.medium") for n in ds.notes
    )
    # organic share is the organic medium's share of sessions, not 100 %
    assert _kpi(ds, "organic_share") == pytest.approx(1 / 4)


# --------------------------------------------------------------------------- duplicates


def test_duplicate_events_are_rows_identical_in_every_column():
    frame = _ga4_frame().drop("app_info", "items")
    # 333.3's two view_item rows share user, step and time but not the page: not duplicates
    assert build_dataset([TableInput("ga4.csv", frame)]).sources[0].duplicate_rows == 0
    doubled = pl.concat([frame, frame.head(3)])
    ds = build_dataset([TableInput("ga4.csv", doubled)])
    assert quality_summary(ds).duplicate_events == 3
    ref = doubled.height - doubled.unique().height
    assert ref == 3


@needs_data
def test_online_retail_duplicate_rows():
    """The UCI file's well-known 5,268 exact duplicate lines (all eight columns equal)."""
    from kpi.load import read_table

    t = read_table(DATASETS / "online_retail.csv")
    ds = build_dataset([TableInput.from_table("online_retail.csv", t)])
    raw = pl.read_csv(
        DATASETS / "online_retail.csv",
        schema_overrides={"InvoiceNo": pl.String, "StockCode": pl.String},
    )
    assert quality_summary(ds).duplicate_events == raw.height - raw.unique().height == 5_268
    assert any("cancellations in this file" in str(n) for n in ds.notes)


# --------------------------------------------------------------------------- C-prefixed ids


def _orders(ids: list[str], qty: list[int]) -> pl.DataFrame:
    n = len(ids)
    return pl.DataFrame(
        {
            "InvoiceNo": ids,
            "CustomerID": [f"c{i % 3}" for i in range(n)],
            "InvoiceDate": [datetime(2024, 1, 1) + timedelta(days=i) for i in range(n)],
            "Quantity": qty,
            "UnitPrice": [2.5] * n,
        }
    )


def test_c_ids_with_positive_quantities_are_orders():
    frame = _orders(["CMD-1001", "CMD-1002", "C1234", "1005"], [1, 2, 3, 1])
    ds = build_dataset([TableInput("orders.csv", frame)])
    (src,) = ds.sources
    assert src.dropped == {} and src.rows_kept == 4
    assert ds.events["order_id"].to_list() == ["CMD-1001", "CMD-1002", "C1234", "1005"]
    assert ds.events["revenue"].sum() == pytest.approx(2.5 * 7)
    assert any("kept as orders" in str(n) for n in ds.notes)


def test_c_ids_with_negative_quantities_are_cancellations():
    frame = _orders(["536365", "536366", "C536379", "C536380"], [6, 2, -6, -1])
    ds = build_dataset([TableInput("orders.csv", frame)])
    (src,) = ds.sources
    assert src.dropped == {"ingest_rows.cancellation": 2}
    assert ds.events["order_id"].to_list() == ["536365", "536366"]
    assert any("cancellations in this file (2 of 2" in str(n) for n in ds.notes)


# --------------------------------------------------------------------------- REES46 prices


@needs_data
def test_rees46_revenue_is_the_price_of_purchase_rows():
    from kpi.load import read_table

    path = DATASETS / "rees46_events_sample.csv"
    ds = build_dataset([TableInput.from_table(path.name, read_table(path))])
    raw = pl.read_csv(path)
    purchases = raw.filter(pl.col("event_type") == "purchase")
    assert purchases.height > 0
    assert ds.events["revenue"].sum() == pytest.approx(purchases["price"].sum(), abs=1e-6)
    assert ds.events.filter(pl.col("step") != "purchase")["revenue"].null_count() == (
        raw.height - purchases.height
    )
    assert _kpi(ds, "revenue") == pytest.approx(purchases["price"].sum())
    assert _kpi(ds, "orders") == purchases.height  # one unit per purchase row, no order id
    assert any("one unit per row" in str(n) for n in ds.notes)


# --------------------------------------------------------------------------- several files


def _three_files() -> list[TableInput]:
    """Events, contacts and a survey that name their user column contact_ref (no synonym);
    they also share `country` (few values) and `legacy_ref` (another code, little overlap)."""
    refs = [f"R-{i:04d}" for i in range(100)]
    contacts = pl.DataFrame(
        {
            "legacy_ref": [f"L{i}" for i in range(100)],  # first: the values guess it an id
            "contact_ref": refs,
            "country": [["FR", "BE", "DE"][i % 3] for i in range(100)],
            "plan": [["free", "pro"][i % 2] for i in range(100)],
        }
    )
    events = pl.DataFrame(
        {
            "contact_ref": [refs[i % 98] for i in range(300)],
            "legacy_ref": [f"L{500 + i % 60}" if i % 5 else f"L{i % 50}" for i in range(300)],
            "country": [["FR", "BE", "DE"][i % 3] for i in range(300)],
            "event": [["visit", "signup", "buy"][i % 3] for i in range(300)],
            "when": [datetime(2025, 1, 1) + timedelta(hours=i) for i in range(300)],
        }
    )
    answers = pl.DataFrame(
        {
            "contact_ref": [*refs[:40], "R-9999", "R-9998"],
            "legacy_ref": [f"X{i}" for i in range(42)],
            "country": ["FR"] * 42,
            "score": [8] * 42,
        }
    )
    return [
        TableInput("events.csv", events),
        TableInput("contacts.csv", contacts),
        TableInput("answers.csv", answers),
    ]


def test_the_column_the_files_share_is_the_user_id():
    tables = _three_files()
    assert tables[0].col("user_id") is None  # contact_ref is no synonym, repeated in events
    choice = shared_user_id(tables)
    assert choice is not None and choice.column == "contact_ref"
    # reference: distinct refs over the three files, and those found in at least two
    sets = [set(t.frame["contact_ref"].to_list()) for t in tables]
    union = set().union(*sets)
    in_two = {v for v in union if sum(v in s for s in sets) >= 2}
    assert (choice.files, choice.of_files) == (3, 3)
    assert choice.overlap == pytest.approx(len(in_two) / len(union)) == pytest.approx(98 / 102)
    others = {c: reason for c, reason, _ in choice.others}
    assert others == {"country": "few values", "legacy_ref": "less overlap"}
    aligned, done = align_user_ids(tables)
    assert [t.col("user_id") for t in aligned] == ["contact_ref"] * 3
    # events had no user id; contacts had guessed legacy_ref from its values (one a row)
    assert done is not None and done.changed == ("events.csv", "contacts.csv")
    ds = build_dataset(aligned)
    note = ds.notes[0]
    assert note.code == "ingest_shape.shared_id" and note["column"] == "contact_ref"
    assert [(f.code, f["column"]) for f in note["others"]["columns"]] == [
        ("ingest_shape.shared_id.less_overlap", "legacy_ref"),
        ("ingest_shape.shared_id.few_values", "country"),
    ]
    assert render(note, "en") == (
        "user id = contact_ref: shared by all 3 files, 96.1% of its values overlap; "
        "not legacy_ref (5.26% overlap) and country (3 values)."
    )
    assert render(note, "fr") == (
        "identifiant utilisateur = contact_ref\u00a0: présent dans les 3 fichiers, "
        "96,1\u00a0% de ses valeurs se recoupent\u00a0; pas legacy_ref (5,26\u00a0% de "
        "recoupement) et country (3 valeurs)."
    )
    assert ds.users.height == len(sets[0] | sets[1]) == 100  # users: contacts and events
    assert ds.survey is not None and ds.survey["user_id"].n_unique() == 42
    # build_dataset alone also rescues a file with no recognised user id
    assert build_dataset(tables).events.height == 300


def test_several_files_with_their_own_user_id_are_left_alone():
    a = TableInput("a.csv", pl.DataFrame({"user_id": ["1", "2"], "event": ["x", "y"]}))
    b = TableInput("b.csv", pl.DataFrame({"user_id": ["1", "3"], "device": ["m", "d"]}))
    aligned, choice = align_user_ids([a, b])
    assert choice is not None and choice.column == "user_id" and choice.changed == ()
    assert [t.roles for t in aligned] == [a.roles, b.roles]
    assert choice.overlap == pytest.approx(1 / 3)


# --------------------------------------------------------------------------- wide files


def test_wide_file_segments_ranked_and_capped():
    rows, cols = 200, 5_000
    data: dict[str, list] = {"customer_id": [f"u{i}" for i in range(rows)]}
    data["country"] = [["FR", "DE", "IT", "ES"][i % 4] for i in range(rows)]
    for j in range(cols - 2):
        kind = j % 4
        if kind == 0:  # categorical, 2-6 values
            data[f"attr_{j}"] = [f"v{i % (2 + j % 5)}" for i in range(rows)]
        elif kind == 1:  # numeric
            data[f"num_{j}"] = [float(i * j % 97) for i in range(rows)]
        elif kind == 2:  # mostly empty text
            data[f"sparse_{j}"] = [("a" if i % 2 else "b") if i < 20 else None for i in range(rows)]
        else:  # constant text
            data[f"const_{j}"] = ["same"] * rows
    frame = pl.DataFrame(data)
    started = time.process_time()  # CPU seconds: a guard that the machine's load cannot trip
    ds = build_dataset([TableInput("wide.csv", frame)])
    elapsed = time.process_time() - started
    assert len(ds.segments) == SEGMENTS_SHOWN == 12
    assert "country" in ds.segments  # a name that says segment comes first
    assert all(s.startswith("attr_") for s in ds.segments if s != "country")
    candidates = [c for c in frame.columns if frame.schema[c] == pl.String and c != "customer_id"]
    assert set(ds.segments) | set(ds.extra_segments) == set(candidates)
    assert not set(ds.segments) & set(ds.extra_segments)
    # best first: categorical, then mostly empty, then constant
    kinds = [c.split("_")[0] for c in ds.extra_segments]
    assert kinds == sorted(kinds, key=["attr", "sparse", "const"].index)
    assert set(ds.extra_segments) <= set(ds.users.columns)  # filterable, one click away
    assert elapsed < 20, elapsed  # was 70 s: a schema lookup per column; ~1 CPU s now


def test_build_dataset_gives_the_shared_user_id_to_a_file_without_one_only():
    """The user's own choice in a file stands; a file with no user id takes the shared one."""
    events, contacts, answers = _three_files()
    contacts.roles.update({"legacy_ref": "ignore", "contact_ref": "user_id"})
    ds = build_dataset([events, contacts, answers])
    assert ds.notes[0]["changed"]["files"] == ["events.csv"]
    assert str(ds.notes[0]).endswith("(set in events.csv).")
    assert ds.events.height == 300 and ds.users.height == 100
