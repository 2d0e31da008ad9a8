"""AppTest helpers: run the real app.py frame; caches cleared between tests."""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]
DATASETS = ROOT.parent / "shared" / "datasets"


@pytest.fixture(autouse=True)
def _clear_caches():
    from pages._ui import compute

    st.cache_data.clear()
    compute.clear_shared()  # the demo data's Views, kept once per server
    yield
    st.cache_data.clear()
    compute.clear_shared()


@pytest.fixture
def app() -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    return at


def errors_and_exceptions(at: AppTest) -> list[str]:
    """Tracebacks on screen are bugs: collect them for asserts."""
    return [e.value for e in at.exception]
