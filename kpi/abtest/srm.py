"""Sample-ratio mismatch (SRM): do the visitors per group match the planned traffic split?

A chi-square goodness-of-fit test; a broken split means broken assignment or tracking, and
then no result of the test can be trusted.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from kpi.abtest.inputs import count
from kpi.errors import InputError
from kpi.words import Fact

__all__ = ["SRMCheck", "srm_check", "srm_p_value"]


def _observed(
    observed: Sequence[int], weights: Sequence[float] | None
) -> tuple[list[int], list[float]]:
    obs = [count(o, Fact("ab.input.what_visitors_each")) for o in observed]
    if len(obs) < 2:
        raise InputError(Fact("ab.srm.two_groups"))
    if weights is None:
        w = [1.0] * len(obs)
    else:
        if len(weights) != len(obs):
            raise InputError(
                Fact("ab.srm.shares_count", groups=len(obs), shares=len(weights)),
                Fact("ab.srm.hint_shares_count"),
            )
        w = []
        for x in weights:
            if (
                isinstance(x, bool)
                or not isinstance(x, numbers.Real)
                or not float(x) > 0
                or not math.isfinite(float(x))
            ):
                raise InputError(
                    Fact("ab.srm.shares_positive", got=repr(x)), Fact("ab.srm.hint_no_traffic")
                )
            w.append(float(x))
    return obs, w


def srm_p_value(observed: Sequence[int], weights: Sequence[float] | None = None) -> float:
    """Sample-ratio mismatch p: chi-square goodness of fit of visitors to the planned split.

    χ² = Σ (O_i − E_i)²/E_i with E_i = w_i/Σw · ΣO, df = k − 1 (scipy ``chisquare``);
    equal shares when ``weights`` is None; 1.0 when there are no visitors at all.
    """
    from scipy import stats

    obs, w = _observed(observed, weights)
    total = sum(obs)
    if total == 0:
        return 1.0
    o = np.asarray(obs, dtype=float)
    e = np.asarray(w) / sum(w) * total
    x2 = float(np.sum((o - e) ** 2 / e))
    return float(stats.chi2.sf(x2, len(obs) - 1))


@dataclass(frozen=True)
class SRMCheck:
    """Sample-ratio check: p, a level ("ok", "warn", "alert", "too_few") and the fact that
    says it (``ab.srm.<level>``: observed and planned shares, p, the guard)."""

    p_value: float
    level: Literal["ok", "warn", "alert", "too_few"]
    message: Fact
    observed: tuple[int, ...]
    expected: tuple[float, ...]

    @property
    def shares(self) -> tuple[float, ...]:
        """The observed share of each group (0 when there are no visitors)."""
        total = sum(self.observed)
        return tuple(o / total if total else 0.0 for o in self.observed)

    @property
    def planned(self) -> tuple[float, ...]:
        """The planned share of each group."""
        total = sum(self.expected)
        return tuple(e / total if total else 0.0 for e in self.expected)


def srm_check(
    observed: Sequence[int],
    weights: Sequence[float] | None = None,
    *,
    warn: float = 0.01,
    alert: float = 0.001,
    min_per_arm: int = 8,
) -> SRMCheck:
    """Two-tier SRM banner (Statsig style): p < ``alert`` → "alert", p < ``warn`` → "warn".

    "too_few" when the planned split expects fewer than ``min_per_arm`` visitors in a group
    (GrowthBook's guard, 8): the guard is on the expected counts, so an arm that is empty while
    thousands were expected in it is an alert, not "too few".
    """
    obs, w = _observed(observed, weights)
    p = srm_p_value(obs, w)
    total = sum(obs)
    expected = tuple(x / sum(w) * total for x in w)
    shares = [o / total if total else 0.0 for o in obs]
    planned = [x / sum(w) for x in w]
    level: Literal["ok", "warn", "alert", "too_few"]
    if not expected or min(expected) < min_per_arm:
        level = "too_few"
        message = Fact("ab.srm.too_few", expected=min(expected, default=0.0), need=min_per_arm)
    else:
        level = "alert" if p < alert else "warn" if p < warn else "ok"
        message = Fact(
            f"ab.srm.{level}",
            shares=[Fact("ab.pct", x=x) for x in shares],
            planned=[Fact("ab.pct", x=x) for x in planned],
            p=p,
        )
    return SRMCheck(p_value=p, level=level, message=message, observed=tuple(obs), expected=expected)
