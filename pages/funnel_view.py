"""Funnel: steps chosen and ordered by the user, drop-off, segments, trends, time to convert."""

from __future__ import annotations

import datetime as dt

import polars as pl
import streamlit as st

from kpi import alerts, funnel, funnel_view_data
from kpi.dataset import Dataset
from kpi.errors import ParcoursError
from kpi.filters import date_bounds
from kpi.segments import OTHER, with_top_values
from pages._ui import charts, compute, state, widgets
from pages._ui import format as fmt
from pages._ui import funnel_charts as fc
from pages._ui import gaps as gap_notes

UNITS = {"minutes": 60, "hours": 3600, "days": 86400, "weeks": 7 * 86400, "months": 30 * 86400}
ORDERS = {"sequential": "in order", "any": "any order"}
NO_SEGMENT = "(no breakdown)"
TOP_N = 8
BASE = ["step", "users", "conversion", "step_conversion"]


def _window(seconds: int | None) -> dt.timedelta | None:
    return None if seconds is None else dt.timedelta(seconds=seconds)


def _events(ds: Dataset, columns: tuple[str, ...] = ()) -> pl.DataFrame:
    """Events with segment columns; without usable timestamps, no ``ts`` (membership funnel)."""
    ev = ds.events_with(list(columns))
    if not ds.has_timestamps and "ts" in ev.columns:
        ev = ev.drop("ts")
    return ev


@st.cache_data(scope="session", max_entries=16, show_spinner="Computing the funnel…")
def _table(
    key: str, steps: tuple[str, ...], order: str, window_s: int | None, open_f: bool, _ds: Dataset
) -> pl.DataFrame:
    return funnel.funnel_table(
        _events(_ds), steps, window=_window(window_s), order=order, open_funnel=open_f
    )  # type: ignore[arg-type]


@st.cache_data(scope="session", max_entries=16, show_spinner=False)
def _plain(
    key: str, steps: tuple[str, ...], order: str, window_s: int | None, open_f: bool, _ds: Dataset
) -> pl.DataFrame:
    return funnel.funnel(
        _events(_ds), steps, window=_window(window_s), order=order, open_funnel=open_f
    )  # type: ignore[arg-type]


@st.cache_data(scope="session", max_entries=16, show_spinner="Breaking the funnel down…")
def _by_segment(
    key: str,
    steps: tuple[str, ...],
    order: str,
    window_s: int | None,
    open_f: bool,
    segment: str,
    _ds: Dataset,
    keep: tuple[str, ...] | None = None,
) -> pl.DataFrame:
    """By segment: the top values + "Other", or the values ``keep`` (the previous period
    broken down into the current period's segments)."""
    ev = _events(_ds, (segment,))
    if keep is None:
        ev = with_top_values(ev, segment, TOP_N)
    else:
        ev = funnel_view_data.with_values(ev, segment, keep)
    return funnel.funnel(
        ev, steps, by=[segment], window=_window(window_s), order=order, open_funnel=open_f
    )  # type: ignore[arg-type]


@st.cache_data(scope="session", max_entries=16, show_spinner="Computing trends…")
def _trend(
    key: str, steps: tuple[str, ...], order: str, window_s: int | None, grain: str, _ds: Dataset
) -> pl.DataFrame:
    return funnel.conversion_over_time(
        _events(_ds), steps, grain=grain, window=_window(window_s), order=order
    )  # type: ignore[arg-type]


@st.cache_data(scope="session", max_entries=16, show_spinner=False)
def _time_to_convert(
    key: str, steps: tuple[str, ...], window_s: int | None, _ds: Dataset
) -> pl.DataFrame:
    return funnel.time_to_convert(_events(_ds), steps, window=_window(window_s), bins=12)


@st.cache_data(scope="session", max_entries=16, show_spinner=False)
def _did_last(key: str, last: str, before: str, _ds: Dataset) -> tuple[int, int]:
    """(users who did the last step at all, those of them who also did the step before it)."""
    res = funnel.funnel(_events(_ds), [last, before], order="any")
    users = res["users"].to_list()
    return int(users[0]), int(users[1])


@st.cache_data(scope="session", max_entries=4, show_spinner=False)
def _suggested_order(key: str, _ds: Dataset) -> list[str]:
    return funnel.default_step_order(_ds.events)


@st.cache_data(scope="session", max_entries=4, show_spinner=False)
def _step_names(key: str, _frame: pl.DataFrame) -> list[str]:
    """Every step name of the unfiltered data, sorted (the same choices whatever the filters)."""
    return [s for s in _frame["step"].cast(pl.String).unique().drop_nulls().sort().to_list() if s]


@st.cache_data(scope="session", max_entries=16, show_spinner=False)
def _from_counts(
    key: str, steps: tuple[str, ...], segment: str | None, _ds: Dataset
) -> pl.DataFrame:
    counts = _ds.counts
    if segment is None:
        return funnel_view_data.funnel_from_counts(counts, steps)  # type: ignore[arg-type]
    top = with_top_values(counts, segment, TOP_N, weight="users")  # type: ignore[arg-type]
    return funnel_view_data.funnel_from_counts(top, steps, by=[segment])


def _use_order(order: list[str]) -> None:
    st.session_state["fn_steps"] = order


st.title("Funnel")
widgets.view_caption()
ds = state.require_view()
key = state.view_key()
data_key = state.digest()

# ---- Controls -------------------------------------------------------------------------------
counts_mode = ds.events.height == 0 and ds.counts is not None and ds.counts.height > 0
full = st.session_state["dataset"]  # unfiltered: step choices and order do not move with filters
step_source = full.counts if counts_mode else full.events
all_steps = _step_names(f"{data_key}|{counts_mode}", step_source)
segments = funnel_view_data.count_segments(ds.counts) if counts_mode else list(ds.segments)  # type: ignore[arg-type]
options = list(dict.fromkeys([*ds.steps, *all_steps]))
if not options:
    st.info("These data have no steps (event names). Map a step column on the Data page.")
    st.stop()

# New data (another upload): replace step and segment choices that no longer exist. Set, not
# deleted, so that the browser's widgets show the new values too.
default_steps = list(ds.steps) or options[:5]
remembered = st.session_state.get("fn_steps")
if remembered is not None and any(s not in options for s in remembered):
    st.session_state["fn_steps"] = default_steps
if st.session_state.get("fn_by") not in (None, NO_SEGMENT, *segments):
    st.session_state["fn_by"] = NO_SEGMENT
steps = st.multiselect(
    "Funnel steps, in order",
    options,
    default=default_steps,
    key="fn_steps",
    bind="query-params",
    help=(
        "The order of the chips is the funnel order. To move a step, remove it and add it "
        "again: it goes to the end. Any number of steps."
    ),
)
suggested = [] if counts_mode else [s for s in _suggested_order(data_key, full) if s in steps]
if len(steps) >= 2 and suggested and suggested != list(steps):
    st.button(
        f"Use the usual journey order: {' → '.join(suggested)}",
        on_click=_use_order,
        args=(suggested,),
        icon=":material/swap_vert:",
        type="tertiary",
    )

timed = ds.has_timestamps and not counts_mode
c1, c2, c3, c4 = st.columns([1.3, 0.8, 0.9, 1.0])
order = (
    c1.segmented_control(
        "Order",
        list(ORDERS),
        default="sequential",
        key="fn_order",
        bind="query-params",
        disabled=not timed,
        help=(
            "sequential: steps 1..k done one after the other (the best attempt counts; events "
            "at the same time count in the order that lets the user progress). any: all of "
            "steps 1..k done within the window, in whatever order (not PostHog's 'any k of "
            "the steps')."
        ),
    )
    or "sequential"
)
amount = c2.number_input(
    "Conversion window",
    min_value=1,
    max_value=10_000,
    value=14,
    step=1,
    key="fn_window",
    bind="query-params",
    disabled=not timed,
    help="Measured from the user's step-1 event: later steps must happen within this time.",
)
unit = c3.selectbox(
    "Window unit",
    [*UNITS, "no limit"],
    index=2,
    key="fn_unit",
    bind="query-params",
    disabled=not timed,
    help="A month counts as 30 days.",
)
open_f = c4.toggle(
    "Open funnel",
    value=False,
    key="fn_open",
    bind="query-params",
    disabled=counts_mode,
    help="Users may enter at any step (like GA4's open funnel) and count from there: in "
    "order, from the step of their first funnel event; in any order, from the first listed "
    "step they did.",
)
window_s = int(amount) * UNITS[unit] if timed and unit in UNITS else None
if counts_mode:
    st.info(
        "**Aggregated counts**: each step's number is read from the file as it is (summed over "
        "its rows). Without one row per user, the funnel cannot check that the same people went "
        "through the steps, so the order, window and open-funnel options do not apply.",
        icon=":material/info:",
    )
elif not timed:
    order = "sequential"
    st.info(
        "**Membership funnel**: these events have no timestamps, so the order and the time "
        "between steps are unknown. A user reaches step k when they have events for steps 1 to "
        "k. The order and window controls are switched off for this reason.",
        icon=":material/info:",
    )
segment = st.selectbox(
    "Break down by",
    [NO_SEGMENT, *segments],
    key="fn_by",
    bind="query-params",
    help=f"The top {TOP_N} values, the rest grouped as 'Other' so totals add up.",
)

if not steps:
    st.info("Pick at least one step above (two or more for a funnel).")
    st.stop()
steps_t = tuple(steps)

try:
    if counts_mode:
        table = _from_counts(key, steps_t, None, ds)
        by_res = _from_counts(key, steps_t, segment, ds) if segment != NO_SEGMENT else None
        by_res = by_res.select(segment, *BASE) if by_res is not None else None
    else:
        table = _table(key, steps_t, order, window_s, open_f, ds)
        by_res = (
            _by_segment(key, steps_t, order, window_s, open_f, segment, ds)
            if segment != NO_SEGMENT
            else None
        )
    base = table.select(BASE)
except ParcoursError as exc:
    st.error(str(exc))
    st.stop()

users_col = table["users"]
if counts_mode and not users_col.dtype.is_integer() and (users_col.round() != users_col).any():
    st.warning(
        "Some step values are not whole numbers: they may be rates rather than counts of "
        "users (e.g. 'visit_to_cart' = 0.03). Check the column roles on the Data page; a "
        "funnel needs the number of users (or sessions) at each step.",
        icon=":material/warning:",
    )

# ---- Insights and red flags -----------------------------------------------------------------
# aggregated exports count sessions or rows as often as people: say "count", not "users"
unit = "Count" if counts_mode else "Users"
insight_frame = by_res if by_res is not None else base
sentences = funnel.insights(insight_frame, by=[segment] if by_res is not None else [])
for sentence in funnel_view_data.plain_insights(
    sentences,
    by_res,
    segment if by_res is not None else None,
    last_step=steps[-1],
    aggregated=counts_mode,
):
    st.markdown(f"- {sentence}")

prev = compute.previous_view()
prev_base: pl.DataFrame | None = None
if prev is not None and not counts_mode:
    try:
        prev_base = _plain(prev[0], steps_t, order, window_s, open_f, prev[1])
    except ParcoursError:
        prev_base = None

thresholds = fc.current_thresholds()
# each segment's own step conversions vs the previous period (Holm over segment × step)
changes: pl.DataFrame | None = None
if by_res is not None and prev is not None and prev_base is not None:
    try:
        shown_values = tuple(str(v) for v in by_res[segment].unique().to_list() if v != OTHER)
        prev_by = _by_segment(
            prev[0], steps_t, order, window_s, open_f, segment, prev[1], shown_values
        )
        changes = alerts.step_changes(by_res, prev_by, alpha=thresholds.funnel_alpha)
    except ParcoursError:
        changes = None
try:
    current_kpis = compute.stage_kpis(key, ds)
    previous_kpis = compute.stage_kpis(*prev) if prev else None
    flags = alerts.red_flags(
        current_kpis,
        previous_kpis,
        funnel_current=base,
        funnel_previous=prev_base,
        monthly_duration=None,
        thresholds=thresholds,
    )
except ParcoursError:
    flags = []
flags = [
    f for f in flags if f.page == "funnel" or f.code in ("low_conversion", "high_cart_abandonment")
]
if changes is not None:  # the breakdown's own flags, e.g. mobile checkout → purchase
    flags += alerts.step_drop_flags(changes, thresholds)
widgets.red_flags(flags)
gap_notes.show(gap_notes.find(key, steps_t, ds), aggregated=counts_mode)

# ---- The funnel -----------------------------------------------------------------------------
if len(steps) == 1:
    st.metric(f"{unit} at {steps[0]}", fmt.num(table["users"][0]), border=True)
else:
    charts.show(fc.funnel_bars(table, unit), key="fn_chart")

shown, config = fc.step_table(table, unit=unit)
st.dataframe(shown, column_config=config, hide_index=True, width="stretch", key="fn_table")
if timed and order == "sequential" and not open_f:
    st.caption(
        "Times come from each user's best attempt (the latest start that reaches their last "
        "step): median and 90th percentile over the users who reached the step."
    )
elif timed:
    st.caption("Times between steps are shown for the in-order (closed) funnel only.")
defs = funnel.DEFINITIONS
with st.popover("Definitions", icon=":material/help:"):
    for d in defs.values():
        st.markdown(f"**{d.label}**: {d.formula}")
    if window_s is not None:
        st.markdown(f"**Conversion window**: {int(amount)} {unit}, measured from step 1.")

# REES46-type data: the last step done without the step before it
if len(steps) >= 2 and not counts_mode:
    did_last, with_before = _did_last(key, steps[-1], steps[-2], ds)
    reached_last = int(table["users"][-1])
    if reached_last < did_last:
        missing = did_last - with_before
        if missing > 0:
            st.warning(
                f"**{did_last:,} users did {steps[-1]}, but only {reached_last:,} reached it "
                f"through this funnel.** {missing:,} of them have no {steps[-2]} event at all "
                f"in the data (for example a 'buy now' button, or an export that misses some "
                f"events), so a strict sequence can never count them. To count them, "
                + (
                    f"choose **any** order or the **open funnel**, or remove {steps[-2]} "
                    "from the steps."
                    if timed
                    # no timestamps: order and window are switched off, only the steps help
                    else f"remove {steps[-2]} from the steps."
                ),
                icon=":material/info:",
            )
        elif timed:
            st.caption(
                f"{did_last:,} users did {steps[-1]} at some point; {reached_last:,} did it after "
                f"the earlier steps{' in order' if order == 'sequential' else ''} within the "
                f"window. A longer window or any order counts more of them."
            )

# ---- Breakdown, trends, previous period, time to convert (only the open tab is computed) ------
TABS = ["By segment", "Over time", "Vs previous period", "Time to convert"]
t_seg, t_time, t_prev, t_ttc = st.tabs(TABS, key="fn_tab", bind="query-params", on_change="rerun")
with t_seg:
    if t_seg.open:
        if by_res is None:
            st.caption(
                "Choose a segment in **Break down by** above to compare its values side by side."
            )
        else:
            marks = fc.flag_column(by_res, segment, changes) if changes is not None else None
            charts.show(fc.segment_bars(by_res, segment, flags=marks), key="fn_segment_chart")
            seg_table, seg_config = fc.step_table(
                by_res.with_columns(drop_off=None, drop_off_rate=None), [segment]
            )
            seg_table = seg_table.drop("drop_off", "drop_off_rate")
            if marks is not None and (marks != "").any():
                seg_table = seg_table.with_columns(marks.alias("vs_previous"))
                seg_config["vs_previous"] = st.column_config.TextColumn(
                    "Vs previous period",
                    help="▼: this segment's conversion from the previous step fell "
                    "significantly vs the previous period (two-proportion test, p "
                    "Holm-corrected over every step × segment).",
                )
                st.caption(
                    f"{fc.DROP_MARK} marks a segment's step whose conversion from the previous "
                    "step fell significantly against the previous period (see **Vs previous "
                    "period**)."
                )
            st.dataframe(
                seg_table,
                column_config=seg_config,
                hide_index=True,
                width="stretch",
                key="fn_seg_table",
            )
            recon = fc.reconciliation(by_res, base)
            ok = recon["matches"].all()
            st.caption(
                ("✓ " if ok else "⚠ ")
                + "Segment users add up to the total at every step: "
                + "; ".join(
                    f"{s}: {fmt.num(a)} = {fmt.num(b)}"
                    for s, a, b in recon.select("step", "segment_sum", "total").iter_rows()
                )
                + (
                    ". The file's rows are summed per segment."
                    if counts_mode
                    else ". Each user counts in the segment of their first event (first touch)."
                )
            )
with t_time:
    if t_time.open:
        if not timed:
            st.info("Conversion over time needs event timestamps; these data have none.")
        elif len(steps) < 2:
            st.caption("Pick two or more steps to see conversion over time.")
        else:
            grain = (
                st.segmented_control(
                    "Entry period",
                    ["day", "week", "month"],
                    default="week",
                    key="fn_grain",
                    bind="query-params",
                    help="Users are grouped by when they first did the first step.",
                )
                or "week"
            )
            trend = _trend(key, steps_t, order, window_s, grain, ds)
            if not charts.empty_note(trend, "entries in this period"):
                charts.show(fc.trend_lines(trend, grain), key="fn_trend")
                st.caption(
                    "The last periods may look low: their users have had less time to convert."
                    + (" The open funnel option does not apply to this chart." if open_f else "")
                )
with t_prev:
    if t_prev.open:
        if prev_base is None and date_bounds(st.session_state["dataset"]) is None:
            st.info(
                "Comparing periods needs dates (event times or signup dates); these data have none."
            )
        elif prev_base is None:
            st.info(
                "No earlier period to compare with: narrow the **Period** in the sidebar (e.g. one month, with data before it) to compare each step with the previous period "
                "(with a significance test).",
                icon=":material/compare_arrows:",
            )
        else:
            st.markdown(
                f"**Compared with the previous period** ({state.current_filters().previous().describe()})"
            )  # type: ignore[union-attr]
            comp = funnel.compare_periods(base, prev_base)
            comp_table, comp_config = fc.comparison_table(comp)
            st.dataframe(
                comp_table,
                column_config=comp_config,
                hide_index=True,
                width="stretch",
                key="fn_compare",
            )
            if by_res is not None and changes is None:
                st.caption(f"The previous period has no data to compare by {segment}.")
            elif changes is not None:
                family = int(changes["p_value"].is_not_null().sum())
                st.markdown(
                    f"**By {segment.replace('_', ' ')}: conversion from the previous step**, "
                    f"p-values Holm-corrected over the {family} step × segment comparisons"
                )
                seg_comp, seg_comp_config = fc.segment_change_table(changes, segment)
                st.dataframe(
                    seg_comp,
                    column_config=seg_comp_config,
                    hide_index=True,
                    width="stretch",
                    key="fn_compare_segments",
                )
with t_ttc:
    if t_ttc.open:
        if not timed:
            st.info("Time to convert needs event timestamps; these data have none.")
        elif len(steps) < 2:
            st.caption("Pick two or more steps.")
        else:
            ttc = _time_to_convert(key, steps_t, window_s, ds)
            if int(ttc["users"].sum()) == 0:
                st.info(f"Nobody reached {steps[-1]} in this view.")
            else:
                charts.show(fc.time_to_convert_bars(ttc, steps[0], steps[-1]), key="fn_ttc")
                st.caption(
                    f"Users who reached {steps[-1]} in order, time from their {steps[0]} event "
                    "(best attempt)."
                )

fc.thresholds_editor("fn_")
