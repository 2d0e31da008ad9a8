"""Why a KPI does not apply to the data: reason codes, and the short sentence for each.

kpi functions return the code (a fact: ``Kpi.reason``, ``ValueSummary.spend_reason``…); the
pages and the workbook render it with :func:`sentence`. The sentences are English for now; the
bilingual rendering layer will take them over keyed by the same codes.
"""

from __future__ import annotations

__all__ = ["REASONS", "sentence"]

#: reason code -> sentence shown instead of a number.
REASONS: dict[str, str] = {
    # orders only: every user in the data bought
    "orders_only": "does not apply: the data holds purchases only, so every user in it bought "
    "and the rate would be 100 % by construction. Add the visits (an event log or a sessions "
    "export) to measure it",
    "orders_only_per_visitor": "does not apply: the data holds purchases only, so the "
    "'visitors' are the buyers; see revenue per customer on the Value page",
    "orders_only_traffic": "does not apply: the data holds purchases only, no visits, so "
    "there is no traffic to split by channel (a Shopify 'Source' is the sales channel: web, "
    "POS, draft order). Add the visits (an event log or a sessions export) to measure it",
    "no_visit_before_purchase": "does not apply: no purchaser has an event before their "
    "purchase in this data (the purchase is the only event), so the time from first visit to "
    "purchase is unknown, not 0 s",
    # ad spend and channels
    "no_spend": "needs an ad-spend export (channel, month, spend)",
    "spend_without_channel": "does not apply: the ad-spend file has no channel column, so "
    "spend cannot be matched to the customers each channel brought. Add a channel column to "
    "the spend export",
    "customers_without_channel": "does not apply: customers have no acquisition channel, so "
    "spend cannot be matched to the customers it brought. Upload a user table with a channel "
    "column (or map one on the Data page)",
    "no_purchases": "needs purchases with amounts",
    # CRM contacts (a pipeline, not visits nor orders)
    "crm_contacts": "does not apply: this is a CRM contacts table (a pipeline of stages), not "
    "visits; see the lead conversion rate",
    "crm_deals": "does not apply: amounts in a contacts table are deal values, not orders; see "
    "won deal value and average deal value",
    "deal_pipeline": "does not apply to a deal pipeline (every deal is already a qualified "
    "lead); see the win rate",
    "crm_no_amount": "needs an amount (deal value) column in the contacts export",
    "crm_no_customers": "no contact has reached the customer (won) stage in this selection",
}


def sentence(code: str | None) -> str:
    """The sentence for a reason code ('' for None; the code itself when unknown)."""
    if code is None:
        return ""
    return REASONS.get(code, code)
