"""The streaming route for big files (kpi/ingest/scan.py) against the normal route
(read_table + build_dataset, the reference): same Dataset contents, same dropped-row
accounting, same workbook; and the command line picks the route as documented."""

from __future__ import annotations

import io
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import openpyxl
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from kpi import __main__ as cli
from kpi.filters import Filters
from kpi.ingest.scan import ScanUnsupported, decode_ids, scan_dataset
from kpi.load import read_table
from kpi.report import ReportOptions, build_workbook
from kpi.schema import TableInput, build_dataset
from kpi.view import View

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))
from gen import event_log  # noqa: E402

DIRTY = [
    ",,,,,,,,,,\n",  # blank row
    ",2025-06-01 10:00:00,landing,s1,mobile,ads,A,FR,2025-06-01,,\n",  # no user id
    "usr_9999999,2025-06-01 10:00:00,,s1,mobile,ads,A,FR,2025-06-01,,\n",  # no event
    "usr_9999998,not a date,landing,s1,mobile,ads,A,FR,2025-06-01,,\n",  # no timestamp
    "  ,2025-06-02 10:00:00,landing,s1,mobile,ads,A,FR,2025-06-01,,\n",  # blank user id
]


@pytest.fixture(scope="module")
def log_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    lines = event_log(30_000, style="uuid").write_csv().splitlines(True)
    body = lines[:40] + DIRTY[:2] + lines[40:900] + DIRTY[2:] + lines[900:]
    path = tmp_path_factory.mktemp("scan") / "events.csv"
    path.write_text("".join(body))
    return path


@pytest.fixture(scope="module")
def log_parquet(tmp_path_factory: pytest.TempPathFactory) -> Path:
    frame = event_log(30_000).with_columns(pl.col("event_time").str.to_datetime())
    path = tmp_path_factory.mktemp("scan") / "events.parquet"
    frame.write_parquet(path)
    return path


def _normal(path: Path):  # type: ignore[no-untyped-def]
    table = read_table(path, max_mb=None)
    return build_dataset([TableInput.from_table(path.name, table)])


def _cells(data: bytes) -> dict:
    wb = openpyxl.load_workbook(io.BytesIO(data))
    return {
        (ws.title, c.coordinate): c.value
        for ws in wb
        for row in ws.iter_rows()
        for c in row
        if c.value is not None
    }


def _same(a: object, b: object) -> bool:
    if isinstance(a, float) and isinstance(b, float):  # sums in another row order
        return abs(a - b) <= 1e-9 * max(1.0, abs(a))
    return a == b


@pytest.mark.parametrize("which", ["csv", "parquet"])
def test_streamed_dataset_equals_the_normal_route(which: str, log_csv: Path, log_parquet: Path):
    path = log_csv if which == "csv" else log_parquet
    ref = _normal(path)
    scanned = scan_dataset(path)
    got = scanned.dataset
    # the same accounting: rows read, kept, dropped per reason, duplicates
    (a,), (b,) = ref.sources, got.sources
    assert (b.name, b.kind, b.rows_read, b.rows_kept) == (a.name, a.kind, a.rows_read, a.rows_kept)
    assert b.dropped == a.dropped and b.duplicate_rows == a.duplicate_rows
    assert {k: len(v) for k, v in b.examples.items()} == {k: len(v) for k, v in a.examples.items()}
    if which == "csv":
        assert a.dropped == {
            "ingest_rows.blank_row": 1,
            "ingest_rows.missing_user_id": 2,
            "ingest_rows.missing_event": 1,
            "ingest_rows.missing_timestamp": 1,
        }
    assert scanned.rows_read == b.rows_read and scanned.rows_kept == b.rows_kept
    for attr in ("steps", "segments", "extra_segments", "flags", "notes", "currency"):
        assert getattr(got, attr) == getattr(ref, attr), attr
    # the same events (user ids decoded) and the same users, in the same order
    events = got.events.with_columns(
        decode_ids(got.events["user_id"], scanned.user_ids),
        pl.col("step").cast(pl.String),
    ).drop("session_id", "order_id")
    assert_frame_equal(events, ref.events.drop("session_id", "order_id"))
    for col in ("session_id", "order_id"):  # codes: the same partition of the rows
        pairs = pl.DataFrame({"a": ref.events[col], "b": got.events[col]})
        assert pairs.select(pl.col("a").n_unique()).item() == pairs.unique().height
        assert pairs.select(pl.col("b").n_unique()).item() == pairs.unique().height
        assert (pairs["a"].is_null() == pairs["b"].is_null()).all()
    users = got.users.with_columns(decode_ids(got.users["user_id"], scanned.user_ids))
    assert_frame_equal(users, ref.users)


@pytest.mark.parametrize("which", ["csv", "parquet"])
def test_streamed_report_equals_the_normal_report(which: str, log_csv: Path, log_parquet: Path):
    path = log_csv if which == "csv" else log_parquet
    ref, got = _normal(path), scan_dataset(path).dataset
    for filters in (Filters(), Filters(segments={"device": ["mobile"]})):
        v_ref, v_got = View(ref, filters), View(got, filters)
        kpis_ref, kpis_got = v_ref.kpis(), v_got.kpis()
        assert [k.code for k in kpis_got] == [k.code for k in kpis_ref]
        for a, b in zip(kpis_ref, kpis_got, strict=True):
            assert (a.value is None) == (b.value is None), a.code
            if a.value is not None:
                assert b.value == pytest.approx(a.value, rel=1e-9), a.code
        assert_frame_equal(v_got.funnel(), v_ref.funnel())
    options = ReportOptions(generated_at=datetime(2025, 12, 1))
    a = _cells(build_workbook(ref, Filters(), options=options))
    b = _cells(build_workbook(got, Filters(), options=options))
    differ = [k for k in set(a) | set(b) if not _same(a.get(k), b.get(k))]
    assert differ == []
    quality = [v for (sheet, _), v in b.items() if sheet == "Data quality"]
    if which == "csv":  # the data-quality sheet says what was dropped
        assert 2 in quality and 1 in quality


def test_unsupported_files_say_why(tmp_path: Path) -> None:
    semi = tmp_path / "semi.csv"
    semi.write_text(
        "user;ts;event;amount\nu1;2025-01-01 10:00;landing;1,5\nu2;2025-01-02 10:00;buy;2,5\n"
    )
    with pytest.raises(ScanUnsupported) as exc:
        scan_dataset(semi)
    assert "amount" in exc.value.text("en")
    orders = tmp_path / "orders.csv"
    orders.write_text(
        "customer_id,order_date,order_id,total\nc1,2025-01-01,o1,10\nc2,2025-01-02,o2,12\n"
    )
    with pytest.raises(ScanUnsupported) as exc:
        scan_dataset(orders)
    assert "event log" in exc.value.text("en")


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kpi", *args], cwd=ROOT, capture_output=True, text=True, timeout=300
    )


def test_cli_picks_the_route(log_csv: Path, tmp_path: Path, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "out.xlsx"
    # small file, automatic: the normal route
    assert cli.main(["report", str(log_csv), "-o", str(out)]) == 0
    err = capsys.readouterr().err
    assert "in a stream" not in err and "read events.csv:" in err
    # --big: the streaming route, the same workbook
    assert cli.main(["report", str(log_csv), "-o", str(out), "--big"]) == 0
    assert "read events.csv in a stream (csv): 30," in capsys.readouterr().err
    # automatic above the threshold
    monkeypatch.setattr(cli, "BIG_ROWS", 1_000)
    assert cli.main(["report", str(log_csv), "-o", str(out)]) == 0
    assert "in a stream" in capsys.readouterr().err
    # ... unless --no-big
    assert cli.main(["report", str(log_csv), "-o", str(out), "--no-big"]) == 0
    assert "in a stream" not in capsys.readouterr().err
    # a file the stream cannot read: automatic falls back (said), --big says why (exit 2)
    orders = tmp_path / "orders.csv"
    lines = [f"c{i % 300},2025-01-{1 + i % 28:02d},o{i},{10 + i % 7}" for i in range(3_000)]
    orders.write_text("customer_id,order_date,order_id,total\n" + "\n".join(lines) + "\n")
    assert cli.main(["report", str(orders), "-o", str(out)]) == 0
    assert "orders.csv: read in memory (orders.csv is not an event log" in capsys.readouterr().err
    assert cli.main(["report", str(orders), "-o", str(out), "--big"]) == 2
    assert "error: orders.csv is not an event log" in capsys.readouterr().err
    assert cli.main(["report", str(orders), str(log_csv), "-o", str(out), "--big"]) == 2
    assert "--big reads one file; 2 were given." in capsys.readouterr().err


def test_cli_big_options_documented_and_help_stays_light() -> None:
    r = _run("report", "--help")
    assert "--big" in r.stdout and "--no-big" in r.stdout and "10,000,000 rows" in r.stdout
    probe = (
        "import sys, kpi.__main__ as m; "
        "m.build_parser().format_help(); "
        "print(sorted(k for k in sys.modules if k.split('.')[0] in ('openpyxl', 'scipy') "
        "or k in ('kpi.ingest.scan', 'kpi.export.workbook', 'kpi.view')))"
    )
    r = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True)
    assert r.stdout.strip() == "[]", r.stdout


def test_first_touch_skips_missing_values_as_the_normal_route(tmp_path: Path) -> None:
    """A user's segment is the value on their earliest event that has one (ties: file order)."""
    rows = [
        "user_id,event_time,event_name,device,channel",
        "u1,2025-01-02 10:00:00,landing,,ads",  # u1's first event has no device
        "u1,2025-01-03 10:00:00,purchase,tablet,",
        "u1,2025-01-03 10:00:00,landing,mobile,seo",  # same time: the file's order decides
        "u2,2025-01-05 09:00:00,landing,desktop,ads",
        "u2,2025-01-01 09:00:00,landing,,",  # u2's earliest event has neither
        "u3,2025-01-04 09:00:00,landing,,",  # u3 never says
        "u4,2025-01-04 09:00:00,landing,mobile,ads",
    ]
    path = tmp_path / "touch.csv"
    path.write_text("\n".join(rows[:1] + rows[1:] * 40) + "\n")
    ref = _normal(path)
    scanned = scan_dataset(path)
    users = scanned.dataset.users.with_columns(
        decode_ids(scanned.dataset.users["user_id"], scanned.user_ids)
    )
    assert_frame_equal(users, ref.users)
    devices = dict(zip(ref.users["user_id"], ref.users["device"], strict=True))
    assert devices == {"u1": "tablet", "u2": "desktop", "u3": None, "u4": "mobile"}


def test_streamed_dataset_uses_the_per_user_facts(log_parquet: Path) -> None:
    """The streamed Dataset's integer id codes are grouped on the users' rows: the View reads
    its stage KPIs and monthly session durations from the per-user facts, equal to the direct
    computations on the same Dataset (the reference), with and without a segment filter."""
    from kpi import stages

    ds = scan_dataset(log_parquet).dataset
    assert ds.events.schema["user_id"].is_integer()
    for filters in (Filters(), Filters(segments={"device": ["mobile", "desktop"]})):
        view = View(ds, filters)
        assert view.period_facts() is not None
        got = view.kpis()
        ref = stages.stage_kpis(filters.apply(ds), first_seen=view.first_seen)
        assert [k.code for k in got] == [k.code for k in ref] and len(got) > 10
        for a, b in zip(ref, got, strict=True):
            assert (a.value is None) == (b.value is None), a.code
            if a.value is not None:
                assert b.value == pytest.approx(a.value, rel=1e-9), a.code
        monthly = stages.monthly_session_duration(filters.apply(ds).events)
        assert_frame_equal(view.monthly_duration(), monthly, check_exact=False, rel_tol=1e-9)


@pytest.mark.parametrize("with_ts", [True, False])
def test_duplicates_and_first_touch_gaps_as_the_normal_route(tmp_path: Path, with_ts: bool) -> None:
    """The users' attributes are read again from the file for their first-touch rows (and,
    for an attribute missing there, the earliest kept row that has one); the duplicates are
    counted on one hash per row of every column: the normal route's numbers, with and
    without timestamps (no timestamps: the first event in the file decides)."""
    rows = [
        "u1,2025-01-02 10:00:00,landing,,ads,x1",  # u1's first event has no device
        "u1,2025-01-03 10:00:00,purchase,tablet,,x2",
        "u1,2025-01-03 10:00:00,landing,mobile,seo,x3",
        "u2,2025-01-05 09:00:00,landing,desktop,ads,x4",
        "u2,2025-01-01 09:00:00,landing,,,x5",
        "u3,2025-01-04 09:00:00,landing,,,x6",  # u3 never says
        "u3,2025-01-04 09:00:00,,tablet,ads,x7",  # a dropped row (no event) does not count
        "u4,2025-01-04 09:00:00,landing,mobile,ads,x8",
        "u4,2025-01-04 09:00:00,landing,mobile,ads,x8",  # a duplicate
        "u4,2025-01-04 09:00:00,landing,mobile,ads,x9",  # differs in an unused column only
    ]
    head = "user_id,event_time,event_name,device,channel,note"
    if not with_ts:
        head = head.replace("event_time,", "")
        rows = [",".join(r.split(",")[:1] + r.split(",")[2:]) for r in rows]
    path = tmp_path / "gaps.csv"
    path.write_text("\n".join([head, *rows * 30]) + "\n")
    ref = _normal(path)
    scanned = scan_dataset(path)
    (a,), (b,) = ref.sources, scanned.dataset.sources
    assert (b.rows_read, b.rows_kept, b.dropped) == (a.rows_read, a.rows_kept, a.dropped)
    assert b.duplicate_rows == a.duplicate_rows == 300 - 9  # 9 distinct rows, 30 times
    users = scanned.dataset.users.with_columns(
        decode_ids(scanned.dataset.users["user_id"], scanned.user_ids)
    )
    assert_frame_equal(users, ref.users)
    assert users["user_id"].to_list() == (
        ["u2", "u1", "u3", "u4"] if with_ts else ["u1", "u2", "u3", "u4"]
    )
    devices = dict(zip(ref.users["user_id"], ref.users["device"], strict=True))
    assert devices == {
        "u1": "tablet",
        "u2": "desktop",
        "u3": None,
        "u4": "mobile",
    }
    assert scanned.dataset.steps == ref.steps


def test_dropped_rows_examples_show_the_rows_read(log_csv: Path) -> None:
    """The examples of dropped rows are read again from the file (the segments are not held
    on every event): every column the Dataset keeps, as read."""
    ex = scan_dataset(log_csv).dataset.sources[0].examples
    assert ex["ingest_rows.missing_event"][0].startswith(
        "user_id=usr_9999999, step=, ts=2025-06-01 10:00:00.000000, session_id="
    )
    assert "signup=2025-06-01 00:00:00.000000, device=mobil" in ex["ingest_rows.missing_event"][0]
    assert ex["ingest_rows.missing_timestamp"][0].startswith(
        "user_id=usr_9999998, step=landing, ts=,"
    )
    assert "device=mobile, channel=ads" in ex["ingest_rows.missing_timestamp"][0]
    assert len(ex["ingest_rows.missing_user_id"]) == 2


def test_facts_and_funnel_in_groups_of_users_equal_one_pass(log_parquet: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Above FACTS_CHUNK_EVENTS / CHUNK_EVENTS events the View computes the per-user facts and
    the funnel progress for groups of users one after the other (the memory bound of the
    streaming route): the same KPIs, funnel, monthly durations and workbook as one pass."""
    import kpi.funnel.progress as progress
    import kpi.view as view_mod

    ds = scan_dataset(log_parquet).dataset
    options = ReportOptions(generated_at=datetime(2025, 12, 1))
    one = [View(ds, f) for f in (Filters(), Filters(segments={"device": ["mobile"]}))]
    ref = _cells(build_workbook(ds, Filters(), options=options))
    monkeypatch.setattr(view_mod, "FACTS_CHUNK_EVENTS", 7_000)
    monkeypatch.setattr(progress, "CHUNK_EVENTS", 6_000)
    for a in one:
        b = View(ds, a.filters)
        assert b.period_facts() is not None and b.period_facts().users.height == ds.users.height
        assert [k.code for k in b.kpis()] == [k.code for k in a.kpis()] and len(a.kpis()) > 10
        for x, y in zip(a.kpis(), b.kpis(), strict=True):
            assert (x.value is None) == (y.value is None), x.code
            if x.value is not None:
                assert y.value == pytest.approx(x.value, rel=1e-9), x.code
        assert_frame_equal(b.funnel(), a.funnel())
        assert_frame_equal(
            b.monthly_duration(), a.monthly_duration(), check_exact=False, rel_tol=1e-9
        )
    got = _cells(build_workbook(ds, Filters(), options=options))
    assert [k for k in set(ref) | set(got) if not _same(ref.get(k), got.get(k))] == []


def test_users_rows_by_lookup_equal_the_join() -> None:
    """The streamed Dataset's integer id codes find their user's row through a lookup table
    (kpi.view._dense_rows): what the left join on the ids gives (the reference), nulls for
    ids without a user; other ids (negative, sparse, repeated) are left to the join."""
    import random

    from kpi.view import _dense_rows

    rng = random.Random(11)
    for _ in range(200):
        n = rng.randint(1, 30)
        users = pl.Series("user_id", rng.sample(range(2 * n), n), dtype=pl.UInt32)
        ids = pl.Series(
            "user_id",
            [
                None if rng.random() < 0.1 else rng.randrange(3 * n)
                for _ in range(rng.randint(0, 60))
            ],
            dtype=pl.UInt32,
        )
        index = users.to_frame().with_row_index("_row")
        want = ids.to_frame().join(index, on="user_id", how="left")["_row"]
        got = _dense_rows(ids, users)
        assert got is not None and got.dtype == want.dtype and got.to_list() == want.to_list()
    assert _dense_rows(pl.Series([1, -1]), pl.Series([1, -1])) is None
    assert _dense_rows(pl.Series([1]), pl.Series([1, 10**9])) is None
    assert _dense_rows(pl.Series([1]), pl.Series([1, 1])) is None
    assert _dense_rows(pl.Series(["a"]), pl.Series(["a"])) is None


def test_value_without_spend_reads_the_events_without_their_channel(log_parquet: Path) -> None:
    """Without ad spend the Value summary has no channel table, so the View does not gather
    each event's channel (1.6 GB of text at 50M events): the same summary as with it (the
    reference: value_summary on Dataset.events_with(["channel"]), as before)."""
    import dataclasses

    from kpi import value

    ds = scan_dataset(log_parquet).dataset
    assert ds.spend is None or ds.spend.height == 0
    view = View(ds, Filters())
    got = view.value()
    ps = view.purchase()
    inputs = value.clv_inputs(ds.events, purchase_step=ps)
    want = value.value_summary(
        ds.events_with(["channel"]),
        ds.spend,
        purchase_step=ps,
        years=float(round(inputs.years, 2)),
        first_purchases=value.new_customers_in_view(ds, Filters(), purchase_step=ps, segmented=ds),
    )
    assert got is not None and want.aov is not None
    for f in dataclasses.fields(want):
        a, b = getattr(got, f.name), getattr(want, f.name)
        if isinstance(b, pl.DataFrame):
            assert_frame_equal(a, b, check_exact=False, rel_tol=1e-9)
        else:
            assert _rounded(repr(a)) == _rounded(repr(b)), f.name


def _rounded(text: str) -> str:
    """Floats in ``text`` to 9 significant digits (sums in another order)."""
    import re

    return re.sub(r"\d+\.\d+(e[-+]?\d+)?", lambda m: f"{float(m.group()):.9g}", text)
