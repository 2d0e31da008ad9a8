"""An A/B summary file: one row per variant (or per variant and day or segment) with
visitors, conversions and optional revenue sums, read as counts (:func:`summary_counts`), and
the same from the canonical ``Dataset.counts`` table (:func:`summary_from_counts`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import polars as pl

from kpi.abtest.assignment import MAX_ARMS_NAMED, Assignment, assignment_columns, name_words

__all__ = ["SummaryCounts", "summary_counts", "summary_from_counts"]

_VISITOR_NAMES = (
    "visitors", "visitor", "unique_visitors", "users", "unique_users", "sessions", "visits",
    "participants", "exposures", "exposed", "samples", "sample_size", "n", "trials", "views",
    "impressions", "visiteurs", "utilisateurs", "nb_visiteurs", "sessions_count",
)  # fmt: skip
_CONVERSION_NAMES = (
    "conversions", "conversion", "converted", "conversions_count", "successes", "success",
    "purchases", "orders", "buyers", "signups", "subscriptions", "subscribed", "x", "achats",
    "commandes", "acheteurs", "inscriptions",
)  # fmt: skip
_REVENUE_NAMES = (
    "revenue", "revenue_sum", "sum_revenue", "revenue_total", "total_revenue", "sales",
    "amount", "value", "chiffre_d_affaires", "ca", "montant", "revenus",
)  # fmt: skip
_SUMSQ_NAMES = (
    "revenue_sumsq", "revenue_sq_sum", "revenue_sum_sq", "revenue_sum_squares",
    "revenue_squared", "sum_revenue_sq", "sum_revenue_squared", "revenue2", "revenue_sq",
    "sumsq", "sum_sq", "sum_of_squares",
)  # fmt: skip
_SD_NAMES = ("revenue_sd", "revenue_std", "revenue_stdev", "sd_revenue", "std_revenue")


@dataclass(frozen=True)
class SummaryCounts:
    """An aggregated A/B table, ready for :func:`kpi.abtest.analyse`.

    ``table``: ``variant`` (String), the ``segments`` columns, ``visitors``, ``conversions``
    (Int64) and, when the file has them, ``revenue_sum`` and ``revenue_sumsq`` (Float64),
    summed over repeated rows (e.g. one row per day). ``columns`` maps each of these roles to
    the file's own column name; ``rows_summed`` is how many input rows were added up;
    ``dropped`` maps a reason code (``ab.rows.*``) to a row count; ``revenue`` is "sums" (Welch's test possible),
    "total" (revenue but no spread: revenue per visitor only) or None.
    """

    table: pl.DataFrame
    assignment: Assignment
    columns: Mapping[str, str]
    segments: tuple[str, ...] = ()
    rows_read: int = 0
    rows_kept: int = 0
    rows_summed: int = 0
    dropped: Mapping[str, int] = field(default_factory=dict)
    revenue: str | None = None


def _norm(name: str) -> str:
    return "_".join(name_words(name))


def _find(columns: Mapping[str, str], names: Sequence[str]) -> str | None:
    for n in names:
        if n in columns:
            return columns[n]
    return None


_TIME_WORDS = frozenset(
    {"date", "day", "jour", "week", "semaine", "month", "mois", "time", "timestamp", "ts",
     "period", "periode", "période", "hour", "heure", "year", "annee", "année"}
)  # fmt: skip
_ID_WORDS = frozenset({"id", "uid", "userid", "user", "customer", "client", "email", "visitor"})


def _is_id(column: str) -> bool:
    """``user_id``, ``userid``, ``customer id``, ``Identifiant`` …: a per-person table."""
    words = name_words(column)
    joined = "".join(words)
    return (
        bool(words and words[-1] in {"id", "uid", "identifiant", "email"})
        or joined in {"userid", "customerid", "clientid", "visitorid", "identifiant", "email"}
        or (len(words) >= 2 and words[0] in _ID_WORDS and words[-1] in {"id", "key", "number"})
    )


def summary_counts(frame: pl.DataFrame) -> SummaryCounts | None:
    """The A/B summary in ``frame`` (``variant, visitors, conversions`` …), or None.

    Needs an assignment column (:func:`assignment_columns`), a visitors column and a
    conversions column (by name: visitors/users/sessions/participants…, conversions/
    converted/purchases/orders…), both numeric. Optional: a revenue total per row (revenue,
    revenue_sum, sales…), its sum of squares (revenue_sumsq, revenue_sq_sum…) or a standard
    deviation per visitor (revenue_sd: Σx² = (n − 1)·sd² + (Σx)²/n). Other text columns with
    at most :data:`MAX_ARMS_NAMED` values are kept as segments; a date column is summed over.
    Rows without a variant, without counts, with negative counts or with more conversions
    than visitors are dropped and counted. A table with a user (or customer, order) id
    column is a table of people, not a summary: None.
    """
    if frame.height == 0 or frame.width < 3:
        return None
    if any(_is_id(c) for c in frame.columns):
        return None  # one row per user (or order): counts are made from it, not read
    numeric = {
        _norm(c): c for c in frame.columns if frame.schema[c].is_numeric() and frame[c].len()
    }
    visitors = _find(numeric, _VISITOR_NAMES)
    conversions = _find(numeric, _CONVERSION_NAMES)
    if visitors is None or conversions is None or visitors == conversions:
        return None
    candidates = assignment_columns(frame)
    if not candidates:
        return None
    assignment = candidates[0]
    variant = assignment.column
    revenue = _find(numeric, _REVENUE_NAMES)
    sumsq = _find(numeric, _SUMSQ_NAMES)
    sd = _find(numeric, _SD_NAMES)
    used = {variant, visitors, conversions, revenue, sumsq, sd}
    segments = tuple(
        c
        for c in frame.columns
        if c not in used
        and not set(name_words(c)) & _TIME_WORDS
        and frame.schema[c] in (pl.String, pl.Categorical, pl.Enum)
        and 2 <= frame[c].drop_nulls().n_unique() <= MAX_ARMS_NAMED
        and frame[c].drop_nulls().n_unique() < frame.height
    )
    n, x = pl.col(visitors).cast(pl.Float64), pl.col(conversions).cast(pl.Float64)
    reasons = {
        "ab.rows.no_variant": pl.col(variant).is_null() | (pl.col(variant).cast(pl.String) == ""),
        "ab.rows.missing_counts": n.is_null() | x.is_null(),
        "ab.rows.negative": (n < 0) | (x < 0),
        "ab.rows.not_whole": (n != n.round(0)) | (x != x.round(0)),
        "ab.rows.more_conversions": x > n,
    }
    dropped: dict[str, int] = {}
    keep = pl.lit(True)
    for reason, bad in reasons.items():
        count = frame.select((keep & bad.fill_null(False)).sum()).item()
        if count:
            dropped[reason] = int(count)
        keep = keep & ~bad.fill_null(False)
    kept = frame.filter(keep)
    cols = [
        pl.col(variant).cast(pl.String).str.strip_chars().alias("variant"),
        *(pl.col(s).cast(pl.String).fill_null("(none)").alias(s) for s in segments),
        n.round(0).cast(pl.Int64).alias("visitors"),
        x.round(0).cast(pl.Int64).alias("conversions"),
    ]
    kind = None
    roles = {"variant": variant, "visitors": visitors, "conversions": conversions}
    if revenue is not None:
        rev = pl.col(revenue).cast(pl.Float64).fill_null(0.0)
        cols.append(rev.alias("revenue_sum"))
        roles["revenue_sum"] = revenue
        kind = "total"
        if sumsq is not None:
            cols.append(pl.col(sumsq).cast(pl.Float64).alias("revenue_sumsq"))
            roles["revenue_sumsq"] = sumsq
            kind = "sums"
        elif sd is not None:
            s = pl.col(sd).cast(pl.Float64)
            cols.append(
                ((n - 1).clip(lower_bound=0) * s * s + rev * rev / n).alias("revenue_sumsq")
            )
            roles["revenue_sd"] = sd
            kind = "sums"
    keys = ["variant", *segments]
    table = (
        kept.select(cols)
        .group_by(keys, maintain_order=True)
        .agg(pl.exclude(keys).sum())
        .sort(keys, maintain_order=True)
    )
    if table["variant"].n_unique() < 2:
        return None
    return SummaryCounts(
        table=table,
        assignment=assignment,
        columns=roles,
        segments=segments,
        rows_read=frame.height,
        rows_kept=kept.height,
        rows_summed=kept.height,
        dropped=dropped,
        revenue=kind,
    )


def summary_from_counts(counts: pl.DataFrame | None) -> SummaryCounts | None:
    """:func:`summary_counts` of the canonical ``Dataset.counts`` (segments, step, users).

    The steps become columns (``visitors``, ``conversions`` …), one row per segment values;
    None when the counts are not an A/B summary.
    """
    if counts is None or counts.height == 0 or not {"step", "users"} <= set(counts.columns):
        return None
    index = [c for c in counts.columns if c not in ("step", "users", "ts")]
    if not index:
        return None
    wide = (
        counts.group_by([*index, "step"], maintain_order=True)
        .agg(pl.col("users").sum())
        .pivot(on="step", index=index, values="users")
    )
    return summary_counts(wide)
