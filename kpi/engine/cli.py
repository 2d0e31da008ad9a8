"""``python -m kpi report --source SOURCE [--table NAME] [--role COLUMN=ROLE …] -o OUT.xlsx``:
the workbook of a table read in an engine (:mod:`kpi.engine`), every other option as for files.

The source is parsed and opened read-only by :mod:`kpi.engine.source`, its columns mapped to
the canonical roles by :mod:`kpi.engine.roles` (a GA4 export is recognised by
:mod:`kpi.engine.ga4`), and the workbook is written from one
:class:`~kpi.engine.view.EngineView` by :func:`kpi.export.workbook.write_workbook`. The
connection string is never printed: progress lines name the table (its label) and every error
from the engine goes through :func:`kpi.engine.view.engine_error` (secrets removed).
"""

from __future__ import annotations

import argparse
import re
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from kpi.errors import ParcoursError
from kpi.words import Fact

__all__ = ["engine_report", "source_roles"]


def source_roles(specs: Sequence[str]) -> dict[str, str]:
    """``--role COLUMN=ROLE`` (repeatable) -> {column: role}; a ``FILE:`` prefix is refused
    (there is no file with --source)."""
    from kpi.__main__ import _Fail
    from kpi.schema import ROLES

    out: dict[str, str] = {}
    for spec in specs:
        m = re.match(r"^([^=]+)=([A-Za-z_]+)$", spec)
        if not m or ":" in m.group(1):
            raise _Fail(Fact("cli_source.role.syntax", spec=spec))
        column, role = m.group(1).strip(), m.group(2)
        if role not in ROLES:
            raise _Fail(Fact("cli.role.unknown", spec=spec, role=role, roles=list(ROLES)))
        out[column] = role
    return out


def _attr(obj: Any, *names: str) -> Any:
    for name in names:
        if hasattr(obj, name):
            return getattr(obj, name)
    return None


def engine_table(
    native: Any, roles: dict[str, str] | None, label: str, *, keep_invalid: bool = False
) -> Any:
    """The EngineTable of an opened source (:func:`kpi.engine.roles.map_roles`: a GA4 export
    is recognised without roles; ``--role`` overrides the detection). ``keep_invalid``: the
    rows an upload drops kept too (for the data-quality counts)."""
    from kpi.engine.roles import map_roles

    return map_roles(native, roles or None, label=label, keep_invalid=keep_invalid)


def engine_report(args: argparse.Namespace) -> int:
    """The report of ``args.source`` (the command line's ``_report`` for an engine)."""
    from kpi.__main__ import _Fail, _lang, _say
    from kpi.engine.view import EngineView, engine_error

    lang = _lang(args)
    started = time.perf_counter()
    if args.files:
        raise _Fail(Fact("cli_source.with_files", n=len(args.files)))
    roles = source_roles(args.role)
    try:
        from kpi.engine.source import open_source, parse_source

        spec = parse_source(args.source)
        with open_source(spec, table=args.table) as src:
            native = _attr(src, "native", "frame", "relation")
            label = str(_attr(src, "label") or args.table or "")
            table = engine_table(native, roles, label)
            _say(
                args,
                "cli_source.opened",
                table=table.label or "–",
                backend=table.backend,
                columns=len(table.columns),
                seconds=time.perf_counter() - started,
            )
            raw = engine_table(native, roles, label, keep_invalid=True)
            return _write(args, table, started, lang, EngineView, raw)
    except (ParcoursError, _Fail):
        raise
    except Exception as exc:
        raise engine_error(exc) from None


def _write(
    args: argparse.Namespace, table: Any, started: float, lang: Any, view_cls: Any, raw: Any
) -> int:
    from kpi.__main__ import _Fail, _say, exit_for_flags, view_request
    from kpi.export.text import view_text
    from kpi.export.workbook import write_workbook

    filters, options, sections = view_request(
        args, lang, table.segments, table.segments, table.label or None
    )
    view = view_cls(table, filters, options.settings, cohort_grain=args.cohort_grain, raw=raw)
    _ = view.steps, view.segment  # explicit steps or segment the table lacks: said now
    _say(args, "cli.building", view=view_text(filters, lang))
    data = write_workbook(view, options, sections)
    out = Path(args.output)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(data)
    except OSError as exc:
        raise _Fail(Fact("cli.cannot_write", path=str(out), why=str(exc.strerror or exc))) from None
    _say(
        args, "cli.wrote", path=str(out), kb=len(data) / 1024, seconds=time.perf_counter() - started
    )
    from kpi.notify.cli import after_report

    return after_report(
        args, view, options, out, data, exit_for_flags(args, view, options.thresholds, lang)
    )
