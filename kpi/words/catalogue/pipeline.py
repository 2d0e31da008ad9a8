"""CRM pipelines (contacts by lifecycle or deal stage): notes on the data, dropped rows, and
the pipeline section of the Stage KPIs page."""

from __future__ import annotations

_NB = "\u00a0"

MESSAGES: dict[str, tuple[str, str]] = {
    "pipeline.kind.lifecycle": ("lifecycle", "cycle de vie"),
    "pipeline.kind.deal": ("deal", "affaires"),
    "pipeline.kind_stages.lifecycle": ("lifecycle stages", "étapes du cycle de vie"),
    "pipeline.kind_stages.deal": ("deal stages", "étapes des affaires"),
    "pipeline.note.contacts": (
        "{file}: CRM contacts ({pipeline} pipeline, stage = {column}): {contacts:int} contacts, "
        "one step per stage passed ({steps:list}); a contact at a stage has passed the stages "
        "before it. Contacts are not orders: amounts are deal values.",
        f"{{file}}{_NB}: contacts CRM (pipeline {{pipeline}}, étape = {{column}}){_NB}: "
        "{contacts:int} contacts, une étape par étape franchie ({steps:list})"
        f"{_NB}; un contact à une étape est passé par les étapes précédentes. Les contacts ne "
        f"sont pas des commandes{_NB}: les montants sont des valeurs d'affaires.",
    ),
    "pipeline.note.contacts_outside": (
        "{file}: CRM contacts ({pipeline} pipeline, stage = {column}): {contacts:int} contacts, "
        "one step per stage passed ({steps:list}); a contact at a stage has passed the stages "
        "before it; {outside:int} outside the pipeline (Other or unknown stage). Contacts are "
        "not orders: amounts are deal values.",
        f"{{file}}{_NB}: contacts CRM (pipeline {{pipeline}}, étape = {{column}}){_NB}: "
        "{contacts:int} contacts, une étape par étape franchie ({steps:list})"
        f"{_NB}; un contact à une étape est passé par les étapes précédentes{_NB}; "
        "{outside:int} hors pipeline (étape Autre ou inconnue). Les contacts ne sont pas des "
        f"commandes{_NB}: les montants sont des valeurs d'affaires.",
    ),
    "pipeline.drop.missing_contact_id": (
        "missing contact id",
        "identifiant de contact manquant",
    ),
    "pipeline.drop.repeated_contact_id": (
        "repeated contact id (the row with the furthest stage kept)",
        "identifiant de contact en double (la ligne de l'étape la plus avancée est gardée)",
    ),
    # ---- the pipeline section of the Stage KPIs page
    "pipeline.page.title": (
        "Pipeline: contacts by stage ({kind}, column *{column}*)",
        f"Pipeline{_NB}: contacts par étape ({{kind}}, colonne *{{column}}*)",
    ),
    "pipeline.page.reached": (
        "A contact at a stage has passed the stages before it, so *reached* counts the contacts "
        "at that stage or beyond (the stage funnel).",
        "Un contact à une étape est passé par les étapes précédentes\u00a0: *atteint* compte "
        "donc les contacts à cette étape ou au-delà (l'entonnoir des étapes).",
    ),
    "pipeline.page.lost": (
        "Lost deals entered the pipeline and went no further: they are not progress.",
        "Les affaires perdues sont entrées dans le pipeline sans aller plus loin\u00a0: ce "
        "n'est pas une progression.",
    ),
    "pipeline.page.outside": (
        "{n:int} {n:plural:contact is|contacts are} outside the pipeline (Other).",
        "{n:int} {n:plural:contact est|contacts sont} hors pipeline (Autre).",
    ),
    "pipeline.page.contacts_unit": ("Contacts", "Contacts"),
    "pipeline.col.stage": ("Stage", "Étape"),
    "pipeline.col.contacts": ("Contacts at this stage", "Contacts à cette étape"),
    "pipeline.col.share": ("Share of contacts", "Part des contacts"),
    "pipeline.col.reached": ("Reached (this stage or beyond)", "Atteint (cette étape ou au-delà)"),
    "pipeline.col.conversion": (
        "Conversion from the first stage",
        "Conversion depuis la première étape",
    ),
    "pipeline.col.step_conversion": ("From the stage before", "Depuis l'étape précédente"),
    "pipeline.stage.other": ("Other / unknown", "Autre / inconnue"),
    "pipeline.page.lead_conversion": (
        "Lead conversion rate = customers ÷ leads = {customers:int} ÷ {leads:int} = {rate:pct} "
        "(leads: contacts at Lead or beyond; customers: at Customer or beyond).",
        "Taux de conversion des leads = clients ÷ leads = {customers:int} ÷ {leads:int} = "
        f"{{rate:pct}} (leads{_NB}: contacts à l'étape Lead ou au-delà{_NB}; clients{_NB}: à "
        "l'étape Client ou au-delà).",
    ),
}
