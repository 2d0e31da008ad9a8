"""Altair charts of the Retention, Value and Advocacy pages (data aggregated in kpi first).

Every chart takes a small frame computed by kpi (tens to hundreds of rows) and only adds
labels; charts are drawn with :func:`pages._ui.charts.show` (projector-sized fonts).
"""

from __future__ import annotations

import altair as alt
import polars as pl

from pages._ui import charts

INCOMPLETE = "#D9D9D9"
PROMOTER, PASSIVE, DETRACTOR = "#1E8449", "#B0B0B0", "#C0392B"


def _unit_word(grain: str) -> str:
    return {"month": "Month", "week": "Week", "day": "Day"}.get(grain, "Period")


def retention_heatmap(
    long: pl.DataFrame,
    *,
    grain: str,
    title: str,
    subtitle: str | list[str],
    label: str = "cohort",
) -> alt.LayerChart:
    """Cohort × period heatmap with % labels; grey = period in progress; average row in bold.

    ``long``: :func:`kpi.retention.cohort_long` (or the same columns with ``label`` as the
    row name); rows sorted by ``row``.
    """
    unit = _unit_word(grain)
    later = long.filter(pl.col("period") > 0)["retention"]
    top = float(later.max()) if later.len() and later.max() else 1.0  # type: ignore[arg-type]
    top = min(1.0, max(top, 0.05))
    base = (
        alt.Chart(long)
        .transform_calculate(
            row_label=f"datum['{label}'] + ' · ' + format(datum.cohort_size, ',') + ' users'",
            cell=f"'{unit[0]}' + datum.period",
            shown=("format(datum.retention, '.1%') + (datum.complete ? '' : '*')"),
            status="datum.complete ? 'complete' : 'in progress (will still grow)'",
        )
        .encode(
            x=alt.X(
                "cell:N",
                title=f"{unit}s since the cohort's start ({unit[0]}0 = its own {grain})",
                sort=alt.SortField("period"),
                axis=alt.Axis(labelAngle=0, orient="top"),
            ),
            y=alt.Y("row_label:N", title=None, sort=alt.SortField("row")),
            tooltip=[
                alt.Tooltip(f"{label}:N", title="Cohort"),
                alt.Tooltip("cohort_size:Q", title="Users in cohort", format=","),
                alt.Tooltip("period:Q", title=f"{unit}s after"),
                alt.Tooltip("retained:Q", title="Users retained", format=","),
                alt.Tooltip("retention:Q", title="Retention", format=".1%"),
                alt.Tooltip("status:N", title="Period"),
            ],
        )
    )
    rect = base.mark_rect(stroke="white", strokeWidth=1.5).encode(
        color=alt.condition(
            "datum.complete",
            alt.Color(
                "retention:Q",
                title="Retention",
                scale=alt.Scale(scheme="blues", domain=[0, top], clamp=True),
                # below the grid: a right-hand legend was clipped on narrow (few-period) grids
                legend=alt.Legend(
                    format="%",
                    orient="bottom",
                    direction="horizontal",
                    gradientLength=340,
                    labelOverlap="greedy",
                    titleOrient="left",
                    titleAnchor="middle",
                ),
            ),
            alt.value(INCOMPLETE),
        )
    )
    dark = f"datum.complete && datum.retention > {top * 0.6}"
    text = base.mark_text(fontSize=15).encode(
        text="shown:N",
        color=alt.condition(dark, alt.value("white"), alt.value("#222222")),
    )
    avg_text = (
        base.transform_filter("datum.is_average")
        .mark_text(fontSize=15, fontWeight="bold")
        .encode(text="shown:N", color=alt.condition(dark, alt.value("white"), alt.value("black")))
    )
    cols = long["period"].n_unique() if long.height else 1
    return (rect + text.transform_filter("!datum.is_average") + avg_text).properties(
        title=alt.Title(title, subtitle=subtitle, subtitleFontSize=15),
        height=alt.Step(38),  # a fixed height per row: one cohort is as readable as twenty
        width=max(300, min(70 * cols, 1100)),
    )


def curves(
    frame: pl.DataFrame,
    *,
    grain: str,
    title: str,
    colour: alt.Scale | None = None,
    series_title: str = "Cohort",
    y: str = "retention",
    y_title: str = "Users retained",
    y_format: str = "%",
    series: str = "series",
    users: str = "users",
    average: pl.DataFrame | None = None,
) -> alt.Chart | alt.LayerChart:
    """One line per series over periods since the start (kpi.retention.retention_curve or
    kpi.value.observed_clv renamed). Periods still in progress are left out (they would read
    as drops); the heatmap shows them greyed."""
    unit = _unit_word(grain)
    scale = colour or alt.Scale(scheme="viridis")
    # periods still in progress would look like drops at the end of every line: leave them out
    if "complete" in frame.columns:
        frame = frame.filter(pl.col("complete").fill_null(True))
    periods = frame["period"].max() if frame.height else None
    last = max(1, int(periods)) if periods is not None else 1  # type: ignore[arg-type]
    line = (
        alt.Chart(frame)
        .mark_line(point=alt.OverlayMarkDef(size=60), strokeWidth=2.5)
        .encode(
            x=alt.X(
                "period:Q",
                title=f"{unit}s since the cohort's start",
                axis=alt.Axis(tickMinStep=1, format="d"),  # whole periods, even with one period
                scale=alt.Scale(domain=[0, last], nice=False),
            ),
            y=alt.Y(
                f"{y}:Q",
                title=charts.lines(y_title),
                axis=alt.Axis(format=y_format) if y_format else alt.Axis(),
            ),
            color=alt.Color(
                f"{series}:N",
                title=series_title,
                scale=scale,
                # below the chart in columns: 13 monthly cohorts do not fit a side legend
                legend=alt.Legend(orient="bottom", columns=6, symbolLimit=0, labelLimit=200),
            ),
            tooltip=[
                alt.Tooltip(f"{series}:N", title=series_title),
                alt.Tooltip("period:Q", title=f"{unit}s after"),
                alt.Tooltip(f"{y}:Q", title=y_title, format=".1%" if y_format == "%" else ",.2f"),
                alt.Tooltip(f"{users}:Q", title="Users", format=","),
                alt.Tooltip("complete:N", title="Period complete"),
            ],
        )
    )
    if average is None or average.height == 0:
        return line.properties(
            title=alt.Title(
                title,
                subtitle="Complete periods only (the one in progress is left out).",
                subtitleFontSize=15,
            ),
            height=380,
        )
    avg = (
        alt.Chart(average)
        .mark_line(color="black", strokeWidth=4, strokeDash=[8, 4])
        .encode(
            x="period:Q",
            y=f"{y}:Q",
            tooltip=[
                alt.Tooltip("period:Q", title=f"{unit}s after"),
                alt.Tooltip(f"{y}:Q", title="Weighted average", format=".1%"),
            ],
        )
    )
    return alt.layer(line, avg).properties(
        title=alt.Title(
            title,
            subtitle="Black dashed line: weighted average over cohorts. Complete periods only.",
            subtitleFontSize=15,
        ),
        height=380,
    )


def period_trend(
    frame: pl.DataFrame, *, n: int, grain: str, average: float | None
) -> alt.LayerChart:
    """Period-N retention of each cohort (bars; light = period in progress) + the average."""
    unit = _unit_word(grain)
    bars = (
        alt.Chart(frame)
        .mark_bar(color=charts.PRIMARY)
        .encode(
            x=alt.X(
                "cohort:N",
                title="Cohort",
                sort=alt.SortField("cohort_start"),
                axis=alt.Axis(labelAngle=-45 if frame.height > 14 else 0),
            ),
            y=alt.Y(
                "retention:Q", title=f"Retained in {unit.lower()} {n}", axis=alt.Axis(format="%")
            ),
            opacity=alt.condition("datum.complete", alt.value(1.0), alt.value(0.35)),
            tooltip=[
                alt.Tooltip("cohort:N", title="Cohort"),
                alt.Tooltip("cohort_size:Q", title="Users in cohort", format=","),
                alt.Tooltip("retained:Q", title="Retained", format=","),
                alt.Tooltip("retention:Q", title="Retention", format=".1%"),
                alt.Tooltip("complete:N", title="Period complete"),
            ],
        )
    )
    layers = [bars]
    if average is not None:
        rule = (
            alt.Chart(pl.DataFrame({"avg": [average]}))
            .mark_rule(color="black", strokeDash=[6, 4], strokeWidth=2)
            .encode(
                y="avg:Q", tooltip=[alt.Tooltip("avg:Q", title="Weighted average", format=".1%")]
            )
        )
        layers.append(rule)
    return alt.layer(*layers).properties(
        title=alt.Title(
            f"{unit} {n} retention of each cohort",
            subtitle="Dashed line: weighted average over complete cohorts. Pale bars: still in progress.",
            subtitleFontSize=15,
        ),
        height=340,
    )


def clv_cac_bars(
    frame: pl.DataFrame, *, channel: str = "channel", guide: float = 3.0
) -> alt.LayerChart:
    """CLV ÷ CAC per paid channel, green at or above the guide, red below, guide line at 3."""
    data = frame.filter(pl.col("clv_cac").is_not_null())
    bars = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            y=alt.Y(f"{channel}:N", title="Channel", sort="-x"),
            x=alt.X("clv_cac:Q", title="CLV ÷ CAC (how many times a customer repays their cost)"),
            color=alt.condition(
                f"datum.clv_cac >= {guide}", alt.value(charts.GOOD), alt.value(charts.BAD)
            ),
            tooltip=[
                alt.Tooltip(f"{channel}:N", title="Channel"),
                alt.Tooltip("clv:Q", title="CLV", format=",.2f"),
                alt.Tooltip("cac:Q", title="CAC", format=",.2f"),
                alt.Tooltip("clv_cac:Q", title="CLV / CAC", format=".1f"),
            ],
        )
    )
    labels = bars.mark_text(align="left", dx=6, fontSize=16, color="black").encode(
        text=alt.Text("clv_cac:Q", format=".1f"), color=alt.value("black")
    )
    rule = (
        alt.Chart(pl.DataFrame({"guide": [guide]}))
        .mark_rule(color="black", strokeDash=[6, 4], strokeWidth=2)
        .encode(x="guide:Q")
    )
    note = (
        alt.Chart(pl.DataFrame({"guide": [guide], "t": [f"{guide:g} : 1 guide"]}))
        .mark_text(align="left", dx=4, dy=-8, fontSize=15, baseline="bottom", y=0)
        .encode(x="guide:Q", text="t:N")
    )
    return alt.layer(bars, labels, rule, note).properties(
        title=alt.Title(
            "CLV / CAC per paid channel",
            subtitle=f"Green: at least {guide:g} : 1 (the usual guide). Red: below it.",
            subtitleFontSize=15,
        ),
        height=130 + 52 * data.height,  # autosize fit: titles and axes included
    )


def nps_shares(
    frame: pl.DataFrame, *, row: str, row_title: str, colour_rows: bool = False
) -> alt.Chart:
    """Stacked 100 % bar of promoters / passives / detractors per row (overall or segment)."""
    long = frame.select(
        pl.col(row).cast(pl.String),
        "n",
        pl.col("promoter_share").alias("Promoters (9–10)"),
        pl.col("passive_share").alias("Passives (7–8)"),
        pl.col("detractor_share").alias("Detractors (0–6)"),
    ).unpivot(index=[row, "n"], variable_name="group", value_name="share")
    order = ["Promoters (9–10)", "Passives (7–8)", "Detractors (0–6)"]
    long = long.with_columns(pl.col("group").replace_strict(order, [0, 1, 2]).alias("order"))
    base = alt.Chart(long).encode(
        y=alt.Y(f"{row}:N", title=row_title),
        x=alt.X("share:Q", title="Share of answers", stack="normalize", axis=alt.Axis(format="%")),
        order=alt.Order("order:Q"),
        tooltip=[
            alt.Tooltip(f"{row}:N", title=row_title),
            alt.Tooltip("group:N", title="Group"),
            alt.Tooltip("share:Q", title="Share", format=".1%"),
            alt.Tooltip("n:Q", title="Answers", format=","),
        ],
    )
    bars = base.mark_bar().encode(
        color=alt.Color(
            "group:N",
            title=None,
            scale=alt.Scale(domain=order, range=[PROMOTER, PASSIVE, DETRACTOR]),
            legend=alt.Legend(orient="bottom"),
        )
    )
    text = base.mark_text(fontSize=15, color="white", dx=0).encode(
        text=alt.Text("share:Q", format=".0%"),
        x=alt.X("share:Q", stack="normalize", bandPosition=0.5),
    )
    return (bars + text.transform_filter("datum.share >= 0.06")).properties(
        height=110 + 46 * frame.height
    )


def nps_over_time(frame: pl.DataFrame) -> alt.LayerChart:
    """NPS per period (points −100..100) with its 95 % confidence band."""
    data = frame.with_columns((pl.col(c) * 100).alias(c) for c in ("nps", "ci_low", "ci_high"))
    base = alt.Chart(data).encode(
        x=alt.X(
            "period:O",
            title="Period of the answer",
            sort=alt.SortField("period_start"),
            axis=alt.Axis(labelAngle=0 if data.height <= 12 else -45),
        ),
    )
    band = base.mark_area(opacity=0.2, color=charts.PRIMARY).encode(
        y=alt.Y("ci_low:Q", title="NPS (points, −100 to +100)"), y2="ci_high:Q"
    )
    line = base.mark_line(
        point=alt.OverlayMarkDef(size=80), color=charts.PRIMARY, strokeWidth=3
    ).encode(
        y="nps:Q",
        tooltip=[
            alt.Tooltip("period:N", title="Period"),
            alt.Tooltip("nps:Q", title="NPS", format="+.1f"),
            alt.Tooltip("ci_low:Q", title="95 % CI low", format="+.1f"),
            alt.Tooltip("ci_high:Q", title="95 % CI high", format="+.1f"),
            alt.Tooltip("n:Q", title="Answers", format=","),
        ],
    )
    return (band + line).properties(
        title=alt.Title(
            "NPS over time",
            subtitle="Band: 95 % confidence interval (wide = few answers).",
            subtitleFontSize=15,
        ),
        height=340,
    )


def nps_by_segment(
    frame: pl.DataFrame, *, by: str, colour: alt.Scale, overall: float | None
) -> alt.LayerChart:
    """NPS per segment value with its 95 % CI (error bar) and the overall NPS as a rule."""
    data = frame.with_columns((pl.col(c) * 100).alias(c) for c in ("nps", "ci_low", "ci_high"))
    base = alt.Chart(data).encode(
        y=alt.Y(f"{by}:N", title=by.replace("_", " ").capitalize(), sort="-x")
    )
    err = base.mark_rule(strokeWidth=3).encode(
        x=alt.X("ci_low:Q", title="NPS (points, −100 to +100)"),
        x2="ci_high:Q",
        color=alt.Color(f"{by}:N", scale=colour, legend=None),
    )
    pts = base.mark_point(filled=True, size=220).encode(
        x="nps:Q",
        color=alt.Color(f"{by}:N", scale=colour, legend=None),
        tooltip=[
            alt.Tooltip(f"{by}:N"),
            alt.Tooltip("nps:Q", title="NPS", format="+.1f"),
            alt.Tooltip("ci_low:Q", title="95 % CI low", format="+.1f"),
            alt.Tooltip("ci_high:Q", title="95 % CI high", format="+.1f"),
            alt.Tooltip("n:Q", title="Answers", format=","),
        ],
    )
    labels = base.mark_text(dy=-16, fontSize=15).encode(
        x="nps:Q", text=alt.Text("nps:Q", format="+.1f")
    )
    layers = [err, pts, labels]
    if overall is not None:
        layers.append(
            alt.Chart(pl.DataFrame({"o": [overall * 100]}))
            .mark_rule(color="black", strokeDash=[6, 4])
            .encode(x="o:Q")
        )
    return alt.layer(*layers).properties(
        title=alt.Title(
            f"NPS by {by.replace('_', ' ')}",
            subtitle="Lines: 95 % confidence intervals. Dashed: overall NPS.",
            subtitleFontSize=15,
        ),
        height=130 + 56 * data.height,
    )
