"""Every message of Parcours in English and French, keyed by code.

Each module of this package holds one concept's messages as ``MESSAGES: dict[str, tuple[str,
str]]`` (code -> (English, French)). Codes start with the module's name (``funnel.…``,
``ab.…``) so that two modules never define the same code; :func:`catalogue` refuses a duplicate.
Templates are ``str.format`` strings whose fields are explained in :mod:`kpi.words.render`.
French uses the analysts' terms of ``notes/french.md`` and French typography (a no-break space
before ``:``, ``;``, ``?``, ``!`` and ``%`` is written by the formatter for figures).
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import lru_cache

__all__ = ["catalogue", "codes", "message_template"]

_LANG_INDEX = {"en": 0, "fr": 1}


@lru_cache(maxsize=1)
def catalogue() -> dict[str, tuple[str, str]]:
    """code -> (English, French) of every message module in this package."""
    out: dict[str, tuple[str, str]] = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        for code, pair in getattr(module, "MESSAGES", {}).items():
            if code in out:
                raise ValueError(f"message code {code!r} defined twice ({info.name})")
            out[code] = pair
    return out


def codes() -> list[str]:
    """Every message code."""
    return sorted(catalogue())


def message_template(code: str, lang: str) -> str:
    """The template of ``code`` in ``lang`` (KeyError when the code is unknown)."""
    return catalogue()[code][_LANG_INDEX.get(lang, 0)]
