"""Bundles built once per session from tiny hand-made training rows.

Every column type the preprocessor handles appears: text dates typed datetime, a datetime64
column, numbers with gaps, whole numbers, a category with gaps, numbers used as categories,
a yes/no flag, a bool column, plus an ID and a sensitive column the model leaves out.
"""

from __future__ import annotations

import dataclasses
import io
import itertools
import zipfile
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import pandas as pd
import pytest

from core.data.schema import Schema, infer_schema
from core.export import Bundle, build_bundle
from core.train.features import feature_columns
from core.train.zoo import make_pipeline
from tests.helpers.bundle_service import load_module

CREATED = "2025-01-31"
VERSION = "churn-7"
THRESHOLD = 0.4
CARD = "# Churn model\n\nPredicts who cancels next month.\n"
TARGETS = {"binary": "churned", "multiclass": "tier", "regression": "revenue"}
_counter = itertools.count()


def make_rows(task: str, rows: int = 80, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    signal = rng.normal(size=rows)
    spend = np.round(50 + 20 * signal + rng.normal(scale=5, size=rows), 2)
    spend[::9] = np.nan
    plan = rng.choice(["basic", "plus", "pro"], rows).astype(object)
    plan[::11] = None
    dates = pd.date_range("2023-01-01", periods=rows, freq="3D").strftime("%Y-%m-%d")
    frame = pd.DataFrame(
        {
            "customer_id": [f"C{i:04d}" for i in range(rows)],
            "signup": np.asarray(dates)[rng.permutation(rows)],
            "last_seen": pd.Timestamp("2024-01-01")
            + pd.to_timedelta(rng.integers(0, 300, rows), unit="D"),
            "spend": spend,
            "visits": rng.integers(0, 10, rows),
            "plan": plan,
            "region": rng.choice([1, 2, 3], rows),
            "paperless": rng.choice(["Yes", "No"], rows),
            "is_active": rng.choice([True, False], rows),
            "gender": rng.choice(["F", "M"], rows),
        }
    )
    noise = rng.normal(scale=0.5, size=rows)
    if task == "binary":
        frame["churned"] = np.where(signal + noise > 0.3, "Yes", "No")
    elif task == "multiclass":
        frame["tier"] = np.select([signal < -0.5, signal < 0.5], ["bronze", "silver"], "gold")
    else:
        frame["revenue"] = np.round(100 + 30 * signal + noise, 2)
    return frame


def make_schema(frame: pd.DataFrame, task: str) -> Schema:
    return infer_schema(
        frame,
        target=TARGETS[task],
        types={"signup": "datetime", "region": "categorical"},
        roles={"gender": "sensitive"},  # chosen by the user, never by name
        positive_class="Yes" if task == "binary" else None,
    )


@dataclasses.dataclass(frozen=True, eq=False)
class Trained:
    frame: pd.DataFrame
    schema: Schema
    features: list[str]
    pipeline: Any

    @property
    def X(self) -> pd.DataFrame:
        return self.frame[self.features]


def train(task: str, model: str | None = None, **params: Any) -> Trained:
    """Fit a small pipeline (logistic regression, or ridge for regression) on ``make_rows``."""
    model = model or ("ridge" if task == "regression" else "logreg")
    frame = make_rows(task)
    schema = make_schema(frame, task)
    features = feature_columns(schema)
    pipeline = make_pipeline(schema, model, params=params or None)
    pipeline.fit(frame[features], frame[TARGETS[task]])
    return Trained(frame, schema, features, pipeline)


def build(trained: Trained, **options: Any) -> Bundle:
    """build_bundle with the usual test arguments; ``options`` override them."""
    arguments: dict[str, Any] = {
        "schema": trained.schema,
        "training_frame": trained.X,
        "model_card": CARD,
        "model_version": VERSION,
        "created": CREATED,
        "threshold": THRESHOLD if trained.schema.task == "binary" else None,
    }
    arguments.update(options)
    pipeline = arguments.pop("pipeline", trained.pipeline)
    return build_bundle(pipeline, **arguments)


def unpack(bundle: Bundle | bytes, folder: Path) -> Path:
    data = bundle.zip_bytes if isinstance(bundle, Bundle) else bundle
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        archive.extractall(folder)
    return folder


@pytest.fixture(scope="session")
def trained() -> Callable[..., Trained]:
    """``trained(task, model=None)``: fitted once per session."""
    cache: dict[tuple[str, str | None], Trained] = {}

    def get(task: str = "binary", model: str | None = None) -> Trained:
        if (task, model) not in cache:
            params = {"n_estimators": 5} if model == "xgboost" else {}
            cache[(task, model)] = train(task, model, **params)
        return cache[(task, model)]

    return get


@pytest.fixture(scope="session")
def bundles(trained: Callable[..., Trained]) -> Callable[..., Bundle]:
    """``bundles(task)``: the bundle of ``trained(task)``, built once per session."""
    cache: dict[str, Bundle] = {}

    def get(task: str = "binary") -> Bundle:
        if task not in cache:
            cache[task] = build(trained(task))
        return cache[task]

    return get


@pytest.fixture(scope="session")
def binary_bundle(bundles: Callable[..., Bundle]) -> Bundle:
    return bundles("binary")


@dataclasses.dataclass(frozen=True, eq=False)
class Unpacked:
    root: Path
    runtime: ModuleType
    loaded: Any  # runtime.LoadedBundle

    @property
    def contract(self) -> Any:
        return self.loaded.contract


@pytest.fixture(scope="session")
def unpacked(
    bundles: Callable[..., Bundle], tmp_path_factory: pytest.TempPathFactory
) -> Callable[..., Unpacked]:
    """``unpacked(task)``: the bundle unzipped once, its bundle_runtime.py imported from there.

    Read-only: a test that changes files unpacks its own copy.
    """
    cache: dict[str, Unpacked] = {}

    def get(task: str = "binary") -> Unpacked:
        if task not in cache:
            root = unpack(bundles(task), tmp_path_factory.mktemp(f"bundle-{task}"))
            runtime = load_module(root / "bundle_runtime.py", "bundle_runtime")
            cache[task] = Unpacked(root, runtime, runtime.load_bundle(root))
        return cache[task]

    return get


@pytest.fixture
def good_row() -> dict[str, Any]:
    """One valid JSON row for the binary bundle."""
    return {
        "signup": "2023-05-01",
        "last_seen": "2024-03-01T00:00:00",
        "spend": 50.5,
        "visits": 3,
        "plan": "basic",
        "region": 2,
        "paperless": "Yes",
        "is_active": True,
    }


@pytest.fixture(scope="session")
def builder() -> Callable[..., Bundle]:
    """``builder(trained, **options)``: a fresh bundle (build_bundle with test defaults)."""
    return build


@pytest.fixture(scope="session")
def unpacker() -> Callable[[Bundle | bytes, Path], Path]:
    """``unpacker(bundle, folder)``: unzip a bundle into a folder."""
    return unpack


@pytest.fixture(scope="session")
def module_loader() -> Callable[[Path, str], ModuleType]:
    """``module_loader(path, name)``: import a bundle's .py file under a unique name."""
    return load_module
