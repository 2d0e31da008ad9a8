"""Everything the Value page and the workbook's Value sheet show, in one call."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from kpi.errors import InputError
from kpi.retention.purchases import RepeatPurchase, repeat_purchase_rate
from kpi.value.acquisition import cac_by_channel, clv_cac, monthly_revenue_per_customer, roas
from kpi.value.clv import Clv, ClvInputs, clv_by, clv_classic, clv_inputs, observed_clv
from kpi.value.order_value import (
    Aov,
    RevenuePerCustomer,
    TopCustomerShare,
    revenue_per_customer,
    top_customer_share,
)
from kpi.value.order_value import aov as average_order_value
from kpi.words import Fact

__all__ = [
    "ALL_PAID",
    "NO_CHANNEL",
    "SPEND_HINT",
    "ValueSummary",
    "classic_clv",
    "value_summary",
]

NO_CHANNEL = "(all)"  # kpi.schema's channel of a spend file without a channel column
#: the ``channel`` of :attr:`ValueSummary.total` (a catalogue code: "All paid channels")
ALL_PAID = "value.all_paid_channels"
#: why CAC is not shown without spend (a catalogue code)
SPEND_HINT = "value.spend_hint"


@dataclass(frozen=True)
class ValueSummary:
    """Everything the Value page (and the workbook's Value sheet) shows.

    ``inputs``: the CLV factors estimated from the data; ``clv``: the classic CLV with the
    caller's overrides (None without purchases); ``observed``: :func:`observed_clv` by month;
    ``channels``: one row per channel with ``spend``, ``new_customers``, ``cac``, ``revenue``,
    ``roas``, ``clv``, ``clv_cac``, ``meets_guide``, ``payback_months``, ``note`` (a
    ``value.note.…`` code or None) (None without spend: ``spend_note`` says why and
    ``spend_reason`` is the :mod:`kpi.reasons` code); ``total``: the same figures over all paid
    channels (``channel`` = :data:`ALL_PAID`); ``repeat``: the repeat-purchase rate;
    ``channel_clv_note``: how each channel's CLV was computed (a fact); ``currency``: the
    data's currency (ISO code) or None.
    """

    aov: Aov
    revenue_per_customer: RevenuePerCustomer
    top_share: TopCustomerShare
    inputs: ClvInputs
    clv: Clv | None
    clv_basis: str
    observed: pl.DataFrame
    monthly_revenue: float | None
    channels: pl.DataFrame | None
    total: dict[str, float | int | str | None] | None
    spend_note: Fact | None
    repeat: RepeatPurchase
    channel_clv_note: Fact | None = None
    spend_reason: str | None = None  # a kpi.reasons code when CAC is not shown
    currency: str | None = None


def _channel_table(
    events: pl.DataFrame,
    spend: pl.DataFrame,
    clv: float | pl.DataFrame,
    *,
    channel: str,
    purchase_step: str | None,
    monthly_revenue: float | None,
    margin: float,
    first_purchases: pl.DataFrame | None = None,
) -> tuple[pl.DataFrame, dict[str, float | int | str | None]]:
    customers = events if first_purchases is None else first_purchases
    cac = cac_by_channel(spend, customers, channel=channel, purchase_step=purchase_step)
    ratio = clv_cac(cac, clv, channel=channel, monthly_revenue=monthly_revenue, margin=margin)
    ret = roas(spend, events, channel=channel, purchase_step=purchase_step)
    table = (
        cac.select(channel, "spend", "new_customers", "cac")
        .join(ret.select(channel, "revenue", "roas"), on=channel, how="left")
        .join(ratio.drop("cac"), on=channel, how="left")
        .with_columns(pl.col("revenue").fill_null(0.0))
    )
    paid = table.filter(pl.col("spend") > 0)
    spent = float(paid["spend"].sum())
    new = int(paid["new_customers"].sum())
    revenue = float(paid["revenue"].sum())
    total_cac = spent / new if new else None
    shop_clv = clv if isinstance(clv, float | int) else None
    gross = None if monthly_revenue is None else monthly_revenue * margin
    total: dict[str, float | int | str | None] = {
        channel: ALL_PAID,
        "spend": spent,
        "new_customers": new,
        "cac": total_cac,
        "revenue": revenue,
        "roas": revenue / spent if spent else None,
        "clv": shop_clv,
        "clv_cac": shop_clv / total_cac if shop_clv is not None and total_cac else None,
        "payback_months": total_cac / gross if total_cac is not None and gross else None,
    }
    return table, total


def classic_clv(
    inputs: ClvInputs,
    aov: float | None = None,
    purchases_per_year: float | None = None,
    currency: str | None = None,
) -> Clv | None:
    """The classic CLV of the estimated factors with the caller's overrides (the page's
    editable AOV and purchases per year); None without orders and without overrides."""
    if inputs.aov is None and aov is None:
        return None
    a = aov if aov is not None else inputs.aov
    f = purchases_per_year if purchases_per_year is not None else inputs.purchases_per_year
    if a is None or f is None:
        return None
    return clv_classic(a, f, inputs.years, currency=currency)


def value_summary(
    events: pl.DataFrame,
    spend: pl.DataFrame | None = None,
    *,
    purchase_step: str | None = "purchase",
    aov: float | None = None,
    purchases_per_year: float | None = None,
    years: float | None = None,
    clv_basis: str = "channel",
    channel: str = "channel",
    top: float = 0.1,
    margin: float = 1.0,
    first_purchases: pl.DataFrame | None = None,
    currency: str | None = None,
) -> ValueSummary:
    """AOV, revenue per customer, top-customer share, CLV (classic with overrides, observed),
    and per channel CAC, ROAS, CLV/CAC and payback.

    ``aov``, ``purchases_per_year``, ``years`` override the estimates of :func:`clv_inputs`
    (the page's editable factors). ``clv_basis``: ``"channel"`` = each channel's own CLV
    (:func:`clv_by`, with the chosen years) or ``"shop"`` = the one classic CLV for every
    channel. ``events`` must carry ``channel`` (``Dataset.events_with(["channel"])``) for the
    channel table.

    Per channel (``"channel"``): each channel's CLV uses its own AOV and purchase frequency; when
    the caller overrides ``aov`` or ``purchases_per_year``, every channel's CLV is scaled by
    override ÷ shop-wide estimate (the same relative change), and each channel's CAC payback
    uses its own monthly revenue per customer. ``channel_clv_note`` says so in words.

    ``first_purchases``: the period's new customers judged on the full history (user_id,
    channel, first_purchase: :func:`new_customers_in_view`). Without it CAC's new customers are
    the first purchases *within* ``events``, which is wrong when ``events`` are cut to a period
    (earlier customers buying again would count as new). ROAS always uses the revenue in
    ``events`` of all the channel's customers, new and returning.
    """
    if clv_basis not in ("channel", "shop"):
        raise InputError(Fact("value.error.basis", basis=str(clv_basis)), Fact("value.hint.basis"))
    inputs = clv_inputs(events, purchase_step=purchase_step, years=years, currency=currency)
    clv = classic_clv(inputs, aov, purchases_per_year, currency)
    monthly = monthly_revenue_per_customer(events, purchase_step=purchase_step)
    channels = total = None
    spend_note = channel_note = spend_reason = None
    if spend is None or spend.height == 0:
        spend_note, spend_reason = Fact(SPEND_HINT), "no_spend"
    elif channel not in events.columns:
        spend_reason = "customers_without_channel"
        spend_note = Fact(f"value.cac_na.{spend_reason}")
    elif "channel" not in spend.columns or set(
        spend["channel"].cast(pl.String).fill_null(NO_CHANNEL).unique().to_list()
    ) <= {NO_CHANNEL}:
        spend_reason = "spend_without_channel"  # one total: no spend per channel to divide
        spend_note = Fact(f"value.cac_na.{spend_reason}")
    elif clv is None:
        spend_reason = "no_purchases"
        spend_note = Fact("value.cac_na.no_purchases", why=inputs.explanation)
    else:
        per_channel: float | pl.DataFrame = clv.clv
        if clv_basis == "channel":
            scale = 1.0
            changed: list[Fact] = []
            if aov is not None and inputs.aov:
                scale *= aov / inputs.aov
                changed.append(Fact("value.change.aov", new=aov, old=inputs.aov, currency=currency))
            if purchases_per_year is not None and inputs.purchases_per_year:
                scale *= purchases_per_year / inputs.purchases_per_year
                changed.append(
                    Fact(
                        "value.change.per_year",
                        new=purchases_per_year,
                        old=inputs.purchases_per_year,
                    )
                )
            per_channel = clv_by(
                events, channel, years=inputs.years, purchase_step=purchase_step
            ).select(pl.col(channel), pl.col("clv") * scale, "monthly_revenue")
            years_used = float(inputs.years)
            channel_note = (
                Fact("value.channel_clv.scaled", years=years_used, changes=changed, scale=scale)
                if changed
                else Fact("value.channel_clv.own", years=years_used)
            )
        channels, total = _channel_table(
            events,
            spend,
            per_channel,
            channel=channel,
            purchase_step=purchase_step,
            monthly_revenue=monthly,
            margin=margin,
            first_purchases=first_purchases,
        )
        total["clv"] = clv.clv
        total["clv_cac"] = clv.clv / total["cac"] if total["cac"] else None  # type: ignore[operator]
    return ValueSummary(
        aov=average_order_value(events, purchase_step=purchase_step, currency=currency),
        revenue_per_customer=revenue_per_customer(
            events, purchase_step=purchase_step, currency=currency
        ),
        top_share=top_customer_share(events, top, purchase_step=purchase_step),
        inputs=inputs,
        clv=clv,
        clv_basis=clv_basis,
        observed=observed_clv(events, grain="month", purchase_step=purchase_step),
        monthly_revenue=monthly,
        channels=channels,
        total=total,
        spend_note=spend_note,
        repeat=repeat_purchase_rate(events, purchase_step),
        channel_clv_note=channel_note,
        spend_reason=spend_reason,
        currency=currency,
    )
