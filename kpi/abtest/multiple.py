"""Several comparisons at once: p-values adjusted by Holm or Benjamini–Hochberg."""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import Literal

import numpy as np

from kpi.errors import InputError
from kpi.words import Fact

__all__ = ["adjust_p_values"]


def adjust_p_values(
    p_values: Sequence[float], method: Literal["holm", "bh"] = "holm"
) -> list[float]:
    """p-values adjusted over the family ``p_values``, in the given order.

    - Holm: sort ascending, p_(i)·(m − i + 1), running maximum, capped at 1
      (= statsmodels ``multipletests(method="holm")``, R ``p.adjust("holm")``).
    - Benjamini–Hochberg: sort descending, p_(i)·m/i, running minimum, capped at 1
      (= ``fdr_bh``, R ``p.adjust("BH")``).
    """
    if method not in ("holm", "bh"):
        raise InputError(
            Fact("ab.input.correction", got=repr(method)), Fact("ab.input.hint_correction")
        )
    ps = []
    for p in p_values:
        if isinstance(p, bool) or not isinstance(p, numbers.Real) or not 0.0 <= float(p) <= 1.0:
            raise InputError(Fact("ab.input.p_values", got=repr(p)))
        ps.append(float(p))
    m = len(ps)
    if m == 0:
        return []
    arr = np.asarray(ps)
    if method == "holm":
        order = np.argsort(arr, kind="stable")
        scaled = arr[order] * (m - np.arange(m))
        adj_sorted = np.minimum(1.0, np.maximum.accumulate(scaled))
    else:
        order = np.argsort(-arr, kind="stable")
        ranks = m - np.arange(m)  # rank of each sorted-descending p in ascending order
        scaled = arr[order] * m / ranks
        adj_sorted = np.minimum(1.0, np.minimum.accumulate(scaled))
    out = np.empty(m)
    out[order] = adj_sorted
    return [float(v) for v in out]
