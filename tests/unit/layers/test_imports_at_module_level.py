"""The layers form a tree: no module imports a workbench module inside a function (the usual way
to dodge an import cycle). Optional heavy third-party imports inside functions stay allowed."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
OURS = ("app", "core", "storage", "pages")
#: The CLI loads a command's services when that command runs: importing every service up front
#: makes ``workbench project list`` about 4x slower (measured when app/cli became a package).
LAZY_BY_DESIGN = ("app/cli/",)
FILES = sorted(
    path
    for folder in ("app", "core", "storage")
    for path in (ROOT / folder).rglob("*.py")
    if "migrations" not in path.parts and not str(path.relative_to(ROOT)).startswith(LAZY_BY_DESIGN)
)


def _inner_imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text())
    top = set(tree.body)
    for node in tree.body:  # ``if TYPE_CHECKING:`` imports are module level too
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            top.update(node.body)
    found = []
    for node in ast.walk(tree):
        if node in top or not isinstance(node, ast.Import | ast.ImportFrom):
            continue
        names = (
            [node.module or ""]
            if isinstance(node, ast.ImportFrom)
            else [a.name for a in node.names]
        )
        if isinstance(node, ast.ImportFrom) and node.level:
            names = ["(relative)"]
        for name in names:
            if name.partition(".")[0] in OURS or name == "(relative)":
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} imports {name}")
    return found


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_workbench_modules_are_imported_at_module_level(path: Path) -> None:
    assert _inner_imports(path) == []
