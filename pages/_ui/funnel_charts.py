"""Funnel and stage charts (altair), the display tables of the Funnel and Stage KPIs pages, the
red-flag badges and the thresholds editor.

Every function takes a small, already aggregated kpi result (one row per step, segment or
period) and only reshapes it for drawing: no statistics here. Every word (titles, axes, legends,
tooltips, headers) comes from the catalogue in the view's language; figures shown as text are
written by :mod:`kpi.words.format` (tooltips carry pre-formatted text columns, so French reads
``12,5 %``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import altair as alt
import polars as pl
import streamlit as st

from kpi import alerts
from kpi.errors import ParcoursError
from kpi.words import format as wf
from kpi.words.render import duration
from pages._ui import charts, event_marks
from pages._ui.lang import current, t, tx

LOST_COLOUR = "#F2B8B5"
DROP_MARK = "▼"
#: what a funnel counts: users (events), the count (aggregated exports), contacts (CRM stages)
UNITS = ("users", "count", "contacts")


def _unit(unit: str) -> str:
    """A unit code of :data:`UNITS` (also accepts the old words "Users", "Count", "Contacts")."""
    u = str(unit).lower()
    return u if u in UNITS else "users"


def _step_sort(steps: Sequence[str]) -> list[str]:
    return list(dict.fromkeys(str(s) for s in steps))


def _pct_text(values: Sequence[float | None]) -> list[str]:
    lang = current()
    return [wf.percent(v, lang) for v in values]


def _int_text(values: Sequence[float | None]) -> list[str]:
    lang = current()
    return [wf.integer(v, lang) for v in values]


def in_words(frame: pl.DataFrame, formats: dict[str, str]) -> Any:
    """A table for st.dataframe that keeps its numbers (sorting, tests, downloads) and shows
    them as the view's language writes them: ``formats`` maps a column to ``integer``,
    ``percent``, ``signed_percent`` or ``p_value`` (:mod:`kpi.words.format`). Streamlit's own
    number formats print English decimals whatever the view's language (``74.18%``)."""
    lang = current()
    shown = {c: f for c, f in formats.items() if c in frame.columns}

    def word(kind: str):
        writer = getattr(wf, kind)
        return lambda v: wf.MISSING if v is None or v != v else writer(v, lang)

    return frame.to_pandas().style.format({c: word(f) for c, f in shown.items()})


def funnel_bars(table: pl.DataFrame, unit: str = "users") -> alt.LayerChart:
    """Users reaching each step (solid) with the users lost since the previous step stacked on
    top (light red), so each bar's full height is the previous step's users. Labels: conversion
    from the start, just above the solid bar they belong to. ``unit`` says what is counted
    (``users``, ``count`` for aggregated exports of sessions or rows, ``contacts``)."""
    u = _unit(unit)
    reached, lost = tx("funnel.chart.reached"), tx("funnel.chart.lost")
    steps = _step_sort(table["step"].to_list())
    base = table.select(
        "step",
        "users",
        "conversion",
        pl.col("drop_off").fill_null(0).clip(lower_bound=0).alias("lost"),
        pl.col("drop_off_rate"),
        pl.col("step_conversion"),
    ).with_columns(
        pl.Series("conversion_text", _pct_text(table["conversion"].to_list()), pl.String),
        pl.Series("step_text", _pct_text(table["step_conversion"].to_list()), pl.String),
        pl.Series("drop_text", _pct_text(table["drop_off_rate"].to_list()), pl.String),
    )
    texts = ["conversion_text", "step_text", "drop_text"]
    long = pl.concat(
        [
            base.select(
                "step",
                pl.lit(reached).alias("part"),
                pl.col("users").alias("count"),
                pl.Series("count_text", _int_text(base["users"].to_list()), pl.String),
                *texts,
            ),
            base.select(
                "step",
                pl.lit(lost).alias("part"),
                pl.col("lost").alias("count"),
                pl.Series("count_text", _int_text(base["lost"].to_list()), pl.String),
                *texts,
            ),
        ]
    ).with_columns(order=pl.when(pl.col("part") == reached).then(0).otherwise(1))
    tooltip = [
        alt.Tooltip("step:N", title=tx("funnel.chart.step")),
        alt.Tooltip("part:N", title=tx("funnel.chart.part")),
        alt.Tooltip("count_text:N", title=tx(f"funnel.unit_name.{u}")),
        alt.Tooltip("conversion_text:N", title=tx("funnel.chart.from_start")),
        alt.Tooltip("step_text:N", title=tx("funnel.chart.from_previous")),
        alt.Tooltip("drop_text:N", title=tx("funnel.chart.drop_rate")),
    ]
    bars = (
        alt.Chart(long)
        .mark_bar()
        .encode(
            x=alt.X("step:N", sort=steps, title=None, axis=alt.Axis(labelAngle=0)),
            y=alt.Y("count:Q", title=tx(f"funnel.unit_name.{u}"), stack="zero"),
            color=alt.Color(
                "part:N",
                scale=alt.Scale(domain=[reached, lost], range=[charts.PRIMARY, LOST_COLOUR]),
                legend=alt.Legend(title=None, orient="top", labelLimit=400),
            ),
            order=alt.Order("order:Q"),
            tooltip=tooltip,
        )
    )
    # the label sits just above the solid (reached) bar, over the light "lost" part
    labels = (
        alt.Chart(base)
        .mark_text(
            dy=-6, fontSize=charts.FONT_SIZE, fontWeight="bold", color="#1F1F1F", baseline="bottom"
        )
        .encode(
            x=alt.X("step:N", sort=steps),
            y=alt.Y("users:Q", stack=None),
            text="conversion_text:N",
            tooltip=[tooltip[0], *tooltip[3:]],
        )
    )
    return (bars + labels).properties(height=380, title=tx(f"funnel.chart.bars_title.{u}"))


def flag_column(by_frame: pl.DataFrame, segment: str, changes: pl.DataFrame | None) -> pl.Series:
    """Per row of a by-segment funnel: "▼ fell -20.68 pp vs previous period (p = 9e-06,
    Holm)" where the segment's step conversion fell significantly vs the previous period
    (alerts.step_changes), else ""."""
    marks: dict[tuple[str, int], str] = {}
    if changes is not None and changes.height:
        j = pl.int_range(pl.len(), dtype=pl.Int32).over(segment) + 1
        numbered = changes.with_columns(_j=j)
        for row in numbered.filter(pl.col("dropped")).iter_rows(named=True):
            p = row["p_adjusted"]
            code = "funnel.table.fell_tiny" if p < alerts.P_FLOOR else "funnel.table.fell"
            marks[(str(row[segment]), row["_j"])] = tx(
                code, mark=DROP_MARK, change=row["change"], p=p
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
    data = frame.with_columns(
        pl.col(segment).cast(pl.String),
        pl.Series("users_text", _int_text(frame["users"].to_list()), pl.String),
        pl.Series("conversion_text", _pct_text(frame["conversion"].to_list()), pl.String),
        pl.Series("step_text", _pct_text(frame["step_conversion"].to_list()), pl.String),
    )
    if flags is not None:
        data = data.with_columns(flags.alias("flag"))
    vs_previous = tx("funnel.table.vs_previous")
    bars = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=alt.X("step:N", sort=steps, title=None, axis=alt.Axis(labelAngle=0)),
            xOffset=alt.XOffset(f"{segment}:N", sort=scale.domain),
            y=alt.Y(f"{metric}:Q", axis=charts.percent_axis(tx("funnel.chart.from_first"))),
            color=alt.Color(f"{segment}:N", scale=scale, title=segment),
            tooltip=[
                alt.Tooltip(f"{segment}:N", title=segment),
                alt.Tooltip("step:N", title=tx("funnel.chart.step")),
                alt.Tooltip("users_text:N", title=tx("funnel.unit_name.users")),
                alt.Tooltip("conversion_text:N", title=tx("funnel.chart.from_start")),
                alt.Tooltip("step_text:N", title=tx("funnel.chart.from_previous")),
                *([alt.Tooltip("flag:N", title=vs_previous)] if flags is not None else []),
            ],
        )
        .properties(height=380, title=tx("funnel.chart.by_segment_title", segment=segment))
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
                alt.Tooltip(f"{segment}:N", title=segment),
                alt.Tooltip("step:N", title=tx("funnel.chart.step")),
                alt.Tooltip("flag:N", title=vs_previous),
            ],
        )
    )
    return alt.layer(bars, marks)


#: axis date formats (d3): English month names, French day/month numbers (d3's month names
#: are English whatever the page's language)
_DATE_FORMATS = {
    "en": {"day": "%b %d", "week": "%b %d, %Y", "month": "%b %Y"},
    "fr": {"day": "%d/%m", "week": "%d/%m/%Y", "month": "%m/%Y"},
}


@event_marks.marked("period")
def trend_lines(frame: pl.DataFrame, grain: str) -> alt.Chart:
    """Conversion from the first step per entry period, one line per later step."""
    lang = current()
    steps = _step_sort(frame["step"].to_list())
    later = steps[1:] or steps
    data = frame.filter(pl.col("step").is_in(later))
    fmt = wf.month if grain == "month" else wf.date
    data = data.with_columns(
        pl.Series("period_text", [fmt(d, lang) for d in data["period"].to_list()], pl.String),
        pl.Series("users_text", _int_text(data["users"].to_list()), pl.String),
        pl.Series("conversion_text", _pct_text(data["conversion"].to_list()), pl.String),
    )
    colours = [charts.PALETTE[(i + 1) % len(charts.PALETTE)] for i in range(len(later))]
    # one tick per period (every few periods when there are many), never daily ticks on weeks
    periods = max(1, data["period"].n_unique())
    every = max(1, -(-periods // 12))
    axis = alt.Axis(
        tickCount={"interval": grain, "step": every},
        format=_DATE_FORMATS[lang].get(grain, _DATE_FORMATS[lang]["week"]),
        labelAngle=0 if grain == "month" else -30,
        grid=False,
    )
    entry = tx(f"funnel.chart.entry.{grain}")
    return (
        alt.Chart(data)
        .mark_line(point=True, strokeWidth=3)
        .encode(
            x=alt.X(
                "period:T",
                title=tx("funnel.chart.entry_axis", entry=entry, step=steps[0]),
                axis=axis,
            ),
            y=alt.Y("conversion:Q", axis=charts.percent_axis(tx("funnel.chart.trend_axis"))),
            color=alt.Color(
                "step:N",
                sort=later,
                scale=alt.Scale(domain=later, range=colours),
                title=tx("funnel.chart.step"),
            ),
            tooltip=[
                alt.Tooltip("period_text:N", title=entry),
                alt.Tooltip("step:N", title=tx("funnel.chart.step")),
                alt.Tooltip("users_text:N", title=tx("funnel.unit_name.users")),
                alt.Tooltip("conversion_text:N", title=tx("def.conversion.label")),
            ],
        )
        .properties(height=360, title=tx(f"funnel.chart.trend_title.{grain}"))
    )


def _time_unit(seconds: float) -> tuple[str, float]:
    for name, size in (("days", 86400.0), ("hours", 3600.0), ("minutes", 60.0)):
        if seconds >= 2 * size:
            return name, size
    return "seconds", 1.0


def time_to_convert_bars(frame: pl.DataFrame, first: str, last: str) -> alt.Chart:
    """Histogram of the time from the first to the last step, in a readable unit."""
    lang = current()
    unit, size = _time_unit(float(frame["bin_end"].max() or 0.0))
    labels = [
        f"{duration(a, lang)} – {duration(b, lang)}"
        for a, b in zip(frame["bin_start"].to_list(), frame["bin_end"].to_list(), strict=True)
    ]
    data = frame.with_columns(
        (pl.col("bin_start") / size).alias("start"),
        (pl.col("bin_end") / size).alias("end"),
        pl.Series("bin", labels, dtype=pl.String),
        pl.Series("users_text", _int_text(frame["users"].to_list()), pl.String),
        pl.Series("share_text", _pct_text(frame["share"].to_list()), pl.String),
    )
    x_title = tx("funnel.chart.ttc_axis", first=first, last=last, unit=tx(f"funnel.unit.{unit}"))
    return (
        alt.Chart(data)
        .mark_bar(color=charts.PRIMARY, stroke="white", strokeWidth=1)
        .encode(
            x=alt.X("start:Q", bin="binned", title=x_title),
            x2="end:Q",
            y=alt.Y("users:Q", title=tx("funnel.chart.converters")),
            tooltip=[
                alt.Tooltip("bin:N", title=tx("funnel.chart.time")),
                alt.Tooltip("users_text:N", title=tx("funnel.unit_name.users")),
                alt.Tooltip("share_text:N", title=tx("funnel.chart.share")),
            ],
        )
        .properties(height=340, title=tx("funnel.chart.ttc_title"))
    )


# --------------------------------------------------------------------------------------------
# Display tables (text for durations and drop-offs, fractions with a percent format for rates)
# --------------------------------------------------------------------------------------------

TIME_COLUMNS = (
    "median_from_previous_s",
    "p90_from_previous_s",
    "median_from_start_s",
    "p90_from_start_s",
)


def step_table(
    table: pl.DataFrame, by: Sequence[str] = (), unit: str = "users"
) -> tuple[pl.DataFrame, dict]:
    """The per-step table for st.dataframe, and its column configuration. The drop-off of the
    first step (nothing before it) reads "–", not "None"."""
    lang = current()
    u = _unit(unit)
    cols = [*by, "step", "users", "conversion", "step_conversion", "drop_off", "drop_off_rate"]
    out = table.select([c for c in cols if c in table.columns])
    if "drop_off" in out.columns:
        out = out.with_columns(
            pl.Series("drop_off", _int_text(out["drop_off"].to_list()), pl.String)
        )
    if "drop_off_rate" in out.columns:
        out = out.with_columns(
            pl.Series("drop_off_rate", _pct_text(out["drop_off_rate"].to_list()), pl.String)
        )
    config: dict = {}
    for col in TIME_COLUMNS:
        if col in table.columns:
            values = [duration(v, lang) for v in table[col].to_list()]
            out = out.with_columns(pl.Series(col, values, dtype=pl.String))
            config[col] = st.column_config.TextColumn(tx(f"funnel.table.{col}"))
    config.update(
        {
            "step": st.column_config.TextColumn(tx("funnel.chart.step")),
            "users": st.column_config.NumberColumn(tx(f"funnel.unit_name.{u}")),
            "conversion": st.column_config.NumberColumn(
                tx("funnel.chart.from_start"), help=tx("funnel.table.conversion_help")
            ),
            "step_conversion": st.column_config.NumberColumn(
                tx("funnel.chart.from_previous"),
                help=tx("funnel.table.step_conversion_help"),
            ),
            "drop_off": st.column_config.TextColumn(
                tx(f"funnel.table.drop_off.{u}"), help=tx(f"funnel.table.drop_off_help.{u}")
            ),
            "drop_off_rate": st.column_config.TextColumn(
                tx("funnel.chart.drop_rate"), help=tx("funnel.table.drop_rate_help")
            ),
        }
    )
    for b in by:
        config[b] = st.column_config.TextColumn(b)
    return out, config


#: how the funnel tables' number columns are written (see :func:`in_words`)
TABLE_FORMATS = {
    "users": "integer",
    "conversion": "percent",
    "step_conversion": "percent",
    "users_current": "integer",
    "users_previous": "integer",
    "conversion_current": "percent",
    "conversion_previous": "percent",
    "rel_change": "signed_percent",
    "p_value": "p_value",
    "p_adjusted": "p_value",
    "step_conversion_previous": "percent",
    "step_conversion_current": "percent",
}


def comparison_table(frame: pl.DataFrame) -> tuple[pl.DataFrame, dict]:
    """kpi.funnel.compare_periods result for st.dataframe."""
    lang = current()
    yes, no = tx("common.yes"), tx("common.no")
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
        .then(pl.lit(yes))
        .when(pl.col("method") == "none")
        .then(pl.lit(wf.MISSING))
        .otherwise(pl.lit(no))
        .alias("significant"),
    )
    abs_text = [wf.points(v, lang) for v in frame["abs_change"].to_list()]
    out = out.with_columns(pl.Series("abs_change", abs_text, dtype=pl.String))
    config = {
        "step": st.column_config.TextColumn(tx("funnel.chart.step")),
        "users_current": st.column_config.NumberColumn(tx("funnel.table.users_current")),
        "users_previous": st.column_config.NumberColumn(tx("funnel.table.users_previous")),
        "conversion_current": st.column_config.NumberColumn(tx("funnel.table.conversion_current")),
        "conversion_previous": st.column_config.NumberColumn(
            tx("funnel.table.conversion_previous")
        ),
        "abs_change": st.column_config.TextColumn(tx("funnel.table.change_points")),
        "rel_change": st.column_config.NumberColumn(tx("funnel.table.relative_change")),
        "p_value": st.column_config.NumberColumn(tx("funnel.table.p_value")),
        "significant": st.column_config.TextColumn(
            tx("funnel.table.significant"), help=tx("funnel.table.significant_help", alpha=0.05)
        ),
    }
    return out, config


def segment_change_table(changes: pl.DataFrame, segment: str) -> tuple[pl.DataFrame, dict]:
    """alerts.step_changes by segment for st.dataframe: previous, current, change in points,
    p-value Holm-corrected over the family, and a ▼ on significant drops."""
    lang = current()
    out = changes.select(
        pl.col(segment).cast(pl.String),
        pl.concat_str([pl.col("from_step"), pl.col("step")], separator=" → ").alias("step"),
        "step_conversion_previous",
        "step_conversion_current",
        pl.Series("change", [wf.points(v, lang) for v in changes["change"].to_list()], pl.String),
        "p_value",
        "p_adjusted",
        pl.when(pl.col("dropped"))
        .then(pl.lit(tx("funnel.table.fell_short", mark=DROP_MARK)))
        .when(pl.col("p_adjusted").is_null())
        .then(pl.lit(tx("funnel.table.nobody_before")))
        .otherwise(pl.lit(""))
        .alias("flag"),
    )
    family = int(changes["p_value"].is_not_null().sum())
    config = {
        segment: st.column_config.TextColumn(segment),
        "step": st.column_config.TextColumn(tx("funnel.chart.step")),
        "step_conversion_previous": st.column_config.NumberColumn(
            tx("funnel.table.previous_period"),
            help=tx("funnel.table.previous_period_help"),
        ),
        "step_conversion_current": st.column_config.NumberColumn(
            tx("funnel.table.this_period"),
            help=tx("funnel.table.this_period_help"),
        ),
        "change": st.column_config.TextColumn(tx("funnel.table.change_points")),
        "p_value": st.column_config.NumberColumn(tx("funnel.table.p_value")),
        "p_adjusted": st.column_config.NumberColumn(
            tx("funnel.table.p_holm"),
            help=tx("funnel.table.p_holm_help", family=family),
        ),
        "flag": st.column_config.TextColumn(tx("funnel.table.flag")),
    }
    return out, config


# --------------------------------------------------------------------------------------------
# Red flags and their thresholds (shared by the Funnel and Stage KPIs pages)
# --------------------------------------------------------------------------------------------


def red_flags(flags: Sequence[alerts.RedFlag]) -> None:
    """Red flags as coloured badges: the title in bold, then what fired with the numbers."""
    for flag in flags:
        text = f"**{t(flag.title)}** — {t(flag.message)}"
        if flag.level == "alert":
            st.error(text, icon=":material/flag:")
        else:
            st.warning(text, icon=":material/warning:")


def current_thresholds() -> alerts.Thresholds:
    th = st.session_state.get("thresholds")
    return th if isinstance(th, alerts.Thresholds) else alerts.Thresholds()


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
        st.session_state["thresholds_error"] = exc  # rendered in the reader's language


def thresholds_editor(prefix: str) -> alerts.Thresholds:
    """An expander to set the red-flag thresholds; stored in st.session_state["thresholds"]
    so that the Overview, the other pages and the export use the same ones."""
    th = current_thresholds()
    specs = [
        ("conv", "min_conversion", 0.0, 100.0, th.min_conversion * 100, 0.5, None),
        ("cart", "max_cart_abandonment", 0.0, 100.0, th.max_cart_abandonment * 100, 5.0, None),
        ("bounce", "max_bounce", 0.0, 100.0, th.max_bounce * 100, 5.0, None),
        (
            "drop",
            "max_session_duration_drop",
            1.0,
            99.0,
            th.max_session_duration_drop * 100,
            5.0,
            None,
        ),
        ("alpha", "funnel_alpha", 0.001, 0.5, th.funnel_alpha, 0.01, "%.3f"),
        (
            "floor",
            "min_step_conversion",
            0.0,
            100.0,
            (th.min_step_conversion or 0.0) * 100,
            5.0,
            None,
        ),
    ]
    with st.expander(tx("alerts.editor.title"), icon=":material/tune:"):
        cols = st.columns(3) * 2
        for col, (name, code, lo, hi, value, step, number_format) in zip(cols, specs, strict=True):
            col.number_input(
                tx(f"alerts.editor.{code}"),
                lo,
                hi,
                value=float(value),
                step=step,
                format=number_format,
                key=f"{prefix}th_{name}",
                on_change=_store_thresholds,
                args=(prefix,),
            )
        error = st.session_state.get("thresholds_error")
        if isinstance(error, ParcoursError):
            st.error(error.text(current(), markdown=True))
        st.caption(t("alerts.editor.caption"))
        st.markdown(t(alerts.thresholds_table(th)))
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
