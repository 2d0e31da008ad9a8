"""Parcours: the frame of the app (page config, navigation, data source, shared filters).

Pages are registered with ``st.Page`` and a ``url_path`` that differs from the file stem, so
that a deep link (``/funnel?device=mobile``) on a freshly started server still runs this frame
(see DESIGN.md and notes/streamlit.md §1.2).
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from pages._ui import download, sidebar, state

st.set_page_config(page_title="Parcours", page_icon=":material/explore:", layout="wide")

HERE = Path(__file__).parent
PAGES = [
    # (file, title, url_path, icon)
    ("pages/home_view.py", "Overview", "overview", ":material/explore:"),
    ("pages/data_view.py", "Data", "data", ":material/table_view:"),
    ("pages/funnel_view.py", "Funnel", "funnel", ":material/filter_alt:"),
    ("pages/stages_view.py", "Stage KPIs", "stages", ":material/bar_chart:"),
    ("pages/retention_view.py", "Retention", "retention", ":material/autorenew:"),
    ("pages/value_view.py", "Value", "value", ":material/payments:"),
    ("pages/advocacy_view.py", "Advocacy", "advocacy", ":material/campaign:"),
    ("pages/abtest_view.py", "A/B test", "ab-test", ":material/science:"),
    ("pages/export_view.py", "Export", "export", ":material/download:"),
]

pages = [
    st.Page(file, title=title, url_path=url, icon=icon, default=(i == 0))
    for i, (file, title, url, icon) in enumerate(PAGES)
    if (HERE / file).exists()
]
nav = st.navigation(pages)

sidebar.data_source()
grain = sidebar.cohort_grain()
ds, error = state.dataset(grain)
if ds is None:
    st.error(error or "No data.")
    st.info("Upload an event log, orders, a user table or aggregated counts in the sidebar.")
    st.session_state["filters"] = None
else:
    sidebar.filters(ds)
    download.report_button("sidebar")
nav.run()
