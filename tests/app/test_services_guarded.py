"""No write service without a check: every function in ``app/services`` that opens a write
session (``….db.write(``) or queues a job (``submit(``) wears ``@guarded``, is private, is a
job handler (it runs for the person who submitted the job, inside a permit), or is listed
below with the reason it may write without a person's right.

The database refuses an unguarded write at run time (``app.permits``); this scan catches the
paths no test happens to run.
"""

from __future__ import annotations

import ast
from pathlib import Path

SERVICES = Path(__file__).resolve().parents[2] / "app" / "services"

#: ``module:function`` → why it writes without ``@guarded``. Keep this short.
ALLOWED: dict[str, str] = {
    "team/members.py:signed_in": "a system write: recording a sign-in is nobody's change",
    "artifacts.py:collect_garbage": "system bookkeeping (system_write), no person's change",
    "demo.py:ensure_demo_project": "calls guarded services; its own write is a system touch",
    "export.py:move_stage": "for guarded callers only (set_stage, promotions.decide)",
    "training/jobs.py:save_run": "called by job handlers, inside the job's permit",
}


def _decorator_names(node: ast.FunctionDef | ast.AsyncFunctionDef) -> set[str]:
    names = set()
    for decorator in node.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        if isinstance(target, ast.Attribute):
            names.add(target.attr)
        elif isinstance(target, ast.Name):
            names.add(target.id)
    return names


def _writes(node: ast.AST) -> bool:
    """Opens ``<x>.db.write(`` or calls ``submit(`` / ``<module>.submit(`` anywhere inside."""
    for call in ast.walk(node):
        if not isinstance(call, ast.Call):
            continue
        func = call.func
        if isinstance(func, ast.Name) and func.id == "submit":
            return True
        if isinstance(func, ast.Attribute):
            if func.attr == "submit":
                return True
            if (
                func.attr == "write"
                and isinstance(func.value, ast.Attribute)
                and func.value.attr == "db"
            ):
                return True
    return False


def _public_functions(tree: ast.Module) -> list[ast.FunctionDef | ast.AsyncFunctionDef]:
    """Module-level functions and methods of module-level classes."""
    found: list[ast.FunctionDef | ast.AsyncFunctionDef] = []
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            found.append(node)
        elif isinstance(node, ast.ClassDef):
            found += [n for n in node.body if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]
    return found


def unguarded_writers(root: Path = SERVICES) -> dict[str, int]:
    """``module:function`` → line, for every writer that is neither guarded nor excused."""
    found = {}
    for path in sorted(root.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in _public_functions(tree):
            if node.name.startswith("_") or not _writes(node):
                continue
            if _decorator_names(node) & {"guarded", "job_kind"}:
                continue
            found[f"{path.relative_to(root).as_posix()}:{node.name}"] = node.lineno
    return found


def test_every_service_that_writes_is_guarded() -> None:
    found = unguarded_writers()
    unexcused = {name: line for name, line in found.items() if name not in ALLOWED}
    assert not unexcused, (
        "these service functions write without @guarded (decorate them with "
        f"app.services.team.guard.guarded, or add them to ALLOWED with a reason): {unexcused}"
    )


def test_the_allow_list_names_only_writers_that_exist() -> None:
    stale = sorted(set(ALLOWED) - set(unguarded_writers()))
    assert not stale, f"ALLOWED names functions that no longer write unguarded: {stale}"


def test_the_scan_sees_an_unguarded_write(tmp_path: Path) -> None:
    """The scan itself: a public writer is caught; guarded, private and job handlers are not."""
    (tmp_path / "sample.py").write_text(
        "def leaks(wb):\n    with wb.db.write() as s:\n        pass\n"
        "def queues(wb):\n    return jobs.submit(wb, 'x')\n"
        "@guarded(Right.EDIT, 'x.y')\ndef fine(wb, project_id):\n    with wb.db.write():\n"
        "        pass\n"
        "def _private(wb):\n    with wb.db.write():\n        pass\n"
        "@job_kind('x')\ndef handler(ctx, params):\n    submit(ctx.workbench, 'y')\n"
        "def reads(wb):\n    with wb.db.read():\n        pass\n",
        encoding="utf-8",
    )
    assert set(unguarded_writers(tmp_path)) == {"sample.py:leaks", "sample.py:queues"}
