"""Column roles, table shapes and the canonical Dataset, on real exports and typical headers."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import polars as pl
import pytest

from kpi.errors import SchemaError
from kpi.load import read_table
from kpi.schema import TableInput, build_dataset, detect_kind, detect_roles, rederive_cohort

DATASETS = Path(__file__).resolve().parents[2].parent / "shared" / "datasets"
needs_data = pytest.mark.skipif(not DATASETS.exists(), reason="../shared/datasets missing")
KAGGLE = [
    "user_table.csv",
    "home_page_table.csv",
    "search_page_table.csv",
    "payment_page_table.csv",
    "payment_confirmation_table.csv",
]


def _table(path: Path) -> TableInput:
    t = read_table(path)
    return TableInput(
        path.name,
        t.frame,
        rows_read=t.report.rows_read,
        dropped=dict(t.report.dropped),
    )


def _roles(frame: pl.DataFrame) -> dict[str, str]:
    return {c: r for c, r in detect_roles(frame).items() if r not in ("ignore", "metric")}


# --------------------------------------------------------------------------- header synonyms


def _dt(*xs: str) -> list[datetime]:
    return [datetime.fromisoformat(x) for x in xs]


@pytest.mark.parametrize(
    ("frame", "expected", "kind"),
    [
        (  # GA4 BigQuery export, flattened
            pl.DataFrame(
                {
                    "event_date": [datetime(2020, 11, 1).date()] * 3,
                    "event_timestamp": _dt(
                        "2020-11-01 00:00:01", "2020-11-01 00:01:00", "2020-11-01 00:02:00"
                    ),
                    "event_name": ["session_start", "view_item", "purchase"],
                    "user_pseudo_id": ["111.222", "111.222", "333.444"],
                    "ga_session_id": ["1", "1", "2"],
                    "device_category": ["mobile", "mobile", "desktop"],
                    "purchase_revenue": [None, None, 45.5],
                    "transaction_id": [None, None, "T1"],
                }
            ),
            {
                "event_timestamp": "ts",
                "event_name": "step",
                "user_pseudo_id": "user_id",
                "ga_session_id": "session_id",
                "device_category": "device",
                "purchase_revenue": "revenue",
                "transaction_id": "order_id",
            },
            "events",
        ),
        (  # Mixpanel raw export, flattened
            pl.DataFrame(
                {
                    "event": ["Page View", "Sign Up", "Purchase"],
                    "time": _dt("2024-06-01 00:00", "2024-06-01 00:05", "2024-06-01 02:30"),
                    "distinct_id": ["u1", "u1", "u2"],
                    "$os": ["Windows", "Windows", "iOS"],
                    "utm_source": ["google", "google", None],
                }
            ),
            {
                "event": "step",
                "time": "ts",
                "distinct_id": "user_id",
                "$os": "device",
                "utm_source": "channel",
            },
            "events",
        ),
        (  # Shopify orders export: one row per line item, order = Name "#1001"
            pl.DataFrame(
                {
                    "Name": ["#1001", "#1002", "#1002"],
                    "Email": ["a@x.com", "b@x.com", "b@x.com"],
                    "Created at": _dt("2026-05-01 08:00", "2026-05-02 09:00", "2026-05-02 09:00"),
                    "Lineitem quantity": [2, 1, 1],
                    "Lineitem price": [12.5, 20.0, 11.0],
                    "Billing Country": ["FR", "DE", "DE"],
                }
            ),
            {
                "Name": "order_id",
                "Email": "user_id",
                "Created at": "ts",
                "Lineitem quantity": "quantity",
                "Lineitem price": "unit_price",
                "Billing Country": "segment",
            },
            "orders",
        ),
        (  # HubSpot contacts: "Became a … Date" columns are funnel steps of a wide table
            pl.DataFrame(
                {
                    "Record ID": [1, 2, 3],
                    "Lifecycle Stage": ["Customer", "Lead", "Marketing Qualified Lead"],
                    "Create Date": _dt("2026-01-02 10:00", "2026-01-03 11:00", "2026-01-04 11:00"),
                    "Original Source": ["Organic Search", "Paid Search", "Direct Traffic"],
                    "Became a Lead Date": _dt(
                        "2026-01-02 10:05", "2026-01-03 11:00", "2026-01-04 11:00"
                    ),
                    "Became a Customer Date": [datetime(2026, 2, 1), None, None],
                }
            ),
            {
                "Record ID": "user_id",
                "Lifecycle Stage": "segment",
                "Create Date": "signup",
                "Original Source": "channel",
                "Became a Lead Date": "step_flag",
                "Became a Customer Date": "step_flag",
            },
            "wide",
        ),
        (  # a French CRM export
            pl.DataFrame(
                {
                    "Identifiant client": ["1", "2", "3"],
                    "Date de commande": _dt(
                        "2024-02-01 00:00", "2024-02-13 00:00", "2024-02-14 00:00"
                    ),
                    "Montant TTC": [1234.56, 12.5, 100.0],
                    "Canal": ["Email", "SEO", "Email"],
                    "Appareil": ["Mobile", "Ordinateur", "Mobile"],
                }
            ),
            {
                "Identifiant client": "user_id",
                "Date de commande": "ts",
                "Montant TTC": "revenue",
                "Canal": "channel",
                "Appareil": "device",
            },
            "orders",
        ),
    ],
    ids=["ga4-bigquery", "mixpanel", "shopify", "hubspot", "french-crm"],
)
def test_roles_of_typical_exports(frame, expected, kind):
    roles = detect_roles(frame)
    assert {c: roles[c] for c in expected} == expected
    assert detect_kind(roles) == kind


def test_hubspot_becomes_a_stage_funnel_with_times():
    frame = pl.DataFrame(
        {
            "Record ID": [1, 2, 3],
            "Became a Lead Date": _dt("2026-01-02 10:05", "2026-01-03 11:00", "2026-01-04 11:00"),
            "Became a Customer Date": [datetime(2026, 2, 1), None, None],
        }
    )
    ds = build_dataset([TableInput("contacts.csv", frame)])
    assert ds.steps == ("Lead", "Customer")
    assert ds.events.height == 4 and ds.has_timestamps


def test_no_user_id_is_a_schema_error_with_advice():
    with pytest.raises(SchemaError, match="user"):
        detect_kind({"a": "metric", "b": "segment"})


# --------------------------------------------------------------------------- real files


@needs_data
def test_kaggle_funnel_five_files_become_events_and_users():
    ds = build_dataset([_table(DATASETS / "ecommerce_funnel" / f) for f in KAGGLE])
    assert ds.steps == ("home_page", "search_page", "payment_page", "payment_confirmation_page")
    counts = dict(ds.events.group_by("step").len().iter_rows())
    assert counts == {
        "home_page": 90_400,
        "search_page": 45_200,
        "payment_page": 6_030,
        "payment_confirmation_page": 452,
    }
    assert ds.users.height == 90_400
    assert {"device", "sex", "cohort"} <= set(ds.segments)
    assert not ds.has_timestamps  # a membership funnel
    assert dict(ds.users.group_by("device").len().iter_rows()) == {
        "Desktop": 60_200,
        "Mobile": 30_200,
    }
    assert sorted(ds.users["cohort"].unique()) == ["2015-01", "2015-02", "2015-03", "2015-04"]
    for s in ds.sources:
        assert s.rows_kept + sum(s.dropped.values()) == s.rows_read


@needs_data
def test_online_retail_orders_with_explicit_cleaning_rules():
    ds = build_dataset([_table(DATASETS / "online_retail.csv")])
    (src,) = ds.sources
    assert src.kind == "orders" and src.rows_read == 541_909
    # the published cleaning rules, applied in this order, each drop counted
    assert src.dropped == {
        "ingest_rows.missing_user_id": 135_080,
        "ingest_rows.cancellation": 8_905,
        "ingest_rows.non_positive_price": 40,
    }
    assert src.rows_kept == 397_884 == src.rows_read - sum(src.dropped.values())
    # orders are invoices, revenue is quantity x unit price (published: 4,338 customers,
    # 18,532 invoices, revenue 8,911,407.90)
    assert ds.events["user_id"].n_unique() == 4_338
    assert ds.events["order_id"].n_unique() == 18_532
    assert ds.events["revenue"].sum() == pytest.approx(8_911_407.90, abs=0.01)
    assert "Country" in ds.segments


@needs_data
@pytest.mark.parametrize(
    ("name", "kind", "users", "segments", "flags"),
    [
        ("cookie_cats.csv", "users", 90_189, {"variant"}, {"retention_1", "retention_7"}),
        ("page_redesign_ab.csv", "users", 474, {"variant"}, {"subscribed"}),
        ("funnel_ab_5step.csv", "wide", 6_001, {"variant"}, {"converted"}),
    ],
)
def test_ab_files(name, kind, users, segments, flags):
    ds = build_dataset([_table(DATASETS / name)])
    assert ds.sources[0].kind == kind
    assert ds.users.height == users
    assert segments <= set(ds.segments)
    assert flags <= set(ds.flags)


@needs_data
def test_five_step_wide_file_steps_in_column_order():
    ds = build_dataset([_table(DATASETS / "funnel_ab_5step.csv")])
    assert ds.steps == ("step1", "step2", "step3", "step4", "step5")
    by_variant = (
        ds.events_with(["variant"]).filter(pl.col("step") == "step1").group_by("variant").len()
    )
    assert dict(by_variant.iter_rows()) == {"a": 2874, "b": 3127}


@needs_data
def test_rees46_event_log():
    ds = build_dataset([_table(DATASETS / "rees46_events_sample.csv")])
    assert ds.sources[0].kind == "events" and ds.events.height == 1000
    assert ds.has_timestamps and ds.users.height == 330
    assert ds.events["session_id"].n_unique() == 372
    assert set(ds.steps) == {"view", "cart", "purchase"}


@needs_data
def test_ga4_aggregates_become_counts():
    ds = build_dataset([_table(DATASETS / "ga4_merch_store" / "BigQuery_conversion_funnel.csv")])
    assert ds.counts is not None and ds.sources[0].kind == "counts"
    sessions = ds.counts.filter(pl.col("step") == "user_sessions_count")["users"].sum()
    assert sessions == 355_453  # published session total of the file


def test_cohort_grain_can_be_switched():
    frame = pl.DataFrame(
        {
            "user_id": ["a", "a", "b"],
            "event": ["x", "y", "x"],
            "ts": _dt("2025-03-03 10:00", "2025-03-20 10:00", "2025-04-01 10:00"),
        }
    )
    ds = build_dataset([TableInput("log.csv", frame)])
    assert dict(ds.users.select("user_id", "cohort").iter_rows()) == {
        "a": "2025-03",
        "b": "2025-04",
    }
    weekly = rederive_cohort(ds, "week")
    assert dict(weekly.users.select("user_id", "cohort").iter_rows()) == {
        "a": "2025-W10",
        "b": "2025-W14",
    }


def test_first_touch_segment_and_dropped_rows_counted():
    frame = pl.DataFrame(
        {
            "user_id": ["a", "a", None, "b"],
            "event": ["view", "buy", "view", None],
            "ts": _dt(
                "2025-01-01 10:00", "2025-01-02 10:00", "2025-01-01 11:00", "2025-01-01 12:00"
            ),
            "device": ["mobile", "desktop", "mobile", "desktop"],
        }
    )
    ds = build_dataset([TableInput("log.csv", frame)])
    (src,) = ds.sources
    assert src.dropped == {"ingest_rows.missing_user_id": 1, "ingest_rows.missing_event": 1}
    assert src.rows_kept == 2
    # each reason comes with the rows themselves, for the quality report
    assert src.examples["ingest_rows.missing_event"] == [
        "user_id=b, device=desktop, ts=2025-01-01 12:00:00, step="
    ]
    assert len(src.examples["ingest_rows.missing_user_id"]) == 1
    # first touch: a's first event was on mobile
    assert ds.users.filter(pl.col("user_id") == "a")["device"].item() == "mobile"


@needs_data
def test_per_step_files_are_ordered_by_users_whatever_the_upload_order():
    """Browsers send files alphabetically; a funnel narrows, so the biggest file comes first."""
    shuffled = sorted(KAGGLE)  # home, payment_confirmation, payment, search, user
    ds = build_dataset([_table(DATASETS / "ecommerce_funnel" / f) for f in shuffled])
    assert ds.steps == ("home_page", "search_page", "payment_page", "payment_confirmation_page")


@needs_data
def test_a_rate_next_to_its_counts_is_not_a_step():
    """GA4 landing pages: unique_sessions, purchases and conversion_rate = purchases / sessions."""
    ds = build_dataset(
        [_table(DATASETS / "ga4_merch_store" / "BigQuery_landing_page_conversion.csv")]
    )
    assert ds.steps == ("unique_sessions", "purchases")


@needs_data
def test_ga4_daily_aggregates_keep_their_date_so_the_period_filter_works():
    """The known hole of the GA4 sample: almost no add_to_cart before mid-November 2020."""
    from datetime import date

    from kpi.filters import Filters, date_bounds

    ds = build_dataset([_table(DATASETS / "ga4_merch_store" / "BigQuery_conversion_funnel.csv")])
    assert date_bounds(ds) == (date(2020, 11, 1), date(2021, 1, 31))
    early = Filters(date(2020, 11, 1), date(2020, 11, 10)).apply(ds).counts
    late = Filters(date(2020, 12, 1), date(2020, 12, 10)).apply(ds).counts

    def cart_share(c: pl.DataFrame) -> float:
        by = dict(c.group_by("step").agg(pl.col("users").sum()).iter_rows())
        return by["visit_to_cart"] / by["user_sessions_count"]

    assert cart_share(early) < 0.001 < 0.01 < cart_share(late)


def test_an_ab_summary_with_a_converted_count_column_has_both_steps():
    """'group,users,converted,revenue': 'converted' holds whole numbers (250, 301), so it is a
    count of conversions, not a metric (the Funnel and Data pages showed the step 'users' only)."""
    text = (
        b"group,users,converted,revenue\ncontrol,5000,250,12500.50\ntreatment,5100,301,15890.25\n"
    )
    t = read_table(text, filename="ab.csv")
    roles = detect_roles(t.frame, filename="ab.csv")
    assert roles == {
        "group": "variant",
        "users": "count",
        "converted": "count",
        "revenue": "revenue",
    }
    ds = build_dataset([TableInput("ab.csv", t.frame, roles=roles)])
    assert ds.counts is not None
    totals = dict(ds.counts.group_by("step").agg(pl.col("users").sum()).iter_rows())
    assert totals == {"users": 5000 + 5100, "converted": 250 + 301}
    # a per-user 0/1 'converted' flag stays an outcome, and a per-user table is not a summary
    flags = pl.DataFrame(
        {"user_id": ["a", "b", "c"], "variant": ["A", "B", "A"], "converted": [0, 1, 1]}
    )
    assert detect_roles(flags)["converted"] == "converted"
