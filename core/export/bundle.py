"""The bundle builder: one self-contained, reproducible zip that scores like the workbench does.

See ``core.export`` for what the zip holds. Same inputs ⇒ the same zip, byte for byte:
files in sorted order with the caller's ``created`` time and fixed permissions, JSON with
sorted keys.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import io
import json
import sys
import zipfile
from collections.abc import Mapping
from typing import Any

import joblib
import pandas as pd
from sklearn.exceptions import NotFittedError
from sklearn.utils.validation import check_is_fitted

from core import persist
from core.coerce import class_label
from core.data.schema import Schema
from core.export.contract import (
    MSG_FRAME_TYPE,
    MSG_NO_TASK,
    BundleSchema,
    _contract,
)
from core.export.golden import _check_golden, _golden
from core.export.layout import (
    BUNDLE_FORMAT,
    GENERATED_FILES,
    MANIFEST_FILE,
    MODEL_FILE,
    TEMPLATES,
    WORKBENCH_CORE,
    ZIP_MODE,
    ExportError,
    _render,
    _safe_name,
    _template,
)
from core.export.modules import _copied_modules, _module_name, _pickle_modules
from core.export.readme import _readme
from core.export.requirements import _requirements

MAX_VERSION_LENGTH = 200

MSG_NOT_FITTED = "the pipeline is not fitted: train the model first ({problem})"
MSG_NOT_ESTIMATOR = (
    "pipeline must be a fitted scikit-learn estimator or its joblib bytes, got {kind}"
)
MSG_PIPELINE_BYTES = "the pipeline bytes cannot be loaded with joblib: {problem}"
MSG_NO_PROBA = (
    "a {task} model must give probabilities (predict_proba and classes_); {kind} does not"
)
MSG_CLASS_COUNT = "a {task} model needs {needed} classes, the pipeline has {count}: {classes}"
MSG_VERSION = "model_version must be text of 1 to {limit} characters on one line, got {value!r}"
MSG_CREATED = "created must be an ISO 8601 date such as '2025-01-31', got {value!r}"
MSG_MODEL_CARD = "model_card must be text (Markdown), got {kind}"
MSG_EXTRA_NAME = (
    "extra file name {name!r} must be a relative path inside the bundle, without '..' or '\\'"
)
MSG_EXTRA_CLASH = "extra file {name!r} would replace a file the bundle makes itself"
MSG_EXTRA_BYTES = "extra file {name!r} must be bytes, got {kind}"


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


def _static_files() -> dict[str, bytes]:
    """The service, batch scorer, runtime, Dockerfile and .dockerignore (not the README)."""
    files = {name: _template(t) for name, t in TEMPLATES.items() if name != "README.md"}
    python = f"{sys.version_info.major}.{sys.version_info.minor}"
    files["Dockerfile"] = _render(files["Dockerfile"], {"PYTHON_VERSION": python})
    return files
