"""Retention: cohort tables, retention curves, repeat purchase, purchase frequency, churn.

One module per concept, every name importable from ``kpi.retention`` as before:

- :mod:`kpi.retention.cohorts`: who belongs to which cohort and who came back in period N
  (:func:`cohort_table`, why a table is empty, the cohorts that started in a period);
- :mod:`kpi.retention.curves`: weighted averages, curves, the period-N trend, the heatmap and
  matrix layouts;
- :mod:`kpi.retention.purchases`: orders per customer, repeat-purchase rate, frequency;
- :mod:`kpi.retention.churn`: churn and customer retention rate;
- :mod:`kpi.retention.summary`: everything the Retention page and the workbook show.

Sentences for people are :class:`kpi.words.Fact` (codes ``retention.…`` of
``kpi/words/catalogue/retention.py``); rates are fractions (0.366).
"""

from __future__ import annotations

from kpi.definitions import Definition
from kpi.retention.churn import Churn, churn_rate, retention_rate
from kpi.retention.cohorts import (
    CohortActivity,
    Mode,
    cohort_activity,
    cohort_table,
    cohort_table_note,
    cohort_view,
    segment_keys,
    top_segment,
)
from kpi.retention.curves import (
    ALL_SERIES,
    AVERAGE_LABEL,
    average_long,
    cohort_long,
    cohort_matrix,
    period_n_trend,
    retention_curve,
    weighted_average,
)
from kpi.retention.purchases import (
    PurchaseFrequency,
    RepeatPurchase,
    no_purchase_note,
    orders_per_customer,
    purchase_events,
    purchase_frequency,
    repeat_purchase_rate,
    steps_found,
)
from kpi.retention.summary import (
    RETURN_LABELS,
    RetentionSummary,
    describe_anchor,
    describe_return,
    retention_summary,
    settings_fact,
)

#: legacy English definitions (the catalogue's ``def.<code>.*`` entries are the source; the
#: lead removes these fields after the merge)
DEFINITIONS: dict[str, Definition] = {
    "cohort_retention": Definition("rate", "retention"),
    "weighted_retention": Definition("rate", "retention"),
    "repeat_purchase_rate": Definition("rate", "retention"),
    "purchase_frequency": Definition("number", "retention"),
    "churn": Definition("rate", "retention"),
    "retention_rate": Definition("rate", "retention"),
}

__all__ = [
    "ALL_SERIES",
    "AVERAGE_LABEL",
    "DEFINITIONS",
    "RETURN_LABELS",
    "Churn",
    "CohortActivity",
    "Mode",
    "PurchaseFrequency",
    "RepeatPurchase",
    "RetentionSummary",
    "average_long",
    "churn_rate",
    "cohort_activity",
    "cohort_long",
    "cohort_matrix",
    "cohort_table",
    "cohort_table_note",
    "cohort_view",
    "describe_anchor",
    "describe_return",
    "no_purchase_note",
    "orders_per_customer",
    "period_n_trend",
    "purchase_events",
    "purchase_frequency",
    "repeat_purchase_rate",
    "retention_curve",
    "retention_rate",
    "retention_summary",
    "segment_keys",
    "settings_fact",
    "steps_found",
    "top_segment",
    "weighted_average",
]
