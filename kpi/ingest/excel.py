"""Workbooks (XLSX, XLSM, XLS, ODS): checked for zip bombs and XML tricks, the sheet chosen."""

from __future__ import annotations

import io
import zipfile

import defusedxml.ElementTree as safe_xml
import polars as pl

from kpi.errors import UnreadableFileError
from kpi.ingest.grid import _Context, _tables_from_grid
from kpi.ingest.report import Table
from kpi.ingest.values import (
    ReadOptions,
)
from kpi.words import Fact

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
            Fact("ingest_errors.zip_damaged", ext=fmt), Fact("ingest_errors.hint.resave_or_csv")
        ) from exc
    total = sum(i.file_size for i in infos)
    packed = sum(i.compress_size for i in infos) or 1
    if len(infos) > MAX_ZIP_ENTRIES or total > MAX_UNZIPPED_BYTES or total / packed > MAX_ZIP_RATIO:
        raise UnreadableFileError(
            Fact(
                "ingest_errors.zip_bomb",
                mb=total / 2**20,
                parts=len(infos),
                ratio=total / packed,
            ),
            Fact("ingest_errors.hint.sheet_as_csv"),
        )
    names = {i.filename for i in infos}
    if not ({"xl/workbook.xml", "xl/workbook.bin", "content.xml"} & names):
        raise UnreadableFileError(
            Fact("ingest_errors.zip_not_workbook"), Fact("ingest_errors.hint.unzip")
        )
    for info in infos:
        if info.filename.endswith((".xml", ".rels")):
            with archive.open(info) as member:
                head = member.read(65536)
            if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                raise UnreadableFileError(
                    Fact("ingest_errors.xml_entities"), Fact("ingest_errors.hint.resave_or_csv")
                )
    if "xl/workbook.xml" in names:
        try:
            safe_xml.fromstring(archive.read("xl/workbook.xml"))
        except Exception as exc:
            raise UnreadableFileError(
                Fact("ingest_errors.workbook_invalid"), Fact("ingest_errors.hint.resave_or_csv")
            ) from exc


def _open_workbook(data: bytes, fmt: str):  # -> fastexcel.ExcelReader
    import fastexcel

    if fmt != "xls":
        _preflight_zip(data, fmt)
    try:
        return fastexcel.read_excel(data)
    except Exception as exc:
        raise UnreadableFileError(
            Fact(
                "ingest_errors.workbook_unopenable",
                ext=fmt,
                detail=(str(exc).splitlines() or [""])[0][:200],
            ),
            Fact("ingest_errors.hint.resave_xlsx"),
        ) from exc


def _read_excel(
    data: bytes, fmt: str, *, sheet: str | None, header_row: int | None, opts: ReadOptions
) -> Table:
    reader = _open_workbook(data, fmt)
    names = list(reader.sheet_names)
    if sheet is not None and sheet not in names:
        raise UnreadableFileError(
            Fact("ingest_errors.no_such_sheet", sheet=sheet),
            Fact("ingest_errors.hint.sheets", sheets=names),
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
    notes: list[Fact] = []
    if fmt == "xlsm":
        notes.append(Fact("ingest_read.macros_ignored"))
    if sheet:
        chosen = sheet
        notes.append(Fact("ingest_read.sheet.chosen", sheet=sheet))
    else:
        chosen = max(names, key=lambda n: sizes.get(n, 0))
        others = [
            Fact("ingest_read.sheet.other", sheet=n, cells=int(sizes[n]))
            for n in names
            if n != chosen
        ]
        notes.append(
            Fact("ingest_read.sheet.largest_others", sheet=chosen, others=others)
            if others
            else Fact("ingest_read.sheet.largest", sheet=chosen)
        )
    grid = grids[chosen]
    if grid.width == 0 or sizes[chosen] == 0:
        raise UnreadableFileError(
            Fact("ingest_errors.sheet_empty", sheet=chosen), Fact("ingest_errors.hint.other_sheet")
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
