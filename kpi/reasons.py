"""Why a KPI does not apply to the data: reason codes (their words: ``reason.<code>`` in
:mod:`kpi.words.catalogue.reasons`, English and French).

kpi functions return the code (``Kpi.reason``, ``ValueSummary.spend_reason``…) or the fact
:func:`fact`; pages and the workbook render it in the reader's language
(``render(reasons.fact(code), lang)``). Each sentence follows the KPI's name ("Conversion rate
does not apply: …").
"""

from __future__ import annotations

from kpi.words import Fact

__all__ = ["REASONS", "fact"]

#: every reason code
REASONS: tuple[str, ...] = (
    "orders_only",
    "orders_only_per_visitor",
    "orders_only_traffic",
    "no_visit_before_purchase",
    "no_spend",
    "spend_without_channel",
    "customers_without_channel",
    "no_purchases",
    "crm_contacts",
    "crm_deals",
    "deal_pipeline",
    "crm_no_amount",
    "crm_no_customers",
)


def fact(code: str) -> Fact:
    """The fact saying why a KPI does not apply (``reason.<code>``)."""
    if code not in REASONS:
        raise KeyError(f"unknown reason code {code!r}")
    return Fact(f"reason.{code}")
