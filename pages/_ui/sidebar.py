"""The sidebar of the app frame: data source (upload) and the filters shared by every page.

Every filter widget is bound to the URL (``bind="query-params"``) so that a copied link
reproduces the view. Values come from the data.
"""

from __future__ import annotations

from datetime import date

import polars as pl
import streamlit as st

from kpi.dataset import Dataset
from kpi.filters import Filters, date_bounds
from kpi.load import MAX_UPLOAD_MB
from pages._ui import state

MAIN_SEGMENTS = ("device", "channel", "cohort", "variant")
MAX_OPTIONS = 200


def data_source() -> None:
    """File uploader (several files at once); the demo data is used until something is uploaded."""
    st.sidebar.markdown("### Data")
    uploaded = st.sidebar.file_uploader(
        "Upload exports",
        type=state.UPLOAD_TYPES,
        accept_multiple_files=True,
        key="upload",
        help=(
            "CSV / TSV / TXT (any delimiter), .csv.gz, Excel (.xlsx), Parquet or JSON (.json, "
            ".jsonl, .ndjson: BigQuery and Mixpanel exports). Several files "
            "at once: an event log, a user table, one file per funnel step, ad spend, survey "
            f"answers. Up to {MAX_UPLOAD_MB} MB per file."
        ),
    )
    state.ingest_uploads(list(uploaded or []))
    if state.using_demo():
        st.sidebar.caption("Showing the **demo data set**. Upload your own files to replace it.")
    else:
        for f in state.files():
            if f.error is not None:
                st.sidebar.error(f"**{f.name}**: {f.error}")
            else:
                st.sidebar.caption(f"✓ {f.name}: {f.table.report.rows_kept:,} rows")  # type: ignore[union-attr]


def filter_key(segment: str) -> str:
    """Widget key (and URL parameter) of a segment filter: ``device`` for the four main
    segments (``?device=mobile``), ``seg_<name>`` for columns of the user's data, so that a
    column named like an app setting (``period``, ``upload``…) cannot collide with it."""
    return segment if segment in MAIN_SEGMENTS else f"seg_{segment}"


def _options(ds: Dataset, col: str) -> list[str]:
    counts = (
        ds.users.group_by(pl.col(col).cast(pl.String).fill_null("(none)").alias(col))
        .len()
        .sort(["len", col], descending=[True, False])
    )
    return counts[col].head(MAX_OPTIONS).to_list()


def cohort_grain() -> str:
    """Cohorts by first-seen month or week (applies when the cohort is derived from dates)."""
    grain = st.sidebar.segmented_control(
        "Cohorts by",
        ["month", "week"],
        default="month",
        key="cohort_by",
        bind="query-params",
        help="Cohort = the month (or ISO week) of the user's signup or first event.",
    )
    return grain or "month"


def filters(ds: Dataset) -> Filters:
    """Draw the filter widgets for this data and return the view state they describe."""
    st.sidebar.markdown("### Filters")
    bounds = date_bounds(ds)
    start = end = None
    if bounds is not None:
        lo, hi = bounds
        picked = st.sidebar.date_input(
            "Period",
            value=(lo, hi),
            min_value=lo,
            max_value=hi,
            key="period",
            bind="query-params",
            help="Events (or signups, when events have no time) inside these days, inclusive.",
        )
        if isinstance(picked, tuple | list) and len(picked) == 2:
            start, end = picked
        elif isinstance(picked, tuple | list) and len(picked) == 1:
            start, end = picked[0], hi
        elif isinstance(picked, date):
            start, end = picked, hi
        if (start, end) == (lo, hi):
            start = end = None  # whole period: no date filter, the previous period is undefined
    shown = [s for s in MAIN_SEGMENTS if s in ds.segments]
    extra_options = [s for s in ds.segments if s not in MAIN_SEGMENTS]
    extra_options += list(getattr(ds, "extra_segments", ()))  # ranked candidates not shown
    if extra_options:
        more = st.sidebar.multiselect(
            "More segments",
            extra_options,
            key="more_segments",
            bind="query-params",
            help="Other categorical columns of your data to filter and break down by.",
        )
        shown += [s for s in more if s in extra_options]
    chosen: dict[str, list[str]] = {}
    for seg in shown:
        values = st.sidebar.multiselect(
            seg.replace("_", " ").capitalize(),
            _options(ds, seg),
            key=filter_key(seg),
            bind="query-params",
            placeholder="All",
        )
        if values:
            chosen[seg] = list(values)
    if any(s in ds.segments for s in ("device", "channel")) and ds.has_timestamps:
        st.sidebar.caption(
            "A user whose device or channel changes is counted under the value of their "
            "first event (first touch)."
        )
    f = Filters(start=start, end=end, segments=chosen)
    st.session_state["filters"] = f
    return f
