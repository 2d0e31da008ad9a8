"""Start the app the way `make run` does: `python pages/_ui/serve.py [streamlit options]`.

Streamlit decides once per process whether the app uses the legacy ``pages/`` folder router
(it does whenever a ``pages/`` folder exists). On a freshly started server the first request
then goes through that router; a deep link such as ``/funnel?device=mobile`` matches none of
its pages, so the browser shows a "Page not found" dialog even though ``app.py``'s
``st.navigation`` then opens the right page. This launcher tells Streamlit up front that the
app uses ``st.navigation`` (which is what ``st.navigation`` itself sets on its first call), so
the very first deep link opens cleanly.

While the server starts, a background thread imports the app's modules and reads the committed
demo data (:func:`pages._ui.state.preload_demo`), so the first visitor's first page does not
wait for them.
"""

from __future__ import annotations

import importlib
import sys
import threading
from pathlib import Path

from streamlit import delta_generator
from streamlit.runtime.pages_manager import PagesManager
from streamlit.web import cli

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "app.py"
#: what the first page imports besides Streamlit (charts, tables, the red flags' scipy test)
WARM = (
    "altair",
    "pandas",
    "kpi.abtest",
    "kpi.report",
    "kpi.view",
    "pages._ui.charts",
    "pages._ui.cohort_charts",
    "pages._ui.compute",
    "pages._ui.download",
    "pages._ui.funnel_charts",
    "pages._ui.sidebar",
    "pages._ui.widgets",
)


def preload() -> None:
    """Import what the first page needs and read the demo data (no user data), once."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from pages._ui import state

    state.preload_demo()
    for module in WARM:
        importlib.import_module(module)


def main(argv: list[str]) -> None:
    PagesManager.uses_pages_directory = False
    # this is `streamlit run`: skip the check Streamlit makes on the first element drawn in the
    # process, whether it runs in a REPL (inspect.stack() over every module: 0.3 s of the first
    # visitor's first page)
    delta_generator._use_warning_has_been_displayed = True
    threading.Thread(target=preload, name="parcours-preload", daemon=True).start()
    sys.argv = ["streamlit", "run", str(APP), *argv]
    cli.main()


if __name__ == "__main__":
    main(sys.argv[1:])
