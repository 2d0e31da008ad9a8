"""Reading values written as text: numbers in any locale, percentages, dates, booleans, nulls.

Every conversion is vectorised (polars ``str`` expressions with ``strict=False``): the type of a
column is decided on a sample, applied to the whole column, and the values that do not fit are
counted (``failed_count``) instead of being silently lost. A column becomes a number, a date or
a boolean when at least ``MIN_PARSED_SHARE`` of its non-null values parse; otherwise it stays
text and, when it was close, a note says so.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import polars as pl

from kpi.ingest.epoch import epoch_unit, from_epoch
from kpi.words import Fact

MIN_PARSED_SHARE = 0.95
"""A column takes a type when at least this share of its non-null values parse as that type."""

NULL_TOKENS = (
    "",
    "NA",
    "N/A",
    "n/a",
    "na",
    "null",
    "NULL",
    "Null",
    "\\N",
    "(not set)",
    "-",
    "None",
    "NaN",
    "nan",
    "#N/A",
)
NULL_TOKENS_WITH_BLANKS = (*NULL_TOKENS, " ", "  ", "\t", " NA ", " -", "- ")
TRUE_WORDS = ("true", "yes", "oui", "vrai", "ja", "si", "sí", "y", "t", "1")
FALSE_WORDS = ("false", "no", "non", "faux", "nein", "n", "f", "0")

DATE_NAME = re.compile(r"date|day|jour|datum|fecha|month|period", re.I)
TIME_NAME = re.compile(r"time|timestamp|^ts($|_)|_ts$|_at$|created|updated|epoch", re.I)
FLAG_NAME = re.compile(
    r"^(is|has|was|did|can)[_ ]|[_ ]flag$|^flag|convert|subscri|churn|retention|retained|clicked|opened|purchased|bounced",
    re.I,
)

_STRIP = r"[\s\u00a0\u202f\u2009'€$£¥%]"
_NUMBER_SHAPE = re.compile(r"^[+-]?(\d[\d.,]*|[.,]\d+)([eE][+-]?\d+)?$")
_COMMA_DECIMAL = re.compile(r"^[+-]?\d*,(\d{1,2}|\d{4,})$|\d\.\d{3},\d|\d\.\d{3}\.\d{3}")
_DOT_DECIMAL = re.compile(r"^[+-]?\d*\.(\d{1,2}|\d{4,})$|\d,\d{3}\.\d|\d,\d{3},\d{3}|[eE][+-]?\d")
_DATE_SHAPE = re.compile(r"^\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}")

DATE_FORMATS: dict[str, str] = {
    "%Y-%m-%d": "yyyy-mm-dd",
    "%d/%m/%Y": "dd/mm/yyyy",
    "%m/%d/%Y": "mm/dd/yyyy",
    "%d.%m.%Y": "dd.mm.yyyy",
    "%d-%m-%Y": "dd-mm-yyyy",
    "%m-%d-%Y": "mm-dd-yyyy",
    "%Y/%m/%d": "yyyy/mm/dd",
    "%d/%m/%y": "dd/mm/yy",
    "%m/%d/%y": "mm/dd/yy",
    "%d.%m.%y": "dd.mm.yy",
}
DATETIME_FORMATS: dict[str, str] = {
    "%Y-%m-%d %H:%M:%S": "yyyy-mm-dd hh:mm:ss",
    "%Y-%m-%dT%H:%M:%S": "yyyy-mm-ddThh:mm:ss",
    "%Y-%m-%d %H:%M:%S%.f": "yyyy-mm-dd hh:mm:ss",
    "%Y-%m-%dT%H:%M:%S%.f": "yyyy-mm-ddThh:mm:ss",
    "%Y-%m-%dT%H:%M:%S%.fZ": "yyyy-mm-ddThh:mm:ssZ (UTC)",
    "%Y-%m-%d %H:%M:%S%.f UTC": "yyyy-mm-dd hh:mm:ss UTC",
    "%Y-%m-%d %H:%M:%S%.f %#z": "yyyy-mm-dd hh:mm:ss +hhmm",
    "%Y-%m-%d %H:%M:%S%.f%#z": "yyyy-mm-dd hh:mm:ss+hh:mm",
    "%Y-%m-%dT%H:%M:%S%.f%#z": "yyyy-mm-ddThh:mm:ss+hh:mm",
    "%Y-%m-%d %H:%M": "yyyy-mm-dd hh:mm",
    "%Y-%m-%dT%H:%M": "yyyy-mm-ddThh:mm",
    "%d/%m/%Y %H:%M:%S": "dd/mm/yyyy hh:mm:ss",
    "%d/%m/%Y %H:%M": "dd/mm/yyyy hh:mm",
    "%m/%d/%Y %H:%M:%S": "mm/dd/yyyy hh:mm:ss",
    "%m/%d/%Y %H:%M": "mm/dd/yyyy hh:mm",
    "%d.%m.%Y %H:%M:%S": "dd.mm.yyyy hh:mm:ss",
    "%d.%m.%Y %H:%M": "dd.mm.yyyy hh:mm",
    "%d-%m-%Y %H:%M:%S": "dd-mm-yyyy hh:mm:ss",
    "%d-%m-%Y %H:%M": "dd-mm-yyyy hh:mm",
}


def pattern_code(pattern: str) -> str:
    """The message code of a date pattern (``dd/mm/yyyy`` -> ``ingest_values.pattern.ddsmmsyyyy``):
    French writes it ``jj/mm/aaaa``."""
    table = str.maketrans(
        {"-": "d", ".": "p", "/": "s", " ": "_", ":": "c", "+": "x", "(": "", ")": ""}
    )
    return "ingest_values.pattern." + pattern.translate(table).lower()


def pattern_fact(pattern: str) -> Fact:
    """A date pattern in the reader's letters (``dd/mm/yyyy``, ``jj/mm/aaaa``)."""
    return Fact(pattern_code(pattern))


_MONTH_FIRST_TWIN = {
    "%d/%m/%Y": "%m/%d/%Y",
    "%d/%m/%y": "%m/%d/%y",
    "%d-%m-%Y": "%m-%d-%Y",
    "%d/%m/%Y %H:%M:%S": "%m/%d/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M": "%m/%d/%Y %H:%M",
}
_DAY_FIRST_TWIN = {v: k for k, v in _MONTH_FIRST_TWIN.items()}


@dataclass(frozen=True)
class ColumnReport:
    """What was understood about one column."""

    name: str
    dtype: str
    label: Fact  # how the column was read, in words (``ingest_values.*``)
    failed_count: int = 0
    failed_examples: tuple[str, ...] = ()
    epoch_unit: str | None = None  # "s", "ms", "us" or "ns" when read from epoch numbers
    currencies: tuple[str, ...] = ()  # ISO 4217 codes of the symbols seen in the amounts


@dataclass(frozen=True)
class ReadOptions:
    """User overrides and file-level hints for value parsing (None = detect)."""

    decimal: str | None = None  # "," or "."
    date_order: str | None = None  # "dmy" or "mdy"
    european_hint: bool = False  # ";" delimiter or decimal commas seen: default day-first
    from_excel: bool = False


@dataclass
class Typed:
    """Result of typing one column."""

    series: pl.Series
    report: ColumnReport
    notes: list[Fact]
    ambiguous_date: bool = False


def null_tokens_to_null(expr: pl.Expr) -> pl.Expr:
    """Empty strings and the usual null spellings (NA, N/A, null, \\N, (not set), -) -> null."""
    return pl.when(expr.is_in(NULL_TOKENS_WITH_BLANKS)).then(None).otherwise(expr)


def _on_column(raw: pl.Series, op: Callable[[pl.Expr], pl.Expr]) -> pl.Series:
    """``op`` applied to the whole column by polars' query engine, which runs it on the column's
    chunks in parallel (an eager Series method runs on one thread)."""
    return raw.alias("v").to_frame().select(op(pl.col("v"))).to_series().alias(raw.name)


def _sample(s: pl.Series, n: int = 600) -> pl.Series:
    """Non-null values from the start and spread over the whole column (for type detection)."""
    values = s.drop_nulls()
    if values.len() <= 2 * n:
        return values.str.strip_chars()
    step = max(1, values.len() // n)
    return pl.concat([values.head(n), values.gather_every(step)]).str.strip_chars()


def _failures(raw: pl.Series, parsed: pl.Series) -> tuple[int, tuple[str, ...]]:
    bad = raw.filter(raw.is_not_null() & parsed.is_null())
    return bad.len(), tuple(bad.unique(maintain_order=True).head(3).to_list())


def _share(raw: pl.Series, parsed: pl.Series) -> float:
    n = raw.len() - raw.null_count()
    return 1.0 if n == 0 else (parsed.len() - parsed.null_count()) / n


# --------------------------------------------------------------------------- booleans


def _bool_words(sample: pl.Series, name: str) -> bool:
    low = set(sample.str.to_lowercase().unique().to_list())
    if not low or not low <= set(TRUE_WORDS) | set(FALSE_WORDS):
        return False
    if low <= {"0", "1"}:  # 0/1 columns stay integers unless the name says "flag"
        return bool(FLAG_NAME.search(name))
    return len(low - {"0", "1", "y", "n", "t", "f"}) > 0 or bool(FLAG_NAME.search(name))


def _to_bool(raw: pl.Series) -> pl.Series:
    low = raw.str.strip_chars().str.to_lowercase()
    return (
        pl.select(
            pl.when(low.is_in(TRUE_WORDS))
            .then(True)
            .when(low.is_in(FALSE_WORDS))
            .then(False)
            .otherwise(None)
        )
        .to_series()
        .alias(raw.name)
    )


# --------------------------------------------------------------------------- dates


def _parse_format(raw: pl.Series, fmt: str, *, cache: bool = True) -> pl.Series:
    """``fmt`` applied to the values with surrounding spaces removed (unparsable -> null).

    Spaces are only stripped (a full copy of the column) when a value fails without it: a value
    that parses as it is parses to the same date once stripped. ``cache`` (parse each distinct
    string once) pays off on repeated dates and costs 2-3x on unique timestamps.
    """

    def parse(s: pl.Series) -> pl.Series:
        if fmt in DATE_FORMATS:
            return _on_column(s, lambda v: v.str.to_date(fmt, strict=False, cache=cache))
        return _on_column(
            s, lambda v: v.str.to_datetime(fmt, strict=False, time_unit="us", cache=cache)
        )

    out = parse(raw)
    if out.null_count() > raw.null_count():
        out = parse(raw.str.strip_chars())
    if isinstance(out.dtype, pl.Datetime) and out.dtype.time_zone is not None:
        out = out.dt.convert_time_zone("UTC").dt.replace_time_zone(None)
    return out


def _repeated(sample: pl.Series) -> bool:
    """True when the sampled values repeat (dates, not unique timestamps): worth a parse cache."""
    return sample.n_unique() <= 0.5 * sample.len()


def _date_candidates(sample: pl.Series) -> list[tuple[str, int]]:
    scored = []
    for fmt in (*DATE_FORMATS, *DATETIME_FORMATS):
        try:
            ok = sample.len() - _parse_format(sample, fmt).null_count()
        except pl.exceptions.PolarsError:
            continue
        if ok:
            scored.append((fmt, ok))
    scored.sort(key=lambda t: -t[1])
    return scored


def _type_dates(raw: pl.Series, sample: pl.Series, opts: ReadOptions) -> Typed | None:
    name = raw.name
    shaped = sample.str.contains(_DATE_SHAPE.pattern).sum()
    if shaped < MIN_PARSED_SHARE * sample.len():
        return None
    scored = _date_candidates(sample)
    if not scored or scored[0][1] < MIN_PARSED_SHARE * sample.len():
        return None
    best = scored[0][0]
    notes: list[Fact] = []
    ambiguous = False
    twin = _MONTH_FIRST_TWIN.get(best) or _DAY_FIRST_TWIN.get(best)
    cache = _repeated(sample)
    if twin:
        day_fmt = best if best in _MONTH_FIRST_TWIN else twin
        month_fmt = twin if best in _MONTH_FIRST_TWIN else best
        day = _parse_format(raw, day_fmt, cache=cache)
        month = _parse_format(raw, month_fmt, cache=cache)
        day_ok, month_ok = day.len() - day.null_count(), month.len() - month.null_count()
        if opts.date_order in ("dmy", "mdy"):
            best = day_fmt if opts.date_order == "dmy" else month_fmt
            notes.append(Fact(f"ingest_values.note.dates_chosen_{opts.date_order}", column=name))
        elif day_ok == month_ok:
            ambiguous = True
            best = day_fmt if opts.european_hint else month_fmt
            notes.append(
                Fact(
                    "ingest_values.note.dates_ambiguous_dmy"
                    if opts.european_hint
                    else "ingest_values.note.dates_ambiguous_mdy",
                    column=name,
                )
            )
        else:
            best = day_fmt if day_ok > month_ok else month_fmt
        parsed = day if best == day_fmt else month
    else:
        parsed = _parse_format(raw, best, cache=cache)
    if _share(raw, parsed) < MIN_PARSED_SHARE:
        return None
    pattern = pattern_fact({**DATE_FORMATS, **DATETIME_FORMATS}[best])
    if best in DATE_FORMATS:
        code = (
            "ingest_values.date_day_first"
            if best.startswith("%d")
            else "ingest_values.date_month_first"
            if best.startswith("%m")
            else "ingest_values.date"
        )
        label = Fact(code, pattern=pattern)
    elif "%#z" in best or "UTC" in best or best.endswith("Z"):
        label = Fact("ingest_values.datetime_utc", pattern=pattern)
    else:
        label = Fact("ingest_values.datetime", pattern=pattern)
    if opts.from_excel and parsed.dtype == pl.Datetime("us"):
        nonnull = parsed.drop_nulls()
        if nonnull.len() and (nonnull.dt.truncate("1d") == nonnull).all():
            parsed = parsed.dt.date()
            label = Fact("ingest_values.date_excel")
    failed, examples = _failures(raw, parsed)
    return Typed(
        parsed.alias(name),
        ColumnReport(name, str(parsed.dtype), label, failed, examples),
        notes,
        ambiguous,
    )


def _type_yyyymmdd(raw: pl.Series, sample: pl.Series) -> Typed | None:
    if not DATE_NAME.search(raw.name) or not sample.str.contains(r"^(19|20|21)\d{6}$").all():
        return None
    parsed = raw.str.strip_chars().str.to_date("%Y%m%d", strict=False)
    if _share(raw, parsed) < MIN_PARSED_SHARE:
        return None
    failed, examples = _failures(raw, parsed)
    report = ColumnReport(raw.name, "Date", Fact("ingest_values.yyyymmdd"), failed, examples)
    return Typed(parsed.alias(raw.name), report, [])


def _maybe_epoch(name: str, numbers: pl.Series) -> Typed | None:
    """A time-named column of 1990..2100 epoch numbers -> UTC datetimes, unit by magnitude."""
    if not (TIME_NAME.search(name) or DATE_NAME.search(name)) or not numbers.dtype.is_numeric():
        return None
    unit = epoch_unit(numbers)
    if unit is None:
        return None
    ts = from_epoch(numbers, unit)
    label = Fact("ingest_values.epoch", unit=Fact(f"ingest_values.unit.{unit}"))
    return Typed(ts.alias(name), ColumnReport(name, str(ts.dtype), label, epoch_unit=unit), [])


# --------------------------------------------------------------------------- numbers


def _decide_decimal(sample: pl.Series, opts: ReadOptions) -> str:
    if opts.decimal in (",", "."):
        return opts.decimal
    cleaned = sample.str.replace_all(_STRIP, "")
    comma = cleaned.str.contains(_COMMA_DECIMAL.pattern).sum()
    dot = cleaned.str.contains(_DOT_DECIMAL.pattern).sum()
    if comma != dot:
        return "," if comma > dot else "."
    return "," if opts.european_hint else "."


def looks_numeric(value: str) -> bool:
    """True for a cell that reads as a number in any common locale (header detection)."""
    v = re.sub(_STRIP, "", value.strip())
    v = v[1:-1] if v.startswith("(") and v.endswith(")") else v
    return bool(_NUMBER_SHAPE.match(v)) or bool(_DATE_SHAPE.match(value.strip()))


def number_expr(raw: pl.Series, decimal: str, *, percent: bool) -> pl.Series:
    """Locale text -> Float64: strip spaces/NBSP/currency/%, (12.5) -> -12.5, then the decimal mark."""
    s = raw.str.strip_chars().str.replace(r"^\((.*)\)$", "-$1").str.replace_all(_STRIP, "")
    if decimal == ",":
        s = s.str.replace_all(".", "", literal=True).str.replace(",", ".", literal=True)
    else:
        s = s.str.replace_all(",", "", literal=True)
    out = s.cast(pl.Float64, strict=False)
    return out / 100 if percent else out


def _plain_number(raw: pl.Series) -> pl.Series:
    """Digits with '.' decimals: Int64 when every value is a whole number, else Float64.

    Values are cast as they are first; spaces are stripped (a full copy) only when some value
    fails, since a value that casts without spaces around it is unchanged by stripping.
    """
    n_null = raw.null_count()
    as_int = _on_column(raw, lambda v: v.cast(pl.Int64, strict=False))
    if as_int.null_count() == n_null:
        return as_int
    as_float = _on_column(raw, lambda v: v.cast(pl.Float64, strict=False))
    if as_float.null_count() == n_null:
        return as_float
    stripped = raw.str.strip_chars()
    as_int = stripped.cast(pl.Int64, strict=False)
    return as_int if as_int.null_count() == n_null else stripped.cast(pl.Float64, strict=False)


CODE_NAME = re.compile(
    r"phone|t[ée]l[ée]phone|^t[ée]l\b|\bfax\b|\bzip\b|postal|post ?code|code postal|^cp$|"
    r"siret|siren|\biban\b",
    re.I,
)
"""Columns of codes written with digits (phone numbers, postcodes): text, never numbers."""


def _id_name(name: str) -> bool:
    """Column names of identifiers: user_pseudo_id, ga_session_id, CustomerID, Id…"""
    return bool(re.search(r"(^|[_\s.\-])[iI][dD]$|[a-z]Id$|ID$", name.strip()))


def _type_number(
    raw: pl.Series, sample: pl.Series, opts: ReadOptions
) -> tuple[Typed | None, str | None]:
    """Number typing. Returns (typed or None, a note when the column was close to numeric)."""
    name = raw.name
    cleaned = sample.str.replace(r"^\((.*)\)$", "-$1").str.replace_all(_STRIP, "")
    shaped = cleaned.str.contains(_NUMBER_SHAPE.pattern)
    share = shaped.sum() / max(1, sample.len())
    if share < 0.5:
        return None, None
    if CODE_NAME.search(name):
        return None, Fact("ingest_values.note.text_codes", column=name)
    if sample.str.contains(r"^0\d+$").any():
        example = sample.filter(sample.str.contains(r"^0[0-9]+$"))[0]
        return None, Fact("ingest_values.note.text_leading_zeros", column=name, example=example)
    if _id_name(name) and sample.str.contains(r"^\d+\.\d*[1-9]\d*$").any():
        # GA4's user_pseudo_id "1234567.1234567890": an identifier, a float would lose digits
        return None, Fact("ingest_values.note.text_dotted_id", column=name)
    plain = not sample.str.contains(r"[^\d.eE+-]").any()
    percent = sample.str.ends_with("%").sum() >= 0.5 * sample.len()
    decimal = _decide_decimal(sample, opts)
    if plain and decimal == ".":
        parsed = _plain_number(raw)
    else:
        parsed = number_expr(raw, decimal, percent=percent)
        if not percent and parsed.dtype == pl.Float64:
            ints = parsed.drop_nulls()
            has_fraction = (
                raw.str.contains(r"[.,]\d{1,2}$|[.,]\d{4,}$").any()
                if decimal == ","
                else raw.str.contains(r"\.").any()
            )
            if (
                ints.len()
                and not has_fraction
                and (ints == ints.round(0)).all()
                and ints.abs().max() < 2**53
            ):
                parsed = parsed.cast(pl.Int64)
    ok_share = _share(raw, parsed)
    if ok_share < MIN_PARSED_SHARE:
        if ok_share >= 0.8:
            failed, examples = _failures(raw, parsed)
            return None, Fact(
                "ingest_values.note.text_mostly_numbers",
                column=name,
                share=ok_share,
                examples=list(examples),
            )
        return None, None
    if (
        parsed.dtype == pl.Float64
        and (raw.str.len_bytes() >= 16).any()
        and raw.str.contains(r"^\d{16,}$").any()
    ):
        return None, Fact("ingest_values.note.text_long_numbers", column=name)
    failed, examples = _failures(raw, parsed)
    if failed:
        bad = raw.filter(raw.is_not_null() & parsed.is_null()).str.strip_chars()
        if bad.str.contains(r"^[A-Za-z]{1,3}\d+[A-Za-z]{0,3}$|^\d+[A-Za-z]{1,3}$").all():
            return None, Fact(
                "ingest_values.note.text_letter_codes", column=name, n=failed, example=examples[0]
            )
    example = sample.filter(shaped)[0] if shaped.any() else ""
    has_space = sample.str.contains(r"\d[\s\u00a0\u202f]\d").any()
    currencies = symbols_seen(sample)
    if percent:
        value = number_expr(pl.Series([example]), decimal, percent=True)[0]
        kind = Fact("ingest_values.percentage", example=example, value=float(value))
    elif decimal == "," and (has_space or sample.str.contains(r"\d\.\d{3}").any()):
        kind = Fact("ingest_values.number_fr" if has_space else "ingest_values.number_de")
    elif decimal == "," and (parsed.dtype != pl.Int64 or sample.str.contains(",").any()):
        kind = Fact("ingest_values.number_comma")
    elif sample.str.contains(r"\d,\d{3}").any():
        kind = Fact("ingest_values.number_thousands")
    else:
        kind = Fact("ingest_values.integer" if parsed.dtype == pl.Int64 else "ingest_values.number")
    details = []
    if currencies:
        details.append(Fact("ingest_values.detail.currency", example=example))
    if sample.str.contains(r"^\(.*\)$").any():
        details.append(Fact("ingest_values.detail.negative"))
    label = Fact("ingest_values.with_details", kind=kind, details=details) if details else kind
    return Typed(
        parsed.alias(name),
        ColumnReport(name, str(parsed.dtype), label, failed, examples, currencies=currencies),
        [],
    ), None


CURRENCY_SYMBOLS: dict[str, str] = {"€": "EUR", "$": "USD", "£": "GBP", "¥": "JPY"}
"""Currency symbols written in amounts -> ISO 4217 code (``$`` is read as US dollars)."""


def symbols_seen(values: pl.Series) -> tuple[str, ...]:
    """ISO codes of the currency symbols written in ``values`` (text), in code order."""
    if values.dtype != pl.String or not values.str.contains(r"[€$£¥]").any():
        return ()
    return tuple(
        sorted(
            code
            for sym, code in CURRENCY_SYMBOLS.items()
            if values.str.contains(sym, literal=True).any()
        )
    )


# --------------------------------------------------------------------------- entry point


def type_column(raw: pl.Series, opts: ReadOptions) -> Typed:
    """Decide and apply the type of one String column (nulls already mapped)."""
    name = raw.name
    if raw.dtype != pl.String:
        if raw.dtype.is_numeric() and (epoch := _maybe_epoch(name, raw)) is not None:
            return epoch
        return Typed(raw, ColumnReport(name, str(raw.dtype), _label_for(raw.dtype)), [])
    sample = _sample(raw)
    if sample.len() == 0:
        return Typed(raw, ColumnReport(name, "String", Fact("ingest_values.empty")), [])
    if _bool_words(sample, name):
        parsed = _to_bool(raw)
        if _share(raw, parsed) >= MIN_PARSED_SHARE:
            failed, examples = _failures(raw, parsed)
            words = "/".join(sorted(set(sample.str.to_lowercase().unique().to_list())))
            label = Fact("ingest_values.yes_no_words", words=words)
            return Typed(parsed, ColumnReport(name, "Boolean", label, failed, examples), [])
    for attempt in (_type_yyyymmdd(raw, sample), _type_dates(raw, sample, opts)):
        if attempt is not None:
            return attempt
    typed, close_note = _type_number(raw, sample, opts)
    if typed is not None:
        epoch = _maybe_epoch(name, typed.series)
        return epoch or typed
    notes = [close_note] if close_note else []
    return Typed(raw, ColumnReport(name, "String", TEXT), notes)


TEXT = Fact("ingest_values.text")


def _label_for(dtype: pl.DataType) -> Fact:
    if dtype.is_integer():
        return Fact("ingest_values.integer")
    if dtype.is_float():
        return Fact("ingest_values.number")
    if dtype == pl.Boolean:
        return Fact("ingest_values.yes_no")
    if dtype == pl.Date:
        return Fact("ingest_values.date_plain")
    if isinstance(dtype, pl.Datetime):
        return Fact("ingest_values.datetime_plain")
    if dtype == pl.String:
        return TEXT
    return Fact("ingest_values.other_type", dtype=str(dtype))


# --------------------------------------------------------------------------- many columns at once

BATCH_MIN_COLUMNS = 100
"""Frames at least this wide are pre-screened in one pass (see :func:`type_columns`)."""
_BATCH_MAX_ROWS = 1_200  # up to 2 x the sample size, the sample is the whole column
_INT_TEXT = r"^-?(0|[1-9]\d{0,14})$"
_FLOAT_TEXT = r"^-?(0|[1-9]\d{0,14})\.\d{1,15}$"
_BOOL_WORDS = sorted(set(TRUE_WORDS) | set(FALSE_WORDS))


def type_columns(frame: pl.DataFrame, opts: ReadOptions) -> list[Typed]:
    """:func:`type_column` on every column, in column order, with the same results.

    A wide, short table (thousands of columns, a few hundred rows) spends its time in the
    per-column calls, not in parsing. Its text columns are first screened together, in one
    long-format pass: columns that are plainly text (fewer than half of the values shaped like
    numbers, no dates, not yes/no words), plainly whole numbers or plainly decimals (no leading
    zeros, at most 15 digits, names that do not ask for dates, epochs, codes or ids) are typed
    at once; every other column goes through :func:`type_column`.
    """
    if frame.width < BATCH_MIN_COLUMNS or frame.height > _BATCH_MAX_ROWS:
        return [type_column(frame[c], opts) for c in frame.columns]
    strings = [c for c, t in frame.schema.items() if t == pl.String]
    decided: dict[str, Typed] = {}
    if strings:
        decided = _screen(frame.select(strings), opts)
    return [decided.get(c) or type_column(frame[c], opts) for c in frame.columns]


def _screen(frame: pl.DataFrame, opts: ReadOptions) -> dict[str, Typed]:
    """Columns whose type is certain from one pass over all cells (see :func:`type_columns`)."""
    v, cleaned = pl.col("v"), pl.col("cleaned")
    stats = (
        frame.unpivot(variable_name="column", value_name="value")
        .filter(pl.col("value").is_not_null())
        .select("column", v=pl.col("value").str.strip_chars())
        .with_columns(cleaned=v.str.replace(r"^\((.*)\)$", "-$1").str.replace_all(_STRIP, ""))
        .select(
            "column",
            ints=v.str.contains(_INT_TEXT),
            floats=v.str.contains(_FLOAT_TEXT),
            dot_decimal=cleaned.str.contains(_DOT_DECIMAL.pattern),
            zero_one=v.is_in(["0", "1"]),
            not_bool=~v.str.to_lowercase().is_in(_BOOL_WORDS),
            number_shaped=cleaned.str.contains(_NUMBER_SHAPE.pattern),
            date_shaped=v.str.contains(_DATE_SHAPE.pattern),
        )
        .group_by("column")
        .agg(pl.len().alias("n"), pl.all().sum())
    )
    present = set(stats["column"].to_list())
    out: dict[str, Typed] = {}
    for c in frame.columns:
        if c not in present:
            out[c] = Typed(frame[c], ColumnReport(c, "String", Fact("ingest_values.empty")), [])
    ints, floats = [], []
    for r in stats.iter_rows(named=True):
        c, n = r["column"], r["n"]
        if (
            r["not_bool"]
            and r["number_shaped"] < 0.5 * n
            and r["date_shaped"] < MIN_PARSED_SHARE * n
        ):
            out[c] = Typed(frame[c], ColumnReport(c, "String", TEXT), [])
            continue
        if (
            r["ints"] + r["floats"] < n
            or r["zero_one"] == n
            or DATE_NAME.search(c)
            or TIME_NAME.search(c)
            or CODE_NAME.search(c)
            or _id_name(c)
        ):
            continue
        if r["floats"] == 0:
            label = Fact("ingest_values.integer")  # digits only: no decimal mark to name
            ints.append((c, label))
        else:
            decimal = opts.decimal or ("." if r["dot_decimal"] or not opts.european_hint else ",")
            if decimal == ".":
                floats.append(c)
    if ints or floats:
        parsed = frame.select(
            *[pl.col(c).str.strip_chars().cast(pl.Int64) for c, _ in ints],
            *[pl.col(c).str.strip_chars().cast(pl.Float64) for c in floats],
        )
        for c, label in ints:
            out[c] = Typed(parsed[c], ColumnReport(c, "Int64", label), [])
        for c in floats:
            out[c] = Typed(parsed[c], ColumnReport(c, "Float64", Fact("ingest_values.number")), [])
    return out
