"""Session state: the uploaded (or demo) data, its parse, and the filtered view.

Everything of one user's data lives in ``st.session_state`` (per browser session). Only the
committed demo data is cached globally. Pages call :func:`dataset` / :func:`view` and never
parse files themselves.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import streamlit as st

from kpi.dataset import Dataset
from kpi.errors import ParcoursError
from kpi.filters import Filters
from kpi.load import Table, read_table
from kpi.schema import TableInput, align_user_ids, build_dataset, detect_roles, rederive_cohort
from kpi.words import Fact
from pages._ui.lang import current, t
from pages._ui.page_end import end_page


def _share_uploaded_bytes() -> None:
    """Streamlit deep-copies every widget's value on every rerun (``register_widget``), the
    file uploader's too: the whole uploaded file, 86 MB for a million events, copied on every
    click (0.1–0.3 s and as much memory again). An :class:`UploadedFile` is a read-only
    ``BytesIO`` over immutable bytes; its copy may share them (copy-on-write, as Streamlit's
    own constructor does), keeping the name, type, id and read position."""
    try:
        from streamlit.runtime.uploaded_file_manager import UploadedFile, UploadedFileRec
    except ImportError:  # another Streamlit: leave it as it is
        return
    if "__deepcopy__" in UploadedFile.__dict__:
        return

    def __deepcopy__(self: UploadedFile, memo: dict) -> UploadedFile:
        rec = UploadedFileRec(self.file_id, self.name, self.type, self.getvalue())
        clone = UploadedFile(rec, self._file_urls)
        clone.seek(self.tell())
        memo[id(self)] = clone
        return clone

    UploadedFile.__deepcopy__ = __deepcopy__  # type: ignore[attr-defined]


_share_uploaded_bytes()

ROOT = Path(__file__).resolve().parents[2]
DEMO_DIR = ROOT / "data" / "demo"
UPLOAD_TYPES = [
    "csv",
    "tsv",
    "txt",
    "gz",
    "xlsx",
    "xlsm",
    "xls",
    "parquet",
    "json",
    "jsonl",
    "ndjson",
]


@dataclass
class ParsedFile:
    """One uploaded file: its bytes' digest, what load understood, and its column roles."""

    name: str
    digest: str
    data: bytes
    table: Table | None = None
    error: ParcoursError | None = None
    roles: dict[str, str] = field(default_factory=dict)
    options: dict[str, Any] = field(default_factory=dict)


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:16]


def parse(name: str, data: bytes, options: dict[str, Any] | None = None) -> ParsedFile:
    """Read one file with kpi.load (user overrides in ``options``) and detect its roles."""
    options = {k: v for k, v in (options or {}).items() if v not in (None, "")}
    pf = ParsedFile(name=name, digest=_digest(data), data=data, options=options)
    try:
        pf.table = read_table(data, filename=name, **options)
        pf.roles = detect_roles(pf.table.frame, filename=name)
    except ParcoursError as exc:
        pf.error = exc
    return pf


def build(
    files: list[ParsedFile], grain: str = "month"
) -> tuple[Dataset | None, ParcoursError | None]:
    """The Dataset from every readable file, or the error that says why there is none (its
    words rendered by the page in the reader's language: :func:`problem_text`)."""
    inputs = [
        TableInput.from_table(f.name, f.table, roles=f.roles) for f in files if f.table is not None
    ]
    if not inputs:
        return None, ParcoursError(Fact("frame.no_file_read"))
    try:
        return build_dataset(inputs, cohort_grain=grain), None  # type: ignore[arg-type]
    except ParcoursError as exc:
        return None, exc


def problem_text(problem: ParcoursError | None) -> str:
    """Markdown words of what :func:`dataset` says instead of data, in the view's language."""
    if isinstance(problem, ParcoursError):
        return problem.text(current(), markdown=True)
    return t("frame.no_data")


@st.cache_resource(show_spinner=False)  # the frame's pill says "Reading the data…"
def demo_files() -> list[ParsedFile]:
    """The committed demo files, parsed once per server (they hold no user data)."""
    return preload_demo()[0]


_DEMO_LOCK = threading.Lock()
_DEMO: list[tuple[list[ParsedFile], tuple[Dataset | None, ParcoursError | None]]] = []


def preload_demo() -> tuple[list[ParsedFile], tuple[Dataset | None, ParcoursError | None]]:
    """The committed demo files and their Dataset, read once per process.

    ``pages/_ui/serve.py`` calls it in a background thread as the server starts, so the first
    page of the first visitor does not wait for the demo data to be read (it waits for the
    thread to finish if it has not). Only the committed demo data: nothing of an upload.
    """
    with _DEMO_LOCK:
        if not _DEMO:
            fs = [_parse_demo(p) for p in sorted(DEMO_DIR.iterdir()) if p.is_file()]
            _DEMO.append((fs, build(fs)))
        return _DEMO[0]


def _parse_demo(path: Path) -> ParsedFile:
    """:func:`parse` of a committed demo file, its table from the store next to it when that
    was read from these very bytes (:mod:`pages._ui.demo_store`), else from the file."""
    from pages._ui import demo_store

    data = path.read_bytes()
    table = demo_store.table_of(path, data)
    if table is None:
        return parse(path.name, data)
    roles = detect_roles(table.frame, filename=path.name)
    return ParsedFile(name=path.name, digest=_digest(data), data=data, table=table, roles=roles)


def files() -> list[ParsedFile]:
    """The files behind the current view: this session's uploads, else the demo data."""
    return st.session_state.get("uploads") or demo_files()


def using_demo() -> bool:
    return not st.session_state.get("uploads")


def uploads_changed(uploaded: list[Any]) -> bool:
    """True when the uploader holds other files than the ones the current data was read from."""
    return [u.file_id for u in uploaded] != list(st.session_state.get("upload_ids") or [])


def pending_uploads() -> list[Any]:
    """The uploader's files for this run, read before the widget is drawn (empty if unknown)."""
    try:
        return list(st.session_state.get("upload") or [])
    except Exception:  # the widget's value cannot be read before it is drawn: assume no change
        return []


def data_changing() -> bool:
    """True when this run shows other data than the last page drawn to the end: new or removed
    uploads, other reading options, other column roles (the previous page must not stay on
    screen). A run cut short by a newer rerun leaves the flag on for the next one."""
    if uploads_changed(pending_uploads()):
        return True
    key = _files_key(files())
    built = st.session_state.get("built_key")
    shown = st.session_state.get("shown_files_key")
    return (built is not None and built != key) or (shown is not None and shown != key)


def mark_shown() -> None:
    """The page of the current data was drawn to its end (see :func:`data_changing`)."""
    st.session_state["shown_files_key"] = st.session_state.get("built_key")


def _files_key(fs: list[ParsedFile]) -> tuple:
    return tuple(
        (f.digest, tuple(sorted(f.roles.items())), tuple(sorted(f.options.items()))) for f in fs
    )


def ingest_uploads(uploaded: list[Any]) -> None:
    """Parse new uploads (by file id) into session state; forget removed ones."""
    current: dict[str, ParsedFile] = st.session_state.setdefault("upload_cache", {})
    ids = [u.file_id for u in uploaded]
    if ids == st.session_state.get("upload_ids"):
        return
    fresh: dict[str, ParsedFile] = {}
    for u in uploaded:
        fresh[u.file_id] = current.get(u.file_id) or parse(u.name, u.getvalue())
    st.session_state["upload_cache"] = fresh
    st.session_state["upload_ids"] = ids
    st.session_state["uploads"] = list(fresh.values())
    _align_user_ids(st.session_state["uploads"])
    st.session_state.pop("dataset_key", None)


def _align_user_ids(files: list[ParsedFile]) -> None:
    """Several files: the column they share becomes the user id of each (kpi.schema)."""
    readable = [f for f in files if f.table is not None]
    if len(readable) < 2:
        return
    inputs = [TableInput(f.name, f.table.frame, roles=dict(f.roles)) for f in readable]  # type: ignore[union-attr]
    aligned, _ = align_user_ids(inputs)
    for f, table in zip(readable, aligned, strict=True):
        f.roles = table.roles


def reparse(index: int, options: dict[str, Any]) -> None:
    """Read one uploaded file again with the user's overrides (encoding, delimiter...)."""
    ups: list[ParsedFile] = st.session_state["uploads"]
    old = ups[index]
    ups[index] = parse(old.name, old.data, options)
    _align_user_ids(ups)
    st.session_state.pop("dataset_key", None)


def set_roles(index: int, roles: dict[str, str]) -> None:
    ups: list[ParsedFile] = st.session_state["uploads"]
    ups[index].roles = roles
    st.session_state.pop("dataset_key", None)


def dataset(grain: str = "month") -> tuple[Dataset | None, ParcoursError | None]:
    """The unfiltered Dataset of this session.

    Built once per set of files, roles and reading options; a change of cohort grain only
    re-derives the cohort column (:func:`kpi.schema.rederive_cohort`), for uploads and demo alike.
    """
    fs = files()
    files_key = _files_key(fs)
    if st.session_state.get("built_key") != files_key:
        st.session_state["built"] = _demo_dataset() if using_demo() else build(fs)
        st.session_state["built_key"] = files_key
    key = (files_key, grain)
    if st.session_state.get("dataset_key") != key:
        ds, err = st.session_state["built"]
        if using_demo():  # the same object in every session (its Views are shared)
            st.session_state["dataset"] = _demo_at_grain(grain)
        else:
            st.session_state["dataset"] = rederive_cohort(ds, grain) if ds is not None else None  # type: ignore[arg-type]
        st.session_state["dataset_error"] = err
        st.session_state["dataset_key"] = key
        st.session_state["views"] = {}
    return st.session_state["dataset"], st.session_state["dataset_error"]


@st.cache_resource(show_spinner=False)
def _demo_dataset() -> tuple[Dataset | None, ParcoursError | None]:
    return preload_demo()[1]


@st.cache_resource(show_spinner=False)
def _demo_at_grain(grain: str) -> Dataset | None:
    ds, _ = _demo_dataset()
    return rederive_cohort(ds, grain) if ds is not None else None  # type: ignore[arg-type]


def connected_in_use() -> bool:
    """True while a connected table is in use (``pages._ui.connect``): every page reads it."""
    from pages._ui import connect

    return connect.connected() is not None


def digest() -> str:
    """Identity of the data behind the view (for cache keys): the connected table in use, else
    the files."""
    from pages._ui import connect

    table = connect.digest()
    if table is not None:
        return table
    return "-".join(f.digest for f in files()) + "|" + str(st.session_state.get("dataset_key"))


def view(filters: Filters) -> Dataset | None:
    """The filtered Dataset, memoised in this session (a few recent filter sets)."""
    ds = st.session_state.get("dataset")
    if ds is None:
        return None
    from pages._ui import compute  # compute builds on this module

    memo: dict = st.session_state.setdefault("views", {})
    k = filters.key()
    if k not in memo:
        if len(memo) >= 3:  # each view is a filtered copy of the data: keep few
            memo.pop(next(iter(memo)))
        # filters.apply(ds), the same Dataset, from the period's Dataset kept in the period
        # cache (the session's own; the server's for the demo) and a mask: no join
        cache = compute._period_cache(ds, shared=using_demo())
        memo[k] = cache.apply(ds, filters)
    return memo[k]


def current_filters() -> Filters:
    return st.session_state.get("filters", Filters())


def view_key() -> str:
    """Cache key for derived results: data digest + filters (use as a hashed argument)."""
    return f"{digest()}|{current_filters().key()}"


def require_view() -> Dataset:
    """The filtered Dataset for the page, or a friendly stop when there is no data."""
    from pages._ui import compute  # compute builds on this module

    if connected_in_use():  # a page that does not read a connected table: said, never the files
        st.info(t("connect.page_files_only"), icon=":material/database:")
        end_page()
    f = st.session_state.get("filters")
    ds = None
    if f is not None and st.session_state.get("dataset") is not None:
        current = compute.current_view()  # its filtered data (the demo's: once per server)
        ds = current.view if current is not None else view(f)
    if ds is None:
        st.info(t("frame.no_view"))
        end_page()
    return ds  # type: ignore[return-value]
