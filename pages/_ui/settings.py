"""The settings of an analysis, read from its widgets and the URL in one place.

:func:`funnel_settings` is the one reader of the Funnel page's controls (``fn_steps``,
``fn_order``, ``fn_window``, ``fn_unit``, ``fn_open``, ``fn_by``): the Funnel page, the red
flags and the Excel download all receive the :class:`kpi.settings.FunnelSettings` it returns.
Keys and values in the URL are language-neutral (``fn_order=any``, ``fn_unit=hours``,
``fn_unit=none``); the words are shown with ``format_func``. Streamlit's ``bind="query-params"``
writes a selection widget's *formatted* label to the URL (``fn_order=dans n'importe quel
ordre``), so the widgets whose labels are words (order, unit, the page's view, the entry
period) are bound here instead: :func:`seed_from_url` before the widget, :func:`write_url`
after it, with the option value itself in the URL.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import streamlit as st

from kpi.dataset import Dataset
from kpi.funnel_view_data import count_segments
from kpi.settings import (
    DEFAULT_WINDOW_AMOUNT,
    DEFAULT_WINDOW_UNIT,
    NO_WINDOW,
    ORDERS,
    WINDOW_UNITS,
    FunnelSettings,
    window_from,
)
from pages._ui import url

__all__ = [
    "BY",
    "NO_SEGMENT",
    "OPEN",
    "ORDER",
    "STEPS",
    "UNIT",
    "UNIT_OPTIONS",
    "WINDOW",
    "counts_mode",
    "default_funnel_settings",
    "default_steps",
    "funnel_segments",
    "funnel_settings",
    "known_steps",
    "remember",
    "reset_stale",
    "restore_widgets",
    "seed_from_url",
    "timed",
    "write_url",
]

STEPS, ORDER, WINDOW, UNIT, OPEN, BY = (
    "fn_steps",
    "fn_order",
    "fn_window",
    "fn_unit",
    "fn_open",
    "fn_by",
)
#: ``fn_by`` value for "no breakdown" (a value, not words: shown through format_func)
NO_SEGMENT = "(no breakdown)"
#: ``fn_unit`` options: the units of kpi.settings.WINDOW_UNITS, then "none" (no limit)
UNIT_OPTIONS: tuple[str, ...] = (*WINDOW_UNITS, NO_WINDOW)
_LEGACY_NO_WINDOW = "no limit"  # links shared before the French issue
#: the Funnel page's last settings: Streamlit drops a widget's state on a page that does not
#: draw it, so the Export page, the sidebar download and a return to the Funnel page read this
STORED = "fn_settings"
_KEYS = (STEPS, ORDER, WINDOW, UNIT, OPEN, BY)


def _param(name: str) -> object | None:
    """The widget's value in this session, else the URL's, else the Funnel page's last one."""
    if name in st.session_state:
        return st.session_state[name]
    if name in st.query_params:
        return st.query_params.get(name)
    return _stored(name)


def seed_from_url(key: str, options: Sequence[str], default: str) -> None:
    """Before drawing the widget ``key``: its value is the URL's (a language-neutral option
    value) when the URL changed since this session last wrote it (a shared link, the browser's
    back button), or when the session has no value yet (then ``default`` without a URL value).
    Draw the widget without a default: its value is in ``st.session_state``."""
    value = st.query_params.get(key)
    if key == UNIT and value == _LEGACY_NO_WINDOW:
        value = NO_WINDOW
    written = st.session_state.get(f"_url_{key}")
    if value in options and value != written:
        st.session_state[key] = value
    elif st.session_state.get(key) not in options:
        st.session_state[key] = value if value in options else default


def write_url(key: str, default: str) -> None:
    """After drawing the widget ``key``: its option value in the URL (none when default)."""
    value = st.session_state.get(key)
    url.keep(key, value, default)
    st.session_state[f"_url_{key}"] = None if value is None or value == default else str(value)


def _stored(key: str) -> object | None:
    """The value the control ``key`` had when the Funnel page last ran (None: never ran)."""
    stored = st.session_state.get(STORED)
    if not isinstance(stored, FunnelSettings):
        return None
    return {
        STEPS: list(stored.steps) if stored.steps else None,
        ORDER: stored.order,
        WINDOW: int(stored.window_amount),
        UNIT: stored.window_unit,
        OPEN: stored.open_funnel,
        BY: stored.segment or NO_SEGMENT,
    }[key]


def remember(settings: FunnelSettings) -> None:
    """Keep the Funnel page's settings for the pages that do not draw its controls."""
    st.session_state[STORED] = settings


def restore_widgets() -> None:
    """Before the Funnel page's widgets: a control that Streamlit forgot while another page
    was shown (and that the URL does not set) gets back the value it had."""
    for key in _KEYS:
        if key not in st.session_state and key not in st.query_params:
            value = _stored(key)
            if value is not None:
                st.session_state[key] = value


def counts_mode(ds: Dataset | None) -> bool:
    """True when the data is aggregated counts (segment × step → users), no events (never for
    a connected table's EngineView: an event log)."""
    if getattr(ds, "engine", False):
        return False
    return (
        ds is not None and ds.events.height == 0 and ds.counts is not None and ds.counts.height > 0
    )


def timed(ds: Dataset | None) -> bool:
    """True when order and window apply: events with timestamps (not aggregated counts)."""
    return ds is None or (ds.has_timestamps and not counts_mode(ds))


def funnel_segments(ds: Dataset | None) -> list[str]:
    """The columns the funnel can be broken down by."""
    if ds is None:
        return []
    if counts_mode(ds):
        return count_segments(ds.counts)  # type: ignore[arg-type]
    return list(ds.segments)


def known_steps(ds: Dataset) -> list[str]:
    """Every step name of the data: its step order, then the other names, sorted (read once
    per Dataset and session: every reading of the settings asks for them)."""
    memo: dict[int, tuple[Dataset, list[str]]] = st.session_state.setdefault("_known_steps", {})
    hit = memo.get(id(ds))
    if hit is not None and hit[0] is ds:
        return list(hit[1])
    names = _known_steps(ds)
    if len(memo) >= 4:
        memo.pop(next(iter(memo)))
    memo[id(ds)] = (ds, names)
    return list(names)


def _known_steps(ds: Dataset) -> list[str]:
    if getattr(ds, "engine", False):  # a connected table: its steps, counted in the engine
        return [str(s) for s in ds.event_steps if s is not None and str(s) != ""]  # type: ignore[attr-defined]
    frame = ds.counts if counts_mode(ds) else ds.events
    names: list[str] = []
    if frame is not None and "step" in frame.columns and frame.height:
        names = sorted(str(s) for s in frame["step"].unique().drop_nulls().to_list() if s)
    return list(dict.fromkeys([*ds.steps, *names]))


def default_steps(ds: Dataset, options: Sequence[str]) -> list[str]:
    """The steps shown before the user chooses: the data's step order, else the first five."""
    return list(ds.steps) or list(options[:5])


def reset_stale(options: Sequence[str], segments: Sequence[str], defaults: Sequence[str]) -> None:
    """New data (another upload): replace step and segment choices it does not have. Set, not
    deleted, so that the browser's widgets show the new values too. Call before the widgets."""
    remembered = st.session_state.get(STEPS)
    if remembered is not None and any(s not in options for s in remembered):
        st.session_state[STEPS] = list(defaults)
    if st.session_state.get(BY) not in (None, NO_SEGMENT, *segments):
        st.session_state[BY] = NO_SEGMENT


def funnel_settings(ds: Dataset | None = None) -> FunnelSettings:
    """The funnel of this view, as the Funnel page's widgets (or the URL, or the defaults) set
    it, checked against the data (``ds``: the session's Dataset when None).

    ``steps``: the chosen steps the data has (None when nothing was chosen yet: the data's
    step order; an empty tuple when the user removed every step). Without timestamps (or on
    aggregated counts) the order is sequential and there is no window; on aggregated counts
    the funnel is not open.
    """
    if ds is None:
        ds = _data()
    if STEPS in st.session_state:
        chosen = st.session_state[STEPS]
        raw: tuple[str, ...] | None = tuple(str(s) for s in chosen or ())
    else:
        from_url = st.query_params.get_all(STEPS) or _stored(STEPS)
        raw = tuple(str(s) for s in from_url) if from_url else None  # type: ignore[union-attr]
    if raw is not None and ds is not None:
        # a shared link may name steps of someone else's data: keep the ones this data has
        known = set(known_steps(ds))
        raw = tuple(s for s in raw if s in known) or (() if STEPS in st.session_state else None)
    return _settings(ds, raw, _param)


def _data() -> Dataset | None:
    """What the controls are checked against: the connected table in use (its whole-table
    EngineView: steps and segments from the engine), else the session's Dataset."""
    from pages._ui import connect

    if connect.connected() is not None:
        return connect.base_view()
    return st.session_state.get("dataset")


def default_funnel_settings(ds: Dataset | None) -> FunnelSettings:
    """The funnel settings of a view whose widgets, URL and Funnel page say nothing (the
    defaults :func:`funnel_settings` gives a new session), read outside any script run."""
    return _settings(ds, None, lambda name: None, live=False)


def _settings(
    ds: Dataset | None,
    raw: tuple[str, ...] | None,
    _param: Callable[[str], object | None],
    *,
    live: bool = True,
) -> FunnelSettings:
    unit = str(_param(UNIT) or DEFAULT_WINDOW_UNIT)
    if unit == _LEGACY_NO_WINDOW:
        unit = NO_WINDOW
    if unit not in UNIT_OPTIONS:
        unit = DEFAULT_WINDOW_UNIT
    try:
        amount = float(_param(WINDOW) or DEFAULT_WINDOW_AMOUNT)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        amount = float(DEFAULT_WINDOW_AMOUNT)
    if not amount > 0:
        amount = float(DEFAULT_WINDOW_AMOUNT)
    with_time = timed(ds)
    order = str(_param(ORDER) or "sequential")
    if order not in ORDERS or not with_time:
        order = "sequential"
    by = _param(BY)
    segment = str(by) if by is not None and str(by) in funnel_segments(ds) else None
    return FunnelSettings(
        steps=raw,
        order=order,  # type: ignore[arg-type]
        window=window_from(amount, unit) if with_time else None,
        open_funnel=str(_param(OPEN)).lower() == "true" and not counts_mode(ds),
        segment=segment,
        window_amount=amount,
        window_unit=unit,
        **_rules(live and with_time),
    )


def _rules(live: bool) -> dict:
    """The exclusions and per-step windows (:mod:`pages._ui.funnel_rules`; none outside a
    script run or without timestamps)."""
    if not live:
        return {}
    from pages._ui import funnel_rules

    exclusions, step_windows = funnel_rules.read()
    return {"exclusions": exclusions, "step_windows": step_windows}
