"""Which column is an A/B assignment, and is a table an A/B summary (counts per variant)?

An A/B test compares groups that were *assigned*: a random split into a few arms. A device,
a country or a product category also splits the users into groups, but comparing them is an
observational comparison, not an experiment, and must not get a verdict. So the A/B page
analyses a column only when :func:`assignment_columns` finds it (or the user picks it and is
told what that means).

A column is a candidate when it has a few values (2 to :data:`MAX_ARMS`, or up to
:data:`MAX_ARMS_NAMED` when its name says so) and

- its **name** says so (``variant``, ``group``, ``version``, ``test``, ``arm``, ``bucket``,
  ``experiment``, ``variante``, ``groupe``, … as a word of the name: ``test group``,
  ``ab_bucket``), or
- its **values** say so: letters (``A``/``B``, ``group a``), numbered arms (``v1``/``v2``,
  ``variant 2``), control/treatment words (``control``/``experimental``, ``old_page``/
  ``new_page``, ``témoin``), or one prefix with short suffixes (``gate_30``/``gate_40``).

A name that names an attribute of people or products (device, country, category, channel,
source, brand, sex, cohort, grade, team, level, …) is never a candidate, whatever its values;
nor is a flag (``is_test``) or a measurement of a test (``test_score``, ``experiment_name``),
nor values whose common prefix names such an attribute (``zone_a``/``zone_b``). Facts only: the
reasons are codes (``"name"``, ``"values"``) with the matched word or pattern;
:meth:`Assignment.reason` is the fact that words them (``ab.assign.*``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import polars as pl

from kpi.words import Fact

__all__ = [
    "MAX_ARMS",
    "MAX_ARMS_NAMED",
    "Assignment",
    "assignment_columns",
    "is_assignment",
    "name_words",
]

MAX_ARMS = 6  # "a few values": at most this many when only the values say so
MAX_ARMS_NAMED = 12  # a column *named* variant/arm/… may have a few more arms

_NAME_WORDS = frozenset(
    {
        "variant", "variants", "variation", "variations", "variante", "variantes",
        "group", "groups", "groupe", "groupes", "grupo", "gruppe",
        "version", "versions", "test", "tests", "arm", "arms", "bucket", "buckets",
        "experiment", "experiments", "experience", "exp", "treatment", "treatments",
        "condition", "ab", "abtest", "split", "cell", "branch", "assignment", "allocation",
        "traitement", "bras", "essai",
    }
)  # fmt: skip
# attributes of people, sessions or products: a segment, never an assignment
_NOT_ASSIGNMENT = frozenset(
    {
        "device", "devices", "platform", "os", "browser", "country", "countries", "pays",
        "region", "city", "ville", "state", "language", "langue", "locale", "category",
        "categories", "categorie", "catégorie", "product", "produit", "brand", "marque",
        "channel", "canal", "source", "medium", "campaign", "campagne", "sex", "gender",
        "genre", "sexe", "age", "cohort", "cohorte", "segment", "plan", "tier", "type",
        "status", "statut", "stage", "etape", "étape", "step", "event",
        "referrer", "utm", "store", "shop", "customer", "client", "payment",
        "shipping", "size", "color", "colour", "grade", "rating", "rank", "score", "class",
        "priority", "risk", "team", "zone", "sku", "level", "niveau", "equipe", "équipe",
    }
)  # fmt: skip
# a test/group word followed by one of these names a measurement of something else
# (``test_score``, ``test_date``, ``group_size``), not the arm a user was assigned to
_MEASURE_WORDS = frozenset(
    {
        "score", "scores", "result", "results", "date", "time", "duration", "count", "size",
        "name", "names", "note", "resultat", "résultat",
    }
)  # fmt: skip
_CONTROL_WORDS = frozenset(
    {
        "control", "ctrl", "controle", "contrôle", "temoin", "témoin", "baseline", "original",
        "holdout", "default", "champion", "old", "ancien", "ancienne", "reference",
    }
)  # fmt: skip
_TREATMENT_WORDS = frozenset(
    {
        "treatment", "treated", "test", "variant", "variante", "variation", "experiment",
        "experimental", "challenger", "new", "nouveau", "nouvelle", "exposed", "traitement",
    }
)  # fmt: skip
_ARM_PREFIX = r"(?:group|groupe|variant|variante|variation|version|arm|bucket|test|cell|v)"
_LETTER = re.compile(rf"^(?:{_ARM_PREFIX}[\s_-]*)?[a-h]$")
_NUMBERED = re.compile(rf"^{_ARM_PREFIX}[\s_-]*\d{{1,2}}$")
_PREFIXED = re.compile(r"^([a-z][a-z ]*[a-z])[\s_-]?(\d{1,4}|[a-z])$")
_SOFTWARE_VERSION = re.compile(r"^v?\d+(?:\.\d+){1,3}(?:[-+.]?[a-z0-9]+)?$")
_YES_NO = frozenset({"yes", "no", "true", "false", "y", "n", "oui", "non", "vrai", "faux"})


def name_words(text: str) -> list[str]:
    """``"testGroup"`` / ``"test group"`` / ``"AB_bucket"`` -> lower-case words."""
    spaced = re.sub(r"([a-z])([A-Z])", r"\1 \2", str(text))
    return [w for w in re.split(r"[^0-9a-zà-ÿ]+", spaced.lower()) if w]


@dataclass(frozen=True)
class Assignment:
    """A column that looks like an A/B assignment, and why.

    ``reasons`` holds ``"name"`` (``name_word`` is the word of the column name) and/or
    ``"values"`` (``value_pattern`` is ``"letters"``, ``"numbered"``, ``"control"`` or
    ``"prefix"``). ``values`` are the arms (sorted, at most :data:`MAX_ARMS_NAMED`).
    """

    column: str
    values: tuple[str, ...]
    reasons: tuple[str, ...]
    name_word: str | None = None
    value_pattern: str | None = None

    @property
    def arms(self) -> int:
        return len(self.values)

    @property
    def reason(self) -> Fact:
        """Why the column was taken for the assignment: its values and what says so
        (``ab.assign.name``, ``ab.assign.values``, ``ab.assign.both``)."""
        pattern = Fact(f"ab.assign.pattern.{self.value_pattern}") if self.value_pattern else None
        kind = (
            "both"
            if self.name_word and self.value_pattern
            else "name"
            if self.name_word
            else "values"
        )
        return Fact(
            f"ab.assign.{kind}",
            arms=self.arms,
            values=list(self.values),
            word=self.name_word or "",
            pattern=pattern if pattern is not None else "",
        )


def _name_word(column: str) -> tuple[str | None, bool]:
    """(the assignment word of the name, whether the name is an attribute, never an arm)."""
    words = name_words(column)
    if any(w in _NOT_ASSIGNMENT for w in words):
        return None, True
    word = next((w for w in words if w in _NAME_WORDS), None)
    if word is not None and words[0] in ("is", "has", "was", "est"):
        return None, True  # is_test true/false: a flag on the row (test orders), not an arm
    if word is not None and words[-1] in _MEASURE_WORDS:
        return None, True  # test_score, experiment_name: about a test, not its arms
    return word, False


def _value_pattern(values: Sequence[str]) -> str | None:
    """How the values say "arms of a test", or None."""
    vals = [re.sub(r"\s+", " ", str(v).strip().lower()) for v in values]
    if len(vals) < 2 or set(vals) <= _YES_NO or set(vals) <= {"0", "1"}:
        return None
    if all(_LETTER.match(v) for v in vals):
        return "letters"
    if all(_NUMBERED.match(v) for v in vals):
        return "numbered"
    tokens = [set(name_words(v)) for v in vals]
    has_control = any(t & _CONTROL_WORDS for t in tokens)
    has_treatment = any(t & _TREATMENT_WORDS for t in tokens)
    arm_like = all(
        t & (_CONTROL_WORDS | _TREATMENT_WORDS) or _LETTER.match(v) or _NUMBERED.match(v)
        for t, v in zip(tokens, vals, strict=True)
    )
    if (has_control or has_treatment) and arm_like and (has_control or len(vals) >= 2):
        return "control"
    prefixed = [_PREFIXED.match(v) for v in vals]
    if all(prefixed):
        heads = {m.group(1).strip() for m in prefixed if m}
        head = next(iter(heads))
        if len(heads) == 1 and len(head) >= 2 and not set(name_words(head)) & _NOT_ASSIGNMENT:
            return "prefix"  # team_1/team_2, zone_a/zone_b, level 1/2: attributes, not arms
    return None


def is_assignment(column: str, values: Sequence[str]) -> Assignment | None:
    """:class:`Assignment` when ``column`` with these distinct ``values`` looks like arms."""
    distinct = sorted({str(v) for v in values if v is not None and str(v).strip() != ""})
    word, attribute = _name_word(column)
    if attribute or not 2 <= len(distinct) <= MAX_ARMS_NAMED:
        return None
    pattern = _value_pattern(distinct) if len(distinct) <= MAX_ARMS else None
    if word is None and pattern is None:
        return None
    if (
        pattern is None
        and word in ("version", "versions")
        and all(_SOFTWARE_VERSION.match(v.strip().lower()) for v in distinct)
    ):
        return None  # app_version 2.3.1 / 2.4.0: releases, not arms of a test
    if word is None and len(distinct) > MAX_ARMS:
        return None
    reasons = tuple(r for r, ok in (("name", word), ("values", pattern)) if ok)
    return Assignment(column, tuple(distinct), reasons, word, pattern)


def assignment_columns(
    frame: pl.DataFrame, columns: Sequence[str] | None = None
) -> list[Assignment]:
    """The columns of ``frame`` that look like an A/B assignment, the most certain first.

    ``columns`` limits the search (default: every text, categorical or integer column).
    Order: name and values both agree, then name only, then values only; ties keep the
    frame's column order.
    """
    cols = list(columns) if columns is not None else list(frame.columns)
    found: list[tuple[int, int, Assignment]] = []
    for i, col in enumerate(cols):
        if col not in frame.columns:
            continue
        dtype = frame.schema[col]
        if not (dtype in (pl.String, pl.Categorical, pl.Enum) or dtype.is_integer()):
            continue
        _, attribute = _name_word(col)
        if attribute:
            continue
        uniq = frame.select(pl.col(col).drop_nulls().unique().head(MAX_ARMS_NAMED + 1))
        values = [str(v) for v in uniq[col].to_list()]
        if dtype.is_integer() and _name_word(col)[0] is None:
            continue  # bare numbers are arms only when the name says so
        hit = is_assignment(col, values)
        if hit is not None:
            rank = 0 if len(hit.reasons) == 2 else (1 if "name" in hit.reasons else 2)
            found.append((rank, i, hit))
    return [a for _, _, a in sorted(found, key=lambda t: (t[0], t[1]))]
