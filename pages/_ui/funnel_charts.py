"""Funnel and stage charts (altair) and the display tables of the Funnel and Stage KPIs pages.

Every function takes a small, already aggregated kpi result (one row per step, segment or
period) and only reshapes it for drawing: no statistics here.
"""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import polars as pl
import streamlit as st

from kpi import alerts
from kpi.errors import ParcoursError
from pages._ui import charts
from pages._ui import format as fmt

LOST_COLOUR = "#F2B8B5"
REACHED = "Reached the step"
LOST = "Lost since the previous step"


def _step_sort(steps: Sequence[str]) -> list[str]:
    return list(dict.fromkeys(str(s) for s in steps))


def funnel_bars(table: pl.DataFrame, unit: str = "Users") -> alt.LayerChart:
    """Users reaching each step (solid) with the users lost since the previous step stacked on
    top (light red), so each bar's full height is the previous step's users. Labels: conversion
    from the start, just above the solid bar they belong to. ``unit`` names what is counted
    ("Users", or "Count" for aggregated exports of sessions or rows)."""
    steps = _step_sort(table["step"].to_list())
    base = table.select(
        "step",
        "users",
        "conversion",
        pl.col("drop_off").fill_null(0).clip(lower_bound=0).alias("lost"),
        pl.col("drop_off_rate"),
        pl.col("step_conversion"),
    )
    long = pl.concat(
        [
            base.select(
                "step",
                pl.lit(REACHED).alias("part"),
                pl.col("users").alias("count"),
                "conversion",
                "drop_off_rate",
                "step_conversion",
            ),
            base.select(
                "step",
                pl.lit(LOST).alias("part"),
                pl.col("lost").alias("count"),
                "conversion",
                "drop_off_rate",
                "step_conversion",
            ),
        ]
    ).with_columns(
        order=pl.when(pl.col("part") == REACHED).then(0).otherwise(1),
    )
    tooltip = [
        alt.Tooltip("step:N", title="Step"),
        alt.Tooltip("part:N", title="Part"),
        alt.Tooltip("count:Q", title=unit, format=","),
        alt.Tooltip("conversion:Q", title="Conversion from start", format=".2%"),
        alt.Tooltip("step_conversion:Q", title="From previous step", format=".2%"),
        alt.Tooltip("drop_off_rate:Q", title="Drop-off rate", format=".2%"),
    ]
    bars = (
        alt.Chart(long)
        .mark_bar()
        .encode(
            x=alt.X("step:N", sort=steps, title=None, axis=alt.Axis(labelAngle=0)),
            y=alt.Y("count:Q", title=unit, stack="zero"),
            color=alt.Color(
                "part:N",
                scale=alt.Scale(domain=[REACHED, LOST], range=[charts.PRIMARY, LOST_COLOUR]),
                legend=alt.Legend(title=None, orient="top", labelLimit=400),
            ),
            order=alt.Order("order:Q"),
            tooltip=tooltip,
        )
    )
    labels_frame = base.with_columns(
        label=pl.concat_str(
            [
                (pl.col("conversion") * 100).round(2).cast(pl.String),
                pl.lit(" %"),
            ]
        ).fill_null("–"),
    )
    # the label sits just above the solid (reached) bar, over the light "lost" part
    labels = (
        alt.Chart(labels_frame)
        .mark_text(
            dy=-6, fontSize=charts.FONT_SIZE, fontWeight="bold", color="#1F1F1F", baseline="bottom"
        )
        .encode(
            x=alt.X("step:N", sort=steps),
            y=alt.Y("users:Q", stack=None),
            text="label:N",
            tooltip=tooltip[:1] + tooltip[3:],
        )
    )
    what = "users who started" if unit == "Users" else "the first step's count"
    return (bars + labels).properties(
        height=380,
        title=f"{unit} reaching each step (label: % of {what})",
    )


DROP_MARK = "▼"


def flag_column(by_frame: pl.DataFrame, segment: str, changes: pl.DataFrame | None) -> pl.Series:
    """Per row of a by-segment funnel: "▼ fell -20.68 pp (p = 9e-06)" where the segment's
    step conversion fell significantly vs the previous period (alerts.step_changes), else ""."""
    marks: dict[tuple[str, int], str] = {}
    if changes is not None and changes.height:
        j = pl.int_range(pl.len(), dtype=pl.Int32).over(segment) + 1
        numbered = changes.with_columns(_j=j)
        for row in numbered.filter(pl.col("dropped")).iter_rows(named=True):
            marks[(str(row[segment]), row["_j"])] = (
                f"{DROP_MARK} fell {fmt.pts(row['change'])} vs previous period "
                f"(p = {row['p_adjusted']:.2g}, Holm)"
            )
    j = by_frame.select(pl.int_range(pl.len(), dtype=pl.Int32).over(segment).alias("j"))["j"]
    keys = by_frame[segment].cast(pl.String).to_list()
    return pl.Series(
        "flag", [marks.get((k, i), "") for k, i in zip(keys, j.to_list(), strict=True)], pl.String
    )


def segment_bars(
    frame: pl.DataFrame, segment: str, metric: str = "conversion", flags: pl.Series | None = None
) -> alt.Chart | alt.LayerChart:
    """Grouped bars: conversion from the start per step, one bar per segment value, with the
    segment's stable colour; ``flags`` (:func:`flag_column`) puts a red ▼ above each bar whose
    step conversion fell significantly vs the previous period."""
    steps = _step_sort(frame["step"].to_list())
    shown = frame[segment].unique(maintain_order=True).to_list()
    scale = charts.segment_scale(segment, [str(v) for v in shown])
    title = segment.replace("_", " ").capitalize()
    data = frame.with_columns(pl.col(segment).cast(pl.String))
    if flags is not None:
        data = data.with_columns(flags.alias("flag"))
    bars = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=alt.X("step:N", sort=steps, title=None, axis=alt.Axis(labelAngle=0)),
            xOffset=alt.XOffset(f"{segment}:N", sort=scale.domain),
            y=alt.Y(f"{metric}:Q", axis=charts.percent_axis("Conversion from the first step")),
            color=alt.Color(f"{segment}:N", scale=scale, title=title),
            tooltip=[
                alt.Tooltip(f"{segment}:N", title=title),
                alt.Tooltip("step:N", title="Step"),
                alt.Tooltip("users:Q", title="Users", format=","),
                alt.Tooltip("conversion:Q", title="Conversion from start", format=".2%"),
                alt.Tooltip("step_conversion:Q", title="From previous step", format=".2%"),
                *([alt.Tooltip("flag:N", title="Vs previous period")] if flags is not None else []),
            ],
        )
        .properties(height=380, title=f"Conversion from the first step, by {title.lower()}")
    )
    if flags is None or not (flags != "").any():
        return bars
    marks = (
        alt.Chart(data.filter(pl.col("flag") != ""))
        .mark_text(text=DROP_MARK, color="#c62828", fontSize=16, dy=-10, fontWeight="bold")
        .encode(
            x=alt.X("step:N", sort=steps),
            xOffset=alt.XOffset(f"{segment}:N", sort=scale.domain),
            y=alt.Y(f"{metric}:Q"),
            tooltip=[
                alt.Tooltip(f"{segment}:N", title=title),
                alt.Tooltip("step:N", title="Step"),
                alt.Tooltip("flag:N", title="Vs previous period"),
            ],
        )
    )
    return alt.layer(bars, marks)


def trend_lines(frame: pl.DataFrame, grain: str) -> alt.Chart:
    """Conversion from the first step per entry period, one line per later step."""
    steps = _step_sort(frame["step"].to_list())
    later = steps[1:] or steps
    data = frame.filter(pl.col("step").is_in(later))
    colours = [charts.PALETTE[(i + 1) % len(charts.PALETTE)] for i in range(len(later))]
    # one tick per period (every few periods when there are many), never daily ticks on weeks
    periods = max(1, data["period"].n_unique())
    every = max(1, -(-periods // 12))
    axis = alt.Axis(
        tickCount={"interval": grain, "step": every},
        format={"day": "%d %b", "week": "%d %b %Y", "month": "%b %Y"}.get(grain, "%d %b %Y"),
        labelAngle=0 if grain == "month" else -30,
        grid=False,
    )
    return (
        alt.Chart(data)
        .mark_line(point=True, strokeWidth=3)
        .encode(
            x=alt.X("period:T", title=f"Entry {grain} (first time at {steps[0]})", axis=axis),
            y=alt.Y("conversion:Q", axis=charts.percent_axis("Reached the step (% of entrants)")),
            color=alt.Color(
                "step:N",
                sort=later,
                scale=alt.Scale(domain=later, range=colours),
                title="Step",
            ),
            tooltip=[
                alt.Tooltip("period:T", title=f"Entry {grain}"),
                alt.Tooltip("step:N", title="Step"),
                alt.Tooltip("users:Q", title="Users", format=","),
                alt.Tooltip("conversion:Q", title="Conversion", format=".2%"),
            ],
        )
        .properties(height=360, title=f"Conversion by entry {grain}")
    )


def _time_unit(seconds: float) -> tuple[str, float]:
    for name, size in (("days", 86400.0), ("hours", 3600.0), ("minutes", 60.0)):
        if seconds >= 2 * size:
            return name, size
    return "seconds", 1.0


def time_to_convert_bars(frame: pl.DataFrame, first: str, last: str) -> alt.Chart:
    """Histogram of the time from the first to the last step, in a readable unit."""
    unit, size = _time_unit(float(frame["bin_end"].max() or 0.0))
    labels = [
        f"{fmt.duration(a)} – {fmt.duration(b)}"
        for a, b in zip(frame["bin_start"].to_list(), frame["bin_end"].to_list(), strict=True)
    ]
    data = frame.with_columns(
        (pl.col("bin_start") / size).alias("start"),
        (pl.col("bin_end") / size).alias("end"),
        pl.Series("bin", labels, dtype=pl.String),
    )
    return (
        alt.Chart(data)
        .mark_bar(color=charts.PRIMARY, stroke="white", strokeWidth=1)
        .encode(
            x=alt.X("start:Q", bin="binned", title=f"Time from {first} to {last} ({unit})"),
            x2="end:Q",
            y=alt.Y("users:Q", title="Users who converted"),
            tooltip=[
                alt.Tooltip("bin:N", title="Time"),
                alt.Tooltip("users:Q", title="Users", format=","),
                alt.Tooltip("share:Q", title="Share of converters", format=".1%"),
            ],
        )
        .properties(height=340, title="How long converting users took")
    )


# --------------------------------------------------------------------------------------------
# Display tables (strings for durations, fractions with a percent format for rates)
# --------------------------------------------------------------------------------------------

TIME_COLUMNS = {
    "median_from_previous_s": "Median time from previous step",
    "p90_from_previous_s": "90th pct. from previous step",
    "median_from_start_s": "Median time from first step",
    "p90_from_start_s": "90th pct. from first step",
}


def step_table(
    table: pl.DataFrame, by: Sequence[str] = (), unit: str = "Users"
) -> tuple[pl.DataFrame, dict]:
    """The per-step table for st.dataframe, and its column configuration. The drop-off of the
    first step (nothing before it) reads "–", not "None"."""
    cols = [*by, "step", "users", "conversion", "step_conversion", "drop_off", "drop_off_rate"]
    out = table.select([c for c in cols if c in table.columns])
    if "drop_off" in out.columns:
        out = out.with_columns(
            pl.Series("drop_off", [fmt.num(v) for v in out["drop_off"].to_list()], pl.String)
        )
    if "drop_off_rate" in out.columns:
        out = out.with_columns(
            pl.Series(
                "drop_off_rate", [fmt.pct(v) for v in out["drop_off_rate"].to_list()], pl.String
            )
        )
    for col, label in TIME_COLUMNS.items():
        if col in table.columns:
            values = [fmt.duration(v) if v is not None else "–" for v in table[col].to_list()]
            out = out.with_columns(pl.Series(label, values, dtype=pl.String))
    pct = "percent"
    config = {
        "step": st.column_config.TextColumn("Step"),
        "users": st.column_config.NumberColumn(unit, format="localized"),
        "conversion": st.column_config.NumberColumn(
            "Conversion from start", format=pct, help="Users at this step ÷ users at step 1."
        ),
        "step_conversion": st.column_config.NumberColumn(
            "From previous step", format=pct, help="Users at this step ÷ users at the step before."
        ),
        "drop_off": st.column_config.TextColumn(
            f"Drop-off ({unit.lower()})",
            help=f"{unit} at the previous step − {unit.lower()} here (– for the first step).",
        ),
        "drop_off_rate": st.column_config.TextColumn(
            "Drop-off rate", help="Drop-off ÷ the previous step (– for the first step)."
        ),
    }
    for b in by:
        config[b] = st.column_config.TextColumn(b.replace("_", " ").capitalize())
    return out, config


def comparison_table(frame: pl.DataFrame) -> tuple[pl.DataFrame, dict]:
    """kpi.funnel.compare_periods result for st.dataframe."""
    out = frame.select(
        "step",
        "users_current",
        "users_previous",
        "conversion_current",
        "conversion_previous",
        "abs_change",
        "rel_change",
        "p_value",
        pl.when(pl.col("significant"))
        .then(pl.lit("yes"))
        .when(pl.col("method") == "none")
        .then(pl.lit("–"))
        .otherwise(pl.lit("no"))
        .alias("significant"),
    )
    abs_text = [fmt.pts(v) for v in frame["abs_change"].to_list()]
    out = out.with_columns(pl.Series("abs_change", abs_text, dtype=pl.String))
    config = {
        "step": st.column_config.TextColumn("Step"),
        "users_current": st.column_config.NumberColumn("Users (this period)", format="localized"),
        "users_previous": st.column_config.NumberColumn("Users (previous)", format="localized"),
        "conversion_current": st.column_config.NumberColumn("Conversion (this)", format="percent"),
        "conversion_previous": st.column_config.NumberColumn(
            "Conversion (previous)", format="percent"
        ),
        "abs_change": st.column_config.TextColumn("Change (points)"),
        "rel_change": st.column_config.NumberColumn("Relative change", format="percent"),
        "p_value": st.column_config.NumberColumn("p-value", format="%.4f"),
        "significant": st.column_config.TextColumn(
            "Significant?",
            help="Two-proportion test of conversion from the first step (Fisher exact when "
            "counts are small), at the 5 % level.",
        ),
    }
    return out, config


def segment_change_table(changes: pl.DataFrame, segment: str) -> tuple[pl.DataFrame, dict]:
    """alerts.step_changes by segment for st.dataframe: previous, current, change in points,
    p-value Holm-corrected over the family, and a ▼ on significant drops."""
    out = changes.select(
        pl.col(segment).cast(pl.String),
        pl.concat_str([pl.col("from_step"), pl.col("step")], separator=" → ").alias("step"),
        "step_conversion_previous",
        "step_conversion_current",
        pl.Series("change", [fmt.pts(v) for v in changes["change"].to_list()], pl.String),
        "p_value",
        "p_adjusted",
        pl.when(pl.col("dropped"))
        .then(pl.lit(f"{DROP_MARK} fell"))
        .when(pl.col("p_adjusted").is_null())
        .then(pl.lit("– (nobody at the previous step)"))
        .otherwise(pl.lit(""))
        .alias("flag"),
    )
    family = int(changes["p_value"].is_not_null().sum())
    config = {
        segment: st.column_config.TextColumn(segment.replace("_", " ").capitalize()),
        "step": st.column_config.TextColumn("Step"),
        "step_conversion_previous": st.column_config.NumberColumn(
            "Previous period",
            format="percent",
            help="Conversion from the previous step in the previous period.",
        ),
        "step_conversion_current": st.column_config.NumberColumn(
            "This period", format="percent", help="Conversion from the previous step now."
        ),
        "change": st.column_config.TextColumn("Change (points)"),
        "p_value": st.column_config.NumberColumn("p-value", format="%.2g"),
        "p_adjusted": st.column_config.NumberColumn(
            "p (Holm)",
            format="%.2g",
            help=f"Holm-corrected over the {family} step × segment comparisons of this table.",
        ),
        "flag": st.column_config.TextColumn("Flag"),
    }
    return out, config


# --------------------------------------------------------------------------------------------
# Red-flag thresholds (shared by the Funnel and Stage KPIs pages)
# --------------------------------------------------------------------------------------------


def current_thresholds() -> alerts.Thresholds:
    t = st.session_state.get("thresholds")
    return t if isinstance(t, alerts.Thresholds) else alerts.Thresholds()


_FIELDS = ("conv", "cart", "bounce", "drop", "alpha", "floor")


def _build_thresholds(values: dict[str, float]) -> alerts.Thresholds:
    return alerts.Thresholds(
        min_conversion=values["conv"] / 100,
        max_cart_abandonment=values["cart"] / 100,
        max_bounce=values["bounce"] / 100,
        max_session_duration_drop=values["drop"] / 100,
        funnel_alpha=values["alpha"],
        min_step_conversion=values["floor"] / 100 if values["floor"] > 0 else None,
    )


def _store_thresholds(prefix: str) -> None:
    """Widget callback: runs before the rerun, so flags drawn above the editor are current."""
    values = {f: st.session_state.get(f"{prefix}th_{f}") for f in _FIELDS}
    if any(v is None for v in values.values()):
        return
    try:
        st.session_state["thresholds"] = _build_thresholds(values)  # type: ignore[arg-type]
        st.session_state.pop("thresholds_error", None)
    except ParcoursError as exc:
        st.session_state["thresholds_error"] = str(exc)


def thresholds_editor(prefix: str) -> alerts.Thresholds:
    """An expander to set the red-flag thresholds; stored in st.session_state["thresholds"]
    so that the Overview, the other pages and the export use the same ones."""
    t = current_thresholds()
    specs = [
        ("conv", "Minimum conversion rate (%)", 0.0, 100.0, t.min_conversion * 100, 0.5, None),
        (
            "cart",
            "Maximum cart abandonment (%)",
            0.0,
            100.0,
            t.max_cart_abandonment * 100,
            5.0,
            None,
        ),
        ("bounce", "Maximum bounce rate (%)", 0.0, 100.0, t.max_bounce * 100, 5.0, None),
        (
            "drop",
            "Session duration drop (%)",
            1.0,
            99.0,
            t.max_session_duration_drop * 100,
            5.0,
            None,
        ),
        (
            "alpha",
            "Significance level (funnel step drop)",
            0.001,
            0.5,
            t.funnel_alpha,
            0.01,
            "%.3f",
        ),
        (
            "floor",
            "Minimum step conversion (%, 0 = off)",
            0.0,
            100.0,
            (t.min_step_conversion or 0.0) * 100,
            5.0,
            None,
        ),
    ]
    with st.expander("Red-flag thresholds", icon=":material/tune:"):
        cols = st.columns(3) * 2
        for col, (name, label, lo, hi, value, step, number_format) in zip(cols, specs, strict=True):
            col.number_input(
                label,
                lo,
                hi,
                value=float(value),
                step=step,
                format=number_format,
                key=f"{prefix}th_{name}",
                on_change=_store_thresholds,
                args=(prefix,),
            )
        if st.session_state.get("thresholds_error"):
            st.error(st.session_state["thresholds_error"])
        st.caption("These thresholds apply on every page and in the Excel export.")
        st.markdown(alerts.DEFAULT_THRESHOLDS_DOC)
    return current_thresholds()


def reconciliation(by_frame: pl.DataFrame, total: pl.DataFrame) -> pl.DataFrame:
    """Per step: the sum of segment users, the unsegmented total and whether they match."""
    sums = by_frame.group_by("step", maintain_order=True).agg(
        pl.col("users").sum().alias("segment_sum")
    )
    out = total.select("step", pl.col("users").alias("total")).join(
        sums, on="step", how="left", maintain_order="left"
    )
    return out.with_columns(matches=pl.col("segment_sum") == pl.col("total"))
