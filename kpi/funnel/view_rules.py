"""The exclusions and per-step windows a view's funnel applies, from its settings: one reading
for an upload's :class:`kpi.view.View` and a connected table's
:class:`kpi.engine.view.EngineView`."""

from __future__ import annotations

from collections.abc import Sequence

from kpi.funnel.rules import InEffect, in_effect
from kpi.settings import FunnelSettings

__all__ = ["rules_in_view"]


def rules_in_view(steps: Sequence[str], settings: FunnelSettings, *, has_ts: bool) -> InEffect:
    """:func:`kpi.funnel.rules.in_effect` of ``settings``' exclusions and per-step windows
    for the funnel ``steps`` (in-order closed funnel with times: those naming its steps;
    otherwise none, with the reasons)."""
    return in_effect(
        [str(s) for s in steps],
        settings.exclusions,
        settings.step_windows,
        order=settings.order,
        open_funnel=settings.open_funnel,
        has_ts=has_ts,
    )
