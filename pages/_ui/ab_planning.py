"""Plan a test: visitors and days needed by three named formulas, and the smallest change
the traffic at hand can detect."""

from __future__ import annotations

import polars as pl
import streamlit as st

from kpi import abtest
from kpi.abtest import ABAnalysis, Plan
from kpi.abtest.verdict import level_percent
from kpi.errors import InputError, ParcoursError
from kpi.words import Fact
from kpi.words import format as fmt
from pages._ui.ab_settings import Statistics
from pages._ui.ab_text import figures
from pages._ui.lang import current, t, tx


def show(a: ABAnalysis | None, stats: Statistics, groups: int) -> Plan | None:
    """The planner; without an analysis (nothing typed yet) it needs a baseline typed in."""
    plan = None
    lang = current()
    alpha = a.alpha if a is not None else stats.alpha
    level = level_percent(alpha)
    with st.expander(tx("ab_page.plan.title"), expanded=False):
        base_default = a.control_rate if a is not None else None
        p1, p2, p3 = st.columns(3)
        baseline_pct = p1.number_input(
            tx("ab_page.plan.baseline"),
            min_value=0.001,
            max_value=99.999,
            value=None,
            step=0.1,
            format="%.3f",
            placeholder=tx(
                "ab_page.plan.baseline_now", rate=fmt.number(base_default * 100, lang, 3)
            )
            if base_default is not None
            else tx("ab_page.plan.baseline_placeholder"),
            key="ab_plan_base",
            bind="query-params",
            help=tx("ab_page.plan.baseline_help"),
        )
        daily = p2.number_input(
            tx("ab_page.plan.daily"),
            min_value=1,
            value=1000,
            step=100,
            key="ab_plan_daily",
            bind="query-params",
        )
        variants = p3.number_input(
            tx("ab_page.plan.groups"),
            min_value=2,
            max_value=20,
            value=min(20, max(2, groups)),
            step=1,
            key="ab_plan_groups",
        )
        baseline = baseline_pct / 100 if baseline_pct is not None else base_default
        try:
            if baseline is None or not 0 < baseline < 1:
                raise InputError(
                    Fact("ab_page.plan.baseline_range"), Fact("ab_page.plan.baseline_hint")
                )
            plan = abtest.plan(
                baseline,
                stats.mde,
                relative=stats.mde_relative,
                alpha=alpha,
                power=stats.power,
                daily_visitors=float(daily),
                variants=int(variants),
            )
        except ParcoursError as exc:
            st.warning(exc.text(lang, markdown=True))
        if plan is not None:
            st.markdown(
                t(
                    "ab_page.plan.intro." + ("relative" if stats.mde_relative else "absolute"),
                    baseline=plan.baseline,
                    target=plan.target_rate,
                    mde=stats.mde,
                    power=stats.power,
                    level=level,
                )
            )
            h = {k: tx(f"ab_page.plan.col.{k}") for k in ("formula", "per", "total", "days", "how")}
            st.dataframe(
                figures(
                    pl.DataFrame(
                        {
                            h["formula"]: [tx(f"ab.plan.method.{r.method}") for r in plan.rows],
                            h["per"]: [r.visitors_per_variant for r in plan.rows],
                            h["total"]: [r.visitors_total for r in plan.rows],
                            h["days"]: [r.days for r in plan.rows],
                            h["how"]: [tx(f"ab.plan.formula.{r.method}") for r in plan.rows],
                        }
                    ),
                    {h["per"]: "int", h["total"]: "int", h["days"]: "int"},
                ),
                hide_index=True,
                width="stretch",
            )
            st.caption(t("ab_page.plan.caption"))
        if a is not None and a.mde_reachable is not None:
            st.info(
                t(
                    "ab_page.plan.reachable." + ("relative" if stats.mde_relative else "absolute"),
                    have=int(min(a.arms["visitors"])),
                    reach=a.mde_reachable,
                    power=stats.power,
                    level=level,
                    base=base_default,
                )
            )
        elif a is not None and a.mde_reachable_note is not None:
            st.caption(t(a.mde_reachable_note))
    return plan


def methods() -> None:
    """How these numbers are computed: every A/B definition."""
    from kpi.abtest.definitions import CODES
    from kpi.definitions import formula, label

    lang = current()
    with st.expander(tx("ab_page.methods.title")):
        for code in CODES:
            st.markdown(
                t("ab_page.methods.item", label=label(code, lang), formula=formula(code, lang))
            )
