"""From data: the counts of a test from an A/B summary file, or from the users of the data
(variant column, what counts as a conversion, window, breakdown, control), with every row
accounted for. The users are the upload's view (:func:`from_users`) or a connected table's
view, counted in its engine (:func:`from_engine`): the same choices and words for both."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import polars as pl
import streamlit as st

from kpi import abtest
from kpi.abtest import ABSource, Assignment, SummaryCounts, VariantCounts
from kpi.dataset import Dataset
from kpi.engine import view_ab
from kpi.engine.view import EngineView
from kpi.errors import ParcoursError
from pages._ui import ab_settings, compute, state, widgets
from pages._ui.ab_text import code
from pages._ui.lang import current, t, tx


@dataclass(frozen=True)
class FromData:
    """The counts from the data and the choices made to count them."""

    counts: pl.DataFrame
    source: ABSource
    variant_column: str
    control: str
    segment: str | None = None
    outcome: str | None = None
    flags: tuple[str, ...] = ()
    window_days: float = 0.0
    observational: bool = False


@st.cache_data(scope="session", max_entries=8, show_spinner=False)
def _summary(digest: str, _frame: pl.DataFrame) -> SummaryCounts | None:
    return abtest.summary_counts(_frame)


def summary_file() -> tuple[str, SummaryCounts] | None:
    """The first uploaded file that is an A/B summary (variant, visitors, conversions …)."""
    if state.using_demo():
        return None
    for f in state.files():
        if f.table is not None:
            found = _summary(f.digest, f.table.frame)
            if found is not None:
                return f.name, found
    return None


@compute.per_view
def _assignments(key: str, _ds: Dataset) -> list[Assignment]:
    return abtest.assignment_columns(_ds.users, _ds.segments)


@compute.per_view
def _counts(
    key: str,
    variant: str,
    flag: str | None,
    step: str | None,
    window_days: float,
    by: str | None,
    revenue: bool,
    _ds: Dataset,
) -> VariantCounts:
    window = dt.timedelta(days=window_days) if window_days and window_days > 0 else None
    view = compute.current_view()
    if view is not None and view.view is _ds:  # from the period's funnel progress, kept
        return view.ab_counts(
            variant=variant, flag=flag, step=step, window=window, by=by, revenue=revenue
        )
    return abtest.ab_counts(
        _ds.users,
        _ds.events,
        variant=variant,
        flag=flag,
        step=step,
        steps=_ds.steps,
        window=window,
        by=by,
        revenue=revenue,
    )


def _rows(dropped: dict[str, int]) -> list[str]:
    return [tx(code, n=n) for code, n in dropped.items()]


def _control(names: list[str]) -> str:
    return st.columns([2, 3])[0].selectbox(
        tx("ab_page.data.control"),
        names,
        index=names.index(abtest.default_control(names)),
        key="ab_control",
        bind="query-params",
        help=tx("ab_page.data.control_help"),
    )


def from_summary(file_name: str, summary: SummaryCounts) -> FromData:
    """An aggregated A/B file: its counts straight in (no per-user data to count from)."""
    cols = summary.columns
    if "revenue_sum" not in cols:
        revenue = ""
    elif summary.revenue == "sums":
        spread = cols.get("revenue_sumsq") or cols.get("revenue_sd")
        revenue = t(
            "ab_page.summary.revenue_sums", revenue=code(cols["revenue_sum"]), spread=code(spread)
        )
    else:
        revenue = t("ab_page.summary.revenue_total", revenue=code(cols["revenue_sum"]))
    left_out = _rows(dict(summary.dropped))
    st.caption(
        t(
            "ab_page.summary.caption",
            file=code(file_name),
            variant=code(cols["variant"]),
            why=summary.assignment.reason,
            visitors=code(cols["visitors"]),
            conversions=code(cols["conversions"]),
            kept=summary.rows_kept,
            read=summary.rows_read,
        )
        + revenue
        + (t("ab_page.left_out", rows=left_out) if left_out else "")
        + " "
        + t("ab_page.summary.no_filters")
    )
    by = (
        ab_settings.breakdown(st.columns([2, 3])[0], summary.segments, "ab_page.data.by_help")
        if summary.segments
        else None
    )
    counts = summary.table
    if summary.revenue != "sums":
        counts = counts.drop("revenue_sum", "revenue_sumsq", strict=False)
    names = [str(v) for v in counts["variant"].unique(maintain_order=True).to_list()]
    control = _control(names)
    source = ABSource(
        kind="summary",
        files=(file_name,),
        variant_column=cols["variant"],
        assignment="detected",
        columns=dict(cols),
        segment=by,
        rows_read=summary.rows_read,
        rows_kept=summary.rows_kept,
        dropped=dict(summary.dropped),
    )
    return FromData(
        counts=counts, source=source, variant_column="variant", control=control, segment=by
    )


@dataclass(frozen=True)
class _Choices:
    """What the choices of "From data" are made from: the upload's view or a connected
    table's :class:`~kpi.engine.view.EngineView` (the same widgets and words for both)."""

    segments: Sequence[str]
    found: dict[str, Assignment]
    flags: Sequence[str]
    steps: Sequence[str]
    has_timestamps: bool
    files: tuple[str, ...]
    values: Callable[[str], tuple[int, list[str]]]
    """(number of values, the first few sorted) of a column among the view's users"""
    count: Callable[[str, str | None, str | None, float, str | None], VariantCounts]
    """(variant, flag, step, window days, breakdown) -> the counts and the row account"""
    engine: str | None = None
    """the engine that counts a connected table (``duckdb``, ``spark``…), None for an upload"""

    def words(self, code: str) -> str:
        """``code``, or its connected-table wording (``<code>.engine``)."""
        return f"{code}.engine" if self.engine is not None else code


def _upload_choices(ds: Dataset) -> _Choices:
    def values(column: str) -> tuple[int, list[str]]:
        found = [str(v) for v in ds.users[column].drop_nulls().unique().sort().to_list()]
        return len(found), found

    def count(
        variant: str, flag: str | None, step: str | None, window_days: float, by: str | None
    ) -> VariantCounts:
        return _counts(state.view_key(), variant, flag, step, window_days, by, ds.has_revenue, ds)

    return _Choices(
        segments=tuple(ds.segments),
        found={a.column: a for a in _assignments(state.view_key(), ds)},
        flags=tuple(ds.flags),
        steps=tuple(ds.steps),
        has_timestamps=ds.has_timestamps,
        files=() if state.using_demo() else tuple(f.name for f in state.files()),
        values=values,
        count=count,
    )


def from_users(stop: Callable[[], None]) -> FromData:
    """The counts from the users of the upload's view: the choices, the account of every row."""
    widgets.view_caption()
    return _from(_upload_choices(state.require_view()), stop)


def engine_choices(view: EngineView) -> _Choices:
    """The choices on a connected table: its segments (first touch), the assignments found
    in the view's users, its steps; the counts made in the engine (:mod:`kpi.engine.view_ab`).
    An engine table has no yes/no columns: a conversion is reaching a step."""

    def count(
        variant: str, flag: str | None, step: str | None, window_days: float, by: str | None
    ) -> VariantCounts:
        return view_ab.page_counts(
            view, variant=variant, step=str(step), window_days=window_days, by=by
        )

    return _Choices(
        segments=tuple(view.table.user_segments),
        found={a.column: a for a in view_ab.assignments(view)},
        flags=(),
        steps=tuple(view_ab.steps(view)),
        has_timestamps=view.has_timestamps,
        files=(view.label,) if view.label else (),
        values=lambda column: view_ab.column_values(view, column, limit=_SHOWN_VALUES),
        count=count,
        engine=view.table.backend,
    )


def from_engine(view: EngineView, stop: Callable[[], None]) -> FromData:
    """The counts from the users of a connected table's view (computed in the engine)."""
    widgets.view_caption()  # the connected table's label, never its address
    try:
        choices = engine_choices(view)
    except ParcoursError as exc:
        st.error(exc.text(current(), markdown=True), icon="✋")
        stop()
        raise
    return _from(choices, stop)


def engine_has_test(view: EngineView) -> bool:
    """True when the connected table's view holds a test: an assignment column and a step
    (an engine failure here says False; "From data" then shows the error)."""
    try:
        return bool(view_ab.steps(view)) and bool(view_ab.assignments(view))
    except ParcoursError:
        return False


#: values of an observational column named in its warning (more: only how many)
_SHOWN_VALUES = 6


def _from(data: _Choices, stop: Callable[[], None]) -> FromData:
    """The choices (variant, goal, window, breakdown, control) and the counts."""
    if not data.segments:
        st.info(t(data.words("ab_page.data.no_segments")))
        stop()
    outcomes_possible = bool(data.flags) or bool(data.steps)
    if not outcomes_possible:
        st.info(t("ab_page.data.no_outcome"))
        stop()
    found = data.found
    # detected assignments first; any other segment only when the user picks it
    options = list(found) + [c for c in data.segments if c not in found]
    c1, c2, c3, c4 = st.columns([2, 3, 2, 2])
    variant = c1.selectbox(
        tx("ab_page.data.variant"),
        options,
        index=0 if found else None,
        placeholder=tx("ab_page.data.variant_placeholder"),
        key="ab_variant",
        bind="query-params",
        help=tx("ab_page.data.variant_help"),
    )
    if not found:
        st.info(t("ab_page.data.no_assignment", columns=list(data.segments[:4])))
    if variant is None:
        stop()
    observational = variant not in found
    if not observational:
        st.caption(t("ab_page.data.assignment", column=code(variant), why=found[variant].reason))
    else:
        try:
            count, values = data.values(variant)
        except ParcoursError as exc:
            st.error(exc.text(current(), markdown=True), icon="✋")
            stop()
            raise
        st.warning(
            t(
                "ab_page.data.observational" + (".values" if count <= _SHOWN_VALUES else ""),
                column=code(variant),
                count=count,
                values=values[:_SHOWN_VALUES],
            ),
            icon="⚠️",
        )
    outcome = ab_settings.goal(
        c2, data.flags, data.steps, help_code=data.words("ab_page.data.goal_help")
    )
    step = outcome[len(ab_settings.REACHED) :] if outcome not in data.flags else None
    flag = outcome if step is None else None
    window_days = 0.0
    if step is not None and data.has_timestamps:
        window_days = c3.number_input(
            tx("ab_page.data.window"),
            min_value=0.0,
            value=0.0,
            step=1.0,
            format="%g",  # "0", "14", "0.5" rather than "0.00"
            key="ab_window",
            bind="query-params",
            help=tx("ab_page.data.window_help"),
        )
    by = ab_settings.breakdown(
        c4, [s for s in data.segments if s != variant], "ab_page.data.by_help_top"
    )
    try:
        account = data.count(variant, flag, step, float(window_days), by)
    except ParcoursError as exc:
        st.error(exc.text(current(), markdown=True), icon="✋")
        stop()
        raise
    counts = account.table
    names = [str(v) for v in counts[variant].unique(maintain_order=True).to_list()]
    if len(names) < 2:
        st.warning(t("ab_page.data.one_value", column=code(variant), count=len(names), names=names))
        stop()
    control = _control(names)
    caption = t(
        data.words("ab_page.data.account"),
        kept=account.rows_kept,
        read=account.rows_read,
        engine=data.engine or "",
    )
    left_out = _rows(dict(account.dropped))
    if left_out:
        caption += t("ab_page.left_out", rows=left_out)
    notes = _rows(dict(account.notes))
    if notes:
        caption += t("ab_page.filled_in", rows=notes)
    st.caption(caption)
    source = ABSource(
        kind="data",
        files=data.files,
        variant_column=variant,
        assignment="chosen" if observational else "detected",
        window_days=window_days or None,
        segment=by,
        rows_read=account.rows_read,
        rows_kept=account.rows_kept,
        dropped=dict(account.dropped),
        notes=dict(account.notes),
    )
    return FromData(
        counts=counts,
        source=source,
        variant_column=variant,
        control=control,
        segment=by,
        outcome=outcome,
        flags=tuple(data.flags),
        window_days=float(window_days or 0.0),
        observational=observational,
    )
