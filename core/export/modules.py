"""The workbench code a pickled pipeline needs: read from the pickle, copied verbatim.

The modules the pickle refers to, and every ``core`` module they import (parent packages'
``__init__.py`` included), travel in the bundle's ``core/`` folder, so the model unpickles
to the very same code. Nothing is unpickled to find them: the pickle's opcodes name them.
"""

from __future__ import annotations

import ast
import importlib.util
import pickle
import pickletools
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from core.export.layout import WORKBENCH_CORE, ExportError

WORKBENCH_PACKAGES = frozenset({"app", "storage", "pages", "assets", "tests", "benchmarks"})

MSG_MAIN_MODULE = (
    "the pipeline uses {names}, defined in a script (__main__); move the class into an "
    "importable module so the bundle can load it"
)
MSG_WORKBENCH_MODULE = (
    "the pipeline uses {names} from the workbench's {package!r} package; only core modules "
    "can travel with a bundle"
)
MSG_NO_SOURCE = "cannot copy workbench module {module!r} into the bundle: no Python source found"


_STRING_OPS = frozenset(
    {
        "SHORT_BINUNICODE",
        "BINUNICODE",
        "BINUNICODE8",
        "UNICODE",
        "SHORT_BINSTRING",
        "BINSTRING",
        "STRING",
    }
)
_SILENT_OPS = frozenset({"FRAME", "PROTO", "STOP", "MEMOIZE", "PUT", "BINPUT", "LONG_BINPUT"})


def _pickle_globals(data: bytes) -> set[tuple[str, str]]:
    """(module, name) of every class or function a pickle refers to, read from its opcodes.

    Only the last pushed values matter: a global is the two strings pushed just before
    STACK_GLOBAL (or the argument of GLOBAL); the memo is tracked for repeated strings.
    """
    memo: dict[Any, Any] = {}  # memo position (an int from pickletools) -> value
    pushed: list[Any] = []
    found: set[tuple[str, str]] = set()
    for opcode, arg, _ in pickletools.genops(data):
        name = opcode.name
        if name in _STRING_OPS:
            pushed.append(arg)
        elif name in ("GET", "BINGET", "LONG_BINGET"):
            pushed.append(memo.get(arg))
        elif name == "MEMOIZE":
            memo[len(memo)] = pushed[-1] if pushed else None
        elif name in ("PUT", "BINPUT", "LONG_BINPUT"):
            memo[arg] = pushed[-1] if pushed else None
        elif name == "STACK_GLOBAL":
            module, qualname = (pushed[-2], pushed[-1]) if len(pushed) >= 2 else (None, None)
            if isinstance(module, str) and isinstance(qualname, str):
                found.add((module, qualname))
            pushed.append(None)
        elif name in ("GLOBAL", "INST"):
            module, _, qualname = str(arg).partition(" ")
            found.add((module, qualname))
            pushed.append(None)
        elif name not in _SILENT_OPS:
            pushed.append(None)
        del pushed[:-4]
    return found


def _is_stdlib(top: str) -> bool:
    return top in sys.stdlib_module_names or top in ("builtins", "__future__")


def _pickle_modules(model: Any) -> tuple[set[str], set[str]]:
    """(workbench core modules, third-party top-level packages) the pickled model needs."""
    found = _pickle_globals(pickle.dumps(model, protocol=5))
    core: set[str] = set()
    third_party: set[str] = set()
    by_package: dict[str, list[str]] = {}
    for module, qualname in sorted(found):
        top = module.partition(".")[0]
        if _is_stdlib(top):
            continue
        if top == "__main__":
            raise ExportError(MSG_MAIN_MODULE.format(names=qualname), field="pipeline")
        if top == WORKBENCH_CORE:
            core.add(module)
        elif top in WORKBENCH_PACKAGES:
            by_package.setdefault(top, []).append(f"{module}.{qualname}")
        else:
            third_party.add(top)
    for package, names in by_package.items():
        message = MSG_WORKBENCH_MODULE.format(names=", ".join(names), package=package)
        raise ExportError(message, field="pipeline")
    return core, third_party


def _imported_modules(tree: ast.Module, module: str) -> Iterator[tuple[str, bool]]:
    """(imported module, at module level?) for every import in a module's source."""
    top_level = set(_module_level_nodes(tree.body))
    package = module if module == WORKBENCH_CORE else module.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node in top_level
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = importlib.util.resolve_name("." * node.level + base, package)
            yield base, node in top_level
            for alias in node.names:  # ``from core import prepare`` imports a module too
                yield f"{base}.{alias.name}", node in top_level


def _module_level_nodes(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """Statements run on import: the body, and inside try/if/with blocks (not TYPE_CHECKING)."""
    for node in body:
        if isinstance(node, ast.If):
            test = ast.unparse(node.test)
            if test not in ("TYPE_CHECKING", "typing.TYPE_CHECKING"):
                yield from _module_level_nodes(node.body)
            yield from _module_level_nodes(node.orelse)
        elif isinstance(node, ast.Try):
            for block in (node.body, node.orelse, node.finalbody):
                yield from _module_level_nodes(block)
            for handler in node.handlers:
                yield from _module_level_nodes(handler.body)
        elif isinstance(node, ast.With):
            yield from _module_level_nodes(node.body)
        else:
            yield node


def _module_source(module: str) -> tuple[str, bytes] | None:
    """(path inside the bundle, source bytes) of a workbench module; None if not a module."""
    try:
        spec = importlib.util.find_spec(module)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.origin or not spec.origin.endswith(".py"):
        return None
    origin = Path(spec.origin)
    parts = module.split(".")
    path = (
        "/".join([*parts, "__init__.py"])
        if origin.name == "__init__.py"
        else "/".join(parts) + ".py"
    )
    return path, origin.read_bytes()


def _copied_modules(modules: set[str]) -> tuple[dict[str, bytes], set[str]]:
    """Verbatim sources of the workbench modules and every core module they import, plus
    the third-party packages those sources import when loaded (to pin them)."""
    if not modules:
        return {}, set()
    files: dict[str, bytes] = {}
    third_party: set[str] = set()
    pending = sorted({WORKBENCH_CORE, *modules})
    seen: set[str] = set()
    while pending:
        module = pending.pop()
        if module in seen:
            continue
        seen.add(module)
        found = _module_source(module)
        if found is None:
            if module in modules or module == WORKBENCH_CORE:
                raise ExportError(MSG_NO_SOURCE.format(module=module), field="pipeline")
            continue  # ``from core.x import name`` also yields core.x.name: not a module
        path, source = found
        files[path] = source
        parent = module.rpartition(".")[0]
        if parent:  # importing core.data.schema runs core/data/__init__.py first
            pending.append(parent)
        for imported, loaded_on_import in _imported_modules(ast.parse(source), module):
            top = imported.partition(".")[0]
            if top == WORKBENCH_CORE:
                pending.append(imported)
            elif loaded_on_import and top and not _is_stdlib(top):
                third_party.add(top)
    return files, third_party


def _module_name(path: str) -> str:
    parts = path.removesuffix(".py").split("/")
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
