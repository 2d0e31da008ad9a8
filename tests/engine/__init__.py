"""Engine tests (a package: their module names must not clash with tests/unit's)."""
