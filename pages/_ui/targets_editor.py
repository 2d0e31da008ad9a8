"""The Targets section: a compact table of KPI and target to type in, a targets file to load,
and the targets to download once set (:mod:`pages._ui.targets_state` keeps them)."""

from __future__ import annotations

import polars as pl
import streamlit as st

from kpi import targets as tg
from kpi.errors import ParcoursError
from kpi.words import Fact, render
from pages._ui import targets_state, targets_table
from pages._ui.lang import current, t, tx

__all__ = ["section"]

_VERSION = "targets_editor_version"
_UPLOADED = "targets_uploaded_id"
_LOADED = "targets_loaded"


def _labels() -> dict[str, str]:
    """KPI id -> its name in the reader's language (unique: a repeated name gets its id)."""
    lang = current()
    out: dict[str, str] = {}
    seen: set[str] = set()
    for k in tg.kpi_ids():
        name = render(tg.label_fact(k), lang)
        out[k] = name if name not in seen else f"{name} ({k})"
        seen.add(name)
    return out


def _frame(targets: tg.Targets, labels: dict[str, str]) -> pl.DataFrame:
    ids = [k for k, _ in targets]
    return pl.DataFrame(
        {"kpi": [labels[k] for k in ids], "target": [v for _, v in targets]},
        schema={"kpi": pl.String, "target": pl.Float64},
    )


def _set_now(targets: tg.Targets) -> None:
    """The targets in force, as the reader's locale writes them, and which way is better."""
    if not len(targets):
        return
    lang = current()
    parts = [
        render(
            Fact(
                "targets.editor.set_one",
                kpi=tg.label_fact(k),
                target=tg.value_fact(k, v),
                better=Fact(
                    "targets.editor.lower" if k in tg.LOWER_IS_BETTER else "targets.editor.higher"
                ),
            ),
            lang,
            markdown=True,
        )
        for k, v in targets
    ]
    st.markdown(t("targets.editor.set_now") + " " + " · ".join(parts))


def _apply(key: str, ids: list[str], values: list[float], labels: dict[str, str]) -> None:
    """The editor's changes (its session state) into the session's targets."""
    edits = st.session_state.get(key) or {}
    by_label = {v: k for k, v in labels.items()}
    rows: list[list[object]] = [[k, v] for k, v in zip(ids, values, strict=True)]
    for i, change in (edits.get("edited_rows") or {}).items():
        row = rows[int(i)]
        if "kpi" in change:
            row[0] = by_label.get(change["kpi"])
        if "target" in change:
            row[1] = change["target"]
    for added in edits.get("added_rows") or []:
        rows.append([by_label.get(added.get("kpi")), added.get("target")])
    deleted = {int(i) for i in edits.get("deleted_rows") or []}
    kept: dict[str, float] = {}
    left_out: list[Fact] = []
    for i, (kpi, value) in enumerate(rows):
        if i in deleted or kpi is None or value is None:
            continue
        problem = tg.check(str(kpi), float(value))  # type: ignore[arg-type]
        if problem is not None:
            left_out.append(problem)
            continue
        kept[str(kpi)] = float(value)  # type: ignore[arg-type]
    targets_state.set_targets(tg.Targets.of(kept), tuple(left_out))


def _clear() -> None:
    targets_state.set_targets(tg.Targets())
    st.session_state[_VERSION] = st.session_state.get(_VERSION, 0) + 1
    st.session_state.pop(_LOADED, None)


def _upload(prefix: str) -> None:
    """A targets file: read once per upload, its targets replace the session's."""
    file = st.file_uploader(
        tx("targets.editor.upload"),
        type=["csv", "txt"],
        key=f"{prefix}targets_file",
        help=tx("targets.editor.upload_help"),
        max_upload_size=1,
    )
    if file is None or st.session_state.get(_UPLOADED) == file.file_id:
        return
    st.session_state[_UPLOADED] = file.file_id
    try:
        read = tg.read_csv(file.getvalue())
    except ParcoursError as exc:
        st.session_state[_LOADED] = (file.name, None, (exc.message, exc.hint))
        return
    targets_state.set_targets(read.targets, read.problems)
    st.session_state[_LOADED] = (file.name, read.summary(), ())
    st.session_state[_VERSION] = st.session_state.get(_VERSION, 0) + 1


def section(prefix: str = "") -> None:
    """The Targets expander (``prefix``: the page's widget keys)."""
    targets = targets_state.current()
    n = len(targets)
    title = tx("targets.editor.title_n", n=n) if n else tx("targets.editor.title")
    with st.expander(title, icon=":material/flag_circle:", key=f"{prefix}targets_section"):
        st.caption(t("targets.editor.intro"))
        _upload(prefix)
        loaded = st.session_state.get(_LOADED)
        if loaded:
            name, summary, errors = loaded
            if summary is not None:
                st.success(t("targets.editor.loaded", file=name, summary=summary))
            for fact in errors:
                if fact is not None:
                    st.error(t(fact))
        targets = targets_state.current()
        labels = _labels()
        key = f"{prefix}targets_editor_{st.session_state.get(_VERSION, 0)}"
        if key not in st.session_state:  # a fresh editor starts from the targets in force
            st.session_state[f"{key}_base"] = targets
        base: tg.Targets = st.session_state[f"{key}_base"]
        ids, values = [k for k, _ in base], [v for _, v in base]
        st.data_editor(
            _frame(base, labels),
            key=key,
            num_rows="dynamic",
            hide_index=True,
            width="stretch",
            column_config={
                "kpi": st.column_config.SelectboxColumn(
                    tx("targets.editor.kpi"), options=list(labels.values()), required=True
                ),
                "target": st.column_config.NumberColumn(
                    tx("targets.editor.target"),
                    help=tx("targets.editor.target_help"),
                    format="%g",
                    required=True,
                ),
            },
            on_change=_apply,
            args=(key, ids, values, labels),
        )
        _set_now(targets)
        targets_table.table()  # value, target, gap and status of each
        for problem in targets_state.problems():
            st.warning(t("targets.editor.invalid", why=problem))
        st.caption(t("targets.editor.rules"))
        if len(targets):
            c1, c2 = st.columns(2)
            c1.download_button(
                tx("targets.editor.download"),
                data=targets.to_csv(),
                file_name=tx("targets.editor.file_name"),
                mime="text/csv",
                on_click="ignore",
                icon=":material/download:",
                key=f"{prefix}targets_download",
            )
            c2.button(
                tx("targets.editor.clear"),
                on_click=_clear,
                key=f"{prefix}targets_clear",
                icon=":material/delete:",
            )
