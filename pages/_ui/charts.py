"""Altair conventions shared by every page: projector-readable sizes and stable segment colours.

A segment value keeps the same colour on every page: colours are assigned from a fixed
palette by the value's position in the sorted list of the segment's values in the whole
(unfiltered) dataset, so filtering never reshuffles them.
"""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import polars as pl
import streamlit as st

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


def configure(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    """Large labels and titles, readable on a projector."""
    return (
        chart.configure_axis(labelFontSize=FONT_SIZE, titleFontSize=FONT_SIZE, labelLimit=260)
        .configure_legend(labelFontSize=FONT_SIZE, titleFontSize=FONT_SIZE, symbolSize=200)
        .configure_title(fontSize=TITLE_SIZE, anchor="start")
        .configure_text(fontSize=FONT_SIZE)
        .configure_header(labelFontSize=FONT_SIZE, titleFontSize=FONT_SIZE)
    )


def lines(title: str, width: int = 22) -> str | list[str]:
    """A long axis title as several lines (altair draws a list as lines).

    A vertical title longer than its chart's plot is taller than the plot; Streamlit's
    ``fit`` sizing then pushes the chart's own title above the drawing, where it is cut.
    """
    if len(title) <= width:
        return title
    out: list[str] = []
    for word in title.split():
        if out and len(out[-1]) + 1 + len(word) <= width:
            out[-1] += " " + word
        else:
            out.append(word)
    return out


def title(text: str, subtitle: str | None = None, *, width: int = 30) -> alt.Title:
    """A chart title and subtitle wrapped into lines: a chart in half of the page at 1280 px
    is about 400 px wide, and vega cuts a longer one line title with "…"."""
    if subtitle is None:
        return alt.Title(lines(text, width))
    return alt.Title(lines(text, width), subtitle=lines(subtitle, width * 2))


def title_extra_height(text: str, subtitle: str | None = None, *, width: int = 30) -> int:
    """Pixels the wrapped lines of :func:`title` add beyond one title and one subtitle line
    (a chart sized with ``autosize fit`` otherwise squeezes its plot to make room)."""
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
    for v in domain:
        if v in ("Other", "(none)"):
            colours.append(OTHER_COLOUR)
        elif v in order:
            colours.append(PALETTE[order.index(v) % len(PALETTE)])
        else:
            colours.append(PALETTE[len(colours) % len(PALETTE)])
    return alt.Scale(domain=domain, range=colours)


def show(chart: alt.TopLevelMixin, *, key: str | None = None) -> None:
    """Draw a chart full width with the shared configuration."""
    st.altair_chart(configure(chart), width="stretch", key=key)


def percent_axis(title: str) -> alt.Axis:
    return alt.Axis(format="%", title=lines(title))


def empty_note(frame: pl.DataFrame | None, what: str) -> bool:
    """Say so (and return True) when there is nothing to draw."""
    if frame is None or frame.height == 0:
        st.info(f"No {what} for this view.")
        return True
    return False
