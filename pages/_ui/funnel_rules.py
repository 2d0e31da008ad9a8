"""The Funnel page's exclusion steps and per-step windows: the editor (in the funnel settings
area), their reading from the URL, and the note under the funnel that says which apply and
how many users an exclusion took out early.

Bound to the URL by neutral values, one parameter per rule (repeatable): ``fn_x`` =
``EVENT|AFTER|BEFORE`` (an event and two step names), ``fn_sw`` = ``STEP|AMOUNT|UNIT`` (a
step name, a number, a unit of :data:`kpi.settings.WINDOW_UNITS`), e.g.
``?fn_x=coupon_error|cart|purchase&fn_sw=purchase|2|hours``. Names holding ``|`` cannot be
written in a link (the editor does not offer them).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import streamlit as st

from kpi.errors import ParcoursError
from kpi.funnel.rules import in_effect
from kpi.settings import WINDOW_UNITS, Exclusion, FunnelSettings, StepWindow
from kpi.words import Fact, render
from pages._ui import url
from pages._ui.lang import current, t, tx

__all__ = [
    "EXCLUDE",
    "NO_RULES",
    "STEP_WINDOW",
    "Rules",
    "editor",
    "kwargs",
    "note",
    "read",
    "rules_of",
]

EXCLUDE, STEP_WINDOW = "fn_x", "fn_sw"
SEP = "|"
Rules = tuple[tuple[Exclusion, ...], tuple[StepWindow, ...]]
NO_RULES: Rules = ((), ())
_STORED = "fn_settings"  # pages/_ui/settings.STORED: the Funnel page's last settings


# ---- neutral values ------------------------------------------------------------------------
def encode_exclusion(x: Exclusion) -> str:
    return SEP.join((x.event, x.after, x.before))


def decode_exclusion(value: str) -> Exclusion | None:
    parts = str(value).split(SEP)
    if len(parts) != 3 or not all(parts):
        return None
    return Exclusion(*parts)


def _amount(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def encode_window(w: StepWindow) -> str:
    return SEP.join((w.step, _amount(w.amount), w.unit))


def decode_window(value: str) -> StepWindow | None:
    parts = str(value).split(SEP)
    if len(parts) != 3 or not parts[0] or parts[2] not in WINDOW_UNITS:
        return None
    try:
        amount = float(parts[1])
    except ValueError:
        return None
    if not 0 < amount < 1e6:
        return None
    return StepWindow(parts[0], amount, parts[2])


def _values(key: str) -> list[str]:
    """The rule values of this session: its own, else the URL's, else the Funnel page's last
    settings (another page than the Funnel page)."""
    if key in st.session_state:
        return [str(v) for v in st.session_state[key] or []]
    given = st.query_params.get_all(key)
    if given:
        return [str(v) for v in given]
    stored = st.session_state.get(_STORED)
    if isinstance(stored, FunnelSettings):
        if key == EXCLUDE:
            return [encode_exclusion(x) for x in stored.exclusions]
        return [encode_window(w) for w in stored.step_windows]
    return []


def read() -> Rules:
    """The exclusions and per-step windows of the view (for
    :func:`pages._ui.settings.funnel_settings`), each once, those of the link that make sense."""
    excl = (decode_exclusion(v) for v in _values(EXCLUDE))
    windows = (decode_window(v) for v in _values(STEP_WINDOW))
    return (
        tuple(dict.fromkeys(x for x in excl if x is not None)),
        tuple(dict.fromkeys(w for w in windows if w is not None)),
    )


def rules_of(settings: FunnelSettings) -> Rules:
    """The rules asked for in ``settings`` (a cache key part)."""
    return (tuple(settings.exclusions), tuple(settings.step_windows))


def kwargs(
    rules: Rules, steps: Sequence[str], order: str, open_funnel: bool, has_ts: bool
) -> dict[str, tuple]:
    """The funnel functions' ``exclusions`` / ``step_windows``: those that apply (none when
    the funnel cannot take them: :func:`kpi.funnel.rules.in_effect`)."""
    got = in_effect(steps, *rules, order=order, open_funnel=open_funnel, has_ts=has_ts)
    return got.kwargs() if got.active else {}


# ---- the editor ----------------------------------------------------------------------------
def _sync_from_url() -> None:
    """Before the editor: the URL's rules when the session has none yet, or when the URL
    names others than this session last wrote (a shared link, the browser's back button);
    then the session's rules back into the URL (a return from another page)."""
    for key in (EXCLUDE, STEP_WINDOW):
        given = [str(v) for v in st.query_params.get_all(key)]
        if key not in st.session_state:
            st.session_state[key] = _values(key)
        elif given and given != st.session_state.get(f"_url_{key}"):
            st.session_state[key] = given
        _write(key, list(st.session_state[key] or []))


def _write(key: str, values: list[str]) -> None:
    st.session_state[key] = values
    url.keep(key, values)
    st.session_state[f"_url_{key}"] = list(values)


def _add_exclusion() -> None:
    event = st.session_state.get("fn_x_event")
    after = st.session_state.get("fn_x_after")
    before = st.session_state.get("fn_x_before")
    if not (event and after and before) or SEP in f"{event}{after}{before}":
        return
    value = encode_exclusion(Exclusion(str(event), str(after), str(before)))
    current_values = list(st.session_state.get(EXCLUDE) or [])
    if value not in current_values:
        _write(EXCLUDE, [*current_values, value])


def _add_window() -> None:
    step = st.session_state.get("fn_sw_step")
    amount = st.session_state.get("fn_sw_amount")
    unit = st.session_state.get("fn_sw_unit")
    if not step or not amount or unit not in WINDOW_UNITS or SEP in str(step):
        return
    new = StepWindow(str(step), float(amount), str(unit))
    kept = [v for v in st.session_state.get(STEP_WINDOW) or [] if v.split(SEP)[0] != new.step]
    _write(STEP_WINDOW, [*kept, encode_window(new)])


def _remove(key: str, value: str) -> None:
    _write(key, [v for v in st.session_state.get(key) or [] if v != value])


def _words_of_exclusion(x: Exclusion) -> Fact:
    return Fact("funnel_rules.exclusion", event=x.event, after=x.after, before=x.before)


def _words_of_window(w: StepWindow) -> Fact:
    return Fact(
        "funnel_rules.step_window",
        step=w.step,
        amount=w.amount,
        unit=Fact(f"funnel_rules.unit.{w.unit}", n=w.amount),
    )


def editor(settings: FunnelSettings, events: Sequence[str], *, timed: bool) -> None:
    """The exclusions and per-step windows of the funnel ``settings`` (its steps: the chosen
    ones), in an expander of the funnel settings area; ``events``: every event name of the
    data (those not in the funnel can be excluded). Without timestamps: not shown."""
    if not timed:
        return
    _sync_from_url()
    lang = current()
    steps = [str(s) for s in settings.steps or ()]
    asked = len(settings.exclusions) + len(settings.step_windows)
    title = tx("funnel_rules.page.title_n", n=asked) if asked else tx("funnel_rules.page.title")
    with st.expander(title, expanded=False, icon=":material/filter_alt:"):
        st.caption(t("funnel_rules.page.intro"))
        got = in_effect(
            steps,
            settings.exclusions,
            settings.step_windows,
            order=settings.order,
            open_funnel=settings.open_funnel,
            has_ts=timed,
        )
        for x in settings.exclusions:
            c1, c2 = st.columns([5, 1], vertical_alignment="center")
            c1.markdown(render(_words_of_exclusion(x), lang, markdown=True))
            c2.button(
                tx("funnel_rules.page.remove"),
                key=f"fn_x_rm|{encode_exclusion(x)}",
                on_click=_remove,
                args=(EXCLUDE, encode_exclusion(x)),
                icon=":material/close:",
                type="tertiary",
            )
        for w in settings.step_windows:
            c1, c2 = st.columns([5, 1], vertical_alignment="center")
            c1.markdown(render(_words_of_window(w), lang, markdown=True))
            c2.button(
                tx("funnel_rules.page.remove"),
                key=f"fn_sw_rm|{encode_window(w)}",
                on_click=_remove,
                args=(STEP_WINDOW, encode_window(w)),
                icon=":material/close:",
                type="tertiary",
            )
        if not asked:
            st.caption(t("funnel_rules.page.none"))
        if got.blocked:
            st.info(t("funnel_rules.page.not_here"), icon=":material/info:")
        for fact in got.notes:
            if fact.code != "funnel_rules.page.not_here":
                st.caption(t(fact))
        if len(steps) < 2:
            st.caption(t("funnel_rules.page.two_steps"))
            return
        others = [e for e in events if e not in steps and SEP not in e]
        offered = [s for s in steps if SEP not in s]
        if others:
            c1, c2, c3, c4 = st.columns([1.2, 1, 1, 1], vertical_alignment="bottom")
            c1.selectbox(tx("funnel_rules.page.event"), others, key="fn_x_event")
            c2.selectbox(tx("funnel_rules.page.after"), offered[:-1], key="fn_x_after")
            after = st.session_state.get("fn_x_after")
            later = offered[offered.index(after) + 1 :] if after in offered else offered[1:]
            c3.selectbox(tx("funnel_rules.page.before"), later, key="fn_x_before")
            c4.button(
                tx("funnel_rules.page.add_exclusion"),
                key="fn_x_add",
                on_click=_add_exclusion,
                icon=":material/add:",
            )
        else:
            st.caption(t("funnel_rules.page.no_events"))
        c1, c2, c3, c4 = st.columns([1.2, 1, 1, 1], vertical_alignment="bottom")
        c1.selectbox(tx("funnel_rules.page.step"), offered[1:], key="fn_sw_step")
        c2.number_input(
            tx("funnel_rules.page.amount"),
            min_value=1,
            max_value=10_000,
            value=1,
            key="fn_sw_amount",
        )
        units = list(WINDOW_UNITS)
        c3.selectbox(
            tx("funnel_rules.page.unit"),
            units,
            index=units.index("hours"),
            format_func=lambda u: render(f"funnel.unit.{u}", lang),
            key="fn_sw_unit",
        )
        c4.button(
            tx("funnel_rules.page.add_window"),
            key="fn_sw_add",
            on_click=_add_window,
            icon=":material/add:",
        )


# ---- the note under the funnel -------------------------------------------------------------
def note(settings: FunnelSettings, *, timed: bool, excluded: Callable[[], int | None]) -> None:
    """Which exclusions and per-step windows the funnel applies, how many users an exclusion
    took out early (``excluded``), and that every figure of the funnel applies them."""
    got = in_effect(
        [str(s) for s in settings.steps or ()],
        settings.exclusions,
        settings.step_windows,
        order=settings.order,
        open_funnel=settings.open_funnel,
        has_ts=timed,
    )
    if not got.active:
        return
    lines: list[str] = []
    if got.exclusions:
        words = [_words_of_exclusion(x) for x in got.exclusions]
        lines.append(t("funnel_rules.applied", exclusions=words))
        try:
            n = excluded()
        except ParcoursError:  # the count is a note: never a traceback
            n = None
        if n is not None:
            lines.append(t("funnel_rules.excluded", n=n))
    if got.step_windows:
        words = [_words_of_window(w) for w in got.step_windows]
        lines.append(t("funnel_rules.applied_windows", windows=words))
    lines.append(t("funnel.rules.everywhere"))
    st.info("  \n".join(lines), icon=":material/filter_alt:")
