"""A/B charts (altair): rates with their intervals, the difference against zero and the MDE,
and a per-segment forest plot. Inputs are the small frames of :class:`kpi.abtest.ABAnalysis`.
Every title, axis, legend and tooltip is in the view's language; figures in tooltips and
labels are written by :mod:`kpi.words.format` (``12,5 %``, ``+0,51 pt`` in French).

A variant keeps its colour on every chart (and on other pages when the column is ``variant``).
"""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import polars as pl

from kpi.words import format as fmt
from pages._ui import charts
from pages._ui.lang import current, tx

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
    return tx("ab.level", level=confidence * 100)


def _texts(values: list[float | None], kind: str) -> list[str]:
    lang = current()
    writer = {"pct": fmt.percent, "pts": fmt.points, "int": fmt.integer}[kind]
    return [writer(v, lang) for v in values]


def _axis_pp() -> str:
    """Vega label expression: a difference of rates in points, the language's decimal mark."""
    unit = tx("ab_sheet.unit.pp")
    number = "format(datum.value * 100, '+.2~f')"
    if current() == "fr":
        number = f"replace({number}, '.', ',')"
    return f"{number} + ' {unit}'"


def rates_chart(
    arms: pl.DataFrame, scale: alt.Scale, *, confidence: float, metric: str
) -> alt.LayerChart:
    """Conversion rate per variant (dot) with its Wilson interval (bar)."""
    data = arms.select("variant", "visitors", "conversions", "rate", "rate_low", "rate_high")
    data = data.with_columns(
        visitors_t=pl.Series(_texts(data["visitors"].to_list(), "int"), dtype=pl.String),
        conversions_t=pl.Series(_texts(data["conversions"].to_list(), "int"), dtype=pl.String),
        rate_t=pl.Series(_texts(data["rate"].to_list(), "pct"), dtype=pl.String),
        low_t=pl.Series(_texts(data["rate_low"].to_list(), "pct"), dtype=pl.String),
        high_t=pl.Series(_texts(data["rate_high"].to_list(), "pct"), dtype=pl.String),
    )
    order = data["variant"].to_list()
    level = _level(confidence)
    base = alt.Chart(data).encode(
        y=alt.Y("variant:N", sort=order, title=None, axis=alt.Axis(labelFontWeight="bold")),
        color=alt.Color("variant:N", scale=scale, legend=None),
        tooltip=[
            alt.Tooltip("variant:N", title=tx("ab_page.col.variant")),
            alt.Tooltip("visitors_t:N", title=tx("ab_page.col.visitors")),
            alt.Tooltip("conversions_t:N", title=tx("ab_page.col.conversions")),
            alt.Tooltip("rate_t:N", title=tx("ab_page.col.rate")),
            alt.Tooltip("low_t:N", title=tx("ab_page.chart.ci_from", level=level)),
            alt.Tooltip("high_t:N", title=tx("ab_page.chart.ci_to", level=level)),
        ],
    )
    bars = base.mark_rule(strokeWidth=BAR_WIDTH, opacity=0.55).encode(
        x=alt.X(
            "rate_low:Q",
            axis=charts.percent_axis(tx("ab_page.chart.rate_axis", metric=metric)),
            scale=alt.Scale(zero=False),
        ),
        x2="rate_high:Q",
    )
    dots = base.mark_point(filled=True, size=POINT_SIZE, opacity=1).encode(x="rate:Q")
    labels = base.mark_text(dy=-18, fontSize=charts.FONT_SIZE, fontWeight="bold").encode(
        x="rate:Q", text=alt.Text("rate_t:N")
    )
    head = tx("ab_page.chart.rates_title", metric=metric)
    sub = tx("ab_page.chart.rates_subtitle", level=level)
    return (bars + dots + labels).properties(
        title=charts.title(head, sub),
        height=150 + 60 * data.height + charts.title_extra_height(head, sub),  # titles, axes
    )


def _with_pp(data: pl.DataFrame) -> pl.DataFrame:
    """The differences in percentage points for tooltips and labels (0.0051 -> 0.51, "+0.51 pp")."""
    return data.with_columns(
        diff_t=pl.Series(_texts(data["abs_diff"].to_list(), "pts"), dtype=pl.String),
        low_t=pl.Series(_texts(data["abs_diff_low"].to_list(), "pts"), dtype=pl.String),
        high_t=pl.Series(_texts(data["abs_diff_high"].to_list(), "pts"), dtype=pl.String),
        p_t=pl.Series(
            [fmt.p_value(p, current()) for p in data["p_value"].to_list()], dtype=pl.String
        ),
    )


def _zero_rule(data: pl.DataFrame) -> alt.Chart:
    """A vertical line at 0 (no difference), drawn on the chart's own data (no extra dataset)."""
    return alt.Chart(data).mark_rule(color="#333", strokeWidth=2).encode(x=alt.datum(0))


def _mde_rules(data: pl.DataFrame, mde_abs: float | None) -> alt.LayerChart | None:
    """Dashed lines at ± the minimum detectable effect, labelled at the top."""
    if mde_abs is None or not mde_abs > 0:
        return None
    layers = []
    mde = tx("ab_page.chart.mde")
    for x, label, align, dx in (
        (-mde_abs, f"−{mde}", "right", -4),
        (mde_abs, f"+{mde}", "left", 4),
    ):
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
    data = data.with_columns(
        test_t=pl.Series([tx(f"ab.method.name.{m}") for m in data["method"]], dtype=pl.String)
    )
    level = _level(confidence)
    order = data["variant"].to_list()
    base = alt.Chart(data).encode(
        y=alt.Y("variant:N", sort=order, title=None, axis=alt.Axis(labelFontWeight="bold")),
        color=alt.Color("variant:N", scale=scale, legend=None),
        tooltip=[
            alt.Tooltip("variant:N", title=tx("ab_page.col.variant")),
            alt.Tooltip("diff_t:N", title=tx("ab_page.chart.diff_vs", control=control)),
            alt.Tooltip("low_t:N", title=tx("ab_page.chart.ci_from", level=level)),
            alt.Tooltip("high_t:N", title=tx("ab_page.chart.ci_to", level=level)),
            alt.Tooltip("p_t:N", title=tx("ab_page.card.p")),
            alt.Tooltip("test_t:N", title=tx("ab_page.col.test")),
        ],
    )
    axis = alt.Axis(
        title=tx("ab_page.chart.diff_axis", control=control),
        labelExpr=_axis_pp(),  # a difference of rates: points
    )
    bars = base.mark_rule(strokeWidth=BAR_WIDTH, opacity=0.55).encode(
        x=alt.X("abs_diff_low:Q", axis=axis), x2="abs_diff_high:Q"
    )
    dots = base.mark_point(filled=True, size=POINT_SIZE, opacity=1).encode(x="abs_diff:Q")
    labels = base.mark_text(dy=-18, fontSize=charts.FONT_SIZE, fontWeight="bold").encode(
        x="abs_diff:Q", text=alt.Text("diff_t:N")
    )
    layers = [_zero_rule(data), bars, dots, labels]
    rules = _mde_rules(data, mde_abs)
    if rules is not None:
        layers.insert(1, rules)
    subtitle = tx("ab_page.chart.diff_subtitle" + (".note" if note else ""), note=note)
    if rules is not None:
        subtitle += " " + tx("ab_page.chart.mde_note")
    head = tx("ab_page.chart.diff_title", control=control, level=level)
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
    everyone = tx("ab_page.chart.all_users")
    allrow = overall.select(
        pl.lit(everyone).alias("segment"), *cols, "visitors_control", "visitors_variant"
    )
    data = _with_pp(
        pl.concat([allrow, seg], how="vertical_relaxed").filter(pl.col("abs_diff").is_not_null())
    )
    level = _level(confidence)
    data = data.with_columns(
        adj_t=pl.Series(
            [fmt.p_value(p, current()) for p in data["adjusted_p_value"].to_list()],
            dtype=pl.String,
        ),
        vis_c_t=pl.Series(_texts(data["visitors_control"].to_list(), "int"), dtype=pl.String),
        vis_v_t=pl.Series(_texts(data["visitors_variant"].to_list(), "int"), dtype=pl.String),
    )
    order = [everyone] + [s for s in dict.fromkeys(seg["segment"].to_list())]
    several = data["variant"].n_unique() > 1
    enc = {
        "y": alt.Y("segment:N", sort=order, title=segment),
        "color": alt.Color(
            "variant:N",
            scale=scale,
            legend=alt.Legend(title=tx("ab_page.col.variant")) if several else None,
        ),
        "tooltip": [
            alt.Tooltip("segment:N", title=segment),
            alt.Tooltip("variant:N", title=tx("ab_page.col.variant")),
            alt.Tooltip("diff_t:N", title=tx("ab_page.chart.diff_vs", control=control)),
            alt.Tooltip("low_t:N", title=tx("ab_page.chart.ci_from", level=level)),
            alt.Tooltip("high_t:N", title=tx("ab_page.chart.ci_to", level=level)),
            alt.Tooltip("p_t:N", title=tx("ab_page.card.p")),
            alt.Tooltip("adj_t:N", title=tx("ab_page.col.p_corrected")),
            alt.Tooltip("vis_c_t:N", title=tx("ab_page.col.visitors_of", group=control)),
            alt.Tooltip("vis_v_t:N", title=tx("ab_page.col.visitors_variant")),
        ],
    }
    if several:
        enc["yOffset"] = alt.YOffset("variant:N")
    base = alt.Chart(data).encode(**enc)
    axis = alt.Axis(
        title=tx("ab_page.chart.diff_axis", control=control),
        labelExpr=_axis_pp(),  # a difference of rates: points
    )
    bars = base.mark_rule(strokeWidth=BAR_WIDTH, opacity=0.55).encode(
        x=alt.X("abs_diff_low:Q", axis=axis), x2="abs_diff_high:Q"
    )
    dots = base.mark_point(filled=True, size=POINT_SIZE, opacity=1).encode(
        x="abs_diff:Q",
        shape=alt.condition(
            alt.datum.segment == everyone, alt.value("diamond"), alt.value("circle")
        ),
    )
    head = tx("ab_page.chart.forest_title", control=control, segment=segment)
    sub = tx("ab_page.chart.forest_subtitle", level=level)
    return alt.layer(_zero_rule(data), bars, dots).properties(
        title=charts.title(head, sub, width=60),
        height=140
        + 44 * len(order) * (data["variant"].n_unique() if several else 1)
        + charts.title_extra_height(head, sub, width=60),
    )
