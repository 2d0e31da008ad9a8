"""Why they drop, for one view: the next events and the drivers of a step, computed once.

The Funnel page's section "Why they drop" and the workbook's sheet read the same results:
:func:`next_events_of` and :func:`drivers_of` keep them in the View's memo (keyed by the
step; the View is one per data, filters and funnel settings). Both read the period's funnel
progress that the View already keeps (:meth:`kpi.view.View.funnel_progress`) and restrict it
to the view's users (its segment filters).
"""

from __future__ import annotations

from typing import Any

import polars as pl

from kpi.errors import InputError, ParcoursError
from kpi.funnel.drivers import (
    MAX_VALUES,
    Drivers,
    drivers,
    drivers_from_counts,
    limit_values,
)
from kpi.funnel.next_events import NextEvents, next_events
from kpi.segments import NONE
from kpi.words import Fact

__all__ = [
    "default_step",
    "drivers_of",
    "engine_drivers_of",
    "next_events_of",
    "steps_of",
    "window_fact",
]


def steps_of(view: Any) -> list[str]:
    """The view's funnel steps."""
    return list(view.steps)


def default_step(table: pl.DataFrame | None) -> int:
    """The step whose passage to the next step loses the largest share of its users (the
    lowest step conversion after step 1; the first such step on a tie), 1-based; 1 without a
    funnel table."""
    if table is None or table.height < 2:
        return 1
    rates = table["step_conversion"].to_list()[1:]
    known = [(r, i) for i, r in enumerate(rates) if r is not None]
    return min(known)[1] + 1 if known else 1


def _progress(view: Any) -> Any:
    ds = view.view
    if "step" not in ds.events.columns or ds.events.height == 0:
        raise InputError(Fact("funnel_why.error.no_events"), Fact("funnel_why.hint.no_events"))
    return view.funnel_progress(timed=ds.has_timestamps)


def _kept(view: Any, key: str, fn: Any) -> Any:
    """``fn()`` kept on the View (an explained error is kept too and raised again)."""

    def run() -> Any:
        try:
            return fn()
        except ParcoursError as exc:
            return exc

    out = view.memo(key, run)
    if isinstance(out, ParcoursError):
        raise out
    return out


def next_events_of(view: Any, step: int) -> NextEvents:
    """:func:`kpi.funnel.next_events.next_events` of the view's users dropped at ``step``."""

    def compute() -> NextEvents:
        s = view.settings
        if not view.view.has_timestamps:
            raise InputError(Fact("funnel_why.error.needs_ts"), Fact("funnel_why.hint.needs_ts"))
        progress = _progress(view)
        period = view.period_dataset()
        return next_events(
            period.events,
            progress,
            step,
            window=s.window,
            order=s.order,
            users=view.view.users.select("user_id"),
        )

    return _kept(view, f"why:next|{step}", compute)


def drivers_of(view: Any, step: int, *, alpha: float = 0.05) -> Drivers:
    """:func:`kpi.funnel.drivers.drivers` of ``step`` for the view's users, every segment
    of the data and every event name of the period."""

    def compute() -> Drivers:
        progress = _progress(view)
        ds = view.view
        segments = [c for c in ds.segments if c in ds.users.columns]
        period = view.period_dataset()
        return drivers(
            progress,
            step,
            users=ds.users.select("user_id", *segments),
            segments=segments,
            events=period.events.select("user_id", "step"),
            alpha=alpha,
        )

    return _kept(view, f"why:drivers|{step}|{alpha}", compute)


def engine_drivers_of(engine: Any, step: int, *, alpha: float = 0.05) -> Drivers:
    """The segment values' tests of ``step`` on a connected table
    (:class:`kpi.engine.view.EngineView`), from the engine's funnel by each segment (users
    per segment value and step: only these counts come back). Events are not tested there:
    which user did which event stays in the engine. Not offered for an open funnel (a user
    may enter after step k there, so the last step's users are not all step k's)."""

    def compute() -> Drivers:
        steps = list(engine.steps)
        if not 1 <= step < len(steps):
            raise InputError(
                Fact("funnel_why.error.step", step=step, steps=len(steps)),
                Fact("funnel_why.hint.step"),
            )
        if engine.settings.open_funnel:
            raise InputError(
                Fact("funnel_why.error.engine_open"), Fact("funnel_why.hint.needs_sequential")
            )
        table = engine.funnel()
        if table is None:
            raise InputError(Fact("funnel_why.error.no_events"), Fact("funnel_why.hint.no_events"))
        users = [int(u or 0) for u in table["users"].to_list()]
        pop, conv = users[step - 1], users[-1]
        parts: list[pl.DataFrame] = []
        untested: dict[str, int] = {}
        for seg in engine.segments:
            raw = engine.funnel_by_raw(seg)
            if raw is None or seg not in raw.columns:
                continue
            value = pl.col(seg).cast(pl.String).fill_null(NONE)
            rows = raw.with_columns(value.alias("value"), pl.col("users").cast(pl.Int64))
            rows = rows.with_columns(_j=pl.int_range(pl.len()).over("value"))
            counts = rows.group_by("value").agg(
                pl.col("users").filter(pl.col("_j") == len(steps) - 1).sum().alias("_c"),
                pl.col("users").filter(pl.col("_j") == step - 1).sum().alias("_p"),
            )
            counts = counts.select(
                "value",
                pl.col("_c").alias("converters_with"),
                (pl.col("_p") - pl.col("_c")).alias("dropped_with"),
            )
            counts, left = limit_values(counts, MAX_VALUES)
            if left:
                untested[seg] = left
            parts.append(
                counts.select(
                    pl.lit("segment").alias("kind"), pl.lit(seg).alias("column"), pl.all()
                )
            )
        frame = pl.concat(parts, how="vertical_relaxed") if parts else pl.DataFrame(
            schema={"kind": pl.String, "column": pl.String, "value": pl.String,
                    "converters_with": pl.Int64, "dropped_with": pl.Int64}
        )  # fmt: skip
        return drivers_from_counts(
            steps, step, conv, pop - conv, frame, untested=untested, alpha=alpha
        )

    return _kept(engine, f"why:engine_drivers|{step}|{alpha}", compute)


def window_fact(settings: Any) -> Fact:
    """The conversion window "next" is bounded by, in words (the page and the sheet)."""
    if settings.window is None:
        return Fact("funnel_why.page.window_none")
    return Fact(
        "funnel_why.page.window_amount",
        amount=settings.window_amount,
        unit=Fact(f"funnel.unit.{settings.window_unit}"),
    )
