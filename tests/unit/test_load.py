"""kpi.load on generated messy files (each checked against hand-written values) and on real exports."""

from __future__ import annotations

import datetime as dt
import gzip
import io
from pathlib import Path

import openpyxl
import polars as pl
import pytest

from kpi.errors import UnreadableFileError
from kpi.load import list_sheets, read_table

DATASETS = Path(__file__).resolve().parents[2].parent / "shared" / "datasets"


def accounted(table) -> None:
    r = table.report
    assert r.rows_kept + sum(r.dropped.values()) == r.rows_read
    assert table.frame.height == r.rows_kept


# ----------------------------------------------------------------------------- dialects


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_every_delimiter_is_sniffed(delimiter: str) -> None:
    rows = ["name,amount,day", "alpha,10,2024-01-02", "beta,20,2024-01-03", "gamma,30,2024-01-04"]
    data = "\n".join(r.replace(",", delimiter) for r in rows).encode()
    t = read_table(data, filename="x.txt")
    assert t.report.delimiter == delimiter
    assert t.frame.columns == ["name", "amount", "day"]
    assert t.frame["amount"].to_list() == [10, 20, 30]
    assert t.frame["day"].dtype == pl.Date
    accounted(t)


def test_french_cp1252_semicolon_file() -> None:
    text = (
        "Date;Campagne;Montant;Taux;Clients\r\n"
        "01/02/2024;Soldes d'été;1\u00a0234,56 €;12,5 %;1\u202f200\r\n"
        "13/02/2024;Noël;2 000,00 €;3,45 %;80\r\n"
        "14/02/2024;Rentrée;10,5 €;100 %;7\r\n"
        "Total;;3\u00a0245,06 €;;1\u202f287\r\n"
    )
    # cp1252 has no narrow NBSP (U+202F): that one is checked in the UTF-8 variant below
    t = read_table(text.replace("\u202f", "\u00a0").encode("cp1252"), filename="export.csv")
    r = t.report
    assert r.encoding == "cp1252" and "Encoding: cp1252 (not valid UTF-8)" in [
        str(n) for n in r.notes
    ]
    assert r.delimiter == ";"
    assert t.frame["Campagne"].to_list() == ["Soldes d'été", "Noël", "Rentrée"]
    assert t.frame["Montant"].to_list() == pytest.approx([1234.56, 2000.0, 10.5])
    assert t.frame["Taux"].to_list() == pytest.approx([0.125, 0.0345, 1.0])
    assert t.frame["Clients"].to_list() == [1200, 80, 7]
    assert t.frame["Date"].to_list() == [
        dt.date(2024, 2, 1),
        dt.date(2024, 2, 13),
        dt.date(2024, 2, 14),
    ]
    assert r.dropped == {"ingest_rows.totals_row": 1} and r.drop_examples["ingest_rows.totals_row"][
        0
    ].startswith("Total")
    utf8 = read_table(text.encode(), filename="export.csv")
    assert utf8.report.encoding == "utf-8" and utf8.frame["Clients"].to_list() == [1200, 80, 7]
    labels = {c.name: str(c.label) for c in r.columns}
    assert labels["Montant"].startswith("number, French format 1 234,56")
    assert labels["Taux"] == "percentage 12,5 % -> 0.125"
    assert labels["Date"] == "date, day first (dd/mm/yyyy)"
    accounted(t)


def test_german_and_us_number_formats() -> None:
    de = b"Umsatz;Menge\n1.234,56;1.000\n12,50;2\n(3,00);5\n"
    t = read_table(de)
    assert t.frame["Umsatz"].to_list() == pytest.approx([1234.56, 12.5, -3.0])
    assert t.frame["Menge"].to_list() == [1000, 2, 5]
    us = b'revenue,n\n"$1,234.50",1\n$12.00,2\n(12.50),3\n'
    t = read_table(us)
    assert t.frame["revenue"].to_list() == pytest.approx([1234.5, 12.0, -12.5])
    # decimal override: "1.234" is one thousand two hundred and thirty-four when "," is decimal
    t = read_table(b"x,y\n1.234,a\n2.500,b\n", decimal=",")
    assert t.frame["x"].to_list() == [1234, 2500]


def test_utf16_tab_file_excel_unicode_text() -> None:
    text = "Ville\tVentes\nParis\t12\nLyon\t7\n"
    for data in (text.encode("utf-16"), b"\xfe\xff" + text.encode("utf-16-be")):
        t = read_table(data, filename="export.txt")
        assert t.report.encoding == "utf-16" and t.report.delimiter == "\t"
        assert t.frame.rows() == [("Paris", 12), ("Lyon", 7)]


def test_utf8_bom_and_encoding_override() -> None:
    t = read_table("\ufeffcity,n\nZürich,1\n".encode())
    assert t.frame.columns == ["city", "n"] and t.report.encoding == "utf-8-sig"
    t = read_table("city,n\nZürich,1\n".encode("latin-1"), encoding="latin-1")
    assert t.frame["city"][0] == "Zürich" and t.report.encoding == "latin-1"


def test_gzip_by_magic_bytes_not_extension() -> None:
    data = gzip.compress(b"a,b\n1,2\n3,4\n")
    t = read_table(data, filename="data.bin")
    assert t.report.format == "csv.gz" and t.frame.rows() == [(1, 2), (3, 4)]


def test_parquet_by_magic() -> None:
    buf = io.BytesIO()
    pl.DataFrame({"user_id": [1, 2], "step": ["a", "b"]}).write_parquet(buf)
    t = read_table(buf.getvalue(), filename="whatever.csv")
    assert t.report.format == "parquet" and t.frame.rows() == [(1, "a"), (2, "b")]


# ----------------------------------------------------------------------------- structure


def test_ga4_preamble_and_two_tables() -> None:
    text = (
        "# ----------------------------------------\n# Traffic acquisition\n# Account: Demo\n"
        "# Property: Demo\n# ----------------------------------------\n#\n# All Users\n"
        "# Start date: 20240101\n# End date: 20240107\n\n"
        "Date,Session default channel group,Sessions,Engagement rate\n"
        "20240101,Organic Search,120,0.61\n20240102,Direct,80,0.55\n20240103,Email,5,0.4\n\n"
        "# ----------------------------------------\n# Devices\n\n"
        "Device category,Users\nmobile,10\ndesktop,7\n"
    )
    t = read_table(text.encode(), filename="ga4.csv")
    assert t.frame.columns == [
        "Date",
        "Session default channel group",
        "Sessions",
        "Engagement rate",
    ]
    assert t.frame["Date"].to_list() == [dt.date(2024, 1, d) for d in (1, 2, 3)]
    assert t.frame["Sessions"].to_list() == [120, 80, 5]
    assert t.report.rows_read == 3 and t.report.header_row == 10
    assert any("Skipped GA4 comment preamble (9 lines" in str(n) for n in t.report.notes)
    assert any(str(n).startswith("Found 2 tables; using the largest") for n in t.report.notes)
    [extra] = t.extra_tables
    assert extra.title == "Devices" and extra.frame.rows() == [("mobile", 10), ("desktop", 7)]


def test_title_lines_blank_rows_and_ragged_rows() -> None:
    text = (
        "Sales report March\nExported on 2024-04-01\n"
        "region,orders,revenue\nnorth,3,10.5\n\n,,\nsouth,4,11\nwest,5,1.5,EXTRA,FIELDS\neast,6\n"
    )
    t = read_table(text.encode())
    r = t.report
    assert t.frame.columns == ["region", "orders", "revenue"]
    assert r.header_row == 2 and any("Skipped 2 title lines" in str(n) for n in r.notes)
    assert r.rows_read == 6
    assert r.dropped == {"ingest_rows.blank_row": 2, "ingest_rows.too_many_fields": 1}
    assert r.drop_examples["ingest_rows.too_many_fields"] == ["west,5,1.5,EXTRA,FIELDS"]
    assert t.frame.rows() == [("north", 3, 10.5), ("south", 4, 11.0), ("east", 6, None)]
    assert any("fewer fields" in str(w) for w in r.warnings)
    accounted(t)


def test_type_change_after_row_100_and_failed_values_counted() -> None:
    values = [str(i) for i in range(150)] + ["3.5"] + [str(i) for i in range(150)] + ["oops"]
    data = ("n,label\n" + "\n".join(f"{v},x" for v in values)).encode()
    t = read_table(data)
    assert t.frame["n"].dtype == pl.Float64 and t.frame["n"][150] == 3.5
    col = next(c for c in t.report.columns if c.name == "n")
    assert col.failed_count == 1 and col.failed_examples == ("oops",)
    assert t.frame["n"].null_count() == 1 and any("oops" in str(w) for w in t.report.warnings)


def test_null_tokens_booleans_and_flags() -> None:
    text = (
        "id,flag,answer,is_member,step1,score\n"
        "1,TRUE,oui,1,1,NA\n2,false,non,0,0,(not set)\n3,True,Oui,1,1,\\N\n4,FALSE,NON,0,1,-\n5,N/A,null,NULL,0,7\n"
    )
    t = read_table(text.encode())
    f = t.frame
    assert f["flag"].to_list() == [True, False, True, False, None]
    assert f["answer"].to_list() == [True, False, True, False, None]
    assert f["is_member"].dtype == pl.Boolean  # 0/1 + flag-like name
    assert f["step1"].dtype == pl.Int64  # 0/1 without a flag-like name stays a count
    assert f["score"].to_list() == [None, None, None, None, 7]


def test_duplicate_and_missing_header_names() -> None:
    t = read_table(b",user id,value,value,\n0,7,1,2,x\n1,8,3,4,y\n")
    assert t.frame.columns == ["index", "user id", "value", "value_2", "column_5"]
    assert any("Duplicate column names" in str(n) for n in t.report.notes)
    assert any("called 'index'" in str(n) for n in t.report.notes)


def test_totals_row_equal_to_column_sums_is_dropped() -> None:
    t = read_table(b"channel,users,orders\nseo,10,1\nads,20,2\nmail,5,0\n,35,3\n")
    assert t.report.dropped == {"ingest_rows.totals_row": 1} and t.frame.height == 3
    # a last row that is not a sum stays
    t = read_table(b"channel,users\nseo,10\nads,20\n,7\n")
    assert t.report.dropped == {} and t.frame.height == 3


# ----------------------------------------------------------------------------- dates


def test_day_first_month_first_and_ambiguous_dates() -> None:
    t = read_table(b"d,n\n01/02/2024,1\n13/02/2024,2\n")
    assert t.frame["d"].to_list() == [dt.date(2024, 2, 1), dt.date(2024, 2, 13)]
    t = read_table(b"d,n\n01/02/2024,1\n02/13/2024,2\n")
    assert t.frame["d"].to_list() == [dt.date(2024, 1, 2), dt.date(2024, 2, 13)]
    t = read_table(b"d,n\n01/02/2024,1\n03/04/2024,2\n")  # comma file -> month first, asked
    assert t.report.ambiguous_dates == ["d"] and t.frame["d"][0] == dt.date(2024, 1, 2)
    assert any("day-first or month-first" in str(n) for n in t.report.notes)
    t = read_table(b"d;n\n01/02/2024;1\n03/04/2024;2\n")  # ; file -> day first
    assert t.report.ambiguous_dates == ["d"] and t.frame["d"][0] == dt.date(2024, 2, 1)
    t = read_table(b"d,n\n01/02/2024,1\n03/04/2024,2\n", date_order="dmy")
    assert t.frame["d"][0] == dt.date(2024, 2, 1)


def test_datetime_formats_timezones_and_epochs() -> None:
    text = (
        "event_time,created_at,german,Date,ts_ms\n"
        "2019-10-01 00:00:00 UTC,2026-05-01 10:00:00 +0200,31.12.2023,20240101,1704067200000\n"
        "2019-10-01 00:00:05 UTC,2026-05-01 23:30:00 -0500,01.01.2024,20240102,1704067260000\n"
    )
    f = read_table(text.encode()).frame
    assert f["event_time"].to_list() == [
        dt.datetime(2019, 10, 1),
        dt.datetime(2019, 10, 1, 0, 0, 5),
    ]
    assert f["created_at"].to_list() == [dt.datetime(2026, 5, 1, 8), dt.datetime(2026, 5, 2, 4, 30)]
    assert f["german"].to_list() == [dt.date(2023, 12, 31), dt.date(2024, 1, 1)]
    assert f["Date"].to_list() == [dt.date(2024, 1, 1), dt.date(2024, 1, 2)]
    assert f["ts_ms"].to_list() == [dt.datetime(2024, 1, 1), dt.datetime(2024, 1, 1, 0, 1)]


def test_leading_zero_codes_and_long_ids_stay_text() -> None:
    f = read_table(b"zip,big\n01234,12345678901234567890\n75001,12345678901234567891\n").frame
    assert f["zip"].to_list() == ["01234", "75001"]
    assert f["big"].dtype == pl.String


# ----------------------------------------------------------------------------- Excel


def _workbook() -> bytes:
    wb = openpyxl.Workbook()
    notes = wb.active
    notes.title = "Notes"
    notes["A1"] = "Read me"
    ws = wb.create_sheet("Data")
    ws.append(["Monthly sales"])
    ws.append(["Exported on", "2024-04-01"])
    ws.append([])
    ws.append(["Date", "Region", "Amount", "Orders"])
    ws.append([dt.date(2024, 1, 2), "North", 1234.5, 3])
    ws.append([dt.date(2024, 1, 3), "South", "1 250", 4])
    ws.append([dt.date(2024, 1, 4), None, 10, 1])
    ws.append(["Total", None, None, 8])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_xlsx_largest_sheet_title_rows_and_totals() -> None:
    data = _workbook()
    assert list_sheets(data) == ["Notes", "Data"]
    t = read_table(data, filename="report.xlsx")
    assert t.sheets == ["Notes", "Data"] and t.report.sheet == "Data"
    assert t.frame.columns == ["Date", "Region", "Amount", "Orders"]
    assert t.frame["Date"].dtype == pl.Date
    assert t.frame["Amount"].to_list() == pytest.approx([1234.5, 1250.0, 10.0])
    assert t.frame["Orders"].to_list() == [3, 4, 1]
    assert t.report.dropped == {"ingest_rows.totals_row": 1} and t.report.rows_read == 4
    assert any("other sheets: 'Notes'" in str(n) for n in t.report.notes)
    accounted(t)
    # the notes sheet holds one line of text: chosen explicitly, it is said to have no data
    with pytest.raises(UnreadableFileError, match="sheet 'Notes' has a header"):
        read_table(data, sheet="Notes")


def test_header_row_override() -> None:
    t = read_table(b"x\ny\na,b\n1,2\n", header_row=2)
    assert t.frame.rows() == [(1, 2)] and t.report.header_row == 2


# ----------------------------------------------------------------------------- real exports


def _real(name: str) -> Path:
    path = DATASETS / name
    if not path.exists():
        pytest.skip(f"{path} not available")
    return path


@pytest.mark.parametrize(
    ("name", "rows"),
    [
        ("ecommerce_funnel/user_table.csv", 90_400),
        ("ecommerce_funnel/home_page_table.csv", 90_400),
        ("ecommerce_funnel/search_page_table.csv", 45_200),
        ("ecommerce_funnel/payment_page_table.csv", 6_030),
        ("ecommerce_funnel/payment_confirmation_table.csv", 452),
        ("ga4_merch_store/BigQuery_conversion_funnel.csv", 917),
        ("ga4_merch_store/BigQuery_landing_page_conversion.csv", 1_037),
        ("page_redesign_ab.csv", 476),
        ("funnel_ab_5step.csv", 6_001),
        ("cookie_cats.csv", 90_189),
        ("rees46_events_sample.csv", 1_000),
    ],
)
def test_real_exports_row_counts(name: str, rows: int) -> None:
    path = _real(name)
    t = read_table(path)
    assert t.report.rows_read == rows and t.report.rows_kept == rows and t.report.dropped == {}
    # reference: plain polars with full inference reads the same number of rows
    assert pl.read_csv(path, infer_schema_length=None).height == rows
    assert not t.report.warnings


def test_real_dtypes() -> None:
    cats = read_table(_real("cookie_cats.csv")).frame
    assert cats.schema["retention_1"] == pl.Boolean and cats.schema["retention_7"] == pl.Boolean
    ref = pl.read_csv(_real("cookie_cats.csv"))
    assert cats["retention_1"].sum() == ref["retention_1"].sum() == 40_153
    ab = read_table(_real("funnel_ab_5step.csv")).frame
    assert ab.columns[:3] == ["index", "user id", "test group"]
    assert all(ab.schema[f"step{i}"] == pl.Int64 for i in range(1, 6))
    assert ab.schema["converted"] == pl.Boolean
    rees = read_table(_real("rees46_events_sample.csv")).frame
    assert rees.schema["event_time"] == pl.Datetime("us") and rees["event_time"][0] == dt.datetime(
        2019, 10, 1
    )
    users = read_table(_real("ecommerce_funnel/user_table.csv")).frame
    assert users.schema["date"] == pl.Date and users.schema["user_id"] == pl.Int64
    ga4 = read_table(_real("ga4_merch_store/BigQuery_conversion_funnel.csv")).frame
    assert ga4.schema["event_date"] == pl.Date and ga4.schema["visit_to_cart"] == pl.Float64


@pytest.mark.slow
def test_online_retail() -> None:
    t = read_table(_real("online_retail.csv"))
    f = t.frame
    assert t.report.rows_read == t.report.rows_kept == 541_909
    assert f.schema["InvoiceDate"] == pl.Datetime("us") and f.schema["Quantity"] == pl.Int64
    assert f.schema["UnitPrice"] == pl.Float64 and f.schema["CustomerID"].is_numeric()
    assert f["CustomerID"].null_count() == 135_080
    assert f.schema["InvoiceNo"] == pl.String  # cancellations "C536379" are kept, not nulled
    assert (~f["InvoiceNo"].str.contains(r"^\d+$")).sum() == 9_291  # 9,288 "C" credit notes + 3 "A"
    ref = pl.read_csv(_real("online_retail.csv"), infer_schema_length=None)
    assert f["Quantity"].sum() == ref["Quantity"].sum()
    assert f["UnitPrice"].sum() == pytest.approx(ref["UnitPrice"].sum())


def test_sparse_trailing_columns_keep_the_header_width():
    """Most rows leave the last columns empty (GA4, Amplitude): no row is 'too many fields'."""
    rows = ["user_id,ts,event,session_id,revenue,order_id"]
    rows += [f"u{i},2025-06-01T06:02:24,landing,s{i},," for i in range(3000)]
    rows += [f"u{i},2025-06-02T06:02:24,purchase,s{i},12.5,o{i}" for i in range(5)]
    t = read_table("\n".join(rows).encode(), filename="sparse.csv")
    assert t.frame.columns == ["user_id", "ts", "event", "session_id", "revenue", "order_id"]
    assert (t.report.rows_read, t.report.rows_kept, t.report.dropped) == (3005, 3005, {})
    assert t.frame["revenue"].sum() == 62.5


# ----------------------------------------------------------------------------- speed-ups keep behaviour


def _same(a, b) -> None:
    assert a.frame.equals(b.frame) and a.frame.schema == b.frame.schema
    assert a.report == b.report


@pytest.mark.parametrize(
    "name",
    [
        "ecommerce_funnel/user_table.csv",
        "ga4_merch_store/BigQuery_conversion_funnel.csv",
        "funnel_ab_5step.csv",
        "cookie_cats.csv",
        "rees46_events_sample.csv",
    ],
)
def test_path_and_bytes_read_the_same(name: str) -> None:
    """A file on disk goes to polars by path; the same bytes uploaded give the same table."""
    path = _real(name)
    _same(read_table(path), read_table(path.read_bytes(), filename=path.name))


def _late_problem_file(tmp_path: Path, tail: str) -> Path:
    """20,000 clean event rows (the head looks plain), then ``tail``."""
    rows = ["user_id,ts,event,amount"]
    rows += [
        f"{i},2025-01-01T{i // 3600 % 24:02d}:{i // 60 % 60:02d}:{i % 60:02d},view,{i % 7}"
        for i in range(20_000)
    ]
    path = tmp_path / "late.csv"
    path.write_text("\n".join(rows) + "\n" + tail)
    return path


def test_type_change_after_row_10000(tmp_path: Path) -> None:
    path = _late_problem_file(tmp_path, "20000,2025-01-02T00:00:00,buy,3.5\n20001,oops,buy,x\n")
    t = read_table(path)
    f, r = t.frame, t.report
    assert (r.rows_read, r.rows_kept, r.dropped) == (20_002, 20_002, {})
    assert f.schema["amount"] == pl.Float64 and f["amount"][20_000] == 3.5
    assert f["amount"][20_001] is None and f["ts"][20_001] is None
    assert f.schema["ts"] == pl.Datetime("us") and f["ts"][20_000] == dt.datetime(2025, 1, 2)
    cols = {c.name: c for c in r.columns}
    assert (cols["amount"].failed_count, cols["amount"].failed_examples) == (1, ("x",))
    assert (cols["ts"].failed_count, cols["ts"].failed_examples) == (1, ("oops",))
    assert f["amount"].sum() == pytest.approx(sum(i % 7 for i in range(20_000)) + 3.5)
    _same(t, read_table(path.read_bytes(), filename="late.csv"))


def test_ragged_row_near_the_end(tmp_path: Path) -> None:
    path = _late_problem_file(
        tmp_path, "20000,2025-01-02T00:00:00,buy,1,EXTRA\n20001,2025-01-02T00:00:01,buy,2\n"
    )
    t = read_table(path)
    r = t.report
    assert (r.rows_read, r.rows_kept, r.dropped) == (
        20_002,
        20_001,
        {"ingest_rows.too_many_fields": 1},
    )
    assert r.drop_examples["ingest_rows.too_many_fields"] == [
        "20000,2025-01-02T00:00:00,buy,1,EXTRA"
    ]
    assert t.frame["user_id"][-1] == 20_001 and t.frame.schema["user_id"] == pl.Int64
    accounted(t)


def test_totals_row_at_the_end(tmp_path: Path) -> None:
    total = sum(i % 7 for i in range(20_000))
    t = read_table(_late_problem_file(tmp_path, f"Total,,,{total}\n"))
    assert t.report.dropped == {"ingest_rows.totals_row": 1} and t.frame.height == 20_000
    assert t.frame.schema["user_id"] == pl.Int64 and t.frame["amount"].sum() == total
    accounted(t)


def test_second_table_after_a_blank_line_at_the_end(tmp_path: Path) -> None:
    t = read_table(
        _late_problem_file(tmp_path, "\n  # Devices\ndevice,users\nmobile,10\ndesktop,7\n")
    )
    assert t.frame.height == 20_000 and t.frame.columns == ["user_id", "ts", "event", "amount"]
    [extra] = t.extra_tables
    assert extra.title == "Devices" and extra.frame.rows() == [("mobile", 10), ("desktop", 7)]


def test_parallel_typing_equals_one_column_at_a_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import kpi.ingest.grid as grid

    path = _late_problem_file(tmp_path, "20000,2025-01-02T00:00:00,buy,3.5\n")
    monkeypatch.setattr(grid, "PARALLEL_TYPING_MIN_ROWS", 0)
    parallel = read_table(path)
    monkeypatch.setattr(grid, "PARALLEL_TYPING_MIN_ROWS", 10**12)
    _same(parallel, read_table(path))


def test_row_flags_match_the_full_column_regexes() -> None:
    """_row_flags runs its regexes on the few candidate cells only; reference: on every cell."""
    from kpi.load import _row_flags

    c0 = [
        "name",
        "Émile",
        "\u00a0Zoé",
        "  #x",
        "\u00a0# y",
        "#z",
        "   ",
        "\t",
        None,
        "a#b",
        " b",
        "é#",
    ]
    grid = pl.DataFrame(
        {
            "c0": c0,
            "c1": ["n", "1", "2", None, None, None, None, None, None, "3", None, "4"],
            "c2": [None] * len(c0),
        },
        schema={"c0": pl.String, "c1": pl.String, "c2": pl.String},
    )
    n_fields = [
        max([i + 1 for i, v in enumerate(row) if v is not None], default=0) for row in grid.rows()
    ]
    comment = grid["c0"].str.contains(r"^\s*#").fill_null(False).to_list()
    blank = [n == 0 or (n == 1 and grid["c0"][k].strip() == "") for k, n in enumerate(n_fields)]
    flags = _row_flags(grid)
    assert flags["comment"].to_list() == comment
    assert flags["blank"].to_list() == blank
    assert flags["n_fields"].to_list() == [
        0 if b else n for n, b in zip(n_fields, blank, strict=True)
    ]
    assert comment == [False, False, False, True, True, True] + [False] * 6
    assert blank == [False] * 6 + [True, True, True, False, False, False]


@pytest.mark.parametrize(
    "values",
    [
        ["2024-01-02", " 2024-01-03", "2024-01-04 ", "x", None, "2024-13-01"],
        ["2024-01-02 10:00:00", "2024-01-02 10:00:01 ", "\t2024-01-02 10:00:02", None],
        ["2024-01-02 10:00:00", "2024-01-02 10:00:01"],
    ],
)
def test_dates_parse_as_if_every_value_were_stripped(values: list[str | None]) -> None:
    """_parse_format strips only when a value fails; reference: strip every value first."""
    from kpi.formats import _parse_format

    raw = pl.Series("d", values, dtype=pl.String)
    stripped = raw.str.strip_chars()
    for fmt in ("%Y-%m-%d", "%Y-%m-%d %H:%M:%S"):
        expected = (
            stripped.str.to_date(fmt, strict=False)
            if fmt == "%Y-%m-%d"
            else stripped.str.to_datetime(fmt, strict=False, time_unit="us")
        )
        for cache in (True, False):
            assert _parse_format(raw, fmt, cache=cache).equals(expected)


@pytest.mark.parametrize(
    "values",
    [
        ["1", "22", "-3", None],
        ["1", " 22", "3 ", None],
        ["1.5", "2", None],
        ["1.5", " 2", "x"],
        ["+4", "5"],
    ],
)
def test_plain_numbers_cast_as_if_every_value_were_stripped(values: list[str | None]) -> None:
    from kpi.formats import _plain_number

    raw = pl.Series("n", values, dtype=pl.String)
    stripped = raw.str.strip_chars()
    as_int = stripped.cast(pl.Int64, strict=False)
    expected = (
        as_int
        if as_int.null_count() == raw.null_count()
        else stripped.cast(pl.Float64, strict=False)
    )
    got = _plain_number(raw)
    assert got.dtype == expected.dtype and got.equals(expected)


def test_file_on_disk_that_is_not_utf8_after_the_head(tmp_path: Path) -> None:
    """The head (256 KB) is UTF-8, a cp1252 byte comes later: polars stops, cp1252 is used."""
    rows = ["city,n"] + [f"Paris,{i}" for i in range(40_000)] + ["Orléans,7"]
    data = "\n".join(rows).encode("cp1252")
    assert len(data) > 300_000
    path = tmp_path / "late_cp1252.csv"
    path.write_bytes(data)
    t = read_table(path)
    assert t.report.encoding == "cp1252" and t.frame["city"][-1] == "Orléans"
    assert t.frame.height == 40_001 and t.frame["n"].sum() == sum(range(40_000)) + 7
    _same(t, read_table(data, filename=path.name))


def test_hash_prefixed_values_are_data_not_comments():
    """Shopify order names ("#1001") start with '#': full-width rows are data, not a preamble."""
    text = (
        "Name,Email,Created at,Lineitem quantity,Lineitem price,Total\n"
        "#1001,a@x.com,2026-05-01 10:00:00 +0200,2,12.50,25.00\n"
        "#1002,b@x.com,2026-05-02 11:00:00 +0200,1,20.00,31.00\n"
        "#1002,b@x.com,2026-05-02 11:00:00 +0200,1,11.00,\n"
    )
    t = read_table(text.encode(), filename="orders_export.csv")
    assert t.frame["Name"].to_list() == ["#1001", "#1002", "#1002"]
    assert (t.report.rows_read, t.report.rows_kept) == (3, 3)
    # times with an offset are converted to UTC
    assert t.frame["Created at"][0] == dt.datetime(2026, 5, 1, 8, 0)


def test_identifier_with_a_dot_stays_text():
    """GA4 user_pseudo_id '1234567.1234567890' would lose digits as a float."""
    t = read_table(
        b"user_pseudo_id,CustomerID,paid\n1234567.1234567890,17850.0,1.5\n333.4445,1.0,2\n",
        filename="ga4.csv",
    )
    assert t.frame["user_pseudo_id"].to_list() == ["1234567.1234567890", "333.4445"]
    assert t.frame.schema["CustomerID"] == pl.Float64  # 17850.0: a whole number, kept numeric
    assert t.frame.schema["paid"] == pl.Float64
