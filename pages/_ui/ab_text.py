"""Small A/B figures for people, in the view's language: p-values and expected losses with
significant digits, interval ranges (every figure through :mod:`kpi.words.format`)."""

from __future__ import annotations

import math
import re
from collections.abc import Callable

import polars as pl
from pandas.io.formats.style import Styler

from kpi.words import Lang, Raw
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


def signed(x: float, lang: Lang, decimals: int) -> str:
    """A signed number with fixed decimals (``+0,70``, ``-1.25``)."""
    return ("+" if x >= 0 else "-") + fmt.number(abs(x), lang, decimals)


def _significant(x: float, lang: Lang, digits: int = 3) -> str:
    if x == 0:
        return fmt.number(0.0, lang, 0)
    return fmt.number(x, lang, max(0, digits - 1 - math.floor(math.log10(abs(x)))))


#: how a figure column of an A/B table is written (rates given in percent, i.e. ×100)
WRITERS: dict[str, Callable[[float, Lang], str]] = {
    "pct100": lambda v, lang: fmt.percent(v / 100, lang),
    "spct100": lambda v, lang: fmt.signed_percent(v / 100, lang),
    "pts100": lambda v, lang: fmt.points(v / 100, lang),
    "p": lambda v, lang: _significant(v, lang, 3),
    "num3": lambda v, lang: fmt.number(v, lang, 3),
    "num1": lambda v, lang: fmt.number(v, lang, 1),
    "num0": lambda v, lang: fmt.number(v, lang, 0),
    "num2": lambda v, lang: fmt.number(v, lang, 2),
    "snum2": lambda v, lang: signed(v, lang, 2),
    "int": lambda v, lang: fmt.integer(v, lang),
}


def figures(view: pl.DataFrame, kinds: dict[str, str]) -> Styler:
    """A table whose figure columns stay numbers (sorted as numbers, read back as numbers)
    but are shown in the view's language (``5,00 %``, ``0,0155``): a pandas Styler's display
    values, since Streamlit's printf column formats (``%.2f %%``) write English decimals.
    Give these columns no ``format`` in ``column_config`` (it would take precedence)."""
    lang = current()

    def writer(kind: str) -> Callable[[object], str]:
        write = WRITERS[kind]

        def shown(v: object) -> str:
            if v is None or (isinstance(v, float) and math.isnan(v)):
                return fmt.MISSING
            return write(float(v), lang)  # type: ignore[arg-type]

        return shown

    frame = view.to_pandas()
    return frame.style.format(
        {col: writer(kind) for col, kind in kinds.items() if col in frame.columns}
    )
