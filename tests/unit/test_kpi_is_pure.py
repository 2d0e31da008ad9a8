"""kpi/ is pure computation: it never imports streamlit (DESIGN.md)."""

import ast
import subprocess
import sys
from pathlib import Path

KPI = Path(__file__).resolve().parents[2] / "kpi"


def test_no_streamlit_import_in_source():
    offenders = []
    for path in KPI.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [f"{path.name}: {n}" for n in names if n.split(".")[0] == "streamlit"]
    assert offenders == []


def test_importing_every_kpi_module_does_not_load_streamlit():
    modules = sorted(p.stem for p in KPI.glob("*.py") if p.stem != "__init__")
    code = (
        "import importlib, sys\n"
        f"for m in {modules!r}:\n"
        "    importlib.import_module('kpi.' + m)\n"
        "print('streamlit' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=KPI.parent, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "False"
