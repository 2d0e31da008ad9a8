"""A/B charts (altair): rates with their intervals, the difference against zero and the MDE,
and a per-segment forest plot. Inputs are the small frames of :class:`kpi.abdata.ABAnalysis`.

A variant keeps its colour on every chart (and on other pages when the column is ``variant``).
"""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import polars as pl

from pages._ui import charts

POINT_SIZE = 220
BAR_WIDTH = 5


def variant_scale(column: str | None, names: Sequence[str]) -> alt.Scale:
    """Stable colours per variant: the app-wide segment colours when the column is ``variant``."""
    names = [str(n) for n in names]
    if column == "variant":
        return charts.segment_scale("variant", names)
    return alt.Scale(
        domain=names, range=[charts.PALETTE[i % len(charts.PALETTE)] for i in range(len(names))]
    )


def _level(confidence: float) -> str:
    return f"{confidence:.0%}".replace("%", " %")


def rates_chart(
    arms: pl.DataFrame, scale: alt.Scale, *, confidence: float, metric: str
) -> alt.LayerChart:
    """Conversion rate per variant (dot) with its Wilson interval (bar)."""
    data = arms.select("variant", "visitors", "conversions", "rate", "rate_low", "rate_high")
    order = data["variant"].to_list()
    level = _level(confidence)
    base = alt.Chart(data).encode(
        y=alt.Y("variant:N", sort=order, title=None, axis=alt.Axis(labelFontWeight="bold")),
        color=alt.Color("variant:N", scale=scale, legend=None),
        tooltip=[
            alt.Tooltip("variant:N", title="Variant"),
            alt.Tooltip("visitors:Q", title="Visitors", format=","),
            alt.Tooltip("conversions:Q", title="Conversions", format=","),
            alt.Tooltip("rate:Q", title="Rate", format=".2%"),
            alt.Tooltip("rate_low:Q", title=f"{level} CI from", format=".2%"),
            alt.Tooltip("rate_high:Q", title=f"{level} CI to", format=".2%"),
        ],
    )
    bars = base.mark_rule(strokeWidth=BAR_WIDTH, opacity=0.55).encode(
        x=alt.X(
            "rate_low:Q", axis=charts.percent_axis(f"{metric} rate"), scale=alt.Scale(zero=False)
        ),
        x2="rate_high:Q",
    )
    dots = base.mark_point(filled=True, size=POINT_SIZE, opacity=1).encode(x="rate:Q")
    labels = base.mark_text(dy=-18, fontSize=charts.FONT_SIZE, fontWeight="bold").encode(
        x="rate:Q", text=alt.Text("rate:Q", format=".2%")
    )
    head = f"{metric} rate per variant"
    sub = f"Dot: observed rate. Bar: {level} interval (Wilson) — where the true rate probably lies."
    return (bars + dots + labels).properties(
        title=charts.title(head, sub),
        height=150 + 60 * data.height + charts.title_extra_height(head, sub),  # titles, axes
    )


def _with_pp(data: pl.DataFrame) -> pl.DataFrame:
    """The differences in percentage points for tooltips and labels (0.0051 -> 0.51, "+0.51 pp")."""
    return data.with_columns(
        diff_pp=pl.col("abs_diff") * 100,
        low_pp=pl.col("abs_diff_low") * 100,
        high_pp=pl.col("abs_diff_high") * 100,
        label_pp=pl.format("{} pp", (pl.col("abs_diff") * 100).round(2))
        .str.replace(r"^([0-9])", "+$1")
        .str.replace(r"^-", "−"),
    )


def _zero_rule(data: pl.DataFrame) -> alt.Chart:
    """A vertical line at 0 (no difference), drawn on the chart's own data (no extra dataset)."""
    return alt.Chart(data).mark_rule(color="#333", strokeWidth=2).encode(x=alt.datum(0))


def _mde_rules(data: pl.DataFrame, mde_abs: float | None) -> alt.LayerChart | None:
    """Dashed lines at ± the minimum detectable effect, labelled at the top."""
    if mde_abs is None or not mde_abs > 0:
        return None
    layers = []
    for x, label, align, dx in ((-mde_abs, "−MDE", "right", -4), (mde_abs, "+MDE", "left", 4)):
        rule = alt.Chart(data).mark_rule(strokeDash=[6, 4], color=charts.BAD, strokeWidth=2)
        text = alt.Chart(data).mark_text(
            color=charts.BAD,
            fontSize=charts.FONT_SIZE - 2,
            dy=-8,
            dx=dx,
            align=align,
            baseline="bottom",
        )
        layers += [
            rule.encode(x=alt.datum(x)),
            text.encode(x=alt.datum(x), y=alt.value(0), text=alt.value(label)),
        ]
    return alt.layer(*layers)


def diff_chart(
    comparisons: pl.DataFrame,
    scale: alt.Scale,
    *,
    confidence: float,
    control: str,
    mde_abs: float | None,
    note: str = "",
) -> alt.LayerChart:
    """Difference of each variant vs the control (dot) with its Newcombe interval, a line at
    zero (no difference) and dashed lines at ± the minimum detectable effect.

    ``confidence`` is the intervals' level (1 − α/m for Bonferroni intervals); ``note`` says
    how they are corrected ("Bonferroni, 2 comparisons", "not corrected"). Differences of
    rates are in percentage points everywhere (axis, labels, tooltips)."""
    data = _with_pp(
        comparisons.select(
            "variant", "abs_diff", "abs_diff_low", "abs_diff_high", "p_value", "method"
        ).filter(pl.col("abs_diff").is_not_null())
    )
    level = _level(confidence)
    order = data["variant"].to_list()
    base = alt.Chart(data).encode(
        y=alt.Y("variant:N", sort=order, title=None, axis=alt.Axis(labelFontWeight="bold")),
        color=alt.Color("variant:N", scale=scale, legend=None),
        tooltip=[
            alt.Tooltip("variant:N", title="Variant"),
            alt.Tooltip("diff_pp:Q", title=f"Difference vs {control} (pp)", format="+.2f"),
            alt.Tooltip("low_pp:Q", title=f"{level} CI from (pp)", format="+.2f"),
            alt.Tooltip("high_pp:Q", title=f"{level} CI to (pp)", format="+.2f"),
            alt.Tooltip("p_value:Q", title="p-value", format=".3g"),
            alt.Tooltip("method:N", title="Test"),
        ],
    )
    axis = alt.Axis(
        title=f"Difference vs {control} (percentage points)",
        labelExpr="format(datum.value * 100, '+.2~f') + ' pp'",  # a difference of rates: pp
    )
    bars = base.mark_rule(strokeWidth=BAR_WIDTH, opacity=0.55).encode(
        x=alt.X("abs_diff_low:Q", axis=axis), x2="abs_diff_high:Q"
    )
    dots = base.mark_point(filled=True, size=POINT_SIZE, opacity=1).encode(x="abs_diff:Q")
    labels = base.mark_text(dy=-18, fontSize=charts.FONT_SIZE, fontWeight="bold").encode(
        x="abs_diff:Q", text=alt.Text("label_pp:N")
    )
    layers = [_zero_rule(data), bars, dots, labels]
    rules = _mde_rules(data, mde_abs)
    if rules is not None:
        layers.insert(1, rules)
    subtitle = (
        f"Bar: interval (Newcombe{', ' + note if note else ''}). Crossing the black line: "
        "no clear difference."
    )
    if rules is not None:
        subtitle += " Red dashes: the smallest change worth detecting (MDE)."
    head = f"Difference vs {control}, with its {level} interval"
    return alt.layer(*layers).properties(
        title=charts.title(head, subtitle),
        height=160 + 60 * max(data.height, 1) + charts.title_extra_height(head, subtitle),
    )


def forest_chart(
    segments: pl.DataFrame,
    overall: pl.DataFrame,
    scale: alt.Scale,
    *,
    segment: str,
    confidence: float,
    control: str,
) -> alt.LayerChart:
    """Forest plot: difference vs the control and its interval in each segment, and overall."""
    cols = ["variant", "abs_diff", "abs_diff_low", "abs_diff_high", "p_value", "adjusted_p_value"]
    seg = segments.select(pl.col("segment"), *cols, "visitors_control", "visitors_variant")
    allrow = overall.select(
        pl.lit("All users").alias("segment"), *cols, "visitors_control", "visitors_variant"
    )
    data = _with_pp(
        pl.concat([allrow, seg], how="vertical_relaxed").filter(pl.col("abs_diff").is_not_null())
    )
    level = _level(confidence)
    order = ["All users"] + [s for s in dict.fromkeys(seg["segment"].to_list())]
    several = data["variant"].n_unique() > 1
    enc = {
        "y": alt.Y("segment:N", sort=order, title=segment.replace("_", " ").capitalize()),
        "color": alt.Color(
            "variant:N", scale=scale, legend=alt.Legend(title="Variant") if several else None
        ),
        "tooltip": [
            alt.Tooltip("segment:N", title=segment),
            alt.Tooltip("variant:N", title="Variant"),
            alt.Tooltip("diff_pp:Q", title=f"Difference vs {control} (pp)", format="+.2f"),
            alt.Tooltip("low_pp:Q", title=f"{level} CI from (pp)", format="+.2f"),
            alt.Tooltip("high_pp:Q", title=f"{level} CI to (pp)", format="+.2f"),
            alt.Tooltip("p_value:Q", title="p-value", format=".3g"),
            alt.Tooltip("adjusted_p_value:Q", title="corrected p", format=".3g"),
            alt.Tooltip("visitors_control:Q", title=f"visitors {control}", format=","),
            alt.Tooltip("visitors_variant:Q", title="visitors variant", format=","),
        ],
    }
    if several:
        enc["yOffset"] = alt.YOffset("variant:N")
    base = alt.Chart(data).encode(**enc)
    axis = alt.Axis(
        title=f"Difference vs {control} (percentage points)",
        labelExpr="format(datum.value * 100, '+.2~f') + ' pp'",  # a difference of rates: pp
    )
    bars = base.mark_rule(strokeWidth=BAR_WIDTH, opacity=0.55).encode(
        x=alt.X("abs_diff_low:Q", axis=axis), x2="abs_diff_high:Q"
    )
    dots = base.mark_point(filled=True, size=POINT_SIZE, opacity=1).encode(
        x="abs_diff:Q",
        shape=alt.condition(
            "datum.segment == 'All users'", alt.value("diamond"), alt.value("circle")
        ),
    )
    head = f"Difference vs {control} in each {segment.replace('_', ' ')}"
    sub = (
        f"Diamond: all users. Bars: {level} intervals; a bar crossing the black line is no "
        "clear difference in that segment."
    )
    return alt.layer(_zero_rule(data), bars, dots).properties(
        title=charts.title(head, sub, width=60),
        height=140
        + 44 * len(order) * (data["variant"].n_unique() if several else 1)
        + charts.title_extra_height(head, sub, width=60),
    )
