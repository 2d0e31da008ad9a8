"""Former home of the workbook's safe cell writing: now :mod:`kpi.export.cells` (re-exported)."""

from __future__ import annotations

from kpi.export.cells import (  # noqa: F401
    ALERT_FONT,
    BRAND,
    COUNT,
    DATE,
    DATETIME,
    DURATION,
    FORMULA_START,
    LABEL_FONT,
    MAX_TEXT,
    MONEY,
    NOTE_FONT,
    NUMBER,
    P_VALUE,
    RATE,
    SECTION_FONT,
    SIGNED_COUNT,
    SIGNED_MONEY,
    SIGNED_NUMBER,
    SIGNED_RATE,
    SIGNED_UNIT_FORMAT,
    TITLE_FONT,
    UNIT_FORMAT,
    WARN_FONT,
    Col,
    SheetWriter,
    lines,
    put,
)
