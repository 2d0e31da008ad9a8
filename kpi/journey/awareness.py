"""Awareness KPIs: who finds you (sessions, users, new users, bounce, pages per session, time
on site, ad impressions, reach, clicks, CTR, organic share of traffic)."""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from kpi.dataset import Dataset
from kpi.errors import InputError
from kpi.journey.inputs import PAGE, has_values
from kpi.journey.kpi import Kpi, empty, missing, needs, not_applicable, ok, rate
from kpi.words import Fact

__all__ = ["ORGANIC", "awareness_kpis"]

#: a channel is organic when its name says so (English and French: "Organic Search",
#: "Recherche organique", "Référencement naturel", "SEO")
ORGANIC = r"(?i)organic|organique|naturel|\bseo\b"


def awareness_kpis(
    dataset: Dataset,
    ev: pl.DataFrame,
    roles: Mapping[str, str | None],
    first_seen: pl.DataFrame | None,
    period_start: object,
    only_orders: bool,
    visitors: float,
) -> list[Kpi]:
    """The awareness KPIs of the (filtered) events ``ev`` (``visitors`` distinct users), in
    journey order."""
    has_ts = has_values(ev, "ts")
    out: list[Kpi] = []
    sessions: pl.DataFrame | None = None
    if has_values(ev, "session_id"):
        sess_ev = ev.filter(pl.col("session_id").is_not_null())
        aggs = [PAGE.sum().alias("events")]
        if has_ts:
            aggs += [
                pl.col("ts").min().alias("start"),
                (pl.col("ts").max() - pl.col("ts").min()).dt.total_seconds(fractional=True).alias("duration"),
                pl.col("step").get(pl.col("ts").arg_min()).alias("first_step"),
            ]  # fmt: skip
        sessions = sess_ev.group_by("user_id", "session_id").agg(aggs)
        n_sessions = float(sessions.height)
        out.append(ok("sessions", n_sessions))
    else:
        out.append(missing("sessions", needs("sessions")))
    out.append(ok("users", visitors))
    out.append(_new_users(dataset, ev, first_seen, period_start, visitors))

    if sessions is not None:
        bounced = float(sessions.filter(pl.col("events") <= 1).height)
        out.append(rate("bounce_rate", bounced, n_sessions, empty("sessions")))
        if not has_ts:
            out.append(missing("bounce_rate_landing", needs("ts")))
        elif roles["landing"] is None:
            out.append(missing("bounce_rate_landing", needs("landing")))
        else:
            landing = sessions.filter(pl.col("first_step") == roles["landing"])
            out.append(
                rate(
                    "bounce_rate_landing",
                    float(landing.filter(pl.col("events") <= 1).height),
                    float(landing.height),
                    empty("landing_sessions"),
                )
            )
        pages = float(sess_ev.select(PAGE.sum()).item())
        out.append(rate("pages_per_session", pages, n_sessions, empty("sessions")))
        if has_ts:
            durations = sessions["duration"].drop_nulls()
            if durations.len():
                total = float(durations.sum())
                out.append(
                    ok("avg_time_on_site", total / durations.len(), total, float(durations.len()))
                )
            else:
                out.append(missing("avg_time_on_site", empty("timed_sessions")))
        else:
            out.append(missing("avg_time_on_site", needs("ts")))
    else:
        for code in ("bounce_rate", "bounce_rate_landing", "pages_per_session", "avg_time_on_site"):
            out.append(missing(code, needs("sessions")))

    out.extend(_spend_kpis(dataset.spend))
    if only_orders and sessions is None:
        out.append(not_applicable("organic_share", "orders_only_traffic"))
    else:
        out.append(_organic_share(dataset, ev, sessions))
    return out


def _new_users(
    dataset: Dataset,
    ev: pl.DataFrame,
    first_seen: pl.DataFrame | None,
    period_start: object,
    visitors: float,
) -> Kpi:
    if first_seen is None and has_values(dataset.users, "signup"):
        first_seen = dataset.users.select("user_id", pl.col("signup").alias("first_seen"))
    if first_seen is None or period_start is None:
        notes = (Fact("stages.note.no_first_seen"),)
        return ok("new_users", visitors, visitors, visitors, notes=notes)
    if "user_id" not in first_seen.columns or "first_seen" not in first_seen.columns:
        raise InputError(
            Fact("stages.error.first_seen_columns"), Fact("stages.hint.first_seen_columns")
        )
    fs = first_seen.select(
        pl.col("user_id").cast(pl.String), pl.col("first_seen").cast(pl.Datetime("us"))
    )
    users = ev.select(pl.col("user_id").cast(pl.String)).unique().join(fs, on="user_id", how="left")
    # Users absent from the history table are first seen in this data: new.
    new = users.filter(
        pl.col("first_seen").is_null() | (pl.col("first_seen") >= period_start)
    ).height
    return ok("new_users", float(new), float(new), visitors)


def _spend_kpis(spend: pl.DataFrame | None) -> list[Kpi]:
    if spend is None:
        return [
            missing(c, needs("spend" if c != "reach" else "reach"))
            for c in ("impressions", "reach", "clicks", "ctr")
        ]
    out: list[Kpi] = []
    sums: dict[str, float | None] = {}
    for col in ("impressions", "reach", "clicks"):
        if col in spend.columns and (spend.height == 0 or has_values(spend, col)):
            sums[col] = float(spend[col].cast(pl.Float64).sum())
            out.append(ok(col, sums[col]))
        else:
            sums[col] = None
            out.append(missing(col, needs(col)))
    imp, clk = sums["impressions"], sums["clicks"]
    if imp is None or clk is None:
        out.append(missing("ctr", needs("clicks")))
    else:
        out.append(rate("ctr", clk, imp, empty("impressions")))
    return out


def _organic_share(dataset: Dataset, ev: pl.DataFrame, sessions: pl.DataFrame | None) -> Kpi:
    if "channel" not in dataset.users.columns and "channel" not in ev.columns:
        return missing("organic_share", needs("channel"))
    if "channel" in ev.columns:  # first touch per user when the events carry the channel
        channel = ev.sort("ts", nulls_last=True) if "ts" in ev.columns else ev
        channel = channel.group_by("user_id", maintain_order=True).agg(pl.col("channel").first())
    else:
        channel = dataset.users.select("user_id", "channel")
    unit = sessions.select("user_id") if sessions is not None else ev.select("user_id").unique()
    joined = unit.join(channel, on="user_id", how="left")
    organic = joined.filter(pl.col("channel").cast(pl.String).str.contains(ORGANIC)).height
    return rate("organic_share", float(organic), float(joined.height), empty("traffic"))
