"""kpi.funnel on real public data: the Kaggle e-commerce funnel and a REES46 event log."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from kpi.funnel import default_step_order, funnel, insights, user_progress

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "datasets"
FUNNEL = DATA / "ecommerce_funnel"
REES46 = DATA / "rees46_events_sample.csv"
PAGES = ["home_page", "search_page", "payment_page", "payment_confirmation_page"]
FILES = ["home_page_table", "search_page_table", "payment_page_table", "payment_confirmation_table"]


@pytest.fixture(scope="module")
def kaggle() -> tuple[pl.DataFrame, pl.DataFrame]:
    if not (FUNNEL / "user_table.csv").exists():
        pytest.skip("shared data sets not available")
    users = pl.read_csv(FUNNEL / "user_table.csv").with_columns(
        signup_month=pl.col("date").str.slice(0, 7)
    )
    pages = [
        pl.read_csv(FUNNEL / f"{name}.csv").select("user_id", step=pl.lit(page))
        for name, page in zip(FILES, PAGES, strict=True)
    ]
    events = pl.concat(pages).join(
        users.select("user_id", "device", "signup_month"), on="user_id", how="left"
    )
    return events, users


def expected(users: pl.DataFrame, by: str | None) -> dict:
    """Independent recomputation: set sizes of each page table's users within a segment."""
    sets = [set(pl.read_csv(FUNNEL / f"{n}.csv")["user_id"].to_list()) for n in FILES]
    groups = {None: users} if by is None else dict(users.group_by(by).__iter__())
    out = {}
    for key, grp in groups.items():
        ids = set(grp["user_id"].to_list())
        reached = []
        for s in sets:
            ids = ids & s
            reached.append(len(ids))
        out[key if not isinstance(key, tuple) else key[0]] = reached
    return out


def test_membership_funnel_matches_published_figures(kaggle) -> None:
    events, users = kaggle
    res = funnel(events, PAGES)
    assert res["users"].to_list() == [90_400, 45_200, 6_030, 452]
    assert res["users"].to_list() == expected(users, None)[None]
    assert res["step_conversion"].to_list()[1:] == pytest.approx([0.5, 6030 / 45200, 452 / 6030])
    assert res["conversion"].to_list()[-1] == pytest.approx(0.005, abs=1e-4)


def test_membership_funnel_by_device(kaggle) -> None:
    events, users = kaggle
    res = funnel(events, PAGES, by=["device"])
    got = {d: g["users"].to_list() for (d,), g in res.group_by("device", maintain_order=True)}
    assert got == {"Desktop": [60_200, 30_100, 3_010, 150], "Mobile": [30_200, 15_100, 3_020, 302]}
    assert got == expected(users, "device")
    facts = insights(res)
    assert (facts[0]["from_step"], facts[0]["to_step"]) == (
        "payment_page",
        "payment_confirmation_page",
    )
    assert "Desktop converts 0.25% vs 0.50% overall" in str(facts[2])
    assert "Mobile converts 1.00% vs 0.50% overall" in str(facts[3])


def test_membership_funnel_by_signup_month(kaggle) -> None:
    events, users = kaggle
    res = funnel(events, PAGES, by=["signup_month"])
    got = {m: g["users"].to_list() for (m,), g in res.group_by("signup_month", maintain_order=True)}
    assert got["2015-01"] == [22_600, 13_554, 2_390, 189]
    assert got["2015-03"] == [22_600, 8_879, 631, 44]
    assert got == expected(users, "signup_month")


def test_default_order_of_kaggle_pages(kaggle) -> None:
    events, _ = kaggle
    assert default_step_order(events) == PAGES


@pytest.fixture(scope="module")
def rees46() -> pl.DataFrame:
    if not REES46.exists():
        pytest.skip("shared data sets not available")
    raw = pl.read_csv(REES46)
    return raw.select(
        "user_id",
        step=pl.col("event_type"),
        ts=pl.col("event_time").str.strptime(pl.Datetime("us"), "%Y-%m-%d %H:%M:%S UTC"),
    )


def test_rees46_strict_sequence_undercounts_purchases(rees46) -> None:
    steps = ["view", "cart", "purchase"]
    counts = rees46.group_by("step").len()
    assert dict(counts.iter_rows()) == {"view": 987, "cart": 3, "purchase": 10}
    buyers = rees46.filter(pl.col("step") == "purchase")["user_id"].n_unique()
    viewers = rees46.filter(pl.col("step") == "view")["user_id"].n_unique()
    seq = funnel(rees46, steps)
    anyo = funnel(rees46, steps, order="any")
    opened = funnel(rees46, steps, open_funnel=True)
    assert seq["users"].to_list() == [330, 3, 2]
    assert anyo["users"].to_list() == [330, 3, 2]
    assert buyers == 9
    # independent: users with view, cart and purchase events in any order
    sets = {s: set(rees46.filter(pl.col("step") == s)["user_id"].to_list()) for s in steps}
    assert seq["users"][0] == anyo["users"][0] == viewers
    assert anyo["users"].to_list()[1:] == [
        len(sets["view"] & sets["cart"]),
        len(sets["view"] & sets["cart"] & sets["purchase"]),
    ]
    # the strict sequence undercounts purchases: far fewer than the users who bought
    assert seq["users"][2] <= anyo["users"][2] < buyers
    # open funnel: buyers entered at "view" (their first event) and skipped "cart", so they
    # stop at view too; only a skip-step (view -> purchase) funnel sees them all
    assert opened["users"].to_list() == seq["users"].to_list()
    assert funnel(rees46, ["view", "purchase"])["users"][1] == buyers
    prog = user_progress(rees46, steps)
    assert prog.height == rees46["user_id"].n_unique()
    assert (prog["steps_reached"] == 3).sum() == seq["users"][2]
