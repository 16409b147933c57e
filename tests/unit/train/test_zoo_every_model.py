"""Every zoo model fits and predicts through make_pipeline on every task it supports."""

from __future__ import annotations

import io

import joblib
import numpy as np
import pytest

from core.train.features import feature_columns
from core.train.zoo import ZOO, make_pipeline

CASES = [(key, task) for key, spec in ZOO.items() for task in sorted(spec.tasks)]
SMALL = {"n_estimators": 10}  # keeps the forests and boosters quick on tiny data


def _params(key: str) -> dict:
    return SMALL if key in ("rf", "extra_trees", "xgboost") else {}


@pytest.mark.parametrize(("key", "task"), CASES, ids=[f"{k}-{t}" for k, t in CASES])
def test_zoo_model_fits_and_predicts(key: str, task: str, tiny) -> None:
    frame, schema = tiny(task)
    X, y = frame[feature_columns(schema)], frame[schema.target]
    pipeline = make_pipeline(schema, key, params=_params(key), seed=0).fit(X, y)
    predicted = pipeline.predict(X)
    assert len(predicted) == len(X)
    if task == "regression":
        assert np.isfinite(predicted.astype(float)).all()
        return
    assert list(pipeline.classes_) == sorted(y.unique())
    assert set(predicted) <= set(y.unique())
    proba = pipeline.predict_proba(X)
    assert proba.shape == (len(X), y.nunique())
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-6)


@pytest.mark.parametrize("key", [k for k in ZOO if "binary" in ZOO[k].tasks])
def test_zoo_pipeline_round_trips_through_joblib(key: str, tiny) -> None:
    frame, schema = tiny("binary")
    X, y = frame[feature_columns(schema)], frame["churned"]
    pipeline = make_pipeline(schema, key, params=_params(key)).fit(X, y)
    buffer = io.BytesIO()
    joblib.dump(pipeline, buffer)
    buffer.seek(0)
    loaded = joblib.load(buffer)
    np.testing.assert_array_equal(loaded.predict_proba(X), pipeline.predict_proba(X))


def test_zoo_pipeline_has_prepare_and_model_steps(tiny) -> None:
    _, schema = tiny("binary")
    pipeline = make_pipeline(schema, "logreg")
    assert list(pipeline.named_steps) == ["prepare", "model"]
