"""Customer-journey stage KPIs (awareness, consideration, decision): the stable names.

The computation lives in :mod:`kpi.journey`, one concept per module (the KPI value, each
stage, the comparison with the previous period, the per-segment table, monthly session
durations); this module keeps the names callers use (``kpi.stages.stage_kpis``, ``Kpi``,
``compare``, ``stage_kpis_by``, ``orders_only``, ``ADDITIVE``, ``DEFINITIONS``,
``monthly_session_duration``) and the vocabulary of step names (:data:`STEP_SYNONYMS`,
:func:`detect_steps`, :func:`purchase_step`).

Every KPI is returned as a :class:`Kpi`, also when it cannot be computed: ``available`` is then
False and ``missing`` is a fact saying which column or file would unlock it (or, for a KPI that
does not apply to the data, ``reason`` is a code of :mod:`kpi.reasons`), so that the page can
show "needs a session_id column" instead of an empty tile, in the reader's language.
Definitions and conventions: :mod:`kpi.journey.definitions`.
"""

from __future__ import annotations

from kpi import steps as _steps
from kpi.journey.awareness import ORGANIC
from kpi.journey.by_segment import ADDITIVE, stage_kpis_by
from kpi.journey.definitions import DEFINITIONS
from kpi.journey.inputs import GA4_MARKERS, orders_only
from kpi.journey.kpi import Kpi
from kpi.journey.kpis import stage_kpis
from kpi.journey.previous import compare
from kpi.journey.sessions import monthly_session_duration

__all__ = [
    "ADDITIVE",
    "DEFINITIONS",
    "GA4_MARKERS",
    "ORGANIC",
    "STEP_SYNONYMS",
    "Kpi",
    "compare",
    "detect_steps",
    "monthly_session_duration",
    "orders_only",
    "purchase_step",
    "stage_kpis",
    "stage_kpis_by",
]

# the step vocabulary lives in kpi.steps (one for every module); kept here under its old names
STEP_SYNONYMS = _steps.STEP_SYNONYMS
_norm = _steps.normalise
detect_steps = _steps.detect_steps
purchase_step = _steps.purchase_step
