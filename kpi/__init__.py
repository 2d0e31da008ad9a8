"""Parcours computation core: pure functions over polars frames, no Streamlit.

Data flows one way: ``kpi.load`` (bytes -> table) -> ``kpi.schema`` (roles -> canonical
``Dataset``) -> ``kpi.filters`` -> analyses (``funnel``, ``stages``, ``retention``, ``value``,
``advocacy``, ``abtest``, ``alerts``) -> ``kpi.report`` (the Excel workbook).
"""

from kpi.errors import ParcoursError

__all__ = ["ParcoursError"]
