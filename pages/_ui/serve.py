"""Start the app the way `make run` does: `python pages/_ui/serve.py [streamlit options]`.

Streamlit decides once per process whether the app uses the legacy ``pages/`` folder router
(it does whenever a ``pages/`` folder exists). On a freshly started server the first request
then goes through that router; a deep link such as ``/funnel?device=mobile`` matches none of
its pages, so the browser shows a "Page not found" dialog even though ``app.py``'s
``st.navigation`` then opens the right page. This launcher tells Streamlit up front that the
app uses ``st.navigation`` (which is what ``st.navigation`` itself sets on its first call), so
the very first deep link opens cleanly.

While the server starts, a background thread reads the committed demo data, imports the app's
modules and computes the demo's first page (:func:`pages._ui.warm.first_page`), so the first
visitor's first page only draws; what other pages need is imported once the first page is on
screen (:func:`pages._ui.warm.after_first_page`), as is Streamlit's scan of the installed
packages for custom components (the app has none; 0.1–0.25 s of the start otherwise).
"""

from __future__ import annotations

import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "app.py"


def preload() -> None:
    """Read the demo data (no user data), import and compute the first page, once."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from pages._ui import warm

    warm.first_page()


def _defer_component_scan() -> None:
    """Streamlit scans every installed package for custom components as its runtime starts
    (``discover_and_register_components``); run it once the first page is on screen instead
    (:func:`pages._ui.warm.after_first_page`: before any page could use such a component)."""
    from streamlit.components.v2.component_manager import BidiComponentManager

    scan = BidiComponentManager.discover_and_register_components

    def later(self: BidiComponentManager, **kwargs: object) -> None:
        from pages._ui import warm

        warm.defer(lambda: scan(self, **kwargs))

    BidiComponentManager.discover_and_register_components = later  # type: ignore[method-assign]


def main(argv: list[str]) -> None:
    from streamlit import delta_generator
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.web import cli

    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    _defer_component_scan()
    PagesManager.uses_pages_directory = False
    # this is `streamlit run`: skip the check Streamlit makes on the first element drawn in the
    # process, whether it runs in a REPL (inspect.stack() over every module: 0.3 s of the first
    # visitor's first page)
    delta_generator._use_warning_has_been_displayed = True
    # while Streamlit's server starts and the browser loads the frontend
    threading.Thread(target=preload, name="parcours-preload", daemon=True).start()
    sys.argv = ["streamlit", "run", str(APP), *argv]
    cli.main()


if __name__ == "__main__":
    main(sys.argv[1:])
