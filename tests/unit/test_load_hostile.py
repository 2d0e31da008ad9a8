"""kpi.load on hostile input: every bad file raises UnreadableFileError with a message for a person."""

from __future__ import annotations

import io
import time
import tracemalloc
import zipfile
from pathlib import Path

import openpyxl
import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kpi.load as load
from kpi.errors import UnreadableFileError
from kpi.load import read_table


def _xlsx(rows: list[list[object]]) -> bytes:
    wb = openpyxl.Workbook()
    for row in rows:
        wb.active.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _replace_member(xlsx: bytes, name: str, content: bytes) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(xlsx))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, content if info.filename == name else src.read(info))
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "needle"),
    [
        (b"", "empty"),
        (b"   \n\r\n\t  \n", "empty"),
        (b"\x89PNG\r\n\x1a\n" + bytes(200), "PNG image"),
        (b"\xff\xd8\xff\xe0" + bytes(200), "JPEG image"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "PDF document"),
        (bytes(range(256)) * 20, "binary"),
    ],
)
def test_bad_input_has_a_message(data: bytes, needle: str) -> None:
    with pytest.raises(UnreadableFileError) as err:
        read_table(data, filename="upload.csv")
    assert needle in str(err.value) and err.value.hint is not None


def test_plain_zip_renamed_csv_and_corrupt_xlsx() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("data.csv", "a,b\n1,2\n")
    with pytest.raises(UnreadableFileError, match="zip archive, not an Excel workbook"):
        read_table(buf.getvalue(), filename="data.csv")
    good = _xlsx([["a", "b"], [1, 2]])
    with pytest.raises(UnreadableFileError, match="damaged"):
        read_table(good[: len(good) // 2], filename="x.xlsx")
    with pytest.raises(UnreadableFileError, match="not a spreadsheet"):
        read_table(b"a,b\n1,2\n", filename="x.xlsx")


def test_invalid_parquet() -> None:
    with pytest.raises(UnreadableFileError, match="Parquet"):
        read_table(b"PAR1" + b"garbage" * 10, filename="x.parquet")
    with pytest.raises(UnreadableFileError, match="Parquet"):
        read_table(b"hello", filename="x.parquet")


def test_size_limit_checked_before_reading(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    with pytest.raises(UnreadableFileError, match="more than the 1 MB limit"):
        read_table(b"a,b\n" + b"1,2\n" * 300_000, max_mb=1)
    path = tmp_path / "big.csv"
    path.write_bytes(b"a,b\n" + b"1,2\n" * 300_000)
    monkeypatch.setattr(
        type(path), "read_bytes", lambda self: pytest.fail("read before size check")
    )
    with pytest.raises(UnreadableFileError, match="limit"):
        read_table(path, max_mb=1)
    # the app's limit and Streamlit's server.maxUploadSize say the same number
    config = (Path(__file__).resolve().parents[2] / ".streamlit" / "config.toml").read_text()
    assert f"maxUploadSize = {load.MAX_UPLOAD_MB}" in config


def test_gzip_bomb_stops_at_the_limit() -> None:
    import gzip

    bomb = gzip.compress(b"a,b\n" + b"1,2\n" * (2 * 2**20 // 4), compresslevel=9)
    with pytest.raises(UnreadableFileError, match="expands to more than 1 MB"):
        read_table(bomb, max_mb=1)


def _bomb(uncompressed_mb: int) -> bytes:
    """An xlsx whose sheet XML is a highly compressible run of identical rows."""
    base = zipfile.ZipFile(io.BytesIO(_xlsx([["a", "b"], [1, 2]])))
    out = io.BytesIO()
    row = b'<row><c t="inlineStr"><is><t>xxxxxxxxxxxxxxxxxxxxxxxx</t></is></c></row>' * 1000
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in base.infolist():
            if info.filename == "xl/worksheets/sheet1.xml":
                with z.open(info.filename, "w", force_zip64=True) as member:
                    member.write(b'<?xml version="1.0"?><worksheet><sheetData>')
                    for _ in range(uncompressed_mb * 2**20 // len(row)):
                        member.write(row)
                    member.write(b"</sheetData></worksheet>")
            else:
                z.writestr(info.filename, base.read(info))
    return out.getvalue()


def test_xlsx_zip_bomb_rejected_before_parsing_with_low_memory() -> None:
    bomb = _bomb(40)  # 40 MiB of XML in ~0.1 MB: ratio far above 100
    assert len(bomb) < 2**20
    tracemalloc.start()
    start = time.perf_counter()
    with pytest.raises(UnreadableFileError, match="not opened to protect the app"):
        read_table(bomb, filename="report.xlsx")
    elapsed = time.perf_counter() - start
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert elapsed < 10 and peak < 20 * 2**20  # rejected before parsing: no time to fill memory


def test_xlsx_too_many_entries_rejected() -> None:
    base = zipfile.ZipFile(io.BytesIO(_xlsx([["a"], [1]])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as z:
        for info in base.infolist():
            z.writestr(info.filename, base.read(info))
        for i in range(1001):
            z.writestr(f"xl/media/f{i}.bin", b"")
    with pytest.raises(UnreadableFileError, match=r"in 1,0\d\d parts"):
        read_table(out.getvalue(), filename="x.xlsx")


def test_billion_laughs_xlsx_rejected() -> None:
    entities = '<!ENTITY lol0 "lol">' + "".join(
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)
    )
    sheet = (
        f'<?xml version="1.0"?><!DOCTYPE lolz [{entities}]>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData></worksheet>'
    ).encode()
    evil = _replace_member(_xlsx([["a"], [1]]), "xl/worksheets/sheet1.xml", sheet)
    with pytest.raises(UnreadableFileError, match="entity"):
        read_table(evil, filename="x.xlsx")
    import defusedxml  # noqa: F401  (installed: openpyxl uses it automatically)


def test_xlsm_reads_values_and_ignores_macros() -> None:
    data = _replace_member(_xlsx([["a", "b"], [1, 2]]), "docProps/app.xml", b"<Properties/>")
    t = read_table(data, filename="macro.xlsm")
    assert t.frame.rows() == [(1, 2)]
    assert any("Macros" in str(n) for n in t.report.notes)


def test_no_header_and_one_column() -> None:
    t = read_table(b"1,2,3\n4,5,6\n")
    assert t.frame.columns == ["column_1", "column_2", "column_3"] and t.frame.height == 2
    assert any("No header row" in str(w) for w in t.report.warnings)
    t = read_table(b"email\na@x.org\nb@y.org\n")
    assert t.frame.columns == ["email"] and t.frame.height == 2
    assert any("Only one column" in str(w) for w in t.report.warnings)


def test_unbalanced_quote_never_crashes() -> None:
    t = read_table(b'a,b\n"x,1\ny,2\n')
    r = t.report
    assert r.rows_kept + sum(r.dropped.values()) == r.rows_read


def test_bad_overrides_have_messages() -> None:
    with pytest.raises(UnreadableFileError, match="decimal"):
        read_table(b"a\n1\n", decimal=";")
    with pytest.raises(UnreadableFileError, match="date order"):
        read_table(b"a\n1\n", date_order="ymd")
    with pytest.raises(UnreadableFileError, match="no sheet"):
        read_table(_xlsx([["a"], [1]]), sheet="Nope")


cell = st.one_of(
    st.text(alphabet="ab ,;\"'\t|#\r\n%€-0123456789.é", max_size=6),
    st.integers(-10_000, 10_000).map(str),
    st.sampled_from(["", "NA", "TRUE", "false", "Total", "01/02/2024", "1 234,5", "(3.5)"]),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rows=st.lists(st.lists(cell, min_size=0, max_size=6), min_size=1, max_size=25),
    delimiter=st.sampled_from([",", ";", "\t", "|"]),
    preamble=st.lists(st.text(alphabet="# abc", max_size=10), max_size=3),
)
def test_row_accounting_always_holds(
    rows: list[list[str]], delimiter: str, preamble: list[str]
) -> None:
    body = "\n".join(delimiter.join(r) for r in rows)
    data = ("\n".join(preamble) + "\n" + body).encode()
    try:
        t = read_table(data, filename="h.csv")
    except UnreadableFileError as exc:
        assert exc.message is not None  # a person-readable refusal is fine; anything else is a bug
        return
    for table in [t, *t.extra_tables]:
        r = table.report
        assert r.rows_kept + sum(r.dropped.values()) == r.rows_read
        assert table.frame.height == r.rows_kept
        assert isinstance(table.frame, pl.DataFrame)


def test_header_without_rows_says_so() -> None:
    with pytest.raises(UnreadableFileError, match="no rows of data"):
        read_table(b"user_id,event,timestamp,revenue\n", filename="header_only.csv")
