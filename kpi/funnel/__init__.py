"""Funnels: unique users per step, by segment, with times, trends and insights (facts).

One concept per module: :mod:`~kpi.funnel.kernel` (who reached which step: :func:`funnel`,
:func:`user_progress`), :mod:`~kpi.funnel.prepare` (checks and encoding),
:mod:`~kpi.funnel.rates` (:func:`add_rates`), :mod:`~kpi.funnel.timing` (:func:`step_times`,
:func:`time_to_convert`), :mod:`~kpi.funnel.trends` (:func:`conversion_over_time`,
:func:`compare_periods`), :mod:`~kpi.funnel.table` (:func:`funnel_table`),
:mod:`~kpi.funnel.insights` (:func:`insights`), :mod:`~kpi.funnel.order`
(:func:`default_step_order`), :mod:`~kpi.funnel.progress` (:func:`funnel_progress`: each
user's progress once, then the funnel table of any segment filter or breakdown).
``kpi.funnel.funnel`` is a stable interface (DESIGN.md).

Semantics (DESIGN.md, "Semantics"):

- **Sequential** (default, PostHog's ordered funnel): a user reaches step k when they did
  steps 1..k in order (``ts`` non-decreasing), the last of them at most ``window`` after the
  step-1 event (inclusive: exactly ``window`` later still counts). Any step-1 event may start
  an attempt and the best attempt counts, so ``users(k) <= users(k-1)``. Events with equal
  timestamps are taken in whichever order lets the user progress furthest (steps A → B → A
  with A at t, B and A both at t + 1 s reach step 3), each event serving one step only. A
  step listed twice means doing it twice (two events).
- **Any order**: a user reaches step k when some interval of length ``window`` (unlimited
  when None) holds distinct events for every step 1..k (a step listed twice needs two events).
  This is not PostHog's unordered funnel, where step k counts users who completed *any* k of
  the steps: here steps 1..k themselves must all be done, so counts can be lower.
- **Membership** (no ``ts`` column): reached k = has events for steps 1..k (order unknown).
- **Open funnel** (``open_funnel=True``, like GA4): users may enter at any step. Sequential:
  a user enters at the step of their first funnel event (earliest ``ts``; at equal times the
  earliest listed step) and then progresses with the rules above from there. Any order (and
  membership): a user enters at the first listed step they did (ever), and reaches step
  k >= entry when one interval of length ``window`` holds steps entry..k (any order). They
  count at their entry step and at each later step reached; ``users(k)`` may then exceed
  ``users(k-1)``.

``conversion`` = users(k) / users(1); ``step_conversion`` = users(k) / users(k-1) (1.0 for
step 1). A rate whose denominator is 0 is null. Segments (``by`` columns of ``events``) take
the value on the user's first event (first touch); a missing text value becomes "(none)".

Speed: the sequential funnel never joins per step-1 event. Text user ids are hashed, not
looked up in a dictionary (a user is the top bits of one 64-bit hash and a second 64-bit hash;
see :func:`~kpi.funnel.prepare._sorted_hashed`). Events are sorted once by
(user, ts, step position), on one packed Int64 key, in one lazy query; when a step is
listed twice and the data has events at equal (user, ts), those events are collapsed into one row counting each step (without repeated
steps, the sort by step position already takes ties in the best order); for each step one vectorised pass carries the latest
valid start of a chain (a running maximum of the start's row number, restarted at each user
by comparing it with the user's first row), see the note "Computing the sequential funnel
fast". A row holding several steps extends a chain by several steps at once.
"""

from __future__ import annotations

from kpi.definitions import Definition
from kpi.funnel.insights import SMALL_SEGMENT, insights
from kpi.funnel.kernel import Order, funnel, user_progress
from kpi.funnel.order import default_step_order
from kpi.funnel.progress import (
    FunnelBase,
    FunnelProgress,
    funnel_base,
    funnel_progress,
    progress_from_previous,
)
from kpi.funnel.rates import add_rates
from kpi.funnel.table import funnel_table
from kpi.funnel.timing import step_times, time_to_convert
from kpi.funnel.trends import Grain, compare_periods, conversion_over_time

__all__ = [
    "DEFINITIONS",
    "SMALL_SEGMENT",
    "FunnelBase",
    "FunnelProgress",
    "Grain",
    "Order",
    "add_rates",
    "compare_periods",
    "conversion_over_time",
    "default_step_order",
    "funnel",
    "funnel_base",
    "funnel_progress",
    "funnel_table",
    "insights",
    "progress_from_previous",
    "step_times",
    "time_to_convert",
    "user_progress",
]

#: legacy English definitions (the catalogue's ``def.<code>.label``/``formula`` are the source)
DEFINITIONS: dict[str, Definition] = {
    "conversion": Definition("rate", "funnel"),
    "step_conversion": Definition("rate", "funnel"),
    "drop_off": Definition("count", "funnel"),
    "time_to_convert": Definition("seconds", "funnel"),
}
