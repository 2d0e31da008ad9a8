"""Retention by segment on the Retention page: one curve per segment value beside all users,
the weighted average per period and segment, the segments' sizes that add up to the total.

The segment is the page's **Break down by** choice (``?rt_segment=device``, bound to the URL
by the page); the numbers are :func:`kpi.retention.by_segment.segment_retention` of the two
summaries the page already has (the breakdown's and the total's, from the upload's View or a
connected table's engine): nothing is computed from the events here.
"""

from __future__ import annotations

import polars as pl
import streamlit as st

from kpi import retention
from kpi.retention.by_segment import SegmentRetention, segment_retention
from kpi.segments import OTHER
from kpi.words import Fact
from kpi.words import format as fmt
from pages._ui import charts, cohort_charts
from pages._ui.kpi_figures import segment_words
from pages._ui.lang import current, t, tx

__all__ = ["section"]


def _names() -> dict[str, str]:
    """ "Other" and the total's row in words (any other value is shown as it is)."""
    return {OTHER: tx("common.other"), retention.ALL_SERIES: tx("retention_segments.sheet.all")}


def section(
    by_summary: retention.RetentionSummary | None,
    summary: retention.RetentionSummary,
    *,
    by: str | None,
    grain: str,
) -> None:
    """The section (inside the page's "Per segment" tab): the curves side by side, the table
    of weighted averages, the reconciliation, the heatmap of averages; a hint to choose a
    segment when none is."""
    if by_summary is None or by is None:
        st.info(t("retention.page.choose_breakdown"))
        return
    if by_summary.note is not None:
        st.info(t(by_summary.note))
        return
    seg = segment_retention(by_summary.table, summary.table, grain=grain)
    name = segment_words(by, in_sentence=True)
    _curves(seg, by, name, grain)
    for fact in seg.findings:
        st.markdown(t(fact))
    _table(seg, name, grain)
    charts.draw(
        cohort_charts.retention_heatmap,
        retention.average_long(by_summary.table, by_summary.average),
        grain=grain,
        title=tx("retention.page.by_segment_heatmap", segment=name),
        subtitle=tx("retention.page.by_segment_rows"),
        key="rt_seg_heatmap",
    )
    st.caption(t("retention.page.first_touch"))


def _curves(seg: SegmentRetention, by: str, name: str, grain: str) -> None:
    lines = seg.curves.filter(~pl.col("is_total")).drop("is_total")
    if lines.height == 0:
        st.info(t("retention_segments.page.nothing"))
        return
    names = _names()
    shown = [names.get(v, v) for v in dict.fromkeys(seg.sizes[by].to_list())]
    lines = lines.with_columns(pl.col("series").replace(names), pl.lit(True).alias("complete"))
    total = seg.curves.filter(pl.col("is_total")).drop("is_total")
    charts.draw(
        cohort_charts.curves,
        lines,
        grain=grain,
        title=tx("retention_segments.page.curves_title", segment=name),
        colour=charts.segment_scale(by, shown),
        series_title=segment_words(by),
        average=total.with_columns(pl.lit(True).alias("complete")),
        key="rt_seg_curves",
    )


def _table(seg: SegmentRetention, name: str, grain: str) -> None:
    lang = current()
    by = seg.by
    period_cols = [c for c in seg.matrix.columns if c.startswith("P")]
    shares = dict(seg.sizes.select(by, "share").iter_rows())
    rows = seg.matrix.with_columns(
        pl.col(by).replace(_names()),
        pl.col(by)
        .map_elements(
            lambda v: fmt.percent(shares.get(v), lang) if v in shares else fmt.percent(1.0, lang),
            return_dtype=pl.String,
        )
        .alias("share"),
        pl.col("users").map_elements(lambda x: fmt.integer(x, lang), return_dtype=pl.String),
        *(
            pl.col(c).map_elements(
                lambda x: None if x is None else fmt.percent(x, lang), return_dtype=pl.String
            )
            for c in period_cols
        ),
    ).select(by, "users", "share", *period_cols)
    shown_cols = {c: tx(f"retention.page.period_short.{grain}", n=int(c[1:])) for c in period_cols}
    st.markdown(
        f"**{t('retention_segments.page.table_title', grain=Fact(f'retention_segments.grain.{grain}'))}**"
    )
    st.dataframe(
        rows.rename(shown_cols),
        hide_index=True,
        width="stretch",
        key="rt_seg_table",
        column_config={
            by: st.column_config.TextColumn(segment_words(by)),
            "users": st.column_config.TextColumn(tx("retention_segments.page.col.users")),
            "share": st.column_config.TextColumn(tx("retention_segments.page.col.share")),
        },
    )
    n = int(seg.sizes["users"].sum() or 0)
    code = "reconciles" if seg.reconciles else "does_not_reconcile"
    st.caption(
        t(f"retention_segments.page.{code}", n=n, total=seg.total_users)
        + " "
        + t("retention_segments.page.weighted")
    )
