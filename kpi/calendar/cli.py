"""The calendar on the command line: ``--events FILE``, ``--holidays COUNTRY``,
``--retail-periods`` (``python -m kpi report``), the same calendar as the app's."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kpi.calendar import CalendarSettings
from kpi.calendar.public import country_codes
from kpi.calendar.read import read_events
from kpi.errors import InputError
from kpi.words import Fact, Lang, render

__all__ = ["arguments", "settings"]


def arguments(parser: argparse.ArgumentParser, lang: Lang) -> None:
    """Add the calendar's options to the ``report`` parser, their help in ``lang``."""

    def h(code: str) -> str:
        return render(f"calendar.cli.{code}", lang).replace("%", "%%")

    g = parser.add_argument_group(render("calendar.cli.group", lang))
    g.add_argument("--events", metavar="FILE", help=h("events"))
    g.add_argument("--holidays", metavar="COUNTRY", help=h("holidays"))
    g.add_argument("--retail-periods", action="store_true", help=h("retail"))


def settings(args: argparse.Namespace, lang: Lang = "en") -> CalendarSettings | None:
    """The calendar the options ask for (None without any); what the events file's reading
    dropped is said on stderr (unless ``--quiet``)."""
    path, country = getattr(args, "events", None), getattr(args, "holidays", None)
    retail = bool(getattr(args, "retail_periods", False))
    if not path and not country and not retail:
        return None
    events: tuple = ()
    if path:
        file = Path(path)
        if not file.is_file():
            raise InputError(Fact("calendar.cli.no_file", path=str(path)), Fact("calendar.hint.columns"))  # fmt: skip
        got = read_events(file)
        events = got.events
        if not getattr(args, "quiet", False):
            for fact in got.facts():
                print(render(fact, lang), file=sys.stderr, flush=True)
    code = country.strip().upper() if country else None
    if code is not None and code not in country_codes():
        raise InputError(
            Fact("calendar.error.unknown_country", country=country),
            Fact("calendar.hint.country_codes", examples=["FR", "BE", "CH", "DE", "GB", "US"]),
        )
    return CalendarSettings(events=tuple(events), country=code, retail=retail)
