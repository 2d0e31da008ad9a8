"""Data page: what was read, what each column means, and every row accounted for."""

from __future__ import annotations

import polars as pl
import streamlit as st

from kpi.epoch import UNIT_NAMES, unit_by_magnitude
from kpi.schema import KIND_LABELS, ROLE_LABELS, ROLES, describe_roles, detect_kind
from pages._ui import compute, state, widgets
from pages._ui import gaps as gap_notes

st.title("Data")
widgets.view_caption()

files = state.files()
ds, error = st.session_state.get("dataset"), st.session_state.get("dataset_error")

if state.using_demo():
    st.info(
        "You are looking at the **demo data set** (a fictional shop: events, users, ad spend, "
        "NPS answers). Upload your own exports in the sidebar: Parcours reads them, shows here "
        "what it understood, and lets you correct it."
    )
if error:
    st.error(error)

if ds is not None:
    st.header("Data quality")
    q = compute.quality_summary(state.digest(), ds)
    c1, c2, c3 = st.columns(3)
    if ds.counts is not None and ds.events.height == 0:  # totals, not people: no 0 users
        kept = int(q.accounting["rows_kept"].sum())
        c1.metric("Users", "–", help="Aggregated counts: the file holds totals, not users.")
        c2.metric("Rows of counts", f"{kept:,}", help="Rows of totals read from the file.")
    else:
        c1.metric("Users", f"{q.users:,}")
        c2.metric("Events", f"{q.events:,}")
    c3.metric(
        "Duplicate events", f"{q.duplicate_events:,}", help="Rows identical in every column (kept)."
    )
    st.markdown(f"**Period covered:** {q.period or 'no dates in the data'}")
    st.markdown("**Every input row, accounted for**")
    shown = q.accounting.with_columns(
        pl.col("rows_read", "rows_kept", "rows_dropped").map_elements(
            lambda n: f"{n:,}", return_dtype=pl.String
        )
    ).rename({"rows_read": "rows read", "rows_kept": "rows kept", "rows_dropped": "rows dropped"})
    st.table(shown)
    if q.steps:
        st.markdown(f"**Steps found** (default funnel order): {' → '.join(q.steps)}")
        # tracking gaps: a step at 0 on days when the next step is not (kpi.gaps)
        found = gap_notes.find(state.digest(), tuple(q.steps), ds)
        gap_notes.show(found, aggregated=ds.events.height == 0)
    if q.segments:
        st.markdown(f"**Segments:** {', '.join(q.segments)}")
    for note in ds.notes:
        st.caption(f"• {note}")
    st.markdown("**Missing values per column** (after building the canonical tables)")
    st.caption(
        "Expected gaps: revenue and order_id are empty on events that are not purchases; "
        "segments are empty for users the files say nothing about (shown as “(none)”)."
    )
    st.dataframe(
        q.missing,
        hide_index=True,
        column_config={
            "missing": st.column_config.NumberColumn("missing", format="localized"),
            "missing_share": st.column_config.NumberColumn("share", format="percent"),
        },
    )

st.header("Files")
ENCODINGS = ["", "utf-8", "utf-8-sig", "cp1252", "iso-8859-15", "latin-1", "utf-16"]
DELIMITERS = {"": "detect", ",": "comma ,", ";": "semicolon ;", "\t": "tab", "|": "pipe |"}

sources = {s.name: s for s in ds.sources} if ds is not None else {}
tabs = st.tabs([f.name for f in files])
for i, pf in enumerate(files):
    with tabs[i]:
        st.subheader(pf.name)
        if pf.error is not None:
            st.error(f"{pf.error.message}")
            if pf.error.hint:
                st.info(f"What to do: {pf.error.hint}")
            continue
        table = pf.table
        assert table is not None
        rep = table.report
        try:
            kind = KIND_LABELS.get(detect_kind(pf.roles), "?")
        except Exception as exc:  # a SchemaError: say it, keep going
            kind = f"not usable yet: {exc}"
        c1, c2, c3, c4 = st.columns(4)
        # after reading AND building the dataset (orders rules, missing ids…), as in the table
        src = sources.get(pf.name)
        kept = src.rows_kept if src else rep.rows_kept
        dropped = dict(src.dropped) if src else dict(rep.dropped)
        examples = dict(src.examples) if src else dict(rep.drop_examples)
        c1.metric("Rows read", f"{rep.rows_read:,}")
        c2.metric("Rows kept", f"{kept:,}")
        c3.metric("Rows dropped", f"{sum(dropped.values()):,}")
        c4.metric("Columns", f"{table.frame.width}")
        delim = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}.get(
            rep.delimiter or "", rep.delimiter or "–"
        )
        st.markdown(
            f"**Understood as:** {kind} · format **{rep.format}** · encoding **{rep.encoding or '–'}** "
            f"· delimiter **{delim}** · header on line **{(rep.header_row or 0) + 1}**"
        )
        if pf.roles:
            st.markdown(f"**Columns understood:** {describe_roles(pf.roles) or 'none'}")
        schema = table.frame.schema  # once: each .schema access rebuilds it (5,000 columns)
        epochs = dict(getattr(rep, "epoch_units", {}))
        for c, r in pf.roles.items():  # a Timestamp role chosen by hand on a number column
            if r in ("ts", "signup") and c not in epochs and schema[c].is_numeric():
                epochs[c] = unit_by_magnitude(table.frame[c]) or ""
        epochs = {c: u for c, u in epochs.items() if u}
        if epochs:
            st.markdown(
                "**Epoch timestamps** (read as UTC): "
                + " · ".join(
                    f"{c}: {'a yyyymmdd date' if u == 'yyyymmdd' else 'epoch ' + UNIT_NAMES.get(u, u)}"
                    for c, u in epochs.items()
                )
            )
        for note in rep.notes:
            st.caption(f"• {note}")
        for warning in rep.warnings:
            st.warning(warning)
        for col in rep.ambiguous_dates:
            st.warning(
                f"Dates in **{col}** read both ways (every day ≤ 12). Parcours assumed "
                f"{'day first (dd/mm)' if (pf.options.get('date_order') or rep.date_order) == 'dmy' else 'month first (mm/dd)'}; "
                "change it below if that is wrong."
            )

        with (
            st.expander(
                "Reading options (override what was detected)", expanded=bool(rep.ambiguous_dates)
            ),
            st.form(f"opts_{i}"),
        ):
            o1, o2, o3 = st.columns(3)
            enc = o1.selectbox(
                "Encoding",
                ENCODINGS,
                index=ENCODINGS.index(pf.options.get("encoding", ""))
                if pf.options.get("encoding", "") in ENCODINGS
                else 0,
                format_func=lambda x: x or "detect",
            )
            delim_opt = o2.selectbox(
                "Delimiter",
                list(DELIMITERS),
                format_func=DELIMITERS.get,
                index=list(DELIMITERS).index(pf.options.get("delimiter", ""))
                if pf.options.get("delimiter", "") in DELIMITERS
                else 0,
            )
            dec = o3.selectbox(
                "Decimal mark",
                ["", ",", "."],
                format_func=lambda x: {"": "detect", ",": "comma 1,5", ".": "point 1.5"}[x],
            )
            o4, o5, o6 = st.columns(3)
            order = o4.selectbox(
                "Dates",
                ["", "dmy", "mdy"],
                format_func=lambda x: {
                    "": "detect",
                    "dmy": "day first 31/12",
                    "mdy": "month first 12/31",
                }[x],
            )
            header = o5.number_input(
                "Header line (1 = first)", min_value=0, value=0, help="0 = detect"
            )
            sheet = ""
            if table.sheets and len(table.sheets) > 1:
                sheet = o6.selectbox(
                    "Sheet", ["", *table.sheets], format_func=lambda x: x or "largest"
                )
            if st.form_submit_button("Read again with these options", disabled=state.using_demo()):
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

        st.markdown("**Columns and their roles** — correct a role and the analyses follow.")
        understood = (
            {c.name: c for c in rep.columns}
            if isinstance(rep.columns, list | tuple)
            else dict(rep.columns)
        )
        schema = table.frame.schema  # once: a wide file has thousands of columns
        editor = pl.DataFrame(
            {
                "column": list(pf.roles),
                "role": list(pf.roles.values()),
                "read as": [getattr(understood.get(c), "label", str(schema[c])) for c in pf.roles],
                "unreadable values": [
                    getattr(understood.get(c), "failed_count", 0) for c in pf.roles
                ],
            }
        )
        edited = st.data_editor(
            editor,
            key=f"roles_{i}_{pf.digest}",
            disabled=state.using_demo() or ["column", "read as", "unreadable values"],
            hide_index=True,
            column_config={
                "role": st.column_config.SelectboxColumn(
                    "role",
                    options=list(ROLES),
                    required=True,
                    format_func=lambda r: ROLE_LABELS.get(r, r),
                ),
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
            st.markdown("**Rows dropped, by reason** (with up to three examples each)")
            st.dataframe(
                pl.DataFrame(
                    {
                        "reason": list(dropped),
                        "rows": list(dropped.values()),
                        "examples": [" | ".join(examples.get(r, [])[:3]) for r in dropped],
                    }
                ),
                hide_index=True,
                column_config={"rows": st.column_config.NumberColumn(format="localized")},
            )
        if table.extra_tables:
            st.caption(
                "Other tables found in this file (not used): "
                + ", ".join(
                    f"{getattr(t, 'title', 'table')} ({getattr(t, 'frame', t).height} rows)"
                    for t in table.extra_tables
                )
            )
        st.markdown("**Preview** (first 50 rows as read)")
        st.dataframe(table.frame.head(50), height=260)
