"""Generated event logs for the benchmarks, shaped like the exports users upload.

The demo shop's model (``data/make_demo.py``: sessions, a 5-step journey, devices, channels,
an A/B variant, revenue, a release that breaks mobile checkout) scaled to any number of events,
written as one event log with the user's attributes on every row, as a web-analytics export
has them, and **string user ids** as real exports carry them:

- ``usr``: ``usr_0001234`` (a CRM or shop id),
- ``uuid``: ``3f2b…-…`` (36 characters, as Segment, Amplitude or a data lake),
- ``ga4``: ``1234567890.1700000000`` (GA4's ``user_pseudo_id``).

    .venv/bin/python bench/gen.py --events 1e6 --out /tmp/events_1m.csv

Deterministic: the same arguments give the same bytes.
"""

from __future__ import annotations

import argparse
import sys
import uuid
from pathlib import Path
from typing import Literal

import numpy as np
import polars as pl

ROOT = Path(__file__).resolve().parents[1]
EVENTS_PER_USER = 296_526 / 50_000  # the demo's ratio

IdStyle = Literal["usr", "uuid", "ga4"]


def string_ids(codes: np.ndarray, style: IdStyle = "usr", seed: int = 7) -> pl.Series:
    """String user ids for integer codes (distinct codes give distinct strings)."""
    codes = np.asarray(codes, dtype=np.int64)
    if style == "usr":
        return pl.Series("user_id", codes).cast(pl.String).str.zfill(7).str.replace(r"^", "usr_")
    uniq, inverse = np.unique(codes, return_inverse=True)
    rng = np.random.default_rng(seed)
    if style == "uuid":
        raw = rng.integers(0, 2**63, size=(len(uniq), 2), dtype=np.int64)
        names = [str(uuid.UUID(int=(int(a) << 64) | int(b))) for a, b in raw]
    else:  # ga4: random client part . first-visit timestamp
        left = rng.integers(100_000_000, 2_147_483_647, size=len(uniq))
        right = rng.integers(1_700_000_000, 1_735_000_000, size=len(uniq))
        names = [f"{a}.{b}" for a, b in zip(left, right, strict=True)]
    return pl.Series("user_id", np.array(names, dtype=object)[inverse], dtype=pl.String)


def event_log(n_events: int, *, style: IdStyle = "usr", seed: int = 20251130) -> pl.DataFrame:
    """About ``n_events`` events of the demo shop's model, one row per event with the user's
    device, channel, variant and signup date (the cohort), revenue on purchases."""
    sys.path.insert(0, str(ROOT / "data"))
    import make_demo

    saved = make_demo.N_USERS
    make_demo.N_USERS = max(100, round(n_events / EVENTS_PER_USER))
    try:
        tables = make_demo.build_tables(seed)
    finally:
        make_demo.N_USERS = saved
    events = tables["events"].join(tables["users"], on="user_id", how="left")
    codes = events["user_id"].str.slice(1).cast(pl.Int64).to_numpy()
    return events.with_columns(
        string_ids(codes, style), pl.col("event_time").dt.strftime("%Y-%m-%d %H:%M:%S")
    ).select(
        "user_id",
        "event_time",
        "event_name",
        "session_id",
        "device",
        "channel",
        "variant",
        "country",
        "signup_date",
        "revenue",
        "order_id",
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=float, default=1e6, help="about how many events")
    parser.add_argument("--style", choices=["usr", "uuid", "ga4"], default="usr")
    parser.add_argument("--out", type=Path, required=True, help=".csv or .parquet")
    args = parser.parse_args(argv)
    frame = event_log(int(args.events), style=args.style)
    if args.out.suffix == ".parquet":
        frame.write_parquet(args.out)
    else:
        frame.write_csv(args.out)
    print(f"{args.out}: {frame.height:,} events, {frame['user_id'].n_unique():,} users")


if __name__ == "__main__":
    main()
