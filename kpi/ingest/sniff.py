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

MAX_UPLOAD_MB = 100
"""Largest file (and largest decompressed .gz) read, in MiB."""

DELIMITERS = (",", ";", "\t", "|")
_HEAD_BYTES = 256 * 1024
_MAGIC_REJECT = {
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"%PDF": "a PDF document",
    b"\x7fELF": "a program",
    b"Rar!": "a RAR archive",
    b"7z\xbc\xaf": "a 7-Zip archive",
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
                f"Cannot open {name}: {exc.strerror}.", "Check the path."
            ) from exc
        if limit is not None and size > limit:
            _too_large(name, size, max_mb)
        data = path.read_bytes()
    if limit is not None and len(data) > limit:
        _too_large(name, len(data), max_mb)
    if not data or (not data[:4096].strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe") and not data.strip()):
        raise UnreadableFileError(
            f"{name} is empty.", "Export the data again and check that the file has rows in it."
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
        f"{name} is {size / 2**20:.0f} MB, more than the {max_mb:g} MB limit.",
        "Filter the export to a shorter period or fewer columns, or compress it as .csv.gz.",
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
                f"{name} is {what}, not a table.", "Upload the CSV, Excel or Parquet export itself."
            )
    if ext == "parquet":
        raise UnreadableFileError(
            f"{name} is not a valid Parquet file (it does not start with PAR1).",
            "Export it again, or upload it as CSV.",
        )
    if ext in ("xlsx", "xlsm", "xls", "ods"):
        raise UnreadableFileError(
            f"{name} is named .{ext} but is not a spreadsheet (it may be corrupted).",
            "Open it in Excel and save it again as .xlsx, or export it as CSV.",
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
                        f"The compressed file expands to more than {max_mb:g} MB.",
                        "Upload a smaller extract.",
                    )
    except (OSError, EOFError, zlib.error) as exc:
        raise UnreadableFileError(
            f"The .gz file is damaged ({exc}).",
            "Compress the file again, or upload it uncompressed.",
        ) from exc
    if not out.getvalue().strip():
        raise UnreadableFileError("The .gz file contains an empty file.", "Check the export.")
    return out.getvalue()


# =========================================================================== text files


def _decode(data: bytes, encoding: str | None) -> tuple[bytes, str, str | None]:
    """(UTF-8 bytes for polars, encoding name, note). Avoids decoding clean UTF-8 files."""
    if encoding:
        try:
            text = data.decode(encoding)
        except (LookupError, UnicodeDecodeError) as exc:
            raise UnreadableFileError(
                f"The file cannot be read as {encoding} ({exc}).", "Choose another encoding."
            ) from exc
        return (
            text.lstrip("\ufeff").encode("utf-8"),
            encoding,
            f"Encoding: {encoding} (as you chose)",
        )
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16", errors="replace")
        return (
            text.lstrip("\ufeff").encode("utf-8"),
            "utf-16",
            "Encoding: UTF-16 (byte order mark; Excel 'Unicode text')",
        )
    nul_even, nul_odd = data[:4096:2].count(0), data[1:4096:2].count(0)
    sample_len = max(1, len(data[:4096]) // 2)
    if nul_odd > 0.3 * sample_len and nul_even < 0.05 * sample_len:
        return (
            data.decode("utf-16-le", errors="replace").encode("utf-8"),
            "utf-16-le",
            "Encoding: UTF-16 LE (no byte order mark)",
        )
    if nul_even > 0.3 * sample_len and nul_odd < 0.05 * sample_len:
        return (
            data.decode("utf-16-be", errors="replace").encode("utf-8"),
            "utf-16-be",
            "Encoding: UTF-16 BE (no byte order mark)",
        )
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:], "utf-8-sig", "Encoding: UTF-8 with byte order mark"
    return data, "utf-8", None  # validated by polars; cp1252 fallback on error


def _fallback_8bit(data: bytes) -> tuple[bytes, str, str]:
    try:
        return data.decode("cp1252").encode("utf-8"), "cp1252", "Encoding: cp1252 (not valid UTF-8)"
    except UnicodeDecodeError:
        return (
            data.decode("latin-1").encode("utf-8"),
            "latin-1",
            "Encoding: latin-1 (neither UTF-8 nor cp1252)",
        )


def _check_binary(head: str, name_hint: str = "The file") -> None:
    if not head:
        return
    controls = len(re.findall(r"[\x00-\x08\x0e-\x1f]", head))
    if controls > 0.01 * len(head) or "\x00" in head[:1024]:
        raise UnreadableFileError(
            f"{name_hint} looks binary (it contains control bytes), not a text table.",
            "Upload the CSV, Excel or Parquet export itself, not an archive or a renamed file.",
        )


def _clean_sample_lines(head: str) -> list[str]:
    lines = head.splitlines()
    return [ln for ln in lines if ln.strip() and not ln.lstrip().startswith("#")][:400]


def _field_counts(lines: list[str], d: str) -> list[int]:
    return [len(row) for row in csv.reader(lines, delimiter=d)]


def sniff_delimiter(lines: list[str]) -> tuple[str, str | None]:
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
        return ",", "No separator found: the file has a single column."
    best = max(scores, key=lambda d: (scores[d][0], scores[d][1], -DELIMITERS.index(d)))
    with contextlib.suppress(csv.Error):
        sniffed = (
            csv.Sniffer().sniff("\n".join(lines[:100]), delimiters="".join(DELIMITERS)).delimiter
        )
        if sniffed in scores and scores[sniffed][0] >= scores[best][0]:
            best = sniffed
    return best, None


def _show(d: str) -> str:
    return {"\t": "tab", ",": "comma (,)", ";": "semicolon (;)", "|": "pipe (|)"}.get(d, repr(d))
