"""The Definitions sheet: each KPI's name, unit and formula in words, as the app shows them."""

from __future__ import annotations

import polars as pl
from openpyxl.worksheet.worksheet import Worksheet

from kpi.definitions import all_definitions
from kpi.export.cells import Col, SheetWriter
from kpi.export.context import Context
from kpi.export.text import kpi_formula, kpi_label, say, stage_name

__all__ = ["write"]


def write(ws: Worksheet, ctx: Context) -> None:
    lang = ctx.lang
    w = SheetWriter(ws, max_width=40, lang=lang)
    w.title(say("export.sheet.definitions", lang))
    w.note(say("export.definitions.note", lang))
    defs = all_definitions()
    frame = pl.DataFrame(
        {
            "stage": [stage_name(d.stage, lang) for d in defs.values()],
            "label": [kpi_label(code, lang) for code in defs],
            "unit": [_unit(d.unit, lang) for d in defs.values()],
            "formula": [kpi_formula(code, lang) for code in defs],
            "code": list(defs),
        },
        schema={n: pl.String for n in ("stage", "label", "unit", "formula", "code")},
    )
    top = w.row
    w.table(
        frame,
        [
            Col("stage", say("export.col.stage", lang)),
            Col("label", say("export.col.kpi", lang)),
            Col("unit", say("export.col.unit", lang)),
            Col("formula", say("export.col.formula", lang), width=90, wrap=True),
            Col("code", say("export.col.code", lang)),
        ],
        name="tblDefinitions",
    )
    ws.freeze_panes = ws.cell(top + 1, 3)
    w.skip()
    w.section(say("funnel_rules.definition_label", lang))
    w.note(say("funnel_rules.definition", lang))
    w.finish()


def _unit(unit: str, lang: str) -> str:
    try:
        return say(f"export.unit.{unit}", lang)  # type: ignore[arg-type]
    except KeyError:
        return unit
