"""CRM pipelines: a contacts (or deals) table with a stage column is a pipeline, not orders.

Two canonical pipelines are recognised from a column's *values* (English and French labels):

- **lifecycle** (HubSpot "Lifecycle Stage", French "Étape du cycle de vie"): Subscriber, Lead,
  Marketing Qualified Lead (MQL), Sales Qualified Lead (SQL), Opportunity, Customer,
  Evangelist; "Other" is outside the pipeline.
- **deal** (Salesforce-style opportunity ``Stage``): Prospecting, Qualification, Needs
  Analysis, Value Proposition, Id. Decision Makers, Perception Analysis, Proposal/Price Quote,
  Negotiation/Review, Closed Won; Closed Lost (French: Perdu) is an outcome, not progress.

Definitions (also in :data:`DEFINITIONS`):

- A contact at stage *k* has passed stages 1..k−1 (the canonical order), so the stage funnel
  counts at stage *k* every contact at stage *k* or beyond. Only the stages that occur in the
  data are funnel steps. A lost deal entered the pipeline (first step) and went no further.
- Leads = contacts at Lead or beyond; customers = contacts at Customer or beyond (deal
  pipeline: Closed Won). Lead conversion rate = customers ÷ leads.
- Won deal value = sum of the amount over customers; average deal value = won deal value ÷
  customers with an amount. Open pipeline value = amounts of contacts neither won nor lost.
- Win rate (deal pipeline) = won ÷ (won + lost), closed deals only.

Detection (:func:`stage_column`, :func:`refine_roles`) is called by :mod:`kpi.schema`; the
canonical Dataset keeps each contact's stage as written in the ``stage`` user column, the
amount as ``deal_amount``, and one membership event per stage passed (:func:`contacts_from`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import polars as pl

from kpi.definitions import Definition
from kpi.funnel import add_rates
from kpi.words import Fact, Lang, render

if TYPE_CHECKING:  # pragma: no cover
    from kpi.dataset import Dataset
    from kpi.schema import TableInput, _Drops

__all__ = [
    "DEFINITIONS",
    "Pipeline",
    "PipelineSummary",
    "canonical_stage",
    "contacts_from",
    "is_contacts",
    "ordered_steps",
    "pipeline_of",
    "pipeline_summary",
    "refine_roles",
    "stage_column",
]

PipelineKind = Literal["lifecycle", "deal"]

#: canonical stage -> normalised labels (lower case, no accents, letters and digits only)
LIFECYCLE: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("subscriber", ("subscriber", "abonne", "abonnee", "inscrit", "newsletter")),
    ("lead", ("lead", "leads", "prospect", "piste")),
    (
        "mql",
        (
            "marketingqualifiedlead",
            "mql",
            "leadqualifiemarketing",
            "leadqualifieparlemarketing",
            "prospectqualifiemarketing",
        ),
    ),
    (
        "sql",
        (
            "salesqualifiedlead",
            "sql",
            "leadqualifieventes",
            "leadqualifieparlesventes",
            "leadqualifiecommercial",
            "prospectqualifiecommercial",
        ),
    ),
    ("opportunity", ("opportunity", "opportunite", "opportunites")),
    ("customer", ("customer", "client", "cliente", "clients")),
    ("evangelist", ("evangelist", "evangeliste", "ambassadeur", "ambassadrice")),
)
DEAL: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("prospecting", ("prospecting", "prospection", "appointmentscheduled", "rendezvouspris")),
    ("qualification", ("qualification", "qualifiedtobuy", "qualifie")),
    ("needs_analysis", ("needsanalysis", "analysedesbesoins", "decouverte")),
    ("value_proposition", ("valueproposition", "propositiondevaleur")),
    ("decision_makers", ("iddecisionmakers", "identifydecisionmakers", "decisionmakerboughtin")),
    ("perception_analysis", ("perceptionanalysis",)),
    (
        "proposal",
        ("proposal", "proposalpricequote", "pricequote", "proposition", "devis", "offre"),
    ),
    ("negotiation", ("negotiation", "negotiationreview", "negociation", "contractsent")),
    ("won", ("closedwon", "won", "gagne", "conclugagne", "signe", "affairegagnee")),
)
LOST = ("closedlost", "lost", "perdu", "conclupedu", "concluperdu", "affaireperdue")
OUTSIDE = ("other", "autre", "autres")

_CUSTOMER = {"lifecycle": "customer", "deal": "won"}
_LEAD = {"lifecycle": "lead", "deal": None}

#: column names that may hold a pipeline stage (normalised); the values must agree
_NAME_HINTS = ("lifecycle", "cycledevie", "stage", "etape", "phase", "statut", "status", "pipeline")
_MIN_SHARE = 0.8  # share of non-empty values that must be known stages (or Other / Lost)

DEFINITIONS: dict[str, Definition] = {
    code: Definition(code=code, unit=unit, stage="decision")
    for code, unit in (
        ("contacts", "count"),
        ("customers", "count"),
        ("won_deal_value", "currency"),
        ("avg_deal_value", "currency"),
        ("open_pipeline_value", "currency"),
        ("win_rate", "rate"),
    )
}


def _key(value: object) -> str:
    text = unicodedata.normalize("NFKD", str(value)).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", text.lower())


_LOOKUP: dict[str, dict[str, tuple[str, int]]] = {
    kind: {syn: (name, rank) for rank, (name, syns) in enumerate(stages) for syn in syns}
    for kind, stages in (("lifecycle", LIFECYCLE), ("deal", DEAL))
}


def canonical_stage(value: object, kind: PipelineKind) -> tuple[str, int] | None:
    """(canonical stage, rank) of a label in a pipeline; ("lost", -1) for a lost deal;
    ("other", -2) outside the pipeline; None when the label is not a stage."""
    if value is None:
        return None
    k = _key(value)
    if k in _LOOKUP[kind]:
        return _LOOKUP[kind][k]
    if kind == "deal" and k in LOST:
        return ("lost", -1)
    if k in OUTSIDE:
        return ("other", -2)
    return None


@dataclass(frozen=True)
class Pipeline:
    """A recognised stage column: its name, the pipeline, and the share of known values."""

    column: str
    kind: PipelineKind
    known_share: float
    stages: tuple[str, ...]  # canonical stages present, in pipeline order


def _score(values: pl.Series, kind: PipelineKind) -> tuple[float, set[str]]:
    distinct = values.drop_nulls().cast(pl.String).value_counts()
    if distinct.height == 0:
        return 0.0, set()
    total = float(distinct["count"].sum())
    known = 0.0
    found: set[str] = set()
    for label, count in distinct.iter_rows():
        c = canonical_stage(label, kind)
        if c is not None:
            known += count
            if c[1] >= 0:
                found.add(c[0])
    return known / total, found


def stage_column(frame: pl.DataFrame) -> Pipeline | None:
    """The column holding a pipeline stage, recognised by its name (lifecycle, stage, étape,
    cycle de vie, phase, status…) and its values (at least 2 distinct stages of one pipeline,
    and 80 % of the non-empty values known stages, lost or Other); None when there is none."""
    best: Pipeline | None = None
    schema = frame.schema  # once: polars rebuilds it on every access (5,000 columns: 30 s)
    for col in frame.columns:
        if schema[col] not in (pl.String, pl.Categorical, pl.Enum):
            continue
        name = _key(col)
        if not any(h in name for h in _NAME_HINTS):
            continue
        for kind in ("lifecycle", "deal"):
            share, found = _score(frame[col], kind)  # type: ignore[arg-type]
            if share < _MIN_SHARE or len(found) < 2:
                continue
            order = [s for s, _ in (LIFECYCLE if kind == "lifecycle" else DEAL)]
            cand = Pipeline(col, kind, share, tuple(s for s in order if s in found))  # type: ignore[arg-type]
            if best is None or (share, "lifecycle" in name or "cycle" in name) > (
                best.known_share,
                False,
            ):
                best = cand
    return best


#: French (and bare) headers of CRM exports the general synonyms do not cover: name -> role
_HEADERS: dict[str, str] = {
    "identifiant": "user_id",
    "id": "user_id",
    "recordid": "user_id",
    "idcontact": "user_id",
    "identifiantcontact": "user_id",
    "contactid": "user_id",
    "opportunityid": "user_id",
    "dealid": "user_id",
    "iddeal": "user_id",
    "idopportunite": "user_id",
    "identifiantopportunite": "user_id",
    "canaldacquisition": "channel",
    "canaldeacquisition": "channel",
    "sourcedacquisition": "channel",
    "sourceoriginale": "channel",
    "ncommande": "order_id",
    "nocommande": "order_id",
    "numcommande": "order_id",
    "ndecommande": "order_id",
    "datedecreation": "signup",
    "createdate": "signup",
    "createdat": "signup",
    "datecreation": "signup",
}
_WEAK = {None, "segment", "metric", "ignore"}
_PERSONAL = {
    "firstname", "lastname", "name", "fullname", "email", "emailaddress", "phone",
    "phonenumber", "mobilephone", "prenom", "nom", "nomcomplet", "courriel",
    "telephone", "portable", "adresse", "address",
}  # fmt: skip


def refine_roles(frame: pl.DataFrame, roles: Mapping[str, str]) -> dict[str, str]:
    """Roles after the CRM rules (called at the end of :func:`kpi.schema.detect_roles`).

    French/bare headers (``Identifiant``, ``Canal d'acquisition``, ``N° commande``, ``Date de
    création``) get their role when detection left them weak (segment, metric, ignore) and the
    role is still free; a recognised stage column (:func:`stage_column`) gets the ``stage``
    role, which makes the table a contacts table, unless the table has "Became a … Date" step
    columns (a HubSpot wide table keeps its dated steps; the stage stays a segment).
    """
    out = dict(roles)
    schema = frame.schema  # once: polars rebuilds it on every access
    # a bare id column (Identifiant, Record ID) identifies the contact better than an e-mail
    by_mail = [c for c, r in out.items() if r == "user_id" and "mail" in _key(c)]
    if by_mail:
        for col in frame.columns:
            if _HEADERS.get(_key(col)) == "user_id" and out.get(col) in _WEAK:
                values = frame[col].drop_nulls()
                # filled on (nearly) every row: a Shopify 'Id' only on an order's first line
                # is the order's, not the customer's
                filled = values.len() >= 0.9 * frame.height
                if filled and values.len() and values.n_unique() == values.len():
                    out[by_mail[0]] = "ignore"
                    out[col] = "user_id"
                    break
    taken = {r for r in out.values() if r not in ("segment", "metric", "ignore", "converted")}
    for col in frame.columns:
        role = _HEADERS.get(_key(col))
        if role is None or role in taken or out.get(col) not in _WEAK:
            continue
        dtype = schema[col]
        if role == "signup" and not dtype.is_temporal():
            continue
        if role == "user_id" and frame[col].drop_nulls().n_unique() < 0.5 * max(
            frame[col].drop_nulls().len(), 1
        ):
            continue
        out[col] = role
        taken.add(role)
    found = stage_column(frame)
    if found is None or "step_flag" in out.values():
        return out
    for col, role in list(out.items()):
        if role == "step" and col != found.column:
            out[col] = "segment"  # a contacts table has no event names
    out[found.column] = "stage"
    if "user_id" not in out.values():  # contacts identified by e-mail or name only
        for col in frame.columns:
            if out.get(col) in _WEAK and schema[col] == pl.String and "mail" in _key(col):
                out[col] = "user_id"
                break
    # names, e-mails and phone numbers are personal data, not segments
    for col in frame.columns:
        if out.get(col) in ("segment", "metric") and _key(col) in _PERSONAL:
            out[col] = "ignore"
    # in a contacts table a date is the contact's creation date, not an event time
    for col, role in list(out.items()):
        if role == "ts" and "signup" not in out.values():
            out[col] = "signup"
    return out


def ordered_steps(names: Iterable[str]) -> list[str]:
    """Stage labels (as written in the data) in pipeline order; lost and Other left out."""
    names = [n for n in dict.fromkeys(names) if n is not None]
    kind = _kind_of(names)
    ranked = [(canonical_stage(n, kind), n) for n in names]
    return [n for c, n in sorted((x for x in ranked if x[0] and x[0][1] >= 0), key=lambda x: x[0][1])]  # type: ignore[index]  # fmt: skip


def _kind_of(labels: Iterable[str]) -> PipelineKind:
    s = pl.Series("v", list(labels), dtype=pl.String)
    lc, _ = _score(s, "lifecycle")
    dl, _ = _score(s, "deal")
    return "deal" if dl > lc else "lifecycle"


def _rank_frame(users: pl.DataFrame, column: str, kind: PipelineKind) -> pl.DataFrame:
    labels = users[column].drop_nulls().cast(pl.String).unique().to_list()
    mapping = {lab: canonical_stage(lab, kind) for lab in labels}
    return pl.DataFrame(
        {
            "_label": list(mapping),
            "_stage": [c[0] if c else None for c in mapping.values()],
            "_rank": [c[1] if c else None for c in mapping.values()],
        },
        schema={"_label": pl.String, "_stage": pl.String, "_rank": pl.Int64},
    )


#: drop reasons of a contacts table (message codes: their words are in the catalogue)
DROP_MISSING_ID = "pipeline.drop.missing_contact_id"
DROP_REPEATED_ID = "pipeline.drop.repeated_contact_id"


def contacts_from(t: TableInput) -> tuple[pl.DataFrame, pl.DataFrame, _Drops, list[Fact]]:
    """(events, contact attributes, drops, notes) of a contacts table (kind ``contacts``).

    Attributes: ``user_id``, ``stage`` (as written), segments, ``signup`` (creation date),
    ``deal_amount`` when present (order numbers are not kept: a contact is not an order). Events: one membership event (no time) per
    pipeline stage the contact has passed, named as the data writes that stage; a lost deal
    has one event, the pipeline's first stage in the data; "Other" and unknown labels none.
    """
    from kpi.schema import _as_id, _Drops, _segment_cols, _to_datetime

    f = t.frame
    drops = _Drops()
    uid, stage_col = t.col("user_id"), t.col("stage")
    assert uid is not None and stage_col is not None
    seg = {c: n for c, n in _segment_cols(t).items() if n != "stage"}
    cols = [
        _as_id(pl.col(uid), f.schema[uid]).alias("user_id"),
        pl.col(stage_col).cast(pl.String).str.strip_chars().alias("stage"),
        *[pl.col(c).cast(pl.String).alias(n) for c, n in seg.items()],
    ]
    when = t.col("signup") or t.col("ts")
    if when:
        cols.append(_to_datetime(pl.col(when), f.schema[when]).alias("signup"))
    amount = t.col("revenue")
    if amount:
        cols.append(pl.col(amount).cast(pl.Float64).alias("deal_amount"))
    g = f.select(cols)
    g = drops.apply(g, pl.col("user_id").is_not_null() & (pl.col("user_id") != ""), DROP_MISSING_ID)
    kind = _kind_of(g["stage"].drop_nulls().unique().to_list())
    ranks = _rank_frame(g, "stage", kind)
    # a contact on several rows (a stage-history export): their furthest stage is kept, a won
    # deal before a lost one, the first row among equals
    furthest = (
        pl.when(pl.col("_rank") == -1).then(pl.lit(-0.5)).otherwise(pl.col("_rank").cast(pl.Float64))
    )  # fmt: skip
    g = (
        g.join(ranks.select("_label", "_rank"), left_on="stage", right_on="_label", how="left")
        .with_columns(pl.int_range(pl.len()).alias("_row"))
        .sort([furthest.fill_null(-9.0), "_row"], descending=[True, False])
    )
    g = drops.apply(
        g,
        pl.int_range(pl.len()).over("user_id") == 0,
        DROP_REPEATED_ID,
    )
    g = g.sort("_row").drop("_rank", "_row")
    ranked = g.join(ranks, left_on="stage", right_on="_label", how="left")
    present = ranks.filter(pl.col("_rank") >= 0).unique("_stage").sort("_rank")
    # the data's own spelling of each canonical stage (the most frequent one)
    spelled = (
        ranked.filter(pl.col("_rank") >= 0)
        .group_by("_stage", "stage")
        .len()
        .sort(["len", "stage"], descending=[True, False])
        .unique("_stage", keep="first")
        .join(present.select("_stage", "_rank"), on="_stage")
        .sort("_rank")
    )
    step_rank = spelled.select(pl.col("stage").alias("step"), pl.col("_rank").alias("_step_rank"))
    first_rank = int(step_rank["_step_rank"].min()) if step_rank.height else 0  # type: ignore[arg-type]
    reached = ranked.select(
        "user_id",
        pl.when(pl.col("_rank") == -1)
        .then(pl.lit(first_rank))
        .otherwise(pl.col("_rank"))
        .alias("_reach"),
    ).filter(pl.col("_reach") >= 0)
    events = (
        reached.join(step_rank, how="cross")
        .filter(pl.col("_step_rank") <= pl.col("_reach"))
        .sort("user_id", "_step_rank")
        .select("user_id", "step")
    )
    n_other = int(ranked.filter(pl.col("_rank").is_null() | (pl.col("_rank") == -2)).height)
    notes = [
        Fact(
            "pipeline.note.contacts_outside" if n_other else "pipeline.note.contacts",
            file=t.name,
            pipeline=Fact(f"pipeline.kind.{kind}"),
            column=stage_col,
            contacts=g.height,
            steps=step_rank["step"].to_list(),
            outside=n_other,
        )
    ]
    # the contact's stage keeps the export's own header (a segment the user recognises:
    # "Étape du cycle de vie"), unless that name could not be found again as a stage column
    header = stage_col if any(h in _key(stage_col) for h in _NAME_HINTS) else "stage"
    if header != "stage" and header not in g.columns:
        g = g.rename({"stage": header})
    return events, g, drops, notes


# ---------------------------------------------------------------- analysis


@dataclass(frozen=True)
class PipelineSummary:
    """Contacts by stage, the stage funnel and the pipeline KPIs of a (filtered) Dataset.

    ``by_stage``: one row per stage in pipeline order (lost and outside last) with ``stage``
    (as written), ``canonical``, ``contacts`` (currently at that stage), ``share`` (of all
    contacts), ``reached`` (at that stage or beyond: the funnel), ``conversion`` (reached ÷
    reached at the first stage) and ``step_conversion`` (÷ the stage before); lost and outside
    rows have null funnel columns. Amount figures are None without an amount column.
    """

    kind: PipelineKind
    column: str
    by_stage: pl.DataFrame
    contacts: int
    leads: int | None
    customers: int
    lost: int
    outside: int
    lead_conversion: float | None
    won_deal_value: float | None
    won_with_amount: int
    avg_deal_value: float | None
    open_pipeline_value: float | None
    win_rate: float | None
    has_amount: bool


def pipeline_of(users: pl.DataFrame) -> Pipeline | None:
    """The pipeline of a users table: its ``stage`` column (contacts) or any stage column."""
    if "stage" in users.columns and users.schema["stage"] == pl.String:
        found = stage_column(users.select("stage"))
        if found is not None:
            return found
    return stage_column(users.drop("user_id", strict=False))


def pipeline_summary(dataset: Dataset) -> PipelineSummary | None:
    """The pipeline figures of a Dataset whose users carry a stage (None otherwise)."""
    users = dataset.users
    found = pipeline_of(users)
    if found is None:
        return None
    kind, column = found.kind, found.column
    ranks = _rank_frame(users, column, kind)
    u = users.select(
        pl.col(column).cast(pl.String).alias("_label"),
        *(
            [pl.col("deal_amount").cast(pl.Float64).alias("_amount")]
            if "deal_amount" in users.columns
            else []
        ),
    ).join(ranks, on="_label", how="left")
    has_amount = "_amount" in u.columns
    contacts = u.height
    counts = (
        u.filter(pl.col("_rank") >= 0)
        .group_by("_stage", "_label")
        .len()
        .sort(["len", "_label"], descending=[True, False])
    )
    order = [s for s, _ in (LIFECYCLE if kind == "lifecycle" else DEAL)]
    rows = []
    spelled: dict[str, str] = {}
    per_stage: dict[str, int] = {}
    for stage, label, n in counts.iter_rows():
        spelled.setdefault(stage, label)
        per_stage[stage] = per_stage.get(stage, 0) + int(n)
    present = [s for s in order if s in per_stage]
    lost = int((u["_rank"] == -1).sum())
    outside = int(u["_rank"].is_null().sum() + (u["_rank"] == -2).sum())
    # reached = at this stage or beyond (lost deals passed the first stage); the rates are the
    # funnel's own (kpi.funnel.add_rates), on reached
    stages = pl.DataFrame(
        {
            "stage": [spelled[s] for s in present],
            "canonical": present,
            "contacts": [per_stage[s] for s in present],
        },
        schema={"stage": pl.String, "canonical": pl.String, "contacts": pl.Int64},
    ).with_columns(
        pl.int_range(pl.len()).alias("_j"),
        (pl.col("contacts").cum_sum(reverse=True) + pl.when(pl.int_range(pl.len()) == 0)
         .then(lost).otherwise(0)).cast(pl.Int64).alias("users"),
    )  # fmt: skip
    stages = (
        add_rates(stages, ())
        .rename({"users": "reached"})
        .select(
            "stage",
            "canonical",
            "contacts",
            (pl.col("contacts") / contacts if contacts else pl.lit(None, pl.Float64)).alias(
                "share"
            ),
            "reached",
            "conversion",
            "step_conversion",
        )
    )
    rows = []
    for label, n, canon in (("Lost", lost, "lost"), ("Other / unknown", outside, "other")):
        if n:
            if canon == "lost":
                label = next(
                    iter(u.filter(pl.col("_rank") == -1)["_label"].mode().sort().to_list()), label
                )
            rows.append(
                {
                    "stage": label,
                    "canonical": canon,
                    "contacts": n,
                    "share": n / contacts if contacts else None,
                    "reached": None,
                    "conversion": None,
                    "step_conversion": None,
                }
            )
    by_stage = pl.concat(
        [stages, pl.DataFrame(rows, schema=stages.schema, orient="row")], how="vertical"
    )
    cust_rank = order.index(_CUSTOMER[kind])
    won = u.filter(pl.col("_rank") >= cust_rank)
    customers = won.height
    lead_name = _LEAD[kind]
    leads = int((u["_rank"] >= order.index(lead_name)).sum()) if lead_name else None
    lead_conversion = customers / leads if leads else None
    won_value = avg = open_value = None
    won_with_amount = 0
    if has_amount:
        amounts = won["_amount"].drop_nulls()
        won_with_amount = amounts.len()
        won_value = float(amounts.sum())
        avg = won_value / won_with_amount if won_with_amount else None
        open_value = float(
            u.filter((pl.col("_rank") >= 0) & (pl.col("_rank") < cust_rank))["_amount"]
            .drop_nulls()
            .sum()
        )
    win_rate = customers / (customers + lost) if kind == "deal" and customers + lost else None
    return PipelineSummary(
        kind=kind,
        column=column,
        by_stage=by_stage,
        contacts=contacts,
        leads=leads,
        customers=customers,
        lost=lost,
        outside=outside,
        lead_conversion=lead_conversion,
        won_deal_value=won_value,
        won_with_amount=won_with_amount,
        avg_deal_value=avg,
        open_pipeline_value=open_value,
        win_rate=win_rate,
        has_amount=has_amount,
    )


#: the rows of ``PipelineSummary.by_stage`` that are not a stage of the data: their words
OUTSIDE_STAGE = "pipeline.stage.other"


def stage_names(by_stage: pl.DataFrame, lang: Lang = "en") -> list[str]:
    """The ``stage`` column of :attr:`PipelineSummary.by_stage` as shown in ``lang``: stages as
    the data writes them, the row of contacts outside the pipeline in words (``Other /
    unknown``, French ``Autre / inconnue``)."""
    other = render(OUTSIDE_STAGE, lang)
    return [
        other if canon == "other" else stage
        for stage, canon in zip(
            by_stage["stage"].to_list(), by_stage["canonical"].to_list(), strict=True
        )
    ]


def is_contacts(dataset: Dataset) -> bool:
    """True when the data is a CRM contacts table (a source read as ``contacts``) and no
    event log or orders file came with it."""
    kinds = {s.kind for s in dataset.sources}
    return "contacts" in kinds and not kinds & {"events", "orders", "wide"}
