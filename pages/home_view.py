"""Overview: the headline KPIs of the view, its red flags, and where to go next.

One drawing path (:func:`_draw`) for both routes: the uploaded (or demo) files' View, and a
connected table's :class:`~kpi.engine.view.EngineView` (its KPIs summed in the engine)."""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from kpi import alerts, pipeline
from kpi.errors import ParcoursError
from kpi.journey.kpi import Kpi
from kpi.words import Fact, Raw, escape_markdown
from pages._ui import comparisons, compute, state, target_card, targets_editor, widgets
from pages._ui.lang import t, tx
from pages._ui.page_end import end_page

HEADLINE = ["users", "sessions", "conversion_rate", "aov", "cart_abandonment", "bounce_rate"]
CRM_HEADLINE = ["contacts", "lead_conversion", "customers", "won_deal_value", "avg_deal_value"]
LOWER_IS_BETTER = {"cart_abandonment", "bounce_rate"}


def _tiles(
    kpis: dict[str, Kpi], prev_kpis: dict[str, Kpi], headline: Sequence[str], has_previous: bool
) -> None:
    """The headline KPI tiles with their change vs the previous period; a headline KPI that
    does not apply to the data is said (never shown as 100 % or 0)."""
    shown = [kpis[c] for c in headline if c in kpis and kpis[c].available]
    not_applicable = [kpis[c] for c in headline if c in kpis and kpis[c].reason]
    if not shown:
        return

    def card(k: Kpi) -> None:  # the number, its target line and its year-before line
        previous = comparisons.previous_for_tile(prev_kpis.get(k.code))
        widgets.kpi_tile(k, previous, lower_is_better=k.code in LOWER_IS_BETTER, border=False)
        comparisons.tile_line(k)

    target_card.grid(shown, card)  # rows of even cards, with or without a target line
    for k in not_applicable:
        label = Fact(f"def.{k.code}.label")
        st.caption(":material/block: " + t("home.not_applicable", label=label, reason=k.missing))
    if has_previous:
        widgets.previous_period_caption()
    else:
        st.caption(t("home.no_previous"))
    comparisons.kpi_section(headline, key="home_cmp")


def _flags(flags: Sequence[alerts.RedFlag]) -> None:
    st.subheader(tx("home.red_flags" if flags else "home.no_red_flags"))
    if flags:
        widgets.red_flags(flags)
    else:
        st.success(t("home.all_within"))


def _go_further() -> None:
    st.subheader(tx("home.go_further"))
    c1, c2, c3, c4 = st.columns(4)
    for col, (page, name, blurb) in zip(
        (c1, c2, c3, c4),
        [
            ("pages/funnel_view.py", "nav.funnel", "home.blurb.funnel"),
            ("pages/stages_view.py", "nav.stages", "home.blurb.stages"),
            ("pages/abtest_view.py", "nav.ab", "home.blurb.ab"),
            ("pages/data_view.py", "nav.data", "home.blurb.data"),
        ],
        strict=True,
    ):
        with col.container(border=True):
            try:
                st.page_link(page, label=f"**{t(name)}**")
            except Exception:  # the page is not registered in this build
                st.markdown(f"**{t(name)}**")
            st.caption(t(blurb))


def _need_events(exc: ParcoursError) -> None:
    st.info(t("home.need_events", error=exc.message))
    if exc.hint is not None:
        st.caption(t(exc.hint))


def _connected(engine: object) -> None:
    """The Overview of a connected table: the same tiles, flags and links, from the engine."""
    from kpi.engine.view import engine_error

    kpis: dict[str, Kpi] = {}
    prev_kpis: dict[str, Kpi] = {}
    has_previous = False
    try:
        with st.spinner(tx("home.engine.computing")):
            users, _ = engine.size()  # type: ignore[attr-defined]
            if users:
                kpis = {k.code: k for k in engine.kpis(strict=True)}  # type: ignore[attr-defined]
                prev = engine.previous_kpis(strict=True)  # type: ignore[attr-defined]
                has_previous = prev is not None
                prev_kpis = {k.code: k for k in prev or []}
    except Exception as exc:  # the engine's own errors, said without the address
        _need_events(engine_error(exc))
        users = None
    if users == 0:
        st.info(t("home.engine.no_users"))
    _tiles(kpis, prev_kpis, HEADLINE, has_previous)
    label = escape_markdown(engine.label or "–")  # type: ignore[attr-defined]
    st.caption(t("home.engine.computed_in", table=Raw(label)))
    thresholds = st.session_state.get("thresholds") or alerts.Thresholds()
    try:
        flags = engine.red_flags(thresholds) if users else []  # type: ignore[attr-defined]
    except Exception as exc:
        st.warning(t(Fact("export.flags_failed", why=engine_error(exc).message)))
        flags = []
    _flags(flags)
    _go_further()


st.title(tx("home.title"))
st.markdown(t("home.intro"))
widgets.view_caption()
targets_editor.section("home_")
engine = compute.engine_view()
if engine is not None:
    _connected(engine)
    end_page()
ds = state.require_view()

key = state.view_key()
try:
    kpis = {k.code: k for k in compute.stage_kpis(key, ds)}
    prev = compute.previous_view()
    prev_kpis = {k.code: k for k in compute.stage_kpis(*prev)} if prev else {}
except ParcoursError as exc:
    _need_events(exc)
    kpis, prev, prev_kpis = {}, None, {}

headline = HEADLINE
if ds.events.height == 0:
    kpis = {}  # no event log: the cards would read 0 users
    st.info(t("home.no_events.counts" if ds.counts is not None else "home.no_events.users"))
elif pipeline.is_contacts(ds):  # a CRM contacts table: the pipeline's headline KPIs
    headline = CRM_HEADLINE
_tiles(kpis, prev_kpis, headline, prev is not None)
_flags(compute.red_flags(ds))
_go_further()
