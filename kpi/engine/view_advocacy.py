"""The Advocacy page's figures of an :class:`~kpi.engine.view.EngineView`, from engine counts.

A connected event table holds no survey answers: NPS, CSAT and CES are not computed (the page
says so and what to do, :data:`NO_SURVEY`). The referral rate is a count: the customers of the
view (users with a purchase in the view; every user when the table has no purchase) and those
whose acquisition channel (first touch) names a referral (:data:`kpi.advocacy.REFERRAL_WORDS`,
case-insensitive), as :func:`kpi.advocacy.referral_rate` counts them for an upload; the words
are :func:`kpi.advocacy.referral_from_counts`'.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import narwhals as nw

from kpi.engine.frame import collect
from kpi.words import Fact

if TYPE_CHECKING:
    from kpi.advocacy import Referral
    from kpi.engine.view import EngineView

__all__ = ["NO_SURVEY", "AdvocacyCounts", "advocacy_counts"]

#: why NPS, CSAT and CES are not shown on a connected table (a catalogue code)
NO_SURVEY = "advocacy.connected.no_survey"


@dataclass(frozen=True)
class AdvocacyCounts:
    """What the Advocacy page shows of a connected table: the referral rate (None when the
    table has no channel: ``notes`` says what would unlock it), ``buyers`` (True: the rate is
    over customers, False: over every user of the view), ``notes`` (facts)."""

    referral: Referral | None
    buyers: bool
    notes: tuple[Fact, ...]


def advocacy_counts(
    view: EngineView, *, purchase_step: str, channel: str = "channel"
) -> AdvocacyCounts:
    """The referral counts of the view (module docstring), kept by the view."""
    from kpi.advocacy import REFERRAL_WORDS, channel_rule, referral_from_counts

    def compute() -> AdvocacyCounts:
        notes = [Fact(NO_SURVEY)]
        if channel not in view.segments:
            return AdvocacyCounts(None, False, (*notes, Fact("advocacy.note.no_referral_column")))
        ev = view._events(view.filters)
        buys = ev.filter(nw.col("step") == purchase_step).select("user_id").unique()
        n_buys = int(collect(buys.select(nw.len().alias("n")))["n"][0] or 0)
        pool = buys if n_buys else ev.select("user_id").unique()
        users = view._users(view.filters).select("user_id", channel)
        text = nw.col(channel).cast(nw.String).str.to_lowercase()
        hit = nw.lit(False)
        for word in REFERRAL_WORDS:
            hit = hit | text.str.contains(word.lower(), literal=True)
        got = collect(
            pool.join(users, on="user_id", how="left").select(
                nw.len().alias("customers"),
                hit.fill_null(False).cast(nw.Int64).sum().alias("referred"),
            )
        ).row(0, named=True)
        referral = referral_from_counts(
            int(got["customers"] or 0), int(got["referred"] or 0), channel_rule(channel)
        )
        return AdvocacyCounts(referral, bool(n_buys), tuple(notes))

    return view.memo(f"advocacy|{purchase_step}|{channel}|{view.filters.key()}", compute)
