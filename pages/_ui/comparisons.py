"""Two comparison periods on the Overview, Stage KPIs and Funnel pages: the previous period and
the same period a year before (:mod:`kpi.year_before`), both at once, with the significance
test where it applies.

- :func:`choice`: the view setting "Compare with" (both, the previous period, the same period
  a year before), bound to the URL by its neutral value (``?compare=year_before``); both by
  default;
- :func:`tile_line`: under a KPI card, its change against the same period a year before;
- :func:`previous_for_tile`: the previous period's KPI for a card, None when not chosen;
- :func:`kpi_section`: the table of the stage KPIs against both periods (rates tested);
- :func:`funnel_section`: the funnel steps against the same period a year before.

Every figure is the view's own (``View.two_periods``, ``year_before_steps``: computed once
per view, the workbook reads the same), on an upload or a connected table alike.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import polars as pl
import streamlit as st

from kpi.filters import Filters
from kpi.journey.kpi import Kpi
from kpi.words import Raw
from kpi.words import format as wf
from kpi.year_before import dates_fact
from pages._ui import compute, url, widgets
from pages._ui.lang import current, t, tx

__all__ = [
    "CHOICES",
    "KEY",
    "choice",
    "chosen",
    "funnel_section",
    "kpi_section",
    "previous_for_tile",
    "tile_line",
]

KEY = "compare"
STORED = "_compare_chosen"  # the choice kept across pages
WRITTEN = "_compare_written"  # the value this session last wrote to the URL
CHOICES = ("both", "previous", "year_before")
SIGNIFICANT = "✱"
ALPHA = 0.05


def _results() -> Any:
    """The view's results: the connected table's EngineView, else the session's View."""
    engine = compute.engine_view()
    return engine if engine is not None else compute.current_view()


def chosen() -> str:
    """The comparisons shown (``both``, ``previous``, ``year_before``): what a link asks for
    (``?compare=``, when it is not the value this session wrote), else the last choice of the
    session (kept across pages: a page switch drops the URL's parameters), else both."""
    asked = st.query_params.get(KEY)
    if asked in CHOICES and asked != st.session_state.get(WRITTEN):
        return asked
    stored = st.session_state.get(STORED)
    if stored in CHOICES:
        return stored
    return asked if asked in CHOICES else "both"


def shows(which: str) -> bool:
    """True when the comparison ``which`` (``previous`` / ``year_before``) is chosen."""
    value = chosen()
    return value == "both" or value == which


def _store(widget: str) -> None:
    value = st.session_state.get(widget)
    if value in CHOICES:
        st.session_state[STORED] = value


def choice(where: str) -> str:
    """The "Compare with" control of the page ``where`` (the view setting, in the URL as
    ``?compare=`` by its neutral value; both by default)."""
    labels = {
        "both": tx("year_before.compare.both"),
        "previous": tx("year_before.compare.previous"),
        "year_before": tx("year_before.compare.year_before"),
    }
    widget = f"{KEY}_{where}"
    value = chosen()
    st.session_state[widget] = value
    picked = st.segmented_control(
        tx("year_before.compare.label"),
        list(CHOICES),
        key=widget,
        required=True,
        format_func=lambda o: labels.get(str(o), str(o)),
        help=tx("year_before.compare.help"),
        on_change=_store,
        args=(widget,),
    )
    picked = picked if picked in CHOICES else value
    st.session_state[STORED] = picked
    url.keep(KEY, picked, "both")
    st.session_state[WRITTEN] = None if picked == "both" else picked
    return picked


def _year_before_kpis(results: Any) -> dict[str, Kpi]:
    try:
        got = results.year_before_kpis() if results is not None else None
    except Exception:  # an engine query that failed: the card simply has no second line
        got = None
    return {k.code: k for k in got or []}


def previous_for_tile(previous: Kpi | None) -> Kpi | None:
    """The previous period's KPI for a card's change, None when it is not chosen."""
    return previous if shows("previous") else None


def tile_line(k: Kpi) -> None:
    """Under a KPI card: its change against the same period a year before (points for a
    rate, a relative change otherwise), ✱ when a rate's change is significant; nothing when
    that comparison is not chosen or the data does not cover it."""
    if not shows("year_before") or not k.available:
        return
    results = _results()
    before = _year_before_kpis(results).get(k.code)
    if not _year_before_available(results):
        return
    if before is None or not before.available:
        st.caption(t("year_before.tile_none"))
        return
    change = widgets.change_text(k.value, before.value, k.unit)
    if change is None:
        st.caption(t("year_before.tile_none"))
        return
    from kpi.journey.two_periods import rate_test

    test = rate_test(k, before, alpha=ALPHA)
    mark = f" {SIGNIFICANT}" if test is not None and test[2] else ""
    st.caption(t("year_before.tile", change=Raw(change + mark)))


def _year_before_available(results: Any) -> bool:
    try:
        return bool(results is not None and results.year_before_coverage().available)
    except Exception:
        return False


def _period_lines(results: Any) -> None:
    """Which dates each comparison reads, or why it is not there."""
    f: Filters | None = getattr(results, "filters", None)
    if shows("previous"):
        prev = results.previous_filters if results is not None else None
        has_prev = prev is not None and (
            results.previous is not None if results is not None else False
        )
        if has_prev and prev.start is not None and prev.end is not None:
            st.markdown(t("year_before.section.previous", period=dates_fact(prev.start, prev.end)))
        else:
            st.markdown(t("year_before.section.previous_none"))
    if shows("year_before") and results is not None and f is not None:
        cov = results.year_before_coverage()
        if cov.available and cov.filters is not None:
            yb = cov.filters
            st.markdown(t("year_before.section.year_before", period=dates_fact(yb.start, yb.end)))
        else:
            st.info(t(cov.fact()), icon=":material/event_busy:")


def _value(k_unit: str, value: float | None, currency: str | None) -> str:
    if value is None or value != value:
        return wf.MISSING
    return widgets.format_value(value, k_unit, currency)


def _change(value: float | None, other: float | None, unit: str, significant: Any) -> str:
    text = widgets.change_text(value, other, unit)
    if text is None:
        return wf.MISSING
    return text + (f" {SIGNIFICANT}" if significant else "")


def kpi_section(codes: Sequence[str] | None = None, *, key: str = "cmp") -> None:
    """The stage KPIs of the view against the chosen comparison periods, as one table:
    value, each period's value, the change (✱: a rate's change significant at 5 %) and the
    p-value. ``codes``: only these KPIs, in this order (the Overview's headline); None: every
    available KPI."""
    results = _results()
    if results is None:
        return
    st.markdown(f"**{t('year_before.section.title')}**")
    choice(key)
    _period_lines(results)
    which = [o for o in ("previous", "year_before") if shows(o)]
    try:
        table = results.two_periods(alpha=ALPHA)
        kpis = {k.code: k for k in results.kpis()}
    except Exception as exc:  # the engine could not run it: said, never a traceback
        from kpi.engine.view import engine_error

        st.warning(t(engine_error(exc).message))
        return
    if codes is not None:
        order = {c: i for i, c in enumerate(codes)}
        table = table.filter(pl.col("code").is_in(list(codes))).sort(
            pl.col("code").replace_strict(order, default=len(order))
        )
    table = table.filter(pl.col("value").is_not_null())
    if table.height == 0:
        return
    lang = current()
    rows: dict[str, list[str]] = {"kpi": [], "value": []}
    for o in which:
        rows |= {o: [], f"{o}_change": [], f"{o}_p": []}
    for r in table.iter_rows(named=True):
        k = kpis.get(r["code"])
        unit, money = r["unit"], k.currency if k is not None else None
        rows["kpi"].append(k.label(lang) if k is not None else r["code"])
        rows["value"].append(_value(unit, r["value"], money))
        for o in which:
            rows[o].append(_value(unit, r[o], money))
            rows[f"{o}_change"].append(_change(r["value"], r[o], unit, r[f"{o}_significant"]))
            p = r[f"{o}_p_value"]
            rows[f"{o}_p"].append(wf.MISSING if p is None else wf.p_value(p, lang))
    frame = pl.DataFrame(rows)
    config = {
        "kpi": st.column_config.TextColumn(tx("year_before.col.kpi")),
        "value": st.column_config.TextColumn(tx("year_before.col.value")),
        "previous": st.column_config.TextColumn(tx("year_before.page.previous")),
        "previous_change": st.column_config.TextColumn(tx("year_before.page.previous_change")),
        "previous_p": st.column_config.TextColumn(tx("year_before.page.previous_p")),
        "year_before": st.column_config.TextColumn(
            tx("year_before.page.year_before"), help=tx("year_before.col.year_before")
        ),
        "year_before_change": st.column_config.TextColumn(tx("year_before.page.change")),
        "year_before_p": st.column_config.TextColumn(tx("year_before.page.p_value")),
    }
    st.dataframe(
        frame,
        column_config={c: v for c, v in config.items() if c in frame.columns},
        hide_index=True,
        width="stretch",
        key=f"{key}_table",
    )
    st.caption(t("year_before.section.tests", mark=SIGNIFICANT, alpha=ALPHA * 100))


def funnel_section(*, key: str = "fn_yb") -> None:
    """The funnel steps against the same period a year before (conversion from the first
    step, two-proportion test per step), or why there is none; nothing when not chosen."""
    if not shows("year_before"):
        return
    results = _results()
    if results is None:
        return
    cov = results.year_before_coverage()
    if not cov.available or cov.filters is None:
        st.info(t(cov.fact()), icon=":material/event_busy:")
        return
    yb = cov.filters
    st.markdown(t("year_before.funnel.title", period=dates_fact(yb.start, yb.end)))
    comp = results.year_before_steps(alpha=ALPHA)
    if comp is None:
        st.info(t("year_before.funnel.no_funnel"))
        return
    from pages._ui import funnel_charts as fc

    table, config = fc.comparison_table(comp)
    config["users_previous"] = st.column_config.NumberColumn(tx("year_before.col.users"))
    config["conversion_previous"] = st.column_config.NumberColumn(tx("year_before.col.conversion"))
    st.dataframe(
        fc.in_words(table, fc.TABLE_FORMATS),
        column_config=config,
        hide_index=True,
        width="stretch",
        key=key,
    )
    st.caption(t("year_before.funnel.tests"))
