"""A small exported bundle (gradient boosting, a float32 column) served in-process."""

from __future__ import annotations

import importlib.util
import io
import itertools
import os
import sys
import warnings
import zipfile
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import pandas as pd

from core.data.schema import infer_schema
from core.export import build_bundle
from core.train.features import feature_columns
from core.train.zoo import make_pipeline

_counter = itertools.count()
SETTINGS = ("BUNDLE_API_KEYS", "BUNDLE_API_KEYS_FILE", "BUNDLE_MAX_ROWS", "BUNDLE_MAX_BODY_BYTES")


def frame(rows: int = 120, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    spend = np.round(rng.normal(50, 20, rows), 2).astype("float32")  # as the demo reads it
    return pd.DataFrame(
        {
            "spend": spend,
            "visits": rng.integers(0, 10, rows),
            "plan": rng.choice(["basic", "plus", "pro"], rows),
            "churned": np.where(spend + rng.normal(0, 10, rows) > 50, "Yes", "No"),
        }
    )


def load_module(path: Path, name: str) -> ModuleType:
    """A bundle's Python file as a module of its own (unique name; dataclasses need it listed)."""
    spec = importlib.util.spec_from_file_location(f"{name}_{next(_counter)}", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def build(folder: Path, **options: Any) -> Path:
    data = frame()
    schema = infer_schema(data, target="churned", positive_class="Yes")
    features = feature_columns(schema)
    pipeline = make_pipeline(schema, "hgb", params={"max_iter": 10})
    pipeline.fit(data[features], data["churned"])
    bundle = build_bundle(
        pipeline,
        schema=schema,
        training_frame=data[features],
        model_card="# Test model\n",
        model_version="fuzz-1",
        created="2025-01-31",
        threshold=0.5,
        **options,
    )
    folder.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(io.BytesIO(bundle.zip_bytes)) as archive:
        archive.extractall(folder)
    return folder


def serve_client(folder: Path, **env: str) -> tuple[Any, Path, Path]:
    """(TestClient of serve.py, its prediction log, the bundle folder); env sets BUNDLE_*."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
        from fastapi.testclient import TestClient
    root = build(folder / "bundle")
    log = folder / "predictions.jsonl"
    saved = {name: os.environ.get(name) for name in (*SETTINGS, "BUNDLE_LOG")}
    previous = sys.modules.get("bundle_runtime")
    try:
        for name in SETTINGS:
            os.environ.pop(name, None)
        os.environ.update({"BUNDLE_LOG": str(log), **env})
        sys.modules["bundle_runtime"] = load_module(root / "bundle_runtime.py", "bundle_runtime")
        serve = load_module(root / "serve.py", "serve")
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        if previous is None:
            sys.modules.pop("bundle_runtime", None)
        else:
            sys.modules["bundle_runtime"] = previous
    return TestClient(serve.app, raise_server_exceptions=False), log, root
