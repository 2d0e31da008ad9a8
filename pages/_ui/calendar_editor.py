"""The calendar editor in the sidebar: events typed in or uploaded, the country's public
holidays and the French retail periods, kept for the session and downloadable as CSV.

Bound to the URL (view settings, neutral values): ``ev_hol`` (the country's ISO code, absent:
no public holidays) and ``ev_retail=1`` (the retail periods). The typed and uploaded events
are not in the URL (a calendar of a few dozen labels makes a link too long to share, and labels
may say what a team does not want in a link): they stay in the session, and the CSV download
carries them to a colleague, who uploads it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl
import streamlit as st
from babel import Locale
from streamlit.delta_generator import DeltaGenerator

from kpi import calendar
from kpi.calendar.event import KINDS, Event
from kpi.calendar.read import parse_day
from kpi.calendar.write import to_csv
from kpi.errors import ParcoursError
from kpi.words import render
from pages._ui import url
from pages._ui.lang import current, t, tx

__all__ = ["HOLIDAYS_KEY", "RETAIL_KEY", "editor", "settings"]

HOLIDAYS_KEY = "ev_hol"  # URL: the country whose public holidays are drawn
RETAIL_KEY = "ev_retail"  # URL: 1 when the French retail periods are drawn
_SETTINGS = "calendar_settings"
_ROWS = "ev_rows"  # the typed and uploaded events (a polars frame, neutral kinds): the editor's
_TABLE = "ev_table"
_FILE = "ev_file_seen"
_COLUMNS = {"start": pl.Date, "end": pl.Date, "label": pl.String, "kind": pl.String}


def settings() -> calendar.CalendarSettings:
    """The view's calendar (empty until the editor has run in this session)."""
    got = st.session_state.get(_SETTINGS)
    return got if isinstance(got, calendar.CalendarSettings) else calendar.CalendarSettings()


def _country_words(code: str) -> str:
    name = Locale.parse("fr" if current() == "fr" else "en").territories.get(code)
    return f"{name} ({code})" if name else code


def _kind_words(kind: str) -> str:
    return tx(f"calendar.kind.{kind}")


def _rows() -> pl.DataFrame:
    rows = st.session_state.get(_ROWS)
    return rows if isinstance(rows, pl.DataFrame) else pl.DataFrame(schema=_COLUMNS)


def _set_rows(rows: pl.DataFrame) -> None:
    st.session_state[_ROWS] = rows.select(list(_COLUMNS)).cast(_COLUMNS)  # type: ignore[arg-type]
    st.session_state.pop(_TABLE, None)  # the editor starts again from these rows


def _events(frame: pl.DataFrame) -> tuple[tuple[Event, ...], int]:
    """The editor's rows (kinds in words) as events, and the rows left out (no start or
    label, or an end before the start)."""
    out: list[Event] = []
    left_out = 0
    words = {render(f"calendar.kind.{k}", lang): k for k in KINDS for lang in ("en", "fr")}
    for row in frame.iter_rows(named=True):
        start, end = parse_day(row.get("start")), parse_day(row.get("end"))
        label = str(row.get("label") or "").strip()
        if start is None and end is None and not label:
            continue  # an empty row the editor added
        end = end or start
        if start is None or not label or end < start:
            left_out += 1
            continue
        kind = row.get("kind")
        kind = kind if kind in KINDS else words.get(kind or "", "other")
        out.append(Event(start, end, label, kind, "typed"))  # type: ignore[arg-type]
    return tuple(out), left_out


def _add_form() -> None:
    with st.form("ev_add", clear_on_submit=True, border=False):
        days = st.date_input(
            tx("calendar.page.days"),
            value=[],
            key="ev_add_days",
            help=tx("calendar.page.days_help"),
            format="YYYY-MM-DD",
        )
        label = st.text_input(tx("calendar.page.label"), key="ev_add_label", max_chars=80)
        kind = st.selectbox(
            tx("calendar.page.kind"), list(KINDS), format_func=_kind_words, key="ev_add_kind"
        )
        if st.form_submit_button(tx("calendar.page.add"), icon=":material/add:"):
            picked = list(days) if isinstance(days, list | tuple) else [days]
            picked = [d for d in picked if isinstance(d, dt.date)]
            if not picked or not label.strip():
                st.warning(t("calendar.page.add_missing"))
                return
            row = pl.DataFrame(
                {
                    "start": [picked[0]],
                    "end": [picked[-1]],
                    "label": [label.strip()],
                    "kind": [kind],
                },
                schema=_COLUMNS,
            )
            _set_rows(pl.concat([_rows(), row]))


def _upload() -> None:
    file = st.file_uploader(
        tx("calendar.page.upload"),
        type=["csv", "txt", "xlsx"],
        key="ev_upload",
        help=tx("calendar.page.upload_help"),
    )
    if file is None:
        return
    ident = (file.name, file.size, getattr(file, "file_id", None))
    if st.session_state.get(_FILE, (None,))[0] == ident:
        for fact in st.session_state[_FILE][1]:
            st.caption(t(fact))
        return
    try:
        got = calendar.read_events(file.getvalue(), filename=file.name)
    except ParcoursError as exc:
        st.error(t(exc.message) + (" " + t(exc.hint) if exc.hint else ""))
        return
    rows = pl.DataFrame(
        {
            "start": [e.start for e in got.events],
            "end": [e.end for e in got.events],
            "label": [str(e.label) for e in got.events],
            "kind": [e.kind for e in got.events],
        },
        schema=_COLUMNS,
    )
    _set_rows(pl.concat([_rows(), rows]).unique(maintain_order=True))
    st.session_state[_FILE] = (ident, got.facts())
    for fact in got.facts():
        st.caption(t(fact))


def _table() -> pl.DataFrame:
    kinds = [_kind_words(k) for k in KINDS]
    config: dict[str, Any] = {
        "start": st.column_config.DateColumn(tx("calendar.page.col.start"), format="YYYY-MM-DD"),
        "end": st.column_config.DateColumn(tx("calendar.page.col.end"), format="YYYY-MM-DD"),
        "label": st.column_config.TextColumn(tx("calendar.page.col.label"), max_chars=80),
        "kind": st.column_config.SelectboxColumn(tx("calendar.page.col.kind"), options=kinds),
    }
    rows = _rows().with_columns(pl.col("kind").replace({k: _kind_words(k) for k in KINDS}))
    return st.data_editor(
        rows,
        num_rows="dynamic",
        column_config=config,
        hide_index=True,
        key=_TABLE,
        width="stretch",
    )


def editor(box: DeltaGenerator) -> calendar.CalendarSettings:
    """The calendar's widgets in ``box`` (an expander of the sidebar); the settings kept."""
    countries = sorted(set(calendar.COUNTRIES) | set(calendar.public.country_codes()))
    first = list(calendar.COUNTRIES) + [c for c in countries if c not in calendar.COUNTRIES]
    with box.expander(tx("calendar.page.title"), icon=":material/event:"):
        wanted = url.seed(HOLIDAYS_KEY, first)
        if "ev_hol_on" not in st.session_state or url._history_navigation():
            st.session_state["ev_hol_on"] = wanted is not None
        on = st.toggle(tx("calendar.page.holidays"), key="ev_hol_on")
        country = None
        if on:
            if st.session_state.get("ev_country") not in first:
                st.session_state["ev_country"] = wanted or calendar.DEFAULT_COUNTRY
            country = st.selectbox(
                tx("calendar.page.country"), first, format_func=_country_words, key="ev_country"
            )
        url.keep(HOLIDAYS_KEY, country)
        retail_wanted = url.seed(RETAIL_KEY, ["1"]) == "1"
        if "ev_retail_on" not in st.session_state or url._history_navigation():
            st.session_state["ev_retail_on"] = retail_wanted
        retail = st.toggle(
            tx("calendar.page.retail"), key="ev_retail_on", help=tx("calendar.page.retail_help")
        )
        url.keep(RETAIL_KEY, "1" if retail else None)
        st.markdown(t("calendar.page.typed_title"))
        _add_form()
        _upload()
        edited = _table()
        events, left_out = _events(edited)
        if left_out:
            st.caption(t("calendar.page.left_out", rows=left_out))
        result = calendar.CalendarSettings(events=events, country=country, retail=retail)
        st.session_state[_SETTINGS] = result
        if events:
            st.download_button(
                tx("calendar.page.download"),
                to_csv(events, current()),
                file_name=render("calendar.page.file_name", current()),
                mime="text/csv",
                key="ev_download",
                icon=":material/download:",
            )
        st.caption(t("calendar.page.url_note"))
    return result
