"""Words for people: facts (a code and the values it needs) rendered in French or English.

kpi computes facts; this package is the one place where they become words:

- :class:`Fact` is what a computation returns instead of a sentence (``Fact("funnel.drop",
  step="cart", rate=0.42)``).
- :func:`render` turns a fact (or a code and values) into text for a language, plain or
  escaped for Markdown; user values (segment values, step names, file names) are always text.
- :mod:`kpi.words.format` writes numbers, percentages, points, money and dates per locale
  (babel).
- :mod:`kpi.words.catalogue` holds every message in both languages, keyed by code.
"""

from __future__ import annotations

from kpi.words.fact import LANGS, Fact, Lang, Raw
from kpi.words.render import escape_markdown, render, render_all

__all__ = ["LANGS", "Fact", "Lang", "Raw", "escape_markdown", "render", "render_all"]
