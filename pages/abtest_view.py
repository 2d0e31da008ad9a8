"""A/B test: a verdict a statistician would sign, from four numbers typed in or from the data.

Two ways in (``?ab_mode=``): **Quick check** (type or paste visitors and conversions per
variant) and **From data** (variant column, a yes/no outcome or "reached step X", control,
optional segment). Every statistic comes from :mod:`kpi.abdata` / :mod:`kpi.abtest` /
:mod:`kpi.abplan`; this page only draws.

``st.session_state["ab_result_export"]`` holds every number shown, as a plain dict built by
:func:`kpi.abdata.ab_export` (flatten it with :func:`kpi.abdata.ab_summary_rows` for a
two-column sheet). Keys:

- ``inputs``: ``mode`` ("quick check" / "from data"), ``source`` (typed / pasted / file
  names), ``view`` (filters), ``variant_column``, ``conversion``, ``window_days``,
  ``segment``, ``rows_read``, ``rows_kept``, ``dropped`` (reason -> rows), ``notes``.
- ``metric``, ``control``, ``alpha``, ``confidence``, ``correction`` ("holm"/"bh"/None),
  ``family`` ("variants" / "variants x segments").
- ``arms``: per variant ``variant, visitors, conversions, rate, rate_low, rate_high`` (Wilson),
  ``share, planned_share, prob_best, is_control`` (+ ``revenue_sum, revenue_per_visitor``).
- ``comparisons``: per variant vs control ``visitors_/conversions_control|variant,
  rate_control, rate_variant, abs_diff, abs_diff_low, abs_diff_high`` (Newcombe),
  ``rel_lift, rel_lift_low, rel_lift_high`` (Katz), ``z, z_p_value, fisher_p_value, p_value,
  method, method_reason, adjusted_p_value, prob_beats_control, expected_loss_control,
  expected_loss_variant, significant, explanation``.
- ``omnibus``: ``chi2, df, p_value, explanation``.
- ``verdicts``: list of ``{variant, sentence, caveats}``.
- ``srm``: ``planned_split, observed, expected, p_value, level`` (ok/warn/alert/too_few),
  ``message``.
- ``segment_column``, ``segments`` (the comparison fields per ``segment`` with
  ``adjusted_p_value`` over the family), ``simpson`` (per variant: ``paradox, message,
  naive_p_value, cmh_p_value, cmh_statistic, cmh_odds_ratio(_low/_high)``).
- ``sequential``: per variant ``rel_lift, low, high, p_value, significant, tuning``.
- ``revenue``: per variant (Welch) ``mean_control, mean_variant, diff, diff_low, diff_high,
  t, df, p_value, significant``.
- ``mde``: ``value, relative, power, reachable, note``; ``plan``: ``baseline, target_rate,
  mde, relative, alpha, power, variants, daily_visitors, rows`` (``method, formula,
  visitors_per_variant, visitors_total, days``); ``methods``: name -> formula.
"""

from __future__ import annotations

import datetime as dt
import html
import re

import polars as pl
import streamlit as st

from kpi import abdata, abdetect, abplan, abtest
from kpi.abdata import ABAnalysis, VariantCounts
from kpi.abdetect import Assignment, SummaryCounts
from kpi.dataset import Dataset
from kpi.errors import InputError, ParcoursError
from pages._ui import ab_charts, charts, state, widgets
from pages._ui import format as fmt

QUICK, DATA = "Quick check", "From data"
NO_SEGMENT = "(no breakdown)"
CORRECTIONS = {"Holm": "holm", "Benjamini–Hochberg": "bh", "None": None}
# every variant in every segment by default (the same as "variants" without a breakdown):
# segment "wins" found by looking at many segments are corrected for it
FAMILIES = {"variants × segments": "variants x segments", "variants": "variants"}
DEFS = abtest.DEFINITIONS
# Quick check: two groups typed in, every number bound to the URL (a shared link carries
# them); the page starts empty, and the example fills the same inputs (and says so)
QUICK_GROUPS = (("a", "A", "Control"), ("b", "B", "Variant"))
EXAMPLE = {"ab_q_n_a": 10000, "ab_q_x_a": 500, "ab_q_n_b": 10000, "ab_q_x_b": 560}
PATTERNS = {
    "letters": "letters such as A/B",
    "numbered": "numbered arms such as v1/v2",
    "control": "control/treatment words",
    "prefix": "one prefix with short suffixes such as gate_30/gate_40",
}


def _fill_example() -> None:
    st.session_state["ab_paste"] = ""
    st.session_state["ab_q_name_a"], st.session_state["ab_q_name_b"] = "A", "B"
    for key, value in EXAMPLE.items():
        st.session_state[key] = value


def assignment_reason(a: Assignment) -> str:
    """Why a column was taken for the assignment, in words."""
    parts = []
    if a.name_word:
        parts.append(f"its name says *{a.name_word}*")
    if a.value_pattern:
        parts.append(f"its values are {PATTERNS.get(a.value_pattern, a.value_pattern)}")
    return f"{a.arms} values ({', '.join(a.values)}); " + " and ".join(parts)


def _no_result() -> None:
    """Nothing computed: the workbook must not carry an older result."""
    st.session_state.pop("ab_result_export", None)
    st.session_state.pop("ab_result_view_key", None)
    st.stop()


@st.cache_data(scope="session", max_entries=8, show_spinner=False)
def _summary(digest: str, _frame: pl.DataFrame) -> SummaryCounts | None:
    return abdetect.summary_counts(_frame)


def summary_file() -> tuple[str, SummaryCounts] | None:
    """The first uploaded file that is an A/B summary (variant, visitors, conversions …)."""
    if state.using_demo():
        return None
    for f in state.files():
        if f.table is not None:
            found = _summary(f.digest, f.table.frame)
            if found is not None:
                return f.name, found
    return None


@st.cache_data(scope="session", max_entries=8, show_spinner=False)
def _assignments(key: str, _ds: Dataset) -> list[Assignment]:
    return abdetect.assignment_columns(_ds.users, _ds.segments)


def loss_text(x: float | None) -> str:
    """An expected loss (a rate given up) in percentage points, 3 significant digits."""
    if x is None:
        return "–"
    return "< 0.001 pp" if x * 100 < 0.001 else f"{x * 100:.2g} pp"


def p_text(p: float | None) -> str:
    """A p-value for people: 3 significant digits, "< 0.001" below 0.001."""
    if p is None:
        return "–"
    return "< 0.001" if p < 0.001 else f"{p:.3g}"


def srm_text(message: str) -> str:
    """kpi's SRM sentence with its p-value readable (no scientific notation)."""

    def readable(m: re.Match[str]) -> str:
        p = float(m.group(1))
        if p < 0.001:
            return "SRM p < 0.001"
        return f"SRM p = {p:.2f}" if p >= 0.1 else f"SRM p = {p:.2g}"

    return re.sub(r"SRM p = ([0-9.]+(?:e[+-]?[0-9]+)?)", readable, message)


def reason_text(reason: str, control: str, variant: str) -> str:
    """kpi's "why this test" with the group names instead of A and B."""
    names = {"A": control, "B": variant}
    return re.sub(r"\bgroup ([AB])\b", lambda m: f"group {names[m.group(1)]}", reason)


def ci_text(ci: tuple[float | None, float | None], kind: str = "pct") -> str:
    lo, hi = ci
    if lo is None or hi is None:
        return "–"
    if kind == "pts":
        return f"{fmt.pts(lo)} to {fmt.pts(hi)}"
    if kind == "signed":
        return f"{fmt.signed_pct(lo)} to {fmt.signed_pct(hi)}"
    return f"{fmt.pct(lo)} to {fmt.pct(hi)}"


@st.cache_data(scope="session", max_entries=16, show_spinner="Counting users per variant…")
def _counts(
    key: str,
    variant: str,
    flag: str | None,
    step: str | None,
    window_days: float,
    by: str | None,
    revenue: bool,
    _ds: Dataset,
) -> VariantCounts:
    window = dt.timedelta(days=window_days) if window_days and window_days > 0 else None
    return abdata.ab_counts(
        _ds.users,
        _ds.events,
        variant=variant,
        flag=flag,
        step=step,
        steps=_ds.steps,
        window=window,
        by=by,
        revenue=revenue,
    )


# --------------------------------------------------------------------------- page head

st.title("A/B test")
st.markdown(
    "Is the variant really better than the control? Type the numbers (**Quick check**) or "
    "pick the columns of your data (**From data**): you get a verdict in plain words, the "
    "statistics behind it, and the checks that say whether to trust it."
)
# uploaded data with an A/B assignment column (or an A/B summary file) opens on it; the
# demo data and the URL (?ab_mode=) keep their say. New files reset the mode to their default.
_loaded = st.session_state.get("dataset")
_summary_found = summary_file()
mode_default = (
    DATA
    if not state.using_demo()
    and (
        _summary_found is not None
        or (
            _loaded is not None
            and bool(_loaded.flags or _loaded.steps)
            and bool(abdetect.assignment_columns(_loaded.users, _loaded.segments))
        )
    )
    else QUICK
)
_files_id = "-".join(f.digest for f in state.files())
_seen = st.session_state.get("ab_mode_files")
mode_reset = _seen is not None and _seen != _files_id
if mode_reset:
    st.session_state["ab_mode"] = mode_default
st.session_state["ab_mode_files"] = _files_id


mode = st.segmented_control(
    "Start from",
    [QUICK, DATA],
    default=None if mode_reset else mode_default,
    required=True,
    key="ab_mode",
    bind="query-params",
    help="Quick check: four numbers, no file needed. From data: the uploaded (or demo) data.",
)
verdict_area = st.container()

with st.expander(
    "Settings: confidence, corrections, planned split, smallest effect", expanded=False
):
    s1, s2, s3, s4 = st.columns(4)
    # options are what the URL carries (?ab_alpha=0.01); a bound format_func would put the
    # label in the URL instead
    alpha = s1.selectbox(
        "Significance level (95 % confidence = 0.05)",
        [0.05, 0.01, 0.10],
        key="ab_alpha",
        bind="query-params",
        help="A difference is called significant when p is below this level: 0.05 is 95 % "
        "confidence, 0.01 is 99 %, 0.10 is 90 %.",
    )
    correction_label = s2.selectbox(
        "Correction for several comparisons",
        list(CORRECTIONS),
        key="ab_correction",
        bind="query-params",
        help="Holm keeps the chance of any false alarm at the level (strict); "
        "Benjamini–Hochberg keeps the share of false alarms among the 'wins' at the level.",
    )
    family_label = s3.selectbox(
        "Correct over",
        list(FAMILIES),
        key="ab_family",
        bind="query-params",
        help="Which comparisons count together: the variants vs the control, or every "
        "variant in every segment of the breakdown.",
    )
    split_text = s4.text_input(
        "Planned split",
        value="",
        placeholder="equal, e.g. 50/50 or 96/4",
        key="ab_split",
        bind="query-params",
        help="The traffic share each variant was meant to get, in the order of the table. "
        "Empty = equal shares.",
    )
    m1, m2, m3, m4 = st.columns(4)
    mde_kind = m1.segmented_control(
        "Smallest effect worth detecting (MDE)",
        ["relative %", "absolute pp"],
        default="relative %",
        required=True,
        key="ab_mde_kind",
        bind="query-params",
        help="Relative: +5 % means 2.0 % → 2.1 %. Absolute: +0.5 pp means 2.0 % → 2.5 %.",
    )
    mde_input = m2.number_input(
        "MDE value",
        min_value=0.001,
        max_value=1000.0,
        value=5.0,
        step=0.5,
        format="%.3f",
        key="ab_mde",
        bind="query-params",
        help="In % of the control's rate (relative) or in percentage points (absolute); "
        "values below 1 are fine (e.g. 0.2).",
    )
    power = m3.selectbox(
        "Power (0.8 = 80 %)",
        [0.8, 0.9, 0.95],
        key="ab_power",
        bind="query-params",
        help="Chance of detecting the MDE if it is real.",
    )
    peeked = m4.toggle(
        "I peeked",
        key="ab_peeked",
        bind="query-params",
        help="Looked at the results several times and stopped when they looked good? Then "
        "ordinary p-values are too optimistic: show always-valid (sequential) results too.",
    )
mde_relative = mde_kind != "absolute pp"
mde = float(mde_input) / 100
correction = CORRECTIONS[correction_label]
family = FAMILIES[family_label]


def plan_section(a: ABAnalysis | None, k: int) -> abplan.Plan | None:
    """The test planner; without an analysis (nothing typed yet) it needs a baseline typed in."""
    plan = None
    alpha_now = a.alpha if a is not None else float(alpha)
    level_now = f"{1 - alpha_now:.0%}".replace("%", " %")
    with st.expander("Plan a test: visitors and days needed", expanded=False):
        base_default = a.arms.filter(pl.col("is_control"))["rate"][0] if a is not None else None
        p1, p2, p3 = st.columns(3)
        baseline_pct = p1.number_input(
            "Baseline conversion (%)",
            min_value=0.001,
            max_value=99.999,
            value=None,
            step=0.1,
            format="%.3f",
            placeholder=f"{base_default * 100:.3f} (the control now)"
            if base_default is not None
            else "e.g. 4.5",
            key="ab_plan_base",
            bind="query-params",
            help="Empty = the control's observed rate (type one when there is none yet).",
        )
        daily = p2.number_input(
            "Visitors per day (all variants)",
            min_value=1,
            value=1000,
            step=100,
            key="ab_plan_daily",
            bind="query-params",
        )
        variants = p3.number_input(
            "Groups (control included)",
            min_value=2,
            max_value=20,
            value=min(20, max(2, k)),
            step=1,
            key="ab_plan_groups",
        )
        baseline = baseline_pct / 100 if baseline_pct is not None else base_default
        mde_words = (
            f"{mde_input:g} % relative" if mde_relative else f"{mde_input:g} percentage points"
        )
        try:
            if baseline is None or not 0 < baseline < 1:
                raise InputError(
                    "The baseline rate must lie strictly between 0 % and 100 %.",
                    "Type the conversion rate you expect for the control.",
                )
            plan = abplan.plan(
                baseline,
                mde,
                relative=mde_relative,
                alpha=alpha_now,
                power=power,
                daily_visitors=float(daily),
                variants=int(variants),
            )
        except ParcoursError as exc:
            st.warning(str(exc))
        if plan is not None:
            st.markdown(
                f"To detect **{fmt.pct(plan.baseline, 3)} → {fmt.pct(plan.target_rate, 3)}** "
                f"({mde_words}) with {fmt.pct(power, 0)} power at {level_now} confidence:"
            )
            st.dataframe(
                pl.DataFrame(
                    {
                        "Formula": [r.method for r in plan.rows],
                        "Visitors per group": [r.visitors_per_variant for r in plan.rows],
                        "Visitors in total": [r.visitors_total for r in plan.rows],
                        "Days": [r.days for r in plan.rows],
                        "How": [r.formula for r in plan.rows],
                    }
                ),
                hide_index=True,
                width="stretch",
                column_config={
                    "Visitors per group": st.column_config.NumberColumn(format="localized"),
                    "Visitors in total": st.column_config.NumberColumn(format="localized"),
                },
            )
            st.caption(
                "The first row (R's power.prop.test) is the one Parcours uses. Online calculators "
                "disagree by up to ~15 % because they estimate the variance differently: Evan Miller "
                "uses the baseline's variance twice, power.prop.test the average rate, and the "
                "relative (delta-method) formula tests the lift as a ratio, which needs more visitors."
            )
        if a is not None and a.mde_reachable is not None:
            have = int(min(a.arms["visitors"]))
            reach = (
                f"{a.mde_reachable * 100:.3g} % relative"
                if mde_relative
                else f"{a.mde_reachable * 100:.3g} percentage points"
            )
            st.info(
                f"With the traffic you have ({have:,} visitors in the smallest group), this test can "
                f"reliably detect a change of **{reach}** or more ({fmt.pct(power, 0)} power, "
                f"{level_now} confidence, from {fmt.pct(base_default, 3)})."
            )
        elif a is not None and a.mde_reachable_note:
            st.caption(a.mde_reachable_note)
    return plan


# --------------------------------------------------------------------------- inputs

counts: pl.DataFrame | None = None
by: str | None = None
variant_column: str | None = None
inputs: dict[str, object] = {}
row_account: VariantCounts | None = None
metric = "Conversion"

observational = False
is_example = False
if mode == QUICK:
    st.subheader("Your numbers")
    left, right = st.columns([3, 2])
    typed: dict[str, tuple[str, int | None, int | None]] = {}
    with left:
        for g, default, role in QUICK_GROUPS:
            c1, c2, c3 = st.columns([2, 3, 3])
            name = c1.text_input(
                role,
                value=default,
                key=f"ab_q_name_{g}",
                bind="query-params",
                help="Name of the group." + (" It is the control." if g == "a" else ""),
            )
            n = c2.number_input(
                f"Visitors ({role.lower()})",
                min_value=0,
                value=None,
                step=1,
                placeholder="e.g. 10000",
                key=f"ab_q_n_{g}",
                bind="query-params",
                help="People who saw this version.",
            )
            x = c3.number_input(
                f"Conversions ({role.lower()})",
                min_value=0,
                value=None,
                step=1,
                placeholder="e.g. 500",
                key=f"ab_q_x_{g}",
                bind="query-params",
                help="People who converted (at most the visitors).",
            )
            typed[g] = ((name or default).strip() or default, n, x)
        st.button(
            "Fill in example numbers",
            on_click=_fill_example,
            help="10,000 visitors per group, 500 vs 560 conversions: to see what the page "
            "shows. The verdict then says these are example numbers.",
        )
    pasted = right.text_area(
        "…or paste a table (name, visitors, conversions)",
        value="",
        height=120,
        placeholder="A\t10000\t500\nB\t10000\t560\nC\t10000\t610",
        key="ab_paste",
        bind="query-params",
        help="Copied from Excel (tabs) or typed with commas or semicolons; a header line is "
        "fine; as many groups as you like. When filled, it replaces the numbers on the left.",
    )
    try:
        if pasted.strip():
            counts = abdata.parse_counts_text(pasted)
            inputs = {"mode": "quick check", "source": "pasted table"}
            right.caption("Using the pasted table. Clear it to use the numbers on the left.")
        else:
            if any(v is None for _, n, x in typed.values() for v in (n, x)):
                st.info(
                    "Type the visitors and conversions of both groups (or paste a table, or "
                    "fill in the example numbers) to get a verdict. The numbers you type are "
                    "kept in the page's link, so a copied link shows the same verdict."
                )
                plan_section(None, 2)
                _no_result()
            table = pl.DataFrame(
                {
                    "variant": [t[0] for t in typed.values()],
                    "visitors": [str(t[1]) for t in typed.values()],
                    "conversions": [str(t[2]) for t in typed.values()],
                }
            )
            counts = abdata.counts_from_table(table)
            is_example = all(st.session_state.get(k) == v for k, v in EXAMPLE.items())
            inputs = {
                "mode": "quick check",
                "source": "example numbers" if is_example else "typed in",
            }
    except ParcoursError as exc:
        st.error(str(exc), icon="✋")
        _no_result()
    control_options = counts["variant"].to_list()
    control = left.selectbox(
        "Control (the group the others are compared with)",
        control_options,
        index=control_options.index(
            control_options[0] if not pasted.strip() else abdata.default_control(control_options)
        ),
        key="ab_quick_control",
        bind="query-params",
    )
elif _summary_found is not None:
    # an aggregated A/B file: its counts straight in (no per-user data to count from)
    file_name, summary = _summary_found
    variant_column = "variant"
    cols = summary.columns
    st.caption(
        f"**Data:** the A/B summary `{file_name}`: groups from `{cols['variant']}` "
        f"({assignment_reason(summary.assignment)}), visitors from `{cols['visitors']}`, "
        f"conversions from `{cols['conversions']}`"
        + (
            f", revenue from `{cols['revenue_sum']}`"
            + (
                f" with its spread from `{cols.get('revenue_sumsq') or cols.get('revenue_sd')}`"
                if summary.revenue == "sums"
                else " (no sum of squares or standard deviation: revenue per visitor is "
                "shown without a test)"
            )
            if "revenue_sum" in cols
            else ""
        )
        + f". {summary.rows_kept:,} of {summary.rows_read:,} rows used"
        + (
            " · left out: " + ", ".join(f"{n:,} {r}" for r, n in summary.dropped.items())
            if summary.dropped
            else ""
        )
        + ". The sidebar filters do not apply to a summary's totals."
    )
    by_options = [NO_SEGMENT, *summary.segments]
    by_label = (
        st.columns([2, 3])[0].selectbox(
            "Break down by",
            by_options,
            key="ab_by",
            bind="query-params",
            help="Compare the variants within each segment and check for Simpson's paradox.",
        )
        if summary.segments
        else NO_SEGMENT
    )
    by = None if by_label == NO_SEGMENT else by_label
    counts = summary.table
    if summary.revenue != "sums":
        counts = counts.drop("revenue_sum", "revenue_sumsq", strict=False)
    names = [str(v) for v in counts["variant"].unique(maintain_order=True).to_list()]
    control = st.columns([2, 3])[0].selectbox(
        "Control",
        names,
        index=names.index(abdata.default_control(names)),
        key="ab_control",
        bind="query-params",
        help="The group the others are compared with (usually the current version).",
    )
    inputs = {
        "mode": "from data",
        "source": file_name,
        "kind": "A/B summary file",
        "variant_column": cols["variant"],
        "columns": dict(cols),
        "segment": by,
        "rows_read": summary.rows_read,
        "rows_kept": summary.rows_kept,
        "dropped": dict(summary.dropped),
    }
else:
    widgets.view_caption()
    ds = state.require_view()
    if not ds.segments:
        st.info(
            "The data has no column saying which variant each user saw (e.g. `variant`, "
            "`group`, `version`). Upload a user table with one, or use the **Quick check**."
        )
        _no_result()
    outcomes = list(ds.flags) + [f"reached {s}" for s in ds.steps]
    if not outcomes:
        st.info(
            "Nothing in the data says who converted: upload a yes/no column (e.g. `converted`, "
            "`retention_7`) or an event log with funnel steps, or use the **Quick check**."
        )
        _no_result()
    found = {a.column: a for a in _assignments(state.view_key(), ds)}
    # detected assignments first; any other segment only when the user picks it
    variant_options = list(found) + [c for c in ds.segments if c not in found]
    c1, c2, c3, c4 = st.columns([2, 3, 2, 2])
    variant_column = c1.selectbox(
        "Variant column (the A/B assignment)",
        variant_options,
        index=0 if found else None,
        placeholder="pick the assignment column",
        key="ab_variant",
        bind="query-params",
        help="The column that says which version each user was assigned to. Columns that look "
        "like an assignment (a few values, a name such as variant/group/version/test/arm/"
        "bucket, or values such as A/B, control/treatment) come first.",
    )
    if not found:
        st.info(
            "**No column looks like an A/B assignment**: that is a column with a few values "
            "(2 to 6) and a name such as *variant*, *group*, *version*, *test*, *arm* or "
            "*bucket*, or values such as A/B, control/treatment, gate_30/gate_40. Columns such "
            f"as {', '.join(f'`{c}`' for c in ds.segments[:4])} describe who the users are; "
            "comparing them is not an experiment. Pick the column that says which version "
            "each user saw, or use the **Quick check** with your test's numbers."
        )
    if variant_column is None:
        _no_result()
    if variant_column in found:
        st.caption(
            f"**Assignment:** `{variant_column}`, {assignment_reason(found[variant_column])}."
        )
    else:
        observational = True
        values = ds.users[variant_column].drop_nulls().unique().sort().to_list()
        st.warning(
            f"**`{variant_column}` is not an A/B assignment** ({len(values)} values"
            + (f": {', '.join(map(str, values[:6]))}" if len(values) <= 6 else "")
            + "). Comparing its groups is an **observational comparison, not an experiment**: "
            "the groups differ in more than this column, so the page describes the "
            "differences and gives no verdict, no 'chance to beat' and no sample-ratio check "
            "(there was no planned split).",
            icon="⚠️",
        )
    outcome = c2.selectbox(
        "Counts as a conversion",
        outcomes,
        index=0 if ds.flags else len(outcomes) - 1,
        key="ab_outcome",
        bind="query-params",
        help="A yes/no column of the users, or 'reached X': the user did the funnel steps up "
        "to X in order (within the window, from the first step).",
    )
    step = outcome[len("reached ") :] if outcome not in ds.flags else None
    flag = outcome if step is None else None
    window_days = 0.0
    if step is not None and ds.has_timestamps:
        window_days = c3.number_input(
            "Window (days, 0 = none)",
            min_value=0.0,
            value=0.0,
            step=1.0,
            format="%g",  # "0", "14", "0.5" rather than "0.00"
            key="ab_window",
            bind="query-params",
            help="A user counts as reaching the step only within this many days of step 1.",
        )
    by_options = [NO_SEGMENT] + [s for s in ds.segments if s != variant_column]
    by_label = c4.selectbox(
        "Break down by",
        by_options,
        key="ab_by",
        bind="query-params",
        help="Compare the variants within each segment (top 8 values + Other) and check "
        "for Simpson's paradox.",
    )
    by = None if by_label == NO_SEGMENT else by_label
    try:
        row_account = _counts(
            state.view_key(), variant_column, flag, step, float(window_days), by, ds.has_revenue, ds
        )
    except ParcoursError as exc:
        st.error(str(exc), icon="✋")
        _no_result()
    counts = row_account.table
    names = [str(v) for v in counts[variant_column].unique(maintain_order=True).to_list()]
    if len(names) < 2:
        st.warning(
            f"The column `{variant_column}` has {len(names)} value(s) in this view "
            f"({', '.join(names) or 'none'}); an A/B test needs at least two. Pick another "
            "column or widen the filters in the sidebar."
        )
        _no_result()
    default_ctrl = abdata.default_control(names)
    control = st.columns([2, 3])[0].selectbox(
        "Control",
        names,
        index=names.index(default_ctrl),
        key="ab_control",
        bind="query-params",
        help="The group the others are compared with (usually the current version).",
    )
    metric = outcome.capitalize() if step is None else f"Reached {step}"
    dropped = dict(row_account.dropped)
    inputs = {
        "mode": "from data",
        "source": "demo data" if state.using_demo() else ", ".join(f.name for f in state.files()),
        "view": state.current_filters().describe(),
        "variant_column": variant_column,
        "assignment": "detected" if not observational else "chosen by the user (observational)",
        "conversion": outcome,
        "window_days": window_days or None,
        "segment": by,
        "rows_read": row_account.rows_read,
        "rows_kept": row_account.rows_kept,
        "dropped": dropped,
        "notes": dict(row_account.notes),
    }
    account = f"{row_account.rows_kept:,} of {row_account.rows_read:,} users counted"
    if dropped:
        account += " · left out: " + ", ".join(f"{n:,} {r}" for r, n in dropped.items())
    if row_account.notes:
        account += " · " + ", ".join(f"{n:,} {r}" for r, n in row_account.notes.items())
    st.caption(account)

# --------------------------------------------------------------------------- analysis

group_count = counts.select(pl.col(variant_column or "variant").n_unique()).item()
try:
    split = abdata.parse_split(split_text, group_count)
except ParcoursError as exc:
    st.warning(f"{exc} Using an equal split instead.")
    split = None
try:
    a: ABAnalysis = abdata.analyse(
        counts,
        variant=variant_column or "variant",
        control=control,
        by=by,
        alpha=alpha,
        correction=correction,
        family=family,
        planned_split=split,
        mde=mde,
        mde_relative=mde_relative,
        power=power,
        metric=metric,
        observational=observational,
    )
except ParcoursError as exc:
    st.error(str(exc), icon="✋")
    _no_result()

confidence = 1 - a.alpha
level = f"{confidence:.0%}".replace("%", " %")
# the intervals of the differences sit next to (corrected) p-values: same correction, or
# labelled as not corrected
ci_confidence = 1 - a.ci_alpha
ci_level = abtest._level_text(a.ci_alpha)
several = k_compared = a.comparisons.height
if a.ci_correction == "bonferroni":
    ci_note = f"Bonferroni, {k_compared} comparisons"
elif a.correction and k_compared > 1:
    ci_note = "not corrected"
else:
    ci_note = ""
ci_label = f"{ci_level} CI" + (f" ({ci_note})" if ci_note else "")
names = a.arms["variant"].to_list()
scale = ab_charts.variant_scale(variant_column or "variant", names)
k = len(names)

# --------------------------------------------------------------------------- verdict (top)

with verdict_area:
    if is_example:
        st.info(
            "**Example numbers**, not yours: the verdict below is about 10,000 visitors per "
            "group with 500 vs 560 conversions. Type your own numbers above.",
            icon="🧪",
        )
    if a.observational:
        st.markdown(
            f"**Observational comparison of `{variant_column}` groups (not an experiment)**"
        )
    if a.srm is not None and a.srm.level == "alert":
        st.error(f"**Sample-ratio mismatch.** {srm_text(a.srm.message)}", icon="🚨")
    elif a.srm is not None and a.srm.level == "warn":
        st.warning(f"**Sample-ratio mismatch?** {srm_text(a.srm.message)}", icon="⚠️")
    for cmp in a.comparisons.iter_rows(named=True):
        v = a.verdicts[cmp["variant"]]
        colour = "#7F7F7F"
        if cmp["significant"] and cmp["abs_diff"] is not None and not a.observational:
            colour = charts.GOOD if cmp["abs_diff"] > 0 else charts.BAD
        st.markdown(
            f"<div style='border-left:8px solid {colour};padding:0.4rem 1rem;margin:0.3rem 0;"
            f"font-size:1.55rem;line-height:1.35;font-weight:500'>"
            f"{'Example: ' if is_example else ''}{html.escape(v.sentence)}</div>",
            unsafe_allow_html=True,
        )
        shown_elsewhere = {cmp["explanation"], a.srm.message if a.srm is not None else None}
        caveats = [c for c in v.caveats if c not in shown_elsewhere]
        if caveats:
            st.markdown(
                "\n".join(
                    f"- {srm_text(reason_text(c, a.control, cmp['variant']))}" for c in caveats
                )
            )
        if cmp["explanation"]:
            st.warning(cmp["explanation"], icon="ℹ️")
    if k > 2 and a.many.chi2_p_value is not None:
        st.caption(
            f"All {k} groups equal? Chi-square {a.many.chi2:.4g} (df {a.many.chi2_df}), "
            f"p = {p_text(a.many.chi2_p_value)}."
        )

# --------------------------------------------------------------------------- numbers

st.subheader("Per variant")
arms_view = pl.DataFrame(
    {
        "Variant": names,
        "Visitors": a.arms["visitors"],
        "Conversions": a.arms["conversions"],
        "Rate": a.arms["rate"] * 100,
        f"{level} CI (Wilson)": [
            ci_text((lo, hi))
            for lo, hi in zip(a.arms["rate_low"], a.arms["rate_high"], strict=True)
        ],
        "Share of visitors": a.arms["share"] * 100,
        "Planned share": a.arms["planned_share"] * 100,
        "P(best)": a.arms["prob_best"] * 100,
        "Role": ["control" if c else "variant" for c in a.arms["is_control"]],
    }
)
if a.observational:  # no planned split, no "best arm" of an experiment
    arms_view = arms_view.drop("Planned share", "P(best)")
st.dataframe(
    arms_view,
    hide_index=True,
    width="stretch",
    column_config={
        "Visitors": st.column_config.NumberColumn(format="localized"),
        "Conversions": st.column_config.NumberColumn(format="localized"),
        "Rate": st.column_config.NumberColumn(
            format="%.2f %%", help=DEFS["ab_conversion_rate"].formula
        ),
        "Share of visitors": st.column_config.NumberColumn(format="%.2f %%"),
        "Planned share": st.column_config.NumberColumn(format="%.2f %%"),
        "P(best)": st.column_config.NumberColumn(
            format="%.2f %%",
            help="Chance that this group has the highest true rate (Beta(1, 1) posteriors).",
        ),
    },
)

st.subheader(f"Each variant vs {a.control}")
for cmp in a.comparisons.iter_rows(named=True):
    if k > 2:
        st.markdown(f"**{cmp['variant']}**")
    ci_line = (
        f"**{ci_label}:** difference "
        f"{ci_text((cmp['abs_diff_low'], cmp['abs_diff_high']), 'pts')}, relative lift "
        f"{ci_text((cmp['rel_lift_low'], cmp['rel_lift_high']), 'signed')}."
    )
    # three cards a row: five in a row clipped "+0.60 pp" to "+0.60…" at 1280 px
    m = st.columns(3)
    if not a.observational:
        m += st.columns(3)[:2]
    m[0].metric(
        "Difference (pp)",
        fmt.pts(cmp["abs_diff"]),
        help=DEFS["ab_abs_diff"].formula
        + f" {ci_label}: {ci_text((cmp['abs_diff_low'], cmp['abs_diff_high']), 'pts')}.",
        border=True,
    )
    m[1].metric(
        "Relative lift",
        fmt.signed_pct(cmp["rel_lift"]),
        help=DEFS["ab_rel_lift"].formula
        + f" {ci_label}: {ci_text((cmp['rel_lift_low'], cmp['rel_lift_high']), 'signed')}.",
        border=True,
    )
    test_name = {"fisher": "Fisher exact", "z": "z-test"}.get(cmp["method"], "no test")
    corrected = k > 2 and correction is not None
    m[2].metric(
        f"p-value ({correction_label})" if corrected else "p-value",
        p_text(cmp["adjusted_p_value"] if corrected else cmp["p_value"]),
        delta=f"{test_name}, raw p {p_text(cmp['p_value'])}" if corrected else test_name,
        delta_color="off",
        delta_arrow="off",  # a label, not a change
        help=DEFS["ab_p_value"].formula
        + (
            f" Corrected by {correction_label} over the {k - 1} variants compared with {a.control}."
            if corrected
            else ""
        ),
        border=True,
    )
    if a.observational:
        st.caption(
            ci_line
            + " **Why this test:** "
            + reason_text(cmp["method_reason"], a.control, cmp["variant"])
            + " For groups that were not assigned at random, p only says whether the groups "
            "differ by more than noise, not why."
        )
        continue
    m[3].metric(
        f"Chance to beat {a.control}",
        fmt.pct(cmp["prob_beats_control"], 1),
        help=DEFS["ab_prob_b_beats_a"].formula,
        border=True,
    )
    m[4].metric(
        "Risk if shipped",
        loss_text(cmp["expected_loss_variant"]),
        help=DEFS["ab_expected_loss"].formula
        + f" Choosing {cmp['variant']}: {loss_text(cmp['expected_loss_variant'])}; keeping "
        f"{a.control}: {loss_text(cmp['expected_loss_control'])}.",
        border=True,
    )
    st.caption(
        ci_line
        + " **Why this test:** "
        + reason_text(cmp["method_reason"], a.control, cmp["variant"])
    )

comp_view = pl.DataFrame(
    {
        "Variant": a.comparisons["variant"],
        f"Rate {a.control}": a.comparisons["rate_control"] * 100,
        "Rate variant": a.comparisons["rate_variant"] * 100,
        "Difference (pp)": a.comparisons["abs_diff"] * 100,
        f"{ci_label} difference, pp (Newcombe)": [
            ci_text((lo, hi), "pts")
            for lo, hi in zip(
                a.comparisons["abs_diff_low"], a.comparisons["abs_diff_high"], strict=True
            )
        ],
        "Relative lift": a.comparisons["rel_lift"] * 100,
        f"{ci_label} lift (Katz)": [
            ci_text((lo, hi), "signed")
            for lo, hi in zip(
                a.comparisons["rel_lift_low"], a.comparisons["rel_lift_high"], strict=True
            )
        ],
        "z": a.comparisons["z"],
        "p (z-test)": a.comparisons["z_p_value"],
        "p (Fisher)": a.comparisons["fisher_p_value"],
        "p-value": a.comparisons["p_value"],
        "Test used": a.comparisons["method"],
        "p corrected": a.comparisons["adjusted_p_value"],
        "P(beats control)": a.comparisons["prob_beats_control"] * 100,
        "Significant": a.comparisons["significant"],
    }
)
if a.observational:
    comp_view = comp_view.drop("P(beats control)", "Significant")
st.dataframe(
    comp_view,
    hide_index=True,
    width="stretch",
    column_config={
        f"Rate {a.control}": st.column_config.NumberColumn(format="%.2f %%"),
        "Rate variant": st.column_config.NumberColumn(format="%.2f %%"),
        "Difference (pp)": st.column_config.NumberColumn(format="%+.2f"),
        "Relative lift": st.column_config.NumberColumn(format="%+.2f %%"),
        "z": st.column_config.NumberColumn(format="%.3f"),
        "p (z-test)": st.column_config.NumberColumn(format="%.3g"),
        "p (Fisher)": st.column_config.NumberColumn(format="%.3g"),
        "p-value": st.column_config.NumberColumn(format="%.3g", help=DEFS["ab_p_value"].formula),
        "p corrected": st.column_config.NumberColumn(
            format="%.3g",
            help=f"p-value corrected by {correction_label} over the {k - 1} variant(s) "
            "compared with the control; 'Significant' uses it.",
        ),
        "P(beats control)": st.column_config.NumberColumn(format="%.1f %%"),
    },
)

ch1, ch2 = st.columns(2)
with ch1:
    charts.show(
        ab_charts.rates_chart(a.arms, scale, confidence=confidence, metric=metric), key="ab_rates"
    )
with ch2:
    rate_c = a.arms.filter(pl.col("is_control"))["rate"][0]
    mde_abs = (mde * rate_c if rate_c is not None else None) if mde_relative else mde
    if a.comparisons["abs_diff"].is_not_null().any():
        charts.show(
            ab_charts.diff_chart(
                a.comparisons,
                scale,
                confidence=ci_confidence,
                control=a.control,
                mde_abs=mde_abs,
                note=ci_note,
            ),
            key="ab_diff",
        )
    else:
        st.info("No difference to draw: a group has no visitors.")

# --------------------------------------------------------------------------- trust checks

st.subheader("Can we trust it?")
if a.srm is not None:
    srm_line = f"**Traffic split (SRM check):** {srm_text(a.srm.message)}"
    {"alert": st.error, "warn": st.warning, "too_few": st.info}.get(a.srm.level, st.success)(
        srm_line
        + " Warn below p = 0.01, alert below p = 0.001, not checked under 8 visitors per group."
    )
    st.caption(
        "Visitors observed vs expected from the planned split: "
        + ", ".join(
            f"{n} {o:,} vs {e:,.0f}"
            for n, o, e in zip(names, a.srm.observed, a.srm.expected, strict=True)
        )
        + f". {DEFS['ab_srm_p_value'].formula}"
    )
elif a.srm_error:
    st.warning(a.srm_error)
elif a.observational:
    st.info(
        f"**No sample-ratio check:** the `{variant_column}` groups were not meant to have any "
        "particular size (nobody planned a split), so their sizes say nothing about tracking."
    )

if a.segments is not None and by is not None:
    st.markdown(f"**By {by.replace('_', ' ')}**")
    seg = a.segments
    seg_alpha = a.segment_ci_alpha if a.segment_ci_alpha is not None else a.alpha
    seg_ci = (
        abtest._level_text(seg_alpha)
        + " CI"
        + (
            f" (Bonferroni, {seg.filter(pl.col('p_value').is_not_null()).height if family != 'variants' else k - 1} comparisons)"
            if seg_alpha < a.alpha
            else " (not corrected)"
            if correction
            else ""
        )
    )
    seg_view = pl.DataFrame(
        {
            by: seg["segment"],
            "Variant": seg["variant"],
            f"Visitors {a.control}": seg["visitors_control"],
            "Visitors variant": seg["visitors_variant"],
            f"Rate {a.control}": seg["rate_control"] * 100,
            "Rate variant": seg["rate_variant"] * 100,
            "Difference (pp)": seg["abs_diff"] * 100,
            f"{seg_ci}, pp": [
                ci_text((lo, hi), "pts")
                for lo, hi in zip(seg["abs_diff_low"], seg["abs_diff_high"], strict=True)
            ],
            "p-value": seg["p_value"],
            "Test": seg["method"],
            "p corrected": seg["adjusted_p_value"],
            "Significant": seg["significant"],
        }
    )
    if a.observational:
        seg_view = seg_view.drop("Significant")
    st.dataframe(
        seg_view,
        hide_index=True,
        width="stretch",
        column_config={
            f"Visitors {a.control}": st.column_config.NumberColumn(format="localized"),
            "Visitors variant": st.column_config.NumberColumn(format="localized"),
            f"Rate {a.control}": st.column_config.NumberColumn(format="%.2f %%"),
            "Rate variant": st.column_config.NumberColumn(format="%.2f %%"),
            "Difference (pp)": st.column_config.NumberColumn(format="%+.2f"),
            "p-value": st.column_config.NumberColumn(format="%.3g"),
            "p corrected": st.column_config.NumberColumn(
                format="%.3g",
                help=f"Corrected by {correction_label} over {family_label}: "
                + (
                    "the variants within each segment."
                    if family == "variants"
                    else "every variant in every segment together."
                ),
            ),
        },
    )
    charts.show(
        ab_charts.forest_chart(
            seg, a.comparisons, scale, segment=by, confidence=1 - seg_alpha, control=a.control
        ),
        key="ab_forest",
    )
    simpson_rows = []
    for v, s in a.simpson.items():
        if s.paradox:
            st.warning(f"**{v} vs {a.control}: Simpson's paradox.** {s.message}", icon="⚠️")
        simpson_rows.append(
            {
                "Variant": v,
                "Naive p (all users pooled)": s.pooled.p_value,
                f"CMH p (within each {by})": s.cmh.p_value,
                "MH odds ratio": s.cmh.odds_ratio,
                f"{level} CI odds ratio": "–"
                if s.cmh.ci_odds_ratio is None
                else f"{s.cmh.ci_odds_ratio[0]:.3f} to {s.cmh.ci_odds_ratio[1]:.3f}",
                "Verdict": s.message,
            }
        )
    st.dataframe(
        pl.DataFrame(simpson_rows),
        hide_index=True,
        width="stretch",
        column_config={
            "Naive p (all users pooled)": st.column_config.NumberColumn(format="%.3g"),
            f"CMH p (within each {by})": st.column_config.NumberColumn(
                format="%.3g",
                help="Cochran–Mantel–Haenszel: compares the variants within each segment, so a "
                "different segment mix between groups cannot fake a difference.",
            ),
            "MH odds ratio": st.column_config.NumberColumn(format="%.3f"),
        },
    )
elif mode == DATA:
    st.caption("Pick a **Break down by** column above to check each segment and Simpson's paradox.")

# --------------------------------------------------------------------------- peeking

if peeked:
    st.subheader("Always-valid results (you peeked)")
    seq_rows = [
        {
            "Variant": v,
            "Relative lift": None if s.estimate is None else s.estimate * 100,
            f"{level} always-valid CI": ci_text(s.ci or (None, None), "signed"),
            "Always-valid p": s.p_value,
            "Significant": s.significant,
            "Note": s.explanation or "",
        }
        for v, s in a.sequential.items()
    ]
    st.dataframe(
        pl.DataFrame(seq_rows),
        hide_index=True,
        width="stretch",
        column_config={
            "Relative lift": st.column_config.NumberColumn(format="%+.2f %%"),
            "Always-valid p": st.column_config.NumberColumn(format="%.3g"),
        },
    )
    st.caption(
        "GrowthBook's asymptotic confidence sequence (tuning N* = 5,000 visitors): these "
        "intervals and p-values stay valid however often you look, at the price of being wider."
    )

# --------------------------------------------------------------------------- revenue

if a.revenue:
    st.subheader("Revenue per visitor (Welch's t-test)")
    rev_rows = [
        {
            "Variant": v,
            f"Revenue per visitor {a.control}": w.mean_a,
            "Revenue per visitor variant": w.mean_b,
            "Difference": w.diff,
            f"{level} CI": "–"
            if w.ci_diff is None
            else f"{w.ci_diff[0]:+,.2f} to {w.ci_diff[1]:+,.2f}",
            "t": w.t,
            "df": w.df,
            "p-value": w.p_value,
            "Significant": w.significant,
            "Note": w.explanation or "",
        }
        for v, w in a.revenue.items()
    ]
    st.dataframe(
        pl.DataFrame(rev_rows),
        hide_index=True,
        width="stretch",
        column_config={
            f"Revenue per visitor {a.control}": st.column_config.NumberColumn(format="%.2f"),
            "Revenue per visitor variant": st.column_config.NumberColumn(format="%.2f"),
            "Difference": st.column_config.NumberColumn(format="%+.2f"),
            "t": st.column_config.NumberColumn(format="%.3f"),
            "df": st.column_config.NumberColumn(format="%.0f"),
            "p-value": st.column_config.NumberColumn(format="%.3g"),
        },
    )
    st.caption(
        "Revenue per visitor = total revenue of the group's users / visitors (non-buyers count "
        "as 0). Welch's t-test does not assume equal variances; a few very large orders can "
        "dominate it."
    )
elif mode == DATA:
    st.caption(
        "Revenue per visitor: upload events or orders with an amount (revenue) column to "
        "compare it with Welch's t-test."
    )

# --------------------------------------------------------------------------- planning

plan = plan_section(a, k)

with st.expander("How these numbers are computed"):
    for d in DEFS.values():
        st.markdown(f"**{d.label}.** {d.formula}")

st.session_state["ab_result_export"] = abdata.ab_export(a, plan=plan, inputs=inputs)
# typed-in numbers hold for any view; a result from the data only for this data and filters
st.session_state["ab_result_view_key"] = None if mode == QUICK else state.view_key()
