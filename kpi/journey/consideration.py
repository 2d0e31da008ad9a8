"""Consideration KPIs: who looks closer (product page views, engagement rate, lead
conversion rate)."""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from kpi import pipeline
from kpi.dataset import Dataset
from kpi.journey.inputs import PAGE
from kpi.journey.kpi import Kpi, empty, missing, needs, not_applicable, ok, rate
from kpi.words import Fact

__all__ = ["consideration_kpis"]


def consideration_kpis(
    dataset: Dataset,
    ev: pl.DataFrame,
    roles: Mapping[str, str | None],
    crm: pipeline.PipelineSummary | None,
    only_orders: bool,
    visitors: float,
) -> list[Kpi]:
    """The consideration KPIs of the (filtered) events ``ev`` (``visitors`` distinct users), in
    journey order."""
    out: list[Kpi] = []
    if roles["product"] is None:
        out.append(missing("product_page_views", needs("product")))
    else:
        out.append(
            ok("product_page_views", float(ev.filter(pl.col("step") == roles["product"]).height))
        )
    # Without a landing step the product view is how visitors arrive (REES46: every event is
    # a product view), so one product view alone is a visit, not an engagement (it made the
    # engagement rate 100 % by construction).
    kinds = ("product", "cart", "checkout", "purchase") if roles["landing"] else ("cart", "checkout", "purchase")  # fmt: skip
    interaction = [roles[r] for r in kinds if roles[r]]
    per_user = ev.group_by("user_id").agg(
        (PAGE.sum() >= 2).alias("many"),
        pl.col("step").is_in(interaction).any().alias("interacted"),
    )
    engaged = float(per_user.filter(pl.col("many") | pl.col("interacted")).height)
    if crm is not None:
        out.append(not_applicable("engagement_rate", "crm_contacts"))
    elif only_orders:
        out.append(not_applicable("engagement_rate", "orders_only", engaged, visitors))
    else:
        out.append(rate("engagement_rate", engaged, visitors, empty("users")))
    out.append(_lead_conversion(dataset, ev, roles))
    return out


def _lead_conversion(dataset: Dataset, ev: pl.DataFrame, roles: Mapping[str, str | None]) -> Kpi:
    lead, customer = roles["lead"], roles["customer"]
    if lead is not None and customer is not None and not pipeline.is_contacts(dataset):
        flags = ev.group_by("user_id").agg(
            (pl.col("step") == lead).any().alias("lead"),
            (pl.col("step") == customer).any().alias("customer"),
        )
        leads = flags.filter(pl.col("lead"))
        won = float(leads.filter(pl.col("customer")).height)
        return rate("lead_conversion", won, float(leads.height), empty("leads"))
    crm = pipeline.pipeline_summary(dataset)
    if crm is None:
        return missing("lead_conversion", needs("lead"))
    if crm.kind == "deal" or crm.leads is None:
        return not_applicable("lead_conversion", "deal_pipeline")
    kpi = rate("lead_conversion", float(crm.customers), float(crm.leads), empty("leads"))
    if not kpi.available:
        return kpi
    notes = (Fact("stages.note.lead_stage_column", column=crm.column),)
    return ok("lead_conversion", kpi.value, kpi.numerator, kpi.denominator, notes=notes)
