"""The A/B page's settings: read from the widgets and the URL in one place, as one
:class:`kpi.abtest.ABSettings`.

URL values stay language-neutral (``?ab_mode=From data``, ``?ab_correction=Holm``,
``?ab_alpha=0.01``: the values the links of earlier versions carry); the words shown come
from ``format_func``. Streamlit's own ``bind="query-params"`` writes the *formatted* label of
a choice into the URL, which would change with the language, so choices with words are bound
here by value (:func:`choice`); numbers and text inputs keep Streamlit's binding.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from kpi.abtest import ABSettings
from kpi.words import format as fmt
from pages._ui.choice import choice
from pages._ui.lang import current, tx

#: ``?ab_mode=`` values (as in earlier links) -> the settings' mode
MODES = {"Quick check": "quick", "From data": "data"}
QUICK, DATA = "Quick check", "From data"
NO_SEGMENT = "(no breakdown)"
CORRECTIONS = {"Holm": "holm", "Benjamini–Hochberg": "bh", "None": None}
# every variant in every segment by default (the same as "variants" without a breakdown):
# segment "wins" found by looking at many segments are corrected for it
FAMILIES = {"variants × segments": "variants x segments", "variants": "variants"}
MDE_KINDS = ("relative %", "absolute pp")
ALPHAS = (0.05, 0.01, 0.10)
POWERS = (0.8, 0.9, 0.95)
REACHED = "reached "


def _number(x: float) -> str:
    return fmt.number(x, current())


def mode_choice(default: str, *, reset: bool, connected: bool = False) -> str:
    """Quick check or from data (``?ab_mode=``); ``reset``: new files chose the default;
    ``connected``: "From data" is the connected table."""
    if reset:
        st.session_state["ab_mode"] = default
    return choice(
        st,
        "segmented_control",
        tx("ab_page.mode.label"),
        [QUICK, DATA],
        key="ab_mode",
        default=default,
        format_func=lambda m: tx(f"ab_page.mode.{MODES[m]}"),
        help=tx("ab_page.mode.help" + (".engine" if connected else "")),
    )


@dataclass(frozen=True)
class Statistics:
    """The statistics settings of the expander, and the planned split as typed."""

    alpha: float
    correction_label: str
    family_label: str
    split_text: str
    mde_percent: float
    mde_relative: bool
    power: float
    peeked: bool

    @property
    def correction(self) -> str | None:
        return CORRECTIONS[self.correction_label]

    @property
    def family(self) -> str:
        return FAMILIES[self.family_label]

    @property
    def mde(self) -> float:
        return float(self.mde_percent) / 100


def statistics() -> Statistics:
    """The settings expander: level, correction, family, planned split, MDE, power, peeking."""
    with st.expander(tx("ab_page.settings.title"), expanded=False):
        s1, s2, s3, s4 = st.columns(4)
        alpha = choice(
            s1,
            "selectbox",
            tx("ab_page.settings.alpha"),
            ALPHAS,
            key="ab_alpha",
            default=0.05,
            format_func=_number,
            help=tx("ab_page.settings.alpha_help"),
        )
        correction = choice(
            s2,
            "selectbox",
            tx("ab_page.settings.correction"),
            list(CORRECTIONS),
            key="ab_correction",
            default="Holm",
            format_func=lambda c: tx(f"ab_page.correction.{CORRECTIONS[c] or 'none'}"),
            help=tx("ab_page.settings.correction_help"),
        )
        family = choice(
            s3,
            "selectbox",
            tx("ab_page.settings.family"),
            list(FAMILIES),
            key="ab_family",
            default="variants × segments",
            format_func=lambda f: tx(f"ab_page.family.{FAMILIES[f].replace(' ', '_')}"),
            help=tx("ab_page.settings.family_help"),
        )
        split_text = s4.text_input(
            tx("ab_page.settings.split"),
            value="",
            placeholder=tx("ab_page.settings.split_placeholder"),
            key="ab_split",
            bind="query-params",
            help=tx("ab_page.settings.split_help"),
        )
        m1, m2, m3, m4 = st.columns(4)
        kind = choice(
            m1,
            "segmented_control",
            tx("ab_page.settings.mde_kind"),
            MDE_KINDS,
            key="ab_mde_kind",
            default="relative %",
            format_func=lambda k: tx(
                "ab_page.mde.relative" if k == "relative %" else "ab_page.mde.absolute"
            ),
            help=tx("ab_page.settings.mde_kind_help"),
        )
        mde = m2.number_input(
            tx("ab_page.settings.mde"),
            min_value=0.001,
            max_value=1000.0,
            value=5.0,
            step=0.5,
            format="%.3f",
            key="ab_mde",
            bind="query-params",
            help=tx("ab_page.settings.mde_help"),
        )
        power = choice(
            m3,
            "selectbox",
            tx("ab_page.settings.power"),
            POWERS,
            key="ab_power",
            default=0.8,
            format_func=_number,
            help=tx("ab_page.settings.power_help"),
        )
        peeked = m4.toggle(
            tx("ab_page.settings.peeked"),
            key="ab_peeked",
            bind="query-params",
            help=tx("ab_page.settings.peeked_help"),
        )
    return Statistics(
        alpha=float(alpha),
        correction_label=correction,
        family_label=family,
        split_text=split_text or "",
        mde_percent=float(mde),
        mde_relative=kind != "absolute pp",
        power=float(power),
        peeked=bool(peeked),
    )


def breakdown(box: DeltaGenerator | Any, segments: Sequence[str], help_code: str) -> str | None:
    """Break down by (``?ab_by=``): None for no breakdown."""
    value = choice(
        box,
        "selectbox",
        tx("ab_page.data.by"),
        [NO_SEGMENT, *segments],
        key="ab_by",
        default=NO_SEGMENT,
        format_func=lambda s: tx("ab_page.data.no_breakdown") if s == NO_SEGMENT else s,
        help=tx(help_code),
    )
    return None if value == NO_SEGMENT else value


def goal(
    box: DeltaGenerator | Any,
    flags: Sequence[str],
    steps: Sequence[str],
    *,
    help_code: str = "ab_page.data.goal_help",
) -> str:
    """Counts as a conversion (``?ab_outcome=``): a yes/no column or ``reached <step>``."""
    options = [*flags, *(f"{REACHED}{s}" for s in steps)]
    return choice(
        box,
        "selectbox",
        tx("ab_page.data.goal"),
        options,
        key="ab_outcome",
        default=options[0] if flags else options[-1],
        format_func=lambda o: (
            tx("ab_page.data.reached", step=o[len(REACHED) :]) if o not in flags else o
        ),
        help=tx(help_code),
    )


def settings(
    mode: str,
    stats: Statistics,
    *,
    variant: str | None = None,
    control: str | None = None,
    outcome: str | None = None,
    flags: Sequence[str] = (),
    window_days: float = 0.0,
    segment: str | None = None,
    planned_split: tuple[float, ...] | None = None,
) -> ABSettings:
    """The one :class:`ABSettings` of the page, from the widgets read above."""
    step = None
    flag = None
    if outcome is not None:
        if outcome in flags:
            flag = outcome
        else:
            step = outcome[len(REACHED) :]
    return ABSettings(
        mode=MODES[mode],  # type: ignore[arg-type]
        variant=variant,
        control=control,
        flag=flag,
        step=step,
        window_days=float(window_days or 0.0),
        segment=segment,
        alpha=stats.alpha,
        correction=stats.correction,  # type: ignore[arg-type]
        family=stats.family,  # type: ignore[arg-type]
        planned_split=planned_split,
        mde=stats.mde,
        mde_relative=stats.mde_relative,
        power=stats.power,
        peeked=stats.peeked,
    )
