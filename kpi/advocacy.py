"""Advocacy: NPS (with a confidence interval), CSAT, CES, referral rate.

Scores outside the scale (or not whole numbers) are never silently used: they are counted as
``invalid``, left out and reported; empty answers are counted as ``missing``. NPS is a fraction
from −1 to 1 in code (0.25); the page shows it as points from −100 to 100 (+25).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Literal

import polars as pl

from kpi.definitions import Definition
from kpi.errors import InputError
from kpi.periods import (
    Grain,
    check_grain,
    period_index,
    period_label,
    period_start,
    require_columns,
)
from kpi.segments import NONE, with_top_values
from kpi.words import Fact

DEFINITIONS: dict[str, Definition] = {
    "nps": Definition("number", "advocacy"),
    "csat": Definition("rate", "advocacy"),
    "ces": Definition("number", "advocacy"),
    "referral_rate": Definition("rate", "advocacy"),
}

Scores = pl.Series | Sequence[float | int | None]
#: channel values that mean a referral (lower-case substrings), in English and French exports
REFERRAL_WORDS = (
    "referral",
    "refer a friend",
    "referred",
    "word of mouth",
    "parrainage",
    "recommandation",
    "bouche à oreille",
    "bouche-à-oreille",
)


def _score_expr(survey: pl.DataFrame) -> pl.Expr:
    """The ``score`` column as Float64; text that is not a number becomes NaN, so that it is
    counted as invalid rather than as an empty answer."""
    col = pl.col("score")
    if survey.schema["score"] != pl.String:
        return col.cast(pl.Float64, strict=False)
    num = col.str.strip_chars().str.replace(",", ".", literal=True).cast(pl.Float64, strict=False)
    return (
        pl.when(col.is_not_null() & num.is_null()).then(float("nan")).otherwise(num).alias("score")
    )


def _series(scores: Scores) -> pl.Series:
    raw = scores if isinstance(scores, pl.Series) else pl.Series(list(scores), strict=False)
    frame = pl.DataFrame({"score": raw})
    return frame.select(_score_expr(frame)).to_series()


def points(x: float | None, decimals: int = 0) -> Fact | None:
    """An NPS (fraction) as signed points, ``+25`` / ``−8`` (``advocacy.points.*``)."""
    if x is None:
        return None
    sign = "plus" if x >= 0 else "minus"
    return Fact(f"advocacy.points{decimals}.{sign}", points=abs(x) * 100)


def _tail(skipped: list[Fact]) -> Fact:
    """The end of a sentence: a full stop, or the answers left out in brackets."""
    return Fact("advocacy.tail.skipped", skipped=skipped) if skipped else Fact("advocacy.tail.end")


def _valid(col: pl.Expr, low: int, high: int) -> pl.Expr:
    return col.is_not_null() & col.is_between(low, high) & (col == col.round(0))


# ---------------------------------------------------------------- NPS


@dataclass(frozen=True)
class Nps:
    """nps = promoters/n − detractors/n; CI from var = (p_pro + p_det − (p_pro − p_det)²) / n.

    Fields are None when there is no valid answer (``explanation`` says so).
    """

    n: int
    promoters: int
    passives: int
    detractors: int
    invalid: int
    missing: int
    promoter_share: float | None
    passive_share: float | None
    detractor_share: float | None
    nps: float | None
    ci_low: float | None
    ci_high: float | None
    confidence: float
    explanation: Fact


def _nps_counts(
    frame: pl.LazyFrame | pl.DataFrame, keys: list[str], confidence: float = 0.95
) -> pl.LazyFrame:
    s = pl.col("score")
    valid = _valid(s, 0, 10)
    aggs = [
        valid.sum().cast(pl.Int64).alias("n"),
        (valid & (s >= 9)).sum().cast(pl.Int64).alias("promoters"),
        (valid & s.is_between(7, 8)).sum().cast(pl.Int64).alias("passives"),
        (valid & (s <= 6)).sum().cast(pl.Int64).alias("detractors"),
        (s.is_not_null() & ~valid).sum().cast(pl.Int64).alias("invalid"),
        s.is_null().sum().cast(pl.Int64).alias("missing"),
    ]
    lazy = frame.lazy()
    grouped = lazy.group_by(keys) if keys else lazy
    counts = grouped.agg(aggs) if keys else lazy.select(aggs)
    return _with_nps(counts, confidence)


def _with_nps(counts: pl.LazyFrame, confidence: float) -> pl.LazyFrame:
    from scipy.stats import norm

    z = float(norm.ppf(0.5 + confidence / 2))
    n = pl.col("n")
    has = n > 0
    p_pro = pl.col("promoters") / n
    p_det = pl.col("detractors") / n
    score = p_pro - p_det
    # adjusted Wald (Rocks 2016): add 3 answers, 3/4 of a promoter and of a detractor, so
    # that all-promoter or all-passive samples still get an interval of honest width
    n_adj = n + 3
    a_pro = (pl.col("promoters") + 0.75) / n_adj
    a_det = (pl.col("detractors") + 0.75) / n_adj
    centre = a_pro - a_det
    half = z * ((a_pro + a_det - centre**2).clip(lower_bound=0) / n_adj).sqrt()
    return counts.with_columns(
        pl.when(has).then(p_pro).alias("promoter_share"),
        pl.when(has).then(pl.col("passives") / n).alias("passive_share"),
        pl.when(has).then(p_det).alias("detractor_share"),
        pl.when(has).then(score).alias("nps"),
        # the interval always contains the observed NPS (tiny samples can push it out)
        pl.when(has).then(pl.min_horizontal(centre - half, score).clip(-1.0, 1.0)).alias("ci_low"),
        pl.when(has).then(pl.max_horizontal(centre + half, score).clip(-1.0, 1.0)).alias("ci_high"),
    )


def nps(scores: Scores, *, confidence: float = 0.95) -> Nps:
    """Net Promoter Score of 0–10 answers, with a normal confidence interval.

    NPS = %promoters (9–10) − %detractors (0–6). CI: adjusted Wald (Rocks 2016, The American
    Statistician): with n' = n + 3, p' = (promoters + ¾)/n', d' = (detractors + ¾)/n',
    NPS' = p' − d', var = (p' + d' − NPS'²)/n', CI = NPS' ± z·√var, widened to contain the
    observed NPS and clipped to [−1, 1]. Unlike the plain Wald interval it does not collapse
    to a point when every answer is a promoter (or a passive).
    """
    if not 0 < confidence < 1:
        raise InputError(Fact("advocacy.error.confidence", confidence=confidence))
    frame = pl.DataFrame({"score": _series(scores)})
    row = _nps_counts(frame, [], confidence).collect().row(0, named=True)
    skipped = []
    if row["invalid"]:
        skipped.append(Fact("advocacy.skipped.invalid", n=row["invalid"], low=0, high=10))
    if row["missing"]:
        skipped.append(Fact("advocacy.skipped.missing", n=row["missing"]))
    tail = _tail(skipped)
    if row["n"] == 0:
        text = Fact("advocacy.nps.none", tail=tail)
    else:
        text = Fact(
            "advocacy.nps.explanation",
            nps=points(row["nps"]),
            n=row["n"],
            promoters=row["promoter_share"],
            detractors=row["detractor_share"],
            level=round(confidence * 100),
            low=points(row["ci_low"]),
            high=points(row["ci_high"]),
            tail=tail,
        )
    return Nps(
        n=row["n"],
        promoters=row["promoters"],
        passives=row["passives"],
        detractors=row["detractors"],
        invalid=row["invalid"],
        missing=row["missing"],
        promoter_share=row["promoter_share"],
        passive_share=row["passive_share"],
        detractor_share=row["detractor_share"],
        nps=row["nps"],
        ci_low=row["ci_low"],
        ci_high=row["ci_high"],
        confidence=confidence,
        explanation=text,
    )


_NPS_COLUMNS = [
    "n",
    "promoters",
    "passives",
    "detractors",
    "invalid",
    "missing",
    "promoter_share",
    "passive_share",
    "detractor_share",
    "nps",
    "ci_low",
    "ci_high",
]


def nps_over_time(survey: pl.DataFrame, grain: Grain = "month") -> pl.DataFrame:
    """NPS per calendar period of the answer date (95 % CI), oldest first.

    Columns: ``period`` (label), ``period_start`` (Date), then n, promoters, passives,
    detractors, invalid, missing, the three shares, ``nps``, ``ci_low``, ``ci_high``. Answers
    without a date are left out.
    """
    check_grain(grain)
    require_columns(survey, ["score", "ts"], Fact("advocacy.what.nps_over_time"))
    frame = (
        survey.lazy()
        .filter(pl.col("ts").is_not_null())
        .select(
            _score_expr(survey),
            period_index(pl.col("ts"), grain).alias("_pidx"),
        )
    )
    start = period_start(pl.col("_pidx"), grain)
    return (
        _nps_counts(frame, ["_pidx"])
        .sort("_pidx")
        .select(
            period_label(start, grain).alias("period"), start.alias("period_start"), *_NPS_COLUMNS
        )
        .collect()
    )


def nps_by(survey: pl.DataFrame, by: str) -> pl.DataFrame:
    """NPS per segment value (95 % CI). Columns: ``by``, then as :func:`nps_over_time`."""
    require_columns(survey, ["score", by], Fact("advocacy.what.nps_by"))
    frame = survey.lazy().select(
        pl.col(by).cast(pl.String).fill_null(NONE),
        _score_expr(survey),
    )
    return _nps_counts(frame, [by]).sort(by).select(by, *_NPS_COLUMNS).collect()


# ---------------------------------------------------------------- CSAT, CES


def _scale_of(s: pl.Series, scale: int | Literal["auto"], allowed: tuple[int, ...]) -> int:
    if scale != "auto":
        if scale not in allowed:
            raise InputError(
                Fact("advocacy.error.scale", scale=scale),
                Fact("advocacy.hint.scale", allowed=[f"1–{a}" for a in allowed]),
            )
        return int(scale)
    top = s.drop_nulls().max()
    if top is None or float(top) <= 5:  # type: ignore[arg-type]
        return 5
    if float(top) <= 7:  # type: ignore[arg-type]
        return 7
    raise InputError(
        Fact("advocacy.error.above_seven", top=float(top)),  # type: ignore[arg-type]
        Fact("advocacy.hint.read_as_nps"),
    )


@dataclass(frozen=True)
class Csat:
    """csat = satisfied (top two boxes: 4–5 of 5, 6–7 of 7) ÷ n valid answers."""

    n: int
    satisfied: int
    invalid: int
    csat: float | None
    scale: int
    explanation: Fact


def csat(scores: Scores, scale: int | Literal["auto"] = 5) -> Csat:
    """CSAT = share of answers in the top two boxes of a 1–5 or 1–7 scale (``"auto"`` picks
    1–5 when no answer exceeds 5, else 1–7)."""
    s = _series(scores)
    size = _scale_of(s, scale, (5, 7))
    frame = pl.DataFrame({"score": s})
    col = pl.col("score")
    valid = _valid(col, 1, size)
    row = frame.select(
        valid.sum().alias("n"),
        (valid & (col >= size - 1)).sum().alias("sat"),
        (col.is_not_null() & ~valid).sum().alias("bad"),
    ).row(0)
    n, sat, bad = (int(v) for v in row)
    tail = _tail([Fact("advocacy.skipped.invalid", n=bad, low=1, high=size)] if bad else [])
    if n == 0:
        return Csat(0, 0, bad, None, size, Fact("advocacy.csat.none", scale=size, tail=tail))
    rate = sat / n
    return Csat(
        n, sat, bad, rate, size,
        Fact(
            "advocacy.csat.explanation",
            satisfied=sat, n=n, low=size - 1, scale=size, rate=rate, tail=tail,
        ),
    )  # fmt: skip


@dataclass(frozen=True)
class Ces:
    """ces = mean of n valid answers on a 1–``scale`` effort scale."""

    n: int
    invalid: int
    ces: float | None
    scale: int
    explanation: Fact


def ces(scores: Scores, scale: int | Literal["auto"] = 7) -> Ces:
    """Customer effort score = mean effort answer on a 1–7 (default) or 1–5 scale."""
    s = _series(scores)
    size = _scale_of(s, scale, (5, 7))
    col = pl.col("score")
    valid = _valid(col, 1, size)
    row = pl.DataFrame({"score": s}).select(
        valid.sum().alias("n"),
        col.filter(valid).mean().alias("mean"),
        (col.is_not_null() & ~valid).sum().alias("bad"),
    )
    n, mean, bad = row.row(0)
    tail = _tail([Fact("advocacy.skipped.invalid", n=int(bad), low=1, high=size)] if bad else [])
    if not n:
        return Ces(0, int(bad), None, size, Fact("advocacy.ces.none", scale=size, tail=tail))
    return Ces(
        int(n), int(bad), float(mean), size,
        Fact("advocacy.ces.explanation", mean=float(mean), scale=size, n=int(n), tail=tail),
    )  # fmt: skip


# ---------------------------------------------------------------- referral


@dataclass(frozen=True)
class Referral:
    """rate = referred customers ÷ customers; ``rule`` says what counted as a referral."""

    customers: int
    referred: int
    rate: float | None
    rule: Fact
    explanation: Fact


def referral_rate(
    users: pl.DataFrame,
    *,
    channel_col: str | None = "channel",
    flag_col: str | None = None,
    referral_words: Sequence[str] = REFERRAL_WORDS,
) -> Referral:
    """Referral rate = customers who came via a referral ÷ customers (rows of ``users``).

    With ``flag_col``: referred when the flag is true (true/1/yes). Otherwise referred when
    the channel, lower-cased, contains one of ``referral_words``.
    """
    if flag_col is not None:
        require_columns(users, [flag_col], Fact("advocacy.what.referral"))
        col = pl.col(flag_col)
        dtype = users.schema[flag_col]
        if dtype == pl.Boolean:
            hit = col.fill_null(False)
        elif dtype.is_numeric():
            hit = col.fill_null(0) != 0
        else:
            hit = (
                col.cast(pl.String)
                .str.strip_chars()
                .str.to_lowercase()
                .is_in(["true", "1", "yes", "y", "oui", "x"])
                .fill_null(False)
            )
        rule = Fact("advocacy.referral.rule_flag", column=flag_col)
    elif channel_col is not None:
        require_columns(users, [channel_col], Fact("advocacy.what.referral"))
        text = pl.col(channel_col).cast(pl.String).str.to_lowercase()
        hit = pl.any_horizontal(
            [text.str.contains(w.lower(), literal=True) for w in referral_words]
        ).fill_null(False)
        rule = channel_rule(channel_col, referral_words)
    else:
        raise InputError(Fact("advocacy.error.referral_column"))
    if "user_id" in users.columns:
        per = users.group_by("user_id").agg(hit.any().alias("_hit"))
    else:
        per = users.select(hit.alias("_hit"))
    return referral_from_counts(per.height, int(per["_hit"].sum()) if per.height else 0, rule)


def channel_rule(
    channel_col: str = "channel", referral_words: Sequence[str] = REFERRAL_WORDS
) -> Fact:
    """What counts as a referral by channel (a fact): the channel contains one of the words."""
    return Fact("advocacy.referral.rule_channel", column=channel_col, words=list(referral_words))


def referral_from_counts(customers: int, referred: int, rule: Fact) -> Referral:
    """The :class:`Referral` of the counts (an engine counts them where the data lives)."""
    if customers == 0:
        return Referral(0, 0, None, rule, Fact("advocacy.referral.none"))
    rate = referred / customers
    return Referral(
        customers, referred, rate, rule,
        Fact("advocacy.referral.explanation", referred=referred, customers=customers, rate=rate),
    )  # fmt: skip


# ---------------------------------------------------------------- page / workbook summary

#: what to upload to see NPS (a fact)
SURVEY_HINT = Fact("advocacy.survey_hint")
SurveyKind = Literal["nps", "csat", "ces"]


_NAME_WORDS: tuple[tuple[SurveyKind, tuple[str, ...]], ...] = (
    ("ces", ("ces", "effort", "customereffort", "facilite", "easeof")),
    ("csat", ("csat", "satisf", "satisfaction", "contentement")),
    ("nps", ("nps", "recommend", "recommand", "likelihood", "promoter", "netpromoter")),
)


@dataclass(frozen=True)
class SurveyScale:
    """What a survey score measures and how that was decided.

    ``basis``: ``"name"`` (the column's name says NPS, CSAT or CES), ``"values"`` (an answer of
    0 or above 7 can only be a 0–10 NPS scale), ``"assumed"`` (neither: the kind is assumed,
    the page says so and lets the user choose) or ``"given"`` (the user chose).
    ``low``/``high``: the smallest and largest answer.
    """

    kind: SurveyKind
    basis: Literal["name", "values", "assumed", "given"]
    column: str | None
    low: float | None
    high: float | None

    @property
    def assumed(self) -> bool:
        return self.basis == "assumed"


def _name_kind(name: str | None) -> SurveyKind | None:
    if not name:
        return None
    key = "".join(ch for ch in name.lower() if ch.isalnum())
    for kind, words in _NAME_WORDS:
        if any(key.startswith(w) or (len(w) > 3 and w in key) for w in words):
            return kind
    return None


def survey_scale(survey: pl.DataFrame, *, column: str | None = None) -> SurveyScale:
    """What the ``score`` column measures. CSAT or CES only when the column's name says so
    (csat, satisfaction, ces, effort); NPS when the name says NPS / recommend, or when an
    answer is 0 or above 7 (only a 0–10 scale has those); otherwise assumed NPS (0–10), and
    ``basis == "assumed"``: a 0–10 survey whose answers happen to be 1–7 is not silently read
    as CSAT. ``column`` is the score's original header (default: the ``score_column`` the
    Dataset keeps, else the column's own name)."""
    if column is None and "score_column" in survey.columns and survey.height:
        column = survey["score_column"].drop_nulls().first()  # type: ignore[assignment]
    s = survey.select(_score_expr(survey)).to_series().drop_nulls().drop_nans()
    low = float(s.min()) if s.len() else None  # type: ignore[arg-type]
    high = float(s.max()) if s.len() else None  # type: ignore[arg-type]
    by_name = _name_kind(column)
    if by_name is not None:
        return SurveyScale(by_name, "name", column, low, high)
    if low is not None and high is not None and (low < 1 or high > 7):
        return SurveyScale("nps", "values", column, low, high)
    return SurveyScale("nps", "assumed", column, low, high)


def survey_kind(survey: pl.DataFrame, *, column: str | None = None) -> SurveyKind:
    """The kind of :func:`survey_scale` (NPS, CSAT or CES)."""
    return survey_scale(survey, column=column).kind


def referral_flag(users: pl.DataFrame) -> str | None:
    """A boolean user column that marks referrals (``referred``, ``is_referral``...), if any."""
    for col, dtype in users.schema.items():
        low = col.lower()
        if dtype == pl.Boolean and ("referr" in low or "referral" in low):
            return col
    return None


@dataclass(frozen=True)
class AdvocacySummary:
    """Everything the Advocacy page (and the workbook) shows about advocacy.

    ``kind``: what the survey score measures; ``nps`` / ``over_time`` / ``by_segment`` are
    filled for NPS surveys (``over_time`` needs answer dates, ``by_segment`` a segment column
    on the survey); ``csat`` / ``ces`` for those scales; ``referral`` when the users have a
    referral flag or a channel; ``notes``: what is missing and which file would unlock it
    (facts).
    """

    kind: SurveyKind | None
    nps: Nps | None
    over_time: pl.DataFrame | None
    by_segment: pl.DataFrame | None
    by: str | None
    csat: Csat | None
    ces: Ces | None
    referral: Referral | None
    notes: tuple[Fact, ...]
    scale: SurveyScale | None = None


def advocacy_summary(
    survey: pl.DataFrame | None,
    users: pl.DataFrame | None = None,
    *,
    kind: SurveyKind | Literal["auto"] = "auto",
    by: str | None = None,
    grain: Grain = "month",
    confidence: float = 0.95,
    customers: pl.DataFrame | None = None,
    top: int = 8,
) -> AdvocacySummary:
    """NPS (CI, shares, over time, per segment) or CSAT / CES of the survey, and the referral
    rate of ``users`` (restricted to ``customers``' ``user_id`` when given).

    ``kind="auto"`` uses :func:`survey_kind`. ``by`` is a segment column of the survey (the
    Dataset joins user segments onto answers that carry a user id), cut to its ``top`` values
    (by answers) + "Other".
    """
    notes: list[Fact] = []
    nps_res = over = seg = None
    csat_res = ces_res = scale = None
    chosen: SurveyKind | None = None
    if survey is None or survey.height == 0 or "score" not in survey.columns:
        notes.append(SURVEY_HINT)
    else:
        scale = survey_scale(survey)
        if kind != "auto":
            scale = replace(scale, kind=kind, basis="given")
        chosen = scale.kind
        if chosen == "nps":
            nps_res = nps(survey["score"], confidence=confidence)
            if "ts" in survey.columns and survey["ts"].null_count() < survey.height:
                over = nps_over_time(survey, grain)
            else:
                notes.append(Fact("advocacy.note.no_dates"))
            if by and by in survey.columns:
                seg = nps_by(with_top_values(survey, by, top), by)
            elif by:
                notes.append(Fact("advocacy.note.no_segment", segment=by))
        elif chosen == "csat":
            csat_res = csat(survey["score"], "auto")
        else:
            ces_res = ces(survey["score"], "auto")
    referral = None
    if users is not None and users.height:
        pool = users
        if customers is not None and "user_id" in users.columns:
            pool = users.join(customers.select("user_id").unique(), on="user_id", how="semi")
        flag = referral_flag(users)
        if flag is not None:
            referral = referral_rate(pool, flag_col=flag)
        elif "channel" in users.columns:
            referral = referral_rate(pool, channel_col="channel")
        else:
            notes.append(Fact("advocacy.note.no_referral_column"))
    return AdvocacySummary(
        chosen, nps_res, over, seg, by, csat_res, ces_res, referral, tuple(notes), scale
    )
