"""Export stage: one self-contained, reproducible zip that scores like the workbench does.

The bundle holds the fitted pipeline (``model/pipeline.joblib``), its input contract
(``schema.json``), a REST service (``serve.py``), a batch scorer (``predict.py``) sharing one
scoring module (``bundle_runtime.py``), pinned ``requirements.txt``, a ``Dockerfile``, a
``README.md``, the caller's ``model_card.md``, ``golden.csv`` (sample rows with the outputs
the workbench computed for them: synthetic rows drawn from the schema, or training rows only
when the caller passes ``golden_real_rows=True``) and ``manifest.json`` (sha256 and size of every file). It
needs Python and its requirements, never the workbench.

The workbench's own pipeline steps (``core.features.DateParts``, ``core.train.RuleClassifier``,
``core.zoo.XGBoostClassifier``, …) are kept by name: the modules the pickle refers to, and the
``core`` modules they import, are copied verbatim into the bundle's ``core/`` folder, so the
model unpickles to the very same code and gives the same numbers. Third-party packages that
the pickle or those modules need are pinned at the installed versions.

Same inputs ⇒ the same zip, byte for byte: files in sorted order with the caller's
``created`` time and fixed permissions, JSON with sorted keys. Pass the stored pipeline
bytes (not the object) for bundles that are identical across processes too: pickling an
object may order sets differently in another process. Pure Python: no Streamlit, no storage.

    bundle = build_bundle(pipeline_bytes, schema=schema, training_frame=train[features],
                          model_card=card, model_version="churn-7", created="2025-01-31",
                          threshold=0.42)
    verify_bundle(bundle.zip_bytes)   # [] when every file matches manifest.json
"""

from __future__ import annotations

import ast
import dataclasses
import datetime as dt
import hashlib
import importlib.metadata
import importlib.resources
import importlib.util
import io
import json
import math
import pickle
import pickletools
import re
import sys
import types
import zipfile
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path, PurePosixPath
from typing import Any, Literal

import joblib
import numpy as np
import pandas as pd
from sklearn.exceptions import NotFittedError
from sklearn.utils.validation import check_is_fitted

from core import persist
from core.business import Task
from core.coerce import class_label
from core.data.inference import infer_column_type
from core.data.schema import Schema, model_positive_class, probability_column
from core.exceptions import CoreError
from core.metrics import label_at_threshold

__all__ = [
    "BUNDLE_FORMAT",
    "GOLDEN_ROWS",
    "REQUIRED_FILES",
    "SERVICE_PINS",
    "Bundle",
    "BundleSchema",
    "ExportError",
    "InputColumn",
    "InputType",
    "build_bundle",
    "bundle_runtime",
    "bundle_schema",
    "bundle_schema_from_dict",
    "read_bundle_file",
    "verify_bundle",
]

InputType = Literal["numeric", "categorical", "boolean", "datetime", "text"]

BUNDLE_FORMAT = "lifecycle-workbench-bundle/1"
SCHEMA_FORMAT = 1
GOLDEN_ROWS = 20  # rows in golden.csv, plus one with a gap per column that has gaps
GOLDEN_SEED = 0  # synthetic golden rows: the same schema gives the same rows
MAX_ALLOWED_VALUES = 5000  # above this many categories the contract lists none (any value)
MAX_VERSION_LENGTH = 200
EXPECTED_PREFIX = "expected_"
TEMPLATE_PACKAGE = "assets"
TEMPLATE_FOLDER = "bundle"
WORKBENCH_CORE = "core"  # the one workbench package a bundle may carry (verbatim copies)
WORKBENCH_PACKAGES = frozenset({"app", "storage", "pages", "assets", "tests", "benchmarks"})
ZIP_MODE = 0o100644  # regular file, rw-r--r--
MANIFEST_FILE = "manifest.json"
MODEL_FILE = "model/pipeline.joblib"
RUNTIME_MODULE = "_workbench_bundle_runtime"

#: Always pinned: what loading and scoring need, plus pyarrow for Parquet files.
BASE_DISTRIBUTIONS = (
    "joblib",
    "numpy",
    "pandas",
    "pyarrow",
    "python-dateutil",
    "pytz",
    "scikit-learn",
    "scipy",
    "threadpoolctl",
    "tzdata",
)
#: The service's packages; fixed here (tested together), since the workbench need not have them.
SERVICE_PINS: Mapping[str, str] = types.MappingProxyType(
    {"fastapi": "0.142.2", "pydantic": "2.14.4", "starlette": "1.10.0", "uvicorn": "0.54.0"}
)
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
FILE_NOTES = {
    ".dockerignore": "keeps logs and caches out of the Docker image",
    "Dockerfile": "container image: install, self-test, serve",
    "README.md": "this file",
    "bundle_runtime.py": "checks inputs and scores; shared by serve.py and predict.py",
    "golden.csv": "synthetic rows drawn from schema.json (no training row) with the outputs "
    "the workbench computed for them",
    "manifest.json": "sha256 and size of every other file",
    "model/pipeline.joblib": "the fitted scikit-learn pipeline (preprocessing + model)",
    "model_card.md": "what the model is for, how well it did, its limits",
    "predict.py": "batch scoring of CSV/Parquet files, and --self-test",
    "requirements.txt": "exact package versions",
    "schema.json": "input columns, types, allowed values, ranges; classes and threshold",
    "serve.py": "REST service: /predict, /health, /schema, /metrics, /docs",
}

# --- messages (tests import these) -------------------------------------------------------

MSG_NOT_FITTED = "the pipeline is not fitted: train the model first ({problem})"
MSG_NOT_ESTIMATOR = (
    "pipeline must be a fitted scikit-learn estimator or its joblib bytes, got {kind}"
)
MSG_PIPELINE_BYTES = "the pipeline bytes cannot be loaded with joblib: {problem}"
MSG_NO_PROBA = (
    "a {task} model must give probabilities (predict_proba and classes_); {kind} does not"
)
MSG_CLASS_COUNT = "a {task} model needs {needed} classes, the pipeline has {count}: {classes}"
MSG_NO_TASK = "the schema has no task yet: choose a target column on the Data page first"
MSG_FRAME_TYPE = "training_frame must be a pandas DataFrame, got {kind}"
MSG_FRAME_EMPTY = "training_frame has no rows: pass the training rows (feature columns)"
MSG_FEATURES_MISSING = "training_frame lacks the column(s) the model reads: {columns}"
MSG_NO_FEATURES = "the model reads no columns: check the schema's feature roles"
MSG_POSITIVE = "positive class {positive!r} is not among the model's classes {classes}"
MSG_THRESHOLD = "threshold must be a number from 0 to 1, got {value!r}"
MSG_VERSION = "model_version must be text of 1 to {limit} characters on one line, got {value!r}"
MSG_CREATED = "created must be an ISO 8601 date such as '2025-01-31', got {value!r}"
MSG_MODEL_CARD = "model_card must be text (Markdown), got {kind}"
MSG_EXTRA_NAME = (
    "extra file name {name!r} must be a relative path inside the bundle, without '..' or '\\'"
)
MSG_EXTRA_CLASH = "extra file {name!r} would replace a file the bundle makes itself"
MSG_EXTRA_BYTES = "extra file {name!r} must be bytes, got {kind}"
MSG_MAIN_MODULE = (
    "the pipeline uses {names}, defined in a script (__main__); move the class into an "
    "importable module so the bundle can load it"
)
MSG_WORKBENCH_MODULE = (
    "the pipeline uses {names} from the workbench's {package!r} package; only core modules "
    "can travel with a bundle"
)
MSG_NO_SOURCE = "cannot copy workbench module {module!r} into the bundle: no Python source found"
MSG_UNKNOWN_PACKAGE = (
    "the bundle needs module {module!r}, which belongs to no installed package, so "
    "requirements.txt cannot pin it"
)
MSG_GOLDEN_MISMATCH = (
    "the bundle's scoring code does not reproduce the workbench's predictions on the golden "
    "rows: {problems}"
)
MSG_VERIFY_NOT_ZIP = "not a zip file: {problem}"
MSG_VERIFY_UNSAFE = "{name!r} is not a plain path inside the bundle"
MSG_VERIFY_DUPLICATE = "{name!r} appears more than once in the zip"
MSG_VERIFY_NO_MANIFEST = "manifest.json is missing"
MSG_VERIFY_MANIFEST = "manifest.json is not valid: {problem}"
MSG_VERIFY_MISSING = "{name}: listed in manifest.json but not in the zip"
MSG_VERIFY_SIZE = "{name}: {actual:,} bytes, manifest.json says {expected:,}"
MSG_VERIFY_HASH = "{name}: sha256 differs from manifest.json (the file was changed)"
MSG_VERIFY_UNLISTED = "{name}: in the zip but not listed in manifest.json"
MSG_VERIFY_REQUIRED = "{name}: a bundle must have this file"
MSG_VERIFY_UNREADABLE = "{name}: cannot be read from the zip: {problem}"
MSG_SCHEMA_DICT = "schema.json is not valid: {problem}"


class ExportError(CoreError):
    """The pipeline, schema, rows or options cannot make a working bundle."""


# --- the input contract --------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class InputColumn:
    """One input of the model, as the training rows showed it.

    ``allowed``: the training values of a categorical or boolean column (None: any value);
    ``minimum``/``maximum``: the training range of numbers (ISO text for dates), shown and
    warned about, not enforced.
    """

    name: str
    type: InputType
    dtype: str
    nullable: bool
    allowed: tuple[Any, ...] | None = None
    minimum: float | str | None = None
    maximum: float | str | None = None


@dataclasses.dataclass(frozen=True)
class BundleSchema:
    """What ``schema.json`` says: inputs in the pipeline's order, task, classes, threshold."""

    columns: tuple[InputColumn, ...]
    task: Task
    target: str | None
    classes: tuple[str, ...]  # class_label text, in the model's order (= pipeline.classes_)
    positive_class: str | None  # binary only
    threshold: float | None  # binary only; None means 0.5
    model_version: str = ""

    @property
    def feature_order(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def column(self, name: str) -> InputColumn:
        for column in self.columns:
            if column.name == name:
                return column
        raise KeyError(name)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready; ``bundle_schema_from_dict(s.to_dict()) == s``."""
        return {
            "format": SCHEMA_FORMAT,
            "model_version": self.model_version,
            "task": self.task,
            "target": self.target,
            "classes": list(self.classes),
            "positive_class": self.positive_class,
            "threshold": self.threshold,
            "feature_order": list(self.feature_order),
            "columns": [
                {
                    "name": c.name,
                    "type": c.type,
                    "dtype": c.dtype,
                    "nullable": c.nullable,
                    "allowed": None if c.allowed is None else list(c.allowed),
                    "minimum": c.minimum,
                    "maximum": c.maximum,
                }
                for c in self.columns
            ],
            "outputs": _outputs_description(self),
        }


def bundle_schema_from_dict(data: Mapping[str, Any]) -> BundleSchema:
    """Read ``schema.json`` back; raises ``ExportError`` when it is damaged."""
    try:
        columns = tuple(
            InputColumn(
                name=str(c["name"]),
                type=c["type"],
                dtype=str(c["dtype"]),
                nullable=bool(c["nullable"]),
                allowed=None if c.get("allowed") is None else tuple(c["allowed"]),
                minimum=c.get("minimum"),
                maximum=c.get("maximum"),
            )
            for c in data["columns"]
        )
        threshold = data.get("threshold")
        return BundleSchema(
            columns=columns,
            task=data["task"],
            target=data.get("target"),
            classes=tuple(str(c) for c in data.get("classes") or ()),
            positive_class=data.get("positive_class"),
            threshold=None if threshold is None else float(threshold),
            model_version=str(data.get("model_version", "")),
        )
    except (KeyError, TypeError, ValueError) as error:
        raise ExportError(MSG_SCHEMA_DICT.format(problem=error), field="schema") from None


def _outputs_description(schema: BundleSchema) -> dict[str, str]:
    if schema.task == "regression":
        return {"prediction": f"predicted {schema.target or 'value'} (a number)"}
    if schema.task == "binary":
        threshold = 0.5 if schema.threshold is None else schema.threshold
        negative = next((c for c in schema.classes if c != schema.positive_class), "")
        probability = probability_column(str(schema.positive_class))
        return {
            "prediction": (
                f"{schema.positive_class!r} when {probability} >= {threshold:g}, else {negative!r}"
            ),
            probability: f"probability of {schema.positive_class!r} (probabilities: one per row)",
        }
    return {
        "prediction": "the most probable class",
        "probability_<class>": "probability of each class (probabilities: {class: p} per row)",
    }


def _plain(value: Any) -> Any:
    """A training value as JSON: NumPy scalars as Python ones, timestamps as ISO text."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, pd.Timestamp | dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, bool | int | str) or value is None:
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    return str(value)


def _input_type(schema: Schema, series: pd.Series) -> InputType:
    name = str(series.name)
    if name in schema.names():
        kind = schema.column(name).type
    else:
        kind = infer_column_type(series, name=name)[0]
    return "text" if kind == "identifier" else kind


def _allowed_values(series: pd.Series, kind: InputType) -> tuple[Any, ...] | None:
    uniques = pd.unique(series.dropna())
    if len(uniques) > MAX_ALLOWED_VALUES:
        return None
    keyed: dict[str, Any] = {}
    for value in uniques:
        plain = _plain(value)
        key = class_label(plain)
        keyed.setdefault(key.strip().lower() if kind == "boolean" else key, plain)
    return tuple(keyed[k] for k in sorted(keyed, key=lambda k: class_label(keyed[k])))


def _range(series: pd.Series, kind: InputType) -> tuple[Any, Any]:
    if kind == "numeric":
        numbers = pd.to_numeric(series, errors="coerce")
        finite = np.isfinite(numbers.to_numpy(dtype=float, na_value=np.nan))
        numbers = numbers[finite]  # keeps whole numbers whole: 0 to 9, not 0.0 to 9.0
        if numbers.empty:
            return None, None
        return _plain(numbers.min()), _plain(numbers.max())
    if kind == "datetime":
        dates = pd.to_datetime(series, errors="coerce", utc=True, format="mixed").dropna()
        if dates.empty:
            return None, None
        return dates.min().isoformat(), dates.max().isoformat()
    return None, None


def _input_column(series: pd.Series, kind: InputType) -> InputColumn:
    allowed = _allowed_values(series, kind) if kind in ("categorical", "boolean") else None
    low, high = _range(series, kind)
    return InputColumn(
        name=str(series.name),
        type=kind,
        dtype=str(series.dtype),
        nullable=bool(series.isna().any()),
        allowed=allowed,
        minimum=low,
        maximum=high,
    )


def bundle_schema(
    schema: Schema,
    training_frame: pd.DataFrame,
    *,
    features: Sequence[str] | None = None,
    classes: Sequence[Any] = (),
    threshold: float | None = None,
    model_version: str = "",
) -> BundleSchema:
    """The input contract, read from the training rows of the model's feature columns.

    ``features``: the columns the pipeline reads, in its order (default: every column of
    ``training_frame``); types come from ``schema``; ``classes`` from ``pipeline.classes_``
    (default: the schema's). The threshold is kept for binary tasks only.
    """
    if schema.task is None:
        raise ExportError(MSG_NO_TASK, field="schema")
    if not isinstance(training_frame, pd.DataFrame):
        kind = type(training_frame).__name__
        raise ExportError(MSG_FRAME_TYPE.format(kind=kind), field="training_frame")
    if training_frame.empty:
        raise ExportError(MSG_FRAME_EMPTY, field="training_frame")
    names = [str(c) for c in (features if features is not None else training_frame.columns)]
    if not names:
        raise ExportError(MSG_NO_FEATURES, field="schema")
    absent = [n for n in names if n not in training_frame.columns]
    if absent:
        shown = ", ".join(map(repr, absent))
        raise ExportError(MSG_FEATURES_MISSING.format(columns=shown), field="training_frame")
    columns = tuple(
        _input_column(training_frame[name], _input_type(schema, training_frame[name]))
        for name in names
    )
    labels = tuple(class_label(c) for c in classes) or tuple(schema.classes)
    positive = None
    if schema.task == "binary":
        positive = schema.positive_class
        if positive is None:  # a schema saved without one: the schema's own default rule
            positive = model_positive_class(schema, labels)
        if positive not in labels:
            raise ExportError(
                MSG_POSITIVE.format(positive=positive, classes=list(labels)),
                field="positive_class",
            )
    return BundleSchema(
        columns=columns,
        task=schema.task,
        target=schema.target,
        classes=labels if schema.task != "regression" else (),
        positive_class=positive,
        threshold=_checked_threshold(threshold) if schema.task == "binary" else None,
        model_version=model_version,
    )


def _checked_threshold(value: Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | np.number):
        raise ExportError(MSG_THRESHOLD.format(value=value), field="threshold")
    number = float(value)
    if not (math.isfinite(number) and 0.0 <= number <= 1.0):
        raise ExportError(MSG_THRESHOLD.format(value=value), field="threshold")
    return number


# --- the pipeline and what it needs --------------------------------------------------------


def _model_bytes(pipeline: Any) -> tuple[bytes, Any]:
    """(joblib bytes written into the bundle, the pipeline loaded back from them)."""
    if isinstance(pipeline, bytes | bytearray | memoryview):
        data = bytes(pipeline)
        try:
            return data, persist.load_joblib(data)
        except Exception as error:  # any unpickling failure means unusable bytes
            message = MSG_PIPELINE_BYTES.format(problem=f"{type(error).__name__}: {error}")
            raise ExportError(message, field="pipeline") from None
    if not hasattr(pipeline, "predict"):
        kind = type(pipeline).__name__
        raise ExportError(MSG_NOT_ESTIMATOR.format(kind=kind), field="pipeline")
    buffer = io.BytesIO()
    joblib.dump(pipeline, buffer, compress=3)  # as the workbench stores its models
    data = buffer.getvalue()
    return data, joblib.load(io.BytesIO(data))


def _check_model(model: Any, task: str) -> None:
    if not hasattr(model, "predict"):
        kind = type(model).__name__
        raise ExportError(MSG_NOT_ESTIMATOR.format(kind=kind), field="pipeline")
    try:
        check_is_fitted(model)
    except NotFittedError as error:
        raise ExportError(MSG_NOT_FITTED.format(problem=error), field="pipeline") from None
    if task == "regression":
        return
    if not hasattr(model, "predict_proba") or not hasattr(model, "classes_"):
        kind = type(model).__name__
        raise ExportError(MSG_NO_PROBA.format(task=task, kind=kind), field="pipeline")
    count = len(model.classes_)
    if (task == "binary" and count != 2) or (task == "multiclass" and count < 2):
        needed = "exactly 2" if task == "binary" else "at least 2"
        labels = [class_label(c) for c in model.classes_]
        message = MSG_CLASS_COUNT.format(task=task, needed=needed, count=count, classes=labels)
        raise ExportError(message, field="pipeline")


def _features(model: Any, training_frame: pd.DataFrame) -> list[str]:
    """The columns the pipeline reads, in its order (fitted on a DataFrame) or the frame's."""
    try:
        names = model.feature_names_in_
    except AttributeError:
        return [str(c) for c in training_frame.columns]
    return [str(c) for c in names]


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
    memo: dict[int, Any] = {}
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


def _requirements(packages: set[str]) -> str:
    """Pinned requirements: the base set, the packages the model needs, the service's."""
    owners = importlib.metadata.packages_distributions()
    distributions = set(BASE_DISTRIBUTIONS)
    for top in sorted(packages):
        names = owners.get(top)
        if not names:
            raise ExportError(MSG_UNKNOWN_PACKAGE.format(module=top), field="pipeline")
        distributions.update(names)
    scoring = []
    for name in sorted(distributions, key=str.lower):
        try:
            version = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            raise ExportError(MSG_UNKNOWN_PACKAGE.format(module=name), field="pipeline") from None
        scoring.append(f"{_canonical(name)}=={version}")
    service = [f"{name}=={version}" for name, version in sorted(SERVICE_PINS.items())]
    python = f"{sys.version_info.major}.{sys.version_info.minor}"
    lines = [
        f"# Exact versions the model was trained and checked with (Python {python}).",
        "# scoring (predict.py, bundle_runtime.py)",
        *[line for line in scoring if line.partition("==")[0] not in SERVICE_PINS],
        "# service (serve.py)",
        *service,
    ]
    return "\n".join(lines) + "\n"


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


# --- golden rows ---------------------------------------------------------------------------


def _golden_positions(frame: pd.DataFrame, count: int = GOLDEN_ROWS) -> list[int]:
    """Evenly spaced rows, plus the first row with a gap for each column whose picks have none."""
    rows = len(frame)
    picked = {int(p) for p in np.linspace(0, rows - 1, num=min(count, rows)).round()}
    for name in frame.columns:
        gaps = np.flatnonzero(frame[name].isna().to_numpy())
        if gaps.size and not picked.intersection(gaps.tolist()):
            picked.add(int(gaps[0]))
    return sorted(picked)


def _expected_outputs(model: Any, inputs: pd.DataFrame, schema: BundleSchema) -> pd.DataFrame:
    """What the workbench's scoring answers for these rows (positive when p >= threshold)."""
    if schema.task == "regression":
        predicted = np.asarray(model.predict(inputs), dtype=float)
        return pd.DataFrame({"prediction": predicted}, index=inputs.index)
    proba = np.asarray(model.predict_proba(inputs), dtype=float)
    classes = [class_label(c) for c in model.classes_]
    if schema.task == "binary":
        positive = str(schema.positive_class)
        negative = next(c for c in classes if c != positive)
        score = proba[:, classes.index(positive)]
        threshold = 0.5 if schema.threshold is None else schema.threshold
        labels = label_at_threshold(score, threshold, positive=positive, negative=negative)
        return pd.DataFrame(
            {"prediction": labels, probability_column(positive): score}, index=inputs.index
        )
    out = pd.DataFrame(
        {"prediction": np.asarray(classes, dtype=object)[proba.argmax(axis=1)]}, index=inputs.index
    )
    for i, label in enumerate(classes):
        out[probability_column(label)] = proba[:, i]
    return out


GOLDEN_REAL_NOTE = (
    "real training rows (exported with golden_real_rows: they leave with every copy of the "
    "bundle) with the outputs the workbench computed for them"
)


def _synthetic_inputs(schema: BundleSchema, count: int = GOLDEN_ROWS) -> pd.DataFrame:
    """Rows drawn from the schema alone, as text and typed values: numbers within the training
    range, allowed categories, dates between the first and last; one gap per nullable column.
    Deterministic (``GOLDEN_SEED``); no training row is read."""
    rng = np.random.default_rng(GOLDEN_SEED)
    nullable = [c.name for c in schema.columns if c.nullable]
    rows = max(count, len(nullable))
    data: dict[str, list[Any]] = {}
    for column in schema.columns:
        data[column.name] = _synthetic_values(column, rng, rows)
    for i, name in enumerate(nullable):
        data[name][i] = None
    return pd.DataFrame(data, columns=list(schema.feature_order), dtype=object)


def _synthetic_values(column: InputColumn, rng: np.random.Generator, rows: int) -> list[Any]:
    if column.allowed:
        picks = rng.integers(0, len(column.allowed), rows)
        return [column.allowed[int(i)] for i in picks]
    if column.type == "numeric":
        low = 0.0 if column.minimum is None else float(column.minimum)
        high = low if column.maximum is None else float(column.maximum)
        if _is_whole_dtype(column.dtype):
            return [int(v) for v in rng.integers(int(np.ceil(low)), int(np.floor(high)) + 1, rows)]
        return [float(np.clip(round(float(v), 4), low, high)) for v in rng.uniform(low, high, rows)]
    if column.type == "datetime":
        first = pd.Timestamp(column.minimum or "2020-01-01").normalize()
        last = pd.Timestamp(column.maximum or first).normalize()
        days = max(0, (last - first).days)
        return [
            (first + pd.Timedelta(days=int(d))).strftime("%Y-%m-%d")
            for d in rng.integers(0, days + 1, rows)
        ]
    if column.type == "boolean":
        return [bool(v) for v in rng.integers(0, 2, rows)]
    return [f"synthetic {column.name} {i + 1}" for i in range(rows)]


def _is_whole_dtype(text: str) -> bool:
    try:
        return np.dtype(text).kind in "iu"
    except TypeError:
        return False


def _golden(
    model: Any, frame: pd.DataFrame, schema: BundleSchema, *, real_rows: bool
) -> tuple[bytes, pd.DataFrame]:
    """(golden.csv bytes, the rows' inputs and expected outputs): training rows when
    ``real_rows``, else synthetic rows read by the bundle's own code, as a caller's CSV is."""
    if real_rows:
        inputs = frame.iloc[_golden_positions(frame)][list(schema.feature_order)]
    else:
        runtime = bundle_runtime()
        text = _synthetic_inputs(schema).to_csv(index=False, lineterminator="\n", na_rep="")
        table = runtime.read_table(io.BytesIO(text.encode("utf-8")), "golden.csv")
        try:
            inputs, _ = runtime.table_to_frame(
                table, runtime.Contract(schema.to_dict()), strict=True
            )
        except runtime.InputError as error:
            raise ExportError(
                MSG_GOLDEN_MISMATCH.format(problems=error), field="pipeline"
            ) from None
        expected = _expected_outputs(model, inputs, schema)
        for column in expected.columns:
            table[EXPECTED_PREFIX + column] = expected[column].to_numpy()
        text = table.to_csv(index=False, lineterminator="\n", na_rep="")
        return text.encode("utf-8"), table
    expected = _expected_outputs(model, inputs, schema)
    table = inputs.copy()
    for column in expected.columns:
        table[EXPECTED_PREFIX + column] = expected[column].to_numpy()
    text = table.to_csv(index=False, lineterminator="\n", na_rep="")
    return text.encode("utf-8"), table


def bundle_runtime() -> types.ModuleType:
    """The bundle's own scoring module (assets/bundle/bundle_runtime.py), loaded once; the
    workbench uses its rules where both must agree (golden rows, formula-safe CSV cells)."""
    module = sys.modules.get(RUNTIME_MODULE)
    if module is None:
        spec = importlib.util.spec_from_loader(RUNTIME_MODULE, loader=None)
        module = importlib.util.module_from_spec(spec)
        path = str(_template_root().joinpath("bundle_runtime.py"))
        module.__file__ = path  # HERE: unused when scoring in memory
        sys.modules[RUNTIME_MODULE] = module
        exec(compile(_template("bundle_runtime.py"), path, "exec"), module.__dict__)
    return module


def _check_golden(model: Any, schema: BundleSchema, golden: bytes) -> None:
    """Score golden.csv with the bundle's own code: it must give the workbench's outputs."""
    runtime = bundle_runtime()
    contract = runtime.Contract(schema.to_dict())
    table = runtime.read_table(io.BytesIO(golden), "golden.csv")
    problems = runtime.check_golden(model, contract, table)
    if problems:
        shown = "; ".join(problems[:5])
        raise ExportError(MSG_GOLDEN_MISMATCH.format(problems=shown), field="pipeline")


# --- templates and the README --------------------------------------------------------------


def _template_root() -> Any:
    return importlib.resources.files(TEMPLATE_PACKAGE).joinpath(TEMPLATE_FOLDER)


def _template(name: str) -> bytes:
    return _template_root().joinpath(name).read_bytes()


def _render(template: bytes, values: Mapping[str, str]) -> bytes:
    text = template.decode("utf-8")
    for key, value in values.items():
        text = text.replace("{{" + key + "}}", value)
    return text.encode("utf-8")


def _md_code(text: Any) -> str:
    """Text as a Markdown code span that survives a table cell (pipes, backticks, newlines)."""
    value = " ".join(str(text).split()).replace("|", "\\|")
    if "`" in value:
        return f"`` {value} ``"
    return f"`{value}`"


def _allowed_cell(column: InputColumn) -> str:
    if column.allowed is not None:
        shown = ", ".join(_md_code(_plain(v)) for v in column.allowed[:20])
        more = len(column.allowed) - 20
        return shown + (
            f", … ({len(column.allowed):,} values; see schema.json)" if more > 0 else ""
        )
    if column.minimum is not None:
        return f"{_md_code(column.minimum)} to {_md_code(column.maximum)}"
    return "any text" if column.type == "text" else ""


def _json_row(row: pd.Series) -> dict[str, Any]:
    return {str(k): (None if _is_missing(v) else _plain(v)) for k, v in row.items()}


def _is_missing(value: Any) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _readme(
    schema: BundleSchema,
    golden: pd.DataFrame,
    files: Sequence[str],
    copied: Sequence[str],
    created: str,
    *,
    real_golden: bool = False,
) -> bytes:
    target = _md_code(schema.target or "the target")
    threshold = 0.5 if schema.threshold is None else schema.threshold
    if schema.task == "binary":
        negative = next(c for c in schema.classes if c != schema.positive_class)
        sentence = (
            f"It predicts {target} (binary): {_md_code(schema.positive_class)} when the "
            f"probability of {_md_code(schema.positive_class)} is at least {threshold:g}, "
            f"otherwise {_md_code(negative)}."
        )
        column = probability_column(str(schema.positive_class))
        outputs = f"`prediction` and {_md_code(column)} (the probability of {_md_code(schema.positive_class)})"
    elif schema.task == "multiclass":
        classes = ", ".join(_md_code(c) for c in schema.classes)
        sentence = f"It predicts {target}, one of {classes}: the most probable class."
        outputs = "`prediction` and one `probability_<class>` column per class"
    else:
        sentence = f"It predicts {target}, a number."
        outputs = "`prediction`"
    columns = "\n".join(
        f"| {_md_code(c.name)} | {c.type} | {'yes' if c.nullable else 'no'} | {_allowed_cell(c)} |"
        for c in schema.columns
    )
    notes = {**FILE_NOTES, **({"golden.csv": GOLDEN_REAL_NOTE} if real_golden else {})}
    files_table = "\n".join(
        f"| {_md_code(name)} | {notes.get(name, _file_note(name))} |" for name in files
    )
    first = golden.iloc[0]
    body = {"rows": [_json_row(first[list(schema.feature_order)])]}
    answer = _example_answer(first, schema)
    curl_body = json.dumps(body, ensure_ascii=False).replace("'", "'\\''")
    core_note = ""
    if copied:
        listed = ", ".join(_md_code(name) for name in copied)
        core_note = (
            "\n## Workbench code inside\n\n"
            f"`core/` holds verbatim copies of the workbench modules the pipeline's own steps "
            f"are defined in ({listed}). They need only the packages in `requirements.txt`; "
            "the pickled pipeline refers to them by name, so keep `core/` next to `model/`.\n"
        )
    values = {
        "MODEL_VERSION": schema.model_version,
        "MODEL_SLUG": re.sub(r"[^a-z0-9.-]+", "-", schema.model_version.lower()).strip("-.")
        or "model",
        "CREATED": created,
        "TASK_SENTENCE": sentence,
        "PYTHON_VERSION": f"{sys.version_info.major}.{sys.version_info.minor}",
        "FILES_TABLE": files_table,
        "OUTPUT_COLUMNS": outputs,
        "COLUMNS_TABLE": columns,
        "CURL_BODY": curl_body,
        "EXAMPLE_RESPONSE": json.dumps(answer, indent=2, ensure_ascii=False),
        "MAX_ROWS": "1,000",
        "CORE_NOTE": core_note,
    }
    return _render(_template(TEMPLATES["README.md"]), values)


def _file_note(name: str) -> str:
    if name.startswith(f"{WORKBENCH_CORE}/"):
        return "verbatim copy of a workbench module the pipeline's steps come from"
    return "added by the exporter"


def _example_answer(row: pd.Series, schema: BundleSchema) -> dict[str, Any]:
    prediction = row[EXPECTED_PREFIX + "prediction"]
    if schema.task == "regression":
        predictions, probabilities = [float(prediction)], None
    elif schema.task == "binary":
        predictions = [str(prediction)]
        column = probability_column(str(schema.positive_class))
        probabilities = [float(row[EXPECTED_PREFIX + column])]
    else:
        predictions = [str(prediction)]
        probabilities = [
            {c: float(row[EXPECTED_PREFIX + probability_column(c)]) for c in schema.classes}
        ]
    positive = {"positive_class": schema.positive_class} if schema.task == "binary" else {}
    return {
        "predictions": predictions,
        "probabilities": probabilities,
        **positive,
        "model_version": schema.model_version,
        "request_id": "3f2b…",
        "warnings": [],
    }


# --- the zip -------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True, eq=False)
class Bundle:
    """The exported zip and what it holds; ``sha256`` identifies the zip itself."""

    zip_bytes: bytes = dataclasses.field(repr=False)
    manifest: dict[str, Any]
    sha256: str
    size_bytes: int
    files: tuple[str, ...]
    schema: BundleSchema
    workbench_modules: tuple[str, ...] = ()  # core modules copied verbatim into core/


def _zip_time(created: Any) -> tuple[int, int, int, int, int, int]:
    if not isinstance(created, str):
        raise ExportError(MSG_CREATED.format(value=created), field="created")
    try:
        moment = dt.datetime.fromisoformat(created.strip())
    except ValueError:
        raise ExportError(MSG_CREATED.format(value=created), field="created") from None
    year = min(max(moment.year, 1980), 2107)
    second = moment.second - moment.second % 2  # zip keeps even seconds
    return (year, moment.month, moment.day, moment.hour, moment.minute, second)


def _zip(files: Mapping[str, bytes], stamp: tuple[int, int, int, int, int, int]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # Unix, whatever the machine, so the bytes do not vary
            info.external_attr = ZIP_MODE << 16
            archive.writestr(info, files[name], compresslevel=9)
    return buffer.getvalue()


def _safe_name(name: Any) -> bool:
    if not isinstance(name, str) or not name or "\\" in name or name.endswith("/"):
        return False
    pure = PurePosixPath(name)
    return not pure.is_absolute() and all(p not in ("", ".", "..") for p in name.split("/"))


def _extra_files(extra: Mapping[str, bytes], taken: set[str]) -> dict[str, bytes]:
    files = {}
    for name, data in sorted(extra.items(), key=lambda item: str(item[0])):
        if not _safe_name(name):
            raise ExportError(MSG_EXTRA_NAME.format(name=name), field="extra_files")
        reserved = name.startswith((f"{WORKBENCH_CORE}/", "model/")) or name == MANIFEST_FILE
        if name in taken or reserved:
            raise ExportError(MSG_EXTRA_CLASH.format(name=name), field="extra_files")
        if not isinstance(data, bytes | bytearray):
            kind = type(data).__name__
            raise ExportError(MSG_EXTRA_BYTES.format(name=name, kind=kind), field="extra_files")
        files[name] = bytes(data)
    return files


def _manifest(files: Mapping[str, bytes], schema: BundleSchema, created: str) -> dict[str, Any]:
    return {
        "format": BUNDLE_FORMAT,
        "model_version": schema.model_version,
        "created": created,
        "task": schema.task,
        "files": {
            name: {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
            for name, data in sorted(files.items())
        },
    }


def _json_bytes(data: Any) -> bytes:
    return (json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")


def _check_version(model_version: Any) -> str:
    ok = (
        isinstance(model_version, str)
        and 0 < len(model_version.strip()) <= MAX_VERSION_LENGTH
        and "\n" not in model_version
        and "\r" not in model_version
    )
    if not ok:
        message = MSG_VERSION.format(limit=MAX_VERSION_LENGTH, value=model_version)
        raise ExportError(message, field="model_version")
    return model_version.strip()


def build_bundle(
    pipeline: Any,
    *,
    schema: Schema | BundleSchema,
    training_frame: pd.DataFrame,
    model_card: str,
    model_version: str,
    created: str,
    threshold: float | None,
    extra_files: Mapping[str, bytes] | None = None,
    golden_real_rows: bool = False,
) -> Bundle:
    """The self-contained zip for a fitted pipeline (see the module docstring for its files).

    ``pipeline``: the fitted Pipeline, or its joblib bytes from the workbench's own artifact
    store (written as they are, so the zip does not depend on pickling again; never pass
    bytes from anyone else: they are unpickled). ``schema``: the project's schema (the
    contract is read from ``training_frame``, the model's feature columns of the training
    rows) or a ready ``BundleSchema``. ``created`` is an ISO date fixed by the caller. The
    golden rows are scored with the bundle's own code before the zip is returned: an
    ``ExportError`` says so if it would answer differently from the workbench.
    ``golden.csv`` holds synthetic rows drawn from the schema; ``golden_real_rows=True`` ships
    training rows instead (personal data then leaves with the bundle). Either way the
    bundle's code is first checked on training rows, which stay in memory.
    """
    version = _check_version(model_version)
    stamp = _zip_time(created)
    if not isinstance(model_card, str):
        kind = type(model_card).__name__
        raise ExportError(MSG_MODEL_CARD.format(kind=kind), field="model_card")
    if not isinstance(training_frame, pd.DataFrame):
        kind = type(training_frame).__name__
        raise ExportError(MSG_FRAME_TYPE.format(kind=kind), field="training_frame")
    extras = _extra_files(extra_files or {}, set(GENERATED_FILES))
    if schema.task is None:
        raise ExportError(MSG_NO_TASK, field="schema")
    model_data, model = _model_bytes(pipeline)
    _check_model(model, schema.task)
    contract = _contract(schema, model, training_frame, threshold, version)
    core_modules, packages = _pickle_modules(model)
    copied, imported = _copied_modules(core_modules)
    real_bytes, real_table = _golden(model, training_frame, contract, real_rows=True)
    _check_golden(model, contract, real_bytes)  # on training rows; they ship only if asked
    if golden_real_rows:
        golden_bytes, golden_table = real_bytes, real_table
    else:
        golden_bytes, golden_table = _golden(model, training_frame, contract, real_rows=False)
        _check_golden(model, contract, golden_bytes)
    files: dict[str, bytes] = {
        MODEL_FILE: model_data,
        "schema.json": _json_bytes(contract.to_dict()),
        "model_card.md": model_card.encode("utf-8"),
        "golden.csv": golden_bytes,
        "requirements.txt": _requirements(packages | imported).encode("utf-8"),
        **copied,
    }
    files.update(_static_files())
    files.update(extras)
    listed = sorted({*files, "README.md", MANIFEST_FILE})
    copied_names = sorted(_module_name(path) for path in copied)
    files["README.md"] = _readme(
        contract, golden_table, listed, copied_names, created, real_golden=golden_real_rows
    )
    manifest = _manifest(files, contract, created)
    files[MANIFEST_FILE] = _json_bytes(manifest)
    zip_bytes = _zip(files, stamp)
    return Bundle(
        zip_bytes=zip_bytes,
        manifest=manifest,
        sha256=hashlib.sha256(zip_bytes).hexdigest(),
        size_bytes=len(zip_bytes),
        files=tuple(sorted(files)),
        schema=contract,
        workbench_modules=tuple(copied_names),
    )


def _contract(
    schema: Schema | BundleSchema,
    model: Any,
    training_frame: pd.DataFrame,
    threshold: float | None,
    version: str,
) -> BundleSchema:
    """The input contract: read from the training rows, or the caller's with this threshold."""
    task = schema.task
    if isinstance(schema, BundleSchema):
        contract = dataclasses.replace(
            schema,
            threshold=_checked_threshold(threshold) if task == "binary" else None,
            model_version=version,
        )
        _check_contract_classes(contract, model)
    else:
        contract = bundle_schema(
            schema,
            training_frame,
            features=_features(model, training_frame),
            classes=model.classes_ if task != "regression" else (),
            threshold=threshold,
            model_version=version,
        )
    absent = [n for n in contract.feature_order if n not in training_frame.columns]
    if absent:
        shown = ", ".join(map(repr, absent))
        raise ExportError(MSG_FEATURES_MISSING.format(columns=shown), field="training_frame")
    if training_frame.empty:
        raise ExportError(MSG_FRAME_EMPTY, field="training_frame")
    return contract


def _static_files() -> dict[str, bytes]:
    """The service, batch scorer, runtime, Dockerfile and .dockerignore (not the README)."""
    files = {name: _template(t) for name, t in TEMPLATES.items() if name != "README.md"}
    python = f"{sys.version_info.major}.{sys.version_info.minor}"
    files["Dockerfile"] = _render(files["Dockerfile"], {"PYTHON_VERSION": python})
    return files


def _module_name(path: str) -> str:
    parts = path.removesuffix(".py").split("/")
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _check_contract_classes(contract: BundleSchema, model: Any) -> None:
    if contract.task == "regression":
        return
    labels = tuple(class_label(c) for c in model.classes_)
    if contract.classes != labels or (
        contract.task == "binary" and contract.positive_class not in labels
    ):
        message = MSG_POSITIVE.format(positive=contract.positive_class, classes=list(labels))
        raise ExportError(message, field="schema")


# --- checking a zip ------------------------------------------------------------------------


def read_bundle_file(zip_bytes: bytes, name: str) -> bytes:
    """One file of a bundle zip (e.g. ``schema.json``); KeyError when it has none."""
    with zipfile.ZipFile(io.BytesIO(zip_bytes)) as archive:
        return archive.read(name)


def verify_bundle(zip_bytes: bytes) -> list[str]:
    """Problems with a bundle zip; empty when every file matches manifest.json.

    Checks that the zip reads, every listed file is there with its size and sha256, no
    file is unlisted, names stay inside the bundle and the required files are present.
    Nothing is unpickled.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(bytes(zip_bytes)))
    except (zipfile.BadZipFile, ValueError, TypeError) as error:
        return [MSG_VERIFY_NOT_ZIP.format(problem=error)]
    with archive:
        infos = [i for i in archive.infolist() if not i.is_dir()]
        names = [i.filename for i in infos]
        problems = [MSG_VERIFY_UNSAFE.format(name=n) for n in names if not _safe_name(n)]
        seen: set[str] = set()
        for name in names:
            if name in seen:
                problems.append(MSG_VERIFY_DUPLICATE.format(name=name))
            seen.add(name)
        if MANIFEST_FILE not in seen:
            return [*problems, MSG_VERIFY_NO_MANIFEST]
        try:
            manifest = json.loads(archive.read(MANIFEST_FILE))
            listed = manifest["files"]
            if not isinstance(listed, dict):
                raise TypeError("'files' must be an object")
        except (ValueError, KeyError, TypeError, zipfile.BadZipFile) as error:
            return [*problems, MSG_VERIFY_MANIFEST.format(problem=error)]
        by_name = {i.filename: i for i in infos}
        for name, entry in sorted(listed.items()):
            problems += _verify_entry(archive, by_name.get(name), name, entry)
        problems += [
            MSG_VERIFY_UNLISTED.format(name=n)
            for n in sorted(seen)
            if n != MANIFEST_FILE and n not in listed
        ]
        problems += [MSG_VERIFY_REQUIRED.format(name=n) for n in REQUIRED_FILES if n not in listed]
    return problems


def _verify_entry(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo | None, name: str, entry: Any
) -> list[str]:
    if info is None:
        return [MSG_VERIFY_MISSING.format(name=name)]
    if not isinstance(entry, dict):
        return [MSG_VERIFY_MANIFEST.format(problem=f"{name}: expected {{sha256, size}}")]
    size = entry.get("size")
    if isinstance(size, int) and info.file_size != size:
        return [MSG_VERIFY_SIZE.format(name=name, actual=info.file_size, expected=size)]
    try:
        data = archive.read(info)
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        return [MSG_VERIFY_UNREADABLE.format(name=name, problem=error)]
    if hashlib.sha256(data).hexdigest() != entry.get("sha256"):
        return [MSG_VERIFY_HASH.format(name=name)]
    return []
