"""The "connect" data source: a table read where it lives (DuckDB, Parquet, Spark, a warehouse).

The connection string comes from the server's configuration only: ``st.secrets``
(``.streamlit/secrets.toml``: ``[parcours] source = "duckdb:///…"``) or the environment
variable ``PARCOURS_SOURCE``; it is never typed into a page, never shown (the page names the
source by its label, :class:`kpi.engine.source.SourceSpec`), never put in the URL. Each
session opens its own read-only connection and keeps its choices (table, roles) and its
:class:`~kpi.engine.view.EngineView` results in ``st.session_state``: nothing crosses
sessions except the configuration.

:func:`section` draws the Data page's part: the tables, a preview of 20 rows, the roles (GA4
recognised) and the "Use this table" button. Once a table is in use, every page reads it: the
sidebar's filters are drawn from the engine (:func:`base_view`: the table's period and segment
values) and :func:`view` gives the session's :class:`~kpi.engine.view.EngineView` of the
sidebar's filters, the Funnel page's settings and the cohort grain (a few recent ones are kept,
and a new one starts with the results of the others that do not depend on what changed, as
``pages._ui.compute`` does for uploads). :func:`sidebar_box` says in the sidebar which table is
in use, with a button to go back to the files.
"""

from __future__ import annotations

import contextlib
import os
from collections import OrderedDict
from typing import Any

import polars as pl
import streamlit as st

from kpi.errors import ParcoursError
from pages._ui.lang import current, t, tx

__all__ = [
    "ENV",
    "base_view",
    "configured",
    "connected",
    "digest",
    "disconnect",
    "filters",
    "follow_link",
    "section",
    "sidebar_box",
    "view",
]

ENV = "PARCOURS_SOURCE"
LINK = "table"  # the URL parameter naming the connected table in use
ONE_TABLE = "*"  # its value for a source that is one table
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


def _use(src: Any, table: str | None, roles: dict[str, str]) -> None:
    """Use ``table`` of the open source ``src`` with the roles detected, corrected by
    ``roles``: every page reads it from the next run on."""
    from kpi.engine.roles import map_roles

    s = _session()
    s["engine_table"] = map_roles(src.native, roles or None, label=src.label)
    s["raw_table"] = map_roles(src.native, roles or None, label=src.label, keep_invalid=True)
    s["in_use"] = {"table": table, "roles": dict(roles)}
    s.pop("views", None)


def disconnect() -> None:
    """Stop using the connected table: the pages read the uploaded (or demo) files again (and
    the address bar no longer names the table)."""
    s = _session()
    for key in ("engine_table", "raw_table", "views", "in_use"):
        s.pop(key, None)
    s["link_done"] = st.query_params.get(LINK)  # the link's table is not opened again
    if LINK in st.query_params:
        del st.query_params[LINK]


def follow_link() -> None:
    """The address bar names the connected table in use (``?table=events``; ``*`` for a
    one-table source such as a Parquet folder: the table's name only, never the address), so
    that a link copied in a meeting opens the same table, filters and page for a colleague on
    this server: a session opened from such a link uses that table (roles as detected) once,
    and says so when it cannot."""
    s = _session()
    used = s.get("in_use")
    if connected() is not None and used is not None:
        name = used.get("table")
        st.query_params[LINK] = name if name is not None else ONE_TABLE
        return
    wanted = st.query_params.get(LINK)
    text = configured()
    if not wanted or s.get("link_done") == wanted:
        return
    s["link_done"] = wanted  # tried once per session and link
    if not text:
        del st.query_params[LINK]
        return
    try:
        spec = _spec(text)
        tables = _tables(spec)
        table = None if wanted == ONE_TABLE and not tables else wanted
        if table is not None and table not in tables:
            from kpi.errors import InputError
            from kpi.words import Fact

            raise InputError(
                Fact("connect.link_table_missing", table=wanted),
                Fact("connect.link_table_hint"),
            )
        src = _opened(spec, table)
        from kpi.engine.roles import detect

        _use(src, table, {})
        s["detected"], s["detected_of"] = dict(detect(src.native)), ("detected", src.label)
        s["roles"] = {}
        s["link_done"] = wanted
    except (ParcoursError, Exception) as exc:
        _error(exc)
        del st.query_params[LINK]


def digest() -> str | None:
    """Identity of the connected table in use (table and roles: for cache keys and the links'
    checks), None when none is. Never the connection string."""
    used = _session().get("in_use")
    if connected() is None or used is None:
        return None
    return f"engine|{used.get('table')}|{sorted(used.get('roles', {}).items())!r}"


#: results of an EngineView that depend on nothing but the table (kept across every view of
#: it: the sidebar's choices, the data-quality counts); keys with the view's filters in them
#: (``size|<filters>``, ``segment_counts|<segment>|<filters>``) are the same in every view
_TABLE_WIDE = (
    "bounds",
    "step_stats",
    "event_steps",
    "quality",
    "quality_for_sources",
    "sources",
    "ab_assignments",
)
_TABLE_WIDE_PREFIXES = ("segment_values|", "size|", "segment_counts|")
#: results that depend on the filters and the cohort grain but not on the funnel settings
_SETTINGS_FREE = ("kpis", "prev_kpis", "monthly_duration", "assignment")
_SETTINGS_FREE_PREFIXES = (
    "retention|",
    "kpis_by|",
    "stages|",
    "value|",
    "advocacy|",
    "cohort|",
    "ab_page|",  # the A/B page's counts name their own step, window and breakdown
    "ab_values|",
)


def _inherit(new: Any, views: OrderedDict[tuple, Any], key: tuple) -> None:
    """Start ``new`` with the kept results of the other views of the same table that do not
    depend on what differs (a step change recomputes only the funnel)."""
    for other_key, other in reversed(views.items()):
        if other is new or other.table is not new.table:
            continue
        same_filters = other_key[:2] == key[:2]  # same filters and grain
        for k, v in list(other._memo.items()):
            if (
                k in _TABLE_WIDE
                or k.startswith(_TABLE_WIDE_PREFIXES)
                or (same_filters and (k in _SETTINGS_FREE or k.startswith(_SETTINGS_FREE_PREFIXES)))
            ):
                new._memo.setdefault(k, v)


def view(filters: Any, settings: Any = None, grain: str = "month") -> Any:
    """This session's :class:`~kpi.engine.view.EngineView` of the connected table for
    ``filters``, funnel ``settings`` and cohort ``grain`` (None without a table in use).
    Creating one runs nothing in the engine; going back to a view kept runs nothing at all."""
    from kpi.engine.view import EngineView
    from kpi.settings import FunnelSettings

    table = connected()
    if table is None:
        return None
    settings = settings if settings is not None else FunnelSettings()
    s = _session()
    views: OrderedDict[tuple, Any] = s.setdefault("views", OrderedDict())
    key = (filters.key(), grain, repr(settings))
    got = views.get(key)
    if got is None or got.table is not table:
        got = EngineView(
            table,
            filters,
            settings,
            cohort_grain="week" if grain == "week" else "month",
            raw=s.get("raw_table"),
        )
        _inherit(got, views, key)
        views[key] = got
        while len(views) > _VIEWS_KEPT:
            views.popitem(last=False)
    views.move_to_end(key)
    return got


def base_view() -> Any:
    """The EngineView of the whole table (no filter): the sidebar's period and segment values."""
    from kpi.filters import Filters

    return view(Filters())


def filters(box: Any, link: Any = None) -> None:
    """The sidebar's filters of the connected table in use (:func:`pages._ui.sidebar.filters`
    drawn from :func:`base_view`). When the engine cannot say the table's period or segment
    values, the error is said (redacted) and the view has no filter."""
    from kpi.filters import Filters
    from pages._ui import sidebar

    try:
        sidebar.filters(base_view(), box, link)
    except Exception as exc:  # an engine's own error (ParcoursError included): said, redacted
        with box:
            _error(exc)
        st.session_state["filters"] = Filters()


def sidebar_box(box: Any) -> None:
    """The sidebar's data source while a connected table is in use: which table (its label,
    never the address), in which engine, and the way back to the files."""
    table = connected()
    if table is None:
        return
    with box.container(border=True):
        st.markdown(t("connect.in_use", table=table.label or "–", backend=table.backend))
        if st.button(tx("connect.back_to_files"), key="connect_back", width="stretch"):
            disconnect()
            st.rerun()


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
            _use(src, table, roles)
        except (ParcoursError, Exception) as exc:
            _error(exc)
            return
        st.rerun()  # the sidebar's filters are the table's from now on
    if connected() is not None and c2.button(tx("connect.stop"), key="connect_stop"):
        disconnect()
        st.rerun()  # back to the files: the sidebar's filters are theirs again
    if connected() is not None:
        st.success(t("connect.now_in_use", table=connected().label or "–"))


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
    from pages._ui import widgets

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
            "role": widgets.role_column(lang),
        },
        width="stretch",
    )
    if edited is not None:
        chosen = dict(zip(edited["column"], edited["role"], strict=True))
        s["roles"] = {c: r for c, r in chosen.items() if detected.get(c) != r}
    return dict(s["roles"])
