"""Start the app the way `make run` does: `python pages/_ui/serve.py [streamlit options]`.

Streamlit decides once per process whether the app uses the legacy ``pages/`` folder router
(it does whenever a ``pages/`` folder exists). On a freshly started server the first request
then goes through that router; a deep link such as ``/funnel?device=mobile`` matches none of
its pages, so the browser shows a "Page not found" dialog even though ``app.py``'s
``st.navigation`` then opens the right page. This launcher tells Streamlit up front that the
app uses ``st.navigation`` (which is what ``st.navigation`` itself sets on its first call), so
the very first deep link opens cleanly.
"""

from __future__ import annotations

import sys
from pathlib import Path

from streamlit.runtime.pages_manager import PagesManager
from streamlit.web import cli

APP = Path(__file__).resolve().parents[2] / "app.py"


def main(argv: list[str]) -> None:
    PagesManager.uses_pages_directory = False
    sys.argv = ["streamlit", "run", str(APP), *argv]
    cli.main()


if __name__ == "__main__":
    main(sys.argv[1:])
