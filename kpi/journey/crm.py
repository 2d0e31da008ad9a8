"""Decision KPIs of a CRM contacts table: the order KPIs do not apply (contacts are not
orders); customers, won deal value, average deal value, open pipeline value and, for a deal
pipeline, the win rate do."""

from __future__ import annotations

from kpi import pipeline
from kpi.journey.kpi import Kpi, empty, not_applicable, ok, rate

__all__ = ["pipeline_kpis"]


def pipeline_kpis(crm: pipeline.PipelineSummary, contacts: float) -> list[Kpi]:
    """The decision stage of a contacts table, in journey order."""
    out = [
        not_applicable("conversion_rate", "crm_contacts"),
        not_applicable("purchasers", "crm_contacts"),
    ]
    out += [not_applicable(c, "crm_deals") for c in ("orders", "revenue", "aov")]
    out.append(not_applicable("cart_abandonment", "crm_contacts"))
    out.append(not_applicable("revenue_per_visitor", "crm_deals"))
    out += [
        not_applicable(c, "crm_contacts")
        for c in ("time_to_convert_median", "time_to_convert_mean")
    ]
    out.append(ok("contacts", float(crm.contacts)))
    out.append(ok("customers", float(crm.customers), float(crm.customers), contacts))
    if not crm.has_amount:
        out += [
            not_applicable(c, "crm_no_amount")
            for c in ("won_deal_value", "avg_deal_value", "open_pipeline_value")
        ]
    else:
        out.append(ok("won_deal_value", crm.won_deal_value))
        if crm.avg_deal_value is None:
            out.append(not_applicable("avg_deal_value", "crm_no_customers"))
        else:
            out.append(
                ok(
                    "avg_deal_value",
                    crm.avg_deal_value,
                    crm.won_deal_value,
                    float(crm.won_with_amount),
                )
            )
        out.append(ok("open_pipeline_value", crm.open_pipeline_value))
    if crm.kind == "deal":
        closed = float(crm.customers + crm.lost)
        out.append(rate("win_rate", float(crm.customers), closed, empty("closed_deals")))
    return out
