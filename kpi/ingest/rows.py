"""Why a row was left out: reason codes, the keys of ``LoadReport.dropped`` and
``Source.dropped`` (reason code -> rows).

A reason is a message code of ``kpi/words/catalogue/ingest_rows.py``: render it with
:func:`kpi.words.render` (``render(reason, "fr")``) to say it in a language. Reasons from other
readers (the CRM contacts, :mod:`kpi.pipeline`) are their own codes.
"""

from __future__ import annotations

BLANK_ROW = "ingest_rows.blank_row"
TOO_MANY_FIELDS = "ingest_rows.too_many_fields"
TOTALS_ROW = "ingest_rows.totals_row"
MISSING_USER_ID = "ingest_rows.missing_user_id"
REPEATED_USER_ID = "ingest_rows.repeated_user_id"
MISSING_EVENT = "ingest_rows.missing_event"
MISSING_TIMESTAMP = "ingest_rows.missing_timestamp"
MISSING_SCORE = "ingest_rows.missing_score"
SCORE_OUT_OF_RANGE = "ingest_rows.score_out_of_range"
CANCELLATION = "ingest_rows.cancellation"
NON_POSITIVE_QUANTITY = "ingest_rows.non_positive_quantity"
NON_POSITIVE_PRICE = "ingest_rows.non_positive_price"
NONE_DROPPED = "ingest_rows.none"
