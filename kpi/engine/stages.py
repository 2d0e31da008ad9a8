"""The sums behind the stage KPIs inside the engine; the KPI rules stay local.

The engine twin of :meth:`kpi.view.View.kpis` for an event log: the view's events (the
filters' period, the users of the segment filters by first touch), grouped per session and per
user in the engine as :class:`kpi.journey.facts.PeriodFacts` groups them, then summed: users,
sessions, bounced sessions, pages, session durations, product views, engaged users, leads won,
carts abandoned, purchasers, orders, revenue, and the count, sum, mean and median of the delays
from the first visit to the first purchase. Only those sums come back; the same rules as for
uploads make the KPIs (:func:`kpi.journey.decision.decision_from_counts`,
:func:`~kpi.journey.decision.time_kpis_from_stats`, :func:`kpi.journey.kpi.rate`...).

Differences an engine imposes (no file order): a session's first step is the smallest step
name among its events at its first time (an upload takes the first in the file). A segment
column that is a CRM pipeline stage is not read for the lead conversion rate (said as a
missing lead step). Ad spend is not part of an event table (impressions, reach, clicks and
CTR say so).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import datetime

import narwhals as nw

from kpi import stages as stage_names
from kpi.engine.cohorts import _days
from kpi.engine.frame import EngineTable, collect, first_touch, in_view, period_events
from kpi.engine.quality import kept_table, step_order
from kpi.errors import SchemaError
from kpi.filters import Filters
from kpi.journey.awareness import ORGANIC, _spend_kpis
from kpi.journey.decision import decision_from_counts, time_kpis_from_stats
from kpi.journey.inputs import GA4_MARKERS
from kpi.journey.kpi import Kpi, empty, missing, needs, not_applicable, ok, rate
from kpi.segments import NONE, OTHER
from kpi.words import Fact

__all__ = ["stage_kpis", "step_roles", "view_events"]

_TIME_CODES = ("time_to_convert_median", "time_to_convert_mean")


def _micros(ts: nw.Expr) -> nw.Expr:
    """Microseconds since 1970 of a datetime (integer arithmetic every engine runs alike;
    narwhals has no duration arithmetic on Spark)."""
    return (
        _days(ts) * 86_400_000_000
        + ts.dt.hour().cast(nw.Int64) * 3_600_000_000
        + ts.dt.minute().cast(nw.Int64) * 60_000_000
        + ts.dt.second().cast(nw.Int64) * 1_000_000
        + ts.dt.microsecond().cast(nw.Int64)
    )


def _seconds_between(start: str, end: str) -> nw.Expr:
    return (_micros(nw.col(end)) - _micros(nw.col(start))) / 1_000_000


def step_roles(table: EngineTable) -> dict[str, str | None]:
    """The step playing each role (:func:`kpi.stages.detect_steps`) among the table's steps,
    in the order an upload suggests (:func:`kpi.engine.quality.step_order`)."""
    if "step" not in table.columns or "user_id" not in table.columns:
        col = "user_id" if "user_id" not in table.columns else "step"
        raise SchemaError(
            Fact("stages.error.no_column", column=col), Fact("stages.hint.map_column", column=col)
        )
    return stage_names.detect_steps(step_order(table))


def view_events(
    table: EngineTable, filters: Filters | None, extra: Sequence[str] = ()
) -> tuple[nw.LazyFrame, nw.LazyFrame]:
    """(events, users) of the view: the events of the filters' period of the users in the
    segment filters (with a user id), and one row per such user of the whole table with
    ``first_seen`` and the first-touch values of the filtered segments and of ``extra``."""
    wanted = list(filters.active_segments) if filters is not None else []
    segs = [c for c in dict.fromkeys([*wanted, *extra]) if c in table.segments]
    users = in_view(first_touch(table, segs), filters)
    ev = period_events(table, filters).filter(~nw.col("user_id").is_null())
    if filters is not None and filters.active_segments:
        ev = ev.join(users.select("user_id"), on="user_id", how="semi")
    return ev, users


def _flag(cond: nw.Expr) -> nw.Expr:
    return nw.when(cond).then(1).otherwise(0).cast(nw.Int64)


#: the group of the whole view (no segment)
WHOLE = ""


def stage_kpis(
    table: EngineTable, *, filters: Filters | None = None, currency: str | None = None
) -> list[Kpi]:
    """The stage KPIs of the view, in journey order: equal to ``View(ds, filters).kpis()``
    of an upload of the same events (see the module docstring for what an engine changes).
    ``currency``: the data's ISO currency for the money KPIs, when known."""
    return grouped_stage_kpis(table, filters=filters, currency=currency)[WHOLE]


def segment_groups(table: EngineTable, filters: Filters | None, by: str, n: int = 8) -> list[str]:
    """The kept values of ``by`` among the view's users (first touch over the whole table,
    a missing value as ``"(none)"``): the ``n`` with most users (ties by name), as
    :func:`kpi.segments.top_values` ranks them for an upload."""
    import polars as pl

    from kpi.segments import top_values

    table = kept_table(table)
    ev, users = view_events(table, filters, [by])
    value = nw.col(by).cast(nw.String).fill_null(NONE).alias(by)
    seen = ev.select("user_id").unique().join(users.select("user_id", value), on="user_id")
    counts = collect(seen.group_by(by).agg(nw.len().cast(nw.Int64).alias("n")))
    counts = counts.with_columns(pl.col(by).cast(pl.String))
    return top_values(counts, by, n, weight="n")


def grouped_stage_kpis(
    table: EngineTable,
    *,
    filters: Filters | None = None,
    currency: str | None = None,
    by: str | None = None,
    keep: Sequence[str] = (),
) -> dict[str, list[Kpi]]:
    """The stage KPIs of the view (``{WHOLE: kpis}``), or of each group of users by ``by``
    (first touch; a missing value is ``"(none)"``, the values not in ``keep`` are "Other"):
    ``{value: kpis}`` for every group that has events. The sums are grouped in the engine
    (one query per kind of sum for every group); the per-view rules are the upload's, and the
    choices made for the whole view (the purchase marker, an orders-only file, the period's
    first day for new users) hold for every group, as the upload's per-segment table."""
    table = kept_table(table)  # the rows an upload keeps
    roles = step_roles(table)
    cols = set(table.columns)
    has_ts, has_session = "ts" in cols, "session_id" in cols
    has_channel = "channel" in table.segments
    if by is not None and by not in table.segments:
        raise SchemaError(
            Fact("stages.error.no_segment", segment=by), Fact("stages.hint.pick_segment")
        )
    extra = [c for c in ("channel", by) if c is not None and (c != "channel" or has_channel)]
    ev, users = view_events(table, filters, extra)
    if by is None:
        ev = ev.with_columns(nw.lit(WHOLE).alias("_g"))
    else:
        value = nw.col(by).cast(nw.String).fill_null(NONE)
        group = nw.when(value.is_in(list(keep))).then(value).otherwise(nw.lit(OTHER))
        ev = ev.join(users.select("user_id", group.alias("_g")), on="user_id", how="inner")
    ps = roles["purchase"]
    step = nw.col("step")

    def is_step(name: str | None) -> nw.Expr:
        return _flag(step == name) if name is not None else nw.lit(0, nw.Int64)

    kinds = ("product", "cart", "checkout", "purchase") if roles["landing"] else ("cart", "checkout", "purchase")  # fmt: skip
    interaction = [str(roles[r]) for r in kinds if roles[r]]
    if ps is not None:
        bought = step == ps
    elif "order_id" in cols and _any_value(ev, "order_id"):
        bought = ~nw.col("order_id").is_null()
    elif "revenue" in cols and _any_value(ev, "revenue"):
        bought = nw.col("revenue") > 0
    else:
        bought = None
    page = nw.when(step.is_null()).then(1).otherwise(_flag(~step.is_in(list(GA4_MARKERS))))
    marks = [
        page.alias("_page"),
        is_step(roles["product"]).alias("_product"),
        (_flag(step.is_in(interaction)) if interaction else nw.lit(0, nw.Int64)).alias("_inter"),
        is_step(roles["lead"]).alias("_lead"),
        is_step(roles["customer"]).alias("_customer"),
        is_step(roles["cart"]).alias("_cart"),
        (_flag(bought) if bought is not None else nw.lit(0, nw.Int64)).alias("_buy"),
    ]
    ts = nw.col("ts")
    if has_ts:
        marks.append(_flag(~ts.is_null()).alias("_ts_ok"))
        if bought is not None:
            marks += [
                nw.when(~bought).then(ts).alias("_visit_ts"),
                nw.when(bought).then(ts).alias("_buy_ts"),
            ]
    ev = ev.with_columns(*marks)
    timed_buys = has_ts and bought is not None
    sums = ["_page", "_product", "_buy"] + (["_ts_ok"] if has_ts else [])
    anys = ["_inter", "_lead", "_customer", "_cart"]
    base = [nw.len().cast(nw.Int64).alias("n"), *(nw.col(c).sum() for c in sums)]
    base += [nw.col(c).max() for c in anys]
    if has_ts:
        base.append(ts.min().alias("first_ts"))
    if timed_buys:
        base += [nw.col("_visit_ts").min(), nw.col("_buy_ts").min()]

    sessions = None
    if has_session:
        grouped = ev.group_by("user_id", "session_id", "_g").agg(
            *base, *([ts.max().alias("last_ts")] if has_ts else [])
        )
        sid = ~nw.col("session_id").is_null()
        per_user = grouped.group_by("user_id", "_g").agg(
            nw.col("n").sum(),
            *(nw.col(c).sum() for c in sums),
            *(nw.col(c).max() for c in anys),
            nw.when(sid).then(nw.col("n")).otherwise(0).sum().alias("n_sid"),
            *([nw.col("first_ts").min()] if has_ts else []),
            *([nw.col("_visit_ts").min(), nw.col("_buy_ts").min()] if timed_buys else []),
        )
        sessions = grouped.filter(sid)
    else:
        per_user = (
            ev.group_by("user_id", "_g").agg(*base).with_columns(nw.lit(0, nw.Int64).alias("n_sid"))
        )
    if has_channel:
        organic = users.select(
            "user_id",
            _flag(nw.col("channel").cast(nw.String).str.contains(ORGANIC).fill_null(False)).alias(
                "_organic"
            ),
        )
        per_user = per_user.join(organic, on="user_id", how="left")

    # ---- per-user sums (one row per group)
    u_aggs = [
        nw.len().cast(nw.Int64).alias("visitors"),
        nw.col("n").sum().cast(nw.Int64).alias("events"),
        nw.col("_buy").sum().cast(nw.Int64).alias("buy_events"),
        nw.col("n_sid").sum().cast(nw.Int64).alias("n_sid"),
        nw.col("_product").sum().cast(nw.Int64).alias("product_views"),
        _flag((nw.col("_page") >= 2) | (nw.col("_inter") > 0)).sum().alias("engaged"),
        nw.col("_lead").sum().cast(nw.Int64).alias("leads"),
        _flag((nw.col("_lead") > 0) & (nw.col("_customer") > 0)).sum().alias("won"),
        nw.col("_cart").sum().cast(nw.Int64).alias("carts"),
        _flag((nw.col("_cart") > 0) & (nw.col("_buy") == 0)).sum().alias("abandoned"),
        _flag(nw.col("_buy") > 0).sum().alias("buyers"),
    ]
    if has_ts:
        u_aggs += [
            nw.col("_ts_ok").sum().cast(nw.Int64).alias("n_ts"),
            nw.col("first_ts").min().alias("first_ts"),
        ]
    if has_channel:
        u_aggs.append(nw.col("_organic").fill_null(0).sum().cast(nw.Int64).alias("organic"))
    if timed_buys:
        per_user = per_user.with_columns(
            nw.when(nw.col("_visit_ts") <= nw.col("_buy_ts"))
            .then(_seconds_between("_visit_ts", "_buy_ts"))
            .alias("_delay")
        )
        u_aggs += [
            _flag(~nw.col("_buy_ts").is_null()).sum().alias("timed_buyers"),
            nw.col("_delay").count().cast(nw.Int64).alias("delays"),
            nw.col("_delay").sum().cast(nw.Float64).alias("delay_sum"),
            nw.col("_delay").mean().cast(nw.Float64).alias("delay_mean"),
            nw.col("_delay").median().cast(nw.Float64).alias("delay_median"),
        ]
    u_by = _rows(per_user, u_aggs)
    groups = [WHOLE] if by is None else [g for g in [*keep, OTHER] if g in u_by]
    # the view's first day and whether it is an orders file: the whole view's, for every group
    firsts = [r["first_ts"] for r in u_by.values() if r.get("first_ts") is not None]
    first_ts = min(firsts) if has_ts and firsts else None
    start = (
        datetime.combine(_naive(first_ts).date(), datetime.min.time())
        if first_ts is not None
        else None
    )
    n_events = sum(int(r["events"] or 0) for r in u_by.values())
    only_orders = n_events > 0 and sum(int(r["buy_events"] or 0) for r in u_by.values()) == n_events

    # ---- per-session sums
    s_by: dict[str, dict] = {}
    if has_session and sessions is not None:
        if has_channel:
            sessions = sessions.join(
                per_user.select("user_id", "_organic"), on="user_id", how="left"
            )
        s_aggs = [
            nw.len().cast(nw.Int64).alias("sessions"),
            _flag(nw.col("_page") <= 1).sum().alias("bounced"),
            nw.col("_page").sum().cast(nw.Int64).alias("pages"),
        ]
        if has_channel:
            s_aggs.append(nw.col("_organic").fill_null(0).sum().cast(nw.Int64).alias("organic"))
        if has_ts:
            sessions = sessions.with_columns(_seconds_between("first_ts", "last_ts").alias("_dur"))
            s_aggs += [
                nw.col("_dur").count().cast(nw.Int64).alias("timed"),
                nw.col("_dur").sum().cast(nw.Float64).alias("duration"),
            ]
        if any(int(r["n_sid"] or 0) for r in u_by.values()):
            s_by = _rows(sessions, s_aggs)
            if has_ts and roles["landing"] is not None:
                landing = _landing(ev, sessions, str(roles["landing"]))
                for g, row in s_by.items():
                    row |= landing.get(g, {"landing": 0, "landing_bounced": 0})
    new_by = _new_users(per_user, users, start) if has_ts and start is not None else None
    orders_by = _orders(ev, bought, cols) if bought is not None else {}

    out: dict[str, list[Kpi]] = {}
    for g in groups:
        u = _Sums(u_by.get(g) or {})
        kpis = _kpis_of(
            u,
            s_by.get(g, {}),
            None if new_by is None else new_by.get(g, 0),
            orders_by.get(g, (0.0, 0.0 if "revenue" in cols else None)),
            roles=roles,
            has_ts=has_ts,
            has_session=has_session,
            has_channel=has_channel,
            bought=bought is not None,
            only_orders=only_orders,
        )
        if currency:
            kpis = [
                dataclasses.replace(k, currency=currency) if k.unit == "currency" else k
                for k in kpis
            ]
        out[g] = kpis
    return out


def _kpis_of(
    u: dict,
    s: dict,
    new: float | None,
    orders: tuple[float, float | None],
    *,
    roles: dict[str, str | None],
    has_ts: bool,
    has_session: bool,
    has_channel: bool,
    bought: bool,
    only_orders: bool,
) -> list[Kpi]:
    """The KPIs of one group from its per-user sums ``u``, per-session sums ``s``, new users
    (None: no first-seen dates) and (orders, revenue), by the upload's rules."""
    visitors = float(u["visitors"] or 0)
    n_ts = int(u.get("n_ts") or 0)
    timed = has_ts and visitors > 0 and n_ts > 0
    with_sessions = has_session and visitors > 0 and int(u["n_sid"] or 0) > 0 and bool(s)

    # ---- awareness
    out: list[Kpi] = []
    if with_sessions:
        n_sessions = float(s["sessions"] or 0)
        out.append(ok("sessions", n_sessions))
    else:
        out.append(missing("sessions", needs("sessions")))
    out.append(ok("users", visitors))
    if new is None or not timed:
        notes = (Fact("stages.note.no_first_seen"),)
        out.append(ok("new_users", visitors, visitors, visitors, notes=notes))
    else:
        out.append(ok("new_users", float(new), float(new), visitors))
    if with_sessions:
        out.append(rate("bounce_rate", float(s["bounced"] or 0), n_sessions, empty("sessions")))
        if not timed:
            out.append(missing("bounce_rate_landing", needs("ts")))
        elif roles["landing"] is None:
            out.append(missing("bounce_rate_landing", needs("landing")))
        else:
            out.append(
                rate(
                    "bounce_rate_landing",
                    float(s.get("landing_bounced") or 0),
                    float(s.get("landing") or 0),
                    empty("landing_sessions"),
                )
            )
        out.append(rate("pages_per_session", float(s["pages"] or 0), n_sessions, empty("sessions")))
        if timed:
            count = int(s.get("timed") or 0)
            if count:
                total = float(s["duration"])
                out.append(ok("avg_time_on_site", total / count, total, float(count)))
            else:
                out.append(missing("avg_time_on_site", empty("timed_sessions")))
        else:
            out.append(missing("avg_time_on_site", needs("ts")))
    else:
        for code in ("bounce_rate", "bounce_rate_landing", "pages_per_session", "avg_time_on_site"):
            out.append(missing(code, needs("sessions")))
    out.extend(_spend_kpis(None))
    if only_orders and not with_sessions:
        out.append(not_applicable("organic_share", "orders_only_traffic"))
    elif not has_channel:
        out.append(missing("organic_share", needs("channel")))
    else:
        unit = s if with_sessions else u
        n_unit = float((s["sessions"] if with_sessions else u["visitors"]) or 0)
        out.append(rate("organic_share", float(unit["organic"] or 0), n_unit, empty("traffic")))

    # ---- consideration
    if roles["product"] is None:
        out.append(missing("product_page_views", needs("product")))
    else:
        out.append(ok("product_page_views", float(u["product_views"] or 0)))
    engaged = float(u["engaged"] or 0)
    if only_orders:
        out.append(not_applicable("engagement_rate", "orders_only", engaged, visitors))
    else:
        out.append(rate("engagement_rate", engaged, visitors, empty("users")))
    if roles["lead"] is not None and roles["customer"] is not None:
        out.append(
            rate("lead_conversion", float(u["won"] or 0), float(u["leads"] or 0), empty("leads"))
        )
    else:
        out.append(missing("lead_conversion", needs("lead")))

    # ---- decision
    if not bought:
        codes = ("conversion_rate", "purchasers", "orders", "revenue", "aov", "cart_abandonment")
        out += [
            missing(c, needs("purchase")) for c in (*codes, "revenue_per_visitor", *_TIME_CODES)
        ]
        return out
    n_orders, revenue = orders
    cart = (
        (float(u["abandoned"] or 0), float(u["carts"] or 0)) if roles["cart"] is not None else None
    )
    out += decision_from_counts(
        n_buyers=float(u["buyers"] or 0),
        n_orders=n_orders,
        revenue=revenue,
        cart=cart,
        visitors=visitors,
        only_orders=only_orders,
    )
    if not timed:
        out += [missing(c, needs("ts")) for c in _TIME_CODES]
    else:
        out += time_kpis_from_stats(
            int(u.get("timed_buyers") or 0),
            int(u.get("delays") or 0),
            u.get("delay_median"),
            u.get("delay_mean"),
            u.get("delay_sum"),
        )
    return out


class _Sums(dict):
    """A group's sums; a sum the group has no row for reads None (as an empty total)."""

    def __missing__(self, key: str) -> None:
        return None


def _rows(frame: nw.LazyFrame, aggs: list[nw.Expr]) -> dict[str, dict]:
    """The sums ``aggs`` of ``frame`` per group ``_g``: {group: {name: value}}."""
    got = collect(frame.group_by("_g").agg(*aggs))
    return {str(r.pop("_g")): r for r in got.iter_rows(named=True)}


def _naive(moment: datetime) -> datetime:
    return moment.replace(tzinfo=None) if moment.tzinfo is not None else moment


def _any_value(ev: nw.LazyFrame, column: str) -> bool:
    got = collect(ev.select((~nw.col(column).is_null()).cast(nw.Int64).sum().alias("n"))).item()
    return bool(got)


def _new_users(per_user: nw.LazyFrame, users: nw.LazyFrame, start: datetime) -> dict[str, float]:
    """Users whose first event of the whole table is on or after the view's first day (or
    unknown), as the View reads ``first_seen``, per group."""
    seen = per_user.select("user_id", "_g").join(
        users.select("user_id", "first_seen"), on="user_id", how="left"
    )
    fs = nw.col("first_seen")
    got = _rows(seen, [_flag(fs.is_null() | (fs >= start)).sum().alias("n")])
    return {g: float(r["n"] or 0) for g, r in got.items()}


def _landing(ev: nw.LazyFrame, sessions: nw.LazyFrame, landing: str) -> dict[str, dict]:
    """Sessions that start on the landing step, and those of them that bounced, per group:
    a session's first step is the smallest step name among its events at its first time."""
    keys = ["user_id", "session_id"]
    starts = sessions.select(*keys, nw.col("first_ts").alias("_start"), "_page")
    first = (
        ev.filter(~nw.col("session_id").is_null())
        .select(*keys, "_g", "ts", "step")
        .join(starts, on=keys, how="inner")
        .filter(nw.col("ts") == nw.col("_start"))
        .group_by(*keys, "_g")
        .agg(nw.col("step").min().alias("_first"), nw.col("_page").min())
        .filter(nw.col("_first") == landing)
    )
    return _rows(
        first,
        [
            nw.len().cast(nw.Int64).alias("landing"),
            _flag(nw.col("_page") <= 1).sum().alias("landing_bounced"),
        ],
    )


def _orders(
    ev: nw.LazyFrame, bought: nw.Expr, cols: set[str]
) -> dict[str, tuple[float, float | None]]:
    """(orders, revenue) of the purchase events per group: distinct order ids plus the
    purchases without one, Σ revenue (None without a revenue column)."""
    buys = ev.filter(bought)
    aggs = [nw.len().cast(nw.Int64).alias("n")]
    if "order_id" in cols:
        aggs.append(nw.col("order_id").count().cast(nw.Int64).alias("with_id"))
    if "revenue" in cols:
        aggs.append(nw.col("revenue").cast(nw.Float64).fill_null(0.0).sum().alias("revenue"))
    got = _rows(buys, aggs)
    distinct: dict[str, dict] = {}
    if "order_id" in cols and any(int(r.get("with_id") or 0) for r in got.values()):
        distinct = _rows(
            buys.filter(~nw.col("order_id").is_null()),
            [nw.col("order_id").n_unique().cast(nw.Int64).alias("d")],
        )
    out: dict[str, tuple[float, float | None]] = {}
    for g, r in got.items():
        n, with_id = int(r["n"] or 0), int(r.get("with_id") or 0)
        d = int(distinct.get(g, {}).get("d") or 0)
        orders = float(d + n - with_id) if with_id else float(n)
        out[g] = (orders, float(r["revenue"] or 0.0) if "revenue" in cols else None)
    return out
