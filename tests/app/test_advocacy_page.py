"""AppTest of the Advocacy page: demo NPS effects (data/README.md) against plain polars."""

from __future__ import annotations

import json

import polars as pl
import pytest

from tests.app.conftest import DATASETS, ROOT, errors_and_exceptions

PAGE = "pages/advocacy_view.py"
DEMO = ROOT / "data" / "demo"


def _metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def points(text: str) -> float:
    """A figure as the page writes it (``+40.5``, ``−4.0``; French ``+40,5``) as a number."""
    return float(text.replace("\u2212", "-").replace("\u202f", "").replace(",", "."))


def plain_nps(scores: pl.Series) -> float:
    """NPS in points: % of 9-10 minus % of 0-6."""
    return float(((scores >= 9).mean() - (scores <= 6).mean()) * 100)


def test_demo_nps_overall_by_device_and_over_time(app):
    app.run()
    app.switch_page(PAGE).run()
    assert errors_and_exceptions(app) == []
    survey = pl.read_csv(DEMO / "nps_survey.csv").join(
        pl.read_csv(DEMO / "users.csv").select("user_id", "device"), on="user_id"
    )
    m = _metrics(app)
    overall = plain_nps(survey["score"])
    assert m["NPS (points)"] == f"{overall:+.1f}" == "+33.3"
    assert m["Valid answers"] == "1,057"
    assert m["Promoters (9–10)"] == f"{(survey['score'] >= 9).mean() * 100:.1f}%"
    # per device (segment joined through the user id), default breakdown
    table = pl.from_pandas(app.dataframe[0].value)
    shown = {d: points(v) for d, v in zip(table["device"], table["NPS"], strict=True)}
    for device in ("desktop", "mobile", "tablet"):
        expected = plain_nps(survey.filter(pl.col("device") == device)["score"])
        assert shown[device] == pytest.approx(expected, abs=0.05)  # written with one decimal
    assert round(shown["desktop"], 1) == 40.5 > round(shown["mobile"], 1) == 19.7
    # the confidence interval is shown and contains the score
    lo, hi = (
        points(x)
        for x in table.filter(pl.col("device") == "mobile").select("CI low", "CI high").row(0)
    )
    assert lo < shown["mobile"] < hi
    # NPS over time: one point per answer month, with a CI band
    specs = [json.loads(c.proto.spec) for c in app.get("vega_lite_chart")]
    over = next(s for s in specs if "NPS over time" in json.dumps(s.get("title")))
    assert any(
        layer["mark"] == "area" or layer["mark"].get("type") == "area" for layer in over["layer"]
    )
    # referral rate: customers whose channel is referral / customers (data/README.md: 180 / 2,045)
    assert m["Referral rate"] == f"{180 / 2045 * 100:.2f}%"


def test_url_segment_channel_and_weekly(app):
    app.query_params["ad_segment"] = ["channel"]
    app.query_params["ad_grain"] = ["week"]
    app.run()
    app.switch_page(PAGE).run()
    assert errors_and_exceptions(app) == []
    table = pl.from_pandas(app.dataframe[0].value)
    assert set(table["channel"]) == {
        "organic",
        "paid_search",
        "social",
        "direct",
        "referral",
        "email",
    }
    # segments reconcile with the total (figures written as English writes them: 1,057)
    assert sum(int(n.replace(",", "")) for n in table["n"]) == 1057


def test_no_survey_says_which_file_unlocks_it(app):
    path = DATASETS / "page_redesign_ab.csv"
    if not path.exists():
        pytest.skip("../shared/datasets missing")
    app.run()
    app.switch_page(PAGE).run()
    app.sidebar.file_uploader[0].set_value((path.name, path.read_bytes(), "text/csv")).run()
    assert errors_and_exceptions(app) == []
    info = " ".join(i.value for i in app.info)
    assert "Upload survey answers" in info and "score" in info


def test_low_answers_on_a_plain_score_column_are_not_silently_csat(app):
    # answers 1–7 under a bare 'score' header: NPS assumed and said, the user may choose
    lines = ["user_id,answered_at,score"] + [
        f"u{i},2025-03-{1 + i % 28:02d},{1 + i % 7}" for i in range(40)
    ]
    app.run()
    app.switch_page(PAGE).run()
    app.sidebar.file_uploader[0].set_value(
        ("survey.csv", ("\n".join(lines) + "\n").encode(), "text/csv")
    ).run()
    assert errors_and_exceptions(app) == []
    assert any("Scale assumed: NPS (0–10)" in w.value for w in app.warning)
    assert "NPS (points)" in _metrics(app) and "Customer satisfaction (CSAT)" not in _metrics(app)
    app.segmented_control(key="ad_kind").set_value("CSAT").run()
    assert errors_and_exceptions(app) == []
    assert not any("Scale assumed" in w.value for w in app.warning)
    # CSAT = top two boxes of 1–7 (6 and 7) ÷ answers
    scores = [1 + i % 7 for i in range(40)]
    expected = sum(s >= 6 for s in scores) / 40
    assert _metrics(app)["Customer satisfaction (CSAT)"] == f"{expected * 100:.1f}%"


# ---------------------------------------------------------------- in French


@pytest.mark.parametrize("upload", [False, True], ids=["demo", "shopify_orders"])
def test_advocacy_page_in_french(app, upload):
    from tests.app.french_pages import english_left, run_in_french

    text = run_in_french(app, PAGE, upload=upload)
    assert english_left(text) == []
    m = _metrics(app)
    assert "Taux de recommandation" in m
    if upload:
        # orders only: no survey, said in French; the referral rate of the 26 customers
        assert "Importez les réponses à une enquête" in text
        assert m["Taux de recommandation"] == "0,00\u00a0%"
        assert m["Tous les clients"] == "26"
    else:
        assert m["NPS (points)"] == "+33,3"
        assert m["Promoteurs (9–10)"] == "51,2\u00a0%"
        assert m["Réponses valides"] == "1\u202f057"
        assert "Passifs (7–8)" in text and "Détracteurs (0–6)" in text
        assert "Évolution du NPS" in text  # the chart's title
        table = pl.from_pandas(app.dataframe[0].value)
        assert points(table.filter(pl.col("device") == "desktop")["NPS"].item()) == 40.5
