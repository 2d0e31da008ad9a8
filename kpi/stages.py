"""Customer-journey stage KPIs (awareness, consideration, decision) from a canonical Dataset.

Every KPI is returned as a :class:`Kpi`, also when it cannot be computed: ``available`` is then
False and ``missing`` says which column or file would unlock it, so that the page can show
"needs a session_id column" instead of an empty tile.

Conventions (also in :data:`DEFINITIONS`):

- *Visitors* are the distinct ``user_id`` of the events in the (filtered) dataset.
- A *session* is a distinct (``user_id``, ``session_id``) pair: GA4's ``ga_session_id`` is only
  unique per user, so the pair is the safe key.
- Events are read as page views for bounce rate and pages per session (one event = one page or
  screen view). With event logs that also hold clicks, both KPIs count those events too.
  GA4's automatically collected markers (``session_start``, ``first_visit``, ``first_open``,
  ``user_engagement``) are not pages: GA4 writes ``session_start`` beside the first
  ``page_view`` of every session, so counting it would make every session "two pages" (bounce
  0 %, engagement 100 % on any GA4 export).
- *Purchase events* are the events of the purchase step; without a purchase step, the events
  that carry an ``order_id``; without ``order_id``, the events with ``revenue`` > 0.
- Revenue is the sum of ``revenue`` over purchase events; orders are the distinct ``order_id``
  of purchase events (a purchase event without an order id counts as one order).
- Segments are user attributes (first touch, see DESIGN.md).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import polars as pl

from kpi import pipeline
from kpi import steps as _steps
from kpi.dataset import Dataset
from kpi.definitions import Definition
from kpi.errors import InputError, SchemaError
from kpi.reasons import sentence
from kpi.segments import NONE, top_values

__all__ = [
    "ADDITIVE",
    "DEFINITIONS",
    "STEP_SYNONYMS",
    "Kpi",
    "compare",
    "detect_steps",
    "monthly_session_duration",
    "orders_only",
    "stage_kpis",
    "stage_kpis_by",
]

DEFINITIONS: dict[str, Definition] = {
    # Awareness
    "sessions": Definition(
        "Sessions", "Number of distinct sessions (user_id, session_id pairs).", "count", "awareness"
    ),
    "users": Definition(
        "Users", "Number of distinct users (user_id) with at least one event.", "count", "awareness"
    ),
    "new_users": Definition(
        "New users",
        "Users whose first-ever event (first-seen date) falls in the period, which starts on "
        "the day of the earliest event. Without earlier history every user of the data "
        "counts as new.",
        "count",
        "awareness",
    ),
    "bounce_rate": Definition(
        "Bounce rate",
        "Single-page sessions / sessions (a session with at most one event bounced; GA4's "
        "session_start, first_visit, first_open and user_engagement markers are not pages).",
        "rate",
        "awareness",
    ),
    "bounce_rate_landing": Definition(
        "Bounce rate on landing pages",
        "Single-page sessions / sessions, counting only sessions whose first event is the "
        "landing step.",
        "rate",
        "awareness",
    ),
    "pages_per_session": Definition(
        "Pages per session",
        "Events / sessions (each event is read as one page or screen view; GA4's "
        "session_start, first_visit, first_open and user_engagement markers are not counted).",
        "ratio",
        "awareness",
    ),
    "avg_time_on_site": Definition(
        "Average time on site",
        "Mean over sessions of (last event time − first event time), in seconds; a one-event "
        "session counts as 0 s.",
        "seconds",
        "awareness",
    ),
    "impressions": Definition(
        "Impressions", "Sum of ad impressions in the spend file.", "count", "awareness"
    ),
    "reach": Definition(
        "Reach",
        "Sum of the reach column of the spend file (people reached; summed over rows, so a "
        "person reached in two periods counts twice).",
        "count",
        "awareness",
    ),
    "clicks": Definition("Clicks", "Sum of ad clicks in the spend file.", "count", "awareness"),
    "ctr": Definition("Click-through rate", "Clicks / impressions.", "rate", "awareness"),
    "organic_share": Definition(
        "Organic share of traffic",
        "Sessions (users when there are no sessions) whose channel says organic ('organic', "
        "'organique', 'naturel' or 'SEO') / all "
        "sessions (users). The channel is the user's first-touch channel.",
        "rate",
        "awareness",
    ),
    # Consideration
    "product_page_views": Definition(
        "Product page views", "Number of events of the product-view step.", "count", "consideration"
    ),
    "engagement_rate": Definition(
        "Engagement rate",
        "Engaged users / users. A user is engaged with at least 2 events (GA4's session_start, "
        "first_visit, first_open and user_engagement markers not counted), or at least one "
        "event of an interaction step (product view, add to cart, checkout or purchase; "
        "without a landing step a product view is how visitors arrive, so it does not count "
        "alone).",
        "rate",
        "consideration",
    ),
    "lead_conversion": Definition(
        "Lead conversion rate",
        "Customers ÷ leads (lead and customer steps, or a lifecycle-stage column: leads are "
        "contacts at stage Lead or beyond, customers at Customer or beyond).",
        "rate",
        "consideration",
    ),
    # Decision
    "conversion_rate": Definition(
        "Conversion rate", "Users who purchased / users (visitors).", "rate", "decision"
    ),
    "purchasers": Definition(
        "Purchasers", "Distinct users with at least one purchase.", "count", "decision"
    ),
    "orders": Definition(
        "Orders",
        "Distinct order ids of purchase events (a purchase without an order id is one order).",
        "count",
        "decision",
    ),
    "revenue": Definition("Revenue", "Sum of revenue of purchase events.", "currency", "decision"),
    "aov": Definition("Average order value", "Revenue / orders.", "currency", "decision"),
    "cart_abandonment": Definition(
        "Cart abandonment rate",
        "Users who added to cart and did not purchase / users who added to cart (a purchaser "
        "who never added to cart does not lower it, so it is not 1 − purchasers / carts).",
        "rate",
        "decision",
    ),
    "revenue_per_visitor": Definition(
        "Revenue per visitor", "Revenue / users (visitors).", "currency", "decision"
    ),
    "time_to_convert_median": Definition(
        "Median time from first visit to purchase",
        "Median over purchasers of (first purchase time − first event time), in seconds, "
        "counting only purchasers with an event other than a purchase at or before their first "
        "purchase (for the others the first visit is not in the data). Not the funnel's time "
        "to convert, which runs from the funnel's first step within one attempt.",
        "seconds",
        "decision",
    ),
    "time_to_convert_mean": Definition(
        "Average time from first visit to purchase",
        "Mean over purchasers of (first purchase time − first event time), in seconds, "
        "counting only purchasers with a non-purchase event at or before their first purchase.",
        "seconds",
        "decision",
    ),
    # CRM pipelines (kpi.pipeline): shown when the data is a contacts table
    **pipeline.DEFINITIONS,
}

# the step vocabulary lives in kpi.steps (one for every module); kept here under its old names
STEP_SYNONYMS = _steps.STEP_SYNONYMS
_norm = _steps.normalise
detect_steps = _steps.detect_steps
purchase_step = _steps.purchase_step

_MISSING = {
    "sessions": "needs a session_id column in the events (e.g. GA4 ga_session_id, REES46 "
    "user_session)",
    "ts": "needs event timestamps (a ts / event_time column)",
    "spend": "needs an ad-spend export (channel, period, spend, impressions, clicks)",
    "impressions": "needs an ad-spend export with an impressions column",
    "clicks": "needs an ad-spend export with clicks and impressions columns",
    "reach": "needs an ad-spend export with a reach column",
    "channel": "needs a channel column for users (e.g. GA4 'Session default channel group', "
    "utm_medium, source)",
    "landing": "needs a landing step in the events (landing, session_start, home_page or "
    "page_view); choose it as the landing step",
    "product": "needs a product-view step in the events (product_view, view_item, view or "
    "search_page); choose it as the product step",
    "cart": "needs an add-to-cart step in the events (add_to_cart or cart); choose it as the "
    "cart step",
    "purchase": "needs a purchase step in the events (purchase, order, transaction) or an "
    "orders file with order_id or revenue",
    "revenue": "needs a revenue column (order total) in the events or an orders file",
    "lead": "needs lead and customer steps in the events (e.g. HubSpot 'Became a Lead Date' "
    "and 'Became a Customer Date' columns) or a lifecycle-stage column such as HubSpot "
    "'Lifecycle Stage'",
}


@dataclass(frozen=True)
class Kpi:
    """One KPI value with its definition, or the reason it is not available."""

    code: str
    label: str
    stage: str
    value: float | None
    unit: str
    formula: str
    available: bool
    missing: str | None = None
    numerator: float | None = None
    denominator: float | None = None
    reason: str | None = None  # a code of kpi.reasons when the KPI does not apply to the data

    @property
    def not_applicable(self) -> bool:
        """True when the KPI does not apply to this data (``reason`` says why), as opposed
        to missing a column that would unlock it."""
        return self.reason is not None


def _ok(code: str, value: float | None, num: float | None = None, den: float | None = None,
        formula: str | None = None) -> Kpi:  # fmt: skip
    d = DEFINITIONS[code]
    return Kpi(code, d.label, d.stage, value, d.unit, formula or d.formula, True, None, num, den)


def _missing(code: str, missing: str, num: float | None = None, den: float | None = None) -> Kpi:
    d = DEFINITIONS[code]
    return Kpi(code, d.label, d.stage, None, d.unit, d.formula, False, missing, num, den)


def _not_applicable(code: str, reason: str, num: float | None = None, den: float | None = None
                    ) -> Kpi:  # fmt: skip
    """A KPI that does not apply to this data: no value, ``reason`` a code of kpi.reasons."""
    d = DEFINITIONS[code]
    return Kpi(code, d.label, d.stage, None, d.unit, d.formula, False, sentence(reason), num, den,
               reason)  # fmt: skip


def _rate(code: str, num: float, den: float, empty: str) -> Kpi:
    """num / den, or unavailable (``empty`` says why) when the denominator is 0."""
    if den <= 0:
        return _missing(code, empty, num, den)
    return _ok(code, num / den, num, den)


def _known_steps(dataset: Dataset) -> list[str]:
    if dataset.steps:
        return list(dataset.steps)
    if "step" not in dataset.events.columns:
        return []
    counts = (
        dataset.events.group_by("step")
        .agg(pl.len())
        .sort(["len", "step"], descending=[True, False])
    )
    return [s for s in counts["step"].to_list() if s is not None]


def _resolve_steps(dataset: Dataset, given: Mapping[str, str | None]) -> dict[str, str | None]:
    for col in ("user_id", "step"):
        if col not in dataset.events.columns:
            raise SchemaError(
                f"The events have no {col} column, so journey KPIs cannot be computed.",
                f"Map a column to the '{col}' role on the data page.",
            )
    known = _known_steps(dataset)
    roles = detect_steps(known)
    present = set(known)
    if "step" in dataset.events.columns:
        present |= set(dataset.events["step"].unique().drop_nulls().to_list())
    for role, name in given.items():
        if name is None:
            continue
        if name not in present:
            choices = ", ".join(known[:12]) or "(no steps)"
            raise InputError(
                f"The {role} step '{name}' is not a step of this data.",
                f"Choose one of: {choices}.",
            )
        roles[role] = name
    return roles


def _has_values(frame: pl.DataFrame | None, column: str) -> bool:
    return (
        frame is not None and column in frame.columns and frame[column].null_count() < frame.height
    )


def _purchase_events(events: pl.DataFrame, purchase_step: str | None) -> pl.DataFrame | None:
    if purchase_step is not None:
        return events.filter(pl.col("step") == purchase_step)
    if _has_values(events, "order_id"):
        return events.filter(pl.col("order_id").is_not_null())
    if _has_values(events, "revenue"):
        return events.filter(pl.col("revenue") > 0)
    return None


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
) -> list[Kpi]:
    """Awareness, consideration and decision KPIs of a (filtered) dataset, in journey order.

    Steps not given are detected from the step names (:func:`detect_steps`). ``first_seen``
    (``user_id``, ``first_seen``) gives each user's first-ever event from the unfiltered
    history; without it the ``signup`` user column is used, and without that every user of
    the data counts as new. Raises :class:`~kpi.errors.SchemaError` when the events have no
    ``user_id``/``step`` columns and :class:`~kpi.errors.InputError` for an unknown step name.
    """
    roles = _resolve_steps(
        dataset,
        _step_arguments(
            landing_step=landing_step,
            product_step=product_step,
            cart_step=cart_step,
            purchase_step=purchase_step,
            lead_step=lead_step,
            customer_step=customer_step,
        ),
    )
    return _compute(dataset, roles, first_seen, _period_start(dataset.events))


def _step_arguments(**steps: str | None) -> dict[str, str | None]:
    roles = ("landing", "product", "cart", "purchase", "lead", "customer")
    unknown = set(steps) - {f"{r}_step" for r in roles}
    if unknown:
        raise InputError(
            f"Unknown step option(s): {', '.join(sorted(unknown))}.",
            "Use landing_step, product_step, cart_step, purchase_step, lead_step or customer_step.",
        )
    return {r: steps.get(f"{r}_step") for r in roles}


def _period_start(events: pl.DataFrame) -> object:
    """Midnight of the day of the earliest event (signup dates are often dates only)."""
    if not _has_values(events, "ts"):
        return None
    return events.select(pl.col("ts").min().dt.truncate("1d")).item()


#: GA4 automatically collected events that mark a session or a user, not a page they saw.
GA4_MARKERS: tuple[str, ...] = ("session_start", "first_visit", "first_open", "user_engagement")
#: 1 for an event read as a page (or screen) view, 0 for a GA4 marker.
_PAGE = (~pl.col("step").cast(pl.String).is_in(GA4_MARKERS)).fill_null(True).cast(pl.Int64)


def orders_only(dataset: Dataset, purchase_step: str | None = None) -> bool:
    """True when every event of the data is a purchase (an orders file, no visits): then every
    user in it bought, and conversion or engagement rates do not apply."""
    ev = dataset.events
    if ev.height == 0 or "step" not in ev.columns or pipeline.is_contacts(dataset):
        return False
    step = purchase_step or detect_steps(_known_steps(dataset)).get("purchase")
    purchases = _purchase_events(ev, step)
    return purchases is not None and purchases.height == ev.height


def _compute(
    dataset: Dataset,
    roles: Mapping[str, str | None],
    first_seen: pl.DataFrame | None,
    period_start: object,
    only_orders: bool | None = None,
) -> list[Kpi]:
    ev = dataset.events
    ev = ev.filter(pl.col("user_id").is_not_null())
    if only_orders is None:
        only_orders = orders_only(dataset, roles["purchase"])
    crm = pipeline.pipeline_summary(dataset) if pipeline.is_contacts(dataset) else None
    has_ts = _has_values(ev, "ts")
    has_sessions = _has_values(ev, "session_id")
    visitors = float(ev["user_id"].n_unique())
    no_users = "no users in this selection"
    out: list[Kpi] = []

    # ---- Awareness --------------------------------------------------------------------
    sessions: pl.DataFrame | None = None
    if has_sessions:
        sess_ev = ev.filter(pl.col("session_id").is_not_null())
        aggs = [_PAGE.sum().alias("events")]
        if has_ts:
            aggs += [
                pl.col("ts").min().alias("start"),
                (pl.col("ts").max() - pl.col("ts").min()).dt.total_seconds(fractional=True).alias("duration"),
                pl.col("step").get(pl.col("ts").arg_min()).alias("first_step"),
            ]  # fmt: skip
        sessions = sess_ev.group_by("user_id", "session_id").agg(aggs)
        n_sessions = float(sessions.height)
        out.append(_ok("sessions", n_sessions))
    else:
        out.append(_missing("sessions", _MISSING["sessions"]))
    out.append(_ok("users", visitors))
    out.append(_new_users(dataset, ev, first_seen, period_start, visitors))

    if sessions is not None:
        bounced = float(sessions.filter(pl.col("events") <= 1).height)
        out.append(_rate("bounce_rate", bounced, n_sessions, "no sessions in this selection"))
        if not has_ts:
            out.append(_missing("bounce_rate_landing", _MISSING["ts"]))
        elif roles["landing"] is None:
            out.append(_missing("bounce_rate_landing", _MISSING["landing"]))
        else:
            landing = sessions.filter(pl.col("first_step") == roles["landing"])
            out.append(
                _rate(
                    "bounce_rate_landing",
                    float(landing.filter(pl.col("events") <= 1).height),
                    float(landing.height),
                    "no session starts on the landing step in this selection",
                )
            )
        pages = float(sess_ev.select(_PAGE.sum()).item())
        out.append(_rate("pages_per_session", pages, n_sessions, "no sessions"))
        if has_ts:
            durations = sessions["duration"].drop_nulls()
            if durations.len():
                total = float(durations.sum())
                out.append(
                    _ok("avg_time_on_site", total / durations.len(), total, float(durations.len()))
                )
            else:
                out.append(_missing("avg_time_on_site", "no timed sessions in this selection"))
        else:
            out.append(_missing("avg_time_on_site", _MISSING["ts"]))
    else:
        for code in ("bounce_rate", "bounce_rate_landing", "pages_per_session", "avg_time_on_site"):
            out.append(_missing(code, _MISSING["sessions"]))

    out.extend(_spend_kpis(dataset.spend))
    if only_orders and sessions is None:
        out.append(_not_applicable("organic_share", "orders_only_traffic"))
    else:
        out.append(_organic_share(dataset, ev, sessions))

    # ---- Consideration ----------------------------------------------------------------
    if roles["product"] is None:
        out.append(_missing("product_page_views", _MISSING["product"]))
    else:
        out.append(
            _ok("product_page_views", float(ev.filter(pl.col("step") == roles["product"]).height))
        )
    # Without a landing step the product view is how visitors arrive (REES46: every event is
    # a product view), so one product view alone is a visit, not an engagement (it made the
    # engagement rate 100 % by construction).
    kinds = ("product", "cart", "checkout", "purchase") if roles["landing"] else ("cart", "checkout", "purchase")  # fmt: skip
    interaction = [roles[r] for r in kinds if roles[r]]
    per_user = ev.group_by("user_id").agg(
        (_PAGE.sum() >= 2).alias("many"),
        pl.col("step").is_in(interaction).any().alias("interacted"),
    )
    engaged = float(per_user.filter(pl.col("many") | pl.col("interacted")).height)
    if crm is not None:
        out.append(_not_applicable("engagement_rate", "crm_contacts"))
    elif only_orders:
        out.append(_not_applicable("engagement_rate", "orders_only", engaged, visitors))
    else:
        out.append(_rate("engagement_rate", engaged, visitors, no_users))
    out.append(_lead_conversion(dataset, ev, roles))

    # ---- Decision ---------------------------------------------------------------------
    if crm is not None:
        out.extend(_pipeline_kpis(crm, visitors))
        return out
    out.extend(_decision_kpis(dataset, ev, roles, visitors, has_ts, only_orders))
    return out


_ORDER_CODES = ("orders", "revenue", "aov", "revenue_per_visitor")


def _pipeline_kpis(crm: pipeline.PipelineSummary, contacts: float) -> list[Kpi]:
    """Decision KPIs of a CRM contacts table: the order KPIs do not apply; customers, won
    deal value, average deal value, open pipeline value and (deal pipeline) win rate do."""
    out = [
        _not_applicable("conversion_rate", "crm_contacts"),
        _not_applicable("purchasers", "crm_contacts"),
    ]
    out += [_not_applicable(c, "crm_deals") for c in _ORDER_CODES[:3]]
    out.append(_not_applicable("cart_abandonment", "crm_contacts"))
    out.append(_not_applicable("revenue_per_visitor", "crm_deals"))
    out += [
        _not_applicable(c, "crm_contacts")
        for c in ("time_to_convert_median", "time_to_convert_mean")
    ]
    out.append(_ok("contacts", float(crm.contacts)))
    out.append(_ok("customers", float(crm.customers), float(crm.customers), contacts))
    if not crm.has_amount:
        out += [
            _not_applicable(c, "crm_no_amount")
            for c in ("won_deal_value", "avg_deal_value", "open_pipeline_value")
        ]
    else:
        out.append(_ok("won_deal_value", crm.won_deal_value))
        if crm.avg_deal_value is None:
            out.append(_not_applicable("avg_deal_value", "crm_no_customers"))
        else:
            out.append(
                _ok(
                    "avg_deal_value",
                    crm.avg_deal_value,
                    crm.won_deal_value,
                    float(crm.won_with_amount),
                )
            )
        out.append(_ok("open_pipeline_value", crm.open_pipeline_value))
    if crm.kind == "deal":
        closed = float(crm.customers + crm.lost)
        out.append(
            _rate("win_rate", float(crm.customers), closed, "no closed deal in this selection")
        )
    return out


def _new_users(
    dataset: Dataset,
    ev: pl.DataFrame,
    first_seen: pl.DataFrame | None,
    period_start: object,
    visitors: float,
) -> Kpi:
    if first_seen is None and _has_values(dataset.users, "signup"):
        first_seen = dataset.users.select("user_id", pl.col("signup").alias("first_seen"))
    if first_seen is None or period_start is None:
        note = (
            DEFINITIONS["new_users"].formula
            + " No first-seen dates were given, so every user of the data counts as new."
        )
        return _ok("new_users", visitors, visitors, visitors, formula=note)
    if "user_id" not in first_seen.columns or "first_seen" not in first_seen.columns:
        raise InputError(
            "The first-seen table needs user_id and first_seen columns.",
            "Pass the unfiltered users' first event dates as (user_id, first_seen).",
        )
    fs = first_seen.select(
        pl.col("user_id").cast(pl.String), pl.col("first_seen").cast(pl.Datetime("us"))
    )
    users = ev.select(pl.col("user_id").cast(pl.String)).unique().join(fs, on="user_id", how="left")
    # Users absent from the history table are first seen in this data: new.
    new = users.filter(
        pl.col("first_seen").is_null() | (pl.col("first_seen") >= period_start)
    ).height
    return _ok("new_users", float(new), float(new), visitors)


def _spend_kpis(spend: pl.DataFrame | None) -> list[Kpi]:
    if spend is None:
        return [
            _missing(c, _MISSING["spend"] if c != "reach" else _MISSING["reach"])
            for c in ("impressions", "reach", "clicks", "ctr")
        ]
    out: list[Kpi] = []
    sums: dict[str, float | None] = {}
    for col in ("impressions", "reach", "clicks"):
        if col in spend.columns and (spend.height == 0 or _has_values(spend, col)):
            sums[col] = float(spend[col].cast(pl.Float64).sum())
            out.append(_ok(col, sums[col]))
        else:
            sums[col] = None
            out.append(_missing(col, _MISSING[col]))
    imp, clk = sums["impressions"], sums["clicks"]
    if imp is None or clk is None:
        out.append(_missing("ctr", _MISSING["clicks"]))
    else:
        out.append(_rate("ctr", clk, imp, "no impressions in this selection"))
    return out


#: a channel is organic when its name says so (English and French: "Organic Search",
#: "Recherche organique", "Référencement naturel", "SEO")
ORGANIC = r"(?i)organic|organique|naturel|\bseo\b"


def _organic_share(dataset: Dataset, ev: pl.DataFrame, sessions: pl.DataFrame | None) -> Kpi:
    if "channel" not in dataset.users.columns and "channel" not in ev.columns:
        return _missing("organic_share", _MISSING["channel"])
    if "channel" in ev.columns:  # first touch per user when the events carry the channel
        channel = ev.sort("ts", nulls_last=True) if "ts" in ev.columns else ev
        channel = channel.group_by("user_id", maintain_order=True).agg(pl.col("channel").first())
    else:
        channel = dataset.users.select("user_id", "channel")
    unit = sessions.select("user_id") if sessions is not None else ev.select("user_id").unique()
    joined = unit.join(channel, on="user_id", how="left")
    organic = joined.filter(pl.col("channel").cast(pl.String).str.contains(ORGANIC)).height
    return _rate(
        "organic_share", float(organic), float(joined.height), "no traffic in this selection"
    )


def _lead_conversion(dataset: Dataset, ev: pl.DataFrame, roles: Mapping[str, str | None]) -> Kpi:
    lead, customer = roles["lead"], roles["customer"]
    if lead is not None and customer is not None and not pipeline.is_contacts(dataset):
        flags = ev.group_by("user_id").agg(
            (pl.col("step") == lead).any().alias("lead"),
            (pl.col("step") == customer).any().alias("customer"),
        )
        leads = flags.filter(pl.col("lead"))
        won = float(leads.filter(pl.col("customer")).height)
        return _rate("lead_conversion", won, float(leads.height), "no leads in this selection")
    crm = pipeline.pipeline_summary(dataset)
    if crm is None:
        return _missing("lead_conversion", _MISSING["lead"])
    if crm.kind == "deal" or crm.leads is None:
        return _not_applicable("lead_conversion", "deal_pipeline")
    kpi = _rate("lead_conversion", float(crm.customers), float(crm.leads), "no leads in this selection")  # fmt: skip
    if not kpi.available:
        return kpi
    formula = (
        "Customers ÷ leads, from the stage column "
        f"'{crm.column}': leads are contacts at Lead or beyond (Lead, MQL, SQL, Opportunity, "
        "Customer, Evangelist), customers at Customer or beyond; a contact at a stage has "
        "passed the stages before it. Subscribers and contacts outside the pipeline are not "
        "leads."
    )
    return _ok("lead_conversion", kpi.value, kpi.numerator, kpi.denominator, formula=formula)


def _decision_kpis(
    dataset: Dataset,
    ev: pl.DataFrame,
    roles: Mapping[str, str | None],
    visitors: float,
    has_ts: bool,
    only_orders: bool = False,
) -> list[Kpi]:
    no_users = "no users in this selection"
    codes = ("conversion_rate", "purchasers", "orders", "revenue", "aov", "cart_abandonment")
    purchases = _purchase_events(ev, roles["purchase"])
    if purchases is None:
        out = [_missing(c, _MISSING["purchase"]) for c in codes]
        out.append(_missing("revenue_per_visitor", _MISSING["purchase"]))
        out += [
            _missing(c, _MISSING["purchase"])
            for c in ("time_to_convert_median", "time_to_convert_mean")
        ]
        return out
    buyers = purchases.select("user_id").unique()
    n_buyers = float(buyers.height)
    if only_orders:  # every user of an orders file bought: 100 % by construction
        out = [_not_applicable("conversion_rate", "orders_only", n_buyers, visitors)]
    else:
        out = [_rate("conversion_rate", n_buyers, visitors, no_users)]
    out.append(_ok("purchasers", n_buyers))

    if _has_values(purchases, "order_id"):
        n_orders = float(
            purchases["order_id"].drop_nulls().n_unique() + purchases["order_id"].null_count()
        )
    else:
        n_orders = float(purchases.height)
    out.append(_ok("orders", n_orders))
    has_revenue = "revenue" in ev.columns  # a segment without purchases has revenue 0
    revenue = float(purchases["revenue"].fill_null(0).sum()) if has_revenue else None
    if revenue is None:
        out += [_missing("revenue", _MISSING["revenue"]), _missing("aov", _MISSING["revenue"])]
    else:
        out.append(_ok("revenue", revenue))
        out.append(_rate("aov", revenue, n_orders, "no orders in this selection"))

    if roles["cart"] is None:
        out.append(_missing("cart_abandonment", _MISSING["cart"]))
    else:
        carts = ev.filter(pl.col("step") == roles["cart"]).select("user_id").unique()
        n_carts = float(carts.height)
        abandoned = float(carts.join(buyers, on="user_id", how="anti").height)
        out.append(
            _rate("cart_abandonment", abandoned, n_carts, "nobody added to cart in this selection")
        )

    if revenue is None:
        out.append(_missing("revenue_per_visitor", _MISSING["revenue"]))
    elif only_orders:
        out.append(_not_applicable("revenue_per_visitor", "orders_only_per_visitor"))
    else:
        out.append(_rate("revenue_per_visitor", revenue, visitors, no_users))

    if not has_ts:
        out += [
            _missing(c, _MISSING["ts"]) for c in ("time_to_convert_median", "time_to_convert_mean")
        ]
        return out
    out += _time_to_purchase(ev, purchases, roles["purchase"])
    return out


def _time_to_purchase(
    ev: pl.DataFrame, purchases: pl.DataFrame, purchase_step: str | None
) -> list[Kpi]:
    """Median and mean of (first purchase − first event) over the purchasers whose first visit
    is in the data: an event other than a purchase at or before their first purchase. A
    purchaser whose first event is the purchase has no visit to measure from (not 0 s)."""
    codes = ("time_to_convert_median", "time_to_convert_mean")
    first_buy = (
        purchases.filter(pl.col("ts").is_not_null())
        .group_by("user_id")
        .agg(pl.col("ts").min().alias("buy"))
    )
    if first_buy.height == 0:
        return [_missing(c, "no purchases in this selection") for c in codes]
    visits = ev.filter(pl.col("ts").is_not_null())
    if purchase_step is not None:  # a visit event is any event that is not a purchase
        visits = visits.filter(pl.col("step") != purchase_step)
    else:  # purchases are the events with an order id (or revenue): the others are visits
        visits = visits.join(
            purchases.select("user_id", "ts").unique(), on=["user_id", "ts"], how="anti"
        )
    measured = (
        visits.join(first_buy, on="user_id")
        .filter(pl.col("ts") <= pl.col("buy"))
        .group_by("user_id")
        .agg(pl.col("ts").min().alias("first"), pl.col("buy").first())
    )
    delays = measured.select(
        (pl.col("buy") - pl.col("first")).dt.total_seconds(fractional=True).alias("s")
    )["s"].drop_nulls()
    left_out = first_buy.height - delays.len()
    if delays.len() == 0:
        return [_not_applicable(c, "no_visit_before_purchase", None, 0.0) for c in codes]
    n = float(delays.len())
    note = (
        f" Here {left_out:,} of {first_buy.height:,} purchasers have no earlier event and are "
        "left out."
        if left_out
        else ""
    )
    median_d, mean_d = DEFINITIONS[codes[0]].formula, DEFINITIONS[codes[1]].formula
    return [
        _ok(codes[0], float(delays.median()), None, n, formula=median_d + note),  # type: ignore[arg-type]
        _ok(codes[1], float(delays.mean()), float(delays.sum()), n, formula=mean_d + note),  # type: ignore[arg-type]
    ]


def compare(current: list[Kpi], previous: list[Kpi]) -> pl.DataFrame:
    """Current vs previous period, one row per current KPI.

    ``abs_change`` = value − previous; ``rel_change`` = value / previous − 1 (null when either
    value is missing or previous is 0).
    """
    prev = {k.code: k.value for k in previous}
    frame = pl.DataFrame(
        {
            "code": [k.code for k in current],
            "label": [k.label for k in current],
            "value": [k.value for k in current],
            "previous": [prev.get(k.code) for k in current],
        },
        schema={"code": pl.String, "label": pl.String, "value": pl.Float64, "previous": pl.Float64},
    )
    return frame.with_columns(
        (pl.col("value") - pl.col("previous")).alias("abs_change"),
        pl.when(pl.col("previous") != 0)
        .then(pl.col("value") / pl.col("previous") - 1)
        .otherwise(None)
        .alias("rel_change"),
    )


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
            f"There is no '{by}' segment in this data.",
            "Pick one of the segment columns shown in the sidebar.",
        )
    roles = _resolve_steps(dataset, _step_arguments(**steps))
    period_start = _period_start(dataset.events)
    only_orders = orders_only(dataset, roles["purchase"])
    overall = _compute(dataset, roles, first_seen, period_start, only_orders)
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
    label = pl.when(pl.col(by).is_in(keep)).then(pl.col(by)).otherwise(pl.lit("Other"))
    segment_of = segment_of.with_columns(label.alias(by))
    values = [v for v in [*keep, "Other"] if v in set(segment_of[by].to_list())]

    spend = dataset.spend
    split_spend = by == "channel" and spend is not None and "channel" in spend.columns
    if split_spend:
        spend = spend.with_columns(  # type: ignore[union-attr]
            pl.when(pl.col("channel").cast(pl.String).is_in(keep))
            .then(pl.col("channel").cast(pl.String))
            .otherwise(pl.lit("Other"))
            .alias("_segment")
        )
        if "Other" not in values and (spend["_segment"] == "Other").any():  # type: ignore[index]
            values.append("Other")  # spend of channels nobody came from: kept, so totals add up
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
        kpis = {
            k.code: k.value for k in _compute(part, roles, first_seen, period_start, only_orders)
        }
        rows.append({by: value, **{c: kpis.get(c) for c in codes}})
    schema = {by: pl.String, **dict.fromkeys(codes, pl.Float64)}
    return pl.DataFrame(rows, schema=schema, orient="row")


def monthly_session_duration(events: pl.DataFrame) -> pl.DataFrame:
    """Average session duration per calendar month of the session start.

    Columns ``month`` (Date, first day), ``sessions`` and ``avg_session_seconds`` = mean over
    the month's sessions of (last − first event time). Needs ``ts`` and ``session_id``.
    """
    for col in ("user_id", "session_id", "ts"):
        if col not in events.columns:
            raise SchemaError(
                f"Session durations need a {col} column in the events.",
                "Map the session and time columns on the data page.",
            )
    sessions = (
        events.filter(pl.col("session_id").is_not_null() & pl.col("ts").is_not_null())
        .group_by("user_id", "session_id")
        .agg(
            pl.col("ts").min().alias("start"),
            (pl.col("ts").max() - pl.col("ts").min()).dt.total_seconds(fractional=True).alias("d"),
        )
    )
    return (
        sessions.group_by(pl.col("start").dt.month_start().cast(pl.Date).alias("month"))
        .agg(
            pl.len().cast(pl.Int64).alias("sessions"),
            pl.col("d").mean().alias("avg_session_seconds"),
        )
        .sort("month")
    )
