"""Every stage's KPIs of a (filtered) Dataset, in journey order: awareness, consideration,
decision."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

import polars as pl

from kpi import pipeline
from kpi.dataset import Dataset
from kpi.journey.awareness import awareness_kpis
from kpi.journey.consideration import consideration_kpis
from kpi.journey.crm import pipeline_kpis
from kpi.journey.decision import decision_kpis
from kpi.journey.inputs import orders_only, period_start, resolve_steps, step_arguments
from kpi.journey.kpi import Kpi

__all__ = ["compute", "stage_kpis"]


def stage_kpis(
    dataset: Dataset,
    *,
    first_seen: pl.DataFrame | None = None,
    landing_step: str | None = None,
    product_step: str | None = None,
    cart_step: str | None = None,
    purchase_step: str | None = None,
    lead_step: str | None = None,
    customer_step: str | None = None,
    facts: Any = None,
) -> list[Kpi]:
    """Awareness, consideration and decision KPIs of a (filtered) dataset, in journey order.

    ``facts`` (a :class:`kpi.journey.facts.Selection`: a period's per-user facts and the
    segment filters of ``dataset``) reads the same KPIs from the facts instead of scanning
    ``dataset`` (the View passes the period's Dataset then); it is used when no step is given.

    Steps not given are detected from the step names (:func:`kpi.stages.detect_steps`).
    ``first_seen`` (``user_id``, ``first_seen``) gives each user's first-ever event from the
    unfiltered history; without it the ``signup`` user column is used, and without that every
    user of the data counts as new. Money KPIs carry the data's currency
    (``Dataset.currency``, when it says). Raises :class:`~kpi.errors.SchemaError` when the
    events have no ``user_id``/``step`` columns and :class:`~kpi.errors.InputError` for an
    unknown step name.
    """
    given = (landing_step, product_step, cart_step, purchase_step, lead_step, customer_step)
    if facts is not None and all(step is None for step in given):
        return facts.stage_kpis()
    roles = resolve_steps(
        dataset,
        step_arguments(
            landing_step=landing_step,
            product_step=product_step,
            cart_step=cart_step,
            purchase_step=purchase_step,
            lead_step=lead_step,
            customer_step=customer_step,
        ),
    )
    return compute(dataset, roles, first_seen, period_start(dataset.events))


def compute(
    dataset: Dataset,
    roles: Mapping[str, str | None],
    first_seen: pl.DataFrame | None,
    start: object,
    only_orders: bool | None = None,
) -> list[Kpi]:
    """The stage KPIs with the step roles resolved and the period's start known (shared by
    :func:`stage_kpis` and the per-segment table)."""
    ev = dataset.events.filter(pl.col("user_id").is_not_null())
    if only_orders is None:
        only_orders = orders_only(dataset, roles["purchase"])
    crm = pipeline.pipeline_summary(dataset) if pipeline.is_contacts(dataset) else None
    visitors = float(ev["user_id"].n_unique())
    out = awareness_kpis(dataset, ev, roles, first_seen, start, only_orders, visitors)
    out += consideration_kpis(dataset, ev, roles, crm, only_orders, visitors)
    if crm is not None:
        out += pipeline_kpis(crm, visitors)
    else:
        out += decision_kpis(ev, roles, visitors, only_orders)
    currency = getattr(dataset, "currency", None)
    if currency:
        out = [
            dataclasses.replace(k, currency=currency) if k.unit == "currency" else k for k in out
        ]
    return out
