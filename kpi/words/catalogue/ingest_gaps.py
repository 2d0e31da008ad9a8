"""Tracking gaps: a funnel step at zero on days when the next step is not."""

from __future__ import annotations

from kpi.words.catalogue._typo import french

MESSAGES: dict[str, tuple[str, str]] = french(
    {
        "ingest_gaps.gap": (
            "**Tracking gap: {step}** is 0 on {days:int} {days:plural:day|days} {span}, while "
            "{counted} on those days. The step was probably not tracked then; conversions from "
            "that step are {meaning}.",
            "**Trou de suivi : {step}** vaut 0 pendant {days:int} {days:plural:jour|jours} "
            "{span}, alors que {counted} ces jours-là. L'étape n'était sans doute pas suivie ; "
            "les conversions depuis cette étape sont {meaning}.",
        ),
        "ingest_gaps.span.one": (
            "from {first:date} to {last:date}",
            "du {first:date} au {last:date}",
        ),
        "ingest_gaps.span.many": (
            "between {first:date} and {last:date} ({runs:list})",
            "entre le {first:date} et le {last:date} ({runs:list})",
        ),
        "ingest_gaps.run": (
            "{days:int} {days:plural:day|days} from {first:date} to {last:date}",
            "{days:int} {days:plural:jour|jours} du {first:date} au {last:date}",
        ),
        "ingest_gaps.counted.users": (
            "{n:int} users did {next_step}",
            "{n:int} utilisateurs ont fait {next_step}",
        ),
        "ingest_gaps.counted.aggregated": (
            "{next_step} counted {n:int}",
            "{next_step} a compté {n:int}",
        ),
        "ingest_gaps.unreliable.to_end": (
            "unreliable from {first:date} to the end of the data",
            "peu fiables du {first:date} à la fin des données",
        ),
        "ingest_gaps.unreliable.before": (
            "unreliable before {day:date}",
            "peu fiables avant le {day:date}",
        ),
        "ingest_gaps.unreliable.between": (
            "unreliable from {first:date} to {last:date}",
            "peu fiables du {first:date} au {last:date}",
        ),
    }
)
