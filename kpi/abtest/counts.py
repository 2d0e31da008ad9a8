"""Counts from data: visitors, conversions (and revenue sums) per variant, from a table of
users, from counts typed or pasted by a person, and the planned split and control.

One row per user in, one row per variant (and segment) out, ready for
:func:`kpi.abtest.compare`, :func:`kpi.abtest.srm_check` and :func:`kpi.abtest.welch_from_sums`.
Every input row is accounted for: rows without a variant are dropped and counted, under a
reason code (``ab.rows.*``) rendered ``{n}`` rows at a time.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import polars as pl

from kpi.errors import InputError, SchemaError
from kpi.funnel import user_progress
from kpi.segments import with_top_values
from kpi.words import Fact

__all__ = [
    "VariantCounts",
    "ab_counts",
    "count_variants",
    "counts_from_table",
    "default_control",
    "mark_reached",
    "parse_counts_text",
    "parse_split",
    "variant_counts",
    "with_reached_step",
    "with_revenue",
]

_TRUE = ("true", "t", "yes", "y", "1", "1.0", "converted", "oui", "vrai")
_FALSE = ("false", "f", "no", "n", "0", "0.0", "not converted", "non", "faux", "")


@dataclass(frozen=True)
class VariantCounts:
    """The counts table plus what happened to every input row.

    ``dropped`` maps a reason code (``ab.rows.*``, rendered with ``n`` = the row count) to a
    row count (rows left out of ``table``); ``notes`` maps a reason code to a row count for
    rows kept but filled in (e.g. missing outcome counted as not converted).
    """

    table: pl.DataFrame
    rows_read: int
    rows_kept: int
    dropped: Mapping[str, int] = field(default_factory=dict)
    notes: Mapping[str, int] = field(default_factory=dict)


def need_column(frame: pl.DataFrame, column: str, role: str) -> None:
    """SchemaError when ``column`` (the ``role``: variant, outcome, segment, revenue, counts)
    is not in ``frame``."""
    if column not in frame.columns:
        raise SchemaError(
            Fact("ab.data.missing_column", role=Fact(f"ab.data.role.{role}"), column=column),
            Fact("ab.data.hint_pick", columns=list(frame.columns)),
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
                Fact(
                    "ab.data.outcome_numbers", column=outcome, rows=bad.height, example=str(example)
                ),
                Fact("ab.data.hint_outcome"),
            )
        return col.cast(pl.Boolean)
    if dtype == pl.String or dtype == pl.Categorical or dtype == pl.Enum:
        text = col.cast(pl.String).str.strip_chars().str.to_lowercase()
        bad = frame.filter(text.is_not_null() & ~text.is_in(_TRUE + _FALSE))
        if bad.height:
            raise SchemaError(
                Fact(
                    "ab.data.outcome_text",
                    column=outcome,
                    rows=bad.height,
                    example=str(bad[outcome][0]),
                ),
                Fact("ab.data.hint_outcome"),
            )
        return pl.when(text == "").then(None).otherwise(text.is_in(_TRUE))
    raise SchemaError(
        Fact("ab.data.outcome_type", column=outcome, dtype=str(dtype)),
        Fact("ab.data.hint_outcome"),
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
    need_column(users, variant, "variant")
    need_column(users, outcome, "outcome")
    if by is not None:
        need_column(users, by, "segment")
    if revenue is not None:
        need_column(users, revenue, "revenue")
        if not users.schema[revenue].is_numeric():
            raise SchemaError(
                Fact("ab.data.revenue_type", column=revenue, dtype=str(users.schema[revenue])),
                Fact("ab.data.hint_revenue"),
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
    dropped = {"ab.rows.no_variant": account["no_variant"]} if account["no_variant"] else {}
    notes = {}
    if account["no_outcome"]:
        notes["ab.rows.no_outcome"] = account["no_outcome"]
    if revenue is not None and account["no_rev"]:
        notes["ab.rows.no_revenue"] = account["no_rev"]
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


# --------------------------------------------------------------------------- typed-in counts

_NUMBER_JUNK = r"[\s\u00a0\u202f'_]"
_THOUSANDS = r"^\d{1,3}([.,]\d{3})+$"
_WHOLE = r"^\d+([.,]0+)?$"


def _count_expr(col: str) -> pl.Expr:
    """Text typed by a person -> whole count (null when it is not one).

    Spaces, apostrophes and underscores are ignored; ``44,700`` / ``1.234.567`` are read with
    thousands separators; ``12.0`` is 12.
    """
    text = pl.col(col).cast(pl.String).str.strip_chars().str.replace_all(_NUMBER_JUNK, "")
    return (
        pl.when(text.str.contains(_THOUSANDS))
        .then(text.str.replace_all(r"[.,]", ""))
        .when(text.str.contains(_WHOLE))
        .then(text.str.replace(r"[.,]0+$", ""))
        .otherwise(None)
        .cast(pl.Int64, strict=False)
    )


def counts_from_table(table: pl.DataFrame) -> pl.DataFrame:
    """Clean a typed-in or pasted table of (variant, visitors, conversions) into counts.

    The first three columns are read as name, visitors, conversions (any type: text such as
    ``44,700`` is accepted). Fully empty rows are ignored. Raises InputError listing every
    problem (missing or repeated names, text, fractions, negative counts, conversions above
    visitors, fewer than two groups). A group with 0 visitors is allowed (the tests explain it).
    Result: ``variant`` (String), ``visitors``, ``conversions`` (Int64), in the given order.
    """
    if table.width < 3:
        raise InputError(Fact("ab.typed.three_columns"), Fact("ab.typed.hint_row"))
    frame = table.select(
        pl.col(table.columns[0]).cast(pl.String).str.strip_chars().alias("variant"),
        pl.col(table.columns[1]).cast(pl.String).str.strip_chars().alias("_v"),
        pl.col(table.columns[2]).cast(pl.String).str.strip_chars().alias("_c"),
    ).with_row_index("_row", offset=1)
    blank = [pl.col(c).is_null() | (pl.col(c) == "") for c in ("variant", "_v", "_c")]
    frame = frame.filter(~pl.all_horizontal(blank))
    frame = frame.with_columns(visitors=_count_expr("_v"), conversions=_count_expr("_c"))
    problems: list[Fact] = []

    def rows(cond: pl.Expr) -> pl.DataFrame:
        return frame.filter(cond)

    def name(r: dict) -> Fact:
        if r["variant"]:
            return Fact("ab.typed.row_named", row=r["_row"], name=r["variant"])
        return Fact("ab.typed.row", row=r["_row"])

    for r in rows(pl.col("variant").is_null() | (pl.col("variant") == "")).iter_rows(named=True):
        problems.append(Fact("ab.typed.no_name", where=name(r)))
    dup = frame.filter(pl.col("variant").is_duplicated() & pl.col("variant").is_not_null())
    if dup.height:
        problems.append(Fact("ab.typed.name_twice", name=dup["variant"][0]))
    for raw, parsed in (("_v", "visitors"), ("_c", "conversions")):
        what = Fact(f"ab.typed.what.{parsed}")
        missing = pl.col(raw).is_null() | (pl.col(raw) == "")
        for r in rows(missing).iter_rows(named=True):
            problems.append(Fact("ab.typed.missing", where=name(r), what=what))
        negative = pl.col(raw).str.starts_with("-") & pl.col(raw).str.contains(r"\d")
        for r in rows(~missing & negative).iter_rows(named=True):
            problems.append(Fact("ab.typed.negative", where=name(r), what=what, got=r[raw]))
        bad = ~missing & ~negative & pl.col(parsed).is_null()
        for r in rows(bad).iter_rows(named=True):
            problems.append(Fact("ab.typed.not_whole", where=name(r), what=what, got=r[raw]))
    over = pl.col("conversions") > pl.col("visitors")
    for r in rows(over).iter_rows(named=True):
        problems.append(
            Fact(
                "ab.typed.more_conversions",
                where=name(r),
                conversions=r["conversions"],
                visitors=r["visitors"],
            )
        )
    if problems:
        raise InputError(
            Fact("ab.typed.unusable", problems=problems), Fact("ab.typed.hint_unusable")
        )
    if frame.height < 2:
        raise InputError(
            Fact("ab.typed.nothing" if frame.height == 0 else "ab.typed.only_one"),
            Fact("ab.typed.hint_two_groups"),
        )
    return frame.select("variant", "visitors", "conversions")


def parse_counts_text(text: str) -> pl.DataFrame:
    """A table pasted from Excel or typed as text -> :func:`counts_from_table`.

    One line per variant: name, visitors, conversions separated by tabs (Excel), semicolons
    or commas (the first of these found in the text). An optional header line is skipped;
    when it names the columns (``conversions`` before ``visitors``) they are reordered.
    """
    lines = [ln for ln in text.replace("\r\n", "\n").replace("\r", "\n").split("\n") if ln.strip()]
    if not lines:
        raise InputError(Fact("ab.typed.nothing_pasted"), Fact("ab.typed.hint_paste"))
    sep = next((s for s in ("\t", ";", ",") if s in text), None)
    if sep is None:
        sep = " "
        lines = [" ".join(ln.split()) for ln in lines]
    cells = [[c.strip() for c in ln.split(sep)] for ln in lines]
    bad = [i + 1 for i, c in enumerate(cells) if len(c) < 3]
    if bad:
        raise InputError(
            Fact("ab.typed.line_columns", line=bad[0]), Fact("ab.typed.hint_separators")
        )
    order = [0, 1, 2]
    head = [c.lower() for c in cells[0]]
    if pl.DataFrame({"x": head[1:3]}).select(_count_expr("x").is_null().all()).item():
        conv = next((i for i, h in enumerate(head) if "conv" in h or "success" in h), None)
        vis = next(
            (i for i, h in enumerate(head) if any(w in h for w in ("visit", "user", "sample"))),
            None,
        )
        if conv is not None and vis is not None and conv != vis:
            rest = [i for i in range(len(head)) if i not in (conv, vis)]
            order = [rest[0] if rest else 0, vis, conv]
        cells = cells[1:]
    frame = pl.DataFrame(
        {
            "variant": [c[order[0]] for c in cells],
            "visitors": [c[order[1]] for c in cells],
            "conversions": [c[order[2]] for c in cells],
        },
        schema={"variant": pl.String, "visitors": pl.String, "conversions": pl.String},
    )
    return counts_from_table(frame)


def parse_split(text: str | None, groups: int) -> tuple[float, ...]:
    """The planned traffic split: ``"50/50"``, ``"96/4"``, ``"1:1:1"`` -> shares (sum 1).

    Empty text means an equal split over ``groups``. Raises InputError when the number of
    shares differs from ``groups`` or a share is not a positive number.
    """
    if text is None or not text.strip():
        return tuple([1.0 / groups] * groups)
    parts = [p for p in re.split(r"[/:;,\s]+", text.strip().replace("%", "")) if p]
    try:
        values = [float(p) for p in parts]
    except ValueError:
        raise InputError(
            Fact("ab.split.not_numbers", split=text), Fact("ab.split.hint_format")
        ) from None
    if len(values) != groups:
        raise InputError(
            Fact("ab.split.count", split=text, shares=len(values), groups=groups),
            Fact("ab.split.hint_count"),
        )
    if any(not v > 0 or v != v or v == float("inf") for v in values):
        raise InputError(Fact("ab.split.positive", split=text))
    total = sum(values)
    return tuple(v / total for v in values)


_CONTROL_NAMES = ("control", "ctrl", "a", "baseline", "original", "old", "default", "0")


def default_control(names: Sequence[str]) -> str:
    """The likely control among ``names``: one called control/A/baseline…, else the first sorted."""
    if not names:
        raise InputError(Fact("ab.data.no_groups"))
    lower = {str(n).strip().lower(): str(n) for n in names}
    for candidate in _CONTROL_NAMES:
        if candidate in lower:
            return lower[candidate]
    return sorted(str(n) for n in names)[0]


# --------------------------------------------------------------------------- outcomes from events


def with_reached_step(
    users: pl.DataFrame,
    events: pl.DataFrame,
    steps: Sequence[str],
    step: str,
    *,
    window: dt.timedelta | None = None,
    order: Literal["sequential", "any"] = "sequential",
    column: str = "reached_step",
) -> pl.DataFrame:
    """``users`` plus a Boolean ``column``: did the user reach ``step`` of the funnel ``steps``?

    reached = steps_reached ≥ position of ``step`` (1-based), with steps_reached from
    :func:`kpi.funnel.user_progress` (in order, within ``window`` from step 1; a membership
    funnel without timestamps). Users without events did not reach it (False).
    """
    if step not in steps:
        raise InputError(
            Fact("ab.data.unknown_step", step=step), Fact("ab.data.hint_steps", steps=list(steps))
        )
    position = list(steps).index(step) + 1
    progress = user_progress(events, list(steps), window=window, order=order)
    return mark_reached(users, progress, position, column)


def mark_reached(
    users: pl.DataFrame, progress: pl.DataFrame, position: int, column: str = "reached_step"
) -> pl.DataFrame:
    """``users`` plus a Boolean ``column``: the user's ``steps_reached`` (one row per user of
    ``progress``) is at least ``position`` (1-based); False for users without events."""
    reached = progress.select(
        pl.col("user_id").cast(users.schema["user_id"]),
        (pl.col("steps_reached") >= position).alias(column),
    )
    return (
        users.drop(column, strict=False)
        .join(reached, on="user_id", how="left")
        .with_columns(pl.col(column).fill_null(False))
    )


def with_revenue(
    users: pl.DataFrame, events: pl.DataFrame, *, column: str = "revenue_per_user"
) -> pl.DataFrame:
    """``users`` plus ``column`` = Σ ``revenue`` of the user's events (0.0 without any)."""
    if "revenue" not in events.columns:
        raise SchemaError(Fact("ab.data.no_revenue"), Fact("ab.data.hint_no_revenue"))
    per_user = events.group_by("user_id").agg(
        pl.col("revenue").cast(pl.Float64).fill_null(0.0).sum().alias(column)
    )
    per_user = per_user.with_columns(pl.col("user_id").cast(users.schema["user_id"]))
    return (
        users.drop(column, strict=False)
        .join(per_user, on="user_id", how="left")
        .with_columns(pl.col(column).fill_null(0.0))
    )


def _joined_revenue(users: pl.DataFrame, per_user: pl.DataFrame, column: str) -> pl.DataFrame:
    """:func:`with_revenue` from the users' sums already computed (``revenue_per_user``)."""
    per_user = per_user.select(
        pl.col("user_id").cast(users.schema["user_id"]), pl.col("revenue_per_user").alias(column)
    )
    return (
        users.drop(column, strict=False)
        .join(per_user, on="user_id", how="left")
        .with_columns(pl.col(column).fill_null(0.0))
    )


def ab_counts(
    users: pl.DataFrame,
    events: pl.DataFrame | None = None,
    *,
    variant: str,
    flag: str | None = None,
    step: str | None = None,
    steps: Sequence[str] = (),
    window: dt.timedelta | None = None,
    by: str | None = None,
    top: int = 8,
    revenue: bool = False,
    progress: pl.DataFrame | None = None,
    revenue_per_user: pl.DataFrame | None = None,
) -> VariantCounts:
    """Counts per variant (and segment) for a conversion defined by a flag or a funnel step.

    conversion = the user's Boolean ``flag`` column, or "reached ``step``" of the funnel
    ``steps`` (:func:`with_reached_step`, sequential order, ``window`` from step 1). ``by``
    keeps its ``top`` values and groups the rest as "Other" (totals reconcile). With
    ``revenue``, Σ revenue per user from ``events`` gives ``revenue_sum``/``revenue_sumsq``.

    ``progress`` (``user_id``, ``steps_reached`` of the funnel ``steps`` with the same
    window, sequential: :func:`kpi.funnel.user_progress` of these events, or of a period's
    events holding them, since a user's progress depends on their own events only) and
    ``revenue_per_user`` (``user_id``, ``revenue_per_user``: Σ revenue of each user's events)
    may be given when already computed (:meth:`kpi.view.View.ab_counts`); the same counts.
    """
    if (flag is None) == (step is None):
        raise InputError(Fact("ab.data.choose_goal"))
    frame = users
    if step is not None:
        if events is None:
            raise SchemaError(Fact("ab.data.step_needs_events"), Fact("ab.data.hint_events"))
        if progress is None:
            frame = with_reached_step(frame, events, steps, step, window=window, column="_reached")
        else:
            if step not in steps:
                raise InputError(
                    Fact("ab.data.unknown_step", step=step),
                    Fact("ab.data.hint_steps", steps=list(steps)),
                )
            frame = mark_reached(frame, progress, list(steps).index(step) + 1, "_reached")
        outcome = "_reached"
    else:
        outcome = flag  # type: ignore[assignment]
    rev = None
    if revenue and events is not None and "revenue" in events.columns:
        if revenue_per_user is None:
            frame = with_revenue(frame, events, column="_revenue")
        else:
            frame = _joined_revenue(frame, revenue_per_user, "_revenue")
        rev = "_revenue"
    if by is not None:
        need_column(frame, by, "segment")
        frame = with_top_values(frame, by, top)
    return count_variants(frame, variant, outcome, by=by, revenue=rev)
