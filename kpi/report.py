"""The Excel summary: one workbook for the current view, the same from the app and the CLI.

:func:`build_workbook` takes the unfiltered Dataset, the view's :class:`~kpi.filters.Filters`
and :class:`ReportOptions`, computes every figure with the kpi functions the pages use, and
returns the bytes of an .xlsx file (openpyxl). Values are written, never formulas; every
string that comes from the data goes through :func:`kpi.xlsx.put` (text, quote-prefixed when
it looks like a formula).

Sheets: Summary, Funnel, Stage KPIs, Retention, Value, A/B test (when there is one),
Definitions, Data quality (:data:`SECTIONS`).
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

import polars as pl
from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.chart.label import DataLabelList
from openpyxl.formatting.rule import ColorScaleRule
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from kpi import (
    advocacy,
    alerts,
    funnel,
    pipeline,
    quality,
    reasons,
    retention,
    stages,
    value,
)
from kpi.dataset import Dataset
from kpi.definitions import all_definitions
from kpi.errors import InputError, ParcoursError
from kpi.filters import Filters, date_bounds
from kpi.segments import top_values
from kpi.xlsx import (
    ALERT_FONT,
    BRAND,
    COUNT,
    DURATION,
    LABEL_FONT,
    MONEY,
    NUMBER,
    RATE,
    SIGNED_RATE,
    SIGNED_UNIT_FORMAT,
    UNIT_FORMAT,
    WARN_FONT,
    Col,
    SheetWriter,
    put,
)

__all__ = [
    "MIME",
    "SECTIONS",
    "ReportOptions",
    "build_workbook",
    "file_name",
    "report_flags",
    "window_text",
]

MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

#: Sheet code -> sheet title, in workbook order.
SECTIONS: dict[str, str] = {
    "summary": "Summary",
    "funnel": "Funnel",
    "stages": "Stage KPIs",
    "retention": "Retention",
    "value": "Value",
    "ab": "AB test",
    "definitions": "Definitions",
    "quality": "Data quality",
}

#: KPIs shown on the Summary sheet (when available), in this order.
HEADLINE = (
    "users",
    "sessions",
    "new_users",
    "bounce_rate",
    "conversion_rate",
    "orders",
    "revenue",
    "aov",
    "cart_abandonment",
    "revenue_per_visitor",
    # a CRM contacts table (kpi.pipeline): shown only when they apply
    "contacts",
    "lead_conversion",
    "customers",
    "won_deal_value",
    "avg_deal_value",
)
LOWER_IS_BETTER = {"bounce_rate", "bounce_rate_landing", "cart_abandonment"}


@dataclass(frozen=True)
class ReportOptions:
    """What the workbook shows besides the filters.

    ``steps``/``window``/``order`` define the funnel (``steps`` None: the data's step order);
    ``segment`` is the breakdown (None: device, else channel, else variant when present);
    ``ab_result`` is what the A/B page passes (rows of (label, value[, unit]), a mapping, or
    a :class:`kpi.abtest.ABResult`); without it the test is computed from a ``variant``
    segment when there is one. ``generated_at`` defaults to now (UTC).
    """

    steps: tuple[str, ...] | None = None
    window: timedelta | None = None
    order: Literal["sequential", "any"] = "sequential"
    open_funnel: bool = False
    segment: str | None = None
    top_n: int = 8
    cohort_grain: Literal["week", "month"] = "month"
    thresholds: alerts.Thresholds = field(default_factory=alerts.Thresholds)
    ab_result: Any = None
    title: str = "Parcours summary"
    generated_at: datetime | None = None
    source_label: str | None = None


# =========================================================================== context


@dataclass
class _Context:
    full: Dataset
    filters: Filters
    options: ReportOptions
    view: Dataset
    previous_filters: Filters | None
    previous: Dataset | None
    steps: list[str]
    segment: str | None
    purchase_step: str | None
    first_seen: pl.DataFrame | None
    _memo: dict[str, Any] = field(default_factory=dict)

    def memo(self, key: str, fn: Callable[[], Any]) -> Any:
        if key not in self._memo:
            self._memo[key] = fn()
        return self._memo[key]

    def kpis(self) -> list[stages.Kpi]:
        return self.memo("kpis", lambda: _safe_kpis(self.view, self.first_seen))

    def previous_kpis(self) -> list[stages.Kpi] | None:
        if self.previous is None:
            return None
        return self.memo("prev_kpis", lambda: _safe_kpis(self.previous, self.first_seen))

    def funnel(self, ds: Dataset | None = None) -> pl.DataFrame | None:
        ds = ds or self.view
        key = "funnel" if ds is self.view else "prev_funnel"
        return self.memo(key, lambda: self._funnel(ds))

    def _funnel(self, ds: Dataset) -> pl.DataFrame | None:
        if len(self.steps) < 1 or ds.events.height == 0:
            return None
        timed = ds.has_timestamps
        ev = ds.events if timed else ds.events.drop("ts", strict=False)
        try:
            return funnel.funnel_table(
                ev,
                self.steps,
                window=self.options.window if timed else None,  # membership: no window
                order=self.options.order if timed else "sequential",
                open_funnel=self.options.open_funnel,
            )
        except ParcoursError:
            return None


def _safe_kpis(ds: Dataset, first_seen: pl.DataFrame | None) -> list[stages.Kpi]:
    try:
        return stages.stage_kpis(ds, first_seen=first_seen)
    except ParcoursError:
        return []


def _context(ds_full: Dataset, filters: Filters, options: ReportOptions) -> _Context:
    view = filters.apply(ds_full)
    prev_f = filters.previous()
    prev = prev_f.apply(ds_full) if prev_f is not None else None
    if prev is not None and prev.events.height == 0 and prev.users.height == 0:
        prev = None
    event_steps: list[str] = []
    if "step" in ds_full.events.columns and ds_full.events.height:
        event_steps = ds_full.events["step"].unique(maintain_order=True).drop_nulls().to_list()
    steps = list(options.steps or ds_full.steps or event_steps)
    unknown = [s for s in steps if s not in set(event_steps)] if event_steps else []
    if options.steps and unknown:
        raise InputError(
            f"Unknown funnel step(s): {', '.join(unknown)}.",
            f"The steps in the data are: {', '.join(map(str, event_steps[:20]))}.",
        )
    segment = options.segment
    if segment is not None and segment not in ds_full.users.columns:
        raise InputError(
            f"There is no '{segment}' segment in this data.",
            f"Pick one of: {', '.join(ds_full.segments) or '(none)'}.",
        )
    if segment is None:
        preferred = [s for s in ("device", "channel", "variant") if s in ds_full.segments]
        others = [s for s in ds_full.segments if s != "cohort"]
        segment = next(iter(preferred + others), None)
    purchase = stages.detect_steps(tuple(event_steps)).get("purchase") if event_steps else None
    first_seen = (
        ds_full.users.select("user_id", "first_seen")
        if "first_seen" in ds_full.users.columns
        else None
    )
    return _Context(
        ds_full, filters, options, view, prev_f, prev, steps, segment, purchase, first_seen
    )


# =========================================================================== public API


def report_flags(
    ds_full: Dataset,
    filters: Filters,
    *,
    options: ReportOptions | None = None,
    kpis: list[stages.Kpi] | None = None,
    previous_kpis: list[stages.Kpi] | None = None,
) -> list[alerts.RedFlag]:
    """Every red flag of the view (vs the previous period when the filters give one).

    ``kpis`` / ``previous_kpis``: the stage KPIs of the view and of the previous period when
    the caller already has them (the app caches them per page), so they are not computed twice.
    """
    ctx = _context(ds_full, filters, options or ReportOptions())
    if kpis is not None:
        ctx._memo["kpis"] = kpis
    if previous_kpis is not None and ctx.previous is not None:
        ctx._memo["prev_kpis"] = previous_kpis
    return _flags(ctx)


def _flags(ctx: _Context) -> list[alerts.RedFlag]:
    def compute() -> list[alerts.RedFlag]:
        try:
            monthly = stages.monthly_session_duration(ctx.view.events)
        except ParcoursError:
            monthly = None
        current = ctx.funnel()
        prev = ctx.funnel(ctx.previous) if ctx.previous is not None else None
        return alerts.red_flags(
            ctx.kpis(),
            ctx.previous_kpis(),
            funnel_current=current.select("step", "users", "conversion", "step_conversion")
            if current is not None
            else None,
            funnel_previous=prev.select("step", "users", "conversion", "step_conversion")
            if prev is not None
            else None,
            monthly_duration=monthly,
            thresholds=ctx.options.thresholds,
        )

    return ctx.memo("flags", compute)


def file_name(day: datetime | None = None) -> str:
    """parcours-summary-YYYY-MM-DD.xlsx (UTC date)."""
    return f"parcours-summary-{(day or datetime.now(UTC)):%Y-%m-%d}.xlsx"


def build_workbook(
    ds_full: Dataset,
    filters: Filters,
    *,
    options: ReportOptions | None = None,
    sections: Iterable[str] = tuple(SECTIONS),
) -> bytes:
    """The .xlsx bytes of the summary of ``filters`` applied to ``ds_full``.

    ``sections`` picks sheets by code (:data:`SECTIONS`); unknown codes raise InputError.
    Raises :class:`~kpi.errors.ParcoursError` subclasses for impossible options.
    """
    options = options or ReportOptions()
    wanted = list(dict.fromkeys(sections))
    unknown = [s for s in wanted if s not in SECTIONS]
    if unknown:
        raise InputError(
            f"Unknown sheet(s): {', '.join(unknown)}.", f"Choose among: {', '.join(SECTIONS)}."
        )
    if not wanted:
        raise InputError("No sheet chosen.", "Pick at least one sheet for the workbook.")
    ctx = _context(ds_full, filters, options)
    wb = Workbook()
    wb.remove(wb.active)
    writers = {
        "summary": _summary,
        "funnel": _funnel_sheet,
        "stages": _stages_sheet,
        "retention": _retention_sheet,
        "value": _value_sheet,
        "ab": _ab_sheet,
        "definitions": _definitions_sheet,
        "quality": _quality_sheet,
    }
    for code in SECTIONS:
        if code not in wanted:
            continue
        if code == "ab" and _ab_rows(ctx) is None:
            continue  # no test in this data and none passed by the app: no empty sheet
        ws = wb.create_sheet(SECTIONS[code])
        ws.sheet_properties.tabColor = BRAND if code == "summary" else None
        ws.page_setup.orientation = "landscape"
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        writers[code](ws, ctx)
    generated = options.generated_at or datetime.now(UTC)
    props = wb.properties
    props.title = options.title
    props.subject = f"Customer-journey KPIs: {filters.describe()}"
    props.creator = "Parcours"
    props.keywords = "Parcours, funnel, KPI, retention, customer journey"
    props.description = "Computed values (no formulas). Generated by Parcours."
    props.created = generated.replace(tzinfo=None)
    props.modified = generated.replace(tzinfo=None)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# =========================================================================== Summary


def _period_text(ctx: _Context) -> tuple[str, str]:
    f = ctx.filters
    bounds = date_bounds(ctx.full)
    if f.start is None and f.end is None:
        period = (
            f"whole period in the data: {bounds[0]} to {bounds[1]}"
            if bounds
            else "whole data (no dates)"
        )
    else:
        lo = f.start or (bounds[0] if bounds else "start")
        hi = f.end or (bounds[1] if bounds else "end")
        period = f"{lo} to {hi}"
    if ctx.previous_filters is None:
        comparison = "none (choose a start and an end date to compare with the period before)"
    elif ctx.previous is None:
        p = ctx.previous_filters
        comparison = f"{p.start} to {p.end}: no data in that period"
    else:
        p = ctx.previous_filters
        comparison = f"{p.start} to {p.end} (the period just before: previous calendar months, or the same number of days)"
    return period, comparison


def _summary(ws: Worksheet, ctx: _Context) -> None:
    w = SheetWriter(ws, max_width=70)
    o = ctx.options
    w.title(o.title)
    generated = (o.generated_at or datetime.now(UTC)).astimezone(UTC).replace(tzinfo=None)
    w.pair("Generated", generated, 'yyyy-mm-dd hh:mm "UTC"')
    period, comparison = _period_text(ctx)
    w.pair("Period", period)
    w.pair("Compared with", comparison)
    w.pair("View (filters)", ctx.filters.describe())
    w.pair("Users in view", ctx.view.users.height, COUNT)
    w.pair("Events in view", ctx.view.events.height, COUNT)
    funnel_text = " → ".join(ctx.steps) if ctx.steps else "(no steps)"
    w.pair("Funnel steps", funnel_text, wrap_chars=90)
    window = window_text(o.window)
    w.pair("Funnel rules", f"{o.order} order, conversion window {window}")
    w.pair("Breakdown segment", ctx.segment or "(none)")
    if o.source_label:
        w.pair("Data", o.source_label)
    w.skip()

    w.section("Headline KPIs")
    rows, formats = _kpi_rows(ctx, [c for c in HEADLINE])
    if rows.height:
        first, _ = w.table(
            rows,
            [
                Col("label", "KPI"),
                Col("value", "Value"),
                Col("previous", "Previous period"),
                Col("abs_change", "Change"),
                Col("rel_change", "Change %", SIGNED_RATE),
            ],
            name="tblHeadline",
            row_formats=formats["value"],
            format_columns=("value", "previous"),
        )
        _apply_signed(ws, first, 4, formats["unit"])
        w.row -= 1
        w.note(
            "Change = value − previous (percentage points for rates); Change % = value ÷ "
            "previous − 1. Formulas: Definitions sheet."
        )
        for k in ctx.kpis():  # headline KPIs that do not apply: said, never a 100 % or a 0
            if k.code in HEADLINE and k.reason:
                w.note(f"{k.label}: {k.missing}.")
    else:
        w.note("No KPI could be computed for this view (no events).")
    w.skip()

    flags = _flags(ctx)
    w.section(f"Red flags ({len(flags)})" if flags else "Red flags: none")
    if flags:
        for f in flags:
            put(ws, w.row, 1, f.title, font=ALERT_FONT if f.level == "alert" else WARN_FONT)
            put(ws, w.row, 2, f"{f.level.capitalize()}: {f.message}")
            w.row += 1
    else:
        w.note("Every KPI is within its threshold for this view.")
    t = o.thresholds
    w.note(
        f"Thresholds: conversion below {t.min_conversion:.2%}, cart abandonment above "
        f"{t.max_cart_abandonment:.0%}, bounce above {t.max_bounce:.0%}, session duration drop "
        f"above {t.max_session_duration_drop:.0%}, funnel step drop at p < {t.funnel_alpha:g}."
    )
    w.skip()

    w.section("Data source files")
    acc = pl.DataFrame(
        {
            "file": [s.name for s in ctx.full.sources],
            "kind": [s.kind for s in ctx.full.sources],
            "rows_read": [s.rows_read for s in ctx.full.sources],
            "rows_kept": [s.rows_kept for s in ctx.full.sources],
            "dropped": [s.rows_read - s.rows_kept for s in ctx.full.sources],
            "reasons": [
                "; ".join(f"{k}: {v:,}" for k, v in s.dropped.items()) or "-"
                for s in ctx.full.sources
            ],
        },
        schema={
            "file": pl.String,
            "kind": pl.String,
            "rows_read": pl.Int64,
            "rows_kept": pl.Int64,
            "dropped": pl.Int64,
            "reasons": pl.String,
        },
    )
    w.table(
        acc,
        [
            Col("file", "File"),
            Col("kind", "Read as"),
            Col("rows_read", "Rows read", COUNT),
            Col("rows_kept", "Rows kept", COUNT),
            Col("dropped", "Rows dropped", COUNT),
            Col("reasons", "Why dropped"),
        ],
        name="tblSources",
        style="TableStyleLight9",
    )
    for note in ctx.full.notes:
        w.note(note)
    w.fixed[1] = 32
    for col in range(2, 9):
        w.fixed[col] = 20 if col == 2 else 16
    w.finish()
    ws.freeze_panes = "A2"
    ws.sheet_view.showGridLines = False


def window_text(window: timedelta | None) -> str:
    """A conversion window in words: "14 days", "2 hours", "none (whole period)"."""
    if window is None:
        return "none (whole period)"
    secs = int(window.total_seconds())
    for unit, n in (("days", 86400), ("hours", 3600), ("minutes", 60)):
        if secs % n == 0 and secs >= n:
            return f"{secs // n} {unit}"
    return f"{secs} seconds"


def _kpi_rows(ctx: _Context, codes: Sequence[str] | None) -> tuple[pl.DataFrame, dict]:
    """KPI value/previous/changes with one Excel format per row (by unit)."""
    kpis = ctx.kpis()
    prev = ctx.previous_kpis()
    if codes is not None:
        by_code = {k.code: k for k in kpis}
        kpis = [by_code[c] for c in codes if c in by_code and by_code[c].available]
    table = stages.compare(kpis, prev or [])
    units = [k.unit for k in kpis]
    frame = table.with_columns(
        pl.Series("stage", [k.stage for k in kpis], dtype=pl.String),
        pl.Series("formula", [k.formula for k in kpis], dtype=pl.String),
        pl.Series(
            "available",
            ["yes" if k.available else "does not apply" if k.reason else "no" for k in kpis],
            dtype=pl.String,
        ),
        pl.Series(
            "missing", ["" if k.missing is None else str(k.missing) for k in kpis], dtype=pl.String
        ),
    )
    secs = pl.Series("u", units, dtype=pl.String) == "seconds"
    frame = frame.with_columns(
        pl.when(secs).then(pl.col(c) / 86_400).otherwise(pl.col(c)).alias(c)
        for c in ("value", "previous", "abs_change")
    )
    return frame, {"value": [UNIT_FORMAT.get(u, NUMBER) for u in units], "unit": units}


def _apply_signed(ws: Worksheet, first_row: int, col: int, units: Sequence[str]) -> None:
    for i, u in enumerate(units):
        ws.cell(first_row + i, col).number_format = SIGNED_UNIT_FORMAT.get(u, "+#,##0.00")


# =========================================================================== Funnel


def _funnel_sheet(ws: Worksheet, ctx: _Context) -> None:
    w = SheetWriter(ws, max_width=40)
    w.title("Funnel")
    w.note(
        f"Unique users per step ({ctx.options.order} order, window "
        f"{window_text(ctx.options.window)}). {ctx.filters.describe()}."
    )
    table = ctx.funnel()
    if table is None:
        w.note(_no_funnel_reason(ctx))
        w.finish()
        return
    timed = "median_from_previous_s" in table.columns
    cols = [
        Col("step", "Step"),
        Col("users", "Users", COUNT),
        Col("conversion", "Conversion from step 1", RATE),
        Col("step_conversion", "Step conversion", RATE),
        Col("drop_off", "Drop-off (users)", COUNT),
        Col("drop_off_rate", "Drop-off rate", RATE),
    ]
    if timed:
        cols += [
            Col("median_from_previous_s", "Median time from previous step", DURATION, 1 / 86400),
            Col("p90_from_previous_s", "90th percentile from previous", DURATION, 1 / 86400),
            Col("median_from_start_s", "Median time from step 1", DURATION, 1 / 86400),
        ]
    if timed:  # step 1 has no previous step: its times are blank, not 0:00:00
        first = pl.int_range(pl.len()) == 0
        table = table.with_columns(
            pl.when(first).then(None).otherwise(pl.col(c)).alias(c)
            for c in ("median_from_previous_s", "p90_from_previous_s", "median_from_start_s")
        )
    top = w.row
    w.table(table, cols, name="tblFunnel")
    ws.freeze_panes = ws.cell(top + 1, 2)
    if timed:
        w.row -= 1
        w.note("Times are h:mm:ss, from each converting user's best attempt.")
        w.skip()

    # chart data: a transparent offset centres each bar, so the bars draw a funnel
    w.section("Chart data (funnel shape)")
    top_users = max(table["users"].max() or 0, 1)  # type: ignore[type-var]
    shape = table.select(
        "step",
        ((top_users - pl.col("users")) / 2).alias("offset"),
        pl.col("users"),
    )
    c_first, c_last = w.table(
        shape,
        [
            Col("step", "Step"),
            Col("offset", "Centring offset", NUMBER),
            Col("users", "Users", COUNT),
        ],
        name="tblFunnelChart",
        style="TableStyleLight1",
    )
    chart = _funnel_chart(ws, c_first, c_last, len(ctx.steps))
    ws.add_chart(chart, f"K{top}")

    if ctx.segment is not None:
        _segment_funnel(w, ctx)
    w.fixed[1] = max(14, min(30, max(len(str(s)) for s in ctx.steps) + 4))
    w.finish()


def _no_funnel_reason(ctx: _Context) -> str:
    if ctx.view.events.height == 0:
        if ctx.view.counts is not None:
            return "The data holds aggregated counts only: see the Funnel page of the app."
        return "No events in this view, so there is no funnel."
    return "No funnel steps could be found in the events."


def _funnel_chart(ws: Worksheet, first: int, last: int, steps: int) -> BarChart:
    chart = BarChart()
    chart.type = "bar"
    chart.grouping = "stacked"
    chart.overlap = 100
    chart.gapWidth = 40
    chart.title = "Users per step (funnel)"
    chart.legend = None
    data = Reference(ws, min_col=2, max_col=3, min_row=first - 1, max_row=last)
    cats = Reference(ws, min_col=1, min_row=first, max_row=last)
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(cats)
    offset, users = chart.series
    offset.graphicalProperties.noFill = True
    offset.graphicalProperties.line.noFill = True
    users.graphicalProperties.solidFill = BRAND
    users.graphicalProperties.line.solidFill = BRAND
    users.dLbls = DataLabelList()
    users.dLbls.showVal = True
    users.dLbls.showSerName = False
    users.dLbls.showCatName = False
    users.dLbls.showLegendKey = False
    users.dLbls.showPercent = False
    chart.x_axis.scaling.orientation = "maxMin"  # step 1 on top
    chart.x_axis.delete = False
    chart.y_axis.delete = True
    chart.y_axis.majorGridlines = None
    chart.height = max(7.0, 1.3 * steps + 2)
    chart.width = 18
    return chart


def _segment_funnel(w: SheetWriter, ctx: _Context) -> None:
    seg = ctx.segment
    assert seg is not None
    n = ctx.options.top_n
    users = ctx.view.users
    keep = top_values(users.with_columns(pl.col(seg).cast(pl.String).fill_null("(none)")), seg, n)
    labelled = users.select(
        "user_id",
        pl.when(pl.col(seg).cast(pl.String).fill_null("(none)").is_in(keep))
        .then(pl.col(seg).cast(pl.String).fill_null("(none)"))
        .otherwise(pl.lit("Other"))
        .alias("_segment"),
    )
    events = ctx.view.events.join(labelled, on="user_id", how="left").with_columns(
        pl.col("_segment").fill_null("(none)")
    )
    if not ctx.view.has_timestamps:
        events = events.drop("ts", strict=False)
    try:
        table = funnel.funnel_table(
            events,
            ctx.steps,
            by=["_segment"],
            window=ctx.options.window,
            order=ctx.options.order,
        )
    except ParcoursError as exc:
        w.note(f"Funnel by {seg}: {exc}")
        return
    label = seg.replace("_", " ").capitalize()
    w.section(f"Funnel by {label} (top {n} values, the rest as Other)")
    w.table(
        table,
        [
            Col("_segment", label),
            Col("step", "Step"),
            Col("users", "Users", COUNT),
            Col("conversion", "Conversion from step 1", RATE),
            Col("step_conversion", "Step conversion", RATE),
            Col("drop_off", "Drop-off (users)", COUNT),
            Col("drop_off_rate", "Drop-off rate", RATE),
        ],
        name="tblFunnelBySegment",
    )
    w.row -= 1
    w.note("Users take the segment value of their first event (first touch).")
    w.skip()
    # conversion from step 1, one column per segment value, and a clustered bar chart
    wide = table.pivot(on="_segment", index="step", values="conversion", aggregate_function="first")
    # keep may already hold "(none)" (users without a value among the top values): once only
    order = [v for v in dict.fromkeys([*keep, "Other", "(none)"]) if v in wide.columns]
    wide = wide.select("step", *order)
    w.section(f"Conversion from step 1 by {label}")
    cols = [Col("step", "Step")] + [Col(v, v, RATE) for v in order]
    first, last = w.table(wide, cols, name="tblConversionBySegment", style="TableStyleLight9")
    chart = BarChart()
    chart.type = "col"
    chart.grouping = "clustered"
    chart.title = f"Conversion from step 1 by {label}"
    chart.y_axis.number_format = "0%"
    chart.y_axis.title = "Conversion from step 1"
    chart.y_axis.delete = False
    chart.x_axis.delete = False
    data = Reference(w.ws, min_col=2, max_col=1 + len(order), min_row=first - 1, max_row=last)
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(Reference(w.ws, min_col=1, min_row=first, max_row=last))
    chart.height = 8
    chart.width = 18
    w.ws.add_chart(chart, f"K{first - 1}")


# =========================================================================== Stage KPIs


def _stages_sheet(ws: Worksheet, ctx: _Context) -> None:
    w = SheetWriter(ws, max_width=50)
    w.title("Stage KPIs")
    prev = "vs the previous period" if ctx.previous is not None else "(no previous period chosen)"
    w.note(f"Every journey KPI of the view {prev}. {ctx.filters.describe()}.")
    frame, formats = _kpi_rows(ctx, None)
    if frame.height == 0:
        w.note("No KPI could be computed: the view has no events.")
        w.finish()
        return
    top = w.row
    first, _ = w.table(
        frame,
        [
            Col("stage", "Stage"),
            Col("label", "KPI"),
            Col("value", "Value"),
            Col("previous", "Previous period"),
            Col("abs_change", "Change"),
            Col("rel_change", "Change %", SIGNED_RATE),
            Col("formula", "Formula", width=60, wrap=True),
            Col("available", "Available"),
            Col(
                "missing",
                "Why not shown (what is missing, or why it does not apply)",
                width=45,
                wrap=True,
            ),
        ],
        name="tblStageKpis",
        row_formats=formats["value"],
        format_columns=("value", "previous"),
    )
    _apply_signed(ws, first, 5, formats["unit"])
    ws.freeze_panes = ws.cell(top + 1, 3)
    w.note("Durations are h:mm:ss. Change = value − previous (points for rates).")
    if pipeline.is_contacts(ctx.view):
        crm = pipeline.pipeline_summary(ctx.view)
        if crm is not None:
            _pipeline_rows(w, crm)
    w.finish()


def _pipeline_rows(w: SheetWriter, crm: pipeline.PipelineSummary) -> None:
    w.skip()
    w.section(f"Pipeline: contacts by stage (column {crm.column}, {crm.kind} pipeline)")
    w.table(
        crm.by_stage.drop("canonical"),
        [
            Col("stage", "Stage"),
            Col("contacts", "Contacts at this stage", COUNT),
            Col("share", "Share of contacts", RATE),
            Col("reached", "Reached (this stage or beyond)", COUNT),
            Col("conversion", "Conversion from the first stage", RATE),
            Col("step_conversion", "From the stage before", RATE),
        ],
        name="tblPipeline",
    )
    w.row -= 1
    w.note(
        "A contact at a stage has passed the stages before it: reached = contacts at that stage "
        "or beyond. Lost deals and contacts outside the pipeline (Other) are not progress."
    )
    if crm.leads is not None:
        w.note(
            f"Lead conversion rate = customers ÷ leads = {crm.customers:,} ÷ {crm.leads:,} "
            "(leads: contacts at Lead or beyond; customers: at Customer or beyond)."
        )
    if crm.has_amount:
        w.note(
            "Won deal value = sum of the amount over customers; average deal value = won deal "
            f"value ÷ the {crm.won_with_amount:,} customers with an amount."
        )


# =========================================================================== Retention


def _retention_sheet(ws: Worksheet, ctx: _Context) -> None:
    w = SheetWriter(ws, max_width=30)
    grain = ctx.options.cohort_grain
    word = grain.capitalize()
    w.title("Retention")
    w.note(
        f"Share of each cohort (users by {grain} of their first event) active again in "
        f"{grain} N after it (any event). Grey italic cells: that {grain} is not over yet."
    )
    ev = ctx.view.events
    note = retention.cohort_table_note(ev) if "step" in ev.columns else "No events."
    if note is not None:
        w.note(note)
        w.finish()
        return
    table = retention.cohort_table(ev, grain=grain)
    if table.height == 0:
        w.note("No cohorts in this view.")
        w.finish()
        return
    periods = int(table["period"].max())  # type: ignore[arg-type]
    rates = table.pivot(on="period", index=["cohort", "cohort_size"], values="retention")
    done = table.pivot(on="period", index=["cohort"], values="complete")
    pcols = [str(p) for p in range(periods + 1)]
    rates = rates.select("cohort", "cohort_size", *[c for c in pcols if c in rates.columns])
    cols = [Col("cohort", "Cohort"), Col("cohort_size", "Users", COUNT)] + [
        Col(p, f"{word} {p}", "0.0%") for p in pcols
    ]
    top = w.row
    first, last = w.table(rates, cols, name="tblRetention")
    grey = Font(italic=True, color="808080")
    for i, row in enumerate(done.select(pcols).iter_rows()):
        for j, complete in enumerate(row):
            if complete is False:
                ws.cell(first + i, 3 + j).font = grey
    # weighted average row (complete cells only), right under the table
    avg = retention.weighted_average(table)
    r = last + 1
    put(ws, r, 1, "Weighted average", font=LABEL_FONT)
    put(ws, r, 2, int(table.filter(pl.col("period") == 0)["cohort_size"].sum()), COUNT)
    for p, rate in zip(avg["period"].to_list(), avg["retention"].to_list(), strict=True):
        put(ws, r, 3 + int(p), rate, "0.0%", font=LABEL_FONT)
    if periods >= 1:
        rng = f"D{first}:{get_column_letter(3 + periods)}{last}"
        ws.conditional_formatting.add(
            rng,
            ColorScaleRule(
                start_type="num",
                start_value=0,
                start_color="F8F8F8",
                mid_type="percentile",
                mid_value=50,
                mid_color="9DC3E6",
                end_type="max",
                end_color="2E75B6",
            ),
        )
    ws.freeze_panes = ws.cell(top + 1, 3)
    w.row = r + 2
    w.note(
        f"Weighted average = Σ retained ÷ Σ cohort users over complete cells of each {grain} "
        f"({word} 0 is 100 % by definition)."
    )
    w.fixed[1] = 18
    w.finish()
    for j in range(periods + 1):
        ws.column_dimensions[get_column_letter(3 + j)].width = 10


# =========================================================================== Value


def _try(fn: Callable[[], Any]) -> tuple[Any, str | None]:
    try:
        return fn(), None
    except ParcoursError as exc:
        return None, str(exc)


def _value_sheet(ws: Worksheet, ctx: _Context) -> None:
    w = SheetWriter(ws, max_width=60)
    w.title("Value")
    w.note(f"Customer value of the view: {ctx.filters.describe()}. Money in the file's currency.")
    ev = ctx.view.events
    ps = ctx.purchase_step
    if ps is None and "order_id" not in ev.columns:
        ps = "purchase"
    if pipeline.is_contacts(ctx.view):
        w.note(
            "A CRM contacts table: value from orders (AOV, CLV, CAC) does not apply. Won deal "
            "value, average deal value and the lead conversion rate are on the Stage KPIs sheet."
        )
        w.finish()
        return

    w.section("Orders and customers")
    a, err = _try(lambda: value.aov(ev, purchase_step=ps))
    if a is None or a.aov is None:
        w.pair("Average order value", err or (a.explanation if a else "not available"))
    else:
        w.pair("Average order value (AOV)", a.aov, MONEY)
        w.pair("Revenue", a.revenue, MONEY)
        w.pair("Orders", a.orders, COUNT)
    rpc, err = _try(lambda: value.revenue_per_customer(ev, purchase_step=ps))
    if rpc is not None and rpc.value is not None:
        w.pair("Revenue per customer", rpc.value, MONEY)
        w.pair("Customers", rpc.customers, COUNT)
    else:
        w.pair("Revenue per customer", err or (rpc.explanation if rpc else "not available"))
    w.skip()

    w.section("Customer lifetime value (classic)")
    inputs, err = _try(lambda: value.clv_inputs(ev, purchase_step=ps))
    clv = inputs.clv() if inputs is not None else None
    if clv is None:
        w.pair("CLV", err or (inputs.explanation if inputs else "not available"), wrap_chars=90)
    else:
        extrapolated = value.extrapolation_note(inputs)
        w.pair(f"CLV ({extrapolated})" if extrapolated else "CLV", clv.clv, MONEY)
        w.pair("× Average order value", clv.aov, MONEY)
        w.pair("× Purchases per customer per year", clv.purchases_per_year, NUMBER)
        w.pair("× Years of relationship", clv.years, "0.00")
        w.pair("Years: source", inputs.years_source)
        w.pair("How it was estimated", inputs.explanation, wrap_chars=90)
    w.skip()

    spend = ctx.view.spend
    w.section("Acquisition cost and return per channel")
    if spend is None or spend.height == 0:
        w.note("CAC " + reasons.sentence("no_spend") + ".")
    elif "channel" not in ctx.view.users.columns:
        w.note("CAC " + reasons.sentence("customers_without_channel") + ".")
    elif any(k != "channel" for k in ctx.filters.active_segments):
        w.note(
            "Ad spend is known per channel and period only: with a filter on another segment "
            "(device, cohort…) CAC would divide all spend by that segment's customers, so it is "
            "left out. Remove that filter to see CAC."
        )
    else:
        # the Value page's computation: new customers = first-ever purchase in the period (from
        # the whole history), each channel's own CLV and payback, ROAS on all its customers
        summary, err = _try(
            lambda: value.value_summary(
                ctx.view.events_with(["channel"]),
                spend,
                purchase_step=ps,
                clv_basis="channel",
                first_purchases=value.new_customers_in_view(
                    ctx.full, ctx.filters, purchase_step=ps
                ),
            )
        )
        if summary is None or summary.channels is None:
            w.note(f"CAC: {err or (summary.spend_note if summary else 'not available')}")
        else:
            w.table(
                summary.channels,
                [
                    Col("channel", "Channel"),
                    Col("spend", "Spend", MONEY),
                    Col("new_customers", "New customers", COUNT),
                    Col("cac", "CAC", MONEY),
                    Col("revenue", "Revenue", MONEY),
                    Col("roas", "ROAS (revenue ÷ spend)", NUMBER),
                    Col("clv", "CLV (channel's own)", MONEY),
                    Col("clv_cac", "CLV / CAC", NUMBER),
                    Col("meets_guide", f"CLV/CAC ≥ {value.GUIDE_RATIO:g}"),
                    Col("payback_months", "Payback (months)", "0.0"),
                    Col("note", "Note"),
                ],
                name="tblChannels",
            )
            if summary.channel_clv_note:
                w.note(summary.channel_clv_note)
    survey = ctx.view.survey
    if survey is not None and "score" in survey.columns:
        w.section("Net Promoter Score (survey)")
        n, err = _try(lambda: advocacy.nps(survey["score"]))
        if n is None or n.nps is None:
            w.note(err or (n.explanation if n else "not available"))
        else:
            w.pair("NPS (−100 to +100)", n.nps * 100, "+0.0;-0.0;0.0")
            w.pair("95 % interval, low", n.ci_low * 100, "+0.0;-0.0;0.0")
            w.pair("95 % interval, high", n.ci_high * 100, "+0.0;-0.0;0.0")
            w.pair("Answers (0–10)", n.n, COUNT)
            w.pair("Promoters (9–10)", n.promoter_share, RATE)
            w.pair("Passives (7–8)", n.passive_share, RATE)
            w.pair("Detractors (0–6)", n.detractor_share, RATE)
            w.pair("Answers left out", n.invalid + n.missing, COUNT)
            w.pair("In words", n.explanation, wrap_chars=90)
    w.fixed[1] = 34
    w.fixed[2] = 16
    w.finish()


# =========================================================================== A/B test


def _ab_rows(ctx: _Context) -> Any:
    """The typed A/B analysis of the view (None: no test), computed once per workbook."""
    from kpi.export.ab_sheet import ab_analysis

    return ctx.memo("ab", lambda: ab_analysis(ctx))


def _ab_sheet(ws: Worksheet, ctx: _Context) -> None:
    from kpi.export.ab_sheet import write_ab_sheet

    write_ab_sheet(ws, _ab_rows(ctx), ctx)


# =========================================================================== Definitions


def _definitions_sheet(ws: Worksheet, ctx: _Context) -> None:
    w = SheetWriter(ws, max_width=40)
    w.title("Definitions")
    w.note("Each KPI's formula in words: the same text as in the app.")
    defs = all_definitions()
    frame = pl.DataFrame(
        {
            "stage": [d.stage for d in defs.values()],
            "label": [d.label for d in defs.values()],
            "unit": [d.unit for d in defs.values()],
            "formula": [d.formula for d in defs.values()],
            "code": list(defs),
        },
        schema={n: pl.String for n in ("stage", "label", "unit", "formula", "code")},
    )
    top = w.row
    w.table(
        frame,
        [
            Col("stage", "Stage"),
            Col("label", "KPI"),
            Col("unit", "Unit"),
            Col("formula", "Formula", width=90, wrap=True),
            Col("code", "Code"),
        ],
        name="tblDefinitions",
    )
    ws.freeze_panes = ws.cell(top + 1, 3)
    w.finish()


# =========================================================================== Data quality


def _quality_sheet(ws: Worksheet, ctx: _Context) -> None:
    w = SheetWriter(ws, max_width=50)
    w.title("Data quality")
    q = quality.quality_summary(ctx.full)
    w.pair("Users (all data)", q.users, COUNT)
    w.pair("Events (all data)", q.events, COUNT)
    w.pair("Period covered", q.period or "(no dates)")
    w.pair("Exact duplicate events", q.duplicate_events, COUNT)
    w.skip()
    w.section("Rows read, kept and dropped, by file and reason")
    top = w.row
    w.table(
        q.accounting,
        [
            Col("file", "File"),
            Col("shape", "Read as"),
            Col("rows_read", "Rows read", COUNT),
            Col("rows_kept", "Rows kept", COUNT),
            Col("reason", "Reason dropped"),
            Col("rows_dropped", "Rows dropped", COUNT),
        ],
        name="tblAccounting",
    )
    w.section("Missing values per column")
    w.table(
        q.missing.sort(["table", "column"]),
        [
            Col("table", "Table"),
            Col("column", "Column"),
            Col("missing", "Missing values", COUNT),
            Col("missing_share", "Share missing", RATE),
        ],
        name="tblMissing",
        style="TableStyleLight9",
    )
    ws.freeze_panes = ws.cell(top + 1, 1)
    w.fixed[1] = 26
    w.finish()
