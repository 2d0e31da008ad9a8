"""The A/B test of an :class:`~kpi.engine.view.EngineView` with the A/B page's defaults.

The same rules as the workbook's :func:`kpi.export.ab_sheet.headless_analysis` for an upload:
the assignment column is the first segment that looks like one (:func:`assignments`,
:func:`kpi.abtest.assignment_columns`); visitors = the view's users per arm (first touch;
users without an arm are dropped and counted); conversion = reached the purchase (else the
last) step of the view's funnel (its order and window), read from the funnel by arm
(:func:`kpi.engine.funnel.funnel_table`); with an open funnel, or a purchase step outside the
funnel, reached that step in the period (:func:`kpi.engine.ab.ab_counts`). The statistics are
:func:`kpi.abtest.analyse_with`, as for an upload.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import narwhals as nw
import polars as pl

from kpi.abtest import ABAnalysis, ABSettings, ABSource, Assignment, assignment_columns
from kpi.abtest.assignment import MAX_ARMS_NAMED
from kpi.abtest.counts import VariantCounts
from kpi.engine.frame import COHORT
from kpi.filters import Filters

if TYPE_CHECKING:
    from kpi.engine.view import EngineView

__all__ = ["assignments", "column_values", "headless", "page_counts", "steps", "variant_counts"]

#: distinct values brought back per segment to tell an assignment (one more than the most
#: arms a column named like an assignment may have: more values is not an assignment)
_LOOKED_AT = MAX_ARMS_NAMED + 1


def _view_users(
    view: EngineView, columns: list[str], filters: Filters | None = None
) -> nw.LazyFrame:
    """The users of the view (or of ``filters``: segment filters on first touch; with a
    period, those with an event in it, as :meth:`kpi.filters.Filters.apply`) with their
    first-touch ``columns``."""
    from kpi.engine.frame import first_touch, in_view, period_events

    f = view.filters if filters is None else filters
    wanted = [
        c for c in dict.fromkeys([*columns, *f.active_segments]) if c in view.table.user_segments
    ]
    users = in_view(first_touch(view.table, wanted), f).select("user_id", *columns)
    if view.has_timestamps and (f.start is not None or f.end is not None):
        active = period_events(view.table, f).filter(~nw.col("user_id").is_null()).select("user_id")
        users = users.join(active.unique(), on="user_id", how="semi")
    return users


def column_values(view: EngineView, column: str, limit: int = _LOOKED_AT) -> tuple[int, list[str]]:
    """(number of distinct non-empty values, the first ``limit`` sorted) of ``column`` among
    the view's users (their first touch)."""
    from kpi.engine.frame import collect

    def compute() -> tuple[int, list[str]]:
        users = _view_users(view, [column])
        value = nw.col(column).cast(nw.String)
        present = users.filter(~value.is_null() & (value.str.strip_chars() != "")).select(
            value.alias("_v")
        )
        count = collect(present.select(nw.col("_v").n_unique().alias("n")))["n"][0]
        first = collect(present.unique().sort("_v").head(limit))["_v"].to_list()
        return int(count or 0), sorted(str(v) for v in first)

    return view.memo(f"ab_values|{column}|{limit}|{view.filters.key()}", compute)


def _few_values(view: EngineView, segments: list[str]) -> dict[str, list[str]]:
    """Each segment's distinct values among the table's users when it has at most
    :data:`_LOOKED_AT` of them (else none: too many for an assignment), in one query (the
    users' first touch computed once, the segments stacked as (segment, value) pairs)."""
    from kpi.engine.frame import collect

    users = _view_users(view, segments, Filters())
    stacked = nw.concat(
        [
            users.select(
                nw.lit(s, dtype=nw.String).alias("_s"), nw.col(s).cast(nw.String).alias("_v")
            )
            for s in segments
        ]
    )
    pairs = stacked.filter(
        ~nw.col("_v").is_null() & (nw.col("_v").str.strip_chars() != "")
    ).unique()
    few = pairs.with_columns(nw.len().over("_s").alias("_n")).filter(nw.col("_n") <= _LOOKED_AT)
    got = collect(few.select("_s", "_v"))
    out: dict[str, list[str]] = {s: [] for s in segments}
    for seg, value in got.iter_rows():
        out[str(seg)].append(str(value))
    return {s: sorted(v) for s, v in out.items()}


def assignments(view: EngineView) -> list[Assignment]:
    """The table's segments that look like an A/B assignment, best first
    (:func:`kpi.abtest.assignment_columns` on the distinct first-touch values of the table's
    users). A property of the table, not of the view: the same for every filter (an upload
    looks at the view's users; they differ only when a filter leaves one arm, and then the
    page says the column has one value in the view)."""

    def compute() -> list[Assignment]:
        segments = [s for s in view.table.user_segments if s != COHORT]
        if not segments:
            return []
        columns = _few_values(view, segments)
        n = max((len(v) for v in columns.values()), default=0)
        frame = pl.DataFrame(
            {c: v + [None] * (n - len(v)) for c, v in columns.items()},
            schema={c: pl.String for c in columns},
        )
        return assignment_columns(frame, segments)

    return view.memo("ab_assignments", compute)


def steps(view: EngineView) -> list[str]:
    """The steps a conversion may be (the data's step order, an upload's ``Dataset.steps``)."""
    return list(view.event_steps)


def page_counts(
    view: EngineView,
    *,
    variant: str,
    step: str,
    window_days: float = 0.0,
    by: str | None = None,
    revenue: bool = True,
    top: int = 8,
) -> VariantCounts:
    """The A/B page's counts of the view: per arm (× ``by``'s ``top`` values + "Other") the
    visitors, the conversions (reached ``step`` of :func:`steps` in order, within
    ``window_days`` from step 1 when > 0) and Σ / Σ² revenue, with the account of every user
    (:func:`kpi.engine.ab.ab_variant_counts` with the funnel)."""
    from kpi.engine.ab import ab_variant_counts

    window = dt.timedelta(days=window_days) if window_days and window_days > 0 else None
    funnel = steps(view)
    rev = revenue and "revenue" in view.table.columns

    def compute() -> VariantCounts:
        return ab_variant_counts(
            view.table,
            step=step,
            variant=variant,
            segment=by,
            filters=view.filters,
            top=top,
            revenue=rev,
            funnel=funnel,
            window=window,
        )

    key = (
        f"ab_page|{variant}|{step}|{window_days!r}|{by}|{rev}|{top}|{funnel!r}|{view.filters.key()}"
    )
    return view.memo(key, compute)


def variant_counts(view: EngineView, variant: str, step: str) -> VariantCounts | None:
    """Visitors and conversions per arm of the view (sorted by arm), with the row account of
    :func:`kpi.abtest.count_variants` (users without an arm dropped)."""
    per = view.segment_counts(variant)
    arms = per.filter(pl.col(variant).is_not_null())
    no_variant = int(per.filter(pl.col(variant).is_null())["users"].sum())
    if arms.height < 2:
        return None
    steps = view.steps
    if step in steps and not view.settings.open_funnel:
        raw = view.funnel_by_raw(variant)
        if raw is None:
            return None
        conv = raw.filter(pl.col("step") == step).select(variant, conversions=pl.col("users"))
    else:
        from kpi.engine.ab import ab_counts

        got = ab_counts(view.table, step=step, variant=variant, filters=view.filters)
        conv = got.select(variant, pl.col("conversions"))
    conv = conv.with_columns(pl.col(variant).cast(pl.String))
    table = (
        arms.select(variant, visitors=pl.col("users").cast(pl.Int64))
        .join(conv, on=variant, how="left")
        .with_columns(pl.col("conversions").fill_null(0).cast(pl.Int64))
        .sort(variant)
    )
    rows = int(per["users"].sum())
    dropped = {"ab.rows.no_variant": no_variant} if no_variant else {}
    return VariantCounts(
        table=table, rows_read=rows, rows_kept=rows - no_variant, dropped=dropped, notes={}
    )


def headless(view: EngineView) -> ABAnalysis | None:
    """The A/B analysis of the view (module docstring); None when it holds no test."""
    from kpi.export.ab_sheet import _analysed

    found = assignments(view)  # (view.ab_analysis: None when the engine fails)
    variant = found[0].column if found else None
    if variant is None:
        return None
    steps = view.steps
    target = view.purchase_step or (steps[-1] if steps else None)
    if target is None or not view.size()[1]:
        return None
    counts = variant_counts(view, variant, target)
    if counts is None:
        return None
    source = ABSource(
        kind="data",
        files=tuple(s.name for s in view.sources()),
        variant_column=variant,
        assignment="detected",
        rows_read=counts.rows_read,
        rows_kept=counts.rows_kept,
        dropped=dict(counts.dropped),
        notes=dict(counts.notes),
    )
    settings = ABSettings(mode="data", variant=variant, step=target)
    return _analysed(counts.table, variant, settings, source)
