"""The users behind a number: a compact picker and a CSV download on the Funnel and Retention
pages (:mod:`kpi.audience` reads the ids from the session's View, :mod:`kpi.export.audience_csv`
writes the file).

On a connected table the same section reads the engine (:mod:`kpi.engine.audience`): the
count shown is counted there (a funnel step) or is the cohort table's cell, and the ids are
selected in the engine only when the button is clicked.

The ids are the user's own data: the picker's choices are not in the URL (a shared link
carries no id and downloads nothing by itself), the file is built when the button is clicked
(``data`` is a callable) and kept nowhere, neither in a cache shared across sessions nor in
the session state. On a file of counts the section says why it is not offered (no users).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import polars as pl
import streamlit as st

from kpi import audience as people
from kpi.errors import InputError, ParcoursError
from kpi.export.audience_csv import SEPARATORS, audience_csv, file_name
from kpi.export.text import view_text, window_text
from kpi.settings import FunnelSettings
from kpi.words import Fact, Lang, render
from kpi.words import format as fmt
from pages._ui import compute, state
from pages._ui.lang import current, t, tx

__all__ = ["funnel_section", "retention_section"]

CSV_MIME = "text/csv"


def _source() -> str:
    """The data's name as the workbook's Summary says it (the connected table's label, never
    its address; files; demo data)."""
    engine = compute.engine_view()
    if engine is not None:
        return str(engine.label or "–")
    if state.using_demo():
        return tx("export.demo_data")
    return ", ".join(f.name for f in state.files()) or "–"


def _view_lines() -> list[tuple[Fact | str, Fact | str]]:
    lang = current()
    f = state.current_filters()
    return [
        (Fact("export.summary.data"), _source()),
        (Fact("export.summary.view"), view_text(f, lang)),
        (Fact("audience.csv.segments"), Fact("audience.csv.first_touch")),
    ]


def _cohort_label(start: date | None, grain: str, lang: Lang) -> str:
    """A cohort as :func:`pages._ui.kpi_figures.cohort_name` names it, in ``lang`` (a
    format_func may be called outside the run, where the language cannot be read)."""
    if start is None:
        return fmt.MISSING
    if grain == "month":
        return fmt.month(start, lang)
    if grain == "week":
        return render(Fact("retention.page.week_of", start=start), lang)
    return fmt.date(start, lang)


def _header_checkbox(key: str) -> bool:
    return st.checkbox(
        t("audience.page.with_header"),
        value=True,
        key=key,
        help=t("audience.page.with_header_help"),
    )


def _download(
    total: int,
    what: Fact,
    kind: str,
    fetch: Callable[[], people.Audience],
    page: str,
    lines: list[tuple[Fact | str, Fact | str]],
    key: str,
) -> None:
    """The count in words, the download button (the ids fetched and the file built on click)
    and the file's note."""
    lang = current()
    if total == 0:
        st.info(t("audience.page.nobody", what=what))
        return
    st.markdown(t("audience.page.count", n=total, what=what))
    header = _header_checkbox(f"{key}_header")
    when = datetime.now(UTC)

    def build() -> bytes:
        try:
            got = fetch()
        except ParcoursError as exc:  # the engine failed on click: the file says why
            return ("# " + exc.text(lang) + "\r\n").encode("utf-8-sig")
        return audience_csv(got, lang=lang, lines=lines, generated_at=when, header=header)

    st.download_button(
        tx("audience.page.download", n=min(total, people.LIMIT)),
        data=build,
        file_name=file_name(page, kind, when),
        mime=CSV_MIME,
        key=key,
        icon=":material/download:",
        on_click="ignore",
    )
    st.caption(t("audience.page.file_note", sep=SEPARATORS.get(lang, ",")))


def _counts_only(counts_mode: bool) -> bool:
    """Say why the section is not offered (a file of counts: no users); True then."""
    if counts_mode:
        st.info(t("audience.page.counts_only"))
        return True
    return False


def _view() -> tuple[Any, Any]:
    """(the connected table's EngineView or None, the upload's View or None)."""
    engine = compute.engine_view()
    return engine, (compute.current_view() if engine is None else None)


def funnel_section(
    table: pl.DataFrame | None, settings: FunnelSettings, *, counts_mode: bool = False
) -> None:
    """On the Funnel page, under the step table: a step, reached or dropped off, the ids."""
    with st.expander(tx("audience.page.title"), icon=":material/group:"):
        if _counts_only(counts_mode):
            return
        engine, upload = _view()
        view = engine if engine is not None else upload
        steps = list(settings.steps or ())
        if view is None or table is None or not steps:
            st.info(t("audience.error.no_funnel"))
            return
        lang = current()
        st.caption(t("audience.page.intro"))
        c1, c2 = st.columns([2, 2])
        step = c1.selectbox(
            t("audience.page.step"),
            list(range(1, len(steps) + 1)),
            format_func=lambda k: render(
                Fact("audience.page.step_option", step=k, name=str(steps[k - 1])), lang
            ),
            key="au_fn_step",
        )
        kinds = ["reached", "dropped"] if step < len(steps) else ["reached"]
        kind = (
            c2.segmented_control(
                t("audience.page.who"),
                kinds,
                format_func=lambda k: render(f"audience.page.who.{k}", lang),
                default="reached",
                key="au_fn_kind",
            )
            or "reached"
        )
        if kind not in kinds:
            kind = "reached"
        k = int(step)
        try:
            if engine is not None:
                from kpi.engine import audience as connected

                people.check_step(steps, k, kind)
                total = connected.funnel_count(engine, k, kind)  # type: ignore[arg-type]

                def fetch() -> people.Audience:
                    return connected.funnel_audience(engine, k, kind)  # type: ignore[arg-type]
            else:
                got = people.funnel_audience(upload, k, kind)  # type: ignore[arg-type]
                total = got.total

                def fetch() -> people.Audience:
                    return got
        except ParcoursError as exc:
            st.info(exc.text(lang, markdown=True))
            return
        order = render(f"export.order.{settings.order}", lang)
        lines = [
            *_view_lines(),
            (Fact("export.summary.steps"), " → ".join(map(str, steps))),
            (
                Fact("export.summary.rules"),
                Fact(
                    "export.summary.rules_text",
                    order=order,
                    window=window_text(view.window, lang),
                ),
            ),
            (Fact("audience.csv.page"), Fact("audience.csv.page.funnel")),
        ]
        what = people.funnel_fact(steps, k, kind)
        _download(total, what, kind, fetch, "funnel", lines, "au_fn_download")


def retention_section(
    summary: object,
    *,
    cohort_by: str,
    return_step: str | None,
    mode: str,
    grain: str,
    purchase_step: str,
) -> None:
    """On the Retention page: a cohort and a period of its table, the users retained there."""
    with st.expander(tx("audience.page.title"), icon=":material/group:"):
        engine, view = _view()
        if engine is not None:
            view = engine
        table = getattr(summary, "table", None)
        if view is None or table is None or table.height == 0:
            st.info(t("audience.page.no_cells"))
            return
        lang = current()
        st.caption(t("audience.page.intro"))
        cohorts = table.select("cohort", "cohort_start").unique().sort("cohort_start")
        starts = dict(cohorts.iter_rows())
        c1, c2 = st.columns([2, 2])
        cohort = c1.selectbox(
            t("audience.page.cohort"),
            list(starts),
            format_func=lambda c: _cohort_label(starts.get(c), grain, lang),
            key="au_rt_cohort",
        )
        periods = table.filter(pl.col("cohort") == cohort)["period"].sort().to_list()
        period = c2.selectbox(
            t("audience.page.period"),
            periods,
            index=min(1, len(periods) - 1),
            format_func=lambda n: render(f"retention.page.period_short.{grain}", lang, n=n),
            key="au_rt_period",
        )
        label = _cohort_label(starts[cohort], grain, lang)
        options: dict[str, Any] = {
            "cohort_by": cohort_by,
            "return_step": return_step,
            "mode": mode,
            "purchase_step": purchase_step,
            "grain": grain,
            "cohort": label,
        }
        try:
            if engine is not None:
                from kpi.engine import audience as connected

                if cohort_by not in ("first_event", "first_purchase"):
                    raise InputError(
                        Fact("audience.error.cohort_anchor"), Fact("audience.hint.cohort_anchor")
                    )
                cell = table.filter(
                    (pl.col("cohort") == cohort) & (pl.col("period") == int(period))
                )
                total = int(cell["retained"].sum()) if cell.height else 0

                def fetch() -> people.Audience:
                    return connected.cohort_audience(
                        engine, starts[cohort], int(period), total=total, **options
                    )

                what = people.cohort_fact(label, int(period), mode, grain)
            else:
                got = people.cohort_audience(view, starts[cohort], int(period), **options)
                total, what = got.total, got.what

                def fetch() -> people.Audience:
                    return got
        except ParcoursError as exc:
            st.info(exc.text(lang, markdown=True))
            return
        lines = [
            *_view_lines(),
            (Fact("audience.csv.cohorts"), getattr(summary, "settings", "")),
            (Fact("audience.csv.page"), Fact("audience.csv.page.retention")),
        ]
        _download(total, what, "retained", fetch, "retention", lines, "au_rt_download")
