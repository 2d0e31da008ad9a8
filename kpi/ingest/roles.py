"""Column roles (from names, then values) and the table's shape (:func:`detect_kind`).

``detect_roles(frame)`` proposes a role for every column (the Data page shows it in an
editable mapping); ``detect_kind(roles)`` names the table's shape."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Literal

import polars as pl

from kpi import pipeline
from kpi.errors import SchemaError
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


Kind = Literal["events", "orders", "users", "wide", "spend", "survey", "counts", "contacts"]


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
            st["text"]
            and "step" not in taken
            and frame.height > 1
            and frame.width <= 4  # a per-step file: a user column and the step's name
            and not {"revenue", "unit_price", "order_id"} & taken
            and st["constant_text"]
        ):
            claim(col, "step")  # one file per funnel step: the column holds the step name
        elif st["text"] and _at_most(st, MAX_SEGMENT_VALUES):
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
            if r == "step" and _at_most(stats[col], MAX_SEGMENT_VALUES):
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
            and "score" not in taken
            and "signup" not in taken
            and not any(r == "step_flag" for r in roles.values())
            and _repeats(stats[ts_col])
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
    if st["text"] and _at_most(st, MAX_SEGMENT_VALUES):
        return "segment"
    if st["numeric"]:
        return "metric"
    return "ignore"


class _Stats(dict):
    """A column's statistics; the distinct-value count is computed on first use only.

    Counting the distinct values of a long text column (user ids, session ids) is the costly
    part, and most decisions never look at it (a column named ``user_id`` is the user id):
    ``st["n_unique"]``, ``st["unique_ratio"]`` and ``st["constant_text"]`` are filled when read,
    and :func:`_at_most` answers "at most k distinct values" from the first rows when they
    already hold more than k. Every answer is exact (the same as counting all rows).
    """

    def __init__(self, series: pl.Series, **stats: object) -> None:
        super().__init__(stats)
        self._series = series

    def __missing__(self, key: str) -> object:
        if key not in ("n_unique", "unique_ratio", "constant_text"):
            raise KeyError(key)
        s = self._series
        n_unique = s.n_unique() - (1 if s.null_count() else 0) if self["non_null"] else 0
        self["n_unique"] = n_unique
        self["unique_ratio"] = n_unique / max(self["non_null"], 1)
        self["constant_text"] = self["text"] and n_unique == 1
        return self[key]

    def head_distinct(self, rows: int) -> int:
        """Distinct non-null values among the first ``rows`` rows (a lower bound)."""
        head = self._series.head(rows)
        return head.n_unique() - (1 if head.null_count() else 0)


_HEAD_ROWS = 20_000  # rows looked at before counting a whole column's distinct values


def _at_most(st: Mapping, k: int) -> bool:
    """Exactly ``st["n_unique"] <= k``, without counting a long column when its first rows
    already hold more than ``k`` distinct values."""
    if (
        "n_unique" not in st
        and isinstance(st, _Stats)
        and st["non_null"] > _HEAD_ROWS
        and st.head_distinct(_HEAD_ROWS) > k
    ):
        return False
    return st["n_unique"] <= k


def _repeats(st: Mapping) -> bool:
    """Exactly ``st["unique_ratio"] < 1.0`` (some value repeats), from the first rows when a
    value already repeats there."""
    if "n_unique" not in st and isinstance(st, _Stats) and st["non_null"] > _HEAD_ROWS:
        head = st._series.head(_HEAD_ROWS)
        if st.head_distinct(_HEAD_ROWS) < head.len() - head.null_count():
            return True
    return st["unique_ratio"] < 1.0


def _column_stats(s: pl.Series, n: int) -> dict:
    dtype = s.dtype
    if dtype.is_nested() or dtype == pl.Object:  # records / lists: never a segment or an id
        return {**_NESTED_STATS, "dtype": dtype, "non_null": s.len() - s.null_count()}
    non_null_count = s.len() - s.null_count()
    numeric = dtype.is_numeric()
    integral = index_like = boolean = False
    lo = hi = None
    if numeric and non_null_count:
        non_null = s.drop_nulls()
        integral = bool((non_null.cast(pl.Float64) % 1 == 0).all())
        lo, hi = non_null.min(), non_null.max()
        # whole numbers between 0 and 1 are the values {0, 1}
        boolean = integral and lo >= 0 and hi <= 1
        if integral and non_null_count == n and n > 2:
            first = non_null.cast(pl.Int64)
            index_like = bool(
                (first.diff().drop_nulls() == 1).all()
                and first[0] in (0, 1)
                and s.name.strip() in ("", "index", "Unnamed: 0", "#")
            )
    return _Stats(
        s,
        dtype=dtype,
        non_null=non_null_count,
        numeric=numeric,
        integral=integral,
        temporal=dtype.is_temporal(),
        boolean=dtype == pl.Boolean or boolean,
        text=dtype == pl.String,
        index_like=index_like,
        min=lo,
        max=hi,
    )


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
        return "segment" if st["text"] and _at_most(st, MAX_SEGMENT_VALUES) else None
    if role == "step_flag" and not (st["boolean"] or st["temporal"] or st["numeric"]):
        return None
    if role in ("device", "channel", "variant", "cohort", "segment") and not _at_most(
        st, MAX_SEGMENT_VALUES * 5
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
    raise SchemaError(Fact("ingest_errors.no_user_id"), Fact("ingest_errors.hint.pick_user_id"))


def role_name(role: str) -> Fact:
    """A role in words (``ingest_roles.role.user_id`` -> "User id" / "Identifiant utilisateur")."""
    return Fact(f"ingest_roles.role.{role}")


def kind_name(kind: str) -> Fact:
    """A table's shape in words (``ingest_roles.kind.events`` -> "event log (one row per event)")."""
    return Fact(f"ingest_roles.kind.{kind}")


def describe_roles(roles: Mapping[str, str]) -> Fact | None:
    """What was understood, role by role ("user id = CustomerID; timestamp = InvoiceDate…"),
    None when no column has a role worth saying."""
    parts = [
        Fact("ingest_roles.pair", role=role_name(r), column=c)
        for c, r in roles.items()
        if r not in ("ignore", "metric")
    ]
    return Fact("ingest_roles.understood", pairs=parts) if parts else None
