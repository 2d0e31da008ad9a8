"""Reading uploads and understanding them: one concept per module.

- :mod:`kpi.ingest.sniff`: bytes -> format, encoding, delimiter (size limits, magic bytes,
  compressed files, JSON bombs).
- :mod:`kpi.ingest.grid`: a grid of text cells -> the table (header row, title lines,
  preambles, second tables, totals rows, every dropped row counted with its reason).
- :mod:`kpi.ingest.values`: text cells -> numbers (any locale), percentages, dates, booleans,
  epochs; :mod:`kpi.ingest.epoch` the epoch units.
- :mod:`kpi.ingest.nested`: JSON / Parquet records flattened into dotted columns.
- :mod:`kpi.ingest.read`: :func:`read_table`, the entry point (stable interface
  ``kpi.load.read_table``).
- :mod:`kpi.ingest.report`: :class:`LoadReport` and :class:`Table`.
- :mod:`kpi.ingest.roles`: column roles (names and values) and table shapes.
- :mod:`kpi.ingest.shapes`: tables of each shape -> canonical events, users, spend, survey,
  counts; :mod:`kpi.ingest.shared_id` the user id shared by several files.
- :mod:`kpi.ingest.currency`: the currency the data is written in.
- :mod:`kpi.ingest.build`: the canonical :class:`kpi.dataset.Dataset`.
- :mod:`kpi.ingest.quality`, :mod:`kpi.ingest.gaps`: the Data page's quality report and
  tracking gaps.

Every message for a person is a :class:`kpi.words.Fact` whose words are in
``kpi/words/catalogue/ingest*.py``.
"""
