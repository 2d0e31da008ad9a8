"""Make the Parcours demo data set (deterministic: same bytes on every run).

    python data/make_demo.py            # rewrites data/demo/
    python data/make_demo.py --out DIR  # writes the four files into DIR

A fictional European online shop, 2025-06-01 to 2025-11-30, about 50,000 visitors. Four files,
shaped like ordinary exports (see data/README.md for columns and every effect built in):

- ``events.csv.gz``  web analytics event log: user_id, event_time, event_name, session_id,
  revenue, order_id (journey landing -> product_view -> add_to_cart -> checkout -> purchase)
- ``users.csv``      CRM / visitor table: user_id, signup_date, device, channel, variant, country
- ``ad_spend.csv``   ad platform export: month, channel, spend, impressions, clicks
- ``nps_survey.csv`` post-purchase survey: user_id, answered_at, score (0-10)

The model is simulated session by session (a loop over a user's k-th session, vectorised over
users), then exploded into events with numpy; no Python loop over rows.
"""

from __future__ import annotations

import argparse
import gzip
import io
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np
import polars as pl

SEED = 20251130
N_USERS = 50_000
START = date(2025, 6, 1)
END = date(2025, 11, 30)  # last day included
N_DAYS = (END - START).days + 1  # 183
RELEASE = date(2025, 11, 3)  # mobile app/site release that breaks mobile checkout (red flag)

STEPS = ["landing", "product_view", "add_to_cart", "checkout", "purchase"]
DEVICES = ("desktop", "mobile", "tablet")
DEVICE_SHARE = (0.38, 0.54, 0.08)
CHANNELS = ("organic", "paid_search", "social", "email", "referral", "direct")
CHANNEL_SHARE = (0.30, 0.22, 0.18, 0.08, 0.08, 0.14)
COUNTRIES = ("FR", "DE", "GB", "ES", "IT", "BE", "NL", "CH")
COUNTRY_SHARE = (0.34, 0.18, 0.13, 0.10, 0.09, 0.06, 0.05, 0.05)

# --- session behaviour -------------------------------------------------------------------
# bounce probability (landing page only) by channel, times a device factor
BOUNCE_CHANNEL = {
    "organic": 0.42,
    "paid_search": 0.48,
    "social": 0.62,
    "email": 0.30,
    "referral": 0.38,
    "direct": 0.34,
}
BOUNCE_DEVICE = {"desktop": 0.86, "mobile": 1.10, "tablet": 1.00}
BOUNCE_RETURNING = 0.85  # returning visitors bounce less
# P(add_to_cart | not bounced) by device, times a channel factor
CART_DEVICE = {"desktop": 0.130, "mobile": 0.084, "tablet": 0.112}
CART_CHANNEL = {
    "organic": 1.00,
    "paid_search": 1.05,
    "social": 0.60,
    "email": 1.40,
    "referral": 1.15,
    "direct": 1.25,
}
CART_CUSTOMER = 2.6  # visitors who already bought add to cart more (repeat purchases)
CHECKOUT_DEVICE = {"desktop": 0.50, "mobile": 0.40, "tablet": 0.46}  # P(checkout | cart)
PURCHASE_DEVICE = {"desktop": 0.60, "mobile": 0.53, "tablet": 0.56}  # P(purchase | checkout)
VARIANT_B_LIFT = 1.15  # B: new checkout page, +15 % relative on checkout -> purchase
RELEASE_MOBILE_FACTOR = 0.60  # mobile checkout -> purchase after RELEASE (the red flag)
# average order value (EUR, lognormal) by device, times a channel factor
AOV_DEVICE = {"desktop": 82.0, "mobile": 64.0, "tablet": 74.0}
AOV_CHANNEL = {
    "organic": 1.00,
    "paid_search": 1.02,
    "social": 0.85,
    "email": 1.12,
    "referral": 1.05,
    "direct": 1.06,
}
# coming back after a session: probability and gap (days) for prospects and for customers
RETURN_CHANNEL = {
    "organic": 0.62,
    "paid_search": 0.56,
    "social": 0.48,
    "email": 0.74,
    "referral": 0.62,
    "direct": 0.70,
}
RETURN_CUSTOMER = 0.90
GAP_DAYS_PROSPECT = 9.0  # mean of the exponential part, grows 25 % per session
GAP_DAYS_CUSTOMER = 16.0
MAX_SESSIONS = 16

# --- marketing -----------------------------------------------------------------------------
# target CLV / CAC per paid channel (spend is calibrated from the simulated customers)
CLV_TO_CAC = {"paid_search": 3.8, "social": 1.6, "email": 11.0, "referral": 6.0}
# CLV = AOV x purchases per customer per year x years of relationship (kpi.value defaults:
# purchases per year = orders per customer x 365 / days between first and last purchase)
CLV_YEARS = 3.0
CTR = {"paid_search": 0.045, "social": 0.005, "email": 0.028, "referral": 0.015}
CLICKS_PER_NEW_USER = {"paid_search": 1.25, "social": 1.45, "email": 1.30, "referral": 1.20}

# --- NPS -----------------------------------------------------------------------------------
NPS_RESPONSE = 0.45  # share of orders that get a survey answer
NPS_MEAN = 7.7  # latent mean score in June, rises each month
NPS_MONTHLY_GAIN = 0.20
NPS_DEVICE = {"desktop": 0.45, "mobile": -0.40, "tablet": 0.10}
NPS_SD = 2.1

EPOCH = datetime(START.year, START.month, START.day)


def _lookup(table: dict[str, float], keys: tuple[str, ...], codes: np.ndarray) -> np.ndarray:
    return np.array([table[k] for k in keys])[codes]


def _time_of_day(rng: np.random.Generator, n: int) -> np.ndarray:
    """Session start, seconds after midnight: 06:00-22:00, evening peak."""
    hours = np.arange(6, 22)
    weight = np.array([1, 2, 3, 4, 4, 5, 6, 5, 4, 4, 5, 6, 8, 9, 8, 5], dtype=float)
    h = rng.choice(hours, size=n, p=weight / weight.sum())
    return h * 3600 + rng.integers(0, 3600, size=n)


def simulate_users(rng: np.random.Generator) -> pl.DataFrame:
    """One row per visitor: first visit day, device, channel, variant, country."""
    day_w = np.linspace(1.0, 1.7, N_DAYS)  # traffic grows over the half-year
    weekday = np.array([(START + timedelta(days=int(d))).weekday() for d in range(N_DAYS)])
    day_w *= np.where(weekday >= 5, 0.85, 1.0)
    first_day = np.sort(rng.choice(N_DAYS, size=N_USERS, p=day_w / day_w.sum()))
    device = rng.choice(len(DEVICES), size=N_USERS, p=DEVICE_SHARE)
    channel = rng.choice(len(CHANNELS), size=N_USERS, p=CHANNEL_SHARE)
    variant = rng.permutation(np.arange(N_USERS) % 2)  # 50/50 assignment at first visit
    country = rng.choice(len(COUNTRIES), size=N_USERS, p=COUNTRY_SHARE)
    return pl.DataFrame(
        {
            "uid": np.arange(N_USERS),
            "first_day": first_day,
            "device": device,
            "channel": channel,
            "variant": variant,
            "country": country,
        }
    )


def simulate_sessions(rng: np.random.Generator, users: pl.DataFrame) -> pl.DataFrame:
    """Sessions with their page counts and funnel outcome; loop over the k-th session."""
    dev = users["device"].to_numpy()
    chan = users["channel"].to_numpy()
    var = users["variant"].to_numpy()
    bounce_base = _lookup(BOUNCE_CHANNEL, CHANNELS, chan) * _lookup(BOUNCE_DEVICE, DEVICES, dev)
    cart_base = _lookup(CART_DEVICE, DEVICES, dev) * _lookup(CART_CHANNEL, CHANNELS, chan)
    checkout_p = _lookup(CHECKOUT_DEVICE, DEVICES, dev)
    purchase_base = _lookup(PURCHASE_DEVICE, DEVICES, dev) * np.where(var == 1, VARIANT_B_LIFT, 1)
    return_p = _lookup(RETURN_CHANNEL, CHANNELS, chan)
    release_day = (RELEASE - START).days

    n = users.height
    day = users["first_day"].to_numpy().copy()
    alive = np.ones(n, dtype=bool)
    customer = np.zeros(n, dtype=bool)
    parts = []
    for k in range(MAX_SESSIONS):
        idx = np.flatnonzero(alive)
        if idx.size == 0:
            break
        m = idx.size
        returning = k > 0
        p_bounce = bounce_base[idx] * (BOUNCE_RETURNING if returning else 1.0)
        bounced = rng.random(m) < p_bounce
        views = np.where(bounced, 0, np.minimum(rng.geometric(0.42, size=m), 12))
        p_cart = cart_base[idx] * np.where(customer[idx], CART_CUSTOMER, 1.0)
        cart = ~bounced & (rng.random(m) < p_cart)
        checkout = cart & (rng.random(m) < checkout_p[idx])
        p_buy = purchase_base[idx] * np.where(
            (dev[idx] == 1) & (day[idx] >= release_day), RELEASE_MOBILE_FACTOR, 1.0
        )
        purchase = checkout & (rng.random(m) < p_buy)
        parts.append(
            pl.DataFrame(
                {
                    "uid": idx,
                    "k": np.full(m, k),
                    "day": day[idx],
                    "tod": _time_of_day(rng, m),
                    "views": views,
                    "cart": cart,
                    "checkout": checkout,
                    "purchase": purchase,
                }
            )
        )
        customer[idx] |= purchase
        # next visit: come back with some probability after a gap of >= 1 day
        p_ret = np.where(customer[idx], RETURN_CUSTOMER, return_p[idx])
        mean_gap = np.where(customer[idx], GAP_DAYS_CUSTOMER, GAP_DAYS_PROSPECT * 1.25**k)
        gap = 1 + np.floor(rng.exponential(1.0, size=m) * mean_gap).astype(np.int64)
        day[idx] += gap
        alive[idx] = (rng.random(m) < p_ret) & (day[idx] < N_DAYS)
    return pl.concat(parts).sort("day", "tod", "uid")


def explode_events(rng: np.random.Generator, sessions: pl.DataFrame) -> pl.DataFrame:
    """One row per event: landing, product_view x views, add_to_cart, checkout, purchase."""
    views = sessions["views"].to_numpy()
    cart = sessions["cart"].to_numpy().astype(np.int64)
    chk = sessions["checkout"].to_numpy().astype(np.int64)
    buy = sessions["purchase"].to_numpy().astype(np.int64)
    n_events = 1 + views + cart + chk + buy
    sess = np.repeat(np.arange(sessions.height), n_events)
    first = np.cumsum(n_events) - n_events
    pos = np.arange(sess.size) - first[sess]
    v = views[sess]
    # 0 landing, 1 product_view, 2 add_to_cart, 3 checkout, 4 purchase
    step = np.where(pos == 0, 0, np.where(pos <= v, 1, 1 + pos - v))
    # seconds since the previous event of the session (0 for the landing page)
    mean_gap = np.array([0.0, 80.0, 40.0, 75.0, 150.0])[step]
    gap = np.where(pos == 0, 0, 5 + np.minimum(rng.exponential(1.0, sess.size) * mean_gap, 900))
    gap = np.floor(gap).astype(np.int64)
    csum = np.cumsum(gap)
    offset = csum - csum[first][sess]
    start = sessions["day"].to_numpy() * 86400 + sessions["tod"].to_numpy()
    return pl.DataFrame(
        {"s": sess, "pos": pos, "step": step, "t": start[sess] + offset},
        schema={"s": pl.Int64, "pos": pl.Int64, "step": pl.Int8, "t": pl.Int64},
    )


def build_tables(seed: int = SEED) -> dict[str, pl.DataFrame]:
    """All four demo tables, as they will be written."""
    rng = np.random.default_rng(seed)
    users = simulate_users(rng)
    sessions = simulate_sessions(rng, users).with_row_index("s", offset=0)
    sessions = sessions.with_columns(pl.col("s").cast(pl.Int64))
    ev = explode_events(rng, sessions)

    ev = (
        ev.join(sessions.select("s", "uid"), on="s", how="left")
        .join(users.select("uid", "device", "channel"), on="uid", how="left")
        .sort("t", "s", "pos")
    )
    is_buy = ev["step"].to_numpy() == 4
    n_orders = int(is_buy.sum())
    dev = ev["device"].to_numpy()[is_buy]
    chan = ev["channel"].to_numpy()[is_buy]
    mean_aov = _lookup(AOV_DEVICE, DEVICES, dev) * _lookup(AOV_CHANNEL, CHANNELS, chan)
    sigma = 0.55
    basket = mean_aov * np.exp(rng.normal(-(sigma**2) / 2, sigma, size=n_orders))
    revenue = np.full(ev.height, np.nan)
    revenue[is_buy] = np.round(np.maximum(basket, 4.90), 2)
    order_no = np.zeros(ev.height, dtype=np.int64)
    order_no[is_buy] = 100_001 + np.arange(n_orders)

    events = ev.with_columns(
        pl.format("u{}", pl.col("uid").cast(pl.String).str.zfill(5)).alias("user_id"),
        (pl.lit(EPOCH) + pl.duration(seconds=pl.col("t"))).alias("event_time"),
        pl.col("step")
        .replace_strict(list(range(5)), STEPS, return_dtype=pl.String)
        .alias("event_name"),
        pl.format("s{}", pl.col("s").cast(pl.String).str.zfill(7)).alias("session_id"),
        pl.Series("revenue", revenue).fill_nan(None),
        pl.when(pl.Series(is_buy))
        .then(pl.format("ORD-{}", pl.Series(order_no).cast(pl.String)))
        .alias("order_id"),
    ).select("user_id", "event_time", "event_name", "session_id", "revenue", "order_id")

    users_out = users.select(
        pl.format("u{}", pl.col("uid").cast(pl.String).str.zfill(5)).alias("user_id"),
        (pl.lit(START) + pl.duration(days=pl.col("first_day"))).cast(pl.Date).alias("signup_date"),
        pl.col("device").replace_strict(list(range(3)), list(DEVICES), return_dtype=pl.String),
        pl.col("channel").replace_strict(list(range(6)), list(CHANNELS), return_dtype=pl.String),
        pl.col("variant").replace_strict([0, 1], ["A", "B"], return_dtype=pl.String),
        pl.col("country").replace_strict(list(range(8)), list(COUNTRIES), return_dtype=pl.String),
    )
    spend = make_spend(rng, events, users_out, new_users_per_month(users_out))
    nps = make_nps(rng, events, users_out)
    return {"events": events, "users": users_out, "ad_spend": spend, "nps_survey": nps}


def new_users_per_month(users: pl.DataFrame) -> pl.DataFrame:
    """New visitors per channel and month (used to size clicks)."""
    return (
        users.group_by(pl.col("signup_date").dt.truncate("1mo").alias("month"), "channel")
        .agg(pl.len().alias("new_users"))
        .sort("month", "channel")
    )


def customer_value(events: pl.DataFrame, users: pl.DataFrame) -> pl.DataFrame:
    """Per channel: customers, orders, revenue, AOV, CLV (the formula of data/README.md)."""
    buys = events.filter(pl.col("event_name") == "purchase").join(users, on="user_id")
    span = buys["event_time"].max() - buys["event_time"].min()
    per_year = 365.25 * 86400 / span.total_seconds()
    return (
        buys.group_by("channel")
        .agg(
            pl.col("user_id").n_unique().alias("customers"),
            pl.len().alias("orders"),
            pl.col("revenue").sum().alias("revenue"),
        )
        .with_columns(
            (pl.col("revenue") / pl.col("orders")).alias("aov"),
            (pl.col("orders") / pl.col("customers") * per_year).alias("purchases_per_year"),
        )
        .with_columns((pl.col("aov") * pl.col("purchases_per_year") * CLV_YEARS).alias("clv"))
        .sort("channel")
    )


def make_spend(
    rng: np.random.Generator, events: pl.DataFrame, users: pl.DataFrame, new_users: pl.DataFrame
) -> pl.DataFrame:
    """Monthly ad platform export for the paid channels (organic and direct cost nothing).

    Spend follows new customers (first purchase) per month at a channel CAC chosen so that
    CLV / CAC lands near :data:`CLV_TO_CAC`; clicks follow new visitors, impressions the CTR.
    """
    clv = dict(customer_value(events, users).select("channel", "clv").iter_rows())
    first_buy = (
        events.filter(pl.col("event_name") == "purchase")
        .group_by("user_id")
        .agg(pl.col("event_time").min().dt.date().dt.truncate("1mo").alias("month"))
        .join(users.select("user_id", "channel"), on="user_id")
        .group_by("month", "channel")
        .agg(pl.len().alias("new_customers"))
    )
    paid = list(CLV_TO_CAC)
    frame = (
        new_users.filter(pl.col("channel").is_in(paid))
        .join(first_buy, on=["month", "channel"], how="left")
        .with_columns(pl.col("new_customers").fill_null(0))
        .sort("month", "channel")
    )
    ch = frame["channel"].to_list()
    cac = np.array([clv[c] / CLV_TO_CAC[c] for c in ch])
    noise = np.exp(rng.normal(0, 0.06, size=frame.height))
    spend = np.round(frame["new_customers"].to_numpy() * cac * noise, 2)
    click_rate = np.array([CLICKS_PER_NEW_USER[c] for c in ch])
    clicks = np.round(
        frame["new_users"].to_numpy() * click_rate * np.exp(rng.normal(0, 0.05, size=frame.height))
    )
    impressions = np.round(
        clicks / np.array([CTR[c] for c in ch]) * np.exp(rng.normal(0, 0.05, size=frame.height))
    )
    return pl.DataFrame(
        {
            "month": frame["month"],
            "channel": frame["channel"],
            "spend": spend,
            "impressions": impressions.astype(np.int64),
            "clicks": clicks.astype(np.int64),
        }
    )


def make_nps(rng: np.random.Generator, events: pl.DataFrame, users: pl.DataFrame) -> pl.DataFrame:
    """Post-purchase NPS answers: a sample of orders, answered 1-10 days later."""
    buys = (
        events.filter(pl.col("event_name") == "purchase")
        .select("user_id", "event_time")
        .join(users.select("user_id", "device"), on="user_id", how="left")
    )
    n = buys.height
    answered = rng.random(n) < NPS_RESPONSE
    delay = rng.integers(1 * 86400, 10 * 86400, size=n)
    out = buys.with_columns(
        (pl.col("event_time") + pl.duration(seconds=pl.Series(delay))).alias("answered_at"),
        pl.Series("latent", rng.normal(0, NPS_SD, size=n)),
        pl.Series("answered", answered),
    ).filter(pl.col("answered") & (pl.col("answered_at").dt.date() <= END))
    month_idx = (
        (pl.col("answered_at").dt.year() - START.year) * 12
        + pl.col("answered_at").dt.month()
        - START.month
    )
    dev_shift = pl.col("device").replace_strict(NPS_DEVICE, return_dtype=pl.Float64)
    score = NPS_MEAN + NPS_MONTHLY_GAIN * month_idx + dev_shift + pl.col("latent")
    return (
        out.with_columns(score.round(0).clip(0, 10).cast(pl.Int64).alias("score"))
        .select("user_id", "answered_at", "score")
        .sort("answered_at", "user_id")
    )


def _csv_bytes(frame: pl.DataFrame, *, float_precision: int | None = None) -> bytes:
    buf = io.BytesIO()
    frame.write_csv(
        buf,
        datetime_format="%Y-%m-%dT%H:%M:%S",
        date_format="%Y-%m-%d",
        float_precision=float_precision,
    )
    return buf.getvalue()


def _gzip(data: bytes) -> bytes:
    """gzip with a fixed header (no file name, mtime 0) so the bytes never change."""
    buf = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, compresslevel=9, mtime=0) as gz:
        gz.write(data)
    return buf.getvalue()


def write_demo(out: Path, seed: int = SEED) -> dict[str, Path]:
    """Write the four demo files into ``out``; return their paths."""
    out.mkdir(parents=True, exist_ok=True)
    tables = build_tables(seed)
    files = {
        "events.csv.gz": _gzip(_csv_bytes(tables["events"], float_precision=2)),
        "users.csv": _csv_bytes(tables["users"]),
        "ad_spend.csv": _csv_bytes(tables["ad_spend"], float_precision=2),
        "nps_survey.csv": _csv_bytes(tables["nps_survey"]),
    }
    paths = {}
    for name, data in files.items():
        path = out / name
        path.write_bytes(data)
        paths[name] = path
    return paths


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Write the Parcours demo data set.")
    parser.add_argument(
        "--out", type=Path, default=Path(__file__).resolve().parent / "demo", help="folder"
    )
    args = parser.parse_args(argv)
    for name, path in write_demo(args.out).items():
        print(f"{name:16} {path.stat().st_size / 1e6:6.2f} MB")


if __name__ == "__main__":
    main()
