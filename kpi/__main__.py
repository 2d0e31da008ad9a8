"""Command line: ``python -m kpi report FILE... -o OUT.xlsx`` builds the app's Excel summary.

Files are read with :func:`kpi.load.read_table` and turned into a Dataset by
:mod:`kpi.schema` exactly as the app does; the workbook comes from
:func:`kpi.report.build_workbook`, the function behind the app's download button.
Progress goes to stderr; a problem is one line on stderr and exit code 2; with
``--fail-on-red-flags`` the exit code is 3 when a red flag fires (each flag listed on stderr).
``--lang fr|en`` (default en) writes the workbook and every message in that language (the
words are in :mod:`kpi.words.catalogue.cli` and ``export``).
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections.abc import Sequence
from datetime import date, timedelta
from pathlib import Path

from kpi.errors import InputError, ParcoursError
from kpi.words import Fact, Lang, render

EXIT_OK, EXIT_ERROR, EXIT_RED_FLAGS = 0, 2, 3

_WINDOW = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(w|d|h|m|min|s)\s*$", re.I)
_UNITS = {"w": 604800, "d": 86400, "h": 3600, "m": 60, "min": 60, "s": 1}


class _Fail(Exception):
    """A problem to report on one line (exit code 2): a fact rendered in the chosen language."""

    def __init__(self, message: Fact) -> None:
        self.message = message
        super().__init__(render(message, "en"))

    def text(self, lang: Lang = "en") -> str:
        return render(self.message, lang)


def parse_window(text: str) -> timedelta:
    """'14d' -> 14 days, '2h', '30m', '45s', '1w'."""
    m = _WINDOW.match(text)
    if not m:
        raise InputError(
            Fact("cli.window.bad", text=text),
            Fact("cli.window.hint", examples=["14d", "2h", "30m", "45s", "1w"]),
        )
    return timedelta(seconds=float(m.group(1)) * _UNITS[m.group(2).lower()])


def _rate(text: str) -> float:
    """'2%' or '0.02' -> 0.02."""
    t = text.strip()
    try:
        return float(t[:-1]) / 100 if t.endswith("%") else float(t)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a rate: {text!r} (use 0.02 or 2%)") from None


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date: {text!r} (use YYYY-MM-DD)") from None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m kpi",
        description="Parcours from the command line: headless Excel summaries of "
        "customer-journey KPIs, the same workbook as the app's download button.",
        epilog="Run 'python -m kpi report --help' for every option of the report.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    r = sub.add_parser(
        "report",
        help="build the Excel summary from exports (CSV, TSV, XLSX, Parquet, JSON/NDJSON, .gz)",
        description="Build the Excel summary (Summary, Funnel, Stage KPIs, Retention, Value, "
        "A/B test, Definitions, Data quality) from one or several exports, read and mapped "
        "exactly as the app does. Exit codes: 0 done, 2 error, 3 red flags with "
        "--fail-on-red-flags.",
    )
    r.add_argument("files", nargs="+", metavar="FILE", help="input files (several at once)")
    r.add_argument("-o", "--output", required=True, metavar="OUT.xlsx", help="workbook to write")
    g = r.add_argument_group("reading")
    g.add_argument("--encoding", help="text encoding of every CSV, e.g. cp1252 (default: detected)")
    g.add_argument("--delimiter", help="field separator of every CSV, e.g. ';' (default: detected)")
    g.add_argument(
        "--role",
        action="append",
        default=[],
        metavar="FILE:COLUMN=ROLE",
        help="set a column's role when detection needs help (repeatable), e.g. "
        "orders.csv:Client=user_id; ROLE is one of: user_id, ts, step, session_id, revenue, "
        "quantity, unit_price, order_id, device, channel, variant, cohort, signup, segment, "
        "converted, step_flag, spend, impressions, clicks, score, count, rate, period, "
        "metric, stage (a CRM lifecycle or deal stage), ignore",
    )
    g.add_argument(
        "--cohort-grain",
        choices=["week", "month"],
        default="month",
        help="cohorts by first-seen (or signup) month or ISO week (default: month)",
    )
    g = r.add_argument_group("funnel")
    g.add_argument("--steps", help="funnel steps in order, comma-separated (default: from data)")
    g.add_argument(
        "--window",
        default="14d",
        help="conversion window from step 1: 14d, 2h, 30m, or 'none' (default: 14d, as in the "
        "app; ignored for data without timestamps)",
    )
    g.add_argument(
        "--order",
        choices=["sequential", "any"],
        default="sequential",
        help="sequential: steps in order, other events may come between; any: in any order "
        "(default: sequential)",
    )
    g.add_argument(
        "--open-funnel",
        action="store_true",
        help="users may enter at any step (GA4's open funnel); default: closed, from step 1",
    )
    g.add_argument("--segment", metavar="NAME", help="breakdown segment (e.g. device, channel)")
    g = r.add_argument_group("view")
    g.add_argument(
        "--filter",
        action="append",
        default=[],
        metavar="COLUMN=VALUE[,VALUE]",
        help="keep users whose segment has one of the values (repeatable)",
    )
    g.add_argument("--from", dest="start", type=_day, metavar="YYYY-MM-DD", help="period start")
    g.add_argument("--to", dest="end", type=_day, metavar="YYYY-MM-DD", help="period end")
    g = r.add_argument_group("red flags (rates as 0.02 or 2%%)")
    g.add_argument(
        "--min-conversion",
        type=_rate,
        default=0.02,
        help="alert below this conversion rate, purchasers / visitors (default: 0.02)",
    )
    g.add_argument(
        "--max-cart-abandonment",
        type=_rate,
        default=0.70,
        help="warn above this cart abandonment, 1 - purchasers / cart users (default: 0.70)",
    )
    g.add_argument(
        "--max-bounce",
        type=_rate,
        default=0.50,
        help="warn above this bounce rate on landing pages (default: 0.50)",
    )
    g.add_argument(
        "--max-duration-drop",
        type=_rate,
        default=0.20,
        help="warn when the average session duration falls by more than this from one month "
        "to the next (default: 0.20)",
    )
    g.add_argument(
        "--fail-on-red-flags",
        action="store_true",
        help="exit with code 3 when any red flag fires, listing them on stderr",
    )
    g = r.add_argument_group("workbook")
    g.add_argument(
        "--lang",
        choices=["en", "fr"],
        default="en",
        help="language of the workbook (sheet names, headers, definitions, notes) and of these "
        "messages: en (English, default) or fr (français). Numbers stay numbers",
    )
    g.add_argument(
        "--sheets",
        help="comma-separated sheet codes (default: all): summary, funnel, stages, retention, "
        "value, ab, definitions, quality",
    )
    g.add_argument(
        "--title", help="title on the Summary sheet (default: Parcours summary / Synthèse Parcours)"
    )
    r.add_argument("-q", "--quiet", action="store_true", help="no progress on stderr")
    return parser


def _lang(args: argparse.Namespace) -> Lang:
    return "fr" if getattr(args, "lang", "en") == "fr" else "en"


def _say(args: argparse.Namespace, code: str, **values: object) -> None:
    """One progress line on stderr, in the chosen language (nothing with --quiet)."""
    if not args.quiet:
        print(render(Fact(code, **values), _lang(args)), file=sys.stderr, flush=True)


def _roles(specs: Sequence[str], files: Sequence[Path]) -> dict[str, dict[str, str]]:
    from kpi.schema import ROLES

    out: dict[str, dict[str, str]] = {}
    for spec in specs:
        m = re.match(r"^(.+):([^:=]+)=([A-Za-z_]+)$", spec)
        if not m:
            raise _Fail(Fact("cli.role.syntax", spec=spec))
        file, column, role = m.groups()
        if role not in ROLES:
            raise _Fail(Fact("cli.role.unknown", spec=spec, role=role, roles=list(ROLES)))
        matches = [p for p in files if file in (str(p), p.name)]
        if not matches:
            raise _Fail(Fact("cli.role.no_file", spec=spec, file=file))
        out.setdefault(str(matches[0]), {})[column] = role
    return out


def _segments(specs: Sequence[str]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for spec in specs:
        column, sep, values = spec.partition("=")
        vals = [v.strip() for v in values.split(",") if v.strip()]
        if not sep or not column.strip() or not vals:
            raise _Fail(Fact("cli.filter.syntax", spec=spec))
        out.setdefault(column.strip(), []).extend(vals)
    return out


def _report(args: argparse.Namespace) -> int:
    from kpi import alerts
    from kpi.export.workbook import SECTIONS, ReportOptions, build_workbook, view_for
    from kpi.filters import Filters
    from kpi.load import read_table
    from kpi.schema import TableInput, build_dataset, detect_roles, table_name
    from kpi.settings import FunnelSettings

    lang = _lang(args)

    started = time.perf_counter()
    files = [Path(f) for f in args.files]
    for p in files:
        if not p.is_file():
            raise _Fail(Fact("cli.no_such_file", path=str(p)))
    roles = _roles(args.role, files)
    inputs = []
    for p in files:
        t0 = time.perf_counter()
        table = read_table(
            p, filename=p.name, encoding=args.encoding, delimiter=args.delimiter, max_mb=None
        )
        detected = detect_roles(table.frame, filename=p.name)
        given = roles.get(str(p), {})
        missing = [c for c in given if c not in table.frame.columns]
        if missing:
            raise _Fail(
                Fact(
                    "cli.role.no_column",
                    file=p.name,
                    column=missing[0],
                    columns=list(table.frame.columns),
                )
            )
        inputs.append(TableInput.from_table(table_name(p.name), table, roles={**detected, **given}))
        _say(
            args,
            "cli.read",
            file=p.name,
            kept=table.report.rows_kept,
            read=table.report.rows_read,
            kind=_kind(inputs[-1].kind, lang),
            seconds=time.perf_counter() - t0,
        )
    ds = build_dataset(inputs, cohort_grain=args.cohort_grain)
    segments = _segments(args.filter)
    for col in segments:
        if col not in ds.users.columns:
            raise _Fail(Fact("cli.filter.no_segment", segment=col, segments=list(ds.segments)))
    if args.start and args.end and args.start > args.end:
        raise _Fail(Fact("cli.from_after_to"))
    filters = Filters(start=args.start, end=args.end, segments=segments)
    thresholds = alerts.Thresholds(
        min_conversion=args.min_conversion,
        max_cart_abandonment=args.max_cart_abandonment,
        max_bounce=args.max_bounce,
        max_session_duration_drop=args.max_duration_drop,
    )
    steps = tuple(s.strip() for s in args.steps.split(",") if s.strip()) if args.steps else None
    window = None if args.window.strip().lower() in ("", "none") else parse_window(args.window)
    options = ReportOptions(
        funnel=FunnelSettings(
            steps=steps or None,
            order=args.order,
            window=window,
            open_funnel=args.open_funnel,
            segment=args.segment,
        ),
        cohort_grain=args.cohort_grain,
        thresholds=thresholds,
        title=args.title,
        source_label=", ".join(p.name for p in files),
        lang=lang,
    )
    sections = (
        [s.strip() for s in args.sheets.split(",") if s.strip()] if args.sheets else list(SECTIONS)
    )
    from kpi.export.text import view_text, words

    _say(args, "cli.building", view=view_text(filters, lang))
    view = view_for(ds, filters, options)  # one computation: the workbook and the red flags
    data = build_workbook(ds, filters, options=options, sections=sections, view=view)
    out = Path(args.output)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(data)
    except OSError as exc:
        raise _Fail(Fact("cli.cannot_write", path=str(out), why=str(exc.strerror or exc))) from None
    _say(
        args,
        "cli.wrote",
        path=str(out),
        kb=len(data) / 1024,
        seconds=time.perf_counter() - started,
    )
    if args.fail_on_red_flags:
        flags = view.red_flags(options.thresholds)
        if flags:
            for f in flags:
                level = render(f"cli.flag.{'alert' if f.level == 'alert' else 'warning'}", lang)
                print(
                    render(
                        Fact(
                            "cli.flag",
                            level=level,
                            title=words(f.title, lang),
                            message=words(f.message, lang),
                        ),
                        lang,
                    ),
                    file=sys.stderr,
                )
            return EXIT_RED_FLAGS
    return EXIT_OK


def _kind(kind: str, lang: Lang) -> str:
    try:
        return render(f"export.kind.{kind}", lang)
    except KeyError:
        return kind


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(sys.stderr)
        return EXIT_ERROR
    lang = _lang(args)

    def error(text: str) -> None:
        print(render(Fact("cli.error", text=_one_line(text)), lang), file=sys.stderr)

    try:
        return _report(args)
    except (ParcoursError, _Fail) as exc:
        error(exc.text(lang))
        return EXIT_ERROR
    except MemoryError:
        error(render("cli.memory", lang))
        return EXIT_ERROR
    except KeyboardInterrupt:
        error(render("cli.interrupted", lang))
        return 130


def _one_line(text: str) -> str:
    """Line breaks and runs of spaces as one space (no-break spaces of French stay)."""
    return re.sub(r"[ \t\r\n\f\v]+", " ", text).strip()


if __name__ == "__main__":
    sys.exit(main())
