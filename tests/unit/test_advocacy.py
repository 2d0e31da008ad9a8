"""kpi.advocacy: NPS (CI checked against a bootstrap), NPS over time / by segment, CSAT, CES,
referral rate."""

from __future__ import annotations

from datetime import datetime

import numpy as np
import polars as pl
import pytest

from kpi.advocacy import (
    DEFINITIONS,
    ces,
    csat,
    nps,
    nps_by,
    nps_over_time,
    referral_rate,
)
from kpi.errors import InputError, SchemaError
from kpi.words import Fact, render


def test_nps_hand_checked() -> None:
    # 6 promoters, 2 passives, 2 detractors: NPS = 0.6 − 0.2 = 0.4
    # adjusted Wald (Rocks 2016): n' = 13, p' = 6.75/13, d' = 2.75/13, NPS' = 4/13 = 0.307692
    # var = (p' + d' − NPS'²) / 13 = 0.048930; half-width = 1.959964 × √var = 0.433548
    res = nps([10] * 6 + [8, 7] + [2, 6])
    assert (res.n, res.promoters, res.passives, res.detractors) == (10, 6, 2, 2)
    assert (res.promoter_share, res.passive_share, res.detractor_share) == pytest.approx(
        (0.6, 0.2, 0.2)
    )
    assert res.nps == pytest.approx(0.4)
    assert res.ci_low == pytest.approx(-0.125856, abs=1e-6)
    assert res.ci_high == pytest.approx(0.741240, abs=1e-6)
    assert res.explanation.code == "advocacy.nps.explanation"
    assert res.explanation["n"] == 10 and res.explanation["level"] == 95
    assert str(res.explanation) == (
        "NPS +40 from 10 answers: 60.0% promoters, 20.0% detractors; 95% CI −13 to +74."
    )
    assert render(res.explanation, "fr") == (
        "NPS +40 sur 10 réponses\u00a0: 60,0\u00a0% de promoteurs, 20,0\u00a0% de "
        "détracteurs\u00a0; IC à 95\u00a0% de −13 à +74."
    )
    # boundaries: 9 is a promoter, 7 a passive, 6 a detractor, 0 a detractor
    b = nps(pl.Series([9, 7, 6, 0]))
    assert (b.promoters, b.passives, b.detractors) == (1, 1, 2)
    assert b.nps == pytest.approx(-0.25)
    # a wider level gives a wider interval
    wide = nps([10] * 6 + [8, 7] + [2, 6], confidence=0.99)
    assert wide.ci_high - wide.ci_low > res.ci_high - res.ci_low


def test_nps_invalid_missing_and_empty() -> None:
    res = nps([10, 11, -1, 9.5, None, 3])
    assert (res.n, res.invalid, res.missing) == (2, 3, 1)
    assert res.nps == pytest.approx(0.0)
    assert res.explanation["tail"] == Fact(
        "advocacy.tail.skipped",
        skipped=[
            Fact("advocacy.skipped.invalid", n=3, low=0, high=10),
            Fact("advocacy.skipped.missing", n=1),
        ],
    )
    assert "(3 answers outside 0–10 left out and 1 empty answer left out)." in str(res.explanation)
    assert "(3 réponses hors 0–10 écartées et 1 réponse vide écartée)." in render(
        res.explanation, "fr"
    )
    assert nps(pl.Series(["9", "ten", "4"])).invalid == 1  # text that is not a number
    empty = nps([])
    assert empty.n == 0 and empty.nps is None and empty.ci_low is None
    assert empty.explanation == Fact("advocacy.nps.none", tail=Fact("advocacy.tail.end"))
    only_bad = nps([12, 42])
    assert only_bad.nps is None and only_bad.invalid == 2
    # everybody a promoter: NPS 1, and still an honest interval (the plain Wald one would be
    # the single point 1): adjusted Wald with 3 answers gives 0.5 ± 0.565793, capped at 1
    all_pro = nps([10, 9, 9])
    assert all_pro.nps == 1.0 and all_pro.ci_high == 1.0
    assert all_pro.ci_low == pytest.approx(-0.065793, abs=1e-6)
    # Rocks' published example shape: ten 10s -> [+47.5, +100]; twenty 8s -> [-10.4, +10.4]
    ten = nps([10] * 10)
    assert (round(ten.ci_low * 100, 1), ten.ci_high) == (47.5, 1.0)
    passives = nps([8] * 20)
    assert round(passives.ci_low * 100, 1) == -10.4 and round(passives.ci_high * 100, 1) == 10.4
    with pytest.raises(InputError):
        nps([9], confidence=1.5)


def test_nps_ci_matches_bootstrap() -> None:
    rng = np.random.default_rng(20250301)
    scores = rng.choice(np.arange(11), size=600, p=[0.03] * 7 + [0.1, 0.12, 0.25, 0.32])
    res = nps(scores.tolist())
    counts = np.array([res.promoters, res.passives, res.detractors])
    draws = rng.multinomial(res.n, counts / res.n, size=20000)
    boot = (draws[:, 0] - draws[:, 2]) / res.n
    low, high = np.percentile(boot, [2.5, 97.5])
    # at n = 600 the adjustment (3 answers) barely moves the interval: it matches the
    # bootstrap percentiles and the bootstrap standard error
    assert res.ci_low == pytest.approx(low, abs=0.006)
    assert res.ci_high == pytest.approx(high, abs=0.006)
    assert boot.std() == pytest.approx((res.ci_high - res.ci_low) / (2 * 1.959964), rel=0.03)


SURVEY = pl.DataFrame(
    {
        "score": [10.0, 9, 3, 8, 10, 2, 15],
        "ts": [
            datetime(2025, 1, 5),
            datetime(2025, 1, 9),
            datetime(2025, 2, 1),
            datetime(2025, 2, 3),
            None,
            datetime(2025, 3, 1),
            datetime(2025, 3, 2),
        ],
        "device": ["mobile", "desktop", "mobile", None, "desktop", "mobile", "mobile"],
    }
)


def test_nps_over_time_and_by_segment() -> None:
    t = nps_over_time(SURVEY)
    assert t["period"].to_list() == ["2025-01", "2025-02", "2025-03"]
    assert t["n"].to_list() == [2, 2, 1]
    assert t["nps"].to_list() == pytest.approx([1.0, -0.5, -1.0])
    assert t["invalid"].to_list() == [0, 0, 1]  # the 15 in March
    by = nps_by(SURVEY, "device")
    rows = {r["device"]: r for r in by.iter_rows(named=True)}
    assert rows["desktop"]["nps"] == pytest.approx(1.0)  # 9 and 10 (the undated one counts)
    assert rows["mobile"]["nps"] == pytest.approx((1 - 2) / 3)  # 10, 3, 2 (15 invalid)
    assert rows["(none)"]["n"] == 1
    assert by["n"].sum() == nps(SURVEY["score"]).n  # segments reconcile with the total
    weekly = nps_over_time(SURVEY, grain="week")
    assert weekly["period"][0] == "2025-W01"
    with pytest.raises(SchemaError):
        nps_over_time(SURVEY.drop("ts"))
    assert nps_over_time(SURVEY.clear()).height == 0


def test_csat_and_ces() -> None:
    c = csat([5, 4, 3, 2, 1, 4])
    assert (c.n, c.satisfied, c.scale) == (6, 3, 5)
    assert c.csat == pytest.approx(0.5)
    assert render(c.explanation, "fr") == "3 réponses sur 6 valent 4 ou 5 sur 1–5 (50,0\u00a0%)."
    bad = csat([5, 6, 0, 4.5])
    assert (bad.n, bad.invalid) == (1, 3)
    auto7 = csat([7, 6, 5, 1], scale="auto")
    assert auto7.scale == 7 and auto7.csat == pytest.approx(0.5)
    assert csat([5, 4, 1], scale="auto").scale == 5
    with pytest.raises(InputError, match="NPS") as err:
        csat([10, 9], scale="auto")
    assert err.value.message == Fact("advocacy.error.above_seven", top=10.0)
    with pytest.raises(InputError):
        csat([1], scale=10)
    assert csat([]).csat is None
    e = ces([1, 2, 3, 6, 9])
    assert (e.n, e.invalid, e.scale) == (4, 1, 7)
    assert e.ces == pytest.approx(3.0)
    assert ces([2, 4], scale=5).ces == pytest.approx(3.0)
    assert ces([None]).ces is None


def test_referral_rate() -> None:
    users = pl.DataFrame(
        {
            "user_id": ["a", "b", "c", "d", "e"],
            "channel": ["Referral", "organic", None, "Refer a friend", "paid search"],
            "referred": [False, True, None, True, False],
        }
    )
    r = referral_rate(users)
    assert (r.customers, r.referred) == (5, 2)
    assert r.rate == pytest.approx(0.4)
    assert r.rule.code == "advocacy.referral.rule_channel" and r.rule["column"] == "channel"
    assert r.explanation == Fact("advocacy.referral.explanation", referred=2, customers=5, rate=0.4)
    f = referral_rate(users, flag_col="referred")
    assert f.referred == 2 and f.rule == Fact("advocacy.referral.rule_flag", column="referred")
    # French channel values: Parrainage, Recommandation, Bouche-à-oreille
    fr = pl.DataFrame(
        {"channel": ["Parrainage", "Recommandation client", "Bouche-à-oreille", "SEA", "Emailing"]}
    )
    assert referral_rate(fr).referred == 3
    text_flag = users.with_columns(pl.Series("referred", ["no", "Yes", None, "1", "0"]))
    assert referral_rate(text_flag, flag_col="referred").referred == 2
    assert referral_rate(users.clear()).rate is None
    with pytest.raises(SchemaError):
        referral_rate(users.drop("channel"))


def test_definitions() -> None:
    assert {"nps", "csat", "ces", "referral_rate"} <= set(DEFINITIONS)
    assert all(d.stage == "advocacy" for d in DEFINITIONS.values())


# ---------------------------------------------------------------- summary for pages / workbook


def test_advocacy_summary_and_kind() -> None:
    from kpi.advocacy import SURVEY_HINT, advocacy_summary, survey_kind

    survey = pl.DataFrame(
        {
            "score": [10.0, 9, 8, 6, 0, 10, 7, 3],
            "ts": [datetime(2025, 1, 5)] * 4 + [datetime(2025, 2, 5)] * 4,
            "device": ["desktop"] * 3 + ["mobile"] * 5,
        }
    )
    users = pl.DataFrame(
        {"user_id": ["a", "b", "c", "d"], "channel": ["referral", "ads", None, "Referral"]}
    )
    s = advocacy_summary(survey, users, by="device")
    assert s.kind == "nps" and survey_kind(survey) == "nps"
    # 3 promoters, 2 passives, 3 detractors of 8 -> 0
    assert (s.nps.promoters, s.nps.passives, s.nps.detractors, s.nps.nps) == (3, 2, 3, 0.0)
    assert s.over_time["n"].to_list() == [4, 4]
    by = dict(zip(s.by_segment["device"], s.by_segment["nps"], strict=True))
    assert by["desktop"] == pytest.approx(2 / 3) and by["mobile"] == pytest.approx(-2 / 5)
    assert s.referral.referred == 2 and s.referral.customers == 4
    # restricted to customers
    buyers = pl.DataFrame({"user_id": ["a", "b"]})
    assert advocacy_summary(survey, users, customers=buyers).referral.rate == 0.5
    # a 1-5 survey named CSAT reads as CSAT; the user may say CES
    five = pl.DataFrame({"score": [5.0, 4, 3, 1], "score_column": ["CSAT"] * 4})
    assert advocacy_summary(five).kind == "csat"
    assert advocacy_summary(five).scale.basis == "name"
    assert advocacy_summary(five).csat.csat == 0.5
    assert advocacy_summary(five, kind="ces").ces.ces == pytest.approx(3.25)
    # no survey: say which file would unlock it; no date: no trend, with a note
    assert advocacy_summary(None).notes == (SURVEY_HINT,)
    no_date = advocacy_summary(survey.drop("ts"))
    assert no_date.over_time is None and Fact("advocacy.note.no_dates") in no_date.notes
    no_seg = advocacy_summary(survey, by="country")
    assert no_seg.by_segment is None
    assert Fact("advocacy.note.no_segment", segment="country") in no_seg.notes


# ---------------------------------------------------------------- which scale


@pytest.mark.parametrize(
    ("column", "scores", "kind", "basis"),
    [
        # a 0–10 "how likely to recommend" survey whose answers happen to be 1–7: not CSAT
        ("score", [1.0, 4, 7, 6, 5, 7, 2], "nps", "assumed"),
        ("Note", [1.0, 4, 7, 6, 5, 7, 2], "nps", "assumed"),
        ("How likely are you to recommend us?", [1.0, 4, 7, 6, 5], "nps", "name"),
        ("NPS_score", [3.0, 5, 7], "nps", "name"),
        # the values say 0–10 unambiguously: a 0, or an answer above 7
        ("rating", [0.0, 3, 5], "nps", "values"),
        ("rating", [2.0, 9, 5], "nps", "values"),
        # CSAT / CES only when the name says so
        ("CSAT", [1.0, 5, 4, 4], "csat", "name"),
        ("Satisfaction (1-5)", [1.0, 5, 4], "csat", "name"),
        ("Customer effort", [1.0, 7, 2], "ces", "name"),
        ("CES", [1.0, 7, 2], "ces", "name"),
        ("services_rating", [1.0, 5, 3], "nps", "assumed"),  # 'ces' inside a word is not CES
    ],
)
def test_survey_scale_from_name_then_values_else_assumed(
    column: str, scores: list[float], kind: str, basis: str
) -> None:
    from kpi.advocacy import survey_scale

    survey = pl.DataFrame({"score": scores, "score_column": [column] * len(scores)})
    scale = survey_scale(survey)
    assert (scale.kind, scale.basis, scale.column) == (kind, basis, column)
    assert (scale.low, scale.high) == (min(scores), max(scores))
    assert scale.assumed == (basis == "assumed")


def test_the_dataset_keeps_the_score_header_for_the_scale() -> None:
    from kpi.advocacy import advocacy_summary
    from kpi.load import read_table
    from kpi.schema import TableInput, build_dataset

    csv = b"user_id,answered_at,likelihood_to_recommend\n" + b"".join(
        f"u{i},2025-03-{1 + i:02d},{1 + i % 7}\n".encode() for i in range(14)
    )
    t = read_table(csv, filename="survey.csv")
    ds = build_dataset([TableInput.from_table("survey.csv", t)])
    assert ds.survey is not None and ds.survey["score_column"][0] == "likelihood_to_recommend"
    s = advocacy_summary(ds.survey)
    assert s.kind == "nps" and s.scale.basis == "name" and s.csat is None
    plain = ds.survey.with_columns(pl.lit("score").alias("score_column"))
    s = advocacy_summary(plain)
    assert s.kind == "nps" and s.scale.assumed  # said, and the user may choose
    assert advocacy_summary(plain, kind="csat").scale.basis == "given"
