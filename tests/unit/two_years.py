"""A generated shop log over two calendar years (2024 and 2025, a leap year then a common one):
every period of 2025 has its same period a year before in the data. Deterministic."""

from __future__ import annotations

import datetime as dt
import random

import polars as pl

STEPS = ["visit", "product", "cart", "purchase"]


def two_years(n_users: int = 1200, seed: int = 7) -> pl.DataFrame:
    """Users arriving uniformly over 2024-01-01 .. 2025-12-31 go down the four steps (each one
    60 % of the previous in 2024, 70 % in 2025: conversion rose), with a device, a session
    and an order amount on purchases; the columns of ``tests.engine.engine_data.events``."""
    r = random.Random(seed)
    rows = []
    t0 = dt.datetime(2024, 1, 1)
    for u in range(n_users):
        device = r.choice(["mobile", "desktop"])
        arm = r.choice(["A", "B"])
        t = t0 + dt.timedelta(days=r.randrange(731), seconds=r.randrange(80000))
        keep = 0.6 if t.year == 2024 else 0.7
        for step in STEPS:
            buy = step == "purchase"
            rows.append(
                (f"u{u}", t, step, device, arm, f"s{u}", 20.0 + u % 9 if buy else None,
                 f"o{u}" if buy else None)
            )  # fmt: skip
            if r.random() > keep:
                break
            t += dt.timedelta(minutes=r.randrange(1, 30))
    cols = ["user_id", "ts", "step", "device", "variant", "session_id", "revenue", "order_id"]
    return pl.DataFrame(rows, schema=cols, orient="row")
