"""fit_final: the chosen model on every training row, ready to evaluate and export."""

from __future__ import annotations

import numpy as np
import pytest

from core.train import TrainError, TrainSettings, cross_validate_model, fit_final
from core.train.features import feature_columns
from core.train.zoo import make_pipeline


def test_train_fit_final_equals_a_plain_pipeline_fit(tiny) -> None:
    frame, schema = tiny("binary")
    settings = TrainSettings(models=("xgboost",), seed=3, n_jobs=1)
    params = {"n_estimators": 20, "subsample": 0.8}
    pipeline = fit_final(frame, schema, "xgboost", params, settings)
    X = frame[feature_columns(schema)]
    by_id = frame.sort_index()  # training fits the rows in row-id order, whatever order given
    plain = make_pipeline(schema, "xgboost", params=params, seed=3)
    plain.fit(by_id[feature_columns(schema)], by_id["churned"])
    np.testing.assert_array_equal(pipeline.predict_proba(X), plain.predict_proba(X))
    assert list(pipeline.classes_) == ["No", "Yes"]


def test_train_fit_final_with_the_params_of_a_result(tiny) -> None:
    frame, schema = tiny("regression")
    settings = TrainSettings(models=("tree",), folds=2, n_jobs=1, metric="mae")
    result = cross_validate_model(frame, schema, "tree", settings, params={"max_depth": 2})
    pipeline = fit_final(frame, schema, result.model, result.params, settings)
    assert pipeline.named_steps["model"].max_depth == 2
    assert pipeline.predict(frame[feature_columns(schema)]).shape == (60,)


def test_train_fit_final_checks_the_model(tiny) -> None:
    frame, schema = tiny("multiclass")
    with pytest.raises(TrainError, match="not for multiclass tasks"):
        fit_final(frame, schema, "ridge", None, TrainSettings(models=("ridge",)))
