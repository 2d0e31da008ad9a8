"""Numbers as people read them: rates as percentages, money, durations, thousands."""

from __future__ import annotations

import math


def _missing(x: float | None) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def pct(x: float | None, digits: int = 2) -> str:
    """0.0123 -> '1.23 %'."""
    return "–" if _missing(x) else f"{x * 100:.{digits}f} %"


def pts(x: float | None, digits: int = 2) -> str:
    """A change of rate in percentage points: 0.004 -> '+0.40 pp'."""
    return "–" if _missing(x) else f"{x * 100:+.{digits}f} pp"


def num(x: float | None, digits: int = 0) -> str:
    """12345.6 -> '12,346'."""
    return "–" if _missing(x) else f"{x:,.{digits}f}"


def money(x: float | None, symbol: str = "") -> str:
    return "–" if _missing(x) else f"{symbol}{x:,.2f}"


def duration(seconds: float | None) -> str:
    """Seconds -> '3 min 20 s', '2.5 h', '4.1 days'."""
    if _missing(seconds):
        return "–"
    s = float(seconds)  # type: ignore[arg-type]
    if s < 60:
        return f"{s:.0f} s"
    if s < 3600:
        return f"{int(s // 60)} min {int(s % 60):02d} s"
    if s < 86400 * 2:
        return f"{s / 3600:.1f} h"
    return f"{s / 86400:.1f} days"


def signed_pct(x: float | None, digits: int = 1) -> str:
    """A relative change: 0.12 -> '+12.0 %'."""
    return "–" if _missing(x) else f"{x * 100:+.{digits}f} %"
