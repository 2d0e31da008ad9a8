"""Column roles and table shapes: detection (names + values) kept apart from building.

``detect_roles(frame)`` proposes a role for every column (the app shows it in an editable
mapping); ``detect_kind(roles)`` names the table's shape; ``build_dataset(tables)`` turns typed
tables with (possibly user-corrected) roles into the canonical :class:`kpi.dataset.Dataset`,
counting every dropped row with its reason.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Literal

import polars as pl

from kpi import pipeline
from kpi.dataset import Dataset, Source
from kpi.errors import SchemaError
from kpi.load import Table
from kpi.segments import cohort_of

Role = Literal[
    "user_id",
    "ts",
    "step",
    "session_id",
    "revenue",
    "quantity",
    "unit_price",
    "order_id",
    "device",
    "channel",
    "variant",
    "cohort",
    "signup",
    "segment",
    "converted",
    "step_flag",
    "spend",
    "impressions",
    "clicks",
    "score",
    "count",
    "rate",
    "period",
    "metric",
    "stage",
    "ignore",
]

ROLES: tuple[str, ...] = Role.__args__  # type: ignore[attr-defined]

ROLE_LABELS: dict[str, str] = {
    "user_id": "User id",
    "ts": "Timestamp / date",
    "step": "Event / step name",
    "session_id": "Session id",
    "revenue": "Revenue / amount",
    "quantity": "Quantity",
    "unit_price": "Unit price",
    "order_id": "Order id",
    "device": "Device (segment)",
    "channel": "Channel / source (segment)",
    "variant": "A/B variant (segment)",
    "cohort": "Cohort (segment)",
    "signup": "Signup / first-seen date",
    "segment": "Other segment",
    "converted": "Converted flag (outcome)",
    "step_flag": "Step column (wide table)",
    "spend": "Ad spend",
    "impressions": "Impressions",
    "clicks": "Clicks",
    "score": "Survey score (NPS/CSAT)",
    "count": "Count (aggregated users/sessions)",
    "rate": "Rate (aggregated)",
    "period": "Period (month/week)",
    "metric": "Numeric metric",
    "stage": "Pipeline stage (CRM lifecycle / deal stage)",
    "ignore": "Ignore",
}

Kind = Literal["events", "orders", "users", "wide", "spend", "survey", "counts", "contacts"]

KIND_LABELS: dict[str, str] = {
    "events": "event log (one row per event)",
    "orders": "orders / transaction lines",
    "users": "user table (one row per user)",
    "wide": "wide table (one row per user, one column per step)",
    "spend": "ad-spend export",
    "survey": "survey answers",
    "counts": "aggregated counts",
    "contacts": "CRM contacts / deals (one row per contact, a pipeline stage)",
}

SEGMENT_ROLES = ("device", "channel", "variant", "cohort", "segment")
MAX_SEGMENT_VALUES = 40


def _norm(name: str) -> str:
    """Header normalised for matching: lower case, accents and punctuation removed."""
    table = str.maketrans("éèêëàâäîïôöùûüç", "eeeeaaaiioouuuc")
    return re.sub(r"[^a-z0-9]", "", name.lower().translate(table))


# Synonyms after normalisation (English, French, GA4, Mixpanel, Shopify, HubSpot, REES46...).
SYNONYMS: dict[str, tuple[str, ...]] = {
    "user_id": (
        "userid",
        "identifiantclient",
        "identifiantutilisateur",
        "codeclient",
        "refclient",
        "idcontact",
        "contactid",
        "user",
        "userpseudoid",
        "distinctid",
        "customerid",
        "customer",
        "clientid",
        "amplitudeid",
        "personid",
        "visitorid",
        "email",
        "recordid",
        "contactid",
        "idclient",
        "idutilisateur",
        "utilisateur",
        "client",
        "numeroclient",
        "customeremail",
        "memberid",
        "accountid",
        "playerid",
        "uid",
        "userkey",
    ),
    "ts": (
        "eventtime",
        "eventtimestamp",
        "timestamp",
        "time",
        "eventdate",
        "datetime",
        "createdat",
        "createddate",
        "invoicedate",
        "paidat",
        "orderdate",
        "clienteventtime",
        "horodatage",
        "dateheure",
        "dateevenement",
        "datecommande",
        "datedecommande",
        "datedevenement",
        "dateevenement",
        "datedachat",
        "dateachat",
        "answeredat",
        "submittedat",
        "occurredat",
        "date",
        "day",
        "jour",
        "ts",
        "processedat",
        "responsedate",
        "surveydate",
    ),
    "step": (
        "eventname",
        "event",
        "eventtype",
        "page",
        "step",
        "stage",
        "lifecyclestage",
        "dealstage",
        "stagename",
        "action",
        "etape",
        "evenement",
        "typeevenement",
        "pagename",
        "activity",
        "funnelstep",
        "status",
    ),
    "session_id": ("sessionid", "usersession", "gasessionid", "visitid", "session", "sessionkey"),
    "revenue": (
        "revenue",
        "total",
        "amount",
        "purchaserevenue",
        "totalrevenue",
        "value",
        "eventvalueinusd",
        "itemrevenue",
        "sales",
        "montant",
        "chiffredaffaires",
        "ca",
        "totalttc",
        "totalht",
        "ordertotal",
        "orderamount",
        "montantttc",
        "subtotal",
        "gmv",
    ),
    "unit_price": ("price", "unitprice", "lineitemprice", "prix", "prixunitaire", "itemprice"),
    "quantity": ("quantity", "qty", "lineitemquantity", "quantite", "qte", "units"),
    "order_id": (
        "orderid",
        "transactionid",
        "invoice",
        "invoiceno",
        "invoicenumber",
        "receiptnumber",
        "commande",
        "numerocommande",
        "idcommande",
        "ordernumber",
        "orderno",
        "numerofacture",
    ),
    "device": (
        "devicecategory",
        "device",
        "devicetype",
        "platform",
        "os",
        "osname",
        "appareil",
        "terminal",
        "support",
        "plateforme",
    ),
    "channel": (
        "channel",
        "sessiondefaultchannelgroup",
        "defaultchannelgroup",
        "source",
        "medium",
        "sourcemedium",
        "sessionsourcemedium",
        "utmsource",
        "utmmedium",
        "trafficsource",
        "leadsource",
        "originalsource",
        "canal",
        "canalacquisition",
        "sourcetrafic",
        "firstuserdefaultchannelgroup",
        "acquisitionchannel",
        "referrer",
    ),
    "variant": (
        "variant",
        "group",
        "version",
        "experimentgroup",
        "testgroup",
        "abgroup",
        "bucket",
        "arm",
        "treatment",
        "variante",
        "groupe",
        "variation",
        "abtest",
        "cell",
    ),
    "cohort": ("cohort", "cohorte", "signupcohort"),
    "signup": (
        "signupdate",
        "firstseen",
        "userfirsttouchtimestamp",
        "createdate",
        "firstpurchase",
        "registrationdate",
        "dateinscription",
        "joined",
        "joindate",
        "signup",
        "installdate",
        "firstvisit",
    ),
    "converted": (
        "converted",
        "conversion",
        "isconverted",
        "purchased",
        "subscribed",
        "retained",
        "churned",
        "won",
        "iswon",
        "converti",
        "isconvertedflag",
        "signedup",
        "clicked",
    ),
    "score": (
        "nps",
        "score",
        "likelihoodtorecommend",
        "rating",
        "note",
        "npsscore",
        "csat",
        "ces",
        "recommend",
        "satisfaction",
    ),
    "spend": (
        "cost",
        "spend",
        "adspend",
        "amountspent",
        "cout",
        "depense",
        "depenses",
        "budget",
        "amountspentusd",
        "costeur",
        "costusd",
    ),
    "impressions": ("impressions", "impr", "impression"),
    "clicks": ("clicks", "clics", "click", "linkclicks"),
    "count": (
        "users",
        "activeusers",
        "totalusers",
        "sessions",
        "usersessionscount",
        "uniquesessions",
        "visitors",
        "count",
        "nbusers",
        "utilisateurs",
        "visites",
        "newusers",
        "purchases",
        "transactions",
        "conversions",
        "ecommercepurchases",
        "addtocarts",
        "checkouts",
    ),
    "period": ("month", "period", "week", "mois", "periode", "semaine", "yearmonth"),
    "segment": (
        "country",
        "sex",
        "gender",
        "age",
        "plan",
        "tier",
        "region",
        "city",
        "pays",
        "sexe",
        "landingpage",
        "pagepath",
        "campaign",
        "utmcampaign",
        "browser",
        "language",
        "segment",
        "brand",
        "categorycode",
        "market",
        "geocountry",
    ),
}

_STEP_FLAG_RE = re.compile(r"^(step|etape|stage)[\s_\-]*\d+$", re.I)
_BECAME_RE = re.compile(r"^became an? (.+?) date$", re.I)
_RETENTION_RE = re.compile(r"^(retention|retained|ret)[\s_\-]*\d+", re.I)


def _name_role(name: str) -> str | None:
    key = _norm(name)
    for role, words in SYNONYMS.items():
        if key in words:
            return role
    if _BECAME_RE.match(name.strip()):
        return "step_flag"
    if _STEP_FLAG_RE.match(name.strip()):
        return "step_flag"
    if _RETENTION_RE.match(name.strip()):
        return "converted"
    if key.endswith("rate") or key.startswith("visitto"):
        return "rate"
    # partial matches for common composite names ("Customer ID", "event_time_utc", ...)
    for role, stem in (
        ("user_id", "userid"),
        ("user_id", "customerid"),
        ("session_id", "sessionid"),
        ("order_id", "orderid"),
        ("order_id", "transactionid"),
        ("ts", "timestamp"),
        ("revenue", "revenue"),
        ("spend", "spend"),
    ):
        if stem in key:
            return role
    return None


def detect_roles(frame: pl.DataFrame, *, filename: str | None = None) -> dict[str, str]:
    """Propose a role for every column, from its header (EN/FR synonyms) and its values.

    One column at most gets each of the singular roles (user_id, ts, step, session_id, revenue,
    order_id, device, channel, variant, spend, score, period); later candidates fall back to
    ``segment`` or ``metric`` or ``ignore``.
    """
    roles: dict[str, str] = {}
    n = max(frame.height, 1)
    singular = {
        "user_id",
        "ts",
        "step",
        "session_id",
        "revenue",
        "order_id",
        "device",
        "channel",
        "variant",
        "spend",
        "score",
        "period",
        "signup",
        "quantity",
        "unit_price",
        "cohort",
        "impressions",
        "clicks",
    }
    taken: set[str] = set()
    stats = {c: _column_stats(frame[c], n) for c in frame.columns}

    def claim(col: str, role: str) -> None:
        if role in singular and role in taken:
            role = _fallback_role(stats[col])
        roles[col] = role
        if role in singular:
            taken.add(role)

    # 1. headers
    for col in frame.columns:
        role = _name_role(col)
        if role is None:
            continue
        role = _check_values(role, stats[col], col)
        if role is not None:
            claim(col, role)
    # 2. values, for columns the names did not settle
    for col in frame.columns:
        if col in roles:
            continue
        st = stats[col]
        if st["index_like"]:
            roles[col] = "ignore"
        elif st["temporal"] and "ts" not in taken:
            claim(col, "ts")
        elif st["boolean"]:
            roles[col] = "converted"
        elif st["constant_text"] and "step" not in taken and frame.height > 1:
            claim(col, "step")  # one file per funnel step: the column holds the step name
        elif st["text"] and st["n_unique"] <= MAX_SEGMENT_VALUES:
            roles[col] = "segment"
        elif st["text"] and st["unique_ratio"] > 0.5 and "user_id" not in taken:
            claim(col, "user_id")
        elif st["numeric"]:
            roles[col] = "metric"
        else:
            roles[col] = "ignore"
    # Several time columns (GA4: event_date and event_timestamp): keep the most precise one.
    ts_cols = [c for c, r in roles.items() if r == "ts"]
    candidates = [
        c
        for c in frame.columns
        if stats[c]["temporal"] and roles.get(c) in (None, "ts", "ignore", "metric")
    ]
    if ts_cols and len(candidates) > 1:

        def precision(c: str) -> tuple[int, int]:
            dt = stats[c]["dtype"]
            return (int(isinstance(dt, pl.Datetime)), int("time" in _norm(c)))

        best = max(candidates, key=precision)
        if precision(best) > precision(ts_cols[0]):
            roles[ts_cols[0]] = "ignore"
            roles[best] = "ts"
    # Shopify: the order is the "Name" column holding "#1001"-like values.
    if "order_id" not in taken:
        for col in frame.columns:
            if (
                roles.get(col) in (None, "segment", "ignore")
                and stats[col]["text"]
                and _norm(col) in ("name", "ordername", "order")
            ):
                sample = frame[col].drop_nulls().head(200)
                if sample.len() and bool(sample.str.contains(r"^#?\d+$").all()):
                    roles[col] = "order_id"
                    taken.add("order_id")
                    break
    # HubSpot contacts: "Became a ... Date" columns make a wide table; a lifecycle-stage column
    # next to them is an attribute, not an event name.
    if any(r == "step_flag" for r in roles.values()):
        for col, r in list(roles.items()):
            if r == "step" and stats[col]["n_unique"] <= MAX_SEGMENT_VALUES:
                roles[col] = "segment"
                taken.discard("step")
    # A date column in a table without events is a signup / first-seen date.
    if (
        "ts" in taken
        and "step" not in taken
        and "revenue" not in taken
        and "unit_price" not in taken
    ):
        ts_col = next(c for c, r in roles.items() if r == "ts")
        if (
            "user_id" in taken
            and stats[ts_col]["unique_ratio"] < 1.0
            and "score" not in taken
            and "signup" not in taken
            and not any(r == "step_flag" for r in roles.values())
        ):
            roles[ts_col] = "signup"
    # integer user ids stored as floats (17850.0) are still ids; numeric ids with no name
    if "user_id" not in taken:
        for col in frame.columns:
            if (
                roles.get(col) == "metric"
                and stats[col]["integral"]
                and stats[col]["unique_ratio"] > 0.9
                and _norm(col).endswith("id")
            ):
                roles[col] = "user_id"
                break
    roles = pipeline.refine_roles(frame, roles)  # CRM: French headers, the pipeline stage
    return {c: roles.get(c, "ignore") for c in frame.columns}


def _fallback_role(st: dict) -> str:
    if st["text"] and st["n_unique"] <= MAX_SEGMENT_VALUES:
        return "segment"
    if st["numeric"]:
        return "metric"
    return "ignore"


def _column_stats(s: pl.Series, n: int) -> dict:
    dtype = s.dtype
    non_null = s.drop_nulls()
    n_unique = non_null.n_unique() if non_null.len() else 0
    numeric = dtype.is_numeric()
    integral = False
    if numeric and non_null.len():
        integral = bool((non_null.cast(pl.Float64) % 1 == 0).all())
    index_like = False
    if numeric and integral and non_null.len() == n and n > 2:
        first = non_null.cast(pl.Int64)
        index_like = bool(
            (first.diff().drop_nulls() == 1).all()
            and first[0] in (0, 1)
            and s.name.strip() in ("", "index", "Unnamed: 0", "#")
        )
    return {
        "dtype": dtype,
        "n_unique": n_unique,
        "unique_ratio": n_unique / max(non_null.len(), 1),
        "numeric": numeric,
        "integral": integral,
        "temporal": dtype.is_temporal(),
        "boolean": dtype == pl.Boolean
        or (
            numeric
            and integral
            and non_null.len() > 0
            and set(non_null.unique().to_list()) <= {0, 1}
        ),
        "text": dtype == pl.String,
        "constant_text": dtype == pl.String and n_unique == 1,
        "index_like": index_like,
        "min": non_null.min() if numeric and non_null.len() else None,
        "max": non_null.max() if numeric and non_null.len() else None,
    }


def _check_values(role: str, st: dict, col: str) -> str | None:
    """Reject a name-based guess that the values contradict (``None``: decide by values)."""
    if role in ("ts", "signup", "period") and not (st["temporal"] or st["text"]) and st["numeric"]:
        return None
    if (
        role in ("revenue", "unit_price", "quantity", "spend", "impressions", "clicks", "count")
        and not st["numeric"]
    ):
        return None
    if role == "score" and (
        not st["numeric"] or st["min"] is None or st["min"] < 0 or st["max"] > 10
    ):
        return None
    if role == "rate" and not (
        st["numeric"] and st["min"] is not None and st["min"] >= 0 and st["max"] <= 1
    ):
        return None
    if role == "converted" and not st["boolean"]:
        return "segment" if st["text"] and st["n_unique"] <= MAX_SEGMENT_VALUES else None
    if role == "step_flag" and not (st["boolean"] or st["temporal"] or st["numeric"]):
        return None
    if (
        role in ("device", "channel", "variant", "cohort", "segment")
        and st["n_unique"] > MAX_SEGMENT_VALUES * 5
    ):
        return "ignore" if st["text"] else None
    if role == "step" and st["numeric"]:
        return None
    if role == "ts" and st["text"]:
        return None  # load already typed every real date column
    return role


def detect_kind(roles: Mapping[str, str]) -> str:
    """The table's shape from its roles (see ``KIND_LABELS``)."""
    have = set(roles.values())
    if "spend" in have or ("impressions" in have and "user_id" not in have):
        return "spend"
    if "score" in have and "step" not in have:
        return "survey"
    if "user_id" in have and "stage" in have:
        return "contacts"  # a CRM pipeline: contacts are not orders (kpi.pipeline)
    if "user_id" in have and "step" in have:
        return "events"
    if "user_id" in have and ({"revenue", "unit_price"} & have) and ({"ts", "order_id"} & have):
        return "orders"
    if "user_id" in have and "step_flag" in have:
        return "wide"
    if "user_id" in have:
        return "users"
    if {"count", "rate"} & have:
        return "counts"
    raise SchemaError(
        "No user id column was recognised, and the table is not aggregated counts, ad spend or "
        "survey answers.",
        "Pick the column that identifies a user (or a customer) in the column mapping.",
    )


@dataclass
class TableInput:
    """One typed table with its roles (detected, then possibly corrected by the user)."""

    name: str
    frame: pl.DataFrame
    roles: dict[str, str] = field(default_factory=dict)
    rows_read: int | None = None
    dropped: dict[str, int] = field(default_factory=dict)
    examples: dict[str, list[str]] = field(default_factory=dict)

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
        return [c for c, r in self.roles.items() if r == role and c in self.frame.columns]

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
    if dtype == pl.Date:
        return expr.cast(pl.Datetime("us"))
    if isinstance(dtype, pl.Datetime):
        if dtype.time_zone is not None:
            expr = expr.dt.convert_time_zone("UTC").dt.replace_time_zone(None)
        return expr.cast(pl.Datetime("us"))
    return expr.cast(pl.String).str.to_datetime(strict=False).cast(pl.Datetime("us"))


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


def _segment_cols(t: TableInput) -> dict[str, str]:
    """Source column -> canonical segment name (device, channel, variant, cohort or as is)."""
    out: dict[str, str] = {}
    for col, role in t.roles.items():
        if role in ("device", "channel", "variant", "cohort"):
            out[col] = role
        elif role == "segment":
            out[col] = col
    return out


def _events_from(t: TableInput) -> tuple[pl.DataFrame, pl.DataFrame, dict[str, int], list[str]]:
    """(events, user attributes at each event, drops, notes) from an events/orders/wide table."""
    f = t.frame
    drops = _Drops()
    notes: list[str] = []
    uid = t.col("user_id")
    assert uid is not None
    seg = _segment_cols(t)
    flags = t.cols("converted")
    signup = t.col("signup")
    ts = t.col("ts")
    base = [
        _as_id(pl.col(uid), f.schema[uid]).alias("user_id"),
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
            g, pl.col("user_id").is_not_null() & (pl.col("user_id") != ""), "missing user id"
        )
        parts = []
        for c in step_cols:
            dt = f.schema[c]
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
            f"{t.name}: wide table, {len(step_cols)} step columns turned into "
            f"{events.height:,} step events."
        )
        return events, attrs, drops, notes

    extra = []
    for role in ("session_id", "order_id"):
        c = t.col(role)
        if c:
            extra.append(_as_id(pl.col(c), f.schema[c]).alias(role))
    rev, qty, price = t.col("revenue"), t.col("quantity"), t.col("unit_price")
    if kind == "events":
        step = t.col("step")
        extra.append(pl.col(step).cast(pl.String).str.strip_chars().alias("step"))
    g = f.select(*base, *extra, *[pl.col(c) for c in (rev, qty, price) if c])
    g = drops.apply(
        g, pl.col("user_id").is_not_null() & (pl.col("user_id") != ""), "missing user id"
    )
    if kind == "orders":
        g = g.with_columns(pl.lit("purchase").alias("step"))
        if "order_id" in g.columns:
            g = drops.apply(
                g,
                ~pl.col("order_id").str.starts_with("C"),
                "cancellation (order id starting with C)",
            )
        if qty:
            g = drops.apply(g, pl.col(qty) > 0, "zero or negative quantity")
        if price:
            g = drops.apply(g, pl.col(price) > 0, "zero or negative unit price")
    else:
        g = drops.apply(
            g, pl.col("step").is_not_null() & (pl.col("step") != ""), "missing event name"
        )
    if "ts" in g.columns:
        g = drops.apply(g, pl.col("ts").is_not_null(), "missing or unreadable timestamp")
    if rev:
        g = g.with_columns(pl.col(rev).cast(pl.Float64).alias("revenue"))
    elif qty and price:
        g = g.with_columns((pl.col(qty) * pl.col(price)).cast(pl.Float64).alias("revenue"))
        notes.append(f"{t.name}: revenue = {qty} × {price} (no amount column).")
    if kind == "orders" and "order_id" in g.columns:
        lines = g.height
        keys = ["user_id", "order_id"]
        g = (
            g.group_by(keys, maintain_order=True)
            .agg(
                pl.col("ts").min() if "ts" in g.columns else pl.lit(None).alias("_"),
                pl.col("revenue").sum() if "revenue" in g.columns else pl.lit(None).alias("_r"),
                pl.col("step").first(),
                *[
                    pl.col(name).first()
                    for name in [*seg.values(), *flags, *(["signup"] if signup else [])]
                ],
            )
            .select(pl.exclude("_", "_r"))
        )
        notes.append(
            f"{t.name}: {lines:,} order lines grouped into {g.height:,} orders (one per order id)."
        )
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


def _first_touch(attrs: pl.DataFrame) -> pl.DataFrame:
    """One row per user: each attribute's value on the user's first event (first touch)."""
    others = [c for c in attrs.columns if c not in ("user_id", "ts")]
    if "ts" in attrs.columns:
        attrs = attrs.sort("ts", nulls_last=True)
        agg = [pl.col("ts").min().alias("first_seen")]
    else:
        agg = []
    agg += [pl.col(c).drop_nulls().first().alias(c) for c in others]
    return attrs.group_by("user_id", maintain_order=True).agg(agg)


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
                f"{t.name}: aggregated rates were found but no count column to apply them to.",
                "Mark the column holding users or sessions as 'Count'.",
            )
        base = counts[0]
        if len(counts) > 1:
            rates = []  # rates next to two counts are derived from them (purchases / sessions)
        cols = [pl.col(base).cast(pl.Float64).alias(base)]
        cols += [pl.col(c).cast(pl.Float64).alias(c) for c in counts[1:]]
        cols += [(pl.col(base) * pl.col(r)).alias(r) for r in rates]
        wide = f.select(*keys, *cols)
        out = wide.unpivot(index=index, variable_name="step", value_name="users").with_columns(
            pl.col("users").round(0).cast(pl.Int64)
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
    s = drops.apply(s, pl.col("score").is_not_null(), "missing score")
    s = drops.apply(s, pl.col("score").is_between(0, 10), "score outside 0-10")
    return s, drops


def build_dataset(
    tables: Sequence[TableInput], *, cohort_grain: Literal["week", "month"] = "month"
) -> Dataset:
    """Turn typed tables with roles into the canonical Dataset, accounting for every row.

    Several event tables share one user space (ids compared as text). User attributes come from
    user tables first, then from events (first touch: the value on the user's first event).
    ``cohort`` is the file's cohort column if any, else the first-seen (or signup) month/week.
    """
    if not tables:
        raise SchemaError("No table to analyse.", "Upload at least one file.")
    events_parts: list[pl.DataFrame] = []
    attr_parts: list[pl.DataFrame] = []
    user_tables: list[pl.DataFrame] = []
    spend = survey = counts = None
    sources: list[Source] = []
    notes: list[str] = []
    step_order: list[str] = []
    per_step_files: list[tuple[str, int]] = []  # one file per funnel step: (step, users)
    for t in tables:
        kind = t.kind
        dropped = dict(t.dropped)
        examples = {k: list(v) for k, v in t.examples.items()}
        kept = t.frame.height
        if kind in ("events", "orders", "wide", "contacts"):
            ev, attrs, d, n = pipeline.contacts_from(t) if kind == "contacts" else _events_from(t)
            dropped.update(d.counts)
            examples.update(d.examples)
            kept = t.frame.height - sum(d.counts.values())
            notes += n
            events_parts.append(ev)
            attr_parts.append(attrs)
            if kind == "wide":
                step_order += [_step_name_from(c) for c in t.cols("step_flag")]
            elif kind == "contacts":
                step_order += pipeline.ordered_steps(ev["step"].unique(maintain_order=True))
            elif kind == "events" and ev["step"].n_unique() == 1 and ev.height:
                per_step_files.append((ev["step"][0], ev["user_id"].n_unique()))
        elif kind == "users":
            f = t.frame
            uid = t.col("user_id")
            signup = t.col("signup") or t.col("ts")
            cols = [_as_id(pl.col(uid), f.schema[uid]).alias("user_id")]
            cols += [pl.col(c).cast(pl.String).alias(n) for c, n in _segment_cols(t).items()]
            cols += [pl.col(c).cast(pl.Boolean).alias(c) for c in t.cols("converted")]
            cols += [pl.col(c).alias(c) for c in t.cols("metric")]
            if signup:
                cols.append(_to_datetime(pl.col(signup), f.schema[signup]).alias("signup"))
            drops = _Drops()
            u = drops.apply(
                f.select(cols),
                pl.col("user_id").is_not_null() & (pl.col("user_id") != ""),
                "missing user id",
            )
            if u.height - u["user_id"].n_unique():
                u = drops.apply(
                    u,
                    pl.int_range(pl.len()).over("user_id") == 0,
                    "repeated user id (first row kept)",
                )
                notes.append(
                    f"{t.name}: {drops.counts['repeated user id (first row kept)']:,} repeated "
                    "user ids; the first row of each is used."
                )
            dropped.update(drops.counts)
            examples.update(drops.examples)
            kept = u.height
            user_tables.append(u)
        elif kind == "spend":
            spend = (
                _spend_from(t)
                if spend is None
                else pl.concat([spend, _spend_from(t)], how="diagonal_relaxed")
            )
        elif kind == "survey":
            s, d = _survey_from(t)
            dropped.update(d.counts)
            examples.update(d.examples)
            kept = s.height
            survey = s if survey is None else pl.concat([survey, s], how="diagonal_relaxed")
        elif kind == "counts":
            c = _counts_from(t)
            counts = c if counts is None else pl.concat([counts, c], how="diagonal_relaxed")
            step_order += [
                s for s in c["step"].unique(maintain_order=True).to_list() if s not in step_order
            ]
        rows_read = t.rows_read if t.rows_read is not None else t.frame.height
        sources.append(Source(t.name, kind, rows_read, kept, dropped, examples))

    if events_parts:
        events = pl.concat(events_parts, how="diagonal_relaxed")
    else:
        events = pl.DataFrame(schema={"user_id": pl.String, "step": pl.String})
    users = _users_table(attr_parts, user_tables, events)
    segments = [
        c
        for c in users.columns
        if c not in ("user_id", "first_seen", "signup") and users.schema[c] == pl.String
    ]
    # cohort derived from first-seen (or signup) unless the file has one
    if "cohort" not in users.columns:
        anchor = (
            "signup"
            if "signup" in users.columns
            else "first_seen"
            if "first_seen" in users.columns
            else None
        )
        if anchor:
            users = users.with_columns(cohort_of(pl.col(anchor), cohort_grain).alias("cohort"))
            segments.append("cohort")
            notes.append(
                f"Cohort = {'signup' if anchor == 'signup' else 'first-seen'} {cohort_grain}."
            )
    flags = [c for c in users.columns if users.schema[c] == pl.Boolean]
    if survey is not None and "user_id" in survey.columns:
        extra = [c for c in segments if c not in survey.columns]
        if extra:
            survey = survey.join(users.select("user_id", *extra), on="user_id", how="left")
    if per_step_files:
        # a funnel narrows: the file with the most users is the first step (stable sort keeps
        # the upload order for ties), whatever order the browser sent the files in
        step_order += [s for s, _ in sorted(per_step_files, key=lambda x: -x[1])]
        if len(per_step_files) > 1:
            notes.append("Steps ordered by users, most first (one file per step).")
    if not step_order and events.height:
        step_order = _default_steps(events)
    seen: set[str] = set()
    steps = tuple(s for s in step_order if not (s in seen or seen.add(s)))
    return Dataset(
        events=events,
        users=users,
        spend=spend,
        survey=survey,
        counts=counts,
        steps=steps,
        segments=tuple(dict.fromkeys(segments)),
        flags=tuple(flags),
        sources=tuple(sources),
        notes=tuple(notes),
    )


def _users_table(
    attr_parts: list[pl.DataFrame], user_tables: list[pl.DataFrame], events: pl.DataFrame
) -> pl.DataFrame:
    parts = []
    if attr_parts:
        attrs = pl.concat(attr_parts, how="diagonal_relaxed")
        parts.append(_first_touch(attrs))
    users: pl.DataFrame | None = None
    for u in user_tables:
        users = (
            u
            if users is None
            else users.join(u, on="user_id", how="full", coalesce=True, suffix="_2")
        )
    if parts:
        ev_users = parts[0]
        if users is None:
            users = ev_users
        else:
            # user-table values win; event-derived ones fill gaps and add event-only users
            extra = [c for c in ev_users.columns if c != "user_id" and c not in users.columns]
            users = users.join(
                ev_users.select("user_id", *extra), on="user_id", how="full", coalesce=True
            )
    if users is None:
        users = events.select("user_id").unique(maintain_order=True)
    if "first_seen" not in users.columns and "ts" in events.columns:
        first = events.group_by("user_id").agg(pl.col("ts").min().alias("first_seen"))
        users = users.join(first, on="user_id", how="left")
    return users


def _default_steps(events: pl.DataFrame) -> list[str]:
    try:
        from kpi.funnel import default_step_order

        return list(default_step_order(events))
    except ImportError:  # pragma: no cover - funnel module not there yet
        return (
            events.group_by("step")
            .agg(pl.col("user_id").n_unique().alias("n"))
            .sort("n", descending=True)["step"]
            .to_list()
        )


def describe_roles(roles: Mapping[str, str]) -> str:
    """A sentence saying what was understood, e.g. 'user id = CustomerID, timestamp = ...'."""
    parts = [
        f"{ROLE_LABELS[r].lower()} = {c}" for c, r in roles.items() if r not in ("ignore", "metric")
    ]
    return "; ".join(parts)


def table_name(filename: str | None, index: int = 0) -> str:
    """The table's display name: the file name without folders (``home_page_table.csv``)."""
    return PurePath(filename).name if filename else f"table {index + 1}"


def rederive_cohort(ds: Dataset, grain: Literal["week", "month"] = "month") -> Dataset:
    """The same Dataset with its derived cohort recomputed at another grain (week/month).

    A cohort column that came from the file is left as it is.
    """
    derived = any(n.startswith("Cohort = ") for n in ds.notes)
    anchor = "signup" if "signup" in ds.users.columns else "first_seen"
    if not derived or anchor not in ds.users.columns:
        return ds
    users = ds.users.with_columns(cohort_of(pl.col(anchor), grain).alias("cohort"))
    return ds.with_tables(users=users)
