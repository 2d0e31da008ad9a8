"""Altair conventions shared by every page: projector-readable sizes, stable segment colours,
and words and figures in the reader's language.

A segment value keeps the same colour on every page: colours are assigned from a fixed
palette by the value's position in the sorted list of the segment's values in the whole
(unfiltered) dataset, so filtering never reshuffles them.

Titles, axis titles, legend titles and tooltips: the helpers take a message code, a
:class:`~kpi.words.Fact`, or text already rendered with ``tx()``. Numbers and dates on the axes
are written by vega in the view's locale (:func:`locale`, set on every chart by :func:`show`:
``12,5 %`` and ``1 234`` in French, month names in French); give vega d3 formats (``".1%"``,
``",d"``, :func:`date_format`), never preformatted strings. The neutral values ``Other`` and
``(none)`` of a breakdown are shown in words with :func:`neutral_words`.
"""

from __future__ import annotations

import copy
import hashlib
import os
from collections import OrderedDict
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Any

import altair as alt
import polars as pl
import streamlit as st

from kpi.segments import NONE, OTHER
from kpi.words import Fact, Lang, render
from kpi.words import format as fmt
from kpi.words.catalogue import catalogue
from pages._ui import lang as ui_lang

# Okabe-Ito-based, colour-blind safe, then a few extra distinct hues.
PALETTE = [
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#CC79A7",
    "#56B4E9",
    "#D55E00",
    "#F0E442",
    "#000000",
    "#8C564B",
    "#7F7F7F",
]
OTHER_COLOUR = "#B0B0B0"
PRIMARY = "#1f5fbf"
BAD = "#C0392B"
GOOD = "#1E8449"
FONT_SIZE = 16
TITLE_SIZE = 20


def words(message: Fact | str | None) -> str:
    """Plain text of a message code or fact in the view's language; other text (already
    rendered by the caller, or a user value such as a step name) as it is."""
    if message is None:
        return ""
    if isinstance(message, Fact) or message in catalogue():
        return render(message, ui_lang.current())
    return str(message)


@lru_cache(maxsize=4)
def _locale(lang: Lang) -> dict[str, Any]:
    loc = fmt.locale(lang)
    symbols = loc.number_symbols["latn"]
    percent_suffix = "\u00a0%" if lang == "fr" else "%"
    wide = loc.days["format"]["wide"]
    short = loc.days["format"]["abbreviated"]
    sunday_first = [6, 0, 1, 2, 3, 4, 5]  # babel counts from Monday, d3 from Sunday
    return {
        "number": {
            "decimal": symbols["decimal"],
            "thousands": symbols["group"],
            "grouping": [3],
            "currency": ["", ""],  # amounts carry no invented symbol (kpi.words.format.money)
            "percent": percent_suffix,
            "minus": symbols["minusSign"],
        },
        "time": {
            "dateTime": "%x %X",
            "date": "%d/%m/%Y" if lang == "fr" else "%m/%d/%Y",
            "time": "%H:%M:%S" if lang == "fr" else "%I:%M:%S %p",
            "periods": ["AM", "PM"],
            "days": [wide[i] for i in sunday_first],
            "shortDays": [short[i] for i in sunday_first],
            "months": [loc.months["format"]["wide"][m] for m in range(1, 13)],
            "shortMonths": [loc.months["format"]["abbreviated"][m] for m in range(1, 13)],
        },
    }


def locale(lang: Lang | None = None) -> alt.Locale:
    """The d3 number and time locale of a language (from babel's CLDR data): vega writes the
    axes' numbers and dates with it."""
    return alt.Locale(**_locale(lang or ui_lang.current()))


#: d3 time formats of a day and a month per language (``1 déc.`` / ``Dec 1``).
DATE_FORMATS: dict[str, dict[str, str]] = {
    "fr": {"day": "%-d %b", "day_year": "%-d %b %Y", "month": "%b %Y", "week": "%-d %b"},
    "en": {"day": "%b %-d", "day_year": "%b %-d, %Y", "month": "%b %Y", "week": "%b %-d"},
}


def date_format(kind: str = "day") -> str:
    """A d3 time format for an axis or a tooltip in the view's language: ``day``,
    ``day_year``, ``month`` or ``week`` (the Monday a week starts on)."""
    return DATE_FORMATS.get(ui_lang.current(), DATE_FORMATS["en"])[kind]


def neutral_words(frame: pl.DataFrame, column: str) -> pl.DataFrame:
    """The neutral values ``Other`` and ``(none)`` of a breakdown column in words
    (``Autres``, ``(aucun)``) before charting: the axis, legend and tooltip all show them so;
    every other value (a user value) is left as it is."""
    if column not in frame.columns:
        return frame
    col = pl.col(column).cast(pl.String)
    return frame.with_columns(
        col.replace({OTHER: words("common.other"), NONE: words("common.none")}).alias(column)
    )


def configure(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    """Large labels and titles, readable on a projector; numbers and dates in the view's
    locale."""
    # what chart.configure_axis(...).configure_legend(...)… set, on one copy of the chart
    # (each configure_* call copies the whole chart again)
    chart = chart.copy(deep=["config"])  # type: ignore[attr-defined]
    if chart.config is alt.Undefined:
        chart.config = alt.Config()
    config = chart.config
    config["locale"] = locale()
    config["axis"] = alt.AxisConfig(
        labelFontSize=FONT_SIZE, titleFontSize=FONT_SIZE, labelLimit=260
    )
    config["legend"] = alt.LegendConfig(
        labelFontSize=FONT_SIZE, titleFontSize=FONT_SIZE, symbolSize=200
    )
    config["title"] = alt.TitleConfig(fontSize=TITLE_SIZE, anchor="start")
    config["text"] = alt.MarkConfig(fontSize=FONT_SIZE)
    config["header"] = alt.HeaderConfig(labelFontSize=FONT_SIZE, titleFontSize=FONT_SIZE)
    return chart


def lines(title: Fact | str, width: int = 22) -> str | list[str]:
    """A long axis title (a code, a fact or rendered text) as several lines (altair draws a
    list as lines).

    A vertical title longer than its chart's plot is taller than the plot; Streamlit's
    ``fit`` sizing then pushes the chart's own title above the drawing, where it is cut.
    """
    title = words(title)
    if len(title) <= width:
        return title
    out: list[str] = []
    # not at no-break spaces: French keeps "atteinte\u00a0»" whole
    for word in filter(None, title.split(" ")):
        if out and len(out[-1]) + 1 + len(word) <= width:
            out[-1] += " " + word
        else:
            out.append(word)
    return out


def title(text: Fact | str, subtitle: Fact | str | None = None, *, width: int = 30) -> alt.Title:
    """A chart title and subtitle (codes, facts or rendered text) wrapped into lines: a chart
    in half of the page at 1280 px is about 400 px wide, and vega cuts a longer one line title
    with "…"."""
    text = words(text)
    subtitle = None if subtitle is None else words(subtitle)
    if subtitle is None:
        return alt.Title(lines(text, width))
    return alt.Title(lines(text, width), subtitle=lines(subtitle, width * 2))


def title_extra_height(
    text: Fact | str, subtitle: Fact | str | None = None, *, width: int = 30
) -> int:
    """Pixels the wrapped lines of :func:`title` add beyond one title and one subtitle line
    (a chart sized with ``autosize fit`` otherwise squeezes its plot to make room)."""
    text = words(text)
    subtitle = None if subtitle is None else words(subtitle)
    n = len(lines(text, width)) if len(text) > width else 1
    if subtitle is not None and len(subtitle) > width * 2:
        n += len(lines(subtitle, width * 2)) - 1
    return 22 * (n - 1)


def segment_values(segment: str) -> list[str]:
    """All values of a segment in the unfiltered data, sorted (the colour order)."""
    ds = st.session_state.get("dataset")
    if ds is None or segment not in ds.users.columns:
        return []
    return sorted(str(v) for v in ds.users[segment].drop_nulls().unique().to_list())


def segment_scale(segment: str, shown: Sequence[str]) -> alt.Scale:
    """A colour scale for ``segment`` with stable colours per value; "Other" is grey."""
    order = segment_values(segment)
    domain = list(dict.fromkeys(str(v) for v in shown))
    colours = []
    neutral = {OTHER, NONE, words("common.other"), words("common.none")}
    for v in domain:
        if v in neutral:
            colours.append(OTHER_COLOUR)
        elif v in order:
            colours.append(PALETTE[order.index(v) % len(PALETTE)])
        else:
            colours.append(PALETTE[len(colours) % len(PALETTE)])
    return alt.Scale(domain=domain, range=colours)


def show(chart: alt.TopLevelMixin, *, key: str | None = None) -> None:
    """Draw a chart full width with the shared configuration."""
    spec = _spec(configure(chart))
    if spec is None:  # another Streamlit
        st.altair_chart(configure(chart), width="stretch", key=key)
    else:
        st.vega_lite_chart(spec=spec, width="stretch", key=key)


def _spec(chart: alt.TopLevelMixin) -> dict | None:
    """The Vega-Lite spec Streamlit draws for ``chart`` (None: this Streamlit has no such
    conversion). Altair checks a spec against the Vega-Lite schema (jsonschema: tens of ms
    per chart); the charts are checked so in the tests, which draw every one of them."""
    try:
        from streamlit.elements.vega_charts import _convert_altair_to_vega_lite_spec
    except ImportError:
        return None
    checked = chart if "PYTEST_CURRENT_TEST" in os.environ else _Unchecked(chart)
    return _convert_altair_to_vega_lite_spec(checked)  # type: ignore[arg-type]


_SPECS = "_chart_specs"
_SPECS_KEEP = 48


def _fingerprint(value: Any) -> Any:
    """A hashable identity of a chart builder's argument: a frame by its content (charts get
    aggregated frames: a few hundred rows), anything else by its repr."""
    if isinstance(value, pl.DataFrame):
        buf = value.write_ipc(None, compression="uncompressed").getvalue()
        return ("frame", value.shape, hashlib.sha1(buf).hexdigest())
    if isinstance(value, pl.Series):
        return ("series", value.name, _fingerprint(value.to_frame()))
    if isinstance(value, list | tuple):
        return tuple(_fingerprint(v) for v in value)
    if isinstance(value, dict):
        return tuple(sorted((str(k), _fingerprint(v)) for k, v in value.items()))
    return repr(value)


class _Unchecked:
    """A chart whose ``to_dict`` skips altair's schema validation (the same dict)."""

    def __init__(self, chart: alt.TopLevelMixin) -> None:
        self.chart = chart

    def to_dict(self, **kwargs: Any) -> dict:
        return self.chart.to_dict(validate=False, **kwargs)  # type: ignore[call-arg]


def draw(
    build: Callable[..., alt.TopLevelMixin], *args: Any, key: str | None = None, **kwargs: Any
) -> None:
    """Draw ``build(*args, **kwargs)`` as :func:`show` does, its Vega-Lite spec kept in the
    session: a rerun that draws the same chart (same arguments, language and data) sends the
    kept spec instead of building and validating the altair chart again (altair's schema
    validation costs tens of milliseconds per chart)."""
    from pages._ui import event_marks, state  # they build on this module's language helpers

    ident = (
        build.__module__,
        build.__qualname__,
        ui_lang.current(),
        state.digest(),  # segment colours follow the whole data's values
        event_marks.key(),  # the events of the calendar drawn on charts over time
        _fingerprint(args),
        _fingerprint(kwargs),
    )
    specs: OrderedDict[tuple, dict] = st.session_state.setdefault(_SPECS, OrderedDict())
    spec = specs.get(ident)
    if spec is None:
        chart = configure(build(*args, **kwargs))
        spec = _spec(chart)
        if spec is None:  # another Streamlit: draw it without keeping the spec
            st.altair_chart(chart, width="stretch", key=key)
            return
        specs[ident] = spec
        while len(specs) > _SPECS_KEEP:
            specs.popitem(last=False)
    else:
        specs.move_to_end(ident)
    st.vega_lite_chart(spec=copy.deepcopy(spec), width="stretch", key=key)


def percent_axis(title: Fact | str) -> alt.Axis:
    """A rate axis (fractions drawn as percentages in the view's locale: ``12 %`` / ``12%``)."""
    return alt.Axis(format="%", title=lines(title))


def tooltip(field: str, title: Fact | str, **kwargs: Any) -> alt.Tooltip:
    """A tooltip line whose title is in the view's language (``format`` as d3 writes it)."""
    return alt.Tooltip(field, title=words(title), **kwargs)


def empty_note(frame: pl.DataFrame | None, what: Fact | str | None = None) -> bool:
    """Say so (and return True) when there is nothing to draw. ``what`` is the whole sentence
    (a code or a fact), or the name of what is missing (``charts.empty``)."""
    if frame is None or frame.height == 0:
        if what is None:
            st.info(ui_lang.t("charts.nothing"))
        elif isinstance(what, Fact) or what in catalogue():
            st.info(ui_lang.t(what))
        else:
            st.info(ui_lang.t("charts.empty", what=what))
        return True
    return False
