"""Command line: ``python -m kpi report FILE... -o OUT.xlsx`` builds the app's Excel summary.

Files are read with :func:`kpi.load.read_table` and turned into a Dataset by
:mod:`kpi.schema` exactly as the app does; the workbook comes from
:func:`kpi.report.build_workbook`, the function behind the app's download button.
Progress goes to stderr; a problem is one line on stderr and exit code 2; with
``--fail-on-red-flags`` the exit code is 3 when a red flag fires (each flag listed on stderr).
``--lang fr|en`` (default en) writes the workbook and every message in that language (the
words are in :mod:`kpi.words.catalogue.cli` and ``export``).
``--notify TARGET`` sends the red flags to a webhook or by e-mail (:mod:`kpi.notify`); exit
code 4 when an alert was not delivered.
``--source SOURCE [--table NAME] [--role COLUMN=ROLE …]`` reads a table where it lives (DuckDB,
Parquet, Spark, a warehouse) instead of files: :mod:`kpi.engine.cli`, imported only then.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from kpi.calendar import cli as calendar_cli
from kpi.errors import InputError, ParcoursError
from kpi.words import Fact, Lang, render

if TYPE_CHECKING:
    from kpi.dataset import Dataset
    from kpi.export.workbook import ReportOptions
    from kpi.filters import Filters

EXIT_OK, EXIT_ERROR, EXIT_RED_FLAGS = 0, 2, 3

#: One file of more rows than this is read on the streaming route (:mod:`kpi.ingest.scan`,
#: which holds the same figure; kept here so that ``--help`` imports nothing heavy).
BIG_ROWS = 10_000_000

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


def _rate(text: str, lang: Lang = "en") -> float:
    """'2%' or '0.02' -> 0.02."""
    t = text.strip()
    try:
        return float(t[:-1]) / 100 if t.endswith("%") else float(t)
    except ValueError:
        raise argparse.ArgumentTypeError(render("cli.bad_rate", lang, text=text)) from None


def _day(text: str, lang: Lang = "en") -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(render("cli.bad_date", lang, text=text)) from None


def _argv_lang(argv: Sequence[str]) -> Lang:
    """``--lang fr`` (or ``--lang=fr``) anywhere in the arguments: the help and the argument
    errors in French too (the parser is built before the arguments are read)."""
    args = list(argv)
    for i, a in enumerate(args):
        if a == "--lang" and i + 1 < len(args):
            return "fr" if args[i + 1] == "fr" else "en"
        if a.startswith("--lang="):
            return "fr" if a.split("=", 1)[1] == "fr" else "en"
    return "en"


#: argparse's own words (its gettext messages) -> catalogue code, for ``--lang fr``
_ARGPARSE_WORDS = {
    "usage: ": "cli.argparse.usage",
    "positional arguments": "cli.argparse.positional",
    "options": "cli.argparse.options",
    "show this help message and exit": "cli.argparse.help",
    "argument %(argument_name)s: %(message)s": "cli.argparse.argument",
    "the following arguments are required: %s": "cli.argparse.required",
    "unrecognized arguments: %s": "cli.argparse.unrecognized",
    "invalid choice: %(value)r (choose from %(choices)s)": "cli.argparse.invalid_choice",
    "expected one argument": "cli.argparse.expected_one",
    "ambiguous option: %(option)s could match %(matches)s": "cli.argparse.ambiguous",
}


@contextmanager
def _argparse_in(lang: Lang) -> Iterator[None]:
    """argparse's own words (usage, options, its errors) in ``lang`` while parsing and
    printing help; restored afterwards (``main`` may run inside another program)."""
    if lang == "en":
        yield
        return
    original = argparse._  # type: ignore[attr-defined]

    def translated(text: str) -> str:
        code = _ARGPARSE_WORDS.get(text)
        return render(code, lang) if code else original(text)

    argparse._ = translated  # type: ignore[attr-defined]
    try:
        yield
    finally:
        argparse._ = original  # type: ignore[attr-defined]


class _Parser(argparse.ArgumentParser):
    """Argument errors as one line in the chosen language (``erreur : …``), exit code 2."""

    lang: Lang = "en"

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        print(render(Fact("cli.error", text=message), self.lang), file=sys.stderr)
        raise SystemExit(EXIT_ERROR)


def build_parser(lang: Lang = "en") -> argparse.ArgumentParser:
    """The ``python -m kpi`` parser, its descriptions and help in ``lang``."""

    def h(code: str) -> str:  # argparse %-formats help texts: a literal % is written %%
        return render(f"cli.help.{code}", lang).replace("%", "%%")

    def rate(text: str) -> float:
        return _rate(text, lang)

    def day(text: str) -> date:
        return _day(text, lang)

    parser = _Parser(
        prog="python -m kpi",
        description=render("cli.help.description", lang),
        epilog=render("cli.help.epilog", lang),
    )
    parser.lang = lang
    sub = parser.add_subparsers(dest="command", metavar=render("cli.help.command", lang))
    r = sub.add_parser(
        "report",
        help=h("report"),
        description=render("cli.help.report_description", lang),
    )
    r.lang = lang  # type: ignore[attr-defined]
    r.add_argument("files", nargs="*", metavar=render("cli.help.file", lang), help=h("files"))
    r.add_argument("-o", "--output", required=True, metavar="OUT.xlsx", help=h("output"))
    _source_arguments(r, lang)
    g = r.add_argument_group(render("cli.help.group.reading", lang))
    g.add_argument("--encoding", help=h("encoding"))
    big = g.add_mutually_exclusive_group()
    big.add_argument(
        "--big",
        dest="big",
        action="store_const",
        const=True,
        default=None,
        help=render("cli.help.big", lang, rows=BIG_ROWS).replace("%", "%%"),
    )
    big.add_argument("--no-big", dest="big", action="store_const", const=False, help=h("no_big"))
    g.add_argument("--delimiter", help=h("delimiter"))
    g.add_argument(
        "--role",
        action="append",
        default=[],
        metavar="FILE:COLUMN=ROLE",
        help=h("role"),
    )
    g.add_argument(
        "--cohort-grain",
        choices=["week", "month"],
        default="month",
        help=h("cohort_grain"),
    )
    g = r.add_argument_group(render("cli.help.group.funnel", lang))
    g.add_argument("--steps", help=h("steps"))
    g.add_argument("--window", default="14d", help=h("window"))
    g.add_argument(
        "--order",
        choices=["sequential", "any"],
        default="sequential",
        help=h("order"),
    )
    g.add_argument("--open-funnel", action="store_true", help=h("open_funnel"))
    g.add_argument("--segment", metavar="NAME", help=h("segment"))
    g.add_argument("--why-step", type=int, metavar="N", help=h("why_step"))
    for flag, metavar, code in (
        ("--exclude", "EVENT:FROM:TO", "exclude_help"),
        ("--step-window", "STEP=DURATION", "window_help"),
    ):
        g.add_argument(
            flag,
            action="append",
            default=[],
            metavar=metavar,
            help=render(f"funnel_rules.cli.{code}", lang).replace("%", "%%"),
        )
    g = r.add_argument_group(render("cli.help.group.view", lang))
    g.add_argument(
        "--filter",
        action="append",
        default=[],
        metavar="COLUMN=VALUE[,VALUE]",
        help=h("filter"),
    )
    g.add_argument("--from", dest="start", type=day, metavar="YYYY-MM-DD", help=h("from"))
    g.add_argument("--to", dest="end", type=day, metavar="YYYY-MM-DD", help=h("to"))
    g = r.add_argument_group(render("cli.help.group.flags", lang))
    g.add_argument("--min-conversion", type=rate, default=0.02, help=h("min_conversion"))
    g.add_argument("--max-cart-abandonment", type=rate, default=0.70, help=h("max_cart"))
    g.add_argument("--max-bounce", type=rate, default=0.50, help=h("max_bounce"))
    g.add_argument("--max-duration-drop", type=rate, default=0.20, help=h("max_duration_drop"))
    g.add_argument("--fail-on-red-flags", action="store_true", help=h("fail_on_red_flags"))
    g.add_argument("--targets", metavar="FILE", help=render("targets.cli.help", lang))
    from kpi.notify.cli import add_arguments as notify_arguments

    notify_arguments(r, lang)
    g = r.add_argument_group(render("cli.help.group.workbook", lang))
    g.add_argument("--lang", choices=["en", "fr"], default="en", help=h("lang"))
    g.add_argument("--sheets", help=h("sheets"))
    g.add_argument("--title", help=h("title"))
    calendar_cli.arguments(r, lang)  # --events, --holidays, --retail-periods
    g.add_argument(
        "--no-year-before",
        dest="year_before",
        action="store_false",
        help=render("year_before.cli.no_year_before", lang),
    )
    r.add_argument("-q", "--quiet", action="store_true", help=h("quiet"))
    return parser


def _source_arguments(r: argparse.ArgumentParser, lang: Lang) -> None:
    """``--source SOURCE`` and ``--table NAME``: read a table in an engine instead of files
    (:mod:`kpi.engine`); ``--role COLUMN=ROLE`` then names a column of that table."""

    def h(code: str) -> str:
        return render(f"cli_source.help.{code}", lang).replace("%", "%%")

    g = r.add_argument_group(render("cli_source.help.group", lang))
    g.add_argument("--source", metavar="SOURCE", help=h("source"))
    g.add_argument("--table", metavar="NAME", help=h("table"))


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


def exit_for_flags(args: argparse.Namespace, view: Any, thresholds: Any, lang: Lang) -> int:
    """With --fail-on-red-flags, the view's red flags on stderr and EXIT_RED_FLAGS; else 0."""
    from kpi.export.text import words

    flags = view.red_flags(thresholds) if args.fail_on_red_flags else []
    for f in flags:
        level = render(f"cli.flag.{'alert' if f.level == 'alert' else 'warning'}", lang)
        fact = Fact(
            "cli.flag", level=level, title=words(f.title, lang), message=words(f.message, lang)
        )
        print(render(fact, lang), file=sys.stderr)
    return EXIT_RED_FLAGS if flags else EXIT_OK


def view_request(
    args: argparse.Namespace,
    lang: Lang,
    columns: Sequence[str],
    segments_shown: Sequence[str],
    source_label: str | None,
) -> tuple[Filters, ReportOptions, list[str]]:
    """The view the options ask for (filters, report options, sheets), the same for files and
    for a connected source; ``columns``: the segment columns a filter may name."""
    from kpi import alerts
    from kpi.export.workbook import SECTIONS, ReportOptions
    from kpi.filters import Filters
    from kpi.settings import FunnelSettings

    segments = _segments(args.filter)
    for col in segments:
        if col not in columns:
            raise _Fail(Fact("cli.filter.no_segment", segment=col, segments=list(segments_shown)))
    if args.start and args.end and args.start > args.end:
        raise _Fail(Fact("cli.from_after_to"))
    filters = Filters(start=args.start, end=args.end, segments=segments)
    thresholds = alerts.Thresholds(
        min_conversion=args.min_conversion,
        max_cart_abandonment=args.max_cart_abandonment,
        max_bounce=args.max_bounce,
        max_session_duration_drop=args.max_duration_drop,
        targets=_targets(args, lang),
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
            **_funnel_rules(args, steps),
        ),
        cohort_grain=args.cohort_grain,
        thresholds=thresholds,
        title=args.title,
        source_label=source_label,
        lang=lang,
        why_step=getattr(args, "why_step", None),
        calendar=calendar_cli.settings(args, lang),
        year_before=getattr(args, "year_before", True),
    )
    sections = (
        [s.strip() for s in args.sheets.split(",") if s.strip()] if args.sheets else list(SECTIONS)
    )
    return filters, options, sections


def _targets(args: argparse.Namespace, lang: Lang) -> Any:
    """The ``--targets FILE`` (:func:`kpi.targets.read_csv`): what was read and every row
    ignored said on stderr; no file: no targets."""
    from kpi import targets as tg

    path = getattr(args, "targets", None)
    if not path:
        return tg.Targets()
    p = Path(path)
    if not p.is_file():
        raise _Fail(Fact("cli.no_such_file", path=str(p)))
    read = tg.read_csv(p.read_bytes())
    _say(args, "targets.cli.read", summary=read.summary())
    for problem in read.problems:
        _say(args, "targets.cli.problem", problem=problem)
    return read.targets


def _funnel_rules(args: argparse.Namespace, steps: Sequence[str] | None) -> dict:
    """``--exclude`` and ``--step-window`` as FunnelSettings fields (:mod:`kpi.funnel.options`)."""
    from kpi.funnel.options import exclusion_of, step_window_of

    return {
        "exclusions": tuple(exclusion_of(x, steps) for x in args.exclude),
        "step_windows": tuple(step_window_of(w, steps) for w in args.step_window),
    }


def _report(args: argparse.Namespace) -> int:
    from kpi.export.workbook import build_workbook, view_for

    lang = _lang(args)
    from kpi.notify.cli import after_report, check_targets

    check_targets(args)  # a --notify target without its secret: said before reading
    if getattr(args, "source", None):
        from kpi.engine.cli import engine_report

        return engine_report(args)
    if getattr(args, "table", None):
        raise _Fail(Fact("cli_source.table_without_source"))
    if not args.files:
        raise _Fail(Fact("cli_source.nothing_to_read"))
    started = time.perf_counter()
    files = [Path(f) for f in args.files]
    for p in files:
        if not p.is_file():
            raise _Fail(Fact("cli.no_such_file", path=str(p)))
    roles = _roles(args.role, files)
    ds = _streamed(args, files, roles) if _wants_stream(args, files) else None
    if ds is None:
        ds = _in_memory(args, files, roles)
    filters, options, sections = view_request(
        args, lang, ds.users.columns, ds.segments, ", ".join(p.name for p in files)
    )
    from kpi.export.text import view_text

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
    code = exit_for_flags(args, view, options.thresholds, lang)
    return after_report(args, view, options, out, data, code)


def _wants_stream(args: argparse.Namespace, files: Sequence[Path]) -> bool:
    """The streaming route: asked with --big, or automatic for one file of more than BIG_ROWS
    rows (a Parquet file's own count, a CSV's estimated from its size and first lines)."""
    if args.big is True:
        if len(files) != 1:
            raise _Fail(Fact("cli.big_one_file", n=len(files)))
        return True
    if args.big is False or len(files) != 1:
        return False
    from kpi.ingest.scan import is_big

    return is_big(files[0], BIG_ROWS)


def _streamed(
    args: argparse.Namespace, files: Sequence[Path], roles: dict[str, dict[str, str]]
) -> Dataset | None:
    """The Dataset of one big file read in a stream; None (automatic choice) when the file
    needs the normal route, which is then used (said on stderr)."""
    from kpi.ingest.scan import ScanUnsupported, scan_dataset

    p = files[0]
    t0 = time.perf_counter()
    try:
        scanned = scan_dataset(
            p,
            filename=p.name,
            encoding=args.encoding,
            delimiter=args.delimiter,
            roles=roles.get(str(p), {}),
            cohort_grain=args.cohort_grain,
        )
    except ScanUnsupported as exc:
        if args.big:
            raise
        _say(args, "cli.stream_fallback", file=p.name, why=exc.text(_lang(args)))
        return None
    _say(
        args,
        "cli.read_stream",
        file=p.name,
        format=scanned.format,
        kept=scanned.rows_kept,
        read=scanned.rows_read,
        kind=_kind(scanned.kind, _lang(args)),
        seconds=time.perf_counter() - t0,
    )
    return scanned.dataset


def _in_memory(
    args: argparse.Namespace, files: Sequence[Path], roles: dict[str, dict[str, str]]
) -> Dataset:
    """The app's route: :func:`kpi.load.read_table` per file, then one Dataset."""
    from kpi.load import read_table
    from kpi.schema import TableInput, build_dataset, detect_roles, table_name

    lang = _lang(args)
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
    return build_dataset(inputs, cohort_grain=args.cohort_grain)


def _kind(kind: str, lang: Lang) -> str:
    try:
        return render(f"export.kind.{kind}", lang)
    except KeyError:
        return kind


#: polars' allocator (jemalloc) gives freed pages back to the system at once, by a background
#: thread, instead of holding them for reuse: a 50M-event report holds about 1.2 GB less
#: after the streaming read (bench/README, "Past the upload limit")
ALLOCATOR = "background_thread:true,dirty_decay_ms:0,muzzy_decay_ms:0"


def _allocator_returns_memory() -> None:
    """Before polars is loaded (its allocator reads the setting once); a setting of the
    environment wins."""
    import os

    if "polars" not in sys.modules:
        os.environ.setdefault("_RJEM_MALLOC_CONF", ALLOCATOR)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    argv = sys.argv[1:] if argv is None else list(argv)
    _allocator_returns_memory()
    with _argparse_in(_argv_lang(argv)):
        parser = build_parser(_argv_lang(argv))
        args = parser.parse_args(argv)
    if args.command is None:
        with _argparse_in(_argv_lang(argv)):
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
