"""Column roles and table shapes: detection (names + values) kept apart from building.

``detect_roles(frame)`` proposes a role for every column (the app shows it in an editable
mapping); ``detect_kind(roles)`` names the table's shape; ``build_dataset(tables)`` turns typed
tables with (possibly user-corrected) roles into the canonical :class:`kpi.dataset.Dataset`,
counting every dropped row with its reason.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import PurePath
from typing import Literal

import polars as pl

from kpi import pipeline
from kpi.dataset import Dataset, Source
from kpi.epoch import epoch_to_datetime
from kpi.errors import SchemaError
from kpi.ingest.currency import currencies_of, one_currency
from kpi.load import Table
from kpi.segments import NONE, cohort_of
from kpi.words import Fact

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
        "discountcode",
        "shippingmethod",
        "billingcountry",
        "shippingcountry",
        "paymentmethod",
        "financialstatus",
        "fulfillmentstatus",
        "currency",
        "vendor",
    ),
}

# Flattened GA4 BigQuery names (``device.category``...), matched in full before any synonym:
# they settle which of several candidates takes a role (``device.category`` over ``platform``,
# ``ecommerce.purchase_revenue`` over ``event_value_in_usd``, ``user_pseudo_id`` over the
# mostly empty ``user_id``, ``traffic_source.medium`` as the channel).
FULL_NAMES: dict[str, str] = {
    "userpseudoid": "user_id",
    "ecommercepurchaserevenue": "revenue",
    "ecommercetransactionid": "order_id",
    "devicecategory": "device",
    "trafficsourcemedium": "channel",
    "geocountry": "segment",
    "eventparamsgasessionid": "session_id",
    "itemscount": "metric",  # kpi.nested summarises GA4 items as a count per event
}
# Never a role by name: a user's lifetime value is not the revenue of an event, GA4's
# bookkeeping timestamps are not the event time.
_NOT_BY_NAME = (
    "userltv",
    "eventprevioustimestamp",
    "eventservertimestampoffset",
    "eventbundlesequenceid",
)

_STEP_FLAG_RE = re.compile(r"^(step|etape|stage)[\s_\-]*\d+$", re.I)
_BECAME_RE = re.compile(r"^became an? (.+?) date$", re.I)
_RETENTION_RE = re.compile(r"^(retention|retained|ret)[\s_\-]*\d+", re.I)


def _name_role(name: str) -> str | None:
    match = _name_match(name)
    return match[0] if match else None


def _name_match(name: str) -> tuple[str, int] | None:
    """(role, rank) the header suggests; a lower rank wins when several columns claim a role.

    Full GA4 names first, then exact synonyms (in the order of :data:`SYNONYMS`), then the part
    after the last dot of a flattened name (``traffic_source.source`` -> ``source``), then
    patterns and partial matches.
    """
    key = _norm(name)
    if key.startswith(_NOT_BY_NAME):
        return None
    if key in FULL_NAMES:
        return FULL_NAMES[key], -1
    for role, words in SYNONYMS.items():
        if key in words:
            return role, words.index(key)
    if "." in name:
        tail = _norm(name.rsplit(".", 1)[1])
        for role, words in SYNONYMS.items():
            if tail in words:
                return role, 100 + words.index(tail)
    if _BECAME_RE.match(name.strip()):
        return "step_flag", 200
    if _STEP_FLAG_RE.match(name.strip()):
        return "step_flag", 200
    if _RETENTION_RE.match(name.strip()):
        return "converted", 200
    if key.endswith("rate") or key.startswith("visitto"):
        return "rate", 200
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
            return role, 300
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

    # 1. headers; when several columns claim a role, the best-ranked name wins, and a column
    # without values (GA4's user_id next to user_pseudo_id) loses to a filled one
    named: list[tuple[tuple, str, str]] = []
    for i, col in enumerate(frame.columns):
        match = _name_match(col)
        if match is None:
            if _norm(col).startswith("lineitem"):  # Shopify line fields: not segments
                roles[col] = "ignore"
            continue
        role = _check_values(match[0], stats[col], col)
        if role is None:
            continue
        filled = stats[col].get("non_null", n) / n
        sparse = filled == 0 or (role == "user_id" and filled < 0.5)
        named.append(((sparse, match[1], i), col, role))
    for _, col, role in sorted(named, key=lambda x: x[0]):
        claim(col, role)
    # 2. values, for columns the names did not settle
    for col in frame.columns:
        if col in roles:
            continue
        st = stats[col]
        if st["index_like"] or st.get("non_null") == 0:  # an empty column says nothing
            roles[col] = "ignore"
        elif st["temporal"] and "ts" not in taken:
            claim(col, "ts")
        elif st["boolean"]:
            roles[col] = "converted"
        elif (
            st["constant_text"]
            and "step" not in taken
            and frame.height > 1
            and frame.width <= 4  # a per-step file: a user column and the step's name
            and not {"revenue", "unit_price", "order_id"} & taken
        ):
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
    # Shopify: the order is the "Name" column holding "#1001"-like values (it wins over a
    # mostly empty order-like column such as a POS "Receipt Number").
    order_col = next((c for c, r in roles.items() if r == "order_id"), None)
    if order_col is not None and stats[order_col].get("non_null", n) / n < 0.5:
        shopify_name = [c for c in frame.columns if _norm(c) in ("name", "ordername", "order")]
        if shopify_name:
            roles[order_col] = "ignore"
            taken.discard("order_id")
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
    # An aggregated table (a count column, no user id): a 'converted' column holding whole
    # numbers beyond 0/1 counts conversions (an A/B summary 'group,users,converted').
    if "user_id" not in taken and "count" in roles.values():
        for col in frame.columns:
            st = stats[col]
            if (
                roles.get(col) == "metric"
                and _norm(col) in SYNONYMS["converted"]
                and st["integral"]
                and st["min"] is not None
                and st["min"] >= 0
                and (st["max"] or 0) > 1
            ):
                roles[col] = "count"
    roles = pipeline.refine_roles(frame, roles)  # CRM: French headers, the pipeline stage
    return {c: roles.get(c, "ignore") for c in frame.columns}


def _fallback_role(st: dict) -> str:
    if st.get("non_null") == 0:
        return "ignore"
    if st["text"] and st["n_unique"] <= MAX_SEGMENT_VALUES:
        return "segment"
    if st["numeric"]:
        return "metric"
    return "ignore"


def _column_stats(s: pl.Series, n: int) -> dict:
    dtype = s.dtype
    if dtype.is_nested() or dtype == pl.Object:  # records / lists: never a segment or an id
        return {**_NESTED_STATS, "dtype": dtype, "non_null": s.len() - s.null_count()}
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
        "non_null": non_null.len(),
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


_NESTED_STATS: dict = {
    "nested": True,
    "n_unique": 0,
    "unique_ratio": 0.0,
    "numeric": False,
    "integral": False,
    "temporal": False,
    "boolean": False,
    "text": False,
    "constant_text": False,
    "index_like": False,
    "min": None,
    "max": None,
}

# Integer epoch timestamps: plausible years 2000-2100 in seconds, ms, µs or ns.
_EPOCH_SPANS = ((9.4e8, 4.2e9), (9.4e11, 4.2e12), (9.4e14, 4.2e15), (9.4e17, 4.2e18))


def _looks_epoch(st: dict) -> bool:
    """Integers whose range is that of epoch seconds/ms/µs/ns (``event_timestamp``)."""
    lo, hi = st["min"], st["max"]
    if not (st["numeric"] and st["integral"]) or lo is None:
        return False
    return any(a <= lo and hi <= b for a, b in _EPOCH_SPANS)


def _check_values(role: str, st: dict, col: str) -> str | None:
    """Reject a name-based guess that the values contradict (``None``: decide by values)."""
    if st.get("nested"):
        return "ignore"  # a record or a list shown as a segment would read {"mobile", ...}
    if (
        role in ("ts", "signup", "period")
        and not (st["temporal"] or st["text"])
        and st["numeric"]
        and not (role in ("ts", "signup") and _looks_epoch(st))
    ):
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
    uid_expr = _as_id(pl.col(uid), f.schema[uid])
    if "email" in _norm(uid) and f.schema[uid] == pl.String:
        uid_expr = uid_expr.str.to_lowercase()  # Anna@x.com and anna@x.com: one customer
        notes.append(f"{t.name}: customers identified by {uid} (compared in lower case).")
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
            g, pl.col("user_id").is_not_null() & (pl.col("user_id") != ""), "missing user id"
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
            f"{t.name}: wide table, {len(step_cols)} step columns turned into "
            f"{events.height:,} step events."
        )
        return events, attrs, drops, notes

    channel = t.col("channel")
    if channel and _norm(channel).endswith("trafficsourcemedium"):
        notes.append(
            f"{t.name}: channel = {channel}, the medium that first brought the user (organic, "
            "cpc, referral, (none) for direct); the source (google, …) is a segment of its own."
        )
    extra = []
    sid, oid = t.col("session_id"), t.col("order_id")
    if sid:
        sid_expr = _as_id(pl.col(sid), f.schema[sid])
        if _norm(sid).endswith("gasessionid"):
            # GA4 numbers sessions per user (ga_session_id is a start time): user + number
            sid_expr = pl.concat_str([base[0], pl.lit(":"), sid_expr])
            notes.append(
                f"{t.name}: session = {uid} + ':' + {sid} (GA4 numbers sessions per user)."
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
            notes.append(
                f"{t.name}: {filled:,} order lines without the order's own fields (e-mail, date, "
                "total…) took them from the order's first line."
            )
        cancellations, c_note = _cancellation_convention(g, qty or rev, t.name)
        if c_note:
            notes.append(c_note)
    g = drops.apply(
        g, pl.col("user_id").is_not_null() & (pl.col("user_id") != ""), "missing user id"
    )
    if kind == "orders":
        g = g.with_columns(pl.lit("purchase").alias("step"))
        if cancellations:
            g = drops.apply(
                g,
                ~pl.col("order_id").str.starts_with("C"),
                "cancellation (order id starting with C)",
            )
        if qty:
            g = drops.apply(g, pl.col(qty) > 0, "zero or negative quantity")
        if price and not rev:  # a free line (gift wrap) is no error when an amount is given
            g = drops.apply(g, pl.col(price) > 0, "zero or negative unit price")
    else:
        g = drops.apply(
            g, pl.col("step").is_not_null() & (pl.col("step") != ""), "missing event name"
        )
    if "ts" in g.columns:
        g = drops.apply(g, pl.col("ts").is_not_null(), "missing or unreadable timestamp")
    purchase = _purchase_step(g) if kind == "events" and price and not rev else None
    if rev:
        g = g.with_columns(pl.col(rev).cast(pl.Float64).alias("revenue"))
        if order_level_rev:
            notes.append(
                f"{t.name}: revenue = {rev}, once per order (an order-level amount, not summed "
                "over the order's lines)."
            )
            if refund:
                g, note = _net_of_refunds(g, rev, refund, t.name)
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
        unit = f"× {qty}" if qty else "one unit per row"
        notes.append(
            f"{t.name}: revenue = {price} on '{purchase}' rows ({unit}); the price on other "
            "events (views, carts…) is not revenue."
        )
    elif qty and price:
        g = g.with_columns((pl.col(qty) * pl.col(price)).cast(pl.Float64).alias("revenue"))
        notes.append(f"{t.name}: revenue = {qty} × {price} (no amount column).")
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


_REFUND_NAMES = ("refundedamount", "amountrefunded", "montantrembourse", "rembourse")


def _refund_column(t: TableInput) -> str | None:
    """Shopify's "Refunded Amount" (or a French "Montant remboursé"), when numeric."""
    schema = t.frame.schema
    for col in t.frame.columns:
        if _norm(col) in _REFUND_NAMES and schema[col].is_numeric():
            return col
    return None


def _net_of_refunds(
    g: pl.DataFrame, rev: str, refund: str, name: str
) -> tuple[pl.DataFrame, list[str]]:
    """Order revenue (the ``revenue`` column, from ``rev``) net of what was refunded."""
    refunded = g.select(
        pl.col(refund)
        .fill_null(0)
        .gt(0)
        .and_(pl.col("order_id").is_first_distinct())
        .sum()
        .alias("orders"),
        pl.col(refund)
        .fill_null(0)
        .filter(pl.col("order_id").is_first_distinct())
        .sum()
        .alias("amount"),
    ).row(0)
    g = g.with_columns((pl.col("revenue") - pl.col(refund).fill_null(0)).alias("revenue"))
    if not refunded[0]:
        return g, []
    return g, [
        f"{name}: revenue net of refunds ({rev} − {refund}): {refunded[0]:,} refunded orders, "
        f"{refunded[1]:,.2f} refunded; a fully refunded order stays an order with 0 revenue."
    ]


def _order_level(g: pl.DataFrame, amount: str) -> bool:
    """True when ``amount`` is an order's total (one value per order id, Shopify's ``Total``
    on the order's first line), not a line amount to be summed: every order of several lines
    holds at most one distinct value."""
    multi = g.filter(pl.col("order_id").is_not_null() & (pl.len().over("order_id") > 1))
    if multi.height == 0:
        return False
    distinct = multi.group_by("order_id").agg(pl.col(amount).drop_nulls().n_unique().alias("n"))
    return bool((distinct["n"] <= 1).all())


def _fill_within_orders(g: pl.DataFrame, columns: Sequence[str]) -> tuple[pl.DataFrame, int]:
    """Empty order-level fields of a line filled with the order's first value; (frame, lines
    that were missing their user id and got it from their order)."""
    if not columns:
        return g, 0
    has_order = pl.col("order_id").is_not_null()
    empty_uid = pl.col("user_id").is_null() | (pl.col("user_id") == "")
    filled = g.select((has_order & empty_uid & (~empty_uid).any().over("order_id")).sum()).item()
    missing = list(g.select(pl.col(c).null_count() for c in columns).row(0))
    if "user_id" in columns and not filled:
        missing[list(columns).index("user_id")] = 0  # whole orders without a customer
    if not any(missing):
        return g, 0
    g = g.with_columns(pl.when(pl.col("user_id") == "").then(None).otherwise(pl.col("user_id")))
    g = g.with_columns(
        pl.when(has_order)
        .then(pl.col(c).fill_null(pl.col(c).drop_nulls().first().over("order_id")))
        .otherwise(pl.col(c))
        .alias(c)
        for c, n in zip(columns, missing, strict=True)
        if n
    )
    return g, int(filled)


def _cancellation_convention(
    g: pl.DataFrame, sign_col: str | None, name: str
) -> tuple[bool, str | None]:
    """Whether ids starting with "C" are cancellations *in this file*: they are when at least
    90 % of such lines carry a negative quantity (or amount), as in UCI Online Retail
    (``C536379``). Elsewhere (``CMD-1001``) they are ordinary orders. (applies, note)."""
    c_ids = pl.col("order_id").str.starts_with("C").fill_null(False)
    n_c = int(g.select(c_ids.sum()).item())
    if not n_c:
        return False, None
    negative = int(g.select((c_ids & (pl.col(sign_col) < 0)).sum()).item()) if sign_col else 0
    if negative >= 0.9 * n_c:
        return True, (
            f"{name}: order ids starting with C are cancellations in this file ({negative:,} of "
            f"{n_c:,} such lines have a negative {sign_col}); they are set aside."
        )
    return False, (
        f"{name}: {n_c:,} lines with an order id starting with C are kept as orders (their "
        f"{sign_col or 'quantities'} are not negative: no cancellation convention here)."
    )


def _purchase_step(g: pl.DataFrame) -> str | None:
    """The purchase step among the event names (``purchase``, ``order``…), see kpi.stages."""
    from kpi.stages import detect_steps  # kpi.stages builds on the Dataset this module makes

    names = g["step"].drop_nulls().unique(maintain_order=True).to_list()
    return detect_steps(names).get("purchase") if names else None


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
    s = drops.apply(s, pl.col("score").is_not_null(), "missing score")
    s = drops.apply(s, pl.col("score").is_between(0, 10), "score outside 0-10")
    return s, drops


@dataclass(frozen=True)
class SharedId:
    """The column that identifies users across several files, and the facts behind the choice.

    ``overlap``: share of the column's distinct values (over all files) found in at least two
    files. ``others``: other columns the files share, with why they lost: ``("few values",
    n)``, ``("less overlap", share)``, ``("not in every file", files)``.
    """

    column: str
    files: int  # files holding the column
    of_files: int  # files with users in them
    overlap: float
    distinct: int
    others: tuple[tuple[str, str, float], ...] = ()
    changed: tuple[str, ...] = ()  # files whose user id role was set or corrected

    def note(self) -> str:
        """The Data page's sentence: which column, and why (files, overlap, the others)."""
        if self.files == self.of_files:
            share = "both files" if self.files == 2 else f"all {self.files} files"
        else:
            share = f"{self.files} of {self.of_files} files"

        def pct(x: float) -> str:
            return f"{x * 100:.0f} %"

        text = (
            f"user id = {self.column}: shared by {share}, {pct(self.overlap)} of its values overlap"
        )
        why = {
            "few values": lambda v: f"{int(v)} values",
            "less overlap": lambda v: f"{pct(v)} overlap",
            "not in every file": lambda v: f"in {int(v)} files",
        }
        if self.others:
            text += "; not " + ", ".join(f"{c} ({why[r](v)})" for c, r, v in self.others[:3])
        if self.changed:
            text += f" (set in {', '.join(self.changed)})"
        return text + "."


_MEASURE_ROLES = {"revenue", "quantity", "unit_price", "spend", "score", "count", "rate", "metric"}
_AGGREGATE_ROLES = {"spend", "count", "rate", "impressions", "clicks"}


def shared_user_id(tables: Sequence[TableInput]) -> SharedId | None:
    """The column the files share that identifies a user, decided by the values.

    Candidates are the column names held by at least two of the files with users (aggregates
    and ad spend left out), not dates, decimals, flags or records. Ranked by: files holding
    it, being already a user id somewhere (by name), looking like an id (many distinct values,
    more than :data:`MAX_SEGMENT_VALUES`, or one a row in some file), the overlap of values
    between files, then distinct values. None with fewer than two such files.
    """
    considered = [
        t
        for t in tables
        if t.col("user_id") is not None or not (set(t.roles.values()) & _AGGREGATE_ROLES)
    ]
    if len(considered) < 2:
        return None
    holders: dict[str, list[TableInput]] = {}
    for t in considered:
        for c in t.frame.columns:
            holders.setdefault(c, []).append(t)
    scored = []
    for col, ts in holders.items():
        if len(ts) < 2:
            continue
        if not all(_can_be_id(t.frame[col]) for t in ts):
            continue
        if all(t.roles.get(col) in _MEASURE_ROLES | {"order_id", "session_id", "ts"} for t in ts):
            continue
        values = pl.concat(
            [
                t.frame.select(_as_id(pl.col(col), t.frame.schema[col]).alias("v"))
                .drop_nulls()
                .unique()
                .with_columns(pl.lit(i).alias("file"))
                for i, t in enumerate(ts)
            ]
        )
        per_value = values.group_by("v").agg(pl.len().alias("n"))
        distinct = per_value.height
        if distinct == 0:
            continue
        overlap = per_value.filter(pl.col("n") >= 2).height / distinct
        one_a_row = any(
            t.frame[col].drop_nulls().n_unique() >= 0.9 * max(t.frame[col].drop_nulls().len(), 1)
            and t.frame.height > 1
            for t in ts
        )
        id_like = distinct > MAX_SEGMENT_VALUES or (one_a_row and distinct > 2)
        named = _name_role(col) == "user_id"  # by its header, not by a guess from values
        scored.append(
            ((len(ts), named, id_like, overlap, distinct), col, len(ts), overlap, distinct, id_like)
        )
    if not scored:
        return None
    scored.sort(key=lambda x: x[0], reverse=True)
    best = next((x for x in scored if x[5] and x[3] > 0), None)
    if best is None:
        return None
    _, col, n_files, overlap, distinct, _ = best
    others = []
    for _, c, nf, ov, dist, id_like in scored:
        if c == col:
            continue
        if not id_like:
            others.append((c, "few values", float(dist)))
        elif nf < n_files:
            others.append((c, "not in every file", float(nf)))
        else:
            others.append((c, "less overlap", ov))
    return SharedId(col, n_files, len(considered), overlap, distinct, tuple(others))


def _can_be_id(s: pl.Series) -> bool:
    """Text or whole numbers (``17850.0`` included): not dates, flags, decimals or records."""
    d = s.dtype
    if d.is_temporal() or d.is_nested() or d in (pl.Boolean, pl.Null, pl.Object):
        return False
    if d.is_float():
        nn = s.drop_nulls()
        return bool(nn.len()) and bool((nn % 1 == 0).all())
    return True


def align_user_ids(
    tables: Sequence[TableInput], *, only_missing: bool = False
) -> tuple[list[TableInput], SharedId | None]:
    """Tables whose user id role is the column the files share (:func:`shared_user_id`).

    A file without a user id, or whose user id is another column while the shared one is in
    it, gets the shared column as its user id (the former one becomes a segment or is ignored).
    Files without the shared column are left as they are. ``only_missing``: correct only the
    files that have no user id (the user's own choices stand).
    """
    choice = shared_user_id(tables)
    if choice is None:
        return list(tables), None
    out: list[TableInput] = []
    changed: list[str] = []
    for t in tables:
        current = t.col("user_id")
        if (
            choice.column not in t.frame.columns
            or current == choice.column
            or (only_missing and current is not None)
        ):
            out.append(t)
            continue
        roles = dict(t.roles)
        if current is not None:
            st = _column_stats(t.frame[current], max(t.frame.height, 1))
            roles[current] = (
                _fallback_role(st) if st["n_unique"] <= MAX_SEGMENT_VALUES else "ignore"
            )
        roles[choice.column] = "user_id"
        out.append(replace(t, roles=roles))
        changed.append(t.name)
    return out, replace(choice, changed=tuple(changed))


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
    # several files: a file with no recognised user id takes the column the others share
    shared = None
    if len(tables) > 1:
        tables, fixed = align_user_ids(tables, only_missing=True)
        shared = shared_user_id(tables)
        if shared is not None and fixed is not None and fixed.changed:
            shared = replace(shared, changed=fixed.changed)
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
        duplicates = _duplicate_rows(t.frame) if kind in ("events", "orders", "wide") else 0
        sources.append(Source(t.name, kind, rows_read, kept, dropped, examples, duplicates))

    if shared is not None and all(
        t.col("user_id") == shared.column for t in tables if shared.column in t.frame.columns
    ):
        notes.insert(0, shared.note())
    if events_parts:
        events = pl.concat(events_parts, how="diagonal_relaxed")
    else:
        events = pl.DataFrame(schema={"user_id": pl.String, "step": pl.String})
    users = _users_table(attr_parts, user_tables, events)
    user_schema = users.schema  # once: a wide table has thousands of columns
    segments = [
        c
        for c, dtype in user_schema.items()
        if c not in ("user_id", "first_seen", "signup") and dtype == pl.String
    ]
    segments, extra_segments = rank_segments(users, segments)
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
    flags = [c for c, dtype in users.schema.items() if dtype == pl.Boolean]
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
    currencies = tuple(sorted({c for t in tables for c in currencies_of(t.frame, t.currencies)}))
    if len(currencies) > 1:
        notes.append(Fact("ingest_shape.currencies", currencies=list(currencies)))
    return Dataset(
        events=events,
        users=users,
        spend=spend,
        survey=survey,
        counts=counts,
        steps=steps,
        segments=tuple(dict.fromkeys(segments)),
        extra_segments=tuple(extra_segments),
        flags=tuple(flags),
        sources=tuple(sources),
        notes=tuple(notes),
        currency=one_currency(currencies),
        currencies=currencies,
    )


SEGMENTS_SHOWN = 12  # segment columns offered by default; the others are one click away


def rank_segments(
    users: pl.DataFrame, candidates: Sequence[str], shown: int = SEGMENTS_SHOWN
) -> tuple[list[str], list[str]]:
    """(segments shown by default, in the table's order; the other candidates, best first).

    ``device``, ``channel``, ``variant`` and ``cohort`` are always shown. The others are ranked:
    more than one value first, then mostly filled, then a name that says segment (country,
    plan, discount code…), then values shared by many users (not one per user), then fewer
    distinct values.
    """
    candidates = list(dict.fromkeys(candidates))
    fixed = [c for c in candidates if c in SEGMENT_ROLES and c != "segment"]
    others = [c for c in candidates if c not in fixed]
    if len(fixed) + len(others) <= shown:
        return candidates, []
    height = max(users.height, 1)
    distinct = users.select(pl.col(others).drop_nulls().n_unique()).row(0) if others else ()
    nulls = users.select(pl.col(others).null_count()).row(0) if others else ()

    def key(item: tuple[int, str]) -> tuple:
        i, c = item
        filled = height - nulls[i]
        named = (_name_match(c) or ("",))[0] in SEGMENT_ROLES
        return (
            distinct[i] < 2,
            nulls[i] / height > 0.5,
            not named,
            filled > 0 and distinct[i] / filled > 0.5,
            distinct[i],
            i,
        )

    ranked = [c for _, c in sorted(enumerate(others), key=key)]
    keep = set(fixed) | set(ranked[: max(shown - len(fixed), 0)])
    return [c for c in candidates if c in keep], [c for c in ranked if c not in keep]


def _duplicate_rows(frame: pl.DataFrame) -> int:
    """Rows identical to another row in every column (the extra copies)."""
    if frame.height < 2:
        return 0
    try:
        return frame.height - frame.n_unique()
    except pl.exceptions.PolarsError:  # columns polars cannot compare (objects)
        return frame.height - frame.hash_rows().n_unique()


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
