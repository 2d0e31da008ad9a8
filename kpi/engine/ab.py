"""A/B sufficient statistics per variant (× segment) inside the engine.

The engine twin of :func:`kpi.abtest.ab_counts` on an upload's view: the users of the view
(segment filters on first touch, the users with an event in the filters' period, as
:meth:`kpi.filters.Filters.apply`), each with their variant (first touch), whether they
reached ``step`` in the period (a closed funnel to that step alone, as the workbook's
"reached the purchase step"; or, with ``funnel``, reached it in the funnel's order within a
window from step 1, as the A/B page's "reached step X", :func:`_funnel_reached`) and the sum
of their revenue in the period. In the engine: one row per user, then per variant
(× segment) the visitors, conversions, Σ revenue and Σ revenue². Back to Python: those
counts, ready for the same local statistics (:func:`kpi.abtest.analyse`,
:func:`kpi.abtest.compare`, Welch from sums, SRM).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import narwhals as nw
import polars as pl

from kpi.abtest.counts import VariantCounts
from kpi.engine.frame import EngineTable, collect, first_touch, in_view, period_events
from kpi.engine.quality import kept_table
from kpi.errors import InputError, SchemaError
from kpi.filters import Filters
from kpi.segments import NONE, OTHER
from kpi.words import Fact

__all__ = ["ab_counts", "ab_variant_counts"]


def _need_segment(table: EngineTable, column: str, role: str) -> None:
    if column not in table.user_segments:
        raise SchemaError(
            Fact("ab.data.missing_column", role=Fact(f"ab.data.role.{role}"), column=column),
            Fact("ab.data.hint_pick", columns=list(table.user_segments)),
        )


def _funnel_reached(
    table: EngineTable,
    funnel: Sequence[str],
    step: str,
    filters: Filters | None,
    window: dt.timedelta | None,
) -> nw.LazyFrame:
    """One row per user with a funnel event in the period: ``user_id``, ``_hit`` (1 when the
    user reached ``step`` of ``funnel``: steps in order, within ``window`` from step 1, as
    :func:`kpi.abtest.with_reached_step`; a membership funnel without times), with the
    per-user progress of :mod:`kpi.engine.funnel`."""
    from kpi.engine.funnel import _any_order, _codes, _per_user, _row_level, _sequential
    from kpi.engine.funnel import _events as funnel_events
    from kpi.funnel.prepare import _window_us

    steps = [str(s) for s in funnel]
    if step not in steps:
        raise InputError(
            Fact("ab.data.unknown_step", step=step),
            Fact("ab.data.hint_steps", steps=steps),
        )
    codes, k = _codes(steps), len(steps)
    w = _window_us(window) if table.has_ts else None
    ev = funnel_events(table, steps, filters).filter(nw.col("_p") < k)
    if table.has_ts:
        f = _sequential(ev, codes, w, open_funnel=False)
        per = _per_user(f.with_columns(_row_level(k).alias("_lvl")), False)
    else:
        per = _any_order(ev, codes, None, open_funnel=False, has_ts=False)
    position = steps.index(step) + 1
    return per.select("user_id", (nw.col("_lvl") >= position).cast(nw.Int64).alias("_funnel_hit"))


def ab_variant_counts(
    table: EngineTable,
    *,
    step: str,
    variant: str = "variant",
    segment: str | None = None,
    filters: Filters | None = None,
    steps: Sequence[str] | None = None,
    top: int = 8,
    revenue: bool = True,
    funnel: Sequence[str] | None = None,
    window: dt.timedelta | None = None,
) -> VariantCounts:
    """The counts of :func:`ab_counts` with the account of every user (``rows_read``: users of
    the view; ``dropped``: users without a variant, as :func:`kpi.abtest.count_variants`).

    ``funnel``: a conversion is "reached ``step`` of these funnel steps" (in order, within
    ``window`` from step 1: the A/B page's "reached step X", :func:`kpi.abtest.ab_counts` with
    ``steps=funnel, window=window``); without it (or with ``[step]`` alone), reached ``step``
    in the period (a one-step funnel: no window applies)."""
    if funnel is not None and list(funnel) not in ([], [step]):
        return _counts(table, step, variant, segment, filters, top, revenue, funnel, window)
    return _counts(table, step, variant, segment, filters, top, revenue, None, None, steps)


def _counts(
    table: EngineTable,
    step: str,
    variant: str,
    segment: str | None,
    filters: Filters | None,
    top: int,
    revenue: bool,
    funnel: Sequence[str] | None,
    window: dt.timedelta | None,
    steps: Sequence[str] | None = None,
) -> VariantCounts:
    if steps is not None and list(steps) not in ([], [step]):
        if step not in steps:
            raise InputError(
                Fact("ab.data.unknown_step", step=step),
                Fact("ab.data.hint_steps", steps=list(steps)),
            )
        raise InputError(
            Fact("engine.ab.funnel_steps", step=step), Fact("engine.ab.funnel_steps_hint")
        )
    table = kept_table(table)  # the rows an upload keeps
    _need_segment(table, variant, "variant")
    if segment is not None:
        _need_segment(table, segment, "segment")
    wanted = list(filters.active_segments) if filters is not None else []
    segs = [
        c
        for c in dict.fromkeys([variant, *([segment] if segment else []), *wanted])
        if c in table.user_segments
    ]
    period = period_events(table, filters).filter(~nw.col("user_id").is_null())
    users = in_view(first_touch(table, segs), filters)
    dated = filters is not None and (filters.start is not None or filters.end is not None)
    keys = [segment, variant] if segment is not None else [variant]
    users = users.select("user_id", *dict.fromkeys(keys))
    rev = revenue and "revenue" in table.columns
    # one pass over the view's events: did the user do the step, what did they spend
    marks = [nw.when(nw.col("step") == step).then(1).otherwise(0).cast(nw.Int64).alias("_hit")]
    if rev:
        marks.append(nw.col("revenue").cast(nw.Float64).fill_null(0.0).alias("_rev"))
    per_user = (
        period.with_columns(*marks)
        .group_by("user_id")
        .agg(
            nw.col("_hit").sum().alias("_hits"),
            *([nw.col("_rev").sum().alias("_revenue")] if rev else []),
        )
    )
    if funnel is not None:  # reached the step in the funnel's order (and window)
        reached = _funnel_reached(table, funnel, step, filters, window)
        per_user = (
            per_user.drop("_hits")
            .join(reached, on="user_id", how="left")
            .with_columns(nw.col("_funnel_hit").fill_null(0).alias("_hits"))
            .drop("_funnel_hit")
        )
    # with a period, the users of the view are those with an event in it (Filters.apply)
    how = "inner" if dated and table.has_ts else "left"
    frame = users.join(per_user, on="user_id", how=how).with_columns(
        (nw.col("_hits").fill_null(0) > 0).cast(nw.Int64).alias("_reached"),
        *([nw.col("_revenue").fill_null(0.0)] if rev else []),
    )
    # one query: the sums per (raw segment value, variant), the users without a variant
    # included; the top values, "Other" and the account are made here (sums add up)
    if segment is not None:
        frame = frame.with_columns(nw.col(segment).cast(nw.String).fill_null(NONE))
    aggs = [
        nw.len().cast(nw.Int64).alias("visitors"),
        nw.col("_reached").sum().cast(nw.Int64).alias("conversions"),
    ]
    if rev:
        amount = nw.col("_revenue")
        aggs += [
            amount.sum().cast(nw.Float64).alias("revenue_sum"),
            (amount * amount).sum().cast(nw.Float64).alias("revenue_sumsq"),
        ]
    got = collect(frame.group_by(*keys).agg(*aggs))
    schema = {k: pl.String() for k in keys} | {"visitors": pl.Int64(), "conversions": pl.Int64()}
    if rev:
        schema |= {"revenue_sum": pl.Float64(), "revenue_sumsq": pl.Float64()}
    got = got.cast(schema)  # type: ignore[arg-type]
    rows = int(got["visitors"].sum())
    missing = int(got.filter(pl.col(variant).is_null())["visitors"].sum())
    if segment is not None:
        ranked = got.group_by(segment).agg(pl.col("visitors").sum().alias("_w"))
        ranked = ranked.sort(["_w", segment], descending=[True, False], nulls_last=True)
        keep = [str(v) for v in ranked[segment].head(top).to_list() if v is not None]
        value = pl.col(segment)
        got = got.with_columns(
            pl.when(value.is_in(keep)).then(value).otherwise(pl.lit(OTHER)).alias(segment)
        )
        got = got.group_by(keys).agg(pl.exclude(keys).sum())
    got = got.filter(pl.col(variant).is_not_null()).select(*schema).sort(keys, nulls_last=True)
    return VariantCounts(
        table=got.cast(schema),  # type: ignore[arg-type]
        rows_read=rows,
        rows_kept=rows - missing,
        dropped={"ab.rows.no_variant": missing} if missing else {},
    )


def ab_counts(
    table: EngineTable,
    *,
    step: str,
    variant: str = "variant",
    segment: str | None = None,
    filters: Filters | None = None,
) -> pl.DataFrame:
    """Per variant (× ``segment``, cut to its 8 most common values by users + "Other"):
    ``visitors``, ``conversions`` (users who reached ``step`` in the view), ``revenue_sum``
    and ``revenue_sumsq`` (Σ and Σ² of each user's revenue in the view; with a ``revenue``
    column), sorted by segment then variant: the table :func:`kpi.abtest.ab_counts` gives for
    ``step=step, steps=[step], revenue=True`` on the upload's view."""
    return ab_variant_counts(
        table, step=step, variant=variant, segment=segment, filters=filters
    ).table
