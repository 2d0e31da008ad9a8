"""The Quick check form: two groups typed in (every number bound to the URL, so a shared link
carries them) or a pasted table; the example fills the same inputs and says so."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import polars as pl
import streamlit as st

from kpi import abtest
from kpi.abtest import ABSource
from kpi.errors import ParcoursError
from pages._ui.lang import current, t, tx

QUICK_GROUPS = (("a", "A", "control"), ("b", "B", "variant"))
EXAMPLE = {"ab_q_n_a": 10000, "ab_q_x_a": 500, "ab_q_n_b": 10000, "ab_q_x_b": 560}


@dataclass(frozen=True)
class Typed:
    """The counts typed in, where they came from and the control chosen."""

    counts: pl.DataFrame
    source: ABSource
    control: str

    @property
    def is_example(self) -> bool:
        return self.source.kind == "example"


def _fill_example() -> None:
    st.session_state["ab_paste"] = ""
    st.session_state["ab_q_name_a"], st.session_state["ab_q_name_b"] = "A", "B"
    for key, value in EXAMPLE.items():
        st.session_state[key] = value


def form(stop: Callable[[], None]) -> Typed | None:
    """The form; None while nothing is typed; impossible numbers: an error, then ``stop()``."""
    st.subheader(tx("ab_page.quick.title"))
    left, right = st.columns([3, 2])
    typed: dict[str, tuple[str, int | None, int | None]] = {}
    with left:
        for g, default, role in QUICK_GROUPS:
            c1, c2, c3 = st.columns([2, 3, 3])
            name = c1.text_input(
                tx(f"ab_page.quick.{role}"),
                value=default,
                key=f"ab_q_name_{g}",
                bind="query-params",
                help=tx(f"ab_page.quick.name_help.{role}"),
            )
            n = c2.number_input(
                tx(f"ab_page.quick.visitors.{role}"),
                min_value=0,
                value=None,
                step=1,
                placeholder=tx("ab_page.quick.visitors_placeholder"),
                key=f"ab_q_n_{g}",
                bind="query-params",
                help=tx("ab_page.quick.visitors_help"),
            )
            x = c3.number_input(
                tx(f"ab_page.quick.conversions.{role}"),
                min_value=0,
                value=None,
                step=1,
                placeholder=tx("ab_page.quick.conversions_placeholder"),
                key=f"ab_q_x_{g}",
                bind="query-params",
                help=tx("ab_page.quick.conversions_help"),
            )
            typed[g] = ((name or default).strip() or default, n, x)
        st.button(
            tx("ab_page.quick.example"),
            on_click=_fill_example,
            help=tx("ab_page.quick.example_help"),
        )
    pasted = right.text_area(
        tx("ab_page.quick.paste"),
        value="",
        height=120,
        placeholder="A\t10000\t500\nB\t10000\t560\nC\t10000\t610",
        key="ab_paste",
        bind="query-params",
        help=tx("ab_page.quick.paste_help"),
    )
    try:
        if pasted.strip():
            counts = abtest.parse_counts_text(pasted)
            source = ABSource(kind="pasted")
            right.caption(t("ab_page.quick.using_paste"))
        else:
            if any(v is None for _, n, x in typed.values() for v in (n, x)):
                st.info(t("ab_page.quick.type_numbers"))
                return None
            table = pl.DataFrame(
                {
                    "variant": [v[0] for v in typed.values()],
                    "visitors": [str(v[1]) for v in typed.values()],
                    "conversions": [str(v[2]) for v in typed.values()],
                }
            )
            counts = abtest.counts_from_table(table)
            example = all(st.session_state.get(k) == v for k, v in EXAMPLE.items())
            source = ABSource(kind="example" if example else "typed")
    except ParcoursError as exc:
        st.error(exc.text(current(), markdown=True), icon="✋")
        stop()
        return None
    options = counts["variant"].to_list()
    control = left.selectbox(
        tx("ab_page.quick.control_pick"),
        options,
        index=options.index(options[0] if not pasted.strip() else abtest.default_control(options)),
        key="ab_quick_control",
        bind="query-params",
    )
    return Typed(counts=counts, source=source, control=control)
