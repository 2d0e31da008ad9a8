"""A/B counts from a table of users: visitors, conversions (and revenue sums) per variant.

One row per user in, one row per variant (and segment) out, ready for
:func:`kpi.abtest.compare`, :func:`kpi.abtest.srm_check` and :func:`kpi.abtest.welch_from_sums`.
Every input row is accounted for: rows without a variant are dropped and counted.

For the A/B page and the CLI: :func:`parse_counts_text` / :func:`counts_from_table` read
counts typed or pasted by a person, :func:`parse_split` the planned traffic split,
:func:`ab_counts` builds counts from a Dataset's users and events (a yes/no flag or "reached
step X" of the funnel, revenue per user), :func:`analyse` computes every statistic of the page
and :func:`ab_export` / :func:`ab_summary_rows` turn it into a plain dict / sheet rows.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import polars as pl

from kpi.abplan import Plan, mde_for_sample
from kpi.abtest import (
    DEFINITIONS,
    ABResult,
    Arm,
    ManyResult,
    SequentialResult,
    SimpsonCheck,
    SRMCheck,
    Verdict,
    WelchResult,
    adjust_p_values,
    compare,
    compare_many,
    sequential,
    simpson_check,
    srm_check,
    verdict,
    welch_from_sums,
)
from kpi.errors import InputError, SchemaError
from kpi.funnel import user_progress
from kpi.segments import with_top_values

__all__ = [
    "ABAnalysis",
    "VariantCounts",
    "ab_counts",
    "ab_export",
    "ab_summary_rows",
    "analyse",
    "count_variants",
    "counts_from_table",
    "default_control",
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
        raise InputError(
            "The table needs three columns: name, visitors, conversions.",
            "Type one row per variant, e.g. 'A, 10000, 500'.",
        )
    frame = table.select(
        pl.col(table.columns[0]).cast(pl.String).str.strip_chars().alias("variant"),
        pl.col(table.columns[1]).cast(pl.String).str.strip_chars().alias("_v"),
        pl.col(table.columns[2]).cast(pl.String).str.strip_chars().alias("_c"),
    ).with_row_index("_row", offset=1)
    blank = [pl.col(c).is_null() | (pl.col(c) == "") for c in ("variant", "_v", "_c")]
    frame = frame.filter(~pl.all_horizontal(blank))
    frame = frame.with_columns(visitors=_count_expr("_v"), conversions=_count_expr("_c"))
    problems: list[str] = []

    def rows(cond: pl.Expr) -> pl.DataFrame:
        return frame.filter(cond)

    def name(r: dict) -> str:
        return f"row {r['_row']}" + (f" ({r['variant']})" if r["variant"] else "")

    for r in rows(pl.col("variant").is_null() | (pl.col("variant") == "")).iter_rows(named=True):
        problems.append(f"{name(r)} has no name")
    dup = frame.filter(pl.col("variant").is_duplicated() & pl.col("variant").is_not_null())
    if dup.height:
        problems.append(f"the name {dup['variant'][0]!r} is used twice")
    for raw, parsed, what in (("_v", "visitors", "visitors"), ("_c", "conversions", "conversions")):
        missing = pl.col(raw).is_null() | (pl.col(raw) == "")
        for r in rows(missing).iter_rows(named=True):
            problems.append(f"{name(r)} has no {what}")
        negative = pl.col(raw).str.starts_with("-") & pl.col(raw).str.contains(r"\d")
        for r in rows(~missing & negative).iter_rows(named=True):
            problems.append(f"{name(r)}: {what} cannot be negative ({r[raw]})")
        bad = ~missing & ~negative & pl.col(parsed).is_null()
        for r in rows(bad).iter_rows(named=True):
            problems.append(f"{name(r)}: {what} {r[raw]!r} is not a whole number")
    over = pl.col("conversions") > pl.col("visitors")
    for r in rows(over).iter_rows(named=True):
        problems.append(
            f"{name(r)} has more conversions ({r['conversions']:,}) than visitors "
            f"({r['visitors']:,}); are the two columns swapped?"
        )
    if problems:
        raise InputError(
            "The numbers typed in cannot be used: " + "; ".join(problems) + ".",
            "Type one row per variant: a name, the visitors (people who saw it) and the "
            "conversions (people who converted), as whole numbers.",
        )
    if frame.height < 2:
        raise InputError(
            "A test needs at least two groups; "
            + ("nothing was typed in." if frame.height == 0 else "only one was typed in."),
            "Add a row for the control and one for each variant.",
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
        raise InputError("Nothing was pasted.", "Paste lines like 'A<TAB>10000<TAB>500'.")
    sep = next((s for s in ("\t", ";", ",") if s in text), None)
    if sep is None:
        sep = " "
        lines = [" ".join(ln.split()) for ln in lines]
    cells = [[c.strip() for c in ln.split(sep)] for ln in lines]
    bad = [i + 1 for i, c in enumerate(cells) if len(c) < 3]
    if bad:
        raise InputError(
            f"Line {bad[0]} of the pasted table does not have three columns "
            "(name, visitors, conversions).",
            "Separate the columns with tabs, semicolons or commas; write 44700, not 44,700, "
            "when commas separate the columns.",
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
            f"The planned split {text!r} is not a list of numbers.",
            "Write the shares separated by '/', e.g. 50/50 or 96/4 or 34/33/33.",
        ) from None
    if len(values) != groups:
        raise InputError(
            f"The planned split {text!r} has {len(values)} shares but there are {groups} groups.",
            "Give one share per group, in the order of the table.",
        )
    if any(not v > 0 or v != v or v == float("inf") for v in values):
        raise InputError(f"The planned split {text!r} must hold positive numbers only.")
    total = sum(values)
    return tuple(v / total for v in values)


_CONTROL_NAMES = ("control", "ctrl", "a", "baseline", "original", "old", "default", "0")


def default_control(names: Sequence[str]) -> str:
    """The likely control among ``names``: one called control/A/baseline…, else the first sorted."""
    if not names:
        raise InputError("There are no groups to choose a control from.")
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
            f"The step {step!r} is not one of the funnel steps.",
            f"Pick one of: {', '.join(steps)}.",
        )
    position = list(steps).index(step) + 1
    progress = user_progress(events, list(steps), window=window, order=order)
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
        raise SchemaError(
            "The events have no revenue column.",
            "Upload orders or events with an amount to compare revenue per visitor.",
        )
    per_user = events.group_by("user_id").agg(
        pl.col("revenue").cast(pl.Float64).fill_null(0.0).sum().alias(column)
    )
    per_user = per_user.with_columns(pl.col("user_id").cast(users.schema["user_id"]))
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
) -> VariantCounts:
    """Counts per variant (and segment) for a conversion defined by a flag or a funnel step.

    conversion = the user's Boolean ``flag`` column, or "reached ``step``" of the funnel
    ``steps`` (:func:`with_reached_step`, sequential order, ``window`` from step 1). ``by``
    keeps its ``top`` values and groups the rest as "Other" (totals reconcile). With
    ``revenue``, Σ revenue per user from ``events`` gives ``revenue_sum``/``revenue_sumsq``.
    """
    if (flag is None) == (step is None):
        raise InputError("Choose what counts as a conversion: a yes/no column or a funnel step.")
    frame = users
    if step is not None:
        if events is None:
            raise SchemaError("A funnel step needs the events.", "Upload an event log.")
        frame = with_reached_step(frame, events, steps, step, window=window, column="_reached")
        outcome = "_reached"
    else:
        outcome = flag  # type: ignore[assignment]
    rev = None
    if revenue and events is not None and "revenue" in events.columns:
        frame = with_revenue(frame, events, column="_revenue")
        rev = "_revenue"
    if by is not None:
        _need(frame, by, "segment")
        frame = with_top_values(frame, by, top)
    return count_variants(frame, variant, outcome, by=by, revenue=rev)


# --------------------------------------------------------------------------- the whole analysis


@dataclass(frozen=True)
class ABAnalysis:
    """Everything the A/B page shows, computed from counts (see :func:`analyse`).

    Frames: ``arms`` (variant, visitors, conversions, rate, rate_low, rate_high, share,
    planned_share, prob_best, is_control [, revenue_sum, revenue_per_visitor]);
    ``comparisons`` (one row per variant vs the control: counts, rates, abs_diff with
    Newcombe bounds, rel_lift with Katz bounds, z, z_p_value, fisher_p_value, p_value, method,
    method_reason, adjusted_p_value, prob_beats_control, expected losses, significant,
    explanation); ``segments`` (the same per segment, adjusted over ``family``).
    """

    metric: str
    control: str
    alpha: float
    correction: str | None
    family: str
    arms: pl.DataFrame
    comparisons: pl.DataFrame
    many: ManyResult
    verdicts: dict[str, Verdict]
    srm: SRMCheck | None
    srm_error: str | None
    planned_split: tuple[float, ...]
    segment_column: str | None
    segments: pl.DataFrame | None
    simpson: dict[str, SimpsonCheck]
    sequential: dict[str, SequentialResult]
    revenue: dict[str, WelchResult]
    mde: float | None
    mde_relative: bool
    power: float
    mde_reachable: float | None
    mde_reachable_note: str | None
    observational: bool = False
    ci_alpha: float = 0.05
    ci_correction: str | None = None
    segment_ci_alpha: float | None = None


def _comparison_row(name: str, control: str, r: ABResult) -> dict[str, object]:
    lo_d, hi_d = r.ci_abs_diff or (None, None)
    lo_l, hi_l = r.ci_rel_lift or (None, None)
    return {
        "variant": name,
        "control": control,
        "visitors_control": r.visitors_a,
        "conversions_control": r.conversions_a,
        "visitors_variant": r.visitors_b,
        "conversions_variant": r.conversions_b,
        "rate_control": r.rate_a,
        "rate_variant": r.rate_b,
        "abs_diff": r.abs_diff,
        "abs_diff_low": lo_d,
        "abs_diff_high": hi_d,
        "rel_lift": r.rel_lift,
        "rel_lift_low": lo_l,
        "rel_lift_high": hi_l,
        "z": r.z,
        "z_p_value": r.z_p_value,
        "fisher_p_value": r.fisher_p_value,
        "p_value": r.p_value,
        "method": r.method,
        "method_reason": r.method_reason,
        "prob_beats_control": r.prob_b_beats_a,
        "expected_loss_control": r.expected_loss_a,
        "expected_loss_variant": r.expected_loss_b,
        "explanation": r.explanation,
    }


_COMPARISON_SCHEMA = {
    "variant": pl.String,
    "control": pl.String,
    "visitors_control": pl.Int64,
    "conversions_control": pl.Int64,
    "visitors_variant": pl.Int64,
    "conversions_variant": pl.Int64,
    "rate_control": pl.Float64,
    "rate_variant": pl.Float64,
    "abs_diff": pl.Float64,
    "abs_diff_low": pl.Float64,
    "abs_diff_high": pl.Float64,
    "rel_lift": pl.Float64,
    "rel_lift_low": pl.Float64,
    "rel_lift_high": pl.Float64,
    "z": pl.Float64,
    "z_p_value": pl.Float64,
    "fisher_p_value": pl.Float64,
    "p_value": pl.Float64,
    "method": pl.String,
    "method_reason": pl.String,
    "prob_beats_control": pl.Float64,
    "expected_loss_control": pl.Float64,
    "expected_loss_variant": pl.Float64,
    "explanation": pl.String,
}


def _adjusted(ps: Sequence[float | None], correction: str | None) -> list[float | None]:
    present = [p for p in ps if p is not None]
    adj = adjust_p_values(present, method=correction) if correction and present else present  # type: ignore[arg-type]
    it = iter(adj)
    return [None if p is None else next(it) for p in ps]


def analyse(
    counts: pl.DataFrame,
    *,
    variant: str = "variant",
    control: str | None = None,
    by: str | None = None,
    alpha: float = 0.05,
    correction: Literal["holm", "bh"] | None = "holm",
    family: Literal["variants", "variants x segments"] = "variants x segments",
    planned_split: Sequence[float] | None = None,
    mde: float | None = None,
    mde_relative: bool = True,
    power: float = 0.8,
    metric: str = "conversion",
    observational: bool = False,
) -> ABAnalysis:
    """Every statistic of the A/B page from a counts table.

    ``counts`` has ``variant``, ``visitors``, ``conversions`` (+ ``revenue_sum``,
    ``revenue_sumsq``), and the ``by`` column when given (then totals are summed over it).
    Every variant is compared with ``control`` (:func:`kpi.abtest.compare_many`, p-values
    adjusted by ``correction`` over the k − 1 variants); per segment the same comparisons are
    adjusted over the variants of each segment (``family="variants"``) or over every
    variant × segment comparison at once (``"variants x segments"``), and a Simpson's paradox
    check with the CMH test is made per variant. SRM against ``planned_split`` (equal when
    None); sequential (always-valid) results; Welch's t-test on revenue per visitor; a verdict
    per variant; the smallest change detectable with the visitors at hand (power.prop.test).

    Intervals agree with the p-values beside them: with ``correction="holm"`` over m > 1
    comparisons, the difference and lift intervals are Bonferroni intervals at level
    1 − α/m (``ci_alpha``, ``ci_correction="bonferroni"``; simultaneous, a bit more
    conservative than Holm); with Benjamini–Hochberg or no correction they are at 1 − α and
    ``ci_correction`` is None (the page and workbook label them "not corrected"). The same
    holds per segment over the segment family (``segment_ci_alpha``).

    ``observational``: the groups are a segment, not a random assignment (the user chose a
    column that :func:`kpi.abdetect.assignment_columns` does not recognise): no SRM check
    (there is no planned split), and verdicts describe the difference without
    significance or "chance" wording (:func:`kpi.abtest.verdict`).
    """
    if family not in ("variants", "variants x segments"):
        raise InputError(f"Unknown family {family!r}.", "Use 'variants' or 'variants x segments'.")
    need = [variant, "visitors", "conversions"] + ([by] if by else [])
    for col in need:
        _need(counts, col, "counts")
    revenue = {"revenue_sum", "revenue_sumsq"} <= set(counts.columns)
    sums = ["visitors", "conversions"] + (["revenue_sum", "revenue_sumsq"] if revenue else [])
    c = counts.with_columns(pl.col(variant).cast(pl.String).fill_null("(none)"))
    overall = c.group_by(variant, maintain_order=True).agg(pl.col(sums).sum())
    names = overall[variant].to_list()
    if len(names) < 2:
        raise InputError(
            f"A test needs at least two groups; the data has {len(names)} "
            f"({', '.join(names) or 'none'}).",
            "Pick the column that holds the variant each user saw.",
        )
    control = default_control(names) if control is None else str(control)
    if control not in names:
        raise InputError(f"The control {control!r} is not one of the groups: {', '.join(names)}.")
    arms = {
        n: (x, v)
        for n, x, v in zip(names, overall["conversions"], overall["visitors"], strict=True)
    }
    many = compare_many(
        [Arm(n, arms[n][0], arms[n][1]) for n in names],
        control=control,
        alpha=alpha,
        correction=correction,
    )
    k = len(names)
    ci_alpha = alpha / (k - 1) if correction == "holm" and k > 2 else alpha
    ci_correction = "bonferroni" if ci_alpha < alpha else None
    split = tuple(planned_split) if planned_split is not None else tuple([1.0 / k] * k)
    srm = srm_error = None
    if not observational:
        try:
            srm = srm_check([arms[n][1] for n in names], split)
        except InputError as exc:
            srm_error = str(exc)

    # per segment
    seg_frame = None
    seg_ci_alpha: float | None = None
    simpson: dict[str, SimpsonCheck] = {}
    if by is not None:
        keyed = {
            (str(s), str(v)): (x, n)
            for s, v, x, n in c.select(by, variant, "conversions", "visitors").iter_rows()
        }
        seg_names = list(dict.fromkeys(str(s) for s in c[by].to_list()))
        testable = [
            (s, v)
            for s in seg_names
            for v in names
            if v != control
            and keyed.get((s, control), (0, 0))[1] > 0
            and keyed.get((s, v), (0, 0))[1] > 0
        ]
        per_family = len(testable) if family == "variants x segments" else k - 1
        seg_ci_alpha = (
            alpha / per_family if correction == "holm" and per_family > 1 else float(alpha)
        )
        rows = []
        for s in seg_names:
            xa, na = keyed.get((s, control), (0, 0))
            for v in names:
                if v == control:
                    continue
                xb, nb = keyed.get((s, v), (0, 0))
                rows.append(
                    {
                        "segment": s,
                        **_comparison_row(v, control, compare(xa, na, xb, nb, alpha=seg_ci_alpha)),
                    }
                )
        seg_frame = pl.DataFrame(rows, schema={"segment": pl.String, **_COMPARISON_SCHEMA})
        if family == "variants x segments":
            adj = _adjusted(seg_frame["p_value"].to_list(), correction)
            seg_frame = seg_frame.with_columns(adjusted_p_value=pl.Series(adj, dtype=pl.Float64))
        else:
            seg_frame = (
                seg_frame.with_row_index("_i")
                .with_columns(
                    adjusted_p_value=pl.col("p_value")
                    .map_batches(
                        lambda s: pl.Series(_adjusted(s.to_list(), correction), dtype=pl.Float64),
                        return_dtype=pl.Float64,
                    )
                    .over("segment")
                )
                .drop("_i")
            )
        seg_frame = seg_frame.with_columns(
            significant=pl.col("adjusted_p_value").fill_null(1.0) < alpha,
            ci_level=pl.lit(1 - seg_ci_alpha, dtype=pl.Float64),
        )
        for v in names:
            if v == control:
                continue
            strata = {
                s: (*keyed.get((s, control), (0, 0)), *keyed.get((s, v), (0, 0))) for s in seg_names
            }
            simpson[v] = simpson_check(strata, alpha=alpha)

    ci_results = {
        vc.name: (
            compare(
                vc.result.conversions_a,
                vc.result.visitors_a,
                vc.result.conversions_b,
                vc.result.visitors_b,
                alpha=ci_alpha,
            )
            if ci_alpha < alpha
            else vc.result
        )
        for vc in many.comparisons
    }
    comp_rows = []
    for vc in many.comparisons:
        row = _comparison_row(vc.name, control, vc.result)
        shown = _comparison_row(vc.name, control, ci_results[vc.name])
        for key in ("abs_diff_low", "abs_diff_high", "rel_lift_low", "rel_lift_high"):
            row[key] = shown[key]
        comp_rows.append(row)
    comp = pl.DataFrame(comp_rows, schema=_COMPARISON_SCHEMA).with_columns(
        adjusted_p_value=pl.Series(
            [vc.adjusted_p_value for vc in many.comparisons], dtype=pl.Float64
        ),
        significant=pl.Series([vc.significant for vc in many.comparisons], dtype=pl.Boolean),
        ci_level=pl.lit(1 - ci_alpha, dtype=pl.Float64),
    )

    verdicts: dict[str, Verdict] = {}
    seq: dict[str, SequentialResult] = {}
    welch_results: dict[str, WelchResult] = {}
    rev_rows = dict(zip(names, overall.iter_rows(named=True), strict=True))
    for vc in many.comparisons:
        r = vc.result
        verdicts[vc.name] = verdict(
            r,
            names=(control, vc.name),
            mde=mde,
            mde_relative=mde_relative,
            power=power,
            srm=srm,
            simpson=simpson.get(vc.name),
            comparisons=k - 1,
            adjusted_p_value=vc.adjusted_p_value if k > 2 and correction else None,
            correction=correction if k > 2 else None,
            ci_result=ci_results[vc.name] if ci_alpha < alpha else None,
            observational=observational,
        )
        seq[vc.name] = sequential(
            r.conversions_a, r.visitors_a, r.conversions_b, r.visitors_b, alpha=alpha
        )
        if revenue:
            a, b = rev_rows[control], rev_rows[vc.name]
            welch_results[vc.name] = welch_from_sums(
                a["visitors"],
                a["revenue_sum"],
                a["revenue_sumsq"],
                b["visitors"],
                b["revenue_sum"],
                b["revenue_sumsq"],
                alpha=alpha,
            )

    ci = {control: many.comparisons[0].result.ci_a} | {
        vc.name: vc.result.ci_b for vc in many.comparisons
    }
    total = sum(v for _, v in arms.values())
    arm_frame = overall.select(
        pl.col(variant).alias("variant"),
        pl.col("visitors").cast(pl.Int64),
        pl.col("conversions").cast(pl.Int64),
        *(
            [
                pl.col("revenue_sum").cast(pl.Float64),
                (pl.col("revenue_sum") / pl.col("visitors")).alias("revenue_per_visitor"),
            ]
            if revenue
            else []
        ),
    ).with_columns(
        rate=pl.when(pl.col("visitors") > 0).then(pl.col("conversions") / pl.col("visitors")),
        rate_low=pl.Series([ci[n][0] if ci[n] else None for n in names], dtype=pl.Float64),
        rate_high=pl.Series([ci[n][1] if ci[n] else None for n in names], dtype=pl.Float64),
        share=pl.col("visitors") / total if total else pl.lit(None, dtype=pl.Float64),
        planned_share=pl.Series(list(split), dtype=pl.Float64)
        if len(split) == k
        else pl.lit(None, dtype=pl.Float64),
        prob_best=pl.Series([many.prob_best.get(n) for n in names], dtype=pl.Float64),
        is_control=pl.col("variant") == control,
    )

    reachable = note = None
    base_rate = arms[control][0] / arms[control][1] if arms[control][1] else None
    smallest = min(v for _, v in arms.values())
    if base_rate is not None and 0 < base_rate < 1 and smallest > 0:
        try:
            reachable = mde_for_sample(
                base_rate, smallest, alpha=alpha, power=power, relative=mde_relative
            )
        except InputError as exc:
            note = str(exc)
    else:
        note = (
            "The smallest detectable change needs a control conversion rate strictly between "
            "0 % and 100 % and visitors in every group."
        )
    return ABAnalysis(
        metric=metric,
        control=control,
        alpha=float(alpha),
        correction=correction,
        family=family,
        arms=arm_frame,
        comparisons=comp,
        many=many,
        verdicts=verdicts,
        srm=srm,
        srm_error=srm_error,
        planned_split=split,
        segment_column=by,
        segments=seg_frame,
        simpson=simpson,
        sequential=seq,
        revenue=welch_results,
        mde=mde,
        mde_relative=mde_relative,
        power=float(power),
        mde_reachable=reachable,
        mde_reachable_note=note,
        observational=observational,
        ci_alpha=ci_alpha,
        ci_correction=ci_correction,
        segment_ci_alpha=seg_ci_alpha,
    )


# --------------------------------------------------------------------------- export


def _plain(value: object) -> object:
    """Floats, ints, strings, bools and None only (tuples become lists)."""
    if isinstance(value, float) and value != value:
        return None
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def ab_export(
    analysis: ABAnalysis,
    *,
    plan: Plan | None = None,
    inputs: Mapping[str, object] | None = None,
) -> dict[str, object]:
    """The A/B results as a plain dict (JSON-ready) for the Excel sheet and the CLI.

    Keys: ``inputs`` (how the counts were made: mode, file, columns, rows read/kept/dropped),
    ``metric``, ``control``, ``alpha``, ``confidence``, ``correction``, ``family``, ``arms``
    (list of dicts: variant, visitors, conversions, rate, rate_low, rate_high, share,
    planned_share, prob_best, is_control [, revenue_sum, revenue_per_visitor]),
    ``comparisons`` (list of dicts, one per variant vs control: see
    :class:`ABAnalysis`), ``omnibus`` (chi2, df, p_value, explanation), ``verdicts`` (list of
    {variant, sentence, caveats}), ``srm`` (planned_split, observed, expected, p_value, level,
    message), ``segments`` (list of dicts or None), ``simpson`` (list of {variant, paradox,
    message, naive_p_value, cmh_p_value, cmh_statistic, cmh_odds_ratio, cmh_odds_ratio_low,
    cmh_odds_ratio_high}), ``sequential`` (list of {variant, rel_lift, low, high, p_value,
    significant, tuning, explanation}), ``revenue`` (list of {variant, mean_control,
    mean_variant, diff, diff_low, diff_high, t, df, p_value, significant, explanation}),
    ``mde`` ({value, relative, power, reachable, note}), ``plan`` (None or {baseline,
    target_rate, mde, relative, alpha, power, variants, daily_visitors, rows: [{method,
    formula, visitors_per_variant, visitors_total, days}]}), ``methods`` (name -> formula).
    """
    a = analysis
    srm = None
    if a.srm is not None:
        srm = {
            "planned_split": list(a.planned_split),
            "observed": list(a.srm.observed),
            "expected": list(a.srm.expected),
            "p_value": a.srm.p_value,
            "level": a.srm.level,
            "message": a.srm.message,
        }
    elif a.srm_error:
        srm = {"planned_split": list(a.planned_split), "level": "error", "message": a.srm_error}
    simpson = [
        {
            "variant": v,
            "paradox": s.paradox,
            "message": s.message,
            "naive_p_value": s.pooled.p_value,
            "cmh_p_value": s.cmh.p_value,
            "cmh_statistic": s.cmh.statistic,
            "cmh_odds_ratio": s.cmh.odds_ratio,
            "cmh_odds_ratio_low": s.cmh.ci_odds_ratio[0] if s.cmh.ci_odds_ratio else None,
            "cmh_odds_ratio_high": s.cmh.ci_odds_ratio[1] if s.cmh.ci_odds_ratio else None,
        }
        for v, s in a.simpson.items()
    ]
    seq = [
        {
            "variant": v,
            "rel_lift": s.estimate,
            "low": s.ci[0] if s.ci else None,
            "high": s.ci[1] if s.ci else None,
            "p_value": s.p_value,
            "significant": s.significant,
            "tuning": s.tuning,
            "explanation": s.explanation,
        }
        for v, s in a.sequential.items()
    ]
    revenue = [
        {
            "variant": v,
            "mean_control": w.mean_a,
            "mean_variant": w.mean_b,
            "diff": w.diff,
            "diff_low": w.ci_diff[0] if w.ci_diff else None,
            "diff_high": w.ci_diff[1] if w.ci_diff else None,
            "t": w.t,
            "df": w.df,
            "p_value": w.p_value,
            "significant": w.significant,
            "explanation": w.explanation,
        }
        for v, w in a.revenue.items()
    ]
    plan_out = None
    if plan is not None:
        plan_out = {
            "baseline": plan.baseline,
            "target_rate": plan.target_rate,
            "mde": plan.mde,
            "relative": plan.relative,
            "alpha": plan.alpha,
            "power": plan.power,
            "variants": plan.variants,
            "daily_visitors": plan.daily_visitors,
            "rows": [
                {
                    "method": r.method,
                    "formula": r.formula,
                    "visitors_per_variant": r.visitors_per_variant,
                    "visitors_total": r.visitors_total,
                    "days": r.days,
                }
                for r in plan.rows
            ],
        }
    out = {
        "inputs": dict(inputs or {}),
        "metric": a.metric,
        "control": a.control,
        "alpha": a.alpha,
        "confidence": 1 - a.alpha,
        "correction": a.correction,
        "family": a.family,
        "observational": a.observational,
        "ci_level": 1 - a.ci_alpha,
        "ci_correction": a.ci_correction or "none",
        "segment_ci_level": None if a.segment_ci_alpha is None else 1 - a.segment_ci_alpha,
        "arms": a.arms.to_dicts(),
        "comparisons": a.comparisons.to_dicts(),
        "omnibus": {
            "chi2": a.many.chi2,
            "df": a.many.chi2_df,
            "p_value": a.many.chi2_p_value,
            "explanation": a.many.explanation,
        },
        "verdicts": [
            {"variant": v, "sentence": x.sentence, "caveats": list(x.caveats)}
            for v, x in a.verdicts.items()
        ],
        "srm": srm,
        "segment_column": a.segment_column,
        "segments": a.segments.to_dicts() if a.segments is not None else None,
        "simpson": simpson,
        "sequential": seq,
        "revenue": revenue,
        "mde": {
            "value": a.mde,
            "relative": a.mde_relative,
            "power": a.power,
            "reachable": a.mde_reachable,
            "note": a.mde_reachable_note,
        },
        "plan": plan_out,
        "methods": {d.label: d.formula for d in DEFINITIONS.values()},
    }
    return _plain(out)  # type: ignore[return-value]


# units understood by kpi.report's A/B sheet ("rate" 0.00 %, "signed_rate" +0.00 %, "p",
# "count", "number", "currency", "text"); differences of two rates are percentage points,
# written ×100 as plain numbers with "(percentage points)" in the label, never as "+0.51%"
_RATE_KEYS = {
    "rate",
    "rate_low",
    "rate_high",
    "rate_control",
    "rate_variant",
    "share",
    "planned_share",
    "prob_best",
    "prob_beats_control",
    "confidence",
    "baseline",
    "target_rate",
    "ci_level",
    "segment_ci_level",
}
_LIFT_KEYS = {"rel_lift", "rel_lift_low", "rel_lift_high"}
_P_KEYS = {
    "p_value",
    "z_p_value",
    "fisher_p_value",
    "adjusted_p_value",
    "naive_p_value",
    "cmh_p_value",
}
_COUNT_KEYS = {
    "visitors",
    "conversions",
    "visitors_control",
    "visitors_variant",
    "conversions_control",
    "conversions_variant",
    "rows_read",
    "rows_kept",
    "visitors_per_variant",
    "visitors_total",
}
_POINTS_KEYS = {
    "abs_diff",
    "abs_diff_low",
    "abs_diff_high",
    "expected_loss_control",
    "expected_loss_variant",
}
_MONEY_KEYS = {"revenue_sum", "revenue_per_visitor", "mean_control", "mean_variant"}


def _unit(key: str, value: object, section: str, relative: bool = True) -> tuple[str, object, str]:
    """(label suffix, value, unit) of one exported field for the workbook.

    Differences of rates (and expected losses, a rate given up) are percentage points:
    value × 100 with " (percentage points)" appended to the label.
    """
    if isinstance(value, bool) or not isinstance(value, int | float):
        return "", value, "text"
    if key in _POINTS_KEYS or (key in {"value", "mde", "reachable"} and not relative):
        return " (percentage points)", value * 100, "pp"
    if section == "revenue" and key in {"diff", "diff_low", "diff_high"}:
        return " (money per visitor)", value, "currency"
    if section == "sequential" and key in {"rel_lift", "low", "high"}:
        return " (relative lift)", value, "signed_rate"
    if key in {"value", "mde", "reachable"}:  # a relative minimum detectable effect
        return " (relative change)", value, "signed_rate"
    if key in _RATE_KEYS:
        return "", value, "rate"
    if key in _LIFT_KEYS:
        return "", value, "signed_rate"
    if key in _P_KEYS:
        return "", value, "p"
    if key in _COUNT_KEYS:
        return "", value, "count"
    if key in _MONEY_KEYS:
        return "", value, "currency"
    return "", value, "number"


def ab_summary_rows(export: Mapping[str, object]) -> list[tuple[str, object, str | None]]:
    """:func:`ab_export`'s dict flattened to (label, value, unit) rows for a two-column sheet.

    Section titles are rows whose value is ``None`` and whose label starts with ``"## "``;
    nested lists become ``"<section> <variant>: <field>"`` labels, in a stable order. The unit
    is one :mod:`kpi.report` formats ("rate", "signed_rate", "p", "count", "number",
    "currency", "text"); differences of two rates are given in percentage points (× 100) and
    say so in the label.
    """
    rows: list[tuple[str, object, str | None]] = []

    def section(title: str) -> None:
        rows.append((f"## {title}", None, None))

    def put(
        prefix: str,
        mapping: Mapping[str, object],
        skip: Sequence[str] = (),
        kind: str = "",
        relative: bool = True,
    ) -> None:
        for k, v in mapping.items():
            if k in skip:
                continue
            if isinstance(v, list):
                v = "; ".join(str(x) for x in v)
            elif isinstance(v, dict):
                v = "; ".join(f"{kk}: {vv}" for kk, vv in v.items())
            if v is None:
                rows.append((f"{prefix}{k}", None, "text"))
                continue
            suffix, shown, unit = _unit(k, v, kind, relative)
            rows.append((f"{prefix}{k}{suffix}", shown, unit))

    section("Verdict")
    for v in export.get("verdicts") or []:  # type: ignore[union-attr]
        rows.append((f"verdict {v['variant']}", v["sentence"], "text"))
        for i, c in enumerate(v["caveats"], 1):
            rows.append((f"caveat {v['variant']} {i}", c, "text"))
    section("Inputs")
    put("", export.get("inputs") or {})  # type: ignore[arg-type]
    for k in ("metric", "control", "alpha", "confidence", "correction", "family"):
        value = export.get(k)
        unit = (
            "text" if k not in ("alpha", "confidence") else ("number" if k == "alpha" else "rate")
        )
        rows.append((k, value, unit))
    if export.get("observational"):
        rows.append(
            (
                "comparison type",
                "observational: the groups are a segment, not a random assignment; the "
                "differences describe the groups, they are not the effect of an experiment",
                "text",
            )
        )
    if "ci_level" in export:
        rows.append(("interval level of the differences", export.get("ci_level"), "rate"))
        rows.append(
            (
                "interval correction",
                "Bonferroni (alpha / number of comparisons), matching the Holm-corrected p-values"
                if export.get("ci_correction") == "bonferroni"
                else "none: the intervals are not corrected for several comparisons"
                if (export.get("correction") and len(export.get("comparisons") or []) > 1)
                else "none (a single comparison)",
                "text",
            )
        )
    section("Groups")
    for arm in export.get("arms") or []:  # type: ignore[union-attr]
        put(f"group {arm['variant']}: ", arm, skip=("variant",))
    section("Comparisons with the control")
    for cmp in export.get("comparisons") or []:  # type: ignore[union-attr]
        put(f"{cmp['variant']} vs {cmp['control']}: ", cmp, skip=("variant", "control"))
    section("Omnibus chi-square")
    put("omnibus ", export.get("omnibus") or {})  # type: ignore[arg-type]
    section("Sample-ratio mismatch (SRM)")
    put("srm ", export.get("srm") or {})  # type: ignore[arg-type]
    if export.get("segments"):
        section(f"Segments ({export.get('segment_column')})")
        for s in export["segments"]:  # type: ignore[union-attr]
            put(f"{s['segment']} / {s['variant']}: ", s, skip=("segment", "variant", "control"))
        for s in export.get("simpson") or []:  # type: ignore[union-attr]
            put(f"simpson {s['variant']}: ", s, skip=("variant",))
    section("Always-valid (sequential) results")
    for s in export.get("sequential") or []:  # type: ignore[union-attr]
        put(f"sequential {s['variant']}: ", s, skip=("variant",), kind="sequential")
    if export.get("revenue"):
        section("Revenue per visitor (Welch)")
        for s in export["revenue"]:  # type: ignore[union-attr]
            put(f"revenue {s['variant']}: ", s, skip=("variant",), kind="revenue")
    section("Minimum detectable effect")
    mde = export.get("mde") or {}
    put("mde ", mde, relative=bool(mde.get("relative", True)))  # type: ignore[arg-type, union-attr]
    plan = export.get("plan")
    if plan:
        section("Plan")
        put(
            "plan ",
            plan,  # type: ignore[arg-type]
            skip=("rows",),
            relative=bool(plan.get("relative", True)),  # type: ignore[union-attr]
        )
        for r in plan["rows"]:  # type: ignore[index]
            put(f"plan {r['method']}: ", r, skip=("method",))
    section("Methods")
    for label, formula in (export.get("methods") or {}).items():  # type: ignore[union-attr]
        rows.append((str(label), formula, "text"))
    return rows
