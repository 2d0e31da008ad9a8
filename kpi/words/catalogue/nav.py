"""Navigation: page titles."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    "nav.home": ("Overview", "Vue d'ensemble"),
    "nav.data": ("Data", "Données"),
    "nav.funnel": ("Funnel", "Entonnoir"),
    "nav.stages": ("Stage KPIs", "KPI par étape"),
    "nav.retention": ("Retention", "Rétention"),
    "nav.value": ("Value", "Valeur"),
    "nav.advocacy": ("Advocacy", "Recommandation"),
    "nav.ab": ("A/B test", "Test A/B"),
    "nav.export": ("Export", "Export"),
}
