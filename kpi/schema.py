"""Column roles, table shapes and the canonical Dataset (names kept for other modules).

The code lives in :mod:`kpi.ingest`: :mod:`~kpi.ingest.roles` (``detect_roles``,
``detect_kind``), :mod:`~kpi.ingest.shapes` (``TableInput`` and the rows of each shape),
:mod:`~kpi.ingest.orders`, :mod:`~kpi.ingest.shared_id` and :mod:`~kpi.ingest.build`
(``build_dataset``).
"""

from __future__ import annotations

from kpi.ingest.build import (
    SEGMENTS_SHOWN,
    build_dataset,
    rank_segments,
    rederive_cohort,
    table_name,
)
from kpi.ingest.roles import (
    FULL_NAMES,
    MAX_SEGMENT_VALUES,
    ROLES,
    SEGMENT_ROLES,
    SYNONYMS,
    Kind,
    Role,
    describe_roles,
    detect_kind,
    detect_roles,
    kind_name,
    role_name,
)
from kpi.ingest.shapes import TableInput, _as_id, _Drops, _segment_cols, _to_datetime
from kpi.ingest.shared_id import SharedId, align_user_ids, shared_user_id

__all__ = [
    "FULL_NAMES",
    "MAX_SEGMENT_VALUES",
    "ROLES",
    "SEGMENTS_SHOWN",
    "SEGMENT_ROLES",
    "SYNONYMS",
    "Kind",
    "Role",
    "SharedId",
    "TableInput",
    "_Drops",
    "_as_id",
    "_segment_cols",
    "_to_datetime",
    "align_user_ids",
    "build_dataset",
    "describe_roles",
    "detect_kind",
    "detect_roles",
    "kind_name",
    "rank_segments",
    "rederive_cohort",
    "role_name",
    "shared_user_id",
    "table_name",
]
