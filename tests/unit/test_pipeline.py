"""CRM pipelines: a French CRM contacts export, a HubSpot one and Salesforce-style deals are
contacts (a stage funnel, lead conversion, deal values), never orders. Every figure is
recomputed from the raw file with the csv module."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from pathlib import Path

import openpyxl
import polars as pl
import pytest

from kpi import funnel, pipeline
from kpi.dataset import Dataset
from kpi.filters import Filters
from kpi.load import read_table
from kpi.report import build_workbook
from kpi.schema import TableInput, build_dataset, detect_kind, detect_roles
from kpi.stages import stage_kpis, stage_kpis_by
from kpi.words import Fact, render
from tests.unit.sheet_columns import table

WHY_NOT = "Why not shown (what is missing, or why it does not apply)"  # a header

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
FRENCH = FIXTURES / "crm_contacts_fr.csv"
HUBSPOT = FIXTURES / "hubspot_contacts.csv"

FR_ORDER = ["Abonné", "Lead", "MQL", "SQL", "Opportunité", "Client"]
HS_ORDER = [
    "Subscriber",
    "Lead",
    "Marketing Qualified Lead",
    "Sales Qualified Lead",
    "Opportunity",
    "Customer",
    "Evangelist",
]


def _raw(path: Path, encoding: str, delimiter: str) -> list[dict[str, str]]:
    text = path.read_bytes().decode(encoding)
    return list(csv.DictReader(io.StringIO(text), delimiter=delimiter))


def _money(text: str) -> float | None:
    t = text.replace("\u00a0", "").replace(" ", "").replace(",", ".")
    return float(t) if t else None


def _dataset(path: Path) -> tuple[Dataset, dict[str, str]]:
    t = read_table(path, filename=path.name)
    roles = detect_roles(t.frame, filename=path.name)
    return build_dataset([TableInput.from_table(path.name, t, roles=roles)]), roles


def _by(kpis: list) -> dict:
    return {k.code: k for k in kpis}


def _expected(rows: list[dict[str, str]], stage_col: str, amount_col: str, order: list[str],
              customer_rank: int) -> dict:  # fmt: skip
    rank = {s: i for i, s in enumerate(order)}
    ranks = [rank.get(r[stage_col]) for r in rows]
    in_pipe = [k for k in ranks if k is not None]
    amounts = [(rank.get(r[stage_col]), _money(r[amount_col])) for r in rows]
    won = [a for k, a in amounts if k is not None and k >= customer_rank and a is not None]
    open_ = [a for k, a in amounts if k is not None and k < customer_rank and a is not None]
    return {
        "contacts": len(rows),
        "reached": [sum(1 for k in in_pipe if k >= i) for i in range(len(order))],
        "at": [sum(1 for k in in_pipe if k == i) for i in range(len(order))],
        "leads": sum(1 for k in in_pipe if k >= 1),
        "customers": sum(1 for k in in_pipe if k >= customer_rank),
        "won_value": sum(won),
        "won_n": len(won),
        "open_value": sum(open_),
    }


def test_french_crm_export_is_read_as_contacts() -> None:
    t = read_table(FRENCH, filename=FRENCH.name)
    assert (t.report.encoding, t.report.delimiter) == ("cp1252", ";")
    roles = detect_roles(t.frame, filename=FRENCH.name)
    assert roles["Identifiant"] == "user_id"
    assert roles["Étape du cycle de vie"] == "stage"
    assert roles["Canal d'acquisition"] == "channel"
    assert roles["N° commande"] == "order_id"
    assert roles["Date de création"] == "signup"
    assert roles["Montant (€)"] == "revenue"
    assert roles["E-mail"] == roles["Prénom"] == roles["Nom"] == "ignore"  # personal data
    assert detect_kind(roles) == "contacts"  # not orders, although it has amounts and dates


def test_french_crm_stage_funnel_lead_conversion_and_deal_values() -> None:
    rows = _raw(FRENCH, "cp1252", ";")
    exp = _expected(rows, "Étape du cycle de vie", "Montant (€)", FR_ORDER, customer_rank=5)
    ds, _ = _dataset(FRENCH)
    assert ds.steps == tuple(FR_ORDER)  # the canonical pipeline order, not by frequency
    assert ds.sources[0].kind == "contacts" and ds.sources[0].rows_kept == 42
    # the stage keeps the export's header: a segment the user recognises in the sidebar
    assert "Étape du cycle de vie" in ds.segments and "channel" in ds.segments
    # contacts by stage and the stage funnel (a contact at stage k passed 1..k-1)
    p = pipeline.pipeline_summary(ds)
    assert p is not None and p.kind == "lifecycle"
    assert p.by_stage["stage"].to_list() == FR_ORDER
    assert p.by_stage["contacts"].to_list() == exp["at"] == [9, 11, 7, 5, 4, 6]
    assert p.by_stage["reached"].to_list() == exp["reached"] == [42, 33, 22, 15, 10, 6]
    assert p.by_stage["conversion"].to_list() == pytest.approx([r / 42 for r in exp["reached"]])
    # the membership funnel of kpi.funnel on the canonical events says the same
    f = funnel.funnel(ds.events, list(ds.steps))
    assert f["users"].to_list() == exp["reached"]
    kpis = _by(stage_kpis(ds))
    lead = kpis["lead_conversion"]
    assert (lead.value, lead.numerator, lead.denominator) == (pytest.approx(6 / 33), 6, 33)
    assert (exp["customers"], exp["leads"]) == (6, 33)
    column = pipeline.pipeline_summary(ds).column  # type: ignore[union-attr]
    assert lead.notes == (Fact("stages.note.lead_stage_column", column=column),)
    assert "leads are contacts at Lead or beyond" in lead.formula("en")
    assert f"d'après la colonne d'étape «\u00a0{column}\u00a0»" in lead.formula("fr")
    assert kpis["customers"].value == 6
    assert kpis["won_deal_value"].value == pytest.approx(exp["won_value"])
    assert exp["won_value"] == pytest.approx(1250 + 3480.50 + 12400 + 890.90 + 2015.35)
    assert kpis["avg_deal_value"].value == pytest.approx(exp["won_value"] / 5)  # 5 with amount
    assert kpis["open_pipeline_value"].value == pytest.approx(exp["open_value"]) == 12_250
    assert kpis["contacts"].value == 42
    # a contacts table is not an orders table: no conversion, purchasers, AOV on contacts
    for code, reason in (
        ("conversion_rate", "crm_contacts"),
        ("purchasers", "crm_contacts"),
        ("orders", "crm_deals"),
        ("revenue", "crm_deals"),
        ("aov", "crm_deals"),
        ("engagement_rate", "crm_contacts"),
    ):
        assert kpis[code].value is None and kpis[code].reason == reason, code
        assert kpis[code].missing == Fact(f"reason.{reason}"), code
    assert render(kpis["aov"].missing, "fr").startswith(
        "ne s'applique pas\u00a0: dans une table de contacts, les montants sont des valeurs"
    )
    assert "win_rate" not in kpis  # a lifecycle has no lost deals


def test_hubspot_export_other_is_outside_and_evangelists_are_customers() -> None:
    rows = _raw(HUBSPOT, "utf-8", ",")
    exp = _expected(rows, "Lifecycle Stage", "Amount", HS_ORDER, customer_rank=5)
    ds, roles = _dataset(HUBSPOT)
    assert roles["Record ID"] == "user_id" and roles["Lifecycle Stage"] == "stage"
    assert roles["Original Source"] == "channel" and roles["Create Date"] == "signup"
    assert ds.steps == tuple(HS_ORDER)
    p = pipeline.pipeline_summary(ds)
    assert p is not None and p.outside == 2 and p.contacts == 35
    funnel_rows = p.by_stage.filter(pl.col("reached").is_not_null())
    assert funnel_rows["reached"].to_list() == exp["reached"] == [33, 27, 19, 14, 10, 7, 2]
    kpis = _by(stage_kpis(ds))
    assert kpis["lead_conversion"].value == pytest.approx(exp["customers"] / exp["leads"])
    assert (exp["customers"], exp["leads"]) == (7, 27)
    assert kpis["won_deal_value"].value == pytest.approx(exp["won_value"])
    assert exp["won_value"] == pytest.approx(1200 + 450.5 + 3000 + 780 + 2500 + 990.25)
    assert kpis["avg_deal_value"].value == pytest.approx(exp["won_value"] / exp["won_n"])
    # per channel, additive pipeline figures add up to the total
    table = stage_kpis_by(ds, "channel")
    assert table["customers"].sum() == 7 and table["contacts"].sum() == 35
    assert table["won_deal_value"].sum() == pytest.approx(exp["won_value"])


def test_salesforce_deals_closed_lost_is_not_progress() -> None:
    stages_ = (
        ["Prospecting"] * 5
        + ["Qualification"] * 4
        + ["Proposal/Price Quote"] * 3
        + ["Negotiation/Review"] * 2
        + ["Closed Won"] * 3
        + ["Closed Lost"] * 4
    )
    n = len(stages_)
    frame = pl.DataFrame(
        {
            "Opportunity ID": [f"006{i:05d}" for i in range(n)],
            "Account Name": [f"Account {i % 7}" for i in range(n)],
            "Stage": stages_,
            "Amount": [1000.0 * (i + 1) for i in range(n)],
            "Lead Source": ["Web", "Partner", "Trade Show"] * 7,
        }
    )
    roles = detect_roles(frame)
    assert roles["Stage"] == "stage" and detect_kind(roles) == "contacts"
    roles["Opportunity ID"] = "user_id"
    ds = build_dataset([TableInput("deals.csv", frame, roles=roles)])
    assert ds.steps == ("Prospecting", "Qualification", "Proposal/Price Quote",
                        "Negotiation/Review", "Closed Won")  # fmt: skip
    p = pipeline.pipeline_summary(ds)
    assert p is not None and p.kind == "deal" and p.lost == 4
    # lost deals entered the pipeline (first stage) and went no further
    assert p.by_stage["reached"].to_list()[:5] == [21, 12, 8, 5, 3]
    kpis = _by(stage_kpis(ds))
    assert kpis["win_rate"].value == pytest.approx(3 / (3 + 4))
    won = sum(1000.0 * (i + 1) for i, s in enumerate(stages_) if s == "Closed Won")
    assert kpis["won_deal_value"].value == pytest.approx(won)
    open_ = sum(
        1000.0 * (i + 1) for i, s in enumerate(stages_) if s not in ("Closed Won", "Closed Lost")
    )
    assert kpis["open_pipeline_value"].value == pytest.approx(open_)
    assert kpis["lead_conversion"].reason == "deal_pipeline"


def test_a_stage_column_with_step_events_is_not_a_pipeline_of_orders() -> None:
    # a 'status' column of order statuses is not a pipeline: values are not stages
    frame = pl.DataFrame(
        {"user_id": ["a", "b", "c"], "status": ["paid", "refunded", "paid"], "amount": [1.0] * 3}
    )
    assert pipeline.stage_column(frame) is None
    # the English lifecycle values under a French header are still understood
    fr = pl.DataFrame({"id": ["1", "2", "3"], "Étape": ["Lead", "Client", "Abonné"]})
    found = pipeline.stage_column(fr)
    assert found is not None and found.column == "Étape" and found.kind == "lifecycle"


def test_workbook_stage_sheet_has_the_pipeline_and_no_order_kpis() -> None:
    ds, _ = _dataset(FRENCH)
    wb = openpyxl.load_workbook(io.BytesIO(build_workbook(ds, Filters())))
    rows = [[c.value for c in r] for r in wb["Stage KPIs"].iter_rows()]
    by_label = table(wb["Stage KPIs"], "KPI")  # columns by name
    conv = by_label["Conversion rate"]
    assert conv["Value"] is None and conv["Available"] == "does not apply"
    assert "contacts table" in conv[WHY_NOT]
    assert by_label["Average order value"]["Value"] is None
    assert by_label["Lead conversion rate"]["Value"] == pytest.approx(6 / 33)
    assert by_label["Won deal value"]["Value"] == pytest.approx(
        1250 + 3480.50 + 12400 + 890.90 + 2015.35
    )
    stages_rows = {r[0]: r for r in rows if r[0] in FR_ORDER}
    assert [stages_rows[s][3] for s in FR_ORDER] == [42, 33, 22, 15, 10, 6]
    assert [stages_rows[s][1] for s in FR_ORDER] == [9, 11, 7, 5, 4, 6]


def test_cli_report_on_the_crm_fixtures(tmp_path: Path) -> None:
    for path in (FRENCH, HUBSPOT):
        out = tmp_path / f"{path.stem}.xlsx"
        r = subprocess.run(
            [sys.executable, "-m", "kpi", "report", str(path), "-o", str(out)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert r.returncode == 0, r.stderr
        assert "(contacts)" in r.stderr
        assert "Stage KPIs" in openpyxl.load_workbook(out).sheetnames


def test_a_stage_history_keeps_each_contacts_furthest_stage() -> None:
    frame = pl.DataFrame(
        {
            "Contact ID": ["a", "a", "a", "b", "b", "c"],
            "Lifecycle Stage": ["Lead", "Customer", "Opportunity", "Subscriber", "Lead", "Lead"],
        }
    )
    roles = detect_roles(frame)
    assert roles == {"Contact ID": "user_id", "Lifecycle Stage": "stage"}
    ds = build_dataset([TableInput("history.csv", frame, roles=roles)])
    assert ds.sources[0].rows_kept == 3
    assert ds.sources[0].dropped == {pipeline.DROP_REPEATED_ID: 3}
    assert render(pipeline.DROP_REPEATED_ID, "fr") == (
        "identifiant de contact en double (la ligne de l'étape la plus avancée est gardée)"
    )
    note = next(n for n in ds.notes if isinstance(n, Fact) and n.code.startswith("pipeline."))
    assert (note["contacts"], note["steps"], note["column"]) == (
        3,
        ["Lead", "Customer"],
        "Lifecycle Stage",
    )
    assert render(note, "fr").startswith(
        "history.csv\u00a0: contacts CRM (pipeline cycle de vie, étape = Lifecycle Stage)\u00a0: "
        "3 contacts, une étape par étape franchie (Lead et Customer)"
    )
    stage_of = dict(zip(ds.users["user_id"], ds.users["Lifecycle Stage"], strict=True))
    assert stage_of == {"a": "Customer", "b": "Lead", "c": "Lead"}
    kpis = _by(stage_kpis(ds))
    assert (kpis["lead_conversion"].numerator, kpis["lead_conversion"].denominator) == (1, 3)


def test_stage_names_say_outside_the_pipeline_in_each_language() -> None:
    ds, _ = _dataset(HUBSPOT)
    p = pipeline.pipeline_summary(ds)
    assert p is not None and p.outside > 0
    en, fr = pipeline.stage_names(p.by_stage, "en"), pipeline.stage_names(p.by_stage, "fr")
    assert en[-1] == "Other / unknown" and fr[-1] == "Autre / inconnue"
    assert en[:-1] == fr[:-1] == p.by_stage["stage"].to_list()[:-1]  # the data's own words
