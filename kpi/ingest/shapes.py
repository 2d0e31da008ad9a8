"""Tables of each shape -> canonical rows: events, orders (Shopify, Online Retail), wide
tables, aggregated counts, ad spend, survey answers; every dropped row counted with its reason."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import polars as pl

from kpi.errors import SchemaError
from kpi.ingest.currency import AMOUNT_ROLES, currencies_of, one_currency
from kpi.ingest.epoch import epoch_to_datetime
from kpi.ingest.orders import (
    _cancellation_convention,
    _fill_within_orders,
    _net_of_refunds,
    _order_level,
    _purchase_step,
    _refund_column,
)
from kpi.ingest.report import Table
from kpi.ingest.roles import _BECAME_RE, _norm, detect_kind, detect_roles
from kpi.ingest.rows import (
    CANCELLATION,
    MISSING_EVENT,
    MISSING_SCORE,
    MISSING_TIMESTAMP,
    MISSING_USER_ID,
    NON_POSITIVE_PRICE,
    NON_POSITIVE_QUANTITY,
    SCORE_OUT_OF_RANGE,
)
from kpi.segments import NONE
from kpi.words import Fact


@dataclass
class TableInput:
    """One typed table with its roles (detected, then possibly corrected by the user)."""

    name: str
    frame: pl.DataFrame
    roles: dict[str, str] = field(default_factory=dict)
    rows_read: int | None = None
    dropped: dict[str, int] = field(default_factory=dict)
    examples: dict[str, list[str]] = field(default_factory=dict)
    currencies: tuple[str, ...] = ()  # currency symbols seen in the amounts (ISO codes)

    @classmethod
    def from_table(
        cls, name: str, table: Table, roles: Mapping[str, str] | None = None
    ) -> TableInput:
        """A loaded table (kpi.load) with its read accounting; roles detected unless given."""
        return cls(
            name,
            table.frame,
            roles=dict(roles or {}),
            rows_read=table.report.rows_read,
            dropped=dict(table.report.dropped),
            examples={k: list(v) for k, v in table.report.drop_examples.items()},
            currencies=tuple(getattr(table.report, "currencies", ())),
        )

    def __post_init__(self) -> None:
        if not self.roles:
            self.roles = detect_roles(self.frame, filename=self.name)
        if self.rows_read is None:
            self.rows_read = self.frame.height

    @property
    def kind(self) -> str:
        return detect_kind(self.roles)

    def cols(self, role: str) -> list[str]:
        present = set(self.frame.columns)
        return [c for c, r in self.roles.items() if r == role and c in present]

    def currencies_named(self) -> tuple[str, ...]:
        """Every currency the table names (currency columns, amount headers, symbols)."""
        amounts = [c for c, r in self.roles.items() if r in AMOUNT_ROLES]
        return currencies_of(self.frame, self.currencies, amounts)

    def col(self, role: str) -> str | None:
        found = self.cols(role)
        return found[0] if found else None


def _step_name_from(name: str) -> str:
    m = _BECAME_RE.match(name.strip())
    return m.group(1) if m else name


def _as_id(expr: pl.Expr, dtype: pl.DataType) -> pl.Expr:
    """User/order ids as text; ``17850.0`` floats become ``17850``."""
    if dtype.is_float():
        return (
            pl.when(expr % 1 == 0)
            .then(expr.cast(pl.Int64).cast(pl.String))
            .otherwise(expr.cast(pl.String))
        )
    return expr.cast(pl.String).str.strip_chars()


def _to_datetime(expr: pl.Expr, dtype: pl.DataType) -> pl.Expr:
    """Any column chosen as a date or time -> naive UTC Datetime(us).

    Numbers are epoch timestamps, their unit (s, ms, µs, ns) told apart by magnitude
    (:func:`kpi.epoch.epoch_to_datetime`); yyyymmdd integers are dates; so is text made of
    such digits when none of the column's values reads as a date text.
    """
    if dtype.is_numeric() and dtype != pl.Boolean:
        return epoch_to_datetime(expr, dtype)
    if dtype == pl.Date:
        return expr.cast(pl.Datetime("us"))
    if isinstance(dtype, pl.Datetime):
        if dtype.time_zone is not None:
            expr = expr.dt.convert_time_zone("UTC").dt.replace_time_zone(None)
        return expr.cast(pl.Datetime("us"))
    text = expr.cast(pl.String)
    parsed = text.str.to_datetime(strict=False).cast(pl.Datetime("us"))
    # epoch numbers kept as text ("1700000000123"): read as such when no value is a date text
    digits = text.str.strip_chars().cast(pl.Int64, strict=False)
    return (
        pl.when(parsed.is_not_null().any())
        .then(parsed)
        .otherwise(epoch_to_datetime(digits, pl.Int64))
    )


class _Drops:
    """Counts rows dropped per reason while a table is filtered rule by rule."""

    def __init__(self) -> None:
        self.counts: dict[str, int] = {}
        self.examples: dict[str, list[str]] = {}

    def apply(self, frame: pl.DataFrame, keep: pl.Expr, reason: str) -> pl.DataFrame:
        mask = frame.select(keep.fill_null(False).alias("_keep"))["_keep"]
        kept = frame.filter(mask)
        lost = frame.height - kept.height
        if lost:
            self.counts[reason] = self.counts.get(reason, 0) + lost
            self.examples.setdefault(reason, []).extend(_examples(frame.filter(~mask)))
        return kept


def _examples(rows: pl.DataFrame, n: int = 3) -> list[str]:
    """Up to ``n`` dropped rows as short text ('user_id=…, ts=…') for the quality report."""
    return [
        ", ".join(f"{k}={'' if v is None else v}" for k, v in row.items())[:160]
        for row in rows.head(n).iter_rows(named=True)
    ]


# canonical column names a segment may not take (GA4's empty user_id next to user_pseudo_id)
_CANONICAL = ("user_id", "ts", "step", "session_id", "revenue", "order_id", "signup", "first_seen")


def _segment_cols(t: TableInput) -> dict[str, str]:
    """Source column -> canonical segment name (device, channel, variant, cohort or as is)."""
    out: dict[str, str] = {}
    for col, role in t.roles.items():
        if role in ("device", "channel", "variant", "cohort"):
            out[col] = role
        elif role == "segment" and col not in _CANONICAL:
            out[col] = col
    return out


def _events_from(t: TableInput) -> tuple[pl.DataFrame, pl.DataFrame, _Drops, list[Fact]]:
    """(events, user attributes at each event, drops, notes) from an events/orders/wide table."""
    f = t.frame
    drops = _Drops()
    notes: list[Fact] = []
    uid = t.col("user_id")
    assert uid is not None
    seg = _segment_cols(t)
    flags = t.cols("converted")
    signup = t.col("signup")
    ts = t.col("ts")
    uid_expr = _as_id(pl.col(uid), f.schema[uid])
    if "email" in _norm(uid) and f.schema[uid] == pl.String:
        uid_expr = uid_expr.str.to_lowercase()  # Anna@x.com and anna@x.com: one customer
        notes.append(Fact("ingest_shape.email_ids", file=t.name, column=uid))
    base = [
        uid_expr.alias("user_id"),
        *[pl.col(c).cast(pl.String).alias(name) for c, name in seg.items()],
        *[pl.col(c).cast(pl.Boolean).alias(c) for c in flags],
    ]
    if signup:
        base.append(_to_datetime(pl.col(signup), f.schema[signup]).alias("signup"))
    if ts:
        base.append(_to_datetime(pl.col(ts), f.schema[ts]).alias("ts"))
    kind = t.kind
    if kind == "wide":
        step_cols = t.cols("step_flag")
        g = f.select(*base, *[pl.col(c) for c in step_cols if c not in flags])
        g = drops.apply(
            g, pl.col("user_id").is_not_null() & (pl.col("user_id") != ""), MISSING_USER_ID
        )
        parts = []
        schema = f.schema
        for c in step_cols:
            dt = schema[c]
            if dt.is_temporal():
                reached = pl.col(c).is_not_null()
                when = _to_datetime(pl.col(c), dt)
            elif dt == pl.Boolean:
                reached, when = pl.col(c).fill_null(False), pl.lit(None, pl.Datetime("us"))
            else:
                reached, when = pl.col(c).fill_null(0) > 0, pl.lit(None, pl.Datetime("us"))
            parts.append(
                g.filter(reached).select(
                    "user_id", pl.lit(_step_name_from(c)).alias("step"), when.alias("ts")
                )
            )
        events = (
            pl.concat(parts)
            if parts
            else pl.DataFrame(
                schema={"user_id": pl.String, "step": pl.String, "ts": pl.Datetime("us")}
            )
        )
        if events["ts"].null_count() == events.height:
            events = events.drop("ts")
        attrs = g.drop([c for c in step_cols if c in g.columns])
        attrs = attrs.drop("ts") if "ts" in attrs.columns else attrs
        notes.append(
            Fact("ingest_shape.wide", file=t.name, steps=len(step_cols), events=events.height)
        )
        return events, attrs, drops, notes

    channel = t.col("channel")
    if channel and _norm(channel).endswith("trafficsourcemedium"):
        notes.append(Fact("ingest_shape.ga4_medium", file=t.name, column=channel))
    extra = []
    sid, oid = t.col("session_id"), t.col("order_id")
    if sid:
        sid_expr = _as_id(pl.col(sid), f.schema[sid])
        if _norm(sid).endswith("gasessionid"):
            # GA4 numbers sessions per user (ga_session_id is a start time): user + number
            sid_expr = pl.concat_str([base[0], pl.lit(":"), sid_expr])
            notes.append(
                Fact("ingest_shape.ga4_session", file=t.name, user_column=uid, session_column=sid)
            )
        extra.append(sid_expr.alias("session_id"))
    if oid:
        extra.append(_as_id(pl.col(oid), f.schema[oid]).alias("order_id"))
    rev, qty, price = t.col("revenue"), t.col("quantity"), t.col("unit_price")
    if kind == "events":
        step = t.col("step")
        extra.append(pl.col(step).cast(pl.String).str.strip_chars().alias("step"))
    # refunds come off the order's total (what the customer paid), not off a subtotal
    refund = _refund_column(t) if kind == "orders" and rev and "sub" not in _norm(rev) else None
    g = f.select(*base, *extra, *[pl.col(c) for c in (rev, qty, price, refund) if c])
    order_level_rev = False
    cancellations = False
    if kind == "orders" and "order_id" in g.columns:
        # Shopify: an order's fields are on its first line only; its other lines take them
        order_fields = [
            c
            for c in ("user_id", "ts", "signup", *seg.values(), *flags)
            if c in g.columns and c != "order_id"
        ]
        order_level_rev = bool(rev) and _order_level(g, rev)
        if order_level_rev:
            order_fields.append(rev)
            if refund:
                order_fields.append(refund)
        g, filled = _fill_within_orders(g, order_fields)
        if filled:
            notes.append(Fact("ingest_shape.order_lines_filled", file=t.name, n=filled))
        cancellations, c_note = _cancellation_convention(g, qty or rev, t.name)
        if c_note is not None:
            notes.append(c_note)
    g = drops.apply(g, pl.col("user_id").is_not_null() & (pl.col("user_id") != ""), MISSING_USER_ID)
    if kind == "orders":
        g = g.with_columns(pl.lit("purchase").alias("step"))
        if cancellations:
            g = drops.apply(
                g,
                ~pl.col("order_id").str.starts_with("C"),
                CANCELLATION,
            )
        if qty:
            g = drops.apply(g, pl.col(qty) > 0, NON_POSITIVE_QUANTITY)
        if price and not rev:  # a free line (gift wrap) is no error when an amount is given
            g = drops.apply(g, pl.col(price) > 0, NON_POSITIVE_PRICE)
    else:
        g = drops.apply(g, pl.col("step").is_not_null() & (pl.col("step") != ""), MISSING_EVENT)
    if "ts" in g.columns:
        g = drops.apply(g, pl.col("ts").is_not_null(), MISSING_TIMESTAMP)
    purchase = _purchase_step(g) if kind == "events" and price and not rev else None
    if rev:
        g = g.with_columns(pl.col(rev).cast(pl.Float64).alias("revenue"))
        if order_level_rev:
            notes.append(Fact("ingest_shape.revenue_per_order", file=t.name, column=rev))
            if refund:
                currency = one_currency(t.currencies_named())
                g, note = _net_of_refunds(g, rev, refund, t.name, currency)
                notes += note
        if refund and refund in g.columns:
            g = g.drop(refund)
    elif purchase:
        # REES46: a price on every event; only purchase rows are sales, one unit each
        amount = pl.col(price) * pl.col(qty) if qty else pl.col(price)
        g = g.with_columns(
            pl.when(pl.col("step") == purchase)
            .then(amount.cast(pl.Float64))
            .otherwise(None)
            .alias("revenue")
        )
        notes.append(
            Fact(
                "ingest_shape.revenue_price_qty" if qty else "ingest_shape.revenue_price",
                file=t.name,
                price=price,
                quantity=qty or "",
                step=purchase,
            )
        )
    elif qty and price:
        g = g.with_columns((pl.col(qty) * pl.col(price)).cast(pl.Float64).alias("revenue"))
        notes.append(
            Fact("ingest_shape.revenue_qty_times_price", file=t.name, quantity=qty, price=price)
        )
    if kind == "orders" and "order_id" in g.columns:
        lines = g.height
        keys = ["user_id", "order_id"]
        if "revenue" in g.columns:
            revenue = (
                pl.col("revenue").drop_nulls().first()
                if order_level_rev
                else pl.col("revenue").sum()
            )
        else:
            revenue = pl.lit(None).alias("_r")
        g = (
            g.group_by(keys, maintain_order=True)
            .agg(
                pl.col("ts").min() if "ts" in g.columns else pl.lit(None).alias("_"),
                revenue,
                pl.col("step").first(),
                *[
                    pl.col(name).first()
                    for name in [*seg.values(), *flags, *(["signup"] if signup else [])]
                ],
            )
            .select(pl.exclude("_", "_r"))
            # an order without a discount code (or any order-level segment) is "(none)", so
            # that a customer's first order decides their segment even when it is empty
            .with_columns(pl.col(name).fill_null(NONE) for name in seg.values())
        )
        notes.append(Fact("ingest_shape.orders_grouped", file=t.name, lines=lines, orders=g.height))
    event_cols = [
        c for c in ("user_id", "ts", "step", "session_id", "revenue", "order_id") if c in g.columns
    ]
    attrs_cols = [
        "user_id",
        *[c for c in ("ts", "signup") if c in g.columns],
        *seg.values(),
        *flags,
    ]
    return g.select(event_cols), g.select(list(dict.fromkeys(attrs_cols))), drops, notes


def _counts_from(t: TableInput) -> pl.DataFrame:
    """Aggregated table -> segment columns + step + users (rates become counts on the base)."""
    f = t.frame
    seg = _segment_cols(t)
    steps = t.cols("step")
    counts = t.cols("count")
    rates = t.cols("rate")
    keys = [pl.col(c).cast(pl.String).alias(name) for c, name in seg.items()]
    index = list(seg.values())
    when = t.col("ts") or t.col("period")
    if when:  # keep the date: the period filter then applies to aggregated rows too
        keys.append(_to_datetime(pl.col(when), f.schema[when]).alias("ts"))
        index.append("ts")
    if steps and counts:  # long: step + users
        out = f.select(
            *keys,
            pl.col(steps[0]).cast(pl.String).alias("step"),
            pl.col(counts[0]).cast(pl.Int64).alias("users"),
        )
    else:
        if not counts:
            raise SchemaError(
                Fact("ingest_errors.rates_without_count", file=t.name),
                Fact("ingest_errors.hint.mark_count"),
            )
        base = counts[0]
        if len(counts) > 1:
            rates = []  # rates next to two counts are derived from them (purchases / sessions)
        cols = [pl.col(base).cast(pl.Float64).alias(base)]
        cols += [pl.col(c).cast(pl.Float64).alias(c) for c in counts[1:]]
        cols += [(pl.col(base) * pl.col(r)).alias(r) for r in rates]
        wide = f.select(*keys, *cols)
        # temporary names: a count column may itself be called "users" or "step"
        out = (
            wide.unpivot(index=index, variable_name="__step", value_name="__users")
            .with_columns(pl.col("__users").round(0).cast(pl.Int64))
            .rename({"__step": "step", "__users": "users"})
        )
    group = [*index, "step"]
    return out.group_by(group, maintain_order=True).agg(pl.col("users").sum())


def _spend_from(t: TableInput) -> pl.DataFrame:
    f = t.frame
    ch, period, spend = (
        t.col("channel") or t.col("segment"),
        t.col("period") or t.col("ts"),
        t.col("spend"),
    )
    cols = [pl.col(ch).cast(pl.String).alias("channel") if ch else pl.lit("(all)").alias("channel")]
    if period:
        cols.append(_to_datetime(pl.col(period), f.schema[period]).dt.date().alias("period"))
    cols.append(
        pl.col(spend).cast(pl.Float64).alias("spend")
        if spend
        else pl.lit(None, pl.Float64).alias("spend")
    )
    for role in ("impressions", "clicks"):
        c = t.col(role)
        if c:
            cols.append(pl.col(c).cast(pl.Float64).alias(role))
    return f.select(cols)


def _survey_from(t: TableInput) -> tuple[pl.DataFrame, dict[str, int]]:
    f = t.frame
    drops = _Drops()
    cols = [pl.col(t.col("score")).cast(pl.Float64).alias("score")]
    cols.append(pl.lit(t.col("score"), pl.String).alias("score_column"))  # NPS/CSAT/CES by name
    uid, ts = t.col("user_id"), t.col("ts") or t.col("signup")
    if uid:
        cols.append(_as_id(pl.col(uid), f.schema[uid]).alias("user_id"))
    if ts:
        cols.append(_to_datetime(pl.col(ts), f.schema[ts]).alias("ts"))
    cols += [pl.col(c).cast(pl.String).alias(n) for c, n in _segment_cols(t).items()]
    s = f.select(cols)
    s = drops.apply(s, pl.col("score").is_not_null(), MISSING_SCORE)
    s = drops.apply(s, pl.col("score").is_between(0, 10), SCORE_OUT_OF_RANGE)
    return s, drops
