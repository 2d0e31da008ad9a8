"""Words the generic charts write (pages/_ui/charts.py)."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    "charts.empty": ("No {what} for this view.", "Rien à tracer pour cette vue\u00a0: {what}."),
    "charts.nothing": ("Nothing to draw for this view.", "Rien à tracer pour cette vue."),
}
