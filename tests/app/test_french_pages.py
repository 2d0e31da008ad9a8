"""Every page rendered in French shows none of the English catalogue's sentences (issue 10).

The English sentences are every English template of :mod:`kpi.words.catalogue` cut at its
fields (``{x:pct}``, ``{name}``…), Markdown marks removed, keeping the pieces of more than
three words that the French template does not share. The rendered text is every string of
every element of the page and of the sidebar, as Streamlit sends it: Markdown, captions,
alerts, KPI cards (label, value, help), widget labels, help, placeholders and options,
expander and tab labels, chart specs (titles, axes, legends, tooltips) and table headers.
The pages run on the demo data and after an upload of a Shopify orders export.
"""

from __future__ import annotations

import contextlib
import json
import re
import string
from functools import lru_cache

import pytest
from streamlit.testing.v1 import AppTest

from kpi.words.catalogue import catalogue
from tests.app.conftest import ROOT, errors_and_exceptions

PAGES = [
    "pages/home_view.py",
    "pages/data_view.py",
    "pages/funnel_view.py",
    "pages/stages_view.py",
    "pages/retention_view.py",
    "pages/value_view.py",
    "pages/advocacy_view.py",
    "pages/abtest_view.py",
    "pages/export_view.py",
]
UPLOAD = ROOT / "tests" / "fixtures" / "shopify_orders.csv"
_MARKS = re.compile(r"[*_`]+")
_SPACES = re.compile(r"\s+")


def _plain(text: str) -> str:
    """Text as compared: Markdown marks and escapes removed, spaces of any kind as one."""
    text = text.replace("\\", "")
    return _SPACES.sub(" ", _MARKS.sub("", text)).strip()


@lru_cache(maxsize=1)
def english_sentences() -> dict[str, str]:
    """Piece of an English template (more than three words, not in the French one) -> code."""
    out: dict[str, str] = {}
    for code, (en, fr) in catalogue().items():
        french = _plain("".join(lit for lit, *_ in string.Formatter().parse(fr)))
        for literal, *_ in string.Formatter().parse(en):
            piece = _plain(literal).strip(" .,;:()–-")
            if len(piece.split()) > 3 and piece not in french:
                out.setdefault(piece, code)
    return out


def _strings(message, out: list[str]) -> None:
    """Every string field of a protobuf message, recursively (bytes such as Arrow are skipped)."""
    for _, value in message.ListFields():
        if isinstance(value, str):
            out.append(value)
        elif hasattr(value, "ListFields"):
            _strings(value, out)
        elif not isinstance(value, bytes | int | float | bool):  # a repeated field
            for v in value:
                if isinstance(v, str):
                    out.append(v)
                elif hasattr(v, "ListFields"):
                    _strings(v, out)


def rendered_text(at: AppTest) -> list[str]:
    """Every string the page and the sidebar show (see the module's docstring)."""
    out: list[str] = []

    def walk(node) -> None:
        proto = getattr(node, "proto", None)
        if proto is not None and hasattr(proto, "ListFields"):
            _strings(proto, out)
        if type(node).__name__ in ("Dataframe", "Table"):
            with contextlib.suppress(Exception):  # an element without a frame: nothing to add
                out.extend(str(c) for c in node.value.columns)
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    texts: list[str] = []
    for s in out:
        if s[:1] in "{[":  # a chart spec or a table's column config: its strings
            try:
                _json_strings(json.loads(s), texts)
                continue
            except ValueError:
                pass
        texts.append(s)
    return [_plain(s) for s in texts if s]


def _json_strings(value, out: list[str]) -> None:
    """The string values of a JSON document (titles, labels, help), not its keys."""
    if isinstance(value, str):
        out.append(value)
    elif isinstance(value, dict):
        for k, v in value.items():
            if k not in ("data", "datasets", "values", "$schema", "name", "field"):
                _json_strings(v, out)
    elif isinstance(value, list):
        for v in value:
            _json_strings(v, out)


def english_in(texts: list[str]) -> dict[str, str]:
    """The English sentences found in the texts: sentence -> its catalogue code."""
    blob = "\n".join(texts)
    return {s: code for s, code in english_sentences().items() if s in blob}


def _french_app(upload: bool) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.query_params["lang"] = "fr"
    at.run()
    if upload:
        at.sidebar.file_uploader[0].set_value((UPLOAD.name, UPLOAD.read_bytes(), "text/csv"))
        at.run()
    assert errors_and_exceptions(at) == []
    return at


@pytest.fixture(scope="module", params=["demo", "upload"])
def french_app(request) -> AppTest:
    return _french_app(request.param == "upload")


def test_the_english_sentences_are_many_and_real():
    sentences = english_sentences()
    assert len(sentences) > 20
    assert "this data does not have: showing" in sentences  # filters.link.no_value.*
    assert "Upload an event log, orders, a user table or aggregated counts in the sidebar" in (
        sentences
    )
    # a piece the French template shares (a file-format list) is not an English sentence
    assert not any(s.startswith("CSV / TSV / TXT") and "any" not in s for s in sentences)


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.split("/")[-1].removesuffix("_view.py"))
def test_a_page_in_french_shows_no_english_sentence(french_app, page):
    french_app.switch_page(page).run()
    assert errors_and_exceptions(french_app) == [], page
    texts = rendered_text(french_app)
    assert any("Filtres" in t for t in texts)  # the frame is in French
    leaks = english_in(texts)
    assert leaks == {}, f"{page}: {len(leaks)} English sentences: {sorted(leaks.items())[:12]}"


#: words of English prose that French never uses
_ENGLISH = frozenset(
    [
        "the",
        "and",
        "of",
        "is",
        "are",
        "with",
        "this",
        "that",
        "from",
        "which",
        "than",
        "your",
        "you",
        "to",
        "for",
        "by",
        "be",
        "has",
        "have",
        "was",
        "will",
        "when",
        "each",
        "their",
        "there",
        "what",
        "how",
        "only",
        "not",
    ]
)
_SENTENCE = re.compile(r"[^.!?\n]+")
_WORD = re.compile(r"[A-Za-z']+")


def english_prose(texts: list[str]) -> list[str]:
    """Pieces of text that read as English prose (four words or more, three of them English
    function words), whether or not they come from the catalogue: what a page still writes
    in English by hand."""
    out = []
    for text in texts:
        for piece in _SENTENCE.findall(text):
            words = [w.lower() for w in _WORD.findall(piece)]
            if len(words) >= 4 and len(_ENGLISH.intersection(words)) >= 3:
                out.append(piece.strip())
    return sorted(set(out))


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.split("/")[-1].removesuffix("_view.py"))
def test_a_page_in_french_writes_no_english_prose(french_app, page):
    """Beyond the catalogue: no English sentence written by hand on a page in French."""
    french_app.switch_page(page).run()
    prose = english_prose(rendered_text(french_app))
    assert prose == [], f"{page}: {len(prose)} English pieces, e.g. {prose[:8]}"


def test_english_prose_is_recognised():
    assert english_prose(["Upload an event log and a user table from the sidebar to see it."])
    assert not english_prose(["Importez un journal d'événements dans la barre latérale."])
    assert not english_prose(["landing → product_view → add_to_cart"])


def test_the_frame_in_french_on_the_demo_data():
    """The frame's own words in French (the sidebar and the line under the title)."""
    at = _french_app(upload=False)
    sidebar = "\n".join(rendered_text(at))
    for words in ("Filtres", "Période", "Appareil", "Canal", "Cohorte", "Autres segments"):
        assert words in sidebar, words
    assert "Cohortes par" in sidebar and "Synthèse Excel" in sidebar
    assert "Données : jeu de démonstration" in sidebar
    captions = [c.value for c in at.caption]
    assert any(c.startswith("**Données\u00a0:** données de démonstration") for c in captions)
    grain = at.sidebar.segmented_control(key="cohort_by")
    assert grain.options == ["mois", "semaine"] and grain.value == "month"
    assert at.sidebar.multiselect(key="device").placeholder == "Tous"
