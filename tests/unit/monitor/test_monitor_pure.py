"""core.monitor's modules stay pure: no Streamlit, database, app, storage or pages."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

MONITOR = Path(__file__).resolve().parents[3] / "core" / "monitor"
FORBIDDEN = ("streamlit", "sqlalchemy", "app", "storage", "pages")


@pytest.mark.parametrize("name", sorted(p.name for p in MONITOR.glob("*.py")))
def test_no_forbidden_imports(name: str) -> None:
    tree = ast.parse((MONITOR / name).read_text(encoding="utf-8"))
    modules = [
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    ]
    modules += [node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)]
    roots = {module.split(".")[0] for module in modules}
    assert not roots & set(FORBIDDEN)
    assert "open(" not in (MONITOR / name).read_text(encoding="utf-8")
