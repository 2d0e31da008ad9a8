"""Stage KPIs per segment value (top values plus "Other", so additive KPIs reconcile)."""

from __future__ import annotations

import polars as pl

from kpi import pipeline
from kpi.dataset import Dataset
from kpi.errors import SchemaError
from kpi.journey.inputs import orders_only, period_start, resolve_steps, step_arguments
from kpi.journey.kpis import compute
from kpi.segments import NONE, OTHER, top_values
from kpi.words import Fact

__all__ = ["ADDITIVE", "split_spend_by", "stage_kpis_by"]

#: KPIs that add up over segments (each user, session, event and order is in one segment).
ADDITIVE = (
    "sessions",
    "users",
    "new_users",
    "product_page_views",
    "purchasers",
    "orders",
    "revenue",
    "contacts",
    "customers",
    "won_deal_value",
    "open_pipeline_value",
)


def stage_kpis_by(
    dataset: Dataset,
    by: str,
    n: int = 8,
    *,
    first_seen: pl.DataFrame | None = None,
    **steps: str | None,
) -> pl.DataFrame:
    """Stage KPIs per segment: one row per value of ``by`` (top ``n`` by users, the rest as
    "Other", users without a value as "(none)") and one column per KPI available overall.

    Additive KPIs (:data:`ADDITIVE`) sum to the overall value. Spend KPIs (impressions,
    clicks, CTR, reach) are split only when ``by`` is ``channel`` (spend rows follow the same
    top-``n`` relabelling); for other segments they are null.
    """
    if by not in dataset.users.columns and by not in dataset.events.columns:
        raise SchemaError(
            Fact("stages.error.no_segment", segment=by), Fact("stages.hint.pick_segment")
        )
    roles = resolve_steps(dataset, step_arguments(**steps))
    start = period_start(dataset.events)
    only_orders = orders_only(dataset, roles["purchase"])
    overall = compute(dataset, roles, first_seen, start, only_orders)
    codes = [k.code for k in overall if k.available]
    events = dataset.events_with([by])
    if pipeline.is_contacts(dataset) and by in dataset.users.columns:
        # contacts: every contact has a segment, also those outside the pipeline (no events)
        segment_of = dataset.users.select("user_id", by)
    elif by in dataset.events.columns:  # a per-event column: the user's first touch value
        ordered = events.sort("ts", nulls_last=True) if "ts" in events.columns else events
        segment_of = ordered.group_by("user_id", maintain_order=True).agg(pl.col(by).first())
    else:
        segment_of = events.select("user_id", by).unique("user_id")
    segment_of = segment_of.with_columns(pl.col(by).cast(pl.String).fill_null(NONE))
    keep = top_values(segment_of, by, n)
    label = pl.when(pl.col(by).is_in(keep)).then(pl.col(by)).otherwise(pl.lit(OTHER))
    segment_of = segment_of.with_columns(label.alias(by))
    values = [v for v in [*keep, OTHER] if v in set(segment_of[by].to_list())]

    spend, split_spend = split_spend_by(dataset.spend, by, keep, values)
    rows: list[dict[str, object]] = []
    for value in values:  # one pass per segment (at most n + 1), not per row
        ids = segment_of.filter(pl.col(by) == value).select("user_id")
        part = dataset.with_tables(
            events=dataset.events.join(ids, on="user_id", how="semi"),
            users=dataset.users.join(ids, on="user_id", how="semi"),
            spend=spend.filter(pl.col("_segment") == value).drop("_segment")
            if split_spend
            else None,  # type: ignore[union-attr]
        )
        kpis = {k.code: k.value for k in compute(part, roles, first_seen, start, only_orders)}
        rows.append({by: value, **{c: kpis.get(c) for c in codes}})
    schema = {by: pl.String, **dict.fromkeys(codes, pl.Float64)}
    return pl.DataFrame(rows, schema=schema, orient="row")


def split_spend_by(
    spend: pl.DataFrame | None, by: str, keep: list[str], values: list[str]
) -> tuple[pl.DataFrame | None, bool]:
    """(spend with its ``_segment``, True) when the breakdown is by channel and the spend has
    channels: each channel's spend goes to its row, the channels not kept to Other (added to
    ``values`` when only spend has it: kept, so totals add up); else (spend, False)."""
    if not (by == "channel" and spend is not None and "channel" in spend.columns):
        return spend, False
    channel = pl.col("channel").cast(pl.String)
    spend = spend.with_columns(
        pl.when(channel.is_in(keep)).then(channel).otherwise(pl.lit(OTHER)).alias("_segment")
    )
    if OTHER not in values and (spend["_segment"] == OTHER).any():
        values.append(OTHER)
    return spend, True
