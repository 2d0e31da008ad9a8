"""A/B counts from a table of users: visitors, conversions (and revenue sums) per variant.

One row per user in, one row per variant (and segment) out, ready for
:func:`kpi.abtest.compare`, :func:`kpi.abtest.srm_check` and :func:`kpi.abtest.welch_from_sums`.
Every input row is accounted for: rows without a variant are dropped and counted.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import polars as pl

from kpi.errors import SchemaError

__all__ = ["VariantCounts", "count_variants", "variant_counts"]

_TRUE = ("true", "t", "yes", "y", "1", "1.0", "converted", "oui", "vrai")
_FALSE = ("false", "f", "no", "n", "0", "0.0", "not converted", "non", "faux", "")


@dataclass(frozen=True)
class VariantCounts:
    """The counts table plus what happened to every input row.

    ``dropped`` maps a reason to a row count (rows left out of ``table``);
    ``notes`` maps a reason to a row count for rows kept but filled in (e.g. missing
    outcome counted as not converted).
    """

    table: pl.DataFrame
    rows_read: int
    rows_kept: int
    dropped: Mapping[str, int] = field(default_factory=dict)
    notes: Mapping[str, int] = field(default_factory=dict)


def _need(frame: pl.DataFrame, column: str, role: str) -> None:
    if column not in frame.columns:
        raise SchemaError(
            f"The {role} column {column!r} is not in the table.",
            f"Pick one of: {', '.join(frame.columns)}.",
        )


def _outcome_expr(frame: pl.DataFrame, outcome: str) -> pl.Expr:
    """The outcome as Boolean (null kept), or SchemaError if it is not a yes/no column."""
    dtype = frame.schema[outcome]
    col = pl.col(outcome)
    if dtype == pl.Boolean:
        return col
    if dtype.is_numeric():
        bad = frame.filter(col.is_not_null() & ~col.is_in([0, 1]))
        if bad.height:
            example = bad[outcome][0]
            raise SchemaError(
                f"The outcome column {outcome!r} must hold 0/1 or yes/no; "
                f"{bad.height:,} rows hold other values (e.g. {example}).",
                "Choose a column that says whether each user converted.",
            )
        return col.cast(pl.Boolean)
    if dtype == pl.String or dtype == pl.Categorical or dtype == pl.Enum:
        text = col.cast(pl.String).str.strip_chars().str.to_lowercase()
        bad = frame.filter(text.is_not_null() & ~text.is_in(_TRUE + _FALSE))
        if bad.height:
            raise SchemaError(
                f"The outcome column {outcome!r} must hold yes/no values; "
                f"{bad.height:,} rows hold something else (e.g. {bad[outcome][0]!r}).",
                "Choose a column that says whether each user converted.",
            )
        return pl.when(text == "").then(None).otherwise(text.is_in(_TRUE))
    raise SchemaError(
        f"The outcome column {outcome!r} has type {dtype}, not yes/no.",
        "Choose a column that says whether each user converted.",
    )


def count_variants(
    users: pl.DataFrame,
    variant: str,
    outcome: str,
    *,
    by: str | None = None,
    revenue: str | None = None,
) -> VariantCounts:
    """Visitors and conversions per variant (and per ``by`` segment), with a row account.

    visitors = rows with a variant; conversions = rows whose ``outcome`` is true (bool,
    0/1 or yes/no text; a missing outcome counts as not converted and is noted); with
    ``revenue``: revenue_sum = Σ revenue, revenue_sumsq = Σ revenue² (missing revenue = 0,
    noted), the sufficient statistics of Welch's t-test. Rows without a variant are dropped
    and counted in ``dropped``. Sorted by segment then variant.
    """
    _need(users, variant, "variant")
    _need(users, outcome, "outcome")
    if by is not None:
        _need(users, by, "segment")
    if revenue is not None:
        _need(users, revenue, "revenue")
        if not users.schema[revenue].is_numeric():
            raise SchemaError(
                f"The revenue column {revenue!r} is not numeric ({users.schema[revenue]}).",
                "Choose a column of amounts, or fix its number format when loading.",
            )
    converted = _outcome_expr(users, outcome)
    keys = [by, variant] if by is not None else [variant]

    checks = [
        pl.len().alias("rows"),
        pl.col(variant).is_null().sum().alias("no_variant"),
        (converted.is_null() & pl.col(variant).is_not_null()).sum().alias("no_outcome"),
    ]
    if revenue is not None:
        checks.append(
            (pl.col(revenue).is_null() & pl.col(variant).is_not_null()).sum().alias("no_rev")
        )
    account = users.select(checks).row(0, named=True)

    aggs = [
        pl.len().cast(pl.Int64).alias("visitors"),
        converted.fill_null(False).sum().cast(pl.Int64).alias("conversions"),
    ]
    if revenue is not None:
        amount = pl.col(revenue).cast(pl.Float64).fill_null(0.0)
        aggs += [amount.sum().alias("revenue_sum"), (amount * amount).sum().alias("revenue_sumsq")]
    table = (
        users.lazy()
        .filter(pl.col(variant).is_not_null())
        .group_by(keys)
        .agg(aggs)
        .sort(keys, nulls_last=True)
        .collect()
    )
    dropped = {"no variant": account["no_variant"]} if account["no_variant"] else {}
    notes = {}
    if account["no_outcome"]:
        notes["missing outcome, counted as not converted"] = account["no_outcome"]
    if revenue is not None and account["no_rev"]:
        notes["missing revenue, counted as 0"] = account["no_rev"]
    return VariantCounts(
        table=table,
        rows_read=account["rows"],
        rows_kept=account["rows"] - account["no_variant"],
        dropped=dropped,
        notes=notes,
    )


def variant_counts(
    users: pl.DataFrame,
    variant: str,
    outcome: str,
    *,
    by: str | None = None,
    revenue: str | None = None,
) -> pl.DataFrame:
    """Columns [by], variant, visitors, conversions (+ revenue_sum, revenue_sumsq).

    The table of :func:`count_variants`; call that function to also get the rows dropped
    (no variant) and filled in (missing outcome or revenue).
    """
    return count_variants(users, variant, outcome, by=by, revenue=revenue).table
