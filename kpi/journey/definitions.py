"""The stage KPIs' definitions: code, unit and journey stage (words: ``def.<code>.*``).

Conventions (the formulas in words are in :mod:`kpi.words.catalogue.definitions`):

- *Visitors* are the distinct ``user_id`` of the events in the (filtered) dataset.
- A *session* is a distinct (``user_id``, ``session_id``) pair: GA4's ``ga_session_id`` is only
  unique per user, so the pair is the safe key.
- Events are read as page views for bounce rate and pages per session (one event = one page or
  screen view). GA4's automatically collected markers (``session_start``, ``first_visit``,
  ``first_open``, ``user_engagement``) are not pages: GA4 writes ``session_start`` beside the
  first ``page_view`` of every session, so counting it would make every session "two pages".
- *Purchase events* are the events of the purchase step; without a purchase step, the events
  that carry an ``order_id``; without ``order_id``, the events with ``revenue`` > 0.
- Revenue is the sum of ``revenue`` over purchase events; orders are the distinct ``order_id``
  of purchase events (a purchase event without an order id counts as one order).
- Segments are user attributes (first touch, see DESIGN.md).
"""

from __future__ import annotations

from kpi import pipeline
from kpi.definitions import Definition

__all__ = ["DEFINITIONS"]

_STAGE_KPIS: tuple[tuple[str, str, str], ...] = (
    # awareness
    ("sessions", "count", "awareness"),
    ("users", "count", "awareness"),
    ("new_users", "count", "awareness"),
    ("bounce_rate", "rate", "awareness"),
    ("bounce_rate_landing", "rate", "awareness"),
    ("pages_per_session", "ratio", "awareness"),
    ("avg_time_on_site", "seconds", "awareness"),
    ("impressions", "count", "awareness"),
    ("reach", "count", "awareness"),
    ("clicks", "count", "awareness"),
    ("ctr", "rate", "awareness"),
    ("organic_share", "rate", "awareness"),
    # consideration
    ("product_page_views", "count", "consideration"),
    ("engagement_rate", "rate", "consideration"),
    ("lead_conversion", "rate", "consideration"),
    # decision
    ("conversion_rate", "rate", "decision"),
    ("purchasers", "count", "decision"),
    ("orders", "count", "decision"),
    ("revenue", "currency", "decision"),
    ("aov", "currency", "decision"),
    ("cart_abandonment", "rate", "decision"),
    ("revenue_per_visitor", "currency", "decision"),
    ("time_to_convert_median", "seconds", "decision"),
    ("time_to_convert_mean", "seconds", "decision"),
)

DEFINITIONS: dict[str, Definition] = {
    **{code: Definition(code=code, unit=unit, stage=stage) for code, unit, stage in _STAGE_KPIS},
    # CRM pipelines (kpi.pipeline): shown when the data is a contacts table
    **pipeline.DEFINITIONS,
}
