"""Helpers for the French AppTests of the Retention, Value and Advocacy pages: every string a
page shows (texts, widget labels, help, options, chart specs), and the English sentences of
those pages' catalogue modules that must not appear in French."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from typing import Any

from google.protobuf.json_format import MessageToDict
from streamlit.testing.v1 import AppTest

from kpi.words.catalogue import advocacy, retention, value
from tests.app.conftest import ROOT

SHOPIFY = ROOT / "tests" / "fixtures" / "shopify_orders.csv"


def english_sentences() -> list[str]:
    """English templates without fields, longer than 3 words, that French writes otherwise."""
    out = []
    for module in (retention, value, advocacy):
        for en, fr in module.MESSAGES.values():
            if "{" not in en and len(en.split()) > 3 and en != fr:
                out.append(en)
    return out


def _strings(x: Any) -> Iterator[str]:
    if isinstance(x, str):
        yield x
        if x.startswith("{"):  # a chart spec or a column config: its titles, axes, tooltips
            with contextlib.suppress(ValueError):
                yield from _strings(json.loads(x))
    elif isinstance(x, dict):
        for v in x.values():
            yield from _strings(v)
    elif isinstance(x, list):
        for v in x:
            yield from _strings(v)


def _nodes(node: Any) -> Iterator[Any]:
    yield node
    children = getattr(node, "children", None) or {}
    for child in children.values():
        yield from _nodes(child)


def shown_text(at: AppTest) -> str:
    """Every string of every element of the page (main area and sidebar), one per line."""
    out: list[str] = []
    for node in _nodes(at._tree):
        proto = getattr(node, "proto", None)
        if proto is None or not hasattr(proto, "DESCRIPTOR"):
            continue
        out.extend(_strings(MessageToDict(proto)))
    return "\n".join(out)


def run_in_french(at: AppTest, page: str, *, upload: bool = False) -> str:
    """``page`` rendered in French on the demo data (or after uploading the Shopify orders
    fixture, an orders-only file); returns :func:`shown_text`."""
    at.query_params["lang"] = "fr"
    at.run()
    at.switch_page(page).run()
    if upload:
        at.sidebar.file_uploader[0].set_value(
            (SHOPIFY.name, SHOPIFY.read_bytes(), "text/csv")
        ).run()
    assert [e.value for e in at.exception] == []
    return shown_text(at)


def english_left(text: str) -> list[str]:
    """The English catalogue sentences found in ``text``."""
    return [s for s in english_sentences() if s in text]
