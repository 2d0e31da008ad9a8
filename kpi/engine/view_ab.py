"""The A/B test of an :class:`~kpi.engine.view.EngineView` with the A/B page's defaults.

The same rules as the workbook's :func:`kpi.export.ab_sheet.headless_analysis` for an upload:
the assignment column is the first segment that looks like one
(:func:`kpi.abtest.assignment_columns`); visitors = the view's users per arm (first touch;
users without an arm are dropped and counted); conversion = reached the purchase (else the
last) step of the view's funnel (its order and window), read from the funnel by arm
(:func:`kpi.engine.funnel.funnel_table`); with an open funnel, or a purchase step outside the
funnel, reached that step in the period (:func:`kpi.engine.ab.ab_counts`). The statistics are
:func:`kpi.abtest.analyse_with`, as for an upload.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import polars as pl

from kpi.abtest import ABAnalysis, ABSettings, ABSource
from kpi.abtest.counts import VariantCounts

if TYPE_CHECKING:
    from kpi.engine.view import EngineView

__all__ = ["headless", "variant_counts"]


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

    variant = view.assignment()
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
