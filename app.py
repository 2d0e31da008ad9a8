"""Parcours: the frame of the app (page config, navigation, data source, shared filters).

Pages are registered with ``st.Page`` and a ``url_path`` that differs from the file stem, so
that a deep link (``/funnel?device=mobile``) on a freshly started server still runs this frame
(see DESIGN.md and notes/streamlit.md §1.2).
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st
from streamlit.runtime.scriptrunner_utils.exceptions import StopException

from pages._ui import (
    calendar_editor,
    connect,
    download,
    sidebar,
    state,
    targets_state,
    warm,
    widgets,
)
from pages._ui.lang import t, tx
from pages._ui.page_end import PageEnd

st.set_page_config(page_title="Parcours", page_icon=":material/explore:", layout="wide")
warm.settle()  # the server's background imports, if still running, end before this run goes on


HERE = Path(__file__).parent
PAGES = [
    # (file, title code, url_path, icon)
    ("pages/home_view.py", "nav.home", "home", ":material/explore:"),
    ("pages/data_view.py", "nav.data", "data", ":material/table_view:"),
    ("pages/funnel_view.py", "nav.funnel", "funnel", ":material/filter_alt:"),
    ("pages/stages_view.py", "nav.stages", "stages", ":material/bar_chart:"),
    ("pages/retention_view.py", "nav.retention", "retention", ":material/autorenew:"),
    ("pages/value_view.py", "nav.value", "value", ":material/payments:"),
    ("pages/advocacy_view.py", "nav.advocacy", "advocacy", ":material/campaign:"),
    ("pages/abtest_view.py", "nav.ab", "ab-test", ":material/science:"),
    ("pages/export_view.py", "nav.export", "export", ":material/download:"),
]

pages = [
    st.Page(file, title=tx(title), url_path=url, icon=icon, default=(i == 0))
    for i, (file, title, url, icon) in enumerate(PAGES)
    if (HERE / file).exists()
]
# `/overview` opens the Overview too (the default page's own address is `/`): a hidden page
# with the same file; st.navigation runs the one the URL names.
pages.append(st.Page(PAGES[0][0], title=tx(PAGES[0][1]), url_path="overview", visibility="hidden"))
# the pages in the top bar: the whole sidebar is left to the filters and the data source
nav = st.navigation(pages, position="top")

widgets.frame_styles(state.data_changing())
side = sidebar.regions()
sidebar.language(side.lang)
link = sidebar.requested()  # before the widgets drop what they cannot take
targets_state.sync()  # the link's targets, then the session's back into the URL
calendar_editor.editor(st.sidebar)  # the events on the charts (before the workbook's button)
running = st.container(key=widgets.RUNNING_KEY)
with running.spinner(tx("frame.reading"), show_time=True):
    connect.follow_link()  # a shared link's connected table (never the address: its name)
    sidebar.data_source(side.data)
    grain = sidebar.cohort_grain(side.grain)
    ds, error = state.dataset(grain)
if state.connected_in_use():  # a table read where it lives: the filters come from the engine
    connect.filters(side.filters, link)
    download.report_button("sidebar")
elif ds is None:
    st.error(state.problem_text(error))
    st.info(t("frame.upload_prompt"))
    st.session_state["filters"] = None
else:
    sidebar.filters(ds, side.filters, link)
    download.report_button("sidebar")
with running.spinner(tx("frame.computing"), show_time=True):
    try:
        nav.run()
    except PageEnd:  # the page said why it ends here: finish normally (the pill clears)
        pass
    except StopException:  # Streamlit stopped the script: what is sent after it is dropped
        state.mark_shown()
        raise
    state.mark_shown()  # not reached when a newer rerun cut this one short
    # once per server, now that a first page is on screen: import what other pages draw with
    # (charts, tables, the workbook) in the background
    warm.after_first_page()
