"""Funnel insights for a manager, as facts: the biggest drop-off (the point of friction), the
overall conversion and, with a breakdown, the weakest and strongest segments.

Each insight is a :class:`kpi.words.Fact` of the catalogue ``kpi/words/catalogue/funnel.py``
(``funnel.insight.*``) with raw values (rates as fractions, counts, step names and segment
values as text); the page, the workbook and the command line render it in their language.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from kpi.segments import NONE
from kpi.words import Fact

__all__ = ["SMALL_SEGMENT", "insights"]

#: users at the last step below which a segment's rank may be chance (said in the insight)
SMALL_SEGMENT = 30

_BASE = ["step", "users", "conversion", "step_conversion", "drop_off", "drop_off_rate"]


def insights(
    funnel_result: pl.DataFrame,
    by: str | Sequence[str] | None = None,
    *,
    counts: bool = False,
    min_users: int = SMALL_SEGMENT,
) -> list[Fact]:
    """Facts for a manager about a :func:`kpi.funnel.funnel` result (optionally by segment).

    - ``funnel.insight.biggest_drop`` (``from_step``, ``to_step``, ``rate`` = users lost ÷
      users at ``from_step``, ``before``, ``after``), or ``funnel.insight.no_loss`` (``users``)
      when nobody is lost between steps;
    - ``funnel.insight.overall`` (``rate`` = users(k) ÷ users(1), ``first_step``,
      ``last_step``, ``reached``, ``started``);
    - with a breakdown, ``funnel.insight.weakest`` / ``funnel.insight.strongest``
      (``segment``: the value(s), ``rate``, ``overall``, ``users`` at the last step); the
      ``…_small`` variants when ``users`` < ``min_users`` (the rank may be chance).

    ``counts=True`` (aggregated counts read from an export: sessions or rows, not people)
    gives the ``…_count`` variants of the drop-off and overall facts, which speak of "the
    count" instead of "users". Without users at step 1: ``funnel.insight.no_users`` or
    ``funnel.insight.no_first_step``.
    """
    if by is None:
        by = [c for c in funnel_result.columns if c not in _BASE]
    elif isinstance(by, str):
        by = [by]
    by = list(by)
    if funnel_result.height == 0:
        return [Fact("funnel.insight.no_users")]
    j = pl.int_range(pl.len(), dtype=pl.Int32)
    res = funnel_result.with_columns(_j=j.over(by) if by else j)
    overall = (
        res.group_by("_j", maintain_order=True)
        .agg(pl.col("step").first(), pl.col("users").sum())
        .sort("_j")
    )
    users = [int(u) for u in overall.get_column("users").to_list()]
    names = [str(s) for s in overall.get_column("step").to_list()]
    out: list[Fact] = []
    if not users or users[0] == 0:
        return [Fact("funnel.insight.no_first_step", step=names[0] if names else "")]
    suffix = "_count" if counts else ""
    if len(users) >= 2:
        lost = [
            ((users[i - 1] - users[i]) / users[i - 1], i)
            for i in range(1, len(users))
            if users[i - 1] > 0
        ]
        if lost and max(lost)[0] <= 0:
            out.append(Fact(f"funnel.insight.no_loss{suffix}", users=users[0]))
        elif lost:
            share, i = max(lost)
            out.append(
                Fact(
                    f"funnel.insight.biggest_drop{suffix}",
                    from_step=names[i - 1],
                    to_step=names[i],
                    rate=share,
                    before=users[i - 1],
                    after=users[i],
                )
            )
        out.append(
            Fact(
                f"funnel.insight.overall{suffix}",
                rate=users[-1] / users[0],
                first_step=names[0],
                last_step=names[-1],
                reached=users[-1],
                started=users[0],
            )
        )
    if by and len(users) >= 2:
        final = users[-1] / users[0]
        last = res.filter(pl.col("_j") == len(users) - 1, pl.col("conversion").is_not_null())
        if last.height >= 2:
            label = pl.concat_str(
                [pl.col(b).cast(pl.String).fill_null(NONE) for b in by], separator=" / "
            )
            last = last.with_columns(_label=label).sort(["conversion", "_label"])
            worst, best = last.row(0, named=True), last.row(-1, named=True)
            picks = [("weakest", worst)]
            if best["_label"] != worst["_label"]:
                picks.append(("strongest", best))
            for kind, row in picks:
                n = int(row["users"])
                small = "_small" if n < min_users else ""
                out.append(
                    Fact(
                        f"funnel.insight.{kind}{small}",
                        segment=str(row["_label"]),
                        rate=float(row["conversion"]),
                        overall=final,
                        users=n,
                    )
                )
    return out
