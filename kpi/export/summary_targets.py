"""The Summary sheet's KPI table, the one a manager forwards: KPI, value, target, previous
period, [same period a year before], change, gap to target, status.

The status cells are coloured by conditional-formatting rules on their own text (openpyxl
``CellIsRule``), so the colour follows the cell when a reader edits or sorts it. Targets come
from the options' thresholds (:class:`kpi.alerts.Thresholds` ``targets``); a KPI with a target
but no headline row (NPS, retention at period N, CAC…) gets a row after the headline KPIs.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from kpi import targets as tg
from kpi.export.cells import SIGNED_RATE, Col, SheetWriter, change_format, change_scale, unit_format
from kpi.export.context import Context, currency_of
from kpi.export.kpi_table import apply_signed, kpi_rows
from kpi.export.text import say, words

__all__ = ["STATUS_STYLE", "after_previous", "headline_table", "status_rules"]

#: status -> (fill, font colour) of its cells (green / amber / red, Excel's "good / neutral /
#: bad" cell styles)
STATUS_STYLE: dict[str, tuple[str, str]] = {
    "on": ("C6EFCE", "006100"),
    "close": ("FFEB9C", "9C5700"),
    "off": ("FFC7CE", "9C0006"),
}


def after_previous(ctx: Context, rows: pl.DataFrame) -> tuple[pl.DataFrame, list[Col]]:
    """The column right after "previous period": the same period a year before
    (:func:`kpi.export.year_before_sheet.summary_column`; none when the workbook leaves it
    out). Returns the rows (with that column added) and its :class:`Col`."""
    from kpi.export import year_before_sheet

    return year_before_sheet.summary_column(ctx, rows)


def _rows(ctx: Context, codes: Sequence[str]) -> tuple[pl.DataFrame, dict]:
    """The headline KPIs (and every other KPI with a target) with target, gap and status."""
    lang = ctx.lang
    targets = ctx.options.thresholds.targets
    stage = {k.code for k in ctx.kpis()}
    wanted = list(codes) + [k for k, _ in targets if k in stage and k not in codes]
    rows, formats = kpi_rows(ctx, wanted)
    units = list(formats["unit"])
    values: dict[str, float | None] = {}
    if len(targets):
        values = tg.values_of(ctx.results, [k for k, _ in targets])
    codes_shown = rows["code"].to_list() if "code" in rows.columns else []
    extra = [k for k, _ in targets if k not in codes_shown]
    money = currency_of(ctx)
    if extra:
        add = pl.DataFrame(
            {
                "code": extra,
                "label": [words(tg.label_fact(k), lang) for k in extra],
                "value": [values.get(k) for k in extra],
            },
            schema={"code": pl.String, "label": pl.String, "value": pl.Float64},
        )
        rows = pl.concat([rows, add], how="diagonal_relaxed")
        extra_units = [_excel_unit(tg.unit_of(k)) for k in extra]
        units += extra_units
        formats = {
            "value": formats["value"] + [unit_format(u, lang, currency=money) for u in extra_units],
            "signed": formats["signed"]
            + [change_format(u, lang, currency=money) for u in extra_units],
            "unit": units,
        }
    target_col, gap_col, status_col = [], [], []
    for code, value, unit in zip(
        rows["code"].to_list(), rows["value"].to_list(), units, strict=True
    ):
        target = targets.get(code)
        scale = 1 / 86_400 if unit == "seconds" else 1.0  # durations in days, as the value
        a = tg.assess(code, None if value is None else value / scale, target)
        target_col.append(None if target is None else target * scale)
        # a rate's gap in points (+0.51 pp), money and counts in their unit
        gap_col.append(None if a is None else a.gap * scale * change_scale(unit))
        status_col.append(
            None if target is None else say(f"targets.status.{a.status if a else 'none'}", lang)  # type: ignore[arg-type]
        )
    rows = rows.with_columns(
        pl.Series("target", target_col, dtype=pl.Float64),
        pl.Series("gap", gap_col, dtype=pl.Float64),
        pl.Series("status", status_col, dtype=pl.String),
    )
    return rows, formats


def _excel_unit(unit: str) -> str:
    return "number" if unit == "points" else unit


def headline_table(w: SheetWriter, ctx: Context, codes: Sequence[str]) -> bool:
    """Write the KPI table at the writer's row; False when no KPI applies (nothing written)."""
    lang = ctx.lang
    rows, formats = _rows(ctx, codes)
    if not rows.height:
        return False
    rows, slot = after_previous(ctx, rows)
    columns = [
        Col("label", say("export.col.kpi", lang)),
        Col("value", say("export.col.value", lang)),
        Col("target", say("targets.col.target", lang)),
        Col("previous", say("export.col.previous", lang)),
        *slot,  # the same period a year before
        Col("abs_change", say("export.col.change", lang)),
        Col("rel_change", say("export.col.change_pct", lang), SIGNED_RATE),
        Col("gap", say("targets.col.gap", lang)),
        Col("status", say("targets.col.status", lang)),
    ]
    first, last = w.table(
        rows,
        columns,
        name="tblHeadline",
        row_formats=formats["value"],
        format_columns=("value", "previous", "target", *(c.name for c in slot)),
    )
    names = [c.name for c in columns]
    apply_signed(w.ws, first, names.index("abs_change") + 1, formats["signed"])
    apply_signed(w.ws, first, names.index("gap") + 1, formats["signed"])
    status_rules(w, first, last, names.index("status") + 1)
    w.row -= 1
    has_targets = rows["target"].is_not_null().any()
    w.note(say("targets.sheet.note" if has_targets else "targets.sheet.none", lang))
    return True


def status_rules(w: SheetWriter, first: int, last: int, col: int) -> None:
    """Green / amber / red on the status cells, by rules on their text (in the sheet's
    language), so that the colour follows the cell."""
    letter = get_column_letter(col)
    ref = f"{letter}{first}:{letter}{last}"
    for status, (fill, colour) in STATUS_STYLE.items():
        text = say(f"targets.status.{status}", w.lang)  # type: ignore[arg-type]
        w.ws.conditional_formatting.add(
            ref,
            CellIsRule(
                operator="equal",
                formula=[f'"{text}"'],
                fill=PatternFill(start_color=fill, end_color=fill, fill_type="solid"),
                font=Font(color=colour, bold=True),
            ),
        )
