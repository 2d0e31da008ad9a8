"""The same aggregations inside DuckDB, Spark or a warehouse (see :mod:`kpi.engine.frame`).

Uploads run on polars (``kpi.funnel``, ``kpi.retention``…). Data that lives elsewhere is read
through narwhals: :class:`~kpi.engine.frame.EngineTable` holds the canonical events in the
engine, and each module here computes one aggregate there and brings back only the aggregate.
"""

from kpi.engine.frame import EngineTable, from_native

__all__ = ["EngineTable", "from_native"]
