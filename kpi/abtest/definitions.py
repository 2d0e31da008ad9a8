"""The A/B test's KPI definitions (legacy English :data:`DEFINITIONS` for
:func:`kpi.definitions.all_definitions`; the words of both languages are the catalogue's
``def.<code>.label`` / ``def.<code>.formula``, see :data:`CODES`)."""

from __future__ import annotations

from kpi.definitions import Definition

__all__ = ["CODES", "DEFINITIONS"]

DEFINITIONS: dict[str, Definition] = {
    "ab_conversion_rate": Definition("rate", "ab"),
    "ab_abs_diff": Definition("rate", "ab"),
    "ab_rel_lift": Definition("ratio", "ab"),
    "ab_p_value": Definition("number", "ab"),
    "ab_prob_b_beats_a": Definition("rate", "ab"),
    "ab_expected_loss": Definition("rate", "ab"),
    "ab_srm_p_value": Definition("number", "ab"),
    "ab_interval_correction": Definition("rate", "ab"),
    "ab_power": Definition("rate", "ab"),
    "ab_sample_size": Definition("count", "ab"),
}

#: the codes of the A/B KPIs, in the order the page explains them
CODES: tuple[str, ...] = tuple(DEFINITIONS)
