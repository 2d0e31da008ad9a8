"""Data page: what was read, what each column means, and every row accounted for."""

from __future__ import annotations

import functools
from typing import Any

import polars as pl
import streamlit as st

from kpi import quality
from kpi.dataset import Dataset
from kpi.errors import ParcoursError
from kpi.ingest.epoch import unit_by_magnitude
from kpi.ingest.roles import describe_roles, detect_kind, kind_name
from kpi.ingest.sniff import SEPARATOR_NAMES
from kpi.words import Fact, Lang, render
from kpi.words import format as fmt
from pages._ui import compute, connect, state, widgets
from pages._ui import gaps as gap_notes
from pages._ui.lang import current, t, tx
from pages._ui.page_end import end_page

lang = current()

#: segments named by Parcours (shown in words); any other segment is a column of the file
CANONICAL_SEGMENTS = ("device", "channel", "cohort", "variant")


def n(value: int) -> str:
    """A count as the reader's language writes it."""
    return fmt.integer(value, lang)


def show_error(exc: ParcoursError) -> None:
    """What is wrong (error) and what to do (hint), in the reader's language."""
    st.error(t(exc.message))
    if exc.hint is not None:
        st.info(t("ingest_page.what_to_do", hint=exc.hint))


def encoding_words(encoding: str | None) -> str:
    """The encoding as read (``utf-8``), or in words for workbooks and Parquet files."""
    if not encoding:
        return fmt.MISSING
    if encoding.startswith("binary"):
        return tx("ingest_page.encoding.binary")
    return encoding


def shape_words(kind: str) -> str:
    """A file's shape in words (``events`` -> "event log (one row per event)")."""
    try:
        return tx(kind_name(kind))
    except KeyError:  # a shape this page has no words for: its key, as is
        return kind


def quality_part(q: quality.Quality, ds: Dataset | None) -> None:
    """The quality report of the data in use: ``q`` of the files' Dataset ``ds``, or of a
    connected table (``ds`` None: counted in the engine; what needs the rows is not shown)."""
    st.header(tx("ingest_page.quality"))
    c1, c2, c3 = st.columns(3)
    if ds is not None and ds.counts is not None and ds.events.height == 0:  # totals, not people
        kept = int(q.accounting["rows_kept"].sum())
        c1.metric(tx("ingest_page.users"), fmt.MISSING, help=tx("ingest_page.users.aggregated"))
        c2.metric(tx("ingest_page.count_rows"), n(kept), help=tx("ingest_page.count_rows.help"))
    else:
        c1.metric(tx("ingest_page.users"), n(q.users))
        c2.metric(tx("ingest_page.events"), n(q.events))
    c3.metric(
        tx("ingest_page.duplicates"),
        n(q.duplicate_events),
        help=tx("ingest_page.duplicates.help"),
    )
    st.markdown(t("ingest_page.period", period=q.period_fact))
    if ds is None:
        pass
    elif ds.currency:
        st.markdown(t("ingest_page.currency", currency=ds.currency))
    elif len(ds.currencies) > 1:
        st.markdown(t("ingest_page.currencies", currencies=list(ds.currencies)))
    else:
        st.markdown(t("ingest_page.currency.none"))
    st.markdown(t("ingest_page.accounting"))
    acc = q.accounting
    st.table(
        pl.DataFrame(
            {
                tx("ingest_page.col.file"): acc["file"],
                tx("ingest_page.col.shape"): [shape_words(k) for k in acc["shape"]],
                tx("ingest_page.col.rows_read"): [n(v) for v in acc["rows_read"]],
                tx("ingest_page.col.rows_kept"): [n(v) for v in acc["rows_kept"]],
                tx("ingest_page.col.reason"): [tx(r) for r in acc["reason"]],
                tx("ingest_page.col.rows_dropped"): [n(v) for v in acc["rows_dropped"]],
                tx("ingest_page.col.examples"): acc["examples"],
            },
            schema_overrides={tx("ingest_page.col.file"): pl.String},
        )
    )
    if q.steps:
        st.markdown(t("ingest_page.steps", steps=" → ".join(q.steps)))
        if ds is not None:  # tracking gaps: a step at 0 on days when the next step is not
            found = gap_notes.find(state.digest(), tuple(q.steps), ds)
            gap_notes.show(found, aggregated=ds.events.height == 0)
    if q.segments:
        names = [
            Fact(f"ingest_page.segment.{s}") if s in CANONICAL_SEGMENTS else s for s in q.segments
        ]
        st.markdown(t("ingest_page.segments", segments=names))
    for note in ds.notes if ds is not None else ():
        st.caption(t("ingest_page.bullet", note=note))
    st.markdown(t("ingest_page.missing"))
    st.caption(t("ingest_page.missing.help"))
    missing = q.missing
    st.dataframe(
        pl.DataFrame(
            {
                tx("ingest_page.col.table"): [
                    tx(f"ingest_page.table.{v}") for v in missing["table"]
                ],
                tx("ingest_page.col.column"): missing["column"],
                tx("ingest_page.col.missing"): [n(v) for v in missing["missing"]],
                tx("ingest_page.col.missing_share"): [
                    fmt.percent(v, lang) for v in missing["missing_share"]
                ],
            },
            schema_overrides={tx("ingest_page.col.column"): pl.String},
        ),
        hide_index=True,
    )


st.title(tx("ingest_page.title"))
widgets.view_caption()

files = state.files()
ds, error = st.session_state.get("dataset"), st.session_state.get("dataset_error")

connect.section()  # a table read where it lives, when the server is configured for one

engine = compute.engine_view()
if engine is not None:  # the connected table's quality, counted in the engine; files kept
    try:
        table_quality = engine.quality()
    except ParcoursError as exc:
        show_error(exc)
    else:
        quality_part(table_quality, None)
        st.caption(t("connect.computed_in", backend=engine.table.backend, table=engine.label))
    st.info(t("connect.files_kept"))
    end_page()

if state.using_demo():
    st.info(t("ingest_page.demo"))
if isinstance(error, ParcoursError):
    show_error(error)
elif error:
    st.error(t(error))

if ds is not None:
    quality_part(compute.quality_summary(state.digest(), ds), ds)

st.header(tx("ingest_page.files"))
ENCODINGS = ["", "utf-8", "utf-8-sig", "cp1252", "iso-8859-15", "latin-1", "utf-16"]
DELIMITERS = ["", ",", ";", "\t", "|"]


def delimiter_words(d: str, lang: Lang | None = None) -> str:
    """A separator in words (the language fixed by the caller: a format_func may be called
    outside the script run, where the view's language is unknown)."""
    lang = lang or current()
    code = "ingest_page.detect" if not d else f"ingest_read.sep.{SEPARATOR_NAMES[d]}"
    return render(code, lang)


def option_index(options: list[str], value: Any) -> int:
    return options.index(value) if value in options else 0


sources = {s.name: s for s in ds.sources} if ds is not None else {}
tabs = st.tabs([tx("ingest_page.tab", file=f.name) for f in files])
for i, pf in enumerate(files):
    with tabs[i]:
        st.subheader(tx("ingest_page.tab", file=pf.name))
        if pf.error is not None:
            show_error(pf.error)
            continue
        table = pf.table
        assert table is not None
        rep = table.report
        try:
            kind: Fact = kind_name(detect_kind(pf.roles))
        except ParcoursError as exc:  # a SchemaError: say it, keep going
            kind = Fact("ingest_roles.kind.unusable", reason=exc.message)
        c1, c2, c3, c4 = st.columns(4)
        # after reading AND building the dataset (orders rules, missing ids…), as in the table
        src = sources.get(pf.name)
        kept = src.rows_kept if src else rep.rows_kept
        dropped = dict(src.dropped) if src else dict(rep.dropped)
        examples = dict(src.examples) if src else dict(rep.drop_examples)
        c1.metric(tx("ingest_page.col.rows_read"), n(rep.rows_read))
        c2.metric(tx("ingest_page.col.rows_kept"), n(kept))
        c3.metric(tx("ingest_page.col.rows_dropped"), n(sum(dropped.values())))
        c4.metric(tx("ingest_page.columns"), n(table.frame.width))
        separator = (
            Fact(f"ingest_read.sep.{SEPARATOR_NAMES[rep.delimiter]}")
            if rep.delimiter in SEPARATOR_NAMES
            else Fact("ingest_read.sep.other", char=rep.delimiter)
            if rep.delimiter
            else fmt.MISSING
        )
        st.markdown(
            t(
                "ingest_page.understood_as",
                kind=kind,
                format=rep.format,
                encoding=encoding_words(rep.encoding),
                separator=separator,
                line=(rep.header_row or 0) + 1,
            )
        )
        if pf.roles:
            understood = describe_roles(pf.roles)
            st.markdown(
                t(
                    "ingest_page.roles_understood",
                    roles=understood if understood is not None else Fact("ingest_page.none"),
                )
            )
        schema = table.frame.schema  # once: each .schema access rebuilds it (5,000 columns)
        epochs = dict(getattr(rep, "epoch_units", {}))
        for c, r in pf.roles.items():  # a Timestamp role chosen by hand on a number column
            if r in ("ts", "signup") and c not in epochs and schema[c].is_numeric():
                epochs[c] = unit_by_magnitude(table.frame[c]) or ""
        epochs = {c: u for c, u in epochs.items() if u}
        if epochs:
            st.markdown(
                t(
                    "ingest_page.epochs",
                    columns=[
                        Fact("ingest_page.yyyymmdd_column", column=c)
                        if u == "yyyymmdd"
                        else Fact(
                            "ingest_page.epoch_column",
                            column=c,
                            unit=Fact(f"ingest_values.unit.{u}"),
                        )
                        for c, u in epochs.items()
                    ],
                )
            )
        for note in rep.notes:
            st.caption(t("ingest_page.bullet", note=note))
        for warning in rep.warnings:
            st.warning(t(warning))
        by_name = {c.name: c for c in rep.columns}
        for col in rep.ambiguous_dates:
            label = getattr(by_name.get(col), "label", None)
            day_first = pf.options.get("date_order") == "dmy" or (
                isinstance(label, Fact) and label.code == "ingest_values.date_day_first"
            )
            st.warning(
                t(
                    "ingest_page.ambiguous_dmy" if day_first else "ingest_page.ambiguous_mdy",
                    column=col,
                )
            )

        with (
            st.expander(tx("ingest_page.options"), expanded=bool(rep.ambiguous_dates)),
            st.form(f"opts_{i}"),
        ):
            o1, o2, o3 = st.columns(3)
            enc = o1.selectbox(
                tx("ingest_page.encoding"),
                ENCODINGS,
                index=option_index(ENCODINGS, pf.options.get("encoding", "")),
                format_func=lambda x, lang=lang: x or render("ingest_page.detect", lang),
            )
            delim_opt = o2.selectbox(
                tx("ingest_page.separator"),
                DELIMITERS,
                format_func=functools.partial(delimiter_words, lang=lang),
                index=option_index(DELIMITERS, pf.options.get("delimiter", "")),
            )
            dec = o3.selectbox(
                tx("ingest_page.decimal"),
                ["", ",", "."],
                format_func=lambda x, lang=lang: render(
                    {
                        "": "ingest_page.detect",
                        ",": "ingest_page.decimal.comma",
                        ".": "ingest_page.decimal.point",
                    }[x],
                    lang,
                ),
            )
            o4, o5, o6 = st.columns(3)
            order = o4.selectbox(
                tx("ingest_page.dates"),
                ["", "dmy", "mdy"],
                format_func=lambda x, lang=lang: render(
                    {
                        "": "ingest_page.detect",
                        "dmy": "ingest_page.dates.dmy",
                        "mdy": "ingest_page.dates.mdy",
                    }[x],
                    lang,
                ),
            )
            header = o5.number_input(
                tx("ingest_page.header_line"),
                min_value=0,
                value=0,
                help=tx("ingest_page.header_line.help"),
            )
            sheet = ""
            if table.sheets and len(table.sheets) > 1:
                sheet = o6.selectbox(
                    tx("ingest_page.sheet"),
                    ["", *table.sheets],
                    format_func=lambda x, lang=lang: x or render("ingest_page.sheet.largest", lang),
                )
            if st.form_submit_button(tx("ingest_page.read_again"), disabled=state.using_demo()):
                state.reparse(
                    i,
                    {
                        "encoding": enc,
                        "delimiter": delim_opt,
                        "decimal": dec,
                        "date_order": order,
                        "header_row": int(header) - 1 if header else None,
                        "sheet": sheet,
                    },
                )
                st.rerun()

        st.markdown(t("ingest_page.roles"))
        understood_cols = (
            {c.name: c for c in rep.columns}
            if isinstance(rep.columns, list | tuple)
            else dict(rep.columns)
        )
        schema = table.frame.schema  # once: a wide file has thousands of columns

        def read_as(c: str, cols: dict = understood_cols, types: Any = schema) -> str:
            label = getattr(cols.get(c), "label", None)
            return tx(label) if label is not None else str(types[c])

        editor = pl.DataFrame(
            {
                "column": list(pf.roles),
                "role": list(pf.roles.values()),
                "read_as": [read_as(c) for c in pf.roles],
                "unreadable": [
                    getattr(understood_cols.get(c), "failed_count", 0) for c in pf.roles
                ],
            },
            schema={
                "column": pl.String,
                "role": pl.String,
                "read_as": pl.String,
                "unreadable": pl.Int64,
            },
        )
        edited = st.data_editor(
            editor,
            key=f"roles_{i}_{pf.digest}",
            disabled=state.using_demo() or ["column", "read_as", "unreadable"],
            hide_index=True,
            column_config={
                "column": st.column_config.TextColumn(tx("ingest_page.col.column")),
                "role": widgets.role_column(lang),
                "read_as": st.column_config.TextColumn(tx("ingest_page.col.read_as")),
                "unreadable": st.column_config.NumberColumn(tx("ingest_page.col.unreadable")),
            },
            width="stretch",
        )
        new_roles = (
            dict(zip(edited["column"], edited["role"], strict=True))
            if edited is not None
            else pf.roles
        )
        if new_roles != pf.roles and not state.using_demo():
            state.set_roles(i, new_roles)
            st.rerun()

        if dropped:
            st.markdown(t("ingest_page.dropped"))
            st.dataframe(
                pl.DataFrame(
                    {
                        tx("ingest_page.col.reason"): [tx(r) for r in dropped],
                        tx("ingest_page.col.rows"): [n(v) for v in dropped.values()],
                        tx("ingest_page.col.examples"): [
                            " | ".join(examples.get(r, [])[:3]) for r in dropped
                        ],
                    }
                ),
                hide_index=True,
            )
        if table.extra_tables:
            st.caption(
                t(
                    "ingest_page.extra_tables",
                    tables=[
                        Fact(
                            "ingest_page.extra_table",
                            title=getattr(x, "title", "") or Fact("ingest_read.untitled"),
                            rows=getattr(x, "frame", x).height,
                        )
                        for x in table.extra_tables
                    ],
                )
            )
        st.markdown(t("ingest_page.preview"))
        st.dataframe(table.frame.head(50), height=260)
