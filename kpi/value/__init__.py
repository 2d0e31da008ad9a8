"""Customer value: AOV, revenue per customer, CLV (classic and observed), CAC, ROAS, payback.

One module per concept, every name importable from ``kpi.value`` as before:

- :mod:`kpi.value.order_value`: average order value, revenue per customer, top-customer share;
- :mod:`kpi.value.clv`: the classic CLV and its factors estimated from the data, observed CLV
  per first-purchase cohort, CLV per segment;
- :mod:`kpi.value.acquisition`: new customers, CAC, CLV / CAC, payback, ROAS;
- :mod:`kpi.value.summary`: everything the Value page and the workbook show.

Orders are distinct ``order_id`` values when the events have that column (events without one
count one order each), else purchase events; revenue is the sum of ``revenue`` over purchase
events. ``purchase_step=None`` treats every event as a purchase (an orders table). Money is in
the data's currency (``currency``, carried by the facts); rates and ratios are plain numbers.
Sentences for people are :class:`kpi.words.Fact` (codes ``value.…`` of
``kpi/words/catalogue/value.py``).
"""

from __future__ import annotations

from kpi.definitions import Definition
from kpi.value.acquisition import (
    GUIDE_RATIO,
    NOTE_NO_CLV,
    NOTE_NO_SPEND,
    NOTE_NO_SPEND_NO_NEW,
    NOTE_SPEND_NO_NEW,
    cac_by_channel,
    clv_cac,
    monthly_revenue_per_customer,
    new_customers,
    new_customers_in_view,
    payback_months,
    roas,
)
from kpi.value.clv import (
    DAYS_PER_MONTH,
    DAYS_PER_YEAR,
    DEFAULT_YEARS,
    FULL_YEAR_DAYS,
    MIN_OBSERVED_DAYS,
    Clv,
    ClvInputs,
    clv_by,
    clv_classic,
    clv_inputs,
    extrapolation_note,
    observed_clv,
)
from kpi.value.order_value import (
    Aov,
    RevenuePerCustomer,
    TopCustomerShare,
    aov,
    need_revenue,
    revenue_per_customer,
    top_customer_share,
)
from kpi.value.summary import ALL_PAID, NO_CHANNEL, SPEND_HINT, ValueSummary, value_summary

#: legacy English definitions (the catalogue's ``def.<code>.*`` entries are the source; the
#: lead removes these fields after the merge)
DEFINITIONS: dict[str, Definition] = {
    "aov": Definition("currency", "value"),
    "revenue_per_customer": Definition("currency", "value"),
    "top_customer_share": Definition("rate", "value"),
    "clv": Definition("currency", "value"),
    "observed_clv": Definition("currency", "value"),
    "cac": Definition("currency", "value"),
    "clv_cac": Definition("ratio", "value"),
    "payback": Definition("months", "value"),
    "roas": Definition("ratio", "value"),
}


__all__ = [
    "ALL_PAID",
    "DAYS_PER_MONTH",
    "DAYS_PER_YEAR",
    "DEFAULT_YEARS",
    "DEFINITIONS",
    "FULL_YEAR_DAYS",
    "GUIDE_RATIO",
    "MIN_OBSERVED_DAYS",
    "NOTE_NO_CLV",
    "NOTE_NO_SPEND",
    "NOTE_NO_SPEND_NO_NEW",
    "NOTE_SPEND_NO_NEW",
    "NO_CHANNEL",
    "SPEND_HINT",
    "Aov",
    "Clv",
    "ClvInputs",
    "RevenuePerCustomer",
    "TopCustomerShare",
    "ValueSummary",
    "aov",
    "cac_by_channel",
    "clv_by",
    "clv_cac",
    "clv_classic",
    "clv_inputs",
    "extrapolation_note",
    "monthly_revenue_per_customer",
    "need_revenue",
    "new_customers",
    "new_customers_in_view",
    "observed_clv",
    "payback_months",
    "revenue_per_customer",
    "roas",
    "top_customer_share",
    "value_summary",
]
