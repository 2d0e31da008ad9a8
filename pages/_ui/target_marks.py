"""Target and benchmark layers on the charts of a KPI over time.

- the articles' generic e-commerce benchmark (:data:`kpi.targets.BENCHMARKS`: conversion 1–3 %,
  above 5 % for the best; cart abandonment 60–80 %; CLV/CAC 3:1) as a grey band labelled
  "generic e-commerce benchmark", never as the user's target;
- the user's target (:mod:`pages._ui.targets_state`) as a dashed rule labelled "your target".

A chart function gets them with one line: ``target_marks.on(chart, "conversion_rate")``, or at
the call site ``charts.draw(target_marks.marked(build, "conversion_rate"), …)``. A chart whose
values run along x (horizontal bars: CLV/CAC per channel) passes ``axis="x"``: the rules are
then vertical, their labels above the plot (the benchmark's right of its line, the
target's left of its own and a line higher).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import altair as alt
import polars as pl

from kpi import targets as tg
from pages._ui import targets_state
from pages._ui.lang import current, tx

__all__ = ["BAND_COLOUR", "TARGET_COLOUR", "layers", "marked", "on"]

BAND_COLOUR = "#9E9E9E"
TARGET_COLOUR = "#C0392B"

# the target in the chart's unit: the conversion chart of the Funnel page reads the funnel's
# conversion (users(k) / users(1)), whose target is the view's conversion rate
_TARGET_OF = {"conversion": "conversion_rate"}


_SESSION: Any = object()  # the target of the session's targets (targets_state)


def layers(kpi: str, target: float | None = _SESSION) -> list[alt.Chart]:
    """The benchmark band (with its label) and the target rule (with its label) of ``kpi``;
    ``target``: the session's by default (None: no target rule)."""
    out: list[alt.Chart] = []
    bench = tg.BENCHMARKS.get(kpi)
    if bench is not None:
        out.extend(_band(bench))
    if target is _SESSION:
        target = targets_state.current().get(_TARGET_OF.get(kpi, kpi))
    if target is not None:
        out.extend(_rule(_TARGET_OF.get(kpi, kpi), target))
    return out


_LIKE: dict[str, Any] = {}  # the value axis' title and axis of the chart being marked (`on`)
_AXIS = {"value": "y"}  # the channel of the chart's values: "y", or "x" for horizontal bars


def _y(field: str) -> alt.Y | alt.X:
    """A position on the value axis with the chart's own title and axis, so that the layered
    chart keeps them (Vega-Lite merges the layers' axes: another title, or none, would change
    it)."""
    if _AXIS["value"] == "x":
        return alt.X(f"{field}:Q", **_LIKE)
    return alt.Y(f"{field}:Q", **_LIKE)


def _y2(field: str) -> alt.Y2 | alt.X2:
    return alt.X2(f"{field}:Q") if _AXIS["value"] == "x" else alt.Y2(f"{field}:Q")


def _like(chart: Any) -> dict[str, Any]:
    """The value axis' title and axis of ``chart`` (a layer chart: its first layer with one)."""
    channel = _AXIS["value"]
    layers = chart.layer if isinstance(chart, alt.LayerChart) else [chart]
    for layer in layers:
        enc = getattr(layer, "encoding", alt.Undefined)
        y = getattr(enc, channel, alt.Undefined) if enc is not alt.Undefined else alt.Undefined
        if y is not alt.Undefined and hasattr(y, "to_dict"):
            spec = y.to_dict(validate=False)
            if isinstance(spec, dict):
                return {name: spec[name] for name in ("title", "axis") if name in spec}
    return {}


def _band(b: tg.Benchmark) -> list[alt.Chart]:
    if b.high is None:
        label = tx("targets.chart.benchmark_ratio", ratio=b.low)
        data = pl.DataFrame({"y": [b.low], "label": [label]})
        base = alt.Chart(data)
        rule = base.mark_rule(color=BAND_COLOUR, strokeWidth=3, opacity=0.9).encode(
            **{_AXIS["value"]: _y("y")}, tooltip=[alt.Tooltip("label:N", title=None)]
        )
        return [rule, _label(base, "y", "#616161")]
    label = (
        tx("targets.chart.benchmark", low=b.low * 100, high=b.high * 100)
        if b.best is None
        else tx(
            "targets.chart.benchmark_best", low=b.low * 100, high=b.high * 100, best=b.best * 100
        )
    )
    data = pl.DataFrame({"low": [b.low], "high": [b.high], "label": [label]})
    base = alt.Chart(data)
    band = base.mark_rect(color=BAND_COLOUR, opacity=0.15).encode(
        **{_AXIS["value"]: _y("low"), f"{_AXIS['value']}2": _y2("high")},
        tooltip=[alt.Tooltip("label:N", title=None)],
    )
    out = [band, _label(base, "high", "#616161", inside=True)]
    if b.best is not None:
        bb = alt.Chart(pl.DataFrame({"y": [b.best], "label": [label]}))
        out.append(
            bb.mark_rule(color=BAND_COLOUR, strokeDash=[2, 3], opacity=0.8).encode(
                **{_AXIS["value"]: _y("y")}, tooltip=[alt.Tooltip("label:N", title=None)]
            )
        )
    return out


def _rule(kpi: str, target: float) -> list[alt.Chart]:
    from kpi.words import render

    shown = render(tg.value_fact(kpi, target), current())
    data = pl.DataFrame({"y": [target], "label": [tx("targets.chart.target", target=shown)]})
    base = alt.Chart(data)
    rule = base.mark_rule(color=TARGET_COLOUR, strokeDash=[8, 4], strokeWidth=2).encode(
        **{_AXIS["value"]: _y("y")}, tooltip=[alt.Tooltip("label:N", title=None)]
    )
    return [rule, _label(base, "y", TARGET_COLOUR, dx=-4, align="right", x_end=True)]


def _label(
    base: alt.Chart, field: str, colour: str, *, dx: int = 4, align: str = "left",
    x_end: bool = False, inside: bool = False,
) -> alt.Chart:  # fmt: skip
    """A layer's words at its line: above it, or just inside a band's top edge (values along
    x: above the plot, beside the vertical line, the target's a line higher)."""
    if _AXIS["value"] == "x":
        return base.mark_text(
            align="right" if x_end else "left",
            baseline="bottom",
            dx=-5 if x_end else 5,
            dy=-20 if x_end else -4,
            color=colour,
            fontSize=13,
            fontWeight="bold",
        ).encode(x=_y(field), y=alt.value(0), text="label:N")
    return base.mark_text(
        align=align,
        baseline="top" if inside else "bottom",
        dx=dx,
        dy=4 if inside else -3,
        color=colour,
        fontSize=13,
    ).encode(
        y=_y(field),
        x=alt.value(0) if not x_end else alt.value("width"),  # type: ignore[arg-type]
        text="label:N",
    )


def on(chart: Any, kpi: str, *, axis: str = "y", target: float | None = _SESSION) -> Any:
    """``chart`` with the benchmark band under it and the target rule over it (unchanged
    when ``kpi`` has neither); ``axis``: the channel of the chart's values ("x": horizontal
    bars); ``target``: the session's by default (a chart function that takes it as an
    argument is redrawn when it changes)."""
    _AXIS["value"] = "x" if axis == "x" else "y"
    try:
        _LIKE.clear()
        _LIKE.update(_like(chart))
        extra = layers(kpi, target)
    finally:
        _LIKE.clear()
        _AXIS["value"] = "y"
    if not extra:
        return chart
    bands = [c for c in extra if _is_band(c)]
    rest = [c for c in extra if not _is_band(c)]
    props: dict[str, Any] = {}
    for name in ("title", "height", "width"):
        value = getattr(chart, name, alt.Undefined)
        if value is not alt.Undefined:
            props[name] = value
            setattr(chart, name, alt.Undefined)
    # the chart first: its data stays the first dataset sent to the browser (and its axes)
    layered = alt.layer(chart, *bands, *rest)
    return layered.properties(**props) if props else layered


def _is_band(c: alt.Chart) -> bool:
    mark = c.mark if isinstance(c.mark, str) else getattr(c.mark, "type", "")
    return mark == "rect"


def marked(build: Callable[..., Any], kpi: str, *, axis: str = "y") -> Callable[..., Any]:
    """``build`` (a chart function) whose chart gets :func:`on`'s layers; named after the
    function, the KPI and its target, so that a kept chart is redrawn when the target changes."""
    target = targets_state.current().get(_TARGET_OF.get(kpi, kpi))

    def chart(*args: Any, **kwargs: Any) -> Any:
        return on(build(*args, **kwargs), kpi, axis=axis)

    chart.__module__ = build.__module__
    chart.__qualname__ = f"{build.__qualname__}|targets:{kpi}={target}"
    return chart
