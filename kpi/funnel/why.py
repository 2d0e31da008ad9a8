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
    MAX_EVENTS,
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
    "events_rule_fact",
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
    of the data and every event name of the period (each counted only between step ``step``
    and the user's outcome)."""

    def compute() -> Drivers:
        progress = _progress(view)
        ds = view.view
        segments = [c for c in ds.segments if c in ds.users.columns]
        period = view.period_dataset()
        s = view.settings
        timed = ds.has_timestamps and "ts" in period.events.columns
        return drivers(
            progress,
            step,
            users=ds.users.select("user_id", *segments),
            segments=segments,
            events=period.events.select("user_id", "step", *(["ts"] if timed else [])),
            window=s.window if timed else None,
            order=s.order if timed else "sequential",
            alpha=alpha,
        )

    return _kept(view, f"why:drivers|{step}|{alpha}", compute)


def engine_drivers_of(engine: Any, step: int, *, alpha: float = 0.05) -> Drivers:
    """The tests of ``step`` on a connected table (:class:`kpi.engine.view.EngineView`):
    the segment values from the engine's funnel by each segment (users per segment value and
    step), the events from :func:`kpi.engine.drivers.event_counts` (converters and drop-offs
    per event name, each event counted between step k and the user's outcome as
    :func:`drivers_of`); only these counts come back. Not offered for an open funnel (a user
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
        notes: list[Fact] = []
        s = engine.settings
        if not engine.has_timestamps or s.order != "sequential":
            notes.append(Fact("funnel_why.note.events_untimed"))
        elif pop:
            counts, left = limit_values(_engine_events(engine, steps, step), MAX_EVENTS)
            if left:
                untested["(events)"] = left
            parts.append(
                counts.select(
                    pl.lit("event").alias("kind"), pl.lit(None, dtype=pl.String).alias("column"),
                    "value", "converters_with", "dropped_with",
                )
            )  # fmt: skip
        frame = pl.concat(parts, how="vertical_relaxed") if parts else pl.DataFrame(
            schema={"kind": pl.String, "column": pl.String, "value": pl.String,
                    "converters_with": pl.Int64, "dropped_with": pl.Int64}
        )  # fmt: skip
        return drivers_from_counts(
            steps,
            step,
            conv,
            pop - conv,
            frame,
            untested=untested,
            alpha=alpha,
            notes=notes,
            events_tested=not notes,
        )

    return _kept(engine, f"why:engine_drivers|{step}|{alpha}", compute)


def _engine_events(engine: Any, steps: list[str], step: int) -> pl.DataFrame:
    """:func:`kpi.engine.drivers.event_counts` of the engine view (its rules in effect)."""
    from kpi.engine.drivers import event_counts
    from kpi.funnel.prepare import _window_us
    from kpi.funnel.rules import rules_of

    s = engine.settings
    kept = engine.funnel_rules()
    rules = (
        rules_of(steps, kept.exclusions, kept.step_windows, order=s.order, has_ts=True)
        if kept.active
        else None
    )
    return event_counts(engine.table, steps, step, _window_us(s.window), engine.filters, rules)


def window_fact(settings: Any) -> Fact:
    """The conversion window "next" is bounded by, in words (the page and the sheet)."""
    if settings.window is None:
        return Fact("funnel_why.page.window_none")
    return Fact(
        "funnel_why.page.window_amount",
        amount=settings.window_amount,
        unit=Fact(f"funnel_rules.unit.{settings.window_unit}", n=settings.window_amount),
    )


def intro_fact(d: Drivers) -> Fact:
    """Who the converters and the drop-offs of ``d`` are, in words (the page and the sheet)."""
    return Fact(
        "funnel_why.page.diff_intro",
        population=d.population,
        step=d.step_name,
        converters=d.converters,
        last=d.last_name,
        dropped=d.dropped,
    )


def events_rule_fact(settings: Any, d: Drivers) -> Fact | None:
    """How the events of ``d`` were counted (between step k and the outcome), in words, for
    the page's caption and the sheet's note; None when no event was compared."""
    if not d.events_tested:
        return None
    if settings.window is None:
        window = Fact("funnel_why.page.events_window_none")
    else:
        window = Fact(
            "funnel_why.page.events_window_amount",
            amount=settings.window_amount,
            unit=Fact(f"funnel_why.unit.{settings.window_unit}", n=settings.window_amount),
        )
    return Fact("funnel_why.page.events_rule", step=d.step_name, last=d.last_name, window=window)
