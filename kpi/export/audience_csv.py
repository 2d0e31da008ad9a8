"""The users behind a number as a CSV file for a CRM or an ad audience.

The file:

- UTF-8 with a byte-order mark, so that Excel (which reads a CSV without one in the system's
  code page) shows the accents of the first lines and of the ids;
- separator ``;`` in French and ``,`` in English: a French Excel opens a CSV by double-click
  with its list separator, ``;`` (the decimal comma takes ``,``), the English one with ``,``
  (notes/excel-and-messy-exports.md: French exports are ``;``-separated). The ids are one
  column, so the separator only splits the first lines into a label and a value;
- first lines (optional) starting with ``#``: the page, the number and its count, what is
  listed, the data, the view's filters and period, the funnel or cohort settings, the date;
  then the header ``user_id`` and one id per line;
- a cell that a spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``, ``@``,
  a tab or a carriage return; CWE-1236) gets a leading ``'``, except a plain negative number.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from datetime import UTC, datetime

from kpi.audience import Audience
from kpi.words import Fact, Lang, render

__all__ = ["SEPARATORS", "audience_csv", "file_name", "safe_cell"]

#: the separator of the file per language (module docstring)
SEPARATORS: dict[str, str] = {"en": ",", "fr": ";"}
_FORMULA = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"^-?\d+([.,]\d+)?$")


def safe_cell(value: object) -> str:
    """``value`` as text a spreadsheet shows as it is (a formula-like text gets a ``'``)."""
    text = "" if value is None else str(value)
    if text.startswith(_FORMULA) and not _NUMBER.match(text):
        return "'" + text
    return text


def audience_csv(
    audience: Audience,
    *,
    lang: Lang = "en",
    lines: Sequence[tuple[Fact | str, Fact | str]] = (),
    generated_at: datetime | None = None,
    header: bool = True,
) -> bytes:
    """The CSV file of ``audience`` (module docstring) in ``lang``. ``lines``: the view's
    description, (label, value) pairs after the number (the data, the filters, the period, the
    settings: facts or texts from the data); ``header``: write the ``#`` lines."""
    sep = SEPARATORS.get(lang, ",")
    out = io.StringIO()
    writer = csv.writer(out, delimiter=sep, lineterminator="\r\n")

    def text(x: Fact | str) -> str:
        return render(x, lang) if isinstance(x, Fact) else str(x)

    if header:
        when = (generated_at or datetime.now(UTC)).astimezone(UTC)
        listed = (
            Fact(
                "audience.csv.listed_cut",
                listed=audience.ids.len(),
                n=audience.total,
                limit=audience.limit,
            )
            if audience.cut
            else Fact("audience.csv.listed_all", n=audience.ids.len())
        )
        rows: list[tuple[Fact | str, Fact | str]] = [
            (Fact("audience.csv.number"), audience.what),
            (Fact("audience.csv.count"), Fact("audience.page.count_value", n=audience.total)),
            (Fact("audience.csv.listed"), listed),
            *lines,
            (Fact("export.summary.generated"), when.strftime("%Y-%m-%d %H:%M UTC")),
        ]
        writer.writerow(["# " + text(Fact("audience.csv.title"))])
        for label, value in rows:
            writer.writerow(["# " + text(label), safe_cell(text(value))])
    writer.writerow(["user_id"])
    for uid in audience.ids.to_list():
        writer.writerow([safe_cell(uid)])
    return out.getvalue().encode("utf-8-sig")


def file_name(page: str, kind: str, when: datetime | None = None) -> str:
    """``parcours-users-funnel-reached-2026-12-02.csv`` (neutral words, the day in UTC)."""
    day = (when or datetime.now(UTC)).astimezone(UTC).strftime("%Y-%m-%d")
    return f"parcours-users-{page}-{kind}-{day}.csv"
