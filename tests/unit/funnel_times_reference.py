"""A brute-force reference for the step times with exclusion steps and per-step windows
(kpi.funnel.timing's module docstring): every path of every user enumerated in Python."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Sequence

import polars as pl

from kpi.settings import Exclusion, StepWindow


def _us(ts: object) -> int:
    if isinstance(ts, dt.datetime):
        return (ts - dt.datetime(1970, 1, 1)) // dt.timedelta(microseconds=1)
    return round(float(ts) * 1_000_000)  # type: ignore[arg-type]


def _window_us(w: StepWindow) -> int:
    unit = {"minutes": 60, "hours": 3600, "days": 86400, "seconds": 1, "weeks": 604800}
    return round(w.amount * unit[w.unit] * 1_000_000)


def reference_paths(
    events: pl.DataFrame,
    steps: Sequence[str],
    *,
    window: dt.timedelta | None = None,
    exclusions: Sequence[Exclusion] = (),
    step_windows: Sequence[StepWindow] = (),
) -> dict[object, tuple[int, list[int]]]:
    """Per user: (steps reached with the rules, the times in µs of the path the step times
    use), by enumerating every path."""
    k = len(steps)
    pos = {s: i for i, s in enumerate(steps)}
    w = None if window is None else window // dt.timedelta(microseconds=1)
    gaps = {pos[sw.step]: _window_us(sw) for sw in step_windows}
    xnames = {x.event for x in exclusions}
    out: dict[object, tuple[int, list[int]]] = {}
    for (user,), g in events.group_by(["user_id"], maintain_order=True):
        rows = [
            (_us(ts), pos[s])
            for s, ts in zip(g["step"], g["ts"], strict=True)
            if s in pos and ts is not None
        ]
        rows.sort()
        xs = {
            x: [
                _us(ts)
                for s, ts in zip(g["step"], g["ts"], strict=True)
                if s == x and ts is not None
            ]
            for x in xnames
        }
        if not rows:
            continue

        def paths(length: int, rows: list = rows):
            for combo in itertools.combinations(range(len(rows)), length):
                if all(rows[r][1] == j for j, r in enumerate(combo)):
                    yield [rows[r][0] for r in combo], combo

        def in_window(times: list[int]) -> bool:
            return w is None or times[-1] - times[0] <= w

        def ruled_ok(times: list[int], xs: dict = xs) -> bool:
            for j in range(1, len(times)):
                if j in gaps and times[j] - times[j - 1] > gaps[j]:
                    return False
            for x in exclusions:
                a, b = pos[x.after], pos[x.before]
                m = min(b, len(times) - 1)
                if m > a and any(times[a] < tx < times[m] for tx in xs[x.event]):
                    return False
            return True

        level = 0
        for length in range(k, 0, -1):
            if any(in_window(t) and ruled_ok(t) for t, _ in paths(length)):
                level = length
                break
        if level == 0:
            out[user] = (0, [])
            continue
        # the usual best attempt through `level`: the latest start, then the earliest event
        # of each step that a prefix from that start or later reaches
        star = max(t[0] for t, _ in paths(level) if in_window(t))
        usual = [
            min(t[-1] for t, _ in paths(j + 1) if in_window(t) and t[0] >= star)
            for j in range(level)
        ]
        if ruled_ok(usual):
            out[user] = (level, usual)
            continue
        valid = [(t, c) for t, c in paths(level) if in_window(t) and ruled_ok(t)]
        s = max(t[0] for t, _ in valid)
        end = min(t[-1] for t, _ in valid if t[0] == s)
        best = max(
            (c[::-1] for t, c in valid if t[0] == s and t[-1] == end),
        )
        out[user] = (level, [rows[r][0] for r in best[::-1]])
    return out


def reference_step_medians(
    paths: dict[object, tuple[int, list[int]]], k: int
) -> list[tuple[int, float | None, float | None]]:
    """Per step: users reaching it, median seconds from the previous step and from step 1."""
    import statistics

    out = []
    for j in range(k):
        got = [p for lvl, p in paths.values() if lvl > j]
        prev = [(p[j] - p[j - 1]) / 1e6 if j else 0.0 for p in got]
        first = [(p[j] - p[0]) / 1e6 for p in got]
        out.append(
            (
                len(got),
                statistics.median(prev) if prev else None,
                statistics.median(first) if first else None,
            )
        )
    return out
