"""What the data offers the stage KPIs: the step playing each role, purchase events, events
read as pages, and whether the data holds purchases only."""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from kpi import pipeline
from kpi.dataset import Dataset
from kpi.errors import InputError, SchemaError
from kpi.words import Fact

__all__ = [
    "GA4_MARKERS",
    "PAGE",
    "ROLES",
    "detect_steps",
    "has_values",
    "known_steps",
    "orders_only",
    "period_start",
    "purchase_events",
    "resolve_steps",
    "step_arguments",
]

#: the step roles a caller may choose (``landing_step=``…)
ROLES = ("landing", "product", "cart", "purchase", "lead", "customer")

#: GA4 automatically collected events that mark a session or a user, not a page they saw.
GA4_MARKERS: tuple[str, ...] = ("session_start", "first_visit", "first_open", "user_engagement")
#: 1 for an event read as a page (or screen) view, 0 for a GA4 marker.
PAGE = (~pl.col("step").cast(pl.String).is_in(GA4_MARKERS)).fill_null(True).cast(pl.Int64)


def detect_steps(steps: tuple[str, ...] | list[str]) -> dict[str, str | None]:
    """The step name playing each role (the one vocabulary of step names, kpi.stages)."""
    from kpi import stages  # the step vocabulary lives beside the stable names

    return stages.detect_steps(steps)


def has_values(frame: pl.DataFrame | None, column: str) -> bool:
    """True when ``frame`` has ``column`` with at least one non-null value."""
    return (
        frame is not None and column in frame.columns and frame[column].null_count() < frame.height
    )


def purchase_events(events: pl.DataFrame, purchase_step: str | None) -> pl.DataFrame | None:
    """The purchase step's events; else the events with an order id; else with revenue > 0;
    None when the data has no purchases at all."""
    if purchase_step is not None:
        return events.filter(pl.col("step") == purchase_step)
    if has_values(events, "order_id"):
        return events.filter(pl.col("order_id").is_not_null())
    if has_values(events, "revenue"):
        return events.filter(pl.col("revenue") > 0)
    return None


def known_steps(dataset: Dataset) -> list[str]:
    """The data's steps: the Dataset's own order, else the event names by frequency."""
    if dataset.steps:
        return list(dataset.steps)
    if "step" not in dataset.events.columns:
        return []
    counts = (
        dataset.events.group_by("step")
        .agg(pl.len())
        .sort(["len", "step"], descending=[True, False])
    )
    return [s for s in counts["step"].to_list() if s is not None]


def resolve_steps(dataset: Dataset, given: Mapping[str, str | None]) -> dict[str, str | None]:
    """The step of each role: detected, or ``given`` (checked against the data's steps)."""
    for col in ("user_id", "step"):
        if col not in dataset.events.columns:
            raise SchemaError(
                Fact("stages.error.no_column", column=col),
                Fact("stages.hint.map_column", column=col),
            )
    known = known_steps(dataset)
    roles = detect_steps(known)
    present = set(known)
    if "step" in dataset.events.columns:
        present |= set(dataset.events["step"].unique().drop_nulls().to_list())
    for role, name in given.items():
        if name is None:
            continue
        if name not in present:
            hint = (
                Fact("stages.hint.choose_step", steps=known[:12])
                if known
                else Fact("stages.hint.no_steps")
            )
            raise InputError(
                Fact("stages.error.unknown_step", role=Fact(f"stages.role.{role}"), step=name),
                hint,
            )
        roles[role] = name
    return roles


def step_arguments(**steps: str | None) -> dict[str, str | None]:
    """``landing_step=``… keyword arguments as role -> step (an unknown option refused)."""
    unknown = set(steps) - {f"{r}_step" for r in ROLES}
    if unknown:
        raise InputError(
            Fact("stages.error.unknown_option", options=sorted(unknown)),
            Fact("stages.hint.step_options", options=[f"{r}_step" for r in ROLES]),
        )
    return {r: steps.get(f"{r}_step") for r in ROLES}


def period_start(events: pl.DataFrame) -> object:
    """Midnight of the day of the earliest event (signup dates are often dates only)."""
    if not has_values(events, "ts"):
        return None
    return events.select(pl.col("ts").min().dt.truncate("1d")).item()


def orders_only(dataset: Dataset, purchase_step: str | None = None) -> bool:
    """True when every event of the data is a purchase (an orders file, no visits): then every
    user in it bought, and conversion or engagement rates do not apply."""
    ev = dataset.events
    if ev.height == 0 or "step" not in ev.columns or pipeline.is_contacts(dataset):
        return False
    step = purchase_step or detect_steps(known_steps(dataset)).get("purchase")
    purchases = purchase_events(ev, step)
    return purchases is not None and purchases.height == ev.height
