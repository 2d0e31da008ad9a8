"""Every test runs with strict words: a string that is not a catalogue code reaching
``kpi.words.render`` fails the test instead of being shown as written."""

from __future__ import annotations

import os

os.environ["PARCOURS_STRICT_WORDS"] = "1"
