"""The "connect" data source: a table read where it lives (DuckDB, Parquet, Spark, a warehouse).

The connection string comes from the server's configuration only: ``st.secrets``
(``.streamlit/secrets.toml``: ``[parcours] source = "duckdb:///…"``) or the environment
variable ``PARCOURS_SOURCE``; it is never typed into a page, never shown (the page names the
source by its label, :class:`kpi.engine.source.SourceSpec`), never put in the URL. Each
session opens its own read-only connection and keeps its choices (table, roles) and its
:class:`~kpi.engine.view.EngineView` results in ``st.session_state``: nothing crosses
sessions except the configuration.

:func:`section` draws the Data page's part: the tables, a preview of 20 rows, the roles (GA4
recognised), and, once a table is in use, the view's filters and its figures computed in the
engine (stage KPIs, funnel, retention, A/B test, red flags) with the workbook.
:func:`notice` tells the other pages what a connected table does not offer there.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import os
from collections import OrderedDict
from typing import Any

import polars as pl
import streamlit as st

from kpi.errors import ParcoursError
from kpi.words import format as fmt
from pages._ui.lang import current, t, tx

__all__ = ["ENV", "configured", "connected", "notice", "section"]

ENV = "PARCOURS_SOURCE"
_KEY = "_connect"  # this session's connection, choices and views
_VIEWS_KEPT = 6
PREVIEW_ROWS = 20


def configured() -> str | None:
    """The connection string of the server's configuration (secrets, else the environment
    variable), None when there is none. Never shown."""
    text = None
    try:
        section_ = st.secrets.get("parcours")
        if section_ is not None:
            text = section_.get("source")
    except Exception:  # no secrets file: the environment decides
        text = None
    return str(text) if text else (os.environ.get(ENV) or None)


def _session() -> dict[str, Any]:
    return st.session_state.setdefault(_KEY, {})


def _error(exc: Exception) -> None:
    from kpi.engine.view import engine_error

    err = engine_error(exc)
    st.error(t(err.message))
    if err.hint is not None:
        st.info(t("ingest_page.what_to_do", hint=err.hint))


def _spec(text: str) -> Any:
    """The parsed source of the configuration, once per session and configuration."""
    s = _session()
    digest = hash(text)
    if s.get("spec_of") != digest:
        from kpi.engine.source import parse_source

        s.clear()
        s["spec"], s["spec_of"] = parse_source(text), digest
    return s["spec"]


def _tables(spec: Any) -> list[str]:
    s = _session()
    if "tables" not in s:
        from kpi.engine.source import list_tables

        s["tables"] = list(list_tables(spec))
    return s["tables"]


def _opened(spec: Any, table: str | None) -> Any:
    """This session's open source for ``table`` (one at a time, read-only)."""
    s = _session()
    if s.get("open_table") != table or s.get("open") is None:
        from kpi.engine.source import connect

        old = s.pop("open", None)
        if old is not None:
            with contextlib.suppress(Exception):  # already closed: nothing to release
                old.close()
        s.pop("views", None)
        s["open"], s["open_table"] = connect(spec, table=table), table
    return s["open"]


def connected() -> Any:
    """The EngineTable this session uses (None: no connected table in use)."""
    return _session().get("engine_table")


def _disconnect() -> None:
    s = _session()
    for key in ("engine_table", "raw_table", "views", "in_use"):
        s.pop(key, None)


def notice(page: str) -> None:
    """On a page other than the Data page, while a connected table is in use: what that page
    shows (the uploaded or demo files) and where the connected table's figures are."""
    table = connected()
    if table is None or page == "data":
        return
    st.info(t("connect.notice", table=table.label or "–"), icon=":material/database:")


# --------------------------------------------------------------------------- the page part
def section() -> None:
    """The Data page's "connected source" part (module docstring)."""
    st.header(tx("connect.title"))
    text = configured()
    if not text:
        st.caption(t("connect.none", env=ENV))
        return
    try:
        spec = _spec(text)
        tables = _tables(spec)
    except (ParcoursError, Exception) as exc:  # a bad address or an unreachable source
        _error(exc)
        return
    st.markdown(t("connect.source", label=str(getattr(spec, "label", "") or "–")))
    s = _session()
    table: str | None = None
    if tables:
        current_table = s.get("in_use", {}).get("table")
        table = st.selectbox(
            tx("connect.table"),
            tables,
            index=tables.index(current_table) if current_table in tables else 0,
            key="connect_table",
        )
    else:
        st.caption(t("connect.one_table"))
    try:
        src = _opened(spec, table)
        _preview(src)
        roles = _roles(src)
    except (ParcoursError, Exception) as exc:
        _error(exc)
        return
    c1, c2 = st.columns([1, 3])
    if c1.button(tx("connect.use"), type="primary", key="connect_use"):
        try:
            from kpi.engine.roles import map_roles

            s["engine_table"] = map_roles(src.native, roles or None, label=src.label)
            s["raw_table"] = map_roles(
                src.native, roles or None, label=src.label, keep_invalid=True
            )
            s["in_use"] = {"table": table, "roles": dict(roles)}
            s.pop("views", None)
        except (ParcoursError, Exception) as exc:
            _error(exc)
            return
    if connected() is not None and c2.button(tx("connect.stop"), key="connect_stop"):
        _disconnect()
    if connected() is not None:
        _figures()


def _preview(src: Any) -> None:
    from kpi.engine.source import preview

    st.markdown(t("connect.preview", rows=PREVIEW_ROWS))
    frame = preview(src, rows=PREVIEW_ROWS)
    st.dataframe(_displayable(frame), height=260, hide_index=True)


def _displayable(frame: pl.DataFrame) -> pl.DataFrame:
    """Nested records and lists as text (a GA4 export's ``event_params``)."""
    nested = [c for c, d in frame.schema.items() if isinstance(d, pl.Struct | pl.List | pl.Array)]
    if not nested:
        return frame
    return frame.with_columns(
        pl.col(c).map_elements(str, return_dtype=pl.String, skip_nulls=True) for c in nested
    )


def _roles(src: Any) -> dict[str, str]:
    """The roles of the table's columns: detected on a sample (a GA4 export recognised), the
    user's corrections kept for the session. Returns only the corrected ones."""
    from kpi.engine.roles import detect
    from kpi.ingest.roles import ROLES, role_name
    from kpi.words import render

    s = _session()
    key = ("detected", src.label)
    if s.get("detected_of") != key:
        s["detected"], s["detected_of"] = dict(detect(src.native)), key
        s["roles"] = {}
    detected: dict[str, str] = s["detected"]
    lang = current()
    st.markdown(t("connect.roles"))
    given: dict[str, str] = s.get("roles", {})
    shown = {c: given.get(c, r) for c, r in detected.items()}
    editor = pl.DataFrame(
        {"column": list(shown), "role": list(shown.values())},
        schema={"column": pl.String, "role": pl.String},
    )
    edited = st.data_editor(
        editor,
        key=f"connect_roles_{abs(hash(key))}",
        disabled=["column"],
        hide_index=True,
        column_config={
            "column": st.column_config.TextColumn(tx("ingest_page.col.column")),
            "role": st.column_config.SelectboxColumn(
                tx("ingest_page.col.role"),
                options=list(ROLES),
                required=True,
                format_func=lambda r, lang=lang: render(role_name(r), lang),
            ),
        },
        width="stretch",
    )
    if edited is not None:
        chosen = dict(zip(edited["column"], edited["role"], strict=True))
        s["roles"] = {c: r for c, r in chosen.items() if detected.get(c) != r}
    return dict(s["roles"])


# --------------------------------------------------------------------------- the figures
def _filters(table: Any, bounds: tuple[dt.date, dt.date] | None) -> Any:
    """The connected view's filters: a period within the data and segment values (from the
    engine, most users first)."""
    from kpi.filters import Filters
    from pages._ui.sidebar import filter_label, option_words

    st.subheader(tx("connect.view"))
    cols = st.columns(1 + min(3, len(table.segments)))
    start = end = None
    if bounds is not None:
        picked = cols[0].date_input(
            tx("connect.period"),
            value=bounds,
            min_value=bounds[0],
            max_value=bounds[1],
            key="connect_period",
            format="YYYY-MM-DD",  # as the sidebar's period: ISO reads the same in both languages
        )
        if isinstance(picked, tuple | list) and len(picked) == 2:
            start, end = picked
            if (start, end) == bounds:
                start = end = None
    segments: dict[str, list[str]] = {}
    view0 = _view(Filters())
    for i, seg in enumerate(table.segments[:3]):
        try:
            values = view0.segment_values(seg)
        except ParcoursError:
            continue
        chosen = cols[i + 1].multiselect(
            filter_label(seg),
            values,
            key=f"connect_seg_{seg}",
            placeholder=tx("common.all"),
            format_func=functools.partial(option_words, lang=current()),
        )
        if chosen:
            segments[seg] = list(chosen)
    return Filters(start=start, end=end, segments=segments)


def _view(filters: Any) -> Any:
    """This session's EngineView of ``filters`` (a few recent ones kept: going back to a
    filter runs nothing in the engine)."""
    from kpi.engine.view import EngineView
    from kpi.settings import FunnelSettings

    s = _session()
    views: OrderedDict[str, Any] = s.setdefault("views", OrderedDict())
    key = filters.key()
    if key not in views:
        views[key] = EngineView(
            connected(), filters, FunnelSettings(), raw=_session().get("raw_table")
        )
        while len(views) > _VIEWS_KEPT:
            views.popitem(last=False)
    views.move_to_end(key)
    return views[key]


def _figures() -> None:
    from kpi.export.workbook import MIME, ReportOptions, file_name, write_workbook
    from pages._ui import widgets

    table = connected()
    lang = current()
    try:
        filters = _filters(table, _view(_filters_none()).bounds())
        view = _view(filters)
        users, events = view.size()
    except (ParcoursError, Exception) as exc:
        _error(exc)
        return
    st.caption(t("connect.computed_in", backend=table.backend, table=table.label or "–"))
    c1, c2 = st.columns(2)
    c1.metric(tx("ingest_page.users"), fmt.integer(users, lang), border=True)
    c2.metric(tx("ingest_page.events"), fmt.integer(events, lang), border=True)
    if not events:
        st.info(t("connect.empty"))
        return
    try:
        kpis = [k for k in view.kpis() if k.available]
        prev = {k.code: k for k in (view.previous_kpis() or [])}
        if kpis:
            st.subheader(tx("connect.kpis"))
            for row in range(0, min(len(kpis), 8), 4):
                cells = st.columns(4)
                for cell, k in zip(cells, kpis[row : row + 4], strict=False):
                    with cell:
                        widgets.kpi_tile(k, prev.get(k.code))
        funnel = view.funnel()
        if funnel is not None:
            st.subheader(tx("connect.funnel"))
            st.dataframe(_funnel_words(funnel), hide_index=True)
        retention = view.retention()
        if retention is not None and retention.table.height:
            st.subheader(tx("connect.retention"))
            st.dataframe(_cohort_words(retention.table), hide_index=True)
        ab = view.ab_analysis()
        if ab is not None:
            st.subheader(tx("connect.ab"))
            for name, verdict in getattr(ab, "verdicts", {}).items():
                st.markdown(t("connect.ab_verdict", arm=name, sentence=verdict.sentence))
        flags = view.red_flags()
        if flags:
            widgets.red_flags(flags)
    except (ParcoursError, Exception) as exc:
        _error(exc)
        return
    st.caption(t("connect.not_offered"))
    opts = ReportOptions(lang=lang, source_label=table.label or None)

    def build() -> bytes:
        return write_workbook(view, opts)

    st.download_button(
        tx("frame.excel.label"),
        data=build,
        file_name=file_name(lang=lang),
        mime=MIME,
        on_click="ignore",
        icon=":material/download:",
        key="connect_download",
    )


def _filters_none() -> Any:
    from kpi.filters import Filters

    return Filters()


def _funnel_words(funnel: pl.DataFrame) -> pl.DataFrame:
    lang = current()
    return pl.DataFrame(
        {
            tx("connect.col.step"): funnel["step"].cast(pl.String),
            tx("connect.col.users"): [fmt.integer(v, lang) for v in funnel["users"]],
            tx("connect.col.conversion"): [fmt.percent(v, lang) for v in funnel["conversion"]],
            tx("connect.col.step_conversion"): [
                fmt.percent(v, lang) for v in funnel["step_conversion"]
            ],
        }
    )


def _cohort_words(table: pl.DataFrame) -> pl.DataFrame:
    lang = current()
    wide = table.pivot(on="period", index=["cohort", "cohort_size"], values="retention")
    periods = [c for c in wide.columns if c not in ("cohort", "cohort_size")][:7]
    return pl.DataFrame(
        {
            tx("connect.col.cohort"): wide["cohort"].cast(pl.String),
            tx("connect.col.users"): [fmt.integer(v, lang) for v in wide["cohort_size"]],
            **{
                tx("connect.col.period", n=int(p)): [fmt.percent(v, lang) for v in wide[p]]
                for p in periods
            },
        }
    )
