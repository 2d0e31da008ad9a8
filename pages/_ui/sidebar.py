"""The sidebar of the app frame: data source (upload) and the filters shared by every page.

Every filter widget is bound to the URL (``bind="query-params"``) so that a copied link
reproduces the view. Values come from the data. Every label, help and placeholder is in the
view's language (``kpi/words/catalogue/frame.py`` and ``filters.py``); widget keys and option
values stay language-neutral (the URL of a view is the same in French and English), the
neutral ``(none)`` and ``Other`` values shown in words through ``format_func``, and every user
value (file, column and segment names) is shown exactly as typed.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date
from typing import Any

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
    segment_label,
    segment_param,
    value_word,
)
from kpi.load import MAX_UPLOAD_MB
from kpi.segments import NONE
from kpi.words import LANGS, Fact, Lang, Raw, escape_markdown, render
from pages._ui import state, url
from pages._ui.lang import KEY as LANG_KEY
from pages._ui.lang import current, t, tx

MAX_OPTIONS = 200
#: what the filters are drawn from: the files' Dataset or a connected table's EngineView
#: (both have ``segments`` and ``has_timestamps``)
Data = Any
GRAINS = ["month", "week"]
#: the period widget's date format, the same in every language: a keyed date_input whose
#: format changes is a new widget, which would drop the period when the language is switched.
#: ISO (as in the URL) reads the same in French and English, where 03/12 would not.
DATE_FORMAT = "YYYY-MM-DD"


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
    from pages._ui import connect

    in_use = state.connected_in_use()
    if in_use:  # a table read where it lives: which one, and the way back to the files
        connect.sidebar_box(box)
    pending = state.pending_uploads()
    label = t("frame.source.demo") if not pending else t("frame.source.uploaded", n=len(pending))
    if in_use:  # the files wait: the connected table is what every page reads
        label = t("frame.source.files_instead")
    with box.expander(label, expanded=not pending and not in_use, icon=":material/upload_file:"):
        uploaded = st.file_uploader(
            t("frame.upload.label"),
            type=state.UPLOAD_TYPES,
            accept_multiple_files=True,
            key="upload",
            help=t("frame.upload.help", mb=MAX_UPLOAD_MB),
        )
        if state.using_demo() and not uploaded:
            st.caption(t("frame.demo_caption"))
    if in_use and uploaded and state.uploads_changed(list(uploaded)):
        connect.disconnect()  # new files uploaded: the pages read them from now on
        in_use = False
    state.ingest_uploads(list(uploaded or []))
    if in_use:
        return
    if not state.using_demo():
        lang = current()
        for f in state.files():
            if f.error is not None:
                error = Raw(f.error.text(lang, markdown=True))
                box.error(t("frame.file_error", name=f.name, error=error))
            else:
                rows = f.table.report.rows_kept  # type: ignore[union-attr]
                box.caption(t("frame.file_rows", name=f.name, rows=rows))


def filter_label(segment: str) -> str:
    """A segment filter's label (Markdown): ``Appareil`` / ``Device`` for the four main
    segments, any other column's name exactly as typed."""
    label = segment_label(segment)
    return tx(label) if isinstance(label, Fact) else escape_markdown(label)


def option_words(value: object, lang: Lang | None = None) -> str:
    """A filter option as shown (plain text): ``(none)`` and ``Other`` in words, any other
    value exactly as in the data (the option value itself stays neutral: it is the URL's).
    ``lang`` fixed by a format_func's caller (it may be called outside the script run)."""
    word = value_word(str(value))
    return render(word, lang or current()) if isinstance(word, Fact) else str(value)


def _is_filter_param(key: str) -> bool:
    return key in MAIN_SEGMENTS or (key.startswith("seg_") and len(key) > 4)


def filter_key(segment: str) -> str:
    """Widget key (and URL parameter) of a segment filter (:func:`kpi.filters.segment_param`)."""
    return segment_param(segment)


def requested() -> RequestedView:
    """The filters the URL asks for, read before the widgets drop the values they cannot take."""
    return requested_view({k: st.query_params.get_all(k) for k in st.query_params})


def _options(ds: Data, col: str) -> list[str]:
    """The filter's values, most users first (once per data: every rerun draws the filters).
    A connected table's come from the engine (kept on its whole-table view)."""
    from pages._ui import compute  # compute builds on state, which this module uses

    if not isinstance(ds, Dataset):
        return ds.segment_values(col, limit=MAX_OPTIONS)
    return compute.data_cached("filter_options", lambda: _count_options(ds, col), col)


def _date_bounds(ds: Data) -> tuple[date, date] | None:
    """The period widget's bounds (once per data: a min and a max over every event)."""
    from pages._ui import compute

    if not isinstance(ds, Dataset):
        return ds.bounds()
    return compute.data_cached("date_bounds", lambda: date_bounds(ds))


def _count_options(ds: Dataset, col: str) -> list[str]:
    counts = (
        ds.users.group_by(pl.col(col).cast(pl.String).fill_null(NONE).alias(col))
        .len()
        .sort(["len", col], descending=[True, False])
    )
    return counts[col].head(MAX_OPTIONS).to_list()


def language(box: DeltaGenerator) -> Lang:
    """The Français / English switch: ``?lang=fr`` opens the view in French and stays in the
    URL (on every page, with the filters), so a shared link opens in the sender's language;
    without it, the browser's language. Switching keeps the page and the filters."""
    lang = current()  # the switch, else the URL, else the browser's language
    chosen = box.segmented_control(
        render("common.language", lang),
        options=list(LANGS),
        format_func=lambda code: render(f"common.lang.{code}", code),  # each in its own words
        default=lang,
        required=True,
        key=LANG_KEY,
        label_visibility="collapsed",
        width="stretch",
    )
    lang = chosen if chosen in LANGS else lang
    url.keep(LANG_KEY, lang)  # always in the URL, even when it is the browser's language
    return lang  # type: ignore[return-value]


def _grain_words(grain: str, lang: Lang) -> str:
    return render(f"frame.cohort.{grain}", lang)


def cohort_grain(box: DeltaGenerator) -> str:
    """Cohorts by first-seen month or week (applies when the cohort is derived from dates)."""
    grain = box.segmented_control(
        t("frame.cohort_by"),
        GRAINS,
        default=url.seed("cohort_by", GRAINS, fallback="month"),
        format_func=functools.partial(_grain_words, lang=current()),
        key="cohort_by",
        help=t("frame.cohort_help"),
    )
    url.keep("cohort_by", grain or "month", "month")  # ?cohort_by=week in every language
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


def filters(ds: Data, box: DeltaGenerator, link: RequestedView | None = None) -> Filters:
    """Draw the filter widgets for this data and return the view state they describe.

    ``ds``: the unfiltered Dataset of the files, or the whole-table EngineView of a connected
    table (its period and segment values computed in the engine): the same widgets, keys and
    URL either way.

    ``link`` is what the URL asked for (read before the widgets): every filter the data cannot
    apply is kept in ``st.session_state["link_mismatches"]`` for the page to say so. (A period
    the data covers only in part is not cut to it: a widget value set by code does not reach
    the URL, and the URL must stay the view.)
    """
    link = link or RequestedView()
    box.markdown("### " + t("filters.title"))
    bounds = _date_bounds(ds)
    start = end = None
    if bounds is not None:
        lo, hi = bounds
        _follow_new_bounds(lo, hi)
        picked = box.date_input(
            t("filters.period"),
            value=(lo, hi),
            min_value=lo,
            max_value=hi,
            key="period",
            bind="query-params",
            format=DATE_FORMAT,
            help=t("filters.period_help"),
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
            t("filters.more"),
            extra_options,
            key="more_segments",
            bind="query-params",
            placeholder=tx("filters.more_placeholder"),
            help=t("filters.more_help"),
        )
        # a link's filter on another column shows that column's filter even if the link
        # does not list it in "More segments"
        linked = [s for s in link.segments if s in extra_options]
        shown += [s for s in dict.fromkeys([*more, *linked]) if s in extra_options]
    for seg in shown:
        options = _options(ds, seg)
        available[seg] = options
        key = filter_key(seg)
        values = seg_box.multiselect(
            filter_label(seg),
            options,
            default=url.seed(key, options, many=True),
            format_func=functools.partial(option_words, lang=current()),
            key=key,
            placeholder=tx("common.all"),
        )
        url.keep(key, list(values))  # the data's values (``(none)``), not the words shown
        if values:
            chosen[seg] = list(values)
    if any(s in ds.segments for s in ("device", "channel")) and ds.has_timestamps:
        box.caption(t("filters.first_touch"))
    drawn = {filter_key(seg) for seg in shown}
    url.forget([k for k in st.query_params if _is_filter_param(k) and k not in drawn])
    f = Filters(start=start, end=end, segments=chosen)
    st.session_state["filters"] = f
    _remember_mismatches(ds, link, available, bounds, f)
    return f


def _remember_mismatches(
    ds: Data,
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
