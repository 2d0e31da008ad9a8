"""The data-quality report: the period the data covers."""

from __future__ import annotations

from kpi.words.catalogue._typo import french

MESSAGES: dict[str, tuple[str, str]] = french(
    {
        "ingest_quality.period.events": (
            "{start:date} → {end:date}",
            "du {start:date} au {end:date}",
        ),
        "ingest_quality.period.counts": (
            "{start:date} → {end:date}",
            "du {start:date} au {end:date}",
        ),
        "ingest_quality.period.signups": (
            "{start:date} → {end:date} (signups)",
            "du {start:date} au {end:date} (inscriptions)",
        ),
        "ingest_quality.period.none": ("no dates in the data", "aucune date dans les données"),
    }
)
