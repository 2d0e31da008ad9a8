"""Red flags fire exactly past their thresholds, with the numbers in the sentence.

Funnel-step significance is checked against statsmodels' pooled two-proportion z-test
(test-only reference), on both sides of alpha.
"""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from kpi.alerts import DEFAULT_THRESHOLDS_DOC, RedFlag, Thresholds, red_flags
from kpi.dataset import Dataset
from kpi.errors import InputError
from kpi.stages import DEFINITIONS, Kpi, monthly_session_duration, stage_kpis
from kpi.words import Fact, render


def kpi(code: str, value: float | None) -> Kpi:
    d = DEFINITIONS[code]
    return Kpi(code, d.label, d.stage, value, d.unit, d.formula, value is not None)


def codes(flags: list[RedFlag]) -> list[str]:
    return [f.code for f in flags]


def test_defaults_are_documented() -> None:
    t = Thresholds()
    assert (t.min_conversion, t.max_cart_abandonment, t.max_bounce) == (0.02, 0.70, 0.50)
    assert (t.max_session_duration_drop, t.funnel_alpha, t.min_step_conversion) == (
        0.20,
        0.05,
        None,
    )
    for text in ("2 %", "70 %", "50 %", "20 %", "0.05"):
        assert text in DEFAULT_THRESHOLDS_DOC


def test_nothing_to_flag() -> None:
    assert red_flags([]) == []
    assert red_flags([kpi("conversion_rate", None), kpi("cart_abandonment", None)]) == []


@pytest.mark.parametrize(
    ("value", "fires"), [(0.02, False), (0.0201, False), (0.0199, True), (0.0, True)]
)
def test_low_conversion_at_its_threshold(value: float, fires: bool) -> None:
    flags = red_flags([kpi("conversion_rate", value)])
    assert codes(flags) == (["low_conversion"] if fires else [])


def test_low_conversion_message() -> None:
    (flag,) = red_flags([kpi("conversion_rate", 0.015)])
    assert flag.level == "alert" and flag.page == "stages"
    assert flag.title == Fact("alerts.low_conversion.title")
    assert flag.message == Fact("alerts.low_conversion", value=0.015, threshold=0.02)
    assert str(flag.message) == "Conversion rate is 1.50%, below the 2.00% minimum."
    assert render(flag.message, "fr") == (
        "Le taux de conversion est de 1,50\u00a0%, sous le seuil minimum de 2,00\u00a0%."
    )
    assert render(flag.title, "fr") == "Taux de conversion faible"
    assert (flag.value, flag.threshold) == (0.015, 0.02)
    (flag,) = red_flags([kpi("conversion_rate", 0.005)])
    assert flag.message["value"] == 0.005


@pytest.mark.parametrize(("value", "fires"), [(0.70, False), (1 - 0.3, False), (0.7001, True)])
def test_cart_abandonment_at_its_threshold(value: float, fires: bool) -> None:
    flags = red_flags([kpi("cart_abandonment", value)])
    assert codes(flags) == (["high_cart_abandonment"] if fires else [])


def test_cart_abandonment_message() -> None:
    (flag,) = red_flags([kpi("cart_abandonment", 0.742)])
    assert flag.message == Fact("alerts.high_cart_abandonment", value=0.742, threshold=0.7)
    assert str(flag.message) == "Cart abandonment is 74.2%, above the 70.0% threshold."
    assert flag.level == "warning"


def test_bounce_on_landing_pages_then_all_sessions() -> None:
    assert red_flags([kpi("bounce_rate_landing", 0.50), kpi("bounce_rate", 0.9)]) == []
    (flag,) = red_flags([kpi("bounce_rate_landing", 0.5001), kpi("bounce_rate", 0.1)])
    assert flag.message == Fact("alerts.high_bounce.landing", value=0.5001, threshold=0.5)
    (flag,) = red_flags([kpi("bounce_rate_landing", None), kpi("bounce_rate", 0.6)])
    assert flag.message == Fact("alerts.high_bounce.all", value=0.6, threshold=0.5)
    assert (
        str(flag.message) == "Bounce rate across all sessions is 60.0%, above the 50.0% threshold."
    )


def _monthly(before: float, now: float) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "month": [dt.date(2025, 3, 1), dt.date(2025, 1, 1), dt.date(2025, 2, 1)],
            "avg_session_seconds": [now, 300.0, before],
        }
    )


@pytest.mark.parametrize(
    ("before", "now", "fires"),
    [(100.0, 80.0, False), (100.0, 80.1, False), (100.0, 79.9, True), (100.0, 150.0, False)],
)
def test_session_duration_drop_month_over_month(before: float, now: float, fires: bool) -> None:
    flags = red_flags([], monthly_duration=_monthly(before, now))
    assert codes(flags) == (["session_duration_drop"] if fires else [])


def test_session_duration_drop_message_and_kpi_fallback() -> None:
    (flag,) = red_flags([], monthly_duration=_monthly(200.0, 150.0))
    assert flag.message.code == "alerts.session_duration_drop.months"
    assert (flag.message["from_month"], flag.message["to_month"]) == (
        dt.date(2025, 2, 1),
        dt.date(2025, 3, 1),
    )
    assert flag.message["drop"] == pytest.approx(0.25)
    assert str(flag.message) == (
        "Average session duration fell by 25.0% from Feb 2025 to Mar 2025 (3\u00a0min 20\u00a0s "
        "to 2\u00a0min 30\u00a0s), more than the 20.0% threshold."
    )
    assert render(flag.message, "fr").startswith(
        "La durée moyenne des sessions a baissé de 25,0\u00a0% entre févr. 2025 et mars 2025"
    )
    assert flag.value == pytest.approx(-0.25)
    # without a monthly table, the previous period's KPI is the reference
    (flag,) = red_flags([kpi("avg_time_on_site", 70.0)], [kpi("avg_time_on_site", 100.0)])
    assert flag.message.code == "alerts.session_duration_drop.previous"
    assert "compared with the previous period" in str(flag.message)
    assert red_flags([kpi("avg_time_on_site", 80.0)], [kpi("avg_time_on_site", 100.0)]) == []
    assert red_flags([], monthly_duration=_monthly(100.0, 10.0).head(1)) == []  # one month


def _funnel(users: list[int], steps: tuple[str, ...] = ("landing", "cart", "purchase")):
    frame = pl.DataFrame({"step": list(steps), "users": users})
    return frame.with_columns(
        (pl.col("users") / pl.col("users").first()).alias("conversion"),
        (pl.col("users") / pl.col("users").shift(1)).fill_null(1.0).alias("step_conversion"),
    )


def _z_p(x_a: int, n_a: int, x_b: int, n_b: int) -> float:
    proportion = pytest.importorskip("statsmodels.stats.proportion")
    return float(proportion.proportions_ztest([x_a, x_b], [n_a, n_b])[1])


@pytest.mark.parametrize("carts_now", [456, 457, 440])
def test_funnel_step_drop_on_both_sides_of_alpha_holm_corrected(carts_now: int) -> None:
    """Two steps are tested (cart, purchase): a drop fires when its Holm-adjusted p < 0.05.

    456 carts: raw p 0.0489 < 0.05 but adjusted over 2 comparisons > 0.05 -> no false alarm;
    440 carts: adjusted p still far below 0.05 -> alert.
    """
    multipletests = pytest.importorskip("statsmodels.stats.multitest").multipletests
    previous = _funnel([1000, 500, 100])
    current = _funnel([1000, carts_now, 100])
    raw = [_z_p(500, 1000, carts_now, 1000), _z_p(100, 500, 100, carts_now)]
    adjusted = multipletests(raw, method="holm")[1]
    flags = red_flags([], funnel_current=current, funnel_previous=previous)
    if adjusted[0] < 0.05:
        (flag,) = flags
        assert flag.code == "funnel_step_drop" and flag.level == "alert"
        assert flag.page == "funnel"
        assert flag.message.code == "alerts.step_drop"
        assert (flag.message["from_step"], flag.message["step"]) == ("landing", "cart")
        assert flag.message["before"] == 0.5
        assert flag.message["now"] == pytest.approx(carts_now / 1000)
        test = flag.message["test"]
        assert test.code == "alerts.test.holm" and test["family"] == 2
        assert test["p"] == pytest.approx(adjusted[0]) and test["alpha"] == 0.05
        assert str(flag.message).startswith(
            "Conversion from landing to cart fell from 50.0% to 44.0% vs the previous period (p = "
        )
        assert str(flag.message).endswith(", Holm-corrected over 2 step comparisons, below 0.050).")
        assert (flag.value, flag.threshold) == (pytest.approx(carts_now / 1000), 0.5)
    else:
        assert flags == []
    assert (carts_now == 440) == bool(flags)
    # the purchase step *rose* (100/500 -> 100/456): never flagged
    assert all(f.title == Fact("alerts.step_drop.title", step="cart") for f in flags)


def test_funnel_alpha_is_configurable_and_rises_are_not_flagged() -> None:
    pytest.importorskip("kpi.abtest")
    previous, current = _funnel([1000, 500, 100]), _funnel([1000, 440, 60])
    flags = red_flags([], funnel_current=current, funnel_previous=previous)
    assert [str(f.title) for f in flags] == [
        "Funnel step dropped: cart",
        "Funnel step dropped: purchase",
    ]
    assert render(flags[0].title, "fr") == "Baisse à une étape de l'entonnoir\u00a0: cart"
    strict = red_flags(
        [],
        funnel_current=current,
        funnel_previous=previous,
        thresholds=Thresholds(funnel_alpha=1e-4),
    )
    # cart: p = 0.0072 > 1e-4; purchase: 100/500 -> 60/440, p = 0.0156 > 1e-4
    assert _z_p(500, 1000, 440, 1000) > 1e-4 and _z_p(100, 500, 60, 440) > 1e-4
    assert strict == []
    assert red_flags([], funnel_current=previous, funnel_previous=current) == []


def test_funnel_by_segment_and_weak_step_floor() -> None:
    pytest.importorskip("kpi.abtest")
    prev = pl.concat(
        [
            _funnel([1000, 500, 100]).with_columns(device=pl.lit("mobile")),
            _funnel([1000, 500, 250]).with_columns(device=pl.lit("desktop")),
        ]
    ).select("device", "step", "users", "conversion", "step_conversion")
    cur = pl.concat(
        [
            _funnel([1000, 400, 200]).with_columns(device=pl.lit("mobile")),
            _funnel([1000, 500, 250]).with_columns(device=pl.lit("desktop")),
        ]
    ).select("device", "step", "users", "conversion", "step_conversion")
    flags = red_flags([], funnel_current=cur, funnel_previous=prev)
    assert len(flags) == 1 and "for device mobile" in str(flags[0].message)
    assert flags[0].message["segments"] == [Fact("alerts.segment", column="device", value="mobile")]
    weak = red_flags([], funnel_current=cur, thresholds=Thresholds(min_step_conversion=0.45))
    assert codes(weak) == ["weak_funnel_step"]
    assert str(weak[0].message) == (
        "Only 40.0% of users went from landing to cart for device mobile, below the 45.0% minimum."
    )
    assert render(weak[0].message, "fr") == (
        "Seulement 40,0\u00a0% des utilisateurs sont passés de landing à cart pour device mobile, "
        "sous le seuil minimum de 45,0\u00a0%."
    )
    # exactly at the floor: no flag (every other step is at 50 %)
    assert red_flags([], funnel_current=cur, thresholds=Thresholds(min_step_conversion=0.4)) == []
    with pytest.raises(InputError, match="step_conversion"):
        red_flags([], funnel_current=cur.drop("step_conversion"))


def test_alerts_come_first_and_thresholds_are_validated() -> None:
    flags = red_flags([kpi("cart_abandonment", 0.9), kpi("conversion_rate", 0.01)])
    assert [f.level for f in flags] == ["alert", "warning"]
    custom = Thresholds(min_conversion=0.005, max_cart_abandonment=0.95)
    assert (
        red_flags([kpi("cart_abandonment", 0.9), kpi("conversion_rate", 0.01)], thresholds=custom)
        == []
    )
    with pytest.raises(InputError, match="between 0 and 1") as err:
        Thresholds(min_conversion=2)
    assert err.value.message.code == "alerts.error.rate_range" and err.value.message["value"] == 2
    assert err.value.text("fr") == (
        "Le seuil de taux de conversion minimum doit être compris entre 0 et 1 (reçu\u00a0: 2). "
        "Indiquez les taux en fractions\u00a0: 0,02 pour 2,00\u00a0%."
    )
    with pytest.raises(InputError, match="significance level"):
        Thresholds(funnel_alpha=0)


def test_end_to_end_from_a_dataset() -> None:
    """Flags computed from real KPI objects and kpi.funnel on a hand-built month pair."""
    funnel_module = pytest.importorskip("kpi.funnel")
    pytest.importorskip("kpi.abtest")
    d = dt.datetime
    rows = []
    # January: 40 users land, 20 add to cart, 10 buy; sessions of 100 s
    # February: 40 users land, 4 add to cart, 1 buys; sessions of 60 s
    for month, carts, buyers, seconds in ((1, 20, 10, 100), (2, 4, 1, 60)):
        for i in range(40):
            user, start = f"m{month}u{i}", d(2025, month, 1 + i % 20, 10)
            rows.append((user, f"{user}s", start, "landing"))
            rows.append((user, f"{user}s", start + dt.timedelta(seconds=seconds), "product_view"))
            if i < carts:
                rows.append(
                    (user, f"{user}s", start + dt.timedelta(seconds=seconds), "add_to_cart")
                )
            if i < buyers:
                rows.append((user, f"{user}s", start + dt.timedelta(seconds=seconds), "purchase"))
    ev = pl.DataFrame(
        rows, schema={"user_id": pl.String, "session_id": pl.String, "ts": pl.Datetime("us"), "step": pl.String},
        orient="row",
    )  # fmt: skip
    steps = ("landing", "product_view", "add_to_cart", "purchase")
    jan, feb = (ev.filter(pl.col("ts").dt.month() == m) for m in (1, 2))
    current = stage_kpis(Dataset(events=feb, users=feb.select("user_id").unique(), steps=steps))
    previous = stage_kpis(Dataset(events=jan, users=jan.select("user_id").unique(), steps=steps))
    flags = red_flags(
        current,
        previous,
        funnel_current=funnel_module.funnel(feb, list(steps)),
        funnel_previous=funnel_module.funnel(jan, list(steps)),
        monthly_duration=monthly_session_duration(ev),
    )
    by = {f.code: f for f in flags}
    # Feb: 1 of 40 bought (2.5 %): above 2 %, no conversion flag; carts 4, 3 abandoned = 75 %
    assert "low_conversion" not in by
    assert by["high_cart_abandonment"].message == Fact(
        "alerts.high_cart_abandonment", value=0.75, threshold=0.7
    )
    assert by["session_duration_drop"].value == pytest.approx(60 / 100 - 1)
    # product_view -> add_to_cart fell from 20/40 to 4/40: p from the z-test reference
    drop = [f for f in flags if f.code == "funnel_step_drop"]
    assert [str(f.title) for f in drop] == ["Funnel step dropped: add_to_cart"]
    # the smallest of 3 step p-values, Holm-corrected: 3 × p
    test = drop[0].message["test"]
    assert test["p"] == pytest.approx(3 * _z_p(20, 40, 4, 40)) and test["family"] == 3


# ---------------------------------------------------------------- segments' own flags (demo data)


def _demo_dataset():
    from pathlib import Path

    from kpi.load import read_table
    from kpi.schema import TableInput, build_dataset, detect_roles, table_name

    folder = Path(__file__).resolve().parents[2] / "data" / "demo"
    inputs = []
    for p in sorted(folder.iterdir()):
        if p.is_file():
            t = read_table(p, filename=p.name)
            roles = detect_roles(t.frame, filename=p.name)
            inputs.append(TableInput.from_table(table_name(p.name), t, roles=roles))
    return build_dataset(inputs)


def _plain_funnel_by_device(
    events: pl.DataFrame, users: pl.DataFrame, steps: list[str], days: int
) -> dict[tuple[str, str], int]:
    """Independent sequential funnel: from every step-1 event, the earliest next step event
    at or after the previous one (polars join_asof, forward), within `days` of the start;
    a user reaches step k when one of their starts does. (device, step) -> users."""
    e = events.select("user_id", "step", "ts")
    chain = e.filter(pl.col("step") == steps[0]).select(
        "user_id", pl.col("ts").alias("start"), pl.col("ts").alias("t")
    )
    chain = chain.with_columns(lvl=pl.lit(1))
    for k, step in enumerate(steps[1:], start=2):
        nxt = e.filter(pl.col("step") == step).select("user_id", pl.col("ts").alias("t_next"))
        chain = (
            chain.sort("t")
            .join_asof(
                nxt.sort("t_next"),
                left_on="t",
                right_on="t_next",
                by="user_id",
                strategy="forward",
                check_sortedness=False,
            )
            .with_columns(
                ok=(pl.col("lvl") == k - 1)
                & pl.col("t_next").is_not_null()
                & (pl.col("t_next") - pl.col("start") <= dt.timedelta(days=days))
            )
            .with_columns(
                lvl=pl.when("ok").then(k).otherwise("lvl"),
                t=pl.when("ok").then("t_next").otherwise("t"),
            )
            .drop("t_next", "ok")
        )
    best = chain.group_by("user_id").agg(pl.col("lvl").max())
    best = best.join(users.select("user_id", "device"), on="user_id", how="left")
    out = {}
    for k, step in enumerate(steps, start=1):
        for device, n in best.filter(pl.col("lvl") >= k).group_by("device").len().iter_rows():
            out[(device, step)] = n
    return out


def test_segment_step_drop_on_the_demo_november_mobile_checkout() -> None:
    """The 2025-11-03 release broke mobile checkout → purchase: November vs October by device
    flags mobile (and no other device or step); numbers recomputed with plain polars and
    statsmodels (pooled two-proportion z-test, Holm over the 12 step × device comparisons)."""
    from statsmodels.stats.multitest import multipletests
    from statsmodels.stats.proportion import proportions_ztest

    from kpi.alerts import step_changes, step_drop_flags
    from kpi.filters import Filters
    from kpi.funnel import funnel

    ds = _demo_dataset()
    steps = list(ds.steps)
    november = Filters(start=dt.date(2025, 11, 1), end=dt.date(2025, 11, 30))
    october = november.previous()
    assert october == Filters(start=dt.date(2025, 10, 1), end=dt.date(2025, 10, 31))
    window = dt.timedelta(days=14)
    by = {}
    for name, f in (("current", november), ("previous", october)):
        view = f.apply(ds)
        by[name] = funnel(view.events_with(["device"]), steps, by=["device"], window=window)
    changes = step_changes(by["current"], by["previous"])
    assert changes.height == 3 * 4
    dropped = changes.filter(pl.col("dropped"))
    assert dropped.select("device", "from_step", "step").rows() == [
        ("mobile", "checkout", "purchase")
    ]
    assert not changes.filter(pl.col("device") == "desktop")["dropped"].any()

    # independent recomputation
    plain = {}
    for name, (lo, hi) in {
        "current": (dt.datetime(2025, 11, 1), dt.datetime(2025, 12, 1)),
        "previous": (dt.datetime(2025, 10, 1), dt.datetime(2025, 11, 1)),
    }.items():
        ev = ds.events.filter(pl.col("ts") >= lo, pl.col("ts") < hi)
        plain[name] = _plain_funnel_by_device(ev, ds.users, steps, 14)
    p_raw = []
    for row in changes.iter_rows(named=True):
        d, a, b = row["device"], row["from_step"], row["step"]
        n_cur, x_cur = plain["current"][(d, a)], plain["current"][(d, b)]
        n_prev, x_prev = plain["previous"][(d, a)], plain["previous"][(d, b)]
        assert (row["entered_current"], row["users_current"]) == (n_cur, x_cur)
        assert (row["entered_previous"], row["users_previous"]) == (n_prev, x_prev)
        assert row["change"] == pytest.approx(x_cur / n_cur - x_prev / n_prev, abs=1e-12)
        _, p = proportions_ztest([x_cur, x_prev], [n_cur, n_prev])
        assert row["p_value"] == pytest.approx(p, rel=1e-6)
        p_raw.append(p)
    holm = multipletests(p_raw, method="holm")[1]
    assert changes["p_adjusted"].to_list() == pytest.approx(list(holm), rel=1e-6)
    mobile = changes.row(
        changes["device"].to_list().index("mobile") + 3, named=True
    )  # mobile checkout → purchase
    assert (mobile["users_previous"], mobile["entered_previous"]) == (160, 275)
    assert (mobile["users_current"], mobile["entered_current"]) == (111, 296)
    assert round(mobile["step_conversion_previous"] * 100, 1) == 58.2
    assert round(mobile["step_conversion_current"] * 100, 1) == 37.5
    flags = step_drop_flags(changes)
    assert [str(f.title) for f in flags] == ["Funnel step dropped: purchase"]
    assert "for device mobile fell from 58.2% to 37.5%" in str(flags[0].message)
    assert "Holm-corrected over 12 step comparisons" in str(flags[0].message)
    assert "pour device mobile est passée de 58,2\u00a0% à 37,5\u00a0%" in render(
        flags[0].message, "fr"
    )


def test_the_thresholds_table_is_a_fact_in_both_languages() -> None:
    from kpi.alerts import thresholds_table

    table = thresholds_table()
    assert table.code == "alerts.doc.table"
    assert (table["min_conversion"], table["max_cart_abandonment"], table["funnel_alpha"]) == (
        0.02,
        0.70,
        0.05,
    )
    assert table["floor"] == Fact("alerts.doc.off")
    en, fr = render(table, "en"), render(table, "fr")
    assert "| Low conversion | alert |" in en and "| 2.00% |" in en and "| 70.0% |" in en
    assert "| Taux de conversion faible | alerte |" in fr and "| 2,00\u00a0% |" in fr
    assert "| désactivée |" in fr and "alpha 0,050" in fr
    custom = thresholds_table(Thresholds(min_conversion=0.03, min_step_conversion=0.25))
    assert custom["floor"] == Fact("alerts.doc.floor", floor=0.25)
    assert "| 25.0% |" in render(custom, "en") and "| 3.00% |" in render(custom, "en")
