"""Red flags on the same period a year before: a funnel step whose conversion fell against it,
with the previous period's rule (two-proportion test, Holm over the steps compared, p < alpha),
in the view's flags (pages), the workbook's Summary and ``--notify``, in both languages.

The log, made by hand (one visitor a user, each on one day of the month):

| period | visit | cart | purchase | visit → cart | cart → purchase |
|---|---|---|---|---|---|
| March 2024 (a year before) | 100 | 60 | 30 | 60 % | 50 % |
| February 2025 (previous period) | 100 | 42 | 21 | 42 % | 50 % |
| March 2025 (the view) | 100 | 40 | 20 | 40 % | 50 % |

visit → cart, March 2025 vs March 2024: pooled p = 100 / 200 = 0.5, se = √(0.5 · 0.5 · (1/100 +
1/100)) = 0.0707, z = (0.4 − 0.6) / 0.0707 = −2.828, p = 0.00468; Holm over the 2 steps
compared (the smaller p times 2): 0.00936 < 0.05: an alert. cart → purchase: 50 % both years,
p = 1: nothing. Against February 2025 (42 % → 40 %, p ≈ 0.77) nothing fires either.
"""

from __future__ import annotations

import csv
import io
import sys
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

from kpi import alerts
from kpi.filters import Filters
from kpi.load import read_table
from kpi.report import ReportOptions, build_workbook
from kpi.schema import TableInput, build_dataset
from kpi.settings import FunnelSettings
from kpi.view import View
from kpi.words import render

STEPS = ("visit", "cart", "purchase")
MONTHS = {  # (year, month): (visitors, carts, purchases)
    (2024, 3): (100, 60, 30),
    (2025, 2): (100, 42, 21),
    (2025, 3): (100, 40, 20),
}
MARCH = Filters(start=date(2025, 3, 1), end=date(2025, 3, 31))


def _rows(months: dict = MONTHS, first_day: int = 1) -> list[tuple[str, str, str]]:
    rows = []
    for (year, month), (n, carts, buys) in months.items():
        for i in range(n):
            day = first_day + i % (28 - first_day + 1)
            u, ts = f"u{year}{month:02d}-{i}", f"{year}-{month:02d}-{day:02d} 10:"
            rows.append((u, ts + "00:00", "visit"))
            if i < carts:
                rows.append((u, ts + "05:00", "cart"))
            if i < buys:
                rows.append((u, ts + "09:00", "purchase"))
    return rows


def _csv(rows: list[tuple[str, str, str]]) -> bytes:
    buf = io.StringIO()
    csv.writer(buf).writerows([("user_id", "timestamp", "event"), *rows])
    return buf.getvalue().encode()


def _view(rows: list[tuple[str, str, str]] | None = None, filters: Filters = MARCH) -> View:
    t = read_table(_csv(rows or _rows()), filename="events.csv")
    ds = build_dataset(
        [TableInput("events.csv", t.frame, rows_read=t.report.rows_read, dropped={})]
    )
    return View(ds, filters, FunnelSettings(steps=STEPS))


def _flag(view: View) -> alerts.RedFlag:
    flags = [f for f in view.red_flags() if f.code == "funnel_step_drop_year_before"]
    assert len(flags) == 1, [f.code for f in view.red_flags()]
    return flags[0]


def test_the_year_before_drop_fires_with_the_hand_counted_test() -> None:
    from statsmodels.stats.proportion import proportions_ztest

    view = _view()
    f = _flag(view)
    assert (f.level, f.page, f.value, f.threshold) == ("alert", "funnel", 0.4, 0.6)
    assert f.message.values["from_step"] == "visit" and f.message.values["step"] == "cart"
    # the p-value: statsmodels' pooled two-proportion z-test, Holm over the 2 steps by hand
    _, p = proportions_ztest([40, 60], [100, 100])
    assert p == pytest.approx(0.004678, abs=1e-6)
    test = f.message.values["test"]
    assert test.code == "alerts.test.holm" and test.values["family"] == 2
    assert test.values["p"] == pytest.approx(min(1.0, 2 * p), rel=1e-9)
    # the previous period (February, 42 % → 40 %) does not fire: p well above 0.05
    _, p_prev = proportions_ztest([40, 42], [100, 100])
    assert p_prev > 0.5
    codes = [x.code for x in view.red_flags()]
    assert "funnel_step_drop" not in codes
    # every other flag of this view: none (20 % conversion, 50 % cart abandonment)
    assert codes == ["funnel_step_drop_year_before"]


def test_the_same_rule_as_the_previous_period() -> None:
    """The year before's flag is the previous period's rule on another period: with the year
    before's counts as the previous period, the previous period's flag fires, same numbers."""
    view = _view()
    yb = _flag(view)
    cols = ["step", "users", "conversion", "step_conversion"]
    prev = alerts.red_flags(
        [],
        funnel_current=view.funnel().select(cols),
        funnel_previous=view.year_before_funnel().select(cols),
    )
    assert [x.code for x in prev] == ["funnel_step_drop"]
    assert (prev[0].value, prev[0].threshold) == (yb.value, yb.threshold)
    assert prev[0].message.values["test"] == yb.message.values["test"]
    # a stricter alpha: 0.00936 is not below 0.005: no flag
    assert not [
        x
        for x in view.red_flags(alerts.Thresholds(funnel_alpha=0.005))
        if x.code == "funnel_step_drop_year_before"
    ]


def test_the_words_in_english_and_french() -> None:
    f = _flag(_view())
    assert render(f.title, "en") == "Funnel step dropped vs a year before: cart"
    assert render(f.title, "fr") == "Baisse sur un an à une étape de l'entonnoir\u00a0: cart"
    en = render(f.message, "en")
    assert en == (
        "Conversion from visit to cart fell from 60.0% in the same period a year before "
        "(March 1 to 31, 2024) to 40.0% (p = 0.0094, Holm-corrected over 2 step comparisons, "
        "below 0.050)."  # alpha as the previous period's flag writes it
    )
    fr = render(f.message, "fr")
    assert fr.startswith("La conversion de visit à cart est passée de 60,0\u00a0% sur la même ")
    assert "un an plus tôt (du 1er au 31 mars 2024) à 40,0\u00a0%" in fr
    assert "corrigée par Holm sur 2 comparaisons d'étapes" in fr


def test_no_flag_when_the_data_does_not_cover_the_year_before() -> None:
    # the data starts on March 5, 2024: the year before (March 1-31, 2024) is not all there
    late = _view(_rows(first_day=5))
    assert not late.year_before_coverage().available
    assert "funnel_step_drop_year_before" not in [f.code for f in late.red_flags()]
    # the whole data (no period chosen): no year before, no flag, no error
    whole = _view(filters=Filters())
    assert "funnel_step_drop_year_before" not in [f.code for f in whole.red_flags()]
    # a year before with the same conversions: nothing fires
    same = dict(MONTHS) | {(2024, 3): (100, 40, 20)}
    assert "funnel_step_drop_year_before" not in [f.code for f in _view(_rows(same)).red_flags()]


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_in_the_workbook_summary(lang: str) -> None:
    view = _view()
    data = build_workbook(
        view.full,
        view.filters,
        options=ReportOptions(
            funnel=FunnelSettings(steps=STEPS),
            lang=lang,  # type: ignore[arg-type]
            generated_at=datetime(2026, 12, 2, 9, 0),
            view=view,
        ),
        sections=["summary"],
        view=view,
    )
    ws = openpyxl.load_workbook(io.BytesIO(data)).worksheets[0]
    f = _flag(view)
    listed = {r[0]: r[1] for r in ws.iter_rows(values_only=True) if r[0]}
    title = render(f.title, lang)  # type: ignore[arg-type]
    assert title in listed
    alert = "Alert: " if lang == "en" else "Alerte\u00a0: "
    assert listed[title] == alert + render(f.message, lang)  # type: ignore[arg-type]


def test_notify_sends_the_year_before_flag(tmp_path: Path, capsys, monkeypatch) -> None:
    sys.path.insert(0, str(Path(__file__).parent))
    import notify_servers as srv

    from kpi.__main__ import main

    for k in [k for k in __import__("os").environ if k.startswith("PARCOURS_")]:
        monkeypatch.delenv(k)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    monkeypatch.setenv("PARCOURS_SLACK_TEAM_URL", f"http://{srv.HOST}:{srv.WEBHOOK_PORT}/hook")
    log = tmp_path / "events.csv"
    log.write_bytes(_csv(_rows()))
    out = tmp_path / "r.xlsx"
    with srv.webhook() as hook:
        code = main(
            ["report", str(log), "-o", str(out), "--lang", "fr", "--steps", ",".join(STEPS),
             "--from", "2025-03-01", "--to", "2025-03-31", "--notify", "slack:team", "-q"]
        )  # fmt: skip
    err = capsys.readouterr().err
    assert code == 0, err
    text = hook.bodies[0]["text"]
    assert "Baisse sur un an à une étape de l'entonnoir\u00a0: cart" in text
    assert "un an plus tôt (du 1er au 31 mars 2024) à 40,0\u00a0%" in text


def test_off_with_the_workbook_year_before_columns() -> None:
    view = _view()
    off = alerts.Thresholds(year_before=False)
    assert "funnel_step_drop_year_before" not in [f.code for f in view.red_flags(off)]
    # --no-year-before (ReportOptions.year_before=False): no column, and no flag either
    options = ReportOptions(funnel=FunnelSettings(steps=STEPS), year_before=False, view=view)
    assert options.thresholds.year_before is False
    data = build_workbook(view.full, view.filters, options=options, sections=["summary"], view=view)
    cells = [
        c
        for r in openpyxl.load_workbook(io.BytesIO(data)).worksheets[0].iter_rows(values_only=True)
        for c in r
    ]
    assert "Funnel step dropped vs a year before: cart" not in cells
    assert "Same period a year before" not in cells
