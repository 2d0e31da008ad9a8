"""The demo files' stored tables (data/demo_parsed, pages/_ui/demo_store.py) are what the
reader gives on the committed CSVs today: the same typed frame, the same report, the same
roles and the same Dataset; a CSV whose bytes differ from the ones stored is read again."""

from __future__ import annotations

import polars as pl
import pytest

from kpi.load import read_table
from kpi.schema import detect_roles
from pages._ui import demo_store, state

SOURCES = demo_store.demo_sources()
REBUILD = "rebuild it: .venv/bin/python -m pages._ui.demo_store"


@pytest.mark.parametrize("source", SOURCES, ids=[p.name for p in SOURCES])
def test_each_stored_table_is_the_csv_read_today(source):
    data = source.read_bytes()
    stored = demo_store.table_of(source, data)
    assert stored is not None, f"no store (or a stale one) for {source.name}: {REBUILD}"
    fresh = read_table(data, filename=source.name)
    assert stored.frame.schema == fresh.frame.schema, REBUILD
    assert stored.frame.equals(fresh.frame), REBUILD
    assert stored.report == fresh.report, REBUILD
    assert (stored.title, stored.sheets, stored.extra_tables) == (
        fresh.title,
        fresh.sheets,
        fresh.extra_tables,
    )
    name = source.name
    assert detect_roles(stored.frame, filename=name) == detect_roles(fresh.frame, filename=name)


def test_the_demo_dataset_from_the_store_is_the_one_from_the_csvs():
    from_store = [state._parse_demo(p) for p in SOURCES]
    from_csv = [state.parse(p.name, p.read_bytes()) for p in SOURCES]
    for a, b in zip(from_store, from_csv, strict=True):
        assert (a.name, a.digest, a.roles, a.options) == (b.name, b.digest, b.roles, b.options)
    ds_a, err_a = state.build(from_store)
    ds_b, err_b = state.build(from_csv)
    assert err_a is None and err_b is None
    for table in ("events", "users", "spend", "survey"):
        x, y = getattr(ds_a, table), getattr(ds_b, table)
        assert (x is None) == (y is None)
        if x is not None:
            assert x.equals(y), table
    assert (ds_a.steps, ds_a.segments, ds_a.sources) == (ds_b.steps, ds_b.segments, ds_b.sources)


def test_a_csv_changed_without_its_store_is_read_again(tmp_path):
    source = next(p for p in SOURCES if p.name == "ad_spend.csv")
    data = source.read_bytes()
    edited = data.replace(b"1237.35", b"1237.36", 1)
    assert edited != data
    assert demo_store.table_of(source, edited) is None  # other bytes: the CSV is read
    copy = tmp_path / source.name
    copy.write_bytes(edited)
    assert demo_store.table_of(copy, edited) is None  # no store next to it
    parsed = state._parse_demo(copy)
    assert parsed.table.frame.equals(read_table(edited, filename=copy.name).frame)
    assert parsed.table.frame["spend"][0] == pytest.approx(1237.36)


def test_the_report_survives_json():
    source = next(p for p in SOURCES if p.name.startswith("events"))
    report = read_table(source.read_bytes(), filename=source.name).report
    assert demo_store.decode(demo_store.encode(report)) == report
    with pytest.raises(TypeError):
        demo_store.encode(pl.DataFrame())
