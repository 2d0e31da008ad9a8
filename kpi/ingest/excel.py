"""Workbooks (XLSX, XLSM, XLS, ODS): checked for zip bombs and XML tricks, the sheet chosen."""

from __future__ import annotations

import io
import zipfile

import defusedxml.ElementTree as safe_xml
import polars as pl

from kpi.errors import UnreadableFileError
from kpi.formats import (
    ReadOptions,
)
from kpi.ingest.grid import _Context, _tables_from_grid
from kpi.ingest.report import Table

"""Largest file (and largest decompressed .gz) read, in MiB."""
MAX_ZIP_ENTRIES = 1000
MAX_UNZIPPED_BYTES = 200 * 2**20
MAX_ZIP_RATIO = 100


def _preflight_zip(data: bytes, fmt: str) -> None:
    """Reject zip bombs and XML entity tricks before any spreadsheet parser sees the file."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise UnreadableFileError(
            f"The .{fmt} file is damaged (not a valid zip container).",
            "Open it in Excel and save it again, or export the sheet as CSV.",
        ) from exc
    total = sum(i.file_size for i in infos)
    packed = sum(i.compress_size for i in infos) or 1
    if len(infos) > MAX_ZIP_ENTRIES or total > MAX_UNZIPPED_BYTES or total / packed > MAX_ZIP_RATIO:
        raise UnreadableFileError(
            f"The workbook would expand to {total / 2**20:,.0f} MB in {len(infos)} parts "
            f"({total / packed:,.0f}x its size); it was not opened to protect the app.",
            "Export the sheet you need as CSV and upload that instead.",
        )
    names = {i.filename for i in infos}
    if not ({"xl/workbook.xml", "xl/workbook.bin", "content.xml"} & names):
        raise UnreadableFileError(
            "This is a zip archive, not an Excel workbook.",
            "Unzip it and upload the CSV or XLSX inside.",
        )
    for info in infos:
        if info.filename.endswith((".xml", ".rels")):
            with archive.open(info) as member:
                head = member.read(65536)
            if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                raise UnreadableFileError(
                    "The workbook contains XML entity declarations (a known attack), so it was not opened.",
                    "Save it again from Excel, or export the sheet as CSV.",
                )
    if "xl/workbook.xml" in names:
        try:
            safe_xml.fromstring(archive.read("xl/workbook.xml"))
        except Exception as exc:
            raise UnreadableFileError(
                "The workbook's structure is invalid or unsafe, so it was not opened.",
                "Save it again from Excel, or export the sheet as CSV.",
            ) from exc


def _open_workbook(data: bytes, fmt: str):  # -> fastexcel.ExcelReader
    import fastexcel

    if fmt != "xls":
        _preflight_zip(data, fmt)
    try:
        return fastexcel.read_excel(data)
    except Exception as exc:
        raise UnreadableFileError(
            f"The .{fmt} file cannot be opened ({str(exc).splitlines()[0][:200]}).",
            "Open it in Excel and save it again as .xlsx, or export the sheet as CSV.",
        ) from exc


def _read_excel(
    data: bytes, fmt: str, *, sheet: str | None, header_row: int | None, opts: ReadOptions
) -> Table:
    reader = _open_workbook(data, fmt)
    names = list(reader.sheet_names)
    if sheet is not None and sheet not in names:
        raise UnreadableFileError(
            f"There is no sheet named {sheet!r}.", f"Sheets: {', '.join(names)}."
        )
    grids: dict[str, pl.DataFrame] = {}
    sizes: dict[str, int] = {}
    for name in [sheet] if sheet else names:
        try:
            frame = reader.load_sheet(name, header_row=None, dtypes="string").to_polars()
        except Exception:
            frame = pl.DataFrame()
        frame = frame.rename({c: f"c{i}" for i, c in enumerate(frame.columns)})
        frame = frame.with_columns(pl.col(c).cast(pl.String) for c in frame.columns)
        grids[name] = frame
        sizes[name] = sum(frame[c].is_not_null().sum() for c in frame.columns) if frame.width else 0
    notes: list[str] = []
    if fmt == "xlsm":
        notes.append("Macros in this workbook were ignored (only cell values are read).")
    if sheet:
        chosen = sheet
        notes.append(f"Sheet: {sheet!r} (as you chose)")
    else:
        chosen = max(names, key=lambda n: sizes.get(n, 0))
        others = [f"{n!r} ({sizes[n]} cells)" for n in names if n != chosen]
        notes.append(
            f"Sheet: {chosen!r}, the largest"
            + (f"; other sheets: {', '.join(others)}" if others else "")
        )
    grid = grids[chosen]
    if grid.width == 0 or sizes[chosen] == 0:
        raise UnreadableFileError(
            f"The sheet {chosen!r} is empty.", "Choose another sheet or check the workbook."
        )
    ctx = _Context(
        format=fmt,
        encoding="binary (spreadsheet)",
        delimiter="",
        options=ReadOptions(opts.decimal, opts.date_order, from_excel=True),
        notes=notes,
        warnings=[],
        excel=True,
        sheet=chosen,
    )
    table = _tables_from_grid(grid, ctx, header_row=header_row)
    return Table(table.frame, table.report, table.title, table.extra_tables, names)
