"""The Data page in French: on the demo data, after an upload of a French CRM export, and for
bad files; none of the ingest catalogue's English sentences shows; user values stay text."""

from __future__ import annotations

import string
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from kpi.ingest.roles import ROLES
from kpi.words.catalogue import catalogue
from tests.app.conftest import errors_and_exceptions

FIXTURES = Path(__file__).parents[1] / "fixtures"


def english_sentences() -> list[str]:
    """The ingest catalogue's English templates without fields, longer than 3 words, that
    French writes differently."""
    out = []
    for code, (en, fr) in catalogue().items():
        if not code.startswith("ingest") or en == fr:
            continue
        if any(f for _, f, _, _ in string.Formatter().parse(en) if f is not None):
            continue
        if len(en.split()) > 3:
            out.append(en.replace("{{", "{").replace("}}", "}"))
    return out


def page_text(at: AppTest) -> list[str]:
    """Every piece of text the page shows (Markdown unescaped), main area and sidebar."""
    texts: list[str] = []
    for kind in ("markdown", "caption", "info", "warning", "error", "title", "header", "subheader"):
        texts += [str(e.value) for e in getattr(at, kind)]
    for m in at.metric:
        texts += [str(m.label), str(m.value), str(getattr(m, "help", "") or "")]
    for e in at.expander:
        texts.append(str(e.label))
    for w in [*at.selectbox, *at.number_input, *at.button]:
        texts.append(str(w.label))
    for w in at.selectbox:
        texts += [str(o) for o in w.options]
    for df in [*at.dataframe, *at.table]:
        texts += [str(c) for c in df.value.columns]
        texts += [str(v) for v in df.value.head(60).astype(str).to_numpy().ravel()]
    return [x.replace("\\", "") for x in texts]


def assert_no_english(texts: list[str]) -> None:
    joined = "\n".join(texts)
    found = [s for s in english_sentences() if s in joined]
    assert found == []


def data_page(at: AppTest) -> AppTest:
    at.switch_page("pages/data_view.py").run()
    assert errors_and_exceptions(at) == []
    return at


def test_english_sentences_are_many() -> None:
    sentences = english_sentences()
    assert len(sentences) > 60
    assert "Rows identical in every column (kept)." in sentences


def test_demo_data_page_in_french(app: AppTest) -> None:
    app.query_params["lang"] = "fr"
    app.run()
    texts = page_text(data_page(app))
    joined = "\n".join(texts)
    for words in (
        "Qualité des données",
        "Utilisateurs",
        "Événements en double",
        "Période couverte\u00a0:",
        "Chaque ligne importée, comptée",
        "Valeurs manquantes par colonne",
        "Fichiers",
        "Options de lecture",
        "Colonnes et rôles",
        "Séparateur\u00a0: virgule (,) (détecté)",
        "Encodage\u00a0: UTF-8",
        "jeu de données de démonstration",
    ):
        assert words in joined, words
    assert "Lignes lues" in [m.label for m in app.metric]
    assert_no_english(texts)
    # the role editor shows roles in words, its values stay the neutral keys
    editors = [d.value for d in app.dataframe if list(d.value.columns)[:2] == ["column", "role"]]
    assert editors and any("user_id" in set(e["role"]) for e in editors)
    assert all(set(e["role"]) <= set(ROLES) for e in editors)


def test_french_crm_upload_in_french(app: AppTest) -> None:
    app.query_params["lang"] = "fr"
    app.run()
    data = (FIXTURES / "crm_contacts_fr.csv").read_bytes()
    app.sidebar.file_uploader[0].set_value(("crm_contacts_fr.csv", data, "text/csv")).run()
    texts = page_text(data_page(app))
    joined = "\n".join(texts)
    for words in (
        "Encodage\u00a0: cp1252 (le fichier n'est pas en UTF-8 valide)",
        "Séparateur\u00a0: point-virgule (;) (détecté)",
        "Devise des montants\u00a0:** EUR",
        "Identifiant utilisateur = Identifiant",
        "date, jour en premier (jj/mm/aaaa)",
    ):
        assert words in joined, words
    assert_no_english(texts)


@pytest.mark.parametrize(
    ("name", "data", "french"),
    [
        ("vide.csv", b"", "Le fichier vide.csv est vide."),
        ("image.csv", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "une image PNG"),
        ("binaire.csv", b"a,b\n\x00\x01\x02\x03\x04\x05" * 200, "semble binaire"),
    ],
)
def test_bad_file_says_what_is_wrong_in_french(
    app: AppTest, name: str, data: bytes, french: str
) -> None:
    app.query_params["lang"] = "fr"
    app.run()
    app.sidebar.file_uploader[0].set_value((name, data, "text/csv")).run()
    data_page(app)
    errors = [e.value.replace("\\", "") for e in app.error]
    assert any(french in e for e in errors), errors
    hints = [i.value for i in app.info]
    assert any(h.startswith("Que faire\u00a0:") for h in hints), hints
    assert_no_english(page_text(app))


def test_bad_file_in_english(app: AppTest) -> None:
    app.run()
    app.sidebar.file_uploader[0].set_value(("empty.csv", b"", "text/csv")).run()
    data_page(app)
    assert any("empty.csv is empty." in e.value.replace("\\", "") for e in app.error)
    assert any(i.value.startswith("What to do: Export the data again") for i in app.info), [
        i.value for i in app.info
    ]


def test_a_column_named_like_markdown_shows_literally(app: AppTest) -> None:
    app.query_params["lang"] = "fr"
    app.run()
    rows = [
        f"u{i},2025-01-{1 + i % 28:02d},{['visit', 'buy'][i % 2]},{['a', 'b'][i % 2]}"
        for i in range(40)
    ]
    data = ("user_id,ts,event,**promo**\n" + "\n".join(rows) + "\n").encode()
    app.sidebar.file_uploader[0].set_value(("promo.csv", data, "text/csv")).run()
    data_page(app)
    markdown = [m.value for m in app.markdown]
    # escaped for Markdown: shown as typed, never bold
    assert any(r"\*\*promo\*\*" in m for m in markdown)
    assert not any("**promo**" in m.replace(r"\*", "") for m in markdown)
