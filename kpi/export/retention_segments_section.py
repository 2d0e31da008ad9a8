"""The Retention sheet's "Retention by segment" section: the weighted average retention per
period of each value of the view's breakdown segment, beside all users, with the users of
each value's cohorts (adding up to the total's), from the same summaries as the page
(:func:`kpi.retention.by_segment.segment_retention`)."""

from __future__ import annotations

from typing import Any

from kpi.errors import ParcoursError
from kpi.export.cells import COUNT, Col, SheetWriter
from kpi.export.context import Context
from kpi.export.text import say, sentence
from kpi.filters import segment_name
from kpi.retention.by_segment import segment_retention
from kpi.retention.curves import ALL_SERIES
from kpi.segments import OTHER

__all__ = ["write"]


def write(w: SheetWriter, ctx: Context, summary: Any) -> None:
    """The section at the writer's row (nothing without a breakdown segment in the view)."""
    lang = ctx.lang
    segment = ctx.segment if ctx.segment and ctx.segment != "cohort" else None
    if segment is None:
        return
    try:
        by_summary = ctx.results.retention(by=segment)
    except ParcoursError:
        by_summary = None
    if by_summary is None or by_summary.table.height == 0 or summary.table.height == 0:
        return
    seg = segment_retention(by_summary.table, summary.table, grain=ctx.options.cohort_grain)
    w.skip()
    w.section(say("retention_segments.sheet.section", lang, segment=segment_name(segment)))
    word = say(f"export.grain.{ctx.options.cohort_grain}", lang)
    names = {
        OTHER: say("common.other", lang),
        ALL_SERIES: say("retention_segments.sheet.all", lang),
    }
    frame = seg.matrix.with_columns(seg.matrix[seg.by].replace(names).alias(seg.by))
    pcols = [c for c in frame.columns if c.startswith("P")]
    cols = [
        Col(seg.by, say("retention_segments.sheet.col.segment", lang)),
        Col("users", say("export.col.users", lang), COUNT),
    ] + [Col(c, f"{word} {c[1:]}", "0.0%") for c in pcols]
    w.table(frame, cols, name="tblRetentionBySegment")
    for fact in seg.findings:
        w.note(sentence(fact, lang))
    code = "reconciles" if seg.reconciles else "does_not_reconcile"
    w.note(
        say(
            f"retention_segments.page.{code}",
            lang,
            n=int(seg.sizes["users"].sum() or 0),
            total=seg.total_users,
        )
    )
    w.note(say("retention_segments.page.weighted", lang))
    w.note(say("retention.page.first_touch", lang))
