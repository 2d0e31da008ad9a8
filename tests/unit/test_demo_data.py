"""The demo data set (data/demo/) tells the story data/README.md promises, and is reproducible.

Every figure of data/README.md is measured here with plain polars (and scipy for the A/B
z-test), independently of kpi/. Run ``python tests/unit/test_demo_data.py`` to print them.
"""

from __future__ import annotations

import hashlib
import math
import subprocess
import sys
from functools import cache
from pathlib import Path

import polars as pl
import pytest
from scipy import stats

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "data" / "demo"
FILES = ("events.csv.gz", "users.csv", "ad_spend.csv", "nps_survey.csv")
STEPS = ["landing", "product_view", "add_to_cart", "checkout", "purchase"]
MONTHS = ["2025-06", "2025-07", "2025-08", "2025-09", "2025-10", "2025-11"]
# CLV = AOV x purchases per customer per year x years of relationship, as kpi.value does it:
# purchases per year = orders per customer x 365.25 / days from the first to the last purchase,
# years = 3 (kpi.value.DEFAULT_YEARS: six months are too short to observe relationships)
CLV_YEARS = 3.0


def two_proportion_z(x_a: int, n_a: int, x_b: int, n_b: int) -> tuple[float, float]:
    """Pooled two-proportion z-test: z and two-sided p-value."""
    p = (x_a + x_b) / (n_a + n_b)
    se = math.sqrt(p * (1 - p) * (1 / n_a + 1 / n_b))
    z = (x_b / n_b - x_a / n_a) / se
    return z, float(2 * stats.norm.sf(abs(z)))


def nps(scores: pl.Expr) -> pl.Expr:
    """NPS = % promoters (9-10) - % detractors (0-6), in points."""
    return 100 * ((scores >= 9).mean() - (scores <= 6).mean())


def load(folder: Path = DEMO) -> dict[str, pl.DataFrame]:
    events = pl.read_csv(
        folder / "events.csv.gz",
        schema_overrides={"revenue": pl.Float64, "order_id": pl.String},
    ).with_columns(pl.col("event_time").str.to_datetime("%Y-%m-%dT%H:%M:%S"))
    users = pl.read_csv(folder / "users.csv", try_parse_dates=True)
    spend = pl.read_csv(folder / "ad_spend.csv", try_parse_dates=True)
    survey = pl.read_csv(folder / "nps_survey.csv").with_columns(
        pl.col("answered_at").str.to_datetime("%Y-%m-%dT%H:%M:%S")
    )
    return {"events": events, "users": users, "spend": spend, "survey": survey}


@cache
def measure(folder: Path = DEMO) -> dict[str, object]:
    """Every figure quoted in data/README.md."""
    t = load(folder)
    events, users, spend, survey = t["events"], t["users"], t["spend"], t["survey"]
    m: dict[str, object] = {
        "events": events.height,
        "users": users.height,
        "event_users": events["user_id"].n_unique(),
        "first_event": events["event_time"].min(),
        "last_event": events["event_time"].max(),
        "ad_spend_rows": spend.height,
        "nps_rows": survey.height,
    }

    # sessions: pages (= events), duration, outcome
    sessions = (
        events.group_by("session_id")
        .agg(
            pl.col("user_id").first(),
            pl.len().alias("pages"),
            (pl.col("event_time").max() - pl.col("event_time").min())
            .dt.total_seconds()
            .alias("seconds"),
            pl.col("event_time").min().dt.strftime("%Y-%m").alias("month"),
            (pl.col("event_name") == "add_to_cart").any().alias("cart"),
            (pl.col("event_name") == "checkout").any().alias("checkout"),
            (pl.col("event_name") == "purchase").any().alias("purchase"),
        )
        .join(users, on="user_id", how="left")
    )
    m["sessions"] = sessions.height
    m["sessions_per_user"] = sessions.height / users.height
    m["conversion"] = sessions["purchase"].mean()
    m["bounce_rate"] = (sessions["pages"] == 1).mean()
    m["pages_per_session"] = sessions["pages"].mean()
    m["time_on_site_s"] = sessions["seconds"].mean()
    m["time_on_site_nonbounce_s"] = sessions.filter(pl.col("pages") > 1)["seconds"].mean()
    for seg in ("device", "channel"):
        rows = sessions.group_by(seg).agg(
            pl.len().alias("sessions"),
            pl.col("purchase").mean().alias("conversion"),
            (pl.col("pages") == 1).mean().alias("bounce_rate"),
        )
        m[f"by_{seg}"] = {r[seg]: r for r in rows.iter_rows(named=True)}
    m["time_on_site_by_month"] = dict(
        sessions.group_by("month").agg(pl.col("seconds").mean()).sort("month").iter_rows()
    )

    counts = dict(events.group_by("event_name").len().iter_rows())
    m["step_events"] = {s: counts.get(s, 0) for s in STEPS}
    m["cart_abandonment"] = 1 - counts["purchase"] / counts["add_to_cart"]
    m["orders"] = events["order_id"].n_unique() - 1  # minus the empty value
    m["revenue"] = events["revenue"].sum()
    m["aov"] = m["revenue"] / counts["purchase"]

    # A/B test: users per variant, users with at least one purchase
    per_user = (
        events.group_by("user_id")
        .agg(
            (pl.col("event_name") == "checkout").any().alias("checkout"),
            (pl.col("event_name") == "purchase").any().alias("purchase"),
        )
        .join(users.select("user_id", "variant"), on="user_id")
    )
    ab = {
        r["variant"]: r
        for r in per_user.group_by("variant")
        .agg(
            pl.len().alias("users"),
            pl.col("purchase").sum().alias("buyers"),
            pl.col("checkout").sum().alias("checkout_users"),
        )
        .iter_rows(named=True)
    }
    a, b = ab["A"], ab["B"]
    m["ab"] = ab
    m["ab_rate"] = {v: ab[v]["buyers"] / ab[v]["users"] for v in "AB"}
    m["ab_lift"] = m["ab_rate"]["B"] / m["ab_rate"]["A"] - 1
    m["ab_z"], m["ab_p"] = two_proportion_z(a["buyers"], a["users"], b["buyers"], b["users"])
    m["ab_checkout_rate"] = {v: ab[v]["buyers"] / ab[v]["checkout_users"] for v in "AB"}
    m["ab_checkout_p"] = two_proportion_z(
        a["buyers"], a["checkout_users"], b["buyers"], b["checkout_users"]
    )[1]
    m["srm_p"] = float(stats.chisquare([a["users"], b["users"]]).pvalue)

    # red flag: mobile checkout -> purchase (sessions) by month
    flag = (
        sessions.filter(pl.col("checkout"))
        .group_by("device", "month")
        .agg(pl.len().alias("checkouts"), pl.col("purchase").sum().alias("purchases"))
        .with_columns((pl.col("purchases") / pl.col("checkouts")).alias("rate"))
    )
    m["checkout_to_purchase"] = {
        (r["device"], r["month"]): r["rate"] for r in flag.iter_rows(named=True)
    }
    mob = flag.filter(pl.col("device") == "mobile")
    before = mob.filter(pl.col("month") < "2025-11").select(pl.sum("checkouts", "purchases"))
    nov = mob.filter(pl.col("month") == "2025-11").select(pl.sum("checkouts", "purchases"))
    m["mobile_c2p_before"] = before["purchases"][0] / before["checkouts"][0]
    m["mobile_c2p_nov"] = nov["purchases"][0] / nov["checkouts"][0]
    m["mobile_c2p_p"] = two_proportion_z(
        before["purchases"][0], before["checkouts"][0], nov["purchases"][0], nov["checkouts"][0]
    )[1]
    m["mobile_conversion_by_month"] = dict(
        sessions.filter(pl.col("device") == "mobile")
        .group_by("month")
        .agg(pl.col("purchase").mean())
        .sort("month")
        .iter_rows()
    )

    # repeat purchases and cohort retention (month of first visit, active in month +1)
    orders_per_customer = (
        events.filter(pl.col("event_name") == "purchase").group_by("user_id").len()
    )
    m["customers"] = orders_per_customer.height
    m["repeat_customers"] = (orders_per_customer["len"] >= 2).mean()
    active = (
        sessions.select("user_id", "month")
        .unique()
        .join(
            users.select("user_id", pl.col("signup_date").dt.strftime("%Y-%m").alias("cohort")),
            on="user_id",
        )
    )
    cohort_size = active.filter(pl.col("month") == pl.col("cohort")).group_by("cohort").len()
    m["retention_m1"] = {}
    for i, c in enumerate(MONTHS[:-1]):
        nxt = active.filter((pl.col("cohort") == c) & (pl.col("month") == MONTHS[i + 1])).height
        m["retention_m1"][c] = nxt / cohort_size.filter(pl.col("cohort") == c)["len"][0]

    # CAC = spend / new customers; CLV = AOV x purchases per year x years, per channel
    buys = events.filter(pl.col("event_name") == "purchase").join(users, on="user_id")
    span_days = (buys["event_time"].max() - buys["event_time"].min()).total_seconds() / 86400
    m["purchase_span_days"] = span_days
    value = buys.group_by("channel").agg(
        pl.col("user_id").n_unique().alias("customers"),
        pl.len().alias("orders"),
        pl.col("revenue").sum().alias("revenue"),
    )
    cost = spend.group_by("channel").agg(pl.sum("spend", "impressions", "clicks"))
    econ = value.join(cost, on="channel", how="left").with_columns(
        (pl.col("revenue") / pl.col("orders")).alias("aov"),
        (pl.col("orders") / pl.col("customers") * 365.25 / span_days).alias("purchases_per_year"),
        (pl.col("spend") / pl.col("customers")).alias("cac"),
    )
    econ = econ.with_columns(
        (pl.col("aov") * pl.col("purchases_per_year") * CLV_YEARS).alias("clv")
    ).with_columns((pl.col("clv") / pl.col("cac")).alias("clv_to_cac"))
    m["econ"] = {r["channel"]: r for r in econ.sort("channel").iter_rows(named=True)}
    customers = buys["user_id"].n_unique()
    m["clv_overall"] = (
        buys["revenue"].sum() / buys.height * (buys.height / customers * 365.25 / span_days)
    ) * CLV_YEARS

    # NPS
    s = survey.join(users.select("user_id", "device"), on="user_id", how="left").with_columns(
        pl.col("answered_at").dt.strftime("%Y-%m").alias("month")
    )
    m["nps"] = s.select(nps(pl.col("score")))[0, 0]
    m["nps_by_device"] = dict(s.group_by("device").agg(nps(pl.col("score"))).iter_rows())
    m["nps_by_month"] = dict(
        s.group_by("month").agg(nps(pl.col("score"))).sort("month").iter_rows()
    )
    m["nps_n_by_month"] = dict(s.group_by("month").len().sort("month").iter_rows())
    return m


@pytest.fixture(scope="module")
def m() -> dict[str, object]:
    if not (DEMO / "events.csv.gz").exists():
        pytest.skip("data/demo/ not generated: run python data/make_demo.py")
    return measure()


def test_generation_is_deterministic(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, str(ROOT / "data" / "make_demo.py"), "--out", str(tmp_path)],
        check=True,
        capture_output=True,
        timeout=120,
    )
    for name in FILES:
        fresh = hashlib.sha256((tmp_path / name).read_bytes()).hexdigest()
        committed = hashlib.sha256((DEMO / name).read_bytes()).hexdigest()
        assert fresh == committed, f"{name} differs from a fresh run of data/make_demo.py"


def test_files_are_small_and_well_formed(m: dict) -> None:
    total = sum((DEMO / f).stat().st_size for f in FILES)
    assert total < 6.5e6
    assert m["users"] == 50_000
    assert m["event_users"] == 50_000
    assert str(m["first_event"]) >= "2025-06-01"
    assert str(m["last_event"]) < "2025-12-01"
    events = load()["events"]
    assert events["event_time"].is_sorted()
    assert set(events["event_name"].unique()) == set(STEPS)
    buys = events.filter(pl.col("event_name") == "purchase")
    assert buys["revenue"].null_count() == 0 and buys["order_id"].null_count() == 0
    assert buys["order_id"].n_unique() == buys.height
    others = events.filter(pl.col("event_name") != "purchase")
    assert others["revenue"].null_count() == others.height
    assert others["order_id"].null_count() == others.height
    # every session starts with its landing page
    firsts = events.group_by("session_id", maintain_order=True).first()
    assert (firsts["event_name"] == "landing").all()


def test_traffic_kpis(m: dict) -> None:
    assert 0.020 <= m["conversion"] <= 0.026
    assert 0.38 <= m["bounce_rate"] <= 0.48
    assert 2.0 <= m["pages_per_session"] <= 3.2
    assert 90 <= m["time_on_site_s"] <= 300
    assert 0.70 <= m["cart_abandonment"] <= 0.75


def test_device_and_channel_effects(m: dict) -> None:
    dev = m["by_device"]
    assert 0.031 <= dev["desktop"]["conversion"] <= 0.040
    assert 0.010 <= dev["mobile"]["conversion"] <= 0.0145
    assert dev["desktop"]["conversion"] > 2.4 * dev["mobile"]["conversion"]
    assert dev["mobile"]["conversion"] < dev["tablet"]["conversion"] < dev["desktop"]["conversion"]
    ch = m["by_channel"]
    conv = {c: r["conversion"] for c, r in ch.items()}
    bounce = {c: r["bounce_rate"] for c, r in ch.items()}
    assert max(conv, key=conv.get) == "email"
    assert min(conv, key=conv.get) == "social"
    assert max(bounce, key=bounce.get) == "social"
    assert min(bounce, key=bounce.get) == "email"
    assert conv["email"] > 2 * conv["social"]


def test_ab_test_is_detectable(m: dict) -> None:
    assert m["ab"]["A"]["users"] + m["ab"]["B"]["users"] == 50_000
    assert m["srm_p"] > 0.05  # 50/50 split holds
    assert 0.05 <= m["ab_lift"] <= 0.16
    assert m["ab_p"] < 0.05
    assert m["ab_checkout_p"] < 0.05
    assert m["ab_checkout_rate"]["B"] > m["ab_checkout_rate"]["A"]


def test_red_flag_mobile_checkout_after_release(m: dict) -> None:
    assert m["mobile_c2p_nov"] < 0.75 * m["mobile_c2p_before"]
    assert m["mobile_c2p_p"] < 0.001
    c2p = m["checkout_to_purchase"]
    # desktop is steady in November: the drop is mobile only
    desktop_before = [c2p[("desktop", mo)] for mo in MONTHS[:-1]]
    assert c2p[("desktop", "2025-11")] > min(desktop_before) - 0.03
    mobile = m["mobile_conversion_by_month"]
    assert mobile["2025-11"] < min(mobile[mo] for mo in MONTHS[:-1])


def test_repeat_purchases_and_retention(m: dict) -> None:
    assert 0.15 <= m["repeat_customers"] <= 0.40
    for rate in m["retention_m1"].values():
        assert 0.10 <= rate <= 0.45


def test_cac_and_clv(m: dict) -> None:
    econ = m["econ"]
    assert set(c for c, r in econ.items() if r["spend"] is not None) == {
        "paid_search",
        "social",
        "email",
        "referral",
    }
    ratio = {c: econ[c]["clv_to_cac"] for c in ("paid_search", "social", "email", "referral")}
    assert ratio["social"] < 2.2  # the one channel clearly below 3:1
    assert all(r > 3.2 for c, r in ratio.items() if c != "social")
    assert ratio["email"] > ratio["referral"] > ratio["paid_search"] > ratio["social"]
    cac = {c: econ[c]["cac"] for c in ratio}
    # also below 3:1 when one shop-wide CLV is used for every channel
    assert m["clv_overall"] / cac["social"] < 2.5
    assert all(m["clv_overall"] / cac[c] > 3.5 for c in ratio if c != "social")
    assert cac["email"] < cac["referral"] < cac["paid_search"] < cac["social"]


def test_nps_story(m: dict) -> None:
    assert 10 <= m["nps"] <= 45
    dev = m["nps_by_device"]
    assert dev["desktop"] > dev["mobile"] + 10
    month = m["nps_by_month"]
    assert list(month) == MONTHS
    assert month["2025-11"] > month["2025-06"] + 10
    slope = stats.linregress(range(6), [month[mo] for mo in MONTHS]).slope
    assert slope > 1.5


def test_demo_reads_through_the_upload_path(m: dict) -> None:
    load_module = pytest.importorskip("kpi.load")
    for name, rows in (("events.csv.gz", m["events"]), ("users.csv", m["users"])):
        table = load_module.read_table(DEMO / name, filename=name)
        assert table.report.rows_read == rows
        assert table.report.rows_kept == rows
        assert table.frame.height == rows
        assert not any(table.report.dropped.values())


def test_readme_quotes_the_measured_figures(m: dict) -> None:
    readme = (ROOT / "data" / "README.md").read_text(encoding="utf-8")
    for figure in (
        f"{m['conversion']:.2%}",
        f"{m['cart_abandonment']:.1%}",
        f"{m['bounce_rate']:.1%}",
        f"{m['ab_p']:.4f}",
        f"{m['events']:,}",
        f"{m['nps']:.1f}",
    ):
        assert figure.replace("%", " %") in readme or figure in readme, figure


if __name__ == "__main__":
    from pprint import pprint

    pprint(measure(), width=110, sort_dicts=False)
