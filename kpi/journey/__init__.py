"""Customer-journey stage KPIs (awareness, consideration, decision), one concept per module.

- :mod:`kpi.journey.kpi`: the :class:`~kpi.journey.kpi.Kpi` value (or why it is missing).
- :mod:`kpi.journey.definitions`: the stage KPIs' definitions (codes, units, stages).
- :mod:`kpi.journey.inputs`: what the data offers (steps playing each role, purchase events,
  page events, orders only).
- :mod:`kpi.journey.awareness`, :mod:`~kpi.journey.consideration`,
  :mod:`~kpi.journey.decision`: each stage's KPIs; :mod:`kpi.journey.crm` the decision KPIs
  of a CRM contacts table.
- :mod:`kpi.journey.kpis`: :func:`~kpi.journey.kpis.stage_kpis`, every stage in journey order.
- :mod:`kpi.journey.previous`: comparison with the previous period.
- :mod:`kpi.journey.by_segment`: the KPIs per segment value.
- :mod:`kpi.journey.sessions`: average session duration per month.

:mod:`kpi.stages` keeps the stable names (``stage_kpis``, ``Kpi``, ``compare``…).
"""
