"""Bytes -> what they are: size limits, magic bytes, compressed files, encoding, separator."""

from __future__ import annotations

import contextlib
import csv
import gzip
import io
import re
import zlib
from collections import Counter
from pathlib import Path

from kpi.errors import UnreadableFileError
from kpi.words import Fact

MAX_UPLOAD_MB = 100
"""Largest file (and largest decompressed .gz) read, in MiB."""

DELIMITERS = (",", ";", "\t", "|")
_HEAD_BYTES = 256 * 1024
_MAGIC_REJECT = {  # magic bytes -> what the file is (code of ingest_errors.what.*)
    b"\x89PNG": "png",
    b"\xff\xd8\xff": "jpeg",
    b"GIF8": "gif",
    b"%PDF": "pdf",
    b"\x7fELF": "program",
    b"Rar!": "rar",
    b"7z\xbc\xaf": "7z",
}


# =========================================================================== bytes and format


def _read_source(
    source: bytes | str | Path, filename: str | None, max_mb: float | None
) -> tuple[bytes, str]:
    limit = None if max_mb is None else int(max_mb * 2**20)
    if isinstance(source, bytes | bytearray | memoryview):
        data = bytes(source)
        name = filename or "upload"
    else:
        path = Path(source)
        name = filename or path.name
        try:
            size = path.stat().st_size
        except OSError as exc:
            raise UnreadableFileError(
                Fact("ingest_errors.cannot_open", file=name, reason=str(exc.strerror or exc)),
                Fact("ingest_errors.hint.check_path"),
            ) from exc
        if limit is not None and size > limit:
            _too_large(name, size, max_mb)
        data = path.read_bytes()
    if limit is not None and len(data) > limit:
        _too_large(name, len(data), max_mb)
    if not data or (not data[:4096].strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe") and not data.strip()):
        raise UnreadableFileError(
            Fact("ingest_errors.empty", file=name), Fact("ingest_errors.hint.export_with_rows")
        )
    return data, name


def _utf8_text_on_disk(
    path: Path, filename: str | None, max_mb: float | None
) -> tuple[bytes, str, int] | None:
    """(head bytes, name, size) of a plain UTF-8 text file (no BOM, valid head), else None.

    Such a file is handed to polars by path (memory-mapped) instead of being copied into Python
    first; anything else (compressed, spreadsheet, UTF-16, BOM, not UTF-8, blank head, too
    large) goes through the general reader, which reports the problem.
    """
    name = filename or path.name
    try:
        size = path.stat().st_size
        if not path.is_file() or (max_mb is not None and size > int(max_mb * 2**20)):
            return None
        with path.open("rb") as f:
            head = f.read(_HEAD_BYTES)
    except OSError:
        return None
    if _sniff_kind(head, name)[0] != "text" or not head[:4096].strip(b" \t\r\n"):
        return None
    if _decode(head[:4096], None)[1] != "utf-8":
        return None
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if size <= _HEAD_BYTES or exc.start < len(head) - 4:
            return None
    return head, name, size


def _too_large(name: str, size: int, max_mb: float | None) -> None:
    raise UnreadableFileError(
        Fact("ingest_errors.too_large", file=name, mb=size / 2**20, limit=float(max_mb or 0)),
        Fact("ingest_errors.hint.smaller_export"),
    )


def _sniff_kind(data: bytes, name: str) -> tuple[str, str]:
    """(kind, format) from magic bytes first, then the extension."""
    ext = name.lower().rsplit(".", 1)[-1] if "." in name else ""
    head = data[:8]
    if head.startswith(b"\x1f\x8b"):
        return "gzip", "gz"
    if head.startswith(b"PAR1"):
        return "parquet", "parquet"
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return "excel", ext if ext in ("xlsx", "xlsm", "ods", "xlsb") else "xlsx"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "excel", "xls"
    for magic, what in _MAGIC_REJECT.items():
        if head.startswith(magic):
            raise UnreadableFileError(
                Fact(
                    "ingest_errors.not_a_table", file=name, what=Fact(f"ingest_errors.what.{what}")
                ),
                Fact("ingest_errors.hint.upload_export"),
            )
    if ext == "parquet":
        raise UnreadableFileError(
            Fact("ingest_errors.not_parquet", file=name),
            Fact("ingest_errors.hint.export_again_or_csv"),
        )
    if ext in ("xlsx", "xlsm", "xls", "ods"):
        raise UnreadableFileError(
            Fact("ingest_errors.not_spreadsheet", file=name, ext=ext),
            Fact("ingest_errors.hint.resave_xlsx"),
        )
    if ext in JSON_EXTENSIONS or (ext not in TEXT_EXTENSIONS and _starts_like_json(data)):
        return "json", "ndjson" if ext in ("jsonl", "ndjson") else "json"
    return "text", ext if ext in ("tsv", "txt", "tab") else "csv"


JSON_EXTENSIONS = ("json", "jsonl", "ndjson")
TEXT_EXTENSIONS = ("csv", "tsv", "txt", "tab")


def _starts_like_json(data: bytes) -> bool:
    head = data[:64].lstrip(b"\xef\xbb\xbf \t\r\n")
    return head[:1] == b"{" or (head[:1] == b"[" and head[1:].lstrip()[:1] in (b"{", b"]"))


def _gunzip(data: bytes, max_mb: float | None) -> bytes:
    limit = None if max_mb is None else int(max_mb * 2**20)
    out = io.BytesIO()
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as gz:
            while chunk := gz.read(1 << 20):
                out.write(chunk)
                if limit is not None and out.tell() > limit:
                    raise UnreadableFileError(
                        Fact("ingest_errors.gz_too_large", limit=float(max_mb or 0)),
                        Fact("ingest_errors.hint.smaller_extract"),
                    )
    except (OSError, EOFError, zlib.error) as exc:
        raise UnreadableFileError(
            Fact("ingest_errors.gz_damaged", detail=str(exc)),
            Fact("ingest_errors.hint.recompress"),
        ) from exc
    if not out.getvalue().strip():
        raise UnreadableFileError(
            Fact("ingest_errors.gz_empty"), Fact("ingest_errors.hint.check_export")
        )
    return out.getvalue()


# =========================================================================== text files


def _decode(data: bytes, encoding: str | None) -> tuple[bytes, str, Fact | None]:
    """(UTF-8 bytes for polars, encoding name, note). Avoids decoding clean UTF-8 files."""
    if encoding:
        try:
            text = data.decode(encoding)
        except (LookupError, UnicodeDecodeError) as exc:
            raise UnreadableFileError(
                Fact("ingest_errors.bad_encoding", encoding=encoding, detail=str(exc)),
                Fact("ingest_errors.hint.other_encoding"),
            ) from exc
        return (
            text.lstrip("\ufeff").encode("utf-8"),
            encoding,
            Fact("ingest_read.encoding.chosen", encoding=encoding),
        )
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16", errors="replace")
        return (
            text.lstrip("\ufeff").encode("utf-8"),
            "utf-16",
            Fact("ingest_read.encoding.utf16_bom"),
        )
    nul_even, nul_odd = data[:4096:2].count(0), data[1:4096:2].count(0)
    sample_len = max(1, len(data[:4096]) // 2)
    if nul_odd > 0.3 * sample_len and nul_even < 0.05 * sample_len:
        return (
            data.decode("utf-16-le", errors="replace").encode("utf-8"),
            "utf-16-le",
            Fact("ingest_read.encoding.utf16_nobom", encoding="UTF-16 LE"),
        )
    if nul_even > 0.3 * sample_len and nul_odd < 0.05 * sample_len:
        return (
            data.decode("utf-16-be", errors="replace").encode("utf-8"),
            "utf-16-be",
            Fact("ingest_read.encoding.utf16_nobom", encoding="UTF-16 BE"),
        )
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:], "utf-8-sig", Fact("ingest_read.encoding.utf8_bom")
    return data, "utf-8", None  # validated by polars; cp1252 fallback on error


def _fallback_8bit(data: bytes) -> tuple[bytes, str, Fact]:
    try:
        return data.decode("cp1252").encode("utf-8"), "cp1252", Fact("ingest_read.encoding.cp1252")
    except UnicodeDecodeError:
        return (
            data.decode("latin-1").encode("utf-8"),
            "latin-1",
            Fact("ingest_read.encoding.latin1"),
        )


def _check_binary(head: str, *, json: bool = False) -> None:
    if not head:
        return
    controls = len(re.findall(r"[\x00-\x08\x0e-\x1f]", head))
    if controls > 0.01 * len(head) or "\x00" in head[:1024]:
        raise UnreadableFileError(
            Fact("ingest_errors.binary", json=json),
            Fact("ingest_errors.hint.not_archive"),
        )


def _clean_sample_lines(head: str) -> list[str]:
    lines = head.splitlines()
    return [ln for ln in lines if ln.strip() and not ln.lstrip().startswith("#")][:400]


def _field_counts(lines: list[str], d: str) -> list[int]:
    return [len(row) for row in csv.reader(lines, delimiter=d)]


def sniff_delimiter(lines: list[str]) -> tuple[str, Fact | None]:
    """Delimiter among , ; TAB | : csv.Sniffer on the cleaned sample, checked by consistency.

    Consistency score = number of lines whose field count equals the modal count (> 1).
    """
    if not lines:
        return ",", None
    scores = {}
    for d in DELIMITERS:
        counts = [c for c in _field_counts(lines, d) if c > 1]
        if counts:
            mode, freq = Counter(counts).most_common(1)[0]
            scores[d] = (freq, mode)
    if not scores:
        return ",", Fact("ingest_read.separator.none")
    best = max(scores, key=lambda d: (scores[d][0], scores[d][1], -DELIMITERS.index(d)))
    with contextlib.suppress(csv.Error):
        sniffed = (
            csv.Sniffer().sniff("\n".join(lines[:100]), delimiters="".join(DELIMITERS)).delimiter
        )
        if sniffed in scores and scores[sniffed][0] >= scores[best][0]:
            best = sniffed
    return best, None


SEPARATOR_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}


def separator_name(d: str) -> Fact:
    """The separator in words (``ingest_read.sep.*``); another character is shown as it is."""
    name = SEPARATOR_NAMES.get(d)
    return Fact(f"ingest_read.sep.{name}") if name else Fact("ingest_read.sep.other", char=d)
