"""The alert of one run: the red flags, the view and the headline figures, in the run's words.

:func:`build_alert` reads the view the workbook was written from (one computation: the same
flags, periods and KPIs) and renders every fact of ``kpi/words/catalogue/notify.py`` in the
run's language; :class:`Alert` gives the plain text (e-mail body, the webhook's ``text``),
the e-mail subject and the Slack ``blocks``. Values from the data (segment values, file and
table names) are escaped for Slack's mrkdwn (``<!channel>`` stays text).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from kpi.words import Fact, Lang, render

__all__ = ["FIGURES", "Alert", "FlagLine", "build_alert", "figure_value", "slack_escape"]

#: Headline KPIs given in an alert, when the view has them (the Summary sheet's first ones).
FIGURES = (
    "users",
    "sessions",
    "conversion_rate",
    "orders",
    "revenue",
    "aov",
    "cart_abandonment",
    "bounce_rate",
    "lead_conversion",
    "customers",
)
_SLACK_SECTION = 2900  # Slack refuses a section text over 3000 characters
_SLACK_HEADER = 150
_SLACK_FLAGS = 40  # at most 50 blocks in a message


@dataclass(frozen=True)
class FlagLine:
    """One red flag in words: its level (``alert``/``warning``), title and message."""

    level: str
    level_text: str
    title: str
    message: str


@dataclass(frozen=True)
class Alert:
    """What is sent: every text already in the run's language."""

    lang: Lang
    title: str
    subject: str
    facts: tuple[tuple[str, str], ...]  # (label, value): data, view, period, compared with
    flags: tuple[FlagLine, ...]
    figures: tuple[tuple[str, str], ...]  # (KPI name, value with its previous value)
    workbook: str  # the workbook's file name, as a line
    figures_title: str

    @property
    def count(self) -> int:
        return len(self.flags)

    def text(self) -> str:
        """The message as plain text (an e-mail body; the webhook's ``text``)."""
        lines = [self.title, ""]
        lines += [
            f"{label}: {value}" if self.lang == "en" else f"{label}\u00a0: {value}"
            for label, value in self.facts
        ]
        if self.flags:
            lines.append("")
            lines += [f"- {f.level_text} – {f.title}. {f.message}" for f in self.flags]
        if self.figures:
            lines += ["", self.figures_title]
            lines += [
                f"- {name}: {value}" if self.lang == "en" else f"- {name}\u00a0: {value}"
                for name, value in self.figures
            ]
        lines += ["", self.workbook]
        return "\n".join(lines) + "\n"

    def slack(self) -> dict[str, Any]:
        """The webhook's JSON: Slack's ``text`` (what Teams and Mattermost show, and Slack's
        notification) plus ``blocks`` (header, view, one section per flag, figures)."""
        esc = slack_escape
        colon = ":" if self.lang == "en" else "\u00a0:"
        blocks: list[dict[str, Any]] = [
            {
                "type": "header",
                "text": {"type": "plain_text", "text": _cut(self.title, _SLACK_HEADER)},
            },
            _section(
                "\n".join(f"*{esc(label)}*{colon} {esc(value)}" for label, value in self.facts)
            ),
        ]
        for f in self.flags[:_SLACK_FLAGS]:
            icon = ":rotating_light:" if f.level == "alert" else ":warning:"
            blocks.append(
                _section(f"{icon} *{esc(f.level_text)} – {esc(f.title)}*\n{esc(f.message)}")
            )
        if len(self.flags) > _SLACK_FLAGS:
            blocks.append(_section(f"… +{len(self.flags) - _SLACK_FLAGS}"))
        if self.figures:
            blocks.append(
                {
                    "type": "section",
                    "text": {"type": "mrkdwn", "text": f"*{esc(self.figures_title)}*"},
                    "fields": [
                        {"type": "mrkdwn", "text": _cut(f"*{esc(n)}*\n{esc(v)}", 1900)}
                        for n, v in self.figures[:10]
                    ],
                }
            )
        blocks.append(
            {"type": "context", "elements": [{"type": "mrkdwn", "text": esc(self.workbook)}]}
        )
        return {"text": _cut(self.text(), 38_000), "blocks": blocks}


def slack_escape(text: str) -> str:
    """Slack's three control characters as entities: a value from the data is never a link
    or a mention."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _cut(text: str, most: int) -> str:
    return text if len(text) <= most else text[: most - 1] + "…"


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": _cut(text, _SLACK_SECTION)}}


def _one_line(text: str) -> str:
    """Line breaks and runs of spaces as one space (French no-break spaces stay)."""
    return re.sub(r"[ \t\r\n\f\v]+", " ", str(text)).strip()


def figure_value(kpi: Any, lang: Lang) -> str:
    """A KPI's value in words by its unit (a rate as a percentage, money with its currency)."""
    unit = kpi.unit if kpi.unit in _UNITS else "number"
    return render(Fact(f"notify.value.{unit}", v=kpi.value, currency=kpi.currency), lang)


_UNITS = ("rate", "count", "currency", "seconds", "days", "months", "ratio", "number")


def _figures(view: Any, lang: Lang) -> tuple[tuple[tuple[str, str], ...], bool]:
    """(KPI name, value) of the headline KPIs the view has, and whether any has a previous
    value (said in brackets)."""
    from kpi.export.text import kpi_label

    try:
        current = {k.code: k for k in view.kpis()}
        previous = {k.code: k for k in (view.previous_kpis() or [])}
    except Exception:  # a view whose KPIs cannot be computed: the flags are still sent
        return (), False
    out, had_previous = [], False
    for code in FIGURES:
        k = current.get(code)
        if k is None or not k.available or k.value is None:
            continue
        value = figure_value(k, lang)
        p = previous.get(code)
        if p is not None and p.available and p.value is not None:
            had_previous = True
            value = render(
                Fact("notify.figure.with_previous", value=value, previous=figure_value(p, lang)),
                lang,
            )
        out.append((kpi_label(code, lang), value))
    return tuple(out), had_previous


def build_alert(
    view: Any,
    options: Any,
    flags: list[Any],
    *,
    lang: Lang,
    workbook_name: str,
    attached: bool = False,
) -> Alert:
    """The alert of ``view`` (a ``kpi.view.View`` or an ``EngineView``) written with
    ``options`` (``ReportOptions``: its source label, title and thresholds) and its ``flags``
    (``kpi.alerts.RedFlag``)."""
    from kpi.export.context import Context, data_bounds
    from kpi.export.summary import period_lines
    from kpi.export.text import period_text, view_text, words

    ctx = Context(view, options, lang)
    period, _ = period_lines(ctx)
    f = view.filters
    if f.start is None and f.end is None:  # "Mar 1, 2025 to Mar 5, 2025 (whole period…)"
        bounds = data_bounds(ctx)
        if bounds:
            period = render(
                Fact("notify.period.whole", period=period_text(bounds[0], bounds[1], lang)), lang
            )
    prev = view.previous_filters
    heading = options.title or render("notify.parcours", lang)
    n = len(flags)
    title = render(
        Fact("notify.title.flags" if n else "notify.title.none", heading=heading, n=n), lang
    )
    facts: list[tuple[str, str]] = []
    if options.source_label:
        facts.append((render("export.summary.data", lang), options.source_label))
    facts.append((render("notify.label.view", lang), view_text(view.filters, lang)))
    facts.append((render("export.summary.period", lang), period))
    if prev is not None:
        facts.append(
            (render("export.summary.compared_with", lang), period_text(prev.start, prev.end, lang))
        )
    lines = tuple(
        FlagLine(
            f.level,
            render(f"alerts.level.{'alert' if f.level == 'alert' else 'warning'}", lang),
            words(f.title, lang),
            words(f.message, lang),
        )
        for f in flags
    )
    about = options.source_label or workbook_name
    subject = render(
        Fact(
            "notify.subject.flags" if n else "notify.subject.none",
            heading=heading,
            n=n,
            about=_one_line(about),
        ),
        lang,
    )
    workbook = render(
        Fact(
            "notify.workbook.attached" if attached else "notify.workbook.written",
            name=workbook_name,
        ),
        lang,
    )
    figures, had_previous = _figures(view, lang)
    return Alert(
        lang=lang,
        title=title,
        subject=_one_line(subject)[:250],
        facts=tuple((label, _one_line(value)) for label, value in facts),
        flags=lines,
        figures=figures,
        workbook=workbook,
        figures_title=render("notify.figures.previous" if had_previous else "notify.figures", lang),
    )
