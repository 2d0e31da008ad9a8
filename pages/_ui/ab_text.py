"""Small A/B figures for people, in the view's language: p-values and expected losses with
significant digits, interval ranges (every figure through :mod:`kpi.words.format`)."""

from __future__ import annotations

import math
import re

from kpi.words import Raw
from kpi.words import format as fmt
from pages._ui.lang import current, tx


def code(name: object) -> Raw:
    """A column or file name in code font, shown exactly as typed: a Markdown code span (its
    content is literal, so it is not backslash-escaped, which would show the backslashes:
    ``ab\\_summary``), fenced with more backticks than the name holds."""
    text = " ".join(str(name).split())
    fence = "`" * (max((len(r) for r in re.findall("`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return Raw(f"{fence}{pad}{text}{pad}{fence}")


def significant(x: float, digits: int = 3) -> str:
    """``x`` with ``digits`` significant digits in the view's language (0.00155, 0,00155)."""
    if x == 0:
        return fmt.number(0.0, current(), 0)
    decimals = max(0, digits - 1 - math.floor(math.log10(abs(x))))
    return fmt.number(x, current(), decimals)


def p_text(p: float | None) -> str:
    """A p-value: 3 significant digits, "< 0.001" below 0.001."""
    if p is None:
        return fmt.MISSING
    if p < 0.001:
        return tx("ab_page.p_below", limit=fmt.number(0.001, current(), 3))
    return significant(p, 3)


def loss_text(x: float | None) -> str:
    """An expected loss (a rate given up) in percentage points, 2 significant digits."""
    if x is None:
        return fmt.MISSING
    if x * 100 < 0.001:
        return tx("ab_page.loss_below", value=fmt.number(0.001, current(), 3))
    return tx("ab_page.loss", value=significant(x * 100, 2))


def ci_text(lo: float | None, hi: float | None, kind: str = "pct") -> str:
    """An interval ``lo to hi``: rates (``pct``), points (``pts``), lifts (``spct``), plain
    numbers (``num``) or money (``money``)."""
    if lo is None or hi is None:
        return fmt.MISSING
    return tx(f"ab.ci.range_{kind}", lo=lo, hi=hi)
