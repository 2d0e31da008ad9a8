"""How a column was read (numbers in any locale, dates, epochs, yes/no, text) and why a column
that looked numeric was kept as text."""

from __future__ import annotations

from kpi.words.catalogue._typo import french

MESSAGES: dict[str, tuple[str, str]] = french(
    {
        "ingest_values.text": ("text", "texte"),
        "ingest_values.empty": ("empty column (no values)", "colonne vide (aucune valeur)"),
        "ingest_values.integer": ("whole number", "nombre entier"),
        "ingest_values.number": ("number", "nombre"),
        "ingest_values.number_fr": (
            "number, French format 1 234,56",
            "nombre, format français 1 234,56",
        ),
        "ingest_values.number_de": (
            "number, German format 1.234,56",
            "nombre, format allemand 1.234,56",
        ),
        "ingest_values.number_comma": (
            "number, decimal comma 3,5",
            "nombre, virgule décimale 3,5",
        ),
        "ingest_values.number_thousands": (
            "number, thousands with commas 1,234.50",
            "nombre, milliers séparés par des virgules 1,234.50",
        ),
        "ingest_values.percentage": (
            "percentage {example} -> {value:num3}",
            "pourcentage {example} -> {value:num3}",
        ),
        "ingest_values.with_details": ("{kind} ({details:list})", "{kind} ({details:list})"),
        "ingest_values.detail.currency": (
            "currency symbol removed, e.g. {example}",
            "symbole monétaire retiré, par exemple {example}",
        ),
        "ingest_values.detail.negative": (
            "(12.50) read as negative",
            "(12,50) lu comme négatif",
        ),
        "ingest_values.yes_no": ("yes/no", "oui/non"),
        "ingest_values.yes_no_words": ("yes/no ({words})", "oui/non ({words})"),
        "ingest_values.date": ("date ({pattern})", "date ({pattern})"),
        "ingest_values.date_plain": ("date", "date"),
        "ingest_values.date_day_first": (
            "date, day first ({pattern})",
            "date, jour en premier ({pattern})",
        ),
        "ingest_values.date_month_first": (
            "date, month first ({pattern})",
            "date, mois en premier ({pattern})",
        ),
        "ingest_values.date_excel": ("date (Excel date)", "date (date Excel)"),
        "ingest_values.datetime": ("date and time ({pattern})", "date et heure ({pattern})"),
        "ingest_values.datetime_plain": ("date and time", "date et heure"),
        "ingest_values.datetime_utc": (
            "date and time ({pattern}), converted to UTC",
            "date et heure ({pattern}), converties en UTC",
        ),
        "ingest_values.yyyymmdd": (
            "date from yyyymmdd number (e.g. GA4 Date)",
            "date écrite aaaammjj (par exemple la colonne Date de GA4)",
        ),
        "ingest_values.epoch": (
            "date and time from epoch {unit} (UTC)",
            "date et heure en {unit} depuis 1970 (UTC)",
        ),
        "ingest_values.unit.s": ("seconds", "secondes"),
        "ingest_values.unit.ms": ("milliseconds", "millisecondes"),
        "ingest_values.unit.us": ("microseconds", "microsecondes"),
        "ingest_values.unit.ns": ("nanoseconds", "nanosecondes"),
        "ingest_values.other_type": ("{dtype}", "{dtype}"),
        "ingest_values.note.dates_chosen_dmy": (
            "{column}: dates read day first, as you chose.",
            "{column} : dates lues jour en premier, selon votre choix.",
        ),
        "ingest_values.note.dates_chosen_mdy": (
            "{column}: dates read month first, as you chose.",
            "{column} : dates lues mois en premier, selon votre choix.",
        ),
        "ingest_values.note.dates_ambiguous_dmy": (
            "{column}: every date could be day-first or month-first; read as day first "
            "(dd/mm) because the file looks European. Change the date order if this is wrong.",
            "{column} : chaque date peut se lire jour ou mois en premier ; elles sont lues jour "
            "en premier (jj/mm) car le fichier semble européen. Changez l'ordre des dates si "
            "c'est faux.",
        ),
        "ingest_values.note.dates_ambiguous_mdy": (
            "{column}: every date could be day-first or month-first; read as month first "
            "(mm/dd) because the file uses , and . like US exports. Change the date order if "
            "this is wrong.",
            "{column} : chaque date peut se lire jour ou mois en premier ; elles sont lues mois "
            "en premier (mm/jj) car le fichier utilise , et . comme les exports américains. "
            "Changez l'ordre des dates si c'est faux.",
        ),
        "ingest_values.note.text_codes": (
            "{column}: kept as text: phone numbers and postcodes are codes, not numbers.",
            "{column} : gardée en texte : numéros de téléphone et codes postaux sont des codes, "
            "pas des nombres.",
        ),
        "ingest_values.note.text_leading_zeros": (
            "{column}: kept as text: values like '{example}' have leading zeros (a code, not a "
            "number).",
            "{column} : gardée en texte : des valeurs comme « {example} » commencent par des "
            "zéros (un code, pas un nombre).",
        ),
        "ingest_values.note.text_dotted_id": (
            "{column}: kept as text: an identifier with a dot, not a decimal number.",
            "{column} : gardée en texte : un identifiant avec un point, pas un nombre décimal.",
        ),
        "ingest_values.note.text_mostly_numbers": (
            "{column}: kept as text although {share:pct} of values are numbers (not numbers: "
            "{examples:list}).",
            "{column} : gardée en texte bien que {share:pct} des valeurs soient des nombres "
            "(autres valeurs : {examples:list}).",
        ),
        "ingest_values.note.text_long_numbers": (
            "{column}: kept as text: numbers with 16+ digits are identifiers (would lose digits).",
            "{column} : gardée en texte : des nombres de 16 chiffres ou plus sont des "
            "identifiants (ils perdraient des chiffres).",
        ),
        "ingest_values.note.text_letter_codes": (
            "{column}: kept as text: {n:int} values are codes like '{example}' (letters with "
            "digits), so the column is an identifier.",
            "{column} : gardée en texte : {n:int} valeurs sont des codes comme « {example} » "
            "(lettres et chiffres) : la colonne est un identifiant.",
        ),
    }
)


def _date_patterns() -> dict[str, tuple[str, str]]:
    """Every date pattern the reader recognises, in English (dd/mm/yyyy) and French letters
    (jj/mm/aaaa)."""
    from kpi.ingest.values import DATE_FORMATS, DATETIME_FORMATS, pattern_code

    out = {}
    for pattern in {*DATE_FORMATS.values(), *DATETIME_FORMATS.values()}:
        fr = pattern.replace("dd", "jj").replace("yyyy", "aaaa").replace("yy", "aa")
        out[pattern_code(pattern)] = (pattern, fr)
    return out


MESSAGES.update(_date_patterns())
