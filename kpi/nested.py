"""Nested records flattened: moved to :mod:`kpi.ingest.nested` (names kept for other modules)."""

from __future__ import annotations

from kpi.ingest.nested import (
    MAX_COLUMNS,
    MAX_DEPTH,
    MAX_KEYS_PER_LIST,
    Flattened,
    flatten,
    is_key_value,
    is_nested,
)

__all__ = [
    "MAX_COLUMNS",
    "MAX_DEPTH",
    "MAX_KEYS_PER_LIST",
    "Flattened",
    "flatten",
    "is_key_value",
    "is_nested",
]
