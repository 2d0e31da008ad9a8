"""The sidebar of the app frame: data source (upload) and the filters shared by every page.

Every filter widget is bound to the URL (``bind="query-params"``) so that a copied link
reproduces the view. Values come from the data.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import polars as pl
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from kpi.dataset import Dataset
from kpi.filters import (
    MAIN_SEGMENTS,
    Filters,
    LinkMismatch,
    RequestedView,
    date_bounds,
    link_mismatches,
    requested_view,
    segment_param,
)
from kpi.load import MAX_UPLOAD_MB
from pages._ui import state
from pages._ui.lang import t

MAX_OPTIONS = 200


@dataclass(frozen=True)
class Regions:
    """The sidebar's parts, top to bottom: the filters first, so that they are reachable without
    scrolling on a 1280×720 projector; then the cohort grain; then the data source."""

    lang: DeltaGenerator
    filters: DeltaGenerator
    grain: DeltaGenerator
    data: DeltaGenerator


def regions() -> Regions:
    """Create the sidebar's parts in display order (they are filled in any order)."""
    return Regions(
        lang=st.sidebar.container(key="sidebar_lang"),
        filters=st.sidebar.container(key="sidebar_filters"),
        grain=st.sidebar.container(key="sidebar_grain"),
        data=st.sidebar.container(key="sidebar_data"),
    )


def data_source(box: DeltaGenerator) -> None:
    """File uploader (several files at once); the demo data is used until something is uploaded.

    On the demo data the uploader is open; once files are uploaded it folds into an expander
    named after them, and the files read are listed below it.
    """
    pending = state.pending_uploads()
    label = (
        "Data: demo data set"
        if not pending
        else f"Data: {len(pending)} file{'s' if len(pending) > 1 else ''} uploaded"
    )
    with box.expander(label, expanded=not pending, icon=":material/upload_file:"):
        uploaded = st.file_uploader(
            "Upload exports",
            type=state.UPLOAD_TYPES,
            accept_multiple_files=True,
            key="upload",
            help=(
                "CSV / TSV / TXT (any delimiter), .csv.gz, Excel (.xlsx), Parquet or JSON (.json, "
                ".jsonl, .ndjson: BigQuery and Mixpanel exports). Several files at once: an "
                "event log, a user table, one file per funnel step, ad spend, survey answers. "
                f"Up to {MAX_UPLOAD_MB} MB per file."
            ),
        )
        if state.using_demo() and not uploaded:
            st.caption("Showing the **demo data set**. Upload your own files to replace it.")
    state.ingest_uploads(list(uploaded or []))
    if not state.using_demo():
        for f in state.files():
            if f.error is not None:
                box.error(t("ingest_page.file_error", file=f.name, error=f.error.message))
            else:
                box.caption(f"✓ {f.name}: {f.table.report.rows_kept:,} rows")  # type: ignore[union-attr]


def filter_key(segment: str) -> str:
    """Widget key (and URL parameter) of a segment filter (:func:`kpi.filters.segment_param`)."""
    return segment_param(segment)


def requested() -> RequestedView:
    """The filters the URL asks for, read before the widgets drop the values they cannot take."""
    return requested_view({k: st.query_params.get_all(k) for k in st.query_params})


def _options(ds: Dataset, col: str) -> list[str]:
    counts = (
        ds.users.group_by(pl.col(col).cast(pl.String).fill_null("(none)").alias(col))
        .len()
        .sort(["len", col], descending=[True, False])
    )
    return counts[col].head(MAX_OPTIONS).to_list()


def cohort_grain(box: DeltaGenerator) -> str:
    """Cohorts by first-seen month or week (applies when the cohort is derived from dates)."""
    grain = box.segmented_control(
        "Cohorts by",
        ["month", "week"],
        default="month",
        key="cohort_by",
        bind="query-params",
        help="Cohort = the month (or ISO week) of the user's signup or first event.",
    )
    return grain or "month"


def _follow_new_bounds(lo: date, hi: date) -> None:
    """New data, new dates: a period that covered the whole of the previous data ("no filter")
    covers the whole of the new data, instead of silently filtering it to the old dates."""
    previous = st.session_state.get("period_bounds")
    st.session_state["period_bounds"] = (lo, hi)
    if previous is None or previous == (lo, hi):
        return
    current = st.session_state.get("period")
    if current is None or tuple(current) == tuple(previous):
        st.session_state["period"] = (lo, hi)


def filters(ds: Dataset, box: DeltaGenerator, link: RequestedView | None = None) -> Filters:
    """Draw the filter widgets for this data and return the view state they describe.

    ``link`` is what the URL asked for (read before the widgets): every filter the data cannot
    apply is kept in ``st.session_state["link_mismatches"]`` for the page to say so. (A period
    the data covers only in part is not cut to it: a widget value set by code does not reach
    the URL, and the URL must stay the view.)
    """
    link = link or RequestedView()
    box.markdown("### Filters")
    bounds = date_bounds(ds)
    start = end = None
    if bounds is not None:
        lo, hi = bounds
        _follow_new_bounds(lo, hi)
        picked = box.date_input(
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
    chosen: dict[str, list[str]] = {}
    available: dict[str, list[str]] = {}
    seg_box = box.container()
    # drawn below the main segments' filters, but read first: it decides which filters exist
    more_box = box.container()
    if extra_options:
        more = more_box.multiselect(
            "More segments",
            extra_options,
            key="more_segments",
            bind="query-params",
            help="Other categorical columns of your data to filter and break down by.",
        )
        # a link's filter on another column shows that column's filter even if the link
        # does not list it in "More segments"
        linked = [s for s in link.segments if s in extra_options]
        shown += [s for s in dict.fromkeys([*more, *linked]) if s in extra_options]
    for seg in shown:
        options = _options(ds, seg)
        available[seg] = options
        values = seg_box.multiselect(
            seg.replace("_", " ").capitalize(),
            options,
            key=filter_key(seg),
            bind="query-params",
            placeholder="All",
        )
        if values:
            chosen[seg] = list(values)
    if any(s in ds.segments for s in ("device", "channel")) and ds.has_timestamps:
        box.caption(
            "A user whose device or channel changes is counted under the value of their "
            "first event (first touch)."
        )
    f = Filters(start=start, end=end, segments=chosen)
    st.session_state["filters"] = f
    _remember_mismatches(ds, link, available, bounds, f)
    return f


def _remember_mismatches(
    ds: Dataset,
    link: RequestedView,
    available: dict[str, list[str]],
    bounds: tuple[date, date] | None,
    f: Filters,
) -> None:
    """Keep what the link asked for and this data lacks, for as long as the view is the one
    the link opened (same data, same filters); any change of data or filters forgets it."""
    for seg in ds.segments:  # segments without a drawn filter still exist in the data
        available.setdefault(seg, [])
    found = link_mismatches(link, available, bounds)
    # a value of a segment whose filter is not drawn cannot be checked: only say "no column"
    found = [m for m in found if m.reason != "no_value" or available.get(m.filter)]
    view = (state.digest(), f.key())
    if found:
        st.session_state["link_mismatches"] = (view, found)
    elif st.session_state.get("link_mismatches", (None,))[0] != view:
        st.session_state.pop("link_mismatches", None)


def link_mismatches_for_view() -> list[LinkMismatch]:
    """The shared link's filters that the current view could not apply (empty when none)."""
    stored = st.session_state.get("link_mismatches")
    if not stored:
        return []
    view, found = stored
    f = st.session_state.get("filters")
    if f is None or view != (state.digest(), f.key()):
        return []
    return list(found)
