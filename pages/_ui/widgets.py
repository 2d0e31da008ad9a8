"""Small shared widgets: the frame's styles, the view sentence (with what a shared link asked
for and this data lacks), KPI cards with formulas, red-flag badges."""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from kpi.definitions import Definition
from kpi.filters import LinkMismatch, period_fact
from kpi.words import Fact, Raw, escape_markdown
from pages._ui import format as fmt
from pages._ui import sidebar, state
from pages._ui.lang import t

RUNNING_KEY = "parcours_running"

# The "working" pill: the frame's spinner (shown by Streamlit after 0.5 s, so fast reruns show
# nothing) floats at the top of the window, visible wherever the page is scrolled.
FRAME_CSS = f"""<style>
.st-key-{RUNNING_KEY} {{
  position: fixed; top: 4.2rem; right: 1.5rem; z-index: 999990; width: auto;
  pointer-events: none;
}}
.st-key-{RUNNING_KEY} [data-testid="stSpinner"] {{
  background: #fff8e1; border: 1px solid #f0c36d; border-radius: 2rem;
  padding: 0.35rem 1rem; box-shadow: 0 2px 10px rgba(0, 0, 0, 0.18); font-weight: 600;
}}
/* KPI card labels wrap instead of being cut with "…" at 1280 px ("Bounce rate on landi…") */
[data-testid="stMetricLabel"], [data-testid="stMetricLabel"] * {{
  white-space: normal !important; overflow: visible !important; text-overflow: clip !important;
}}
</style>"""
# While other data is being read and computed, the previous data's charts and numbers (greyed
# "stale" elements by default) are hidden, so a page never mixes two files. Streamlit marks
# elements (not blocks) as stale: an expander, popover or tabs block is hidden while none of
# its elements is from the current run.
HIDE_STALE_CSS = f"""<style>
[data-testid="stMain"] [data-stale="true"],
[data-testid="stMain"] [data-testid="stLayoutWrapper"]:not(:has([data-stale="false"])):not(
  :has(.st-key-{RUNNING_KEY})),
[data-testid="stMain"] [data-testid="stTabs"]:not(:has([data-stale="false"])) {{
  display: none !important;
}}
</style>"""


def frame_styles(data_changing: bool) -> None:
    """The frame's two style elements, always both and in this order (each replaces its
    predecessor of the previous run, so hiding stale elements lasts one run only)."""
    st.html(FRAME_CSS)
    st.html(HIDE_STALE_CSS if data_changing else "<style></style>")


def view_caption() -> None:
    """One line saying which data and which filters the page shows, and what a shared link
    asked for that this data does not have (words: ``frame.view_caption``, ``filters.*``)."""
    f = state.current_filters()
    source = (
        t("frame.demo_short")
        if state.using_demo()
        else ", ".join(escape_markdown(x.name) for x in state.files())
    )
    view = f.fact() if f else Fact("frame.view_all")
    st.caption(t("frame.view_caption", source=Raw(source), view=view))
    link_notes(sidebar.link_mismatches_for_view())


def link_mismatch_sentence(m: LinkMismatch) -> str:
    """One sentence: which filter of the link, which value is not in the data, what is shown."""
    return t(m.fact())


def link_notes(mismatches: Sequence[LinkMismatch]) -> None:
    """A warning listing the link's filters that the data cannot apply (nothing when none)."""
    if not mismatches:
        return
    lines = [link_mismatch_sentence(m) for m in mismatches]
    head = t("filters.link.head")
    st.warning(head + "\n\n" + "\n".join(f"- {x}" for x in lines), icon=":material/link_off:")


def format_value(value: float | None, unit: str) -> str:
    if unit == "rate":
        return fmt.pct(value)
    if unit == "currency":
        return fmt.money(value)
    if unit == "seconds":
        return fmt.duration(value)
    if unit == "count":
        return fmt.num(value)
    if unit == "days":
        return "–" if value is None else f"{value:,.1f} days"
    if unit == "months":
        return "–" if value is None else f"{value:,.1f} months"
    return fmt.num(value, 2)


def kpi_card(
    label: str,
    value: float | None,
    unit: str,
    *,
    previous: float | None = None,
    definition: Definition | None = None,
    lower_is_better: bool = False,
) -> None:
    """A big number with its change vs the previous period and its formula on hover."""
    delta = None
    if previous is not None and value is not None:
        if unit == "rate":
            delta = fmt.pts(value - previous)
        elif previous:
            delta = fmt.signed_pct(value / previous - 1)
    st.metric(
        label,
        format_value(value, unit),
        delta=delta,
        delta_color="inverse" if lower_is_better else "normal",
        help=definition.formula if definition else None,
        border=True,
    )


def red_flags(flags: Sequence[object]) -> None:
    """Red flags as coloured badges with the full sentence."""
    for flag in flags:
        level = getattr(flag, "level", "warning")
        text = f"**{getattr(flag, 'title', '')}** — {getattr(flag, 'message', '')}"
        if level == "alert":
            st.error(text, icon=":material/flag:")
        else:
            st.warning(text, icon=":material/warning:")


def previous_period_caption() -> None:
    """Which period the changes compare with, in dates."""
    f = state.current_filters()
    prev = f.previous() if f else None
    if prev is not None:
        st.caption(t("filters.previous_period", period=period_fact(prev.start, prev.end)))


def stop_on_aggregated_counts(ds: object, page: str) -> None:
    """Aggregated counts (totals per day, segment and step; an A/B summary) have no users:
    say so and stop, instead of KPI cards reading 0 users or "map a timestamp column"."""
    if getattr(ds, "counts", None) is None or ds.events.height != 0:  # type: ignore[attr-defined]
        return
    st.info(
        f"This data is aggregated counts (totals per step, not one row per user), so {page} "
        "cannot be computed from it: they need each user's events. Its funnel is on the "
        "**Funnel** page (and an A/B summary on the **A/B test** page); upload an event log "
        "or orders for the rest."
    )
    st.stop()
