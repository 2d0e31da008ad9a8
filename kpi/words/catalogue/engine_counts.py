"""The aggregates computed inside an engine (kpi.engine.cohorts, ab, stages, quality): what a
connected source cannot give, and why."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    "engine.cohorts.anchor": (
        "Cohorts by the '{column}' column are not computed in a connected source.",
        "Les cohortes par la colonne «\u00a0{column}\u00a0» ne sont pas calculées dans une "
        "source connectée.",
    ),
    "engine.cohorts.anchor_hint": (
        "Use cohorts by first visit or by first purchase.",
        "Utilisez des cohortes par première visite ou par premier achat.",
    ),
    "engine.ab.funnel_steps": (
        "In a connected source, 'reached {step}' is counted as a funnel to that step alone.",
        "Dans une source connectée, «\u00a0a atteint {step}\u00a0» se compte comme un entonnoir "
        "vers cette seule étape.",
    ),
    "engine.ab.funnel_steps_hint": (
        "Choose the step alone (no earlier steps) as the conversion.",
        "Choisissez l'étape seule (sans étapes précédentes) comme conversion.",
    ),
}
