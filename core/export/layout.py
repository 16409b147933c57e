"""What a bundle holds: its file names, its templates (assets/bundle/) and ExportError.

``bundle_runtime()`` loads the bundle's own scoring module from the templates, so the
workbench uses the very rules the bundle ships with where both must agree (golden rows,
formula-safe CSV cells).
"""

from __future__ import annotations

import importlib.machinery
import importlib.resources
import importlib.util
import sys
import types
from collections.abc import Mapping
from pathlib import PurePosixPath
from typing import Any

from core.exceptions import CoreError

BUNDLE_FORMAT = "lifecycle-workbench-bundle/1"
TEMPLATE_PACKAGE = "assets"
TEMPLATE_FOLDER = "bundle"
WORKBENCH_CORE = "core"  # the one workbench package a bundle may carry (verbatim copies)
ZIP_MODE = 0o100644  # regular file, rw-r--r--
MANIFEST_FILE = "manifest.json"
MODEL_FILE = "model/pipeline.joblib"
RUNTIME_MODULE = "_workbench_bundle_runtime"
TEMPLATES = {  # bundle file → template in assets/bundle
    "bundle_runtime.py": "bundle_runtime.py",
    "serve.py": "serve.py",
    "predict.py": "predict.py",
    "Dockerfile": "Dockerfile",
    "README.md": "README.md",
    ".dockerignore": "dockerignore",
}
GENERATED_FILES = frozenset(
    {*TEMPLATES, MODEL_FILE, "schema.json", "model_card.md", "golden.csv", "requirements.txt"}
)
REQUIRED_FILES = tuple(sorted(GENERATED_FILES))


class ExportError(CoreError):
    """The pipeline, schema, rows or options cannot make a working bundle."""


def _safe_name(name: Any) -> bool:
    if not isinstance(name, str) or not name or "\\" in name or name.endswith("/"):
        return False
    pure = PurePosixPath(name)
    return not pure.is_absolute() and all(p not in ("", ".", "..") for p in name.split("/"))


def _template_root() -> Any:
    return importlib.resources.files(TEMPLATE_PACKAGE).joinpath(TEMPLATE_FOLDER)


def _template(name: str) -> bytes:
    return _template_root().joinpath(name).read_bytes()


def _render(template: bytes, values: Mapping[str, str]) -> bytes:
    text = template.decode("utf-8")
    for key, value in values.items():
        text = text.replace("{{" + key + "}}", value)
    return text.encode("utf-8")


def bundle_runtime() -> types.ModuleType:
    """The bundle's own scoring module (assets/bundle/bundle_runtime.py), loaded once; the
    workbench uses its rules where both must agree (golden rows, formula-safe CSV cells)."""
    module = sys.modules.get(RUNTIME_MODULE)
    if module is None:
        spec = importlib.machinery.ModuleSpec(RUNTIME_MODULE, loader=None)
        module = importlib.util.module_from_spec(spec)
        path = str(_template_root().joinpath("bundle_runtime.py"))
        module.__file__ = path  # HERE: unused when scoring in memory
        sys.modules[RUNTIME_MODULE] = module
        exec(compile(_template("bundle_runtime.py"), path, "exec"), module.__dict__)
    return module
