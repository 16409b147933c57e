"""Small data with one strong feature, and zoo pipelines fitted once per test session.

``strong`` decides the target almost alone; the other columns (numbers with gaps, whole
numbers, a category, a 35-level category that is target-encoded, a yes/no flag and dates as
text) add little, so every explanation should rank ``strong`` first.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable

import numpy as np
import pandas as pd
import pytest
from sklearn.pipeline import Pipeline
from threadpoolctl import threadpool_limits

from core.data.schema import Schema, infer_schema
from core.explain import Explanation
from core.train.features import feature_columns
from core.train.zoo import make_pipeline

STRONG = "strong"
TARGETS = {"binary": "churned", "multiclass": "tier", "regression": "revenue"}
SMALL = {
    "rf": {"n_estimators": 15},
    "extra_trees": {"n_estimators": 15},
    "xgboost": {"n_estimators": 30},
    "hgb": {"max_iter": 30},
    "ensemble": {
        "members": {"logreg": {}, "hgb": {"max_iter": 30}, "xgboost": {"n_estimators": 30}}
    },
}


def make_frame(task: str, rows: int = 240, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    ids = rng.permutation(np.arange(5000, 5000 + rows))
    strong = rng.normal(size=rows).round(4)
    noise = rng.normal(size=rows).round(4)
    noise[::9] = np.nan
    dates = pd.date_range("2023-01-01", periods=rows, freq="3D").strftime("%Y-%m-%d")
    frame = pd.DataFrame(
        {
            "customer_id": [f"C{i:05d}" for i in ids],
            STRONG: strong,
            "noise": noise,
            "visits": rng.integers(0, 10, rows),
            "plan": rng.choice(["basic", "plus", "pro"], rows),
            "city": rng.choice([f"city_{i:02d}" for i in range(35)], rows),
            "paperless": rng.choice(["Yes", "No"], rows),
            "signup": np.asarray(dates)[rng.permutation(rows)],
        },
        index=pd.Index(ids, dtype="int64"),
    )
    jitter = rng.normal(scale=0.3, size=rows)
    if task == "binary":
        frame["churned"] = np.where(2.0 * strong + jitter > 0.2, "Yes", "No")
    elif task == "multiclass":
        score = strong + 0.5 * jitter
        frame["tier"] = np.select([score > 0.5, score > -0.5], ["gold", "silver"], "bronze")
    else:
        frame["revenue"] = (100 + 30 * strong + frame["visits"] + 3 * jitter).round(2)
    return frame


def make_schema(frame: pd.DataFrame, task: str) -> Schema:
    return infer_schema(
        frame,
        target=TARGETS[task],
        types={"signup": "datetime"},
        positive_class="Yes" if task == "binary" else None,
    )


Fitted = Callable[[str, str], tuple[Pipeline, pd.DataFrame, Schema]]


@pytest.fixture(scope="session", autouse=True)
def one_thread():
    """Tiny data: OpenMP threads only add overhead, and much more on a busy shared machine."""
    with threadpool_limits(limits=1):
        yield


@pytest.fixture(scope="session")
def fitted() -> Fitted:
    """``fitted(task, model_key)`` → (pipeline, input rows, schema), fitted once a session."""
    cache: dict[tuple[str, str], tuple[Pipeline, pd.DataFrame, Schema]] = {}

    def build(task: str, key: str) -> tuple[Pipeline, pd.DataFrame, Schema]:
        if (task, key) not in cache:
            frame = make_frame(task)
            schema = make_schema(frame, task)
            X, y = frame[feature_columns(schema)], frame[schema.target]
            pipeline = make_pipeline(schema, key, params=SMALL.get(key), seed=0)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                pipeline.fit(X, y)
            cache[(task, key)] = (pipeline, frame, schema)
        return cache[(task, key)]

    return build


def model_output(pipeline: Pipeline, explanation: Explanation) -> np.ndarray:
    """The model's own output for the explained rows, in the explanation's output space."""
    rows = explanation.rows[list(pipeline.feature_names_in_)]
    space = explanation.output_space
    if space == "prediction":
        return np.asarray(pipeline.predict(rows), dtype=float)
    position = list(pipeline.classes_).index(explanation.class_label)
    if space == "probability":
        return pipeline.predict_proba(rows)[:, position]
    model, prepared = pipeline[-1], pipeline[:-1].transform(rows)
    if hasattr(model, "model_"):  # XGBoostClassifier: the booster's margin
        margin = model.model_.predict(prepared, output_margin=True)
    else:
        margin = model.decision_function(prepared)
    margin = np.asarray(margin, dtype=float)
    if margin.ndim == 1:
        return margin if position == 1 else -margin
    return margin[:, position]


@pytest.fixture(scope="session")
def output_of() -> Callable[[Pipeline, Explanation], np.ndarray]:
    """``output_of(pipeline, explanation)``: the model output the SHAP values must add up to."""
    return model_output


@pytest.fixture(scope="session")
def frame_for() -> Callable[..., pd.DataFrame]:
    """``frame_for(task, rows=240, seed=0)``: fresh rows of the same data."""
    return make_frame
