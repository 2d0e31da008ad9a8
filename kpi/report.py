"""The Excel summary's import path: :mod:`kpi.export` holds the workbook, one module per sheet.

``kpi.report.build_workbook``, ``ReportOptions``, ``SECTIONS``, ``MIME``, ``file_name``,
``report_flags`` and ``window_text`` are re-exported from :mod:`kpi.export.workbook` and
:mod:`kpi.export.text` so that ``from kpi.report import …`` keeps working. The A/B sheet's
functions (``_ab_rows`` … ``_ab_sheet``) still live here until they move to
``kpi/export/ab_sheet.py``; the workbook finds them in either place.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from typing import Any

import polars as pl
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from kpi import abdata, abdetect, abtest
from kpi.errors import ParcoursError
from kpi.export.cells import COUNT, MONEY, P_VALUE, RATE, SIGNED_RATE, SheetWriter
from kpi.export.context import Context
from kpi.export.summary import HEADLINE, LOWER_IS_BETTER
from kpi.export.text import window_text
from kpi.export.workbook import (
    MIME,
    SECTIONS,
    ReportOptions,
    build_workbook,
    file_name,
    report_flags,
    sheet_title,
)

__all__ = [
    "HEADLINE",
    "LOWER_IS_BETTER",
    "MIME",
    "SECTIONS",
    "ReportOptions",
    "build_workbook",
    "file_name",
    "report_flags",
    "sheet_title",
    "window_text",
]

#: What the sheet writers receive (was the report's own context): the View, options, language.
_Context = Context


# =========================================================================== A/B test

Row = tuple[str, Any, str | None]


def _ab_rows(ctx: _Context) -> list[Row] | None:
    return ctx.memo("ab", lambda: _compute_ab_rows(ctx))


def _compute_ab_rows(ctx: _Context) -> list[Row] | None:
    given = ctx.options.ab_result
    if given is not None:
        return _rows_from_given(given)
    return _headless_ab(ctx)


def _rows_from_given(given: Any) -> list[Row]:
    if isinstance(given, abtest.ABResult):
        return _result_rows(given, ("A", "B"), None)
    summary_rows = getattr(abdata, "ab_summary_rows", None)
    if isinstance(given, Mapping) and "arms" in given and summary_rows is not None:
        given = summary_rows(given)  # the A/B page's export (kpi.abdata.ab_export)
    elif isinstance(given, Mapping):
        items: Iterable[Any] = given.items()
    elif dataclasses.is_dataclass(given) and not isinstance(given, type):
        items = dataclasses.asdict(given).items()
    else:
        items = given
    out: list[Row] = []
    for item in items:
        if isinstance(item, Mapping):
            label = item.get("label", item.get("name", ""))
            val = item.get("value")
            unit = item.get("unit")
        else:
            seq = list(item)
            label, val = seq[0], seq[1] if len(seq) > 1 else None
            unit = seq[2] if len(seq) > 2 else None
        out.append((str(label), val, unit))
    return out


def _headless_ab(ctx: _Context) -> list[Row] | None:
    """The A/B sheet without the page: the same computation (:func:`kpi.abdata.analyse`)
    and rows (:func:`kpi.abdata.ab_summary_rows`) as the A/B page's export.

    From an A/B summary file (``Dataset.counts`` with a variant and visitors/conversions),
    else from the users' A/B assignment column (:func:`kpi.abdetect.assignment_columns`:
    a device, country or category column is never taken) with the converted flag (else the
    first yes/no column, as the page) or "reached the purchase (last) step" as the
    conversion. None when there is no test.
    """
    summary = abdetect.summary_from_counts(ctx.view.counts)
    if summary is not None:
        inputs = {
            "mode": "from data",
            "kind": "A/B summary file",
            "source": ", ".join(s.name for s in ctx.full.sources if s.kind == "counts"),
            "rows_read": summary.rows_read,
            "rows_kept": summary.rows_kept,
            "dropped": dict(summary.dropped),
        }
        return _analysed_rows(summary.table, "variant", inputs, "the A/B summary file's counts")
    users = ctx.view.users
    found = abdetect.assignment_columns(users, ctx.full.segments)
    if not found:
        return None
    variant = found[0].column
    if users[variant].drop_nulls().n_unique() < 2:
        return None
    if ctx.full.flags:  # as the A/B page: the converted flag, else the first yes/no column
        outcome = "converted" if "converted" in ctx.full.flags else ctx.full.flags[0]
        goal = f"the {outcome} flag"
        table_src = users
    else:
        target = ctx.purchase_step or (ctx.steps[-1] if ctx.steps else None)
        if target is None or ctx.view.events.height == 0:
            return None
        steps = ctx.steps if target in ctx.steps else [target]
        ev = (
            ctx.view.events if ctx.view.has_timestamps else ctx.view.events.drop("ts", strict=False)
        )
        try:
            table_src = abdata.with_reached_step(
                users, ev, steps, target, window=ctx.options.window, order=ctx.options.order
            )
        except ParcoursError:
            return None
        outcome, goal = "reached_step", f"reached '{target}'"
    counts = abdata.count_variants(table_src, variant, outcome)
    inputs = {
        "mode": "from data",
        "variant_column": variant,
        "assignment": "detected",
        "conversion": goal,
        "rows_read": counts.rows_read,
        "rows_kept": counts.rows_kept,
        "dropped": dict(counts.dropped),
    }
    return _analysed_rows(counts.table, variant, inputs, goal)


def _analysed_rows(counts: pl.DataFrame, variant: str, inputs: dict, goal: str) -> list[Row] | None:
    names = [str(v) for v in counts[variant].drop_nulls().unique().to_list()]
    if len(names) < 2:
        return None
    try:
        analysis = abdata.analyse(  # the A/B page's defaults: MDE +5 % relative, power 80 %
            counts, variant=variant, control=abdata.default_control(names), mde=0.05, power=0.8
        )
    except ParcoursError:
        return None
    rows: list[Row] = [
        (
            "Computed from",
            f"the data ({inputs.get('kind') or 'assignment column ' + variant})",
            "text",
        ),
        ("Conversion means", goal, "text"),
        ("Control group", analysis.control, "text"),
    ]
    return rows + abdata.ab_summary_rows(abdata.ab_export(analysis, inputs=inputs))


def _result_rows(
    r: abtest.ABResult,
    names: tuple[str, str],
    srm: abtest.SRMCheck | None,
    *,
    comparisons: int = 1,
    adjusted: float | None = None,
) -> list[Row]:
    a, b = names
    method = {"z": "pooled two-proportion z-test", "fisher": "Fisher's exact test"}.get(
        r.method, "none (no test possible)"
    )
    level = f"{1 - r.alpha:.0%}"
    rows: list[Row] = [
        (f"{b} vs {a}: conversion rate {a}", r.rate_a, "rate"),
        (f"{b} vs {a}: conversion rate {b}", r.rate_b, "rate"),
        (f"{b} vs {a}: {level} interval {a} (Wilson), low", _lo(r.ci_a), "rate"),
        (f"{b} vs {a}: {level} interval {a} (Wilson), high", _hi(r.ci_a), "rate"),
        (f"{b} vs {a}: {level} interval {b} (Wilson), low", _lo(r.ci_b), "rate"),
        (f"{b} vs {a}: {level} interval {b} (Wilson), high", _hi(r.ci_b), "rate"),
        (f"{b} vs {a}: absolute difference ({b} − {a}, percentage points)", _pp(r.abs_diff), "pp"),
        (
            f"{b} vs {a}: difference interval (Newcombe, percentage points), low",
            _pp(_lo(r.ci_abs_diff)),
            "pp",
        ),
        (
            f"{b} vs {a}: difference interval (Newcombe, percentage points), high",
            _pp(_hi(r.ci_abs_diff)),
            "pp",
        ),
        (f"{b} vs {a}: relative lift ({b} ÷ {a} − 1)", r.rel_lift, "signed_rate"),
        (f"{b} vs {a}: lift interval (Katz log), low", _lo(r.ci_rel_lift), "signed_rate"),
        (f"{b} vs {a}: lift interval (Katz log), high", _hi(r.ci_rel_lift), "signed_rate"),
        (f"{b} vs {a}: z (pooled)", r.z, "number"),
        (f"{b} vs {a}: p-value, z-test (two-sided)", r.z_p_value, "p"),
        (f"{b} vs {a}: p-value, Fisher exact (two-sided)", r.fisher_p_value, "p"),
        (f"{b} vs {a}: test reported", method, "text"),
        (f"{b} vs {a}: why this test", r.method_reason, "text"),
        (f"{b} vs {a}: p-value reported", r.p_value, "p"),
    ]
    if adjusted is not None:
        rows.append((f"{b} vs {a}: p-value adjusted for {comparisons} comparisons", adjusted, "p"))
    rows += [
        (f"{b} vs {a}: significance level (alpha)", r.alpha, "number"),
        (f"{b} vs {a}: significant", "yes" if r.significant else "no", "text"),
        (f"{b} vs {a}: probability {b} beats {a} (Beta(1,1) priors)", r.prob_b_beats_a, "rate"),
    ]
    if srm is not None:
        rows += [
            ("Sample-ratio mismatch (SRM) p-value", srm.p_value, "p"),
            ("Traffic split check", srm.message, "text"),
        ]
    v = abtest.verdict(
        r,
        names=(a, b),
        srm=srm,
        comparisons=comparisons,
        adjusted_p_value=adjusted,
    )
    rows.append((f"{b} vs {a}: verdict", v.sentence, "text"))
    rows += [(f"{b} vs {a}: caveat", c, "text") for c in v.caveats]
    return rows


def _pp(x: float | None) -> float | None:
    """A difference of two rates in percentage points (× 100), for the "pp" format."""
    return None if x is None else x * 100


def _lo(ci: tuple[float, float] | None) -> float | None:
    return None if ci is None else ci[0]


def _hi(ci: tuple[float, float] | None) -> float | None:
    return None if ci is None else ci[1]


_AB_FORMATS = {
    "rate": RATE,
    "signed_rate": SIGNED_RATE,
    "count": COUNT,
    "number": "0.000",
    "p": P_VALUE,
    "currency": MONEY,
    "pp": '+0.00" pp";-0.00" pp";0.00" pp"',  # percentage points (already ×100)
}


def _guess_unit(label: str, val: Any) -> str | None:
    low = label.lower()
    if isinstance(val, bool) or not isinstance(val, int | float):
        return "text"
    if any(k in low for k in ("p-value", "p value", "p_value")) or low.startswith("p "):
        return "p"
    if any(k in low for k in ("lift", "difference", "diff")):
        return "signed_rate"
    if any(k in low for k in ("rate", "prob", "share", "ci ", "interval", "_low", "_high")):
        return "rate"
    if isinstance(val, int):
        return "count"
    return "number"


def _ab_sheet(ws: Worksheet, ctx: _Context) -> None:
    w = SheetWriter(ws, max_width=90)
    w.title("A/B test")
    rows = _ab_rows(ctx) or []
    source = "the A/B test page" if ctx.options.ab_result is not None else "the data"
    w.note(f"Every number of the test, from {source}. Methods are named in each row.")
    for label, val, unit in rows:
        if label.startswith("## ") and val is None:
            w.skip()
            w.section(label[3:])
            continue
        unit = unit or _guess_unit(label, val)
        verdict_row = label.endswith("verdict") or label.startswith("verdict ")
        w.pair(
            label,
            val,
            _AB_FORMATS.get(unit or ""),
            wrap_chars=100,
            font=Font(bold=True) if verdict_row else None,
        )
    w.fixed[1] = 52
    for col in range(2, 9):
        w.fixed[col] = 15
    w.finish()
