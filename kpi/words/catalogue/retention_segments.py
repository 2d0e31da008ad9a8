"""Retention by segment: curves per segment value, weighted averages, sizes that reconcile
(kpi.retention.by_segment, pages/_ui/retention_segments.py and the workbook's Retention sheet)."""

from __future__ import annotations

NB = "\u00a0"  # no-break space (French typography: before : ; ? ! and inside « »)

MESSAGES: dict[str, tuple[str, str]] = {
    "retention_segments.grain.month": ("month", "mois"),
    "retention_segments.grain.week": ("week", "semaine"),
    "retention_segments.grain.day": ("day", "jour"),
    "retention_segments.finding.best_worst": (
        "In {grain} {period}, {best} keeps {best_rate:pct} of its users and {worst} "
        "{worst_rate:pct} ({gap:pts}), weighted averages over the complete cohorts.",
        "Au {grain} {period}, {best} garde {best_rate:pct} de ses utilisateurs et {worst} "
        "{worst_rate:pct} ({gap:pts}), moyennes pondérées des cohortes terminées.",
    ),
    "retention_segments.finding.too_few": (
        "Too few users to compare the segments: each value needs {n:int} users in cohorts "
        "with a complete period after the start.",
        f"Trop peu d'utilisateurs pour comparer les segments{NB}: chaque valeur a besoin de "
        "{n:int} utilisateurs dans des cohortes ayant une période terminée après le début.",
    ),
    "retention_segments.page.title": (
        "Retention by {segment}",
        "Rétention par {segment}",
    ),
    "retention_segments.page.curves_title": (
        "Retention by {segment}, beside all users (weighted average over cohorts)",
        "Rétention par {segment}, à côté de tous les utilisateurs (moyenne pondérée des cohortes)",
    ),
    "retention_segments.page.table_title": (
        "Weighted average retention per {grain} and segment",
        "Rétention moyenne pondérée par {grain} et par segment",
    ),
    "retention_segments.page.col.users": ("Users", "Utilisateurs"),
    "retention_segments.page.col.share": ("Share", "Part"),
    "retention_segments.page.reconciles": (
        "The segments' cohorts hold {n:int} users, the total's {total:int}: they add up.",
        "Les cohortes des segments comptent {n:int} utilisateurs, celles du total "
        "{total:int}\u00a0: elles se recoupent.",
    ),
    "retention_segments.page.does_not_reconcile": (
        "The segments' cohorts hold {n:int} users and the total's {total:int}.",
        "Les cohortes des segments comptent {n:int} utilisateurs et celles du total {total:int}.",
    ),
    "retention_segments.page.weighted": (
        "Weighted average = users of the segment's cohorts retained in the period ÷ users of "
        "those cohorts, complete periods only (a large cohort weighs more than a small one).",
        "Moyenne pondérée = utilisateurs des cohortes du segment retenus dans la période ÷ "
        "utilisateurs de ces cohortes, périodes terminées seulement (une grande cohorte pèse "
        "plus qu'une petite).",
    ),
    "retention_segments.page.nothing": (
        "No complete period to compare the segments on yet.",
        "Aucune période terminée sur laquelle comparer les segments pour l'instant.",
    ),
    "retention_segments.sheet.section": (
        "Retention by {segment} (weighted average per period)",
        "Rétention par {segment} (moyenne pondérée par période)",
    ),
    "retention_segments.sheet.col.segment": ("Segment value", "Valeur du segment"),
    "retention_segments.sheet.all": ("All users", "Tous les utilisateurs"),
    "retention_segments.sheet.none": (
        "No segment to break retention down by in this view.",
        "Aucun segment par lequel répartir la rétention dans cette vue.",
    ),
}
