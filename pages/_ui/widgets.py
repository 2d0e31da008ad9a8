"""Small shared widgets: the frame's styles, the view sentence (with what a shared link asked
for and this data lacks), KPI cards with formulas, red-flag badges."""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from kpi.definitions import Definition, Words
from kpi.filters import LinkMismatch, period_fact
from kpi.journey.kpi import Kpi
from kpi.words import Fact, Raw, escape_markdown
from kpi.words import format as wf
from kpi.words.render import duration
from pages._ui import kpi_figures, sidebar, state, target_card
from pages._ui.lang import current, t, tx
from pages._ui.page_end import end_page

RUNNING_KEY = "parcours_running"
#: the words of the "working" pill, while the data is read and while a page computes
RUNNING_READING = "widgets.running.reading"
RUNNING_COMPUTING = "widgets.running.computing"

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
    from pages._ui import connect

    f = state.current_filters()
    table = connect.connected()
    if table is not None:  # a connected table: its label, never the address
        source = escape_markdown(table.label or "–")
    elif state.using_demo():
        source = t("frame.demo_short")
    else:
        source = ", ".join(escape_markdown(x.name) for x in state.files())
    view = f.fact() if f else Fact("frame.view_all")
    st.caption(t("frame.view_caption", source=Raw(source), view=view))
    link_notes(sidebar.link_mismatches_for_view())


def role_column(lang: str) -> object:
    """The data editor's "role" column: a column's meaning chosen among the roles, in words
    (the Data page's files and its connected table alike)."""
    from kpi.ingest.roles import ROLES, role_name
    from kpi.words import render

    return st.column_config.SelectboxColumn(
        tx("ingest_page.col.role"),
        options=list(ROLES),
        required=True,
        format_func=lambda r, lang=lang: render(role_name(r), lang),
    )


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


def format_value(value: float | None, unit: str, currency: str | None = None) -> str:
    """A KPI's value as the view's language writes it (the app's one precision rule for
    rates; money with the data's currency when it says, else no symbol)."""
    lang = current()
    if unit == "rate":
        return wf.percent(value, lang)
    if unit == "currency":
        return wf.money(value, lang, currency)
    if unit == "seconds":
        return duration(value, lang)
    if unit == "count":
        return wf.integer(value, lang)
    if unit in ("days", "months"):
        return wf.MISSING if value is None else tx(f"widgets.unit.{unit}", value=value)
    return wf.number(value, lang, 2)


def change_text(value: float | None, previous: float | None, unit: str) -> str | None:
    """The change vs the previous period: points for a rate, a relative change otherwise."""
    if previous is None or value is None:
        return None
    if unit == "rate":
        return wf.points(value - previous, current())
    if previous:
        return wf.signed_percent(value / previous - 1, current())
    return None


def _words(text: object) -> str | None:
    """A label or a help text given as words (a fact, a code, :class:`Words`, or text)."""
    if text is None:
        return None
    if isinstance(text, Definition):
        return text.formula(current())
    if isinstance(text, Words):
        return text(current())
    if isinstance(text, Fact):
        return t(text)
    return str(text)


def kpi_card(
    label: str | Fact,
    value: float | None,
    unit: str,
    *,
    previous: float | None = None,
    definition: Definition | Fact | str | None = None,
    lower_is_better: bool = False,
    currency: str | None = None,
    border: bool = True,
) -> None:
    """A big number with its change vs the previous period and its definition on hover.

    ``label``: the KPI's name (text, a fact, or a definition's ``label``); ``definition``: a
    :class:`~kpi.definitions.Definition` (its formula in the view's language), a fact, or
    text. ``currency``: the data's currency for money (None: no symbol). ``border=False``
    inside a card's frame (:func:`pages._ui.target_card.box`) that holds its lines too."""
    shown, help_text = kpi_figures.short_amount(
        format_value(value, unit, currency), value, unit, currency, _words(definition)
    )
    st.metric(
        _words(label) or "",
        shown,
        delta=change_text(value, previous, unit),
        delta_color="inverse" if lower_is_better else "normal",
        help=help_text,
        border=border,
    )


def kpi_help(k: Kpi) -> str:
    """A stage KPI's ⓘ: its definition, what it says about this data, and for a rate where
    the figure comes from ("Here: 12 / 40.")."""
    text = k.formula(current(), markdown=True)
    if k.numerator is not None and k.denominator is not None and k.unit == "rate":
        text += " " + t("widgets.here", num=k.numerator, den=k.denominator)
    return text


def kpi_tile(
    k: Kpi, previous: Kpi | None = None, *, lower_is_better: bool = False, border: bool = True
) -> None:
    """A stage KPI's card (:func:`kpi_card`) with its name, currency and definition, then its
    target line."""
    kpi_card(
        k.label(current()),
        k.value,
        k.unit,
        previous=previous.value if previous is not None and previous.available else None,
        definition=kpi_help(k),
        lower_is_better=lower_is_better,
        currency=k.currency,
        border=border,
    )
    target_card.line(k.code, k.value, currency=k.currency)  # target, gap and status


def unavailable_card(k: Kpi) -> None:
    """A KPI without a value: why it does not apply to this data (never a 100 % or a 0), or
    what would unlock it."""
    with st.container(border=True):
        st.markdown(f"**{k.label(current(), markdown=True)}**")
        if k.reason:
            st.caption(f":material/block: {_sentence(t(k.missing))}")
        else:
            st.caption(f":material/lock: {t('widgets.not_available', why=k.missing)}")


def _sentence(text: str) -> str:
    """Words that follow a KPI's name, standing alone: a capital and a full stop."""
    return f"{text[:1].upper()}{text[1:]}." if text else ""


def red_flags(flags: Sequence[object]) -> None:
    """Red flags as coloured badges with the full sentence (title and message: facts)."""
    for flag in flags:
        level = getattr(flag, "level", "warning")
        parts = {part: getattr(flag, part, "") for part in ("title", "message")}
        # a fact renders in the view's language; text of a module not yet converted is shown
        # as written (TRANSITIONAL)
        values = {k: v if isinstance(v, Fact) else Raw(str(v)) for k, v in parts.items()}
        text = t("widgets.flag", **values)
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
    from pages._ui import event_marks  # altair: not imported before the first page is drawn

    event_marks.period_note(f, prev)  # the events each compared period overlaps


def stop_on_aggregated_counts(ds: object, page: Fact | str) -> None:
    """Aggregated counts (totals per day, segment and step; an A/B summary) have no users:
    say so and stop, instead of KPI cards reading 0 users or "map a timestamp column".
    ``page``: what the page computes (a fact, e.g. "the stage KPIs")."""
    if getattr(ds, "counts", None) is None or ds.events.height != 0:  # type: ignore[attr-defined]
        return
    st.info(t("widgets.aggregated", what=page))
    end_page()
