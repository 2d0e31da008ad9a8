"""The canonical :class:`kpi.dataset.Dataset` from typed tables with roles, every row accounted for."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import PurePath
from typing import Literal

import polars as pl

from kpi import pipeline
from kpi.dataset import Dataset, Source
from kpi.errors import SchemaError
from kpi.ingest.currency import one_currency
from kpi.ingest.orders import _first_touch
from kpi.ingest.roles import SEGMENT_ROLES, _name_match
from kpi.ingest.rows import MISSING_USER_ID, REPEATED_USER_ID
from kpi.ingest.shapes import (
    TableInput,
    _as_id,
    _counts_from,
    _Drops,
    _events_from,
    _segment_cols,
    _spend_from,
    _step_name_from,
    _survey_from,
    _to_datetime,
)
from kpi.ingest.shared_id import align_user_ids, shared_user_id
from kpi.segments import cohort_of
from kpi.words import Fact


def build_dataset(
    tables: Sequence[TableInput], *, cohort_grain: Literal["week", "month"] = "month"
) -> Dataset:
    """Turn typed tables with roles into the canonical Dataset, accounting for every row.

    Several event tables share one user space (ids compared as text). User attributes come from
    user tables first, then from events (first touch: the value on the user's first event).
    ``cohort`` is the file's cohort column if any, else the first-seen (or signup) month/week.
    """
    if not tables:
        raise SchemaError(Fact("ingest_errors.no_table"), Fact("ingest_errors.hint.upload_one"))
    # several files: a file with no recognised user id takes the column the others share
    shared = None
    if len(tables) > 1:
        tables, fixed = align_user_ids(tables, only_missing=True)
        shared = shared_user_id(tables)
        if shared is not None and fixed is not None and fixed.changed:
            shared = replace(shared, changed=fixed.changed)
    events_parts: list[pl.DataFrame] = []
    attr_parts: list[pl.DataFrame] = []
    user_tables: list[pl.DataFrame] = []
    spend = survey = counts = None
    sources: list[Source] = []
    notes: list[Fact | str] = []
    step_order: list[str] = []
    per_step_files: list[tuple[str, int]] = []  # one file per funnel step: (step, users)
    for t in tables:
        kind = t.kind
        dropped = dict(t.dropped)
        examples = {k: list(v) for k, v in t.examples.items()}
        kept = t.frame.height
        if kind in ("events", "orders", "wide", "contacts"):
            ev, attrs, d, n = pipeline.contacts_from(t) if kind == "contacts" else _events_from(t)
            dropped.update(d.counts)
            examples.update(d.examples)
            kept = t.frame.height - sum(d.counts.values())
            notes += n
            events_parts.append(ev)
            attr_parts.append(attrs)
            if kind == "wide":
                step_order += [_step_name_from(c) for c in t.cols("step_flag")]
            elif kind == "contacts":
                step_order += pipeline.ordered_steps(ev["step"].unique(maintain_order=True))
            elif kind == "events" and ev["step"].n_unique() == 1 and ev.height:
                per_step_files.append((ev["step"][0], ev["user_id"].n_unique()))
        elif kind == "users":
            f = t.frame
            uid = t.col("user_id")
            signup = t.col("signup") or t.col("ts")
            cols = [_as_id(pl.col(uid), f.schema[uid]).alias("user_id")]
            cols += [pl.col(c).cast(pl.String).alias(n) for c, n in _segment_cols(t).items()]
            cols += [pl.col(c).cast(pl.Boolean).alias(c) for c in t.cols("converted")]
            cols += [pl.col(c).alias(c) for c in t.cols("metric")]
            if signup:
                cols.append(_to_datetime(pl.col(signup), f.schema[signup]).alias("signup"))
            drops = _Drops()
            u = drops.apply(
                f.select(cols),
                pl.col("user_id").is_not_null() & (pl.col("user_id") != ""),
                MISSING_USER_ID,
            )
            if u.height - u["user_id"].n_unique():
                u = drops.apply(u, pl.int_range(pl.len()).over("user_id") == 0, REPEATED_USER_ID)
                notes.append(
                    Fact(
                        "ingest_shape.repeated_user_ids",
                        file=t.name,
                        n=drops.counts[REPEATED_USER_ID],
                    )
                )
            dropped.update(drops.counts)
            examples.update(drops.examples)
            kept = u.height
            user_tables.append(u)
        elif kind == "spend":
            spend = (
                _spend_from(t)
                if spend is None
                else pl.concat([spend, _spend_from(t)], how="diagonal_relaxed")
            )
        elif kind == "survey":
            s, d = _survey_from(t)
            dropped.update(d.counts)
            examples.update(d.examples)
            kept = s.height
            survey = s if survey is None else pl.concat([survey, s], how="diagonal_relaxed")
        elif kind == "counts":
            c = _counts_from(t)
            counts = c if counts is None else pl.concat([counts, c], how="diagonal_relaxed")
            step_order += [
                s for s in c["step"].unique(maintain_order=True).to_list() if s not in step_order
            ]
        rows_read = t.rows_read if t.rows_read is not None else t.frame.height
        duplicates = _duplicate_rows(t.frame) if kind in ("events", "orders", "wide") else 0
        sources.append(Source(t.name, kind, rows_read, kept, dropped, examples, duplicates))

    if shared is not None and all(
        t.col("user_id") == shared.column for t in tables if shared.column in t.frame.columns
    ):
        notes.insert(0, shared.note())
    if events_parts:
        events = pl.concat(events_parts, how="diagonal_relaxed")
    else:
        events = pl.DataFrame(schema={"user_id": pl.String, "step": pl.String})
    users = _users_table(attr_parts, user_tables, events)
    user_schema = users.schema  # once: a wide table has thousands of columns
    users, segments, extra_segments = user_segments(users, cohort_grain, notes, user_schema)
    flags = [c for c, dtype in users.schema.items() if dtype == pl.Boolean]
    if survey is not None and "user_id" in survey.columns:
        extra = [c for c in segments if c not in survey.columns]
        if extra:
            survey = survey.join(users.select("user_id", *extra), on="user_id", how="left")
    if per_step_files:
        # a funnel narrows: the file with the most users is the first step (stable sort keeps
        # the upload order for ties), whatever order the browser sent the files in
        step_order += [s for s, _ in sorted(per_step_files, key=lambda x: -x[1])]
        if len(per_step_files) > 1:
            notes.append(Fact("ingest_shape.steps_by_users"))
    if not step_order and events.height:
        step_order = _default_steps(events, users)
    seen: set[str] = set()
    steps = tuple(s for s in step_order if not (s in seen or seen.add(s)))
    currencies = tuple(sorted({c for t in tables for c in t.currencies_named()}))
    if len(currencies) > 1:
        notes.append(Fact("ingest_shape.currencies", currencies=list(currencies)))
    return Dataset(
        events=events,
        users=users,
        spend=spend,
        survey=survey,
        counts=counts,
        steps=steps,
        segments=tuple(dict.fromkeys(segments)),
        extra_segments=tuple(extra_segments),
        flags=tuple(flags),
        sources=tuple(sources),
        notes=tuple(notes),
        currency=one_currency(currencies),
        currencies=currencies,
    )


SEGMENTS_SHOWN = 12  # segment columns offered by default; the others are one click away


def user_segments(
    users: pl.DataFrame,
    cohort_grain: str,
    notes: list[Fact],
    schema: Mapping[str, pl.DataType] | None = None,
) -> tuple[pl.DataFrame, list[str], list[str]]:
    """(users with a cohort column, segments shown by default, the other candidates): the
    text columns of the users table ranked by :func:`rank_segments`, and a cohort derived from
    the signup date (else first seen) unless the data has one, said in ``notes``."""
    segments = [
        c
        for c, dtype in (schema or users.schema).items()
        if c not in ("user_id", "first_seen", "signup") and dtype == pl.String
    ]
    segments, extra_segments = rank_segments(users, segments)
    if "cohort" not in users.columns:
        anchor = next((c for c in ("signup", "first_seen") if c in users.columns), None)
        if anchor:
            users = users.with_columns(cohort_of(pl.col(anchor), cohort_grain).alias("cohort"))
            segments.append("cohort")
            notes.append(
                Fact(
                    f"ingest_shape.cohort.{anchor}.{cohort_grain}",
                    anchor=anchor,
                    grain=cohort_grain,
                )
            )
    return users, segments, extra_segments


def rank_segments(
    users: pl.DataFrame, candidates: Sequence[str], shown: int = SEGMENTS_SHOWN
) -> tuple[list[str], list[str]]:
    """(segments shown by default, in the table's order; the other candidates, best first).

    ``device``, ``channel``, ``variant`` and ``cohort`` are always shown. The others are ranked:
    more than one value first, then mostly filled, then a name that says segment (country,
    plan, discount code…), then values shared by many users (not one per user), then fewer
    distinct values.
    """
    candidates = list(dict.fromkeys(candidates))
    fixed = [c for c in candidates if c in SEGMENT_ROLES and c != "segment"]
    others = [c for c in candidates if c not in fixed]
    if len(fixed) + len(others) <= shown:
        return candidates, []
    height = max(users.height, 1)
    distinct = users.select(pl.col(others).drop_nulls().n_unique()).row(0) if others else ()
    nulls = users.select(pl.col(others).null_count()).row(0) if others else ()

    def key(item: tuple[int, str]) -> tuple:
        i, c = item
        filled = height - nulls[i]
        named = (_name_match(c) or ("",))[0] in SEGMENT_ROLES
        return (
            distinct[i] < 2,
            nulls[i] / height > 0.5,
            not named,
            filled > 0 and distinct[i] / filled > 0.5,
            distinct[i],
            i,
        )

    ranked = [c for _, c in sorted(enumerate(others), key=key)]
    keep = set(fixed) | set(ranked[: max(shown - len(fixed), 0)])
    return [c for c in candidates if c in keep], [c for c in ranked if c not in keep]


def _duplicate_rows(frame: pl.DataFrame) -> int:
    """Rows identical to another row in every column (the extra copies).

    Exact and cheap: one hash per row; rows whose hash is unique are unique, so when every hash
    is distinct there is no duplicate, and otherwise only the rows sharing a hash are compared.
    """
    if frame.height < 2:
        return 0
    try:
        hashes = frame.hash_rows()
    except pl.exceptions.PolarsError:  # pragma: no cover - columns polars cannot hash
        candidates = frame
    else:
        if hashes.n_unique() == frame.height:
            return 0
        candidates = frame.filter(hashes.is_duplicated())
    try:
        return candidates.height - candidates.n_unique()
    except pl.exceptions.PolarsError:  # columns polars cannot compare (objects)
        return candidates.height - candidates.hash_rows().n_unique()


def _users_table(
    attr_parts: list[pl.DataFrame], user_tables: list[pl.DataFrame], events: pl.DataFrame
) -> pl.DataFrame:
    parts = []
    if attr_parts:
        attrs = pl.concat(attr_parts, how="diagonal_relaxed")
        parts.append(_first_touch(attrs))
    users: pl.DataFrame | None = None
    for u in user_tables:
        users = (
            u
            if users is None
            else users.join(u, on="user_id", how="full", coalesce=True, suffix="_2")
        )
    if parts:
        ev_users = parts[0]
        if users is None:
            users = ev_users
        else:
            # user-table values win; event-derived ones fill gaps and add event-only users
            extra = [c for c in ev_users.columns if c != "user_id" and c not in users.columns]
            users = users.join(
                ev_users.select("user_id", *extra), on="user_id", how="full", coalesce=True
            )
    if users is None:
        users = events.select("user_id").unique(maintain_order=True)
    if "first_seen" not in users.columns and "ts" in events.columns:
        first = events.group_by("user_id").agg(pl.col("ts").min().alias("first_seen"))
        users = users.join(first, on="user_id", how="left")
    return users


def _default_steps(events: pl.DataFrame, users: pl.DataFrame | None = None) -> list[str]:
    """The suggested step order (:func:`kpi.funnel.default_step_order`).

    The order depends on the user ids only through the number of distinct users per step. When
    a 64-bit hash of the ids is one-to-one on ``users`` (every event's user is there), those
    counts are taken on the hashes, which is about twice as fast as on the id strings, with
    the same counts.
    """
    if users is not None and "user_id" in users.columns and events.schema["user_id"] == pl.String:
        ids = users["user_id"]
        if ids.null_count() == 0 and ids.hash().n_unique() == ids.len():
            events = events.select(pl.col("user_id").hash(), "step", *_ts(events))
    try:
        from kpi.funnel import default_step_order

        return list(default_step_order(events))
    except ImportError:  # pragma: no cover - funnel module not there yet
        return (
            events.group_by("step")
            .agg(pl.col("user_id").n_unique().alias("n"))
            .sort("n", descending=True)["step"]
            .to_list()
        )


def _ts(events: pl.DataFrame) -> list[str]:
    return ["ts"] if "ts" in events.columns else []


def table_name(filename: str | None, index: int = 0) -> str:
    """The table's display name: the file name without folders (``home_page_table.csv``)."""
    return PurePath(filename).name if filename else f"table {index + 1}"


def rederive_cohort(ds: Dataset, grain: Literal["week", "month"] = "month") -> Dataset:
    """The same Dataset with its derived cohort recomputed at another grain (week/month).

    A cohort column that came from the file is left as it is.
    """
    derived = any(getattr(n, "code", "").startswith("ingest_shape.cohort.") for n in ds.notes)
    anchor = "signup" if "signup" in ds.users.columns else "first_seen"
    if not derived or anchor not in ds.users.columns:
        return ds
    users = ds.users.with_columns(cohort_of(pl.col(anchor), grain).alias("cohort"))
    return ds.with_tables(users=users)
