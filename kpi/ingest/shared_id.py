"""Several files: the column that identifies a user across them, decided by the values."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import polars as pl

from kpi.ingest.roles import MAX_SEGMENT_VALUES, _column_stats, _fallback_role, _name_role
from kpi.ingest.shapes import TableInput, _as_id
from kpi.words import Fact


@dataclass(frozen=True)
class SharedId:
    """The column that identifies users across several files, and the facts behind the choice.

    ``overlap``: share of the column's distinct values (over all files) found in at least two
    files. ``others``: other columns the files share, with why they lost: ``("few values",
    n)``, ``("less overlap", share)``, ``("not in every file", files)``.
    """

    column: str
    files: int  # files holding the column
    of_files: int  # files with users in them
    overlap: float
    distinct: int
    others: tuple[tuple[str, str, float], ...] = ()
    changed: tuple[str, ...] = ()  # files whose user id role was set or corrected

    def note(self) -> Fact:
        """The Data page's fact: which column, and why (files, overlap, the others)."""
        if self.files == self.of_files:
            share = (
                Fact("ingest_shape.shared_id.both")
                if self.files == 2
                else Fact("ingest_shape.shared_id.all", files=self.files)
            )
        else:
            share = Fact("ingest_shape.shared_id.some", files=self.files, of_files=self.of_files)
        why = {
            "few values": lambda c, v: Fact(
                "ingest_shape.shared_id.few_values", column=c, n=int(v)
            ),
            "less overlap": lambda c, v: Fact(
                "ingest_shape.shared_id.less_overlap", column=c, overlap=v
            ),
            "not in every file": lambda c, v: Fact(
                "ingest_shape.shared_id.fewer_files", column=c, files=int(v)
            ),
        }
        others: Fact | str = (
            Fact(
                "ingest_shape.shared_id.not",
                columns=[why[r](c, v) for c, r, v in self.others[:3]],
            )
            if self.others
            else ""
        )
        changed: Fact | str = (
            Fact("ingest_shape.shared_id.changed", files=list(self.changed)) if self.changed else ""
        )
        return Fact(
            "ingest_shape.shared_id",
            column=self.column,
            share=share,
            overlap=self.overlap,
            others=others,
            changed=changed,
        )


_MEASURE_ROLES = {"revenue", "quantity", "unit_price", "spend", "score", "count", "rate", "metric"}
_AGGREGATE_ROLES = {"spend", "count", "rate", "impressions", "clicks"}


def shared_user_id(tables: Sequence[TableInput]) -> SharedId | None:
    """The column the files share that identifies a user, decided by the values.

    Candidates are the column names held by at least two of the files with users (aggregates
    and ad spend left out), not dates, decimals, flags or records. Ranked by: files holding
    it, being already a user id somewhere (by name), looking like an id (many distinct values,
    more than :data:`MAX_SEGMENT_VALUES`, or one a row in some file), the overlap of values
    between files, then distinct values. None with fewer than two such files.
    """
    considered = [
        t
        for t in tables
        if t.col("user_id") is not None or not (set(t.roles.values()) & _AGGREGATE_ROLES)
    ]
    if len(considered) < 2:
        return None
    holders: dict[str, list[TableInput]] = {}
    for t in considered:
        for c in t.frame.columns:
            holders.setdefault(c, []).append(t)
    scored = []
    for col, ts in holders.items():
        if len(ts) < 2:
            continue
        if not all(_can_be_id(t.frame[col]) for t in ts):
            continue
        if all(t.roles.get(col) in _MEASURE_ROLES | {"order_id", "session_id", "ts"} for t in ts):
            continue
        values = pl.concat(
            [
                t.frame.select(_as_id(pl.col(col), t.frame.schema[col]).alias("v"))
                .drop_nulls()
                .unique()
                .with_columns(pl.lit(i).alias("file"))
                for i, t in enumerate(ts)
            ]
        )
        per_value = values.group_by("v").agg(pl.len().alias("n"))
        distinct = per_value.height
        if distinct == 0:
            continue
        overlap = per_value.filter(pl.col("n") >= 2).height / distinct
        one_a_row = any(
            t.frame[col].drop_nulls().n_unique() >= 0.9 * max(t.frame[col].drop_nulls().len(), 1)
            and t.frame.height > 1
            for t in ts
        )
        id_like = distinct > MAX_SEGMENT_VALUES or (one_a_row and distinct > 2)
        named = _name_role(col) == "user_id"  # by its header, not by a guess from values
        scored.append(
            ((len(ts), named, id_like, overlap, distinct), col, len(ts), overlap, distinct, id_like)
        )
    if not scored:
        return None
    scored.sort(key=lambda x: x[0], reverse=True)
    best = next((x for x in scored if x[5] and x[3] > 0), None)
    if best is None:
        return None
    _, col, n_files, overlap, distinct, _ = best
    others = []
    for _, c, nf, ov, dist, id_like in scored:
        if c == col:
            continue
        if not id_like:
            others.append((c, "few values", float(dist)))
        elif nf < n_files:
            others.append((c, "not in every file", float(nf)))
        else:
            others.append((c, "less overlap", ov))
    return SharedId(col, n_files, len(considered), overlap, distinct, tuple(others))


def _can_be_id(s: pl.Series) -> bool:
    """Text or whole numbers (``17850.0`` included): not dates, flags, decimals or records."""
    d = s.dtype
    if d.is_temporal() or d.is_nested() or d in (pl.Boolean, pl.Null, pl.Object):
        return False
    if d.is_float():
        nn = s.drop_nulls()
        return bool(nn.len()) and bool((nn % 1 == 0).all())
    return True


def align_user_ids(
    tables: Sequence[TableInput], *, only_missing: bool = False
) -> tuple[list[TableInput], SharedId | None]:
    """Tables whose user id role is the column the files share (:func:`shared_user_id`).

    A file without a user id, or whose user id is another column while the shared one is in
    it, gets the shared column as its user id (the former one becomes a segment or is ignored).
    Files without the shared column are left as they are. ``only_missing``: correct only the
    files that have no user id (the user's own choices stand).
    """
    choice = shared_user_id(tables)
    if choice is None:
        return list(tables), None
    out: list[TableInput] = []
    changed: list[str] = []
    for t in tables:
        current = t.col("user_id")
        if (
            choice.column not in t.frame.columns
            or current == choice.column
            or (only_missing and current is not None)
        ):
            out.append(t)
            continue
        roles = dict(t.roles)
        if current is not None:
            st = _column_stats(t.frame[current], max(t.frame.height, 1))
            roles[current] = (
                _fallback_role(st) if st["n_unique"] <= MAX_SEGMENT_VALUES else "ignore"
            )
        roles[choice.column] = "user_id"
        out.append(replace(t, roles=roles))
        changed.append(t.name)
    return out, replace(choice, changed=tuple(changed))
