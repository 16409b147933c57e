"""Loading saved pipelines whose classes have since moved to another module.

A pickle names each class by module path. When a refactor moves a pipeline step (say
``core.prepare.DateParts`` to ``core.estimators.columns.DateParts``), models saved before it still name
the old path; ``load_joblib`` resolves those through ``MOVED`` for the time of one load, so a
user's trained runs and explanations keep working. Add a line to ``MOVED`` for every class a
saved object may reference when you move it.
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.machinery
import io
import sys
import threading
import types
from collections.abc import Iterator
from typing import Any

import joblib

#: old "module:qualname" -> new "module:qualname" of classes saved pipelines may reference
MOVED: dict[str, str] = {
    "core.prepare:_ColumnwiseTransformer": "core.estimators.columns:_ColumnwiseTransformer",
    "core.prepare:CategoryText": "core.estimators.columns:CategoryText",
    "core.prepare:BooleanFlags": "core.estimators.columns:BooleanFlags",
    "core.prepare:DateParts": "core.estimators.columns:DateParts",
    "core.features:_ColumnwiseTransformer": "core.estimators.columns:_ColumnwiseTransformer",
    "core.features:CategoryText": "core.estimators.columns:CategoryText",
    "core.features:BooleanFlags": "core.estimators.columns:BooleanFlags",
    "core.features:DateParts": "core.estimators.columns:DateParts",
    "core.train:RuleClassifier": "core.estimators.rules:RuleClassifier",
    "core.train:RuleExpression": "core.estimators.rules:RuleExpression",
    "core.zoo:XGBoostClassifier": "core.estimators.xgboost:XGBoostClassifier",
    "core.fairness:GroupThresholdModel": "core.estimators.fairness:GroupThresholdModel",
    "core.fairness:ReductionModel": "core.estimators.fairness:ReductionModel",
    "core.fairness:_PositiveScore": "core.estimators.fairness:_PositiveScore",
    "core.fairness:_SampleWeightRouter": "core.estimators.fairness:_SampleWeightRouter",
    "core.explain:Explanation": "core.explain.result:Explanation",
}

_LOCK = threading.Lock()


def _resolve(path: str) -> Any:
    module, _, name = path.partition(":")
    return getattr(importlib.import_module(module), name)


def _importable(module: str) -> types.ModuleType | None:
    """The module if it still exists in its package's own folder (never a stale copy that
    another install of the package on ``sys.meta_path`` might still hold)."""
    parent, _, _ = module.rpartition(".")
    try:
        path = getattr(importlib.import_module(parent), "__path__", None) if parent else None
    except ImportError:
        return None
    if importlib.machinery.PathFinder.find_spec(module, path) is None:
        return None
    return importlib.import_module(module)


@contextlib.contextmanager
def old_names() -> Iterator[None]:
    """While active, every old path in ``MOVED`` resolves to its class's new home."""
    added_modules: list[str] = []
    added_attributes: list[tuple[types.ModuleType, str]] = []
    with _LOCK:
        try:
            for old, new in MOVED.items():
                module_name, _, name = old.partition(":")
                module = sys.modules.get(module_name) or _importable(module_name)
                if module is None:
                    module = types.ModuleType(module_name, "moved classes, for loading only")
                    sys.modules[module_name] = module
                    added_modules.append(module_name)
                if not hasattr(module, name):
                    setattr(module, name, _resolve(new))
                    added_attributes.append((module, name))
            yield
        finally:
            for module, name in added_attributes:
                delattr(module, name)
            for module_name in added_modules:
                sys.modules.pop(module_name, None)


def load_joblib(data: bytes) -> Any:
    """``joblib.load`` of our own stored bytes, with moved classes found at their new home."""
    with old_names():
        return joblib.load(io.BytesIO(data))
