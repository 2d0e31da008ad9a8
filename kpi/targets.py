"""Targets: a goal per KPI, read from and written to a small CSV, and each KPI's status.

A target is a number in the KPI's own unit, keyed by the KPI's id (the ids of the workbook's
Definitions sheet, :func:`kpi.definitions.all_definitions`, plus ``retention_p1`` …
``retention_p12`` for the weighted retention at period N): rates as fractions (``0.025`` is
2.5 %), money and counts as plain numbers, durations in seconds, NPS in points (``30``).

Status (:func:`assess`), with ``CLOSE = 0.10`` (relative, 10 % of the target):

- a KPI where higher is better: *on target* when value ≥ target; *close* when value ≥ target −
  10 % × |target|; *off* below;
- a KPI where lower is better (:data:`LOWER_IS_BETTER`: bounce, cart abandonment, churn, CAC,
  payback, time to convert…): *on target* when value ≤ target; *close* when value ≤ target +
  10 % × |target|; *off* above.

Boundaries belong to the better status (a value exactly at the target is on target; exactly
10 % short is close). The gap is value − target (points for a rate) and, when the target is not
0, value ÷ target − 1. Nothing here returns a sentence: facts of ``targets.*``
(:mod:`kpi.words.catalogue.targets`).
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from kpi.errors import InputError
from kpi.words import Fact

__all__ = [
    "BENCHMARKS",
    "CLOSE",
    "LOWER_IS_BETTER",
    "MAX_RETENTION_PERIOD",
    "Assessment",
    "Benchmark",
    "Targets",
    "TargetsFile",
    "assess",
    "assess_all",
    "from_url",
    "gap_fact",
    "kpi_ids",
    "read_csv",
    "status_fact",
    "unit_of",
    "value_fact",
    "values_of",
]

CLOSE = 0.10  #: "close" = within 10 % of the target (relative to |target|)
_EPS = 1e-12  # a value exactly at a boundary takes the better status, whatever the rounding
MAX_RETENTION_PERIOD = 12  #: retention_p1 … retention_p12

Status = Literal["on", "close", "off"]

#: KPIs where a lower value is better (the status rules turn around)
LOWER_IS_BETTER = frozenset(
    {
        "bounce_rate",
        "bounce_rate_landing",
        "cart_abandonment",
        "churn",
        "cac",
        "payback",
        "time_to_convert_median",
        "time_to_convert_mean",
        "top_customer_share",
    }
)

# KPIs with one value per step, cohort cell or test: no single figure to hold against a target
# (the funnel's ``conversion`` is per step: the view's conversion is ``conversion_rate``)
_NOT_TARGETED = frozenset(
    {
        "conversion",
        "step_conversion",
        "drop_off",
        "time_to_convert",
        "cohort_retention",
        "weighted_retention",
        "observed_clv",
    }
)


def _units() -> dict[str, str]:
    from kpi.definitions import all_definitions

    out = {
        code: d.unit
        for code, d in all_definitions().items()
        if code not in _NOT_TARGETED and not code.startswith("ab_")
    }
    out["nps"] = "points"  # NPS targets are written as people say them: 30, not 0.30
    for n in range(1, MAX_RETENTION_PERIOD + 1):
        out[f"retention_p{n}"] = "rate"
    return out


_UNITS: dict[str, str] | None = None


def _unit_table() -> dict[str, str]:
    global _UNITS
    if _UNITS is None:
        _UNITS = _units()
    return _UNITS


def kpi_ids() -> list[str]:
    """Every KPI id a target can be set for, in journey order."""
    return list(_unit_table())


def unit_of(kpi: str) -> str:
    """The unit of a KPI's target: ``rate``, ``currency``, ``count``, ``seconds``, ``points``…"""
    return _unit_table()[kpi]


def label_fact(kpi: str) -> Fact:
    """The KPI's name (``retention_p3``: "Retention at period 3")."""
    m = re.fullmatch(r"retention_p(\d+)", kpi)
    if m:
        return Fact("targets.kpi.retention_pn", n=int(m.group(1)))
    return Fact(f"def.{kpi}.label")


# ------------------------------------------------------------------------------ the targets
@dataclass(frozen=True)
class Targets:
    """KPI id -> target, in the order they were set (frozen, hashable: part of a view's key)."""

    items: tuple[tuple[str, float], ...] = ()

    @classmethod
    def of(cls, mapping: Mapping[str, float] | Iterable[tuple[str, float]]) -> Targets:
        pairs = mapping.items() if isinstance(mapping, Mapping) else mapping
        out: dict[str, float] = {}
        for kpi, value in pairs:
            out[kpi] = float(value)
        return cls(tuple(out.items()))

    def __len__(self) -> int:
        return len(self.items)

    def __iter__(self) -> Iterator[tuple[str, float]]:
        return iter(self.items)

    def __contains__(self, kpi: object) -> bool:
        return any(k == kpi for k, _ in self.items)

    def get(self, kpi: str) -> float | None:
        for k, v in self.items:
            if k == kpi:
                return v
        return None

    def as_dict(self) -> dict[str, float]:
        return dict(self.items)

    def to_url(self) -> list[str]:
        """``["conversion_rate:0.025", …]``: the ``?target=`` values of a shared link."""
        return [f"{k}:{_plain(v)}" for k, v in self.items]

    def to_csv(self) -> bytes:
        """The targets file (UTF-8, ``kpi,target``), read back the same by :func:`read_csv`."""
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(["kpi", "target"])
        for k, v in self.items:
            w.writerow([k, _plain(v)])
        return buf.getvalue().encode("utf-8")


def _plain(v: float) -> str:
    """A number without float noise (0.025, not 0.025000000000000001), no exponent."""
    text = f"{v:.10f}".rstrip("0").rstrip(".")
    return text if text not in ("", "-0") else "0"


@dataclass(frozen=True)
class TargetsFile:
    """What was read: the targets kept, the rows read, and one fact per ignored row."""

    targets: Targets
    rows_read: int
    problems: tuple[Fact, ...] = field(default_factory=tuple)

    @property
    def ignored(self) -> int:
        return len(self.problems)

    def summary(self) -> Fact:
        """ "3 targets read from 5 rows; 2 ignored (said below)."""
        return Fact(
            "targets.file.summary",
            kept=len(self.targets),
            rows=self.rows_read,
            ignored=self.ignored,
        )


_SPACES = re.compile(r"[\s\u00a0\u202f']")
_MONEY = re.compile(r"[€$£¥]|EUR|USD|GBP", re.IGNORECASE)


def parse_number(text: str) -> float | None:
    """``0.025``, ``0,025``, ``2,5 %``, ``1 234,56 €``, ``1,234.56`` -> a float (a percent sign
    divides by 100); None when it is not a number."""
    s = _MONEY.sub("", _SPACES.sub("", str(text)))
    pct = s.endswith("%")
    s = s.rstrip("%").replace("\u2212", "-")
    if not s:
        return None
    if "," in s and "." in s:  # the last one is the decimal separator
        if s.rfind(",") > s.rfind("."):
            s = s.replace(".", "").replace(",", ".")
        else:
            s = s.replace(",", "")
    elif s.count(",") == 1:
        s = s.replace(",", ".")
    elif s.count(",") > 1:  # 1,234,567: thousands
        s = s.replace(",", "")
    try:
        x = float(s)
    except ValueError:
        return None
    if not math.isfinite(x):
        return None
    return x / 100 if pct else x


def _decode(data: bytes) -> str:
    for enc in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


_KPI_HEADERS = {"kpi", "indicateur", "id", "kpi_id"}
_TARGET_HEADERS = {"target", "objectif", "cible", "goal"}


def _names() -> dict[str, str]:
    """id, English and French label (lower case) -> id."""
    from kpi.words import render

    out: dict[str, str] = {}
    for k in kpi_ids():
        for lang in ("en", "fr"):
            out.setdefault(render(label_fact(k), lang).strip().lower(), k)
    for k in kpi_ids():
        out[k] = k
    return out


def read_csv(data: bytes | str) -> TargetsFile:
    """Read a targets file: columns ``kpi`` and ``target`` (``indicateur`` / ``objectif`` in
    French), ``,`` or ``;`` or tab, decimal point or comma, UTF-8 or cp1252.

    A row is ignored, with a fact saying why and its line number, when its KPI is unknown,
    repeated (the first one is kept), its target is not a number, a rate is above 1 (100 %) or
    below 0, or a count or an amount is negative. A file without those two columns raises
    :class:`~kpi.errors.InputError`.
    """
    text = data if isinstance(data, str) else _decode(data)
    lines = text.splitlines()
    first = next((ln for ln in lines if ln.strip()), "")
    delim = ";" if ";" in first else "\t" if "\t" in first else ","
    rows = list(csv.reader(io.StringIO(text), delimiter=delim))
    start = next((i for i, r in enumerate(rows) if any(c.strip() for c in r)), None)
    if start is None:
        raise InputError(Fact("targets.error.empty"), Fact("targets.hint.format"))
    header = [c.strip().lower().lstrip("\ufeff") for c in rows[start]]
    try:
        ki = next(i for i, h in enumerate(header) if h in _KPI_HEADERS)
        ti = next(i for i, h in enumerate(header) if h in _TARGET_HEADERS)
    except StopIteration:
        raise InputError(
            Fact("targets.error.columns", found=[c for c in rows[start] if c.strip()]),
            Fact("targets.hint.format"),
        ) from None
    names = _names()
    kept: dict[str, float] = {}
    problems: list[Fact] = []
    read = 0
    for n, row in enumerate(rows[start + 1 :], start=start + 2):
        if not any(c.strip() for c in row):
            continue  # a blank line is not a row
        read += 1
        if delim == "," and len(row) == len(header) + 1 and ti == len(header) - 1:
            # an unquoted decimal comma in a comma-separated file: 0,025 read as "0" and "025"
            row = [*row[:ti], f"{row[ti]},{row[ti + 1]}"]
        raw_kpi = row[ki].strip() if ki < len(row) else ""
        raw_target = row[ti].strip() if ti < len(row) else ""
        kpi = names.get(raw_kpi.lower())
        if kpi is None:
            problems.append(Fact("targets.problem.unknown", line=n, kpi=raw_kpi))
            continue
        if kpi in kept:
            problems.append(Fact("targets.problem.duplicate", line=n, kpi=kpi))
            continue
        value = parse_number(raw_target)
        if value is None:
            problems.append(Fact("targets.problem.not_a_number", line=n, kpi=kpi, text=raw_target))
            continue
        problem = check(kpi, value, line=n)
        if problem is not None:
            problems.append(problem)
            continue
        kept[kpi] = value
    return TargetsFile(Targets.of(kept), read, tuple(problems))


def check(kpi: str, value: float, *, line: int | None = None) -> Fact | None:
    """Why ``value`` cannot be the target of ``kpi`` (a fact), or None when it can."""
    unit = unit_of(kpi)
    where = {"line": line} if line is not None else {}
    suffix = "" if line is None else ".line"
    if unit == "rate" and value > 1 + _EPS:
        return Fact(f"targets.problem.rate_above_one{suffix}", kpi=kpi, value=value, **where)
    if unit == "rate" and value < -_EPS:
        return Fact(f"targets.problem.negative{suffix}", kpi=kpi, value=value, **where)
    if unit in ("currency", "count", "seconds", "months", "days", "ratio") and value < -_EPS:
        return Fact(f"targets.problem.negative{suffix}", kpi=kpi, value=value, **where)
    if unit == "points" and not -100 - _EPS <= value <= 100 + _EPS:
        return Fact(f"targets.problem.nps_range{suffix}", kpi=kpi, value=value, **where)
    return None


def from_url(values: Iterable[str]) -> tuple[Targets, tuple[Fact, ...]]:
    """``?target=conversion_rate:0.025`` (repeatable) -> targets, and a fact per value left out."""
    kept: dict[str, float] = {}
    problems: list[Fact] = []
    known = set(kpi_ids())
    for raw in values:
        kpi, _, number = str(raw).partition(":")
        kpi = kpi.strip()
        value = parse_number(number)
        if kpi not in known:
            problems.append(Fact("targets.problem.url_unknown", kpi=kpi))
        elif value is None:
            problems.append(Fact("targets.problem.url_number", kpi=kpi, text=number))
        elif (problem := check(kpi, value)) is not None:
            problems.append(problem)
        else:
            kept[kpi] = value
    return Targets.of(kept), tuple(problems)


# ------------------------------------------------------------------------------ the status
@dataclass(frozen=True)
class Assessment:
    """A KPI's value against its target: ``gap`` = value − target, ``relative_gap`` = value ÷
    target − 1 (None when the target is 0), ``status`` ``on`` / ``close`` / ``off``."""

    kpi: str
    value: float
    target: float
    gap: float
    relative_gap: float | None
    status: Status
    lower_is_better: bool

    @property
    def unit(self) -> str:
        return unit_of(self.kpi)

    def status_fact(self) -> Fact:
        return status_fact(self.status)

    def gap_fact(self) -> Fact:
        return gap_fact(self)


def assess(kpi: str, value: float | None, target: float | None) -> Assessment | None:
    """The status of ``value`` against ``target`` (module docstring); None without either."""
    if value is None or target is None or not math.isfinite(value):
        return None
    lower = kpi in LOWER_IS_BETTER
    band = CLOSE * abs(target)
    if lower:
        status: Status = (
            "on" if value <= target + _EPS else "close" if value <= target + band + _EPS else "off"
        )
    else:
        status = (
            "on" if value >= target - _EPS else "close" if value >= target - band - _EPS else "off"
        )
    rel = value / target - 1 if target != 0 else None
    return Assessment(kpi, float(value), float(target), value - target, rel, status, lower)


def assess_all(
    targets: Targets, values: Mapping[str, float | None]
) -> dict[str, Assessment | None]:
    """Each target's assessment (None when the view has no value for that KPI)."""
    return {k: assess(k, values.get(k), t) for k, t in targets}


def status_fact(status: str) -> Fact:
    """ "On target" / "Close" / "Off target" (``targets.status.*``)."""
    return Fact(f"targets.status.{status}")


def value_fact(kpi: str, value: float | None, currency: str | None = None) -> Fact:
    """A KPI's value (or target) in its unit: a percentage, money, a count, a duration…"""
    unit = unit_of(kpi)
    if unit in ("rate", "currency", "count", "seconds", "points", "months", "days"):
        return Fact(f"targets.value.{unit}", x=value, currency=currency)
    return Fact("targets.value.number", x=value)


def gap_fact(a: Assessment, currency: str | None = None) -> Fact:
    """The gap in words: points for a rate (``−0.70 pt``), else the signed difference and the
    relative gap (``−12.00 (−8.0 %)``)."""
    unit = a.unit
    if unit == "rate":
        return Fact("targets.gap.rate", gap=a.gap)
    if a.relative_gap is None:
        return Fact(f"targets.gap.{_gap_unit(unit)}", gap=a.gap, currency=currency)
    return Fact(
        f"targets.gap.{_gap_unit(unit)}.relative", gap=a.gap, rel=a.relative_gap, currency=currency
    )


def _gap_unit(unit: str) -> str:
    return unit if unit in ("currency", "count", "seconds", "points") else "number"


# ------------------------------------------------------------------------------ the values
def values_of(view: Any, kpis: Iterable[str], *, previous: bool = False) -> dict[str, float | None]:
    """The value of each KPI in a view (:class:`kpi.view.View` or an EngineView), in the unit of
    its target: the stage KPIs, and when a target asks for them the Retention (period N,
    churn…), Value (CLV, CAC…) and Advocacy (NPS in points…) figures. None when the view has no
    such figure (the page and the workbook say so). ``previous``: the previous period's stage
    KPIs (other figures: None)."""
    wanted = list(dict.fromkeys(kpis))
    out: dict[str, float | None] = dict.fromkeys(wanted)
    if not wanted:
        return out
    try:
        stage = view.previous_kpis() if previous else view.kpis()
    except Exception:  # a view without events: its KPIs do not apply
        stage = None
    for k in stage or ():
        if k.code in out and k.available and k.value is not None:
            out[k.code] = float(k.value)
    if previous:
        return out
    missing = [k for k in wanted if out[k] is None]
    if any(k.startswith("retention_p") or k in _RETENTION for k in missing):
        out.update(_retention_values(view, missing))
    if any(k in _VALUE for k in missing):
        out.update(_value_values(view, [k for k in missing if k in _VALUE]))
    if any(k in _ADVOCACY for k in missing):
        out.update(_advocacy_values(view, [k for k in missing if k in _ADVOCACY]))
    return out


_RETENTION = {"repeat_purchase_rate", "purchase_frequency", "churn", "retention_rate"}
_VALUE = {
    "revenue_per_customer",
    "top_customer_share",
    "clv",
    "cac",
    "clv_cac",
    "payback",
    "roas",
    "aov",
}
_ADVOCACY = {"nps", "csat", "ces", "referral_rate"}


def _retention_values(view: Any, kpis: list[str]) -> dict[str, float | None]:
    out: dict[str, float | None] = {}
    try:
        s = view.retention()
    except Exception:
        return out
    if s is None:
        return out
    avg = getattr(s, "average", None)
    for k in kpis:
        m = re.fullmatch(r"retention_p(\d+)", k)
        if m and avg is not None and "period" in avg.columns:
            hit = avg.filter(avg["period"] == int(m.group(1)))
            out[k] = float(hit["retention"][0]) if hit.height else None
    churn = getattr(s, "churn", None)
    repeat, freq = getattr(s, "repeat", None), getattr(s, "frequency", None)
    figures = {
        "churn": getattr(churn, "churn", None),
        "retention_rate": getattr(churn, "retention", None),
        "repeat_purchase_rate": getattr(repeat, "rate", None),
        "purchase_frequency": getattr(freq, "frequency", None),
    }
    for k, v in figures.items():
        if k in kpis:
            out[k] = None if v is None else float(v)
    return out


def _value_values(view: Any, kpis: list[str]) -> dict[str, float | None]:
    try:
        s = view.value()
    except Exception:
        return {}
    if s is None:
        return {}
    total = s.total or {}
    figures = {
        "aov": s.aov.aov,
        "revenue_per_customer": s.revenue_per_customer.value,
        "top_customer_share": s.top_share.share,
        "clv": s.clv.clv if s.clv else None,
        "cac": total.get("cac"),
        "clv_cac": total.get("clv_cac"),
        "roas": total.get("roas"),
        "payback": total.get("payback_months"),
    }
    return {k: _num(figures.get(k)) for k in kpis}


def _advocacy_values(view: Any, kpis: list[str]) -> dict[str, float | None]:
    try:
        s = view.advocacy()
    except Exception:
        return {}
    nps = s.nps.nps if s.nps is not None else None
    figures = {
        "nps": None if nps is None else nps * 100,  # points, as the target is written
        "csat": s.csat.csat if s.csat is not None else None,
        "ces": s.ces.ces if s.ces is not None else None,
        "referral_rate": s.referral.rate if s.referral is not None else None,
    }
    return {k: _num(figures.get(k)) for k in kpis}


def _num(v: object) -> float | None:
    if isinstance(v, int | float) and math.isfinite(float(v)):
        return float(v)
    return None


# ------------------------------------------------------------------------------ benchmarks
@dataclass(frozen=True)
class Benchmark:
    """A generic e-commerce benchmark of the articles Parcours is built on (not a target):
    a typical range ``low``–``high`` (``high`` None: a floor such as CLV/CAC 3:1), and
    ``best``, the level of the best sites, when the articles give one."""

    kpi: str
    low: float
    high: float | None = None
    best: float | None = None


#: conversion 1–3 % typical, above 5 % for the best; cart abandonment 60–80 %; CLV/CAC 3:1
BENCHMARKS: dict[str, Benchmark] = {
    "conversion_rate": Benchmark("conversion_rate", 0.01, 0.03, best=0.05),
    "conversion": Benchmark("conversion", 0.01, 0.03, best=0.05),
    "cart_abandonment": Benchmark("cart_abandonment", 0.60, 0.80),
    "clv_cac": Benchmark("clv_cac", 3.0),
}
