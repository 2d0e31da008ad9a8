"""The load's fast paths (issue 11, goal 4) give the answers of the implementations they replace.

Each reference below is the previous implementation, kept here verbatim: column statistics
counted on every row (detect_roles now counts distinct values only when a decision needs them,
and from the first rows when those settle it), duplicate rows by comparing whole rows (now one
hash per row first), first touch by a sort and a group-by (now each user's first row).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from kpi.funnel import default_step_order
from kpi.ingest import roles as roles_module
from kpi.ingest import shared_id as shared_id_module
from kpi.ingest.build import _default_steps, _duplicate_rows
from kpi.ingest.orders import _first_touch
from kpi.ingest.roles import _HEAD_ROWS, MAX_SEGMENT_VALUES, _column_stats
from kpi.load import read_table
from kpi.schema import TableInput, build_dataset, detect_roles

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
DATASETS = ROOT.parent / "shared" / "datasets"
DEMO = ROOT / "data" / "demo"


# --------------------------------------------------------------------------- references


def _reference_stats(s: pl.Series, n: int) -> dict:
    """detect_roles' column statistics before issue 11: everything counted on every row."""
    dtype = s.dtype
    if dtype.is_nested() or dtype == pl.Object:
        return {**roles_module._NESTED_STATS, "dtype": dtype, "non_null": s.len() - s.null_count()}
    non_null = s.drop_nulls()
    n_unique = non_null.n_unique() if non_null.len() else 0
    numeric = dtype.is_numeric()
    integral = False
    if numeric and non_null.len():
        integral = bool((non_null.cast(pl.Float64) % 1 == 0).all())
    index_like = False
    if numeric and integral and non_null.len() == n and n > 2:
        first = non_null.cast(pl.Int64)
        index_like = bool(
            (first.diff().drop_nulls() == 1).all()
            and first[0] in (0, 1)
            and s.name.strip() in ("", "index", "Unnamed: 0", "#")
        )
    return {
        "dtype": dtype,
        "non_null": non_null.len(),
        "n_unique": n_unique,
        "unique_ratio": n_unique / max(non_null.len(), 1),
        "numeric": numeric,
        "integral": integral,
        "temporal": dtype.is_temporal(),
        "boolean": dtype == pl.Boolean
        or (
            numeric
            and integral
            and non_null.len() > 0
            and set(non_null.unique().to_list()) <= {0, 1}
        ),
        "text": dtype == pl.String,
        "constant_text": dtype == pl.String and n_unique == 1,
        "index_like": index_like,
        "min": non_null.min() if numeric and non_null.len() else None,
        "max": non_null.max() if numeric and non_null.len() else None,
    }


def _reference_roles(frame: pl.DataFrame, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    with monkeypatch.context() as m:
        m.setattr(roles_module, "_column_stats", _reference_stats)
        m.setattr(shared_id_module, "_column_stats", _reference_stats)
        return detect_roles(frame)


def _reference_duplicates(frame: pl.DataFrame) -> int:
    if frame.height < 2:
        return 0
    return frame.height - frame.n_unique()


def _reference_first_touch(attrs: pl.DataFrame) -> pl.DataFrame:
    """First touch before issue 11 (with a stable sort: ties in file order)."""
    others = [c for c in attrs.columns if c not in ("user_id", "ts")]
    if "ts" in attrs.columns:
        attrs = attrs.sort("ts", nulls_last=True, maintain_order=True)
        agg = [pl.col("ts").min().alias("first_seen")]
    else:
        agg = []
    agg += [pl.col(c).drop_nulls().first().alias(c) for c in others]
    return attrs.group_by("user_id", maintain_order=True).agg(agg)


# --------------------------------------------------------------------------- every file


def _files() -> list[Path]:
    found = [p for p in sorted(FIXTURES.iterdir()) if p.suffix in (".csv", ".ndjson", ".parquet")]
    found += sorted(DEMO.iterdir())
    if DATASETS.exists():
        found += sorted(p for p in DATASETS.rglob("*.csv"))
    return found


@pytest.mark.parametrize("path", _files(), ids=lambda p: p.name)
def test_roles_and_stats_as_before_on_every_file(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    frame = read_table(path, max_mb=None).frame
    assert detect_roles(frame) == _reference_roles(frame, monkeypatch)
    n = max(frame.height, 1)
    for c in frame.columns:
        new, old = _column_stats(frame[c], n), _reference_stats(frame[c], n)
        # every statistic, the lazily counted ones included, equals the full count
        assert {k: new[k] for k in old} == old, c
        assert roles_module._at_most(_column_stats(frame[c], n), MAX_SEGMENT_VALUES) == (
            old["n_unique"] <= MAX_SEGMENT_VALUES
        )
        assert roles_module._repeats(_column_stats(frame[c], n)) == (old["unique_ratio"] < 1.0)


def test_shortcuts_on_long_columns(monkeypatch: pytest.MonkeyPatch) -> None:
    """Columns longer than the rows looked at first, built so that the first rows mislead."""
    n = _HEAD_ROWS + 5_000
    rng = np.random.default_rng(3)
    start = datetime(2025, 1, 1)
    late_values = [f"v{i}" for i in range(MAX_SEGMENT_VALUES * 5 + 10)]
    frame = pl.DataFrame(
        {
            "member": [f"u{i}" for i in range(n)],
            # few values on the first rows, more than 200 after them: not a segment
            "late_many": ["a", "b"] * (_HEAD_ROWS // 2)
            + [late_values[i % len(late_values)] for i in range(n - _HEAD_ROWS)],
            # 41 values, the 41st only at the end: just over the segment limit
            "just_over": [f"s{i % MAX_SEGMENT_VALUES}" for i in range(n - 1)] + ["extra"],
            # 40 values: a segment
            "just_at": [f"s{i % MAX_SEGMENT_VALUES}" for i in range(n)],
            "wide_open": [f"w{i}" for i in rng.permutation(n)],
            "sparse": [None] * (n - 3) + ["x", "y", "x"],
            # distinct dates on the first rows, one repeat at the very end: a signup date
            "moment": [start + timedelta(minutes=i) for i in range(n - 1)] + [start],
        }
    )
    roles = detect_roles(frame)
    assert roles == _reference_roles(frame, monkeypatch)
    assert roles["member"] == "user_id"
    assert roles["just_at"] == "segment"
    assert roles["late_many"] != "segment" and roles["just_over"] != "segment"
    assert roles["moment"] == "signup"
    distinct_dates = frame.with_columns(
        moment=pl.Series([start + timedelta(minutes=i) for i in range(n)])
    )
    assert detect_roles(distinct_dates) == _reference_roles(distinct_dates, monkeypatch)
    assert detect_roles(distinct_dates)["moment"] == "ts"
    for c in frame.columns:
        new, old = _column_stats(frame[c], n), _reference_stats(frame[c], n)
        assert roles_module._at_most(new, MAX_SEGMENT_VALUES * 5) == (
            old["n_unique"] <= MAX_SEGMENT_VALUES * 5
        )
        assert roles_module._repeats(_column_stats(frame[c], n)) == (old["unique_ratio"] < 1.0)
        assert {k: new[k] for k in old} == old


def test_numeric_statistics_as_before() -> None:
    cases = {
        "flags": [0, 1, 1, None, 0],
        "floats_01": [0.0, 1.0, None, -0.0],
        "halves": [0.0, 0.5, 1.0],
        "nan": [0.0, float("nan"), 1.0],
        "counts": [0, 3, 7, 7],
        "index": [0, 1, 2, 3],
        "empty": [None, None, None],
        "bools": [True, False, None, True],
    }
    for name, values in cases.items():
        s = pl.Series("index" if name == "index" else name, values)
        new, old = _column_stats(s, s.len()), _reference_stats(s, s.len())
        got = {k: new[k] for k in old}
        # NaN != NaN: compare the floats by their text
        assert {k: str(v) for k, v in got.items()} == {k: str(v) for k, v in old.items()}, name


# --------------------------------------------------------------------------- duplicate rows


def test_duplicate_rows_as_a_full_comparison() -> None:
    rng = np.random.default_rng(11)
    n = 5_000
    base = pl.DataFrame(
        {
            "user": rng.integers(0, 50, n).astype(str),
            "ts": rng.integers(0, 20, n),
            "amount": rng.choice([0.0, -0.0, 1.5, float("nan")], n),
            "note": pl.Series(
                [("a", None, "b")[i] for i in rng.integers(0, 3, n)], dtype=pl.String
            ),
        }
    )
    frames = [
        base,  # many duplicates (few distinct values per column)
        base.unique(maintain_order=True),  # none
        base.with_row_index("i"),  # none, on every row's hash
        pl.concat([base.head(100).with_row_index("i"), base.head(7).with_row_index("i")]),
        pl.DataFrame({"a": [None, None], "b": [None, None]}),
        pl.DataFrame({"a": [1]}),
        base.clear(),
    ]
    for f in frames:
        assert _duplicate_rows(f) == _reference_duplicates(f)
    assert _duplicate_rows(frames[3]) == 7


# --------------------------------------------------------------------------- first touch


def _attrs(seed: int, n: int = 4_000, *, sort: bool = False, null_ts: bool = False) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    start = datetime(2025, 3, 1)
    ts = [start + timedelta(hours=int(h)) for h in rng.integers(0, 300, n)]  # many ties
    if null_ts:
        ts = [None if i % 17 == 0 else t for i, t in enumerate(ts)]
    frame = pl.DataFrame(
        {
            "user_id": [f"u{i}" for i in rng.integers(0, 600, n)],
            "ts": pl.Series(ts, dtype=pl.Datetime("us")),
            "device": rng.choice(["mobile", "desktop", "tablet"], n),
            # nulls: the first non-null value
            "channel": pl.Series([("ads", "seo", None)[i] for i in rng.integers(0, 3, n)]),
            "variant": [None] * n,
            "returning": rng.choice([True, False], n),
        }
    )
    return frame.sort("ts", nulls_last=True, maintain_order=True) if sort else frame


@pytest.mark.parametrize(
    "attrs",
    [
        _attrs(1),
        _attrs(2, sort=True),
        _attrs(3, null_ts=True),
        _attrs(4, sort=True, null_ts=True),
        _attrs(5).drop("ts"),
        _attrs(6).select("user_id", "ts"),
        _attrs(7).select("user_id"),
        _attrs(8).clear(),
    ],
    ids=["shuffled", "sorted", "null_ts", "sorted_null_ts", "no_ts", "ts_only", "ids", "empty"],
)
def test_first_touch_as_a_sort_and_group_by(attrs: pl.DataFrame) -> None:
    got, want = _first_touch(attrs), _reference_first_touch(attrs)
    assert got.columns == want.columns
    assert got.schema == want.schema
    assert got.equals(want)


def test_dataset_users_as_before_on_the_demo_events() -> None:
    table = read_table(DEMO / "events.csv.gz")
    t = TableInput.from_table("events.csv.gz", table)
    ds = build_dataset([t])
    from kpi.ingest.shapes import _events_from

    _, attrs, _, _ = _events_from(t)
    want = _reference_first_touch(attrs)
    assert ds.users.select(want.columns).equals(want)


# --------------------------------------------------------------------------- default steps


def test_default_steps_on_hashed_ids_as_on_the_ids() -> None:
    """Step names unknown to kpi.steps are ordered by distinct users: counted on the hashes of
    the ids, the order is that of the ids themselves."""
    rng = np.random.default_rng(5)
    n = 30_000
    users = [f"u{i:05d}" for i in range(3_000)]
    # step k is done by about 3000 / (k + 1) users, many times each: the order is by users
    k = rng.integers(0, 6, n)
    who = (rng.random(n) * 3_000 / (k + 1)).astype(int)
    start = datetime(2025, 1, 1)
    events = pl.DataFrame(
        {
            "user_id": [users[i] for i in who],
            "step": [f"stage {j}" for j in k],
            "ts": [start + timedelta(minutes=int(m)) for m in rng.integers(0, 9_000, n)],
        }
    )
    table = pl.DataFrame({"user_id": users})
    want = default_step_order(events)
    assert want == [f"stage {j}" for j in range(6)]
    assert _default_steps(events, table) == want
    assert _default_steps(events.drop("ts"), table) == default_step_order(events.drop("ts"))
    assert _default_steps(events, None) == want
    demo = build_dataset(
        [TableInput.from_table("events.csv.gz", read_table(DEMO / "events.csv.gz"))]
    )
    assert _default_steps(demo.events, demo.users) == default_step_order(demo.events)
