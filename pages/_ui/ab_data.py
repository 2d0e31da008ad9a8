"""From data: the counts of a test from an A/B summary file, or from the users of the data
(variant column, what counts as a conversion, window, breakdown, control), with every row
accounted for."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import polars as pl
import streamlit as st

from kpi import abtest
from kpi.abtest import ABSource, Assignment, SummaryCounts, VariantCounts
from kpi.dataset import Dataset
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


def from_users(stop: Callable[[], None]) -> FromData:
    """The counts from the users of the view: the choices, the account of every row."""
    widgets.view_caption()
    ds = state.require_view()
    if not ds.segments:
        st.info(t("ab_page.data.no_segments"))
        stop()
    outcomes_possible = bool(ds.flags) or bool(ds.steps)
    if not outcomes_possible:
        st.info(t("ab_page.data.no_outcome"))
        stop()
    found = {a.column: a for a in _assignments(state.view_key(), ds)}
    # detected assignments first; any other segment only when the user picks it
    options = list(found) + [c for c in ds.segments if c not in found]
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
        st.info(t("ab_page.data.no_assignment", columns=list(ds.segments[:4])))
    if variant is None:
        stop()
    observational = variant not in found
    if not observational:
        st.caption(t("ab_page.data.assignment", column=code(variant), why=found[variant].reason))
    else:
        values = [str(v) for v in ds.users[variant].drop_nulls().unique().sort().to_list()]
        st.warning(
            t(
                "ab_page.data.observational" + (".values" if len(values) <= 6 else ""),
                column=code(variant),
                count=len(values),
                values=values[:6],
            ),
            icon="⚠️",
        )
    outcome = ab_settings.goal(c2, ds.flags, ds.steps)
    step = outcome[len(ab_settings.REACHED) :] if outcome not in ds.flags else None
    flag = outcome if step is None else None
    window_days = 0.0
    if step is not None and ds.has_timestamps:
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
        c4, [s for s in ds.segments if s != variant], "ab_page.data.by_help_top"
    )
    try:
        account = _counts(
            state.view_key(), variant, flag, step, float(window_days), by, ds.has_revenue, ds
        )
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
    caption = t("ab_page.data.account", kept=account.rows_kept, read=account.rows_read)
    left_out = _rows(dict(account.dropped))
    if left_out:
        caption += t("ab_page.left_out", rows=left_out)
    notes = _rows(dict(account.notes))
    if notes:
        caption += t("ab_page.filled_in", rows=notes)
    st.caption(caption)
    source = ABSource(
        kind="data",
        files=() if state.using_demo() else tuple(f.name for f in state.files()),
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
        flags=tuple(ds.flags),
        window_days=float(window_days or 0.0),
        observational=observational,
    )
