"""Words of the calendar of events (kpi/calendar, pages/_ui/calendar_editor.py,
pages/_ui/event_marks.py, the workbook's Events sheet and the command line)."""

from __future__ import annotations

from kpi.words.catalogue._typo import french

_CHANGE = {
    "rate": (
        "{before:pct} → {after:pct}, {change:pts}",
        "{before:pct} → {after:pct}, {change:pts}",
    ),
    "number": ("{before:num} → {after:num}", "{before:num} → {after:num}"),
}
_WHEN = {
    "day": ("on {period:date}", "du {period:date}"),
    "week": ("in week {week} of {year}", "de la semaine {week} de {year}"),
    "month": ("in {period:month}", "de {period:month}"),
}


def _insights() -> dict[str, tuple[str, str]]:
    out = {}
    for unit, (c_en, c_fr) in _CHANGE.items():
        for grain, (w_en, w_fr) in _WHEN.items():
            out[f"calendar.insight.drop_overlaps.{grain}.{unit}"] = (
                f"{{measure}}: the drop {w_en} ({c_en}) overlaps {{events:list}}.",
                f"{{measure}} : la baisse {w_fr} ({c_fr}) coïncide avec {{events:list}}.",
            )
            out[f"calendar.insight.rise_overlaps.{grain}.{unit}"] = (
                f"{{measure}}: the rise {w_en} ({c_en}) overlaps {{events:list}}.",
                f"{{measure}} : la hausse {w_fr} ({c_fr}) coïncide avec {{events:list}}.",
            )
    out.update(_retention_insights())
    return out


# the retention insight (kpi.calendar.coincide.retention_trend_overlaps): measure, cohort, and
# where the events fall (the cohort's period N, or the cohort's own period)
_R_MEASURE = {
    "month": ("Month {n} retention", "Rétention au mois {n}"),
    "week": ("Week {n} retention", "Rétention à la semaine {n}"),
    "day": ("Day {n} retention", "Rétention au jour {n}"),
}
_R_COHORT = {
    "month": ("the {cohort:month} cohort", "la cohorte de {cohort:month}"),
    "week": (
        "the cohort of the week of {cohort:date}",
        "la cohorte de la semaine du {cohort:date}",
    ),
    "day": ("the cohort of {cohort:date}", "la cohorte du {cohort:date}"),
}
_R_WHERE = {
    ("month", "period"): (
        "its month {n} ({first:month}) overlaps {events:list}",
        "son mois {n} ({first:month}) coïncide avec {events:list}",
    ),
    ("week", "period"): (
        "its week {n} (week {week} of {year}, {first:date} to {last:date}) overlaps {events:list}",
        "sa semaine {n} (semaine {week} de {year}, du {first:date} au {last:date}) coïncide "
        "avec {events:list}",
    ),
    ("day", "period"): (
        "its day {n} ({first:date}) overlaps {events:list}",
        "son jour {n} ({first:date}) coïncide avec {events:list}",
    ),
    ("month", "start"): (
        "its users arrived in {first:month}, which overlaps {events:list}",
        "ses utilisateurs sont arrivés en {first:month}, qui coïncide avec {events:list}",
    ),
    ("week", "start"): (
        "its users arrived in week {week} of {year} ({first:date} to {last:date}), which "
        "overlaps {events:list}",
        "ses utilisateurs sont arrivés la semaine {week} de {year} (du {first:date} au "
        "{last:date}), qui coïncide avec {events:list}",
    ),
    ("day", "start"): (
        "its users arrived on {first:date}, which overlaps {events:list}",
        "ses utilisateurs sont arrivés le {first:date}, qui coïncide avec {events:list}",
    ),
}


def _retention_insights() -> dict[str, tuple[str, str]]:
    out = {}
    change = _CHANGE["rate"]
    for (grain, where), (w_en, w_fr) in _R_WHERE.items():
        m_en, m_fr = _R_MEASURE[grain]
        c_en, c_fr = _R_COHORT[grain]
        for direction, (d_en, d_fr) in {"drop": ("drop", "baisse"), "rise": ("rise", "hausse")}.items():  # fmt: skip
            out[f"calendar.insight.retention_{direction}.{grain}.{where}"] = (
                f"{m_en}: the {d_en} from the cohort before to {c_en} ({change[0]}) — {w_en}.",
                f"{m_fr} : la {d_fr} de la cohorte précédente à {c_fr} ({change[1]}) — {w_fr}.",
            )
    return out


MESSAGES: dict[str, tuple[str, str]] = french(
    {
        "calendar.quoted": ("‘{label}’", "« {label} »"),
        "calendar.retail.winter_sales": ("Winter sales {year}", "Soldes d'hiver {year}"),
        "calendar.retail.summer_sales": ("Summer sales {year}", "Soldes d'été {year}"),
        "calendar.retail.black_friday": ("Black Friday {year}", "Black Friday {year}"),
        "calendar.kind.promotion": ("Promotion", "Promotion"),
        "calendar.kind.holiday": ("Public holiday", "Jour férié"),
        "calendar.kind.release": ("Release", "Lancement"),
        "calendar.kind.incident": ("Incident", "Incident"),
        "calendar.kind.other": ("Other", "Autre"),
        "calendar.source.typed": ("Typed in", "Saisi"),
        "calendar.source.file": ("File", "Fichier"),
        "calendar.source.holidays": ("Public holidays", "Jours fériés"),
        "calendar.source.retail": ("Retail periods", "Temps forts commerciaux"),
        "calendar.error.unknown_country": (
            "No public holidays are known for the country {country}.",
            "Aucun jour férié n'est connu pour le pays {country}.",
        ),
        "calendar.hint.country_codes": (
            "Give the country's two-letter ISO code, e.g. {examples:orlist}.",
            "Indiquez le code ISO à deux lettres du pays, par exemple {examples:orlist}.",
        ),
        "calendar.error.columns": (
            "This calendar file has no date or no label column (its columns: {columns:list}).",
            "Ce fichier de calendrier n'a pas de colonne de date ou de libellé (ses colonnes : "
            "{columns:list}).",
        ),
        "calendar.hint.columns": (
            "Name the columns date (or start and end), label and, optionally, kind "
            "(promotion, holiday, release, incident); French headers (début, fin, libellé, "
            "type) work too.",
            "Nommez les colonnes date (ou début et fin), libellé et, si besoin, type "
            "(promotion, jour férié, lancement, incident) ; les en-têtes anglais (start, end, "
            "label, kind) conviennent aussi.",
        ),
        "calendar.error.too_many": (
            "This file has {rows:int} rows: more than the {limit:int} events a calendar can hold.",
            "Ce fichier compte {rows:int} lignes : plus que les {limit:int} événements qu'un "
            "calendrier peut contenir.",
        ),
        "calendar.hint.too_many": (
            "Upload a calendar of events (one row per promotion, holiday, release or "
            "incident), not a data file.",
            "Chargez un calendrier d'événements (une ligne par promotion, jour férié, lancement "
            "ou incident), pas un fichier de données.",
        ),
        "calendar.read.summary": (
            "{kept:int} {kept:plural:event|events} read from {read:int} {read:plural:row|rows}.",
            "{kept:int} {kept:plural:événement lu|événements lus} sur {read:int} "
            "{read:plural:ligne|lignes}.",
        ),
        "calendar.read.dropped.no_date": (
            "{rows:int} {rows:plural:row|rows} left out: no date that can be read "
            "(write 2025-11-28 or 28/11/2025).",
            "{rows:int} {rows:plural:ligne écartée|lignes écartées} : pas de date lisible "
            "(écrivez 2025-11-28 ou 28/11/2025).",
        ),
        "calendar.read.dropped.no_label": (
            "{rows:int} {rows:plural:row|rows} left out: no label.",
            "{rows:int} {rows:plural:ligne écartée|lignes écartées} : pas de libellé.",
        ),
        "calendar.read.dropped.end_before_start": (
            "{rows:int} {rows:plural:row|rows} left out: the end is before the start.",
            "{rows:int} {rows:plural:ligne écartée|lignes écartées} : la fin précède le début.",
        ),
        "calendar.read.dropped.duplicate": (
            "{rows:int} {rows:plural:row|rows} left out: the same event as a row above.",
            "{rows:int} {rows:plural:ligne écartée|lignes écartées} : le même événement "
            "qu'une ligne précédente.",
        ),
        "calendar.read.kind_other": (
            "{rows:int} {rows:plural:row has|rows have} no known kind (promotion, holiday, "
            "release, incident): kept as “other”.",
            "{rows:int} {rows:plural:ligne n'a|lignes n'ont} pas de type connu (promotion, jour "
            "férié, lancement, incident) : {rows:plural:gardée|gardées} comme « autre ».",
        ),
        "calendar.insight.period_overlaps.current": (
            "This period ({first:date} to {last:date}) overlaps {n:plural:an event|events} of "
            "the calendar: {events:list}.",
            "Cette période (du {first:date} au {last:date}) recoupe {n:plural:un événement|des "
            "événements} du calendrier : {events:list}.",
        ),
        "calendar.insight.period_overlaps.previous": (
            "The previous period ({first:date} to {last:date}) overlaps {n:plural:an event|"
            "events} of the calendar: {events:list}.",
            "La période précédente (du {first:date} au {last:date}) recoupe {n:plural:un "
            "événement|des événements} du calendrier : {events:list}.",
        ),
        "calendar.measure.conversion": (
            "Conversion from {first} to {last}",
            "Conversion de {first} à {last}",
        ),
        "calendar.chart.event": ("Event", "Événement"),
        "calendar.chart.kind": ("Kind", "Type"),
        "calendar.chart.when": ("When", "Quand"),
        "calendar.chart.events": ("Events", "Événements"),
        "calendar.chart.cell_days": ("Calendar period", "Période du calendrier"),
        "calendar.chart.cells_outlined": (
            "Outlined: a cell whose calendar days overlap an event (point at it to read which).",
            "Encadrée : une case dont les jours recoupent un événement (pointez-la pour le lire).",
        ),
        "calendar.chart.points_marked": (
            "◇ a point whose calendar days overlap an event (point at it to read which).",
            "◇ un point dont les jours recoupent un événement (pointez-le pour le lire).",
        ),
        "calendar.chart.colours": (
            "Outline colours: {colours:list}.",
            "Couleurs : {colours:list}.",
        ),
        "calendar.colour.promotion": ("orange for promotions", "orange pour les promotions"),
        "calendar.colour.holiday": ("green for public holidays", "vert pour les jours fériés"),
        "calendar.colour.release": ("blue for releases", "bleu pour les lancements"),
        "calendar.colour.incident": ("red for incidents", "rouge pour les incidents"),
        "calendar.colour.other": ("grey for other events", "gris pour les autres événements"),
        "calendar.chart.from_to": ("{first:date} to {last:date}", "du {first:date} au {last:date}"),
        "calendar.page.title": ("Events on the charts", "Événements sur les graphiques"),
        "calendar.page.holidays": ("Public holidays", "Jours fériés"),
        "calendar.page.country": ("Country", "Pays"),
        "calendar.page.retail": (
            "French retail periods (sales, Black Friday)",
            "Temps forts commerciaux (soldes, Black Friday)",
        ),
        "calendar.page.retail_help": (
            "The national dates of the winter and summer sales (Code de commerce, with the "
            "orders that moved them in 2020 and 2021) and Black Friday (the day after the US "
            "Thanksgiving).",
            "Les dates nationales des soldes d'hiver et d'été (Code de commerce, avec les "
            "arrêtés qui les ont décalées en 2020 et 2021) et le Black Friday (le lendemain de "
            "Thanksgiving aux États-Unis).",
        ),
        "calendar.page.typed_title": ("**Your events**", "**Vos événements**"),
        "calendar.page.days": ("Day or first and last day", "Jour, ou premier et dernier jour"),
        "calendar.page.days_help": (
            "Pick one day for a one-day event, two for a range (both included).",
            "Choisissez un jour pour un événement d'un jour, deux pour une période (incluses).",
        ),
        "calendar.page.label": ("Label", "Libellé"),
        "calendar.page.kind": ("Kind", "Type"),
        "calendar.page.add": ("Add the event", "Ajouter l'événement"),
        "calendar.page.add_missing": (
            "Give a day and a label to add an event.",
            "Indiquez un jour et un libellé pour ajouter un événement.",
        ),
        "calendar.page.upload": (
            "Or upload a calendar (CSV, xlsx)",
            "Ou chargez un calendrier (CSV, xlsx)",
        ),
        "calendar.page.upload_help": (
            "Columns date (or start and end), label, kind; French headers and dd/mm/yyyy dates "
            "are read too.",
            "Colonnes date (ou début et fin), libellé, type ; les en-têtes anglais et les dates "
            "jj/mm/aaaa sont lus aussi.",
        ),
        "calendar.page.col.start": ("Start", "Début"),
        "calendar.page.col.end": ("End", "Fin"),
        "calendar.page.col.label": ("Label", "Libellé"),
        "calendar.page.col.kind": ("Kind", "Type"),
        "calendar.page.left_out": (
            "{rows:int} {rows:plural:row is|rows are} left out: a start and a label are needed, "
            "and the end cannot be before the start.",
            "{rows:int} {rows:plural:ligne est écartée|lignes sont écartées} : il faut un début "
            "et un libellé, et la fin ne peut précéder le début.",
        ),
        "calendar.page.download": ("Download the events (CSV)", "Télécharger les événements (CSV)"),
        "calendar.page.file_name": ("parcours-events.csv", "parcours-evenements.csv"),
        "calendar.page.url_note": (
            "A shared link keeps the public holidays and retail periods; your own events stay "
            "in this session: send the CSV with the link.",
            "Un lien partagé garde les jours fériés et les temps forts commerciaux ; vos "
            "événements restent dans cette session : joignez le CSV au lien.",
        ),
        "calendar.sheet.title": ("Events", "Événements"),
        "calendar.sheet.period": ("Period of the view", "Période de la vue"),
        "calendar.sheet.typed": ("Events typed or uploaded", "Événements saisis ou chargés"),
        "calendar.sheet.holidays": ("Public holidays of", "Jours fériés de"),
        "calendar.sheet.none": ("none", "aucun"),
        "calendar.sheet.retail": ("French retail periods", "Temps forts commerciaux"),
        "calendar.sheet.events": (
            "Events in the period ({n:int})",
            "Événements de la période ({n:int})",
        ),
        "calendar.sheet.source": ("Source", "Source"),
        "calendar.sheet.no_events": (
            "No event of the calendar falls in this period.",
            "Aucun événement du calendrier ne tombe dans cette période.",
        ),
        "calendar.sheet.insights": (
            "What coincides with the events",
            "Ce qui coïncide avec les événements",
        ),
        "calendar.sheet.no_insight": (
            "The largest weekly change of conversion overlaps no event.",
            "La plus forte variation hebdomadaire de la conversion ne coïncide avec aucun "
            "événement.",
        ),
        "calendar.cli.group": ("events on the charts", "événements sur les graphiques"),
        "calendar.cli.events": (
            "a calendar of events (CSV or xlsx: date or start/end, label, kind) for the "
            "workbook's Events sheet",
            "un calendrier d'événements (CSV ou xlsx : date ou début/fin, libellé, type) pour "
            "l'onglet Événements du classeur",
        ),
        "calendar.cli.holidays": (
            "add the public holidays of this country (ISO code, e.g. FR)",
            "ajouter les jours fériés de ce pays (code ISO, par exemple FR)",
        ),
        "calendar.cli.retail": (
            "add the French retail periods (winter and summer sales, Black Friday)",
            "ajouter les temps forts commerciaux (soldes d'hiver et d'été, Black Friday)",
        ),
        "calendar.cli.no_file": (
            "No calendar file at {path}.",
            "Aucun fichier de calendrier à {path}.",
        ),
        **_insights(),
    }
)
