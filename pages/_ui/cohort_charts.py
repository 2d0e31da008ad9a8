"""Altair charts of the Retention, Value and Advocacy pages (data aggregated in kpi first).

Every chart takes a small frame computed by kpi (tens to hundreds of rows) and only adds
labels; charts are drawn with :func:`pages._ui.charts.show` (projector-sized fonts). Words come
from the catalogue in the reader's language (:func:`pages._ui.lang.tx`); the figures written in
cells and tooltips are formatted by :mod:`kpi.words.format` (the app's one precision rule) and
axes follow the reader's locale (Vega's number locale).
"""

from __future__ import annotations

from collections.abc import Callable

import altair as alt
import polars as pl
from babel.numbers import format_percent

from kpi.words import Lang, render
from kpi.words import format as fmt
from pages._ui import charts, event_marks, target_marks
from pages._ui.kpi_figures import segment_words
from pages._ui.lang import current, tx

INCOMPLETE = "#D9D9D9"
PROMOTER, PASSIVE, DETRACTOR = "#1E8449", "#B0B0B0", "#C0392B"

#: d3-format number locales (axis ticks and legends): French writes 1 234,5 and 12 %
_LOCALES = {
    "fr": {
        "decimal": ",",
        "thousands": "\u202f",
        "grouping": [3],
        "currency": ["", "\u00a0€"],
        "percent": "\u202f%",
        "minus": "\u2212",
    },
    "en": {"decimal": ".", "thousands": ",", "grouping": [3], "currency": ["$", ""]},
}


def localised(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    """The chart with the reader's number locale (axis ticks and legend labels)."""
    return chart.configure(locale={"number": _LOCALES.get(current(), _LOCALES["en"])})


def _text(frame: pl.DataFrame, column: str, write: Callable[[float], str], alias: str) -> pl.Expr:
    """A column of figures written for people (kpi.words.format), for labels and tooltips.

    ``write`` must not read the page's state (polars may call it from worker threads): the
    writers below take the language as an argument, fixed when the chart is built."""
    del frame
    return pl.col(column).map_elements(write, return_dtype=pl.String, skip_nulls=False).alias(alias)


def _writers(lang: Lang) -> tuple[Callable[[float | None], str], ...]:
    """Percent, integer, 2-decimal, 1-decimal and signed 1-decimal writers for ``lang``."""

    def pct(x: float | None) -> str:
        return fmt.percent(x, lang)

    def integer(x: float | None) -> str:
        return fmt.integer(x, lang)

    def num(x: float | None) -> str:
        return fmt.number(x, lang, 2)

    def num1(x: float | None) -> str:
        return fmt.number(x, lang, 1)

    def signed1(x: float | None) -> str:
        if x is None:
            return fmt.MISSING
        return ("+" if x >= 0 else "\u2212") + fmt.number(abs(x), lang, 1)

    return pct, integer, num, num1, signed1


#: the columns of :func:`pages._ui.event_marks.cells` joined onto a cohort chart's data
_EV_COLUMNS = ("ev_label", "ev_kind", "ev_when", "ev_colour")


def _event_tooltip() -> list[alt.Tooltip]:
    return [
        alt.Tooltip("ev_when:N", title=tx("calendar.chart.cell_days")),
        alt.Tooltip("ev_label:N", title=tx("calendar.chart.events")),
        alt.Tooltip("ev_kind:N", title=tx("calendar.chart.kind")),
    ]


def _whole_pct(lang: Lang) -> Callable[[float | None], str]:
    """A rate in whole percents (fr ``37 %``, en ``37%``; ``< 1 %`` under one percent)."""
    loc = fmt.locale(lang)
    pattern = loc.percent_formats[None].pattern

    def whole(x: float | None) -> str:
        if x is None or x != x:
            return fmt.MISSING
        if 0 < x < 0.005:
            return "< " + format_percent(0.01, pattern, locale=loc)
        return format_percent(x, pattern, locale=loc)

    return whole


def _with(subtitle: str, more: list[str]) -> str | list[str]:
    """A subtitle with more lines (the same string without)."""
    return [subtitle, *more] if more else subtitle


def _period_word(grain: str) -> str:
    return grain if grain in ("month", "week", "day") else "month"


def retention_heatmap(
    long: pl.DataFrame,
    *,
    grain: str,
    title: str,
    subtitle: str | list[str],
    label: str = "cohort",
) -> alt.TopLevelMixin:
    """Cohort × period heatmap with % labels; grey = period in progress; average row in bold.

    ``long``: :func:`kpi.retention.cohort_long` (or the same columns with ``label`` as the
    row name, already in the reader's words); rows sorted by ``row``.
    """
    g = _period_word(grain)
    lang = current()
    _pct, _int, *_ = _writers(lang)
    later = long.filter(pl.col("period") > 0)["retention"]
    top = float(later.max()) if later.len() and later.max() else 1.0  # type: ignore[arg-type]
    top = min(1.0, max(top, 0.05))
    in_progress = tx("retention.chart.in_progress")
    complete = tx("retention.chart.complete")
    cols = long["period"].n_unique() if long.height else 1
    # a year of months does not leave "36,6 %" room in a cell on a 1280 projector: whole
    # percents in the cells from 9 periods on, the exact figure in the tooltip
    cell_pct = _whole_pct(lang) if cols > 8 else _pct
    data = long.with_columns(
        pl.struct(label, "cohort_size")
        .map_elements(
            lambda r: render(
                "retention.chart.row_label", lang, cohort=r[label], users=r["cohort_size"]
            ),
            return_dtype=pl.String,
        )
        .alias("row_label"),
        pl.col("period")
        .map_elements(
            lambda n: render(f"retention.page.period_short.{g}", lang, n=n),
            return_dtype=pl.String,
        )
        .alias("cell"),
        pl.struct("retention", "complete")
        .map_elements(
            lambda r: _pct(r["retention"]) + ("" if r["complete"] else "*"),
            return_dtype=pl.String,
        )
        .alias("shown"),
        pl.struct("retention", "complete")
        .map_elements(
            lambda r: cell_pct(r["retention"]) + ("" if r["complete"] else "*"),
            return_dtype=pl.String,
        )
        .alias("in_cell"),
        pl.when(pl.col("complete"))
        .then(pl.lit(complete))
        .otherwise(pl.lit(in_progress))
        .alias("status"),
        _text(long, "cohort_size", _int, "size_text"),
        _text(long, "retained", _int, "retained_text"),
    )
    # cells whose calendar days overlap events of the calendar: outlined, named in the tooltip
    marks = event_marks.cells(data.filter(~pl.col("is_average")), grain)
    if marks.height:
        data = data.join(
            marks.select(label, "period", *_EV_COLUMNS), on=[label, "period"], how="left"
        )
        lines = [subtitle] if isinstance(subtitle, str) else list(subtitle)
        colours = event_marks.colours_fact(marks)
        subtitle = [
            *lines,
            tx("calendar.chart.cells_outlined"),
            tx("calendar.chart.colours", colours=colours),
        ]
    cell_tooltip = [
        alt.Tooltip(f"{label}:N", title=tx("retention.page.col.cohort")),
        alt.Tooltip("size_text:N", title=tx("retention.chart.users_in_cohort")),
        alt.Tooltip("period:Q", title=tx(f"retention.chart.periods_after.{g}")),
        alt.Tooltip("retained_text:N", title=tx("retention.chart.users_retained")),
        alt.Tooltip("shown:N", title=tx("retention.chart.retention")),
        alt.Tooltip("status:N", title=tx("retention.chart.period")),
    ]
    base = alt.Chart(data).encode(
        x=alt.X(
            "cell:N",
            title=tx(f"retention.chart.periods_since.{g}"),
            sort=alt.SortField("period"),
            axis=alt.Axis(labelAngle=0, orient="top"),
        ),
        y=alt.Y(
            "row_label:N", title=None, sort=alt.SortField("row"), axis=alt.Axis(labelLimit=300)
        ),
        tooltip=cell_tooltip,
    )
    rect = base.mark_rect(stroke="white", strokeWidth=1.5).encode(
        color=alt.condition(
            "datum.complete",
            alt.Color(
                "retention:Q",
                title=tx("retention.chart.retention"),
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
    size = 15 if cols <= 10 else 13
    text = base.mark_text(fontSize=size).encode(
        text="in_cell:N",
        color=alt.condition(dark, alt.value("white"), alt.value("#222222")),
    )
    avg_text = (
        base.transform_filter("datum.is_average")
        .mark_text(fontSize=size, fontWeight="bold")
        .encode(text="in_cell:N", color=alt.condition(dark, alt.value("white"), alt.value("black")))
    )
    layers = [rect, text.transform_filter("!datum.is_average"), avg_text]
    if marks.height:  # on top: the whole cell answers the pointer with its events
        layers.append(
            base.transform_filter("isValid(datum.ev_label)")
            .mark_rect(fill="transparent", strokeWidth=3.5)
            .encode(
                stroke=alt.Stroke("ev_colour:N", scale=None),
                tooltip=[*cell_tooltip, *_event_tooltip()],
            )
        )
    chart = alt.layer(*layers).properties(
        title=alt.Title(title, subtitle=subtitle, subtitleFontSize=15),
        height=alt.Step(38),  # a fixed height per row: one cohort is as readable as twenty
        width=max(300, min(70 * cols, 1100)),
    )
    return localised(chart)


def curves(
    frame: pl.DataFrame,
    *,
    grain: str,
    title: str,
    colour: alt.Scale | None = None,
    series_title: str | None = None,
    y: str = "retention",
    y_title: str | None = None,
    y_format: str = "%",
    series: str = "series",
    users: str = "users",
    average: pl.DataFrame | None = None,
    money: Callable[[float | None], str] | None = None,
) -> alt.TopLevelMixin:
    """One line per series over periods since the start (kpi.retention.retention_curve or
    kpi.value.observed_clv renamed). Periods still in progress are left out (they would read
    as drops); the heatmap shows them greyed. ``money`` writes the y values of a money curve
    (observed CLV) for the tooltips; rates are written as percentages."""
    g = _period_word(grain)
    _pct, _int, _num, *_ = _writers(current())
    series_title = series_title or tx("retention.page.col.cohort")
    y_title = y_title or tx("retention.page.col.users_retained")
    scale = colour or alt.Scale(scheme="viridis")
    write_y = money or (_pct if y_format == "%" else _num)
    # periods still in progress would look like drops at the end of every line: leave them out
    if "complete" in frame.columns:
        frame = frame.filter(pl.col("complete").fill_null(True))
    periods = frame["period"].max() if frame.height else None
    last = max(1, int(periods)) if periods is not None else 1  # type: ignore[arg-type]
    frame = frame.with_columns(
        _text(frame, y, write_y, "y_text"),
        _text(frame, users, _int, "users_text"),
    )
    # points whose calendar days overlap events (a frame with the cohorts' ``cohort_start``)
    marks = event_marks.cells(frame, grain)
    if marks.height:
        frame = frame.join(
            marks.select(series, "period", *_EV_COLUMNS), on=[series, "period"], how="left"
        )
    after = tx(f"retention.chart.periods_after.{g}")
    point_tooltip = [
        alt.Tooltip(f"{series}:N", title=series_title),
        alt.Tooltip("period:Q", title=after),
        alt.Tooltip("y_text:N", title=y_title),
        alt.Tooltip("users_text:N", title=tx("retention.page.col.users")),
    ]
    line = (
        alt.Chart(frame)
        .mark_line(point=alt.OverlayMarkDef(size=60), strokeWidth=2.5)
        .encode(
            x=alt.X(
                "period:Q",
                title=tx(f"retention.chart.periods_since_start.{g}"),
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
                # the frame's order (cohorts oldest first), not the alphabet of month names
                sort=list(dict.fromkeys(frame[series].to_list())),
                # below the chart in columns: 13 monthly cohorts do not fit a side legend
                legend=alt.Legend(orient="bottom", columns=6, symbolLimit=0, labelLimit=200),
            ),
            tooltip=point_tooltip,
        )
    )
    front: list[alt.Chart] = []
    events_line: list[str] = []
    if marks.height:
        front.append(
            alt.Chart(frame)
            .transform_filter("isValid(datum.ev_label)")
            .mark_point(shape="diamond", size=300, filled=False, strokeWidth=2.5, opacity=1)
            .encode(
                x="period:Q",
                y=f"{y}:Q",
                stroke=alt.Stroke("ev_colour:N", scale=None),
                tooltip=[*point_tooltip, *_event_tooltip()],
            )
        )
        events_line = [
            tx("calendar.chart.points_marked"),
            tx("calendar.chart.colours", colours=event_marks.colours_fact(marks)),
        ]
    if average is None or average.height == 0:
        chart = alt.layer(line, *front).properties(
            title=alt.Title(
                title,
                subtitle=_with(tx("retention.chart.complete_only"), events_line),
                subtitleFontSize=15,
            ),
            height=380 + 38 * len(events_line),  # the legend lines take from the plot
        )
        return localised(chart)
    average = average.filter(pl.col("complete").fill_null(True)) if "complete" in average.columns else average  # fmt: skip
    average = average.with_columns(_text(average, y, write_y, "y_text"))
    avg = (
        alt.Chart(average)
        .mark_line(color="black", strokeWidth=4, strokeDash=[8, 4])
        .encode(
            x="period:Q",
            y=f"{y}:Q",
            tooltip=[
                alt.Tooltip("period:Q", title=after),
                alt.Tooltip("y_text:N", title=tx("retention.chart.weighted_average")),
            ],
        )
    )
    chart = alt.layer(line, avg, *front).properties(
        title=alt.Title(
            title,
            subtitle=_with(tx("retention.chart.dashed_average"), events_line),
            subtitleFontSize=15,
        ),
        height=380 + 38 * len(events_line),  # the legend lines take from the plot
    )
    return localised(chart)


@event_marks.marked("cohort", start="cohort_start")
def period_trend(
    frame: pl.DataFrame, *, n: int, grain: str, average: float | None
) -> alt.TopLevelMixin:
    """Period-N retention of each cohort (bars; light = period in progress) + the average."""
    g = _period_word(grain)
    _pct, _int, *_ = _writers(current())
    yes, no = tx("common.yes"), tx("common.no")
    data = frame.with_columns(
        _text(frame, "retention", _pct, "rate_text"),
        _text(frame, "cohort_size", _int, "size_text"),
        _text(frame, "retained", _int, "retained_text"),
        pl.when(pl.col("complete")).then(pl.lit(yes)).otherwise(pl.lit(no)).alias("complete_text"),
    )
    bars = (
        alt.Chart(data)
        .mark_bar(color=charts.PRIMARY)
        .encode(
            x=alt.X(
                "cohort:N",
                title=tx("retention.page.col.cohort"),
                sort=alt.SortField("cohort_start"),
                axis=alt.Axis(labelAngle=-45 if frame.height > 14 else 0),
            ),
            y=alt.Y(
                "retention:Q",
                title=tx(f"retention.chart.retained_in.{g}", n=n),
                axis=alt.Axis(format="%"),
            ),
            opacity=alt.condition("datum.complete", alt.value(1.0), alt.value(0.35)),
            tooltip=[
                alt.Tooltip("cohort:N", title=tx("retention.page.col.cohort")),
                alt.Tooltip("size_text:N", title=tx("retention.chart.users_in_cohort")),
                alt.Tooltip("retained_text:N", title=tx("retention.chart.users_retained")),
                alt.Tooltip("rate_text:N", title=tx("retention.chart.retention")),
                alt.Tooltip("complete_text:N", title=tx("retention.chart.period_complete")),
            ],
        )
    )
    layers = [bars]
    if average is not None:
        rule = (
            alt.Chart(pl.DataFrame({"avg": [average], "avg_text": [_pct(average)]}))
            .mark_rule(color="black", strokeDash=[6, 4], strokeWidth=2)
            .encode(
                y="avg:Q",
                tooltip=[alt.Tooltip("avg_text:N", title=tx("retention.chart.weighted_average"))],
            )
        )
        layers.append(rule)
    chart = alt.layer(*layers).properties(
        title=alt.Title(
            tx(f"retention.chart.trend_title.{g}", n=n),
            subtitle=tx("retention.chart.trend_subtitle"),
            subtitleFontSize=15,
        ),
        height=340,
    )
    return localised(chart)


def clv_cac_bars(
    frame: pl.DataFrame,
    *,
    channel: str = "channel",
    guide: float = 3.0,
    money: Callable[[float | None], str] | None = None,
    target: float | None = None,
) -> alt.TopLevelMixin:
    """CLV ÷ CAC per paid channel, green at or above the guide (3:1), red below, with the
    generic e-commerce benchmark's rule at 3:1 and, when ``target`` is given, the user's
    CLV/CAC target (:mod:`pages._ui.target_marks`)."""
    _, _, _num, _num1, _ = _writers(current())
    write = money or _num
    data = frame.filter(pl.col("clv_cac").is_not_null())
    data = data.with_columns(
        _text(data, "clv", write, "clv_text"),
        _text(data, "cac", write, "cac_text"),
        _text(data, "clv_cac", _num1, "ratio_text"),
    )
    channel_word = tx("value.chart.channel")
    bars = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            y=alt.Y(f"{channel}:N", title=channel_word, sort="-x"),
            x=alt.X("clv_cac:Q", title=tx("value.chart.ratio_axis")),
            color=alt.condition(
                f"datum.clv_cac >= {guide}", alt.value(charts.GOOD), alt.value(charts.BAD)
            ),
            tooltip=[
                alt.Tooltip(f"{channel}:N", title=channel_word),
                alt.Tooltip("clv_text:N", title="CLV"),
                alt.Tooltip("cac_text:N", title="CAC"),
                alt.Tooltip("ratio_text:N", title=tx("def.clv_cac.label")),
            ],
        )
    )
    labels = bars.mark_text(align="left", dx=6, fontSize=16, color="black").encode(
        text="ratio_text:N", color=alt.value("black")
    )
    # the 3:1 generic benchmark (a labelled grey rule) and the user's target (a dashed red
    # rule, "Your target"): pages._ui.target_marks, labels above the plot
    marked = target_marks.on(alt.layer(bars, labels), "clv_cac", axis="x", target=target)
    chart = marked.properties(
        title=alt.Title(
            tx("value.chart.clv_cac_title"),
            subtitle=tx("value.chart.clv_cac_subtitle", guide=guide),
            subtitleFontSize=15,
            offset=34,  # room for the rules' labels above the plot
        ),
        height=150 + 52 * data.height,  # autosize fit: titles and axes included
    )
    return localised(chart)


def nps_shares(
    frame: pl.DataFrame, *, row: str, row_title: str, title: str | None = None
) -> alt.TopLevelMixin:
    """Stacked 100 % bar of promoters / passives / detractors per row (overall or segment)."""
    _pct, _int, *_ = _writers(current())
    order = [
        tx("advocacy.chart.promoters"),
        tx("advocacy.chart.passives"),
        tx("advocacy.chart.detractors"),
    ]
    long = frame.select(
        pl.col(row).cast(pl.String),
        "n",
        pl.col("promoter_share").alias(order[0]),
        pl.col("passive_share").alias(order[1]),
        pl.col("detractor_share").alias(order[2]),
    ).unpivot(index=[row, "n"], variable_name="group", value_name="share")
    long = long.with_columns(
        pl.col("group").replace_strict(order, [0, 1, 2]).alias("order"),
        _text(long, "share", _pct, "share_text"),
        _text(long, "n", _int, "n_text"),
    )
    base = alt.Chart(long).encode(
        y=alt.Y(f"{row}:N", title=row_title or None),
        x=alt.X(
            "share:Q",
            title=tx("advocacy.chart.share_of_answers"),
            stack="normalize",
            axis=alt.Axis(format="%"),
        ),
        order=alt.Order("order:Q"),
        tooltip=[
            alt.Tooltip(f"{row}:N", title=row_title or tx("advocacy.chart.answers_of")),
            alt.Tooltip("group:N", title=tx("advocacy.chart.group")),
            alt.Tooltip("share_text:N", title=tx("advocacy.chart.share")),
            alt.Tooltip("n_text:N", title=tx("advocacy.chart.answers")),
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
        text="share_text:N",
        x=alt.X("share:Q", stack="normalize", bandPosition=0.5),
    )
    chart = (bars + text.transform_filter("datum.share >= 0.06")).properties(
        height=110 + 46 * frame.height
    )
    if title:
        chart = chart.properties(title=title)
    return localised(chart)


def _nps_points(frame: pl.DataFrame) -> pl.DataFrame:
    _, _int, _, _, _signed1 = _writers(current())
    data = frame.with_columns((pl.col(c) * 100).alias(c) for c in ("nps", "ci_low", "ci_high"))
    return data.with_columns(
        _text(data, "nps", _signed1, "nps_text"),
        _text(data, "ci_low", _signed1, "low_text"),
        _text(data, "ci_high", _signed1, "high_text"),
        _text(data, "n", _int, "n_text"),
    )


@event_marks.marked("period", start="period_start")
def nps_over_time(frame: pl.DataFrame) -> alt.TopLevelMixin:
    """NPS per period (points −100..100) with its 95 % confidence band."""
    data = _nps_points(frame)
    base = alt.Chart(data).encode(
        x=alt.X(
            "period:O",
            title=tx("advocacy.chart.period_of_answer"),
            sort=alt.SortField("period_start"),
            axis=alt.Axis(labelAngle=0 if data.height <= 12 else -45),
        ),
    )
    band = base.mark_area(opacity=0.2, color=charts.PRIMARY).encode(
        y=alt.Y("ci_low:Q", title=tx("advocacy.chart.nps_axis")), y2="ci_high:Q"
    )
    line = base.mark_line(
        point=alt.OverlayMarkDef(size=80), color=charts.PRIMARY, strokeWidth=3
    ).encode(
        y="nps:Q",
        tooltip=[
            alt.Tooltip("period:N", title=tx("advocacy.chart.period")),
            alt.Tooltip("nps_text:N", title="NPS"),
            alt.Tooltip("low_text:N", title=tx("advocacy.chart.ci_low")),
            alt.Tooltip("high_text:N", title=tx("advocacy.chart.ci_high")),
            alt.Tooltip("n_text:N", title=tx("advocacy.chart.answers")),
        ],
    )
    chart = (band + line).properties(
        title=alt.Title(
            tx("advocacy.chart.over_time_title"),
            subtitle=tx("advocacy.chart.over_time_subtitle"),
            subtitleFontSize=15,
        ),
        height=340,
    )
    return localised(chart)


def nps_by_segment(
    frame: pl.DataFrame, *, by: str, colour: alt.Scale, overall: float | None
) -> alt.TopLevelMixin:
    """NPS per segment value with its 95 % CI (error bar) and the overall NPS as a rule."""
    data = _nps_points(frame)
    name, header = segment_words(by, in_sentence=True), segment_words(by)
    base = alt.Chart(data).encode(y=alt.Y(f"{by}:N", title=header, sort="-x"))
    err = base.mark_rule(strokeWidth=3).encode(
        x=alt.X("ci_low:Q", title=tx("advocacy.chart.nps_axis")),
        x2="ci_high:Q",
        color=alt.Color(f"{by}:N", scale=colour, legend=None),
    )
    pts = base.mark_point(filled=True, size=220).encode(
        x="nps:Q",
        color=alt.Color(f"{by}:N", scale=colour, legend=None),
        tooltip=[
            alt.Tooltip(f"{by}:N", title=header),
            alt.Tooltip("nps_text:N", title="NPS"),
            alt.Tooltip("low_text:N", title=tx("advocacy.chart.ci_low")),
            alt.Tooltip("high_text:N", title=tx("advocacy.chart.ci_high")),
            alt.Tooltip("n_text:N", title=tx("advocacy.chart.answers")),
        ],
    )
    labels = base.mark_text(dy=-16, fontSize=15).encode(x="nps:Q", text="nps_text:N")
    layers = [err, pts, labels]
    if overall is not None:
        layers.append(
            alt.Chart(pl.DataFrame({"o": [overall * 100]}))
            .mark_rule(color="black", strokeDash=[6, 4])
            .encode(x="o:Q")
        )
    chart = alt.layer(*layers).properties(
        title=alt.Title(
            tx("advocacy.chart.by_segment_title", segment=name),
            subtitle=tx("advocacy.chart.by_segment_subtitle"),
            subtitleFontSize=15,
        ),
        height=130 + 56 * data.height,
    )
    return localised(chart)


def value_histogram(
    frame: pl.DataFrame,
    *,
    money: Callable[[float | None], str] | None = None,
    top: float | None = None,
) -> alt.TopLevelMixin:
    """Customers per bucket of revenue per customer (:func:`kpi.engine.view_value.value_histogram`:
    ``low``, ``high``, ``customers``, ``open``): one bar per bucket, its range in the tooltip;
    an open last bucket (a long tail) is drawn one bucket wide, its tooltip going up to ``top``."""
    _pct, _int, _num, *_ = _writers(current())
    write = money or _num
    total = int(frame["customers"].sum()) if frame.height else 0
    if "open" not in frame.columns:
        frame = frame.with_columns(pl.lit(False).alias("open"))
    largest = f"{write(top)} {tx('value.chart.largest')}" if top is not None else None
    data = frame.with_columns(
        _text(frame, "low", write, "low_text"),
        pl.when(pl.col("open") & pl.lit(largest is not None))
        .then(pl.lit(largest))
        .otherwise(_text(frame, "high", write, "high_text"))
        .alias("high_text"),
        _text(frame, "customers", _int, "n_text"),
        (pl.col("customers") / max(total, 1)).alias("share"),
    )
    data = data.with_columns(_text(data, "share", _pct, "share_text"))
    customers = tx("value.chart.customers")
    chart = (
        alt.Chart(data)
        .mark_bar(color=charts.PRIMARY, stroke="white", strokeWidth=1)
        .encode(
            x=alt.X("low:Q", title=tx("value.chart.revenue_per_customer"), bin="binned"),
            x2="high:Q",
            y=alt.Y("customers:Q", title=customers),
            tooltip=[
                alt.Tooltip("low_text:N", title=tx("value.chart.from")),
                alt.Tooltip("high_text:N", title=tx("value.chart.to")),
                alt.Tooltip("n_text:N", title=customers),
                alt.Tooltip("share_text:N", title=tx("value.chart.share_of_customers")),
            ],
        )
        .properties(
            title=alt.Title(
                tx("value.chart.distribution_title"),
                subtitle=tx("value.chart.distribution_subtitle"),
                subtitleFontSize=15,
            ),
            height=320,
        )
    )
    return localised(chart)
